/*
 * pg_db.h - internals of the PostgreSQL store, shared by its files:
 * connections with a cache of prepared statements, query parameters,
 * column readers, the connection pool and transactions.
 *
 * Not a public header: only src/store/pg_*.c include it.
 */
#ifndef INVOLVE_PG_DB_H
#define INVOLVE_PG_DB_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "involve/store.h"

/* How many prepared statements one connection keeps. */
#define PGDB_STMT_CACHE 64
/* The most parameters one statement takes. */
#define PGDB_PARAMS_MAX 12
/* Pool connections when the configuration says 0. */
#define PGDB_POOL_DEFAULT 8
/* Seconds to wait for the server when connecting (unless the URL sets
 * connect_timeout): a server that cannot be reached is an error, not a
 * request that hangs. */
#define PGDB_CONNECT_TIMEOUT "10"
/* How often a transaction that lost a serialization race or a deadlock is
 * tried again before the error reaches the caller. */
#define PGDB_TX_TRIES 5

/* A connection and its prepared statements, keyed by the address of the
 * SQL text (always a string literal), so a statement is prepared once per
 * connection.  A lost connection is reset on next use; its statements go
 * with it. */
struct pgconn {
	PGconn *conn;
	int stmt_n;
	const char *sql[PGDB_STMT_CACHE];
	char sqlstate[6]; /* of the last failure, "" when none */
	struct pgconn *next_free;
};

/* Parameters of one statement.  Values are borrowed: they must outlive the
 * call that runs the statement. */
struct pgq {
	int n;
	const char *values[PGDB_PARAMS_MAX];
	int lengths[PGDB_PARAMS_MAX];
	int formats[PGDB_PARAMS_MAX];
	char ints[PGDB_PARAMS_MAX][24];
};

void pgq_int(struct pgq *q, int64_t v);
void pgq_text(struct pgq *q, const char *s);
/* Binary parameter (bytea). */
void pgq_bytes(struct pgq *q, const void *p, size_t n);

int pgconn_open(struct pgconn *c, const char *url, struct errors *e);
void pgconn_close(struct pgconn *c);
/*
 * Runs sql (with $1.. parameters from q, which may be NULL) as a cached
 * prepared statement.  Returns 0 with the result in *out (the caller
 * PQclears it; out may be NULL to discard), or an ERR_* code mapped from
 * the SQLSTATE: unique violation -> ERR_DUPLICATE, foreign key ->
 * ERR_NOTFOUND, disk full -> ERR_FULL, anything else -> ERR_IO (logged).
 */
int pgconn_run(struct pgconn *c, const char *sql, const struct pgq *q, PGresult **out);
/* Runs an INSERT ... RETURNING id and gives the new row's id. */
int pgconn_insert(struct pgconn *c, const char *sql, const struct pgq *q, int64_t *id);
/* Runs SQL text without parameters or caching (BEGIN, migrations). */
int pgconn_exec(struct pgconn *c, const char *sql);
/* Whether the last failure is worth trying again in a new transaction. */
bool pgconn_retryable(const struct pgconn *c);

/* Column readers for text-format results. */
int64_t pg_int(const PGresult *r, int row, int col);
void pg_text(const PGresult *r, int row, int col, char *dst, size_t size);
/* A bytea column into exactly n bytes; false when it is not n bytes. */
bool pg_bytes(const PGresult *r, int row, int col, unsigned char *dst, size_t n);

/* The pool of connections for reads and staff transactions.  pgpool_get
 * blocks while all are in use. */
struct pgpool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct pgconn *free;
	struct pgconn *all;
	int n;
};

int pgpool_open(struct pgpool *p, const char *url, int n, struct errors *e);
void pgpool_close(struct pgpool *p);
struct pgconn *pgpool_get(struct pgpool *p);
void pgpool_put(struct pgpool *p, struct pgconn *c);

/* Runs one statement on a pool connection (pgconn_run); the result does
 * not need the connection, which is back in the pool on return. */
int pgpool_query(struct pgpool *p, const char *sql, const struct pgq *q, PGresult **out);
/* The same for a statement expected to return one row: ERR_NOTFOUND when
 * it returns none. */
int pgpool_row(struct pgpool *p, const char *sql, const struct pgq *q, PGresult **out);

/* Runs fn inside a transaction on a pool connection: committed when fn
 * returns 0, rolled back otherwise, tried again (up to PGDB_TX_TRIES) when
 * it failed on a serialization race or a deadlock. */
int pgpool_tx(struct pgpool *p, int (*fn)(struct pgconn *c, void *arg), void *arg);

#endif
