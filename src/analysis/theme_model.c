/*
 * theme_model.c - training the theme and sentiment classifiers with
 * liblinear, tuning the themes' thresholds, and classifying.  The model's
 * file is model_file.c's; what the model is, theme_model.h says.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linear.h>

#include "involve/error.h"
#include "involve/features.h"
#include "involve/theme_model.h"
#include "theme_model_priv.h"

#define DEFAULT_C 0.2
#define DEFAULT_MIN_DF 2
/* liblinear's stopping tolerance for its dual solver (its own default). */
#define SOLVER_EPS 0.1
/* A tuned threshold is pulled towards 0 as if this many more positives
 * had voted for 0: a theme seen a few times has a threshold chosen by a few
 * comments, which another trust's comments would not bear out. */
#define TUNE_PRIOR 3.0
/* Nor is a threshold let fall below this: for a frequent theme the best F1
 * of a weak model can be "say it of every comment", which no other trust's
 * comments would bear out either. */
#define THRESHOLD_MIN (-0.5f)

static void
quiet(const char *s)
{
	(void)s;
}

static double
clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
theme_model_free(struct theme_model *m)
{
	if (m == NULL)
		return;
	for (int t = 0; m->names && t < m->theme_n; t++)
		free(m->names[t]);
	free(m->names);
	free(m->thresholds);
	free(m->buckets);
	free(m->idf);
	free(m->index);
	free(m->w);
	free(m);
}

int
theme_model_theme_n(const struct theme_model *m)
{
	return m->theme_n;
}

const char *
theme_model_theme_name(const struct theme_model *m, int t)
{
	return m->names[t];
}

int
theme_model_alloc(struct theme_model *m)
{
	size_t cols = (size_t)m->theme_n + (size_t)m->class_n;

	m->stride = cols;
	m->names = calloc((size_t)m->theme_n + 1, sizeof(*m->names));
	m->thresholds = calloc((size_t)m->theme_n + 1, sizeof(*m->thresholds));
	m->buckets = calloc((size_t)m->feature_n + 1, sizeof(*m->buckets));
	m->idf = calloc((size_t)m->feature_n + 1, sizeof(*m->idf));
	m->index = malloc(((size_t)1 << m->bits) * sizeof(*m->index));
	m->w = calloc(((size_t)m->feature_n + 1) * (cols ? cols : 1), sizeof(*m->w));
	if (!m->names || !m->thresholds || !m->buckets || !m->idf || !m->index || !m->w)
		return ERR_NOMEM;
	return 0;
}

void
theme_model_index(struct theme_model *m)
{
	memset(m->index, 0xff, ((size_t)1 << m->bits) * sizeof(*m->index)); /* all -1 */
	for (uint32_t k = 0; k < m->feature_n; k++)
		m->index[m->buckets[k]] = (int32_t)k;
}

/* ---- training ----------------------------------------------------------------------- */

/* The training rows as liblinear takes them. */
struct problem_set {
	struct feature_node **x; /* per row, ended by index -1 */
	struct feature_node *nodes;
	size_t row_n;
	int n; /* features, the bias included */
};

static void
problem_set_free(struct problem_set *ps)
{
	free(ps->x);
	free(ps->nodes);
}

/* Weights one class's column of m from a trained liblinear model: the
 * decision value of label `label` (its index in lm's labels). */
static void
take_weights(struct theme_model *m, int col, const struct model *lm, int label_idx)
{
	size_t cols = m->stride;

	for (uint32_t f = 0; f < m->feature_n; f++)
		m->w[f * cols + (size_t)col] = (float)get_decfun_coef(lm, (int)f + 1, label_idx);
	m->w[(size_t)m->feature_n * cols + (size_t)col] = (float)get_decfun_bias(lm, label_idx);
}

static int
label_index(const struct model *lm, int label)
{
	for (int i = 0; i < lm->nr_class; i++)
		if (lm->label[i] == label)
			return i;
	return -1;
}

/* One binary model of theme t on rows sel[0..n) of ps (indexes into ps).
 * Its weights go to column col of m.  pos is the positives among them. */
