/*
 * responses.c - survey responses (store_survey.h): submitted through the
 * group-commit writer, kept partial for resuming, withdrawn by the
 * respondent, corrected by staff; and the counts the results are read from.
 *
 * A submission is a job for the writer (db_submit), as a ballot is.  A run
 * of them is written in the batch's transaction:
 *
 *   1. lock each survey of the run (shared, FOR KEY SHARE, in id order,
 *      so two servers' batches never deadlock) and read its state: a close
 *      or an edit on any server waits for this batch, or this batch sees
 *      it; other batches of responses lock it too and insert beside this
 *      one (db.c's second writer thread, or another server's);
 *   2. each response under a savepoint of its own (db_savepoint), so one
 *      that is refused leaves nothing written (a browser's first response,
 *      whose one write is its INSERT, needs none): check the survey's state at
 *      the response's time and that it is still the version the answers
 *      were checked against; find the partial response it completes (the
 *      one with its link, else its browser's); refuse a second submitted
 *      response from one browser; write it; and audit one staff keyed in,
 *      as their change;
 *   3. add what the written responses count to each survey's counts: the
 *      run's items summed in memory, each written once (an upsert), and
 *      the survey's count of responses once.  Here batches take turns: a
 *      count another batch has changed waits for its commit.  A failure
 *      here fails the whole batch, as a failed commit does.
 *
 * Saving, withdrawing and correcting are each a db_write that locks the
 * survey's row first too, so what each checks before it writes still holds
 * when it commits, whatever other servers do meanwhile.
 *
 * One browser, one response: respondent (the caller's keyed hash of the
 * browser's cookie) is unique per survey among partial and submitted
 * responses (data/migrations/004_surveys.sql), and cleared when a response
 * is withdrawn, so that the browser may answer again.
 *
 * A response's times are kept to the hour only, as a ballot's are: to the
 * second, the time in a web server's or a proxy's log would link an address
 * to the answers.
 *
 * An import (store_responses_import) writes a file's responses in one
 * transaction of its own: every row, then each count once, summed in
 * memory, then the survey's count and one audit entry.
 *
 * Beside each submitted response the same transaction keeps its fixed
 * answers coded (survey_coded.h) from the same tally items, a batch's in
 * one pack (coded_packs.h): written by a submission, an import and a
 * correction, deleted by a withdrawal, so a cross-tabulation reads only
 * them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "involve/store_survey.h"
#include "involve/survey_coded.h"
#include "involve/text.h"
#include "coded_packs.h"
#include "responses.h"

/* What the audit log keeps of a corrected response's answers, old and new
 * each: its detail holds AUDIT_DETAIL_MAX bytes in all. */
#define RESPONSE_AUDIT_ANSWERS_MAX ((AUDIT_DETAIL_MAX - 100) / 2)

static const char *const state_names[] = { "partial", "submitted", "withdrawn" };
#define STATE_N (sizeof(state_names) / sizeof(state_names[0]))

const char *
response_state_name(enum response_state st)
{
	return (unsigned)st < STATE_N ? state_names[st] : "partial";
}

static enum response_state
state_parse(struct str s)
{
	size_t i;

	for (i = 0; i < STATE_N; i++)
		if (str_eq_c(s, state_names[i]))
			return (enum response_state)i;
	return RESPONSE_WITHDRAWN; /* unknown: the one that shows no answers */
}

/* ---- reading ------------------------------------------------------------------ */

#define RESPONSE_COLUMNS "id, survey_id, channel, state, version, answers, page, created_at, " \
	"updated_at, submitted_at, entered_by"

/* The current row's response, its text in the statement (valid until it
 * steps again). */
static void
response_from_row(struct db_stmt *st, struct survey_response *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->survey_id = db_col_int(st, 1);
	if (survey_channel_parse(db_col_text(st, 2), &r->channel) != 0)
		r->channel = SURVEY_ONLINE;
	r->state = state_parse(db_col_text(st, 3));
	r->version = (int)db_col_int(st, 4);
	r->answers = db_col_text(st, 5);
	r->page = db_col_text(st, 6);
	r->created_at = db_col_int(st, 7);
	r->updated_at = db_col_int(st, 8);
	r->submitted_at = db_col_int(st, 9);
	r->entered_by = db_col_int(st, 10);
}

/* The one row st finds, copied into a. */
static int
read_response(struct db_stmt *st, struct arena *a, struct survey_response **out)
{
	struct survey_response *r;
	int rc;

	if ((rc = db_row(st)) != 0)
		return rc;
	if ((r = arena_alloc(a, sizeof(*r))) == NULL)
		return ERR_NOMEM;
	response_from_row(st, r);
	r->answers = arena_str(a, r->answers);
	r->page = arena_str(a, r->page);
	if (r->answers.p == NULL || r->page.p == NULL)
		return ERR_NOMEM;
	*out = r;
	return 0;
}

int
store_response_get(struct store *s, struct arena *a, int64_t survey_id, int64_t id,
    struct survey_response **out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " RESPONSE_COLUMNS " FROM survey_response "
	    "WHERE id = ? AND survey_id = ?");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, survey_id);
	rc = read_response(st, a, out);
	db_put(s->db, c);
	return rc;
}

int
store_response_by_link(struct store *s, struct arena *a, int64_t survey_id,
    const unsigned char link[STORE_HASH_SIZE], struct survey_response **out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " RESPONSE_COLUMNS " FROM survey_response "
	    "WHERE link = ? AND survey_id = ?");
	db_bind_blob(st, 1, link, STORE_HASH_SIZE);
	db_bind_int(st, 2, survey_id);
	rc = read_response(st, a, out);
	db_put(s->db, c);
	return rc;
}

int
store_response_each(struct store *s, int64_t survey_id, int64_t after_id, int64_t limit,
    store_response_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct survey_response r;
	struct db_stmt *st;
	int rc, stop = 0;

	st = db_prepare(c, "SELECT " RESPONSE_COLUMNS " FROM survey_response "
	    "WHERE survey_id = ? AND state = 'submitted' AND id > ? ORDER BY id LIMIT ?");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, after_id);
	db_bind_int(st, 3, limit > 0 ? limit : INT64_MAX);
	while ((rc = db_step(st)) == DB_ROW) {
		response_from_row(st, &r);
		if ((stop = fn(arg, &r)) != 0)
			break;
	}
	db_put(s->db, c);
	return stop != 0 ? stop : rc < 0 ? rc : 0;
}

int
store_response_each_entered(struct store *s, int64_t survey_id, int64_t before_id, int limit,
    store_response_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct survey_response r;
	struct db_stmt *st;
	int rc, stop = 0;

	if (limit <= 0 || limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	/* survey_response_correctable's rule, as a condition on the rows. */
	st = db_prepare(c, "SELECT " RESPONSE_COLUMNS " FROM survey_response "
	    "WHERE survey_id = ? AND state = 'submitted' AND (entered_by <> 0 OR "
	    "channel <> 'online') AND id < ? ORDER BY id DESC LIMIT ?");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, 3, limit);
	while ((rc = db_step(st)) == DB_ROW) {
		response_from_row(st, &r);
		if ((stop = fn(arg, &r)) != 0)
			break;
	}
	db_put(s->db, c);
	return stop != 0 ? stop : rc < 0 ? rc : 0;
}

