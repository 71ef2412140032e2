/*
 * vote.c - casting a ballot for a browser (see vote.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "involve/app.h"
#include "involve/i18n.h"
#include "involve/onetime.h"
#include "involve/ratelimit.h"
#include "involve/secret.h"
#include "involve/vote.h"

/* A vote waiting for the writer, in the request's arena (req->pending). */
struct pending_vote {
	struct app *app;
	struct http_response *res;
	vote_reply_fn reply;
	vote_refused_fn refused;
	int rc;
};

/* The browser's voter id from its signed cookie; false when absent or
 * forged. */
static bool
voter_id(struct http_request *req, unsigned char id[16])
{
	struct str cookie;

	if (!http_cookie(req, VOTE_COOKIE, &cookie))
		return false;
	return secret_cookie_verify(req->app->keys.cookie, cookie.p, cookie.n, id) == 0;
}

bool
vote_has_voted(struct http_request *req, const struct poll *p)
{
	struct store *s = req->app->store;
	unsigned char id[16], hash[STORE_HASH_SIZE];
	bool voted = false;

	if (!voter_id(req, id))
		return false;
	secret_voter_hash(req->app->keys.voter, id, p->id, hash);
	if (store_ballot_exists(s, p->id, hash, &voted) != 0)
		return false;
	return voted;
}

/* 429 with the seconds until the network's window ends. */
static void
refuse_limited(struct http_request *req, struct http_response *res, vote_refused_fn refused)
{
	struct errors e;
	char seconds[16];

	errors_init(&e);
	snprintf(seconds, sizeof(seconds), "%d", ratelimit_retry_after(req->now, RATELIMIT_WINDOW));
	http_response_header(res, "Retry-After", seconds);
	errors_add(&e, "", "%s", N_("Too many answers have come from your network. Try again in a "
	    "minute."));
	refused(req, res, 429, &e);
}

/* On the writer's thread, after the commit: the result, and nothing else
 * (every durable write waits while this runs). */
static void
vote_committed(void *arg, int rc)
{
	struct pending_vote *pv = arg;
	struct app *app = pv->app;

	pv->rc = rc;
	atomic_fetch_sub(&app->metrics.pending_writes, 1);
	if (rc == 0)
		atomic_fetch_add(&app->metrics.votes_accepted, 1);
	else
		atomic_fetch_add(&app->metrics.votes_refused, 1);
	http_response_finish(pv->res);
}

/* On a connection's thread once the vote is settled: the answer. */
static void
vote_settled(struct http_request *req, struct http_response *res)
{
	struct pending_vote *pv = req->pending;

	if (pv->rc == ERR_LIMITED)
		refuse_limited(req, res, pv->refused);
	else
		pv->reply(req, res, pv->rc);
}

/* The hex of the first 16 bytes of a keyed hash of (poll, network). */
static void
vote_limit_key(const struct app *app, int64_t poll_id, const char *addr,
    char out[STORE_NET_SIZE])
{
	unsigned char hash[SECRET_HASH_BYTES];
	char net[64];

	_Static_assert(STORE_NET_SIZE >= 16 * 2 + 1, "room for the key");
	ratelimit_network(addr, net, sizeof(net));
	secret_keyed_hash(app->keys.net, "vote-net", poll_id, net, strlen(net), hash);
	sodium_bin2hex(out, STORE_NET_SIZE, hash, 16);
}

bool
vote_key_ok(const char *kind, struct str key)
{
	size_t i, max = strcmp(kind, "ballot-key") == 0 ? VOTE_KEY_LEN : VOTE_IDEMPOTENCY_KEY_MAX;

	if (key.n == 0 || key.n > max || (max == VOTE_KEY_LEN && key.n != VOTE_KEY_LEN))
		return false;
	for (i = 0; i < key.n; i++)
		if (key.p[i] <= ' ' || key.p[i] > '~')
			return false;
	return true;
}

static char *
key_slot(const struct http_response *res)
{
	static const char placeholder[] = VOTE_KEY_PLACEHOLDER;

	_Static_assert(sizeof(placeholder) - 1 == VOTE_KEY_LEN, "the placeholder is a key's size");
	if (res->body.p == NULL || res->body.n < VOTE_KEY_LEN || res->content_encoding != NULL)
		return NULL;
	return memmem(res->body.p, res->body.n, placeholder, VOTE_KEY_LEN);
}

bool
vote_key_needed(const struct http_response *res)
{
	return key_slot(res) != NULL;
}

