/*
 * handlers_survey_comments.c - a survey's free-text comments as the theme
 * classifier read them, and staff reviewing them: the themes and sentiment
 * they say, kept as reviewed (store_comments.h), which `involve themes
 * export` writes for training the model again.
 *
 *   API    GET /api/v1/surveys/{id}/comments?question=KEY[&after=ID&limit=N]
 *          PUT /api/v1/surveys/{id}/comments/{response}/{question}
 *          {"themes": [NAME, ...], "sentiment": 1..5}
 *   pages  /staff/surveys/{id}/comments/{question}: the comments, fifty at a
 *          time, each with its themes and a link to review it;
 *          /staff/surveys/{id}/comments/{question}/{response}: the review.
 *
 * The themes a reviewer may choose are the model's (app->theme_names, when
 * this server reads free text) and those the comment has already.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/num.h"
#include "involve/reply.h"
#include "involve/store_comments.h"
#include "involve/store_survey.h"
#include "involve/suppress.h"
#include "involve/text.h"
#include "api_json.h"
#include "handlers.h"
#include "pages.h"

#define COMMENTS_PAGE 50
#define PATH_MAX_LEN 256
#define COMMENT_THEMES_MAX 100
#define COMMENT_THEME_NAME_MAX 200

/* The survey {id} of the asker's organisation and its definition; -1
 * with res filled (another organisation's is not found). */
static int
load_survey(struct http_request *req, struct http_response *res, struct survey **sv,
    struct survey_def *d)
{
	struct auth *a = req->auth;
	struct errors e;
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), sv);
	if (rc == 0 && (*sv)->org_id != a->user.org_id)
		rc = ERR_NOTFOUND;
	errors_init_in(&e, req->lang);
	if (rc == 0 && survey_def_parse((*sv)->definition, &req->arena, d, &e) != 0)
		rc = ERR_IO;
	if (rc != 0) {
		reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? N_("There is no such survey.") :
		    N_("Try again in a moment."));
		return -1;
	}
	return 0;
}

/* The survey's free-text question `key`; -1 with res filled. */
static int
find_question(struct http_request *req, struct http_response *res, const struct survey_def *d,
    struct str key, const struct survey_question **q)
{
	struct errors e;
	int i;

	*q = NULL;
	for (i = 0; i < d->question_n; i++)
		if (str_eq(d->questions[i].key, key) && survey_question_has_text(&d->questions[i]))
			*q = &d->questions[i];
	if (*q != NULL)
		return 0;
	/* Shown on a page in the reader's language; the API's in English. */
	errors_init_in(&e, str_starts_with(req->path, "/api/") ? NULL : req->lang);
	errors_add(&e, "question", N_("The survey has no free-text question '%.*s'"),
	    (int)text_utf8_cut(key, 40), key.p ? key.p : "");
	reply_error(req, res, ERR_NOTFOUND, &e);
	return -1;
}

/* Both: the survey, then its question `key`. */
static int
load(struct http_request *req, struct http_response *res, struct str key, struct survey **sv,
    struct survey_def *d, const struct survey_question **q)
{
	if (load_survey(req, res, sv, d) != 0)
		return -1;
	return find_question(req, res, d, key, q);
}

static json_t *
comment_json(int64_t survey_id, const struct survey_comment *c)
{
	json_t *themes = json_loadb(c->themes.p, c->themes.n, 0, NULL), *kinds = json_array();
	size_t i = 0;

	while (i < c->identifying.n) {
		size_t from = i;

		while (i < c->identifying.n && c->identifying.p[i] != ',')
			i++;
		json_array_append_new(kinds, json_stringn(c->identifying.p + from, i - from));
		i++;
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:s, s:o, s:i, s:o, s:b}", "survey",
	    api_json_id(survey_id), "response", api_json_id(c->response_id), "question",
	    api_json_text(c->question), "comment", api_json_text(c->comment), "language",
	    str_eq_c(c->language, "en") ? "en" : "other", "themes",
	    json_is_array(themes) ? themes : json_array(), "sentiment", c->sentiment,
	    "identifying", kinds, "reviewed", c->reviewed_by != 0);
}

