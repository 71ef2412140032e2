/*
 * Identifying details in comments (pii.h): written cases of each kind,
 * what must not be flagged, and the comments of the NEAS file that name
 * staff or patients, with the share of the file flagged kept small.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/pii.h"
#include "involve/theme_data.h"

/* The kinds found in text, and that the one named found is `want`
 * exactly (its bytes in text). */
static void
expect(const char *text, enum pii_kind kind, const char *want)
{
	struct pii_match m[8];
	int i, n = pii_find(str_c(text), m, 8);

	for (i = 0; i < n && i < 8; i++)
		if (m[i].kind == kind && m[i].len == strlen(want) &&
		    memcmp(text + m[i].at, want, m[i].len) == 0)
			return;
	cr_assert_fail("\"%s\": no %s \"%s\" among %d found%s%.*s", text, pii_kind_name(kind),
	    want, n, n > 0 ? ", the first: " : "", n > 0 ? (int)m[0].len : 0,
	    n > 0 ? text + m[0].at : "");
}

static void
expect_none(const char *text)
{
	struct pii_match m[4];
	int n = pii_find(str_c(text), m, 4);

	cr_assert_eq(n, 0, "\"%s\": %s \"%.*s\" found", text, pii_kind_name(m[0].kind),
	    (int)m[0].len, text + m[0].at);
}

Test(pii, finds_each_kind_of_detail)
{
	expect("Email me at jo.bloggs+nhs@example.co.uk.", PII_EMAIL, "jo.bloggs+nhs@example.co.uk");
	expect("ring 07700 900123 any time", PII_PHONE, "07700 900123");
	expect("my number is 0161 496 0000", PII_PHONE, "0161 496 0000");
	expect("call (0161) 4960000 please", PII_PHONE, "(0161) 4960000");
	expect("on +44 7700 900123.", PII_PHONE, "+44 7700 900123");
	expect("tel 01254-123456", PII_PHONE, "01254-123456");
	expect("NHS number 943 476 5919 on the letter", PII_NHS_NUMBER, "943 476 5919");
	expect("ref 9434765919", PII_NHS_NUMBER, "9434765919");
	expect("I live at BB1 2AB near the park", PII_POSTCODE, "BB1 2AB");
	expect("Postcode sw1a 1aa", PII_POSTCODE, "sw1a 1aa");
	expect("from M11AE.", PII_POSTCODE, "M11AE");
	expect("FY1 4PP", PII_POSTCODE, "FY1 4PP");
	expect("DOB: 12/03/2004", PII_BIRTH_DATE, "12/03/2004");
	expect("I was born 3rd of March 1948 in Bury", PII_BIRTH_DATE, "3rd of March 1948");
	expect("date of birth March 12th, 2001", PII_BIRTH_DATE, "March 12th, 2001");
	expect("my mum, 04.07.1931, waited hours", PII_BIRTH_DATE, "04.07.1931");
	expect("Dr Patel explained everything", PII_NAME, "Patel");
	expect("Mrs. Jones on reception", PII_NAME, "Jones");
	expect("staff nurse Jenny Smith was lovely", PII_NAME, "Jenny Smith");
	expect("my husband Alan fell", PII_NAME, "Alan");
	expect("the paramedic called Dave", PII_NAME, "Dave");
	expect("Her name was Bethany and she", PII_NAME, "Bethany");
	expect("Jill was amazing with my son", PII_NAME, "Jill");
	expect("Very satisfied with Michael and his manner", PII_NAME, "Michael");
}

Test(pii, leaves_what_identifies_nobody)
{
	expect_none("The crew were kind and the ambulance came in 20 minutes.");
	expect_none("Waited from 1 pm - 1:15 pm for a 12:30 pm appointment.");
	expect_none("I was taken to James Cook Hospital in Middlesbrough.");
	expect_none("When I called Parkway Medical they had no record of it.");
	expect_none("Appointment on 12/03/2023 was cancelled twice.");
	expect_none("Ref 1234567890 is not an NHS number: its check digit is wrong.");
	expect_none("Junction M6 4th exit, then 2nd left.");
	expect_none("Thank you to the team. Will recommend. May I say, very good.");
	expect_none("Rated 10 out of 10, score 5, 100% happy, 999 call answered.");
	expect_none("Dr was late, Nurse was busy, the Doctor and The nurse helped.");
	expect_none("");
	expect_none("Dziękuję bardzo, personel był bardzo miły.");
}

