/*
 * handlers_api_polls.c - the JSON API for quick polls (/api/v1/polls).
 *
 * Each route's fields are declared below and named in the route table;
 * input_read decodes them into the domain's own input (struct poll_input,
 * struct ballot), starting from the defaults for a new poll or from the
 * poll as it stands for a change, so an omitted member means "the
 * default" or "unchanged".  The domain builds and checks the poll, decides
 * what may be seen and when a poll may change; the store applies the same
 * rules again inside its transaction.  Every refusal goes through
 * reply_error.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/timefmt.h"
#include "involve/vote.h"
#include "api_json.h"
#include "handlers.h"

#define API_LIST_DEFAULT 20
#define API_LIST_MAX 100

/* ---- the declared fields ------------------------------------------------------ */

static const char *const results_names[] = { "after_vote", "after_close", NULL };
static const char *const who_names[] = { "anyone", "code", NULL };
_Static_assert(POLL_WHO_ANYONE == 0 && POLL_WHO_CODE == 1, "who_names follows enum poll_who");
_Static_assert(POLL_RESULTS_AFTER_VOTE == 0 && POLL_RESULTS_AFTER_CLOSE == 1,
    "results_names follows enum poll_results");
_Static_assert(sizeof(enum poll_results) == sizeof(int), "a choice is read as an int");

#define POLL_FIELDS(REQ) { \
	{ "question", INPUT_TEXT, REQ, offsetof(struct poll_input, question), 0, 0, 0, NULL, \
	    "the question" }, \
	{ "options", INPUT_TEXTS, REQ, offsetof(struct poll_input, options), \
	    offsetof(struct poll_input, option_n), 0, POLL_OPTIONS_MAX, NULL, "the options" }, \
	{ "multiple", INPUT_BOOL, 0, offsetof(struct poll_input, multiple), 0, 0, 0, NULL, \
	    "whether more than one answer may be chosen" }, \
	{ "show_results", INPUT_CHOICE, 0, offsetof(struct poll_input, show_results), 0, 0, 0, \
	    results_names, "when results are shown" }, \
	{ "opens_at", INPUT_TIME, INPUT_NULLABLE, offsetof(struct poll_input, opens_at), 0, 0, 0, \
	    NULL, "the opening time" }, \
	{ "closes_at", INPUT_TIME, INPUT_NULLABLE, offsetof(struct poll_input, closes_at), 0, 0, \
	    0, NULL, "the closing time" }, \
	{ "who_can_answer", INPUT_CHOICE, 0, offsetof(struct poll_input, who), 0, 0, 0, \
	    who_names, "who can answer" }, \
}
enum { FIELD_OPENS_AT = 4, FIELD_CLOSES_AT = 5, POLL_FIELD_N = 7 };

static const struct input_field poll_create_fields[POLL_FIELD_N] = POLL_FIELDS(INPUT_REQUIRED);
static const struct input_field poll_update_fields[POLL_FIELD_N] = POLL_FIELDS(0);
const struct input_spec api_poll_create_input = { INPUT_JSON, POLL_FIELD_N, poll_create_fields };
const struct input_spec api_poll_update_input = { INPUT_JSON, POLL_FIELD_N, poll_update_fields };

struct api_vote {
	struct ballot ballot;
	struct str code;
};

static const struct input_field vote_fields[] = {
	{ "options", INPUT_IDS, INPUT_REQUIRED, offsetof(struct api_vote, ballot.choices),
	    offsetof(struct api_vote, ballot.choice_n), 0, POLL_OPTIONS_MAX, NULL,
	    "the chosen option ids as \"options\"" },
	{ "code", INPUT_TEXT, 0, offsetof(struct api_vote, code), 0, 0, 0, NULL,
	    "the poll code" },
};
const struct input_spec api_poll_vote_input = { INPUT_JSON, 2, vote_fields };

struct list_query {
	int64_t limit;
	int64_t cursor; /* the id to list below; 0: from the newest */
};

static const struct input_field list_fields[] = {
	{ "limit", INPUT_NUMBER, INPUT_QUERY, offsetof(struct list_query, limit), 0, 1,
	    API_LIST_MAX, NULL, "the number of polls" },
	{ "cursor", INPUT_ID, INPUT_QUERY, offsetof(struct list_query, cursor), 0, 0, 0, NULL,
	    "a cursor from a previous page's next_cursor" },
};
const struct input_spec api_poll_list_input = { INPUT_FORM, 2, list_fields };

