/*
 * Tests for the mail worker (worker.c): a pass over the outbox against a
 * scripted SMTP server (smtp_fake.h) on a real store (the store suites'
 * fixture, SQLite here), with a clock the test moves.  What is recorded
 * after each way a conversation can end, the pauses before another
 * attempt, and that a message whose outcome is unknown is never sent
 * again by itself.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "involve/mail_worker.h"
#include "involve/secret.h"
#include "involve/smtp.h"
#include "involve/store_outbox.h"
#include "../store/fixture.h"
#include "smtp_fake.h"

#define OWNER "test-worker"
#define T0 1800000000LL

static const unsigned char mail_key[32] = { 42 };
static int64_t clock_now;

static int64_t
test_clock(void)
{
	return clock_now;
}

static void
setup(void)
{
	cr_assert_eq(smtp_global_init(), 0);
	store_fixture_setup();
	clock_now = T0;
}

static void
teardown(void)
{
	store_fixture_teardown();
	smtp_global_cleanup();
}

TestSuite(worker, .init = setup, .fini = teardown, .timeout = 60);

/* Queues a message to `to`, sealed with `k`; its id. */
static int64_t
queue_sealed(int64_t org, const char *to, const unsigned char *k)
{
	unsigned char sealed[OUTBOX_SEALED_MAX];
	struct outbox_new m;
	size_t n;
	int64_t id;

	cr_assert_eq(secret_seal(k, (const unsigned char *)to, strlen(to), sealed, sizeof(sealed),
	    &n), 0);
	m = (struct outbox_new){ .org_id = org, .kind = STR_LIT("resume-link"), .recipient = sealed,
		.recipient_n = n, .subject = STR_LIT("Carry on with your survey"),
		.body = STR_LIT("Your link: https://involve.example.org/r/abc\nThank you."),
		.now = clock_now };
	cr_assert_eq(store_outbox_add(st, NULL, &m, &id), 0);
	return id;
}

static int64_t
queue(int64_t org, const char *to)
{
	return queue_sealed(org, to, mail_key);
}

static struct mail_worker_config
config(const char *smtp_url)
{
	return (struct mail_worker_config){ .store = st, .key = mail_key, .smtp_url = smtp_url,
		.from = "noreply@example.org", .retry_first = 60, .timeout = 3,
		.clock = test_clock };
}

static int
pass(const struct mail_worker_config *cfg)
{
	int handled = -1;

	cr_assert_eq(mail_outbox_pass(cfg, OWNER, NULL, &handled), 0);
	return handled;
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
	cr_assert_eq(m.id, id);
	return m;
}

Test(worker, a_message_is_sent_once_with_its_address_then_forgotten)
{
	struct fake_smtp *f = fake_start(FAKE_TAKES);
	struct mail_worker_config cfg = config(fake_url(f));
	int64_t org = make_org("bury"), id = queue(org, "Someone@Example.org");
	struct outbox_entry m;
	const char *text;

	cr_assert_eq(pass(&cfg), 1);
	cr_assert_eq(fake_messages(f), 1);
	cr_assert_str_eq(fake_last_rcpt(f), "Someone@Example.org", "the address as given");
	text = fake_last(f);
	cr_assert(strstr(text, "\r\nTo: Someone@Example.org\r\n") != NULL, "%s", text);
	cr_assert(strstr(text, "From: \"NHS Test\" <noreply@example.org>\r\n") != NULL, "%s", text);
	cr_assert(strstr(text, "Subject: Carry on with your survey\r\n") != NULL, "%s", text);
	cr_assert(strstr(text, "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n") != NULL, "%s", text);
	cr_assert(strstr(text, "Message-ID: <") != NULL && strstr(text, ".1@example.org>\r\n"),
	    "%s", text);
	cr_assert(strstr(text, "\r\n\r\nYour link: https://involve.example.org/r/abc\r\n"
	    "Thank you.\r\n") != NULL, "%s", text);
	m = entry(id);
	cr_assert_eq(m.state, OUTBOX_SENT);
	cr_assert_eq(m.attempts, 1);
	cr_assert_eq(m.sent_at, T0);
	cr_assert_not(m.has_recipient, "the address is deleted once sent");
	clock_now += 3600;
	cr_assert_eq(pass(&cfg), 0, "nothing is due");
	cr_assert_eq(fake_connections(f), 1, "and nothing is sent again");
	fake_stop(f);
}

