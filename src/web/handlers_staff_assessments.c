/*
 * handlers_staff_assessments.c - the staff pages of assessments of the
 * duty to involve:
 *
 *   /staff/assessments            the organisation's assessments; record one
 *   /staff/assessments/new        the form for a new one
 *   /staff/assessments/{id}       one, as its evidence trail: the proposal, the
 *                                 assessment, each engagement linked to it with its
 *                                 dates, state and answers, and the decision
 *   /staff/assessments/{id}/edit  change it (the decision too, once made)
 *   /staff/assessments/{id}/link, /unlink   link a survey, consultation or poll, or not
 *
 * What an assessment must say is assessment_check's, as for the API.
 * Every member of staff may read them; administrators and engagement
 * officers (the route's rule) record and change them.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/store_consultation.h"
#include "involve/store_outcome.h"
#include "involve/timefmt.h"
#include "handlers.h"
#include "pages.h"

#define PATH_MAX_LEN 256
#define STAFF_ASSESSMENTS_PAGE 50
#define LINK_CHOICES_MAX 200 /* surveys and polls offered to link, each */
#define DATE_PARTS 5

/* ---- the declared fields -------------------------------------------------------------- */

struct assessment_form {
	struct str title, proposal, affected;
	int involvement;               /* enum involvement, -1 when not chosen */
	struct str reason;
	int method_n;
	struct str methods[METHOD_N];
	struct str approach;
	int duty_n;
	struct str duties[DUTY_N];
	struct str duty_other;
	struct str decision;
	int64_t decided_at;
	struct str date[DATE_PARTS];   /* the date boxes as typed */
};

static const struct input_field assessment_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct assessment_form, title), 0, 0, 0, NULL,
	    N_("the proposed change") },
	{ "proposal", INPUT_TEXT, 0, offsetof(struct assessment_form, proposal), 0, 0, 0, NULL,
	    N_("what changes") },
	{ "affected", INPUT_TEXT, 0, offsetof(struct assessment_form, affected), 0, 0, 0, NULL,
	    N_("who is affected") },
	{ "involvement", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct assessment_form,
	    involvement), 0, 0, 0, involvement_names, N_("whether people must be involved") },
	{ "reason", INPUT_TEXT, 0, offsetof(struct assessment_form, reason), 0, 0, 0, NULL,
	    N_("why people need not be involved") },
	{ "methods", INPUT_TEXTS, 0, offsetof(struct assessment_form, methods),
	    offsetof(struct assessment_form, method_n), 0, METHOD_N, NULL,
	    N_("how people will be involved") },
	{ "approach", INPUT_TEXT, 0, offsetof(struct assessment_form, approach), 0, 0, 0, NULL,
	    N_("how people will be involved") },
	{ "duties", INPUT_TEXTS, 0, offsetof(struct assessment_form, duties),
	    offsetof(struct assessment_form, duty_n), 0, DUTY_N, NULL, N_("the duties") },
	{ "duty_other", INPUT_TEXT, 0, offsetof(struct assessment_form, duty_other), 0, 0, 0,
	    NULL, N_("the other duty") },
	{ "decision", INPUT_TEXT, 0, offsetof(struct assessment_form, decision), 0, 0, 0, NULL,
	    N_("the decision") },
	{ "decided_at", INPUT_DATE, 0, offsetof(struct assessment_form, decided_at), 0, 0, 0, NULL,
	    N_("decision's") },
};
const struct input_spec staff_assessment_input = { INPUT_FORM, 11, assessment_fields };

struct link_form {
	int64_t survey;
	int64_t poll;
};

static const struct input_field link_fields[] = {
	{ "survey", INPUT_ID, 0, offsetof(struct link_form, survey), 0, 0, 0, NULL,
	    N_("a survey or consultation") },
	{ "poll", INPUT_ID, 0, offsetof(struct link_form, poll), 0, 0, 0, NULL, N_("a poll") },
};
const struct input_spec staff_assessment_link_input = { INPUT_FORM, 2, link_fields };

/* ---- helpers ---------------------------------------------------------------------------- */

static const char *const date_part_names[DATE_PARTS] = { "day", "month", "year", "hour",
	"minute" };

