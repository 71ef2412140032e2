/*
 * survey_answers.c - answers read, checked against the path, written and
 * counted (survey_answers.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/i18n.h"
#include "involve/postcode.h"
#include "involve/survey_answers.h"
#include "involve/text.h"

int
survey_answers_init(const struct survey_def *d, struct arena *a, struct survey_answers *out)
{
	out->n = d->question_n;
	out->a = arena_array(a, d->question_n + 1, sizeof(*out->a));
	if (out->a == NULL)
		return ERR_NOMEM;
	memset(out->a, 0, (d->question_n + 1) * sizeof(*out->a));
	return 0;
}

/* An error on question q's key. */
static void
answer_error(struct errors *e, const struct survey_question *q, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void
answer_error(struct errors *e, const struct survey_question *q, const char *fmt, ...)
{
	char field[ERROR_FIELD_MAX];
	va_list ap;

	snprintf(field, sizeof(field), "%.*s", (int)q->key.n, q->key.p);
	va_start(ap, fmt);
	errors_vadd(e, field, fmt, ap);
	va_end(ap);
}

/* ---- reading one answer, whatever door it came through -------------------------------- */

/* The error for an answer v that is none of q's options: it quotes v, cut
 * at a character (an error is shown on a page, and as JSON, which hold only
 * UTF-8), or says that v cannot be read. */
static void
not_one_of(const struct survey_question *q, struct str v, struct errors *e)
{
	char shown[61];

	if (!text_is_utf8(v)) {
		answer_error(e, q, "%s",
		    N_("The answer contains characters that cannot be read (invalid UTF-8)"));
		return;
	}
	text_copy(shown, sizeof(shown), v);
	answer_error(e, q, N_("'%s' is not one of the options"), shown);
}

/* The option of q whose value is v, with an error naming it when none. */
static int
option_of(const struct survey_question *q, struct str v, struct errors *e)
{
	int k = survey_option_index(q, v);

	if (k < 0)
		not_one_of(q, v, e);
	return k;
}

static int
set_choices(const struct survey_question *q, const struct str *values, int n, struct arena *a,
    struct survey_answer *ans, struct errors *e)
{
	int i, j, k, bad = 0;

	if (n > q->option_n) {
		answer_error(e, q, N_("There are only %d options to choose from"), q->option_n);
		return ERR_INVALID;
	}
	if ((ans->choices = arena_array(a, n + 1, sizeof(int))) == NULL)
		return ERR_NOMEM;
	ans->choice_n = 0;
	for (i = 0; i < n; i++) {
		if ((k = option_of(q, values[i], e)) < 0) {
			bad = 1;
			continue;
		}
		for (j = 0; j < ans->choice_n; j++)
			if (ans->choices[j] == k) {
				answer_error(e, q, "%s", q->type == SQ_RANKING ?
				    N_("Each option can be ranked only once") :
				    N_("Each option can be chosen only once"));
				return ERR_INVALID;
			}
		ans->choices[ans->choice_n++] = k;
	}
	if (bad)
		return ERR_INVALID;
	if (q->type == SQ_MULTIPLE && ans->choice_n > 0) {
		if (q->has_min && ans->choice_n < q->min) {
			answer_error(e, q, errors_trn(e, "Choose at least %d option",
			    "Choose at least %d options", (unsigned long)q->min), (int)q->min);
			return ERR_INVALID;
		}
		if (q->has_max && ans->choice_n > q->max) {
			answer_error(e, q, errors_trn(e, "Choose at most %d option",
			    "Choose at most %d options", (unsigned long)q->max), (int)q->max);
			return ERR_INVALID;
		}
	}
	ans->given = ans->choice_n > 0;
	return 0;
}

static int
set_number(const struct survey_question *q, double v, struct survey_answer *ans,
    struct errors *e)
{
	if (!isfinite(v)) {
		answer_error(e, q, "%s", N_("Enter a number"));
		return ERR_INVALID;
	}
	if (q->type == SQ_RATING && v != floor(v)) {
		answer_error(e, q, N_("Choose a whole number from %g to %g"), q->min, q->max);
		return ERR_INVALID;
	}
	if ((q->has_min && v < q->min) || (q->has_max && v > q->max)) {
		if (q->has_min && q->has_max)
			answer_error(e, q, N_("Enter a number from %g to %g"), q->min, q->max);
		else if (q->has_min)
			answer_error(e, q, N_("Enter a number of %g or more"), q->min);
		else
			answer_error(e, q, N_("Enter a number of %g or less"), q->max);
		return ERR_INVALID;
	}
	ans->number = v;
	ans->given = true;
	return 0;
}

/* A number as text: digits with an optional sign, point and decimals. */
static int
parse_number(struct str s, double *out)
{
	char text[40], *end;

	s = str_trim(s);
	if (s.n == 0 || s.n >= sizeof(text))
		return -1;
	memcpy(text, s.p, s.n);
	text[s.n] = '\0';
	for (size_t i = 0; i < s.n; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || text[i] == '.' ||
		    (i == 0 && (text[i] == '-' || text[i] == '+'))))
			return -1;
	*out = strtod(text, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static int
set_text(const struct survey_question *q, struct str s, struct arena *a,
    struct survey_answer *ans, struct errors *e)
{
	char field[ERROR_FIELD_MAX], pc[POSTCODE_MAX];
	struct str t;
	size_t max = q->type == SQ_LONG_TEXT ? SURVEY_ANSWER_LONG_TEXT_MAX_CHARS :
	    SURVEY_ANSWER_TEXT_MAX_CHARS;

	snprintf(field, sizeof(field), "%.*s", (int)q->key.n, q->key.p);
	if (text_check(s, field, N_("your answer"), max, q->type == SQ_LONG_TEXT ? TEXT_MULTILINE : 0,
	    &t, e) != 0)
		return ERR_INVALID;
	if (t.n == 0)
		return 0;
	if (q->type == SQ_POSTCODE) {
		if (postcode_normalise(t, pc) != 0) {
			answer_error(e, q, "%s", N_("Enter a real postcode, like BB1 7DJ"));
			return ERR_INVALID;
		}
		t = str_c(pc);
	} else if (q->type == SQ_DATE) {
		if (!survey_date_valid(t)) {
			answer_error(e, q, "%s", N_("Enter a real date"));
			return ERR_INVALID;
		}
		if (q->has_min && memcmp(t.p, q->min_date.p, 10) < 0) {
			answer_error(e, q, N_("The date must be on or after %.*s"), 10, q->min_date.p);
			return ERR_INVALID;
		}
		if (q->has_max && memcmp(t.p, q->max_date.p, 10) > 0) {
			answer_error(e, q, N_("The date must be on or before %.*s"), 10, q->max_date.p);
			return ERR_INVALID;
		}
	}
	ans->text = arena_str(a, t);
	if (ans->text.p == NULL)
		return ERR_NOMEM;
	ans->given = true;
	return 0;
}

static int
set_other(const struct survey_question *q, struct str other, struct arena *a,
    struct survey_answer *ans, struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	bool chosen = false;
	struct str t;
	int i;

	for (i = 0; i < ans->choice_n; i++)
		if (q->options[ans->choices[i]].other)
			chosen = true;
	snprintf(field, sizeof(field), "%.*s", (int)q->key.n, q->key.p);
	if (text_check(other, field, N_("what 'other' is"), SURVEY_OTHER_MAX_CHARS, 0, &t, e) != 0)
		return ERR_INVALID;
	if (chosen && t.n == 0) {
		answer_error(e, q, "%s", N_("Say what 'other' is"));
		return ERR_INVALID;
	}
	if (!chosen && t.n > 0) {
		answer_error(e, q, "%s", N_("Choose 'other' to say something else"));
		return ERR_INVALID;
	}
	ans->other = arena_str(a, t);
	return t.n > 0 && ans->other.p == NULL ? ERR_NOMEM : 0;
}

/* ---- from JSON ----------------------------------------------------------------------- */

static int
json_text(const json_t *v, struct str *out)
{
	if (!json_is_string(v))
		return -1;
	*out = (struct str){ json_string_value(v), json_string_length(v) };
	return 0;
}

static int
answer_from_json(const struct survey_question *q, const json_t *v, struct arena *a,
    struct survey_answer *ans, struct errors *e)
{
	struct str values[SURVEY_OPTIONS_MAX], s;
	const char *name;
	json_t *item;
	size_t i;
	int k, n = 0;

	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
		if (json_text(v, &s) != 0) {
			answer_error(e, q, "%s", N_("Give one option's value as text"));
			return ERR_INVALID;
		}
		return set_choices(q, &s, 1, a, ans, e);
	case SQ_MULTIPLE:
	case SQ_RANKING:
		if (!json_is_array(v)) {
			answer_error(e, q, "%s", N_("Give a list of option values"));
			return ERR_INVALID;
		}
		if (json_array_size(v) > (size_t)q->option_n) {
			answer_error(e, q, N_("There are only %d options"), q->option_n);
			return ERR_INVALID;
		}
		json_array_foreach(v, i, item)
			if (json_text(item, &values[n++]) != 0) {
				answer_error(e, q, N_("Give each option's value as text"));
				return ERR_INVALID;
			}
		return set_choices(q, values, n, a, ans, e);
	case SQ_RATING:
	case SQ_NUMBER:
		if (!json_is_number(v)) {
			answer_error(e, q, "%s", N_("Give a number"));
			return ERR_INVALID;
		}
		return set_number(q, json_number_value(v), ans, e);
	case SQ_DATE:
	case SQ_POSTCODE:
	case SQ_TEXT:
	case SQ_LONG_TEXT:
		if (json_text(v, &s) != 0) {
			answer_error(e, q, "%s", N_("Give the answer as text"));
			return ERR_INVALID;
		}
		return set_text(q, s, a, ans, e);
	case SQ_GRID:
		if (!json_is_object(v)) {
			answer_error(e, q, N_("Give an object of each row's value and its answer"));
			return ERR_INVALID;
		}
		if ((ans->grid = arena_array(a, q->row_n, sizeof(int))) == NULL)
			return ERR_NOMEM;
		for (k = 0; k < q->row_n; k++)
			ans->grid[k] = -1;
		json_object_foreach((json_t *)v, name, item) {
			int row = survey_row_index(q, str_c(name)), opt;

			if (row < 0) {
				char shown[61];

				/* Cut where a character ends: an answer holds only
				 * UTF-8. */
				snprintf(shown, sizeof(shown), "%.*s",
				    (int)text_utf8_cut(str_c(name), 60), name);
				answer_error(e, q, N_("There is no row '%.60s'"), shown);
				return ERR_INVALID;
			}
			if (json_is_null(item))
				continue;
			if (json_text(item, &s) != 0 || (opt = option_of(q, s, e)) < 0) {
				if (!json_is_string(item))
					answer_error(e, q,
					    N_("Give each row's answer as an option's value"));
				return ERR_INVALID;
			}
			ans->grid[row] = opt;
			ans->given = true;
		}
		return 0;
	case SQ_INFO:
	default:
		answer_error(e, q, "%s", N_("This is information, not a question: it takes no answer"));
		return ERR_INVALID;
	}
}

static int other_missing(const struct survey_def *d, struct arena *a, struct survey_answers *out,
    struct errors *e);

int
survey_answers_from_json(const struct survey_def *d, const json_t *answers,
    const json_t *other, struct arena *a, struct survey_answers *out, struct errors *e)
{
	const char *key;
	json_t *v;
	int rc, bad = 0, q;

	if ((rc = survey_answers_init(d, a, out)) != 0)
		return rc;
	if (!json_is_object(answers)) {
		errors_add(e, "answers", N_("Give the answers as an object of question keys and "
		    "answers"));
		return ERR_INVALID;
	}
	json_object_foreach((json_t *)answers, key, v) {
		q = survey_question_index(d, str_c(key));
		if (q < 0) {
			char field[ERROR_FIELD_MAX];

			snprintf(field, sizeof(field), "%.*s", (int)text_utf8_cut(str_c(key), 40),
			    key);
			errors_add(e, field, N_("The survey has no question '%.40s'"), field);
			bad = 1;
			continue;
		}
		if (json_is_null(v))
			continue;
		rc = answer_from_json(&d->questions[q], v, a, &out->a[q], e);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc != 0)
			bad = 1;
	}
	if (other != NULL && !json_is_null(other)) {
		if (!json_is_object(other)) {
			errors_add(e, "other",
			    N_("Give 'other' as an object of question keys and text"));
			return ERR_INVALID;
		}
		json_object_foreach((json_t *)other, key, v) {
			struct str s;

			q = survey_question_index(d, str_c(key));
			if (q < 0 || json_text(v, &s) != 0) {
				char field[ERROR_FIELD_MAX];

				snprintf(field, sizeof(field), "%.*s",
				    (int)text_utf8_cut(str_c(key), 40), key);
				errors_add(e, field, q < 0 ?
				    N_("The survey has no question '%.40s'") :
				    N_("Give what 'other' is as text"), field);
				bad = 1;
				continue;
			}
			if (!survey_qtype_has_options(d->questions[q].type) ||
			    d->questions[q].type == SQ_GRID) {
				answer_error(e, &d->questions[q],
				    N_("This question has no 'other' option"));
				bad = 1;
				continue;
			}
			rc = set_other(&d->questions[q], s, a, &out->a[q], e);
			if (rc == ERR_NOMEM)
				return rc;
			if (rc != 0)
				bad = 1;
		}
	}
	if (!bad && other_missing(d, a, out, e) != 0)
		bad = 1;
	return bad ? ERR_INVALID : 0;
}

