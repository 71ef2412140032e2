/*
 * handlers_staff_polls.c - the staff pages for one poll: the form that
 * creates and changes it (with its date and time fields), and the poll's
 * own page with its results, embed code and the actions open, close,
 * delete and export.
 *
 * As for every staff page (see handlers_staff.c), app.c has checked the
 * session and the CSRF token first; the role and the organisation are
 * checked here before any change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/poll_export.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "handlers.h"
#include "pages.h"

#define POLL_FORM_OPTIONS 10      /* answer boxes on a new poll's form */
#define PATH_MAX_LEN 256
#define DATE_PARTS 5              /* day, month, year, hour, minute */

static const char *const date_part_names[DATE_PARTS] = { "day", "month", "year", "hour",
	"minute" };

static void
redirect_poll(struct http_response *res, int64_t id, const char *query)
{
	char to[PATH_MAX_LEN];

	snprintf(to, sizeof(to), "/staff/polls/%lld%s", (long long)id, query);
	http_response_redirect(res, 303, to);
}

/* Points the summary's links for field id `from` at id `to` (a group's
 * first input), leaving the group's own message where it is. */
static void
relink(json_t *ctx, const char *from, const char *to)
{
	json_t *item;
	size_t i;

	json_array_foreach(json_object_get(ctx, "error_summary"), i, item) {
		const char *id = json_string_value(json_object_get(item, "field_id"));

		if (id != NULL && strcmp(id, from) == 0)
			json_object_set_new(item, "field_id", json_string(to));
	}
}

/* ---- the poll form ------------------------------------------------------ */

/* A poll's form fields as typed (or as taken from a stored poll).  The
 * strs point into the request or into `text`; do not copy the struct. */
struct poll_form {
	struct str question;
	int option_n; /* boxes to show */
	struct str options[POLL_OPTIONS_MAX + 1];
	bool multiple;
	struct str show_results; /* "after_vote", "after_close" */
	struct str open;         /* "now", "later", "at" */
	struct str opens[DATE_PARTS], closes[DATE_PARTS];
	char text[2 * DATE_PARTS][8];
};

static void
form_from_request(const struct http_request *req, struct poll_form *f)
{
	struct str multiple;
	char name[32];
	int i;

	memset(f, 0, sizeof(*f));
	http_form(req, "question", &f->question);
	f->option_n = http_form_all(req, "option", f->options, POLL_OPTIONS_MAX + 1);
	if (f->option_n > POLL_OPTIONS_MAX + 1)
		f->option_n = POLL_OPTIONS_MAX + 1;
	f->multiple = http_form(req, "multiple", &multiple) && str_eq_c(multiple, "yes");
	http_form(req, "show_results", &f->show_results);
	http_form(req, "open", &f->open);
	for (i = 0; i < DATE_PARTS; i++) {
		snprintf(name, sizeof(name), "opens_at-%s", date_part_names[i]);
		http_form(req, name, &f->opens[i]);
		snprintf(name, sizeof(name), "closes_at-%s", date_part_names[i]);
		http_form(req, name, &f->closes[i]);
	}
}

/* t's UK wall-clock fields as text into out[0..4] (day, month, year, hour,
 * minute), using text[0..4] for storage. */
static void
date_to_fields(int64_t t, struct str out[DATE_PARTS], char text[][8])
{
	time_t wall = (time_t)(t + (timefmt_london_is_bst(t) ? 3600 : 0));
	struct tm tm;
	int v[DATE_PARTS], i;

	/* gmtime_r of the shifted time: the process time zone is never read
	 * (see timefmt.h). */
	if (gmtime_r(&wall, &tm) == NULL)
		return;
	v[0] = tm.tm_mday;
	v[1] = tm.tm_mon + 1;
	v[2] = tm.tm_year + 1900;
	v[3] = tm.tm_hour;
	v[4] = tm.tm_min;
	for (i = 0; i < DATE_PARTS; i++) {
		snprintf(text[i], 8, i == 4 ? "%02d" : "%d", v[i]);
		out[i] = str_c(text[i]);
	}
}

static void
form_from_poll(const struct poll *p, int64_t now, struct poll_form *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->question = str_c(p->question);
	for (i = 0; i < p->option_n; i++)
		f->options[i] = str_c(p->options[i].label);
	f->option_n = p->option_n;
	f->multiple = p->multiple;
	f->show_results = str_c(poll_results_name(p->show_results));
	if (poll_status(p, now) == POLL_DRAFT) {
		f->open = STR_LIT("later");
	} else {
		f->open = STR_LIT("at");
		date_to_fields(p->opens_at, f->opens, f->text);
	}
	if (p->closes_at != 0)
		date_to_fields(p->closes_at, f->closes, f->text + DATE_PARTS);
}

