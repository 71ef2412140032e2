/* Tests for survey_def.c, survey_state.c and survey_answers.c: definitions
 * read, refused and written back; a new survey built from what staff send;
 * answers checked against options, ranges and the path, read from JSON,
 * forms and the cells of a file; the counts a response adds. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "involve/survey.h"
#include "involve/survey_answers.h"
#include "involve/text.h"

#include "arena_fixture.h"

TestSuite(survey_def, .init = arena_setup, .fini = arena_teardown);
TestSuite(survey_answers, .init = arena_setup, .fini = arena_teardown);

/* The strategy consultation of the demo, cut short: a choice that decides
 * the path, a condition on a rating, a grid, and a page skipped to. */
static const char *const strategy =
    "[{\"key\": \"about\", \"title\": \"About you\", \"questions\": ["
    "  {\"key\": \"q1\", \"type\": \"single\", \"text\": \"Do you work for the trust?\","
    "   \"required\": true, \"options\": [\"Yes\", \"No\"]},"
    "  {\"key\": \"q2\", \"type\": \"rating\", \"text\": \"How well do we listen?\"},"
    "  {\"key\": \"q3\", \"type\": \"text\", \"text\": \"Why so high?\","
    "   \"show_if\": {\"question\": \"q2\", \"greater_than\": 3}}],"
    " \"next\": [{\"if\": {\"question\": \"q1\", \"equals\": \"No\"}, \"go_to\": \"else\"}]},"
    "{\"key\": \"staff\", \"title\": \"Working here\", \"questions\": ["
    "  {\"key\": \"q4\", \"type\": \"grid\", \"text\": \"How much do you agree?\","
    "   \"required\": true,"
    "   \"rows\": [\"I feel valued\", {\"value\": \"grow\", \"label\": \"I can grow\"}],"
    "   \"options\": [\"Agree\", \"Disagree\"]},"
    "  {\"key\": \"q5\", \"type\": \"multiple\", \"text\": \"Which priorities matter most?\","
    "   \"options\": [\"Grow our own\", \"Investing in our community\","
    "                 {\"value\": \"other\", \"label\": \"Something else\", \"other\": true}],"
    "   \"max\": 2}]},"
    "{\"key\": \"else\", \"title\": \"Anything else\", \"questions\": ["
    "  {\"key\": \"q6\", \"type\": \"fft\", \"required\": true},"
    "  {\"key\": \"q7\", \"type\": \"postcode\", \"text\": \"Your postcode\"},"
    "  {\"key\": \"q8\", \"type\": \"date\", \"text\": \"When did you visit?\","
    "   \"min\": \"2026-01-01\"},"
    "  {\"key\": \"q9\", \"type\": \"ranking\", \"text\": \"Rank these\","
    "   \"options\": [\"a\", \"b\", \"c\"]},"
    "  {\"key\": \"q10\", \"type\": \"number\", \"text\": \"How many visits?\", \"min\": 0,"
    "   \"max\": 100},"
    "  {\"key\": \"info\", \"type\": \"info\", \"text\": \"Thank you.\"}]}]";

static int
parse(const char *text, struct survey_def *d, struct errors *e)
{
	errors_init(e);
	return survey_def_parse(str_c(text), &arena, d, e);
}

static struct survey_def
strategy_def(void)
{
	struct survey_def d;
	struct errors e;
	int rc = parse(strategy, &d, &e);

	cr_assert_eq(rc, 0, "%s: %s", e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	return d;
}

/* A definition with one change to `strategy`'s text, expected refused
 * with an error on `field`. */
static void
expect_refused(const char *text, const char *field)
{
	struct survey_def d;
	struct errors e;
	int rc = parse(text, &d, &e);
	int i;
	bool found = false;

	cr_assert_eq(rc, ERR_INVALID, "accepted: %s", text);
	for (i = 0; i < e.n; i++)
		if (strcmp(e.list[i].field, field) == 0)
			found = true;
	cr_assert(found, "no error on %s (first: %s: %s)", field, e.n ? e.list[0].field : "-",
	    e.n ? e.list[0].detail : "-");
}

Test(survey_def, reads_pages_questions_options_and_rules)
{
	struct survey_def d = strategy_def();

	cr_assert_eq(d.page_n, 3);
	cr_assert_eq(d.question_n, 11);
	cr_assert_eq(d.pages[0].question_n, 3);
	cr_assert_eq(d.pages[0].rule_n, 1);
	cr_assert_eq(d.pages[0].rules[0].go_to, 2);
	cr_assert_eq(d.questions[3].type, SQ_GRID);
	cr_assert_eq(d.questions[3].row_n, 2);
	cr_assert(str_eq_c(d.questions[3].rows[1].label, "I can grow"));
	cr_assert(str_eq_c(d.questions[3].rows[0].value, "I feel valued"));
	/* Ratings go 1..5 unless told; the FFT question has its six answers
	 * and its own wording. */
	cr_assert_eq(d.questions[1].min, 1);
	cr_assert_eq(d.questions[1].max, 5);
	cr_assert_eq(d.questions[5].option_n, 6);
	cr_assert(str_eq_c(d.questions[5].options[5].label, "Don't know"));
	cr_assert(str_eq_c(d.questions[5].text, "Overall, how was your experience of our service?"));
	cr_assert(d.questions[4].options[2].other);
	cr_assert_not_null(d.questions[2].show_if);
	cr_assert_eq(d.questions[2].show_if->op, SC_GREATER_THAN);
}

Test(survey_def, options_get_ids_unique_in_the_survey_and_kept_when_read_back)
{
	struct survey_def d = strategy_def(), again;
	struct buf b = BUF_INIT;
	struct errors e;
	int q, o, n = 0;

	for (q = 0; q < d.question_n; q++)
		for (o = 0; o < d.questions[q].option_n; o++) {
			cr_assert_gt(d.questions[q].options[o].id, 0);
			n++;
		}
	cr_assert_eq(d.next_option_id, n + 1);
	survey_def_write(&d, &b);
	cr_assert(buf_ok(&b));
	cr_assert_eq(parse(buf_cstr(&b), &again, &e), 0);
	cr_assert_eq(again.question_n, d.question_n);
	for (q = 0; q < d.question_n; q++)
		for (o = 0; o < d.questions[q].option_n; o++)
			cr_assert_eq(again.questions[q].options[o].id, d.questions[q].options[o].id);
	cr_assert_eq(again.pages[0].rules[0].go_to, 2);
	cr_assert_not_null(again.questions[2].show_if);
	cr_assert_eq(again.questions[2].show_if->number, 3);
	buf_free(&b);
}

Test(survey_def, refuses_what_is_not_a_survey)
{
	expect_refused("{}", "pages");
	expect_refused("[]", "pages");
	expect_refused("[{\"key\": \"p\", \"questions\": []}]", "pages[0].questions");
	expect_refused("[{\"key\": \"1p\", \"questions\": [{\"key\": \"q1\", \"type\": \"text\", "
	    "\"text\": \"Q\"}]}]", "pages[0].key");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"essay\", "
	    "\"text\": \"Q\"}]}]", "pages[0].questions[0].type");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"single\", "
	    "\"text\": \"Q\", \"options\": [\"Yes\"]}]}]", "pages[0].questions[0].options");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"single\", "
	    "\"text\": \"Q\", \"options\": [\"Yes\", \"Yes\"]}]}]",
	    "pages[0].questions[0].options[1]");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"text\", "
	    "\"text\": \"Q\"}, {\"key\": \"Q1\", \"type\": \"text\", \"text\": \"R\"}]}]",
	    "pages[0].questions[1].key");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"text\", "
	    "\"text\": \"\"}]}]", "pages[0].questions[0].text");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"text\", "
	    "\"text\": \"Q\", \"colour\": \"red\"}]}]", "pages[0].questions[0].colour");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"grid\", "
	    "\"text\": \"Q\", \"options\": [\"a\", \"b\"]}]}]", "pages[0].questions[0].rows");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"number\", "
	    "\"text\": \"Q\", \"min\": 5, \"max\": 1}]}]", "pages[0].questions[0].max");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"info\", "
	    "\"text\": \"Q\", \"required\": true}]}]", "pages[0].questions[0].required");
	expect_refused("[{\"key\": \"p\", \"questions\": [{\"key\": \"q1\", \"type\": \"date\", "
	    "\"text\": \"Q\", \"min\": \"2026-02-30\"}]}]", "pages[0].questions[0].min");
}

