/*
 * survey_def.c - a survey's definition read from JSON, checked, and
 * written back in canonical form (survey.h).
 *
 * The reader walks the JSON once.  Each page, question and condition is
 * checked where it is read, with its JSON path for the error, and
 * reading goes on after a problem so that one answer lists them all.
 * Conditions may name only questions before the point they decide
 * (show_if: an earlier question; a page's rules: a question on it or an
 * earlier page), and rules may only go forward, so a path through the
 * pages always ends and never loops.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/i18n.h"
#include "involve/survey.h"
#include "involve/text.h"

static const char *const qtype_names[SQ_TYPE_N] = {
	"single", "multiple", "likert", "fft", "rating", "number", "date", "postcode",
	"ranking", "grid", "text", "long_text", "info",
};

/* The Friends and Family Test's question has these six answers, in this
 * order, in every survey (NHS England's guidance). */
static const char *const fft_labels[] = {
	"Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know",
};
static const char *const likert_labels[] = {
	"Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree",
};
#define FFT_TEXT "Overall, how was your experience of our service?"
#define RATING_MIN_DEFAULT 1
#define RATING_MAX_DEFAULT 5
#define RATING_SPAN_MAX 10

const char *
survey_qtype_name(enum survey_qtype t)
{
	return (unsigned)t < SQ_TYPE_N ? qtype_names[t] : "unknown";
}

int
survey_qtype_parse(struct str s, enum survey_qtype *out)
{
	int i;

	for (i = 0; i < SQ_TYPE_N; i++)
		if (str_eq_c(s, qtype_names[i])) {
			*out = (enum survey_qtype)i;
			return 0;
		}
	return ERR_INVALID;
}

bool
survey_qtype_has_options(enum survey_qtype t)
{
	return t == SQ_SINGLE || t == SQ_MULTIPLE || t == SQ_LIKERT || t == SQ_FFT ||
	    t == SQ_RANKING || t == SQ_GRID;
}

bool
survey_qtype_is_free_text(enum survey_qtype t)
{
	return t == SQ_TEXT || t == SQ_LONG_TEXT;
}

bool
survey_question_has_text(const struct survey_question *q)
{
	int i;

	if (survey_qtype_is_free_text(q->type))
		return true;
	for (i = 0; i < q->option_n; i++)
		if (q->options[i].other)
			return true;
	return false;
}

/* ---- reading ---------------------------------------------------------------------- */

struct reader {
	struct arena *a;
	struct errors *e;
	struct survey_def *d;
	int64_t *next_id;
	int64_t max_id;     /* the largest id given in the JSON */
	int question_cap;
	bool nomem;
};

/* "PATH.member" or "PATH[i]", for error fields. */
static void
path_member(char *out, size_t size, const char *path, const char *member)
{
	/* A path too long for an error's field is cut short: still a pointer. */
	if (snprintf(out, size, "%s%s%s", path, *path ? "." : "", member) >= (int)size)
		out[size - 1] = '\0';
}

static void
path_index(char *out, size_t size, const char *path, int i)
{
	if (snprintf(out, size, "%s[%d]", path, i) >= (int)size)
		out[size - 1] = '\0';
}

static struct str
copy_str(struct reader *r, struct str s)
{
	struct str c = arena_str(r->a, s);

	if (s.n > 0 && c.p == NULL)
		r->nomem = true;
	return c;
}

/* Refuses members of o not in `known` (NULL-terminated). */
static void
check_members(struct reader *r, const json_t *o, const char *path, const char *const *known)
{
	const char *name;
	json_t *v;
	char field[ERROR_FIELD_MAX];
	int i;

	json_object_foreach((json_t *)o, name, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(name, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			path_member(field, sizeof(field), path, name);
			errors_add(r->e, field, N_("'%s' is not something this can have"), name);
		}
	}
}

/*
 * Reads text member `name` of o (absent: empty unless TEXT_REQUIRED),
 * checked with text_check, into *out (in the arena).  label names it in
 * messages ("the value"), not_text is the whole message for a member that
 * is not text; both marked N_().  -1 on a problem.
 */
static int
read_text(struct reader *r, const json_t *o, const char *path, const char *name,
    const char *label, const char *not_text, size_t max_chars, unsigned flags,
    struct str *out)
{
	json_t *v = json_object_get(o, name);
	char field[ERROR_FIELD_MAX];
	struct str s;

	*out = (struct str){ "", 0 };
	path_member(field, sizeof(field), path, name);
	if (v == NULL || json_is_null(v)) {
		if (flags & TEXT_REQUIRED) {
			errors_add(r->e, field, N_("Enter %s"), errors_text(r->e, label));
			return -1;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		errors_add(r->e, field, "%s", errors_text(r->e, not_text));
		return -1;
	}
	if (text_check((struct str){ json_string_value(v), json_string_length(v) }, field, label,
	    max_chars, flags, &s, r->e) != 0)
		return -1;
	*out = copy_str(r, s);
	return 0;
}

/* A key: a letter, then letters, digits and '_', at most SURVEY_KEY_MAX. */
static bool
key_valid(struct str k)
{
	size_t i;

	if (k.n == 0 || k.n > SURVEY_KEY_MAX)
		return false;
	if (!((k.p[0] >= 'a' && k.p[0] <= 'z') || (k.p[0] >= 'A' && k.p[0] <= 'Z')))
		return false;
	for (i = 1; i < k.n; i++) {
		char c = k.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			return false;
	}
	return true;
}

static bool
key_case_eq(struct str a, struct str b)
{
	return a.n == b.n && strncasecmp(a.p, b.p, a.n) == 0;
}

static int
read_key(struct reader *r, const json_t *o, const char *path, const char *no_key,
    struct str *out)
{
	json_t *v = json_object_get(o, "key");
	char field[ERROR_FIELD_MAX];
	struct str k;