/* A chosen "other" with no text at all: ERR_INVALID, with the error. */
static int
other_missing(const struct survey_def *d, struct arena *a, struct survey_answers *out,
    struct errors *e)
{
	int q, i;

	for (q = 0; q < d->question_n; q++) {
		if (out->a[q].choice_n == 0 || out->a[q].other.n > 0)
			continue;
		/* Only "other" chosen asks for its text (set_other); skipped
		 * otherwise, since reading every response passes here. */
		for (i = 0; i < out->a[q].choice_n; i++)
			if (d->questions[q].options[out->a[q].choices[i]].other)
				break;
		if (i < out->a[q].choice_n &&
		    set_other(&d->questions[q], (struct str){ "", 0 }, a, &out->a[q], e) != 0)
			return ERR_INVALID;
	}
	return 0;
}

/*
 * ---- the stored text read without a JSON tree -------------------------------------------
 *
 * Reading every response (an export, a million of them) spends most of its
 * time in jansson building and freeing a tree of each response's answers
 * (bench/RESULTS.md, the export of 2026-12-07).  The text is the one
 * survey_answers_write made, always of one shape, so the plainest of it,
 * strings without escapes in particular, is read here straight into the
 * answers through the same setters; whatever else it meets (an escape, a
 * value of another type, a space) is left to jansson, from the start, so
 * the answers and the errors are the same either way.
 */

