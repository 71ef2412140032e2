/*
 * lss_html.c - LimeSurvey's HTML texts as inert Markdown (lss_html.h).
 *
 * libxml2's HTML parser builds a tree (it is forgiving, as browsers are,
 * so whatever a LimeSurvey editor saved reads as something); one walk of
 * the tree writes Markdown, deciding for each element whether its words
 * stay, and with what around them.  Emphasis and links are written from
 * their content rendered apart and trimmed, because "* word *" is not
 * emphasis in Markdown.  Breaks and spaces are owed, not written, until
 * the next word, so none is left dangling at the end of a block.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "involve/i18n.h"
#include "involve/lss_html.h"
#include "involve/text.h"

/* An expression is quoted in the report up to this many bytes. */
#define EXPR_QUOTE_MAX 160

/* What happens to an element. */
enum kind {
	K_INLINE,   /* words kept, the tag silently gone (span, html, body) */
	K_BLOCK,    /* words kept as a paragraph (p, div, blockquote) */
	K_FORMAT,   /* words kept as paragraphs, the form lost (headings) */
	K_ROW,      /* words kept on a line of their own (tr, dt, dd) */
	K_CELL,     /* words kept, a space apart (td, th) */
	K_BREAK,    /* br */
	K_RULE,     /* hr */
	K_LIST,     /* ul */
	K_OLIST,    /* ol */
	K_ITEM,     /* li */
	K_EM,       /* em, i */
	K_STRONG,   /* strong, b */
	K_LINK,     /* a */
	K_DROP,     /* left out with its content, reported by its flag */
	K_OTHER,    /* words kept, the tag reported */
};

static const struct {
	const char *name;
	enum kind kind;
	unsigned flag; /* for K_DROP and the kinds that report */
} elements[] = {
	{ "p", K_BLOCK, 0 }, { "div", K_BLOCK, 0 }, { "blockquote", K_BLOCK, 0 },
	{ "section", K_BLOCK, 0 }, { "article", K_BLOCK, 0 }, { "header", K_BLOCK, 0 },
	{ "footer", K_BLOCK, 0 }, { "main", K_BLOCK, 0 }, { "aside", K_BLOCK, 0 },
	{ "nav", K_BLOCK, 0 }, { "address", K_BLOCK, 0 }, { "figure", K_BLOCK, 0 },
	{ "figcaption", K_BLOCK, 0 }, { "pre", K_BLOCK, 0 }, { "center", K_BLOCK, 0 },
	{ "dl", K_BLOCK, 0 }, { "details", K_BLOCK, 0 }, { "summary", K_BLOCK, 0 },
	{ "h1", K_FORMAT, LSS_HTML_FORMAT }, { "h2", K_FORMAT, LSS_HTML_FORMAT },
	{ "h3", K_FORMAT, LSS_HTML_FORMAT }, { "h4", K_FORMAT, LSS_HTML_FORMAT },
	{ "h5", K_FORMAT, LSS_HTML_FORMAT }, { "h6", K_FORMAT, LSS_HTML_FORMAT },
	{ "table", K_FORMAT, LSS_HTML_FORMAT }, { "caption", K_ROW, 0 }, { "tr", K_ROW, 0 },
	{ "thead", K_INLINE, 0 }, { "tbody", K_INLINE, 0 }, { "tfoot", K_INLINE, 0 },
	{ "dt", K_ROW, 0 }, { "dd", K_ROW, 0 }, { "td", K_CELL, 0 }, { "th", K_CELL, 0 },
	{ "html", K_INLINE, 0 }, { "body", K_INLINE, 0 }, { "span", K_INLINE, 0 },
	{ "br", K_BREAK, 0 }, { "hr", K_RULE, 0 },
	{ "ul", K_LIST, 0 }, { "ol", K_OLIST, 0 }, { "li", K_ITEM, 0 },
	{ "em", K_EM, 0 }, { "i", K_EM, 0 }, { "strong", K_STRONG, 0 }, { "b", K_STRONG, 0 },
	{ "a", K_LINK, 0 },
	{ "script", K_DROP, LSS_HTML_SCRIPT }, { "noscript", K_DROP, LSS_HTML_SCRIPT },
	{ "style", K_DROP, LSS_HTML_STYLE },
	{ "iframe", K_DROP, LSS_HTML_FRAME }, { "frame", K_DROP, LSS_HTML_FRAME },
	{ "frameset", K_DROP, LSS_HTML_FRAME }, { "object", K_DROP, LSS_HTML_FRAME },
	{ "embed", K_DROP, LSS_HTML_FRAME }, { "applet", K_DROP, LSS_HTML_FRAME },
	{ "param", K_DROP, LSS_HTML_FRAME },
	{ "img", K_DROP, LSS_HTML_MEDIA }, { "svg", K_DROP, LSS_HTML_MEDIA },
	{ "math", K_DROP, LSS_HTML_MEDIA }, { "video", K_DROP, LSS_HTML_MEDIA },
	{ "audio", K_DROP, LSS_HTML_MEDIA }, { "canvas", K_DROP, LSS_HTML_MEDIA },
	{ "picture", K_DROP, LSS_HTML_MEDIA }, { "source", K_DROP, LSS_HTML_MEDIA },
	{ "track", K_DROP, LSS_HTML_MEDIA }, { "map", K_DROP, LSS_HTML_MEDIA },
	{ "area", K_DROP, LSS_HTML_MEDIA },
	{ "input", K_DROP, LSS_HTML_FORM }, { "select", K_DROP, LSS_HTML_FORM },
	{ "textarea", K_DROP, LSS_HTML_FORM }, { "button", K_DROP, LSS_HTML_FORM },
	{ "datalist", K_DROP, LSS_HTML_FORM }, { "output", K_DROP, LSS_HTML_FORM },
	{ "keygen", K_DROP, LSS_HTML_FORM }, { "option", K_DROP, LSS_HTML_FORM },
	{ "optgroup", K_DROP, LSS_HTML_FORM },
	{ "form", K_OTHER, LSS_HTML_FORM }, { "fieldset", K_OTHER, LSS_HTML_FORM },
	{ "label", K_OTHER, LSS_HTML_FORM }, { "legend", K_OTHER, LSS_HTML_FORM },
	{ "head", K_DROP, LSS_HTML_OTHER }, { "title", K_DROP, LSS_HTML_OTHER },
	{ "meta", K_DROP, LSS_HTML_OTHER }, { "link", K_DROP, LSS_HTML_OTHER },
	{ "base", K_DROP, LSS_HTML_OTHER }, { "template", K_DROP, LSS_HTML_OTHER },
};

