/*
 * arena.c - block allocator for request-scoped memory (see arena.h).
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/arena.h"

#define ALIGN alignof(max_align_t)

struct arena_block {
	struct arena_block *next;
	alignas(max_align_t) char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *arg);
	void *arg;
};

static char *
align_up(char *p)
{
	uintptr_t v = (uintptr_t)p;

	return p + ((ALIGN - v % ALIGN) % ALIGN);
}

void
arena_init(struct arena *a, void *buf, size_t size)
{
	a->blocks = NULL;
	a->cleanups = NULL;
	a->own = buf;
	a->own_size = buf ? size : 0;
	a->next = buf;
	a->end = buf ? (char *)buf + size : NULL;
}

void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;
	struct arena_cleanup *c;

	/* The records live in the arena: each is read before its block goes. */
	for (c = a->cleanups; c; c = c->next)
		c->fn(c->arg);
	a->cleanups = NULL;
	for (b = a->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	arena_init(a, a->own, a->own_size);
}

void
arena_reset(struct arena *a)
{
	arena_free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b;
	size_t size;
	char *p;

	if (n == 0)
		n = 1;
	if (a->next != NULL) {
		p = align_up(a->next);
		if (p <= a->end && (size_t)(a->end - p) >= n) {
			a->next = p + n;
			return p;
		}
	}
	if (n > SIZE_MAX - sizeof(*b) - ALIGN)
		return NULL;
	/* A large allocation gets a block of its own, so the space left in the
	 * current block is not wasted; the current block stays current. */
	size = n > ARENA_BLOCK_SIZE / 4 ? n : ARENA_BLOCK_SIZE;
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	if (size == n) {
		b->next = a->blocks;
		a->blocks = b;
		return b->data;
	}
	b->next = a->blocks;
	a->blocks = b;
	a->next = b->data + n;
	a->end = b->data + size;
	return b->data;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p)
		memset(p, 0, n);
	return p;
}

void *
arena_array(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return arena_alloc(a, n * size);
}

char *
arena_strdup(struct arena *a, struct str s)
{
	char *p;

	if (s.n == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, s.n + 1);
	if (p == NULL)
		return NULL;
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}

struct str
arena_str(struct arena *a, struct str s)
{
	char *p = arena_strdup(a, s);

	return p ? (struct str){ p, s.n } : (struct str){ NULL, 0 };
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256], *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int
arena_on_free(struct arena *a, void (*fn)(void *arg), void *arg)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	if (c == NULL)
		return ERR_NOMEM;
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}
