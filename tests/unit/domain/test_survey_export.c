/* Tests for survey_export.c: a response's cells as typed for XLSX and as
 * the CSV writes them, and the results as open data, where no count under
 * the threshold is ever written, also through secondary suppression. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/survey_export.h"

#include "arena_fixture.h"

TestSuite(survey_export, .init = arena_setup, .fini = arena_teardown);

static const char *const visit =
    "[{\"key\": \"p1\", \"title\": \"Your visit\", \"questions\": ["
    "  {\"key\": \"q1\", \"type\": \"single\", \"text\": \"Do you work here?\","
    "   \"options\": [\"Yes\", \"No\"]},"
    "  {\"key\": \"q2\", \"type\": \"rating\", \"text\": \"How well do we listen?\"},"
    "  {\"key\": \"q3\", \"type\": \"text\", \"text\": \"Anything else?\"},"
    "  {\"key\": \"q4\", \"type\": \"grid\", \"text\": \"How was each part?\","
    "   \"rows\": [\"Booking\", \"Waiting\"], \"options\": [\"Good\", \"Poor\"]},"
    "  {\"key\": \"q5\", \"type\": \"date\", \"text\": \"When?\"},"
    "  {\"key\": \"q6\", \"type\": \"fft\"}]}]";

static struct survey_def
visit_def(void)
{
	struct survey_def d;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(survey_def_parse(str_c(visit), &arena, &d, &e), 0);
	return d;
}

struct seen {
	int n;
	enum survey_cell_kind kind[16];
	char text[16][64];
	double number[16];
};

static int
see(void *arg, const struct survey_cell *c)
{
	struct seen *s = arg;

	s->kind[s->n] = c->kind;
	snprintf(s->text[s->n], sizeof(s->text[0]), "%.*s", (int)c->text.n, c->text.p);
	s->number[s->n++] = c->number;
	return 0;
}

Test(survey_export, cells_are_typed_as_a_spreadsheet_wants_them)
{
	struct survey_def d = visit_def();
	struct survey_answers ans;
	struct seen s = { 0 };
	struct buf scratch = BUF_INIT;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(survey_answers_parse(&d, str_c("{\"answers\": {\"q1\": \"No\", \"q2\": 4, "
	    "\"q3\": \"=1+1\", \"q4\": {\"Waiting\": \"Poor\"}, \"q5\": \"2026-03-04\"}}"), &arena,
	    &ans, &e), 0);
	cr_assert_eq(survey_export_cells(&d, &ans, &scratch, see, &s), 0);
	cr_assert_eq(s.n, 7); /* q1 q2 q3 q4.Booking q4.Waiting q5 q6 */
	cr_assert_eq(s.kind[0], SURVEY_CELL_TEXT);
	cr_assert_str_eq(s.text[0], "No");
	cr_assert_eq(s.kind[1], SURVEY_CELL_NUMBER);
	cr_assert_eq(s.number[1], 4);
	cr_assert_str_eq(s.text[1], "4");
	cr_assert_eq(s.kind[2], SURVEY_CELL_TEXT);
	cr_assert_str_eq(s.text[2], "=1+1");
	cr_assert_eq(s.kind[3], SURVEY_CELL_EMPTY);
	cr_assert_str_eq(s.text[4], "Poor");
	cr_assert_eq(s.kind[5], SURVEY_CELL_DATE);
	cr_assert_str_eq(s.text[5], "2026-03-04");
	cr_assert_eq(s.kind[6], SURVEY_CELL_EMPTY);
	buf_free(&scratch);
}

/* Adds a count as the store hands it over. */
static void
add(const struct survey_def *d, struct survey_results *r, const char *q, const char *row,
    const char *value, int64_t n, double total)
{
	struct survey_tally_item it = { str_c(q), str_c(row), str_c(value), n, total };

	survey_results_add(d, r, &it);
}

/* 26 responses: q1 3 Yes, 23 No; q2 10 say 1 and 10 say 5; q6 12 Very good,
 * 11 Good, 3 Poor; the grid answered by 3. */
static void
results_of(const struct survey_def *d, struct survey_results *r)
{
	cr_assert_eq(survey_results_init(d, &arena, r), 0);
	add(d, r, "", "", "", 26, 0);
	add(d, r, "q1", "", "", 26, 0);
	add(d, r, "q1", "", "Yes", 3, 0);
	add(d, r, "q1", "", "No", 23, 0);
	add(d, r, "q2", "", "", 20, 60);
	add(d, r, "q2", "", "1", 10, 0);
	add(d, r, "q2", "", "5", 10, 0);
	add(d, r, "q3", "", "", 26, 0);
	add(d, r, "q4", "", "", 3, 0);
	add(d, r, "q4", "Booking", "Good", 3, 0);
	add(d, r, "q4", "Waiting", "Poor", 2, 0);
	add(d, r, "q6", "", "", 26, 0);
	add(d, r, "q6", "", "Very good", 12, 0);
	add(d, r, "q6", "", "Good", 11, 0);
	add(d, r, "q6", "", "Poor", 3, 0);
}

