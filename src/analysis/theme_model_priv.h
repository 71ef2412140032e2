/*
 * theme_model_priv.h - the inside of a theme model, shared by training and
 * classifying (theme_model.c) and its file (model_file.c) only.
 */
#ifndef INVOLVE_THEME_MODEL_PRIV_H
#define INVOLVE_THEME_MODEL_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "involve/theme_data.h"

struct theme_model {
	unsigned bits;       /* hash bits of the features */
	uint32_t feature_n;  /* features kept (buckets seen in enough comments) */
	int theme_n;
	int class_n;         /* sentiment values the model chooses between, 0..5 */
	char **names;        /* theme_n names */
	float *thresholds;   /* theme_n decision thresholds */
	uint32_t labels[THEME_SENTIMENT_MAX]; /* the sentiment of each class */
	uint32_t *buckets;   /* feature_n buckets, increasing */
	float *idf;          /* feature_n inverse document frequencies */
	int32_t *index;      /* 2^bits: a bucket's feature, or -1 */
	/* (feature_n + 1) rows of `stride` weights, feature by feature, the bias
	 * row last: the themes' columns, then the sentiment classes'.  Row by
	 * feature so that classifying reads each of a comment's features' rows
	 * once. */
	float *w;
	size_t stride;
};

/* Allocates m's arrays for its counts (stride: theme_n + class_n). */
int theme_model_alloc(struct theme_model *m);
/* Fills m->index from m->buckets. */
void theme_model_index(struct theme_model *m);

#endif
