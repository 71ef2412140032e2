/* Tests for secret.c: password hashes, tokens, cookies (the password policy
 * is the domain's: tests/unit/domain/test_password.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/error.h"
#include "involve/password.h"
#include "involve/secret.h"

static const unsigned char key_a[SECRET_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char key_b[SECRET_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 9 };

static void
setup(void)
{
	cr_assert_eq(secret_init(), 0);
	secret_set_cost(SECRET_COST_TEST);
}

TestSuite(secret, .init = setup);

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static bool
is_b64url(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || !strchr(b64url, s[i]))
			return false;
	return true;
}

Test(secret, password_round_trip)
{
	char hash[SECRET_PWHASH_MAX], again[SECRET_PWHASH_MAX];

	cr_assert_eq(secret_password_hash("correct horse battery", hash), 0);
	cr_expect(strncmp(hash, "$argon2id$", 10) == 0, "%s", hash);
	cr_expect(secret_password_verify(hash, "correct horse battery"));
	cr_expect(!secret_password_verify(hash, "correct horse batterz"));
	cr_expect(!secret_password_verify(hash, "correct horse battery "));
	cr_expect(!secret_password_verify(hash, ""));
	/* A fresh salt every time. */
	cr_assert_eq(secret_password_hash("correct horse battery", again), 0);
	cr_expect_str_neq(hash, again);
	cr_expect(secret_password_verify(again, "correct horse battery"));
}

Test(secret, password_verify_refuses_bad_hashes)
{
	char long_hash[300];

	cr_expect(!secret_password_verify("", "x"));
	cr_expect(!secret_password_verify("$argon2id$nonsense", "x"));
	cr_expect(!secret_password_verify(NULL, "x"));
	memset(long_hash, 'a', sizeof(long_hash) - 1);
	long_hash[sizeof(long_hash) - 1] = '\0';
	cr_expect(!secret_password_verify(long_hash, "x"));
	cr_expect(secret_password_needs_rehash(long_hash));
	cr_expect(secret_password_needs_rehash(""));
	cr_expect(secret_password_needs_rehash(NULL));
}

Test(secret, password_needs_rehash_when_cost_changes)
{
	char hash[SECRET_PWHASH_MAX];

	cr_assert_eq(secret_password_hash("correct horse battery", hash), 0);
	cr_expect(!secret_password_needs_rehash(hash));
	secret_set_cost(SECRET_COST_INTERACTIVE);
	cr_expect(secret_password_needs_rehash(hash));
	secret_set_cost(SECRET_COST_TEST);
	cr_expect(!secret_password_needs_rehash(hash));
	/* argon2i is not argon2id, whatever its cost. */
	cr_assert_eq(crypto_pwhash_str_alg(hash, "x", 1, crypto_pwhash_argon2i_OPSLIMIT_MIN,
	                 crypto_pwhash_argon2i_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2I13),
	    0);
	cr_expect(strncmp(hash, "$argon2i$", 9) == 0);
	cr_expect(secret_password_verify(hash, "x"));
	cr_expect(secret_password_needs_rehash(hash));
}

Test(secret, generated_passwords)
{
	char a[SECRET_GENERATED_MAX], b[SECRET_GENERATED_MAX];
	struct errors e;
	int i, j;

	for (i = 0; i < 200; i++) {
		secret_password_generate(a);
		cr_assert_eq(strlen(a), 24, "%s", a);
		for (j = 0; j < 24; j++) {
			if (j % 5 == 4)
				cr_assert_eq(a[j], '-', "%s", a);
			else
				cr_assert(strchr("abcdefghjkmnpqrstuvwxyz23456789", a[j]) && a[j],
				    "%s", a);
		}
		errors_init(&e);
		cr_assert_eq(password_check(a, &e), 0);
		secret_password_generate(b);
		cr_assert_str_neq(a, b);
	}
}

