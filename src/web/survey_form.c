/*
 * survey_form.c - a survey's pages as forms (see survey_form.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/text.h"
#include "pages.h"
#include "survey_form.h"

/* ---- which questions a page shows -------------------------------------------------- */

/* Whether c names a question on page `page`. */
static bool
mentions_page(const struct survey_def *d, const struct survey_cond *c, int page)
{
	int i;

	if (c->op == SC_ALL || c->op == SC_ANY) {
		for (i = 0; i < c->term_n; i++)
			if (mentions_page(d, &c->terms[i], page))
				return true;
		return false;
	}
	return d->questions[c->question].page == page;
}

bool
survey_form_shows(const struct survey_def *d, int q, const struct survey_answers *ans)
{
	const struct survey_question *sq = &d->questions[q];

	return sq->show_if == NULL || survey_cond_holds(d, sq->show_if, ans) ||
	    mentions_page(d, sq->show_if, sq->page);
}

/* ---- the form's values ------------------------------------------------------------------ */

static void
field_name(char *out, size_t size, const struct survey_question *q, const char *suffix)
{
	snprintf(out, size, "%.*s%s", (int)q->key.n, q->key.p, suffix);
}

/* The values sent for field `name`, up to max, into out. */
static int
form_values(struct http_request *req, const char *name, struct str *out, int max)
{
	return http_form_all(req, name, out, max);
}

static struct str
form_value(struct http_request *req, const char *name)
{
	struct str v;

	return http_form(req, name, &v) ? v : (struct str){ "", 0 };
}

/* ---- questions as template values --------------------------------------------------------- */

static const char *
hint_of(struct http_request *req, const struct survey_question *q)
{
	switch (q->type) {
	case SQ_MULTIPLE:
		return tr(req, "Select all that apply.");
	case SQ_RANKING:
		return tr(req, "Give 1 to the option that matters most to you, 2 to the next, and so "
		    "on. You do not have to rank them all.");
	case SQ_POSTCODE:
		return tr(req, "For example, BB1 7DJ");
	case SQ_DATE:
		return tr(req, "For example, 27 3 2026");
	default:
		return NULL;
	}
}

/* Whether option k is chosen: in the form sent, or in the answer. */
static bool
option_chosen(const struct str *sent, int sent_n, bool from_form, const struct survey_question *q,
    const struct survey_answer *an, int k)
{
	int i;

	if (from_form) {
		for (i = 0; i < sent_n; i++)
			if (str_eq(str_trim(sent[i]), q->options[k].value))
				return true;
		return false;
	}
	for (i = 0; an->given && i < an->choice_n; i++)
		if (an->choices[i] == k)
			return true;
	return false;
}

static json_t *
choice_options(struct http_request *req, const struct survey_question *q,
    const struct survey_answer *an, bool from_form)
{
	struct str sent[SURVEY_OPTIONS_MAX];
	char name[SURVEY_KEY_MAX + 8], id[SURVEY_KEY_MAX + 16];
	json_t *list = json_array();
	int k, n = 0;

	field_name(name, sizeof(name), q, "");
	if (from_form)
		n = form_values(req, name, sent, SURVEY_OPTIONS_MAX);
	for (k = 0; k < q->option_n; k++) {
		if (k == 0)
			field_name(id, sizeof(id), q, "");
		else
			snprintf(id, sizeof(id), "%.*s-%d", (int)q->key.n, q->key.p, k + 1);
		json_array_append_new(list, json_pack("{s:o, s:o, s:s, s:b, s:b}", "value",
		    pages_string(q->options[k].value), "label", pages_string(q->options[k].label),
		    "input_id", id, "checked", option_chosen(sent, n, from_form, q, an, k), "other",
		    q->options[k].other));
	}
	return list;
}

