/*
 * handlers_staff_survey_build.c - building a survey in the staff pages,
 * without JavaScript: a question added, changed, moved or deleted, or a
 * page added with its first question (a page's title and rules, and
 * deleting it, are in handlers_staff_survey_pages.c).
 *
 * Each form is turned into a change of the survey's whole definition as
 * JSON, saved through survey_edit.h, so the domain checks it as it checks
 * a PATCH: what a valid question, rule or condition is, and which changes
 * a survey with responses may take, are said in one place
 * (src/domain/survey_def.c).  Its errors, named by JSON paths, are shown
 * beside the field of the form they are about; an error about another
 * part of the survey (a rule elsewhere that names a question being
 * deleted) is said in the error summary with where it is.
 *
 * A new question is made in two steps, one thing per page: its type
 * (radios with hints), then a form with only the fields that type has.
 *
 *   /staff/surveys/{id}/pages/{page}/questions/new   a question at the end of a page
 *   /staff/surveys/{id}/pages/new?after=N            a new page after page N, with its question
 *   /staff/surveys/{id}/questions/{question}         a question changed (?type= another type)
 *   /staff/surveys/{id}/questions/{question}/type    ... choosing the other type
 *   /staff/surveys/{id}/questions/{question}/move    up or down, across pages
 *   /staff/surveys/{id}/questions/{question}/delete  (the page too, if it was its only one)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "handlers.h"
#include "pages.h"
#include "survey_edit.h"

#define PATH_MAX_LEN 256

static const char *const type_names[SQ_TYPE_N + 1] = { "single", "multiple", "likert", "fft",
	"rating", "number", "date", "postcode", "ranking", "grid", "text", "long_text", "info",
	NULL };
static const char *const direction_names[] = { "up", "down", NULL };

/* ---- where a question goes ----------------------------------------------------------------- */

enum place_kind {
	PLACE_EDIT,     /* question `place` of page `page` */
	PLACE_APPEND,   /* a new question at the end of page `page` */
	PLACE_NEW_PAGE, /* a new page at index `page` (after page `page` as people count) */
};

struct place {
	enum place_kind kind;
	int page;
	int place;
	int qi;         /* EDIT: the question's index in the definition */
};

/* The questions a condition at this place may name: those before it. */
static int
questions_before(const struct survey_edit *ed, const struct place *pl)
{
	switch (pl->kind) {
	case PLACE_EDIT:
		return pl->qi;
	case PLACE_APPEND:
		return ed->def.pages[pl->page].first + ed->def.pages[pl->page].question_n;
	default:
		return pl->page < ed->def.page_n ? ed->def.pages[pl->page].first : ed->def.question_n;
	}
}

/* The survey, and the place the route names; 0, or -1 with res filled. */
static int
load_place(struct http_request *req, struct http_response *res, enum place_kind kind,
    int64_t after, struct survey_edit *ed, struct place *pl)
{
	struct str key;

	if (survey_edit_load(req, res, ed) != 0)
		return -1;
	memset(pl, 0, sizeof(*pl));
	pl->kind = kind;
	switch (kind) {
	case PLACE_EDIT:
		key = http_param(req, "question");
		if (!survey_edit_find(ed, key, &pl->page, &pl->place))
			goto missing;
		pl->qi = ed->def.pages[pl->page].first + pl->place;
		break;
	case PLACE_APPEND:
		pl->page = (int)http_param_id(req, "page") - 1;
		if (pl->page < 0 || pl->page >= ed->def.page_n)
			goto missing;
		break;
	case PLACE_NEW_PAGE:
		if (after < 0 || after > ed->def.page_n)
			goto missing;
		pl->page = (int)after;
		break;
	}
	return 0;
missing:
	survey_edit_free(ed);
	reply_error(req, res, ERR_NOTFOUND, NULL);
	return -1;
}

static void
builder_href(char *out, size_t size, const struct survey *sv, const char *suffix)
{
	snprintf(out, size, "/staff/surveys/%lld%s", (long long)sv->id, suffix);
}

/* ---- the question form's fields ------------------------------------------------------------ */

struct question_form {
	int type;               /* enum survey_qtype; -1 when not chosen */
	struct str key, text, help, options, rows, min, max;
	bool required, other, drop_condition, choose;
	struct str if_question, if_value;
	int if_op;              /* an index of survey_edit_op_names; -1 when not sent */
	struct str page_title;  /* a new page's */
	int64_t after;          /* a new page goes after page `after` (0: first) */
	int64_t version;
};

#define QUESTION_FIELDS(TYPE_FLAGS, AFTER_FLAGS) \
	{ "type", INPUT_CHOICE, TYPE_FLAGS, offsetof(struct question_form, type), 0, 0, 0, \
	    type_names, N_("the type of question") }, \
	{ "after", INPUT_NUMBER, AFTER_FLAGS, offsetof(struct question_form, after), 0, 0, \
	    SURVEY_PAGES_MAX, NULL, N_("the page the new page follows") }
