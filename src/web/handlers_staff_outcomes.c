/*
 * handlers_staff_outcomes.c - the staff pages of "You said, we did":
 *
 *   /staff/outcomes                 the organisation's outcomes, drafts and published
 *   /staff/outcomes/new             the form for a new draft
 *   /staff/outcomes/{id}            one, as it will read, with what it answers
 *   /staff/outcomes/{id}/edit       change a draft
 *   /staff/outcomes/{id}/publish    confirm, then publish: on the public pages and
 *                                   feed, and emailed to those who asked to hear back
 *   /staff/outcomes/{id}/delete     confirm, then delete a draft
 *
 * What an outcome must say is outcome_check's, and publishing is
 * store_outcome_publish's, as for the API and the command line.  Every
 * member of staff may read them; administrators and engagement officers
 * (the routes' rule) write and publish them.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/store_outcome.h"
#include "involve/store_survey.h"
#include "involve/timefmt.h"
#include "handlers.h"
#include "pages.h"

#define PATH_MAX_LEN 256
#define STAFF_OUTCOMES_PAGE 100
/* Engagements offered to link: the newest surveys (consultations among
 * them) and polls, up to a page of each; a link made to an older one
 * through the API stays, and is shown checked. */
#define LINK_CHOICES_MAX STORE_LIST_MAX
#define LINKS_FORM_MAX (2 * LINK_CHOICES_MAX + OUTCOME_LINKS_MAX)
#define DAY_PARTS 3

/* ---- the declared fields ------------------------------------------------------------- */

struct outcome_form {
	struct str title, you_said, decision, what_changed, decided_by;
	int link_n;
	struct str links[LINKS_FORM_MAX]; /* "survey:12", "poll:3", "survey:12:q4" */
	struct str day[DAY_PARTS];        /* the date boxes as typed */
};

static const struct input_field outcome_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct outcome_form, title), 0, 0, 0, NULL,
	    N_("the title") },
	{ "you_said", INPUT_TEXT, 0, offsetof(struct outcome_form, you_said), 0, 0, 0, NULL,
	    N_("what people said") },
	{ "decision", INPUT_TEXT, 0, offsetof(struct outcome_form, decision), 0, 0, 0, NULL,
	    N_("what was decided") },
	{ "what_changed", INPUT_TEXT, 0, offsetof(struct outcome_form, what_changed), 0, 0, 0,
	    NULL, N_("what changed") },
	{ "decided_by", INPUT_TEXT, 0, offsetof(struct outcome_form, decided_by), 0, 0, 0, NULL,
	    N_("who decided") },
	{ "links", INPUT_TEXTS, 0, offsetof(struct outcome_form, links),
	    offsetof(struct outcome_form, link_n), 0, LINKS_FORM_MAX, NULL,
	    N_("what it answers") },
};
const struct input_spec staff_outcome_input = { INPUT_FORM, 6, outcome_fields };

static const char *const day_part_names[DAY_PARTS] = { "day", "month", "year" };

/* ---- helpers --------------------------------------------------------------------------- */

static void
redirect_to(struct http_response *res, int64_t id, const char *suffix)
{
	char to[PATH_MAX_LEN];

	snprintf(to, sizeof(to), "/staff/outcomes/%lld%s", (long long)id, suffix);
	http_response_redirect(res, 303, to);
}

/* Outcome {id} of the signed-in staff's organisation: 0, or -1 with res
 * filled (404 for another organisation's). */
static int
load_own(struct http_request *req, struct http_response *res, struct outcome **out)
{
	int rc = store_outcome_get(req->app->store, &req->arena, http_param_id(req, "id"), out);

	return pages_staff_own(req, res, rc, rc == 0 ? (*out)->org_id : 0);
}

/* As load_own, for what only a draft allows: a published outcome's page
 * says so (409) rather than offer the change. */