/* The Markdown being written: one for the text, and one apart for the
 * content of each emphasis or link. */
struct md {
	struct buf b;
	struct arena *a;
	struct lss_html_info *info;
	bool one_line;
	bool in_link;     /* brackets in words are escaped: they would end the link's text */
	bool words_only;  /* LSS_HTML_WORDS: emphasis and links written as their words */
	int brk;          /* owed before the next word: 0, 1 (a line), 2 (a paragraph) */
	bool space;       /* a space owed before the next word */
	bool lead;        /* white space came before the first word */
	bool item;        /* a list item's marker owed */
	char marker[48];
	int list_level;
};

static enum kind
kind_of(const char *name, unsigned *flag)
{
	size_t i;

	for (i = 0; i < sizeof(elements) / sizeof(elements[0]); i++)
		if (strcasecmp(name, elements[i].name) == 0) {
			*flag = elements[i].flag;
			return elements[i].kind;
		}
	*flag = LSS_HTML_OTHER;
	return K_OTHER;
}

static void
note_tag(struct lss_html_info *info, const char *name)
{
	int i;

	info->removed |= LSS_HTML_OTHER;
	for (i = 0; i < info->tag_n; i++)
		if (strcasecmp(info->tags[i], name) == 0)
			return;
	if (info->tag_n < LSS_HTML_TAGS_MAX && strlen(name) < LSS_HTML_TAG_NAME_MAX) {
		snprintf(info->tags[info->tag_n], LSS_HTML_TAG_NAME_MAX, "%s", name);
		info->tag_n++;
	}
}

/* ---- words --------------------------------------------------------------------------- */

