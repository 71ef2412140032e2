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
		free(c->slots[i].body);
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
	if (e->body && e->generation == c->generation && e->path_n == path.n &&
	    memcmp(e->path, path.p, path.n) == 0 && now_ms() < e->expires_ms) {
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
	e = &c->slots[slot_of(path)];
	free(e->body);
	memcpy(e->path, path.p, path.n);
	e->path_n = path.n;
	e->generation = c->generation;
	e->expires_ms = now_ms() + PAGE_CACHE_TTL_MS;
	e->status = res->status;
	e->content_type = res->content_type;
	e->frameable = res->frameable;
	e->body = copy;
	e->body_n = res->body.n;
	pthread_mutex_unlock(&c->lock);
}

bool
page_cache_get_value(struct page_cache *c, struct str key, void *out, size_t size)
{
	struct entry *e;
	bool hit = false;

	if (c == NULL || key.n >= PAGE_CACHE_PATH_MAX)
		return false;
	pthread_mutex_lock(&c->lock);
	e = &c->slots[slot_of(key)];
	if (e->body && e->generation == c->generation && e->path_n == key.n &&
	    memcmp(e->path, key.p, key.n) == 0 && now_ms() < e->expires_ms && e->body_n == size) {
		memcpy(out, e->body, size);
		hit = true;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void
page_cache_put_value(struct page_cache *c, struct str key, const void *value, size_t size)
{
	struct http_response as_page;

	/* Kept like a page with no status or type, so both share one table
	 * and one invalidation. */
	memset(&as_page, 0, sizeof(as_page));
	as_page.body = (struct buf){ (char *)value, size, size, false };
	page_cache_put(c, key, &as_page);
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
