/*
 * ballots.c - casting ballots (see store.h): a job each for the
 * group-commit writer, which hands a whole run of them to ballots_run.
 *
 * A run is written in one transaction, with a few statements however many
 * ballots it holds:
 *
 *   1. lock each poll of the run (FOR UPDATE, in id order, so two servers'
 *      batches never deadlock) and read what the domain checks a ballot
 *      against: a close or an edit on any server waits for this batch, or
 *      this batch sees it;
 *   2. claim each retry key: a key counted before answers as it did, and
 *      goes no further (a key sent with another request is refused);
 *   3. count each limited ballot's attempt in its network's window, and
 *      refuse those over the limit (they still count);
 *   4. check each ballot with the domain's own rule (poll_check_ballot):
 *      the poll open at its time, the choices its own; use up its code;
 *   5. insert the ballots that pass; one that is not inserted is a second
 *      vote from that browser; add what was inserted to the counts;
 *   6. let go of the keys of ballots that were refused, so that sending
 *      them again tries again.
 *
 * Nothing is acknowledged before the commit: each ballot's done is called
 * by the writer afterwards, with its result only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballots.h"

/* A poll of the run, as step 1 read it. */
struct run_poll {
	struct poll poll;
	int64_t *adds; /* per option: ballots of this run that chose it */
	int64_t ballots;
};

struct run {
	struct arena arena;
	struct run_poll *polls;
	int poll_n;
};

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct run_poll *
find_poll(struct run *r, int64_t id)
{
	int i;

	for (i = 0; i < r->poll_n; i++)
		if (r->polls[i].poll.id == id)
			return &r->polls[i];
	return NULL;
}

/* Step 1: locks and reads one poll; ERR_NOTFOUND when it is gone. */
static int
load_poll(struct db_conn *c, struct arena *a, int64_t id, struct run_poll *rp)
{
	struct poll *p = &rp->poll;
	struct db_stmt *st;
	int rc, cap = POLL_OPTIONS_MAX;

	memset(rp, 0, sizeof(*rp));
	st = db_prepare(c, "SELECT opens_at, closes_at, closed_at, multiple, who_can_answer "
	    "FROM poll WHERE id = ? FOR UPDATE");
	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) != 0)
		return rc;
	p->id = id;
	p->opens_at = db_col_int(st, 0);
	p->closes_at = db_col_int(st, 1);
	p->closed_at = db_col_int(st, 2);
	p->multiple = db_col_int(st, 3) != 0;
	if (poll_who_parse(db_col_text(st, 4), &p->who) != 0)
		p->who = POLL_WHO_CODE;
	p->options = arena_array(a, (size_t)cap, sizeof(*p->options));
	rp->adds = arena_zalloc(a, (size_t)cap * sizeof(*rp->adds));
	if (p->options == NULL || rp->adds == NULL)
		return ERR_NOMEM;
	st = db_prepare(c, "SELECT id FROM poll_option WHERE poll_id = ? ORDER BY position");
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW && p->option_n < cap)
		p->options[p->option_n++] = (struct poll_option){ db_col_int(st, 0), { "", 0 }, 0 };
	return rc < 0 ? rc : 0;
}

static int
load_polls(struct db_conn *c, struct run *r, struct ballot_job **jobs, int n)
{
	int64_t *ids = arena_array(&r->arena, (size_t)n, sizeof(*ids));
	int i, k = 0, rc;

	r->polls = arena_array(&r->arena, (size_t)n, sizeof(*r->polls));
	if (ids == NULL || r->polls == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++)
		ids[i] = jobs[i]->poll_id;
	qsort(ids, (size_t)n, sizeof(*ids), cmp_int64);
	for (i = 0; i < n; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		rc = load_poll(c, &r->arena, ids[i], &r->polls[k]);
		if (rc == ERR_NOTFOUND)
			continue; /* deleted: its ballots are refused in step 3 */
		if (rc != 0)
			return rc;
		k++;
	}
	r->poll_n = k;
	return 0;
}

/* ---- step 2: retry keys ------------------------------------------------------------ */

/*
 * Claims each job's retry key, the claim made by inserting it: on
 * PostgreSQL a second server inserting the same key waits for the first's
 * commit, then sees its row.  A key already there with the same request is
 * a retry of a ballot that was counted: answered 0 (replayed), nothing
 * more is written.  Expired keys are taken again.
 */