static bool
is_space(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
	    cp == 0xA0 || cp == 0x2028 || cp == 0x2029;
}

static void
trim_end(struct buf *b)
{
	while (b->n > 0 && (b->p[b->n - 1] == ' ' || b->p[b->n - 1] == '\n'))
		b->n--;
}

/* Writes what is owed before a word: a break, a space, a list marker. */
static void
flush(struct md *m)
{
	if (m->b.n > 0) {
		if (m->brk > 0) {
			trim_end(&m->b);
			if (m->one_line)
				buf_addch(&m->b, ' ');
			else
				buf_add(&m->b, "\n\n", (size_t)m->brk);
		} else if (m->space && m->b.p[m->b.n - 1] != ' ' && m->b.p[m->b.n - 1] != '\n') {
			buf_addch(&m->b, ' ');
		}
	}
	if (m->item) {
		if (!m->one_line)
			buf_add_c(&m->b, m->marker);
		else if (m->b.n > 0 && m->b.p[m->b.n - 1] != ' ')
			buf_addch(&m->b, ' ');
		m->item = false;
	}
	m->brk = 0;
	m->space = false;
}

static void
owe_break(struct md *m, int n)
{
	if (m->brk < n)
		m->brk = n;
}

/* Whether b ends with a ']' that is not escaped (an even run of
 * backslashes before it). */
static bool
ends_with_bracket(const struct buf *b)
{
	size_t k, run = 0;

	if (b->n == 0 || b->p[b->n - 1] != ']')
		return false;
	for (k = b->n - 1; k > 0 && b->p[k - 1] == '\\'; k--)
		run++;
	return run % 2 == 0;
}

/* Whether b ends with a '<' that is not escaped. */
static bool
ends_with_angle(const struct buf *b)
{
	size_t k, run = 0;

	if (b->n == 0 || b->p[b->n - 1] != '<')
		return false;
	for (k = b->n - 1; k > 0 && b->p[k - 1] == '\\'; k--)
		run++;
	return run % 2 == 0;
}

/*
 * Writes words (already free of expressions): white space runs become one
 * owed space, control characters go, and what Markdown would read as HTML
 * or as a link is escaped, looking at what was written before, so that
 * nothing that goes between two characters can bring them together.
 */
