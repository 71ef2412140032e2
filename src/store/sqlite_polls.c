/*
 * sqlite_polls.c - polls and ballots on SQLite (see sqlite_store.c for how
 * reads and writes are run).  Ballots are the hot path: one writer job each,
 * committed in groups.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_store.h"

/* ---- polls -------------------------------------------------------------- */

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
		if ((rc = sqlstore_step_done(st)) != 0)
			return rc;
		p->options[i].id = sqlite3_last_insert_rowid(c->db);
	}
	return 0;
}

struct poll_job {
	struct sqlite_store *ss;
	const struct actor *who;
	struct poll *poll;
	int64_t id;
	enum poll_action action;
	int64_t now;
};

static int
poll_create_job(struct sqlconn *c, void *arg)
{
	struct poll_job *j = arg;
	struct poll *p = j->poll;
	struct buf detail = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	p->created_at = sqlstore_now();
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
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	p->id = sqlite3_last_insert_rowid(c->db);
	if ((rc = insert_options(c, p)) != 0)
		return rc;
	poll_audit_detail(&detail, p);
	rc = sqlstore_audit(j->ss, c, j->who, "poll.create", &detail, "poll:%lld", (long long)p->id);
	buf_free(&detail);
	return rc;
}

int
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
	sqlstore_col_text(st, 2, p->question, sizeof(p->question));
	p->multiple = sqlite3_column_int(st, 3) != 0;
	sqlstore_col_text(st, 4, results, sizeof(results));
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
		sqlstore_col_text(st, 1, o->label, sizeof(o->label));
		if (tally)
			tally->counts[out->option_n] = sqlite3_column_int64(st, 2);
		out->option_n++;
	}
	sqlite3_reset(st);
	if (tally)
		tally->option_n = out->option_n;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sqlconn_error(rc);
}

int
sq_poll_get(struct store *s, int64_t id, struct poll *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	int rc = poll_read(c, id, out, NULL);

	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

int
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

int
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
	struct buf detail = BUF_INIT;
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
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	st = sqlconn_stmt(c, "DELETE FROM poll_option WHERE poll_id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, p->id);
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	if ((rc = insert_options(c, p)) != 0)
		return rc;
	poll_audit_detail(&detail, p);
	rc = sqlstore_audit(j->ss, c, j->who, "poll.update", &detail, "poll:%lld", (long long)p->id);
	buf_free(&detail);
	return rc;
}

int
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
	if ((rc = sqlstore_step_done(st)) != 0)
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
	rc = sqlstore_audit(j->ss, c, j->who, j->action == POLL_ACTION_OPEN ? "poll.open" :
	    "poll.close", NULL, "poll:%lld", (long long)j->id);
	return rc;
}

