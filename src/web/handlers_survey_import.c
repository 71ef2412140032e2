/*
 * handlers_survey_import.c - a survey brought across from LimeSurvey, by
 * the API and on the staff pages.
 *
 * Both doors do what `involve survey import-lss` does: the domain reads
 * the survey structure file and says what came over (lss_import.h), the
 * survey is built and checked as any new one is (survey_build), and the
 * store keeps it as a draft, never open.
 *
 *   API    POST /api/v1/surveys/import?format=lss[&dry_run=true], the file
 *          as the body (application/xml): 201 with the survey and its
 *          "import_report", 200 with only the report for a dry run, 422
 *          problem details with the report when nothing could be made.
 *   pages  /staff/surveys/import: choose the file; its report is shown
 *          with what would be made, and "Create the draft survey" sends the
 *          definition that was read (the file is not kept), which is
 *          checked again as any new survey's is before it is kept.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/i18n.h"
#include "involve/lss_import.h"
#include "involve/reply.h"
#include "involve/route.h"
#include "involve/store_survey.h"
#include "handlers.h"
#include "pages.h"

/* ---- the API ------------------------------------------------------------------------- */

struct import_query {
	int format; /* only "lss" so far */
	int dry_run;
};

static const char *const import_formats[] = { "lss", NULL };
static const char *const false_true[] = { "false", "true", NULL };

static const struct input_field import_fields[] = {
	{ "format", INPUT_CHOICE, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct import_query,
	    format), 0, 0, 0, import_formats, N_("the format of the file") },
	{ "dry_run", INPUT_CHOICE, INPUT_QUERY, offsetof(struct import_query, dry_run), 0, 0, 0,
	    false_true, N_("dry_run") },
};
const struct input_spec api_survey_import_input = { INPUT_FORM, 2, import_fields };

/* The file's bytes, read and built into a draft (*sv, *d), its report in
 * *im in e's language.  0, or ERR_INVALID with e saying why (im's report
 * as far as it went), or ERR_NOMEM. */
static int
read_file(struct http_request *req, struct str file, struct lss_import *im, struct survey *sv,
    struct survey_def *d, struct errors *e)
{
	struct survey_input in;
	int rc;

	rc = lss_import(file, &req->arena, im, e);
	if (rc != 0)
		return rc == ERR_TOO_LARGE ? ERR_INVALID : rc;
	lss_import_input(im, &in);
	return survey_build(&in, req->now, &req->arena, sv, d, e);
}

