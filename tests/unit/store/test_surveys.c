/*
 * The store's surveys and responses (store_survey.h), on both databases:
 * surveys kept by version, with their history and the refusals (another's
 * copy, a breaking change once answered, a closed survey); opening,
 * closing and deleting; responses submitted once per browser through the
 * writer, keyed in by staff, kept partial and resumed by their link,
 * withdrawn with their counts, corrected by staff with an audit entry; and
 * the counts the results are read from, summed over many submissions, some
 * in one batch; and imports, all or nothing, counting what as many
 * submissions would.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "involve/store_comments.h"
#include "involve/store_survey.h"
#include "fixture.h"

TestSuite(surveys, .init = store_fixture_setup, .fini = store_fixture_teardown);

/* A time in 2027, not on the hour: responses keep theirs to the hour. */
#define NOW 1800001234LL
#define HOUR_OF(t) ((t) - (t) % 3600)

#define DEF_V1 "[{\"key\":\"p1\",\"questions\":[{\"key\":\"visit\",\"type\":\"single\"}]}]"
#define DEF_V2 "[{\"key\":\"p1\",\"questions\":[{\"key\":\"visit\",\"type\":\"single\"},"\
	"{\"key\":\"score\",\"type\":\"rating\"}]}]"

enum survey_state_for_test { DRAFT, SCHEDULED, OPEN };

#define S(text) { text, sizeof(text) - 1 }

/* What one response answering "yes", 4 and "agree" counts. */
static const struct survey_tally_item yes_items[] = {
	{ S(""), S(""), S(""), 1, 0 },
	{ S("visit"), S(""), S(""), 1, 0 },
	{ S("visit"), S(""), S("yes"), 1, 0 },
	{ S("score"), S(""), S(""), 1, 4 },
	{ S("score"), S(""), S("4"), 1, 0 },
	{ S("care"), S("nurses"), S("agree"), 1, 0 },
};
#define YES_N ((int)(sizeof(yes_items) / sizeof(yes_items[0])))

/* ... and one answering "no" and 2.5. */
static const struct survey_tally_item no_items[] = {
	{ S(""), S(""), S(""), 1, 0 },
	{ S("visit"), S(""), S(""), 1, 0 },
	{ S("visit"), S(""), S("no"), 1, 0 },
	{ S("score"), S(""), S(""), 1, 2.5 },
};
#define NO_N ((int)(sizeof(no_items) / sizeof(no_items[0])))

static struct actor
staff_of(int64_t org)
{
	return (struct actor){ org, 0, "officer@example.org" };
}

/* A member of staff of org, who keys in paper responses. */
static int64_t
make_clerk(int64_t org, const char *email)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.org_id = org;
	u.role = ROLE_OFFICER;
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$test");
	cr_assert_eq(store_user_create(st, &who, &u), 0);
	return u.id;
}

static int64_t
make_survey(int64_t org, enum survey_state_for_test state)
{
	struct survey sv;
	struct actor a = staff_of(org);

	memset(&sv, 0, sizeof(sv));
	sv.org_id = org;
	sv.title = str_c("Your visit to the clinic");
	sv.who = POLL_WHO_ANYONE;
	sv.opens_at = state == DRAFT ? 0 : state == SCHEDULED ? NOW + 3600 : NOW - 3600;
	sv.definition = str_c(DEF_V1);
	sv.next_option_id = 3;
	cr_assert_eq(store_survey_create(st, &a, &sv), 0);
	cr_assert_gt(sv.id, 0);
	cr_assert_eq(sv.version, 1);
	return sv.id;
}

static struct survey *
get_survey(int64_t id)
{
	struct survey *sv = NULL;

	cr_assert_eq(store_survey_get(st, &arena, id, &sv), 0, "survey %lld", (long long)id);
	return sv;
}

static struct survey_response *
get_response(int64_t survey, int64_t id)
{
	struct survey_response *r = NULL;

	cr_assert_eq(store_response_get(st, &arena, survey, id, &r), 0);
	return r;
}

/* A browser's (respondent) or a link's hash: n's bytes, told apart. */
static void
hash_of(int n, int kind, unsigned char out[STORE_HASH_SIZE])
{
	memset(out, n, STORE_HASH_SIZE);
	out[0] = (unsigned char)kind;
}

/* The survey's version now, as a handler reads it before checking answers
 * (1 for one that does not exist); safe from any thread. */
static int
version_now(int64_t survey)
{
	struct survey *sv;
	struct arena a;
	int v = 1;

	arena_init(&a, NULL, 0);
	if (store_survey_get(st, &a, survey, &sv) == 0)
		v = sv->version;
	arena_free(&a);
	return v;
}

/* A submission: browser and link 0 for none; checked against the survey's
 * version now. */
static struct response_submit
response(int64_t survey, int browser, int link, int64_t entered_by,
    const struct survey_tally_item *items, int item_n, const char *answers)
{
	struct response_submit r;

	memset(&r, 0, sizeof(r));
	r.survey_id = survey;
	r.version = version_now(survey);
	r.channel = entered_by ? SURVEY_PAPER : SURVEY_ONLINE;
	r.answers = str_c(answers);
	r.tally = items;
	r.tally_n = item_n;
	r.entered_by = entered_by;
	r.has_respondent = browser != 0;
	if (browser)
		hash_of(browser, 'r', r.respondent);
	r.has_link = link != 0;
	if (link)
		hash_of(link, 'l', r.link);
	r.now = NOW;
	return r;
}

static int
submit(int64_t survey, int browser, int link, int64_t entered_by,
    const struct survey_tally_item *items, int item_n, int64_t *id)
{
	struct response_submit r = response(survey, browser, link, entered_by, items, item_n,
	    "{\"answers\":{\"visit\":\"yes\"},\"other\":{}}");
	int64_t ignored;

	return store_response_submit_wait(st, &r, id ? id : &ignored);
}

static int
save(int64_t survey, int browser, int link, const char *answers, const char *page, int64_t now,
    int64_t *id)
{
	unsigned char l[STORE_HASH_SIZE], b[STORE_HASH_SIZE];
	int64_t ignored;

	hash_of(link, 'l', l);
	hash_of(browser, 'r', b);
	return store_response_save(st, survey, 1, l, browser ? b : NULL, str_c(answers),
	    str_c(page), now, id ? id : &ignored);
}

static int
withdraw(int64_t survey, int link, const struct survey_tally_item *items, int item_n,
    int64_t now)
{
	unsigned char l[STORE_HASH_SIZE];

	hash_of(link, 'l', l);
	return store_response_withdraw(st, survey, l, items, item_n, now);
}

static struct survey_response *
by_link(int64_t survey, int link)
{
	unsigned char l[STORE_HASH_SIZE];
	struct survey_response *r = NULL;
	int rc;

	hash_of(link, 'l', l);
	rc = store_response_by_link(st, &arena, survey, l, &r);
	cr_assert(rc == 0 || rc == ERR_NOTFOUND, "by_link: %d", rc);
	return rc == 0 ? r : NULL;
}

/* ---- reading the counts ------------------------------------------------------------- */

struct tally_find {
	const char *question, *row, *value;
	int64_t n;
	double total;
	int rows; /* every row the walk saw */
};

static int
tally_find(void *arg, const struct survey_tally_item *item)
{
	struct tally_find *f = arg;

	f->rows++;
	if (str_eq_c(item->question, f->question) && str_eq_c(item->row, f->row) &&
	    str_eq_c(item->value, f->value)) {
		f->n = item->n;
		f->total = item->total;
	}
	return 0;
}

static struct tally_find
tally(int64_t survey, const char *question, const char *row, const char *value)
{
	struct tally_find f = { question, row, value, 0, 0, 0 };

	cr_assert_eq(store_survey_tally(st, survey, tally_find, &f), 0);
	return f;
}

/* ---- the audit log ---------------------------------------------------------------------- */

struct find_action {
	const char *action;
	int n;
	char detail[AUDIT_DETAIL_MAX];
	char target[AUDIT_TARGET_MAX];
};

static int
find_action(void *arg, const struct audit_entry *e)
{
	struct find_action *f = arg;

	if (strcmp(e->action, f->action) == 0) {
		f->n++;
		memcpy(f->detail, e->detail, sizeof(f->detail));
		memcpy(f->target, e->target, sizeof(f->target));
	}
	return 0;
}

/* How many entries have this action; the last one's detail into f. */
static int
audited(const char *action, struct find_action *f)
{
	struct find_action mine;

	if (f == NULL)
		f = &mine;
	memset(f, 0, sizeof(*f));
	f->action = action;
	cr_assert_eq(store_audit_each(st, find_action, f), 0);
	return f->n;
}

/* ---- surveys ----------------------------------------------------------------------------- */

struct collect {
	int n;
	int64_t ids[16];
	int versions[16];
	char titles[16][64];
	int stop_after; /* 0: never */
};

static int
collect_survey(void *arg, const struct survey *sv)
{
	struct collect *c = arg;

	cr_assert_lt(c->n, 16);
	c->ids[c->n++] = sv->id;
	return 0;
}

