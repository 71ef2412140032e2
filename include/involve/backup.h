/*
 * backup.h - backing a database up to one file and restoring it
 * (`involve backup`, `involve restore`).
 *
 * SQLite: the backup is a copy of the database made with SQLite's online
 * backup API from one read snapshot, so it is consistent and may be taken
 * while the server runs.  PostgreSQL: the backup is pg_dump's custom format
 * (pg_dump also reads one snapshot), restored with pg_restore in a single
 * transaction.  The URL's parts reach pg_dump and pg_restore in their
 * environment, never on a command line or through a shell, so a password
 * in the URL does not show in the process list.
 *
 * A backup file is created with mode 0600 under a temporary name and gets
 * its name only when complete and on disk; an existing file is never
 * replaced.  The keys in the data directory are not part of a backup
 * (keys.h): they are kept apart on purpose.
 */
#ifndef INVOLVE_BACKUP_H
#define INVOLVE_BACKUP_H

#include <stdbool.h>

#include "involve/error.h"

/* Writes a backup of the database at url ("sqlite:PATH" or
 * "postgresql://...") to the new file path.  0, or an error code with
 * what went wrong in e; no file is left behind on failure. */
int backup_write(const char *url, const char *path, struct errors *e);

/*
 * Replaces the database at url with the backup in path.  Refuses
 * (ERR_CONFLICT) when the database holds any rows, unless force.  The
 * backup is checked before the database is touched: a missing, unreadable
 * or damaged file, or one of the other database kind, leaves it unchanged.
 * Nothing else may use the database meanwhile (stop the server first).
 */
int backup_restore(const char *url, const char *path, bool force, struct errors *e);

#endif