	path_member(field, sizeof(field), path, "key");
	*out = (struct str){ "", 0 };
	if (v == NULL || !json_is_string(v)) {
		errors_add(r->e, field, "%s", errors_text(r->e, no_key));
		return -1;
	}
	k = (struct str){ json_string_value(v), json_string_length(v) };
	if (!key_valid(k)) {
		errors_add(r->e, field, N_("A key must start with a letter and have only letters, "
		    "digits and '_', at most %d of them"), SURVEY_KEY_MAX);
		return -1;
	}
	*out = copy_str(r, k);
	return 0;
}

static void
give_id(struct reader *r, struct survey_option *o)
{
	if (o->id == 0)
		o->id = (*r->next_id)++;
}

/* Reads an option or a row: a string (value and label both) or an object
 * {"id", "value", "label", "other"}; rows have no id or other. */
static int
read_choice(struct reader *r, const json_t *v, const char *path, bool is_row,
    struct survey_option *out)
{
	static const char *const option_members[] = { "id", "value", "label", "other", NULL };
	static const char *const row_members[] = { "value", "label", NULL };
	const char *what = is_row ? N_("the row") : N_("the option");
	char field[ERROR_FIELD_MAX];
	json_t *id, *other;
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (json_is_string(v)) {
		struct str s;

		if (text_check((struct str){ json_string_value(v), json_string_length(v) }, path,
		    what, SURVEY_VALUE_MAX_CHARS, TEXT_REQUIRED, &s, r->e) != 0)
			return -1;
		out->value = out->label = copy_str(r, s);
		return 0;
	}
	if (!json_is_object(v)) {
		errors_add(r->e, path, is_row ?
		    N_("Give the row as text or as an object with a value and a label") :
		    N_("Give the option as text or as an object with a value and a label"));
		return -1;
	}
	check_members(r, v, path, is_row ? row_members : option_members);
	bad |= read_text(r, v, path, "value", N_("the value"), N_("The value must be text"),
	    SURVEY_VALUE_MAX_CHARS, TEXT_REQUIRED, &out->value);
	bad |= read_text(r, v, path, "label", N_("the label"), N_("The label must be text"),
	    SURVEY_LABEL_MAX_CHARS, 0, &out->label);
	if (out->label.n == 0)
		out->label = out->value;
	if (!is_row && (id = json_object_get(v, "id")) != NULL && !json_is_null(id)) {
		const char *t = json_is_string(id) ? json_string_value(id) : "";
		char *end;
		long long n = strtoll(t, &end, 10);

		path_member(field, sizeof(field), path, "id");
		if (*t == '\0' || *end != '\0' || n <= 0 || n > (1LL << 53)) {
			errors_add(r->e, field, N_("An option's id is a whole number as text, as "
			    "the survey gave it"));
			bad = -1;
		} else {
			out->id = n;
			if (n > r->max_id)
				r->max_id = n;
		}
	}
	if (!is_row && (other = json_object_get(v, "other")) != NULL) {
		path_member(field, sizeof(field), path, "other");
		if (!json_is_boolean(other)) {
			errors_add(r->e, field, N_("'other' is true or false"));
			bad = -1;
		} else
			out->other = json_is_true(other);
	}
	return bad ? -1 : 0;
}

/* Reads list `name` of options or rows into *out / *n (min..max of them);
 * values must differ. */
static int
read_choices(struct reader *r, const json_t *q, const char *path, const char *name, bool is_row,
    int min, int max, struct survey_option **out, int *n)
{
	json_t *list = json_object_get(q, name), *v;
	char field[ERROR_FIELD_MAX], item[ERROR_FIELD_MAX];
	size_t i;
	int j, others = 0, bad = 0;

	path_member(field, sizeof(field), path, name);
	*n = 0;
	*out = NULL;
	if (list == NULL || !json_is_array(list)) {
		errors_add(r->e, field, is_row ? N_("Give the rows as a list") :
		    N_("Give the options as a list"));
		return -1;
	}
	if ((int)json_array_size(list) < min || (int)json_array_size(list) > max) {
		errors_add(r->e, field, is_row ? N_("Give from %d to %d rows") :
		    N_("Give from %d to %d options"), min, max);
		return -1;
	}
	*out = arena_array(r->a, json_array_size(list), sizeof(**out));
	if (*out == NULL) {
		r->nomem = true;
		return -1;
	}
	json_array_foreach(list, i, v) {
		struct survey_option *o = &(*out)[*n];

		path_index(item, sizeof(item), field, (int)i);
		if (read_choice(r, v, item, is_row, o) != 0) {
			bad = -1;
			continue;
		}
		for (j = 0; j < *n; j++)
			if (str_eq((*out)[j].value, o->value)) {
				errors_add(r->e, item, is_row ?
				    N_("Two rows have the value '%.*s'") :
				    N_("Two options have the value '%.*s'"), (int)o->value.n,
				    o->value.p);
				bad = -1;
			}
		if (o->other && ++others > 1) {
			errors_add(r->e, item, N_("Only one option can be 'Other, please say'"));
			bad = -1;
		}
		(*n)++;
	}
	return bad;
}

/* Options that every question of its type has (fft, likert by default). */
static int
fixed_options(struct reader *r, const char *const *labels, int n, struct survey_option **out,
    int *count)
{
	int i;

	*out = arena_array(r->a, n, sizeof(**out));
	if (*out == NULL) {
		r->nomem = true;
		return -1;
	}
	for (i = 0; i < n; i++) {
		memset(&(*out)[i], 0, sizeof(**out));
		(*out)[i].value = (*out)[i].label = str_c(labels[i]);
	}
	*count = n;
	return 0;
}

/* A number member (absent: not set).  -1 when it is there but not a
 * number. */
static int
read_number(struct reader *r, const json_t *q, const char *path, const char *name, bool *has,
    double *out)
{
	json_t *v = json_object_get(q, name);
	char field[ERROR_FIELD_MAX];

	*has = false;
	if (v == NULL || json_is_null(v))
		return 0;
	path_member(field, sizeof(field), path, name);
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    fabs(json_number_value(v)) > 1e15) {
		errors_add(r->e, field, N_("'%s' must be a number"), name);
		return -1;
	}
	*has = true;
	*out = json_number_value(v);
	return 0;
}