static int
train_theme(struct theme_model *m, int col, struct problem_set *ps, const size_t *sel,
    size_t n, const uint8_t *y01, size_t pos, double c)
{
	struct problem prob = { 0 };
	struct parameter param = { 0 };
	int weight_label[2] = { 1, -1 };
	double weight[2];
	struct model *lm;
	int rc = ERR_NOMEM;

	if (pos == 0 || pos == n) { /* one class only: a constant */
		size_t cols = m->stride;

		for (uint32_t f = 0; f <= m->feature_n; f++)
			m->w[f * cols + (size_t)col] = 0;
		m->w[(size_t)m->feature_n * cols + (size_t)col] = pos == 0 ? -1.0f : 1.0f;
		return 0;
	}
	weight[0] = sqrt((double)(n - pos) / (double)pos);
	if (weight[0] > THEME_POS_WEIGHT_MAX)
		weight[0] = THEME_POS_WEIGHT_MAX;
	if (weight[0] < 1)
		weight[0] = 1;
	weight[1] = 1;
	prob.l = (int)n;
	prob.n = ps->n;
	prob.bias = 1;
	prob.y = malloc(n * sizeof(double));
	prob.x = malloc(n * sizeof(struct feature_node *));
	if (prob.y == NULL || prob.x == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		prob.y[i] = y01[i] ? 1 : -1;
		prob.x[i] = ps->x[sel[i]];
	}
	param.solver_type = L2R_L2LOSS_SVC_DUAL;
	param.eps = SOLVER_EPS;
	param.C = c;
	param.nr_weight = 2;
	param.weight_label = weight_label;
	param.weight = weight;
	if ((lm = train(&prob, &param)) == NULL)
		goto out;
	take_weights(m, col, lm, label_index(lm, 1));
	free_and_destroy_model(&lm);
	rc = 0;
out:
	free(prob.y);
	free(prob.x);
	return rc;
}

