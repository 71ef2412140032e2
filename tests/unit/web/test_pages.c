/* Tests for the HTML pages (handlers_public.c, handlers_staff.c, pages.c):
 * hand-built requests through app_handle, with a real SQLite store in a
 * temporary directory and the repository's own templates, no socket. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/keys.h"
#include "involve/secret.h"
#include "involve/site_defaults.h"
#include "involve/store.h"
#include "exchange.h"

#define PASSWORD "correct-horse-battery-staple"

static struct web_fixture fx;
static const struct actor who = { 0, 0, "test" };

/* ---- fixtures ----------------------------------------------------------- */

static void
setup(void)
{
	web_fixture_open(&fx, "pages");
}

static void
teardown(void)
{
	web_fixture_close(&fx);
}

TestSuite(pages, .init = setup, .fini = teardown, .timeout = 60);

enum { DRAFT, OPEN, CLOSED, SCHEDULED };

/* A poll of organisation o; returns its id (its first option's id in
 * *first, when given). */
static int64_t
make_poll(const struct org *o, const char *question, bool multiple, enum poll_results show,
    int state, int64_t *first)
{
	struct poll p;
	struct poll_input in;
	struct errors e;
	struct arena a;
	int64_t now = time(NULL), id;

	errors_init(&e);
	arena_init(&a, NULL, 0);
	poll_input_defaults(&in);
	in.question = str_c(question);
	in.option_n = 3;
	in.options[0] = str_c("Very satisfied");
	in.options[1] = str_c("Fairly satisfied");
	in.options[2] = str_c("Not satisfied");
	in.multiple = multiple;
	in.show_results = show;
	in.opening = state == DRAFT ? POLL_OPEN_LATER : POLL_OPEN_AT;
	in.opens_at = state == SCHEDULED ? now + 86400 : now - 60;
	/* Built as if a couple of minutes ago, so it can have opened since. */
	cr_assert_eq(poll_build(&in, now - 120, &a, &p, &e), 0);
	p.org_id = o->id;
	cr_assert_eq(store_poll_create(fx.store, &who, &p), 0);
	if (state == CLOSED) {
		struct actor staff = { o->id, 0, "test" };

		cr_assert_eq(store_poll_close(fx.store, &staff, p.id, now, &e), 0);
	}
	if (first)
		*first = p.options[0].id;
	id = p.id;
	arena_free(&a);
	return id;
}

static void
make_user(enum role role, const char *email)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.org_id = fx.org.id;
	u.role = role;
	snprintf(u.email, sizeof(u.email), "%s", email);
	cr_assert_eq(secret_password_hash(PASSWORD, u.password_hash), 0);
	cr_assert_eq(store_user_create(fx.store, &who, &u), 0);
}

/* ---- requests ----------------------------------------------------------- */

/* Runs a request, with a form body when body is given and the cookie
 * when one is; the caller frees it with exchange_free. */
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

