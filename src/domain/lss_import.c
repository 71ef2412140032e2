/*
 * lss_import.c - a LimeSurvey survey made into an involve definition
 * (lss_import.h).
 *
 * lss_file.c reads the XML, lss_source.c its rows in the base language;
 * here each group becomes a page and each question one or more involve
 * questions, in order, while every part that cannot come across is noted
 * for the report.  The types:
 *
 *   L list (radio), ! list (dropdown)      single, "Other" as an other option
 *   O list with comment                    single, and long_text KEY_comment
 *   Y yes/no, G gender                     single (Y/N, F/M)
 *   5 five point choice                    rating 1..5
 *   M multiple choice                      multiple (subquestions the options)
 *   P multiple choice with comments        multiple, and a text KEY_SQcomment
 *                                          for each option, shown when chosen
 *   S short, T long, U huge free text      text, long_text, long_text
 *   N numerical                            number (min/max kept)
 *   K multiple numerical                   a number KEY_SQ per subquestion
 *   Q multiple short text                  a text KEY_SQ per subquestion
 *   D date                                 date (min/max kept when dates)
 *   R ranking                              ranking
 *   F array, H array by column             grid (subquestions the rows)
 *   A, B, C, E fixed arrays                grid with their fixed scales
 *   1 dual-scale array                     two grids, KEY_1 and KEY_2
 *   X text display                         info
 *   * equation, | file upload, : and ;     no counterpart: left out, reported
 *   arrays of numbers or texts, I language switch
 *
 * Keys are LimeSurvey's codes (and its own names for the parts of one,
 * KEY_SQ001, KEY_comment), made valid and unique where they are not, and
 * conditions may name them as LimeSurvey's expressions do.  A question's
 * relevance (or its conditions rows, which LimeSurvey made it from)
 * becomes its show_if when each comparison fits (lss_expr.h); a group's
 * becomes part of every show_if on its page, and rules on earlier pages
 * that skip the page when they can decide it.  The definition is built as
 * JSON and read back with survey_def_parse before it is handed out, so an
 * import never gives what involve would refuse.
 *
 * Each note is a whole sentence marked N_() (one with a count, a pair
 * through note_trn), looked up as a whole in the language of the caller's
 * errors, so a translator sees it as it is read; only a condition's reason
 * and the list of what was taken out of a text go into one, as phrases
 * translated on their own.  What the survey itself gets ("Other", "Yes", a
 * title made up for it) stays English, as content does.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "involve/i18n.h"
#include "involve/lss_expr.h"
#include "involve/lss_html.h"
#include "involve/lss_import.h"
#include "involve/text.h"
#include "lss_file.h"
#include "lss_source.h"

#define OTHER_VALUE "-oth-"     /* LimeSurvey's own code for "Other" */
#define QUOTE_MAX 150           /* bytes of an expression quoted in a note */
#define MADE_CAP (SURVEY_QUESTIONS_MAX + 1)
/* Notes given in more than one place, written once. */
#define ANSWER_OPTIONS_FEWER \
    N_("A choice needs at least two answer options, and it has %zu: left out")
#define OTHER_LABEL_CUT N_("The label of \"Other\" was cut to %d characters")

static const struct {
	char type;
	const char *name;
} type_names[] = {
	{ '1', N_("Array dual scale") }, { '5', N_("5 point choice") },
	{ 'A', N_("Array (5 point choice)") }, { 'B', N_("Array (10 point choice)") },
	{ 'C', N_("Array (Yes/Uncertain/No)") }, { 'D', N_("Date/Time") },
	{ 'E', N_("Array (Increase/Same/Decrease)") }, { 'F', N_("Array") }, { 'G', N_("Gender") },
	{ 'H', N_("Array by column") }, { 'I', N_("Language switch") },
	{ 'K', N_("Multiple numerical input") }, { 'L', N_("List (radio)") },
	{ 'M', N_("Multiple choice") }, { 'N', N_("Numerical input") },
	{ 'O', N_("List with comment") }, { 'P', N_("Multiple choice with comments") },
	{ 'Q', N_("Multiple short text") }, { 'R', N_("Ranking") }, { 'S', N_("Short free text") },
	{ 'T', N_("Long free text") }, { 'U', N_("Huge free text") }, { 'X', N_("Text display") },
	{ 'Y', N_("Yes/No") }, { '!', N_("List (dropdown)") }, { ':', N_("Array (Numbers)") },
	{ ';', N_("Array (Texts)") }, { '|', N_("File upload") }, { '*', N_("Equation") },
};

const char *
lss_type_name(char type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "";
}

/* An involve question made. */
struct made {
	struct str key;
	enum survey_qtype type;
	int page;       /* in the definition */
	json_t *q;      /* borrowed from its page */
};

/* A name a LimeSurvey expression may use, and what it reads. */
enum var_kind {
	VAR_ANSWER, /* the answer of a made question */
	VAR_CHOSEN, /* whether an option of a multiple choice is chosen ("Y") */
};

struct var {
	struct str name;
	int made;
	enum var_kind kind;
	struct str option;
};

/* A page of the definition. */
struct page {
	json_t *obj;       /* borrowed from the pages array */
	json_t *questions; /* borrowed */
	json_t *cond;      /* owned: its group's condition; NULL: always shown */
	int cond_page;     /* the latest page the condition reads */
};

struct imp {
	struct arena *a;
	const struct i18n_lang *lang; /* the report's; NULL: English */
	struct lss_source src;
	struct lss_report *r;
	json_t *pages;
	struct page *pg;
	int pg_n;
	struct made made[MADE_CAP];
	int made_n;
	struct var *vars;
	int var_n, var_cap;
	struct str *keys;             /* question keys taken, for uniqueness */
	bool nomem;
	/* the group being read */
	const struct lss_group *group;
	int group_report;             /* its index in the report's pages */
	int group_page;               /* its page, or -1 before a question needs one */
	json_t *group_cond;           /* owned until its page is made */
	int group_cond_page;
	/* the LimeSurvey question being read */
	int rq;                       /* its index in the report's questions */
	struct lss_html_info html;    /* what its texts lost */
	struct buf became;
	int left_full;                /* questions left out once the survey was full */
	struct str first_left_full;
};

/* What a question's condition gives: the JSON (NULL: always shown). */
struct cond_ctx {
	int before;       /* it may read made questions before this index */
	int max_page;     /* the latest page it reads, -1 when none */
	char why[LSS_EXPR_WHY_MAX];
};

/* ---- notes and text -------------------------------------------------------------------- */

