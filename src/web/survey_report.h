/*
 * survey_report.h - a survey's results and its responses as files, the
 * same for the JSON API (handlers_api_surveys.c) and the staff pages
 * (handlers_staff_survey_responses.c): the counts the store keeps laid out
 * against the definition, and every submitted response walked once for an
 * export or a cross-tabulation.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_SURVEY_REPORT_H
#define INVOLVE_WEB_SURVEY_REPORT_H

#include <jansson.h>

#include "involve/http.h"
#include "involve/store_survey.h"
#include "involve/survey_results.h"

/* The survey's results from its counts (store_survey_tally), into a. */
int survey_report_results(struct store *s, struct arena *a, const struct survey_def *d,
    int64_t survey_id, struct survey_results *out);

/*
 * The results per question (information text left out), as the API gives
 * them: [{key, type, text, answered, options [{id, value, label, count,
 * percent}], mean, rows [{value, label, answered, options}]}] (docs/api.md,
 * "Surveys").  New reference.
 */
json_t *survey_report_questions(const struct survey_def *d, const struct survey_results *r);

/* Called once per submitted response, in id order, with its answers read
 * against d (what still fits of answers kept under an earlier version);
 * both live only during the call.  Non-zero stops the walk. */
typedef int (*survey_report_fn)(void *arg, const struct survey_response *r,
    const struct survey_answers *ans);
int survey_report_walk(struct store *s, int64_t survey_id, const struct survey_def *d,
    survey_report_fn fn, void *arg);

enum survey_report_format { SURVEY_REPORT_CSV, SURVEY_REPORT_JSON };
/* "csv", "json": the names the export's format= takes, NULL-terminated. */
extern const char *const survey_report_format_names[];

/*
 * Every submitted response of sv as a file to download (survey_export.h)
 * into res: 200 with the file, or the error.  Returns HTTP_DONE.
 */
int survey_report_export(struct http_request *req, struct http_response *res,
    const struct survey *sv, const struct survey_def *d, enum survey_report_format format);

#endif
