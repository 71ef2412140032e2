/*
 * handlers_staff_surveys.c - the staff pages for surveys: the
 * organisation's list of them, creating one, the builder page that shows
 * a survey's pages and questions with a link for every change, its
 * settings, opening, closing and deleting it, its version history and a
 * preview of its pages as people will see them.
 *
 * The changes to a survey's pages and questions are in
 * handlers_staff_survey_build.c, its responses and results in
 * handlers_staff_survey_responses.c.  As on every staff page, app.c has
 * checked the session, the CSRF token and the route's rule first; the
 * organisation is checked here (another's survey is "not found"), and what
 * a survey's state allows is the domain's to say, again inside the store's
 * transaction.
 *
 * A survey is created with its first page and one question, an
 * introduction (information text): a survey always has at least a page
 * with a question, and an introduction is real content the public start
 * of most surveys needs anyway (what it is about, how long it takes, how
 * answers are used), where a placeholder could be opened by mistake.  The
 * builder then adds to it.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "involve/store_survey.h"
#include "involve/survey_cache.h"
#include "involve/text.h"
#include "handlers.h"
#include "pages.h"
#include "survey_edit.h"
#include "survey_form.h"

#define STAFF_SURVEYS_PAGE 50     /* surveys on one page of the list */
#define PATH_MAX_LEN 256

enum { OPEN_NOW, OPEN_LATER, OPEN_AT };

static void
redirect_survey(struct http_response *res, int64_t id, const char *suffix)
{
	char to[PATH_MAX_LEN];

	snprintf(to, sizeof(to), "/staff/surveys/%lld%s", (long long)id, suffix);
	http_response_redirect(res, 303, to);
}

/* What the staff pages say of a survey: {id, title, status, tag_class,
 * responses, version, ...}. */
