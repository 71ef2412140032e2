/*
 * store.h - every read and write of persistent data.
 *
 * One store, whatever the database: store_open picks the engine from a URL
 * ("sqlite:PATH" or "postgresql://..."), and each area (organisations and
 * staff, polls and ballots, site pages, the audit log here; surveys and
 * their responses in store_survey.h) is written once against the database
 * interface in src/store/db.h.  The web and CLI layers never see SQL or
 * know which database is underneath.
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
#include "involve/signin.h"

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
/* A new password ends every session of the user and revokes their API
 * tokens.  ERR_NOTFOUND. */
int store_user_set_password(struct store *s, const struct actor *who, int64_t user_id,
    const char *password_hash);

typedef int (*store_user_fn)(void *arg, const struct user *u);
/* The organisation's staff, by email, disabled ones too. */
int store_user_each(struct store *s, int64_t org_id, store_user_fn fn, void *arg);
/* Changes the role of a user of org_id; their sessions end (they sign in
 * again with the new role).  ERR_NOTFOUND; ERR_CONFLICT (with the reason in
 * e) when it would leave the organisation no administrator who can sign in. */
int store_user_set_role(struct store *s, const struct actor *who, int64_t org_id,
    int64_t user_id, enum role role, struct errors *e);
/* Disables (disable true) a user of org_id: they can no longer sign in, and
 * their sessions and tokens end at once; the account stays for the audit
 * trail.  Or enables them again.  ERR_NOTFOUND; ERR_CONFLICT (reason in e)
 * when already so, or for the last administrator who can sign in. */
int store_user_disable(struct store *s, const struct actor *who, int64_t org_id,
    int64_t user_id, bool disable, struct errors *e);
/* Saves an organisation's require_mfa and frame_origins. */
int store_org_update_settings(struct store *s, const struct actor *who, const struct org *o);

/* Where a session is in signing in (session.mfa). */
enum session_stage {
	SESSION_SIGNED_IN = 0,
	SESSION_NEEDS_CODE = 1,  /* the password was right; the second factor is asked for */
	SESSION_NEEDS_SETUP = 2, /* ... and one must be set up before anything else */
};

struct session {
	int64_t user_id;
	int64_t expires_at;
	int64_t last_seen_at;
	int mfa;                      /* enum session_stage */
	char csrf[SESSION_CSRF_SIZE]; /* per-session CSRF token, text */
};

struct api_token {
	int64_t id;
	int64_t user_id;
	int64_t org_id;
	int64_t created_at;
	int64_t expires_at;   /* 0 = never */
	int64_t last_used_at; /* to within a minute; 0 = never used */
	int64_t revoked_at;   /* 0 = not revoked */
	char email[USER_EMAIL_SIZE]; /* its user's */
};

/*
 * Sessions and tokens are found by a keyed hash of their secret; the
 * secret itself is never stored.  Nothing caches them: a revoked token, a
 * signed-out session or a disabled account is refused by every app server
 * from the moment the change commits.
 */
/* Starts a session at now; old_hash (NULL for none) is the browser's
 * session before, which ends in the same transaction.  With who, audited
 * as a sign-in. */
int store_session_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], const unsigned char *old_hash,
    const struct session *sess, int64_t now);
/* ERR_NOTFOUND when there is none, it has expired by now, it has been idle
 * `idle` seconds, or its account is disabled. */
int store_session_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    int idle, struct session *out);
/* Records that the session was used at now: at most once a minute, and
 * often enough that a session in use never looks idle for `idle` seconds
 * (the idle timeout store_session_get is given). */
int store_session_touch(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
    const struct session *sess, int64_t now, int idle);
/* Ends a session; with who, audited as a sign-out. */
int store_session_delete(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE]);
/* Sets t->id and t->created_at; t->expires_at is the caller's (0 = never). */
int store_token_create(struct store *s, const struct actor *who,
    const unsigned char hash[STORE_HASH_SIZE], struct api_token *t);
/* ERR_NOTFOUND unless the token exists, is not revoked or expired at now,
 * and its account is not disabled. */
int store_token_get(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
    struct api_token *out);
/* Records that the token was used at now (at most once a minute). */
int store_token_used(struct store *s, const struct api_token *t, int64_t now);
typedef int (*store_token_fn)(void *arg, const struct api_token *t);
/* The organisation's tokens (user_id 0: everyone's), oldest first. */
int store_token_each(struct store *s, int64_t org_id, int64_t user_id, store_token_fn fn,
    void *arg);
/* ERR_NOTFOUND (not the organisation's), ERR_CONFLICT (revoked already). */
int store_token_revoke(struct store *s, const struct actor *who, int64_t org_id, int64_t id,
    int64_t now);

/* ---- sign-in throttles (signin.h) ------------------------------------------------ */

/* The latest time until which any of the n counts is at its limit at now,
 * or 0 when none is. */
int store_throttle_until(struct store *s, const struct throttle_count *counts, int n,
    int64_t now, int64_t *until);
/* Counts a failure in each of the n counts, with the audit entry `action`
 * on target, and a "signin.throttle" entry when it brings a count to its
 * limit; *until as store_throttle_until gives after it. */
int store_throttle_fail(struct store *s, const struct actor *who, const char *action,
    const char *target, const struct throttle_count *counts, int n, int64_t now,
    int64_t *until);
/* Forgets one count (a successful sign-in forgets its email and address's). */
int store_throttle_forget(struct store *s, const struct throttle_count *count);
/* Lifts every count with this subject (an administrator's action, audited
 * on target); *lifted is how many there were. */