bool
survey_date_valid(struct str s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, dim;
	size_t i;

	if (s.n != 10 || s.p[4] != '-' || s.p[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s.p[i] < '0' || s.p[i] > '9'))
			return false;
	y = atoi(s.p);
	m = (s.p[5] - '0') * 10 + (s.p[6] - '0');
	d = (s.p[8] - '0') * 10 + (s.p[9] - '0');
	if (y < 1800 || m < 1 || m > 12 || d < 1)
		return false;
	dim = days[m - 1] + (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
	return d <= dim;
}

static int
read_date_bound(struct reader *r, const json_t *q, const char *path, const char *name,
    struct str *out)
{
	json_t *v = json_object_get(q, name);
	char field[ERROR_FIELD_MAX];
	struct str s;

	*out = (struct str){ "", 0 };
	if (v == NULL || json_is_null(v))
		return 0;
	path_member(field, sizeof(field), path, name);
	s = json_is_string(v) ? (struct str){ json_string_value(v), json_string_length(v) } :
	    (struct str){ "", 0 };
	if (!survey_date_valid(s)) {
		errors_add(r->e, field, N_("'%s' must be a real date written YYYY-MM-DD"), name);
		return -1;
	}
	*out = copy_str(r, s);
	return 0;
}

/* ---- conditions --------------------------------------------------------------------- */

static const struct {
	const char *name;
	enum survey_cond_op op;
} cond_ops[] = {
	{ "equals", SC_EQUALS }, { "not_equals", SC_NOT_EQUALS }, { "includes", SC_INCLUDES },
	{ "less_than", SC_LESS_THAN }, { "greater_than", SC_GREATER_THAN },
};

/* Whether op may compare answers of type t. */
static bool
op_fits(enum survey_cond_op op, enum survey_qtype t)
{
	switch (op) {
	case SC_EQUALS:
	case SC_NOT_EQUALS:
		return t != SQ_MULTIPLE && t != SQ_RANKING && t != SQ_GRID && t != SQ_INFO;
	case SC_INCLUDES:
		return t == SQ_MULTIPLE || t == SQ_RANKING;
	case SC_LESS_THAN:
	case SC_GREATER_THAN:
		return t == SQ_NUMBER || t == SQ_RATING || t == SQ_DATE;
	default:
		return false;
	}
}

/* The value a comparison is against, checked against the question. */
static int
read_cond_value(struct reader *r, const json_t *v, const char *field,
    const struct survey_question *q, struct survey_cond *c)
{
	if (q->type == SQ_NUMBER || q->type == SQ_RATING) {
		if (!json_is_number(v)) {
			errors_add(r->e, field, N_("Compare '%.*s' with a number"), (int)q->key.n,
			    q->key.p);
			return -1;
		}
		c->number = json_number_value(v);
		return 0;
	}
	if (!json_is_string(v)) {
		errors_add(r->e, field, N_("Compare '%.*s' with text"), (int)q->key.n, q->key.p);
		return -1;
	}
	c->value = copy_str(r, (struct str){ json_string_value(v), json_string_length(v) });
	if (survey_qtype_has_options(q->type) && survey_option_index(q, c->value) < 0) {
		errors_add(r->e, field, N_("'%.*s' has no option with the value '%s'"),
		    (int)q->key.n, q->key.p, json_string_value(v));
		return -1;
	}
	if (q->type == SQ_DATE && !survey_date_valid(c->value)) {
		errors_add(r->e, field, N_("Compare a date with a date written YYYY-MM-DD"));
		return -1;
	}
	return 0;
}

/*
 * Reads a condition that may name questions before index `before` (in
 * d->questions as read so far).
 */
static struct survey_cond *
read_cond(struct reader *r, const json_t *v, const char *path, int before, int depth)
{
	struct survey_cond *c;
	char field[ERROR_FIELD_MAX], item[ERROR_FIELD_MAX];
	const char *group = NULL;
	json_t *terms, *qv, *t;
	size_t i, ops = 0;
	int qi, bad = 0;

	if (!json_is_object(v)) {
		errors_add(r->e, path, N_("A condition is an object such as {\"question\": \"q1\", "
		    "\"equals\": \"Yes\"}"));
		return NULL;
	}
	if ((c = arena_zalloc(r->a, sizeof(*c))) == NULL) {
		r->nomem = true;
		return NULL;
	}
	if (json_object_get(v, "all") != NULL)
		group = "all", c->op = SC_ALL;
	else if (json_object_get(v, "any") != NULL)
		group = "any", c->op = SC_ANY;
	if (group != NULL) {
		static const char *const known[] = { "all", "any", NULL };

		check_members(r, v, path, known);
		if (json_object_size(v) != 1) {
			errors_add(r->e, path,
			    N_("A condition has either 'all' or 'any', not both"));
			return NULL;
		}
		path_member(field, sizeof(field), path, group);
		terms = json_object_get(v, group);
		if (depth >= SURVEY_COND_DEPTH_MAX) {
			errors_add(r->e, field, N_("Conditions can be nested at most %d deep"),
			    SURVEY_COND_DEPTH_MAX);
			return NULL;
		}
		if (!json_is_array(terms) || json_array_size(terms) == 0 ||
		    json_array_size(terms) > SURVEY_COND_TERMS_MAX) {
			errors_add(r->e, field, N_("Give a list of 1 to %d conditions"),
			    SURVEY_COND_TERMS_MAX);
			return NULL;
		}
		c->terms = arena_array(r->a, json_array_size(terms), sizeof(*c->terms));
		if (c->terms == NULL) {
			r->nomem = true;
			return NULL;
		}
		json_array_foreach(terms, i, t) {
			struct survey_cond *sub;

			path_index(item, sizeof(item), field, (int)i);
			if ((sub = read_cond(r, t, item, before, depth + 1)) == NULL) {
				bad = 1;
				continue;
			}
			c->terms[c->term_n++] = *sub;
		}
		return bad ? NULL : c;
	}

	static const char *const known[] = { "question", "equals", "not_equals", "includes",
	    "less_than", "greater_than", NULL };
	check_members(r, v, path, known);
	path_member(field, sizeof(field), path, "question");
	qv = json_object_get(v, "question");
	if (!json_is_string(qv)) {
		errors_add(r->e, field, N_("Name the question the condition is about"));
		return NULL;
	}
	qi = -1;
	for (int k = 0; k < before; k++)
		if (str_eq_c(r->d->questions[k].key, json_string_value(qv))) {
			qi = k;
			break;
		}
	if (qi < 0) {
		errors_add(r->e, field, N_("A condition can only be about a question that comes "
		    "before it; there is no question '%s' before here"), json_string_value(qv));
		return NULL;
	}
	c->question = qi;
	for (i = 0; i < sizeof(cond_ops) / sizeof(cond_ops[0]); i++) {
		json_t *val = json_object_get(v, cond_ops[i].name);

		if (val == NULL)
			continue;
		ops++;
		c->op = cond_ops[i].op;
		path_member(item, sizeof(item), path, cond_ops[i].name);
		if (!op_fits(c->op, r->d->questions[qi].type)) {
			errors_add(r->e, item, N_("'%s' cannot be used with a %s question"),
			    cond_ops[i].name, survey_qtype_name(r->d->questions[qi].type));
			return NULL;
		}
		if (read_cond_value(r, val, item, &r->d->questions[qi], c) != 0)
			return NULL;
	}
	if (ops != 1) {
		errors_add(r->e, path, N_("A condition compares with one of equals, not_equals, "
		    "includes, less_than or greater_than"));
		return NULL;
	}
	return c;
}

/* ---- questions ------------------------------------------------------------------------ */

static int
read_options_of(struct reader *r, const json_t *jq, const char *path, struct survey_question *q)
{
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_MULTIPLE:
	case SQ_RANKING:
	case SQ_GRID:
		return read_choices(r, jq, path, "options", false, 2, SURVEY_OPTIONS_MAX,
		    &q->options, &q->option_n);
	case SQ_LIKERT:
		if (json_object_get(jq, "options") == NULL)
			return fixed_options(r, likert_labels, 5, &q->options, &q->option_n);
		return read_choices(r, jq, path, "options", false, 2, SURVEY_OPTIONS_MAX,
		    &q->options, &q->option_n);
	case SQ_FFT:
		return fixed_options(r, fft_labels, 6, &q->options, &q->option_n);
	default:
		if (json_object_get(jq, "options") != NULL) {
			char field[ERROR_FIELD_MAX];

			path_member(field, sizeof(field), path, "options");
			errors_add(r->e, field, N_("A %s question has no options"),
			    survey_qtype_name(q->type));
			return -1;
		}
		return 0;
	}
}

