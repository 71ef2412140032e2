/*
 * pg_polls.c - polls on PostgreSQL (ballots are in pg_ballots.c).  Every
 * change locks the poll's row first (FOR UPDATE), the row the ballot writer
 * locks too, so a change and a batch of ballots on any server happen one
 * after the other: a ballot is never counted after the poll closed, and a
 * poll is never edited once a ballot is in.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_store.h"

struct poll_tx {
	struct pg_store *ps;
	const struct actor *who;
	struct poll *poll;
	int64_t id;
	enum poll_action action;
	int64_t now;
};

static int
insert_options(struct pgconn *c, struct poll *p)
{
	struct pgq q;
	int i, rc;

	for (i = 0; i < p->option_n; i++) {
		memset(&q, 0, sizeof(q));
		pgq_int(&q, p->id);
		pgq_int(&q, i);
		pgq_text(&q, p->options[i].label);
		rc = pgconn_insert(c, "INSERT INTO poll_option (poll_id, position, label) "
		    "VALUES ($1, $2, $3) RETURNING id", &q, &p->options[i].id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
poll_create_tx(struct pgconn *c, void *arg)
{
	struct poll_tx *j = arg;
	struct poll *p = j->poll;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	int rc;

	p->created_at = pgstore_now();
	pgq_int(&q, p->org_id);
	pgq_text(&q, p->question);
	pgq_int(&q, p->multiple);
	pgq_text(&q, poll_results_name(p->show_results));
	pgq_int(&q, p->opens_at);
	pgq_int(&q, p->closes_at);
	pgq_int(&q, p->created_at);
	rc = pgconn_insert(c, "INSERT INTO poll (org_id, question, multiple, show_results, opens_at, "
	    "closes_at, closed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING id",
	    &q, &p->id);
	if (rc != 0)
		return rc;
	if ((rc = insert_options(c, p)) != 0)
		return rc;
	poll_audit_detail(&detail, p);
	rc = pgstore_audit(j->ps, c, j->who, "poll.create", &detail, "poll:%lld", (long long)p->id);
	buf_free(&detail);
	return rc;
}

int
pg_poll_create(struct store *s, const struct actor *who, struct poll *p)
{
	struct poll_tx j = { .ps = PS(s), .who = who, .poll = p };

	return pgpool_tx(&PS(s)->pool, poll_create_tx, &j);
}

/*
 * A poll with its options in one statement, so both come from one
 * snapshot: the counts a reader sees always add up.
 */
static const char poll_sql[] =
	"SELECT p.id, p.org_id, p.question, p.multiple, p.show_results, p.opens_at, p.closes_at, "
	"p.closed_at, p.created_at, p.ballots, o.id, o.label, o.votes FROM poll p "
	"LEFT JOIN poll_option o ON o.poll_id = p.id WHERE p.id = $1 ORDER BY o.position";

static void
poll_from_rows(const PGresult *r, struct poll *p, struct tally *tally)
{
	char results[32];
	int i, n = PQntuples(r);

	memset(p, 0, offsetof(struct poll, options));
	p->id = pg_int(r, 0, 0);
	p->org_id = pg_int(r, 0, 1);
	pg_text(r, 0, 2, p->question, sizeof(p->question));
	p->multiple = pg_int(r, 0, 3) != 0;
	pg_text(r, 0, 4, results, sizeof(results));
	if (poll_results_parse(str_c(results), &p->show_results) != 0)
		p->show_results = POLL_RESULTS_AFTER_CLOSE;
	p->opens_at = pg_int(r, 0, 5);
	p->closes_at = pg_int(r, 0, 6);
	p->closed_at = pg_int(r, 0, 7);
	p->created_at = pg_int(r, 0, 8);
	p->ballots = pg_int(r, 0, 9);
	if (tally) {
		memset(tally, 0, sizeof(*tally));
		tally->ballots = p->ballots;
	}
	for (i = 0; i < n && p->option_n < POLL_OPTIONS_MAX; i++) {
		struct poll_option *o = &p->options[p->option_n];

		if (PQgetisnull(r, i, 10))
			continue; /* a poll without options */
		o->id = pg_int(r, i, 10);
		pg_text(r, i, 11, o->label, sizeof(o->label));
		if (tally)
			tally->counts[p->option_n] = pg_int(r, i, 12);
		p->option_n++;
	}
	if (tally)
		tally->option_n = p->option_n;
}

