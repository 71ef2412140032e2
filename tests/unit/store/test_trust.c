/*
 * The store's part of trust, on both databases: sign-in throttles that lapse
 * by time and can be lifted, accounts that can be ended (and the last
 * administrator who cannot), tokens that expire and are revoked, second
 * factors whose codes work once, and housekeeping that keeps nothing past
 * its purpose.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "involve/secret.h"
#include "involve/signin.h"
#include "involve/store.h"
#include "fixture.h"

TestSuite(trust, .init = store_fixture_setup, .fini = store_fixture_teardown);

static const unsigned char net_key[32] = { 9 };

static int64_t
make_user(int64_t org, const char *email, enum role role)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.org_id = org;
	u.role = role;
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$test");
	cr_assert_eq(store_user_create(st, &who, &u), 0);
	return u.id;
}

static void
hash_of(const char *text, unsigned char out[STORE_HASH_SIZE])
{
	secret_token_hash(key, text, strlen(text), out);
}

static int
count_entries(void *arg, const struct audit_entry *e)
{
	int *n = arg;

	(void)e;
	(*n)++;
	return 0;
}

struct find_action {
	const char *action;
	int n;
};

static int
find_action(void *arg, const struct audit_entry *e)
{
	struct find_action *f = arg;

	if (strcmp(e->action, f->action) == 0)
		f->n++;
	return 0;
}

static int
audited(const char *action)
{
	struct find_action f = { action, 0 };

	cr_assert_eq(store_audit_each(st, find_action, &f), 0);
	return f.n;
}

Test(trust, throttle_counts_to_each_limit_and_lapses_by_time)
{
	struct throttle_count c[SIGNIN_COUNTS];
	struct actor a = { 0, 0, "someone@example.org" };
	int64_t until = 0, now = 100000;
	int i;

	signin_counts(net_key, str_c("Someone@Example.org "), "192.0.2.7", c);
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now, &until), 0);
	cr_assert_eq(until, 0);
	for (i = 1; i < SIGNIN_LIMIT_PAIR; i++) {
		cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS,
		    now + i, &until), 0);
		cr_assert_eq(until, 0, "failure %d is under every limit", i);
	}
	cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS,
	    now + 10, &until), 0);
	cr_assert_eq(until, now + 1 + SIGNIN_WINDOW, "the window runs from the first failure");
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now + 20, &until), 0);
	cr_assert_eq(until, now + 1 + SIGNIN_WINDOW);
	cr_assert_eq(audited("signin.fail"), SIGNIN_LIMIT_PAIR);
	cr_assert_eq(audited("signin.throttle"), 1, "reaching the limit is recorded once");

	/* The same email typed another way from another network: only the
	 * email's own count (5 of 20) holds, so it is not throttled. */
	{
		struct throttle_count other[SIGNIN_COUNTS];

		signin_counts(net_key, str_c("someone@example.org"), "198.51.100.9", other);
		cr_assert_eq(store_throttle_until(st, other, SIGNIN_COUNTS, now + 20, &until), 0);
		cr_assert_eq(until, 0);
		cr_assert(memcmp(other[SIGNIN_COUNT_EMAIL].key, c[SIGNIN_COUNT_EMAIL].key, 32) == 0);
	}
	/* When the window has passed, nothing holds and a new window starts. */
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now + 1 + SIGNIN_WINDOW, &until),
	    0);
	cr_assert_eq(until, 0);
	cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS,
	    now + 2 + SIGNIN_WINDOW, &until), 0);
	cr_assert_eq(until, 0, "the count started again");
}

Test(trust, throttle_limits_email_from_anywhere_and_address_for_any_email)
{
	struct throttle_count c[SIGNIN_COUNTS];
	struct actor a = { 0, 0, "x" };
	char addr[32], email[64];
	int64_t until = 0, now = 5000;
	int i;

	/* 20 failures for one email from 20 networks. */
	for (i = 0; i < SIGNIN_LIMIT_EMAIL; i++) {
		snprintf(addr, sizeof(addr), "203.0.113.%d", i + 1);
		signin_counts(net_key, str_c("target@example.org"), addr, c);
		cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS,
		    now, &until), 0);
	}
	cr_assert_gt(until, now, "the email is throttled from anywhere");
	signin_counts(net_key, str_c("target@example.org"), "2001:db8::1", c);
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now + 1, &until), 0);
	cr_assert_gt(until, now);
	/* 50 failures from one IPv6 /64 for 50 emails. */
	for (i = 0; i < SIGNIN_LIMIT_ADDRESS; i++) {
		snprintf(email, sizeof(email), "guess%d@example.org", i);
		snprintf(addr, sizeof(addr), "2001:db8:5:6::%x", i + 1);
		signin_counts(net_key, str_c(email), addr, c);
		cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS,
		    now, &until), 0);
	}
	cr_assert_gt(until, now, "the network is throttled for any email");
	signin_counts(net_key, str_c("new@example.org"), "2001:db8:5:6:ffff::1", c);
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now + 1, &until), 0);
	cr_assert_gt(until, now);
	signin_counts(net_key, str_c("new@example.org"), "2001:db8:5:7::1", c);
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now + 1, &until), 0);
	cr_assert_eq(until, 0, "another network is not");
}

