/* Tests for onetime.c: the codes' shape and alphabet, what a person may
 * type, every refusal, and the keyed hash. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "involve/error.h"
#include "involve/onetime.h"
#include "involve/secret.h"

/* Spelt out here, not taken from the code under test. */
static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";

static const unsigned char key_a[ONETIME_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char key_b[ONETIME_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 9 };

static void
setup(void)
{
	cr_assert_eq(secret_init(), 0);
}

TestSuite(onetime, .init = setup);

static bool
in_alphabet(char c)
{
	return c != '\0' && strchr(alphabet, c) != NULL;
}

/* The code without its hyphens. */
static void
strip(const char *code, char *out)
{
	for (; *code != '\0'; code++)
		if (*code != '-')
			*out++ = *code;
	*out = '\0';
}

Test(onetime, codes_have_the_format)
{
	char code[ONETIME_CODE_MAX];
	size_t len, i;
	int chars;

	for (chars = ONETIME_CHARS_MIN; chars <= ONETIME_CHARS_MAX; chars++) {
		cr_assert_eq(onetime_code_new(chars, code, sizeof(code)), 0);
		len = strlen(code);
		cr_assert_eq(len, (size_t)chars + (size_t)(chars - 1) / 4, "%d: %s", chars, code);
		for (i = 0; i < len; i++) {
			if (i % 5 == 4)
				cr_assert_eq(code[i], '-', "%s", code);
			else
				cr_assert(in_alphabet(code[i]), "%s", code);
		}
	}
	cr_assert_eq(onetime_code_new(ONETIME_POLL_CODE_CHARS, code, sizeof(code)), 0);
	cr_expect_eq(strlen(code), strlen("abcd-efgh-jk"), "%s", code);
	cr_assert_eq(onetime_code_new(ONETIME_RECOVERY_CHARS, code, sizeof(code)), 0);
	cr_expect_eq(strlen(code), strlen("abcd-efgh-jkmn"), "%s", code);
	cr_assert_eq(onetime_code_new(ONETIME_CHARS_MAX, code, sizeof(code)), 0);
	cr_expect_eq(strlen(code) + 1, ONETIME_CODE_MAX);
}

Test(onetime, new_refuses_lengths_and_small_buffers)
{
	char code[ONETIME_CODE_MAX];

	cr_expect_eq(onetime_code_new(ONETIME_CHARS_MIN - 1, code, sizeof(code)), ERR_INVALID);
	cr_expect_str_eq(code, "");
	cr_expect_eq(onetime_code_new(ONETIME_CHARS_MAX + 1, code, sizeof(code)), ERR_INVALID);
	cr_expect_eq(onetime_code_new(0, code, sizeof(code)), ERR_INVALID);
	cr_expect_eq(onetime_code_new(-1, code, sizeof(code)), ERR_INVALID);
	/* "abcd-efgh-jk" is 12 bytes and its NUL. */
	cr_expect_eq(onetime_code_new(10, code, 13), 0);
	cr_expect_eq(onetime_code_new(10, code, 12), ERR_INVALID);
	cr_expect_str_eq(code, "");
	cr_expect_eq(onetime_code_new(10, NULL, 0), ERR_INVALID);
}

Test(onetime, every_character_is_drawn_about_equally)
{
	enum {
		DRAWS = 2000
	};
	char code[ONETIME_CODE_MAX], bare[ONETIME_CODE_MAX];
	int count[sizeof(alphabet) - 1] = { 0 };
	size_t i, j;

	for (i = 0; i < DRAWS; i++) {
		cr_assert_eq(onetime_code_new(ONETIME_POLL_CODE_CHARS, code, sizeof(code)), 0);
		strip(code, bare);
		for (j = 0; bare[j] != '\0'; j++)
			count[strchr(alphabet, bare[j]) - alphabet]++;
	}
	/* 20,000 characters: about 645 of each, give or take 25; these
	 * bounds are more than five of those either way. */
	for (i = 0; i < sizeof(alphabet) - 1; i++)
		cr_expect(
		    count[i] > 500 && count[i] < 800, "'%c' drawn %d times", alphabet[i], count[i]);
}

static int
cmp_codes(const void *a, const void *b)
{
	return strcmp(a, b);
}

Test(onetime, codes_are_distinct)
{
	enum {
		N = 5000
	};
	static char c[N][ONETIME_CODE_MAX];
	int i;

	for (i = 0; i < N; i++)
		cr_assert_eq(onetime_code_new(ONETIME_POLL_CODE_CHARS, c[i], sizeof(c[i])), 0);
	qsort(c, N, sizeof(c[0]), cmp_codes);
	for (i = 1; i < N; i++)
		cr_assert_str_neq(c[i - 1], c[i]);
}

static int
normalise(const char *in, char out[ONETIME_CODE_MAX], size_t *len)
{
	return onetime_code_normalise(in, strlen(in), out, ONETIME_CODE_MAX, len);
}

Test(onetime, normalise_reads_what_people_type)
{
	static const char *typed[] = {
		"abcd-efgh-jk",
		"abcdefghjk",
		"ABCD-EFGH-JK",
		"AbCd EfGh Jk",
		" abcd - efgh - jk ",
		"abcd--efgh-jk-",
		"a b c d e f g h j k",
	};
	char out[ONETIME_CODE_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		cr_assert_eq(normalise(typed[i], out, &len), 0, "'%s'", typed[i]);
		cr_expect_str_eq(out, "abcdefghjk", "'%s'", typed[i]);
		cr_expect_eq(len, 10);
	}
	cr_assert_eq(normalise("2345-6789-xyzw", out, &len), 0);
	cr_expect_str_eq(out, "23456789xyzw");
}

Test(onetime, normalise_round_trips_new_codes)
{
	char code[ONETIME_CODE_MAX], typed[2 * ONETIME_CODE_MAX], bare[ONETIME_CODE_MAX];
	char out[ONETIME_CODE_MAX];
	size_t i, len, n;
	int k;

	for (k = 0; k < 200; k++) {
		cr_assert_eq(onetime_code_new(ONETIME_RECOVERY_CHARS, code, sizeof(code)), 0);
		strip(code, bare);
		cr_assert_eq(normalise(code, out, &len), 0, "%s", code);
		cr_expect_str_eq(out, bare);
		cr_expect_eq(len, ONETIME_RECOVERY_CHARS);
		/* Upper case, and the hyphens typed as spaces. */
		for (i = 0, n = 0; code[i] != '\0'; i++)
			typed[n++] = code[i] == '-'              ? ' '
			    : (code[i] >= 'a' && code[i] <= 'z') ? (char)(code[i] - 'a' + 'A')
			                                         : code[i];
		typed[n] = '\0';
		cr_assert_eq(normalise(typed, out, &len), 0, "%s", typed);
		cr_expect_str_eq(out, bare);
	}
}

Test(onetime, normalise_refuses_look_alikes_and_strangers)
{
	static const char *bad[] = {
		"0",
		"o",
		"1",
		"l",
		"i",
		"O",
		"I",
		"L",
		"abcd-efgh-j0",
		"abcd-efgh-jo",
		"abcd-efgh-j1",
		"abcd-efgh-jl",
		"abcd-efgh-ji",
		"abcd.efgh",
		"abcd_efgh",
		"abcd/efgh",
		"abcd\tefgh",
		"abcd\nefgh",
		"abcd–efgh",
		"abcd+efgh",
		"abcdé",
		"ａｂｃｄ",
		"'abcd'",
		"abcd;",
		"",
		" ",
		"-",
		" - - ",
	};
	char out[ONETIME_CODE_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, "junk", 5);
		len = 99;
		cr_expect_eq(normalise(bad[i], out, &len), ERR_MALFORMED, "'%s'", bad[i]);
		cr_expect_str_eq(out, "", "'%s'", bad[i]);
		cr_expect_eq(len, 0);
	}
	cr_expect_eq(onetime_code_normalise("ab\0cd", 5, out, sizeof(out), &len), ERR_MALFORMED,
	    "a NUL inside");
	cr_expect_eq(onetime_code_normalise(NULL, 0, out, sizeof(out), &len), ERR_MALFORMED);
	cr_expect_eq(onetime_code_normalise(NULL, 4, out, sizeof(out), &len), ERR_MALFORMED);
}

