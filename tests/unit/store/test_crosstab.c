/*
 * Cross-tabulations counted from the coded fixed answers the store keeps
 * (survey_coded.h, store_survey_coded), on both databases: for random
 * responses (multiple choice, ratings, grids and rankings beside them,
 * every channel, many weeks, answers kept under an earlier version, some
 * withdrawn, some corrected, some imported), every pair of axes counts
 * exactly what crosstab_add counts from the answers themselves; so it does
 * once the entries are packed (coded_packs.h) and packed responses are
 * withdrawn and corrected, packs overlapping; and a database upgraded
 * from before coding (its rows missing) is coded once, to the same counts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/store_survey.h"
#include "involve/survey_coded.h"
#include "fixture.h"

TestSuite(crosstab, .init = store_fixture_setup, .fini = store_fixture_teardown);

/* A Monday in 2027, 09:00. */
#define BASE 1800871200LL
#define WEEK (7 * 24 * 3600)
#define WEEKS 12
#define RESPONSES 360

#define QUESTIONS \
	"{\"key\": \"qm\", \"type\": \"multiple\", \"text\": \"What helped?\"," \
	" \"options\": [\"x\", \"y\", \"z\", \"w\"]}," \
	"{\"key\": \"qr\", \"type\": \"rating\", \"text\": \"How was it?\"}," \
	"{\"key\": \"qg\", \"type\": \"grid\", \"text\": \"Agree?\", \"rows\": [\"r1\", \"r2\"]," \
	" \"options\": [\"Agree\", \"Disagree\"]}," \
	"{\"key\": \"qk\", \"type\": \"ranking\", \"text\": \"Rank\", \"options\": [\"k1\", \"k2\"]}," \
	"{\"key\": \"qt\", \"type\": \"text\", \"text\": \"Anything else?\"}"
static const char def_v1[] = "[{\"key\": \"p1\", \"questions\": ["
    "{\"key\": \"qs\", \"type\": \"single\", \"text\": \"Which ward?\","
    " \"options\": [\"a\", \"b\", \"c\"]}," QUESTIONS "]}]";
/* Version 2 adds a question and puts a new option first. */
static const char def_v2[] = "[{\"key\": \"p1\", \"questions\": ["
    "{\"key\": \"qn\", \"type\": \"likert\", \"text\": \"New?\"},"
    "{\"key\": \"qs\", \"type\": \"single\", \"text\": \"Which ward?\","
    " \"options\": [\"d\", \"a\", \"b\", \"c\"]}," QUESTIONS "]}]";

