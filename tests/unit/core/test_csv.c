/* Tests for csv.c: RFC 4180 as spreadsheets write it, the encodings they
 * save in, every refusal with the row and line it names, the limits, and
 * the labelled feedback file read whole. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/csv.h"
#include "involve/error.h"
#include "involve/text.h"

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the repository (tests/meson.build defines it)"
#endif

/* Beside the repository, in the shared data: needed, never skipped. */
#define NEAS_FILE SOURCE_ROOT "/../shared/data/feedback/neas_labelled_feedback.csv"
#define NEAS_ROWS 5096 /* data rows, after the header */
#define NEAS_COLUMNS 61
#define NEAS_LINES 5594
#define NEAS_MULTILINE 497 /* fields over more than one line (a question's text) */
#define NEAS_COMMAS 679    /* comments with a comma in them */
#define NEAS_QUOTES 9      /* comments with a double quote in them */

/* What reading a whole input gave: its rows written "[a|b][c]", and how it
 * ended. */
struct result {
	int rc; /* the last csv_next's: 0 at the end, or the error */
	int rows;
	long row, line; /* of the last csv_next */
	enum csv_encoding enc;
	char text[4096];
	char message[256];
};

/* Appends to res.text what fits, cutting a long field short (the limits'
 * tests read fields of a megabyte; they look at how the reading ended). */
static void
add_text(struct result *res, size_t *at, const char *p, size_t n)
{
	size_t room = sizeof(res->text) - 1 - *at;

	if (n > room)
		n = room;
	memcpy(res->text + *at, p, n);
	*at += n;
	res->text[*at] = '\0';
}

static struct result
read_limited(struct str data, const struct csv_limits *lim)
{
	struct result res;
	struct csv_reader *r;
	struct csv_row row;
	size_t at = 0;
	int i;

	memset(&res, 0, sizeof(res));
	cr_assert_eq(csv_open(data, lim, &r), 0);
	res.enc = csv_encoding(r);
	while ((res.rc = csv_next(r, &row)) == 1) {
		res.rows++;
		add_text(&res, &at, "[", 1);
		for (i = 0; i < row.n; i++) {
			if (i > 0)
				add_text(&res, &at, "|", 1);
			add_text(&res, &at, row.fields[i].p, row.fields[i].n);
		}
		add_text(&res, &at, "]", 1);
	}
	res.row = row.row;
	res.line = row.line;
	if (res.rc < 0)
		cr_expect_eq(row.n, 0, "no fields with an error");
	snprintf(res.message, sizeof(res.message), "%s", csv_message(r));
	csv_close(r);
	return res;
}

static struct result
read_csv(struct str data)
{
	return read_limited(data, NULL);
}

#define READ(lit) read_csv(STR_LIT(lit))

static void
expect_rows(struct result res, const char *want)
{
	cr_expect_eq(res.rc, 0, "read to the end (%d: %s)", res.rc, res.message);
	cr_expect_str_eq(res.text, want);
	cr_expect_str_eq(res.message, "", "no message without an error");
}

static void
expect_refused(struct result res, long row, long line, const char *words)
{
	char where[64];

	snprintf(where, sizeof(where), "Row %ld (line %ld): ", row, line);
	cr_expect_eq(res.rc, ERR_INVALID, "refused (%d), reading \"%s\"", res.rc, res.text);
	cr_expect_eq(res.row, row, "at row %ld, not %ld", row, res.row);
	cr_expect_eq(res.line, line, "at line %ld, not %ld", line, res.line);
	cr_expect(strncmp(res.message, where, strlen(where)) == 0, "\"%s\" starts \"%s\"",
	    res.message, where);
	cr_expect(strstr(res.message, words) != NULL, "\"%s\" says \"%s\"", res.message, words);
}

