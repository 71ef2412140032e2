/*
 * handlers_staff_consultations.c - the staff pages of consultations:
 *
 *   /staff/consultations                         the organisation's consultations; start one
 *   /staff/consultations/{id}                    one: its lifecycle, checklist, documents and
 *                                                files; open, close, start analysing
 *   /staff/consultations/{id}/checklist          record the fair-consultation checklist
 *   /staff/consultations/{id}/documents/new      add a document
 *   /staff/consultations/{id}/documents/{doc}    change one
 *   /staff/consultations/{id}/documents/{doc}/move    one place up or down
 *   /staff/consultations/{id}/documents/{doc}/delete  delete one, once confirmed
 *   /staff/consultations/{id}/attachments/{att}  download a file (a draft's too)
 *   /staff/consultations/{id}/attachments/{att}/delete
 *
 *   /staff/consultations/{id}/documents/{doc}/files   attach a file to one
 *
 * A file is chosen on the document's page and sent in a multipart form,
 * which the adapter reads (http.h); it is checked as the API's are
 * (consultation_attachment_check: its type by its bytes, its size, its
 * name).  A consultation's questions are its survey's, changed as any
 * survey's are.
 *
 * As for every staff page, app.c has checked the session, the CSRF token
 * and the role (the route's rule) first; the organisation is checked
 * here, and what the consultation's state allows is the domain's to say,
 * again inside the store's transaction.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/num.h"
#include "involve/store_consultation.h"
#include "handlers.h"
#include "pages.h"

#define PATH_MAX_LEN 256
#define STAFF_CONSULTATIONS_PAGE 50

/* What a consultation started here asks until its questions are
 * written: one question, answered in words. */
static const char starter_pages[] = "[{\"key\": \"views\", \"title\": \"Your views\", "
	"\"questions\": [{\"key\": \"proposals\", \"type\": \"long_text\", "
	"\"text\": \"What do you think of the proposals?\"}]}]";

/* ---- the declared fields -------------------------------------------------------------- */

struct start_form {
	struct str title;
};

static const struct input_field start_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct start_form, title), 0, 0, 0, NULL,
	    N_("the consultation's title") },
};
const struct input_spec staff_consultation_input = { INPUT_FORM, 1, start_fields };

static const char *const answer_choices[] = { "yes", "no", NULL };

struct checklist_form {
	int answers[CHECK_N];       /* 0 yes, 1 no, -1 not chosen */
	struct str notes[CHECK_N];
};

#define CHECK_FORM_FIELDS(name, i) \
	{ name, INPUT_CHOICE, 0, offsetof(struct checklist_form, answers[i]), 0, 0, 0, \
	    answer_choices, N_("yes or no") }, \
	{ name ".note", INPUT_TEXT, 0, offsetof(struct checklist_form, notes[i]), 0, 0, 0, NULL, \
	    N_("the note") }
static const struct input_field checklist_fields[] = {
	CHECK_FORM_FIELDS("formative", CHECK_FORMATIVE),
	CHECK_FORM_FIELDS("information", CHECK_INFORMATION),
	CHECK_FORM_FIELDS("time", CHECK_TIME),
	CHECK_FORM_FIELDS("consideration", CHECK_CONSIDERATION),
};
const struct input_spec staff_checklist_input = { INPUT_FORM, 2 * CHECK_N, checklist_fields };

struct document_form {
	struct str title, body, easy_read;
};

static const struct input_field document_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct document_form, title), 0, 0, 0, NULL,
	    N_("the title") },
	{ "body", INPUT_TEXT, 0, offsetof(struct document_form, body), 0, 0, 0, NULL,
	    N_("the text") },
	{ "easy_read", INPUT_TEXT, 0, offsetof(struct document_form, easy_read), 0, 0, 0, NULL,
	    N_("the easy read version") },
};
const struct input_spec staff_document_input = { INPUT_FORM, 3, document_fields };

static const char *const direction_choices[] = { "up", "down", NULL };

struct move_form {
	int direction;
};

static const struct input_field move_fields[] = {
	{ "direction", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct move_form, direction), 0, 0, 0,
	    direction_choices, N_("up or down") },
};
const struct input_spec staff_document_move_input = { INPUT_FORM, 1, move_fields };

struct confirm_form {
	bool confirm;
};