static void
redirect_to(struct http_response *res, int64_t id, const char *suffix)
{
	char to[PATH_MAX_LEN];

	snprintf(to, sizeof(to), "/staff/assessments/%lld%s", (long long)id, suffix);
	http_response_redirect(res, 303, to);
}

/* Assessment {id} of the signed-in staff's organisation: 0, or -1 with
 * res filled (404 for another organisation's). */
static int
load_own(struct http_request *req, struct http_response *res, struct assessment **out)
{
	int rc = store_assessment_get(req->app->store, &req->arena, http_param_id(req, "id"),
	    out);

	return pages_staff_own(req, res, rc, rc == 0 ? (*out)->org_id : 0);
}

/* The labels of a set's members, as a list of strings. */
static json_t *
labels_of(const struct http_request *req, unsigned bits, int n, const char *(*label)(int))
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < n; i++)
		if (bits & (1u << i))
			json_array_append_new(list, json_string(tr(req, label(i))));
	return list;
}

static const char *
method_label(int i)
{
	return involve_method_label((enum involve_method)i);
}

static const char *
duty_label(int i)
{
	return involve_duty_label((enum involve_duty)i);
}

/* ---- the list ------------------------------------------------------------------------------ */

struct list_rows {
	struct http_request *req;
	json_t *items;
};

static int
list_row(void *arg, const struct assessment *as)
{
	struct list_rows *r = arg;
	char href[PATH_MAX_LEN];

	snprintf(href, sizeof(href), "/staff/assessments/%lld", (long long)as->id);
	json_array_append_new(r->items, json_pack("{s:o, s:s, s:s, s:b, s:o}", "title",
	    pages_string(as->title), "href", href, "involvement",
	    tr(r->req, involvement_label(as->involvement)), "decided", as->decided_at != 0, "created",
	    pages_date(r->req, as->created_at)));
	return 0;
}

int
handle_staff_assessments(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct list_rows r = { req, json_array() };
	json_t *ctx;
	int rc;

	rc = store_assessment_each(req->app->store, &req->arena, a->user.org_id, 0,
	    STAFF_ASSESSMENTS_PAGE, list_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	ctx = pages_staff_ctx(req, N_("Duty to involve"), "/staff/");
	json_object_set_new(ctx, "assessments", r.items);
	json_object_set_new(ctx, "org_name", json_string(a->org.name));
	return page_render(req, res, "staff/assessments", ctx);
}

/* ---- the form ------------------------------------------------------------------------------ */

/* t's UK wall-clock date and time as the date boxes show them. */
static void
date_boxes(int64_t t, struct str out[DATE_PARTS], char text[DATE_PARTS][8])
{
	struct timefmt_parts p;
	int v[DATE_PARTS], i;

	if (t == 0 || timefmt_london_parts(t, &p) != 0)
		return;
	v[0] = p.day;
	v[1] = p.month;
	v[2] = p.year;
	v[3] = p.hour;
	v[4] = p.minute;
	for (i = 0; i < DATE_PARTS; i++) {
		snprintf(text[i], 8, i == 4 ? "%02d" : "%d", v[i]);
		out[i] = str_c(text[i]);
	}
}

/* A choice list ({value, label, checked, id}) for names, with bits
 * checked; ids "FIELD", "FIELD-2", ... as the error summary links to the
 * first. */
static json_t *
choices(const struct http_request *req, const char *field, const char *const *names, int n,
    const char *(*label)(int), unsigned bits)
{
	json_t *list = json_array();
	char id[48];
	int i;

	for (i = 0; i < n; i++) {
		if (i == 0)
			snprintf(id, sizeof(id), "%s", field);
		else
			snprintf(id, sizeof(id), "%s-%d", field, i + 1);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "value", names[i],
		    "label", tr(req, label(i)), "id", id, "checked", (bits & (1u << i)) != 0));
	}
	return list;
}

static const char *
involvement_label_at(int i)
{
	return involvement_label((enum involvement)i);
}