json_t *
staff_survey_value(struct http_request *req, const struct survey *sv)
{
	struct auth *a = pages_staff(req);
	enum poll_status st = survey_status(sv, req->now);
	const char *label, *cls;
	char url[PATH_MAX_LEN + 64];

	pages_status_tag(st, &label, &cls);
	snprintf(url, sizeof(url), "%s/o/%s/surveys/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)sv->id);
	return json_pack("{s:I, s:o, s:s, s:s, s:I, s:i, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:o, "
	    "s:o, s:o, s:o}", "id", (json_int_t)sv->id, "title", pages_string(sv->title), "status",
	    tr(req, label), "tag_class", cls, "responses", (json_int_t)sv->responses, "version",
	    sv->version, "public_url", url, "public", st != POLL_DRAFT, "with_code",
	    sv->who == POLL_WHO_CODE, "can_open", st == POLL_DRAFT || st == POLL_SCHEDULED,
	    "can_close", st == POLL_OPEN, "can_edit", st != POLL_CLOSED,
	    "can_key_in", st == POLL_OPEN || st == POLL_CLOSED, "opens", pages_time(req,
	    sv->opens_at), "closes", pages_time(req, sv->closed_at ? sv->closed_at : sv->closes_at),
	    "created", pages_time(req, sv->created_at), "updated", pages_time(req, sv->updated_at));
}

/* ---- the list ------------------------------------------------------------------------------ */

struct list_query {
	int64_t before;
};

static const struct input_field list_fields[] = {
	{ "before", INPUT_ID, INPUT_QUERY, offsetof(struct list_query, before), 0, 0, 0, NULL,
	    N_("the one to list from") },
};
const struct input_spec staff_surveys_input = { INPUT_FORM, 1, list_fields };

struct survey_rows {
	struct http_request *req;
	json_t *items;
	int n;
	int64_t last_id;
};

static int
survey_row(void *arg, const struct survey *sv)
{
	struct survey_rows *r = arg;
	const char *label, *cls;
	char href[PATH_MAX_LEN];

	pages_status_tag(survey_status(sv, r->req->now), &label, &cls);
	snprintf(href, sizeof(href), "/staff/surveys/%lld", (long long)sv->id);
	json_array_append_new(r->items, json_pack("{s:o, s:s, s:s, s:s, s:I, s:o}", "title",
	    pages_string(sv->title), "href", href, "status", tr(r->req, label), "tag_class", cls,
	    "responses", (json_int_t)sv->responses, "updated", pages_time(r->req, sv->updated_at)));
	r->n++;
	r->last_id = sv->id;
	return 0;
}

int
handle_staff_surveys(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct survey_rows r = { req, json_array(), 0, 0 };
	struct list_query q = { 0 };
	struct errors e;
	struct str done;
	char older[PATH_MAX_LEN];
	json_t *ctx;
	int rc;

	errors_init_in(&e, req->lang);
	if (input_read(req, &q, NULL, &e) != 0)
		q.before = 0; /* a spoilt link: the newest */
	rc = store_survey_each(req->app->store, &req->arena, a->user.org_id, q.before,
	    STAFF_SURVEYS_PAGE, survey_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	ctx = json_pack("{s:s, s:o, s:o, s:b, s:s, s:{s:s}}", "title", tr(req, "Surveys"), "site",
	    pages_staff_site(a), "surveys", r.items, "can_manage",
	    role_allows(a->user.role, PERM_POLL_MANAGE), "org_name", a->org.name, "back_link",
	    "href", "/staff/");
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (r.n == STAFF_SURVEYS_PAGE && r.last_id > 1) {
		snprintf(older, sizeof(older), "/staff/surveys?before=%lld", (long long)r.last_id);
		json_object_set_new(ctx, "older_href", json_string(older));
	}
	if (http_query(req, "done", &done) && str_eq_c(done, "deleted"))
		json_object_set_new(ctx, "done", json_string(tr(req, "The survey and its responses "
		    "have been deleted.")));
	return page_render(req, res, "staff/surveys", ctx);
}

/* ---- creating a survey and changing its settings ------------------------------------------- */

/* The form as sent, or as it shows a stored survey.  The strs point into
 * the request or into `text`. */
struct settings_form {
	struct str title;
	int who;          /* enum poll_who, -1 when not chosen (anyone) */
	int open;         /* OPEN_NOW, OPEN_LATER, OPEN_AT, -1 when not chosen */
	int64_t opens_at, closes_at;
	struct str intro; /* a new survey's introduction */
	int64_t version;  /* a change's: the version the form was made from */
	struct str opens[PAGES_DATE_PARTS], closes[PAGES_DATE_PARTS];
	char text[2 * PAGES_DATE_PARTS][8];
};

static const char *const who_names[] = { "anyone", "code", NULL };
static const char *const open_names[] = { "now", "later", "at", NULL };

static const struct input_field settings_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct settings_form, title), 0, 0, 0, NULL,
	    N_("the title") },
	{ "who_can_answer", INPUT_CHOICE, 0, offsetof(struct settings_form, who), 0, 0, 0,
	    who_names, N_("who can answer") },
	{ "open", INPUT_CHOICE, 0, offsetof(struct settings_form, open), 0, 0, 0, open_names,
	    N_("when the survey opens") },
	{ "opens_at", INPUT_DATE, 0, offsetof(struct settings_form, opens_at), 0, 0, 0, NULL,
	    N_("opening") },
	{ "closes_at", INPUT_DATE, 0, offsetof(struct settings_form, closes_at), 0, 0, 0, NULL,
	    N_("closing") },
	{ "intro", INPUT_TEXT, 0, offsetof(struct settings_form, intro), 0, 0, 0, NULL,
	    N_("the introduction") },
	{ "version", INPUT_NUMBER, 0, offsetof(struct settings_form, version), 0, 0, INT32_MAX,
	    NULL, N_("the version") },
};
enum { F_OPEN = 2, F_OPENS_AT = 3, SETTINGS_FIELD_N = 7 };
const struct input_spec staff_survey_input = { INPUT_FORM, SETTINGS_FIELD_N, settings_fields };

