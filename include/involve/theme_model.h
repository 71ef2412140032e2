/*
 * theme_model.h - the free-text classifiers: which themes a comment touches
 * (multi-label, one linear model per theme, one-vs-rest) and its sentiment
 * (1 very positive .. 5 very negative, one multi-class linear model), both
 * trained with liblinear on the features of features.h.
 *
 * Training: an L2-regularised linear support vector machine per theme
 * (liblinear's dual solver), the positives of a rare theme weighted up
 * (THEME_POS_WEIGHT_MAX at most); then, when tuning is asked for, each
 * theme's decision threshold is chosen by k-fold cross-validation on the
 * training rows alone (the F1 of the out-of-fold scores), pulled towards 0
 * for themes with few positives.  Themes with no positive in the training
 * rows are never predicted, save that a comment below every threshold is
 * given its nearest theme (every labelled comment has one at least).
 * Sentiment is trained on the rows that have one.
 *
 * The model file (theme_model_save, theme_model_load): explicit
 * little-endian, so a file moves between machines; versioned; and
 * checksummed with BLAKE2b (libsodium's crypto_generichash) over all that
 * comes before the checksum.  Layout, version 1:
 *     magic "INVTHEME" (8 bytes), u32 version, u32 hash bits,
 *     u32 feature_n, u32 theme_n, u32 class_n,
 *     theme_n x (u32 length, the name's UTF-8 bytes, f32 threshold),
 *     class_n x u32 sentiment label,
 *     feature_n x u32 bucket (strictly increasing), feature_n x f32 idf,
 *     (theme_n + class_n) x (feature_n + 1) f32 weights, the bias last,
 *     32 bytes of BLAKE2b-256.
 * f32 is IEEE 754 binary32.  A file that is shorter or longer than its
 * counts say, of another version, not a model, damaged (the checksum) or
 * holding a value out of range is refused with a sentence saying which.
 */
#ifndef INVOLVE_THEME_MODEL_H
#define INVOLVE_THEME_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "involve/str.h"
#include "involve/theme_data.h"

#define THEME_MODEL_MAGIC "INVTHEME"
#define THEME_MODEL_VERSION 2
/* A model file's largest size, and its themes' (a theme is a CSV column). */
#define THEME_MODEL_FILE_MAX ((size_t)1 << 30)
#define THEME_MODEL_THEMES_MAX 1000
#define THEME_MODEL_NAME_MAX 1024
/* How much more a rare theme's positives weigh than its negatives, at most. */
#define THEME_POS_WEIGHT_MAX 8.0

struct theme_model;

struct theme_train_options {
	double c;         /* liblinear's C (0: the default, 0.2) */
	int min_df;       /* a feature is kept when in this many comments (0: 2) */
	unsigned bits;    /* hash bits (0: FEATURES_BITS_DEFAULT) */
	int tune_folds;   /* 0: thresholds 0; else folds of cross-validation */
	uint64_t seed;    /* of the folds' shuffle */
};

/* Training's time, tuning apart, in seconds: elapsed, and the process's
 * CPU time (which a busy machine changes less). */
struct theme_train_stats {
	double train_seconds, train_cpu_seconds;
	double tune_seconds, tune_cpu_seconds;
	size_t feature_n;
};

/*
 * Trains on rows[0..row_n) of d (all of them when rows is NULL).  The
 * caller owns *out (theme_model_free).  0, ERR_INVALID (no rows) or
 * ERR_NOMEM.
 */
int theme_model_train(const struct theme_data *d, const size_t *rows, size_t row_n,
    const struct theme_train_options *opt, struct theme_model **out,
    struct theme_train_stats *stats);
void theme_model_free(struct theme_model *m);

int theme_model_theme_n(const struct theme_model *m);
const char *theme_model_theme_name(const struct theme_model *m, int t);

/* The work of classifying, for one thread: an extractor and its vectors. */
struct theme_classifier;
int theme_classifier_new(const struct theme_model *m, struct theme_classifier **out);
void theme_classifier_free(struct theme_classifier *c);
/* The model c classifies with. */
const struct theme_model *theme_classifier_model(const struct theme_classifier *c);

/*
 * Classifies text: themes[0..theme_n) set to 0 or 1, *sentiment to 1..5
 * (0 when the model has no sentiment).  When scores is not NULL, each
 * theme's decision value less its threshold is written there too.  0 or
 * ERR_NOMEM.
 */
int theme_classify(struct theme_classifier *c, struct str text, uint8_t *themes,
    int *sentiment, float *scores);

/*
 * Writes m to path (through a temporary file, synced and renamed: the
 * file is whole or not there).  0, or ERR_IO/ERR_NOMEM with the reason
 * in msg.
 */
int theme_model_save(const struct theme_model *m, const char *path, char *msg, size_t msg_size);
/*
 * The model in the bytes of a file.  The caller owns *out.  0, or
 * ERR_INVALID with a sentence in msg (not a model, another version,
 * truncated, damaged), or ERR_NOMEM.
 */
int theme_model_parse(const unsigned char *p, size_t n, struct theme_model **out, char *msg,
    size_t msg_size);
/* theme_model_parse of the file at path; ERR_IO when it cannot be read. */
int theme_model_load(const char *path, struct theme_model **out, char *msg, size_t msg_size);

#endif