static int
claim_keys(struct db_conn *c, struct ballot_job **jobs, int n)
{
	struct db_stmt *st;
	struct str request;
	int i, rc;

	for (i = 0; i < n; i++) {
		struct ballot_job *j = jobs[i];

		if (!j->claim.has_key || j->job.rc != 0)
			continue;
		st = db_prepare(c, "DELETE FROM idempotency WHERE key = ? AND expires_at <= ?");
		db_bind_blob(st, 1, j->claim.key, SECRET_HASH_BYTES);
		db_bind_int(st, 2, j->now);
		if ((rc = db_exec(st)) != 0)
			return rc;
		st = db_prepare(c, "INSERT INTO idempotency (key, request, status, body, expires_at) "
		    "VALUES (?, ?, 0, '', ?) ON CONFLICT (key) DO NOTHING RETURNING status");
		db_bind_blob(st, 1, j->claim.key, SECRET_HASH_BYTES);
		db_bind_blob(st, 2, j->claim.request, SECRET_HASH_BYTES);
		db_bind_int(st, 3, j->now + STORE_RETRY_KEEP);
		rc = db_row(st);
		if (rc == 0)
			continue; /* claimed: the ballot goes on */
		if (rc != ERR_NOTFOUND)
			return rc;
		st = db_prepare(c, "SELECT request FROM idempotency WHERE key = ?");
		db_bind_blob(st, 1, j->claim.key, SECRET_HASH_BYTES);
		if ((rc = db_row(st)) != 0)
			return rc == ERR_NOTFOUND ? ERR_IO : rc;
		request = db_col_blob(st, 0);
		if (request.n != SECRET_HASH_BYTES ||
		    memcmp(request.p, j->claim.request, SECRET_HASH_BYTES) != 0) {
			j->job.rc = ERR_KEY_REUSED;
			continue;
		}
		j->replayed = true;
		j->job.rc = ERR_DUPLICATE; /* skipped by the later steps; answered 0 */
	}
	return 0;
}