static const struct input_field question_fields[] = {
	QUESTION_FIELDS(0, 0),
	{ "key", INPUT_TEXT, 0, offsetof(struct question_form, key), 0, 0, 0, NULL, N_("the key") },
	{ "text", INPUT_TEXT, 0, offsetof(struct question_form, text), 0, 0, 0, NULL,
	    N_("the question") },
	{ "help", INPUT_TEXT, 0, offsetof(struct question_form, help), 0, 0, 0, NULL,
	    N_("the help text") },
	{ "required", INPUT_BOOL, 0, offsetof(struct question_form, required), 0, 0, 0, NULL,
	    N_("whether an answer is required") },
	{ "options", INPUT_TEXT, 0, offsetof(struct question_form, options), 0, 0, 0, NULL,
	    N_("the options") },
	{ "other", INPUT_BOOL, 0, offsetof(struct question_form, other), 0, 0, 0, NULL,
	    N_("whether there is \"Other, please say\"") },
	{ "rows", INPUT_TEXT, 0, offsetof(struct question_form, rows), 0, 0, 0, NULL,
	    N_("the rows") },
	{ "min", INPUT_TEXT, 0, offsetof(struct question_form, min), 0, 0, 0, NULL,
	    N_("the minimum") },
	{ "max", INPUT_TEXT, 0, offsetof(struct question_form, max), 0, 0, 0, NULL,
	    N_("the maximum") },
	{ "if_question", INPUT_TEXT, 0, offsetof(struct question_form, if_question), 0, 0, 0,
	    NULL, N_("the question the condition is about") },
	{ "if_op", INPUT_CHOICE, 0, offsetof(struct question_form, if_op), 0, 0, 0, survey_edit_op_names,
	    N_("the comparison") },
	{ "if_value", INPUT_TEXT, 0, offsetof(struct question_form, if_value), 0, 0, 0, NULL,
	    N_("the value to compare with") },
	{ "drop_condition", INPUT_BOOL, 0, offsetof(struct question_form, drop_condition), 0, 0,
	    0, NULL, N_("whether to remove the condition") },
	{ "page_title", INPUT_TEXT, 0, offsetof(struct question_form, page_title), 0, 0, 0, NULL,
	    N_("the page's title") },
	{ "version", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct question_form, version), 0, 0,
	    INT32_MAX, NULL, N_("the version") },
};
const struct input_spec staff_survey_question_input = { INPUT_FORM,
	(int)(sizeof(question_fields) / sizeof(question_fields[0])), question_fields };

/* The query of a question form's page: the type chosen, where a new page
 * goes, and whether the type's page was sent. */
static const struct input_field question_query_fields[] = {
	QUESTION_FIELDS(INPUT_QUERY, INPUT_QUERY),
	{ "choose", INPUT_BOOL, INPUT_QUERY, offsetof(struct question_form, choose), 0, 0, 0,
	    NULL, N_("whether a type was asked for") },
};
const struct input_spec staff_survey_question_query = { INPUT_FORM, 3, question_query_fields };

/* ---- the form from a stored question ------------------------------------------------------- */

/* The lines of labels of a list of options (or rows), "other" left out,
 * into b. */
static void
lines_of(const struct survey_option *o, int n, struct buf *b)
{
	int i;

	for (i = 0; i < n; i++) {
		if (o[i].other)
			continue;
		if (b->n > 0)
			buf_add_c(b, "\n");
		buf_add(b, o[i].label.p, o[i].label.n);
	}
}

static struct str
arena_buf(struct http_request *req, struct buf *b)
{
	struct str s = buf_ok(b) && b->n > 0 ? arena_str(&req->arena, (struct str){ b->p, b->n }) :
	    (struct str){ "", 0 };

	buf_free(b);
	return s.p != NULL ? s : (struct str){ "", 0 };
}

/* f as question qi of ed shows it (with the type `type`, which may be
 * another than its own). */
static void
form_from_question(struct http_request *req, const struct survey_edit *ed, int qi, int type,
    struct question_form *f)
{
	const struct survey_question *q = &ed->def.questions[qi];
	const struct survey_cond *c = q->show_if;
	struct buf b = BUF_INIT;
	int i;

	memset(f, 0, sizeof(*f));
	f->type = type;
	f->key = q->key;
	f->text = q->text;
	f->help = q->help;
	f->required = q->required;
	f->version = ed->sv->version;
	f->if_op = -1;
	/* FFT's words and options are fixed; another type starts without
	 * them. */
	if (q->type == SQ_FFT && type != SQ_FFT)
		f->text = (struct str){ "", 0 };
	if (q->type != SQ_FFT && q->type != SQ_RATING) {
		lines_of(q->options, q->option_n, &b);
		f->options = arena_buf(req, &b);
	}
	for (i = 0; i < q->option_n; i++)
		if (q->options[i].other)
			f->other = true;
	for (i = 0; i < q->row_n; i++) {
		if (i > 0)
			buf_add_c(&b, "\n");
		buf_add(&b, q->rows[i].label.p, q->rows[i].label.n);
	}
	f->rows = arena_buf(req, &b);
	if (q->type == SQ_DATE) {
		f->min = q->min_date;
		f->max = q->max_date;
	} else if ((int)q->type == type) {
		f->min = survey_edit_number_text(req, q->has_min, q->min);
		f->max = survey_edit_number_text(req, q->has_max, q->max);
	}
	if (c != NULL && c->op != SC_ALL && c->op != SC_ANY) {
		const struct survey_question *about = &ed->def.questions[c->question];

		f->if_question = about->key;
		f->if_op = (int)c->op;
		if (about->type == SQ_NUMBER || about->type == SQ_RATING)
			f->if_value = survey_edit_number_text(req, true, c->number);
		else
			f->if_value = c->value;
	}
}

