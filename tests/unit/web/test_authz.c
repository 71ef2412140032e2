/* The authorisation matrix: every route of the route table (app_routes),
 * called by every role of an organisation, by nobody and by another
 * organisation's administrator, through app_handle without a socket.
 *
 * What each role may do is written here again, from the roles' description
 * (org.h, docs/api.md), not computed with role_allows: the test compares
 * the product with that statement.  A route whose rule is missing, or is
 * one this file has no expectation for, fails the test, so a new route
 * cannot go untried. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/keys.h"
#include "involve/route.h"
#include "involve/secret.h"
#include "involve/store.h"
#include "exchange.h"

static struct web_fixture fx;
static const struct actor who = { 0, 0, "test" };

/* ---- who calls ------------------------------------------------------------ */

/* How a caller proves who it is: by the session cookie (staff pages), by
 * an API token, or both (it sends whichever a route takes). */
enum channel {
	BY_NOTHING = 0,
	BY_SESSION = 1,
	BY_TOKEN = 2,
	BY_BOTH = 3,
};

struct caller {
	const char *label;
	enum role role;
	bool other_org;         /* staff of another organisation */
	enum channel channel;
	char cookie[128];       /* "involve_session=..." */
	unsigned char session_hash[STORE_HASH_SIZE];
	char csrf[SESSION_CSRF_SIZE];
	char bearer[128];       /* "Bearer ..." */
	int64_t user_id;
};

/* Indexes of callers[] the last tests name. */
enum { ADMIN = 1, OFFICER = 2, VIEWER = 5 };

static struct caller callers[] = {
	{ .label = "anonymous", .channel = BY_NOTHING },
	{ .label = "administrator", .role = ROLE_ADMIN, .channel = BY_BOTH },
	{ .label = "engagement officer", .role = ROLE_OFFICER, .channel = BY_BOTH },
	{ .label = "analyst", .role = ROLE_ANALYST, .channel = BY_BOTH },
	{ .label = "facilitator", .role = ROLE_FACILITATOR, .channel = BY_BOTH },
	{ .label = "viewer", .role = ROLE_VIEWER, .channel = BY_BOTH },
	{ .label = "administrator, session only", .role = ROLE_ADMIN, .channel = BY_SESSION },
	{ .label = "administrator, token only", .role = ROLE_ADMIN, .channel = BY_TOKEN },
	{ .label = "another organisation's administrator", .role = ROLE_ADMIN, .other_org = true,
	  .channel = BY_BOTH },
};
#define CALLER_N ((int)(sizeof(callers) / sizeof(callers[0])))

/* ---- the expectation: who may call a route with each rule --------------- */

static const struct {
	const char *rule;
	bool anonymous;
	bool roles[ROLE_COUNT]; /* by enum role */
} expected[] = {
	/*                        admin  officer analyst facilit. viewer */
	{ "anyone", true, { true, true, true, true, true } },
	{ "staff", false, { true, true, true, true, true } },
	{ "poll_manage", false, { true, true, false, false, false } },
	{ "results_view", false, { true, true, true, true, true } },
	{ "site_edit", false, { true, false, false, false, false } },
	{ "user_manage", false, { true, false, false, false, false } },
};

static int
expectation_of(const struct route *r)
{
	const char *name = route_rule_name(r->rule);
	size_t i;

	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (strcmp(expected[i].rule, name) == 0)
			return (int)i;
	return -1;
}

/* ---- fixtures ----------------------------------------------------------- */

/* A new session for caller c, as signing in makes. */
static void
start_session(struct caller *c)
{
	struct session sess;
	char secret[SECRET_TOKEN_MAX];

	cr_assert_eq(secret_token_new("", secret), 0);
	secret_token_hash(fx.keys.token, secret, strlen(secret), c->session_hash);
	memset(&sess, 0, sizeof(sess));
	sess.user_id = c->user_id;
	sess.expires_at = time(NULL) + 3600;
	cr_assert_eq(secret_token_new("", sess.csrf), 0);
	cr_assert_eq(store_session_create(fx.store, NULL, c->session_hash, NULL, &sess, time(NULL)), 0);
	snprintf(c->cookie, sizeof(c->cookie), "involve_session=%s", secret);
	snprintf(c->csrf, sizeof(c->csrf), "%s", sess.csrf);
}