static json_t *
rating_options(struct http_request *req, const struct survey_question *q,
    const struct survey_answer *an, bool from_form)
{
	char name[SURVEY_KEY_MAX + 8], id[SURVEY_KEY_MAX + 16], v[16];
	json_t *list = json_array();
	struct str sent = { "", 0 };
	int k, points = (int)(q->max - q->min) + 1;

	field_name(name, sizeof(name), q, "");
	if (from_form)
		sent = str_trim(form_value(req, name));
	for (k = 0; k < points; k++) {
		int value = (int)q->min + k;

		snprintf(v, sizeof(v), "%d", value);
		if (k == 0)
			field_name(id, sizeof(id), q, "");
		else
			snprintf(id, sizeof(id), "%.*s-%d", (int)q->key.n, q->key.p, k + 1);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "value", v, "label", v,
		    "input_id", id, "checked", from_form ? str_eq_c(sent, v) :
		    an->given && (int)an->number == value));
	}
	return list;
}

static json_t *
grid_rows(struct http_request *req, const struct survey_question *q,
    const struct survey_answer *an, bool from_form)
{
	char name[SURVEY_KEY_MAX + 16], id[SURVEY_KEY_MAX + 24], suffix[16];
	json_t *rows = json_array();
	int r, k;

	for (r = 0; r < q->row_n; r++) {
		json_t *options = json_array();
		struct str sent;

		snprintf(suffix, sizeof(suffix), ".r%d", r);
		field_name(name, sizeof(name), q, suffix);
		sent = from_form ? str_trim(form_value(req, name)) : (struct str){ "", 0 };
		for (k = 0; k < q->option_n; k++) {
			if (r == 0 && k == 0)
				field_name(id, sizeof(id), q, "");
			else
				snprintf(id, sizeof(id), "%.*s-r%d-%d", (int)q->key.n, q->key.p, r, k);
			json_array_append_new(options, json_pack("{s:o, s:o, s:s, s:b}", "value",
			    pages_string(q->options[k].value), "label",
			    pages_string(q->options[k].label), "input_id", id, "checked", from_form ?
			    str_eq(sent, q->options[k].value) : an->given && an->grid[r] == k));
		}
		snprintf(id, sizeof(id), "%.*s-r%d", (int)q->key.n, q->key.p, r);
		json_array_append_new(rows, json_pack("{s:o, s:s, s:s, s:o}", "label",
		    pages_string(q->rows[r].label), "name", name, "row_id", id, "options", options));
	}
	return rows;
}

static json_t *
ranking_options(struct http_request *req, const struct survey_question *q,
    const struct survey_answer *an, bool from_form)
{
	char name[SURVEY_KEY_MAX + 16], id[SURVEY_KEY_MAX + 16], suffix[16], rank[12];
	json_t *list = json_array();
	int k, i;

	for (k = 0; k < q->option_n; k++) {
		json_t *ranks = json_array();
		int chosen = 0;

		snprintf(suffix, sizeof(suffix), ".o%d", k);
		field_name(name, sizeof(name), q, suffix);
		if (from_form) {
			struct str v = str_trim(form_value(req, name));

			for (i = 1; i <= q->option_n; i++) {
				snprintf(rank, sizeof(rank), "%d", i);
				if (str_eq_c(v, rank))
					chosen = i;
			}
		} else {
			for (i = 0; an->given && i < an->choice_n; i++)
				if (an->choices[i] == k)
					chosen = i + 1;
		}
		for (i = 1; i <= q->option_n; i++)
			json_array_append_new(ranks, json_pack("{s:i, s:b}", "rank", i, "selected",
			    i == chosen));
		if (k == 0)
			field_name(id, sizeof(id), q, "");
		else
			snprintf(id, sizeof(id), "%.*s-o%d", (int)q->key.n, q->key.p, k);
		json_array_append_new(list, json_pack("{s:o, s:s, s:s, s:o}", "label",
		    pages_string(q->options[k].label), "name", name, "input_id", id, "ranks", ranks));
	}
	return list;
}

