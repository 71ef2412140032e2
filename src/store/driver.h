/*
 * driver.h - what an engine provides to db.c: connections and statements.
 *
 * db.c owns everything built on top (the pool, the writer, transactions);
 * a driver only talks to its engine.  Each engine's struct db_conn and
 * struct db_stmt begin with the common parts below, so db.c can reach the
 * driver from any of them.
 *
 * Not a public header: only src/store/db.c and the drivers include it.
 */
#ifndef INVOLVE_STORE_DRIVER_H
#define INVOLVE_STORE_DRIVER_H

#include "db.h"

struct db_driver {
	enum db_engine engine;
	const char *name; /* "sqlite", "postgresql": in messages */
	/* The SQL that starts the writer's transaction. */
	const char *begin_sql;
	/* How many transactions the writer runs at once, each on a thread
	 * and a connection of its own (at most DB_WRITERS_MAX): SQLite takes
	 * one writer at a time; PostgreSQL writes one batch while the next
	 * is sent (db.c). */
	int writers;
	/*
	 * Opens a connection to target (a file path or a PostgreSQL URL).  The
	 * writer's connection is opened first (SQLite: it creates the file and
	 * sets the journal mode before any reader opens it).
	 */
	int (*open)(const char *target, bool writer, struct db_conn **out, struct errors *e);
	/* Closes the engine's connection; db.c has freed its statements. */
	void (*close)(struct db_conn *c);
	/* A new statement for sql on c, or NULL (logged) when the engine
	 * refuses it.  db.c fills in the common head and caches it. */
	struct db_stmt *(*stmt_new)(struct db_conn *c, const char *sql);
	/* Makes a cached statement ready to be bound and stepped again. */
	void (*stmt_reset)(struct db_stmt *st);
	void (*stmt_free)(struct db_stmt *st);
	void (*bind_int)(struct db_stmt *st, int i, int64_t v);
	void (*bind_double)(struct db_stmt *st, int i, double v);
	void (*bind_null)(struct db_stmt *st, int i);
	void (*bind_text)(struct db_stmt *st, int i, struct str s);
	void (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t n);
	int (*step)(struct db_stmt *st);
	int64_t (*changes)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int col);
	double (*col_double)(struct db_stmt *st, int col);
	struct str (*col_text)(struct db_stmt *st, int col);
	struct str (*col_blob)(struct db_stmt *st, int col);
	bool (*col_null)(struct db_stmt *st, int col);
	int (*script)(struct db_conn *c, const char *sql);
	int (*lock)(struct db_conn *c, int64_t key);
	/* Forgets every statement's rows (a reading connection going back to
	 * the pool, the writer before it commits): a SQLite statement left in
	 * the middle of its rows would hold its snapshot open. */
	void (*release)(struct db_conn *c);
	/* Whether a transaction is open on c (one that failed may have been
	 * rolled back by the engine already). */
	bool (*in_transaction)(const struct db_conn *c);
	/* Whether c commits durably: SQLite synchronous=FULL; PostgreSQL fsync
	 * and synchronous_commit on. */
	int (*durable)(struct db_conn *c, bool *out);
	/* Whether the last failure on c lost a race (serialization failure,
	 * deadlock): the transaction may succeed if tried again. */
	bool (*retryable)(const struct db_conn *c);
};

/* The common head of every engine's statement and connection. */
struct db_stmt {
	const struct db_driver *driver;
	const char *sql; /* the cache key: the address of the SQL literal */
	bool failed;     /* could not be prepared: see db_prepare */
};

struct db_conn {
	const struct db_driver *driver;
	struct db_conn *next_free; /* the pool's */
	/* The statements prepared on this connection (db.c's cache, for
	 * both engines alike), and what db_prepare returns when it cannot. */
	int stmt_n;
	struct db_stmt *stmts[DB_STMT_CACHE];
	struct db_stmt failed;
};

/* Sets up the common head of a new connection: each driver's open calls
 * it before anything else. */
void db_conn_init(struct db_conn *c, const struct db_driver *driver);

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

#endif
