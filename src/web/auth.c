/*
 * auth.c - staff sessions, API tokens, signing in and CSRF (see auth.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/hasher.h"
#include "involve/onetime.h"
#include "involve/secret.h"
#include "involve/signin.h"
#include "involve/totp.h"

struct auth *
auth_of(struct http_request *req)
{
	if (req->auth == NULL)
		req->auth = arena_zalloc(&req->arena, sizeof(struct auth));
	return req->auth;
}

const char *
auth_cookie_name(const struct app *app)
{
	return app->cfg.secure_cookies ? AUTH_SESSION_COOKIE_HOST : AUTH_SESSION_COOKIE;
}

void
auth_set_actor(struct auth *a)
{
	a->actor.org_id = a->user.org_id;
	a->actor.user_id = a->user.id;
	a->actor.name = a->user.email;
}

static int
load_user(struct app *app, struct auth *a, int64_t user_id)
{
	if (store_user_get(app->store, user_id, &a->user) != 0 || a->user.disabled_at != 0)
		return ERR_NOTFOUND;
	if (store_org_get(app->store, a->user.org_id, &a->org) != 0)
		return ERR_NOTFOUND;
	a->signed_in = true;
	auth_set_actor(a);
	return 0;
}

int
auth_from_session(struct http_request *req)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	struct str cookie;

	if (a == NULL)
		return ERR_NOMEM;
	if (a->signed_in)
		return 0;
	if (!http_cookie(req, auth_cookie_name(app), &cookie) || cookie.n == 0 ||
	    cookie.n >= SECRET_TOKEN_MAX)
		return ERR_NOTFOUND;
	secret_token_hash(app->keys.token, cookie.p, cookie.n, a->session_hash);
	if (store_session_get(app->store, a->session_hash, req->now, app->cfg.session_idle,
	    &a->session) != 0)
		return ERR_NOTFOUND;
	if (load_user(app, a, a->session.user_id) != 0) {
		a->signed_in = false;
		return ERR_NOTFOUND;
	}
	/* Used now: the idle timeout starts again.  A failure to record it
	 * costs the session at most a minute of its idle time. */
	store_session_touch(app->store, a->session_hash, &a->session, req->now,
	    app->cfg.session_idle);
	return 0;
}

enum auth_stage
auth_stage(const struct auth *a)
{
	if (a->via_token)
		return AUTH_FULL;
	if (a->session.mfa == SESSION_NEEDS_CODE)
		return AUTH_NEEDS_CODE;
	if (a->session.mfa == SESSION_NEEDS_SETUP ||
	    (a->user.mfa_on == 0 && mfa_required(a->org.require_mfa, a->user.role)))
		return AUTH_NEEDS_SETUP;
	return AUTH_FULL;
}

int
auth_from_token(struct http_request *req)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	struct api_token t;
	unsigned char hash[STORE_HASH_SIZE];
	struct str h, token;

	if (a == NULL)
		return ERR_NOMEM;
	if (a->signed_in && a->via_token)
		return 0;
	if (!http_header(req, "Authorization", &h))
		return ERR_NOTFOUND;
	if (h.n < 8 || strncasecmp(h.p, "Bearer ", 7) != 0)
		return ERR_DENIED;
	token = (struct str){ h.p + 7, h.n - 7 };
	if (token.n == 0 || token.n >= SECRET_TOKEN_MAX)
		return ERR_DENIED;
	secret_token_hash(app->keys.token, token.p, token.n, hash);
	if (store_token_get(app->store, hash, req->now, &t) != 0)
		return ERR_DENIED;
	if (load_user(app, a, t.user_id) != 0 || a->user.org_id != t.org_id) {
		a->signed_in = false;
		return ERR_DENIED;
	}
	a->via_token = true;
	store_token_used(app->store, &t, req->now);
	return 0;
}

bool
auth_csrf_ok(struct http_request *req)
{
	struct auth *a = req->auth;
	struct str sent;
	size_t n;

	if (a == NULL || !a->signed_in || a->via_token)
		return false;
	if (!http_form(req, "csrf", &sent))
		return false;
	n = strlen(a->session.csrf);
	return n > 0 && sent.n == n && sodium_memcmp(sent.p, a->session.csrf, n) == 0;
}

/* ---- signing in -------------------------------------------------------------- */

/* A new session for user u at stage, replacing the browser's session (if
 * any) in the same transaction, with its cookie set on res. */