int
store_survey_tally(struct store *s, int64_t survey_id, store_tally_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct survey_tally_item item;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT question, row_key, value, n, total FROM survey_tally "
	    "WHERE survey_id = ? ORDER BY question, row_key, value");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		item.question = db_col_text(st, 0);
		item.row = db_col_text(st, 1);
		item.value = db_col_text(st, 2);
		item.n = db_col_int(st, 3);
		item.total = db_col_double(st, 4);
		if ((rc = fn(arg, &item)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/* ---- coded fixed answers ------------------------------------------------------------ */

/* Packs read at once: about 1.6 MB a page, rather than a million
 * responses' 24 MB held in PostgreSQL's client in one result. */
#define CODED_READ_PACKS 16

static int
read_coded(struct db_conn *c, int64_t survey_id, store_coded_fn fn, void *arg)
{
	struct db_stmt *st;
	int64_t after = INT64_MIN;
	struct str p;
	int rc, got, stop = 0;

	do {
		st = db_prepare(c, "SELECT first_id, coded FROM survey_coded_pack "
		    "WHERE survey_id = ? AND first_id > ? ORDER BY first_id LIMIT ?");
		db_bind_int(st, 1, survey_id);
		db_bind_int(st, 2, after);
		db_bind_int(st, 3, CODED_READ_PACKS);
		for (got = 0; stop == 0 && (rc = db_step(st)) == DB_ROW; got++) {
			after = db_col_int(st, 0);
			p = db_col_blob(st, 1);
			stop = fn(arg, (const unsigned char *)p.p, p.n);
		}
		if (stop != 0)
			return stop;
		if (rc < 0)
			return rc;
	} while (got == CODED_READ_PACKS);
	/* The loose entries: at most a pack's worth and the corrected since. */
	st = db_prepare(c, "SELECT coded FROM survey_coded WHERE survey_id = ?");
	db_bind_int(st, 1, survey_id);
	while (stop == 0 && (rc = db_step(st)) == DB_ROW) {
		p = db_col_blob(st, 0);
		stop = fn(arg, (const unsigned char *)p.p, p.n);
	}
	return stop != 0 ? stop : rc < 0 ? rc : 0;
}

int
store_survey_coded(struct store *s, int64_t survey_id, store_coded_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	int rc, end;

	/* One snapshot for every page: a batch that packs loose entries
	 * meanwhile must not have them counted twice, or not at all. */
	rc = db_script(c, db_conn_engine(c) == DB_POSTGRESQL ?
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
	if (rc == 0) {
		rc = read_coded(c, survey_id, fn, arg);
		if ((end = db_script(c, "COMMIT")) != 0 && rc == 0)
			rc = end;
	}
	db_put(s->db, c);
	return rc;
}

/* ---- what every change shares ---------------------------------------------------- */

/*
 * Adds (sign 1) or takes away (sign -1) the items from the survey's counts.
 * Counts that reach nothing are deleted, so a withdrawal leaves the counts
 * as they were before the response came.
 */
static int
add_tally(struct db_conn *c, int64_t survey_id, const struct survey_tally_item *items, int n,
    int sign)
{
	struct db_stmt *st;
	int i, rc;

	for (i = 0; i < n; i++) {
		st = db_prepare(c, "INSERT INTO survey_tally (survey_id, question, row_key, value, n, "
		    "total) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, question, row_key, value) "
		    "DO UPDATE SET n = survey_tally.n + excluded.n, "
		    "total = survey_tally.total + excluded.total");
		db_bind_int(st, 1, survey_id);
		db_bind_text(st, 2, items[i].question);
		db_bind_text(st, 3, items[i].row);
		db_bind_text(st, 4, items[i].value);
		db_bind_int(st, 5, sign * items[i].n);
		db_bind_double(st, 6, sign * items[i].total);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	if (sign > 0 || n == 0)
		return 0;
	st = db_prepare(c, "DELETE FROM survey_tally WHERE survey_id = ? AND n <= 0");
	db_bind_int(st, 1, survey_id);
	return db_exec(st);
}

/* Keeps the coded fixed answers of response `id` (survey_coded.h), made
 * from its tally items, loose (coded_packs.h): the caller has made sure
 * it has no other. */
static int
write_coded(struct db_conn *c, int64_t survey_id, int64_t id,
    const struct survey_tally_item *items, int n, enum survey_channel channel,
    int64_t submitted_at)
{
	struct buf coded = BUF_INIT;
	struct db_stmt *st;
	int rc;

	survey_coded_write(items, n, channel, submitted_at, &coded);
	if (!buf_ok(&coded)) {
		buf_free(&coded);
		return ERR_NOMEM;
	}
	st = db_prepare(c, "INSERT INTO survey_coded (survey_id, response_id, coded) "
	    "VALUES (?, ?, ?) ON CONFLICT (survey_id, response_id) DO UPDATE SET "
	    "coded = excluded.coded");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, id);
	db_bind_blob(st, 3, coded.p, coded.n);
	rc = db_exec(st);
	buf_free(&coded);
	return rc;
}

/*
 * A batch's `by` submitted responses, with their coded entries outside a
 * full pack, are counted in the survey's row; *loose is how many such
 * entries the survey has now.
 */
static int
count_submitted(struct db_conn *c, int64_t survey_id, int64_t by, int64_t *loose)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE survey SET responses = responses + ?1, "
	    "coded_loose = coded_loose + ?1 WHERE id = ?2 RETURNING coded_loose");
	db_bind_int(st, 1, by);
	db_bind_int(st, 2, survey_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	*loose = db_col_int(st, 0);
	return 0;
}

/* The survey's count of responses goes up or down by `by`. */
static int
count_response(struct db_conn *c, int64_t survey_id, int64_t by)
{
	struct db_stmt *st;

	st = db_prepare(c, "UPDATE survey SET responses = responses + ? WHERE id = ?");
	db_bind_int(st, 1, by);
	db_bind_int(st, 2, survey_id);
	return db_exec(st);
}

/* A response found by its link or its browser; id 0 when there is none. */
struct found {
	int64_t id;
	enum response_state state;
};

static int
find(struct db_stmt *st, struct found *out)
{
	int rc = db_row(st);

	memset(out, 0, sizeof(*out));
	if (rc == 0) {
		out->id = db_col_int(st, 0);
		out->state = state_parse(db_col_text(st, 1));
	}
	return rc == ERR_NOTFOUND ? 0 : rc;
}

static int
find_by_link(struct db_conn *c, int64_t survey_id, const unsigned char *link, struct found *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof(*out));
	if (link == NULL)
		return 0;
	st = db_prepare(c, "SELECT id, state FROM survey_response WHERE link = ? AND survey_id = ?");
	db_bind_blob(st, 1, link, STORE_HASH_SIZE);
	db_bind_int(st, 2, survey_id);
	return find(st, out);
}

static int
find_by_respondent(struct db_conn *c, int64_t survey_id, const unsigned char *respondent,
    struct found *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof(*out));
	if (respondent == NULL)
		return 0;
	st = db_prepare(c, "SELECT id, state FROM survey_response "
	    "WHERE survey_id = ? AND respondent = ?");
	db_bind_int(st, 1, survey_id);
	db_bind_blob(st, 2, respondent, STORE_HASH_SIZE);
	return find(st, out);
}

/* Binds a hash, or NULL when there is none. */
static void
bind_hash(struct db_stmt *st, int i, const unsigned char *hash)
{
	if (hash)
		db_bind_blob(st, i, hash, STORE_HASH_SIZE);
	else
		db_bind_null(st, i);
}

