/*
 * sqlite_store.h - what the files of the SQLite store share: the store's
 * own struct, small helpers for statements, the audit log writer, and the
 * operations that sqlite_store.c puts in its table.
 *
 * Not a public header: only src/store/sqlite_*.c include it.
 */
#ifndef INVOLVE_SQLITE_STORE_H
#define INVOLVE_SQLITE_STORE_H

#include "involve/store.h"
#include "sqlite_db.h"

/*
 * Ballot counts of the batch being written: the ballots' own rows are
 * written as they come, their counts once per batch (sqlstore_flush_counts,
 * run by the writer outside any job's savepoint and before the commit), so
 * a batch of many ballots updates each counter once.  Each entry also
 * holds its poll's times and options, read once per batch, against which
 * each ballot is checked.  Writer thread only.
 */
#define SQLSTORE_BATCH_POLLS 8

/*
 * Bytes of the voter hash kept with a ballot.  The first 16 of the keyed
 * hash's 32 are as unguessable and as unlinkable, and a collision between
 * two browsers on one poll is a chance of 1 in 2^64 per pair; a shorter
 * key keeps the unique index, which every ballot writes to, smaller.
 */
#define SQLSTORE_VOTER_KEY 16

struct sqlstore_poll_counts {
	int64_t poll_id;
	int64_t opens_at, closes_at, closed_at;
	int option_n;
	int64_t option_ids[POLL_OPTIONS_MAX];
	int64_t option_adds[POLL_OPTIONS_MAX];
	int64_t ballots;
};

struct sqlstore_counts {
	int poll_n;
	struct sqlstore_poll_counts polls[SQLSTORE_BATCH_POLLS];
};

struct sqlite_store {
	struct store base;
	struct sqlwriter writer;
	struct sqlstore_counts counts;
	struct sqlpool readers;
	unsigned char audit_key[32];
};

#define SS(s) ((struct sqlite_store *)(s))

int64_t sqlstore_now(void);
/* Copies a text column into a fixed buffer (cut at a character boundary). */
void sqlstore_col_text(sqlite3_stmt *st, int col, char *dst, size_t size);
/* Steps a write statement and resets it; maps the result to ERR_*. */
int sqlstore_step_done(sqlite3_stmt *st);

/*
 * Appends the audit entry for a staff change, in the writer's transaction:
 * `action` ("poll.create"), the target ("poll:12", from target_fmt) and
 * `detail`, a JSON object's text (NULL for none).  The chain's tail is read
 * in the same transaction, so entries never fork.
 */
int sqlstore_audit(struct sqlite_store *ss, struct sqlconn *c, const struct actor *who,
    const char *action, const struct buf *detail, const char *target_fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* sqlite_store.c: lifecycle and the audit log */
int sq_audit_each(struct store *s, store_audit_fn fn, void *arg);
void sq_close(struct store *s);
int sq_migrate(struct store *s);
int sq_ping(struct store *s);

/* sqlite_staff.c: organisations, staff, sessions, tokens */
int sq_org_create(struct store *s, const struct actor *who, struct org *o);
int sq_org_get(struct store *s, int64_t id, struct org *out);
int sq_org_get_by_slug(struct store *s, const char *slug, struct org *out);
int sq_org_each(struct store *s, store_org_fn fn, void *arg);
int sq_user_create(struct store *s, const struct actor *who, struct user *u);
int sq_user_get(struct store *s, int64_t id, struct user *out);
int sq_user_get_by_email(struct store *s, const char *email, struct user *out);
int sq_user_set_password(struct store *s, const struct actor *who, int64_t user_id,
    const char *hash);
int sq_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess);
int sq_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct session *out);
int sq_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE]);
int sq_token_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], struct api_token *t);
int sq_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], struct api_token *out);

/* sqlite_polls.c: polls and ballots */
int sqlstore_flush_counts(struct sqlconn *c, void *ss);
void sqlstore_discard_counts(void *ss);
int sq_poll_create(struct store *s, const struct actor *who, struct poll *p);
int sq_poll_get(struct store *s, int64_t id, struct poll *out);
int sq_poll_tally(struct store *s, int64_t id, struct tally *out);
int sq_poll_each(struct store *s, int64_t org_id, int64_t before_id, int limit, store_poll_fn fn,
    void *arg);
int sq_poll_update(struct store *s, const struct actor *who, const struct poll *p);
int sq_poll_act(struct store *s, const struct actor *who, int64_t poll_id, enum poll_action action,
    int64_t now);
int sq_poll_delete(struct store *s, const struct actor *who, int64_t poll_id);
int sq_ballot_cast(struct store *s, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    store_done_fn done, void *arg);
int sq_ballot_exists(struct store *s, int64_t poll_id, const unsigned char voter[STORE_HASH_SIZE],
    bool *out);

/* sqlite_site.c: site pages */
int sq_page_get(struct store *s, int64_t org_id, const char *key, struct site_page *out);
int sq_page_put(struct store *s, const struct actor *who, const struct site_page *p);

#endif
