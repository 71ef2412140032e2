/*
 * survey_export.c - responses as CSV and JSON rows (survey_export.h).
 */
#include <stdio.h>
#include <string.h>

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

/* One question's cell or cells. */
static void
csv_answer(const struct survey_def *d, int i, const struct survey_answers *ans, struct buf *b,
    struct buf *cell)
{
	const struct survey_question *q = &d->questions[i];
	const struct survey_answer *an = &ans->a[i];
	char number[40];
	int k;

	if (q->type == SQ_GRID) {
		for (k = 0; k < q->row_n; k++) {
			buf_addch(b, ',');
			buf_add_csv_cell(b, an->given && an->grid[k] >= 0 ?
			    q->options[an->grid[k]].label : (struct str){ "", 0 });
		}
		return;
	}
	buf_reset(cell);
	if (an->given) {
		switch (q->type) {
		case SQ_SINGLE:
		case SQ_LIKERT:
		case SQ_FFT:
		case SQ_MULTIPLE:
		case SQ_RANKING:
			for (k = 0; k < an->choice_n; k++) {
				if (k > 0)
					buf_add_c(cell, "; ");
				buf_add_str(cell, q->options[an->choices[k]].label);
			}
			break;
		case SQ_NUMBER:
		case SQ_RATING:
			snprintf(number, sizeof(number), "%.10g", an->number);
			buf_add_c(cell, number);
			break;
		default:
			buf_add_str(cell, an->text);
		}
	}
	buf_addch(b, ',');
	buf_add_csv_cell(b, (struct str){ cell->p, cell->n });
	if (survey_cell_count(q) == 2) { /* "KEY.other" */
		buf_addch(b, ',');
		buf_add_csv_cell(b, an->given ? an->other : (struct str){ "", 0 });
	}
}

void
survey_export_csv_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans, struct buf *b)
{
	char when[TIMEFMT_RFC3339_MAX];
	struct buf cell = BUF_INIT;
	int i;

	if (timefmt_rfc3339(m->submitted_at, when) != 0)
		when[0] = '\0';
	buf_printf(b, "\"%lld\",\"%s\",\"%s\"", (long long)m->id, when,
	    survey_channel_name(m->channel));
	for (i = 0; i < d->question_n; i++)
		if (d->questions[i].type != SQ_INFO)
			csv_answer(d, i, ans, b, &cell);
	buf_add_c(b, "\r\n");
	buf_free(&cell);
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