static struct survey_def
def_of(const char *text)
{
	struct survey_def d;
	struct errors e;
	int rc;

	errors_init(&e);
	rc = survey_def_parse(str_c(text), &arena, &d, &e);
	cr_assert_eq(rc, 0, "%s: %s", e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	return d;
}

/* Random answers as survey_answers_write keeps them, into b. */
static void
random_answers(unsigned *seed, int version, const struct survey_def *d, char *b, size_t size)
{
	static const char *const opts[] = { "x", "y", "z", "w" };
	size_t n = 0;
	int i, first = 1;

	n += (size_t)snprintf(b + n, size - n, "{\"answers\":{");
	if (rand_r(seed) % 5)
		n += (size_t)snprintf(b + n, size - n, "\"qs\":\"%s\"", version == 1 ?
		    (const char *[]){ "a", "b", "c" }[rand_r(seed) % 3] :
		    (const char *[]){ "a", "b", "c", "d" }[rand_r(seed) % 4]), first = 0;
	if (rand_r(seed) % 4) {
		n += (size_t)snprintf(b + n, size - n, "%s\"qm\":[", first ? "" : ",");
		first = 0;
		for (i = 0; i < 4; i++)
			if (rand_r(seed) % 2)
				n += (size_t)snprintf(b + n, size - n, "%s\"%s\"",
				    b[n - 1] == '[' ? "" : ",", opts[i]);
		n += (size_t)snprintf(b + n, size - n, "]");
	}
	if (rand_r(seed) % 4)
		n += (size_t)snprintf(b + n, size - n, "%s\"qr\":%d", first ? "" : ",",
		    1 + (int)(rand_r(seed) % 5)), first = 0;
	if (rand_r(seed) % 2)
		n += (size_t)snprintf(b + n, size - n, "%s\"qg\":{\"r1\":\"%s\"}", first ? "" : ",",
		    rand_r(seed) % 2 ? "Agree" : "Disagree"), first = 0;
	if (rand_r(seed) % 2)
		n += (size_t)snprintf(b + n, size - n, "%s\"qk\":[\"k2\",\"k1\"]", first ? "" : ","),
		    first = 0;
	if (version == 2 && rand_r(seed) % 2) {
		n += (size_t)snprintf(b + n, size - n, "%s\"qn\":\"%s\"", first ? "" : ",",
		    d->questions[0].options[rand_r(seed) % (unsigned)d->questions[0].option_n]
		    .value.p);
		first = 0;
	}
	snprintf(b + n, size - n, "},\"other\":{}}");
}

/* The tally items of answers under d, kept in a list. */
struct items {
	struct survey_tally_item list[64];
	char text[64][3][64];
	int n;
};

static int
keep_item(void *arg, const struct survey_tally_item *it)
{
	struct items *l = arg;
	const struct str *parts[3] = { &it->question, &it->row, &it->value };
	int k;

	cr_assert_lt(l->n, 64);
	l->list[l->n] = *it;
	for (k = 0; k < 3; k++) {
		cr_assert_lt(parts[k]->n, 64);
		memcpy(l->text[l->n][k], parts[k]->p, parts[k]->n);
		l->text[l->n][k][parts[k]->n] = '\0';
	}
	l->list[l->n].question = str_c(l->text[l->n][0]);
	l->list[l->n].row = str_c(l->text[l->n][1]);
	l->list[l->n].value = str_c(l->text[l->n][2]);
	l->n++;
	return 0;
}

static void
items_of(const struct survey_def *d, struct str answers, struct items *out)
{
	struct survey_answers ans;
	struct errors e;
	int rc;

	errors_init(&e);
	rc = survey_answers_parse(d, answers, &arena, &ans, &e);
	cr_assert_eq(rc, 0, "%.*s: %s %s", (int)answers.n, answers.p,
	    e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	out->n = 0;
	cr_assert_eq(survey_answers_tally(d, &ans, keep_item, out), 0);
}

/* ---- the two counts ------------------------------------------------------------------ */

struct brute {
	const struct survey_def *d;
	struct crosstab *x;
};

static int
brute_one(void *arg, const struct survey_response *r)
{
	struct brute *b = arg;
	struct survey_answers ans;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(survey_answers_parse(b->d, r->answers, &arena, &ans, &e), 0);
	crosstab_add(b->d, b->x, &ans, r->channel, r->submitted_at);
	return 0;
}

struct coded {
	const struct crosstab_codes *m;
	struct crosstab *x;
	int runs;
};

static int
coded_run(void *arg, const unsigned char *p, size_t n)
{
	struct coded *c = arg;

	c->runs++;
	return crosstab_add_coded(c->m, c->x, p, n);
}

static void
axis(const struct survey_def *d, const char *name, struct crosstab_axis *out)
{
	struct errors e;

	errors_init(&e);
	cr_assert_eq(crosstab_axis_of(d, str_c(name), "row", BASE, BASE + WEEKS * WEEK, out, &e),
	    0, "%s", name);
}

/* Compares the coded count of row by col with the count from the answers;
 * the number of cells that are not 0. */
static int
compare(int64_t survey, const struct survey_def *d, const char *row, const char *col)
{
	struct crosstab slow, fast;
	struct brute b = { d, &slow };
	struct coded c = { NULL, &fast, 0 };
	struct crosstab_codes *m;
	int i, full = 0;

	axis(d, row, &slow.row);
	axis(d, col, &slow.col);
	fast.row = slow.row;
	fast.col = slow.col;
	cr_assert_eq(crosstab_init(&slow, &arena), 0);
	cr_assert_eq(crosstab_init(&fast, &arena), 0);
	cr_assert_eq(store_response_each(st, survey, 0, 0, brute_one, &b), 0);
	cr_assert_eq(crosstab_codes_init(d, &fast, &arena, &m), 0);
	c.m = m;
	cr_assert_eq(store_survey_coded(st, survey, coded_run, &c), 0);
	for (i = 0; i < slow.row.value_n * slow.col.value_n; i++) {
		cr_assert_eq(fast.cells[i], slow.cells[i], "%s by %s, cell %d: %lld, not %lld", row,
		    col, i, (long long)fast.cells[i], (long long)slow.cells[i]);
		full += slow.cells[i] != 0;
	}
	return full;
}

static const char *const axes[] = { "qs", "qm", "qr", "qn", "channel", "week" };
#define AXIS_N ((int)(sizeof(axes) / sizeof(axes[0])))

static void
compare_all(int64_t survey, const struct survey_def *d)
{
	int i, j;

	for (i = 0; i < AXIS_N; i++)
		for (j = 0; j < AXIS_N; j++)
			if (i != j)
				cr_assert_gt(compare(survey, d, axes[i], axes[j]), 1, "%s by %s",
				    axes[i], axes[j]);
}

/* ---- the responses ---------------------------------------------------------------------- */

struct import_src {
	unsigned seed;
	const struct survey_def *d;
	int at, n;
	char text[1024];
	struct items items;
};

static int
import_next(void *arg, bool first, struct response_import_row *row)
{
	struct import_src *src = arg;

	if (first) {
		src->at = 0;
		src->seed = 7;
	}
	if (src->at++ == src->n)
		return 0;
	random_answers(&src->seed, 2, src->d, src->text, sizeof(src->text));
	items_of(src->d, str_c(src->text), &src->items);
	row->answers = str_c(src->text);
	row->channel = (enum survey_channel)(src->at % SURVEY_CHANNEL_N);
	row->tally = src->items.list;
	row->tally_n = src->items.n;
	return 1;
}

/* The coded entries the store keeps, loose and packed. */
static int64_t
coded_total(void)
{
	return raw_count("SELECT (SELECT count(*) FROM survey_coded) + "
	    "(SELECT coalesce(sum(n), 0) FROM survey_coded_pack)");
}

static void
link_of(int i, unsigned char out[STORE_HASH_SIZE])
{
	memset(out, 0, STORE_HASH_SIZE);
	memcpy(out, &i, sizeof(i));
	out[STORE_HASH_SIZE - 1] = 'l';
}

/* The ids of answered_survey's submitted responses, and who keyed them in. */
static int64_t ids[RESPONSES];
static struct actor staff;

/* A survey with random responses, as described at the top; its current
 * definition in *d. */
static int64_t
answered_survey(struct survey_def *d)
{
	struct survey_def v1 = def_of(def_v1), v2 = def_of(def_v2);
	int64_t org = make_org("wigan"), imported = 0;
	struct actor cli = { org, 0, "cli" };
	struct items before[1], after[1];
	struct import_src src = { .d = &v2, .n = 150 };
	struct response_import imp = { 0, 2, import_next, &src, BASE + 5 * WEEK };
	struct survey sv, edit;
	struct errors e;
	struct user u;
	unsigned seed = 12345;
	char text[1024];
	int i, version = 1;

	memset(&u, 0, sizeof(u));
	u.org_id = org;
	u.role = ROLE_OFFICER;
	snprintf(u.email, sizeof(u.email), "clerk@example.org");
	snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$test");
	cr_assert_eq(store_user_create(st, &who, &u), 0);
	staff = (struct actor){ org, u.id, "officer@example.org" };

	memset(&sv, 0, sizeof(sv));
	sv.org_id = org;
	sv.title = str_c("Your ward");
	sv.who = POLL_WHO_ANYONE;
	sv.opens_at = BASE - 60;
	sv.definition = str_c(def_v1);
	sv.next_option_id = 1;
	cr_assert_eq(store_survey_create(st, &staff, &sv), 0);

	for (i = 0; i < RESPONSES; i++) {
		struct response_submit r;
		struct items items;

		if (i == RESPONSES / 2) {
			edit = sv;
			edit.definition = str_c(def_v2);
			errors_init(&e);
			cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, BASE + 6 * WEEK,
			    &e), 0, "%s", e.n ? e.list[0].detail : "");
			version = 2;
		}
		random_answers(&seed, version, version == 1 ? &v1 : &v2, text, sizeof(text));
		items_of(version == 1 ? &v1 : &v2, str_c(text), &items);
		memset(&r, 0, sizeof(r));
		r.survey_id = sv.id;
		r.version = version;
		r.channel = (enum survey_channel)(rand_r(&seed) % SURVEY_CHANNEL_N);
		r.answers = str_c(text);
		r.tally = items.list;
		r.tally_n = items.n;
		r.entered_by = r.channel == SURVEY_ONLINE ? 0 : u.id;
		r.has_link = true;
		link_of(i, r.link);
		r.now = BASE + (int64_t)i * (WEEKS * WEEK) / RESPONSES + rand_r(&seed) % 3600;
		cr_assert_eq(store_response_submit_wait(st, &r, &ids[i]), 0, "response %d", i);
	}
	imp.survey_id = sv.id;
	errors_init(&e);
	cr_assert_eq(store_responses_import(st, &cli, &imp, &imported, &e), 0);
	cr_assert_eq(imported, 150);

	/* Withdrawn and corrected, a tenth each. */
	for (i = 0; i < RESPONSES; i += 7) {
		struct survey_response *r = NULL;
		unsigned char link[STORE_HASH_SIZE];

		cr_assert_eq(store_response_get(st, &arena, sv.id, ids[i], &r), 0);
		items_of(r->version == 1 ? &v1 : &v2, r->answers, before);
		if (r->entered_by == 0) {
			link_of(i, link);
			cr_assert_eq(store_response_withdraw(st, sv.id, link, before->list, before->n,
			    BASE + WEEKS * WEEK), 0);
			continue;
		}
		random_answers(&seed, 2, &v2, text, sizeof(text));
		items_of(&v2, str_c(text), after);
		cr_assert_eq(store_response_correct(st, &staff, sv.id, ids[i], str_c(text),
		    before->list, before->n, after->list, after->n, BASE + WEEKS * WEEK), 0);
	}
	*d = v2;
	return sv.id;
}

