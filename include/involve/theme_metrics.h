/*
 * theme_metrics.h - how well the classifiers did: per theme, precision,
 * recall, F1 and support; their micro and macro averages; sentiment's
 * accuracy and mean absolute error.
 *
 * Counts are added comment by comment (theme_metrics_add) and may be added
 * over several folds before the scores are computed, so cross-validation
 * reports the pooled counts of every fold.  A score whose denominator is 0
 * (no comment predicted, or none labelled, with the theme) is 0.  The macro
 * average is over the themes with at least one positive in what was
 * evaluated, and says how many those are.
 */
#ifndef INVOLVE_THEME_METRICS_H
#define INVOLVE_THEME_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct theme_counts {
	size_t tp, fp, fn;
};

struct theme_score {
	double precision, recall, f1;
	size_t support; /* positives labelled */
};

struct theme_average {
	double precision, recall, f1;
	int themes; /* themes averaged over (macro); all of them (micro) */
};

struct theme_metrics {
	int theme_n;
	struct theme_counts *themes; /* theme_n */
	size_t comments;
	size_t sentiment_n;          /* comments with a labelled sentiment */
	size_t sentiment_right;
	size_t sentiment_abs_error;  /* the sum of |predicted - labelled| */
};

/* Counts for theme_n themes, all 0.  0 or ERR_NOMEM; the caller frees it
 * with theme_metrics_free. */
int theme_metrics_init(struct theme_metrics *m, int theme_n);
void theme_metrics_free(struct theme_metrics *m);

/* One comment: its labelled and predicted themes (0/1 each), its labelled
 * sentiment (0: none) and the predicted one. */
void theme_metrics_add(struct theme_metrics *m, const uint8_t *truth, const uint8_t *predicted,
    int sentiment, int predicted_sentiment);

struct theme_score theme_metrics_score(const struct theme_counts *c);
struct theme_average theme_metrics_micro(const struct theme_metrics *m);
struct theme_average theme_metrics_macro(const struct theme_metrics *m);
/* Sentiment's share right and mean absolute error; 0 when none labelled. */
double theme_metrics_accuracy(const struct theme_metrics *m);
double theme_metrics_mae(const struct theme_metrics *m);

#endif
