/*
 * transfer.h - copies an installation's data from one database to another,
 * SQLite or PostgreSQL in either direction (`involve migrate-data`).
 *
 * Every table that holds data is copied row by row with its ids, values
 * moving exactly: whole numbers as 64-bit integers, text byte for byte,
 * hashes as bytes.  The audit log's entries are copied as they are, so
 * its hash chain still verifies on the target with the same audit key.
 * schema_migration is not copied: it records how each database's own
 * schema was built, and the target's migrator wrote its own.
 *
 * The target must already be migrated (store ops->migrate) and empty; the
 * copy is one transaction on the target, so it either holds all of the
 * source's rows or none.  The source is read in one consistent snapshot and
 * never written, so it may be in use while it is copied.
 */
#ifndef INVOLVE_TRANSFER_H
#define INVOLVE_TRANSFER_H

#include <stdint.h>

#include "involve/error.h"

/* The most tables a copy reports on: every table of the schema (the build
 * checks that they fit). */
#define TRANSFER_TABLES_MAX 48

struct transfer_count {
	const char *table; /* a string literal */
	int64_t rows;
};

struct transfer_report {
	int n;
	struct transfer_count tables[TRANSFER_TABLES_MAX];
};

/* Checks that the database at url can be copied from: it opens and has
 * exactly the tables and columns a copy moves.  0, or an error code with
 * what is wrong in e.  Reads only. */
int transfer_check_source(const char *url, struct errors *e);

/*
 * Copies every table from the database at from_url to the one at to_url
 * ("sqlite:PATH" or "postgresql://...").  Returns 0 and fills report, or
 * an error code with what went wrong in e (ERR_INVALID for a URL or schema
 * that does not fit, ERR_CONFLICT when the target is not empty, ERR_IO when
 * a database fails); the target is then unchanged.
 */
int transfer_copy(const char *from_url, const char *to_url, struct transfer_report *report,
    struct errors *e);

#endif
