/*
 * handlers_staff.c - the signed-in staff pages: signing in and out, the
 * dashboard of an organisation's polls; creating, changing, opening,
 * closing, deleting and exporting a poll; editing the site's pages.
 *
 * Routes marked ROUTE_STAFF reach these handlers only with a session
 * (req->auth is filled), and their POSTs only with the session's CSRF
 * token: app.c checks both first.  What a role may do is checked here,
 * before any change, and a poll of another organisation is "not found",
 * so its existence is not revealed.  Forms shown again after an error
 * keep what was typed and carry an NHS.UK error summary whose links
 * reach each field by its id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/poll_export.h"
#include "involve/secret.h"
#include "involve/site_defaults.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "handlers.h"
#include "pages.h"

#define STAFF_POLLS_PAGE 50       /* polls on one page of the dashboard */
#define POLL_FORM_OPTIONS 10      /* answer boxes on a new poll's form */
#define PAGE_TITLE_MAX_CHARS 100  /* fits SITE_PAGE_TITLE_SIZE in any UTF-8 */
#define PAGE_BODY_MAX_CHARS 60000
#define NEXT_MAX 512              /* bytes of a ?next= path after signing in */
#define PATH_MAX_LEN 256
#define DATE_PARTS 5              /* day, month, year, hour, minute */

static const char problem_title[] = "Sorry, there is a problem with the service";

static const char *const date_part_names[DATE_PARTS] = { "day", "month", "year", "hour",
	"minute" };

/* The signed-in user's auth; routes marked ROUTE_STAFF guarantee it. */
static struct auth *
staff(struct http_request *req)
{
	return req->auth;
}

static json_t *
staff_site(const struct auth *a)
{
	return pages_site(&a->org, "/staff/");
}

static int
not_found(struct http_request *req, struct http_response *res)
{
	return page_error(req, res, 404, "Page not found",
	    "If you typed the web address, check it is correct.");
}

static int
forbidden(struct http_request *req, struct http_response *res)
{
	return page_error(req, res, 403, "You cannot do this",
	    "Your role does not allow it. Ask an administrator of your organisation.");
}

static int
unavailable(struct http_request *req, struct http_response *res)
{
	return page_error(req, res, 503, problem_title, "Nothing has been changed. Try again later.");
}

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

/* Copies the error for form id `id` (if any) into obj as `key`. */
static void
copy_error(json_t *obj, const json_t *errors, const char *id, const char *key)
{
	json_t *err = json_object_get(errors, id);

	if (err != NULL)
		json_object_set(obj, key, err);
}

/* ---- signing in --------------------------------------------------------- */

/* Whether next is a path of the staff pages, safe to redirect to: no
 * other host ("//evil"), no back-slashes, spaces or control bytes. */