/* A date answer's three boxes. */
static json_t *
date_parts(struct http_request *req, const struct survey_question *q,
    const struct survey_answer *an, bool from_form)
{
	static const char *const parts[] = { "day", "month", "year" };
	static const char *const labels[] = { N_("Day"), N_("Month"), N_("Year") };
	char name[SURVEY_KEY_MAX + 8], id[SURVEY_KEY_MAX + 8], suffix[8], value[8];
	json_t *list = json_array();
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(suffix, sizeof(suffix), "-%s", parts[i]);
		field_name(name, sizeof(name), q, suffix);
		value[0] = '\0';
		if (from_form) {
			/* What was typed, six bytes of it at most, cut at a
			 * character; pages_string below shows none of it when it is
			 * not UTF-8 (which a page cannot hold: the box would go). */
			text_copy(value, 7, str_trim(form_value(req, name)));
		} else if (an->given && an->text.n == 10) {
			/* YYYY-MM-DD to its parts, without leading zeros. */
			const char *t = an->text.p;

			if (i == 0)
				snprintf(value, sizeof(value), "%d", (t[8] - '0') * 10 + (t[9] - '0'));
			else if (i == 1)
				snprintf(value, sizeof(value), "%d", (t[5] - '0') * 10 + (t[6] - '0'));
			else
				snprintf(value, sizeof(value), "%.4s", t);
		}
		/* The day's box is the one an error summary leads to. */
		if (i == 0)
			field_name(id, sizeof(id), q, "");
		else
			snprintf(id, sizeof(id), "%s", name);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:i, s:o}", "name", name,
		    "input_id", id, "label", tr(req, labels[i]), "width", i == 2 ? 4 : 2, "value",
		    pages_string(str_c(value))));
	}
	return list;
}

static json_t *
text_value(struct http_request *req, const struct survey_question *q,
    const struct survey_answer *an, bool from_form)
{
	char name[SURVEY_KEY_MAX + 8];
	char number[40];

	if (from_form) {
		field_name(name, sizeof(name), q, "");
		return pages_string(form_value(req, name));
	}
	if (!an->given)
		return json_string("");
	if (q->type == SQ_NUMBER) {
		snprintf(number, sizeof(number), "%.10g", an->number);
		return json_string(number);
	}
	return pages_string(an->text);
}

static json_t *
question_context(struct http_request *req, const struct survey_def *d, int qi,
    const struct survey_answers *ans, const json_t *errors, bool from_form)
{
	const struct survey_question *q = &d->questions[qi];
	const struct survey_answer *an = &ans->a[qi];
	char key[SURVEY_KEY_MAX + 1], name[SURVEY_KEY_MAX + 8];
	const char *hint = hint_of(req, q);
	json_t *o;

	field_name(key, sizeof(key), q, "");
	o = json_pack("{s:s, s:o, s:b, s:s}", "key", key, "text", pages_string(q->text), "required",
	    q->required, "type", survey_qtype_name(q->type));
	if (o == NULL)
		return NULL;
	/* Its words are Markdown, as a LimeSurvey import keeps them. */
	if (pages_markdown_question(q->text, true, o) != 0) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "described", json_boolean(q->help.n > 0 ||
	    json_object_get(o, "more_html") != NULL));
	/* The flag the partial's section goes by: a short text's is not
	 * "text", which is the question's own words. */
	json_object_set_new(o, q->type == SQ_TEXT ? "short_text" : survey_qtype_name(q->type),
	    json_true());
	if (q->help.n > 0) {
		json_t *help = json_object();

		json_object_set_new(o, "help", pages_string(q->help));
		if (help == NULL || pages_markdown_question(q->help, false, help) != 0) {
			json_decref(help);
			json_decref(o);
			return NULL;
		}
		json_object_set(o, "help_html", json_object_get(help, "text_html"));
		json_object_set(o, "help_plain", json_object_get(help, "text_plain"));
		json_object_set(o, "help_more", json_object_get(help, "more_html"));
		json_decref(help);
	}
	if (hint != NULL)
		json_object_set_new(o, "hint", json_string(hint));
	if (errors != NULL)
		pages_copy_error(o, errors, key, "error");
	switch (q->type) {
	case SQ_SINGLE:
	case SQ_LIKERT:
	case SQ_FFT:
	case SQ_MULTIPLE:
		json_object_set_new(o, "options", choice_options(req, q, an, from_form));
		json_object_set_new(o, q->type == SQ_MULTIPLE ? "checkboxes" : "radios", json_true());
		field_name(name, sizeof(name), q, ".other");
		json_object_set_new(o, "other_name", json_string(name));
		field_name(name, sizeof(name), q, "-other");
		json_object_set_new(o, "other_id", json_string(name));
		json_object_set_new(o, "other_value", from_form ?
		    pages_string(form_value(req, json_string_value(json_object_get(o, "other_name")))) :
		    pages_string(an->given ? an->other : (struct str){ "", 0 }));
		break;
	case SQ_RATING:
		json_object_set_new(o, "options", rating_options(req, q, an, from_form));
		json_object_set_new(o, "radios", json_true());
		json_object_set_new(o, "inline", json_true());
		break;
	case SQ_GRID:
		json_object_set_new(o, "rows", grid_rows(req, q, an, from_form));
		break;
	case SQ_RANKING:
		json_object_set_new(o, "ranking_options", ranking_options(req, q, an, from_form));
		break;
	case SQ_DATE:
		json_object_set_new(o, "parts", date_parts(req, q, an, from_form));
		break;
	case SQ_INFO:
		json_object_set_new(o, "info_html", pages_markdown_json(q->text));
		break;
	default:
		json_object_set_new(o, "value", text_value(req, q, an, from_form));
		break;
	}
	return o;
}

