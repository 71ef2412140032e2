/* Tests for audit.c: a sealed chain verifies; edits, gaps, reordering and
 * the wrong key are each reported at the right entry. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "involve/audit.h"
#include "involve/error.h"

#define N 10

static unsigned char key[AUDIT_HASH_BYTES];
static unsigned char other_key[AUDIT_HASH_BYTES];
static struct audit_entry chain[N + 1]; /* chain[1..N]; chain[0] unused */

/* Builds entries 1..N, each sealed onto the one before. */
static void
setup(void)
{
	static const unsigned char zero[AUDIT_HASH_BYTES];
	int i;

	for (i = 0; i < AUDIT_HASH_BYTES; i++) {
		key[i] = (unsigned char)i;
		other_key[i] = (unsigned char)(i + 1);
	}
	memset(chain, 0, sizeof(chain));
	for (i = 1; i <= N; i++) {
		struct audit_entry *e = &chain[i];

		e->seq = i;
		e->at = 1795437900 + i * 60;
		e->org_id = i % 3;
		e->user_id = i % 2 ? 0 : 40 + i;
		snprintf(
		    e->actor, sizeof(e->actor), "%s", i % 2 ? "cli" : "officer@example.nhs.uk");
		snprintf(e->action, sizeof(e->action), "poll.update");
		snprintf(e->target, sizeof(e->target), "poll:%d", i);
		snprintf(
		    e->detail, sizeof(e->detail), "{\"closes_at\":\"2026-12-%02dT12:00:00Z\"}", i);
		audit_entry_seal(key, e, i == 1 ? zero : chain[i - 1].hash);
	}
}

TestSuite(audit, .init = setup);

/* Feeds the entries whose indexes are listed (0-terminated); returns the
 * index in `order` of the first refusal, or -1, and the message in msg. */
static int
verify(const unsigned char *k, const int *order, char *msg, size_t msg_size)
{
	struct audit_verifier v;
	struct errors e;
	int i, failed_at = -1;

	errors_init(&e);
	audit_verifier_init(&v, k);
	msg[0] = '\0';
	for (i = 0; order[i] != 0; i++) {
		if (audit_verifier_feed(&v, &chain[order[i]], &e) != 0) {
			failed_at = i;
			break;
		}
	}
	if (failed_at >= 0) {
		cr_assert_eq(e.n, 1);
		cr_expect_str_eq(e.list[0].field, "audit");
		snprintf(msg, msg_size, "%s", e.list[0].detail);
		cr_expect_eq(audit_verifier_count(&v), failed_at);
	} else {
		cr_expect_eq(e.n, 0);
		cr_expect_eq(audit_verifier_count(&v), i);
	}
	audit_verifier_wipe(&v);
	return failed_at;
}

static const int all[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 };

Test(audit, a_sealed_chain_verifies)
{
	char msg[ERROR_DETAIL_MAX];

	cr_expect_eq(verify(key, all, msg, sizeof(msg)), -1, "%s", msg);
}

Test(audit, the_encoding_is_fixed)
{
	/* Computed independently from the encoding written in audit.h (Python's
	 * hashlib.blake2b, key bytes 0..31, digest_size 32).  If this changes,
	 * every existing audit log stops verifying. */
	static const unsigned char want[32] = {
		0x37,
		0xc7,
		0x8e,
		0x7d,
		0xc2,
		0x03,
		0x73,
		0x3c,
		0xf3,
		0xa3,
		0x5e,
		0xbb,
		0x19,
		0x12,
		0x15,
		0x41,
		0x6a,
		0xf3,
		0xa3,
		0xf5,
		0x09,
		0x77,
		0x73,
		0x03,
		0x4d,
		0xd6,
		0xf9,
		0x1d,
		0x36,
		0x5c,
		0xa9,
		0xe0,
	};
	unsigned char prev[32];
	struct audit_entry e;

	memset(&e, 0, sizeof(e));
	memset(prev, 0xAA, sizeof(prev));
	e.seq = 7;
	e.at = 1795437900;
	e.org_id = 3;
	e.user_id = -1;
	strcpy(e.actor, "a@example.org");
	strcpy(e.action, "poll.create");
	strcpy(e.target, "poll:12");
	strcpy(e.detail, "{\"title\":\"Pharmacy\"}");
	audit_entry_seal(key, &e, prev);
	cr_expect(memcmp(e.prev, prev, 32) == 0);
	cr_expect(memcmp(e.hash, want, 32) == 0);
}

Test(audit, field_boundaries_count)
{
	static const unsigned char zero[AUDIT_HASH_BYTES];
	struct audit_entry a = chain[3], b = chain[3];

	snprintf(a.action, sizeof(a.action), "poll.create");
	snprintf(a.target, sizeof(a.target), "x");
	snprintf(b.action, sizeof(b.action), "poll.createx");
	snprintf(b.target, sizeof(b.target), "%s", "");
	audit_entry_seal(key, &a, zero);
	audit_entry_seal(key, &b, zero);
	cr_expect(memcmp(a.hash, b.hash, 32) != 0);
}

static void
expect_changed(void)
{
	char msg[ERROR_DETAIL_MAX];

	cr_assert_eq(verify(key, all, msg, sizeof(msg)), 6);
	cr_expect_str_eq(msg, "Entry 7 has been changed");
}