Test(surveys, are_created_read_listed_and_updated_at_their_version)
{
	int64_t org = make_org("bury"), other = make_org("leeds"), a, b;
	struct actor staff = staff_of(org);
	struct collect list = { 0 };
	struct survey *sv, edit;
	struct errors e;

	a = make_survey(org, DRAFT);
	b = make_survey(org, OPEN);
	make_survey(other, OPEN);
	sv = get_survey(b);
	cr_assert_eq(sv->org_id, org);
	cr_assert(str_eq_c(sv->title, "Your visit to the clinic"));
	cr_assert(str_eq_c(sv->definition, DEF_V1));
	cr_assert_eq(sv->who, POLL_WHO_ANYONE);
	cr_assert_eq(sv->opens_at, NOW - 3600);
	cr_assert_eq(sv->closes_at, 0);
	cr_assert_eq(sv->closed_at, 0);
	cr_assert_eq(sv->version, 1);
	cr_assert_eq(sv->next_option_id, 3);
	cr_assert_eq(sv->responses, 0);
	cr_assert_gt(sv->created_at, 0);
	cr_assert_eq(sv->updated_at, sv->created_at);

	/* Newest first, in pages. */
	cr_assert_eq(store_survey_each(st, &arena, org, 0, 50, collect_survey, &list), 0);
	cr_assert_eq(list.n, 2);
	cr_assert_eq(list.ids[0], b);
	cr_assert_eq(list.ids[1], a);
	list.n = 0;
	cr_assert_eq(store_survey_each(st, &arena, org, b, 50, collect_survey, &list), 0);
	cr_assert_eq(list.n, 1);
	cr_assert_eq(list.ids[0], a);
	list.n = 0;
	cr_assert_eq(store_survey_each(st, &arena, org, 0, 1, collect_survey, &list), 0);
	cr_assert_eq(list.n, 1);

	/* An edit at the version it was read at. */
	edit = *get_survey(a);
	edit.title = str_c("Your stay on the ward");
	edit.definition = str_c(DEF_V2);
	edit.next_option_id = 5;
	edit.who = POLL_WHO_CODE;
	edit.closes_at = NOW + 86400;
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, NOW, &e), 0);
	cr_assert_eq(edit.version, 2);
	sv = get_survey(a);
	cr_assert(str_eq_c(sv->title, "Your stay on the ward"));
	cr_assert(str_eq_c(sv->definition, DEF_V2));
	cr_assert_eq(sv->next_option_id, 5);
	cr_assert_eq(sv->who, POLL_WHO_CODE);
	cr_assert_eq(sv->closes_at, NOW + 86400);
	cr_assert_eq(sv->version, 2);
	cr_assert_geq(sv->updated_at, sv->created_at);

	/* Someone else's copy, read at version 1, is refused. */
	edit.title = str_c("Stale");
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, NOW, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "version"));
	cr_assert(str_eq_c(get_survey(a)->title, "Your stay on the ward"));
	/* Another organisation's survey is not found. */
	edit.org_id = other;
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 2, false, NOW, &e), ERR_NOTFOUND);
	edit.id = a + 1000;
	edit.org_id = org;
	cr_assert_eq(store_survey_update(st, &staff, &edit, 2, false, NOW, &e), ERR_NOTFOUND);
	cr_assert_eq(store_survey_get(st, &arena, a + 1000, &sv), ERR_NOTFOUND);

	cr_assert_eq(audited("survey.create", NULL), 3);
	cr_assert_eq(audited("survey.update", NULL), 1);
}

static int
collect_version(void *arg, const struct survey_version *v)
{
	struct collect *c = arg;

	cr_assert_lt(c->n, 16);
	cr_assert(str_eq_c(v->changed_by, "officer@example.org"));
	cr_assert_gt(v->changed_at, 0);
	cr_assert(str_eq_c(v->definition, v->version == 1 ? DEF_V1 : DEF_V2));
	c->versions[c->n] = v->version;
	snprintf(c->titles[c->n], sizeof(c->titles[0]), "%.*s", (int)v->title.n, v->title.p);
	c->n++;
	return 0;
}

Test(surveys, keep_every_version_in_their_history)
{
	int64_t org = make_org("bury"), id = make_survey(org, DRAFT);
	struct actor staff = staff_of(org);
	struct collect hist = { 0 };
	struct survey edit;
	struct errors e;

	edit = *get_survey(id);
	edit.title = str_c("Second");
	edit.definition = str_c(DEF_V2);
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, NOW, &e), 0);
	edit.title = str_c("Third");
	cr_assert_eq(store_survey_update(st, &staff, &edit, 2, false, NOW, &e), 0);
	/* Opening is a change too: a form read before it cannot be saved over it. */
	cr_assert_eq(store_survey_open(st, &staff, id, NOW, &e), 0);
	cr_assert_eq(get_survey(id)->version, 4);
	edit.title = str_c("Fourth");
	cr_assert_eq(store_survey_update(st, &staff, &edit, 3, false, NOW, &e), ERR_CONFLICT);

	cr_assert_eq(store_survey_versions(st, &arena, id, collect_version, &hist), 0);
	cr_assert_eq(hist.n, 4);
	cr_assert_eq(hist.versions[0], 4);
	cr_assert_eq(hist.versions[3], 1);
	cr_assert_str_eq(hist.titles[0], "Third");
	cr_assert_str_eq(hist.titles[1], "Third");
	cr_assert_str_eq(hist.titles[2], "Second");
	cr_assert_str_eq(hist.titles[3], "Your visit to the clinic");
}

Test(surveys, refuse_a_breaking_change_once_answered_and_any_once_closed)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN);
	struct actor staff = staff_of(org);
	struct survey edit;
	struct errors e;

	/* No responses yet: a breaking change is taken. */
	edit = *get_survey(id);
	edit.definition = str_c(DEF_V2);
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 1, true, NOW, &e), 0);
	/* A partial response counts as an answer. */
	cr_assert_eq(save(id, 1, 1, "{}", "p1", NOW, NULL), 0);
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 2, true, NOW, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
	cr_assert_eq(get_survey(id)->version, 2);
	/* A change that keeps the answers meaningful is still taken. */
	edit.title = str_c("Wording fixed");
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 2, false, NOW, &e), 0);
	/* Once closed, nothing is. */
	cr_assert_eq(store_survey_close(st, &staff, id, NOW, &e), 0);
	edit.title = str_c("Too late");
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 4, false, NOW, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
}

Test(surveys, open_close_and_delete_by_the_rules)
{
	int64_t org = make_org("bury"), other = make_org("leeds"), id = make_survey(org, DRAFT);
	struct actor staff = staff_of(org), outsider = staff_of(other);
	struct survey *sv;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(store_survey_close(st, &staff, id, NOW, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
	cr_assert_eq(store_survey_open(st, &outsider, id, NOW, NULL), ERR_NOTFOUND);
	cr_assert_eq(store_survey_open(st, &staff, id, NOW, NULL), 0);
	sv = get_survey(id);
	cr_assert_eq(sv->opens_at, NOW);
	cr_assert(survey_is_open(sv, NOW));
	cr_assert_eq(store_survey_open(st, &staff, id, NOW + 1, NULL), ERR_CONFLICT);
	cr_assert_eq(store_survey_close(st, &outsider, id, NOW + 1, NULL), ERR_NOTFOUND);
	cr_assert_eq(store_survey_close(st, &staff, id, NOW + 2, NULL), 0);
	sv = get_survey(id);
	cr_assert_eq(sv->closed_at, NOW + 2);
	cr_assert_eq(survey_status(sv, NOW + 3), POLL_CLOSED);
	cr_assert_eq(store_survey_close(st, &staff, id, NOW + 3, NULL), ERR_CONFLICT);
	cr_assert_eq(store_survey_open(st, &staff, id, NOW + 3, NULL), ERR_CONFLICT);

	/* A scheduled survey may be opened early. */
	{
		int64_t later = make_survey(org, SCHEDULED);

		cr_assert_eq(store_survey_open(st, &staff, later, NOW, NULL), 0);
		cr_assert_eq(get_survey(later)->opens_at, NOW);
	}

	cr_assert_eq(store_survey_delete(st, &outsider, id), ERR_NOTFOUND);
	cr_assert_eq(store_survey_delete(st, &staff, id), 0);
	cr_assert_eq(store_survey_get(st, &arena, id, &sv), ERR_NOTFOUND);
	cr_assert_eq(store_survey_delete(st, &staff, id), ERR_NOTFOUND);
	cr_assert_eq(audited("survey.open", NULL), 2);
	cr_assert_eq(audited("survey.close", NULL), 1);
	{
		struct find_action f;

		cr_assert_eq(audited("survey.delete", &f), 1);
		cr_assert(strstr(f.detail, "Your visit to the clinic") != NULL, "%s", f.detail);
	}
}

/* ---- responses ----------------------------------------------------------------------------- */

Test(surveys, take_one_submitted_response_per_browser)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), first = 0, second = 0;
	struct survey_response *r;

	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, &first), 0);
	cr_assert_gt(first, 0);
	cr_assert_eq(get_survey(id)->responses, 1);
	cr_assert_eq(submit(id, 1, 0, 0, no_items, NO_N, NULL), ERR_DUPLICATE);
	cr_assert_eq(get_survey(id)->responses, 1);
	cr_assert_eq(tally(id, "visit", "", "no").n, 0, "a refused response counts nothing");
	cr_assert_eq(tally(id, "", "", "").n, 1);
	cr_assert_eq(submit(id, 2, 0, 0, no_items, NO_N, &second), 0);
	cr_assert_gt(second, first);
	cr_assert_eq(get_survey(id)->responses, 2);

	r = get_response(id, first);
	cr_assert_eq(r->id, first);
	cr_assert_eq(r->survey_id, id);
	cr_assert_eq(r->state, RESPONSE_SUBMITTED);
	cr_assert_eq(r->channel, SURVEY_ONLINE);
	cr_assert_eq(r->version, 1);
	cr_assert(str_eq_c(r->answers, "{\"answers\":{\"visit\":\"yes\"},\"other\":{}}"));
	cr_assert_eq(r->page.n, 0);
	cr_assert_eq(r->entered_by, 0);
	cr_assert_eq(r->submitted_at, HOUR_OF(NOW), "kept to the hour");
	cr_assert_eq(r->created_at, HOUR_OF(NOW));
	cr_assert_str_eq(response_state_name(r->state), "submitted");
	cr_assert_str_eq(response_state_name(RESPONSE_PARTIAL), "partial");
	cr_assert_str_eq(response_state_name(RESPONSE_WITHDRAWN), "withdrawn");
	/* Another survey's response is not found through this one. */
	{
		int64_t elsewhere = make_survey(org, OPEN);

		cr_assert_eq(store_response_get(st, &arena, elsewhere, first, &r), ERR_NOTFOUND);
		/* The same browser answers another survey. */
		cr_assert_eq(submit(elsewhere, 1, 0, 0, yes_items, YES_N, NULL), 0);
	}
}

