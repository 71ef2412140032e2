/* Tests for num.c: the one reader of whole numbers, and every refusal. */
#include <criterion/criterion.h>

#include "involve/error.h"
#include "involve/num.h"

static enum num_problem
parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return num_parse_c(s, min, max, out);
}

Test(num, reads_plain_decimal_numbers)
{
	int64_t v;

	cr_assert_eq(parse("0", 0, 10, &v), NUM_OK);
	cr_assert_eq(v, 0);
	cr_assert_eq(parse("42", 0, 100, &v), NUM_OK);
	cr_assert_eq(v, 42);
	cr_assert_eq(parse("-7", -10, 10, &v), NUM_OK);
	cr_assert_eq(v, -7);
	cr_assert_eq(parse("9223372036854775807", 0, INT64_MAX, &v), NUM_OK);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(parse("-9223372036854775808", INT64_MIN, 0, &v), NUM_OK);
	cr_assert_eq(v, INT64_MIN);
	cr_assert_eq(num_parse((struct str){ "123abc", 3 }, 0, 1000, &v), NUM_OK,
	    "the length given, no NUL needed");
	cr_assert_eq(v, 123);
}

Test(num, refuses_everything_else)
{
	static const char *const invalid[] = { "", " 7", "7 ", "+7", "7a", "0x10", "1e3", "1.5",
		"--1", "-", "\xd9\xa3" /* an Arabic-Indic digit */, NULL };
	int64_t v = 99;
	int i;

	for (i = 0; invalid[i]; i++) {
		cr_expect_eq(parse(invalid[i], -100, 100, &v), NUM_INVALID, "\"%s\"", invalid[i]);
		cr_expect_eq(v, 0, "out is 0 on refusal");
	}
	cr_assert_eq(parse("-1", 0, 10, &v), NUM_INVALID, "no sign where min is not negative");
	cr_assert_eq(parse("11", 0, 10, &v), NUM_TOO_LARGE);
	cr_assert_eq(parse("-11", -10, 10, &v), NUM_TOO_SMALL);
	cr_assert_eq(parse("3", 5, 10, &v), NUM_TOO_SMALL);
	cr_assert_eq(parse("9223372036854775808", 0, INT64_MAX, &v), NUM_TOO_LARGE, "overflow");
	cr_assert_eq(parse("99999999999999999999999", 0, INT64_MAX, &v), NUM_TOO_LARGE);
	cr_assert_eq(parse("99999999999999999999999x", 0, INT64_MAX, &v), NUM_INVALID,
	    "text after an overflow is still not a number");
	cr_assert_eq(parse("-9223372036854775809", INT64_MIN, 0, &v), NUM_TOO_SMALL);
}

Test(num, ids_are_positive_and_at_most_18_digits)
{
	int64_t v;

	cr_assert_eq(num_id(STR_LIT("1"), &v), 0);
	cr_assert_eq(num_id(STR_LIT("999999999999999999"), &v), 0);
	cr_assert_eq(num_id(STR_LIT("0"), &v), ERR_INVALID);
	cr_assert_eq(num_id(STR_LIT("1000000000000000000"), &v), ERR_INVALID);
	cr_assert_eq(num_id(STR_LIT("-1"), &v), ERR_INVALID);
	cr_assert_eq(num_id(STR_LIT("abc"), &v), ERR_INVALID);
}
