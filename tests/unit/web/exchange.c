/*
 * exchange.c - the app, store and hand-built requests of the socketless
 * handler tests (see exchange.h).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "involve/secret.h"
#include "exchange.h"

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the repository (tests/meson.build defines it)"
#endif

static const struct actor fixture_actor = { 0, 0, "test" };
static struct proxy_list metrics_nets;

static void
make_org(struct web_fixture *fx, const char *slug, const char *name, struct org *o)
{
	struct errors e;

	errors_init(&e);
	cr_assert_eq(org_check(str_c(slug), str_c(name), o, &e), 0);
	/* These handler tests are about rules and pages, not second factors
	 * (test_signin.c has those): nobody is asked for one. */
	o->require_mfa = MFA_NONE;
	cr_assert_eq(store_org_create(fx->store, &fixture_actor, o), 0);
}

void
web_fixture_open(struct web_fixture *fx, const char *name)
{
	struct store_config cfg = { 0 };
	struct app_config ac = { 0 };
	struct errors e;
	char url[128];

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/involve-%s-XXXXXX", name);
	cr_assert_not_null(mkdtemp(fx->dir));
	/* Staff passwords are hashed at the cheapest cost: tests make many. */
	secret_set_cost(SECRET_COST_TEST);
	errors_init(&e);
	cr_assert_eq(keys_load(fx->dir, &fx->keys, &e), 0, "keys: %s", e.n ? e.list[0].detail : "");
	snprintf(url, sizeof(url), "sqlite:%s/involve.db", fx->dir);
	cfg.url = url;
	memcpy(cfg.audit_key, fx->keys.audit, sizeof(cfg.audit_key));
	cr_assert_eq(store_open(&cfg, &fx->store, &e), 0);
	cr_assert_eq(store_migrate(fx->store), 0);
	ac.public_url = "http://127.0.0.1:8080";
	ac.templates_dir = SOURCE_ROOT "/web/templates";
	ac.static_dir = SOURCE_ROOT "/web/static";
	ac.vote_rate_limit = 0; /* tests vote many times from one address */
	/* Requests come from 192.0.2.7 (exchange_new): a network allowed to
	 * read /metrics, like the machine itself in a real installation. */
	proxy_list_init(&metrics_nets);
	cr_assert_eq(proxy_list_add(&metrics_nets, "192.0.2.0/24", &e), 0);
	ac.metrics_allow = &metrics_nets;
	cr_assert_eq(app_init(&fx->app, &ac, fx->store, &fx->keys, &e), 0, "app_init: %s",
	    e.n ? e.list[0].detail : "");
	make_org(fx, "bury", "NHS Bury", &fx->org);
	make_org(fx, "blackpool", "NHS Blackpool", &fx->other);
}

void
web_fixture_close(struct web_fixture *fx)
{
	char cmd[128];

	app_free(&fx->app);
	store_close(fx->store);
	keys_wipe(&fx->keys);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	cr_assert_eq(system(cmd), 0);
}

/* Splits "a=b&c=d" (already decoded) into req->query, in place. */
static void
split_query(struct http_request *req, char *q)
{
	char *pair, *save = NULL, *eq;

	for (pair = strtok_r(q, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		cr_assert_lt(req->query_n, HTTP_QUERY_MAX, "too many query parameters");
		eq = strchr(pair, '=');
		if (eq)
			*eq = '\0';
		req->query[req->query_n].name = str_c(pair);
		req->query[req->query_n].value = str_c(eq ? eq + 1 : "");
		req->query_n++;
	}
}

struct exchange *
exchange_new(enum http_method method, const char *target)
{
	struct exchange *x = calloc(1, sizeof(*x));
	char *q;

	cr_assert_not_null(x);
	cr_assert_lt(strlen(target), sizeof(x->target), "target too long: %s", target);
	snprintf(x->target, sizeof(x->target), "%s", target);
	q = strchr(x->target, '?');
	if (q)
		*q++ = '\0';
	x->req.method = method;
	x->req.path = str_c(x->target);
	if (q)
		split_query(&x->req, q);
	x->req.now = time(NULL);
	x->req.body = str_c(x->body);
	snprintf(x->req.client_addr, sizeof(x->req.client_addr), "192.0.2.7");
	exchange_add_header(x, "Host", "127.0.0.1:8080");
	http_response_init(&x->res);
	pending_init(&x->pending);
	x->html = "";
	return x;
}

void
exchange_add_header(struct exchange *x, const char *name, const char *value)
{
	cr_assert_lt(x->req.header_n, HTTP_HEADERS_MAX);
	x->req.headers[x->req.header_n].name = str_c(name);
	x->req.headers[x->req.header_n].value = str_c(value);
	x->req.header_n++;
}

void
exchange_cookie(struct exchange *x, const char *cookie)
{
	snprintf(x->cookie, sizeof(x->cookie), "%s", cookie);
	exchange_add_header(x, "Cookie", x->cookie);
}

void
exchange_body(struct exchange *x, const char *content_type, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(x->body, sizeof(x->body), fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(x->body), "body too long: %s", x->body);
	x->req.body = str_c(x->body);
	exchange_add_header(x, "Content-Type", content_type);
}

int
exchange_run(struct exchange *x, struct app *app)
{
	x->rc = pending_handle(&x->pending, app, &x->req, &x->res);
	cr_assert(x->pending.finished, "%s %s: the pending response never finished",
	    http_method_name(x->req.method), x->target);
	/* A streamed body is read to its end, as a client would. */
	if (!x->keep_stream)
		cr_assert_eq(http_response_drain(&x->res), 0, "%s %s: the streamed body failed",
	    http_method_name(x->req.method), x->target);
	x->html = buf_cstr(&x->res.body);
	if (x->html == NULL)
		x->html = "";
	return x->rc;
}

const char *
exchange_response_header(const struct exchange *x, const char *name, const char *prefix)
{
	int i;

	for (i = 0; i < x->res.header_n; i++)
		if (strcasecmp(x->res.headers[i].name, name) == 0 &&
		    strncmp(x->res.headers[i].value, prefix, strlen(prefix)) == 0)
			return x->res.headers[i].value;
	return NULL;
}

void
exchange_free(struct exchange *x)
{
	http_request_free(&x->req);
	http_response_free(&x->res);
	pending_destroy(&x->pending);
	free(x);
}