/* "name=value" of a Set-Cookie, for sending back. */
static void
cookie_of(const struct exchange *x, const char *name, char *out, size_t size)
{
	char prefix[64];
	const char *h;
	size_t n;

	snprintf(prefix, sizeof(prefix), "%s=", name);
	h = exchange_response_header(x, "Set-Cookie", prefix);
	cr_assert_not_null(h, "no %s cookie was set", name);
	n = strcspn(h, ";");
	cr_assert_lt(n, size);
	memcpy(out, h, n);
	out[n] = '\0';
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

/* The Content-Security-Policy forbids inline style and script: no page
 * may carry either. */
static void
assert_csp_clean(const struct exchange *x)
{
	const char *s;

	assert_lacks(x, "style=");
	for (s = strstr(x->html, "<script"); s; s = strstr(s + 1, "<script")) {
		const char *end = strchr(s, '>');

		cr_assert_not_null(end);
		cr_assert(memmem(s, (size_t)(end - s), "src=", 4) != NULL, "inline script: %.80s", s);
	}
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* Signs in as email and returns the session cookie and the CSRF token. */
static void
sign_in(const char *email, char *cookie, size_t cookie_size, char *csrf, size_t csrf_size)
{
	struct exchange *x;
	char body[256];
	const char *v, *end;

	snprintf(body, sizeof(body), "email=%s&password=" PASSWORD, email);
	x = call(HTTP_POST, "/staff/login", body, NULL);
	cr_assert_eq(x->res.status, 303, "sign-in failed: %s", x->html);
	cookie_of(x, "involve_session", cookie, cookie_size);
	exchange_free(x);
	x = call(HTTP_GET, "/staff/", NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	v = strstr(x->html, "name=\"csrf\" value=\"");
	cr_assert_not_null(v, "no CSRF field on the dashboard");
	v += strlen("name=\"csrf\" value=\"");
	end = strchr(v, '"');
	cr_assert_lt((size_t)(end - v), csrf_size);
	memcpy(csrf, v, (size_t)(end - v));
	csrf[end - v] = '\0';
	exchange_free(x);
}

/* ---- the public poll page ----------------------------------------------- */

Test(pages, poll_page_escapes_the_question_and_shows_radios)
{
	int64_t first, id = make_poll(&fx.org, "Is <script>alert(1)</script> & co fine?", false,
	    POLL_RESULTS_AFTER_VOTE, OPEN, &first);
	char path[128], input[64];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_lacks(x, "<script>alert");
	assert_contains(x, "Is &lt;script&gt;alert(1)&lt;/script&gt; &amp; co fine?");
	assert_contains(x, "<legend class=\"nhsuk-fieldset__legend nhsuk-fieldset__legend--l\">");
	cr_assert_eq(count(x->html, "type=\"radio\""), 3);
	cr_assert_eq(count(x->html, "<h1"), 1, "one h1 per page");
	snprintf(input, sizeof(input), "id=\"option-%lld\"", (long long)first);
	assert_contains(x, input);
	assert_contains(x, "name=\"options\"");
	assert_contains(x, "name=\"website\"");
	assert_contains(x, "Leave this field empty");
	assert_contains(x, "tabindex=\"-1\"");
	assert_contains(x, "autocomplete=\"off\"");
	assert_contains(x, "Submit answer");
	assert_contains(x, "<html lang=\"en\" dir=\"ltr\">");
	assert_csp_clean(x);
	exchange_free(x);
}

Test(pages, multiple_choice_uses_checkboxes)
{
	int64_t id = make_poll(&fx.org, "Which services?", true, POLL_RESULTS_AFTER_VOTE, OPEN,
	    NULL);
	char path[128];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	cr_assert_eq(count(x->html, "type=\"checkbox\""), 3);
	assert_lacks(x, "type=\"radio\"");
	exchange_free(x);
}

Test(pages, missing_draft_and_other_organisations_polls_are_not_found)
{
	int64_t draft = make_poll(&fx.org, "Draft?", false, POLL_RESULTS_AFTER_VOTE, DRAFT, NULL);
	int64_t theirs = make_poll(&fx.other, "Theirs?", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    NULL);
	char path[128];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)draft);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	assert_contains(x, "Page not found");
	exchange_free(x);
	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)theirs);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	snprintf(path, sizeof(path), "/o/blackpool/polls/%lld", (long long)theirs);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/polls/999999", NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	x = call(HTTP_GET, "/o/nowhere/polls/1", NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
}

Test(pages, scheduled_poll_shows_when_it_opens_instead_of_the_form)
{
	int64_t id = make_poll(&fx.org, "Later?", false, POLL_RESULTS_AFTER_VOTE, SCHEDULED, NULL);
	char path[128];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "This poll opens on");
	assert_contains(x, "nhsuk-inset-text");
	assert_lacks(x, "<form action=\"/o/");
	exchange_free(x);
}

/* ---- voting ------------------------------------------------------------- */

Test(pages, a_vote_is_counted_then_a_second_is_refused)
{
	int64_t first, id = make_poll(&fx.org, "How satisfied are you?", false,
	    POLL_RESULTS_AFTER_VOTE, OPEN, &first);
	char path[128], body[128], cookie[128], location[160];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	snprintf(body, sizeof(body), "options=%lld&website=", (long long)first);
	x = call(HTTP_POST, path, body, NULL);
	cr_assert_eq(x->rc, HTTP_PENDING, "a vote waits for its commit");
	cr_assert_eq(x->res.status, 303, "status %d: %s", x->res.status, x->html);
	snprintf(location, sizeof(location), "/o/bury/polls/%lld/results", (long long)id);
	cr_assert_not_null(exchange_response_header(x, "Location", location));
	cookie_of(x, "involve_voter", cookie, sizeof(cookie));
	cr_assert_not_null(strstr(exchange_response_header(x, "Set-Cookie", "involve_voter="),
	    "HttpOnly"));
	exchange_free(x);

	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 409, "status %d", x->res.status);
	assert_contains(x, "nhsuk-error-summary");
	assert_contains(x, "You have already answered this poll");
	assert_contains(x, "<title>Error: ");
	cr_assert_null(exchange_response_header(x, "Set-Cookie", "involve_voter="),
	    "the cookie is kept");
	exchange_free(x);

	/* The poll page now says so, with a link to the results. */
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "You have already answered this poll.");
	assert_contains(x, location);
	assert_lacks(x, "Submit answer");
	exchange_free(x);
}

