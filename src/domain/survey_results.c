/*
 * survey_results.c - results from summed counts, and cross-tabulations
 * (survey_results.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "involve/i18n.h"
#include "involve/suppress.h"
#include "involve/survey_results.h"
#include "involve/text.h"

int
survey_results_init(const struct survey_def *d, struct arena *a, struct survey_results *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->question_n = d->question_n;
	if ((out->q = arena_zalloc(a, (d->question_n + 1) * sizeof(*out->q))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];
		struct survey_qresult *r = &out->q[i];

		if (q->option_n > 0) {
			r->options = arena_zalloc(a, q->option_n * sizeof(*r->options));
			r->rank_total = arena_zalloc(a, q->option_n * sizeof(*r->rank_total));
			if (r->options == NULL || r->rank_total == NULL)
				return ERR_NOMEM;
		}
		if (q->type == SQ_GRID) {
			r->grid = arena_zalloc(a, (size_t)q->row_n * q->option_n * sizeof(*r->grid));
			r->rows = arena_zalloc(a, q->row_n * sizeof(*r->rows));
			if (r->grid == NULL || r->rows == NULL)
				return ERR_NOMEM;
		}
		if (q->type == SQ_RATING) {
			r->points = (int)(q->max - q->min) + 1;
			if ((r->ratings = arena_zalloc(a, r->points * sizeof(*r->ratings))) == NULL)
				return ERR_NOMEM;
		}
	}
	return 0;
}

/* A rating point as the tally writes it ("4"), or -1. */
static int
rating_point(const struct survey_question *q, const struct survey_qresult *r, struct str v)
{
	int n = 0;
	size_t i;

	if (v.n == 0 || v.n > 6)
		return -1;
	for (i = 0; i < v.n; i++) {
		if (v.p[i] == '-' && i == 0)
			continue;
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		n = n * 10 + (v.p[i] - '0');
	}
	if (v.p[0] == '-')
		n = -n;
	n -= (int)q->min;
	return n >= 0 && n < r->points ? n : -1;
}

void
survey_results_add(const struct survey_def *d, struct survey_results *res,
    const struct survey_tally_item *it)
{
	const struct survey_question *q;
	struct survey_qresult *r;
	int k, row;

	if (it->question.n == 0) {
		res->responses += it->n;
		return;
	}
	if ((k = survey_question_index(d, it->question)) < 0)
		return;
	q = &d->questions[k];
	r = &res->q[k];
	if (it->row.n == 0 && it->value.n == 0) {
		r->answered += it->n;
		r->total += it->total;
		return;
	}
	if (q->type == SQ_RATING) {
		if ((k = rating_point(q, r, it->value)) >= 0)
			r->ratings[k] += it->n;
		return;
	}
	if ((k = survey_option_index(q, it->value)) < 0)
		return;
	if (q->type == SQ_GRID) {
		if ((row = survey_row_index(q, it->row)) < 0)
			return;
		r->grid[row * q->option_n + k] += it->n;
		r->rows[row] += it->n;
		return;
	}
	r->options[k] += it->n;
	r->rank_total[k] += it->total;
}

/* ---- what published results hide ----------------------------------------------------- */

static int
suppress_question(const struct survey_question *q, const struct survey_qresult *r,
    int64_t below, struct arena *a, struct survey_qhidden *h)
{
	int n = q->type == SQ_RATING ? r->points : q->option_n, i;
	bool totals = q->type != SQ_MULTIPLE && q->type != SQ_RANKING, row_hidden;

	if (n > 0 && (h->options = arena_zalloc(a, n * sizeof(*h->options))) == NULL)
		return ERR_NOMEM;
	if (q->type == SQ_GRID) {
		if ((h->grid = arena_zalloc(a, (size_t)q->row_n * n * sizeof(*h->grid))) == NULL)
			return ERR_NOMEM;
		for (i = 0; i < q->row_n; i++) {
			suppress_table(&r->grid[i * n], 1, n, &r->rows[i], NULL, below,
			    &h->grid[i * n], &row_hidden, NULL);
			/* A row too small to publish hides all of it. */
			if (row_hidden)
				memset(&h->grid[i * n], 1, n * sizeof(*h->grid));
		}
		return 0;
	}
	if (n == 0)
		return 0;
	suppress_table(q->type == SQ_RATING ? r->ratings : r->options, 1, n,
	    totals ? &r->answered : NULL, NULL, below, h->options, &row_hidden, NULL);
	return 0;
}

