/*
 * handlers_staff_survey_pages.c - a survey's page in the staff pages: its
 * title and its skip rules, one rule to a row ("if QUESTION OP VALUE go to
 * PAGE or the end"), and deleting it with its questions.  Without
 * JavaScript, a row is added with "Add another rule", which shows the form
 * again with one more and saves nothing, and removed with its checkbox.
 *
 * As for a question (handlers_staff_survey_build.c), the form becomes a
 * change of the whole definition saved through survey_edit.h: whether a
 * rule is valid (a question on the page or before it, a comparison its
 * type allows, a later page) is the domain's to say, and its errors come
 * back beside the row they are about.
 *
 *   /staff/surveys/{id}/pages/{page}          its title and rules
 *   /staff/surveys/{id}/pages/{page}/delete   it and its questions, once confirmed
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/input.h"
#include "handlers.h"
#include "pages.h"
#include "survey_edit.h"

#define PATH_MAX_LEN 256
#define RULE_ROWS_MAX (SURVEY_RULES_MAX + 10) /* a page's rules, and rows added to type more */

static void
builder_href(char *out, size_t size, const struct survey *sv, const char *suffix)
{
	snprintf(out, size, "/staff/surveys/%lld%s", (long long)sv->id, suffix);
}

/* ---- a page's title and rules ---------------------------------------------------------------- */

struct page_form {
	struct str title;
	int64_t version;
	bool add_rule;
	int question_n, op_n, value_n, go_to_n, remove_n;
	struct str question[RULE_ROWS_MAX], op[RULE_ROWS_MAX], value[RULE_ROWS_MAX];
	struct str go_to[RULE_ROWS_MAX], remove[RULE_ROWS_MAX];
};

static const struct input_field page_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct page_form, title), 0, 0, 0, NULL,
	    N_("the page's title") },
	{ "version", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct page_form, version), 0, 0,
	    INT32_MAX, NULL, N_("the version") },
	{ "add_rule", INPUT_BOOL, 0, offsetof(struct page_form, add_rule), 0, 0, 0, NULL,
	    N_("whether to add a rule") },
	{ "rule_question", INPUT_TEXTS, 0, offsetof(struct page_form, question),
	    offsetof(struct page_form, question_n), 0, RULE_ROWS_MAX, NULL,
	    N_("the rules' questions") },
	{ "rule_op", INPUT_TEXTS, 0, offsetof(struct page_form, op),
	    offsetof(struct page_form, op_n), 0, RULE_ROWS_MAX, NULL,
	    N_("the rules' comparisons") },
	{ "rule_value", INPUT_TEXTS, 0, offsetof(struct page_form, value),
	    offsetof(struct page_form, value_n), 0, RULE_ROWS_MAX, NULL, N_("the rules' values") },
	{ "rule_go_to", INPUT_TEXTS, 0, offsetof(struct page_form, go_to),
	    offsetof(struct page_form, go_to_n), 0, RULE_ROWS_MAX, NULL, N_("the rules' pages") },
	{ "remove_rule", INPUT_TEXTS, 0, offsetof(struct page_form, remove),
	    offsetof(struct page_form, remove_n), 0, RULE_ROWS_MAX, NULL,
	    N_("the rules to remove") },
};
const struct input_spec staff_survey_page_input = { INPUT_FORM,
	(int)(sizeof(page_fields) / sizeof(page_fields[0])), page_fields };

/* A marker in rule_question: the rule keeps its stored combined
 * condition, which the form shows but cannot write. */
#define KEEP_CONDITION "*"

static int
page_of_route(struct http_request *req, const struct survey_edit *ed)
{
	int page = (int)http_param_id(req, "page") - 1;

	return page >= 0 && page < ed->def.page_n ? page : -1;
}

/* The form as page p of ed shows it, with one empty row to add a rule. */
static void
page_form_from(struct http_request *req, const struct survey_edit *ed, int p,
    struct page_form *f)
{
	const struct survey_page *sp = &ed->def.pages[p];
	int i, n = sp->rule_n < RULE_ROWS_MAX - 1 ? sp->rule_n : RULE_ROWS_MAX - 1;

	memset(f, 0, sizeof(*f));
	f->title = sp->title;
	f->version = ed->sv->version;
	for (i = 0; i < n; i++) {
		const struct survey_rule *r = &sp->rules[i];
		const struct survey_cond *c = r->when;

		f->go_to[i] = r->go_to == SURVEY_END ? STR_LIT("end") : ed->def.pages[r->go_to].key;
		if (c == NULL)
			continue;
		if (c->op == SC_ALL || c->op == SC_ANY) {
			f->question[i] = STR_LIT(KEEP_CONDITION);
			continue;
		}
		f->question[i] = ed->def.questions[c->question].key;
		f->op[i] = str_c(survey_edit_op_names[c->op]);
		f->value[i] = ed->def.questions[c->question].type == SQ_NUMBER ||
		    ed->def.questions[c->question].type == SQ_RATING ?
		    survey_edit_number_text(req, true, c->number) : c->value;
	}
	f->question_n = f->op_n = f->value_n = f->go_to_n = n + 1;
}