/* The sentiment model on the rows of sel that have one. */
static int
train_sentiment(struct theme_model *m, struct problem_set *ps, const uint8_t *sentiment,
    size_t n, double c)
{
	struct problem prob = { 0 };
	struct parameter param = { 0 };
	struct model *lm = NULL;
	size_t l = 0;
	int rc = ERR_NOMEM;

	prob.y = malloc(n * sizeof(double));
	prob.x = malloc(n * sizeof(struct feature_node *));
	if (prob.y == NULL || prob.x == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (sentiment[i] > 0) {
			prob.y[l] = sentiment[i];
			prob.x[l++] = ps->x[i];
		}
	prob.l = (int)l;
	prob.n = ps->n;
	prob.bias = 1;
	param.solver_type = L2R_L2LOSS_SVC_DUAL;
	param.eps = SOLVER_EPS;
	param.C = c;
	if (l > 0 && (lm = train(&prob, &param)) == NULL)
		goto out;
	rc = 0;
	if (lm == NULL || lm->nr_class < 2) { /* no sentiment, or one value: a constant */
		size_t cols = m->stride;

		m->class_n = lm ? 1 : 0;
		if (lm) {
			m->labels[0] = (uint32_t)lm->label[0];
			/* the column was zeroed by calloc; its bias says it */
			m->w[(size_t)m->feature_n * cols + (size_t)m->theme_n] = 1;
		}
		goto out;
	}
	m->class_n = lm->nr_class; /* at most THEME_SENTIMENT_MAX: checked labels */
	for (int k = 0; k < lm->nr_class; k++) {
		m->labels[k] = (uint32_t)lm->label[k];
		take_weights(m, m->theme_n + k, lm, k);
	}
out:
	if (lm)
		free_and_destroy_model(&lm);
	free(prob.y);
	free(prob.x);
	return rc;
}

/* The threshold of one theme from out-of-fold scores: the one giving the
 * best F1, pulled towards 0 (see TUNE_PRIOR). */
struct scored {
	float score;
	uint8_t y;
};

static int
cmp_scored_desc(const void *a, const void *b)
{
	float x = ((const struct scored *)a)->score, y = ((const struct scored *)b)->score;

	return (x < y) - (x > y);
}

static float
best_threshold(struct scored *s, size_t n)
{
	size_t pos = 0, tp = 0, best_j = 0;
	double best = -1;
	float t;

	for (size_t i = 0; i < n; i++)
		pos += s[i].y;
	if (pos == 0)
		return 0;
	qsort(s, n, sizeof(*s), cmp_scored_desc);
	for (size_t j = 1; j <= n; j++) {
		double f1;

		tp += s[j - 1].y;
		if (j < n && s[j].score == s[j - 1].score)
			continue;
		f1 = 2.0 * (double)tp / (double)(j + pos);
		if (f1 > best) {
			best = f1;
			best_j = j;
		}
	}
	t = best_j < n ? (s[best_j - 1].score + s[best_j].score) / 2 : s[n - 1].score - 0.01f;
	t = (float)(t * (double)pos / ((double)pos + TUNE_PRIOR));
	return t < THRESHOLD_MIN ? THRESHOLD_MIN : t;
}

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Chooses each theme's threshold by k-fold cross-validation over the
 * training rows, with a scratch model for the folds' weights. */
static int
tune(struct theme_model *m, struct problem_set *ps, const uint8_t *labels, int k,
    uint64_t seed, double c)
{
	struct theme_model scratch = *m;
	size_t n = ps->row_n, cols = m->stride;
	size_t *order = malloc(n * sizeof(*order)), *sel = malloc(n * sizeof(*sel));
	uint8_t *y = malloc(n);
	float *scores = malloc(n * (size_t)m->theme_n * sizeof(float));
	struct scored *sc = malloc(n * sizeof(*sc));
	int rc = ERR_NOMEM;

	scratch.w = calloc(((size_t)m->feature_n + 1) * cols, sizeof(float));
	if (!order || !sel || !y || !scores || !sc || !scratch.w)
		goto out;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(splitmix(&seed) % i), tmp = order[i - 1];

		order[i - 1] = order[j];
		order[j] = tmp;
	}
	for (int fold = 0; fold < k; fold++) {
		for (int t = 0; t < m->theme_n; t++) {
			size_t sel_n = 0, pos = 0;

			for (size_t i = 0; i < n; i++)
				if ((int)(i % (size_t)k) != fold) {
					sel[sel_n] = order[i];
					y[sel_n] = labels[order[i] * (size_t)m->theme_n + (size_t)t];
					pos += y[sel_n++];
				}
			if ((rc = train_theme(&scratch, t, ps, sel, sel_n, y, pos, c)) != 0)
				goto out;
		}
		for (size_t i = (size_t)fold; i < n; i += (size_t)k) {
			size_t r = order[i];
			float *s = scores + r * (size_t)m->theme_n;

			for (int t = 0; t < m->theme_n; t++)
				s[t] = scratch.w[(size_t)m->feature_n * cols + (size_t)t];
			for (const struct feature_node *x = ps->x[r]; x->index != -1; x++)
				if ((uint32_t)x->index <= m->feature_n)
					for (int t = 0; t < m->theme_n; t++)
						s[t] += (float)x->value *
						    scratch.w[(size_t)(x->index - 1) * cols + (size_t)t];
		}
	}
	for (int t = 0; t < m->theme_n; t++) {
		for (size_t i = 0; i < n; i++)
			sc[i] = (struct scored){ scores[i * (size_t)m->theme_n + (size_t)t],
				labels[i * (size_t)m->theme_n + (size_t)t] };
		m->thresholds[t] = best_threshold(sc, n);
	}
	rc = 0;
out:
	free(order);
	free(sel);
	free(y);
	free(scores);
	free(sc);
	free(scratch.w);
	return rc;
}