Test(survey_def, refuses_rules_that_point_nowhere_or_loop)
{
	static const char *const nowhere =
	    "[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"single\", "
	    "\"text\": \"Q\", \"options\": [\"Yes\", \"No\"]}], "
	    "\"next\": [{\"if\": {\"question\": \"q1\", \"equals\": \"No\"}, \"go_to\": \"zz\"}]},"
	    "{\"key\": \"b\", \"questions\": [{\"key\": \"q2\", \"type\": \"text\", \"text\": \"R\"}]}]";
	static const char *const loop =
	    "[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"single\", "
	    "\"text\": \"Q\", \"options\": [\"Yes\", \"No\"]}]},"
	    "{\"key\": \"b\", \"questions\": [{\"key\": \"q2\", \"type\": \"text\", \"text\": \"R\"}],"
	    " \"next\": [{\"go_to\": \"a\"}]}]";
	static const char *const self =
	    "[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"text\", \"text\": \"Q\"}],"
	    " \"next\": [{\"go_to\": \"a\"}]}]";

	expect_refused(nowhere, "pages[0].next[0].go_to");
	expect_refused(loop, "pages[1].next[0].go_to");
	expect_refused(self, "pages[0].next[0].go_to");
}

Test(survey_def, refuses_conditions_on_later_or_unknown_questions_and_wrong_values)
{
	/* q1 names q2, which comes after it. */
	expect_refused("[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"text\", "
	    "\"text\": \"Q\", \"show_if\": {\"question\": \"q2\", \"equals\": \"x\"}}, "
	    "{\"key\": \"q2\", \"type\": \"text\", \"text\": \"R\"}]}]",
	    "pages[0].questions[0].show_if.question");
	/* An option that does not exist. */
	expect_refused("[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"single\", "
	    "\"text\": \"Q\", \"options\": [\"Yes\", \"No\"]}, {\"key\": \"q2\", \"type\": \"text\", "
	    "\"text\": \"R\", \"show_if\": {\"question\": \"q1\", \"equals\": \"Maybe\"}}]}]",
	    "pages[0].questions[1].show_if.equals");
	/* greater_than on a choice. */
	expect_refused("[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"single\", "
	    "\"text\": \"Q\", \"options\": [\"Yes\", \"No\"]}, {\"key\": \"q2\", \"type\": \"text\", "
	    "\"text\": \"R\", \"show_if\": {\"question\": \"q1\", \"greater_than\": \"Yes\"}}]}]",
	    "pages[0].questions[1].show_if.greater_than");
	/* Two comparisons in one. */
	expect_refused("[{\"key\": \"a\", \"questions\": [{\"key\": \"q1\", \"type\": \"number\", "
	    "\"text\": \"Q\"}, {\"key\": \"q2\", \"type\": \"text\", \"text\": \"R\", \"show_if\": "
	    "{\"question\": \"q1\", \"equals\": 1, \"less_than\": 4}}]}]",
	    "pages[0].questions[1].show_if");
}

static struct survey_answers
answers(const struct survey_def *d, const char *json, int *rc, struct errors *e)
{
	struct survey_answers ans;
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr);

	cr_assert_not_null(root, "%s", jerr.text);
	errors_init(e);
	*rc = survey_answers_from_json(d, json_object_get(root, "answers"),
	    json_object_get(root, "other"), &arena, &ans, e);
	if (*rc == 0)
		*rc = survey_answers_check(d, &ans, -1, e);
	json_decref(root);
	return ans;
}

static void
expect_answer_refused(const struct survey_def *d, const char *json, const char *field)
{
	struct errors e;
	int rc, i;
	bool found = false;

	answers(d, json, &rc, &e);
	cr_assert_eq(rc, ERR_INVALID, "accepted: %s", json);
	for (i = 0; i < e.n; i++)
		if (strcmp(e.list[i].field, field) == 0)
			found = true;
	cr_assert(found, "no error on %s for %s (first: %s: %s)", field, json,
	    e.n ? e.list[0].field : "-", e.n ? e.list[0].detail : "-");
}