/* The text is not of the plain shape read here: read it with jansson. */
#define PLAIN_NOT 1

struct plain {
	const char *p, *end;
};

static bool
plain_eat(struct plain *r, char c)
{
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static bool
plain_lit(struct plain *r, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n) != 0)
		return false;
	r->p += n;
	return true;
}

/* A string without escapes or control characters, its text pointing into the source. */
static bool
plain_string(struct plain *r, struct str *out)
{
	const char *start;

	if (!plain_eat(r, '"'))
		return false;
	start = r->p;
	while (r->p < r->end && *r->p != '"') {
		if (*r->p == '\\' || (unsigned char)*r->p < 0x20)
			return false;
		r->p++;
	}
	if (r->p == r->end)
		return false;
	*out = (struct str){ start, (size_t)(r->p - start) };
	r->p++;
	return true;
}

/* A number as jansson writes one. */
static bool
plain_number(struct plain *r, double *out)
{
	char text[40], *end;
	size_t n = 0;

	while (r->p + n < r->end && n < sizeof(text) - 1 && strchr("0123456789+-.eE", r->p[n]) &&
	    r->p[n] != '\0')
		n++;
	if (n == 0 || n == sizeof(text) - 1)
		return false;
	memcpy(text, r->p, n);
	text[n] = '\0';
	*out = strtod(text, &end);
	if (end != text + n)
		return false;
	r->p += n;
	return true;
}

/* One question's answer, as answer_from_json reads it from a value of the right type. */
static int
plain_answer(const struct survey_question *q, struct plain *r, struct arena *a,
    struct survey_answer *ans, struct errors *e)
{
	struct str values[SURVEY_OPTIONS_MAX], s, row;
	double v;
	int n = 0, k, opt;

	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
		if (!plain_string(r, &s))
			return PLAIN_NOT;
		return set_choices(q, &s, 1, a, ans, e);
	case SQ_MULTIPLE:
	case SQ_RANKING:
		if (!plain_eat(r, '['))
			return PLAIN_NOT;
		if (!plain_eat(r, ']')) {
			do {
				if (n == q->option_n || !plain_string(r, &values[n++]))
					return PLAIN_NOT;
			} while (plain_eat(r, ','));
			if (!plain_eat(r, ']'))
				return PLAIN_NOT;
		}
		return set_choices(q, values, n, a, ans, e);
	case SQ_RATING:
	case SQ_NUMBER:
		if (!plain_number(r, &v))
			return PLAIN_NOT;
		return set_number(q, v, ans, e);
	case SQ_DATE:
	case SQ_POSTCODE:
	case SQ_TEXT:
	case SQ_LONG_TEXT:
		if (!plain_string(r, &s))
			return PLAIN_NOT;
		return set_text(q, s, a, ans, e);
	case SQ_GRID:
		if (!plain_eat(r, '{'))
			return PLAIN_NOT;
		if ((ans->grid = arena_array(a, q->row_n, sizeof(int))) == NULL)
			return ERR_NOMEM;
		for (k = 0; k < q->row_n; k++)
			ans->grid[k] = -1;
		if (plain_eat(r, '}'))
			return 0;
		do {
			if (!plain_string(r, &row) || !plain_eat(r, ':'))
				return PLAIN_NOT;
			if (plain_lit(r, "null"))
				continue;
			if ((k = survey_row_index(q, row)) < 0 || !plain_string(r, &s) ||
			    (opt = survey_option_index(q, s)) < 0)
				return PLAIN_NOT; /* jansson's reading names the error */
			ans->grid[k] = opt;
			ans->given = true;
		} while (plain_eat(r, ','));
		return plain_eat(r, '}') ? 0 : PLAIN_NOT;
	default:
		return PLAIN_NOT;
	}
}

