/*
 * vote.c - casting a ballot for a browser (see vote.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/i18n.h"
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

int
vote_cast(struct http_request *req, struct http_response *res, const struct poll *p,
    const struct ballot *b, bool embedded, vote_reply_fn reply, vote_refused_fn refused)
{
	struct app *app = req->app;
	struct pending_vote *pv;
	struct vote_limit limit = { .limit = app->cfg.vote_rate_limit, .window = RATELIMIT_WINDOW };
	unsigned char id[16], hash[STORE_HASH_SIZE];
	struct errors e;
	int rc;

	errors_init(&e);
	rc = poll_check_ballot(p, b, req->now, &e);
	if (rc != 0) {
		atomic_fetch_add(&app->metrics.votes_refused, 1);
		refused(req, res, rc == ERR_CONFLICT ? 409 : 422, &e);
		return HTTP_DONE;
	}
	if (!voter_id(req, id)) {
		char cookie[SECRET_COOKIE_MAX];
		bool cross_site = embedded && app->cfg.secure_cookies;

		/* Inside a partner's iframe the cookie is third-party: it needs
		 * SameSite=None, which browsers accept only over HTTPS. */
		secret_cookie_new(app->keys.cookie, cookie, id);
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
	 * the database counts against one limit. */
	ratelimit_network(req->client_addr, limit.net, sizeof(limit.net));
	atomic_fetch_add(&app->metrics.pending_writes, 1);
	req->pending = pv;
	res->then = vote_settled;
	rc = store_ballot_cast(app->store, &req->arena, p->id, b, hash, req->now, &limit,
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
