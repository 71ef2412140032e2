/*
 * delay.c - answering a refusal after a pause (see delay.h).  The waiting
 * answers are a binary heap on their due time.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "involve/delay.h"

struct waiting {
	struct timespec due;
	struct http_response *res;
};

struct delayer {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct waiting heap[DELAY_WAITING_MAX];
	int n;
	bool stopping;
	pthread_t thread;
};

static bool
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void
swap(struct waiting *a, struct waiting *b)
{
	struct waiting t = *a;

	*a = *b;
	*b = t;
}

/* Takes the earliest from the heap (n > 0). */
static struct waiting
pop(struct delayer *d)
{
	struct waiting top = d->heap[0];
	int i = 0, c;

	d->heap[0] = d->heap[--d->n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= d->n)
			break;
		if (c + 1 < d->n && before(&d->heap[c + 1].due, &d->heap[c].due))
			c++;
		if (!before(&d->heap[c].due, &d->heap[i].due))
			break;
		swap(&d->heap[c], &d->heap[i]);
		i = c;
	}
	return top;
}

static void *
delay_main(void *arg)
{
	struct delayer *d = arg;
	struct timespec now;
	struct waiting w;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		if (d->n == 0) {
			if (d->stopping)
				break;
			pthread_cond_wait(&d->changed, &d->lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!d->stopping && before(&now, &d->heap[0].due)) {
			pthread_cond_timedwait(&d->changed, &d->lock, &d->heap[0].due);
			continue;
		}
		w = pop(d);
		/* Finishing resumes the connection; done unlocked, as the
		 * store's writer does. */
		pthread_mutex_unlock(&d->lock);
		http_response_finish(w.res);
		pthread_mutex_lock(&d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int
delayer_start(struct delayer **out)
{
	struct delayer *d = calloc(1, sizeof(*d));
	pthread_condattr_t attr;

	*out = NULL;
	if (d == NULL)
		return ERR_NOMEM;
	pthread_mutex_init(&d->lock, NULL);
	/* Due times are on the monotonic clock: a change of the wall clock
	 * must not hold an answer back, or let it out early. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&d->changed, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&d->thread, NULL, delay_main, d) != 0) {
		pthread_cond_destroy(&d->changed);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return ERR_IO;
	}
	*out = d;
	return 0;
}

void
delayer_stop(struct delayer *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_signal(&d->changed);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->changed);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

int
delayer_add(struct delayer *d, struct http_response *res, int ms)
{
	struct timespec due;
	int i, p;

	clock_gettime(CLOCK_MONOTONIC, &due);
	due.tv_sec += ms / 1000;
	due.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&d->lock);
	if (d->stopping || d->n == DELAY_WAITING_MAX) {
		pthread_mutex_unlock(&d->lock);
		return ERR_BUSY;
	}
	i = d->n++;
	d->heap[i] = (struct waiting){ due, res };
	while (i > 0 && before(&d->heap[i].due, &d->heap[p = (i - 1) / 2].due)) {
		swap(&d->heap[i], &d->heap[p]);
		i = p;
	}
	if (i == 0)
		pthread_cond_signal(&d->changed);
	pthread_mutex_unlock(&d->lock);
	return 0;
}
