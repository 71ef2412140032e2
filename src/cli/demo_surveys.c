/*
 * demo_surveys.c - the demo's surveys (data/demo/demo.json, an
 * organisation's "surveys"): each built from its API definition, opened
 * some days ago, answered by a few hundred generated respondents across
 * channels and weeks, closed when the demo says, and given its published
 * "You said, we did" outcome.  One of "kind" "consultation" has its
 * fair-consultation checklist recorded and its background documents (each
 * with its easy read version) added before it opens, an assessment of the
 * duty to involve linked to it, and once closed goes through analysing to
 * its outcome, as staff would take it.
 *
 * The respondents are drawn from the weights the demo gives each
 * question's options, with a fixed seed, so every demo database holds the
 * same answers; the skip logic decides what each of them was asked, as it
 * does for a person.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "involve/respond.h"
#include "involve/store_consultation.h"
#include "involve/store_outcome.h"
#include "involve/store_survey.h"
#include "cli.h"

#define DAY (24 * 3600)

static const struct actor demo_actor = { 0, 0, "demo" };

/* xorshift64*: a small generator with a seed, so the demo is the same
 * every time (not for anything secret). */
struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / (double)(1ULL << 53);
}

/* An index in 0..n-1 drawn by the weights in w (a JSON array; missing or
 * short: equal weights). */
static int
pick(struct rng *r, const json_t *w, int n)
{
	double total = 0, x;
	int i;

	for (i = 0; i < n; i++)
		total += json_is_number(json_array_get(w, i)) ?
		    json_number_value(json_array_get(w, i)) : 1;
	x = rng_unit(r) * total;
	for (i = 0; i < n; i++) {
		x -= json_is_number(json_array_get(w, i)) ?
		    json_number_value(json_array_get(w, i)) : 1;
		if (x < 0)
			return i;
	}
	return n - 1;
}

/* A text answer from the demo's list for the question, at its rate. */
static const char *
pick_text(struct rng *r, const json_t *spec, const char *key)
{
	const json_t *list = json_object_get(json_object_get(spec, "text"), key);
	const json_t *rate = json_object_get(json_object_get(spec, "text_rate"), key);

	if (!json_is_array(list) || json_array_size(list) == 0)
		return NULL;
	if (json_is_number(rate) && rng_unit(r) >= json_number_value(rate))
		return NULL;
	return json_string_value(json_array_get(list, rng_next(r) % json_array_size(list)));
}

/* One generated respondent's answers to every question; the skip logic
 * then drops what they would not have been asked. */
static int
generate(struct rng *r, const struct survey_def *d, const json_t *spec, int64_t now,
    struct arena *a, struct survey_answers *ans)
{
	const json_t *weights = json_object_get(spec, "weights");
	int i, j, rc;

	if ((rc = survey_answers_init(d, a, ans)) != 0)
		return rc;
	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];
		struct survey_answer *an = &ans->a[i];
		const json_t *w = json_object_get(weights, q->key.p);
		const char *text;
		char date[16];
		time_t t;
		struct tm tm;

		switch (q->type) {
		case SQ_SINGLE:
		case SQ_LIKERT:
		case SQ_FFT:
			an->choices = arena_array(a, 1, sizeof(int));
			an->choices[0] = pick(r, w, q->option_n);
			an->choice_n = 1;
			an->given = true;
			if (q->options[an->choices[0]].other)
				an->other = STR_LIT("A volunteer");
			break;
		case SQ_MULTIPLE: {
			int want = 1 + (int)(rng_next(r) % (q->has_max ? (uint64_t)q->max : 3));

			an->choices = arena_array(a, q->option_n, sizeof(int));
			for (j = 0; j < want * 4 && an->choice_n < want; j++) {
				int k = pick(r, w, q->option_n), seen = 0;

				for (int m = 0; m < an->choice_n; m++)
					seen |= an->choices[m] == k;
				if (!seen)
					an->choices[an->choice_n++] = k;
			}
			an->given = an->choice_n > 0;
			break;
		}
		case SQ_RATING:
			an->number = q->min + pick(r, w, (int)(q->max - q->min) + 1);
			an->given = true;
			break;
		case SQ_GRID:
			an->grid = arena_array(a, q->row_n, sizeof(int));
			for (j = 0; j < q->row_n; j++)
				an->grid[j] = pick(r, w, q->option_n);
			an->given = true;
			break;
		case SQ_DATE:
			t = (time_t)(now - (int64_t)(rng_next(r) % 28) * DAY);
			gmtime_r(&t, &tm);
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
			if (rng_unit(r) < 0.7) {
				an->text = arena_str(a, str_c(date));
				an->given = true;
			}
			break;
		case SQ_TEXT:
		case SQ_LONG_TEXT:
		case SQ_POSTCODE:
			if ((text = pick_text(r, spec, q->key.p)) != NULL) {
				an->text = str_c(text);
				an->given = true;
			}
			break;
		default:
			break;
		}
	}
	survey_answers_prune(d, ans);
	return 0;
}