Test(csv, rows_and_fields)
{
	expect_rows(READ("key,age\nq1,42\n"), "[key|age][q1|42]");
	expect_rows(READ("a,b,c"), "[a|b|c]");
	expect_rows(READ("a,,c\n,,\n"), "[a||c][||]");
	expect_rows(READ("a,b,\n"), "[a|b|]");
	expect_rows(READ(" a , b \n"), "[ a | b ]");
}

Test(csv, line_ends_crlf_lf_and_a_lone_cr)
{
	expect_rows(READ("a,b\r\nc,d\r\n"), "[a|b][c|d]");
	expect_rows(READ("a,b\r\nc,d"), "[a|b][c|d]");
	expect_rows(READ("a,b\nc,d\r\ne,f"), "[a|b][c|d][e|f]");
	expect_rows(READ("a,b\rc,d\r"), "[a|b][c|d]");
}

Test(csv, the_last_line_ends_or_not_and_makes_no_extra_row)
{
	struct result res = READ("h\nx\n");

	expect_rows(res, "[h][x]");
	cr_expect_eq(res.rows, 2);
	res = READ("h\nx");
	expect_rows(res, "[h][x]");
	cr_expect_eq(res.rows, 2);
}

Test(csv, quoted_fields)
{
	expect_rows(READ("\"a,b\",c\n"), "[a,b|c]");
	expect_rows(READ("\"she said \"\"no\"\"\",x\n"), "[she said \"no\"|x]");
	expect_rows(READ("\"\",\"\"\"\"\n"), "[|\"]");
	expect_rows(READ("x,\"last\""), "[x|last]");
	expect_rows(READ("\"\"\"quoted\"\"\"\r\n"), "[\"quoted\"]");
	expect_rows(READ("\" spaces kept \"\n"), "[ spaces kept ]");
}

Test(csv, line_breaks_inside_quotes_are_kept_and_counted)
{
	struct csv_reader *r;
	struct csv_row row;
	struct str data = STR_LIT("id,comment\r\n"
	                          "1,\"first line\nsecond line\"\r\n"
	                          "2,\"windows\r\nbreak\r\n\"\r\n"
	                          "3,plain\r\n");

	cr_assert_eq(csv_open(data, NULL, &r), 0);
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_eq(row.row, 1);
	cr_expect_eq(row.line, 1);
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_eq(row.row, 2);
	cr_expect_eq(row.line, 2);
	cr_assert_eq(row.n, 2);
	cr_expect(str_eq_c(row.fields[1], "first line\nsecond line"));
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_eq(row.row, 3);
	cr_expect_eq(row.line, 4);
	cr_expect(str_eq_c(row.fields[1], "windows\r\nbreak\r\n"), "kept as it is");
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_eq(row.row, 4);
	cr_expect_eq(row.line, 7, "a quoted CRLF is one line");
	cr_expect(str_eq_c(row.fields[1], "plain"));
	cr_expect_eq(csv_next(r, &row), 0);
	csv_close(r);
}

Test(csv, blank_rows)
{
	struct csv_reader *r;
	struct csv_row row;

	cr_assert_eq(csv_open(STR_LIT("a,b\n\n,,\n \t, \nx,\n"), NULL, &r), 0);
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_not(csv_row_is_blank(&row));
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_eq(row.n, 1, "a blank line is one empty field");
	cr_expect(csv_row_is_blank(&row));
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_eq(row.n, 3);
	cr_expect(csv_row_is_blank(&row), "a spreadsheet's empty row");
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect(csv_row_is_blank(&row), "spaces and tabs");
	cr_assert_eq(csv_next(r, &row), 1);
	cr_expect_not(csv_row_is_blank(&row));
	cr_expect_eq(csv_next(r, &row), 0);
	csv_close(r);
}

