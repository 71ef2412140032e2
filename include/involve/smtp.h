/*
 * smtp.h - hands one message to an SMTP server (through libcurl) and says
 * what became of it, in the terms the outbox needs to send a message at
 * most once: taken, certainly not taken (and whether trying again could
 * help), or not known.
 *
 * A server takes a message only when it answers 250 to the end of the
 * message (the "." after DATA).  So:
 *
 *   SMTP_SENT     it answered 250 to the end of the message.
 *   SMTP_RETRY    it certainly did not take the message, and may later:
 *                 no connection, TLS or sign-in failed, a 4xx reply to any
 *                 command or to the end of the message, the connection lost
 *                 before the end of the message went out.
 *   SMTP_REFUSED  it certainly did not take the message, and never will: a
 *                 5xx reply to MAIL, RCPT or DATA, or to the end of the
 *                 message.
 *   SMTP_UNKNOWN  the end of the message went out and no reply came (a
 *                 timeout, a lost connection): the server may have taken
 *                 it, so it must not be sent again by itself.
 *
 * Which step a reply answered is followed through libcurl's trace of the
 * commands it sends and the replies it reads (CURLOPT_DEBUGFUNCTION), not
 * guessed from its error codes.
 *
 * The only files that include curl.h are src/mail/smtp.c and its test.
 */
#ifndef INVOLVE_SMTP_H
#define INVOLVE_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "involve/error.h"

/* How long one message may take, and its connection, by default. */
#define SMTP_TIMEOUT_DEFAULT 30
#define SMTP_CONNECT_TIMEOUT 10
#define SMTP_DETAIL_MAX 160

enum smtp_outcome {
	SMTP_SENT,
	SMTP_RETRY,
	SMTP_REFUSED,
	SMTP_UNKNOWN,
};
const char *smtp_outcome_name(enum smtp_outcome o); /* "sent", "retry", ... */

struct smtp_result {
	enum smtp_outcome outcome;
	int code;                     /* the server's reply that decided it; 0 for none */
	char detail[SMTP_DETAIL_MAX]; /* for the outbox and logs: our own words and the
	                               * reply's code, never the server's text (which may
	                               * name the recipient) */
};

struct smtp_config {
	/* smtp://HOST[:PORT] (STARTTLS when the server offers it; required when
	 * the URL has a user name and password, smtp://USER:PASSWORD@HOST:587)
	 * or smtps://HOST[:PORT] (TLS from the start).  Certificates are
	 * verified. */
	const char *url;
	/* The password of the URL's user when it is kept out of the URL (serve
	 * --smtp-password-file), which then also requires STARTTLS; NULL: none,
	 * or the URL's own. */
	const char *password;
	const char *from;  /* the envelope sender, an address */
	int timeout;       /* seconds for the whole message; 0: SMTP_TIMEOUT_DEFAULT */
};

/* Starts libcurl: once, before any thread sends.  ERR_IO when it cannot. */
int smtp_global_init(void);
void smtp_global_cleanup(void);

/* Checks a server's URL: smtp:// or smtps:// with a host.  One error on
 * "smtp-url" when it is not (the URL is not echoed: it may hold a
 * password). */
int smtp_url_check(const char *url, struct errors *e);

/* Whether the URL names a user (smtp://USER@HOST...). */
bool smtp_url_has_user(const char *url);

/*
 * Sends `message` (the whole text: headers, blank line, body, every line
 * ending in CRLF, as mail_message_write makes it) from cfg->from to `to`
 * through the server at cfg->url, and says what became of it in *out.
 * Blocks for at most cfg->timeout seconds.  Thread-safe once
 * smtp_global_init has run.
 */
void smtp_send(const struct smtp_config *cfg, const char *to, const char *message, size_t n,
    struct smtp_result *out);

#endif