/* Step 6: a refused ballot lets go of its key (claimed in step 2). */
static int
release_keys(struct db_conn *c, struct ballot_job **jobs, int n)
{
	struct db_stmt *st;
	int i, rc;

	for (i = 0; i < n; i++) {
		if (!jobs[i]->claim.has_key || jobs[i]->replayed || jobs[i]->job.rc == 0 ||
		    jobs[i]->job.rc == ERR_KEY_REUSED)
			continue;
		st = db_prepare(c, "DELETE FROM idempotency WHERE key = ?");
		db_bind_blob(st, 1, jobs[i]->claim.key, SECRET_HASH_BYTES);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	return 0;
}

/* Step 4's second half: a ballot with a code uses it up.  The code's row
 * is deleted, so nothing is left that could link it to the ballot; its
 * batch counts one more used. */
static int
use_codes(struct db_conn *c, struct ballot_job **jobs, int n)
{
	struct db_stmt *st;
	int64_t batch;
	int i, rc;

	for (i = 0; i < n; i++) {
		struct ballot_job *j = jobs[i];

		if (!j->claim.has_code || j->job.rc != 0)
			continue;
		st = db_prepare(c, "DELETE FROM poll_code WHERE hash = ? AND poll_id = ? "
		    "RETURNING batch_id");
		db_bind_blob(st, 1, j->claim.code, SECRET_HASH_BYTES);
		db_bind_int(st, 2, j->poll_id);
		rc = db_row(st);
		if (rc == ERR_NOTFOUND) {
			j->job.rc = ERR_CODE_SPENT;
			continue;
		}
		if (rc != 0)
			return rc;
		batch = db_col_int(st, 0);
		st = db_prepare(c, "UPDATE poll_code_batch SET used = used + 1 WHERE id = ?");
		db_bind_int(st, 1, batch);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	return 0;
}

/* ---- step 3: the networks' windows ---------------------------------------------- */

static int64_t
window_start(const struct ballot_job *j)
{
	return j->now - j->now % j->window;
}

static bool
in_window(const struct ballot_job *j, const struct net_count *nc)
{
	return j->limit > 0 && window_start(j) == nc->window_start && strcmp(j->net, nc->net) == 0;
}

/* The portable form: one upsert per network and window. */
static int
count_nets(struct db_conn *c, struct net_count *nets, int n)
{
	struct db_stmt *st;
	int i, rc;

	for (i = 0; i < n; i++) {
		st = db_prepare(c, "INSERT INTO rate_count (net, window_start, n) VALUES (?, ?, ?) "
		    "ON CONFLICT (net, window_start) DO UPDATE SET n = rate_count.n + excluded.n "
		    "RETURNING n");
		db_bind_text(st, 1, str_c(nets[i].net));
		db_bind_int(st, 2, nets[i].window_start);
		db_bind_int(st, 3, nets[i].added);
		if ((rc = db_row(st)) != 0)
			return rc;
		nets[i].total = db_col_int(st, 0);
	}
	return 0;
}

/* Counts every limited ballot's attempt and refuses, in the order they
 * came, those beyond their network's limit (counting what earlier batches,
 * on any server, used). */
static int
limit_networks(struct db_conn *c, struct run *r, struct ballot_job **jobs, int n)
{
	struct net_count *nets = arena_array(&r->arena, (size_t)n, sizeof(*nets));
	int64_t used, oldest = 0;
	struct db_stmt *st;
	int i, k, net_n = 0, rc;

	if (nets == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (jobs[i]->limit <= 0)
			continue;
		for (k = 0; k < net_n && !in_window(jobs[i], &nets[k]); k++)
			;
		if (k == net_n)
			nets[net_n++] = (struct net_count){ jobs[i]->net, window_start(jobs[i]), 0, 0 };
		nets[k].added++;
	}
	if (net_n == 0)
		return 0;
	rc = db_conn_engine(c) == DB_POSTGRESQL ? ballots_count_nets_pg(c, nets, net_n, &r->arena) :
	    count_nets(c, nets, net_n);
	if (rc != 0)
		return rc;
	for (k = 0; k < net_n; k++) {
		used = nets[k].total - nets[k].added;
		for (i = 0; i < n; i++) {
			if (!in_window(jobs[i], &nets[k]))
				continue;
			if (used++ >= jobs[i]->limit)
				jobs[i]->job.rc = ERR_LIMITED;
		}
		if (nets[k].total == nets[k].added && (oldest == 0 || nets[k].window_start < oldest))
			oldest = nets[k].window_start; /* a window's first attempts */
	}
	if (oldest == 0)
		return 0;
	/* A window's counts are deleted as soon as a later one starts: only
	 * the current minute's are ever kept (and store_housekeep deletes
	 * those once it has passed, should no vote come after). */
	st = db_prepare(c, "DELETE FROM rate_count WHERE window_start < ?");
	db_bind_int(st, 1, oldest);
	return db_exec(st);
}

/* ---- step 5: the ballots and their counts ----------------------------------------- */

/* "12,15": the choices as the ballot row keeps them. */
static size_t
choices_text(const struct ballot *b, char *out, size_t size)
{
	size_t n = 0;
	int i;

	for (i = 0; i < b->choice_n && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%lld", i ? "," : "",
		    (long long)b->choices[i]);
	return n < size ? n : size - 1;
}

/* The portable form: one insert per ballot, then each count once. */
static int
insert_ballots(struct db_conn *c, struct run *r, struct ballot_job **jobs, int n)
{
	char choices[POLL_OPTIONS_MAX * 21];
	struct run_poll *rp;
	struct db_stmt *st;
	int i, k, rc;

	for (i = 0; i < n; i++) {
		struct ballot_job *j = jobs[i];

		if (j->job.rc != 0)
			continue;
		st = db_prepare(c, "INSERT INTO ballot (poll_id, voter_hash, cast_at, choices) "
		    "VALUES (?, ?, ?, ?) ON CONFLICT (poll_id, voter_hash) DO NOTHING RETURNING id");
		db_bind_int(st, 1, j->poll_id);
		db_bind_blob(st, 2, j->voter, STORE_VOTER_KEY);
		db_bind_int(st, 3, BALLOT_TIME(j->now));
		db_bind_text(st, 4, (struct str){ choices, choices_text(&j->ballot, choices,
		    sizeof(choices)) });
		rc = db_row(st);
		if (rc == ERR_NOTFOUND) {
			j->job.rc = ERR_DUPLICATE; /* this browser has voted */
			continue;
		}
		if (rc != 0)
			return rc;
		j->written = true;
		rp = find_poll(r, j->poll_id);
		for (k = 0; k < j->ballot.choice_n; k++)
			rp->adds[poll_option_index(&rp->poll, j->ballot.choices[k])]++;
		rp->ballots++;
	}
	for (i = 0; i < r->poll_n; i++) {
		rp = &r->polls[i];
		for (k = 0; k < rp->poll.option_n; k++) {
			if (rp->adds[k] == 0)
				continue;
			st = db_prepare(c, "UPDATE poll_option SET votes = votes + ? WHERE id = ?");
			db_bind_int(st, 1, rp->adds[k]);
			db_bind_int(st, 2, rp->poll.options[k].id);
			if ((rc = db_exec(st)) != 0)
				return rc;
		}
		if (rp->ballots == 0)
			continue;
		st = db_prepare(c, "UPDATE poll SET ballots = ballots + ? WHERE id = ?");
		db_bind_int(st, 1, rp->ballots);
		db_bind_int(st, 2, rp->poll.id);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	return 0;
}

/* ---- the run -------------------------------------------------------------------------- */

static int
ballots_run(struct db_conn *c, struct db_job **all, int n)
{
	struct ballot_job **jobs = (struct ballot_job **)all;
	struct run r = { 0 };
	struct run_poll *rp;
	struct errors ignored;
	int i, rc;

	arena_init(&r.arena, NULL, 0);
	for (i = 0; i < n; i++) {
		jobs[i]->written = false;
		jobs[i]->replayed = false;
	}
	if ((rc = load_polls(c, &r, jobs, n)) != 0)
		goto out;
	if ((rc = claim_keys(c, jobs, n)) != 0)
		goto out;
	if ((rc = limit_networks(c, &r, jobs, n)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (jobs[i]->job.rc != 0)
			continue;
		rp = find_poll(&r, jobs[i]->poll_id);
		errors_init(&ignored);
		jobs[i]->job.rc = rp == NULL ? ERR_NOTFOUND :
		    poll_check_ballot(&rp->poll, &jobs[i]->ballot, jobs[i]->now, &ignored);
	}
	if ((rc = use_codes(c, jobs, n)) != 0)
		goto out;
	rc = db_conn_engine(c) == DB_POSTGRESQL ? ballots_insert_pg(c, jobs, n, &r.arena) :
	    insert_ballots(c, &r, jobs, n);
	if (rc == 0)
		rc = release_keys(c, jobs, n);
out:
	arena_free(&r.arena);
	return rc;
}

static void
ballot_done(struct db_job *job)
{
	struct ballot_job *j = (struct ballot_job *)job;
	bool on_heap = j->on_heap;

	j->done(j->arg, j->replayed ? 0 : job->rc);
	if (on_heap)
		free(j);
}

static const struct db_job_kind ballot_kind = { "ballot", ballots_run, ballot_done, 0 };

int
store_ballot_cast(struct store *s, struct arena *a, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    const struct ballot_claim *claim, store_done_fn done, void *arg)
{
	struct ballot_job *j = a ? arena_zalloc(a, sizeof(*j)) : calloc(1, sizeof(*j));
	int rc;

	if (j == NULL)
		return ERR_NOMEM;
	j->job.kind = &ballot_kind;
	j->on_heap = a == NULL;
	j->poll_id = poll_id;
	j->now = now;
	j->ballot = *b;
	memcpy(j->voter, voter, STORE_VOTER_KEY);
	if (limit && limit->limit > 0 && limit->window > 0) {
		memcpy(j->net, limit->net, sizeof(j->net));
		j->net[sizeof(j->net) - 1] = '\0';
		j->limit = limit->limit;
		j->window = limit->window;
	}
	if (claim)
		j->claim = *claim;
	j->done = done;
	j->arg = arg;
	rc = db_submit(s->db, &j->job);
	if (rc != 0 && j->on_heap)
		free(j);
	return rc;
}

int
store_ballot_exists(struct store *s, int64_t poll_id, const unsigned char voter[STORE_HASH_SIZE],
    bool *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT 1 FROM ballot WHERE poll_id = ? AND voter_hash = ?");
	db_bind_int(st, 1, poll_id);
	db_bind_blob(st, 2, voter, STORE_VOTER_KEY);
	rc = db_row(st);
	db_put(s->db, c);
	*out = rc == 0;
	return rc == ERR_NOTFOUND ? 0 : rc;
}