static int
session_start(struct http_request *req, struct http_response *res, const struct user *u,
    enum session_stage stage, const struct actor *who)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	char token[SECRET_TOKEN_MAX];
	unsigned char hash[STORE_HASH_SIZE], old[STORE_HASH_SIZE];
	bool had_old = a->signed_in && !a->via_token;
	struct session sess;
	int seconds, rc;

	if (!had_old) {
		struct str cookie;

		/* A session id the browser brought (perhaps planted): it ends. */
		if (http_cookie(req, auth_cookie_name(app), &cookie) && cookie.n > 0 &&
		    cookie.n < SECRET_TOKEN_MAX) {
			secret_token_hash(app->keys.token, cookie.p, cookie.n, old);
			had_old = true;
		}
	} else {
		memcpy(old, a->session_hash, sizeof(old));
	}
	if (secret_token_new("", token) != 0)
		return ERR_IO;
	memset(&sess, 0, sizeof(sess));
	sess.user_id = u->id;
	sess.mfa = stage;
	seconds = stage == SESSION_NEEDS_CODE ? AUTH_PENDING_SECONDS : AUTH_SESSION_SECONDS;
	sess.expires_at = req->now + seconds;
	sess.last_seen_at = req->now;
	if (secret_token_new("", sess.csrf) != 0)
		return ERR_IO;
	secret_token_hash(app->keys.token, token, strlen(token), hash);
	rc = store_session_create(app->store, stage == SESSION_SIGNED_IN ? who : NULL, hash,
	    had_old ? old : NULL, &sess, req->now);
	if (rc != 0)
		return rc;
	http_response_cookie(res, auth_cookie_name(app), token, "/", seconds,
	    app->cfg.secure_cookies, "Lax");
	explicit_bzero(token, sizeof(token));
	a->session = sess;
	memcpy(a->session_hash, hash, sizeof(hash));
	return load_user(app, a, u->id);
}

/* What a failed attempt is audited as: the account's, or the email typed
 * when no account has it (never the password, never the address). */
static void
attempt_actor(const struct user *u, bool known, struct str typed, char *buf, size_t size,
    struct actor *who, char *target, size_t target_size)
{
	struct str e = signin_email_key(typed, buf, size - 1);

	buf[e.n] = '\0';
	who->org_id = known ? u->org_id : 0;
	who->user_id = known ? u->id : 0;
	who->name = buf;
	if (known)
		snprintf(target, target_size, "user:%lld", (long long)u->id);
	else
		snprintf(target, target_size, "signin");
}

/* A sign-in between its two halves: what the first found out, and the
 * password check under way on the hasher's threads. */
struct login_attempt {
	struct hash_job job;
	struct http_response *res;
	struct throttle_count counts[SIGNIN_COUNTS];
	struct user user;
	bool known;
	struct str email;
};

/* On a hasher thread, once the password is checked: wake the connection. */
static void
login_checked(struct hash_job *j)
{
	struct login_attempt *at = j->arg;

	http_response_finish(at->res);
}

int
auth_login_start(struct http_request *req, struct http_response *res, struct str email,
    struct str password, int64_t *until)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	struct login_attempt *at;
	char key[USER_EMAIL_SIZE];
	struct str e;
	int rc;

	*until = 0;
	if (a == NULL || (at = arena_zalloc(&req->arena, sizeof(*at))) == NULL)
		return ERR_NOMEM;
	signin_counts(app->keys.net, email, req->client_addr, at->counts);
	if ((rc = store_throttle_until(app->store, at->counts, SIGNIN_COUNTS, req->now,
	    until)) != 0)
		return rc;
	if (*until > req->now)
		return ERR_LIMITED; /* before any hashing: a throttled attempt costs little */
	if (hasher_full(app->hasher))
		return ERR_BUSY;
	e = signin_email_key(email, key, sizeof(key) - 1);
	at->known = store_user_get_by_email(app->store, e, &at->user) == 0;
	at->email = arena_str(&req->arena, email);
	if (at->known)
		memcpy(at->job.stored, at->user.password_hash, sizeof(at->job.stored));
	if (password.n > HASHER_PASSWORD_MAX)
		password.n = HASHER_PASSWORD_MAX;
	memcpy(at->job.password, password.p, password.n);
	at->job.password[password.n] = '\0';
	at->job.done = login_checked;
	at->job.arg = at;
	at->res = res;
	a->attempt = at;
	if (hasher_submit(app->hasher, &at->job) != 0) {
		sodium_memzero(at->job.password, sizeof(at->job.password));
		a->attempt = NULL;
		return ERR_BUSY;
	}
	return HTTP_PENDING;
}