Test(onetime, normalise_refuses_more_than_the_longest_code)
{
	char longest[ONETIME_CHARS_MAX + 1], shown[ONETIME_CODE_MAX];
	char over[ONETIME_CHARS_MAX + 2], out[ONETIME_CODE_MAX];
	size_t len;

	memset(longest, 'a', ONETIME_CHARS_MAX);
	longest[ONETIME_CHARS_MAX] = '\0';
	cr_expect_eq(normalise(longest, out, &len), 0);
	cr_expect_eq(len, ONETIME_CHARS_MAX);
	/* The longest code as shown, hyphens and all, is still fine. */
	cr_assert_eq(onetime_code_new(ONETIME_CHARS_MAX, shown, sizeof(shown)), 0);
	cr_expect_eq(normalise(shown, out, &len), 0);
	memset(over, 'a', ONETIME_CHARS_MAX + 1);
	over[ONETIME_CHARS_MAX + 1] = '\0';
	cr_expect_eq(normalise(over, out, &len), ERR_MALFORMED);
	cr_expect_str_eq(out, "");
}

Test(onetime, normalise_reads_only_what_it_is_given)
{
	char out[ONETIME_CODE_MAX], small[4];
	size_t len;
	char *exact;

	cr_assert_eq(onetime_code_normalise("abcdef", 3, out, sizeof(out), &len), 0);
	cr_expect_str_eq(out, "abc");
	/* A heap copy without a NUL: the sanitizer would catch a read past it. */
	exact = malloc(4);
	cr_assert(exact);
	memcpy(exact, "wxyz", 4);
	cr_expect_eq(onetime_code_normalise(exact, 4, out, sizeof(out), &len), 0);
	cr_expect_str_eq(out, "wxyz");
	free(exact);
	/* Three characters and the NUL fit in four bytes; four do not. */
	cr_expect_eq(onetime_code_normalise("abc", 3, small, sizeof(small), &len), 0);
	cr_expect_eq(onetime_code_normalise("abcd", 4, small, sizeof(small), &len), ERR_INVALID);
	cr_expect_str_eq(small, "");
	cr_expect_eq(len, 0);
}

