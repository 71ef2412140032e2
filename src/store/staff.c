/*
 * staff.c - organisations, staff users, sessions and API tokens (see
 * store.h).  Reads take a connection from the pool; changes run through
 * db_write, each with its audit entry in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "involve/text.h"
#include "store_priv.h"

/* ---- organisations ----------------------------------------------------------- */

struct org_change {
	struct store *s;
	const struct actor *who;
	struct org *org;
};

static int
org_create_fn(struct db_conn *c, void *arg)
{
	struct org_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->org->created_at = store_now();
	st = db_prepare(c, "INSERT INTO org (slug, name, created_at) VALUES (?, ?, ?) RETURNING id");
	db_bind_text(st, 1, str_c(j->org->slug));
	db_bind_text(st, 2, str_c(j->org->name));
	db_bind_int(st, 3, j->org->created_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->org->id = db_col_int(st, 0);
	org_audit_detail(&detail, j->org);
	rc = store_audit_append(j->s, c, j->who, "org.create", &detail, "org:%lld",
	    (long long)j->org->id);
	buf_free(&detail);
	return rc;
}

int
store_org_create(struct store *s, const struct actor *who, struct org *o)
{
	struct org_change j = { s, who, o };

	return db_write(s->db, org_create_fn, &j);
}

static void
org_from_row(struct db_stmt *st, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int(st, 0);
	text_copy(o->slug, sizeof(o->slug), db_col_text(st, 1));
	text_copy(o->name, sizeof(o->name), db_col_text(st, 2));
	o->created_at = db_col_int(st, 3);
}

int
store_org_get(struct store *s, int64_t id, struct org *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT id, slug, name, created_at FROM org WHERE id = ?");
	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) == 0)
		org_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