static int
delete_response(struct db_conn *c, int64_t id)
{
	struct db_stmt *st;

	st = db_prepare(c, "DELETE FROM survey_response WHERE id = ?");
	db_bind_int(st, 1, id);
	return db_exec(st);
}

/*
 * Tally items summed: a table from (question, row, value) to the item, open
 * addressing, its text in an arena.  A survey has at most a few thousand
 * distinct items however many responses there are, so each is written once
 * for a whole batch of submissions, or a whole import, instead of once per
 * response.
 */
struct tally_slot {
	uint64_t hash; /* 0: empty */
	struct survey_tally_item item;
};

struct tally_sum {
	struct arena text;
	struct tally_slot *slots;
	size_t cap, n;
};

/* FNV-1a over the three texts, a NUL between them; never 0. */
static uint64_t
item_hash(const struct survey_tally_item *it)
{
	const struct str parts[3] = { it->question, it->row, it->value };
	uint64_t h = 14695981039346656037ULL;
	size_t i, k;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < parts[k].n; i++)
			h = (h ^ (unsigned char)parts[k].p[i]) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

static int
tally_sum_grow(struct tally_sum *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, i, k;
	struct tally_slot *slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return ERR_NOMEM;
	for (i = 0; i < t->cap; i++) {
		if (t->slots[i].hash == 0)
			continue;
		for (k = t->slots[i].hash & (cap - 1); slots[k].hash != 0; k = (k + 1) & (cap - 1))
			;
		slots[k] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

static int
tally_sum_add(struct tally_sum *t, const struct survey_tally_item *items, int n)
{
	struct tally_slot *slot;
	uint64_t h;
	size_t k;
	int i;

	for (i = 0; i < n; i++) {
		if (2 * (t->n + 1) > t->cap && tally_sum_grow(t) != 0)
			return ERR_NOMEM;
		h = item_hash(&items[i]);
		for (k = h & (t->cap - 1);; k = (k + 1) & (t->cap - 1)) {
			slot = &t->slots[k];
			if (slot->hash == 0 || (slot->hash == h &&
			    str_eq(slot->item.question, items[i].question) &&
			    str_eq(slot->item.row, items[i].row) &&
			    str_eq(slot->item.value, items[i].value)))
				break;
		}
		if (slot->hash == 0) {
			slot->item.question = arena_str(&t->text, items[i].question);
			slot->item.row = arena_str(&t->text, items[i].row);
			slot->item.value = arena_str(&t->text, items[i].value);
			if (!slot->item.question.p || !slot->item.row.p || !slot->item.value.p)
				return ERR_NOMEM;
			slot->hash = h;
			t->n++;
		}
		slot->item.n += items[i].n;
		slot->item.total += items[i].total;
	}
	return 0;
}

static void
tally_sum_clear(struct tally_sum *t)
{
	free(t->slots);
	arena_free(&t->text);
	memset(t, 0, sizeof(*t));
	arena_init(&t->text, NULL, 0);
}

/* The sums, in one list for add_tally, in a. */
static int
tally_sum_list(const struct tally_sum *t, struct arena *a, struct survey_tally_item **out,
    int *n)
{
	size_t i;

	*n = 0;
	if ((*out = arena_array(a, t->n + 1, sizeof(**out))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->slots[i].hash != 0)
			(*out)[(*n)++] = t->slots[i].item;
	return 0;
}

/* ---- submitting -------------------------------------------------------------------- */

struct response_job {
	struct db_job job;
	struct store *s;
	struct response_submit r; /* its text and items copied into the caller's arena */
	const struct survey *sv;  /* the run's lock of its survey; NULL: there is none */
	int64_t id;               /* the response written */
	bool batched;             /* done by step 2 on PostgreSQL (submit_new_pg) */
	int64_t *out;
	store_done_fn done;
	void *arg;
};

/* The surveys of a run, locked and read by step 1. */
struct run {
	struct arena arena;
	struct survey *surveys;
	bool *uncoded; /* each survey's: its older responses are still to be coded */
	int survey_n;
};

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Step 1. */
static int
lock_surveys(struct db_conn *c, struct run *r, struct response_job **jobs, int n)
{
	int64_t *ids = arena_array(&r->arena, (size_t)n, sizeof(*ids));
	int i, k, rc;

	r->surveys = arena_array(&r->arena, (size_t)n, sizeof(*r->surveys));
	r->uncoded = arena_array(&r->arena, (size_t)n, sizeof(*r->uncoded));
	if (ids == NULL || r->surveys == NULL || r->uncoded == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++)
		ids[i] = jobs[i]->r.survey_id;
	qsort(ids, (size_t)n, sizeof(*ids), cmp_int64);
	for (i = 0; i < n; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		rc = store_survey_lock_shared(c, ids[i], STORE_ANY_ORG, &r->surveys[r->survey_n],
		    &r->uncoded[r->survey_n]);
		if (rc == ERR_NOTFOUND)
			continue; /* deleted: its responses are refused */
		if (rc != 0)
			return rc;
		r->survey_n++;
	}
	for (i = 0; i < n; i++) {
		jobs[i]->sv = NULL;
		for (k = 0; k < r->survey_n; k++)
			if (r->surveys[k].id == jobs[i]->r.survey_id)
				jobs[i]->sv = &r->surveys[k];
	}
	return 0;
}

/* Whether the survey takes a response at now: the respondent's only while
 * it is open; staff key paper and phone responses in after it closes too. */
static int
check_taking(const struct survey *sv, bool staff, int64_t now)
{
	enum poll_status st = survey_status(sv, now);

	return st == POLL_OPEN || (staff && st == POLL_CLOSED) ? 0 : ERR_CONFLICT;
}

/* What complete() sets, on either engine. */
#define COMPLETE_SET "channel = ?, state = 'submitted', version = ?, answers = ?, page = '', " \
	"updated_at = ?, submitted_at = ?, entered_by = ?, respondent = COALESCE(?, respondent), " \
	"link = COALESCE(?, link) WHERE id = ? RETURNING id"

/*
 * The partial response `id` becomes the submitted one, under a new id (*out):
 * responses are read on in id order (the comment worker's comments_through),
 * and one begun long ago would otherwise be submitted behind the reader.
 * PostgreSQL takes the id from the column's sequence; on SQLite the one
 * writer takes the next above every row, as an insert would.
 */
static int
complete(struct db_conn *c, const struct response_submit *r, int64_t id, int64_t *out)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, db_conn_engine(c) == DB_POSTGRESQL ?
	    "UPDATE survey_response SET id = DEFAULT, " COMPLETE_SET :
	    "UPDATE survey_response SET id = (SELECT max(id) + 1 FROM survey_response), "
	    COMPLETE_SET);
	db_bind_text(st, 1, str_c(survey_channel_name(r->channel)));
	db_bind_int(st, 2, r->version);
	db_bind_text(st, 3, r->answers);
	db_bind_int(st, 4, RESPONSE_TIME(r->now));
	db_bind_int(st, 5, RESPONSE_TIME(r->now));
	db_bind_int(st, 6, r->entered_by);
	bind_hash(st, 7, r->has_respondent ? r->respondent : NULL);
	bind_hash(st, 8, r->has_link ? r->link : NULL);
	db_bind_int(st, 9, id);
	if ((rc = db_row(st)) != 0)
		return rc;
	*out = db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc;
}

/* A new submitted response; ERR_DUPLICATE when its link is another's. */
static int
insert_submitted(struct db_conn *c, const struct response_submit *r, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "INSERT INTO survey_response (survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, submitted_at, entered_by, respondent, link) "
	    "VALUES (?, ?, 'submitted', ?, ?, '', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
	    "RETURNING id");
	db_bind_int(st, 1, r->survey_id);
	db_bind_text(st, 2, str_c(survey_channel_name(r->channel)));
	db_bind_int(st, 3, r->version);
	db_bind_text(st, 4, r->answers);
	db_bind_int(st, 5, RESPONSE_TIME(r->now));
	db_bind_int(st, 6, RESPONSE_TIME(r->now));
	db_bind_int(st, 7, RESPONSE_TIME(r->now));
	db_bind_int(st, 8, r->entered_by);
	bind_hash(st, 9, r->has_respondent ? r->respondent : NULL);
	bind_hash(st, 10, r->has_link ? r->link : NULL);
	rc = db_row(st);
	if (rc != 0)
		return rc == ERR_NOTFOUND ? ERR_DUPLICATE : rc;
	*id = db_col_int(st, 0);
	/* Stepped to its end, so the statement is done before the next (which
	 * may be outside a savepoint: submit_new). */
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc;
}