static const struct input_field confirm_fields[] = {
	{ "confirm", INPUT_BOOL, 0, offsetof(struct confirm_form, confirm), 0, 0, 0, NULL,
	    N_("that it is to be deleted") },
};
const struct input_spec staff_document_delete_input = { INPUT_FORM, 1, confirm_fields };

/* ---- helpers ---------------------------------------------------------------------------- */

static void
redirect_to(struct http_response *res, int64_t id, const char *suffix)
{
	char to[PATH_MAX_LEN];

	snprintf(to, sizeof(to), "/staff/consultations/%lld%s", (long long)id, suffix);
	http_response_redirect(res, 303, to);
}

/* Consultation {id} of the signed-in staff's organisation into the
 * request's arena: 0, or -1 with res filled (404 for another
 * organisation's, or a survey that is not a consultation). */
static int
load_own(struct http_request *req, struct http_response *res, struct survey **out)
{
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), out);
	if (rc == 0 && ((*out)->org_id != pages_staff(req)->user.org_id ||
	    (*out)->kind != SURVEY_KIND_CONSULTATION))
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

/* ---- the list, and starting one ---------------------------------------------------------- */

struct list_rows {
	struct http_request *req;
	json_t *items;
};

static int
list_row(void *arg, const struct survey *sv)
{
	struct list_rows *r = arg;
	struct consultation k;
	char href[PATH_MAX_LEN];
	int rc;

	if ((rc = store_consultation_get(r->req->app->store, &r->req->arena, sv->id, &k)) != 0)
		return rc;
	snprintf(href, sizeof(href), "/staff/consultations/%lld", (long long)sv->id);
	json_array_append_new(r->items, json_pack("{s:o, s:s, s:s, s:I, s:o}", "title",
	    pages_string(sv->title), "href", href, "stage", tr(r->req, consultation_state_label(
	    consultation_state(sv, k.stage, r->req->now))), "responses",
	    (json_int_t)sv->responses, "created", pages_date(r->req, sv->created_at)));
	return 0;
}

static int
list_page(struct http_request *req, struct http_response *res, int status, struct str title,
    const struct errors *e)
{
	struct auth *a = pages_staff(req);
	struct list_rows r = { req, json_array() };
	json_t *ctx;
	int rc;

	rc = store_consultation_each(req->app->store, &req->arena, a->user.org_id, 0,
	    STAFF_CONSULTATIONS_PAGE, list_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	ctx = pages_staff_ctx(req, N_("Consultations"), "/staff/");
	json_object_set_new(ctx, "consultations", r.items);
	json_object_set_new(ctx, "org_name", json_string(a->org.name));
	json_object_set_new(ctx, "new_title", pages_string(title));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "title", "title_error");
	}
	res->status = status;
	return page_render(req, res, "staff/consultations", ctx);
}

int
handle_staff_consultations(struct http_request *req, struct http_response *res)
{
	return list_page(req, res, 200, STR_LIT(""), NULL);
}

int
handle_staff_consultation_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct start_form f = { { "", 0 } };
	struct survey sv;
	struct survey_def d;
	struct buf text = BUF_INIT;
	struct errors e;
	int64_t next_id = 1;
	int rc;

	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (survey_title_check(f.title, &e) != 0 || errors_any(&e))
		return list_page(req, res, 422, f.title, &e);
	rc = survey_def_parse(str_c(starter_pages), &req->arena, &d, &e);
	if (rc != 0)
		return reply_error(req, res, rc == ERR_NOMEM ? rc : ERR_IO, NULL);
	next_id = d.next_option_id;
	survey_def_write(&d, &text);
	memset(&sv, 0, sizeof(sv));
	sv.org_id = a->user.org_id;
	sv.kind = SURVEY_KIND_CONSULTATION;
	sv.title = str_trim(f.title);
	sv.who = POLL_WHO_ANYONE;
	sv.next_option_id = next_id;
	sv.definition = arena_str(&req->arena, (struct str){ text.p, text.n });
	buf_free(&text);
	if (sv.definition.p == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if ((rc = store_survey_create(req->app->store, &a->actor, &sv)) != 0)
		return reply_error(req, res, rc, NULL);
	redirect_to(res, sv.id, "?done=created");
	return HTTP_DONE;
}