Test(surveys, take_the_publics_responses_while_open_and_staffs_once_closed_too)
{
	int64_t org = make_org("bury"), id = make_survey(org, DRAFT), keyed = 0;
	int64_t clerk = make_clerk(org, "clerk@example.org");
	int64_t outsider = make_clerk(make_org("leeds"), "clerk@leeds.example.org");
	struct actor staff = staff_of(org);
	struct survey_response *r;
	struct find_action f;

	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, NULL), ERR_CONFLICT);
	cr_assert_eq(submit(id, 0, 0, clerk, yes_items, YES_N, NULL), ERR_CONFLICT,
	    "not before it opens, even by staff");
	cr_assert_eq(submit(id + 1000, 1, 0, 0, yes_items, YES_N, NULL), ERR_NOTFOUND);
	cr_assert_eq(store_survey_open(st, &staff, id, NOW - 10, NULL), 0);
	cr_assert_eq(store_survey_close(st, &staff, id, NOW - 5, NULL), 0);
	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, NULL), ERR_CONFLICT);
	/* Paper forms that came in late are keyed in after the close. */
	cr_assert_eq(submit(id, 0, 0, clerk, yes_items, YES_N, &keyed), 0);
	cr_assert_eq(submit(id, 0, 0, clerk, no_items, NO_N, NULL), 0, "staff key in many");
	r = get_response(id, keyed);
	cr_assert_eq(r->entered_by, clerk);
	cr_assert_eq(r->channel, SURVEY_PAPER);
	/* Keying one in is a change by staff: audited as theirs.  Another
	 * organisation's staff do not find the survey. */
	cr_assert_eq(audited("response.enter", &f), 2);
	cr_assert(strstr(f.detail, "\"channel\":\"paper\"") != NULL, "%s", f.detail);
	cr_assert_eq(submit(id, 0, 0, outsider, yes_items, YES_N, NULL), ERR_NOTFOUND);
	cr_assert_eq(audited("response.enter", NULL), 2);
	cr_assert_eq(get_survey(id)->responses, 2);
	cr_assert_eq(tally(id, "", "", "").n, 2, "a refusal after writing leaves nothing");
	/* A survey that closes by its time closes for the public at that time. */
	{
		int64_t timed = make_survey(org, OPEN);
		struct survey edit = *get_survey(timed);
		struct response_submit late = response(timed, 3, 0, 0, yes_items, YES_N, "{}");
		int64_t ignored;

		edit.closes_at = NOW;
		cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, NOW - 1, NULL), 0);
		late.version = version_now(timed);
		cr_assert_eq(store_response_submit_wait(st, &late, &ignored), ERR_CONFLICT);
		late.now = NOW - 1;
		cr_assert_eq(store_response_submit_wait(st, &late, &ignored), 0);
	}
}

Test(surveys, save_a_partial_response_and_submit_it_through_its_link)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), saved = 0, again = 0, done = 0;
	int64_t meanwhile = 0;
	struct survey_response *r;

	cr_assert_eq(save(id, 1, 1, "{\"answers\":{\"visit\":\"yes\"}}", "p2", NOW, &saved), 0);
	r = by_link(id, 1);
	cr_assert_not_null(r);
	cr_assert_eq(r->id, saved);
	cr_assert_eq(r->state, RESPONSE_PARTIAL);
	cr_assert(str_eq_c(r->page, "p2"));
	cr_assert_eq(r->submitted_at, 0);
	cr_assert_eq(get_survey(id)->responses, 0, "a partial response is not counted");
	cr_assert_eq(tally(id, "", "", "").rows, 0);

	/* Resumed and saved again: the same response. */
	cr_assert_eq(save(id, 1, 1, "{\"answers\":{\"visit\":\"no\"}}", "p3", NOW + 60, &again), 0);
	cr_assert_eq(again, saved);
	r = by_link(id, 1);
	cr_assert(str_eq_c(r->answers, "{\"answers\":{\"visit\":\"no\"}}"));
	cr_assert(str_eq_c(r->page, "p3"));

	/* Submitted through the link, it becomes the submitted one, under an
	 * id after every response submitted before it (what reads responses on
	 * in id order, as the comment worker does, finds it). */
	cr_assert_eq(submit(id, 2, 0, 0, yes_items, YES_N, &meanwhile), 0);
	cr_assert_gt(meanwhile, saved);
	cr_assert_eq(submit(id, 1, 1, 0, yes_items, YES_N, &done), 0);
	cr_assert_gt(done, meanwhile);
	cr_assert_eq(store_response_get(st, &arena, id, saved, &r), ERR_NOTFOUND);
	cr_assert_eq(by_link(id, 1)->id, done);
	r = get_response(id, done);
	cr_assert_eq(r->state, RESPONSE_SUBMITTED);
	cr_assert_eq(r->page.n, 0);
	cr_assert_eq(r->submitted_at, HOUR_OF(NOW));
	cr_assert(str_eq_c(r->answers, "{\"answers\":{\"visit\":\"yes\"},\"other\":{}}"));
	cr_assert_eq(get_survey(id)->responses, 2);
	cr_assert_eq(tally(id, "", "", "").n, 2);

	/* Once submitted, neither the link nor the browser submits or saves again. */
	cr_assert_eq(submit(id, 0, 1, 0, yes_items, YES_N, NULL), ERR_DUPLICATE);
	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, NULL), ERR_DUPLICATE);
	cr_assert_eq(save(id, 1, 1, "{}", "p1", NOW, NULL), ERR_DUPLICATE);
	cr_assert_eq(save(id, 0, 1, "{}", "p1", NOW, NULL), ERR_CONFLICT);
	cr_assert_eq(get_survey(id)->responses, 2);
	cr_assert_eq(tally(id, "", "", "").n, 2);
}

Test(surveys, resume_a_browsers_partial_response_and_only_while_open)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), first = 0, next = 0, other = 0;
	struct actor staff = staff_of(org);

	cr_assert_eq(save(id, 1, 1, "{}", "p1", NOW, &first), 0);
	/* The browser lost its link and starts again: it goes on with its
	 * response, under the new link. */
	cr_assert_eq(save(id, 1, 2, "{\"answers\":{}}", "p2", NOW, &next), 0);
	cr_assert_eq(next, first);
	cr_assert_null(by_link(id, 1));
	cr_assert_not_null(by_link(id, 2));
	/* No browser known (cookies refused): the link alone. */
	cr_assert_eq(save(id, 0, 3, "{}", "p1", NOW, &other), 0);
	cr_assert_neq(other, first);
	/* A second link in the same browser: both are kept while partial; the
	 * one submitted takes the browser's place and the other goes. */
	cr_assert_eq(save(id, 1, 3, "{}", "p2", NOW, NULL), 0);
	cr_assert_eq(submit(id, 1, 3, 0, yes_items, YES_N, NULL), 0);
	cr_assert_null(by_link(id, 2));
	cr_assert_eq(by_link(id, 3)->state, RESPONSE_SUBMITTED);
	cr_assert_eq(get_survey(id)->responses, 1);
	/* Not while the survey is closed, nor for one that is not there. */
	cr_assert_eq(store_survey_close(st, &staff, id, NOW, NULL), 0);
	cr_assert_eq(save(id, 4, 4, "{}", "p1", NOW + 1, NULL), ERR_CONFLICT);
	cr_assert_eq(save(id + 1000, 4, 4, "{}", "p1", NOW, NULL), ERR_NOTFOUND);
	cr_assert_null(by_link(id, 4));
}

Test(surveys, withdraw_a_response_and_its_counts_with_it)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), gone = 0;
	struct actor staff = staff_of(org);
	struct survey_response *r;
	struct tally_find f;

	cr_assert_eq(submit(id, 1, 1, 0, yes_items, YES_N, &gone), 0);
	cr_assert_eq(submit(id, 2, 2, 0, no_items, NO_N, NULL), 0);
	cr_assert_eq(tally(id, "", "", "").n, 2);
	cr_assert_eq(tally(id, "score", "", "").total, 6.5);

	cr_assert_eq(withdraw(id, 1, yes_items, YES_N, NOW + 60), 0);
	r = get_response(id, gone);
	cr_assert_eq(r->state, RESPONSE_WITHDRAWN);
	cr_assert_eq(r->answers.n, 0, "its answers are deleted");
	cr_assert_eq(get_survey(id)->responses, 1);
	/* The counts are the other response's alone. */
	f = tally(id, "score", "", "");
	cr_assert_eq(f.n, 1);
	cr_assert_eq(f.total, 2.5);
	cr_assert_eq(f.rows, NO_N, "counts that reach nothing are gone");
	cr_assert_eq(tally(id, "visit", "", "yes").n, 0);
	cr_assert_eq(tally(id, "visit", "", "no").n, 1);

	cr_assert_eq(withdraw(id, 1, yes_items, YES_N, NOW + 60), ERR_CONFLICT);
	cr_assert_eq(withdraw(id, 9, yes_items, YES_N, NOW + 60), ERR_NOTFOUND);
	/* A partial response is not withdrawn, but abandoned. */
	cr_assert_eq(save(id, 3, 3, "{}", "p1", NOW, NULL), 0);
	cr_assert_eq(withdraw(id, 3, yes_items, YES_N, NOW + 60), ERR_CONFLICT);
	/* The browser may answer again. */
	cr_assert_eq(submit(id, 1, 0, 0, no_items, NO_N, NULL), 0);
	cr_assert_eq(get_survey(id)->responses, 2);
	/* Not once the survey has closed. */
	cr_assert_eq(store_survey_close(st, &staff, id, NOW + 100, NULL), 0);
	cr_assert_eq(withdraw(id, 2, no_items, NO_N, NOW + 200), ERR_CONFLICT);
	cr_assert_eq(get_survey(id)->responses, 2);
	cr_assert_eq(tally(id, "", "", "").n, 2);
}

