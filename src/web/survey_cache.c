/*
 * survey_cache.c - surveys' definitions kept read (see survey_cache.h).
 *
 * A slot holds one entry: the definition's text, the struct survey_def read
 * from it in the entry's own arena, and a count of references (the slot's
 * own, and one per arena reading it).  The entry is freed by whoever lets
 * go of the last reference: the slot when it is replaced and nobody reads
 * it, or the last request to finish with it.  The lock is held only to
 * look a slot up, take or drop a reference and replace an entry; reading
 * and comparing text happen outside it.
 *
 * Each entry also keeps the survey's row as it was read with the text, and
 * when a request last found that text still the store's (confirmed_ms):
 * survey_cache_recent's answer.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/survey_cache.h"

struct entry {
	struct survey_cache *cache;
	int64_t survey_id;
	int version;
	char *text;
	size_t text_n;
	struct arena arena; /* the definition's and the row's memory */
	struct survey_def def;
	struct survey row;  /* as read with text; its definition is text */
	atomic_llong confirmed_ms; /* when the store last had text (monotonic) */
	int refs; /* under cache->lock */
};

struct survey_cache {
	pthread_mutex_t lock;
	struct entry *slots[SURVEY_CACHE_SLOTS];
	size_t text_n; /* of the entries in slots */
	atomic_ullong hits, misses;
	bool freed;  /* survey_cache_free was called: entries go with their readers */
	int entries; /* entries alive, in slots or read */
};

