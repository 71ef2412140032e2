/*
 * fuzz_csv_read.c - the CSV reader (src/core/csv.c) on hostile files.
 *
 * Input: one byte, then the file.  The byte's lowest bit chooses narrow
 * limits (a field of 16 bytes, a row of 64, 6 columns) so that inputs of a
 * fuzzer's usual size reach the limits' refusals; otherwise the defaults.
 *
 * What must hold:
 * - every field handed out is valid UTF-8 and within the limits; rows are
 *   numbered 1, 2, 3 and start on increasing lines; a row has a field;
 * - the reader agrees with a plain reading of RFC 4180 here (the oracle,
 *   written apart from csv.c): the same rows, fields, start lines, and a
 *   refusal at the same row, for UTF-8 input;
 * - for Windows-1252 input, each field has as many characters as the
 *   plain reading has bytes, the ASCII ones the same;
 * - a refusal for the limits is at a row that breaks one, and one for the
 *   encoding at a row holding the byte refused;
 * - a refusal's message names its row and line, and every later call gives
 *   the same answer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/csv.h"
#include "involve/error.h"
#include "involve/text.h"
#include "fuzz.h"

/* The oracle stops counting columns here: the reader refuses earlier. */
#define ORACLE_COLUMNS (CSV_COLUMNS_MAX + 1)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* One row as the plain reading finds it: its fields' raw bytes, and where
 * it starts and ends in the input. */
struct oracle_row {
	struct buf fields[ORACLE_COLUMNS];
	int n;
	size_t from, to;
	long line;
};

enum oracle_result {
	ORACLE_ROW,
	ORACLE_END,
	ORACLE_BAD
};

static bool
is_break(unsigned char c)
{
	return c == '\r' || c == '\n';
}

/* Reads the row at *at of s[0..n), counting line breaks into *line (CRLF,
 * LF or CR each one). */