Test(csv, an_empty_input_has_no_rows)
{
	struct csv_reader *r;
	struct csv_row row;

	cr_assert_eq(csv_open((struct str){ NULL, 0 }, NULL, &r), 0);
	cr_expect_eq(csv_encoding(r), CSV_UTF8);
	cr_expect_eq(csv_next(r, &row), 0);
	cr_expect_eq(row.n, 0);
	cr_expect_eq(csv_next(r, &row), 0, "and stays at its end");
	cr_expect_str_eq(csv_message(r), "");
	csv_close(r);
	expect_rows(READ("\xEF\xBB\xBF"), "");
}

Test(csv, a_header_alone)
{
	struct result res = READ("q1,q2,q3\r\n");

	expect_rows(res, "[q1|q2|q3]");
	cr_expect_eq(res.rows, 1);
	expect_rows(READ("q1,q2,q3"), "[q1|q2|q3]");
}

Test(csv, utf8_with_and_without_a_byte_order_mark)
{
	struct result res = READ("caf\xC3\xA9,\xE2\x80\x99\n");

	expect_rows(res, "[caf\xC3\xA9|\xE2\x80\x99]");
	cr_expect_eq(res.enc, CSV_UTF8);
	res = READ("\xEF\xBB\xBFkey,caf\xC3\xA9\r\n");
	expect_rows(res, "[key|caf\xC3\xA9]");
	cr_expect_eq(res.enc, CSV_UTF8_BOM);
	res = READ("plain ascii\n");
	cr_expect_eq(res.enc, CSV_UTF8);
	res = READ("\xEF\xBB\xBF\"quoted first\"\n");
	expect_rows(res, "[quoted first]");
	res = READ("x,\xEF\xBB\xBF\n");
	expect_rows(res, "[x|\xEF\xBB\xBF]");
	cr_expect_eq(res.enc, CSV_UTF8, "only a mark at the start is one");
	cr_expect_str_eq(csv_encoding_name(CSV_UTF8_BOM), "UTF-8 with a byte-order mark");
}

Test(csv, windows_1252_is_converted_to_utf8)
{
	struct result res = READ("name,comment\r\ncaf\xE9,It\x92s \x93quoted\x94 at \x80 a go\r\n");

	expect_rows(res,
	    "[name|comment]"
	    "[caf\xC3\xA9|It\xE2\x80\x99s \xE2\x80\x9Cquoted\xE2\x80\x9D at \xE2\x82\xAC a go]");
	cr_expect_eq(res.enc, CSV_WINDOWS_1252);
	cr_expect_str_eq(csv_encoding_name(res.enc), "Windows-1252");
}

Test(csv, a_1252_byte_late_in_the_file_converts_all_of_it)
{
	/* "\xC3\xA9" is é in UTF-8, but in a file that is not UTF-8 it is "Ã©":
	 * one encoding for the whole input. */
	struct result res = READ("\xC3\xA9\nlater: \xE9\n");

	expect_rows(res, "[\xC3\x83\xC2\xA9][later: \xC3\xA9]");
	cr_expect_eq(res.enc, CSV_WINDOWS_1252);
}

