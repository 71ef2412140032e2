/* Tests for poll.c: building polls and their defaults, the state machine,
 * who may see what, ballots and percentages. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/poll.h"
#include "involve/poll_export.h"

#include "arena_fixture.h"

TestSuite(poll_build, .init = arena_setup, .fini = arena_teardown);
TestSuite(poll_rules, .init = arena_setup, .fini = arena_teardown);
TestSuite(poll_ballot, .init = arena_setup, .fini = arena_teardown);
TestSuite(poll_export, .init = arena_setup, .fini = arena_teardown);

static struct poll_input
pharmacy_input(void)
{
	struct poll_input in;

	poll_input_defaults(&in);
	in.question = str_c("How satisfied are you with access to pharmacy services in your local area?");
	in.option_n = 3;
	in.options[0] = str_c("Satisfied");
	in.options[1] = str_c("  Dissatisfied  ");
	in.options[2] = str_c("Don't know");
	return in;
}

Test(poll_build, accepts_and_trims)
{
	struct poll_input in = pharmacy_input();
	struct poll p;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	cr_assert_eq(p.option_n, 3);
	cr_assert(str_eq_c(p.options[1].label, "Dissatisfied"));
	cr_assert_eq(poll_status(&p, 1000), POLL_OPEN);
}

Test(poll_build, defaults_are_the_domains)
{
	struct poll_input in;
	struct poll p;
	struct errors e;

	poll_input_defaults(&in);
	cr_assert_eq(in.show_results, POLL_RESULTS_AFTER_VOTE);
	cr_assert_eq(in.opening, POLL_OPEN_NOW);
	cr_assert(!in.multiple);
	cr_assert_eq(in.closes_at, 0);
	in = pharmacy_input();
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	cr_assert_eq(p.opens_at, 1000, "open now: at the time it is built");
	in.opening = POLL_OPEN_LATER;
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	cr_assert_eq(poll_status(&p, 5000), POLL_DRAFT);
}

Test(poll_build, an_opening_time_must_be_in_the_future)
{
	struct poll_input in = pharmacy_input();
	struct poll p;
	struct errors e;

	in.opening = POLL_OPEN_AT;
	in.opens_at = 1000;
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "opens_at");
	cr_assert_str_eq(e.list[0].detail, "The opening time must be in the future");
	in.opens_at = 1001;
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	cr_assert_eq(poll_status(&p, 1000), POLL_SCHEDULED);
	in.closes_at = 1001;
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "closes_at");
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
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);
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
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);
	cr_assert_eq(e.n, 3);

	in = pharmacy_input();
	errors_init(&e);
	in.option_n = 1;
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);
	in.option_n = POLL_OPTIONS_MAX + 1;
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);

	in = pharmacy_input();
	errors_init(&e);
	in.closes_at = 999;
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "closes_at");
}

Test(poll_build, keeps_html_as_typed)
{
	struct poll_input in = pharmacy_input();
	struct poll p;
	struct errors e;

	errors_init(&e);
	in.question = str_c("<script>alert(1)</script>");
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	cr_assert(str_eq_c(p.question, "<script>alert(1)</script>"));
}

Test(poll_build, a_change_starts_from_the_poll_as_it_is)
{
	struct poll_input in = pharmacy_input();
	struct poll p, again;
	struct errors e;

	in.opening = POLL_OPEN_AT;
	in.opens_at = 2000;
	in.closes_at = 3000;
	in.multiple = true;
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	poll_input_from(&in, &p, 1500);
	cr_assert_eq(in.opening, POLL_OPEN_AT);
	cr_assert_eq(in.opens_at, 2000);
	cr_assert_eq(in.closes_at, 3000);
	cr_assert(in.multiple);
	cr_assert_eq(poll_build(&in, 1500, &arena, &again, &e), 0, "unchanged builds again");
	cr_assert_eq(again.option_n, 3);
	p.opens_at = 0;
	poll_input_from(&in, &p, 1500);
	cr_assert_eq(in.opening, POLL_OPEN_LATER, "a draft stays a draft");
}

Test(poll_build, copies_into_an_arena)
{
	struct poll_input in = pharmacy_input();
	struct poll p, *c;
	struct errors e;
	char question[] = "A question that will change";

	in.question = str_c(question);
	errors_init(&e);
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	c = poll_copy(&arena, &p);
	cr_assert_not_null(c);
	question[0] = 'X';
	cr_assert(str_eq_c(c->question, "A question that will change"));
	cr_assert_eq(c->option_n, 3);
	cr_assert(str_eq_c(c->options[2].label, "Don't know"));
}

Test(poll_rules, follows_times)
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

/* The state machine: edit and open only before opening, close only while
 * open; a refusal says why, on "poll". */
