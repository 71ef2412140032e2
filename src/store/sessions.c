/*
 * sessions.c - staff sessions and API tokens (see store.h): found by a
 * keyed hash of their secret, ended by time, by sign-out, by revocation,
 * and whenever their user's password changes or the account is disabled.
 *
 * Nothing here is cached: every request reads its session or token from
 * the database, so an ending made on one app server holds on every other
 * at once.
 */
#include <stdio.h>
#include <string.h>

#include "involve/text.h"
#include "store_priv.h"

/* last_seen_at is written at most this often (seconds): a session's idle
 * timeout is then exact to within a minute, and a busy page does not cost
 * a write per request.  A short idle timeout has its session written more
 * often (store_session_touch). */
#define SESSION_TOUCH_EVERY 60

struct secret_change {
	struct store *s;
	const struct actor *who;
	const unsigned char *hash;
	const unsigned char *old_hash;
	const struct session *sess;
	struct api_token *token;
	int64_t now;
	int64_t org_id, id;
};

static int
session_insert(struct db_conn *c, const unsigned char *hash, const struct session *sess,
    int64_t now)
{
	struct db_stmt *st;
	int rc;

	/* Ended sessions are swept whenever a new one starts. */
	st = db_prepare(c, "DELETE FROM session WHERE expires_at < ?");
	db_bind_int(st, 1, now);
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "INSERT INTO session (hash, user_id, csrf, expires_at, last_seen_at, mfa) "
	    "VALUES (?, ?, ?, ?, ?, ?)");
	db_bind_blob(st, 1, hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, sess->user_id);
	db_bind_text(st, 3, str_c(sess->csrf));
	db_bind_int(st, 4, sess->expires_at);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, sess->mfa);
	return db_exec(st);
}

static int
session_create_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st;
	int rc;

	/* Signing in again from a browser with a session: the old id ends,
	 * so an id someone planted before the sign-in opens nothing after. */
	if (j->old_hash != NULL) {
		st = db_prepare(c, "DELETE FROM session WHERE hash = ?");
		db_bind_blob(st, 1, j->old_hash, STORE_HASH_SIZE);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	if ((rc = session_insert(c, j->hash, j->sess, j->now)) != 0 || j->who == NULL)
		return rc;
	return store_audit_append(j->s, c, j->who, "signin", NULL, "user:%lld",
	    (long long)j->sess->user_id);
}

int
store_session_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], const unsigned char *old_hash,
    const struct session *sess, int64_t now)
{
	struct secret_change j = { .s = s, .who = who, .hash = hash, .old_hash = old_hash,
		.sess = sess, .now = now };

	return db_write(s->db, session_create_fn, &j);
}

int
store_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    int idle, struct session *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	/* A disabled account's sessions are deleted when it is disabled; the
	 * join refuses them all the same, should one be made after. */
	st = db_prepare(c, "SELECT s.user_id, s.csrf, s.expires_at, s.last_seen_at, s.mfa "
	    "FROM session s JOIN staff_user u ON u.id = s.user_id "
	    "WHERE s.hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled_at = 0");
	db_bind_blob(st, 1, hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - idle);
	if ((rc = db_row(st)) == 0) {
		memset(out, 0, sizeof(*out));
		out->user_id = db_col_int(st, 0);
		text_copy(out->csrf, sizeof(out->csrf), db_col_text(st, 1));
		out->expires_at = db_col_int(st, 2);
		out->last_seen_at = db_col_int(st, 3);
		out->mfa = (int)db_col_int(st, 4);
	}
	db_put(s->db, c);
	return rc;
}

static int
session_touch_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st = db_prepare(c, "UPDATE session SET last_seen_at = ? WHERE hash = ?");

	db_bind_int(st, 1, j->now);
	db_bind_blob(st, 2, j->hash, STORE_HASH_SIZE);
	return db_exec(st);
}

int
store_session_touch(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess, int64_t now, int idle)
{
	struct secret_change j = { .s = s, .hash = hash, .now = now };
	/* last_seen_at lags the last use by up to `every` seconds, so `every`
	 * must be well inside the idle timeout: written once a minute, a
	 * session with a one-minute timeout would end a minute after signing
	 * in however busy it was.  A quarter of the timeout, when that is
	 * under a minute, ends an unused session at most that much early. */
	int every = idle / 4 < SESSION_TOUCH_EVERY ? idle / 4 : SESSION_TOUCH_EVERY;

	if (now - sess->last_seen_at < every)
		return 0;
	return db_write(s->db, session_touch_fn, &j);
}

