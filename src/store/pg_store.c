/*
 * pg_store.c - the store interface on PostgreSQL: opening and closing, the
 * table of operations, migrations and the audit log.
 *
 * Reads and staff changes take a connection from the pool; a staff change
 * is one transaction with its audit entry (pgpool_tx).  Ballots go to the
 * writer (pg_ballots.c), which commits them in groups.  Nothing lives in
 * the app server's memory that another server would need: sessions, rate
 * counts, ballots and the audit chain are all in the database, so any
 * number of servers can share it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "involve/embed.h"
#include "involve/log.h"
#include "involve/store_pg.h"
#include "involve/text.h"
#include "pg_store.h"

extern const struct embedded_file pg_migrations[];

int64_t
pgstore_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- audit -------------------------------------------------------------- */

int
pgstore_audit(struct pg_store *ps, struct pgconn *c, const struct actor *who, const char *action,
    const struct buf *detail, const char *target_fmt, ...)
{
	struct audit_entry e;
	unsigned char prev[32] = { 0 };
	struct pgq q = { 0 };
	PGresult *r;
	va_list ap;
	int rc;

	memset(&e, 0, sizeof(e));
	pgq_int(&q, PGSTORE_AUDIT_LOCK);
	if ((rc = pgconn_run(c, "SELECT pg_advisory_xact_lock($1::bigint)", &q, NULL)) != 0)
		return rc;
	rc = pgconn_run(c, "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1", NULL, &r);
	if (rc != 0)
		return rc;
	if (PQntuples(r) == 1) {
		e.seq = pg_int(r, 0, 0) + 1;
		pg_bytes(r, 0, 1, prev, sizeof(prev));
	} else {
		e.seq = 1;
	}
	PQclear(r);
	e.at = pgstore_now();
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
	audit_entry_seal(ps->audit_key, &e, prev);

	memset(&q, 0, sizeof(q));
	pgq_int(&q, e.seq);
	pgq_int(&q, e.at);
	pgq_int(&q, e.org_id);
	pgq_int(&q, e.user_id);
	pgq_text(&q, e.actor);
	pgq_text(&q, e.action);
	pgq_text(&q, e.target);
	pgq_text(&q, e.detail);
	pgq_bytes(&q, e.prev, 32);
	pgq_bytes(&q, e.hash, 32);
	rc = pgconn_run(c, "INSERT INTO audit_entry (seq, at, org_id, user_id, actor, action, target, "
	    "detail, prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", &q, NULL);
	return rc == ERR_DUPLICATE ? ERR_IO : rc;
}

int
pg_audit_each(struct store *s, store_audit_fn fn, void *arg)
{
	struct pgconn *c = pgpool_get(&PS(s)->pool);
	struct audit_entry e;
	PGresult *r;
	int rc, i, n;

	rc = pgconn_run(c, "SELECT seq, at, org_id, user_id, actor, action, target, detail, prev, "
	    "hash FROM audit_entry ORDER BY seq", NULL, &r);
	if (rc != 0)
		goto out;
	n = PQntuples(r);
	for (i = 0; i < n && rc == 0; i++) {
		memset(&e, 0, sizeof(e));
		e.seq = pg_int(r, i, 0);
		e.at = pg_int(r, i, 1);
		e.org_id = pg_int(r, i, 2);
		e.user_id = pg_int(r, i, 3);
		pg_text(r, i, 4, e.actor, sizeof(e.actor));
		pg_text(r, i, 5, e.action, sizeof(e.action));
		pg_text(r, i, 6, e.target, sizeof(e.target));
		pg_text(r, i, 7, e.detail, sizeof(e.detail));
		pg_bytes(r, i, 8, e.prev, sizeof(e.prev));
		pg_bytes(r, i, 9, e.hash, sizeof(e.hash));
		rc = fn(arg, &e);
	}
	PQclear(r);
out:
	pgpool_put(&PS(s)->pool, c);
	return rc;
}

/* ---- migrations ----------------------------------------------------------- */

/* Applies the numbered migrations not yet recorded, each in the
 * transaction that records it, under PGSTORE_MIGRATE_LOCK. */
