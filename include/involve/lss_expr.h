/*
 * lss_expr.h - the part of LimeSurvey's ExpressionScript that says when a
 * question or a group is shown: comparisons of an answer with a value,
 * joined by "and" and "or".
 *
 * A relevance expression such as
 *     ((Q1.NAOK == "A2" or Q1.NAOK == "A3") and Q2 != "Y")
 * is read into a tree of comparisons.  Only what involve's conditions can
 * say is read: a variable (a question's code, with LimeSurvey's suffixes
 * for subquestions and comments, and ".NAOK", ".value" or ".code" after
 * it), one of == != < <= > >= (or eq ne lt le gt ge), and a quoted
 * string or a number, either way round; "and", "&&", "or", "||" and
 * parentheses; "1" or "true" alone (always shown).  Anything else (a
 * function such as is_empty(), "!", arithmetic, two variables compared,
 * a regular expression) is refused with what was found, so the importer
 * can report the expression and keep the question without it.  Which
 * question a variable names, and whether the comparison fits it, is the
 * importer's business (lss_import.c).
 */
#ifndef INVOLVE_LSS_EXPR_H
#define INVOLVE_LSS_EXPR_H

#include <stdbool.h>

#include "involve/arena.h"
#include "involve/str.h"

struct i18n_lang;

#define LSS_EXPR_MAX_BYTES 4000 /* a longer expression is refused unread */
#define LSS_EXPR_DEPTH_MAX 16   /* parentheses and and/or, nested */
#define LSS_EXPR_TERMS_MAX 64   /* comparisons in one expression */
#define LSS_EXPR_WHY_MAX 400    /* a reason; room for a translation's longer script */

enum lss_expr_kind {
	LSS_EXPR_TRUE, /* always: "1", "true", or nothing */
	LSS_EXPR_AND,
	LSS_EXPR_OR,
	LSS_EXPR_CMP,
};

enum lss_cmp {
	LSS_EQ,
	LSS_NE,
	LSS_LT,
	LSS_LE,
	LSS_GT,
	LSS_GE,
};

struct lss_expr {
	enum lss_expr_kind kind;
	int term_n;               /* and, or: two or more terms */
	struct lss_expr *terms;
	struct str name;          /* cmp: the variable, without ".NAOK" and the like */
	enum lss_cmp op;          /* cmp: variable OP value (turned round when written
	                           * the other way) */
	struct str value;         /* cmp: the string's text, or the number as written */
	bool is_number;
};

/*
 * Reads text (braces around the whole are allowed, as LimeSurvey writes
 * them in conditions it made itself) into *out (in a).  0; ERR_INVALID
 * with a phrase in why ("the function is_empty()", "'!'") saying what
 * cannot be read, in lang (NULL: English); ERR_NOMEM.
 */
int lss_expr_parse(struct str text, struct arena *a, struct lss_expr **out,
    char why[LSS_EXPR_WHY_MAX], const struct i18n_lang *lang);

/* "==", "!=", "<", ... */
const char *lss_cmp_name(enum lss_cmp op);

#endif
