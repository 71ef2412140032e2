/*
 * mfa.c - staff's second factor (see store.h): the sealed secret, the last
 * time step accepted, and the recovery codes as keyed hashes.
 *
 * "A code works once" is decided by the database, not by the app server
 * that checks it: accepting a step is one UPDATE that succeeds only when
 * the step is newer than the last one accepted, and using a recovery code
 * is one DELETE that succeeds only for the first to try.
 */
#include <string.h>

#include "store_priv.h"

struct mfa_job {
	struct store *s;
	const struct actor *who;
	int64_t org_id, user_id, step, now;
	const unsigned char *bytes;
	size_t n;
	const unsigned char (*codes)[SECRET_HASH_BYTES];
	int code_n;
	int64_t left;
};

static int
recovery_replace(struct db_conn *c, struct mfa_job *j)
{
	struct db_stmt *st;
	int i, rc;

	st = db_prepare(c, "DELETE FROM recovery_code WHERE user_id = ?");
	db_bind_int(st, 1, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	for (i = 0; i < j->code_n; i++) {
		st = db_prepare(c, "INSERT INTO recovery_code (user_id, hash) VALUES (?, ?)");
		db_bind_int(st, 1, j->user_id);
		db_bind_blob(st, 2, j->codes[i], SECRET_HASH_BYTES);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	return 0;
}

static int
mfa_enable_fn(struct db_conn *c, void *arg)
{
	struct mfa_job *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE staff_user SET mfa_secret = ?, mfa_on = ?, mfa_step = ? "
	    "WHERE id = ? AND mfa_on = 0");
	db_bind_blob(st, 1, j->bytes, j->n);
	db_bind_int(st, 2, j->now);
	db_bind_int(st, 3, j->step);
	db_bind_int(st, 4, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) != 1)
		return ERR_CONFLICT;
	if ((rc = recovery_replace(c, j)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "mfa.enable", NULL, "user:%lld",
	    (long long)j->user_id);
}

int
store_mfa_enable(struct store *s, const struct actor *who, int64_t user_id,
    const unsigned char *sealed, size_t n, int64_t step,
    const unsigned char codes[][SECRET_HASH_BYTES], int code_n, int64_t now)
{
	struct mfa_job j = { .s = s, .who = who, .user_id = user_id, .bytes = sealed, .n = n,
		.step = step, .codes = codes, .code_n = code_n, .now = now };

	return db_write(s->db, mfa_enable_fn, &j);
}

static int
mfa_step_fn(struct db_conn *c, void *arg)
{
	struct mfa_job *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE staff_user SET mfa_step = ? WHERE id = ? AND mfa_on <> 0 "
	    "AND mfa_step < ?");
	db_bind_int(st, 1, j->step);
	db_bind_int(st, 2, j->user_id);
	db_bind_int(st, 3, j->step);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return db_changes(st) == 1 ? 0 : ERR_DENIED;
}

int
store_mfa_use_step(struct store *s, int64_t user_id, int64_t step)
{
	struct mfa_job j = { .s = s, .user_id = user_id, .step = step };

	return db_write(s->db, mfa_step_fn, &j);
}

static int
mfa_recovery_fn(struct db_conn *c, void *arg)
{
	struct mfa_job *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "DELETE FROM recovery_code WHERE user_id = ? AND hash = ?");
	db_bind_int(st, 1, j->user_id);
	db_bind_blob(st, 2, j->bytes, SECRET_HASH_BYTES);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) != 1)
		return ERR_DENIED;
	st = db_prepare(c, "SELECT count(*) FROM recovery_code WHERE user_id = ?");
	db_bind_int(st, 1, j->user_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->left = db_col_int(st, 0);
	buf_printf(&detail, "{\"codes_left\":%lld}", (long long)j->left);
	rc = store_audit_append(j->s, c, j->who, "mfa.recovery_code", &detail, "user:%lld",
	    (long long)j->user_id);
	buf_free(&detail);
	return rc;
}

int
store_mfa_use_recovery(struct store *s, const struct actor *who, int64_t user_id,
    const unsigned char hash[SECRET_HASH_BYTES], int *left)
{
	struct mfa_job j = { .s = s, .who = who, .user_id = user_id, .bytes = hash };
	int rc = db_write(s->db, mfa_recovery_fn, &j);

	if (left)
		*left = (int)j.left;
	return rc;
}

static int
mfa_reset_fn(struct db_conn *c, void *arg)
{
	struct mfa_job *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE staff_user SET mfa_on = 0, mfa_step = 0, mfa_secret = ? "
	    "WHERE id = ? AND (? = 0 OR org_id = ?)");
	db_bind_blob(st, 1, (const unsigned char *)"", 0);
	db_bind_int(st, 2, j->user_id);
	db_bind_int(st, 3, j->org_id);
	db_bind_int(st, 4, j->org_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) != 1)
		return ERR_NOTFOUND;
	if ((rc = recovery_replace(c, j)) != 0) /* no codes: all deleted */
		return rc;
	/* Whoever holds a session of this account signs in again. */
	st = db_prepare(c, "DELETE FROM session WHERE user_id = ?");
	db_bind_int(st, 1, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "mfa.reset", NULL, "user:%lld",
	    (long long)j->user_id);
}

int
store_mfa_reset(struct store *s, const struct actor *who, int64_t org_id, int64_t user_id)
{
	struct mfa_job j = { .s = s, .who = who, .org_id = org_id, .user_id = user_id };

	return db_write(s->db, mfa_reset_fn, &j);
}

int
store_mfa_recovery_left(struct store *s, int64_t user_id, int *left)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT count(*) FROM recovery_code WHERE user_id = ?");
	db_bind_int(st, 1, user_id);
	if ((rc = db_row(st)) == 0)
		*left = (int)db_col_int(st, 0);
	db_put(s->db, c);
	return rc;
}