Test(secret, tokens_have_the_format)
{
	char t[SECRET_TOKEN_MAX], u[SECRET_TOKEN_MAX];

	cr_assert_eq(secret_token_new("inv_", t), 0);
	cr_expect_eq(strlen(t), 4 + 43, "%s", t);
	cr_expect(strncmp(t, "inv_", 4) == 0);
	cr_expect(is_b64url(t + 4, 43), "%s", t);
	cr_assert_eq(secret_token_new("", u), 0);
	cr_expect_eq(strlen(u), 43);
	cr_expect(is_b64url(u, 43), "%s", u);
	cr_assert_eq(secret_token_new(NULL, u), 0);
	cr_expect_eq(strlen(u), 43);
	cr_assert_eq(secret_token_new("0123456789abcdef", u), 0);
	cr_expect_eq(strlen(u), 16 + 43);
	cr_expect_eq(secret_token_new("0123456789abcdefg", u), ERR_INVALID);
	cr_expect_str_eq(u, "");
}

static int
cmp_tokens(const void *a, const void *b)
{
	return strcmp(a, b);
}

Test(secret, tokens_are_unique)
{
	enum {
		N = 2000
	};
	static char t[N][SECRET_TOKEN_MAX];
	int i;

	for (i = 0; i < N; i++)
		cr_assert_eq(secret_token_new("inv_", t[i]), 0);
	qsort(t, N, sizeof(t[0]), cmp_tokens);
	for (i = 1; i < N; i++)
		cr_assert_str_neq(t[i - 1], t[i]);
}

Test(secret, token_hash_is_keyed)
{
	unsigned char h1[32], h2[32], h3[32], h4[32];
	const char *tok = "inv_abc";

	secret_token_hash(key_a, tok, strlen(tok), h1);
	secret_token_hash(key_a, tok, strlen(tok), h2);
	secret_token_hash(key_b, tok, strlen(tok), h3);
	secret_token_hash(key_a, tok, strlen(tok) - 1, h4);
	cr_expect(memcmp(h1, h2, 32) == 0);
	cr_expect(memcmp(h1, h3, 32) != 0);
	cr_expect(memcmp(h1, h4, 32) != 0);
}

Test(secret, cookie_round_trip)
{
	unsigned char id[SECRET_COOKIE_ID_BYTES], got[SECRET_COOKIE_ID_BYTES];
	char value[SECRET_COOKIE_MAX], other[SECRET_COOKIE_MAX];
	char *exact;

	secret_cookie_new(key_a, value, id);
	cr_assert_eq(strlen(value), SECRET_COOKIE_LEN);
	cr_expect(is_b64url(value, SECRET_COOKIE_LEN), "%s", value);
	cr_assert_eq(secret_cookie_verify(key_a, value, strlen(value), got), 0);
	cr_expect(memcmp(id, got, sizeof(id)) == 0);
	/* A heap copy without a NUL: the sanitizer would catch a read past it. */
	exact = malloc(SECRET_COOKIE_LEN);
	cr_assert(exact);
	memcpy(exact, value, SECRET_COOKIE_LEN);
	cr_expect_eq(secret_cookie_verify(key_a, exact, SECRET_COOKIE_LEN, got), 0);
	free(exact);
	secret_cookie_new(key_a, other, got);
	cr_expect_str_neq(value, other);
	cr_expect(memcmp(id, got, sizeof(id)) != 0);
}

Test(secret, cookie_refuses_tampering)
{
	const char *alphabet = b64url;
	unsigned char id[SECRET_COOKIE_ID_BYTES], got[SECRET_COOKIE_ID_BYTES];
	char value[SECRET_COOKIE_MAX], bad[SECRET_COOKIE_MAX];
	size_t i, j;

	secret_cookie_new(key_a, value, id);
	/* Every other base64url character in every position. */
	for (i = 0; i < SECRET_COOKIE_LEN; i++) {
		for (j = 0; alphabet[j] != '\0'; j++) {
			if (alphabet[j] == value[i])
				continue;
			memcpy(bad, value, sizeof(bad));
			bad[i] = alphabet[j];
			memset(got, 0xAA, sizeof(got));
			cr_assert_eq(secret_cookie_verify(key_a, bad, SECRET_COOKIE_LEN, got),
			    ERR_INVALID, "accepted %s", bad);
			cr_assert_eq(got[0], 0, "id_out zeroed on refusal");
		}
	}
	cr_expect_eq(secret_cookie_verify(key_b, value, SECRET_COOKIE_LEN, got), ERR_INVALID);
}

