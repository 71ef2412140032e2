/*
 * survey_edit.c - changing a survey from the staff pages (see
 * survey_edit.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "pages.h"
#include "survey_edit.h"

int
survey_edit_load(struct http_request *req, struct http_response *res, struct survey_edit *ed)
{
	struct errors e;
	int rc;

	memset(ed, 0, sizeof(*ed));
	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), &ed->sv);
	if (rc == 0 && ed->sv->org_id != pages_staff(req)->user.org_id)
		rc = ERR_NOTFOUND;
	errors_init(&e);
	if (rc == 0 && (rc = survey_def_parse(ed->sv->definition, &req->arena, &ed->def, &e)) != 0)
		rc = rc == ERR_NOMEM ? rc : ERR_IO; /* the store holds only what the domain wrote */
	if (rc == 0 && (ed->pages = survey_def_to_json(&ed->def)) == NULL)
		rc = ERR_NOMEM;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

void
survey_edit_free(struct survey_edit *ed)
{
	json_decref(ed->pages);
	ed->pages = NULL;
}

int
survey_edit_save(struct http_request *req, struct survey_edit *ed,
    const struct survey *record, int version, struct errors *e)
{
	struct auth *a = pages_staff(req);
	struct survey next = record != NULL ? *record : *ed->sv;
	int64_t next_id = ed->sv->next_option_id;
	struct buf text = BUF_INIT;
	struct survey_def nd;
	struct errors change;
	bool breaking;
	int rc, i;

	/* Said before anything else: what this page would change was read
	 * from a survey that is no longer there.  The store checks again at
	 * its commit. */
	if (version != ed->sv->version) {
		errors_add(e, "version",
		    N_("Someone else has changed the survey since it was read"));
		return ERR_CONFLICT;
	}
	if ((rc = survey_def_from_json(ed->pages, &next_id, &req->arena, &nd, e)) != 0)
		return rc;
	survey_def_adopt_ids(&nd, &ed->def);
	errors_init_in(&change, e->lang);
	breaking = survey_def_check_change(&ed->def, &nd, &change) != 0;
	survey_def_write(&nd, &text);
	if (!buf_ok(&text)) {
		buf_free(&text);
		return ERR_NOMEM;
	}
	next.id = ed->sv->id;
	next.org_id = ed->sv->org_id;
	next.definition = arena_str(&req->arena, (struct str){ text.p, text.n });
	next.next_option_id = next_id;
	buf_free(&text);
	if (next.definition.p == NULL)
		return ERR_NOMEM;
	rc = store_survey_update(req->app->store, &a->actor, &next, version, breaking, req->now, e);
	if (rc == ERR_CONFLICT && breaking && !survey_edit_stale(e))
		/* Which changes would lose the meaning of answers given. */
		for (i = 0; i < change.n; i++)
			errors_add(e, change.list[i].field, "%s", change.list[i].detail);
	if (rc == 0) {
		ed->sv->version = next.version;
		ed->sv->updated_at = next.updated_at;
	}
	return rc;
}

bool
survey_edit_stale(const struct errors *e)
{
	return errors_has_field(e, "version");
}

/* ---- errors for a page ------------------------------------------------------------------ */

/* The words for where path is in pages: "Page 2, question q5", "Page 1,
 * rule 2", "Page 3"; "" when it names no page. */
static void
where_of(const struct http_request *req, const json_t *pages, const char *path, char *out,
    size_t size)
{
	int page, item, used = 0;
	json_t *p, *q;

	out[0] = '\0';
	if (sscanf(path, "pages[%d]%n", &page, &used) != 1 || used == 0)
		return;
	p = json_array_get(pages, (size_t)page);
	path += used;
	if (sscanf(path, ".questions[%d]", &item) == 1) {
		q = json_array_get(json_object_get(p, "questions"), (size_t)item);
		if (json_is_string(json_object_get(q, "key"))) {
			snprintf(out, size, tr(req, "Page %d, question %s"), page + 1,
			    json_string_value(json_object_get(q, "key")));
			return;
		}
	} else if (sscanf(path, ".next[%d]", &item) == 1) {
		snprintf(out, size, tr(req, "Page %d, rule %d"), page + 1, item + 1);
		return;
	}
	snprintf(out, size, tr(req, "Page %d"), page + 1);
}