/* A response staff keyed in is their change, audited as theirs in its own
 * transaction.  ERR_NOTFOUND when they are not staff of the survey's
 * organisation. */
static int
audit_entered(struct db_conn *c, const struct response_job *j)
{
	char email[USER_EMAIL_SIZE];
	struct buf detail = BUF_INIT;
	struct actor who;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT email FROM staff_user WHERE id = ? AND org_id = ?");
	db_bind_int(st, 1, j->r.entered_by);
	db_bind_int(st, 2, j->sv->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	text_copy(email, sizeof(email), db_col_text(st, 0));
	who = (struct actor){ j->sv->org_id, j->r.entered_by, email };
	buf_printf(&detail, "{\"survey\":%lld,\"channel\":\"%s\"}", (long long)j->r.survey_id,
	    survey_channel_name(j->r.channel));
	rc = store_audit_append(j->s, c, &who, "response.enter", &detail, "response:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

/* What step 2 checks first: the survey, its state and its version. */
static int
check_survey(const struct response_job *j)
{
	const struct response_submit *r = &j->r;
	int rc;

	if (j->sv == NULL)
		return ERR_NOTFOUND;
	if ((rc = check_taking(j->sv, r->entered_by != 0, r->now)) != 0)
		return rc;
	/* The answers were checked against this version: another may mean
	 * other questions (respond.c reads them again against it). */
	return j->sv->version != r->version ? ERR_CONFLICT : 0;
}

/*
 * Step 2 for the most common response: a browser's, with no link, whose
 * browser has no response yet.  Its one write is the INSERT, which either
 * happens whole or not at all, so it needs no savepoint.  ERR_DUPLICATE
 * when the browser has a response (partial or submitted): submit_one
 * then sees which.
 */
static int
submit_new(struct db_conn *c, struct response_job *j)
{
	int rc = check_survey(j);

	return rc != 0 ? rc : insert_submitted(c, &j->r, &j->id);
}

/* Step 2, for one response, under its savepoint. */
static int
submit_one(struct db_conn *c, void *arg)
{
	struct response_job *j = arg;
	const struct response_submit *r = &j->r;
	struct found mine, linked;
	int64_t begun;
	int rc;

	if ((rc = check_survey(j)) != 0)
		return rc;
	if ((rc = find_by_respondent(c, r->survey_id, r->has_respondent ? r->respondent : NULL,
	    &mine)) != 0)
		return rc;
	if (mine.id != 0 && mine.state == RESPONSE_SUBMITTED)
		return ERR_DUPLICATE;
	if ((rc = find_by_link(c, r->survey_id, r->has_link ? r->link : NULL, &linked)) != 0)
		return rc;
	if (linked.id != 0 && linked.state != RESPONSE_PARTIAL)
		return ERR_DUPLICATE;
	/* The link's response takes the browser's place: its other partial
	 * response goes. */
	if (linked.id != 0 && mine.id != 0 && mine.id != linked.id &&
	    (rc = delete_response(c, mine.id)) != 0)
		return rc;
	begun = linked.id != 0 ? linked.id : mine.id;
	if (begun != 0) {
		/* Only a response begun before (with a code, say) may have a
		 * code waiting for it. */
		if ((rc = complete(c, r, begun, &j->id)) != 0 || (rc = survey_code_used(c, begun)) != 0)
			return rc;
	} else if ((rc = insert_submitted(c, r, &j->id)) != 0) {
		return rc;
	}
	return r->entered_by != 0 ? audit_entered(c, j) : 0;
}

static int
cmp_job_id(const void *a, const void *b)
{
	const struct response_job *x = *(const struct response_job *const *)a;
	const struct response_job *y = *(const struct response_job *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The coded fixed answers of written[0..n), one survey's responses, into
 * pack, in the order of their ids (n is a batch's at most: the pack is not
 * written yet); loose rows instead while the survey's older responses are
 * still to be coded, as the fill finds those by the loose rows they lack. */
static int
pack_run(struct db_conn *c, struct coded_pack *pack, bool uncoded,
    struct response_job **written, int n)
{
	struct buf coded = BUF_INIT;
	int i, rc = 0;

	for (i = 0; uncoded && i < n && rc == 0; i++)
		rc = write_coded(c, pack->survey_id, written[i]->id, written[i]->r.tally,
		    written[i]->r.tally_n, written[i]->r.channel, RESPONSE_TIME(written[i]->r.now));
	if (uncoded)
		return rc;
	qsort(written, (size_t)n, sizeof(*written), cmp_job_id);
	for (i = 0; i < n && rc == 0; i++) {
		buf_reset(&coded);
		survey_coded_write(written[i]->r.tally, written[i]->r.tally_n, written[i]->r.channel,
		    RESPONSE_TIME(written[i]->r.now), &coded);
		rc = buf_ok(&coded) ? coded_pack_add(c, pack, written[i]->id,
		    (const unsigned char *)coded.p, coded.n) : ERR_NOMEM;
	}
	buf_free(&coded);
	return rc;
}

/*
 * Writes what the run's n written responses to one survey add: their pack,
 * the counts of their items, and the survey's counts of responses and of
 * entries outside a full pack, packing those once they make a pack's worth.
 * On PostgreSQL in one statement (pg/response_batch.c), as each statement
 * is a round trip while other batches wait for this one's counts.
 */
static int
write_run(struct db_conn *c, int64_t survey_id, bool uncoded, struct response_job **written,
    int n, const struct survey_tally_item *items, int item_n)
{
	struct coded_pack pack;
	int64_t loose = 0;
	int rc;

	coded_pack_init(&pack, survey_id);
	rc = pack_run(c, &pack, uncoded, written, n);
	if (rc == 0 && db_conn_engine(c) == DB_POSTGRESQL)
		rc = counts_add_pg(c, &pack, items, item_n, n, &loose);
	else if (rc == 0 && (rc = coded_pack_flush(c, &pack)) == 0 &&
	    (rc = add_tally(c, survey_id, items, item_n, 1)) == 0)
		rc = count_submitted(c, survey_id, n, &loose);
	coded_pack_free(&pack);
	if (rc == 0 && loose >= CODED_PACK_SIZE)
		rc = coded_pack_loose(c, survey_id);
	return rc;
}

/* Step 3: what the run's written responses add to each survey's counts,
 * each item once, and their fixed answers coded for cross-tabs, one pack
 * for the run's responses to a survey rather than a row each (a row, its
 * index entry and its reference checked cost PostgreSQL more than the
 * 26 bytes in it).  A failure here fails the whole run, so a response is
 * never kept without its counts and codes. */
static int
count_run(struct db_conn *c, struct run *r, struct response_job **jobs, int n)
{
	struct survey_tally_item *items;
	struct tally_sum sum = { 0 };
	struct response_job **written;
	int i, k, m, item_n, rc = 0;

	if ((written = arena_array(&r->arena, (size_t)n, sizeof(*written))) == NULL)
		return ERR_NOMEM;
	arena_init(&sum.text, NULL, 0);
	for (k = 0; k < r->survey_n && rc == 0; k++) {
		tally_sum_clear(&sum);
		m = 0;
		for (i = 0; i < n && rc == 0; i++) {
			if (jobs[i]->job.rc != 0 || jobs[i]->sv != &r->surveys[k])
				continue;
			rc = tally_sum_add(&sum, jobs[i]->r.tally, jobs[i]->r.tally_n);
			written[m++] = jobs[i];
		}
		if (rc != 0 || m == 0)
			continue;
		if ((rc = tally_sum_list(&sum, &r->arena, &items, &item_n)) == 0)
			rc = write_run(c, r->surveys[k].id, r->uncoded[k], written, m, items, item_n);
	}
	tally_sum_clear(&sum);
	arena_free(&sum.text);
	return rc;
}

/* Whether j is the most common response: a browser's, with no link, not
 * keyed in by staff. */
static bool
is_browsers_own(const struct response_job *j)
{
	return j->r.has_respondent && !j->r.has_link && j->r.entered_by == 0;
}

/*
 * Step 2 on PostgreSQL for the run's most common responses, each browser's
 * first, in one statement (responses.h); those written, and those refused
 * by check_survey, are marked batched.  The rest, among them a browser
 * that has a response already or sends two in the run, go one at a time as
 * on SQLite, which says which they are.
 */
static int
submit_new_pg(struct db_conn *c, struct run *r, struct response_job **jobs, int n)
{
	struct response_new *list = arena_array(&r->arena, (size_t)n, sizeof(*list));
	struct response_job **of = arena_array(&r->arena, (size_t)n, sizeof(*of));
	int i, k, m = 0, rc;

	if (list == NULL || of == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		struct response_job *j = jobs[i];

		j->batched = false;
		if (!is_browsers_own(j))
			continue;
		if ((j->job.rc = check_survey(j)) != 0) {
			j->batched = true;
			continue;
		}
		for (k = 0; k < m; k++)
			if (of[k]->r.survey_id == j->r.survey_id &&
			    memcmp(of[k]->r.respondent, j->r.respondent, STORE_HASH_SIZE) == 0)
				break;
		if (k < m)
			continue;
		list[m].r = &j->r;
		of[m++] = j;
	}
	if ((rc = responses_insert_pg(c, &r->arena, list, m)) != 0)
		return rc;
	for (k = 0; k < m; k++) {
		if (list[k].id == 0)
			continue;
		of[k]->id = list[k].id;
		of[k]->batched = true;
	}
	return 0;
}

static int
responses_run(struct db_conn *c, struct db_job **all, int n)
{
	struct response_job **jobs = (struct response_job **)all;
	struct run r = { 0 };
	int i, rc;

	arena_init(&r.arena, NULL, 0);
	for (i = 0; i < n; i++)
		jobs[i]->batched = false;
	rc = lock_surveys(c, &r, jobs, n);
	if (rc == 0 && db_conn_engine(c) == DB_POSTGRESQL)
		rc = submit_new_pg(c, &r, jobs, n);
	for (i = 0; i < n && rc == 0; i++) {
		struct response_job *j = jobs[i];

		if (j->batched)
			continue;
		j->id = 0;
		rc = ERR_DUPLICATE;
		if (is_browsers_own(j))
			rc = submit_new(c, j);
		if (rc == ERR_DUPLICATE)
			rc = db_savepoint(c, submit_one, j);
		j->job.rc = rc;
		if (!db_failed(rc))
			rc = 0;
	}
	if (rc == 0)
		rc = count_run(c, &r, jobs, n);
	arena_free(&r.arena);
	return rc;
}

static void
response_done(struct db_job *job)
{
	struct response_job *j = (struct response_job *)job;

	if (job->rc == 0 && j->out)
		*j->out = j->id;
	j->done(j->arg, job->rc);
}

/*
 * Batches of responses lock their surveys shared (lock_surveys), so two
 * are written side by side, the second once 32 responses wait: a batch's
 * own statements and commit cost PostgreSQL about what 30 responses' rows
 * do, so a smaller batch beside the first costs the machine more than the
 * overlap gives back (bench/RESULTS.md, "survey responses on PostgreSQL").
 */
#define RESPONSES_SIDE_BY_SIDE 32

static const struct db_job_kind response_kind = {
	"response", responses_run, response_done, RESPONSES_SIDE_BY_SIDE
};

/* r's text and items, copied into a. */
static int
copy_submit(struct arena *a, const struct response_submit *from, struct response_submit *to)
{
	struct survey_tally_item *items;
	int i;

	*to = *from;
	to->answers = arena_str(a, from->answers);
	items = arena_array(a, (size_t)(from->tally_n > 0 ? from->tally_n : 1), sizeof(*items));
	if (to->answers.p == NULL || items == NULL)
		return ERR_NOMEM;
	for (i = 0; i < from->tally_n; i++) {
		items[i] = from->tally[i];
		items[i].question = arena_str(a, from->tally[i].question);
		items[i].row = arena_str(a, from->tally[i].row);
		items[i].value = arena_str(a, from->tally[i].value);
		if (!items[i].question.p || !items[i].row.p || !items[i].value.p)
			return ERR_NOMEM;
	}
	to->tally = items;
	to->tally_n = from->tally_n > 0 ? from->tally_n : 0;
	return 0;
}

int
store_response_submit(struct store *s, struct arena *a, const struct response_submit *r,
    int64_t *id, store_done_fn done, void *arg)
{
	struct response_job *j = arena_zalloc(a, sizeof(*j));
	int rc;

	if (j == NULL)
		return ERR_NOMEM;
	if ((rc = copy_submit(a, r, &j->r)) != 0)
		return rc;
	j->job.kind = &response_kind;
	j->s = s;
	j->out = id;
	j->done = done;
	j->arg = arg;
	return db_submit(s->db, &j->job);
}

/* A submission's result, waited for. */
struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished;
	int rc;
};

static void
wake(void *arg, int rc)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->lock);
	w->rc = rc;
	w->finished = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int
store_response_submit_wait(struct store *s, const struct response_submit *r, int64_t *id)
{
	struct waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0 };
	struct arena a;
	int rc;

	arena_init(&a, NULL, 0);
	rc = store_response_submit(s, &a, r, id, wake, &w);
	if (rc == 0) {
		pthread_mutex_lock(&w.lock);
		while (!w.finished)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = w.rc;
	}
	arena_free(&a);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return rc;
}

/* ---- saving, withdrawing, correcting ------------------------------------------------ */

struct response_change {
	struct store *s;
	const struct actor *who;
	int64_t survey_id;
	int64_t id;
	int version;
	const unsigned char *link;
	const unsigned char *respondent;
	struct str answers;
	struct str page;
	const struct survey_tally_item *old_tally, *new_tally;
	int old_n, new_n;
	int64_t now;
};

/* Saves into the partial response `id`, which takes the link; and the
 * browser, when it has no other response (saving never deletes one).
 * ERR_CONFLICT when the link is another survey's response's. */
static int
save_into(struct db_conn *c, const struct response_change *j, int64_t id, bool browser)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE survey_response SET version = ?, answers = ?, page = ?, "
	    "updated_at = ?, respondent = COALESCE(?, respondent), link = ? WHERE id = ?");
	db_bind_int(st, 1, j->version);
	db_bind_text(st, 2, j->answers);
	db_bind_text(st, 3, j->page);
	db_bind_int(st, 4, RESPONSE_TIME(j->now));
	bind_hash(st, 5, browser ? j->respondent : NULL);
	db_bind_blob(st, 6, j->link, STORE_HASH_SIZE);
	db_bind_int(st, 7, id);
	rc = db_exec(st);
	/* The browser's uniqueness was checked under the survey's lock: a
	 * duplicate can only be the link. */
	return rc == ERR_DUPLICATE ? ERR_CONFLICT : rc;
}

