/*
 * sqlite_store.c - the store interface on SQLite: opening and closing,
 * the table of operations, the helpers its files share and the audit log.
 *
 * Reads take a connection from the reader pool; writes are jobs for the one
 * writer (sqlite_writer.c), which commits them in groups.  Staff changes
 * append their audit entry inside the same job, so the change and its
 * record commit together or not at all.  The operations live by area in
 * sqlite_staff.c, sqlite_polls.c and sqlite_site.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "involve/store_sqlite.h"
#include "involve/text.h"
#include "sqlite_store.h"

int64_t
sqlstore_now(void)
{
	return (int64_t)time(NULL);
}

void
sqlstore_col_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);

	text_copy(dst, size, (struct str){ t ? (const char *)t : "", t ? (size_t)n : 0 });
}

int
sqlstore_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlconn_error(rc);
}

/* ---- audit ------------------------------------------------------------ */

int
sqlstore_audit(struct sqlite_store *ss, struct sqlconn *c, const struct actor *who,
    const char *action, const struct buf *detail, const char *target_fmt, ...)
{
	struct audit_entry e;
	unsigned char prev[32] = { 0 };
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	memset(&e, 0, sizeof(e));
	st = sqlconn_stmt(c, "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
	if (st == NULL)
		return ERR_IO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		e.seq = sqlite3_column_int64(st, 0) + 1;
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(prev, sqlite3_column_blob(st, 1), 32);
	} else if (rc == SQLITE_DONE) {
		e.seq = 1;
	} else {
		sqlite3_reset(st);
		return sqlconn_error(rc);
	}
	sqlite3_reset(st);
	e.at = sqlstore_now();
	e.org_id = who ? who->org_id : 0;
	e.user_id = who ? who->user_id : 0;
	snprintf(e.actor, sizeof(e.actor), "%s", who && who->name ? who->name : "system");
	snprintf(e.action, sizeof(e.action), "%s", action);
	va_start(ap, target_fmt);
	vsnprintf(e.target, sizeof(e.target), target_fmt, ap);
	va_end(ap);
	if (detail && detail->n > 0 && buf_ok(detail))
		text_copy(e.detail, sizeof(e.detail), (struct str){ detail->p, detail->n });
	else
		snprintf(e.detail, sizeof(e.detail), "{}");
	audit_entry_seal(ss->audit_key, &e, prev);

	st = sqlconn_stmt(c, "INSERT INTO audit_entry (seq, at, org_id, user_id, actor, action, "
	    "target, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, e.seq);
	sqlite3_bind_int64(st, 2, e.at);
	sqlite3_bind_int64(st, 3, e.org_id);
	sqlite3_bind_int64(st, 4, e.user_id);
	sqlite3_bind_text(st, 5, e.actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e.action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e.target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e.detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, e.prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, e.hash, 32, SQLITE_STATIC);
	rc = sqlstore_step_done(st);
	return rc == ERR_DUPLICATE ? ERR_IO : rc;
}

int
sq_audit_each(struct store *s, store_audit_fn fn, void *arg)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	struct audit_entry e;
	sqlite3_stmt *st;
	int rc = 0, step;

	st = sqlconn_stmt(c, "SELECT seq, at, org_id, user_id, actor, action, target, detail, "
	    "prev, hash FROM audit_entry ORDER BY seq");
	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.seq = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.org_id = sqlite3_column_int64(st, 2);
		e.user_id = sqlite3_column_int64(st, 3);
		sqlstore_col_text(st, 4, e.actor, sizeof(e.actor));
		sqlstore_col_text(st, 5, e.action, sizeof(e.action));
		sqlstore_col_text(st, 6, e.target, sizeof(e.target));
		sqlstore_col_text(st, 7, e.detail, sizeof(e.detail));
		if (sqlite3_column_bytes(st, 8) == 32)
			memcpy(e.prev, sqlite3_column_blob(st, 8), 32);
		if (sqlite3_column_bytes(st, 9) == 32)
			memcpy(e.hash, sqlite3_column_blob(st, 9), 32);
		rc = fn(arg, &e);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sqlconn_error(step);
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

/* ---- lifecycle ---------------------------------------------------------- */

void
sq_close(struct store *s)
{
	struct sqlite_store *ss = SS(s);

	sqlwriter_stop(&ss->writer);
	sqlpool_close(&ss->readers);
	sodium_memzero(ss->audit_key, sizeof(ss->audit_key));
	free(ss);
}

int
sq_migrate(struct store *s)
{
	return sqlite_migrate(&SS(s)->writer);
}

int
sq_ping(struct store *s)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT count(*) FROM schema_migration");
	int rc = st && sqlite3_step(st) == SQLITE_ROW ? 0 : ERR_IO;

	if (st)
		sqlite3_reset(st);
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

/* ---- open --------------------------------------------------------------- */

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.migrate = sq_migrate,
	.ping = sq_ping,
	.org_create = sq_org_create,
	.org_get = sq_org_get,
	.org_get_by_slug = sq_org_get_by_slug,
	.org_each = sq_org_each,
	.user_create = sq_user_create,
	.user_get = sq_user_get,
	.user_get_by_email = sq_user_get_by_email,
	.user_set_password = sq_user_set_password,
	.session_create = sq_session_create,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.token_create = sq_token_create,
	.token_get = sq_token_get,
	.poll_create = sq_poll_create,
	.poll_get = sq_poll_get,
	.poll_each = sq_poll_each,
	.poll_update = sq_poll_update,
	.poll_act = sq_poll_act,
	.poll_delete = sq_poll_delete,
	.poll_tally = sq_poll_tally,
	.ballot_exists = sq_ballot_exists,
	.ballot_cast = sq_ballot_cast,
	.audit_each = sq_audit_each,
	.page_get = sq_page_get,
	.page_put = sq_page_put,
};

int
store_sqlite_open(const char *path, const struct store_config *cfg, struct store **out,
    struct errors *e)
{
	struct sqlite_store *ss = calloc(1, sizeof(*ss));
	int rc;

	if (ss == NULL)
		return ERR_NOMEM;
	ss->base.ops = &sqlite_ops;
	memcpy(ss->audit_key, cfg->audit_key, sizeof(ss->audit_key));
	/* The writer creates the file and sets WAL before readers open it. */
	rc = sqlwriter_start(&ss->writer, path, &(struct sqlwriter_hooks){ sqlstore_flush_counts,
	    sqlstore_discard_counts, ss }, e);
	if (rc != 0) {
		free(ss);
		return rc;
	}
	rc = sqlpool_open(&ss->readers, path,
	    cfg->read_connections > 0 ? cfg->read_connections : SQLDB_READERS_DEFAULT, e);
	if (rc != 0) {
		sqlwriter_stop(&ss->writer);
		free(ss);
		return rc;
	}
	*out = &ss->base;
	return 0;
}

static int
synchronous_job(struct sqlconn *c, void *arg)
{
	sqlite3_stmt *st = sqlconn_stmt(c, "PRAGMA synchronous");
	int *value = arg;

	if (st == NULL)
		return ERR_IO;
	if (sqlite3_step(st) == SQLITE_ROW)
		*value = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_sqlite_synchronous(struct store *s)
{
	int value = -1;

	/* Asked of the writer's own connection: the one that commits. */
	if (sqlwriter_run(&SS(s)->writer, synchronous_job, &value) != 0)
		return -1;
	return value;
}
