/*
 * totp.h - time-based one-time passwords (RFC 6238), the staff second factor.
 *
 * A staff member's authenticator app and the server share a random secret;
 * both turn the current 30-second time step into a six-digit code with
 * HMAC-SHA1, the parameters every authenticator app understands.  The
 * cryptography is liboath's.  Enrolment shows the secret as an otpauth://
 * URI (for a QR code) and as base32 in groups (for typing), and is
 * confirmed by one correct code.
 *
 * What the database holds: the secret, sealed with the mfa key (secret_seal,
 * keys.h) since a code is computed from it rather than compared with a hash
 * of it, and the last time step accepted, so that a code works once.  A
 * copy of the database alone therefore makes no codes.
 *
 * Start-up: secret_init calls totp_init.  All functions are thread-safe.
 * totp_secret_text, totp_secret_display and totp_uri allocate for a moment
 * (liboath's base32 and a struct buf) and wipe and free that before they
 * return; the rest do not allocate.  Buffers are the caller's.
 */
#ifndef INVOLVE_TOTP_H
#define INVOLVE_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"

/* 160 bits: the HMAC-SHA1 key length RFC 4226 recommends. */
#define TOTP_SECRET_BYTES 20
#define TOTP_DIGITS 6
/* Seconds in a time step. */
#define TOTP_PERIOD 30
/* Steps either side of now that are accepted, for clocks that drift and
 * people who are slow to type. */
#define TOTP_SKEW 1
/* A last_step for someone who has had no code accepted yet. */
#define TOTP_STEP_NONE (-1)

/* The base32 of TOTP_SECRET_BYTES (32 characters) and its NUL. */
#define TOTP_SECRET_TEXT_MAX 33
/* The same in eight groups of four with seven spaces, and its NUL. */
#define TOTP_SECRET_DISPLAY_MAX 40
/* Room for the URI of an issuer of up to 100 bytes and an account of up
 * to 200, both counted percent-encoded. */
#define TOTP_URI_MAX 512

/* Starts liboath once, whichever thread asks first.  0, or ERR_IO when it
 * cannot start.  secret_init calls it; nothing else needs to. */
int totp_init(void);

/* A new random secret. */
void totp_secret_new(unsigned char out[TOTP_SECRET_BYTES]);

/* The n bytes of secret in base32 (RFC 4648, upper case, no "=" padding),
 * NUL-terminated in out: what the otpauth URI carries.  0; ERR_INVALID (out
 * "" when size allows) when n is 0 or the text does not fit in size;
 * ERR_NOMEM. */
int totp_secret_text(const unsigned char *secret, size_t n, char *out, size_t size);
/* The same in groups of four separated by spaces ("GEZD GNBV ..."), for a
 * person to type into an app that cannot scan.  Same results. */
int totp_secret_display(const unsigned char *secret, size_t n, char *out, size_t size);

/* The enrolment URI authenticator apps read from a QR code:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER
 *       &algorithm=SHA1&digits=6&period=30
 * with issuer and account (NUL-terminated, not empty) percent-encoded,
 * only RFC 3986's unreserved characters kept as they are.  0; ERR_INVALID
 * (out "" when size allows) when an argument is missing or empty or the
 * URI does not fit in size; ERR_NOMEM. */
int totp_uri(const char *issuer, const char *account, const unsigned char *secret, size_t n,
    char *out, size_t size);

/* The code for the time step that holds now (seconds since the epoch),
 * NUL-terminated in out.  0, or ERR_INVALID (out "") when n is 0 or now is
 * negative or too large to have a next step. */
int totp_code(const unsigned char *secret, size_t n, int64_t now, char out[TOTP_DIGITS + 1]);

/* Checks what a person typed (the code_len bytes at code, no NUL needed;
 * spaces anywhere are ignored, so "123 456" is read as "123456") against
 * the steps now-TOTP_SKEW to now+TOTP_SKEW, counting only steps after
 * last_step.  0 with the step that matched in *step_out: store it as the
 * new last_step, so that neither this code nor any older one is accepted
 * again.  ERR_MALFORMED when the code is not six digits; ERR_DENIED when it
 * matches no step it may; ERR_INVALID as for totp_code.  *step_out is set
 * only on success. */
int totp_check(const unsigned char *secret, size_t n, const char *code, size_t code_len,
    int64_t now, int64_t last_step, int64_t *step_out);

#endif