Test(worker, a_server_away_is_tried_again_with_doubling_pauses_then_fails)
{
	struct mail_worker_config cfg;
	int64_t org = make_org("bury"), id = queue(org, "a@example.org"), pause = 60;
	struct outbox_entry m;
	char nobody[64];
	int attempt;

	fake_nobody(nobody, sizeof(nobody));
	cfg = config(nobody);
	for (attempt = 1; attempt < MAIL_ATTEMPTS_MAX; attempt++) {
		cr_assert_eq(pass(&cfg), 1);
		m = entry(id);
		cr_assert_eq(m.state, OUTBOX_QUEUED, "attempt %d", attempt);
		cr_assert_eq(m.attempts, attempt);
		cr_assert_eq(m.next_attempt_at, clock_now + pause, "attempt %d: a pause of %lld s",
		    attempt, (long long)pause);
		cr_assert(strstr(m.last_error, "could not hand") != NULL, "%s", m.last_error);
		clock_now += pause - 1;
		cr_assert_eq(pass(&cfg), 0, "not due a second early");
		clock_now += 1;
		pause *= 2;
	}
	cr_assert_eq(pass(&cfg), 1);
	m = entry(id);
	cr_assert_eq(m.state, OUTBOX_FAILED, "the last attempt failed it");
	cr_assert_eq(m.attempts, MAIL_ATTEMPTS_MAX);
	cr_assert(strstr(m.last_error, "at the last of 6 attempts") != NULL, "%s", m.last_error);
	cr_assert(m.has_recipient, "kept a week, for staff to send it again");
}

Test(worker, a_server_back_takes_what_was_waiting)
{
	struct mail_worker_config cfg;
	struct fake_smtp *f;
	int64_t org = make_org("bury"), id = queue(org, "a@example.org");
	char nobody[64];

	fake_nobody(nobody, sizeof(nobody));
	cfg = config(nobody);
	cr_assert_eq(pass(&cfg), 1);
	cr_assert_eq(entry(id).state, OUTBOX_QUEUED);
	f = fake_start(FAKE_TAKES);
	cfg.smtp_url = fake_url(f);
	clock_now += 60;
	cr_assert_eq(pass(&cfg), 1);
	cr_assert_eq(entry(id).state, OUTBOX_SENT);
	cr_assert_eq(entry(id).attempts, 2);
	cr_assert_eq(fake_messages(f), 1);
	fake_stop(f);
}

Test(worker, a_refusal_fails_at_once)
{
	struct fake_smtp *f = fake_start((struct fake_script){ 220, 250, 550, 354, 250 });
	struct mail_worker_config cfg = config(fake_url(f));
	int64_t id = queue(make_org("bury"), "nobody@example.org");
	struct outbox_entry m;

	cr_assert_eq(pass(&cfg), 1);
	m = entry(id);
	cr_assert_eq(m.state, OUTBOX_FAILED);
	cr_assert_eq(m.attempts, 1);
	cr_assert(strstr(m.last_error, "refused RCPT (550)") != NULL, "%s", m.last_error);
	clock_now += 86400;
	cr_assert_eq(pass(&cfg), 0);
	cr_assert_eq(fake_connections(f), 1);
	fake_stop(f);
}

Test(worker, a_deferral_at_the_end_is_tried_again)
{
	struct fake_smtp *f = fake_start((struct fake_script){ 220, 250, 250, 354, 451 });
	struct mail_worker_config cfg = config(fake_url(f));
	int64_t id = queue(make_org("bury"), "a@example.org");
	struct outbox_entry m;

	cr_assert_eq(pass(&cfg), 1);
	m = entry(id);
	cr_assert_eq(m.state, OUTBOX_QUEUED);
	cr_assert_eq(m.next_attempt_at, T0 + 60);
	cr_assert(strstr(m.last_error, "deferred the message (451)") != NULL, "%s", m.last_error);
	fake_stop(f);
}