int
theme_model_train(const struct theme_data *d, const size_t *rows, size_t row_n,
    const struct theme_train_options *opt, struct theme_model **out,
    struct theme_train_stats *stats)
{
	double c = opt && opt->c > 0 ? opt->c : DEFAULT_C;
	int min_df = opt && opt->min_df > 0 ? opt->min_df : DEFAULT_MIN_DF;
	unsigned bits = opt && opt->bits ? opt->bits : FEATURES_BITS_DEFAULT;
	struct theme_model *m = NULL;
	struct features *fx = NULL;
	struct feature_vec *vecs = NULL;
	struct problem_set ps = { 0 };
	uint32_t *df = NULL;
	uint8_t *labels = NULL, *sentiment = NULL, *y = NULL;
	size_t *sel = NULL, node_n = 0;
	double start = clock_seconds(CLOCK_MONOTONIC), tuned;
	double cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID), cpu_tuned;
	int rc = ERR_NOMEM;

	*out = NULL;
	*stats = (struct theme_train_stats){ 0 };
	if (rows == NULL)
		row_n = d->row_n;
	if (row_n == 0 || d->theme_n <= 0 || d->theme_n > THEME_MODEL_THEMES_MAX)
		return ERR_INVALID;
	set_print_string_function(quiet);
	if ((rc = features_new(bits, &fx)) != 0)
		return rc;
	rc = ERR_NOMEM;
	vecs = calloc(row_n, sizeof(*vecs));
	df = calloc((size_t)1 << bits, sizeof(*df));
	labels = malloc(row_n * (size_t)d->theme_n);
	sentiment = malloc(row_n);
	y = malloc(row_n);
	sel = malloc(row_n * sizeof(*sel));
	if ((m = calloc(1, sizeof(*m))) == NULL || !vecs || !df || !labels || !sentiment ||
	    !y || !sel)
		goto out;
	/* Count each bucket's comments; keep the rows' labels beside them. */
	for (size_t i = 0; i < row_n; i++) {
		size_t r = rows ? rows[i] : i;

		if (features_extract(fx, str_c(d->texts[r]), &vecs[i]) != 0)
			goto out;
		for (size_t j = 0; j < vecs[i].n; j++)
			df[vecs[i].v[j].bucket]++;
		memcpy(labels + i * (size_t)d->theme_n, d->labels + r * (size_t)d->theme_n,
		    (size_t)d->theme_n);
		sentiment[i] = d->sentiment[r];
		node_n += vecs[i].n + 2;
	}
	m->bits = bits;
	m->theme_n = d->theme_n;
	m->class_n = THEME_SENTIMENT_MAX; /* at most; train_sentiment sets it */
	for (size_t b = 0; b < (size_t)1 << bits; b++)
		m->feature_n += df[b] >= (uint32_t)min_df;
	if (theme_model_alloc(m) != 0)
		goto out;
	for (int t = 0; t < d->theme_n; t++)
		if ((m->names[t] = strdup(d->theme_names[t])) == NULL)
			goto out;
	for (size_t b = 0, k = 0; b < (size_t)1 << bits; b++)
		if (df[b] >= (uint32_t)min_df) {
			m->buckets[k] = (uint32_t)b;
			m->idf[k++] = (float)(log((1.0 + (double)row_n) / (1.0 + df[b])) + 1.0);
		}
	theme_model_index(m);
	/* The rows as liblinear's sparse vectors, with the bias feature. */
	ps.row_n = row_n;
	ps.n = (int)m->feature_n + 1;
	ps.x = malloc(row_n * sizeof(*ps.x));
	ps.nodes = malloc(node_n * sizeof(*ps.nodes));
	if (!ps.x || !ps.nodes)
		goto out;
	node_n = 0;
	for (size_t i = 0; i < row_n; i++) {
		features_weigh(&vecs[i], m->index, m->idf);
		ps.x[i] = ps.nodes + node_n;
		for (size_t j = 0; j < vecs[i].n; j++)
			ps.nodes[node_n++] = (struct feature_node){ (int)vecs[i].v[j].bucket + 1,
				vecs[i].v[j].value };
		ps.nodes[node_n++] = (struct feature_node){ ps.n, 1.0 };
		ps.nodes[node_n++] = (struct feature_node){ -1, 0 };
	}
	for (size_t i = 0; i < row_n; i++)
		sel[i] = i;
	for (int t = 0; t < m->theme_n; t++) {
		size_t pos = 0;

		for (size_t i = 0; i < row_n; i++)
			pos += (y[i] = labels[i * (size_t)m->theme_n + (size_t)t]);
		if ((rc = train_theme(m, t, &ps, sel, row_n, y, pos, c)) != 0)
			goto out;
	}
	if ((rc = train_sentiment(m, &ps, sentiment, row_n, c)) != 0)
		goto out;
	stats->feature_n = m->feature_n;
	stats->train_seconds = (tuned = clock_seconds(CLOCK_MONOTONIC)) - start;
	stats->train_cpu_seconds = (cpu_tuned = clock_seconds(CLOCK_PROCESS_CPUTIME_ID)) - cpu_start;
	if (opt && opt->tune_folds >= 2 && (size_t)opt->tune_folds <= row_n) {
		if ((rc = tune(m, &ps, labels, opt->tune_folds, opt->seed, c)) != 0)
			goto out;
		stats->tune_seconds = clock_seconds(CLOCK_MONOTONIC) - tuned;
		stats->tune_cpu_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_tuned;
	}
	if (m->class_n < THEME_SENTIMENT_MAX) {
		/* Fewer sentiment classes than room was made for: close the gap in
		 * each feature's row of weights. */
		size_t from = m->stride;
		size_t to = (size_t)m->theme_n + (size_t)m->class_n;

		for (size_t f = 0; f <= m->feature_n; f++)
			memmove(m->w + f * to, m->w + f * from, to * sizeof(float));
		m->stride = to;
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	for (size_t i = 0; vecs && i < row_n; i++)
		features_vec_free(&vecs[i]);
	free(vecs);
	free(df);
	free(labels);
	free(sentiment);
	free(y);
	free(sel);
	problem_set_free(&ps);
	features_free(fx);
	theme_model_free(m);
	return rc;
}

