/*
 * auth.h - who is making a request: a staff session (cookie) or an API
 * token (bearer); signing in with a password and a second factor; the
 * CSRF check for staff forms.
 *
 * Session and token secrets are random strings given to the client; the
 * database holds only their keyed hashes, so a stolen database opens no
 * session.  Nothing here caches a session, a token or an account: each
 * request reads them, so an ending holds on every app server at once.
 *
 * Signing in, step by step:
 *  1. the attempt's counts (signin.h) are read; a throttled attempt is
 *     refused before any password is hashed (ERR_LIMITED, with the time it
 *     lapses);
 *  2. the password is checked on the hasher's own threads (hasher.h: argon2
 *     takes 64 MiB and most of a core; on the server's threads, six clients
 *     would starve every other request); its queue full is ERR_BUSY;
 *  3. a wrong password, a disabled or unknown account is one answer
 *     (ERR_DENIED), counted, and audited;
 *  4. a session starts under a new id: signed in, or waiting for the
 *     second factor's code, or for one to be set up when the
 *     organisation requires it.
 */
#ifndef INVOLVE_AUTH_H
#define INVOLVE_AUTH_H

#include <stdbool.h>

#include "involve/http.h"
#include "involve/org.h"
#include "involve/store.h"

/* The session cookie's name; with an https public URL, its __Host- form
 * (only ever set by this host, over https, for the whole site). */
#define AUTH_SESSION_COOKIE "involve_session"
#define AUTH_SESSION_COOKIE_HOST "__Host-involve_session"
#define AUTH_SESSION_SECONDS (8 * 3600)
#define AUTH_IDLE_DEFAULT (30 * 60)
/* A session waiting for its second factor lasts this long. */
#define AUTH_PENDING_SECONDS (10 * 60)

struct login_attempt;

struct auth {
	bool signed_in;   /* by session or token (a session may still await its second factor) */
	bool via_token;
	struct user user;
	struct org org;
	struct session session;
	unsigned char session_hash[STORE_HASH_SIZE];
	struct actor actor; /* for the audit log; name points into user */
	struct login_attempt *attempt; /* a sign-in waiting for its password check */
};

/* What a session may do now: everything, or only its second factor. */
enum auth_stage {
	AUTH_FULL,
	AUTH_NEEDS_CODE,  /* enter the code (or a recovery code) */
	AUTH_NEEDS_SETUP, /* set a second factor up: the organisation requires one */
};

/* The request's auth (allocated from its arena on first use). */
struct auth *auth_of(struct http_request *req);
/* The session cookie's name for this app. */
const char *auth_cookie_name(const struct app *app);
/* Reads the session cookie: 0 and auth->signed_in, or ERR_NOTFOUND.  The
 * session may still be waiting for its second factor: see auth_stage. */
int auth_from_session(struct http_request *req);
/* Where a signed-in session is: a session signed in fully is still
 * AUTH_NEEDS_SETUP when its organisation has since required a second
 * factor of its role. */
enum auth_stage auth_stage(const struct auth *a);
/* Reads "Authorization: Bearer ...": 0, ERR_NOTFOUND when absent,
 * ERR_DENIED when present but not valid (unknown, revoked, expired, or its
 * account disabled). */
int auth_from_token(struct http_request *req);
/* Whether the form's csrf field matches the session's token. */
bool auth_csrf_ok(struct http_request *req);

/*
 * Signs in with email and password (see the steps above), in two halves.
 * auth_login_start checks the throttle and queues the password check
 * (hasher.h): HTTP_PENDING, when the caller sets res->then and returns
 * HTTP_PENDING; ERR_LIMITED with *until when throttled; ERR_BUSY when the
 * hasher's queue is full.  Once the check is done, res->then calls
 * auth_login_finish: 0 with a session started and its cookie set on res;
 * ERR_DENIED for a wrong email or password (one answer for both, in the
 * same time), counted; ERR_LIMITED with *until when that failure reached
 * a limit is not said: the next attempt learns it.
 */
int auth_login_start(struct http_request *req, struct http_response *res, struct str email,
    struct str password, int64_t *until);
int auth_login_finish(struct http_request *req, struct http_response *res, int64_t *until);
/* The second factor of a session waiting for it: a code from the app
 * (used once) or a recovery code.  On success the session starts again,
 * signed in, under a new id.  ERR_MALFORMED, ERR_DENIED (counted like a
 * wrong password), ERR_LIMITED with *until. */
int auth_second_factor(struct http_request *req, struct http_response *res, struct str code,
    int64_t *until);
/* Starts the session again under a new id at stage `stage` (after a change
 * of privilege: a second factor set up). */
int auth_renew(struct http_request *req, struct http_response *res, enum session_stage stage);
void auth_logout(struct http_request *req, struct http_response *res);
/* Fills auth->actor from user; call after signing in. */
void auth_set_actor(struct auth *a);

#endif