static void
note(struct imp *im, enum lss_note_kind kind, int question, int page, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
note(struct imp *im, enum lss_note_kind kind, int question, int page, const char *fmt, ...)
{
	struct lss_report *r = im->r;
	struct buf b = BUF_INIT;
	struct lss_note *n;
	va_list ap;

	if (r->note_n >= LSS_NOTES_MAX) {
		r->notes_dropped++;
		return;
	}
	va_start(ap, fmt);
	/* The whole sentence is looked up before the values go in, as
	 * errors_vadd does; the catalogue's check holds a translation to the
	 * English's conversions. */
	buf_vprintf(&b, i18n_text(im->lang, fmt), ap);
	va_end(ap);
	n = &r->notes[r->note_n];
	n->kind = kind;
	n->question = question;
	n->page = question >= 0 ? -1 : page;
	n->detail = buf_ok(&b) ? arena_str(im->a, (struct str){ b.p, b.n }) : (struct str){ 0 };
	buf_free(&b);
	if (n->detail.p == NULL) {
		im->nomem = true;
		return;
	}
	r->note_n++;
}

/* msgid in the report's language: a sentence a note gives as it is. */
static const char *
tx(const struct imp *im, const char *msgid)
{
	return i18n_text(im->lang, msgid);
}

/* The form for n of a note with a plural, in the report's language, for
 * note() with n among its values.  scripts/po.py finds the pair by this
 * name, as it finds errors_trn's. */
static const char *
note_trn(const struct imp *im, const char *one, const char *other, unsigned long n)
{
	return i18n_plural(im->lang, one, other, n);
}

/* A reason a note gives (a condition's why), in the report's language as
 * note()'s sentence is. */
static void
why_printf(const struct imp *im, char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
why_printf(const struct imp *im, char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(why, size, tx(im, fmt), ap);
	va_end(ap);
	/* A long translation may not fit: cut where a character begins. */
	if (n >= 0 && (size_t)n >= size)
		why[text_utf8_prefix(str_c(why))] = '\0';
}

/* s as it may be quoted in a note: at most QUOTE_MAX bytes, whole
 * characters, one line. */
static struct str
quote(struct imp *im, struct str s)
{
	char *c;
	size_t i;

	s = str_trim(s);
	if (s.n > QUOTE_MAX)
		s.n = text_utf8_prefix((struct str){ s.p, QUOTE_MAX });
	if ((c = arena_strdup(im->a, s)) == NULL) {
		im->nomem = true;
		return (struct str){ "", 0 };
	}
	for (i = 0; i < s.n; i++)
		if ((unsigned char)c[i] < 0x20)
			c[i] = ' ';
	return (struct str){ c, s.n };
}

/*
 * s cut to at most max characters, at a space near the end when there is
 * one, with an ellipsis; *cut says whether it was.  The result is in the
 * arena when cut.
 */
static struct str
fit(struct imp *im, struct str s, size_t max, bool *cut)
{
	size_t at = 0, chars = 0, len, keep, i;
	unsigned cp;
	char *c;

	*cut = false;
	if (text_chars(s) <= max)
		return s;
	*cut = true;
	while (chars < max - 1 && (len = text_decode(s, at, &cp)) > 0) {
		at += len;
		chars++;
	}
	keep = at;
	for (i = at; i > at * 4 / 5; i--)
		if (s.p[i - 1] == ' ' || s.p[i - 1] == '\n') {
			keep = i - 1;
			break;
		}
	while (keep > 0 && (s.p[keep - 1] == ' ' || s.p[keep - 1] == '\n'))
		keep--;
	if ((c = arena_alloc(im->a, keep + 4)) == NULL) {
		im->nomem = true;
		return (struct str){ "", 0 };
	}
	memcpy(c, s.p, keep);
	memcpy(c + keep, "\xE2\x80\xA6", 4); /* U+2026 and the NUL */
	return (struct str){ c, keep + 3 };
}

static struct str
convert(struct imp *im, struct str html, unsigned flags)
{
	struct str out;

	if (lss_html_to_markdown(html, flags, im->a, &out, &im->html) != 0)
		im->nomem = true;
	return out;
}

static struct str
markdown(struct imp *im, struct str html, bool one_line)
{
	return convert(im, html, one_line ? LSS_HTML_ONE_LINE : 0);
}

/* An option's or a row's label: one line, at most SURVEY_LABEL_MAX_CHARS;
 * when cut, the note `cut_note` ("The label of an option was cut to %d
 * characters": a sentence for each kind of label, whole to translate). */
static struct str
label_of(struct imp *im, struct str html, const char *cut_note)
{
	bool cut;
	struct str s = fit(im, markdown(im, html, true), SURVEY_LABEL_MAX_CHARS, &cut);

	if (cut)
		note(im, LSS_NOTE_CHANGED, im->rq, -1, cut_note, SURVEY_LABEL_MAX_CHARS);
	return s;
}

static struct str
concat(struct imp *im, struct str a, const char *sep, struct str b)
{
	struct str out;
	char *c;

	if (a.n == 0)
		return b;
	if (b.n == 0)
		return a;
	if ((c = arena_printf(im->a, "%.*s%s%.*s", (int)a.n, a.p, sep, (int)b.n, b.p)) == NULL) {
		im->nomem = true;
		return a;
	}
	out = str_c(c);
	return out;
}

/* ---- the definition's JSON -------------------------------------------------------------- */

static json_t *
jstr(struct str s)
{
	json_t *v = json_stringn(s.p ? s.p : "", s.n);

	/* Text here is UTF-8 (libxml2's, cut at characters): never NULL but
	 * for memory, which the final check catches. */
	return v != NULL ? v : json_string("");
}

static json_t *
jnumber(double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* A number as LimeSurvey writes one (an attribute, a value compared). */
static bool
number_of(struct str s, double *out)
{
	char text[64], *end;

	s = str_trim(s);
	if (s.n == 0 || s.n >= sizeof(text))
		return false;
	memcpy(text, s.p, s.n);
	text[s.n] = '\0';
	if (!((text[0] >= '0' && text[0] <= '9') || text[0] == '-' || text[0] == '.' ||
	    text[0] == '+'))
		return false;
	*out = strtod(text, &end);
	return *end == '\0' && isfinite(*out) && fabs(*out) <= 1e15;
}

/* ---- keys ---------------------------------------------------------------------------------- */

static bool
key_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (!first && ((c >= '0' && c <= '9') || c == '_'));
}

static bool
key_taken(const struct imp *im, struct str k)
{
	int i;

	for (i = 0; i < im->made_n; i++)
		if (im->keys[i].n == k.n && strncasecmp(im->keys[i].p, k.p, k.n) == 0)
			return true;
	return false;
}

/*
 * The key for a question LimeSurvey calls `want`: the same when it is a
 * valid key not taken yet (letters, digits and '_', a letter first, at
 * most SURVEY_KEY_MAX, unique ignoring case); otherwise made so, and
 * noted.
 */
static struct str
key_for(struct imp *im, struct str want)
{
	char k[SURVEY_KEY_MAX + 1];
	size_t n = 0, i;
	int suffix = 1;
	struct str out;

	if (want.n == 0 || !key_char(want.p[0], true))
		k[n++] = 'q';
	for (i = 0; i < want.n && n < SURVEY_KEY_MAX; i++)
		k[n++] = key_char(want.p[i], false) ? want.p[i] : '_';
	k[n] = '\0';
	while (key_taken(im, (struct str){ k, strlen(k) }) && suffix < 10000) {
		char tail[8];
		size_t tn = (size_t)snprintf(tail, sizeof(tail), "_%d", ++suffix);

		if (n + tn > SURVEY_KEY_MAX)
			n = SURVEY_KEY_MAX - tn;
		memcpy(k + n, tail, tn + 1);
	}
	out = arena_str(im->a, str_c(k));
	if (out.p == NULL) {
		im->nomem = true;
		return STR_LIT("q");
	}
	if (!str_eq(out, want))
		note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("'%.*s' became the key '%.*s' (a key "
		    "has letters, digits and '_', a letter first, at most %d, and is used once)"),
		    (int)text_utf8_cut(want, 60), want.p, (int)out.n, out.p, SURVEY_KEY_MAX);
	return out;
}

/* ---- conditions ------------------------------------------------------------------------------ */

static void
add_var(struct imp *im, struct str name, int made, enum var_kind kind, struct str option)
{
	if (im->var_n == im->var_cap) {
		int cap = im->var_cap ? im->var_cap * 2 : 64;
		struct var *grown = arena_array(im->a, (size_t)cap, sizeof(*grown));

		if (grown == NULL) {
			im->nomem = true;
			return;
		}
		if (im->var_n > 0)
			memcpy(grown, im->vars, (size_t)im->var_n * sizeof(*grown));
		im->vars = grown;
		im->var_cap = cap;
	}
	im->vars[im->var_n++] = (struct var){ name, made, kind, option };
}

/* The name as LimeSurvey would resolve it: exactly, else ignoring case. */
static const struct var *
find_var(const struct imp *im, struct str name)
{
	int i;

	for (i = 0; i < im->var_n; i++)
		if (str_eq(im->vars[i].name, name))
			return &im->vars[i];
	for (i = 0; i < im->var_n; i++)
		if (im->vars[i].name.n == name.n &&
		    strncasecmp(im->vars[i].name.p, name.p, name.n) == 0)
			return &im->vars[i];
	return NULL;
}

static json_t *
comparison(struct str key, const char *op, json_t *value)
{
	json_t *o = json_object();

	json_object_set_new(o, "question", jstr(key));
	json_object_set_new(o, op, value);
	return o;
}

static json_t *
group_of(const char *kind, json_t *terms)
{
	json_t *o = json_object();

	json_object_set_new(o, kind, terms);
	return o;
}

/* "x <= n" on a number or a date: less than, or equal. */
static json_t *
or_equal(struct str key, const char *op, json_t *value)
{
	json_t *terms = json_array();

	json_array_append_new(terms, comparison(key, op, json_deep_copy(value)));
	json_array_append_new(terms, comparison(key, "equals", value));
	return group_of("any", terms);
}

static bool
has_option(const json_t *q, struct str value)
{
	const json_t *opts = json_object_get(q, "options"), *o;
	size_t i;

	json_array_foreach(opts, i, o)
		if (str_eq_c(value, json_string_value(json_object_get(o, "value"))))
			return true;
	return false;
}

static bool
cmp_holds(double a, enum lss_cmp op, double b)
{
	switch (op) {
	case LSS_LT: return a < b;
	case LSS_LE: return a <= b;
	case LSS_GT: return a > b;
	case LSS_GE: return a >= b;
	case LSS_EQ: return a == b;
	default: return a != b;
	}
}

/* A single choice compared with a number, as LimeSurvey compares numeric
 * codes: the options whose codes hold. */
static json_t *
single_ordered(struct imp *im, const struct made *m, const struct lss_expr *x, double n,
    struct cond_ctx *cc)
{
	const json_t *opts = json_object_get(m->q, "options"), *o;
	json_t *terms = json_array(), *one;
	size_t i;
	double code;

	json_array_foreach(opts, i, o) {
		struct str v = str_c(json_string_value(json_object_get(o, "value")));

		if (number_of(v, &code) && cmp_holds(code, x->op, n))
			json_array_append_new(terms, comparison(m->key, "equals", jstr(v)));
	}
	if (json_array_size(terms) == 0 || json_array_size(terms) > SURVEY_COND_TERMS_MAX) {
		why_printf(im, cc->why, sizeof(cc->why), json_array_size(terms) == 0 ?
		    N_("no option codes fit a comparison of '%.*s' as numbers") :
		    N_("too many options fit a comparison of '%.*s' as numbers"), (int)m->key.n,
		    m->key.p);
		json_decref(terms);
		return NULL;
	}
	if (json_array_size(terms) == 1) {
		one = json_incref(json_array_get(terms, 0));
		json_decref(terms);
		return one;
	}
	return group_of("any", terms);
}

/* One comparison as an involve condition, or NULL with cc->why. */
static json_t *
map_cmp(struct imp *im, const struct lss_expr *x, struct cond_ctx *cc)
{
	static const char *const ops[] = { "equals", "not_equals", "less_than", "less_than",
		"greater_than", "greater_than" };
	const struct var *v = find_var(im, x->name);
	const struct made *m;
	double n;
	bool eq = x->op == LSS_EQ || x->op == LSS_NE;

	if (v == NULL || v->made >= cc->before) {
		why_printf(im, cc->why, sizeof(cc->why), N_("'%.*s' is not a question before this "
		    "one that came across"), (int)text_utf8_cut(x->name, 40), x->name.p);
		return NULL;
	}
	m = &im->made[v->made];
	if (m->page > cc->max_page)
		cc->max_page = m->page;
	if (v->kind == VAR_CHOSEN) {
		if (x->op == LSS_EQ && str_eq_c(x->value, "Y"))
			return comparison(m->key, "includes", jstr(v->option));
		why_printf(im, cc->why, sizeof(cc->why), N_("only whether an option is chosen "
		    "(== \"Y\") can be said of '%.*s'"), (int)text_utf8_cut(x->name, 40),
		    x->name.p);
		return NULL;
	}
	switch (m->type) {
	case SQ_SINGLE:
		if (eq && x->value.n > 0 && has_option(m->q, x->value))
			return comparison(m->key, ops[x->op], jstr(x->value));
		if (!eq && number_of(x->value, &n))
			return single_ordered(im, m, x, n, cc);
		if (x->value.n == 0)
			why_printf(im, cc->why, sizeof(cc->why), N_("a comparison with no answer "
			    "(whether '%.*s' is answered)"), (int)m->key.n, m->key.p);
		else
			why_printf(im, cc->why, sizeof(cc->why), N_("'%.*s' has no option '%.*s'"),
			    (int)m->key.n, m->key.p, (int)text_utf8_cut(x->value, 40),
			    x->value.p);
		return NULL;
	case SQ_RATING:
	case SQ_NUMBER:
		if (!number_of(x->value, &n)) {
			why_printf(im, cc->why, sizeof(cc->why), N_("'%.*s' is a number, compared "
			    "with something else"), (int)m->key.n, m->key.p);
			return NULL;
		}
		if (m->type == SQ_RATING && x->op == LSS_LE)
			return comparison(m->key, "less_than", jnumber(floor(n) + 1));
		if (m->type == SQ_RATING && x->op == LSS_GE)
			return comparison(m->key, "greater_than", jnumber(ceil(n) - 1));
		if (x->op == LSS_LE || x->op == LSS_GE)
			return or_equal(m->key, ops[x->op], jnumber(n));
		return comparison(m->key, ops[x->op], jnumber(n));
	case SQ_DATE: {
		struct str d = str_trim(x->value);

		if (d.n > 10 && (d.p[10] == ' ' || d.p[10] == 'T'))
			d.n = 10;
		if (!survey_date_valid(d)) {
			why_printf(im, cc->why, sizeof(cc->why), N_("'%.*s' is a date, compared "
			    "with something else"), (int)m->key.n, m->key.p);
			return NULL;
		}
		if (x->op == LSS_LE || x->op == LSS_GE)
			return or_equal(m->key, ops[x->op], jstr(d));
		return comparison(m->key, ops[x->op], jstr(d));
	}
	case SQ_TEXT:
	case SQ_LONG_TEXT:
		if (eq && x->value.n > 0)
			return comparison(m->key, ops[x->op], jstr(x->value));
		why_printf(im, cc->why, sizeof(cc->why), N_("'%.*s' is text: only equal or not "
		    "equal to some words can be said of it"), (int)m->key.n, m->key.p);
		return NULL;
	default:
		/* The type's name as the definition writes it ("grid"). */
		why_printf(im, cc->why, sizeof(cc->why), N_("a %s question's answer cannot be "
		    "compared ('%.*s')"), survey_qtype_name(m->type), (int)m->key.n, m->key.p);
		return NULL;
	}
}

/* The expression as an involve condition; NULL either when it always
 * holds (*always) or with cc->why. */
static json_t *
map_expr(struct imp *im, const struct lss_expr *x, struct cond_ctx *cc, bool *always)
{
	const char *kind = x->kind == LSS_EXPR_AND ? "all" : "any";
	json_t *terms, *sub, *t;
	bool sub_always;
	int i;

	*always = false;
	if (x->kind == LSS_EXPR_TRUE) {
		*always = true;
		return NULL;
	}
	if (x->kind == LSS_EXPR_CMP)
		return map_cmp(im, x, cc);
	terms = json_array();
	for (i = 0; i < x->term_n; i++) {
		if ((sub = map_expr(im, &x->terms[i], cc, &sub_always)) == NULL) {
			if (sub_always)
				continue;
			json_decref(terms);
			return NULL;
		}
		/* An "any" from one comparison inside an "any" is merged. */
		if ((t = json_object_get(sub, kind)) != NULL && json_object_size(sub) == 1) {
			json_array_extend(terms, t);
			json_decref(sub);
		} else {
			json_array_append_new(terms, sub);
		}
	}
	if (json_array_size(terms) > SURVEY_COND_TERMS_MAX) {
		why_printf(im, cc->why, sizeof(cc->why), N_("more than %d comparisons joined at "
		    "one level"), SURVEY_COND_TERMS_MAX);
		json_decref(terms);
		return NULL;
	}
	return group_of(kind, terms);
}

/* How deep all/any nest in c (0 for a comparison). */
static int
cond_levels(const json_t *c)
{
	const json_t *terms = json_object_get(c, "all"), *t;
	size_t i;
	int max = 0, l;

	if (terms == NULL)
		terms = json_object_get(c, "any");
	if (terms == NULL)
		return 0;
	json_array_foreach(terms, i, t)
		if ((l = cond_levels(t)) > max)
			max = l;
	return max + 1;
}

/*
 * Both must hold: a and b (owned, either may be NULL), terms of an "all"
 * merged.  NULL when both are NULL, or when the result would be more than
 * a condition may hold (then *too_big, and both are let go).
 */
static json_t *
cond_and(json_t *a, json_t *b, bool *too_big)
{
	json_t *terms, *t;
	json_t *parts[2] = { a, b };
	int i;

	*too_big = false;
	if (a == NULL || b == NULL)
		return a != NULL ? a : b;
	terms = json_array();
	for (i = 0; i < 2; i++) {
		if ((t = json_object_get(parts[i], "all")) != NULL)
			json_array_extend(terms, t);
		else
			json_array_append(terms, parts[i]);
		json_decref(parts[i]);
	}
	t = group_of("all", terms);
	if (json_array_size(terms) > SURVEY_COND_TERMS_MAX || cond_levels(t) >
	    SURVEY_COND_DEPTH_MAX) {
		json_decref(t);
		*too_big = true;
		return NULL;
	}
	return t;
}

/* The expression made from a question's conditions rows (which LimeSurvey
 * keeps beside the relevance it writes from them): scenarios are "or",
 * within one the rows of one field "or", and of different fields "and". */
static int
conditions_expr(struct imp *im, const struct lss_condition *cs, int n, struct lss_expr **out,
    char *why, size_t why_size)
{
	static const char *const methods[] = { "==", "!=", "<", "<=", ">", ">=" };
	struct lss_expr *any, *all = NULL, *same = NULL;
	int i, k;

	if (n > LSS_EXPR_TERMS_MAX) {
		why_printf(im, why, why_size, N_("more than %d conditions"), LSS_EXPR_TERMS_MAX);
		return ERR_INVALID;
	}
	if ((any = arena_zalloc(im->a, sizeof(*any))) == NULL)
		return ERR_NOMEM;
	any->kind = LSS_EXPR_OR;
	if ((any->terms = arena_array(im->a, (size_t)n, sizeof(*any->terms))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const struct lss_condition *c = &cs[i];
		const struct lss_question *cq = lss_source_question(&im->src, c->cqid);
		struct lss_expr x = { .kind = LSS_EXPR_CMP };
		struct str field = c->field, method = c->method, suffix = { "", 0 };
		char pattern[48];
		const char *at;
		bool plus = false;

		if (method.n == 0)
			method = STR_LIT("==");
		for (k = 0; k < 6 && !str_eq_c(method, methods[k]); k++)
			;
		if (k == 6) {
			why_printf(im, why, why_size, N_("the comparison '%.*s'"), (int)(method.n >
			    20 ? 20 : method.n), method.p);
			return ERR_INVALID;
		}
		x.op = (enum lss_cmp)k;
		if (c->value.n > 0 && (c->value.p[0] == '@' || c->value.p[0] == '{')) {
			why_printf(im, why, why_size, "%s", tx(im, N_("an answer compared with "
			    "another answer")));
			return ERR_INVALID;
		}
		if (cq == NULL) {
			why_printf(im, why, why_size, N_("a question that is not in the file "
			    "(qid %lld)"), (long long)c->cqid);
			return ERR_INVALID;
		}
		if (field.n > 0 && field.p[0] == '+') {
			plus = true;
			field.p++;
			field.n--;
		}
		/* SIDXGIDXQID, then the part of the question (a subquestion's code). */
		snprintf(pattern, sizeof(pattern), "X%lldX%lld", (long long)cq->gid,
		    (long long)cq->qid);
		if ((at = memmem(field.p, field.n, pattern, strlen(pattern))) != NULL)
			suffix = (struct str){ at + strlen(pattern),
			    field.n - (size_t)(at - field.p) - strlen(pattern) };
		if (plus) {
			x.name = concat(im, cq->code, "_", str_trim(c->value));
			x.value = STR_LIT("Y");
		} else {
			x.name = suffix.n > 0 ? concat(im, cq->code, "_", suffix) : cq->code;
			x.value = c->value;
		}
		/* Rows of one scenario and field are "or"; fields "and"; scenarios "or". */
		if (i == 0 || c->scenario != cs[i - 1].scenario) {
			if ((all = arena_zalloc(im->a, sizeof(*all))) == NULL ||
			    (all->terms = arena_array(im->a, (size_t)n, sizeof(*all->terms))) == NULL)
				return ERR_NOMEM;
			all->kind = LSS_EXPR_AND;
			any->terms[any->term_n++] = *all;
			same = NULL;
		}
		if (same == NULL || !str_eq(c->field, cs[i - 1].field)) {
			struct lss_expr *all_now = &any->terms[any->term_n - 1];

			same = &all_now->terms[all_now->term_n++];
			memset(same, 0, sizeof(*same));
			same->kind = LSS_EXPR_OR;
			if ((same->terms = arena_array(im->a, (size_t)n, sizeof(*same->terms))) == NULL)
				return ERR_NOMEM;
		}
		same->terms[same->term_n++] = x;
	}
	*out = any;
	return 0;
}

/* A one-term "and" or "or" is its term, all the way down. */
static void
simplify(struct lss_expr *x)
{
	int i;

	for (i = 0; i < x->term_n; i++)
		simplify(&x->terms[i]);
	while ((x->kind == LSS_EXPR_AND || x->kind == LSS_EXPR_OR) && x->term_n == 1)
		*x = x->terms[0];
}

/*
 * The condition of relevance text `expr` (or of conditions rows when n >
 * 0) for something that may read made questions before `before`:
 * 0 with *out (NULL: always), or ERR_INVALID with why.
 */
static int
condition_of(struct imp *im, struct str expr, const struct lss_condition *cs, int n,
    struct cond_ctx *cc, json_t **out)
{
	struct lss_expr *x;
	char why[LSS_EXPR_WHY_MAX];
	bool always;
	int rc;

	*out = NULL;
	cc->max_page = -1;
	cc->why[0] = '\0';
	if (n > 0) {
		rc = conditions_expr(im, cs, n, &x, cc->why, sizeof(cc->why));
		if (rc == 0)
			simplify(x);
	} else {
		expr = str_trim(expr);
		if (expr.n == 0 || str_eq_c(expr, "1"))
			return 0;
		rc = lss_expr_parse(expr, im->a, &x, why, im->lang);
		if (rc == ERR_INVALID)
			snprintf(cc->why, sizeof(cc->why), "%s", why);
	}
	if (rc == ERR_NOMEM)
		im->nomem = true;
	if (rc != 0)
		return ERR_INVALID;
	*out = map_expr(im, x, cc, &always);
	if (*out == NULL && !always)
		return ERR_INVALID;
	if (*out != NULL && cond_levels(*out) > SURVEY_COND_DEPTH_MAX) {
		why_printf(im, cc->why, sizeof(cc->why), N_("and and or nested deeper than %d"),
		    SURVEY_COND_DEPTH_MAX);
		json_decref(*out);
		*out = NULL;
		return ERR_INVALID;
	}
	return 0;
}

/* The relevance as written, or the conditions rows told as LimeSurvey
 * would, for a note. */
static struct str
condition_text(struct imp *im, struct str relevance, const struct lss_condition *cs, int n)
{
	struct buf b = BUF_INIT;
	struct str out;
	int i;

	if (str_trim(relevance).n > 0 && !str_eq_c(str_trim(relevance), "1"))
		return quote(im, relevance);
	for (i = 0; i < n && b.n < QUOTE_MAX; i++)
		buf_printf(&b, "%s%.*s %.*s \"%.*s\"", i == 0 ? "" : " and ", (int)cs[i].field.n,
		    cs[i].field.p, (int)cs[i].method.n, cs[i].method.p, (int)cs[i].value.n,
		    cs[i].value.p);
	out = buf_ok(&b) ? quote(im, (struct str){ b.p, b.n }) : (struct str){ "", 0 };
	buf_free(&b);
	return out;
}

/* ---- pages ---------------------------------------------------------------------------------- */

/* Whether `questions` more fit, with the page they need when it is not
 * made yet (and its description's information). */
static bool
room_for(struct imp *im, int questions)
{
	int intro = im->group_page < 0 && str_trim(im->group->description).n > 0;

	return im->made_n + questions + intro <= SURVEY_QUESTIONS_MAX &&
	    (im->group_page >= 0 || im->pg_n < SURVEY_PAGES_MAX);
}

/* Adds question object q (owned) to the current page as the key's made
 * question; the index in made. */
static void open_page(struct imp *im);

static int
emit(struct imp *im, json_t *q, struct str key, enum survey_qtype type)
{
	struct page *p;
	int i;

	if (im->group_page < 0)
		open_page(im);
	p = &im->pg[im->group_page];
	i = im->made_n;

	json_array_append_new(p->questions, q);
	im->made[i] = (struct made){ key, type, im->group_page, q };
	im->keys[i] = key;
	im->made_n++;
	buf_printf(&im->became, "%s%s %.*s", im->became.n ? ", " : "", survey_qtype_name(type),
	    (int)key.n, key.p);
	return i;
}

static json_t *
question(struct str key, const char *type, struct str text, struct str help, bool required)
{
	json_t *q = json_object();

	json_object_set_new(q, "key", jstr(key));
	json_object_set_new(q, "type", json_string(type));
	json_object_set_new(q, "text", jstr(text));
	if (help.n > 0)
		json_object_set_new(q, "help", jstr(help));
	if (required)
		json_object_set_new(q, "required", json_true());
	return q;
}

/* A group begins: its condition is read (for its page's questions and
 * the rules that skip the page), and what it has that cannot come
 * across is noted.  Its page is made by the first question it gets. */
static void
start_group(struct imp *im, const struct lss_group *g)
{
	struct cond_ctx cc = { .before = im->made_n };
	struct str rel = quote(im, g->relevance);

	im->group = g;
	im->group_page = -1;
	im->group_cond = NULL;
	im->group_cond_page = -1;
	if (condition_of(im, g->relevance, NULL, 0, &cc, &im->group_cond) != 0)
		note(im, LSS_NOTE_LOST, -1, im->group_report, N_("Shown in LimeSurvey only when "
		    "%.*s: %s cannot be carried over, so the page is always shown"), (int)rel.n,
		    rel.p, cc.why);
	im->group_cond_page = cc.max_page;
	if (im->group_cond != NULL)
		note(im, LSS_NOTE_CHANGED, -1, im->group_report, N_("Shown only when %.*s: a "
		    "condition on each of its questions, and rules on earlier pages that skip it "
		    "where they can decide it"), (int)rel.n, rel.p);
	if (g->random_group.n > 0)
		note(im, LSS_NOTE_LOST, -1, im->group_report, N_("The randomisation group '%.*s' "
		    "is not carried over: the page keeps its place"), (int)quote(im,
		    g->random_group).n, quote(im, g->random_group).p);
	if (g->lang_missing)
		note(im, LSS_NOTE_CHANGED, -1, im->group_report, N_("The group has no name in the "
		    "base language '%.*s'"), (int)im->src.base.n, im->src.base.p);
}

/* Notes what texts of the group lost. */
static void
group_text_notes(struct imp *im, const struct lss_html_info *html)
{
	struct buf b = BUF_INIT;

	lss_html_removed_text(html, im->lang, &b);
	if (b.n > 0)
		note(im, LSS_NOTE_LOST, -1, im->group_report, N_("From its name and description: "
		    "removed %.*s"), (int)b.n, b.p);
	if (html->expr_n > 0)
		note(im, LSS_NOTE_LOST, -1, im->group_report, N_("Text filled in from answers "
		    "(%.*s%s) was taken out of its name and description"), (int)html->exprs[0].n,
		    html->exprs[0].p, html->expr_n > 1 ? ", ..." : "");
	buf_free(&b);
}

/* The current group's page, made when its first question is: its
 * description as information at its top. */
static void
open_page(struct imp *im)
{
	const struct lss_group *g = im->group;
	struct lss_report_page *rp = &im->r->pages[im->group_report];
	struct lss_html_info question_html = im->html;
	struct page *p;
	struct str title, intro;
	bool cut;
	char key[24];

	im->group_page = im->pg_n++;
	p = &im->pg[im->group_page];
	memset(p, 0, sizeof(*p));
	p->cond = im->group_cond;
	p->cond_page = im->group_cond_page;
	im->group_cond = NULL; /* the page's now */
	snprintf(key, sizeof(key), "page%d", im->group_page + 1);
	rp->key = arena_str(im->a, str_c(key));
	memset(&im->html, 0, sizeof(im->html));
	title = fit(im, markdown(im, g->name, true), SURVEY_TEXT_MAX_CHARS, &cut);
	p->obj = json_object();
	p->questions = json_array();
	json_object_set_new(p->obj, "key", json_string(key));
	json_object_set_new(p->obj, "title", jstr(title));
	json_object_set_new(p->obj, "questions", p->questions);
	json_array_append_new(im->pages, p->obj);
	intro = fit(im, markdown(im, g->description, false), SURVEY_INFO_MAX_CHARS, &cut);
	if (cut)
		note(im, LSS_NOTE_CHANGED, -1, im->group_report, N_("The group's description was "
		    "cut to %d characters"), SURVEY_INFO_MAX_CHARS);
	if (intro.n > 0) {
		char ik[SURVEY_KEY_MAX + 1];
		struct str k;
		json_t *q;
		int i = im->made_n, saved = im->rq;

		/* Not a LimeSurvey question: no question of the report is its. */
		snprintf(ik, sizeof(ik), "page%d_intro", im->group_page + 1);
		im->rq = -1;
		k = key_for(im, str_c(ik));
		im->rq = saved;
		q = question(k, "info", intro, (struct str){ "", 0 }, false);
		if (p->cond != NULL)
			json_object_set_new(q, "show_if", json_deep_copy(p->cond));
		json_array_append_new(p->questions, q);
		im->made[i] = (struct made){ k, SQ_INFO, im->group_page, q };
		im->keys[i] = k;
		im->made_n++;
	}
	group_text_notes(im, &im->html);
	im->html = question_html;
}

/*
 * Page rules: from page i, go to the first later page whose group's
 * condition holds.  A condition page i cannot decide (it reads a later
 * page) ends the rules there with a plain go-to; the page's questions
 * still carry it, so at worst the page shows nothing to answer.  A page
 * that follows unconditionally needs no rule.
 */
static void
page_rules(struct imp *im)
{
	int i, j;

	for (i = 0; i < im->pg_n; i++) {
		json_t *next = json_array();
		bool plain = false;

		for (j = i + 1; j < im->pg_n; j++) {
			json_t *key = json_object_get(im->pg[j].obj, "key"), *rule;

			if (im->pg[j].cond == NULL || im->pg[j].cond_page > i ||
			    json_array_size(next) >= SURVEY_RULES_MAX - 1) {
				if (j > i + 1) {
					rule = json_object();
					json_object_set_new(rule, "go_to", json_incref(key));
					json_array_append_new(next, rule);
				}
				plain = true;
				break;
			}
			rule = json_object();
			json_object_set_new(rule, "if", json_deep_copy(im->pg[j].cond));
			json_object_set_new(rule, "go_to", json_incref(key));
			json_array_append_new(next, rule);
		}
		if (!plain && json_array_size(next) > 0) {
			json_t *rule = json_object();

			json_object_set_new(rule, "go_to", json_string("end"));
			json_array_append_new(next, rule);
		}
		if (json_array_size(next) > 0)
			json_object_set_new(im->pg[i].obj, "next", next);
		else
			json_decref(next);
	}
}

/* ---- one LimeSurvey question ---------------------------------------------------------------- */

struct qctx {
	const struct lss_question *q;
	json_t *cond;          /* owned: its condition with its group's; NULL: always */
	struct str text, help; /* ready for the definition */
	bool required;
};

/* The question's words: its first paragraph the question, the rest with
 * its help as help (or all of it, for information). */
static void
texts(struct imp *im, struct qctx *c, bool info)
{
	const struct lss_question *q = c->q;
	struct str body = markdown(im, q->text, false), help = markdown(im, q->help, false);
	struct str first = body, rest = { "", 0 };
	const char *para;
	bool cut;
	char *line;
	size_t i;

	if (info) {
		c->text = fit(im, body, SURVEY_INFO_MAX_CHARS, &cut);
		if (cut)
			note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("The text was cut to %d "
			    "characters"), SURVEY_INFO_MAX_CHARS);
	} else {
		if ((para = memmem(body.p, body.n, "\n\n", 2)) != NULL) {
			first = (struct str){ body.p, (size_t)(para - body.p) };
			rest = str_trim((struct str){ para, body.n - (size_t)(para - body.p) });
		}
		/* The question itself is one line: its line breaks become spaces. */
		if ((line = arena_strdup(im->a, first)) == NULL) {
			im->nomem = true;
			return;
		}
		for (i = 0; i < first.n; i++)
			if (line[i] == '\n')
				line[i] = ' ';
		c->text = fit(im, (struct str){ line, first.n }, SURVEY_TEXT_MAX_CHARS, &cut);
		if (cut) {
			note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("The question was cut to %d "
			    "characters; the whole of it is in its help"), SURVEY_TEXT_MAX_CHARS);
			rest = body;
		}
		help = concat(im, rest, "\n\n", help);
	}
	c->help = fit(im, help, SURVEY_HELP_MAX_CHARS, &cut);
	if (cut)
		note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("The help was cut to %d characters"),
		    SURVEY_HELP_MAX_CHARS);
	if (c->text.n == 0) {
		c->text = q->code.n > 0 ? q->code : STR_LIT("(no text)");
		note(im, LSS_NOTE_CHANGED, im->rq, -1, "%s", tx(im, q->lang_missing ?
		    N_("It has no text in the base language: its code is its text") :
		    N_("It has no text: its code is its text")));
	} else if (q->lang_missing) {
		note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("It has no text in the base language "
		    "'%.*s': another language's text was taken"), (int)im->src.base.n,
		    im->src.base.p);
	}
}

