/*
 * transfer_db.h - internals shared by transfer.c and the backups: the list
 * of tables that hold an installation's data, and one interface for reading
 * and writing whole tables that sqlite/transfer.c and pg/transfer.c
 * implement, each in its engine's fastest way (SQLite's prepared INSERTs,
 * PostgreSQL's COPY).
 *
 * Not a public header: only src/store includes it.
 */
#ifndef INVOLVE_TRANSFER_DB_H
#define INVOLVE_TRANSFER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/str.h"
#include "db.h"

/* The migrator's own table: in every database, never copied. */
#define XFER_MIGRATIONS_TABLE "schema_migration"

/* How a column's values move: each kind keeps its values exactly. */
enum xfer_type {
	XFER_INT,  /* INTEGER / BIGINT: a 64-bit whole number */
	XFER_TEXT, /* TEXT: UTF-8 bytes */
	XFER_BLOB, /* BLOB / BYTEA: bytes */
	XFER_REAL, /* DOUBLE PRECISION: a 64-bit IEEE 754 number */
};

#define XFER_COLUMNS_MAX 20

struct xfer_column {
	const char *name;
	enum xfer_type type;
};

struct xfer_table {
	const char *name;
	int key_n;            /* the primary key: the first key_n columns; rows are read
	                       * in its order */
	const char *identity; /* the id column PostgreSQL numbers, or NULL */
	int column_n;
	struct xfer_column columns[XFER_COLUMNS_MAX];
};

/* Every table that holds data, parents before the tables that refer to
 * them: derived from the migrations at build time (scripts/schema.py). */
extern const struct xfer_table xfer_tables[];
extern const int xfer_table_n;

/* One value of a row.  p and n hold text and bytes; they point into the
 * reader's result and live only during the row callback. */
struct xfer_value {
	bool null;
	int64_t i;
	double d;
	const unsigned char *p;
	size_t n;
};

typedef int (*xfer_row_fn)(void *arg, const struct xfer_value *row);
typedef int (*xfer_name_fn)(void *arg, const char *name);

struct xfer_db;

/*
 * Operations return 0, or an error code after adding a message to the
 * database's errors.  A reading database is used as: begin(false), then
 * read for each table; a writing one as: begin(true), then for each table
 * write_start, write_row for each row, write_end; and commit.  close
 * rolls back whatever was not committed.
 */
struct xfer_db_ops {
	/* The names of the database's own tables, besides its catalogue. */
	int (*tables)(struct xfer_db *db, xfer_name_fn fn, void *arg);
	int (*columns)(struct xfer_db *db, const char *table, xfer_name_fn fn, void *arg);
	int (*count)(struct xfer_db *db, const char *table, int64_t *out);
	/* write: a transaction that keeps other writers out until commit;
	 * otherwise one read snapshot for every read that follows. */
	int (*begin)(struct xfer_db *db, bool write);
	int (*read)(struct xfer_db *db, const struct xfer_table *t, xfer_row_fn fn, void *arg);
	int (*write_start)(struct xfer_db *db, const struct xfer_table *t);
	int (*write_row)(struct xfer_db *db, const struct xfer_value *row);
	int (*write_end)(struct xfer_db *db);
	/* Moves identity sequences past the copied ids, then commits. */
	int (*commit)(struct xfer_db *db);
	void (*close)(struct xfer_db *db);
};

struct xfer_db {
	const struct xfer_db_ops *ops;
	const char *role;  /* "source", "target": named in messages */
	struct errors *e;
};

enum xfer_open_mode {
	XFER_OPEN_EXISTING, /* a SQLite file must exist already */
	XFER_OPEN_CREATE,   /* a SQLite file is created if missing */
	XFER_OPEN_READONLY, /* a SQLite file is only read (a backup file) */
};

/* Opens the database at url for `role`; the caller closes it with
 * db->ops->close.  PostgreSQL ignores the mode. */
int xfer_open(const char *url, const char *role, enum xfer_open_mode mode, struct errors *e,
    struct xfer_db **out);
int xfer_sqlite_open(const char *path, const char *role, enum xfer_open_mode mode,
    struct errors *e, struct xfer_db **out);
int xfer_pg_open(const char *url, const char *role, struct errors *e, struct xfer_db **out);

/* The SQLite connection under db (from xfer_sqlite_open), for the
 * backup API. */
struct sqlite3;
struct sqlite3 *xfer_sqlite_handle(struct xfer_db *db);

/* Adds "the <role> database: <message>" to the database's errors. */
void xfer_error(struct xfer_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checks that the database has exactly the tables and columns of
 * xfer_tables (and schema_migration): ERR_INVALID with a message if not. */
int xfer_check_schema(struct xfer_db *db);
/* Whether the database has schema_migration, the mark of a database
 * that involve migrate made: ERR_INVALID with a message if not. */
int xfer_check_involve(struct xfer_db *db);
/* The first of the database's tables, besides schema_migration, that
 * holds rows, and how many; *table is "" when every table is empty. */
int xfer_any_rows(struct xfer_db *db, char *table, size_t size, int64_t *rows);

/* Appends name to b as an SQL identifier: double-quoted, quotes doubled. */
void xfer_sql_ident(struct buf *b, const char *name);
/* Appends the first n column names of t to b, double-quoted and separated
 * by commas.  Names come only from xfer_tables (lower-case words), never
 * from input. */
void xfer_sql_columns(struct buf *b, const struct xfer_table *t, int n);
/* "SELECT <columns> FROM <t> ORDER BY <key>" into b. */
void xfer_sql_select(struct buf *b, const struct xfer_table *t);
/* "a whole number", "text", "bytes", "a real number": for messages. */
const char *xfer_type_name(enum xfer_type type);

#endif