/* The form's page: a new survey (sv NULL) or the settings of sv. */
static int
settings_page(struct http_request *req, struct http_response *res, int status,
    const struct settings_form *f, const struct survey *sv, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN];
	bool opened = sv != NULL && survey_status(sv, req->now) != POLL_DRAFT &&
	    survey_status(sv, req->now) != POLL_SCHEDULED;
	json_t *ctx, *errors = NULL, *form;

	if (sv != NULL) {
		snprintf(action, sizeof(action), "/staff/surveys/%lld/details", (long long)sv->id);
		snprintf(back, sizeof(back), "/staff/surveys/%lld", (long long)sv->id);
	} else {
		snprintf(action, sizeof(action), "/staff/surveys");
		snprintf(back, sizeof(back), "/staff/surveys");
	}
	ctx = json_pack("{s:s, s:o, s:s, s:b, s:{s:s}}", "title", sv ?
	    tr(req, "Change the survey's settings") : tr(req, "Create a survey"), "site",
	    pages_staff_site(a), "action", action, "new", sv == NULL, "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
		pages_relink(ctx, "opens_at", "opens_at-day");
		pages_relink(ctx, "closes_at", "closes_at-day");
		pages_relink(ctx, "who_can_answer", "who_can_answer");
	}
	form = json_pack("{s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:I, s:o, s:o}", "title",
	    pages_string(f->title), "intro", pages_string(f->intro), "with_code",
	    f->who == POLL_WHO_CODE, "open_now", f->open == OPEN_NOW, "open_later",
	    f->open == OPEN_LATER, "open_at", f->open == OPEN_AT, "opened", opened, "version",
	    (json_int_t)f->version, "opens", pages_date_input(req, "opens_at", f->opens, errors),
	    "closes", pages_date_input(req, "closes_at", f->closes, errors));
	if (form != NULL) {
		pages_copy_error(form, errors, "title", "title_error");
		pages_copy_error(form, errors, "intro", "intro_error");
		pages_copy_error(form, errors, "open", "open_error");
		pages_copy_error(form, errors, "opens_at", "opens_error");
		pages_copy_error(form, errors, "closes_at", "closes_error");
		if (opened)
			json_object_set_new(form, "opened_at", pages_time(req, sv->opens_at));
	}
	json_object_set_new(ctx, "form", form);
	res->status = status;
	return page_render(req, res, "staff/survey_form", ctx);
}

int
handle_staff_survey_new(struct http_request *req, struct http_response *res)
{
	struct settings_form f;

	memset(&f, 0, sizeof(f));
	/* A survey is built before it opens: a draft unless staff say. */
	f.open = OPEN_LATER;
	f.who = POLL_WHO_ANYONE;
	return settings_page(req, res, 200, &f, NULL, NULL);
}

/* The opening and closing times the form asks for, checked as the API's
 * are: opens_at stays as it is when `keep_opening`. */
static void
settings_times(const struct http_request *req, const struct settings_form *f,
    const enum input_state *states, bool keep_opening, struct survey *sv, struct errors *e)
{
	bool opens_now = false;

	if (!keep_opening) {
		if (f->open == OPEN_NOW) {
			sv->opens_at = req->now;
			opens_now = true;
		} else if (f->open == OPEN_AT) {
			sv->opens_at = f->opens_at;
			/* Needed only when it opens at a set time. */
			if (states[F_OPENS_AT] == INPUT_ABSENT && !errors_has_field(e, "opens_at"))
				errors_add(e, "opens_at", "%s", N_("Enter the opening date and time"));
		} else {
			sv->opens_at = 0;
		}
		if (f->open < 0 && !errors_has_field(e, "open"))
			errors_add(e, "open", "%s", N_("Select when the survey opens"));
	}
	sv->closes_at = f->closes_at;
	if (keep_opening)
		survey_times_check(0, sv->closes_at, true, req->now, e);
	else if (!errors_has_field(e, "opens_at"))
		survey_times_check(sv->opens_at, sv->closes_at, opens_now, req->now, e);
}

/* Maps a new survey's first question's errors to the introduction. */
static void
intro_field(void *arg, const char *rest, char *field, size_t size)
{
	(void)arg;
	(void)rest;
	snprintf(field, size, "intro");
}

