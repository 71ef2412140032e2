/*
 * fuzz_util.c - requests built from fuzz input, run as the HTTP adapter
 * runs them, and the checks every response must pass (see fuzz.h).
 */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "involve/route.h"
#include "fuzz.h"

int
fuzz_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
fuzz_expand(struct buf *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '$' || i + 1 == n) {
			buf_addch(out, (char)p[i]);
			continue;
		}
		switch (p[++i]) {
		case 'o': buf_printf(out, "%lld", (long long)fx.poll_open); break;
		case 'd': buf_printf(out, "%lld", (long long)fx.poll_draft); break;
		case 'c': buf_printf(out, "%lld", (long long)fx.poll_closed); break;
		case 's': buf_printf(out, "%lld", (long long)fx.poll_scheduled); break;
		case 'm': buf_printf(out, "%lld", (long long)fx.poll_multi); break;
		case 'a': buf_printf(out, "%lld", (long long)fx.option_a); break;
		case 'b': buf_printf(out, "%lld", (long long)fx.option_b); break;
		case 'S': buf_add_c(out, fx.session); break;
		case 'C': buf_add_c(out, fx.csrf); break;
		case 'T': buf_add_c(out, fx.token); break;
		case 'V': buf_add_c(out, fx.voter); break;
		default:
			buf_addch(out, '$');
			buf_addch(out, (char)p[i]);
		}
	}
}

void
freq_init(struct fuzz_request *f, enum http_method method)
{
	memset(f, 0, sizeof(*f));
	f->req.method = method;
	f->req.now = (int64_t)time(NULL);
	f->req.path = STR_LIT("/");
	snprintf(f->req.client_addr, sizeof(f->req.client_addr), "192.0.2.7");
	http_response_init(&f->res);
	pending_init(&f->pending);
}

/* Takes ownership of the heap block s, freed with the request. */
static void
keep_block(struct fuzz_request *f, char *s)
{
	if (f->kept_n == f->kept_cap) {
		int cap = f->kept_cap ? 2 * f->kept_cap : 16;
		char **kept = realloc(f->kept, (size_t)cap * sizeof(*kept));

		FUZZ_CHECK(kept != NULL, "out of memory");
		f->kept = kept;
		f->kept_cap = cap;
	}
	f->kept[f->kept_n++] = s;
}

const char *
freq_keep(struct fuzz_request *f, const void *p, size_t n)
{
	char *s = strndup(p ? p : "", p ? n : 0);

	FUZZ_CHECK(s != NULL, "out of memory");
	keep_block(f, s);
	return s;
}

/* %HH decoding as the adapter does it (src/web/httpd.c): in place, with
 * %00 left as it is so a NUL never cuts the string short. */
