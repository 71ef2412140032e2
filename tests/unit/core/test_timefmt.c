/* Tests for timefmt.c: RFC 3339 both ways, UK time and the clock changes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "involve/error.h"
#include "involve/timefmt.h"

/* Reference instants, computed independently (Python's datetime). */
#define T_2026_11_23_1245 1795437900LL
#define T_SPRING_BEFORE 1774745999LL /* 2026-03-29T00:59:59Z */
#define T_SPRING_AT 1774746000LL     /* 2026-03-29T01:00:00Z */
#define T_AUTUMN_BEFORE 1792889999LL /* 2026-10-25T00:59:59Z */
#define T_AUTUMN_AT 1792890000LL     /* 2026-10-25T01:00:00Z */

static int64_t
parse(const char *s)
{
	int64_t t = 0;

	cr_assert_eq(timefmt_parse_rfc3339(s, strlen(s), &t), 0, "refused %s", s);
	return t;
}

static void
refused(const char *s)
{
	int64_t t = 12345;

	cr_expect_eq(timefmt_parse_rfc3339(s, strlen(s), &t), ERR_INVALID, "accepted %s", s);
	cr_expect_eq(t, 12345, "changed *out for %s", s);
}

static void
london_is(int64_t t, const char *want)
{
	char out[TIMEFMT_LONDON_MAX];

	cr_assert_eq(timefmt_london(t, out, sizeof(out)), 0);
	cr_expect_str_eq(out, want);
}

Test(timefmt, rfc3339_writes_utc)
{
	char out[TIMEFMT_RFC3339_MAX];

	cr_assert_eq(timefmt_rfc3339(T_2026_11_23_1245, out), 0);
	cr_expect_str_eq(out, "2026-11-23T12:45:00Z");
	cr_assert_eq(timefmt_rfc3339(0, out), 0);
	cr_expect_str_eq(out, "1970-01-01T00:00:00Z");
	cr_assert_eq(timefmt_rfc3339(-1, out), 0);
	cr_expect_str_eq(out, "1969-12-31T23:59:59Z");
	cr_assert_eq(timefmt_rfc3339(951782400, out), 0);
	cr_expect_str_eq(out, "2000-02-29T00:00:00Z");
	cr_assert_eq(timefmt_rfc3339(-2208988800LL, out), 0);
	cr_expect_str_eq(out, "1900-01-01T00:00:00Z");
	cr_assert_eq(timefmt_rfc3339(253402300799LL, out), 0);
	cr_expect_str_eq(out, "9999-12-31T23:59:59Z");
}

Test(timefmt, rfc3339_refuses_years_out_of_range)
{
	char out[TIMEFMT_RFC3339_MAX] = "x";

	cr_expect_eq(timefmt_rfc3339(253402300800LL, out), ERR_INVALID);
	cr_expect_str_eq(out, "");
	cr_expect_eq(timefmt_rfc3339(-2208988801LL, out), ERR_INVALID);
	cr_expect_eq(timefmt_rfc3339(INT64_MAX, out), ERR_INVALID);
	cr_expect_eq(timefmt_rfc3339(INT64_MIN, out), ERR_INVALID);
}

Test(timefmt, rfc3339_round_trips)
{
	char out[TIMEFMT_RFC3339_MAX];
	int64_t t, back;

	/* A prime step visits every second-of-day, month and leap position. */
	for (t = -2208988800LL; t <= 253402300799LL; t += 7919LL * 3607) {
		cr_assert_eq(timefmt_rfc3339(t, out), 0);
		cr_assert_eq(timefmt_parse_rfc3339(out, strlen(out), &back), 0, "%s", out);
		cr_assert_eq(back, t, "%s", out);
	}
}

