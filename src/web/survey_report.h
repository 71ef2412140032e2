/*
 * survey_report.h - a survey's responses walked once, and its files sent
 * as replies, the same for the JSON API (handlers_api_surveys.c), the
 * staff pages (handlers_staff_survey_responses.c) and the public results
 * page (handlers_have_your_say.c); the files themselves are survey_file.h.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_SURVEY_REPORT_H
#define INVOLVE_WEB_SURVEY_REPORT_H

#include "involve/http.h"
#include "involve/store_survey.h"
#include "involve/survey_file.h"
#include "involve/survey_results.h"

/* Called once per submitted response, in id order, with its answers read
 * against d (what still fits of answers kept under an earlier version);
 * both live only during the call.  Non-zero stops the walk. */
typedef int (*survey_report_fn)(void *arg, const struct survey_response *r,
    const struct survey_answers *ans);
int survey_report_walk(struct store *s, int64_t survey_id, const struct survey_def *d,
    survey_report_fn fn, void *arg);

/*
 * Every submitted response of sv as a file to download (survey_file.h)
 * into res: 200 with the file streamed as it is made, or the error (an
 * XLSX workbook too large for a sheet is 422).  Returns HTTP_DONE.
 */
int survey_report_export(struct http_request *req, struct http_response *res,
    const struct survey *sv, enum survey_file_format format);

/*
 * The results of sv as open data (survey_file_open_data), always with
 * counts under `below` hidden, into res: 200 with the CSV file, or the
 * error.  Who may have it is the caller's to decide.  Returns HTTP_DONE.
 */
int survey_report_open_data(struct http_request *req, struct http_response *res,
    const struct survey *sv, const struct survey_def *d, int64_t below);

#endif
