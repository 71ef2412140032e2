/* Tests for lss_import.c (with lss_file.c, lss_source.c, lss_report.c):
 * the ten LimeSurvey test surveys in ../shared/data/limesurvey/ imported
 * and their questions checked; every type mapped, in both layouts;
 * conditions carried over or reported; texts made safe; keys made valid;
 * and bad files refused: not XML, not LimeSurvey, too old, cut short,
 * billion laughs, an external entity, too large, thousands of questions.
 * Every definition made is read back by survey_def_parse. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/lss_import.h"
#include "involve/text.h"

#define SHARED SOURCE_ROOT "/../shared/data/limesurvey/"
#define BAR "\x01" /* '|' in a cell of doc() */

#include "arena_fixture.h"

TestSuite(lss_import, .init = arena_setup, .fini = arena_teardown);
TestSuite(lss_files, .init = arena_setup, .fini = arena_teardown);
TestSuite(lss_refused, .init = arena_setup, .fini = arena_teardown);

/* ---- helpers --------------------------------------------------------------------------- */

static struct str
read_shared(const char *name)
{
	char path[512];
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f;
	struct str s;

	snprintf(path, sizeof(path), SHARED "%s", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s is there (../shared beside the repository)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	s = arena_str(&arena, (struct str){ b.p, b.n });
	buf_free(&b);
	return s;
}

/* Imports file, which must succeed, and reads its definition back. */
static void
import_ok(struct str file, struct lss_import *im, struct survey_def *d)
{
	struct errors e;
	int rc;

	errors_init(&e);
	rc = lss_import(file, &arena, im, &e);
	cr_assert_eq(rc, 0, "import: %d %s: %s", rc, e.n ? e.list[0].field : "",
	    e.n ? e.list[0].detail : "");
	cr_assert(im->report.imported);
	errors_init(&e);
	cr_assert_eq(survey_def_parse(im->pages, &arena, d, &e), 0, "%s: %s",
	    e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	cr_assert_eq(im->report.questions_made, d->question_n);
}

/* Imports file, which must be refused with code rc and a message holding
 * `words`. */
static void
import_refused(struct str file, int rc, const char *words, struct lss_import *im)
{
	struct errors e;
	int got;

	errors_init(&e);
	got = lss_import(file, &arena, im, &e);
	cr_assert_eq(got, rc, "import gave %d", got);
	cr_assert(e.n > 0);
	cr_assert_str_eq(e.list[0].field, "file");
	cr_assert(strstr(e.list[0].detail, words) != NULL, "'%s' says '%s'", e.list[0].detail,
	    words);
	cr_assert(!im->report.imported);
}

static const struct survey_question *
question(const struct survey_def *d, const char *key, enum survey_qtype type)
{
	int i = survey_question_index(d, str_c(key));

	cr_assert(i >= 0, "question %s", key);
	cr_assert_eq(d->questions[i].type, type, "%s is %s", key,
	    survey_qtype_name(d->questions[i].type));
	return &d->questions[i];
}

static void
assert_str(struct str s, const char *want)
{
	cr_assert(str_eq_c(s, want), "'%.*s' is not '%s'", (int)s.n, s.p, want);
}

/* The options (or rows) as "value=label,...". */
static const char *
choices(const struct survey_option *o, int n)
{
	struct buf b = BUF_INIT;
	const char *s;
	int i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%.*s=%.*s%s", i ? "," : "", (int)o[i].value.n, o[i].value.p,
		    (int)o[i].label.n, o[i].label.p, o[i].other ? "+" : "");
	s = arena_strdup(&arena, (struct str){ b.p ? b.p : "", b.n });
	buf_free(&b);
	return s;
}

static const char *
rows(const struct survey_question *q)
{
	struct buf b = BUF_INIT;
	const char *s;
	int i;

	for (i = 0; i < q->row_n; i++)
		buf_printf(&b, "%s%.*s=%.*s", i ? "," : "", (int)q->rows[i].value.n,
		    q->rows[i].value.p, (int)q->rows[i].label.n, q->rows[i].label.p);
	s = arena_strdup(&arena, (struct str){ b.p ? b.p : "", b.n });
	buf_free(&b);
	return s;
}

/* The report question with this code. */
static const struct lss_report_question *
reported(const struct lss_report *r, const char *code, int *index)
{
	int i;

	for (i = 0; i < r->question_n; i++)
		if (str_eq_c(r->questions[i].code, code)) {
			if (index)
				*index = i;
			return &r->questions[i];
		}
	cr_assert_fail("no question %s in the report", code);
	return NULL;
}

/* Whether a note (on question q, or on page p when q < 0, or on the survey
 * when both are -1) of this kind says `words`. */
static bool
noted(const struct lss_report *r, int q, int p, enum lss_note_kind kind, const char *words)
{
	int i;

	for (i = 0; i < r->note_n; i++) {
		const struct lss_note *n = &r->notes[i];

		if (n->kind == kind && n->question == q && (q >= 0 || n->page == p) &&
		    memmem(n->detail.p, n->detail.n, words, strlen(words)) != NULL)
			return true;
	}
	return false;
}

static bool
noted_on(const struct lss_report *r, const char *code, enum lss_note_kind kind,
    const char *words)
{
	int i;

	reported(r, code, &i);
	return noted(r, i, -1, kind, words);
}

/* A condition as compact JSON, for comparing. */
static const char *
cond_text(const struct survey_def *d, const struct survey_cond *c)
{
	json_t *pages = survey_def_to_json(d), *pg, *q;
	size_t i, j;
	char *text = NULL;
	const char *out;

	json_array_foreach(pages, i, pg)
		json_array_foreach(json_object_get(pg, "questions"), j, q) {
			const struct survey_question *sq = &d->questions[d->pages[i].first + j];

			if (sq->show_if == c)
				text = json_dumps(json_object_get(q, "show_if"), JSON_COMPACT |
				    JSON_SORT_KEYS);
		}
	json_decref(pages);
	cr_assert_not_null(text, "the condition is a question's");
	out = arena_strdup(&arena, str_c(text));
	free(text);
	return out;
}

static const char *
page_rules(const struct survey_def *d, int page)
{
	json_t *pages = survey_def_to_json(d);
	char *text = json_dumps(json_object_get(json_array_get(pages, (size_t)page), "next"),
	    JSON_COMPACT | JSON_SORT_KEYS);
	const char *out = arena_strdup(&arena, str_c(text));

	free(text);
	json_decref(pages);
	return out;
}

/*
 * A structure file written for a test: version, the base language (and
 * others, space-separated, after it), then (table, fields, rows) triples
 * ended by NULL.  Fields and cells are separated by '|', rows by '\n'; an
 * empty cell is written as an empty element, and BAR in a cell as '|'.  The surveys and
 * surveys_languagesettings tables are added with the title "Test survey".
 */
static struct str
doc(int version, const char *languages, ...)
{
	struct buf b = BUF_INIT;
	char base[16];
	const char *sp = strchr(languages, ' ');
	va_list ap;
	const char *name;
	struct str out;

	snprintf(base, sizeof(base), "%.*s", sp ? (int)(sp - languages) : (int)strlen(languages),
	    languages);
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document>\n"
	    " <LimeSurveyDocType>Survey</LimeSurveyDocType>\n <DBVersion>%d</DBVersion>\n"
	    " <languages><language>%s</language></languages>\n", version, base);
	va_start(ap, languages);
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *fields = va_arg(ap, const char *), *rows_text = va_arg(ap, const char *);
		char f[64][48];
		int fn = 0, i;
		const char *p = fields, *row;

		while (*p) {
			size_t n = strcspn(p, "|");

			snprintf(f[fn++], sizeof(f[0]), "%.*s", (int)n, p);
			p += n + (p[n] == '|');
		}
		buf_printf(&b, " <%s>\n  <fields>\n", name);
		for (i = 0; i < fn; i++)
			buf_printf(&b, "   <fieldname>%s</fieldname>\n", f[i]);
		buf_add_c(&b, "  </fields>\n  <rows>\n");
		for (row = rows_text; *row;) {
			size_t rn = strcspn(row, "\n");
			const char *c = row;

			buf_add_c(&b, "   <row>");
			for (i = 0; i < fn; i++) {
				size_t cn = strcspn(c, "|\n");

				if (cn == 0) {
					buf_printf(&b, "<%s/>", f[i]);
				} else {
					size_t at = b.n + strlen(f[i]) + 11, k;

					buf_printf(&b, "<%s><![CDATA[%.*s]]></%s>", f[i], (int)cn, c, f[i]);
					for (k = at; k < at + cn; k++)
						if (b.p[k] == BAR[0])
							b.p[k] = '|';
				}
				c += cn;
				if (*c == '|')
					c++;
			}
			buf_add_c(&b, "</row>\n");
			row += rn + (row[rn] == '\n');
		}
		buf_printf(&b, "  </rows>\n </%s>\n", name);
	}
	va_end(ap);
	buf_printf(&b, " <surveys><fields><fieldname>sid</fieldname><fieldname>language</fieldname>"
	    "<fieldname>additional_languages</fieldname></fields><rows><row><sid>4711</sid>"
	    "<language>%s</language><additional_languages>%s</additional_languages></row></rows>"
	    "</surveys>\n", base, sp ? sp + 1 : "");
	buf_printf(&b, " <surveys_languagesettings><fields><fieldname>surveyls_language</fieldname>"
	    "<fieldname>surveyls_title</fieldname></fields><rows><row><surveyls_language>%s"
	    "</surveyls_language><surveyls_title>Test survey</surveyls_title></row></rows>"
	    "</surveys_languagesettings>\n</document>\n", base);
	cr_assert(buf_ok(&b));
	out = arena_str(&arena, (struct str){ b.p, b.n });
	buf_free(&b);
	return out;
}