json_t *
survey_form_questions(struct http_request *req, const struct survey_def *d, int page,
    const struct survey_answers *ans, const json_t *errors, bool from_form)
{
	const struct survey_page *p = &d->pages[page];
	json_t *list = json_array();
	int i;

	for (i = p->first; i < p->first + p->question_n; i++)
		if (survey_form_shows(d, i, ans))
			json_array_append_new(list, question_context(req, d, i, ans, errors,
			    from_form));
	return list;
}

json_t *
survey_form_pages(struct http_request *req, const struct survey_def *d, int page,
    const struct survey_answers *ans, const json_t *errors, bool from_form)
{
	json_t *pages = json_array();
	int p, i;

	for (p = 0; p < d->page_n; p++) {
		const struct survey_page *sp = &d->pages[p];
		json_t *questions;

		if (page >= 0 && p != page)
			continue;
		questions = json_array();
		for (i = sp->first; i < sp->first + sp->question_n; i++)
			json_array_append_new(questions, question_context(req, d, i, ans, errors,
			    from_form));
		/* Not "number" nor "title": a question's partial would read them
		 * from this outer frame. */
		json_array_append_new(pages, json_pack("{s:i, s:o, s:o}", "page_number", p + 1,
		    "page_title", pages_string(sp->title), "questions", questions));
	}
	return pages;
}

/* ---- reading a page -------------------------------------------------------------------------- */

/* One question's fields, gathered as survey_answer_from_form wants them. */
static int
read_question(struct http_request *req, const struct survey_def *d, int qi,
    struct survey_answers *ans, struct errors *e)
{
	const struct survey_question *q = &d->questions[qi];
	struct str values[SURVEY_OPTIONS_MAX > SURVEY_ROWS_MAX ? SURVEY_OPTIONS_MAX :
	    SURVEY_ROWS_MAX];
	char name[SURVEY_KEY_MAX + 16], suffix[16];
	struct str other = { "", 0 };
	int n = 0, i;

	switch (q->type) {
	case SQ_GRID:
		for (i = 0; i < q->row_n; i++) {
			snprintf(suffix, sizeof(suffix), ".r%d", i);
			field_name(name, sizeof(name), q, suffix);
			values[n++] = form_value(req, name);
		}
		break;
	case SQ_RANKING:
		for (i = 0; i < q->option_n; i++) {
			snprintf(suffix, sizeof(suffix), ".o%d", i);
			field_name(name, sizeof(name), q, suffix);
			values[n++] = form_value(req, name);
		}
		break;
	case SQ_DATE:
		field_name(name, sizeof(name), q, "-day");
		values[n++] = form_value(req, name);
		field_name(name, sizeof(name), q, "-month");
		values[n++] = form_value(req, name);
		field_name(name, sizeof(name), q, "-year");
		values[n++] = form_value(req, name);
		break;
	case SQ_INFO:
		return 0;
	default:
		field_name(name, sizeof(name), q, "");
		n = form_values(req, name, values, SURVEY_OPTIONS_MAX);
		field_name(name, sizeof(name), q, ".other");
		other = form_value(req, name);
		break;
	}
	return survey_answer_from_form(d, qi, values, n, other, &req->arena, ans, e);
}

