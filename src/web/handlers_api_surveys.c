/*
 * handlers_api_surveys.c - the JSON API for surveys (/api/v1/surveys):
 * the survey itself, its responses, results, cross-tabulations and
 * exports (the last three laid out by survey_report.c, which the staff
 * pages share).
 *
 * A survey's scalar fields are declared and decoded as a poll's are; its
 * "pages" arrive as JSON text (INPUT_JSON_TEXT) for the domain to read
 * and check: a new survey is built by survey_build, as `involve survey
 * create` builds one from a file, so every rule about what makes a survey
 * is stated once, in src/domain.  A change to a
 * survey that has responses is checked by the domain
 * (survey_def_check_change) and the store refuses a breaking one if a
 * response arrived meanwhile.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/survey_cache.h"
#include "involve/auth.h"
#include "involve/consultation.h"
#include "involve/poll_codes.h"
#include "involve/respond.h"
#include "involve/store_survey.h"
#include "involve/suppress.h"
#include "involve/survey_export.h"
#include "involve/survey_results.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "api_json.h"
#include "handlers.h"
#include "survey_crosstab.h"
#include "survey_report.h"

#define API_LIST_DEFAULT 20
#define API_LIST_MAX 100

/* ---- the declared fields ------------------------------------------------------ */

/* A survey as the API's body gives it. */
struct survey_body {
	struct str title;
	struct str pages;    /* JSON text of the "pages" array */
	int64_t opens_at;
	int64_t closes_at;
	int who;             /* enum poll_who */
	int kind;            /* enum survey_kind: set when made */
};

static const char *const who_names[] = { "anyone", "code", NULL };
static const char *const kind_names[] = { "survey", "consultation", NULL };
_Static_assert(SURVEY_KIND_SURVEY == 0 && SURVEY_KIND_CONSULTATION == 1,
    "kind_names follows enum survey_kind");
static const char *const channel_names[] = { "online", "paper", "phone", "event", NULL };
_Static_assert(SURVEY_ONLINE == 0 && SURVEY_EVENT == 3, "channel_names follows the enum");

#define SURVEY_FIELDS(REQ) { \
	{ "title", INPUT_TEXT, REQ, offsetof(struct survey_body, title), 0, 0, 0, NULL, \
	    "the title" }, \
	{ "pages", INPUT_JSON_TEXT, REQ, offsetof(struct survey_body, pages), 0, \
	    INPUT_JSON_ARRAY, 0, NULL, "the pages" }, \
	{ "opens_at", INPUT_TIME, INPUT_NULLABLE, offsetof(struct survey_body, opens_at), 0, 0, \
	    0, NULL, "the opening time" }, \
	{ "closes_at", INPUT_TIME, INPUT_NULLABLE, offsetof(struct survey_body, closes_at), 0, \
	    0, 0, NULL, "the closing time" }, \
	{ "who_can_answer", INPUT_CHOICE, 0, offsetof(struct survey_body, who), 0, 0, 0, \
	    who_names, "who can answer" }, \
	{ "kind", INPUT_CHOICE, 0, offsetof(struct survey_body, kind), 0, 0, 0, kind_names, \
	    "the kind: survey or consultation" }, \
}
enum { F_TITLE, F_PAGES, F_OPENS_AT, F_CLOSES_AT, F_WHO, F_KIND, SURVEY_FIELD_N };

static const struct input_field create_fields[SURVEY_FIELD_N] = SURVEY_FIELDS(INPUT_REQUIRED);
static const struct input_field update_fields[SURVEY_FIELD_N] = SURVEY_FIELDS(0);
const struct input_spec api_survey_create_input = { INPUT_JSON, SURVEY_FIELD_N, create_fields };
const struct input_spec api_survey_update_input = { INPUT_JSON, SURVEY_FIELD_N, update_fields };

struct response_body {
	const json_t *answers; /* the "answers" object, as read */
	const json_t *other;   /* the "other" object; NULL: none */
	int channel;
};

static const struct input_field response_fields[] = {
	{ "answers", INPUT_JSON_VALUE, INPUT_REQUIRED, offsetof(struct response_body, answers), 0,
	    INPUT_JSON_OBJECT, 0, NULL, "the answers" },
	{ "other", INPUT_JSON_VALUE, INPUT_NULLABLE, offsetof(struct response_body, other), 0,
	    INPUT_JSON_OBJECT, 0, NULL, "what 'other' is, by question" },
	{ "channel", INPUT_CHOICE, 0, offsetof(struct response_body, channel), 0, 0, 0,
	    channel_names, "how the response arrived" },
};
const struct input_spec api_survey_response_input = { INPUT_JSON, 3, response_fields };

