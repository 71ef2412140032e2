/*
 * survey_edit.h - changing a survey from the staff pages.
 *
 * Every change, however small (a question's wording, a question moved, a
 * page's rules), is made to a copy of the survey's whole definition as the
 * API writes it (survey_def_to_json: the "pages" array), and the whole of
 * it then takes the path a PATCH takes: survey_def_from_json,
 * survey_def_adopt_ids, survey_def_check_change and store_survey_update at
 * the version the page was made from.  So nothing here or in the pages'
 * handlers says what makes a valid survey or which changes a survey with
 * responses may take: the domain does, and its errors come back with their
 * paths (pages[1].questions[0].options[2]) for a form to show beside the
 * field they are about.
 *
 * A page that changes a survey carries the version it was made from in a
 * hidden field; a survey changed by someone else meanwhile is not saved
 * over, and the page says so.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_SURVEY_EDIT_H
#define INVOLVE_WEB_SURVEY_EDIT_H

#include <jansson.h>
#include <stdbool.h>

#include "involve/http.h"
#include "involve/store_survey.h"
#include "involve/survey.h"

struct survey_edit {
	struct survey *sv;     /* as stored, in the request's arena */
	struct survey_def def; /* its definition */
	json_t *pages;         /* a copy of its pages to change; survey_edit_free frees it */
};

/*
 * Loads survey {id} of the signed-in user's organisation, its definition
 * and a copy of its pages.  0, or -1 with res filled (404 for a missing
 * survey or another organisation's).
 */
int survey_edit_load(struct http_request *req, struct http_response *res, struct survey_edit *ed);
void survey_edit_free(struct survey_edit *ed);

/*
 * Saves ed->pages as the survey's definition, with the title, who and
 * times of `record` (NULL: as they are), if the survey is still at
 * `version`.  0: saved, ed->sv->version is the new version.  Otherwise e
 * says why: ERR_INVALID with the domain's errors (paths into ed->pages);
 * ERR_CONFLICT with "version" (someone else changed it meanwhile; see
 * survey_edit_stale), "survey" (it has closed) or, for a change that would
 * lose the meaning of answers given, an error per refused change under
 * the question's key; ERR_NOMEM, ERR_IO.
 */
int survey_edit_save(struct http_request *req, struct survey_edit *ed,
    const struct survey *record, int version, struct errors *e);

/* Whether e says the page was made from an older version of the survey. */
bool survey_edit_stale(const struct errors *e);

/*
 * Moves the errors of e into out, for a page: an error whose field is
 * under `prefix` (a path such as "pages[1].questions[0]"; NULL: none) is
 * given the form field that map names for the rest of its path
 * (".options[2]", "" for the prefix itself) and keeps its words; any other
 * is said in the summary alone (no field), after where in the survey it
 * is ("Page 2, question q5: ...").  The stale version becomes the page's
 * own sentence.
 */
typedef void (*survey_edit_map_fn)(void *arg, const char *rest, char *field, size_t size);
void survey_edit_errors(const struct http_request *req, const json_t *pages,
    const struct errors *e, const char *prefix, survey_edit_map_fn map, void *arg,
    struct errors *out);

/* A key no question (or page) of pages has, whatever its case: "q1",
 * "q2", ... ("p1", ... for pages), into out. */
void survey_edit_new_key(const json_t *pages, bool page, char *out, size_t size);

/* Where question `key` is in ed->def: its page and its place on the
 * page (from 0).  false when there is no such question. */
bool survey_edit_find(const struct survey_edit *ed, struct str key, int *page, int *place);

/* Every condition in pages that names question `from` names `to` instead
 * (a question's key changed). */
void survey_edit_rename(json_t *pages, const char *from, const char *to);

/* ---- what the forms that change a survey share ---- */

/* A survey that has closed can no longer change: 409 with the domain's
 * reason, ed freed, and -1; 0 when it can. */
int survey_edit_refuse_closed(struct http_request *req, struct http_response *res,
    struct survey_edit *ed);
/* The status of a form shown again after survey_edit_save refused it:
 * 409 for a conflict, 422 for the domain's errors. */
int survey_edit_refused_status(int rc);

/* The comparisons a condition makes, as the API names them ("equals",
 * "not_equals", "includes", "less_than", "greater_than"), in the order of
 * enum survey_cond_op, NULL-terminated. */
#define SURVEY_EDIT_OP_N 5
extern const char *const survey_edit_op_names[SURVEY_EDIT_OP_N + 1];
/* The comparisons as a select's options, [{value, label, selected}], with
 * op_names[chosen] selected (-1: none).  New reference. */
json_t *survey_edit_op_list(const struct http_request *req, int chosen);
/* A bound (min, max) typed in a form, as the definition's JSON: text for a
 * date; otherwise a number when it reads as one, or the text as it is, for
 * the domain to refuse.  New reference. */
json_t *survey_edit_bound_json(struct str s, bool date);
/* The value a condition on question `key` compares with, as JSON: a number
 * for a number or a rating question (as survey_edit_bound_json), else
 * text.  New reference. */
json_t *survey_edit_value_json(const struct survey_def *d, struct str key, struct str value);
/* A number as a form shows it, in the request's arena; "" when !has. */
struct str survey_edit_number_text(struct http_request *req, bool has, double v);

/* ---- the words staff read for a definition ---- */

/* A question type's name and what it is for, in the request's language
 * ("Single choice", ...). */
const char *survey_edit_type_name(const struct http_request *req, enum survey_qtype t);
const char *survey_edit_type_hint(const struct http_request *req, enum survey_qtype t);
/* A condition as a sentence's clause ("q6 is more than 2", "q3 is No"),
 * added to b. */
void survey_edit_cond_text(const struct http_request *req, const struct survey_def *d,
    const struct survey_cond *c, struct buf *b);
/* A page's rule ("If q3 is No, go to page 4 (Anything else)"), added to b. */
void survey_edit_rule_text(const struct http_request *req, const struct survey_def *d,
    const struct survey_rule *r, struct buf *b);

#endif