int
handle_staff_survey_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	enum input_state states[SETTINGS_FIELD_N];
	struct settings_form f = { .who = -1, .open = -1 };
	struct survey sv = { 0 };
	struct survey_def d;
	struct buf text = BUF_INIT;
	struct errors e, de, moved;
	int64_t next_id = 1;
	json_t *pages;
	int rc;

	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, states, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	pages_date_typed(req, "opens_at", f.opens);
	pages_date_typed(req, "closes_at", f.closes);
	survey_title_check(f.title, &e);
	settings_times(req, &f, states, false, &sv, &e);
	/* JSON holds UTF-8 only, so text that is not goes no further than
	 * its error. */
	if (!text_is_utf8(f.intro)) {
		errors_add(&e, "intro", "%s",
		    N_("The introduction contains characters that cannot be read (invalid UTF-8)"));
		return settings_page(req, res, 422, &f, NULL, &e);
	}
	/* The first page and its one question, an introduction, checked by
	 * the domain as any definition is. */
	pages = json_pack("[{s:s, s:s, s:[{s:s, s:s, s:s%}], s:[]}]", "key", "p1", "title", "",
	    "questions", "key", "intro", "type", "info", "text", f.intro.p ? f.intro.p : "",
	    f.intro.n, "next");
	if (pages == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	errors_init_in(&de, req->lang);
	rc = survey_def_from_json(pages, &next_id, &req->arena, &d, &de);
	json_decref(pages);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	errors_init_in(&moved, req->lang);
	survey_edit_errors(req, NULL, &de, "pages[0].questions[0]", intro_field, NULL, &moved);
	for (int i = 0; i < moved.n; i++)
		errors_add(&e, moved.list[i].field, "%s", moved.list[i].detail);
	if (errors_any(&e))
		return settings_page(req, res, 422, &f, NULL, &e);
	sv.org_id = a->user.org_id;
	sv.title = str_trim(f.title);
	sv.who = f.who == POLL_WHO_CODE ? POLL_WHO_CODE : POLL_WHO_ANYONE;
	sv.next_option_id = next_id;
	survey_def_write(&d, &text);
	sv.definition = buf_ok(&text) ? arena_str(&req->arena, (struct str){ text.p, text.n }) :
	    (struct str){ NULL, 0 };
	buf_free(&text);
	if (sv.definition.p == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if ((rc = store_survey_create(req->app->store, &a->actor, &sv)) != 0)
		return reply_error(req, res, rc, NULL);
	redirect_survey(res, sv.id, "?done=created");
	return HTTP_DONE;
}

static void
settings_from_survey(const struct survey *sv, int64_t now, struct settings_form *f)
{
	memset(f, 0, sizeof(*f));
	f->title = sv->title;
	f->who = (int)sv->who;
	f->version = sv->version;
	if (survey_status(sv, now) == POLL_DRAFT) {
		f->open = OPEN_LATER;
	} else {
		f->open = OPEN_AT;
		pages_date_fields(sv->opens_at, f->opens, f->text);
	}
	if (sv->closes_at != 0)
		pages_date_fields(sv->closes_at, f->closes, f->text + PAGES_DATE_PARTS);
}

int
handle_staff_survey_details_form(struct http_request *req, struct http_response *res)
{
	struct survey_edit ed;
	struct settings_form f;

	if (survey_edit_load(req, res, &ed) != 0 || survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	survey_edit_free(&ed);
	settings_from_survey(ed.sv, req->now, &f);
	return settings_page(req, res, 200, &f, ed.sv, NULL);
}

int
handle_staff_survey_details(struct http_request *req, struct http_response *res)
{
	enum input_state states[SETTINGS_FIELD_N];
	struct settings_form f;
	struct survey_edit ed;
	struct survey next;
	struct errors e, shown;
	enum poll_status st;
	int rc;

	if (survey_edit_load(req, res, &ed) != 0 || survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	st = survey_status(ed.sv, req->now);
	settings_from_survey(ed.sv, req->now, &f);
	f.open = -1;
	f.who = -1;
	f.closes_at = 0;
	f.version = 0;
	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, states, &e);
	if (rc == ERR_NOMEM) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, NULL);
	}
	pages_date_typed(req, "opens_at", f.opens);
	pages_date_typed(req, "closes_at", f.closes);
	next = *ed.sv;
	survey_title_check(f.title, &e);
	/* Once open, a survey's opening time is history. */
	settings_times(req, &f, states, st == POLL_OPEN, &next, &e);
	next.title = str_trim(f.title);
	next.who = f.who == POLL_WHO_CODE ? POLL_WHO_CODE : POLL_WHO_ANYONE;
	if (!errors_any(&e))
		rc = survey_edit_save(req, &ed, &next, (int)f.version, &e);
	else
		rc = ERR_INVALID;
	if (rc == 0) {
		survey_edit_free(&ed);
		redirect_survey(res, ed.sv->id, "?done=updated");
		return HTTP_DONE;
	}
	if (rc != ERR_INVALID && rc != ERR_CONFLICT) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, &e);
	}
	errors_init_in(&shown, req->lang);
	if (rc == ERR_CONFLICT) {
		/* Said in the summary: someone else's change (the form now
		 * carries the version they made), or a survey that has closed. */
		survey_edit_errors(req, ed.pages, &e, NULL, NULL, NULL, &shown);
		f.version = ed.sv->version;
	} else {
		shown = e;
	}
	survey_edit_free(&ed);
	return settings_page(req, res, rc == ERR_CONFLICT ? 409 : 422, &f, ed.sv, &shown);
}