/* FFT options read back from the store keep their ids: take each fixed
 * option's id from the JSON when it is there. */
static void
fft_keep_ids(struct reader *r, const json_t *jq, struct survey_question *q)
{
	json_t *list = json_object_get(jq, "options"), *v;
	size_t i;

	if (!json_is_array(list))
		return;
	json_array_foreach(list, i, v) {
		json_t *id = json_object_get(v, "id"), *value = json_object_get(v, "value");
		int k;

		if (!json_is_string(id) || !json_is_string(value))
			continue;
		k = survey_option_index(q, str_c(json_string_value(value)));
		if (k >= 0) {
			long long n = strtoll(json_string_value(id), NULL, 10);

			if (n > 0 && n <= (1LL << 53)) {
				q->options[k].id = n;
				if (n > r->max_id)
					r->max_id = n;
			}
		}
	}
}

static int
read_bounds(struct reader *r, const json_t *jq, const char *path, struct survey_question *q)
{
	char field[ERROR_FIELD_MAX];
	int bad = 0;

	if (q->type == SQ_DATE) {
		bad |= read_date_bound(r, jq, path, "min", &q->min_date);
		bad |= read_date_bound(r, jq, path, "max", &q->max_date);
		q->has_min = q->min_date.n > 0;
		q->has_max = q->max_date.n > 0;
		if (!bad && q->has_min && q->has_max &&
		    memcmp(q->min_date.p, q->max_date.p, 10) > 0) {
			path_member(field, sizeof(field), path, "max");
			errors_add(r->e, field,
			    N_("The latest date must not be before the earliest"));
			bad = -1;
		}
		return bad;
	}
	if (q->type != SQ_NUMBER && q->type != SQ_RATING && q->type != SQ_MULTIPLE) {
		if (json_object_get(jq, "min") != NULL || json_object_get(jq, "max") != NULL) {
			path_member(field, sizeof(field), path, "min");
			errors_add(r->e, field, N_("A %s question has no minimum or maximum"),
			    survey_qtype_name(q->type));
			return -1;
		}
		return 0;
	}
	bad |= read_number(r, jq, path, "min", &q->has_min, &q->min);
	bad |= read_number(r, jq, path, "max", &q->has_max, &q->max);
	if (bad)
		return -1;
	path_member(field, sizeof(field), path, "max");
	if (q->type == SQ_RATING) {
		if (!q->has_min)
			q->min = RATING_MIN_DEFAULT;
		if (!q->has_max)
			q->max = RATING_MAX_DEFAULT;
		q->has_min = q->has_max = true;
		if (q->min != floor(q->min) || q->max != floor(q->max) || q->max <= q->min ||
		    q->max - q->min > RATING_SPAN_MAX) {
			errors_add(r->e, field, N_("A rating goes from one whole number to a "
			    "larger one, at most %d steps apart"), RATING_SPAN_MAX);
			return -1;
		}
	} else if (q->type == SQ_MULTIPLE) {
		if ((q->has_min && (q->min != floor(q->min) || q->min < 1 ||
		    q->min > q->option_n)) || (q->has_max && (q->max != floor(q->max) ||
		    q->max < 1 || q->max > q->option_n))) {
			errors_add(r->e, field, N_("How many options may be chosen is a whole "
			    "number from 1 to the number of options"));
			return -1;
		}
	}
	if (q->has_min && q->has_max && q->max < q->min) {
		errors_add(r->e, field, N_("The maximum must not be less than the minimum"));
		return -1;
	}
	return 0;
}