/* ---- the form as JSON ----------------------------------------------------------------------- */

/* Calls fn for each line of text with something on it, trimmed. */
static int
each_line(struct str text, int (*fn)(void *arg, struct str line), void *arg)
{
	size_t start = 0, i;
	int rc;

	for (i = 0; i <= text.n; i++) {
		struct str line;

		if (i < text.n && text.p[i] != '\n')
			continue;
		line = str_trim((struct str){ text.p + start, i - start });
		start = i + 1;
		if (line.n > 0 && (rc = fn(arg, line)) != 0)
			return rc;
	}
	return 0;
}

struct choices {
	json_t *list;
	const json_t *old;  /* the stored question's options or rows, or NULL */
};

static bool
member_is(const json_t *o, const char *name, struct str s)
{
	const json_t *v = json_object_get(o, name);

	return json_is_string(v) && json_string_length(v) == s.n &&
	    memcmp(json_string_value(v), s.p, s.n) == 0;
}

/* One line as an option or a row: the stored one it names (by its label,
 * then its value) keeps its value, so its answers keep their meaning; any
 * other line is a new one, its words both value and label. */
static int
add_choice(void *arg, struct str line)
{
	struct choices *c = arg;
	const json_t *o, *match = NULL;
	size_t i;

	json_array_foreach(c->old, i, o)
		if (!json_is_true(json_object_get(o, "other")) && member_is(o, "label", line)) {
			match = o;
			break;
		}
	if (match == NULL)
		json_array_foreach(c->old, i, o)
			if (!json_is_true(json_object_get(o, "other")) && member_is(o, "value", line)) {
				match = o;
				break;
			}
	json_array_append_new(c->list, json_pack("{s:o, s:s%}", "value", match ?
	    json_incref(json_object_get(match, "value")) : json_stringn(line.p, line.n), "label",
	    line.p, line.n));
	return 0;
}

/*
 * The question the form describes, as the API's JSON; `old` is the stored
 * question's JSON (NULL for a new one), whose options keep their values
 * and whose combined condition is kept.  *other_index is the index of the
 * "Other, please say" option in its options, or -1.
 */
static json_t *
question_json(struct http_request *req, const struct survey_edit *ed,
    const struct question_form *f, const json_t *old, struct str key, int *other_index)
{
	enum survey_qtype t = (enum survey_qtype)f->type;
	json_t *q = json_object(), *old_show = old ? json_object_get(old, "show_if") : NULL;
	struct choices c;
	size_t i;
	json_t *o;

	*other_index = -1;
	json_object_set_new(q, "key", json_stringn(key.p, key.n));
	json_object_set_new(q, "type", json_string(type_names[t]));
	if (t != SQ_FFT || str_trim(f->text).n > 0)
		json_object_set_new(q, "text", json_stringn(f->text.p ? f->text.p : "", f->text.n));
	if (str_trim(f->help).n > 0)
		json_object_set_new(q, "help", json_stringn(f->help.p, f->help.n));
	if (t != SQ_INFO)
		json_object_set_new(q, "required", json_boolean(f->required));
	if (t == SQ_SINGLE || t == SQ_MULTIPLE || t == SQ_RANKING || t == SQ_GRID ||
	    (t == SQ_LIKERT && str_trim(f->options).n > 0)) {
		c.list = json_array();
		c.old = old ? json_object_get(old, "options") : NULL;
		each_line(f->options, add_choice, &c);
		if (f->other && (t == SQ_SINGLE || t == SQ_MULTIPLE)) {
			json_t *kept = NULL;

			json_array_foreach(c.old, i, o)
				if (json_is_true(json_object_get(o, "other")))
					kept = o;
			*other_index = (int)json_array_size(c.list);
			json_array_append_new(c.list, kept ? json_deep_copy(kept) :
			    json_pack("{s:s, s:s, s:b}", "value", "other", "label", tr(req, "Other"),
			    "other", 1));
		}
		json_object_set_new(q, "options", c.list);
	}
	if (t == SQ_GRID) {
		c.list = json_array();
		c.old = old ? json_object_get(old, "rows") : NULL;
		each_line(f->rows, add_choice, &c);
		json_object_set_new(q, "rows", c.list);
	}
	if (t == SQ_MULTIPLE || t == SQ_RATING || t == SQ_NUMBER || t == SQ_DATE) {
		if (str_trim(f->min).n > 0)
			json_object_set_new(q, "min", survey_edit_bound_json(f->min, t == SQ_DATE));
		if (str_trim(f->max).n > 0)
			json_object_set_new(q, "max", survey_edit_bound_json(f->max, t == SQ_DATE));
	}
	if (old_show != NULL && (json_object_get(old_show, "all") != NULL ||
	    json_object_get(old_show, "any") != NULL)) {
		/* A combined condition (made through the API) is kept unless
		 * staff remove it: the form writes only single ones. */
		if (!f->drop_condition)
			json_object_set(q, "show_if", old_show);
	} else if (str_trim(f->if_question).n > 0) {
		struct str about = str_trim(f->if_question);
		json_t *cond = json_object();

		json_object_set_new(cond, "question", json_stringn(about.p, about.n));
		json_object_set_new(cond, survey_edit_op_names[f->if_op >= 0 ? f->if_op : 0],
		    survey_edit_value_json(&ed->def, about, str_trim(f->if_value)));
		json_object_set_new(q, "show_if", cond);
	}
	return q;
}

