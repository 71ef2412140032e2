/*
 * lss_source.h - a LimeSurvey survey as rows in its base language: the
 * survey's settings, groups, questions and subquestions, answer options,
 * question attributes and conditions, whichever layout the file has (the
 * texts in the rows themselves before DBVersion 400, in the *_l10ns
 * tables after).  Used by lss_import.c alone, so it stays in this folder.
 *
 * Each row is the one in the base language when the file has it, else
 * another language's (the row says so: lang_missing), so a file missing a
 * language still reads.  Rows are sorted for lookups by id; their text
 * is in the arena.
 */
#ifndef INVOLVE_LSS_SOURCE_H
#define INVOLVE_LSS_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "lss_file.h"

struct lss_question {
	int64_t qid, parent, gid;
	char type;                /* type letter; a subquestion's is its parent's */
	struct str code;          /* title */
	bool other;               /* other = "Y" */
	char mandatory;           /* 'Y', 'N', 'S' (soft) */
	int64_t order;
	int64_t group_order;      /* its group's order (top-level questions) */
	int64_t scale;
	struct str relevance;
	struct str text, help;    /* HTML */
	bool lang_missing;        /* no text in the base language (another's, or none) */
};

struct lss_group {
	int64_t gid;
	int64_t order;
	struct str name, description, relevance, random_group;
	bool lang_missing;
};

struct lss_answer {
	int64_t aid, qid, scale, order;
	struct str code, text;    /* text: HTML */
	bool assessed;            /* an assessment value other than 0 */
};

struct lss_attribute {
	int64_t qid;
	struct str name, value, language;
};

struct lss_condition {
	int64_t cid, qid, cqid, scenario;
	struct str field, method, value;
};

struct lss_qref {
	int64_t qid;
	int index;                     /* in lss_source.questions */
};

struct lss_source {
	int db_version;
	struct str sid, base;          /* the survey's id and base language */
	int language_n;                /* additional languages */
	struct str *languages;
	struct str title, description, welcome, end; /* HTML, base language */
	struct str assessments, format, template_name, start, expires, tokens;
	int quota_n;                   /* rows of the quota table */
	int assessment_n;              /* rows of the assessments table */
	int group_n;                   /* groups, by (order, gid) */
	struct lss_group *groups;
	int question_n;                /* top-level questions, by (group's order, order, qid) */
	struct lss_question *questions;
	struct lss_qref *by_qid;       /* questions, by qid */
	int sub_n;                     /* subquestions, by (parent, scale, order, qid) */
	struct lss_question *subs;
	int answer_n;                  /* by (qid, scale, order, code) */
	struct lss_answer *answers;
	int attribute_n;               /* by (qid, language's fit) */
	struct lss_attribute *attributes;
	int condition_n;               /* by (qid, scenario, field, cid) */
	struct lss_condition *conditions;
	int orphan_n;                  /* questions in no group (left out) */
};

/*
 * Reads f's tables into *s (in a).  0; ERR_INVALID with the reason under
 * "file" in e when the structure is not one this reads (no questions
 * table, or question texts in neither layout: the DBVersion is named);
 * ERR_NOMEM.
 */
int lss_source_read(const struct lss_file *f, struct arena *a, struct lss_source *s,
    struct errors *e);

/* The subquestions of qid on scale (a range of s->subs: *first, count
 * returned). */
int lss_source_subs(const struct lss_source *s, int64_t qid, int64_t scale, int *first);
/* The answer options of qid on scale (a range of s->answers). */
int lss_source_answers(const struct lss_source *s, int64_t qid, int64_t scale, int *first);
/* A question's attribute, in the base language when it has one; "" when
 * absent. */
struct str lss_source_attribute(const struct lss_source *s, int64_t qid, const char *name);
/* A question's conditions (a range of s->conditions). */
int lss_source_conditions(const struct lss_source *s, int64_t qid, int *first);
/* The top-level question with this qid, or NULL. */
const struct lss_question *lss_source_question(const struct lss_source *s, int64_t qid);

#endif