Test(survey_answers, a_full_response_is_accepted_and_written_canonically)
{
	struct survey_def d = strategy_def();
	struct buf b = BUF_INIT;
	struct errors e;
	int rc;
	struct survey_answers ans = answers(&d, "{\"answers\": {\"q1\": \"Yes\", \"q2\": 4, "
	    "\"q3\": \" Good team \", \"q4\": {\"I feel valued\": \"Agree\", \"grow\": \"Disagree\"}, "
	    "\"q5\": [\"Grow our own\", \"other\"], \"q6\": \"Very good\", \"q7\": \"bb17dj\", "
	    "\"q8\": \"2026-03-04\", \"q9\": [\"c\", \"a\"], \"q10\": 2.5}, "
	    "\"other\": {\"q5\": \"Parking\"}}", &rc, &e);

	cr_assert_eq(rc, 0, "%s: %s", e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	cr_assert(str_eq_c(ans.a[2].text, "Good team"));
	cr_assert(str_eq_c(ans.a[6].text, "BB1 7DJ"));
	survey_answers_write(&d, &ans, &b);
	cr_assert_str_eq(buf_cstr(&b), "{\"answers\":{\"q1\":\"Yes\",\"q2\":4,\"q3\":\"Good team\","
	    "\"q4\":{\"I feel valued\":\"Agree\",\"grow\":\"Disagree\"},\"q5\":[\"Grow our own\","
	    "\"other\"],\"q6\":\"Very good\",\"q7\":\"BB1 7DJ\",\"q8\":\"2026-03-04\",\"q9\":[\"c\","
	    "\"a\"],\"q10\":2.5},\"other\":{\"q5\":\"Parking\"}}");
	/* Read back, it is the same response. */
	{
		struct survey_answers again;
		struct buf b2 = BUF_INIT;

		errors_init(&e);
		cr_assert_eq(survey_answers_parse(&d, (struct str){ b.p, b.n }, &arena, &again, &e), 0);
		survey_answers_write(&d, &again, &b2);
		cr_assert_str_eq(buf_cstr(&b2), buf_cstr(&b));
		buf_free(&b2);
	}
	buf_free(&b);
}

/* What jansson writes of the same answers: the canonical text as it was
 * first written, which survey_answers_write must keep to. */
static char *
jansson_text(const struct survey_def *d, const struct survey_answers *ans)
{
	json_t *other = json_object(), *root;
	char *text;
	int i;

	for (i = 0; i < d->question_n; i++)
		if (ans->a[i].given && ans->a[i].other.n > 0)
			json_object_setn_new(other, d->questions[i].key.p, d->questions[i].key.n,
			    json_stringn(ans->a[i].other.p, ans->a[i].other.n));
	root = json_pack("{s:o, s:o}", "answers", survey_answers_to_json(d, ans), "other", other);
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}

Test(survey_answers, are_written_as_jansson_writes_them_whatever_they_hold)
{
	static const double numbers[] = { 0, -0.0, 7, -3, 2.5, 0.1, 1.0 / 3, 1e15, 1e20, 1e-5,
		-1e-10, 123456789012345678.0, 999999999999999, 1e15 + 0.5, 1e300 };
	static const char *const texts[] = { "plain", "", "quote \" backslash \\ slash /",
		"controls \x01\x08\x0c\x1f\x7f tab\tline\ncr\r", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8" };
	struct survey_def d = strategy_def();
	struct survey_answers ans;
	struct buf b = BUF_INIT;
	char *expected;
	size_t i;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
		ans.a[9].given = true;
		ans.a[9].number = numbers[i];
		ans.a[2].given = true;
		ans.a[2].text = str_c(texts[i % 5]);
		ans.a[4].given = true;
		ans.a[4].choice_n = 1;
		ans.a[4].choices = (int[]){ 2 };
		ans.a[4].other = str_c(texts[(i + 3) % 5]);
		ans.a[3].given = i % 2;
		ans.a[3].grid = (int[]){ -1, 1 };
		buf_reset(&b);
		survey_answers_write(&d, &ans, &b);
		expected = jansson_text(&d, &ans);
		cr_assert_str_eq(buf_cstr(&b), expected, "number %.17g", numbers[i]);
		free(expected);
	}
	/* None at all. */
	cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
	buf_reset(&b);
	survey_answers_write(&d, &ans, &b);
	cr_assert_str_eq(buf_cstr(&b), "{\"answers\":{},\"other\":{}}");
	buf_free(&b);
}

Test(survey_answers, bad_answers_are_refused_under_their_key)
{
	struct survey_def d = strategy_def();

	/* Out of range, not an option, repeats, unknown rows, bad postcode and date. */
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q2\": 9, \"q4\": {\"I feel "
	    "valued\": \"Agree\", \"grow\": \"Agree\"}, \"q6\": \"Good\"}}", "q2");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Maybe\", \"q6\": \"Good\"}}", "q1");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"q9\": [\"a\", \"a\"]}}", "q9");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q4\": {\"I feel valued\": "
	    "\"Agree\", \"pay\": \"Agree\"}, \"q6\": \"Good\"}}", "q4");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"q7\": \"BB1 7D\"}}", "q7");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"q8\": \"2026-02-30\"}}", "q8");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"q8\": \"2025-12-31\"}}", "q8");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"q10\": 101}}", "q10");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"q10\": \"ten\"}}", "q10");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"info\": \"hello\"}}", "info");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\", "
	    "\"zz\": \"hello\"}}", "zz");
	/* More than max choices; other chosen without saying what; other text
	 * without other. */
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q4\": {\"I feel valued\": "
	    "\"Agree\", \"grow\": \"Agree\"}, \"q5\": [\"Grow our own\", \"Investing in our "
	    "community\", \"other\"], \"q6\": \"Good\"}, \"other\": {\"q5\": \"x\"}}", "q5");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q4\": {\"I feel valued\": "
	    "\"Agree\", \"grow\": \"Agree\"}, \"q5\": [\"other\"], \"q6\": \"Good\"}}", "q5");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q4\": {\"I feel valued\": "
	    "\"Agree\", \"grow\": \"Agree\"}, \"q5\": [\"Grow our own\"], \"q6\": \"Good\"}, "
	    "\"other\": {\"q5\": \"x\"}}", "q5");
}