/* ---- helpers ---------------------------------------------------------------------- */

/* Who is asking, as the domain's visibility rules see them. */
static struct poll_viewer
viewer_of(struct http_request *req, const struct poll *p)
{
	const struct auth *a = req->auth;
	struct poll_viewer v = { 0 };

	v.staff = a && a->signed_in && a->user.org_id == p->org_id;
	if (!v.staff)
		v.has_voted = vote_has_voted(req, p);
	return v;
}

/* The poll as the API shows it to v: the number of ballots only when v may
 * see the results. */
static json_t *
poll_json(struct http_request *req, const struct poll *p, const struct poll_viewer *v)
{
	json_t *options = json_array(), *o;
	struct org org;
	char url[512];
	int i;

	for (i = 0; i < p->option_n; i++)
		json_array_append_new(options, json_pack("{s:o, s:o}", "id",
		    api_json_id(p->options[i].id), "label", api_json_text(p->options[i].label)));
	if (store_org_get(req->app->store, p->org_id, &org) != 0)
		snprintf(org.slug, sizeof(org.slug), "-");
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", req->app->cfg.public_url, org.slug,
	    (long long)p->id);
	o = json_pack("{s:o, s:o, s:o, s:b, s:s, s:s, s:s, s:s}", "id", api_json_id(p->id), "question",
	    api_json_text(p->question), "options", options, "multiple", p->multiple, "show_results",
	    poll_results_name(p->show_results), "who_can_answer", poll_who_name(p->who), "status",
	    poll_status_name(poll_status(p, req->now)), "url", url);
	if (o == NULL)
		return NULL;
	if (poll_results_visible(p, v, req->now))
		json_object_set_new(o, "ballots", json_integer(p->ballots));
	json_object_set_new(o, "opens_at", api_json_time(p->opens_at));
	json_object_set_new(o, "closes_at", api_json_time(p->closes_at));
	json_object_set_new(o, "created_at", api_json_time(p->created_at));
	return o;
}

static int
reply_poll(struct http_request *req, struct http_response *res, int status, const struct poll *p)
{
	struct poll_viewer v = viewer_of(req, p);
	json_t *o = poll_json(req, p, &v);

	if (o == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	return api_json(res, status, o);
}

/* Loads poll {id} as the asker may see it: 404 for a poll that is missing,
 * another organisation's (for staff routes) or not visible to them. */
static int
load_poll(struct http_request *req, struct http_response *res, bool own, struct poll **out)
{
	const struct auth *a = req->auth;
	struct poll_viewer v;
	int rc;

	rc = store_poll_get(req->app->store, &req->arena, http_param_id(req, "id"), out);
	if (rc == 0 && own && (*out)->org_id != a->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc == 0 && !own) {
		v = viewer_of(req, *out);
		if (!poll_visible(*out, &v, req->now))
			rc = ERR_NOTFOUND;
	}
	if (rc != 0) {
		reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such poll." :
		    "Try again in a moment.");
		return -1;
	}
	return 0;
}

/*
 * The opening and closing times as JSON says them: opens_at omitted is the
 * default (open now, for a new poll) or unchanged; null is "not scheduled"
 * (a draft); a time opens it then.  closes_at null is "open until closed".
 */
static void
apply_times(struct poll_input *in, const enum input_state *states)
{
	if (states[FIELD_OPENS_AT] == INPUT_NULL)
		in->opening = POLL_OPEN_LATER;
	else if (states[FIELD_OPENS_AT] == INPUT_GIVEN)
		in->opening = POLL_OPEN_AT;
	if (states[FIELD_CLOSES_AT] == INPUT_NULL)
		in->closes_at = 0;
}

/* ---- the handlers ------------------------------------------------------------------ */

