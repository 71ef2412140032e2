/*
 * pending.h - running a request through app_handle as the HTTP adapter
 * does, waiting for a response that finishes later.
 *
 * A handler that waits for a commit (a vote) returns HTTP_PENDING; the
 * store's writer calls the response's finish callback once the commit is
 * done, and the response is then completed (http_response_complete) on the
 * waiting thread.  A caller without a socket, a handler test or a fuzz
 * target, must wait for that callback before it reads the response.  Nothing here asserts: each caller decides what a response
 * that never finished means (a failed test, a fuzzing crash), which is
 * why this stays apart from the Criterion helpers in exchange.h.
 */
#ifndef INVOLVE_TEST_PENDING_H
#define INVOLVE_TEST_PENDING_H

#include <pthread.h>
#include <stdbool.h>

#include "involve/app.h"

/* A pending response that has not finished by then never will. */
#define PENDING_WAIT_SECONDS 10

struct pending_response {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished; /* the response is complete */
};

void pending_init(struct pending_response *p);
/* Only once the response has finished: the writer thread signals p. */
void pending_destroy(struct pending_response *p);
/*
 * Runs req through app_handle into res (already initialised) and, when the
 * handler answers HTTP_PENDING, waits up to PENDING_WAIT_SECONDS for res
 * to finish.  Returns app_handle's result; p->finished says whether res is
 * complete (always so when the result is not HTTP_PENDING).  p must
 * outlive a response that did not finish in time, since the writer may
 * still signal it.
 */
int pending_handle(struct pending_response *p, struct app *app, struct http_request *req,
    struct http_response *res);

#endif
