/*
 * handlers_api_polls.c - the JSON API for quick polls (/api/v1/polls).
 *
 * JSON bodies are read with jansson into a struct poll_input, checked
 * field by field (unknown members and wrong types are named in the
 * problem's "errors"), then handed to the domain's poll_build.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "involve/vote.h"
#include "handlers.h"

#define API_LIST_DEFAULT 20
#define API_LIST_MAX 100


static json_t *
time_or_null(int64_t t)
{
	char text[TIMEFMT_RFC3339_MAX];

	if (t == 0 || timefmt_rfc3339(t, text) != 0)
		return json_null();
	return json_string(text);
}

static void
poll_url(struct http_request *req, const struct poll *p, char *out, size_t size)
{
	struct org o;

	if (req->app->store->ops->org_get(req->app->store, p->org_id, &o) != 0)
		snprintf(o.slug, sizeof(o.slug), "-");
	snprintf(out, size, "%s/o/%s/polls/%lld", req->app->cfg.public_url, o.slug, (long long)p->id);
}

static json_t *
poll_json(struct http_request *req, const struct poll *p)
{
	json_t *options = json_array(), *v;
	char id[24], url[512];
	int i;

	for (i = 0; i < p->option_n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)p->options[i].id);
		json_array_append_new(options, json_pack("{s:s, s:s}", "id", id, "label",
		    p->options[i].label));
	}
	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	poll_url(req, p, url, sizeof(url));
	v = json_pack("{s:s, s:s, s:o, s:b, s:s, s:s, s:s, s:I}", "id", id, "question", p->question,
	    "options", options, "multiple", p->multiple, "show_results",
	    poll_results_name(p->show_results), "status", poll_status_name(poll_status(p, req->now)),
	    "url", url, "ballots", (json_int_t)p->ballots);
	json_object_set_new(v, "opens_at", time_or_null(p->opens_at));
	json_object_set_new(v, "closes_at", time_or_null(p->closes_at));
	json_object_set_new(v, "created_at", time_or_null(p->created_at));
	return v;
}

/* Loads a poll the request's token may manage: 404 for missing or another
 * organisation's, 403 for a role that may not manage polls. */
static int
load_own_poll(struct http_request *req, struct http_response *res, struct poll *p, bool manage)
{
	struct auth *a = req->auth;

	if (req->app->store->ops->poll_get(req->app->store, http_param_id(req, "id"), p) != 0 ||
	    p->org_id != a->user.org_id) {
		api_problem(res, 404, "Not found", "There is no such poll.", NULL);
		return -1;
	}
	if (manage && !role_allows(a->user.role, PERM_POLL_MANAGE)) {
		api_problem(res, 403, "Forbidden", "Your role may not change polls.", NULL);
		return -1;
	}
	return 0;
}

static int
parse_body(struct http_request *req, struct http_response *res, json_t **out)
{
	json_error_t err;
	json_t *v;
	char detail[256];

	v = json_loadb(req->body.p, req->body.n, JSON_REJECT_DUPLICATES, &err);
	if (v == NULL) {
		snprintf(detail, sizeof(detail), "The body is not valid JSON: %s (line %d, column %d).",
		    err.text, err.line, err.column);
		/* jansson quotes the bytes near the error, which may stop inside a
		 * character or not be UTF-8 at all; the detail must be text. */
		if (!text_is_utf8(str_c(detail)))
			snprintf(detail, sizeof(detail),
			    "The body is not valid JSON (line %d, column %d).", err.line, err.column);
		api_problem(res, 400, "Malformed JSON", detail, NULL);
		return -1;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		api_problem(res, 400, "Malformed JSON", "The body must be a JSON object.", NULL);
		return -1;
	}
	*out = v;
	return 0;
}

