/*
 * proxy.h - trusted reverse proxies and the client address behind them.
 *
 * Behind a reverse proxy every connection comes from the proxy, and the
 * person's address travels in X-Forwarded-For.  Anyone can send that
 * header, so it is believed only when the connection comes from a proxy
 * the operator named (`serve --trusted-proxy`), and only as far as the
 * chain of trusted proxies goes: walking the list from the right (the
 * entry our own proxy appended), the first address that is not itself a
 * trusted proxy is the client.  Everything left of it was written by the
 * client and may be forged.
 */
#ifndef INVOLVE_PROXY_H
#define INVOLVE_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "involve/error.h"
#include "involve/str.h"

/* Networks in one list: far more than any real chain of proxies, small
 * enough that matching every request against all of them costs nothing. */
#define PROXY_LIST_MAX 64
/* X-Forwarded-For entries looked at, right to left: a chain longer than
 * this is not a chain of our proxies, and the walk must stay bounded. */
#define PROXY_HOPS_MAX 16

struct proxy_net {
	int family;             /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network address, host bits cleared */
	int prefix;             /* 0..32 or 0..128 */
};

struct proxy_list {
	int n;
	struct proxy_net nets[PROXY_LIST_MAX];
};

void proxy_list_init(struct proxy_list *l);
/*
 * Adds "ADDR[/PREFIX]" or several separated by commas ("10.0.0.1,
 * 192.168.0.0/16, ::1"), IPv4 or IPv6.  Host bits past the prefix are
 * ignored; an empty or blank spec adds nothing.  ERR_INVALID with a
 * message on "trusted-proxy" in e when an entry is malformed or the list
 * is full; the list is then unchanged.
 */
int proxy_list_add(struct proxy_list *l, const char *spec, struct errors *e);
/* Whether the address (text form; IPv4-mapped IPv6 counts as IPv4) lies
 * in one of the list's networks.  False for anything unparseable. */
bool proxy_list_contains(const struct proxy_list *l, const char *addr);

/*
 * Writes the client's address into out: `peer` (the TCP peer's address)
 * unless the peer is a trusted proxy, in which case the rightmost
 * X-Forwarded-For entry that is not a trusted proxy.  `forwarded` holds
 * the values of every X-Forwarded-For header in the order received.  A
 * malformed entry ends the walk: what lies left of it cannot be trusted,
 * so the last trusted address passed is used.  The result is in canonical
 * text form (IPv4-mapped IPv6 written as IPv4).
 */
void proxy_client_address(const struct proxy_list *l, const char *peer, const struct str *forwarded,
    int forwarded_n, char *out, size_t size);

#endif