struct list_query {
	int64_t limit;
	int64_t cursor;
};

static const struct input_field list_fields[] = {
	{ "limit", INPUT_NUMBER, INPUT_QUERY, offsetof(struct list_query, limit), 0, 1,
	    API_LIST_MAX, NULL, "the number of surveys" },
	{ "cursor", INPUT_ID, INPUT_QUERY, offsetof(struct list_query, cursor), 0, 0, 0, NULL,
	    "a cursor from a previous page's next_cursor" },
};
const struct input_spec api_survey_list_input = { INPUT_FORM, 2, list_fields };

struct crosstab_query {
	struct str row, col;
};

static const struct input_field crosstab_fields[] = {
	{ "row", INPUT_TEXT, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct crosstab_query, row),
	    0, 0, 0, NULL, "the question for the rows (a key, channel or week)" },
	{ "col", INPUT_TEXT, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct crosstab_query, col),
	    0, 0, 0, NULL, "the question for the columns (a key, channel or week)" },
};
const struct input_spec api_survey_crosstab_input = { INPUT_FORM, 2, crosstab_fields };

struct export_query {
	int format; /* enum survey_file_format */
};

static const struct input_field export_fields[] = {
	{ "format", INPUT_CHOICE, INPUT_QUERY, offsetof(struct export_query, format), 0, 0, 0,
	    survey_file_format_names, "the format" },
};
const struct input_spec api_survey_export_input = { INPUT_FORM, 1, export_fields };

/* ---- helpers ---------------------------------------------------------------------- */

static bool
is_staff_of(const struct http_request *req, int64_t org_id)
{
	const struct auth *a = req->auth;

	return a != NULL && a->signed_in && a->user.org_id == org_id;
}

/* The survey as the API shows it: the number of responses to its staff. */
json_t *
api_survey_json(struct http_request *req, const struct survey *sv, const struct survey_def *d)
{
	struct org org;
	char url[512];
	json_t *o;

	if (store_org_get(req->app->store, sv->org_id, &org) != 0)
		snprintf(org.slug, sizeof(org.slug), "-");
	snprintf(url, sizeof(url), "%s/o/%s/surveys/%lld", req->app->cfg.public_url, org.slug,
	    (long long)sv->id);
	o = json_pack("{s:o, s:o, s:s, s:s, s:s, s:i}", "id", api_json_id(sv->id), "title",
	    api_json_text(sv->title), "status", poll_status_name(survey_status(sv, req->now)),
	    "who_can_answer", poll_who_name(sv->who), "url", url, "version", sv->version);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "kind", json_string(survey_kind_name(sv->kind)));
	if (sv->kind == SURVEY_KIND_CONSULTATION)
		consultation_json_add(req, sv, o);
	json_object_set_new(o, "opens_at", api_json_time(sv->opens_at));
	json_object_set_new(o, "closes_at", api_json_time(sv->closes_at));
	json_object_set_new(o, "created_at", api_json_time(sv->created_at));
	json_object_set_new(o, "updated_at", api_json_time(sv->updated_at));
	if (is_staff_of(req, sv->org_id))
		json_object_set_new(o, "responses", json_integer(sv->responses));
	json_object_set_new(o, "pages", survey_def_to_json(d));
	return o;
}

static int
reply_survey(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const struct survey_def *d)
{
	json_t *o = api_survey_json(req, sv, d);

	if (o == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	return api_json(res, status, o);
}

/*
 * Loads survey {id} and its definition as the asker may see them: 404 for
 * one missing, of another organisation (own: staff routes), or a draft
 * the public may not see.
 */
static int
load_survey(struct http_request *req, struct http_response *res, bool own, struct survey **sv,
    struct survey_def *d)
{
	struct errors e;
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), sv);
	if (rc == 0 && own && !is_staff_of(req, (*sv)->org_id))
		rc = ERR_NOTFOUND;
	if (rc == 0 && !own && !is_staff_of(req, (*sv)->org_id) &&
	    survey_status(*sv, req->now) == POLL_DRAFT)
		rc = ERR_NOTFOUND;
	errors_init(&e);
	if (rc == 0 && survey_cache_def(req->app->surveys, &req->arena, *sv, d, &e) != 0)
		rc = ERR_IO; /* the store holds only what the domain wrote */
	if (rc != 0) {
		reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such survey." :
		    "Try again in a moment.");
		return -1;
	}
	return 0;
}

/* A change's opening and closing times as JSON says them (see the poll
 * API): a time, null for none, or left out for unchanged. */