/* Attributes that have no counterpart, noted when set. */
static void
attribute_notes(struct imp *im, const struct lss_question *q)
{
	static const struct {
		const char *name;
		const char *what;
	} lost[] = {
		{ "time_limit", N_("A timer (%.*s seconds) is not carried over") },
		{ "array_filter", N_("The array filter '%.*s' (options shown by another "
		    "question's answers) is not carried over: every option is shown") },
		{ "array_filter_exclude", N_("The array filter '%.*s' (options hidden by another "
		    "question's answers) is not carried over: every option is shown") },
		{ "random_group", N_("The randomisation group '%.*s' is not carried over: the "
		    "question keeps its place") },
		{ "em_validation_q", N_("The validation '%.*s' is not carried over") },
		{ "em_validation_sq", N_("The validation of subquestions '%.*s' is not carried "
		    "over") },
		{ "exclude_all_others", N_("The option '%.*s' that clears the others is not "
		    "carried over") },
		{ "equals_num_value", N_("The total the numbers must make (%.*s) is not carried "
		    "over") },
		{ "min_num_value", N_("The least total of the numbers (%.*s) is not carried "
		    "over") },
		{ "max_num_value", N_("The largest total of the numbers (%.*s) is not carried "
		    "over") },
	};
	struct str v;
	size_t i;

	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++) {
		v = lss_source_attribute(&im->src, q->qid, lost[i].name);
		if (v.n > 0 && !str_eq_c(v, "0")) {
			v = quote(im, v);
			note(im, LSS_NOTE_LOST, im->rq, -1, lost[i].what, (int)v.n, v.p);
		}
	}
	if (str_eq_c(lss_source_attribute(&im->src, q->qid, "random_order"), "1"))
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("Random order is not carried over: the "
		    "options keep their order"));
	if (str_eq_c(lss_source_attribute(&im->src, q->qid, "hidden"), "1"))
		note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("Hidden in LimeSurvey; shown here"));
	if (str_eq_c(lss_source_attribute(&im->src, q->qid, "num_value_int_only"), "1"))
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("Whole numbers only is not carried over: "
		    "any number is taken"));
}