/* ---- the domain's errors on the question form ------------------------------------------------ */

struct question_map {
	int other_index;
	const char *question; /* the question's path under the prefix ("" or ".questions[0]") */
};

/* ".options[3]" and the like, under the question, to the form's field. */
static void
question_field(const struct question_map *m, const char *rest, char *field, size_t size)
{
	static const struct {
		const char *path, *field;
	} fields[] = {
		{ ".key", "key" }, { ".text", "text" }, { ".help", "help" },
		{ ".required", "required" }, { ".rows", "rows" }, { ".min", "min" },
		{ ".max", "max" }, { ".show_if.question", "if_question" },
		{ ".show_if.all", "" }, { ".show_if.any", "" }, { ".show_if.", "if_value" },
		{ ".show_if", "if_question" },
	};
	int k;
	size_t i;

	if (strncmp(rest, ".options", 8) == 0) {
		snprintf(field, size, "%s", sscanf(rest, ".options[%d]", &k) == 1 &&
		    k == m->other_index ? "other" : "options");
		return;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strncmp(rest, fields[i].path, strlen(fields[i].path)) == 0) {
			snprintf(field, size, "%s", fields[i].field);
			return;
		}
}

static void
map_question(void *arg, const char *rest, char *field, size_t size)
{
	const struct question_map *m = arg;
	size_t n = strlen(m->question);

	if (strncmp(rest, m->question, n) == 0)
		question_field(m, rest + n, field, size);
	else if (strcmp(rest, ".title") == 0)
		snprintf(field, size, "page_title");
}

/* ---- the question form's pages ------------------------------------------------------------- */

static json_t *
type_value(struct http_request *req, int t)
{
	return json_pack("{s:s, s:s, s:s}", "name", type_names[t], "label",
	    survey_edit_type_name(req, (enum survey_qtype)t), "hint",
	    survey_edit_type_hint(req, (enum survey_qtype)t));
}

/* The questions a condition may name at pl, with f's choice selected. */
static json_t *
condition_questions(struct http_request *req, const struct survey_edit *ed,
    const struct place *pl, struct str chosen)
{
	json_t *list = json_array();
	char label[SURVEY_TEXT_MAX_CHARS * 4 + SURVEY_KEY_MAX + 8];
	int i, n = questions_before(ed, pl);

	(void)req;
	for (i = 0; i < n; i++) {
		const struct survey_question *q = &ed->def.questions[i];

		/* Information text has no answer, and a grid none to compare. */
		if (q->type == SQ_INFO || q->type == SQ_GRID)
			continue;
		snprintf(label, sizeof(label), "%.*s: %.*s", (int)q->key.n, q->key.p,
		    (int)(q->text.n > 80 ? 80 : q->text.n), q->text.p);
		json_array_append_new(list, json_pack("{s:o, s:o, s:b}", "value",
		    pages_string(q->key), "label", pages_string(str_c(label)), "selected",
		    str_eq(str_trim(chosen), q->key)));
	}
	return list;
}

static const char *const question_error_fields[] = { "key", "text", "help", "required",
	"options", "other", "rows", "min", "max", "if_question", "if_value", "page_title" };

