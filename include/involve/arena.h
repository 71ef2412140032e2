/*
 * arena.h - memory for one request, or one job, freed all at once.
 *
 * A request allocates many small things (a poll with its options, page
 * context, a ballot on its way to the writer) whose lives all end with the
 * request.  An arena hands them out from large blocks and frees every block
 * together, so nothing is freed one by one and records can have the shape of
 * their data (a poll with 2 options or 20) instead of a worst-case size.
 *
 * The first block may be the caller's own (arena_init with a buffer), so a
 * small request needs no heap at all.  Allocations are aligned for any type
 * and are not zeroed (arena_zalloc zeroes).  An allocation that cannot be
 * had returns NULL and leaves the arena usable; what was handed out before
 * stays valid until arena_free or arena_reset.
 *
 * Not thread-safe: an arena belongs to one request, which one thread at a
 * time works on (a request waiting for the writer is not being worked on).
 */
#ifndef INVOLVE_ARENA_H
#define INVOLVE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "involve/error.h"
#include "involve/str.h"

/* The size of blocks taken from the heap when the current one is full
 * (larger allocations get a block of their own). */
#define ARENA_BLOCK_SIZE (16 * 1024)

struct arena_block;
struct arena_cleanup;

struct arena {
	struct arena_block *blocks; /* heap blocks, newest first */
	struct arena_cleanup *cleanups; /* arena_on_free's, newest first */
	char *next;                 /* free space in the current block */
	char *end;
	char *own;                  /* the caller's first block, or NULL */
	size_t own_size;
};

/* An arena whose first allocations come from buf[0..size) (may be NULL, 0).
 * buf must outlive the arena. */
void arena_init(struct arena *a, void *buf, size_t size);
/* Runs the clean-ups (arena_on_free) and frees every heap block; the
 * arena is then empty and may be used again. */
void arena_free(struct arena *a);
/* Forgets everything allocated, keeping no heap block: the same as
 * arena_free, then arena_init with the same first block. */
void arena_reset(struct arena *a);

void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* Room for n elements of size each; NULL when n * size overflows. */
void *arena_array(struct arena *a, size_t n, size_t size);
/* A NUL-terminated copy of s (s.p may be NULL when s.n is 0). */
char *arena_strdup(struct arena *a, struct str s);
/* The same as a struct str: {copy, s.n}, or {NULL, 0} when out of memory. */
struct str arena_str(struct arena *a, struct str s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Calls fn(arg) when the arena is freed or reset, the latest registered
 * first: for something the arena's memory borrows from elsewhere (a shared,
 * counted copy of a survey's definition) and must let go of with it.
 * 0, or ERR_NOMEM when it could not be registered (fn is then not called).
 */
int arena_on_free(struct arena *a, void (*fn)(void *arg), void *arg);

#endif
