/*
 * handlers_staff_codes.c - the single-use codes of a poll answered with a
 * code, and the invitation codes of a survey answered with one, on their
 * staff pages: make a batch and download it (a PDF or SVG sheet of QR
 * codes to print, or CSV for a mail merge), see how many of each batch
 * were used, withdraw a batch that went astray.
 *
 * The codes are shown once, in the file: only their keyed hashes are
 * kept, so a lost file means a new batch (and withdrawing the old one).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "involve/poll_codes.h"
#include "involve/store_survey.h"
#include "handlers.h"
#include "pages.h"
#include "survey_edit.h"

static const char *const format_names[] = { "csv", "pdf", "svg", NULL };
_Static_assert(POLL_CODES_CSV == 0 && POLL_CODES_PDF == 1 && POLL_CODES_SVG == 2,
    "format_names follows enum poll_codes_format");

struct codes_form {
	int64_t count;
	int format;
};

static const struct input_field codes_fields[] = {
	{ "count", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct codes_form, count), 0, 1,
	    POLL_CODES_BATCH_MAX, NULL, N_("how many codes") },
	{ "format", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct codes_form, format), 0, 0, 0,
	    format_names, N_("the kind of file") },
};
const struct input_spec staff_codes_input = { INPUT_FORM, 2, codes_fields };

struct withdraw_form {
	int64_t batch;
};

static const struct input_field withdraw_fields[] = {
	{ "batch", INPUT_ID, INPUT_REQUIRED, offsetof(struct withdraw_form, batch), 0, 0, 0, NULL,
	    N_("the batch") },
};
const struct input_spec staff_codes_withdraw_input = { INPUT_FORM, 1, withdraw_fields };

struct batch_rows {
	const struct http_request *req;
	json_t *items;
};

static int
batch_row(void *arg, const struct code_batch *b)
{
	struct batch_rows *r = arg;

	json_array_append_new(r->items, json_pack("{s:I, s:o, s:I, s:I, s:b}", "id",
	    (json_int_t)b->id, "created", pages_time(r->req, b->created_at), "issued",
	    (json_int_t)b->issued, "used", (json_int_t)b->used, "withdrawn", b->withdrawn_at != 0));
	return 0;
}

json_t *
staff_codes_context(struct http_request *req, const struct poll *p)
{
	struct batch_rows r = { req, json_array() };

	if (store_poll_code_batches(req->app->store, p->id, batch_row, &r) != 0) {
		json_decref(r.items);
		return NULL;
	}
	return json_pack("{s:o, s:i}", "batches", r.items, "max", POLL_CODES_BATCH_MAX);
}

/* Sends codes drawn into res->body (drawn: what drawing them returned) as
 * a file to download, "poll-3-codes-7.pdf"; they were made, so a failure
 * to draw them says to withdraw the batch. */
static int
codes_file(struct http_request *req, struct http_response *res, int drawn,
    enum poll_codes_format f, const char *kind, int64_t id, int64_t batch, const char *ext)
{
	char disposition[96];

	if (drawn != 0)
		return reply_error_text(req, res, drawn, tr(req, "The codes were made but could "
		    "not be drawn. Withdraw the batch and make another."));
	res->status = 200;
	res->content_type = poll_codes_media_type(f);
	res->no_store = true;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%lld-codes-%lld.%s\"",
	    kind, (long long)id, (long long)batch, ext);
	http_response_header(res, "Content-Disposition", disposition);
	return HTTP_DONE;
}

int
handle_staff_poll_codes(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = pages_staff(req);
	struct codes_form f = { 0, 0 };
	const char **codes = NULL;
	char url[512];
	int64_t batch = 0;
	struct errors e;
	struct poll *p;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if ((rc = input_read(req, &f, NULL, &e)) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = poll_codes_issue(app->store, &app->keys, &a->actor, p, (int)f.count, req->now,
	    &req->arena, &codes, &batch, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	rc = poll_codes_draw((enum poll_codes_format)f.format, a->org.name, p, url, codes,
	    (int)f.count, &res->body);
	return codes_file(req, res, rc, (enum poll_codes_format)f.format, "poll", p->id, batch,
	    format_names[f.format]);
}

int
handle_staff_poll_codes_withdraw(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct withdraw_form f = { 0 };
	char to[96];
	struct errors e;
	struct poll *p;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = store_poll_codes_withdraw(req->app->store, &a->actor, p->id, f.batch, req->now);
	if (rc == ERR_CONFLICT)
		return reply_error_text(req, res, rc, tr(req, "This batch has been withdrawn "
		    "already."));
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(to, sizeof(to), "/staff/polls/%lld?done=withdrawn", (long long)p->id);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}

/* ---- a survey's invitation codes ------------------------------------------------------------ */

/* A survey's codes come as the poll's files do, or as a page to print. */
#define SURVEY_CODES_PAGE 3
static const char *const survey_format_names[] = { "csv", "pdf", "svg", "page", NULL };

static const struct input_field survey_codes_fields[] = {
	{ "count", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct codes_form, count), 0, 1,
	    POLL_CODES_BATCH_MAX, NULL, N_("how many codes") },
	{ "format", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct codes_form, format), 0, 0, 0,
	    survey_format_names, N_("the kind of file") },
};
const struct input_spec staff_survey_codes_input = { INPUT_FORM, 2, survey_codes_fields };

