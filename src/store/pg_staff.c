/*
 * pg_staff.c - organisations, staff users, sessions and API tokens on
 * PostgreSQL (see pg_store.c for how reads and writes are run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_store.h"

/* ---- organisations ------------------------------------------------------ */

struct org_tx {
	struct pg_store *ps;
	const struct actor *who;
	struct org *org;
};

static int
org_create_tx(struct pgconn *c, void *arg)
{
	struct org_tx *j = arg;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	int rc;

	j->org->created_at = pgstore_now();
	pgq_text(&q, j->org->slug);
	pgq_text(&q, j->org->name);
	pgq_int(&q, j->org->created_at);
	rc = pgconn_insert(c, "INSERT INTO org (slug, name, created_at) VALUES ($1, $2, $3) "
	    "RETURNING id", &q, &j->org->id);
	if (rc != 0)
		return rc;
	org_audit_detail(&detail, j->org);
	rc = pgstore_audit(j->ps, c, j->who, "org.create", &detail, "org:%lld", (long long)j->org->id);
	buf_free(&detail);
	return rc;
}

int
pg_org_create(struct store *s, const struct actor *who, struct org *o)
{
	struct org_tx j = { PS(s), who, o };

	return pgpool_tx(&PS(s)->pool, org_create_tx, &j);
}

static void
org_from_row(const PGresult *r, int row, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = pg_int(r, row, 0);
	pg_text(r, row, 1, o->slug, sizeof(o->slug));
	pg_text(r, row, 2, o->name, sizeof(o->name));
	o->created_at = pg_int(r, row, 3);
}

int
pg_org_get(struct store *s, int64_t id, struct org *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_int(&q, id);
	rc = pgpool_row(&PS(s)->pool, "SELECT id, slug, name, created_at FROM org WHERE id = $1",
	    &q, &r);
	if (rc == 0) {
		org_from_row(r, 0, out);
		PQclear(r);
	}
	return rc;
}

int
pg_org_get_by_slug(struct store *s, const char *slug, struct org *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_text(&q, slug);
	rc = pgpool_row(&PS(s)->pool, "SELECT id, slug, name, created_at FROM org WHERE slug = $1",
	    &q, &r);
	if (rc == 0) {
		org_from_row(r, 0, out);
		PQclear(r);
	}
	return rc;
}

int
pg_org_each(struct store *s, store_org_fn fn, void *arg)
{
	struct org o;
	PGresult *r;
	int rc, i;

	/* COLLATE "C": the same order as SQLite's, whatever the database's locale. */
	rc = pgpool_query(&PS(s)->pool, "SELECT id, slug, name, created_at FROM org "
	    "ORDER BY name COLLATE \"C\"", NULL, &r);
	if (rc != 0)
		return rc;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		org_from_row(r, i, &o);
		rc = fn(arg, &o);
	}
	PQclear(r);
	return rc;
}

/* ---- staff users -------------------------------------------------------- */

struct user_tx {
	struct pg_store *ps;
	const struct actor *who;
	struct user *user;
	int64_t user_id;
	const char *hash;
};

static int
user_create_tx(struct pgconn *c, void *arg)
{
	struct user_tx *j = arg;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	int rc;

	j->user->created_at = pgstore_now();
	pgq_int(&q, j->user->org_id);
	pgq_text(&q, j->user->email);
	pgq_text(&q, role_name(j->user->role));
	pgq_text(&q, j->user->password_hash);
	pgq_int(&q, j->user->created_at);
	rc = pgconn_insert(c, "INSERT INTO staff_user (org_id, email, role, password_hash, "
	    "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id", &q, &j->user->id);
	if (rc != 0)
		return rc;
	user_audit_detail(&detail, j->user);
	rc = pgstore_audit(j->ps, c, j->who, "user.create", &detail, "user:%lld",
	    (long long)j->user->id);
	buf_free(&detail);
	return rc;
}

int
pg_user_create(struct store *s, const struct actor *who, struct user *u)
{
	struct user_tx j = { .ps = PS(s), .who = who, .user = u };

	return pgpool_tx(&PS(s)->pool, user_create_tx, &j);
}

static void
user_from_row(const PGresult *r, struct user *out)
{
	char role[32];

	memset(out, 0, sizeof(*out));
	out->id = pg_int(r, 0, 0);
	out->org_id = pg_int(r, 0, 1);
	pg_text(r, 0, 2, out->email, sizeof(out->email));
	pg_text(r, 0, 3, role, sizeof(role));
	if (role_parse(str_c(role), &out->role) != 0)
		out->role = ROLE_VIEWER; /* unknown role: least privilege */
	pg_text(r, 0, 4, out->password_hash, sizeof(out->password_hash));
	out->created_at = pg_int(r, 0, 5);
}

