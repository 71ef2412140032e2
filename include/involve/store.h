/*
 * store.h - every read and write of persistent data.
 *
 * One store, whatever the database: store_open picks the engine from a URL
 * ("sqlite:PATH" or "postgresql://..."), and each area (organisations and
 * staff, polls and ballots, site pages, the audit log) is written once
 * against the database interface in src/store/db.h.  The web and CLI layers
 * never see SQL or know which database is underneath.
 *
 * Durability: a write returns (or calls its completion) only after its
 * transaction has committed to disk.  Writes from many requests are
 * committed together (group commit), so each waits a little and the disk
 * sees one sync for many of them.
 *
 * Rules: a change that the domain's rules allow only in some states (a poll
 * edited only before it opens) is checked by the store against the record
 * as it is inside the change's own transaction, with the domain's function
 * (poll.h), so no race between two servers can slip past it.  A refusal is
 * ERR_CONFLICT with the domain's reason added to the caller's errors.
 *
 * Every change made by staff takes a struct actor and appends a
 * hash-chained entry to the audit log in the same transaction as the
 * change itself, so the log cannot miss a change that happened.
 *
 * Memory: records of unbounded shape (a poll and its options, a page's
 * text) are read into the caller's arena and live as long as it does.
 * Small fixed records (an organisation, a user) are filled in place.  List
 * operations call a function per row; a row passed to it lives only during
 * the call unless said otherwise.
 */
#ifndef INVOLVE_STORE_H
#define INVOLVE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/arena.h"
#include "involve/audit.h"
#include "involve/error.h"
#include "involve/org.h"
#include "involve/poll.h"

struct store;

struct store_config {
	const char *url;           /* "sqlite:PATH" or "postgresql://..." */
	unsigned char audit_key[32];
	int read_connections;      /* pool size; 0 = default */
};

/* Opens the store named by cfg->url.  On failure returns an error code
 * and a message in e.  The caller closes it with store_close. */
int store_open(const struct store_config *cfg, struct store **out, struct errors *e);
/* Commits every write already accepted, then closes.  NULL is allowed. */
void store_close(struct store *s);
/* Applies the numbered migrations not yet applied (data/migrations). */
int store_migrate(struct store *s);
/* 0 when the database answers (readiness). */
int store_ping(struct store *s);
/* Whether a commit is on disk when it returns (SQLite synchronous=FULL;
 * PostgreSQL fsync and synchronous_commit on). */
int store_is_durable(struct store *s, bool *out);
/* The database URL as it may be shown or logged: a password in it
 * ("postgresql://user:secret@host/db") becomes "***". */
void store_url_display(const char *url, char *out, size_t size);

/* Who makes a change, for the audit log. */
struct actor {
	int64_t org_id;  /* 0 for installation-wide changes */
	int64_t user_id; /* 0 for the command line or the system */
	const char *name; /* an email, or "cli" */
};

#define STORE_HASH_SIZE 32
#define SESSION_CSRF_SIZE 64

/* Called when an asynchronous write has committed (result 0) or failed. */
typedef void (*store_done_fn)(void *arg, int result);

/* ---- organisations and staff ------------------------------------------------ */

typedef int (*store_org_fn)(void *arg, const struct org *o);

/* ERR_DUPLICATE when the slug is taken. */
int store_org_create(struct store *s, const struct actor *who, struct org *o);
int store_org_get(struct store *s, int64_t id, struct org *out);
int store_org_get_by_slug(struct store *s, struct str slug, struct org *out);
/* Every organisation, by name; fn returning non-zero stops the walk (a
 * positive value is not an error). */
int store_org_each(struct store *s, store_org_fn fn, void *arg);

/* ERR_DUPLICATE when the email is taken. */
int store_user_create(struct store *s, const struct actor *who, struct user *u);
int store_user_get(struct store *s, int64_t id, struct user *out);
int store_user_get_by_email(struct store *s, struct str email, struct user *out);
/* A new password ends every session of the user.  ERR_NOTFOUND. */
int store_user_set_password(struct store *s, const struct actor *who, int64_t user_id,
    const char *password_hash);

struct session {
	int64_t user_id;
	int64_t expires_at;
	char csrf[SESSION_CSRF_SIZE]; /* per-session CSRF token, text */
};

struct api_token {
	int64_t id;
	int64_t user_id;
	int64_t org_id;
	int64_t created_at;
};

/* Sessions and tokens are found by a keyed hash of their secret; the
 * secret itself is never stored. */
