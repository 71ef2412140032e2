/*
 * survey_export.h - a survey as files: its responses, one row per
 * response, for the export API, the staff pages and the command line; and
 * its results as open data, safe to publish.
 *
 * Responses' columns: response, submitted_at (RFC 3339, UTC), channel,
 * then one per question in order, named by its key: a grid has one per
 * row ("KEY.ROW VALUE"), a question with an "Other, please say" option
 * one more ("KEY.other").  Cells hold what people read: option labels (a
 * multiple choice's joined by "; ", a ranking's in order), numbers,
 * dates as YYYY-MM-DD, text as given.  CSV cells are every one
 * formula-safe (buf_add_csv_cell); XLSX cells are typed (numbers as
 * numbers, dates as dates, text as text, which a spreadsheet never runs).
 * JSON rows hold the answers as the API takes them.
 */
#ifndef INVOLVE_SURVEY_EXPORT_H
#define INVOLVE_SURVEY_EXPORT_H

#include <stdint.h>

#include <jansson.h>

#include "involve/survey.h"
#include "involve/survey_answers.h"
#include "involve/survey_results.h"

/* What a row says of its response besides the answers. */
struct survey_export_meta {
	int64_t id;
	int64_t submitted_at;
	enum survey_channel channel;
};

/* One cell of a response's answers, as its column holds it. */
enum survey_cell_kind {
	SURVEY_CELL_EMPTY,
	SURVEY_CELL_TEXT,   /* text */
	SURVEY_CELL_NUMBER, /* number (text: as CSV writes it) */
	SURVEY_CELL_DATE,   /* text: YYYY-MM-DD */
};
struct survey_cell {
	enum survey_cell_kind kind;
	struct str text;
	double number;
};
/* Called for each answer cell of a row, in column order after the first
 * three; the cell lives only during the call. */
typedef int (*survey_cell_fn)(void *arg, const struct survey_cell *c);
/* Calls fn for each answer cell of ans, using scratch for joined text.
 * Non-zero from fn stops and is returned. */
int survey_export_cells(const struct survey_def *d, const struct survey_answers *ans,
    struct buf *scratch, survey_cell_fn fn, void *arg);

/* The header line, CRLF-terminated. */
void survey_export_csv_header(const struct survey_def *d, struct buf *b);
/* One response's line, CRLF-terminated; scratch is working space, kept
 * by the caller from row to row so that a row allocates nothing. */
void survey_export_csv_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans, struct buf *b, struct buf *scratch);
/* {"id", "submitted_at", "channel", "answers": {...}, "other": {...}} */
json_t *survey_export_json_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans);

/*
 * XLSX through libxlsxwriter, in its constant-memory mode (a row is
 * written as it comes and not kept): one sheet, "Responses", the CSV's
 * columns with the header row in bold and frozen.  path is written when
 * the workbook is closed; tmp_dir (NULL: the system's) holds the
 * library's own temporary files meanwhile.
 */
#define SURVEY_XLSX_ROWS_MAX 1048575 /* a sheet's rows, less the header */
struct survey_xlsx;
/* 0, or ERR_NOMEM / ERR_IO. */
int survey_xlsx_open(const struct survey_def *d, const char *path, const char *tmp_dir,
    struct survey_xlsx **out);
/* 0; ERR_TOO_LARGE past SURVEY_XLSX_ROWS_MAX responses; ERR_NOMEM. */
int survey_xlsx_row(struct survey_xlsx *x, const struct survey_export_meta *m,
    const struct survey_answers *ans);
/* Writes the file and frees x: 0, or ERR_IO (the file is then not whole). */
int survey_xlsx_close(struct survey_xlsx *x);
/* Frees x without writing the file (after an error). */
void survey_xlsx_discard(struct survey_xlsx *x);

/*
 * The results as open data: a CSV file safe to publish whatever the
 * reader's role, since small counts are always hidden as the published
 * results page hides them (survey_results_suppress with `below`).
 * Columns: question (its key), question_text, row (a grid's row label,
 * else empty), option (its label; a rating's point), count, percent (of
 * those who answered the question, or the grid's row; one decimal),
 * answered (how many answered the question or the row), note.  A hidden
 * figure is "[c]" (confidential, as the Government Statistical Service
 * marks one), and its line's note says why.  Free text, numbers, dates,
 * postcodes and information text are left out: they are not counts.
 * CRLF line ends, every cell formula-safe.
 */
void survey_export_open_data(const struct survey_def *d, const struct survey_results *r,
    const struct survey_hidden *h, int64_t below, struct buf *b);

#endif