Test(surveys, correct_what_staff_keyed_in_with_an_audit_entry)
{
	int64_t org = make_org("bury"), other = make_org("leeds"), id = make_survey(org, OPEN);
	int64_t keyed = 0, own = 0, clerk = make_clerk(org, "clerk@example.org");
	struct actor staff = staff_of(org), outsider = staff_of(other);
	struct str fixed = str_c("{\"answers\":{\"visit\":\"no\"},\"other\":{}}");
	struct find_action f;
	json_t *detail;

	cr_assert_eq(submit(id, 0, 0, clerk, yes_items, YES_N, &keyed), 0);
	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, &own), 0);
	cr_assert_eq(store_response_correct(st, &staff, id, keyed, fixed, yes_items, YES_N,
	    no_items, NO_N, NOW), 0);
	cr_assert(str_eq(get_response(id, keyed)->answers, fixed));
	cr_assert_eq(tally(id, "visit", "", "yes").n, 1, "the respondent's own still counts");
	cr_assert_eq(tally(id, "visit", "", "no").n, 1);
	cr_assert_eq(tally(id, "score", "", "").total, 6.5);
	cr_assert_eq(tally(id, "", "", "").n, 2);
	cr_assert_eq(get_survey(id)->responses, 2);

	cr_assert_eq(audited("response.correct", &f), 1);
	detail = json_loads(f.detail, 0, NULL);
	cr_assert_not_null(detail, "%s", f.detail);
	cr_assert_str_eq(json_string_value(json_object_get(detail, "old")),
	    "{\"answers\":{\"visit\":\"yes\"},\"other\":{}}");
	cr_assert_str_eq(json_string_value(json_object_get(detail, "new")), fixed.p);
	cr_assert_eq(json_integer_value(json_object_get(detail, "survey")), id);
	json_decref(detail);

	/* The respondent's own answers are theirs alone. */
	cr_assert_eq(store_response_correct(st, &staff, id, own, fixed, yes_items, YES_N,
	    no_items, NO_N, NOW), ERR_DENIED);
	cr_assert_eq(store_response_correct(st, &outsider, id, keyed, fixed, no_items, NO_N,
	    yes_items, YES_N, NOW), ERR_NOTFOUND);
	cr_assert_eq(store_response_correct(st, &staff, id, keyed + 1000, fixed, no_items, NO_N,
	    yes_items, YES_N, NOW), ERR_NOTFOUND);
	cr_assert_eq(audited("response.correct", NULL), 1);
	cr_assert_eq(tally(id, "visit", "", "no").n, 1, "refusals change no count");
}

Test(surveys, audit_long_corrections_cut_to_valid_json)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), keyed = 0;
	int64_t clerk = make_clerk(org, "clerk@example.org");
	struct actor staff = staff_of(org);
	static char long_answers[12000];
	struct find_action f;
	json_t *detail;
	size_t i, n = 0;

	n += (size_t)snprintf(long_answers, sizeof(long_answers), "{\"answers\":{\"note\":\"");
	for (i = 0; n + 8 < sizeof(long_answers); i++)
		n += (size_t)snprintf(long_answers + n, sizeof(long_answers) - n, "%s",
		    i % 3 == 0 ? "\xc3\xa9" : i % 3 == 1 ? "\\\"" : "a");
	snprintf(long_answers + n, sizeof(long_answers) - n, "\"}}");
	cr_assert_eq(submit(id, 0, 0, clerk, yes_items, YES_N, &keyed), 0);
	cr_assert_eq(store_response_correct(st, &staff, id, keyed, str_c(long_answers), yes_items,
	    YES_N, no_items, NO_N, NOW), 0);
	cr_assert(str_eq_c(get_response(id, keyed)->answers, long_answers), "kept whole");
	cr_assert_eq(audited("response.correct", &f), 1);
	cr_assert_lt(strlen(f.detail), AUDIT_DETAIL_MAX - 1);
	detail = json_loads(f.detail, 0, NULL);
	cr_assert_not_null(detail, "the detail is JSON: %.200s", f.detail);
	cr_assert(json_is_true(json_object_get(detail, "cut")));
	cr_assert_gt(strlen(json_string_value(json_object_get(detail, "new"))), 500);
	json_decref(detail);
}

/* ---- walking the responses, and the counts ----------------------------------------------- */

struct walk {
	int n;
	int64_t ids[16];
	int stop_at; /* the call that returns 7; 0: none */
};

static int
walk_response(void *arg, const struct survey_response *r)
{
	struct walk *w = arg;

	cr_assert_lt(w->n, 16);
	cr_assert_eq(r->state, RESPONSE_SUBMITTED);
	cr_assert_gt(r->answers.n, 0);
	w->ids[w->n++] = r->id;
	return w->n == w->stop_at ? 7 : 0;
}

Test(surveys, walk_the_submitted_responses_in_id_order)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), ids[5];
	struct walk w = { 0 };
	int i;

	for (i = 0; i < 5; i++)
		cr_assert_eq(submit(id, i + 1, i + 1, 0, yes_items, YES_N, &ids[i]), 0);
	cr_assert_eq(save(id, 9, 9, "{}", "p1", NOW, NULL), 0);
	cr_assert_eq(withdraw(id, 3, yes_items, YES_N, NOW), 0);
	cr_assert_eq(submit(make_survey(org, OPEN), 1, 0, 0, yes_items, YES_N, NULL), 0);

	cr_assert_eq(store_response_each(st, id, 0, 0, walk_response, &w), 0);
	cr_assert_eq(w.n, 4, "partial, withdrawn and other surveys' responses are left out");
	cr_assert_eq(w.ids[0], ids[0]);
	cr_assert_eq(w.ids[1], ids[1]);
	cr_assert_eq(w.ids[2], ids[3]);
	cr_assert_eq(w.ids[3], ids[4]);
	/* In pages, after the last id seen. */
	memset(&w, 0, sizeof(w));
	cr_assert_eq(store_response_each(st, id, ids[1], 2, walk_response, &w), 0);
	cr_assert_eq(w.n, 2);
	cr_assert_eq(w.ids[0], ids[3]);
	cr_assert_eq(w.ids[1], ids[4]);
	memset(&w, 0, sizeof(w));
	cr_assert_eq(store_response_each(st, id, ids[4], 2, walk_response, &w), 0);
	cr_assert_eq(w.n, 0);
	/* The walk stops where fn says, with what it said. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	cr_assert_eq(store_response_each(st, id, 0, 0, walk_response, &w), 7);
	cr_assert_eq(w.n, 2);
}

Test(surveys, list_what_staff_keyed_in_newest_first)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), ids[4];
	int64_t clerk = make_clerk(org, "clerk@example.org");
	struct walk w = { 0 };

	cr_assert_eq(submit(id, 0, 0, clerk, yes_items, YES_N, &ids[0]), 0);
	cr_assert_eq(submit(id, 1, 1, 0, yes_items, YES_N, &ids[1]), 0);
	cr_assert_eq(submit(id, 0, 0, clerk, no_items, NO_N, &ids[2]), 0);
	cr_assert_eq(submit(id, 0, 0, clerk, no_items, NO_N, &ids[3]), 0);
	cr_assert_eq(submit(make_survey(org, OPEN), 0, 0, clerk, yes_items, YES_N, NULL), 0);

	cr_assert_eq(store_response_each_entered(st, id, 0, 0, walk_response, &w), 0);
	cr_assert_eq(w.n, 3, "the respondent's own and other surveys' are left out");
	cr_assert_eq(w.ids[0], ids[3]);
	cr_assert_eq(w.ids[1], ids[2]);
	cr_assert_eq(w.ids[2], ids[0]);
	/* In pages, before the last id seen. */
	memset(&w, 0, sizeof(w));
	cr_assert_eq(store_response_each_entered(st, id, ids[3], 1, walk_response, &w), 0);
	cr_assert_eq(w.n, 1);
	cr_assert_eq(w.ids[0], ids[2]);
	memset(&w, 0, sizeof(w));
	cr_assert_eq(store_response_each_entered(st, id, ids[0], 5, walk_response, &w), 0);
	cr_assert_eq(w.n, 0);
}

/* Many submissions in flight at once, so that the writer takes several in
 * one batch. */
struct flight {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int left;
	int ok, duplicate, other;
};

static void
landed(void *arg, int rc)
{
	struct flight *f = arg;

	pthread_mutex_lock(&f->lock);
	if (rc == 0)
		f->ok++;
	else if (rc == ERR_DUPLICATE)
		f->duplicate++;
	else
		f->other++;
	f->left--;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

#define FLIGHT_N 40

Test(surveys, sum_the_counts_of_many_submissions_some_in_one_batch)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), ids[FLIGHT_N];
	struct flight f = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, FLIGHT_N, 0, 0,
		0 };
	struct response_submit r;
	struct tally_find t;
	int i;

	/* Browsers 1..30 once each, and 10 of them a second time: in whatever
	 * batches the writer makes, each browser counts once. */
	for (i = 0; i < FLIGHT_N; i++) {
		r = response(id, i < 30 ? i + 1 : i - 29, 0, 0, i % 2 ? no_items : yes_items,
		    i % 2 ? NO_N : YES_N, "{\"answers\":{}}");
		cr_assert_eq(store_response_submit(st, &arena, &r, &ids[i], landed, &f), 0);
	}
	pthread_mutex_lock(&f.lock);
	while (f.left > 0)
		pthread_cond_wait(&f.cond, &f.lock);
	pthread_mutex_unlock(&f.lock);
	cr_assert_eq(f.ok, 30);
	cr_assert_eq(f.duplicate, 10);
	cr_assert_eq(f.other, 0);
	cr_assert_eq(get_survey(id)->responses, 30);

	/* The first 30: 15 "yes" (4) and 15 "no" (2.5). */
	t = tally(id, "", "", "");
	cr_assert_eq(t.n, 30);
	t = tally(id, "score", "", "");
	cr_assert_eq(t.n, 30);
	cr_assert_eq(t.total, 15 * 4 + 15 * 2.5);
	cr_assert_eq(tally(id, "visit", "", "yes").n, 15);
	cr_assert_eq(tally(id, "visit", "", "no").n, 15);
	cr_assert_eq(tally(id, "care", "nurses", "agree").n, 15);
	cr_assert_eq(tally(id, "score", "", "4").n, 15);
	cr_assert_eq(t.rows, YES_N + 1, "one row per item: the items of yes, and no's value");
}

/* One submission of a mixed batch and what became of it. */
struct slot {
	struct flight *f;
	int rc;
};

static void
slot_landed(void *arg, int rc)
{
	struct slot *s = arg;

	s->rc = rc;
	landed(s->f, rc);
}

#define MIXED_N 12

/* Every kind of response in flight at once, so that a batch holds several
 * kinds (PostgreSQL writes browsers' first responses in one statement and
 * the rest one at a time): each ends as it would alone. */