Test(crosstab, counts_from_codes_what_the_answers_count)
{
	struct survey_def d;
	int64_t survey = answered_survey(&d);

	cr_assert_eq(coded_total(),
	    raw_count("SELECT count(*) FROM survey_response WHERE state = 'submitted'"));
	/* The import's in a pack of its own. */
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded_pack WHERE n = 150"), 1);
	cr_assert_gt(raw_count("SELECT count(*) FROM survey_response WHERE state = 'withdrawn'"), 0);
	compare_all(survey, &d);
}

/* What the fill is given for a response: its items under the current
 * definition. */
struct fill {
	const struct survey_def *d;
	struct items items;
	int calls;
};

static int
fill_items(void *arg, const struct survey_response *r, const struct survey_tally_item **items,
    int *n)
{
	struct fill *f = arg;

	f->calls++;
	items_of(f->d, r->answers, &f->items);
	*items = f->items.list;
	*n = f->items.n;
	return 0;
}

Test(crosstab, codes_once_what_an_older_version_kept_uncoded)
{
	struct survey_def d;
	int64_t survey = answered_survey(&d);
	struct fill f = { &d, { .n = 0 }, 0 };
	int64_t kept = coded_total();
	char sql[200];

	/* As migration 010 leaves a database of the version before. */
	raw_exec("DELETE FROM survey_coded");
	raw_exec("DELETE FROM survey_coded_pack");
	raw_exec("UPDATE survey SET uncoded = 1 WHERE responses > 0");
	cr_assert_eq(store_survey_coded_fill(st, survey, fill_items, &f), 0);
	cr_assert_eq(f.calls, kept);
	/* Coded, then packed. */
	cr_assert_eq(coded_total(), kept);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded"), 0);
	snprintf(sql, sizeof(sql), "SELECT uncoded FROM survey WHERE id = %lld", (long long)survey);
	cr_assert_eq(raw_count(sql), 0);
	compare_all(survey, &d);
	/* Once. */
	cr_assert_eq(store_survey_coded_fill(st, survey, fill_items, &f), 0);
	cr_assert_eq(f.calls, kept);
}

