/*
 * cmd_themes.c - `involve themes`: the free-text classifiers from the
 * command line.  train reads a labelled CSV file of comments (theme_data.h)
 * and writes a model file; predict classifies a file's comments with a
 * model and writes their themes and sentiment as CSV; evaluate scores a
 * model on labelled comments, or trains and scores on a split of one file
 * (a held-out part, or k folds), and prints the scores or JSON; flag
 * lists the identifying details each comment holds (pii.h).
 *
 * The work is the analysis layer's (features.h, theme_model.h,
 * theme_metrics.h); this file reads options and files and writes results.
 * Needs no data directory or database.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "involve/csv.h"
#include "involve/num.h"
#include "involve/pii.h"
#include "involve/text.h"
#include "involve/theme_data.h"
#include "involve/theme_metrics.h"
#include "involve/theme_model.h"
#include "cli.h"

/* The largest CSV file read (it is held in memory whole). */
#define THEMES_CSV_MAX ((size_t)1 << 30)
#define THEMES_FOLDS_MAX 20
#define THEMES_TUNE_FOLDS_DEFAULT 5
#define THEMES_SEED_DEFAULT 2026

static const char themes_help[] =
    "Usage: involve themes train --data CSV --model FILE [--tune-folds K] [--seed N]\n"
    "       involve themes predict --model FILE --data CSV --output CSV\n"
    "       involve themes evaluate --model FILE --data CSV [--json]\n"
    "       involve themes evaluate --data CSV --split FRACTION [--seed N] [--json]\n"
    "       involve themes evaluate --data CSV --folds K [--seed N] [--json]\n"
    "       involve themes flag --data CSV --output CSV\n"
    "       involve themes export --org SLUG --output CSV [--all]\n\n"
    "Classifies free-text comments by theme (several may apply) and sentiment\n"
    "(1 very positive .. 5 very negative).  The CSV files are laid out as NHS\n"
    "England's labelled feedback: the comment in 'FFT answer', its name in\n"
    "'Comment ID', the sentiment in 'Comment sentiment' and every column after it\n"
    "a theme, 1 where it applies.  Rows with no usable comment (empty, \"Did not\n"
    "answer\", \"nan\") are skipped and counted.  No other column is read.\n\n"
    "train learns a model from a labelled file and writes it to FILE; each theme's\n"
    "threshold is tuned by K-fold cross-validation on the same file (default 5;\n"
    "0 leaves every threshold at 0).  Tuning's time is reported apart.\n"
    "predict writes 'Comment ID', the predicted 'Comment sentiment' and a 0/1\n"
    "column per theme of the model for each comment of the file; the file needs\n"
    "only 'Comment ID' and 'FFT answer'.\n"
    "evaluate prints each theme's precision, recall, F1 and support, their micro\n"
    "and macro averages (macro over the themes with a positive in what was\n"
    "scored), and the sentiment's accuracy and mean absolute error: of a model\n"
    "on a labelled file; or of a model trained on FRACTION of the file (shuffled\n"
    "with seed N, default 2026) and scored on the rest; or over K folds, each\n"
    "scored by a model trained on the others, the counts of all added up.\n"
    "flag writes 'Comment ID' and 'Identifying details' for each comment of the\n"
    "file: the kinds it holds (name, phone, email, nhs_number, postcode,\n"
    "birth_date), separated by ';', or nothing; such comments are held back from\n"
    "anything public until someone has read them.  It needs no model.\n"
    "export writes an organisation's survey comments as staff reviewed them, in\n"
    "this format, to train from (involve themes export --help).\n\n"
    "  --data CSV          the comments\n"
    "  --model FILE        the model file\n"
    "  --output CSV        where predict and flag write\n"
    "  --tune-folds K      folds for tuning thresholds (0, or 2 to 20)\n"
    "  --split FRACTION    the share trained on, between 0 and 1 (e.g. 0.8)\n"
    "  --folds K           folds of cross-validation (2 to 20)\n"
    "  --seed N            the seed of the shuffle (a whole number)\n"
    "  --json              evaluate's scores as JSON\n";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the CSV file at path into d.  Prints what is wrong. */