/* A grid's rows are read as options are, without ids. */
static int
read_rows(struct reader *r, const json_t *jq, const char *path, struct survey_question *q)
{
	struct survey_option *tmp;
	int i, n, rc;

	rc = read_choices(r, jq, path, "rows", true, 1, SURVEY_ROWS_MAX, &tmp, &n);
	if (rc != 0)
		return rc;
	if ((q->rows = arena_array(r->a, n, sizeof(*q->rows))) == NULL) {
		r->nomem = true;
		return -1;
	}
	for (i = 0; i < n; i++) {
		q->rows[i].value = tmp[i].value;
		q->rows[i].label = tmp[i].label;
	}
	q->row_n = n;
	return 0;
}

static int
read_question(struct reader *r, const json_t *jq, const char *path, int page)
{
	static const char *const known[] = { "key", "type", "text", "help", "required",
	    "options", "rows", "min", "max", "show_if", NULL };
	struct survey_question *q = &r->d->questions[r->d->question_n];
	char field[ERROR_FIELD_MAX];
	json_t *type, *req, *show;
	int k, bad = 0;

	memset(q, 0, sizeof(*q));
	q->page = page;
	if (!json_is_object(jq)) {
		errors_add(r->e, path,
		    N_("A question is an object with a key, a type and its text"));
		return -1;
	}
	check_members(r, jq, path, known);
	bad |= read_key(r, jq, path, N_("Give the question a key: a short name such as 'q1'"),
	    &q->key);
	for (k = 0; !bad && k < r->d->question_n; k++)
		if (key_case_eq(r->d->questions[k].key, q->key)) {
			path_member(field, sizeof(field), path, "key");
			errors_add(r->e, field, N_("Two questions have the key '%.*s'"),
			    (int)q->key.n, q->key.p);
			bad = -1;
		}
	path_member(field, sizeof(field), path, "type");
	type = json_object_get(jq, "type");
	if (!json_is_string(type) || survey_qtype_parse(str_c(json_string_value(type)),
	    &q->type) != 0) {
		errors_add(r->e, field, N_("The type must be one of single, multiple, likert, fft, "
		    "rating, number, date, postcode, ranking, grid, text, long_text or info"));
		return -1;
	}
	if (q->type == SQ_INFO)
		bad |= read_text(r, jq, path, "text", N_("the information"),
		    N_("The information must be text"), SURVEY_INFO_MAX_CHARS,
		    TEXT_REQUIRED | TEXT_MULTILINE, &q->text);
	else if (q->type == SQ_FFT && json_object_get(jq, "text") == NULL)
		q->text = str_c(FFT_TEXT);
	else
		bad |= read_text(r, jq, path, "text", N_("the question"),
		    N_("The question must be text"), SURVEY_TEXT_MAX_CHARS, TEXT_REQUIRED,
		    &q->text);
	bad |= read_text(r, jq, path, "help", N_("the help text"), N_("The help text must be text"),
	    SURVEY_HELP_MAX_CHARS, TEXT_MULTILINE, &q->help);
	if ((req = json_object_get(jq, "required")) != NULL) {
		path_member(field, sizeof(field), path, "required");
		if (!json_is_boolean(req)) {
			errors_add(r->e, field, N_("'required' is true or false"));
			bad = -1;
		} else if (json_is_true(req) && q->type == SQ_INFO) {
			errors_add(r->e, field, N_("Information text has no answer to require"));
			bad = -1;
		} else
			q->required = json_is_true(req);
	}
	bad |= read_options_of(r, jq, path, q);
	if (q->type == SQ_FFT && q->options != NULL)
		fft_keep_ids(r, jq, q);
	if (q->type == SQ_GRID)
		bad |= read_rows(r, jq, path, q);
	else if (json_object_get(jq, "rows") != NULL) {
		path_member(field, sizeof(field), path, "rows");
		errors_add(r->e, field, N_("Only a grid question has rows"));
		bad = -1;
	}
	if (!bad)
		bad |= read_bounds(r, jq, path, q);
	if ((show = json_object_get(jq, "show_if")) != NULL && !json_is_null(show)) {
		path_member(field, sizeof(field), path, "show_if");
		if ((q->show_if = read_cond(r, show, field, r->d->question_n, 0)) == NULL)
			bad = -1;
	}
	return bad ? -1 : 0;
}

/* ---- pages ------------------------------------------------------------------------------- */

/* A rule's go_to, resolved once every page key is known. */
struct pending_goto {
	struct survey_rule *rule;
	int page;
	struct str target;
	char field[ERROR_FIELD_MAX];
};

static int
read_rules(struct reader *r, const json_t *jp, const char *path, int page,
    struct pending_goto *pend, int *pend_n)
{
	static const char *const known[] = { "if", "go_to", NULL };
	struct survey_page *p = &r->d->pages[page];
	json_t *next = json_object_get(jp, "next"), *jr, *go, *cond;
	char field[ERROR_FIELD_MAX], item[ERROR_FIELD_MAX], sub[ERROR_FIELD_MAX];
	size_t i;
	int bad = 0;