int store_throttle_lift(struct store *s, const struct actor *who, const char *target,
    const unsigned char subject[SECRET_HASH_BYTES], int *lifted);

/* ---- second factors ------------------------------------------------------------------ */

/* Turns a second factor on: its secret as sealed (n bytes), time step
 * `step` accepted already (the code that confirmed it), and code_n recovery
 * codes (their keyed hashes) replacing any before.  ERR_CONFLICT when the
 * user has one already (reset it first). */
int store_mfa_enable(struct store *s, const struct actor *who, int64_t user_id,
    const unsigned char *sealed, size_t n, int64_t step,
    const unsigned char codes[][SECRET_HASH_BYTES], int code_n, int64_t now);
/* Accepts time step `step` for the user: ERR_DENIED when it is not newer
 * than the last accepted (the code has been used), decided atomically. */
int store_mfa_use_step(struct store *s, int64_t user_id, int64_t step);
/* Uses up a recovery code: ERR_DENIED when the user has no such code
 * (never had, or used).  *left is how many remain. */
int store_mfa_use_recovery(struct store *s, const struct actor *who, int64_t user_id,
    const unsigned char hash[SECRET_HASH_BYTES], int *left);
int store_mfa_recovery_left(struct store *s, int64_t user_id, int *left);
/* Removes a user's second factor and recovery codes and ends their
 * sessions (org_id 0: whatever the organisation).  ERR_NOTFOUND. */
int store_mfa_reset(struct store *s, const struct actor *who, int64_t org_id, int64_t user_id);

/* Deletes what has outlived its purpose at now: counts whose window has
 * passed, ended sessions, replies kept for retries past their day,
 * unfinished survey responses abandoned (survey_partials_abandoned_before;
 * a thousand at most each time), and the outbox's addresses no longer
 * needed (store_outbox_purge).  The
 * server calls it every minute; anything that counts also deletes as it
 * goes. */
int store_housekeep(struct store *s, int64_t now);

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
	/* What is counted: a keyed hash, in hex, of the poll and the network
	 * (never the address itself: see vote.c). */
	char net[STORE_NET_SIZE];
	int limit;                /* ballots per window; 0 = no limit */
	int window;               /* seconds; a window's counts are deleted once it has passed */
};

/*
 * What may come with a ballot besides its choices, each a keyed hash made
 * by the caller (secret_keyed_hash): a poll code, used up by the ballot;
 * and a retry key (the form's ballot key, an API Idempotency-Key) with a
 * hash of what was asked, so that the same request sent again is answered
 * as the first was and counts once.  A key is kept STORE_RETRY_KEEP
 * seconds after its ballot.
 */
#define STORE_RETRY_KEEP (24 * 3600)
struct ballot_claim {
	bool has_code;
	unsigned char code[SECRET_HASH_BYTES];
	bool has_key;
	unsigned char key[SECRET_HASH_BYTES];
	unsigned char request[SECRET_HASH_BYTES];
};

/*
 * Casts a ballot.  Returns at once; `done` is called on the writer's
 * thread once the ballot's transaction has committed (0), or with
 * ERR_DUPLICATE (this voter has voted), ERR_CONFLICT (the poll is not open
 * at commit time), ERR_INVALID (a choice is not the poll's), ERR_LIMITED
 * (limit, which may be NULL, is reached: the attempt still counts),
 * ERR_CODE_SPENT (the claim's code is not one of the poll's codes that
 * still works), ERR_KEY_REUSED (its retry key came before with another
 * request), ERR_NOTFOUND, ERR_FULL or ERR_IO.  A request sent again with
 * its key after it was counted is 0 again, and counts nothing.  claim may
 * be NULL.  done must only hand the result on (see db.h): the writer waits
 * while it runs.  What the store keeps of the ballot meanwhile is
 * allocated from a, which must outlive the call to done.  Returns non-zero
 * (and never calls done) only when the ballot could not be queued
 * (ERR_BUSY while shutting down, ERR_NOMEM).
 */
int store_ballot_cast(struct store *s, struct arena *a, int64_t poll_id, const struct ballot *b,
    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
    const struct ballot_claim *claim, store_done_fn done, void *arg);

/* ---- poll codes ------------------------------------------------------------------------ */

struct code_batch {
	int64_t id;
	int64_t poll_id;
	int64_t created_at;
	int64_t issued;       /* codes made */
	int64_t used;         /* of them, used to answer */
	int64_t withdrawn_at; /* 0 = still valid */
};

/* Keeps n new codes (their keyed hashes) of poll_id, of the actor's
 * organisation, as one batch; sets *batch_id.  ERR_NOTFOUND; ERR_CONFLICT
 * (reason in e) when the poll is not answered with codes or has closed. */
int store_poll_codes_add(struct store *s, const struct actor *who, int64_t poll_id,
    const unsigned char (*hashes)[SECRET_HASH_BYTES], int n, int64_t now, int64_t *batch_id,
    struct errors *e);
typedef int (*store_batch_fn)(void *arg, const struct code_batch *b);
/* The poll's batches of codes, oldest first. */
int store_poll_code_batches(struct store *s, int64_t poll_id, store_batch_fn fn, void *arg);
/* Withdraws a batch of a poll of the actor's organisation: its unused codes
 * stop working.  ERR_NOTFOUND; ERR_CONFLICT when withdrawn already. */
int store_poll_codes_withdraw(struct store *s, const struct actor *who, int64_t poll_id,
    int64_t batch_id, int64_t now);

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