int
handle_api_polls_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	enum input_state states[POLL_FIELD_N];
	struct poll_input in;
	struct poll p;
	struct errors e;
	char location[64];
	int rc;

	errors_init(&e);
	poll_input_defaults(&in);
	rc = input_read(req, &in, states, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	apply_times(&in, states);
	/* Built even when a field was refused, so one reply lists every problem. */
	if (poll_build(&in, req->now, &req->arena, &p, &e) != 0 || errors_any(&e))
		return reply_error(req, res, errors_any(&e) ? ERR_INVALID : ERR_NOMEM, &e);
	p.org_id = a->user.org_id;
	if ((rc = store_poll_create(req->app->store, &a->actor, &p)) != 0)
		return reply_error_text(req, res, rc, "The poll could not be saved. Try again.");
	snprintf(location, sizeof(location), "/api/v1/polls/%lld", (long long)p.id);
	http_response_header(res, "Location", location);
	return reply_poll(req, res, 201, &p);
}

struct list_ctx {
	struct http_request *req;
	json_t *items;
	int64_t last_id;
	int n;
};

static int
list_one(void *arg, const struct poll *p)
{
	struct list_ctx *c = arg;
	struct poll_viewer staff = { .staff = true };

	json_array_append_new(c->items, poll_json(c->req, p, &staff));
	c->last_id = p->id;
	c->n++;
	return 0;
}

int
handle_api_polls_list(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct list_query q = { API_LIST_DEFAULT, 0 };
	struct list_ctx c = { req, NULL, 0, 0 };
	struct errors e;
	json_t *v;
	int rc;

	errors_init(&e);
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error(req, res, ERR_MALFORMED, &e);
	c.items = json_array();
	rc = store_poll_each(req->app->store, &req->arena, a->user.org_id, q.cursor, (int)q.limit,
	    list_one, &c);
	if (rc != 0) {
		json_decref(c.items);
		return reply_error(req, res, rc, NULL);
	}
	v = json_pack("{s:o}", "items", c.items);
	if (c.n == q.limit && c.last_id > 1) {
		json_object_set_new(v, "next_cursor", api_json_id(c.last_id));
	} else {
		json_object_set_new(v, "next_cursor", json_null());
	}
	return api_json(res, 200, v);
}

int
handle_api_poll_get(struct http_request *req, struct http_response *res)
{
	struct poll *p;

	if (load_poll(req, res, false, &p) != 0)
		return HTTP_DONE;
	return reply_poll(req, res, 200, p);
}