/* A whole number of at most 4 digits, within [min, max]. */
static int
small_number(struct str s, int min, int max, int *out)
{
	int v = 0;
	size_t i;

	s = text_trim(s);
	if (s.n == 0 || s.n > 4)
		return ERR_INVALID;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return ERR_INVALID;
		v = v * 10 + (s.p[i] - '0');
	}
	if (v < min || v > max)
		return ERR_INVALID;
	*out = v;
	return 0;
}

/*
 * Reads a date and time typed as five fields in UK time into *out.  All
 * empty gives 0 when not required.  Errors go on `field` ("opens_at"),
 * naming the date by `what` ("opening").
 */
static int
date_parse(const struct str v[DATE_PARTS], const char *field, const char *what, bool required,
    int64_t *out, struct errors *e)
{
	static const int min[DATE_PARTS] = { 1, 1, TIMEFMT_YEAR_MIN, 0, 0 };
	static const int max[DATE_PARTS] = { 31, 12, TIMEFMT_YEAR_MAX, 23, 59 };
	int n[DATE_PARTS], i, filled = 0;

	*out = 0;
	for (i = 0; i < DATE_PARTS; i++)
		if (text_trim(v[i]).n > 0)
			filled++;
	if (filled == 0) {
		if (!required)
			return 0;
		errors_add(e, field, "Enter the %s date and time", what);
		return ERR_INVALID;
	}
	if (filled < DATE_PARTS) {
		errors_add(e, field, "Enter the %s date and time in full: day, month, year, hour and "
		    "minute", what);
		return ERR_INVALID;
	}
	for (i = 0; i < DATE_PARTS; i++) {
		if (small_number(v[i], min[i], max[i], &n[i]) != 0) {
			errors_add(e, field, "The %s %s must be a number from %d to %d", what,
			    date_part_names[i], min[i], max[i]);
			return ERR_INVALID;
		}
	}
	if (timefmt_from_london_fields(n[0], n[1], n[2], n[3], n[4], out) != 0) {
		errors_add(e, field, "The %s date must be a real date", what);
		return ERR_INVALID;
	}
	return 0;
}

/*
 * Turns the form into poll_build's input.  Empty answer boxes are
 * skipped; map[k] is the box that input option k came from, so the
 * domain's "options[k]" can be shown beside the right box.
 */
static void
form_to_input(const struct poll_form *f, int64_t now, struct poll_input *in,
    int map[POLL_OPTIONS_MAX + 1], struct errors *e)
{
	int i;

	memset(in, 0, sizeof(*in));
	in->question = f->question;
	for (i = 0; i < f->option_n; i++) {
		if (text_trim(f->options[i]).n == 0)
			continue;
		if (in->option_n <= POLL_OPTIONS_MAX) {
			in->options[in->option_n] = f->options[i];
			map[in->option_n] = i;
		}
		in->option_n++;
	}
	in->multiple = f->multiple;
	if (poll_results_parse(f->show_results, &in->show_results) != 0)
		errors_add(e, "show_results", "Select when people can see the results");
	if (str_eq_c(f->open, "now")) {
		in->opens_at = now;
	} else if (str_eq_c(f->open, "later")) {
		in->opens_at = 0;
	} else if (str_eq_c(f->open, "at")) {
		if (date_parse(f->opens, "opens_at", "opening", true, &in->opens_at, e) == 0 &&
		    in->opens_at <= now)
			errors_add(e, "opens_at", "The opening time must be in the future");
	} else {
		errors_add(e, "open", "Select when the poll opens");
	}
	date_parse(f->closes, "closes_at", "closing", false, &in->closes_at, e);
}

/* The context of partials/date_time_input.html for one group of fields. */
static json_t *
date_context(const char *id, const struct str v[DATE_PARTS], const json_t *errors)
{
	static const char *const labels[DATE_PARTS] = { "Day", "Month", "Year", "Hour", "Minute" };
	json_t *parts = json_array(), *o;
	int i;

	for (i = 0; i < DATE_PARTS; i++)
		json_array_append_new(parts, json_pack("{s:s, s:s, s:i, s:o}", "name",
		    date_part_names[i], "label", labels[i], "width", i == 2 ? 4 : 2, "value",
		    pages_string(v[i])));
	o = json_pack("{s:s, s:o}", "id", id, "parts", parts);
	pages_copy_error(o, errors, id, "error");
	return o;
}

/* The form's template context; `errors` is ctx.errors from
 * page_add_errors (may be NULL). */
