/* Tests for proxy.c: parsing trusted proxy networks, matching addresses and
 * choosing the client's address from X-Forwarded-For. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/proxy.h"

static struct proxy_list
list_of(const char *spec)
{
	struct proxy_list l;
	struct errors e;

	proxy_list_init(&l);
	errors_init(&e);
	cr_assert_eq(proxy_list_add(&l, spec, &e), 0, "%s: %s", spec, e.n ? e.list[0].detail : "");
	return l;
}

/* The client address for a request from peer with the given headers. */
static const char *
client(const struct proxy_list *l, const char *peer, int n, const char *const *headers)
{
	static char out[64];
	struct str values[8];
	int i;

	for (i = 0; i < n; i++)
		values[i] = str_c(headers[i]);
	proxy_client_address(l, peer, values, n, out, sizeof(out));
	return out;
}

#define ONE(h)                                                                                     \
	1, (const char *const[])                                                                   \
	{                                                                                          \
		h                                                                                  \
	}

Test(proxy, parses_addresses_and_networks)
{
	struct proxy_list l = list_of("10.0.0.1, 192.168.0.0/16,fd00::/8 ,::1");

	cr_assert_eq(l.n, 4);
	cr_assert(proxy_list_contains(&l, "10.0.0.1"));
	cr_assert_not(proxy_list_contains(&l, "10.0.0.2"));
	cr_assert(proxy_list_contains(&l, "192.168.200.7"));
	cr_assert_not(proxy_list_contains(&l, "192.169.0.1"));
	cr_assert(proxy_list_contains(&l, "fd12:3456::1"));
	cr_assert_not(proxy_list_contains(&l, "fe80::1"));
	cr_assert(proxy_list_contains(&l, "::1"));
	cr_assert_not(proxy_list_contains(&l, "::2"));
	cr_assert_not(proxy_list_contains(&l, "not an address"));
	cr_assert_not(proxy_list_contains(&l, ""));
}

Test(proxy, repeated_adds_accumulate)
{
	struct proxy_list l = list_of("10.0.0.1");
	struct errors e;

	errors_init(&e);
	cr_assert_eq(proxy_list_add(&l, "10.0.0.2/32", &e), 0);
	cr_assert_eq(l.n, 2);
	cr_assert(proxy_list_contains(&l, "10.0.0.1"));
	cr_assert(proxy_list_contains(&l, "10.0.0.2"));
}

Test(proxy, prefix_boundaries)
{
	struct proxy_list l = list_of("172.16.0.0/12,0.0.0.0/0");

	cr_assert(proxy_list_contains(&l, "172.31.255.255"));
	l = list_of("172.16.0.0/12");
	cr_assert(proxy_list_contains(&l, "172.16.0.0"));
	cr_assert(proxy_list_contains(&l, "172.31.255.255"));
	cr_assert_not(proxy_list_contains(&l, "172.32.0.0"));
	cr_assert_not(proxy_list_contains(&l, "172.15.255.255"));
	/* Host bits past the prefix are ignored. */
	l = list_of("10.1.2.3/8");
	cr_assert(proxy_list_contains(&l, "10.200.0.1"));
	l = list_of("2001:db8::/33");
	cr_assert(proxy_list_contains(&l, "2001:db8:7fff::1"));
	cr_assert_not(proxy_list_contains(&l, "2001:db8:8000::1"));
	/* An IPv4 network does not match IPv6 addresses, except mapped ones. */
	l = list_of("127.0.0.1");
	cr_assert(proxy_list_contains(&l, "::ffff:127.0.0.1"));
	cr_assert_not(proxy_list_contains(&l, "::1"));
}

Test(proxy, rejects_malformed_networks)
{
	static const char *const bad[] = { "10.0.0", "10.0.0.1/33", "::1/129", "10.0.0.1/",
		"10.0.0.1/-1", "10.0.0.1/8x", "10.0.0.1/0008", "host.example", "10.0.0.1,",
		",10.0.0.1", "10.0.0.1:80", "[::1]", "fe80::1%eth0", "1.2.3.4 5.6.7.8" };
	struct proxy_list l;
	struct errors e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		proxy_list_init(&l);
		errors_init(&e);
		cr_assert_eq(proxy_list_add(&l, "192.0.2.1", &e), 0);
		errors_init(&e);
		cr_assert_eq(
		    proxy_list_add(&l, bad[i], &e), ERR_INVALID, "accepted \"%s\"", bad[i]);
		cr_assert_eq(e.n, 1);
		cr_assert_str_eq(e.list[0].field, "trusted-proxy");
		cr_assert_eq(l.n, 1, "a failed add leaves the list as it was (\"%s\")", bad[i]);
	}
}

