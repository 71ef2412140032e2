/*
 * ratelimit.c - per-network fixed-window counters (see ratelimit.h).
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/ratelimit.h"

#define PROBES 8

struct slot {
	uint64_t key; /* 0 = empty */
	int64_t window_start;
	int count;
};

struct ratelimit {
	int limit;
	int window;
	pthread_mutex_t lock;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	struct slot slots[RATELIMIT_SLOTS];
};

struct ratelimit *
ratelimit_new(int limit, int window)
{
	struct ratelimit *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (sodium_init() < 0) {
		free(r);
		return NULL;
	}
	r->limit = limit;
	r->window = window > 0 ? window : 60;
	pthread_mutex_init(&r->lock, NULL);
	/* A random key, so nobody can choose addresses that collide. */
	randombytes_buf(r->hash_key, sizeof(r->hash_key));
	return r;
}

void
ratelimit_free(struct ratelimit *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static uint64_t
network_key(const struct ratelimit *r, const char *addr)
{
	unsigned char bytes[16], out[8];
	size_t n = 0;
	uint64_t key;

	if (inet_pton(AF_INET6, addr, bytes) == 1)
		n = 8; /* the /64 */
	else if (inet_pton(AF_INET, addr, bytes) == 1)
		n = 4;
	else {
		n = strlen(addr) < sizeof(bytes) ? strlen(addr) : sizeof(bytes);
		memcpy(bytes, addr, n);
	}
	crypto_shorthash(out, bytes, n, r->hash_key);
	memcpy(&key, out, sizeof(key));
	return key ? key : 1;
}

bool
ratelimit_allow(struct ratelimit *r, const char *addr, int64_t now, int *retry_after)
{
	uint64_t key;
	struct slot *s, *free_slot = NULL;
	bool allowed = true;
	int i;

	*retry_after = 0;
	if (r->limit <= 0)
		return true;
	key = network_key(r, addr);
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < PROBES; i++) {
		s = &r->slots[(key + (uint64_t)i) % RATELIMIT_SLOTS];
		if (s->key == key)
			break;
		if (free_slot == NULL && (s->key == 0 || now - s->window_start >= r->window))
			free_slot = s;
		s = NULL;
	}
	if (s == NULL && free_slot) {
		s = free_slot;
		s->key = key;
		s->window_start = now;
		s->count = 0;
	}
	if (s) {
		if (now - s->window_start >= r->window) {
			s->window_start = now;
			s->count = 0;
		}
		if (s->count >= r->limit) {
			allowed = false;
			*retry_after = (int)(s->window_start + r->window - now);
			if (*retry_after < 1)
				*retry_after = 1;
		} else {
			s->count++;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return allowed;
}