/* Whether field is prefix itself or a path under it. */
static bool
is_under(const char *field, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(field, prefix, n) != 0 || (field[n] != '\0' && field[n] != '.' &&
	    field[n] != '['))
		return false;
	*rest = field + n;
	return true;
}

void
survey_edit_errors(const struct http_request *req, const json_t *pages,
    const struct errors *e, const char *prefix, survey_edit_map_fn map, void *arg,
    struct errors *out)
{
	char field[ERROR_FIELD_MAX], where[128];
	const char *rest;
	int i;

	for (i = 0; i < e->n; i++) {
		const char *f = e->list[i].field, *detail = e->list[i].detail;

		if (strcmp(f, "version") == 0) {
			errors_add(out, "", "%s", tr(req, "Someone else changed this survey while you "
			    "had this page open, so your change has not been saved. Check the survey as "
			    "it is now, then save again if your change is still needed."));
			continue;
		}
		field[0] = '\0';
		if (prefix != NULL && map != NULL && is_under(f, prefix, &rest))
			map(arg, rest, field, sizeof(field));
		if (field[0] != '\0') {
			errors_add(out, field, "%s", detail);
			continue;
		}
		where_of(req, pages, f, where, sizeof(where));
		if (where[0] != '\0')
			errors_add(out, "", "%s: %s", where, tr(req, detail));
		else
			errors_add(out, "", "%s", detail);
	}
	out->dropped += e->dropped;
}

/* ---- keys and places ------------------------------------------------------------------- */

static const char *
key_of(const json_t *o)
{
	const char *k = json_string_value(json_object_get(o, "key"));

	return k != NULL ? k : "";
}

static bool
key_taken(const json_t *pages, bool page, const char *key)
{
	json_t *p, *q;
	size_t i, j;

	json_array_foreach(pages, i, p) {
		if (page) {
			if (strcasecmp(key_of(p), key) == 0)
				return true;
			continue;
		}
		json_array_foreach(json_object_get(p, "questions"), j, q)
			if (strcasecmp(key_of(q), key) == 0)
				return true;
	}
	return false;
}

void
survey_edit_new_key(const json_t *pages, bool page, char *out, size_t size)
{
	int n;

	/* There are fewer questions than SURVEY_QUESTIONS_MAX, so one of the
	 * first SURVEY_QUESTIONS_MAX + 1 numbers is free. */
	for (n = 1; n <= SURVEY_QUESTIONS_MAX + 1; n++) {
		snprintf(out, size, "%c%d", page ? 'p' : 'q', n);
		if (!key_taken(pages, page, out))
			return;
	}
}

bool
survey_edit_find(const struct survey_edit *ed, struct str key, int *page, int *place)
{
	int q = survey_question_index(&ed->def, key);

	if (q < 0)
		return false;
	*page = ed->def.questions[q].page;
	*place = q - ed->def.pages[*page].first;
	return true;
}

static void
rename_cond(json_t *c, const char *from, const char *to)
{
	json_t *terms, *t;
	size_t i;

	if (!json_is_object(c))
		return;
	terms = json_object_get(c, "all");
	if (terms == NULL)
		terms = json_object_get(c, "any");
	json_array_foreach(terms, i, t)
		rename_cond(t, from, to);
	if (json_is_string(json_object_get(c, "question")) &&
	    strcmp(json_string_value(json_object_get(c, "question")), from) == 0)
		json_object_set_new(c, "question", json_string(to));
}

void
survey_edit_rename(json_t *pages, const char *from, const char *to)
{
	json_t *p, *q, *r;
	size_t i, j;

	json_array_foreach(pages, i, p) {
		json_array_foreach(json_object_get(p, "questions"), j, q)
			rename_cond(json_object_get(q, "show_if"), from, to);
		json_array_foreach(json_object_get(p, "next"), j, r)
			rename_cond(json_object_get(r, "if"), from, to);
	}
}

/* ---- what the forms share ---------------------------------------------------------------- */

