/*
 * The store's consultations and assessments (store_consultation.h), on
 * both databases: a consultation made a draft, opened (by hand or at a
 * set time) only once its checklist is recorded, the checklist fixed once
 * open, the stages after closing; documents in order, moved, changed and
 * deleted with their files, none of it once closed; files kept byte for
 * byte; assessments with the engagements linked to them, read as their
 * evidence trail; another organisation's is not found; every change
 * audited.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "involve/store_consultation.h"
#include "fixture.h"

TestSuite(consultations, .init = store_fixture_setup, .fini = store_fixture_teardown);

#define DEF "[{\"key\":\"p1\",\"questions\":[{\"key\":\"views\",\"type\":\"long_text\"}]}]"

static struct actor
staff_of(int64_t org)
{
	return (struct actor){ org, 0, "officer@example.org" };
}

static int64_t
make(int64_t org, enum survey_kind kind, int64_t opens_at)
{
	struct actor a = staff_of(org);
	struct survey sv;

	memset(&sv, 0, sizeof(sv));
	sv.org_id = org;
	sv.kind = kind;
	sv.title = str_c("Our strategy 2022 to 2027");
	sv.who = POLL_WHO_ANYONE;
	sv.opens_at = opens_at;
	sv.definition = str_c(DEF);
	sv.next_option_id = 1;
	cr_assert_eq(store_survey_create(st, &a, &sv), 0);
	return sv.id;
}

static struct survey *
get(int64_t id)
{
	struct survey *sv = NULL;

	cr_assert_eq(store_survey_get(st, &arena, id, &sv), 0);
	return sv;
}

static struct consultation_checklist
all_yes(void)
{
	struct consultation_checklist k;

	memset(&k, 0, sizeof(k));
	for (int i = 0; i < CHECK_N; i++) {
		k.items[i].answer = CHECK_YES;
		k.items[i].note = str_c("Shown in the board paper");
	}
	return k;
}

struct find_action {
	const char *action;
	int n;
	char detail[AUDIT_DETAIL_MAX];
};

static int
find_action(void *arg, const struct audit_entry *e)
{
	struct find_action *f = arg;

	if (strcmp(e->action, f->action) == 0) {
		f->n++;
		memcpy(f->detail, e->detail, sizeof(f->detail));
	}
	return 0;
}

static int
audited(const char *action, struct find_action *f)
{
	struct find_action mine;

	if (f == NULL)
		f = &mine;
	memset(f, 0, sizeof(*f));
	f->action = action;
	cr_assert_eq(store_audit_each(st, find_action, f), 0);
	return f->n;
}

/* ---- the consultation --------------------------------------------------------------------- */

Test(consultations, made_a_draft_with_its_kind)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	struct consultation k;
	struct survey sv;

	cr_assert_eq(get(id)->kind, SURVEY_KIND_CONSULTATION);
	cr_assert_eq(get(make(org, SURVEY_KIND_SURVEY, 0))->kind, SURVEY_KIND_SURVEY);
	cr_assert_eq(store_consultation_get(st, &arena, id, &k), 0);
	cr_assert_eq(k.stage, CONSULTATION_STAGE_NONE);
	cr_assert(!consultation_checklist_complete(&k.checklist), "nothing recorded yet");
	cr_assert_eq(k.checklist.recorded_at, 0);

	/* With an opening time, it would open with no checklist. */
	memset(&sv, 0, sizeof(sv));
	sv.org_id = org;
	sv.kind = SURVEY_KIND_CONSULTATION;
	sv.title = str_c("Scheduled");
	sv.opens_at = time(NULL) + 3600;
	sv.definition = str_c(DEF);
	sv.next_option_id = 1;
	cr_assert_eq(store_survey_create(st, &a, &sv), ERR_CONFLICT);
	cr_assert_eq(raw_count("SELECT count(*) FROM survey WHERE title = 'Scheduled'"), 0);
	cr_assert_eq(audited("survey.create", NULL), 2);
}

