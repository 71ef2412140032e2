/* Tests for assessment.c: what an assessment of the duty to involve must
 * say, each refusal under its field, the one form it is put in, the sets
 * of methods and duties as the store keeps them, and the state of a
 * linked engagement. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/assessment.h"

#define NOW 1800000000LL

/* Blackpool's strategy, assessed as needing people to be involved. */
static struct assessment
strategy(void)
{
	struct assessment a;

	memset(&a, 0, sizeof(a));
	a.title = STR_LIT("Our strategy 2022 to 2027");
	a.proposal = STR_LIT("A new five-year strategy:\nwidening access, health inequalities.");
	a.affected = STR_LIT("Patients, carers, staff and partners on the Fylde Coast.");
	a.involvement = INVOLVEMENT_REQUIRED;
	a.methods = 1u << METHOD_CONSULTATION | 1u << METHOD_ENGAGEMENT;
	a.duties = 1u << DUTY_TRUST | 1u << DUTY_EQUALITY;
	return a;
}

static int
check(struct assessment *a, struct errors *e)
{
	errors_init(e);
	return assessment_check(a, NOW, e);
}

Test(assessment, a_complete_assessment_passes)
{
	struct assessment a = strategy();
	struct errors e;

	a.title = STR_LIT("  Our strategy  ");
	cr_assert_eq(check(&a, &e), 0, "%s", e.n ? e.list[0].detail : "");
	cr_assert(str_eq_c(a.title, "Our strategy"), "trimmed");
	a.decision = STR_LIT("Approved by the board.");
	a.decided_at = NOW - 86400;
	cr_assert_eq(check(&a, &e), 0);
}

Test(assessment, the_proposal_is_required)
{
	struct assessment a = strategy();
	struct errors e;

	a.title = STR_LIT("");
	a.proposal = STR_LIT(" ");
	a.affected = STR_LIT("");
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "title"));
	cr_assert(errors_has_field(&e, "proposal"));
	cr_assert(errors_has_field(&e, "affected"));
}

Test(assessment, involvement_required_says_how)
{
	struct assessment a = strategy();
	struct errors e;

	a.methods = 0;
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "methods"));
	a.methods = 1u << METHOD_OTHER;
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "approach"), "another way is said in words");
	a.approach = STR_LIT("A citizens' panel");
	cr_assert_eq(check(&a, &e), 0);
}

Test(assessment, not_required_says_why_and_keeps_no_how)
{
	struct assessment a = strategy();
	struct errors e;

	a.involvement = INVOLVEMENT_NOT_REQUIRED;
	a.approach = STR_LIT("Events");
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "reason"));
	a.reason = STR_LIT("An internal change of rota: no change to the service people get.");
	cr_assert_eq(check(&a, &e), 0);
	cr_assert_eq(a.methods, 0u, "no methods when people are not to be involved");
	cr_assert_eq(a.approach.n, 0u);
	a.involvement = INVOLVEMENT_UNDECIDED;
	cr_assert_eq(check(&a, &e), 0, "undecided: no methods needed yet");
	cr_assert_eq(a.reason.n, 0u, "a reason only when not required");
}

Test(assessment, a_duty_is_named)
{
	struct assessment a = strategy();
	struct errors e;

	a.duties = 0;
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "duties"));
	a.duties = 1u << DUTY_OTHER;
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "duty_other"));
	a.duty_other = STR_LIT("Children and Families Act 2014 s.19");
	cr_assert_eq(check(&a, &e), 0);
	a.duties = 1u << DUTY_ICB;
	cr_assert_eq(check(&a, &e), 0);
	cr_assert_eq(a.duty_other.n, 0u, "kept only with another duty");
}

Test(assessment, a_decision_comes_with_its_date)
{
	struct assessment a = strategy();
	struct errors e;

	a.decision = STR_LIT("Approved.");
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "decided_at"));
	a.decision = STR_LIT("");
	a.decided_at = NOW - 60;
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "decision"));
	a.decision = STR_LIT("Approved.");
	a.decided_at = NOW + 86400;
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "decided_at"), "not in the future");
}

Test(assessment, text_is_checked)
{
	char long_title[ASSESSMENT_TITLE_MAX_CHARS + 2];
	struct assessment a = strategy();
	struct errors e;

	memset(long_title, 'x', sizeof(long_title) - 1);
	long_title[sizeof(long_title) - 1] = '\0';
	a.title = str_c(long_title);
	a.affected = STR_LIT("bad \xff UTF-8");
	a.proposal = STR_LIT("a \x07 bell");
	cr_assert_eq(check(&a, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "title"));
	cr_assert(errors_has_field(&e, "affected"));
	cr_assert(errors_has_field(&e, "proposal"));
}

Test(assessment, sets_are_written_and_read_back)
{
	struct buf b = BUF_INIT;
	struct str given[] = { STR_LIT("equality_act_s149"), STR_LIT("nhs_act_s14z45"),
		STR_LIT("not_a_duty") };
	struct errors e;
	unsigned bits;

	involve_duties_write(1u << DUTY_ICB | 1u << DUTY_EQUALITY, &b);
	cr_assert_str_eq(buf_cstr(&b), "nhs_act_s14z45,equality_act_s149");
	cr_assert_eq(involve_duties_parse((struct str){ b.p, b.n }), 1u << DUTY_ICB |
	    1u << DUTY_EQUALITY);
	buf_reset(&b);
	involve_methods_write(0, &b);
	cr_assert_str_eq(buf_cstr(&b), "");
	cr_assert_eq(involve_methods_parse(STR_LIT("")), 0u);
	cr_assert_eq(involve_methods_parse(STR_LIT("co_production,gone")),
	    1u << METHOD_CO_PRODUCTION, "a name no longer known is left out");
	buf_free(&b);

	errors_init(&e);
	bits = involve_set_from_list(given, 3, involve_duty_names, "duties", &e);
	cr_assert_eq(bits, 1u << DUTY_ICB | 1u << DUTY_EQUALITY);
	cr_assert(errors_has_field(&e, "duties[2]"));
	cr_assert_str_eq(involve_duty_label(DUTY_ICB),
	    "NHS Act 2006 s.14Z45 (integrated care boards)");
}

Test(assessment, a_link_shows_its_engagement_state)
{
	struct assessment_link l;

	memset(&l, 0, sizeof(l));
	l.kind = LINK_POLL;
	cr_assert_str_eq(assessment_link_state(&l, NOW), "draft");
	cr_assert_str_eq(assessment_link_label(&l), "Poll");
	l.opens_at = NOW - 10;
	cr_assert_str_eq(assessment_link_state(&l, NOW), "open");
	l.kind = LINK_SURVEY;
	l.survey_kind = SURVEY_KIND_CONSULTATION;
	cr_assert_str_eq(assessment_link_label(&l), "Consultation");
	l.closed_at = NOW - 5;
	cr_assert_str_eq(assessment_link_state(&l, NOW), "closed");
	l.stage = CONSULTATION_ANALYSING;
	cr_assert_str_eq(assessment_link_state(&l, NOW), "analysing");
	l.survey_kind = SURVEY_KIND_SURVEY;
	cr_assert_str_eq(assessment_link_state(&l, NOW), "closed", "a survey has no stages");
	cr_assert_str_eq(assessment_link_label(&l), "Survey");
}
