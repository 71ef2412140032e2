/*
 * timefmt.c - RFC 3339 in UTC for machines, UK time in NHS.UK style for
 * people (see timefmt.h).
 *
 * Why the UK clock rule is written out here instead of asking the C library
 * (localtime_r with TZ=Europe/London):
 * - localtime_r reads the process-wide TZ; changing it means setenv + tzset,
 *   which race with every other thread rendering a page.  Running the whole
 *   server with TZ=Europe/London would work, but then the correctness of
 *   every page depends on how the service was started.
 * - The rule has not changed since 1996, when the end of summer time moved
 *   to the last Sunday of October in step with the rest of Europe (the
 *   Summer Time Order 2002 keeps it in UK law with no end date): summer time
 *   runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
 *   Sunday of October.  Two lines of arithmetic are easier to check than a
 *   tz database lookup, and do not depend on what the host has installed.
 *   Times before 1996 are shown with the same rule; involve holds none.
 * If Parliament changes the rule, timefmt_london_is_bst is the one place
 * to change, and its tests say what the old rule was.
 *
 * Calendar arithmetic is the proleptic Gregorian calendar, done with days
 * counted from 1970-01-01 (H. Hinnant's days_from_civil / civil_from_days),
 * so it needs neither gmtime nor timegm and works for any int64_t.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "involve/error.h"
#include "involve/timefmt.h"

#define SECS_PER_DAY 86400
#define SECS_PER_HOUR 3600

static const char *const month_names[12] = { "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December" };

struct civil {
	int64_t year;
	int month; /* 1-12 */
	int day;   /* 1-31 */
	int hour, minute, second;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* a mod b with the sign of b, so weekdays of dates before 1970 work. */
static int64_t
floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days from 1970-01-01 to y-m-d. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, struct civil *c)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = yoe + era * 400 + (c->month <= 2);
}

/* Splits t into calendar fields; false when the year is out of range.  The
 * bounds check comes first so the arithmetic cannot overflow. */
static bool
civil_from_time(int64_t t, struct civil *c)
{
	static const int64_t lo = -2208988800LL;  /* 1900-01-01T00:00:00Z */
	static const int64_t hi = 253402300799LL; /* 9999-12-31T23:59:59Z */
	int64_t days, secs;

	if (t < lo || t > hi)
		return false;
	days = floor_div(t, SECS_PER_DAY);
	secs = t - days * SECS_PER_DAY;
	civil_from_days(days, c);
	c->hour = (int)(secs / SECS_PER_HOUR);
	c->minute = (int)(secs / 60 % 60);
	c->second = (int)(secs % 60);
	return c->year >= TIMEFMT_YEAR_MIN && c->year <= TIMEFMT_YEAR_MAX;
}

/* Day number of the last Sunday of month m in year y. */
static int64_t
last_sunday(int64_t y, int m)
{
	int64_t last = days_from_civil(y, m, days_in_month(y, m));
	/* 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on a Sunday. */
	int64_t weekday = floor_mod(last + 4, 7);

	return last - weekday;
}

bool
timefmt_london_is_bst(int64_t t)
{
	struct civil c;
	int64_t start, end;

	if (!civil_from_time(t, &c))
		return false;
	start = last_sunday(c.year, 3) * SECS_PER_DAY + SECS_PER_HOUR;
	end = last_sunday(c.year, 10) * SECS_PER_DAY + SECS_PER_HOUR;
	return t >= start && t < end;
}

int
timefmt_rfc3339(int64_t t, char out[TIMEFMT_RFC3339_MAX])
{
	struct civil c;
	char text[64];
	int n;

	out[0] = '\0';
	if (!civil_from_time(t, &c))
		return ERR_INVALID;
	/* Formatted into a roomy buffer first: the compiler cannot see that
	 * civil_from_time keeps every field to its digits. */
	n = snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)c.year, c.month,
	    c.day, c.hour, c.minute, c.second);
	if (n < 0 || n >= TIMEFMT_RFC3339_MAX)
		return ERR_INVALID;
	memcpy(out, text, (size_t)n + 1);
	return 0;
}

int
timefmt_rfc5322(int64_t t, char out[TIMEFMT_RFC5322_MAX])
{
	/* 1970-01-01 was a Thursday. */
	static const char days[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };
	struct civil c;
	char text[64];
	int n;

	out[0] = '\0';
	if (!civil_from_time(t, &c))
		return ERR_INVALID;
	n = snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[(floor_div(t, SECS_PER_DAY) % 7 + 7) % 7], c.day, months[c.month - 1],
	    (int)c.year, c.hour, c.minute, c.second);
	if (n < 0 || n >= TIMEFMT_RFC5322_MAX)
		return ERR_INVALID;
	memcpy(out, text, (size_t)n + 1);
	return 0;
}

/* Reads exactly `count` ASCII digits at s[*pos]; false if any is missing. */
static bool
take_digits(const char *s, size_t n, size_t *pos, int count, int *val)
{
	int v = 0;
	int i;

	if (n - *pos < (size_t)count)
		return false;
	for (i = 0; i < count; i++) {
		char ch = s[*pos + i];

		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (ch - '0');
	}
	*pos += count;
	*val = v;
	return true;
}

static bool
take_char(const char *s, size_t n, size_t *pos, char a, char b)
{
	if (*pos >= n || (s[*pos] != a && s[*pos] != b))
		return false;
	(*pos)++;
	return true;
}