static void
unescape(char *s)
{
	char *in = s, *out = s;
	int hi, lo;

	while (*in) {
		if (in[0] == '%' && (hi = fuzz_hexval(in[1])) >= 0 &&
		    (lo = fuzz_hexval(in[2])) >= 0 && (hi | lo) != 0) {
			*out++ = (char)(hi * 16 + lo);
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* The query as the HTTP library splits it: at '&', then at the first '=',
 * '+' read as a space, then %HH decoded; at most HTTP_QUERY_MAX pairs. */
static void
split_query(struct fuzz_request *f, char *q)
{
	char *pair, *save = NULL, *eq, *c;

	for (c = q; *c; c++)
		if (*c == '+')
			*c = ' ';
	for (pair = strtok_r(q, "&", &save); pair != NULL; pair = strtok_r(NULL, "&", &save)) {
		if (f->req.query_n == HTTP_QUERY_MAX)
			return;
		eq = strchr(pair, '=');
		if (eq != NULL)
			*eq++ = '\0';
		unescape(pair);
		if (eq != NULL)
			unescape(eq);
		f->req.query[f->req.query_n].name = str_c(pair);
		f->req.query[f->req.query_n].value = str_c(eq ? eq : "");
		f->req.query_n++;
	}
}

void
freq_target(struct fuzz_request *f, const void *p, size_t n)
{
	char *path = (char *)freq_keep(f, p, n), *q = strchr(path, '?');

	if (q != NULL) {
		*q++ = '\0';
		split_query(f, q);
	}
	unescape(path);
	f->req.path = str_c(path);
}

void
freq_header(struct fuzz_request *f, const char *name, const void *value, size_t n)
{
	if (f->req.header_n == HTTP_HEADERS_MAX)
		return;
	f->req.headers[f->req.header_n].name = str_c(freq_keep(f, name, strlen(name)));
	f->req.headers[f->req.header_n].value = str_c(freq_keep(f, value, n));
	f->req.header_n++;
}

void
freq_cookie(struct fuzz_request *f, const char *name, const char *value)
{
	if (f->cookie.n > 0)
		buf_add_c(&f->cookie, "; ");
	buf_printf(&f->cookie, "%s=%s", name, value);
}

void
freq_body(struct fuzz_request *f, const void *p, size_t n)
{
	char *body = malloc(n + 1);

	FUZZ_CHECK(body != NULL, "out of memory");
	if (n > 0)
		memcpy(body, p, n);
	body[n] = '\0';
	keep_block(f, body);
	f->req.body = (struct str){ body, n };
}

void
freq_run(struct fuzz_request *f)
{
	if (f->cookie.n > 0)
		freq_header(f, "Cookie", f->cookie.p, f->cookie.n);
	/* The vote handlers answer once the store's writer has committed the
	 * ballot, on the writer's thread: pending_handle waits for that, as
	 * the adapter does. */
	f->rc = pending_handle(&f->pending, &fx.app, &f->req, &f->res);
	FUZZ_CHECK(f->rc == HTTP_DONE || f->rc == HTTP_PENDING, "app_handle returned %d", f->rc);
	FUZZ_CHECK(f->pending.finished, "a pending response never finished");
}

static bool
starts_with(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * What holds for every response, whatever was sent:
 * - a status the server means to send (never 500: a fault in the handler,
 *   such as a template value it could not build, not a bad request);
 * - no header that could split the response (CR, LF) and at most the
 *   headers the adapter sends;
 * - a JSON body that parses, for the API's JSON types;
 * - an HTML page on which FUZZ_MARK, which the fixture's polls and the
 *   seeds put in every field they can, appears only escaped, and which,
 *   when it refuses a form (422), lists at least one error.
 */
void
freq_check(const struct fuzz_request *f)
{
	const struct http_response *res = &f->res;
	const char *body = res->body.p;
	size_t n = res->body.n;
	json_error_t err;
	json_t *v;
	int i;

	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz: %s %.*s -> %d %s\n", http_method_name(f->req.method),
		    (int)f->req.path.n, f->req.path.p, res->status,
		    res->content_type ? res->content_type : "");
	FUZZ_CHECK(res->status >= 200 && res->status <= 599, "status %d", res->status);
	FUZZ_CHECK(res->status != 500, "status 500 for %s %.*s: %.*s",
	    http_method_name(f->req.method), (int)f->req.path.n, f->req.path.p,
	    (int)(n > 300 ? 300 : n), body ? body : "");
	FUZZ_CHECK(buf_ok(&res->body), "the response body failed to grow");
	FUZZ_CHECK(res->header_n <= HTTP_RESPONSE_HEADERS_MAX, "%d headers", res->header_n);
	for (i = 0; i < res->header_n; i++) {
		FUZZ_CHECK(strpbrk(res->headers[i].name, "\r\n:") == NULL, "header name \"%s\"",
		    res->headers[i].name);
		FUZZ_CHECK(strpbrk(res->headers[i].value, "\r\n") == NULL,
		    "header %s has a line break: \"%s\"", res->headers[i].name,
		    res->headers[i].value);
	}
	if (res->static_body != NULL)
		return;
	if ((starts_with(res->content_type, "application/json") ||
	        starts_with(res->content_type, "application/problem+json")) &&
	    n > 0) {
		v = json_loadb(body, n, 0, &err);
		FUZZ_CHECK(v != NULL, "%s body is not JSON (%s): %.*s", res->content_type, err.text,
		    (int)(n > 300 ? 300 : n), body);
		json_decref(v);
	}
	if (!starts_with(res->content_type, "text/html"))
		return;
	FUZZ_CHECK(!fuzz_contains(body, n, FUZZ_MARK_RAW),
	    "an HTML page shows a value unescaped: %.*s", (int)(n > 2000 ? 2000 : n), body);
	/* A refused form says what to correct: the NHS.UK error summary, whose
	 * list partials/error_summary.html writes only around an entry. */
	if (res->status == 422)
		FUZZ_CHECK(fuzz_contains(body, n, "nhsuk-error-summary__list"),
		    "a refused form lists no error: %.*s", (int)(n > 3000 ? 3000 : n), body);
}

void
freq_free(struct fuzz_request *f)
{
	int i;

	http_request_free(&f->req);
	http_response_free(&f->res);
	for (i = 0; i < f->kept_n; i++)
		free(f->kept[i]);
	free(f->kept);
	buf_free(&f->cookie);
	pending_destroy(&f->pending);
}