Test(audit, each_edited_field_shows)
{
	struct audit_entry saved = chain[7];
	char msg[ERROR_DETAIL_MAX];

	chain[7].at++;
	expect_changed();
	chain[7] = saved;
	chain[7].org_id = 99;
	expect_changed();
	chain[7] = saved;
	chain[7].user_id = 1;
	expect_changed();
	chain[7] = saved;
	chain[7].actor[0] = 'C';
	expect_changed();
	chain[7] = saved;
	snprintf(chain[7].action, sizeof(chain[7].action), "poll.delete");
	expect_changed();
	chain[7] = saved;
	snprintf(chain[7].target, sizeof(chain[7].target), "poll:8");
	expect_changed();
	chain[7] = saved;
	chain[7].detail[3] ^= 1;
	expect_changed();
	chain[7] = saved;
	chain[7].prev[31] ^= 1;
	expect_changed();
	chain[7] = saved;
	chain[7].hash[0] ^= 1;
	expect_changed();
	chain[7] = saved;
	/* Bytes after the NUL are not part of the entry. */
	chain[7].detail[AUDIT_DETAIL_MAX - 1] = 'z';
	cr_expect_eq(verify(key, all, msg, sizeof(msg)), -1, "%s", msg);
}

Test(audit, an_edited_seq_shows)
{
	char msg[ERROR_DETAIL_MAX];

	chain[7].seq = 70;
	cr_assert_eq(verify(key, all, msg, sizeof(msg)), 6);
	cr_expect_str_eq(msg, "Entry 70 has been changed");
}

Test(audit, a_deleted_entry_shows)
{
	static const int order[] = { 1, 2, 3, 4, 6, 7, 8, 9, 10, 0 };
	char msg[ERROR_DETAIL_MAX];

	cr_assert_eq(verify(key, order, msg, sizeof(msg)), 4);
	cr_expect_str_eq(msg, "Entry 6 does not follow entry 4: an entry is missing");
}

Test(audit, deleted_first_entries_show)
{
	static const int order[] = { 3, 4, 5, 0 };
	char msg[ERROR_DETAIL_MAX];

	cr_assert_eq(verify(key, order, msg, sizeof(msg)), 0);
	cr_expect_str_eq(msg, "The first entry is 3: earlier entries are missing");
}

Test(audit, a_deleted_entry_renumbered_shows)
{
	/* Entry 5 deleted and the later ones renumbered: their seq no longer
	 * matches their hash. */
	static const int order[] = { 1, 2, 3, 4, 6, 0 };
	char msg[ERROR_DETAIL_MAX];

	chain[6].seq = 5;
	cr_assert_eq(verify(key, order, msg, sizeof(msg)), 4);
	cr_expect_str_eq(msg, "Entry 5 has been changed");
}

Test(audit, reordered_entries_show)
{
	static const int swapped[] = { 1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 0 };
	static const int repeated[] = { 1, 2, 3, 3, 4, 0 };
	char msg[ERROR_DETAIL_MAX];
	struct audit_entry tmp;

	cr_assert_eq(verify(key, swapped, msg, sizeof(msg)), 3);
	cr_expect_str_eq(msg, "Entry 5 does not follow entry 3: an entry is missing");
	cr_assert_eq(verify(key, repeated, msg, sizeof(msg)), 3);
	cr_expect_str_eq(msg, "Entry 3 comes after entry 3: entries are out of order or repeated");
	/* Contents swapped but seq numbers left in place. */
	tmp = chain[4];
	chain[4] = chain[5];
	chain[5] = tmp;
	chain[4].seq = 4;
	chain[5].seq = 5;
	cr_assert_eq(verify(key, all, msg, sizeof(msg)), 3);
	cr_expect_str_eq(msg, "Entry 4 has been changed");
}

Test(audit, an_entry_spliced_from_elsewhere_shows)
{
	/* Entry 5 resealed with the key but onto the wrong prev: the hash is
	 * right for its content, the link is not. */
	char msg[ERROR_DETAIL_MAX];

	audit_entry_seal(key, &chain[5], chain[2].hash);
	cr_assert_eq(verify(key, all, msg, sizeof(msg)), 4);
	cr_expect_str_eq(msg, "Entry 5 does not follow entry 4: an entry is missing");
}

Test(audit, a_first_entry_with_a_prev_shows)
{
	char msg[ERROR_DETAIL_MAX];

	audit_entry_seal(key, &chain[1], chain[5].hash);
	cr_assert_eq(verify(key, all, msg, sizeof(msg)), 0);
	cr_expect_str_eq(msg, "Entry 1 does not start the log: earlier entries are missing");
}

Test(audit, the_wrong_key_shows)
{
	char msg[ERROR_DETAIL_MAX];

	cr_assert_eq(verify(other_key, all, msg, sizeof(msg)), 0);
	cr_expect_str_eq(msg, "Entry 1 has been changed");
}

Test(audit, an_entry_resealed_with_another_key_shows)
{
	char msg[ERROR_DETAIL_MAX];

	snprintf(chain[8].actor, sizeof(chain[8].actor), "someone-else@example.org");
	audit_entry_seal(other_key, &chain[8], chain[7].hash);
	cr_assert_eq(verify(key, all, msg, sizeof(msg)), 7);
	cr_expect_str_eq(msg, "Entry 8 has been changed");
}

Test(audit, later_feeds_fail_after_a_failure)
{
	struct audit_verifier v;
	struct errors e;

	errors_init(&e);
	audit_verifier_init(&v, key);
	cr_assert_eq(audit_verifier_feed(&v, &chain[1], &e), 0);
	cr_assert_eq(audit_verifier_feed(&v, &chain[3], &e), ERR_INVALID);
	cr_assert_eq(audit_verifier_feed(&v, &chain[2], &e), ERR_INVALID);
	cr_expect_eq(e.n, 1);
	cr_expect_eq(audit_verifier_count(&v), 1);
}