/* One more online response, with a link of its own; its loose entries
 * counted as a pack's worth first, so its batch packs them all. */
static void
submit_packing(int64_t survey, int i)
{
	static const char text[] = "{\"answers\":{\"qs\":\"a\",\"qr\":4},\"other\":{}}";
	static const struct survey_tally_item items[] = {
		{ { "qs", 2 }, { "", 0 }, { "a", 1 }, 1, 0 },
		{ { "qr", 2 }, { "", 0 }, { "4", 1 }, 1, 4 },
	};
	struct response_submit r;
	int64_t id;

	raw_exec("UPDATE survey SET coded_loose = 5000");
	memset(&r, 0, sizeof(r));
	r.survey_id = survey;
	r.version = 2;
	r.channel = SURVEY_ONLINE;
	r.answers = str_c(text);
	r.tally = items;
	r.tally_n = 2;
	r.has_link = true;
	link_of(i, r.link);
	r.now = BASE + (WEEKS - 1) * WEEK;
	cr_assert_eq(store_response_submit_wait(st, &r, &id), 0);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded"), 0);
	cr_assert_eq(raw_count("SELECT coded_loose FROM survey"), 0);
}

/* Withdraws (online) or corrects (keyed in) answered_survey's response i. */
static void
change(int64_t survey, const struct survey_def *v1, const struct survey_def *v2, int i,
    unsigned *seed)
{
	struct survey_response *r = NULL;
	unsigned char link[STORE_HASH_SIZE];
	struct items before[1], after[1];
	struct survey_answers ans;
	struct errors e;
	char text[1024];

	cr_assert_eq(store_response_get(st, &arena, survey, ids[i], &r), 0);
	if (r->state != RESPONSE_SUBMITTED)
		return;
	/* A correction keeps the version: answers corrected once may be
	 * version 2's. */
	errors_init(&e);
	items_of(r->version == 1 && survey_answers_parse(v1, r->answers, &arena, &ans, &e) == 0 ?
	    v1 : v2, r->answers, before);
	if (r->entered_by == 0) {
		link_of(i, link);
		cr_assert_eq(store_response_withdraw(st, survey, link, before->list, before->n,
		    BASE + WEEKS * WEEK), 0);
		return;
	}
	random_answers(seed, 2, v2, text, sizeof(text));
	items_of(v2, str_c(text), after);
	cr_assert_eq(store_response_correct(st, &staff, survey, ids[i], str_c(text),
	    before->list, before->n, after->list, after->n, BASE + WEEKS * WEEK), 0);
}