static int
load_draft(struct http_request *req, struct http_response *res, struct outcome **out)
{
	if (load_own(req, res, out) != 0)
		return -1;
	if ((*out)->published_at != 0) {
		reply_error_text(req, res, ERR_CONFLICT, tr(req, "The outcome is published: it "
		    "cannot be changed or deleted."));
		return -1;
	}
	return 0;
}

/* "survey:12", "poll:3" or "survey:12:q4": the value of a link's box. */
static void
link_value(const struct outcome_link *l, char *out, size_t size)
{
	if (l->question.n > 0)
		snprintf(out, size, "%s:%lld:%.*s", outcome_link_kind_name(l->kind),
		    (long long)l->id, (int)l->question.n, l->question.p);
	else
		snprintf(out, size, "%s:%lld", outcome_link_kind_name(l->kind), (long long)l->id);
}

/* A box's value back into a link (question pointing into the request);
 * false when it is not one. */
static bool
link_parse(struct str v, struct outcome_link *l)
{
	const char *colon = memchr(v.p, ':', v.n), *end = v.p + v.n, *id_end, *q;
	char digits[24];
	size_t n;

	memset(l, 0, sizeof(*l));
	if (colon == NULL || outcome_link_kind_parse((struct str){ v.p, (size_t)(colon - v.p) },
	    &l->kind) != 0)
		return false;
	q = memchr(colon + 1, ':', (size_t)(end - colon - 1));
	id_end = q != NULL ? q : end;
	n = (size_t)(id_end - colon - 1);
	if (n == 0 || n >= sizeof(digits))
		return false;
	memcpy(digits, colon + 1, n);
	digits[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)digits[i]))
			return false;
	if ((l->id = strtoll(digits, NULL, 10)) <= 0)
		return false;
	if (q != NULL) {
		l->question = (struct str){ q + 1, (size_t)(end - q - 1) };
		if (l->question.n == 0)
			return false;
	}
	return true;
}

/* ---- the list -------------------------------------------------------------------------- */

struct list_rows {
	struct http_request *req;
	json_t *items;
};

static int
list_row(void *arg, const struct outcome *o)
{
	struct list_rows *r = arg;
	char href[PATH_MAX_LEN];

	snprintf(href, sizeof(href), "/staff/outcomes/%lld", (long long)o->id);
	json_array_append_new(r->items, json_pack("{s:o, s:s, s:b, s:o, s:o, s:i}", "title",
	    pages_string(o->title), "href", href, "published", o->published_at != 0,
	    "published_on", pages_date(r->req, o->published_at), "decided_on",
	    pages_string(o->decided_on), "links", o->link_n));
	return 0;
}