static int
channel_of(struct rng *r, const json_t *spec)
{
	const json_t *ch = json_object_get(spec, "channels");
	json_t *w = json_array();
	int i, k;

	for (i = 0; i < SURVEY_CHANNEL_N; i++) {
		const json_t *v = json_object_get(ch, survey_channel_name((enum survey_channel)i));

		json_array_append_new(w, json_real(json_is_number(v) ? json_number_value(v) : 0));
	}
	k = pick(r, w, SURVEY_CHANNEL_N);
	json_decref(w);
	return k;
}

/* The demo's respondents, submitted one by one as of their own times. */
static int
load_responses(struct cli_env *env, const struct survey *sv, const struct survey_def *d,
    const json_t *spec, int64_t from, int64_t to)
{
	struct rng r = { (uint64_t)json_integer_value(json_object_get(spec, "seed")) | 1 };
	int count = (int)json_integer_value(json_object_get(spec, "count")), i, rc = 0;
	struct arena a;

	arena_init(&a, NULL, 0);
	for (i = 0; i < count && rc == 0; i++) {
		struct response_submit s = { 0 };
		struct survey_answers ans;
		struct survey_tally_item *items;
		struct buf text = BUF_INIT;
		struct errors e;
		int64_t id, at = from + (to - from) * i / (count > 0 ? count : 1);

		arena_reset(&a);
		errors_init(&e);
		if ((rc = generate(&r, d, spec, at, &a, &ans)) != 0)
			break;
		if (survey_answers_check(d, &ans, -1, &e) != 0) {
			cli_print_errors("demo", &e);
			rc = ERR_INVALID;
			break;
		}
		if ((rc = respond_tally(&a, d, &ans, &items, &s.tally_n)) != 0)
			break;
		survey_answers_write(d, &ans, &text);
		s.survey_id = sv->id;
		s.version = sv->version;
		s.channel = (enum survey_channel)channel_of(&r, spec);
		s.answers = (struct str){ text.p, text.n };
		s.tally = items;
		s.now = at;
		rc = buf_ok(&text) ? store_response_submit_wait(env->store, &s, &id) : ERR_NOMEM;
		buf_free(&text);
	}
	arena_free(&a);
	return rc;
}

