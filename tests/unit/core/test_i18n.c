/*
 * Tests for i18n.c: choosing a language from Accept-Language, finding
 * messages in the catalogues built from po/, and plural forms.  The
 * translations tested are the committed ones (po/pl.po, po/ur.po); and a
 * list of errors written in its language (error.c, text.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/error.h"
#include "involve/i18n.h"
#include "involve/text.h"

static const char *
negotiated(const char *header)
{
	return i18n_negotiate(str_c(header))->code;
}

Test(i18n, english_comes_first_and_every_language_names_itself)
{
	int i;

	cr_assert_str_eq(i18n_default()->code, "en");
	cr_assert_eq(i18n_lang_at(0), i18n_default());
	cr_assert_geq(i18n_lang_count(), 3);
	cr_assert_null(i18n_lang_at(i18n_lang_count()));
	cr_assert_null(i18n_lang_at(-1));
	for (i = 0; i < i18n_lang_count(); i++) {
		const struct i18n_lang *l = i18n_lang_at(i);

		cr_assert_gt(strlen(l->name), 0);
		cr_assert_gt(l->nplurals, 0);
		cr_assert_leq(l->nplurals, I18N_FORMS_MAX);
	}
	cr_assert(i18n_find(STR_LIT("ur"))->rtl, "Urdu is written right to left");
	cr_assert_not(i18n_find(STR_LIT("pl"))->rtl);
	cr_assert_str_eq(i18n_find(STR_LIT("PL"))->code, "pl", "codes are case-insensitive");
	cr_assert_null(i18n_find(STR_LIT("xx")));
	cr_assert_null(i18n_find(STR_LIT("")));
	cr_assert_null(i18n_find(STR_LIT("pl-PL")), "a cookie holds our own codes only");
}

Test(i18n, accept_language_picks_the_best_we_have)
{
	cr_assert_str_eq(negotiated("pl"), "pl");
	cr_assert_str_eq(negotiated("ur-PK"), "ur", "a region is served by its language");
	cr_assert_str_eq(negotiated("de, pl;q=0.5"), "pl", "German is not here: Polish next");
	cr_assert_str_eq(negotiated("pl;q=0.5, ur;q=0.8"), "ur", "the higher weight wins");
	cr_assert_str_eq(negotiated("ur;q=0.8, pl;q=0.8"), "ur", "a tie goes to the first");
	cr_assert_str_eq(negotiated("en-GB,en;q=0.9,pl;q=0.8"), "en");
	cr_assert_str_eq(negotiated("pl;q=0"), "en", "q=0 means not this one");
	cr_assert_str_eq(negotiated("*"), "en");
	cr_assert_str_eq(negotiated("de, fr"), "en", "nothing fits: English");
	cr_assert_str_eq(negotiated(""), "en");
	cr_assert_str_eq(negotiated(" , ,pl"), "pl", "empty ranges are skipped");
	cr_assert_str_eq(negotiated("PL ; Q=1"), "pl", "case and spaces do not matter");
}

Test(i18n, malformed_weights_are_ignored_not_trusted)
{
	cr_assert_str_eq(negotiated("pl;q=2"), "en");
	cr_assert_str_eq(negotiated("pl;q=1.5"), "en");
	cr_assert_str_eq(negotiated("pl;q=0.12345"), "en");
	cr_assert_str_eq(negotiated("pl;q=abc"), "en");
	cr_assert_str_eq(negotiated("pl;level=1"), "en");
	cr_assert_str_eq(negotiated("pl;q=abc, ur;q=0.1"), "ur");
	cr_assert_str_eq(negotiated("ur;q=0.001"), "ur");
	cr_assert_str_eq(negotiated("pl;q=1.000"), "pl");
}

Test(i18n, a_long_header_is_read_only_so_far)
{
	char h[4096] = "";
	int i;

	/* 40 ranges of nothing we have, then Polish: past the ranges read. */
	for (i = 0; i < 40; i++)
		strcat(h, "de, ");
	strcat(h, "pl");
	cr_assert_str_eq(negotiated(h), "en");
}

Test(i18n, messages_come_translated_or_in_english)
{
	const struct i18n_lang *pl = i18n_find(STR_LIT("pl"));
	const struct i18n_lang *ur = i18n_find(STR_LIT("ur"));
	const char *s;

	cr_assert_str_eq(i18n_text(i18n_default(), "Submit answer"), "Submit answer");
	cr_assert_str_eq(i18n_text(NULL, "Submit answer"), "Submit answer");
	s = i18n_text(pl, "Submit answer");
	cr_assert_str_neq(s, "Submit answer", "the Polish catalogue translates the button");
	s = i18n_text(ur, "Submit answer");
	cr_assert_str_neq(s, "Submit answer", "the Urdu catalogue translates the button");
	cr_assert_str_eq(i18n_text(pl, "a message no catalogue has"), "a message no catalogue has");
	cr_assert_lt(i18n_id(STR_LIT("a message no catalogue has")), 0);
	cr_assert_geq(i18n_id(STR_LIT("Submit answer")), 0);
	cr_assert_str_eq(i18n_get(pl, -1, "fallback"), "fallback");
	cr_assert_str_eq(i18n_get(pl, 1 << 30, "fallback"), "fallback");
}

