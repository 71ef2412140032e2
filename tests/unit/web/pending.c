/*
 * pending.c - app_handle, then waiting for a pending response to finish
 * on the store's writer thread (see pending.h).
 */
#include <time.h>

#include "pending.h"

void
pending_init(struct pending_response *p)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->finished = false;
}

void
pending_destroy(struct pending_response *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
}

/* The response's finish callback: runs on the writer thread, and only
 * says that the work is done. */
static void
pending_finished(void *arg)
{
	struct pending_response *p = arg;

	pthread_mutex_lock(&p->lock);
	p->finished = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

int
pending_handle(struct pending_response *p, struct app *app, struct http_request *req,
    struct http_response *res)
{
	struct timespec until;
	int rc;

	res->finish = pending_finished;
	res->finish_ctx = p;
	rc = app_handle(app, req, res);
	if (rc != HTTP_PENDING) {
		p->finished = true;
		return rc;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PENDING_WAIT_SECONDS;
	pthread_mutex_lock(&p->lock);
	/* Any error, not only ETIMEDOUT, ends the wait: a loop that cannot
	 * wait would spin instead of failing. */
	while (!p->finished)
		if (pthread_cond_timedwait(&p->cond, &p->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&p->lock);
	/* As the adapter does once resumed: the answer is made on this
	 * thread, not the writer's. */
	if (p->finished)
		http_response_complete(req, res);
	return rc;
}
