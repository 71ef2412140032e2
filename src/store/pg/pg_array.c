/*
 * pg_array.c - PostgreSQL array literals (see pg_array.h).
 */
#include "pg_array.h"

void
pg_array_open(struct buf *b)
{
	buf_reset(b);
	buf_addch(b, '{');
}

static void
next(struct buf *b)
{
	if (b->n > 1)
		buf_addch(b, ',');
}

void
pg_array_int(struct buf *b, int64_t v)
{
	next(b);
	buf_printf(b, "%lld", (long long)v);
}

void
pg_array_double(struct buf *b, double v)
{
	next(b);
	buf_printf(b, "%.17g", v);
}

void
pg_array_text(struct buf *b, struct str s)
{
	size_t i, from = 0;

	next(b);
	buf_addch(b, '"');
	for (i = 0; i < s.n; i++) {
		if (s.p[i] != '"' && s.p[i] != '\\')
			continue;
		buf_add(b, s.p + from, i - from);
		buf_addch(b, '\\');
		from = i;
	}
	buf_add(b, s.p + from, s.n - from);
	buf_addch(b, '"');
}

struct str
pg_array_close(struct buf *b)
{
	buf_addch(b, '}');
	return buf_ok(b) ? (struct str){ b->p, b->n } : (struct str){ NULL, 0 };
}
