/* Tests for arena.c: the caller's first block, growing into the heap,
 * alignment, large allocations, copies, and freeing everything at once
 * (the sanitizer build finds any leak). */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "involve/arena.h"

Test(arena, serves_the_first_block_then_the_heap)
{
	alignas(max_align_t) char first[256];
	struct arena a;
	char *p, *q;
	int i;

	arena_init(&a, first, sizeof(first));
	p = arena_alloc(&a, 100);
	cr_assert(p >= first && p < first + sizeof(first), "from the caller's block");
	cr_assert_null(a.blocks, "no heap yet");
	for (i = 0; i < 100; i++) {
		q = arena_alloc(&a, 100);
		cr_assert_not_null(q);
		cr_assert_eq((uintptr_t)q % alignof(max_align_t), 0, "aligned for any type");
		memset(q, i, 100);
	}
	cr_assert_not_null(a.blocks, "grew into the heap");
	arena_free(&a);
	cr_assert_null(a.blocks);
	p = arena_alloc(&a, 16);
	cr_assert(p >= first && p < first + sizeof(first), "reused from the start after free");
	arena_free(&a);
}

Test(arena, large_allocations_get_their_own_block)
{
	struct arena a;
	char *small, *big, *after;

	arena_init(&a, NULL, 0);
	small = arena_alloc(&a, 32);
	big = arena_alloc(&a, 1 << 20);
	cr_assert_not_null(big);
	memset(big, 1, 1 << 20);
	after = arena_alloc(&a, 32);
	cr_assert_eq(after, small + 32 + (alignof(max_align_t) - 32 % alignof(max_align_t)) %
	    alignof(max_align_t), "the current block is still used after a large one");
	arena_free(&a);
}

Test(arena, copies_text_and_refuses_overflow)
{
	struct arena a;
	char src[] = "pharmacy";
	struct str s;
	char *z;

	arena_init(&a, NULL, 0);
	s = arena_str(&a, (struct str){ src, 5 });
	src[0] = 'X';
	cr_assert_eq(s.n, 5);
	cr_assert_str_eq(s.p, "pharm", "a NUL-terminated copy");
	z = arena_zalloc(&a, 64);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(z[i], 0);
	cr_assert_str_eq(arena_printf(&a, "%s-%d", "poll", 12), "poll-12");
	cr_assert_null(arena_array(&a, SIZE_MAX / 2, 4), "n * size overflows");
	cr_assert_eq(arena_strdup(&a, (struct str){ NULL, 0 })[0], '\0');
	arena_free(&a);
}

static void
count_down(void *arg)
{
	int *order = arg;

	/* The latest registered runs first: it sees the other still at 0. */
	order[0] = order[1] == 0 ? 1 : 2;
}

static void
mark(void *arg)
{
	*(int *)arg = 1;
}

Test(arena, runs_its_clean_ups_when_freed_and_reset)
{
	char first[64];
	int order[2] = { 0, 0 };
	int reset = 0;
	struct arena a;

	arena_init(&a, first, sizeof(first));
	cr_assert_eq(arena_on_free(&a, mark, &order[1]), 0);
	cr_assert_eq(arena_on_free(&a, count_down, order), 0);
	cr_assert_not_null(arena_alloc(&a, 4096)); /* a heap block too */
	cr_assert_eq(order[0], 0, "nothing runs before the arena is freed");
	arena_free(&a);
	cr_assert_eq(order[0], 1, "the latest registered runs first");
	cr_assert_eq(order[1], 1);
	order[0] = order[1] = 0;
	arena_free(&a);
	cr_assert_eq(order[0] + order[1], 0, "a clean-up runs once");
	cr_assert_eq(arena_on_free(&a, mark, &reset), 0);
	arena_reset(&a);
	cr_assert_eq(reset, 1);
}