static int
question_page(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, const struct place *pl, const struct question_form *f,
    const struct errors *e)
{
	struct auth *a = pages_staff(req);
	enum survey_qtype t = (enum survey_qtype)f->type;
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN], type_href[PATH_MAX_LEN + 32];
	char heading[128 + SURVEY_KEY_MAX];
	struct buf cond = BUF_INIT;
	json_t *ctx, *form, *errors = NULL;
	size_t i;

	builder_href(back, sizeof(back), ed->sv, "");
	switch (pl->kind) {
	case PLACE_EDIT:
		snprintf(heading, sizeof(heading), tr(req, "Change question %.*s"),
		    (int)ed->def.questions[pl->qi].key.n, ed->def.questions[pl->qi].key.p);
		snprintf(action, sizeof(action), "/staff/surveys/%lld/questions/%.*s",
		    (long long)ed->sv->id, (int)ed->def.questions[pl->qi].key.n,
		    ed->def.questions[pl->qi].key.p);
		snprintf(type_href, sizeof(type_href), "%s/type?type=%s", action, type_names[t]);
		break;
	case PLACE_APPEND:
		snprintf(heading, sizeof(heading), tr(req, "Add a question to page %d"),
		    pl->page + 1);
		snprintf(action, sizeof(action), "/staff/surveys/%lld/pages/%d/questions",
		    (long long)ed->sv->id, pl->page + 1);
		snprintf(type_href, sizeof(type_href), "%s/new", action);
		break;
	default:
		snprintf(heading, sizeof(heading), pl->page == 0 ?
		    tr(req, "Add a page at the start") : tr(req, "Add a page after page %d"),
		    pl->page);
		snprintf(action, sizeof(action), "/staff/surveys/%lld/pages", (long long)ed->sv->id);
		snprintf(type_href, sizeof(type_href), "%s/new?after=%d", action, pl->page);
		break;
	}
	ctx = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:I, s:b, s:i, s:{s:s}}", "title",
	    heading, "site", pages_staff_site(a), "survey_title", pages_string(ed->sv->title),
	    "heading", heading, "action", action, "type_href", type_href, "version",
	    (json_int_t)f->version, "new_page", pl->kind == PLACE_NEW_PAGE, "after", pl->page,
	    "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
	}
	form = json_pack("{s:o, s:o, s:o, s:o, s:b, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o}", "type", type_value(req, t), "key", pages_string(f->key), "text",
	    pages_string(f->text), "help", pages_string(f->help), "required", f->required,
	    "options", pages_string(f->options), "other", f->other, "rows",
	    pages_string(f->rows), "min", pages_string(f->min), "max", pages_string(f->max),
	    "if_value", pages_string(f->if_value), "page_title", pages_string(f->page_title),
	    "questions", condition_questions(req, ed, pl, f->if_question), "ops",
	    survey_edit_op_list(req, f->if_op));
	if (form == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	/* Which fields the type has. */
	json_object_set_new(form, "info", json_boolean(t == SQ_INFO));
	json_object_set_new(form, "fft", json_boolean(t == SQ_FFT));
	json_object_set_new(form, "has_options", json_boolean(t == SQ_SINGLE || t == SQ_MULTIPLE ||
	    t == SQ_RANKING || t == SQ_GRID || t == SQ_LIKERT));
	json_object_set_new(form, "likert", json_boolean(t == SQ_LIKERT));
	json_object_set_new(form, "grid", json_boolean(t == SQ_GRID));
	json_object_set_new(form, "has_other", json_boolean(t == SQ_SINGLE || t == SQ_MULTIPLE));
	json_object_set_new(form, "how_many", json_boolean(t == SQ_MULTIPLE));
	json_object_set_new(form, "range", json_boolean(t == SQ_NUMBER || t == SQ_RATING));
	json_object_set_new(form, "rating", json_boolean(t == SQ_RATING));
	json_object_set_new(form, "dates", json_boolean(t == SQ_DATE));
	json_object_set_new(form, "has_conditions", json_boolean(json_array_size(
	    json_object_get(form, "questions")) > 0 || f->if_question.n > 0));
	if (pl->kind == PLACE_EDIT && ed->def.questions[pl->qi].show_if != NULL &&
	    (ed->def.questions[pl->qi].show_if->op == SC_ALL ||
	    ed->def.questions[pl->qi].show_if->op == SC_ANY)) {
		survey_edit_cond_text(req, &ed->def, ed->def.questions[pl->qi].show_if, &cond);
		json_object_set_new(form, "combined", json_string(buf_cstr(&cond) ?
		    buf_cstr(&cond) : ""));
		json_object_set_new(form, "drop_condition", json_boolean(f->drop_condition));
	}
	buf_free(&cond);
	for (i = 0; i < sizeof(question_error_fields) / sizeof(question_error_fields[0]); i++) {
		char key[32];

		snprintf(key, sizeof(key), "%s_error", question_error_fields[i]);
		pages_copy_error(form, errors, question_error_fields[i], key);
	}
	json_object_set_new(ctx, "form", form);
	res->status = status;
	return page_render(req, res, "staff/survey_question", ctx);
}

/* The page that asks for a question's type: a GET form to `action`. */
static int
type_page(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, const struct place *pl, int chosen, bool asked)
{
	struct auth *a = pages_staff(req);
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN];
	json_t *ctx, *types = json_array();
	int t;

	builder_href(back, sizeof(back), ed->sv, "");
	if (pl->kind == PLACE_EDIT)
		snprintf(action, sizeof(action), "/staff/surveys/%lld/questions/%.*s",
		    (long long)ed->sv->id, (int)ed->def.questions[pl->qi].key.n,
		    ed->def.questions[pl->qi].key.p);
	else if (pl->kind == PLACE_APPEND)
		snprintf(action, sizeof(action), "/staff/surveys/%lld/pages/%d/questions/new",
		    (long long)ed->sv->id, pl->page + 1);
	else
		snprintf(action, sizeof(action), "/staff/surveys/%lld/pages/new",
		    (long long)ed->sv->id);
	for (t = 0; t < SQ_TYPE_N; t++) {
		json_t *o = type_value(req, t);

		json_object_set_new(o, "checked", json_boolean(t == chosen));
		json_object_set_new(o, "id", json_string(t == 0 ? "type" : type_names[t]));
		json_array_append_new(types, o);
	}
	ctx = json_pack("{s:s, s:o, s:o, s:s, s:o, s:b, s:i, s:{s:s}}", "title",
	    tr(req, "What type of question is it?"), "site", pages_staff_site(a), "survey_title",
	    pages_string(ed->sv->title), "action", action, "types", types, "new_page",
	    pl->kind == PLACE_NEW_PAGE, "after", pl->page, "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (asked) {
		struct errors e;

		errors_init_in(&e, req->lang);
		errors_add(&e, "type", "%s", N_("Select the type of question"));
		page_add_errors(req, ctx, &e);
		json_object_set(ctx, "type_error", json_object_get(json_object_get(ctx, "errors"),
		    "type"));
	}
	res->status = status;
	return page_render(req, res, "staff/survey_type", ctx);
}