/* A new partial response; ERR_CONFLICT when its link is another's. */
static int
insert_partial(struct db_conn *c, const struct response_change *j, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "INSERT INTO survey_response (survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, respondent, link) "
	    "VALUES (?, 'online', 'partial', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
	    "RETURNING id");
	db_bind_int(st, 1, j->survey_id);
	db_bind_int(st, 2, j->version);
	db_bind_text(st, 3, j->answers);
	db_bind_text(st, 4, j->page);
	db_bind_int(st, 5, RESPONSE_TIME(j->now));
	db_bind_int(st, 6, RESPONSE_TIME(j->now));
	bind_hash(st, 7, j->respondent);
	db_bind_blob(st, 8, j->link, STORE_HASH_SIZE);
	rc = db_row(st);
	if (rc == 0)
		*id = db_col_int(st, 0);
	return rc == ERR_NOTFOUND ? ERR_CONFLICT : rc;
}

static int
save_fn(struct db_conn *c, void *arg)
{
	struct response_change *j = arg;
	struct found mine, linked;
	struct survey sv;
	int rc;

	if ((rc = store_survey_lock(c, j->survey_id, STORE_ANY_ORG, &sv)) != 0)
		return rc;
	if (!survey_is_open(&sv, j->now))
		return ERR_CONFLICT;
	if ((rc = find_by_respondent(c, j->survey_id, j->respondent, &mine)) != 0)
		return rc;
	if (mine.id != 0 && mine.state == RESPONSE_SUBMITTED)
		return ERR_DUPLICATE;
	if ((rc = find_by_link(c, j->survey_id, j->link, &linked)) != 0)
		return rc;
	if (linked.id != 0 && linked.state != RESPONSE_PARTIAL)
		return ERR_CONFLICT;
	if (linked.id != 0) {
		j->id = linked.id;
		return save_into(c, j, linked.id, mine.id == 0 || mine.id == linked.id);
	}
	/* A new link from a browser that has a partial response: the browser
	 * goes on with it, under the new link. */
	if (mine.id != 0) {
		j->id = mine.id;
		return save_into(c, j, mine.id, true);
	}
	return insert_partial(c, j, &j->id);
}

