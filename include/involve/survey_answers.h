/*
 * survey_answers.h - a respondent's answers to a survey: read, checked
 * against the definition and its skip logic, written back canonically,
 * and turned into the counts the results are kept as.
 *
 * The path: a respondent starts on the first page; on each page the
 * questions whose show_if holds are shown; the page's first "next" rule
 * that holds names the page that follows (none: the next page; "end":
 * the end).  Conditions see only the answers on the path so far, so an
 * answer to a question that was skipped or hidden counts for nothing and
 * is refused when submitted.
 *
 * Answers are kept as JSON: {"q1": "Yes", "q2": ["a", "b"], "q3": 4,
 * "q4": "text", "q5": {"row1": "Agree"}}, option values rather than ids,
 * plus the text given with an "Other, please say" option in a separate
 * object {"q1": "what they said"}.
 */
#ifndef INVOLVE_SURVEY_ANSWERS_H
#define INVOLVE_SURVEY_ANSWERS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/str.h"
#include "involve/survey.h"

#define SURVEY_ANSWER_TEXT_MAX_CHARS 500        /* text */
#define SURVEY_ANSWER_LONG_TEXT_MAX_CHARS 10000 /* long_text */
#define SURVEY_OTHER_MAX_CHARS 500

/* One question's answer.  Which members hold it follows the type. */
struct survey_answer {
	bool given;
	int choice_n;       /* single, likert, fft (1); multiple; ranking (in order) */
	int *choices;       /* option indexes */
	int *grid;          /* grid: an option index per row, -1 for a row not answered */
	double number;      /* number, rating */
	struct str text;    /* text, long_text; postcode normalised; date YYYY-MM-DD */
	struct str other;   /* the text with a chosen "other" option */
};

/* Answers to every question of a definition, by question index. */
struct survey_answers {
	int n;
	struct survey_answer *a;
};

/* Empty answers for d, in a.  ERR_NOMEM. */
int survey_answers_init(const struct survey_def *d, struct arena *a, struct survey_answers *out);

/*
 * Reads answers given as JSON (the "answers" object; `other` may be NULL)
 * into out, checking the form of each against its question: an option
 * that exists, a number in range, a real date, a valid postcode, a
 * ranking without repeats, a grid row that exists, text within its
 * length, valid UTF-8.  An unknown key is an error too.  Does not check
 * the path or required answers (survey_answers_check).  Each error's field
 * is the question's key, as a form's field is; ERR_INVALID.
 */
int survey_answers_from_json(const struct survey_def *d, const json_t *answers,
    const json_t *other, struct arena *a, struct survey_answers *out, struct errors *e);
/* survey_answers_from_json of the text survey_answers_write made. */
int survey_answers_parse(const struct survey_def *d, struct str text, struct arena *a,
    struct survey_answers *out, struct errors *e);
/* {"answers": {...}, "other": {...}} in canonical form, into b. */
void survey_answers_write(const struct survey_def *d, const struct survey_answers *ans,
    struct buf *b);
/* The answers object alone, as the API shows a response. */
json_t *survey_answers_to_json(const struct survey_def *d, const struct survey_answers *ans);

/*
 * Reads one question's answer from text as a form sends it: `values` are
 * the values of the form field named by the question's key (several for
 * a multiple choice or a ranking's positions), and for a grid the value of
 * field KEY.ROW for each row in row order, for a date the fields
 * KEY-day, KEY-month, KEY-year; other is the KEY.other field.  The
 * caller gathers them (see survey_form_fields).  Errors under the key.
 */
int survey_answer_from_form(const struct survey_def *d, int question, const struct str *values,
    int value_n, struct str other, struct arena *a, struct survey_answers *ans,
    struct errors *e);

/* ---- files of responses: the export's columns, read back by an import ----------------- */

/*
 * A question's cells in a file of responses, in order: a grid's one per
 * row ("KEY.ROW", by the row's value), a question with an "Other, please
 * say" option two ("KEY" and "KEY.other"), information text none, any
 * other question one ("KEY").  The export (survey_export.h) writes these
 * columns and `involve survey import` reads them.
 */
