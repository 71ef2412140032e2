/*
 * json_depth.h - a bound on how deeply a request's JSON may nest, checked
 * before the JSON is parsed.
 *
 * jansson's parser recurses once per level of nesting, and so do
 * json_decref and every walk over a parsed value; its only limit is one
 * compiled into the library (2048 levels in Debian 12's 2.14), which the
 * program cannot lower.  A body of 60 KB can hold 30,000 levels, so the
 * bound is checked here, in one linear pass over the bytes with no
 * recursion, before jansson sees them.
 */
#ifndef INVOLVE_JSON_DEPTH_H
#define INVOLVE_JSON_DEPTH_H

#include <stdbool.h>
#include <stddef.h>

/* The deepest nesting a request may send.  The API's documents nest two
 * levels ({"options": [1, 2]}); 32 leaves room for richer documents while
 * keeping every recursive walk over them shallow. */
#define JSON_DEPTH_MAX 32

/* Whether no array or object in p[0..n) is nested more than max levels
 * deep (the outermost value is level 1).  Brackets inside strings do not
 * count.  Says nothing about whether the text is valid JSON: the parser
 * decides that afterwards. */
bool json_depth_within(const char *p, size_t n, int max);

#endif
