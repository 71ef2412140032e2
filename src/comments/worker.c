/*
 * worker.c - reads submitted responses' free text with the theme
 * classifier (see comment_worker.h).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "involve/comment_worker.h"
#include "involve/language.h"
#include "involve/log.h"
#include "involve/periodic.h"
#include "involve/pii.h"
#include "involve/store_comments.h"
#include "involve/store_survey.h"
#include "involve/survey.h"

/* ---- one look ------------------------------------------------------------------------ */

/* A stretch of one survey's responses being read. */
struct stretch {
	struct arena *a;
	const struct survey_def *d;
	struct theme_classifier *c;
	int theme_n;
	uint8_t *themes;
	struct survey_comment *list;
	int n, cap;
	int64_t last_id;
	int64_t newest; /* store_comments_settled's: read no further */
	int responses;
	int rc;
};

static int
add_comment(struct stretch *x, int64_t response_id, const struct survey_question *q,
    struct str text)
{
	struct survey_comment *m;
	struct buf themes = BUF_INIT, kinds = BUF_INIT;
	unsigned found;
	int t, k, sentiment = 0;

	if (x->n == x->cap) {
		int cap = x->cap ? x->cap * 2 : 64;
		struct survey_comment *list = arena_array(x->a, (size_t)cap, sizeof(*list));

		if (list == NULL)
			return ERR_NOMEM;
		if (x->n > 0)
			memcpy(list, x->list, (size_t)x->n * sizeof(*list));
		x->list = list;
		x->cap = cap;
	}
	m = &x->list[x->n];
	memset(m, 0, sizeof(*m));
	m->response_id = response_id;
	m->question = q->key;
	m->comment = arena_str(x->a, text);
	buf_addch(&themes, '[');
	if (language_is_english(text)) {
		m->language = STR_LIT("en");
		if (theme_classify(x->c, text, x->themes, &sentiment, NULL) != 0) {
			buf_free(&themes);
			return ERR_NOMEM;
		}
		for (t = 0, k = 0; t < x->theme_n; t++) {
			if (!x->themes[t])
				continue;
			if (k++ > 0)
				buf_addch(&themes, ',');
			buf_add_json_string(&themes,
			    str_c(theme_model_theme_name(theme_classifier_model(x->c), t)));
		}
	} else {
		m->language = STR_LIT("other");
	}
	buf_addch(&themes, ']');
	m->sentiment = sentiment;
	found = pii_kinds(text);
	for (k = 0; k < PII_KIND_N; k++) {
		if (!(found & 1u << k))
			continue;
		if (kinds.n > 0)
			buf_addch(&kinds, ',');
		buf_add_c(&kinds, pii_kind_name((enum pii_kind)k));
	}
	m->themes = buf_ok(&themes) ? arena_str(x->a, (struct str){ themes.p, themes.n }) :
	    (struct str){ NULL, 0 };
	m->identifying = kinds.n == 0 ? STR_LIT("") : buf_ok(&kinds) ?
	    arena_str(x->a, (struct str){ kinds.p, kinds.n }) : (struct str){ NULL, 0 };
	buf_free(&themes);
	buf_free(&kinds);
	if (m->comment.p == NULL || m->themes.p == NULL || m->identifying.p == NULL)
		return ERR_NOMEM;
	x->n++;
	return 0;
}

/* What read_response returns at the first response past x->newest. */
#define STRETCH_END 1

/* Each free-text answer of one response, and each "Other, please say"
 * text (kept beside the answers, under its question's key). */
static int
read_response(void *arg, const struct survey_response *r)
{
	struct stretch *x = arg;
	json_t *root, *answers, *other, *v;
	int i;

	if (r->id > x->newest)
		return STRETCH_END;
	x->last_id = r->id;
	x->responses++;
	root = json_loadb(r->answers.p, r->answers.n, 0, NULL);
	answers = json_object_get(root, "answers");
	other = json_object_get(root, "other");
	for (i = 0; i < x->d->question_n && x->rc == 0; i++) {
		const struct survey_question *q = &x->d->questions[i];
		struct str text;
		char key[SURVEY_KEY_MAX + 1];

		if (!survey_question_has_text(q))
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)q->key.n, q->key.p);
		v = json_object_get(survey_qtype_is_free_text(q->type) ? answers : other, key);
		if (!json_is_string(v))
			continue;
		text = str_trim((struct str){ json_string_value(v), json_string_length(v) });
		if (text.n > 0)
			x->rc = add_comment(x, r->id, q, text);
	}
	json_decref(root);
	return x->rc;
}

