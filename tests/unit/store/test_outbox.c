/*
 * The outbox, on both databases: messages queued with their address
 * sealed and never shown, claimed by one worker only however many claim
 * at once, the attempt recorded before anything is sent, leases that run
 * out (a claim goes back to the queue; an attempt nobody finished becomes
 * unknown and is never taken again), outcomes only from the worker that
 * holds the message, staff sending one again, and addresses deleted once
 * they are no longer needed.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "involve/store_outbox.h"
#include "fixture.h"

TestSuite(outbox, .init = store_fixture_setup, .fini = store_fixture_teardown, .timeout = 120);

#define T0 1800000000LL
#define A "worker-a"
#define B "worker-b"

/* Queues a message (its "sealed" address is any bytes to the store) due
 * at `at`; its id. */
static int64_t
queue_at(int64_t org, int64_t at)
{
	static const unsigned char sealed[60] = { 1, 2, 3 };
	struct outbox_new m = { .org_id = org, .kind = STR_LIT("resume-link"), .recipient = sealed,
		.recipient_n = sizeof(sealed), .subject = STR_LIT("Carry on"),
		.body = STR_LIT("Your link: https://example.org/r/secret"), .now = at };
	int64_t id = 0;

	cr_assert_eq(store_outbox_add(st, NULL, &m, &id), 0);
	cr_assert_gt(id, 0);
	return id;
}

static int
get_entry(void *arg, const struct outbox_entry *m)
{
	*(struct outbox_entry *)arg = *m;
	return 1;
}

static struct outbox_entry
entry(int64_t id)
{
	struct outbox_entry m;

	memset(&m, 0, sizeof(m));
	cr_assert_eq(store_outbox_each(st, 0, NULL, id - 1, 1, get_entry, &m), 0);
	cr_assert_eq(m.id, id, "message %lld is listed", (long long)id);
	return m;
}

static int
claim(const char *owner, int64_t now, struct outbox_message **list)
{
	int n = -1;

	cr_assert_eq(store_outbox_claim(st, &arena, owner, now, now + 600, OUTBOX_CLAIM_MAX, list,
	    &n), 0);
	return n;
}

static int
count_audit(void *arg, const struct audit_entry *e)
{
	if (strcmp(e->action, "mail.queue") == 0 || strcmp(e->action, "mail.retry") == 0)
		(*(int *)arg)++;
	return 0;
}

Test(outbox, queued_with_the_address_sealed_and_listed_without_it)
{
	static const unsigned char sealed[OUTBOX_SEALED_MAX + 1] = { 9 };
	int64_t org = make_org("bury"), other = make_org("leeds"), counts[OUTBOX_STATE_N], id;
	struct outbox_new m = { .org_id = org, .kind = STR_LIT("cli"), .recipient = sealed,
		.recipient_n = 100, .subject = STR_LIT("Hello"), .body = STR_LIT("Body"), .now = T0 };
	struct outbox_entry e;
	enum outbox_state queued = OUTBOX_QUEUED, sent = OUTBOX_SENT;
	int audited = 0;

	cr_assert_eq(store_outbox_add(st, &who, &m, &id), 0);
	cr_assert_eq(store_audit_each(st, count_audit, &audited), 0);
	cr_assert_eq(audited, 1, "staff queueing mail is audited");
	e = entry(id);
	cr_assert_eq(e.org_id, org);
	cr_assert_str_eq(e.kind, "cli");
	cr_assert_eq(e.state, OUTBOX_QUEUED);
	cr_assert_eq(e.attempts, 0);
	cr_assert_eq(e.created_at, T0);
	cr_assert_eq(e.next_attempt_at, T0, "due at once");
	cr_assert(e.has_recipient);
	cr_assert_eq(raw_int("SELECT length(recipient) FROM outbox"), 100);

	queue_at(other, T0);
	cr_assert_eq(store_outbox_count(st, org, counts), 0);
	cr_assert_eq(counts[OUTBOX_QUEUED], 1);
	cr_assert_eq(store_outbox_count(st, 0, counts), 0);
	cr_assert_eq(counts[OUTBOX_QUEUED], 2);
	cr_assert_eq(counts[OUTBOX_SENT], 0);
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_outbox_each(st, other, &queued, 0, 0, get_entry, &e), 0);
	cr_assert_eq(e.org_id, other);
	memset(&e, 0, sizeof(e));
	cr_assert_eq(store_outbox_each(st, 0, &sent, 0, 0, get_entry, &e), 0);
	cr_assert_eq(e.id, 0, "none sent");

	m.org_id = 999999;
	cr_assert_eq(store_outbox_add(st, NULL, &m, &id), ERR_NOTFOUND);
	m.org_id = org;
	m.recipient_n = OUTBOX_SEALED_MAX + 1;
	cr_assert_eq(store_outbox_add(st, NULL, &m, &id), ERR_INVALID);
	m.recipient_n = 0;
	cr_assert_eq(store_outbox_add(st, NULL, &m, &id), ERR_INVALID);
}

