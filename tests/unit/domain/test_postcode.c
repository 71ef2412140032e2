/* Tests for postcode.c: real postcodes of every shape, written one way, and
 * what is not a postcode refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "involve/error.h"
#include "involve/postcode.h"

static void
expect_postcode(const char *in, const char *want)
{
	char out[POSTCODE_MAX];

	cr_expect_eq(postcode_normalise(str_c(in), out), 0, "\"%s\" is a postcode", in);
	cr_expect_str_eq(out, want, "\"%s\"", in);
}

static void
expect_refused(struct str in, const char *why)
{
	char out[POSTCODE_MAX];

	memset(out, 'x', sizeof(out));
	cr_expect_eq(postcode_normalise(in, out), ERR_INVALID, "\"%.*s\" is refused: %s", (int)in.n,
	    in.p, why);
	cr_expect_str_eq(out, "", "\"%.*s\" leaves no postcode behind", (int)in.n, in.p);
}

Test(postcode, real_postcodes_of_every_shape)
{
	expect_postcode("BB1 7DJ", "BB1 7DJ");   /* AA9: Blackburn */
	expect_postcode("BL9 0SW", "BL9 0SW");   /* AA9: Bury */
	expect_postcode("FY1 1NA", "FY1 1NA");   /* AA9: Blackpool */
	expect_postcode("CH65 0BY", "CH65 0BY"); /* AA99: Ellesmere Port */
	expect_postcode("SW1A 1AA", "SW1A 1AA"); /* AA9A */
	expect_postcode("W1A 0AX", "W1A 0AX");   /* A9A */
	expect_postcode("EC1A 1BB", "EC1A 1BB"); /* AA9A */
	expect_postcode("M1 1AE", "M1 1AE");     /* A9 */
	expect_postcode("M60 2LA", "M60 2LA");   /* A99 */
	expect_postcode("GIR 0AA", "GIR 0AA");
}

Test(postcode, any_case_and_any_spacing_in_one_form_out)
{
	expect_postcode("bb17dj", "BB1 7DJ");
	expect_postcode(" BB1  7DJ ", "BB1 7DJ");
	expect_postcode("Bb 17 dJ", "BB1 7DJ");
	expect_postcode("\tsw1a1aa\t", "SW1A 1AA");
	expect_postcode("m11ae", "M1 1AE");
	expect_postcode("BB17 DJ", "BB1 7DJ"); /* the inward code is the last three */
	expect_postcode("gir0aa", "GIR 0AA");
	expect_postcode("CH65 0BY\xc2\xa0", "CH65 0BY"); /* a no-break space, pasted */
}

Test(postcode, the_longest_fits_out)
{
	char out[POSTCODE_MAX];

	cr_assert_eq(postcode_normalise(STR_LIT("  ch65   0by  "), out), 0);
	cr_assert_eq(strlen(out), POSTCODE_MAX - 1);
}

Test(postcode, refuses_what_is_not_the_shape)
{
	expect_refused(STR_LIT(""), "empty");
	expect_refused(STR_LIT("   "), "only spaces");
	expect_refused(STR_LIT("BB1 7D"), "an inward code cut short");
	expect_refused(STR_LIT("BB1"), "an outward code alone");
	expect_refused(STR_LIT("12345"), "digits only");
	expect_refused(STR_LIT("CH655 0BY"), "too long: three digits in the district");
	expect_refused(STR_LIT("SW1A 1AAA"), "too long");
	expect_refused(STR_LIT("BB1 7DJ BB1 7DJ"), "two postcodes");
	expect_refused(STR_LIT("1BB 7DJ"), "a digit first");
	expect_refused(STR_LIT("B1B1 7DJ"), "A9A9 is no shape");
	expect_refused(STR_LIT("BBB 7DJ"), "no digit in the outward code");
	expect_refused(STR_LIT("BB1 DDJ"), "a letter where the inward digit goes");
	expect_refused(STR_LIT("BB1 77J"), "a digit among the inward letters");
	expect_refused(STR_LIT("BB1 7D1"), "a digit among the inward letters");
	expect_refused(STR_LIT("BB-1 7DJ"), "punctuation");
	expect_refused(STR_LIT("BB1\n7DJ"), "a line break is not a space");
	expect_refused(STR_LIT("\xc3\x9fW1 7DJ"), "a letter outside A to Z");
	expect_refused((struct str){ "BB1 7DJ", 3 }, "the length given counts, not the NUL");
	expect_refused((struct str){ "BB1\0 7DJ", 8 }, "a NUL");
}

Test(postcode, refuses_letters_where_the_royal_mail_uses_none)
{
	expect_refused(STR_LIT("QB1 7DJ"), "Q first");
	expect_refused(STR_LIT("VB1 7DJ"), "V first");
	expect_refused(STR_LIT("X1 1AA"), "X first");
	expect_refused(STR_LIT("BI1 7DJ"), "I second");
	expect_refused(STR_LIT("BJ1 7DJ"), "J second");
	expect_refused(STR_LIT("BZ1 7DJ"), "Z second");
	expect_refused(STR_LIT("W1I 0AX"), "I third in A9A");
	expect_refused(STR_LIT("W1L 0AX"), "L third in A9A");
	expect_refused(STR_LIT("W1Z 0AX"), "Z third in A9A");
	expect_refused(STR_LIT("SW1C 1AA"), "C fourth in AA9A");
	expect_refused(STR_LIT("SW1D 1AA"), "D fourth in AA9A");
	expect_refused(STR_LIT("SW1Z 1AA"), "Z fourth in AA9A");
	expect_refused(STR_LIT("BB1 7CJ"), "C in the inward code");
	expect_refused(STR_LIT("BB1 7DI"), "I in the inward code");
	expect_refused(STR_LIT("BB1 7KD"), "K in the inward code");
	expect_refused(STR_LIT("BB1 7DM"), "M in the inward code");
	expect_refused(STR_LIT("BB1 7OD"), "O in the inward code");
	expect_refused(STR_LIT("BB1 7DV"), "V in the inward code");
	expect_refused(STR_LIT("GIR 0AB"), "GIR only with 0AA");
	expect_refused(STR_LIT("GI 0AA"), "I second");
}

Test(postcode, every_letter_allowed_where_the_rules_allow_it)
{
	char in[16], out[POSTCODE_MAX];
	const char *c;

	for (c = "ABCDEFGHJKPSTUW"; *c; c++) {
		snprintf(in, sizeof(in), "W1%c 0AX", *c);
		cr_expect_eq(postcode_normalise(str_c(in), out), 0, "%s", in);
	}
	for (c = "ABEHMNPRVWXY"; *c; c++) {
		snprintf(in, sizeof(in), "SW1%c 1AA", *c);
		cr_expect_eq(postcode_normalise(str_c(in), out), 0, "%s", in);
	}
	for (c = "ABDEFGHJLNPQRSTUWXYZ"; *c; c++) {
		snprintf(in, sizeof(in), "BB1 7%cJ", *c);
		cr_expect_eq(postcode_normalise(str_c(in), out), 0, "%s", in);
	}
}