/* The tables of the layout from DBVersion 400. */
#define GROUPS "groups", "gid|group_order|grelevance|randomization_group"
#define GROUP_L10NS "group_l10ns", "gid|group_name|description|language"
#define QUESTIONS "questions", \
    "qid|parent_qid|gid|type|title|other|mandatory|question_order|scale_id|relevance"
#define SUBQUESTIONS "subquestions", \
    "qid|parent_qid|gid|type|title|other|mandatory|question_order|scale_id|relevance"
#define QUESTION_L10NS "question_l10ns", "qid|question|help|language"
#define ANSWERS "answers", "aid|qid|code|sortorder|scale_id|assessment_value"
#define ANSWER_L10NS "answer_l10ns", "aid|answer|language"
#define ATTRIBUTES "question_attributes", "qid|attribute|value|language"
#define CONDITIONS "conditions", "cid|qid|cqid|cfieldname|method|value|scenario"
/* Before 400: texts in the rows, one row per language. */
#define OLD_GROUPS "groups", "gid|group_name|group_order|description|language|grelevance"
#define OLD_QUESTIONS "questions", \
    "qid|parent_qid|gid|type|title|question|help|other|mandatory|question_order|language|" \
    "scale_id|relevance"
#define OLD_ANSWERS "answers", "qid|code|answer|sortorder|language|scale_id"

/* ---- the ten files from LimeSurvey's tests ------------------------------------------------- */

Test(lss_files, default_survey)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(read_shared("limesurvey_survey_489_default.lss"), &im, &d);
	assert_str(im.title, "Default survey 5.3.28");
	cr_assert_eq(im.report.db_version, 489);
	assert_str(im.report.language, "en");
	assert_str(im.report.survey_id, "848839");
	cr_assert_eq(d.page_n, 1);
	assert_str(d.pages[0].title, "My first question group");
	cr_assert_eq(d.question_n, 1);
	q = question(&d, "Q00", SQ_LONG_TEXT);
	assert_str(q->text, "A first example question. Please answer this question:");
	assert_str(q->help, "This is a question help text.");
	cr_assert(!q->required);
	assert_str(reported(&im.report, "Q00", NULL)->became, "long_text Q00");
}

Test(lss_files, other_option_where_limesurvey_puts_it)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(read_shared("limesurvey_survey_767665_ListRadioOtherPositionTest.lss"), &im, &d);
	assert_str(im.title, "Test other option position");
	cr_assert_eq(im.report.db_version, 480);
	cr_assert_eq(d.question_n, 4);
	q = question(&d, "G01Q01", SQ_SINGLE);
	assert_str(q->text, "List (radio) - Other first");
	cr_assert_str_eq(choices(q->options, q->option_n),
	    "-oth-=Other+,A1=First option,A2=Second option");
	q = question(&d, "G01Q02", SQ_SINGLE);
	cr_assert_str_eq(choices(q->options, q->option_n),
	    "A1=First option,-oth-=Other+,A2=Second option");
	q = question(&d, "G01Q03", SQ_SINGLE);
	cr_assert_str_eq(choices(q->options, q->option_n),
	    "A1=First option,A2=Second option,-oth-=Other+");
	q = question(&d, "G01Q04", SQ_SINGLE);
	cr_assert_str_eq(choices(q->options, q->option_n),
	    "A1=First option,A2=Second option,-oth-=Other+");
}

Test(lss_files, array_of_numbers_left_out_and_said)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(read_shared("limesurvey_survey_ArrayNumberCheckbox.lss"), &im, &d);
	cr_assert_eq(im.report.db_version, 359);
	assert_str(im.title, "array(Numbers)");
	cr_assert_eq(d.page_n, 2);
	cr_assert_eq(d.question_n, 3);
	cr_assert_eq(survey_question_index(&d, str_c("question")), -1);
	cr_assert_eq(reported(&im.report, "question", NULL)->became.n, 0);
	cr_assert(noted_on(&im.report, "question", LSS_NOTE_LOST, "array of numbers"));
	q = question(&d, "QHiddenJS", SQ_TEXT);
	cr_assert(q->required);
	cr_assert_null(q->show_if);
	cr_assert(noted_on(&im.report, "QHiddenJS", LSS_NOTE_LOST,
	    "!is_empty(question_SY003_SX002)"));
	q = question(&d, "Prev", SQ_LONG_TEXT);
	assert_str(q->text, "Move previous");
	cr_assert_eq(q->page, 1);
	cr_assert(noted_on(&im.report, "Prev", LSS_NOTE_LOST, "{count(that.question.NAOK)}"));
	question(&d, "QHiddenPHP", SQ_TEXT);
	cr_assert(noted(&im.report, -1, -1, LSS_NOTE_LOST, "theme 'vanilla'"));
}

