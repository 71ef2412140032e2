/*
 * signin.c - what staff sign-in attempts are counted by (see signin.h).
 */
#include <string.h>

#include "involve/org.h"
#include "involve/ratelimit.h"
#include "involve/signin.h"

struct str
signin_email_key(struct str typed, char *buf, size_t size)
{
	struct str t = str_trim(typed);
	size_t i, n = t.n < size ? t.n : size;

	if (n > USER_EMAIL_MAX)
		n = USER_EMAIL_MAX;
	for (i = 0; i < n; i++)
		buf[i] = t.p[i] >= 'A' && t.p[i] <= 'Z' ? (char)(t.p[i] - 'A' + 'a') : t.p[i];
	return (struct str){ buf, n };
}

void
signin_email_subject(const unsigned char net_key[SECRET_KEY_BYTES], struct str typed,
    unsigned char out[SECRET_HASH_BYTES])
{
	char buf[USER_EMAIL_SIZE];
	struct str e = signin_email_key(typed, buf, sizeof(buf));

	secret_keyed_hash(net_key, "signin-email", 0, e.p, e.n, out);
}

void
signin_counts(const unsigned char net_key[SECRET_KEY_BYTES], struct str email,
    const char *addr, struct throttle_count out[SIGNIN_COUNTS])
{
	char buf[USER_EMAIL_SIZE], net[64], pair[USER_EMAIL_SIZE + sizeof(net) + 1];
	struct str e = signin_email_key(email, buf, sizeof(buf));
	size_t n;

	ratelimit_network(addr ? addr : "", net, sizeof(net));
	/* The network first: it cannot hold a NUL, so the pair is unambiguous. */
	n = strlen(net);
	memcpy(pair, net, n + 1);
	memcpy(pair + n + 1, e.p, e.n);

	secret_keyed_hash(net_key, "signin-pair", 0, pair, n + 1 + e.n, out[SIGNIN_COUNT_PAIR].key);
	secret_keyed_hash(net_key, "signin-email", 0, e.p, e.n, out[SIGNIN_COUNT_EMAIL].key);
	secret_keyed_hash(net_key, "signin-address", 0, net, n, out[SIGNIN_COUNT_ADDRESS].key);
	memcpy(out[SIGNIN_COUNT_PAIR].subject, out[SIGNIN_COUNT_EMAIL].key, SECRET_HASH_BYTES);
	memcpy(out[SIGNIN_COUNT_EMAIL].subject, out[SIGNIN_COUNT_EMAIL].key, SECRET_HASH_BYTES);
	memcpy(out[SIGNIN_COUNT_ADDRESS].subject, out[SIGNIN_COUNT_ADDRESS].key, SECRET_HASH_BYTES);
	out[SIGNIN_COUNT_PAIR].limit = SIGNIN_LIMIT_PAIR;
	out[SIGNIN_COUNT_EMAIL].limit = SIGNIN_LIMIT_EMAIL;
	out[SIGNIN_COUNT_ADDRESS].limit = SIGNIN_LIMIT_ADDRESS;
	out[SIGNIN_COUNT_PAIR].window = SIGNIN_WINDOW;
	out[SIGNIN_COUNT_EMAIL].window = SIGNIN_WINDOW;
	out[SIGNIN_COUNT_ADDRESS].window = SIGNIN_WINDOW;
}
