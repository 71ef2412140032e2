/*
 * survey_form.h - a survey's pages as HTML forms: each question as the
 * context of its NHS.UK component (partials/survey_question), the form
 * fields read back into answers, and the check-your-answers summary.
 *
 * Field names, so that a page works without JavaScript:
 *   KEY               one answer (radios, a text box) or several (checkboxes)
 *   KEY.other         the text of an "Other, please say" option
 *   KEY.rN            a grid's row N (from 0): the option chosen
 *   KEY.oN            a ranking's option N: the rank given to it
 *   KEY-day, KEY-month, KEY-year   a date
 * The first input of each question has the id KEY, so an error summary's
 * link (#KEY) leads to it.
 *
 * Which questions a page shows: those whose condition holds on the answers
 * so far, and those whose condition depends on another answer on the same
 * page (without JavaScript the page cannot change as it is filled in; the
 * answers their condition rules out are dropped when the page is sent).
 *
 * Staff see the whole survey on one page, every question whatever its
 * condition: keying in a response that came on paper (which showed them
 * all), correcting one, and a preview.  There the skip logic is applied
 * when the form is sent: an answer to a question the path passed over is
 * refused, not dropped, as the API refuses it.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_SURVEY_FORM_H
#define INVOLVE_WEB_SURVEY_FORM_H

#include <jansson.h>
#include <stdbool.h>

#include "involve/http.h"
#include "involve/survey.h"
#include "involve/survey_answers.h"

/* Whether page `page` shows question q given ans (see above). */
bool survey_form_shows(const struct survey_def *d, int q, const struct survey_answers *ans);

/*
 * The questions of page `page` as template values: [{key, text, help,
 * required, error, and per type its options, rows, value ...}].  `errors`
 * is page_add_errors's object of errors by field id (may be NULL).  When
 * from_form, values come from the request's form (a page sent back with
 * errors), otherwise from ans.
 */
json_t *survey_form_questions(struct http_request *req, const struct survey_def *d, int page,
    const struct survey_answers *ans, const json_t *errors, bool from_form);

/*
 * Reads page `page`'s form into ans: its questions' answers are replaced
 * by what was sent, answers its conditions now rule out are dropped, and
 * what is wrong is added to e (under each question's key), required
 * answers included.  0, ERR_INVALID or ERR_NOMEM.
 */
int survey_form_read(struct http_request *req, const struct survey_def *d, int page,
    struct survey_answers *ans, struct errors *e);

/*
 * Every question of page `page`, or of every page when page is -1, as
 * [{page_number, page_title, questions [...]}] with each question as
 * survey_form_questions gives it, whatever its condition (see above).
 */
json_t *survey_form_pages(struct http_request *req, const struct survey_def *d, int page,
    const struct survey_answers *ans, const json_t *errors, bool from_form);

/*
 * Reads the whole survey's form into ans (every question's answer is
 * replaced by what was sent) and checks it as a complete response
 * (survey_answers_check): answers off the path are refused, required ones
 * on it must be there.  Errors under each question's key; 0, ERR_INVALID
 * or ERR_NOMEM.
 */
int survey_form_read_all(struct http_request *req, const struct survey_def *d,
    struct survey_answers *ans, struct errors *e);

/* The check-your-answers rows of ans's path: [{key, question, answer,
 * change_href, change_label}], the change link being page_base + the
 * page's number. */
json_t *survey_form_summary(struct http_request *req, const struct survey_def *d,
    const struct survey_answers *ans, const char *page_base);

#endif
