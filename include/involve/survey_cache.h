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
 *
 * One caller may take less: survey_cache_recent answers with the survey as
 * this server last read it, without asking the store, when that copy was
 * found to be the store's at most SURVEY_CACHE_RECENT_MS ago.  It is for
 * taking answers only, where the store has the last word: the response
 * writer refuses answers checked against any version but the one it
 * finds (respond.c then reads the survey again), and the survey's state is
 * checked there too.  A caller about to refuse anything because of what a
 * recent copy says must read the survey from the store and decide again.
 */
#ifndef INVOLVE_SURVEY_CACHE_H
#define INVOLVE_SURVEY_CACHE_H

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/survey.h"

#define SURVEY_CACHE_SLOTS 256
#define SURVEY_CACHE_TEXT_MAX (16 * 1024 * 1024)
/* How old a copy survey_cache_recent hands out may be: a bound on how long
 * a server goes without asking about a survey it takes answers for. */
#define SURVEY_CACHE_RECENT_MS 1000

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

/*
 * Survey survey_id as this server last read it (its row and definition,
 * shared as survey_cache_def's, valid until a is freed) when the store was
 * last found to have that definition at most SURVEY_CACHE_RECENT_MS ago:
 * see above for what such a copy may be used for.  0; ERR_NOTFOUND when
 * there is no such copy (or no memory to hand it out: read the store).
 */
int survey_cache_recent(struct survey_cache *c, struct arena *a, int64_t survey_id,
    struct survey **sv, struct survey_def *out);

/*
 * Forgets survey survey_id, deleted: SQLite may give its id to the next
 * survey made, which must never be answered with this one's recent copy
 * (PostgreSQL never gives an id twice, and a SQLite database has one
 * server, the one deleting).
 */
void survey_cache_forget(struct survey_cache *c, int64_t survey_id);

/* How many requests were answered from a definition kept, and how many
 * read one (for tests and /metrics). */
void survey_cache_counts(struct survey_cache *c, unsigned long long *hits,
    unsigned long long *misses);

#endif