static const char *
open_data(const struct survey_def *d, int64_t below, struct buf *b)
{
	struct survey_results r;
	struct survey_hidden h;

	results_of(d, &r);
	cr_assert_eq(survey_results_suppress(d, &r, below, &arena, &h), 0);
	survey_export_open_data(d, &r, &h, below, b);
	cr_assert(buf_ok(b));
	return buf_cstr(b);
}

Test(survey_export, open_data_never_holds_a_small_count)
{
	struct survey_def d = visit_def();
	struct buf b = BUF_INIT;
	const char *text = open_data(&d, 10, &b), *line;
	char count[16], answered[16];
	int lines = 0;

	cr_assert(strncmp(text, "question,question_text,row,option,count,percent,answered,note\r\n",
	    63) == 0);
	cr_assert_not_null(strstr(text, "\"q6\",\"Overall, how was your experience of our service?\","
	    "\"\",\"Very good\",12,46.2,26,\r\n"), "%s", text);
	/* 3 Yes hidden; 23 No with it, else 26 - 23 gives it away. */
	cr_assert_not_null(strstr(text, "\"q1\",\"Do you work here?\",\"\",\"Yes\",[c],[c],26,"
	    "\"[c]: fewer than 10, or withheld so that a count fewer than 10 cannot be worked "
	    "out\"\r\n"), "%s", text);
	cr_assert_not_null(strstr(text, "\"q1\",\"Do you work here?\",\"\",\"No\",[c],[c],26,"));
	/* Ratings no one chose are hidden; 10 and 10 shown. */
	cr_assert_not_null(strstr(text, "\"q2\",\"How well do we listen?\",\"\",\"1\",10,50.0,20,"));
	cr_assert_not_null(strstr(text, "\"q2\",\"How well do we listen?\",\"\",\"2\",[c],[c],20,"));
	/* The grid: too few answered, all hidden with its rows' totals. */
	cr_assert_not_null(strstr(text, "\"q4\",\"How was each part?\",\"Booking\",\"Good\",[c],[c],"
	    "[c],"));
	/* Not counts: left out. */
	cr_assert_null(strstr(text, "\"q3\""));
	cr_assert_null(strstr(text, "\"q5\""));
	for (line = strstr(text, "\r\n") + 2; *line; line = strstr(line, "\r\n") + 2) {
		/* The fifth and seventh cells: count, answered. */
		const char *p = line;
		int i;

		for (i = 0; i < 4; i++) {
			p = strstr(p, "\",") + 2;
			cr_assert_not_null(p);
		}
		cr_assert_eq(sscanf(p, "%15[^,],%*[^,],%15[^,]", count, answered), 2, "%s", line);
		cr_assert(strcmp(count, "[c]") == 0 || atoi(count) >= 10, "a small count: %s", line);
		cr_assert(strcmp(answered, "[c]") == 0 || atoi(answered) >= 10, "%s", line);
		lines++;
	}
	cr_assert_eq(lines, 2 + 5 + 4 + 6);
	buf_free(&b);
}

Test(survey_export, open_data_with_no_threshold_shows_every_count)
{
	struct survey_def d = visit_def();
	struct buf b = BUF_INIT;
	const char *text = open_data(&d, 0, &b);

	cr_assert_not_null(strstr(text, "\"q1\",\"Do you work here?\",\"\",\"Yes\",3,11.5,26,\r\n"),
	    "%s", text);
	cr_assert_null(strstr(text, "[c]"));
	buf_free(&b);
}

Test(survey_export, numbers_are_written_as_printf_writes_them)
{
	static const double values[] = { 0, 7, -12, 600, 2.5, -0.125, 9999999999.0,
		12345678901.0, 1e15, 0.1 };
	struct survey_def d;
	struct survey_answers ans;
	struct seen s;
	struct buf scratch = BUF_INIT;
	struct errors e;
	char text[128], expect[40];
	size_t i;

	errors_init(&e);
	cr_assert_eq(survey_def_parse(str_c("[{\"key\": \"p\", \"title\": \"P\", \"questions\": ["
	    "{\"key\": \"n\", \"type\": \"number\", \"text\": \"How many?\"}]}]"), &arena, &d, &e),
	    0);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(text, sizeof(text), "{\"answers\":{\"n\":%.17g},\"other\":{}}", values[i]);
		memset(&s, 0, sizeof(s));
		cr_assert_eq(survey_answers_parse(&d, str_c(text), &arena, &ans, &e), 0, "%s", text);
		cr_assert_eq(survey_export_cells(&d, &ans, &scratch, see, &s), 0);
		snprintf(expect, sizeof(expect), "%.10g", values[i]);
		cr_assert_str_eq(s.text[0], expect);
	}
	buf_free(&scratch);
}