static json_t *
form_context(const struct poll_form *f, const json_t *errors)
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
	form = json_pack("{s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:o}",
	    "question", pages_string(f->question), "options", options, "multiple", f->multiple,
	    "after_vote", str_eq_c(f->show_results, "after_vote"),
	    "after_close", str_eq_c(f->show_results, "after_close"),
	    "open_now", str_eq_c(f->open, "now"), "open_later", str_eq_c(f->open, "later"),
	    "open_at", str_eq_c(f->open, "at"), "opens", date_context("opens_at", f->opens, errors),
	    "closes", date_context("closes_at", f->closes, errors));
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

/* Adds e to ctx with the domain's "options[k]" moved to the box it came
 * from, and group errors linked to their group's first input. */
static void
form_errors(json_t *ctx, const struct errors *e, const int *map, int map_n)
{
	struct errors moved;
	char field[ERROR_FIELD_MAX];
	int i, k;

	errors_init(&moved);
	for (i = 0; i < e->n; i++) {
		const char *f = e->list[i].field;

		if (sscanf(f, "options[%d]", &k) == 1 && k >= 0)
			snprintf(field, sizeof(field), "options[%d]", k < map_n ? map[k] : k);
		else
			snprintf(field, sizeof(field), "%s", f);
		errors_add(&moved, field, "%s", e->list[i].detail);
	}
	page_add_errors(ctx, &moved);
	relink(ctx, "options", "options-0");
	relink(ctx, "opens_at", "opens_at-day");
	relink(ctx, "closes_at", "closes_at-day");
}

static int
poll_form_page(struct http_request *req, struct http_response *res, int status,
    const struct poll_form *f, const struct poll *existing, const struct errors *e,
    const int *map, int map_n)
{
	struct auth *a = pages_staff(req);
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN];
	json_t *ctx;

	if (existing != NULL) {
		snprintf(action, sizeof(action), "/staff/polls/%lld/edit", (long long)existing->id);
		snprintf(back, sizeof(back), "/staff/polls/%lld", (long long)existing->id);
	} else {
		snprintf(action, sizeof(action), "/staff/polls");
		snprintf(back, sizeof(back), "/staff/");
	}
	ctx = json_pack("{s:s, s:s, s:o, s:s, s:s, s:{s:s}}", "title",
	    existing ? "Change the poll" : "Create a poll", "heading",
	    existing ? "Change the poll" : "Create a poll", "site", pages_staff_site(a), "action",
	    action, "submit", existing ? "Save changes" : "Create poll", "back_link", "href", back);
	if (ctx == NULL)
		return page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
	if (e != NULL && errors_any(e))
		form_errors(ctx, e, map, map_n);
	json_object_set_new(ctx, "form", form_context(f, json_object_get(ctx, "errors")));
	res->status = status;
	return page_render(req, res, "staff/poll_form", ctx);
}

/* Loads poll {id} of the signed-in user's organisation.  0, or -1 with
 * res filled (404 for a missing poll or another organisation's). */
