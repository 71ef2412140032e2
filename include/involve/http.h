/*
 * http.h - the project's own HTTP request and response types.
 *
 * Handlers see only these, never the HTTP library, so they can be called
 * directly in tests without a socket.  The adapter (src/web/httpd.c) fills
 * a request from the wire and sends the response back.
 *
 * A request and everything reachable from it (headers, body, parsed form,
 * path parameters) lives until the response has been sent; strings point
 * into the request's own storage.  So does its arena (arena.h): whatever a
 * handler allocates from req->arena is freed with the request, at once.
 */
#ifndef INVOLVE_HTTP_H
#define INVOLVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/str.h"

/* Named limits (see also the adapter's connection limits). */
#define HTTP_HEADERS_MAX 64
#define HTTP_QUERY_MAX 32
#define HTTP_FORM_FIELDS_MAX 64
#define HTTP_PARAMS_MAX 4
#define HTTP_RESPONSE_HEADERS_MAX 16
#define HTTP_CLIENT_ADDR_MAX 64
#define HTTP_FILES_MAX 2

enum http_method {
	HTTP_GET = 1,
	HTTP_HEAD = 2,
	HTTP_POST = 4,
	HTTP_PUT = 8,
	HTTP_PATCH = 16,
	HTTP_DELETE = 32,
	HTTP_OPTIONS = 64,
};

struct http_pair {
	struct str name;
	struct str value;
};

/* A file sent in a multipart/form-data form: its field's name, the name
 * and media type the browser gave it (either may be empty), its bytes. */
struct http_file {
	struct str field;
	struct str filename;
	struct str content_type;
	struct str data;
};

/* What became of a multipart/form-data body (see http_request). */
enum http_multipart {
	HTTP_MULTIPART_NONE = 0, /* not read as one */
	HTTP_MULTIPART_READ,     /* read: its fields in form, its files in files */
	HTTP_MULTIPART_BAD,      /* not a multipart form that could be read */
};

struct app;
struct coding_variants;
struct route;

struct http_request {
	struct app *app;
	const struct route *route;
	enum http_method method;
	struct str path;   /* without the query string, as sent */
	char client_addr[HTTP_CLIENT_ADDR_MAX];
	int64_t now;       /* unix seconds when the request arrived */
	int header_n;
	struct http_pair headers[HTTP_HEADERS_MAX];
	int query_n;
	struct http_pair query[HTTP_QUERY_MAX];  /* decoded */
	int param_n;
	struct http_pair params[HTTP_PARAMS_MAX]; /* from the route pattern */
	struct str body;
	/* Filled by http_form_parse (the decoded text is in the arena): */
	int form_n;
	struct http_pair form[HTTP_FORM_FIELDS_MAX];
	/*
	 * A multipart/form-data body, read by the adapter (the HTTP library's
	 * post processor needs the connection) for a route that takes one
	 * (ROUTE_MULTIPART): its text fields in form, its files here, all in
	 * the arena.  Tests without a socket fill these themselves.
	 */
	enum http_multipart multipart;
	int file_n;
	struct http_file files[HTTP_FILES_MAX];
	/* The body was larger than the route takes and was not read: set by
	 * the adapter, for a ROUTE_MULTIPART route only, whose handler says so
	 * on its own page (the form a person filled in) instead of the bare
	 * 413 other routes answer. */
	bool too_large;
	/* Memory that lives as long as the request. */
	struct arena arena;
	/* The language the answer is in (i18n.h), chosen by app_handle. */
	const struct i18n_lang *lang;
	/* Who is asking (auth.h), once a route's sign-in has run; in the arena. */
	void *auth;
	/* A handler's own state while the response waits (see `then`). */
	void *pending;
};

/* Looks a header up by name (case-insensitive); false when absent. */
bool http_header(const struct http_request *req, const char *name, struct str *out);
bool http_query(const struct http_request *req, const char *name, struct str *out);
/* A path parameter declared by the route ("{id}"). */
struct str http_param(const struct http_request *req, const char *name);
/* A route's {id} parameter as a number (0 when absent). */
int64_t http_param_id(const struct http_request *req, const char *name);
/* The value of a cookie in the Cookie header. */
bool http_cookie(const struct http_request *req, const char *name, struct str *out);
/* Whether the body's media type is `type` (parameters such as charset
 * ignored). */
bool http_content_type_is(const struct http_request *req, const char *type);

/*
 * Parses an application/x-www-form-urlencoded body into req->form.  Our
 * own parser (not the HTTP library's) because handlers must run without a
 * connection.  ERR_INVALID when malformed or over the field limit.
 */