Test(csv, every_windows_1252_character)
{
	static const char want[] =
	    "\xe2\x82\xac\xe2\x80\x9a\xc6\x92\xe2\x80\x9e\xe2\x80\xa6\xe2\x80"
	    "\xa0\xe2\x80\xa1\xcb\x86\xe2\x80\xb0\xc5\xa0\xe2\x80\xb9\xc5\x92"
	    "\xc5\xbd\xe2\x80\x98\xe2\x80\x99\xe2\x80\x9c\xe2\x80\x9d\xe2\x80"
	    "\xa2\xe2\x80\x93\xe2\x80\x94\xcb\x9c\xe2\x84\xa2\xc5\xa1\xe2\x80"
	    "\xba\xc5\x93\xc5\xbe\xc5\xb8\xc2\xa0\xc2\xa1\xc2\xa2\xc2\xa3\xc2"
	    "\xa4\xc2\xa5\xc2\xa6\xc2\xa7\xc2\xa8\xc2\xa9\xc2\xaa\xc2\xab\xc2"
	    "\xac\xc2\xad\xc2\xae\xc2\xaf\xc2\xb0\xc2\xb1\xc2\xb2\xc2\xb3\xc2"
	    "\xb4\xc2\xb5\xc2\xb6\xc2\xb7\xc2\xb8\xc2\xb9\xc2\xba\xc2\xbb\xc2"
	    "\xbc\xc2\xbd\xc2\xbe\xc2\xbf\xc3\x80\xc3\x81\xc3\x82\xc3\x83\xc3"
	    "\x84\xc3\x85\xc3\x86\xc3\x87\xc3\x88\xc3\x89\xc3\x8a\xc3\x8b\xc3"
	    "\x8c\xc3\x8d\xc3\x8e\xc3\x8f\xc3\x90\xc3\x91\xc3\x92\xc3\x93\xc3"
	    "\x94\xc3\x95\xc3\x96\xc3\x97\xc3\x98\xc3\x99\xc3\x9a\xc3\x9b\xc3"
	    "\x9c\xc3\x9d\xc3\x9e\xc3\x9f\xc3\xa0\xc3\xa1\xc3\xa2\xc3\xa3\xc3"
	    "\xa4\xc3\xa5\xc3\xa6\xc3\xa7\xc3\xa8\xc3\xa9\xc3\xaa\xc3\xab\xc3"
	    "\xac\xc3\xad\xc3\xae\xc3\xaf\xc3\xb0\xc3\xb1\xc3\xb2\xc3\xb3\xc3"
	    "\xb4\xc3\xb5\xc3\xb6\xc3\xb7\xc3\xb8\xc3\xb9\xc3\xba\xc3\xbb\xc3"
	    "\xbc\xc3\xbd\xc3\xbe\xc3\xbf";
	char in[128];
	struct csv_reader *r;
	struct csv_row row;
	size_t n = 0;
	int b;

	/* Every byte from 0x80 up that Windows-1252 defines; want is Python's
	 * cp1252 codec's reading of the same bytes, in UTF-8. */
	for (b = 0x80; b <= 0xFF; b++)
		if (b != 0x81 && b != 0x8D && b != 0x8F && b != 0x90 && b != 0x9D)
			in[n++] = (char)b;
	cr_assert_eq(n, 123);
	cr_assert_eq(csv_open((struct str){ in, n }, NULL, &r), 0);
	cr_expect_eq(csv_encoding(r), CSV_WINDOWS_1252);
	cr_assert_eq(csv_next(r, &row), 1);
	cr_assert_eq(row.n, 1);
	cr_expect_eq(row.fields[0].n, sizeof(want) - 1);
	cr_expect(str_eq(row.fields[0], (struct str){ want, sizeof(want) - 1 }));
	cr_expect(text_is_utf8(row.fields[0]));
	csv_close(r);
}

Test(csv, bytes_windows_1252_leaves_undefined_are_refused_at_their_row)
{
	static const unsigned char undefined[] = { 0x81, 0x8D, 0x8F, 0x90, 0x9D };
	char in[128], words[64];
	struct result res;
	size_t i;

	for (i = 0; i < sizeof(undefined); i++) {
		/* Row 3 starts on line 4: row 2's comment has a line break. */
		snprintf(in, sizeof(in), "id,comment\r\n1,\"caf\xE9\r\nok\"\r\n2,\"x\ny%c\"\r\n",
		    undefined[i]);
		res = read_csv(str_c(in));
		snprintf(words, sizeof(words), "byte 0x%02X is not a character in Windows-1252",
		    undefined[i]);
		expect_refused(res, 3, 5, words);
		cr_expect_eq(res.rows, 2, "the rows before it were read");
		cr_expect_eq(res.enc, CSV_WINDOWS_1252);
	}
	expect_refused(READ("\x81"), 1, 1, "0x81");
}

