/*
 * secret.h - passwords, tokens and signed cookie values (libsodium).
 *
 * Start-up: call secret_init() once in main, before any thread starts and
 * before anything else here (keys_load calls it too).  It starts libsodium
 * and liboath (totp_init, totp.h).  Every function below, in onetime.h and
 * in totp.h also makes sure they are ready, so a forgotten call is never a
 * weakness, but only secret_init can report that they failed.
 *
 * What the database holds, and what it never holds:
 * - staff passwords as argon2id strings (secret_password_hash);
 * - session and API tokens only as keyed hashes (secret_token_hash with the
 *   token key), so a copy of the database does not let anyone sign in;
 * - with each vote, a keyed hash of (poll, cookie id) (secret_voter_hash
 *   with the voter key): the same browser gets the same hash in one poll,
 *   different hashes in different polls, and nothing links a vote to a
 *   person or one poll's votes to another's.
 * The keys come from keys.h.  All functions are thread-safe; none
 * allocates; buffers are the caller's.
 */
#ifndef INVOLVE_SECRET_H
#define INVOLVE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"

#define SECRET_KEY_BYTES 32
/* An argon2id string with its NUL (crypto_pwhash_STRBYTES). */
#define SECRET_PWHASH_MAX 128
/* "abcd-efgh-jkmn-pqrs-tuvw" and its NUL. */
#define SECRET_GENERATED_MAX 32
/* A token: prefix (at most SECRET_TOKEN_PREFIX_MAX bytes) + 43 characters of
 * base64url + NUL. */
#define SECRET_TOKEN_PREFIX_MAX 16
#define SECRET_TOKEN_RANDOM_BYTES 32
#define SECRET_TOKEN_MAX 64
#define SECRET_TOKEN_HASH_BYTES 32
/* A cookie value: base64url (no padding) of a 16-byte id and a 16-byte MAC
 * is 43 characters, plus NUL. */
#define SECRET_COOKIE_ID_BYTES 16
#define SECRET_COOKIE_LEN 43
#define SECRET_COOKIE_MAX 48
#define SECRET_VOTER_HASH_BYTES 32

/* Prepares libsodium and liboath.  0, or ERR_IO when either cannot start
 * (no source of randomness); the program must then stop. */
int secret_init(void);

/* How much work a password hash takes.  INTERACTIVE (libsodium's
 * opslimit/memlimit INTERACTIVE: 2 passes, 64 MiB) is for real use.  TEST
 * is the least libsodium allows, for unit tests and the demo only: it makes
 * stored hashes cheap to attack. */
enum secret_cost {
	SECRET_COST_INTERACTIVE = 0,
	SECRET_COST_TEST = 1,
};
/* Sets the cost for later secret_password_hash and needs_rehash calls.
 * Call it at start-up, before threads start. */
void secret_set_cost(enum secret_cost cost);

/* Hashes password (NUL-terminated) with argon2id at the current cost into
 * out, a NUL-terminated "$argon2id$v=19$m=...".  0, or ERR_NOMEM when the
 * memory the hash needs cannot be had. */
int secret_password_hash(const char *password, char out[SECRET_PWHASH_MAX]);
/* Whether password matches hash.  false for a wrong password and for a
 * hash that is not a well-formed argon2 string.  Takes as long as a hash. */
bool secret_password_verify(const char *hash, const char *password);
/* Whether hash was made with other settings than the current cost (or is
 * not argon2id): after a successful sign-in, hash the password again and
 * store the new hash. */
bool secret_password_needs_rehash(const char *hash);

/* A random password people can read out and type: five groups of four
 * characters from the 31-character alphabet of onetime.h, with no
 * look-alikes (no 0/o, 1/l/i), joined by "-": about 99 bits.  It passes
 * password_check (password.h). */
void secret_password_generate(char out[SECRET_GENERATED_MAX]);

/* A new token: prefix ("inv_" for API tokens, "" for sessions) followed by
 * base64url without padding of SECRET_TOKEN_RANDOM_BYTES random bytes.  0,
 * or ERR_INVALID (out "") when prefix is longer than
 * SECRET_TOKEN_PREFIX_MAX. */
int secret_token_new(const char *prefix, char out[SECRET_TOKEN_MAX]);
/* The keyed BLAKE2b-256 of the len bytes of token: what the database
 * stores and looks tokens up by. */
void secret_token_hash(const unsigned char key[SECRET_KEY_BYTES], const char *token, size_t len,
    unsigned char out[SECRET_TOKEN_HASH_BYTES]);

/* A new signed cookie value: base64url(id || MAC(key, id)) with a fresh
 * random 16-byte id, returned in id_out.  out is NUL-terminated,
 * SECRET_COOKIE_LEN characters. */
void secret_cookie_new(const unsigned char key[SECRET_KEY_BYTES], char out[SECRET_COOKIE_MAX],
    unsigned char id_out[SECRET_COOKIE_ID_BYTES]);
/* The signed cookie value of a given id (one derived from a ballot's retry
 * key, so a retried vote gets the same cookie as the first). */
void secret_cookie_sign(const unsigned char key[SECRET_KEY_BYTES],
    const unsigned char id[SECRET_COOKIE_ID_BYTES], char out[SECRET_COOKIE_MAX]);
/* Checks the len bytes at value (no NUL needed; any bytes, any length).  0
 * with the id in id_out when the value is well formed and its MAC matches;
 * ERR_INVALID otherwise (id_out is then zeroed). */
int secret_cookie_verify(const unsigned char key[SECRET_KEY_BYTES], const char *value, size_t len,
    unsigned char id_out[SECRET_COOKIE_ID_BYTES]);

/* The keyed BLAKE2b-256 of (poll_id as 8 bytes big-endian, cookie id):
 * stored with a vote to refuse a second vote from the same browser. */
void secret_voter_hash(const unsigned char key[SECRET_KEY_BYTES],
    const unsigned char id[SECRET_COOKIE_ID_BYTES], int64_t poll_id,
    unsigned char out[SECRET_VOTER_HASH_BYTES]);

/*
 * A keyed BLAKE2b-256 of (kind, scope, text), for what must be counted or
 * looked up without being kept: a client address under the net key
 * (kind "addr", "net"), an email as typed ("email"), a single-use code
 * under the token key ("poll-code", "recovery").  kind separates uses, so
 * one use's hashes never match another's; scope is a poll or user id (0
 * when none).
 */
#define SECRET_HASH_BYTES 32
void secret_keyed_hash(const unsigned char key[SECRET_KEY_BYTES], const char *kind,
    int64_t scope, const char *text, size_t len, unsigned char out[SECRET_HASH_BYTES]);

/*
 * Seals n bytes with key (XSalsa20-Poly1305, a fresh random nonce first)
 * into out: SECRET_SEAL_OVERHEAD more bytes than plain.  secret_open
 * undoes it, and refuses (ERR_INVALID) anything altered or sealed with
 * another key.  ERR_INVALID too when out is too small.
 */
#define SECRET_SEAL_OVERHEAD 40
int secret_seal(const unsigned char key[SECRET_KEY_BYTES], const unsigned char *plain, size_t n,
    unsigned char *out, size_t size, size_t *out_len);
int secret_open(const unsigned char key[SECRET_KEY_BYTES], const unsigned char *sealed, size_t n,
    unsigned char *out, size_t size, size_t *out_len);

#endif
