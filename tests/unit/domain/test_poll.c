/* Tests for poll.c: building polls, status, ballots and percentages. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/poll.h"
#include "involve/poll_export.h"

static struct poll_input
pharmacy_input(void)
{
	struct poll_input in;

	memset(&in, 0, sizeof(in));
	in.question = str_c("How satisfied are you with access to pharmacy services in your local area?");
	in.option_n = 3;
	in.options[0] = str_c("Satisfied");
	in.options[1] = str_c("  Dissatisfied  ");
	in.options[2] = str_c("Don't know");
	in.opens_at = 1000;
	return in;
}

Test(poll_build, accepts_and_trims)
{
	struct poll_input in = pharmacy_input();
	struct poll p;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &p, &e), 0);
	cr_assert_eq(p.option_n, 3);
	cr_assert_str_eq(p.options[1].label, "Dissatisfied");
	cr_assert_eq(poll_status(&p, 1000), POLL_OPEN);
}

Test(poll_build, refuses_bad_input)
{
	struct poll_input in = pharmacy_input();
	struct poll p;
	struct errors e;
	char long_text[POLL_QUESTION_MAX_CHARS + 2];

	errors_init(&e);
	in.question = str_c("   ");
	in.options[2] = str_c("Satisfied");
	cr_assert_eq(poll_build(&in, 1000, &p, &e), ERR_INVALID);
	cr_assert_eq(e.n, 2);
	cr_assert_str_eq(e.list[0].field, "question");
	cr_assert_str_eq(e.list[1].field, "options[2]");

	in = pharmacy_input();
	errors_init(&e);
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	in.question = str_c(long_text);
	in.options[0] = str_c("bad \x01 control");
	in.options[1] = str_c("bad \xff utf8");
	cr_assert_eq(poll_build(&in, 1000, &p, &e), ERR_INVALID);
	cr_assert_eq(e.n, 3);

	in = pharmacy_input();
	errors_init(&e);
	in.option_n = 1;
	cr_assert_eq(poll_build(&in, 1000, &p, &e), ERR_INVALID);
	in.option_n = POLL_OPTIONS_MAX + 1;
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &p, &e), ERR_INVALID);

	in = pharmacy_input();
	errors_init(&e);
	in.closes_at = 999;
	cr_assert_eq(poll_build(&in, 1000, &p, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "closes_at");
}

Test(poll_build, keeps_html_as_typed)
{
	struct poll_input in = pharmacy_input();
	struct poll p;
	struct errors e;

	errors_init(&e);
	in.question = str_c("<script>alert(1)</script>");
	cr_assert_eq(poll_build(&in, 1000, &p, &e), 0);
	cr_assert_str_eq(p.question, "<script>alert(1)</script>");
}

Test(poll_status, follows_times)
{
	struct poll p;

	memset(&p, 0, sizeof(p));
	cr_assert_eq(poll_status(&p, 100), POLL_DRAFT);
	p.opens_at = 200;
	cr_assert_eq(poll_status(&p, 100), POLL_SCHEDULED);
	cr_assert_eq(poll_status(&p, 200), POLL_OPEN);
	p.closes_at = 300;
	cr_assert_eq(poll_status(&p, 300), POLL_CLOSED);
	p.closes_at = 0;
	p.closed_at = 250;
	cr_assert_eq(poll_status(&p, 260), POLL_CLOSED);
}

static struct poll
open_poll(bool multiple)
{
	struct poll p;

	memset(&p, 0, sizeof(p));
	p.opens_at = 1;
	p.multiple = multiple;
	p.option_n = 3;
	p.options[0].id = 10;
	p.options[1].id = 11;
	p.options[2].id = 12;
	return p;
}

Test(poll_ballot, checks_choices)
{
	struct poll p = open_poll(false);
	struct ballot b = { 1, { 11 } };
	struct errors e;

	errors_init(&e);
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), 0);
	b.choice_n = 0;
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	b = (struct ballot){ 2, { 10, 11 } };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	b = (struct ballot){ 1, { 99 } };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	p = open_poll(true);
	b = (struct ballot){ 2, { 10, 12 } };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), 0);
	b = (struct ballot){ 2, { 10, 10 } };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	p.closed_at = 3;
	b = (struct ballot){ 1, { 10 } };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_CONFLICT);
	p.closed_at = 0;
	p.opens_at = 0;
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_CONFLICT);
}

Test(poll_results, visibility)
{
	struct poll p = open_poll(false);

	p.show_results = POLL_RESULTS_AFTER_VOTE;
	cr_assert(!poll_results_visible(&p, false, 5));
	cr_assert(poll_results_visible(&p, true, 5));
	p.show_results = POLL_RESULTS_AFTER_CLOSE;
	cr_assert(!poll_results_visible(&p, true, 5));
	p.closed_at = 4;
	cr_assert(poll_results_visible(&p, false, 5));
}

Test(poll_percent, rounds_half_up)
{
	cr_assert_eq(poll_percent_tenths(1, 3), 333);
	cr_assert_eq(poll_percent_tenths(2, 3), 667);
	cr_assert_eq(poll_percent_tenths(1, 8), 125);
	cr_assert_eq(poll_percent_tenths(0, 0), 0);
	cr_assert_eq(poll_percent_tenths(5, 5), 1000);
}

Test(poll_export, csv_neutralises_formulas)
{
	struct poll p = open_poll(false);
	struct tally t = { 3, 3, { 1, 2, 0 } };
	struct buf b = BUF_INIT;

	strcpy(p.options[0].label, "=HYPERLINK(\"x\")");
	strcpy(p.options[1].label, "Fine");
	strcpy(p.options[2].label, "@SUM");
	cr_assert_eq(poll_export_csv(&p, &t, &b), 0);
	cr_assert_str_eq(buf_cstr(&b), "option_id,option,count,percent\r\n"
	    "10,\"'=HYPERLINK(\"\"x\"\")\",1,33.3\r\n"
	    "11,\"Fine\",2,66.7\r\n"
	    "12,\"'@SUM\",0,0.0\r\n"
	    ",\"Total answers\",3,\r\n");
	buf_free(&b);
}