/* ---- one consultation ------------------------------------------------------------------------ */

/* What the page says after each change that leads back to it. */
static const struct pages_done done_texts[] = {
	{ "created", N_("The consultation has been started as a draft. Record its "
	    "checklist and add its documents before opening it.") },
	{ "checklist", N_("The checklist has been recorded.") },
	{ "added", N_("The document has been added.") },
	{ "saved", N_("Your changes to the document have been saved.") },
	{ "moved", N_("The documents are in their new order.") },
	{ "deleted", N_("The document has been deleted.") },
	{ "removed", N_("The file has been removed.") },
	{ "attached", N_("The file has been attached.") },
	{ "opened", N_("The consultation is open.") },
	{ "closed", N_("The consultation is closed.") },
	{ "analysing", N_("The consultation's responses are being analysed.") },
};
#define DONE_N (sizeof(done_texts) / sizeof(done_texts[0]))

static const char *
answer_text(enum check_answer a)
{
	return a == CHECK_YES ? N_("Yes") : a == CHECK_NO ? N_("No") : N_("Not recorded");
}

static json_t *
checklist_value(struct http_request *req, const struct consultation_checklist *c)
{
	json_t *items = json_array();
	char id[48];
	int i;

	for (i = 0; i < CHECK_N; i++) {
		const char *name = consultation_principle_name((enum consultation_principle)i);

		snprintf(id, sizeof(id), "checklist-%s", name);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o, s:b}", "id", id,
		    "question", tr(req, consultation_principle_question((enum consultation_principle)i)),
		    "answer", tr(req, answer_text(c->items[i].answer)), "note",
		    pages_string(c->items[i].note), "recorded",
		    c->items[i].answer != CHECK_UNANSWERED));
	}
	return json_pack("{s:o, s:b, s:o, s:o}", "items", items, "complete",
	    consultation_checklist_complete(c), "by", pages_string(c->recorded_by), "at",
	    pages_time(req, c->recorded_at));
}

struct doc_rows {
	struct http_request *req;
	int64_t survey_id;
	json_t *docs;
	json_t *by_id;
};

static int
doc_row(void *arg, const struct consultation_document *d)
{
	struct doc_rows *r = arg;
	char base[PATH_MAX_LEN], key[24];
	json_t *o;

	snprintf(base, sizeof(base), "/staff/consultations/%lld/documents/%lld",
	    (long long)r->survey_id, (long long)d->id);
	snprintf(key, sizeof(key), "%lld", (long long)d->id);
	o = json_pack("{s:I, s:o, s:s, s:b, s:o, s:o}", "id", (json_int_t)d->id, "title",
	    pages_string(d->title), "href", base, "easy_read", d->has_easy_read, "updated",
	    pages_time(r->req, d->updated_at), "files", json_array());
	if (o == NULL)
		return ERR_NOMEM;
	json_array_append_new(r->docs, o);
	json_object_set(r->by_id, key, o);
	return 0;
}

static int
file_row(void *arg, const struct consultation_attachment *f)
{
	struct doc_rows *r = arg;
	enum attachment_type t = ATTACHMENT_PDF;
	char href[PATH_MAX_LEN], key[24];
	json_t *doc;

	snprintf(key, sizeof(key), "%lld", (long long)f->document_id);
	if ((doc = json_object_get(r->by_id, key)) == NULL)
		return 0;
	snprintf(href, sizeof(href), "/staff/consultations/%lld/attachments/%lld",
	    (long long)r->survey_id, (long long)f->id);
	attachment_type_parse(f->media_type, &t);
	json_array_append_new(json_object_get(doc, "files"), json_pack("{s:o, s:s, s:s, s:I}",
	    "name", pages_string(f->name), "href", href, "type",
	    tr(r->req, attachment_type_label(t)), "size", (json_int_t)f->size));
	return 0;
}

/* The documents with their files and the links to move each. */
static json_t *
documents_value(struct http_request *req, int64_t survey_id)
{
	struct doc_rows r = { req, survey_id, json_array(), json_object() };
	size_t i, n;
	int rc;

	rc = store_document_each(req->app->store, &req->arena, survey_id, doc_row, &r);
	if (rc == 0)
		rc = store_attachment_each(req->app->store, &req->arena, survey_id, file_row, &r);
	json_decref(r.by_id);
	if (rc != 0) {
		json_decref(r.docs);
		return NULL;
	}
	n = json_array_size(r.docs);
	for (i = 0; i < n; i++) {
		json_t *d = json_array_get(r.docs, i);

		json_object_set_new(d, "can_up", json_boolean(i > 0));
		json_object_set_new(d, "can_down", json_boolean(i + 1 < n));
	}
	return r.docs;
}