/* Signing out (staff.logout) ends the caller's session: start another. */
static void
keep_session(struct caller *c)
{
	struct session sess;

	if ((c->channel & BY_SESSION) &&
	    store_session_get(fx.store, c->session_hash, time(NULL), AUTH_IDLE_DEFAULT, &sess) != 0)
		start_session(c);
}

/* A user, a session and an API token for caller c. */
static void
make_caller(struct caller *c, int n)
{
	struct api_token t;
	struct user u;
	unsigned char hash[STORE_HASH_SIZE];
	char secret[SECRET_TOKEN_MAX];

	if (c->channel == BY_NOTHING)
		return;
	memset(&u, 0, sizeof(u));
	u.org_id = c->other_org ? fx.other.id : fx.org.id;
	u.role = c->role;
	snprintf(u.email, sizeof(u.email), "user%d@example.org", n);
	cr_assert_eq(secret_password_hash("correct-horse-battery-staple", u.password_hash), 0);
	cr_assert_eq(store_user_create(fx.store, &who, &u), 0);
	c->user_id = u.id;

	start_session(c);

	cr_assert_eq(secret_token_new("inv_", secret), 0);
	secret_token_hash(fx.keys.token, secret, strlen(secret), hash);
	memset(&t, 0, sizeof(t));
	t.user_id = u.id;
	t.org_id = u.org_id;
	cr_assert_eq(store_token_create(fx.store, &who, hash, &t), 0);
	snprintf(c->bearer, sizeof(c->bearer), "Bearer %s", secret);
}

static void
setup(void)
{
	int i;

	web_fixture_open(&fx, "authz");
	for (i = 0; i < CALLER_N; i++)
		make_caller(&callers[i], i);
}

static void
teardown(void)
{
	web_fixture_close(&fx);
}

TestSuite(authz, .init = setup, .fini = teardown, .timeout = 120);

/* A poll of `org` for a route to act on: closed (its results public, so
 * public routes can answer) or a draft (which staff may still change). */
static int64_t
make_poll(bool closed, int64_t *first_option)
{
	struct poll p;
	struct poll_input in;
	struct errors e;
	struct arena a;
	int64_t now = time(NULL), id;

	errors_init(&e);
	arena_init(&a, NULL, 0);
	poll_input_defaults(&in);
	in.question = str_c("How satisfied are you with access to pharmacy services?");
	in.option_n = 2;
	in.options[0] = str_c("Satisfied");
	in.options[1] = str_c("Dissatisfied");
	in.show_results = POLL_RESULTS_AFTER_VOTE;
	in.opening = closed ? POLL_OPEN_AT : POLL_OPEN_LATER;
	in.opens_at = now - 60;
	cr_assert_eq(poll_build(&in, now - 120, &a, &p, &e), 0);
	p.org_id = fx.org.id;
	cr_assert_eq(store_poll_create(fx.store, &who, &p), 0);
	if (closed)
		cr_assert_eq(store_poll_close(fx.store, &(struct actor){ fx.org.id, 0, "test" },
		    p.id, now, &e), 0);
	*first_option = p.options[0].id;
	id = p.id;
	arena_free(&a);
	return id;
}

/* ---- requests ----------------------------------------------------------- */

/* The route's pattern with its parameters filled in: {id} the poll,
 * {slug} its organisation, {key} a page every site has, {file*} a file, {page} the
 * first page, {link} a private link that leads nowhere, {doc}, {att} and {target}
 * an id of nothing the poll has, {question} a survey question's key and
 * {response} a response (neither of them there). */
