/*
 * arena_fixture.h - the domain tests' arena: made before each test and
 * freed after it, for what the functions under test allocate.  A test file
 * includes it once and names it in its suites:
 *
 *   TestSuite(poll_build, .init = arena_setup, .fini = arena_teardown);
 */
#ifndef INVOLVE_TEST_ARENA_FIXTURE_H
#define INVOLVE_TEST_ARENA_FIXTURE_H

#include "involve/arena.h"

static struct arena arena;

static void
arena_setup(void)
{
	arena_init(&arena, NULL, 0);
}

static void
arena_teardown(void)
{
	arena_free(&arena);
}

#endif