Test(outbox, a_claim_takes_what_is_due_oldest_first_and_only_once)
{
	int64_t org = make_org("bury"), late = queue_at(org, T0 + 100), first = queue_at(org, T0),
		second = queue_at(org, T0 + 1);
	struct outbox_message *list;
	int n;

	n = claim(A, T0 + 50, &list);
	cr_assert_eq(n, 2, "the one due later waits");
	cr_assert_eq(list[0].id, first);
	cr_assert_eq(list[1].id, second);
	cr_assert(str_eq_c(list[0].org_name, "NHS Test"));
	cr_assert(str_eq_c(list[0].kind, "resume-link"));
	cr_assert(str_eq_c(list[0].subject, "Carry on"));
	cr_assert_eq(list[0].recipient.n, 60);
	cr_assert_eq(list[0].attempts, 0);
	cr_assert_eq(entry(first).state, OUTBOX_CLAIMED);
	cr_assert_eq(claim(B, T0 + 50, &list), 0, "another worker finds nothing more");
	cr_assert_eq(claim(B, T0 + 100, &list), 1);
	cr_assert_eq(list[0].id, late);
}

Test(outbox, the_attempt_is_recorded_before_sending_and_only_by_the_holder)
{
	int64_t org = make_org("bury"), id = queue_at(org, T0);
	struct outbox_message *list;
	struct outbox_entry e;
	int attempt = 0;

	cr_assert_eq(claim(A, T0, &list), 1);
	cr_assert_eq(store_outbox_start(st, id, B, T0 + 1, T0 + 100, &attempt), ERR_CONFLICT,
	    "not B's");
	cr_assert_eq(store_outbox_start(st, id, A, T0 + 1, T0 + 100, &attempt), 0);
	cr_assert_eq(attempt, 1);
	e = entry(id);
	cr_assert_eq(e.state, OUTBOX_SENDING);
	cr_assert_eq(e.attempts, 1);
	cr_assert_eq(e.last_attempt_at, T0 + 1);
	cr_assert_eq(store_outbox_start(st, id, A, T0 + 2, T0 + 100, &attempt), ERR_CONFLICT,
	    "an attempt is started once");
	cr_assert_eq(store_outbox_sent(st, id, B, T0 + 3), ERR_CONFLICT, "not B's to finish");
	cr_assert_eq(store_outbox_sent(st, id, A, T0 + 3), 0);
	e = entry(id);
	cr_assert_eq(e.state, OUTBOX_SENT);
	cr_assert_eq(e.sent_at, T0 + 3);
	cr_assert_not(e.has_recipient);
	cr_assert_eq(raw_int("SELECT length(recipient) + length(body) FROM outbox"), 0,
	    "the address and the body (which may carry a private link) are gone");
	cr_assert_eq(store_outbox_sent(st, id, A, T0 + 4), ERR_CONFLICT, "sent once");
	cr_assert_eq(claim(A, T0 + 86400, &list), 0);
}