Test(lss_files, corrupted_survey_is_read_in_its_one_language)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	/* LimeSurvey's own tests call it corrupt (a language missing from the
	 * installation): what it holds is whole, in German. */
	import_ok(read_shared("limesurvey_survey_CorruptedSurvey.lss"), &im, &d);
	cr_assert_eq(im.report.db_version, 650);
	assert_str(im.report.language, "de");
	cr_assert_eq(im.report.language_n, 0);
	assert_str(im.title, "Corrupted survey - missing language");
	cr_assert_eq(d.page_n, 1);
	assert_str(d.pages[0].title, "test");
	q = question(&d, "page1_intro", SQ_INFO);
	assert_str(q->text, "test");
	q = question(&d, "test", SQ_LONG_TEXT);
	assert_str(q->text, "test");
	cr_assert(noted(&im.report, -1, -1, LSS_NOTE_LOST, "welcome text"));
}

Test(lss_files, soft_mandatory_becomes_optional_and_said)
{
	struct lss_import im;
	struct survey_def d;
	static const char *const keys[] = { "Q00", "G02Q02", "G03Q03" };
	int i;

	import_ok(read_shared("limesurvey_survey_MandatorySoftMultiPage.lss"), &im, &d);
	cr_assert_eq(d.page_n, 3);
	for (i = 0; i < 3; i++) {
		const struct survey_question *q = question(&d, keys[i], SQ_LONG_TEXT);

		cr_assert_eq(q->page, i);
		cr_assert(!q->required);
		cr_assert(noted_on(&im.report, keys[i], LSS_NOTE_CHANGED, "Soft mandatory"));
	}
	assert_str(d.pages[2].title, "My third question group");
}

Test(lss_files, condition_from_the_conditions_table)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(read_shared("limesurvey_survey_allinoneCondition.lss"), &im, &d);
	q = question(&d, "Q00", SQ_SINGLE);
	cr_assert_str_eq(choices(q->options, q->option_n), "F=Female,M=Male");
	assert_str(q->help, "This is a question help text.");
	/* Relevance ((Q481.NAOK == "F")), from a conditions row on question 481, Q00. */
	q = question(&d, "G02Q02", SQ_LONG_TEXT);
	cr_assert_not_null(q->show_if);
	cr_assert_str_eq(cond_text(&d, q->show_if), "{\"equals\":\"F\",\"question\":\"Q00\"}");
	assert_str(q->text, "G02Q02");
	cr_assert(noted_on(&im.report, "G02Q02", LSS_NOTE_CHANGED, "no text"));
	assert_str(reported(&im.report, "G02Q02", NULL)->condition, "((Q481.NAOK == \"F\"))");
	/* The group's name pipes an answer: taken out and said. */
	assert_str(d.pages[0].title, "My first question group");
	cr_assert(noted(&im.report, -1, 0, LSS_NOTE_LOST, "{Q00.NAOK}"));
}

Test(lss_files, navigation_two_pages)
{
	struct lss_import im;
	struct survey_def d;

	import_ok(read_shared("limesurvey_survey_navigation.lss"), &im, &d);
	cr_assert_eq(d.page_n, 2);
	assert_str(question(&d, "Q00", SQ_TEXT)->text, "First question");
	assert_str(question(&d, "Q01", SQ_TEXT)->text, "Second question");
	cr_assert_eq(question(&d, "Q01", SQ_TEXT)->page, 1);
	assert_str(d.pages[1].title, "Second group");
	cr_assert_eq(d.pages[0].rule_n, 0);
}

Test(lss_files, question_list)
{
	struct lss_import im;
	struct survey_def d;

	import_ok(read_shared("limesurvey_survey_question_list.lss"), &im, &d);
	assert_str(im.title, "Survey Master 01");
	cr_assert_eq(d.question_n, 1);
	question(&d, "Q00", SQ_LONG_TEXT);
}

Test(lss_files, native_ranking_from_subquestions)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(read_shared("limesurvey_survey_rankingNative.lss"), &im, &d);
	cr_assert_eq(im.report.db_version, 359);
	q = question(&d, "Rank", SQ_RANKING);
	assert_str(q->text, "Ranking question");
	cr_assert_str_eq(choices(q->options, q->option_n),
	    "SQ01=Some example subquestion,SQ02=New answer subquestion,SQ03=Third subquestion,"
	    "SQ04=Last subquestion");
}

Test(lss_files, dual_scale_array_as_two_grids)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(read_shared("survey-dual-scale-question-api-test.lss"), &im, &d);
	cr_assert_eq(d.question_n, 2);
	q = question(&d, "Q00_1", SQ_GRID);
	cr_assert_str_eq(rows(q), "SQ001=Question one");
	cr_assert_str_eq(choices(q->options, q->option_n), "1=Good,2=Important");
	cr_assert(strstr(q->text.p, "A first example question.") == q->text.p);
	q = question(&d, "Q00_2", SQ_GRID);
	cr_assert_str_eq(rows(q), "SQ001=Question one");
	cr_assert_str_eq(choices(q->options, q->option_n), "1=Bad,2=Not important");
	assert_str(reported(&im.report, "Q00", NULL)->became, "grid Q00_1, grid Q00_2");
}

/* ---- every type, in the layout from 400 ----------------------------------------------------- */

