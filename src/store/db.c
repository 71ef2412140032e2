/*
 * db.c - the database interface (db.h) over a driver: the reading pool, the
 * group-commit writer and transactions.  One design for both engines; the
 * drivers (sqlite/, pg/) do only what differs.
 *
 * The writer.  Every write goes to the writer's thread, with a connection
 * of its own.  It takes every job waiting, runs them in one transaction and
 * commits once; only after the commit returns does any job learn its
 * result.  So an acknowledged write is on disk, and a burst of ballots
 * costs one sync, not one each (SQLite with synchronous=FULL does about
 * 4,700 single-row commits a second here, and tens of thousands of ballots
 * a second in groups).  On PostgreSQL, with other servers writing too, a
 * batch that loses a serialization race or a deadlock is rolled back and
 * run again, up to DB_TX_TRIES times.
 *
 * On PostgreSQL the writer has a second thread and connection, for the
 * kinds of job whose batches are written side by side (db_job_kind): while
 * one batch of survey responses is in the database, the next is taken and
 * sent rather than waiting its turn, which left a core of this machine
 * idle (bench/RESULTS.md, "survey responses on PostgreSQL").  The first
 * thread takes any job; the second only those, once as many wait as their
 * kind says a batch beside another is worth.
 *
 * Consecutive jobs of one kind are handed to their kind together, so a kind
 * can write a whole run with a few statements (ballots do).  db_write's
 * jobs run one at a time, each under a savepoint (db_savepoint), so one
 * that fails is undone alone.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "involve/log.h"
#include "driver.h"

/* One of the writer's threads, with its own connection. */
struct writer_thread {
	struct writer *w;
	struct db_conn *conn;
	pthread_t thread;
	pthread_cond_t wake; /* it waits on it for jobs it may take */
	bool waiting;
	bool started;
	struct db_job *run[DB_BATCH_MAX]; /* one run of a kind, for its run() */
};

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t finished; /* db_write's callers wait on it */
	struct db_job *head, *tail;
	int side_waiting; /* jobs of kinds written side by side in the queue */
	bool stopping;
	bool started;
	int thread_n;
	struct writer_thread threads[DB_WRITERS_MAX];
};

struct db {
	const struct db_driver *driver;
	struct writer writer;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_freed;
	struct db_conn *pool_free;
	struct db_conn **readers;
	int reader_n;
};

int
db_url_parse(const char *url, const char *field, enum db_engine *engine, const char **target,
    struct errors *e)
{
	if (strncmp(url, "sqlite:", 7) == 0) {
		if (url[7] == '\0') {
			errors_add(e, field, "the database URL sqlite: needs a file path");
			return ERR_INVALID;
		}
		*engine = DB_SQLITE;
		if (target)
			*target = url + 7;
		return 0;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*engine = DB_POSTGRESQL;
		if (target)
			*target = url;
		return 0;
	}
	/* Not echoed: a URL may hold a password. */
	errors_add(e, field, "unknown kind of database URL: use sqlite:PATH or "
	    "postgresql://USER@HOST:PORT/DATABASE");
	return ERR_INVALID;
}

enum db_engine
db_engine(const struct db *db)
{
	return db->driver->engine;
}

enum db_engine
db_conn_engine(const struct db_conn *c)
{
	return c->driver->engine;
}

/* ---- statements ---------------------------------------------------------- */

void
db_conn_init(struct db_conn *c, const struct db_driver *driver)
{
	c->driver = driver;
	c->failed = (struct db_stmt){ driver, "", true };
}

struct db_stmt *
db_prepare(struct db_conn *c, const char *sql)
{
	struct db_stmt *st;
	int i;

	for (i = 0; i < c->stmt_n; i++) {
		if (c->stmts[i]->sql == sql) {
			c->driver->stmt_reset(c->stmts[i]);
			return c->stmts[i];
		}
	}
	if (c->stmt_n == DB_STMT_CACHE) {
		/* More distinct statements than the cache holds: a programming
		 * error; keep working by replacing the last. */
		log_error("store", "statement cache full");
		c->driver->stmt_free(c->stmts[--c->stmt_n]);
	}
	st = c->driver->stmt_new(c, sql);
	if (st == NULL)
		return &c->failed;
	st->driver = c->driver;
	st->sql = sql;
	st->failed = false;
	c->stmts[c->stmt_n++] = st;
	return st;
}

void
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	if (!st->failed)
		st->driver->bind_int(st, i, v);
}