static void
words(struct md *m, struct str s)
{
	size_t i = 0, len;
	unsigned cp;

	while (i < s.n) {
		len = text_decode(s, i, &cp);
		if (len == 0) { /* not UTF-8 (it always is, from libxml2): dropped */
			i++;
			continue;
		}
		if (is_space(cp)) {
			if (m->b.n == 0 && !m->item)
				m->lead = true;
			m->space = true;
			i += len;
			continue;
		}
		if (text_is_control(cp)) {
			i += len;
			continue;
		}
		if (m->b.n == 0 && m->space)
			m->lead = true;
		flush(m);
		/* A backslash is a character of its own, and one written before
		 * a bracket or a '<' is an escape: it can never be taken for
		 * one, nor undo one. */
		if (cp == '\\') {
			buf_add(&m->b, "\\\\", 2);
			i++;
			continue;
		}
		/* "](" would make the words before it a link, and "]:" a link's
		 * definition: the bracket is escaped, whichever node it came in. */
		if ((cp == '(' || cp == ':') && ends_with_bracket(&m->b)) {
			m->b.n--;
			buf_add(&m->b, "\\]", 2);
		}
		/* A '<' before what could name a tag, a comment or an address
		 * (whatever came between them and went) is escaped. */
		if (((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '/' ||
		    cp == '!' || cp == '?') && ends_with_angle(&m->b)) {
			m->b.n--;
			buf_add(&m->b, "\\<", 2);
		}
		if ((cp == ']' || cp == '[') && m->in_link)
			buf_addch(&m->b, '\\');
		buf_add(&m->b, s.p + i, len);
		i += len;
	}
}

/* Keeps expression s[0..n) for the report (the first few, cut short). */
static void
keep_expr(struct md *m, const char *p, size_t n)
{
	struct str e = { p, n };

	if (m->info->expr_n < LSS_HTML_EXPRS_MAX) {
		e.n = text_utf8_cut(e, EXPR_QUOTE_MAX);
		m->info->exprs[m->info->expr_n] = arena_str(m->a, e);
	}
	m->info->expr_n++;
}

/*
 * Writes a text node, taking out ExpressionScript as LimeSurvey finds it:
 * a '{' with no white space after it, to the matching '}' with none
 * before it, braces inside quoted strings not counted.  Anything else in
 * braces ("{ a }", an unclosed '{') is words.
 */
static void
text_node(struct md *m, struct str s)
{
	size_t i = 0, from = 0, j;
	int depth;
	char quote;

	while (i < s.n) {
		if (s.p[i] != '{' || i + 1 >= s.n || is_space((unsigned char)s.p[i + 1]) ||
		    s.p[i + 1] == '}') {
			i++;
			continue;
		}
		depth = 1;
		quote = 0;
		for (j = i + 1; j < s.n; j++) {
			char c = s.p[j];

			if (quote) {
				if (c == '\\')
					j++;
				else if (c == quote)
					quote = 0;
			} else if (c == '"' || c == '\'') {
				quote = c;
			} else if (c == '{') {
				depth++;
			} else if (c == '}' && --depth == 0) {
				break;
			}
		}
		if (j >= s.n || is_space((unsigned char)s.p[j - 1])) {
			i++;
			continue;
		}
		words(m, (struct str){ s.p + from, i - from });
		keep_expr(m, s.p + i, j + 1 - i);
		i = from = j + 1;
	}
	words(m, (struct str){ s.p + from, s.n - from });
}

/* ---- elements ------------------------------------------------------------------------ */

static void walk(struct md *m, xmlNode *n, int depth);

static void
check_attributes(struct md *m, xmlNode *n)
{
	xmlAttr *at;

	for (at = n->properties; at != NULL; at = at->next) {
		const char *name = (const char *)at->name;

		if (strncasecmp(name, "on", 2) == 0)
			m->info->removed |= LSS_HTML_EVENT;
		else if (strcasecmp(name, "style") == 0)
			m->info->removed |= LSS_HTML_STYLE;
	}
}

static void
children(struct md *m, xmlNode *n, int depth)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		walk(m, c, depth + 1);
}

/* An address kept for a link: http or https, not too long. */
static bool
url_allowed(const char *href, size_t *skip)
{
	size_t n;

	*skip = 0;
	while (href[*skip] == ' ' || href[*skip] == '\t' || href[*skip] == '\n' ||
	    href[*skip] == '\r')
		(*skip)++;
	href += *skip;
	n = strlen(href);
	return n <= LSS_HTML_URL_MAX && (strncasecmp(href, "http://", 7) == 0 ||
	    strncasecmp(href, "https://", 8) == 0) && n > 8;
}

/* The address as a Markdown link destination: bytes that would end it,
 * start HTML or be read as brackets, and every byte past ASCII (so no
 * control or separator character), percent-encoded. */
static void
add_url(struct buf *b, const char *href)
{
	const unsigned char *p;

	for (p = (const unsigned char *)href; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7F || *p == '(' || *p == ')' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '"' || *p == '`' || *p == '\'' || *p == '[' || *p == ']')
			buf_printf(b, "%%%02X", *p);
		else
			buf_addch(b, (char)*p);
	}
	/* Trailing white space was encoded as %20s: take them off again. */
	while (b->n >= 3 && memcmp(b->p + b->n - 3, "%20", 3) == 0)
		b->n -= 3;
}

/*
 * Emphasis and links: the content is written apart, on one line, then
 * trimmed and put between the markers, the spaces around it kept as owed
 * spaces.
 */
static void
wrapped(struct md *m, xmlNode *n, int depth, const char *open, const char *close,
    const char *href)
{
	struct md sub = { .a = m->a, .info = m->info, .one_line = true,
		.in_link = m->in_link || href != NULL, .list_level = m->list_level };
	bool trail;

	if (m->words_only) {
		children(m, n, depth);
		return;
	}
	children(&sub, n, depth);
	trail = sub.space || sub.brk > 0;
	trim_end(&sub.b);
	if (sub.lead)
		m->space = true;
	if (sub.b.n > 0) {
		if (m->b.n == 0 && m->space)
			m->lead = true;
		flush(m);
		buf_add_c(&m->b, open);
		buf_add(&m->b, sub.b.p, sub.b.n);
		buf_add_c(&m->b, close);
		if (href != NULL) {
			add_url(&m->b, href);
			buf_addch(&m->b, ')');
		}
	}
	if (trail)
		m->space = true;
	if (!buf_ok(&sub.b))
		m->b.failed = true;
	buf_free(&sub.b);
}