static struct str
every_type(void)
{
	return doc(495, "en",
	    GROUPS, "1|1|1|\n2|2||",
	    GROUP_L10NS, "1|Choices||en\n2|Numbers and more|<p>About <b>you</b>.</p>|en",
	    QUESTIONS,
	    "10|0|1|L|L1|Y|Y|1|0|1\n"
	    "11|0|1|!|D1|N|N|2|0|1\n"
	    "12|0|1|O|O1|N|N|3|0|1\n"
	    "13|0|1|Y|Y1|N|Y|4|0|1\n"
	    "14|0|1|G|G1|N|N|5|0|1\n"
	    "15|0|1|5|F1|N|N|6|0|1\n"
	    "16|0|1|M|M1|Y|Y|7|0|1\n"
	    "17|0|1|P|P1|N|N|8|0|1\n"
	    "18|0|2|S|S1|N|N|1|0|1\n"
	    "19|0|2|T|T1|N|N|2|0|1\n"
	    "20|0|2|U|U1|N|N|3|0|1\n"
	    "21|0|2|N|N1|N|N|4|0|1\n"
	    "22|0|2|K|K1|N|Y|5|0|1\n"
	    "23|0|2|Q|Q1|N|N|6|0|1\n"
	    "24|0|2|D|DT1|N|N|7|0|1\n"
	    "25|0|2|R|R1|N|N|8|0|1\n"
	    "26|0|2|F|AF1|N|Y|9|0|1\n"
	    "27|0|2|H|AH1|N|N|10|0|1\n"
	    "28|0|2|A|A5|N|N|11|0|1\n"
	    "29|0|2|B|A10|N|N|12|0|1\n"
	    "30|0|2|C|AC|N|N|13|0|1\n"
	    "31|0|2|E|AE|N|N|14|0|1\n"
	    "32|0|2|1|DS|N|N|15|0|1\n"
	    "33|0|2|X|X1|N|Y|16|0|1\n"
	    "34|0|2|*|EQ|N|N|17|0|1\n"
	    "35|0|2|" BAR "|UP|N|N|18|0|1\n"
	    "36|0|2|:|AN|N|N|19|0|1\n"
	    "37|0|2|;|AT|N|N|20|0|1\n"
	    "38|0|2|I|LANG|N|N|21|0|1\n"
	    "39|0|2|Z|ODD|N|N|22|0|1",
	    SUBQUESTIONS,
	    "100|16|1|T|SQ001|N|N|1|0|1\n"
	    "101|16|1|T|SQ002|N|N|2|0|1\n"
	    "102|17|1|T|SQ001|N|N|1|0|1\n"
	    "103|17|1|T|SQ002|N|N|2|0|1\n"
	    "104|22|2|T|SQ001|N|N|1|0|1\n"
	    "105|22|2|T|SQ002|N|N|2|0|1\n"
	    "106|23|2|T|SQ001|N|N|1|0|1\n"
	    "107|26|2|T|R1|N|N|1|0|1\n"
	    "108|26|2|T|R2|N|N|2|0|1\n"
	    "109|27|2|T|R1|N|N|1|0|1\n"
	    "110|28|2|T|R1|N|N|1|0|1\n"
	    "111|29|2|T|R1|N|N|1|0|1\n"
	    "112|30|2|T|R1|N|N|1|0|1\n"
	    "113|31|2|T|R1|N|N|1|0|1\n"
	    "114|32|2|T|R1|N|N|1|0|1",
	    QUESTION_L10NS,
	    "10|Which one?|Pick one.|en\n11|Dropdown?||en\n12|With comment?||en\n"
	    "13|Yes or no?||en\n14|Gender?||en\n15|Five points?||en\n"
	    "16|<p>Which <em>ones</em>?</p><p>Choose all that apply.</p>|Any number.|en\n"
	    "17|Which, and why?||en\n18|Short?||en\n19|Long?||en\n20|Huge?||en\n"
	    "21|How many?||en\n22|How many of each?||en\n23|Names?||en\n24|When?||en\n"
	    "25|Rank these||en\n26|Rate each||en\n27|By column||en\n28|Five each||en\n"
	    "29|Ten each||en\n30|Yes/Uncertain/No each||en\n31|More or less||en\n"
	    "32|Two scales||en\n33|<p>Read <a href=\"https://www.nhs.uk/\">this</a>.</p>"
	    "<p>Then go on.</p>||en\n34|{Q1 + 1}||en\n35|Upload||en\n36|Numbers||en\n"
	    "37|Texts||en\n38|Language||en\n39|Odd||en\n"
	    "100|Cats||en\n101|Dogs||en\n102|Tea||en\n103|Coffee||en\n104|Adults||en\n"
	    "105|Children||en\n106|First name||en\n107|Food||en\n108|Staff||en\n109|Row||en\n"
	    "110|Row||en\n111|Row||en\n112|Row||en\n113|Row||en\n114|Row||en",
	    ANSWERS,
	    "1|10|A1|1|0|0\n2|10|A2|2|0|0\n3|11|X|1|0|0\n4|11|Y|2|0|0\n5|12|A|1|0|0\n"
	    "6|12|B|2|0|0\n7|25|R1|1|0|0\n8|25|R2|2|0|0\n9|25|R3|3|0|0\n10|26|1|1|0|0\n"
	    "11|26|2|2|0|0\n12|27|1|1|0|0\n13|27|2|2|0|0\n14|32|g|1|0|0\n15|32|b|2|0|0\n"
	    "16|32|i|1|1|0\n17|32|u|2|1|0",
	    ANSWER_L10NS,
	    "1|One|en\n2|Two|en\n3|Ex|en\n4|Why|en\n5|Aye|en\n6|Bee|en\n7|First|en\n"
	    "8|Second|en\n9|Third|en\n10|Good|en\n11|Bad|en\n12|Up|en\n13|Down|en\n14|Good|en\n"
	    "15|Bad|en\n16|Important|en\n17|Unimportant|en",
	    ATTRIBUTES,
	    "16|min_answers|1|\n16|max_answers|2|\n16|other_replace_text|Something else|en\n"
	    "21|min_num_value_n|0|\n21|max_num_value_n|100|\n22|max_num_value_n|20|\n"
	    "24|date_min|2020-01-01 00:00|\n24|date_max|2030-12-31|\n"
	    "32|dualscale_headerA|Now|en\n32|dualscale_headerB|Then|en\n"
	    "10|other_position|end|\n18|time_limit|30|\n19|random_order|1|\n"
	    "20|hidden|1|\n25|max_answers|2|",
	    NULL);
}