int
handle_api_surveys_import(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct import_query q = { 0, 0 };
	struct lss_import im;
	struct survey sv;
	struct survey_def d;
	struct errors e;
	char location[64];
	json_t *o, *report;
	int rc;

	errors_init(&e); /* the API's messages, and its report, are in English */
	if ((rc = input_read(req, &q, NULL, &e)) != 0)
		return reply_error(req, res, rc == ERR_NOMEM ? rc : ERR_INVALID, &e);
	if (req->body.n > LSS_FILE_MAX_BYTES)
		return reply_error(req, res, ERR_TOO_LARGE, NULL);
	memset(&im, 0, sizeof(im));
	rc = read_file(req, (struct str){ req->body.p, req->body.n }, &im, &sv, &d, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (rc != 0)
		return api_problem_with(res, ERR_INVALID, &e, "import_report",
		    lss_report_json(&im.report));
	if ((report = lss_report_json(&im.report)) == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (q.dry_run)
		return api_json(res, 200, json_pack("{s:o}", "import_report", report));
	sv.org_id = a->user.org_id;
	if ((rc = store_survey_create(req->app->store, &a->actor, &sv)) != 0) {
		json_decref(report);
		return reply_error_text(req, res, rc,
		    N_("The survey could not be saved. Try again."));
	}
	if ((o = api_survey_json(req, &sv, &d)) == NULL) {
		json_decref(report);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	json_object_set_new(o, "import_report", report);
	snprintf(location, sizeof(location), "/api/v1/surveys/%lld", (long long)sv.id);
	http_response_header(res, "Location", location);
	return api_json(res, 201, o);
}

/* ---- the staff pages ----------------------------------------------------------------- */

/* What a person reads for each kind of note. */
static void
label_notes(struct http_request *req, json_t *notes)
{
	size_t i;
	json_t *n;

	json_array_foreach(notes, i, n) {
		const char *kind = json_string_value(json_object_get(n, "kind"));
		bool lost = kind == NULL || strcmp(kind, "changed") != 0;

		json_object_set_new(n, "label", json_string(tr(req, lost ? N_("Not carried over") :
		    N_("Changed"))));
	}
}

/* The report as the page shows it: each question's notes labelled, and
 * its LimeSurvey type named, in the reader's language (the notes came in
 * it from lss_import, given e in that language). */
static json_t *
report_ctx(struct http_request *req, const struct lss_import *im, const struct survey_def *d)
{
	json_t *r = lss_report_json(&im->report), *groups, *g, *qs, *q;
	const char *name;
	size_t i, k;

	if (r == NULL)
		return NULL;
	label_notes(req, json_object_get(r, "notes"));
	groups = json_object_get(r, "groups");
	json_array_foreach(groups, i, g) {
		label_notes(req, json_object_get(g, "notes"));
		qs = json_object_get(g, "questions");
		json_array_foreach(qs, k, q) {
			label_notes(req, json_object_get(q, "notes"));
			/* lss_type_name's English, which the API keeps, is the
			 * catalogue's key (its table marks each N_). */
			name = json_string_value(json_object_get(q, "type_name"));
			if (name != NULL && name[0] != '\0')
				json_object_set_new(q, "type_name", json_string(tr(req, name)));
		}
	}
	if (d != NULL) {
		json_object_set_new(r, "page_n", json_integer(d->page_n));
		json_object_set_new(r, "question_n", json_integer(d->question_n));
	}
	json_object_set_new(r, "has_notes", json_boolean(json_array_size(json_object_get(r,
	    "notes")) > 0 || json_integer_value(json_object_get(r, "notes_dropped")) > 0));
	return r;
}

/* The import page: the form, and when a file was read its report and
 * (definition not NULL) the form that makes the draft. */
static int
import_page(struct http_request *req, struct http_response *res, int status,
    const struct lss_import *im, const struct survey *sv, const struct survey_def *d,
    const struct errors *e)
{
	json_t *ctx = pages_staff_ctx(req, N_("Import a survey from LimeSurvey"), "/staff/surveys");
	json_t *errors;

	json_object_set_new(ctx, "max_mb", json_integer(LSS_FILE_MAX_BYTES / (1024 * 1024)));
	if (im != NULL && (im->report.page_n > 0 || im->report.db_version > 0)) {
		json_t *report = report_ctx(req, im, d);

		if (report == NULL) {
			json_decref(ctx);
			return reply_error(req, res, ERR_NOMEM, NULL);
		}
		json_object_set_new(ctx, "report", report);
	}
	if (sv != NULL && d != NULL)
		json_object_set_new(ctx, "confirm", json_pack("{s:o, s:o, s:i, s:i}", "title",
		    pages_string(sv->title), "pages", pages_string(im->pages), "page_n",
		    d->page_n, "question_n", d->question_n));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
		pages_copy_error(ctx, errors, "file", "file_error");
	}
	res->status = status;
	return page_render(req, res, "staff/survey_import", ctx);
}

int
handle_staff_survey_import_form(struct http_request *req, struct http_response *res)
{
	return import_page(req, res, 200, NULL, NULL, NULL, NULL);
}

int
handle_staff_survey_import(struct http_request *req, struct http_response *res)
{
	const struct http_file *file;
	struct lss_import im;
	struct survey sv;
	struct survey_def d;
	struct errors e, shown;
	int rc, i;

	errors_init_in(&e, req->lang);
	if (req->too_large || (http_form_file(req, "file", &file) &&
	    file->data.n > LSS_FILE_MAX_BYTES)) {
		errors_add(&e, "file", N_("The file must be %d MB or smaller"),
		    LSS_FILE_MAX_BYTES / (1024 * 1024));
		return import_page(req, res, 413, NULL, NULL, NULL, &e);
	}
	if (!http_form_file(req, "file", &file) || file->data.n == 0) {
		errors_add(&e, "file", "%s", N_("Choose a LimeSurvey survey structure file (.lss)"));
		return import_page(req, res, 422, NULL, NULL, NULL, &e);
	}
	memset(&im, 0, sizeof(im));
	rc = read_file(req, file->data, &im, &sv, &d, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (rc != 0) {
		/* Every reason is the file's: each is shown at its one input. */
		errors_init_in(&shown, req->lang);
		for (i = 0; i < e.n; i++)
			errors_add(&shown, "file", "%s", e.list[i].detail);
		return import_page(req, res, 422, &im, NULL, NULL, &shown);
	}
	return import_page(req, res, 200, &im, &sv, &d, NULL);
}

struct confirm_form {
	struct str title;
	struct str pages;
};

static const struct input_field confirm_fields[] = {
	{ "title", INPUT_TEXT, INPUT_REQUIRED, offsetof(struct confirm_form, title), 0, 0, 0, NULL,
	    N_("the title") },
	{ "pages", INPUT_TEXT, INPUT_REQUIRED, offsetof(struct confirm_form, pages), 0, 0, 0, NULL,
	    N_("the survey's pages") },
};
const struct input_spec staff_survey_import_confirm_input = { INPUT_FORM, 2, confirm_fields };

int
handle_staff_survey_import_confirm(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct confirm_form f = { { NULL, 0 }, { NULL, 0 } };
	struct survey_input in = { 0 };
	struct survey sv;
	struct survey_def d;
	struct errors e, shown;
	char to[64];
	int rc, i;

	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, NULL, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (rc == 0) {
		/* What the report page sent, checked as any new survey is: a
		 * page changed on its way back is refused like a bad body. */
		in.title = f.title;
		in.pages = f.pages;
		in.who = POLL_WHO_ANYONE;
		in.opening = POLL_OPEN_LATER;
		rc = survey_build(&in, req->now, &req->arena, &sv, &d, &e);
		if (rc == ERR_NOMEM)
			return reply_error(req, res, rc, NULL);
	}
	if (rc != 0) {
		errors_init_in(&shown, req->lang);
		errors_add(&shown, "file", "%s", N_("The survey read from the file could not be "
		    "made. Choose the file again"));
		for (i = 0; i < e.n && i < 5; i++)
			errors_add(&shown, "", "%s", e.list[i].detail);
		return import_page(req, res, 422, NULL, NULL, NULL, &shown);
	}
	sv.org_id = a->user.org_id;
	if ((rc = store_survey_create(req->app->store, &a->actor, &sv)) != 0)
		return reply_error_text(req, res, rc,
		    N_("The survey could not be saved. Try again."));
	snprintf(to, sizeof(to), "/staff/surveys/%lld?done=imported", (long long)sv.id);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}

_Static_assert(ROUTE_BODY_LSS == LSS_FILE_MAX_BYTES, "the API takes the file the domain reads");
