/*
 * vote.h - casting a ballot for a browser, shared by the vote form, the
 * embed widget and the JSON API.
 *
 * One vote per browser: a strictly necessary cookie holds a random,
 * signed id; the ballot stores only a keyed hash of (poll, id), unique per
 * poll, so a second ballot from that browser is refused by the database on
 * any app server and nothing links a ballot to a person.  A poll answered
 * with a code also needs one of its codes, used up by the ballot.  A
 * browser that votes for the first time with a retry key gets an id made
 * from the key, so that a retry whose first answer was lost ends with the
 * same cookie as the ballot that counted.
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
/* The form's single-use ballot key: 43 characters of base64url. */
#define VOTE_KEY_FIELD "ballot_key"
#define VOTE_KEY_LEN 43
/* What a page holds where each copy sent gets its own key (vote_key_fill). */
#define VOTE_KEY_PLACEHOLDER "BALLOT-KEY-PLACEHOLDER-00000000000000000000"
/* An API Idempotency-Key: 1 to this many visible ASCII characters. */
#define VOTE_IDEMPOTENCY_KEY_MAX 128

/*
 * What may come with a ballot besides its choices: a poll's code as typed
 * (empty: none), and a retry key.  A retry key makes sending the same
 * request again safe: it is answered as the first was and counts once (the
 * form's ballot key, kind "ballot-key"; the API's Idempotency-Key,
 * "idempotency-key").  request is what the key was sent with; the same
 * key with another request is refused.
 */
struct vote_extra {
	struct str code;
	const char *key_kind;
	struct str key;     /* empty: none */
	struct str request;
};

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
    const struct ballot *b, const struct vote_extra *x, bool embedded, vote_reply_fn reply,
    vote_refused_fn refused);

/* Whether key is a well-formed retry key of its kind. */
bool vote_key_ok(const char *kind, struct str key);

/*
 * Gives a page its own ballot key: where the body holds
 * VOTE_KEY_PLACEHOLDER (a vote form), a fresh random key takes its place.
 * Run on every response after the page cache has kept its copy, so that a
 * cached page is shared and its keys are not.  Returns whether there was
 * one (such a page must never be compressed: may_compress).
 */
bool vote_key_fill(struct http_response *res);
/* Whether res holds the placeholder (a page cache keeps such a page only
 * uncompressed, for vote_key_fill to find it). */
bool vote_key_needed(const struct http_response *res);

/* Whether this browser has voted on poll p (by its cookie, if any). */
bool vote_has_voted(struct http_request *req, const struct poll *p);

#endif
