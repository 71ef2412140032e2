/*
 * onetime.c - single-use codes people type or scan (see onetime.h).
 *
 * Normalising refuses rather than corrects: mapping a typed "0" to "o" or
 * "1" to "l" would be a guess, and the alphabet already leaves those out so
 * that a code printed on paper cannot be misread.  A refusal tells the
 * person to look again; a wrong guess would silently spend an attempt.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/onetime.h"
#include "involve/secret.h"

/* No 0/o, 1/l/i: a code read aloud or from paper is typed right. */
static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
#define ALPHABET_N (sizeof(alphabet) - 1)
#define GROUP_CHARS 4

static_assert(ALPHABET_N == 31, "the alphabet the header documents");
static_assert(ONETIME_CODE_MAX == ONETIME_CHARS_MAX + (ONETIME_CHARS_MAX - 1) / GROUP_CHARS + 1,
    "the longest code shown and its NUL");
static_assert(ONETIME_KEY_BYTES == crypto_generichash_KEYBYTES, "BLAKE2b key size");

/* libsodium is started in one place, secret_init; it cannot fail once
 * main has checked it, so failing here means nothing random can be had. */
static void
ready(void)
{
	if (secret_init() != 0)
		abort();
}

int
onetime_code_new(int chars, char *out, size_t size)
{
	size_t pos = 0;
	int i;

	if (size > 0)
		out[0] = '\0';
	if (chars < ONETIME_CHARS_MIN || chars > ONETIME_CHARS_MAX ||
	    size < (size_t)chars + (size_t)(chars - 1) / GROUP_CHARS + 1)
		return ERR_INVALID;
	ready();
	for (i = 0; i < chars; i++) {
		if (i > 0 && i % GROUP_CHARS == 0)
			out[pos++] = '-';
		/* randombytes_uniform draws again rather than reduce modulo
		 * 31, so every character is equally likely. */
		out[pos++] = alphabet[randombytes_uniform(ALPHABET_N)];
	}
	out[pos] = '\0';
	return 0;
}

int
onetime_code_normalise(const char *in, size_t n, char *out, size_t size, size_t *len)
{
	size_t i, pos = 0;
	char c;
	int rc = ERR_MALFORMED;

	if (size > 0)
		out[0] = '\0';
	*len = 0;
	if (in == NULL)
		n = 0;
	for (i = 0; i < n; i++) {
		c = in[i];
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		/* The NUL check keeps strchr from matching the terminator. */
		if (c == '\0' || strchr(alphabet, c) == NULL || pos == ONETIME_CHARS_MAX)
			goto fail;
		if (pos + 1 >= size) {
			rc = ERR_INVALID;
			goto fail;
		}
		out[pos++] = c;
	}
	if (pos == 0)
		goto fail;
	out[pos] = '\0';
	*len = pos;
	return 0;
fail:
	if (size > 0)
		out[0] = '\0';
	return rc;
}

void
onetime_code_hash(const unsigned char key[ONETIME_KEY_BYTES], const char *kind, int64_t scope,
    const char *normalised, size_t len, unsigned char out[ONETIME_HASH_BYTES])
{
	secret_keyed_hash(key, kind, scope, normalised, len, out);
}
