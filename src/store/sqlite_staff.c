/*
 * sqlite_staff.c - organisations, staff users, sessions and API tokens on SQLite
 * (see sqlite_store.c for how reads and writes are run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/text.h"
#include "sqlite_store.h"

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
	struct buf detail = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	j->org->created_at = sqlstore_now();
	st = sqlconn_stmt(c, "INSERT INTO org (slug, name, created_at) VALUES (?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_text(st, 1, j->org->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->org->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, j->org->created_at);
	rc = sqlstore_step_done(st);
	if (rc != 0)
		return rc;
	j->org->id = sqlite3_last_insert_rowid(c->db);
	org_audit_detail(&detail, j->org);
	rc = sqlstore_audit(j->ss, c, j->who, "org.create", &detail, "org:%lld", (long long)j->org->id);
	buf_free(&detail);
	return rc;
}

int
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
	sqlstore_col_text(st, 1, o->slug, sizeof(o->slug));
	sqlstore_col_text(st, 2, o->name, sizeof(o->name));
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

int
sq_org_get(struct store *s, int64_t id, struct org *out)
{
	return org_get_where(s, "SELECT id, slug, name, created_at FROM org WHERE id = ?", id, NULL,
	    out);
}

int
sq_org_get_by_slug(struct store *s, const char *slug, struct org *out)
{
	return org_get_where(s, "SELECT id, slug, name, created_at FROM org WHERE slug = ?", 0, slug,
	    out);
}

int
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
	struct buf detail = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	j->user->created_at = sqlstore_now();
	st = sqlconn_stmt(c, "INSERT INTO staff_user (org_id, email, role, password_hash, created_at) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->user->org_id);
	sqlite3_bind_text(st, 2, j->user->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role_name(j->user->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, j->user->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, j->user->created_at);
	rc = sqlstore_step_done(st);
	if (rc != 0)
		return rc;
	j->user->id = sqlite3_last_insert_rowid(c->db);
	user_audit_detail(&detail, j->user);
	rc = sqlstore_audit(j->ss, c, j->who, "user.create", &detail, "user:%lld", (long long)j->user->id);
	buf_free(&detail);
	return rc;
}

int
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
		sqlstore_col_text(st, 2, out->email, sizeof(out->email));
		sqlstore_col_text(st, 3, role, sizeof(role));
		if (role_parse(str_c(role), &out->role) != 0)
			out->role = ROLE_VIEWER; /* unknown role: least privilege */
		sqlstore_col_text(st, 4, out->password_hash, sizeof(out->password_hash));
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

int
sq_user_get(struct store *s, int64_t id, struct user *out)
{
	return user_get_where(s, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE id = ?", id, NULL, out);
}

int
sq_user_get_by_email(struct store *s, const char *email, struct user *out)
{
	return user_get_where(s, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE email = ?", 0, email, out);
}

static int
user_passwd_job(struct sqlconn *c, void *arg)
{
	struct user_job *j = arg;
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "UPDATE staff_user SET password_hash = ? WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_text(st, 1, j->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->user_id);
	rc = sqlstore_step_done(st);
	if (rc != 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return ERR_NOTFOUND;
	/* A new password ends every session of that user. */
	st = sqlconn_stmt(c, "DELETE FROM session WHERE user_id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->user_id);
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	rc = sqlstore_audit(j->ss, c, j->who, "user.password", NULL, "user:%lld", (long long)j->user_id);
	return rc;
}

int
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
	sqlite3_bind_int64(st, 1, sqlstore_now());
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	st = sqlconn_stmt(c, "INSERT INTO session (hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_blob(st, 1, j->hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->sess->user_id);
	sqlite3_bind_text(st, 3, j->sess->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, j->sess->expires_at);
	return sqlstore_step_done(st);
}

int
sq_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess)
{
	struct secret_job j = { .ss = SS(s), .hash = hash, .sess = sess };

	return sqlwriter_run(&SS(s)->writer, session_create_job, &j);
}

int
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
		sqlstore_col_text(st, 1, out->csrf, sizeof(out->csrf));
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
	return sqlstore_step_done(st);
}

int
sq_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE])
{
	struct secret_job j = { .ss = SS(s), .hash = hash };

	return sqlwriter_run(&SS(s)->writer, session_delete_job, &j);
}

static int
token_create_job(struct sqlconn *c, void *arg)
{
	struct secret_job *j = arg;
	struct buf detail = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	j->token->created_at = sqlstore_now();
	st = sqlconn_stmt(c, "INSERT INTO api_token (hash, user_id, org_id, created_at) "
	    "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_blob(st, 1, j->hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->token->user_id);
	sqlite3_bind_int64(st, 3, j->token->org_id);
	sqlite3_bind_int64(st, 4, j->token->created_at);
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	j->token->id = sqlite3_last_insert_rowid(c->db);
	buf_printf(&detail, "{\"user\":%lld}", (long long)j->token->user_id);
	rc = sqlstore_audit(j->ss, c, j->who, "token.create", &detail, "token:%lld",
	    (long long)j->token->id);
	buf_free(&detail);
	return rc;
}

int
sq_token_create(struct store *s, const struct actor *who, const unsigned char hash[STORE_HASH_SIZE],
    struct api_token *t)
{
	struct secret_job j = { .ss = SS(s), .who = who, .hash = hash, .token = t };

	return sqlwriter_run(&SS(s)->writer, token_create_job, &j);
}

int
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

