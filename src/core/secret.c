/*
 * secret.c - passwords, tokens and signed cookie values (see secret.h).
 *
 * A thin layer over libsodium whose job is to fix the choices in one place:
 * argon2id for passwords, keyed BLAKE2b for everything the database must be
 * able to look up without holding the secret itself, base64url without
 * padding for anything that travels in a URL, header or cookie, and
 * constant-time comparison wherever a MAC is checked.  What a password must
 * be is the domain's rule (password.h), not a choice of cryptography.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/onetime.h"
#include "involve/secret.h"
#include "involve/totp.h"

static_assert(SECRET_PWHASH_MAX == crypto_pwhash_STRBYTES, "argon2 string size");
static_assert(SECRET_KEY_BYTES == crypto_generichash_KEYBYTES, "BLAKE2b key size");
static_assert(SECRET_SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
    "sealed size");
#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING

static_assert(SECRET_TOKEN_MAX >=
        SECRET_TOKEN_PREFIX_MAX + sodium_base64_ENCODED_LEN(SECRET_TOKEN_RANDOM_BYTES, B64URL),
    "token buffer");
static_assert(
    SECRET_COOKIE_LEN + 1 == sodium_base64_ENCODED_LEN(2 * SECRET_COOKIE_ID_BYTES, B64URL),
    "cookie length");
static_assert(SECRET_COOKIE_MAX > SECRET_COOKIE_LEN, "cookie buffer");
#define COOKIE_MAC_BYTES 16

/* Five groups of four: "abcd-efgh-jkmn-pqrs-tuvw". */
#define PASSWORD_CHARS 20
static_assert(PASSWORD_CHARS + (PASSWORD_CHARS - 1) / 4 + 1 <= SECRET_GENERATED_MAX,
    "generated password buffer");

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status;

/* Set at start-up before threads exist (secret_set_cost), read after. */
static enum secret_cost current_cost = SECRET_COST_INTERACTIVE;

static void
sodium_start(void)
{
	sodium_status = sodium_init();
}

/* Makes sure libsodium is initialised.  If it cannot be, nothing here can
 * be done safely, so the process stops; secret_init is where main learns
 * of it first and can say why. */
static void
ensure_sodium(void)
{
	pthread_once(&sodium_once, sodium_start);
	if (sodium_status < 0)
		abort();
}

int
secret_init(void)
{
	pthread_once(&sodium_once, sodium_start);
	if (sodium_status < 0)
		return ERR_IO;
	/* Here rather than in main so that every program that starts the
	 * cryptography (the server, the commands, the fuzz targets) starts
	 * liboath as well, before its threads. */
	return totp_init();
}

void
secret_set_cost(enum secret_cost cost)
{
	current_cost = cost;
}

static void
cost_limits(unsigned long long *ops, size_t *mem)
{
	if (current_cost == SECRET_COST_TEST) {
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
	}
}