static void
link(struct md *m, xmlNode *n, int depth)
{
	xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
	size_t skip;

	if (href == NULL || m->in_link) {
		children(m, n, depth);
	} else if (url_allowed((const char *)href, &skip)) {
		wrapped(m, n, depth, "[", "](", (const char *)href + skip);
	} else {
		/* The words stay; where they pointed goes. */
		if (href[0] != '\0')
			m->info->removed |= LSS_HTML_LINK;
		children(m, n, depth);
	}
	xmlFree(href);
}

static void
list(struct md *m, xmlNode *n, int depth, bool ordered)
{
	xmlNode *c;
	int number = 0;

	owe_break(m, m->list_level > 0 ? 1 : 2);
	m->list_level++;
	for (c = n->children; c != NULL; c = c->next) {
		unsigned flag;

		if (c->type == XML_ELEMENT_NODE && kind_of((const char *)c->name, &flag) == K_ITEM) {
			check_attributes(m, c);
			owe_break(m, 1);
			number++;
			snprintf(m->marker, sizeof(m->marker), "%*s%s", (m->list_level - 1) * 3, "",
			    ordered ? "" : "- ");
			if (ordered)
				snprintf(m->marker + strlen(m->marker),
				    sizeof(m->marker) - strlen(m->marker), "%d. ", number);
			m->item = true;
			children(m, c, depth + 1);
			m->item = false;
			owe_break(m, 1);
		} else {
			walk(m, c, depth + 1);
		}
	}
	m->list_level--;
	owe_break(m, m->list_level > 0 ? 1 : 2);
}

static void
element(struct md *m, xmlNode *n, int depth)
{
	unsigned flag;
	enum kind k = kind_of((const char *)n->name, &flag);

	check_attributes(m, n);
	switch (k) {
	case K_DROP:
		m->info->removed |= flag;
		if (flag == LSS_HTML_OTHER)
			note_tag(m->info, (const char *)n->name);
		m->space = true;
		return;
	case K_BLOCK:
	case K_FORMAT:
		m->info->removed |= flag;
		owe_break(m, m->list_level > 0 ? 1 : 2);
		children(m, n, depth);
		owe_break(m, m->list_level > 0 ? 1 : 2);
		return;
	case K_ROW:
		owe_break(m, 1);
		children(m, n, depth);
		owe_break(m, 1);
		return;
	case K_CELL:
		m->space = true;
		children(m, n, depth);
		m->space = true;
		return;
	case K_BREAK:
		owe_break(m, 1);
		return;
	case K_RULE:
		owe_break(m, 2);
		return;
	case K_LIST:
	case K_OLIST:
		list(m, n, depth, k == K_OLIST);
		return;
	case K_ITEM: /* an item outside a list: a line of its own */
		owe_break(m, 1);
		children(m, n, depth);
		owe_break(m, 1);
		return;
	case K_EM:
		wrapped(m, n, depth, "*", "*", NULL);
		return;
	case K_STRONG:
		wrapped(m, n, depth, "**", "**", NULL);
		return;
	case K_LINK:
		link(m, n, depth);
		return;
	case K_OTHER:
		if (flag == LSS_HTML_OTHER)
			note_tag(m->info, (const char *)n->name);
		else
			m->info->removed |= flag;
		children(m, n, depth);
		return;
	case K_INLINE:
		children(m, n, depth);
		return;
	}
}

static void
walk(struct md *m, xmlNode *n, int depth)
{
	if (depth > LSS_HTML_DEPTH_MAX) {
		m->info->removed |= LSS_HTML_DEEP;
		return;
	}
	switch (n->type) {
	case XML_ELEMENT_NODE:
		element(m, n, depth);
		break;
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content != NULL)
			text_node(m, str_c((const char *)n->content));
		break;
	default: /* comments, processing instructions, the doctype: nothing to read */
		break;
	}
}

