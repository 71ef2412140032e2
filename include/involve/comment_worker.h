/*
 * comment_worker.h - reads the free text of submitted survey responses
 * with the theme classifier: a thread of `involve serve --themes-model`
 * that every few seconds takes the surveys with responses it has not read
 * and writes each free-text answer's comment (store_comments.h): its
 * language, its themes and sentiment (English comments only: the model
 * reads English), and the kinds of identifying details it holds (pii.h).
 *
 * Off the submission's path: a response is durable and answered before
 * the worker sees it, so a slow or absent classifier never slows a
 * respondent.  Any number of servers may run a worker on one database:
 * each stretch of responses is written once (store_comments_write).
 */
#ifndef INVOLVE_COMMENT_WORKER_H
#define INVOLVE_COMMENT_WORKER_H

#include <stdatomic.h>

#include "involve/error.h"
#include "involve/store.h"
#include "involve/theme_model.h"

#define COMMENT_INTERVAL_DEFAULT 2 /* seconds between looks */
#define COMMENT_BATCH 500          /* responses of a survey read at a time */
#define COMMENT_SURVEYS 16         /* surveys taken at a look */

struct comment_worker_config {
	struct store *store;
	const struct theme_model *model; /* outlives the worker */
	int interval;                    /* seconds; 0: COMMENT_INTERVAL_DEFAULT */
};

struct comment_worker;

int comment_worker_start(const struct comment_worker_config *cfg, struct comment_worker **out,
    struct errors *e);
/* Lets the stretch being read finish and ends the thread; NULL is allowed. */
void comment_worker_stop(struct comment_worker *w);

/*
 * One look, on the caller's thread (the worker's, and the tests'): up to
 * COMMENT_SURVEYS surveys, COMMENT_BATCH responses each, read with
 * classifier c (made from the model).  *read counts the responses read.
 * ERR_* when the database failed.
 */
struct theme_classifier;
int comment_pass(struct store *s, struct theme_classifier *c, const atomic_bool *stop,
    int *read);

#endif
