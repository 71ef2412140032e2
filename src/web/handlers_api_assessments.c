/*
 * handlers_api_assessments.c - the JSON API for assessments of the duty
 * to involve (/api/v1/assessments) and the engagements linked to them.
 *
 * An assessment's fields are declared and decoded as a poll's are, into
 * struct assessment; what it must say is assessment_check's, the same for
 * the staff pages.  Reading one gives its evidence trail: each linked
 * survey, consultation or poll with its dates, state and number of
 * answers, as the store reads them in one statement.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/store_consultation.h"
#include "api_json.h"
#include "handlers.h"

#define API_LIST_DEFAULT 20
#define API_LIST_MAX 100

/* ---- the declared fields ------------------------------------------------------ */

struct assessment_body {
	struct str title, proposal, affected;
	int involvement;             /* enum involvement */
	struct str reason;
	int method_n;
	struct str methods[METHOD_N];
	struct str approach;
	int duty_n;
	struct str duties[DUTY_N];
	struct str duty_other;
	struct str decision;
	int64_t decided_at;
};

#define ASSESSMENT_FIELDS(REQ) { \
	{ "title", INPUT_TEXT, REQ, offsetof(struct assessment_body, title), 0, 0, 0, NULL, \
	    "the proposed change" }, \
	{ "proposal", INPUT_TEXT, REQ, offsetof(struct assessment_body, proposal), 0, 0, 0, NULL, \
	    "what changes" }, \
	{ "affected", INPUT_TEXT, REQ, offsetof(struct assessment_body, affected), 0, 0, 0, NULL, \
	    "who is affected" }, \
	{ "involvement", INPUT_CHOICE, REQ, offsetof(struct assessment_body, involvement), 0, 0, \
	    0, involvement_names, "whether people must be involved" }, \
	{ "reason", INPUT_TEXT, 0, offsetof(struct assessment_body, reason), 0, 0, 0, NULL, \
	    "why people need not be involved" }, \
	{ "methods", INPUT_TEXTS, 0, offsetof(struct assessment_body, methods), \
	    offsetof(struct assessment_body, method_n), 0, METHOD_N, NULL, \
	    "how people will be involved" }, \
	{ "approach", INPUT_TEXT, 0, offsetof(struct assessment_body, approach), 0, 0, 0, NULL, \
	    "how people will be involved, in words" }, \
	{ "duties", INPUT_TEXTS, 0, offsetof(struct assessment_body, duties), \
	    offsetof(struct assessment_body, duty_n), 0, DUTY_N, NULL, "the duties" }, \
	{ "duty_other", INPUT_TEXT, 0, offsetof(struct assessment_body, duty_other), 0, 0, 0, \
	    NULL, "the other duty" }, \
	{ "decision", INPUT_TEXT, 0, offsetof(struct assessment_body, decision), 0, 0, 0, NULL, \
	    "the decision" }, \
	{ "decided_at", INPUT_TIME, INPUT_NULLABLE, offsetof(struct assessment_body, decided_at), \
	    0, 0, 0, NULL, "the date of the decision" }, \
}
enum { A_METHODS = 5, A_DUTIES = 7, A_DECIDED_AT = 10, ASSESSMENT_FIELD_N = 11 };

static const struct input_field create_fields[ASSESSMENT_FIELD_N] =
    ASSESSMENT_FIELDS(INPUT_REQUIRED);
static const struct input_field update_fields[ASSESSMENT_FIELD_N] = ASSESSMENT_FIELDS(0);
const struct input_spec api_assessment_create_input = { INPUT_JSON, ASSESSMENT_FIELD_N,
	create_fields };
const struct input_spec api_assessment_update_input = { INPUT_JSON, ASSESSMENT_FIELD_N,
	update_fields };

struct link_body {
	int kind; /* enum link_kind */
	int64_t id;
};

static const struct input_field link_fields[] = {
	{ "kind", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct link_body, kind), 0, 0, 0,
	    link_kind_names, "the kind of engagement" },
	{ "id", INPUT_ID, INPUT_REQUIRED, offsetof(struct link_body, id), 0, 0, 0, NULL,
	    "the engagement's id" },
};
const struct input_spec api_assessment_link_input = { INPUT_JSON, 2, link_fields };

struct list_query {
	int64_t limit;
	int64_t cursor;
};

static const struct input_field list_fields[] = {
	{ "limit", INPUT_NUMBER, INPUT_QUERY, offsetof(struct list_query, limit), 0, 1,
	    API_LIST_MAX, NULL, "the number of assessments" },
	{ "cursor", INPUT_ID, INPUT_QUERY, offsetof(struct list_query, cursor), 0, 0, 0, NULL,
	    "a cursor from a previous page's next_cursor" },
};
const struct input_spec api_assessment_list_input = { INPUT_FORM, 2, list_fields };

