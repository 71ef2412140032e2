/*
 * page_cache.c - whole public pages kept for a moment (see page_cache.h).
 * Slots are chosen by a hash of the path; a collision replaces the older
 * page, which costs only a render.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/page_cache.h"

struct entry {
	char path[PAGE_CACHE_PATH_MAX];
	size_t path_n;
	uint64_t generation;
	int64_t expires_ms;
	int status;
	const char *content_type; /* a literal, as in struct http_response */
	bool frameable;
	char *body;
	size_t body_n;
	struct arena *kept; /* a poll entry's own memory */
	const struct poll *poll;
};

struct page_cache {
	pthread_mutex_t lock;
	uint64_t generation;
	struct entry slots[PAGE_CACHE_SLOTS];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t
slot_of(struct str path)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < path.n; i++) {
		h ^= (unsigned char)path.p[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h % PAGE_CACHE_SLOTS);
}

/* Frees what an entry holds; it is then empty. */
static void
forget(struct entry *e)
{
	free(e->body);
	e->body = NULL;
	if (e->kept) {
		arena_free(e->kept);
		free(e->kept);
	}
	e->kept = NULL;
	e->poll = NULL;
}

/* Whether e is a fresh entry for key. */
static bool
fresh(const struct page_cache *c, const struct entry *e, struct str key)
{
	return e->generation == c->generation && e->path_n == key.n &&
	    memcmp(e->path, key.p, key.n) == 0 && now_ms() < e->expires_ms;
}

/* Takes the slot for key, freeing what it held. */
static struct entry *
claim(struct page_cache *c, struct str key)
{
	struct entry *e = &c->slots[slot_of(key)];

	forget(e);
	memcpy(e->path, key.p, key.n);
	e->path_n = key.n;
	e->generation = c->generation;
	e->expires_ms = now_ms() + PAGE_CACHE_TTL_MS;
	return e;
}

struct page_cache *
page_cache_new(void)
{
	struct page_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void
page_cache_free(struct page_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < PAGE_CACHE_SLOTS; i++)
		forget(&c->slots[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

bool
page_cache_get(struct page_cache *c, struct str path, struct http_response *res)
{
	struct entry *e;
	bool hit = false;

	if (c == NULL || path.n >= PAGE_CACHE_PATH_MAX)
		return false;
	pthread_mutex_lock(&c->lock);
	e = &c->slots[slot_of(path)];
	if (e->body && fresh(c, e, path)) {
		res->status = e->status;
		res->content_type = e->content_type;
		res->frameable = e->frameable;
		buf_add(&res->body, e->body, e->body_n);
		hit = buf_ok(&res->body);
		if (!hit)
			buf_reset(&res->body);
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void
page_cache_put(struct page_cache *c, struct str path, const struct http_response *res)
{
	struct entry *e;
	char *copy;

	if (c == NULL || path.n >= PAGE_CACHE_PATH_MAX || res->body.n > PAGE_CACHE_BODY_MAX ||
	    !buf_ok(&res->body))
		return;
	copy = malloc(res->body.n + 1);
	if (copy == NULL)
		return;
	memcpy(copy, res->body.p ? res->body.p : "", res->body.n);
	pthread_mutex_lock(&c->lock);
	e = claim(c, path);
	e->status = res->status;
	e->content_type = res->content_type;
	e->frameable = res->frameable;
	e->body = copy;
	e->body_n = res->body.n;
	pthread_mutex_unlock(&c->lock);
}

void
page_cache_put_poll(struct page_cache *c, struct str key, const struct poll *p)
{
	struct arena *kept;
	struct poll *copy;
	struct entry *e;

	if (c == NULL || key.n >= PAGE_CACHE_PATH_MAX || (kept = malloc(sizeof(*kept))) == NULL)
		return;
	arena_init(kept, NULL, 0);
	if ((copy = poll_copy(kept, p)) == NULL) {
		arena_free(kept);
		free(kept);
		return;
	}
	pthread_mutex_lock(&c->lock);
	e = claim(c, key);
	e->kept = kept;
	e->poll = copy;
	pthread_mutex_unlock(&c->lock);
}

struct poll *
page_cache_get_poll(struct page_cache *c, struct str key, struct arena *a)
{
	struct poll *copy = NULL;
	struct entry *e;

	if (c == NULL || key.n >= PAGE_CACHE_PATH_MAX)
		return NULL;
	pthread_mutex_lock(&c->lock);
	e = &c->slots[slot_of(key)];
	if (e->poll && fresh(c, e, key))
		copy = poll_copy(a, e->poll);
	pthread_mutex_unlock(&c->lock);
	return copy;
}

void
page_cache_invalidate(struct page_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->generation++;
	pthread_mutex_unlock(&c->lock);
}