static int
read_data(const char *path, enum theme_data_need need, struct buf *text, struct theme_data *d)
{
	char msg[512];
	size_t bad, line, i;
	int rc;

	memset(d, 0, sizeof(*d)); /* the caller frees it, whatever happens here */
	if (cli_read_file("themes", path, THEMES_CSV_MAX, text) != CLI_OK)
		return CLI_FAIL;
	/* Comments are read, and a model's words learned, only from text known
	 * for what it is: a file in another encoding is refused, not guessed. */
	bad = text_utf8_prefix((struct str){ text->p ? text->p : "", text->n });
	if (bad < text->n) {
		for (line = 1, i = 0; i < bad; i++)
			line += text->p[i] == '\n';
		fprintf(stderr, "involve: themes: %s: line %zu: byte 0x%02x is not UTF-8: save the "
		    "file as \"CSV UTF-8\" and try again\n", path, line,
		    (unsigned char)text->p[bad]);
		return CLI_FAIL;
	}
	rc = theme_data_read((struct str){ text->p ? text->p : "", text->n }, need, d, msg,
	    sizeof(msg));
	if (rc != 0) {
		fprintf(stderr, "involve: themes: %s: %s\n", path,
		    rc == ERR_NOMEM ? "out of memory" : msg);
		return CLI_FAIL;
	}
	if (d->row_n == 0) {
		fprintf(stderr, "involve: themes: %s has no usable comment (%zu rows without one)\n",
		    path, d->skipped);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int
load_model(const char *path, struct theme_model **m)
{
	char msg[512];
	int rc = theme_model_load(path, m, msg, sizeof(msg));

	if (rc != 0) {
		fprintf(stderr, "involve: themes: %s: %s\n", path,
		    rc == ERR_NOMEM ? "out of memory" : msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* A whole number of at most max from an option; false when it is not. */
static bool
parse_count(const char *s, long long max, long long *out)
{
	int64_t v;

	if (strcmp(s, "0") == 0) {
		*out = 0;
		return true;
	}
	if (num_id(str_c(s), &v) != 0 || v > max)
		return false;
	*out = v;
	return true;
}

/* ---- train -------------------------------------------------------------------------- */

static int
themes_train(const char *data, const char *model, int tune_folds, uint64_t seed)
{
	struct theme_train_options opt = { .tune_folds = tune_folds, .seed = seed };
	struct theme_train_stats st;
	struct theme_model *m = NULL;
	struct theme_data d;
	struct buf text = BUF_INIT;
	char msg[512];
	int rc = CLI_FAIL, with_positives = 0;

	if (read_data(data, THEME_DATA_LABELLED, &text, &d) != CLI_OK)
		goto out;
	buf_free(&text);
	if (theme_model_train(&d, NULL, 0, &opt, &m, &st) != 0) {
		fprintf(stderr, "involve: themes: out of memory\n");
		goto out;
	}
	if (theme_model_save(m, model, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "involve: themes: %s\n", msg);
		goto out;
	}
	for (int t = 0; t < d.theme_n; t++)
		for (size_t i = 0; i < d.row_n; i++)
			if (d.labels[i * (size_t)d.theme_n + (size_t)t]) {
				with_positives++;
				break;
			}
	printf("Trained on %zu comments (%zu rows skipped: no usable comment), %d themes "
	    "(%d with a positive), %zu features.\n", d.row_n, d.skipped, d.theme_n,
	    with_positives, st.feature_n);
	printf("Training took %.3f s (CPU %.3f s)", st.train_seconds, st.train_cpu_seconds);
	if (tune_folds > 0)
		printf("; tuning the thresholds (%d folds) %.3f s more (CPU %.3f s)", tune_folds,
		    st.tune_seconds, st.tune_cpu_seconds);
	printf(".\nModel written to %s.\n", model);
	rc = CLI_OK;
out:
	buf_free(&text);
	theme_data_free(&d);
	theme_model_free(m);
	return rc;
}

/* ---- predict ------------------------------------------------------------------------ */

static int
themes_predict(const char *model, const char *data, const char *output)
{
	struct theme_classifier *c = NULL;
	struct theme_model *m = NULL;
	struct theme_data d = { 0 };
	struct buf text = BUF_INIT, out = BUF_INIT;
	uint8_t *themes = NULL;
	int rc = CLI_FAIL, theme_n, sentiment;
	double start, cpu_start;

	if (load_model(model, &m) != CLI_OK || read_data(data, THEME_DATA_TEXT, &text, &d) !=
	    CLI_OK)
		goto out;
	theme_n = theme_model_theme_n(m);
	if (theme_classifier_new(m, &c) != 0 || (themes = malloc((size_t)theme_n)) == NULL) {
		fprintf(stderr, "involve: themes: out of memory\n");
		goto out;
	}
	buf_add_csv_cell(&out, str_c(THEME_COL_ID));
	buf_addch(&out, ',');
	buf_add_csv_cell(&out, str_c(THEME_COL_SENTIMENT));
	for (int t = 0; t < theme_n; t++) {
		buf_addch(&out, ',');
		buf_add_csv_cell(&out, str_c(theme_model_theme_name(m, t)));
	}
	buf_add(&out, "\r\n", 2);
	start = now();
	cpu_start = cpu_now();
	for (size_t i = 0; i < d.row_n; i++) {
		if (theme_classify(c, str_c(d.texts[i]), themes, &sentiment, NULL) != 0) {
			fprintf(stderr, "involve: themes: out of memory\n");
			goto out;
		}
		buf_add_csv_cell(&out, str_c(d.ids[i]));
		if (sentiment > 0)
			buf_printf(&out, ",%d", sentiment);
		else
			buf_addch(&out, ',');
		for (int t = 0; t < theme_n; t++)
			buf_add(&out, themes[t] ? ",1" : ",0", 2);
		buf_add(&out, "\r\n", 2);
	}
	if (!buf_ok(&out)) {
		fprintf(stderr, "involve: themes: out of memory\n");
		goto out;
	}
	fprintf(stderr, "involve: themes: %zu comments classified in %.3f s (CPU %.3f s; %zu rows "
	    "skipped: no usable comment)\n", d.row_n, now() - start, cpu_now() - cpu_start,
	    d.skipped);
	rc = cli_write_file("themes", output, &out);
out:
	free(themes);
	theme_classifier_free(c);
	theme_model_free(m);
	theme_data_free(&d);
	buf_free(&text);
	buf_free(&out);
	return rc;
}

/* ---- flag -------------------------------------------------------------------------- */

static int
themes_flag(const char *data, const char *output)
{
	struct theme_data d = { 0 };
	struct buf text = BUF_INIT, out = BUF_INIT;
	size_t by_kind[PII_KIND_N] = { 0 }, flagged = 0;
	unsigned kinds;
	int rc = CLI_FAIL, k, n;

	if (read_data(data, THEME_DATA_TEXT, &text, &d) != CLI_OK)
		goto out;
	buf_add_csv_cell(&out, str_c(THEME_COL_ID));
	buf_add_c(&out, ",\"Identifying details\"\r\n");
	for (size_t i = 0; i < d.row_n; i++) {
		kinds = pii_kinds(str_c(d.texts[i]));
		buf_add_csv_cell(&out, str_c(d.ids[i]));
		buf_addch(&out, ',');
		for (k = 0, n = 0; k < PII_KIND_N; k++)
			if (kinds & 1u << k) {
				buf_printf(&out, "%s%s", n++ ? ";" : "", pii_kind_name(k));
				by_kind[k]++;
			}
		buf_add(&out, "\r\n", 2);
		flagged += kinds != 0;
	}
	if (!buf_ok(&out)) {
		fprintf(stderr, "involve: themes: out of memory\n");
		goto out;
	}
	fprintf(stderr, "involve: themes: %zu of %zu comments hold identifying details (%zu rows "
	    "skipped: no usable comment)", flagged, d.row_n, d.skipped);
	for (k = 0, n = 0; k < PII_KIND_N; k++)
		if (by_kind[k] > 0)
			fprintf(stderr, "%s%s %zu", n++ ? ", " : ": ", pii_kind_name(k), by_kind[k]);
	fputc('\n', stderr);
	rc = cli_write_file("themes", output, &out);
out:
	theme_data_free(&d);
	buf_free(&text);
	buf_free(&out);
	return rc;
}

/* ---- evaluate ----------------------------------------------------------------------- */

/* Which columns of the data are the model's themes: map[t] is the data's
 * column of the model's theme t.  Prints what is missing or extra. */
static int
match_themes(const struct theme_model *m, const struct theme_data *d, const char *path,
    int *map)
{
	for (int t = 0; t < theme_model_theme_n(m); t++) {
		map[t] = -1;
		for (int u = 0; u < d->theme_n; u++)
			if (strcmp(theme_model_theme_name(m, t), d->theme_names[u]) == 0)
				map[t] = u;
		if (map[t] < 0) {
			fprintf(stderr, "involve: themes: %s has no column for the model's theme "
			    "'%s'\n", path, theme_model_theme_name(m, t));
			return CLI_FAIL;
		}
	}
	if (d->theme_n != theme_model_theme_n(m)) {
		for (int u = 0; u < d->theme_n; u++) {
			int t;

			for (t = 0; t < theme_model_theme_n(m) && map[t] != u; t++)
				;
			if (t == theme_model_theme_n(m)) {
				fprintf(stderr, "involve: themes: %s has a theme column '%s' the model "
				    "does not know\n", path, d->theme_names[u]);
				return CLI_FAIL;
			}
		}
	}
	return CLI_OK;
}

/* Scores model m on rows[0..n) of d (all when rows is NULL), adding to mt. */
static int
score_rows(const struct theme_model *m, const struct theme_data *d, const int *map,
    const size_t *rows, size_t n, struct theme_metrics *mt, double *seconds)
{
	int theme_n = theme_model_theme_n(m), sentiment;
	struct theme_classifier *c = NULL;
	uint8_t *truth = malloc((size_t)theme_n + 1), *pred = malloc((size_t)theme_n + 1);
	int rc = ERR_NOMEM;
	double start = now();

	if (!truth || !pred || theme_classifier_new(m, &c) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t r = rows ? rows[i] : i;

		if (theme_classify(c, str_c(d->texts[r]), pred, &sentiment, NULL) != 0)
			goto out;
		for (int t = 0; t < theme_n; t++)
			truth[t] = d->labels[r * (size_t)d->theme_n + (size_t)(map ? map[t] : t)];
		theme_metrics_add(mt, truth, pred, d->sentiment[r], sentiment);
	}
	rc = 0;
out:
	*seconds += now() - start;
	theme_classifier_free(c);
	free(truth);
	free(pred);
	return rc;
}

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The rows of d shuffled with seed (Fisher-Yates). */
static size_t *
shuffled(size_t n, uint64_t seed)
{
	size_t *order = malloc((n ? n : 1) * sizeof(*order));

	if (order == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(splitmix(&seed) % i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	return order;
}

struct eval_run {
	const char *how;        /* "model", "split", "folds" */
	double train_seconds, tune_seconds, classify_seconds;
	size_t trained_on;      /* comments, per model (the last fold's) */
	size_t scored;
};

static void
print_text(const struct theme_metrics *mt, const struct theme_data *d, char *const *names,
    const struct eval_run *run)
{
	struct theme_average mi = theme_metrics_micro(mt), ma = theme_metrics_macro(mt);

	printf("%-58s %7s %9s %6s %6s\n", "Theme", "support", "precision", "recall", "F1");
	for (int t = 0; t < mt->theme_n; t++) {
		struct theme_score s = theme_metrics_score(&mt->themes[t]);

		printf("%-58.58s %7zu %9.3f %6.3f %6.3f\n", names[t], s.support, s.precision,
		    s.recall, s.f1);
	}
	printf("\nComments scored: %zu (%zu rows skipped: no usable comment)\n", mt->comments,
	    d->skipped);
	printf("Micro average:  precision %.3f  recall %.3f  F1 %.3f\n", mi.precision, mi.recall,
	    mi.f1);
	printf("Macro average:  precision %.3f  recall %.3f  F1 %.3f  (over the %d of %d themes "
	    "with a positive)\n", ma.precision, ma.recall, ma.f1, ma.themes, mt->theme_n);
	printf("Sentiment:      accuracy %.3f  mean absolute error %.3f  (%zu comments with one)\n",
	    theme_metrics_accuracy(mt), theme_metrics_mae(mt), mt->sentiment_n);
	if (strcmp(run->how, "model") != 0)
		printf("Training: %.3f s, tuning thresholds %.3f s, classifying %.3f s "
		    "(all %s together)\n", run->train_seconds, run->tune_seconds,
		    run->classify_seconds, strcmp(run->how, "split") == 0 ? "the split" :
		    "folds");
}

static json_t *
average_json(struct theme_average a, bool macro)
{
	json_t *o = json_pack("{s:f,s:f,s:f}", "precision", a.precision, "recall", a.recall,
	    "f1", a.f1);

	if (o && macro)
		json_object_set_new(o, "themes", json_integer(a.themes));
	return o;
}

static int
print_json(const struct theme_metrics *mt, const struct theme_data *d, char *const *names,
    const struct eval_run *run, double split, int folds, uint64_t seed)
{
	json_t *root = json_object(), *themes = json_array();
	char *text;

	if (root == NULL || themes == NULL)
		goto nomem;
	for (int t = 0; t < mt->theme_n; t++) {
		struct theme_score s = theme_metrics_score(&mt->themes[t]);

		json_array_append_new(themes, json_pack("{s:s,s:I,s:f,s:f,s:f}", "name", names[t],
		    "support", (json_int_t)s.support, "precision", s.precision, "recall",
		    s.recall, "f1", s.f1));
	}
	json_object_set_new(root, "evaluation", json_string(run->how));
	if (strcmp(run->how, "split") == 0)
		json_object_set_new(root, "split", json_real(split));
	if (strcmp(run->how, "folds") == 0)
		json_object_set_new(root, "folds", json_integer(folds));
	if (strcmp(run->how, "model") != 0) {
		json_object_set_new(root, "seed", json_integer((json_int_t)seed));
		json_object_set_new(root, "train_seconds", json_real(run->train_seconds));
		json_object_set_new(root, "tune_seconds", json_real(run->tune_seconds));
	}
	json_object_set_new(root, "classify_seconds", json_real(run->classify_seconds));
	json_object_set_new(root, "comments", json_integer((json_int_t)mt->comments));
	json_object_set_new(root, "skipped", json_integer((json_int_t)d->skipped));
	json_object_set_new(root, "themes", themes);
	json_object_set_new(root, "micro", average_json(theme_metrics_micro(mt), false));
	json_object_set_new(root, "macro", average_json(theme_metrics_macro(mt), true));
	json_object_set_new(root, "sentiment", json_pack("{s:I,s:f,s:f}", "comments",
	    (json_int_t)mt->sentiment_n, "accuracy", theme_metrics_accuracy(mt), "mae",
	    theme_metrics_mae(mt)));
	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		goto nomem;
	puts(text);
	free(text);
	json_decref(root);
	return CLI_OK;
nomem:
	json_decref(root);
	json_decref(themes);
	fprintf(stderr, "involve: themes: out of memory\n");
	return CLI_FAIL;
}

static int
themes_evaluate(const char *model, const char *data, double split, int folds, uint64_t seed,
    int tune_folds, bool as_json)
{
	struct theme_train_options opt = { .tune_folds = tune_folds, .seed = seed };
	struct eval_run run = { .how = model ? "model" : split > 0 ? "split" : "folds" };
	struct theme_metrics mt = { 0 };
	struct theme_model *m = NULL;
	struct theme_data d = { 0 };
	struct buf text = BUF_INIT;
	size_t *order = NULL, *train_rows = NULL, *test_rows = NULL;
	int *map = NULL, rc = CLI_FAIL;

	if (model && load_model(model, &m) != CLI_OK)
		goto out;
	if (read_data(data, THEME_DATA_LABELLED, &text, &d) != CLI_OK)
		goto out;
	buf_free(&text);
	if (model) {
		if ((map = malloc((size_t)theme_model_theme_n(m) * sizeof(*map))) == NULL)
			goto nomem;
		if (match_themes(m, &d, data, map) != CLI_OK)
			goto out;
		if (theme_metrics_init(&mt, theme_model_theme_n(m)) != 0 ||
		    score_rows(m, &d, map, NULL, d.row_n, &mt, &run.classify_seconds) != 0)
			goto nomem;
		{
			char **model_names = calloc((size_t)mt.theme_n + 1, sizeof(char *));

			if (model_names == NULL)
				goto nomem;
			for (int t = 0; t < mt.theme_n; t++)
				model_names[t] = (char *)theme_model_theme_name(m, t);
			rc = as_json ? print_json(&mt, &d, model_names, &run, 0, 0, seed) :
			    (print_text(&mt, &d, model_names, &run), CLI_OK);
			free(model_names);
		}
		goto out;
	}
	if (theme_metrics_init(&mt, d.theme_n) != 0 || (order = shuffled(d.row_n, seed)) == NULL ||
	    (train_rows = malloc(d.row_n * sizeof(size_t))) == NULL ||
	    (test_rows = malloc(d.row_n * sizeof(size_t))) == NULL)
		goto nomem;
	for (int fold = 0; fold < (split > 0 ? 1 : folds); fold++) {
		size_t train_n = 0, test_n = 0, cut = (size_t)floor(split * (double)d.row_n);
		struct theme_train_stats st;

		for (size_t i = 0; i < d.row_n; i++) {
			bool trains = split > 0 ? i < cut : (int)(i % (size_t)folds) != fold;

			if (trains)
				train_rows[train_n++] = order[i];
			else
				test_rows[test_n++] = order[i];
		}
		if (train_n == 0 || test_n == 0) {
			fprintf(stderr, "involve: themes: %s: %zu comments are too few to split\n",
			    data, d.row_n);
			goto out;
		}
		theme_model_free(m);
		m = NULL;
		if (theme_model_train(&d, train_rows, train_n, &opt, &m, &st) != 0)
			goto nomem;
		run.train_seconds += st.train_seconds;
		run.tune_seconds += st.tune_seconds;
		run.trained_on = train_n;
		if (score_rows(m, &d, NULL, test_rows, test_n, &mt, &run.classify_seconds) != 0)
			goto nomem;
	}
	rc = as_json ? print_json(&mt, &d, d.theme_names, &run, split, folds, seed) :
	    (print_text(&mt, &d, d.theme_names, &run), CLI_OK);
	goto out;
nomem:
	fprintf(stderr, "involve: themes: out of memory\n");
out:
	free(order);
	free(train_rows);
	free(test_rows);
	free(map);
	theme_metrics_free(&mt);
	theme_model_free(m);
	theme_data_free(&d);
	buf_free(&text);
	return rc;
}

/* ---- the command -------------------------------------------------------------------- */

int
cmd_themes(int argc, char **argv)
{
	const char *data = NULL, *model = NULL, *output = NULL, *split_s = NULL, *folds_s = NULL,
		   *seed_s = NULL, *tune_s = NULL, *json = NULL;
	const struct cli_opt opts[] = {
		{ "data", true, &data },
		{ "model", true, &model },
		{ "output", true, &output },
		{ "split", true, &split_s },
		{ "folds", true, &folds_s },
		{ "seed", true, &seed_s },
		{ "tune-folds", true, &tune_s },
		{ "json", false, &json },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	const char *action;
	long long seed = THEMES_SEED_DEFAULT, folds = 0, tune = THEMES_TUNE_FOLDS_DEFAULT;
	double split = 0;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(themes_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	if (strcmp(action, "export") == 0)
		return themes_export(argc, argv);
	if (strcmp(action, "train") != 0 && strcmp(action, "predict") != 0 &&
	    strcmp(action, "evaluate") != 0 && strcmp(action, "flag") != 0)
		return cli_usage_error("themes", "unknown action '%s': use train, predict, "
		    "evaluate, flag or export", action);
	cli_common_init(&common);
	rc = cli_parse("themes", themes_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (data == NULL)
		return cli_usage_error("themes", "%s needs --data CSV", action);
	if (seed_s && !parse_count(seed_s, INT64_MAX, &seed))
		return cli_usage_error("themes", "--seed must be a whole number");
	if (tune_s && (!parse_count(tune_s, THEMES_FOLDS_MAX, &tune) || tune == 1))
		return cli_usage_error("themes", "--tune-folds must be 0 or 2 to %d",
		    THEMES_FOLDS_MAX);
	if (folds_s && (!parse_count(folds_s, THEMES_FOLDS_MAX, &folds) || folds < 2))
		return cli_usage_error("themes", "--folds must be 2 to %d", THEMES_FOLDS_MAX);
	if (split_s) {
		char *end;

		errno = 0;
		split = strtod(split_s, &end);
		if (errno != 0 || end == split_s || *end != '\0' || !(split > 0 && split < 1))
			return cli_usage_error("themes", "--split must be a fraction between 0 and "
			    "1, such as 0.8");
	}
	if (strcmp(action, "train") == 0) {
		if (model == NULL)
			return cli_usage_error("themes", "train needs --data CSV and --model FILE");
		if (output || split_s || folds_s || json)
			return cli_usage_error("themes", "train takes --data, --model, "
			    "--tune-folds and --seed");
		return themes_train(data, model, (int)tune, (uint64_t)seed);
	}
	if (strcmp(action, "flag") == 0) {
		if (output == NULL)
			return cli_usage_error("themes", "flag needs --data CSV and --output CSV");
		if (model || split_s || folds_s || json || seed_s || tune_s)
			return cli_usage_error("themes", "flag takes --data and --output");
		return themes_flag(data, output);
	}
	if (strcmp(action, "predict") == 0) {
		if (model == NULL || output == NULL)
			return cli_usage_error("themes", "predict needs --model FILE, --data CSV "
			    "and --output CSV");
		if (split_s || folds_s || json || seed_s || tune_s)
			return cli_usage_error("themes", "predict takes --model, --data and "
			    "--output");
		return themes_predict(model, data, output);
	}
	if ((model != NULL) + (split_s != NULL) + (folds_s != NULL) != 1)
		return cli_usage_error("themes", "evaluate needs one of --model FILE, --split "
		    "FRACTION or --folds K");
	if (output)
		return cli_usage_error("themes", "evaluate prints its scores: it takes no --output");
	return themes_evaluate(model, data, split, (int)folds, (uint64_t)seed, (int)tune,
	    json != NULL);
}
