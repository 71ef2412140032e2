/*
 * handlers_api_outcomes.c - the JSON API for "You said, we did" outcomes
 * (/api/v1/outcomes): drafts made and changed by staff, published once,
 * which tells the respondents of the surveys they answer who asked to
 * hear back.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/store_outcome.h"
#include "involve/timefmt.h"
#include "api_json.h"
#include "handlers.h"

struct outcome_body {
	struct str title, you_said, decision, what_changed, decided_by, decided_on;
	struct str links; /* JSON text of the "links" array */
};

#define OUTCOME_FIELDS(REQ) { \
	{ "title", INPUT_TEXT, REQ, offsetof(struct outcome_body, title), 0, 0, 0, NULL, \
	    "the title" }, \
	{ "you_said", INPUT_TEXT, REQ, offsetof(struct outcome_body, you_said), 0, 0, 0, NULL, \
	    "what people said" }, \
	{ "decision", INPUT_TEXT, REQ, offsetof(struct outcome_body, decision), 0, 0, 0, NULL, \
	    "what was decided" }, \
	{ "what_changed", INPUT_TEXT, 0, offsetof(struct outcome_body, what_changed), 0, 0, 0, \
	    NULL, "what changed" }, \
	{ "decided_by", INPUT_TEXT, REQ, offsetof(struct outcome_body, decided_by), 0, 0, 0, \
	    NULL, "who decided" }, \
	{ "decided_on", INPUT_TEXT, REQ, offsetof(struct outcome_body, decided_on), 0, 0, 0, \
	    NULL, "the date of the decision" }, \
	{ "links", INPUT_JSON_TEXT, 0, offsetof(struct outcome_body, links), 0, \
	    INPUT_JSON_ARRAY, 0, NULL, "what it answers" }, \
}
enum { OUTCOME_FIELD_N = 7 };

static const struct input_field create_fields[OUTCOME_FIELD_N] = OUTCOME_FIELDS(INPUT_REQUIRED);
static const struct input_field update_fields[OUTCOME_FIELD_N] = OUTCOME_FIELDS(0);
const struct input_spec api_outcome_create_input = { INPUT_JSON, OUTCOME_FIELD_N, create_fields };
const struct input_spec api_outcome_update_input = { INPUT_JSON, OUTCOME_FIELD_N, update_fields };

static json_t *
outcome_json(const struct app *app, const struct org *org, const struct outcome *o)
{
	json_t *links = json_array(), *v;
	char url[512];
	int i;

	for (i = 0; i < o->link_n; i++) {
		const struct outcome_link *l = &o->links[i];

		v = json_pack("{s:s, s:o, s:o}", "kind", outcome_link_kind_name(l->kind), "id",
		    api_json_id(l->id), "title", api_json_text(l->title));
		if (l->question.n > 0)
			json_object_set_new(v, "question", api_json_text(l->question));
		json_array_append_new(links, v);
	}
	snprintf(url, sizeof(url), "%s/o/%s/you-said-we-did/%lld", app->cfg.public_url, org->slug,
	    (long long)o->id);
	v = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o}", "id", api_json_id(o->id),
	    "title", api_json_text(o->title), "you_said", api_json_text(o->you_said), "decision",
	    api_json_text(o->decision), "what_changed", api_json_text(o->what_changed), "decided_by",
	    api_json_text(o->decided_by), "decided_on", api_json_text(o->decided_on), "url", url,
	    "published_at", api_json_time(o->published_at), "links", links);
	json_object_set_new(v, "status", json_string(o->published_at ? "published" : "draft"));
	return v;
}

/* Reads "links", JSON text the input layer has checked is an array, into o. */
static int
read_links(struct http_request *req, struct str text, struct outcome *o, struct errors *e)
{
	json_error_t jerr;
	json_t *list = json_loadb(text.p, text.n, 0, &jerr);
	int rc;

	if (list == NULL)
		return ERR_NOMEM;
	rc = outcome_links_read(list, &req->arena, o, e);
	json_decref(list);
	return rc;
}

/* Builds o from the body over what it holds; 0 or a reply was sent. */
static int
build(struct http_request *req, struct http_response *res, struct outcome *o,
    struct outcome_body *b, const enum input_state *st)
{
	struct errors e;
	char day[TIMEFMT_DAY_MAX];
	int rc;

	errors_init(&e);
	o->title = b->title;
	o->you_said = b->you_said;
	o->decision = b->decision;
	o->what_changed = b->what_changed;
	o->decided_by = b->decided_by;
	o->decided_on = b->decided_on;
	if (st[6] == INPUT_GIVEN && (rc = read_links(req, b->links, o, &e)) == ERR_NOMEM) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	outcome_check(o, timefmt_london_day(req->now, day) == 0 ? day : NULL, &e);
	if (errors_any(&e)) {
		reply_error(req, res, ERR_INVALID, &e);
		return -1;
	}
	return 0;
}

