/*
 * timefmt.h - times as machines exchange them and as people read them.
 *
 * Every time in involve is an int64_t count of seconds since 1970-01-01
 * 00:00:00 UTC.  It is stored and sent as RFC 3339 in UTC
 * ("2026-11-23T12:45:00Z") and shown to people in UK time (Europe/London)
 * in NHS.UK style ("23 November 2026 at 12:45pm").
 *
 * Nothing here reads or changes the process time zone (TZ, tzset,
 * localtime): pages are rendered on many threads at once, and the UK rule is
 * applied directly (see timefmt.c for why).  Every function is thread-safe
 * and writes only to the caller's buffer.
 *
 * Years outside TIMEFMT_YEAR_MIN..TIMEFMT_YEAR_MAX are refused everywhere,
 * so every accepted time fits the four-digit year of RFC 3339.
 */
#ifndef INVOLVE_TIMEFMT_H
#define INVOLVE_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_YEAR_MIN 1900
#define TIMEFMT_YEAR_MAX 9999
/* "2026-11-23T12:45:00Z" and its NUL, with room to spare. */
#define TIMEFMT_RFC3339_MAX 32
/* Enough for any timefmt_london ("30 September 2026 at 12:45pm"). */
#define TIMEFMT_LONDON_MAX 48
/* Enough for any timefmt_london_date ("30 September 2026"). */
#define TIMEFMT_DATE_MAX 32

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ".  0, or ERR_INVALID when the year is
 * out of range (out is then ""). */
int timefmt_rfc3339(int64_t t, char out[TIMEFMT_RFC3339_MAX]);

/* "Mon, 23 Nov 2026 12:45:00 +0000" and its NUL. */
#define TIMEFMT_RFC5322_MAX 32
/* Writes t as an email's Date (RFC 5322 section 3.3), in UTC, with English
 * day and month names whatever the locale.  0, or ERR_INVALID when the
 * year is out of range (out is then ""). */
int timefmt_rfc5322(int64_t t, char out[TIMEFMT_RFC5322_MAX]);

/*
 * Parses the n bytes at s (no NUL needed) as an RFC 3339 date-time:
 * "YYYY-MM-DDTHH:MM:SS", optional fractional seconds (".123", dropped, not
 * rounded), then "Z" or an offset "+hh:mm" / "-hh:mm".  Lower-case "t" and
 * "z" are accepted, as RFC 3339 allows.  Anything else is ERR_INVALID: a
 * missing part, a date that does not exist (2026-02-30), hour 24, a leap
 * second (:60, which Unix time cannot hold), a space for the T, trailing
 * bytes.  On success *out is the UTC time.
 */
int timefmt_parse_rfc3339(const char *s, size_t n, int64_t *out);

/* Writes t in UK time as "23 November 2026 at 12:45pm": 12-hour clock, no
 * ":00" on the hour ("9am"), noon "12pm", midnight "12am".  0, or
 * ERR_INVALID when the year is out of range or size is too small (out is
 * then "" when size > 0). */
int timefmt_london(int64_t t, char *out, size_t size);
/* The date alone, in UK time: "23 November 2026".  Same errors. */
int timefmt_london_date(int64_t t, char *out, size_t size);

/* The date alone, in UK time, as YYYY-MM-DD ("today" for a date people
 * type, such as a decision's).  0, or ERR_INVALID (out is then ""). */
#define TIMEFMT_DAY_MAX 11
int timefmt_london_day(int64_t t, char out[TIMEFMT_DAY_MAX]);

/* t in UK time, in parts, for a language with other words or order than
 * timefmt_london's.  0, or ERR_INVALID when the year is out of range. */
struct timefmt_parts {
	int year;
	int month; /* 1-12 */
	int day;   /* 1-31 */
	int hour;  /* 0-23 */
	int minute;
};
int timefmt_london_parts(int64_t t, struct timefmt_parts *out);

/* Whether UK summer time (BST, UTC+1) is in force at t. */
bool timefmt_london_is_bst(int64_t t);

/*
 * Turns a UK wall-clock time, as typed into the NHS.UK date input and a
 * time field, into UTC.  month is 1-12, hour 0-23.  ERR_INVALID when any
 * field is out of range or the date does not exist (31 April, 29 February
 * in a common year).
 *
 * Twice a year the clock makes a wall time odd:
 * - the last Sunday of March, 01:00-01:59 does not exist (clocks go from
 *   01:00 GMT to 02:00 BST).  Such a time is read with the offset in force
 *   just before the change, so 01:30 becomes 01:30 UTC, which is 02:30 BST:
 *   the time is moved later by the length of the gap.
 * - the last Sunday of October, 01:00-01:59 happens twice (first BST, then
 *   GMT).  The earlier one, in BST, is chosen.
 * These are the rules java.time and Python's fold=0 also follow.
 */
int timefmt_from_london_fields(int day, int month, int year, int hour, int minute, int64_t *out);

#endif