Test(surveys, take_a_mixed_batch_each_as_it_would_be_alone)
{
	int64_t org = make_org("bury"), open = make_survey(org, OPEN),
	    closed = make_survey(org, OPEN), clerk = make_clerk(org, "clerk@example.org"),
	    partial = 0, ids[MIXED_N];
	struct actor staff = staff_of(org);
	/* What an array literal must quote: quotes, backslashes, braces, commas. */
	const char *odd = "{\"answers\":{\"t\":\"caf\xc3\xa9 \\\\ \\\" {a,b} NULL\"},\"other\":{}}";
	struct flight f = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, MIXED_N, 0, 0,
		0 };
	struct slot slots[MIXED_N];
	struct response_submit r[MIXED_N];
	int i;

	cr_assert_eq(save(open, 1, 1, "{}", "p1", NOW, &partial), 0);
	cr_assert_eq(store_survey_close(st, &staff, closed, NOW, NULL), 0);
	r[0] = response(open, 1, 0, 0, yes_items, YES_N, odd);   /* completes its partial one */
	r[1] = response(open, 2, 0, 0, yes_items, YES_N, odd);   /* new */
	r[2] = response(open, 3, 0, 0, no_items, NO_N, "{}");    /* new ... */
	r[3] = response(open, 3, 0, 0, no_items, NO_N, "{}");    /* ... and again: refused */
	r[4] = response(closed, 4, 0, 0, yes_items, YES_N, "{}"); /* closed: refused */
	r[5] = response(open, 0, 5, 0, yes_items, YES_N, "{}");  /* a link's, no browser */
	r[6] = response(open, 0, 0, clerk, no_items, NO_N, "{}"); /* keyed in from paper */
	for (i = 7; i < MIXED_N; i++)
		r[i] = response(open, i, 0, 0, i % 2 ? no_items : yes_items, i % 2 ? NO_N : YES_N,
		    "{}");
	for (i = 0; i < MIXED_N; i++) {
		slots[i] = (struct slot){ &f, -1 };
		ids[i] = 0;
		cr_assert_eq(store_response_submit(st, &arena, &r[i], &ids[i], slot_landed,
		    &slots[i]), 0);
	}
	pthread_mutex_lock(&f.lock);
	while (f.left > 0)
		pthread_cond_wait(&f.cond, &f.lock);
	pthread_mutex_unlock(&f.lock);

	for (i = 0; i < MIXED_N; i++)
		cr_assert_eq(slots[i].rc, i == 3 ? ERR_DUPLICATE : i == 4 ? ERR_CONFLICT : 0,
		    "response %d: %d", i, slots[i].rc);
	cr_assert_gt(ids[0], partial, "the browser's partial response is the one submitted, "
	    "under a new id");
	cr_assert_eq(get_response(open, ids[0])->state, RESPONSE_SUBMITTED);
	cr_assert_eq(store_response_get(st, &arena, open, partial, &(struct survey_response *){ 0 }),
	    ERR_NOTFOUND);
	cr_assert(str_eq_c(get_response(open, ids[0])->answers, odd));
	cr_assert(str_eq_c(get_response(open, ids[1])->answers, odd), "%s",
	    get_response(open, ids[1])->answers.p);
	cr_assert_eq(get_survey(open)->responses, 10);
	cr_assert_eq(get_survey(closed)->responses, 0);
	cr_assert_eq(tally(open, "", "", "").n, 10);
	/* Yes: 0, 1, 5, 8 and 10; no: 2, 6, 7, 9 and 11. */
	cr_assert_eq(tally(open, "visit", "", "yes").n, 5);
	cr_assert_eq(tally(open, "visit", "", "no").n, 5);
	cr_assert_eq(tally(open, "score", "", "").total, 5 * 4 + 5 * 2.5);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response WHERE state = 'submitted'"),
	    10);
	cr_assert_eq(raw_count("SELECT (SELECT count(*) FROM survey_coded) + "
	    "(SELECT coalesce(sum(n), 0) FROM survey_coded_pack)"), 10,
	    "every response written has its coded answers, once");
}

/* Browser n's first response to survey, n up to 2^24 (hash_of's go to 255). */
static struct response_submit
many_browsers(int64_t survey, int n)
{
	struct response_submit r = response(survey, 1, 0, 0, n % 2 ? no_items : yes_items,
	    n % 2 ? NO_N : YES_N, "{\"answers\":{}}");

	r.respondent[1] = (unsigned char)(n >> 16);
	r.respondent[2] = (unsigned char)(n >> 8);
	r.respondent[3] = (unsigned char)n;
	return r;
}

#define SIDE_N 300

/*
 * Hundreds of responses in flight at once, so that on PostgreSQL the
 * writer's threads write batches of them side by side (each locking the
 * survey shared), and the survey closed in the middle of them: every
 * response is counted once, with its coded answers, and none is taken once
 * the close has returned.
 */
Test(surveys, write_batches_side_by_side_and_close_between_them)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), ids[3 * SIDE_N];
	struct flight before = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, SIDE_N, 0,
		0, 0 };
	struct flight across = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, SIDE_N, 0,
		0, 0 };
	struct flight after = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, SIDE_N, 0,
		0, 0 };
	struct flight *flights[3] = { &before, &across, &after };
	struct actor staff = staff_of(org);
	struct response_submit r;
	int i, k, taken;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < SIDE_N; i++) {
			r = many_browsers(id, k * SIDE_N + i);
			cr_assert_eq(store_response_submit(st, &arena, &r, &ids[k * SIDE_N + i], landed,
			    flights[k]), 0);
		}
		if (k == 0) {
			/* All of the first in, before any is closed out. */
			pthread_mutex_lock(&before.lock);
			while (before.left > 0)
				pthread_cond_wait(&before.cond, &before.lock);
			pthread_mutex_unlock(&before.lock);
		} else if (k == 1) {
			/* The second still in flight as the survey closes. */
			cr_assert_eq(store_survey_close(st, &staff, id, NOW, NULL), 0);
		}
	}
	for (k = 1; k < 3; k++) {
		pthread_mutex_lock(&flights[k]->lock);
		while (flights[k]->left > 0)
			pthread_cond_wait(&flights[k]->cond, &flights[k]->lock);
		pthread_mutex_unlock(&flights[k]->lock);
	}
	cr_assert_eq(before.ok, SIDE_N);
	cr_assert_eq(before.other, 0);
	/* Refused ones are ERR_CONFLICT: counted as other. */
	cr_assert_eq(across.ok + across.other, SIDE_N);
	cr_assert_eq(across.duplicate, 0);
	cr_assert_eq(after.ok, 0, "no response is taken once the close has returned");
	cr_assert_eq(after.other, SIDE_N);

	taken = before.ok + across.ok;
	cr_assert_eq(get_survey(id)->responses, taken);
	cr_assert_eq(tally(id, "", "", "").n, taken);
	cr_assert_eq(tally(id, "visit", "", "yes").n + tally(id, "visit", "", "no").n, taken);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response WHERE state = 'submitted'"),
	    taken);
	cr_assert_eq(raw_count("SELECT (SELECT count(*) FROM survey_coded) + "
	    "(SELECT coalesce(sum(n), 0) FROM survey_coded_pack)"), taken,
	    "every response written has its coded answers, once");
}

/* Two app servers submit the same browser's response at once: one counts. */
struct racer {
	struct store *s;
	int64_t survey;
	int rc;
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct response_submit r = response(x->survey, 5, 0, 0, yes_items, YES_N, "{}");
	int64_t id;

	x->rc = store_response_submit_wait(x->s, &r, &id);
	return NULL;
}

Test(surveys, count_one_browser_once_across_two_servers)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN);
	struct racer a = { st, id, 1 }, b = { open_store(), id, 1 };
	pthread_t ta, tb;

	cr_assert_eq(pthread_create(&ta, NULL, race, &a), 0);
	cr_assert_eq(pthread_create(&tb, NULL, race, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	store_close(b.s);
	cr_assert((a.rc == 0 && b.rc == ERR_DUPLICATE) || (a.rc == ERR_DUPLICATE && b.rc == 0),
	    "%d, %d", a.rc, b.rc);
	cr_assert_eq(get_survey(id)->responses, 1);
	cr_assert_eq(tally(id, "", "", "").n, 1);
}

static int
count_version(void *arg, const struct survey_version *v)
{
	(void)v;
	(*(int *)arg)++;
	return 0;
}

static int
count_response(void *arg, const struct survey_response *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

Test(surveys, leave_no_rows_once_deleted)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), kept = make_survey(org, OPEN);
	int64_t response = 0;
	struct actor staff = staff_of(org);
	struct survey_response *r;
	struct survey edit;
	int versions = 0, responses = 0;

	edit = *get_survey(id);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, NOW, NULL), 0);
	cr_assert_eq(submit(id, 1, 1, 0, yes_items, YES_N, &response), 0);
	cr_assert_eq(save(id, 2, 2, "{}", "p1", NOW, NULL), 0);
	cr_assert_eq(submit(kept, 1, 3, 0, yes_items, YES_N, NULL), 0);

	cr_assert_eq(store_survey_delete(st, &staff, id), 0);
	cr_assert_eq(store_survey_versions(st, &arena, id, count_version, &versions), 0);
	cr_assert_eq(versions, 0);
	cr_assert_eq(store_response_each(st, id, 0, 0, count_response, &responses), 0);
	cr_assert_eq(responses, 0);
	cr_assert_eq(store_response_get(st, &arena, id, response, &r), ERR_NOTFOUND);
	cr_assert_null(by_link(id, 2));
	cr_assert_eq(tally(id, "", "", "").rows, 0);
	/* Nothing of it is left anywhere: what the tables hold is the other's. */
	cr_assert_eq(raw_count("SELECT count(*) FROM survey"), 1);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_version"), 1);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response"), 1);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_tally"), YES_N);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_tally WHERE survey_id <> "
	    "(SELECT id FROM survey)"), 0);
	cr_assert_eq(raw_count("SELECT (SELECT count(*) FROM survey_coded) + "
	    "(SELECT coalesce(sum(n), 0) FROM survey_coded_pack)"), 1);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded WHERE survey_id <> "
	    "(SELECT id FROM survey)"), 0);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_coded_pack WHERE survey_id <> "
	    "(SELECT id FROM survey)"), 0);
	cr_assert_eq(store_survey_versions(st, &arena, kept, count_version, &versions), 0);
	cr_assert_eq(versions, 1);
	cr_assert_eq(store_response_each(st, kept, 0, 0, count_response, &responses), 0);
	cr_assert_eq(responses, 1);
	cr_assert_eq(tally(kept, "", "", "").n, 1);
	/* The browser and link of the deleted survey's responses are free. */
	cr_assert_eq(submit(kept, 2, 2, 0, yes_items, YES_N, NULL), 0);
}

