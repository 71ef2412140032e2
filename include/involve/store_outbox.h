/*
 * store_outbox.h - the outbox: mail to the public, kept in the database
 * until a worker has handed it to an SMTP server (see store.h for what
 * every store function promises: durability, audit, memory).
 *
 * A message is sent at most once, however many app servers share the
 * database and whenever one of them dies.  The steps, each a committed
 * transaction (data/migrations/005_outbox.sql names the states):
 *
 *   1. store_outbox_claim takes due messages for one worker (its `owner`,
 *      a name no other worker uses) in one conditional UPDATE: a message
 *      is claimed only while it is queued, so two servers never both take
 *      it.  Nothing has gone to SMTP yet, so a claim whose lease runs out
 *      (its worker died) simply goes back to the queue.
 *   2. store_outbox_start records the attempt (attempts + 1, state
 *      sending) BEFORE the message is handed to SMTP.
 *   3. The worker records what SMTP said: store_outbox_sent (the address
 *      and body are emptied in the same UPDATE), store_outbox_retry (the
 *      server certainly did not take it), store_outbox_fail (refused for
 *      good, or the last attempt), store_outbox_unknown (the end of the
 *      message went out and no answer came back).
 *
 * A crash between 2 and 3 leaves a message sending whose lease runs out:
 * the next claim or housekeeping on any server marks it unknown, and
 * nothing sends it again by itself, because the SMTP server may have
 * taken it.  Staff see it in `involve mail list` and may queue it again
 * (store_outbox_requeue), knowing it may arrive twice.  A clock that runs
 * ahead on one server can end a lease early; that only delays a message
 * or marks it unknown, and every step checks the owner, so no message is
 * sent twice by it either.
 *
 * The recipient is kept sealed (secret_seal with keys.mail): the store
 * never sees an address.
 */
#ifndef INVOLVE_STORE_OUTBOX_H
#define INVOLVE_STORE_OUTBOX_H

#include "involve/mail.h"
#include "involve/secret.h"
#include "involve/store.h"

enum outbox_state {
	OUTBOX_QUEUED,
	OUTBOX_CLAIMED,
	OUTBOX_SENDING,
	OUTBOX_SENT,
	OUTBOX_FAILED,
	OUTBOX_UNKNOWN,
};
#define OUTBOX_STATE_N 6
const char *outbox_state_name(enum outbox_state st); /* "queued", ... */
/* ERR_INVALID for a name that is not a state. */
int outbox_state_parse(struct str s, enum outbox_state *out);

/* A sealed address, at most. */
#define OUTBOX_SEALED_MAX (MAIL_ADDRESS_MAX + SECRET_SEAL_OVERHEAD)
#define OUTBOX_OWNER_MAX 64
#define OUTBOX_ERROR_MAX 200
/* The most messages one claim takes. */
#define OUTBOX_CLAIM_MAX 32
/* A message that failed (or whose outcome is unknown) keeps its address
 * and body this long after its last attempt, for staff to send it again;
 * every finished message is deleted this long after it. */
#define OUTBOX_KEEP_FAILED (7 * 24 * 3600)
#define OUTBOX_FORGET (90 * 24 * 3600)

struct outbox_new {
	int64_t org_id;
	struct str kind;              /* mail_kind_check */
	const unsigned char *recipient; /* the address sealed with keys.mail */
	size_t recipient_n;           /* at most OUTBOX_SEALED_MAX */
	struct str subject;           /* mail_subject_check */
	struct str body;              /* mail_body_check */
	int64_t now;                  /* queued at, and due at */
};

/* Queues a message; sets *id.  With who (staff, the command line) the
 * change is audited ("mail.queue", the kind; never the address); NULL for
 * mail the product sends by itself.  ERR_NOTFOUND when the organisation
 * does not exist; ERR_INVALID when the sealed address is too long. */
int store_outbox_add(struct store *s, const struct actor *who, const struct outbox_new *m,
    int64_t *id);

/* A message as claimed, for sending; its strings live in the caller's
 * arena. */
struct outbox_message {
	int64_t id;
	int64_t org_id;
	struct str org_name;
	struct str kind;
	struct str recipient; /* sealed */
	struct str subject;
	struct str body;
	int attempts;         /* made before this claim */
	int64_t created_at;
};