Test(timefmt, rfc3339_agrees_with_gmtime)
{
	char out[TIMEFMT_RFC3339_MAX], want[TIMEFMT_RFC3339_MAX];
	struct tm tm;
	time_t tt;
	int64_t t;

	for (t = -2208988800LL; t < 4102444800LL; t += 86400LL * 13 + 3671) {
		tt = (time_t)t;
		cr_assert(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cr_assert_eq(timefmt_rfc3339(t, out), 0);
		cr_assert_str_eq(out, want);
	}
}

Test(timefmt, rfc5322_writes_an_email_date_in_utc)
{
	char out[TIMEFMT_RFC5322_MAX], want[TIMEFMT_RFC5322_MAX];
	struct tm tm;
	time_t tt;
	int64_t t;

	cr_assert_eq(timefmt_rfc5322(T_2026_11_23_1245, out), 0);
	cr_assert_str_eq(out, "Mon, 23 Nov 2026 12:45:00 +0000");
	cr_assert_eq(timefmt_rfc5322(0, out), 0);
	cr_assert_str_eq(out, "Thu, 01 Jan 1970 00:00:00 +0000");
	cr_assert_eq(timefmt_rfc5322(-1, out), 0, "before 1970: the day of the week still holds");
	cr_assert_str_eq(out, "Wed, 31 Dec 1969 23:59:59 +0000");
	cr_assert_eq(timefmt_rfc5322(253402300800LL, out), ERR_INVALID);
	cr_assert_str_eq(out, "");
	/* The C locale's names are English, as RFC 5322's are. */
	for (t = -2208988800LL; t < 4102444800LL; t += 86400LL * 13 + 3671) {
		tt = (time_t)t;
		cr_assert(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S +0000", &tm);
		cr_assert_eq(timefmt_rfc5322(t, out), 0);
		cr_assert_str_eq(out, want);
	}
}

Test(timefmt, parse_accepts_offsets_and_fractions)
{
	cr_expect_eq(parse("2026-11-23T12:45:00Z"), T_2026_11_23_1245);
	cr_expect_eq(parse("2026-11-23T13:45:00+01:00"), T_2026_11_23_1245);
	cr_expect_eq(parse("2026-11-23T07:15:00-05:30"), T_2026_11_23_1245);
	cr_expect_eq(parse("2026-11-23T12:45:00-00:00"), T_2026_11_23_1245);
	cr_expect_eq(parse("2026-11-23T12:45:00.999999Z"), T_2026_11_23_1245);
	cr_expect_eq(parse("2026-11-23T12:45:00.5+00:00"), T_2026_11_23_1245);
	cr_expect_eq(parse("2026-11-23t12:45:00z"), T_2026_11_23_1245);
	/* An offset can cross midnight and a year end. */
	cr_expect_eq(parse("2027-01-01T00:30:00+01:00"), parse("2026-12-31T23:30:00Z"));
	cr_expect_eq(parse("2028-02-29T12:00:00Z"), 1835438400LL);
}

Test(timefmt, parse_refuses_what_is_not_rfc3339)
{
	refused("");
	refused("2026-02-30T12:00:00Z");
	refused("2026-02-29T12:00:00Z"); /* 2026 is not a leap year */
	refused("1900-02-29T12:00:00Z"); /* nor was 1900 */
	refused("2026-04-31T12:00:00Z");
	refused("2026-13-01T12:00:00Z");
	refused("2026-00-01T12:00:00Z");
	refused("2026-01-00T12:00:00Z");
	refused("2026-11-23T24:00:00Z");
	refused("2026-11-23T12:60:00Z");
	refused("2026-11-23T23:59:60Z");
	refused("2026-11-23 12:45:00Z");
	refused("2026-11-2312:45:00Z");
	refused("2026-11-23");
	refused("2026-11-23T12:45Z");
	refused("2026-11-23T12:45:00");
	refused("2026-11-23T12:45:00Zjunk");
	refused("2026-11-23T12:45:00Z ");
	refused(" 2026-11-23T12:45:00Z");
	refused("2026-11-23T12:45:00.Z");
	refused("2026-11-23T12:45:00+01");
	refused("2026-11-23T12:45:00+0100");
	refused("2026-11-23T12:45:00+24:00");
	refused("2026-11-23T12:45:00+01:60");
	refused("2026-1-23T12:45:00Z");
	refused("+2026-11-23T12:45:00Z");
	refused("-026-11-23T12:45:00Z");
	refused("2026-11-23T1:45:00Z");
	refused("2026/11/23T12:45:00Z");
	refused("1899-12-31T23:59:59Z");
	refused("9999-12-31T23:59:59-01:00"); /* year 10000 in UTC */
	refused("1900-01-01T00:30:00+01:00"); /* 1899 in UTC */
}

Test(timefmt, parse_reads_only_n_bytes)
{
	const char *s = "2026-11-23T12:45:00Zjunk";
	int64_t t = 0;

	cr_assert_eq(timefmt_parse_rfc3339(s, 20, &t), 0);
	cr_expect_eq(t, T_2026_11_23_1245);
	cr_expect_eq(timefmt_parse_rfc3339(s, 19, &t), ERR_INVALID);
	cr_expect_eq(timefmt_parse_rfc3339(NULL, 0, &t), ERR_INVALID);
}

Test(timefmt, bst_changes_2026)
{
	cr_expect(!timefmt_london_is_bst(T_SPRING_BEFORE));
	cr_expect(timefmt_london_is_bst(T_SPRING_AT));
	cr_expect(timefmt_london_is_bst(T_AUTUMN_BEFORE));
	cr_expect(!timefmt_london_is_bst(T_AUTUMN_AT));
	cr_expect(!timefmt_london_is_bst(T_2026_11_23_1245));
}

Test(timefmt, london_shows_the_clock_changes)
{
	london_is(T_SPRING_BEFORE, "29 March 2026 at 12:59am");
	london_is(T_SPRING_AT, "29 March 2026 at 2am");
	london_is(T_AUTUMN_BEFORE, "25 October 2026 at 1:59am");
	london_is(T_AUTUMN_AT, "25 October 2026 at 1am");
	london_is(T_AUTUMN_AT - 3600, "25 October 2026 at 1am");
}

Test(timefmt, london_nhs_style)
{
	int64_t noon_gmt = parse("2026-11-23T12:00:00Z");

	london_is(T_2026_11_23_1245, "23 November 2026 at 12:45pm");
	london_is(noon_gmt, "23 November 2026 at 12pm");
	london_is(noon_gmt + 30 * 60, "23 November 2026 at 12:30pm");
	london_is(noon_gmt - 12 * 3600, "23 November 2026 at 12am");
	london_is(noon_gmt - 3 * 3600, "23 November 2026 at 9am");
	london_is(noon_gmt + 11 * 3600 + 59 * 60, "23 November 2026 at 11:59pm");
	london_is(noon_gmt - 12 * 3600 + 5 * 60, "23 November 2026 at 12:05am");
	/* Summer: 11:00 UTC is noon in London. */
	london_is(parse("2026-07-01T11:00:00Z"), "1 July 2026 at 12pm");
	/* The London date can differ from the UTC date. */
	london_is(parse("2026-06-30T23:30:00Z"), "1 July 2026 at 12:30am");
}

Test(timefmt, london_date)
{
	char out[TIMEFMT_DATE_MAX];

	cr_assert_eq(timefmt_london_date(T_2026_11_23_1245, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "23 November 2026");
	cr_assert_eq(timefmt_london_date(parse("2026-06-30T23:30:00Z"), out, sizeof(out)), 0);
	cr_expect_str_eq(out, "1 July 2026");
	cr_assert_eq(timefmt_london_date(parse("2028-02-29T00:00:00Z"), out, sizeof(out)), 0);
	cr_expect_str_eq(out, "29 February 2028");
}

Test(timefmt, london_refuses_small_buffers_and_bad_years)
{
	char out[17] = "x";
	char big[TIMEFMT_DATE_MAX];

	cr_expect_eq(timefmt_london(T_2026_11_23_1245, out, sizeof(out)), ERR_INVALID);
	cr_expect_str_eq(out, "");
	/* "23 November 2026" is 16 bytes and needs 17 with its NUL. */
	cr_expect_eq(timefmt_london_date(T_2026_11_23_1245, out, 16), ERR_INVALID);
	cr_expect_eq(timefmt_london_date(T_2026_11_23_1245, out, 5), ERR_INVALID);
	cr_expect_eq(timefmt_london_date(T_2026_11_23_1245, out, 0), ERR_INVALID);
	cr_expect_eq(timefmt_london_date(T_2026_11_23_1245, big, 17), 0);
	cr_expect_str_eq(big, "23 November 2026");
	cr_expect_eq(timefmt_london(INT64_MAX, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(timefmt_london(INT64_MIN, out, sizeof(out)), ERR_INVALID);
}

/* Compares the hand-written rule with the system's tz database for every
 * hour from 1996 (when the current rule began) to 2037. */
Test(timefmt, bst_agrees_with_tz_database)
{
	struct tm tm;
	time_t tt;
	int64_t t;

	if (access("/usr/share/zoneinfo/Europe/London", R_OK) != 0)
		cr_skip_test("no tz database on this machine");
	setenv("TZ", "Europe/London", 1);
	tzset();
	for (t = parse("1996-01-01T00:00:00Z"); t < parse("2038-01-01T00:00:00Z"); t += 1800) {
		tt = (time_t)t;
		cr_assert(localtime_r(&tt, &tm));
		cr_assert_eq(timefmt_london_is_bst(t), tm.tm_isdst > 0, "at %lld", (long long)t);
	}
}

Test(timefmt, from_london_fields_ordinary)
{
	int64_t t = 0;

	cr_assert_eq(timefmt_from_london_fields(23, 11, 2026, 12, 45, &t), 0);
	cr_expect_eq(t, T_2026_11_23_1245);
	cr_assert_eq(timefmt_from_london_fields(1, 7, 2026, 12, 0, &t), 0);
	cr_expect_eq(t, parse("2026-07-01T11:00:00Z"));
	cr_assert_eq(timefmt_from_london_fields(29, 2, 2028, 9, 30, &t), 0);
	cr_expect_eq(t, parse("2028-02-29T09:30:00Z"));
	cr_assert_eq(timefmt_from_london_fields(29, 2, 2000, 0, 0, &t), 0);
	cr_expect_eq(t, parse("2000-02-29T00:00:00Z"));
}

Test(timefmt, from_london_fields_at_the_changes)
{
	int64_t t = 0;

	/* 00:59 GMT, then the missing hour, then 02:00 BST. */
	cr_assert_eq(timefmt_from_london_fields(29, 3, 2026, 0, 59, &t), 0);
	cr_expect_eq(t, parse("2026-03-29T00:59:00Z"));
	cr_assert_eq(timefmt_from_london_fields(29, 3, 2026, 1, 30, &t), 0);
	cr_expect_eq(t, parse("2026-03-29T01:30:00Z"), "gap moves the time later");
	london_is(t, "29 March 2026 at 2:30am");
	cr_assert_eq(timefmt_from_london_fields(29, 3, 2026, 2, 0, &t), 0);
	cr_expect_eq(t, T_SPRING_AT);
	/* 01:30 happens twice on 25 October: the BST one is chosen. */
	cr_assert_eq(timefmt_from_london_fields(25, 10, 2026, 1, 30, &t), 0);
	cr_expect_eq(t, parse("2026-10-25T00:30:00Z"));
	cr_assert_eq(timefmt_from_london_fields(25, 10, 2026, 0, 59, &t), 0);
	cr_expect_eq(t, parse("2026-10-24T23:59:00Z"));
	cr_assert_eq(timefmt_from_london_fields(25, 10, 2026, 2, 0, &t), 0);
	cr_expect_eq(t, parse("2026-10-25T02:00:00Z"));
}

/* Every quarter hour of 2026 and 2028, rendered to London wall-clock fields
 * and read back, is the same instant, except the second pass through the
 * repeated October hour, which reads back as the first. */
Test(timefmt, from_london_fields_round_trips)
{
	int64_t t, back, repeat_from, repeat_to;
	struct tm tm;
	time_t tt;
	int year;

	for (year = 2026; year <= 2028; year += 2) {
		int64_t start = 0, end = 0;

		cr_assert_eq(timefmt_from_london_fields(1, 1, year, 0, 0, &start), 0);
		cr_assert_eq(timefmt_from_london_fields(1, 1, year + 1, 0, 0, &end), 0);
		repeat_from = year == 2026 ? T_AUTUMN_AT : parse("2028-10-29T01:00:00Z");
		repeat_to = repeat_from + 3600;
		for (t = start; t < end; t += 900) {
			tt = (time_t)(t + (timefmt_london_is_bst(t) ? 3600 : 0));
			cr_assert(gmtime_r(&tt, &tm));
			cr_assert_eq(timefmt_from_london_fields(tm.tm_mday, tm.tm_mon + 1,
			                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, &back),
			    0);
			if (t >= repeat_from && t < repeat_to)
				cr_assert_eq(back, t - 3600);
			else
				cr_assert_eq(back, t, "at %lld", (long long)t);
		}
	}
}

Test(timefmt, from_london_fields_refuses_bad_fields)
{
	int64_t t = 42;

	cr_expect_eq(timefmt_from_london_fields(29, 2, 2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(29, 2, 1900, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(31, 4, 2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(32, 1, 2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(0, 1, 2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 0, 2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 13, 2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, 2026, 24, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, 2026, -1, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, 2026, 12, 60, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, 2026, 12, -1, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, 1899, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, 10000, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(timefmt_from_london_fields(1, 1, -2026, 12, 0, &t), ERR_INVALID);
	cr_expect_eq(t, 42);
}

Test(timefmt, london_day)
{
	char out[TIMEFMT_DAY_MAX];

	cr_assert_eq(timefmt_london_day(T_2026_11_23_1245, out), 0);
	cr_assert_str_eq(out, "2026-11-23");
	/* 23:30 UTC in summer is already the next day in the UK. */
	cr_assert_eq(timefmt_london_day(parse("2026-06-30T23:30:00Z"), out), 0);
	cr_assert_str_eq(out, "2026-07-01");
	/* In winter the UK is on UTC. */
	cr_assert_eq(timefmt_london_day(parse("2026-12-31T23:30:00Z"), out), 0);
	cr_assert_str_eq(out, "2026-12-31");
}
