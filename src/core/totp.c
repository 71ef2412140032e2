/*
 * totp.c - time-based one-time passwords (see totp.h).
 *
 * liboath computes every code (the HMAC and its truncation to digits) and
 * the base32; what is ours is the policy around them: which steps are
 * tried, that a step is accepted once, how what a person typed is read,
 * and that codes are compared in constant time.  liboath's validators
 * compare with strcmp and cannot be told which steps are used up, so
 * totp_check asks liboath for the code of each step it may accept and
 * compares them itself.
 */
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "involve/secret.h"
#include "involve/str.h"
#include "involve/totp.h"

static_assert(sizeof(time_t) >= sizeof(int64_t), "a step's start time fits a time_t");
static_assert(TOTP_SECRET_TEXT_MAX == (TOTP_SECRET_BYTES * 8 + 4) / 5 + 1, "base32 of a secret");
static_assert(TOTP_SECRET_DISPLAY_MAX == TOTP_SECRET_TEXT_MAX + (TOTP_SECRET_TEXT_MAX - 2) / 4,
    "base32 of a secret in groups");
#define GROUP_CHARS 4

/* The latest now whose next step still starts at a time an int64_t holds. */
#define NOW_MAX (INT64_MAX - TOTP_PERIOD)

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_status;

static void
oath_start(void)
{
	/* oath_init sets up liboath's crypto back end, which is not safe to
	 * do from two threads at once. */
	oath_status = oath_init();
}

int
totp_init(void)
{
	pthread_once(&oath_once, oath_start);
	return oath_status == OATH_OK ? 0 : ERR_IO;
}

/* libsodium and liboath ready (secret_init starts both), or the process
 * stops: nothing here can be done safely without them. */
static void
ready(void)
{
	if (secret_init() != 0)
		abort();
}

void
totp_secret_new(unsigned char out[TOTP_SECRET_BYTES])
{
	ready();
	randombytes_buf(out, TOTP_SECRET_BYTES);
}

int
totp_secret_text(const unsigned char *secret, size_t n, char *out, size_t size)
{
	char *b32 = NULL;
	size_t made = 0, len;
	int rc = ERR_INVALID;

	if (size > 0)
		out[0] = '\0';
	if (secret == NULL || n == 0)
		goto out;
	ready();
	if (oath_base32_encode((const char *)secret, n, &b32, &made) != OATH_OK) {
		rc = ERR_NOMEM;
		goto out;
	}
	/* RFC 4648 pads to a multiple of eight characters; the otpauth format
	 * leaves the padding out, and so should a person typing. */
	for (len = made; len > 0 && b32[len - 1] == '='; len--)
		;
	if (len >= size)
		goto out;
	memcpy(out, b32, len);
	out[len] = '\0';
	rc = 0;
out:
	if (b32 != NULL) {
		sodium_memzero(b32, made);
		free(b32);
	}
	return rc;
}

int
totp_secret_display(const unsigned char *secret, size_t n, char *out, size_t size)
{
	size_t len, spaced, i, j;
	int rc;

	rc = totp_secret_text(secret, n, out, size);
	if (rc != 0)
		return rc;
	len = strlen(out);
	spaced = len + (len - 1) / GROUP_CHARS;
	if (spaced >= size) {
		sodium_memzero(out, size);
		return ERR_INVALID;
	}
	/* In place, from the end, so that nothing is overwritten before it
	 * has moved. */
	out[spaced] = '\0';
	for (i = len, j = spaced; i > 0;) {
		out[--j] = out[--i];
		if (i > 0 && i % GROUP_CHARS == 0)
			out[--j] = ' ';
	}
	return 0;
}

