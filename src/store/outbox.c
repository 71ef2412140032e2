/*
 * outbox.c - mail waiting to be sent, and what became of it (see
 * store_outbox.h for the steps that make a message go at most once, and
 * data/migrations/005_outbox.sql for its states).
 *
 * Every step is one conditional UPDATE that names the state it expects
 * and, once a worker holds a message, the worker (lease_owner): the
 * database decides who holds a message, not any app server, as mfa.c's
 * "a code works once" does.  On PostgreSQL under READ COMMITTED, an UPDATE
 * that finds a row changed by another server's committed claim checks its
 * conditions again against the new row, so the second claim takes nothing.
 */
#include <stdio.h>
#include <string.h>

#include "involve/store_outbox.h"
#include "involve/text.h"
#include "store_priv.h"

static const char *const state_names[OUTBOX_STATE_N] = {
	"queued", "claimed", "sending", "sent", "failed", "unknown",
};

const char *
outbox_state_name(enum outbox_state st)
{
	return (unsigned)st < OUTBOX_STATE_N ? state_names[st] : "unknown";
}

int
outbox_state_parse(struct str s, enum outbox_state *out)
{
	int i;

	for (i = 0; i < OUTBOX_STATE_N; i++) {
		if (str_eq_c(s, state_names[i])) {
			*out = (enum outbox_state)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

/* ---- queueing ------------------------------------------------------------------------- */

int
store_outbox_add_tx(struct db_conn *c, const struct outbox_new *m, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if (m->recipient_n == 0 || m->recipient_n > OUTBOX_SEALED_MAX)
		return ERR_INVALID;
	st = db_prepare(c, "INSERT INTO outbox (org_id, kind, recipient, subject, body, created_at, "
	    "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, m->org_id);
	db_bind_text(st, 2, m->kind);
	db_bind_blob(st, 3, m->recipient, m->recipient_n);
	db_bind_text(st, 4, m->subject);
	db_bind_text(st, 5, m->body);
	db_bind_int(st, 6, m->now);
	db_bind_int(st, 7, m->now);
	if ((rc = db_row(st)) != 0)
		return rc;
	*id = db_col_int(st, 0);
	return 0;
}

struct add_job {
	struct store *s;
	const struct actor *who;
	const struct outbox_new *m;
	int64_t id;
};

static int
add_fn(struct db_conn *c, void *arg)
{
	struct add_job *j = arg;
	struct buf detail = BUF_INIT;
	int rc;

	if ((rc = store_outbox_add_tx(c, j->m, &j->id)) != 0 || j->who == NULL)
		return rc;
	buf_add_c(&detail, "{\"kind\":");
	buf_add_json_string(&detail, j->m->kind);
	buf_addch(&detail, '}');
	rc = store_audit_append(j->s, c, j->who, "mail.queue", &detail, "mail:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
store_outbox_add(struct store *s, const struct actor *who, const struct outbox_new *m,
    int64_t *id)
{
	struct add_job j = { .s = s, .who = who, .m = m };
	int rc = db_write(s->db, add_fn, &j);

	if (rc == 0)
		*id = j.id;
	return rc;
}

/* ---- leases ---------------------------------------------------------------------------------- */

static const char lease_lapsed[] = "the server sending it stopped before it knew the outcome; "
    "it may have been delivered";

/* Claims nobody started go back to the queue; attempts nobody finished
 * become unknown (the message may have gone: never sent again by itself). */
static int
leases_end(struct db_conn *c, int64_t now)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE outbox SET state = 'queued', lease_owner = '', lease_until = 0 "
	    "WHERE state = 'claimed' AND lease_until <= ?");
	db_bind_int(st, 1, now);
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "UPDATE outbox SET state = 'unknown', last_error = ? "
	    "WHERE state = 'sending' AND lease_until <= ?");
	db_bind_text(st, 1, STR_LIT(lease_lapsed));
	db_bind_int(st, 2, now);
	return db_exec(st);
}

/* ---- claiming and sending ------------------------------------------------------------------ */

struct claim_job {
	struct arena *a;
	const char *owner;
	int64_t now, until;
	int limit;
	struct outbox_message *list;
	int n;
};

static int
claim_fn(struct db_conn *c, void *arg)
{
	struct claim_job *j = arg;
	struct outbox_message *m;
	struct db_stmt *st;
	int rc;

	j->n = 0; /* run again after a lost race: start afresh */
	if ((rc = leases_end(c, j->now)) != 0)
		return rc;
	/* The subquery picks the oldest due; "AND state = 'queued'" is checked
	 * again against each row as it is changed, so a row another server
	 * claimed meanwhile is left alone. */
	st = db_prepare(c, "UPDATE outbox SET state = 'claimed', lease_owner = ?, lease_until = ? "
	    "WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ? "
	    "ORDER BY next_attempt_at, id LIMIT ?) AND state = 'queued'");
	db_bind_text(st, 1, str_c(j->owner));
	db_bind_int(st, 2, j->until);
	db_bind_int(st, 3, j->now);
	db_bind_int(st, 4, j->limit);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return 0;
	j->list = arena_array(j->a, OUTBOX_CLAIM_MAX, sizeof(*j->list));
	if (j->list == NULL)
		return ERR_NOMEM;
	st = db_prepare(c, "SELECT m.id, m.org_id, o.name, m.kind, m.recipient, m.subject, m.body, "
	    "m.attempts, m.created_at FROM outbox m JOIN org o ON o.id = m.org_id "
	    "WHERE m.state = 'claimed' AND m.lease_owner = ? ORDER BY m.next_attempt_at, m.id "
	    "LIMIT ?");
	db_bind_text(st, 1, str_c(j->owner));
	db_bind_int(st, 2, OUTBOX_CLAIM_MAX);
	while ((rc = db_step(st)) == DB_ROW) {
		m = &j->list[j->n];
		m->id = db_col_int(st, 0);
		m->org_id = db_col_int(st, 1);
		m->org_name = arena_str(j->a, db_col_text(st, 2));
		m->kind = arena_str(j->a, db_col_text(st, 3));
		m->recipient = arena_str(j->a, db_col_blob(st, 4));
		m->subject = arena_str(j->a, db_col_text(st, 5));
		m->body = arena_str(j->a, db_col_text(st, 6));
		m->attempts = (int)db_col_int(st, 7);
		m->created_at = db_col_int(st, 8);
		if (m->org_name.p == NULL || m->kind.p == NULL || m->recipient.p == NULL ||
		    m->subject.p == NULL || m->body.p == NULL)
			return ERR_NOMEM;
		j->n++;
	}
	return rc < 0 ? rc : 0;
}

int
store_outbox_claim(struct store *s, struct arena *a, const char *owner, int64_t now,
    int64_t until, int limit, struct outbox_message **out, int *n)
{
	struct claim_job j = { .a = a, .owner = owner, .now = now, .until = until };
	int rc;

	*out = NULL;
	*n = 0;
	if (owner[0] == '\0' || strlen(owner) > OUTBOX_OWNER_MAX)
		return ERR_INVALID;
	j.limit = limit < 1 ? 1 : limit > OUTBOX_CLAIM_MAX ? OUTBOX_CLAIM_MAX : limit;
	if ((rc = db_write(s->db, claim_fn, &j)) != 0)
		return rc;
	*out = j.list;
	*n = j.n;
	return 0;
}

struct step_job {
	int64_t id;
	const char *owner;
	int64_t now, until, next_at;
	enum outbox_state to;
	const char *error;
	int attempt;
};

static int
start_fn(struct db_conn *c, void *arg)
{
	struct step_job *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
	    "last_attempt_at = ?, lease_until = ? WHERE id = ? AND state = 'claimed' "
	    "AND lease_owner = ? RETURNING attempts");
	db_bind_int(st, 1, j->now);
	db_bind_int(st, 2, j->until);
	db_bind_int(st, 3, j->id);
	db_bind_text(st, 4, str_c(j->owner));
	rc = db_row(st);
	if (rc == ERR_NOTFOUND)
		return ERR_CONFLICT;
	if (rc == 0)
		j->attempt = (int)db_col_int(st, 0);
	return rc;
}

int
store_outbox_start(struct store *s, int64_t id, const char *owner, int64_t now, int64_t until,
    int *attempt)
{
	struct step_job j = { .id = id, .owner = owner, .now = now, .until = until };
	int rc = db_write(s->db, start_fn, &j);

	if (rc == 0 && attempt)
		*attempt = j.attempt;
	return rc;
}

/* An outcome: only for an attempt this owner started (sending, or unknown
 * when its lease ran out meanwhile: the worker knows better now). */
static int
finish_fn(struct db_conn *c, void *arg)
{
	struct step_job *j = arg;
	struct str error = str_c(j->error);
	struct db_stmt *st;
	int rc;

	if (error.n > OUTBOX_ERROR_MAX)
		error.n = OUTBOX_ERROR_MAX; /* our own words, in ASCII */
	switch (j->to) {
	case OUTBOX_SENT:
		st = db_prepare(c, "UPDATE outbox SET state = 'sent', sent_at = ?, recipient = ?, "
		    "body = '', last_error = '', lease_owner = '', lease_until = 0 WHERE id = ? "
		    "AND lease_owner = ? AND state IN ('sending', 'unknown')");
		db_bind_int(st, 1, j->now);
		db_bind_blob(st, 2, "", 0);
		db_bind_int(st, 3, j->id);
		db_bind_text(st, 4, str_c(j->owner));
		break;
	case OUTBOX_QUEUED:
		st = db_prepare(c, "UPDATE outbox SET state = 'queued', next_attempt_at = ?, "
		    "last_error = ?, lease_owner = '', lease_until = 0 WHERE id = ? "
		    "AND lease_owner = ? AND state IN ('sending', 'unknown')");
		db_bind_int(st, 1, j->next_at);
		db_bind_text(st, 2, error);
		db_bind_int(st, 3, j->id);
		db_bind_text(st, 4, str_c(j->owner));
		break;
	case OUTBOX_FAILED:
		st = db_prepare(c, "UPDATE outbox SET state = 'failed', last_error = ?, "
		    "lease_owner = '', lease_until = 0 WHERE id = ? AND lease_owner = ? "
		    "AND state IN ('sending', 'unknown')");
		db_bind_text(st, 1, error);
		db_bind_int(st, 2, j->id);
		db_bind_text(st, 3, str_c(j->owner));
		break;
	case OUTBOX_UNKNOWN:
		/* The owner stays, for staff to see which server it was. */
		st = db_prepare(c, "UPDATE outbox SET state = 'unknown', last_error = ?, "
		    "lease_until = 0 WHERE id = ? AND lease_owner = ? "
		    "AND state IN ('sending', 'unknown')");
		db_bind_text(st, 1, error);
		db_bind_int(st, 2, j->id);
		db_bind_text(st, 3, str_c(j->owner));
		break;
	default:
		return ERR_INVALID;
	}
	if ((rc = db_exec(st)) != 0)
		return rc;
	return db_changes(st) == 1 ? 0 : ERR_CONFLICT;
}

int
store_outbox_sent(struct store *s, int64_t id, const char *owner, int64_t now)
{
	struct step_job j = { .id = id, .owner = owner, .now = now, .to = OUTBOX_SENT };

	return db_write(s->db, finish_fn, &j);
}

int
store_outbox_retry(struct store *s, int64_t id, const char *owner, int64_t next_at,
    const char *error)
{
	struct step_job j = { .id = id, .owner = owner, .next_at = next_at, .to = OUTBOX_QUEUED,
		.error = error };

	return db_write(s->db, finish_fn, &j);
}

int
store_outbox_fail(struct store *s, int64_t id, const char *owner, const char *error)
{
	struct step_job j = { .id = id, .owner = owner, .to = OUTBOX_FAILED, .error = error };

	return db_write(s->db, finish_fn, &j);
}

int
store_outbox_unknown(struct store *s, int64_t id, const char *owner, const char *error)
{
	struct step_job j = { .id = id, .owner = owner, .to = OUTBOX_UNKNOWN, .error = error };

	return db_write(s->db, finish_fn, &j);
}

static int
release_fn(struct db_conn *c, void *arg)
{
	struct db_stmt *st;

	st = db_prepare(c, "UPDATE outbox SET state = 'queued', lease_owner = '', lease_until = 0 "
	    "WHERE state = 'claimed' AND lease_owner = ?");
	db_bind_text(st, 1, str_c(arg));
	return db_exec(st);
}

int
store_outbox_release(struct store *s, const char *owner)
{
	return db_write(s->db, release_fn, (void *)owner);
}

/* ---- staff ------------------------------------------------------------------------------- */

int
store_outbox_each(struct store *s, int64_t org_id, const enum outbox_state *state,
    int64_t after_id, int64_t limit, store_outbox_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct outbox_entry m;
	struct db_stmt *st;
	struct str name = state ? str_c(outbox_state_name(*state)) : STR_LIT("");
	int rc;

	st = db_prepare(c, "SELECT id, org_id, kind, state, attempts, created_at, next_attempt_at, "
	    "last_attempt_at, sent_at, CASE WHEN length(recipient) > 0 THEN 1 ELSE 0 END, "
	    "last_error FROM outbox WHERE (? = 0 OR org_id = ?) AND (? = '' OR state = ?) "
	    "AND id > ? ORDER BY id LIMIT ?");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, org_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, name);
	db_bind_int(st, 5, after_id);
	db_bind_int(st, 6, limit > 0 ? limit : INT64_MAX);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&m, 0, sizeof(m));
		m.id = db_col_int(st, 0);
		m.org_id = db_col_int(st, 1);
		text_copy(m.kind, sizeof(m.kind), db_col_text(st, 2));
		if (outbox_state_parse(db_col_text(st, 3), &m.state) != 0)
			m.state = OUTBOX_UNKNOWN;
		m.attempts = (int)db_col_int(st, 4);
		m.created_at = db_col_int(st, 5);
		m.next_attempt_at = db_col_int(st, 6);
		m.last_attempt_at = db_col_int(st, 7);
		m.sent_at = db_col_int(st, 8);
		m.has_recipient = db_col_int(st, 9) != 0;
		text_copy(m.last_error, sizeof(m.last_error), db_col_text(st, 10));
		if ((rc = fn(arg, &m)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

int
store_outbox_count(struct store *s, int64_t org_id, int64_t counts[OUTBOX_STATE_N])
{
	struct db_conn *c = db_get(s->db);
	enum outbox_state state;
	struct db_stmt *st;
	int rc;

	memset(counts, 0, sizeof(int64_t) * OUTBOX_STATE_N);
	st = db_prepare(c, "SELECT state, count(*) FROM outbox WHERE (? = 0 OR org_id = ?) "
	    "GROUP BY state");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, org_id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (outbox_state_parse(db_col_text(st, 0), &state) == 0)
			counts[state] = db_col_int(st, 1);
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

struct requeue_job {
	struct store *s;
	const struct actor *who;
	int64_t org_id, id, now;
	int n;
};

static int
requeue_fn(struct db_conn *c, void *arg)
{
	struct requeue_job *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->n = 0;
	if (j->id != 0) {
		st = db_prepare(c, "SELECT state, length(recipient) FROM outbox WHERE id = ? "
		    "AND org_id = ?");
		db_bind_int(st, 1, j->id);
		db_bind_int(st, 2, j->org_id);
		if ((rc = db_row(st)) != 0)
			return rc;
		if (!(str_eq_c(db_col_text(st, 0), "failed") || str_eq_c(db_col_text(st, 0),
		    "unknown")) || db_col_int(st, 1) == 0)
			return ERR_CONFLICT;
		st = db_prepare(c, "UPDATE outbox SET state = 'queued', attempts = 0, "
		    "next_attempt_at = ?, lease_owner = '', lease_until = 0 WHERE id = ? "
		    "AND state IN ('failed', 'unknown')");
		db_bind_int(st, 1, j->now);
		db_bind_int(st, 2, j->id);
	} else {
		st = db_prepare(c, "UPDATE outbox SET state = 'queued', attempts = 0, "
		    "next_attempt_at = ?, lease_owner = '', lease_until = 0 WHERE org_id = ? "
		    "AND state = 'failed' AND length(recipient) > 0");
		db_bind_int(st, 1, j->now);
		db_bind_int(st, 2, j->org_id);
	}
	if ((rc = db_exec(st)) != 0)
		return rc;
	j->n = (int)db_changes(st);
	if (j->n == 0)
		return 0;
	buf_printf(&detail, "{\"messages\":%d}", j->n);
	if (j->id != 0)
		rc = store_audit_append(j->s, c, j->who, "mail.retry", &detail, "mail:%lld",
		    (long long)j->id);
	else
		rc = store_audit_append(j->s, c, j->who, "mail.retry", &detail, "org:%lld",
		    (long long)j->org_id);
	buf_free(&detail);
	return rc;
}

int
store_outbox_requeue(struct store *s, const struct actor *who, int64_t org_id, int64_t id,
    int64_t now, int *n)
{
	struct requeue_job j = { .s = s, .who = who, .org_id = org_id, .id = id, .now = now };
	int rc = db_write(s->db, requeue_fn, &j);

	if (n)
		*n = rc == 0 ? j.n : 0;
	return rc;
}

/* ---- housekeeping ------------------------------------------------------------------------ */

int
store_outbox_sweep(struct db_conn *c, int64_t now, int *purged)
{
	struct db_stmt *st;
	int64_t n;
	int rc;

	if ((rc = leases_end(c, now)) != 0)
		return rc;
	st = db_prepare(c, "UPDATE outbox SET recipient = ?, body = '' WHERE length(recipient) > 0 "
	    "AND (state = 'sent' OR (state IN ('failed', 'unknown') AND last_attempt_at <= ?))");
	db_bind_blob(st, 1, "", 0);
	db_bind_int(st, 2, now - OUTBOX_KEEP_FAILED);
	if ((rc = db_exec(st)) != 0)
		return rc;
	n = db_changes(st);
	st = db_prepare(c, "DELETE FROM outbox WHERE state IN ('sent', 'failed', 'unknown') "
	    "AND last_attempt_at <= ?");
	db_bind_int(st, 1, now - OUTBOX_FORGET);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (purged)
		*purged = (int)n;
	return 0;
}

struct purge_job {
	int64_t now;
	int purged;
};

static int
purge_fn(struct db_conn *c, void *arg)
{
	struct purge_job *j = arg;

	return store_outbox_sweep(c, j->now, &j->purged);
}

int
store_outbox_purge(struct store *s, int64_t now, int *purged)
{
	struct purge_job j = { .now = now };
	int rc = db_write(s->db, purge_fn, &j);

	if (purged)
		*purged = rc == 0 ? j.purged : 0;
	return rc;
}
