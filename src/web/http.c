/*
 * http.c - request look-ups, form parsing and response building (see
 * http.h).  Nothing here touches a socket or the HTTP library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "involve/http.h"

bool
http_header(const struct http_request *req, const char *name, struct str *out)
{
	int i;

	for (i = 0; i < req->header_n; i++) {
		if (str_case_eq_c(req->headers[i].name, name)) {
			*out = req->headers[i].value;
			return true;
		}
	}
	return false;
}

bool
http_query(const struct http_request *req, const char *name, struct str *out)
{
	int i;

	for (i = 0; i < req->query_n; i++) {
		if (str_eq_c(req->query[i].name, name)) {
			*out = req->query[i].value;
			return true;
		}
	}
	return false;
}

struct str
http_param(const struct http_request *req, const char *name)
{
	int i;

	for (i = 0; i < req->param_n; i++)
		if (str_eq_c(req->params[i].name, name))
			return req->params[i].value;
	return (struct str){ "", 0 };
}

int64_t
http_param_id(const struct http_request *req, const char *name)
{
	struct str s = http_param(req, name);
	int64_t id = 0;
	size_t i;

	/* The router has checked the digits; this only converts them. */
	for (i = 0; i < s.n && i < 18 && s.p[i] >= '0' && s.p[i] <= '9'; i++)
		id = id * 10 + (s.p[i] - '0');
	return i == s.n ? id : 0;
}

bool
http_cookie(const struct http_request *req, const char *name, struct str *out)
{
	struct str h;
	size_t i = 0, n = strlen(name), start, eq;

	if (!http_header(req, "Cookie", &h))
		return false;
	while (i < h.n) {
		while (i < h.n && (h.p[i] == ' ' || h.p[i] == ';'))
			i++;
		start = i;
		while (i < h.n && h.p[i] != ';')
			i++;
		for (eq = start; eq < i && h.p[eq] != '='; eq++)
			;
		if (eq < i && eq - start == n && memcmp(h.p + start, name, n) == 0) {
			out->p = h.p + eq + 1;
			out->n = i - eq - 1;
			return true;
		}
	}
	return false;
}

bool
http_content_type_is(const struct http_request *req, const char *type)
{
	struct str ct;
	size_t n = strlen(type);

	if (!http_header(req, "Content-Type", &ct))
		return false;
	while (ct.n > 0 && ct.p[0] == ' ') {
		ct.p++;
		ct.n--;
	}
	if (ct.n < n || strncasecmp(ct.p, type, n) != 0)
		return false;
	return ct.n == n || ct.p[n] == ';' || ct.p[n] == ' ';
}

/* Decodes %XX and '+' from src into dst (which has room for src.n bytes);
 * returns the decoded length or -1 on a bad escape. */
static long
url_decode(struct str src, char *dst)
{
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < src.n; i++) {
		if (src.p[i] == '+') {
			dst[o++] = ' ';
		} else if (src.p[i] == '%') {
			if (i + 2 >= src.n || str_hex_byte(src.p + i + 1, &c) != 0)
				return -1;
			dst[o++] = (char)c;
			i += 2;
		} else {
			dst[o++] = src.p[i];
		}
	}
	return (long)o;
}

int
http_form_parse(struct http_request *req)
{
	struct str body = req->body;
	size_t i = 0, start, eq;
	char *out;
	long n;

	req->form_n = 0;
	out = arena_alloc(&req->arena, body.n + 1);
	if (out == NULL)
		return ERR_NOMEM;
	while (i < body.n) {
		start = i;
		while (i < body.n && body.p[i] != '&')
			i++;
		if (i > start) {
			struct http_pair *f;

			if (req->form_n == HTTP_FORM_FIELDS_MAX)
				return ERR_INVALID;
			f = &req->form[req->form_n++];
			for (eq = start; eq < i && body.p[eq] != '='; eq++)
				;
			n = url_decode((struct str){ body.p + start, eq - start }, out);
			if (n < 0)
				return ERR_INVALID;
			f->name = (struct str){ out, (size_t)n };
			out += n;
			if (eq < i) {
				n = url_decode((struct str){ body.p + eq + 1, i - eq - 1 }, out);
				if (n < 0)
					return ERR_INVALID;
			} else {
				n = 0;
			}
			f->value = (struct str){ out, (size_t)n };
			out += n;
		}
		i++;
	}
	return 0;
}

