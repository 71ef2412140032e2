/*
 * ratelimit.h - a per-network request limit (fixed windows), used against
 * ballot stuffing.  A network is an IPv4 address or an IPv6 /64.  The
 * table is bounded: when it is full of active networks a new one is
 * allowed rather than refused, so a flood of addresses cannot lock out
 * real voters.  Thread-safe.
 */
#ifndef INVOLVE_RATELIMIT_H
#define INVOLVE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 8192

struct ratelimit;

/* At most `limit` requests per `window` seconds per network; limit 0 turns
 * the limiter off.  NULL when out of memory. */
struct ratelimit *ratelimit_new(int limit, int window);
void ratelimit_free(struct ratelimit *r);
/* Counts a request from addr (text form); false when over the limit, with
 * the seconds until the window ends in *retry_after. */
bool ratelimit_allow(struct ratelimit *r, const char *addr, int64_t now, int *retry_after);

#endif