Test(survey_answers, skip_logic_decides_what_may_and_must_be_answered)
{
	struct survey_def d = strategy_def();
	struct errors e;
	int rc;

	/* q1 No skips the staff page: q4 (required) is not asked, and an
	 * answer to it is refused. */
	answers(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\"}}", &rc, &e);
	cr_assert_eq(rc, 0);
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q4\": {\"grow\": \"Agree\"}, "
	    "\"q6\": \"Good\"}}", "q4");
	/* q1 Yes: the grid is required, every row of it. */
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q6\": \"Good\"}}", "q4");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"Yes\", \"q4\": {\"grow\": \"Agree\"}, "
	    "\"q6\": \"Good\"}}", "q4");
	/* q3 is shown only when q2 > 3. */
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\", \"q2\": 3, \"q3\": \"hm\", "
	    "\"q6\": \"Good\"}}", "q3");
	answers(&d, "{\"answers\": {\"q1\": \"No\", \"q2\": 5, \"q3\": \"hm\", \"q6\": \"Good\"}}",
	    &rc, &e);
	cr_assert_eq(rc, 0);
	/* Missing required answers. */
	expect_answer_refused(&d, "{\"answers\": {\"q6\": \"Good\"}}", "q1");
	expect_answer_refused(&d, "{\"answers\": {\"q1\": \"No\"}}", "q6");
}

Test(survey_answers, the_path_visits_pages_in_order_with_skips)
{
	struct survey_def d = strategy_def();
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n, rc;
	struct errors e;
	struct survey_answers ans = answers(&d, "{\"answers\": {\"q1\": \"No\", \"q6\": \"Good\"}}",
	    &rc, &e);

	survey_path(&d, &ans, on, pages, &n);
	cr_assert_eq(n, 2);
	cr_assert_eq(pages[0], 0);
	cr_assert_eq(pages[1], 2);
	cr_assert_eq(survey_next_page(&d, 0, &ans), 2);
	cr_assert_eq(survey_next_page(&d, 2, &ans), SURVEY_END);
	cr_assert_not(on[2]); /* q3: q2 not answered */
	cr_assert_not(on[3]);
	cr_assert(on[5]);
}

struct tally_seen {
	int n;
	char items[40][80];
};

static int
collect(void *arg, const struct survey_tally_item *it)
{
	struct tally_seen *s = arg;

	snprintf(s->items[s->n++], 80, "%.*s|%.*s|%.*s|%lld|%g", (int)it->question.n,
	    it->question.p, (int)it->row.n, it->row.p, (int)it->value.n, it->value.p,
	    (long long)it->n, it->total);
	return 0;
}

Test(survey_answers, tally_counts_responses_answers_options_and_rows)
{
	struct survey_def d = strategy_def();
	struct tally_seen seen = { 0 };
	struct errors e;
	int rc;
	struct survey_answers ans = answers(&d, "{\"answers\": {\"q1\": \"Yes\", \"q2\": 4, "
	    "\"q4\": {\"grow\": \"Agree\", \"I feel valued\": \"Disagree\"}, \"q6\": \"Good\", "
	    "\"q9\": [\"b\", \"a\"], \"q10\": 7}}", &rc, &e);

	cr_assert_eq(rc, 0, "%s", e.n ? e.list[0].detail : "");
	cr_assert_eq(survey_answers_tally(&d, &ans, collect, &seen), 0);
	cr_assert_str_eq(seen.items[0], "|||1|0");
	cr_assert_str_eq(seen.items[1], "q1|||1|0");
	cr_assert_str_eq(seen.items[2], "q1||Yes|1|0");
	cr_assert_str_eq(seen.items[3], "q2|||1|4");
	cr_assert_str_eq(seen.items[4], "q2||4|1|0");
	cr_assert_str_eq(seen.items[5], "q4|||1|0");
	cr_assert_str_eq(seen.items[6], "q4|I feel valued|Disagree|1|0");
	cr_assert_str_eq(seen.items[7], "q4|grow|Agree|1|0");
	cr_assert_str_eq(seen.items[8], "q6|||1|0");
	cr_assert_str_eq(seen.items[9], "q6||Good|1|0");
	cr_assert_str_eq(seen.items[10], "q9|||1|0");
	cr_assert_str_eq(seen.items[11], "q9||b|1|1");
	cr_assert_str_eq(seen.items[12], "q9||a|1|2");
	cr_assert_str_eq(seen.items[13], "q10|||1|7");
	cr_assert_eq(seen.n, 14);
}

Test(survey_answers, form_values_are_read_as_people_type_them)
{
	struct survey_def d = strategy_def();
	struct survey_answers ans;
	struct errors e;
	struct str date[3] = { STR_LIT(" 4"), STR_LIT("3"), STR_LIT("2026") };
	struct str ranks[3] = { STR_LIT("2"), STR_LIT(""), STR_LIT("1") };
	struct str bad_ranks[3] = { STR_LIT("1"), STR_LIT("1"), STR_LIT("") };
	struct str number = STR_LIT("12");
	struct buf b = BUF_INIT;

	cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
	errors_init(&e);
	cr_assert_eq(survey_answer_from_form(&d, 7, date, 3, (struct str){ 0 }, &arena, &ans, &e),
	    0);
	cr_assert(str_eq_c(ans.a[7].text, "2026-03-04"));
	survey_answer_display(&d, 7, &ans, &b);
	cr_assert_str_eq(buf_cstr(&b), "4 March 2026");
	cr_assert_eq(survey_answer_from_form(&d, 8, ranks, 3, (struct str){ 0 }, &arena, &ans, &e),
	    0);
	cr_assert_eq(ans.a[8].choice_n, 2);
	cr_assert_eq(ans.a[8].choices[0], 2);
	cr_assert_eq(ans.a[8].choices[1], 0);
	cr_assert_eq(survey_answer_from_form(&d, 8, bad_ranks, 3, (struct str){ 0 }, &arena, &ans,
	    &e), ERR_INVALID);
	cr_assert_eq(survey_answer_from_form(&d, 9, &number, 1, (struct str){ 0 }, &arena, &ans,
	    &e), 0);
	cr_assert_eq(ans.a[9].number, 12);
	buf_free(&b);
}

/* ---- a file of responses: cells read as the export writes them and people type them ---- */

/* Question q's answer from cells, into ans; the first error into e. */
static int
cells(const struct survey_def *d, struct survey_answers *ans, int q, int n, const char *c0,
    const char *c1, const char *c2, struct errors *e)
{
	struct str c[3] = { str_c(c0), str_c(c1), str_c(c2) };

	errors_init(e);
	return survey_answer_from_cells(d, q, c, n, &arena, ans, e);
}