void
db_bind_double(struct db_stmt *st, int i, double v)
{
	if (!st->failed)
		st->driver->bind_double(st, i, v);
}

void
db_bind_null(struct db_stmt *st, int i)
{
	if (!st->failed)
		st->driver->bind_null(st, i);
}

void
db_bind_text(struct db_stmt *st, int i, struct str s)
{
	if (!st->failed)
		st->driver->bind_text(st, i, s);
}

void
db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	if (!st->failed)
		st->driver->bind_blob(st, i, p, n);
}

int
db_step(struct db_stmt *st)
{
	return st->failed ? ERR_IO : st->driver->step(st);
}

int
db_exec(struct db_stmt *st)
{
	int rc = db_step(st);

	return rc == DB_ROW ? 0 : rc;
}

int
db_row(struct db_stmt *st)
{
	int rc = db_step(st);

	return rc == DB_ROW ? 0 : rc == DB_DONE ? ERR_NOTFOUND : rc;
}

int64_t
db_changes(struct db_stmt *st)
{
	return st->failed ? 0 : st->driver->changes(st);
}

int64_t
db_col_int(struct db_stmt *st, int col)
{
	return st->driver->col_int(st, col);
}

double
db_col_double(struct db_stmt *st, int col)
{
	return st->driver->col_double(st, col);
}

struct str
db_col_text(struct db_stmt *st, int col)
{
	return st->driver->col_text(st, col);
}

struct str
db_col_blob(struct db_stmt *st, int col)
{
	return st->driver->col_blob(st, col);
}

bool
db_col_null(struct db_stmt *st, int col)
{
	return st->driver->col_null(st, col);
}

int
db_script(struct db_conn *c, const char *sql)
{
	return c->driver->script(c, sql);
}

int
db_lock(struct db_conn *c, int64_t key)
{
	return c->driver->lock(c, key);
}

/* ---- the reading pool ---------------------------------------------------- */

struct db_conn *
db_get(struct db *db)
{
	struct db_conn *c;

	pthread_mutex_lock(&db->pool_lock);
	while (db->pool_free == NULL)
		pthread_cond_wait(&db->pool_freed, &db->pool_lock);
	c = db->pool_free;
	db->pool_free = c->next_free;
	pthread_mutex_unlock(&db->pool_lock);
	return c;
}

void
db_put(struct db *db, struct db_conn *c)
{
	pthread_mutex_lock(&db->pool_lock);
	c->driver->release(c);
	c->next_free = db->pool_free;
	db->pool_free = c;
	pthread_cond_signal(&db->pool_freed);
	pthread_mutex_unlock(&db->pool_lock);
}

/* ---- the writer ------------------------------------------------------------ */

/* A statement of the writer's own (BEGIN, COMMIT, savepoints): cached like
 * any other, so a savepoint per job is not parsed again each time. */
static int
run_sql(struct db_conn *c, const char *sql)
{
	return db_exec(db_prepare(c, sql));
}