static bool
next_is_local(struct str next)
{
	size_t i;

	if (next.n > NEXT_MAX || !str_starts_with(next, "/staff/"))
		return false;
	for (i = 0; i < next.n; i++) {
		unsigned char c = (unsigned char)next.p[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return false;
	}
	return true;
}

static int
login_page(struct http_request *req, struct http_response *res, int status, struct str email,
    struct str next, const struct errors *e)
{
	json_t *ctx = json_pack("{s:s, s:o, s:o}", "title", "Sign in", "email",
	    pages_string(email), "next", pages_string(next_is_local(next) ? next : STR_LIT("")));

	if (ctx != NULL && e != NULL && errors_any(e)) {
		page_add_errors(ctx, e);
		copy_error(ctx, json_object_get(ctx, "errors"), "email", "email_error");
		copy_error(ctx, json_object_get(ctx, "errors"), "password", "password_error");
	}
	res->status = status;
	res->no_store = true;
	return page_render(req, res, "staff/login", ctx);
}

int
handle_login_form(struct http_request *req, struct http_response *res)
{
	struct str next = STR_LIT("");

	if (auth_from_session(req) == 0) {
		http_response_redirect(res, 303, "/staff/");
		return HTTP_DONE;
	}
	http_query(req, "next", &next);
	return login_page(req, res, 200, STR_LIT(""), next, NULL);
}

int
handle_login(struct http_request *req, struct http_response *res)
{
	struct str email = STR_LIT(""), password = STR_LIT(""), next = STR_LIT("");
	char address[USER_EMAIL_SIZE], secret[SECRET_PASSWORD_MAX_BYTES + 1];
	struct errors e, ignored;
	int rc;

	http_form(req, "email", &email);
	http_form(req, "password", &password);
	http_form(req, "next", &next);
	email = text_trim(email);
	errors_init(&e);
	if (email.n == 0)
		errors_add(&e, "email", "Enter your email address");
	if (password.n == 0)
		errors_add(&e, "password", "Enter your password");
	if (errors_any(&e))
		return login_page(req, res, 422, email, next, &e);

	errors_init(&ignored);
	/* A malformed address or an impossible password cannot be anyone's:
	 * the answer is the same as for a wrong one. */
	if (user_email_check(email, address, &ignored) != 0 ||
	    password.n > SECRET_PASSWORD_MAX_BYTES || memchr(password.p, '\0', password.n)) {
		rc = ERR_DENIED;
	} else {
		memcpy(secret, password.p, password.n);
		secret[password.n] = '\0';
		rc = auth_login(req, res, address, secret);
		explicit_bzero(secret, sizeof(secret));
	}
	if (rc == ERR_DENIED) {
		errors_add(&e, "email", "The email address or password is not correct");
		return login_page(req, res, 422, email, next, &e);
	}
	if (rc != 0)
		return page_error(req, res, 503, problem_title, "You have not been signed in. Try again later.");
	if (next_is_local(next)) {
		char to[NEXT_MAX + 1];

		memcpy(to, next.p, next.n);
		to[next.n] = '\0';
		http_response_redirect(res, 303, to);
	} else {
		http_response_redirect(res, 303, "/staff/");
	}
	return HTTP_DONE;
}

int
handle_logout(struct http_request *req, struct http_response *res)
{
	auth_logout(req, res);
	http_response_redirect(res, 303, "/staff/login");
	return HTTP_DONE;
}

/* ---- dashboard ---------------------------------------------------------- */

static void
status_tag(enum poll_status s, const char **label, const char **cls)
{
	switch (s) {
	case POLL_DRAFT:
		*label = "Draft";
		*cls = "nhsuk-tag--grey";
		break;
	case POLL_SCHEDULED:
		*label = "Scheduled";
		*cls = "nhsuk-tag--blue";
		break;
	case POLL_OPEN:
		*label = "Open";
		*cls = "nhsuk-tag--green";
		break;
	default:
		*label = "Closed";
		*cls = "nhsuk-tag--white";
		break;
	}
}

struct poll_rows {
	int64_t now;
	json_t *items;
	int n;
	int64_t last_id;
};

static int
dashboard_row(void *arg, const struct poll *p)
{
	struct poll_rows *r = arg;
	const char *label, *cls;
	char href[PATH_MAX_LEN];

	status_tag(poll_status(p, r->now), &label, &cls);
	snprintf(href, sizeof(href), "/staff/polls/%lld", (long long)p->id);
	json_array_append_new(r->items, json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "question",
	    p->question, "href", href, "status", label, "tag_class", cls, "ballots",
	    (json_int_t)p->ballots, "created", pages_date(p->created_at)));
	r->n++;
	r->last_id = p->id;
	return 0;
}

static json_t *
site_page_links(void)
{
	static const struct {
		const char *key, *text;
	} pages[] = {
		{ "home", "Home page introduction" },
		{ "accessibility", "Accessibility statement" },
		{ "privacy", "Privacy notice" },
		{ "cookies", "Cookies" },
	};
	json_t *links = json_array();
	char href[64];
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(href, sizeof(href), "/staff/pages/%s", pages[i].key);
		json_array_append_new(links, json_pack("{s:s, s:s}", "href", href, "text",
		    pages[i].text));
	}
	return links;
}

