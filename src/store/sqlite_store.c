/*
 * sqlite_store.c - the store interface on SQLite.
 *
 * Reads take a connection from the reader pool; writes are jobs for the one
 * writer (sqlite_writer.c), which commits them in groups.  Staff changes
 * append their audit entry inside the same job, so the change and its
 * record commit together or not at all.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "involve/log.h"
#include "involve/text.h"
#include "involve/store_sqlite.h"
#include "sqlite_db.h"

struct sqlite_store {
	struct store base;
	struct sqlwriter writer;
	struct sqlpool readers;
	unsigned char audit_key[32];
};

#define SS(s) ((struct sqlite_store *)(s))

static int64_t
now_seconds(void)
{
	return (int64_t)time(NULL);
}

static void
col_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);

	text_copy(dst, size, (struct str){ t ? (const char *)t : "", t ? (size_t)n : 0 });
}

/* Steps a write statement and resets it; maps the result. */
static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlconn_error(rc);
}

/* ---- audit ------------------------------------------------------------ */

struct audit_args {
	const struct actor *who;
	const char *action;
	char target[AUDIT_TARGET_MAX];
	struct buf detail; /* JSON object text; owned by the caller */
};

static void
audit_init(struct audit_args *a, const struct actor *who, const char *action)
{
	memset(a, 0, sizeof(*a));
	a->who = who;
	a->action = action;
	a->detail = BUF_INIT;
}

/* Appends the audit entry for a change, in the writer's transaction.  The
 * chain's tail is read in the same transaction, so entries never fork. */
static int
audit_append(struct sqlite_store *ss, struct sqlconn *c, struct audit_args *a)
{
	struct audit_entry e;
	unsigned char prev[32] = { 0 };
	sqlite3_stmt *st;
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
	e.at = now_seconds();
	e.org_id = a->who ? a->who->org_id : 0;
	e.user_id = a->who ? a->who->user_id : 0;
	snprintf(e.actor, sizeof(e.actor), "%s", a->who && a->who->name ? a->who->name : "system");
	snprintf(e.action, sizeof(e.action), "%s", a->action);
	snprintf(e.target, sizeof(e.target), "%s", a->target);
	text_copy(e.detail, sizeof(e.detail),
	    (struct str){ a->detail.n ? buf_cstr(&a->detail) : "{}", a->detail.n ? a->detail.n : 2 });
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
	rc = step_done(st);
	return rc == ERR_DUPLICATE ? ERR_IO : rc;
}

static int
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
		col_text(st, 4, e.actor, sizeof(e.actor));
		col_text(st, 5, e.action, sizeof(e.action));
		col_text(st, 6, e.target, sizeof(e.target));
		col_text(st, 7, e.detail, sizeof(e.detail));
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

static void
sq_close(struct store *s)
{
	struct sqlite_store *ss = SS(s);

	sqlwriter_stop(&ss->writer);
	sqlpool_close(&ss->readers);
	sodium_memzero(ss->audit_key, sizeof(ss->audit_key));
	free(ss);
}

static int
sq_migrate(struct store *s)
{
	return sqlite_migrate(&SS(s)->writer);
}

static int
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

/* ---- organisations ------------------------------------------------------ */

struct org_job {
	struct sqlite_store *ss;
	const struct actor *who;
	struct org *org;
};