int
totp_uri(const char *issuer, const char *account, const unsigned char *secret, size_t n, char *out,
    size_t size)
{
	struct buf head = BUF_INIT, tail = BUF_INIT;
	size_t len, total;
	int rc = ERR_INVALID;

	if (size > 0)
		out[0] = '\0';
	if (issuer == NULL || account == NULL || issuer[0] == '\0' || account[0] == '\0')
		goto out;
	/* The secret goes straight into out and never into a buf, whose
	 * growth would leave copies of it in freed memory: out holds it at
	 * first, and it is moved to its place once the rest is known. */
	rc = totp_secret_text(secret, n, out, size);
	if (rc != 0)
		goto out;
	len = strlen(out);
	buf_add_c(&head, "otpauth://totp/");
	buf_add_url(&head, str_c(issuer));
	buf_addch(&head, ':');
	buf_add_url(&head, str_c(account));
	buf_add_c(&head, "?secret=");
	buf_add_c(&tail, "&issuer=");
	buf_add_url(&tail, str_c(issuer));
	buf_printf(&tail, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_PERIOD);
	if (!buf_ok(&head) || !buf_ok(&tail)) {
		rc = ERR_NOMEM;
		goto out;
	}
	total = head.n + len + tail.n;
	if (total >= size) {
		rc = ERR_INVALID;
		goto out;
	}
	memmove(out + head.n, out, len);
	memcpy(out, head.p, head.n);
	memcpy(out + head.n + len, tail.p, tail.n);
	out[total] = '\0';
	rc = 0;
out:
	if (rc != 0 && size > 0)
		sodium_memzero(out, size);
	buf_free(&head);
	buf_free(&tail);
	return rc;
}

static bool
now_ok(int64_t now)
{
	return now >= 0 && now <= NOW_MAX;
}

/* The code of one time step, from liboath. */
static int
code_at(const unsigned char *secret, size_t n, int64_t step, char out[TOTP_DIGITS + 1])
{
	if (oath_totp_generate2((const char *)secret, n, (time_t)(step * TOTP_PERIOD), TOTP_PERIOD,
	        OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, 0, out) != OATH_OK) {
		out[0] = '\0';
		return ERR_INVALID;
	}
	return 0;
}

int
totp_code(const unsigned char *secret, size_t n, int64_t now, char out[TOTP_DIGITS + 1])
{
	out[0] = '\0';
	if (secret == NULL || n == 0 || !now_ok(now))
		return ERR_INVALID;
	ready();
	return code_at(secret, n, now / TOTP_PERIOD, out);
}

int
totp_check(const unsigned char *secret, size_t n, const char *code, size_t code_len, int64_t now,
    int64_t last_step, int64_t *step_out)
{
	char typed[TOTP_DIGITS], want[TOTP_DIGITS + 1];
	int64_t step, matched = 0;
	size_t i, digits = 0;
	bool found = false;
	int rc = ERR_INVALID;

	if (secret == NULL || n == 0 || !now_ok(now))
		goto out;
	rc = ERR_MALFORMED;
	if (code == NULL)
		code_len = 0;
	/* Apps show "123 456" and people copy the space. */
	for (i = 0; i < code_len; i++) {
		if (code[i] == ' ')
			continue;
		if (code[i] < '0' || code[i] > '9' || digits == TOTP_DIGITS)
			goto out;
		typed[digits++] = code[i];
	}
	if (digits != TOTP_DIGITS)
		goto out;
	ready();
	/* Every step that may be accepted is compared, oldest first: when two
	 * steps share a code (one chance in a million) the later one is
	 * recorded, since recording the earlier would let the same code in
	 * again at the later step. */
	for (step = now / TOTP_PERIOD - TOTP_SKEW; step <= now / TOTP_PERIOD + TOTP_SKEW; step++) {
		if (step < 0 || step <= last_step || code_at(secret, n, step, want) != 0)
			continue;
		if (sodium_memcmp(typed, want, TOTP_DIGITS) == 0) {
			matched = step;
			found = true;
		}
	}
	rc = found ? 0 : ERR_DENIED;
	if (found)
		*step_out = matched;
out:
	sodium_memzero(typed, sizeof(typed));
	sodium_memzero(want, sizeof(want));
	return rc;
}