static int
load_outcome(struct cli_env *env, const struct org *o, const struct survey *sv,
    const json_t *jo, int64_t now)
{
	struct outcome out = { 0 };
	struct outcome_link link = { OUTCOME_LINK_SURVEY, sv->id, { "", 0 }, { "", 0 } };
	struct outcome_mail mail = { STR_LIT("-"), STR_LIT("-") };
	struct errors e;
	char day[16];
	time_t t = (time_t)(now - json_integer_value(json_object_get(jo,
	    "decided_on_days_ago")) * DAY);
	struct tm tm;
	int rc;

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	out.org_id = o->id;
	out.title = str_c(json_string_value(json_object_get(jo, "title")));
	out.you_said = str_c(json_string_value(json_object_get(jo, "you_said")));
	out.decision = str_c(json_string_value(json_object_get(jo, "decision")));
	out.what_changed = str_c(json_string_value(json_object_get(jo, "what_changed")));
	out.decided_by = str_c(json_string_value(json_object_get(jo, "decided_by")));
	out.decided_on = str_c(day);
	out.link_n = 1;
	out.links = &link;
	errors_init(&e);
	if (outcome_check(&out, NULL, &e) != 0 ||
	    (rc = store_outcome_create(env->store, &demo_actor, &out, &e)) != 0) {
		cli_print_errors("demo", &e);
		return ERR_INVALID;
	}
	/* No one asked to hear back in the demo: the mail is never queued. */
	return store_outcome_publish(env->store, &demo_actor, o->id, out.id, now, &mail, NULL);
}

static struct str
text_of(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return str_c(v ? v : "");
}

/* A consultation's checklist and documents, recorded while it is a
 * draft, and the assessment of the duty to involve that led to it. */
static int
load_consultation(struct cli_env *env, const struct actor *who, const struct survey *sv,
    const json_t *js, int64_t now)
{
	const json_t *list = json_object_get(js, "checklist"), *jd, *ja;
	struct consultation_checklist c;
	struct consultation_document d;
	struct errors e;
	size_t i;
	int k, rc;

	memset(&c, 0, sizeof(c));
	for (k = 0; k < CHECK_N; k++) {
		const json_t *item = json_object_get(list,
		    consultation_principle_name((enum consultation_principle)k));

		c.items[k].answer = json_is_true(json_object_get(item, "met")) ? CHECK_YES : CHECK_NO;
		c.items[k].note = text_of(item, "note");
	}
	errors_init(&e);
	if (consultation_checklist_check(&c, &e) != 0 ||
	    (rc = store_consultation_set_checklist(env->store, who, sv->id, &c, now, &e)) != 0)
		goto refused;
	json_array_foreach(json_object_get(js, "documents"), i, jd) {
		memset(&d, 0, sizeof(d));
		d.survey_id = sv->id;
		d.title = text_of(jd, "title");
		d.body = text_of(jd, "body");
		d.easy_read = text_of(jd, "easy_read");
		if (consultation_document_check(&d, &e) != 0 ||
		    (rc = store_document_add(env->store, who, &d, now, &e)) != 0)
			goto refused;
	}
	if (json_is_object(ja = json_object_get(js, "assessment"))) {
		struct assessment as;

		memset(&as, 0, sizeof(as));
		as.org_id = who->org_id;
		as.title = text_of(ja, "title");
		as.proposal = text_of(ja, "proposal");
		as.affected = text_of(ja, "affected");
		as.involvement = INVOLVEMENT_REQUIRED;
		as.methods = 1u << METHOD_CONSULTATION | 1u << METHOD_ENGAGEMENT;
		as.approach = text_of(ja, "approach");
		as.duties = 1u << DUTY_TRUST | 1u << DUTY_EQUALITY;
		if (assessment_check(&as, now, &e) != 0 ||
		    (rc = store_assessment_create(env->store, who, &as)) != 0 ||
		    (rc = store_assessment_link(env->store, who, as.id, LINK_SURVEY, sv->id, now,
		    &e)) != 0)
			goto refused;
	}
	return 0;
refused:
	cli_print_errors("demo", &e);
	return ERR_INVALID;
}

/* A closed consultation's stage: analysing, then, once its outcome is
 * published, outcome published (which publishing may have done). */
static int
consultation_to(struct cli_env *env, const struct actor *who, int64_t survey_id,
    enum consultation_stage stage, int64_t now)
{
	struct consultation k;
	struct errors e;
	struct arena a;
	int rc;