/*
 * First ends the leases that ran out by now (claimed: back to the queue;
 * sending: unknown), then claims up to `limit` (at most OUTBOX_CLAIM_MAX)
 * messages due at now, oldest due first, for owner until `until`.  *out
 * (in a) and *n are every message the owner holds claimed: those it took
 * now.  *n is 0 when nothing is due.
 */
int store_outbox_claim(struct store *s, struct arena *a, const char *owner, int64_t now,
    int64_t until, int limit, struct outbox_message **out, int *n);
/* Records an attempt of a message the owner holds claimed, before it is
 * handed over: state sending, attempts + 1 (*attempt, when not NULL: this
 * attempt's number), last attempt now, lease until `until`.  ERR_CONFLICT
 * when the owner no longer holds the claim (its lease ran out and another
 * worker may have it): the message must then not be sent. */
int store_outbox_start(struct store *s, int64_t id, const char *owner, int64_t now,
    int64_t until, int *attempt);
/* The outcome of an attempt the owner started.  Each is ERR_CONFLICT when
 * the owner no longer holds the message (staff queued it again).
 * sent: the address and the body are emptied at once. */
int store_outbox_sent(struct store *s, int64_t id, const char *owner, int64_t now);
/* Certainly not taken: queued again for next_at, with why (no address in
 * it). */
int store_outbox_retry(struct store *s, int64_t id, const char *owner, int64_t next_at,
    const char *error);
/* Refused for good, or the last attempt failed. */
int store_outbox_fail(struct store *s, int64_t id, const char *owner, const char *error);
/* It may or may not have been taken: never sent again by itself. */
int store_outbox_unknown(struct store *s, int64_t id, const char *owner, const char *error);
/* Gives back every message the owner holds claimed and has not started
 * (a worker stopping): they are queued again, no attempt counted. */
int store_outbox_release(struct store *s, const char *owner);

/* A message as staff and the command line see it: never its address or
 * body. */
struct outbox_entry {
	int64_t id;
	int64_t org_id;
	char kind[MAIL_KIND_MAX + 1];
	enum outbox_state state;
	int attempts;
	int64_t created_at;
	int64_t next_attempt_at;
	int64_t last_attempt_at; /* 0 = never tried */
	int64_t sent_at;         /* 0 = not sent */
	bool has_recipient;      /* false once sent, or purged */
	char last_error[OUTBOX_ERROR_MAX + 1];
};
typedef int (*store_outbox_fn)(void *arg, const struct outbox_entry *m);
/* Messages of an organisation (org_id 0: of every one), in one state
 * (NULL: any), with id > after_id, at most limit (0: all), in id order.
 * Each row lives only during its call; fn returning non-zero stops the
 * walk (a positive value is not an error). */
int store_outbox_each(struct store *s, int64_t org_id, const enum outbox_state *state,
    int64_t after_id, int64_t limit, store_outbox_fn fn, void *arg);
/* How many messages are in each state, counts indexed by enum
 * outbox_state (org_id 0: every organisation). */
int store_outbox_count(struct store *s, int64_t org_id, int64_t counts[OUTBOX_STATE_N]);

/*
 * Staff queue again, due at now with no attempt counted, message id of
 * organisation org_id when it failed or its outcome is unknown (which may
 * make it arrive twice: staff decide) and still has its address; or, with
 * id 0, every failed message of the organisation that still has one.
 * *n is how many were queued.  Audited ("mail.retry").  With an id:
 * ERR_NOTFOUND (not the organisation's), ERR_CONFLICT (another state, or
 * its address is gone).
 */
int store_outbox_requeue(struct store *s, const struct actor *who, int64_t org_id, int64_t id,
    int64_t now, int *n);

/* Deletes what the outbox no longer needs at now: the address and body of
 * a sent message (emptied when sent already; this catches any left), and
 * of one that failed or is unknown OUTBOX_KEEP_FAILED after its last
 * attempt; finished messages OUTBOX_FORGET after it.  Also ends leases
 * that ran out, as a claim does.  *purged (may be NULL): addresses
 * deleted.  store_housekeep calls it. */
int store_outbox_purge(struct store *s, int64_t now, int *purged);

#endif