Test(csv, bytes_not_utf8_after_a_byte_order_mark_are_refused)
{
	struct result res = READ("\xEF\xBB\xBFkey\r\ncaf\xC3\xA9\r\ncaf\xE9\r\n");

	cr_expect_eq(res.enc, CSV_UTF8_BOM);
	expect_refused(res, 3, 3, "not UTF-8");
	cr_expect_str_eq(res.text, "[key][caf\xC3\xA9]");
}

Test(csv, utf16_is_refused)
{
	struct result res = read_csv((struct str){ "\xFF\xFEk\0e\0y\0", 8 });

	cr_expect_eq(res.enc, CSV_UTF16);
	expect_refused(res, 1, 1, "UTF-16");
	res = read_csv((struct str){ "\xFE\xFF\0k", 4 });
	expect_refused(res, 1, 1, "UTF-16");
}

Test(csv, a_quote_never_closed_names_the_line_it_opened_on)
{
	struct result res = READ("id,comment\n1,ok\n2,\"never closed\nstill in it\nand more\n");

	expect_refused(res, 3, 3, "the quote that opens column 2 is never closed");
	cr_expect_eq(res.rows, 2);
	expect_refused(READ("\""), 1, 1, "never closed");
	expect_refused(READ("a,\"b\"\"\n"), 1, 1, "never closed");
}

Test(csv, a_stray_quote_is_refused)
{
	expect_refused(READ("id,comment\n1,say \"hi\"\n"), 2, 2,
	    "a quote inside column 2, which does not start with one");
	expect_refused(READ("a,b\"\n"), 1, 1, "column 2");
	expect_refused(READ(" \"a\"\n"), 1, 1, "a quote inside column 1");
	expect_refused(READ("x\n\"multi\nline\"\"\",tail\"\n"), 2, 3, "column 2");
}

Test(csv, text_after_a_closing_quote_is_refused)
{
	expect_refused(READ("id\n\"a\"b\n"), 2, 2, "text after the closing quote of column 1");
	expect_refused(READ("\"a\" ,b\n"), 1, 1, "closing quote");
	expect_refused(READ("x,\"a\nb\"c\n"), 1, 2, "closing quote of column 2");
}

Test(csv, after_a_refusal_the_reader_says_the_same)
{
	struct csv_reader *r;
	struct csv_row row;
	char first[256];

	cr_assert_eq(csv_open(STR_LIT("a\nb\"\nc\n"), NULL, &r), 0);
	cr_assert_eq(csv_next(r, &row), 1);
	cr_assert_eq(csv_next(r, &row), ERR_INVALID);
	snprintf(first, sizeof(first), "%s", csv_message(r));
	cr_expect_eq(csv_next(r, &row), ERR_INVALID);
	cr_expect_eq(row.row, 2);
	cr_expect_eq(row.line, 2);
	cr_expect_eq(row.n, 0);
	cr_expect_str_eq(csv_message(r), first);
	csv_close(r);
}

/* One field of n bytes of c, a row of its own, in a heap block the caller
 * frees. */
static struct str
long_field(size_t n, char c, bool quoted)
{
	char *p = malloc(n + 3);
	size_t at = 0;

	cr_assert_not_null(p);
	if (quoted)
		p[at++] = '"';
	memset(p + at, c, n);
	at += n;
	if (quoted)
		p[at++] = '"';
	return (struct str){ p, at };
}

Test(csv, a_field_of_the_most_bytes_and_one_more)
{
	struct str in;
	struct result res;
	bool quoted;

	for (quoted = false;; quoted = true) {
		in = long_field(CSV_FIELD_MAX, 'a', quoted);
		res = read_csv(in);
		cr_expect_eq(res.rc, 0, "%s: %s", quoted ? "quoted" : "plain", res.message);
		cr_expect_eq(res.rows, 1);
		free((char *)in.p);
		in = long_field(CSV_FIELD_MAX + 1, 'a', quoted);
		res = read_csv(in);
		expect_refused(res, 1, 1, "column 1 is longer than 1048576 bytes");
		cr_expect_eq(res.rows, 0);
		free((char *)in.p);
		if (quoted)
			break;
	}
}