int
survey_edit_refuse_closed(struct http_request *req, struct http_response *res,
    struct survey_edit *ed)
{
	struct errors e;

	errors_init(&e);
	if (survey_check_edit(ed->sv, req->now, &e) == 0)
		return 0;
	survey_edit_free(ed);
	reply_error(req, res, ERR_CONFLICT, &e);
	return -1;
}

int
survey_edit_refused_status(int rc)
{
	return rc == ERR_CONFLICT ? 409 : 422;
}

const char *const survey_edit_op_names[SURVEY_EDIT_OP_N + 1] = { "equals", "not_equals",
	"includes", "less_than", "greater_than", NULL };
static const char *const op_labels[SURVEY_EDIT_OP_N] = { N_("is"), N_("is not"),
	N_("includes"), N_("is less than (or before)"), N_("is more than (or after)") };
_Static_assert(SC_EQUALS == 0 && SC_NOT_EQUALS == 1 && SC_INCLUDES == 2 && SC_LESS_THAN == 3 &&
    SC_GREATER_THAN == 4, "survey_edit_op_names follows enum survey_cond_op");

json_t *
survey_edit_op_list(const struct http_request *req, int chosen)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < SURVEY_EDIT_OP_N; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value",
		    survey_edit_op_names[i], "label", tr(req, op_labels[i]), "selected", i == chosen));
	return list;
}

json_t *
survey_edit_bound_json(struct str s, bool date)
{
	json_error_t err;
	json_t *v;

	s = str_trim(s);
	if (date)
		return json_stringn(s.p ? s.p : "", s.n);
	/* jansson's reader: a number as JSON writes one, nothing else. */
	v = json_loadb(s.p ? s.p : "", s.n, JSON_DECODE_ANY, &err);
	if (v != NULL && json_is_number(v))
		return v;
	json_decref(v);
	return json_stringn(s.p ? s.p : "", s.n);
}

json_t *
survey_edit_value_json(const struct survey_def *d, struct str key, struct str value)
{
	int qi = survey_question_index(d, key);

	if (qi >= 0 && (d->questions[qi].type == SQ_NUMBER || d->questions[qi].type == SQ_RATING))
		return survey_edit_bound_json(value, false);
	return json_stringn(value.p ? value.p : "", value.n);
}

struct str
survey_edit_number_text(struct http_request *req, bool has, double v)
{
	char text[40];
	struct str s;

	if (!has)
		return (struct str){ "", 0 };
	snprintf(text, sizeof(text), "%.10g", v);
	s = arena_str(&req->arena, str_c(text));
	return s.p != NULL ? s : (struct str){ "", 0 };
}

/* ---- the words staff read for a definition ------------------------------------------------ */

static const struct {
	const char *name, *hint;
} type_words[SQ_TYPE_N] = {
	[SQ_SINGLE] = { N_("Single choice"), N_("People choose one answer from a list. You can "
	    "add \"Other, please say\".") },
	[SQ_MULTIPLE] = { N_("Multiple choice"), N_("People choose one or more answers from a "
	    "list. You can set how many they may choose and add \"Other, please say\".") },
	[SQ_LIKERT] = { N_("Likert scale"), N_("How much people agree: Strongly agree to "
	    "Strongly disagree, or a scale of your own.") },
	[SQ_FFT] = { N_("Friends and Family Test"), N_("NHS England's question \"Overall, how "
	    "was your experience of our service?\" with its six answers.") },
	[SQ_RATING] = { N_("Rating"), N_("A whole number on a scale, 1 to 5 unless you say "
	    "otherwise.") },
	[SQ_NUMBER] = { N_("Number"), N_("A number, within a range if you give one.") },
	[SQ_DATE] = { N_("Date"), N_("A day, month and year, between two dates if you give "
	    "them.") },
	[SQ_POSTCODE] = { N_("UK postcode"), N_("A postcode, checked and written the Royal "
	    "Mail's way.") },
	[SQ_RANKING] = { N_("Ranking"), N_("People put options in order of preference.") },
	[SQ_GRID] = { N_("Grid"), N_("Several rows, each answered on the same scale: for "
	    "example, statements and how much people agree with each.") },
	[SQ_TEXT] = { N_("Short text"), N_("One line of text, up to 500 characters.") },
	[SQ_LONG_TEXT] = { N_("Long text"), N_("Paragraphs of text, up to 10,000 characters.") },
	[SQ_INFO] = { N_("Information text"), N_("Text to read, such as an introduction or "
	    "an explanation. It has no answer.") },
};