static bool
row_removed(const struct page_form *f, int i)
{
	char n[16];
	int k;

	snprintf(n, sizeof(n), "%d", i);
	for (k = 0; k < f->remove_n; k++)
		if (str_eq_c(f->remove[k], n))
			return true;
	return false;
}

static struct str
row_of(const struct str *list, int n, int i)
{
	return i < n ? str_trim(list[i]) : (struct str){ "", 0 };
}

static int
page_form_page(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, int p, const struct page_form *f, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	const struct survey_page *sp = &ed->def.pages[p];
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN], heading[64], id[48];
	int rows = f->go_to_n, i, k, before = sp->first + sp->question_n;
	json_t *ctx, *list = json_array(), *errors = NULL;
	struct buf b = BUF_INIT;

	if (f->question_n > rows)
		rows = f->question_n;
	snprintf(action, sizeof(action), "/staff/surveys/%lld/pages/%d", (long long)ed->sv->id,
	    p + 1);
	builder_href(back, sizeof(back), ed->sv, "");
	snprintf(heading, sizeof(heading), tr(req, "Change page %d"), p + 1);
	ctx = json_pack("{s:s, s:o, s:o, s:s, s:s, s:I, s:o, s:i, s:{s:s}}", "title", heading,
	    "site", pages_staff_site(a), "survey_title", pages_string(ed->sv->title), "heading",
	    heading, "action", action, "version", (json_int_t)f->version, "page_title",
	    pages_string(f->title), "number", p + 1, "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
		pages_copy_error(ctx, errors, "title", "title_error");
	}
	for (i = 0; i < rows; i++) {
		struct str question = row_of(f->question, f->question_n, i);
		struct str go = row_of(f->go_to, f->go_to_n, i);
		struct str op = row_of(f->op, f->op_n, i);
		json_t *qs = json_array(), *ops, *pages = json_array(), *row;
		int chosen_op = -1;

		for (k = 0; k < before; k++) {
			const struct survey_question *q = &ed->def.questions[k];

			if (q->type == SQ_INFO || q->type == SQ_GRID)
				continue;
			buf_reset(&b);
			buf_printf(&b, "%.*s: %.*s", (int)q->key.n, q->key.p,
			    (int)(q->text.n > 80 ? 80 : q->text.n), q->text.p);
			json_array_append_new(qs, json_pack("{s:o, s:o, s:b}", "value",
			    pages_string(q->key), "label", pages_string(str_c(buf_cstr(&b) ?
			    buf_cstr(&b) : "")), "selected", str_eq(question, q->key)));
		}
		for (k = 0; k < SURVEY_EDIT_OP_N; k++)
			if (str_eq_c(op, survey_edit_op_names[k]))
				chosen_op = k;
		ops = survey_edit_op_list(req, chosen_op);
		for (k = p + 1; k < ed->def.page_n; k++) {
			const struct survey_page *to = &ed->def.pages[k];

			buf_reset(&b);
			if (to->title.n > 0)
				buf_printf(&b, tr(req, "Page %d: %.*s"), k + 1, (int)to->title.n,
				    to->title.p);
			else
				buf_printf(&b, tr(req, "Page %d"), k + 1);
			json_array_append_new(pages, json_pack("{s:o, s:o, s:b}", "value",
			    pages_string(to->key), "label", pages_string(str_c(buf_cstr(&b) ?
			    buf_cstr(&b) : "")), "selected", str_eq(go, to->key)));
		}
		row = json_pack("{s:i, s:i, s:o, s:o, s:o, s:o, s:b, s:b, s:b}", "index", i,
		    "number", i + 1, "questions", qs, "ops", ops, "pages", pages, "value",
		    pages_string(row_of(f->value, f->value_n, i)), "always", question.n == 0 &&
		    go.n > 0, "end", str_eq_c(go, "end"), "removed", row_removed(f, i));
		if (str_eq_c(question, KEEP_CONDITION) && i < sp->rule_n && sp->rules[i].when) {
			buf_reset(&b);
			survey_edit_cond_text(req, &ed->def, sp->rules[i].when, &b);
			json_object_set_new(row, "combined", json_string(buf_cstr(&b) ?
			    buf_cstr(&b) : ""));
		}
		if (errors != NULL) {
			static const char *const parts[] = { "question", "value", "go_to" };

			for (k = 0; k < 3; k++) {
				char key[32];

				snprintf(id, sizeof(id), "rule-%d-%s", i, parts[k]);
				snprintf(key, sizeof(key), "%s_error", parts[k]);
				pages_copy_error(row, errors, id, key);
			}
		}
		json_array_append_new(list, row);
	}
	buf_free(&b);
	json_object_set_new(ctx, "rules", list);
	json_object_set_new(ctx, "has_questions", json_boolean(before > 0));
	res->status = status;
	return page_render(req, res, "staff/survey_page", ctx);
}

