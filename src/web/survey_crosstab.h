/*
 * survey_crosstab.h - a cross-tabulation of a survey's responses, counted
 * from their coded fixed answers (survey_coded.h, store_survey_coded), for
 * the JSON API and the staff pages alike.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_SURVEY_CROSSTAB_H
#define INVOLVE_WEB_SURVEY_CROSSTAB_H

#include "involve/store_survey.h"
#include "involve/survey_results.h"

/*
 * Counts every submitted response of the survey into x's cells (its axes
 * set and its cells zeroed: crosstab_init), reading d's codes; scratch in
 * a.  Responses kept before coding are coded first, once.  In the rare
 * survey two of whose items share a code, counts from the answers
 * instead.  0 or an error of the store's.
 */
int survey_crosstab_count(struct store *s, int64_t survey_id, const struct survey_def *d,
    struct arena *a, struct crosstab *x);

#endif
