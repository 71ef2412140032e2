/*
 * survey_charts.h - a survey's results as pages show them: for each
 * question a bar chart drawn on the server as SVG (with its title and a
 * description that says the numbers) and the same numbers in a table,
 * small counts shown as "fewer than N" (suppress.h).  Shared by the public
 * results page and the staff results page.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_SURVEY_CHARTS_H
#define INVOLVE_WEB_SURVEY_CHARTS_H

#include <jansson.h>

#include "involve/http.h"
#include "involve/survey_results.h"

/*
 * Reads the survey's counts and lays them out for the template
 * partials/survey_results: {responses_text, questions: [{key, text, type,
 * answered_text, chart {width, height, bar_width, title, desc, rows
 * [...]}, table {head [...], rows [{label, cells [...]}]}, mean_text}]}.
 * below is the threshold (0: every count shown).  NULL on a store error
 * (*rc set) or when out of memory.
 */
json_t *survey_charts(struct http_request *req, const struct survey *sv,
    const struct survey_def *d, int64_t below, int *rc);

#endif