Test(proxy, empty_spec_names_none)
{
	struct proxy_list l;
	struct errors e;

	proxy_list_init(&l);
	errors_init(&e);
	cr_assert_eq(proxy_list_add(&l, "", &e), 0);
	cr_assert_eq(proxy_list_add(&l, " \t", &e), 0);
	cr_assert_eq(l.n, 0);
	cr_assert_eq(proxy_list_add(&l, " , ", &e), ERR_INVALID);
}

Test(proxy, list_is_bounded)
{
	struct proxy_list l;
	struct errors e;
	int i;

	proxy_list_init(&l);
	errors_init(&e);
	for (i = 0; i < PROXY_LIST_MAX; i++)
		cr_assert_eq(proxy_list_add(&l, "10.0.0.1", &e), 0);
	cr_assert_eq(proxy_list_add(&l, "10.0.0.2", &e), ERR_INVALID);
	cr_assert_eq(l.n, PROXY_LIST_MAX);
}

Test(proxy, untrusted_peer_ignores_the_header)
{
	struct proxy_list l = list_of("10.0.0.1");
	struct proxy_list none;

	cr_assert_str_eq(client(&l, "203.0.113.9", ONE("198.51.100.1")), "203.0.113.9");
	proxy_list_init(&none);
	cr_assert_str_eq(client(&none, "127.0.0.1", ONE("198.51.100.1")), "127.0.0.1");
	cr_assert_str_eq(client(&l, "203.0.113.9", 0, NULL), "203.0.113.9");
}

Test(proxy, trusted_peer_uses_the_rightmost_untrusted_entry)
{
	struct proxy_list l = list_of("10.0.0.0/8");

	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("198.51.100.1")), "198.51.100.1");
	/* The client may write anything on the left; it is never believed. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("1.1.1.1, 198.51.100.1")), "198.51.100.1");
	/* Trusted hops on the right are skipped. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("1.1.1.1, 198.51.100.1, 10.2.3.4,10.9.9.9")),
	    "198.51.100.1");
	/* Several headers are one list, in order. */
	cr_assert_str_eq(
	    client(&l, "10.0.0.1", 2, (const char *const[]){ "1.1.1.1, 198.51.100.7", "10.2.3.4" }),
	    "198.51.100.7");
	/* No header: the peer. */
	cr_assert_str_eq(client(&l, "10.0.0.1", 0, NULL), "10.0.0.1");
	/* Every entry trusted: the furthest one. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("10.3.3.3, 10.2.2.2")), "10.3.3.3");
	/* IPv6, written canonically; mapped IPv4 written as IPv4. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("2001:DB8:0:0::1")), "2001:db8::1");
	cr_assert_str_eq(client(&l, "::ffff:10.0.0.1", ONE("::ffff:198.51.100.2")), "198.51.100.2");
}

Test(proxy, malformed_entries_stop_the_walk)
{
	struct proxy_list l = list_of("10.0.0.0/8");

	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("not-an-address")), "10.0.0.1");
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("")), "10.0.0.1");
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("198.51.100.1:4711")), "10.0.0.1");
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("[2001:db8::1]")), "10.0.0.1");
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("unknown")), "10.0.0.1");
	/* A malformed entry on the right hides the (forgeable) ones on its left. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("198.51.100.1, garbage")), "10.0.0.1");
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("198.51.100.1,,10.2.2.2")), "10.2.2.2");
	/* ... but one on the left of the client does not matter. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE("garbage, 198.51.100.1")), "198.51.100.1");
	/* Spaces and tabs around entries are allowed. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE(" \t198.51.100.1 \t")), "198.51.100.1");
}

Test(proxy, long_chains_are_cut)
{
	struct proxy_list l = list_of("10.0.0.0/8");
	char header[1024] = "198.51.100.1";
	int i;

	for (i = 0; i < PROXY_HOPS_MAX; i++)
		strcat(header, ", 10.1.1.1");
	/* The client sits past the last hop looked at: the walk stops at a
	 * trusted address instead of believing it. */
	cr_assert_str_eq(client(&l, "10.0.0.1", ONE(header)), "10.1.1.1");
}