struct survey_cache *
survey_cache_new(void)
{
	struct survey_cache *c = calloc(1, sizeof(*c));

	if (c != NULL && pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

static void
entry_destroy(struct entry *en)
{
	arena_free(&en->arena);
	free(en->text);
	free(en);
}

/* Drops one reference, under the lock; true when the entry is to be freed
 * (by the caller, once the lock is let go). */
static bool
entry_drop(struct entry *en)
{
	return --en->refs == 0;
}

/* The cache itself goes with its last entry once survey_cache_free has
 * been called; under the lock, which the caller lets go and, when this
 * says so, destroys. */
static bool
cache_done(struct survey_cache *c)
{
	return c->freed && c->entries == 0;
}

static void
cache_destroy(struct survey_cache *c)
{
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void
survey_cache_free(struct survey_cache *c)
{
	struct entry *gone[SURVEY_CACHE_SLOTS];
	int i, n = 0;
	bool done;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < SURVEY_CACHE_SLOTS; i++) {
		if (c->slots[i] != NULL && entry_drop(c->slots[i])) {
			gone[n++] = c->slots[i];
			c->entries--;
		}
		c->slots[i] = NULL;
	}
	c->text_n = 0;
	c->freed = true;
	done = cache_done(c);
	pthread_mutex_unlock(&c->lock);
	for (i = 0; i < n; i++)
		entry_destroy(gone[i]);
	if (done)
		cache_destroy(c);
}

/* An arena reading en lets go of it (arena_on_free). */
static void
entry_release(void *arg)
{
	struct entry *en = arg;
	struct survey_cache *c = en->cache;
	bool gone, done = false;

	if (c == NULL) { /* never kept: the reader's alone */
		entry_destroy(en);
		return;
	}
	pthread_mutex_lock(&c->lock);
	gone = entry_drop(en);
	if (gone) {
		c->entries--;
		done = cache_done(c);
	}
	pthread_mutex_unlock(&c->lock);
	if (gone)
		entry_destroy(en);
	if (done)
		cache_destroy(c);
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t
slot_of(int64_t survey_id)
{
	uint64_t h = (uint64_t)survey_id * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 56) % SURVEY_CACHE_SLOTS;
}

/* The entry in sv's slot for sv's version, with a reference taken; NULL
 * when there is none (its text is compared by the caller). */
static struct entry *
lookup(struct survey_cache *c, const struct survey *sv)
{
	struct entry *en;

	pthread_mutex_lock(&c->lock);
	en = c->slots[slot_of(sv->id)];
	if (en != NULL && en->survey_id == sv->id && en->version == sv->version &&
	    en->text_n == sv->definition.n)
		en->refs++;
	else
		en = NULL;
	pthread_mutex_unlock(&c->lock);
	return en;
}

/* A new entry for sv, its definition read (one reference: the reader's). */
static int
entry_read(const struct survey *sv, struct entry **out, struct errors *e)
{
	struct entry *en = calloc(1, sizeof(*en));
	int rc;

	if (en == NULL || (en->text = malloc(sv->definition.n + 1)) == NULL) {
		free(en);
		return ERR_NOMEM;
	}
	memcpy(en->text, sv->definition.p, sv->definition.n);
	en->text[sv->definition.n] = '\0';
	en->text_n = sv->definition.n;
	en->survey_id = sv->id;
	en->version = sv->version;
	en->refs = 1;
	arena_init(&en->arena, NULL, 0);
	en->row = *sv;
	en->row.title = arena_str(&en->arena, sv->title);
	en->row.definition = (struct str){ en->text, en->text_n };
	atomic_init(&en->confirmed_ms, monotonic_ms());
	if (en->row.title.p == NULL) {
		entry_destroy(en);
		return ERR_NOMEM;
	}
	if ((rc = survey_def_parse(
	         (struct str){ en->text, en->text_n }, &en->arena, &en->def, e)) != 0) {
		entry_destroy(en);
		return rc;
	}
	*out = en;
	return 0;
}

/* Puts en in its slot, when the bound allows, in place of what was
 * there. */
static void
keep(struct survey_cache *c, struct entry *en)
{
	size_t slot = slot_of(en->survey_id);
	struct entry *old, *gone = NULL;
	size_t old_n;

	pthread_mutex_lock(&c->lock);
	old = c->slots[slot];
	old_n = old ? old->text_n : 0;
	if (!c->freed && c->text_n - old_n + en->text_n <= SURVEY_CACHE_TEXT_MAX) {
		c->slots[slot] = en;
		c->text_n = c->text_n - old_n + en->text_n;
		en->cache = c;
		en->refs++;
		c->entries++;
		if (old != NULL && entry_drop(old)) {
			gone = old;
			c->entries--;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (gone != NULL)
		entry_destroy(gone);
}

int
survey_cache_def(struct survey_cache *c, struct arena *a, const struct survey *sv,
    struct survey_def *out, struct errors *e)
{
	struct entry *en = c ? lookup(c, sv) : NULL;
	int rc;

	if (en != NULL && memcmp(en->text, sv->definition.p, en->text_n) != 0) {
		entry_release(en);
		en = NULL;
	}
	if (en != NULL)
		atomic_store_explicit(&en->confirmed_ms, monotonic_ms(), memory_order_relaxed);
	if (c != NULL)
		atomic_fetch_add_explicit(
		    en != NULL ? &c->hits : &c->misses, 1, memory_order_relaxed);
	if (en == NULL) {
		if (c == NULL)
			return survey_def_parse(sv->definition, a, out, e);
		if ((rc = entry_read(sv, &en, e)) != 0)
			return rc;
		keep(c, en);
	}
	if (arena_on_free(a, entry_release, en) != 0) {
		entry_release(en);
		return ERR_NOMEM;
	}
	*out = en->def;
	return 0;
}

int
survey_cache_recent(struct survey_cache *c, struct arena *a, int64_t survey_id,
    struct survey **sv, struct survey_def *out)
{
	int64_t now = monotonic_ms();
	struct survey *copy = arena_alloc(a, sizeof(*copy));
	struct entry *en;

	if (c == NULL || copy == NULL)
		return ERR_NOTFOUND;
	pthread_mutex_lock(&c->lock);
	en = c->slots[slot_of(survey_id)];
	if (en != NULL && en->survey_id == survey_id &&
	    now - atomic_load_explicit(&en->confirmed_ms, memory_order_relaxed) <=
		SURVEY_CACHE_RECENT_MS)
		en->refs++;
	else
		en = NULL;
	pthread_mutex_unlock(&c->lock);
	if (en == NULL)
		return ERR_NOTFOUND;
	if (arena_on_free(a, entry_release, en) != 0) {
		entry_release(en);
		return ERR_NOTFOUND;
	}
	/* The row's strings are the entry's, which a's reference keeps. */
	*copy = en->row;
	*sv = copy;
	*out = en->def;
	return 0;
}

void
survey_cache_forget(struct survey_cache *c, int64_t survey_id)
{
	size_t slot = slot_of(survey_id);
	struct entry *en, *gone = NULL;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	en = c->slots[slot];
	if (en != NULL && en->survey_id == survey_id) {
		c->slots[slot] = NULL;
		c->text_n -= en->text_n;
		if (entry_drop(en)) {
			gone = en;
			c->entries--;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (gone != NULL)
		entry_destroy(gone);
}

void
survey_cache_counts(struct survey_cache *c, unsigned long long *hits, unsigned long long *misses)
{
	*hits = atomic_load(&c->hits);
	*misses = atomic_load(&c->misses);
}
