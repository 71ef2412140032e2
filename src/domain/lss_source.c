/*
 * lss_source.c - a LimeSurvey survey's tables as rows in its base
 * language (lss_source.h).
 *
 * Both layouts are read the same way: rows are gathered from the tables
 * that hold them, given a rank for how well their language fits (0 the
 * base language, 1 none given, 2 another), sorted by id and rank, and the
 * best row for each id kept; then the *_l10ns tables, when the file has
 * them, give each kept row its text by the same rule.  A row whose best
 * text is another language's is marked, so the report can say so.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "involve/i18n.h"
#include "involve/lss_import.h"
#include "involve/num.h"
#include "lss_source.h"

struct ranked {
	int64_t id;     /* what rows are grouped by */
	int64_t id2;    /* and within it (answers: scale) */
	struct str key; /* and within that (answers: code) */
	int rank;       /* language: 0 base, 1 none, 2 another */
	int seq;        /* the row's place in the file, so sorting is stable */
	int row;
	const struct lss_table *t;
};

static int64_t
int_of(struct str s)
{
	int64_t v;

	return num_parse(str_trim(s), -(INT64_C(1) << 53), INT64_C(1) << 53, &v) == NUM_OK ? v : 0;
}

/* How well a row's language fits; with no base language known, none is
 * another's. */
static int
rank_of(const struct lss_source *s, struct str lang)
{
	lang = str_trim(lang);
	if (lang.n == 0 || s->base.n == 0)
		return 1;
	return str_eq(lang, s->base) ? 0 : 2;
}

static int
cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_str(struct str a, struct str b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = n > 0 ? memcmp(a.p, b.p, n) : 0;

	return c != 0 ? c : cmp_i64((int64_t)a.n, (int64_t)b.n);
}

static int
cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	int c;

	if ((c = cmp_i64(a->id, b->id)) != 0 || (c = cmp_i64(a->id2, b->id2)) != 0 ||
	    (c = cmp_str(a->key, b->key)) != 0 || (c = cmp_i64(a->rank, b->rank)) != 0)
		return c;
	return cmp_i64(a->seq, b->seq);
}

/* The first index of base[0..n) (each `size` bytes, sorted by the int64_t
 * at `offset`) whose key is not below key. */
static int
lower_bound(const void *base, int n, size_t size, size_t offset, int64_t key)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int64_t k;

		memcpy(&k, (const char *)base + (size_t)mid * size + offset, sizeof(k));
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The rows of tables t[0..tn) (NULL ones skipped), each keyed by fields
 * id_field (and id2_field, key_field when not NULL) and ranked by its
 * "language"; sorted, and with best_only, one row per key: the best.
 */
static int
ranked_rows(const struct lss_source *s, const struct lss_table *const *t, int tn,
    const char *id_field, const char *id2_field, const char *key_field, bool best_only,
    struct arena *a, struct ranked **out, int *n)
{
	int total = 0, i, r, k = 0;