/* ---- importing ------------------------------------------------------------------------------ */

/* A source of n responses: yes_items and no_items in turn, each on paper or
 * by phone; with fail_at > 0, an error instead of response fail_at. */
struct import_source {
	int n, at, fail_at, fail_rc;
	int firsts;          /* calls with first set */
	int64_t skipped;
	const char *answers; /* NULL: made up per row */
	char text[128];
};

static int
import_next(void *arg, bool first, struct response_import_row *row)
{
	struct import_source *src = arg;

	if (first) {
		src->at = 0;
		src->firsts++;
	}
	if (src->at == src->n) {
		row->skipped = src->skipped;
		return 0;
	}
	src->at++;
	if (src->at == src->fail_at)
		return src->fail_rc;
	snprintf(src->text, sizeof(src->text), "{\"answers\":{\"visit\":\"%s\",\"n\":%d},"
	    "\"other\":{}}", src->at % 2 ? "yes" : "no", src->at);
	row->answers = str_c(src->answers ? src->answers : src->text);
	row->channel = src->at % 3 == 0 ? SURVEY_PHONE : SURVEY_PAPER;
	row->tally = src->at % 2 ? yes_items : no_items;
	row->tally_n = src->at % 2 ? YES_N : NO_N;
	return 1;
}

static int
import(int64_t org, int64_t survey, struct import_source *src, int64_t *imported,
    struct errors *e)
{
	struct actor cli = { org, 0, "cli" };
	struct response_import imp = { survey, 1, import_next, src, NOW };
	int64_t ignored;

	if (e)
		errors_init(e);
	return store_responses_import(st, &cli, &imp, imported ? imported : &ignored, e);
}

/* Every count of a survey, as "question|row|value|n|total" lines in order. */
struct tally_text {
	char text[4096];
	size_t n;
};

static int
tally_line(void *arg, const struct survey_tally_item *it)
{
	struct tally_text *t = arg;

	t->n += (size_t)snprintf(t->text + t->n, sizeof(t->text) - t->n, "%.*s|%.*s|%.*s|%lld|%g\n",
	    (int)it->question.n, it->question.p, (int)it->row.n, it->row.p, (int)it->value.n,
	    it->value.p, (long long)it->n, it->total);
	cr_assert_lt(t->n, sizeof(t->text));
	return 0;
}

static void
tally_text(int64_t survey, struct tally_text *t)
{
	memset(t, 0, sizeof(*t));
	cr_assert_eq(store_survey_tally(st, survey, tally_line, t), 0);
}

Test(surveys, import_counts_what_one_by_one_submissions_count)
{
	int64_t org = make_org("bury"), one = make_survey(org, OPEN), all = make_survey(org, OPEN);
	int64_t clerk = make_clerk(org, "clerk@example.org"), imported = 0;
	struct import_source src = { .n = 301, .skipped = 4 };
	struct tally_text a, b;
	struct find_action f;
	json_t *detail;
	int i;

	for (i = 1; i <= src.n; i++)
		cr_assert_eq(submit(one, 0, 0, clerk, i % 2 ? yes_items : no_items,
		    i % 2 ? YES_N : NO_N, NULL), 0);
	cr_assert_eq(import(org, all, &src, &imported, NULL), 0);
	cr_assert_eq(imported, 301);
	cr_assert_eq(src.firsts, 1);
	tally_text(one, &a);
	tally_text(all, &b);
	cr_assert_str_eq(b.text, a.text);
	cr_assert_eq(tally(all, "score", "", "").total, 151 * 4 + 150 * 2.5);
	cr_assert_eq(get_survey(all)->responses, 301);

	/* Written as submitted, keyed in by the command line, with no browser or
	 * link, at the hour. */
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response WHERE state = 'submitted' "
	    "AND respondent IS NULL AND link IS NULL AND entered_by = 0 AND version = 1 AND "
	    "page = '' AND created_at = submitted_at AND updated_at = submitted_at AND "
	    "submitted_at = 1800000000"), 301);
	cr_assert_eq(HOUR_OF(NOW), 1800000000);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response WHERE channel = 'phone'"),
	    100);
	{
		struct walk w = { 0 };

		cr_assert_eq(store_response_each(st, all, 0, 3, walk_response, &w), 0);
		cr_assert_eq(w.n, 3);
		cr_assert(str_eq_c(get_response(all, w.ids[1])->answers,
		    "{\"answers\":{\"visit\":\"no\",\"n\":2},\"other\":{}}"));
	}
	cr_assert_eq(audited("response.import", &f), 1);
	detail = json_loads(f.detail, 0, NULL);
	cr_assert_not_null(detail, "%s", f.detail);
	cr_assert_eq(json_integer_value(json_object_get(detail, "survey")), all);
	cr_assert_eq(json_integer_value(json_object_get(detail, "responses")), 301);
	cr_assert_eq(json_integer_value(json_object_get(detail, "skipped")), 4);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(detail, "channels"),
	    "phone")), 100);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(detail, "channels"),
	    "paper")), 201);
	json_decref(detail);
}

Test(surveys, import_all_or_nothing)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), imported = 7;
	struct import_source src = { .n = 50 }, bad = { .n = 2000, .fail_at = 1999,
		.fail_rc = ERR_INVALID }, broken = { .n = 10, .fail_at = 5, .fail_rc = ERR_IO };
	struct tally_text before, after;

	cr_assert_eq(import(org, id, &src, NULL, NULL), 0);
	tally_text(id, &before);
	/* A source that gives up near its end, or fails: nothing of it stays. */
	cr_assert_eq(import(org, id, &bad, &imported, NULL), ERR_INVALID);
	cr_assert_eq(imported, 0);
	cr_assert_eq(import(org, id, &broken, &imported, NULL), ERR_IO);
	tally_text(id, &after);
	cr_assert_str_eq(after.text, before.text);
	cr_assert_eq(get_survey(id)->responses, 50);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response"), 50);
	cr_assert_eq(audited("response.import", NULL), 1);
	/* The store still writes afterwards. */
	cr_assert_eq(submit(id, 1, 1, 0, yes_items, YES_N, NULL), 0);
	cr_assert_eq(get_survey(id)->responses, 51);
	/* A source with nothing to give writes nothing, not even an entry. */
	src.n = 0;
	cr_assert_eq(import(org, id, &src, &imported, NULL), 0);
	cr_assert_eq(imported, 0);
	cr_assert_eq(audited("response.import", NULL), 1);
}

Test(surveys, import_only_into_an_opened_survey_of_ones_own_at_its_version)
{
	int64_t org = make_org("bury"), other = make_org("leeds");
	int64_t draft = make_survey(org, DRAFT), later = make_survey(org, SCHEDULED);
	int64_t closed = make_survey(org, OPEN), imported;
	struct import_source src = { .n = 3 };
	struct actor staff = staff_of(org);
	struct response_import imp = { closed, 1, import_next, &src, NOW };
	struct actor cli = { org, 0, "cli" };
	struct errors e;

	cr_assert_eq(import(org, draft, &src, NULL, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
	cr_assert_eq(import(org, later, &src, NULL, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
	cr_assert_eq(import(other, draft, &src, NULL, &e), ERR_NOTFOUND);
	cr_assert_eq(import(org, draft + 1000, &src, NULL, &e), ERR_NOTFOUND);
	/* Staff key responses into a closed survey too. */
	cr_assert_eq(store_survey_close(st, &staff, closed, NOW - 60, NULL), 0);
	/* ... but not into one changed since its answers were checked. */
	errors_init(&e);
	cr_assert_eq(store_responses_import(st, &cli, &imp, &imported, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "version"));
	imp.version = 2;
	cr_assert_eq(store_responses_import(st, &cli, &imp, &imported, &e), 0);
	cr_assert_eq(imported, 3);
	cr_assert_eq(get_survey(closed)->responses, 3);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response"), 3);
}

Test(surveys, import_keeps_any_text_exactly)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN);
	/* Escapes of every kind COPY's text format has its own for, and more
	 * rows than one piece of it. */
	struct import_source src = { .n = 6000, .answers = "{\"answers\":{\"t\":\"caf\xc3\xa9 "
		"\\\\ \\\" \\n\\r\\t back\\\\slash\"},\"raw\":\"\t\n\r\\\\N\"}" };
	struct survey_response *r;
	struct walk w = { 0 };

	cr_assert_eq(import(org, id, &src, NULL, NULL), 0);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response"), 6000);
	cr_assert_eq(store_response_each(st, id, 0, 1, walk_response, &w), 0);
	r = get_response(id, w.ids[0]);
	cr_assert(str_eq_c(r->answers, src.answers), "%s", r->answers.p);
	cr_assert_eq(tally(id, "", "", "").n, 6000);
}

/* ---- the version a response was checked against ------------------------------------------ */

Test(surveys, refuse_a_response_checked_against_a_version_changed_since)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), done = 0;
	struct actor staff = staff_of(org);
	struct survey edit = *get_survey(id);
	struct response_submit stale = response(id, 1, 0, 0, yes_items, YES_N, "{}");
	struct response_submit keyed = response(id, 0, 0, make_clerk(org, "c@example.org"),
	    yes_items, YES_N, "{}");
	int64_t ignored;

	/* Staff publish version 2 while both are on their way. */
	edit.definition = str_c(DEF_V2);
	cr_assert_eq(store_survey_update(st, &staff, &edit, 1, false, NOW, NULL), 0);
	cr_assert_eq(version_now(id), 2);
	cr_assert_eq(store_response_submit_wait(st, &stale, &ignored), ERR_CONFLICT);
	cr_assert_eq(store_response_submit_wait(st, &keyed, &ignored), ERR_CONFLICT,
	    "staff's too");
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_response"), 0, "nothing written");
	cr_assert_eq(tally(id, "", "", "").rows, 0);
	cr_assert_eq(get_survey(id)->responses, 0);
	/* Checked again against version 2, it goes, and the browser is free. */
	stale.version = 2;
	cr_assert_eq(store_response_submit_wait(st, &stale, &done), 0);
	cr_assert_eq(get_response(id, done)->version, 2);
	cr_assert_eq(get_survey(id)->responses, 1);
	cr_assert_eq(tally(id, "", "", "").n, 1);
}