static int
form_page(struct http_request *req, struct http_response *res, int status, int64_t id,
    const struct assessment_form *f, unsigned methods, unsigned duties, const struct errors *e)
{
	static const char *const part_labels[DATE_PARTS] = { N_("Day"), N_("Month"),
		N_("Year"), N_("Hour"), N_("Minute") };
	char action[PATH_MAX_LEN], back[64];
	json_t *ctx, *errors = NULL, *parts = json_array(), *date;
	int i;

	if (id != 0) {
		snprintf(back, sizeof(back), "/staff/assessments/%lld", (long long)id);
		snprintf(action, sizeof(action), "%s/edit", back);
	} else {
		snprintf(back, sizeof(back), "/staff/assessments");
		snprintf(action, sizeof(action), "/staff/assessments");
	}
	ctx = pages_staff_ctx(req, id ? N_("Change the assessment") :
	    N_("Assess the duty to involve"), back);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
	}
	for (i = 0; i < DATE_PARTS; i++)
		json_array_append_new(parts, json_pack("{s:s, s:s, s:i, s:o}", "name",
		    date_part_names[i], "label", tr(req, part_labels[i]), "width", i == 2 ? 4 : 2, "value",
		    pages_string(f->date[i])));
	date = json_pack("{s:s, s:o}", "id", "decided_at", "parts", parts);
	pages_copy_error(date, errors, "decided_at", "error");
	json_object_set_new(ctx, "heading", json_string(id ?
	    tr(req, "Change the assessment") : tr(req, "Assess the duty to involve")));
	json_object_set_new(ctx, "submit", json_string(id ? tr(req, "Save changes") :
	    tr(req, "Save assessment")));
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "form", json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o}", "title", pages_string(f->title), "proposal", pages_string(f->proposal),
	    "affected", pages_string(f->affected), "involvement", choices(req, "involvement",
	    involvement_names, INVOLVEMENT_N, involvement_label_at, f->involvement >= 0 ?
	    1u << f->involvement : 0), "reason", pages_string(f->reason), "methods",
	    choices(req, "methods", involve_method_names, METHOD_N, method_label, methods), "approach",
	    pages_string(f->approach), "duties", choices(req, "duties", involve_duty_names, DUTY_N,
	    duty_label, duties), "duty_other", pages_string(f->duty_other), "decision",
	    pages_string(f->decision), "decided_at", date));
	{
		static const char *const fields[] = { "title", "proposal", "affected",
			"involvement", "reason", "methods", "approach", "duties", "duty_other",
			"decision" };
		json_t *form = json_object_get(ctx, "form");
		char key[48];
		size_t k;

		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			snprintf(key, sizeof(key), "%s_error", fields[k]);
			pages_copy_error(form, errors, fields[k], key);
		}
	}
	/* A group's errors lead to its first box. */
	{
		json_t *item;
		size_t k;

		json_array_foreach(json_object_get(ctx, "error_summary"), k, item) {
			const char *fid = json_string_value(json_object_get(item, "field_id"));

			if (fid != NULL && strcmp(fid, "decided_at") == 0)
				json_object_set_new(item, "field_id",
				    json_string("decided_at-day"));
		}
	}
	res->status = status;
	return page_render(req, res, "staff/assessment_form", ctx);
}

int
handle_staff_assessment_new(struct http_request *req, struct http_response *res)
{
	struct assessment_form f;

	memset(&f, 0, sizeof(f));
	f.involvement = -1;
	return form_page(req, res, 200, 0, &f, 0, 0, NULL);
}

/* The form for assessment as. */
static void
form_of(const struct assessment *as, struct assessment_form *f, char text[DATE_PARTS][8])
{
	memset(f, 0, sizeof(*f));
	f->title = as->title;
	f->proposal = as->proposal;
	f->affected = as->affected;
	f->involvement = (int)as->involvement;
	f->reason = as->reason;
	f->approach = as->approach;
	f->duty_other = as->duty_other;
	f->decision = as->decision;
	f->decided_at = as->decided_at;
	date_boxes(as->decided_at, f->date, text);
}

int
handle_staff_assessment_edit(struct http_request *req, struct http_response *res)
{
	struct assessment_form f;
	struct assessment *as;
	char text[DATE_PARTS][8];

	if (load_own(req, res, &as) != 0)
		return HTTP_DONE;
	form_of(as, &f, text);
	return form_page(req, res, 200, as->id, &f, as->methods, as->duties, NULL);
}

/* The domain names an item of a list ("methods[1]", as the API's JSON has
 * it); the page has one group of checkboxes for the list, which its error
 * summary must lead to. */
static void
lists_to_groups(struct errors *e)
{
	char *bracket;

	for (int i = 0; i < e->n; i++)
		if ((bracket = strchr(e->list[i].field, '[')) != NULL)
			*bracket = '\0';
}