int
handle_staff_survey_page_edit(struct http_request *req, struct http_response *res)
{
	struct survey_edit ed;
	struct page_form f;
	int p, rc;

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	if ((p = page_of_route(req, &ed)) < 0) {
		survey_edit_free(&ed);
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	}
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	page_form_from(req, &ed, p, &f);
	rc = page_form_page(req, res, 200, &ed, p, &f, NULL);
	survey_edit_free(&ed);
	return rc;
}

struct rule_map {
	int rows[RULE_ROWS_MAX]; /* the form's row of each rule sent to the domain */
	int n;
};

/* ".title", ".next[k].go_to" ... under the page, to the form's field. */
static void
map_page(void *arg, const char *rest, char *field, size_t size)
{
	const struct rule_map *m = arg;
	int k, used = 0;
	const char *part;

	if (strcmp(rest, ".title") == 0) {
		snprintf(field, size, "title");
		return;
	}
	if (sscanf(rest, ".next[%d]%n", &k, &used) != 1 || used == 0 || k < 0 || k >= m->n)
		return;
	part = rest + used;
	if (strncmp(part, ".if.question", 12) == 0 || strcmp(part, ".if") == 0)
		snprintf(field, size, "rule-%d-question", m->rows[k]);
	else if (strncmp(part, ".if.all", 7) == 0 || strncmp(part, ".if.any", 7) == 0)
		field[0] = '\0';
	else if (strncmp(part, ".if.", 4) == 0)
		snprintf(field, size, "rule-%d-value", m->rows[k]);
	else
		snprintf(field, size, "rule-%d-go_to", m->rows[k]);
}

int
handle_staff_survey_page_update(struct http_request *req, struct http_response *res)
{
	struct page_form f;
	struct rule_map m = { .n = 0 };
	struct survey_edit ed;
	struct errors e, shown;
	json_t *page, *rules, *old_rules;
	char prefix[32], to[PATH_MAX_LEN];
	int p, i, rows, rc;

	memset(&f, 0, sizeof(f));
	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, NULL, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	if ((p = page_of_route(req, &ed)) < 0) {
		survey_edit_free(&ed);
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	}
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	rows = f.go_to_n > f.question_n ? f.go_to_n : f.question_n;
	if (f.add_rule || errors_has_field(&e, "version")) {
		/* Another row to fill in, nothing saved. */
		if (rows < RULE_ROWS_MAX)
			rows++;
		f.question_n = f.op_n = f.value_n = f.go_to_n = rows;
		if (errors_has_field(&e, "version"))
			f.version = ed.sv->version;
		rc = page_form_page(req, res, 200, &ed, p, &f, NULL);
		survey_edit_free(&ed);
		return rc;
	}
	page = json_array_get(ed.pages, (size_t)p);
	old_rules = json_incref(json_object_get(page, "next"));
	json_object_set_new(page, "title", json_stringn(f.title.p ? f.title.p : "", f.title.n));
	rules = json_array();
	for (i = 0; i < rows; i++) {
		struct str question = row_of(f.question, f.question_n, i);
		struct str go = row_of(f.go_to, f.go_to_n, i);
		json_t *rule;
		int op = -1, k;

		if (row_removed(&f, i) || (question.n == 0 && go.n == 0))
			continue;
		rule = json_object();
		if (str_eq_c(question, KEEP_CONDITION)) {
			json_t *kept = json_object_get(json_array_get(old_rules, (size_t)i), "if");

			if (kept != NULL)
				json_object_set(rule, "if", kept);
		} else if (question.n > 0) {
			struct str opname = row_of(f.op, f.op_n, i);

			for (k = 0; k < SURVEY_EDIT_OP_N; k++)
				if (str_eq_c(opname, survey_edit_op_names[k]))
					op = k;
			json_object_set_new(rule, "if", json_pack("{s:s%, s:o}", "question",
			    question.p, question.n, survey_edit_op_names[op >= 0 ? op : 0],
			    survey_edit_value_json(&ed.def, question, row_of(f.value, f.value_n, i))));
		}
		/* A rule without its page goes to the domain as it is, which
		 * asks for one. */
		if (go.n > 0)
			json_object_set_new(rule, "go_to", json_stringn(go.p, go.n));
		m.rows[m.n++] = i;
		json_array_append_new(rules, rule);
	}
	json_decref(old_rules);
	json_object_set_new(page, "next", rules);
	rc = survey_edit_save(req, &ed, NULL, (int)f.version, &e);
	if (rc == 0) {
		builder_href(to, sizeof(to), ed.sv, "?done=page");
		survey_edit_free(&ed);
		http_response_redirect(res, 303, to);
		return HTTP_DONE;
	}
	if (rc != ERR_INVALID && rc != ERR_CONFLICT) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, &e);
	}
	snprintf(prefix, sizeof(prefix), "pages[%d]", p);
	errors_init_in(&shown, req->lang);
	survey_edit_errors(req, ed.pages, &e, prefix, map_page, &m, &shown);
	f.version = ed.sv->version;
	if (survey_edit_stale(&e)) {
		struct survey *now;

		if (store_survey_get(req->app->store, &req->arena, ed.sv->id, &now) == 0)
			f.version = now->version;
	}
	f.question_n = f.op_n = f.value_n = f.go_to_n = rows;
	rc = page_form_page(req, res, survey_edit_refused_status(rc), &ed, p, &f, &shown);
	survey_edit_free(&ed);
	return rc;
}