/* ---- abandoned unfinished responses ------------------------------------------------------ */

#define DAY (24 * 3600LL)

/* Sets a response's last save behind the store's back. */
static void
touched_at(int64_t id, int64_t at)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE survey_response SET updated_at = %lld WHERE id = %lld",
	    (long long)at, (long long)id);
	raw_exec(sql);
}

static void
closed_at(int64_t survey, int64_t at)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE survey SET closed_at = %lld WHERE id = %lld",
	    (long long)at, (long long)survey);
	raw_exec(sql);
}

static int64_t
rows_of(int64_t survey, const char *state)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM survey_response WHERE survey_id = %lld "
	    "AND state = '%s'", (long long)survey, state);
	return raw_count(sql);
}

Test(surveys, sweep_unfinished_responses_idle_too_long_or_long_after_closing)
{
	int64_t org = make_org("bury"), open = make_survey(org, OPEN);
	int64_t closed = make_survey(org, OPEN), recent = make_survey(org, OPEN);
	int64_t idle = 0, fresh = 0, sent = 0, old_sent = 0, gone = 0, kept = 0, x = 0;
	struct actor staff = staff_of(org);

	cr_assert_eq(save(open, 1, 1, "{}", "p1", NOW, &idle), 0);
	cr_assert_eq(save(open, 2, 2, "{}", "p1", NOW, &fresh), 0);
	cr_assert_eq(save(open, 3, 3, "{}", "p1", NOW, &sent), 0);
	cr_assert_eq(submit(open, 3, 3, 0, yes_items, YES_N, &sent), 0);
	cr_assert_eq(submit(open, 4, 0, 0, yes_items, YES_N, &old_sent), 0);
	cr_assert_eq(save(closed, 1, 11, "{}", "p1", NOW, &gone), 0);
	cr_assert_eq(save(recent, 1, 21, "{}", "p1", NOW, &kept), 0);
	cr_assert_eq(store_survey_close(st, &staff, closed, NOW, NULL), 0);
	cr_assert_eq(store_survey_close(st, &staff, recent, NOW, NULL), 0);
	/* ... as if long ago, and a while ago. */
	closed_at(closed, NOW - 31 * DAY);
	closed_at(recent, NOW - 29 * DAY);
	/* Nobody came back for 91 days; the others only lately. */
	touched_at(idle, HOUR_OF(NOW) - 91 * DAY);
	touched_at(fresh, HOUR_OF(NOW) - 89 * DAY);
	touched_at(sent, HOUR_OF(NOW) - 400 * DAY);
	touched_at(old_sent, HOUR_OF(NOW) - 400 * DAY);
	touched_at(kept, HOUR_OF(NOW) - 60 * DAY);

	cr_assert_eq(store_housekeep(st, NOW), 0);
	cr_assert_eq(store_response_get(st, &arena, open, idle, &(struct survey_response *){ 0 }),
	    ERR_NOTFOUND, "idle for 91 days: gone");
	cr_assert_eq(get_response(open, fresh)->state, RESPONSE_PARTIAL, "89 days: kept");
	cr_assert_eq(get_response(open, sent)->state, RESPONSE_SUBMITTED, "sent: never touched");
	cr_assert_eq(get_response(open, old_sent)->state, RESPONSE_SUBMITTED);
	cr_assert_eq(rows_of(closed, "partial"), 0, "closed 31 days ago: every unfinished one");
	cr_assert_eq(get_response(recent, kept)->state, RESPONSE_PARTIAL,
	    "closed 29 days ago: kept a while yet");
	cr_assert_eq(get_survey(open)->responses, 2);
	cr_assert_eq(tally(open, "", "", "").n, 2, "the counts are the sent ones'");
	/* Sweeping again, here or on another server, finds nothing more. */
	{
		struct store *other = open_store();

		cr_assert_eq(store_housekeep(other, NOW), 0);
		store_close(other);
	}
	cr_assert_eq(store_housekeep(st, NOW), 0);
	cr_assert_eq(rows_of(open, "partial"), 1);
	cr_assert_eq(rows_of(open, "submitted"), 2);
	cr_assert_eq(rows_of(recent, "partial"), 1);
	/* A day later the survey closed 30 days ago has none either. */
	cr_assert_eq(store_housekeep(st, NOW + DAY + 1), 0);
	cr_assert_eq(rows_of(recent, "partial"), 0);
	/* The browser whose response went may begin again. */
	cr_assert_eq(save(open, 1, 5, "{}", "p1", NOW, &x), 0);
	cr_assert_neq(x, idle);
}

Test(surveys, sweep_lets_an_abandoned_responses_code_begin_again)
{
	int64_t org = make_org("bury"), id, batch = 0, first = 0, again = 0;
	unsigned char code[SECRET_HASH_BYTES], used[SECRET_HASH_BYTES], link[STORE_HASH_SIZE];
	unsigned char hashes[2][SECRET_HASH_BYTES];
	struct actor staff = staff_of(org);
	struct survey sv;
	int64_t ignored;

	memset(&sv, 0, sizeof(sv));
	sv.org_id = org;
	sv.title = str_c("Invited");
	sv.who = POLL_WHO_CODE;
	sv.opens_at = NOW - 3600;
	sv.definition = str_c(DEF_V1);
	sv.next_option_id = 3;
	cr_assert_eq(store_survey_create(st, &staff, &sv), 0);
	id = sv.id;
	memset(code, 'c', sizeof(code));
	memset(used, 'u', sizeof(used));
	memcpy(hashes[0], code, sizeof(code));
	memcpy(hashes[1], used, sizeof(used));
	cr_assert_eq(store_survey_codes_add(st, &staff, id, hashes, 2, NOW, &batch, NULL), 0);
	hash_of(1, 'l', link);
	cr_assert_eq(store_survey_code_start(st, id, code, link, NOW, &first), 0);
	hash_of(2, 'l', link);
	cr_assert_eq(store_survey_code_start(st, id, used, link, NOW, &ignored), 0);
	touched_at(first, HOUR_OF(NOW) - 100 * DAY);
	touched_at(ignored, HOUR_OF(NOW) - 100 * DAY);
	/* One of them was sent: its code is used up whatever its age. */
	{
		struct response_submit r = response(id, 0, 2, 0, yes_items, YES_N, "{}");

		cr_assert_eq(store_response_submit_wait(st, &r, &ignored), 0);
	}

	cr_assert_eq(store_housekeep(st, NOW), 0);
	cr_assert_eq(rows_of(id, "partial"), 0);
	cr_assert_eq(rows_of(id, "submitted"), 1);
	/* The code of the one swept begins a new response; the used one does not. */
	hash_of(3, 'l', link);
	cr_assert_eq(store_survey_code_start(st, id, code, link, NOW, &again), 0);
	cr_assert_neq(again, first);
	cr_assert_eq(by_link(id, 3)->state, RESPONSE_PARTIAL);
	hash_of(4, 'l', link);
	cr_assert_eq(store_survey_code_start(st, id, used, link, NOW, &ignored), ERR_CODE_SPENT);
	cr_assert_eq(raw_count("SELECT used FROM survey_code_batch"), 1);
}

/* ---- correcting imported responses -------------------------------------------------------- */

Test(surveys, correct_imported_paper_responses_but_never_the_respondents_own)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), own = 0, online = 0;
	struct import_source src = { .n = 3 };
	struct str fixed = str_c("{\"answers\":{\"visit\":\"no\"},\"other\":{}}");
	struct actor staff = staff_of(org);
	struct walk w = { 0 };
	struct find_action f;
	int64_t first;

	cr_assert_eq(import(org, id, &src, NULL, NULL), 0);
	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, &own), 0);
	/* Listed for correcting, newest first, the respondent's own left out. */
	cr_assert_eq(store_response_each_entered(st, id, 0, 0, walk_response, &w), 0);
	cr_assert_eq(w.n, 3);
	first = w.ids[2];
	cr_assert_eq(get_response(id, first)->entered_by, 0, "the command line names nobody");
	cr_assert_eq(get_response(id, first)->channel, SURVEY_PAPER);
	/* Row 1 said "yes": corrected to "no", audited as any correction. */
	cr_assert_eq(store_response_correct(st, &staff, id, first, fixed, yes_items, YES_N,
	    no_items, NO_N, NOW), 0);
	cr_assert(str_eq(get_response(id, first)->answers, fixed));
	cr_assert_eq(tally(id, "visit", "", "no").n, 2);
	cr_assert_eq(tally(id, "visit", "", "yes").n, 2, "row 3 and the respondent's");
	cr_assert_eq(audited("response.correct", &f), 1);
	cr_assert(strstr(f.target, "response:") != NULL);
	/* An online response is the respondent's, imported or not. */
	cr_assert_eq(store_response_correct(st, &staff, id, own, fixed, yes_items, YES_N,
	    no_items, NO_N, NOW), ERR_DENIED);
	raw_exec("UPDATE survey_response SET channel = 'online' WHERE entered_by = 0 AND "
	    "respondent IS NULL AND channel = 'phone'");
	memset(&w, 0, sizeof(w));
	cr_assert_eq(store_response_each_entered(st, id, 0, 0, walk_response, &w), 0);
	cr_assert_eq(w.n, 2, "an online row imported from an export is not listed");
	online = raw_count("SELECT id FROM survey_response WHERE channel = 'online' AND "
	    "respondent IS NULL");
	cr_assert_eq(store_response_correct(st, &staff, id, online, fixed, no_items, NO_N,
	    yes_items, YES_N, NOW), ERR_DENIED);
	cr_assert_eq(audited("response.correct", NULL), 1);
}

/* ---- invitation codes --------------------------------------------------------------------- */

static int
batch_count(void *arg, const struct code_batch *b)
{
	struct code_batch *last = arg;

	*last = *b;
	last->poll_id++; /* counts the batches seen */
	return 0;
}

