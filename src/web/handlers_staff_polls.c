/*
 * handlers_staff_polls.c - the staff pages for one poll: the form that
 * creates and changes it (with its date and time fields), and the poll's
 * own page with its results, embed code and the actions open, close,
 * delete and export.
 *
 * As for every staff page (see handlers_staff.c), app.c has checked the
 * session, the CSRF token and the role (the route's rule) first; the
 * organisation is checked here, and whether the poll's state allows a
 * change is the domain's to say (poll_can_edit and the like), again inside
 * the store's transaction.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "involve/num.h"
#include "involve/poll_export.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "handlers.h"
#include "pages.h"

#define POLL_FORM_OPTIONS 10      /* answer boxes on a new poll's form */
#define PATH_MAX_LEN 256

static void
redirect_poll(struct http_response *res, int64_t id, const char *query)
{
	char to[PATH_MAX_LEN];

	snprintf(to, sizeof(to), "/staff/polls/%lld%s", (long long)id, query);
	http_response_redirect(res, 303, to);
}

/* ---- the poll form ------------------------------------------------------ */

/* The form's boxes of answers: more than a poll's options, as some are
 * left empty. */
#define POLL_FORM_BOXES_MAX (2 * POLL_OPTIONS_MAX)

/* The form as it was sent (decoded by input_read) or as it shows a stored
 * poll.  The strs point into the request or into `text`. */
struct poll_form {
	struct str question;
	int option_n; /* boxes to show */
	struct str options[POLL_FORM_BOXES_MAX];
	bool multiple;
	int show_results; /* enum poll_results, -1 when not chosen */
	int open;         /* OPEN_NOW, OPEN_LATER, OPEN_AT, -1 when not chosen */
	int who;          /* enum poll_who, -1 when not chosen (anyone) */
	int64_t opens_at, closes_at;
	/* The date boxes as typed, to show again. */
	struct str opens[PAGES_DATE_PARTS], closes[PAGES_DATE_PARTS];
	char text[2 * PAGES_DATE_PARTS][8];
};

static const char *const results_names[] = { "after_vote", "after_close", NULL };
static const char *const open_names[] = { "now", "later", "at", NULL };
static const char *const who_names[] = { "anyone", "code", NULL };
enum { OPEN_NOW, OPEN_LATER, OPEN_AT };

static const struct input_field poll_form_fields[] = {
	{ "question", INPUT_TEXT, 0, offsetof(struct poll_form, question), 0, 0, 0, NULL,
	    N_("the question") },
	{ "option", INPUT_TEXTS, 0, offsetof(struct poll_form, options),
	    offsetof(struct poll_form, option_n), 0, POLL_FORM_BOXES_MAX, NULL,
	    N_("the answers") },
	{ "multiple", INPUT_BOOL, 0, offsetof(struct poll_form, multiple), 0, 0, 0, NULL,
	    N_("whether more than one answer is allowed") },
	{ "show_results", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct poll_form, show_results), 0,
	    0, 0, results_names, N_("when people can see the results") },
	{ "open", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct poll_form, open), 0, 0, 0,
	    open_names, N_("when the poll opens") },
	{ "opens_at", INPUT_DATE, 0, offsetof(struct poll_form, opens_at), 0, 0, 0, NULL,
	    N_("opening") },
	{ "closes_at", INPUT_DATE, 0, offsetof(struct poll_form, closes_at), 0, 0, 0, NULL,
	    N_("closing") },
	{ "who_can_answer", INPUT_CHOICE, 0, offsetof(struct poll_form, who), 0, 0, 0, who_names,
	    N_("who can answer") },
};
enum { FORM_OPENS_AT = 5, FORM_FIELD_N = 8 };
const struct input_spec staff_poll_input = { INPUT_FORM, FORM_FIELD_N, poll_form_fields };

/* The date boxes as typed, to show the form again. */
static void
form_dates_typed(const struct http_request *req, struct poll_form *f)
{
	pages_date_typed(req, "opens_at", f->opens);
	pages_date_typed(req, "closes_at", f->closes);
}

