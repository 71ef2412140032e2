/*
 * csv.c - the CSV reader (see csv.h).
 *
 * csv_open looks at the whole input once to choose its encoding; csv_next
 * then walks it a row at a time, byte by byte, with the structure (quotes,
 * commas, CR, LF) read from the raw bytes.  That is sound in both
 * encodings: those four are ASCII, and no byte of a UTF-8 sequence nor any
 * Windows-1252 byte above 0x7F stands for an ASCII character.  A field's
 * bytes are decoded as they are appended to the row's one buffer, whose
 * memory is reused from row to row.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/csv.h"
#include "involve/error.h"
#include "involve/text.h"

#define CSV_MESSAGE_MAX 200 /* as a field error's detail (ERROR_DETAIL_MAX) */

struct csv_reader {
	const unsigned char *start, *p, *end;
	enum csv_encoding enc;
	/* After a byte-order mark, the first byte that is not UTF-8 (an offset
	 * from start), refused when a row reaches it; SIZE_MAX when none. */
	size_t bad_at;
	struct csv_limits lim;
	long row;  /* rows begun */
	long line; /* the physical line p is on */
	int done;  /* what every later csv_next returns; 1 while reading */
	long done_row, done_line;
	struct buf text;    /* the current row's fields, decoded, one after another */
	size_t field_start; /* where the field being read begins in text */
	size_t *ends;       /* where each field of the row ends in text */
	struct str *fields;
	int cap; /* of ends and fields */
	char message[CSV_MESSAGE_MAX];
};

/*
 * Windows-1252's bytes 0x80 to 0x9F, which it uses for printable characters
 * where ISO 8859-1 has C1 controls; 0 marks the five it leaves undefined.
 * From 0xA0 up, a byte is the code point of the same number.
 *
 * Not iconv: glibc's converters are modules loaded at run time (gconv),
 * which a slim container image may lack, so a converter that works on a
 * developer's machine could fail on the server; iconv converts a buffer
 * while we decode a field at a time as we find it; and an undefined byte
 * would come back as an offset to map back to a row.  Thirty-two entries
 * are less than that glue.  The test suite checks every byte against an
 * independent table.
 */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80-87 */
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000, /* 88-8F */
	0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90-97 */
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178, /* 98-9F */
};

static const char utf8_bom[3] = { '\xEF', '\xBB', '\xBF' };

const char *
csv_encoding_name(enum csv_encoding enc)
{
	switch (enc) {
	case CSV_UTF8: return "UTF-8";
	case CSV_UTF8_BOM: return "UTF-8 with a byte-order mark";
	case CSV_WINDOWS_1252: return "Windows-1252";
	case CSV_UTF16: return "UTF-16";
	}
	return "unknown";
}

static size_t
limit(size_t asked, size_t most)
{
	return asked == 0 || asked > most ? most : asked;
}

int
csv_open(struct str data, const struct csv_limits *limits, struct csv_reader **out)
{
	struct csv_reader *r;
	struct str rest = data;

	*out = NULL;
	if (rest.n == 0)
		rest.p = ""; /* no arithmetic on a NULL pointer, even + 0 */
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return ERR_NOMEM;
	r->lim.field_max = limit(limits ? limits->field_max : 0, CSV_FIELD_MAX);
	r->lim.row_max = limit(limits ? limits->row_max : 0, CSV_ROW_MAX);
	r->lim.column_max = (int)limit(
	    limits && limits->column_max > 0 ? (size_t)limits->column_max : 0, CSV_COLUMNS_MAX);
	r->bad_at = SIZE_MAX;
	r->done = 1;
	r->line = 1;
	/* An empty row still points its fields somewhere: never at NULL. */
	if (buf_reserve(&r->text, 256) != 0) {
		free(r);
		return ERR_NOMEM;
	}
	if (data.n >= 2 &&
	    ((data.p[0] == '\xFF' && data.p[1] == '\xFE') ||
	        (data.p[0] == '\xFE' && data.p[1] == '\xFF'))) {
		r->enc = CSV_UTF16;
	} else if (data.n >= 3 && memcmp(data.p, utf8_bom, 3) == 0) {
		r->enc = CSV_UTF8_BOM;
		rest.p += 3;
		rest.n -= 3;
		if (!text_is_utf8(rest))
			r->bad_at = text_utf8_prefix(rest);
	} else {
		r->enc = text_is_utf8(rest) ? CSV_UTF8 : CSV_WINDOWS_1252;
	}
	r->start = (const unsigned char *)rest.p;
	r->p = r->start;
	r->end = r->start + rest.n;
	*out = r;
	return 0;
}