int
handle_staff_outcomes(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct list_rows r = { req, json_array() };
	struct str q;
	json_t *ctx;
	int rc;

	rc = store_outcome_each(req->app->store, &req->arena, a->user.org_id, false,
	    STAFF_OUTCOMES_PAGE, list_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	ctx = pages_staff_ctx(req, N_("You said, we did"), "/staff/");
	json_object_set_new(ctx, "outcomes", r.items);
	json_object_set_new(ctx, "org_name", json_string(a->org.name));
	json_object_set_new(ctx, "org_slug", json_string(a->org.slug));
	if (http_query(req, "done", &q) && str_eq_c(q, "deleted"))
		json_object_set_new(ctx, "done", json_string(tr(req, "The draft has been "
		    "deleted.")));
	return page_render(req, res, "staff/outcomes", ctx);
}

/* ---- the form -------------------------------------------------------------------------- */

/* The engagements the form offers, as the store lists them. */
struct listing {
	struct http_request *req;
	json_t *items;  /* [{value, kind, title}] */
	json_t *listed; /* value -> its item */
};

static void
listed(struct listing *l, const char *value, const char *kind, struct str title)
{
	json_t *item = json_pack("{s:s, s:s, s:o}", "value", value, "kind", kind, "title",
	    pages_string(title));

	json_array_append_new(l->items, item);
	json_object_set(l->listed, value, item);
}

static int
list_survey(void *arg, const struct survey *sv)
{
	struct listing *l = arg;
	char value[48];

	snprintf(value, sizeof(value), "survey:%lld", (long long)sv->id);
	listed(l, value, sv->kind == SURVEY_KIND_CONSULTATION ? tr(l->req, "Consultation") :
	    tr(l->req, "Survey"), sv->title);
	return 0;
}

static int
list_poll(void *arg, const struct poll *p)
{
	struct listing *l = arg;
	char value[48];

	snprintf(value, sizeof(value), "poll:%lld", (long long)p->id);
	listed(l, value, tr(l->req, "Poll"), p->question);
	return 0;
}

/* One box; the first is "links", which the error summary leads to. */
static void
box(json_t *boxes, const char *value, const char *kind, json_t *title, bool checked)
{
	char id[32];
	size_t n = json_array_size(boxes);

	if (n == 0)
		snprintf(id, sizeof(id), "links");
	else
		snprintf(id, sizeof(id), "links-%zu", n + 1);
	json_array_append_new(boxes, json_pack("{s:s, s:s, s:s, s:O, s:b}", "id", id, "value",
	    value, "kind", kind, "title", title, "checked", checked));
}

/*
 * The boxes to tick: first each link ticked now (`have`, from the outcome
 * or the form) that the list below does not hold (a question of a survey,
 * linked through the API, or an older engagement), so that saving the
 * form keeps it; then the organisation's surveys, consultations and polls,
 * newest first, ticked where `have` has them.  New reference, or NULL.
 */
static json_t *
link_boxes(struct http_request *req, const struct outcome_link *have, int have_n)
{
	struct auth *a = pages_staff(req);
	struct listing l = { req, json_array(), json_object() };
	json_t *boxes = NULL, *ticked = json_object(), *item;
	char value[160];
	size_t k;
	int i, rc;

	rc = store_survey_each(req->app->store, &req->arena, a->user.org_id, 0, LINK_CHOICES_MAX,
	    list_survey, &l);
	if (rc == 0)
		rc = store_poll_each(req->app->store, &req->arena, a->user.org_id, 0,
		    LINK_CHOICES_MAX, list_poll, &l);
	if (rc != 0)
		goto done;
	boxes = json_array();
	for (i = 0; i < have_n; i++) {
		link_value(&have[i], value, sizeof(value));
		if (json_object_get(ticked, value) != NULL)
			continue;
		json_object_set_new(ticked, value, json_true());
		if (json_object_get(l.listed, value) == NULL) {
			json_t *title = have[i].title.n > 0 ? pages_string(have[i].title) :
			    json_string(value);

			box(boxes, value, have[i].kind == OUTCOME_LINK_POLL ? tr(req, "Poll") :
			    tr(req, "Survey"), title, true);
			json_decref(title);
		}
	}
	json_array_foreach(l.items, k, item) {
		const char *v = json_string_value(json_object_get(item, "value"));

		box(boxes, v, json_string_value(json_object_get(item, "kind")),
		    json_object_get(item, "title"), json_object_get(ticked, v) != NULL);
	}
done:
	json_decref(l.items);
	json_decref(l.listed);
	json_decref(ticked);
	return boxes;
}

static int
form_page(struct http_request *req, struct http_response *res, int status, int64_t id,
    const struct outcome_form *f, const struct outcome_link *links, int link_n,
    const struct errors *e)
{
	static const char *const part_labels[DAY_PARTS] = { N_("Day"), N_("Month"),
	    N_("Year") };
	char action[PATH_MAX_LEN], back[64];
	json_t *ctx, *errors = NULL, *parts = json_array(), *date, *choices, *form;
	int i;

	if (id != 0) {
		snprintf(back, sizeof(back), "/staff/outcomes/%lld", (long long)id);
		snprintf(action, sizeof(action), "%s/edit", back);
	} else {
		snprintf(back, sizeof(back), "/staff/outcomes");
		snprintf(action, sizeof(action), "/staff/outcomes");
	}
	if ((choices = link_boxes(req, links, link_n)) == NULL) {
		json_decref(parts);
		return reply_error(req, res, ERR_IO, NULL);
	}
	ctx = pages_staff_ctx(req, id ? N_("Change the outcome") : N_("Write an outcome"), back);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
	}
	for (i = 0; i < DAY_PARTS; i++)
		json_array_append_new(parts, json_pack("{s:s, s:s, s:i, s:o}", "name",
		    day_part_names[i], "label", tr(req, part_labels[i]), "width", i == 2 ? 4 : 2,
		    "value", pages_string(f->day[i])));
	date = json_pack("{s:s, s:o}", "id", "decided_on", "parts", parts);
	pages_copy_error(date, errors, "decided_on", "error");
	form = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "title", pages_string(f->title),
	    "you_said", pages_string(f->you_said), "decision", pages_string(f->decision),
	    "what_changed", pages_string(f->what_changed), "decided_by",
	    pages_string(f->decided_by), "decided_on", date, "links", choices);
	{
		static const char *const fields[] = { "title", "you_said", "decision",
			"what_changed", "decided_by", "links" };
		char key[48];
		size_t k;

		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			snprintf(key, sizeof(key), "%s_error", fields[k]);
			pages_copy_error(form, errors, fields[k], key);
		}
	}
	json_object_set_new(ctx, "heading", json_string(id ?
	    tr(req, "Change the outcome") : tr(req, "Write an outcome")));
	json_object_set_new(ctx, "submit", json_string(id ? tr(req, "Save changes") :
	    tr(req, "Save as a draft")));
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "form", form);
	/* A group's errors lead to its first box. */
	pages_relink(ctx, "decided_on", "decided_on-day");
	res->status = status;
	return page_render(req, res, "staff/outcome_form", ctx);
}