/* ---- the builder ------------------------------------------------------------------------- */

/* What the page says after each change that leads back to it. */
static const struct pages_done done_texts[] = {
	{ "created", N_("The survey has been created as a draft. Add its questions, then "
	    "open it.") },
	{ "imported", N_("The survey has been imported from LimeSurvey as a draft. Check "
	    "its questions, then open it.") },
	{ "updated", N_("Your changes have been saved.") },
	{ "opened", N_("The survey is open.") },
	{ "closed", N_("The survey is closed.") },
	{ "question", N_("The question has been saved.") },
	{ "page", N_("The page has been saved.") },
	{ "moved", N_("The question has been moved.") },
	{ "deleted_question", N_("The question has been deleted.") },
	{ "deleted_page", N_("The page has been deleted.") },
	{ "codes_withdrawn", N_("The batch has been withdrawn: its unused codes no longer "
	    "work.") },
};
#define DONE_N (sizeof(done_texts) / sizeof(done_texts[0]))

static json_t *
question_row(struct http_request *req, const struct survey_def *d, int qi, int64_t survey_id)
{
	const struct survey_question *q = &d->questions[qi];
	char href[PATH_MAX_LEN], key[SURVEY_KEY_MAX + 1];
	struct buf cond = BUF_INIT;
	json_t *o;

	snprintf(key, sizeof(key), "%.*s", (int)q->key.n, q->key.p);
	snprintf(href, sizeof(href), "/staff/surveys/%lld/questions/%s", (long long)survey_id, key);
	o = json_pack("{s:s, s:o, s:s, s:b, s:b, s:s, s:b, s:b}", "key", key, "text",
	    pages_string(q->text), "type", survey_edit_type_name(req, q->type), "required",
	    q->required, "info", q->type == SQ_INFO, "href", href, "can_up", qi > 0, "can_down",
	    qi + 1 < d->question_n);
	if (o != NULL && q->show_if != NULL) {
		survey_edit_cond_text(req, d, q->show_if, &cond);
		json_object_set_new(o, "condition", json_string(buf_cstr(&cond) ?
		    buf_cstr(&cond) : ""));
	}
	buf_free(&cond);
	return o;
}

static json_t *
pages_value(struct http_request *req, const struct survey_def *d, int64_t survey_id)
{
	json_t *list = json_array();
	struct buf b = BUF_INIT;
	int p, i;

	for (p = 0; p < d->page_n; p++) {
		const struct survey_page *sp = &d->pages[p];
		json_t *questions = json_array(), *rules = json_array();

		for (i = sp->first; i < sp->first + sp->question_n; i++)
			json_array_append_new(questions, question_row(req, d, i, survey_id));
		for (i = 0; i < sp->rule_n; i++) {
			buf_reset(&b);
			survey_edit_rule_text(req, d, &sp->rules[i], &b);
			json_array_append_new(rules, json_string(buf_cstr(&b) ? buf_cstr(&b) : ""));
		}
		json_array_append_new(list, json_pack("{s:i, s:o, s:o, s:o, s:b, s:b, s:b}", "number",
		    p + 1, "title", pages_string(sp->title), "questions", questions, "rules", rules,
		    "can_delete", d->page_n > 1, "falls_through", sp->rule_n == 0 ||
		    sp->rules[sp->rule_n - 1].when != NULL, "last", p + 1 == d->page_n));
	}
	buf_free(&b);
	return list;
}

/*
 * The builder page of survey ed with the errors (may be NULL; worded for
 * the page by survey_edit_errors) of a refused change made from it, a
 * move: they are said in its summary.
 */