	if (next == NULL || json_is_null(next))
		return 0;
	path_member(field, sizeof(field), path, "next");
	if (!json_is_array(next) || json_array_size(next) > SURVEY_RULES_MAX) {
		errors_add(r->e, field, N_("Give the page's rules as a list of at most %d"),
		    SURVEY_RULES_MAX);
		return -1;
	}
	p->rules = arena_array(r->a, json_array_size(next) + 1, sizeof(*p->rules));
	if (p->rules == NULL) {
		r->nomem = true;
		return -1;
	}
	json_array_foreach(next, i, jr) {
		struct survey_rule *rule = &p->rules[p->rule_n];

		path_index(item, sizeof(item), field, (int)i);
		if (!json_is_object(jr)) {
			errors_add(r->e, item, N_("A rule is an object {\"if\": CONDITION, "
			    "\"go_to\": PAGE KEY or \"end\"}"));
			bad = -1;
			continue;
		}
		check_members(r, jr, item, known);
		rule->when = NULL;
		if ((cond = json_object_get(jr, "if")) != NULL && !json_is_null(cond)) {
			path_member(sub, sizeof(sub), item, "if");
			if ((rule->when = read_cond(r, cond, sub, r->d->question_n, 0)) == NULL)
				bad = -1;
		}
		path_member(sub, sizeof(sub), item, "go_to");
		go = json_object_get(jr, "go_to");
		if (!json_is_string(go)) {
			errors_add(r->e, sub, N_("Name the page to go to, or \"end\""));
			bad = -1;
			continue;
		}
		pend[*pend_n].rule = rule;
		pend[*pend_n].page = page;
		pend[*pend_n].target = copy_str(r, (struct str){ json_string_value(go),
		    json_string_length(go) });
		memcpy(pend[*pend_n].field, sub, sizeof(sub));
		(*pend_n)++;
		p->rule_n++;
	}
	return bad;
}

static int
read_page(struct reader *r, const json_t *jp, const char *path, int page,
    struct pending_goto *pend, int *pend_n)
{
	static const char *const known[] = { "key", "title", "questions", "next", NULL };
	struct survey_page *p = &r->d->pages[page];
	char field[ERROR_FIELD_MAX], item[ERROR_FIELD_MAX];
	json_t *qs, *jq;
	size_t i;
	int k, bad = 0;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(jp)) {
		errors_add(r->e, path, N_("A page is an object with a key and its questions"));
		return -1;
	}
	check_members(r, jp, path, known);
	bad |= read_key(r, jp, path, N_("Give the page a key: a short name such as 'q1'"),
	    &p->key);
	for (k = 0; !bad && k < page; k++)
		if (key_case_eq(r->d->pages[k].key, p->key)) {
			path_member(field, sizeof(field), path, "key");
			errors_add(r->e, field, N_("Two pages have the key '%.*s'"), (int)p->key.n,
			    p->key.p);
			bad = -1;
		}
	bad |= read_text(r, jp, path, "title", N_("the page title"),
	    N_("The page title must be text"), SURVEY_TEXT_MAX_CHARS, 0, &p->title);
	path_member(field, sizeof(field), path, "questions");
	qs = json_object_get(jp, "questions");
	p->first = r->d->question_n;
	if (!json_is_array(qs) || json_array_size(qs) == 0) {
		errors_add(r->e, field, N_("Give the page at least one question"));
		return -1;
	}
	json_array_foreach(qs, i, jq) {
		path_index(item, sizeof(item), field, (int)i);
		if (r->d->question_n >= r->question_cap) {
			errors_add(r->e, item, N_("A survey can have at most %d questions"),
			    SURVEY_QUESTIONS_MAX);
			return -1;
		}
		if (read_question(r, jq, item, page) != 0)
			bad = -1;
		r->d->question_n++;
		p->question_n++;
	}
	bad |= read_rules(r, jp, path, page, pend, pend_n);
	return bad;
}

static int
resolve_gotos(struct reader *r, struct pending_goto *pend, int n)
{
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		int target;

		if (str_eq_c(pend[i].target, "end")) {
			pend[i].rule->go_to = SURVEY_END;
			continue;
		}
		target = survey_page_index(r->d, pend[i].target);
		if (target < 0) {
			errors_add(r->e, pend[i].field, N_("There is no page '%.*s' to go to"),
			    (int)pend[i].target.n, pend[i].target.p);
			bad = -1;
		} else if (target <= pend[i].page) {
			errors_add(r->e, pend[i].field, N_("A rule can only go forward, to a later "
			    "page: going to '%.*s' would make a loop"), (int)pend[i].target.n,
			    pend[i].target.p);
			bad = -1;
		} else
			pend[i].rule->go_to = target;
	}
	return bad;
}

/* Option ids must differ across the whole survey. */
static int
check_ids(struct reader *r)
{
	int i, j, k, l;

	for (i = 0; i < r->d->question_n; i++) {
		const struct survey_question *q = &r->d->questions[i];

		for (j = 0; j < q->option_n; j++)
			for (k = i; k < r->d->question_n; k++)
				for (l = k == i ? j + 1 : 0; l < r->d->questions[k].option_n; l++)
					if (q->options[j].id == r->d->questions[k].options[l].id) {
						errors_add(r->e, "pages",
						    N_("Two options have the id %lld"),
						    (long long)q->options[j].id);
						return -1;
					}
	}
	return 0;
}

int
survey_def_from_json(const json_t *pages, int64_t *next_option_id, struct arena *a,
    struct survey_def *out, struct errors *e)
{
	struct reader r = { .a = a, .e = e, .d = out, .next_id = next_option_id };
	struct pending_goto *pend;
	json_t *jp;
	size_t i, rules = 0, questions = 0;
	char path[ERROR_FIELD_MAX];
	int bad = 0, q, o;