void
csv_close(struct csv_reader *r)
{
	if (r == NULL)
		return;
	buf_free(&r->text);
	free(r->ends);
	free(r->fields);
	free(r);
}

enum csv_encoding
csv_encoding(const struct csv_reader *r)
{
	return r->enc;
}

const char *
csv_message(const struct csv_reader *r)
{
	return r->message;
}

/* Ends the reading with code, and a message saying what is wrong at the
 * current row and the given line. */
static int refuse(struct csv_reader *r, long line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
refuse(struct csv_reader *r, long line, int code, const char *fmt, ...)
{
	va_list ap;
	int k;

	k = snprintf(r->message, sizeof(r->message), "Row %ld (line %ld): ", r->row, line);
	if (k > 0 && (size_t)k < sizeof(r->message)) {
		va_start(ap, fmt);
		vsnprintf(r->message + k, sizeof(r->message) - (size_t)k, fmt, ap);
		va_end(ap);
	}
	r->done = code;
	r->done_row = r->row;
	r->done_line = line;
	return code;
}

/* Appends s[0..n), a run of one field's bytes, to the row in UTF-8. */
static int
add_bytes(struct csv_reader *r, int column, const unsigned char *s, size_t n)
{
	size_t field = r->text.n - r->field_start, i, at = (size_t)(s - r->start);
	unsigned cp;
	char *o;

	if (n == 0)
		return 0;
	if (n > r->lim.field_max - field)
		return refuse(r, r->line, ERR_INVALID, "column %d is longer than %zu bytes",
		    column + 1, r->lim.field_max);
	if (n > r->lim.row_max - r->text.n)
		return refuse(
		    r, r->line, ERR_INVALID, "the row is longer than %zu bytes", r->lim.row_max);
	if (r->enc != CSV_WINDOWS_1252) {
		if (r->bad_at >= at && r->bad_at - at < n)
			return refuse(r, r->line, ERR_INVALID,
			    "bytes that are not UTF-8, in a file that begins with UTF-8's "
			    "byte-order mark");
		buf_add(&r->text, s, n);
		return buf_ok(&r->text) ? 0 : ERR_NOMEM;
	}
	/* Up to three bytes of UTF-8 for one of Windows-1252. */
	if (buf_reserve(&r->text, n * 3) != 0)
		return ERR_NOMEM;
	o = r->text.p + r->text.n;
	for (i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			*o++ = (char)s[i];
			continue;
		}
		cp = s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
		if (cp == 0) {
			r->text.n = (size_t)(o - r->text.p);
			return refuse(r, r->line, ERR_INVALID,
			    "byte 0x%02X is not a character in Windows-1252, and the file is "
			    "not UTF-8 either",
			    s[i]);
		}
		if (cp < 0x800) {
			*o++ = (char)(0xC0 | cp >> 6);
		} else {
			*o++ = (char)(0xE0 | cp >> 12);
			*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		}
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	r->text.n = (size_t)(o - r->text.p);
	if (r->text.n - r->field_start > r->lim.field_max)
		return refuse(r, r->line, ERR_INVALID, "column %d is longer than %zu bytes",
		    column + 1, r->lim.field_max);
	if (r->text.n > r->lim.row_max)
		return refuse(
		    r, r->line, ERR_INVALID, "the row is longer than %zu bytes", r->lim.row_max);
	return 0;
}

static int
out_of_memory(struct csv_reader *r)
{
	return refuse(r, r->line, ERR_NOMEM, "out of memory");
}

/* A field that does not start with a quote: up to the comma or line end. */
static int
read_plain(struct csv_reader *r, int column)
{
	const unsigned char *s = r->p;
	int rc;

	while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r' && *r->p != '"')
		r->p++;
	rc = add_bytes(r, column, s, (size_t)(r->p - s));
	if (rc != 0)
		return rc;
	if (r->p < r->end && *r->p == '"')
		return refuse(r, r->line, ERR_INVALID,
		    "a quote inside column %d, which does not start with one (a field with "
		    "quotes is put in quotes, and each of its own doubled)",
		    column + 1);
	return 0;
}

/* A field in quotes, r->p at its opening quote.  Runs stop at each line
 * break, so a problem is reported on the line it is on. */
static int
read_quoted(struct csv_reader *r, int column)
{
	const unsigned char *s;
	long opened = r->line;
	int rc;

	r->p++;
	for (;;) {
		s = r->p;
		while (r->p < r->end && *r->p != '"' && *r->p != '\n' && *r->p != '\r')
			r->p++;
		rc = add_bytes(r, column, s, (size_t)(r->p - s));
		if (rc != 0)
			return rc;
		if (r->p == r->end)
			return refuse(r, opened, ERR_INVALID,
			    "the quote that opens column %d is never closed", column + 1);
		if (*r->p == '"') {
			if (r->end - r->p >= 2 && r->p[1] == '"') {
				rc = add_bytes(r, column, r->p, 1);
				if (rc != 0)
					return rc;
				r->p += 2;
				continue;
			}
			r->p++;
			break;
		}
		/* A line break, kept as it is: CRLF counts as one line. */
		rc = add_bytes(r, column, r->p, 1);
		if (rc != 0)
			return rc;
		if (*r->p == '\n' || r->end - r->p < 2 || r->p[1] != '\n')
			r->line++;
		r->p++;
	}
	if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
		return refuse(r, r->line, ERR_INVALID, "text after the closing quote of column %d",
		    column + 1);
	return 0;
}

/* Room for n fields in ends and fields. */
static int
grow(struct csv_reader *r, int n)
{
	size_t *ends;
	struct str *fields;
	int cap;

	if (n <= r->cap)
		return 0;
	cap = r->cap ? r->cap * 2 : 16;
	if (cap > r->lim.column_max)
		cap = r->lim.column_max;
	ends = realloc(r->ends, (size_t)cap * sizeof(*ends));
	if (ends == NULL)
		return ERR_NOMEM;
	r->ends = ends;
	fields = realloc(r->fields, (size_t)cap * sizeof(*fields));
	if (fields == NULL)
		return ERR_NOMEM;
	r->fields = fields;
	r->cap = cap;
	return 0;
}

/* Reads one row into r->fields: its field count, or a negative code. */
static int
read_row(struct csv_reader *r)
{
	size_t from;
	int n = 0, rc, i;
	unsigned char c;

	if (r->enc == CSV_UTF16)
		return refuse(r, r->line, ERR_INVALID,
		    "the file is UTF-16; save it as CSV in UTF-8 (\"CSV UTF-8\") instead");
	buf_reset(&r->text);
	for (;;) {
		if (n == r->lim.column_max)
			return refuse(
			    r, r->line, ERR_INVALID, "more than %d columns", r->lim.column_max);
		r->field_start = r->text.n;
		if (r->p < r->end && *r->p == '"')
			rc = read_quoted(r, n);
		else
			rc = read_plain(r, n);
		if (rc == ERR_NOMEM || (rc == 0 && grow(r, n + 1) != 0))
			return out_of_memory(r);
		if (rc != 0)
			return rc;
		r->ends[n++] = r->text.n;
		if (r->p == r->end)
			break;
		c = *r->p++;
		if (c == ',')
			continue;
		if (c == '\r' && r->p < r->end && *r->p == '\n')
			r->p++;
		r->line++;
		break;
	}
	for (i = 0, from = 0; i < n; from = r->ends[i], i++)
		r->fields[i] = (struct str){ r->text.p + from, r->ends[i] - from };
	return n;
}

int
csv_next(struct csv_reader *r, struct csv_row *row)
{
	int n;

	row->fields = NULL;
	row->n = 0;
	if (r->done == 1 && r->p == r->end) {
		r->done = 0;
		r->done_row = r->row;
		r->done_line = r->line;
	}
	if (r->done != 1) {
		row->row = r->done_row;
		row->line = r->done_line;
		return r->done;
	}
	row->row = ++r->row;
	row->line = r->line;
	n = read_row(r);
	if (n < 0) {
		row->line = r->done_line;
		return n;
	}
	row->fields = r->fields;
	row->n = n;
	return 1;
}

/* Spaces and tabs: what a spreadsheet or a person leaves around a name. */
static struct str
trim_blanks(struct str s)
{
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t'))
		s.p++, s.n--;
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

static bool
ascii_case_eq(struct str a, struct str b)
{
	size_t i;
	unsigned char x, y;

	if (a.n != b.n)
		return false;
	for (i = 0; i < a.n; i++) {
		x = (unsigned char)a.p[i];
		y = (unsigned char)b.p[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

int
csv_column(const struct csv_row *header, struct str name)
{
	int i, found = ERR_NOTFOUND;
	struct str cell;

	for (i = 0; i < header->n; i++) {
		cell = trim_blanks(header->fields[i]);
		if (!ascii_case_eq(cell, name))
			continue;
		if (found >= 0)
			return ERR_DUPLICATE;
		found = i;
	}
	return found;
}

bool
csv_row_is_blank(const struct csv_row *row)
{
	int i;

	for (i = 0; i < row->n; i++)
		if (trim_blanks(row->fields[i]).n > 0)
			return false;
	return true;
}