int
handle_api_poll_update(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	enum input_state states[POLL_FIELD_N];
	struct poll_input in;
	struct poll *p, built;
	struct errors e;
	int rc;

	if (load_poll(req, res, true, &p) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = poll_check_edit(p, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	/* Start from the poll as it is; the body replaces what it names. */
	poll_input_from(&in, p, req->now);
	rc = input_read(req, &in, states, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	apply_times(&in, states);
	if (poll_build(&in, req->now, &req->arena, &built, &e) != 0 || errors_any(&e))
		return reply_error(req, res, errors_any(&e) ? ERR_INVALID : ERR_NOMEM, &e);
	built.id = p->id;
	built.org_id = p->org_id;
	if ((rc = store_poll_update(req->app->store, &a->actor, &built, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_poll_get(req->app->store, &req->arena, built.id, &p)) != 0)
		return reply_error(req, res, rc, NULL);
	return reply_poll(req, res, 200, p);
}

typedef int (*poll_action_fn)(struct store *s, const struct actor *who, int64_t poll_id,
    int64_t now, struct errors *e);

static int
poll_action(struct http_request *req, struct http_response *res, poll_action_fn act)
{
	struct auth *a = req->auth;
	struct poll *p;
	struct errors e;
	int rc;

	if (load_poll(req, res, true, &p) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = act(req->app->store, &a->actor, p->id, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_poll_get(req->app->store, &req->arena, p->id, &p)) != 0)
		return reply_error(req, res, rc, NULL);
	return reply_poll(req, res, 200, p);
}

int
handle_api_poll_open(struct http_request *req, struct http_response *res)
{
	return poll_action(req, res, store_poll_open);
}

int
handle_api_poll_close(struct http_request *req, struct http_response *res)
{
	return poll_action(req, res, store_poll_close);
}

int
handle_api_poll_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct poll *p;
	int rc;

	if (load_poll(req, res, true, &p) != 0)
		return HTTP_DONE;
	if ((rc = store_poll_delete(req->app->store, &a->actor, p->id)) != 0)
		return reply_error(req, res, rc, NULL);
	res->status = 204;
	return HTTP_DONE;
}

static void
vote_refused(struct http_request *req, struct http_response *res, int status,
    const struct errors *e)
{
	reply_error(req, res, status == 429 ? ERR_LIMITED : status == 409 ? ERR_CONFLICT :
	    ERR_INVALID, e);
}

static void
vote_replied(struct http_request *req, struct http_response *res, int rc)
{
	struct str id = http_param(req, "id");

	switch (rc) {
	case 0:
		/* Written directly: once per ballot, and the id is digits
		 * checked by the router. */
		res->status = 201;
		res->content_type = "application/json";
		res->no_store = true;
		buf_printf(&res->body, "{\"status\":\"counted\",\"poll\":\"%.*s\"}", (int)id.n, id.p);
		break;
	case ERR_DUPLICATE:
		reply_error_text(req, res, rc, "This browser has already answered this poll.");
		break;
	case ERR_CONFLICT:
		reply_error_text(req, res, rc, "This poll is not open.");
		break;
	case ERR_NOTFOUND:
		reply_error_text(req, res, rc, "There is no such poll.");
		break;
	case ERR_INVALID:
		reply_error_text(req, res, rc, "An option is not one of the poll's.");
		break;
	case ERR_CODE_SPENT:
	case ERR_KEY_REUSED:
		reply_error(req, res, rc, NULL);
		break;
	default:
		reply_error_text(req, res, rc, "The answer was not saved. Try again.");
	}
}

int
handle_api_poll_vote(struct http_request *req, struct http_response *res)
{
	struct poll *p;
	struct api_vote v = { { 0 }, STR_LIT("") };
	struct vote_extra x = { STR_LIT(""), "idempotency-key", STR_LIT(""), STR_LIT("") };
	struct str key;
	struct errors e;
	int rc;

	if ((rc = app_poll_for_vote(req->app, &req->arena, http_param_id(req, "id"), &p)) != 0 ||
	    poll_status(p, req->now) == POLL_DRAFT)
		return reply_error_text(req, res, rc == 0 ? ERR_NOTFOUND : rc,
		    "There is no such poll.");
	errors_init(&e);
	if ((rc = input_read(req, &v, NULL, &e)) != 0)
		return reply_error(req, res, rc == ERR_INVALID ? ERR_INVALID : rc, &e);
	if (http_header(req, "Idempotency-Key", &key)) {
		key = str_trim(key);
		if (!vote_key_ok("idempotency-key", key))
			return reply_error_text(req, res, ERR_MALFORMED, "The Idempotency-Key must be 1 "
			    "to 128 visible characters (a UUID is usual).");
		/* Kept 24 hours: the same key with the same body answers as the
		 * first did; with another body it is refused. */
		x.key = key;
		x.request = req->body;
	}
	x.code = str_trim(v.code);
	return vote_cast(req, res, p, &v.ballot, &x, false, vote_replied, vote_refused);
}

int
handle_api_poll_results(struct http_request *req, struct http_response *res)
{
	struct poll_viewer v;
	struct poll *p;
	json_t *options;
	int i;

	if (load_poll(req, res, false, &p) != 0)
		return HTTP_DONE;
	v = viewer_of(req, p);
	if (!poll_results_visible(p, &v, req->now))
		return reply_error_text(req, res, ERR_DENIED, p->show_results ==
		    POLL_RESULTS_AFTER_VOTE && poll_is_open(p, req->now) ?
		    "The results are shown once you have answered the poll." :
		    "The results are shown when the poll closes.");
	options = json_array();
	for (i = 0; i < p->option_n; i++)
		json_array_append_new(options, json_pack("{s:o, s:o, s:I, s:f}", "id",
		    api_json_id(p->options[i].id), "label", api_json_text(p->options[i].label), "count",
		    (json_int_t)p->options[i].votes, "percent",
		    poll_percent_tenths(p->options[i].votes, p->ballots) / 10.0));
	return api_json(res, 200, json_pack("{s:I, s:o}", "total", (json_int_t)p->ballots,
	    "options", options));
}
