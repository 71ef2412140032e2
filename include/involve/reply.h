/*
 * reply.h - answering a request that did not succeed, from one table.
 *
 * Every refusal and failure is an error code (error.h) and, where a person
 * can act on it, a list of field errors saying what was wrong.  One table
 * maps each code to its HTTP status, the title of its RFC 9457 problem
 * details and the title and message of its NHS.UK error page, so handlers
 * do not each keep a ladder of their own: they call reply_error.  The API
 * (paths under /api/) gets problem details; pages get the error page, in
 * the bare embed layout inside a partner's iframe.
 *
 * A form that is shown again with its errors (422 with an error summary)
 * is the handler's own page; reply_status gives it the status.
 */
#ifndef INVOLVE_REPLY_H
#define INVOLVE_REPLY_H

#include <jansson.h>

#include "involve/error.h"
#include "involve/http.h"

/* The HTTP status for an error code (503 for the unknown). */
int reply_status(int rc);

/*
 * Fills res for error rc: e (may be NULL) says what was wrong; its first
 * detail is the problem's detail and the page's message, its entries the
 * problem's "errors" list.  Without e the table's own words are used.
 * Returns HTTP_DONE.
 */
int reply_error(struct http_request *req, struct http_response *res, int rc,
    const struct errors *e);
/* The same with one message (a sentence, no field). */
int reply_error_text(struct http_request *req, struct http_response *res, int rc,
    const char *message);

/* A JSON body (takes ownership of v).  Returns HTTP_DONE. */
int api_json(struct http_response *res, int status, json_t *v);
/* RFC 9457 problem details with an "errors" list from e (may be NULL).
 * Returns HTTP_DONE. */
int api_problem(struct http_response *res, int status, const char *title, const char *detail,
    const struct errors *e);
/* The problem details reply_error gives the API for rc, with one more
 * member (takes ownership of value; NULL adds nothing): what an import
 * read, beside why it was refused.  Returns HTTP_DONE. */
int api_problem_with(struct http_response *res, int rc, const struct errors *e,
    const char *member, json_t *value);

#endif
