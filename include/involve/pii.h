/*
 * pii.h - details in a free-text comment that could identify someone:
 * names of people, phone numbers, email addresses, NHS numbers, postcodes
 * and dates of birth.
 *
 * A comment with any is held back from everything public until a person
 * has read it, so the finder leans towards flagging: a false alarm costs a
 * reviewer a glance, a miss puts a patient's details on a public page.
 * The rules are the product's own reading of how people write in NHS
 * feedback (no library knows that a ten-digit number passing the NHS
 * modulus-11 check is an NHS number, or that "Nurse Jenny" is a name):
 *
 *   email      a local part, "@", and a domain with a dot and a 2+ letter end
 *   phone      0 or +44 and 9 to 10 more digits, in groups split by single
 *              spaces, hyphens or brackets
 *   NHS number ten digits (3-3-4 or together) passing the modulus-11 check,
 *              not starting with 0
 *   postcode   a UK postcode, with or without its space, any case
 *   birth date a date (12/03/1956, 12.3.56, 12 March 1956, March 12th 1956)
 *              after "born", "DOB", "date of birth" or "birthday", or any
 *              whole date in the 1900s
 *   name       a title or a role before a capitalised word ("Dr Patel",
 *              "nurse Jenny"), a relative ("my husband Alan"), "called" or
 *              "named" before one, or a common given name of the UK
 *              written with a capital ("Jill was amazing") unless a place
 *              word follows ("James Cook Hospital")
 *
 * Text is UTF-8; only ASCII letters and digits take part in the patterns,
 * so other scripts pass through unflagged.
 */
#ifndef INVOLVE_PII_H
#define INVOLVE_PII_H

#include <stddef.h>

#include "involve/str.h"

enum pii_kind {
	PII_NAME,
	PII_PHONE,
	PII_EMAIL,
	PII_NHS_NUMBER,
	PII_POSTCODE,
	PII_BIRTH_DATE,
	PII_KIND_N
};

/* "name", "phone", "email", "nhs_number", "postcode", "birth_date". */
const char *pii_kind_name(enum pii_kind k);

/* Where in the text a detail was found, in bytes. */
struct pii_match {
	enum pii_kind kind;
	size_t at, len;
};

/*
 * The details in text, in order of where they start, the first `max` of
 * them into out (which may be NULL when max is 0).  Returns how many were
 * found, which may be more than max.
 */
int pii_find(struct str text, struct pii_match *out, int max);

/* The kinds found in text, one bit each (1 << enum pii_kind); 0: none. */
unsigned pii_kinds(struct str text);

/* An NHS number's ten digits pass the modulus-11 check. */
int pii_nhs_number_valid(const char digits[10]);

#endif