static int
org_create_job(struct sqlconn *c, void *arg)
{
	struct org_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	j->org->created_at = now_seconds();
	st = sqlconn_stmt(c, "INSERT INTO org (slug, name, created_at) VALUES (?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_text(st, 1, j->org->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->org->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, j->org->created_at);
	rc = step_done(st);
	if (rc != 0)
		return rc;
	j->org->id = sqlite3_last_insert_rowid(c->db);
	audit_init(&a, j->who, "org.create");
	snprintf(a.target, sizeof(a.target), "org:%lld", (long long)j->org->id);
	buf_add_c(&a.detail, "{\"slug\":");
	buf_add_json_string(&a.detail, str_c(j->org->slug));
	buf_add_c(&a.detail, ",\"name\":");
	buf_add_json_string(&a.detail, str_c(j->org->name));
	buf_addch(&a.detail, '}');
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_org_create(struct store *s, const struct actor *who, struct org *o)
{
	struct org_job j = { SS(s), who, o };

	return sqlwriter_run(&SS(s)->writer, org_create_job, &j);
}

static void
org_from_row(sqlite3_stmt *st, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, o->slug, sizeof(o->slug));
	col_text(st, 2, o->name, sizeof(o->name));
	o->created_at = sqlite3_column_int64(st, 3);
}

static int
org_get_where(struct store *s, const char *sql, int64_t id, const char *slug, struct org *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, sql);
	int rc;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	if (slug)
		sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		org_from_row(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

static int
sq_org_get(struct store *s, int64_t id, struct org *out)
{
	return org_get_where(s, "SELECT id, slug, name, created_at FROM org WHERE id = ?", id, NULL,
	    out);
}

static int
sq_org_get_by_slug(struct store *s, const char *slug, struct org *out)
{
	return org_get_where(s, "SELECT id, slug, name, created_at FROM org WHERE slug = ?", 0, slug,
	    out);
}

static int
sq_org_each(struct store *s, store_org_fn fn, void *arg)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT id, slug, name, created_at FROM org ORDER BY name");
	struct org o;
	int rc = 0, step = SQLITE_DONE;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		org_from_row(st, &o);
		rc = fn(arg, &o);
	}
	if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = sqlconn_error(step);
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

/* ---- staff users -------------------------------------------------------- */

struct user_job {
	struct sqlite_store *ss;
	const struct actor *who;
	struct user *user;
	int64_t user_id;
	const char *hash;
};

static int
user_create_job(struct sqlconn *c, void *arg)
{
	struct user_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	j->user->created_at = now_seconds();
	st = sqlconn_stmt(c, "INSERT INTO staff_user (org_id, email, role, password_hash, created_at) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->user->org_id);
	sqlite3_bind_text(st, 2, j->user->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role_name(j->user->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, j->user->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, j->user->created_at);
	rc = step_done(st);
	if (rc != 0)
		return rc;
	j->user->id = sqlite3_last_insert_rowid(c->db);
	audit_init(&a, j->who, "user.create");
	snprintf(a.target, sizeof(a.target), "user:%lld", (long long)j->user->id);
	buf_add_c(&a.detail, "{\"email\":");
	buf_add_json_string(&a.detail, str_c(j->user->email));
	buf_printf(&a.detail, ",\"role\":\"%s\",\"org\":%lld}", role_name(j->user->role),
	    (long long)j->user->org_id);
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_user_create(struct store *s, const struct actor *who, struct user *u)
{
	struct user_job j = { .ss = SS(s), .who = who, .user = u };

	return sqlwriter_run(&SS(s)->writer, user_create_job, &j);
}

static int
user_get_where(struct store *s, const char *sql, int64_t id, const char *email, struct user *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, sql);
	char role[32];
	int rc;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	if (email)
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		out->org_id = sqlite3_column_int64(st, 1);
		col_text(st, 2, out->email, sizeof(out->email));
		col_text(st, 3, role, sizeof(role));
		if (role_parse(str_c(role), &out->role) != 0)
			out->role = ROLE_VIEWER; /* unknown role: least privilege */
		col_text(st, 4, out->password_hash, sizeof(out->password_hash));
		out->created_at = sqlite3_column_int64(st, 5);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

static int
sq_user_get(struct store *s, int64_t id, struct user *out)
{
	return user_get_where(s, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE id = ?", id, NULL, out);
}

static int
sq_user_get_by_email(struct store *s, const char *email, struct user *out)
{
	return user_get_where(s, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE email = ?", 0, email, out);
}

static int
user_passwd_job(struct sqlconn *c, void *arg)
{
	struct user_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "UPDATE staff_user SET password_hash = ? WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_text(st, 1, j->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->user_id);
	rc = step_done(st);
	if (rc != 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return ERR_NOTFOUND;
	/* A new password ends every session of that user. */
	st = sqlconn_stmt(c, "DELETE FROM session WHERE user_id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->user_id);
	if ((rc = step_done(st)) != 0)
		return rc;
	audit_init(&a, j->who, "user.password");
	snprintf(a.target, sizeof(a.target), "user:%lld", (long long)j->user_id);
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_user_set_password(struct store *s, const struct actor *who, int64_t user_id, const char *hash)
{
	struct user_job j = { .ss = SS(s), .who = who, .user_id = user_id, .hash = hash };

	return sqlwriter_run(&SS(s)->writer, user_passwd_job, &j);
}

/* ---- sessions and tokens ------------------------------------------------ */

struct secret_job {
	struct sqlite_store *ss;
	const struct actor *who;
	const unsigned char *hash;
	const struct session *sess;
	struct api_token *token;
};

static int
session_create_job(struct sqlconn *c, void *arg)
{
	struct secret_job *j = arg;
	sqlite3_stmt *st;
	int rc;

	/* Expired sessions are swept whenever a new one starts. */
	st = sqlconn_stmt(c, "DELETE FROM session WHERE expires_at < ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, now_seconds());
	if ((rc = step_done(st)) != 0)
		return rc;
	st = sqlconn_stmt(c, "INSERT INTO session (hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_blob(st, 1, j->hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->sess->user_id);
	sqlite3_bind_text(st, 3, j->sess->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, j->sess->expires_at);
	return step_done(st);
}

static int
sq_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess)
{
	struct secret_job j = { .ss = SS(s), .hash = hash, .sess = sess };

	return sqlwriter_run(&SS(s)->writer, session_create_job, &j);
}

static int
sq_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct session *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT user_id, csrf, expires_at FROM session "
	    "WHERE hash = ? AND expires_at > ?");
	int rc;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->user_id = sqlite3_column_int64(st, 0);
		col_text(st, 1, out->csrf, sizeof(out->csrf));
		out->expires_at = sqlite3_column_int64(st, 2);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

static int
session_delete_job(struct sqlconn *c, void *arg)
{
	struct secret_job *j = arg;
	sqlite3_stmt *st = sqlconn_stmt(c, "DELETE FROM session WHERE hash = ?");

	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_blob(st, 1, j->hash, STORE_HASH_SIZE, SQLITE_STATIC);
	return step_done(st);
}

static int
sq_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE])
{
	struct secret_job j = { .ss = SS(s), .hash = hash };

	return sqlwriter_run(&SS(s)->writer, session_delete_job, &j);
}

static int
token_create_job(struct sqlconn *c, void *arg)
{
	struct secret_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	j->token->created_at = now_seconds();
	st = sqlconn_stmt(c, "INSERT INTO api_token (hash, user_id, org_id, created_at) "
	    "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_blob(st, 1, j->hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->token->user_id);
	sqlite3_bind_int64(st, 3, j->token->org_id);
	sqlite3_bind_int64(st, 4, j->token->created_at);
	if ((rc = step_done(st)) != 0)
		return rc;
	j->token->id = sqlite3_last_insert_rowid(c->db);
	audit_init(&a, j->who, "token.create");
	snprintf(a.target, sizeof(a.target), "token:%lld", (long long)j->token->id);
	buf_printf(&a.detail, "{\"user\":%lld}", (long long)j->token->user_id);
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_token_create(struct store *s, const struct actor *who, const unsigned char hash[STORE_HASH_SIZE],
    struct api_token *t)
{
	struct secret_job j = { .ss = SS(s), .who = who, .hash = hash, .token = t };

	return sqlwriter_run(&SS(s)->writer, token_create_job, &j);
}

static int
sq_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], struct api_token *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT id, user_id, org_id, created_at FROM api_token "
	    "WHERE hash = ?");
	int rc;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_SIZE, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->user_id = sqlite3_column_int64(st, 1);
		out->org_id = sqlite3_column_int64(st, 2);
		out->created_at = sqlite3_column_int64(st, 3);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

/* ---- polls -------------------------------------------------------------- */

static void
poll_detail(struct buf *b, const struct poll *p)
{
	int i;

	buf_add_c(b, "{\"question\":");
	buf_add_json_string(b, str_c(p->question));
	buf_add_c(b, ",\"options\":[");
	for (i = 0; i < p->option_n; i++) {
		if (i)
			buf_addch(b, ',');
		buf_add_json_string(b, str_c(p->options[i].label));
	}
	buf_printf(b, "],\"multiple\":%s,\"show_results\":\"%s\",\"opens_at\":%lld,\"closes_at\":%lld}",
	    p->multiple ? "true" : "false", poll_results_name(p->show_results),
	    (long long)p->opens_at, (long long)p->closes_at);
}

static int
insert_options(struct sqlconn *c, struct poll *p)
{
	sqlite3_stmt *st;
	int i, rc;

	for (i = 0; i < p->option_n; i++) {
		st = sqlconn_stmt(c, "INSERT INTO poll_option (poll_id, position, label) VALUES (?, ?, ?)");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int64(st, 1, p->id);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_text(st, 3, p->options[i].label, -1, SQLITE_STATIC);
		if ((rc = step_done(st)) != 0)
			return rc;
		p->options[i].id = sqlite3_last_insert_rowid(c->db);
	}
	return 0;
}

struct poll_job {
	struct sqlite_store *ss;
	const struct actor *who;
	struct poll *poll;
	const struct poll *cpoll;
	int64_t id;
	enum poll_action action;
	int64_t now;
};

static int
poll_create_job(struct sqlconn *c, void *arg)
{
	struct poll_job *j = arg;
	struct poll *p = j->poll;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	p->created_at = now_seconds();
	st = sqlconn_stmt(c, "INSERT INTO poll (org_id, question, multiple, show_results, opens_at, "
	    "closes_at, closed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, p->org_id);
	sqlite3_bind_text(st, 2, p->question, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, p->multiple);
	sqlite3_bind_text(st, 4, poll_results_name(p->show_results), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, p->opens_at);
	sqlite3_bind_int64(st, 6, p->closes_at);
	sqlite3_bind_int64(st, 7, p->created_at);
	if ((rc = step_done(st)) != 0)
		return rc;
	p->id = sqlite3_last_insert_rowid(c->db);
	if ((rc = insert_options(c, p)) != 0)
		return rc;
	audit_init(&a, j->who, "poll.create");
	snprintf(a.target, sizeof(a.target), "poll:%lld", (long long)p->id);
	poll_detail(&a.detail, p);
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_poll_create(struct store *s, const struct actor *who, struct poll *p)
{
	struct poll_job j = { .ss = SS(s), .who = who, .poll = p };

	return sqlwriter_run(&SS(s)->writer, poll_create_job, &j);
}

#define POLL_COLUMNS "id, org_id, question, multiple, show_results, opens_at, closes_at, " \
	"closed_at, created_at, ballots"

static void
poll_from_row(sqlite3_stmt *st, struct poll *p)
{
	char results[32];

	p->id = sqlite3_column_int64(st, 0);
	p->org_id = sqlite3_column_int64(st, 1);
	col_text(st, 2, p->question, sizeof(p->question));
	p->multiple = sqlite3_column_int(st, 3) != 0;
	col_text(st, 4, results, sizeof(results));
	if (poll_results_parse(str_c(results), &p->show_results) != 0)
		p->show_results = POLL_RESULTS_AFTER_CLOSE;
	p->opens_at = sqlite3_column_int64(st, 5);
	p->closes_at = sqlite3_column_int64(st, 6);
	p->closed_at = sqlite3_column_int64(st, 7);
	p->created_at = sqlite3_column_int64(st, 8);
	p->ballots = sqlite3_column_int64(st, 9);
}

/* Reads a poll and its options with one connection, so both come from the
 * same snapshot. */
static int
poll_read(struct sqlconn *c, int64_t id, struct poll *out, struct tally *tally)
{
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "SELECT " POLL_COLUMNS " FROM poll WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	out->option_n = 0;
	poll_from_row(st, out);
	sqlite3_reset(st);
	if (tally) {
		memset(tally, 0, sizeof(*tally));
		tally->ballots = out->ballots;
	}

	st = sqlconn_stmt(c, "SELECT id, label, votes FROM poll_option WHERE poll_id = ? "
	    "ORDER BY position");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->option_n < POLL_OPTIONS_MAX) {
		struct poll_option *o = &out->options[out->option_n];

		o->id = sqlite3_column_int64(st, 0);
		col_text(st, 1, o->label, sizeof(o->label));
		if (tally)
			tally->counts[out->option_n] = sqlite3_column_int64(st, 2);
		out->option_n++;
	}
	sqlite3_reset(st);
	if (tally)
		tally->option_n = out->option_n;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sqlconn_error(rc);
}

static int
sq_poll_get(struct store *s, int64_t id, struct poll *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	int rc = poll_read(c, id, out, NULL);

	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

static int
sq_poll_tally(struct store *s, int64_t id, struct tally *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	struct poll *p = malloc(sizeof(*p));
	int rc;

	if (p == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = poll_read(c, id, p, out);
	free(p);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

static int
sq_poll_each(struct store *s, int64_t org_id, int64_t before_id, int limit, store_poll_fn fn,
    void *arg)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	int64_t ids[200];
	struct poll *p = NULL;
	sqlite3_stmt *st;
	int i, n = 0, rc = 0, step;

	if (limit > (int)(sizeof(ids) / sizeof(ids[0])))
		limit = (int)(sizeof(ids) / sizeof(ids[0]));
	st = sqlconn_stmt(c, "SELECT id FROM poll WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 3, limit);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		rc = sqlconn_error(step);
		goto out;
	}
	p = malloc(sizeof(*p));
	if (p == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		rc = poll_read(c, ids[i], p, NULL);
		if (rc == ERR_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = fn(arg, p);
	}
out:
	free(p);
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

static int
poll_update_job(struct sqlconn *c, void *arg)
{
	struct poll_job *j = arg;
	struct poll *p = j->poll;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "SELECT ballots FROM poll WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, p->org_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	if (sqlite3_column_int64(st, 0) > 0) {
		sqlite3_reset(st);
		return ERR_CONFLICT;
	}
	sqlite3_reset(st);
	st = sqlconn_stmt(c, "UPDATE poll SET question = ?, multiple = ?, show_results = ?, "
	    "opens_at = ?, closes_at = ? WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_text(st, 1, p->question, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, p->multiple);
	sqlite3_bind_text(st, 3, poll_results_name(p->show_results), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, p->opens_at);
	sqlite3_bind_int64(st, 5, p->closes_at);
	sqlite3_bind_int64(st, 6, p->id);
	if ((rc = step_done(st)) != 0)
		return rc;
	st = sqlconn_stmt(c, "DELETE FROM poll_option WHERE poll_id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, p->id);
	if ((rc = step_done(st)) != 0)
		return rc;
	if ((rc = insert_options(c, p)) != 0)
		return rc;
	audit_init(&a, j->who, "poll.update");
	snprintf(a.target, sizeof(a.target), "poll:%lld", (long long)p->id);
	poll_detail(&a.detail, p);
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_poll_update(struct store *s, const struct actor *who, const struct poll *p)
{
	struct poll copy;
	struct poll_job j = { .ss = SS(s), .who = who, .poll = &copy };

	/* Options get new ids; the caller's poll is not changed. */
	copy = *p;
	return sqlwriter_run(&SS(s)->writer, poll_update_job, &j);
}

static int
poll_act_job(struct sqlconn *c, void *arg)
{
	struct poll_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	if (j->action == POLL_ACTION_OPEN)
		st = sqlconn_stmt(c, "UPDATE poll SET opens_at = ? WHERE id = ? AND org_id = ? "
		    "AND closed_at = 0 AND (opens_at = 0 OR opens_at > ?) "
		    "AND (closes_at = 0 OR closes_at > ?4)");
	else
		st = sqlconn_stmt(c, "UPDATE poll SET closed_at = ? WHERE id = ? AND org_id = ? "
		    "AND closed_at = 0 AND (closes_at = 0 OR closes_at > ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->now);
	sqlite3_bind_int64(st, 2, j->id);
	sqlite3_bind_int64(st, 3, j->who ? j->who->org_id : 0);
	sqlite3_bind_int64(st, 4, j->now);
	if ((rc = step_done(st)) != 0)
		return rc;
	if (sqlite3_changes(c->db) == 0) {
		/* Missing, another organisation's, or already in that state. */
		st = sqlconn_stmt(c, "SELECT 1 FROM poll WHERE id = ? AND org_id = ?");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int64(st, 1, j->id);
		sqlite3_bind_int64(st, 2, j->who ? j->who->org_id : 0);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		return rc == SQLITE_ROW ? ERR_CONFLICT : rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	audit_init(&a, j->who, j->action == POLL_ACTION_OPEN ? "poll.open" : "poll.close");
	snprintf(a.target, sizeof(a.target), "poll:%lld", (long long)j->id);
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_poll_act(struct store *s, const struct actor *who, int64_t poll_id, enum poll_action action,
    int64_t now)
{
	struct poll_job j = { .ss = SS(s), .who = who, .id = poll_id, .action = action, .now = now };

	return sqlwriter_run(&SS(s)->writer, poll_act_job, &j);
}

static int
poll_delete_job(struct sqlconn *c, void *arg)
{
	struct poll_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	char question[POLL_QUESTION_SIZE];
	int rc;

	st = sqlconn_stmt(c, "SELECT question FROM poll WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->id);
	sqlite3_bind_int64(st, 2, j->who ? j->who->org_id : 0);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	col_text(st, 0, question, sizeof(question));
	sqlite3_reset(st);
	/* Foreign keys cascade to options, ballots and choices. */
	st = sqlconn_stmt(c, "DELETE FROM poll WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->id);
	if ((rc = step_done(st)) != 0)
		return rc;
	audit_init(&a, j->who, "poll.delete");
	snprintf(a.target, sizeof(a.target), "poll:%lld", (long long)j->id);
	buf_add_c(&a.detail, "{\"question\":");
	buf_add_json_string(&a.detail, str_c(question));
	buf_addch(&a.detail, '}');
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_poll_delete(struct store *s, const struct actor *who, int64_t poll_id)
{
	struct poll_job j = { .ss = SS(s), .who = who, .id = poll_id };

	return sqlwriter_run(&SS(s)->writer, poll_delete_job, &j);
}

/* ---- ballots ------------------------------------------------------------ */

struct ballot_job {
	struct sqljob job;
	struct ballot ballot;
	int64_t poll_id;
	int64_t now;
	unsigned char voter[STORE_HASH_SIZE];
	store_done_fn done;
	void *arg;
};

static int
ballot_cast_job(struct sqlconn *c, void *arg)
{
	struct ballot_job *j = arg;
	struct poll p;
	sqlite3_stmt *st;
	char choices[POLL_OPTIONS_MAX * 21];
	int i, n = 0, rc;

	/* Whether the poll is open is decided again here, at commit time, so a
	 * ballot racing a close is refused rather than counted after it. */
	st = sqlconn_stmt(c, "SELECT opens_at, closes_at, closed_at FROM poll WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->poll_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	memset(&p, 0, offsetof(struct poll, options));
	p.opens_at = sqlite3_column_int64(st, 0);
	p.closes_at = sqlite3_column_int64(st, 1);
	p.closed_at = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	if (!poll_is_open(&p, j->now))
		return ERR_CONFLICT;

	for (i = 0; i < j->ballot.choice_n; i++)
		n += snprintf(choices + n, sizeof(choices) - (size_t)n, "%s%lld", i ? "," : "",
		    (long long)j->ballot.choices[i]);
	st = sqlconn_stmt(c, "INSERT INTO ballot (poll_id, voter_hash, cast_at, choices) "
	    "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->poll_id);
	sqlite3_bind_blob(st, 2, j->voter, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, j->now);
	sqlite3_bind_text(st, 4, choices, n, SQLITE_STATIC);
	if ((rc = step_done(st)) != 0)
		return rc; /* ERR_DUPLICATE: this browser has voted */
	for (i = 0; i < j->ballot.choice_n; i++) {
		st = sqlconn_stmt(c, "UPDATE poll_option SET votes = votes + 1 WHERE id = ? AND poll_id = ?");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int64(st, 1, j->ballot.choices[i]);
		sqlite3_bind_int64(st, 2, j->poll_id);
		if ((rc = step_done(st)) != 0)
			return rc;
		if (sqlite3_changes(c->db) != 1)
			return ERR_INVALID; /* an option of another poll */
	}
	st = sqlconn_stmt(c, "UPDATE poll SET ballots = ballots + 1 WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->poll_id);
	return step_done(st);
}

static void
ballot_done(void *arg, int rc)
{
	struct ballot_job *j = arg;

	j->done(j->arg, rc);
	free(j);
}

static int
sq_ballot_cast(struct store *s, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, store_done_fn done, void *arg)
{
	struct ballot_job *j = malloc(sizeof(*j));
	int rc;

	if (j == NULL)
		return ERR_NOMEM;
	j->job.run = ballot_cast_job;
	j->job.done = ballot_done;
	j->job.arg = j;
	j->ballot = *b;
	j->poll_id = poll_id;
	j->now = now;
	memcpy(j->voter, voter, STORE_HASH_SIZE);
	j->done = done;
	j->arg = arg;
	rc = sqlwriter_submit(&SS(s)->writer, &j->job);
	if (rc != 0)
		free(j);
	return rc;
}

static int
sq_ballot_exists(struct store *s, int64_t poll_id, const unsigned char voter[STORE_HASH_SIZE],
    bool *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT 1 FROM ballot WHERE poll_id = ? AND voter_hash = ?");
	int rc;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, poll_id);
	sqlite3_bind_blob(st, 2, voter, STORE_HASH_SIZE, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sqlconn_error(rc);
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

/* Reads "12,15" back into a ballot; entries past the limit are dropped. */
static void
parse_choices(const char *text, struct ballot *b)
{
	char *end;
	long long id;

	b->choice_n = 0;
	while (text && *text && b->choice_n < POLL_OPTIONS_MAX) {
		id = strtoll(text, &end, 10);
		if (end == text)
			break;
		b->choices[b->choice_n++] = id;
		text = *end == ',' ? end + 1 : end;
	}
}

static int
sq_ballot_each(struct store *s, int64_t poll_id, store_ballot_fn fn, void *arg)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT cast_at, choices FROM ballot WHERE poll_id = ? "
	    "ORDER BY id");
	struct ballot b;
	int rc = 0, step = SQLITE_DONE;

	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, poll_id);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		parse_choices((const char *)sqlite3_column_text(st, 1), &b);
		rc = fn(arg, sqlite3_column_int64(st, 0), &b);
	}
	if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = sqlconn_error(step);
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

/* ---- site pages --------------------------------------------------------- */

static int
sq_page_get(struct store *s, int64_t org_id, const char *key, struct site_page *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT title, body, updated_at FROM site_page "
	    "WHERE org_id = ? AND key = ?");
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->org_id = org_id;
		snprintf(out->key, sizeof(out->key), "%s", key);
		col_text(st, 0, out->title, sizeof(out->title));
		out->body = strdup((const char *)sqlite3_column_text(st, 1));
		out->updated_at = sqlite3_column_int64(st, 2);
		rc = out->body ? 0 : ERR_NOMEM;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

struct page_job {
	struct sqlite_store *ss;
	const struct actor *who;
	const struct site_page *page;
};

static int
page_put_job(struct sqlconn *c, void *arg)
{
	struct page_job *j = arg;
	struct audit_args a;
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "INSERT INTO site_page (org_id, key, title, body, updated_at) "
	    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, key) DO UPDATE SET "
	    "title = excluded.title, body = excluded.body, updated_at = excluded.updated_at");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->page->org_id);
	sqlite3_bind_text(st, 2, j->page->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, j->page->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, j->page->body ? j->page->body : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_seconds());
	if ((rc = step_done(st)) != 0)
		return rc;
	audit_init(&a, j->who, "page.update");
	snprintf(a.target, sizeof(a.target), "page:%lld:%s", (long long)j->page->org_id, j->page->key);
	buf_add_c(&a.detail, "{\"title\":");
	buf_add_json_string(&a.detail, str_c(j->page->title));
	buf_addch(&a.detail, '}');
	rc = audit_append(j->ss, c, &a);
	buf_free(&a.detail);
	return rc;
}

static int
sq_page_put(struct store *s, const struct actor *who, const struct site_page *p)
{
	struct page_job j = { SS(s), who, p };

	return sqlwriter_run(&SS(s)->writer, page_put_job, &j);
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
	.ballot_each = sq_ballot_each,
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
	rc = sqlwriter_start(&ss->writer, path, e);
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