int
pg_user_get(struct store *s, int64_t id, struct user *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_int(&q, id);
	rc = pgpool_row(&PS(s)->pool, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE id = $1", &q, &r);
	if (rc == 0) {
		user_from_row(r, out);
		PQclear(r);
	}
	return rc;
}

int
pg_user_get_by_email(struct store *s, const char *email, struct user *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_text(&q, email);
	rc = pgpool_row(&PS(s)->pool, "SELECT id, org_id, email, role, password_hash, created_at "
	    "FROM staff_user WHERE email = $1", &q, &r);
	if (rc == 0) {
		user_from_row(r, out);
		PQclear(r);
	}
	return rc;
}

static int
user_passwd_tx(struct pgconn *c, void *arg)
{
	struct user_tx *j = arg;
	struct pgq q = { 0 };
	PGresult *r;
	int rc, changed;

	pgq_text(&q, j->hash);
	pgq_int(&q, j->user_id);
	rc = pgconn_run(c, "UPDATE staff_user SET password_hash = $1 WHERE id = $2", &q, &r);
	if (rc != 0)
		return rc;
	changed = atoi(PQcmdTuples(r));
	PQclear(r);
	if (changed == 0)
		return ERR_NOTFOUND;
	/* A new password ends every session of that user. */
	memset(&q, 0, sizeof(q));
	pgq_int(&q, j->user_id);
	if ((rc = pgconn_run(c, "DELETE FROM session WHERE user_id = $1", &q, NULL)) != 0)
		return rc;
	return pgstore_audit(j->ps, c, j->who, "user.password", NULL, "user:%lld",
	    (long long)j->user_id);
}

int
pg_user_set_password(struct store *s, const struct actor *who, int64_t user_id, const char *hash)
{
	struct user_tx j = { .ps = PS(s), .who = who, .user_id = user_id, .hash = hash };

	return pgpool_tx(&PS(s)->pool, user_passwd_tx, &j);
}

/* ---- sessions and tokens ------------------------------------------------ */

struct secret_tx {
	struct pg_store *ps;
	const struct actor *who;
	const unsigned char *hash;
	const struct session *sess;
	struct api_token *token;
};

static int
session_create_tx(struct pgconn *c, void *arg)
{
	struct secret_tx *j = arg;
	struct pgq q = { 0 };
	int rc;

	/* Expired sessions are swept whenever a new one starts. */
	pgq_int(&q, pgstore_now());
	if ((rc = pgconn_run(c, "DELETE FROM session WHERE expires_at < $1", &q, NULL)) != 0)
		return rc;
	memset(&q, 0, sizeof(q));
	pgq_bytes(&q, j->hash, STORE_HASH_SIZE);
	pgq_int(&q, j->sess->user_id);
	pgq_text(&q, j->sess->csrf);
	pgq_int(&q, j->sess->expires_at);
	return pgconn_run(c, "INSERT INTO session (hash, user_id, csrf, expires_at) "
	    "VALUES ($1, $2, $3, $4)", &q, NULL);
}

int
pg_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess)
{
	struct secret_tx j = { .ps = PS(s), .hash = hash, .sess = sess };

	return pgpool_tx(&PS(s)->pool, session_create_tx, &j);
}

int
pg_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct session *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_bytes(&q, hash, STORE_HASH_SIZE);
	pgq_int(&q, now);
	rc = pgpool_row(&PS(s)->pool, "SELECT user_id, csrf, expires_at FROM session "
	    "WHERE hash = $1 AND expires_at > $2", &q, &r);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		out->user_id = pg_int(r, 0, 0);
		pg_text(r, 0, 1, out->csrf, sizeof(out->csrf));
		out->expires_at = pg_int(r, 0, 2);
		PQclear(r);
	}
	return rc;
}

int
pg_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE])
{
	struct pgq q = { 0 };

	pgq_bytes(&q, hash, STORE_HASH_SIZE);
	return pgpool_query(&PS(s)->pool, "DELETE FROM session WHERE hash = $1", &q, NULL);
}

static int
token_create_tx(struct pgconn *c, void *arg)
{
	struct secret_tx *j = arg;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	int rc;

	j->token->created_at = pgstore_now();
	pgq_bytes(&q, j->hash, STORE_HASH_SIZE);
	pgq_int(&q, j->token->user_id);
	pgq_int(&q, j->token->org_id);
	pgq_int(&q, j->token->created_at);
	rc = pgconn_insert(c, "INSERT INTO api_token (hash, user_id, org_id, created_at) "
	    "VALUES ($1, $2, $3, $4) RETURNING id", &q, &j->token->id);
	if (rc != 0)
		return rc;
	buf_printf(&detail, "{\"user\":%lld}", (long long)j->token->user_id);
	rc = pgstore_audit(j->ps, c, j->who, "token.create", &detail, "token:%lld",
	    (long long)j->token->id);
	buf_free(&detail);
	return rc;
}

int
pg_token_create(struct store *s, const struct actor *who, const unsigned char hash[STORE_HASH_SIZE],
    struct api_token *t)
{
	struct secret_tx j = { .ps = PS(s), .who = who, .hash = hash, .token = t };

	return pgpool_tx(&PS(s)->pool, token_create_tx, &j);
}

int
pg_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], struct api_token *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_bytes(&q, hash, STORE_HASH_SIZE);
	rc = pgpool_row(&PS(s)->pool, "SELECT id, user_id, org_id, created_at FROM api_token "
	    "WHERE hash = $1", &q, &r);
	if (rc == 0) {
		out->id = pg_int(r, 0, 0);
		out->user_id = pg_int(r, 0, 1);
		out->org_id = pg_int(r, 0, 2);
		out->created_at = pg_int(r, 0, 3);
		PQclear(r);
	}
	return rc;
}