/* GET of a question's form: the type's page until a type is chosen. */
static int
question_form_get(struct http_request *req, struct http_response *res, enum place_kind kind)
{
	struct question_form f = { .type = -1, .after = -1, .if_op = -1 };
	struct survey_edit ed;
	struct place pl;
	struct errors e;
	char key[SURVEY_KEY_MAX + 1];
	int rc;

	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		f.type = -1; /* a type that is none of ours: ask again */
	if (load_place(req, res, kind, kind == PLACE_NEW_PAGE ? f.after : 0, &ed, &pl) != 0)
		return HTTP_DONE;
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	if (f.type < 0 && kind != PLACE_EDIT) {
		rc = type_page(req, res, f.choose ? 422 : 200, &ed, &pl, -1, f.choose);
		survey_edit_free(&ed);
		return rc;
	}
	if (kind == PLACE_EDIT) {
		form_from_question(req, &ed, pl.qi, f.type >= 0 ? f.type :
		    (int)ed.def.questions[pl.qi].type, &f);
	} else {
		int type = f.type;

		memset(&f, 0, sizeof(f));
		f.type = type;
		f.if_op = -1;
		f.version = ed.sv->version;
		survey_edit_new_key(ed.pages, false, key, sizeof(key));
		f.key = arena_str(&req->arena, str_c(key));
	}
	rc = question_page(req, res, 200, &ed, &pl, &f, NULL);
	survey_edit_free(&ed);
	return rc;
}

/* Puts question q (new reference, taken) where pl says in ed->pages. */
static void
place_question(struct http_request *req, struct survey_edit *ed, const struct place *pl,
    const struct question_form *f, json_t *q)
{
	json_t *page, *questions;
	char key[SURVEY_KEY_MAX + 1];

	switch (pl->kind) {
	case PLACE_EDIT:
		questions = json_object_get(json_array_get(ed->pages, (size_t)pl->page), "questions");
		json_array_set_new(questions, (size_t)pl->place, q);
		break;
	case PLACE_APPEND:
		questions = json_object_get(json_array_get(ed->pages, (size_t)pl->page), "questions");
		json_array_append_new(questions, q);
		break;
	default:
		survey_edit_new_key(ed->pages, true, key, sizeof(key));
		page = json_pack("{s:s, s:s%, s:[o], s:[]}", "key", key, "title",
		    f->page_title.p ? f->page_title.p : "", f->page_title.n, "questions", q, "next");
		json_array_insert_new(ed->pages, (size_t)pl->page, page);
		break;
	}
	(void)req;
}