/* The notes on the items of a list, one set for each kind: each a whole
 * sentence, to be translated as one. */
struct item_notes {
	const char *no_code, *long_code;  /* the item's label */
	const char *too_many;             /* its code, the most a question has */
	const char *second;               /* its code */
	const char *label_cut;            /* the most characters (sub_choices) */
};

static const struct item_notes option_notes = {
	N_("The option '%.*s' has no code and was left out"),
	N_("The option '%.*s' has too long a code and was left out"),
	N_("The option '%.*s' was left out: a question has at most %d"),
	N_("A second option with the code '%.*s' was left out"),
	N_("The label of option was cut to %d characters"),
};

static const struct item_notes row_notes = {
	N_("The row '%.*s' has no code and was left out"),
	N_("The row '%.*s' has too long a code and was left out"),
	N_("The row '%.*s' was left out: a question has at most %d"),
	N_("A second row with the code '%.*s' was left out"),
	N_("The label of row was cut to %d characters"),
};

static void
add_option(struct imp *im, json_t *opts, struct str value, struct str label, bool other,
    const struct item_notes *what)
{
	json_t *o;
	size_t i;
	bool cut;

	value = fit(im, str_trim(value), SURVEY_VALUE_MAX_CHARS, &cut);
	if (value.n == 0 || cut) {
		note(im, LSS_NOTE_LOST, im->rq, -1, cut ? what->long_code : what->no_code,
		    (int)text_utf8_cut(label, 40), label.p);
		return;
	}
	if ((int)json_array_size(opts) >= SURVEY_OPTIONS_MAX) {
		note(im, LSS_NOTE_LOST, im->rq, -1, what->too_many, (int)value.n, value.p,
		    SURVEY_OPTIONS_MAX);
		return;
	}
	json_array_foreach(opts, i, o)
		if (str_eq_c(value, json_string_value(json_object_get(o, "value")))) {
			note(im, LSS_NOTE_LOST, im->rq, -1, what->second, (int)value.n, value.p);
			return;
		}
	o = json_object();
	json_object_set_new(o, "value", jstr(value));
	if (label.n > 0 && !str_eq(label, value))
		json_object_set_new(o, "label", jstr(label));
	if (other)
		json_object_set_new(o, "other", json_true());
	json_array_append_new(opts, o);
}