static void
form_from_poll(const struct poll *p, int64_t now, struct poll_form *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->question = p->question;
	for (i = 0; i < p->option_n && i < POLL_FORM_BOXES_MAX; i++)
		f->options[i] = p->options[i].label;
	f->option_n = i;
	f->multiple = p->multiple;
	f->show_results = (int)p->show_results;
	f->who = (int)p->who;
	if (poll_status(p, now) == POLL_DRAFT) {
		f->open = OPEN_LATER;
	} else {
		f->open = OPEN_AT;
		pages_date_fields(p->opens_at, f->opens, f->text);
	}
	if (p->closes_at != 0)
		pages_date_fields(p->closes_at, f->closes, f->text + PAGES_DATE_PARTS);
}

/*
 * Turns the form into poll_build's input.  Empty answer boxes are
 * skipped; map[k] is the box that input option k came from, so the
 * domain's "options[k]" can be shown beside the right box.
 */
static void
form_to_input(const struct poll_form *f, const enum input_state *states, struct poll_input *in,
    int map[POLL_OPTIONS_MAX + 1], struct errors *e)
{
	static const enum poll_opening openings[] = { POLL_OPEN_NOW, POLL_OPEN_LATER, POLL_OPEN_AT };
	int i;

	poll_input_defaults(in);
	in->question = f->question;
	for (i = 0; i < f->option_n; i++) {
		if (str_trim(f->options[i]).n == 0)
			continue;
		if (in->option_n <= POLL_OPTIONS_MAX) {
			in->options[in->option_n] = f->options[i];
			map[in->option_n] = i;
		}
		in->option_n++;
	}
	in->multiple = f->multiple;
	if (f->show_results >= 0)
		in->show_results = (enum poll_results)f->show_results;
	if (f->who >= 0)
		in->who = (enum poll_who)f->who;
	if (f->open >= 0)
		in->opening = openings[f->open];
	in->opens_at = f->opens_at;
	/* The opening date is needed only when the poll opens at a set time;
	 * whether that time is in the future is the domain's rule. */
	if (f->open == OPEN_AT && states[FORM_OPENS_AT] == INPUT_ABSENT &&
	    !errors_has_field(e, "opens_at"))
		errors_add(e, "opens_at", N_("Enter the opening date and time"));
	in->closes_at = f->closes_at;
}

/* The form's template context; `errors` is ctx.errors from
 * page_add_errors (may be NULL). */
static json_t *
form_context(const struct http_request *req, const struct poll_form *f, const json_t *errors)
{
	json_t *form, *options = json_array();
	int i, boxes = f->option_n > POLL_FORM_OPTIONS ? f->option_n : POLL_FORM_OPTIONS;
	char id[32];

	for (i = 0; i < boxes; i++) {
		json_t *box;

		snprintf(id, sizeof(id), "options-%d", i);
		box = json_pack("{s:s, s:i, s:o}", "id", id, "number", i + 1, "value",
		    pages_string(i < f->option_n ? f->options[i] : STR_LIT("")));
		pages_copy_error(box, errors, id, "error");
		json_array_append_new(options, box);
	}
	form = json_pack("{s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:o}",
	    "question", pages_string(f->question), "options", options, "multiple", f->multiple,
	    "with_code", f->who == POLL_WHO_CODE,
	    "after_vote", f->show_results == POLL_RESULTS_AFTER_VOTE,
	    "after_close", f->show_results == POLL_RESULTS_AFTER_CLOSE,
	    "open_now", f->open == OPEN_NOW, "open_later", f->open == OPEN_LATER,
	    "open_at", f->open == OPEN_AT, "opens", pages_date_input(req, "opens_at", f->opens,
	    errors), "closes", pages_date_input(req, "closes_at", f->closes, errors));
	if (form != NULL) {
		pages_copy_error(form, errors, "question", "question_error");
		pages_copy_error(form, errors, "options", "options_error");
		pages_copy_error(form, errors, "show_results", "show_results_error");
		pages_copy_error(form, errors, "open", "open_error");
		pages_copy_error(form, errors, "opens_at", "opens_error");
		pages_copy_error(form, errors, "closes_at", "closes_error");
	}
	return form;
}

/* k of a field "options[k]", or -1. */
static int
option_index_of(const char *field)
{
	const char *close = strchr(field, ']');
	int64_t k;

	if (close == NULL || close[1] != '\0' ||
	    num_parse((struct str){ field + 8, (size_t)(close - field - 8) }, 0, POLL_OPTIONS_MAX,
	    &k) != NUM_OK)
		return -1;
	return (int)k;
}

