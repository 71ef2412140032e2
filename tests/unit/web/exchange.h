/*
 * exchange.h - handler tests without a socket: the app they run against
 * and the requests they send it through app_handle.
 *
 * A web_fixture is one app on a real SQLite store in a temporary folder,
 * with the repository's own templates and two organisations; a suite
 * opens it in its .init and closes it in its .fini, and since Criterion
 * runs each test in a process of its own, every test starts afresh.
 *
 * An exchange is one request, built as the HTTP adapter builds it from
 * the wire, and its response.  Anything that goes wrong in setting either
 * up fails the test with a Criterion assertion, so tests need not check.
 *
 * Ownership: exchange_new allocates the exchange, and exchange_free frees
 * it with the request's parsed form and the response.  The request's
 * strings point into the exchange's own buffers (target, cookie, body) or
 * at strings the caller keeps alive as long as the exchange: literals or
 * a suite's static data.
 */
#ifndef INVOLVE_TEST_EXCHANGE_H
#define INVOLVE_TEST_EXCHANGE_H

#include "involve/app.h"
#include "involve/keys.h"
#include "involve/store.h"
#include "pending.h"

struct web_fixture {
	char dir[64]; /* the store and keys; removed by web_fixture_close */
	struct store *store;
	struct keys keys;
	struct app app;
	struct org org;   /* "bury" */
	struct org other; /* "blackpool": another organisation, kept apart from "bury" */
};

/* Makes fx in a new folder /tmp/involve-<name>-XXXXXX. */
void web_fixture_open(struct web_fixture *fx, const char *name);
void web_fixture_close(struct web_fixture *fx);

struct exchange {
	struct http_request req;
	struct http_response res;
	struct pending_response pending;
	int rc;            /* app_handle's result, once run */
	char target[1024]; /* the path, the query cut off at '?' into req.query */
	char cookie[512];
	char body[8192];
	const char *html; /* the response body, NUL-terminated ("" for none), once run */
	bool keep_stream; /* set before running: a streamed body is left in res.stream */
};

/* A request for target ("/path" or "/path?name=value&...", the query
 * already decoded), from a documentation address, with a Host header and
 * an empty body as the adapter passes one.  Free it with exchange_free. */
struct exchange *exchange_new(enum http_method method, const char *target);
/* Adds a request header; value is not copied and must outlive x. */
void exchange_add_header(struct exchange *x, const char *name, const char *value);
/* Sends cookie ("name=value; ...") as the Cookie header; it is copied. */
void exchange_cookie(struct exchange *x, const char *cookie);
/* Sets the body, formatted into x->body (one too long fails the test),
 * and its Content-Type header. */
void exchange_body(struct exchange *x, const char *content_type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Runs the request through app_handle, waiting for a pending response (a
 * vote's), which fails the test if it never finishes; a streamed body is
 * read to its end into res.body (unless keep_stream), failing the test if
 * it fails.  Sets x->rc and x->html; returns x->rc. */
int exchange_run(struct exchange *x, struct app *app);
/* The value of the first response header called name whose value starts
 * with prefix ("" for any), or NULL. */
const char *exchange_response_header(const struct exchange *x, const char *name,
    const char *prefix);
void exchange_free(struct exchange *x);

#endif
