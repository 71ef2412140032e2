/*
 * csv.h - reading CSV files that people bring: survey responses imported
 * with `involve survey import --file` (a header row of question keys, then
 * a row per response) and files of feedback to analyse.
 *
 * The format is RFC 4180's: fields separated by commas, a field in double
 * quotes when it holds a comma, a quote (doubled: "") or a line break, rows
 * ending in CRLF or LF (or a lone CR, as old Mac spreadsheets wrote), the
 * last row with or without one.  Line breaks inside quotes are kept as they
 * are.  A quote inside a field that does not start with one, text after a
 * field's closing quote, and a quote never closed are refused: guessing
 * would put answers in the wrong column.
 *
 * Encoding: UTF-8, with or without a byte-order mark (skipped); or, when
 * the input is not valid UTF-8, Windows-1252 as spreadsheet programs save
 * "CSV" on Windows, and then all of it is converted.  The five bytes that
 * Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) are refused at
 * their row, as are bytes that are not UTF-8 after a byte-order mark (the
 * file says it is UTF-8, and is damaged).  A UTF-16 file (a byte-order mark
 * FF FE or FE FF: Excel's "Unicode text") is refused at row 1.  So every
 * field handed out is valid UTF-8; what it may hold (control characters,
 * lengths) is the caller's to check, with text_check.
 *
 * The input is one buffer, which the caller reads and keeps for the
 * reader's life; the reader never copies it.  Choosing the encoding takes
 * one pass over all of it (a byte that is not UTF-8 may come last), then
 * csv_next decodes one row at a time into memory the reader reuses: what
 * the reader holds is one row, within the limits below, however long the
 * input.  A file too large to read into memory can be mapped (mmap) and
 * given as it is: its pages are then the kernel's to drop, not the heap's.
 *
 * Rows are numbered from 1 (the header, when there is one) and lines are
 * the input's physical lines from 1, so a message can point at both: a
 * quoted line break makes a row longer than a line.  Not thread-safe: a
 * reader belongs to one thread at a time.
 */
#ifndef INVOLVE_CSV_H
#define INVOLVE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "involve/str.h"

/* Bytes in one field, after decoding (a Windows-1252 byte may become up to
 * three bytes of UTF-8). */
#define CSV_FIELD_MAX (1024 * 1024)
/* Fields in one row. */
#define CSV_COLUMNS_MAX 1000
/* Bytes in one row's fields together, after decoding: without it a row of
 * CSV_COLUMNS_MAX fields of CSV_FIELD_MAX bytes each would be a gigabyte. */
#define CSV_ROW_MAX (16 * 1024 * 1024)

/* Limits narrower than the defaults, for a caller that knows its files
 * (a survey's responses have at most as many columns as it has questions).
 * A member left 0 is the default above; a larger one is the default too. */
struct csv_limits {
	size_t field_max;
	size_t row_max;
	int column_max;
};

enum csv_encoding {
	CSV_UTF8,         /* UTF-8 (plain ASCII included), no byte-order mark */
	CSV_UTF8_BOM,     /* UTF-8 after a byte-order mark */
	CSV_WINDOWS_1252, /* not UTF-8: each byte converted from Windows-1252 */
	CSV_UTF16,        /* a UTF-16 byte-order mark: refused, csv_next says so */
};

/* "UTF-8", "UTF-8 with a byte-order mark", "Windows-1252", "UTF-16". */
const char *csv_encoding_name(enum csv_encoding enc);

/*
 * One row.  fields[0..n) point into the reader's memory and stay valid
 * until the next csv_next or csv_close on the same reader: a caller that
 * keeps a field copies it.  A blank line is a row of one empty field.
 */
struct csv_row {
	struct str *fields;
	int n;
	long row;  /* 1 for the first row */
	long line; /* the physical line the row starts on, from 1 */
};

struct csv_reader;

/*
 * A reader of data, which must outlive it, with limits (NULL: the
 * defaults).  Chooses the encoding (csv_encoding) and skips a UTF-8
 * byte-order mark; a problem with the text itself is csv_next's to
 * report, at its row.  The caller owns *out and releases it with
 * csv_close.  0, or ERR_NOMEM and *out is NULL.
 */
int csv_open(struct str data, const struct csv_limits *limits, struct csv_reader **out);
void csv_close(struct csv_reader *r);
enum csv_encoding csv_encoding(const struct csv_reader *r);

/*
 * Reads the next row into *row: 1 when there was one, 0 at the end of the
 * input (an empty input has no rows), or a negative code:
 *   ERR_INVALID  the input is refused at this row: row->row and row->line
 *                say where (the line the problem is on; for a quote never
 *                closed, the line it opened on), row->n is 0, and
 *                csv_message says what is wrong in a sentence naming both;
 *   ERR_NOMEM    the row could not be held.
 * After 0 or an error, every later call returns the same again.
 */
int csv_next(struct csv_reader *r, struct csv_row *row);
/* The last error's sentence ("Row 3 (line 5): the quote that opens column
 * 2 is never closed"), or "" when there was none.  Lives as long as the
 * reader. */
const char *csv_message(const struct csv_reader *r);

/*
 * The index of the column of header whose name is name, compared without
 * the spaces and tabs around the header's field and without regard to
 * ASCII case ("Age " is "age"); ERR_NOTFOUND when no column has it,
 * ERR_DUPLICATE when more than one does (which column would an answer be
 * read from?).  Like any row's, the header's fields last until the next
 * csv_next: look the columns up first.
 */
int csv_column(const struct csv_row *header, struct str name);
/* Whether every field of row is empty or only spaces and tabs: a blank
 * line, or the ",,,," a spreadsheet writes for an empty row. */
bool csv_row_is_blank(const struct csv_row *row);

#endif