Test(surveys, list_invitation_code_batches_and_withdraw_one)
{
	int64_t org = make_org("bury"), other = make_org("leeds"), id, id2, batch, batch2, resp;
	struct actor staff = staff_of(org), outsider = staff_of(other);
	unsigned char codes[3][SECRET_HASH_BYTES], link[STORE_HASH_SIZE];
	struct code_batch seen, got;
	struct survey *sv;
	struct errors e;

	id = make_survey(org, OPEN);
	id2 = make_survey(org, OPEN);
	sv = get_survey(id);
	sv->who = POLL_WHO_CODE;
	cr_assert_eq(store_survey_update(st, &staff, sv, sv->version, false, NOW, NULL), 0);
	sv = get_survey(id2);
	sv->who = POLL_WHO_CODE;
	cr_assert_eq(store_survey_update(st, &staff, sv, sv->version, false, NOW, NULL), 0);
	memset(codes, 0, sizeof(codes));
	codes[0][0] = 1;
	codes[1][0] = 2;
	codes[2][0] = 3;
	memset(link, 7, sizeof(link));
	errors_init(&e);
	cr_assert_eq(store_survey_codes_add(st, &staff, id, (const unsigned char (*)[SECRET_HASH_BYTES])
	    codes, 2, NOW, &batch, &e), 0);
	cr_assert_eq(store_survey_codes_add(st, &staff, id2, (const unsigned char (*)[SECRET_HASH_BYTES])
	    &codes[2], 1, NOW, &batch2, &e), 0);
	/* One code begins a response; the other is never used. */
	cr_assert_eq(store_survey_code_start(st, id, codes[0], link, NOW, &resp), 0);

	memset(&seen, 0, sizeof(seen));
	cr_assert_eq(store_survey_code_batches(st, id, batch_count, &seen), 0);
	cr_assert_eq(seen.poll_id, 1, "one batch");
	cr_assert_eq(seen.id, batch);
	cr_assert_eq(seen.issued, 2);
	cr_assert_eq(seen.used, 0, "a response under way is not a use yet");
	cr_assert_eq(seen.withdrawn_at, 0);

	cr_assert_eq(store_survey_codes_withdraw(st, &outsider, id, batch, NOW + 1), ERR_NOTFOUND);
	cr_assert_eq(store_survey_codes_withdraw(st, &staff, id, batch2, NOW + 1), ERR_NOTFOUND,
	    "another survey's batch");
	cr_assert_eq(store_survey_codes_withdraw(st, &staff, id, 999999, NOW + 1), ERR_NOTFOUND);
	cr_assert_eq(store_survey_codes_withdraw(st, &staff, id, batch, NOW + 1), 0);
	cr_assert_eq(store_survey_codes_withdraw(st, &staff, id, batch, NOW + 2), ERR_CONFLICT);
	cr_assert_eq(store_survey_code_batch_get(st, id, batch, &got), 0);
	cr_assert_eq(got.withdrawn_at, NOW + 1);
	cr_assert_eq(store_survey_code_batch_get(st, id, batch2, &got), ERR_NOTFOUND);
	/* Withdrawn: neither code leads anywhere; the other survey's still works. */
	cr_assert_eq(store_survey_code_start(st, id, codes[1], link, NOW + 3, &resp), ERR_CODE_SPENT);
	cr_assert_eq(store_survey_code_start(st, id, codes[0], link, NOW + 3, &resp), ERR_CODE_SPENT);
	link[0] = 8;
	cr_assert_eq(store_survey_code_start(st, id2, codes[2], link, NOW + 3, &resp), 0);
}

/* ---- free-text comments (store_comments.h) ---------------------------------------------- */

static struct survey_comment
comment(int64_t response, const char *text)
{
	return (struct survey_comment){ response, STR_LIT("why"), str_c(text), STR_LIT("en"),
		STR_LIT("[\"Staff\"]"), 5, STR_LIT(""), 0 };
}

static int
count_comment(void *arg, const struct survey_comment *c)
{
	(*(int *)arg)++;
	return 0;
}

static int
comments_of(int64_t survey)
{
	int n = 0;

	cr_assert_eq(store_comments_each(st, survey, count_comment, &n), 0);
	return n;
}

Test(surveys, comments_are_written_once_and_go_with_their_response)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), a = 0, b = 0, keyed = 0;
	int64_t clerk = make_clerk(org, "clerk@example.org");
	struct actor staff = staff_of(org);
	struct comment_unread unread[4];
	struct survey_comment list[3];
	int n;

	cr_assert_eq(submit(id, 1, 1, 0, yes_items, YES_N, &a), 0);
	cr_assert_eq(submit(id, 2, 0, 0, yes_items, YES_N, &b), 0);
	cr_assert_eq(submit(id, 0, 0, clerk, no_items, NO_N, &keyed), 0);
	cr_assert_eq(store_comments_unread(st, unread, 4, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(unread[0].survey_id, id);
	cr_assert_eq(unread[0].through, 0);

	/* Two workers read the same stretch: the second writes nothing. */
	list[0] = comment(a, "Kind staff");
	list[1] = comment(b, "Quick and \"careful\"");
	list[2] = comment(keyed, "From paper");
	cr_assert_eq(store_comments_write(st, id, 0, keyed, list, 3), 0);
	cr_assert_eq(store_comments_write(st, id, 0, keyed, list, 3), ERR_CONFLICT);
	cr_assert_eq(comments_of(id), 3);
	cr_assert_eq(store_comments_unread(st, unread, 4, &n), 0);
	cr_assert_eq(n, 0, "nothing left to read");

	/* Withdrawn: its comment goes, and nothing is read again. */
	cr_assert_eq(withdraw(id, 1, yes_items, YES_N, NOW), 0);
	cr_assert_eq(comments_of(id), 2);
	cr_assert_eq(store_comments_unread(st, unread, 4, &n), 0);
	cr_assert_eq(n, 0);

	/* Corrected: its comment goes and the worker reads on from before it;
	 * the rows after it are kept as they were. */
	cr_assert_eq(store_response_correct(st, &staff, id, keyed, str_c("{\"answers\":{}}"),
	    no_items, NO_N, yes_items, YES_N, NOW), 0);
	cr_assert_eq(comments_of(id), 1);
	cr_assert_eq(store_comments_unread(st, unread, 4, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(unread[0].through, keyed - 1);
	list[0] = comment(b, "Read again: kept as it was");
	list[1] = comment(keyed, "Corrected");
	cr_assert_eq(store_comments_write(st, id, keyed - 1, keyed, list, 2), 0);
	cr_assert_eq(comments_of(id), 2);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey_comment WHERE comment = "
	    "'Quick and \"careful\"'"), 1);
}

/* A response another writer has inserted and not yet committed: on
 * PostgreSQL with the survey's row locked shared, as a batch of responses
 * is written (beside this server's, or on another server). */
struct held_write {
	PGconn *pg;
	sqlite3 *db;
};

static int64_t
hold_write(struct held_write *h, int64_t survey)
{
	char sql[512];
	int64_t id;

	snprintf(sql, sizeof(sql), "INSERT INTO survey_response (survey_id, channel, state, "
	    "version, answers, created_at, updated_at, submitted_at) VALUES (%lld, 'online', "
	    "'submitted', 1, '{}', %lld, %lld, %lld) RETURNING id", (long long)survey,
	    HOUR_OF(NOW), HOUR_OF(NOW), HOUR_OF(NOW));
	if (pg) {
		PGresult *r;
		char lock[128];

		h->pg = PQconnectdb(url);
		snprintf(lock, sizeof(lock), "SELECT id FROM survey WHERE id = %lld FOR KEY SHARE",
		    (long long)survey);
		PQclear(PQexec(h->pg, "BEGIN"));
		r = PQexec(h->pg, lock);
		cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(h->pg));
		PQclear(r);
		r = PQexec(h->pg, sql);
		cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(h->pg));
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	} else {
		sqlite3_stmt *q;

		cr_assert_eq(sqlite3_open(path, &h->db), SQLITE_OK);
		sqlite3_busy_timeout(h->db, 10000);
		cr_assert_eq(sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
		cr_assert_eq(sqlite3_prepare_v2(h->db, sql, -1, &q, NULL), SQLITE_OK);
		cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
		id = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	return id;
}

static void
commit_held(struct held_write *h)
{
	if (pg) {
		PGresult *r = PQexec(h->pg, "COMMIT");

		cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(h->pg));
		PQclear(r);
		PQfinish(h->pg);
	} else {
		cr_assert_eq(sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h->db);
	}
}

struct settling {
	int64_t survey;
	int64_t newest;
	int rc;
	atomic_bool done;
};

static void *
settle(void *arg)
{
	struct settling *x = arg;

	x->rc = store_comments_settled(st, x->survey, &x->newest);
	atomic_store(&x->done, true);
	return NULL;
}

/*
 * The comment worker reads only as far as no response can still be
 * written below: while a write of a response is under way (its id taken,
 * not yet committed), store_comments_settled waits for it, then counts it.
 * Past it, the worker would move comments_through beyond a response
 * committed after it read, and never read that one.
 */
Test(surveys, comments_are_read_only_as_far_as_no_write_is_under_way)
{
	int64_t org = make_org("bury"), id = make_survey(org, OPEN), first = 0, held, newest = -1;
	struct settling x = { .survey = id };
	struct held_write h = { 0 };
	pthread_t t;

	cr_assert_eq(store_comments_settled(st, id, &newest), 0);
	cr_assert_eq(newest, 0, "no response yet");
	cr_assert_eq(submit(id, 1, 0, 0, yes_items, YES_N, &first), 0);
	cr_assert_eq(store_comments_settled(st, id, &newest), 0);
	cr_assert_eq(newest, first);

	held = hold_write(&h, id);
	cr_assert_gt(held, first);
	cr_assert_eq(pthread_create(&t, NULL, settle, &x), 0);
	usleep(300 * 1000);
	cr_assert_not(atomic_load(&x.done), "it waits for the write under way");
	commit_held(&h);
	pthread_join(t, NULL);
	cr_assert_eq(x.rc, 0);
	cr_assert_eq(x.newest, held, "then reads as far as it");
	cr_assert_eq(store_comments_settled(st, id + 1000, &newest), ERR_NOTFOUND);
}