Test(csv, a_field_is_measured_in_utf8_after_conversion)
{
	/* 0xE9 is two bytes of UTF-8: half as many bytes and one more are
	 * too many once converted. */
	struct str in = long_field(CSV_FIELD_MAX / 2 + 1, '\xE9', false);

	expect_refused(read_csv(in), 1, 1, "longer than 1048576 bytes");
	free((char *)in.p);
	in = long_field(CSV_FIELD_MAX / 2, '\xE9', false);
	cr_expect_eq(read_csv(in).rc, 0);
	free((char *)in.p);
}

Test(csv, narrower_limits)
{
	struct csv_limits lim = { .field_max = 4, .row_max = 10, .column_max = 3 };

	cr_expect_eq(read_limited(STR_LIT("abcd,ef,\"gh\"\nx\n"), &lim).rc, 0);
	expect_refused(
	    read_limited(STR_LIT("ok\nabcde\n"), &lim), 2, 2, "column 1 is longer than 4 bytes");
	expect_refused(read_limited(STR_LIT("ab,\"c\"\"def\"\n"), &lim), 1, 1,
	    "column 2 is longer than 4 bytes");
	expect_refused(read_limited(STR_LIT("a,b,c,d\n"), &lim), 1, 1, "more than 3 columns");
	expect_refused(read_limited(STR_LIT("abcd,efgh,ijk\n"), &lim), 1, 1,
	    "the row is longer than 10 bytes");
	expect_refused(
	    read_limited(STR_LIT("\xE9\xE9\xE9\n"), &lim), 1, 1, "column 1 is longer than 4 bytes");
}

Test(csv, limits_past_the_defaults_are_the_defaults)
{
	struct csv_limits lim = { .field_max = (size_t)CSV_FIELD_MAX * 4, .column_max = 5000 };
	struct str in = long_field(CSV_FIELD_MAX + 1, 'a', false);

	expect_refused(read_limited(in, &lim), 1, 1, "longer than 1048576 bytes");
	free((char *)in.p);
}

/* A row of n empty fields: n - 1 commas. */
static struct result
read_commas(size_t n)
{
	char *p = malloc(n);
	struct result res;

	cr_assert_not_null(p);
	memset(p, ',', n - 1);
	p[n - 1] = '\n';
	res = read_csv((struct str){ p, n });
	free(p);
	return res;
}

Test(csv, columns_up_to_the_most_and_not_one_more)
{
	struct result res = read_commas(CSV_COLUMNS_MAX);

	cr_expect_eq(res.rc, 0, "%s", res.message);
	cr_expect_eq(res.rows, 1);
	expect_refused(read_commas(CSV_COLUMNS_MAX + 1), 1, 1, "more than 1000 columns");
}

Test(csv, a_column_found_by_its_name)
{
	struct csv_reader *r;
	struct csv_row header;

	cr_assert_eq(
	    csv_open(STR_LIT("id, Age ,postcode,\"FFT answer\",PostCode2,x,X\n"), NULL, &r), 0);
	cr_assert_eq(csv_next(r, &header), 1);
	cr_expect_eq(csv_column(&header, STR_LIT("id")), 0);
	cr_expect_eq(csv_column(&header, STR_LIT("age")), 1, "trimmed, any case");
	cr_expect_eq(csv_column(&header, STR_LIT("POSTCODE")), 2);
	cr_expect_eq(csv_column(&header, STR_LIT("postcode2")), 4);
	cr_expect_eq(csv_column(&header, STR_LIT("FFT answer")), 3);
	cr_expect_eq(csv_column(&header, STR_LIT("FFT")), ERR_NOTFOUND);
	cr_expect_eq(csv_column(&header, STR_LIT("")), ERR_NOTFOUND);
	cr_expect_eq(csv_column(&header, STR_LIT("x")), ERR_DUPLICATE);
	csv_close(r);
}

