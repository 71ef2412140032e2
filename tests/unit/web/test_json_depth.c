/* Tests for json_depth.c: the nesting bound checked before parsing. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "involve/json_depth.h"

static bool
within(const char *s, int max)
{
	return json_depth_within(s, strlen(s), max);
}

/* n opening brackets then n closing ones, from a pair like "[]". */
static char *
nested(const char *pair, size_t n)
{
	char *s = malloc(2 * n + 1);

	cr_assert_not_null(s);
	memset(s, pair[0], n);
	memset(s + n, pair[1], n);
	s[2 * n] = '\0';
	return s;
}

Test(json_depth, counts_arrays_and_objects)
{
	cr_assert(within("", 1));
	cr_assert(within("42", 0));
	cr_assert(within("{\"options\": [1, 2]}", 2));
	cr_assert_not(within("{\"options\": [1, 2]}", 1));
	cr_assert(within("[[1], [2], {\"a\": {}}]", 3));
	cr_assert_not(within("[[1], [2], {\"a\": {\"b\": []}}]", 3));
	cr_assert(within("{\"a\":{\"b\":{\"c\":1}}}", 3));
	cr_assert_not(within("{\"a\":{\"b\":{\"c\":{}}}}", 3));
}

Test(json_depth, exactly_at_the_limit)
{
	char *at = nested("[]", JSON_DEPTH_MAX), *over = nested("[]", JSON_DEPTH_MAX + 1);

	cr_assert(within(at, JSON_DEPTH_MAX));
	cr_assert_not(within(over, JSON_DEPTH_MAX));
	free(at);
	free(over);
}

Test(json_depth, very_deep_input_is_refused_without_recursion)
{
	char *deep = nested("[]", 100000), *objects;
	size_t i, n = 20000;

	cr_assert_not(within(deep, JSON_DEPTH_MAX));
	/* Unclosed: the check must not depend on the text being valid. */
	deep[100000] = '\0';
	cr_assert_not(within(deep, JSON_DEPTH_MAX));
	free(deep);
	objects = malloc(n * 5 + 1);
	cr_assert_not_null(objects);
	for (i = 0; i < n; i++)
		memcpy(objects + i * 5, "{\"a\":", 5);
	objects[n * 5] = '\0';
	cr_assert_not(within(objects, JSON_DEPTH_MAX));
	free(objects);
}

Test(json_depth, brackets_in_strings_do_not_count)
{
	cr_assert(within("{\"q\": \"[[[[{{{{\"}", 1));
	cr_assert(within("[\"\\\"[[[[\"]", 1));
	cr_assert(within("[\"\\\\\"]", 1));
	/* An escaped backslash ends the escape: the bracket after the string
	 * counts. */
	cr_assert_not(within("[\"\\\\\", [[]]]", 2));
}

Test(json_depth, closers_do_not_buy_depth)
{
	cr_assert_not(within("]]]]]]]]]][[[", 2));
	cr_assert(within("]]]]]]]]]][[", 2));
}

Test(json_depth, embedded_nul_is_just_a_byte)
{
	static const char text[] = "[\0[[]]]";

	cr_assert_not(json_depth_within(text, sizeof(text) - 1, 2));
	cr_assert(json_depth_within(text, sizeof(text) - 1, 3));
}
