/*
 * postcode.c - UK postcodes (see postcode.h): the answers to a survey's
 * postcode question, checked and kept in one form so that they can be
 * counted and compared.
 *
 * A postcode is an outward code (area and district: "BB1", "SW1A") and an
 * inward code of a digit and two letters ("7DJ"), which is always the last
 * three characters; that is why spaces may be anywhere in what is typed.
 * The letters allowed at each position are the Royal Mail's.  Codes of
 * other shapes, the forces' (BFPO) and the overseas territories' ("ASCN
 * 1ZZ"), are refused; GIR 0AA (once Girobank's) is the one accepted.
 */
#include <stdbool.h>
#include <string.h>

#include "involve/error.h"
#include "involve/postcode.h"

/* Without spaces: "A99AA" (A9 9AA) to "AA9A9AA" (AA9A 9AA). */
#define POSTCODE_COMPACT_MIN 5
#define POSTCODE_COMPACT_MAX 7

static bool
is_letter(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_letter_of(char c, const char *allowed)
{
	return is_letter(c) && strchr(allowed, c) != NULL;
}

/* The first letter (the area's): any but Q V X. */
static bool
first_letter(char c)
{
	return is_letter(c) && strchr("QVX", c) == NULL;
}

/* The second letter of a two-letter area: any but I J Z. */
static bool
second_letter(char c)
{
	return is_letter(c) && strchr("IJZ", c) == NULL;
}

/* The outward code, o[0..n), n from 2 to 4. */
static bool
outward_ok(const char *o, size_t n)
{
	if (!first_letter(o[0]))
		return false;
	if (is_digit(o[1])) {
		switch (n) {
		case 2: return true; /* A9 */
		case 3:
			return is_digit(o[2]) ||                   /* A99 */
			    is_letter_of(o[2], "ABCDEFGHJKPSTUW"); /* A9A */
		default: return false;
		}
	}
	if (!second_letter(o[1]) || n < 3 || !is_digit(o[2]))
		return false;
	switch (n) {
	case 3: return true; /* AA9 */
	case 4:
		return is_digit(o[3]) ||                /* AA99 */
		    is_letter_of(o[3], "ABEHMNPRVWXY"); /* AA9A */
	default: return false;
	}
}

/* The inward code, a digit and two letters, none of C I K M O V (which
 * look like other letters or digits in handwriting). */
static bool
inward_ok(const char *i)
{
	return is_digit(i[0]) && is_letter(i[1]) && strchr("CIKMOV", i[1]) == NULL &&
	    is_letter(i[2]) && strchr("CIKMOV", i[2]) == NULL;
}

int
postcode_normalise(struct str in, char out[POSTCODE_MAX])
{
	char c[POSTCODE_COMPACT_MAX];
	size_t i, n = 0, outward;

	out[0] = '\0';
	for (i = 0; i < in.n; i++) {
		char ch = in.p[i];

		if (ch == ' ' || ch == '\t')
			continue;
		/* A no-break space (U+00A0), as text copied from a web page has. */
		if (ch == '\xC2' && i + 1 < in.n && in.p[i + 1] == '\xA0') {
			i++;
			continue;
		}
		if (n == sizeof(c))
			return ERR_INVALID;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		c[n++] = ch;
	}
	if (n < POSTCODE_COMPACT_MIN)
		return ERR_INVALID;
	outward = n - 3;
	if (!(outward == 3 && memcmp(c, "GIR0AA", 6) == 0) &&
	    !(outward_ok(c, outward) && inward_ok(c + outward)))
		return ERR_INVALID;
	memcpy(out, c, outward);
	out[outward] = ' ';
	memcpy(out + outward + 1, c + outward, 3);
	out[outward + 4] = '\0';
	return 0;
}