Test(pages, an_empty_ballot_is_refused_with_a_summary_linking_the_first_option)
{
	int64_t first, id = make_poll(&fx.org, "How satisfied?", false, POLL_RESULTS_AFTER_VOTE,
	    OPEN, &first);
	char path[128], link[64], described[64];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	x = call(HTTP_POST, path, "website=", NULL);
	cr_assert_eq(x->rc, HTTP_DONE);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "There is a problem");
	snprintf(link, sizeof(link), "href=\"#option-%lld\"", (long long)first);
	assert_contains(x, link);
	assert_contains(x, "Select an answer");
	assert_contains(x, "nhsuk-form-group--error");
	snprintf(described, sizeof(described), "option-%lld-error", (long long)first);
	assert_contains(x, described);
	cr_assert_null(exchange_response_header(x, "Set-Cookie", "involve_voter="),
	    "nothing counted, no cookie");
	assert_csp_clean(x);
	exchange_free(x);
}

Test(pages, a_non_numeric_option_is_refused)
{
	int64_t id = make_poll(&fx.org, "How satisfied?", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    NULL);
	char path[128];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	x = call(HTTP_POST, path, "options=abc", NULL);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "Select an answer");
	exchange_free(x);
	x = call(HTTP_POST, path, "options=-3", NULL);
	cr_assert_eq(x->res.status, 422);
	exchange_free(x);
	/* A number that is not one of this poll's options. */
	x = call(HTTP_POST, path, "options=987654", NULL);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "nhsuk-error-summary");
	exchange_free(x);
}

Test(pages, two_answers_to_a_single_choice_poll_are_refused_and_kept_checked)
{
	int64_t first, id = make_poll(&fx.org, "Pick one", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    &first);
	char path[128], body[128];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	snprintf(body, sizeof(body), "options=%lld&options=%lld", (long long)first,
	    (long long)first + 1);
	x = call(HTTP_POST, path, body, NULL);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "Select only one answer");
	cr_assert_eq(count(x->html, " checked"), 2, "what was chosen stays chosen");
	exchange_free(x);
}

Test(pages, the_honeypot_refuses_robots)
{
	int64_t first, id = make_poll(&fx.org, "How satisfied?", false, POLL_RESULTS_AFTER_VOTE,
	    OPEN, &first);
	char path[128], body[128];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	snprintf(body, sizeof(body), "options=%lld&website=http://spam.example", (long long)first);
	x = call(HTTP_POST, path, body, NULL);
	cr_assert_eq(x->rc, HTTP_DONE);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "nhsuk-error-summary");
	assert_contains(x, "href=\"#website\"");
	cr_assert_null(exchange_response_header(x, "Set-Cookie", "involve_voter="));
	exchange_free(x);
}

Test(pages, a_closed_poll_refuses_votes_with_409)
{
	int64_t first, id = make_poll(&fx.org, "Closed?", false, POLL_RESULTS_AFTER_CLOSE, CLOSED,
	    &first);
	char path[128], body[64];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	snprintf(body, sizeof(body), "options=%lld", (long long)first);
	x = call(HTTP_POST, path, body, NULL);
	cr_assert_eq(x->res.status, 409, "status %d", x->res.status);
	assert_contains(x, "This poll has closed");
	assert_contains(x, "This poll closed on");
	assert_lacks(x, "Submit answer");
	exchange_free(x);
	/* And its page shows the notice and the results link, not the form. */
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "nhsuk-inset-text");
	assert_contains(x, "See the results of this poll");
	exchange_free(x);
}

Test(pages, a_vote_from_another_site_is_refused)
{
	int64_t first, id = make_poll(&fx.org, "Origin?", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    &first);
	char path[128];
	struct exchange *x;

	/* Built by hand: call() sends no Origin. */
	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	x = exchange_new(HTTP_POST, path);
	exchange_body(x, "application/x-www-form-urlencoded", "options=%lld", (long long)first);
	exchange_add_header(x, "Origin", "https://evil.example");
	cr_assert_eq(exchange_run(x, &fx.app), HTTP_DONE);
	cr_assert_eq(x->res.status, 403);
	exchange_free(x);
}

/* ---- results ------------------------------------------------------------ */