Test(i18n, plural_forms_follow_each_language)
{
	const struct i18n_lang *pl = i18n_find(STR_LIT("pl"));
	const char *one = "%lld person answered", *other = "%lld people answered";
	const char *f1 = i18n_plural(pl, one, other, 1), *f2 = i18n_plural(pl, one, other, 2);
	const char *f5 = i18n_plural(pl, one, other, 5);

	cr_assert_str_eq(i18n_plural(i18n_default(), one, other, 1), one);
	cr_assert_str_eq(i18n_plural(i18n_default(), one, other, 0), other);
	cr_assert_str_eq(i18n_plural(i18n_default(), one, other, 2), other);
	/* Polish has three forms: 1; 2-4, 22-24 ...; 0, 5-21, 25-31 ... */
	cr_assert_eq(pl->nplurals, 3);
	cr_assert_str_neq(f1, f2);
	cr_assert_str_neq(f2, f5);
	cr_assert_str_neq(f1, f5);
	cr_assert_str_eq(i18n_plural(pl, one, other, 3), f2);
	cr_assert_str_eq(i18n_plural(pl, one, other, 22), f2);
	cr_assert_str_eq(i18n_plural(pl, one, other, 12), f5, "12 is not like 2");
	cr_assert_str_eq(i18n_plural(pl, one, other, 0), f5);
	cr_assert_str_eq(i18n_plural(pl, one, other, 111), f5);
	cr_assert_str_eq(i18n_plural(pl, one, other, 1001), f5, "only 1 itself is singular");
	cr_assert_not_null(strstr(f5, "%lld"));
	/* A message with no plural in the catalogue is English either way. */
	cr_assert_str_eq(i18n_plural(pl, "%d cat", "%d cats", 2), "%d cats");
}

/* A list of errors given a language writes each message in it, the values
 * in their places; one without, and a message the catalogue lacks, stay
 * English. */
Test(i18n, errors_are_written_in_their_lists_language)
{
	const struct i18n_lang *pl = i18n_find(STR_LIT("pl"));
	struct errors e;
	struct str out;

	errors_init_in(&e, pl);
	errors_add(&e, "count", N_("Enter a number from %g to %g"), 0.0, 10.0);
	cr_assert_str_eq(e.list[0].detail, "Wpisz liczbę od 0 do 10");
	errors_add(&e, "x", "Nothing here is in the catalogue (%d)", 7);
	cr_assert_str_eq(e.list[1].detail, "Nothing here is in the catalogue (7)");
	/* Polish has three forms: one, a few, many. */
	errors_add(&e, "many", errors_trn(&e, "Choose at most %d option", "Choose at most %d options",
	    1), 1);
	errors_add(&e, "many", errors_trn(&e, "Choose at most %d option", "Choose at most %d options",
	    3), 3);
	errors_add(&e, "many", errors_trn(&e, "Choose at most %d option", "Choose at most %d options",
	    5), 5);
	cr_assert_str_eq(e.list[2].detail, "Wybierz najwyżej 1 opcję");
	cr_assert_str_eq(e.list[3].detail, "Wybierz najwyżej 3 opcje");
	cr_assert_str_eq(e.list[4].detail, "Wybierz najwyżej 5 opcji");
	/* text_check's label is translated with its message. */
	cr_assert_eq(text_check(STR_LIT("abcdef"), "more", N_("your answer"), 5, 0, &out, &e),
	    ERR_INVALID);
	cr_assert_str_eq(e.list[5].detail, "Twoja odpowiedź może mieć najwyżej 5 znaków");

	errors_init(&e);
	errors_add(&e, "count", N_("Enter a number from %g to %g"), 0.0, 10.0);
	errors_add(&e, "many", errors_trn(&e, "Choose at most %d option", "Choose at most %d options",
	    1), 1);
	cr_assert_eq(text_check(STR_LIT("abcdef"), "more", N_("your answer"), 5, 0, &out, &e),
	    ERR_INVALID);
	cr_assert_str_eq(e.list[0].detail, "Enter a number from 0 to 10");
	cr_assert_str_eq(e.list[1].detail, "Choose at most 1 option");
	cr_assert_str_eq(e.list[2].detail, "Your answer must be 5 characters or fewer");
}

/* A message that quotes what was sent, cut by the format to fit, never
 * leaves half a character behind: a reply holds only UTF-8. */
Test(i18n, an_error_cut_through_a_character_stays_utf8)
{
	struct errors e;

	errors_init(&e);
	/* "xąą" cut at four bytes ends inside the second "ą". */
	errors_add(&e, "x\xc4\x85\xc4", "No question '%.4s'", "x\xc4\x85\xc4\x85");
	cr_assert(text_is_utf8(str_c(e.list[0].detail)), "%s", e.list[0].detail);
	cr_assert_str_eq(e.list[0].detail, "No question 'x\xc4\x85\xef\xbf\xbd'");
	cr_assert(text_is_utf8(str_c(e.list[0].field)));
	cr_assert_str_eq(e.list[0].field, "x\xc4\x85\xef\xbf\xbd");
}