bool
http_form(const struct http_request *req, const char *name, struct str *out)
{
	int i;

	for (i = 0; i < req->form_n; i++) {
		if (str_eq_c(req->form[i].name, name)) {
			*out = req->form[i].value;
			return true;
		}
	}
	return false;
}

int
http_form_all(const struct http_request *req, const char *name, struct str *out, int max)
{
	int i, n = 0;

	for (i = 0; i < req->form_n; i++) {
		if (str_eq_c(req->form[i].name, name)) {
			if (n < max)
				out[n] = req->form[i].value;
			n++;
		}
	}
	return n;
}

bool
http_form_file(const struct http_request *req, const char *name, const struct http_file **out)
{
	int i;

	for (i = 0; i < req->file_n; i++) {
		const struct http_file *f = &req->files[i];

		if (str_eq_c(f->field, name) && (f->data.n > 0 || f->filename.n > 0)) {
			*out = f;
			return true;
		}
	}
	return false;
}

void
http_request_free(struct http_request *req)
{
	req->form_n = 0;
	req->file_n = 0;
	req->multipart = HTTP_MULTIPART_NONE;
	req->auth = NULL;
	req->pending = NULL;
	arena_free(&req->arena);
}

void
http_response_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	res->content_type = "text/html; charset=utf-8";
}

void
http_response_free(struct http_response *res)
{
	int i;

	buf_free(&res->body);
	if (res->stream.free != NULL)
		res->stream.free(res->stream.ctx);
	res->stream = (struct http_stream){ NULL, NULL, NULL };
	for (i = 0; i < res->header_n; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	res->header_n = 0;
}

void
http_response_stream(struct http_response *res, int (*next)(void *ctx, struct buf *out),
    void (*free_ctx)(void *ctx), void *ctx)
{
	if (res->stream.free != NULL)
		res->stream.free(res->stream.ctx);
	res->stream = (struct http_stream){ next, free_ctx, ctx };
}

int
http_response_drain(struct http_response *res)
{
	struct buf piece = BUF_INIT;
	int rc = 1;

	while (res->stream.next != NULL && rc > 0) {
		buf_reset(&piece);
		rc = res->stream.next(res->stream.ctx, &piece);
		if (rc >= 0)
			buf_add(&res->body, piece.p, piece.n);
		if (!buf_ok(&piece) || !buf_ok(&res->body))
			rc = ERR_NOMEM;
	}
	buf_free(&piece);
	if (res->stream.free != NULL)
		res->stream.free(res->stream.ctx);
	res->stream = (struct http_stream){ NULL, NULL, NULL };
	return rc < 0 ? rc : 0;
}

void
http_response_header(struct http_response *res, const char *name, const char *value)
{
	struct http_header_out *h;

	if (res->header_n == HTTP_RESPONSE_HEADERS_MAX)
		return;
	h = &res->headers[res->header_n];
	h->name = strdup(name);
	h->value = strdup(value);
	if (h->name == NULL || h->value == NULL) {
		free(h->name);
		free(h->value);
		return;
	}
	res->header_n++;
}

void
http_response_redirect(struct http_response *res, int status, const char *location)
{
	res->status = status;
	http_response_header(res, "Location", location);
}

void
http_response_cookie(struct http_response *res, const char *name, const char *value,
    const char *path, long max_age, bool secure, const char *same_site)
{
	char line[512];
	char age[40] = "";

	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	snprintf(line, sizeof(line), "%s=%s; Path=%s%s; HttpOnly%s; SameSite=%s", name, value, path,
	    age, secure ? "; Secure" : "", same_site);
	http_response_header(res, "Set-Cookie", line);
}

void
http_response_finish(struct http_response *res)
{
	if (res->finish)
		res->finish(res->finish_ctx);
}

void
http_response_complete(struct http_request *req, struct http_response *res)
{
	void (*then)(struct http_request *, struct http_response *) = res->then;

	res->then = NULL;
	if (then)
		then(req, res);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

static const struct {
	enum http_method m;
	const char *name;
} methods[] = {
	{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
	{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" }, { HTTP_OPTIONS, "OPTIONS" },
};

const char *
http_method_name(enum http_method m)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].name;
	return "?";
}

int
http_method_parse(const char *name, enum http_method *out)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(methods[i].name, name) == 0) {
			*out = methods[i].m;
			return 0;
		}
	}
	return ERR_INVALID;
}
