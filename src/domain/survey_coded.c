/*
 * survey_coded.c - fixed answers coded small, and cross-tabulations
 * counted from them (survey_coded.h).
 *
 * The count is a loop over bytes: per response, its codes are looked up in
 * a small open-addressing table holding only the two axes' values, and the
 * response adds one to each (row, column) pair it has, as crosstab_add
 * counts it from the answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/error.h"
#include "involve/survey_coded.h"

#define WEEK (7 * 24 * 3600)
/* 1970-01-05 was a Monday: week 0. */
#define FIRST_MONDAY (4 * 24 * 3600)
#define CODED_WEEK_MAX 0xffff
/* An entry's head: channel and week. */
#define CODED_HEAD 3

uint32_t
survey_coded_item(struct str question, struct str value)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < question.n; i++)
		h = (h ^ (unsigned char)question.p[i]) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (i = 0; i < value.n; i++)
		h = (h ^ (unsigned char)value.p[i]) * 16777619u;
	return h != 0 ? h : 1;
}

static int64_t
week_of(int64_t t)
{
	int64_t w = t < FIRST_MONDAY ? 0 : (t - FIRST_MONDAY) / WEEK;

	return w > CODED_WEEK_MAX ? CODED_WEEK_MAX : w;
}

void
survey_coded_write(const struct survey_tally_item *items, int n, enum survey_channel ch,
    int64_t at, struct buf *b)
{
	unsigned char head[CODED_HEAD], code[4], len[5];
	size_t count = 0, rest, k = 0;
	int64_t w = week_of(at);
	uint32_t c;
	int i;

	for (i = 0; i < n; i++)
		if (items[i].question.n > 0 && items[i].value.n > 0 && items[i].row.n == 0)
			count++;
	rest = CODED_HEAD + 4 * count;
	do {
		len[k++] = (unsigned char)((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
		rest >>= 7;
	} while (rest > 0);
	buf_add(b, len, k);
	head[0] = (unsigned char)ch;
	head[1] = (unsigned char)(w & 0xff);
	head[2] = (unsigned char)(w >> 8);
	buf_add(b, head, sizeof(head));
	for (i = 0; i < n; i++) {
		if (items[i].question.n == 0 || items[i].value.n == 0 || items[i].row.n > 0)
			continue;
		c = survey_coded_item(items[i].question, items[i].value);
		code[0] = (unsigned char)c;
		code[1] = (unsigned char)(c >> 8);
		code[2] = (unsigned char)(c >> 16);
		code[3] = (unsigned char)(c >> 24);
		buf_add(b, code, sizeof(code));
	}
}

size_t
survey_coded_entry_size(const unsigned char *p, size_t n)
{
	size_t len = 0, head;
	int shift;

	for (head = 0, shift = 0; head < n && shift < 35; shift += 7) {
		len |= (size_t)(p[head] & 0x7f) << shift;
		if ((p[head++] & 0x80) == 0)
			break;
	}
	if (head == 0 || (p[head - 1] & 0x80) != 0 || len < CODED_HEAD || len > n - head ||
	    (len - CODED_HEAD) % 4 != 0)
		return 0;
	return head + len;
}

/* ---- counting -------------------------------------------------------------------------- */

struct code_slot {
	uint32_t code;  /* 0: empty */
	uint16_t index; /* the value's index on its axis */
	uint8_t axis;   /* 0: row, 1: column */
};

struct crosstab_codes {
	uint32_t mask;
	struct code_slot *slots;
	int64_t first_week[2]; /* week axes: the week number of their first value */
	enum crosstab_kind kind[2];
	int value_n[2];
};

static inline uint32_t
slot_of(uint32_t code, uint32_t mask)
{
	return (code * 2654435761u >> 7) & mask;
}

/* The slot of code in m's table, or the empty one where it would go. */
static inline uint32_t
slot_find(const struct crosstab_codes *m, uint32_t code)
{
	uint32_t k;

	for (k = slot_of(code, m->mask); m->slots[k].code != 0 && m->slots[k].code != code;
	    k = (k + 1) & m->mask)
		;
	return k;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every code d's items may have (grids aside, which are no items here),
 * into out (sized by the caller: count with out NULL). */
static size_t
def_codes(const struct survey_def *d, uint32_t *out)
{
	char number[24];
	size_t n = 0;
	int i, j;

	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];

		if (q->type == SQ_GRID)
			continue;
		for (j = 0; j < q->option_n; j++, n++)
			if (out)
				out[n] = survey_coded_item(q->key, q->options[j].value);
		if (q->type == SQ_RATING)
			for (j = (int)q->min; j <= (int)q->max; j++, n++)
				if (out) {
					snprintf(number, sizeof(number), "%d", j);
					out[n] = survey_coded_item(q->key, str_c(number));
				}
	}
	return n;
}

/* The code of the i-th value of a question axis. */
static uint32_t
axis_code(const struct survey_def *d, const struct crosstab_axis *ax, int i)
{
	const struct survey_question *q = &d->questions[ax->question];
	char number[24];

	if (q->type != SQ_RATING)
		return survey_coded_item(q->key, q->options[i].value);
	snprintf(number, sizeof(number), "%d", (int)q->min + i);
	return survey_coded_item(q->key, str_c(number));
}

int
crosstab_codes_init(const struct survey_def *d, const struct crosstab *x, struct arena *a,
    struct crosstab_codes **out)
{
	const struct crosstab_axis *axes[2] = { &x->row, &x->col };
	struct crosstab_codes *m;
	size_t n = def_codes(d, NULL), i, cap;
	uint32_t *all, k;
	int side, v;

	*out = NULL;
	/* A question by itself would need a code on both axes at once. */
	if (x->row.kind == CROSSTAB_QUESTION && crosstab_axis_same(&x->row, &x->col))
		return ERR_CONFLICT;
	if ((all = arena_array(a, n + 1, sizeof(*all))) == NULL)
		return ERR_NOMEM;
	def_codes(d, all);
	qsort(all, n, sizeof(*all), cmp_u32);
	for (i = 1; i < n; i++)
		if (all[i] == all[i - 1])
			return ERR_CONFLICT;
	for (cap = 16; cap < 4 * ((size_t)x->row.value_n + (size_t)x->col.value_n); cap *= 2)
		;
	if ((m = arena_zalloc(a, sizeof(*m))) == NULL ||
	    (m->slots = arena_zalloc(a, cap * sizeof(*m->slots))) == NULL)
		return ERR_NOMEM;
	m->mask = (uint32_t)cap - 1;
	for (side = 0; side < 2; side++) {
		m->kind[side] = axes[side]->kind;
		m->value_n[side] = axes[side]->value_n;
		m->first_week[side] = week_of(axes[side]->first_week);
		if (axes[side]->kind != CROSSTAB_QUESTION)
			continue;
		for (v = 0; v < axes[side]->value_n; v++) {
			uint32_t code = axis_code(d, axes[side], v);

			/* Codes of d's items are distinct (checked above), and the
			 * two axes are not the same question (crosstab_axis_same). */
			k = slot_find(m, code);
			m->slots[k] = (struct code_slot){ code, (uint16_t)v, (uint8_t)side };
		}
	}
	*out = m;
	return 0;
}

/* The value of a channel or week axis for an entry's head. */
static int
head_value(const struct crosstab_codes *m, int side, const unsigned char *head)
{
	int64_t w;

	if (m->kind[side] == CROSSTAB_CHANNEL)
		return head[0] < m->value_n[side] ? head[0] : -1;
	w = (int64_t)(head[1] | head[2] << 8) - m->first_week[side];
	return w < 0 ? 0 : w >= m->value_n[side] ? m->value_n[side] - 1 : (int)w;
}

int
crosstab_add_coded(const struct crosstab_codes *m, struct crosstab *x, const unsigned char *p,
    size_t n)
{
	const unsigned char *end = p + n, *e, *c;
	int vals[2][SURVEY_OPTIONS_MAX], cnt[2], cols = x->col.value_n, i, j, side;
	size_t size;
	uint32_t code, k;

	while (p < end) {
		if ((size = survey_coded_entry_size(p, (size_t)(end - p))) == 0)
			return ERR_INVALID;
		e = p + size;
		for (p++; p[-1] & 0x80; p++)
			;
		cnt[0] = cnt[1] = 0;
		for (side = 0; side < 2; side++)
			if (m->kind[side] != CROSSTAB_QUESTION &&
			    (vals[side][0] = head_value(m, side, p)) >= 0)
				cnt[side] = 1;
		for (c = p + CODED_HEAD; c < e; c += 4) {
			code = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
			    (uint32_t)c[3] << 24;
			k = slot_find(m, code);
			if (m->slots[k].code == 0)
				continue;
			side = m->slots[k].axis;
			if (cnt[side] < SURVEY_OPTIONS_MAX)
				vals[side][cnt[side]++] = m->slots[k].index;
		}
		for (i = 0; i < cnt[0]; i++)
			for (j = 0; j < cnt[1]; j++)
				x->cells[vals[0][i] * cols + vals[1][j]]++;
		p = e;
	}
	return 0;
}