int
handle_dashboard(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = staff(req);
	struct poll_rows r = { req->now, json_array(), 0, 0 };
	int64_t before = 0;
	struct str q;
	json_t *ctx;
	char older[PATH_MAX_LEN];

	if (http_query(req, "before", &q) && pages_parse_id(q, &before) != 0)
		before = 0;
	if (s->ops->poll_each(s, a->user.org_id, before, STAFF_POLLS_PAGE, dashboard_row, &r) != 0) {
		json_decref(r.items);
		return page_error(req, res, 503, problem_title, "Try again later.");
	}
	ctx = json_pack("{s:s, s:o, s:o, s:b, s:b, s:s}", "title", "Polls", "site", staff_site(a),
	    "polls", r.items, "can_manage", role_allows(a->user.role, PERM_POLL_MANAGE),
	    "can_edit_site", role_allows(a->user.role, PERM_SITE_EDIT), "org_name", a->org.name);
	if (ctx == NULL)
		return page_error(req, res, 503, problem_title, "Try again later.");
	if (role_allows(a->user.role, PERM_SITE_EDIT))
		json_object_set_new(ctx, "site_pages", site_page_links());
	if (r.n == STAFF_POLLS_PAGE && r.last_id > 1) {
		snprintf(older, sizeof(older), "/staff/?before=%lld", (long long)r.last_id);
		json_object_set_new(ctx, "older_href", json_string(older));
	}
	if (http_query(req, "done", &q) && str_eq_c(q, "deleted"))
		json_object_set_new(ctx, "done", json_string("The poll and its answers have been deleted."));
	return page_render(req, res, "staff/dashboard", ctx);
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

static json_t *
date_context(const struct str v[DATE_PARTS])
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < DATE_PARTS; i++)
		json_object_set_new(o, date_part_names[i], pages_string(v[i]));
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
		copy_error(box, errors, id, "error");
		json_array_append_new(options, box);
	}
	form = json_pack("{s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:o}",
	    "question", pages_string(f->question), "options", options, "multiple", f->multiple,
	    "after_vote", str_eq_c(f->show_results, "after_vote"),
	    "after_close", str_eq_c(f->show_results, "after_close"),
	    "open_now", str_eq_c(f->open, "now"), "open_later", str_eq_c(f->open, "later"),
	    "open_at", str_eq_c(f->open, "at"), "opens", date_context(f->opens),
	    "closes", date_context(f->closes));
	if (form != NULL) {
		copy_error(form, errors, "question", "question_error");
		copy_error(form, errors, "options", "options_error");
		copy_error(form, errors, "show_results", "show_results_error");
		copy_error(form, errors, "open", "open_error");
		copy_error(form, errors, "opens_at", "opens_error");
		copy_error(form, errors, "closes_at", "closes_error");
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
	struct auth *a = staff(req);
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
	    existing ? "Change the poll" : "Create a poll", "site", staff_site(a), "action",
	    action, "submit", existing ? "Save changes" : "Create poll", "back_link", "href", back);
	if (ctx == NULL)
		return page_error(req, res, 503, problem_title, "Try again later.");
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
		unavailable(req, res);
		return -1;
	}
	rc = s->ops->poll_get(s, http_param_id(req, "id"), p);
	if (rc == 0 && p->org_id != staff(req)->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		if (rc == ERR_NOTFOUND)
			not_found(req, res);
		else
			page_error(req, res, 503, problem_title, "Try again later.");
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

	if (!role_allows(staff(req)->user.role, PERM_POLL_MANAGE))
		return forbidden(req, res);
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
	struct auth *a = staff(req);
	struct poll_form f;
	struct poll_input in;
	struct poll *built = malloc(sizeof(*built));
	struct errors e;
	int map[POLL_OPTIONS_MAX + 1], rc;

	if (built == NULL)
		return unavailable(req, res);
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
		unavailable(req, res);
	else
		redirect_poll(res, built->id, existing ? "?done=updated" : "?done=created");
out:
	free(built);
	return HTTP_DONE;
}

