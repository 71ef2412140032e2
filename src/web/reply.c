/*
 * reply.c - answers for refusals and failures, from one table (see
 * reply.h), and the JSON bodies of the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/reply.h"
#include "involve/route.h"
#include "pages.h"

struct failure {
	int rc;
	int status;
	const char *title;      /* the problem's: the status's own words */
	const char *detail;     /* the problem's detail when nothing better is known */
	const char *page_title; /* the error page's heading */
	const char *page_text;  /* and what the person can do */
};

#define UNAVAILABLE_TITLE N_("Sorry, there is a problem with the service")

static const struct failure failures[] = {
	{ ERR_INVALID, 422, "Validation failed", "Some fields are not valid.",
	    N_("There is a problem"), N_("Check what you entered and try again.") },
	{ ERR_KEY_REUSED, 422, "Idempotency key reused", "This Idempotency-Key was sent before "
	    "with another request. Use a new key for a new request.", N_("There is a problem"),
	    N_("Go back, reload the page and try again.") },
	{ ERR_CODE_SPENT, 422, "Code not valid", "The code is not one of this poll's, or it has "
	    "been used or withdrawn.", N_("There is a problem"), N_("The code is not valid, or "
	    "it has been used. Check it and try again.") },
	{ ERR_MALFORMED, 400, "Bad request", "The request could not be read.",
	    N_("There is a problem"), N_("The form could not be read. Go back and try again.") },
	{ ERR_UNSIGNED, 401, "Not authenticated", "Send an API token: Authorization: Bearer <token>.",
	    N_("Your session has ended"), N_("Sign in again, then try once more.") },
	{ ERR_DENIED, 403, "Forbidden", "Your role may not do this.",
	    N_("You cannot do this"), N_("Your role does not allow it. Ask an administrator of "
	    "your organisation.") },
	{ ERR_NOTFOUND, 404, "Not found", "There is no such thing here.",
	    N_("Page not found"), N_("If you typed the web address, check it is correct.") },
	{ ERR_METHOD, 405, "Method not allowed", "This address does not accept that method.",
	    N_("Method not allowed"), N_("This address does not accept that kind of request.") },
	{ ERR_CONFLICT, 409, "Conflict", "This cannot be done in the current state.",
	    N_("This cannot be done now"), N_("Go back and check what has changed.") },
	{ ERR_DUPLICATE, 409, "Conflict", "This has been done already.",
	    N_("This has been done already"), N_("Go back and check what has changed.") },
	{ ERR_TOO_LARGE, 413, "Content too large", "The request body is larger than this "
	    "address accepts.", N_("Content too large"), N_("What was sent is larger than this "
	    "page accepts.") },
	{ ERR_MEDIA_TYPE, 415, "Unsupported media type", "The body is not of a type this address "
	    "accepts.", N_("Unsupported media type"), N_("Send the form from this website.") },
	{ ERR_LIMITED, 429, "Too many requests", "Try again in a minute.",
	    N_("Too many requests"), N_("Try again in a minute.") },
	{ ERR_BUSY, 503, "Service unavailable", "Try again in a moment.",
	    UNAVAILABLE_TITLE, N_("Try again later.") },
	{ ERR_IO, 503, "Service unavailable", "Nothing was changed. Try again in a moment.",
	    UNAVAILABLE_TITLE, N_("Nothing has been changed. Try again later.") },
	{ ERR_FULL, 503, "Service unavailable", "Nothing was changed. Try again later.",
	    UNAVAILABLE_TITLE, N_("Nothing has been changed. Try again later.") },
	{ ERR_NOMEM, 503, "Service unavailable", "Try again in a moment.",
	    UNAVAILABLE_TITLE, N_("Try again later.") },
};

static const struct failure *
failure_of(int rc)
{
	size_t i;

	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++)
		if (failures[i].rc == rc)
			return &failures[i];
	return &failures[sizeof(failures) / sizeof(failures[0]) - 1]; /* 503 */
}

int
reply_status(int rc)
{
	return failure_of(rc)->status;
}

static bool
is_api(const struct http_request *req)
{
	return str_starts_with(req->path, "/api/");
}

int
reply_error(struct http_request *req, struct http_response *res, int rc, const struct errors *e)
{
	const struct failure *f = failure_of(rc);
	const char *said = e && e->n > 0 ? e->list[0].detail : NULL;
	const char *title = tr(req, f->page_title), *text = tr(req, f->page_text);
	char message[ERROR_DETAIL_MAX + 2];

	res->status = f->status;
	if (f->status == 503)
		http_response_header(res, "Retry-After", "5");
	if (is_api(req))
		return api_problem(res, f->status, f->title, said ? said : f->detail, e);
	/* A sentence on a page ends with a full stop; the domain's do not.  A
	 * message the catalogue has is shown in the reader's language. */
	if (said && tr(req, said) != said) {
		snprintf(message, sizeof(message), "%s", tr(req, said)); /* as translated */
	} else if (said) {
		snprintf(message, sizeof(message), "%s%s", said,
		    said[0] && strchr(".?!", said[strlen(said) - 1]) ? "" : ".");
	}
	if (req->route && (req->route->flags & ROUTE_FRAMEABLE))
		return pages_embed_render(req, res, "error", json_pack("{s:s, s:s, s:i}", "title",
		    title, "message", said ? message : text, "status", f->status));
	return page_error(req, res, f->status, title, said ? message : text);
}

int
reply_error_text(struct http_request *req, struct http_response *res, int rc,
    const char *message)
{
	struct errors e;

	errors_init(&e);
	errors_add(&e, "", "%s", message);
	return reply_error(req, res, rc, &e);
}

int
api_json(struct http_response *res, int status, json_t *v)
{
	char *text;

	res->status = status;
	res->content_type = "application/json";
	res->no_store = true;
	/* Reals (percentages) with at most 10 significant digits: 38.4, not
	 * 38.399999999999999. */
	text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10));
	json_decref(v);
	if (text == NULL) {
		res->status = 503;
		buf_add_c(&res->body, "{}");
		return HTTP_DONE;
	}
	buf_add_c(&res->body, text);
	free(text);
	return HTTP_DONE;
}

/* The problem details for status, with an "errors" list from e (may be
 * NULL). */
static json_t *
problem_json(int status, const char *title, const char *detail, const struct errors *e)
{
	json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title,
	    "status", status, "detail", detail);
	json_t *list;
	int i;

	if (p != NULL && e && errors_any(e)) {
		list = json_array();
		for (i = 0; i < e->n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", e->list[i].field,
			    "detail", e->list[i].detail));
		json_object_set_new(p, "errors", list);
	}
	return p;
}

static int
send_problem(struct http_response *res, int status, json_t *p)
{
	if (p == NULL) {
		res->status = 503;
		buf_add_c(&res->body, "{}");
		return HTTP_DONE;
	}
	api_json(res, status, p);
	res->content_type = "application/problem+json";
	return HTTP_DONE;
}

int
api_problem(struct http_response *res, int status, const char *title, const char *detail,
    const struct errors *e)
{
	return send_problem(res, status, problem_json(status, title, detail, e));
}

int
api_problem_with(struct http_response *res, int rc, const struct errors *e, const char *member,
    json_t *value)
{
	const struct failure *f = failure_of(rc);
	const char *said = e && e->n > 0 ? e->list[0].detail : NULL;
	json_t *p = problem_json(f->status, f->title, said ? said : f->detail, e);

	if (f->status == 503)
		http_response_header(res, "Retry-After", "5");
	if (p != NULL && value != NULL)
		json_object_set_new(p, member, value);
	else
		json_decref(value);
	return send_problem(res, f->status, p);
}