/* The answer options of scale `scale` (an array), the question's "Other"
 * among them where LimeSurvey puts it when `with_other`. */
static json_t *
answer_options(struct imp *im, const struct lss_question *q, int64_t scale, bool with_other)
{
	json_t *opts = json_array();
	struct str pos = lss_source_attribute(&im->src, q->qid, "other_position"),
	    after = lss_source_attribute(&im->src, q->qid, "other_position_code"),
	    label = lss_source_attribute(&im->src, q->qid, "other_replace_text");
	int first, n, i;
	bool placed = !with_other;

	label = label.n > 0 ? label_of(im, label, OTHER_LABEL_CUT) : STR_LIT("Other");
	if (!placed && str_eq_c(pos, "beginning")) {
		add_option(im, opts, STR_LIT(OTHER_VALUE), label, true, &option_notes);
		placed = true;
	}
	n = lss_source_answers(&im->src, q->qid, scale, &first);
	for (i = first; i < first + n; i++) {
		const struct lss_answer *an = &im->src.answers[i];

		add_option(im, opts, an->code, label_of(im, an->text, N_("The label of an option "
		    "was cut to %d characters")), false, &option_notes);
		if (!placed && str_eq_c(pos, "specific") && str_eq(an->code, after)) {
			add_option(im, opts, STR_LIT(OTHER_VALUE), label, true, &option_notes);
			placed = true;
		}
	}
	if (!placed)
		add_option(im, opts, STR_LIT(OTHER_VALUE), label, true, &option_notes);
	return opts;
}

/* Subquestions as options (multiple choice, ranking; what is
 * &option_notes) or rows (grids, &row_notes). */
static json_t *
sub_choices(struct imp *im, const struct lss_question *q, int64_t scale, int max,
    const struct item_notes *what)
{
	json_t *list = json_array();
	int first, n, i;

	n = lss_source_subs(&im->src, q->qid, scale, &first);
	for (i = first; i < first + n; i++) {
		const struct lss_question *s = &im->src.subs[i];

		if ((int)json_array_size(list) >= max) {
			unsigned long left = (unsigned long)(first + n - i);
			const char *past;

			/* The English says "were" even of one, as it always has. */
			if (what == &row_notes)
				past = note_trn(im, "%d rows past the %dth were left out: a "
				    "question has at most %d", "%d rows past the %dth were left "
				    "out: a question has at most %d", left);
			else
				past = note_trn(im, "%d options past the %dth were left out: a "
				    "question has at most %d", "%d options past the %dth were "
				    "left out: a question has at most %d", left);
			note(im, LSS_NOTE_LOST, im->rq, -1, past, first + n - i, max, max);
			break;
		}
		add_option(im, list, s->code, label_of(im, s->text, what->label_cut), false, what);
	}
	return list;
}

static json_t *
fixed_options(const char *const *values, const char *const *labels, int n)
{
	json_t *opts = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(opts, json_pack("{s:s, s:s}", "value", values[i], "label",
		    labels[i]));
	return opts;
}

/* The condition a made question of this LimeSurvey question gets (a copy
 * of c->cond, and `extra` when given, owned). */