int
store_org_get_by_slug(struct store *s, struct str slug, struct org *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT id, slug, name, created_at FROM org WHERE slug = ?");
	db_bind_text(st, 1, slug);
	if ((rc = db_row(st)) == 0)
		org_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

int
store_org_each(struct store *s, store_org_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	struct org o;
	int rc;

	st = db_prepare(c, "SELECT id, slug, name, created_at FROM org ORDER BY name");
	while ((rc = db_step(st)) == DB_ROW) {
		org_from_row(st, &o);
		if ((rc = fn(arg, &o)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/* ---- staff users ------------------------------------------------------------------ */

struct user_change {
	struct store *s;
	const struct actor *who;
	struct user *user;
	int64_t user_id;
	const char *hash;
};

static int
user_create_fn(struct db_conn *c, void *arg)
{
	struct user_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->user->created_at = store_now();
	st = db_prepare(c, "INSERT INTO staff_user (org_id, email, role, password_hash, created_at) "
	    "VALUES (?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->user->org_id);
	db_bind_text(st, 2, str_c(j->user->email));
	db_bind_text(st, 3, str_c(role_name(j->user->role)));
	db_bind_text(st, 4, str_c(j->user->password_hash));
	db_bind_int(st, 5, j->user->created_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->user->id = db_col_int(st, 0);
	user_audit_detail(&detail, j->user);
	rc = store_audit_append(j->s, c, j->who, "user.create", &detail, "user:%lld",
	    (long long)j->user->id);
	buf_free(&detail);
	return rc;
}

int
store_user_create(struct store *s, const struct actor *who, struct user *u)
{
	struct user_change j = { .s = s, .who = who, .user = u };

	return db_write(s->db, user_create_fn, &j);
}

static void
user_from_row(struct db_stmt *st, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	u->org_id = db_col_int(st, 1);
	text_copy(u->email, sizeof(u->email), db_col_text(st, 2));
	if (role_parse(db_col_text(st, 3), &u->role) != 0)
		u->role = ROLE_VIEWER; /* unknown role: least privilege */
	text_copy(u->password_hash, sizeof(u->password_hash), db_col_text(st, 4));
	u->created_at = db_col_int(st, 5);
}

int
store_user_get(struct store *s, int64_t id, struct user *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE id = ?");
	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) == 0)
		user_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

int
store_user_get_by_email(struct store *s, struct str email, struct user *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE email = ?");
	db_bind_text(st, 1, email);
	if ((rc = db_row(st)) == 0)
		user_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

static int
user_password_fn(struct db_conn *c, void *arg)
{
	struct user_change *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE staff_user SET password_hash = ? WHERE id = ?");
	db_bind_text(st, 1, str_c(j->hash));
	db_bind_int(st, 2, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return ERR_NOTFOUND;
	/* A new password ends every session of that user. */
	st = db_prepare(c, "DELETE FROM session WHERE user_id = ?");
	db_bind_int(st, 1, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "user.password", NULL, "user:%lld",
	    (long long)j->user_id);
}

int
store_user_set_password(struct store *s, const struct actor *who, int64_t user_id,
    const char *hash)
{
	struct user_change j = { .s = s, .who = who, .user_id = user_id, .hash = hash };

	return db_write(s->db, user_password_fn, &j);
}

/* ---- sessions and tokens ----------------------------------------------------------- */

struct secret_change {
	struct store *s;
	const struct actor *who;
	const unsigned char *hash;
	const struct session *sess;
	struct api_token *token;
};

static int
session_create_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st;
	int rc;

	/* Expired sessions are swept whenever a new one starts. */
	st = db_prepare(c, "DELETE FROM session WHERE expires_at < ?");
	db_bind_int(st, 1, store_now());
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "INSERT INTO session (hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)");
	db_bind_blob(st, 1, j->hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, j->sess->user_id);
	db_bind_text(st, 3, str_c(j->sess->csrf));
	db_bind_int(st, 4, j->sess->expires_at);
	return db_exec(st);
}

int
store_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess)
{
	struct secret_change j = { .s = s, .hash = hash, .sess = sess };

	return db_write(s->db, session_create_fn, &j);
}

int
store_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct session *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT user_id, csrf, expires_at FROM session "
	    "WHERE hash = ? AND expires_at > ?");
	db_bind_blob(st, 1, hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, now);
	if ((rc = db_row(st)) == 0) {
		memset(out, 0, sizeof(*out));
		out->user_id = db_col_int(st, 0);
		text_copy(out->csrf, sizeof(out->csrf), db_col_text(st, 1));
		out->expires_at = db_col_int(st, 2);
	}
	db_put(s->db, c);
	return rc;
}

static int
session_delete_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st = db_prepare(c, "DELETE FROM session WHERE hash = ?");

	db_bind_blob(st, 1, j->hash, STORE_HASH_SIZE);
	return db_exec(st);
}

int
store_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE])
{
	struct secret_change j = { .s = s, .hash = hash };

	return db_write(s->db, session_delete_fn, &j);
}

static int
token_create_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->token->created_at = store_now();
	st = db_prepare(c, "INSERT INTO api_token (hash, user_id, org_id, created_at) "
	    "VALUES (?, ?, ?, ?) RETURNING id");
	db_bind_blob(st, 1, j->hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, j->token->user_id);
	db_bind_int(st, 3, j->token->org_id);
	db_bind_int(st, 4, j->token->created_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->token->id = db_col_int(st, 0);
	buf_printf(&detail, "{\"user\":%lld}", (long long)j->token->user_id);
	rc = store_audit_append(j->s, c, j->who, "token.create", &detail, "token:%lld",
	    (long long)j->token->id);
	buf_free(&detail);
	return rc;
}

int
store_token_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], struct api_token *t)
{
	struct secret_change j = { .s = s, .who = who, .hash = hash, .token = t };

	return db_write(s->db, token_create_fn, &j);
}

int
store_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    struct api_token *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT id, user_id, org_id, created_at FROM api_token WHERE hash = ?");
	db_bind_blob(st, 1, hash, STORE_HASH_SIZE);
	if ((rc = db_row(st)) == 0) {
		out->id = db_col_int(st, 0);
		out->user_id = db_col_int(st, 1);
		out->org_id = db_col_int(st, 2);
		out->created_at = db_col_int(st, 3);
	}
	db_put(s->db, c);
	return rc;
}
