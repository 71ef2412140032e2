/*
 * survey_export.c - responses as CSV and JSON rows, and results as open
 * data (survey_export.h).  The XLSX file is survey_xlsx.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/poll.h"
#include "involve/suppress.h"
#include "involve/survey_export.h"
#include "involve/timefmt.h"

/* The columns after the first three are the questions' cells, named as an
 * import reads them back (survey_cell_name). */
void
survey_export_csv_header(const struct survey_def *d, struct buf *b)
{
	struct buf name = BUF_INIT;
	int i, k, n;

	buf_add_c(b, "\"response\",\"submitted_at\",\"channel\"");
	for (i = 0; i < d->question_n; i++) {
		n = survey_cell_count(&d->questions[i]);
		for (k = 0; k < n; k++) {
			buf_reset(&name);
			survey_cell_name(&d->questions[i], k, &name);
			buf_addch(b, ',');
			buf_add_csv_cell(b, (struct str){ name.p, name.n });
		}
	}
	buf_add_c(b, "\r\n");
	buf_free(&name);
}

static int
cell(survey_cell_fn fn, void *arg, enum survey_cell_kind kind, struct str text, double number)
{
	struct survey_cell c = { text.n == 0 && kind != SURVEY_CELL_NUMBER ? SURVEY_CELL_EMPTY :
		kind, text, number };

	return fn(arg, &c);
}

/*
 * A number as "%.10g" writes it.  Most are whole (ratings, counts) and
 * written here digit by digit: printf's %g costs more than the rest of
 * the cell, a million times over in an export.
 */
static struct str
number_text(double v, char *out, size_t size)
{
	char digits[24];
	long long n;
	size_t k = 0, len = 0;

	if (v != floor(v) || fabs(v) >= 1e10 || (v == 0 && signbit(v)))
		return (struct str){ out, (size_t)snprintf(out, size, "%.10g", v) };
	n = llabs((long long)v);
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	if (v < 0)
		out[len++] = '-';
	while (k > 0)
		out[len++] = digits[--k];
	out[len] = '\0';
	return (struct str){ out, len };
}

/* One question's cell or cells. */
static int
answer_cells(const struct survey_def *d, int i, const struct survey_answers *ans,
    struct buf *text, survey_cell_fn fn, void *arg)
{
	static const struct str none = { "", 0 };
	const struct survey_question *q = &d->questions[i];
	const struct survey_answer *an = &ans->a[i];
	char number[40];
	int k, rc;

	if (q->type == SQ_GRID) {
		for (k = 0; k < q->row_n; k++)
			if ((rc = cell(fn, arg, SURVEY_CELL_TEXT, an->given && an->grid[k] >= 0 ?
			    q->options[an->grid[k]].label : none, 0)) != 0)
				return rc;
		return 0;
	}
	buf_reset(text);
	if (!an->given) {
		rc = cell(fn, arg, SURVEY_CELL_EMPTY, none, 0);
	} else {
		switch (q->type) {
		case SQ_SINGLE:
		case SQ_LIKERT:
		case SQ_FFT:
		case SQ_MULTIPLE:
		case SQ_RANKING:
			for (k = 0; k < an->choice_n; k++) {
				if (k > 0)
					buf_add_c(text, "; ");
				buf_add_str(text, q->options[an->choices[k]].label);
			}
			rc = cell(fn, arg, SURVEY_CELL_TEXT, (struct str){ text->p, text->n }, 0);
			break;
		case SQ_NUMBER:
		case SQ_RATING:
			rc = cell(fn, arg, SURVEY_CELL_NUMBER, number_text(an->number, number,
			    sizeof(number)), an->number);
			break;
		case SQ_DATE:
			rc = cell(fn, arg, SURVEY_CELL_DATE, an->text, 0);
			break;
		default:
			rc = cell(fn, arg, SURVEY_CELL_TEXT, an->text, 0);
		}
	}
	if (rc == 0 && survey_cell_count(q) == 2) /* "KEY.other" */
		rc = cell(fn, arg, SURVEY_CELL_TEXT, an->given ? an->other : none, 0);
	return rc;
}

int
survey_export_cells(const struct survey_def *d, const struct survey_answers *ans,
    struct buf *scratch, survey_cell_fn fn, void *arg)
{
	int i, rc;

	for (i = 0; i < d->question_n; i++)
		if (d->questions[i].type != SQ_INFO &&
		    (rc = answer_cells(d, i, ans, scratch, fn, arg)) != 0)
			return rc;
	return 0;
}

static int
csv_cell(void *arg, const struct survey_cell *c)
{
	struct buf *b = arg;

	buf_addch(b, ',');
	buf_add_csv_cell(b, c->text);
	return 0;
}