Test(trust, an_administrator_lifts_a_throttle_and_a_success_forgets_its_pair)
{
	struct throttle_count c[SIGNIN_COUNTS];
	unsigned char subject[SECRET_HASH_BYTES];
	struct actor a = { 0, 0, "x" };
	int64_t until = 0, now = 7000;
	int i, lifted = 0;

	signin_counts(net_key, str_c("staff@example.org"), "192.0.2.1", c);
	for (i = 0; i < SIGNIN_LIMIT_PAIR; i++)
		cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS,
		    now, &until), 0);
	cr_assert_gt(until, now);
	signin_email_subject(net_key, str_c(" STAFF@example.org"), subject);
	cr_assert_eq(store_throttle_lift(st, &who, "user:1", subject, &lifted), 0);
	cr_assert_eq(lifted, 2, "the pair's count and the email's");
	cr_assert_eq(store_throttle_until(st, c, SIGNIN_COUNTS, now + 1, &until), 0);
	cr_assert_eq(until, 0);
	cr_assert_eq(audited("signin.lift"), 1);

	cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS, now,
	    &until), 0);
	cr_assert_eq(store_throttle_forget(st, &c[SIGNIN_COUNT_PAIR]), 0);
	cr_assert_eq(store_throttle_lift(st, &who, "user:1", subject, &lifted), 0);
	cr_assert_eq(lifted, 1, "only the email's count was left");
}

Test(trust, housekeeping_deletes_what_has_passed)
{
	struct throttle_count c[SIGNIN_COUNTS];
	unsigned char subject[SECRET_HASH_BYTES], h[STORE_HASH_SIZE];
	struct actor a = { 0, 0, "x" };
	struct session sess = { 0 }, out;
	int64_t until, now = 9000;
	int64_t org = make_org("house");
	int lifted = 0;

	signin_counts(net_key, str_c("a@example.org"), "192.0.2.1", c);
	cr_assert_eq(store_throttle_fail(st, &a, "signin.fail", "signin", c, SIGNIN_COUNTS, now,
	    &until), 0);
	sess.user_id = make_user(org, "house@example.org", ROLE_ADMIN);
	sess.expires_at = now + 10;
	hash_of("s1", h);
	cr_assert_eq(store_session_create(st, NULL, h, NULL, &sess, now), 0);
	cr_assert_eq(store_housekeep(st, now + SIGNIN_WINDOW), 0);
	signin_email_subject(net_key, str_c("a@example.org"), subject);
	cr_assert_eq(store_throttle_lift(st, &who, "x", subject, &lifted), 0);
	cr_assert_eq(lifted, 0, "the counts were deleted when their window passed");
	cr_assert_eq(store_session_get(st, h, now, 3600, &out), ERR_NOTFOUND, "and the session");
}

Test(trust, sessions_rotate_and_end_with_the_account)
{
	int64_t org = make_org("rot");
	int64_t admin = make_user(org, "admin@rot.example", ROLE_ADMIN);
	int64_t officer = make_user(org, "officer@rot.example", ROLE_OFFICER);
	struct actor boss = { org, admin, "admin@rot.example" };
	unsigned char h1[STORE_HASH_SIZE], h2[STORE_HASH_SIZE], t1[STORE_HASH_SIZE];
	struct session sess = { 0 }, out;
	struct api_token tok = { 0 }, got;
	struct errors e;
	int64_t now = (int64_t)time(NULL);
	int before = 0, after = 0;

	sess.user_id = officer;
	sess.expires_at = now + 3600;
	hash_of("old", h1);
	hash_of("new", h2);
	cr_assert_eq(store_session_create(st, NULL, h1, NULL, &sess, now), 0);
	cr_assert_eq(store_audit_each(st, count_entries, &before), 0);
	cr_assert_eq(store_session_create(st, &boss, h2, h1, &sess, now), 0);
	cr_assert_eq(store_session_get(st, h1, now, 600, &out), ERR_NOTFOUND, "the old id ended");
	cr_assert_eq(store_session_get(st, h2, now, 600, &out), 0);
	cr_assert_eq(store_audit_each(st, count_entries, &after), 0);
	cr_assert_eq(after, before + 1, "the sign-in is audited");

	tok.user_id = officer;
	tok.org_id = org;
	hash_of("inv_tok", t1);
	cr_assert_eq(store_token_create(st, &who, t1, &tok), 0);
	errors_init(&e);
	cr_assert_eq(store_user_disable(st, &boss, org, officer, true, &e), 0);
	cr_assert_eq(store_session_get(st, h2, now, 600, &out), ERR_NOTFOUND, "sessions end");
	cr_assert_eq(store_token_get(st, t1, now, &got), ERR_NOTFOUND, "tokens end");
	cr_assert_eq(store_user_disable(st, &boss, org, officer, true, &e), ERR_CONFLICT,
	    "disabled twice");
	/* Enabled again, the account signs in anew; the token stays revoked. */
	errors_init(&e);
	cr_assert_eq(store_user_disable(st, &boss, org, officer, false, &e), 0);
	cr_assert_eq(store_token_get(st, t1, now, &got), ERR_NOTFOUND);
	cr_assert_eq(audited("user.disable"), 1);
	cr_assert_eq(audited("user.enable"), 1);
}

