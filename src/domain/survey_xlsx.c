/*
 * survey_xlsx.c - responses as an XLSX workbook (survey_export.h), through
 * libxlsxwriter.
 *
 * Constant-memory mode writes each row to the library's temporary file
 * as soon as the next begins, so a million responses cost one row of
 * memory; the price is that rows must come in order, which they do.
 * Text cells are always text (a spreadsheet never runs them as a
 * formula), so the CSV's apostrophe is not needed here.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "involve/survey_export.h"

struct survey_xlsx {
	const struct survey_def *d;
	lxw_workbook *book;
	lxw_worksheet *sheet;
	lxw_format *bold, *date, *when;
	lxw_row_t row;     /* the next to write */
	lxw_col_t col;     /* the next cell of the row being written */
	int err;           /* the first error of the row being written */
	struct buf text;   /* a cell's text, NUL-terminated for the library */
	struct buf joined; /* survey_export_cells' scratch */
};

/* s as a C string, in x->text. */
static const char *
c_string(struct survey_xlsx *x, struct str s)
{
	buf_reset(&x->text);
	buf_add(&x->text, s.p, s.n);
	return buf_cstr(&x->text);
}

static void
write_text(struct survey_xlsx *x, lxw_col_t col, struct str s, lxw_format *f)
{
	const char *text = c_string(x, s);

	if (text == NULL)
		x->err = ERR_NOMEM;
	else if (x->err == 0 && worksheet_write_string(x->sheet, x->row, col, text, f) !=
	    LXW_NO_ERROR)
		x->err = ERR_IO;
}

int
survey_xlsx_open(const struct survey_def *d, const char *path, const char *tmp_dir,
    struct survey_xlsx **out)
{
	lxw_workbook_options options = { .constant_memory = LXW_TRUE,
		.tmpdir = (char *)tmp_dir, .use_zip64 = LXW_TRUE };
	struct survey_xlsx *x = calloc(1, sizeof(*x));
	struct buf name = BUF_INIT;
	int i, k, n;

	if (x == NULL)
		return ERR_NOMEM;
	x->d = d;
	if ((x->book = workbook_new_opt(path, &options)) == NULL) {
		free(x);
		return ERR_IO;
	}
	x->sheet = workbook_add_worksheet(x->book, "Responses");
	x->bold = workbook_add_format(x->book);
	x->date = workbook_add_format(x->book);
	x->when = workbook_add_format(x->book);
	if (x->sheet == NULL || x->bold == NULL || x->date == NULL || x->when == NULL) {
		survey_xlsx_discard(x);
		return ERR_NOMEM;
	}
	format_set_bold(x->bold);
	format_set_num_format(x->date, "yyyy-mm-dd");
	format_set_num_format(x->when, "yyyy-mm-dd hh:mm:ss");
	worksheet_set_column(x->sheet, 1, 1, 20, NULL);
	worksheet_freeze_panes(x->sheet, 1, 0);
	write_text(x, 0, str_c("response"), x->bold);
	write_text(x, 1, str_c("submitted_at"), x->bold);
	write_text(x, 2, str_c("channel"), x->bold);
	x->col = 3;
	for (i = 0; i < d->question_n; i++) {
		n = survey_cell_count(&d->questions[i]);
		for (k = 0; k < n; k++) {
			buf_reset(&name);
			survey_cell_name(&d->questions[i], k, &name);
			if (x->col >= LXW_COL_MAX)
				x->err = ERR_TOO_LARGE;
			else
				write_text(x, x->col++, (struct str){ name.p, name.n }, x->bold);
		}
	}
	buf_free(&name);
	if (x->err != 0) {
		n = x->err;
		survey_xlsx_discard(x);
		return n;
	}
	x->row = 1;
	*out = x;
	return 0;
}

/* "YYYY-MM-DD", as the domain keeps dates, into dt; false if it is not one. */
static bool
date_of(struct str s, lxw_datetime *dt)
{
	int y, m, d;
	char text[11];

	if (s.n != 10)
		return false;
	memcpy(text, s.p, 10);
	text[10] = '\0';
	if (sscanf(text, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	*dt = (lxw_datetime){ y, m, d, 0, 0, 0 };
	return true;
}

static int
xlsx_cell(void *arg, const struct survey_cell *c)
{
	struct survey_xlsx *x = arg;
	lxw_col_t col = x->col++;
	lxw_datetime dt;

	switch (c->kind) {
	case SURVEY_CELL_EMPTY:
		break;
	case SURVEY_CELL_NUMBER:
		if (worksheet_write_number(x->sheet, x->row, col, c->number, NULL) != LXW_NO_ERROR)
			x->err = ERR_IO;
		break;
	case SURVEY_CELL_DATE:
		if (date_of(c->text, &dt)) {
			if (worksheet_write_datetime(x->sheet, x->row, col, &dt, x->date) !=
			    LXW_NO_ERROR)
				x->err = ERR_IO;
			break;
		}
		/* fall through */
	default:
		write_text(x, col, c->text, NULL);
	}
	return x->err;
}

int
survey_xlsx_row(struct survey_xlsx *x, const struct survey_export_meta *m,
    const struct survey_answers *ans)
{
	time_t t = (time_t)m->submitted_at;
	lxw_datetime dt;
	struct tm tm;

	if (x->row > SURVEY_XLSX_ROWS_MAX)
		return ERR_TOO_LARGE;
	x->err = 0;
	if (worksheet_write_number(x->sheet, x->row, 0, (double)m->id, NULL) != LXW_NO_ERROR)
		x->err = ERR_IO;
	if (gmtime_r(&t, &tm) != NULL) {
		dt = (lxw_datetime){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			tm.tm_min, tm.tm_sec };
		if (worksheet_write_datetime(x->sheet, x->row, 1, &dt, x->when) != LXW_NO_ERROR)
			x->err = ERR_IO;
	}
	write_text(x, 2, str_c(survey_channel_name(m->channel)), NULL);
	x->col = 3;
	if (x->err == 0)
		survey_export_cells(x->d, ans, &x->joined, xlsx_cell, x);
	x->row++;
	return x->err;
}

static int
finish(struct survey_xlsx *x)
{
	lxw_error rc = workbook_close(x->book);

	buf_free(&x->text);
	buf_free(&x->joined);
	free(x);
	return rc == LXW_NO_ERROR ? 0 : ERR_IO;
}

int
survey_xlsx_close(struct survey_xlsx *x)
{
	return finish(x);
}

void
survey_xlsx_discard(struct survey_xlsx *x)
{
	/* The library frees a workbook only by writing it; the caller deletes
	 * what it wrote. */
	(void)finish(x);
}