/* The consultation's own page, with e (may be NULL) from a refused
 * change. */
static int
consultation_view(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	enum poll_status st = survey_status(sv, req->now);
	enum consultation_state state;
	struct consultation k;
	const char *label, *cls, *done;
	char url[PATH_MAX_LEN + 64];
	struct errors ignored;
	json_t *ctx, *docs, *c;
	int rc;

	if ((rc = store_consultation_get(req->app->store, &req->arena, sv->id, &k)) != 0)
		return reply_error(req, res, rc, NULL);
	if ((docs = documents_value(req, sv->id)) == NULL)
		return reply_error(req, res, ERR_IO, NULL);
	state = consultation_state(sv, k.stage, req->now);
	pages_status_tag(st, &label, &cls);
	snprintf(url, sizeof(url), "%s/o/%s/surveys/%lld", req->app->cfg.public_url, a->org.slug,
	    (long long)sv->id);
	errors_init_in(&ignored, req->lang);
	c = json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:b, s:I, s:o, s:o, s:o}", "id",
	    (json_int_t)sv->id, "title", pages_string(sv->title), "status", tr(req, label),
	    "tag_class", cls,
	    "stage", tr(req, consultation_state_label(state)), "public_url", url, "public",
	    st != POLL_DRAFT,
	    "responses", (json_int_t)sv->responses, "opens", pages_time(req, sv->opens_at),
	    "closes", pages_time(req, sv->closed_at ? sv->closed_at : sv->closes_at), "created",
	    pages_time(req, sv->created_at));
	if (c == NULL) {
		json_decref(docs);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	/* What the page offers is what the domain allows now. */
	json_object_set_new(c, "can_open", json_boolean(survey_check_open(sv, req->now,
	    &ignored) == 0));
	json_object_set_new(c, "can_close", json_boolean(st == POLL_OPEN));
	json_object_set_new(c, "can_analyse", json_boolean(consultation_check_stage(sv, k.stage,
	    CONSULTATION_ANALYSING, req->now, &ignored) == 0));
	json_object_set_new(c, "can_edit", json_boolean(consultation_check_documents_edit(sv,
	    req->now, &ignored) == 0));
	json_object_set_new(c, "can_record", json_boolean(st == POLL_DRAFT ||
	    st == POLL_SCHEDULED));
	ctx = pages_staff_ctx(req, N_("Consultation"), "/staff/consultations");
	json_object_set_new(ctx, "title", pages_string(sv->title));
	json_object_set_new(ctx, "consultation", c);
	json_object_set_new(ctx, "checklist", checklist_value(req, &k.checklist));
	json_object_set_new(ctx, "documents", docs);
	if ((done = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	if (e != NULL && errors_any(e))
		page_add_errors(req, ctx, e);
	res->status = status;
	return page_render(req, res, "staff/consultation", ctx);
}

int
handle_staff_consultation_view(struct http_request *req, struct http_response *res)
{
	struct survey *sv;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	return consultation_view(req, res, 200, sv, NULL);
}

typedef int (*consultation_act_fn)(struct http_request *req, const struct survey *sv,
    struct errors *e);

/* Runs act on consultation {id}: back to its page with `done`, or the
 * page again with the refusal's reasons. */
static int
act(struct http_request *req, struct http_response *res, consultation_act_fn fn,
    const char *done)
{
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	rc = fn(req, sv, &e);
	if (rc == ERR_CONFLICT)
		return consultation_view(req, res, 409, sv, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	redirect_to(res, sv->id, done);
	return HTTP_DONE;
}

static int
open_fn(struct http_request *req, const struct survey *sv, struct errors *e)
{
	return store_survey_open(req->app->store, &pages_staff(req)->actor, sv->id, req->now, e);
}

static int
close_fn(struct http_request *req, const struct survey *sv, struct errors *e)
{
	return store_survey_close(req->app->store, &pages_staff(req)->actor, sv->id, req->now, e);
}

static int
analysing_fn(struct http_request *req, const struct survey *sv, struct errors *e)
{
	return store_consultation_set_stage(req->app->store, &pages_staff(req)->actor, sv->id,
	    CONSULTATION_ANALYSING, req->now, e);
}

int
handle_staff_consultation_open(struct http_request *req, struct http_response *res)
{
	return act(req, res, open_fn, "?done=opened");
}

int
handle_staff_consultation_close(struct http_request *req, struct http_response *res)
{
	return act(req, res, close_fn, "?done=closed");
}

int
handle_staff_consultation_analysing(struct http_request *req, struct http_response *res)
{
	return act(req, res, analysing_fn, "?done=analysing");
}

/* ---- the checklist ---------------------------------------------------------------------- */

static int
checklist_page(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const struct checklist_form *f, const struct errors *e)
{
	char action[PATH_MAX_LEN], back[64], id[48];
	json_t *ctx, *items = json_array(), *errors = NULL;
	int i;

	snprintf(action, sizeof(action), "/staff/consultations/%lld/checklist", (long long)sv->id);
	snprintf(back, sizeof(back), "/staff/consultations/%lld", (long long)sv->id);
	ctx = pages_staff_ctx(req, N_("Fair-consultation checklist"), back);
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "consultation", pages_string(sv->title));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
	}
	for (i = 0; i < CHECK_N; i++) {
		const char *name = consultation_principle_name((enum consultation_principle)i);
		json_t *item = json_pack("{s:s, s:s, s:b, s:b, s:o}", "name", name, "question",
		    tr(req, consultation_principle_question((enum consultation_principle)i)), "yes",
		    f->answers[i] == 0, "no", f->answers[i] == 1, "note",
		    pages_string(f->notes[i]));

		if (item == NULL)
			continue;
		pages_copy_error(item, errors, name, "answer_error");
		snprintf(id, sizeof(id), "%s-note", name);
		pages_copy_error(item, errors, id, "note_error");
		json_array_append_new(items, item);
	}
	json_object_set_new(ctx, "items", items);
	res->status = status;
	return page_render(req, res, "staff/consultation_checklist", ctx);
}

int
handle_staff_checklist_form(struct http_request *req, struct http_response *res)
{
	struct checklist_form f;
	struct consultation k;
	struct survey *sv;
	struct errors e;
	int i, rc;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	if ((rc = store_consultation_get(req->app->store, &req->arena, sv->id, &k)) != 0)
		return reply_error(req, res, rc, NULL);
	/* Once open it is the record of the decision to open: nothing to fill in. */
	errors_init_in(&e, req->lang);
	if (consultation_check_checklist_change(sv, &k.checklist, req->now, &e) != 0)
		return reply_error(req, res, ERR_CONFLICT, &e);
	for (i = 0; i < CHECK_N; i++) {
		f.answers[i] = k.checklist.items[i].answer == CHECK_YES ? 0 :
		    k.checklist.items[i].answer == CHECK_NO ? 1 : -1;
		f.notes[i] = k.checklist.items[i].note;
	}
	return checklist_page(req, res, 200, sv, &f, NULL);
}

int
handle_staff_checklist_save(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct consultation_checklist list;
	struct checklist_form f;
	struct survey *sv;
	struct errors e;
	int i, rc;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	memset(&list, 0, sizeof(list));
	for (i = 0; i < CHECK_N; i++) {
		f.answers[i] = -1;
		f.notes[i] = (struct str){ "", 0 };
	}
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	for (i = 0; i < CHECK_N; i++) {
		list.items[i].answer = f.answers[i] == 0 ? CHECK_YES :
		    f.answers[i] == 1 ? CHECK_NO : CHECK_UNANSWERED;
		list.items[i].note = f.notes[i];
	}
	if (consultation_checklist_check(&list, &e) != 0 || errors_any(&e)) {
		/* The form's ids: "formative.note" is the box "formative-note". */
		return checklist_page(req, res, 422, sv, &f, &e);
	}
	rc = store_consultation_set_checklist(req->app->store, &a->actor, sv->id, &list, req->now,
	    &e);
	if (rc == ERR_CONFLICT)
		return checklist_page(req, res, 409, sv, &f, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	redirect_to(res, sv->id, "?done=checklist");
	return HTTP_DONE;
}

/* ---- documents ---------------------------------------------------------------------------- */

/* The files of one document, for its page. */
struct doc_files {
	struct http_request *req;
	int64_t survey_id, document_id;
	json_t *files;
};

static int
doc_file_row(void *arg, const struct consultation_attachment *f)
{
	struct doc_files *r = arg;
	enum attachment_type t = ATTACHMENT_PDF;
	char href[PATH_MAX_LEN];

	if (f->document_id != r->document_id)
		return 0;
	snprintf(href, sizeof(href), "/staff/consultations/%lld/attachments/%lld",
	    (long long)r->survey_id, (long long)f->id);
	attachment_type_parse(f->media_type, &t);
	json_array_append_new(r->files, json_pack("{s:o, s:s, s:s, s:I, s:I}", "name",
	    pages_string(f->name), "href", href, "type", tr(r->req, attachment_type_label(t)),
	    "size", (json_int_t)f->size, "document", (json_int_t)f->document_id));
	return 0;
}

/* A document's page: its text's form, and for a saved one its files and
 * the form that attaches one (e's "file" and "name" errors are the
 * file's). */
static int
document_page(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, int64_t doc, const struct document_form *f, const struct errors *e)
{
	char action[PATH_MAX_LEN], back[64];
	json_t *ctx, *errors;
	struct doc_files files = { req, sv->id, doc, NULL };
	const char *done;

	snprintf(back, sizeof(back), "/staff/consultations/%lld", (long long)sv->id);
	if (doc != 0)
		snprintf(action, sizeof(action), "%s/documents/%lld", back, (long long)doc);
	else
		snprintf(action, sizeof(action), "%s/documents", back);
	ctx = pages_staff_ctx(req, doc ? N_("Change the document") : N_("Add a document"), back);
	json_object_set_new(ctx, "heading", json_string(doc ?
	    tr(req, "Change the document") : tr(req, "Add a document")));
	json_object_set_new(ctx, "submit", json_string(doc ? tr(req, "Save changes") :
	    tr(req, "Add document")));
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "consultation", pages_string(sv->title));
	json_object_set_new(ctx, "doc_title", pages_string(f->title));
	json_object_set_new(ctx, "body", pages_string(f->body));
	json_object_set_new(ctx, "easy_read", pages_string(f->easy_read));
	json_object_set_new(ctx, "body_max_kb",
	    json_integer(CONSULTATION_DOC_BODY_MAX_BYTES / 1024));
	if (doc != 0) {
		int rc;

		files.files = json_array();
		rc = store_attachment_each(req->app->store, &req->arena, sv->id, doc_file_row,
		    &files);
		if (rc != 0) {
			json_decref(files.files);
			json_decref(ctx);
			return reply_error(req, res, rc, NULL);
		}
		snprintf(action, sizeof(action), "%s/documents/%lld/files", back, (long long)doc);
		json_object_set_new(ctx, "upload", json_pack("{s:s, s:o, s:i}", "action", action,
		    "files", files.files, "max_mb", CONSULTATION_FILE_MAX_BYTES / (1024 * 1024)));
		snprintf(action, sizeof(action), "%s/documents/%lld", back, (long long)doc);
	}
	if ((done = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	if (e != NULL && errors_any(e)) {
		struct errors shown = *e;
		int i;

		/* A file's name is the file's: both are shown at its one input. */
		for (i = 0; i < shown.n; i++)
			if (strcmp(shown.list[i].field, "name") == 0)
				snprintf(shown.list[i].field, sizeof(shown.list[i].field), "file");
		page_add_errors(req, ctx, &shown);
		errors = json_object_get(ctx, "errors");
		pages_copy_error(ctx, errors, "title", "title_error");
		pages_copy_error(ctx, errors, "body", "body_error");
		pages_copy_error(ctx, errors, "easy_read", "easy_read_error");
		pages_copy_error(ctx, errors, "file", "file_error");
	}
	res->status = status;
	return page_render(req, res, "staff/consultation_document", ctx);
}

int
handle_staff_document_new(struct http_request *req, struct http_response *res)
{
	struct document_form f = { { "", 0 }, { "", 0 }, { "", 0 } };
	struct survey *sv;
	struct errors e;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (consultation_check_documents_edit(sv, req->now, &e) != 0)
		return reply_error(req, res, ERR_CONFLICT, &e);
	return document_page(req, res, 200, sv, 0, &f, NULL);
}

/* Checks the posted form and saves it: a new document (d->id 0) or the
 * changes to one. */
static int
save_document(struct http_request *req, struct http_response *res, const struct survey *sv,
    struct consultation_document *d)
{
	struct auth *a = pages_staff(req);
	struct document_form f = { { "", 0 }, { "", 0 }, { "", 0 } };
	bool is_new = d->id == 0;
	struct errors e;
	int rc;

	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	d->title = f.title;
	d->body = f.body;
	d->easy_read = f.easy_read;
	if (consultation_document_check(d, &e) != 0 || errors_any(&e))
		return document_page(req, res, 422, sv, d->id, &f, &e);
	if (is_new)
		rc = store_document_add(req->app->store, &a->actor, d, req->now, &e);
	else
		rc = store_document_update(req->app->store, &a->actor, d, req->now, &e);
	if (rc == ERR_CONFLICT)
		return document_page(req, res, 409, sv, is_new ? 0 : d->id, &f, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	redirect_to(res, sv->id, is_new ? "?done=added#documents" : "?done=saved#documents");
	return HTTP_DONE;
}

int
handle_staff_document_create(struct http_request *req, struct http_response *res)
{
	struct consultation_document d;
	struct survey *sv;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	memset(&d, 0, sizeof(d));
	d.survey_id = sv->id;
	return save_document(req, res, sv, &d);
}

/* Document {doc} of consultation sv: 0, or -1 with res filled. */
static int
load_document(struct http_request *req, struct http_response *res, const struct survey *sv,
    struct consultation_document **d)
{
	int rc;

	rc = store_document_get(req->app->store, &req->arena, sv->id, http_param_id(req, "doc"), d);
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

int
handle_staff_document_edit(struct http_request *req, struct http_response *res)
{
	struct consultation_document *d;
	struct document_form f;
	struct survey *sv;
	struct errors e;

	if (load_own(req, res, &sv) != 0 || load_document(req, res, sv, &d) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (consultation_check_documents_edit(sv, req->now, &e) != 0)
		return reply_error(req, res, ERR_CONFLICT, &e);
	f = (struct document_form){ d->title, d->body, d->easy_read };
	return document_page(req, res, 200, sv, d->id, &f, NULL);
}

int
handle_staff_document_update(struct http_request *req, struct http_response *res)
{
	struct consultation_document *d;
	struct survey *sv;

	if (load_own(req, res, &sv) != 0 || load_document(req, res, sv, &d) != 0)
		return HTTP_DONE;
	return save_document(req, res, sv, d);
}

int
handle_staff_document_move(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct move_form f = { -1 };
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = store_document_move(req->app->store, &a->actor, sv->id, http_param_id(req, "doc"),
	    f.direction == 0 ? -1 : 1, req->now, &e);
	if (rc == ERR_CONFLICT)
		return consultation_view(req, res, 409, sv, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	redirect_to(res, sv->id, "?done=moved#documents");
	return HTTP_DONE;
}

static int
delete_page(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const struct consultation_document *d, const struct errors *e)
{
	char action[PATH_MAX_LEN], back[64];
	json_t *ctx;

	snprintf(back, sizeof(back), "/staff/consultations/%lld", (long long)sv->id);
	snprintf(action, sizeof(action), "%s/documents/%lld/delete", back, (long long)d->id);
	ctx = pages_staff_ctx(req, N_("Delete the document"), back);
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "cancel", json_string(back));
	json_object_set_new(ctx, "doc_title", pages_string(d->title));
	json_object_set_new(ctx, "consultation", pages_string(sv->title));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "confirm", "confirm_error");
	}
	res->status = status;
	return page_render(req, res, "staff/consultation_document_delete", ctx);
}

int
handle_staff_document_delete_form(struct http_request *req, struct http_response *res)
{
	struct consultation_document *d;
	struct survey *sv;
	struct errors e;

	if (load_own(req, res, &sv) != 0 || load_document(req, res, sv, &d) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (consultation_check_documents_edit(sv, req->now, &e) != 0)
		return reply_error(req, res, ERR_CONFLICT, &e);
	return delete_page(req, res, 200, sv, d, NULL);
}

int
handle_staff_document_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct consultation_document *d;
	struct confirm_form f = { false };
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_own(req, res, &sv) != 0 || load_document(req, res, sv, &d) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (!f.confirm) {
		errors_add(&e, "confirm", N_("Select \"Yes, delete this document and its files\" "
		    "to delete it"));
		return delete_page(req, res, 422, sv, d, &e);
	}
	rc = store_document_delete(req->app->store, &a->actor, sv->id, d->id, req->now, &e);
	if (rc == ERR_CONFLICT)
		return delete_page(req, res, 409, sv, d, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	redirect_to(res, sv->id, "?done=deleted");
	return HTTP_DONE;
}

/* ---- files ------------------------------------------------------------------------------- */

/* The media type a file chosen in a browser is checked as: the one the
 * browser sent when it is one accepted, otherwise (browsers send
 * application/octet-stream for types they do not know) the one its bytes
 * are, so that it is the bytes and the name that decide. */
static struct str
upload_media_type(const struct http_file *f)
{
	enum attachment_type t;

	if (attachment_media_type_accepted(f->content_type))
		return f->content_type;
	if (attachment_type_of_bytes(f->data.p, f->data.n, &t) == 0)
		return str_c(attachment_media_type(t));
	return f->content_type;
}

int
handle_staff_attachment_upload(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct consultation_document *d;
	const struct http_file *file;
	enum attachment_type type;
	struct document_form f;
	struct survey *sv;
	struct errors e;
	int64_t id;
	int rc;

	if (load_own(req, res, &sv) != 0 || load_document(req, res, sv, &d) != 0)
		return HTTP_DONE;
	f = (struct document_form){ d->title, d->body, d->easy_read };
	errors_init_in(&e, req->lang);
	if (consultation_check_documents_edit(sv, req->now, &e) != 0)
		return document_page(req, res, 409, sv, d->id, &f, &e);
	if (req->too_large) {
		errors_add(&e, "file", N_("The file must be %d MB or smaller"),
		    CONSULTATION_FILE_MAX_BYTES / (1024 * 1024));
		return document_page(req, res, 413, sv, d->id, &f, &e);
	}
	if (!http_form_file(req, "file", &file)) {
		errors_add(&e, "file", "%s", N_("Choose a file to attach"));
		return document_page(req, res, 422, sv, d->id, &f, &e);
	}
	if (consultation_attachment_check(file->filename, upload_media_type(file), file->data.p,
	    file->data.n, &type, &e) != 0)
		return document_page(req, res, 422, sv, d->id, &f, &e);
	rc = store_attachment_add(req->app->store, &a->actor, sv->id, d->id, file->filename,
	    str_c(attachment_media_type(type)), file->data.p, file->data.n, req->now, &id, &e);
	if (rc == ERR_CONFLICT || rc == ERR_INVALID)
		return document_page(req, res, rc == ERR_CONFLICT ? 409 : 422, sv, d->id, &f, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	{
		char to[PATH_MAX_LEN];

		snprintf(to, sizeof(to), "/staff/consultations/%lld/documents/%lld?done=attached#files",
		    (long long)sv->id, (long long)d->id);
		http_response_redirect(res, 303, to);
	}
	return HTTP_DONE;
}

int
handle_staff_attachment_download(struct http_request *req, struct http_response *res)
{
	struct survey *sv;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	return consultation_send_file(req, res, sv->id, http_param_id(req, "att"));
}

int
handle_staff_attachment_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	char suffix[64];
	struct survey *sv;
	struct errors e;
	struct str doc;
	int64_t doc_id;
	int rc;

	if (load_own(req, res, &sv) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	rc = store_attachment_delete(req->app->store, &a->actor, sv->id, http_param_id(req, "att"),
	    req->now, &e);
	if (rc == ERR_CONFLICT)
		return consultation_view(req, res, 409, sv, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	/* Back to the document's page when removed from there. */
	if (http_form(req, "document", &doc) && num_id(doc, &doc_id) == 0) {
		snprintf(suffix, sizeof(suffix), "/documents/%lld?done=removed#files",
		    (long long)doc_id);
		redirect_to(res, sv->id, suffix);
	} else {
		redirect_to(res, sv->id, "?done=removed#documents");
	}
	return HTTP_DONE;
}