Test(lss_import, every_type_maps)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(every_type(), &im, &d);
	cr_assert_eq(d.page_n, 2);
	q = question(&d, "L1", SQ_SINGLE);
	cr_assert(q->required);
	assert_str(q->text, "Which one?");
	assert_str(q->help, "Pick one.");
	cr_assert_str_eq(choices(q->options, q->option_n), "A1=One,A2=Two,-oth-=Other+");
	q = question(&d, "D1", SQ_SINGLE);
	cr_assert_str_eq(choices(q->options, q->option_n), "X=Ex,Y=Why");
	question(&d, "O1", SQ_SINGLE);
	q = question(&d, "O1_comment", SQ_LONG_TEXT);
	assert_str(q->text, "With comment? \xE2\x80\x94 comment");
	q = question(&d, "Y1", SQ_SINGLE);
	cr_assert(q->required);
	cr_assert_str_eq(choices(q->options, q->option_n), "Y=Yes,N=No");
	q = question(&d, "G1", SQ_SINGLE);
	cr_assert_str_eq(choices(q->options, q->option_n), "F=Female,M=Male");
	q = question(&d, "F1", SQ_RATING);
	cr_assert(q->min == 1 && q->max == 5);
	q = question(&d, "M1", SQ_MULTIPLE);
	assert_str(q->text, "Which *ones*?");
	assert_str(q->help, "Choose all that apply.\n\nAny number.");
	cr_assert_str_eq(choices(q->options, q->option_n),
	    "SQ001=Cats,SQ002=Dogs,-oth-=Something else+");
	cr_assert(q->has_min && q->min == 1 && q->has_max && q->max == 2);
	q = question(&d, "P1", SQ_MULTIPLE);
	cr_assert_str_eq(choices(q->options, q->option_n), "SQ001=Tea,SQ002=Coffee");
	q = question(&d, "P1_SQ001comment", SQ_TEXT);
	assert_str(q->text, "Which, and why? \xE2\x80\x94 comment on \xE2\x80\x9CTea\xE2\x80\x9D");
	cr_assert_str_eq(cond_text(&d, q->show_if), "{\"includes\":\"SQ001\",\"question\":\"P1\"}");
	question(&d, "P1_SQ002comment", SQ_TEXT);
	cr_assert_eq(question(&d, "S1", SQ_TEXT)->page, 1);
	question(&d, "T1", SQ_LONG_TEXT);
	question(&d, "U1", SQ_LONG_TEXT);
	q = question(&d, "N1", SQ_NUMBER);
	cr_assert(q->has_min && q->min == 0 && q->has_max && q->max == 100);
	q = question(&d, "K1_SQ001", SQ_NUMBER);
	assert_str(q->text, "How many of each? \xE2\x80\x94 Adults");
	cr_assert(q->required && q->has_max && q->max == 20 && !q->has_min);
	question(&d, "K1_SQ002", SQ_NUMBER);
	assert_str(question(&d, "Q1_SQ001", SQ_TEXT)->text, "Names? \xE2\x80\x94 First name");
	q = question(&d, "DT1", SQ_DATE);
	assert_str(q->min_date, "2020-01-01");
	assert_str(q->max_date, "2030-12-31");
	q = question(&d, "R1", SQ_RANKING);
	cr_assert_str_eq(choices(q->options, q->option_n), "R1=First,R2=Second,R3=Third");
	cr_assert(noted_on(&im.report, "R1", LSS_NOTE_LOST, "ranked"));
	q = question(&d, "AF1", SQ_GRID);
	cr_assert(q->required);
	cr_assert_str_eq(rows(q), "R1=Food,R2=Staff");
	cr_assert_str_eq(choices(q->options, q->option_n), "1=Good,2=Bad");
	question(&d, "AH1", SQ_GRID);
	cr_assert(noted_on(&im.report, "AH1", LSS_NOTE_CHANGED, "by row"));
	q = question(&d, "A5", SQ_GRID);
	cr_assert_str_eq(choices(q->options, q->option_n), "1=1,2=2,3=3,4=4,5=5");
	cr_assert_eq(question(&d, "A10", SQ_GRID)->option_n, 10);
	q = question(&d, "AC", SQ_GRID);
	cr_assert_str_eq(choices(q->options, q->option_n), "Y=Yes,U=Uncertain,N=No");
	q = question(&d, "AE", SQ_GRID);
	cr_assert_str_eq(choices(q->options, q->option_n), "I=Increase,S=Same,D=Decrease");
	q = question(&d, "DS_1", SQ_GRID);
	assert_str(q->text, "Two scales \xE2\x80\x94 Now");
	cr_assert_str_eq(choices(q->options, q->option_n), "g=Good,b=Bad");
	q = question(&d, "DS_2", SQ_GRID);
	assert_str(q->text, "Two scales \xE2\x80\x94 Then");
	cr_assert_str_eq(choices(q->options, q->option_n), "i=Important,u=Unimportant");
	q = question(&d, "X1", SQ_INFO);
	cr_assert(!q->required);
	assert_str(q->text, "Read [this](https://www.nhs.uk/).\n\nThen go on.");
	/* No counterpart: left out, each with its reason. */
	cr_assert(noted_on(&im.report, "EQ", LSS_NOTE_LOST, "equation"));
	cr_assert(noted_on(&im.report, "UP", LSS_NOTE_LOST, "file upload"));
	cr_assert(noted_on(&im.report, "AN", LSS_NOTE_LOST, "array of numbers"));
	cr_assert(noted_on(&im.report, "AT", LSS_NOTE_LOST, "array of texts"));
	cr_assert(noted_on(&im.report, "LANG", LSS_NOTE_LOST, "language switch"));
	cr_assert(noted_on(&im.report, "ODD", LSS_NOTE_LOST, "not one this knows"));
	cr_assert_eq(reported(&im.report, "EQ", NULL)->became.n, 0);
	/* Timers, random order, hidden. */
	cr_assert(noted_on(&im.report, "S1", LSS_NOTE_LOST, "timer"));
	cr_assert(noted_on(&im.report, "T1", LSS_NOTE_LOST, "Random order"));
	cr_assert(noted_on(&im.report, "U1", LSS_NOTE_CHANGED, "Hidden"));
	/* The group's description is information at the top of its page. */
	q = question(&d, "page2_intro", SQ_INFO);
	assert_str(q->text, "About **you**.");
	cr_assert_eq(q->page, 1);
	cr_assert_eq(d.pages[1].first, q - d.questions);
	/* Question order is LimeSurvey's. */
	cr_assert(survey_question_index(&d, str_c("L1")) < survey_question_index(&d, str_c("D1")));
	cr_assert(survey_question_index(&d, str_c("DS_2")) < survey_question_index(&d,
	    str_c("X1")));
}

Test(lss_import, report_text_and_json)
{
	struct lss_import im;
	struct survey_def d;
	struct buf b = BUF_INIT;
	json_t *j, *g, *q;
	char *text;

	import_ok(every_type(), &im, &d);
	lss_report_write_text(&im.report, &b);
	cr_assert(buf_cstr(&b) != NULL);
	cr_assert(strstr(b.p, "LimeSurvey survey 4711, \"Test survey\" (structure version 495)"));
	cr_assert(strstr(b.p, "Group 1 \"Choices\" -> page page1"), "%s", b.p);
	cr_assert(strstr(b.p, "  O1 (O, List with comment) -> single O1, long_text O1_comment\n"));
	cr_assert(strstr(b.p, "  UP (|, File upload) -> left out\n"));
	cr_assert(strstr(b.p, "      not carried over: A file upload has no counterpart"));
	buf_free(&b);
	j = lss_report_json(&im.report);
	cr_assert_not_null(j);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "source"),
	    "db_version")), 495);
	cr_assert(json_is_true(json_object_get(j, "imported")));
	g = json_array_get(json_object_get(j, "groups"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(g, "page")), "page1");
	q = json_array_get(json_object_get(g, "questions"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(q, "code")), "O1");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(q,
	    "became"), 1), "key")), "O1_comment");
	text = json_dumps(j, 0);
	cr_assert(strstr(text, "\"kind\": \"not_carried_over\""));
	free(text);
	json_decref(j);
}

/* ---- the layout before 400 ---------------------------------------------------------------- */

Test(lss_import, old_layout_in_the_base_language)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(doc(359, "en de",
	    OLD_GROUPS, "1|About you|1||en|1\n1|Über Sie|1||de|1",
	    OLD_QUESTIONS,
	    "5|0|1|L|Q1|How old are you?|Your age.|N|Y|1|en|0|1\n"
	    "5|0|1|L|Q1|Wie alt sind Sie?|Ihr Alter.|N|Y|1|de|0|1\n"
	    "6|0|1|M|Q2|Which?||N|N|2|de|0|1\n"
	    "7|6|1|T|SQ1|Erste||N|N|1|de|0|1\n"
	    "7|6|1|T|SQ1|First||N|N|1|en|0|1\n"
	    "8|6|1|T|SQ2|Second||N|N|2|en|0|1",
	    OLD_ANSWERS, "5|A1|Young|1|en|0\n5|A1|Jung|1|de|0\n5|A2|Old|2|en|0\n5|A2|Alt|2|de|0",
	    NULL), &im, &d);
	assert_str(d.pages[0].title, "About you");
	q = question(&d, "Q1", SQ_SINGLE);
	assert_str(q->text, "How old are you?");
	assert_str(q->help, "Your age.");
	cr_assert(q->required);
	cr_assert_str_eq(choices(q->options, q->option_n), "A1=Young,A2=Old");
	/* Text only in German: taken, and said. */
	q = question(&d, "Q2", SQ_MULTIPLE);
	assert_str(q->text, "Which?");
	cr_assert_str_eq(choices(q->options, q->option_n), "SQ1=First,SQ2=Second");
	cr_assert(noted_on(&im.report, "Q2", LSS_NOTE_CHANGED, "no text in the base language"));
	cr_assert_eq(im.report.language_n, 1);
	assert_str(im.report.languages[0], "de");
	cr_assert(noted(&im.report, -1, -1, LSS_NOTE_LOST, "other languages (de)"));
}

/* ---- conditions ------------------------------------------------------------------------------ */