static void
read_time(json_t *v, const char *field, int64_t *out, struct errors *e)
{
	const char *s;

	if (v == NULL || json_is_null(v)) {
		*out = 0;
		return;
	}
	if (!json_is_string(v)) {
		errors_add(e, field, "Must be a date and time as an RFC 3339 string, or null");
		return;
	}
	s = json_string_value(v);
	if (timefmt_parse_rfc3339(s, json_string_length(v), out) != 0)
		errors_add(e, field, "Must be a date and time like 2026-12-01T09:00:00Z");
}

/*
 * Reads poll fields from a JSON object into `in`, starting from `base`
 * (all fields for a create; an update starts from the existing poll).
 */
static void
read_poll_fields(json_t *body, struct poll_input *in, bool create, int64_t now, struct errors *e)
{
	static const char *const known[] = { "question", "options", "multiple", "opens_at",
		"closes_at", "show_results" };
	const char *key;
	json_t *v, *item;
	size_t i, k;

	json_object_foreach(body, key, v) {
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(key, known[k]) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0])) {
			char field[ERROR_FIELD_MAX];

			/* At most 60 bytes, cut between characters. */
			text_copy(field, 61, str_c(key));
			errors_add(e, field, "Unknown field");
		}
	}

	v = json_object_get(body, "question");
	if (v && json_is_string(v))
		in->question = (struct str){ json_string_value(v), json_string_length(v) };
	else if (v || create)
		errors_add(e, "question", v ? "Must be a string" : "Enter the question");

	v = json_object_get(body, "options");
	if (v && json_is_array(v)) {
		in->option_n = (int)json_array_size(v);
		json_array_foreach(v, i, item) {
			if (i > POLL_OPTIONS_MAX)
				break;
			if (!json_is_string(item))
				errors_add_at(e, "options", (int)i, "Must be a string");
			else
				in->options[i] = (struct str){ json_string_value(item),
					json_string_length(item) };
		}
	} else if (v || create) {
		errors_add(e, "options", v ? "Must be an array of strings" : "Enter the options");
	}

	v = json_object_get(body, "multiple");
	if (v && json_is_boolean(v))
		in->multiple = json_is_true(v);
	else if (v)
		errors_add(e, "multiple", "Must be true or false");

	v = json_object_get(body, "show_results");
	if (v && (!json_is_string(v) || poll_results_parse(str_c(json_string_value(v)),
	    &in->show_results) != 0))
		errors_add(e, "show_results", "Must be \"after_vote\" or \"after_close\"");

	if ((v = json_object_get(body, "opens_at")) != NULL || create) {
		read_time(v, "opens_at", &in->opens_at, e);
		if (in->opens_at == 0 && create)
			in->opens_at = now; /* null: open now */
	}
	if ((v = json_object_get(body, "closes_at")) != NULL || create)
		read_time(v, "closes_at", &in->closes_at, e);
}

static int
refuse_invalid(struct http_response *res, const struct errors *e)
{
	return api_problem(res, 422, "Validation failed", "Some fields are not valid.", e);
}

int
handle_api_polls_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct poll_input in;
	struct poll *p = NULL;
	struct errors e;
	json_t *body = NULL;
	int rc;

	if (!role_allows(a->user.role, PERM_POLL_MANAGE))
		return api_problem(res, 403, "Forbidden", "Your role may not create polls.", NULL);
	if (parse_body(req, res, &body) != 0)
		return HTTP_DONE;
	errors_init(&e);
	memset(&in, 0, sizeof(in));
	read_poll_fields(body, &in, true, req->now, &e);
	p = malloc(sizeof(*p));
	if (p == NULL) {
		api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
		goto out;
	}
	/* Built even when a field had the wrong type, so one reply lists
	 * every problem. */
	if (poll_build(&in, req->now, p, &e) != 0 || errors_any(&e)) {
		refuse_invalid(res, &e);
		goto out;
	}
	p->org_id = a->user.org_id;
	rc = req->app->store->ops->poll_create(req->app->store, &a->actor, p);
	if (rc != 0) {
		api_problem(res, 503, "Service unavailable", "The poll could not be saved. Try again.",
		    NULL);
		goto out;
	}
	api_json(res, 201, poll_json(req, p));
	{
		char loc[64];

		snprintf(loc, sizeof(loc), "/api/v1/polls/%lld", (long long)p->id);
		http_response_header(res, "Location", loc);
	}
