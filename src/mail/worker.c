/*
 * worker.c - the thread that sends the outbox's mail (see mail_worker.h).
 *
 * One message at a time, in the order of store_outbox.h's steps: claim a
 * few due messages, then for each build its text, record the attempt
 * (committed), hand it to SMTP, and record the outcome.  Everything that
 * can go wrong before the attempt is recorded (the address cannot be
 * opened, the text cannot be built) is found before it, so an attempt
 * recorded is an attempt made.  If recording the outcome fails (the
 * database is away), the message stays "sending" until its lease runs
 * out and is then marked unknown: never sent twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "involve/log.h"
#include "involve/mail.h"
#include "involve/mail_worker.h"
#include "involve/periodic.h"
#include "involve/secret.h"
#include "involve/smtp.h"
#include "involve/store_outbox.h"
#include "involve/text.h"

/* Bytes of the keyed hash that name a message in its Message-ID. */
#define MESSAGE_ID_HASH 12

struct mail_worker {
	struct mail_worker_config cfg;
	char owner[OUTBOX_OWNER_MAX + 1];
	struct periodic *thread;
};

static int64_t
system_clock(void)
{
	return (int64_t)time(NULL);
}

static int64_t
now_of(const struct mail_worker_config *cfg)
{
	return cfg->clock ? cfg->clock() : system_clock();
}

static int
timeout_of(const struct mail_worker_config *cfg)
{
	return cfg->timeout > 0 ? cfg->timeout : SMTP_TIMEOUT_DEFAULT;
}

/* How long an attempt may hold its message: the time SMTP may take (the
 * timeout, and again for the reply to the end of the message and the
 * QUIT after it), and a margin.  Only a worker that died leaves a lease
 * to run out. */
static int64_t
send_lease(const struct mail_worker_config *cfg)
{
	return 2 * (int64_t)timeout_of(cfg) + SMTP_CONNECT_TIMEOUT + 60;
}

/*
 * "<hash>.<id>@<domain of the sender>": the same for every attempt at one
 * message, so a recipient's mail program can tell a message sent again by
 * staff for the one it has; unguessable from the id alone (the mail key).
 */
static void
message_id(const struct mail_worker_config *cfg, int64_t id, char *out, size_t size)
{
	unsigned char h[SECRET_HASH_BYTES];
	char hex[2 * MESSAGE_ID_HASH + 1];
	const char *at = strrchr(cfg->from, '@');

	secret_keyed_hash(cfg->key, "message-id", id, "", 0, h);
	sodium_bin2hex(hex, sizeof(hex), h, MESSAGE_ID_HASH);
	snprintf(out, size, "%s.%lld@%s", hex, (long long)id, at ? at + 1 : "localhost");
}

/* Records what SMTP said about attempt `attempt` of m. */
static int
record(const struct mail_worker_config *cfg, const char *owner, const struct outbox_message *m,
    int attempt, const struct smtp_result *r)
{
	char why[OUTBOX_ERROR_MAX + 1];
	int64_t now = now_of(cfg), next;
	int rc;

	switch (r->outcome) {
	case SMTP_SENT:
		rc = store_outbox_sent(cfg->store, m->id, owner, now);
		if (rc == 0)
			log_info("mail", "message %lld (%.*s) sent, attempt %d", (long long)m->id,
			    (int)m->kind.n, m->kind.p, attempt);
		break;
	case SMTP_RETRY:
		next = mail_retry_at(attempt, now,
		    cfg->retry_first > 0 ? cfg->retry_first : MAIL_RETRY_FIRST);
		if (next != 0) {
			rc = store_outbox_retry(cfg->store, m->id, owner, next, r->detail);
			log_warn("mail", "message %lld, attempt %d: %s; trying again in %lld s",
			    (long long)m->id, attempt, r->detail, (long long)(next - now));
			break;
		}
		snprintf(why, sizeof(why), "%s, at the last of %d attempts", r->detail, attempt);
		rc = store_outbox_fail(cfg->store, m->id, owner, why);
		log_warn("mail", "message %lld failed: %s", (long long)m->id, why);
		break;
	case SMTP_REFUSED:
		rc = store_outbox_fail(cfg->store, m->id, owner, r->detail);
		log_warn("mail", "message %lld failed, attempt %d: %s", (long long)m->id, attempt,
		    r->detail);
		break;
	default:
		rc = store_outbox_unknown(cfg->store, m->id, owner, r->detail);
		log_error("mail", "message %lld, attempt %d: %s; it will not be sent again unless "
		    "staff queue it (involve mail retry)", (long long)m->id, attempt, r->detail);
		break;
	}
	if (rc != 0)
		log_error("mail", "message %lld: could not record the outcome (%s): %s",
		    (long long)m->id, smtp_outcome_name(r->outcome), error_name(rc));
	return rc;
}

/* Builds m's text into text; false (with why) when it cannot be. */
static bool
build(const struct mail_worker_config *cfg, const struct outbox_message *m, const char *to,
    int64_t now, struct buf *text, char *why, size_t size)
{
	char id[MAIL_ADDRESS_MAX];
	struct mail_message msg;
	struct errors e;
	struct str name = m->org_name;

	message_id(cfg, m->id, id, sizeof(id));
	/* An organisation's name longer than a sender's may be is left out
	 * rather than cut. */
	if (text_chars(name) > MAIL_NAME_MAX_CHARS)
		name = STR_LIT("");
	msg = (struct mail_message){ .from = str_c(cfg->from), .from_name = name,
		.to = str_c(to), .subject = m->subject, .body = m->body, .message_id = str_c(id),
		.date = now };
	errors_init(&e);
	buf_reset(text);
	if (mail_message_write(&msg, text, &e) == 0)
		return true;
	snprintf(why, size, "the message in the outbox cannot be sent: its %s is not valid",
	    e.n > 0 ? e.list[0].field : "text");
	return false;
}

