/* Tests for text.c: UTF-8 validation and the checks on typed text. */
#include <criterion/criterion.h>

#include "involve/text.h"

Test(text, validates_utf8)
{
	cr_assert(text_is_utf8(str_c("plain")));
	cr_assert(text_is_utf8(str_c("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")));
	cr_assert(!text_is_utf8(str_c("\xc3")));             /* cut short */
	cr_assert(!text_is_utf8(str_c("\xc0\xaf")));         /* overlong */
	cr_assert(!text_is_utf8(str_c("\xed\xa0\x80")));     /* surrogate */
	cr_assert(!text_is_utf8(str_c("\xf4\x90\x80\x80"))); /* past U+10FFFF */
	cr_assert(!text_is_utf8(str_c("\xff")));
}

Test(text, plain_is_one_line_of_readable_text)
{
	cr_assert(text_is_plain(str_c("")));
	cr_assert(text_is_plain(
	    str_c("Bury & Wigan <ICB> \"caf\xc3\xa9\" \xd8\xa7\xd8\xb1\xd8\xaf\xd9\x88")));
	cr_assert(!text_is_plain(str_c("a\tb")));
	cr_assert(!text_is_plain(str_c("a\nb")));
	cr_assert(!text_is_plain(str_c("a\x7f")));
	cr_assert(!text_is_plain(str_c("a\xc2\x85")));     /* C1: next line */
	cr_assert(!text_is_plain(str_c("a\xe2\x80\xa8"))); /* line separator */
	cr_assert(!text_is_plain(str_c("caf\xc3")));       /* cut short */
}

Test(text, counts_characters)
{
	cr_assert_eq(text_chars(str_c("caf\xc3\xa9")), 4);
}

Test(text, check_trims_and_limits)
{
	struct errors e;
	struct str out;

	errors_init(&e);
	cr_assert_eq(text_check(str_c("  Yes \n"), "f", "the option", 3, TEXT_REQUIRED, &out, &e), 0);
	cr_assert(str_eq_c(out, "Yes"));
	cr_assert_eq(text_check(str_c("   "), "f", "the option", 3, TEXT_REQUIRED, &out, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].detail, "Enter the option");
	cr_assert_eq(text_check(str_c("four"), "f", "the option", 3, 0, &out, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[1].detail, "The option must be 3 characters or fewer");
	cr_assert_eq(text_check(str_c("a\x01"), "f", "the option", 9, 0, &out, &e), ERR_INVALID);
	cr_assert_eq(text_check(str_c("a\nb"), "f", "the option", 9, 0, &out, &e), ERR_INVALID);
	cr_assert_eq(text_check(str_c("a\nb"), "f", "the text", 9, TEXT_MULTILINE, &out, &e), 0);
	cr_assert_eq(text_check(str_c("a\xe2\x80\xa8"), "f", "the option", 9, 0, &out, &e), ERR_INVALID);
	cr_assert_eq(text_check(str_c("\xff"), "f", "the option", 9, 0, &out, &e), ERR_INVALID);
}

Test(text, copy_never_splits_a_character)
{
	char small[5];

	text_copy(small, sizeof(small), str_c("ab\xc3\xa9\xc3\xa9"));
	cr_assert_str_eq(small, "ab\xc3\xa9");
	text_copy(small, 4, str_c("ab\xc3\xa9"));
	cr_assert_str_eq(small, "ab");
}

Test(text, readable_shows_bad_bytes_as_the_replacement_character)
{
	char out[32];

	cr_assert_str_eq(text_readable(str_c("plain"), out, sizeof(out)), "plain");
	cr_assert_str_eq(text_readable(str_c("a\xff\xfe" "b"), out, sizeof(out)),
	    "a\xef\xbf\xbd\xef\xbf\xbd" "b");
	cr_assert_str_eq(text_readable(str_c("\xc3\x28"), out, sizeof(out)), "\xef\xbf\xbd(");
	cr_assert(text_is_utf8(str_c(out)));
	/* Cut to fit, never through a character: "ł" is two bytes. */
	cr_assert_str_eq(text_readable(str_c("ab\xc5\x82"), out, 4), "ab");
	cr_assert_str_eq(text_readable(str_c("\xffxyz"), out, 4), "\xef\xbf\xbd");
	cr_assert_str_eq(text_readable(str_c("\xffxyz"), out, 3), "");
	cr_assert_str_eq(text_readable(str_c(""), out, 1), "");
}

Test(text, cut_ends_where_a_character_does)
{
	/* "ąą" is four bytes: cut at three, the second is left out whole. */
	cr_assert_eq(text_utf8_cut(str_c("\xc4\x85\xc4\x85"), 3), 2);
	cr_assert_eq(text_utf8_cut(str_c("\xc4\x85\xc4\x85"), 4), 4);
	cr_assert_eq(text_utf8_cut(str_c("\xc4\x85\xc4\x85"), 40), 4);
	cr_assert_eq(text_utf8_cut(str_c("abc"), 2), 2);
	cr_assert_eq(text_utf8_cut(str_c(""), 10), 0);
	cr_assert_eq(text_utf8_cut(str_c("\xe2\x82\xac"), 2), 0);
}
