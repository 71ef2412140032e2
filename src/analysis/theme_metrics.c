/*
 * theme_metrics.c - precision, recall and F1 of the theme classifier and
 * the sentiment's accuracy and mean absolute error.  See theme_metrics.h.
 */
#include <stdlib.h>

#include "involve/error.h"
#include "involve/theme_metrics.h"

int
theme_metrics_init(struct theme_metrics *m, int theme_n)
{
	*m = (struct theme_metrics){ 0 };
	m->theme_n = theme_n;
	m->themes = calloc(theme_n > 0 ? (size_t)theme_n : 1, sizeof(*m->themes));
	return m->themes ? 0 : ERR_NOMEM;
}

void
theme_metrics_free(struct theme_metrics *m)
{
	free(m->themes);
	m->themes = NULL;
}

void
theme_metrics_add(struct theme_metrics *m, const uint8_t *truth, const uint8_t *predicted,
    int sentiment, int predicted_sentiment)
{
	for (int t = 0; t < m->theme_n; t++) {
		m->themes[t].tp += truth[t] && predicted[t];
		m->themes[t].fp += !truth[t] && predicted[t];
		m->themes[t].fn += truth[t] && !predicted[t];
	}
	m->comments++;
	if (sentiment > 0) {
		int d = predicted_sentiment - sentiment;

		m->sentiment_n++;
		m->sentiment_right += d == 0;
		m->sentiment_abs_error += (size_t)(d < 0 ? -d : d);
	}
}

static double
ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 0;
}

struct theme_score
theme_metrics_score(const struct theme_counts *c)
{
	struct theme_score s;

	s.precision = ratio(c->tp, c->tp + c->fp);
	s.recall = ratio(c->tp, c->tp + c->fn);
	/* 2TP / (2TP + FP + FN), which is the harmonic mean when both exist */
	s.f1 = ratio(2 * c->tp, 2 * c->tp + c->fp + c->fn);
	s.support = c->tp + c->fn;
	return s;
}

struct theme_average
theme_metrics_micro(const struct theme_metrics *m)
{
	struct theme_counts sum = { 0 };
	struct theme_score s;

	for (int t = 0; t < m->theme_n; t++) {
		sum.tp += m->themes[t].tp;
		sum.fp += m->themes[t].fp;
		sum.fn += m->themes[t].fn;
	}
	s = theme_metrics_score(&sum);
	return (struct theme_average){ s.precision, s.recall, s.f1, m->theme_n };
}

struct theme_average
theme_metrics_macro(const struct theme_metrics *m)
{
	struct theme_average a = { 0 };

	for (int t = 0; t < m->theme_n; t++) {
		struct theme_score s = theme_metrics_score(&m->themes[t]);

		if (s.support == 0)
			continue;
		a.precision += s.precision;
		a.recall += s.recall;
		a.f1 += s.f1;
		a.themes++;
	}
	if (a.themes > 0) {
		a.precision /= a.themes;
		a.recall /= a.themes;
		a.f1 /= a.themes;
	}
	return a;
}

double
theme_metrics_accuracy(const struct theme_metrics *m)
{
	return ratio(m->sentiment_right, m->sentiment_n);
}

double
theme_metrics_mae(const struct theme_metrics *m)
{
	return ratio(m->sentiment_abs_error, m->sentiment_n);
}
