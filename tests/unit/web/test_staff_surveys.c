/* Tests for the staff pages of surveys (handlers_staff_surveys.c,
 * handlers_staff_survey_build.c, handlers_staff_survey_responses.c,
 * survey_edit.c): hand-built requests through app_handle on a real SQLite
 * store.  The browser test (tests/browser/staff_surveys.test.mjs) walks the
 * whole flow; these check what it does not reach: another organisation's
 * survey, a viewer, where the domain's errors land on a form, and a key
 * renamed in the conditions that name it. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/respond.h"
#include "involve/secret.h"
#include "involve/store_survey.h"
#include "involve/survey_cache.h"
#include "exchange.h"

#define PASSWORD "correct-horse-battery-staple"

static struct web_fixture fx;
static const struct actor who = { 0, 0, "test" };

static void
setup(void)
{
	web_fixture_open(&fx, "staff-surveys");
}

static void
teardown(void)
{
	web_fixture_close(&fx);
}

TestSuite(staff_surveys, .init = setup, .fini = teardown, .timeout = 60);

/* Two pages: q1 (single, with "Other") and q2 (rating) on the first, q3
 * (text, shown only if q2 is more than 2) on the second. */
#define DEFINITION "[{\"key\":\"p1\",\"title\":\"About you\",\"questions\":[" \
	"{\"key\":\"q1\",\"type\":\"single\",\"text\":\"Do you work here?\",\"required\":true," \
	"\"options\":[\"Yes\",\"No\",{\"value\":\"other\",\"label\":\"Other\",\"other\":true}]}," \
	"{\"key\":\"q2\",\"type\":\"rating\",\"text\":\"How well do we listen?\"}]}," \
	"{\"key\":\"p2\",\"title\":\"More\",\"questions\":[{\"key\":\"q3\",\"type\":\"text\"," \
	"\"text\":\"Why?\",\"show_if\":{\"question\":\"q2\",\"greater_than\":2}}]}]"

static int64_t
make_survey(const struct org *o)
{
	struct actor a = { o->id, 0, "test" };
	struct survey sv;

	memset(&sv, 0, sizeof(sv));
	sv.org_id = o->id;
	sv.title = str_c("Your visit");
	sv.who = POLL_WHO_ANYONE;
	sv.definition = str_c(DEFINITION);
	sv.next_option_id = 1;
	cr_assert_eq(store_survey_create(fx.store, &a, &sv), 0);
	return sv.id;
}

static void
make_user(const struct org *o, enum role role, const char *email)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.org_id = o->id;
	u.role = role;
	snprintf(u.email, sizeof(u.email), "%s", email);
	cr_assert_eq(secret_password_hash(PASSWORD, u.password_hash), 0);
	cr_assert_eq(store_user_create(fx.store, &who, &u), 0);
}

static struct exchange *
call(enum http_method method, const char *target, const char *body, const char *cookie)
{
	struct exchange *x = exchange_new(method, target);

	if (body != NULL)
		exchange_body(x, "application/x-www-form-urlencoded", "%s", body);
	if (cookie != NULL && cookie[0])
		exchange_cookie(x, cookie);
	exchange_run(x, &fx.app);
	return x;
}

static void
assert_contains(const struct exchange *x, const char *needle)
{
	cr_assert_not_null(strstr(x->html, needle), "page lacks \"%s\":\n%s", needle, x->html);
}

static void
assert_lacks(const struct exchange *x, const char *needle)
{
	cr_assert_null(strstr(x->html, needle), "page has \"%s\":\n%s", needle, x->html);
}

