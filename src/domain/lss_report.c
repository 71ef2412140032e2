/*
 * lss_report.c - the report of a LimeSurvey import, for a person and for
 * the API (lss_import.h).
 *
 * Both are written from the same struct lss_report, group by group: each
 * group's page, each question of it with its code, its LimeSurvey type
 * and what it became, and under each the notes on it; then the notes on
 * the survey as a whole.  Questions are in their groups' order, so one
 * pass through them serves every group.
 */
#include <stdio.h>
#include <string.h>

#include "involve/lss_import.h"

static const char *
kind_name(enum lss_note_kind k)
{
	return k == LSS_NOTE_LOST ? "not_carried_over" : "changed";
}

static const char *
kind_words(enum lss_note_kind k)
{
	return k == LSS_NOTE_LOST ? "not carried over" : "changed";
}

/* ---- text -------------------------------------------------------------------------------- */

static void
text_notes(const struct lss_report *r, int question, int page, const char *indent,
    struct buf *b)
{
	int i;

	for (i = 0; i < r->note_n; i++) {
		const struct lss_note *n = &r->notes[i];

		if (n->question == question && (question >= 0 || n->page == page))
			buf_printf(b, "%s%s: %.*s\n", indent, kind_words(n->kind),
			    (int)n->detail.n, n->detail.p);
	}
}

void
lss_report_write_text(const struct lss_report *r, struct buf *b)
{
	int g, q = 0, made = 0;

	buf_printf(b, "LimeSurvey survey%s%.*s, \"%.*s\" (structure version %d), base language "
	    "%.*s", r->survey_id.n ? " " : "", (int)r->survey_id.n, r->survey_id.p,
	    (int)r->title.n, r->title.p, r->db_version, (int)r->language.n, r->language.p);
	if (r->language_n > 0) {
		buf_add_c(b, "; also in ");
		for (g = 0; g < r->language_n; g++)
			buf_printf(b, "%s%.*s", g ? ", " : "", (int)r->languages[g].n,
			    r->languages[g].p);
		buf_add_c(b, " (not imported)");
	}
	buf_add_c(b, ".\n");
	for (g = 0; g < r->question_n; g++)
		made += r->questions[g].became.n > 0;
	buf_printf(b, "%d group%s, %d question%s: %d carried over, as %d involve question%s.\n",
	    r->page_n, r->page_n == 1 ? "" : "s", r->question_n, r->question_n == 1 ? "" : "s",
	    made, r->questions_made, r->questions_made == 1 ? "" : "s");
	for (g = 0; g < r->page_n; g++) {
		const struct lss_report_page *p = &r->pages[g];

		buf_printf(b, "\nGroup %lld \"%.*s\" ", (long long)p->group_id, (int)p->name.n,
		    p->name.p);
		if (p->key.n > 0)
			buf_printf(b, "-> page %.*s\n", (int)p->key.n, p->key.p);
		else
			buf_add_c(b, "-> no page\n");
		text_notes(r, -1, g, "    ", b);
		for (; q < r->question_n && r->questions[q].page == g; q++) {
			const struct lss_report_question *rq = &r->questions[q];

			buf_printf(b, "  %.*s (%c, %s) -> ", (int)rq->code.n, rq->code.p, rq->type,
			    lss_type_name(rq->type)[0] ? lss_type_name(rq->type) : "unknown type");
			if (rq->became.n > 0)
				buf_printf(b, "%.*s\n", (int)rq->became.n, rq->became.p);
			else
				buf_add_c(b, "left out\n");
			if (rq->condition.n > 0 && rq->became.n > 0)
				buf_printf(b, "      shown when: %.*s\n", (int)rq->condition.n,
				    rq->condition.p);
			text_notes(r, q, -1, "      ", b);
		}
	}
	for (g = 0; g < r->note_n; g++)
		if (r->notes[g].question < 0 && r->notes[g].page < 0)
			break;
	if (g < r->note_n) {
		buf_add_c(b, "\nThe survey\n");
		text_notes(r, -1, -1, "    ", b);
	}
	if (r->notes_dropped > 0)
		buf_printf(b, "\n%d more note%s not listed.\n", r->notes_dropped,
		    r->notes_dropped == 1 ? "" : "s");
}

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *
jstr(struct str s)
{
	json_t *v = json_stringn(s.p ? s.p : "", s.n);

	return v != NULL ? v : json_string("");
}

static json_t *
json_notes(const struct lss_report *r, int question, int page)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < r->note_n; i++) {
		const struct lss_note *n = &r->notes[i];

		if (n->question == question && (question >= 0 || n->page == page))
			json_array_append_new(list, json_pack("{s:s, s:o}", "kind",
			    kind_name(n->kind), "detail", jstr(n->detail)));
	}
	return list;
}

/* "single Q1, long_text Q1_comment" as [{"type", "key"}, ...]. */
static json_t *
json_became(struct str s)
{
	json_t *list = json_array();
	size_t i = 0;

	while (i < s.n) {
		size_t from = i, space;

		while (i < s.n && s.p[i] != ',')
			i++;
		for (space = from; space < i && s.p[space] != ' '; space++)
			;
		if (space < i)
			json_array_append_new(list, json_pack("{s:o, s:o}", "type",
			    jstr((struct str){ s.p + from, space - from }), "key",
			    jstr((struct str){ s.p + space + 1, i - space - 1 })));
		i += 2; /* ", " */
	}
	return list;
}

json_t *
lss_report_json(const struct lss_report *r)
{
	json_t *o, *groups, *langs;
	char id[24];
	int g, q = 0;

	langs = json_array();
	for (g = 0; g < r->language_n; g++)
		json_array_append_new(langs, jstr(r->languages[g]));
	o = json_pack("{s:{s:s, s:i, s:o, s:o, s:o}, s:o, s:b, s:i}",
	    "source", "format", "lss", "db_version", r->db_version, "survey_id", jstr(r->survey_id),
	    "language", jstr(r->language), "other_languages", langs,
	    "title", jstr(r->title), "imported", r->imported, "questions_made", r->questions_made);
	if (o == NULL)
		return NULL;
	groups = json_array();
	for (g = 0; g < r->page_n; g++) {
		const struct lss_report_page *p = &r->pages[g];
		json_t *jg, *qs = json_array();

		for (; q < r->question_n && r->questions[q].page == g; q++) {
			const struct lss_report_question *rq = &r->questions[q];
			char type[2] = { rq->type, '\0' };

			json_array_append_new(qs, json_pack("{s:o, s:s, s:s, s:o, s:o, s:o}", "code",
			    jstr(rq->code), "type", type, "type_name", lss_type_name(rq->type),
			    "became", json_became(rq->became), "condition",
			    rq->condition.n > 0 && rq->became.n > 0 ? jstr(rq->condition) : json_null(),
			    "notes", json_notes(r, q, -1)));
		}
		snprintf(id, sizeof(id), "%lld", (long long)p->group_id);
		jg = json_pack("{s:s, s:o, s:o, s:o, s:o}", "group_id", id, "name", jstr(p->name),
		    "page", p->key.n > 0 ? jstr(p->key) : json_null(), "notes",
		    json_notes(r, -1, g), "questions", qs);
		json_array_append_new(groups, jg);
	}
	json_object_set_new(o, "groups", groups);
	json_object_set_new(o, "notes", json_notes(r, -1, -1));
	json_object_set_new(o, "notes_dropped", json_integer(r->notes_dropped));
	return o;
}