Test(secret, cookie_refuses_junk)
{
	unsigned char id[SECRET_COOKIE_ID_BYTES], got[SECRET_COOKIE_ID_BYTES];
	char value[SECRET_COOKIE_MAX], longer[SECRET_COOKIE_MAX + 8];
	char padded[SECRET_COOKIE_MAX + 8];
	char junk[SECRET_COOKIE_LEN + 1];

	secret_cookie_new(key_a, value, id);
	cr_expect_eq(secret_cookie_verify(key_a, "", 0, got), ERR_INVALID);
	cr_expect_eq(secret_cookie_verify(key_a, NULL, 0, got), ERR_INVALID);
	cr_expect_eq(secret_cookie_verify(key_a, NULL, 43, got), ERR_INVALID);
	cr_expect_eq(secret_cookie_verify(key_a, value, SECRET_COOKIE_LEN - 1, got), ERR_INVALID);
	cr_expect_eq(secret_cookie_verify(key_a, value, 1, got), ERR_INVALID);
	snprintf(longer, sizeof(longer), "%sA", value);
	cr_expect_eq(secret_cookie_verify(key_a, longer, strlen(longer), got), ERR_INVALID);
	snprintf(padded, sizeof(padded), "%s=", value);
	cr_expect_eq(secret_cookie_verify(key_a, padded, strlen(padded), got), ERR_INVALID);
	/* Standard base64 characters instead of the URL-safe ones. */
	memcpy(junk, value, sizeof(junk));
	junk[5] = '+';
	cr_expect_eq(secret_cookie_verify(key_a, junk, SECRET_COOKIE_LEN, got), ERR_INVALID);
	junk[5] = '/';
	cr_expect_eq(secret_cookie_verify(key_a, junk, SECRET_COOKIE_LEN, got), ERR_INVALID);
	memcpy(junk, value, sizeof(junk));
	junk[10] = '\0';
	cr_expect_eq(secret_cookie_verify(key_a, junk, SECRET_COOKIE_LEN, got), ERR_INVALID);
	memset(junk, '*', SECRET_COOKIE_LEN);
	cr_expect_eq(secret_cookie_verify(key_a, junk, SECRET_COOKIE_LEN, got), ERR_INVALID);
	/* Well-formed base64url of 32 bytes, but not signed. */
	memset(junk, 'A', SECRET_COOKIE_LEN);
	cr_expect_eq(secret_cookie_verify(key_a, junk, SECRET_COOKIE_LEN, got), ERR_INVALID);
	cr_expect_eq(secret_cookie_verify(key_a, "inv_x; other=1", 14, got), ERR_INVALID);
}

Test(secret, voter_hash_per_poll)
{
	unsigned char id1[16] = { 1 }, id2[16] = { 2 };
	unsigned char a[32], b[32], c[32], d[32], f[32];

	secret_voter_hash(key_a, id1, 7, a);
	secret_voter_hash(key_a, id1, 7, b);
	secret_voter_hash(key_a, id1, 8, c);
	secret_voter_hash(key_a, id2, 7, d);
	secret_voter_hash(key_b, id1, 7, f);
	cr_expect(memcmp(a, b, 32) == 0, "same browser, same poll");
	cr_expect(memcmp(a, c, 32) != 0, "other poll");
	cr_expect(memcmp(a, d, 32) != 0, "other browser");
	cr_expect(memcmp(a, f, 32) != 0, "other key");
	/* The poll id's high bytes count too. */
	secret_voter_hash(key_a, id1, 7 + ((int64_t)1 << 40), c);
	cr_expect(memcmp(a, c, 32) != 0);
}