/* ---- classifying -------------------------------------------------------------------- */

struct theme_classifier {
	const struct theme_model *m;
	struct features *fx;
	struct feature_vec vec;
	float *scores;
};

const struct theme_model *
theme_classifier_model(const struct theme_classifier *c)
{
	return c->m;
}

int
theme_classifier_new(const struct theme_model *m, struct theme_classifier **out)
{
	struct theme_classifier *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return ERR_NOMEM;
	c->m = m;
	c->scores = malloc(((size_t)m->theme_n + (size_t)m->class_n + 1) * sizeof(float));
	if (c->scores == NULL || features_new(m->bits, &c->fx) != 0) {
		theme_classifier_free(c);
		return ERR_NOMEM;
	}
	*out = c;
	return 0;
}

void
theme_classifier_free(struct theme_classifier *c)
{
	if (c == NULL)
		return;
	features_free(c->fx);
	features_vec_free(&c->vec);
	free(c->scores);
	free(c);
}

int
theme_classify(struct theme_classifier *c, struct str text, uint8_t *themes, int *sentiment,
    float *scores)
{
	const struct theme_model *m = c->m;
	size_t cols = m->stride;
	float *s = c->scores;
	int best = 0, top = 0;
	uint8_t any = 0;

	if (features_extract(c->fx, text, &c->vec) != 0)
		return ERR_NOMEM;
	features_weigh(&c->vec, m->index, m->idf);
	memcpy(s, m->w + (size_t)m->feature_n * cols, cols * sizeof(float));
	for (size_t i = 0; i < c->vec.n; i++) {
		const float *w = m->w + (size_t)c->vec.v[i].bucket * cols;
		float x = c->vec.v[i].value;

		for (size_t k = 0; k < cols; k++)
			s[k] += x * w[k];
	}
	for (int t = 0; t < m->theme_n; t++) {
		themes[t] = s[t] > m->thresholds[t];
		any |= themes[t];
		if (t > 0 && s[t] - m->thresholds[t] > s[top] - m->thresholds[top])
			top = t;
		if (scores)
			scores[t] = s[t] - m->thresholds[t];
	}
	/* Every comment is about something: the labelled comments each have a
	 * theme at least, so one below every threshold gets its nearest. */
	if (!any && m->theme_n > 0)
		themes[top] = 1;
	for (int k = 1; k < m->class_n; k++)
		if (s[m->theme_n + k] > s[m->theme_n + best])
			best = k;
	*sentiment = m->class_n > 0 ? (int)m->labels[best] : 0;
	return 0;
}