int store_session_create(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess);
/* ERR_NOTFOUND when there is none or it has expired by now. */
int store_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct session *out);
int store_session_delete(struct store *s, const unsigned char hash[STORE_HASH_SIZE]);
int store_token_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], struct api_token *t);
int store_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    struct api_token *out);

/* ---- polls and ballots ----------------------------------------------------------- */

typedef int (*store_poll_fn)(void *arg, const struct poll *p);

/* Sets p->id, p->created_at and each option's id. */
int store_poll_create(struct store *s, const struct actor *who, struct poll *p);
/* The poll with its options and their counts, all from one snapshot, in a.
 * ERR_NOTFOUND when there is none (or it has been deleted). */
int store_poll_get(struct store *s, struct arena *a, int64_t id, struct poll **out);
/* Polls of an organisation, newest first, with id < before_id (0 = from
 * the newest), at most limit of them (at most STORE_LIST_MAX), each with its
 * options and counts, read into a; they stay valid after the call. */
#define STORE_LIST_MAX 200
int store_poll_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id,
    int limit, store_poll_fn fn, void *arg);
/* Replaces question, options, flags and times of poll p->id (of
 * organisation p->org_id), when poll_check_edit allows it at now. */
int store_poll_update(struct store *s, const struct actor *who, const struct poll *p,
    int64_t now, struct errors *e);
/* Opens (poll_check_open) or closes (poll_check_close) a poll of the
 * actor's organisation at now.  ERR_NOTFOUND, ERR_CONFLICT. */
int store_poll_open(struct store *s, const struct actor *who, int64_t poll_id, int64_t now,
    struct errors *e);
int store_poll_close(struct store *s, const struct actor *who, int64_t poll_id, int64_t now,
    struct errors *e);
/* Deletes a poll of the actor's organisation with its ballots. */
int store_poll_delete(struct store *s, const struct actor *who, int64_t poll_id);

/* Whether a ballot with this voter hash exists for the poll. */
int store_ballot_exists(struct store *s, int64_t poll_id,
    const unsigned char voter[STORE_HASH_SIZE], bool *out);

/*
 * A limit on ballots per network, counted by the store in the ballot's own
 * transaction, so it holds however many app servers share the database.
 * Fixed windows: the window of time t starts at t - t % window.
 */
#define STORE_NET_SIZE 48
struct vote_limit {
	char net[STORE_NET_SIZE]; /* "203.0.113.7", "2001:db8:1:2::/64" */
	int limit;                /* ballots per window; 0 = no limit */
	int window;               /* seconds */
};
/* Windows older than this (seconds) are deleted as new ones start. */
#define STORE_RATE_KEEP 3600

/*
 * Casts a ballot.  Returns at once; `done` is called on the writer's
 * thread once the ballot's transaction has committed (0), or with
 * ERR_DUPLICATE (this voter has voted), ERR_CONFLICT (the poll is not open
 * at commit time), ERR_INVALID (a choice is not the poll's), ERR_LIMITED
 * (limit, which may be NULL, is reached: the attempt still counts),
 * ERR_NOTFOUND, ERR_FULL or ERR_IO.  done must only hand the result on (see
 * db.h): the writer waits while it runs.  What the store keeps of the
 * ballot meanwhile is allocated from a, which must outlive the call to
 * done.  Returns non-zero (and never calls done) only when the ballot could
 * not be queued (ERR_BUSY while shutting down, ERR_NOMEM).
 */
int store_ballot_cast(struct store *s, struct arena *a, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    store_done_fn done, void *arg);

/* ---- site pages -------------------------------------------------------------------- */

/* An editable page of an organisation's site: "accessibility",
 * "privacy", "cookies", "home" (the home page's introduction). */
#define SITE_PAGE_KEY_MAX 40
#define SITE_PAGE_TITLE_MAX_CHARS 120
#define SITE_PAGE_BODY_MAX (64 * 1024)
struct site_page {
	int64_t org_id;
	struct str key;
	struct str title;
	struct str body; /* Markdown */
	int64_t updated_at;
};

/* The page in a.  ERR_NOTFOUND when the organisation has not edited it. */
int store_page_get(struct store *s, struct arena *a, int64_t org_id, struct str key,
    struct site_page *out);
int store_page_put(struct store *s, const struct actor *who, const struct site_page *p);

/* ---- the audit log -------------------------------------------------------------------- */

typedef int (*store_audit_fn)(void *arg, const struct audit_entry *e);

/* Every audit entry in order. */
int store_audit_each(struct store *s, store_audit_fn fn, void *arg);

#endif
