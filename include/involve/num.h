/*
 * num.h - whole numbers from outside (a path, a query, a form, JSON, a
 * header, the command line), read one way everywhere.
 *
 * In the spirit of OpenBSD's strtonum: the whole text must be the number
 * (decimal digits, an optional leading '-' only where min < 0, no sign,
 * space or other byte anywhere else), within [min, max], or it is refused
 * with the reason, so a caller never acts on "12abc", " 7" or a value that
 * overflowed.  The text need not end in a NUL.
 */
#ifndef INVOLVE_NUM_H
#define INVOLVE_NUM_H

#include <stdint.h>

#include "involve/str.h"

enum num_problem {
	NUM_OK = 0,
	NUM_INVALID,   /* empty, or not a plain decimal number */
	NUM_TOO_SMALL, /* below min */
	NUM_TOO_LARGE, /* above max (overflow included) */
};

/* Reads s into *out: NUM_OK, or the problem (*out is then 0). */
enum num_problem num_parse(struct str s, int64_t min, int64_t max, int64_t *out);
/* The same for a NUL-terminated string. */
enum num_problem num_parse_c(const char *s, int64_t min, int64_t max, int64_t *out);

/* The largest id the store hands out and a path or a form may name: 18
 * digits, as the route patterns allow. */
#define NUM_ID_MAX 999999999999999999LL
/* Reads a positive id (1 to NUM_ID_MAX); 0, or ERR_INVALID. */
int num_id(struct str s, int64_t *out);

#endif