int
survey_form_read(struct http_request *req, const struct survey_def *d, int page,
    struct survey_answers *ans, struct errors *e)
{
	const struct survey_page *p = &d->pages[page];
	bool shown[SURVEY_QUESTIONS_MAX] = { false };
	struct errors missing;
	int i, rc, bad = 0;

	/* What the page showed, judged on the answers it was shown with. */
	for (i = p->first; i < p->first + p->question_n; i++)
		shown[i] = survey_form_shows(d, i, ans);
	for (i = p->first; i < p->first + p->question_n; i++) {
		memset(&ans->a[i], 0, sizeof(ans->a[i]));
		if (!shown[i])
			continue;
		rc = read_question(req, d, i, ans, e);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc != 0)
			bad = 1;
	}
	/* Answers a condition on this page now rules out are dropped, not
	 * refused: the respondent could not see the rule apply. */
	for (i = p->first; i < p->first + p->question_n; i++)
		if (d->questions[i].show_if != NULL &&
		    !survey_cond_holds(d, d->questions[i].show_if, ans))
			memset(&ans->a[i], 0, sizeof(ans->a[i]));
	/* Required answers missing, said once for a question whose answer
	 * was refused already. */
	errors_init_in(&missing, e->lang);
	survey_answers_check(d, ans, page, &missing);
	for (i = 0; i < missing.n; i++)
		if (!errors_has_field(e, missing.list[i].field)) {
			errors_add(e, missing.list[i].field, "%s", missing.list[i].detail);
			bad = 1;
		}
	return bad ? ERR_INVALID : 0;
}

int
survey_form_read_all(struct http_request *req, const struct survey_def *d,
    struct survey_answers *ans, struct errors *e)
{
	struct errors path;
	int i, rc, bad = 0;

	for (i = 0; i < d->question_n; i++) {
		memset(&ans->a[i], 0, sizeof(ans->a[i]));
		rc = read_question(req, d, i, ans, e);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc != 0)
			bad = 1;
	}
	/* The path is judged on what was readable, and a question whose
	 * answer was refused already is not named twice. */
	errors_init_in(&path, e->lang);
	survey_answers_check(d, ans, -1, &path);
	for (i = 0; i < path.n; i++)
		if (!errors_has_field(e, path.list[i].field)) {
			errors_add(e, path.list[i].field, "%s", path.list[i].detail);
			bad = 1;
		}
	return bad ? ERR_INVALID : 0;
}

/* ---- check your answers ---------------------------------------------------------------------- */

json_t *
survey_form_summary(struct http_request *req, const struct survey_def *d,
    const struct survey_answers *ans, const char *page_base)
{
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n, i;
	json_t *rows = json_array();
	struct buf b = BUF_INIT;
	char href[PAGES_PATH_MAX], key[SURVEY_KEY_MAX + 1];

	survey_path(d, ans, on, pages, &n);
	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];

		if (!on[i] || q->type == SQ_INFO)
			continue;
		buf_reset(&b);
		survey_answer_display(d, i, ans, &b);
		snprintf(href, sizeof(href), "%s%d#%.*s", page_base, q->page + 1, (int)q->key.n,
		    q->key.p);
		field_name(key, sizeof(key), q, "");
		json_array_append_new(rows, json_pack("{s:s, s:o, s:o, s:s}", "key", key,
		    "question", pages_string(q->text), "answer", b.n > 0 ?
		    pages_string((struct str){ b.p, b.n }) : json_string(tr(req, "Not answered")),
		    "change_href", href));
	}
	buf_free(&b);
	return rows;
}