static int
load_own_poll(struct http_request *req, struct http_response *res, struct poll **out)
{
	struct store *s = req->app->store;
	struct poll *p = malloc(sizeof(*p));
	int rc;

	*out = NULL;
	if (p == NULL) {
		pages_unavailable(req, res);
		return -1;
	}
	rc = s->ops->poll_get(s, http_param_id(req, "id"), p);
	if (rc == 0 && p->org_id != pages_staff(req)->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		if (rc == ERR_NOTFOUND)
			pages_not_found(req, res);
		else
			page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* A poll may be changed while nobody has seen it open: a draft or a
 * scheduled poll without ballots. */
static bool
poll_editable(const struct poll *p, int64_t now)
{
	enum poll_status st = poll_status(p, now);

	return (st == POLL_DRAFT || st == POLL_SCHEDULED) && p->ballots == 0;
}

static int
refuse_edit(struct http_request *req, struct http_response *res)
{
	return page_error(req, res, 409, "This poll cannot be changed",
	    "A poll cannot be changed once it has opened or has answers. Create a new poll instead.");
}

int
handle_staff_poll_new(struct http_request *req, struct http_response *res)
{
	struct poll_form f;

	if (!role_allows(pages_staff(req)->user.role, PERM_POLL_MANAGE))
		return pages_forbidden(req, res);
	memset(&f, 0, sizeof(f));
	f.show_results = STR_LIT("after_vote");
	f.open = STR_LIT("now");
	return poll_form_page(req, res, 200, &f, NULL, NULL, NULL, 0);
}

/* Checks the posted form and saves it: a new poll (existing NULL) or the
 * changes to one. */
static int
save_poll_form(struct http_request *req, struct http_response *res, const struct poll *existing)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	struct poll_form f;
	struct poll_input in;
	struct poll *built = malloc(sizeof(*built));
	struct errors e;
	int map[POLL_OPTIONS_MAX + 1], rc;

	if (built == NULL)
		return pages_unavailable(req, res);
	form_from_request(req, &f);
	errors_init(&e);
	form_to_input(&f, req->now, &in, map, &e);
	/* poll_build runs even after errors in the form, so that every
	 * problem is listed at once. */
	rc = poll_build(&in, req->now, built, &e);
	if (rc != 0 || errors_any(&e)) {
		poll_form_page(req, res, 422, &f, existing, &e, map,
		    in.option_n < POLL_OPTIONS_MAX + 1 ? in.option_n : POLL_OPTIONS_MAX + 1);
		goto out;
	}
	built->org_id = a->user.org_id;
	if (existing != NULL) {
		built->id = existing->id;
		rc = s->ops->poll_update(s, &a->actor, built);
	} else {
		rc = s->ops->poll_create(s, &a->actor, built);
	}
	if (rc == ERR_CONFLICT)
		refuse_edit(req, res);
	else if (rc != 0)
		pages_unavailable(req, res);
	else
		redirect_poll(res, built->id, existing ? "?done=updated" : "?done=created");
out:
	free(built);
	return HTTP_DONE;
}

int
handle_staff_poll_create(struct http_request *req, struct http_response *res)
{
	if (!role_allows(pages_staff(req)->user.role, PERM_POLL_MANAGE))
		return pages_forbidden(req, res);
	return save_poll_form(req, res, NULL);
}

int
handle_staff_poll_edit(struct http_request *req, struct http_response *res)
{
	struct poll *p;
	struct poll_form f;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(pages_staff(req)->user.role, PERM_POLL_MANAGE)) {
		pages_forbidden(req, res);
	} else if (!poll_editable(p, req->now)) {
		refuse_edit(req, res);
	} else {
		form_from_poll(p, req->now, &f);
		poll_form_page(req, res, 200, &f, p, NULL, NULL, 0);
	}
	free(p);
	return HTTP_DONE;
}

int
handle_staff_poll_update(struct http_request *req, struct http_response *res)
{
	struct poll *p;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(pages_staff(req)->user.role, PERM_POLL_MANAGE))
		pages_forbidden(req, res);
	else if (!poll_editable(p, req->now))
		refuse_edit(req, res);
	else
		save_poll_form(req, res, p);
	free(p);
	return HTTP_DONE;
}

/* ---- one poll ----------------------------------------------------------- */

static const char *
done_text(struct str done)
{
	if (str_eq_c(done, "created"))
		return "The poll has been created.";
	if (str_eq_c(done, "updated"))
		return "Your changes have been saved.";
	if (str_eq_c(done, "opened"))
		return "The poll is open.";
	if (str_eq_c(done, "closed"))
		return "The poll is closed.";
	return NULL;
}