Test(consultations, opening_waits_for_the_checklist)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	struct consultation_checklist k = all_yes();
	struct find_action f;
	struct errors e;
	int64_t now = time(NULL);

	errors_init(&e);
	cr_assert_eq(store_survey_open(st, &a, id, now, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "checklist.formative"));
	cr_assert(errors_has_field(&e, "checklist.consideration"));
	cr_assert_eq(survey_status(get(id), now), POLL_DRAFT);

	/* Three of four recorded: still not. */
	k.items[CHECK_TIME].answer = CHECK_UNANSWERED;
	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, &e), 0);
	errors_init(&e);
	cr_assert_eq(store_survey_open(st, &a, id, now, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "checklist.time"));
	cr_assert(!errors_has_field(&e, "checklist.formative"));

	k.items[CHECK_TIME].answer = CHECK_NO;
	k.items[CHECK_TIME].note = str_c("Eight weeks, over the summer: extra events planned");
	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, &e), 0);
	cr_assert_eq(audited("consultation.checklist", &f), 2);
	cr_assert(strstr(f.detail, "\"time\":{\"met\":\"no\",\"note\":\"Eight weeks") != NULL,
	    "%s", f.detail);
	errors_init(&e);
	cr_assert_eq(store_survey_open(st, &a, id, now, &e), 0);
	cr_assert_eq(survey_status(get(id), now), POLL_OPEN);

	/* Open: the record of the decision to open stays as it was. */
	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "checklist"));
	cr_assert_eq(audited("consultation.checklist", NULL), 2);
}

Test(consultations, a_set_opening_time_waits_for_the_checklist_too)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	struct consultation_checklist k = all_yes();
	struct survey *sv = get(id);
	struct errors e;
	int64_t now = time(NULL);

	sv->opens_at = now + 86400;
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &a, sv, sv->version, false, now, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "opens_at"));
	cr_assert_eq(get(id)->opens_at, 0);

	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, &e), 0);
	sv = get(id);
	sv->opens_at = now + 86400;
	errors_init(&e);
	cr_assert_eq(store_survey_update(st, &a, sv, sv->version, false, now, &e), 0);
	cr_assert_eq(survey_status(get(id), now), POLL_SCHEDULED);

	/* Due to open: every item stays recorded. */
	k.items[CHECK_INFORMATION].answer = CHECK_UNANSWERED;
	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, &e), ERR_CONFLICT);
	k.items[CHECK_INFORMATION].answer = CHECK_YES;
	k.items[CHECK_INFORMATION].note = str_c("The full business case is published");
	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, &e), 0,
	    "a note may change");
}

Test(consultations, a_plain_survey_opens_as_before)
{
	int64_t org = make_org("bury"), id = make(org, SURVEY_KIND_SURVEY, 0);
	struct actor a = staff_of(org);
	struct consultation_checklist k = all_yes();
	struct errors e;

	errors_init(&e);
	cr_assert_eq(store_survey_open(st, &a, id, time(NULL), &e), 0);
	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, time(NULL), &e),
	    ERR_NOTFOUND, "not a consultation");
}

Test(consultations, another_organisations_is_not_found)
{
	int64_t org = make_org("blackpool"), other = make_org("bury");
	int64_t id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor them = staff_of(other);
	struct consultation_checklist k = all_yes();
	struct consultation_document d;
	struct errors e;
	int64_t file;

	errors_init(&e);
	cr_assert_eq(store_consultation_set_checklist(st, &them, id, &k, time(NULL), &e),
	    ERR_NOTFOUND);
	cr_assert_eq(store_consultation_set_stage(st, &them, id, CONSULTATION_ANALYSING,
	    time(NULL), &e), ERR_NOTFOUND);
	memset(&d, 0, sizeof(d));
	d.survey_id = id;
	d.title = str_c("Theirs");
	d.body = str_c("Text");
	d.easy_read = str_c("");
	cr_assert_eq(store_document_add(st, &them, &d, time(NULL), &e), ERR_NOTFOUND);
	cr_assert_eq(store_attachment_add(st, &them, id, 1, str_c("a.pdf"),
	    str_c("application/pdf"), "%PDF-", 5, time(NULL), &file, &e), ERR_NOTFOUND);
	cr_assert_eq(raw_count("SELECT count(*) FROM consultation"), 0);
}