/* Signs in as email: the session cookie and the CSRF token. */
static void
sign_in(const char *email, char *cookie, size_t cookie_size, char *csrf, size_t csrf_size)
{
	struct exchange *x;
	char body[256];
	const char *h, *v, *end;
	size_t n;

	snprintf(body, sizeof(body), "email=%s&password=" PASSWORD, email);
	x = call(HTTP_POST, "/staff/login", body, NULL);
	cr_assert_eq(x->res.status, 303, "sign-in failed: %s", x->html);
	h = exchange_response_header(x, "Set-Cookie", "involve_session=");
	cr_assert_not_null(h);
	n = strcspn(h, ";");
	cr_assert_lt(n, cookie_size);
	memcpy(cookie, h, n);
	cookie[n] = '\0';
	exchange_free(x);
	x = call(HTTP_GET, "/staff/", NULL, cookie);
	v = strstr(x->html, "name=\"csrf\" value=\"");
	cr_assert_not_null(v);
	v += strlen("name=\"csrf\" value=\"");
	end = strchr(v, '"');
	cr_assert_lt((size_t)(end - v), csrf_size);
	memcpy(csrf, v, (size_t)(end - v));
	csrf[end - v] = '\0';
	exchange_free(x);
}

/* The survey's definition as stored now. */
static struct survey *
stored(int64_t id, struct arena *a)
{
	struct survey *sv = NULL;

	cr_assert_eq(store_survey_get(fx.store, a, id, &sv), 0);
	return sv;
}

