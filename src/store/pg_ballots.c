/*
 * pg_ballots.c - ballots on PostgreSQL: the writer thread that commits
 * them in groups.
 *
 * Each app server has one writer with a connection of its own.  It takes
 * every ballot waiting and writes the lot in one transaction with a fixed
 * number of statements, however many ballots there are:
 *
 *   1. lock the polls (FOR UPDATE, in id order) and read their times and
 *      options: a close or an edit on any server waits for this batch, or
 *      this batch sees it;
 *   2. count the attempts per network in rate_count (when limited);
 *   3. insert the ballots that pass, ON CONFLICT DO NOTHING (a ballot that
 *      is not returned was a second vote from that browser), and add what
 *      was inserted to the polls' and options' counts, in one statement;
 *   4. commit, then tell each ballot's caller.
 *
 * A failure rolls the whole batch back and every ballot in it gets the
 * error: nothing is acknowledged that is not committed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/log.h"
#include "involve/secret.h"
#include "pg_store.h"

/* What step 1 learns about one poll of the batch. */
struct batch_poll {
	int64_t id;
	int64_t opens_at, closes_at, closed_at;
	int option_n;
	int64_t option_ids[POLL_OPTIONS_MAX];
};

struct batch {
	struct pg_ballot_job *jobs[PGSTORE_BATCH_MAX];
	int n;
	struct batch_poll polls[PGSTORE_BATCH_MAX];
	int poll_n;
};

/* ---- array parameters ----------------------------------------------------- */

/* PostgreSQL array literals, for unnest($1::bigint[]) and the like.  The
 * text elements written here are digits, hex, commas, dots, colons and
 * slashes only, so quoting each element is all the escaping they need. */
static void
array_open(struct buf *b)
{
	buf_reset(b);
	buf_addch(b, '{');
}

static void
array_int(struct buf *b, int64_t v)
{
	if (b->n > 1)
		buf_addch(b, ',');
	buf_printf(b, "%lld", (long long)v);
}

static void
array_text(struct buf *b, const char *s)
{
	if (b->n > 1)
		buf_addch(b, ',');
	buf_printf(b, "\"%s\"", s);
}

static const char *
array_close(struct buf *b)
{
	buf_addch(b, '}');
	return buf_cstr(b);
}

/* ---- the batch's steps ------------------------------------------------------ */

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct batch_poll *
find_poll(struct batch *bt, int64_t id)
{
	int i;

	for (i = 0; i < bt->poll_n; i++)
		if (bt->polls[i].id == id)
			return &bt->polls[i];
	return NULL;
}