/* ---- the API ------------------------------------------------------------------------- */

struct list_query {
	struct str question;
	int64_t after;
	int64_t limit;
};

static const struct input_field list_fields[] = {
	{ "question", INPUT_TEXT, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct list_query,
	    question), 0, 0, 0, NULL, N_("the free-text question") },
	{ "after", INPUT_ID, INPUT_QUERY, offsetof(struct list_query, after), 0, 0, 0, NULL,
	    N_("a response's id from the previous page's next_cursor") },
	{ "limit", INPUT_NUMBER, INPUT_QUERY, offsetof(struct list_query, limit), 0, 1,
	    STORE_LIST_MAX, NULL, N_("the number of comments") },
};
const struct input_spec api_survey_comments_input = { INPUT_FORM, 3, list_fields };

/* A page of comments, for the API or (page) a staff page, which also
 * wants each one's themes as a line, its review's address and its id. */
struct list_ctx {
	int64_t survey_id;
	struct str question;
	bool page;
	json_t *items;
	int64_t last;
	int n;
};

static int
list_one(void *arg, const struct survey_comment *c)
{
	struct list_ctx *x = arg;
	json_t *o = comment_json(x->survey_id, c), *t;
	struct buf line = BUF_INIT;
	char href[PATH_MAX_LEN];
	size_t i;

	if (x->page) {
		json_array_foreach(json_object_get(o, "themes"), i, t) {
			if (i > 0)
				buf_add_c(&line, ", ");
			buf_add_c(&line, json_string_value(t));
		}
		snprintf(href, sizeof(href), "/staff/surveys/%lld/comments/%.*s/%lld",
		    (long long)x->survey_id, (int)x->question.n, x->question.p,
		    (long long)c->response_id);
		json_object_set_new(o, "themes_list", json_string(buf_ok(&line) && line.n ?
		    buf_cstr(&line) : ""));
		json_object_set_new(o, "href", json_string(href));
		json_object_set_new(o, "other_language", json_boolean(!str_eq_c(c->language, "en")));
		json_object_set_new(o, "id", json_integer(c->response_id));
		buf_free(&line);
	}
	json_array_append_new(x->items, o);
	x->last = c->response_id;
	x->n++;
	return 0;
}

int
handle_api_survey_comments(struct http_request *req, struct http_response *res)
{
	struct list_query q = { { NULL, 0 }, 0, COMMENTS_PAGE };
	const struct survey_question *qn;
	struct survey *sv;
	struct survey_def d;
	struct list_ctx x = { 0, { NULL, 0 }, false, NULL, 0, 0 };
	struct errors e;
	int rc;

	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	errors_init(&e); /* the API's messages are in English */
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	if (find_question(req, res, &d, q.question, &qn) != 0)
		return HTTP_DONE;
	x.survey_id = sv->id;
	x.question = qn->key;
	x.items = json_array();
	rc = store_comments_list(req->app->store, sv->id, qn->key, q.after, (int)q.limit, list_one,
	    &x);
	if (rc != 0) {
		json_decref(x.items);
		return reply_error(req, res, rc, NULL);
	}
	return api_json(res, 200, json_pack("{s:o, s:o}", "items", x.items, "next_cursor",
	    x.n == q.limit ? api_json_id(x.last) : json_null()));
}

/* Whether name is a theme a reviewer may choose: the model's, or (without
 * one here) any short name without control characters. */
static bool
theme_allowed(const struct app *app, struct str name)
{
	size_t i;
	int t;

	if (name.n == 0 || name.n > COMMENT_THEME_NAME_MAX)
		return false;
	for (i = 0; i < name.n; i++)
		if ((unsigned char)name.p[i] < 0x20)
			return false;
	if (app->theme_n == 0)
		return true;
	for (t = 0; t < app->theme_n; t++)
		if (str_eq_c(name, app->theme_names[t]))
			return true;
	return false;
}

/* The themes chosen, checked, as a JSON array's text into b; each problem
 * into e under field. */