	memset(out, 0, sizeof(*out));
	if (*next_option_id < 1)
		*next_option_id = 1;
	if (!json_is_array(pages) || json_array_size(pages) == 0 ||
	    json_array_size(pages) > SURVEY_PAGES_MAX) {
		errors_add(e, "pages", N_("Give the survey's pages as a list of 1 to %d"),
		    SURVEY_PAGES_MAX);
		return ERR_INVALID;
	}
	json_array_foreach(pages, i, jp) {
		json_t *qs = json_object_get(jp, "questions"), *nx = json_object_get(jp, "next");

		questions += json_is_array(qs) ? json_array_size(qs) : 0;
		rules += json_is_array(nx) ? json_array_size(nx) : 0;
	}
	r.question_cap = questions < SURVEY_QUESTIONS_MAX ? (int)questions : SURVEY_QUESTIONS_MAX;
	out->pages = arena_array(a, json_array_size(pages), sizeof(*out->pages));
	out->questions = arena_array(a, r.question_cap + 1, sizeof(*out->questions));
	pend = arena_array(a, rules + 1, sizeof(*pend));
	if (out->pages == NULL || out->questions == NULL || pend == NULL)
		return ERR_NOMEM;
	int pend_n = 0;

	json_array_foreach(pages, i, jp) {
		path_index(path, sizeof(path), "pages", (int)i);
		if (read_page(&r, jp, path, (int)i, pend, &pend_n) != 0)
			bad = -1;
		out->page_n++;
		if (out->question_n >= r.question_cap && questions > SURVEY_QUESTIONS_MAX) {
			errors_add(e, "pages", N_("A survey can have at most %d questions"),
			    SURVEY_QUESTIONS_MAX);
			return ERR_INVALID;
		}
	}
	if (r.nomem)
		return ERR_NOMEM;
	if (bad || errors_any(e))
		return ERR_INVALID;
	if (resolve_gotos(&r, pend, pend_n) != 0)
		return ERR_INVALID;
	if (*next_option_id <= r.max_id)
		*next_option_id = r.max_id + 1;
	for (q = 0; q < out->question_n; q++)
		for (o = 0; o < out->questions[q].option_n; o++)
			give_id(&r, &out->questions[q].options[o]);
	if (check_ids(&r) != 0)
		return ERR_INVALID;
	out->next_option_id = *next_option_id;
	return 0;
}

int
survey_def_parse(struct str text, struct arena *a, struct survey_def *out, struct errors *e)
{
	json_error_t jerr;
	json_t *pages;
	int64_t next = 1;
	int rc;

	pages = json_loadb(text.p, text.n, JSON_REJECT_DUPLICATES, &jerr);
	if (pages == NULL) {
		errors_add(e, "pages", N_("The survey's definition is not JSON: %s"), jerr.text);
		return ERR_INVALID;
	}
	rc = survey_def_from_json(pages, &next, a, out, e);
	json_decref(pages);
	return rc;
}

/* ---- looking things up ------------------------------------------------------------------ */

int
survey_question_index(const struct survey_def *d, struct str key)
{
	int i;

	for (i = 0; i < d->question_n; i++)
		if (str_eq(d->questions[i].key, key))
			return i;
	return -1;
}

int
survey_page_index(const struct survey_def *d, struct str key)
{
	int i;

	for (i = 0; i < d->page_n; i++)
		if (str_eq(d->pages[i].key, key))
			return i;
	return -1;
}

int
survey_option_index(const struct survey_question *q, struct str value)
{
	int i;

	for (i = 0; i < q->option_n; i++)
		if (str_eq(q->options[i].value, value))
			return i;
	return -1;
}

int
survey_row_index(const struct survey_question *q, struct str value)
{
	int i;

	for (i = 0; i < q->row_n; i++)
		if (str_eq(q->rows[i].value, value))
			return i;
	return -1;
}

/* ---- writing -------------------------------------------------------------------------- */

static json_t *
str_json(struct str s)
{
	return json_stringn(s.p ? s.p : "", s.n);
}

static json_t *
id_json(int64_t id)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)id);
	return json_string(text);
}

static const char *
op_name(enum survey_cond_op op)
{
	size_t i;

	for (i = 0; i < sizeof(cond_ops) / sizeof(cond_ops[0]); i++)
		if (cond_ops[i].op == op)
			return cond_ops[i].name;
	return op == SC_ALL ? "all" : "any";
}

static json_t *
cond_json(const struct survey_def *d, const struct survey_cond *c)
{
	const struct survey_question *q;
	json_t *o, *terms;
	int i;

	if (c->op == SC_ALL || c->op == SC_ANY) {
		terms = json_array();
		for (i = 0; i < c->term_n; i++)
			json_array_append_new(terms, cond_json(d, &c->terms[i]));
		return json_pack("{s:o}", op_name(c->op), terms);
	}
	q = &d->questions[c->question];
	o = json_pack("{s:o}", "question", str_json(q->key));
	if (q->type == SQ_NUMBER || q->type == SQ_RATING)
		json_object_set_new(o, op_name(c->op), json_real(c->number));
	else
		json_object_set_new(o, op_name(c->op), str_json(c->value));
	return o;
}