int
store_response_save(struct store *s, int64_t survey_id, int version,
    const unsigned char link[STORE_HASH_SIZE], const unsigned char *respondent,
    struct str answers, struct str page, int64_t now, int64_t *id)
{
	struct response_change j = { .s = s, .survey_id = survey_id, .version = version,
		.link = link, .respondent = respondent, .answers = answers, .page = page,
		.now = now };
	int rc;

	rc = db_write(s->db, save_fn, &j);
	if (rc == 0 && id)
		*id = j.id;
	return rc;
}

static int
withdraw_fn(struct db_conn *c, void *arg)
{
	struct response_change *j = arg;
	struct found linked;
	struct db_stmt *st;
	struct survey sv;
	int rc;

	if ((rc = store_survey_lock(c, j->survey_id, STORE_ANY_ORG, &sv)) != 0)
		return rc;
	if ((rc = find_by_link(c, j->survey_id, j->link, &linked)) != 0)
		return rc;
	if (linked.id == 0)
		return ERR_NOTFOUND;
	if (linked.state != RESPONSE_SUBMITTED || !survey_is_open(&sv, j->now))
		return ERR_CONFLICT;
	st = db_prepare(c, "UPDATE survey_response SET state = 'withdrawn', answers = '', "
	    "page = '', respondent = NULL, updated_at = ? WHERE id = ?");
	db_bind_int(st, 1, RESPONSE_TIME(j->now));
	db_bind_int(st, 2, linked.id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if ((rc = add_tally(c, j->survey_id, j->old_tally, j->old_n, -1)) != 0 ||
	    (rc = coded_forget(c, j->survey_id, linked.id)) != 0 ||
	    (rc = store_comments_forget(c, j->survey_id, linked.id, false)) != 0)
		return rc;
	return count_response(c, j->survey_id, -1);
}

int
store_response_withdraw(struct store *s, int64_t survey_id,
    const unsigned char link[STORE_HASH_SIZE], const struct survey_tally_item *tally,
    int tally_n, int64_t now)
{
	struct response_change j = { .s = s, .survey_id = survey_id, .link = link,
		.old_tally = tally, .old_n = tally_n, .now = now };

	return db_write(s->db, withdraw_fn, &j);
}

/*
 * Appends text to b as a JSON string of at most max bytes: when the whole
 * would not fit, it is cut at a character boundary (the audit log's detail
 * has a fixed size, and must stay JSON).  Returns whether all of it went in.
 */
static bool
add_json_cut(struct buf *b, struct str text, size_t max)
{
	struct buf quoted = BUF_INIT;
	struct str cut = text;
	size_t n;

	for (;;) {
		buf_reset(&quoted);
		buf_add_json_string(&quoted, cut);
		if (!buf_ok(&quoted) || quoted.n <= max || cut.n == 0)
			break;
		/* As much text as fits if the rest quotes as densely, and at
		 * least one byte less each time. */
		n = (size_t)((double)cut.n * (double)max / (double)quoted.n);
		cut.n = text_utf8_prefix((struct str){ cut.p, n < cut.n ? n : cut.n - 1 });
	}
	buf_add(b, quoted.p, quoted.n);
	buf_free(&quoted);
	return cut.n == text.n;
}

/* {"survey":12,"old":"...","new":"..."}: both versions of the answers. */
static void
correct_detail(struct buf *b, int64_t survey_id, struct str old, struct str next)
{
	bool whole;

	buf_printf(b, "{\"survey\":%lld,\"old\":", (long long)survey_id);
	whole = add_json_cut(b, old, RESPONSE_AUDIT_ANSWERS_MAX);
	buf_add_c(b, ",\"new\":");
	whole = add_json_cut(b, next, RESPONSE_AUDIT_ANSWERS_MAX) && whole;
	buf_add_c(b, whole ? "}" : ",\"cut\":true}");
}

/* Reads the response to correct (its channel and time into *channel and
 * *at) and the audit detail of its correction. */
static int
read_correction(struct db_conn *c, const struct response_change *j, struct buf *detail,
    enum survey_channel *channel, int64_t *at)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT entered_by, state, answers, channel, submitted_at "
	    "FROM survey_response WHERE id = ? AND survey_id = ?");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, j->survey_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (survey_channel_parse(db_col_text(st, 3), channel) != 0)
		*channel = SURVEY_ONLINE;
	if (!survey_response_correctable(*channel, db_col_int(st, 0)))
		return ERR_DENIED; /* the respondent's own answers are theirs */
	if (state_parse(db_col_text(st, 1)) != RESPONSE_SUBMITTED)
		return ERR_CONFLICT;
	*at = db_col_int(st, 4);
	correct_detail(detail, j->survey_id, db_col_text(st, 2), j->answers);
	return buf_ok(detail) ? 0 : ERR_NOMEM;
}