Test(trust, the_last_administrator_stays)
{
	int64_t org = make_org("last");
	int64_t other = make_org("other");
	int64_t a1 = make_user(org, "a1@last.example", ROLE_ADMIN);
	int64_t a2 = make_user(org, "a2@last.example", ROLE_ADMIN);
	struct errors e;

	make_user(other, "a@other.example", ROLE_ADMIN);
	errors_init(&e);
	cr_assert_eq(store_user_disable(st, &who, org, a1, true, &e), 0, "another remains");
	errors_init(&e);
	cr_assert_eq(store_user_disable(st, &who, org, a2, true, &e), ERR_CONFLICT);
	cr_assert_eq(e.n, 1);
	cr_assert(strstr(e.list[0].detail, "only administrator") != NULL, "%s", e.list[0].detail);
	errors_init(&e);
	cr_assert_eq(store_user_set_role(st, &who, org, a2, ROLE_VIEWER, &e), ERR_CONFLICT);
	errors_init(&e);
	cr_assert_eq(store_user_set_role(st, &who, org, a2, ROLE_ADMIN, &e), 0, "no change");
	/* Another organisation's user is not found. */
	errors_init(&e);
	cr_assert_eq(store_user_disable(st, &who, other, a2, true, &e), ERR_NOTFOUND);
	cr_assert_eq(store_user_set_role(st, &who, other, a2, ROLE_VIEWER, &e), ERR_NOTFOUND);
}

Test(trust, tokens_expire_are_listed_and_revoked_once)
{
	int64_t org = make_org("tok");
	int64_t other = make_org("tok2");
	int64_t u = make_user(org, "t@tok.example", ROLE_OFFICER);
	unsigned char h1[STORE_HASH_SIZE], h2[STORE_HASH_SIZE];
	struct api_token t1 = { 0 }, t2 = { 0 }, got;
	int64_t now = 50000;

	t1.user_id = u;
	t1.org_id = org;
	t1.expires_at = now + 86400;
	hash_of("inv_1", h1);
	cr_assert_eq(store_token_create(st, &who, h1, &t1), 0);
	t2 = t1;
	t2.expires_at = 0;
	hash_of("inv_2", h2);
	cr_assert_eq(store_token_create(st, &who, h2, &t2), 0);
	cr_assert_eq(store_token_get(st, h1, now, &got), 0);
	cr_assert_str_eq(got.email, "t@tok.example");
	cr_assert_eq(store_token_get(st, h1, now + 86400, &got), ERR_NOTFOUND, "expired");
	cr_assert_eq(store_token_get(st, h2, now + 86400 * 3650, &got), 0, "never expires");
	cr_assert_eq(store_token_used(st, &got, now + 100), 0);
	cr_assert_eq(store_token_get(st, h2, now + 200, &got), 0);
	cr_assert_eq(got.last_used_at, now + 100);

	cr_assert_eq(store_token_revoke(st, &who, other, t2.id, now), ERR_NOTFOUND,
	    "another organisation's");
	cr_assert_eq(store_token_revoke(st, &who, org, t2.id, now), 0);
	cr_assert_eq(store_token_get(st, h2, now + 1, &got), ERR_NOTFOUND, "revoked");
	cr_assert_eq(store_token_revoke(st, &who, org, t2.id, now), ERR_CONFLICT, "twice");
	cr_assert_eq(store_token_revoke(st, &who, org, t2.id + 100, now), ERR_NOTFOUND);
	/* A new password revokes the rest. */
	cr_assert_eq(store_user_set_password(st, &who, u, "$argon2id$other"), 0);
	cr_assert_eq(store_token_get(st, h1, now, &got), ERR_NOTFOUND);
	cr_assert_eq(audited("token.revoke"), 1);
}

