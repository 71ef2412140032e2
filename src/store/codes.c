/*
 * codes.c - the single-use codes of polls answered with a code (see
 * store.h).  Codes are kept only as keyed hashes, in batches; a code is
 * deleted when a ballot uses it (ballots.c), and a batch's unused codes
 * when it is withdrawn.
 */
#include <string.h>

#include "store_priv.h"

struct codes_job {
	struct store *s;
	const struct actor *who;
	int64_t poll_id, batch_id, now;
	const unsigned char (*hashes)[SECRET_HASH_BYTES];
	int n;
	struct errors *e;
};

/* The poll of the actor's organisation, locked for the change. */
static int
lock_own_poll(struct db_conn *c, const struct actor *who, int64_t poll_id, struct poll *p)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT opens_at, closes_at, closed_at, who_can_answer FROM poll "
	    "WHERE id = ? AND org_id = ? FOR UPDATE");
	db_bind_int(st, 1, poll_id);
	db_bind_int(st, 2, who->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	memset(p, 0, sizeof(*p));
	p->id = poll_id;
	p->opens_at = db_col_int(st, 0);
	p->closes_at = db_col_int(st, 1);
	p->closed_at = db_col_int(st, 2);
	if (poll_who_parse(db_col_text(st, 3), &p->who) != 0)
		p->who = POLL_WHO_ANYONE;
	return 0;
}

static int
codes_add_fn(struct db_conn *c, void *arg)
{
	struct codes_job *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	struct poll p;
	int i, rc;

	if ((rc = lock_own_poll(c, j->who, j->poll_id, &p)) != 0)
		return rc;
	if (p.who != POLL_WHO_CODE) {
		errors_add(j->e, "poll", "This poll can be answered by anyone: change who can answer "
		    "it to people with a code first");
		return ERR_CONFLICT;
	}
	if (poll_status(&p, j->now) == POLL_CLOSED) {
		errors_add(j->e, "poll", "This poll has closed");
		return ERR_CONFLICT;
	}
	st = db_prepare(c, "INSERT INTO poll_code_batch (poll_id, created_at, issued) "
	    "VALUES (?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->poll_id);
	db_bind_int(st, 2, j->now);
	db_bind_int(st, 3, j->n);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->batch_id = db_col_int(st, 0);
	for (i = 0; i < j->n; i++) {
		st = db_prepare(c, "INSERT INTO poll_code (hash, poll_id, batch_id) VALUES (?, ?, ?)");
		db_bind_blob(st, 1, j->hashes[i], SECRET_HASH_BYTES);
		db_bind_int(st, 2, j->poll_id);
		db_bind_int(st, 3, j->batch_id);
		if ((rc = db_exec(st)) != 0)
			return rc; /* two equal codes: 2^-49 a pair; the caller tries again */
	}
	buf_printf(&detail, "{\"batch\":%lld,\"codes\":%d}", (long long)j->batch_id, j->n);
	rc = store_audit_append(j->s, c, j->who, "poll.codes", &detail, "poll:%lld",
	    (long long)j->poll_id);
	buf_free(&detail);
	return rc;
}

int
store_poll_codes_add(struct store *s, const struct actor *who, int64_t poll_id,
    const unsigned char (*hashes)[SECRET_HASH_BYTES], int n, int64_t now, int64_t *batch_id,
    struct errors *e)
{
	struct codes_job j = { .s = s, .who = who, .poll_id = poll_id, .hashes = hashes, .n = n,
		.now = now, .e = e };
	int rc = db_write(s->db, codes_add_fn, &j);

	*batch_id = rc == 0 ? j.batch_id : 0;
	return rc;
}

int
store_poll_code_batches(struct store *s, int64_t poll_id, store_batch_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct code_batch b;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT id, created_at, issued, used, withdrawn_at FROM poll_code_batch "
	    "WHERE poll_id = ? ORDER BY id");
	db_bind_int(st, 1, poll_id);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&b, 0, sizeof(b));
		b.id = db_col_int(st, 0);
		b.poll_id = poll_id;
		b.created_at = db_col_int(st, 1);
		b.issued = db_col_int(st, 2);
		b.used = db_col_int(st, 3);
		b.withdrawn_at = db_col_int(st, 4);
		if ((rc = fn(arg, &b)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

int
store_code_batch_withdraw(struct db_conn *c, const struct code_batch_sql *q, int64_t owner_id,
    int64_t batch_id, int64_t now)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, q->mark);
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, batch_id);
	db_bind_int(st, 3, owner_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) > 0)
		return 0;
	st = db_prepare(c, q->exists);
	db_bind_int(st, 1, batch_id);
	db_bind_int(st, 2, owner_id);
	rc = db_row(st);
	return rc == 0 ? ERR_CONFLICT : rc;
}

static int
codes_withdraw_fn(struct db_conn *c, void *arg)
{
	struct codes_job *j = arg;
	struct db_stmt *st;
	struct poll p;
	int rc;

	static const struct code_batch_sql q = {
		"UPDATE poll_code_batch SET withdrawn_at = ? "
		"WHERE id = ? AND poll_id = ? AND withdrawn_at = 0",
		"SELECT 1 FROM poll_code_batch WHERE id = ? AND poll_id = ?",
	};

	if ((rc = lock_own_poll(c, j->who, j->poll_id, &p)) != 0)
		return rc;
	if ((rc = store_code_batch_withdraw(c, &q, j->poll_id, j->batch_id, j->now)) != 0)
		return rc;
	st = db_prepare(c, "DELETE FROM poll_code WHERE batch_id = ?");
	db_bind_int(st, 1, j->batch_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "poll.codes_withdraw", NULL, "batch:%lld",
	    (long long)j->batch_id);
}

int
store_poll_codes_withdraw(struct store *s, const struct actor *who, int64_t poll_id,
    int64_t batch_id, int64_t now)
{
	struct codes_job j = { .s = s, .who = who, .poll_id = poll_id, .batch_id = batch_id,
		.now = now };

	return db_write(s->db, codes_withdraw_fn, &j);
}