Test(consultations, stages_after_closing)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	struct consultation_checklist k = all_yes();
	struct consultation c;
	struct errors e;
	int64_t now = time(NULL);

	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, NULL), 0);
	cr_assert_eq(store_survey_open(st, &a, id, now, NULL), 0);
	errors_init(&e);
	cr_assert_eq(store_consultation_set_stage(st, &a, id, CONSULTATION_ANALYSING, now, &e),
	    ERR_CONFLICT, "still open");
	cr_assert(errors_has_field(&e, "stage"));
	errors_init(&e);
	cr_assert_eq(store_consultation_set_stage(st, &a, id, CONSULTATION_OUTCOME, now, &e),
	    ERR_CONFLICT);
	cr_assert_eq(store_survey_close(st, &a, id, now, NULL), 0);
	errors_init(&e);
	cr_assert_eq(store_consultation_set_stage(st, &a, id, CONSULTATION_OUTCOME, now, &e),
	    ERR_CONFLICT, "not analysed yet");
	cr_assert_eq(store_consultation_set_stage(st, &a, id, CONSULTATION_ANALYSING, now, NULL),
	    0);
	cr_assert_eq(store_consultation_get(st, &arena, id, &c), 0);
	cr_assert_eq(c.stage, CONSULTATION_ANALYSING);
	cr_assert_eq(c.stage_at, now);
	cr_assert_eq(consultation_state(get(id), c.stage, now), CONSULTATION_ANALYSING_STATE);
	cr_assert(consultation_checklist_complete(&c.checklist), "the checklist is kept");
	cr_assert(str_eq_c(c.checklist.recorded_by, "officer@example.org"));
	cr_assert_eq(store_consultation_set_stage(st, &a, id, CONSULTATION_OUTCOME, now + 5, NULL),
	    0);
	cr_assert_eq(store_consultation_get(st, &arena, id, &c), 0);
	cr_assert_eq(consultation_state(get(id), c.stage, now), CONSULTATION_OUTCOME_PUBLISHED);
	cr_assert_eq(audited("consultation.stage", NULL), 2);
}

struct ids {
	int n;
	int64_t id[8];
};

static int
collect_survey(void *arg, const struct survey *sv)
{
	struct ids *got = arg;

	if (got->n < 8)
		got->id[got->n] = sv->id;
	got->n++;
	return 0;
}

static int
count_file(void *arg, const struct consultation_attachment *f)
{
	(void)f;
	(*(int *)arg)++;
	return 0;
}

static int
count_assessment(void *arg, const struct assessment *x)
{
	(void)x;
	(*(int *)arg)++;
	return 0;
}

Test(consultations, listed_apart_from_surveys)
{
	int64_t org = make_org("blackpool");
	int64_t c1 = make(org, SURVEY_KIND_CONSULTATION, 0);
	int64_t s1 = make(org, SURVEY_KIND_SURVEY, 0);
	int64_t c2 = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct ids got = { 0 };

	cr_assert_eq(store_consultation_each(st, &arena, org, 0, 10, collect_survey, &got), 0);
	cr_assert_eq(got.n, 2);
	cr_assert_eq(got.id[0], c2);
	cr_assert_eq(got.id[1], c1);
	cr_assert_neq(got.id[1], s1);
}

/* ---- documents and files -------------------------------------------------------------------- */

static int64_t
add_doc(const struct actor *a, int64_t survey, const char *title, const char *easy)
{
	struct consultation_document d;
	struct errors e;

	memset(&d, 0, sizeof(d));
	d.survey_id = survey;
	d.title = str_c(title);
	d.body = str_c("## Background\n\nWhat we propose.");
	d.easy_read = str_c(easy);
	errors_init(&e);
	cr_assert_eq(store_document_add(st, a, &d, time(NULL), &e), 0, "%s",
	    e.n ? e.list[0].detail : "");
	cr_assert_gt(d.id, 0);
	return d.id;
}

