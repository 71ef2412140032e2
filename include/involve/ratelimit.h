/*
 * ratelimit.h - what a per-network limit on votes counts by.
 *
 * The counting itself is in the store (struct vote_limit), in the same
 * transaction as the ballot, so the limit holds across every app server
 * sharing the database.  This module names the network an address belongs
 * to, so that one household's or one attacker's addresses count together:
 * an IPv4 address, or an IPv6 /64 (one customer's usual allocation).
 */
#ifndef INVOLVE_RATELIMIT_H
#define INVOLVE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/* Votes per network are counted in windows of this many seconds. */
#define RATELIMIT_WINDOW 60

/* The network of addr as text ("192.0.2.1", "2001:db8:1:2::/64"); text
 * that is neither kind of address is kept as it is, cut to fit. */
void ratelimit_network(const char *addr, char *out, size_t size);
/* Seconds until the fixed window that holds `now` ends (at least 1). */
int ratelimit_retry_after(int64_t now, int window);

#endif