/* Whether e has an error on field whose text holds part. */
static bool
error_says(const struct errors *e, const char *field, const char *part)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->list[i].field, field) == 0 && strstr(e->list[i].detail, part) != NULL)
			return true;
	return false;
}

Test(survey_answers, cells_are_named_as_the_export_writes_its_columns)
{
	struct survey_def d = strategy_def();
	struct buf b = BUF_INIT;
	int q = -1, c = -1;

	cr_assert_eq(survey_cell_count(&d.questions[0]), 1);
	cr_assert_eq(survey_cell_count(&d.questions[3]), 2, "a grid: one a row");
	cr_assert_eq(survey_cell_count(&d.questions[4]), 2, "with other: its text too");
	cr_assert_eq(survey_cell_count(&d.questions[10]), 0, "information: none");
	survey_cell_name(&d.questions[3], 0, &b);
	cr_assert_str_eq(buf_cstr(&b), "q4.I feel valued");
	buf_reset(&b);
	survey_cell_name(&d.questions[4], 1, &b);
	cr_assert_str_eq(buf_cstr(&b), "q5.other");
	buf_free(&b);

	cr_assert_eq(survey_cell_find(&d, str_c(" Q4.GROW "), &q, &c), 0);
	cr_assert_eq(q, 3);
	cr_assert_eq(c, 1);
	cr_assert_eq(survey_cell_find(&d, str_c("q5.other"), &q, &c), 0);
	cr_assert_eq(q, 4);
	cr_assert_eq(c, 1);
	cr_assert_eq(survey_cell_find(&d, str_c("q10"), &q, &c), 0);
	cr_assert_eq(q, 9);
	cr_assert_eq(c, 0);
	cr_assert_eq(survey_cell_find(&d, str_c("q1.other"), &q, &c), ERR_NOTFOUND);
	cr_assert_eq(survey_cell_find(&d, str_c("q4"), &q, &c), ERR_NOTFOUND, "a grid's rows");
	cr_assert_eq(survey_cell_find(&d, str_c("info"), &q, &c), ERR_NOTFOUND);
	cr_assert_eq(survey_cell_find(&d, str_c("q11"), &q, &c), ERR_NOTFOUND);
	cr_assert_eq(survey_cell_find(&d, str_c("q"), &q, &c), ERR_NOTFOUND);
}

Test(survey_answers, cells_are_read_as_people_type_them)
{
	struct survey_def d = strategy_def();
	struct survey_answers ans;
	struct errors e;

	cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
	/* Options by value or label, in any case. */
	cr_assert_eq(cells(&d, &ans, 0, 1, " yes ", "", "", &e), 0);
	cr_assert(ans.a[0].given);
	cr_assert_eq(ans.a[0].choices[0], 0);
	cr_assert_eq(cells(&d, &ans, 5, 1, "very GOOD", "", "", &e), 0);
	cr_assert_eq(ans.a[5].choices[0], 0);
	/* Several, by ";", with "other" said in its own cell. */
	cr_assert_eq(cells(&d, &ans, 4, 2, "Grow our own;something else", "Parking", "", &e), 0);
	cr_assert_eq(ans.a[4].choice_n, 2);
	cr_assert_eq(ans.a[4].choices[0], 0);
	cr_assert_eq(ans.a[4].choices[1], 2);
	cr_assert(str_eq_c(ans.a[4].other, "Parking"));
	/* A ranking in order. */
	cr_assert_eq(cells(&d, &ans, 8, 1, "c; A", "", "", &e), 0);
	cr_assert_eq(ans.a[8].choice_n, 2);
	cr_assert_eq(ans.a[8].choices[0], 2);
	cr_assert_eq(ans.a[8].choices[1], 0);
	/* Numbers, also as the export made them safe for a spreadsheet. */
	cr_assert_eq(cells(&d, &ans, 1, 1, "4", "", "", &e), 0);
	cr_assert_eq(ans.a[1].number, 4);
	cr_assert_eq(cells(&d, &ans, 9, 1, "'+7.5", "", "", &e), 0);
	cr_assert_eq(ans.a[9].number, 7.5);
	/* Dates both ways, postcodes any way. */
	cr_assert_eq(cells(&d, &ans, 7, 1, "4/3/2026", "", "", &e), 0);
	cr_assert(str_eq_c(ans.a[7].text, "2026-03-04"));
	cr_assert_eq(cells(&d, &ans, 7, 1, "2026-03-04", "", "", &e), 0);
	cr_assert(str_eq_c(ans.a[7].text, "2026-03-04"));
	cr_assert_eq(cells(&d, &ans, 6, 1, "bb17dj", "", "", &e), 0);
	cr_assert(str_eq_c(ans.a[6].text, "BB1 7DJ"));
	/* A grid's rows, one left blank. */
	cr_assert_eq(cells(&d, &ans, 3, 2, "agree", " ", "", &e), 0);
	cr_assert(ans.a[3].given);
	cr_assert_eq(ans.a[3].grid[0], 0);
	cr_assert_eq(ans.a[3].grid[1], -1);
	/* Empty is no answer; a cell the file has no column for is empty. */
	cr_assert_eq(cells(&d, &ans, 0, 1, "", "", "", &e), 0);
	cr_assert_not(ans.a[0].given);
	cr_assert_eq(cells(&d, &ans, 9, 0, "", "", "", &e), 0);
	cr_assert_not(ans.a[9].given);
	cr_assert_eq(cells(&d, &ans, 2, 1, "  ", "", "", &e), 0);
	cr_assert_not(ans.a[2].given);
}

Test(survey_answers, cells_with_a_semicolon_in_a_label_still_read)
{
	struct survey_def d;
	struct survey_answers ans;
	struct errors e;

	cr_assert_eq(parse("[{\"key\": \"p\", \"questions\": [{\"key\": \"drinks\", "
	    "\"text\": \"Drinks\", \"type\": \"multiple\", "
	    "\"options\": [\"Tea; coffee\", \"Water\", \"Tea\"]}]}]", &d, &e), 0);
	cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
	cr_assert_eq(cells(&d, &ans, 0, 1, "Water; tea; coffee", "", "", &e), 0);
	cr_assert_eq(ans.a[0].choice_n, 2);
	cr_assert_eq(ans.a[0].choices[0], 1);
	cr_assert_eq(ans.a[0].choices[1], 0);
	cr_assert_eq(cells(&d, &ans, 0, 1, "Tea; Water", "", "", &e), 0);
	cr_assert_eq(ans.a[0].choices[0], 2);
	cr_assert_eq(ans.a[0].choices[1], 1);
}