static int
poll_read(struct pg_store *ps, int64_t id, struct poll *out, struct tally *tally)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_int(&q, id);
	if ((rc = pgpool_row(&ps->pool, poll_sql, &q, &r)) != 0)
		return rc;
	poll_from_rows(r, out, tally);
	PQclear(r);
	return 0;
}

int
pg_poll_get(struct store *s, int64_t id, struct poll *out)
{
	return poll_read(PS(s), id, out, NULL);
}

int
pg_poll_tally(struct store *s, int64_t id, struct tally *out)
{
	struct poll *p = malloc(sizeof(*p));
	int rc;

	if (p == NULL)
		return ERR_NOMEM;
	rc = poll_read(PS(s), id, p, out);
	free(p);
	return rc;
}

int
pg_poll_each(struct store *s, int64_t org_id, int64_t before_id, int limit, store_poll_fn fn,
    void *arg)
{
	struct pgq q = { 0 };
	struct poll *p;
	PGresult *r;
	int i, rc;

	if (limit > 200)
		limit = 200;
	pgq_int(&q, org_id);
	pgq_int(&q, before_id > 0 ? before_id : INT64_MAX);
	pgq_int(&q, limit);
	rc = pgpool_query(&PS(s)->pool, "SELECT id FROM poll WHERE org_id = $1 AND id < $2 "
	    "ORDER BY id DESC LIMIT $3", &q, &r);
	if (rc != 0)
		return rc;
	p = malloc(sizeof(*p));
	if (p == NULL) {
		PQclear(r);
		return ERR_NOMEM;
	}
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		rc = poll_read(PS(s), pg_int(r, i, 0), p, NULL);
		if (rc == ERR_NOTFOUND) {
			rc = 0; /* deleted since the list was read */
			continue;
		}
		if (rc == 0)
			rc = fn(arg, p);
	}
	free(p);
	PQclear(r);
	return rc;
}

/* Locks an organisation's poll for a change; ERR_NOTFOUND when missing
 * or another organisation's.  *ballots gets its ballot count. */
static int
lock_poll(struct pgconn *c, int64_t id, int64_t org_id, int64_t *ballots)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_int(&q, id);
	pgq_int(&q, org_id);
	rc = pgconn_run(c, "SELECT ballots FROM poll WHERE id = $1 AND org_id = $2 FOR UPDATE",
	    &q, &r);
	if (rc != 0)
		return rc;
	rc = PQntuples(r) == 1 ? 0 : ERR_NOTFOUND;
	if (rc == 0 && ballots)
		*ballots = pg_int(r, 0, 0);
	PQclear(r);
	return rc;
}

static int
poll_update_tx(struct pgconn *c, void *arg)
{
	struct poll_tx *j = arg;
	struct poll *p = j->poll;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	int64_t ballots;
	int rc;

	if ((rc = lock_poll(c, p->id, p->org_id, &ballots)) != 0)
		return rc;
	if (ballots > 0)
		return ERR_CONFLICT;
	pgq_text(&q, p->question);
	pgq_int(&q, p->multiple);
	pgq_text(&q, poll_results_name(p->show_results));
	pgq_int(&q, p->opens_at);
	pgq_int(&q, p->closes_at);
	pgq_int(&q, p->id);
	rc = pgconn_run(c, "UPDATE poll SET question = $1, multiple = $2, show_results = $3, "
	    "opens_at = $4, closes_at = $5 WHERE id = $6", &q, NULL);
	if (rc != 0)
		return rc;
	memset(&q, 0, sizeof(q));
	pgq_int(&q, p->id);
	if ((rc = pgconn_run(c, "DELETE FROM poll_option WHERE poll_id = $1", &q, NULL)) != 0)
		return rc;
	if ((rc = insert_options(c, p)) != 0)
		return rc;
	poll_audit_detail(&detail, p);
	rc = pgstore_audit(j->ps, c, j->who, "poll.update", &detail, "poll:%lld", (long long)p->id);
	buf_free(&detail);
	return rc;
}

