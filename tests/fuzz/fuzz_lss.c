/*
 * fuzz_lss.c - the LimeSurvey importer (lss_import.h, lss_html.h,
 * lss_expr.h) on hostile files, texts and expressions.
 *
 * Input: one byte, then the rest.  The byte's lowest two bits choose:
 *   0, 3  the rest is a survey structure file, imported;
 *   1     the rest is a question's HTML, made Markdown (the byte's bit 2
 *         asks for one line);
 *   2     the rest is a relevance expression, read.
 *
 * What must hold:
 * - an import gives 0, ERR_INVALID or ERR_TOO_LARGE; refused, it says why
 *   under "file" (or the definition's own field); imported, the definition
 *   reads back with survey_def_parse, with as many questions as the report
 *   says, a title survey_title_check takes, and both reports written (the
 *   JSON one valid, every string in it UTF-8);
 * - Markdown is UTF-8 with no control character but line feeds (none on
 *   one line), no '<' that could open a tag unless escaped, and every link
 *   it makes ("](" with the bracket not escaped) goes to an http or https
 *   address; no "]:" that could define one;
 * - an expression is read or refused with a reason; read, its comparisons
 *   name something and number at most LSS_EXPR_TERMS_MAX.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "involve/lss_expr.h"
#include "involve/lss_html.h"
#include "involve/lss_import.h"
#include "involve/text.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Whether the escape run before s[at] (backslashes) is odd: s[at] escaped. */
static bool
escaped(struct str s, size_t at)
{
	size_t run = 0;

	while (at > 0 && s.p[at - 1] == '\\') {
		run++;
		at--;
	}
	return run % 2 == 1;
}

static void
check_markdown(struct str s, bool one_line)
{
	size_t i, at, len;
	unsigned cp;

	FUZZ_CHECK(text_is_utf8(s), "Markdown is not UTF-8");
	for (at = 0; (len = text_decode(s, at, &cp)) > 0; at += len)
		FUZZ_CHECK(!text_is_control(cp) || (cp == '\n' && !one_line),
		    "control character U+%04X at %zu", cp, at);
	for (i = 0; i < s.n; i++) {
		if (s.p[i] == '<' && i + 1 < s.n && !escaped(s, i)) {
			char c = s.p[i + 1];

			FUZZ_CHECK(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
			    c == '!' || c == '?'), "a '<' that opens a tag at %zu: %.*s", i,
			    (int)s.n, s.p);
		}
		if (s.p[i] == ']' && i + 1 < s.n && !escaped(s, i)) {
			FUZZ_CHECK(s.p[i + 1] != ':', "a link definition at %zu: %.*s", i, (int)s.n, s.p);
			if (s.p[i + 1] == '(')
				FUZZ_CHECK(strncasecmp(s.p + i + 2, "http://", 7) == 0 ||
				    strncasecmp(s.p + i + 2, "https://", 8) == 0,
				    "a link to another address at %zu: %.*s", i, (int)s.n, s.p);
		}
	}
}

static void
check_strings(const json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_string(v)) {
		FUZZ_CHECK(text_is_utf8((struct str){ json_string_value(v), json_string_length(v) }),
		    "a report string is not UTF-8");
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x)
			check_strings(x);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			check_strings(x);
	}
}