int
auth_login_finish(struct http_request *req, struct http_response *res, int64_t *until)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	struct login_attempt *at = a ? a->attempt : NULL;
	char typed[USER_EMAIL_SIZE], target[32];
	enum session_stage stage;
	struct actor who;
	struct org org;
	int rc;

	*until = 0;
	if (at == NULL)
		return ERR_IO;
	a->attempt = NULL;
	attempt_actor(&at->user, at->known, at->email, typed, sizeof(typed), &who, target,
	    sizeof(target));
	if (!at->job.ok || at->user.disabled_at != 0) {
		rc = store_throttle_fail(app->store, &who, "signin.fail", target, at->counts,
		    SIGNIN_COUNTS, req->now, until);
		return rc != 0 ? rc : ERR_DENIED;
	}
	/* Right: this email from this address starts afresh (the email's
	 * and the address's own counts still lapse only by time). */
	store_throttle_forget(app->store, &at->counts[SIGNIN_COUNT_PAIR]);
	if (store_org_get(app->store, at->user.org_id, &org) != 0)
		return ERR_NOTFOUND;
	if (at->user.mfa_on != 0)
		stage = SESSION_NEEDS_CODE;
	else if (mfa_required(org.require_mfa, at->user.role))
		stage = SESSION_NEEDS_SETUP;
	else
		stage = SESSION_SIGNED_IN;
	who.name = at->user.email;
	return session_start(req, res, &at->user, stage, &who);
}

int
auth_second_factor(struct http_request *req, struct http_response *res, struct str code,
    int64_t *until)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	struct throttle_count counts[SIGNIN_COUNTS];
	unsigned char secret[USER_MFA_SEALED_MAX], hash[SECRET_HASH_BYTES];
	char norm[ONETIME_CODE_MAX], target[32];
	size_t secret_n = 0, norm_n;
	int64_t step;
	int rc, left;
	bool digits = true;
	size_t i;

	*until = 0;
	if (a == NULL || !a->signed_in || a->via_token || a->session.mfa != SESSION_NEEDS_CODE)
		return ERR_DENIED;
	/* Wrong codes count against the account's email, like wrong passwords. */
	signin_counts(app->keys.net, str_c(a->user.email), req->client_addr, counts);
	if ((rc = store_throttle_until(app->store, counts, SIGNIN_COUNTS, req->now, until)) != 0)
		return rc;
	if (*until > req->now)
		return ERR_LIMITED;
	for (i = 0; i < code.n; i++)
		if (!(code.p[i] >= '0' && code.p[i] <= '9') && code.p[i] != ' ')
			digits = false;
	if (digits) {
		rc = ERR_DENIED;
		if (secret_open(app->keys.mfa, a->user.mfa_secret, a->user.mfa_secret_n, secret,
		    sizeof(secret), &secret_n) == 0)
			rc = totp_check(secret, secret_n, code.p, code.n, req->now, a->user.mfa_step,
			    &step);
		sodium_memzero(secret, sizeof(secret));
		if (rc == ERR_MALFORMED)
			return rc;
		/* The database decides "once": two servers given the same code
		 * at once accept it on one only. */
		if (rc == 0)
			rc = store_mfa_use_step(app->store, a->user.id, step);
	} else {
		if (onetime_code_normalise(code.p, code.n, norm, sizeof(norm), &norm_n) != 0)
			return ERR_MALFORMED;
		onetime_code_hash(app->keys.token, "recovery", a->user.id, norm, norm_n, hash);
		rc = store_mfa_use_recovery(app->store, &a->actor, a->user.id, hash, &left);
	}
	if (rc == ERR_DENIED) {
		snprintf(target, sizeof(target), "user:%lld", (long long)a->user.id);
		rc = store_throttle_fail(app->store, &a->actor, "signin.fail_code", target, counts,
		    SIGNIN_COUNTS, req->now, until);
		return rc != 0 ? rc : ERR_DENIED;
	}
	if (rc != 0)
		return rc;
	store_throttle_forget(app->store, &counts[SIGNIN_COUNT_PAIR]);
	return session_start(req, res, &a->user, SESSION_SIGNED_IN, &a->actor);
}

int
auth_renew(struct http_request *req, struct http_response *res, enum session_stage stage)
{
	struct auth *a = auth_of(req);
	struct user u;

	if (a == NULL || !a->signed_in || a->via_token)
		return ERR_DENIED;
	u = a->user;
	return session_start(req, res, &u, stage, &a->actor);
}

void
auth_logout(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = req->auth;

	if (a && a->signed_in && !a->via_token)
		store_session_delete(app->store, &a->actor, a->session_hash);
	http_response_cookie(res, auth_cookie_name(app), "", "/", 0, app->cfg.secure_cookies,
	    "Lax");
}
