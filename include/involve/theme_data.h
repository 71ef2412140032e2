/*
 * theme_data.h - a file of free-text comments for the theme and sentiment
 * classifiers, read from CSV (csv.h) in the layout of NHS England's
 * labelled feedback (pxtextmining's framework version 6):
 *   - `Comment ID`: the row's name, written back by `themes predict`;
 *   - `FFT answer`: the comment, the only column features are made of;
 *   - `Comment sentiment`: 1 (very positive) to 5 (very negative), or empty;
 *   - every column after `Comment sentiment`: one theme, `1` where it applies,
 *     empty or `0` where not.
 * Other columns (trust, dates, the rating) may be there and are never read.
 *
 * A row with no usable comment (empty, "Did not answer", "nan", "n/a",
 * "-") is skipped and counted.  Every row must have as many fields as the
 * header: a missing or extra field is an error at its row, as is a theme
 * cell or a sentiment that is not one of the values above.
 */
#ifndef INVOLVE_THEME_DATA_H
#define INVOLVE_THEME_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/str.h"

#define THEME_COL_ID "Comment ID"
#define THEME_COL_TEXT "FFT answer"
#define THEME_COL_SENTIMENT "Comment sentiment"
/* Rows (comments) in one file. */
#define THEME_DATA_ROWS_MAX 10000000
/* Sentiment is 1..THEME_SENTIMENT_MAX; 0 means none was given. */
#define THEME_SENTIMENT_MAX 5

enum theme_data_need {
	THEME_DATA_TEXT,     /* ids and comments only (to classify) */
	THEME_DATA_LABELLED, /* and sentiment and themes (to train or evaluate) */
};

struct theme_data {
	int theme_n;
	char **theme_names; /* theme_n names, as the header has them */
	size_t row_n;       /* rows with a usable comment */
	size_t skipped;     /* rows without one */
	char **ids;         /* row_n ids */
	char **texts;       /* row_n comments */
	uint8_t *sentiment; /* row_n values, 0 for none (LABELLED only) */
	uint8_t *labels;    /* row_n * theme_n 0/1 (LABELLED only) */
};

/*
 * Reads the CSV in data into *d, which the caller frees with
 * theme_data_free (also after a failure).  0; ERR_INVALID with a sentence
 * for a person in msg (which row, which column, what is wrong); or
 * ERR_NOMEM.
 */
int theme_data_read(struct str data, enum theme_data_need need, struct theme_data *d,
    char *msg, size_t msg_size);
void theme_data_free(struct theme_data *d);

/* Whether a comment counts as one: not empty, not a "did not answer". */
bool theme_comment_is_usable(struct str text);

#endif