/* 0, ERR_INVALID, ERR_NOMEM as survey_answers_from_json; or PLAIN_NOT. */
static int
plain_answers(const struct survey_def *d, struct str text, struct arena *a,
    struct survey_answers *out, struct errors *e)
{
	struct plain r = { text.p, text.p + text.n };
	struct str key, s;
	unsigned char *seen; /* per question: 1 answered, 2 "other" given (a key twice: jansson's) */
	int rc, q, bad = 0;

	if (!plain_lit(&r, "{\"answers\":{"))
		return PLAIN_NOT;
	if ((rc = survey_answers_init(d, a, out)) != 0)
		return rc;
	if ((seen = arena_zalloc(a, (size_t)d->question_n + 1)) == NULL)
		return ERR_NOMEM;
	if (!plain_eat(&r, '}')) {
		do {
			if (!plain_string(&r, &key) || !plain_eat(&r, ':') ||
			    (q = survey_question_index(d, key)) < 0 || (seen[q] & 1))
				return PLAIN_NOT;
			seen[q] |= 1;
			if (plain_lit(&r, "null"))
				continue;
			rc = plain_answer(&d->questions[q], &r, a, &out->a[q], e);
			if (rc == PLAIN_NOT || rc == ERR_NOMEM)
				return rc;
			if (rc != 0)
				bad = 1;
		} while (plain_eat(&r, ','));
		if (!plain_eat(&r, '}'))
			return PLAIN_NOT;
	}
	if (!plain_lit(&r, ",\"other\":{"))
		return PLAIN_NOT;
	if (!plain_eat(&r, '}')) {
		do {
			if (!plain_string(&r, &key) || !plain_eat(&r, ':') || !plain_string(&r, &s) ||
			    (q = survey_question_index(d, key)) < 0 || (seen[q] & 2) ||
			    !survey_qtype_has_options(d->questions[q].type) ||
			    d->questions[q].type == SQ_GRID)
				return PLAIN_NOT;
			seen[q] |= 2;
			rc = set_other(&d->questions[q], s, a, &out->a[q], e);
			if (rc == ERR_NOMEM)
				return rc;
			if (rc != 0)
				bad = 1;
		} while (plain_eat(&r, ','));
		if (!plain_eat(&r, '}'))
			return PLAIN_NOT;
	}
	if (!plain_eat(&r, '}') || r.p != r.end)
		return PLAIN_NOT;
	if (!bad && other_missing(d, a, out, e) != 0)
		bad = 1;
	return bad ? ERR_INVALID : 0;
}

int
survey_answers_parse(const struct survey_def *d, struct str text, struct arena *a,
    struct survey_answers *out, struct errors *e)
{
	json_error_t jerr;
	json_t *root;
	int rc, errors_n = e->n, dropped = e->dropped;

	if (text.n == 0)
		return survey_answers_init(d, a, out);
	if ((rc = plain_answers(d, text, a, out, e)) != PLAIN_NOT)
		return rc;
	/* From the start, without what the plain reading said. */
	e->n = errors_n;
	e->dropped = dropped;
	root = json_loadb(text.p, text.n, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		errors_add(e, "answers", N_("The answers are not JSON: %s"), jerr.text);
		return ERR_INVALID;
	}
	rc = survey_answers_from_json(d, json_object_get(root, "answers"),
	    json_object_get(root, "other"), a, out, e);
	json_decref(root);
	return rc;
}

/* ---- from a form ------------------------------------------------------------------------ */

int
survey_answer_from_form(const struct survey_def *d, int question, const struct str *values,
    int value_n, struct str other, struct arena *a, struct survey_answers *ans,
    struct errors *e)
{
	const struct survey_question *q = &d->questions[question];
	struct survey_answer *an = &ans->a[question];
	struct str given[SURVEY_OPTIONS_MAX];
	double v;
	int i, n = 0, rc;