static void
themes_text(const struct app *app, const struct str *names, int n, const char *field,
    struct buf *b, struct errors *e)
{
	int i, k;

	buf_addch(b, '[');
	for (i = 0; i < n; i++) {
		for (k = 0; k < i; k++)
			if (str_eq(names[k], names[i]))
				break;
		if (k < i)
			continue;
		if (!theme_allowed(app, names[i])) {
			errors_add(e, field, N_("'%.*s' is not one of the themes"),
			    (int)text_utf8_cut(names[i], 60), names[i].p);
			continue;
		}
		if (b->n > 1)
			buf_addch(b, ',');
		buf_add_json_string(b, names[i]);
	}
	buf_addch(b, ']');
}

struct review_body {
	struct str themes[COMMENT_THEMES_MAX];
	int theme_n;
	int64_t sentiment;
};

static const struct input_field review_fields[] = {
	{ "themes", INPUT_TEXTS, INPUT_REQUIRED, offsetof(struct review_body, themes),
	    offsetof(struct review_body, theme_n), 0, COMMENT_THEMES_MAX, NULL, N_("the themes") },
	{ "sentiment", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct review_body, sentiment), 0,
	    1, 5, NULL, N_("the sentiment, from 1 (very positive) to 5 (very negative)") },
};
const struct input_spec api_survey_comment_review_input = { INPUT_JSON, 2, review_fields };

int
handle_api_survey_comment_review(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct review_body b;
	const struct survey_question *qn;
	struct survey_comment c;
	struct survey *sv;
	struct survey_def d;
	struct buf themes = BUF_INIT;
	struct errors e;
	struct str key;
	int rc;

	memset(&b, 0, sizeof(b));
	errors_init(&e); /* the API's messages are in English */
	rc = input_read(req, &b, NULL, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	key = http_param(req, "question");
	if (load(req, res, key, &sv, &d, &qn) != 0)
		return HTTP_DONE;
	themes_text(req->app, b.themes, b.theme_n, "themes", &themes, &e);
	if (rc != 0 || errors_any(&e)) {
		buf_free(&themes);
		return reply_error(req, res, ERR_INVALID, &e);
	}
	rc = buf_ok(&themes) ? store_comment_review(req->app->store, &a->actor, sv->id,
	    http_param_id(req, "response"), qn->key, (struct str){ themes.p, themes.n },
	    (int)b.sentiment) : ERR_NOMEM;
	buf_free(&themes);
	if (rc == 0)
		rc = store_comment_get(req->app->store, &req->arena, sv->id,
		    http_param_id(req, "response"), qn->key, &c);
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ?
		    N_("There is no such comment.") :
		    N_("The review could not be saved. Try again."));
	return api_json(res, 200, comment_json(sv->id, &c));
}

/* ---- the staff pages ----------------------------------------------------------------- */

static const char *
done_text(struct http_request *req)
{
	struct str q;

	if (http_query(req, "done", &q) && str_eq_c(q, "reviewed"))
		return tr(req, "Your review has been saved.");
	return NULL;
}

