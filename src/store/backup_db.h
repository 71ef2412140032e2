/*
 * backup_db.h - the two kinds of backup behind backup.h: backup.c handles
 * the file (a temporary name, mode 0600, no replacing) and calls these.
 *
 * Not a public header: only src/store/backup*.c include it.
 */
#ifndef INVOLVE_BACKUP_DB_H
#define INVOLVE_BACKUP_DB_H

#include <stdbool.h>

#include "involve/error.h"

/* Copies the SQLite database at db_path into file, which exists, is
 * empty and is not yet visible under its final name. */
int backup_sqlite_write(const char *db_path, const char *file, struct errors *e);
/* Replaces the SQLite database at db_path (created if missing) with the
 * SQLite backup in file. */
int backup_sqlite_restore(const char *db_path, const char *file, bool force, struct errors *e);

/* The same with pg_dump's custom format. */
int backup_pg_write(const char *url, const char *file, struct errors *e);
int backup_pg_restore(const char *url, const char *file, bool force, struct errors *e);

#endif