static void
times_of(const struct survey_body *b, const enum input_state *st, struct survey *sv)
{
	if (st[F_OPENS_AT] == INPUT_NULL)
		sv->opens_at = 0;
	else if (st[F_OPENS_AT] == INPUT_GIVEN)
		sv->opens_at = b->opens_at;
	if (st[F_CLOSES_AT] == INPUT_NULL)
		sv->closes_at = 0;
	else if (st[F_CLOSES_AT] == INPUT_GIVEN)
		sv->closes_at = b->closes_at;
}

/* ---- the survey --------------------------------------------------------------------- */

int
handle_api_surveys_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	enum input_state st[SURVEY_FIELD_N] = { 0 };
	struct survey_body b = { .who = POLL_WHO_ANYONE };
	struct survey_input in = { 0 };
	struct survey sv;
	struct survey_def d;
	struct errors e;
	char location[64];
	int rc;

	errors_init(&e);
	rc = input_read(req, &b, st, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	/* What input_read refused keeps p NULL: survey_build leaves it be. */
	if (st[F_TITLE] == INPUT_GIVEN)
		in.title = b.title;
	if (st[F_PAGES] == INPUT_GIVEN)
		in.pages = b.pages;
	in.who = (enum poll_who)b.who;
	/* A consultation is made a draft: it opens once its checklist is
	 * recorded, so opens_at left out is not "now" for it. */
	in.opening = st[F_OPENS_AT] == INPUT_NULL ? POLL_OPEN_LATER :
	    st[F_OPENS_AT] == INPUT_GIVEN ? POLL_OPEN_AT :
	    b.kind == SURVEY_KIND_CONSULTATION ? POLL_OPEN_LATER : POLL_OPEN_NOW;
	in.opens_at = b.opens_at;
	in.closes_at = st[F_CLOSES_AT] == INPUT_GIVEN ? b.closes_at : 0;
	rc = survey_build(&in, req->now, &req->arena, &sv, &d, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (b.kind == SURVEY_KIND_CONSULTATION && !errors_has_field(&e, "opens_at"))
		consultation_check_schedule(&(struct consultation_checklist){ 0 }, sv.opens_at, &e);
	if (rc != 0 || errors_any(&e))
		return reply_error(req, res, ERR_INVALID, &e);
	sv.org_id = a->user.org_id;
	sv.kind = (enum survey_kind)b.kind;
	if ((rc = store_survey_create(req->app->store, &a->actor, &sv)) != 0)
		return reply_error_text(req, res, rc, "The survey could not be saved. Try again.");
	snprintf(location, sizeof(location), "/api/v1/surveys/%lld", (long long)sv.id);
	http_response_header(res, "Location", location);
	return reply_survey(req, res, 201, &sv, &d);
}

struct list_ctx {
	struct http_request *req;
	json_t *items;
	int64_t last_id;
	int n;
	int rc;
};

static int
list_one(void *arg, const struct survey *sv)
{
	struct list_ctx *c = arg;
	struct survey_def d;
	struct errors e;

	errors_init(&e);
	if (survey_def_parse(sv->definition, &c->req->arena, &d, &e) != 0)
		return c->rc = ERR_IO;
	json_array_append_new(c->items, api_survey_json(c->req, sv, &d));
	c->last_id = sv->id;
	c->n++;
	return 0;
}

int
handle_api_surveys_list(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct list_query q = { API_LIST_DEFAULT, 0 };
	struct list_ctx c = { req, NULL, 0, 0, 0 };
	struct errors e;
	json_t *v;
	int rc;

	errors_init(&e);
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error(req, res, ERR_MALFORMED, &e);
	c.items = json_array();
	rc = store_survey_each(req->app->store, &req->arena, a->user.org_id, q.cursor,
	    (int)q.limit, list_one, &c);
	if (rc != 0 || c.rc != 0) {
		json_decref(c.items);
		return reply_error(req, res, rc ? rc : c.rc, NULL);
	}
	v = json_pack("{s:o}", "items", c.items);
	json_object_set_new(v, "next_cursor", c.n == q.limit && c.last_id > 1 ?
	    api_json_id(c.last_id) : json_null());
	return api_json(res, 200, v);
}

int
handle_api_survey_get(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct survey_def d;

	if (load_survey(req, res, false, &sv, &d) != 0)
		return HTTP_DONE;
	return reply_survey(req, res, 200, sv, &d);
}

int
handle_api_survey_update(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	enum input_state st[SURVEY_FIELD_N] = { 0 };
	struct survey_body b;
	struct survey *sv, next;
	struct survey_def d, nd;
	struct errors e, change;
	struct buf text = BUF_INIT;
	enum poll_status status;
	bool breaking = false;
	int rc;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	errors_init(&e);
	errors_init(&change);
	if ((rc = survey_check_edit(sv, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	b = (struct survey_body){ sv->title, { NULL, 0 }, sv->opens_at, sv->closes_at, sv->who,
		sv->kind };
	rc = input_read(req, &b, st, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	next = *sv;
	nd = d;
	status = survey_status(sv, req->now);
	if (st[F_TITLE] == INPUT_GIVEN)
		survey_title_check(b.title, &e);
	if (b.kind != (int)sv->kind)
		errors_add(&e, "kind", "A survey's kind is set when it is made and cannot change");
	if (st[F_PAGES] == INPUT_GIVEN) {
		int64_t next_id = sv->next_option_id;
		json_error_t jerr;
		json_t *pages = json_loadb(b.pages.p, b.pages.n, 0, &jerr);

		rc = pages ? survey_def_from_json(pages, &next_id, &req->arena, &nd, &e) : ERR_NOMEM;
		json_decref(pages);
		if (rc == ERR_NOMEM)
			return reply_error(req, res, rc, NULL);
		if (rc == 0) {
			survey_def_adopt_ids(&nd, &d);
			next.next_option_id = next_id;
			breaking = survey_def_check_change(&d, &nd, &change) != 0;
		}
	}
	if (st[F_OPENS_AT] != INPUT_ABSENT && (status == POLL_OPEN || status == POLL_CLOSED) &&
	    (st[F_OPENS_AT] == INPUT_NULL || b.opens_at != sv->opens_at))
		errors_add(&e, "opens_at", "The survey has opened: its opening time cannot change");
	times_of(&b, st, &next);
	if (st[F_OPENS_AT] == INPUT_GIVEN && status != POLL_OPEN)
		survey_times_check(next.opens_at, next.closes_at, false, req->now, &e);
	else if (st[F_CLOSES_AT] == INPUT_GIVEN)
		survey_times_check(0, next.closes_at, true, req->now, &e);
	if (errors_any(&e))
		return reply_error(req, res, ERR_INVALID, &e);
	next.title = str_trim(b.title);
	next.who = (enum poll_who)b.who;
	survey_def_write(&nd, &text);
	if (!buf_ok(&text)) {
		buf_free(&text);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	next.definition = arena_str(&req->arena, (struct str){ text.p, text.n });
	buf_free(&text);
	rc = store_survey_update(req->app->store, &a->actor, &next, sv->version, breaking, req->now,
	    &e);
	if (rc == ERR_CONFLICT && breaking) {
		/* Say which changes would lose the meaning of answers given. */
		for (int i = 0; i < change.n; i++)
			errors_add(&e, change.list[i].field, "%s", change.list[i].detail);
		return reply_error(req, res, rc, &e);
	}
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_survey_get(req->app->store, &req->arena, next.id, &sv)) != 0)
		return reply_error(req, res, rc, NULL);
	return reply_survey(req, res, 200, sv, &nd);
}

typedef int (*survey_action_fn)(struct store *s, const struct actor *who, int64_t id,
    int64_t now, struct errors *e);

static int
survey_action(struct http_request *req, struct http_response *res, survey_action_fn act)
{
	struct auth *a = req->auth;
	struct survey *sv;
	struct survey_def d;
	struct errors e;
	int rc;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = act(req->app->store, &a->actor, sv->id, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_survey_get(req->app->store, &req->arena, sv->id, &sv)) != 0)
		return reply_error(req, res, rc, NULL);
	return reply_survey(req, res, 200, sv, &d);
}

int
handle_api_survey_open(struct http_request *req, struct http_response *res)
{
	return survey_action(req, res, store_survey_open);
}

int
handle_api_survey_close(struct http_request *req, struct http_response *res)
{
	return survey_action(req, res, store_survey_close);
}

int
handle_api_survey_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct survey *sv;
	struct survey_def d;
	int rc;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	if ((rc = store_survey_delete(req->app->store, &a->actor, sv->id)) != 0)
		return reply_error(req, res, rc, NULL);
	survey_cache_forget(req->app->surveys, sv->id);
	res->status = 204;
	return HTTP_DONE;
}

/* ---- responses ---------------------------------------------------------------------- */

static void
response_replied(struct http_request *req, struct http_response *res, int rc, int64_t id,
    const struct errors *e)
{
	if (e != NULL) { /* the survey changed under the answers */
		reply_error(req, res, rc, e);
		return;
	}
	switch (rc) {
	case 0:
		res->status = 201;
		res->content_type = "application/json";
		res->no_store = true;
		buf_printf(&res->body, "{\"status\":\"submitted\",\"id\":\"%lld\"}", (long long)id);
		break;
	case ERR_DUPLICATE:
		reply_error_text(req, res, rc, "This browser has already answered this survey.");
		break;
	case ERR_CONFLICT:
		reply_error_text(req, res, rc, "This survey is not open.");
		break;
	case ERR_NOTFOUND:
		reply_error_text(req, res, rc, "There is no such survey.");
		break;
	default:
		reply_error_text(req, res, rc, "The response was not saved. Try again.");
	}
}

/*
 * Reads and checks a response body's answers against d: every problem
 * under its question's key.  0, ERR_INVALID (e filled) or ERR_NOMEM.
 */
static int
read_answers(struct http_request *req, const struct survey_def *d, const json_t *answers,
    const json_t *other, struct survey_answers *ans, struct errors *e)
{
	int rc = survey_answers_from_json(d, answers, other, &req->arena, ans, e);

	if (rc == ERR_NOMEM)
		return rc;
	/* The path is judged on what was readable, so both kinds of
	 * problem come back at once. */
	if (survey_answers_check(d, ans, -1, e) != 0 || rc != 0)
		return ERR_INVALID;
	return 0;
}

/*
 * What a response to sv says against d, by the asker: 0 when it may be
 * taken (ans filled), or the refusal's error (e filled, or *text set for
 * a refusal without fields).
 */
static int
check_response(struct http_request *req, const struct survey *sv, const struct survey_def *d,
    const struct response_body *b, struct survey_answers *ans, const char **text,
    struct errors *e)
{
	bool staff = is_staff_of(req, sv->org_id);

	*text = NULL;
	if (!staff && b->channel != SURVEY_ONLINE) {
		errors_add(e, "channel", "Only the survey's staff can key in responses that came "
		    "on paper, by phone or at an event");
		return ERR_INVALID;
	}
	if (!staff && !survey_is_open(sv, req->now)) {
		*text = survey_status(sv, req->now) == POLL_CLOSED ? "This survey has closed." :
		    "This survey is not open yet.";
		return ERR_CONFLICT;
	}
	if (!staff && sv->who == POLL_WHO_CODE) {
		errors_add(e, "code", "This survey is answered with an invitation code: use the "
		    "link or the code on your invitation");
		return ERR_INVALID;
	}
	return read_answers(req, d, b->answers, b->other, ans, e);
}

/*
 * A response is checked first against the survey as this server read it
 * a moment ago (survey_cache_recent), which spares the store a read per
 * response: the writer takes it only if that is still the survey's version
 * and it is still open.  Anything that copy would refuse is decided again
 * on the survey read from the store, so no refusal rests on an old copy.
 */
int
handle_api_survey_respond(struct http_request *req, struct http_response *res)
{
	struct response_body b = { NULL, NULL, SURVEY_ONLINE };
	struct respond_args args = { 0 };
	struct survey_answers ans;
	struct survey *sv;
	struct survey_def d;
	struct errors e;
	const char *text;
	bool recent;
	int rc;

	recent = survey_cache_recent(req->app->surveys, &req->arena, http_param_id(req, "id"),
	    &sv, &d) == 0;
	if (recent && !is_staff_of(req, sv->org_id) && survey_status(sv, req->now) == POLL_DRAFT)
		recent = false;
	if (!recent && load_survey(req, res, false, &sv, &d) != 0)
		return HTTP_DONE;
	errors_init(&e);
	rc = input_read(req, &b, NULL, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	if (rc != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = check_response(req, sv, &d, &b, &ans, &text, &e);
	if (rc != 0 && rc != ERR_NOMEM && recent) {
		if (load_survey(req, res, false, &sv, &d) != 0)
			return HTTP_DONE;
		errors_init(&e);
		rc = check_response(req, sv, &d, &b, &ans, &text, &e);
	}
	if (rc != 0)
		return text != NULL ? reply_error_text(req, res, rc, text) :
		    reply_error(req, res, rc, &e);
	args.sv = sv;
	args.def = &d;
	args.ans = &ans;
	args.channel = (enum survey_channel)b.channel;
	args.entered_by = is_staff_of(req, sv->org_id) ? ((struct auth *)req->auth)->user.id : 0;
	args.one_per_browser = !is_staff_of(req, sv->org_id);
	return respond_submit(req, res, &args, response_replied);
}

/* ---- results -------------------------------------------------------------------------- */

/*
 * Who may see a survey's results, and how: its own staff always, the
 * public once it has closed; every count under the organisation's
 * threshold hidden (suppress.h) except for analysts and administrators.
 * 0 with *below set (0: nothing hidden), or -1 with res filled.
 */
static int
results_access(struct http_request *req, struct http_response *res, const struct survey *sv,
    int64_t *below)
{
	const struct auth *a = req->auth;
	struct org org;

	if (store_org_get(req->app->store, sv->org_id, &org) != 0) {
		reply_error(req, res, ERR_IO, NULL);
		return -1;
	}
	*below = org.suppress_below;
	if (is_staff_of(req, sv->org_id)) {
		if (suppress_exempt(a->user.role))
			*below = 0;
		return 0;
	}
	if (survey_status(sv, req->now) == POLL_CLOSED)
		return 0;
	reply_error_text(req, res, ERR_DENIED, "The results are published when the survey closes.");
	return -1;
}

/* A count, or null and "suppressed" when it is hidden. */
static void
set_count(json_t *o, const char *name, int64_t n, bool hidden)
{
	if (hidden) {
		json_object_set_new(o, name, json_null());
		json_object_set_new(o, "suppressed", json_true());
	} else {
		json_object_set_new(o, name, json_integer(n));
	}
}

static json_t *
percent_json(int64_t count, int64_t of, bool hidden)
{
	if (hidden)
		return json_null();
	return json_real(poll_percent_tenths(count, of) / 10.0);
}

static json_t *
option_counts(const struct survey_question *q, const int64_t *counts, int64_t of,
    const double *rank_total, const bool *hidden)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < q->option_n; i++) {
		bool h = hidden != NULL && hidden[i];
		json_t *o = json_pack("{s:o, s:o, s:o}", "id", api_json_id(q->options[i].id), "value",
		    api_json_text(q->options[i].value), "label", api_json_text(q->options[i].label));

		set_count(o, "count", counts[i], h);
		json_object_set_new(o, "percent", percent_json(counts[i], of, h));
		if (rank_total != NULL)
			json_object_set_new(o, "mean_rank", counts[i] > 0 && !h ?
			    json_real(rank_total[i] / counts[i]) : json_null());
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *
question_result(const struct survey_question *q, const struct survey_qresult *r,
    const struct survey_qhidden *h)
{
	json_t *o = json_pack("{s:o, s:s, s:o}", "key", api_json_text(q->key), "type",
	    survey_qtype_name(q->type), "text", api_json_text(q->text));
	json_t *list;
	int i;

	set_count(o, "answered", r->answered, h->all);
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_MULTIPLE:
	case SQ_LIKERT:
	case SQ_FFT:
		json_object_set_new(o, "options", option_counts(q, r->options, r->answered, NULL,
		    h->options));
		break;
	case SQ_RANKING:
		json_object_set_new(o, "options", option_counts(q, r->options, r->answered,
		    r->rank_total, h->options));
		break;
	case SQ_RATING:
		list = json_array();
		for (i = 0; i < r->points; i++) {
			char v[16];
			json_t *p;

			snprintf(v, sizeof(v), "%d", (int)q->min + i);
			p = json_pack("{s:s, s:s}", "value", v, "label", v);
			set_count(p, "count", r->ratings[i], h->options[i]);
			json_object_set_new(p, "percent", percent_json(r->ratings[i], r->answered,
			    h->options[i]));
			json_array_append_new(list, p);
		}
		json_object_set_new(o, "options", list);
		/* fall through */
	case SQ_NUMBER:
		json_object_set_new(o, "mean", r->answered > 0 && !h->all ?
		    json_real(r->total / r->answered) : json_null());
		break;
	case SQ_GRID:
		list = json_array();
		for (i = 0; i < q->row_n; i++) {
			const bool *cells = &h->grid[i * q->option_n];
			json_t *row = json_pack("{s:o, s:o}", "value", api_json_text(q->rows[i].value),
			    "label", api_json_text(q->rows[i].label));

			set_count(row, "answered", r->rows[i], h->all);
			json_object_set_new(row, "options", option_counts(q,
			    &r->grid[i * q->option_n], r->rows[i], NULL, cells));
			json_array_append_new(list, row);
		}
		json_object_set_new(o, "rows", list);
		break;
	default:
		break;
	}
	return o;
}

struct results_ctx {
	const struct survey_def *d;
	struct survey_results *r;
};

static int
results_add(void *arg, const struct survey_tally_item *it)
{
	struct results_ctx *c = arg;

	survey_results_add(c->d, c->r, it);
	return 0;
}

int
handle_api_survey_results(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct survey_def d;
	struct survey_results r;
	struct survey_hidden hidden;
	struct results_ctx c = { &d, &r };
	json_t *questions, *o;
	int64_t below;
	int i, rc;

	if (load_survey(req, res, false, &sv, &d) != 0 || results_access(req, res, sv, &below) != 0)
		return HTTP_DONE;
	if ((rc = survey_results_init(&d, &req->arena, &r)) != 0 ||
	    (rc = store_survey_tally(req->app->store, sv->id, results_add, &c)) != 0 ||
	    (rc = survey_results_suppress(&d, &r, below, &req->arena, &hidden)) != 0)
		return reply_error(req, res, rc, NULL);
	questions = json_array();
	for (i = 0; i < d.question_n; i++)
		if (d.questions[i].type != SQ_INFO)
			json_array_append_new(questions, question_result(&d.questions[i], &r.q[i],
			    &hidden.q[i]));
	o = json_pack("{s:o, s:o, s:I}", "survey", api_json_id(sv->id), "questions", questions,
	    "suppress_below", (json_int_t)below);
	set_count(o, "responses", r.responses, hidden.responses);
	return api_json(res, 200, o);
}

/* The results as open data: for whoever may see the results, and always
 * with small counts hidden, analysts' and administrators' copies too. */
int
handle_api_survey_results_csv(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct survey_def d;
	struct org org;
	int64_t below;

	if (load_survey(req, res, false, &sv, &d) != 0 || results_access(req, res, sv, &below) != 0)
		return HTTP_DONE;
	/* The organisation's threshold, whoever asks (below is 0 for analysts). */
	if (store_org_get(req->app->store, sv->org_id, &org) != 0)
		return reply_error(req, res, ERR_IO, NULL);
	return survey_report_open_data(req, res, sv, &d, org.suppress_below);
}

static json_t *
axis_json(const struct survey_def *d, const struct crosstab_axis *ax)
{
	struct buf b = BUF_INIT;
	json_t *list = json_array();
	int i;

	for (i = 0; i < ax->value_n; i++) {
		buf_reset(&b);
		crosstab_value(d, ax, i, &b);
		json_array_append_new(list, json_stringn(b.p ? b.p : "", b.n));
	}
	buf_free(&b);
	return list;
}

/*
 * The cells a cross-tab must hide: every line's total can be had from the
 * question results, so both rows and columns count as shown.  In the
 * request's arena; NULL when out of memory.
 */
static bool *
crosstab_suppress(struct http_request *req, const struct crosstab *x, int64_t below)
{
	int rows = x->row.value_n, cols = x->col.value_n, i, j;
	int64_t *rt = arena_zalloc(&req->arena, (rows + 1) * sizeof(*rt));
	int64_t *ct = arena_zalloc(&req->arena, (cols + 1) * sizeof(*ct));
	bool *rh = arena_zalloc(&req->arena, rows + 1), *ch = arena_zalloc(&req->arena, cols + 1);
	bool *hidden = arena_zalloc(&req->arena, (size_t)rows * cols + 1);

	if (rt == NULL || ct == NULL || rh == NULL || ch == NULL || hidden == NULL)
		return NULL;
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++) {
			rt[i] += x->cells[i * cols + j];
			ct[j] += x->cells[i * cols + j];
		}
	suppress_table(x->cells, rows, cols, rt, ct, below, hidden, rh, ch);
	return hidden;
}

int
handle_api_survey_crosstab(struct http_request *req, struct http_response *res)
{
	struct crosstab_query q = { { NULL, 0 }, { NULL, 0 } };
	struct crosstab x;
	struct survey *sv;
	struct survey_def d;
	struct errors e;
	json_t *cells;
	bool *hidden;
	int64_t below;
	int i, j, rc;

	if (load_survey(req, res, true, &sv, &d) != 0 || results_access(req, res, sv, &below) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = input_read(req, &q, NULL, &e)) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	crosstab_axis_of(&d, q.row, "row", sv->created_at, req->now, &x.row, &e);
	if (crosstab_axis_of(&d, q.col, "col", sv->created_at, req->now, &x.col, &e) == 0 &&
	    !errors_any(&e) && crosstab_axis_same(&x.row, &x.col))
		errors_add(&e, "col", "Cross-tabulate '%.*s' by another question, 'channel' or "
		    "'week'", (int)text_utf8_cut(q.col, 40), q.col.p);
	if (errors_any(&e))
		return reply_error(req, res, ERR_INVALID, &e);
	if (crosstab_init(&x, &req->arena) != 0)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if ((rc = survey_crosstab_count(req->app->store, sv->id, &d, &req->arena, &x)) != 0)
		return reply_error(req, res, rc, NULL);
	if ((hidden = crosstab_suppress(req, &x, below)) == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	cells = json_array();
	for (i = 0; i < x.row.value_n; i++) {
		json_t *row = json_array();

		for (j = 0; j < x.col.value_n; j++) {
			int at = i * x.col.value_n + j;

			json_array_append_new(row, hidden[at] ? json_null() :
			    json_integer(x.cells[at]));
		}
		json_array_append_new(cells, row);
	}
	return api_json(res, 200, json_pack("{s:o, s:o, s:o, s:I}", "rows", axis_json(&d, &x.row),
	    "cols", axis_json(&d, &x.col), "cells", cells, "suppress_below", (json_int_t)below));
}

int
handle_api_survey_export(struct http_request *req, struct http_response *res)
{
	struct export_query q = { SURVEY_FILE_CSV };
	struct survey *sv;
	struct survey_def d;
	struct errors e;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	/* Each response as given is the least suppressed figure of all. */
	if (!suppress_exempt(((struct auth *)req->auth)->user.role))
		return reply_error_text(req, res, ERR_DENIED, "Only analysts and administrators can "
		    "download the responses themselves.");
	errors_init(&e);
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	return survey_report_export(req, res, sv, (enum survey_file_format)q.format);
}

/* ---- invitation codes ---------------------------------------------------------------- */


struct codes_body {
	int64_t count;
};

static const struct input_field codes_fields[] = {
	{ "count", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct codes_body, count), 0, 1,
	    POLL_CODES_BATCH_MAX, NULL, "the number of codes" },
};
const struct input_spec api_survey_codes_input = { INPUT_JSON, 1, codes_fields };

int
handle_api_survey_codes(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct codes_body b = { 0 };
	const char **list = NULL;
	struct survey *sv;
	struct survey_def d;
	struct errors e;
	int64_t batch = 0;
	json_t *codes;
	int i, rc;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = input_read(req, &b, NULL, &e)) != 0)
		return reply_error(req, res, rc == ERR_INVALID ? ERR_INVALID : rc, &e);
	rc = survey_codes_issue(req->app->store, &req->app->keys, &a->actor, sv, (int)b.count,
	    req->now, &req->arena, &list, &batch, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	codes = json_array();
	for (i = 0; i < (int)b.count; i++)
		json_array_append_new(codes, json_string(list[i]));
	res->no_store = true;
	return api_json(res, 201, json_pack("{s:o, s:o, s:o}", "survey", api_json_id(sv->id), "batch",
	    api_json_id(batch), "codes", codes));
}

/* A batch of codes as the API shows it. */
static json_t *
batch_json(const struct code_batch *b)
{
	return json_pack("{s:o, s:o, s:I, s:I, s:o}", "id", api_json_id(b->id), "created_at",
	    api_json_time(b->created_at), "issued", (json_int_t)b->issued, "used",
	    (json_int_t)b->used, "withdrawn_at", b->withdrawn_at ? api_json_time(b->withdrawn_at) :
	    json_null());
}

static int
batch_item(void *arg, const struct code_batch *b)
{
	return json_array_append_new(arg, batch_json(b)) == 0 ? 0 : ERR_NOMEM;
}

int
handle_api_survey_code_batches(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct survey_def d;
	json_t *items;
	int rc;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	items = json_array();
	if ((rc = store_survey_code_batches(req->app->store, sv->id, batch_item, items)) != 0) {
		json_decref(items);
		return reply_error(req, res, rc, NULL);
	}
	return api_json(res, 200, json_pack("{s:o, s:o}", "survey", api_json_id(sv->id), "batches",
	    items));
}

int
handle_api_survey_codes_withdraw(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct code_batch b;
	struct survey *sv;
	struct survey_def d;
	int rc;

	if (load_survey(req, res, true, &sv, &d) != 0)
		return HTTP_DONE;
	rc = store_survey_codes_withdraw(req->app->store, &a->actor, sv->id,
	    http_param_id(req, "batch"), req->now);
	if (rc == ERR_NOTFOUND)
		return reply_error_text(req, res, rc, "The survey has no such batch of codes.");
	if (rc == ERR_CONFLICT)
		return reply_error_text(req, res, rc, "This batch has been withdrawn already.");
	if (rc == 0)
		rc = store_survey_code_batch_get(req->app->store, sv->id, http_param_id(req, "batch"),
		    &b);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	return api_json(res, 200, batch_json(&b));
}