struct titles {
	int n;
	char text[8][32];
	bool easy[8];
};

static int
title_of(void *arg, const struct consultation_document *d)
{
	struct titles *t = arg;

	cr_assert_eq(d->body.n, 0u, "the list does not read the text");
	snprintf(t->text[t->n], sizeof(t->text[0]), "%.*s", (int)d->title.n, d->title.p);
	t->easy[t->n++] = d->has_easy_read;
	return 0;
}

static struct titles
titles(int64_t survey)
{
	struct titles t;

	memset(&t, 0, sizeof(t));
	cr_assert_eq(store_document_each(st, &arena, survey, title_of, &t), 0);
	return t;
}

Test(consultations, documents_in_order)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	int64_t one = add_doc(&a, id, "One", ""), two = add_doc(&a, id, "Two", "Easy words"),
	    three = add_doc(&a, id, "Three", "");
	struct consultation_document *d;
	struct titles t;
	struct errors e;

	t = titles(id);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(t.text[0], "One");
	cr_assert_str_eq(t.text[2], "Three");
	cr_assert(t.easy[1] && !t.easy[0]);

	cr_assert_eq(store_document_move(st, &a, id, three, -1, time(NULL), NULL), 0);
	t = titles(id);
	cr_assert_str_eq(t.text[1], "Three");
	cr_assert_str_eq(t.text[2], "Two");
	cr_assert_eq(store_document_move(st, &a, id, one, -1, time(NULL), NULL), 0,
	    "first already: it stays");
	cr_assert_eq(store_document_move(st, &a, id, one, 1, time(NULL), NULL), 0);
	t = titles(id);
	cr_assert_str_eq(t.text[0], "Three");
	cr_assert_str_eq(t.text[1], "One");
	cr_assert_eq(audited("consultation.document.up", NULL), 1);
	cr_assert_eq(audited("consultation.document.down", NULL), 1);

	cr_assert_eq(store_document_get(st, &arena, id, two, &d), 0);
	cr_assert(str_eq_c(d->easy_read, "Easy words"));
	d->title = str_c("Two, changed");
	d->easy_read = str_c("");
	errors_init(&e);
	cr_assert_eq(store_document_update(st, &a, d, time(NULL), &e), 0);
	cr_assert_eq(store_document_get(st, &arena, id, two, &d), 0);
	cr_assert(str_eq_c(d->title, "Two, changed"));
	cr_assert(!d->has_easy_read);
	cr_assert_eq(store_document_get(st, &arena, make(org, SURVEY_KIND_CONSULTATION, 0), two,
	    &d), ERR_NOTFOUND, "another consultation's document");

	cr_assert_eq(store_document_delete(st, &a, id, one, time(NULL), NULL), 0);
	cr_assert_eq(titles(id).n, 2);
	cr_assert_eq(store_document_delete(st, &a, id, one, time(NULL), NULL), ERR_NOTFOUND);
	cr_assert_eq(audited("consultation.document.add", NULL), 3);
	cr_assert_eq(audited("consultation.document.delete", NULL), 1);
}