/* Corrects the response id when it was keyed in from paper or the phone
 * (as an imported one may be), with new answers under d. */
static void
correct_keyed(int64_t survey, const struct survey_def *d, int64_t id, unsigned *seed)
{
	struct survey_response *r = NULL;
	struct items before[1], after[1];
	char text[1024];

	cr_assert_eq(store_response_get(st, &arena, survey, id, &r), 0);
	if (r->state != RESPONSE_SUBMITTED || r->channel == SURVEY_ONLINE)
		return;
	items_of(d, r->answers, before);
	random_answers(seed, 2, d, text, sizeof(text));
	items_of(d, str_c(text), after);
	cr_assert_eq(store_response_correct(st, &staff, survey, id, str_c(text), before->list,
	    before->n, after->list, after->n, BASE + WEEKS * WEEK), 0);
}

/* More imported responses than a batch of the writer holds (2048): their
 * pack is full enough that packing leaves it be (coded_packs.h). */
#define BIG_IMPORT 2100

Test(crosstab, counts_the_same_when_packed_responses_are_withdrawn_and_corrected)
{
	struct survey_def d, v1 = def_of(def_v1);
	int64_t survey = answered_survey(&d), first_imported, imported = 0, id;
	const char *submitted = "SELECT count(*) FROM survey_response WHERE state = 'submitted'";
	struct import_src src = { .d = &d, .n = BIG_IMPORT };
	struct response_import imp = { survey, 2, import_next, &src, BASE + 5 * WEEK };
	struct actor cli = { staff.org_id, 0, "cli" };
	struct errors e;
	unsigned seed = 99;
	int i;

	/* The batches' small packs, the import's and the corrected ones'
	 * loose entries, all in one pack. */
	submit_packing(survey, RESPONSES);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded_pack"), 1);
	cr_assert_eq(coded_total(), raw_count(submitted));
	compare_all(survey, &d);

	/* Out of the pack: corrected ones are loose again. */
	for (i = 1; i < RESPONSES; i += 5)
		change(survey, &v1, &d, i, &seed);
	cr_assert_eq(coded_total(), raw_count(submitted));
	cr_assert_gt(raw_count("SELECT count(*) FROM survey_coded"), 0);
	compare_all(survey, &d);

	/* A big import's pack, then the loose entries packed with the first
	 * pack and a new response: the new pack spans the import's ids, so a
	 * change of an imported response must find which of the two holds it. */
	first_imported = raw_count("SELECT max(id) FROM survey_response") + 1;
	errors_init(&e);
	cr_assert_eq(store_responses_import(st, &cli, &imp, &imported, &e), 0);
	cr_assert_eq(imported, BIG_IMPORT);
	submit_packing(survey, RESPONSES + 1);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded_pack a JOIN survey_coded_pack b "
	    "ON a.first_id < b.first_id AND b.first_id < a.last_id"), 1);
	for (id = first_imported; id < first_imported + BIG_IMPORT; id += 97)
		correct_keyed(survey, &d, id, &seed);
	for (i = 1; i < RESPONSES; i += 3)
		change(survey, &v1, &d, i, &seed);
	cr_assert_eq(coded_total(), raw_count(submitted));
	compare_all(survey, &d);

	/* Every response of a pack withdrawn or corrected: no pack is left
	 * empty. */
	for (i = 0; i < RESPONSES; i++)
		change(survey, &v1, &d, i, &seed);
	cr_assert_eq(coded_total(), raw_count(submitted));
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded_pack WHERE n = 0"), 0);
	compare_all(survey, &d);
}

