/*
 * auth.c - staff sessions, API tokens and CSRF (see auth.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/secret.h"

struct auth *
auth_of(struct http_request *req)
{
	if (req->auth == NULL)
		req->auth = arena_zalloc(&req->arena, sizeof(struct auth));
	return req->auth;
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
	if (store_user_get(app->store, user_id, &a->user) != 0)
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
	if (!http_cookie(req, AUTH_SESSION_COOKIE, &cookie) || cookie.n == 0 ||
	    cookie.n >= SECRET_TOKEN_MAX)
		return ERR_NOTFOUND;
	secret_token_hash(app->keys.token, cookie.p, cookie.n, a->session_hash);
	if (store_session_get(app->store, a->session_hash, req->now, &a->session) != 0)
		return ERR_NOTFOUND;
	return load_user(app, a, a->session.user_id);
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
	if (!http_header(req, "Authorization", &h))
		return ERR_NOTFOUND;
	if (h.n < 8 || strncasecmp(h.p, "Bearer ", 7) != 0)
		return ERR_DENIED;
	token = (struct str){ h.p + 7, h.n - 7 };
	if (token.n == 0 || token.n >= SECRET_TOKEN_MAX)
		return ERR_DENIED;
	secret_token_hash(app->keys.token, token.p, token.n, hash);
	if (store_token_get(app->store, hash, &t) != 0)
		return ERR_DENIED;
	if (load_user(app, a, t.user_id) != 0 || a->user.org_id != t.org_id)
		return ERR_DENIED;
	a->via_token = true;
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

int
auth_login(struct http_request *req, struct http_response *res, const char *email,
    const char *password)
{
	struct app *app = req->app;
	struct auth *a = auth_of(req);
	char token[SECRET_TOKEN_MAX];
	unsigned char hash[STORE_HASH_SIZE];
	struct session sess;
	struct user u;
	int rc;

	if (a == NULL)
		return ERR_NOMEM;
	rc = store_user_get_by_email(app->store, str_c(email), &u);
	if (rc != 0) {
		char spent[SECRET_PWHASH_MAX];

		/* Spend the time a real check takes, so timing does not tell
		 * whether the address has an account. */
		secret_password_hash(password, spent);
		return ERR_DENIED;
	}
	if (!secret_password_verify(u.password_hash, password))
		return ERR_DENIED;
	if (secret_token_new("", token) != 0)
		return ERR_IO;
	memset(&sess, 0, sizeof(sess));
	sess.user_id = u.id;
	sess.expires_at = req->now + AUTH_SESSION_SECONDS;
	if (secret_token_new("", sess.csrf) != 0)
		return ERR_IO;
	secret_token_hash(app->keys.token, token, strlen(token), hash);
	rc = store_session_create(app->store, hash, &sess);
	if (rc != 0)
		return rc;
	http_response_cookie(res, AUTH_SESSION_COOKIE, token, "/", AUTH_SESSION_SECONDS,
	    app->cfg.secure_cookies, "Lax");
	a->session = sess;
	memcpy(a->session_hash, hash, sizeof(hash));
	return load_user(app, a, u.id);
}

void
auth_logout(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = req->auth;

	if (a && a->signed_in && !a->via_token)
		store_session_delete(app->store, a->session_hash);
	http_response_cookie(res, AUTH_SESSION_COOKIE, "", "/", 0, app->cfg.secure_cookies, "Lax");
}