/* ---- deleting a page ------------------------------------------------------------------------- */

struct delete_form {
	int64_t version;
};

static const struct input_field delete_fields[] = {
	{ "version", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct delete_form, version), 0, 0,
	    INT32_MAX, NULL, N_("the version") },
};
const struct input_spec staff_survey_page_delete_input = { INPUT_FORM, 1, delete_fields };

static int
page_delete_page(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, int p, const struct errors *e)
{
	const struct survey_page *sp = &ed->def.pages[p];
	char action[PATH_MAX_LEN], explain[128];
	struct errors shown;
	json_t *items = json_array();
	int i;

	snprintf(action, sizeof(action), "/staff/surveys/%lld/pages/%d/delete",
	    (long long)ed->sv->id, p + 1);
	snprintf(explain, sizeof(explain), trn(req, "This deletes page %d and its question:",
	    "This deletes page %d and its %d questions:", (unsigned long)sp->question_n), p + 1,
	    sp->question_n);
	for (i = sp->first; i < sp->first + sp->question_n; i++) {
		char line[SURVEY_TEXT_MAX_CHARS * 4 + SURVEY_KEY_MAX + 8];

		snprintf(line, sizeof(line), "%.*s: %.*s", (int)ed->def.questions[i].key.n,
		    ed->def.questions[i].key.p, (int)ed->def.questions[i].text.n,
		    ed->def.questions[i].text.p);
		json_array_append_new(items, pages_string(str_c(line)));
	}
	errors_init_in(&shown, req->lang);
	if (e != NULL)
		survey_edit_errors(req, ed->pages, e, NULL, NULL, NULL, &shown);
	return staff_survey_confirm(req, res, status, ed->sv,
	    tr(req, "Are you sure you want to delete this page?"), explain, items, action,
	    tr(req, "Delete page"), &shown);
}

int
handle_staff_survey_page_delete_form(struct http_request *req, struct http_response *res)
{
	struct survey_edit ed;
	int p, rc;

	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	if ((p = page_of_route(req, &ed)) < 0) {
		survey_edit_free(&ed);
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	}
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	rc = page_delete_page(req, res, 200, &ed, p, NULL);
	survey_edit_free(&ed);
	return rc;
}

int
handle_staff_survey_page_delete(struct http_request *req, struct http_response *res)
{
	struct delete_form f = { 0 };
	struct survey_edit ed;
	struct errors e;
	char to[PATH_MAX_LEN];
	int p, rc;

	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (survey_edit_load(req, res, &ed) != 0)
		return HTTP_DONE;
	if ((p = page_of_route(req, &ed)) < 0) {
		survey_edit_free(&ed);
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	}
	if (survey_edit_refuse_closed(req, res, &ed) != 0)
		return HTTP_DONE;
	json_array_remove(ed.pages, (size_t)p);
	errors_init_in(&e, req->lang);
	rc = survey_edit_save(req, &ed, NULL, (int)f.version, &e);
	if (rc == 0) {
		builder_href(to, sizeof(to), ed.sv, "?done=deleted_page");
		survey_edit_free(&ed);
		http_response_redirect(res, 303, to);
		return HTTP_DONE;
	}
	if (rc != ERR_INVALID && rc != ERR_CONFLICT) {
		survey_edit_free(&ed);
		return reply_error(req, res, rc, &e);
	}
	rc = page_delete_page(req, res, survey_edit_refused_status(rc), &ed, p, &e);
	survey_edit_free(&ed);
	return rc;
}