Test(crosstab, refuse_entries_that_are_not_whole_and_a_question_by_itself)
{
	struct survey_def d = def_of(def_v2);
	static const struct survey_tally_item one[] = {
		{ { "qs", 2 }, { "", 0 }, { "a", 1 }, 1, 0 },
	};
	struct crosstab x;
	struct crosstab_codes *m;
	struct buf b = BUF_INIT;

	axis(&d, "qs", &x.row);
	axis(&d, "channel", &x.col);
	cr_assert_eq(crosstab_init(&x, &arena), 0);
	cr_assert_eq(crosstab_codes_init(&d, &x, &arena, &m), 0);
	survey_coded_write(one, 1, SURVEY_PHONE, BASE, &b);
	survey_coded_write(one, 1, SURVEY_PAPER, BASE, &b);
	cr_assert_eq(crosstab_add_coded(m, &x, (const unsigned char *)b.p, b.n), 0);
	/* "a" is the second option of version 2's "qs". */
	cr_assert_eq(x.cells[1 * SURVEY_CHANNEL_N + SURVEY_PHONE], 1);
	cr_assert_eq(x.cells[1 * SURVEY_CHANNEL_N + SURVEY_PAPER], 1);
	cr_assert_eq(crosstab_add_coded(m, &x, (const unsigned char *)b.p, b.n - 1), ERR_INVALID);
	/* Two entries of one size; a part of one is none. */
	cr_assert_eq(survey_coded_entry_size((const unsigned char *)b.p, b.n), b.n / 2);
	cr_assert_eq(survey_coded_entry_size((const unsigned char *)b.p, b.n / 2 - 1), 0);
	cr_assert_eq(survey_coded_entry_size((const unsigned char *)b.p, 0), 0);
	buf_free(&b);
	/* A question by itself is left to the answers. */
	axis(&d, "qs", &x.col);
	cr_assert_eq(crosstab_codes_init(&d, &x, &arena, &m), ERR_CONFLICT);
}