static json_t *
show_if(struct imp *im, struct qctx *c, json_t *extra)
{
	bool too_big;
	json_t *cond = cond_and(c->cond ? json_deep_copy(c->cond) : NULL, extra, &too_big);

	if (too_big)
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("A part of it lost its condition: with its "
		    "group's condition it would be more than a condition can hold"));
	return cond;
}

static int
emit_with(struct imp *im, struct qctx *c, json_t *q, struct str key, enum survey_qtype type,
    json_t *extra)
{
	json_t *cond = show_if(im, c, extra);

	if (cond != NULL)
		json_object_set_new(q, "show_if", cond);
	return emit(im, q, key, type);
}

/* Whether opts has the two options a choice needs; when not, the note
 * `fewer` says so ("A choice needs at least two options, and it has %zu:
 * left out", a sentence for each kind of option). */
static bool
enough_options(struct imp *im, json_t *opts, const char *fewer)
{
	if (json_array_size(opts) >= 2)
		return true;
	note(im, LSS_NOTE_LOST, im->rq, -1, fewer, json_array_size(opts));
	json_decref(opts);
	return false;
}

static void
min_max(struct imp *im, json_t *q, const struct lss_question *lq, const char *min_name,
    const char *max_name, double lo_ok, double hi_ok)
{
	const char *names[2] = { min_name, max_name }, *members[2] = { "min", "max" };
	double v[2];
	bool has[2];
	int i;

	for (i = 0; i < 2; i++) {
		struct str s = lss_source_attribute(&im->src, lq->qid, names[i]);

		has[i] = false;
		if (s.n == 0)
			continue;
		if (!number_of(s, &v[i]) || v[i] < lo_ok || v[i] > hi_ok ||
		    (lo_ok >= 0 && v[i] != floor(v[i]))) {
			s = quote(im, s);
			/* The attribute is named as LimeSurvey names it: not a word to
			 * translate. */
			if (!(lo_ok >= 1 && number_of(s, &v[i]) && v[i] == 0))
				note(im, LSS_NOTE_LOST, im->rq, -1, N_("Its %s '%.*s' is not "
				    "carried over"), names[i], (int)s.n, s.p);
			continue;
		}
		has[i] = true;
	}
	if (has[0] && has[1] && v[1] < v[0]) {
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("Its %s is below its %s: neither is "
		    "carried over"), max_name, min_name);
		return;
	}
	for (i = 0; i < 2; i++)
		if (has[i])
			json_object_set_new(q, members[i], jnumber(v[i]));
}

static void
date_bounds(struct imp *im, json_t *q, const struct lss_question *lq)
{
	const char *names[2] = { "date_min", "date_max" }, *members[2] = { "min", "max" };
	struct str d[2] = { { "", 0 }, { "", 0 } };
	int i;

	for (i = 0; i < 2; i++) {
		struct str s = str_trim(lss_source_attribute(&im->src, lq->qid, names[i]));

		if (s.n == 0)
			continue;
		d[i] = s;
		if (d[i].n > 10 && (d[i].p[10] == ' ' || d[i].p[10] == 'T'))
			d[i].n = 10;
		if (!survey_date_valid(d[i])) {
			s = quote(im, s);
			note(im, LSS_NOTE_LOST, im->rq, -1, N_("Its %s '%.*s' is not a date and is "
			    "not carried over"), names[i], (int)s.n, s.p);
			d[i].n = 0;
		}
	}
	if (d[0].n > 0 && d[1].n > 0 && memcmp(d[0].p, d[1].p, 10) > 0) {
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("Its latest date is before its earliest: "
		    "neither is carried over"));
		return;
	}
	for (i = 0; i < 2; i++)
		if (d[i].n > 0)
			json_object_set_new(q, members[i], jstr(d[i]));
}

/* "TEXT — PART": a part of a question that became questions of its own. */
static struct str
part_text(struct imp *im, struct str text, struct str part)
{
	bool cut;

	return fit(im, concat(im, text, " \xE2\x80\x94 ", part), SURVEY_TEXT_MAX_CHARS, &cut);
}

/* A question for each subquestion (multiple numerical, multiple short
 * text), keyed CODE_SQ as LimeSurvey names them. */
static void
per_sub(struct imp *im, struct qctx *c, struct str key, const char *type, enum survey_qtype t)
{
	const struct lss_question *q = c->q;
	int first, n, i;

	n = lss_source_subs(&im->src, q->qid, 0, &first);
	if (n == 0) {
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("It has no subquestions: left out"));
		return;
	}
	for (i = first; i < first + n; i++) {
		const struct lss_question *s = &im->src.subs[i];
		struct str name = concat(im, q->code, "_", s->code);
		struct str k = key_for(im, name);
		json_t *jq = question(k, type, part_text(im, c->text, label_of(im, s->text,
		    N_("The label of a subquestion was cut to %d characters"))), c->help,
		    c->required);
		int m;

		if (t == SQ_NUMBER)
			min_max(im, jq, q, "min_num_value_n", "max_num_value_n", -1e15, 1e15);
		m = emit_with(im, c, jq, k, t, NULL);
		add_var(im, name, m, VAR_ANSWER, (struct str){ "", 0 });
	}
}

/* How many made questions the LimeSurvey question needs (for the room
 * check before any is made). */
static int
questions_needed(const struct imp *im, const struct lss_question *q)
{
	int first;

	switch (q->type) {
	case 'O': return 2;
	case '1': return 2;
	case 'K':
	case 'Q': return lss_source_subs(&im->src, q->qid, 0, &first);
	case 'P': return 1 + lss_source_subs(&im->src, q->qid, 0, &first) + (q->other ? 1 : 0);
	default: return 1;
	}
}

static void
map_choice(struct imp *im, struct qctx *c, struct str key)
{
	const struct lss_question *q = c->q;
	json_t *opts, *jq;
	int m, i;
	static const char *const yn_values[] = { "Y", "N" }, *const yn_labels[] = { "Yes", "No" };
	static const char *const g_values[] = { "F", "M" }, *const g_labels[] = { "Female", "Male" };

	if (q->type == 'Y')
		opts = fixed_options(yn_values, yn_labels, 2);
	else if (q->type == 'G')
		opts = fixed_options(g_values, g_labels, 2);
	else
		opts = answer_options(im, q, 0, q->other);
	if (!enough_options(im, opts, ANSWER_OPTIONS_FEWER))
		return;
	jq = question(key, "single", c->text, c->help, c->required);
	json_object_set_new(jq, "options", opts);
	m = emit_with(im, c, jq, key, SQ_SINGLE, NULL);
	add_var(im, q->code, m, VAR_ANSWER, (struct str){ "", 0 });
	if (q->type == 'O') {
		struct str name = concat(im, q->code, "_", STR_LIT("comment"));
		struct str k = key_for(im, name);

		jq = question(k, "long_text", part_text(im, c->text, STR_LIT("comment")),
		    (struct str){ "", 0 }, false);
		i = emit_with(im, c, jq, k, SQ_LONG_TEXT, NULL);
		add_var(im, name, i, VAR_ANSWER, (struct str){ "", 0 });
	}
}

static void
map_multiple(struct imp *im, struct qctx *c, struct str key)
{
	const struct lss_question *q = c->q;
	json_t *opts = sub_choices(im, q, 0, SURVEY_OPTIONS_MAX - (q->other ? 1 : 0),
	    &option_notes), *jq, *o;
	size_t i;
	int m;

	if (q->other) {
		struct str label = lss_source_attribute(&im->src, q->qid, "other_replace_text");

		add_option(im, opts, STR_LIT(OTHER_VALUE), label.n > 0 ? label_of(im, label,
		    OTHER_LABEL_CUT) : STR_LIT("Other"), true, &option_notes);
	}
	if (!enough_options(im, opts, N_("A choice needs at least two options, and it has %zu: "
	    "left out")))
		return;
	jq = question(key, "multiple", c->text, c->help, c->required);
	json_object_set_new(jq, "options", opts);
	min_max(im, jq, q, "min_answers", "max_answers", 1, (double)json_array_size(opts));
	m = emit_with(im, c, jq, key, SQ_MULTIPLE, NULL);
	json_array_foreach(opts, i, o) {
		struct str value = str_c(json_string_value(json_object_get(o, "value")));

		add_var(im, concat(im, q->code, "_", value), m, VAR_CHOSEN, value);
	}
	if (q->type != 'P')
		return;
	/* A comment for each option, asked when it is chosen. */
	json_array_foreach(opts, i, o) {
		struct str value = str_c(json_string_value(json_object_get(o, "value"))), label;
		struct str name, k;
		json_t *when, *cq;
		char text[SURVEY_LABEL_MAX_CHARS * 4 + 32];
		int ci;

		label = str_c(json_string_value(json_object_get(o, "label")));
		if (label.n == 0)
			label = value;
		name = str_eq_c(value, OTHER_VALUE) ? concat(im, q->code, "_", STR_LIT("othercomment"))
		    : concat(im, concat(im, q->code, "_", value), "", STR_LIT("comment"));
		k = key_for(im, name);
		snprintf(text, sizeof(text), "comment on \xE2\x80\x9C%.*s\xE2\x80\x9D",
		    (int)label.n, label.p);
		cq = question(k, "text", part_text(im, c->text, str_c(text)), (struct str){ "", 0 },
		    false);
		when = comparison(key, "includes", jstr(value));
		ci = emit_with(im, c, cq, k, SQ_TEXT, when);
		add_var(im, name, ci, VAR_ANSWER, (struct str){ "", 0 });
	}
}