Test(pii, reports_where_and_how_many)
{
	const char *text = "Dr Patel, 07700 900123, jo@example.org and BB1 2AB";
	struct pii_match m[2];

	cr_assert_eq(pii_find(str_c(text), m, 2), 4, "counts past max");
	cr_assert_eq(m[0].kind, PII_NAME);
	cr_assert_eq(m[1].kind, PII_PHONE);
	cr_assert_lt(m[0].at, m[1].at);
	cr_assert_eq(pii_find(str_c(text), NULL, 0), 4);
	cr_assert_eq(pii_kinds(str_c(text)), 1u << PII_NAME | 1u << PII_PHONE | 1u << PII_EMAIL |
	    1u << PII_POSTCODE);
	cr_assert_eq(pii_kinds(str_c("all fine")), 0);
	cr_assert_str_eq(pii_kind_name(PII_NHS_NUMBER), "nhs_number");
	cr_assert_str_eq(pii_kind_name(PII_KIND_N), "");
}

Test(pii, the_nhs_number_check)
{
	cr_assert(pii_nhs_number_valid("9434765919"));
	cr_assert(pii_nhs_number_valid("4010232137"));
	cr_assert_not(pii_nhs_number_valid("9434765918"));
	cr_assert_not(pii_nhs_number_valid("94347659x9"));
	/* A check digit of 10 is never issued. */
	cr_assert_not(pii_nhs_number_valid("1000000010"));
}

/* A thousand random bytes many times over: no crash, no read past the
 * end (the sanitizers see). */
Test(pii, any_bytes_are_read_safely)
{
	unsigned seed = 2026;
	char buf[1024];
	int round;
	size_t i, n;

	for (round = 0; round < 2000; round++) {
		n = (size_t)rand_r(&seed) % sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = "0123456789 +()-/.@abcXYZ DrMr\xc3\xa9"[rand_r(&seed) % 32];
		char *copy = malloc(n ? n : 1);

		memcpy(copy, buf, n);
		pii_find((struct str){ copy, n }, NULL, 0);
		free(copy);
	}
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	cr_assert_not_null(f, "%s (the shared data beside the repository)", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	p = malloc((size_t)len + 1);
	cr_assert_eq(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* The NEAS comments that name a member of staff are flagged; few others. */
Test(pii, neas_comments_that_name_people)
{
	static const char *const naming[] = { "NEAS S&C 5353 - Q1", "NEAS 111 1432 - Q3" };
	struct theme_data d;
	char msg[200];
	size_t n, i, k, flagged = 0, found = 0;
	char *csv = slurp(SOURCE_ROOT "/../shared/data/feedback/neas_labelled_feedback.csv", &n);

	cr_assert_eq(theme_data_read((struct str){ csv, n }, THEME_DATA_TEXT, &d, msg,
	    sizeof(msg)), 0, "%s", msg);
	for (i = 0; i < d.row_n; i++) {
		unsigned kinds = pii_kinds(str_c(d.texts[i]));

		flagged += kinds != 0;
		for (k = 0; k < sizeof(naming) / sizeof(naming[0]); k++)
			if (strcmp(d.ids[i], naming[k]) == 0) {
				cr_assert(kinds & 1u << PII_NAME, "%s: %s", d.ids[i], d.texts[i]);
				found++;
			}
	}
	cr_assert_eq(found, 2);
	/* The file holds very few details (it was published): a flag on more
	 * than one comment in a hundred would be mostly false alarms. */
	cr_assert_lt(flagged * 100, d.row_n, "%zu of %zu flagged", flagged, d.row_n);
	theme_data_free(&d);
	free(csv);
}
