/*
 * survey_charts.c - a survey's results as charts and tables (see survey_charts.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/store_survey.h"
#include "pages.h"
#include "survey_charts.h"

struct tally_ctx {
	const struct survey_def *d;
	struct survey_results *r;
};

static int
tally_add(void *arg, const struct survey_tally_item *it)
{
	struct tally_ctx *c = arg;

	survey_results_add(c->d, c->r, it);
	return 0;
}

/* "fewer than 10", in the reader's language. */
static void
fewer_than(const struct http_request *req, int64_t below, char *out, size_t size)
{
	snprintf(out, size, tr(req, "fewer than %lld"), (long long)below);
}

/* One bar of a chart and one row of its table. */
struct bar {
	struct str label;
	int64_t count;
	int64_t of;
	bool hidden;
};

/*
 * A chart and a table of bars: the chart's description says every
 * number, so a screen reader hears what the bars show.
 */
static void
chart_and_table(const struct http_request *req, json_t *q, const struct bar *bars, int n,
    int64_t below, const char *caption, const char *id)
{
	json_t *rows = json_array(), *table = json_array();
	struct buf desc = BUF_INIT;
	char pct[16], width[24], count[48];
	int64_t max = 0;
	int i;

	for (i = 0; i < n; i++)
		if (!bars[i].hidden && bars[i].count > max)
			max = bars[i].count;
	for (i = 0; i < n; i++) {
		int tenths = bars[i].hidden ? 0 : poll_percent_tenths(bars[i].count, bars[i].of);
		long w = ((long)PAGES_CHART_BAR_WIDTH * tenths + 50) / 100;
		int y = i * PAGES_CHART_ROW;

		if (bars[i].hidden) {
			fewer_than(req, below, count, sizeof(count));
			snprintf(pct, sizeof(pct), "-");
		} else {
			snprintf(count, sizeof(count), "%lld", (long long)bars[i].count);
			snprintf(pct, sizeof(pct), "%d.%d%%", tenths / 10, tenths % 10);
		}
		snprintf(width, sizeof(width), "%ld.%ld", w / 10, w % 10);
		if (i > 0)
			buf_add_c(&desc, "; ");
		buf_add_str(&desc, bars[i].label);
		buf_printf(&desc, ": %s", bars[i].hidden ? count : pct);
		json_array_append_new(rows, json_pack("{s:o, s:s, s:s, s:b, s:b, s:i, s:i, s:i}",
		    "short_label", pages_short_label(bars[i].label, PAGES_CHART_LABEL_CHARS),
		    "value", bars[i].hidden ? count : pct, "width", width, "hidden", bars[i].hidden,
		    "leading", !bars[i].hidden && max > 0 && bars[i].count == max,
		    "y_label", y + 18, "y_bar", y + 26, "y_value", y + 44));
		json_array_append_new(table, json_pack("{s:o, s:s, s:s}", "label",
		    pages_string(bars[i].label), "count", count, "percent", bars[i].hidden ? "" : pct));
	}
	buf_addch(&desc, '.');
	json_object_set_new(q, "chart", json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:o}", "id", id,
	    "width",
	    PAGES_CHART_WIDTH, "bar_width", PAGES_CHART_BAR_WIDTH, "height", n * PAGES_CHART_ROW,
	    "title", caption, "desc", buf_cstr(&desc) ? buf_cstr(&desc) : "", "rows", rows));
	json_object_set_new(q, "table", json_pack("{s:s, s:o}", "caption", caption, "rows", table));
	buf_free(&desc);
}

static json_t *
question_report(struct http_request *req, const struct survey_question *q,
    const struct survey_qresult *r, const struct survey_qhidden *h, int64_t below)
{
	struct bar bars[SURVEY_OPTIONS_MAX > 11 ? SURVEY_OPTIONS_MAX : 11];
	char text[96], label[16][16], id[SURVEY_KEY_MAX + 24];
	json_t *o = json_pack("{s:o, s:o, s:s}", "key", pages_string(q->key), "text",
	    pages_string(q->text), "type", survey_qtype_name(q->type));
	int i, n = 0;

	snprintf(id, sizeof(id), "chart-%.*s", (int)q->key.n, q->key.p);
	if (h->all)
		fewer_than(req, below, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%lld", (long long)r->answered);
	json_object_set_new(o, "answered_text", json_string(text));
	if (h->all) {
		json_object_set_new(o, "suppressed", json_true());
		return o;
	}
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_MULTIPLE:
	case SQ_LIKERT:
	case SQ_FFT:
	case SQ_RANKING:
		for (i = 0; i < q->option_n; i++)
			bars[n++] = (struct bar){ q->options[i].label, r->options[i], r->answered,
			    h->options[i] };
		chart_and_table(req, o, bars, n, below, json_string_value(json_object_get(o, "text")),
		    id);
		if (q->type == SQ_MULTIPLE)
			json_object_set_new(o, "multiple", json_true());
		break;
	case SQ_RATING:
		for (i = 0; i < r->points && i < 16; i++) {
			snprintf(label[i], sizeof(label[i]), "%d", (int)q->min + i);
			bars[n++] = (struct bar){ str_c(label[i]), r->ratings[i], r->answered,
			    h->options[i] };
		}
		chart_and_table(req, o, bars, n, below, json_string_value(json_object_get(o, "text")),
		    id);
		/* fall through */
	case SQ_NUMBER:
		if (r->answered > 0) {
			snprintf(text, sizeof(text), "%.1f", r->total / r->answered);
			json_object_set_new(o, "mean_text", json_string(text));
		}
		break;
	case SQ_GRID: {
		json_t *grid = json_array();

		for (i = 0; i < q->row_n; i++) {
			json_t *row = json_pack("{s:o}", "label", pages_string(q->rows[i].label));
			int k;

			for (k = 0, n = 0; k < q->option_n; k++)
				bars[n++] = (struct bar){ q->options[k].label,
				    r->grid[i * q->option_n + k], r->rows[i],
				    h->grid[i * q->option_n + k] };
			snprintf(id, sizeof(id), "chart-%.*s-%d", (int)q->key.n, q->key.p, i);
			chart_and_table(req, row, bars, n, below, json_string_value(
			    json_object_get(row, "label")), id);
			json_array_append_new(grid, row);
		}
		json_object_set_new(o, "grid", grid);
		break;
	}
	default:
		json_object_set_new(o, "free_text", json_true());
		break;
	}
	return o;
}

json_t *
survey_charts(struct http_request *req, const struct survey *sv, const struct survey_def *d,
    int64_t below, int *rc)
{
	struct survey_results r;
	struct survey_hidden hidden;
	struct tally_ctx c = { d, &r };
	json_t *questions, *o;
	char text[96];
	int i;

	if ((*rc = survey_results_init(d, &req->arena, &r)) != 0 ||
	    (*rc = store_survey_tally(req->app->store, sv->id, tally_add, &c)) != 0 ||
	    (*rc = survey_results_suppress(d, &r, below, &req->arena, &hidden)) != 0)
		return NULL;
	questions = json_array();
	for (i = 0; i < d->question_n; i++)
		if (d->questions[i].type != SQ_INFO)
			json_array_append_new(questions, question_report(req, &d->questions[i],
			    &r.q[i], &hidden.q[i], below));
	if (hidden.responses)
		fewer_than(req, below, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%lld", (long long)r.responses);
	o = json_pack("{s:s, s:o, s:b}", "responses_text", text, "questions", questions,
	    "suppressed", hidden.responses);
	if (below > 0)
		json_object_set_new(o, "below", json_integer(below));
	return o;
}