Test(poll_rules, state_machine)
{
	struct poll p;
	struct errors e;

	memset(&p, 0, sizeof(p));
	cr_assert(poll_can_edit(&p, 100) && poll_can_open(&p, 100) && !poll_can_close(&p, 100),
	    "a draft");
	p.opens_at = 200;
	cr_assert(poll_can_edit(&p, 100) && poll_can_open(&p, 100) && !poll_can_close(&p, 100),
	    "scheduled");
	cr_assert(!poll_can_edit(&p, 200) && !poll_can_open(&p, 200) && poll_can_close(&p, 200),
	    "open");
	errors_init(&e);
	cr_assert_eq(poll_check_edit(&p, 200, &e), ERR_CONFLICT);
	cr_assert_str_eq(e.list[0].field, "poll");
	cr_assert_eq(poll_check_open(&p, 200, &e), ERR_CONFLICT);
	cr_assert_eq(poll_check_close(&p, 200, &e), 0);
	p.closed_at = 250;
	cr_assert(!poll_can_edit(&p, 260) && !poll_can_open(&p, 260) && !poll_can_close(&p, 260),
	    "closed");
	cr_assert_eq(poll_check_close(&p, 260, &e), ERR_CONFLICT);
}

static struct poll
open_poll(bool multiple)
{
	static struct poll_option options[3] = { { 10, { "A", 1 }, 0 }, { 11, { "B", 1 }, 0 },
		{ 12, { "C", 1 }, 0 } };
	struct poll p;

	memset(&p, 0, sizeof(p));
	p.opens_at = 1;
	p.multiple = multiple;
	p.option_n = 3;
	p.options = options;
	return p;
}

Test(poll_ballot, checks_choices)
{
	struct poll p = open_poll(false);
	struct ballot b = { 1, { 11 }, false };
	struct errors e;

	errors_init(&e);
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), 0);
	b.choice_n = 0;
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	b = (struct ballot){ 2, { 10, 11 }, false };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	b = (struct ballot){ 1, { 99 }, false };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	p = open_poll(true);
	b = (struct ballot){ 2, { 10, 12 }, false };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), 0);
	b = (struct ballot){ 2, { 10, 10 }, false };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	p.closed_at = 3;
	b = (struct ballot){ 1, { 10 }, false };
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_CONFLICT);
	p.closed_at = 0;
	p.opens_at = 0;
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_CONFLICT);
}

Test(poll_ballot, a_poll_answered_with_a_code_needs_one)
{
	struct poll p = open_poll(false);
	struct ballot b = { 1, { 11 }, false };
	struct errors e;

	p.who = POLL_WHO_CODE;
	errors_init(&e);
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "code");
	b.has_code = true;
	errors_init(&e);
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), 0);
	p.who = POLL_WHO_ANYONE;
	cr_assert_eq(poll_check_ballot(&p, &b, 5, &e), 0, "a code given to an open poll is ignored");
}

Test(poll_rules, who_sees_the_poll_and_its_results)
{
	struct poll p = open_poll(false);
	struct poll_viewer public = { 0 }, voted = { .has_voted = true }, staff = { .staff = true };

	p.show_results = POLL_RESULTS_AFTER_VOTE;
	cr_assert(!poll_results_visible(&p, &public, 5), "not before voting");
	cr_assert(poll_results_visible(&p, &voted, 5));
	cr_assert(poll_results_visible(&p, &staff, 5), "staff always");
	p.show_results = POLL_RESULTS_AFTER_CLOSE;
	cr_assert(!poll_results_visible(&p, &voted, 5));
	cr_assert(poll_results_visible(&p, &staff, 5));
	p.closed_at = 4;
	cr_assert(poll_results_visible(&p, &public, 5), "everyone once closed");
	p.opens_at = 0;
	p.closed_at = 0;
	cr_assert(!poll_visible(&p, &public, 5), "a draft is not public");
	cr_assert(poll_visible(&p, &staff, 5));
}

Test(poll_ballot, percentages_round_half_up)
{
	cr_assert_eq(poll_percent_tenths(1, 3), 333);
	cr_assert_eq(poll_percent_tenths(2, 3), 667);
	cr_assert_eq(poll_percent_tenths(1, 8), 125);
	cr_assert_eq(poll_percent_tenths(0, 0), 0);
	cr_assert_eq(poll_percent_tenths(5, 5), 1000);
}

Test(poll_export, csv_neutralises_formulas)
{
	struct poll_option options[3] = { { 10, STR_LIT("=HYPERLINK(\"x\")"), 1 },
		{ 11, STR_LIT("Fine"), 2 }, { 12, STR_LIT("@SUM"), 0 } };
	struct poll p = open_poll(false);
	struct buf b = BUF_INIT;

	p.options = options;
	p.ballots = 3;
	cr_assert_eq(poll_export_csv(&p, &b), 0);
	cr_assert_str_eq(buf_cstr(&b), "option_id,option,count,percent\r\n"
	    "10,\"'=HYPERLINK(\"\"x\"\")\",1,33.3\r\n"
	    "11,\"Fine\",2,66.7\r\n"
	    "12,\"'@SUM\",0,0.0\r\n"
	    ",\"Total answers\",3,\r\n");
	buf_free(&b);
}