/* Sends one claimed message.  *handled is set when it was handed to SMTP
 * or finished without it. */
static int
send_one(const struct mail_worker_config *cfg, const char *owner, const struct outbox_message *m,
    struct buf *text, bool *handled)
{
	struct smtp_config smtp = { .url = cfg->smtp_url, .password = cfg->smtp_password,
		.from = cfg->from, .timeout = cfg->timeout };
	unsigned char to[MAIL_ADDRESS_MAX + 1];
	char why[OUTBOX_ERROR_MAX + 1] = "";
	struct smtp_result r;
	size_t to_n = 0;
	int64_t now = now_of(cfg);
	int attempt = 0, rc;
	bool ready = false;

	*handled = false;
	if (secret_open(cfg->key, (const unsigned char *)m->recipient.p, m->recipient.n, to,
	    MAIL_ADDRESS_MAX, &to_n) != 0) {
		snprintf(why, sizeof(why), "its address cannot be opened with this installation's "
		    "keys/mail.key");
	} else {
		to[to_n] = '\0';
		ready = build(cfg, m, (const char *)to, now, text, why, sizeof(why));
	}
	/* The attempt is on disk before anything goes to SMTP. */
	rc = store_outbox_start(cfg->store, m->id, owner, now, now + send_lease(cfg), &attempt);
	if (rc == ERR_CONFLICT) {
		log_warn("mail", "message %lld: the claim ran out before it was sent; it is left to "
		    "whoever holds it now", (long long)m->id);
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	*handled = true;
	if (!ready) {
		rc = store_outbox_fail(cfg->store, m->id, owner, why);
		log_error("mail", "message %lld failed: %s", (long long)m->id, why);
		goto out;
	}
	smtp_send(&smtp, (const char *)to, text->p, text->n, &r);
	rc = record(cfg, owner, m, attempt, &r);
out:
	sodium_memzero(to, sizeof(to));
	if (text->p)
		sodium_memzero(text->p, text->n);
	return rc;
}

int
mail_outbox_pass(const struct mail_worker_config *cfg, const char *owner,
    const atomic_bool *stop, int *handled)
{
	int64_t now = now_of(cfg), lease;
	struct outbox_message *list;
	struct buf text = BUF_INIT;
	struct arena a;
	int i = 0, n = 0, rc;
	bool one;

	*handled = 0;
	/* Long enough for every message of the batch to be sent in turn. */
	lease = MAIL_WORKER_BATCH * send_lease(cfg);
	arena_init(&a, NULL, 0);
	rc = store_outbox_claim(cfg->store, &a, owner, now, now + lease, MAIL_WORKER_BATCH, &list,
	    &n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (stop && atomic_load(stop))
			break;
		rc = send_one(cfg, owner, &list[i], &text, &one);
		if (one)
			(*handled)++;
	}
	/* What was claimed and not started goes back at once (stopping, or
	 * the database failed: then it goes back when its lease runs out). */
	if (i < n && store_outbox_release(cfg->store, owner) != 0)
		log_warn("mail", "could not give back the messages claimed and not sent");
	buf_free(&text);
	arena_free(&a);
	return rc;
}

/* ---- the thread ----------------------------------------------------------------------------- */

/* One look (periodic.h); a full batch: more may be due at once. */
static bool
worker_pass(void *arg, const atomic_bool *stopping)
{
	struct mail_worker *w = arg;
	int handled, rc;

	rc = mail_outbox_pass(&w->cfg, w->owner, stopping, &handled);
	if (rc != 0)
		log_warn("mail", "could not send from the outbox: %s", error_name(rc));
	return rc == 0 && handled == MAIL_WORKER_BATCH;
}

/* A name for this worker that no other has: host, process and chance. */
static void
owner_name(char *out, size_t size)
{
	unsigned char rnd[6];
	char host[40] = "", hex[2 * sizeof(rnd) + 1];

	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(out, size, "%s/%ld/%s", host, (long)getpid(), hex);
}

int
mail_worker_start(const struct mail_worker_config *cfg, struct mail_worker **out,
    struct errors *e)
{
	struct mail_worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return ERR_NOMEM;
	w->cfg = *cfg;
	owner_name(w->owner, sizeof(w->owner));
	if (periodic_start("involve-mail", cfg->interval > 0 ? cfg->interval :
	    MAIL_INTERVAL_DEFAULT, worker_pass, w, &w->thread) != 0) {
		errors_add(e, "mail", "cannot start the mail worker");
		free(w);
		return ERR_IO;
	}
	log_info("mail", "sending mail as %s; worker %s", cfg->from, w->owner);
	*out = w;
	return 0;
}

void
mail_worker_wake(struct mail_worker *w)
{
	periodic_wake(w->thread);
}

void
mail_worker_stop(struct mail_worker *w)
{
	if (w == NULL)
		return;
	periodic_stop(w->thread);
	free(w);
}