/* Adds e to ctx with the domain's "options[k]" moved to the box it came
 * from, and group errors linked to their group's first input. */
static void
form_errors(const struct http_request *req, json_t *ctx, const struct errors *e, const int *map,
    int map_n)
{
	struct errors moved;
	char field[ERROR_FIELD_MAX];
	int i, k;

	errors_init_in(&moved, req->lang);
	for (i = 0; i < e->n; i++) {
		const char *f = e->list[i].field;

		if (strncmp(f, "options[", 8) == 0 && (k = option_index_of(f)) >= 0)
			snprintf(field, sizeof(field), "options[%d]", k < map_n ? map[k] : k);
		else
			snprintf(field, sizeof(field), "%s", f);
		errors_add(&moved, field, "%s", e->list[i].detail);
	}
	page_add_errors(req, ctx, &moved);
	pages_relink(ctx, "options", "options-0");
	pages_relink(ctx, "opens_at", "opens_at-day");
	pages_relink(ctx, "closes_at", "closes_at-day");
}

static int
poll_form_page(struct http_request *req, struct http_response *res, int status,
    const struct poll_form *f, const struct poll *existing, const struct errors *e,
    const int *map, int map_n)
{
	struct auth *a = pages_staff(req);
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN];
	const char *heading;
	json_t *ctx;

	if (existing != NULL) {
		snprintf(action, sizeof(action), "/staff/polls/%lld/edit", (long long)existing->id);
		snprintf(back, sizeof(back), "/staff/polls/%lld", (long long)existing->id);
	} else {
		snprintf(action, sizeof(action), "/staff/polls");
		snprintf(back, sizeof(back), "/staff/");
	}
	heading = existing ? tr(req, "Change the poll") : tr(req, "Create a poll");
	ctx = json_pack("{s:s, s:s, s:o, s:s, s:s, s:{s:s}}", "title", heading, "heading", heading,
	    "site", pages_staff_site(a), "action", action, "submit",
	    existing ? tr(req, "Save changes") : tr(req, "Create poll"), "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (e != NULL && errors_any(e))
		form_errors(req, ctx, e, map, map_n);
	json_object_set_new(ctx, "form", form_context(req, f, json_object_get(ctx, "errors")));
	res->status = status;
	return page_render(req, res, "staff/poll_form", ctx);
}

/* Loads poll {id} of the signed-in user's organisation into the request's
 * arena.  0, or -1 with res filled (404 for a missing poll or another
 * organisation's). */
