/*
 * page_cache.c - whole public pages kept for a moment (see page_cache.h).
 * Slots are chosen by a hash of the path; a collision replaces the older
 * page, which costs only a render.  A page is kept with its compressed
 * forms, made once when it is put, outside the lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/content_coding.h"
#include "involve/page_cache.h"

struct entry {
	char path[PAGE_CACHE_PATH_MAX];
	size_t path_n;
	uint64_t generation;
	int64_t expires_ms;
	int status;
	const char *content_type; /* a literal, as in struct http_response */
	const char *language;     /* the same */
	bool frameable;
	char frame_ancestors[HTTP_FRAME_ANCESTORS_MAX];
	char *body[CODING_N]; /* [CODING_IDENTITY] always; the others when smaller */
	size_t body_n[CODING_N];
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

/* Frees what an entry holds; it is then empty. */
static void
entry_clear(struct entry *e)
{
	int k;

	for (k = 0; k < CODING_N; k++) {
		free(e->body[k]);
		e->body[k] = NULL;
		e->body_n[k] = 0;
	}
	if (e->kept) {
		arena_free(e->kept);
		free(e->kept);
	}
	e->kept = NULL;
	e->poll = NULL;
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

	entry_clear(e);
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
		entry_clear(&c->slots[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

bool
page_cache_get(struct page_cache *c, struct str path, const struct coding_accept *accept,
    struct http_response *res)
{
	enum content_coding coding = CODING_IDENTITY;
	unsigned available = 0;
	struct entry *e;
	bool hit = false;
	int k;

	if (c == NULL || path.n >= PAGE_CACHE_PATH_MAX)
		return false;
	pthread_mutex_lock(&c->lock);
	e = &c->slots[slot_of(path)];
	if (e->body[CODING_IDENTITY] && fresh(c, e, path)) {
		for (k = 0; k < CODING_N; k++)
			if (e->body[k])
				available |= CODING_BIT(k);
		if (accept)
			coding = coding_choose(accept, available);
		res->status = e->status;
		res->content_type = e->content_type;
		res->language = e->language;
		res->frameable = e->frameable;
		memcpy(res->frame_ancestors, e->frame_ancestors, sizeof(res->frame_ancestors));
		res->content_encoding = coding_name(coding);
		res->vary_encoding = available != CODING_BIT(CODING_IDENTITY);
		buf_add(&res->body, e->body[coding], e->body_n[coding]);
		hit = buf_ok(&res->body);
		if (!hit) {
			buf_reset(&res->body);
			res->content_encoding = NULL;
			res->vary_encoding = false;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

/* Copies of the body in each coding, for an entry: copy[CODING_IDENTITY]
 * always, the others when compress and smaller.  false when out of memory
 * (nothing is then left allocated). */
static bool
make_copies(const struct http_response *res, bool compress, char *copy[CODING_N],
    size_t copy_n[CODING_N])
{
	struct buf packed;
	size_t len;
	int k;

	memset(copy, 0, CODING_N * sizeof(copy[0]));
	memset(copy_n, 0, CODING_N * sizeof(copy_n[0]));
	copy[CODING_IDENTITY] = malloc(res->body.n + 1);
	if (copy[CODING_IDENTITY] == NULL)
		return false;
	memcpy(copy[CODING_IDENTITY], res->body.p ? res->body.p : "", res->body.n);
	copy_n[CODING_IDENTITY] = res->body.n;
	if (!compress || res->body.n < CODING_MIN_BYTES ||
	    !coding_type_compressible(res->content_type))
		return true;
	for (k = CODING_IDENTITY + 1; k < CODING_N; k++) {
		packed = BUF_INIT;
		if (coding_compress((enum content_coding)k, CODING_BEST, res->body.p, res->body.n,
		        &packed) == 0 && packed.n < res->body.n) {
			copy[k] = buf_detach(&packed, &len);
			copy_n[k] = len;
		}
		/* A form that failed or gained nothing is simply not kept. */
		buf_free(&packed);
	}
	return true;
}

void
page_cache_put(struct page_cache *c, struct str path, const struct http_response *res,
    bool compress)
{
	char *copy[CODING_N];
	size_t copy_n[CODING_N];
	struct entry *e;

	if (c == NULL || path.n >= PAGE_CACHE_PATH_MAX || res->body.n > PAGE_CACHE_BODY_MAX ||
	    !buf_ok(&res->body) || !make_copies(res, compress, copy, copy_n))
		return;
	pthread_mutex_lock(&c->lock);
	e = claim(c, path);
	e->status = res->status;
	e->content_type = res->content_type;
	e->language = res->language;
	e->frameable = res->frameable;
	memcpy(e->frame_ancestors, res->frame_ancestors, sizeof(e->frame_ancestors));
	memcpy(e->body, copy, sizeof(e->body));
	memcpy(e->body_n, copy_n, sizeof(e->body_n));
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
