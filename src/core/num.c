/*
 * num.c - the one reader of whole numbers from outside (see num.h).
 *
 * Hand-written rather than strtoll: strtoll skips leading white space,
 * takes a sign and stops at the first byte that is not a digit, so every
 * caller needed the same checks around it, and six did them six ways.
 */
#include <string.h>

#include "involve/error.h"
#include "involve/num.h"

enum num_problem
num_parse(struct str s, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v = 0, limit;
	bool negative = false;
	size_t i = 0;

	*out = 0;
	if (s.n > 0 && s.p[0] == '-' && min < 0) {
		negative = true;
		i = 1;
	}
	if (i == s.n)
		return NUM_INVALID;
	/* The magnitude the sign allows: INT64_MIN's is one more than MAX's. */
	limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < s.n; i++) {
		unsigned d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return NUM_INVALID;
		d = (unsigned)(s.p[i] - '0');
		if (v > (limit - d) / 10) {
			/* Keep reading: "12x" past the overflow is still invalid. */
			for (i++; i < s.n; i++)
				if (s.p[i] < '0' || s.p[i] > '9')
					return NUM_INVALID;
			return negative ? NUM_TOO_SMALL : NUM_TOO_LARGE;
		}
		v = v * 10 + d;
	}
	if (negative) {
		int64_t n = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;

		if (n < min)
			return NUM_TOO_SMALL;
		*out = n;
		return n > max ? (*out = 0, NUM_TOO_LARGE) : NUM_OK;
	}
	if ((int64_t)v < min)
		return NUM_TOO_SMALL;
	if ((int64_t)v > max)
		return NUM_TOO_LARGE;
	*out = (int64_t)v;
	return NUM_OK;
}

enum num_problem
num_parse_c(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return num_parse(str_c(s), min, max, out);
}

int
num_id(struct str s, int64_t *out)
{
	return num_parse(s, 1, NUM_ID_MAX, out) == NUM_OK ? 0 : ERR_INVALID;
}