Test(consultations, files_kept_byte_for_byte)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0,
		0x0d, 0xff, 0 };
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	int64_t doc = add_doc(&a, id, "Maps", ""), f1, f2;
	struct consultation_attachment f;
	struct buf bytes = BUF_INIT;
	struct find_action fa;
	struct errors e;
	int n = 0;

	errors_init(&e);
	cr_assert_eq(store_attachment_add(st, &a, id, doc, str_c("Map för 2027.png"),
	    str_c("image/png"), png, sizeof(png), time(NULL), &f1, &e), 0);
	cr_assert_eq(store_attachment_add(st, &a, id, doc, str_c("plan.pdf"),
	    str_c("application/pdf"), "%PDF-1.4", 8, time(NULL), &f2, &e), 0);
	cr_assert_eq(store_attachment_get(st, &arena, id, f1, &f, &bytes), 0);
	cr_assert_eq(bytes.n, sizeof(png));
	cr_assert_eq(memcmp(bytes.p, png, sizeof(png)), 0, "a NUL inside is kept");
	cr_assert(str_eq_c(f.name, "Map för 2027.png"));
	cr_assert(str_eq_c(f.media_type, "image/png"));
	cr_assert_eq(f.size, (int64_t)sizeof(png));
	cr_assert_eq(f.document_id, doc);
	buf_free(&bytes);
	cr_assert_eq(store_attachment_get(st, &arena, make(org, SURVEY_KIND_CONSULTATION, 0), f1,
	    &f, NULL), ERR_NOTFOUND, "through another consultation");
	cr_assert_eq(audited("consultation.file.add", &fa), 2);
	cr_assert(strstr(fa.detail, "\"size\":8") != NULL, "%s", fa.detail);

	cr_assert_eq(store_attachment_each(st, &arena, id, count_file, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(store_attachment_delete(st, &a, id, f2, time(NULL), NULL), 0);
	cr_assert_eq(store_attachment_get(st, &arena, id, f2, &f, NULL), ERR_NOTFOUND);
	cr_assert_eq(store_attachment_add(st, &a, id, doc + 100, str_c("x.pdf"),
	    str_c("application/pdf"), "%PDF-", 5, time(NULL), &f2, &e), ERR_NOTFOUND,
	    "no such document");
	/* A document takes its files with it, and a consultation everything. */
	cr_assert_eq(store_document_delete(st, &a, id, doc, time(NULL), NULL), 0);
	cr_assert_eq(raw_count("SELECT count(*) FROM consultation_attachment"), 0);
	add_doc(&a, id, "Again", "");
	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &(struct consultation_checklist){
	    0 }, time(NULL), NULL), 0);
	cr_assert_eq(store_survey_delete(st, &a, id), 0);
	cr_assert_eq(raw_count("SELECT count(*) FROM consultation_document"), 0);
	cr_assert_eq(raw_count("SELECT count(*) FROM consultation"), 0);
}

