/*
 * store_comments.h - free-text answers as the theme classifier read them
 * (table survey_comment; see store.h for what every store function
 * promises).
 *
 * A worker of `involve serve` reads each survey's submitted responses on
 * from the survey's comments_through (up to store_comments_settled's
 * newest), classifies their free text and
 * writes the comments and the new comments_through in one transaction
 * (store_comments_write).  The write happens only while comments_through
 * is still what the worker started from, so two servers' workers never
 * both write a stretch: the second finds ERR_CONFLICT and reads on from
 * where the first got to.  A withdrawn response's comments go with it; a
 * corrected one's too, and comments_through moves back before it, so the
 * worker reads it again (rows already written, and reviewed ones above
 * all, are kept as they are).
 */
#ifndef INVOLVE_STORE_COMMENTS_H
#define INVOLVE_STORE_COMMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/arena.h"
#include "involve/store.h"
#include "involve/str.h"

/* A survey with responses the worker has not read. */
struct comment_unread {
	int64_t survey_id;
	int64_t through; /* its comments_through */
	int64_t newest;  /* its newest submitted response's id */
};

/* Up to max surveys with submitted responses past their comments_through,
 * into out[] (*n of them). */
int store_comments_unread(struct store *s, struct comment_unread *out, int max, int *n);

/*
 * How far the worker may read survey_id's responses: its newest submitted
 * response's id (0: none), taken once every write of its responses under
 * way has ended.  Those lock the survey's row shared and this waits for
 * them with a lock of its own, so no response with a lower id is
 * submitted after it: each takes its id as it is written (a partial
 * response a new one as it is submitted), but two writers, or two
 * servers, may commit theirs out of id order.  ERR_NOTFOUND.
 */
int store_comments_settled(struct store *s, int64_t survey_id, int64_t *newest);

/* One comment as the worker read it. */
struct survey_comment {
	int64_t response_id;
	struct str question;   /* its key */
	struct str comment;    /* the words */
	struct str language;   /* "en", or "other" (not classified) */
	struct str themes;     /* a JSON array of theme names */
	int sentiment;         /* 1..5; 0: not classified */
	struct str identifying; /* pii kinds, comma-separated; "" for none */
	int64_t reviewed_by;   /* read only: 0 for the model's */
};

/*
 * The comments of survey_id's responses in (from, through], and
 * comments_through = through, in one transaction, if comments_through is
 * still `from`: ERR_CONFLICT otherwise (another worker wrote them), and
 * nothing written.  A row already there (a response read again after a
 * correction moved comments_through back) is left as it is.
 */
int store_comments_write(struct store *s, int64_t survey_id, int64_t from, int64_t through,
    const struct survey_comment *list, int n);

typedef int (*store_comment_fn)(void *arg, const struct survey_comment *c);
/* The survey's comments, by question then response id; each lives only
 * during its call.  A non-zero return from fn stops the walk and is
 * returned. */
int store_comments_each(struct store *s, int64_t survey_id, store_comment_fn fn, void *arg);
/* The comments of one question, response ids after after_id, at most
 * limit (at most STORE_LIST_MAX), in response id order, streamed so. */
int store_comments_list(struct store *s, int64_t survey_id, struct str question,
    int64_t after_id, int limit, store_comment_fn fn, void *arg);
/* Every comment of the organisation's surveys (reviewed_only: those staff
 * have reviewed), by survey, question and response, streamed so: what
 * `involve themes export` writes; fn is given each one's survey id. */
typedef int (*store_org_comment_fn)(void *arg, int64_t survey_id, const struct survey_comment *c);
int store_comments_each_of_org(struct store *s, int64_t org_id, bool reviewed_only,
    store_org_comment_fn fn, void *arg);

/* One comment, its text in a; ERR_NOTFOUND when there is none. */
int store_comment_get(struct store *s, struct arena *a, int64_t survey_id, int64_t response_id,
    struct str question, struct survey_comment *out);
/*
 * Staff review a comment: its themes (a JSON array of names) and sentiment
 * (1..5) as they say, reviewed_by them, audited ("comment.review", the
 * themes and sentiment before and after).  ERR_NOTFOUND when there is no
 * such comment in a survey of who's organisation.
 */
int store_comment_review(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t response_id, struct str question, struct str themes, int sentiment);

#endif
