/*
 * pg_array.h - PostgreSQL array literals ('{1,2,3}', '{"a","b"}') built
 * into a buf, for statements that take a whole batch as arrays
 * (unnest(?::bigint[], ?::text[])) and so cost one round trip whatever
 * the batch's size.  Text elements are quoted and their '"' and '\'
 * escaped, which is all an element in double quotes needs; a NUL cannot
 * be sent (the caller's text never holds one: JSON, hex, names).
 *
 * Not a public header: only src/store/pg/ includes it.
 */
#ifndef INVOLVE_STORE_PG_ARRAY_H
#define INVOLVE_STORE_PG_ARRAY_H

#include <stdint.h>

#include "involve/str.h"

void pg_array_open(struct buf *b);
void pg_array_int(struct buf *b, int64_t v);
void pg_array_double(struct buf *b, double v);
void pg_array_text(struct buf *b, struct str s);
/* The literal, or { NULL, 0 } when b ran out of memory. */
struct str pg_array_close(struct buf *b);

#endif