static void
fuzz_import(struct str file)
{
	struct arena a;
	struct lss_import im;
	struct survey_def d;
	struct errors e, te;
	struct buf text = BUF_INIT;
	json_t *j;
	char *dump;
	int rc;

	arena_init(&a, NULL, 0);
	errors_init(&e);
	rc = lss_import(file, &a, &im, &e);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID || rc == ERR_TOO_LARGE, "lss_import gave %d", rc);
	if (rc != 0) {
		FUZZ_CHECK(e.n > 0 && e.list[0].detail[0] != '\0', "refused without a reason");
		FUZZ_CHECK(!im.report.imported, "refused, yet imported");
	} else {
		FUZZ_CHECK(im.report.imported, "imported, yet not said");
		errors_init(&e);
		FUZZ_CHECK(survey_def_parse(im.pages, &a, &d, &e) == 0, "the definition does not read "
		    "back: %s: %s", e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
		FUZZ_CHECK(d.question_n == im.report.questions_made, "%d questions, %d reported",
		    d.question_n, im.report.questions_made);
		FUZZ_CHECK(im.pages.n <= SURVEY_DEF_MAX_BYTES, "a definition of %zu bytes", im.pages.n);
		errors_init(&te);
		FUZZ_CHECK(survey_title_check(im.title, &te) == 0, "the title is refused");
	}
	lss_report_write_text(&im.report, &text);
	FUZZ_CHECK(buf_ok(&text), "the text report failed");
	FUZZ_CHECK(text.n == 0 || text_is_utf8((struct str){ text.p, text.n }), "the text report is "
	    "not UTF-8");
	j = lss_report_json(&im.report);
	FUZZ_CHECK(j != NULL, "no JSON report");
	check_strings(j);
	dump = json_dumps(j, JSON_COMPACT);
	FUZZ_CHECK(dump != NULL, "the JSON report cannot be written");
	free(dump);
	json_decref(j);
	buf_free(&text);
	arena_free(&a);
}

static void
fuzz_html(struct str html, bool one_line)
{
	struct arena a;
	struct lss_html_info info = { 0 };
	struct buf removed = BUF_INIT;
	struct str out;
	int i;

	/* The importer hands over text from libxml2, always UTF-8. */
	html.n = text_utf8_prefix(html);
	arena_init(&a, NULL, 0);
	FUZZ_CHECK(lss_html_to_markdown(html, one_line ? LSS_HTML_ONE_LINE : 0, &a, &out, &info) == 0,
	    "lss_html_to_markdown failed");
	check_markdown(out, one_line);
	FUZZ_CHECK(info.expr_n >= 0 && info.tag_n <= LSS_HTML_TAGS_MAX, "info out of bounds");
	for (i = 0; i < info.expr_n && i < LSS_HTML_EXPRS_MAX; i++)
		FUZZ_CHECK(text_is_utf8(info.exprs[i]), "an expression quoted is not UTF-8");
	lss_html_removed_text(&info, NULL, &removed);
	FUZZ_CHECK(buf_ok(&removed), "the removed text failed");
	buf_free(&removed);
	arena_free(&a);
}

static int
count_terms(const struct lss_expr *x)
{
	int i, n = 0;

	switch (x->kind) {
	case LSS_EXPR_TRUE:
		return 0;
	case LSS_EXPR_CMP:
		FUZZ_CHECK(x->name.n > 0, "a comparison names nothing");
		FUZZ_CHECK((unsigned)x->op <= LSS_GE, "an unknown comparison");
		return 1;
	default:
		FUZZ_CHECK(x->term_n >= 2, "an and/or of %d terms", x->term_n);
		for (i = 0; i < x->term_n; i++)
			n += count_terms(&x->terms[i]);
		return n;
	}
}

static void
fuzz_expr(struct str text)
{
	struct arena a;
	struct lss_expr *x;
	char why[LSS_EXPR_WHY_MAX];
	int rc;

	arena_init(&a, NULL, 0);
	rc = lss_expr_parse(text, &a, &x, why, NULL);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID, "lss_expr_parse gave %d", rc);
	if (rc == 0)
		FUZZ_CHECK(count_terms(x) <= LSS_EXPR_TERMS_MAX, "too many comparisons");
	else
		FUZZ_CHECK(why[0] != '\0' && x == NULL, "refused without a reason");
	arena_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str rest;

	if (size == 0)
		return 0;
	rest = (struct str){ (const char *)data + 1, size - 1 };
	switch (data[0] & 3) {
	case 1:
		fuzz_html(rest, (data[0] & 4) != 0);
		break;
	case 2:
		fuzz_expr(rest);
		break;
	default:
		fuzz_import(rest);
		break;
	}
	return 0;
}