/* The printable page of a new batch: each code, with the address to use
 * it at and the link that fills it in. */
static int
codes_page(struct http_request *req, struct http_response *res, const struct survey *sv,
    const char *url, const char *const *codes, int n, int64_t batch)
{
	char back[64], title[SURVEY_TITLE_MAX_CHARS * 4 + 1];
	json_t *ctx, *list = json_array();
	int i;

	for (i = 0; i < n; i++) {
		char *link = arena_printf(&req->arena, "%s?code=%s", url, codes[i]);

		json_array_append_new(list, json_pack("{s:s, s:s}", "code", codes[i], "link",
		    link ? link : url));
	}
	snprintf(back, sizeof(back), "/staff/surveys/%lld#codes", (long long)sv->id);
	snprintf(title, sizeof(title), "%.*s", (int)sv->title.n, sv->title.p);
	ctx = json_pack("{s:s, s:o, s:{s:s}, s:s, s:s, s:I, s:I, s:o}", "title", title, "site",
	    pages_staff_site(pages_staff(req)), "back_link", "href", back, "survey_title", title,
	    "url", url, "batch", (json_int_t)batch, "count", (json_int_t)n, "codes", list);
	res->no_store = true;
	return page_render(req, res, "staff/survey_codes", ctx);
}

json_t *
staff_survey_codes_context(struct http_request *req, const struct survey *sv)
{
	struct batch_rows r = { req, json_array() };

	if (store_survey_code_batches(req->app->store, sv->id, batch_row, &r) != 0) {
		json_decref(r.items);
		return NULL;
	}
	return json_pack("{s:o, s:i, s:b}", "batches", r.items, "max", POLL_CODES_BATCH_MAX,
	    "can_make", survey_status(sv, req->now) != POLL_CLOSED);
}

/* Survey {id} of the signed-in staff's organisation: 0, or -1 with res
 * filled. */
static int
load_own_survey(struct http_request *req, struct http_response *res, struct survey **out)
{
	int rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), out);

	return pages_staff_own(req, res, rc, rc == 0 ? (*out)->org_id : 0);
}

/* The survey's page again with what is wrong, under the codes' form. */
static int
survey_codes_refused(struct http_request *req, struct http_response *res, int status,
    const struct errors *e)
{
	struct errors shown = *e;
	struct survey_edit ed;
	int i, rc;

	/* Only the form's own fields are on the page to link to. */
	for (i = 0; i < shown.n; i++)
		if (strcmp(shown.list[i].field, "count") != 0 && strcmp(shown.list[i].field,
		    "format") != 0)
			shown.list[i].field[0] = '\0';
	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	rc = staff_survey_builder(req, res, status, &ed, &shown);
	survey_edit_free(&ed);
	return rc;
}

int
handle_staff_survey_codes(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = pages_staff(req);
	struct codes_form f = { 0, 0 };
	const char **codes = NULL;
	char url[512];
	int64_t batch = 0;
	struct errors e;
	struct survey *sv;
	int rc;

	if (load_own_survey(req, res, &sv) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		return survey_codes_refused(req, res, 422, &e);
	rc = survey_codes_issue(app->store, &app->keys, &a->actor, sv, (int)f.count, req->now,
	    &req->arena, &codes, &batch, &e);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return survey_codes_refused(req, res, rc == ERR_INVALID ? 422 : 409, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	snprintf(url, sizeof(url), "%s/o/%s/surveys/%lld", app->cfg.public_url, a->org.slug,
	    (long long)sv->id);
	if (f.format == SURVEY_CODES_PAGE)
		return codes_page(req, res, sv, url, codes, (int)f.count, batch);
	rc = survey_codes_draw((enum poll_codes_format)f.format, a->org.name, sv, url, codes,
	    (int)f.count, &res->body);
	return codes_file(req, res, rc, (enum poll_codes_format)f.format, "survey", sv->id, batch,
	    survey_format_names[f.format]);
}

int
handle_staff_survey_codes_withdraw(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct withdraw_form f = { 0 };
	char to[96];
	struct errors e;
	struct survey *sv;
	int rc;

	if (load_own_survey(req, res, &sv) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		return survey_codes_refused(req, res, 422, &e);
	rc = store_survey_codes_withdraw(req->app->store, &a->actor, sv->id, f.batch, req->now);
	if (rc == ERR_NOTFOUND || rc == ERR_CONFLICT) {
		errors_add(&e, "", rc == ERR_CONFLICT ? N_("This batch has been withdrawn already") :
		    N_("The survey has no such batch of codes"));
		return survey_codes_refused(req, res, rc == ERR_CONFLICT ? 409 : 404, &e);
	}
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(to, sizeof(to), "/staff/surveys/%lld?done=codes_withdrawn#codes", (long long)sv->id);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}