/* libxml2 sets up its globals once, before any thread parses. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

void
lss_xml_init(void)
{
	pthread_once(&xml_once, xml_init);
}

int
lss_html_to_markdown(struct str html, unsigned flags, struct arena *a, struct str *out,
    struct lss_html_info *info)
{
	struct md m = { .a = a, .info = info, .one_line = (flags & LSS_HTML_ONE_LINE) != 0,
		.words_only = (flags & LSS_HTML_WORDS) != 0 };
	htmlDocPtr doc;
	xmlNode *n;
	int rc = 0;

	*out = (struct str){ "", 0 };
	if (html.n == 0)
		return 0;
	if (memchr(html.p, '<', html.n) == NULL && memchr(html.p, '&', html.n) == NULL) {
		/* Plain text, as most of it is: no parser needed. */
		text_node(&m, html);
	} else {
		lss_xml_init();
		doc = htmlReadMemory(html.p, (int)(html.n > 0x7fffffff ? 0x7fffffff : html.n), NULL,
		    "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
		if (doc == NULL) {
			/* Nothing the parser could make a tree of: the words as they
			 * are, escaped. */
			text_node(&m, html);
		} else {
			for (n = doc->children; n != NULL; n = n->next)
				walk(&m, n, 0);
			xmlFreeDoc(doc);
		}
	}
	trim_end(&m.b);
	if (!buf_ok(&m.b)) {
		rc = ERR_NOMEM;
	} else if (m.b.n > 0) {
		*out = arena_str(a, (struct str){ m.b.p, m.b.n });
		if (out->p == NULL)
			rc = ERR_NOMEM;
	}
	buf_free(&m.b);
	return rc;
}

/* ---- the report's phrase -------------------------------------------------------------- */

void
lss_html_removed_text(const struct lss_html_info *info, const struct i18n_lang *lang,
    struct buf *b)
{
	static const struct {
		unsigned flag;
		const char *phrase;
	} phrases[] = {
		{ LSS_HTML_SCRIPT, N_("a script") },
		{ LSS_HTML_EVENT, N_("event handlers") },
		{ LSS_HTML_STYLE, N_("styles") },
		{ LSS_HTML_FRAME, N_("an embedded frame or object") },
		{ LSS_HTML_LINK, N_("a link to an address that is not http or https (its words "
		    "kept)") },
		{ LSS_HTML_MEDIA, N_("images or other media") },
		{ LSS_HTML_FORM, N_("form controls") },
		{ LSS_HTML_FORMAT, N_("headings or tables (their words kept as paragraphs)") },
		{ LSS_HTML_DEEP, N_("content nested too deeply to read") },
	};
	const char *parts[16];
	char names[LSS_HTML_TAGS_MAX * (LSS_HTML_TAG_NAME_MAX + 4)];
	struct buf tags = BUF_INIT;
	size_t i, used = 0;
	int n = 0, k;

	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (info->removed & phrases[i].flag)
			parts[n++] = i18n_text(lang, phrases[i].phrase);
	if (info->removed & LSS_HTML_OTHER) {
		names[0] = '\0';
		for (k = 0; k < info->tag_n && used < sizeof(names); k++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s<%s>",
			    k == 0 ? "" : ", ", info->tags[k]);
		/* The names go into a phrase of their own, which a translation
		 * may make longer than any fixed buffer. */
		if (info->tag_n > 0)
			buf_printf(&tags, i18n_text(lang, N_("other tags (%s; their words kept)")),
			    names);
		else
			buf_add_c(&tags, i18n_text(lang, N_("other tags")));
		parts[n++] = buf_cstr(&tags) != NULL ? tags.p : "";
	}
	for (k = 0; k < n; k++) {
		if (k > 0 && k == n - 1)
			buf_printf(b, " %s ", i18n_text(lang, N_("and")));
		else if (k > 0)
			buf_add_c(b, ", ");
		buf_add_c(b, parts[k]);
	}
	buf_free(&tags);
}