/* ---- as JSON ---------------------------------------------------------------------------- */

static json_t *
names_json(unsigned bits, const char *(*name)(int), int n)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < n; i++)
		if (bits & (1u << i))
			json_array_append_new(list, json_string(name(i)));
	return list;
}

static const char *
method_name(int i)
{
	return involve_method_name((enum involve_method)i);
}

static const char *
duty_name(int i)
{
	return involve_duty_name((enum involve_duty)i);
}

static json_t *
assessment_json(const struct assessment *as)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:s, s:o}", "id", api_json_id(as->id),
	    "title", api_json_text(as->title), "proposal", api_json_text(as->proposal), "affected",
	    api_json_text(as->affected), "involvement", involvement_name(as->involvement), "reason",
	    api_json_text(as->reason));

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "methods", names_json(as->methods, method_name, METHOD_N));
	json_object_set_new(o, "approach", api_json_text(as->approach));
	json_object_set_new(o, "duties", names_json(as->duties, duty_name, DUTY_N));
	json_object_set_new(o, "duty_other", api_json_text(as->duty_other));
	json_object_set_new(o, "decision", api_json_text(as->decision));
	json_object_set_new(o, "decided_at", api_json_time(as->decided_at));
	json_object_set_new(o, "created_by", api_json_text(as->created_by));
	json_object_set_new(o, "created_at", api_json_time(as->created_at));
	json_object_set_new(o, "updated_at", api_json_time(as->updated_at));
	return o;
}

struct links_ctx {
	int64_t now;
	json_t *items;
};

static int
link_one(void *arg, const struct assessment_link *l)
{
	struct links_ctx *c = arg;
	json_t *o;

	o = json_pack("{s:s, s:o, s:s, s:o, s:s, s:I}", "kind", link_kind_name(l->kind), "id",
	    api_json_id(l->id), "engagement", l->kind == LINK_POLL ? "poll" :
	    survey_kind_name(l->survey_kind), "title", api_json_text(l->title), "state",
	    assessment_link_state(l, c->now), "responses", (json_int_t)l->responses);
	if (o == NULL)
		return ERR_NOMEM;
	json_object_set_new(o, "opens_at", api_json_time(l->opens_at));
	json_object_set_new(o, "closes_at", api_json_time(l->closed_at ? l->closed_at :
	    l->closes_at));
	json_object_set_new(o, "linked_by", api_json_text(l->linked_by));
	json_object_set_new(o, "linked_at", api_json_time(l->linked_at));
	json_array_append_new(c->items, o);
	return 0;
}

/* Assessment {id} of the asker's organisation, with its links, as the
 * reply of `status`. */
static int
reply_assessment(struct http_request *req, struct http_response *res, int status,
    const struct assessment *as)
{
	struct links_ctx c = { req->now, json_array() };
	json_t *o;
	int rc;

	rc = store_assessment_links(req->app->store, &req->arena, as->id, link_one, &c);
	if (rc != 0 || (o = assessment_json(as)) == NULL) {
		json_decref(c.items);
		return reply_error(req, res, rc ? rc : ERR_NOMEM, NULL);
	}
	json_object_set_new(o, "links", c.items);
	return api_json(res, status, o);
}

/* Assessment {id} of the asker's organisation: 0, or -1 with a 404. */
static int
load_assessment(struct http_request *req, struct http_response *res, struct assessment **out)
{
	struct auth *a = req->auth;
	int rc;

	rc = store_assessment_get(req->app->store, &req->arena, http_param_id(req, "id"), out);
	if (rc == 0 && (*out)->org_id != a->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such assessment." :
		    "Try again in a moment.");
		return -1;
	}
	return 0;
}

/* ---- reading and writing --------------------------------------------------------------------- */

/*
 * Reads the body into as (which holds what is not sent: a new
 * assessment's defaults or the one changed) and checks it.  0, or an
 * error code with e filled.
 */