int
pg_poll_update(struct store *s, const struct actor *who, const struct poll *p)
{
	struct poll *copy = malloc(sizeof(*copy));
	struct poll_tx j = { .ps = PS(s), .who = who, .poll = copy };
	int rc;

	if (copy == NULL)
		return ERR_NOMEM;
	/* Options get new ids (and a retried transaction starts afresh from
	 * the caller's poll, which is not changed). */
	*copy = *p;
	rc = pgpool_tx(&PS(s)->pool, poll_update_tx, &j);
	free(copy);
	return rc;
}

static int
poll_act_tx(struct pgconn *c, void *arg)
{
	struct poll_tx *j = arg;
	int64_t org_id = j->who ? j->who->org_id : 0;
	struct pgq q = { 0 };
	PGresult *r;
	int rc, changed;

	if ((rc = lock_poll(c, j->id, org_id, NULL)) != 0)
		return rc;
	pgq_int(&q, j->now);
	pgq_int(&q, j->id);
	if (j->action == POLL_ACTION_OPEN)
		rc = pgconn_run(c, "UPDATE poll SET opens_at = $1 WHERE id = $2 AND closed_at = 0 "
		    "AND (opens_at = 0 OR opens_at > $1) AND (closes_at = 0 OR closes_at > $1)", &q, &r);
	else
		rc = pgconn_run(c, "UPDATE poll SET closed_at = $1 WHERE id = $2 AND closed_at = 0 "
		    "AND (closes_at = 0 OR closes_at > $1)", &q, &r);
	if (rc != 0)
		return rc;
	changed = atoi(PQcmdTuples(r));
	PQclear(r);
	if (changed == 0)
		return ERR_CONFLICT; /* already in that state */
	return pgstore_audit(j->ps, c, j->who, j->action == POLL_ACTION_OPEN ? "poll.open" :
	    "poll.close", NULL, "poll:%lld", (long long)j->id);
}

int
pg_poll_act(struct store *s, const struct actor *who, int64_t poll_id, enum poll_action action,
    int64_t now)
{
	struct poll_tx j = { .ps = PS(s), .who = who, .id = poll_id, .action = action, .now = now };

	return pgpool_tx(&PS(s)->pool, poll_act_tx, &j);
}

static int
poll_delete_tx(struct pgconn *c, void *arg)
{
	struct poll_tx *j = arg;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	PGresult *r;
	char question[POLL_QUESTION_SIZE];
	int rc;

	pgq_int(&q, j->id);
	pgq_int(&q, j->who ? j->who->org_id : 0);
	rc = pgconn_run(c, "SELECT question FROM poll WHERE id = $1 AND org_id = $2 FOR UPDATE",
	    &q, &r);
	if (rc != 0)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return ERR_NOTFOUND;
	}
	pg_text(r, 0, 0, question, sizeof(question));
	PQclear(r);
	/* Foreign keys cascade to options and ballots. */
	memset(&q, 0, sizeof(q));
	pgq_int(&q, j->id);
	if ((rc = pgconn_run(c, "DELETE FROM poll WHERE id = $1", &q, NULL)) != 0)
		return rc;
	audit_detail_text(&detail, "question", question);
	rc = pgstore_audit(j->ps, c, j->who, "poll.delete", &detail, "poll:%lld", (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
pg_poll_delete(struct store *s, const struct actor *who, int64_t poll_id)
{
	struct poll_tx j = { .ps = PS(s), .who = who, .id = poll_id };

	return pgpool_tx(&PS(s)->pool, poll_delete_tx, &j);
}