out:
	free(p);
	json_decref(body);
	return HTTP_DONE;
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

	json_array_append_new(c->items, poll_json(c->req, p));
	c->last_id = p->id;
	c->n++;
	return 0;
}

/* A bounded whole number from a query parameter; -1 when malformed. */
static long long
query_number(struct str s, long long min, long long max)
{
	char tmp[24], *end;
	long long v;

	if (s.n == 0 || s.n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	return v;
}

int
handle_api_polls_list(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct list_ctx c = { req, NULL, 0, 0 };
	struct errors e;
	long long limit = API_LIST_DEFAULT, before = 0;
	char next[24];
	struct str q;
	json_t *v;
	int rc;

	errors_init(&e);
	if (http_query(req, "limit", &q) && (limit = query_number(q, 1, API_LIST_MAX)) < 0)
		errors_add(&e, "limit", "Must be a whole number from 1 to %d", API_LIST_MAX);
	if (http_query(req, "cursor", &q) && (before = query_number(q, 1, INT64_MAX)) < 0)
		errors_add(&e, "cursor", "Must be a cursor from a previous page's next_cursor");
	if (errors_any(&e))
		return api_problem(res, 400, "Bad request", "The query is not valid.", &e);
	c.items = json_array();
	rc = req->app->store->ops->poll_each(req->app->store, a->user.org_id, before, (int)limit,
	    list_one, &c);
	if (rc != 0) {
		json_decref(c.items);
		return api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
	}
	v = json_pack("{s:o}", "items", c.items);
	if (c.n == limit && c.last_id > 1) {
		snprintf(next, sizeof(next), "%lld", (long long)c.last_id);
		json_object_set_new(v, "next_cursor", json_string(next));
	} else {
		json_object_set_new(v, "next_cursor", json_null());
	}
	return api_json(res, 200, v);
}

/* Whether the request carries a token of the poll's organisation. */
static bool
is_own_staff(const struct http_request *req, const struct poll *p)
{
	const struct auth *a = req->auth;

	return a && a->signed_in && a->user.org_id == p->org_id;
}

int
handle_api_poll_get(struct http_request *req, struct http_response *res)
{
	struct poll *p = malloc(sizeof(*p));
	int rc;

	if (p == NULL)
		return api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
	rc = req->app->store->ops->poll_get(req->app->store, http_param_id(req, "id"), p);
	/* Drafts are not public. */
	if (rc != 0 || (poll_status(p, req->now) == POLL_DRAFT && !is_own_staff(req, p)))
		api_problem(res, 404, "Not found", "There is no such poll.", NULL);
	else
		api_json(res, 200, poll_json(req, p));
	free(p);
	return HTTP_DONE;
}

int
handle_api_poll_update(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct poll_input in;
	struct poll *p = malloc(sizeof(*p)), *built = malloc(sizeof(*built));
	struct errors e;
	json_t *body = NULL;
	int i, rc;

	if (p == NULL || built == NULL) {
		api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
		goto out;
	}
	if (load_own_poll(req, res, p, true) != 0)
		goto out;
	if (parse_body(req, res, &body) != 0)
		goto out;
	if (p->ballots > 0) {
		api_problem(res, 409, "Conflict", "A poll cannot be changed once it has answers.", NULL);
		goto out;
	}
	/* Start from the poll as it is; the body replaces what it names. */
	memset(&in, 0, sizeof(in));
	in.question = str_c(p->question);
	in.option_n = p->option_n;
	for (i = 0; i < p->option_n; i++)
		in.options[i] = str_c(p->options[i].label);
	in.multiple = p->multiple;
	in.show_results = p->show_results;
	in.opens_at = p->opens_at;
	in.closes_at = p->closes_at;
	errors_init(&e);
	read_poll_fields(body, &in, false, req->now, &e);
	if (poll_build(&in, req->now, built, &e) != 0 || errors_any(&e)) {
		refuse_invalid(res, &e);
		goto out;
	}
	built->id = p->id;
	built->org_id = p->org_id;
	rc = req->app->store->ops->poll_update(req->app->store, &a->actor, built);
	if (rc == ERR_CONFLICT) {
		api_problem(res, 409, "Conflict", "A poll cannot be changed once it has answers.", NULL);
		goto out;
	}
	if (rc != 0 || req->app->store->ops->poll_get(req->app->store, p->id, p) != 0) {
		api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
		goto out;
	}
	api_json(res, 200, poll_json(req, p));
out:
	json_decref(body);
	free(p);
	free(built);
	return HTTP_DONE;
}

static int
poll_action(struct http_request *req, struct http_response *res, enum poll_action action)
{
	struct auth *a = req->auth;
	struct poll *p = malloc(sizeof(*p));
	int rc;

	if (p == NULL)
		return api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
	if (load_own_poll(req, res, p, true) != 0)
		goto out;
	rc = req->app->store->ops->poll_act(req->app->store, &a->actor, p->id, action, req->now);
	if (rc == ERR_CONFLICT)
		api_problem(res, 409, "Conflict", action == POLL_ACTION_OPEN ?
		    "The poll is already open or has closed." : "The poll is not open.", NULL);
	else if (rc != 0 || req->app->store->ops->poll_get(req->app->store, p->id, p) != 0)
		api_problem(res, rc == ERR_NOTFOUND ? 404 : 503, "Not done", "Try again.", NULL);
	else
		api_json(res, 200, poll_json(req, p));
out:
	free(p);
	return HTTP_DONE;
}

int
handle_api_poll_open(struct http_request *req, struct http_response *res)
{
	return poll_action(req, res, POLL_ACTION_OPEN);
}

int
handle_api_poll_close(struct http_request *req, struct http_response *res)
{
	return poll_action(req, res, POLL_ACTION_CLOSE);
}

int
handle_api_poll_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct poll *p = malloc(sizeof(*p));
	int rc;

	if (p == NULL)
		return api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
	if (load_own_poll(req, res, p, true) == 0) {
		rc = req->app->store->ops->poll_delete(req->app->store, &a->actor, p->id);
		if (rc == 0)
			res->status = 204;
		else
			api_problem(res, rc == ERR_NOTFOUND ? 404 : 503, "Not deleted", "Try again.", NULL);
	}
	free(p);
	return HTTP_DONE;
}

