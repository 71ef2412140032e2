/*
 * pg_store.h - what the files of the PostgreSQL store share: the store's
 * own struct, the ballot writer, the audit log writer and the operations
 * that pg_store.c puts in its table.
 *
 * Not a public header: only src/store/pg_*.c include it.
 */
#ifndef INVOLVE_PG_STORE_H
#define INVOLVE_PG_STORE_H

#include "involve/store.h"
#include "pg_db.h"

/* Bytes of the voter hash kept with a ballot (as in the SQLite store). */
#define PGSTORE_VOTER_KEY 16
/* The most ballots written in one transaction. */
#define PGSTORE_BATCH_MAX 1024
/*
 * The key of the transaction-scoped advisory lock that every writer of
 * the audit log takes before reading the chain's tail: with many app
 * servers on one database, entries are appended one at a time and the
 * chain never forks.  ("involve" in ASCII.)
 */
#define PGSTORE_AUDIT_LOCK 0x696e766f6c7665LL
/* The same for migrations, so servers starting together migrate once. */
#define PGSTORE_MIGRATE_LOCK 0x696e766f6c7666LL

struct pg_ballot_job {
	struct pg_ballot_job *next;
	int64_t poll_id;
	int64_t now;
	struct ballot ballot;
	char voter_hex[2 * PGSTORE_VOTER_KEY + 1]; /* the voter key, as the batch's SQL takes it */
	char net[STORE_NET_SIZE];
	int limit, window;
	store_done_fn done;
	void *arg;
	int rc;
	bool written;
	bool limited;
};

/*
 * The ballot writer: one thread per app server with a connection of its
 * own, which takes every ballot waiting and writes them in one transaction
 * with a handful of statements (group commit), whatever their number.
 * Each ballot's completion runs after the commit.
 */
struct pgwriter {
	struct pgconn conn;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct pg_ballot_job *head, *tail;
	bool stopping;
	bool started;
};

struct pg_store {
	struct store base;
	struct pgpool pool;
	struct pgwriter writer;
	unsigned char audit_key[32];
};

#define PS(s) ((struct pg_store *)(s))

int64_t pgstore_now(void);

/*
 * Appends the audit entry for a staff change inside the caller's
 * transaction (see sqlstore_audit): takes PGSTORE_AUDIT_LOCK, reads the
 * tail, seals and inserts the entry.
 */
int pgstore_audit(struct pg_store *ps, struct pgconn *c, const struct actor *who,
    const char *action, const struct buf *detail, const char *target_fmt, ...)
	__attribute__((format(printf, 6, 7)));

int pgwriter_start(struct pgwriter *w, const char *url, struct errors *e);
void pgwriter_stop(struct pgwriter *w);

/* pg_store.c */
int pg_audit_each(struct store *s, store_audit_fn fn, void *arg);

/* pg_staff.c */
int pg_org_create(struct store *s, const struct actor *who, struct org *o);
int pg_org_get(struct store *s, int64_t id, struct org *out);
int pg_org_get_by_slug(struct store *s, const char *slug, struct org *out);
int pg_org_each(struct store *s, store_org_fn fn, void *arg);
int pg_user_create(struct store *s, const struct actor *who, struct user *u);
int pg_user_get(struct store *s, int64_t id, struct user *out);
int pg_user_get_by_email(struct store *s, const char *email, struct user *out);
int pg_user_set_password(struct store *s, const struct actor *who, int64_t user_id,
    const char *hash);
int pg_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess);
int pg_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct session *out);
int pg_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE]);
int pg_token_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], struct api_token *t);
int pg_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], struct api_token *out);

/* pg_polls.c */
int pg_poll_create(struct store *s, const struct actor *who, struct poll *p);
int pg_poll_get(struct store *s, int64_t id, struct poll *out);
int pg_poll_tally(struct store *s, int64_t id, struct tally *out);
int pg_poll_each(struct store *s, int64_t org_id, int64_t before_id, int limit, store_poll_fn fn,
    void *arg);
int pg_poll_update(struct store *s, const struct actor *who, const struct poll *p);
int pg_poll_act(struct store *s, const struct actor *who, int64_t poll_id, enum poll_action action,
    int64_t now);
int pg_poll_delete(struct store *s, const struct actor *who, int64_t poll_id);

/* pg_ballots.c */
int pg_ballot_cast(struct store *s, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    store_done_fn done, void *arg);
int pg_ballot_exists(struct store *s, int64_t poll_id, const unsigned char voter[STORE_HASH_SIZE],
    bool *out);

/* pg_site.c */
int pg_page_get(struct store *s, int64_t org_id, const char *key, struct site_page *out);
int pg_page_put(struct store *s, const struct actor *who, const struct site_page *p);

#endif