/* Step 1. */
static int
lock_polls(struct pgconn *c, struct batch *bt, struct buf *arr)
{
	int64_t ids[PGSTORE_BATCH_MAX];
	struct batch_poll *bp = NULL;
	struct pgq q = { 0 };
	PGresult *r;
	int i, n = 0, rc;

	for (i = 0; i < bt->n; i++)
		ids[n++] = bt->jobs[i]->poll_id;
	qsort(ids, (size_t)n, sizeof(ids[0]), cmp_int64);
	array_open(arr);
	for (i = 0; i < n; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			array_int(arr, ids[i]);
	pgq_text(&q, array_close(arr));
	/* Locked in id order, as every batch does, so two servers' batches
	 * never deadlock. */
	rc = pgconn_run(c, "SELECT p.id, p.opens_at, p.closes_at, p.closed_at, o.id FROM poll p "
	    "LEFT JOIN poll_option o ON o.poll_id = p.id WHERE p.id = ANY($1::bigint[]) "
	    "ORDER BY p.id, o.position FOR UPDATE OF p", &q, &r);
	if (rc != 0)
		return rc;
	bt->poll_n = 0;
	for (i = 0; i < PQntuples(r); i++) {
		int64_t id = pg_int(r, i, 0);

		if (bp == NULL || bp->id != id) {
			bp = &bt->polls[bt->poll_n++];
			memset(bp, 0, sizeof(*bp));
			bp->id = id;
			bp->opens_at = pg_int(r, i, 1);
			bp->closes_at = pg_int(r, i, 2);
			bp->closed_at = pg_int(r, i, 3);
		}
		if (!PQgetisnull(r, i, 4) && bp->option_n < POLL_OPTIONS_MAX)
			bp->option_ids[bp->option_n++] = pg_int(r, i, 4);
	}
	PQclear(r);
	return 0;
}

static int64_t
window_start(const struct pg_ballot_job *j)
{
	return j->now - j->now % j->window;
}

/* Whether two ballots count against the same network's window. */
static bool
same_window(const struct pg_ballot_job *a, const struct pg_ballot_job *b)
{
	return a->rc == 0 && b->rc == 0 && a->limit > 0 && b->limit > 0 &&
	    strcmp(a->net, b->net) == 0 && window_start(a) == window_start(b);
}

/* Step 2: counts every limited ballot's attempt in its network's window
 * and refuses those over the limit with ERR_LIMITED. */
static int
count_networks(struct pgconn *c, struct batch *bt, struct buf *nets, struct buf *starts,
    struct buf *adds)
{
	struct pgq q = { 0 };
	PGresult *r;
	int i, k, rc, first = -1, added;
	int64_t before, oldest = 0;

	array_open(nets);
	array_open(starts);
	array_open(adds);
	/* One row per (network, window), for its first ballot in the batch. */
	for (i = 0; i < bt->n; i++) {
		struct pg_ballot_job *j = bt->jobs[i];

		if (j->rc != 0 || j->limit <= 0)
			continue;
		for (k = 0; k < i && !same_window(bt->jobs[k], j); k++)
			;
		if (k < i)
			continue;
		for (k = i, added = 0; k < bt->n; k++)
			added += same_window(bt->jobs[k], j);
		array_text(nets, j->net);
		array_int(starts, window_start(j));
		array_int(adds, added);
		if (first < 0)
			first = i;
	}
	if (first < 0)
		return 0;
	pgq_text(&q, array_close(nets));
	pgq_text(&q, array_close(starts));
	pgq_text(&q, array_close(adds));
	/* Rows taken in key order, as every batch does, so two servers'
	 * batches never deadlock on them. */
	rc = pgconn_run(c, "INSERT INTO rate_count AS rc (net, window_start, n) "
	    "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) ORDER BY 1, 2 "
	    "ON CONFLICT (net, window_start) DO UPDATE SET n = rc.n + excluded.n "
	    "RETURNING net, window_start, n", &q, &r);
	if (rc != 0)
		return rc;
	/* Of a network's attempts in this batch, those beyond the limit
	 * (counting what earlier batches, on any server, used) are refused in
	 * the order they came.  The refused ones are marked only after the
	 * counting, so same_window still matches them while counting. */
	for (k = 0; k < PQntuples(r); k++) {
		char net[STORE_NET_SIZE];
		int64_t start = pg_int(r, k, 1), total = pg_int(r, k, 2);
		int match[PGSTORE_BATCH_MAX], n = 0;

		pg_text(r, k, 0, net, sizeof(net));
		for (i = 0; i < bt->n; i++)
			if (bt->jobs[i]->rc == 0 && bt->jobs[i]->limit > 0 &&
			    strcmp(bt->jobs[i]->net, net) == 0 && window_start(bt->jobs[i]) == start)
				match[n++] = i;
		before = total - n;
		for (i = 0; i < n; i++, before++)
			bt->jobs[match[i]]->limited = before >= bt->jobs[match[i]]->limit;
		if (before == n && (oldest == 0 || start < oldest))
			oldest = start; /* a window's first attempts */
	}
	PQclear(r);
	if (oldest > 0) {
		/* Forget windows long past whenever a new one starts. */
		memset(&q, 0, sizeof(q));
		pgq_int(&q, oldest - STORE_RATE_KEEP);
		if ((rc = pgconn_run(c, "DELETE FROM rate_count WHERE window_start < $1", &q, NULL)) != 0)
			return rc;
	}
	for (i = 0; i < bt->n; i++)
		if (bt->jobs[i]->limited)
			bt->jobs[i]->rc = ERR_LIMITED;
	return 0;
}

/* Checks each ballot against its poll: open at its time, choices its own. */
static void
check_ballots(struct batch *bt)
{
	struct poll p;
	int i, k, o;

	for (i = 0; i < bt->n; i++) {
		struct pg_ballot_job *j = bt->jobs[i];
		struct batch_poll *bp;

		if (j->rc != 0)
			continue;
		if ((bp = find_poll(bt, j->poll_id)) == NULL) {
			j->rc = ERR_NOTFOUND;
			continue;
		}
		memset(&p, 0, offsetof(struct poll, options));
		p.opens_at = bp->opens_at;
		p.closes_at = bp->closes_at;
		p.closed_at = bp->closed_at;
		if (!poll_is_open(&p, j->now)) {
			j->rc = ERR_CONFLICT;
			continue;
		}
		for (k = 0; k < j->ballot.choice_n && j->rc == 0; k++) {
			for (o = 0; o < bp->option_n; o++)
				if (bp->option_ids[o] == j->ballot.choices[k])
					break;
			if (o == bp->option_n)
				j->rc = ERR_INVALID; /* an option of another poll */
		}
	}
}

/* Step 3: the ballots and their counts. */
static int
insert_ballots(struct pgconn *c, struct batch *bt, struct buf *polls, struct buf *voters,
    struct buf *times, struct buf *choices)
{
	char list[POLL_OPTIONS_MAX * 21];
	struct pgq q = { 0 };
	PGresult *r;
	int i, k, n, rc, any = 0;

	array_open(polls);
	array_open(voters);
	array_open(times);
	array_open(choices);
	for (i = 0; i < bt->n; i++) {
		struct pg_ballot_job *j = bt->jobs[i];

		if (j->rc != 0)
			continue;
		for (k = 0, n = 0; k < j->ballot.choice_n; k++)
			n += snprintf(list + n, sizeof(list) - (size_t)n, "%s%lld", k ? "," : "",
			    (long long)j->ballot.choices[k]);
		array_int(polls, j->poll_id);
		array_text(voters, j->voter_hex);
		array_int(times, j->now);
		array_text(choices, list);
		any = 1;
	}
	if (!any)
		return 0;
	pgq_text(&q, array_close(polls));
	pgq_text(&q, array_close(voters));
	pgq_text(&q, array_close(times));
	pgq_text(&q, array_close(choices));
	/* The counts come from what the insert returns, so a second vote
	 * adds nothing; the poll rows are locked by step 1 already. */
	rc = pgconn_run(c, "WITH ins AS (INSERT INTO ballot (poll_id, voter_hash, cast_at, choices) "
	    "SELECT p, decode(v, 'hex'), t, c FROM unnest($1::bigint[], $2::text[], $3::bigint[], "
	    "$4::text[]) AS u(p, v, t, c) ON CONFLICT (poll_id, voter_hash) DO NOTHING "
	    "RETURNING poll_id, voter_hash, choices), "
	    "options AS (UPDATE poll_option o SET votes = o.votes + x.n FROM (SELECT ch::bigint AS id, "
	    "count(*) AS n FROM ins, unnest(string_to_array(ins.choices, ',')) AS ch GROUP BY 1) x "
	    "WHERE o.id = x.id), "
	    "polls AS (UPDATE poll p SET ballots = p.ballots + x.n FROM (SELECT poll_id, count(*) AS n "
	    "FROM ins GROUP BY 1) x WHERE p.id = x.poll_id) "
	    "SELECT poll_id, encode(voter_hash, 'hex') FROM ins", &q, &r);
	if (rc != 0)
		return rc;
	/* Each returned row is the first ballot of the batch with that key;
	 * the rest are second votes. */
	for (k = 0; k < PQntuples(r); k++) {
		int64_t poll_id = pg_int(r, k, 0);
		const char *v = PQgetvalue(r, k, 1);

		for (i = 0; i < bt->n; i++) {
			struct pg_ballot_job *j = bt->jobs[i];

			if (j->rc != 0 || j->written || j->poll_id != poll_id)
				continue;
			if (strcmp(j->voter_hex, v) == 0) {
				j->written = true;
				break;
			}
		}
	}
	PQclear(r);
	for (i = 0; i < bt->n; i++)
		if (bt->jobs[i]->rc == 0 && !bt->jobs[i]->written)
			bt->jobs[i]->rc = ERR_DUPLICATE;
	return 0;
}

static int
write_batch(struct pgconn *c, struct batch *bt, struct buf arrays[4])
{
	int rc;

	if ((rc = pgconn_run(c, "BEGIN", NULL, NULL)) != 0)
		return rc;
	if ((rc = lock_polls(c, bt, &arrays[0])) != 0)
		return rc;
	if ((rc = count_networks(c, bt, &arrays[0], &arrays[1], &arrays[2])) != 0)
		return rc;
	check_ballots(bt);
	if ((rc = insert_ballots(c, bt, &arrays[0], &arrays[1], &arrays[2], &arrays[3])) != 0)
		return rc;
	return pgconn_run(c, "COMMIT", NULL, NULL);
}

/* Runs a batch, trying it again after a lost race; on failure every
 * ballot gets the error. */
static void
run_batch(struct pgwriter *w, struct batch *bt, struct buf arrays[4])
{
	int i, try, rc = ERR_IO;
	bool again;

	for (try = 0; try < PGDB_TX_TRIES; try++) {
		for (i = 0; i < bt->n; i++) {
			bt->jobs[i]->rc = 0;
			bt->jobs[i]->written = false;
			bt->jobs[i]->limited = false;
		}
		rc = write_batch(&w->conn, bt, arrays);
		if (rc == 0)
			return;
		again = pgconn_retryable(&w->conn);
		pgconn_exec(&w->conn, "ROLLBACK");
		if (!again)
			break;
	}
	/* Nothing of the batch is in the database. */
	log_error("store", "a batch of %d ballots failed: %s", bt->n, error_name(rc));
	for (i = 0; i < bt->n; i++)
		bt->jobs[i]->rc = rc;
}

static void *
writer_main(void *arg)
{
	struct pgwriter *w = arg;
	struct batch *bt = malloc(sizeof(*bt));
	struct buf arrays[4] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	struct pg_ballot_job *job;
	int i;

	if (bt == NULL)
		abort(); /* at start, before any ballot: nothing to lose */
	pthread_setname_np(pthread_self(), "involve-writer");
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->head == NULL)
			break; /* stopping, and every ballot written */
		bt->n = 0;
		while (w->head && bt->n < PGSTORE_BATCH_MAX) {
			job = w->head;
			w->head = job->next;
			bt->jobs[bt->n++] = job;
		}
		if (w->head == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);

		run_batch(w, bt, arrays);
		for (i = 0; i < bt->n; i++) {
			job = bt->jobs[i];
			job->done(job->arg, job->rc);
			free(job);
		}
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < 4; i++)
		buf_free(&arrays[i]);
	free(bt);
	return NULL;
}