static enum oracle_result
oracle_row(const unsigned char *s, size_t n, size_t *at, long *line, struct oracle_row *o)
{
	size_t i = *at;
	struct buf *f;

	o->n = 0;
	o->from = i;
	o->line = *line;
	if (i == n)
		return ORACLE_END;
	for (;;) {
		if (o->n == ORACLE_COLUMNS)
			return ORACLE_BAD;
		f = &o->fields[o->n++];
		buf_reset(f);
		if (i < n && s[i] == '"') {
			for (i++;; i++) {
				if (i == n)
					return ORACLE_BAD;
				if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
					buf_addch(f, '"');
					i++;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					if (s[i] == '\n' ||
					    (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
						(*line)++;
					buf_addch(f, (char)s[i]);
				}
			}
			if (i < n && s[i] != ',' && !is_break(s[i]))
				return ORACLE_BAD;
		} else {
			for (; i < n && s[i] != ',' && !is_break(s[i]); i++) {
				if (s[i] == '"')
					return ORACLE_BAD;
				buf_addch(f, (char)s[i]);
			}
		}
		if (i < n && s[i] == ',') {
			i++;
			continue;
		}
		if (i < n && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		if (i < n) {
			i++;
			(*line)++;
		}
		o->to = i;
		*at = i;
		return ORACLE_ROW;
	}
}

/* Whether the reader's field f is what the plain reading found, raw. */
static void
check_field(enum csv_encoding enc, struct str f, struct buf *raw, long row, int i)
{
	size_t at = 0, k = 0, len;
	unsigned cp;

	if (enc != CSV_WINDOWS_1252) {
		FUZZ_CHECK(f.n == raw->n && (f.n == 0 || memcmp(f.p, raw->p, f.n) == 0),
		    "row %ld field %d reads otherwise", row, i);
		return;
	}
	FUZZ_CHECK(text_chars(f) == raw->n, "row %ld field %d: %zu characters for %zu bytes", row,
	    i, text_chars(f), raw->n);
	while ((len = text_decode(f, at, &cp)) > 0) {
		unsigned char b = (unsigned char)raw->p[k];

		FUZZ_CHECK((b < 0x80) == (cp < 0x80) && (b >= 0x80 || cp == b),
		    "row %ld field %d: byte 0x%02X read as U+%04X", row, i, b, cp);
		FUZZ_CHECK(b < 0xA0 || cp == b, "row %ld field %d: byte 0x%02X read as U+%04X", row,
		    i, b, cp);
		at += len;
		k++;
	}
}

/* Whether the row the oracle read breaks one of the limits, its fields
 * measured as the reader measures them (decoded, up to three bytes for a
 * Windows-1252 byte). */
static bool
breaks_limits(const struct oracle_row *o, const struct csv_limits *lim, bool w1252)
{
	size_t row = 0, bytes;
	int i;

	if (o->n > lim->column_max)
		return true;
	for (i = 0; i < o->n; i++) {
		bytes = w1252 ? o->fields[i].n * 3 : o->fields[i].n;
		if (bytes > lim->field_max)
			return true;
		row += bytes;
	}
	return row > lim->row_max;
}

static bool
span_has_undefined_1252(const unsigned char *s, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (s[i] == 0x81 || s[i] == 0x8D || s[i] == 0x8F || s[i] == 0x90 || s[i] == 0x9D)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct oracle_row o;
	static const struct csv_limits narrow = { .field_max = 16, .row_max = 64, .column_max = 6 };
	const struct csv_limits defaults = { CSV_FIELD_MAX, CSV_ROW_MAX, CSV_COLUMNS_MAX };
	const struct csv_limits *lim;
	struct csv_reader *r;
	struct csv_row row;
	enum csv_encoding enc;
	enum oracle_result want = ORACLE_END;
	const unsigned char *s;
	char where[64];
	size_t n, at = 0, bad_at = SIZE_MAX, total;
	long line = 1, last_line = 0, rows = 0;
	int rc, i;

	if (size == 0)
		return 0;
	lim = data[0] & 1 ? &narrow : &defaults;
	s = data + 1;
	n = size - 1;
	FUZZ_CHECK(
	    csv_open((struct str){ (const char *)s, n }, lim == &narrow ? lim : NULL, &r) == 0,
	    "csv_open failed");
	enc = csv_encoding(r);
	if (enc == CSV_UTF8_BOM) {
		s += 3;
		n -= 3;
		if (!text_is_utf8((struct str){ (const char *)s, n }))
			bad_at = text_utf8_prefix((struct str){ (const char *)s, n });
	}
	FUZZ_CHECK(enc != CSV_UTF8 || text_is_utf8((struct str){ (const char *)s, n }),
	    "UTF-8 chosen for text that is not");
	FUZZ_CHECK(enc != CSV_WINDOWS_1252 || !text_is_utf8((struct str){ (const char *)s, n }),
	    "Windows-1252 chosen for UTF-8");

	while ((rc = csv_next(r, &row)) == 1) {
		rows++;
		want = oracle_row(s, n, &at, &line, &o);
		FUZZ_CHECK(
		    want == ORACLE_ROW, "row %ld read where the plain reading has none", rows);
		FUZZ_CHECK(row.row == rows, "row %ld numbered %ld", rows, row.row);
		FUZZ_CHECK(row.line > last_line, "row %ld starts on line %ld after %ld", rows,
		    row.line, last_line);
		FUZZ_CHECK(row.line == o.line, "row %ld starts on line %ld, not %ld", rows,
		    row.line, o.line);
		last_line = row.line;
		FUZZ_CHECK(
		    row.n >= 1 && row.n <= lim->column_max, "row %ld has %d fields", rows, row.n);
		FUZZ_CHECK(row.n == o.n, "row %ld: %d fields, not %d", rows, row.n, o.n);
		FUZZ_CHECK(enc != CSV_UTF16, "a UTF-16 row read");
		total = 0;
		for (i = 0; i < row.n; i++) {
			FUZZ_CHECK(
			    text_is_utf8(row.fields[i]), "row %ld field %d is not UTF-8", rows, i);
			FUZZ_CHECK(row.fields[i].n <= lim->field_max, "row %ld field %d too long",
			    rows, i);
			total += row.fields[i].n;
			check_field(enc, row.fields[i], &o.fields[i], rows, i);
		}
		FUZZ_CHECK(total <= lim->row_max, "row %ld too long", rows);
		(void)csv_row_is_blank(&row);
		if (rows == 1)
			(void)csv_column(&row, STR_LIT("key"));
	}

	if (rc == 0) {
		want = oracle_row(s, n, &at, &line, &o);
		FUZZ_CHECK(want == ORACLE_END, "the reader ended before the plain reading (%d)",
		    (int)want);
		FUZZ_CHECK(enc != CSV_UTF16 || n == 0, "UTF-16 read to its end");
		FUZZ_CHECK(strcmp(csv_message(r), "") == 0, "a message without an error");
	} else {
		FUZZ_CHECK(rc == ERR_INVALID, "csv_next gave %d", rc);
		FUZZ_CHECK(row.n == 0 && row.fields == NULL, "fields with an error");
		FUZZ_CHECK(row.row == rows + 1, "refused at row %ld after %ld rows", row.row, rows);
		snprintf(where, sizeof(where), "Row %ld (line %ld): ", row.row, row.line);
		FUZZ_CHECK(strncmp(csv_message(r), where, strlen(where)) == 0,
		    "\"%s\" does not start \"%s\"", csv_message(r), where);
		want = oracle_row(s, n, &at, &line, &o);
		if (strstr(csv_message(r), "UTF-16") != NULL) {
			FUZZ_CHECK(
			    enc == CSV_UTF16 && row.row == 1, "UTF-16 refused at row %ld", row.row);
		} else if (strstr(csv_message(r), "not a character in Windows-1252") != NULL) {
			FUZZ_CHECK(enc == CSV_WINDOWS_1252 &&
			        span_has_undefined_1252(s, o.from, want == ORACLE_ROW ? o.to : n),
			    "an undefined byte refused where there is none");
		} else if (strstr(csv_message(r), "not UTF-8") != NULL) {
			FUZZ_CHECK(enc == CSV_UTF8_BOM && bad_at >= o.from &&
			        (want != ORACLE_ROW || bad_at < o.to),
			    "bytes refused as not UTF-8 at row %ld, which has none", row.row);
		} else if (strstr(csv_message(r), "longer than") != NULL ||
		    strstr(csv_message(r), "more than") != NULL) {
			FUZZ_CHECK(want == ORACLE_BAD ||
			        (want == ORACLE_ROW &&
			            breaks_limits(&o, lim, enc == CSV_WINDOWS_1252)),
			    "a row within the limits refused: %s", csv_message(r));
		} else {
			FUZZ_CHECK(want == ORACLE_BAD, "refused where the plain reading is not: %s",
			    csv_message(r));
		}
	}
	/* After the end or a refusal, the same answer. */
	{
		struct csv_row again;
		long end_row = row.row, end_line = row.line;

		FUZZ_CHECK(csv_next(r, &again) == rc && again.row == end_row &&
		        again.line == end_line && again.n == 0,
		    "a second call after the end answers otherwise");
	}
	csv_close(r);
	return 0;
}