	memset(an, 0, sizeof(*an));
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
	case SQ_MULTIPLE:
		for (i = 0; i < value_n && n < SURVEY_OPTIONS_MAX; i++)
			if (str_trim(values[i]).n > 0)
				given[n++] = str_trim(values[i]);
		if (q->type != SQ_MULTIPLE && n > 1) {
			answer_error(e, q, "%s", N_("Choose one answer"));
			return ERR_INVALID;
		}
		if ((rc = set_choices(q, given, n, a, an, e)) != 0)
			return rc;
		return set_other(q, other, a, an, e);
	case SQ_RANKING:
		/* values[i] is the rank given to option i ("" for none): the
		 * answer lists the options by rank. */
		{
			int order[SURVEY_OPTIONS_MAX], ranks[SURVEY_OPTIONS_MAX], k;

			for (i = 0; i < value_n && i < q->option_n; i++) {
				struct str t = str_trim(values[i]);

				if (t.n == 0)
					continue;
				if (parse_number(t, &v) != 0 || v != floor(v) || v < 1 ||
				    v > q->option_n) {
					answer_error(e, q, N_("Rank with whole numbers from 1 to %d"),
					    q->option_n);
					return ERR_INVALID;
				}
				for (k = 0; k < n; k++)
					if (ranks[k] == (int)v) {
						answer_error(e, q, "%s", N_("Give each rank only once"));
						return ERR_INVALID;
					}
				ranks[n] = (int)v;
				order[n++] = i;
			}
			/* Sort by rank (few options: insertion sort). */
			for (i = 1; i < n; i++)
				for (k = i; k > 0 && ranks[k - 1] > ranks[k]; k--) {
					int t = ranks[k]; ranks[k] = ranks[k - 1]; ranks[k - 1] = t;
					t = order[k]; order[k] = order[k - 1]; order[k - 1] = t;
				}
			for (i = 0; i < n; i++)
				given[i] = q->options[order[i]].value;
			return set_choices(q, given, n, a, an, e);
		}
	case SQ_RATING:
	case SQ_NUMBER:
		if (value_n < 1 || str_trim(values[0]).n == 0)
			return 0;
		if (parse_number(values[0], &v) != 0) {
			answer_error(e, q, "%s", N_("Enter a number, like 12 or 3.5"));
			return ERR_INVALID;
		}
		return set_number(q, v, an, e);
	case SQ_DATE: {
		/* day, month, year */
		char text[16];
		double dd, mm, yy;

		if (value_n < 3)
			return 0;
		if (str_trim(values[0]).n == 0 && str_trim(values[1]).n == 0 &&
		    str_trim(values[2]).n == 0)
			return 0;
		if (parse_number(values[0], &dd) != 0 || parse_number(values[1], &mm) != 0 ||
		    parse_number(values[2], &yy) != 0 || yy < 1000 || yy > 9999 || dd < 1 ||
		    dd > 31 || mm < 1 || mm > 12) {
			answer_error(e, q, "%s", N_("Enter a real date, with a day, a month and a year"));
			return ERR_INVALID;
		}
		snprintf(text, sizeof(text), "%04d-%02d-%02d", (int)yy, (int)mm, (int)dd);
		return set_text(q, str_c(text), a, an, e);
	}
	case SQ_POSTCODE:
	case SQ_TEXT:
	case SQ_LONG_TEXT:
		if (value_n < 1)
			return 0;
		return set_text(q, values[0], a, an, e);
	case SQ_GRID:
		if ((an->grid = arena_array(a, q->row_n, sizeof(int))) == NULL)
			return ERR_NOMEM;
		for (i = 0; i < q->row_n; i++) {
			struct str t = i < value_n ? str_trim(values[i]) : (struct str){ "", 0 };
			int k;

			an->grid[i] = -1;
			if (t.n == 0)
				continue;
			if ((k = option_of(q, t, e)) < 0)
				return ERR_INVALID;
			an->grid[i] = k;
			an->given = true;
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- from a file of responses ---------------------------------------------------------- */

static bool
has_other(const struct survey_question *q)
{
	int i;

	if (q->type == SQ_GRID)
		return false;
	for (i = 0; i < q->option_n; i++)
		if (q->options[i].other)
			return true;
	return false;
}

int
survey_cell_count(const struct survey_question *q)
{
	if (q->type == SQ_INFO)
		return 0;
	if (q->type == SQ_GRID)
		return q->row_n;
	return has_other(q) ? 2 : 1;
}

void
survey_cell_name(const struct survey_question *q, int i, struct buf *b)
{
	buf_add_str(b, q->key);
	if (q->type == SQ_GRID) {
		buf_addch(b, '.');
		buf_add_str(b, q->rows[i].value);
	} else if (i == 1) {
		buf_add_c(b, ".other");
	}
}

/* Whether a and b are the same text but for the case of ASCII letters. */
static bool
same_ignoring_case(struct str a, struct str b)
{
	size_t i;

	if (a.n != b.n)
		return false;
	for (i = 0; i < a.n; i++) {
		unsigned char x = (unsigned char)a.p[i], y = (unsigned char)b.p[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

int
survey_cell_find(const struct survey_def *d, struct str name, int *question, int *cell)
{
	struct buf b = BUF_INIT;
	int i, k, n, rc = ERR_NOTFOUND;

	name = str_trim(name);
	for (i = 0; i < d->question_n && rc != 0; i++) {
		const struct survey_question *q = &d->questions[i];

		/* Every cell's name starts with its question's key. */
		if (name.n < q->key.n || !same_ignoring_case((struct str){ name.p, q->key.n }, q->key))
			continue;
		n = survey_cell_count(q);
		for (k = 0; k < n; k++) {
			buf_reset(&b);
			survey_cell_name(q, k, &b);
			if (buf_ok(&b) && same_ignoring_case(name, (struct str){ b.p, b.n })) {
				*question = i;
				*cell = k;
				rc = 0;
				break;
			}
		}
	}
	buf_free(&b);
	return rc;
}

/* The option of q that t names: by value, by label, then either ignoring
 * case; -1 when none does. */
static int
option_named(const struct survey_question *q, struct str t)
{
	int i, k = survey_option_index(q, t);

	for (i = 0; k < 0 && i < q->option_n; i++)
		if (str_eq(q->options[i].label, t))
			k = i;
	for (i = 0; k < 0 && i < q->option_n; i++)
		if (same_ignoring_case(q->options[i].value, t))
			k = i;
	for (i = 0; k < 0 && i < q->option_n; i++)
		if (same_ignoring_case(q->options[i].label, t))
			k = i;
	return k;
}

static int
not_an_option(const struct survey_question *q, struct str t, struct errors *e)
{
	not_one_of(q, t, e);
	return ERR_INVALID;
}

/*
 * The options a cell of a multiple choice or a ranking names, as their
 * values, separated by ";".  A label may hold a ";" itself, so from each
 * point the longest run of pieces that names an option is taken.
 */
static int
cell_options(const struct survey_question *q, struct str cell, struct str *values, int *n,
    struct errors *e)
{
	const char *p = cell.p, *end = cell.p + cell.n, *semi, *first;
	struct str piece;
	int k;

	*n = 0;
	for (; p < end; p = semi < end ? semi + 1 : end) {
		k = -1;
		for (semi = end;; semi--) {
			piece = str_trim((struct str){ p, (size_t)(semi - p) });
			if (piece.n == 0 || (k = option_named(q, piece)) >= 0)
				break;
			while (semi > p && semi[-1] != ';')
				semi--;
			if (semi == p)
				break;
		}
		if (piece.n == 0)
			continue; /* ";;" or a ";" at either end */
		if (k < 0) {
			if ((first = memchr(p, ';', (size_t)(end - p))) == NULL)
				first = end;
			return not_an_option(q, str_trim((struct str){ p, (size_t)(first - p) }), e);
		}
		if (*n == q->option_n) {
			answer_error(e, q, N_("There are only %d options to choose from"), q->option_n);
			return ERR_INVALID;
		}
		values[(*n)++] = q->options[k].value;
	}
	return 0;
}

/* A cell as the export wrote it: one it made safe to open in a spreadsheet
 * (buf_add_csv_cell: "'" before a leading =, +, -, @, tab or CR) without
 * that quote, so that "'-3" reads as -3 again. */
static struct str
unguarded(struct str cell)
{
	if (cell.n >= 2 && cell.p[0] == '\'' && strchr("=+-@\t\r", cell.p[1]) != NULL)
		return (struct str){ cell.p + 1, cell.n - 1 };
	return cell;
}

/* A date as YYYY-MM-DD, or as D/M/YYYY with one or two digits for day and
 * month, written YYYY-MM-DD into out; false when it is neither. */
static bool
cell_date(struct str t, char out[11])
{
	int part[3] = { 0, 0, 0 }, digits[3] = { 0, 0, 0 }, i = 0;
	size_t k;

	if (t.n == 10 && t.p[4] == '-' && t.p[7] == '-') {
		memcpy(out, t.p, 10);
		out[10] = '\0';
		return true;
	}
	for (k = 0; k < t.n; k++) {
		if (t.p[k] == '/' && i < 2 && digits[i] > 0)
			i++;
		else if (t.p[k] >= '0' && t.p[k] <= '9' && digits[i] < 4) {
			part[i] = part[i] * 10 + (t.p[k] - '0');
			digits[i]++;
		} else {
			return false;
		}
	}
	if (i != 2 || digits[0] > 2 || digits[1] > 2 || digits[2] != 4)
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", part[2], part[1], part[0]);
	return true;
}

int
survey_answer_from_cells(const struct survey_def *d, int question, const struct str *cells,
    int cell_n, struct arena *a, struct survey_answers *ans, struct errors *e)
{
	const struct survey_question *q = &d->questions[question];
	struct survey_answer *an = &ans->a[question];
	struct str values[SURVEY_OPTIONS_MAX], none = { "", 0 };
	struct str t = str_trim(unguarded(cell_n > 0 ? cells[0] : none));
	char date[11];
	double v;
	int i, k, n, rc;

	memset(an, 0, sizeof(*an));
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
	case SQ_MULTIPLE:
	case SQ_RANKING:
		n = 0;
		if (t.n == 0) {
			/* no answer, though "other" may still be said */
		} else if (q->type == SQ_MULTIPLE || q->type == SQ_RANKING) {
			if ((rc = cell_options(q, t, values, &n, e)) != 0)
				return rc;
		} else if ((k = option_named(q, t)) >= 0) {
			values[n++] = q->options[k].value;
		} else {
			return not_an_option(q, t, e);
		}
		if ((rc = set_choices(q, values, n, a, an, e)) != 0)
			return rc;
		return set_other(q, unguarded(cell_n > 1 ? cells[1] : none), a, an, e);
	case SQ_RATING:
	case SQ_NUMBER:
		if (t.n == 0)
			return 0;
		if (parse_number(t, &v) != 0) {
			answer_error(e, q, "%s", N_("Enter a number, like 12 or 3.5"));
			return ERR_INVALID;
		}
		return set_number(q, v, an, e);
	case SQ_DATE:
		if (t.n == 0)
			return 0;
		if (!cell_date(t, date)) {
			answer_error(e, q, "%s", N_("Enter a date as YYYY-MM-DD or DD/MM/YYYY"));
			return ERR_INVALID;
		}
		return set_text(q, str_c(date), a, an, e);
	case SQ_POSTCODE:
	case SQ_TEXT:
	case SQ_LONG_TEXT:
		return set_text(q, unguarded(cell_n > 0 ? cells[0] : none), a, an, e);
	case SQ_GRID:
		if ((an->grid = arena_array(a, (size_t)q->row_n, sizeof(int))) == NULL)
			return ERR_NOMEM;
		for (i = 0; i < q->row_n; i++) {
			t = str_trim(unguarded(i < cell_n ? cells[i] : none));
			an->grid[i] = -1;
			if (t.n == 0)
				continue;
			if ((k = option_named(q, t)) < 0)
				return not_an_option(q, t, e);
			an->grid[i] = k;
			an->given = true;
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- conditions and the path ---------------------------------------------------------- */

/* Conditions judged on the answers shown so far: `on` masks the rest
 * (NULL: every answer counts). */
static bool
holds(const struct survey_def *d, const struct survey_cond *c, const struct survey_answers *ans,
    const bool *on)
{
	const struct survey_question *q;
	const struct survey_answer *an;
	int i, k;

	switch (c->op) {
	case SC_ALL:
		for (i = 0; i < c->term_n; i++)
			if (!holds(d, &c->terms[i], ans, on))
				return false;
		return true;
	case SC_ANY:
		for (i = 0; i < c->term_n; i++)
			if (holds(d, &c->terms[i], ans, on))
				return true;
		return false;
	default:
		break;
	}
	q = &d->questions[c->question];
	an = &ans->a[c->question];
	if (!an->given || (on != NULL && !on[c->question]))
		return c->op == SC_NOT_EQUALS;
	if (q->type == SQ_NUMBER || q->type == SQ_RATING) {
		switch (c->op) {
		case SC_EQUALS: return an->number == c->number;
		case SC_NOT_EQUALS: return an->number != c->number;
		case SC_LESS_THAN: return an->number < c->number;
		case SC_GREATER_THAN: return an->number > c->number;
		default: return false;
		}
	}
	if (survey_qtype_has_options(q->type)) {
		k = survey_option_index(q, c->value);
		switch (c->op) {
		case SC_EQUALS:
			return an->choice_n == 1 && an->choices[0] == k;
		case SC_NOT_EQUALS:
			return !(an->choice_n == 1 && an->choices[0] == k);
		case SC_INCLUDES:
			for (i = 0; i < an->choice_n; i++)
				if (an->choices[i] == k)
					return true;
			return false;
		default:
			return false;
		}
	}
	/* Text, postcode and date (YYYY-MM-DD orders as text). */
	switch (c->op) {
	case SC_EQUALS: return str_eq(an->text, c->value);
	case SC_NOT_EQUALS: return !str_eq(an->text, c->value);
	case SC_LESS_THAN:
	case SC_GREATER_THAN: {
		int cmp = memcmp(an->text.p, c->value.p, an->text.n < c->value.n ? an->text.n :
		    c->value.n);

		if (cmp == 0)
			cmp = (an->text.n > c->value.n) - (an->text.n < c->value.n);
		return c->op == SC_LESS_THAN ? cmp < 0 : cmp > 0;
	}
	default:
		return false;
	}
}

bool
survey_cond_holds(const struct survey_def *d, const struct survey_cond *c,
    const struct survey_answers *ans)
{
	return holds(d, c, ans, NULL);
}

static int
next_page(const struct survey_def *d, int page, const struct survey_answers *ans,
    const bool *on)
{
	const struct survey_page *p = &d->pages[page];
	int i;

	for (i = 0; i < p->rule_n; i++)
		if (p->rules[i].when == NULL || holds(d, p->rules[i].when, ans, on))
			return p->rules[i].go_to;
	return page + 1 < d->page_n ? page + 1 : SURVEY_END;
}

void
survey_path(const struct survey_def *d, const struct survey_answers *ans, bool *on,
    int *pages, int *page_n)
{
	int page = 0, i;

	memset(on, 0, d->question_n * sizeof(*on));
	*page_n = 0;
	/* Rules only go forward, so this ends within page_n steps. */
	while (page != SURVEY_END && page < d->page_n && *page_n < d->page_n) {
		const struct survey_page *p = &d->pages[page];

		pages[(*page_n)++] = page;
		for (i = p->first; i < p->first + p->question_n; i++)
			on[i] = d->questions[i].show_if == NULL ||
			    holds(d, d->questions[i].show_if, ans, on);
		page = next_page(d, page, ans, on);
	}
}

int
survey_next_page(const struct survey_def *d, int page, const struct survey_answers *ans)
{
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n;

	survey_path(d, ans, on, pages, &n);
	return next_page(d, page, ans, on);
}

static const char *
missing_message(const struct survey_question *q)
{
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
		return N_("Choose an answer");
	case SQ_MULTIPLE:
		return N_("Choose at least one answer");
	case SQ_RANKING:
		return N_("Rank at least one option");
	case SQ_GRID:
		return N_("Answer every row");
	case SQ_RATING:
		return N_("Choose a rating");
	case SQ_NUMBER:
		return N_("Enter a number");
	case SQ_DATE:
		return N_("Enter a date");
	case SQ_POSTCODE:
		return N_("Enter a postcode");
	default:
		return N_("Enter an answer");
	}
}

int
survey_answers_check(const struct survey_def *d, const struct survey_answers *ans, int page,
    struct errors *e)
{
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n, i, r, rc = 0;

	survey_path(d, ans, on, pages, &n);
	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];
		const struct survey_answer *an = &ans->a[i];

		if (page >= 0 && q->page != page)
			continue;
		if (an->given && !on[i]) {
			answer_error(e, q, "%s", N_("This question was skipped, so it cannot be answered"));
			rc = ERR_INVALID;
			continue;
		}
		if (!on[i] || !q->required)
			continue;
		if (!an->given) {
			answer_error(e, q, "%s", missing_message(q));
			rc = ERR_INVALID;
		} else if (q->type == SQ_GRID) {
			for (r = 0; r < q->row_n; r++)
				if (an->grid[r] < 0) {
					answer_error(e, q, "%s", N_("Answer every row"));
					rc = ERR_INVALID;
					break;
				}
		}
	}
	return rc;
}

void
survey_answers_prune(const struct survey_def *d, struct survey_answers *ans)
{
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n, i;

	survey_path(d, ans, on, pages, &n);
	for (i = 0; i < d->question_n; i++)
		if (!on[i])
			memset(&ans->a[i], 0, sizeof(ans->a[i]));
}

/* ---- writing ----------------------------------------------------------------------------- */

static json_t *
str_json(struct str s)
{
	return json_stringn(s.p ? s.p : "", s.n);
}

static json_t *
number_json(double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *
answer_json(const struct survey_question *q, const struct survey_answer *an)
{
	json_t *list;
	int i;

	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
		return str_json(q->options[an->choices[0]].value);
	case SQ_MULTIPLE:
	case SQ_RANKING:
		list = json_array();
		for (i = 0; i < an->choice_n; i++)
			json_array_append_new(list, str_json(q->options[an->choices[i]].value));
		return list;
	case SQ_RATING:
	case SQ_NUMBER:
		return number_json(an->number);
	case SQ_GRID:
		list = json_object();
		for (i = 0; i < q->row_n; i++)
			if (an->grid[i] >= 0)
				json_object_setn_new(list, q->rows[i].value.p, q->rows[i].value.n,
				    str_json(q->options[an->grid[i]].value));
		return list;
	default:
		return str_json(an->text);
	}
}

json_t *
survey_answers_to_json(const struct survey_def *d, const struct survey_answers *ans)
{
	json_t *o = json_object();
	int i;

	for (i = 0; o != NULL && i < d->question_n && i < ans->n; i++)
		if (ans->a[i].given)
			json_object_setn_new(o, d->questions[i].key.p, d->questions[i].key.n,
			    answer_json(&d->questions[i], &ans->a[i]));
	return o;
}

/*
 * The canonical text is written here directly rather than built as JSON
 * values and dumped: an import writes it for a million rows, and the
 * values' allocations were most of the cost.  It is byte for byte what
 * jansson's json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) writes of the
 * same answers (tests/unit/domain/test_survey.c holds the two together),
 * so texts written before and after read and compare alike.
 */

/* A JSON string as jansson writes one: ", \ and the control characters
 * escaped (\b \f \n \r \t, or \u00XX), everything else as it is. */
static void
add_json_text(struct buf *b, struct str s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p = s.p, *end = s.p + s.n, *run = p;
	char esc[7];

	buf_addch(b, '"');
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"': buf_add_c(b, "\\\""); break;
		case '\\': buf_add_c(b, "\\\\"); break;
		case '\b': buf_add_c(b, "\\b"); break;
		case '\f': buf_add_c(b, "\\f"); break;
		case '\n': buf_add_c(b, "\\n"); break;
		case '\r': buf_add_c(b, "\\r"); break;
		case '\t': buf_add_c(b, "\\t"); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			buf_add(b, esc, 6);
		}
	}
	buf_add(b, run, (size_t)(end - run));
	buf_addch(b, '"');
}

/* A number as number_json makes it and jansson writes it: a whole number
 * below 1e15 as an integer, anything else with 17 significant digits, a
 * ".0" when it would read back as an integer, the exponent without "+"
 * or leading zeros. */
static void
add_json_number(struct buf *b, double v)
{
	char text[64], *e, *from, *to;

	if (v == floor(v) && fabs(v) < 1e15) {
		buf_printf(b, "%lld", (long long)v);
		return;
	}
	snprintf(text, sizeof(text) - 2, "%.17g", v);
	if (strchr(text, '.') == NULL && strchr(text, 'e') == NULL)
		strcat(text, ".0");
	if ((e = strchr(text, 'e')) != NULL) {
		to = e + 1 + (e[1] == '-');
		for (from = e + 2; *from == '0'; from++)
			;
		memmove(to, from, strlen(from) + 1);
	}
	buf_add_c(b, text);
}

static void
add_answer(struct buf *b, const struct survey_question *q, const struct survey_answer *an)
{
	int i;
	bool first;

	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
		add_json_text(b, q->options[an->choices[0]].value);
		break;
	case SQ_MULTIPLE:
	case SQ_RANKING:
		buf_addch(b, '[');
		for (i = 0; i < an->choice_n; i++) {
			if (i > 0)
				buf_addch(b, ',');
			add_json_text(b, q->options[an->choices[i]].value);
		}
		buf_addch(b, ']');
		break;
	case SQ_RATING:
	case SQ_NUMBER:
		add_json_number(b, an->number);
		break;
	case SQ_GRID:
		buf_addch(b, '{');
		for (i = 0, first = true; i < q->row_n; i++) {
			if (an->grid[i] < 0)
				continue;
			if (!first)
				buf_addch(b, ',');
			first = false;
			add_json_text(b, q->rows[i].value);
			buf_addch(b, ':');
			add_json_text(b, q->options[an->grid[i]].value);
		}
		buf_addch(b, '}');
		break;
	default:
		add_json_text(b, an->text);
	}
}

