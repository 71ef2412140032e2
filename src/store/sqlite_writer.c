/*
 * sqlite_writer.c - the one writer of the SQLite store, with group commit.
 *
 * SQLite allows one writer at a time, and with synchronous=FULL every
 * commit waits for the disk.  So all writes are queued to this thread,
 * which takes every job waiting, runs them in one transaction (each under
 * its own savepoint, so a job that fails is undone alone) and commits once.
 * Only after the commit returns does any job learn its result: a vote is
 * acknowledged only once it is on disk, and a burst of votes costs one
 * sync, not one each.
 */
#include <stdlib.h>
#include <string.h>

#include "involve/log.h"
#include "sqlite_db.h"

static void
finish(struct sqlwriter *w, struct sqljob *batch)
{
	struct sqljob *job, *next;
	bool wake_waiters = false;

	for (job = batch; job; job = next) {
		next = job->next;
		if (job->done) {
			job->done(job->arg, job->rc);
		} else {
			pthread_mutex_lock(&w->lock);
			job->finished = true;
			pthread_mutex_unlock(&w->lock);
			wake_waiters = true;
		}
	}
	if (wake_waiters) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_broadcast(&w->finished);
		pthread_mutex_unlock(&w->lock);
	}
}

/* Runs a statement without results through the statement cache, so the
 * per-job savepoints are not parsed again for every ballot. */
static int
exec_cached(struct sqlconn *c, const char *sql)
{
	sqlite3_stmt *st = sqlconn_stmt(c, sql);
	int rc;

	if (st == NULL)
		return ERR_IO;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlconn_error(rc);
}

/* Writes what batched jobs left, inside the batch's transaction. */
static int
flush(struct sqlwriter *w)
{
	int rc;

	if (w->hooks.flush == NULL)
		return 0;
	rc = w->hooks.flush(&w->conn, w->hooks.ctx);
	return rc == 0 || rc == ERR_FULL ? rc : ERR_IO;
}

/* Runs one batch in a transaction.  On a failed commit every job in it
 * fails with the commit's error. */
static void
run_batch(struct sqlwriter *w, struct sqljob *batch)
{
	struct sqljob *job;
	int rc;

	rc = exec_cached(&w->conn, "BEGIN IMMEDIATE");
	if (rc != 0)
		goto fail;
	for (job = batch; job; job = job->next) {
		if (!job->batched && (rc = flush(w)) != 0)
			goto rollback;
		rc = exec_cached(&w->conn, "SAVEPOINT job");
		if (rc != 0)
			goto rollback;
		job->rc = job->run(&w->conn, job->arg);
		if (job->rc == ERR_FULL || job->rc == ERR_IO) {
			/* The database itself failed: the whole batch goes. */
			rc = job->rc;
			goto rollback;
		}
		if (job->rc != 0 && exec_cached(&w->conn, "ROLLBACK TO job") != 0) {
			rc = ERR_IO;
			goto rollback;
		}
		if (exec_cached(&w->conn, "RELEASE job") != 0) {
			rc = ERR_IO;
			goto rollback;
		}
	}
	if ((rc = flush(w)) != 0)
		goto rollback;
	rc = exec_cached(&w->conn, "COMMIT");
	if (rc != 0)
		goto rollback;
	w->commits++;
	return;
rollback:
	sqlite3_exec(w->conn.db, "ROLLBACK", NULL, NULL, NULL);
fail:
	if (w->hooks.discard)
		w->hooks.discard(w->hooks.ctx);
	log_error("sqlite", "batch failed: %s", error_name(rc));
	for (job = batch; job; job = job->next)
		job->rc = rc;
}

static void *
writer_main(void *arg)
{
	struct sqlwriter *w = arg;
	struct sqljob *batch, *last;
	int n;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->head == NULL)
			break;
		batch = last = w->head;
		for (n = 1; n < SQLDB_BATCH_MAX && last->next; n++)
			last = last->next;
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		w->jobs += (unsigned long long)n;
		pthread_mutex_unlock(&w->lock);

		run_batch(w, batch);
		finish(w, batch);

		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int
sqlwriter_start(struct sqlwriter *w, const char *path, const struct sqlwriter_hooks *hooks,
    struct errors *e)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if (hooks)
		w->hooks = *hooks;
	rc = sqlconn_open(&w->conn, path, true, e);
	if (rc != 0)
		return rc;
	sqlite3_wal_autocheckpoint(w->conn.db, SQLDB_CHECKPOINT_PAGES);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->finished, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		errors_add(e, "database", "cannot start the database writer");
		sqlconn_close(&w->conn);
		return ERR_IO;
	}
	pthread_setname_np(w->thread, "involve-writer");
	w->started = true;
	return 0;
}

void
sqlwriter_stop(struct sqlwriter *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->started = false;
	sqlconn_close(&w->conn);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->finished);
}

int
sqlwriter_submit(struct sqlwriter *w, struct sqljob *job)
{
	job->next = NULL;
	job->finished = false;
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
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int
sqlwriter_run(struct sqlwriter *w, int (*run)(struct sqlconn *, void *), void *arg)
{
	struct sqljob job = { .run = run, .arg = arg };
	int rc;

	rc = sqlwriter_submit(w, &job);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&w->lock);
	while (!job.finished)
		pthread_cond_wait(&w->finished, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return job.rc;
}