/* Checks the posted form and saves it: a new assessment (existing NULL)
 * or the changes to one. */
static int
save_form(struct http_request *req, struct http_response *res, struct assessment *existing)
{
	struct auth *a = pages_staff(req);
	struct assessment_form f;
	struct assessment as;
	struct errors e;
	char name[32];
	int i, rc;

	memset(&f, 0, sizeof(f));
	f.involvement = -1;
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	for (i = 0; i < DATE_PARTS; i++) {
		snprintf(name, sizeof(name), "decided_at-%s", date_part_names[i]);
		http_form(req, name, &f.date[i]);
	}
	if (existing != NULL)
		as = *existing;
	else
		memset(&as, 0, sizeof(as));
	as.org_id = a->user.org_id;
	as.title = f.title;
	as.proposal = f.proposal;
	as.affected = f.affected;
	as.involvement = f.involvement >= 0 ? (enum involvement)f.involvement :
	    INVOLVEMENT_UNDECIDED;
	as.reason = f.reason;
	as.methods = involve_set_from_list(f.methods, f.method_n, involve_method_names, "methods",
	    &e);
	as.approach = f.approach;
	as.duties = involve_set_from_list(f.duties, f.duty_n, involve_duty_names, "duties", &e);
	as.duty_other = f.duty_other;
	as.decision = f.decision;
	as.decided_at = errors_has_field(&e, "decided_at") ? 0 : f.decided_at;
	/* The rules run after a form error too, so every problem is listed. */
	if (assessment_check(&as, req->now, &e) != 0 || errors_any(&e)) {
		lists_to_groups(&e);
		return form_page(req, res, 422, existing ? existing->id : 0, &f, as.methods,
		    as.duties, &e);
	}
	if (existing != NULL)
		rc = store_assessment_update(req->app->store, &a->actor, &as);
	else
		rc = store_assessment_create(req->app->store, &a->actor, &as);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	redirect_to(res, as.id, existing ? "?done=saved" : "?done=created");
	return HTTP_DONE;
}

int
handle_staff_assessment_create(struct http_request *req, struct http_response *res)
{
	return save_form(req, res, NULL);
}

int
handle_staff_assessment_update(struct http_request *req, struct http_response *res)
{
	struct assessment *as;

	if (load_own(req, res, &as) != 0)
		return HTTP_DONE;
	return save_form(req, res, as);
}

/* ---- the evidence trail ---------------------------------------------------------------------- */

struct trail {
	struct http_request *req;
	json_t *links;
	json_t *linked;         /* "survey:ID", "poll:ID" -> true */
	json_t *surveys, *polls; /* what may still be linked */
	json_t *outcomes;       /* published outcomes of the linked engagements */
	json_t *outcome_seen;   /* outcome id -> true: one answering two is listed once */
};

static int
outcome_row(void *arg, const struct outcome *o)
{
	struct trail *t = arg;
	char href[PATH_MAX_LEN], key[24];

	snprintf(key, sizeof(key), "%lld", (long long)o->id);
	if (json_object_get(t->outcome_seen, key) != NULL)
		return 0;
	json_object_set_new(t->outcome_seen, key, json_true());
	snprintf(href, sizeof(href), "/staff/outcomes/%lld", (long long)o->id);
	json_array_append_new(t->outcomes, json_pack("{s:o, s:s, s:o}", "title",
	    pages_string(o->title), "href", href, "decided", pages_string(o->decided_on)));
	return 0;
}

/* The words a link's state shows in: the staff pages' status tags, and a
 * consultation's stages after it closes (assessment_link_state's codes). */
static const char *
state_label(struct http_request *req, const char *state)
{
	static const struct {
		const char *code, *label;
	} labels[] = {
		{ "draft", N_("Draft") }, { "scheduled", N_("Scheduled") }, { "open", N_("Open") },
		{ "closed", N_("Closed") }, { "analysing", N_("Analysing responses") },
		{ "outcome_published", N_("Outcome published") },
	};
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(state, labels[i].code) == 0)
			return tr(req, labels[i].label);
	return state;
}