int
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
	struct buf detail = BUF_INIT;
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
	sqlstore_col_text(st, 0, question, sizeof(question));
	sqlite3_reset(st);
	/* Foreign keys cascade to options, ballots and choices. */
	st = sqlconn_stmt(c, "DELETE FROM poll WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->id);
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	audit_detail_text(&detail, "question", question);
	rc = sqlstore_audit(j->ss, c, j->who, "poll.delete", &detail, "poll:%lld", (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
sq_poll_delete(struct store *s, const struct actor *who, int64_t poll_id)
{
	struct poll_job j = { .ss = SS(s), .who = who, .id = poll_id };

	return sqlwriter_run(&SS(s)->writer, poll_delete_job, &j);
}

/* ---- ballots ------------------------------------------------------------ */

struct ballot_job {
	struct sqljob job;
	struct sqlite_store *ss;
	struct ballot ballot;
	int64_t poll_id;
	int64_t now;
	unsigned char voter[STORE_HASH_SIZE];
	struct vote_limit limit;
	bool limited;
	store_done_fn done;
	void *arg;
};

/* Counts the ballot's attempt in its network's window; *over when the
 * limit was already reached.  An attempt over the limit still counts: its
 * job succeeds (so the count is kept) and reports ERR_LIMITED. */
static int
count_network(struct sqlconn *c, const struct ballot_job *j, bool *over)
{
	int64_t start = j->now - j->now % j->limit.window, n;
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "INSERT INTO rate_count (net, window_start, n) VALUES (?, ?, 1) "
	    "ON CONFLICT (net, window_start) DO UPDATE SET n = n + 1 RETURNING n");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_text(st, 1, j->limit.net, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, start);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return sqlconn_error(rc);
	}
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*over = n > j->limit.limit;
	if (n > 1)
		return 0;
	/* A network's first attempt in a window: forget windows long past. */
	st = sqlconn_stmt(c, "DELETE FROM rate_count WHERE window_start < ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, start - STORE_RATE_KEEP);
	return sqlstore_step_done(st);
}

/* Reads a poll's times and options for checking ballots. */
static int
counts_load(struct sqlconn *c, struct sqlstore_poll_counts *k, int64_t poll_id)
{
	sqlite3_stmt *st;
	int rc;

	memset(k, 0, sizeof(*k));
	st = sqlconn_stmt(c, "SELECT opens_at, closes_at, closed_at FROM poll WHERE id = ?");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, poll_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	k->opens_at = sqlite3_column_int64(st, 0);
	k->closes_at = sqlite3_column_int64(st, 1);
	k->closed_at = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	st = sqlconn_stmt(c, "SELECT id FROM poll_option WHERE poll_id = ? ORDER BY position");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, poll_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && k->option_n < POLL_OPTIONS_MAX)
		k->option_ids[k->option_n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sqlconn_error(rc);
	k->poll_id = poll_id;
	return 0;
}

/* Adds one poll's counts to its rows. */
static int
counts_write(struct sqlconn *c, const struct sqlstore_poll_counts *k)
{
	sqlite3_stmt *st;
	int i, rc = 0;

	for (i = 0; i < k->option_n && rc == 0; i++) {
		if (k->option_adds[i] == 0)
			continue;
		st = sqlconn_stmt(c, "UPDATE poll_option SET votes = votes + ? WHERE id = ?");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int64(st, 1, k->option_adds[i]);
		sqlite3_bind_int64(st, 2, k->option_ids[i]);
		rc = sqlstore_step_done(st);
	}
	if (rc == 0 && k->ballots > 0) {
		st = sqlconn_stmt(c, "UPDATE poll SET ballots = ballots + ? WHERE id = ?");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int64(st, 1, k->ballots);
		sqlite3_bind_int64(st, 2, k->poll_id);
		rc = sqlstore_step_done(st);
	}
	return rc;
}

int
sqlstore_flush_counts(struct sqlconn *c, void *arg)
{
	struct sqlstore_counts *counts = &((struct sqlite_store *)arg)->counts;
	int i, rc = 0;

	for (i = 0; i < counts->poll_n && rc == 0; i++)
		rc = counts_write(c, &counts->polls[i]);
	/* Polls are read again after: the next job may change them. */
	counts->poll_n = 0;
	return rc;
}

void
sqlstore_discard_counts(void *arg)
{
	((struct sqlite_store *)arg)->counts.poll_n = 0;
}

static int
ballot_cast_job(struct sqlconn *c, void *arg)
{
	struct ballot_job *j = arg;
	struct sqlstore_counts *counts = &j->ss->counts;
	struct sqlstore_poll_counts *k = NULL, alone;
	struct poll p;
	sqlite3_stmt *st;
	char choices[POLL_OPTIONS_MAX * 21];
	int index[POLL_OPTIONS_MAX];
	int i, n = 0, rc;

	if (j->limit.limit > 0) {
		if ((rc = count_network(c, j, &j->limited)) != 0)
			return rc;
		if (j->limited)
			return 0;
	}
	for (i = 0; i < counts->poll_n && k == NULL; i++)
		if (counts->polls[i].poll_id == j->poll_id)
			k = &counts->polls[i];
	if (k == NULL) {
		/* A batch with ballots for more polls than the table holds
		 * counts this one's alone, with the ballot itself. */
		k = counts->poll_n < SQLSTORE_BATCH_POLLS ? &counts->polls[counts->poll_n] : &alone;
		if ((rc = counts_load(c, k, j->poll_id)) != 0)
			return rc;
		if (k != &alone)
			counts->poll_n++;
	}
	/* Whether the poll is open is decided here, in the commit's
	 * transaction, so a ballot racing a close is refused rather than
	 * counted after it: a job that changes polls is not batched, and the
	 * counts are flushed and the polls read again before it runs. */
	memset(&p, 0, offsetof(struct poll, options));
	p.opens_at = k->opens_at;
	p.closes_at = k->closes_at;
	p.closed_at = k->closed_at;
	if (!poll_is_open(&p, j->now))
		return ERR_CONFLICT;
	for (i = 0; i < j->ballot.choice_n; i++) {
		for (index[i] = 0; index[i] < k->option_n; index[i]++)
			if (k->option_ids[index[i]] == j->ballot.choices[i])
				break;
		if (index[i] == k->option_n)
			return ERR_INVALID; /* an option of another poll */
		n += snprintf(choices + n, sizeof(choices) - (size_t)n, "%s%lld", i ? "," : "",
		    (long long)j->ballot.choices[i]);
	}
	st = sqlconn_stmt(c, "INSERT INTO ballot (poll_id, voter_hash, cast_at, choices) "
	    "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->poll_id);
	sqlite3_bind_blob(st, 2, j->voter, SQLSTORE_VOTER_KEY, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, j->now);
	sqlite3_bind_text(st, 4, choices, n, SQLITE_STATIC);
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc; /* ERR_DUPLICATE: this browser has voted */
	/* Counted only now that the ballot is written. */
	for (i = 0; i < j->ballot.choice_n; i++)
		k->option_adds[index[i]]++;
	k->ballots++;
	return k == &alone ? counts_write(c, k) : 0;
}

static void
ballot_done(void *arg, int rc)
{
	struct ballot_job *j = arg;

	j->done(j->arg, rc == 0 && j->limited ? ERR_LIMITED : rc);
	free(j);
}

int
sq_ballot_cast(struct store *s, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    store_done_fn done, void *arg)
{
	struct ballot_job *j = calloc(1, sizeof(*j));
	int rc;

	if (j == NULL)
		return ERR_NOMEM;
	j->job.run = ballot_cast_job;
	j->job.done = ballot_done;
	j->job.batched = true;
	j->ss = SS(s);
	j->job.arg = j;
	j->ballot = *b;
	j->poll_id = poll_id;
	j->now = now;
	memcpy(j->voter, voter, STORE_HASH_SIZE);
	if (limit && limit->limit > 0 && limit->window > 0)
		j->limit = *limit;
	j->done = done;
	j->arg = arg;
	rc = sqlwriter_submit(&SS(s)->writer, &j->job);
	if (rc != 0)
		free(j);
	return rc;
}

int
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
	sqlite3_bind_blob(st, 2, voter, SQLSTORE_VOTER_KEY, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sqlconn_error(rc);
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