static void
fill_pattern(const char *pattern, int64_t poll_id, char *out, size_t size)
{
	size_t n = 0;
	const char *p = pattern;

	while (*p && n + 1 < size) {
		const char *value = NULL, *end;
		char id[24];

		if (*p != '{') {
			out[n++] = *p++;
			continue;
		}
		end = strchr(p, '}');
		cr_assert_not_null(end, "unclosed parameter in %s", pattern);
		if (strncmp(p, "{id}", 4) == 0) {
			snprintf(id, sizeof(id), "%lld", (long long)poll_id);
			value = id;
		} else if (strncmp(p, "{slug}", 6) == 0) {
			value = "bury";
		} else if (strncmp(p, "{key}", 5) == 0) {
			value = "privacy";
		} else if (strncmp(p, "{file*}", 7) == 0) {
			value = "app.css";
		} else if (strncmp(p, "{page}", 6) == 0) {
			value = "1";
		} else if (strncmp(p, "{question}", 10) == 0) {
			value = "q1";
		} else if (strncmp(p, "{doc}", 5) == 0 || strncmp(p, "{att}", 5) == 0 ||
		    strncmp(p, "{target}", 8) == 0 || strncmp(p, "{response}", 10) == 0 ||
		    strncmp(p, "{batch}", 7) == 0) {
			/* A second id (a document, a file, a linked engagement, a
			 * response, a batch of codes): one that belongs to nothing
			 * of the poll's. */
			value = "1";
		} else if (strncmp(p, "{link}", 6) == 0) {
			/* A private link of the right shape that leads nowhere. */
			value = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
		} else {
			cr_assert_fail("%s: a parameter this test cannot fill: %.*s", pattern,
			    (int)(end - p + 1), p);
		}
		n += (size_t)snprintf(out + n, size - n, "%s", value);
		if (n >= size)
			n = size - 1;
		p = end + 1;
	}
	out[n] = '\0';
}

static enum http_method
first_method(const struct route *r)
{
	unsigned m;

	for (m = HTTP_GET; m <= HTTP_OPTIONS; m <<= 1)
		if (r->methods & m)
			return (enum http_method)m;
	cr_assert_fail("route %s has no method", r->name);
	return HTTP_GET;
}

/* Calls route r as caller c, on a fresh poll; returns the exchange, which
 * the caller frees with exchange_free. */
static struct exchange *
call_route(const struct route *r, const struct caller *c)
{
	struct exchange *x;
	char path[512];
	int64_t option, poll = make_poll(r->rule == RULE_ANYONE, &option);

	fill_pattern(r->pattern, poll, path, sizeof(path));
	x = exchange_new(first_method(r), path);
	/* The one query parameter a route needs (the export's format); the
	 * others ignore it. */
	if (x->req.method == HTTP_GET) {
		x->req.query[0].name = str_c("format");
		x->req.query[0].value = str_c("csv");
		x->req.query_n = 1;
	}
	if (c->channel & BY_SESSION)
		exchange_cookie(x, c->cookie);
	if (c->channel & BY_TOKEN)
		exchange_add_header(x, "Authorization", c->bearer);
	if (r->flags & ROUTE_JSON) {
		/* A ballot, a new poll or a change, each valid. */
		if (strstr(r->pattern, "/votes"))
			exchange_body(x, "application/json", "{\"options\":[\"%lld\"]}",
			    (long long)option);
		else if (x->req.method == HTTP_POST)
			exchange_body(x, "application/json",
			    "{\"question\":\"Which day suits you?\","
			    "\"options\":[\"Monday\",\"Friday\"]}");
		else
			exchange_body(x, "application/json", "{\"question\":\"Which day?\"}");
	} else if (r->flags & ROUTE_FILE) {
		/* A file of a type the route takes. */
		exchange_body(x, "application/pdf", "%%PDF-1.4\n");
	} else if (r->flags & ROUTE_MULTIPART) {
		/* A form with a file, as the adapter reads one (http.h). */
		exchange_body(x, "multipart/form-data; boundary=b", "--b--\r\n");
		x->req.multipart = HTTP_MULTIPART_READ;
		x->req.form[0] = (struct http_pair){ str_c("csrf"), str_c(c->csrf) };
		x->req.form_n = 1;
		x->req.files[0] = (struct http_file){ str_c("file"), str_c("summary.pdf"),
		    str_c("application/pdf"), str_c("%PDF-1.4\n") };
		x->req.file_n = 1;
	} else if (r->flags & (ROUTE_FORM | ROUTE_PUBLIC_FORM)) {
		/* Enough for each form to do its work: the CSRF token, a delete's
		 * confirmation, a vote, a sign-in, a page's text. */
		exchange_body(x, "application/x-www-form-urlencoded",
		    "csrf=%s&confirm=yes&options=%lld"
		    "&email=nobody%%40example.org&password=wrong-password-here&title=Privacy"
		    "&body=Our+privacy+notice.&question=Which+day%%3F&option=Monday&option=Friday"
		    "&show_results=after_vote&open=now", c->csrf, (long long)option);
	}
	exchange_run(x, &fx.app);
	return x;
}

