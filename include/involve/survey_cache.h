/*
 * survey_cache.h - surveys' definitions kept read, so that a response does
 * not read its survey's JSON definition again each time.
 *
 * Reading a ten-question definition (JSON into a struct survey_def) took
 * more of a submission's time than anything else.  The store is still
 * asked for the survey on every request (its state, its version and its
 * definition's text, one row), and the cache answers with the definition
 * read before only when that text is byte for byte the one it read: so a
 * new version, another server's change, or a survey deleted and another
 * made with its id can never be answered from an older copy.
 *
 * A definition handed out is shared and read-only: the caller's arena
 * holds a reference and lets go of it when it is freed (arena_on_free),
 * so one replaced meanwhile lives as long as a request still reads it.
 * Bounded: one definition per slot (SURVEY_CACHE_SLOTS, by survey id) and
 * SURVEY_CACHE_TEXT_MAX bytes of text in all; a definition that would go
 * over is read into the caller's arena instead, as before.  Thread-safe.
 */
#ifndef INVOLVE_SURVEY_CACHE_H
#define INVOLVE_SURVEY_CACHE_H

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/survey.h"

#define SURVEY_CACHE_SLOTS 256
#define SURVEY_CACHE_TEXT_MAX (16 * 1024 * 1024)

struct survey_cache;

struct survey_cache *survey_cache_new(void);
/* Frees the cache; definitions still referenced by arenas are freed when
 * the last of those is. */
void survey_cache_free(struct survey_cache *c);

/*
 * sv's definition (sv as the store read it: id, version, definition) into
 * *out: as survey_def_parse reads it, its arrays shared and valid until a
 * is freed.  The caller must not change what they point to.  0;
 * ERR_INVALID when the text is not a valid definition (e filled);
 * ERR_NOMEM.  c may be NULL (nothing kept: read into a).
 */
int survey_cache_def(struct survey_cache *c, struct arena *a, const struct survey *sv,
    struct survey_def *out, struct errors *e);

/* How many requests were answered from a definition kept, and how many
 * read one (for tests and /metrics). */
void survey_cache_counts(struct survey_cache *c, unsigned long long *hits,
    unsigned long long *misses);

#endif
