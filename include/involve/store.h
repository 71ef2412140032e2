/*
 * store.h - the store interface: every read and write of persistent data.
 *
 * A store is a table of operations (struct store_ops) behind an opaque
 * handle, so the web and CLI layers never see SQL or know which database is
 * underneath.  store_open picks the implementation from a URL:
 * "sqlite:PATH" or "postgresql://...".
 *
 * Durability: a write returns (or calls its completion) only after its
 * transaction has committed to disk.  Writes from many requests are
 * committed together (group commit), so each waits a little and the disk
 * sees one sync for many of them.
 *
 * Every change made by staff takes a struct actor and appends a
 * hash-chained entry to the audit log in the same transaction as the
 * change itself, so the log cannot miss a change that happened.
 *
 * Results are returned in caller-owned structs; list operations call a
 * function per row.  Rows passed to callbacks live only during the call.
 */
#ifndef INVOLVE_STORE_H
#define INVOLVE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/audit.h"
#include "involve/error.h"
#include "involve/org.h"
#include "involve/poll.h"

struct store;

/* Who makes a change, for the audit log. */
struct actor {
	int64_t org_id;  /* 0 for installation-wide changes */
	int64_t user_id; /* 0 for the command line or the system */
	const char *name; /* an email, or "cli" */
};

#define STORE_HASH_SIZE 32
#define SESSION_CSRF_SIZE 64

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

/* An editable page of an organisation's site: "accessibility",
 * "privacy", "cookies", "home" (the home page's introduction). */
#define SITE_PAGE_KEY_SIZE 32
#define SITE_PAGE_TITLE_SIZE 480
#define SITE_PAGE_BODY_MAX (64 * 1024)
struct site_page {
	int64_t org_id;
	char key[SITE_PAGE_KEY_SIZE];
	char title[SITE_PAGE_TITLE_SIZE];
	char *body;       /* Markdown; owned by the struct: free with site_page_free */
	int64_t updated_at;
};
void site_page_free(struct site_page *p);

/* How a poll changes state. */
enum poll_action {
	POLL_ACTION_OPEN,  /* opens now */
	POLL_ACTION_CLOSE, /* closes now */
};

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

/* Called when an asynchronous write has committed (result 0) or failed. */
typedef void (*store_done_fn)(void *arg, int result);
typedef int (*store_org_fn)(void *arg, const struct org *o);
typedef int (*store_poll_fn)(void *arg, const struct poll *p);
typedef int (*store_audit_fn)(void *arg, const struct audit_entry *e);

struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	/* Applies the numbered migrations not yet applied. */
	int (*migrate)(struct store *s);
	/* 0 when the database answers (readiness). */
	int (*ping)(struct store *s);

	int (*org_create)(struct store *s, const struct actor *who, struct org *o);
	int (*org_get)(struct store *s, int64_t id, struct org *out);
	int (*org_get_by_slug)(struct store *s, const char *slug, struct org *out);
	int (*org_each)(struct store *s, store_org_fn fn, void *arg);

	/* ERR_DUPLICATE when the email is taken. */
	int (*user_create)(struct store *s, const struct actor *who, struct user *u);
	int (*user_get)(struct store *s, int64_t id, struct user *out);
	int (*user_get_by_email)(struct store *s, const char *email, struct user *out);
	int (*user_set_password)(struct store *s, const struct actor *who, int64_t user_id,
	    const char *password_hash);

	/* Sessions and tokens are found by a keyed hash of their secret; the
	 * secret itself is never stored. */
	int (*session_create)(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
	    const struct session *sess);
	int (*session_get)(struct store *s, const unsigned char hash[STORE_HASH_SIZE], int64_t now,
	    struct session *out);
	int (*session_delete)(struct store *s, const unsigned char hash[STORE_HASH_SIZE]);
	int (*token_create)(struct store *s, const struct actor *who,
	    const unsigned char hash[STORE_HASH_SIZE], struct api_token *t);
	int (*token_get)(struct store *s, const unsigned char hash[STORE_HASH_SIZE],
	    struct api_token *out);

	/* Sets p->id, p->created_at and each option's id. */
	int (*poll_create)(struct store *s, const struct actor *who, struct poll *p);
	/* Fills options and the ballot count.  ERR_NOTFOUND if deleted. */
	int (*poll_get)(struct store *s, int64_t id, struct poll *out);
	/* Polls of an organisation, newest first, with id < before_id
	 * (0 = from the newest), at most limit of them. */
	int (*poll_each)(struct store *s, int64_t org_id, int64_t before_id, int limit,
	    store_poll_fn fn, void *arg);
	/* Replaces question, options, flags and times.  ERR_CONFLICT once any
	 * ballot has been cast. */
	int (*poll_update)(struct store *s, const struct actor *who, const struct poll *p);
	int (*poll_act)(struct store *s, const struct actor *who, int64_t poll_id,
	    enum poll_action action, int64_t now);
	int (*poll_delete)(struct store *s, const struct actor *who, int64_t poll_id);
	int (*poll_tally)(struct store *s, int64_t poll_id, struct tally *out);
	/* Whether a ballot with this voter hash exists for the poll. */
	int (*ballot_exists)(struct store *s, int64_t poll_id,
	    const unsigned char voter[STORE_HASH_SIZE], bool *out);
	/*
	 * Casts a ballot.  Returns at once; `done` is called from the writer
	 * once the ballot's transaction has committed (0), or with
	 * ERR_DUPLICATE (this voter has voted), ERR_CONFLICT (the poll is not
	 * open at commit time), ERR_LIMITED (limit, which may be NULL, is
	 * reached: the attempt still counts), ERR_NOTFOUND, ERR_FULL or
	 * ERR_IO.  Returns
	 * non-zero (and never calls done) only when the write could not be
	 * queued (ERR_BUSY while shutting down, ERR_NOMEM).
	 */
	int (*ballot_cast)(struct store *s, int64_t poll_id, const struct ballot *b,
	    const unsigned char voter[STORE_HASH_SIZE], int64_t now, const struct vote_limit *limit,
	    store_done_fn done, void *arg);

	/* Every audit entry in order. */
	int (*audit_each)(struct store *s, store_audit_fn fn, void *arg);

	/* ERR_NOTFOUND when the organisation has not edited it. */
	int (*page_get)(struct store *s, int64_t org_id, const char *key, struct site_page *out);
	int (*page_put)(struct store *s, const struct actor *who, const struct site_page *p);
};

struct store {
	const struct store_ops *ops;
};

struct store_config {
	const char *url;           /* "sqlite:PATH" or "postgresql://..." */
	unsigned char audit_key[32];
	int read_connections;      /* pool size; 0 = default */
};

/* Opens the store named by cfg->url.  On failure returns an error code
 * and a message in e.  The caller closes it with store_close. */
int store_open(const struct store_config *cfg, struct store **out, struct errors *e);
void store_close(struct store *s);
/* The database URL as it may be shown or logged: a password in it
 * ("postgresql://user:secret@host/db") becomes "***". */
void store_url_display(const char *url, char *out, size_t size);

#endif