/* The Location header, or "" (for messages) when there is none. */
static const char *
location(const struct exchange *x)
{
	const char *v = exchange_response_header(x, "Location", "");

	return v ? v : "";
}

/* A refusal: 401 or 403, or (a browser asking for a staff page without a
 * session) the redirect to the sign-in page. */
static bool
is_refusal(const struct exchange *x)
{
	return x->res.status == 401 || x->res.status == 403 ||
	    (x->res.status == 303 && strncmp(location(x), "/staff/login?next=", 18) == 0);
}

/* Whether caller c may call route r, by the expectation above: its role
 * must be one the rule names, and it must have signed in the way the
 * route takes (a session for staff pages, a token for the API). */
static bool
may_call(const struct route *r, const struct caller *c, int exp)
{
	bool by_session = (c->channel & BY_SESSION) != 0, by_token = (c->channel & BY_TOKEN) != 0;

	if (expected[exp].anonymous)
		return true;
	if (c->channel == BY_NOTHING)
		return false;
	if ((r->flags & (ROUTE_STAFF | ROUTE_SIGNING_IN)) && !by_session)
		return false;
	if ((r->flags & ROUTE_TOKEN) && !by_token)
		return false;
	return expected[exp].roles[c->role];
}

/* ---- the tests ------------------------------------------------------------ */

Test(authz, every_route_declares_who_may_call_it)
{
	const struct route *routes;
	int i, n;

	routes = app_routes(&n);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++) {
		const struct route *r = &routes[i];

		cr_expect_neq(r->rule, RULE_NONE, "route %s (%s) declares no rule", r->name,
		    r->pattern);
		cr_expect_geq(expectation_of(r), 0, "route %s has rule \"%s\", for which this "
		    "test has no expected outcome: add it to `expected`", r->name,
		    route_rule_name(r->rule));
		/* A rule naming staff needs a route that signs staff in, and a
		 * route that demands a sign-in is not for anyone. */
		if (r->rule != RULE_ANYONE)
			cr_expect(r->flags & (ROUTE_STAFF | ROUTE_SIGNING_IN | ROUTE_TOKEN), "route %s "
			    "has rule \"%s\" but signs nobody in (ROUTE_STAFF, ROUTE_SIGNING_IN or "
			    "ROUTE_TOKEN)", r->name,
			    route_rule_name(r->rule));
		else
			cr_expect(!(r->flags & (ROUTE_STAFF | ROUTE_SIGNING_IN | ROUTE_TOKEN)), "route %s demands a "
			    "sign-in but its rule is \"anyone\"", r->name);
	}
}

Test(authz, rules_map_to_the_roles_permissions)
{
	int r;

	cr_assert(!route_rule_allows(RULE_NONE, true, ROLE_ADMIN), "an undeclared rule allows "
	    "no one");
	cr_assert(route_rule_allows(RULE_ANYONE, false, ROLE_VIEWER));
	cr_assert(!route_rule_allows(RULE_STAFF, false, ROLE_ADMIN), "staff rules need a sign-in");
	cr_assert(!route_rule_allows(RULE_POLL_MANAGE, false, ROLE_ADMIN));
	for (r = 0; r < ROLE_COUNT; r++) {
		cr_assert(route_rule_allows(RULE_STAFF, true, (enum role)r));
		cr_assert_eq(route_rule_allows(RULE_POLL_MANAGE, true, (enum role)r),
		    r == ROLE_ADMIN || r == ROLE_OFFICER, "poll_manage for %s",
		    role_name((enum role)r));
		cr_assert_eq(route_rule_allows(RULE_SITE_EDIT, true, (enum role)r), r == ROLE_ADMIN,
		    "site_edit for %s", role_name((enum role)r));
		cr_assert(route_rule_allows(RULE_RESULTS_VIEW, true, (enum role)r));
	}
	cr_assert_str_eq(route_rule_name(RULE_NONE), "none");
	cr_assert_str_eq(route_rule_name((enum route_rule)99), "none");
}

/* Calls route r as caller c and checks the answer against the
 * expectation; counts it as allowed or refused. */