/* POST of a question's form: the question saved where pl says. */
static int
question_form_post(struct http_request *req, struct http_response *res, enum place_kind kind)
{
	struct question_form f = { .type = -1, .after = -1, .if_op = -1 };
	struct question_map m = { -1, "" };
	const json_t *old = NULL;
	struct survey_edit ed;
	struct errors e, shown;
	struct place pl;
	char key[SURVEY_KEY_MAX + 1], prefix[64], done[96], to[PATH_MAX_LEN];
	struct str qkey;
	json_t *q;
	int rc;

	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, NULL, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (load_place(req, res, kind, f.after, &ed, &pl) != 0)
		return HTTP_DONE;
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	if (f.type < 0 || errors_has_field(&e, "version")) {
		/* Not from our form: start again from its first step. */
		if (kind == PLACE_EDIT)
			rc = type_page(req, res, 422, &ed, &pl, (int)ed.def.questions[pl.qi].type, true);
		else
			rc = type_page(req, res, 422, &ed, &pl, -1, true);
		survey_edit_free(&ed);
		return rc;
	}
	if (kind == PLACE_EDIT)
		old = json_array_get(json_object_get(json_array_get(ed.pages, (size_t)pl.page),
		    "questions"), (size_t)pl.place);
	qkey = str_trim(f.key);
	if (qkey.n == 0) {
		/* Left empty: the one it had, or a new one. */
		if (kind == PLACE_EDIT)
			qkey = ed.def.questions[pl.qi].key;
		else {
			survey_edit_new_key(ed.pages, false, key, sizeof(key));
			qkey = arena_str(&req->arena, str_c(key));
		}
		f.key = qkey;
	}
	q = question_json(req, &ed, &f, old, qkey, &m.other_index);
	if (kind == PLACE_EDIT && !str_eq(qkey, ed.def.questions[pl.qi].key)) {
		char from[SURVEY_KEY_MAX + 1], renamed[SURVEY_KEY_MAX * 4 + 1];

		/* A new key: the conditions that named the old one follow it. */
		snprintf(from, sizeof(from), "%.*s", (int)ed.def.questions[pl.qi].key.n,
		    ed.def.questions[pl.qi].key.p);
		snprintf(renamed, sizeof(renamed), "%.*s", (int)qkey.n, qkey.p);
		survey_edit_rename(ed.pages, from, renamed);
	}
	place_question(req, &ed, &pl, &f, q);
	switch (pl.kind) {
	case PLACE_EDIT:
		snprintf(prefix, sizeof(prefix), "pages[%d].questions[%d]", pl.page, pl.place);
		break;
	case PLACE_APPEND:
		snprintf(prefix, sizeof(prefix), "pages[%d].questions[%d]", pl.page,
		    ed.def.pages[pl.page].question_n);
		break;
	default:
		snprintf(prefix, sizeof(prefix), "pages[%d]", pl.page);
		m.question = ".questions[0]";
		break;
	}
	rc = survey_edit_save(req, &ed, NULL, (int)f.version, &e);
	if (rc == 0) {
		snprintf(done, sizeof(done), "?done=%s#question-%.*s", kind == PLACE_NEW_PAGE ? "page" :
		    "question", (int)(qkey.n < SURVEY_KEY_MAX ? qkey.n : SURVEY_KEY_MAX), qkey.p);
		builder_href(to, sizeof(to), ed.sv, done);
		survey_edit_free(&ed);
		http_response_redirect(res, 303, to);
		return HTTP_DONE;
	}
	if (rc != ERR_INVALID && rc != ERR_CONFLICT) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, &e);
	}
	errors_init_in(&shown, req->lang);
	survey_edit_errors(req, ed.pages, &e, prefix, map_question, &m, &shown);
	/* The form again with what was typed; after someone else's change,
	 * with the version they made, so that saving again is a choice. */
	f.version = ed.sv->version;
	if (survey_edit_stale(&e)) {
		struct survey *now;

		if (store_survey_get(req->app->store, &req->arena, ed.sv->id, &now) == 0)
			f.version = now->version;
	}
	rc = question_page(req, res, rc == ERR_CONFLICT ? 409 : 422, &ed, &pl, &f, &shown);
	survey_edit_free(&ed);
	return rc;
}

int
handle_staff_survey_question_new(struct http_request *req, struct http_response *res)
{
	return question_form_get(req, res, PLACE_APPEND);
}

int
handle_staff_survey_question_create(struct http_request *req, struct http_response *res)
{
	return question_form_post(req, res, PLACE_APPEND);
}

int
handle_staff_survey_page_new(struct http_request *req, struct http_response *res)
{
	return question_form_get(req, res, PLACE_NEW_PAGE);
}

int
handle_staff_survey_page_create(struct http_request *req, struct http_response *res)
{
	return question_form_post(req, res, PLACE_NEW_PAGE);
}

int
handle_staff_survey_question_edit(struct http_request *req, struct http_response *res)
{
	return question_form_get(req, res, PLACE_EDIT);
}

int
handle_staff_survey_question_update(struct http_request *req, struct http_response *res)
{
	return question_form_post(req, res, PLACE_EDIT);
}

int
handle_staff_survey_question_type(struct http_request *req, struct http_response *res)
{
	struct question_form f = { .type = -1, .after = -1, .if_op = -1 };
	struct survey_edit ed;
	struct place pl;
	struct errors e;
	int rc;

	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		f.type = -1;
	if (load_place(req, res, PLACE_EDIT, 0, &ed, &pl) != 0)
		return HTTP_DONE;
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	rc = type_page(req, res, 200, &ed, &pl, f.type >= 0 ? f.type :
	    (int)ed.def.questions[pl.qi].type, false);
	survey_edit_free(&ed);
	return rc;
}

/* ---- deleting and moving a question ---------------------------------------------------------- */

struct version_form {
	int64_t version;
	int direction; /* moving: 0 up, 1 down */
};

static const struct input_field version_fields[] = {
	{ "version", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct version_form, version), 0, 0,
	    INT32_MAX, NULL, N_("the version") },
	{ "direction", INPUT_CHOICE, 0, offsetof(struct version_form, direction), 0, 0, 0,
	    direction_names, N_("which way to move it") },
};
const struct input_spec staff_survey_question_delete_input = { INPUT_FORM, 1, version_fields };
const struct input_spec staff_survey_move_input = { INPUT_FORM, 2, version_fields };

