/*
 * sqlite_db.h - internals of the SQLite store, shared by its files:
 * connections with a statement cache, the reader pool and the single
 * writer that commits many jobs in one transaction (group commit).
 *
 * Not a public header: only src/store/sqlite_*.c include it.
 */
#ifndef INVOLVE_SQLITE_DB_H
#define INVOLVE_SQLITE_DB_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "involve/store.h"

/* How many prepared statements one connection keeps. */
#define SQLDB_STMT_CACHE 64
/* The most jobs committed in one transaction. */
#define SQLDB_BATCH_MAX 2048
/* Reader connections when the configuration says 0. */
#define SQLDB_READERS_DEFAULT 8
/*
 * Log pages after which the writer copies the log back into the database
 * (SQLite's default is 1000).  The checkpoint runs on the writer, between
 * batches, so it always catches up and the log starts again from the
 * beginning; fewer, larger checkpoints copy a page changed by many ballots
 * once instead of many times.  Much larger makes the ballots that wait for
 * a checkpoint wait too long (bench/RESULTS.md).
 */
#define SQLDB_CHECKPOINT_PAGES 2000
/* How long a connection waits for a lock before failing. */
#define SQLDB_BUSY_TIMEOUT_MS 10000

/* A connection and its prepared statements, keyed by the address of the
 * SQL text (always a string literal), so a statement is prepared once. */
struct sqlconn {
	sqlite3 *db;
	int stmt_n;
	const char *sql[SQLDB_STMT_CACHE];
	sqlite3_stmt *stmt[SQLDB_STMT_CACHE];
	struct sqlconn *next_free;
};

/* The VFS that gathers the writer's log writes (sqlite_walbuf.c). */
#define SQLDB_WALBUF_VFS "involve-walbuf"
int sqlwalbuf_register(void);

/* Opens a connection; `writer` opens it through the log-gathering VFS. */
int sqlconn_open(struct sqlconn *c, const char *path, bool writer, struct errors *e);
void sqlconn_close(struct sqlconn *c);
/* The cached statement for sql, reset and with bindings cleared; NULL on
 * a prepare error (logged). */
sqlite3_stmt *sqlconn_stmt(struct sqlconn *c, const char *sql);
/* Runs SQL without results (pragmas, BEGIN, migrations). */
int sqlconn_exec(struct sqlconn *c, const char *sql);
/* Maps an SQLite result code to ERR_*. */
int sqlconn_error(int rc);

/* A unit of work for the writer: `run` executes inside the batch's
 * transaction under its own savepoint, so a job that fails leaves no
 * trace; `done` (if set) is called after the commit with the job's
 * result.  A job whose `done` is NULL is waited for by its submitter. */
struct sqljob {
	int (*run)(struct sqlconn *c, void *arg);
	void (*done)(void *arg, int rc);
	void *arg;
	int rc;
	/* The job leaves work for the batch's flush hook (see sqlwriter). */
	bool batched;
	bool finished;
	struct sqljob *next;
};

/*
 * Work that batched jobs leave to be written once per batch (ballot
 * counts): `flush` runs before each job that is not batched and before the
 * commit; `discard` forgets it when the batch is rolled back.
 */
struct sqlwriter_hooks {
	int (*flush)(struct sqlconn *c, void *ctx);
	void (*discard)(void *ctx);
	void *ctx;
};

struct sqlwriter {
	struct sqlconn conn;
	struct sqlwriter_hooks hooks;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;     /* the writer waits on it for jobs */
	pthread_cond_t finished; /* submitters of waited jobs wait on it */
	struct sqljob *head, *tail;
	bool stopping;
	bool started;
	unsigned long long commits, jobs; /* counters for metrics */
};

int sqlwriter_start(struct sqlwriter *w, const char *path, const struct sqlwriter_hooks *hooks,
    struct errors *e);
/* Finishes the queued jobs, then stops the thread and closes. */
void sqlwriter_stop(struct sqlwriter *w);
/* Queues a job with a `done` callback; ERR_BUSY once stopping. */
int sqlwriter_submit(struct sqlwriter *w, struct sqljob *job);
/* Queues a job and waits until it has committed; returns its result. */
int sqlwriter_run(struct sqlwriter *w, int (*run)(struct sqlconn *, void *), void *arg);

/* The pool of reader connections (WAL lets them read while the writer
 * writes).  sqlpool_get blocks while all are in use. */
struct sqlpool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct sqlconn *free;
	struct sqlconn *all;
	int n;
};

int sqlpool_open(struct sqlpool *p, const char *path, int n, struct errors *e);
void sqlpool_close(struct sqlpool *p);
struct sqlconn *sqlpool_get(struct sqlpool *p);
void sqlpool_put(struct sqlpool *p, struct sqlconn *c);

/* Applies the embedded migrations not yet recorded. */
int sqlite_migrate(struct sqlwriter *w);

#endif
