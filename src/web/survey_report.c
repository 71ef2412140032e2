/*
 * survey_report.c - a survey's responses walked and sent as files (see
 * survey_report.h).
 */
#include <stdio.h>

#include "involve/app.h"
#include "involve/i18n.h"
#include "involve/log.h"
#include "involve/reply.h"
#include "survey_report.h"

/* ---- walking the responses ---------------------------------------------------------- */

struct walk_ctx {
	const struct survey_def *d;
	survey_report_fn fn;
	void *arg;
	struct arena scratch;  /* one response's answers, reset after each */
};

static int
walk_one(void *arg, const struct survey_response *r)
{
	struct walk_ctx *w = arg;
	struct survey_answers ans;
	struct errors e;

	arena_reset(&w->scratch);
	errors_init(&e);
	/* Answers kept under an earlier version may name what a later one
	 * renamed; read what still fits rather than lose the response. */
	if (survey_answers_parse(w->d, r->answers, &w->scratch, &ans, &e) == ERR_NOMEM)
		return ERR_NOMEM;
	return w->fn(w->arg, r, &ans);
}

int
survey_report_walk(struct store *s, int64_t survey_id, const struct survey_def *d,
    survey_report_fn fn, void *arg)
{
	struct walk_ctx w = { .d = d, .fn = fn, .arg = arg };
	int rc;

	arena_init(&w.scratch, NULL, 0);
	rc = store_response_each(s, survey_id, 0, 0, walk_one, &w);
	arena_free(&w.scratch);
	return rc;
}

/* ---- exports ---------------------------------------------------------------------- */

static int
export_next(void *ctx, struct buf *out)
{
	return survey_file_next(ctx, out);
}

static void
export_free(void *ctx)
{
	survey_file_free(ctx);
}

/* Content-Disposition: attachment, named NAME-ID.EXT. */
static void
attachment(struct http_response *res, const char *name, int64_t id, const char *ext)
{
	char disposition[128];

	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%lld.%s\"", name,
	    (long long)id, ext);
	http_response_header(res, "Content-Disposition", disposition);
}

int
survey_report_export(struct http_request *req, struct http_response *res,
    const struct survey *sv, enum survey_file_format format)
{
	struct survey_file *f;
	int rc;

	/* XLSX is made here, whole, so that a failure is still an answer of
	 * its own; CSV and JSON are made as they are sent. */
	rc = survey_file_open(req->app->store, sv->id, sv->definition, format,
	    req->app->cfg.tmp_dir, &f);
	if (rc == ERR_TOO_LARGE)
		return reply_error_text(req, res, ERR_INVALID, N_("The survey has more responses "
		    "or columns than a spreadsheet holds: download them as CSV."));
	if (rc != 0) {
		log_warn("export", "survey %lld: the %s file could not be made (error %d)",
		    (long long)sv->id, survey_file_format_names[format], rc);
		return reply_error(req, res, rc, NULL);
	}
	res->status = 200;
	res->no_store = true;
	res->content_type = survey_file_media_type(format);
	attachment(res, "survey", sv->id, survey_file_format_names[format]);
	http_response_stream(res, export_next, export_free, f);
	return HTTP_DONE;
}

int
survey_report_open_data(struct http_request *req, struct http_response *res,
    const struct survey *sv, const struct survey_def *d, int64_t below)
{
	int rc;

	if ((rc = survey_file_open_data(req->app->store, &req->arena, sv->id, d, below,
	    &res->body)) != 0) {
		buf_reset(&res->body);
		return reply_error(req, res, rc, NULL);
	}
	res->status = 200;
	res->content_type = "text/csv; charset=utf-8";
	attachment(res, "survey-results", sv->id, "csv");
	return HTTP_DONE;
}
