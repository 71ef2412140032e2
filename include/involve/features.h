/*
 * features.h - free text turned into numbers a linear model can weigh: the
 * feature pipeline of the theme and sentiment classifiers (theme_model.h).
 *
 * A comment is normalised (utf8proc: compatibility forms composed, case
 * folded, accents stripped), cut into words (runs of letters and digits; an
 * apostrophe inside a word is dropped, so "don't" and "dont" meet), each
 * word stemmed with the Snowball English stemmer (libstemmer), and four
 * kinds of feature counted:
 *   - word unigrams (stems),
 *   - word bigrams (two stems side by side),
 *   - character n-grams of FEATURES_CHAR_MIN..FEATURES_CHAR_MAX characters
 *     inside each normalised (unstemmed) word padded with a space each side,
 *     which carry misspellings and word forms the stemmer leaves apart (from
 *     4, not 3: on the NEAS comments trigrams cost a third of training's
 *     time and gave nothing once thresholds are tuned),
 *   - the comment's length in words, in one of six bands (1-2, 3-5, 6-10,
 *     11-20, 21-40, more), counted FEATURES_LENGTH_WEIGHT times: a short
 *     comment ("Very good service") is themed otherwise than a story using
 *     the same words, and no word says which it is (on the NEAS comments,
 *     over twelve 80/20 splits and 5 folds: micro F1 +0.005, macro +0.01).
 * Each feature is hashed (64-bit FNV-1a, mixed) into one of 2^bits buckets,
 * the kind of feature part of the hash.  What extract hands out is the
 * bucket counts; features_weigh makes them a model's input: buckets known
 * to the model only, sublinear term frequency (1 + ln tf) times the
 * model's inverse document frequency, scaled to unit length (L2).
 *
 * The hash is part of every model file: changing anything here that moves a
 * feature to another bucket needs a new model format version
 * (THEME_MODEL_VERSION).
 */
#ifndef INVOLVE_FEATURES_H
#define INVOLVE_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "involve/str.h"

#define FEATURES_BITS_MIN 12
#define FEATURES_BITS_MAX 24
#define FEATURES_BITS_DEFAULT 20
#define FEATURES_CHAR_MIN 4
#define FEATURES_CHAR_MAX 5
/* As if the length were said this many times: its weight beside a
 * comment's words (1 + ln 3 before its inverse document frequency). */
#define FEATURES_LENGTH_WEIGHT 3
/* Bytes of one comment considered: the rest is ignored (a comment is a few
 * sentences; this bounds the work one row can cause). */
#define FEATURES_TEXT_MAX (64 * 1024)
/* Bytes of one word: a longer run of letters is cut (no word is longer). */
#define FEATURES_WORD_MAX 64

/* One bucket and what it holds: a count from extract, a weight after
 * features_weigh (where bucket is then the model's feature index). */
struct feature {
	uint32_t bucket;
	float value;
};

/* A comment's features, sorted by bucket, each bucket once.  Grows as
 * needed; its owner frees it with features_vec_free. */
struct feature_vec {
	struct feature *v;
	size_t n;
	size_t cap;
};

struct features;

/*
 * A feature extractor for buckets of `bits` bits (FEATURES_BITS_MIN..MAX).
 * It holds a stemmer and scratch memory, so it belongs to one thread at a
 * time.  The caller frees it with features_free.  0, ERR_INVALID (bits out
 * of range) or ERR_NOMEM.
 */
int features_new(unsigned bits, struct features **out);
void features_free(struct features *f);
void features_vec_free(struct feature_vec *v);

/*
 * The bucket counts of text (UTF-8; invalid bytes are skipped) into *out,
 * replacing what it held.  0 or ERR_NOMEM.
 */
int features_extract(struct features *f, struct str text, struct feature_vec *out);

/*
 * Turns counts into a model's input in place: a bucket whose index[bucket]
 * is negative is dropped, the others become index[bucket] (which must keep
 * the order of buckets: a model's features are numbered in bucket order)
 * with value (1 + ln count) * idf[index], and the vector is scaled to unit
 * length.  An empty result stays empty.
 */
void features_weigh(struct feature_vec *v, const int32_t *index, const float *idf);

/* The words of text after normalising and stemming, separated by spaces,
 * into b: what the word features are made of (for tests and for people
 * asking why a comment was classified as it was).  0 or ERR_NOMEM. */
int features_words(struct features *f, struct str text, struct buf *b);

#endif