int
handle_staff_survey_comments(struct http_request *req, struct http_response *res)
{
	const struct survey_question *qn;
	struct list_ctx x;
	struct survey *sv;
	struct survey_def d;
	struct str key, after_s;
	int64_t after = 0;
	char back[PATH_MAX_LEN], older[PATH_MAX_LEN];
	const char *done;
	json_t *ctx, *summary = NULL;
	int rc;

	key = http_param(req, "question");
	if (load(req, res, key, &sv, &d, &qn) != 0)
		return HTTP_DONE;
	if (http_query(req, "after", &after_s) && num_parse(after_s, 1, INT64_MAX, &after) != NUM_OK)
		after = 0;
	x = (struct list_ctx){ sv->id, qn->key, true, json_array(), 0, 0 };
	rc = store_comments_list(req->app->store, sv->id, qn->key, after, COMMENTS_PAGE, list_one,
	    &x);
	if (rc != 0) {
		json_decref(x.items);
		return reply_error(req, res, rc, NULL);
	}
	/* The question's themes, counted, small counts hidden as on the results page. */
	{
		struct auth *a = pages_staff(req);
		int64_t below = suppress_exempt(a->user.role) ? 0 : a->org.suppress_below;
		json_t *all = survey_themes_json(req, sv, &d, below, &rc), *q;
		size_t i;

		if (all == NULL) {
			json_decref(x.items);
			return reply_error(req, res, rc, NULL);
		}
		json_array_foreach(all, i, q)
			if (str_eq_c(qn->key, json_string_value(json_object_get(q, "key"))))
				summary = json_incref(q);
		json_decref(all);
		if (summary != NULL)
			json_object_set_new(summary, "below", json_integer(below));
	}
	snprintf(back, sizeof(back), "/staff/surveys/%lld/results", (long long)sv->id);
	ctx = pages_staff_ctx(req, N_("Comments"), back);
	if (summary != NULL)
		json_object_set_new(ctx, "summary", summary);
	json_object_set_new(ctx, "survey_title", pages_string(sv->title));
	json_object_set_new(ctx, "question", pages_string(qn->text));
	json_object_set_new(ctx, "comments", x.items);
	json_object_set_new(ctx, "classifier", json_boolean(req->app->theme_n > 0));
	if (x.n == COMMENTS_PAGE) {
		snprintf(older, sizeof(older), "/staff/surveys/%lld/comments/%.*s?after=%lld",
		    (long long)sv->id, (int)qn->key.n, qn->key.p, (long long)x.last);
		json_object_set_new(ctx, "more_href", json_string(older));
	}
	if ((done = done_text(req)) != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	return page_render(req, res, "staff/survey_comments", ctx);
}

/* The review form of comment c, with e's problems (may be NULL). */
static int
review_page(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const struct survey_question *qn, const struct survey_comment *c,
    const struct errors *e)
{
	json_t *ctx, *chosen = json_loadb(c->themes.p, c->themes.n, 0, NULL), *themes = json_array();
	json_t *sentiments = json_array(), *t;
	char back[PATH_MAX_LEN], action[PATH_MAX_LEN];
	/* The scale of NHS England's labelled feedback, which the model learns. */
	static const char *const words[] = { N_("Very positive"), N_("Positive"),
		N_("Mixed or neutral"), N_("Negative"), N_("Very negative") };
	size_t i;
	int k;

	/* The model's themes, then any the comment has that it does not. */
	for (k = 0; k < req->app->theme_n; k++) {
		bool on = false;

		json_array_foreach(chosen, i, t)
			on = on || strcmp(json_string_value(t), req->app->theme_names[k]) == 0;
		json_array_append_new(themes, json_pack("{s:s, s:b, s:s}", "name",
		    req->app->theme_names[k], "checked", on, "id", ""));
	}
	json_array_foreach(chosen, i, t) {
		bool known = false;

		for (k = 0; k < req->app->theme_n; k++)
			known = known || strcmp(json_string_value(t), req->app->theme_names[k]) == 0;
		if (!known)
			json_array_append_new(themes, json_pack("{s:s, s:b, s:s}", "name",
			    json_string_value(t), "checked", 1, "id", ""));
	}
	json_array_foreach(themes, i, t) {
		char id[32];

		snprintf(id, sizeof(id), i == 0 ? "themes" : "themes-%zu", i + 1);
		json_object_set_new(t, "id", json_string(id));
	}
	for (k = 1; k <= 5; k++) {
		char id[32];

		snprintf(id, sizeof(id), k == 1 ? "sentiment" : "sentiment-%d", k);
		json_array_append_new(sentiments, json_pack("{s:i, s:s, s:b, s:s}", "value", k,
		    "label", tr(req, words[k - 1]), "checked", c->sentiment == k, "id", id));
	}
	json_decref(chosen);
	snprintf(back, sizeof(back), "/staff/surveys/%lld/comments/%.*s", (long long)sv->id,
	    (int)qn->key.n, qn->key.p);
	snprintf(action, sizeof(action), "/staff/surveys/%lld/comments/%.*s/%lld",
	    (long long)sv->id, (int)qn->key.n, qn->key.p, (long long)c->response_id);
	ctx = pages_staff_ctx(req, N_("Review a comment"), back);
	json_object_set_new(ctx, "survey_title", pages_string(sv->title));
	json_object_set_new(ctx, "question", pages_string(qn->text));
	json_object_set_new(ctx, "comment", pages_string(c->comment));
	json_object_set_new(ctx, "other_language", json_boolean(!str_eq_c(c->language, "en")));
	json_object_set_new(ctx, "identifying", pages_string(c->identifying));
	json_object_set_new(ctx, "reviewed", json_boolean(c->reviewed_by != 0));
	json_object_set_new(ctx, "themes", themes);
	json_object_set_new(ctx, "sentiments", sentiments);
	json_object_set_new(ctx, "action", json_string(action));
	if (e != NULL && errors_any(e)) {
		json_t *errors;

		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
		pages_copy_error(ctx, errors, "themes", "themes_error");
		pages_copy_error(ctx, errors, "sentiment", "sentiment_error");
	}
	res->status = status;
	return page_render(req, res, "staff/survey_comment", ctx);
}

int
handle_staff_survey_comment(struct http_request *req, struct http_response *res)
{
	const struct survey_question *qn;
	struct survey_comment c;
	struct survey *sv;
	struct survey_def d;
	struct str key;
	int rc;

	key = http_param(req, "question");
	if (load(req, res, key, &sv, &d, &qn) != 0)
		return HTTP_DONE;
	rc = store_comment_get(req->app->store, &req->arena, sv->id, http_param_id(req, "response"),
	    qn->key, &c);
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ?
		    N_("There is no such comment.") : N_("Try again in a moment."));
	return review_page(req, res, 200, sv, qn, &c, NULL);
}