/* An answer that is none of the options is quoted in its error, which a
 * page and JSON show: always UTF-8, cut at a character, or said to be
 * unreadable when it is not UTF-8 at all. */
Test(survey_answers, an_answer_that_is_no_option_is_quoted_as_utf8)
{
	struct survey_def d = strategy_def();
	struct survey_answers ans;
	struct errors e;
	char polish[128];
	struct str v;

	cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
	errors_init(&e);
	v = str_c("\xff\xfe\xc3\x28");
	cr_assert_eq(survey_answer_from_form(&d, 0, &v, 1, (struct str){ NULL, 0 }, &arena, &ans,
	    &e), ERR_INVALID);
	cr_assert(error_says(&e, "q1", "cannot be read (invalid UTF-8)"));
	cr_assert(text_is_utf8(str_c(e.list[0].detail)));
	cr_assert_eq(cells(&d, &ans, 0, 1, "\xff", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q1", "cannot be read (invalid UTF-8)"));

	/* 59 letters, then "ł" (two bytes) across the 60th byte. */
	memset(polish, 'a', 59);
	snprintf(polish + 59, sizeof(polish) - 59, "\xc5\x82 nie");
	errors_init(&e);
	v = str_c(polish);
	cr_assert_eq(survey_answer_from_form(&d, 0, &v, 1, (struct str){ NULL, 0 }, &arena, &ans,
	    &e), ERR_INVALID);
	cr_assert(error_says(&e, "q1", "is not one of the options"), "%s", e.list[0].detail);
	cr_assert(text_is_utf8(str_c(e.list[0].detail)), "%s", e.list[0].detail);
}

Test(survey_answers, cells_that_are_no_answer_are_refused_under_their_key)
{
	struct survey_def d = strategy_def();
	struct survey_answers ans;
	struct errors e;

	cr_assert_eq(survey_answers_init(&d, &arena, &ans), 0);
	cr_assert_eq(cells(&d, &ans, 0, 1, "Maybe", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q1", "'Maybe' is not one of the options"));
	cr_assert_eq(cells(&d, &ans, 0, 1, "Yes; No", "", "", &e), ERR_INVALID, "one answer");
	cr_assert_eq(cells(&d, &ans, 4, 2, "Grow our own; Nope", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q5", "'Nope'"));
	cr_assert_eq(cells(&d, &ans, 4, 2, "Something else", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q5", "Say what 'other' is"));
	cr_assert_eq(cells(&d, &ans, 4, 2, "Grow our own", "Parking", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q5", "Choose 'other'"));
	cr_assert_eq(cells(&d, &ans, 4, 2, "a; Grow our own; Investing in our community; "
	    "Something else", "x", "", &e), ERR_INVALID, "more than max");
	cr_assert_eq(cells(&d, &ans, 8, 1, "a; A", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q9", "only once"));
	cr_assert_eq(cells(&d, &ans, 1, 1, "six", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q2", "Enter a number"));
	cr_assert_eq(cells(&d, &ans, 1, 1, "9", "", "", &e), ERR_INVALID);
	cr_assert_eq(cells(&d, &ans, 1, 1, "2.5", "", "", &e), ERR_INVALID, "a whole rating");
	cr_assert_eq(cells(&d, &ans, 9, 1, "1,000", "", "", &e), ERR_INVALID);
	cr_assert_eq(cells(&d, &ans, 7, 1, "04/03/26", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q8", "YYYY-MM-DD or DD/MM/YYYY"));
	cr_assert_eq(cells(&d, &ans, 7, 1, "31/02/2026", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q8", "real date"));
	cr_assert_eq(cells(&d, &ans, 7, 1, "2025-12-31", "", "", &e), ERR_INVALID, "before min");
	cr_assert_eq(cells(&d, &ans, 6, 1, "BB1 7D", "", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q7", "postcode"));
	cr_assert_eq(cells(&d, &ans, 3, 2, "Agree", "Maybe", "", &e), ERR_INVALID);
	cr_assert(error_says(&e, "q4", "'Maybe'"));
	cr_assert_eq(cells(&d, &ans, 2, 1, "one\ntwo", "", "", &e), ERR_INVALID,
	    "one line of text");
}

Test(survey_answers, a_row_of_cells_is_the_response_its_json_is)
{
	struct survey_def d = strategy_def();
	struct survey_answers from_cells, from_json;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct errors e;
	int rc;

	from_json = answers(&d, "{\"answers\": {\"q1\": \"Yes\", \"q2\": 4, \"q3\": \"Good team\", "
	    "\"q4\": {\"I feel valued\": \"Agree\", \"grow\": \"Disagree\"}, \"q5\": [\"Grow our "
	    "own\", \"other\"], \"q6\": \"Very good\"}, \"other\": {\"q5\": \"Parking\"}}", &rc, &e);
	cr_assert_eq(rc, 0);
	cr_assert_eq(survey_answers_init(&d, &arena, &from_cells), 0);
	cr_assert_eq(cells(&d, &from_cells, 0, 1, "Yes", "", "", &e), 0);
	cr_assert_eq(cells(&d, &from_cells, 1, 1, "4", "", "", &e), 0);
	cr_assert_eq(cells(&d, &from_cells, 2, 1, "Good team", "", "", &e), 0);
	cr_assert_eq(cells(&d, &from_cells, 3, 2, "Agree", "Disagree", "", &e), 0);
	cr_assert_eq(cells(&d, &from_cells, 4, 2, "Grow our own; Something else", "Parking", "",
	    &e), 0);
	cr_assert_eq(cells(&d, &from_cells, 5, 1, "Very good", "", "", &e), 0);
	errors_init(&e);
	cr_assert_eq(survey_answers_check(&d, &from_cells, -1, &e), 0);
	survey_answers_write(&d, &from_cells, &a);
	survey_answers_write(&d, &from_json, &b);
	cr_assert_str_eq(buf_cstr(&a), buf_cstr(&b));
	/* The path is checked as for any response: q4 is required once q1 is Yes. */
	cr_assert_eq(cells(&d, &from_cells, 3, 2, "", "", "", &e), 0);
	errors_init(&e);
	cr_assert_eq(survey_answers_check(&d, &from_cells, -1, &e), ERR_INVALID);
	cr_assert(error_says(&e, "q4", "Answer every row"));
	buf_free(&a);
	buf_free(&b);
}

/* ---- a new survey built from what staff send ----------------------------------------------- */

Test(survey_def, staff_enter_responses_once_a_survey_has_opened_and_after_it_closes)
{
	struct survey sv = { 0 };
	struct errors e;
	int64_t now = 1800000000;

	errors_init(&e);
	cr_assert_eq(survey_check_entry(&sv, now, &e), ERR_CONFLICT, "a draft");
	cr_assert(errors_has_field(&e, "survey"));
	sv.opens_at = now + 60;
	cr_assert_eq(survey_check_entry(&sv, now, &e), ERR_CONFLICT, "scheduled");
	sv.opens_at = now - 60;
	cr_assert_eq(survey_check_entry(&sv, now, &e), 0, "open");
	sv.closed_at = now - 1;
	cr_assert_eq(survey_check_entry(&sv, now, &e), 0, "closed");
}

Test(survey_def, unfinished_responses_are_abandoned_when_idle_or_long_after_closing)
{
	struct survey sv = { 0 };
	int64_t now = 1800000000, day = 24 * 3600;

	sv.opens_at = now - 400 * day;
	cr_assert_eq(survey_partials_abandoned_before(&sv, now), now - 90 * day, "open: idle");
	sv.closes_at = now + day;
	cr_assert_eq(survey_partials_abandoned_before(&sv, now), now - 90 * day, "closing later");
	sv.closes_at = now - 29 * day;
	cr_assert_eq(survey_partials_abandoned_before(&sv, now), now - 90 * day,
	    "closed by its time 29 days ago: only the idle ones yet");
	sv.closes_at = now - 30 * day;
	cr_assert_eq(survey_partials_abandoned_before(&sv, now), INT64_MAX, "30 days: every one");
	/* Closed by hand: that time counts, not a later closing time. */
	sv.closes_at = now + 100 * day;
	sv.closed_at = now - 31 * day;
	cr_assert_eq(survey_partials_abandoned_before(&sv, now), INT64_MAX);
	sv.closed_at = now - day;
	cr_assert_eq(survey_partials_abandoned_before(&sv, now), now - 90 * day);
}

Test(survey_def, staff_correct_what_someone_wrote_down_never_a_respondents_own)
{
	cr_assert(survey_response_correctable(SURVEY_PAPER, 7), "keyed in");
	cr_assert(survey_response_correctable(SURVEY_ONLINE, 7), "keyed in through the API");
	cr_assert(survey_response_correctable(SURVEY_PAPER, 0), "imported from paper");
	cr_assert(survey_response_correctable(SURVEY_PHONE, 0));
	cr_assert(survey_response_correctable(SURVEY_EVENT, 0));
	cr_assert_not(survey_response_correctable(SURVEY_ONLINE, 0), "the respondent's own");
}

Test(survey_def, a_new_survey_is_built_from_what_staff_send)
{
	struct survey_input in = { 0 };
	struct survey sv;
	struct survey_def d;
	struct errors e;
	int64_t now = 1800000000;

	in.title = str_c("  Your visit  ");
	in.pages = str_c(strategy);
	in.who = POLL_WHO_CODE;
	in.opening = POLL_OPEN_NOW;
	in.closes_at = now + 3600;
	errors_init(&e);
	cr_assert_eq(survey_build(&in, now, &arena, &sv, &d, &e), 0, "%s: %s",
	    e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	cr_assert(str_eq_c(sv.title, "Your visit"));
	cr_assert_eq(sv.who, POLL_WHO_CODE);
	cr_assert_eq(sv.opens_at, now);
	cr_assert_eq(sv.closes_at, now + 3600);
	cr_assert_eq(d.question_n, 11);
	cr_assert_gt(sv.next_option_id, 1);
	cr_assert_not_null(strstr(sv.definition.p, "\"id\""), "canonical, with ids");
	in.opening = POLL_OPEN_LATER;
	errors_init(&e);
	cr_assert_eq(survey_build(&in, now, &arena, &sv, &d, &e), 0);
	cr_assert_eq(sv.opens_at, 0, "a draft");

	/* Every problem at once, each under its path. */
	in.title = str_c(" ");
	in.pages = str_c("[{\"key\": \"p\", \"questions\": [{\"key\": \"q\", \"type\": \"dial\"}]}]");
	in.opening = POLL_OPEN_AT;
	in.opens_at = now - 60;
	in.closes_at = 0;
	errors_init(&e);
	cr_assert_eq(survey_build(&in, now, &arena, &sv, &d, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "title"));
	cr_assert(errors_has_field(&e, "pages[0].questions[0].type"));
	cr_assert(errors_has_field(&e, "opens_at"));
	/* What the door reported missing is not reported again. */
	in.title = (struct str){ NULL, 0 };
	in.pages = (struct str){ NULL, 0 };
	in.opening = POLL_OPEN_NOW;
	errors_init(&e);
	cr_assert_eq(survey_build(&in, now, &arena, &sv, &d, &e), ERR_INVALID);
	cr_assert_eq(e.n, 0);
}

Test(survey_def, a_change_with_responses_keeps_every_answer_meaningful)
{
	struct survey_def old = strategy_def(), next;
	struct errors e;

	/* Wording and a new optional question: fine. */
	cr_assert_eq(parse("[{\"key\": \"about\", \"questions\": [{\"key\": \"q1\", \"type\": "
	    "\"single\", \"text\": \"Are you staff?\", \"required\": true, \"options\": [\"Yes\", "
	    "\"No\", \"Not sure\"]}, {\"key\": \"q2\", \"type\": \"rating\", \"text\": \"Listen?\"}, "
	    "{\"key\": \"q3\", \"type\": \"text\", \"text\": \"Why?\"}, {\"key\": \"new\", \"type\": "
	    "\"text\", \"text\": \"New\"}]}, {\"key\": \"staff\", \"questions\": [{\"key\": \"q4\", "
	    "\"type\": \"grid\", \"text\": \"Agree?\", \"rows\": [\"I feel valued\", \"grow\"], "
	    "\"options\": [\"Agree\", \"Disagree\"], \"required\": true}, {\"key\": \"q5\", "
	    "\"type\": \"multiple\", \"text\": \"Which?\", \"options\": [\"Grow our own\", "
	    "\"Investing in our community\", \"other\"]}]}, {\"key\": \"else\", \"questions\": ["
	    "{\"key\": \"q6\", \"type\": \"fft\", \"required\": true}, {\"key\": \"q7\", \"type\": "
	    "\"postcode\", \"text\": \"P\"}, {\"key\": \"q8\", \"type\": \"date\", \"text\": \"D\"}, "
	    "{\"key\": \"q9\", \"type\": \"ranking\", \"text\": \"R\", \"options\": [\"a\", \"b\", "
	    "\"c\"]}, {\"key\": \"q10\", \"type\": \"number\", \"text\": \"N\", \"min\": 0, "
	    "\"max\": 200}, {\"key\": \"info\", \"type\": \"info\", \"text\": \"Thanks\"}]}]",
	    &next, &e), 0, "%s", e.n ? e.list[0].detail : "");
	errors_init(&e);
	cr_assert_eq(survey_def_check_change(&old, &next, &e), 0, "%s: %s",
	    e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	survey_def_adopt_ids(&next, &old);
	cr_assert_eq(next.questions[0].options[1].id, old.questions[0].options[1].id);

	/* A question removed, an option's value changed, a type changed, a
	 * new required question: each refused under its key. */
	cr_assert_eq(parse("[{\"key\": \"about\", \"questions\": [{\"key\": \"q1\", \"type\": "
	    "\"single\", \"text\": \"Q\", \"options\": [\"Yes\", \"Nope\"]}, {\"key\": \"q2\", "
	    "\"type\": \"number\", \"text\": \"L\"}, {\"key\": \"n2\", \"type\": \"text\", \"text\": "
	    "\"N\", \"required\": true}]}]", &next, &e), 0);
	errors_init(&e);
	cr_assert_eq(survey_def_check_change(&old, &next, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "q1"));
	cr_assert(errors_has_field(&e, "q2"));
	cr_assert(errors_has_field(&e, "q3"));
	cr_assert(errors_has_field(&e, "n2"));
}

/* The stored text read as jansson reads it: the reference for survey_answers_parse. */
static int
parse_with_jansson(const struct survey_def *d, const char *text, struct survey_answers *out,
    struct errors *e)
{
	json_error_t jerr;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	int rc;

	if (root == NULL)
		return ERR_INVALID;
	rc = survey_answers_from_json(d, json_object_get(root, "answers"),
	    json_object_get(root, "other"), &arena, out, e);
	json_decref(root);
	return rc;
}

Test(survey_answers, stored_text_reads_the_same_with_or_without_a_json_tree)
{
	static const char *const texts[] = {
		"{\"answers\":{\"q1\":\"Yes\",\"q2\":4,\"q3\":\"Listening\",\"q4\":{\"I feel valued\":"
		"\"Agree\",\"grow\":\"Disagree\"},\"q5\":[\"Grow our own\",\"other\"],\"q6\":"
		"\"Very good\",\"q7\":\"FY1 1NA\",\"q8\":\"2026-03-04\",\"q9\":[\"c\",\"a\"],"
		"\"q10\":3},\"other\":{\"q5\":\"Parking\"}}",
		"{\"answers\":{},\"other\":{}}",
		"{\"answers\":{\"q3\":\"say \\\"hi\\\" \\u00e9\"},\"other\":{}}",
		"{\"answers\":{\"q3\":\"caf\xc3\xa9\",\"q10\":1e1},\"other\":{}}",
		"{\"answers\":{\"nope\":\"x\",\"q1\":\"Yes\"},\"other\":{}}",
		"{\"answers\":{\"q1\":\"Maybe\",\"q2\":4.5},\"other\":{}}",
		"{\"answers\":{\"q1\":\"Yes\",\"q1\":\"No\"},\"other\":{}}",
		"{\"answers\":{\"q1\":\"Yes\",\"Q1\":\"No\"},\"other\":{}}",
		"{\"answers\":{\"q2\":null,\"q4\":{\"grow\":null,\"I feel valued\":\"Agree\"}},"
		"\"other\":{}}",
		"{\"answers\": {\"q1\": \"Yes\"}, \"other\": {}}",
		"{\"answers\":{\"q5\":[\"Grow our own\"]},\"other\":{\"q5\":\"x\"}}",
		"{\"answers\":{\"q5\":[\"other\"]},\"other\":{}}",
		"{\"answers\":{\"q5\":[\"Grow our own\",\"Grow our own\",\"other\","
		"\"Investing in our community\"]},\"other\":{}}",
		"{\"answers\":{\"q4\":{\"nope\":\"Agree\"},\"q1\":7},\"other\":{\"q1\":\"x\"}}",
		"{\"answers\":{\"q8\":\"2026-02-30\",\"q7\":\"not a postcode\"},\"other\":{}}",
		"{\"answers\":{\"q1\":\"Yes\"},\"other\":{}} trailing",
		"{\"answers\":{\"q1\":\"Yes\"}}",
	};
	struct survey_def d = strategy_def();
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct survey_answers fast, slow;
		struct errors ef, es;
		struct buf a = BUF_INIT, b = BUF_INIT;
		int rf, rs;

		errors_init(&ef);
		errors_init(&es);
		rf = survey_answers_parse(&d, str_c(texts[i]), &arena, &fast, &ef);
		rs = parse_with_jansson(&d, texts[i], &slow, &es);
		cr_assert_eq(rf, rs, "%s: %d, jansson %d", texts[i], rf, rs);
		if (strstr(texts[i], "trailing") == NULL && strcmp(texts[i] + strlen(texts[i]) - 2,
		    "}}") == 0 && rs != ERR_INVALID)
			cr_assert_eq(ef.n, es.n, "%s: %d errors, jansson %d", texts[i], ef.n, es.n);
		if (rs == ERR_INVALID && es.n > 0)
			cr_assert_eq(ef.n, es.n, "%s: %d errors, jansson %d (%s: %s)", texts[i], ef.n,
			    es.n, ef.n ? ef.list[0].field : "-", ef.n ? ef.list[0].detail : "-");
		if (rs == 0) {
			survey_answers_write(&d, &fast, &a);
			survey_answers_write(&d, &slow, &b);
			cr_assert_str_eq(buf_cstr(&a), buf_cstr(&b), "%s", texts[i]);
		}
		buf_free(&a);
		buf_free(&b);
	}
}
