/*
 * mail_worker.h - sends the outbox's mail: a thread of `involve serve`
 * that every few seconds claims the messages that are due and hands each
 * to the SMTP server, recording what became of it (store_outbox.h says
 * how a message goes at most once; smtp.h how an outcome is known).
 *
 * Any number of app servers may run a worker on one database: each claims
 * different messages.  A failure where the server certainly did not take
 * the message is tried again after MAIL_RETRY_FIRST seconds, doubling, up
 * to MAIL_ATTEMPTS_MAX attempts; a refusal fails at once; an outcome not
 * known is left for staff.  Log lines name messages by id, never their
 * address.
 */
#ifndef INVOLVE_MAIL_WORKER_H
#define INVOLVE_MAIL_WORKER_H

#include <stdatomic.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/keys.h"
#include "involve/store.h"

/* Seconds between looks for due mail, by default and at most. */
#define MAIL_INTERVAL_DEFAULT 5
#define MAIL_INTERVAL_MAX 3600
/* Messages claimed at a time. */
#define MAIL_WORKER_BATCH 8

struct mail_worker_config {
	struct store *store;
	const unsigned char *key; /* keys.mail: opens addresses, names Message-IDs */
	const char *smtp_url;     /* smtp_url_check'd */
	const char *smtp_password; /* smtp_config's password; NULL: none */
	const char *from;         /* the sender's address, mail_address_check'd */
	int interval;             /* seconds between looks; 0: MAIL_INTERVAL_DEFAULT */
	int retry_first;          /* the first pause before another attempt;
	                           * 0: MAIL_RETRY_FIRST */
	int timeout;              /* seconds one message may take; 0: SMTP's default */
	int64_t (*clock)(void);   /* the time; NULL: the system's (tests set it) */
};

struct mail_worker;

/* Starts the worker's thread (smtp_global_init must have run).  The
 * configuration's strings and key must outlive the worker. */
int mail_worker_start(const struct mail_worker_config *cfg, struct mail_worker **out,
    struct errors *e);
/* Makes the worker look for due mail now (after a message is queued). */
void mail_worker_wake(struct mail_worker *w);
/* Lets the message being sent finish (SMTP's timeout bounds it), gives
 * back what it claimed and has not started, and ends the thread.  NULL
 * is allowed. */
void mail_worker_stop(struct mail_worker *w);

/*
 * One look, on the caller's thread: claims up to MAIL_WORKER_BATCH due
 * messages for `owner` (a name no other worker uses) and sends them one
 * after another, stopping early when *stop becomes true (may be NULL).
 * *handled is how many were handed to SMTP (whatever became of them).
 * The worker's thread calls it; so do the tests.  ERR_* when the database
 * failed (what was claimed then goes back to the queue when its lease
 * runs out).
 */
int mail_outbox_pass(const struct mail_worker_config *cfg, const char *owner,
    const atomic_bool *stop, int *handled);

#endif