static int
count_tokens(void *arg, const struct api_token *t)
{
	int *n = arg;

	cr_assert_neq(t->revoked_at, 0, "each is revoked by now");
	(*n)++;
	return 0;
}

Test(trust, token_list_shows_revoked_ones_too)
{
	int64_t org = make_org("list");
	int64_t u = make_user(org, "l@list.example", ROLE_OFFICER);
	unsigned char h[STORE_HASH_SIZE];
	struct api_token t = { 0 };
	int n = 0;

	t.user_id = u;
	t.org_id = org;
	hash_of("inv_l", h);
	cr_assert_eq(store_token_create(st, &who, h, &t), 0);
	cr_assert_eq(store_token_revoke(st, &who, org, t.id, 10), 0);
	cr_assert_eq(store_token_each(st, org, u, count_tokens, &n), 0);
	cr_assert_eq(n, 1);
	n = 0;
	cr_assert_eq(store_token_each(st, org, u + 1000, count_tokens, &n), 0);
	cr_assert_eq(n, 0, "another user's list");
}

Test(trust, second_factor_codes_work_once)
{
	int64_t org = make_org("mfa");
	int64_t u = make_user(org, "m@mfa.example", ROLE_ADMIN);
	unsigned char codes[2][SECRET_HASH_BYTES], sealed[40] = { 1, 2, 3 };
	struct actor me = { org, u, "m@mfa.example" };
	struct user got;
	int left = -1;

	memset(codes[0], 0xaa, sizeof(codes[0]));
	memset(codes[1], 0xbb, sizeof(codes[1]));
	cr_assert_eq(store_mfa_use_step(st, u, 100), ERR_DENIED, "none set up");
	cr_assert_eq(store_mfa_enable(st, &me, u, sealed, sizeof(sealed), 100, codes, 2, 1000), 0);
	cr_assert_eq(store_user_get(st, u, &got), 0);
	cr_assert_eq(got.mfa_secret_n, sizeof(sealed));
	cr_assert_eq(got.mfa_on, 1000);
	cr_assert_eq(store_mfa_enable(st, &me, u, sealed, sizeof(sealed), 200, codes, 2, 1000),
	    ERR_CONFLICT, "on already");
	cr_assert_eq(store_mfa_use_step(st, u, 100), ERR_DENIED, "the confirming code again");
	cr_assert_eq(store_mfa_use_step(st, u, 99), ERR_DENIED, "an older one");
	cr_assert_eq(store_mfa_use_step(st, u, 101), 0);
	cr_assert_eq(store_mfa_use_step(st, u, 101), ERR_DENIED, "reused");
	cr_assert_eq(store_mfa_use_recovery(st, &me, u, codes[0], &left), 0);
	cr_assert_eq(left, 1);
	cr_assert_eq(store_mfa_use_recovery(st, &me, u, codes[0], &left), ERR_DENIED, "used");
	cr_assert_eq(store_mfa_reset(st, &who, org + 1000, u), ERR_NOTFOUND, "other organisation");
	cr_assert_eq(store_mfa_reset(st, &who, 0, u), 0);
	cr_assert_eq(store_mfa_use_recovery(st, &me, u, codes[1], &left), ERR_DENIED,
	    "codes go with a reset");
	cr_assert_eq(store_user_get(st, u, &got), 0);
	cr_assert_eq(got.mfa_on, 0);
	cr_assert_eq(got.mfa_secret_n, 0);
	cr_assert_eq(store_mfa_enable(st, &me, u, sealed, sizeof(sealed), 300, codes, 2, 1000), 0,
	    "set up again");
	cr_assert_eq(audited("mfa.enable"), 2, "on, and on again after the reset");
	cr_assert_eq(audited("mfa.reset"), 1);
	cr_assert_eq(audited("mfa.recovery_code"), 1);
}

Test(trust, organisation_settings_are_kept)
{
	struct org o;
	int64_t id = make_org("set");

	cr_assert_eq(store_org_get(st, id, &o), 0);
	cr_assert_eq(o.require_mfa, MFA_ADMINS, "the default");
	cr_assert_str_eq(o.frame_origins, "");
	o.require_mfa = MFA_ALL;
	snprintf(o.frame_origins, sizeof(o.frame_origins), "https://www.example.nhs.uk");
	cr_assert_eq(store_org_update_settings(st, &who, &o), 0);
	cr_assert_eq(store_org_get(st, id, &o), 0);
	cr_assert_eq(o.require_mfa, MFA_ALL);
	cr_assert_str_eq(o.frame_origins, "https://www.example.nhs.uk");
	o.id += 1000;
	cr_assert_eq(store_org_update_settings(st, &who, &o), ERR_NOTFOUND);
}