int survey_cell_count(const struct survey_question *q);
/* The name of q's cell i ("KEY", "KEY.ROW", "KEY.other"), added to b. */
void survey_cell_name(const struct survey_question *q, int i, struct buf *b);
/* The question and cell that a column's name (spaces around it trimmed)
 * is, ignoring ASCII case as keys do: 0, or ERR_NOTFOUND. */
int survey_cell_find(const struct survey_def *d, struct str name, int *question, int *cell);

/*
 * Reads one question's answer from its cells of a file: cells[0..cell_n),
 * in survey_cell_name's order (a cell the file has no column for is given
 * empty, or left out at the end).  The text is what the export writes and
 * what people type in a spreadsheet: an option by its value or its label,
 * ignoring case when nothing matches exactly; a multiple choice's or a
 * ranking's options separated by ";" (a ranking's in order); a number; a
 * date as YYYY-MM-DD or DD/MM/YYYY; a postcode with any spacing; text as it
 * is.  An empty cell is no answer.  Each answer is checked as
 * survey_answers_from_json checks it (options, ranges, real dates,
 * postcodes, lengths, "other" said when chosen); errors come under the
 * question's key; ERR_INVALID or ERR_NOMEM.  The path and required answers
 * are survey_answers_check's, once the row's every question is read.
 */
int survey_answer_from_cells(const struct survey_def *d, int question, const struct str *cells,
    int cell_n, struct arena *a, struct survey_answers *ans, struct errors *e);

/* Whether cond holds on ans. */
bool survey_cond_holds(const struct survey_def *d, const struct survey_cond *c,
    const struct survey_answers *ans);

/*
 * Walks the path of ans: on[i] is set for each question shown (on a page
 * on the path and its show_if holding, judged on the answers before it
 * on the path); pages[] gets the page indexes in the order visited, and
 * *page_n their number.  on and pages are the caller's, sized
 * d->question_n and d->page_n.
 */
void survey_path(const struct survey_def *d, const struct survey_answers *ans, bool *on,
    int *pages, int *page_n);
/* The page that follows `page` on ans's path: an index or SURVEY_END. */
int survey_next_page(const struct survey_def *d, int page, const struct survey_answers *ans);

/*
 * Checks a complete response: every answer is to a question on its path,
 * and every required question on its path is answered.  Errors under the
 * question's key: "This question was skipped ..." or "Choose an answer".
 * ERR_INVALID.  With `page` >= 0 only that page's questions are checked
 * (a page of the form, before going on).
 */
int survey_answers_check(const struct survey_def *d, const struct survey_answers *ans, int page,
    struct errors *e);
/* Clears answers to questions off the path (after a change of an answer
 * that decides the path, on the way through the pages). */
void survey_answers_prune(const struct survey_def *d, struct survey_answers *ans);

/*
 * The counts one response adds to its survey's results.  Each item is
 * counted once per response:
 *   question "",  row "",  value "":  a response (n)
 *   question q,   row "",  value "":  q answered (n), and for number and
 *                                     rating the sum of answers (total)
 *   question q,   row "",  value v:   option v chosen (single, multiple,
 *                                     likert, fft, ranking: total is the sum
 *                                     of its ranks), or rating v given
 *   question q,   row r,   value v:   grid row r answered with v
 * Text, postcode and date answers count only as answered.  fn is called
 * per item, whose text lives only during the call; withdrawing a response
 * subtracts the same items.
 */
struct survey_tally_item {
	struct str question;
	struct str row;
	struct str value;
	int64_t n;
	double total;
};
typedef int (*survey_tally_fn)(void *arg, const struct survey_tally_item *item);
int survey_answers_tally(const struct survey_def *d, const struct survey_answers *ans,
    survey_tally_fn fn, void *arg);

/* The text of an answer as a person reads it, for exports and check-your-
 * answers: option labels joined by "; ", "Other: TEXT", grid rows as
 * "Row: Label", a date in UK form (7 December 2026); into b. */
void survey_answer_display(const struct survey_def *d, int question,
    const struct survey_answers *ans, struct buf *b);

#endif
