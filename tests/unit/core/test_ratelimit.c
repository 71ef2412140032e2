/* Tests for ratelimit.c: per-network windows. */
#include <criterion/criterion.h>

#include "involve/ratelimit.h"

Test(ratelimit, limits_each_network_in_its_window)
{
	struct ratelimit *r = ratelimit_new(3, 60);
	int retry, i;

	cr_assert_not_null(r);
	for (i = 0; i < 3; i++)
		cr_assert(ratelimit_allow(r, "192.0.2.1", 1000, &retry));
	cr_assert(!ratelimit_allow(r, "192.0.2.1", 1010, &retry));
	cr_assert_eq(retry, 50);
	/* Another network is not affected; the same one is again after the window. */
	cr_assert(ratelimit_allow(r, "192.0.2.2", 1010, &retry));
	cr_assert(ratelimit_allow(r, "192.0.2.1", 1060, &retry));
	ratelimit_free(r);
}

Test(ratelimit, ipv6_counts_by_slash_64)
{
	struct ratelimit *r = ratelimit_new(1, 60);
	int retry;

	cr_assert(ratelimit_allow(r, "2001:db8:1:2::1", 1000, &retry));
	cr_assert(!ratelimit_allow(r, "2001:db8:1:2::ffff", 1000, &retry), "same /64");
	cr_assert(ratelimit_allow(r, "2001:db8:1:3::1", 1000, &retry), "another /64");
	ratelimit_free(r);
}

Test(ratelimit, zero_turns_it_off)
{
	struct ratelimit *r = ratelimit_new(0, 60);
	int retry, i;

	for (i = 0; i < 1000; i++)
		cr_assert(ratelimit_allow(r, "192.0.2.1", 1000, &retry));
	ratelimit_free(r);
}
