/*
 * postcode.h - UK postcodes as people type them: checked against the
 * shapes the Royal Mail uses (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA,
 * AA9A 9AA, and GIR 0AA) and written one way, upper case with one space
 * before the inward code ("bb17dj", " BB1  7DJ " -> "BB1 7DJ").
 */
#ifndef INVOLVE_POSTCODE_H
#define INVOLVE_POSTCODE_H

#include "involve/str.h"

#define POSTCODE_MAX 9 /* "AA99 9AA" and its NUL */

/* 0 with the normalised postcode in out, or ERR_INVALID when `in` is not
 * the shape of a UK postcode (the letters each position allows included). */
int postcode_normalise(struct str in, char out[POSTCODE_MAX]);

#endif