int http_form_parse(struct http_request *req);
/* The first value of a form field; false when absent. */
bool http_form(const struct http_request *req, const char *name, struct str *out);
/* Every value of a repeated field (checkboxes), up to max. */
int http_form_all(const struct http_request *req, const char *name, struct str *out, int max);
/* The first file sent in field `name` with at least one byte or a name;
 * false when none was chosen. */
bool http_form_file(const struct http_request *req, const char *name, const struct http_file **out);
/* Frees what the request holds: its arena, and with it the parsed form,
 * the auth and every handler allocation. */
void http_request_free(struct http_request *req);

#define HTTP_FRAME_ANCESTORS_MAX 1024

struct http_header_out {
	char *name;  /* owned */
	char *value; /* owned */
};

/*
 * A body made while it is sent, for files too large to hold at once (a
 * survey's responses).  next appends the following piece of the body to
 * out (which arrives empty) and returns 1 when more follows, 0 when the
 * body is complete (out may hold its last piece), or a negative error
 * code.  An error comes after the status and headers have gone: the
 * adapter logs it and cuts the body short (a chunked body without its
 * last chunk), so the client knows it is incomplete.  Each call should be
 * a short piece of work that holds no database transaction or connection
 * when it returns: the client may take its time between calls, or leave.
 * free(ctx) is called exactly once, after the end, an error, or the
 * client going away; whoever holds the response then owns ctx.
 */
struct http_stream {
	int (*next)(void *ctx, struct buf *out);
	void (*free)(void *ctx);
	void *ctx;
};

struct http_response {
	int status;
	const char *content_type;      /* a literal; default text/html */
	struct buf body;               /* owned */
	const void *static_body;       /* or: bytes owned elsewhere, kept alive */
	size_t static_len;
	int header_n;
	struct http_header_out headers[HTTP_RESPONSE_HEADERS_MAX];
	bool frameable;                /* may be shown in another site's iframe ... */
	/* ... of these origins only, separated by spaces ("" = of none) */
	char frame_ancestors[HTTP_FRAME_ANCESTORS_MAX];
	struct http_stream stream;     /* or: a body made as it is sent (next set);
	                                * never compressed, never cached */
	bool no_store;                 /* Cache-Control: no-store (personal pages) */
	const char *cache_control;     /* a literal overriding the default */
	/* Content coding (content_coding.h), settled by app_encode_response
	 * just before sending: */
	const struct coding_variants *variants; /* static_body in other codings,
	                                         * made in advance, kept alive */
	const char *content_encoding;  /* "br", "gzip": the body is so encoded */
	bool vary_encoding;            /* the body depends on Accept-Encoding */
	const char *language;          /* a literal: the page's language, when the
	                                * body depends on the visitor's choice of it */
	/*
	 * For handlers that finish later (a write waiting for its commit): the
	 * handler sets `then` and returns HTTP_PENDING; whoever completes the
	 * work calls http_response_finish (from any thread, doing nothing
	 * else), and the adapter then calls then(req, res) on one of its own
	 * threads to fill the response.  finish and finish_ctx are the
	 * adapter's.
	 */
	void (*then)(struct http_request *req, struct http_response *res);
	void (*finish)(void *ctx);
	void *finish_ctx;
};

enum {
	HTTP_DONE = 0,    /* the response is complete */
	HTTP_PENDING = 1, /* the handler will call http_response_finish */
};

typedef int (*http_handler)(struct http_request *req, struct http_response *res);

void http_response_init(struct http_response *res);
void http_response_free(struct http_response *res);
/* Adds a header; name and value are copied. */
void http_response_header(struct http_response *res, const char *name, const char *value);
/* Makes the body a stream (see struct http_stream); res owns ctx from now
 * on, and frees it with free(ctx) if the response is never sent. */
void http_response_stream(struct http_response *res, int (*next)(void *ctx, struct buf *out),
    void (*free_ctx)(void *ctx), void *ctx);
/* Reads a streamed body to its end into res->body and frees the stream:
 * for handler tests, and callers that want the body whole.  0, or the
 * stream's error (res->body then holds what came before it). */
int http_response_drain(struct http_response *res);
void http_response_redirect(struct http_response *res, int status, const char *location);
/* Sets a cookie: HttpOnly always; Secure when `secure`; SameSite as given
 * ("Lax", "Strict", "None"); max_age < 0 leaves it a session cookie. */
void http_response_cookie(struct http_response *res, const char *name, const char *value,
    const char *path, long max_age, bool secure, const char *same_site);
/* Signals that the work a pending response waits for is done; safe from
 * any thread. */
void http_response_finish(struct http_response *res);
/* Fills a pending response once its work is done: calls res->then (once).
 * The adapter and handler tests call it on their own thread. */
void http_response_complete(struct http_request *req, struct http_response *res);

const char *http_status_text(int status);
const char *http_method_name(enum http_method m);
int http_method_parse(const char *name, enum http_method *out);

#endif