int
pgwriter_start(struct pgwriter *w, const char *url, struct errors *e)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if ((rc = pgconn_open(&w->conn, url, e)) != 0)
		return rc;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		errors_add(e, "database", "cannot start the ballot writer");
		pgconn_close(&w->conn);
		return ERR_IO;
	}
	w->started = true;
	return 0;
}

void
pgwriter_stop(struct pgwriter *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pgconn_close(&w->conn);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	w->started = false;
}

int
pg_ballot_cast(struct store *s, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    store_done_fn done, void *arg)
{
	struct pgwriter *w = &PS(s)->writer;
	struct pg_ballot_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return ERR_NOMEM;
	j->poll_id = poll_id;
	j->now = now;
	j->ballot = *b;
	/* Here, on the caller's thread, not on the one writer's. */
	secret_hex(voter, PGSTORE_VOTER_KEY, j->voter_hex);
	if (limit && limit->limit > 0 && limit->window > 0) {
		snprintf(j->net, sizeof(j->net), "%s", limit->net);
		j->limit = limit->limit;
		j->window = limit->window;
	}
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		free(j);
		return ERR_BUSY;
	}
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int
pg_ballot_exists(struct store *s, int64_t poll_id, const unsigned char voter[STORE_HASH_SIZE],
    bool *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	pgq_int(&q, poll_id);
	pgq_bytes(&q, voter, PGSTORE_VOTER_KEY);
	rc = pgpool_query(&PS(s)->pool, "SELECT 1 FROM ballot WHERE poll_id = $1 AND voter_hash = $2",
	    &q, &r);
	if (rc != 0)
		return rc;
	*out = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}
