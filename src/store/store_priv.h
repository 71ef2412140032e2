/*
 * store_priv.h - what the store's area files (staff.c, polls.c, ballots.c,
 * surveys.c, responses.c, consultations.c, assessments.c, site.c, audit.c,
 * outbox.c) share: the store itself, the audit log's writer, the lock every
 * change of a survey takes, and the outbox for a change that sends mail.
 *
 * Adding an area is one file here (its operations, in SQL both engines
 * accept, through db.h), one migration in data/migrations and its rules in
 * src/domain; docs/architecture.md walks through one.
 *
 * Not a public header: only src/store includes it.
 */
#ifndef INVOLVE_STORE_PRIV_H
#define INVOLVE_STORE_PRIV_H

#include "involve/store.h"
#include "db.h"

struct store {
	struct db *db;
	unsigned char audit_key[32];
};

/*
 * Names of the locks (db_lock) that keep work one at a time across app
 * servers: appending to the audit chain, and migrating.  ("involve" in
 * ASCII, and one more.)
 */
#define STORE_AUDIT_LOCK 0x696e766f6c7665LL
#define STORE_MIGRATE_LOCK 0x696e766f6c7666LL

/*
 * Bytes of the voter hash kept with a ballot.  The first 16 of the keyed
 * hash's 32 are as unguessable and as unlinkable, and a collision between
 * two browsers on one poll is a chance of 1 in 2^64 per pair; a shorter
 * key keeps the unique index, which every ballot writes to, smaller.
 */
#define STORE_VOTER_KEY 16

int64_t store_now(void);

/*
 * Appends the audit entry for a staff change inside the change's own
 * transaction (c is the writer's): `action` ("poll.create"), the target
 * ("poll:12", from target_fmt) and `detail`, a JSON object's text (NULL for
 * none).  The chain's tail is read under STORE_AUDIT_LOCK in the same
 * transaction, so entries never fork, however many servers append.
 */
int store_audit_append(struct store *s, struct db_conn *c, const struct actor *who,
    const char *action, const struct buf *detail, const char *target_fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Ends every session of a user and revokes their API tokens, inside the
 * caller's change (a new password, a disabled account). */
int store_user_end_access(struct db_conn *c, int64_t user_id, int64_t now);

/* Hands the domain's reasons for a refusal, gathered inside a change's
 * transaction, to the caller's errors (which may be NULL). */
void store_errors_pass(const struct errors *from, struct errors *to);

/*
 * Locks survey id for a change inside the caller's transaction (c is the
 * writer's), the row every change of the survey and of its responses locks
 * first, and reads what the state rules look at into *out: the times,
 * version, organisation and count of responses, no text.  ERR_NOTFOUND when
 * there is none, or it is not org_id's (STORE_ANY_ORG: whoever's).
 */
#define STORE_ANY_ORG (-1)
struct survey;
int store_survey_lock(struct db_conn *c, int64_t id, int64_t org_id, struct survey *out);
/*
 * The same, shared with other batches of new responses (FOR KEY SHARE on
 * PostgreSQL): two writer threads' batches insert side by side, while a
 * change (store_survey_lock) waits for both, and they for it.  What the
 * batches add to the survey's own row (its counts) they add one after the
 * other: an UPDATE of the row waits for the other's commit.  *uncoded:
 * whether the survey's older responses are still to be coded (coded_packs.h).
 */
int store_survey_lock_shared(struct db_conn *c, int64_t id, int64_t org_id,
    struct survey *out, bool *uncoded);

/*
 * A response's free-text comments (store_comments.h) go, inside the
 * caller's change of it (c is the writer's): withdrawn, or corrected
 * (again: comments_through moves back before it, so the worker reads the
 * corrected words).
 */
int store_comments_forget(struct db_conn *c, int64_t survey_id, int64_t response_id, bool again);

/*
 * Queues a message inside the caller's own change (c is the writer's), for
 * an area whose change sends mail (a response's link to resume a survey):
 * the message is queued if and only if the change commits.  Not audited
 * apart from the caller's change.  Sets *id.  ERR_INVALID when the sealed
 * address is empty or too long (outbox.c).
 */
struct outbox_new;
int store_outbox_add_tx(struct db_conn *c, const struct outbox_new *m, int64_t *id);
/* The outbox's part of store_housekeep (store_outbox_purge's work) inside
 * its transaction; *purged may be NULL. */
int store_outbox_sweep(struct db_conn *c, int64_t now, int *purged);

/*
 * What opening and scheduling a consultation ask inside the survey's own
 * change (consultations.c; c is the writer's, the survey locked):
 * consultation_check_open and consultation_check_schedule of its
 * checklist as it is now (survey_id 0: a consultation being made, which
 * has recorded nothing).  0 or ERR_CONFLICT with the reason in e.
 */
int store_consultation_check_open(struct db_conn *c, int64_t survey_id, struct errors *e);
int store_consultation_check_schedule(struct db_conn *c, int64_t survey_id, int64_t opens_at,
    struct errors *e);

/* The responses' part of store_housekeep inside its transaction: deletes
 * unfinished responses abandoned at now (responses.c); *deleted may be
 * NULL. */
int store_responses_sweep(struct db_conn *c, int64_t now, int64_t *deleted);

/* A submitted response's code, if one began it, goes, and its batch counts
 * it used: in the submission's transaction (survey_codes.c). */
int survey_code_used(struct db_conn *c, int64_t response_id);

/* A batch of codes withdrawn, for polls' and surveys' alike (codes.c):
 * `mark` sets withdrawn_at (1) of batch (2) of owner (3) where it is 0,
 * `exists` finds batch (1) of owner (2); static strings, as db_prepare
 * keeps statements by their text's address.  0; ERR_CONFLICT when it is
 * withdrawn already; ERR_NOTFOUND when the owner has no such batch. */
struct code_batch_sql {
	const char *mark;
	const char *exists;
};
int store_code_batch_withdraw(struct db_conn *c, const struct code_batch_sql *q,
    int64_t owner_id, int64_t batch_id, int64_t now);

/* Applies the migrations (migrate.c). */
int store_migrations_apply(struct store *s);

#endif