bool
vote_key_fill(struct http_response *res)
{
	unsigned char raw[32];
	char key[VOTE_KEY_LEN + 1];
	char *at;

	if ((at = key_slot(res)) == NULL)
		return false;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(key, sizeof(key), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	memcpy(at, key, VOTE_KEY_LEN);
	return true;
}

/* The code as typed, checked and hashed into the claim: 0, or ERR_INVALID
 * with what is wrong in e. */
static int
claim_code(const struct app *app, const struct poll *p, struct str code,
    struct ballot_claim *claim, struct errors *e)
{
	char norm[ONETIME_CODE_MAX];
	size_t n;

	if (onetime_code_normalise(code.p, code.n, norm, sizeof(norm), &n) != 0 ||
	    n != ONETIME_POLL_CODE_CHARS) {
		errors_add(e, "code", "%s", N_("Enter the code as it is printed, like abcd-efgh-jk"));
		return ERR_INVALID;
	}
	onetime_code_hash(app->keys.token, "poll-code", p->id, norm, n, claim->code);
	claim->has_code = true;
	return 0;
}

int
vote_cast(struct http_request *req, struct http_response *res, const struct poll *p,
    const struct ballot *ballot, const struct vote_extra *x, bool embedded, vote_reply_fn reply,
    vote_refused_fn refused)
{
	struct app *app = req->app;
	struct pending_vote *pv;
	struct vote_limit limit = { .limit = app->cfg.vote_rate_limit, .window = RATELIMIT_WINDOW };
	struct ballot_claim claim;
	struct ballot b = *ballot;
	unsigned char id[16], hash[STORE_HASH_SIZE];
	bool with_key = x != NULL && x->key.n > 0;
	struct errors e;
	int rc;

	errors_init(&e);
	memset(&claim, 0, sizeof(claim));
	b.has_code = false;
	if (p->who == POLL_WHO_CODE && x != NULL && x->code.n > 0) {
		b.has_code = true;
		if (claim_code(app, p, x->code, &claim, &e) != 0) {
			atomic_fetch_add(&app->metrics.votes_refused, 1);
			refused(req, res, 422, &e);
			return HTTP_DONE;
		}
	}
	rc = poll_check_ballot(p, &b, req->now, &e);
	if (rc != 0) {
		atomic_fetch_add(&app->metrics.votes_refused, 1);
		refused(req, res, rc == ERR_CONFLICT ? 409 : 422, &e);
		return HTTP_DONE;
	}
	if (with_key) {
		/* Found by a keyed hash of the key and its poll; the request by
		 * one of what was asked. */
		claim.has_key = true;
		secret_keyed_hash(app->keys.token, x->key_kind, p->id, x->key.p, x->key.n, claim.key);
		secret_keyed_hash(app->keys.token, "request", p->id, x->request.p, x->request.n,
		    claim.request);
	}
	if (!voter_id(req, id)) {
		char cookie[SECRET_COOKIE_MAX];
		bool cross_site = embedded && app->cfg.secure_cookies;

		if (with_key) {
			unsigned char made[SECRET_HASH_BYTES];

			secret_keyed_hash(app->keys.cookie, "voter-from-key", p->id, x->key.p,
			    x->key.n, made);
			memcpy(id, made, sizeof(id));
			secret_cookie_sign(app->keys.cookie, id, cookie);
		} else {
			secret_cookie_new(app->keys.cookie, cookie, id);
		}
		/* Inside a partner's iframe the cookie is third-party: it needs
		 * SameSite=None, which browsers accept only over HTTPS. */
		http_response_cookie(res, VOTE_COOKIE, cookie, "/", VOTE_COOKIE_SECONDS,
		    app->cfg.secure_cookies, cross_site ? "None" : "Lax");
	}
	secret_voter_hash(app->keys.voter, id, p->id, hash);
	pv = arena_alloc(&req->arena, sizeof(*pv));
	if (pv == NULL) {
		reply(req, res, ERR_NOMEM);
		return HTTP_DONE;
	}
	*pv = (struct pending_vote){ app, res, reply, refused, 0 };
	/* Counted by the store with the ballot, so that every server sharing
	 * the database counts against one limit: per poll and network, found
	 * by a keyed hash so that no address is ever written down. */
	vote_limit_key(app, p->id, req->client_addr, limit.net);
	atomic_fetch_add(&app->metrics.pending_writes, 1);
	req->pending = pv;
	res->then = vote_settled;
	rc = store_ballot_cast(app->store, &req->arena, p->id, &b, hash, req->now, &limit, &claim,
	    vote_committed, pv);
	if (rc != 0) {
		atomic_fetch_sub(&app->metrics.pending_writes, 1);
		req->pending = NULL;
		res->then = NULL;
		reply(req, res, rc);
		return HTTP_DONE;
	}
	return HTTP_PENDING;
}
