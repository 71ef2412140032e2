/*
 * Tests for smtp.c: what becomes of a message at each place a
 * conversation can stop, against a scripted server (smtp_fake.h).  The
 * line that matters most: a message is "unknown" (never sent again by
 * itself) exactly when its end went out and no reply came, and "retry"
 * only when the server certainly did not take it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/smtp.h"
#include "smtp_fake.h"

static const char message[] = "From: noreply@example.org\r\nTo: a@example.org\r\n"
    "Subject: Hello\r\n\r\nOne line\r\n.A line with a dot\r\n";

static void
init(void)
{
	cr_assert_eq(smtp_global_init(), 0);
}

static void
fini(void)
{
	smtp_global_cleanup();
}

TestSuite(smtp, .init = init, .fini = fini, .timeout = 60);

/* Sends `message` to a server with `script`; *out is the result, and the
 * server's count of messages received is returned. */
static int
send_to(struct fake_script script, struct smtp_result *out)
{
	struct fake_smtp *f = fake_start(script);
	struct smtp_config cfg = { .url = fake_url(f), .from = "noreply@example.org",
		.timeout = 3 };
	int n;

	smtp_send(&cfg, "a@example.org", message, strlen(message), out);
	n = fake_messages(f);
	fake_stop(f);
	return n;
}

Test(smtp, a_message_taken_is_sent_as_it_was_given)
{
	struct fake_smtp *f = fake_start(FAKE_TAKES);
	struct smtp_config cfg = { .url = fake_url(f), .from = "noreply@example.org",
		.timeout = 3 };
	struct smtp_result r;

	smtp_send(&cfg, "a@example.org", message, strlen(message), &r);
	cr_assert_eq(r.outcome, SMTP_SENT, "%s", r.detail);
	cr_assert_eq(r.code, 250);
	cr_assert_eq(fake_messages(f), 1);
	cr_assert_str_eq(fake_last(f), message, "libcurl doubles the leading dot; the server "
	    "undoes it");
	cr_assert_str_eq(fake_last_rcpt(f), "a@example.org");
	fake_stop(f);
}

Test(smtp, no_server_is_tried_again)
{
	struct smtp_config cfg = { .from = "noreply@example.org", .timeout = 3 };
	struct smtp_result r;
	char url[64];

	fake_nobody(url, sizeof(url));
	cfg.url = url;
	smtp_send(&cfg, "a@example.org", message, strlen(message), &r);
	cr_assert_eq(r.outcome, SMTP_RETRY, "%s", r.detail);
	cr_assert_eq(r.code, 0);
	cr_assert(strstr(r.detail, "could not hand") != NULL, "%s", r.detail);
}

Test(smtp, a_greeting_refused_or_cut_is_tried_again)
{
	struct smtp_result r;

	cr_assert_eq(send_to((struct fake_script){ 554, 250, 250, 354, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_RETRY, "a server refusing connections is not about "
	    "the message: %s", r.detail);
	cr_assert_eq(send_to((struct fake_script){ FAKE_CLOSE, 250, 250, 354, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_RETRY, "%s", r.detail);
}

Test(smtp, a_4xx_before_the_end_is_tried_again)
{
	struct smtp_result r;

	cr_assert_eq(send_to((struct fake_script){ 220, 451, 250, 354, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_RETRY, "%s", r.detail);
	cr_assert_eq(r.code, 451);
	cr_assert(strstr(r.detail, "MAIL") != NULL, "%s", r.detail);
	cr_assert_eq(send_to((struct fake_script){ 220, 250, 452, 354, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_RETRY, "%s", r.detail);
	cr_assert_eq(r.code, 452);
	cr_assert_eq(send_to((struct fake_script){ 220, 250, 250, 451, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_RETRY, "%s", r.detail);
}

Test(smtp, a_5xx_to_the_message_is_refused_for_good)
{
	struct smtp_result r;

	cr_assert_eq(send_to((struct fake_script){ 220, 250, 550, 354, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_REFUSED, "%s", r.detail);
	cr_assert_eq(r.code, 550);
	cr_assert(strstr(r.detail, "RCPT") != NULL, "%s", r.detail);
	cr_assert(strstr(r.detail, "a@example.org") == NULL, "no address in the detail");
	cr_assert_eq(send_to((struct fake_script){ 220, 553, 250, 354, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_REFUSED, "%s", r.detail);
	cr_assert_eq(send_to((struct fake_script){ 220, 250, 250, 554, 250 }, &r), 0);
	cr_assert_eq(r.outcome, SMTP_REFUSED, "%s", r.detail);
}

Test(smtp, a_reply_to_the_end_decides)
{
	struct smtp_result r;

	cr_assert_eq(send_to((struct fake_script){ 220, 250, 250, 354, 452 }, &r), 1);
	cr_assert_eq(r.outcome, SMTP_RETRY, "a 4xx to the end: not taken, %s", r.detail);
	cr_assert_eq(r.code, 452);
	cr_assert_eq(send_to((struct fake_script){ 220, 250, 250, 354, 554 }, &r), 1);
	cr_assert_eq(r.outcome, SMTP_REFUSED, "%s", r.detail);
	cr_assert_eq(r.code, 554);
}

Test(smtp, a_connection_closed_after_the_end_is_unknown)
{
	struct smtp_result r;

	cr_assert_eq(send_to((struct fake_script){ 220, 250, 250, 354, FAKE_CLOSE }, &r), 1,
	    "the server had the whole message");
	cr_assert_eq(r.outcome, SMTP_UNKNOWN, "%s", r.detail);
	cr_assert(strstr(r.detail, "may have been delivered") != NULL, "%s", r.detail);
}

Test(smtp, no_answer_to_the_end_in_time_is_unknown)
{
	struct smtp_result r;

	cr_assert_eq(send_to((struct fake_script){ 220, 250, 250, 354, FAKE_HANG }, &r), 1);
	cr_assert_eq(r.outcome, SMTP_UNKNOWN, "%s", r.detail);
}

Test(smtp, urls_are_checked)
{
	struct errors e;

	errors_init(&e);
	cr_assert_eq(smtp_url_check("smtp://127.0.0.1:25", &e), 0);
	cr_assert_eq(smtp_url_check("smtps://mail.example.org", &e), 0);
	cr_assert_eq(smtp_url_check("smtp://user:secret@mail.example.org:587", &e), 0);
	cr_assert_eq(e.n, 0);
	cr_assert_eq(smtp_url_check("http://mail.example.org", &e), ERR_INVALID);
	cr_assert_eq(smtp_url_check("mail.example.org:25", &e), ERR_INVALID);
	cr_assert_eq(smtp_url_check("smtp://", &e), ERR_INVALID);
	cr_assert_eq(smtp_url_check("smtp://user:secret@", &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "smtp-url");
	cr_assert(strstr(e.list[3].detail, "secret") == NULL, "a password is never echoed");
}
