/*
 * periodic.c - a thread doing a pass of work every few seconds (see
 * periodic.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "involve/periodic.h"

struct periodic {
	periodic_fn fn;
	void *arg;
	int interval;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool woken;
	atomic_bool stopping;
};

static void *
periodic_main(void *arg)
{
	struct periodic *p = arg;
	struct timespec until;

	while (!atomic_load(&p->stopping)) {
		if (p->fn(p->arg, &p->stopping))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += p->interval;
		pthread_mutex_lock(&p->lock);
		while (!p->woken && !atomic_load(&p->stopping))
			if (pthread_cond_timedwait(&p->wake, &p->lock, &until) != 0)
				break;
		p->woken = false;
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

int
periodic_start(const char *name, int interval, periodic_fn fn, void *arg,
    struct periodic **out)
{
	struct periodic *p = calloc(1, sizeof(*p));
	pthread_condattr_t attr;

	if (p == NULL)
		return -1;
	p->fn = fn;
	p->arg = arg;
	p->interval = interval > 0 ? interval : 1;
	atomic_init(&p->stopping, false);
	pthread_mutex_init(&p->lock, NULL);
	/* The monotonic clock: a change of the wall clock neither stalls nor
	 * hurries the passes. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&p->thread, NULL, periodic_main, p) != 0) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->wake);
		free(p);
		return -1;
	}
	pthread_setname_np(p->thread, name);
	*out = p;
	return 0;
}

void
periodic_wake(struct periodic *p)
{
	pthread_mutex_lock(&p->lock);
	p->woken = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void
periodic_stop(struct periodic *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->stopping, true);
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}