/* The same review as the API's body (struct review_body), in a form: no
 * theme ticked sends no field at all. */
static const struct input_field review_form_fields[] = {
	{ "themes", INPUT_TEXTS, 0, offsetof(struct review_body, themes),
	    offsetof(struct review_body, theme_n), 0, COMMENT_THEMES_MAX, NULL, N_("the themes") },
	{ "sentiment", INPUT_NUMBER, INPUT_REQUIRED, offsetof(struct review_body, sentiment), 0,
	    1, 5, NULL, N_("the sentiment") },
};
const struct input_spec staff_survey_comment_input = { INPUT_FORM, 2, review_form_fields };

int
handle_staff_survey_comment_review(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	const struct survey_question *qn;
	struct review_body f;
	struct survey_comment c;
	struct survey *sv;
	struct survey_def d;
	struct buf themes = BUF_INIT;
	struct errors e;
	struct str key;
	char to[PATH_MAX_LEN];
	int rc;

	memset(&f, 0, sizeof(f));
	errors_init_in(&e, req->lang);
	rc = input_read(req, &f, NULL, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	key = http_param(req, "question");
	if (load(req, res, key, &sv, &d, &qn) != 0)
		return HTTP_DONE;
	rc = store_comment_get(req->app->store, &req->arena, sv->id, http_param_id(req, "response"),
	    qn->key, &c);
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ?
		    N_("There is no such comment.") : N_("Try again in a moment."));
	themes_text(req->app, f.themes, f.theme_n, "themes", &themes, &e);
	if (errors_any(&e)) {
		buf_free(&themes);
		return review_page(req, res, 422, sv, qn, &c, &e);
	}
	rc = buf_ok(&themes) ? store_comment_review(req->app->store, &a->actor, sv->id,
	    c.response_id, qn->key, (struct str){ themes.p, themes.n }, (int)f.sentiment) :
	    ERR_NOMEM;
	buf_free(&themes);
	if (rc != 0)
		return reply_error_text(req, res, rc,
		    N_("The review could not be saved. Try again."));
	snprintf(to, sizeof(to), "/staff/surveys/%lld/comments/%.*s?done=reviewed#comment-%lld",
	    (long long)sv->id, (int)qn->key.n, qn->key.p, (long long)c.response_id);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}