static struct str
with_conditions(const char *relevance_q4, const char *group2_relevance)
{
	char questions[2048], groups[128];

	snprintf(groups, sizeof(groups), "1|1||\n2|2|%s|", group2_relevance);
	snprintf(questions, sizeof(questions),
	    "1|0|1|L|Q1|N|N|1|0|1\n"
	    "2|0|1|M|Q2|N|N|2|0|1\n"
	    "3|0|1|N|Q3|N|N|3|0|1\n"
	    "4|0|1|S|Q4|N|N|4|0|%s\n"
	    "5|0|1|5|Q5|N|N|5|0|1\n"
	    "6|0|2|S|Q6|N|N|1|0|1\n"
	    "7|0|2|S|Q7|N|N|2|0|Q6 == \"x\"\n"
	    "10|2|1|T|SQ001|N|N|1|0|1\n"
	    "11|2|1|T|SQ002|N|N|2|0|1",
	    relevance_q4);
	return doc(500, "en",
	    GROUPS, groups,
	    GROUP_L10NS, "1|One||en\n2|Two||en",
	    QUESTIONS, questions,
	    QUESTION_L10NS, "1|Q one||en\n2|Q two||en\n3|Q three||en\n4|Q four||en\n"
	    "5|Q five||en\n6|Q six||en\n7|Q seven||en\n10|a||en\n11|b||en",
	    ANSWERS, "1|1|A1|1|0|0\n2|1|A2|2|0|0\n3|1|3|3|0|0",
	    ANSWER_L10NS, "1|One|en\n2|Two|en\n3|Three|en",
	    NULL);
}

/* Q4's show_if when its relevance is rel, or NULL when not carried over. */
static const char *
q4_condition(const char *rel, struct lss_import *im)
{
	struct survey_def d;
	const struct survey_question *q;

	import_ok(with_conditions(rel, "1"), im, &d);
	q = question(&d, "Q4", SQ_TEXT);
	return q->show_if ? cond_text(&d, q->show_if) : NULL;
}

Test(lss_import, relevance_becomes_show_if)
{
	struct lss_import im;

	cr_assert_str_eq(q4_condition("Q1 == \"A2\"", &im),
	    "{\"equals\":\"A2\",\"question\":\"Q1\"}");
	cr_assert_str_eq(q4_condition("Q1.NAOK != \"A1\"", &im),
	    "{\"not_equals\":\"A1\",\"question\":\"Q1\"}");
	cr_assert_str_eq(q4_condition("Q2_SQ002 == \"Y\"", &im),
	    "{\"includes\":\"SQ002\",\"question\":\"Q2\"}");
	cr_assert_str_eq(q4_condition("Q3 > 5 and Q1 == 'A1'", &im),
	    "{\"all\":[{\"greater_than\":5.0,\"question\":\"Q3\"},"
	    "{\"equals\":\"A1\",\"question\":\"Q1\"}]}");
	cr_assert_str_eq(q4_condition("((Q1 == \"A1\") or (Q1 == \"A2\"))", &im),
	    "{\"any\":[{\"equals\":\"A1\",\"question\":\"Q1\"},"
	    "{\"equals\":\"A2\",\"question\":\"Q1\"}]}");
	cr_assert_str_eq(q4_condition("Q3 >= 5", &im),
	    "{\"any\":[{\"greater_than\":5.0,\"question\":\"Q3\"},"
	    "{\"equals\":5.0,\"question\":\"Q3\"}]}");
	/* A list's numeric codes compared as LimeSurvey does: the options that fit. */
	cr_assert_str_eq(q4_condition("Q1 > 2", &im), "{\"equals\":\"3\",\"question\":\"Q1\"}");
	assert_str(reported(&im.report, "Q4", NULL)->condition, "Q1 > 2");
}

Test(lss_import, relevance_not_carried_over_is_reported_with_the_expression)
{
	struct lss_import im;
	static const struct {
		const char *rel;
		const char *why;
	} cases[] = {
		{ "!is_empty(Q1)", "'!'" },
		{ "Q1 == Q3", "two answers" },
		{ "Q1 == \"A9\"", "no option 'A9'" },
		{ "Q6 == \"x\"", "not a question before this one" },
		{ "Q2_SQ001 != \"Y\"", "only whether an option is chosen" },
		{ "Q4 == \"self\"", "not a question before this one" },
		{ "Q3 == \"lots\"", "a number" },
		{ "Q1 == \"\"", "no answer" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_null(q4_condition(cases[i].rel, &im), "%s", cases[i].rel);
		cr_assert(noted_on(&im.report, "Q4", LSS_NOTE_LOST, cases[i].rel), "%s",
		    cases[i].rel);
		cr_assert(noted_on(&im.report, "Q4", LSS_NOTE_LOST, cases[i].why), "%s: %s",
		    cases[i].rel, cases[i].why);
	}
}

Test(lss_import, rating_ranges_become_whole_number_bounds)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(with_conditions("1", "Q5 >= 4"), &im, &d);
	q = question(&d, "Q6", SQ_TEXT);
	cr_assert_str_eq(cond_text(&d, q->show_if), "{\"greater_than\":3.0,\"question\":\"Q5\"}");
}

Test(lss_import, group_relevance_on_each_question_and_a_rule_to_skip)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(with_conditions("1", "Q1 == \"A1\""), &im, &d);
	q = question(&d, "Q6", SQ_TEXT);
	cr_assert_str_eq(cond_text(&d, q->show_if), "{\"equals\":\"A1\",\"question\":\"Q1\"}");
	q = question(&d, "Q7", SQ_TEXT);
	cr_assert_str_eq(cond_text(&d, q->show_if),
	    "{\"all\":[{\"equals\":\"A1\",\"question\":\"Q1\"},"
	    "{\"equals\":\"x\",\"question\":\"Q6\"}]}");
	/* Page 1 goes to page 2 only when the group's condition holds. */
	cr_assert_str_eq(page_rules(&d, 0), "[{\"go_to\":\"page2\",\"if\":{\"equals\":\"A1\","
	    "\"question\":\"Q1\"}},{\"go_to\":\"end\"}]");
	cr_assert(noted(&im.report, -1, 1, LSS_NOTE_CHANGED, "Shown only when"));
}

Test(lss_import, conditions_rows_with_scenarios)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;

	import_ok(doc(360, "en",
	    OLD_GROUPS, "1|G|1||en|1",
	    OLD_QUESTIONS,
	    "1|0|1|L|Q1|One||N|N|1|en|0|1\n"
	    "2|0|1|M|Q2|Two||N|N|2|en|0|1\n"
	    "3|0|1|S|Q3|Three||N|N|3|en|0|Q1 == \"A1\"\n"
	    "10|2|1|T|SQ1|a||N|N|1|en|0|1\n"
	    "11|2|1|T|SQ2|b||N|N|2|en|0|1",
	    OLD_ANSWERS, "1|A1|One|1|en|0\n1|A2|Two|2|en|0",
	    CONDITIONS,
	    "1|3|1|4711X1X1|==|A1|1\n"
	    "2|3|1|4711X1X1|==|A2|1\n"
	    "3|3|2|+4711X1X2|==|SQ2|1\n"
	    "4|3|2|4711X1X2SQ1|==|Y|2",
	    NULL), &im, &d);
	q = question(&d, "Q3", SQ_TEXT);
	/* (Q1 is A1 or A2) and SQ2 chosen; or SQ1 chosen. */
	cr_assert_str_eq(cond_text(&d, q->show_if),
	    "{\"any\":[{\"all\":[{\"any\":[{\"equals\":\"A1\",\"question\":\"Q1\"},"
	    "{\"equals\":\"A2\",\"question\":\"Q1\"}]},{\"includes\":\"SQ2\",\"question\":\"Q2\"}]},"
	    "{\"includes\":\"SQ1\",\"question\":\"Q2\"}]}");
}

