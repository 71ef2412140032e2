/*
 * db.h - the small database interface every area of the store is written
 * against, once, whatever the engine underneath.
 *
 * An engine is a driver (src/store/sqlite/, src/store/pg/) that opens
 * connections and runs statements.  Above it, this interface gives:
 *
 *   - statements: SQL written once, with SQLite's placeholders ("?", or
 *     "?3" to name a parameter again), prepared once per connection and
 *     cached by the address of the SQL text (always a string literal);
 *   - binding and stepping, and reading columns;
 *   - a pool of connections for reads;
 *   - db_write: run a function in a transaction, returning once it is
 *     committed (durable) or rolled back;
 *   - db_submit: hand a job to the group-commit writer, which commits many
 *     jobs in one transaction and calls each back once it is durable; a
 *     kind of job may run each of its jobs under a savepoint (db_savepoint),
 *     and may have its batches written side by side (PostgreSQL).
 *
 * SQL both engines accept is the rule (SQLite 3.40 knows RETURNING and
 * ON CONFLICT).  Two small differences are the drivers' to absorb:
 * PostgreSQL gets "$1" for "?1", and SQLite ignores a trailing
 * " FOR UPDATE" or " FOR KEY SHARE" (its one writer already holds the
 * database's write lock for the whole transaction).  SQL that only one engine accepts is written
 * only where it measurably pays, and says so where it stands.
 *
 * Errors: functions return 0 or a negative ERR_* (error.h).  A unique
 * violation is ERR_DUPLICATE, a foreign key pointing nowhere ERR_NOTFOUND,
 * a full disk ERR_FULL, a lost connection ERR_BUSY, anything else ERR_IO
 * (logged by the driver).
 *
 * Not a public header: only src/store includes it.
 */
#ifndef INVOLVE_STORE_DB_H
#define INVOLVE_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/str.h"

enum db_engine {
	DB_SQLITE,     /* "sqlite:PATH" */
	DB_POSTGRESQL, /* "postgresql://..." or "postgres://..." */
};

/* The kind of database url names (ERR_INVALID, with a message on `field`
 * in e, for any other); *target is then what the driver opens: for SQLite
 * the file's path inside url, for PostgreSQL url itself.  target may be
 * NULL. */
int db_url_parse(const char *url, const char *field, enum db_engine *engine, const char **target,
    struct errors *e);

/* How many statements one connection keeps prepared. */
#define DB_STMT_CACHE 64
/* The most parameters one statement takes. */
#define DB_PARAMS_MAX 16
/* Reading connections when the configuration says 0. */
#define DB_READERS_DEFAULT 8
/* The most jobs the writer commits in one transaction. */
#define DB_BATCH_MAX 2048
/* The most threads (each with its connection) the writer has: the
 * driver's `writers`. */
#define DB_WRITERS_MAX 2
/* How often a transaction that lost a serialization race or a deadlock
 * (PostgreSQL, with other servers on the database) is tried again. */
#define DB_TX_TRIES 5

struct db;      /* an open database: a pool of readers and the writer */
struct db_conn; /* one connection */
struct db_stmt; /* one prepared statement of a connection */

/* Opens the database at url with `readers` reading connections (0: the
 * default) and starts its writer.  The caller closes it with db_close,
 * which first commits every job already submitted. */
int db_open(const char *url, int readers, struct db **out, struct errors *e);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
enum db_engine db_conn_engine(const struct db_conn *c);

/* ---- statements ---------------------------------------------------------- */

enum {
	DB_DONE = 0, /* db_step: no (more) rows */
	DB_ROW = 1,  /* db_step: a row is ready to read */
};

/*
 * The statement for sql (a string literal) on c, with its bindings cleared
 * and any earlier result dropped.  Never NULL: a statement that cannot be
 * prepared (logged) is returned failed, its bindings do nothing and db_step
 * reports ERR_IO, so callers check once, at the step.
 */
struct db_stmt *db_prepare(struct db_conn *c, const char *sql);

/* Parameters are numbered from 1.  Text and bytes are borrowed: they must
 * stay unchanged until the statement is stepped for the last time.  A
 * parameter bound with db_bind_null (or not bound at all) is NULL. */
void db_bind_int(struct db_stmt *st, int i, int64_t v);
void db_bind_double(struct db_stmt *st, int i, double v);
void db_bind_null(struct db_stmt *st, int i);
void db_bind_text(struct db_stmt *st, int i, struct str s);
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);

/* Runs the statement or moves to its next row: DB_ROW, DB_DONE or ERR_*. */
int db_step(struct db_stmt *st);
/* Steps a statement expected to return no row (or to be done after one):
 * 0 or ERR_*. */