Test(worker, no_answer_to_the_end_is_never_sent_again_by_itself)
{
	struct fake_smtp *f = fake_start((struct fake_script){ 220, 250, 250, 354, FAKE_CLOSE });
	struct mail_worker_config cfg = config(fake_url(f));
	int64_t org = make_org("bury"), id = queue(org, "a@example.org");
	struct outbox_entry m;
	int n;

	cr_assert_eq(pass(&cfg), 1);
	cr_assert_eq(fake_messages(f), 1, "the server had it all");
	m = entry(id);
	cr_assert_eq(m.state, OUTBOX_UNKNOWN);
	cr_assert(strstr(m.last_error, "may have been delivered") != NULL, "%s", m.last_error);
	clock_now += 86400;
	cr_assert_eq(pass(&cfg), 0);
	cr_assert_eq(fake_connections(f), 1, "not sent again");
	/* Staff decide it should go after all. */
	cr_assert_eq(store_outbox_requeue(st, &who, org, id, clock_now, &n), 0);
	cr_assert_eq(n, 1);
	fake_stop(f);
	f = fake_start(FAKE_TAKES);
	cfg.smtp_url = fake_url(f);
	cr_assert_eq(pass(&cfg), 1);
	cr_assert_eq(entry(id).state, OUTBOX_SENT);
	cr_assert_eq(fake_messages(f), 1);
	fake_stop(f);
}

Test(worker, an_address_sealed_with_another_key_fails_without_a_connection)
{
	static const unsigned char other[32] = { 43 };
	struct fake_smtp *f = fake_start(FAKE_TAKES);
	struct mail_worker_config cfg = config(fake_url(f));
	int64_t id = queue_sealed(make_org("bury"), "a@example.org", other);
	struct outbox_entry m;

	cr_assert_eq(pass(&cfg), 1);
	m = entry(id);
	cr_assert_eq(m.state, OUTBOX_FAILED);
	cr_assert_eq(m.attempts, 1);
	cr_assert(strstr(m.last_error, "keys/mail.key") != NULL, "%s", m.last_error);
	cr_assert_eq(fake_connections(f), 0);
	fake_stop(f);
}

Test(worker, a_stop_gives_back_what_was_claimed)
{
	struct fake_smtp *f = fake_start(FAKE_TAKES);
	struct mail_worker_config cfg = config(fake_url(f));
	int64_t org = make_org("bury"), a = queue(org, "a@example.org"), b = queue(org, "b@example.org");
	atomic_bool stop;
	int handled = -1;

	atomic_init(&stop, true);
	cr_assert_eq(mail_outbox_pass(&cfg, OWNER, &stop, &handled), 0);
	cr_assert_eq(handled, 0);
	cr_assert_eq(entry(a).state, OUTBOX_QUEUED);
	cr_assert_eq(entry(b).state, OUTBOX_QUEUED);
	cr_assert_eq(entry(a).attempts, 0, "no attempt counted");
	cr_assert_eq(pass(&cfg), 2);
	cr_assert_eq(fake_messages(f), 2);
	fake_stop(f);
}

Test(worker, a_thread_sends_what_is_queued_and_stops_cleanly)
{
	struct fake_smtp *f = fake_start(FAKE_TAKES);
	struct mail_worker_config cfg = config(fake_url(f));
	struct mail_worker *w = NULL;
	struct errors e;
	int64_t id, i;

	cfg.clock = NULL;
	cfg.interval = 1;
	clock_now = (int64_t)time(NULL);
	id = queue(make_org("bury"), "a@example.org");
	errors_init(&e);
	cr_assert_eq(mail_worker_start(&cfg, &w, &e), 0);
	mail_worker_wake(w);
	for (i = 0; i < 100 && fake_messages(f) == 0; i++)
		usleep(50000);
	mail_worker_stop(w);
	cr_assert_eq(fake_messages(f), 1);
	cr_assert_eq(entry(id).state, OUTBOX_SENT);
	fake_stop(f);
}
