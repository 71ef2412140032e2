/*
 * hasher.c - password checks on threads of their own (see hasher.h).
 */
#include <pthread.h>
#include <stdlib.h>

#include <sodium.h>

#include "involve/hasher.h"

struct hasher {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct hash_job *head, *tail;
	int waiting, queue_max;
	bool stopping;
	int worker_n;
	pthread_t *workers;
};

static void
check(struct hash_job *j)
{
	char spent[SECRET_PWHASH_MAX];

	if (j->stored[0] != '\0') {
		j->ok = secret_password_verify(j->stored, j->password);
	} else {
		secret_password_hash(j->password, spent);
		j->ok = false;
	}
	sodium_memzero(j->password, sizeof(j->password));
}

static void *
worker_main(void *arg)
{
	struct hasher *h = arg;
	struct hash_job *j;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		while (h->head == NULL && !h->stopping)
			pthread_cond_wait(&h->work, &h->lock);
		if (h->head == NULL) {
			pthread_mutex_unlock(&h->lock);
			return NULL;
		}
		j = h->head;
		h->head = j->next;
		if (h->head == NULL)
			h->tail = NULL;
		h->waiting--;
		pthread_mutex_unlock(&h->lock);
		check(j);
		j->done(j);
	}
}

int
hasher_start(int workers, int queue, struct hasher **out)
{
	struct hasher *h = calloc(1, sizeof(*h));
	int i;

	*out = NULL;
	if (h == NULL || (h->workers = calloc((size_t)workers, sizeof(*h->workers))) == NULL) {
		free(h);
		return ERR_NOMEM;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->work, NULL);
	h->queue_max = queue;
	for (i = 0; i < workers; i++) {
		if (pthread_create(&h->workers[i], NULL, worker_main, h) != 0)
			break;
		h->worker_n++;
	}
	if (h->worker_n == 0) {
		hasher_stop(h);
		return ERR_IO;
	}
	*out = h;
	return 0;
}

void
hasher_stop(struct hasher *h)
{
	int i;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_broadcast(&h->work);
	pthread_mutex_unlock(&h->lock);
	for (i = 0; i < h->worker_n; i++)
		pthread_join(h->workers[i], NULL);
	pthread_cond_destroy(&h->work);
	pthread_mutex_destroy(&h->lock);
	free(h->workers);
	free(h);
}

bool
hasher_full(struct hasher *h)
{
	bool full;

	pthread_mutex_lock(&h->lock);
	full = h->stopping || h->waiting >= h->queue_max;
	pthread_mutex_unlock(&h->lock);
	return full;
}

int
hasher_submit(struct hasher *h, struct hash_job *j)
{
	int rc = 0;

	j->next = NULL;
	pthread_mutex_lock(&h->lock);
	if (h->stopping || h->waiting >= h->queue_max) {
		rc = ERR_BUSY;
	} else {
		if (h->tail)
			h->tail->next = j;
		else
			h->head = j;
		h->tail = j;
		h->waiting++;
		pthread_cond_signal(&h->work);
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}
