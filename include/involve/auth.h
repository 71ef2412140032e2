/*
 * auth.h - who is making a request: a staff session (cookie) or an API
 * token (bearer), and the CSRF check for staff forms.
 *
 * Session and token secrets are random strings given to the client; the
 * database holds only their keyed hashes, so a stolen database opens no
 * session.
 */
#ifndef INVOLVE_AUTH_H
#define INVOLVE_AUTH_H

#include <stdbool.h>

#include "involve/http.h"
#include "involve/org.h"
#include "involve/store.h"

#define AUTH_SESSION_COOKIE "involve_session"
#define AUTH_SESSION_SECONDS (8 * 3600)

struct auth {
	bool signed_in;   /* by session or token */
	bool via_token;
	struct user user;
	struct org org;
	struct session session;
	unsigned char session_hash[STORE_HASH_SIZE];
	struct actor actor; /* for the audit log; name points into user */
};

/* The request's auth (allocated from its arena on first use). */
struct auth *auth_of(struct http_request *req);
/* Reads the session cookie: 0 and auth->signed_in, or ERR_NOTFOUND. */
int auth_from_session(struct http_request *req);
/* Reads "Authorization: Bearer ...": 0, ERR_NOTFOUND when absent,
 * ERR_DENIED when present but not valid. */
int auth_from_token(struct http_request *req);
/* Whether the form's csrf field matches the session's token. */
bool auth_csrf_ok(struct http_request *req);
/* Checks email and password; on success starts a session and sets its
 * cookie on res.  ERR_DENIED for a wrong email or password (one message
 * for both, so it does not reveal which). */
int auth_login(struct http_request *req, struct http_response *res, const char *email,
    const char *password);
void auth_logout(struct http_request *req, struct http_response *res);
/* Fills auth->actor from user; call after signing in. */
void auth_set_actor(struct auth *a);

#endif