Test(onetime, hash_is_of_the_normalised_code_and_keyed)
{
	unsigned char h1[ONETIME_HASH_BYTES], h2[ONETIME_HASH_BYTES], h3[ONETIME_HASH_BYTES];
	unsigned char h4[ONETIME_HASH_BYTES];
	char a[ONETIME_CODE_MAX], b[ONETIME_CODE_MAX];
	size_t alen, blen;

	cr_assert_eq(normalise("abcd-efgh-jk", a, &alen), 0);
	cr_assert_eq(normalise("ABCD EFGH JK", b, &blen), 0);
	onetime_code_hash(key_a, "recovery", 7, a, alen, h1);
	onetime_code_hash(key_a, "recovery", 7, b, blen, h2);
	cr_expect(memcmp(h1, h2, sizeof(h1)) == 0, "the same code however typed");
	onetime_code_hash(key_b, "recovery", 7, a, alen, h3);
	cr_expect(memcmp(h1, h3, sizeof(h1)) != 0, "another key");
	cr_assert_eq(normalise("abcd-efgh-jm", b, &blen), 0);
	onetime_code_hash(key_a, "recovery", 7, b, blen, h4);
	cr_expect(memcmp(h1, h4, sizeof(h1)) != 0, "another code");
	onetime_code_hash(key_a, "recovery", 7, a, alen - 1, h4);
	cr_expect(memcmp(h1, h4, sizeof(h1)) != 0, "a shorter code");
	onetime_code_hash(key_a, "recovery", 8, a, alen, h4);
	cr_expect(memcmp(h1, h4, sizeof(h1)) != 0, "another user's");
	onetime_code_hash(key_a, "poll-code", 7, a, alen, h4);
	cr_expect(memcmp(h1, h4, sizeof(h1)) != 0, "another kind of code");
}