int
staff_survey_builder(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	char title[SURVEY_TITLE_MAX_CHARS * 4 + 1];
	const char *said;
	json_t *ctx;

	snprintf(title, sizeof(title), "%.*s", (int)ed->sv->title.n, ed->sv->title.p);
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:b, s:s, s:{s:s}}", "title", title, "site",
	    pages_staff_site(a), "survey", staff_survey_value(req, ed->sv), "pages",
	    pages_value(req, &ed->def, ed->sv->id), "can_manage",
	    role_allows(a->user.role, PERM_POLL_MANAGE), "who", ed->sv->who == POLL_WHO_CODE ?
	    tr(req, "Only people with an invitation") : tr(req, "Anyone, once from each browser"),
	    "back_link", "href", "/staff/surveys");
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (ed->sv->who == POLL_WHO_CODE) {
		json_t *codes = staff_survey_codes_context(req, ed->sv);

		if (codes == NULL) {
			json_decref(ctx);
			return reply_error(req, res, ERR_IO, NULL);
		}
		json_object_set_new(ctx, "codes", codes);
	}
	if ((said = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(said));
	if (e != NULL && errors_any(e))
		page_add_errors(req, ctx, e);
	res->status = status;
	return page_render(req, res, "staff/survey", ctx);
}

int
handle_staff_survey_view(struct http_request *req, struct http_response *res)
{
	struct survey_edit ed;
	int rc;

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	rc = staff_survey_builder(req, res, 200, &ed, NULL);
	survey_edit_free(&ed);
	return rc;
}

/* ---- opening, closing, deleting ------------------------------------------------------------ */

typedef int (*survey_action_fn)(struct store *s, const struct actor *who, int64_t id,
    int64_t now, struct errors *e);