void
survey_export_csv_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans, struct buf *b, struct buf *scratch)
{
	char when[TIMEFMT_RFC3339_MAX];

	if (timefmt_rfc3339(m->submitted_at, when) != 0)
		when[0] = '\0';
	buf_printf(b, "\"%lld\",\"%s\",\"%s\"", (long long)m->id, when,
	    survey_channel_name(m->channel));
	survey_export_cells(d, ans, scratch, csv_cell, b);
	buf_add_c(b, "\r\n");
}

json_t *
survey_export_json_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans)
{
	char when[TIMEFMT_RFC3339_MAX], id[24];
	json_t *other = json_object();
	int i;

	if (timefmt_rfc3339(m->submitted_at, when) != 0)
		when[0] = '\0';
	snprintf(id, sizeof(id), "%lld", (long long)m->id);
	for (i = 0; i < d->question_n && i < ans->n; i++)
		if (ans->a[i].given && ans->a[i].other.n > 0)
			json_object_setn_new(other, d->questions[i].key.p, d->questions[i].key.n,
			    json_stringn(ans->a[i].other.p, ans->a[i].other.n));
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", id, "submitted_at", when, "channel",
	    survey_channel_name(m->channel), "answers", survey_answers_to_json(d, ans), "other",
	    other);
}

/* ---- results as open data ----------------------------------------------------------- */

/* The GSS's mark for a figure withheld to protect confidentiality. */
#define OPEN_DATA_HIDDEN "[c]"

/* One line: a count of an option (or a rating point, or a grid's cell). */
static void
open_data_line(struct buf *b, const struct survey_question *q, struct str row,
    struct str option, int64_t count, int64_t of, bool hidden, bool of_hidden, int64_t below)
{
	int tenths = poll_percent_tenths(count, of);

	buf_add_csv_cell(b, q->key);
	buf_addch(b, ',');
	buf_add_csv_cell(b, q->text);
	buf_addch(b, ',');
	buf_add_csv_cell(b, row);
	buf_addch(b, ',');
	buf_add_csv_cell(b, option);
	if (hidden)
		buf_add_c(b, "," OPEN_DATA_HIDDEN "," OPEN_DATA_HIDDEN);
	else
		buf_printf(b, ",%lld,%d.%d", (long long)count, tenths / 10, tenths % 10);
	if (of_hidden)
		buf_add_c(b, "," OPEN_DATA_HIDDEN);
	else
		buf_printf(b, ",%lld", (long long)of);
	if (hidden)
		buf_printf(b, ",\"" OPEN_DATA_HIDDEN ": fewer than %lld, or withheld so that a "
		    "count fewer than %lld cannot be worked out\"", (long long)below,
		    (long long)below);
	else
		buf_add_c(b, ",");
	buf_add_c(b, "\r\n");
}

void
survey_export_open_data(const struct survey_def *d, const struct survey_results *r,
    const struct survey_hidden *h, int64_t below, struct buf *b)
{
	static const struct str none = { "", 0 };
	char point[16];
	int i, k, j;

	buf_add_c(b, "question,question_text,row,option,count,percent,answered,note\r\n");
	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];
		const struct survey_qresult *qr = &r->q[i];
		const struct survey_qhidden *qh = &h->q[i];

		switch (q->type) {
		case SQ_SINGLE:
		case SQ_MULTIPLE:
		case SQ_LIKERT:
		case SQ_FFT:
		case SQ_RANKING:
			for (k = 0; k < q->option_n; k++)
				open_data_line(b, q, none, q->options[k].label, qr->options[k],
				    qr->answered, qh->all || qh->options[k], qh->all, below);
			break;
		case SQ_RATING:
			for (k = 0; k < qr->points; k++) {
				snprintf(point, sizeof(point), "%d", (int)q->min + k);
				open_data_line(b, q, none, str_c(point), qr->ratings[k], qr->answered,
				    qh->all || qh->options[k], qh->all, below);
			}
			break;
		case SQ_GRID:
			for (j = 0; j < q->row_n; j++) {
				/* A row's own total is shown only when it may be. */
				bool row_hidden = qh->all || suppress_count(qr->rows[j], below);

				for (k = 0; k < q->option_n; k++)
					open_data_line(b, q, q->rows[j].label, q->options[k].label,
					    qr->grid[j * q->option_n + k], qr->rows[j], row_hidden ||
					    qh->grid[j * q->option_n + k], row_hidden, below);
			}
			break;
		default: /* not counts: free text, numbers, dates, postcodes, information */
			break;
		}
	}
}