/* ---- texts and keys -------------------------------------------------------------------------- */

Test(lss_import, nothing_in_a_text_can_run)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;
	int i;

	import_ok(doc(450, "en",
	    GROUPS, "1|1||",
	    GROUP_L10NS, "1|<script>alert(1)</script>Group|<iframe src=x></iframe>|en",
	    QUESTIONS, "1|0|1|S|Q1|N|N|1|0|1\n2|0|1|L|Q2|N|N|2|0|1",
	    QUESTION_L10NS,
	    "1|<p onclick=\"x()\" style=\"color:red\">Hello <a href=\"javascript:alert(1)\">you</a>"
	    "</p><script>document.cookie</script>|<img src=x onerror=alert(1)>Help|en\n"
	    "2|Pick {TOKEN:FIRSTNAME}||en",
	    ANSWERS, "1|2|A|1|0|0\n2|2|B|2|0|0",
	    ANSWER_L10NS, "1|<b>Bold</b> &lt;script&gt;|en\n2|<span style=\"x\">Plain</span>|en",
	    NULL), &im, &d);
	q = question(&d, "Q1", SQ_TEXT);
	assert_str(q->text, "Hello you");
	assert_str(q->help, "Help");
	cr_assert(noted_on(&im.report, "Q1", LSS_NOTE_LOST, "a script"));
	cr_assert(noted_on(&im.report, "Q1", LSS_NOTE_LOST, "event handlers"));
	cr_assert(noted_on(&im.report, "Q1", LSS_NOTE_LOST, "not http or https"));
	cr_assert(noted_on(&im.report, "Q1", LSS_NOTE_LOST, "images"));
	q = question(&d, "Q2", SQ_SINGLE);
	assert_str(q->text, "Pick");
	cr_assert(noted_on(&im.report, "Q2", LSS_NOTE_LOST, "{TOKEN:FIRSTNAME}"));
	cr_assert_str_eq(choices(q->options, q->option_n), "A=**Bold** \\<script>,B=Plain");
	assert_str(d.pages[0].title, "Group");
	cr_assert_eq(survey_question_index(&d, str_c("page1_intro")), -1, "nothing left of it");
	for (i = 0; i < d.question_n; i++)
		cr_assert_null(memmem(d.questions[i].text.p, d.questions[i].text.n, "<s", 2));
}

Test(lss_import, long_texts_are_cut_and_the_question_kept_whole_in_its_help)
{
	struct lss_import im;
	struct survey_def d;
	const struct survey_question *q;
	char words[6000], l10n[7000];
	size_t n = 0;

	while (n < 1500)
		n += (size_t)snprintf(words + n, sizeof(words) - n, "word%zu ", n);
	snprintf(l10n, sizeof(l10n), "1|%s||en", words);
	import_ok(doc(450, "en",
	    GROUPS, "1|1||",
	    GROUP_L10NS, "1|G||en",
	    QUESTIONS, "1|0|1|S|Q1|N|N|1|0|1",
	    QUESTION_L10NS, l10n,
	    NULL), &im, &d);
	q = question(&d, "Q1", SQ_TEXT);
	cr_assert(q->text.n <= SURVEY_TEXT_MAX_CHARS + 3);
	cr_assert(memcmp(q->text.p + q->text.n - 3, "\xE2\x80\xA6", 3) == 0, "ends with an "
	    "ellipsis");
	cr_assert(q->help.n > q->text.n, "the whole is in the help");
	cr_assert(noted_on(&im.report, "Q1", LSS_NOTE_CHANGED, "cut"));
}

Test(lss_import, codes_become_valid_unique_keys)
{
	struct lss_import im;
	struct survey_def d;

	import_ok(doc(450, "en",
	    GROUPS, "1|1||",
	    GROUP_L10NS, "1|G||en",
	    QUESTIONS,
	    "1|0|1|S|1abc|N|N|1|0|1\n2|0|1|S|Q1|N|N|2|0|1\n3|0|1|S|q1|N|N|3|0|1\n"
	    "4|0|1|S|a-b|N|N|4|0|1\n5|0|1|S||N|N|5|0|1\n"
	    "6|0|1|K|AVeryLongQuestionCodeThatGoesOnAndOnX|N|N|6|0|1\n"
	    "60|6|1|T|SQ001LongerThanItShouldBe|N|N|1|0|1\n"
	    "61|6|1|T|SQ001LongerThanItShouldBf|N|N|2|0|1",
	    QUESTION_L10NS, "1|a||en\n2|b||en\n3|c||en\n4|d||en\n5|e||en\n6|f||en\n60|g||en\n61|h||en",
	    NULL), &im, &d);
	question(&d, "q1abc", SQ_TEXT);
	question(&d, "Q1", SQ_TEXT);
	question(&d, "q1_2", SQ_TEXT);
	question(&d, "a_b", SQ_TEXT);
	question(&d, "q", SQ_TEXT);
	cr_assert(noted_on(&im.report, "1abc", LSS_NOTE_CHANGED, "became the key 'q1abc'"));
	cr_assert(noted_on(&im.report, "q1", LSS_NOTE_CHANGED, "became the key 'q1_2'"));
	cr_assert_eq(d.question_n, 7);
	cr_assert(d.questions[5].key.n == SURVEY_KEY_MAX && d.questions[6].key.n == SURVEY_KEY_MAX);
	cr_assert(!str_eq(d.questions[5].key, d.questions[6].key));
}

/* A note quotes the start of what the file held, cut where a character
 * ends: the report is shown as a page and as JSON, which hold only UTF-8. */
Test(lss_import, a_note_quotes_a_long_code_in_another_script_whole_characters_only)
{
	struct lss_import im;
	struct survey_def d;
	char code[80];
	int i;

	/* "x" and thirty "ą": 61 bytes, quoted up to 60, inside the last one. */
	strcpy(code, "x");
	for (i = 0; i < 30; i++)
		strcat(code, "\xc4\x85");
	import_ok(doc(450, "en",
	    GROUPS, "1|1||",
	    GROUP_L10NS, "1|G||en",
	    QUESTIONS, arena_printf(&arena, "1|0|1|S|%s|N|N|1|0|1", code),
	    QUESTION_L10NS, "1|a||en",
	    NULL), &im, &d);
	cr_assert(noted(&im.report, 0, -1, LSS_NOTE_CHANGED, "became the key"));
	for (i = 0; i < im.report.note_n; i++)
		cr_assert(text_is_utf8(im.report.notes[i].detail), "note %d: %.*s", i,
		    (int)im.report.notes[i].detail.n, im.report.notes[i].detail.p);
	cr_assert(noted(&im.report, 0, -1, LSS_NOTE_CHANGED,
	    arena_printf(&arena, "'%.59s' became", code)));
}

/* ---- bounds ---------------------------------------------------------------------------------- */