static size_t
newlines(struct str s)
{
	size_t i, n = 0;

	for (i = 0; i < s.n; i++)
		n += s.p[i] == '\n';
	return n;
}

/* The NEAS labelled feedback: 5,096 comments, some over several lines,
 * with commas and quotes in them, CRLF line ends, 61 columns. */
Test(csv, the_labelled_feedback_file)
{
	struct csv_reader *r;
	struct csv_row row;
	struct str data;
	char *p, last_text[512];
	size_t last_n = 0;
	long size, rows = 0, multiline = 0, commas = 0, quotes = 0, expect_line, answer;
	FILE *f = fopen(NEAS_FILE, "rb");
	int i, rc;

	cr_assert_not_null(f, "%s is missing: the test needs it", NEAS_FILE);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	cr_assert_gt(size, 0);
	rewind(f);
	p = malloc((size_t)size);
	cr_assert_not_null(p);
	cr_assert_eq(fread(p, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	data = (struct str){ p, (size_t)size };

	cr_assert_eq(csv_open(data, NULL, &r), 0);
	cr_expect_eq(csv_encoding(r), CSV_UTF8);
	cr_assert_eq(csv_next(r, &row), 1, "%s", csv_message(r));
	cr_assert_eq(row.n, NEAS_COLUMNS);
	cr_expect(str_eq_c(row.fields[0], "Comment ID"));
	cr_expect(str_eq_c(row.fields[20], "Staff listening, understanding & involving patients"));
	cr_expect(str_eq_c(row.fields[NEAS_COLUMNS - 1], "Positive experience & gratitude"));
	answer = csv_column(&row, STR_LIT("FFT answer"));
	cr_assert_eq(answer, 8);
	cr_expect_eq(csv_column(&row, STR_LIT("Comment sentiment")), 10);
	expect_line = 2;
	while ((rc = csv_next(r, &row)) == 1) {
		rows++;
		cr_assert_eq(row.row, rows + 1);
		cr_assert_eq(row.line, expect_line, "row %ld", row.row);
		cr_assert_eq(row.n, NEAS_COLUMNS, "row %ld", row.row);
		if (rows == 1)
			cr_expect(str_eq_c(row.fields[0], "NEAS PTS 528 - Q1"));
		expect_line++;
		for (i = 0; i < row.n; i++) {
			cr_assert(text_is_utf8(row.fields[i]));
			expect_line += (long)newlines(row.fields[i]);
			multiline += newlines(row.fields[i]) > 0;
		}
		/* Fields last until the next row is read: the comment is copied. */
		last_n = row.fields[answer].n < sizeof(last_text) ? row.fields[answer].n
		                                                  : sizeof(last_text);
		memcpy(last_text, row.fields[answer].p, last_n);
		commas += memchr(row.fields[answer].p, ',', row.fields[answer].n) != NULL;
		quotes += memchr(row.fields[answer].p, '"', row.fields[answer].n) != NULL;
	}
	cr_assert_eq(rc, 0, "%s", csv_message(r));
	cr_expect_eq(rows, NEAS_ROWS);
	cr_expect_eq(expect_line - 1, NEAS_LINES, "every physical line counted");
	cr_expect_eq(multiline, NEAS_MULTILINE);
	cr_expect_eq(commas, NEAS_COMMAS);
	cr_expect_eq(quotes, NEAS_QUOTES);
	cr_expect(str_eq((struct str){ last_text, last_n },
	    STR_LIT("I have not used patient transport which therefore must have "
	            "been recorded incorrectly and is a waste of resource. Not good?")));
	csv_close(r);
	free(p);
}