static int
migrate_tx(struct pgconn *c, void *arg)
{
	const struct embedded_file *f;
	struct pgq q;
	PGresult *r;
	int rc, version, *applied = arg;

	memset(&q, 0, sizeof(q));
	pgq_int(&q, PGSTORE_MIGRATE_LOCK);
	if ((rc = pgconn_run(c, "SELECT pg_advisory_xact_lock($1::bigint)", &q, NULL)) != 0)
		return rc;
	rc = pgconn_exec(c, "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY "
	    "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
	if (rc != 0)
		return rc;
	for (f = pg_migrations; f->name; f++) {
		version = atoi(f->name); /* "001_init.sql" */
		memset(&q, 0, sizeof(q));
		pgq_int(&q, version);
		rc = pgconn_run(c, "SELECT 1 FROM schema_migration WHERE version = $1", &q, &r);
		if (rc != 0)
			return rc;
		rc = PQntuples(r);
		PQclear(r);
		if (rc > 0)
			continue;
		if (pgconn_exec(c, f->data) != 0) {
			log_error("migrate", "migration %s failed", f->name);
			return ERR_IO;
		}
		memset(&q, 0, sizeof(q));
		pgq_int(&q, version);
		pgq_text(&q, f->name);
		pgq_int(&q, pgstore_now());
		rc = pgconn_run(c, "INSERT INTO schema_migration (version, name, applied_at) "
		    "VALUES ($1, $2, $3)", &q, NULL);
		if (rc != 0)
			return rc;
		log_info("migrate", "applied %s", f->name);
		(*applied)++;
	}
	return 0;
}

static int
pg_migrate(struct store *s)
{
	int applied = 0;

	return pgpool_tx(&PS(s)->pool, migrate_tx, &applied);
}

static int
pg_ping(struct store *s)
{
	struct pgconn *c = pgpool_get(&PS(s)->pool);
	int rc = pgconn_run(c, "SELECT count(*) FROM schema_migration", NULL, NULL);

	pgpool_put(&PS(s)->pool, c);
	return rc == 0 ? 0 : ERR_IO;
}

int
store_pg_setting(struct store *s, const char *name, char *out, size_t size)
{
	struct pgconn *c = pgpool_get(&PS(s)->pool);
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_text(&q, name);
	rc = pgconn_run(c, "SELECT current_setting($1)", &q, &r);
	if (rc == 0) {
		pg_text(r, 0, 0, out, size);
		PQclear(r);
	}
	pgpool_put(&PS(s)->pool, c);
	return rc;
}

/* ---- lifecycle ------------------------------------------------------------ */

static void
pg_close(struct store *s)
{
	struct pg_store *ps = PS(s);

	pgwriter_stop(&ps->writer);
	pgpool_close(&ps->pool);
	sodium_memzero(ps->audit_key, sizeof(ps->audit_key));
	free(ps);
}

static const struct store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.migrate = pg_migrate,
	.ping = pg_ping,
	.org_create = pg_org_create,
	.org_get = pg_org_get,
	.org_get_by_slug = pg_org_get_by_slug,
	.org_each = pg_org_each,
	.user_create = pg_user_create,
	.user_get = pg_user_get,
	.user_get_by_email = pg_user_get_by_email,
	.user_set_password = pg_user_set_password,
	.session_create = pg_session_create,
	.session_get = pg_session_get,
	.session_delete = pg_session_delete,
	.token_create = pg_token_create,
	.token_get = pg_token_get,
	.poll_create = pg_poll_create,
	.poll_get = pg_poll_get,
	.poll_each = pg_poll_each,
	.poll_update = pg_poll_update,
	.poll_act = pg_poll_act,
	.poll_delete = pg_poll_delete,
	.poll_tally = pg_poll_tally,
	.ballot_exists = pg_ballot_exists,
	.ballot_cast = pg_ballot_cast,
	.audit_each = pg_audit_each,
	.page_get = pg_page_get,
	.page_put = pg_page_put,
};

int
store_pg_open(const char *url, const struct store_config *cfg, struct store **out,
    struct errors *e)
{
	struct pg_store *ps = calloc(1, sizeof(*ps));
	int rc;

	if (ps == NULL)
		return ERR_NOMEM;
	ps->base.ops = &pg_ops;
	memcpy(ps->audit_key, cfg->audit_key, sizeof(ps->audit_key));
	rc = pgpool_open(&ps->pool, url,
	    cfg->read_connections > 0 ? cfg->read_connections : PGDB_POOL_DEFAULT, e);
	if (rc != 0) {
		free(ps);
		return rc;
	}
	rc = pgwriter_start(&ps->writer, url, e);
	if (rc != 0) {
		pgpool_close(&ps->pool);
		free(ps);
		return rc;
	}
	*out = &ps->base;
	return 0;
}