static int
correct_fn(struct db_conn *c, void *arg)
{
	struct response_change *j = arg;
	struct buf detail = BUF_INIT;
	enum survey_channel channel;
	struct db_stmt *st;
	struct survey sv;
	int64_t at;
	int rc;

	if ((rc = store_survey_lock(c, j->survey_id, j->who->org_id, &sv)) != 0)
		goto out;
	if ((rc = read_correction(c, j, &detail, &channel, &at)) != 0)
		goto out;
	st = db_prepare(c, "UPDATE survey_response SET answers = ?, updated_at = ? WHERE id = ?");
	db_bind_text(st, 1, j->answers);
	db_bind_int(st, 2, RESPONSE_TIME(j->now));
	db_bind_int(st, 3, j->id);
	if ((rc = db_exec(st)) != 0)
		goto out;
	if ((rc = add_tally(c, j->survey_id, j->old_tally, j->old_n, -1)) != 0 ||
	    (rc = add_tally(c, j->survey_id, j->new_tally, j->new_n, 1)) != 0 ||
	    (rc = coded_forget(c, j->survey_id, j->id)) != 0 ||
	    (rc = write_coded(c, j->survey_id, j->id, j->new_tally, j->new_n, channel, at)) != 0 ||
	    (rc = store_comments_forget(c, j->survey_id, j->id, true)) != 0)
		goto out;
	rc = store_audit_append(j->s, c, j->who, "response.correct", &detail, "response:%lld",
	    (long long)j->id);
out:
	buf_free(&detail);
	return rc;
}

int
store_response_correct(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t id, struct str answers, const struct survey_tally_item *old_tally, int old_n,
    const struct survey_tally_item *new_tally, int new_n, int64_t now)
{
	struct response_change j = { .s = s, .who = who, .survey_id = survey_id, .id = id,
		.answers = answers, .old_tally = old_tally, .old_n = old_n,
		.new_tally = new_tally, .new_n = new_n, .now = now };

	return db_write(s->db, correct_fn, &j);
}

/* ---- coding what was kept before ------------------------------------------------------ */

/* Responses coded a page at a time. */
#define FILL_PAGE 10000

struct fill_job {
	int64_t survey_id;
	store_items_fn fn;
	void *arg;
};

static int
fill_fn(struct db_conn *c, void *arg)
{
	struct fill_job *j = arg;
	const struct survey_tally_item *items;
	struct survey_response r;
	struct db_stmt *st, *each;
	struct survey sv;
	int64_t after = 0, got;
	int rc, n;

	if ((rc = store_survey_lock(c, j->survey_id, STORE_ANY_ORG, &sv)) != 0)
		return rc;
	st = db_prepare(c, "SELECT uncoded FROM survey WHERE id = ?");
	db_bind_int(st, 1, j->survey_id);
	if ((rc = db_row(st)) != 0 || db_col_int(st, 0) == 0)
		return rc;
	/* In pages, so that PostgreSQL's client never holds a million answers. */
	do {
		each = db_prepare(c, "SELECT " RESPONSE_COLUMNS " FROM survey_response r "
		    "WHERE survey_id = ? AND state = 'submitted' AND id > ? AND NOT EXISTS "
		    "(SELECT 1 FROM survey_coded k WHERE k.survey_id = r.survey_id AND "
		    "k.response_id = r.id) ORDER BY id LIMIT ?");
		db_bind_int(each, 1, j->survey_id);
		db_bind_int(each, 2, after);
		db_bind_int(each, 3, FILL_PAGE);
		for (got = 0; (rc = db_step(each)) == DB_ROW; got++) {
			response_from_row(each, &r);
			after = r.id;
			if ((rc = j->fn(j->arg, &r, &items, &n)) != 0 ||
			    (rc = write_coded(c, r.survey_id, r.id, items, n, r.channel,
			    r.submitted_at)) != 0)
				return rc;
		}
		if (rc < 0)
			return rc;
	} while (got == FILL_PAGE);
	st = db_prepare(c, "UPDATE survey SET uncoded = 0 WHERE id = ?");
	db_bind_int(st, 1, j->survey_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return coded_pack_loose(c, j->survey_id);
}

int
store_survey_coded_fill(struct store *s, int64_t survey_id, store_items_fn fn, void *arg)
{
	struct fill_job j = { survey_id, fn, arg };
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT uncoded FROM survey WHERE id = ?");
	db_bind_int(st, 1, survey_id);
	rc = db_row(st);
	if (rc == 0 && db_col_int(st, 0) == 0)
		rc = 1; /* nothing to code */
	db_put(s->db, c);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	return db_write(s->db, fill_fn, &j);
}

/* ---- abandoned unfinished responses ------------------------------------------------- */

/*
 * Part of store_housekeep, in its transaction: deletes the unfinished
 * responses the domain calls abandoned (survey_partials_abandoned_before),
 * at most RESPONSE_SWEEP_MAX each time.  Each survey that has any is locked
 * first, in id order, as every change of its responses locks it (so
 * nothing resumes, saves or sends one meanwhile on any server, and two
 * servers' sweeps, or a sweep and a batch of submissions, never deadlock);
 * two servers sweeping at once delete each response once.  An invitation
 * code that began a deleted response is let go of it (response_id 0), so
 * it works again: it was never used to send anything, and it still admits
 * one response at most.  Submitted and withdrawn responses are never
 * touched.
 */
#define RESPONSE_SWEEP_MAX 1000

int
store_responses_sweep(struct db_conn *c, int64_t now, int64_t *deleted)
{
	struct survey *ids = NULL, sv;
	struct db_stmt *st;
	struct arena a;
	int64_t before, left = RESPONSE_SWEEP_MAX, gone = 0;
	int i, n = 0, cap = 0, rc;

	arena_init(&a, NULL, 0);
	st = db_prepare(c, "SELECT id, opens_at, closes_at, closed_at FROM survey s WHERE EXISTS "
	    "(SELECT 1 FROM survey_response r WHERE r.survey_id = s.id AND r.state = 'partial') "
	    "ORDER BY id");
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&sv, 0, sizeof(sv));
		sv.id = db_col_int(st, 0);
		sv.opens_at = db_col_int(st, 1);
		sv.closes_at = db_col_int(st, 2);
		sv.closed_at = db_col_int(st, 3);
		if (n == cap) {
			struct survey *more = arena_array(&a, (size_t)(cap = cap ? cap * 2 : 64),
			    sizeof(*more));

			if (more == NULL) {
				rc = ERR_NOMEM;
				break;
			}
			if (n > 0)
				memcpy(more, ids, (size_t)n * sizeof(*more));
			ids = more;
		}
		ids[n++] = sv;
	}
	if (rc < 0)
		goto out;
	for (i = 0, rc = 0; i < n && left > 0 && rc == 0; i++) {
		/* Its state as the lock reads it: a close meanwhile counts. */
		if ((rc = store_survey_lock(c, ids[i].id, STORE_ANY_ORG, &sv)) != 0) {
			rc = rc == ERR_NOTFOUND ? 0 : rc; /* deleted meanwhile */
			continue;
		}
		before = survey_partials_abandoned_before(&sv, now);
		st = db_prepare(c, "UPDATE survey_code SET response_id = 0 WHERE response_id IN "
		    "(SELECT id FROM survey_response WHERE survey_id = ?1 AND state = 'partial' "
		    "AND updated_at < ?2 ORDER BY id LIMIT ?3)");
		db_bind_int(st, 1, sv.id);
		db_bind_int(st, 2, before);
		db_bind_int(st, 3, left);
		if ((rc = db_exec(st)) != 0)
			break;
		st = db_prepare(c, "DELETE FROM survey_response WHERE id IN "
		    "(SELECT id FROM survey_response WHERE survey_id = ?1 AND state = 'partial' "
		    "AND updated_at < ?2 ORDER BY id LIMIT ?3)");
		db_bind_int(st, 1, sv.id);
		db_bind_int(st, 2, before);
		db_bind_int(st, 3, left);
		if ((rc = db_exec(st)) != 0)
			break;
		gone += db_changes(st);
		left -= db_changes(st);
	}