Test(outbox, outcomes_retry_fail_and_unknown)
{
	int64_t org = make_org("bury"), r = queue_at(org, T0), f = queue_at(org, T0),
		u = queue_at(org, T0);
	struct outbox_message *list;
	struct outbox_entry e;

	cr_assert_eq(claim(A, T0, &list), 3);
	cr_assert_eq(store_outbox_retry(st, r, A, T0 + 60, "deferred"), ERR_CONFLICT,
	    "an outcome needs an attempt started");
	cr_assert_eq(store_outbox_start(st, r, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, f, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, u, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_retry(st, r, A, T0 + 60, "the mail server deferred (451)"), 0);
	cr_assert_eq(store_outbox_fail(st, f, A, "the mail server refused RCPT (550)"), 0);
	cr_assert_eq(store_outbox_unknown(st, u, A, "no answer to the end"), 0);
	e = entry(r);
	cr_assert_eq(e.state, OUTBOX_QUEUED);
	cr_assert_eq(e.next_attempt_at, T0 + 60);
	cr_assert_str_eq(e.last_error, "the mail server deferred (451)");
	cr_assert_eq(entry(f).state, OUTBOX_FAILED);
	cr_assert_eq(entry(u).state, OUTBOX_UNKNOWN);
	cr_assert(entry(u).has_recipient && entry(f).has_recipient, "kept for staff");

	cr_assert_eq(claim(B, T0 + 59, &list), 0);
	cr_assert_eq(claim(B, T0 + 60, &list), 1, "only the one to try again, when due");
	cr_assert_eq(list[0].id, r);
	cr_assert_eq(list[0].attempts, 1);
	cr_assert_eq(claim(B, T0 + 86400, &list), 1, "what B holds");
}

Test(outbox, a_claim_nobody_started_goes_back_an_attempt_nobody_finished_does_not)
{
	int64_t org = make_org("bury"), c = queue_at(org, T0), s = queue_at(org, T0);
	struct outbox_message *list;
	struct outbox_entry e;
	int n;

	cr_assert_eq(store_outbox_claim(st, &arena, A, T0, T0 + 10, 8, &list, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(store_outbox_start(st, s, A, T0, T0 + 10, NULL), 0);
	/* A dies here.  Before its leases run out, nothing is taken. */
	cr_assert_eq(claim(B, T0 + 9, &list), 0);
	n = claim(B, T0 + 10, &list);
	cr_assert_eq(n, 1, "the claim A never started is B's now");
	cr_assert_eq(list[0].id, c);
	e = entry(s);
	cr_assert_eq(e.state, OUTBOX_UNKNOWN, "the attempt A started may have gone");
	cr_assert(strstr(e.last_error, "may have been delivered") != NULL, "%s", e.last_error);
	cr_assert_eq(e.attempts, 1);
	cr_assert_eq(store_outbox_start(st, c, A, T0 + 11, T0 + 100, NULL), ERR_CONFLICT,
	    "A, back, no longer holds what B took");
	cr_assert_eq(claim(B, T0 + 86400, &list), 1, "the unknown one is never taken again");
	cr_assert_eq(list[0].id, c);
	/* A was only slow: it still records what it knows. */
	cr_assert_eq(store_outbox_sent(st, s, A, T0 + 12), 0);
	cr_assert_eq(entry(s).state, OUTBOX_SENT);
}

Test(outbox, housekeeping_ends_leases_too)
{
	int64_t org = make_org("bury"), s = queue_at(org, T0);
	struct outbox_message *list;
	int n;

	cr_assert_eq(store_outbox_claim(st, &arena, A, T0, T0 + 10, 8, &list, &n), 0);
	cr_assert_eq(store_outbox_start(st, s, A, T0, T0 + 10, NULL), 0);
	cr_assert_eq(store_housekeep(st, T0 + 9), 0);
	cr_assert_eq(entry(s).state, OUTBOX_SENDING);
	cr_assert_eq(store_housekeep(st, T0 + 10), 0);
	cr_assert_eq(entry(s).state, OUTBOX_UNKNOWN);
}

Test(outbox, a_worker_stopping_gives_back_what_it_did_not_start)
{
	int64_t org = make_org("bury"), a = queue_at(org, T0), b = queue_at(org, T0);
	struct outbox_message *list;

	cr_assert_eq(claim(A, T0, &list), 2);
	cr_assert_eq(store_outbox_start(st, a, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_release(st, A), 0);
	cr_assert_eq(entry(a).state, OUTBOX_SENDING, "what it started stays its own");
	cr_assert_eq(entry(b).state, OUTBOX_QUEUED);
	cr_assert_eq(entry(b).attempts, 0);
	cr_assert_eq(claim(B, T0, &list), 1);
	cr_assert_eq(list[0].id, b);
}

struct racer {
	struct store *s;
	const char *owner;
	int sent;
	int conflicts;
	int rc; /* the first failure: asserted on the test's own thread */
	int64_t ids[64];
};

/* Claims, starts and sends until nothing is left, as a worker would. */
static void *
race(void *arg)
{
	struct racer *r = arg;
	struct outbox_message *list;
	struct arena a;
	int i, n, rc;

	arena_init(&a, NULL, 0);
	while (r->rc == 0) {
		if ((r->rc = store_outbox_claim(r->s, &a, r->owner, T0, T0 + 600, 3, &list, &n)) != 0 ||
		    n == 0)
			break;
		for (i = 0; i < n && r->rc == 0; i++) {
			rc = store_outbox_start(r->s, list[i].id, r->owner, T0, T0 + 600, NULL);
			if (rc == ERR_CONFLICT) {
				r->conflicts++;
				continue;
			}
			if ((r->rc = rc) == 0)
				r->rc = store_outbox_sent(r->s, list[i].id, r->owner, T0);
			if (r->rc == 0 && r->sent < 64)
				r->ids[r->sent++] = list[i].id;
		}
		arena_reset(&a);
	}
	arena_free(&a);
	return NULL;
}

Test(outbox, two_servers_claiming_at_once_send_each_message_once)
{
	enum { MESSAGES = 40 };
	int64_t org = make_org("bury"), ids[MESSAGES];
	struct racer r[2] = { { .owner = A }, { .owner = B } };
	pthread_t t[2];
	int i, j, k, seen;

	for (i = 0; i < MESSAGES; i++)
		ids[i] = queue_at(org, T0);
	r[0].s = st;
	r[1].s = open_store();
	for (i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	store_close(r[1].s);
	cr_assert_eq(r[0].rc, 0, "%s", error_name(r[0].rc));
	cr_assert_eq(r[1].rc, 0, "%s", error_name(r[1].rc));
	cr_assert_eq(r[0].sent + r[1].sent, MESSAGES, "%d + %d", r[0].sent, r[1].sent);
	cr_assert_eq(r[0].conflicts + r[1].conflicts, 0, "no message claimed twice");
	for (i = 0; i < MESSAGES; i++) {
		seen = 0;
		for (j = 0; j < 2; j++)
			for (k = 0; k < r[j].sent; k++)
				seen += r[j].ids[k] == ids[i];
		cr_assert_eq(seen, 1, "message %lld sent %d times", (long long)ids[i], seen);
		cr_assert_eq(entry(ids[i]).state, OUTBOX_SENT);
		cr_assert_eq(entry(ids[i]).attempts, 1);
	}
}

Test(outbox, staff_send_again_what_failed_or_is_unknown)
{
	int64_t org = make_org("bury"), other = make_org("leeds"), f = queue_at(org, T0),
		u = queue_at(org, T0), s = queue_at(org, T0), f2 = queue_at(org, T0);
	struct outbox_message *list;
	int audited = 0, n = -1;

	cr_assert_eq(claim(A, T0, &list), 4);
	cr_assert_eq(store_outbox_start(st, f, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, u, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, s, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, f2, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_fail(st, f, A, "refused"), 0);
	cr_assert_eq(store_outbox_unknown(st, u, A, "no answer"), 0);
	cr_assert_eq(store_outbox_sent(st, s, A, T0), 0);
	cr_assert_eq(store_outbox_fail(st, f2, A, "refused"), 0);

	cr_assert_eq(store_outbox_requeue(st, &who, other, f, T0 + 5, &n), ERR_NOTFOUND,
	    "another organisation's");
	cr_assert_eq(store_outbox_requeue(st, &who, org, s, T0 + 5, &n), ERR_CONFLICT,
	    "sent: its address is gone");
	cr_assert_eq(store_outbox_requeue(st, &who, org, u, T0 + 5, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(entry(u).state, OUTBOX_QUEUED);
	cr_assert_eq(entry(u).attempts, 0);
	cr_assert_eq(entry(u).next_attempt_at, T0 + 5);
	cr_assert_eq(store_outbox_unknown(st, u, A, "late"), ERR_CONFLICT,
	    "A's late word no longer counts");
	cr_assert_eq(store_outbox_requeue(st, &who, org, u, T0 + 5, &n), ERR_CONFLICT,
	    "queued already");
	cr_assert_eq(store_outbox_requeue(st, &who, org, 0, T0 + 6, &n), 0);
	cr_assert_eq(n, 2, "every failed one");
	cr_assert_eq(entry(f).state, OUTBOX_QUEUED);
	cr_assert_eq(entry(f2).state, OUTBOX_QUEUED);
	cr_assert_eq(store_outbox_requeue(st, &who, org, 0, T0 + 7, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(store_audit_each(st, count_audit, &audited), 0);
	cr_assert_eq(audited, 2, "one entry for each requeue that queued something");
	cr_assert_eq(claim(B, T0 + 10, &list), 3);
}

Test(outbox, addresses_go_when_no_longer_needed)
{
	int64_t org = make_org("bury"), f = queue_at(org, T0), u = queue_at(org, T0),
		s = queue_at(org, T0), q = queue_at(org, T0 + 10 * 86400);
	struct outbox_message *list;
	int purged = -1;

	cr_assert_eq(claim(A, T0, &list), 3);
	cr_assert_eq(store_outbox_start(st, f, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, u, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_start(st, s, A, T0, T0 + 100, NULL), 0);
	cr_assert_eq(store_outbox_fail(st, f, A, "refused"), 0);
	cr_assert_eq(store_outbox_unknown(st, u, A, "no answer"), 0);
	cr_assert_eq(store_outbox_sent(st, s, A, T0), 0);
	/* An address left on a sent message (written by hand, or by an older
	 * version) goes at the next sweep. */
	raw_exec("UPDATE outbox SET body = 'x' WHERE state = 'sent'");
	if (pg)
		raw_exec("UPDATE outbox SET recipient = '\\x0102'::bytea WHERE state = 'sent'");
	else
		raw_exec("UPDATE outbox SET recipient = X'0102' WHERE state = 'sent'");
	cr_assert(entry(s).has_recipient);

	cr_assert_eq(store_outbox_purge(st, T0 + OUTBOX_KEEP_FAILED - 1, &purged), 0);
	cr_assert_eq(purged, 1, "the sent one's");
	cr_assert_not(entry(s).has_recipient);
	cr_assert(entry(f).has_recipient, "a failed one's is kept a week");
	cr_assert(entry(u).has_recipient);
	cr_assert_eq(store_outbox_purge(st, T0 + OUTBOX_KEEP_FAILED, &purged), 0);
	cr_assert_eq(purged, 2);
	cr_assert_not(entry(f).has_recipient);
	cr_assert_not(entry(u).has_recipient);
	cr_assert(entry(q).has_recipient, "a queued one's stays");
	cr_assert_eq(raw_int("SELECT count(*) FROM outbox WHERE body <> ''"), 1, "only q's body");
	cr_assert_eq(store_outbox_requeue(st, &who, org, f, T0 + OUTBOX_KEEP_FAILED, &purged),
	    ERR_CONFLICT, "nothing to send it to any more");

	cr_assert_eq(store_housekeep(st, T0 + OUTBOX_FORGET), 0);
	cr_assert_eq(raw_int("SELECT count(*) FROM outbox"), 1, "finished messages are forgotten");
	cr_assert_eq(entry(q).state, OUTBOX_QUEUED);
}

Test(outbox, states_by_name)
{
	enum outbox_state s;
	int i;

	for (i = 0; i < OUTBOX_STATE_N; i++) {
		cr_assert_eq(outbox_state_parse(str_c(outbox_state_name((enum outbox_state)i)), &s), 0);
		cr_assert_eq((int)s, i);
	}
	cr_assert_eq(outbox_state_parse(STR_LIT("lost"), &s), ERR_INVALID);
}