	for (i = 0; i < tn; i++)
		total += t[i] != NULL ? t[i]->row_n : 0;
	*n = 0;
	if ((*out = arena_array(a, (size_t)total + 1, sizeof(**out))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < tn; i++) {
		int fid, fid2, fkey, flang;

		if (t[i] == NULL)
			continue;
		fid = lss_table_field(t[i], id_field);
		fid2 = id2_field ? lss_table_field(t[i], id2_field) : -1;
		fkey = key_field ? lss_table_field(t[i], key_field) : -1;
		flang = lss_table_field(t[i], "language");
		if (fid < 0)
			continue;
		for (r = 0; r < t[i]->row_n; r++) {
			struct ranked *x = &(*out)[k];

			x->id = int_of(lss_cell(t[i], r, fid));
			x->id2 = int_of(lss_cell(t[i], r, fid2));
			x->key = str_trim(lss_cell(t[i], r, fkey));
			x->rank = rank_of(s, lss_cell(t[i], r, flang));
			x->seq = k;
			x->row = r;
			x->t = t[i];
			k++;
		}
	}
	qsort(*out, (size_t)k, sizeof(**out), cmp_ranked);
	if (!best_only) {
		*n = k;
		return 0;
	}
	for (i = 0; i < k; i++)
		if (*n == 0 || (*out)[*n - 1].id != (*out)[i].id ||
		    (*out)[*n - 1].id2 != (*out)[i].id2 || !str_eq((*out)[*n - 1].key, (*out)[i].key))
			(*out)[(*n)++] = (*out)[i];
	return 0;
}

/* The best row of sorted, best-only rows for id, or NULL. */
static const struct ranked *
ranked_find(const struct ranked *rows, int n, int64_t id)
{
	int i = lower_bound(rows, n, sizeof(*rows), offsetof(struct ranked, id), id);

	return i < n && rows[i].id == id ? &rows[i] : NULL;
}

static struct str
cell(const struct ranked *x, const char *field)
{
	return lss_cell(x->t, x->row, lss_table_field(x->t, field));
}

/* ---- the survey ---------------------------------------------------------------------- */

static int
read_survey(const struct lss_file *f, struct arena *a, struct lss_source *s)
{
	const struct lss_table *t = lss_file_table(f, "surveys"), *ls;
	struct str extra = { "", 0 };
	int i, best = -1, fl;

	if (t != NULL && t->row_n > 0) {
		s->sid = str_trim(lss_cell(t, 0, lss_table_field(t, "sid")));
		s->base = str_trim(lss_cell(t, 0, lss_table_field(t, "language")));
		extra = lss_cell(t, 0, lss_table_field(t, "additional_languages"));
		s->assessments = str_trim(lss_cell(t, 0, lss_table_field(t, "assessments")));
		s->format = str_trim(lss_cell(t, 0, lss_table_field(t, "format")));
		s->template_name = str_trim(lss_cell(t, 0, lss_table_field(t, "template")));
		s->start = str_trim(lss_cell(t, 0, lss_table_field(t, "startdate")));
		s->expires = str_trim(lss_cell(t, 0, lss_table_field(t, "expires")));
		s->tokens = str_trim(lss_cell(t, 0, lss_table_field(t, "usetokens")));
	}
	if (s->base.n == 0 && f->language_n > 0)
		s->base = f->languages[0];
	/* The other languages: the survey's list, or the document's. */
	s->languages = arena_array(a, LSS_LANGUAGES_MAX, sizeof(*s->languages));
	if (s->languages == NULL)
		return ERR_NOMEM;
	for (i = 0; i < (int)extra.n && s->language_n < LSS_LANGUAGES_MAX;) {
		size_t from;

		while (i < (int)extra.n && (extra.p[i] == ' ' || extra.p[i] == ','))
			i++;
		from = (size_t)i;
		while (i < (int)extra.n && extra.p[i] != ' ' && extra.p[i] != ',')
			i++;
		if ((size_t)i > from && !str_eq((struct str){ extra.p + from, i - from }, s->base))
			s->languages[s->language_n++] = (struct str){ extra.p + from, i - from };
	}
	if (s->language_n == 0)
		for (i = 0; i < f->language_n && s->language_n < LSS_LANGUAGES_MAX; i++)
			if (!str_eq(f->languages[i], s->base))
				s->languages[s->language_n++] = f->languages[i];
	ls = lss_file_table(f, "surveys_languagesettings");
	if (ls != NULL && ls->row_n > 0) {
		fl = lss_table_field(ls, "surveyls_language");
		for (i = 0; i < ls->row_n && best < 0; i++)
			if (str_eq(str_trim(lss_cell(ls, i, fl)), s->base))
				best = i;
		if (best < 0)
			best = 0;
		s->title = lss_cell(ls, best, lss_table_field(ls, "surveyls_title"));
		s->description = lss_cell(ls, best, lss_table_field(ls, "surveyls_description"));
		s->welcome = lss_cell(ls, best, lss_table_field(ls, "surveyls_welcometext"));
		s->end = lss_cell(ls, best, lss_table_field(ls, "surveyls_endtext"));
	}
	if ((t = lss_file_table(f, "quota")) != NULL)
		s->quota_n = t->row_n;
	if ((t = lss_file_table(f, "assessments")) != NULL)
		s->assessment_n = t->row_n;
	return 0;
}

/* ---- groups ------------------------------------------------------------------------ */

static int
cmp_group_id(const void *x, const void *y)
{
	return cmp_i64(((const struct lss_group *)x)->gid, ((const struct lss_group *)y)->gid);
}

static int
cmp_group_order(const void *x, const void *y)
{
	const struct lss_group *a = x, *b = y;
	int c = cmp_i64(a->order, b->order);

	return c != 0 ? c : cmp_i64(a->gid, b->gid);
}

/* Groups, left sorted by gid for the questions to find theirs. */
static int
read_groups(const struct lss_file *f, struct arena *a, struct lss_source *s)
{
	const struct lss_table *t[] = { lss_file_table(f, "groups") };
	const struct lss_table *l10n[] = { lss_file_table(f, "group_l10ns") };
	struct ranked *rows, *texts = NULL;
	int n, tn = 0, i, rc;

	if ((rc = ranked_rows(s, t, 1, "gid", NULL, NULL, true, a, &rows, &n)) != 0)
		return rc;
	if (l10n[0] != NULL &&
	    (rc = ranked_rows(s, l10n, 1, "gid", NULL, NULL, true, a, &texts, &tn)) != 0)
		return rc;
	if ((s->groups = arena_array(a, (size_t)n + 1, sizeof(*s->groups))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		struct lss_group *g = &s->groups[s->group_n++];
		const struct ranked *x = &rows[i], *tx;

		memset(g, 0, sizeof(*g));
		g->gid = x->id;
		g->order = int_of(cell(x, "group_order"));
		g->relevance = str_trim(cell(x, "grelevance"));
		g->random_group = str_trim(cell(x, "randomization_group"));
		g->name = cell(x, "group_name");
		g->description = cell(x, "description");
		g->lang_missing = x->rank == 2;
		if (texts != NULL) {
			tx = ranked_find(texts, tn, g->gid);
			g->lang_missing = tx == NULL || tx->rank == 2;
			if (tx != NULL) {
				g->name = cell(tx, "group_name");
				g->description = cell(tx, "description");
			}
		}
	}
	qsort(s->groups, (size_t)s->group_n, sizeof(*s->groups), cmp_group_id);
	return 0;
}

/* ---- questions ------------------------------------------------------------------------ */

static const struct lss_group *
group_by_id(const struct lss_source *s, int64_t gid)
{
	int i = lower_bound(s->groups, s->group_n, sizeof(*s->groups),
	    offsetof(struct lss_group, gid), gid);

	return i < s->group_n && s->groups[i].gid == gid ? &s->groups[i] : NULL;
}

static int
cmp_question_place(const void *x, const void *y)
{
	const struct lss_question *a = x, *b = y;
	int c;

	if ((c = cmp_i64(a->group_order, b->group_order)) != 0 ||
	    (c = cmp_i64(a->gid, b->gid)) != 0 || (c = cmp_i64(a->order, b->order)) != 0)
		return c;
	return cmp_i64(a->qid, b->qid);
}

static int
cmp_sub(const void *x, const void *y)
{
	const struct lss_question *a = x, *b = y;
	int c;

	if ((c = cmp_i64(a->parent, b->parent)) != 0 || (c = cmp_i64(a->scale, b->scale)) != 0 ||
	    (c = cmp_i64(a->order, b->order)) != 0)
		return c;
	return cmp_i64(a->qid, b->qid);
}

static int
cmp_qref(const void *x, const void *y)
{
	return cmp_i64(((const struct lss_qref *)x)->qid, ((const struct lss_qref *)y)->qid);
}

static int
read_questions(const struct lss_file *f, struct arena *a, struct lss_source *s, struct errors *e)
{
	const struct lss_table *t[] = { lss_file_table(f, "questions"),
		lss_file_table(f, "subquestions") };
	const struct lss_table *l10n[] = { lss_file_table(f, "question_l10ns") };
	struct ranked *rows, *texts = NULL;
	const struct lss_group *g;
	int n, tn = 0, i, rc;

	if (t[0] == NULL) {
		errors_add(e, "file", N_("The file has no questions table: LimeSurvey structure "
		    "version %d is not one this can read"), s->db_version);
		return ERR_INVALID;
	}
	if (lss_table_field(t[0], "question") < 0 && l10n[0] == NULL) {
		errors_add(e, "file", N_("The file's question texts are in neither layout this "
		    "reads (the questions rows, or question_l10ns): LimeSurvey structure version "
		    "%d is not understood"), s->db_version);
		return ERR_INVALID;
	}
	if ((rc = ranked_rows(s, t, 2, "qid", NULL, NULL, true, a, &rows, &n)) != 0)
		return rc;
	if (l10n[0] != NULL &&
	    (rc = ranked_rows(s, l10n, 1, "qid", NULL, NULL, true, a, &texts, &tn)) != 0)
		return rc;
	s->questions = arena_array(a, (size_t)n + 1, sizeof(*s->questions));
	s->subs = arena_array(a, (size_t)n + 1, sizeof(*s->subs));
	if (s->questions == NULL || s->subs == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const struct ranked *x = &rows[i], *tx;
		struct lss_question q = { 0 };
		struct str v;

		q.qid = x->id;
		q.parent = int_of(cell(x, "parent_qid"));
		q.gid = int_of(cell(x, "gid"));
		v = str_trim(cell(x, "type"));
		q.type = v.n == 1 ? v.p[0] : '?';
		q.code = str_trim(cell(x, "title"));
		q.other = str_eq_c(str_trim(cell(x, "other")), "Y");
		v = str_trim(cell(x, "mandatory"));
		q.mandatory = v.n == 1 ? v.p[0] : 'N';
		q.order = int_of(cell(x, "question_order"));
		q.scale = int_of(cell(x, "scale_id"));
		q.relevance = str_trim(cell(x, "relevance"));
		q.text = cell(x, "question");
		q.help = cell(x, "help");
		q.lang_missing = x->rank == 2;
		if (texts != NULL) {
			tx = ranked_find(texts, tn, q.qid);
			q.lang_missing = tx == NULL || tx->rank == 2;
			if (tx != NULL) {
				q.text = cell(tx, "question");
				q.help = cell(tx, "help");
			}
		}
		if (q.parent != 0) {
			s->subs[s->sub_n++] = q;
		} else if ((g = group_by_id(s, q.gid)) == NULL) {
			s->orphan_n++;
		} else {
			q.group_order = g->order;
			s->questions[s->question_n++] = q;
		}
	}
	qsort(s->questions, (size_t)s->question_n, sizeof(*s->questions), cmp_question_place);
	qsort(s->subs, (size_t)s->sub_n, sizeof(*s->subs), cmp_sub);
	s->by_qid = arena_array(a, (size_t)s->question_n + 1, sizeof(*s->by_qid));
	if (s->by_qid == NULL)
		return ERR_NOMEM;
	for (i = 0; i < s->question_n; i++)
		s->by_qid[i] = (struct lss_qref){ s->questions[i].qid, i };
	qsort(s->by_qid, (size_t)s->question_n, sizeof(*s->by_qid), cmp_qref);
	return 0;
}

/* ---- answers, attributes, conditions ------------------------------------------------------ */

static int
cmp_answer(const void *x, const void *y)
{
	const struct lss_answer *a = x, *b = y;
	int c;

	if ((c = cmp_i64(a->qid, b->qid)) != 0 || (c = cmp_i64(a->scale, b->scale)) != 0 ||
	    (c = cmp_i64(a->order, b->order)) != 0)
		return c;
	return cmp_str(a->code, b->code);
}

static int
read_answers(const struct lss_file *f, struct arena *a, struct lss_source *s)
{
	const struct lss_table *t[] = { lss_file_table(f, "answers") };
	const struct lss_table *l10n[] = { lss_file_table(f, "answer_l10ns") };
	struct ranked *rows, *texts = NULL;
	int n, tn = 0, i, rc;

	if ((rc = ranked_rows(s, t, 1, "qid", "scale_id", "code", true, a, &rows, &n)) != 0)
		return rc;
	if (l10n[0] != NULL &&
	    (rc = ranked_rows(s, l10n, 1, "aid", NULL, NULL, true, a, &texts, &tn)) != 0)
		return rc;
	if ((s->answers = arena_array(a, (size_t)n + 1, sizeof(*s->answers))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const struct ranked *x = &rows[i], *tx;
		struct lss_answer *an = &s->answers[s->answer_n++];

		memset(an, 0, sizeof(*an));
		an->aid = int_of(cell(x, "aid"));
		an->qid = x->id;
		an->scale = x->id2;
		an->code = x->key;
		an->order = int_of(cell(x, "sortorder"));
		an->text = cell(x, "answer");
		an->assessed = int_of(cell(x, "assessment_value")) != 0;
		if (texts != NULL && (tx = ranked_find(texts, tn, an->aid)) != NULL)
			an->text = cell(tx, "answer");
	}
	qsort(s->answers, (size_t)s->answer_n, sizeof(*s->answers), cmp_answer);
	return 0;
}

static int
read_attributes(const struct lss_file *f, struct arena *a, struct lss_source *s)
{
	const struct lss_table *t[] = { lss_file_table(f, "question_attributes") };
	struct ranked *rows;
	int n, i, rc;

	if ((rc = ranked_rows(s, t, 1, "qid", NULL, NULL, false, a, &rows, &n)) != 0)
		return rc;
	if ((s->attributes = arena_array(a, (size_t)n + 1, sizeof(*s->attributes))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		struct lss_attribute *at = &s->attributes[s->attribute_n++];

		at->qid = rows[i].id;
		at->name = str_trim(cell(&rows[i], "attribute"));
		at->value = str_trim(cell(&rows[i], "value"));
		at->language = str_trim(cell(&rows[i], "language"));
	}
	return 0;
}

static int
cmp_condition(const void *x, const void *y)
{
	const struct lss_condition *a = x, *b = y;
	struct str fa = a->field, fb = b->field;
	int c;

	/* "+SGQA" (a checkbox chosen) sorts with the question it names. */
	if (fa.n > 0 && fa.p[0] == '+')
		fa = (struct str){ fa.p + 1, fa.n - 1 };
	if (fb.n > 0 && fb.p[0] == '+')
		fb = (struct str){ fb.p + 1, fb.n - 1 };
	if ((c = cmp_i64(a->qid, b->qid)) != 0 || (c = cmp_i64(a->scenario, b->scenario)) != 0 ||
	    (c = cmp_str(fa, fb)) != 0 || (c = cmp_str(a->field, b->field)) != 0)
		return c;
	return cmp_i64(a->cid, b->cid);
}

static int
read_conditions(const struct lss_file *f, struct arena *a, struct lss_source *s)
{
	const struct lss_table *t = lss_file_table(f, "conditions");
	int i;

	if (t == NULL)
		return 0;
	if ((s->conditions = arena_array(a, (size_t)t->row_n + 1, sizeof(*s->conditions))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < t->row_n; i++) {
		struct lss_condition *c = &s->conditions[s->condition_n++];

		c->cid = int_of(lss_cell(t, i, lss_table_field(t, "cid")));
		c->qid = int_of(lss_cell(t, i, lss_table_field(t, "qid")));
		c->cqid = int_of(lss_cell(t, i, lss_table_field(t, "cqid")));
		c->scenario = int_of(lss_cell(t, i, lss_table_field(t, "scenario")));
		c->field = str_trim(lss_cell(t, i, lss_table_field(t, "cfieldname")));
		c->method = str_trim(lss_cell(t, i, lss_table_field(t, "method")));
		c->value = lss_cell(t, i, lss_table_field(t, "value"));
	}
	qsort(s->conditions, (size_t)s->condition_n, sizeof(*s->conditions), cmp_condition);
	return 0;
}

int
lss_source_read(const struct lss_file *f, struct arena *a, struct lss_source *s,
    struct errors *e)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->db_version = f->db_version;
	if ((rc = read_survey(f, a, s)) != 0 || (rc = read_groups(f, a, s)) != 0 ||
	    (rc = read_questions(f, a, s, e)) != 0 || (rc = read_answers(f, a, s)) != 0 ||
	    (rc = read_attributes(f, a, s)) != 0 || (rc = read_conditions(f, a, s)) != 0)
		return rc;
	qsort(s->groups, (size_t)s->group_n, sizeof(*s->groups), cmp_group_order);
	return 0;
}

/* ---- lookups ---------------------------------------------------------------------------- */

int
lss_source_subs(const struct lss_source *s, int64_t qid, int64_t scale, int *first)
{
	int i = lower_bound(s->subs, s->sub_n, sizeof(*s->subs), offsetof(struct lss_question,
	    parent), qid), n = 0;

	while (i < s->sub_n && s->subs[i].parent == qid && s->subs[i].scale < scale)
		i++;
	*first = i;
	while (i + n < s->sub_n && s->subs[i + n].parent == qid && s->subs[i + n].scale == scale)
		n++;
	return n;
}

int
lss_source_answers(const struct lss_source *s, int64_t qid, int64_t scale, int *first)
{
	int i = lower_bound(s->answers, s->answer_n, sizeof(*s->answers),
	    offsetof(struct lss_answer, qid), qid), n = 0;

	while (i < s->answer_n && s->answers[i].qid == qid && s->answers[i].scale < scale)
		i++;
	*first = i;
	while (i + n < s->answer_n && s->answers[i + n].qid == qid &&
	    s->answers[i + n].scale == scale)
		n++;
	return n;
}

struct str
lss_source_attribute(const struct lss_source *s, int64_t qid, const char *name)
{
	int i = lower_bound(s->attributes, s->attribute_n, sizeof(*s->attributes),
	    offsetof(struct lss_attribute, qid), qid), best_rank = 3;
	struct str best = { "", 0 };

	for (; i < s->attribute_n && s->attributes[i].qid == qid; i++) {
		int rank;

		if (!str_eq_c(s->attributes[i].name, name))
			continue;
		rank = rank_of(s, s->attributes[i].language);
		if (rank < best_rank) {
			best_rank = rank;
			best = s->attributes[i].value;
		}
	}
	return best;
}

int
lss_source_conditions(const struct lss_source *s, int64_t qid, int *first)
{
	int i = lower_bound(s->conditions, s->condition_n, sizeof(*s->conditions),
	    offsetof(struct lss_condition, qid), qid), n = 0;

	*first = i;
	while (i + n < s->condition_n && s->conditions[i + n].qid == qid)
		n++;
	return n;
}

const struct lss_question *
lss_source_question(const struct lss_source *s, int64_t qid)
{
	int i = lower_bound(s->by_qid, s->question_n, sizeof(*s->by_qid),
	    offsetof(struct lss_qref, qid), qid);

	return i < s->question_n && s->by_qid[i].qid == qid ? &s->questions[s->by_qid[i].index] :
	    NULL;
}
