/* Tests for theme_metrics.c on cases small enough to work out by hand. */
#include <criterion/criterion.h>

#include "involve/theme_metrics.h"

Test(theme_metrics, hand_computed)
{
	/* Two themes, three comments.
	 * theme 0: truth 1 1 0, predicted 1 0 1: TP 1, FP 1, FN 1.
	 * theme 1: truth 0 0 0, predicted 0 1 0: FP 1, no positive. */
	static const uint8_t truth[3][2] = { { 1, 0 }, { 1, 0 }, { 0, 0 } };
	static const uint8_t pred[3][2] = { { 1, 0 }, { 0, 1 }, { 1, 0 } };
	struct theme_metrics m;
	struct theme_score s;
	struct theme_average mi, ma;

	cr_assert_eq(theme_metrics_init(&m, 2), 0);
	theme_metrics_add(&m, truth[0], pred[0], 1, 1); /* right */
	theme_metrics_add(&m, truth[1], pred[1], 5, 3); /* two out */
	theme_metrics_add(&m, truth[2], pred[2], 0, 2); /* no sentiment: not counted */
	s = theme_metrics_score(&m.themes[0]);
	cr_assert_float_eq(s.precision, 0.5, 1e-12);
	cr_assert_float_eq(s.recall, 0.5, 1e-12);
	cr_assert_float_eq(s.f1, 0.5, 1e-12);
	cr_assert_eq(s.support, 2);
	s = theme_metrics_score(&m.themes[1]);
	cr_assert_eq(s.support, 0);
	cr_assert_float_eq(s.precision, 0.0, 1e-12);
	cr_assert_float_eq(s.f1, 0.0, 1e-12);
	/* micro: TP 1, FP 2, FN 1 */
	mi = theme_metrics_micro(&m);
	cr_assert_float_eq(mi.precision, 1.0 / 3, 1e-12);
	cr_assert_float_eq(mi.recall, 0.5, 1e-12);
	cr_assert_float_eq(mi.f1, 0.4, 1e-12);
	/* macro: theme 1 has no positive and is left out */
	ma = theme_metrics_macro(&m);
	cr_assert_eq(ma.themes, 1);
	cr_assert_float_eq(ma.f1, 0.5, 1e-12);
	cr_assert_eq(m.comments, 3);
	cr_assert_eq(m.sentiment_n, 2);
	cr_assert_float_eq(theme_metrics_accuracy(&m), 0.5, 1e-12);
	cr_assert_float_eq(theme_metrics_mae(&m), 1.0, 1e-12);
	theme_metrics_free(&m);
}

Test(theme_metrics, macro_averages_per_theme_f1)
{
	/* theme 0 perfect (F1 1), theme 1 all missed (F1 0): macro 0.5, and
	 * micro from the pooled counts TP 1, FN 1: F1 2/3. */
	static const uint8_t truth[2] = { 1, 1 }, pred[2] = { 1, 0 };
	struct theme_metrics m;

	cr_assert_eq(theme_metrics_init(&m, 2), 0);
	theme_metrics_add(&m, truth, pred, 0, 0);
	cr_assert_eq(theme_metrics_macro(&m).themes, 2);
	cr_assert_float_eq(theme_metrics_macro(&m).f1, 0.5, 1e-12);
	cr_assert_float_eq(theme_metrics_micro(&m).f1, 2.0 / 3, 1e-12);
	cr_assert_float_eq(theme_metrics_accuracy(&m), 0.0, 1e-12);
	theme_metrics_free(&m);
}