static json_t *
number_json(double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *
question_json(const struct survey_def *d, const struct survey_question *q)
{
	json_t *o, *list;
	int i;

	o = json_pack("{s:o, s:s, s:o, s:o, s:b}", "key", str_json(q->key), "type",
	    survey_qtype_name(q->type), "text", str_json(q->text), "help", str_json(q->help),
	    "required", q->required);
	if (o == NULL)
		return NULL;
	if (survey_qtype_has_options(q->type)) {
		list = json_array();
		for (i = 0; i < q->option_n; i++) {
			const struct survey_option *op = &q->options[i];
			json_t *jo = json_pack("{s:o, s:o, s:o}", "id", id_json(op->id), "value",
			    str_json(op->value), "label", str_json(op->label));

			if (op->other)
				json_object_set_new(jo, "other", json_true());
			json_array_append_new(list, jo);
		}
		json_object_set_new(o, "options", list);
	}
	if (q->type == SQ_GRID) {
		list = json_array();
		for (i = 0; i < q->row_n; i++)
			json_array_append_new(list, json_pack("{s:o, s:o}", "value",
			    str_json(q->rows[i].value), "label", str_json(q->rows[i].label)));
		json_object_set_new(o, "rows", list);
	}
	if (q->type == SQ_DATE) {
		if (q->has_min)
			json_object_set_new(o, "min", str_json(q->min_date));
		if (q->has_max)
			json_object_set_new(o, "max", str_json(q->max_date));
	} else {
		if (q->has_min)
			json_object_set_new(o, "min", number_json(q->min));
		if (q->has_max)
			json_object_set_new(o, "max", number_json(q->max));
	}
	if (q->show_if != NULL)
		json_object_set_new(o, "show_if", cond_json(d, q->show_if));
	return o;
}

json_t *
survey_def_to_json(const struct survey_def *d)
{
	json_t *pages = json_array();
	int p, i;

	if (pages == NULL)
		return NULL;
	for (p = 0; p < d->page_n; p++) {
		const struct survey_page *pg = &d->pages[p];
		json_t *qs = json_array(), *next = json_array();

		for (i = 0; i < pg->question_n; i++)
			json_array_append_new(qs, question_json(d, &d->questions[pg->first + i]));
		for (i = 0; i < pg->rule_n; i++) {
			const struct survey_rule *r = &pg->rules[i];
			json_t *jr = json_object();

			if (r->when != NULL)
				json_object_set_new(jr, "if", cond_json(d, r->when));
			json_object_set_new(jr, "go_to", r->go_to == SURVEY_END ? json_string("end") :
			    str_json(d->pages[r->go_to].key));
			json_array_append_new(next, jr);
		}
		json_array_append_new(pages, json_pack("{s:o, s:o, s:o, s:o}", "key",
		    str_json(pg->key), "title", str_json(pg->title), "questions", qs, "next", next));
	}
	return pages;
}

void
survey_def_write(const struct survey_def *d, struct buf *b)
{
	json_t *pages = survey_def_to_json(d);
	char *text;

	if (pages == NULL) {
		b->failed = true;
		return;
	}
	text = json_dumps(pages, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(pages);
	if (text == NULL) {
		b->failed = true;
		return;
	}
	buf_add_c(b, text);
	free(text);
}

/* ---- changes to a survey with responses ------------------------------------------------ */

int
survey_def_check_change(const struct survey_def *old, const struct survey_def *next,
    struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	int i, j, k, rc = 0;

	for (i = 0; i < old->question_n; i++) {
		const struct survey_question *q = &old->questions[i], *n;

		snprintf(field, sizeof(field), "%.*s", (int)q->key.n, q->key.p);
		if ((k = survey_question_index(next, q->key)) < 0) {
			errors_add(e, field, N_("The survey has responses, so the question '%.*s' "
			    "cannot be removed"), (int)q->key.n, q->key.p);
			rc = ERR_CONFLICT;
			continue;
		}
		n = &next->questions[k];
		if (n->type != q->type) {
			errors_add(e, field, N_("The survey has responses, so the question '%.*s' "
			    "cannot change its type"), (int)q->key.n, q->key.p);
			rc = ERR_CONFLICT;
			continue;
		}
		for (j = 0; j < q->option_n; j++)
			if (survey_option_index(n, q->options[j].value) < 0) {
				errors_add(e, field, N_("The survey has responses, so the option "
				    "'%.*s' of '%.*s' cannot be removed or change its value"),
				    (int)q->options[j].value.n, q->options[j].value.p, (int)q->key.n,
				    q->key.p);
				rc = ERR_CONFLICT;
			}
		for (j = 0; j < q->row_n; j++)
			if (survey_row_index(n, q->rows[j].value) < 0) {
				errors_add(e, field, N_("The survey has responses, so the row "
				    "'%.*s' of '%.*s' cannot be removed or change its value"),
				    (int)q->rows[j].value.n, q->rows[j].value.p, (int)q->key.n,
				    q->key.p);
				rc = ERR_CONFLICT;
			}
		if ((q->type == SQ_NUMBER || q->type == SQ_RATING) &&
		    ((n->has_min && (!q->has_min || n->min > q->min)) ||
		    (n->has_max && (!q->has_max || n->max < q->max)))) {
			errors_add(e, field, N_("The survey has responses, so the range of '%.*s' "
			    "can only grow"), (int)q->key.n, q->key.p);
			rc = ERR_CONFLICT;
		}
		if (!q->required && n->required) {
			errors_add(e, field, N_("The survey has responses, so '%.*s' cannot become "
			    "required"), (int)q->key.n, q->key.p);
			rc = ERR_CONFLICT;
		}
	}
	for (i = 0; i < next->question_n; i++) {
		const struct survey_question *n = &next->questions[i];

		if (survey_question_index(old, n->key) < 0 && n->required) {
			snprintf(field, sizeof(field), "%.*s", (int)n->key.n, n->key.p);
			errors_add(e, field, N_("The survey has responses, so a new question must "
			    "be optional"));
			rc = ERR_CONFLICT;
		}
	}
	return rc;
}

void
survey_def_adopt_ids(struct survey_def *next, const struct survey_def *old)
{
	int i, j, k, o;

	for (i = 0; i < next->question_n; i++) {
		struct survey_question *n = &next->questions[i];

		if ((k = survey_question_index(old, n->key)) < 0)
			continue;
		for (j = 0; j < n->option_n; j++) {
			o = survey_option_index(&old->questions[k], n->options[j].value);
			if (o >= 0)
				n->options[j].id = old->questions[k].options[o].id;
		}
	}
}