int
handle_staff_outcome_new(struct http_request *req, struct http_response *res)
{
	struct outcome_form f;

	memset(&f, 0, sizeof(f));
	return form_page(req, res, 200, 0, &f, NULL, 0, NULL);
}

/* "2026-12-07" into its boxes, kept in text. */
static void
day_boxes(struct str day, struct str out[DAY_PARTS], char text[DAY_PARTS][8])
{
	int y, m, d;

	if (day.n != 10 || sscanf(day.p, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	snprintf(text[0], 8, "%d", d);
	snprintf(text[1], 8, "%d", m);
	snprintf(text[2], 8, "%d", y);
	for (int i = 0; i < DAY_PARTS; i++)
		out[i] = str_c(text[i]);
}

int
handle_staff_outcome_edit(struct http_request *req, struct http_response *res)
{
	struct outcome_form f;
	struct outcome *o;
	char text[DAY_PARTS][8];

	if (load_draft(req, res, &o) != 0)
		return HTTP_DONE;
	memset(&f, 0, sizeof(f));
	f.title = o->title;
	f.you_said = o->you_said;
	f.decision = o->decision;
	f.what_changed = o->what_changed;
	f.decided_by = o->decided_by;
	day_boxes(o->decided_on, f.day, text);
	return form_page(req, res, 200, o->id, &f, o->links, o->link_n, NULL);
}

/* The three boxes as YYYY-MM-DD into out (11 bytes): 0, or -1 when one is
 * empty or not a number (outcome_check says whether the date is real). */
static int
day_of(const struct str box[DAY_PARTS], char out[11])
{
	unsigned v[DAY_PARTS];

	for (int i = 0; i < DAY_PARTS; i++) {
		struct str b = str_trim(box[i]);
		char digits[8];

		/* Day and month of one or two digits, a year of four. */
		if (b.n == 0 || (i < 2 && b.n > 2) || (i == 2 && b.n != 4))
			return -1;
		for (size_t j = 0; j < b.n; j++)
			if (!isdigit((unsigned char)b.p[j]))
				return -1;
		memcpy(digits, b.p, b.n);
		digits[b.n] = '\0';
		v[i] = (unsigned)atoi(digits);
	}
	snprintf(out, 11, "%04u-%02u-%02u", v[2] % 10000, v[1] % 100, v[0] % 100);
	return 0;
}

/* Checks the posted form and saves it: a new draft (existing NULL) or the
 * changes to one. */
static int
save_form(struct http_request *req, struct http_response *res, struct outcome *existing)
{
	struct auth *a = pages_staff(req);
	struct outcome_form *f;
	struct outcome o;
	struct errors e;
	char name[32], day[11], now_day[TIMEFMT_DAY_MAX];
	int i, rc;

	/* The form holds a box for each engagement offered: too big for the
	 * stack of a server thread. */
	if ((f = arena_zalloc(&req->arena, sizeof(*f))) == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	errors_init_in(&e, req->lang);
	input_read(req, f, NULL, &e);
	for (i = 0; i < DAY_PARTS; i++) {
		snprintf(name, sizeof(name), "decided_on-%s", day_part_names[i]);
		if (!http_form(req, name, &f->day[i]))
			f->day[i] = (struct str){ "", 0 };
	}
	memset(&o, 0, sizeof(o));
	if (existing != NULL)
		o.id = existing->id;
	o.org_id = a->user.org_id;
	o.title = f->title;
	o.you_said = f->you_said;
	o.decision = f->decision;
	o.what_changed = f->what_changed;
	o.decided_by = f->decided_by;
	if (day_of(f->day, day) != 0) {
		errors_add(&e, "decided_on", "%s", N_("Enter the date of the decision, for example "
		    "27 3 2026"));
		/* A stand-in outcome_check takes, so the date has one message;
		 * nothing is saved while there is an error. */
		snprintf(day, sizeof(day), "2000-01-01");
	}
	o.decided_on = str_c(arena_strdup(&req->arena, str_c(day)));
	o.links = arena_array(&req->arena, (size_t)f->link_n + 1, sizeof(*o.links));
	if (o.links == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	for (i = 0; i < f->link_n; i++) {
		if (!link_parse(f->links[i], &o.links[o.link_n])) {
			errors_add(&e, "links", "%s", N_("Select what the outcome answers from "
			    "the list"));
			break;
		}
		o.link_n++;
	}
	/* The rules run after a form error too, so every problem is listed. */
	if (outcome_check(&o, timefmt_london_day(req->now, now_day) == 0 ? now_day : NULL,
	    &e) != 0 || errors_any(&e))
		goto refused;
	if (existing != NULL)
		rc = store_outcome_update(req->app->store, &a->actor, &o, &e);
	else
		rc = store_outcome_create(req->app->store, &a->actor, &o, &e);
	if (rc == ERR_INVALID) {
		/* A link to what is not the organisation's: its box is "links". */
		struct errors kept;

		errors_init_in(&kept, req->lang);
		for (i = 0; i < e.n; i++)
			errors_add(&kept, strncmp(e.list[i].field, "links", 5) == 0 ? "links" :
			    e.list[i].field, "%s", e.list[i].detail);
		e = kept;
		goto refused;
	}
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	redirect_to(res, o.id, existing ? "?done=saved" : "?done=created");
	return HTTP_DONE;
refused:
	return form_page(req, res, 422, existing ? existing->id : 0, f, o.links, o.link_n, &e);
}

int
handle_staff_outcome_create(struct http_request *req, struct http_response *res)
{
	return save_form(req, res, NULL);
}

int
handle_staff_outcome_update(struct http_request *req, struct http_response *res)
{
	struct outcome *o;

	if (load_draft(req, res, &o) != 0)
		return HTTP_DONE;
	return save_form(req, res, o);
}

/* ---- one outcome ------------------------------------------------------------------------ */

/* What the page says after each change that leads back to it. */
static const struct pages_done done_texts[] = {
	{ "created", N_("The draft has been saved. Publish it when it is ready.") },
	{ "saved", N_("Your changes have been saved.") },
	{ "published", N_("The outcome has been published.") },
};
#define DONE_N (sizeof(done_texts) / sizeof(done_texts[0]))

int
handle_staff_outcome_view(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	json_t *ctx, *links = json_array(), *v;
	struct outcome *o;
	const char *done;
	char href[PATH_MAX_LEN];
	int i;

	if (load_own(req, res, &o) != 0) {
		json_decref(links);
		return HTTP_DONE;
	}
	for (i = 0; i < o->link_n; i++) {
		const struct outcome_link *l = &o->links[i];

		snprintf(href, sizeof(href), l->kind == OUTCOME_LINK_POLL ? "/staff/polls/%lld" :
		    "/staff/surveys/%lld", (long long)l->id);
		v = json_pack("{s:s, s:o, s:s}", "kind", l->kind == OUTCOME_LINK_POLL ?
		    tr(req, "Poll") : tr(req, "Survey"), "title", pages_string(l->title), "href",
		    href);
		if (l->question.n > 0)
			json_object_set_new(v, "question", pages_string(l->question));
		json_array_append_new(links, v);
	}
	snprintf(href, sizeof(href), "/o/%s/you-said-we-did/%lld", a->org.slug,
	    (long long)o->id);
	v = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:s, s:o}", "id",
	    (json_int_t)o->id, "title", pages_string(o->title), "you_said_html",
	    pages_markdown_json(o->you_said), "decision_html", pages_markdown_json(o->decision),
	    "decided_by", pages_string(o->decided_by), "decided_on", pages_string(o->decided_on),
	    "published", o->published_at != 0, "published_on", pages_date(req, o->published_at),
	    "public_href", href, "links", links);
	if (o->what_changed.n > 0)
		json_object_set_new(v, "what_changed_html", pages_markdown_json(o->what_changed));
	ctx = pages_staff_ctx(req, N_("Outcome"), "/staff/outcomes");
	json_object_set_new(ctx, "title", pages_string(o->title));
	json_object_set_new(ctx, "outcome", v);
	if ((done = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	return page_render(req, res, "staff/outcome", ctx);
}

/* ---- publish and delete ----------------------------------------------------------------- */

static int
confirm_page(struct http_request *req, struct http_response *res, const struct outcome *o,
    bool publish)
{
	char action[PATH_MAX_LEN], cancel[64];
	json_t *ctx;

	snprintf(cancel, sizeof(cancel), "/staff/outcomes/%lld", (long long)o->id);
	snprintf(action, sizeof(action), "%s/%s", cancel, publish ? "publish" : "delete");
	ctx = pages_staff_ctx(req, publish ? N_("Publish the outcome") : N_("Delete the draft"),
	    cancel);
	json_object_set_new(ctx, "outcome_title", pages_string(o->title));
	json_object_set_new(ctx, "publish", json_boolean(publish));
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "cancel", json_string(cancel));
	return page_render(req, res, "staff/outcome_confirm", ctx);
}

int
handle_staff_outcome_publish_form(struct http_request *req, struct http_response *res)
{
	struct outcome *o;

	if (load_draft(req, res, &o) != 0)
		return HTTP_DONE;
	return confirm_page(req, res, o, true);
}

int
handle_staff_outcome_publish(struct http_request *req, struct http_response *res)
{
	struct outcome *o;
	int rc;

	if (load_draft(req, res, &o) != 0)
		return HTTP_DONE;
	rc = outcome_publish_now(req, o);
	if (rc == ERR_CONFLICT)
		return reply_error_text(req, res, rc, tr(req, "The outcome is published already."));
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	redirect_to(res, o->id, "?done=published");
	return HTTP_DONE;
}

int
handle_staff_outcome_delete_form(struct http_request *req, struct http_response *res)
{
	struct outcome *o;

	if (load_draft(req, res, &o) != 0)
		return HTTP_DONE;
	return confirm_page(req, res, o, false);
}

int
handle_staff_outcome_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct outcome *o;
	int rc;

	if (load_draft(req, res, &o) != 0)
		return HTTP_DONE;
	rc = store_outcome_delete(req->app->store, &a->actor, a->user.org_id, o->id);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	http_response_redirect(res, 303, "/staff/outcomes?done=deleted");
	return HTTP_DONE;
}