/* A survey of `groups` groups, `per_group` short text questions each. */
static struct str
many(int groups, int per_group)
{
	struct buf g = BUF_INIT, gl = BUF_INIT, q = BUF_INIT, ql = BUF_INIT;
	struct str out;
	int i, k, id = 1;

	for (i = 1; i <= groups; i++) {
		buf_printf(&g, "%s%d|%d||", i > 1 ? "\n" : "", i, i);
		buf_printf(&gl, "%s%d|Group %d||en", i > 1 ? "\n" : "", i, i);
		for (k = 1; k <= per_group; k++, id++) {
			buf_printf(&q, "%s%d|0|%d|S|Q%d|N|N|%d|0|1", id > 1 ? "\n" : "", id, i, id, k);
			buf_printf(&ql, "%s%d|Question %d||en", id > 1 ? "\n" : "", id, id);
		}
	}
	out = doc(500, "en", GROUPS, buf_cstr(&g), GROUP_L10NS, buf_cstr(&gl), QUESTIONS,
	    buf_cstr(&q), QUESTION_L10NS, buf_cstr(&ql), NULL);
	buf_free(&g);
	buf_free(&gl);
	buf_free(&q);
	buf_free(&ql);
	return out;
}

Test(lss_import, thousands_of_questions_are_bounded_and_reported)
{
	struct lss_import im;
	struct survey_def d;

	import_ok(many(40, 100), &im, &d);
	cr_assert_eq(d.question_n, SURVEY_QUESTIONS_MAX);
	cr_assert_eq(d.page_n, 5);
	cr_assert_eq(im.report.question_n, 4000);
	cr_assert(noted(&im.report, -1, -1, LSS_NOTE_LOST, "3500 questions from 'Q501' on were "
	    "left out"));
	cr_assert_eq(reported(&im.report, "Q501", NULL)->became.n, 0);
	assert_str(reported(&im.report, "Q500", NULL)->became, "text Q500");
}

Test(lss_import, more_groups_than_pages_are_bounded)
{
	struct lss_import im;
	struct survey_def d;

	import_ok(many(120, 1), &im, &d);
	cr_assert_eq(d.page_n, SURVEY_PAGES_MAX);
	cr_assert(noted(&im.report, -1, -1, LSS_NOTE_LOST, "20 questions from 'Q101' on"));
}

/* ---- refused --------------------------------------------------------------------------------- */

Test(lss_refused, not_xml)
{
	struct lss_import im;

	import_refused(str_c(""), ERR_INVALID, "empty", &im);
	import_refused(str_c("question,answer\nQ1,Yes\n"), ERR_INVALID, "not XML", &im);
	import_refused(str_c("{\"pages\": []}"), ERR_INVALID, "not XML", &im);
	import_refused((struct str){ "<a>\0</a>", 8 }, ERR_INVALID, "NUL", &im);
	import_refused(str_c("\xFF\xFE<\0d\0"), ERR_INVALID, "UTF-16", &im);
	import_refused(str_c("<document><DBVersion>500</DBVersion>"), ERR_INVALID,
	    "not well-formed XML", &im);
}

Test(lss_refused, xml_that_is_not_a_limesurvey_survey)
{
	struct lss_import im;

	import_refused(str_c("<?xml version=\"1.0\"?><html><body>hi</body></html>"), ERR_INVALID,
	    "does not start with <document>", &im);
	import_refused(str_c("<document><title>x</title></document>"), ERR_INVALID,
	    "no LimeSurveyDocType", &im);
	import_refused(str_c("<document><LimeSurveyDocType>Group</LimeSurveyDocType>"
	    "<DBVersion>500</DBVersion></document>"), ERR_INVALID, "'Group' file", &im);
	import_refused(str_c("<document><LimeSurveyDocType>Survey</LimeSurveyDocType>"
	    "<DBVersion>new</DBVersion></document>"), ERR_INVALID, "not a version number", &im);
	import_refused(str_c("<document><LimeSurveyDocType>Survey</LimeSurveyDocType>"
	    "<DBVersion>500</DBVersion></document>"), ERR_INVALID, "no questions table", &im);
	cr_assert_eq(im.report.db_version, 500);
}

Test(lss_refused, old_versions_say_which)
{
	struct lss_import im;

	import_refused(doc(349, "en", OLD_GROUPS, "1|G|1||en|1", NULL), ERR_INVALID,
	    "structure version 349", &im);
	cr_assert_eq(im.report.db_version, 349);
	import_refused(doc(155, "en", NULL), ERR_INVALID, "version 155; only 350", &im);
}

Test(lss_refused, structure_not_understood)
{
	struct lss_import im;

	import_refused(doc(700, "en", "questions", "qid|parent_qid|gid|type|title", "1|0|1|S|Q1",
	    NULL), ERR_INVALID, "version 700 is not understood", &im);
}

Test(lss_refused, truncated)
{
	struct lss_import im;
	struct str whole = read_shared("limesurvey_survey_allinoneCondition.lss");
	size_t cut;

	for (cut = 100; cut < whole.n; cut += whole.n / 7)
		import_refused((struct str){ whole.p, cut }, ERR_INVALID, "cut short", &im);
}

Test(lss_refused, billion_laughs)
{
	struct lss_import im;
	static const char laughs[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE document [\n"
	    " <!ENTITY a \"lol\">\n"
	    " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	    " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	    " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	    " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	    " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	    " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
	    " <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
	    "]>\n"
	    "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>500</DBVersion>"
	    "<surveys_languagesettings><fields><fieldname>surveyls_title</fieldname></fields>"
	    "<rows><row><surveyls_title>&i;</surveyls_title></row></rows>"
	    "</surveys_languagesettings></document>\n";

	import_refused(str_c(laughs), ERR_INVALID, "document type", &im);
}

Test(lss_refused, external_entity)
{
	struct lss_import im;
	static const char xxe[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE document [ <!ENTITY secret SYSTEM \"file:///etc/passwd\"> ]>\n"
	    "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>500</DBVersion>"
	    "<title>&secret;</title></document>\n";
	static const char dtd[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE document SYSTEM \"http://example.invalid/lss.dtd\">\n"
	    "<document><LimeSurveyDocType>Survey</LimeSurveyDocType></document>\n";
	static const char undeclared[] =
	    "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>500</DBVersion>"
	    "<x>&secret;</x></document>\n";

	import_refused(str_c(xxe), ERR_INVALID, "document type", &im);
	import_refused(str_c(dtd), ERR_INVALID, "document type", &im);
	import_refused(str_c(undeclared), ERR_INVALID, "not well-formed", &im);
}

Test(lss_refused, too_large)
{
	struct lss_import im;
	char *big = malloc(LSS_FILE_MAX_BYTES + 1);

	cr_assert_not_null(big);
	memset(big, ' ', LSS_FILE_MAX_BYTES + 1);
	memcpy(big, "<document>", 10);
	import_refused((struct str){ big, LSS_FILE_MAX_BYTES + 1 }, ERR_TOO_LARGE, "8 MiB", &im);
	free(big);
}

Test(lss_refused, nothing_to_carry_over)
{
	struct lss_import im;

	import_refused(doc(450, "en",
	    GROUPS, "1|1||",
	    GROUP_L10NS, "1|G||en",
	    QUESTIONS, "1|0|1|*|EQ|N|N|1|0|1\n2|0|1|" BAR "|UP|N|N|2|0|1",
	    QUESTION_L10NS, "1|{1+1}||en\n2|File||en",
	    NULL), ERR_INVALID, "Nothing in the survey could be carried over", &im);
	cr_assert_eq(im.report.question_n, 2);
	cr_assert(noted_on(&im.report, "UP", LSS_NOTE_LOST, "file upload"));
	import_refused(doc(450, "en", QUESTIONS, "", QUESTION_L10NS, "", NULL), ERR_INVALID,
	    "it has no questions", &im);
}