	arena_init(&a, NULL, 0);
	rc = store_consultation_get(env->store, &a, survey_id, &k);
	arena_free(&a);
	if (rc != 0 || k.stage == stage)
		return rc;
	errors_init(&e);
	if ((rc = store_consultation_set_stage(env->store, who, survey_id, stage, now, &e)) != 0)
		cli_print_errors("demo", &e);
	return rc;
}

static int
load_survey(struct cli_env *env, const struct org *o, const json_t *js, int64_t now)
{
	const struct actor who = { o->id, 0, "demo" };
	bool consultation = str_eq_c(text_of(js, "kind"), "consultation");
	const json_t *def = json_object_get(js, "definition");
	int64_t opened = now - json_integer_value(json_object_get(js, "opened_days_ago")) * DAY;
	int64_t closed_ago = json_integer_value(json_object_get(js, "closed_days_ago"));
	int64_t closes = closed_ago > 0 ? now - closed_ago * DAY : 0, next_id = 1;
	struct survey sv = { 0 }, *got;
	struct survey_def d;
	struct buf text = BUF_INIT;
	struct errors e;
	struct arena a;
	int rc;

	arena_init(&a, NULL, 0);
	errors_init(&e);
	rc = survey_def_from_json(json_object_get(def, "pages"), &next_id, &a, &d, &e);
	if (rc == 0)
		rc = survey_title_check(str_c(json_string_value(json_object_get(def, "title"))), &e);
	if (rc != 0) {
		cli_print_errors("demo", &e);
		goto out;
	}
	survey_def_write(&d, &text);
	sv.org_id = o->id;
	sv.title = str_c(json_string_value(json_object_get(def, "title")));
	sv.who = POLL_WHO_ANYONE;
	/* A consultation opens once its checklist is recorded. */
	sv.kind = consultation ? SURVEY_KIND_CONSULTATION : SURVEY_KIND_SURVEY;
	sv.opens_at = consultation ? 0 : opened;
	sv.next_option_id = next_id;
	sv.definition = (struct str){ text.p, text.n };
	if ((rc = store_survey_create(env->store, &demo_actor, &sv)) != 0)
		goto out;
	if (consultation) {
		if ((rc = load_consultation(env, &who, &sv, js, opened)) != 0)
			goto out;
		if ((rc = store_survey_get(env->store, &a, sv.id, &got)) != 0)
			goto out;
		got->opens_at = opened;
		if ((rc = store_survey_update(env->store, &who, got, got->version, false, now,
		    &e)) != 0) {
			cli_print_errors("demo", &e);
			goto out;
		}
		sv.version = got->version;
	}
	if ((rc = load_responses(env, &sv, &d, json_object_get(js, "responses"), opened,
	    closes ? closes : now)) != 0)
		goto out;
	if (closes != 0) {
		/* Closed on the day the demo says, as if it had run its course. */
		if ((rc = store_survey_get(env->store, &a, sv.id, &got)) != 0)
			goto out;
		got->closes_at = closes;
		if ((rc = store_survey_update(env->store, &demo_actor, got, got->version, false, now,
		    &e)) != 0)
			goto out;
	}
	if (consultation && closes != 0 &&
	    (rc = consultation_to(env, &who, sv.id, CONSULTATION_ANALYSING, now)) != 0)
		goto out;
	if (json_is_object(json_object_get(js, "outcome")))
		rc = load_outcome(env, o, &sv, json_object_get(js, "outcome"), now);
	if (rc == 0 && consultation && closes != 0 &&
	    json_is_object(json_object_get(js, "outcome")))
		rc = consultation_to(env, &who, sv.id, CONSULTATION_OUTCOME, now);
out:
	buf_free(&text);
	arena_free(&a);
	return rc;
}

int
demo_load_surveys(struct cli_env *env, const struct org *o, const json_t *surveys)
{
	int64_t now = (int64_t)time(NULL);
	const json_t *js;
	size_t i;
	int rc;

	json_array_foreach(surveys, i, js)
		if ((rc = load_survey(env, o, js, now)) != 0)
			return rc;
	return 0;
}