static int
link_row(void *arg, const struct assessment_link *l)
{
	struct trail *t = arg;
	struct auth *a = pages_staff(t->req);
	char href[PATH_MAX_LEN], key[48];
	const char *state = state_label(t->req, assessment_link_state(l, t->req->now));
	json_t *o;

	if (l->kind == LINK_POLL)
		snprintf(href, sizeof(href), "/staff/polls/%lld", (long long)l->id);
	else if (l->survey_kind == SURVEY_KIND_CONSULTATION)
		snprintf(href, sizeof(href), "/staff/consultations/%lld", (long long)l->id);
	else
		snprintf(href, sizeof(href), "/o/%s/surveys/%lld", a->org.slug, (long long)l->id);
	snprintf(key, sizeof(key), "%s:%lld", link_kind_name(l->kind), (long long)l->id);
	o = json_pack("{s:s, s:I, s:s, s:o, s:s, s:s, s:I, s:o, s:o, s:o, s:o}", "kind",
	    link_kind_name(l->kind), "id", (json_int_t)l->id, "label", tr(t->req,
	    assessment_link_label(l)), "title", pages_string(l->title), "href", href, "state", state,
	    "responses",
	    (json_int_t)l->responses, "opens", pages_time(t->req, l->opens_at), "closes",
	    pages_time(t->req, l->closed_at ? l->closed_at : l->closes_at), "linked",
	    pages_date(t->req, l->linked_at), "linked_by", pages_string(l->linked_by));
	if (o == NULL)
		return ERR_NOMEM;
	json_array_append_new(t->links, o);
	json_object_set_new(t->linked, key, json_true());
	return 0;
}

static int
survey_choice(void *arg, const struct survey *sv)
{
	struct trail *t = arg;
	char key[48];

	snprintf(key, sizeof(key), "survey:%lld", (long long)sv->id);
	if (json_object_get(t->linked, key) == NULL)
		json_array_append_new(t->surveys, json_pack("{s:I, s:o, s:s}", "id",
		    (json_int_t)sv->id, "title", pages_string(sv->title), "kind",
		    sv->kind == SURVEY_KIND_CONSULTATION ? tr(t->req, "Consultation") :
		    tr(t->req, "Survey")));
	return 0;
}

static int
poll_choice(void *arg, const struct poll *p)
{
	struct trail *t = arg;
	char key[48];

	snprintf(key, sizeof(key), "poll:%lld", (long long)p->id);
	if (json_object_get(t->linked, key) == NULL)
		json_array_append_new(t->polls, json_pack("{s:I, s:o}", "id", (json_int_t)p->id,
		    "title", pages_string(p->question)));
	return 0;
}

/* What the page says after each change that leads back to it. */
static const struct pages_done done_texts[] = {
	{ "created", N_("The assessment has been recorded.") },
	{ "saved", N_("Your changes have been saved.") },
	{ "linked", N_("The engagement has been linked to this assessment.") },
	{ "unlinked", N_("The engagement is no longer linked to this assessment.") },
};
#define DONE_N (sizeof(done_texts) / sizeof(done_texts[0]))