int
secret_password_hash(const char *password, char out[SECRET_PWHASH_MAX])
{
	unsigned long long ops;
	size_t mem;

	ensure_sodium();
	cost_limits(&ops, &mem);
	if (crypto_pwhash_str_alg(
	        out, password, strlen(password), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return ERR_NOMEM;
	}
	return 0;
}

/* A hash string is only handed to libsodium when it ends inside the size
 * an argon2 string can have. */
static bool
hash_well_sized(const char *hash)
{
	return hash != NULL && strnlen(hash, SECRET_PWHASH_MAX) < SECRET_PWHASH_MAX;
}

bool
secret_password_verify(const char *hash, const char *password)
{
	if (!hash_well_sized(hash) || password == NULL)
		return false;
	ensure_sodium();
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool
secret_password_needs_rehash(const char *hash)
{
	unsigned long long ops;
	size_t mem;

	if (!hash_well_sized(hash) ||
	    strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
	        sizeof(crypto_pwhash_argon2id_STRPREFIX) - 1) != 0)
		return true;
	ensure_sodium();
	cost_limits(&ops, &mem);
	return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

void
secret_password_generate(char out[SECRET_GENERATED_MAX])
{
	/* A generated password is a long one-time code: the same alphabet
	 * without look-alikes, the same groups.  It cannot fail: the length
	 * and the buffer are fixed and checked above. */
	if (onetime_code_new(PASSWORD_CHARS, out, SECRET_GENERATED_MAX) != 0)
		abort();
}

int
secret_token_new(const char *prefix, char out[SECRET_TOKEN_MAX])
{
	unsigned char raw[SECRET_TOKEN_RANDOM_BYTES];
	size_t plen = prefix ? strnlen(prefix, SECRET_TOKEN_PREFIX_MAX + 1) : 0;

	out[0] = '\0';
	if (plen > SECRET_TOKEN_PREFIX_MAX)
		return ERR_INVALID;
	ensure_sodium();
	if (plen > 0)
		memcpy(out, prefix, plen);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out + plen, SECRET_TOKEN_MAX - plen, raw, sizeof(raw), B64URL);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

void
secret_token_hash(const unsigned char key[SECRET_KEY_BYTES], const char *token, size_t len,
    unsigned char out[SECRET_TOKEN_HASH_BYTES])
{
	ensure_sodium();
	crypto_generichash(
	    out, SECRET_TOKEN_HASH_BYTES, (const unsigned char *)token, len, key, SECRET_KEY_BYTES);
}

/* The cookie's MAC: keyed BLAKE2b with a 16-byte output (the output length
 * is part of BLAKE2b's parameters, so this is not a cut-down 32-byte hash). */
static void
cookie_mac(const unsigned char key[SECRET_KEY_BYTES], const unsigned char *id,
    unsigned char mac[COOKIE_MAC_BYTES])
{
	crypto_generichash(
	    mac, COOKIE_MAC_BYTES, id, SECRET_COOKIE_ID_BYTES, key, SECRET_KEY_BYTES);
}

void
secret_cookie_new(const unsigned char key[SECRET_KEY_BYTES], char out[SECRET_COOKIE_MAX],
    unsigned char id_out[SECRET_COOKIE_ID_BYTES])
{
	ensure_sodium();
	randombytes_buf(id_out, SECRET_COOKIE_ID_BYTES);
	secret_cookie_sign(key, id_out, out);
}

void
secret_cookie_sign(const unsigned char key[SECRET_KEY_BYTES],
    const unsigned char id[SECRET_COOKIE_ID_BYTES], char out[SECRET_COOKIE_MAX])
{
	unsigned char raw[SECRET_COOKIE_ID_BYTES + COOKIE_MAC_BYTES];

	ensure_sodium();
	memcpy(raw, id, SECRET_COOKIE_ID_BYTES);
	cookie_mac(key, raw, raw + SECRET_COOKIE_ID_BYTES);
	sodium_bin2base64(out, SECRET_COOKIE_MAX, raw, sizeof(raw), B64URL);
}

int
secret_cookie_verify(const unsigned char key[SECRET_KEY_BYTES], const char *value, size_t len,
    unsigned char id_out[SECRET_COOKIE_ID_BYTES])
{
	unsigned char raw[SECRET_COOKIE_ID_BYTES + COOKIE_MAC_BYTES];
	unsigned char mac[COOKIE_MAC_BYTES];
	const char *end = NULL;
	size_t raw_len = 0;
	int rc = ERR_INVALID;

	memset(id_out, 0, SECRET_COOKIE_ID_BYTES);
	/* The exact length first: base64 of 32 bytes is always 43 characters,
	 * and nothing longer is ever read. */
	if (value == NULL || len != SECRET_COOKIE_LEN)
		goto out;
	ensure_sodium();
	if (sodium_base642bin(raw, sizeof(raw), value, len, NULL, &raw_len, &end, B64URL) != 0 ||
	    raw_len != sizeof(raw) || end != value + len)
		goto out;
	cookie_mac(key, raw, mac);
	if (sodium_memcmp(mac, raw + SECRET_COOKIE_ID_BYTES, COOKIE_MAC_BYTES) != 0)
		goto out;
	memcpy(id_out, raw, SECRET_COOKIE_ID_BYTES);
	rc = 0;
out:
	return rc;
}

void
secret_voter_hash(const unsigned char key[SECRET_KEY_BYTES],
    const unsigned char id[SECRET_COOKIE_ID_BYTES], int64_t poll_id,
    unsigned char out[SECRET_VOTER_HASH_BYTES])
{
	unsigned char in[8 + SECRET_COOKIE_ID_BYTES];
	uint64_t v = (uint64_t)poll_id;
	int i;

	/* Both parts have a fixed size, so the concatenation is unambiguous. */
	for (i = 7; i >= 0; i--) {
		in[i] = (unsigned char)(v & 0xFF);
		v >>= 8;
	}
	memcpy(in + 8, id, SECRET_COOKIE_ID_BYTES);
	ensure_sodium();
	crypto_generichash(out, SECRET_VOTER_HASH_BYTES, in, sizeof(in), key, SECRET_KEY_BYTES);
}

void
secret_keyed_hash(const unsigned char key[SECRET_KEY_BYTES], const char *kind, int64_t scope,
    const char *text, size_t len, unsigned char out[SECRET_HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char head[8];
	uint64_t v = (uint64_t)scope;
	int i;

	/* kind with its NUL, then scope's 8 bytes, then text: each part ends
	 * where the next cannot begin, so two inputs never hash alike. */
	for (i = 7; i >= 0; i--) {
		head[i] = (unsigned char)(v & 0xFF);
		v >>= 8;
	}
	ensure_sodium();
	crypto_generichash_init(&st, key, SECRET_KEY_BYTES, SECRET_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, head, sizeof(head));
	crypto_generichash_update(&st, (const unsigned char *)text, len);
	crypto_generichash_final(&st, out, SECRET_HASH_BYTES);
}

int
secret_seal(const unsigned char key[SECRET_KEY_BYTES], const unsigned char *plain, size_t n,
    unsigned char *out, size_t size, size_t *out_len)
{
	size_t need = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;

	if (size < need)
		return ERR_INVALID;
	ensure_sodium();
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, n, out, key);
	*out_len = need;
	return 0;
}

int
secret_open(const unsigned char key[SECRET_KEY_BYTES], const unsigned char *sealed, size_t n,
    unsigned char *out, size_t size, size_t *out_len)
{
	size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;

	if (n < over || size < n - over)
		return ERR_INVALID;
	ensure_sodium();
	if (crypto_secretbox_open_easy(out, sealed + crypto_secretbox_NONCEBYTES,
	    n - crypto_secretbox_NONCEBYTES, sealed, key) != 0)
		return ERR_INVALID;
	*out_len = n - over;
	return 0;
}