Test(pages, results_show_counts_percentages_a_chart_and_a_table)
{
	int64_t first, id = make_poll(&fx.org, "How satisfied?", false, POLL_RESULTS_AFTER_VOTE,
	    OPEN, &first);
	char path[128], body[64], cookie[128], results[160];
	struct exchange *x;
	int i;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	snprintf(results, sizeof(results), "%s/results", path);
	/* Before answering, results of an after-vote poll are hidden. */
	x = call(HTTP_GET, results, NULL, NULL);
	cr_assert_eq(x->res.status, 403);
	assert_contains(x, "You can see the results after you answer the poll.");
	exchange_free(x);

	/* Three browsers: two choose the first option, one the second. */
	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "options=%lld", (long long)(first + (i == 2)));
		x = call(HTTP_POST, path, body, NULL);
		cr_assert_eq(x->res.status, 303);
		if (i == 0)
			cookie_of(x, "involve_voter", cookie, sizeof(cookie));
		exchange_free(x);
	}
	x = call(HTTP_GET, results, NULL, cookie);
	cr_assert_eq(x->res.status, 200, "status %d: %s", x->res.status, x->html);
	assert_contains(x, "3 people answered");
	assert_contains(x, "66.7%");
	assert_contains(x, "33.3%");
	assert_contains(x, "0.0%");
	assert_contains(x, "<svg");
	assert_contains(x, "role=\"img\"");
	assert_contains(x, "aria-label=\"Bar chart of the answers: Very satisfied 66.7%,");
	assert_contains(x, "width=\"166.8\""); /* 66.7% of 250 */
	assert_contains(x, "app-chart__bar--leading");
	assert_contains(x, "<table class=\"nhsuk-table\">");
	assert_contains(x, ">2</td>");
	assert_contains(x, ">1</td>");
	assert_contains(x, ">0</td>");
	assert_lacks(x, "more than 100%");
	cr_assert_eq(count(x->html, "<h1"), 1);
	assert_csp_clean(x);
	exchange_free(x);
}