static int
trail_page(struct http_request *req, struct http_response *res, int status,
    const struct assessment *as, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	struct trail t = { req, json_array(), json_object(), json_array(), json_array(),
		json_array(), json_object() };
	const char *done;
	json_t *ctx, *o;
	size_t i;
	int rc;

	rc = store_assessment_links(req->app->store, &req->arena, as->id, link_row, &t);
	/* Read once the links are: a read inside another's callback would hold
	 * two of the pool's connections at once. */
	for (i = 0; rc == 0 && i < json_array_size(t.links); i++) {
		json_t *l = json_array_get(t.links, i);

		rc = store_outcomes_of(req->app->store, &req->arena, strcmp(json_string_value(
		    json_object_get(l, "kind")), "poll") == 0 ? OUTCOME_LINK_POLL :
		    OUTCOME_LINK_SURVEY, json_integer_value(json_object_get(l, "id")), outcome_row,
		    &t);
	}
	if (rc == 0 && pages_staff_can_manage(req))
		rc = store_survey_each(req->app->store, &req->arena, a->user.org_id, 0,
		    LINK_CHOICES_MAX, survey_choice, &t);
	if (rc == 0 && pages_staff_can_manage(req))
		rc = store_poll_each(req->app->store, &req->arena, a->user.org_id, 0,
		    LINK_CHOICES_MAX, poll_choice, &t);
	json_decref(t.linked);
	json_decref(t.outcome_seen);
	if (rc != 0) {
		json_decref(t.links);
		json_decref(t.surveys);
		json_decref(t.polls);
		json_decref(t.outcomes);
		return reply_error(req, res, rc, NULL);
	}
	o = json_pack("{s:I, s:o, s:o, s:o, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o}", "id", (json_int_t)as->id, "title", pages_string(as->title), "proposal",
	    pages_string(as->proposal), "affected", pages_string(as->affected), "involvement",
	    tr(req, involvement_label(as->involvement)), "required",
	    as->involvement == INVOLVEMENT_REQUIRED, "not_required",
	    as->involvement == INVOLVEMENT_NOT_REQUIRED, "reason", pages_string(as->reason),
	    "methods", labels_of(req, as->methods, METHOD_N, method_label), "approach",
	    pages_string(as->approach), "duties", labels_of(req, as->duties, DUTY_N, duty_label),
	    "duty_other", pages_string(as->duty_other), "decision", pages_string(as->decision),
	    "decided", pages_time(req, as->decided_at), "created", pages_time(req, as->created_at),
	    "created_by", pages_string(as->created_by));
	ctx = pages_staff_ctx(req, N_("Assessment"), "/staff/assessments");
	json_object_set_new(ctx, "title", pages_string(as->title));
	json_object_set_new(ctx, "assessment", o);
	json_object_set_new(ctx, "links", t.links);
	json_object_set_new(ctx, "surveys", t.surveys);
	json_object_set_new(ctx, "polls", t.polls);
	/* "You said, we did": the published outcomes of what followed. */
	json_object_set_new(ctx, "outcomes", t.outcomes);
	if ((done = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	if (e != NULL && errors_any(e))
		page_add_errors(req, ctx, e);
	res->status = status;
	return page_render(req, res, "staff/assessment", ctx);
}

int
handle_staff_assessment_view(struct http_request *req, struct http_response *res)
{
	struct assessment *as;

	if (load_own(req, res, &as) != 0)
		return HTTP_DONE;
	return trail_page(req, res, 200, as, NULL);
}

/* Reads which engagement the form names: 0 with *kind and *id, or
 * ERR_INVALID with e filled. */
static int
engagement_of(struct http_request *req, enum link_kind *kind, int64_t *id, struct errors *e)
{
	struct link_form f = { 0, 0 };

	if (input_read(req, &f, NULL, e) != 0)
		return ERR_INVALID;
	if ((f.survey != 0) == (f.poll != 0)) {
		errors_add(e, f.survey ? "survey" : "poll",
		    "%s", N_("Select a survey, consultation or poll"));
		return ERR_INVALID;
	}
	*kind = f.poll ? LINK_POLL : LINK_SURVEY;
	*id = f.poll ? f.poll : f.survey;
	return 0;
}

int
handle_staff_assessment_link(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct assessment *as;
	enum link_kind kind;
	struct errors e;
	int64_t id;
	int rc;

	if (load_own(req, res, &as) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (engagement_of(req, &kind, &id, &e) != 0)
		return trail_page(req, res, 422, as, &e);
	rc = store_assessment_link(req->app->store, &a->actor, as->id, kind, id, req->now, &e);
	if (rc == ERR_NOTFOUND || rc == ERR_DUPLICATE) {
		errors_add(&e, kind == LINK_POLL ? "poll" : "survey", "%s", rc == ERR_DUPLICATE ?
		    N_("That engagement is linked already") : N_("Select one of your "
		    "organisation's engagements"));
		return trail_page(req, res, rc == ERR_DUPLICATE ? 409 : 422, as, &e);
	}
	if (rc == ERR_CONFLICT)
		return trail_page(req, res, 409, as, &e);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	redirect_to(res, as->id, "?done=linked#engagements");
	return HTTP_DONE;
}

int
handle_staff_assessment_unlink(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct assessment *as;
	enum link_kind kind;
	struct errors e;
	int64_t id;
	int rc;

	if (load_own(req, res, &as) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (engagement_of(req, &kind, &id, &e) != 0)
		return trail_page(req, res, 422, as, &e);
	rc = store_assessment_unlink(req->app->store, &a->actor, as->id, kind, id);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	redirect_to(res, as->id, "?done=unlinked#engagements");
	return HTTP_DONE;
}
