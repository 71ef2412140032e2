/* Tests for ratelimit.c: the network an address counts for, and the
 * fixed windows' ends.  The counting is tested with the store. */
#include <criterion/criterion.h>

#include "involve/ratelimit.h"

/* Up to four results live at once, for comparing them. */
static const char *
net(const char *addr)
{
	static char out[4][64];
	static int next;
	char *p = out[next++ % 4];

	ratelimit_network(addr, p, sizeof(out[0]));
	return p;
}

Test(ratelimit, ipv4_counts_by_address)
{
	cr_assert_str_eq(net("192.0.2.1"), "192.0.2.1");
	cr_assert_str_neq(net("192.0.2.1"), net("192.0.2.2"));
}

Test(ratelimit, ipv6_counts_by_slash_64)
{
	cr_assert_str_eq(net("2001:db8:1:2::1"), "2001:db8:1:2::/64");
	cr_assert_str_eq(net("2001:db8:1:2::1"), net("2001:db8:1:2:ffff:ffff:ffff:ffff"), "same /64");
	cr_assert_str_neq(net("2001:db8:1:2::1"), net("2001:db8:1:3::1"), "another /64");
	/* One address, two spellings: one network. */
	cr_assert_str_eq(net("2001:DB8:1:2:0:0:0:1"), net("2001:db8:1:2::1"));
}

Test(ratelimit, other_text_is_kept_and_cut)
{
	char out[8];

	ratelimit_network("unix-socket-peer", out, sizeof(out));
	cr_assert_str_eq(out, "unix-so");
}

Test(ratelimit, windows_are_fixed)
{
	cr_assert_eq(ratelimit_retry_after(1000, 60), 20); /* 960 + 60 */
	cr_assert_eq(ratelimit_retry_after(1020, 60), 60);
	cr_assert_eq(ratelimit_retry_after(1079, 60), 1);
	cr_assert_eq(ratelimit_retry_after(5, 0), 1);
}
