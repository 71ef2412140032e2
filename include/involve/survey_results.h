/*
 * survey_results.h - a survey's results, from the counts the store keeps
 * (survey_answers_tally's items, summed), and cross-tabulations of one
 * question by another.
 *
 * The counts come in as rows of (question, row, value, n, total) and are
 * laid out here against the definition: per question the number who
 * answered, per option how many chose it, per grid row and option, per
 * rating point, and the sums that give means.  Counts for options that a
 * later version no longer has are kept out; nothing here reads a
 * response.
 */
#ifndef INVOLVE_SURVEY_RESULTS_H
#define INVOLVE_SURVEY_RESULTS_H

#include <stdint.h>

#include "involve/arena.h"
#include "involve/survey.h"
#include "involve/survey_answers.h"

struct survey_qresult {
	int64_t answered;
	double total;        /* number, rating: the sum of answers */
	int64_t *options;    /* per option: chosen (ranking: ranked) */
	double *rank_total;  /* ranking, per option: the sum of its ranks */
	int64_t *grid;       /* grid: [row * option_n + option] */
	int64_t *rows;       /* grid: per row, answered */
	int points;          /* rating: max - min + 1 */
	int64_t *ratings;    /* rating: per point, from min */
};

struct survey_results {
	int64_t responses;
	int question_n;
	struct survey_qresult *q;
};

int survey_results_init(const struct survey_def *d, struct arena *a, struct survey_results *out);
/* Adds one summed count (a store row). */
void survey_results_add(const struct survey_def *d, struct survey_results *r,
    const struct survey_tally_item *it);

/*
 * What published results must hide (suppress.h), question by question:
 * everything when fewer than `below` responded or answered it; else the
 * option (rating point, grid cell) counts under it, and with them, where
 * the counts add up to a total shown beside them (one answer each: single,
 * likert, fft, rating, each row of a grid), enough others that none can be
 * worked out.  Multiple choice and ranking counts add up to no total, so
 * only their small counts are hidden.
 */
struct survey_qhidden {
	bool all;            /* the question's counts, its total and mean */
	bool *options;       /* per option (ratings: per point) */
	bool *grid;          /* grid: [row * option_n + option] */
};
struct survey_hidden {
	bool responses;      /* the number of responses */
	struct survey_qhidden *q;
};
int survey_results_suppress(const struct survey_def *d, const struct survey_results *r,
    int64_t below, struct arena *a, struct survey_hidden *out);

/*
 * What a cross-tabulation counts on each side: a question with a fixed
 * set of answers (single, likert, fft, multiple, rating), the channel, or
 * the week a response was submitted (ISO 8601 weeks, "2026-W49", from the
 * survey's creation to now: every week, those with no responses too).
 * A multiple-choice answer counts once under each option chosen.
 */
enum crosstab_kind { CROSSTAB_QUESTION, CROSSTAB_CHANNEL, CROSSTAB_WEEK };
struct crosstab_axis {
	enum crosstab_kind kind;
	int question;
	int value_n;
	int64_t first_week;   /* week: the Monday (UTC) the first value starts */
};
#define CROSSTAB_WEEKS_MAX 520

/* The axis a crosstab's row= or col= names ("q3", "channel", "week"),
 * with weeks from `from` to `to`; or ERR_INVALID with an error on field. */
int crosstab_axis_of(const struct survey_def *d, struct str name, const char *field,
    int64_t from, int64_t to, struct crosstab_axis *out, struct errors *e);

/* Whether two axes count the same thing (a cross-tab of a thing by
 * itself, which says nothing). */
bool crosstab_axis_same(const struct crosstab_axis *a, const struct crosstab_axis *b);

struct crosstab {
	struct crosstab_axis row, col;
	int64_t *cells;       /* [r * col.value_n + c] */
};
/* Cells for x's two axes, from a, all zero. */
int crosstab_init(struct crosstab *x, struct arena *a);
/* Counts one response. */
void crosstab_add(const struct survey_def *d, struct crosstab *x,
    const struct survey_answers *ans, enum survey_channel channel, int64_t submitted_at);
/* The i-th value of an axis as exports write it (an option's value, a
 * rating point, "paper", "2026-W49"), into b. */
void crosstab_value(const struct survey_def *d, const struct crosstab_axis *ax, int i,
    struct buf *b);

#endif
