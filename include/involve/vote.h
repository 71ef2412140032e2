/*
 * vote.h - casting a ballot for a browser, shared by the vote form, the
 * embed widget and the JSON API.
 *
 * One vote per browser: a strictly necessary cookie holds a random,
 * signed id; the ballot stores only a keyed hash of (poll, id), unique per
 * poll, so a second ballot from that browser is refused by the database on
 * any app server and nothing links a ballot to a person.
 */
#ifndef INVOLVE_VOTE_H
#define INVOLVE_VOTE_H

#include <stdbool.h>

#include "involve/http.h"
#include "involve/poll.h"
#include "involve/store.h"

#define VOTE_COOKIE "involve_voter"
#define VOTE_COOKIE_SECONDS (400L * 24 * 3600) /* the longest browsers keep */
#define VOTE_HONEYPOT_FIELD "website"

/*
 * Called once the ballot has committed (rc 0) or failed: ERR_DUPLICATE (this
 * browser has voted), ERR_CONFLICT (not open), ERR_INVALID, ERR_NOTFOUND,
 * ERR_FULL, ERR_IO, ERR_BUSY.  It fills res.  It runs on one of the HTTP
 * adapter's threads once the writer has handed the result back, never on
 * the writer's own, so it may take its time (read the poll, render a page).
 */
typedef void (*vote_reply_fn)(struct http_request *req, struct http_response *res, int rc);
/* Fills res with a refusal: the status and what is wrong. */
typedef void (*vote_refused_fn)(struct http_request *req, struct http_response *res, int status,
    const struct errors *e);

/*
 * Checks the ballot, then casts it.  Returns HTTP_DONE after filling res
 * itself with `refused` for a refusal known at once (invalid → 422, not
 * open → 409), or HTTP_PENDING when the store decides: `reply` is called
 * after the commit, or `refused` with 429 and Retry-After when the
 * network's vote limit (counted by the store) is reached.  Sets the voter
 * cookie on res when the browser had none.  `embedded` picks the
 * cookie's SameSite.
 */
int vote_cast(struct http_request *req, struct http_response *res, const struct poll *p,
    const struct ballot *b, bool embedded, vote_reply_fn reply, vote_refused_fn refused);

/* Whether this browser has voted on poll p (by its cookie, if any). */
bool vote_has_voted(struct http_request *req, const struct poll *p);

#endif