static int
survey_act(struct http_request *req, struct http_response *res, survey_action_fn act,
    const char *done)
{
	struct auth *a = pages_staff(req);
	struct survey_edit ed;
	struct errors e;
	int rc;

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	survey_edit_free(&ed);
	errors_init_in(&e, req->lang);
	if ((rc = act(req->app->store, &a->actor, ed.sv->id, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	redirect_survey(res, ed.sv->id, done);
	return HTTP_DONE;
}

int
handle_staff_survey_open(struct http_request *req, struct http_response *res)
{
	return survey_act(req, res, store_survey_open, "?done=opened");
}

int
handle_staff_survey_close(struct http_request *req, struct http_response *res)
{
	return survey_act(req, res, store_survey_close, "?done=closed");
}

/*
 * A confirmation page before something that cannot be undone:
 * staff/survey_confirm with its heading, what it does (`explain`, and
 * `items` listed beneath), the button and the version the change is to.
 */
int
staff_survey_confirm(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const char *heading, const char *explain, json_t *items,
    const char *action, const char *button, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	char cancel[PATH_MAX_LEN];
	json_t *ctx;

	snprintf(cancel, sizeof(cancel), "/staff/surveys/%lld", (long long)sv->id);
	ctx = json_pack("{s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:s, s:s, s:i, s:{s:s}}", "title",
	    heading, "site", pages_staff_site(a), "survey_title", pages_string(sv->title),
	    "heading", heading, "explain", explain, "items", items ? items : json_array(),
	    "action", action, "button", button, "cancel", cancel, "version", sv->version,
	    "back_link", "href", cancel);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (e != NULL && errors_any(e))
		page_add_errors(req, ctx, e);
	res->status = status;
	return page_render(req, res, "staff/survey_confirm", ctx);
}

int
handle_staff_survey_delete_form(struct http_request *req, struct http_response *res)
{
	struct survey_edit ed;
	char action[PATH_MAX_LEN], explain[256];

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	survey_edit_free(&ed);
	snprintf(action, sizeof(action), "/staff/surveys/%lld/delete", (long long)ed.sv->id);
	snprintf(explain, sizeof(explain), trn(req, "This deletes the survey, its %lld response "
	    "and its results. It cannot be undone.", "This deletes the survey, its %lld responses "
	    "and its results. It cannot be undone.", (unsigned long)ed.sv->responses),
	    (long long)ed.sv->responses);
	return staff_survey_confirm(req, res, 200, ed.sv,
	    tr(req, "Are you sure you want to delete this survey?"), explain, NULL, action,
	    tr(req, "Delete survey"), NULL);
}

int
handle_staff_survey_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct survey_edit ed;
	int rc;

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	survey_edit_free(&ed);
	if ((rc = store_survey_delete(req->app->store, &a->actor, ed.sv->id)) != 0)
		return reply_error(req, res, rc, NULL);
	survey_cache_forget(req->app->surveys, ed.sv->id);
	http_response_redirect(res, 303, "/staff/surveys?done=deleted");
	return HTTP_DONE;
}

/* ---- the version history ------------------------------------------------------------------- */

struct version_rows {
	struct http_request *req;
	json_t *items;
};

static int
version_row(void *arg, const struct survey_version *v)
{
	struct version_rows *r = arg;

	json_array_append_new(r->items, json_pack("{s:i, s:o, s:o, s:o}", "version", v->version,
	    "when", pages_time(r->req, v->changed_at), "who", pages_string(v->changed_by),
	    "title", pages_string(v->title)));
	return 0;
}

int
handle_staff_survey_versions(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct survey_edit ed;
	struct version_rows r = { req, json_array() };
	char back[PATH_MAX_LEN];
	int rc;

	if (survey_edit_load(req, res, &ed) != 0) {
		json_decref(r.items);
		return HTTP_DONE;
	}
	survey_edit_free(&ed);
	rc = store_survey_versions(req->app->store, &req->arena, ed.sv->id, version_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	snprintf(back, sizeof(back), "/staff/surveys/%lld", (long long)ed.sv->id);
	return page_render(req, res, "staff/survey_versions", json_pack("{s:s, s:o, s:o, s:o, "
	    "s:{s:s}}", "title", tr(req, "Version history"), "site", pages_staff_site(a), "survey",
	    staff_survey_value(req, ed.sv), "versions", r.items, "back_link", "href", back));
}

/* ---- a preview ------------------------------------------------------------------------------- */

int
handle_staff_survey_preview(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct survey_answers ans;
	struct survey_edit ed;
	struct buf b = BUF_INIT;
	char back[PATH_MAX_LEN], link[PATH_MAX_LEN], title[512];
	int page = (int)http_param_id(req, "page") - 1, i;
	json_t *ctx, *pages, *questions, *q, *rules;
	const struct survey_page *sp;
	size_t k;

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	survey_edit_free(&ed);
	if (page < 0 || page >= ed.def.page_n)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	if (survey_answers_init(&ed.def, &req->arena, &ans) != 0)
		return reply_error(req, res, ERR_NOMEM, NULL);
	sp = &ed.def.pages[page];
	/* Each question as the public page shows it, with when it shows. */
	pages = survey_form_pages(req, &ed.def, page, &ans, NULL, false);
	questions = json_incref(json_object_get(json_array_get(pages, 0), "questions"));
	json_decref(pages);
	json_array_foreach(questions, k, q) {
		const struct survey_question *sq = &ed.def.questions[sp->first + (int)k];

		if (sq->show_if == NULL)
			continue;
		buf_reset(&b);
		survey_edit_cond_text(req, &ed.def, sq->show_if, &b);
		json_object_set_new(q, "condition", json_string(buf_cstr(&b) ? buf_cstr(&b) : ""));
	}
	rules = json_array();
	for (i = 0; i < sp->rule_n; i++) {
		buf_reset(&b);
		survey_edit_rule_text(req, &ed.def, &sp->rules[i], &b);
		json_array_append_new(rules, json_string(buf_cstr(&b) ? buf_cstr(&b) : ""));
	}
	buf_free(&b);
	if (sp->title.n > 0)
		snprintf(title, sizeof(title), "%.*s", (int)sp->title.n, sp->title.p);
	else
		snprintf(title, sizeof(title), tr(req, "Page %d"), page + 1);
	snprintf(back, sizeof(back), "/staff/surveys/%lld", (long long)ed.sv->id);
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:o, s:{s:s}}", "title", title,
	    "site", pages_staff_site(a), "survey", staff_survey_value(req, ed.sv), "page_title",
	    pages_string(sp->title), "questions", questions ? questions : json_array(),
	    "page_number", page + 1, "page_n", ed.def.page_n, "rules", rules, "back_link", "href",
	    back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (page > 0) {
		snprintf(link, sizeof(link), "/staff/surveys/%lld/preview/%d", (long long)ed.sv->id,
		    page);
		json_object_set_new(ctx, "previous", json_pack("{s:s, s:i}", "href", link, "number",
		    page));
	}
	if (page + 1 < ed.def.page_n) {
		snprintf(link, sizeof(link), "/staff/surveys/%lld/preview/%d", (long long)ed.sv->id,
		    page + 2);
		json_object_set_new(ctx, "next", json_pack("{s:s, s:i}", "href", link, "number",
		    page + 2));
	}
	return page_render(req, res, "staff/survey_preview", ctx);
}