static int
read_assessment(struct http_request *req, struct assessment *as, struct errors *e)
{
	enum input_state st[ASSESSMENT_FIELD_N];
	struct assessment_body b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.title = as->title;
	b.proposal = as->proposal;
	b.affected = as->affected;
	b.involvement = (int)as->involvement;
	b.reason = as->reason;
	b.approach = as->approach;
	b.duty_other = as->duty_other;
	b.decision = as->decision;
	b.decided_at = as->decided_at;
	rc = input_read(req, &b, st, e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return rc;
	as->title = b.title;
	as->proposal = b.proposal;
	as->affected = b.affected;
	as->involvement = (enum involvement)b.involvement;
	as->reason = b.reason;
	as->approach = b.approach;
	as->duty_other = b.duty_other;
	as->decision = b.decision;
	as->decided_at = st[A_DECIDED_AT] == INPUT_NULL ? 0 : b.decided_at;
	if (st[A_METHODS] == INPUT_GIVEN)
		as->methods = involve_set_from_list(b.methods, b.method_n, involve_method_names,
		    "methods", e);
	if (st[A_DUTIES] == INPUT_GIVEN)
		as->duties = involve_set_from_list(b.duties, b.duty_n, involve_duty_names, "duties",
		    e);
	if (assessment_check(as, req->now, e) != 0 || errors_any(e))
		return ERR_INVALID;
	return 0;
}

int
handle_api_assessments_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct assessment as;
	struct errors e;
	char location[64];
	int rc;

	memset(&as, 0, sizeof(as));
	as.org_id = a->user.org_id;
	as.involvement = INVOLVEMENT_UNDECIDED;
	errors_init(&e);
	if ((rc = read_assessment(req, &as, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_assessment_create(req->app->store, &a->actor, &as)) != 0)
		return reply_error_text(req, res, rc, "The assessment could not be saved. Try "
		    "again.");
	snprintf(location, sizeof(location), "/api/v1/assessments/%lld", (long long)as.id);
	http_response_header(res, "Location", location);
	return reply_assessment(req, res, 201, &as);
}

struct list_ctx {
	json_t *items;
	int64_t last_id;
	int n;
};

static int
list_one(void *arg, const struct assessment *as)
{
	struct list_ctx *c = arg;

	json_array_append_new(c->items, assessment_json(as));
	c->last_id = as->id;
	c->n++;
	return 0;
}

int
handle_api_assessments_list(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct list_query q = { API_LIST_DEFAULT, 0 };
	struct list_ctx c = { json_array(), 0, 0 };
	struct errors e;
	json_t *v;
	int rc;

	errors_init(&e);
	if (input_read(req, &q, NULL, &e) != 0) {
		json_decref(c.items);
		return reply_error(req, res, ERR_MALFORMED, &e);
	}
	rc = store_assessment_each(req->app->store, &req->arena, a->user.org_id, q.cursor,
	    (int)q.limit, list_one, &c);
	if (rc != 0) {
		json_decref(c.items);
		return reply_error(req, res, rc, NULL);
	}
	v = json_pack("{s:o}", "items", c.items);
	json_object_set_new(v, "next_cursor", c.n == q.limit && c.last_id > 1 ?
	    api_json_id(c.last_id) : json_null());
	return api_json(res, 200, v);
}

int
handle_api_assessment_get(struct http_request *req, struct http_response *res)
{
	struct assessment *as;

	if (load_assessment(req, res, &as) != 0)
		return HTTP_DONE;
	return reply_assessment(req, res, 200, as);
}

int
handle_api_assessment_update(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct assessment *as;
	struct errors e;
	int rc;

	if (load_assessment(req, res, &as) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = read_assessment(req, as, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_assessment_update(req->app->store, &a->actor, as)) != 0)
		return reply_error(req, res, rc, NULL);
	return reply_assessment(req, res, 200, as);
}

int
handle_api_assessment_link(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct link_body b = { -1, 0 };
	struct assessment *as;
	struct errors e;
	int rc;

	if (load_assessment(req, res, &as) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = input_read(req, &b, NULL, &e)) != 0)
		return reply_error(req, res, rc, &e);
	rc = store_assessment_link(req->app->store, &a->actor, as->id, (enum link_kind)b.kind,
	    b.id, req->now, &e);
	if (rc == ERR_NOTFOUND) {
		errors_add(&e, "id", b.kind == LINK_POLL ? "There is no such poll in your "
		    "organisation" : "There is no such survey or consultation in your "
		    "organisation");
		return reply_error(req, res, ERR_INVALID, &e);
	}
	if (rc == ERR_DUPLICATE)
		return reply_error_text(req, res, rc, "That engagement is linked to this "
		    "assessment already.");
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	return reply_assessment(req, res, 201, as);
}

int
handle_api_assessment_unlink(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct assessment *as;
	enum link_kind kind;
	int rc;

	if (load_assessment(req, res, &as) != 0)
		return HTTP_DONE;
	if (link_kind_parse(http_param(req, "key"), &kind) != 0)
		return reply_error_text(req, res, ERR_NOTFOUND, "There is no such link.");
	rc = store_assessment_unlink(req->app->store, &a->actor, as->id, kind,
	    http_param_id(req, "target"));
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ?
		    "There is no such link." : "Try again in a moment.");
	res->status = 204;
	return HTTP_DONE;
}