int
handle_staff_poll_create(struct http_request *req, struct http_response *res)
{
	if (!role_allows(staff(req)->user.role, PERM_POLL_MANAGE))
		return forbidden(req, res);
	return save_poll_form(req, res, NULL);
}

int
handle_staff_poll_edit(struct http_request *req, struct http_response *res)
{
	struct poll *p;
	struct poll_form f;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(staff(req)->user.role, PERM_POLL_MANAGE)) {
		forbidden(req, res);
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
	if (!role_allows(staff(req)->user.role, PERM_POLL_MANAGE))
		forbidden(req, res);
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
	struct auth *a = staff(req);
	enum poll_status st = poll_status(p, req->now);
	const char *label, *cls, *done;
	char url[PATH_MAX_LEN + 64], embed[PATH_MAX_LEN + 72];
	struct buf snippet = BUF_INIT;
	struct tally t;
	struct str q;
	json_t *ctx, *poll;

	if (s->ops->poll_tally(s, p->id, &t) != 0)
		return page_error(req, res, 503, problem_title, "Try again later.");
	status_tag(st, &label, &cls);
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
		return page_error(req, res, 503, problem_title, "Try again later.");
	json_object_set_new(poll, "can_open", json_boolean(st == POLL_DRAFT ||
	    st == POLL_SCHEDULED));
	json_object_set_new(poll, "can_close", json_boolean(st == POLL_OPEN));
	json_object_set_new(poll, "can_edit", json_boolean(poll_editable(p, req->now)));
	json_object_set_new(poll, "public", json_boolean(st != POLL_DRAFT));
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:b, s:{s:s}}", "title", p->question, "site",
	    staff_site(a), "poll", poll, "results", pages_results(p, &t), "can_manage",
	    role_allows(a->user.role, PERM_POLL_MANAGE), "back_link", "href", "/staff/");
	if (ctx == NULL)
		return page_error(req, res, 503, problem_title, "Try again later.");
	if (http_query(req, "done", &q) && (done = done_text(q)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	if (e != NULL && errors_any(e)) {
		page_add_errors(ctx, e);
		copy_error(ctx, json_object_get(ctx, "errors"), "confirm", "confirm_error");
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
	struct auth *a = staff(req);
	struct poll *p;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(a->user.role, PERM_POLL_MANAGE)) {
		forbidden(req, res);
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
		not_found(req, res);
	else
		unavailable(req, res);
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
	struct auth *a = staff(req);
	struct poll *p;
	struct str confirm;
	struct errors e;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	if (!role_allows(a->user.role, PERM_POLL_MANAGE)) {
		forbidden(req, res);
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
		not_found(req, res);
	else
		unavailable(req, res);
out:
	free(p);
	return HTTP_DONE;
}

int
handle_staff_poll_export(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = staff(req);
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
		forbidden(req, res);
		goto out;
	}
	if (s->ops->poll_tally(s, p->id, &t) != 0) {
		page_error(req, res, 503, problem_title, "Try again later.");
		goto out;
	}
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	rc = csv ? poll_export_csv(p, &t, &res->body) : poll_export_json(p, &t, url, &res->body);
	if (rc != 0) {
		buf_reset(&res->body);
		page_error(req, res, 503, problem_title, "Try again later.");
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

/* ---- site pages --------------------------------------------------------- */

/* The default for a page staff may edit, or NULL for any other key. */
static const struct site_default *
editable_page(const struct http_request *req)
{
	return site_default_find(http_param(req, "key"));
}

static int
page_form(struct http_request *req, struct http_response *res, int status,
    const struct site_default *d, struct str title, struct str body, const struct errors *e)
{
	struct auth *a = staff(req);
	char action[64], view[ORG_SLUG_SIZE + 64];
	json_t *ctx, *errors;
	struct str done;

	snprintf(action, sizeof(action), "/staff/pages/%s", d->key);
	if (strcmp(d->key, "home") == 0)
		snprintf(view, sizeof(view), "/o/%s/", a->org.slug);
	else
		snprintf(view, sizeof(view), "/o/%s/%s", a->org.slug, d->key);
	ctx = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:i, s:{s:s}}", "title",
	    strcmp(d->key, "home") == 0 ? "Home page introduction" : d->title, "heading",
	    strcmp(d->key, "home") == 0 ? "Home page introduction" : d->title, "site",
	    staff_site(a), "action", action, "view_url", view, "page_title", pages_string(title),
	    "body", pages_string(body), "body_max", PAGE_BODY_MAX_CHARS, "back_link", "href",
	    "/staff/");
	if (ctx == NULL)
		return page_error(req, res, 503, problem_title, "Try again later.");
	if (http_query(req, "done", &done) && str_eq_c(done, "saved"))
		json_object_set_new(ctx, "done", json_string("The page has been saved."));
	if (e != NULL && errors_any(e)) {
		page_add_errors(ctx, e);
		errors = json_object_get(ctx, "errors");
		copy_error(ctx, errors, "title", "title_error");
		copy_error(ctx, errors, "body", "body_error");
	}
	res->status = status;
	return page_render(req, res, "staff/page_form", ctx);
}

int
handle_staff_page_edit(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = staff(req);
	const struct site_default *d = editable_page(req);
	struct site_page page;
	struct buf body = BUF_INIT;
	int rc;

	if (d == NULL)
		return not_found(req, res);
	if (!role_allows(a->user.role, PERM_SITE_EDIT))
		return forbidden(req, res);
	memset(&page, 0, sizeof(page));
	rc = s->ops->page_get(s, a->user.org_id, d->key, &page);
	if (rc == 0) {
		rc = page_form(req, res, 200, d, str_c(page.title), str_c(page.body), NULL);
	} else if (rc == ERR_NOTFOUND) {
		/* Staff start from the text the site shows until they save. */
		if (site_default_body(d, a->org.name, &body) != 0 || buf_cstr(&body) == NULL)
			rc = unavailable(req, res);
		else
			rc = page_form(req, res, 200, d, str_c(d->title), str_c(buf_cstr(&body)), NULL);
	} else {
		rc = page_error(req, res, 503, problem_title, "Try again later.");
	}
	buf_free(&body);
	site_page_free(&page);
	return rc;
}

int
handle_staff_page_save(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = staff(req);
	const struct site_default *d = editable_page(req);
	struct str title_in = STR_LIT(""), body_in = STR_LIT(""), title, body;
	struct site_page page;
	struct errors e;
	char to[64];
	int rc;

	if (d == NULL)
		return not_found(req, res);
	if (!role_allows(a->user.role, PERM_SITE_EDIT))
		return forbidden(req, res);
	http_form(req, "title", &title_in);
	http_form(req, "body", &body_in);
	errors_init(&e);
	text_check(title_in, "title", "the title", PAGE_TITLE_MAX_CHARS, TEXT_REQUIRED, &title, &e);
	if (text_check(body_in, "body", "the page's text", PAGE_BODY_MAX_CHARS,
	    TEXT_REQUIRED | TEXT_MULTILINE, &body, &e) == 0 && body.n >= SITE_PAGE_BODY_MAX)
		errors_add(&e, "body", "The page's text must be shorter than %d bytes",
		    SITE_PAGE_BODY_MAX);
	if (errors_any(&e))
		return page_form(req, res, 422, d, title_in, body_in, &e);

	memset(&page, 0, sizeof(page));
	page.org_id = a->user.org_id;
	snprintf(page.key, sizeof(page.key), "%s", d->key);
	text_copy(page.title, sizeof(page.title), title);
	page.body = strndup(body.p, body.n);
	if (page.body == NULL)
		return unavailable(req, res);
	page.updated_at = req->now;
	rc = s->ops->page_put(s, &a->actor, &page);
	site_page_free(&page);
	if (rc != 0)
		return unavailable(req, res);
	snprintf(to, sizeof(to), "/staff/pages/%s?done=saved", d->key);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}