static void
try_route(const struct route *r, struct caller *c, int exp, int *allowed, int *refused)
{
	struct exchange *x = call_route(r, c);
	const char *rule = route_rule_name(r->rule);
	int status = x->res.status;

	cr_expect_lt(status, 500, "%s %s as %s: status %d", r->name, x->target, c->label, status);
	cr_expect_neq(status, 405, "%s %s as %s: the test used a wrong method", r->name, x->target,
	    c->label);
	if (!may_call(r, c, exp)) {
		(*refused)++;
		cr_expect(is_refusal(x), "%s %s (rule %s) as %s: expected a refusal (401, 403 or "
		    "the sign-in page), got %d %s", r->name, x->target, rule, c->label, status,
		    location(x));
	} else if (c->other_org && r->rule != RULE_ANYONE && strstr(r->pattern, "{id}")) {
		(*allowed)++;
		/* Another organisation's poll is "not found" (docs/api.md). */
		cr_expect_eq(status, 404, "%s %s as %s: another organisation's poll must be not "
		    "found, got %d", r->name, x->target, c->label, status);
	} else {
		(*allowed)++;
		cr_expect(!is_refusal(x), "%s %s (rule %s) as %s: refused with %d %s", r->name,
		    x->target, rule, c->label, status, location(x));
	}
	exchange_free(x);
	keep_session(c);
}

Test(authz, every_caller_gets_what_the_route_rule_says)
{
	const struct route *routes;
	int i, k, n, exp, allowed = 0, refused = 0;

	routes = app_routes(&n);
	for (i = 0; i < n; i++) {
		exp = expectation_of(&routes[i]);
		cr_assert_geq(exp, 0, "route %s has no expected outcome (rule \"%s\")",
		    routes[i].name, route_rule_name(routes[i].rule));
		for (k = 0; k < CALLER_N; k++)
			try_route(&routes[i], &callers[k], exp, &allowed, &refused);
	}
	cr_assert_eq(allowed + refused, n * CALLER_N);
	cr_assert_gt(allowed, 0);
	cr_assert_gt(refused, 0);
}

/* The dashboard, as the route table has it but with another rule: app.c
 * alone applies the rule (the dashboard's handler lets any staff in). */
static int
dashboard_with_rule(enum route_rule rule, const struct caller *c)
{
	const struct route *routes;
	struct route copy;
	struct exchange *x;
	int i, n, status;

	routes = app_routes(&n);
	for (i = 0; i < n; i++)
		if (strcmp(routes[i].name, "staff.dashboard") == 0)
			break;
	cr_assert_lt(i, n, "no staff.dashboard route");
	copy = routes[i];
	copy.rule = rule;
	x = exchange_new(HTTP_GET, "/staff/");
	x->req.route = &copy; /* as the adapter does once it has routed */
	exchange_cookie(x, c->cookie);
	cr_assert_eq(exchange_run(x, &fx.app), HTTP_DONE);
	status = x->res.status;
	exchange_free(x);
	return status;
}

/* A route whose rule was left out is refused for everyone, even an
 * administrator: the central check fails closed. */
Test(authz, a_route_without_a_rule_is_refused)
{
	cr_assert_eq(callers[ADMIN].role, ROLE_ADMIN);
	cr_assert_eq(dashboard_with_rule(RULE_STAFF, &callers[ADMIN]), 200);
	cr_assert_eq(dashboard_with_rule(RULE_NONE, &callers[ADMIN]), 403);
	cr_assert_eq(dashboard_with_rule((enum route_rule)99, &callers[ADMIN]), 403);
}

/* The rule is applied before the handler, whatever the handler checks. */
Test(authz, the_rule_is_applied_before_the_handler)
{
	cr_assert_eq(callers[OFFICER].role, ROLE_OFFICER);
	cr_assert_eq(callers[VIEWER].role, ROLE_VIEWER);
	cr_assert_eq(dashboard_with_rule(RULE_SITE_EDIT, &callers[ADMIN]), 200, "administrator");
	cr_assert_eq(dashboard_with_rule(RULE_SITE_EDIT, &callers[OFFICER]), 403, "officer");
	cr_assert_eq(dashboard_with_rule(RULE_POLL_MANAGE, &callers[OFFICER]), 200, "officer");
	cr_assert_eq(dashboard_with_rule(RULE_POLL_MANAGE, &callers[VIEWER]), 403, "viewer");
}