/* The staff page of poll p, with e (may be NULL) from a refused delete. */
static int
poll_view(struct http_request *req, struct http_response *res, int status, const struct poll *p,
    const struct errors *e)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	enum poll_status st = poll_status(p, req->now);
	const char *label, *cls, *done;
	char url[PATH_MAX_LEN + 64], embed[PATH_MAX_LEN + 72];
	struct buf snippet = BUF_INIT;
	struct tally t;
	struct str q;
	json_t *ctx, *poll;

	if (s->ops->poll_tally(s, p->id, &t) != 0)
		return page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
	pages_status_tag(st, &label, &cls);
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	snprintf(embed, sizeof(embed), "%s/embed", url);
	buf_add_c(&snippet, "<iframe src=\"");
	buf_add_html(&snippet, str_c(embed));
	buf_add_c(&snippet, "\" title=\"Poll: ");
	buf_add_html(&snippet, str_c(p->question));
	buf_add_c(&snippet, "\" width=\"100%\" height=\"560\"></iframe>");
	poll = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)p->id, "question", p->question, "status", label, "tag_class", cls,
	    "ballots", (json_int_t)t.ballots,
	    "type", p->multiple ? "More than one answer allowed" : "One answer",
	    "results_when", p->show_results == POLL_RESULTS_AFTER_VOTE ?
	    "After people answer, and to everyone once the poll closes" :
	    "Only once the poll has closed",
	    "public_url", url, "opens", pages_time(p->opens_at), "closes",
	    pages_time(p->closed_at ? p->closed_at : p->closes_at),
	    "created", pages_time(p->created_at),
	    "embed_snippet", json_string(buf_cstr(&snippet) ? buf_cstr(&snippet) : ""));
	buf_free(&snippet);
	if (poll == NULL)
		return page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
	json_object_set_new(poll, "can_open", json_boolean(st == POLL_DRAFT ||
	    st == POLL_SCHEDULED));
	json_object_set_new(poll, "can_close", json_boolean(st == POLL_OPEN));
	json_object_set_new(poll, "can_edit", json_boolean(poll_editable(p, req->now)));
	json_object_set_new(poll, "public", json_boolean(st != POLL_DRAFT));
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:b, s:{s:s}}", "title", p->question, "site",
	    pages_staff_site(a), "poll", poll, "results", pages_results(p, &t), "can_manage",
	    role_allows(a->user.role, PERM_POLL_MANAGE), "back_link", "href", "/staff/");
	if (ctx == NULL)
		return page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
	if (http_query(req, "done", &q) && (done = done_text(q)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	if (e != NULL && errors_any(e)) {
		page_add_errors(ctx, e);
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
	poll_view(req, res, 200, p, NULL);
	free(p);
	return HTTP_DONE;
}

static int
poll_act(struct http_request *req, struct http_response *res, enum poll_action action)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	struct poll *p;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(a->user.role, PERM_POLL_MANAGE)) {
		pages_forbidden(req, res);
		goto out;
	}
	rc = s->ops->poll_act(s, &a->actor, p->id, action, req->now);
	if (rc == 0)
		redirect_poll(res, p->id, action == POLL_ACTION_OPEN ? "?done=opened" :
		    "?done=closed");
	else if (rc == ERR_CONFLICT)
		page_error(req, res, 409, action == POLL_ACTION_OPEN ? "This poll cannot be opened" :
		    "This poll cannot be closed", action == POLL_ACTION_OPEN ?
		    "It is already open or has closed." : "It is not open.");
	else if (rc == ERR_NOTFOUND)
		pages_not_found(req, res);
	else
		pages_unavailable(req, res);
out:
	free(p);
	return HTTP_DONE;
}

int
handle_staff_poll_open(struct http_request *req, struct http_response *res)
{
	return poll_act(req, res, POLL_ACTION_OPEN);
}

int
handle_staff_poll_close(struct http_request *req, struct http_response *res)
{
	return poll_act(req, res, POLL_ACTION_CLOSE);
}

int
handle_staff_poll_delete(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	struct poll *p;
	struct str confirm;
	struct errors e;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(a->user.role, PERM_POLL_MANAGE)) {
		pages_forbidden(req, res);
		goto out;
	}
	if (!http_form(req, "confirm", &confirm) || !str_eq_c(confirm, "yes")) {
		errors_init(&e);
		errors_add(&e, "confirm", "Select \"Yes, delete this poll and its answers\" to delete it");
		poll_view(req, res, 422, p, &e);
		goto out;
	}
	rc = s->ops->poll_delete(s, &a->actor, p->id);
	if (rc == 0)
		http_response_redirect(res, 303, "/staff/?done=deleted");
	else if (rc == ERR_NOTFOUND)
		pages_not_found(req, res);
	else
		pages_unavailable(req, res);
out:
	free(p);
	return HTTP_DONE;
}

int
handle_staff_poll_export(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	struct poll *p;
	struct tally t;
	struct str format = STR_LIT("");
	char url[PATH_MAX_LEN + 64], disposition[128];
	bool csv;
	int rc;

	http_query(req, "format", &format);
	csv = str_eq_c(format, "csv");
	if (!csv && !str_eq_c(format, "json"))
		return page_error(req, res, 400, "Choose a file format",
		    "Results can be downloaded as CSV (format=csv) or JSON (format=json).");
	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(a->user.role, PERM_RESULTS_VIEW)) {
		pages_forbidden(req, res);
		goto out;
	}
	if (s->ops->poll_tally(s, p->id, &t) != 0) {
		page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
		goto out;
	}
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	rc = csv ? poll_export_csv(p, &t, &res->body) : poll_export_json(p, &t, url, &res->body);
	if (rc != 0) {
		buf_reset(&res->body);
		page_error(req, res, 503, PAGES_PROBLEM_TITLE, "Try again later.");
		goto out;
	}
	res->status = 200;
	res->content_type = csv ? "text/csv; charset=utf-8" : "application/json";
	res->no_store = true;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"poll-%lld-results.%s\"",
	    (long long)p->id, csv ? "csv" : "json");
	http_response_header(res, "Content-Disposition", disposition);
out:
	free(p);
	return HTTP_DONE;
}