static int
session_delete_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st = db_prepare(c, "DELETE FROM session WHERE hash = ?");
	int rc;

	db_bind_blob(st, 1, j->hash, STORE_HASH_SIZE);
	if ((rc = db_exec(st)) != 0 || j->who == NULL)
		return rc;
	return store_audit_append(j->s, c, j->who, "signin.signout", NULL, "user:%lld",
	    (long long)j->who->user_id);
}

int
store_session_delete(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE])
{
	struct secret_change j = { .s = s, .who = who, .hash = hash };

	return db_write(s->db, session_delete_fn, &j);
}

/* ---- API tokens ------------------------------------------------------------------- */

static int
token_create_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->token->created_at = store_now();
	st = db_prepare(c, "INSERT INTO api_token (hash, user_id, org_id, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, ?) RETURNING id");
	db_bind_blob(st, 1, j->hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, j->token->user_id);
	db_bind_int(st, 3, j->token->org_id);
	db_bind_int(st, 4, j->token->created_at);
	db_bind_int(st, 5, j->token->expires_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->token->id = db_col_int(st, 0);
	buf_printf(&detail, "{\"user\":%lld,\"expires_at\":%lld}", (long long)j->token->user_id,
	    (long long)j->token->expires_at);
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

#define TOKEN_COLUMNS "t.id, t.user_id, t.org_id, t.created_at, t.expires_at, t.last_used_at, " \
	"t.revoked_at, u.email"

static void
token_from_row(struct db_stmt *st, struct api_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = db_col_int(st, 0);
	t->user_id = db_col_int(st, 1);
	t->org_id = db_col_int(st, 2);
	t->created_at = db_col_int(st, 3);
	t->expires_at = db_col_int(st, 4);
	t->last_used_at = db_col_int(st, 5);
	t->revoked_at = db_col_int(st, 6);
	text_copy(t->email, sizeof(t->email), db_col_text(st, 7));
}

int
store_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct api_token *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " TOKEN_COLUMNS " FROM api_token t "
	    "JOIN staff_user u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at = 0 "
	    "AND (t.expires_at = 0 OR t.expires_at > ?) AND u.disabled_at = 0");
	db_bind_blob(st, 1, hash, STORE_HASH_SIZE);
	db_bind_int(st, 2, now);
	if ((rc = db_row(st)) == 0)
		token_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

static int
token_used_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st = db_prepare(c, "UPDATE api_token SET last_used_at = ? WHERE id = ?");

	db_bind_int(st, 1, j->now);
	db_bind_int(st, 2, j->id);
	return db_exec(st);
}

int
store_token_used(struct store *s, const struct api_token *t, int64_t now)
{
	struct secret_change j = { .s = s, .id = t->id, .now = now };

	if (now - t->last_used_at < SESSION_TOUCH_EVERY)
		return 0;
	return db_write(s->db, token_used_fn, &j);
}

int
store_token_each(struct store *s, int64_t org_id, int64_t user_id, store_token_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	struct api_token t;
	int rc;

	st = db_prepare(c, "SELECT " TOKEN_COLUMNS " FROM api_token t "
	    "JOIN staff_user u ON u.id = t.user_id WHERE t.org_id = ? AND (? = 0 OR t.user_id = ?) "
	    "ORDER BY t.id");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, user_id);
	while ((rc = db_step(st)) == DB_ROW) {
		token_from_row(st, &t);
		if ((rc = fn(arg, &t)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

static int
token_revoke_fn(struct db_conn *c, void *arg)
{
	struct secret_change *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT revoked_at FROM api_token WHERE id = ? AND org_id = ?");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, j->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (db_col_int(st, 0) != 0)
		return ERR_CONFLICT;
	st = db_prepare(c, "UPDATE api_token SET revoked_at = ? WHERE id = ?");
	db_bind_int(st, 1, j->now);
	db_bind_int(st, 2, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "token.revoke", NULL, "token:%lld",
	    (long long)j->id);
}

int
store_token_revoke(struct store *s, const struct actor *who, int64_t org_id, int64_t id,
    int64_t now)
{
	struct secret_change j = { .s = s, .who = who, .org_id = org_id, .id = id, .now = now };

	return db_write(s->db, token_revoke_fn, &j);
}
