/*
 * signin.h - the rules of staff sign-in: how many failed attempts are
 * allowed before further attempts are refused, and what they are counted
 * by.
 *
 * Failures are counted three ways, each for SIGNIN_WINDOW seconds from
 * the first failure it counts: for one email from one client address
 * (SIGNIN_LIMIT_PAIR), for one email from anywhere (SIGNIN_LIMIT_EMAIL)
 * and from one address for any email (SIGNIN_LIMIT_ADDRESS).  The email
 * is counted as typed, whether or not an account has it, so a refusal
 * tells nothing about who has an account.  An address is an IPv4 address
 * or an IPv6 /64 (ratelimit.h).  Nothing counted is kept as itself: each
 * count is found by a keyed hash (secret_keyed_hash with the net key).
 *
 * Counts lapse by time, never by a person's action: an attacker can delay
 * someone's sign-in by SIGNIN_WINDOW at most, never lock them out for
 * good, and an administrator can lift a throttle at once.
 */
#ifndef INVOLVE_SIGNIN_H
#define INVOLVE_SIGNIN_H

#include <stdint.h>

#include "involve/secret.h"
#include "involve/str.h"

#define SIGNIN_WINDOW (15 * 60)
#define SIGNIN_LIMIT_PAIR 5
#define SIGNIN_LIMIT_EMAIL 20
#define SIGNIN_LIMIT_ADDRESS 50

/* One count of failures: found by key; subject is what an administrator
 * lifts it by (the email's hash, or the address's for an address alone). */
struct throttle_count {
	unsigned char key[SECRET_HASH_BYTES];
	unsigned char subject[SECRET_HASH_BYTES];
	int limit;
	int window; /* seconds from the first failure counted */
};

enum { SIGNIN_COUNT_PAIR, SIGNIN_COUNT_EMAIL, SIGNIN_COUNT_ADDRESS, SIGNIN_COUNTS };

/* The email as it is counted: trimmed and lower-cased (ASCII), so "A@x"
 * and " a@x" count together; at most USER_EMAIL_MAX bytes are kept. */
struct str signin_email_key(struct str typed, char *buf, size_t size);
/* The keyed hash an email is lifted by (the subject of its counts). */
void signin_email_subject(const unsigned char net_key[SECRET_KEY_BYTES], struct str typed,
    unsigned char out[SECRET_HASH_BYTES]);
/* Fills the three counts for an attempt with email (as typed) from addr. */
void signin_counts(const unsigned char net_key[SECRET_KEY_BYTES], struct str email,
    const char *addr, struct throttle_count out[SIGNIN_COUNTS]);

#endif