Test(pages, after_close_results_wait_for_the_close_and_multiple_choice_warns)
{
	int64_t first, id = make_poll(&fx.org, "Which?", true, POLL_RESULTS_AFTER_CLOSE, OPEN,
	    &first);
	char path[128], body[96], cookie[128], results[160], location[160];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld", (long long)id);
	snprintf(results, sizeof(results), "%s/results", path);
	snprintf(body, sizeof(body), "options=%lld&options=%lld", (long long)first,
	    (long long)first + 1);
	x = call(HTTP_POST, path, body, NULL);
	cr_assert_eq(x->res.status, 303);
	snprintf(location, sizeof(location), "%s?voted=1", path);
	cr_assert_not_null(exchange_response_header(x, "Location", location),
	    "results are not visible yet");
	cookie_of(x, "involve_voter", cookie, sizeof(cookie));
	exchange_free(x);

	snprintf(location, sizeof(location), "%s?voted=1", path);
	x = call(HTTP_GET, location, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Thank you, your answer has been counted");
	assert_contains(x, "The results will be shown when the poll closes.");
	exchange_free(x);

	x = call(HTTP_GET, results, NULL, cookie);
	cr_assert_eq(x->res.status, 403);
	assert_contains(x, "Results will be shown when the poll closes.");
	exchange_free(x);

	cr_assert_eq(store_poll_close(fx.store, &(struct actor){ fx.org.id, 0, "test" }, id,
	    time(NULL), NULL), 0);
	x = call(HTTP_GET, results, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "1 person answered");
	assert_contains(x, "100.0%");
	assert_contains(x, "percentages can add up to more than 100%");
	exchange_free(x);
}

/* ---- embed -------------------------------------------------------------- */

Test(pages, the_embed_is_bare_frameable_and_posts_to_itself)
{
	int64_t first, id = make_poll(&fx.org, "Embedded?", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    &first);
	char path[128], body[64], cookie[128], location[160];
	struct exchange *x;

	snprintf(path, sizeof(path), "/o/bury/polls/%lld/embed", (long long)id);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	cr_assert(x->res.frameable);
	snprintf(location, sizeof(location), "action=\"%s\"", path);
	assert_contains(x, location);
	assert_lacks(x, "nhsuk-header");
	assert_lacks(x, "nhsuk-footer");
	assert_lacks(x, "<script");
	assert_contains(x, "<main");
	assert_contains(x, "Submit answer");
	assert_csp_clean(x);
	exchange_free(x);

	snprintf(body, sizeof(body), "options=%lld", (long long)first);
	x = call(HTTP_POST, path, body, NULL);
	cr_assert_eq(x->res.status, 303);
	snprintf(location, sizeof(location), "%s?voted=1", path);
	cr_assert_not_null(exchange_response_header(x, "Location", location));
	cookie_of(x, "involve_voter", cookie, sizeof(cookie));
	exchange_free(x);

	x = call(HTTP_GET, location, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Thank you, your answer has been counted");
	assert_contains(x, "1 person answered");
	assert_contains(x, "<svg");
	assert_lacks(x, "nhsuk-header");
	exchange_free(x);
}

/* ---- site pages --------------------------------------------------------- */

Test(pages, the_index_and_home_list_organisations_and_open_polls)
{
	struct exchange *x;

	make_poll(&fx.org, "Open question?", false, POLL_RESULTS_AFTER_VOTE, OPEN, NULL);
	make_poll(&fx.org, "Draft question?", false, POLL_RESULTS_AFTER_VOTE, DRAFT, NULL);
	make_poll(&fx.org, "Closed question?", false, POLL_RESULTS_AFTER_VOTE, CLOSED, NULL);
	x = call(HTTP_GET, "/", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "href=\"/o/bury/\"");
	assert_contains(x, "NHS Blackpool");
	exchange_free(x);

	x = call(HTTP_GET, "/o/bury/", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Open question?");
	assert_lacks(x, "Draft question?");
	assert_lacks(x, "Closed question?");
	assert_contains(x, "NHS Bury wants to hear from");
	assert_contains(x, "/o/bury/accessibility");
	cr_assert_eq(count(x->html, "<h1"), 1);
	assert_csp_clean(x);
	exchange_free(x);
}

Test(pages, statements_have_defaults_and_unknown_keys_are_not_found)
{
	struct exchange *x;

	x = call(HTTP_GET, "/o/bury/accessibility", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "WCAG");
	assert_contains(x, "2.2");
	assert_contains(x, "Equality Advisory and Support Service");
	assert_contains(x, "contact NHS Bury");
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/privacy", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "public task");
	assert_contains(x, "data protection officer at NHS Bury");
	assert_contains(x, "IP address");
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/cookies", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "involve_voter");
	assert_contains(x, "400 days");
	assert_contains(x, "involve_session");
	assert_contains(x, "8 hours");
	exchange_free(x);
	x = call(HTTP_GET, "/privacy", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "the organisation that runs this website");
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/home", NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/terms", NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	x = call(HTTP_GET, "/terms", NULL, NULL);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
}

Test(pages, an_edited_statement_is_markdown_without_raw_html)
{
	struct site_page page;
	struct exchange *x;

	memset(&page, 0, sizeof(page));
	page.org_id = fx.org.id;
	page.key = STR_LIT("privacy");
	page.title = STR_LIT("Our privacy <b>notice</b>");
	page.body = STR_LIT("# Big\n\nHello *there*.\n\n<script>alert(1)</script>\n\n"
	    "[click](javascript:alert(2))\n");
	cr_assert_eq(store_page_put(fx.store, &who, &page), 0);
	x = call(HTTP_GET, "/o/bury/privacy", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Our privacy &lt;b&gt;notice&lt;/b&gt;");
	assert_contains(x, "<h2>Big</h2>");
	assert_contains(x, "<em>there</em>");
	assert_lacks(x, "<script>alert");
	assert_lacks(x, "javascript:");
	cr_assert_eq(count(x->html, "<h1"), 1);
	exchange_free(x);
}

Test(site_defaults, escapes_the_name_and_knows_its_keys)
{
	struct buf b = BUF_INIT;
	const struct site_default *d = site_default_find(STR_LIT("home"));

	cr_assert_not_null(d);
	cr_assert_null(site_default_find(STR_LIT("terms")));
	cr_assert(site_default_is_statement(STR_LIT("cookies")));
	cr_assert_not(site_default_is_statement(STR_LIT("home")));
	cr_assert_eq(site_default_body(d, "St *Mary's* [x](y)", NULL, &b), 0);
	cr_assert_not_null(strstr(buf_cstr(&b), "St \\*Mary\\'s\\* \\[x\\]\\(y\\)"));
	cr_assert_null(strstr(buf_cstr(&b), "{organisation}"));
	buf_reset(&b);
	cr_assert_eq(site_default_body(d, NULL, NULL, &b), 0);
	cr_assert_not_null(strstr(buf_cstr(&b), "The organisation that runs this website wants"));
	buf_free(&b);
}

/* ---- staff -------------------------------------------------------------- */

Test(pages, the_dashboard_needs_a_session)
{
	struct exchange *x = call(HTTP_GET, "/staff/", NULL, NULL);

	cr_assert_eq(x->res.status, 303);
	cr_assert_not_null(exchange_response_header(x, "Location", "/staff/login"));
	exchange_free(x);
}

Test(pages, sign_in_refuses_wrong_or_missing_details_with_one_message)
{
	struct exchange *x;

	make_user(ROLE_ADMIN, "admin@example.org");
	x = call(HTTP_GET, "/staff/login?next=/staff/polls/new", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "value=\"/staff/polls/new\"");
	assert_contains(x, "autocomplete=\"current-password\"");
	exchange_free(x);

	x = call(HTTP_POST, "/staff/login", "email=admin@example.org&password=wrong-password-1",
	    NULL);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "The email address or password is not correct");
	assert_contains(x, "href=\"#email\"");
	assert_contains(x, "value=\"admin@example.org\"");
	cr_assert_null(exchange_response_header(x, "Set-Cookie", "involve_session="));
	exchange_free(x);

	x = call(HTTP_POST, "/staff/login", "email=nobody@example.org&password=" PASSWORD, NULL);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "The email address or password is not correct");
	exchange_free(x);

	x = call(HTTP_POST, "/staff/login", "email=&password=", NULL);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "Enter your email address");
	assert_contains(x, "Enter your password");
	assert_contains(x, "href=\"#password\"");
	exchange_free(x);

	/* Signing in goes to a local next, never to another site. */
	x = call(HTTP_POST, "/staff/login", "email=ADMIN@example.org&password=" PASSWORD
	    "&next=/staff/polls/new", NULL);
	cr_assert_eq(x->res.status, 303);
	cr_assert_not_null(exchange_response_header(x, "Location", "/staff/polls/new"));
	exchange_free(x);
	x = call(HTTP_POST, "/staff/login", "email=admin@example.org&password=" PASSWORD
	    "&next=//evil.example/", NULL);
	cr_assert_eq(x->res.status, 303);
	cr_assert_str_eq(exchange_response_header(x, "Location", "/"), "/staff/");
	exchange_free(x);
}

Test(pages, a_staff_post_without_csrf_is_refused)
{
	char cookie[128], csrf[128];
	struct exchange *x;

	make_user(ROLE_ADMIN, "admin@example.org");
	sign_in("admin@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	x = call(HTTP_POST, "/staff/polls", "question=Q&option=A&option=B&open=now"
	    "&show_results=after_vote", cookie);
	cr_assert_eq(x->res.status, 403);
	assert_contains(x, "This form has expired");
	exchange_free(x);
	x = call(HTTP_POST, "/staff/polls", "csrf=forged&question=Q&option=A&option=B&open=now"
	    "&show_results=after_vote", cookie);
	cr_assert_eq(x->res.status, 403);
	exchange_free(x);
}

Test(pages, staff_create_a_poll_with_errors_then_without)
{
	char cookie[128], csrf[128], body[1024];
	struct exchange *x;

	make_user(ROLE_OFFICER, "officer@example.org");
	sign_in("officer@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));

	x = call(HTTP_GET, "/staff/polls/new", NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	cr_assert_eq(count(x->html, "name=\"option\""), 10);
	assert_contains(x, "id=\"opens_at-day\"");
	assert_csp_clean(x);
	exchange_free(x);

	/* No question, one answer then a repeated one in the fourth box, a
	 * closing date that does not exist. */
	snprintf(body, sizeof(body), "csrf=%s&question=&option=Yes&option=&option=&option=Yes"
	    "&show_results=after_vote&open=now&closes_at-day=31&closes_at-month=4"
	    "&closes_at-year=2030&closes_at-hour=9&closes_at-minute=0", csrf);
	x = call(HTTP_POST, "/staff/polls", body, cookie);
	cr_assert_eq(x->res.status, 422, "status %d", x->res.status);
	assert_contains(x, "href=\"#question\"");
	assert_contains(x, "Enter the question");
	assert_contains(x, "href=\"#options-3\"");
	assert_contains(x, "id=\"options-3-error\"");
	assert_contains(x, "href=\"#closes_at-day\"");
	assert_contains(x, "The closing date must be a real date");
	assert_contains(x, "value=\"Yes\"");
	assert_contains(x, "value=\"31\"");
	assert_contains(x, "<title>Error: Create a poll");
	exchange_free(x);

	snprintf(body, sizeof(body), "csrf=%s&question=Do+you+like+it%%3F&option=Yes&option=No"
	    "&option=&show_results=after_close&open=later&multiple=yes", csrf);
	x = call(HTTP_POST, "/staff/polls", body, cookie);
	cr_assert_eq(x->res.status, 303, "status %d: %s", x->res.status, x->html);
	cr_assert_not_null(exchange_response_header(x, "Location", "/staff/polls/"));
	exchange_free(x);

	x = call(HTTP_GET, "/staff/", NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Do you like it?");
	assert_contains(x, "nhsuk-tag--grey\">Draft");
	assert_contains(x, "Create a poll");
	assert_lacks(x, "/staff/pages/privacy"); /* an officer does not edit the site */
	exchange_free(x);
}

Test(pages, staff_open_close_export_and_delete_a_poll)
{
	char cookie[128], csrf[128], body[256], path[128];
	int64_t first, id = make_poll(&fx.org, "Staff poll?", false, POLL_RESULTS_AFTER_VOTE, DRAFT,
	    &first);
	int64_t theirs = make_poll(&fx.other, "Theirs?", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    NULL);
	struct exchange *x;

	make_user(ROLE_ADMIN, "admin@example.org");
	sign_in("admin@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));

	snprintf(path, sizeof(path), "/staff/polls/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Open now");
	assert_contains(x, "&lt;iframe src=&quot;http://127.0.0.1:8080/o/bury/polls/");
	assert_contains(x, "name=\"csrf\"");
	assert_csp_clean(x);
	exchange_free(x);

	snprintf(path, sizeof(path), "/staff/polls/%lld/edit", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "value=\"Very satisfied\"");
	exchange_free(x);

	snprintf(path, sizeof(path), "/staff/polls/%lld/open", (long long)id);
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 303);
	exchange_free(x);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 409, "opening twice");
	exchange_free(x);

	/* An open poll cannot be changed. */
	snprintf(path, sizeof(path), "/staff/polls/%lld/edit", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 409);
	exchange_free(x);

	snprintf(path, sizeof(path), "/staff/polls/%lld/export?format=csv", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	cr_assert_not_null(exchange_response_header(x, "Content-Disposition",
	    "attachment; filename=\"poll-"));
	assert_contains(x, "option_id,option,count,percent");
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/polls/%lld/export?format=json", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	cr_assert_str_eq(x->res.content_type, "application/json");
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/polls/%lld/export?format=xls", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 400);
	exchange_free(x);

	/* Another organisation's poll does not exist for these staff. */
	snprintf(path, sizeof(path), "/staff/polls/%lld", (long long)theirs);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/polls/%lld/close", (long long)theirs);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);

	snprintf(path, sizeof(path), "/staff/polls/%lld/close", (long long)id);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 303);
	exchange_free(x);

	/* Deleting needs the box ticked. */
	snprintf(path, sizeof(path), "/staff/polls/%lld/delete", (long long)id);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "href=\"#confirm\"");
	exchange_free(x);
	snprintf(body, sizeof(body), "csrf=%s&confirm=yes", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 303);
	cr_assert_not_null(exchange_response_header(x, "Location", "/staff/?done=deleted"));
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/polls/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
}

/* The domain's rules hold through the pages as through the API: an open
 * poll cannot be changed even before anyone answers, the public sees no
 * count while results are hidden, and staff see it always. */
Test(pages, the_poll_rules_hold_through_the_pages)
{
	char cookie[128], csrf[128], body[512], path[128];
	int64_t id = make_poll(&fx.org, "Open, no answers?", false, POLL_RESULTS_AFTER_VOTE, OPEN,
	    NULL);
	int64_t later = make_poll(&fx.org, "Later?", false, POLL_RESULTS_AFTER_VOTE, SCHEDULED, NULL);
	struct exchange *x;

	make_user(ROLE_OFFICER, "rules@example.org");
	sign_in("rules@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));

	snprintf(path, sizeof(path), "/staff/polls/%lld/edit", (long long)id);
	snprintf(body, sizeof(body), "csrf=%s&question=Changed%%3F&option=Yes&option=No"
	    "&show_results=after_vote&open=now", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 409, "an open poll with no answers: %d", x->res.status);
	assert_contains(x, "can be changed only before it opens");
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/polls/%lld", (long long)id);
	x = call(HTTP_GET, path, NULL, cookie);
	assert_contains(x, "Open, no answers?");
	assert_lacks(x, "Change the poll");
	exchange_free(x);

	/* A scheduled poll can be changed; a draft cannot be closed. */
	snprintf(path, sizeof(path), "/staff/polls/%lld/edit", (long long)later);
	snprintf(body, sizeof(body), "csrf=%s&question=Changed%%3F&option=Yes&option=No"
	    "&show_results=after_vote&open=later", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 303, "%s", x->html);
	exchange_free(x);
	snprintf(path, sizeof(path), "/staff/polls/%lld/close", (long long)later);
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 409);
	assert_contains(x, "not open yet");
	exchange_free(x);

	/* The public poll page of an open poll shows no count before voting. */
	snprintf(body, sizeof(body), "options=%d", 0);
	snprintf(path, sizeof(path), "/o/bury/polls/%lld/results", (long long)id);
	x = call(HTTP_GET, path, NULL, NULL);
	cr_assert_eq(x->res.status, 403);
	assert_lacks(x, "answered");
	exchange_free(x);
}

Test(pages, a_viewer_may_not_change_polls_or_pages)
{
	char cookie[128], csrf[128], body[256], path[128];
	int64_t id = make_poll(&fx.org, "Viewer?", false, POLL_RESULTS_AFTER_VOTE, DRAFT, NULL);
	struct exchange *x;

	make_user(ROLE_VIEWER, "viewer@example.org");
	sign_in("viewer@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	snprintf(path, sizeof(path), "/staff/polls/%lld/open", (long long)id);
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	x = call(HTTP_POST, path, body, cookie);
	cr_assert_eq(x->res.status, 403);
	exchange_free(x);
	x = call(HTTP_GET, "/staff/polls/new", NULL, cookie);
	cr_assert_eq(x->res.status, 403);
	exchange_free(x);
	x = call(HTTP_GET, "/staff/pages/privacy", NULL, cookie);
	cr_assert_eq(x->res.status, 403);
	exchange_free(x);
	x = call(HTTP_GET, "/staff/", NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_lacks(x, "/staff/polls/new");
	exchange_free(x);
}

Test(pages, an_administrator_edits_a_statement)
{
	char cookie[128], csrf[128], body[512];
	struct exchange *x;

	make_user(ROLE_ADMIN, "admin@example.org");
	sign_in("admin@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	x = call(HTTP_GET, "/staff/pages/cookies", NULL, cookie);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "involve_voter"); /* starts from the default text */
	exchange_free(x);
	x = call(HTTP_GET, "/staff/pages/terms", NULL, cookie);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);

	snprintf(body, sizeof(body), "csrf=%s&title=&body=", csrf);
	x = call(HTTP_POST, "/staff/pages/cookies", body, cookie);
	cr_assert_eq(x->res.status, 422);
	assert_contains(x, "href=\"#title\"");
	assert_contains(x, "href=\"#body\"");
	exchange_free(x);

	snprintf(body, sizeof(body), "csrf=%s&title=Our+cookies&body=We+use+*one*+cookie.", csrf);
	x = call(HTTP_POST, "/staff/pages/cookies", body, cookie);
	cr_assert_eq(x->res.status, 303, "status %d: %s", x->res.status, x->html);
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/cookies", NULL, NULL);
	cr_assert_eq(x->res.status, 200);
	assert_contains(x, "Our cookies");
	assert_contains(x, "We use <em>one</em> cookie.");
	assert_contains(x, "Last updated:");
	exchange_free(x);
}

Test(pages, sign_out_ends_the_session)
{
	char cookie[128], csrf[128], body[256];
	struct exchange *x;

	make_user(ROLE_ADMIN, "admin@example.org");
	sign_in("admin@example.org", cookie, sizeof(cookie), csrf, sizeof(csrf));
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	x = call(HTTP_POST, "/staff/logout", body, cookie);
	cr_assert_eq(x->res.status, 303);
	cr_assert_not_null(exchange_response_header(x, "Location", "/staff/login"));
	exchange_free(x);
	x = call(HTTP_GET, "/staff/", NULL, cookie);
	cr_assert_eq(x->res.status, 303);
	exchange_free(x);
}

Test(pages, sign_in_works_every_time_after_public_pages)
{
	struct exchange *x;
	int i;

	make_poll(&fx.org, "Open question?", false, POLL_RESULTS_AFTER_VOTE, OPEN, NULL);
	x = call(HTTP_GET, "/", NULL, NULL);
	exchange_free(x);
	x = call(HTTP_GET, "/o/bury/", NULL, NULL);
	exchange_free(x);
	make_user(ROLE_ADMIN, "admin@example.org");
	for (i = 0; i < 12; i++) {
		x = call(HTTP_POST, "/staff/login", "email=admin@example.org&password=" PASSWORD,
		    NULL);
		cr_assert_eq(x->res.status, 303, "sign-in %d refused", i);
		exchange_free(x);
	}
}