/* Runs the batch's jobs, a run of one kind at a time. */
static int
run_jobs(struct writer_thread *t, struct db_job *batch)
{
	struct db_job *job = batch;
	int n, rc;

	while (job) {
		n = 0;
		do {
			t->run[n++] = job;
			job = job->next;
		} while (job && job->kind == t->run[0]->kind);
		rc = t->run[0]->kind->run(t->conn, t->run, n);
		/* A statement left in the middle of its rows would keep the
		 * next run's savepoints from opening. */
		t->conn->driver->release(t->conn);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Runs one batch in a transaction, again after a lost race.  When it
 * cannot be committed, every job in it fails with the batch's error. */
static void
run_batch(struct writer_thread *t, struct db_job *batch)
{
	const struct db_driver *d = t->conn->driver;
	struct db_job *job;
	int rc = ERR_IO, try;
	bool again;

	for (try = 0; try < DB_TX_TRIES; try++) {
		for (job = batch; job; job = job->next)
			job->rc = 0;
		rc = run_sql(t->conn, d->begin_sql);
		if (rc == 0)
			rc = run_jobs(t, batch);
		d->release(t->conn);
		if (rc == 0)
			rc = run_sql(t->conn, "COMMIT");
		if (rc == 0)
			return;
		again = d->retryable(t->conn);
		if (d->in_transaction(t->conn))
			run_sql(t->conn, "ROLLBACK");
		if (!again)
			break;
	}
	log_error("store", "a batch of writes failed: %s", error_name(rc));
	for (job = batch; job; job = job->next)
		job->rc = rc;
}

/* Whether thread t may take the job at the head of the queue: the first
 * takes any; the others only jobs written side by side, once as many wait
 * as their kind asks for a batch beside another. */
static bool
may_take(const struct writer_thread *t, const struct db_job *head)
{
	if (head == NULL)
		return false;
	return t == &t->w->threads[0] ||
	    (head->kind->side_by_side > 0 && t->w->side_waiting >= head->kind->side_by_side);
}

/* Wakes one waiting thread that may take the job at the head of the
 * queue, the first thread before the others (w->lock held). */
static void
wake_one(struct writer *w)
{
	int i;

	for (i = 0; i < w->thread_n; i++)
		if (w->threads[i].waiting && may_take(&w->threads[i], w->head)) {
			pthread_cond_signal(&w->threads[i].wake);
			return;
		}
}

/*
 * One of the writer's threads: whenever it is free, takes the jobs at the
 * head of the queue (up to a batch's worth) that are all written side by
 * side or all not; past the first thread, only the former, and only once
 * enough of them wait.  With two, one batch of responses is written while
 * the next gathers and is sent.
 */
static void *
writer_main(void *arg)
{
	struct writer_thread *t = arg;
	struct writer *w = t->w;
	struct db_job *batch, *last, *job, *next;
	int n;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!may_take(t, w->head) && !w->stopping) {
			t->waiting = true;
			pthread_cond_wait(&t->wake, &w->lock);
			t->waiting = false;
		}
		if (!may_take(t, w->head))
			break; /* stopping: the first thread writes what is left */
		batch = last = w->head;
		/* Jobs written side by side make a batch of their own: one
		 * whose other jobs lock a survey outright (a partial response
		 * saved) would wait for the other thread's batch while holding
		 * the counts that batch waits for. */
		for (n = 1; n < DB_BATCH_MAX && last->next &&
		    (last->next->kind->side_by_side > 0) == (batch->kind->side_by_side > 0); n++)
			last = last->next;
		if (batch->kind->side_by_side > 0)
			w->side_waiting -= n;
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		wake_one(w); /* for what this batch left */
		pthread_mutex_unlock(&w->lock);

		run_batch(t, batch);
		for (job = batch; job; job = next) {
			next = job->next; /* done may free the job */
			job->kind->done(job);
		}
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Finishes the queued jobs, then stops the threads. */
static void
writer_stop(struct writer *w)
{
	int i;

	if (!w->started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	for (i = 0; i < w->thread_n; i++)
		pthread_cond_signal(&w->threads[i].wake);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->thread_n; i++) {
		if (w->threads[i].started)
			pthread_join(w->threads[i].thread, NULL);
		w->threads[i].started = false;
		pthread_cond_destroy(&w->threads[i].wake);
	}
	w->started = false;
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->finished);
}

/* Starts the writer's threads, each on a connection of its own from open;
 * the first is opened before any reader (SQLite's creates the file and
 * sets WAL). */
static int
writer_start(struct writer *w, const struct db_driver *d, const char *target,
    struct errors *e)
{
	struct writer_thread *t;
	int i, rc;

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->finished, NULL);
	w->started = true;
	for (i = 0; i < d->writers && i < DB_WRITERS_MAX; i++) {
		t = &w->threads[i];
		t->w = w;
		if ((rc = d->open(target, true, &t->conn, e)) != 0)
			return rc;
		pthread_cond_init(&t->wake, NULL);
		w->thread_n++;
		if (pthread_create(&t->thread, NULL, writer_main, t) != 0) {
			errors_add(e, "database", "cannot start the database writer");
			return ERR_IO;
		}
		pthread_setname_np(t->thread, "involve-writer");
		t->started = true;
	}
	return 0;
}

int
db_submit(struct db *db, struct db_job *job)
{
	struct writer *w = &db->writer;

	job->next = NULL;
	job->rc = 0;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return ERR_BUSY;
	}
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	if (job->kind->side_by_side > 0)
		w->side_waiting++;
	wake_one(w);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* ---- db_write: a function as a job --------------------------------------------- */

struct call_job {
	struct db_job job;
	struct writer *w;
	db_fn fn;
	void *arg;
	bool finished;
};

