/*
 * respond.h - submitting a response to a survey, shared by the JSON API,
 * the survey's pages and staff keying in paper responses.
 *
 * One response per browser, as with polls: the browser's signed voter
 * cookie (vote.h) is hashed with the survey (a keyed hash, so nothing
 * links a response to a person), and the database refuses a second
 * submitted response with that hash on any app server.  Staff keying in a
 * response have no such limit and say how it arrived (its channel).
 *
 * The answers are checked (form, path, required) by the caller with the
 * domain's functions before they come here, against the survey's version
 * the caller read; this writes them as the domain says with the counts
 * they add, and answers after the commit.  The store refuses them if the
 * survey has another version by then: they are read again against that
 * one and sent again when they still fit (see respond.c).
 */
#ifndef INVOLVE_RESPOND_H
#define INVOLVE_RESPOND_H

#include "involve/http.h"
#include "involve/store_survey.h"

/* The browser's hash for sv (making and setting the voter cookie when it
 * has none and `make` is set): false when it has none. */
bool respond_respondent(struct http_request *req, struct http_response *res, int64_t survey_id,
    bool make, unsigned char out[STORE_HASH_SIZE]);

/* A response's private link: 32 random bytes as 43 characters of
 * base64url, and the keyed hash of it that the store keeps. */
#define RESPOND_LINK_LEN 43
void respond_link_new(char text[RESPOND_LINK_LEN + 1]);
/* The hash of a link as given; false when it is not the shape of one. */
bool respond_link_hash(const struct http_request *req, int64_t survey_id, struct str link,
    unsigned char out[STORE_HASH_SIZE]);

/* The counts ans adds to its survey's results (survey_answers_tally's
 * items), gathered into a: what a submission adds and a withdrawal takes
 * away.  0 or ERR_NOMEM. */
int respond_tally(struct arena *a, const struct survey_def *d, const struct survey_answers *ans,
    struct survey_tally_item **items, int *n);

/* Called on an HTTP thread once the response has committed (rc 0, id
 * set) or failed (ERR_DUPLICATE, ERR_CONFLICT, ERR_NOTFOUND, ERR_IO ...).
 * e is NULL but for ERR_CONFLICT when the survey was changed while the
 * response was on its way and its answers no longer fit the new version:
 * then each answer that does not is named under its question's key, and
 * "version" says what happened. */
typedef void (*respond_reply_fn)(struct http_request *req, struct http_response *res, int rc,
    int64_t id, const struct errors *e);

struct respond_args {
	const struct survey *sv;
	const struct survey_def *def;
	const struct survey_answers *ans;
	enum survey_channel channel;
	int64_t entered_by;            /* staff keying it in; 0: the respondent */
	const unsigned char *link;     /* a hash from respond_link_hash, or NULL */
	bool one_per_browser;          /* the respondent's hash goes with it */
};

/* Submits; returns HTTP_PENDING (reply is called after the commit) or
 * HTTP_DONE after calling reply itself with what stopped it. */
int respond_submit(struct http_request *req, struct http_response *res,
    const struct respond_args *args, respond_reply_fn reply);

#endif
