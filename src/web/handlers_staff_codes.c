/*
 * handlers_staff_codes.c - the single-use codes of a poll answered with a
 * code, on its staff page: make a batch and download it (a PDF or SVG
 * sheet of QR codes to print, or CSV for a mail merge), see how many of
 * each batch were used, withdraw a batch that went astray.
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
#include "handlers.h"
#include "pages.h"

static const char *const format_names[] = { "csv", "pdf", "svg", NULL };
_Static_assert(POLL_CODES_CSV == 0 && POLL_CODES_PDF == 1 && POLL_CODES_SVG == 2,
    "format_names follows enum poll_codes_format");

struct codes_form {
	int64_t count;
	int format;
};

static const struct input_field codes_fields[] = {
	{ "count", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct codes_form, count), 0, 1,
	    POLL_CODES_BATCH_MAX, NULL, "how many codes" },
	{ "format", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct codes_form, format), 0, 0, 0,
	    format_names, "the kind of file" },
};
const struct input_spec staff_codes_input = { INPUT_FORM, 2, codes_fields };

struct withdraw_form {
	int64_t batch;
};

static const struct input_field withdraw_fields[] = {
	{ "batch", INPUT_ID, INPUT_REQUIRED, offsetof(struct withdraw_form, batch), 0, 0, 0, NULL,
	    "the batch" },
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

int
handle_staff_poll_codes(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = pages_staff(req);
	struct codes_form f = { 0, 0 };
	const char **codes = NULL;
	char url[512], disposition[96];
	int64_t batch = 0;
	struct errors e;
	struct poll *p;
	int rc;

	if (load_own_poll(req, res, &p) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if ((rc = input_read(req, &f, NULL, &e)) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = poll_codes_issue(app->store, &app->keys, &a->actor, p, (int)f.count, req->now,
	    &req->arena, &codes, &batch, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	snprintf(url, sizeof(url), "%s/o/%s/polls/%lld", app->cfg.public_url, a->org.slug,
	    (long long)p->id);
	if ((rc = poll_codes_draw((enum poll_codes_format)f.format, a->org.name, p, url, codes,
	    (int)f.count, &res->body)) != 0)
		return reply_error_text(req, res, rc, "The codes were made but could not be drawn. "
		    "Withdraw the batch and make another.");
	res->status = 200;
	res->content_type = poll_codes_media_type((enum poll_codes_format)f.format);
	res->no_store = true;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"poll-%lld-codes-%lld.%s\"",
	    (long long)p->id, (long long)batch, format_names[f.format]);
	http_response_header(res, "Content-Disposition", disposition);
	return HTTP_DONE;
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
	errors_init(&e);
	if (input_read(req, &f, NULL, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = store_poll_codes_withdraw(req->app->store, &a->actor, p->id, f.batch, req->now);
	if (rc == ERR_CONFLICT)
		return reply_error_text(req, res, rc, "This batch has been withdrawn already.");
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(to, sizeof(to), "/staff/polls/%lld?done=withdrawn", (long long)p->id);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}