int
load_own_poll(struct http_request *req, struct http_response *res, struct poll **out)
{
	int rc;

	rc = store_poll_get(req->app->store, &req->arena, http_param_id(req, "id"), out);
	if (rc == 0 && (*out)->org_id != pages_staff(req)->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

/* A refusal by the domain's state rules: 409 with its reason. */
static int
refuse_change(struct http_request *req, struct http_response *res, const struct errors *e)
{
	return reply_error(req, res, ERR_CONFLICT, e);
}

int
handle_staff_poll_new(struct http_request *req, struct http_response *res)
{
	struct poll_input in;
	struct poll_form f;

	/* The form starts from the domain's defaults for a new poll. */
	poll_input_defaults(&in);
	memset(&f, 0, sizeof(f));
	f.show_results = (int)in.show_results;
	f.open = in.opening == POLL_OPEN_NOW ? OPEN_NOW : OPEN_LATER;
	f.multiple = in.multiple;
	return poll_form_page(req, res, 200, &f, NULL, NULL, NULL, 0);
}

/* Checks the posted form and saves it: a new poll (existing NULL) or the
 * changes to one. */
static int
save_poll_form(struct http_request *req, struct http_response *res, const struct poll *existing)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	enum input_state states[FORM_FIELD_N];
	struct poll_form f = { .show_results = -1, .open = -1, .who = -1 };
	struct poll_input in;
	struct poll built;
	struct errors e;
	int map[POLL_OPTIONS_MAX + 1], rc;

	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, states, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	form_dates_typed(req, &f);
	form_to_input(&f, states, &in, map, &e);
	/* poll_build runs even after errors in the form, so that every
	 * problem is listed at once. */
	rc = poll_build(&in, req->now, &req->arena, &built, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (rc != 0 || errors_any(&e))
		return poll_form_page(req, res, 422, &f, existing, &e, map,
		    in.option_n < POLL_OPTIONS_MAX + 1 ? in.option_n : POLL_OPTIONS_MAX + 1);
	built.org_id = a->user.org_id;
	if (existing != NULL) {
		built.id = existing->id;
		rc = store_poll_update(s, &a->actor, &built, req->now, &e);
	} else {
		rc = store_poll_create(s, &a->actor, &built);
	}
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	redirect_poll(res, built.id, existing ? "?done=updated" : "?done=created");
	return HTTP_DONE;
}

int
handle_staff_poll_create(struct http_request *req, struct http_response *res)
{
	return save_poll_form(req, res, NULL);
}

int
handle_staff_poll_edit(struct http_request *req, struct http_response *res)
{
	struct poll_form f;
	struct poll *p;
	struct errors e;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (poll_check_edit(p, req->now, &e) != 0)
		return refuse_change(req, res, &e);
	form_from_poll(p, req->now, &f);
	return poll_form_page(req, res, 200, &f, p, NULL, NULL, 0);
}

int
handle_staff_poll_update(struct http_request *req, struct http_response *res)
{
	struct poll *p;
	struct errors e;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (poll_check_edit(p, req->now, &e) != 0)
		return refuse_change(req, res, &e);
	return save_poll_form(req, res, p);
}

/* ---- one poll ----------------------------------------------------------- */

/* What the page says after each change that leads back to it. */
static const struct pages_done done_texts[] = {
	{ "created", N_("The poll has been created.") },
	{ "updated", N_("Your changes have been saved.") },
	{ "opened", N_("The poll is open.") },
	{ "closed", N_("The poll is closed.") },
	{ "withdrawn", N_("The batch of codes has been withdrawn: its unused codes no "
	    "longer work.") },
};
#define DONE_N (sizeof(done_texts) / sizeof(done_texts[0]))

/* The sites allowed to frame the organisation's polls, as a list. */
static json_t *
frame_origins_list(const char *lines)
{
	json_t *list = json_array();
	const char *p = lines, *end;

	while (*p) {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p)
			json_array_append_new(list, json_stringn(p, (size_t)(end - p)));
		p = *end ? end + 1 : end;
	}
	return list;
}

/* The staff page of poll p, with e (may be NULL) from a refused delete. */
static int
poll_view(struct http_request *req, struct http_response *res, int status, const struct poll *p,
    const struct errors *e)
{
	struct auth *a = pages_staff(req);
	enum poll_status st = poll_status(p, req->now);
	const char *label, *cls, *done;
	char url[PATH_MAX_LEN + 64], embed[PATH_MAX_LEN + 72];
	struct buf snippet = BUF_INIT;
	json_t *ctx, *poll;

	pages_status_tag(st, &label, &cls);
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	snprintf(embed, sizeof(embed), "%s/embed", url);
	buf_add_c(&snippet, "<iframe src=\"");
	buf_add_html(&snippet, str_c(embed));
	buf_add_c(&snippet, "\" title=\"Poll: ");
	buf_add_html(&snippet, p->question);
	buf_add_c(&snippet, "\" width=\"100%\" height=\"560\"></iframe>");
	poll = json_pack("{s:I, s:o, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)p->id, "question", pages_string(p->question), "status",
	    tr(req, label), "tag_class", cls, "ballots", (json_int_t)p->ballots,
	    "type", p->multiple ? tr(req, "More than one answer allowed") : tr(req, "One answer"),
	    "who", p->who == POLL_WHO_CODE ? tr(req, "Only people with a code, once each") :
	    tr(req, "Anyone, once from each browser"),
	    "results_when", p->show_results == POLL_RESULTS_AFTER_VOTE ?
	    tr(req, "After people answer, and to everyone once the poll closes") :
	    tr(req, "Only once the poll has closed"),
	    "public_url", url, "opens", pages_time(req, p->opens_at), "closes",
	    pages_time(req, p->closed_at ? p->closed_at : p->closes_at),
	    "created", pages_time(req, p->created_at),
	    "embed_snippet", json_string(buf_cstr(&snippet) ? buf_cstr(&snippet) : ""));
	buf_free(&snippet);
	if (poll == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	/* What the page offers is what the domain allows now. */
	json_object_set_new(poll, "can_open", json_boolean(poll_can_open(p, req->now)));
	json_object_set_new(poll, "can_close", json_boolean(poll_can_close(p, req->now)));
	json_object_set_new(poll, "can_edit", json_boolean(poll_can_edit(p, req->now)));
	json_object_set_new(poll, "public", json_boolean(st != POLL_DRAFT));
	ctx = json_pack("{s:o, s:o, s:o, s:o, s:b, s:{s:s}}", "title", pages_string(p->question),
	    "site", pages_staff_site(a), "poll", poll, "results", pages_results(req, p), "can_manage",
	    role_allows(a->user.role, PERM_POLL_MANAGE), "back_link", "href", "/staff/");
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if ((done = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	json_object_set_new(ctx, "frame_origins", frame_origins_list(a->org.frame_origins));
	if (p->who == POLL_WHO_CODE)
		json_object_set_new(ctx, "codes", staff_codes_context(req, p));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "confirm", "confirm_error");
	}
	res->status = status;
	return page_render(req, res, "staff/poll", ctx);
}

int
handle_staff_poll_view(struct http_request *req, struct http_response *res)
{
	struct poll *p;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	return poll_view(req, res, 200, p, NULL);
}

typedef int (*poll_action_fn)(struct store *s, const struct actor *who, int64_t poll_id,
    int64_t now, struct errors *e);

static int
poll_act(struct http_request *req, struct http_response *res, poll_action_fn act,
    const char *done)
{
	struct auth *a = pages_staff(req);
	struct poll *p;
	struct errors e;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if ((rc = act(req->app->store, &a->actor, p->id, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	redirect_poll(res, p->id, done);
	return HTTP_DONE;
}

int
handle_staff_poll_open(struct http_request *req, struct http_response *res)
{
	return poll_act(req, res, store_poll_open, "?done=opened");
}

int
handle_staff_poll_close(struct http_request *req, struct http_response *res)
{
	return poll_act(req, res, store_poll_close, "?done=closed");
}

struct delete_form {
	bool confirm;
};

static const struct input_field delete_fields[] = {
	{ "confirm", INPUT_BOOL, 0, offsetof(struct delete_form, confirm), 0, 0, 0, NULL,
	    N_("that the poll is to be deleted") },
};
const struct input_spec staff_poll_delete_input = { INPUT_FORM, 1, delete_fields };

int
handle_staff_poll_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct delete_form f = { false };
	struct poll *p;
	struct errors e;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (!f.confirm) {
		errors_add(&e, "confirm",
		    N_("Select \"Yes, delete this poll and its answers\" to delete it"));
		return poll_view(req, res, 422, p, &e);
	}
	if ((rc = store_poll_delete(req->app->store, &a->actor, p->id)) != 0)
		return reply_error(req, res, rc, NULL);
	http_response_redirect(res, 303, "/staff/?done=deleted");
	return HTTP_DONE;
}

struct export_query {
	int format;
};

static const char *const format_names[] = { "csv", "json", NULL };
enum { FORMAT_CSV, FORMAT_JSON };

static const struct input_field export_fields[] = {
	{ "format", INPUT_CHOICE, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct export_query, format),
	    0, 0, 0, format_names, N_("a file format") },
};
const struct input_spec staff_poll_export_input = { INPUT_FORM, 1, export_fields };

int
handle_staff_poll_export(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct export_query q = { -1 };
	struct poll *p;
	struct errors e;
	char url[PATH_MAX_LEN + 64], disposition[128];
	bool csv;
	int rc;

	errors_init_in(&e, req->lang);
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error_text(req, res, ERR_MALFORMED, tr(req, "Results can be "
		    "downloaded as CSV (format=csv) or JSON (format=json)."));
	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	csv = q.format == FORMAT_CSV;
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	rc = csv ? poll_export_csv(p, &res->body) : poll_export_json(p, url, &res->body);
	if (rc != 0) {
		buf_reset(&res->body);
		return reply_error(req, res, rc, NULL);
	}
	res->status = 200;
	res->content_type = csv ? "text/csv; charset=utf-8" : "application/json";
	res->no_store = true;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"poll-%lld-results.%s\"",
	    (long long)p->id, csv ? "csv" : "json");
	http_response_header(res, "Content-Disposition", disposition);
	return HTTP_DONE;
}
