/*
 * lss_expr.c - reading LimeSurvey relevance expressions (lss_expr.h).
 *
 * A tokenizer and a recursive descent over or > and > (parenthesised |
 * comparison), bounded in length, depth and terms.  Terms of an "and"
 * inside an "and" (and of an "or" inside an "or") are merged, and "1"
 * beside others dropped, so the tree is as flat as what it says.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "involve/error.h"
#include "involve/i18n.h"
#include "involve/lss_expr.h"
#include "involve/text.h"

enum tok {
	T_END,
	T_NAME,
	T_STRING,
	T_NUMBER,
	T_CMP,
	T_AND,
	T_OR,
	T_OPEN,
	T_CLOSE,
	T_BAD,
};

struct parser {
	struct str s;
	size_t at;
	struct arena *a;
	char *why;
	const struct i18n_lang *lang; /* why's language */
	int terms;
	bool nomem;
	/* the token just read */
	enum tok tok;
	struct str text;   /* T_NAME (without its suffix), T_STRING (unquoted), T_NUMBER */
	enum lss_cmp cmp;  /* T_CMP */
};

static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };

const char *
lss_cmp_name(enum lss_cmp op)
{
	return (unsigned)op < sizeof(cmp_names) / sizeof(cmp_names[0]) ? cmp_names[op] : "?";
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The first reason found, in why's language: fmt is looked up in the
 * catalogue before the values go in. */
static void
why_printf(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
why_printf(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->why[0] != '\0')
		return;
	va_start(ap, fmt);
	/* The catalogue's check holds a translation to the English's
	 * conversions. */
	n = vsnprintf(p->why, LSS_EXPR_WHY_MAX, i18n_text(p->lang, fmt), ap);
	va_end(ap);
	/* A long translation may not fit: cut where a character begins. */
	if (n >= LSS_EXPR_WHY_MAX)
		p->why[text_utf8_prefix(str_c(p->why))] = '\0';
}

/* A reason with a value from the expression: its first 40 bytes. */
static void
why(struct parser *p, const char *fmt, struct str s)
{
	why_printf(p, fmt, (int)text_utf8_cut(s, 40), s.p);
}

static void
why_text(struct parser *p, const char *phrase)
{
	why_printf(p, "%s", i18n_text(p->lang, phrase));
}

static bool
word_is(struct str w, const char *kw)
{
	return w.n == strlen(kw) && strncasecmp(w.p, kw, w.n) == 0;
}

/* Reads the next token into p. */
static void
next(struct parser *p)
{
	const char *s = p->s.p;
	size_t n = p->s.n, i, start;

	while (p->at < n && (s[p->at] == ' ' || s[p->at] == '\t' || s[p->at] == '\n' ||
	    s[p->at] == '\r'))
		p->at++;
	i = start = p->at;
	if (i >= n) {
		p->tok = T_END;
		return;
	}
	if (s[i] == '(' || s[i] == ')') {
		p->tok = s[i] == '(' ? T_OPEN : T_CLOSE;
		p->at = i + 1;
		return;
	}
	if (s[i] == '"' || s[i] == '\'') {
		char q = s[i];

		for (i++; i < n && s[i] != q; i++)
			if (s[i] == '\\')
				i++;
		if (i >= n) {
			p->tok = T_BAD;
			why_text(p, N_("a string never closed"));
			return;
		}
		p->tok = T_STRING;
		p->text = (struct str){ s + start + 1, i - start - 1 };
		p->at = i + 1;
		return;
	}
	if (is_digit(s[i]) || (s[i] == '-' && i + 1 < n && is_digit(s[i + 1])) ||
	    (s[i] == '.' && i + 1 < n && is_digit(s[i + 1]))) {
		for (i++; i < n && (is_digit(s[i]) || s[i] == '.'); i++)
			;
		if (i < n && is_alpha(s[i])) { /* 12345X67X89: a SGQA name */
			while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
				i++;
			p->tok = T_BAD;
			why(p, N_("the name '%.*s' (names by survey, group and question number are "
			    "not read)"), (struct str){ s + start, i - start });
			return;
		}
		p->tok = T_NUMBER;
		p->text = (struct str){ s + start, i - start };
		p->at = i;
		return;
	}
	if (is_alpha(s[i])) {
		struct str w;

		while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
			i++;
		w = (struct str){ s + start, i - start };
		p->at = i;
		if (word_is(w, "and") || word_is(w, "or")) {
			p->tok = word_is(w, "and") ? T_AND : T_OR;
			return;
		}
		static const char *const words[] = { "eq", "ne", "lt", "le", "gt", "ge" };
		for (size_t k = 0; k < 6; k++)
			if (word_is(w, words[k])) {
				p->tok = T_CMP;
				p->cmp = (enum lss_cmp)k;
				return;
			}
		if (word_is(w, "not")) {
			p->tok = T_BAD;
			why_text(p, N_("'not'"));
			return;
		}
		p->text = w;
		/* A property after the name: the answer itself is all that is read. */
		if (i + 1 < n && s[i] == '.' && is_alpha(s[i + 1])) {
			size_t j = i + 1;
			struct str prop;

			while (j < n && (is_alpha(s[j]) || is_digit(s[j])))
				j++;
			prop = (struct str){ s + i + 1, j - i - 1 };
			p->at = j;
			if (!word_is(prop, "NAOK") && !word_is(prop, "value") &&
			    !word_is(prop, "code")) {
				p->tok = T_BAD;
				why(p, N_("the property '.%.*s'"), prop);
				return;
			}
		}
		while (p->at < n && (s[p->at] == ' ' || s[p->at] == '\t'))
			p->at++;
		if (p->at < n && s[p->at] == '(') {
			p->tok = T_BAD;
			why(p, N_("the function %.*s()"), w);
			return;
		}
		p->tok = T_NAME;
		return;
	}
	if (i + 1 < n) {
		static const struct {
			const char *text;
			enum tok tok;
			enum lss_cmp cmp;
		} ops[] = {
			{ "==", T_CMP, LSS_EQ }, { "!=", T_CMP, LSS_NE }, { "<=", T_CMP, LSS_LE },
			{ ">=", T_CMP, LSS_GE }, { "&&", T_AND, LSS_EQ }, { "||", T_OR, LSS_EQ },
		};

		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (s[i] == ops[k].text[0] && s[i + 1] == ops[k].text[1]) {
				p->tok = ops[k].tok;
				p->cmp = ops[k].cmp;
				p->at = i + 2;
				return;
			}
	}
	if (s[i] == '<' || s[i] == '>') {
		p->tok = T_CMP;
		p->cmp = s[i] == '<' ? LSS_LT : LSS_GT;
		p->at = i + 1;
		return;
	}
	p->tok = T_BAD;
	if (s[i] == '!')
		why_text(p, N_("'!' (not)"));
	else if (s[i] == '=')
		why_text(p, N_("'=' (an assignment)"));
	else if (s[i] == '+' || s[i] == '-' || s[i] == '*' || s[i] == '/')
		why(p, N_("arithmetic ('%.*s')"), (struct str){ s + i, 1 });
	else if ((unsigned char)s[i] < 0x80 && s[i] > 0x20)
		why(p, N_("the character '%.*s'"), (struct str){ s + i, 1 });
	else
		why_text(p, N_("a character that is not part of a condition"));
}

static struct lss_expr *
node(struct parser *p, enum lss_expr_kind kind)
{
	struct lss_expr *e = arena_zalloc(p->a, sizeof(*e));

	if (e == NULL)
		p->nomem = true;
	else
		e->kind = kind;
	return e;
}

/* The other way round: "3 < Q1" is "Q1 > 3". */
static enum lss_cmp
mirror(enum lss_cmp op)
{
	switch (op) {
	case LSS_LT: return LSS_GT;
	case LSS_LE: return LSS_GE;
	case LSS_GT: return LSS_LT;
	case LSS_GE: return LSS_LE;
	default: return op;
	}
}

static struct lss_expr *parse_or(struct parser *p, int depth);

/* A comparison, "1" / "true", or a parenthesised expression; the token
 * after it is read. */
static struct lss_expr *
parse_primary(struct parser *p, int depth)
{
	struct lss_expr *e;
	enum tok left;
	struct str left_text;

	if (p->tok == T_OPEN) {
		if (depth >= LSS_EXPR_DEPTH_MAX) {
			why_text(p, N_("parentheses nested too deep"));
			return NULL;
		}
		next(p);
		if ((e = parse_or(p, depth + 1)) == NULL)
			return NULL;
		if (p->tok != T_CLOSE) {
			why_text(p, N_("a '(' never closed"));
			return NULL;
		}
		next(p);
		return e;
	}
	if (p->tok != T_NAME && p->tok != T_STRING && p->tok != T_NUMBER) {
		if (p->tok == T_END)
			why_text(p, N_("an expression that ends too soon"));
		else if (p->tok != T_BAD)
			why_text(p, N_("an operator where a name or a value should be"));
		return NULL;
	}
	left = p->tok;
	left_text = p->text;
	next(p);
	if (p->tok != T_CMP) {
		if ((left == T_NUMBER && str_eq_c(left_text, "1")) ||
		    (left == T_NAME && word_is(left_text, "true")))
			return node(p, LSS_EXPR_TRUE);
		if (left == T_NAME)
			why(p, N_("'%.*s' alone (whether it is answered)"), left_text);
		else
			why(p, N_("the value '%.*s' alone"), left_text);
		return NULL;
	}
	if (++p->terms > LSS_EXPR_TERMS_MAX) {
		why_text(p, N_("more comparisons than are read"));
		return NULL;
	}
	if ((e = node(p, LSS_EXPR_CMP)) == NULL)
		return NULL;
	e->op = p->cmp;
	next(p);
	if (p->tok != T_NAME && p->tok != T_STRING && p->tok != T_NUMBER) {
		if (p->tok != T_BAD)
			why_text(p, N_("a comparison with nothing after it"));
		return NULL;
	}
	if ((left == T_NAME) == (p->tok == T_NAME)) {
		if (left == T_NAME)
			why(p, N_("two answers compared ('%.*s' and another)"), left_text);
		else
			why(p, N_("two values compared, with no answer ('%.*s')"), left_text);
		return NULL;
	}
	if (left == T_NAME) {
		e->name = left_text;
		e->value = p->text;
		e->is_number = p->tok == T_NUMBER;
	} else {
		e->name = p->text;
		e->value = left_text;
		e->is_number = left == T_NUMBER;
		e->op = mirror(e->op);
	}
	next(p);
	return e;
}

/* Terms joined by `joiner` (T_AND or T_OR): merged with like terms, "1"
 * dropped from an "and" and making an "or" always true. */
static struct lss_expr *
parse_list(struct parser *p, int depth, enum tok joiner)
{
	struct lss_expr *first, *e, **terms = NULL;
	enum lss_expr_kind kind = joiner == T_AND ? LSS_EXPR_AND : LSS_EXPR_OR;
	int n = 0, cap = 0, total = 0, i;
	bool always = false;

	first = joiner == T_AND ? parse_primary(p, depth) : parse_list(p, depth, T_AND);
	if (first == NULL)
		return NULL;
	if (p->tok != joiner)
		return first;
	e = first;
	for (;;) {
		if (e->kind == LSS_EXPR_TRUE) {
			if (kind == LSS_EXPR_OR)
				always = true;
		} else {
			if (n == cap) {
				struct lss_expr **grown;

				cap = cap ? cap * 2 : 8;
				if ((grown = arena_array(p->a, (size_t)cap, sizeof(*grown))) == NULL) {
					p->nomem = true;
					return NULL;
				}
				if (n > 0)
					memcpy(grown, terms, (size_t)n * sizeof(*grown));
				terms = grown;
			}
			terms[n++] = e;
			total += e->kind == kind ? e->term_n : 1;
		}
		if (p->tok != joiner)
			break;
		next(p);
		e = joiner == T_AND ? parse_primary(p, depth) : parse_list(p, depth, T_AND);
		if (e == NULL)
			return NULL;
	}
	if (always || n == 0)
		return node(p, LSS_EXPR_TRUE);
	if (n == 1)
		return terms[0];
	if ((e = node(p, kind)) == NULL)
		return NULL;
	if ((e->terms = arena_array(p->a, (size_t)total, sizeof(*e->terms))) == NULL) {
		p->nomem = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (terms[i]->kind == kind) {
			memcpy(&e->terms[e->term_n], terms[i]->terms,
			    (size_t)terms[i]->term_n * sizeof(*e->terms));
			e->term_n += terms[i]->term_n;
		} else {
			e->terms[e->term_n++] = *terms[i];
		}
	}
	return e;
}

static struct lss_expr *
parse_or(struct parser *p, int depth)
{
	return parse_list(p, depth, T_OR);
}

int
lss_expr_parse(struct str text, struct arena *a, struct lss_expr **out,
    char why_out[LSS_EXPR_WHY_MAX], const struct i18n_lang *lang)
{
	struct parser p = { .a = a, .why = why_out, .lang = lang };
	struct str s = str_trim(text);

	why_out[0] = '\0';
	*out = NULL;
	if (s.n > LSS_EXPR_MAX_BYTES) {
		why_printf(&p, N_("an expression longer than %d bytes"), LSS_EXPR_MAX_BYTES);
		return ERR_INVALID;
	}
	if (s.n >= 2 && s.p[0] == '{' && s.p[s.n - 1] == '}')
		s = str_trim((struct str){ s.p + 1, s.n - 2 });
	p.s = s;
	next(&p);
	if (p.tok == T_END) {
		*out = node(&p, LSS_EXPR_TRUE);
		return *out != NULL ? 0 : ERR_NOMEM;
	}
	*out = parse_or(&p, 0);
	if (p.nomem)
		return ERR_NOMEM;
	if (*out != NULL && p.tok != T_END) {
		if (p.tok == T_CLOSE)
			why_text(&p, N_("a ')' with no '(' before it"));
		else if (p.tok != T_BAD)
			why_text(&p, N_("more after the end of a comparison"));
		*out = NULL;
	}
	if (*out == NULL) {
		why_text(&p, N_("something that cannot be read"));
		return ERR_INVALID;
	}
	return 0;
}
