/*
 * survey_report.c - a survey's results and exports (see survey_report.h).
 */
#include <stdio.h>

#include "involve/app.h"
#include "involve/poll.h"
#include "involve/survey_export.h"
#include "survey_report.h"

const char *const survey_report_format_names[] = { "csv", "json", NULL };
_Static_assert(SURVEY_REPORT_CSV == 0 && SURVEY_REPORT_JSON == 1,
    "survey_report_format_names follows the enum");

static json_t *
str_json(struct str s)
{
	return json_stringn(s.p ? s.p : "", s.n);
}

static json_t *
id_json(int64_t id)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)id);
	return json_string(text);
}

/* ---- results ------------------------------------------------------------------------ */

struct results_ctx {
	const struct survey_def *d;
	struct survey_results *r;
};

static int
results_add(void *arg, const struct survey_tally_item *it)
{
	struct results_ctx *c = arg;

	survey_results_add(c->d, c->r, it);
	return 0;
}

int
survey_report_results(struct store *s, struct arena *a, const struct survey_def *d,
    int64_t survey_id, struct survey_results *out)
{
	struct results_ctx c = { d, out };
	int rc;

	if ((rc = survey_results_init(d, a, out)) != 0)
		return rc;
	return store_survey_tally(s, survey_id, results_add, &c);
}

static json_t *
percent_json(int64_t count, int64_t of)
{
	return json_real(poll_percent_tenths(count, of) / 10.0);
}

static json_t *
option_counts(const struct survey_question *q, const int64_t *counts, int64_t of,
    const double *rank_total)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < q->option_n; i++) {
		json_t *o = json_pack("{s:o, s:o, s:o, s:I, s:o}", "id", id_json(q->options[i].id),
		    "value", str_json(q->options[i].value), "label", str_json(q->options[i].label),
		    "count", (json_int_t)counts[i], "percent", percent_json(counts[i], of));

		if (rank_total != NULL)
			json_object_set_new(o, "mean_rank", counts[i] > 0 ?
			    json_real(rank_total[i] / counts[i]) : json_null());
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *
question_result(const struct survey_question *q, const struct survey_qresult *r)
{
	json_t *o = json_pack("{s:o, s:s, s:o, s:I}", "key", str_json(q->key), "type",
	    survey_qtype_name(q->type), "text", str_json(q->text), "answered",
	    (json_int_t)r->answered);
	json_t *list;
	int i;

	switch (q->type) {
	case SQ_SINGLE:
	case SQ_MULTIPLE:
	case SQ_LIKERT:
	case SQ_FFT:
		json_object_set_new(o, "options", option_counts(q, r->options, r->answered, NULL));
		break;
	case SQ_RANKING:
		json_object_set_new(o, "options", option_counts(q, r->options, r->answered,
		    r->rank_total));
		break;
	case SQ_RATING:
		list = json_array();
		for (i = 0; i < r->points; i++) {
			char v[16];

			snprintf(v, sizeof(v), "%d", (int)q->min + i);
			json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:o}", "value", v,
			    "label", v, "count", (json_int_t)r->ratings[i], "percent",
			    percent_json(r->ratings[i], r->answered)));
		}
		json_object_set_new(o, "options", list);
		/* fall through */
	case SQ_NUMBER:
		json_object_set_new(o, "mean", r->answered > 0 ? json_real(r->total / r->answered) :
		    json_null());
		break;
	case SQ_GRID:
		list = json_array();
		for (i = 0; i < q->row_n; i++)
			json_array_append_new(list, json_pack("{s:o, s:o, s:I, s:o}", "value",
			    str_json(q->rows[i].value), "label", str_json(q->rows[i].label),
			    "answered", (json_int_t)r->rows[i], "options", option_counts(q,
			    &r->grid[i * q->option_n], r->rows[i], NULL)));
		json_object_set_new(o, "rows", list);
		break;
	default:
		break;
	}
	return o;
}

json_t *
survey_report_questions(const struct survey_def *d, const struct survey_results *r)
{
	json_t *questions = json_array();
	int i;

	for (i = 0; i < d->question_n; i++)
		if (d->questions[i].type != SQ_INFO)
			json_array_append_new(questions, question_result(&d->questions[i], &r->q[i]));
	return questions;
}

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

struct export_ctx {
	const struct survey_def *d;
	struct buf *out;   /* CSV */
	json_t *rows;      /* JSON */
};

static int
export_csv_one(void *arg, const struct survey_response *r, const struct survey_answers *ans)
{
	struct export_ctx *x = arg;
	struct survey_export_meta m = { r->id, r->submitted_at, r->channel };

	survey_export_csv_row(x->d, &m, ans, x->out);
	return buf_ok(x->out) ? 0 : ERR_NOMEM;
}

static int
export_json_one(void *arg, const struct survey_response *r, const struct survey_answers *ans)
{
	struct export_ctx *x = arg;
	struct survey_export_meta m = { r->id, r->submitted_at, r->channel };

	json_array_append_new(x->rows, survey_export_json_row(x->d, &m, ans));
	return 0;
}

int
survey_report_export(struct http_request *req, struct http_response *res,
    const struct survey *sv, const struct survey_def *d, enum survey_report_format format)
{
	struct export_ctx x = { d, &res->body, NULL };
	char disposition[96];
	int rc;

	if (format == SURVEY_REPORT_CSV) {
		survey_export_csv_header(d, &res->body);
		rc = survey_report_walk(req->app->store, sv->id, d, export_csv_one, &x);
	} else {
		x.rows = json_array();
		rc = survey_report_walk(req->app->store, sv->id, d, export_json_one, &x);
	}
	if (rc != 0) {
		json_decref(x.rows);
		buf_reset(&res->body);
		return reply_error(req, res, rc, NULL);
	}
	res->no_store = true;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"survey-%lld.%s\"",
	    (long long)sv->id, survey_report_format_names[format]);
	http_response_header(res, "Content-Disposition", disposition);
	if (format == SURVEY_REPORT_JSON)
		return api_json(res, 200, json_pack("{s:o, s:o}", "survey", id_json(sv->id),
		    "responses", x.rows));
	res->status = 200;
	res->content_type = "text/csv; charset=utf-8";
	return HTTP_DONE;
}
