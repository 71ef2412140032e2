/*
 * survey_crosstab.c - a cross-tabulation counted from the responses' coded
 * fixed answers (survey_crosstab.h).
 *
 * The store hands over the entries in runs and crosstab_add_coded counts
 * them; nothing here parses a response, but in two cases: a survey kept
 * from before coding has its responses coded once (store_survey_coded_fill,
 * from their answers read against d: keys and option values stay the same
 * under every version, so their items do too), and a survey whose items
 * share a code is counted from the answers, as before coding.
 */
#include <string.h>

#include "involve/error.h"
#include "involve/survey_coded.h"
#include "survey_crosstab.h"
#include "survey_report.h"

/* One response's tally items, for the fill. */
struct items_ctx {
	const struct survey_def *d;
	struct arena scratch;
	struct survey_tally_item *items;
	int n, cap;
};

static int
keep_item(void *arg, const struct survey_tally_item *it)
{
	struct items_ctx *c = arg;
	struct survey_tally_item *more;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		if ((more = arena_array(&c->scratch, (size_t)c->cap, sizeof(*more))) == NULL)
			return ERR_NOMEM;
		if (c->n > 0)
			memcpy(more, c->items, (size_t)c->n * sizeof(*more));
		c->items = more;
	}
	c->items[c->n] = *it;
	c->items[c->n].question = arena_str(&c->scratch, it->question);
	c->items[c->n].row = arena_str(&c->scratch, it->row);
	c->items[c->n].value = arena_str(&c->scratch, it->value);
	if (!c->items[c->n].question.p || !c->items[c->n].row.p || !c->items[c->n].value.p)
		return ERR_NOMEM;
	c->n++;
	return 0;
}

static int
items_of(void *arg, const struct survey_response *r, const struct survey_tally_item **items,
    int *n)
{
	struct items_ctx *c = arg;
	struct survey_answers ans;
	struct errors e;
	int rc;

	arena_reset(&c->scratch);
	c->items = NULL;
	c->n = c->cap = 0;
	errors_init(&e);
	/* As survey_report_walk reads them: what still fits. */
	if (survey_answers_parse(c->d, r->answers, &c->scratch, &ans, &e) == ERR_NOMEM)
		return ERR_NOMEM;
	if ((rc = survey_answers_tally(c->d, &ans, keep_item, c)) != 0)
		return rc;
	*items = c->items;
	*n = c->n;
	return 0;
}

struct coded_ctx {
	const struct crosstab_codes *m;
	struct crosstab *x;
};

static int
count_coded(void *arg, const unsigned char *p, size_t n)
{
	struct coded_ctx *c = arg;

	return crosstab_add_coded(c->m, c->x, p, n);
}

struct walk_ctx {
	const struct survey_def *d;
	struct crosstab *x;
};

static int
count_answers(void *arg, const struct survey_response *r, const struct survey_answers *ans)
{
	struct walk_ctx *w = arg;

	crosstab_add(w->d, w->x, ans, r->channel, r->submitted_at);
	return 0;
}

int
survey_crosstab_count(struct store *s, int64_t survey_id, const struct survey_def *d,
    struct arena *a, struct crosstab *x)
{
	struct items_ctx items = { .d = d };
	struct crosstab_codes *m;
	struct coded_ctx coded;
	struct walk_ctx walk = { d, x };
	int rc;

	arena_init(&items.scratch, NULL, 0);
	rc = store_survey_coded_fill(s, survey_id, items_of, &items);
	arena_free(&items.scratch);
	if (rc != 0)
		return rc;
	rc = crosstab_codes_init(d, x, a, &m);
	if (rc == ERR_CONFLICT)
		return survey_report_walk(s, survey_id, d, count_answers, &walk);
	if (rc != 0)
		return rc;
	coded.m = m;
	coded.x = x;
	return store_survey_coded(s, survey_id, count_coded, &coded);
}
