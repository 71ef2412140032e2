/*
 * onetime.h - single-use codes that people type or scan.
 *
 * Two uses: the recovery codes that stand in for a staff member's second
 * factor (ONETIME_RECOVERY_COUNT of them, shown once), and the invitation
 * codes of a poll printed on paper, as a QR code and as text to type.  A
 * code is random characters from a 31-character alphabet with no
 * look-alikes (abcdefghjkmnpqrstuvwxyz23456789: no 0/o, no 1/l/i), shown in
 * groups of four joined by "-" ("abcd-efgh-jk").  Generated passwords
 * (secret_password_generate) are made here too, so there is one alphabet.
 *
 * What the database holds: never a code, only its keyed BLAKE2b hash
 * (onetime_code_hash, with a key from keys.h) of the normalised form, so a
 * copy of the database alone redeems nothing.  A person's typing is
 * normalised first (onetime_code_normalise): case, spaces and hyphens do
 * not matter; any other character is refused, never guessed at.
 *
 * All functions are thread-safe; none allocates; buffers are the caller's.
 * Each makes sure libsodium is ready (secret_init).
 */
#ifndef INVOLVE_ONETIME_H
#define INVOLVE_ONETIME_H

#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"

/* How many characters a code may have, not counting the "-". */
#define ONETIME_CHARS_MIN 4
#define ONETIME_CHARS_MAX 32
/* The longest code as shown (32 characters, 7 "-") and its NUL; also room
 * for any normalised code. */
#define ONETIME_CODE_MAX 40
#define ONETIME_HASH_BYTES 32
#define ONETIME_KEY_BYTES 32

/* Each character carries log2(31), about 4.95 bits.  A recovery code has
 * about 59 bits, more than an invitation: it stands in for the second
 * factor and does not expire until it is used. */
#define ONETIME_RECOVERY_CHARS 12
#define ONETIME_RECOVERY_COUNT 10
/* About 49 bits, and ten characters are quick to type from paper.  Enough
 * because a code can only be tried online, where attempts are throttled,
 * and works once: a million guesses against a poll with a thousand unused
 * codes succeed with a chance of about 1 in 820,000.  It would not be
 * enough against an offline search, which is why the hash is keyed and the
 * key is kept out of the database (keys.h). */
#define ONETIME_POLL_CODE_CHARS 10

/* A new random code of chars characters, each drawn uniformly from the
 * alphabet, in groups of four joined by "-", NUL-terminated in out.  0, or
 * ERR_INVALID (out "" when size allows) when chars is outside
 * ONETIME_CHARS_MIN..ONETIME_CHARS_MAX or the code does not fit in size. */
int onetime_code_new(int chars, char *out, size_t size);

/* What a person typed (the n bytes at in, no NUL needed) in canonical form:
 * lower case, without spaces and hyphens, NUL-terminated in out with its
 * length in *len.  0; ERR_MALFORMED when a character is not in the alphabet
 * (a look-alike such as "0" or "l" included), or nothing or more than
 * ONETIME_CHARS_MAX characters remain; ERR_INVALID when out is too small
 * (ONETIME_CODE_MAX always suffices).  On failure out is "" when size
 * allows and *len is 0. */
int onetime_code_normalise(const char *in, size_t n, char *out, size_t size, size_t *len);

/* What the database stores and looks a code up by: the keyed BLAKE2b-256
 * (secret_keyed_hash) of its kind ("recovery", "poll-code"), its scope (the
 * user or the poll it belongs to) and the len bytes of the normalised
 * code, so a code of one kind or scope never matches another's. */
void onetime_code_hash(const unsigned char key[ONETIME_KEY_BYTES], const char *kind,
    int64_t scope, const char *normalised, size_t len, unsigned char out[ONETIME_HASH_BYTES]);

#endif