int
timefmt_parse_rfc3339(const char *s, size_t n, int64_t *out)
{
	int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, oh = 0, om = 0, sign;
	struct civil check;
	size_t pos = 0;
	int64_t t;

	if (s == NULL)
		return ERR_INVALID;
	if (!take_digits(s, n, &pos, 4, &year) || !take_char(s, n, &pos, '-', '-') ||
	    !take_digits(s, n, &pos, 2, &month) || !take_char(s, n, &pos, '-', '-') ||
	    !take_digits(s, n, &pos, 2, &day) || !take_char(s, n, &pos, 'T', 't') ||
	    !take_digits(s, n, &pos, 2, &hour) || !take_char(s, n, &pos, ':', ':') ||
	    !take_digits(s, n, &pos, 2, &minute) || !take_char(s, n, &pos, ':', ':') ||
	    !take_digits(s, n, &pos, 2, &second))
		return ERR_INVALID;
	if (year < TIMEFMT_YEAR_MIN || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
		return ERR_INVALID;

	/* Fractional seconds: at least one digit, then dropped. */
	if (pos < n && s[pos] == '.') {
		size_t start = ++pos;

		while (pos < n && s[pos] >= '0' && s[pos] <= '9')
			pos++;
		if (pos == start)
			return ERR_INVALID;
	}

	if (take_char(s, n, &pos, 'Z', 'z')) {
		sign = 0;
		oh = om = 0;
	} else if (pos < n && (s[pos] == '+' || s[pos] == '-')) {
		sign = s[pos++] == '+' ? 1 : -1;
		if (!take_digits(s, n, &pos, 2, &oh) || !take_char(s, n, &pos, ':', ':') ||
		    !take_digits(s, n, &pos, 2, &om) || oh > 23 || om > 59)
			return ERR_INVALID;
	} else {
		return ERR_INVALID;
	}
	if (pos != n)
		return ERR_INVALID;

	t = days_from_civil(year, month, day) * SECS_PER_DAY + hour * SECS_PER_HOUR + minute * 60 +
	    second;
	/* Local time = UTC + offset, so UTC = local - offset. */
	t -= (int64_t)sign * (oh * SECS_PER_HOUR + om * 60);
	/* An offset can carry 9999-12-31 into year 10000, which nothing could
	 * write back out. */
	if (!civil_from_time(t, &check))
		return ERR_INVALID;
	*out = t;
	return 0;
}

/* Splits t into UK wall-clock fields. */
static bool
london_fields(int64_t t, struct civil *c)
{
	int64_t local = t + (timefmt_london_is_bst(t) ? SECS_PER_HOUR : 0);

	return civil_from_time(local, c);
}

int
timefmt_london_parts(int64_t t, struct timefmt_parts *out)
{
	struct civil c;

	if (!london_fields(t, &c))
		return ERR_INVALID;
	*out = (struct timefmt_parts){ (int)c.year, c.month, c.day, c.hour, c.minute };
	return 0;
}

/* The end of a snprintf of len bytes into out: 0, or ERR_INVALID (out
 * then "") when it failed or did not fit. */
static int
fitted(int len, char *out, size_t size)
{
	if (len < 0 || (size_t)len >= size) {
		if (size > 0)
			out[0] = '\0';
		return ERR_INVALID;
	}
	return 0;
}

int
timefmt_london_date(int64_t t, char *out, size_t size)
{
	struct civil c;
	int len;

	if (size > 0)
		out[0] = '\0';
	if (!london_fields(t, &c))
		return ERR_INVALID;
	len = snprintf(out, size, "%d %s %d", c.day, month_names[c.month - 1], (int)c.year);
	return fitted(len, out, size);
}

int
timefmt_london_day(int64_t t, char out[TIMEFMT_DAY_MAX])
{
	struct civil c;

	out[0] = '\0';
	if (!london_fields(t, &c) || c.year < 1 || c.year > 9999)
		return ERR_INVALID;
	snprintf(out, TIMEFMT_DAY_MAX, "%04d-%02d-%02d", (int)c.year, c.month, c.day);
	return 0;
}

int
timefmt_london(int64_t t, char *out, size_t size)
{
	struct civil c;
	const char *ampm;
	int hour12, len;

	if (size > 0)
		out[0] = '\0';
	if (!london_fields(t, &c))
		return ERR_INVALID;
	hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
	ampm = c.hour < 12 ? "am" : "pm";
	if (c.minute == 0)
		len = snprintf(out, size, "%d %s %d at %d%s", c.day, month_names[c.month - 1],
		    (int)c.year, hour12, ampm);
	else
		len = snprintf(out, size, "%d %s %d at %d:%02d%s", c.day, month_names[c.month - 1],
		    (int)c.year, hour12, c.minute, ampm);
	return fitted(len, out, size);
}

int
timefmt_from_london_fields(int day, int month, int year, int hour, int minute, int64_t *out)
{
	int64_t local, as_bst, as_gmt;

	if (year < TIMEFMT_YEAR_MIN || year > TIMEFMT_YEAR_MAX || month < 1 || month > 12 ||
	    day < 1 || day > days_in_month(year, month) || hour < 0 || hour > 23 || minute < 0 ||
	    minute > 59)
		return ERR_INVALID;
	local =
	    days_from_civil(year, month, day) * SECS_PER_DAY + hour * SECS_PER_HOUR + minute * 60;
	as_bst = local - SECS_PER_HOUR;
	as_gmt = local;
	/* Both readings valid: the repeated hour in October; take the earlier.
	 * Neither valid: the missing hour in March; as_gmt uses the offset in
	 * force before the change. */
	if (timefmt_london_is_bst(as_bst))
		*out = as_bst;
	else
		*out = as_gmt;
	return 0;
}