int db_exec(struct db_stmt *st);
/* Steps a statement expected to return a row: 0 with the row ready,
 * ERR_NOTFOUND when there is none, or ERR_*. */
int db_row(struct db_stmt *st);
/* Rows changed by a write statement that has run. */
int64_t db_changes(struct db_stmt *st);

/* Columns of the current row, numbered from 0.  Text and bytes stay valid
 * until the statement steps again or is prepared again; text is
 * NUL-terminated.  A NULL reads as 0 or "".  db_col_double reads a
 * DOUBLE PRECISION column (or a whole number, converted). */
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
struct str db_col_text(struct db_stmt *st, int col);
struct str db_col_blob(struct db_stmt *st, int col);
bool db_col_null(struct db_stmt *st, int col);

/* Runs SQL text of one or more statements without parameters or results
 * (migrations), uncached. */
int db_script(struct db_conn *c, const char *sql);

/*
 * Takes a lock named by key until the transaction ends: with several app
 * servers on one PostgreSQL database, an advisory lock; on SQLite nothing,
 * as the one writer holds the database's write lock already.  For work that
 * must happen one at a time across servers (appending to the audit chain,
 * migrating).
 */
int db_lock(struct db_conn *c, int64_t key);

/* ---- reading ------------------------------------------------------------------ */

/* A reading connection from the pool, waiting while all are in use; give
 * it back with db_put.  Each statement reads the latest commit. */
struct db_conn *db_get(struct db *db);
void db_put(struct db *db, struct db_conn *c);

/* ---- writing ------------------------------------------------------------------ */

typedef int (*db_fn)(struct db_conn *c, void *arg);

/*
 * Runs fn(c, arg) inside a transaction of the writer's and waits until it is
 * committed; returns fn's result.  When fn fails, what it wrote is undone
 * (and nothing else is).  fn may run more than once (the transaction is
 * tried again after a lost race), so it must start afresh each time: write
 * its results, never accumulate them.  fn returning ERR_IO or ERR_FULL
 * fails the whole batch it ran in.
 */
int db_write(struct db *db, db_fn fn, void *arg);

struct db_job;

/*
 * A kind of job for the group-commit writer.  The writer takes every job
 * waiting, runs them in one transaction, commits once and only then calls
 * each job's `done`: a job is told its result only once it is durable.
 */
struct db_job_kind {
	const char *name;
	/*
	 * Runs jobs[0..n), consecutive jobs of this kind, inside the batch's
	 * transaction, setting each job's rc (0, or why it was refused: a
	 * refused job must leave nothing written).  Returns 0, or an error for
	 * the whole batch (the database failed): everything is rolled back and
	 * every job gets that error, or, after a lost race, run is called again
	 * with every rc reset to 0.
	 */
	int (*run)(struct db_conn *c, struct db_job **jobs, int n);
	/*
	 * Hands a job its result, on the writer thread, after the commit (or
	 * the rollback).  It must do nothing but that (store the result, wake
	 * the submitter): every other write waits while it runs.  The job may
	 * be freed once it returns.
	 */
	void (*done)(struct db_job *job);
	/*
	 * Whether two batches of this kind are written side by side, by two
	 * of the writer's threads at once (driver.h's `writers`): 0 for never,
	 * else how many of its jobs must be waiting before a second thread
	 * takes them while the first writes its batch.  A kind whose batches
	 * share their locks (survey responses, store_survey_lock_shared) gains
	 * from it, as long as each batch is large enough to be worth its own
	 * statements and commit.  One whose batches each lock a row outright (a
	 * poll's ballots) would only wait and write smaller batches, so its jobs
	 * go to the first thread alone.
	 */
	int side_by_side;
};

struct db_job {
	const struct db_job_kind *kind;
	int rc;
	struct db_job *next; /* the writer's */
};

/* Whether rc is a failure of the database (ERR_IO, ERR_FULL, ERR_BUSY,
 * ERR_NOMEM), which fails a whole batch, rather than a refusal of one job. */
bool db_failed(int rc);

/*
 * For a kind's run: runs fn(c, arg) under a savepoint of the batch's
 * transaction, so that a job fn refuses (any result that is not 0 and not
 * db_failed) leaves nothing written while the batch goes on.  Returns fn's
 * result; a database failure is the batch's to return.
 */
int db_savepoint(struct db_conn *c, db_fn fn, void *arg);

/* Whether the writer's connection commits durably (see driver.h). */
int db_is_durable(struct db *db, bool *out);

/* Queues a job; its kind's done will be called exactly once.  ERR_BUSY
 * (and done is never called) once the database is closing. */
int db_submit(struct db *db, struct db_job *job);

#endif