int
survey_results_suppress(const struct survey_def *d, const struct survey_results *r,
    int64_t below, struct arena *a, struct survey_hidden *out)
{
	int i, rc;

	out->responses = suppress_count(r->responses, below);
	if ((out->q = arena_zalloc(a, (d->question_n + 1) * sizeof(*out->q))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < d->question_n; i++) {
		struct survey_qhidden *h = &out->q[i];

		if ((rc = suppress_question(&d->questions[i], &r->q[i], below, a, h)) != 0)
			return rc;
		h->all = out->responses || suppress_count(r->q[i].answered, below);
		if (h->all) {
			int n = d->questions[i].type == SQ_RATING ? r->q[i].points :
			    d->questions[i].option_n;

			if (h->options != NULL)
				memset(h->options, 1, n * sizeof(*h->options));
			if (h->grid != NULL)
				memset(h->grid, 1, (size_t)d->questions[i].row_n * n *
				    sizeof(*h->grid));
		}
	}
	return 0;
}

/* ---- cross-tabulation ------------------------------------------------------------------- */

#define WEEK (7 * 24 * 3600)
/* 1970-01-05 was a Monday. */
#define FIRST_MONDAY (4 * 24 * 3600)

static int64_t
monday_of(int64_t t)
{
	int64_t since = t - FIRST_MONDAY;

	return t - ((since % WEEK) + WEEK) % WEEK;
}

int
crosstab_axis_of(const struct survey_def *d, struct str name, const char *field, int64_t from,
    int64_t to, struct crosstab_axis *out, struct errors *e)
{
	const struct survey_question *q;
	int k;

	memset(out, 0, sizeof(*out));
	if (str_eq_c(name, "channel")) {
		out->kind = CROSSTAB_CHANNEL;
		out->value_n = SURVEY_CHANNEL_N;
		return 0;
	}
	if (str_eq_c(name, "week")) {
		out->kind = CROSSTAB_WEEK;
		out->first_week = monday_of(from);
		if (to < from)
			to = from;
		out->value_n = (int)((monday_of(to) - out->first_week) / WEEK) + 1;
		if (out->value_n > CROSSTAB_WEEKS_MAX) {
			out->first_week = monday_of(to) - (int64_t)(CROSSTAB_WEEKS_MAX - 1) * WEEK;
			out->value_n = CROSSTAB_WEEKS_MAX;
		}
		return 0;
	}
	if ((k = survey_question_index(d, name)) < 0) {
		errors_add(e, field, N_("The survey has no question '%.*s': give a question's key, "
		    "'channel' or 'week'"), (int)text_utf8_cut(name, 40), name.p);
		return ERR_INVALID;
	}
	q = &d->questions[k];
	out->kind = CROSSTAB_QUESTION;
	out->question = k;
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_MULTIPLE:
	case SQ_LIKERT:
	case SQ_FFT:
		out->value_n = q->option_n;
		return 0;
	case SQ_RATING:
		out->value_n = (int)(q->max - q->min) + 1;
		return 0;
	default:
		errors_add(e, field, N_("'%.*s' is a %s question: cross-tabulate by a question "
		    "with options or a rating"), (int)q->key.n, q->key.p,
		    survey_qtype_name(q->type));
		return ERR_INVALID;
	}
}

bool
crosstab_axis_same(const struct crosstab_axis *a, const struct crosstab_axis *b)
{
	return a->kind == b->kind && (a->kind != CROSSTAB_QUESTION || a->question == b->question);
}

int
crosstab_init(struct crosstab *x, struct arena *a)
{
	size_t n = (size_t)x->row.value_n * x->col.value_n;

	x->cells = arena_zalloc(a, (n ? n : 1) * sizeof(*x->cells));
	return x->cells != NULL ? 0 : ERR_NOMEM;
}

/* The values of one response on an axis: their indexes into idx, how many. */
static int
axis_values(const struct survey_def *d, const struct crosstab_axis *ax,
    const struct survey_answers *ans, enum survey_channel channel, int64_t submitted_at,
    int *idx)
{
	const struct survey_question *q;
	const struct survey_answer *an;
	int64_t w;
	int i;

	switch (ax->kind) {
	case CROSSTAB_CHANNEL:
		idx[0] = (int)channel;
		return 1;
	case CROSSTAB_WEEK:
		w = (monday_of(submitted_at) - ax->first_week) / WEEK;
		idx[0] = w < 0 ? 0 : w >= ax->value_n ? ax->value_n - 1 : (int)w;
		return 1;
	case CROSSTAB_QUESTION:
		break;
	}
	q = &d->questions[ax->question];
	an = &ans->a[ax->question];
	if (!an->given)
		return 0;
	if (q->type == SQ_RATING) {
		idx[0] = (int)(an->number - q->min);
		return idx[0] >= 0 && idx[0] < ax->value_n ? 1 : 0;
	}
	for (i = 0; i < an->choice_n; i++)
		idx[i] = an->choices[i];
	return an->choice_n;
}

void
crosstab_add(const struct survey_def *d, struct crosstab *x, const struct survey_answers *ans,
    enum survey_channel channel, int64_t submitted_at)
{
	int rows[SURVEY_OPTIONS_MAX], cols[SURVEY_OPTIONS_MAX], rn, cn, i, j;

	rn = axis_values(d, &x->row, ans, channel, submitted_at, rows);
	cn = axis_values(d, &x->col, ans, channel, submitted_at, cols);
	for (i = 0; i < rn; i++)
		for (j = 0; j < cn; j++)
			x->cells[rows[i] * x->col.value_n + cols[j]]++;
}

void
crosstab_value(const struct survey_def *d, const struct crosstab_axis *ax, int i, struct buf *b)
{
	const struct survey_question *q;
	struct tm tm;
	time_t t;
	char text[16];

	switch (ax->kind) {
	case CROSSTAB_CHANNEL:
		buf_add_c(b, survey_channel_name((enum survey_channel)i));
		return;
	case CROSSTAB_WEEK:
		/* The ISO week of its Thursday is the week's. */
		t = (time_t)(ax->first_week + (int64_t)i * WEEK + 3 * 24 * 3600);
		gmtime_r(&t, &tm);
		strftime(text, sizeof(text), "%G-W%V", &tm);
		buf_add_c(b, text);
		return;
	case CROSSTAB_QUESTION:
		break;
	}
	q = &d->questions[ax->question];
	if (q->type == SQ_RATING)
		buf_printf(b, "%d", (int)q->min + i);
	else
		buf_add_str(b, q->options[i].value);
}