static int
question_delete_page(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, const struct place *pl, const struct errors *e)
{
	const struct survey_question *q = &ed->def.questions[pl->qi];
	char action[PATH_MAX_LEN], explain[SURVEY_TEXT_MAX_CHARS * 4 + 256];
	struct survey version_of = *ed->sv;
	struct errors shown;
	json_t *items = json_array();

	snprintf(action, sizeof(action), "/staff/surveys/%lld/questions/%.*s/delete",
	    (long long)ed->sv->id, (int)q->key.n, q->key.p);
	snprintf(explain, sizeof(explain), tr(req, "This deletes question %.*s from page %d:"),
	    (int)q->key.n, q->key.p, pl->page + 1);
	json_array_append_new(items, pages_string(q->text));
	if (ed->def.pages[pl->page].question_n == 1)
		json_array_append_new(items, json_string(tr(req, "It is the only question on its "
		    "page, so the page is deleted too.")));
	errors_init_in(&shown, req->lang);
	if (e != NULL)
		survey_edit_errors(req, ed->pages, e, NULL, NULL, NULL, &shown);
	return staff_survey_confirm(req, res, status, &version_of,
	    tr(req, "Are you sure you want to delete this question?"), explain, items, action,
	    tr(req, "Delete question"), &shown);
}

int
handle_staff_survey_question_delete_form(struct http_request *req, struct http_response *res)
{
	struct survey_edit ed;
	struct place pl;
	int rc;

	if (load_place(req, res, PLACE_EDIT, 0, &ed, &pl) != 0)
		return HTTP_DONE;
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	rc = question_delete_page(req, res, 200, &ed, &pl, NULL);
	survey_edit_free(&ed);
	return rc;
}

int
handle_staff_survey_question_delete(struct http_request *req, struct http_response *res)
{
	struct version_form f = { 0, 0 };
	struct survey_edit ed;
	struct place pl;
	struct errors e;
	json_t *page;
	char to[PATH_MAX_LEN];
	int rc;

	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (load_place(req, res, PLACE_EDIT, 0, &ed, &pl) != 0)
		return HTTP_DONE;
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	page = json_array_get(ed.pages, (size_t)pl.page);
	json_array_remove(json_object_get(page, "questions"), (size_t)pl.place);
	/* A page needs a question: its last one goes with it. */
	if (json_array_size(json_object_get(page, "questions")) == 0)
		json_array_remove(ed.pages, (size_t)pl.page);
	errors_init_in(&e, req->lang);
	rc = survey_edit_save(req, &ed, NULL, (int)f.version, &e);
	if (rc == 0) {
		builder_href(to, sizeof(to), ed.sv, "?done=deleted_question");
		survey_edit_free(&ed);
		http_response_redirect(res, 303, to);
		return HTTP_DONE;
	}
	if (rc != ERR_INVALID && rc != ERR_CONFLICT) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, &e);
	}
	rc = question_delete_page(req, res, survey_edit_refused_status(rc), &ed, &pl, &e);
	survey_edit_free(&ed);
	return rc;
}

int
handle_staff_survey_question_move(struct http_request *req, struct http_response *res)
{
	struct version_form f = { 0, -1 };
	struct survey_edit ed;
	struct place pl;
	struct errors e, shown;
	json_t *from, *to, *q;
	char href[PATH_MAX_LEN];
	size_t n;
	int rc;

	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (load_place(req, res, PLACE_EDIT, 0, &ed, &pl) != 0)
		return HTTP_DONE;
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	from = json_object_get(json_array_get(ed.pages, (size_t)pl.page), "questions");
	n = json_array_size(from);
	q = json_incref(json_array_get(from, (size_t)pl.place));
	if (f.direction == 0 && pl.place > 0) {
		json_array_remove(from, (size_t)pl.place);
		json_array_insert(from, (size_t)pl.place - 1, q);
	} else if (f.direction == 0 && pl.page > 0) {
		/* From the top of a page to the foot of the one before. */
		to = json_object_get(json_array_get(ed.pages, (size_t)pl.page - 1), "questions");
		json_array_remove(from, 0);
		json_array_append(to, q);
	} else if (f.direction == 1 && (size_t)pl.place + 1 < n) {
		json_array_remove(from, (size_t)pl.place);
		json_array_insert(from, (size_t)pl.place + 1, q);
	} else if (f.direction == 1 && (size_t)pl.page + 1 < json_array_size(ed.pages)) {
		/* From the foot of a page to the top of the next. */
		to = json_object_get(json_array_get(ed.pages, (size_t)pl.page + 1), "questions");
		json_array_remove(from, (size_t)pl.place);
		json_array_insert(to, 0, q);
	}
	json_decref(q);
	rc = survey_edit_save(req, &ed, NULL, (int)f.version, &e);
	if (rc == 0) {
		snprintf(href, sizeof(href), "/staff/surveys/%lld?done=moved#question-%.*s",
		    (long long)ed.sv->id, (int)ed.def.questions[pl.qi].key.n,
		    ed.def.questions[pl.qi].key.p);
		survey_edit_free(&ed);
		http_response_redirect(res, 303, href);
		return HTTP_DONE;
	}
	if (rc != ERR_INVALID && rc != ERR_CONFLICT) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, &e);
	}
	/* The builder, as the survey stands, says why (where in the survey
	 * as the move would have made it). */
	errors_init_in(&shown, req->lang);
	survey_edit_errors(req, ed.pages, &e, NULL, NULL, NULL, &shown);
	survey_edit_free(&ed);
	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	rc = staff_survey_builder(req, res, survey_edit_refused_status(rc), &ed, &shown);
	survey_edit_free(&ed);
	return rc;
}
