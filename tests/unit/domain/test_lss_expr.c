/* Tests for lss_expr.c: LimeSurvey relevance expressions read into
 * comparisons joined by and/or, and every form that is not one refused
 * with what was found. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "involve/error.h"
#include "involve/lss_expr.h"

#include "arena_fixture.h"

TestSuite(lss_expr, .init = arena_setup, .fini = arena_teardown);

static struct lss_expr *
parse(const char *text)
{
	struct lss_expr *x;
	char why[LSS_EXPR_WHY_MAX];
	int rc = lss_expr_parse(str_c(text), &arena, &x, why, NULL);

	cr_assert_eq(rc, 0, "%s: %s", text, why);
	return x;
}

static const char *
refused(const char *text)
{
	struct lss_expr *x;
	static char why[LSS_EXPR_WHY_MAX];

	cr_assert_eq(lss_expr_parse(str_c(text), &arena, &x, why, NULL), ERR_INVALID, "%s", text);
	cr_assert(x == NULL);
	cr_assert(why[0] != '\0', "%s: a reason", text);
	return why;
}

static void
assert_cmp(const struct lss_expr *x, const char *name, enum lss_cmp op, const char *value,
    bool number)
{
	cr_assert_eq(x->kind, LSS_EXPR_CMP);
	cr_assert_eq(x->name.n, strlen(name));
	cr_assert(memcmp(x->name.p, name, x->name.n) == 0);
	cr_assert_eq(x->op, op, "%s %s", name, lss_cmp_name(x->op));
	cr_assert_eq(x->value.n, strlen(value));
	cr_assert(x->value.n == 0 || memcmp(x->value.p, value, x->value.n) == 0);
	cr_assert_eq(x->is_number, number);
}

Test(lss_expr, always)
{
	cr_assert_eq(parse("1")->kind, LSS_EXPR_TRUE);
	cr_assert_eq(parse("")->kind, LSS_EXPR_TRUE);
	cr_assert_eq(parse(" true ")->kind, LSS_EXPR_TRUE);
	cr_assert_eq(parse("1 or Q1 == \"A\"")->kind, LSS_EXPR_TRUE);
	assert_cmp(parse("1 and Q1 == \"A\""), "Q1", LSS_EQ, "A", false);
}

Test(lss_expr, comparisons)
{
	assert_cmp(parse("Q1 == \"A2\""), "Q1", LSS_EQ, "A2", false);
	assert_cmp(parse("Q1.NAOK != 'Y'"), "Q1", LSS_NE, "Y", false);
	assert_cmp(parse("{Q2.value > 5}"), "Q2", LSS_GT, "5", true);
	assert_cmp(parse("3 <= Q3"), "Q3", LSS_GE, "3", true);
	assert_cmp(parse("Q4_SQ001.NAOK eq \"Y\""), "Q4_SQ001", LSS_EQ, "Y", false);
	assert_cmp(parse("Q5 lt -2.5"), "Q5", LSS_LT, "-2.5", true);
	assert_cmp(parse("((Q481.NAOK == \"F\"))"), "Q481", LSS_EQ, "F", false);
	assert_cmp(parse("Q6 == \"\""), "Q6", LSS_EQ, "", false);
}

Test(lss_expr, and_or_flattened)
{
	struct lss_expr *x = parse("(Q1 == \"A\" or Q1 == \"B\") and Q2 != \"Y\" && (Q3 > 1 and "
	    "Q4 < 9)");

	cr_assert_eq(x->kind, LSS_EXPR_AND);
	cr_assert_eq(x->term_n, 4, "the inner and merged");
	cr_assert_eq(x->terms[0].kind, LSS_EXPR_OR);
	cr_assert_eq(x->terms[0].term_n, 2);
	assert_cmp(&x->terms[0].terms[1], "Q1", LSS_EQ, "B", false);
	assert_cmp(&x->terms[1], "Q2", LSS_NE, "Y", false);
	assert_cmp(&x->terms[3], "Q4", LSS_LT, "9", true);
	x = parse("Q1 == 1 || Q1 == 2 or Q1 == 3");
	cr_assert_eq(x->kind, LSS_EXPR_OR);
	cr_assert_eq(x->term_n, 3);
}

Test(lss_expr, what_is_not_a_comparison_is_refused_with_what_it_is)
{
	cr_assert(strstr(refused("!is_empty(Q1)"), "'!'"));
	cr_assert(strstr(refused("is_empty(Q1)"), "is_empty()"));
	cr_assert(strstr(refused("Q1 == Q2"), "two answers"));
	cr_assert(strstr(refused("Q1"), "alone"));
	cr_assert(strstr(refused("Q1.shown == 'x'"), ".shown"));
	cr_assert(strstr(refused("Q1 + 1 > 2"), "arithmetic"));
	cr_assert(strstr(refused("Q1 = 'x'"), "assignment"));
	cr_assert(strstr(refused("(Q1 == 'x'"), "never closed"));
	cr_assert(strstr(refused("Q1 == 'x')"), "')'"));
	cr_assert(strstr(refused("Q1 == 'x"), "string"));
	cr_assert(strstr(refused("Q1 =="), "nothing after"));
	cr_assert(strstr(refused("Q1 == 'x' and"), "ends too soon"));
	cr_assert(strstr(refused("123X4X56 == 'Y'"), "123X4X56"));
	cr_assert(strstr(refused("not Q1 == 'x'"), "'not'"));
	cr_assert(strstr(refused("'a' == 'b'"), "no answer"));
	refused("Q1 == 'x' Q2 == 'y'");
	refused("Q1 regexMatch '/a/'");
}

Test(lss_expr, bounded)
{
	char deep[200], many[8000];
	int i, n = 0;

	for (i = 0; i < LSS_EXPR_DEPTH_MAX + 2; i++)
		deep[n++] = '(';
	n += snprintf(deep + n, sizeof(deep) - (size_t)n, "Q1 == 'x'");
	for (i = 0; i < LSS_EXPR_DEPTH_MAX + 2; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	cr_assert(strstr(refused(deep), "nested"));
	n = 0;
	for (i = 0; i <= LSS_EXPR_TERMS_MAX; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "%sQ%d == 'x'", i ? " or " : "", i);
	cr_assert(strstr(refused(many), "more comparisons"));
	memset(many, ' ', LSS_EXPR_MAX_BYTES + 10);
	memcpy(many, "Q1 == 'x'", 9);
	many[LSS_EXPR_MAX_BYTES + 10] = 'x';
	many[LSS_EXPR_MAX_BYTES + 11] = '\0';
	cr_assert(strstr(refused(many), "longer than"));
}