static void
vote_refused(struct http_request *req, struct http_response *res, int status, const struct errors *e)
{
	(void)req;
	api_problem(res, status, status == 429 ? "Too many requests" : status == 409 ?
	    "Conflict" : "Validation failed", e->n ? e->list[0].detail : "Not counted.", e);
}

static void
vote_replied(struct http_request *req, struct http_response *res, int rc)
{
	struct str id = http_param(req, "id");

	switch (rc) {
	case 0:
		/* Written directly: this runs on the writer's thread, once per
		 * ballot, and the id is digits checked by the router. */
		res->status = 201;
		res->content_type = "application/json";
		res->no_store = true;
		buf_printf(&res->body, "{\"status\":\"counted\",\"poll\":\"%.*s\"}", (int)id.n, id.p);
		break;
	case ERR_DUPLICATE:
		api_problem(res, 409, "Conflict", "This browser has already answered this poll.", NULL);
		break;
	case ERR_CONFLICT:
		api_problem(res, 409, "Conflict", "This poll is not open.", NULL);
		break;
	case ERR_NOTFOUND:
		api_problem(res, 404, "Not found", "There is no such poll.", NULL);
		break;
	case ERR_INVALID:
		api_problem(res, 422, "Validation failed", "An option is not one of the poll's.", NULL);
		break;
	default:
		http_response_header(res, "Retry-After", "5");
		api_problem(res, 503, "Service unavailable", "The answer was not saved. Try again.", NULL);
	}
}