static int
read_survey(struct store *s, struct theme_classifier *c, const struct comment_unread *t,
    int *read)
{
	struct survey *sv;
	struct survey_def d;
	struct errors e;
	struct arena a;
	struct stretch x;
	int64_t newest;
	int i, rc;

	arena_init(&a, NULL, 0);
	errors_init(&e);
	memset(&x, 0, sizeof(x));
	/* Only as far as no response can still be written below: past it, one
	 * committed later with a lower id would never be read. */
	if ((rc = store_comments_settled(s, t->survey_id, &newest)) != 0 || newest <= t->through)
		goto out;
	if ((rc = store_survey_get(s, &a, t->survey_id, &sv)) != 0 ||
	    (rc = survey_def_parse(sv->definition, &a, &d, &e)) != 0)
		goto out;
	/* A survey with no free-text question has nothing to read: the worker
	 * moves past its responses without reading them (an import of a
	 * million takes one statement). */
	for (i = 0; i < d.question_n; i++)
		if (survey_question_has_text(&d.questions[i]))
			break;
	if (i == d.question_n) {
		rc = store_comments_write(s, t->survey_id, t->through, newest, NULL, 0);
		rc = rc == ERR_CONFLICT ? 0 : rc;
		goto out;
	}
	x.a = &a;
	x.d = &d;
	x.c = c;
	x.newest = newest;
	x.theme_n = theme_model_theme_n(theme_classifier_model(c));
	x.themes = arena_array(&a, (size_t)(x.theme_n > 0 ? x.theme_n : 1), 1);
	x.last_id = t->through;
	if (x.themes == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = store_response_each(s, t->survey_id, t->through, COMMENT_BATCH, read_response, &x);
	if (rc == STRETCH_END)
		rc = 0;
	if (rc == 0)
		rc = x.rc;
	if (rc == 0 && x.last_id > t->through) {
		rc = store_comments_write(s, t->survey_id, t->through, x.last_id, x.list, x.n);
		if (rc == ERR_CONFLICT)
			rc = 0; /* another server's worker read them first */
		else if (rc == 0)
			*read += x.responses;
	}
out:
	arena_free(&a);
	return rc;
}

int
comment_pass(struct store *s, struct theme_classifier *c, const atomic_bool *stop, int *read)
{
	struct comment_unread unread[COMMENT_SURVEYS];
	int i, n, rc;

	*read = 0;
	if ((rc = store_comments_unread(s, unread, COMMENT_SURVEYS, &n)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if (stop != NULL && atomic_load(stop))
			break;
		rc = read_survey(s, c, &unread[i], read);
	}
	return rc;
}

/* ---- the thread --------------------------------------------------------------------- */

struct comment_worker {
	struct comment_worker_config cfg;
	struct theme_classifier *classifier;
	struct periodic *thread;
};

/* One look (periodic.h); something read: more may be waiting. */
static bool
worker_pass(void *arg, const atomic_bool *stopping)
{
	struct comment_worker *w = arg;
	int read, rc;

	rc = comment_pass(w->cfg.store, w->classifier, stopping, &read);
	if (rc != 0)
		log_warn("themes", "could not read the comments of new responses: %s",
		    error_name(rc));
	return rc == 0 && read > 0;
}

int
comment_worker_start(const struct comment_worker_config *cfg, struct comment_worker **out,
    struct errors *e)
{
	struct comment_worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return ERR_NOMEM;
	w->cfg = *cfg;
	if (theme_classifier_new(cfg->model, &w->classifier) != 0) {
		free(w);
		return ERR_NOMEM;
	}
	if (periodic_start("involve-themes", cfg->interval > 0 ? cfg->interval :
	    COMMENT_INTERVAL_DEFAULT, worker_pass, w, &w->thread) != 0) {
		errors_add(e, "themes", "cannot start the worker that reads comments");
		theme_classifier_free(w->classifier);
		free(w);
		return ERR_IO;
	}
	*out = w;
	return 0;
}

void
comment_worker_stop(struct comment_worker *w)
{
	if (w == NULL)
		return;
	periodic_stop(w->thread);
	theme_classifier_free(w->classifier);
	free(w);
}
