/*
 * throttle.c - counts of failures shared by every app server (see
 * signin.h for what sign-in counts, store.h for the calls).
 *
 * A count is one row, found by a keyed hash, living until its window ends
 * (until_at); a failure after that starts a new window.  Rows whose window
 * has passed are deleted as failures are counted (and by
 * store_housekeep), so the table holds only counts that still matter.
 */
#include <string.h>

#include "store_priv.h"

int
store_throttle_until(struct store *s, const struct throttle_count *counts, int n, int64_t now,
    int64_t *until)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int i, rc = 0;

	*until = 0;
	for (i = 0; i < n && rc == 0; i++) {
		st = db_prepare(c, "SELECT n, until_at FROM throttle WHERE key = ? AND until_at > ?");
		db_bind_blob(st, 1, counts[i].key, SECRET_HASH_BYTES);
		db_bind_int(st, 2, now);
		rc = db_row(st);
		if (rc == 0 && db_col_int(st, 0) >= counts[i].limit && db_col_int(st, 1) > *until)
			*until = db_col_int(st, 1);
		if (rc == ERR_NOTFOUND)
			rc = 0;
	}
	db_put(s->db, c);
	return rc;
}

struct throttle_job {
	struct store *s;
	const struct actor *who;
	const char *action, *target;
	const struct throttle_count *counts;
	const unsigned char *subject;
	int n;
	int64_t now;
	int64_t until;
	int lifted;
};

static int
throttle_fail_fn(struct db_conn *c, void *arg)
{
	struct throttle_job *j = arg;
	struct db_stmt *st;
	bool reached = false;
	int64_t count, ends;
	int i, rc;

	st = db_prepare(c, "DELETE FROM throttle WHERE until_at <= ?");
	db_bind_int(st, 1, j->now);
	if ((rc = db_exec(st)) != 0)
		return rc;
	j->until = 0;
	for (i = 0; i < j->n; i++) {
		st = db_prepare(c, "INSERT INTO throttle (key, subject, n, until_at) VALUES (?, ?, 1, ?) "
		    "ON CONFLICT (key) DO UPDATE SET n = throttle.n + 1 RETURNING n, until_at");
		db_bind_blob(st, 1, j->counts[i].key, SECRET_HASH_BYTES);
		db_bind_blob(st, 2, j->counts[i].subject, SECRET_HASH_BYTES);
		db_bind_int(st, 3, j->now + j->counts[i].window);
		if ((rc = db_row(st)) != 0)
			return rc;
		count = db_col_int(st, 0);
		ends = db_col_int(st, 1);
		if (count >= j->counts[i].limit && ends > j->until)
			j->until = ends;
		reached |= count == j->counts[i].limit;
	}
	if ((rc = store_audit_append(j->s, c, j->who, j->action, NULL, "%s", j->target)) != 0)
		return rc;
	if (reached) {
		struct buf detail = BUF_INIT;

		buf_printf(&detail, "{\"until\":%lld}", (long long)j->until);
		rc = store_audit_append(j->s, c, j->who, "signin.throttle", &detail, "%s", j->target);
		buf_free(&detail);
	}
	return rc;
}

int
store_throttle_fail(struct store *s, const struct actor *who, const char *action,
    const char *target, const struct throttle_count *counts, int n, int64_t now, int64_t *until)
{
	struct throttle_job j = { .s = s, .who = who, .action = action, .target = target,
		.counts = counts, .n = n, .now = now };
	int rc = db_write(s->db, throttle_fail_fn, &j);

	*until = j.until;
	return rc;
}

static int
throttle_forget_fn(struct db_conn *c, void *arg)
{
	struct throttle_job *j = arg;
	struct db_stmt *st = db_prepare(c, "DELETE FROM throttle WHERE key = ?");

	db_bind_blob(st, 1, j->counts[0].key, SECRET_HASH_BYTES);
	return db_exec(st);
}

int
store_throttle_forget(struct store *s, const struct throttle_count *count)
{
	struct throttle_job j = { .s = s, .counts = count, .n = 1 };

	return db_write(s->db, throttle_forget_fn, &j);
}

static int
throttle_lift_fn(struct db_conn *c, void *arg)
{
	struct throttle_job *j = arg;
	struct db_stmt *st = db_prepare(c, "DELETE FROM throttle WHERE subject = ?");
	int rc;

	db_bind_blob(st, 1, j->subject, SECRET_HASH_BYTES);
	if ((rc = db_exec(st)) != 0)
		return rc;
	j->lifted = (int)db_changes(st);
	return store_audit_append(j->s, c, j->who, "signin.lift", NULL, "%s", j->target);
}

int
store_throttle_lift(struct store *s, const struct actor *who, const char *target,
    const unsigned char subject[SECRET_HASH_BYTES], int *lifted)
{
	struct throttle_job j = { .s = s, .who = who, .target = target, .subject = subject };
	int rc = db_write(s->db, throttle_lift_fn, &j);

	if (lifted)
		*lifted = j.lifted;
	return rc;
}
