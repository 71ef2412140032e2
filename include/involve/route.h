/*
 * route.h - routes: what each URL accepts and which handler answers it.
 *
 * A route declares its methods, its path pattern with typed parameters,
 * its body limit and media type, and who may call it.  The router checks
 * all of that before the handler runs, so a handler never sees input that
 * nobody checked.  Pattern parameters:
 *   {id}    a positive decimal id of at most 18 digits
 *   {doc}, {att}, {target}, {batch}  the same, for a second id in one path: a
 *           consultation's document, an attached file, a linked engagement, a batch of codes
 *   {response}  a survey response's id, as {id} (a second id in one path)
 *   {question}  a survey question's key: a letter, then letters, digits
 *           and '_', at most 40
 *   {slug}  an organisation's short name (lower-case letters, digits, '-')
 *   {key}   a page key or a language code (lower-case letters and '-')
 *   {page}  a survey page's number, 1 to 999
 *   {link}  a private link's secret: 43 characters of base64url
 *   {file*} the rest of the path (static files; checked by their module)
 */
#ifndef INVOLVE_ROUTE_H
#define INVOLVE_ROUTE_H

#include "involve/http.h"
#include "involve/input.h"
#include "involve/org.h"

enum route_flags {
	ROUTE_FRAMEABLE = 1 << 0, /* may be framed by other sites (embed) */
	ROUTE_JSON = 1 << 1,      /* a body must be application/json */
	ROUTE_FORM = 1 << 2,      /* a body must be a URL-encoded form */
	ROUTE_STAFF = 1 << 3,     /* a staff session is required */
	ROUTE_CSRF = 1 << 4,      /* ... and the form's CSRF token */
	ROUTE_TOKEN = 1 << 5,     /* an API bearer token is required */
	ROUTE_TOKEN_OPTIONAL = 1 << 6, /* a bearer token is read when sent */
	ROUTE_PUBLIC_FORM = 1 << 7,    /* anonymous form: Origin is checked */
	ROUTE_CACHEABLE = 1 << 8,      /* the same for every visitor without a cookie */
	ROUTE_SIGNING_IN = 1 << 9,     /* a staff session, which may still await its second factor */
	ROUTE_SAME_ORIGIN = 1 << 10,   /* anonymous JSON: an Origin sent must be this site's */
	ROUTE_FILE = 1 << 11,          /* a body is a file as it is, its Content-Type one that
	                                * consultation.h accepts; the handler checks its bytes */
	ROUTE_MULTIPART = 1 << 12,     /* a body must be a multipart/form-data form (a file
	                                * chosen on a staff page); too large, the handler answers */
	ROUTE_XML = 1 << 13,           /* a body must be application/xml or text/xml: a file
	                                * read as it is (a LimeSurvey survey) */
};

/* Body limits, by kind of request. */
#define ROUTE_BODY_NONE 0
#define ROUTE_BODY_VOTE (4 * 1024)
#define ROUTE_BODY_FORM (64 * 1024)
#define ROUTE_BODY_JSON (64 * 1024)
#define ROUTE_BODY_PAGE (128 * 1024)
#define ROUTE_BODY_SURVEY (1024 * 1024 + 4096) /* a definition of up to 1 MiB, and the rest */
#define ROUTE_BODY_RESPONSE (256 * 1024)       /* a survey's answers, long text and all */
/* A consultation's document: its text and easy read version, each up to
 * 200 KB, percent-encoded in a form (three bytes for each byte past ASCII). */
#define ROUTE_BODY_DOCUMENT (2 * 3 * 200 * 1024 + 4096)
#define ROUTE_BODY_FILE (10 * 1024 * 1024)      /* an attached file (consultation.h) */
/* An outcome: its three Markdown texts of up to 20,000 characters each
 * (outcome.h), up to four bytes a character, percent-encoded in a form
 * (three bytes each), and the rest. */
#define ROUTE_BODY_OUTCOME (3 * 20000 * 4 * 3 + 64 * 1024)
#define ROUTE_BODY_UPLOAD (ROUTE_BODY_FILE + 16 * 1024) /* the same in a form, and its fields */
#define ROUTE_BODY_LSS (8 * 1024 * 1024)        /* a LimeSurvey file (lss_import.h) */
#define ROUTE_BODY_LSS_UPLOAD (ROUTE_BODY_LSS + 16 * 1024) /* the same in a form */
/* A survey's definition sent back in a form: up to 1 MiB, percent-encoded
 * (three bytes each), and the rest. */
#define ROUTE_BODY_SURVEY_FORM (3 * 1024 * 1024 + 64 * 1024)

/*
 * Who may call a route, checked by app_handle after the sign-in its flags
 * ask for (ROUTE_STAFF, ROUTE_TOKEN) and before the handler.  Every route
 * names one; RULE_NONE is what a route that forgot gets, and it is
 * refused, so a new route is closed until someone says who may call it.
 * Handlers still check the organisation: another organisation's poll is
 * "not found".
 */
enum route_rule {
	RULE_NONE = 0,     /* not declared: nobody */
	RULE_ANYONE,       /* the public, signed in or not */
	RULE_STAFF,        /* signed-in staff of any role */
	RULE_POLL_MANAGE,  /* staff whose role has PERM_POLL_MANAGE */
	RULE_RESULTS_VIEW, /* ... PERM_RESULTS_VIEW */
	RULE_SITE_EDIT,    /* ... PERM_SITE_EDIT */
	RULE_USER_MANAGE,  /* ... PERM_USER_MANAGE: staff accounts and the organisation's settings */
};

struct route {
	unsigned methods;     /* HTTP_GET | HTTP_HEAD ... */
	const char *pattern;  /* "/api/v1/polls/{id}/votes" */
	http_handler handler;
	size_t body_max;
	unsigned flags;
	const char *name;     /* for metrics and logs: "api.poll.vote" */
	enum route_rule rule; /* who may call it */
	/* The fields it accepts in its body or query (input.h), or NULL for
	 * none; its handler reads them with input_decode. */
	const struct input_spec *input;
};

/* "anyone", "staff", "poll_manage", ...; "none" for RULE_NONE. */
const char *route_rule_name(enum route_rule rule);
/* Whether a caller may use a route with this rule: signed_in says whether
 * the route's sign-in succeeded, role is then the caller's role. */
bool route_rule_allows(enum route_rule rule, bool signed_in, enum role role);

enum route_result {
	ROUTE_FOUND = 0,
	ROUTE_NOT_FOUND = -1,
	ROUTE_BAD_METHOD = -2, /* the path exists with other methods */
};

/* Finds the route for method and path, filling req->params (req may be
 * NULL).  On ROUTE_BAD_METHOD *allowed holds the methods the path accepts. */
int route_find(const struct route *routes, int n, enum http_method method, struct str path,
    struct http_request *req, const struct route **out, unsigned *allowed);

#endif