Test(staff_surveys, another_organisations_survey_is_not_found)
{
	int64_t id = make_survey(&fx.other);
	static const char *const paths[] = { "", "/details", "/versions", "/preview/1",
		"/pages/1", "/pages/1/questions/new?type=single", "/pages/new?after=1&type=text",
		"/questions/q1", "/questions/q1/delete", "/responses", "/responses/new",
		"/responses/1", "/results", "/export?format=csv" };
	char cookie[128], csrf[128], path[256], body[256];
	struct exchange *x;
	size_t i;

	make_user(&fx.org, ROLE_ADMIN, "admin@example.org");
	sign_in("admin@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(path, sizeof(path), "/staff/surveys/%lld%s", (long long)id, paths[i]);
		x = call(HTTP_GET, path, NULL, cookie);
		cr_expect_eq(x->res.status, 404, "GET %s: %d", path, x->res.status);
		exchange_free(x);
	}
	snprintf(path, sizeof(path), "/staff/surveys/%lld/questions/q1/delete", (long long)id);
	snprintf(body, sizeof(body), "csrf=%s&version=1", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	/* And its list is this organisation's alone. */
	x = call(HTTP_GET, "/staff/surveys", NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_lacks(x, "Your visit");
	exchange_free(x);
}

Test(staff_surveys, a_viewer_sees_the_survey_but_cannot_change_it)
{
	int64_t id = make_survey(&fx.org);
	char cookie[128], csrf[128], path[256], body[256];
	struct exchange *x;
	struct arena a;

	make_user(&fx.org, ROLE_VIEWER, "viewer@example.org");
	sign_in("viewer@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	snprintf(path, sizeof(path), "/staff/surveys/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Do you work here?");
	assert_contains(x, "Shown only if q2 is more than 2");
	assert_contains(x, "Results");
	assert_lacks(x, "Add a question");
	assert_lacks(x, "Move up");
	assert_lacks(x, "/delete");
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/surveys/%lld/questions/q2/move", (long long)id);
	snprintf(body, sizeof(body), "csrf=%s&version=1&direction=up", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 403);
	exchange_free(x);
	arena_init(&a, NULL, 0);
	cr_assert_eq(stored(id, &a)->version, 1, "nothing changed");
	arena_free(&a);
}

Test(staff_surveys, the_domains_errors_land_on_the_questions_fields)
{
	int64_t id = make_survey(&fx.org);
	char cookie[128], csrf[128], path[256], body[1024];
	struct exchange *x;

	make_user(&fx.org, ROLE_OFFICER, "officer@example.org");
	sign_in("officer@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	snprintf(path, sizeof(path), "/staff/surveys/%lld/pages/2/questions", (long long)id);
	/* A key another question has, an option that is also "other"'s value, and a
	 * condition about a question that is not before it. */
	snprintf(body, sizeof(body), "csrf=%s&version=1&type=single&key=Q1&text=Which%%3F"
	    "&options=A%%0Aother&other=yes&if_question=q9&if_op=equals&if_value=x", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 422, "%s", x->html);
	assert_contains(x, "<a href=\"#key\">Two questions have the key");
	assert_contains(x, "<a href=\"#other\">Two options have the value &#39;other&#39;");
	assert_contains(x, "<a href=\"#if_question\">A condition can only be about a question");
	assert_contains(x, "id=\"key-error\"");
	/* What was typed comes back. */
	assert_contains(x, ">A\nother</textarea>");
	exchange_free(x);
	/* A value a rating cannot be compared with goes beside the value. */
	snprintf(body, sizeof(body), "csrf=%s&version=1&type=text&text=Why%%3F"
	    "&if_question=q2&if_op=greater_than&if_value=lots", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "<a href=\"#if_value\">Compare &#39;q2&#39; with a number");
	exchange_free(x);
}

Test(staff_surveys, a_new_key_is_followed_by_the_conditions_that_name_it)
{
	int64_t id = make_survey(&fx.org);
	char cookie[128], csrf[128], path[256], body[512];
	struct exchange *x;
	struct arena a;
	struct survey *sv;

	make_user(&fx.org, ROLE_OFFICER, "officer@example.org");
	sign_in("officer@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	snprintf(path, sizeof(path), "/staff/surveys/%lld/questions/q2", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "value=\"q2\"");
	exchange_free(x);
	snprintf(body, sizeof(body), "csrf=%s&version=1&type=rating&key=listen"
	    "&text=How+well+do+we+listen%%3F&min=1&max=5", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 303, "%s", x->html);
	exchange_free(x);
	arena_init(&a, NULL, 0);
	sv = stored(id, &a);
	cr_assert_eq(sv->version, 2);
	cr_assert_not_null(strstr(sv->definition.p, "\"key\":\"listen\""));
	cr_assert_not_null(strstr(sv->definition.p, "{\"question\":\"listen\",\"greater_than\":2"),
	    "%.*s", (int)sv->definition.n, sv->definition.p);
	arena_free(&a);
	/* The same page sent again is from version 1: refused, nothing saved. */
	snprintf(path, sizeof(path), "/staff/surveys/%lld/questions/listen", (long long)id);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 409);
	assert_contains(x, "Someone else changed this survey");
	assert_contains(x, "name=\"version\" value=\"2\"");
	exchange_free(x);
}

/* One row for an import: q1 "Yes" on paper, its counts as a submission's. */
struct one_row {
	const struct survey_def *def;
	struct arena *a;
};

static int
one_row(void *arg, bool first, struct response_import_row *row)
{
	static const char answers[] = "{\"answers\":{\"q1\":\"Yes\"},\"other\":{}}";
	struct one_row *src = arg;
	struct survey_tally_item *items;
	struct survey_answers ans;
	struct errors e;

	if (!first)
		return 0;
	errors_init(&e);
	cr_assert_eq(survey_answers_parse(src->def, str_c(answers), src->a, &ans, &e), 0);
	cr_assert_eq(respond_tally(src->a, src->def, &ans, &items, &row->tally_n), 0);
	row->tally = items;
	row->channel = SURVEY_PAPER;
	row->answers = str_c(answers);
	return 1;
}

static struct survey_response *
response_of(int64_t survey, int64_t id, struct arena *a)
{
	struct survey_response *r = NULL;

	cr_assert_eq(store_response_get(fx.store, a, survey, id, &r), 0);
	return r;
}

Test(staff_surveys, an_imported_paper_response_is_corrected_an_online_one_never)
{
	int64_t id = make_survey(&fx.org), online = 0, imported = 0, n = 0;
	struct actor admin = { fx.org.id, 0, "test" }, cli = { fx.org.id, 0, "cli" };
	char cookie[128], csrf[128], path[256], body[256];
	struct response_submit r;
	struct survey_def d;
	struct survey *sv;
	struct exchange *x;
	struct errors e;
	struct arena a;
	struct one_row src = { &d, &a };
	struct response_import imp;

	arena_init(&a, NULL, 0);
	errors_init(&e);
	cr_assert_eq(store_survey_open(fx.store, &admin, id, time(NULL), NULL), 0);
	sv = stored(id, &a);
	cr_assert_eq(survey_def_parse(sv->definition, &a, &d, &e), 0);
	imp = (struct response_import){ id, sv->version, one_row, &src, time(NULL) };
	cr_assert_eq(store_responses_import(fx.store, &cli, &imp, &n, &e), 0);
	cr_assert_eq(n, 1);
	/* A respondent's own, online. */
	memset(&r, 0, sizeof(r));
	r.survey_id = id;
	r.version = sv->version;
	r.channel = SURVEY_ONLINE;
	r.answers = str_c("{\"answers\":{\"q1\":\"Yes\"},\"other\":{}}");
	r.now = time(NULL);
	cr_assert_eq(store_response_submit_wait(fx.store, &r, &online), 0);
	imported = online - 1;
	cr_assert_eq(response_of(id, imported, &a)->entered_by, 0);

	make_user(&fx.org, ROLE_OFFICER, "officer@example.org");
	sign_in("officer@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	/* Listed for correcting; the online one is not. */
	snprintf(path, sizeof(path), "/staff/surveys/%lld/responses", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	snprintf(path, sizeof(path), "/staff/surveys/%lld/responses/%lld\"", (long long)id,
	    (long long)imported);
	assert_contains(x, path);
	snprintf(path, sizeof(path), "/staff/surveys/%lld/responses/%lld\"", (long long)id,
	    (long long)online);
	assert_lacks(x, path);
	exchange_free(x);

	/* Corrected: "Yes" was keyed wrongly from the paper, which said "No". */
	snprintf(path, sizeof(path), "/staff/surveys/%lld/responses/%lld", (long long)id,
	    (long long)imported);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200, "%s", x->html);
	exchange_free(x);
	snprintf(body, sizeof(body), "csrf=%s&q1=No", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 303, "%s", x->html);
	exchange_free(x);
	cr_assert(str_eq_c(response_of(id, imported, &a)->answers,
	    "{\"answers\":{\"q1\":\"No\"},\"other\":{}}"));

	/* The respondent's own is theirs: refused, and unchanged. */
	snprintf(path, sizeof(path), "/staff/surveys/%lld/responses/%lld", (long long)id,
	    (long long)online);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 403, "%s", x->html);
	assert_contains(x, "keyed in or imported, can be corrected");
	exchange_free(x);
	cr_assert(str_eq_c(response_of(id, online, &a)->answers,
	    "{\"answers\":{\"q1\":\"Yes\"},\"other\":{}}"));
	arena_free(&a);
}

/* ---- a response on its way while the survey changes (respond.c) ----------------------------- */

struct settled {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished;
	int rc;
	int64_t id;
	char fields[256]; /* the errors' fields, each followed by a space */
};

static struct settled *settling;

static void
settled_finish(void *arg)
{
	struct settled *s = arg;

	pthread_mutex_lock(&s->lock);
	s->finished = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void
settled_reply(struct http_request *req, struct http_response *res, int rc, int64_t id,
    const struct errors *e)
{
	int i;

	(void)req;
	(void)res;
	settling->rc = rc;
	settling->id = id;
	for (i = 0; e != NULL && i < e->n; i++) {
		strncat(settling->fields, e->list[i].field,
		    sizeof(settling->fields) - strlen(settling->fields) - 2);
		strcat(settling->fields, " ");
	}
}

/* Submits ans, checked against sv and d as read before, and waits for the
 * answer as the HTTP adapter would. */
static struct settled
submit_read_before(const struct survey *sv, const struct survey_def *d,
    const struct survey_answers *ans)
{
	struct settled s = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, 0,
		"" };
	struct respond_args args = { 0 };
	struct exchange *x = exchange_new(HTTP_POST, "/x");

	x->req.app = &fx.app;
	x->res.finish = settled_finish;
	x->res.finish_ctx = &s;
	args.sv = sv;
	args.def = d;
	args.ans = ans;
	args.channel = SURVEY_ONLINE;
	settling = &s;
	cr_assert_eq(respond_submit(&x->req, &x->res, &args, settled_reply), HTTP_PENDING);
	pthread_mutex_lock(&s.lock);
	while (!s.finished)
		pthread_cond_wait(&s.cond, &s.lock);
	pthread_mutex_unlock(&s.lock);
	http_response_complete(&x->req, &x->res);
	exchange_free(x);
	return s;
}

Test(staff_surveys, a_response_on_its_way_is_checked_again_against_a_new_version)
{
	int64_t id = make_survey(&fx.org);
	struct actor admin = { fx.org.id, 0, "test" };
	struct survey *v1, edit;
	struct survey_response *r;
	struct survey_answers ans;
	struct survey_def d;
	struct settled s;
	struct errors e;
	struct arena a;

	arena_init(&a, NULL, 0);
	errors_init(&e);
	cr_assert_eq(store_survey_open(fx.store, &admin, id, time(NULL), NULL), 0);
	v1 = stored(id, &a);
	cr_assert_eq(survey_def_parse(v1->definition, &a, &d, &e), 0);
	cr_assert_eq(survey_answers_parse(&d, str_c("{\"answers\":{\"q1\":\"Yes\",\"q2\":4},"
	    "\"other\":{}}"), &a, &ans, &e), 0);

	/* Version 2 adds a question: the answers still fit, and go under it. */
	edit = *v1;
	edit.definition = str_c("[{\"key\":\"p1\",\"title\":\"About you\",\"questions\":["
	    "{\"key\":\"q1\",\"type\":\"single\",\"text\":\"Do you work here?\",\"required\":true,"
	    "\"options\":[\"Yes\",\"No\",{\"value\":\"other\",\"label\":\"Other\",\"other\":true}]},"
	    "{\"key\":\"q2\",\"type\":\"rating\",\"text\":\"How well do we listen?\"},"
	    "{\"key\":\"q9\",\"type\":\"text\",\"text\":\"New\"}]}]");
	cr_assert_eq(store_survey_update(fx.store, &admin, &edit, v1->version, false, time(NULL),
	    NULL), 0);
	s = submit_read_before(v1, &d, &ans);
	cr_assert_eq(s.rc, 0, "%d %s", s.rc, s.fields);
	cr_assert_gt(s.id, 0);
	cr_assert_eq(store_response_get(fx.store, &a, id, s.id, &r), 0);
	cr_assert_eq(r->version, v1->version + 1);
	cr_assert(str_eq_c(r->answers, "{\"answers\":{\"q1\":\"Yes\",\"q2\":4},\"other\":{}}"));
	cr_assert_eq(stored(id, &a)->responses, 1);

	/* Version 3 asks q2 only of those who answer "No": the answer no longer fits, and
	 * the response is refused, naming it. */
	edit = *stored(id, &a);
	edit.definition = str_c("[{\"key\":\"p1\",\"title\":\"About you\",\"questions\":["
	    "{\"key\":\"q1\",\"type\":\"single\",\"text\":\"Do you work here?\",\"required\":true,"
	    "\"options\":[\"Yes\",\"No\",{\"value\":\"other\",\"label\":\"Other\",\"other\":true}]},"
	    "{\"key\":\"q2\",\"type\":\"rating\",\"text\":\"How well do we listen?\","
	    "\"show_if\":{\"question\":\"q1\",\"equals\":\"No\"}},"
	    "{\"key\":\"q9\",\"type\":\"text\",\"text\":\"New\"}]}]");
	cr_assert_eq(store_survey_update(fx.store, &admin, &edit, edit.version, false, time(NULL),
	    NULL), 0);
	s = submit_read_before(v1, &d, &ans);
	cr_assert_eq(s.rc, ERR_CONFLICT);
	cr_assert_not_null(strstr(s.fields, "q2 "), "%s", s.fields);
	cr_assert_not_null(strstr(s.fields, "version "), "%s", s.fields);
	cr_assert_eq(stored(id, &a)->responses, 1, "nothing more written");
	arena_free(&a);
}

/* ---- surveys' definitions kept read (survey_cache.c) ---------------------------------------- */

/* A new cache, and two arenas reading from it as two requests would. */
static struct survey_cache *
cache_and_readers(struct arena *a, struct arena *b, struct errors *e)
{
	struct survey_cache *c = survey_cache_new();

	cr_assert_not_null(c);
	arena_init(a, NULL, 0);
	arena_init(b, NULL, 0);
	errors_init(e);
	return c;
}

Test(staff_surveys, a_kept_definition_is_used_only_while_its_text_is_the_same)
{
	unsigned long long hits, misses;
	struct survey sv = { 0 };
	struct survey_def d1, d2, d3;
	struct arena a, b;
	struct errors e;
	struct survey_cache *c = cache_and_readers(&a, &b, &e);

	sv.id = 7;
	sv.version = 1;
	sv.definition = str_c(DEFINITION);
	cr_assert_eq(survey_cache_def(c, &a, &sv, &d1, &e), 0);
	cr_assert_eq(survey_cache_def(c, &b, &sv, &d2, &e), 0);
	cr_assert_eq(d2.questions, d1.questions, "the second read is the first's");
	cr_assert_eq(d1.question_n, 3);
	survey_cache_counts(c, &hits, &misses);
	cr_assert_eq(hits, 1);
	cr_assert_eq(misses, 1);
	/* The same id and version with other text (another survey made with a
	 * deleted one's id): read afresh, and what the first arena holds stays. */
	sv.definition = str_c("[{\"key\":\"p1\",\"questions\":[{\"key\":\"z\","
	    "\"type\":\"text\",\"text\":\"Z?\"}]}]");
	cr_assert_eq(survey_cache_def(c, &b, &sv, &d3, &e), 0);
	cr_assert_neq(d3.questions, d1.questions);
	cr_assert_eq(d3.question_n, 1);
	cr_assert(str_eq_c(d1.questions[0].key, "q1"), "still readable after being replaced");
	arena_free(&a);
	/* Text that is not a definition is refused, and kept nowhere. */
	sv.id = 8;
	sv.definition = str_c("[{\"key\":");
	cr_assert_eq(survey_cache_def(c, &b, &sv, &d3, &e), ERR_INVALID);
	cr_assert(errors_any(&e));
	/* The cache may go before the arenas reading it. */
	survey_cache_free(c);
	cr_assert(str_eq_c(d2.questions[0].key, "q1"));
	arena_free(&b);
}

Test(staff_surveys, a_recent_copy_is_the_last_read_and_goes_with_its_survey)
{
	struct survey sv = { 0 }, *got;
	struct survey_def d, kept;
	struct arena a, b;
	struct errors e;
	struct survey_cache *c = cache_and_readers(&a, &b, &e);

	cr_assert_eq(survey_cache_recent(c, &a, 7, &got, &d), ERR_NOTFOUND, "nothing read yet");
	sv.id = 7;
	sv.org_id = 3;
	sv.version = 2;
	sv.who = POLL_WHO_ANYONE;
	sv.opens_at = 100;
	sv.title = str_c("Pharmacy access");
	sv.definition = str_c(DEFINITION);
	cr_assert_eq(survey_cache_def(c, &a, &sv, &kept, &e), 0);
	cr_assert_eq(survey_cache_recent(c, &b, 7, &got, &d), 0);
	cr_assert_eq(got->id, 7);
	cr_assert_eq(got->org_id, 3);
	cr_assert_eq(got->version, 2);
	cr_assert_eq(got->opens_at, 100);
	cr_assert(str_eq_c(got->title, "Pharmacy access"));
	cr_assert(str_eq(got->definition, str_c(DEFINITION)));
	cr_assert_eq(d.questions, kept.questions, "the definition read, shared");
	cr_assert_eq(survey_cache_recent(c, &b, 8, &got, &d), ERR_NOTFOUND, "another survey");
	/* A new version read replaces the copy. */
	sv.version = 3;
	sv.title = str_c("Pharmacy services");
	cr_assert_eq(survey_cache_def(c, &a, &sv, &kept, &e), 0);
	cr_assert_eq(survey_cache_recent(c, &b, 7, &got, &d), 0);
	cr_assert_eq(got->version, 3);
	cr_assert(str_eq_c(got->title, "Pharmacy services"));
	/* Deleted: forgotten, while what arenas hold stays readable. */
	survey_cache_forget(c, 7);
	cr_assert_eq(survey_cache_recent(c, &b, 7, &got, &d), ERR_NOTFOUND);
	arena_free(&a);
	cr_assert(str_eq_c(d.questions[0].key, "q1"));
	survey_cache_forget(c, 9); /* none: nothing happens */
	survey_cache_free(c);
	arena_free(&b);
}