static void
map_grid(struct imp *im, struct qctx *c, struct str key, json_t *opts, struct str text,
    const char *code)
{
	const struct lss_question *q = c->q;
	json_t *rows = sub_choices(im, q, 0, SURVEY_ROWS_MAX, &row_notes), *jq, *r;
	size_t i;
	int m;

	if (json_array_size(rows) == 0) {
		note(im, LSS_NOTE_LOST, im->rq, -1, N_("It has no subquestions to be its rows: "
		    "left out"));
		json_decref(rows);
		json_decref(opts);
		return;
	}
	if (!enough_options(im, opts, ANSWER_OPTIONS_FEWER)) {
		json_decref(rows);
		return;
	}
	jq = question(key, "grid", text, c->help, c->required);
	json_object_set_new(jq, "rows", rows);
	json_object_set_new(jq, "options", opts);
	m = emit_with(im, c, jq, key, SQ_GRID, NULL);
	/* Rows can be named, though a grid's answers cannot be compared. */
	json_array_foreach(rows, i, r)
		add_var(im, concat(im, str_c(code), "_", str_c(json_string_value(
		    json_object_get(r, "value")))), m, VAR_ANSWER, (struct str){ "", 0 });
}

static void
map_array(struct imp *im, struct qctx *c, struct str key)
{
	static const char *const five[] = { "1", "2", "3", "4", "5" };
	static const char *const ten[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10" };
	static const char *const yun[] = { "Y", "U", "N" };
	static const char *const yun_labels[] = { "Yes", "Uncertain", "No" };
	static const char *const isd[] = { "I", "S", "D" };
	static const char *const isd_labels[] = { "Increase", "Same", "Decrease" };
	const struct lss_question *q = c->q;
	char code[SURVEY_KEY_MAX * 2 + 1];
	json_t *opts;

	snprintf(code, sizeof(code), "%.*s", (int)q->code.n, q->code.p);
	switch (q->type) {
	case 'A': opts = fixed_options(five, five, 5); break;
	case 'B': opts = fixed_options(ten, ten, 10); break;
	case 'C': opts = fixed_options(yun, yun_labels, 3); break;
	case 'E': opts = fixed_options(isd, isd_labels, 3); break;
	default: opts = answer_options(im, q, 0, false); break;
	}
	if (q->type == 'H')
		note(im, LSS_NOTE_CHANGED, im->rq, -1, N_("Shown by row (LimeSurvey showed it by "
		    "column)"));
	map_grid(im, c, key, opts, c->text, code);
}

static void
map_dual(struct imp *im, struct qctx *c)
{
	const struct lss_question *q = c->q;
	static const char *const headers[] = { "dualscale_headerA", "dualscale_headerB" };
	static const char *const fallback[] = { "first scale", "second scale" };
	char code[SURVEY_KEY_MAX * 2 + 1];
	int s;

	snprintf(code, sizeof(code), "%.*s", (int)q->code.n, q->code.p);
	for (s = 0; s < 2; s++) {
		struct str header = lss_source_attribute(&im->src, q->qid, headers[s]);
		struct str k = key_for(im, concat(im, q->code, "_", s == 0 ? STR_LIT("1") :
		    STR_LIT("2")));

		header = header.n > 0 ? label_of(im, header, N_("The label of a scale was cut to "
		    "%d characters")) : str_c(fallback[s]);
		map_grid(im, c, k, answer_options(im, q, s, false), part_text(im, c->text, header),
		    code);
	}
}

static void
map_simple(struct imp *im, struct qctx *c, struct str key, const char *type,
    enum survey_qtype t)
{
	const struct lss_question *q = c->q;
	json_t *jq = question(key, type, c->text, c->help, c->required);
	int m;

	if (t == SQ_NUMBER)
		min_max(im, jq, q, "min_num_value_n", "max_num_value_n", -1e15, 1e15);
	else if (t == SQ_RATING)
		json_object_set_new(jq, "min", json_integer(1)), json_object_set_new(jq, "max",
		    json_integer(5));
	else if (t == SQ_DATE)
		date_bounds(im, jq, q);
	else if (t == SQ_RANKING) {
		json_t *opts = answer_options(im, q, 0, false);

		if (json_array_size(opts) == 0) {
			json_decref(opts);
			opts = sub_choices(im, q, 0, SURVEY_OPTIONS_MAX, &option_notes);
		}
		if (!enough_options(im, opts, N_("A choice needs at least two items to rank, and "
		    "it has %zu: left out"))) {
			json_decref(jq);
			return;
		}
		json_object_set_new(jq, "options", opts);
		if (lss_source_attribute(&im->src, q->qid, "min_answers").n > 0 ||
		    lss_source_attribute(&im->src, q->qid, "max_answers").n > 0)
			note(im, LSS_NOTE_LOST, im->rq, -1, N_("How many items must be ranked "
			    "(min_answers, max_answers) is not carried over"));
	}
	m = emit_with(im, c, jq, key, t, NULL);
	if (t != SQ_INFO && t != SQ_RANKING)
		add_var(im, q->code, m, VAR_ANSWER, (struct str){ "", 0 });
}

/* Types with no counterpart: the note that says why each is left out (an
 * equation's with its expression, %.*s). */
static const char *
no_counterpart(char type)
{
	switch (type) {
	case '*': return N_("An equation (a value LimeSurvey works out) has no counterpart in "
	    "involve: left out (it was %.*s)");
	case '|': return N_("A file upload has no counterpart in involve: left out");
	case ':': return N_("An array of numbers (a number in each cell) has no counterpart in "
	    "involve: left out");
	case ';': return N_("An array of texts (text in each cell) has no counterpart in "
	    "involve: left out");
	case 'I': return N_("A language switch has no counterpart: involve shows each person "
	    "their own language: left out");
	default: return NULL;
	}
}

static void
map_question(struct imp *im, int index)
{
	const struct lss_question *q = &im->src.questions[index];
	struct lss_report_question *rq = &im->r->questions[index];
	struct qctx c = { .q = q };
	struct cond_ctx cc;
	const struct lss_condition *conds;
	struct str key;
	const char *why;
	json_t *own = NULL, *group;
	bool too_big;
	int first, cond_n;

	im->rq = index;
	rq->code = q->code;
	rq->type = q->type;
	rq->page = im->group_report;
	memset(&im->html, 0, sizeof(im->html));
	buf_reset(&im->became);
	if ((why = no_counterpart(q->type)) != NULL || lss_type_name(q->type)[0] == '\0') {
		if (why == NULL)
			note(im, LSS_NOTE_LOST, index, -1, N_("Its type '%c' is not one this "
			    "knows: left out"), q->type);
		else if (q->type == '*')
			note(im, LSS_NOTE_LOST, index, -1, why, (int)quote(im, q->text).n,
			    quote(im, q->text).p);
		else
			note(im, LSS_NOTE_LOST, index, -1, "%s", tx(im, why));
		return;
	}
	if (im->left_full > 0 || !room_for(im, questions_needed(im, q))) {
		if (im->left_full++ == 0)
			im->first_left_full = q->code;
		return;
	}
	texts(im, &c, q->type == 'X');
	c.required = q->mandatory == 'Y' && q->type != 'X';
	if (q->mandatory == 'S')
		note(im, LSS_NOTE_CHANGED, index, -1, N_("Soft mandatory in LimeSurvey (it could "
		    "be skipped after a warning): optional here"));
	/* Its own condition, then its group's beside it. */
	cc = (struct cond_ctx){ .before = im->made_n };
	cond_n = lss_source_conditions(&im->src, q->qid, &first);
	conds = cond_n > 0 ? &im->src.conditions[first] : NULL;
	if (condition_of(im, q->relevance, conds, cond_n, &cc, &own) != 0) {
		struct str t = condition_text(im, q->relevance, conds, cond_n);

		note(im, LSS_NOTE_LOST, index, -1, N_("Shown in LimeSurvey only when %.*s: %s "
		    "cannot be carried over, so it is always shown"), (int)t.n, t.p, cc.why);
	} else if (own != NULL) {
		rq->condition = condition_text(im, q->relevance, conds, cond_n);
	}
	group = im->group_page >= 0 ? im->pg[im->group_page].cond : im->group_cond;
	c.cond = cond_and(group != NULL ? json_deep_copy(group) : NULL, own, &too_big);
	if (too_big)
		note(im, LSS_NOTE_LOST, index, -1, N_("Its condition is not carried over: with its "
		    "group's condition it would be more than a condition can hold"));
	attribute_notes(im, q);
	key = (q->type == '1' || q->type == 'K' || q->type == 'Q') ? q->code :
	    key_for(im, q->code);
	switch (q->type) {
	case 'L': case '!': case 'O': case 'Y': case 'G':
		map_choice(im, &c, key);
		break;
	case 'M': case 'P':
		map_multiple(im, &c, key);
		break;
	case '5': map_simple(im, &c, key, "rating", SQ_RATING); break;
	case 'S': map_simple(im, &c, key, "text", SQ_TEXT); break;
	case 'T': case 'U': map_simple(im, &c, key, "long_text", SQ_LONG_TEXT); break;
	case 'N': map_simple(im, &c, key, "number", SQ_NUMBER); break;
	case 'D': map_simple(im, &c, key, "date", SQ_DATE); break;
	case 'R': map_simple(im, &c, key, "ranking", SQ_RANKING); break;
	case 'X': map_simple(im, &c, key, "info", SQ_INFO); break;
	case 'K': per_sub(im, &c, key, "number", SQ_NUMBER); break;
	case 'Q': per_sub(im, &c, key, "text", SQ_TEXT); break;
	case '1': map_dual(im, &c); break;
	default: map_array(im, &c, key); break; /* F H A B C E */
	}
	json_decref(c.cond);
	if (im->html.removed != 0) {
		struct buf b = BUF_INIT;

		lss_html_removed_text(&im->html, im->lang, &b);
		note(im, LSS_NOTE_LOST, index, -1, N_("From its text: removed %.*s"), (int)b.n,
		    b.p);
		buf_free(&b);
	}
	if (im->html.expr_n > 0) {
		struct buf b = BUF_INIT;
		int i;

		for (i = 0; i < im->html.expr_n && i < LSS_HTML_EXPRS_MAX; i++)
			buf_printf(&b, "%s%.*s", i ? ", " : "", (int)im->html.exprs[i].n,
			    im->html.exprs[i].p);
		note(im, LSS_NOTE_LOST, index, -1, N_("Text filled in from answers or settings "
		    "(%.*s%s) was taken out: involve does not fill text in"), (int)b.n, b.p,
		    im->html.expr_n > LSS_HTML_EXPRS_MAX ? ", ..." : "");
		buf_free(&b);
	}
	if (im->became.n > 0)
		rq->became = buf_ok(&im->became) ? arena_str(im->a, (struct str){ im->became.p,
		    im->became.n }) : (struct str){ "", 0 };
}

/* ---- the survey ------------------------------------------------------------------------------ */

static void
survey_notes(struct imp *im)
{
	const struct lss_source *s = &im->src;
	struct buf b = BUF_INIT;
	int i;

	if (s->language_n > 0) {
		for (i = 0; i < s->language_n; i++)
			buf_printf(&b, "%s%.*s", i ? ", " : "", (int)s->languages[i].n,
			    s->languages[i].p);
		note(im, LSS_NOTE_LOST, -1, -1, N_("Only the base language '%.*s' was imported; "
		    "the survey's other languages (%.*s) were not"), (int)s->base.n, s->base.p,
		    (int)b.n, b.p);
	}
	buf_free(&b);
	if (s->db_version > LSS_DBVERSION_KNOWN)
		note(im, LSS_NOTE_CHANGED, -1, -1, N_("The file is from structure version %d, "
		    "newer than %d, the newest this was tried with: check what came across"),
		    s->db_version, LSS_DBVERSION_KNOWN);
	if (str_eq_c(s->assessments, "Y") || s->assessment_n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, N_("Assessments (scores worked out from answers) "
		    "have no counterpart in involve"));
	if (s->quota_n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, note_trn(im, "%d quota has no counterpart in "
		    "involve", "%d quotas have no counterpart in involve",
		    (unsigned long)s->quota_n), s->quota_n);
	if (s->template_name.n > 0 && !str_eq_c(s->template_name, "inherit"))
		note(im, LSS_NOTE_LOST, -1, -1, N_("The theme '%.*s' is not carried over: "
		    "involve's pages have the NHS.UK design"), (int)quote(im, s->template_name).n,
		    quote(im, s->template_name).p);
	if (str_trim(s->welcome).n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, N_("The welcome text is not carried over"));
	if (str_trim(s->end).n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, N_("The end text is not carried over"));
	if (str_trim(s->description).n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, N_("The survey's description is not carried over"));
	if (s->start.n > 0 || s->expires.n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, N_("The start and expiry dates are not carried "
		    "over: the survey is a draft until it is opened"));
	if (str_eq_c(s->tokens, "Y"))
		note(im, LSS_NOTE_LOST, -1, -1, N_("LimeSurvey's participant list (tokens) is not "
		    "carried over: invitation codes can be made for the survey"));
	if (str_eq_c(s->format, "A"))
		note(im, LSS_NOTE_CHANGED, -1, -1, N_("LimeSurvey showed it all on one page; here "
		    "each group is a page"));
	else if (str_eq_c(s->format, "S"))
		note(im, LSS_NOTE_CHANGED, -1, -1, N_("LimeSurvey showed it a question at a time; "
		    "here each group is a page"));
	if (s->orphan_n > 0)
		note(im, LSS_NOTE_LOST, -1, -1, note_trn(im, "%d question in no group was left out",
		    "%d questions in no group were left out", (unsigned long)s->orphan_n),
		    s->orphan_n);
}

static void
set_title(struct imp *im, struct lss_import *out)
{
	struct errors e;
	bool cut;
	struct str t;

	memset(&im->html, 0, sizeof(im->html));
	/* A title is plain text wherever it is shown: its words only. */
	t = fit(im, convert(im, im->src.title, LSS_HTML_ONE_LINE | LSS_HTML_WORDS),
	    SURVEY_TITLE_MAX_CHARS, &cut);
	if (cut)
		note(im, LSS_NOTE_CHANGED, -1, -1, N_("The title was cut to %d characters"),
		    SURVEY_TITLE_MAX_CHARS);
	errors_init(&e);
	if (t.n == 0 || survey_title_check(t, &e) != 0) {
		char title[64];
		struct str sid = quote(im, im->src.sid);

		if (sid.n > 0 && sid.n <= 20)
			snprintf(title, sizeof(title), "Imported from LimeSurvey (survey %.*s)",
			    (int)sid.n, sid.p);
		else
			snprintf(title, sizeof(title), "Imported from LimeSurvey");
		t = arena_str(im->a, str_c(title));
		if (t.p == NULL)
			t = STR_LIT("Imported from LimeSurvey");
		note(im, LSS_NOTE_CHANGED, -1, -1, N_("The survey has no title in its base "
		    "language: it is called \"%.*s\""), (int)t.n, t.p);
	}
	out->title = t;
	im->r->title = t;
}

/* The definition as text, read back as involve reads one: any problem
 * found then is a fault here, and refuses the import. */
static int
finish(struct imp *im, struct lss_import *out, struct errors *e)
{
	struct survey_def d;
	struct errors de;
	char *text;
	int rc, i;

	if ((text = json_dumps(im->pages, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		return ERR_NOMEM;
	out->pages = arena_str(im->a, str_c(text));
	free(text);
	if (out->pages.p == NULL)
		return ERR_NOMEM;
	if (out->pages.n > SURVEY_DEF_MAX_BYTES) {
		errors_add(e, "file", N_("The survey would be larger than involve keeps (%d KiB of "
		    "definition): import a part of it"), SURVEY_DEF_MAX_BYTES >> 10);
		return ERR_INVALID;
	}
	/* In the caller's language: its messages are copied there as they are. */
	errors_init_in(&de, e->lang);
	if ((rc = survey_def_parse(out->pages, im->a, &d, &de)) != 0) {
		if (rc == ERR_NOMEM)
			return rc;
		for (i = 0; i < de.n; i++)
			errors_add(e, de.list[i].field, "%s", de.list[i].detail);
		errors_add(e, "file", N_("The survey made from the file is not one involve can "
		    "keep"));
		return ERR_INVALID;
	}
	im->r->questions_made = d.question_n;
	return 0;
}

int
lss_import(struct str file, struct arena *a, struct lss_import *out, struct errors *e)
{
	struct imp *im;
	struct lss_file f;
	struct lss_report *r = &out->report;
	int rc, g, q = 0;

	memset(out, 0, sizeof(*out));
	if ((im = calloc(1, sizeof(*im))) == NULL)
		return ERR_NOMEM;
	im->a = a;
	/* The report is for whoever reads e: a page's visitor in theirs, the
	 * API and the command in English. */
	im->lang = e->lang;
	im->r = r;
	rc = lss_file_read(file, a, &f, e);
	r->db_version = f.db_version;
	if (rc != 0)
		goto out;
	if ((rc = lss_source_read(&f, a, &im->src, e)) != 0)
		goto out;
	r->survey_id = im->src.sid;
	r->language = im->src.base;
	r->language_n = im->src.language_n;
	r->languages = im->src.languages;
	r->notes = arena_array(a, LSS_NOTES_MAX, sizeof(*r->notes));
	r->pages = arena_array(a, (size_t)im->src.group_n + 1, sizeof(*r->pages));
	r->questions = arena_array(a, (size_t)im->src.question_n + 1, sizeof(*r->questions));
	im->pg = arena_array(a, SURVEY_PAGES_MAX + 1, sizeof(*im->pg));
	im->keys = arena_array(a, MADE_CAP, sizeof(*im->keys));
	im->pages = json_array();
	if (r->notes == NULL || r->pages == NULL || r->questions == NULL || im->pg == NULL ||
	    im->keys == NULL || im->pages == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	set_title(im, out);
	survey_notes(im);
	r->question_n = im->src.question_n;
	memset(r->questions, 0, (size_t)r->question_n * sizeof(*r->questions));
	for (g = 0; g < im->src.group_n; g++) {
		struct lss_report_page *rp = &r->pages[r->page_n];

		memset(rp, 0, sizeof(*rp));
		rp->group_id = im->src.groups[g].gid;
		memset(&im->html, 0, sizeof(im->html));
		rp->name = markdown(im, im->src.groups[g].name, true);
		im->group_report = r->page_n++;
		start_group(im, &im->src.groups[g]);
		for (; q < im->src.question_n && im->src.questions[q].gid == im->group->gid; q++)
			map_question(im, q);
		json_decref(im->group_cond);
		im->group_cond = NULL;
		if (im->group_page < 0 && im->left_full == 0)
			note(im, LSS_NOTE_LOST, -1, im->group_report, N_("No question of the group "
			    "could be carried over, so it has no page"));
	}
	if (im->left_full > 0)
		note(im, LSS_NOTE_LOST, -1, -1, note_trn(im, "The survey has more than involve's "
		    "%d questions or %d pages: %d question from '%.*s' on was left out",
		    "The survey has more than involve's %d questions or %d pages: %d questions "
		    "from '%.*s' on were left out", (unsigned long)im->left_full),
		    SURVEY_QUESTIONS_MAX, SURVEY_PAGES_MAX, im->left_full,
		    (int)text_utf8_cut(im->first_left_full, 40),
		    im->first_left_full.p);
	if (im->nomem) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (im->made_n == 0) {
		errors_add(e, "file", im->src.question_n == 0 ?
		    N_("Nothing in the survey could be carried over: it has no questions") :
		    N_("Nothing in the survey could be carried over: see the report for each "
		    "question"));
		rc = ERR_INVALID;
		goto out;
	}
	page_rules(im);
	if ((rc = finish(im, out, e)) != 0)
		goto out;
	r->imported = true;
out:
	for (g = 0; im->pg != NULL && g < im->pg_n; g++)
		json_decref(im->pg[g].cond);
	json_decref(im->pages);
	buf_free(&im->became);
	lss_file_close(&f);
	free(im);
	return rc;
}

void
lss_import_input(const struct lss_import *im, struct survey_input *in)
{
	memset(in, 0, sizeof(*in));
	in->title = im->title;
	in->pages = im->pages;
	in->who = POLL_WHO_ANYONE;
	in->opening = POLL_OPEN_LATER;
}