Test(consultations, nothing_changes_once_closed)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	struct consultation_checklist k = all_yes();
	int64_t doc = add_doc(&a, id, "One", ""), file;
	struct consultation_document d;
	struct errors e;
	int64_t now = time(NULL);

	cr_assert_eq(store_consultation_set_checklist(st, &a, id, &k, now, NULL), 0);
	cr_assert_eq(store_survey_open(st, &a, id, now, NULL), 0);
	add_doc(&a, id, "Added while open", "");
	cr_assert_eq(store_survey_close(st, &a, id, now, NULL), 0);
	memset(&d, 0, sizeof(d));
	d.survey_id = id;
	d.title = str_c("Too late");
	d.body = str_c("Text");
	d.easy_read = str_c("");
	errors_init(&e);
	cr_assert_eq(store_document_add(st, &a, &d, now, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
	cr_assert_eq(store_document_delete(st, &a, id, doc, now, NULL), ERR_CONFLICT);
	cr_assert_eq(store_document_move(st, &a, id, doc, 1, now, NULL), ERR_CONFLICT);
	cr_assert_eq(store_attachment_add(st, &a, id, doc, str_c("x.pdf"),
	    str_c("application/pdf"), "%PDF-", 5, now, &file, NULL), ERR_CONFLICT);
	cr_assert_eq(titles(id).n, 2);
}

Test(consultations, a_consultation_has_at_most_its_documents)
{
	int64_t org = make_org("blackpool"), id = make(org, SURVEY_KIND_CONSULTATION, 0);
	struct actor a = staff_of(org);
	struct consultation_document d;
	struct errors e;
	char sql[128];

	for (int i = 0; i < CONSULTATION_DOCS_MAX; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO consultation_document (survey_id, "
		    "position, title, body, created_at, updated_at) "
		    "VALUES (%lld, %d, 'd', 'b', 1, 1)",
		    (long long)id, i + 1);
		raw_exec(sql);
	}
	memset(&d, 0, sizeof(d));
	d.survey_id = id;
	d.title = str_c("One too many");
	d.body = str_c("Text");
	d.easy_read = str_c("");
	errors_init(&e);
	cr_assert_eq(store_document_add(st, &a, &d, time(NULL), &e), ERR_CONFLICT);
	cr_assert(strstr(e.list[0].detail, "at most") != NULL);
}

/* ---- assessments --------------------------------------------------------------------------- */

static int64_t
make_assessment(int64_t org)
{
	struct actor a = staff_of(org);
	struct assessment as;
	struct errors e;

	memset(&as, 0, sizeof(as));
	as.org_id = org;
	as.title = str_c("Moving the walk-in centre");
	as.proposal = str_c("The walk-in centre moves to the hospital site.");
	as.affected = str_c("People in the town centre, without a car especially.");
	as.involvement = INVOLVEMENT_REQUIRED;
	as.methods = 1u << METHOD_CONSULTATION;
	as.duties = 1u << DUTY_ICB | 1u << DUTY_EQUALITY;
	errors_init(&e);
	cr_assert_eq(assessment_check(&as, time(NULL), &e), 0);
	cr_assert_eq(store_assessment_create(st, &a, &as), 0);
	cr_assert(str_eq_c(as.created_by, "officer@example.org"));
	return as.id;
}

static int64_t
make_poll(int64_t org)
{
	struct poll p;
	struct poll_input in;
	struct errors e;

	errors_init(&e);
	poll_input_defaults(&in);
	in.question = str_c("Should it move?");
	in.option_n = 2;
	in.options[0] = str_c("Yes");
	in.options[1] = str_c("No");
	in.opening = POLL_OPEN_NOW;
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	p.org_id = org;
	cr_assert_eq(store_poll_create(st, &who, &p), 0);
	return p.id;
}

struct trail {
	int n;
	struct assessment_link l[4];
	char titles[4][64];
};

static int
trail_one(void *arg, const struct assessment_link *l)
{
	struct trail *t = arg;

	t->l[t->n] = *l;
	snprintf(t->titles[t->n], sizeof(t->titles[0]), "%.*s", (int)l->title.n, l->title.p);
	t->l[t->n].title = str_c(t->titles[t->n]);
	t->n++;
	return 0;
}

static struct trail
trail(int64_t id)
{
	struct trail t;

	memset(&t, 0, sizeof(t));
	cr_assert_eq(store_assessment_links(st, &arena, id, trail_one, &t), 0);
	return t;
}

Test(consultations, assessments_are_kept_and_changed)
{
	int64_t org = make_org("blackburn"), id = make_assessment(org);
	struct actor a = staff_of(org), them = staff_of(make_org("bury"));
	struct assessment *as;
	struct find_action f;
	int n = 0;

	cr_assert_eq(store_assessment_get(st, &arena, id, &as), 0);
	cr_assert_eq(as->org_id, org);
	cr_assert_eq(as->involvement, INVOLVEMENT_REQUIRED);
	cr_assert_eq(as->duties, 1u << DUTY_ICB | 1u << DUTY_EQUALITY);
	cr_assert_eq(as->methods, 1u << METHOD_CONSULTATION);
	as->decision = str_c("Approved, with a bus link added.");
	as->decided_at = time(NULL) - 60;
	cr_assert_eq(store_assessment_update(st, &a, as), 0);
	cr_assert_eq(store_assessment_update(st, &them, as), ERR_NOTFOUND, "not theirs");
	cr_assert_eq(store_assessment_get(st, &arena, id, &as), 0);
	cr_assert(str_eq_c(as->decision, "Approved, with a bus link added."));
	cr_assert(str_eq_c(as->created_by, "officer@example.org"), "who made it stays");
	cr_assert_eq(audited("assessment.create", NULL), 1);
	cr_assert_eq(audited("assessment.update", &f), 1);
	cr_assert(strstr(f.detail, "nhs_act_s14z45,equality_act_s149") != NULL, "%s", f.detail);

	make_assessment(org);
	make_assessment(them.org_id);
	cr_assert_eq(store_assessment_each(st, &arena, org, 0, 10, count_assessment, &n), 0);
	cr_assert_eq(n, 2, "only the organisation's own");
}

Test(consultations, engagements_linked_make_the_evidence_trail)
{
	int64_t org = make_org("blackburn"), other = make_org("bury");
	int64_t id = make_assessment(org), second = make_assessment(org);
	int64_t consultation = make(org, SURVEY_KIND_CONSULTATION, 0);
	int64_t poll = make_poll(org), theirs = make_poll(other);
	struct actor a = staff_of(org), them = staff_of(other);
	struct consultation_checklist k = all_yes();
	struct errors e;
	struct trail t;
	int64_t now = time(NULL);
	int n = 0;

	cr_assert_eq(store_assessment_link(st, &a, id, LINK_SURVEY, consultation, now, NULL), 0);
	cr_assert_eq(store_assessment_link(st, &a, id, LINK_POLL, poll, now, NULL), 0);
	cr_assert_eq(store_assessment_link(st, &a, second, LINK_POLL, poll, now, NULL), 0,
	    "an engagement may serve several");
	cr_assert_eq(store_assessment_link(st, &a, id, LINK_POLL, poll, now, NULL), ERR_DUPLICATE);
	cr_assert_eq(store_assessment_link(st, &a, id, LINK_POLL, theirs, now, NULL), ERR_NOTFOUND);
	cr_assert_eq(store_assessment_link(st, &them, id, LINK_POLL, theirs, now, NULL),
	    ERR_NOTFOUND, "not their assessment");
	errors_init(&e);
	cr_assert_eq(store_assessment_link(st, &a, id, LINK_SURVEY, consultation + 100, now, &e),
	    ERR_NOTFOUND);

	cr_assert_eq(store_consultation_set_checklist(st, &a, consultation, &k, now, NULL), 0);
	cr_assert_eq(store_survey_open(st, &a, consultation, now, NULL), 0);
	cr_assert_eq(store_survey_close(st, &a, consultation, now, NULL), 0);
	cr_assert_eq(store_consultation_set_stage(st, &a, consultation, CONSULTATION_ANALYSING, now,
	    NULL), 0);
	t = trail(id);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.l[0].kind, LINK_SURVEY);
	cr_assert_eq(t.l[0].id, consultation);
	cr_assert_eq(t.l[0].survey_kind, SURVEY_KIND_CONSULTATION);
	cr_assert_str_eq(assessment_link_state(&t.l[0], now), "analysing");
	cr_assert_str_eq(t.titles[0], "Our strategy 2022 to 2027");
	cr_assert_eq(t.l[0].opens_at, now);
	cr_assert_eq(t.l[1].kind, LINK_POLL);
	cr_assert_eq(t.l[1].id, poll);
	cr_assert_str_eq(t.titles[1], "Should it move?");
	cr_assert_str_eq(assessment_link_state(&t.l[1], now), "open");
	cr_assert(str_eq_c(t.l[1].linked_by, "officer@example.org"));

	cr_assert_eq(store_assessment_each_linked(st, &arena, LINK_POLL, poll, count_assessment,
	    &n), 0);
	cr_assert_eq(n, 2);

	cr_assert_eq(store_assessment_unlink(st, &a, id, LINK_SURVEY, consultation), 0);
	cr_assert_eq(store_assessment_unlink(st, &a, id, LINK_SURVEY, consultation), ERR_NOTFOUND);
	cr_assert_eq(trail(id).n, 1);
	/* A deleted poll leaves the trail; the audit log keeps that it was there. */
	cr_assert_eq(store_poll_delete(st, &a, poll), 0);
	cr_assert_eq(trail(id).n, 0);
	cr_assert_eq(audited("assessment.link", NULL), 3);
	cr_assert_eq(audited("assessment.unlink", NULL), 1);
}