out:
	arena_free(&a);
	if (deleted)
		*deleted = rc == 0 ? gone : 0;
	return rc;
}

/* ---- importing ------------------------------------------------------------------------ */

struct import_job {
	struct store *s;
	const struct actor *who;
	const struct response_import *imp;
	struct tally_sum sum;
	int64_t imported;
	int64_t skipped;
	int64_t by_channel[SURVEY_CHANNEL_N];
	struct errors *e;
};

/* The portable form of writing one imported response (PostgreSQL's is
 * COPY, pg/response_copy.c); its id into *id. */
static int
insert_imported(struct db_conn *c, const struct imported_response *r, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "INSERT INTO survey_response (survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, submitted_at, entered_by) "
	    "VALUES (?1, ?2, 'submitted', ?3, ?4, '', ?5, ?5, ?5, ?6) RETURNING id");
	db_bind_int(st, 1, r->survey_id);
	db_bind_text(st, 2, str_c(survey_channel_name(r->channel)));
	db_bind_int(st, 3, r->version);
	db_bind_text(st, 4, r->answers);
	db_bind_int(st, 5, r->at);
	db_bind_int(st, 6, r->entered_by);
	if ((rc = db_row(st)) != 0)
		return rc;
	*id = db_col_int(st, 0);
	return 0;
}

/* Every response of the source, written; their items summed, their fixed
 * answers coded into packs (coded_packs.h): ids come in increasing order. */
static int
import_rows(struct db_conn *c, struct import_job *j)
{
	const struct response_import *imp = j->imp;
	struct imported_response out = { imp->survey_id, SURVEY_PAPER, imp->version, { NULL, 0 },
		RESPONSE_TIME(imp->now), j->who->user_id };
	struct response_copy *copy = NULL;
	struct response_import_row row;
	struct buf entry = BUF_INIT;
	struct coded_pack pack;
	bool first = true;
	int64_t id;
	int rc, end;

	if (db_conn_engine(c) == DB_POSTGRESQL && (rc = response_copy_start(c, &copy)) != 0)
		return rc;
	coded_pack_init(&pack, imp->survey_id);
	for (;;) {
		memset(&row, 0, sizeof(row));
		if ((rc = imp->next(imp->arg, first, &row)) <= 0)
			break;
		first = false;
		if ((unsigned)row.channel >= SURVEY_CHANNEL_N) {
			rc = ERR_INVALID;
			break;
		}
		if ((rc = tally_sum_add(&j->sum, row.tally, row.tally_n)) != 0)
			break;
		out.channel = row.channel;
		out.answers = row.answers;
		rc = copy ? response_copy_row(copy, &out, &id) : insert_imported(c, &out, &id);
		if (rc != 0)
			break;
		buf_reset(&entry);
		survey_coded_write(row.tally, row.tally_n, row.channel, out.at, &entry);
		if (!buf_ok(&entry)) {
			rc = ERR_NOMEM;
			break;
		}
		if ((rc = coded_pack_add(c, &pack, id, (const unsigned char *)entry.p, entry.n)) != 0)
			break;
		j->imported++;
		j->by_channel[row.channel]++;
	}
	j->skipped = row.skipped;
	if (copy && (end = response_copy_end(copy, rc != 0)) != 0 && rc == 0)
		rc = end;
	if (rc == 0)
		rc = coded_pack_flush(c, &pack);
	coded_pack_free(&pack);
	buf_free(&entry);
	return rc;
}

/* {"survey":12,"responses":950,"skipped":3,"channels":{"paper":900,"phone":50}} */
static void
import_detail(const struct import_job *j, struct buf *b)
{
	int i, n = 0;

	buf_printf(b, "{\"survey\":%lld,\"responses\":%lld,\"skipped\":%lld,\"channels\":{",
	    (long long)j->imp->survey_id, (long long)j->imported, (long long)j->skipped);
	for (i = 0; i < SURVEY_CHANNEL_N; i++)
		if (j->by_channel[i] > 0)
			buf_printf(b, "%s\"%s\":%lld", n++ ? "," : "",
			    survey_channel_name((enum survey_channel)i), (long long)j->by_channel[i]);
	buf_add_c(b, "}}");
}

static int
import_fn(struct db_conn *c, void *arg)
{
	struct import_job *j = arg;
	struct survey_tally_item *items;
	struct buf detail = BUF_INIT;
	struct arena a;
	struct survey sv;
	int rc, item_n;

	/* A run tried again starts afresh. */
	tally_sum_clear(&j->sum);
	j->imported = j->skipped = 0;
	memset(j->by_channel, 0, sizeof(j->by_channel));
	errors_init(j->e);
	arena_init(&a, NULL, 0);
	if ((rc = store_survey_lock(c, j->imp->survey_id, j->who->org_id, &sv)) != 0)
		goto out;
	if (sv.version != j->imp->version) {
		errors_add(j->e, "version", "The survey was changed while the file was read: "
		    "import it again");
		rc = ERR_CONFLICT;
		goto out;
	}
	if ((rc = survey_check_entry(&sv, j->imp->now, j->e)) != 0)
		goto out;
	if ((rc = import_rows(c, j)) != 0 || j->imported == 0)
		goto out;
	if ((rc = tally_sum_list(&j->sum, &a, &items, &item_n)) != 0 ||
	    (rc = add_tally(c, j->imp->survey_id, items, item_n, 1)) != 0 ||
	    (rc = count_response(c, j->imp->survey_id, j->imported)) != 0)
		goto out;
	import_detail(j, &detail);
	rc = buf_ok(&detail) ? store_audit_append(j->s, c, j->who, "response.import", &detail,
	    "survey:%lld", (long long)j->imp->survey_id) : ERR_NOMEM;
out:
	buf_free(&detail);
	arena_free(&a);
	return rc;
}

int
store_responses_import(struct store *s, const struct actor *who,
    const struct response_import *imp, int64_t *imported, struct errors *e)
{
	struct errors mine;
	struct import_job j = { .s = s, .who = who, .imp = imp, .e = e ? e : &mine };
	int rc;

	arena_init(&j.sum.text, NULL, 0);
	rc = db_write(s->db, import_fn, &j);
	*imported = rc == 0 ? j.imported : 0;
	tally_sum_clear(&j.sum);
	arena_free(&j.sum.text);
	return rc;
}
