/*
 * handlers_survey_themes.c - what a survey's free text says, as the theme
 * classifier read it (comment_worker.h): GET /api/v1/surveys/{id}/themes.
 *
 * For each free-text question: how many comments, how many in another
 * language (not classified) and how many hold identifying details; the
 * sentiments; and each theme with its count and up to THEME_EXAMPLES
 * example comments.  An example never holds identifying details, whoever
 * asks.  Counts under the organisation's threshold are hidden (null,
 * "suppressed": true) except for analysts and administrators, as the
 * results' are (suppress.h), and a hidden theme shows no examples.
 */
#include <string.h>

#include <jansson.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/i18n.h"
#include "involve/reply.h"
#include "involve/store_comments.h"
#include "involve/store_survey.h"
#include "involve/suppress.h"
#include "api_json.h"
#include "handlers.h"

#define THEME_EXAMPLES 3

/* One free-text question's figures. */
struct question_sum {
	const struct survey_question *q;
	int64_t comments, other_language, identifying;
	int64_t sentiment[6]; /* [1..5]; [0]: not classified */
	json_t *themes;       /* {name: {"count", "examples"}} */
};

struct sums {
	struct question_sum *list;
	int n;
	int rc;
};

static struct question_sum *
sum_of(struct sums *s, struct str key)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (str_eq(s->list[i].q->key, key))
			return &s->list[i];
	return NULL;
}

static int
add_comment(void *arg, const struct survey_comment *c)
{
	struct sums *s = arg;
	struct question_sum *q = sum_of(s, c->question);
	json_t *themes, *name, *t, *examples;
	size_t i;

	if (q == NULL)
		return 0; /* a question removed since */
	q->comments++;
	if (!str_eq_c(c->language, "en"))
		q->other_language++;
	if (c->identifying.n > 0)
		q->identifying++;
	q->sentiment[c->sentiment >= 1 && c->sentiment <= 5 ? c->sentiment : 0]++;
	themes = json_loadb(c->themes.p, c->themes.n, 0, NULL);
	json_array_foreach(themes, i, name) {
		const char *key = json_string_value(name);

		if (key == NULL)
			continue;
		if ((t = json_object_get(q->themes, key)) == NULL) {
			t = json_pack("{s:I, s:[]}", "count", (json_int_t)0, "examples");
			json_object_set_new(q->themes, key, t);
		}
		json_object_set_new(t, "count", json_integer(json_integer_value(
		    json_object_get(t, "count")) + 1));
		examples = json_object_get(t, "examples");
		if (c->identifying.n == 0 && json_array_size(examples) < THEME_EXAMPLES)
			json_array_append_new(examples, api_json_text(c->comment));
	}
	json_decref(themes);
	return 0;
}

/* A count, or null and "suppressed" when it is under the threshold. */
static void
set_count(json_t *o, const char *name, int64_t n, int64_t below)
{
	bool hidden = n > 0 && n < below;

	json_object_set_new(o, name, hidden ? json_null() : json_integer(n));
	if (hidden)
		json_object_set_new(o, "suppressed", json_true());
}

static json_t *
question_json(const struct question_sum *q, int64_t below)
{
	json_t *o = json_pack("{s:o, s:o}", "key", api_json_text(q->q->key), "text",
	    api_json_text(q->q->text));
	json_t *themes = json_array(), *sentiment = json_object(), *t;
	const char *name;
	char k[2] = "0";
	int i;

	set_count(o, "comments", q->comments, below);
	set_count(o, "other_language", q->other_language, below);
	set_count(o, "identifying", q->identifying, below);
	for (i = 1; i <= 5; i++) {
		k[0] = (char)('0' + i);
		set_count(sentiment, k, q->sentiment[i], below);
	}
	json_object_del(sentiment, "suppressed");
	json_object_set_new(o, "sentiment", sentiment);
	json_object_foreach(q->themes, name, t) {
		int64_t n = json_integer_value(json_object_get(t, "count"));
		json_t *row = json_pack("{s:s}", "name", name);

		set_count(row, "count", n, below);
		if (json_object_get(row, "suppressed") == NULL)
			json_object_set_new(row, "suppressed", json_false());
		json_object_set_new(row, "examples", n > 0 && n < below ? json_array() :
		    json_incref(json_object_get(t, "examples")));
		json_array_append_new(themes, row);
	}
	json_object_set_new(o, "themes", themes);
	return o;
}

json_t *
survey_themes_json(struct http_request *req, const struct survey *sv,
    const struct survey_def *d, int64_t below, int *rc)
{
	struct sums s = { NULL, 0, 0 };
	json_t *questions;
	int i;

	s.list = arena_array(&req->arena, (size_t)(d->question_n > 0 ? d->question_n : 1),
	    sizeof(*s.list));
	if (s.list == NULL) {
		*rc = ERR_NOMEM;
		return NULL;
	}
	for (i = 0; i < d->question_n; i++) {
		if (!survey_question_has_text(&d->questions[i]))
			continue;
		memset(&s.list[s.n], 0, sizeof(s.list[s.n]));
		s.list[s.n].q = &d->questions[i];
		s.list[s.n].themes = json_object();
		s.n++;
	}
	*rc = store_comments_each(req->app->store, sv->id, add_comment, &s);
	questions = json_array();
	for (i = 0; i < s.n; i++) {
		if (*rc == 0)
			json_array_append_new(questions, question_json(&s.list[i], below));
		json_decref(s.list[i].themes);
	}
	if (*rc != 0) {
		json_decref(questions);
		return NULL;
	}
	return questions;
}

int
handle_api_survey_themes(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct survey *sv;
	struct survey_def d;
	struct errors e;
	struct org org;
	json_t *questions;
	int64_t below;
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), &sv);
	if (rc == 0 && sv->org_id != a->user.org_id)
		rc = ERR_NOTFOUND;
	errors_init(&e); /* the API's messages are in English */
	if (rc == 0 && survey_def_parse(sv->definition, &req->arena, &d, &e) != 0)
		rc = ERR_IO;
	if (rc == 0 && (rc = store_org_get(req->app->store, sv->org_id, &org)) != 0)
		rc = ERR_IO;
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ?
		    N_("There is no such survey.") : N_("Try again in a moment."));
	below = suppress_exempt(a->user.role) ? 0 : org.suppress_below;
	if ((questions = survey_themes_json(req, sv, &d, below, &rc)) == NULL)
		return reply_error(req, res, rc, NULL);
	return api_json(res, 200, json_pack("{s:o, s:I, s:o}", "survey", api_json_id(sv->id),
	    "suppress_below", (json_int_t)below, "questions", questions));
}