void
survey_answers_write(const struct survey_def *d, const struct survey_answers *ans,
    struct buf *b)
{
	bool first = true;
	int i;

	buf_add_c(b, "{\"answers\":{");
	for (i = 0; i < d->question_n && i < ans->n; i++) {
		if (!ans->a[i].given)
			continue;
		if (!first)
			buf_addch(b, ',');
		first = false;
		add_json_text(b, d->questions[i].key);
		buf_addch(b, ':');
		add_answer(b, &d->questions[i], &ans->a[i]);
	}
	buf_add_c(b, "},\"other\":{");
	for (i = 0, first = true; i < d->question_n && i < ans->n; i++) {
		if (!ans->a[i].given || ans->a[i].other.n == 0)
			continue;
		if (!first)
			buf_addch(b, ',');
		first = false;
		add_json_text(b, d->questions[i].key);
		buf_addch(b, ':');
		add_json_text(b, ans->a[i].other);
	}
	buf_add_c(b, "}}");
}

/* ---- counting ---------------------------------------------------------------------------- */

static int
item(survey_tally_fn fn, void *arg, struct str question, struct str row, struct str value,
    double total)
{
	struct survey_tally_item it = { question, row, value, 1, total };

	return fn(arg, &it);
}

int
survey_answers_tally(const struct survey_def *d, const struct survey_answers *ans,
    survey_tally_fn fn, void *arg)
{
	static const struct str none = { "", 0 };
	char number[32];
	int i, j, rc;

	if ((rc = item(fn, arg, none, none, none, 0)) != 0)
		return rc;
	for (i = 0; i < d->question_n && i < ans->n; i++) {
		const struct survey_question *q = &d->questions[i];
		const struct survey_answer *an = &ans->a[i];
		double total = 0;

		if (!an->given)
			continue;
		if (q->type == SQ_NUMBER || q->type == SQ_RATING)
			total = an->number;
		if ((rc = item(fn, arg, q->key, none, none, total)) != 0)
			return rc;
		switch (q->type) {
		case SQ_SINGLE:
		case SQ_LIKERT:
		case SQ_FFT:
		case SQ_MULTIPLE:
		case SQ_RANKING:
			for (j = 0; j < an->choice_n; j++)
				if ((rc = item(fn, arg, q->key, none, q->options[an->choices[j]].value,
				    q->type == SQ_RANKING ? j + 1 : 0)) != 0)
					return rc;
			break;
		case SQ_RATING:
			snprintf(number, sizeof(number), "%d", (int)an->number);
			if ((rc = item(fn, arg, q->key, none, str_c(number), 0)) != 0)
				return rc;
			break;
		case SQ_GRID:
			for (j = 0; j < q->row_n; j++)
				if (an->grid[j] >= 0 && (rc = item(fn, arg, q->key, q->rows[j].value,
				    q->options[an->grid[j]].value, 0)) != 0)
					return rc;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* ---- for people ---------------------------------------------------------------------------- */

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December",
};

void
survey_answer_display(const struct survey_def *d, int question,
    const struct survey_answers *ans, struct buf *b)
{
	const struct survey_question *q = &d->questions[question];
	const struct survey_answer *an = &ans->a[question];
	char number[40];
	bool first;
	int i;

	if (!an->given)
		return;
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
	case SQ_MULTIPLE:
	case SQ_RANKING:
		for (i = 0; i < an->choice_n; i++) {
			const struct survey_option *o = &q->options[an->choices[i]];

			if (i > 0)
				buf_add_c(b, "; ");
			if (q->type == SQ_RANKING)
				buf_printf(b, "%d. ", i + 1);
			buf_add_str(b, o->label);
			if (o->other && an->other.n > 0) {
				buf_add_c(b, ": ");
				buf_add_str(b, an->other);
			}
		}
		break;
	case SQ_RATING:
	case SQ_NUMBER:
		snprintf(number, sizeof(number), "%.10g", an->number);
		buf_add_c(b, number);
		break;
	case SQ_GRID:
		for (i = 0, first = true; i < q->row_n; i++) {
			if (an->grid[i] < 0)
				continue;
			if (!first)
				buf_add_c(b, "; ");
			first = false;
			buf_add_str(b, q->rows[i].label);
			buf_add_c(b, ": ");
			buf_add_str(b, q->options[an->grid[i]].label);
		}
		break;
	case SQ_DATE: {
		/* Checked YYYY-MM-DD (survey_date_valid). */
		const char *t = an->text.p;
		int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
		int m = (t[5] - '0') * 10 + (t[6] - '0'), dd = (t[8] - '0') * 10 + (t[9] - '0');

		buf_printf(b, "%d %s %d", dd, month_names[(m - 1) % 12], y);
		break;
	}
	default:
		buf_add_str(b, an->text);
		break;
	}
}