int
handle_api_poll_vote(struct http_request *req, struct http_response *res)
{
	struct poll *p = malloc(sizeof(*p));
	struct ballot b;
	struct errors e;
	json_t *body = NULL, *options, *item;
	const char *key;
	size_t i;
	int rc = HTTP_DONE;

	if (p == NULL)
		return api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
	if (app_poll_for_vote(req->app, http_param_id(req, "id"), p) != 0 ||
	    poll_status(p, req->now) == POLL_DRAFT) {
		api_problem(res, 404, "Not found", "There is no such poll.", NULL);
		goto out;
	}
	if (parse_body(req, res, &body) != 0)
		goto out;
	errors_init(&e);
	memset(&b, 0, sizeof(b));
	json_object_foreach(body, key, item) {
		if (strcmp(key, "options") != 0) {
			char field[ERROR_FIELD_MAX];

			/* At most 60 bytes, cut between characters. */
			text_copy(field, 61, str_c(key));
			errors_add(&e, field, "Unknown field");
		}
	}
	options = json_object_get(body, "options");
	if (!json_is_array(options)) {
		errors_add(&e, "options", options ? "Must be an array of option ids" :
		    "Send the chosen option ids as \"options\"");
	} else if (json_array_size(options) > POLL_OPTIONS_MAX) {
		errors_add(&e, "options", "Too many options");
	} else {
		json_array_foreach(options, i, item) {
			struct str s = { json_string_value(item), json_string_length(item) };
			long long id = json_is_string(item) ? query_number(s, 1, INT64_MAX) : -1;

			if (id < 0)
				errors_add_at(&e, "options", (int)i, "Must be an option id (a string)");
			else
				b.choices[b.choice_n++] = id;
		}
	}
	if (errors_any(&e)) {
		refuse_invalid(res, &e);
		goto out;
	}
	rc = vote_cast(req, res, p, &b, false, vote_replied, vote_refused);
out:
	json_decref(body);
	free(p);
	return rc;
}

int
handle_api_poll_results(struct http_request *req, struct http_response *res)
{
	struct poll *p = malloc(sizeof(*p));
	struct tally t;
	json_t *options, *v;
	char id[24];
	int i, tenths;

	if (p == NULL)
		return api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
	if (req->app->store->ops->poll_get(req->app->store, http_param_id(req, "id"), p) != 0 ||
	    (poll_status(p, req->now) == POLL_DRAFT && !is_own_staff(req, p))) {
		api_problem(res, 404, "Not found", "There is no such poll.", NULL);
		goto out;
	}
	if (!is_own_staff(req, p) && !poll_results_visible(p, true, req->now)) {
		api_problem(res, 403, "Forbidden", "The results are shown when the poll closes.", NULL);
		goto out;
	}
	if (req->app->store->ops->poll_tally(req->app->store, p->id, &t) != 0) {
		api_problem(res, 503, "Service unavailable", "Try again in a moment.", NULL);
		goto out;
	}
	options = json_array();
	for (i = 0; i < t.option_n && i < p->option_n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)p->options[i].id);
		tenths = poll_percent_tenths(t.counts[i], t.ballots);
		json_array_append_new(options, json_pack("{s:s, s:s, s:I, s:f}", "id", id, "label",
		    p->options[i].label, "count", (json_int_t)t.counts[i], "percent", tenths / 10.0));
	}
	v = json_pack("{s:I, s:o}", "total", (json_int_t)t.ballots, "options", options);
	api_json(res, 200, v);
out:
	free(p);
	return HTTP_DONE;
}