bool
db_failed(int rc)
{
	return rc == ERR_IO || rc == ERR_FULL || rc == ERR_BUSY || rc == ERR_NOMEM;
}

int
db_savepoint(struct db_conn *c, db_fn fn, void *arg)
{
	int rc;

	/* A statement left in the middle of its rows (an INSERT ... RETURNING
	 * read once, a row locked with db_row) would keep the savepoint from
	 * opening or ending. */
	c->driver->release(c);
	if ((rc = run_sql(c, "SAVEPOINT job")) != 0)
		return rc;
	rc = fn(c, arg);
	c->driver->release(c);
	if (db_failed(rc))
		return rc; /* the database failed: the whole batch goes */
	if (rc != 0 && run_sql(c, "ROLLBACK TO job") != 0)
		return ERR_IO;
	if (run_sql(c, "RELEASE job") != 0)
		return ERR_IO;
	return rc;
}

static int
call_run(struct db_conn *c, struct db_job **jobs, int n)
{
	struct call_job *j;
	int i, rc;

	for (i = 0; i < n; i++) {
		j = (struct call_job *)jobs[i];
		rc = db_savepoint(c, j->fn, j->arg);
		if (db_failed(rc))
			return rc;
		j->job.rc = rc;
	}
	return 0;
}

static void
call_done(struct db_job *job)
{
	struct call_job *j = (struct call_job *)job;
	struct writer *w = j->w;

	pthread_mutex_lock(&w->lock);
	j->finished = true;
	pthread_cond_broadcast(&w->finished);
	pthread_mutex_unlock(&w->lock);
}

static const struct db_job_kind call_kind = { "call", call_run, call_done, 0 };

static int
durable_fn(struct db_conn *c, void *arg)
{
	return c->driver->durable(c, arg);
}

int
db_write(struct db *db, db_fn fn, void *arg)
{
	struct writer *w = &db->writer;
	struct call_job j = { .job = { .kind = &call_kind }, .w = w, .fn = fn, .arg = arg };
	int rc;

	if ((rc = db_submit(db, &j.job)) != 0)
		return rc;
	pthread_mutex_lock(&w->lock);
	while (!j.finished)
		pthread_cond_wait(&w->finished, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return j.job.rc;
}

int
db_is_durable(struct db *db, bool *out)
{
	/* Asked of the writer's own connection: the one that commits. */
	return db_write(db, durable_fn, out);
}

/* ---- opening and closing -------------------------------------------------------- */

static void
close_conn(struct db_conn *c)
{
	while (c->stmt_n > 0)
		c->driver->stmt_free(c->stmts[--c->stmt_n]);
	c->driver->close(c);
}

static void
close_readers(struct db *db)
{
	int i;

	for (i = 0; i < db->reader_n; i++)
		close_conn(db->readers[i]);
	free(db->readers);
	db->readers = NULL;
	db->reader_n = 0;
}

int
db_open(const char *url, int readers, struct db **out, struct errors *e)
{
	enum db_engine engine;
	const char *target;
	struct db *db;
	int i, rc;

	if ((rc = db_url_parse(url, "database", &engine, &target, e)) != 0)
		return rc;
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return ERR_NOMEM;
	db->driver = engine == DB_SQLITE ? &db_sqlite_driver : &db_pg_driver;
	pthread_mutex_init(&db->pool_lock, NULL);
	pthread_cond_init(&db->pool_freed, NULL);
	/* The writer first: SQLite's creates the file and sets WAL. */
	if ((rc = writer_start(&db->writer, db->driver, target, e)) != 0)
		goto fail;
	readers = readers > 0 ? readers : DB_READERS_DEFAULT;
	db->readers = calloc((size_t)readers, sizeof(*db->readers));
	if (db->readers == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}
	for (i = 0; i < readers; i++) {
		if ((rc = db->driver->open(target, false, &db->readers[i], e)) != 0)
			goto fail;
		db->reader_n++;
		db->readers[i]->next_free = db->pool_free;
		db->pool_free = db->readers[i];
	}
	*out = db;
	return 0;
fail:
	db_close(db);
	return rc;
}

void
db_close(struct db *db)
{
	int i;

	if (db == NULL)
		return;
	writer_stop(&db->writer);
	for (i = 0; i < db->writer.thread_n; i++)
		close_conn(db->writer.threads[i].conn);
	close_readers(db);
	pthread_mutex_destroy(&db->pool_lock);
	pthread_cond_destroy(&db->pool_freed);
	free(db);
}