static int
reply_outcome(struct http_request *req, struct http_response *res, int status, int64_t id)
{
	const struct auth *a = req->auth;
	struct outcome *o;
	int rc;

	if ((rc = store_outcome_get(req->app->store, &req->arena, id, &o)) != 0)
		return reply_error(req, res, rc, NULL);
	return api_json(res, status, outcome_json(req->app, &a->org, o));
}

int
handle_api_outcomes_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	enum input_state st[OUTCOME_FIELD_N] = { 0 };
	struct outcome_body b = { 0 };
	struct outcome o = { 0 };
	struct errors e;
	char location[64];
	int rc;

	errors_init(&e);
	rc = input_read(req, &b, st, &e);
	if (rc != 0)
		return reply_error(req, res, rc == ERR_INVALID ? ERR_INVALID : rc, &e);
	o.org_id = a->user.org_id;
	if (build(req, res, &o, &b, st) != 0)
		return HTTP_DONE;
	if ((rc = store_outcome_create(req->app->store, &a->actor, &o, &e)) != 0)
		return reply_error(req, res, rc, &e);
	snprintf(location, sizeof(location), "/api/v1/outcomes/%lld", (long long)o.id);
	http_response_header(res, "Location", location);
	return reply_outcome(req, res, 201, o.id);
}

static int
collect(void *arg, const struct outcome *o)
{
	struct http_request *req = ((void **)arg)[0];
	json_t *items = ((void **)arg)[1];
	const struct auth *a = req->auth;

	json_array_append_new(items, outcome_json(req->app, &a->org, o));
	return 0;
}

int
handle_api_outcomes_list(struct http_request *req, struct http_response *res)
{
	const struct auth *a = req->auth;
	json_t *items = json_array();
	void *ctx[2] = { req, items };
	int rc;

	rc = store_outcome_each(req->app->store, &req->arena, a->user.org_id, false, 0, collect,
	    ctx);
	if (rc != 0) {
		json_decref(items);
		return reply_error(req, res, rc, NULL);
	}
	return api_json(res, 200, json_pack("{s:o}", "items", items));
}

/* Outcome {id} of the asker's organisation. */
static int
load(struct http_request *req, struct http_response *res, struct outcome **o)
{
	const struct auth *a = req->auth;
	int rc = store_outcome_get(req->app->store, &req->arena, http_param_id(req, "id"), o);

	if (rc == 0 && (*o)->org_id != a->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such outcome." :
		    "Try again in a moment.");
		return -1;
	}
	return 0;
}

int
handle_api_outcome_get(struct http_request *req, struct http_response *res)
{
	const struct auth *a = req->auth;
	struct outcome *o;

	if (load(req, res, &o) != 0)
		return HTTP_DONE;
	return api_json(res, 200, outcome_json(req->app, &a->org, o));
}

int
handle_api_outcome_update(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	enum input_state st[OUTCOME_FIELD_N] = { 0 };
	struct outcome_body b;
	struct outcome *o;
	struct errors e;
	int rc;

	if (load(req, res, &o) != 0)
		return HTTP_DONE;
	b = (struct outcome_body){ o->title, o->you_said, o->decision, o->what_changed,
	    o->decided_by, o->decided_on, { NULL, 0 } };
	errors_init(&e);
	rc = input_read(req, &b, st, &e);
	if (rc != 0)
		return reply_error(req, res, rc == ERR_INVALID ? ERR_INVALID : rc, &e);
	if (build(req, res, o, &b, st) != 0)
		return HTTP_DONE;
	if ((rc = store_outcome_update(req->app->store, &a->actor, o, &e)) != 0)
		return reply_error(req, res, rc, &e);
	return reply_outcome(req, res, 200, o->id);
}

int
outcome_publish_now(struct http_request *req, const struct outcome *o)
{
	struct auth *a = req->auth;
	struct buf subject = BUF_INIT, body = BUF_INIT;
	struct outcome_mail mail;
	int rc = ERR_NOMEM;

	outcome_mail_write(req->app->cfg.public_url, &a->org, o, &subject, &body);
	if (buf_ok(&subject) && buf_ok(&body)) {
		mail.subject = (struct str){ subject.p, subject.n };
		mail.body = (struct str){ body.p, body.n };
		rc = store_outcome_publish(req->app->store, &a->actor, a->user.org_id, o->id,
		    req->now, &mail, NULL);
	}
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

int
handle_api_outcome_publish(struct http_request *req, struct http_response *res)
{
	struct outcome *o;
	int rc;

	if (load(req, res, &o) != 0)
		return HTTP_DONE;
	rc = outcome_publish_now(req, o);
	if (rc == ERR_CONFLICT)
		return reply_error_text(req, res, rc, "The outcome is published already.");
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	return reply_outcome(req, res, 200, o->id);
}

int
handle_api_outcome_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct outcome *o;
	int rc;

	if (load(req, res, &o) != 0)
		return HTTP_DONE;
	rc = store_outcome_delete(req->app->store, &a->actor, a->user.org_id, o->id);
	if (rc == ERR_CONFLICT)
		return reply_error_text(req, res, rc, "A published outcome stays published.");
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	res->status = 204;
	return HTTP_DONE;
}