const char *
survey_edit_type_name(const struct http_request *req, enum survey_qtype t)
{
	return (unsigned)t < SQ_TYPE_N ? tr(req, type_words[t].name) : "";
}

const char *
survey_edit_type_hint(const struct http_request *req, enum survey_qtype t)
{
	return (unsigned)t < SQ_TYPE_N ? tr(req, type_words[t].hint) : "";
}

/* The value of a comparison as people read it: an option's label, a
 * number, a date or text as given. */
static void
cond_value(const struct survey_def *d, const struct survey_cond *c, struct buf *b)
{
	const struct survey_question *q = &d->questions[c->question];
	int k;

	if (q->type == SQ_NUMBER || q->type == SQ_RATING) {
		buf_printf(b, "%g", c->number);
		return;
	}
	k = survey_option_index(q, c->value);
	buf_add(b, k >= 0 ? q->options[k].label.p : c->value.p,
	    k >= 0 ? q->options[k].label.n : c->value.n);
}

void
survey_edit_cond_text(const struct http_request *req, const struct survey_def *d,
    const struct survey_cond *c, struct buf *b)
{
	const char *pattern = NULL;
	char key[SURVEY_KEY_MAX + 1];
	struct buf value = BUF_INIT;
	const struct survey_question *q;
	int i;

	if (c->op == SC_ALL || c->op == SC_ANY) {
		buf_add_c(b, "(");
		for (i = 0; i < c->term_n; i++) {
			if (i > 0)
				buf_printf(b, " %s ", c->op == SC_ALL ? tr(req, "and") : tr(req, "or"));
			survey_edit_cond_text(req, d, &c->terms[i], b);
		}
		buf_add_c(b, ")");
		return;
	}
	q = &d->questions[c->question];
	switch (c->op) {
	case SC_EQUALS:
		pattern = tr(req, "%s is %s");
		break;
	case SC_NOT_EQUALS:
		pattern = tr(req, "%s is not %s");
		break;
	case SC_INCLUDES:
		pattern = tr(req, "%s includes %s");
		break;
	case SC_LESS_THAN:
		pattern = q->type == SQ_DATE ? tr(req, "%s is before %s") : tr(req, "%s is less than %s");
		break;
	default:
		pattern = q->type == SQ_DATE ? tr(req, "%s is after %s") : tr(req, "%s is more than %s");
		break;
	}
	snprintf(key, sizeof(key), "%.*s", (int)q->key.n, q->key.p);
	cond_value(d, c, &value);
	buf_printf(b, pattern, key, buf_cstr(&value) ? buf_cstr(&value) : "");
	buf_free(&value);
}

void
survey_edit_rule_text(const struct http_request *req, const struct survey_def *d,
    const struct survey_rule *r, struct buf *b)
{
	struct buf when = BUF_INIT;
	char to[SURVEY_TEXT_MAX_CHARS * 4 + 64];

	if (r->go_to == SURVEY_END)
		snprintf(to, sizeof(to), "%s", tr(req, "end the survey"));
	else if (d->pages[r->go_to].title.n > 0)
		snprintf(to, sizeof(to), tr(req, "go to page %d (%.*s)"), r->go_to + 1,
		    (int)d->pages[r->go_to].title.n, d->pages[r->go_to].title.p);
	else
		snprintf(to, sizeof(to), tr(req, "go to page %d"), r->go_to + 1);
	if (r->when == NULL) {
		buf_printf(b, tr(req, "Then %s"), to);
		return;
	}
	survey_edit_cond_text(req, d, r->when, &when);
	buf_printf(b, tr(req, "If %s, %s"), buf_cstr(&when) ? buf_cstr(&when) : "", to);
	buf_free(&when);
}
