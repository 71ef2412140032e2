/*
 * tmpl.c - the HTML template engine (see tmpl.h for the syntax).
 *
 * Debian 12 packages no C Mustache library, so this is a small hand-written
 * engine for the subset tmpl.h describes.  The work is split in two:
 *
 *   load    reads each file, checks it (size, UTF-8, syntax) and compiles it
 *           into a node tree.  Names are interned, one struct path per
 *           spelling in the set, and dotted names are split into segments
 *           there and then; each partial is linked to the template it names.
 *   render  walks the tree against a jansson value.  It parses nothing,
 *           allocates nothing but output, and only reads the set, so threads
 *           share one set without locks.
 *
 * A template's tree is stored flat, in document order: a section node holds
 * the index just past its body, and its children are the nodes between.  One
 * block per template is cheap to walk and to free.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "involve/i18n.h"
#include "involve/text.h"
#include "involve/tmpl.h"

enum path_kind {
	PATH_NAME,   /* a or a.b.c: looked up through the context stack */
	PATH_DOT,    /* .: the innermost frame itself */
	PATH_INDEX,  /* @index */
	PATH_NUMBER, /* @number */
	PATH_FIRST,  /* @first */
	PATH_LAST,   /* @last */
};

/* An interned name.  Every tag spelling the same name shares one, which is
 * also how a close tag is matched to its section: by pointer. */
struct path {
	enum path_kind kind;
	int n;                              /* segments; PATH_NAME only */
	const char *seg[TMPL_SEGMENTS_MAX]; /* NUL-terminated, inside text[] */
	size_t seg_len[TMPL_SEGMENTS_MAX];
	size_t len;  /* of the name as written */
	char text[]; /* "a.b\0" then "a\0b\0" */
};

enum node_kind {
	NODE_TEXT,
	NODE_VAR,      /* {{name}}, escaped */
	NODE_RAW,      /* {{{name}}} */
	NODE_SECTION,  /* {{#name}} */
	NODE_INVERTED, /* {{^name}} */
	NODE_PARTIAL,  /* {{>name}} */
	NODE_MSG,      /* {{_ text}}: a message, in the reader's language */
};

struct node {
	enum node_kind kind;
	uint32_t line;              /* of the tag, for load errors */
	uint32_t end;               /* sections: the index just past the body */
	struct str text;            /* TEXT: the bytes; PARTIAL: the name.
	                             * Both point into the template's source. */
	const struct path *path;    /* VAR, RAW, SECTION, INVERTED */
	const struct tmpl *partial; /* PARTIAL, once linked */
	int msg;                    /* MSG: its number in the catalogue, or -1; text is
	                             * the English */
	const struct path *args[TMPL_MSG_ARGS_MAX]; /* MSG: its {placeholders} */
};

struct tmpl {
	char *name; /* "poll/vote" */
	char *file; /* as named in messages: "poll/vote.html" */
	char *src;  /* owned, NUL-terminated; text nodes point into it */
	size_t src_len;
	struct node *nodes;
	uint32_t n, cap;
};

struct tmpl_set {
	struct tmpl *list; /* sorted by name, for bsearch */
	int n, cap;
	struct path **paths; /* every interned name, owned */
	size_t paths_n, paths_cap;
};

/* State that only lives while a set is being loaded. */
struct loader {
	struct tmpl_set *set;
	struct errors *e;
	struct path **slots; /* open-addressing index of set->paths by name */
	size_t slots_cap;    /* a power of two, kept at least twice paths_n */
};

#define SLOTS_INITIAL 64
#define NODES_INITIAL 16
#define SET_INITIAL 16

/* ---- errors ---------------------------------------------------------- */

/* Adds "file line N: problem" to e and returns ERR_INVALID, so a caller
 * can `return fail(...)`.  line 0 means the whole file. */
static int fail(struct errors *e, const char *file, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct errors *e, const char *file, uint32_t line, const char *fmt, ...)
{
	char msg[ERROR_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		errors_add(e, file, "%s line %u: %s", file, (unsigned)line, msg);
	else
		errors_add(e, file, "%s: %s", file, msg);
	return ERR_INVALID;
}

/* ---- checks on text and names ----------------------------------------- */

/* Returns the offset of the first byte that is not part of valid UTF-8 (or
 * is NUL), or n when all of s is valid. */
static size_t
utf8_invalid_at(const unsigned char *s, size_t n)
{
	size_t valid = text_utf8_prefix((struct str){ (const char *)s, n });
	const unsigned char *nul = memchr(s, '\0', valid);

	return nul ? (size_t)(nul - s) : valid;
}

static uint32_t
count_lines(const char *p, const char *end)
{
	uint32_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-';
}

/* A template name is one or more '/'-separated segments of name characters
 * and dots, none of them empty, "." or "..": it must be writable in a
 * {{>partial}} tag and must not climb out of the template directory. */
static bool
template_name_ok(struct str s)
{
	size_t i, start = 0;

	if (s.n == 0 || s.n > TMPL_NAME_MAX)
		return false;
	for (i = 0; i <= s.n; i++) {
		if (i == s.n || s.p[i] == '/') {
			if (i == start || (i - start == 1 && s.p[start] == '.') ||
			    (i - start == 2 && s.p[start] == '.' && s.p[start + 1] == '.'))
				return false;
			start = i + 1;
		} else if (!is_name_char(s.p[i]) && s.p[i] != '.') {
			return false;
		}
	}
	return true;
}

/* Works out what kind of name s is and checks its spelling.  On a bad name
 * returns ERR_INVALID with the problem in why (a sentence fragment). */
static int
classify(struct str s, enum path_kind *kind, int *segments, char *why, size_t why_n)
{
	static const struct {
		const char *name;
		enum path_kind kind;
	} special[] = {
		{ "@index", PATH_INDEX },
		{ "@number", PATH_NUMBER },
		{ "@first", PATH_FIRST },
		{ "@last", PATH_LAST },
	};
	size_t i, start = 0;
	int n = 0;

	if (str_eq_c(s, ".")) {
		*kind = PATH_DOT;
		*segments = 0;
		return 0;
	}
	if (s.p[0] == '@') {
		for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
			if (str_eq_c(s, special[i].name)) {
				*kind = special[i].kind;
				*segments = 0;
				return 0;
			}
		}
		snprintf(why, why_n,
		    "unknown name \"%.*s\": only @index, @number, @first and @last start with @",
		    (int)(s.n > 40 ? 40 : s.n), s.p);
		return ERR_INVALID;
	}
	for (i = 0; i <= s.n; i++) {
		if (i == s.n || s.p[i] == '.') {
			if (i == start) {
				snprintf(why, why_n, "name \"%.*s\" has an empty part between dots",
				    (int)(s.n > 40 ? 40 : s.n), s.p);
				return ERR_INVALID;
			}
			if (++n > TMPL_SEGMENTS_MAX) {
				snprintf(why, why_n, "name \"%.*s\" has more than %d dotted parts",
				    (int)(s.n > 40 ? 40 : s.n), s.p, TMPL_SEGMENTS_MAX);
				return ERR_INVALID;
			}
			start = i + 1;
		} else if (!is_name_char(s.p[i])) {
			snprintf(why, why_n,
			    "name \"%.*s\" may contain only letters, digits, '_', '-' and '.'",
			    (int)(s.n > 40 ? 40 : s.n), s.p);
			return ERR_INVALID;
		}
	}
	*kind = PATH_NAME;
	*segments = n;
	return 0;
}

/* ---- interning ------------------------------------------------------- */

static uint64_t
hash_name(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct path **
slot_for(struct path **slots, size_t cap, const char *p, size_t n)
{
	size_t i = (size_t)hash_name(p, n) & (cap - 1);

	while (slots[i] != NULL && !(slots[i]->len == n && memcmp(slots[i]->text, p, n) == 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int
slots_grow(struct loader *l)
{
	size_t cap = l->slots_cap ? l->slots_cap * 2 : SLOTS_INITIAL, i;
	struct path **slots, *p;

	slots = calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return ERR_NOMEM;
	for (i = 0; i < l->set->paths_n; i++) {
		p = l->set->paths[i];
		*slot_for(slots, cap, p->text, p->len) = p;
	}
	free(l->slots);
	l->slots = slots;
	l->slots_cap = cap;
	return 0;
}

/* Returns in *out the one struct path for name s, making it on first use.
 * The set owns it. */
static int
intern(struct loader *l, struct str s, enum path_kind kind, int segments, const struct path **out)
{
	struct tmpl_set *set = l->set;
	struct path **slot, *p, **paths;
	size_t cap, i;
	char *q;
	int k;

	if (2 * (set->paths_n + 1) > l->slots_cap && slots_grow(l) != 0)
		return ERR_NOMEM;
	slot = slot_for(l->slots, l->slots_cap, s.p, s.n);
	if (*slot != NULL) {
		*out = *slot;
		return 0;
	}
	if (set->paths_n == set->paths_cap) {
		cap = set->paths_cap ? set->paths_cap * 2 : SLOTS_INITIAL;
		paths = realloc(set->paths, cap * sizeof(*paths));
		if (paths == NULL)
			return ERR_NOMEM;
		set->paths = paths;
		set->paths_cap = cap;
	}
	p = calloc(1, sizeof(*p) + 2 * (s.n + 1));
	if (p == NULL)
		return ERR_NOMEM;
	p->kind = kind;
	p->n = segments;
	p->len = s.n;
	memcpy(p->text, s.p, s.n);
	if (kind == PATH_NAME) {
		/* The second copy becomes the segments: each '.' turns into the NUL
		 * that ends the segment before it. */
		q = p->text + s.n + 1;
		memcpy(q, s.p, s.n);
		for (k = 0, i = 0; k < segments; k++) {
			p->seg[k] = q + i;
			while (i < s.n && q[i] != '.')
				i++;
			p->seg_len[k] = (size_t)(q + i - p->seg[k]);
			q[i++] = '\0';
		}
	}
	set->paths[set->paths_n++] = p;
	*slot = p;
	*out = p;
	return 0;
}

/* ---- compiling one template ------------------------------------------ */

static int
node_add(struct tmpl *t, enum node_kind kind, uint32_t line, struct node **out)
{
	struct node *nodes;
	uint32_t cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : NODES_INITIAL;
		nodes = realloc(t->nodes, cap * sizeof(*nodes));
		if (nodes == NULL)
			return ERR_NOMEM;
		t->nodes = nodes;
		t->cap = cap;
	}
	*out = &t->nodes[t->n++];
	**out = (struct node){ .kind = kind, .line = line };
	return 0;
}

static int
text_add(struct tmpl *t, const char *p, const char *end, uint32_t line)
{
	struct node *nd;
	int rc;

	if (p == end)
		return 0;
	rc = node_add(t, NODE_TEXT, line, &nd);
	if (rc == 0)
		nd->text = (struct str){ p, (size_t)(end - p) };
	return rc;
}

/* Compiles t->src into t->nodes.  Returns 0, ERR_INVALID (the first problem
 * is added to l->e and compiling stops) or ERR_NOMEM. */
/*
 * A message node: the English text, its number in the catalogue, and each
 * {placeholder} in it interned as a name to look up when rendering (a
 * translation may put them in another order, never use others: the
 * catalogue's check sees to that).
 */
static int
message_add(struct loader *l, struct tmpl *t, struct str text, uint32_t line)
{
	const char *p = text.p, *end = text.p + text.n, *open, *close;
	enum path_kind kind;
	struct node *nd;
	char why[160];
	int segments, k = 0, rc;

	if ((rc = node_add(t, NODE_MSG, line, &nd)) != 0)
		return rc;
	nd->text = text;
	nd->msg = i18n_id(text);
	while ((open = memchr(p, '{', (size_t)(end - p))) != NULL &&
	    (close = memchr(open, '}', (size_t)(end - open))) != NULL) {
		struct str name = { open + 1, (size_t)(close - open - 1) };

		if (k == TMPL_MSG_ARGS_MAX)
			return fail(l->e, t->file, line, "a message has more than %d placeholders",
			    TMPL_MSG_ARGS_MAX);
		if (classify(name, &kind, &segments, why, sizeof(why)) != 0 || kind != PATH_NAME)
			return fail(l->e, t->file, line, "placeholder {%.*s}: %s", (int)name.n,
			    name.p, why);
		/* node_add may have moved the nodes: nd is found again each time. */
		if ((rc = intern(l, name, kind, segments, &t->nodes[t->n - 1].args[k++])) != 0)
			return rc;
		p = close + 1;
	}
	return 0;
}

/* The "}}" that closes the tag whose text starts at body, or NULL.  In a
 * message ({{_ Closes on {date}}}) a {placeholder} may end just before it,
 * so placeholders are stepped over whole. */
static const char *
tag_end(const char *body, const char *end)
{
	const char *p = body, *close;

	if (end - body < 2 || body[0] != '_' || body[1] != ' ')
		return memmem(body, (size_t)(end - body), "}}", 2);
	for (p = body + 2; p + 1 < end && *p != '\n'; p++) {
		if (*p == '{' && (close = memchr(p, '}', (size_t)(end - p))) != NULL &&
		    memchr(p, '\n', (size_t)(close - p)) == NULL)
			p = close;
		else if (p[0] == '}' && p[1] == '}')
			return p;
	}
	return memmem(body, (size_t)(end - body), "}}", 2);
}

static int
compile(struct loader *l, struct tmpl *t)
{
	const char *p = t->src, *end = t->src + t->src_len, *tag_open, *body, *tag_close;
	uint32_t open_at[TMPL_NEST_MAX]; /* node index of each open section */
	uint32_t line = 1, tag_line;
	const struct path *path;
	enum path_kind kind;
	struct node *nd, *top;
	char why[ERROR_DETAIL_MAX];
	int depth = 0, segments, rc;
	size_t close_n, bad;
	struct str tag;
	char sigil;

	bad = utf8_invalid_at((const unsigned char *)t->src, t->src_len);
	if (bad < t->src_len)
		return fail(l->e, t->file, 1 + count_lines(t->src, t->src + bad),
		    "the text is not valid UTF-8 (or holds a NUL byte)");

	while (p < end) {
		tag_open = memmem(p, (size_t)(end - p), "{{", 2);
		if (tag_open == NULL)
			tag_open = end;
		if ((rc = text_add(t, p, tag_open, line)) != 0)
			return rc;
		line += count_lines(p, tag_open);
		if (tag_open == end)
			break;

		tag_line = line;
		if (end - tag_open > 2 && tag_open[2] == '{') {
			sigil = '{';
			body = tag_open + 3;
			tag_close = memmem(body, (size_t)(end - body), "}}}", 3);
			close_n = 3;
		} else {
			sigil = 0;
			body = tag_open + 2;
			tag_close = tag_end(body, end);
			close_n = 2;
		}
		if (tag_close == NULL)
			return fail(l->e, t->file, tag_line,
			    "a tag opened with %s is never closed with %s", sigil ? "{{{" : "{{",
			    sigil ? "}}}" : "}}");
		tag = (struct str){ body, (size_t)(tag_close - body) };
		line += count_lines(tag_open, tag_close);
		p = tag_close + close_n;

		if (sigil == 0) {
			tag = str_trim(tag);
			if (tag.n > 0 && memchr("#^/>!", tag.p[0], 5) != NULL) {
				sigil = tag.p[0];
				tag.p++, tag.n--;
			}
		}
		if (sigil == '!')
			continue; /* comments may be long and span lines */
		if (sigil == 0 && tag.n > 2 && tag.p[0] == '_' && tag.p[1] == ' ') {
			if (memchr(body, '\n', (size_t)(tag_close - body)) != NULL ||
			    tag.n - 2 > TMPL_MSG_MAX)
				return fail(l->e, t->file, tag_line, "a message {{_ ...}} must be on one "
				    "line and at most %d bytes", TMPL_MSG_MAX);
			if ((rc = message_add(l, t, str_trim((struct str){ tag.p + 2, tag.n - 2 }),
			    tag_line)) != 0)
				return rc;
			continue;
		}
		if (memchr(body, '\n', (size_t)(tag_close - body)) != NULL)
			return fail(l->e, t->file, tag_line,
			    "a tag opened with %s is not closed with %s on the same line",
			    sigil == '{' ? "{{{" : "{{", sigil == '{' ? "}}}" : "}}");
		if ((size_t)(tag_close - body) > TMPL_TAG_MAX)
			return fail(l->e, t->file, tag_line, "a tag is longer than %d characters",
			    TMPL_TAG_MAX);
		tag = str_trim(tag);
		if (tag.n == 0)
			return fail(l->e, t->file, tag_line, "a tag has no name");

		if (sigil == '>') {
			if (!template_name_ok(tag))
				return fail(l->e, t->file, tag_line,
				    "partial name \"%.*s\" may contain only letters, digits, '_', "
				    "'-', '.' and '/'",
				    (int)tag.n, tag.p);
			if ((rc = node_add(t, NODE_PARTIAL, tag_line, &nd)) != 0)
				return rc;
			nd->text = tag;
			continue;
		}

		if (classify(tag, &kind, &segments, why, sizeof(why)) != 0)
			return fail(l->e, t->file, tag_line, "%s", why);
		if ((rc = intern(l, tag, kind, segments, &path)) != 0)
			return rc;

		switch (sigil) {
		case '/':
			if (depth == 0)
				return fail(l->e, t->file, tag_line,
				    "{{/%.*s}} closes a section that was never opened", (int)tag.n,
				    tag.p);
			top = &t->nodes[open_at[depth - 1]];
			if (top->path != path)
				return fail(l->e, t->file, tag_line,
				    "{{/%.*s}} does not match the open section {{%c%.*s}} from "
				    "line %u",
				    (int)tag.n, tag.p, top->kind == NODE_SECTION ? '#' : '^',
				    (int)top->path->len, top->path->text, (unsigned)top->line);
			top->end = t->n;
			depth--;
			break;
		case '#':
		case '^':
			if (depth == TMPL_NEST_MAX)
				return fail(l->e, t->file, tag_line,
				    "sections are nested more than %d deep", TMPL_NEST_MAX);
			if ((rc = node_add(t, sigil == '#' ? NODE_SECTION : NODE_INVERTED, tag_line,
			         &nd)) != 0)
				return rc;
			nd->path = path;
			open_at[depth++] = t->n - 1;
			break;
		default:
			if ((rc = node_add(t, sigil == '{' ? NODE_RAW : NODE_VAR, tag_line, &nd)) !=
			    0)
				return rc;
			nd->path = path;
			break;
		}
	}
	if (depth > 0) {
		top = &t->nodes[open_at[depth - 1]];
		return fail(l->e, t->file, top->line, "section {{%c%.*s}} is never closed",
		    top->kind == NODE_SECTION ? '#' : '^', (int)top->path->len, top->path->text);
	}
	return 0;
}

/* ---- the set ----------------------------------------------------------- */

/* Orders names as strcmp would, for a name given as pointer + length. */
static int
name_cmp(const char *a, size_t a_n, const char *b)
{
	size_t b_n = strlen(b);
	int c = memcmp(a, b, a_n < b_n ? a_n : b_n);

	if (c != 0)
		return c;
	return a_n < b_n ? -1 : a_n > b_n;
}

static int
tmpl_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tmpl *)a)->name, ((const struct tmpl *)b)->name);
}

static const struct tmpl *
set_find(const struct tmpl_set *set, const char *name, size_t n)
{
	int lo = 0, hi = set->n, mid, c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = name_cmp(name, n, set->list[mid].name);
		if (c == 0)
			return &set->list[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Appends an empty template to the set, taking ownership of src (which must
 * have a NUL at src[src_len]).  src is freed on failure. */
static int
set_add(struct tmpl_set *set, struct str name, const char *suffix, char *src, size_t src_len)
{
	struct tmpl *list, *t;
	size_t suffix_n = strlen(suffix);
	int cap;

	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : SET_INITIAL;
		list = realloc(set->list, (size_t)cap * sizeof(*list));
		if (list == NULL)
			goto nomem;
		set->list = list;
		set->cap = cap;
	}
	t = &set->list[set->n];
	*t = (struct tmpl){ .src = src, .src_len = src_len };
	t->name = strndup(name.p, name.n);
	t->file = malloc(name.n + suffix_n + 1);
	if (t->name == NULL || t->file == NULL) {
		free(t->name);
		free(t->file);
		goto nomem;
	}
	memcpy(t->file, name.p, name.n);
	memcpy(t->file + name.n, suffix, suffix_n + 1);
	set->n++;
	return 0;
nomem:
	free(src);
	return ERR_NOMEM;
}

/* Compiles every template of the set and links its partials, reporting the
 * first problem in each file.  The set is sorted by name first. */
static int
set_build(struct tmpl_set *set, struct errors *e)
{
	struct loader l = { .set = set, .e = e };
	bool invalid = false;
	struct node *nd;
	struct tmpl *t;
	uint32_t k;
	int i, rc = 0;

	if (set->n > 0)
		qsort(set->list, (size_t)set->n, sizeof(*set->list), tmpl_cmp);
	for (i = 0; i < set->n; i++) {
		t = &set->list[i];
		if (i > 0 && strcmp(t->name, set->list[i - 1].name) == 0) {
			fail(e, t->file, 0, "two templates are named \"%s\"", t->name);
			invalid = true;
			continue;
		}
		rc = compile(&l, t);
		if (rc == ERR_NOMEM)
			goto out;
		if (rc != 0)
			invalid = true;
	}
	/* Linked even when a file was refused, so one load reports every
	 * unknown partial at once. */
	for (i = 0; i < set->n; i++) {
		t = &set->list[i];
		for (k = 0; k < t->n; k++) {
			nd = &t->nodes[k];
			if (nd->kind != NODE_PARTIAL)
				continue;
			nd->partial = set_find(set, nd->text.p, nd->text.n);
			if (nd->partial == NULL) {
				fail(e, t->file, nd->line,
				    "partial {{>%.*s}} names no template in the set",
				    (int)nd->text.n, nd->text.p);
				invalid = true;
				break;
			}
		}
	}
	rc = invalid ? ERR_INVALID : 0;
out:
	free(l.slots);
	return rc;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t k;
	int i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->list[i].name);
		free(set->list[i].file);
		free(set->list[i].src);
		free(set->list[i].nodes);
	}
	free(set->list);
	for (k = 0; k < set->paths_n; k++)
		free(set->paths[k]);
	free(set->paths);
	free(set);
}

bool
tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return set != NULL && name != NULL && set_find(set, name, strlen(name)) != NULL;
}

int
tmpl_set_load_strings(const char *const *names, const char *const *sources, int n,
    struct tmpl_set **out, struct errors *e)
{
	struct tmpl_set *set = NULL;
	struct errors scratch;
	const char *name;
	size_t len;
	char *src;
	int i, rc = 0;

	*out = NULL;
	if (e == NULL) {
		errors_init(&scratch);
		e = &scratch;
	}
	if (n < 0 || n > TMPL_SET_MAX) {
		errors_add(e, "", "a template set holds at most %d templates", TMPL_SET_MAX);
		return ERR_INVALID;
	}
	set = calloc(1, sizeof(*set));
	if (set == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		name = names[i] != NULL ? names[i] : "";
		if (!template_name_ok(str_c(name)) || sources[i] == NULL) {
			fail(e, name, 0,
			    "a template needs a name of letters, digits, '_', '-', "
			    "'.' and '/' (at most %d) and a source",
			    TMPL_NAME_MAX);
			rc = ERR_INVALID;
			continue;
		}
		len = strnlen(sources[i], TMPL_FILE_MAX + 1);
		if (len > TMPL_FILE_MAX) {
			fail(e, name, 0, "the template is larger than %d bytes", TMPL_FILE_MAX);
			rc = ERR_INVALID;
			continue;
		}
		src = strndup(sources[i], len);
		if (src == NULL || set_add(set, str_c(name), "", src, len) != 0) {
			rc = ERR_NOMEM;
			goto out;
		}
	}
	if (rc == 0)
		rc = set_build(set, e);
out:
	if (rc != 0) {
		tmpl_set_free(set);
		set = NULL;
	}
	*out = set;
	return rc;
}

/* ---- loading from a directory ----------------------------------------- */

/* Reads the regular file `name` in dfd whole.  On success *out is a heap
 * block with a NUL after its *len bytes, owned by the caller. */
static int
read_file(int dfd, const char *name, char **out, size_t *len)
{
	struct stat st;
	size_t n = 0;
	char *p = NULL;
	ssize_t got;
	int fd, rc, saved;

	*out = NULL;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ERR_IO;
	if (fstat(fd, &st) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (st.st_size > TMPL_FILE_MAX) {
		rc = ERR_INVALID;
		goto out;
	}
	/* One byte spare so a file that grew since fstat is still caught. */
	p = malloc(TMPL_FILE_MAX + 2);
	if (p == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (;;) {
		got = read(fd, p + n, TMPL_FILE_MAX + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = ERR_IO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > TMPL_FILE_MAX) {
			rc = ERR_INVALID;
			goto out;
		}
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	saved = errno; /* for the caller's message; close must not change it */
	free(p);
	close(fd);
	errno = saved;
	return rc;
}

struct walk {
	struct tmpl_set *set;
	struct errors *e;
	char rel[TMPL_NAME_MAX + 64]; /* path below the root, '/' after each folder */
	bool invalid;
};

/* Adds every *.html under the directory open as dfd (which this closes)
 * to w->set.  rel_n bytes of w->rel name the directory.  Refusals set
 * w->invalid and carry on, so one load reports every bad file; I/O errors
 * and allocation failures stop the walk. */
static int
walk_dir(struct walk *w, int dfd, size_t rel_n, int depth)
{
	struct dirent *de;
	struct stat st;
	size_t name_n;
	char *src;
	size_t len;
	DIR *d;
	int fd, rc = 0;

	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		errors_add(w->e, w->rel, "cannot read the folder \"%.*s\": %s", (int)rel_n, w->rel,
		    strerror(errno));
		return ERR_IO;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		name_n = strlen(de->d_name);
		if (rel_n + name_n + 1 >= sizeof(w->rel)) {
			errors_add(w->e, "",
			    "\"%.*s%.40s\": the path is too long for a template name", (int)rel_n,
			    w->rel, de->d_name);
			w->invalid = true;
			continue;
		}
		memcpy(w->rel + rel_n, de->d_name, name_n + 1);
		if (fstatat(dirfd(d), de->d_name, &st, 0) != 0) {
			errors_add(w->e, w->rel, "cannot read \"%s\": %s", w->rel, strerror(errno));
			rc = ERR_IO;
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth == TMPL_DIR_DEPTH_MAX) {
				errors_add(w->e, w->rel, "\"%s\": folders nest more than %d deep",
				    w->rel, TMPL_DIR_DEPTH_MAX);
				w->invalid = true;
				continue;
			}
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0) {
				errors_add(w->e, w->rel, "cannot open the folder \"%s\": %s",
				    w->rel, strerror(errno));
				rc = ERR_IO;
				goto out;
			}
			w->rel[rel_n + name_n] = '/';
			w->rel[rel_n + name_n + 1] = '\0';
			rc = walk_dir(w, fd, rel_n + name_n + 1, depth + 1);
			if (rc != 0)
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode) || name_n <= 5 ||
		    strcmp(de->d_name + name_n - 5, ".html") != 0)
			continue;
		if (!template_name_ok((struct str){ w->rel, rel_n + name_n - 5 })) {
			errors_add(w->e, w->rel,
			    "%s: a template's path may contain only letters, "
			    "digits, '_', '-', '.' and '/' (at most %d)",
			    w->rel, TMPL_NAME_MAX);
			w->invalid = true;
			continue;
		}
		if (w->set->n == TMPL_SET_MAX) {
			errors_add(
			    w->e, "", "a template set holds at most %d templates", TMPL_SET_MAX);
			w->invalid = true;
			goto out;
		}
		rc = read_file(dirfd(d), de->d_name, &src, &len);
		if (rc == ERR_INVALID) {
			errors_add(w->e, w->rel, "%s: the template is larger than %d bytes", w->rel,
			    TMPL_FILE_MAX);
			w->invalid = true;
			rc = 0;
			continue;
		}
		if (rc == ERR_IO)
			errors_add(w->e, w->rel, "cannot read \"%s\": %s", w->rel, strerror(errno));
		if (rc == 0)
			rc = set_add(
			    w->set, (struct str){ w->rel, rel_n + name_n - 5 }, ".html", src, len);
		if (rc != 0)
			goto out;
	}
	if (errno != 0) {
		errors_add(w->e, w->rel, "cannot read the folder \"%.*s\": %s", (int)rel_n, w->rel,
		    strerror(errno));
		rc = ERR_IO;
	}
out:
	closedir(d);
	return rc;
}

int
tmpl_set_load(const char *dir, struct tmpl_set **out, struct errors *e)
{
	struct walk w = { 0 };
	struct errors scratch;
	int fd, rc;

	*out = NULL;
	if (e == NULL) {
		errors_init(&scratch);
		e = &scratch;
	}
	w.e = e;
	w.set = calloc(1, sizeof(*w.set));
	if (w.set == NULL)
		return ERR_NOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		errors_add(
		    e, "", "cannot open the template folder \"%.100s\": %s", dir, strerror(errno));
		rc = ERR_IO;
		goto out;
	}
	rc = walk_dir(&w, fd, 0, 0);
	if (rc == 0 && w.invalid)
		rc = ERR_INVALID;
	if (rc == 0)
		rc = set_build(w.set, e);
out:
	if (rc != 0) {
		tmpl_set_free(w.set);
		w.set = NULL;
	}
	*out = w.set;
	return rc;
}

/* ---- rendering --------------------------------------------------------- */

struct frame {
	const json_t *v;
	size_t index; /* position in the array v came from */
	size_t count; /* that array's length; 0 when v is not an element */
};

/* Each template nests at most TMPL_NEST_MAX sections, each pushing at most
 * one frame at a time, and at most TMPL_DEPTH_MAX partials are open on top
 * of the page: this is the most the stack can hold, plus the root. */
#define RENDER_STACK_MAX (1 + TMPL_NEST_MAX * (TMPL_DEPTH_MAX + 1))

struct render {
	struct buf *out;
	int top;   /* frames in use */
	int depth; /* partials open */
	const struct i18n_lang *lang;
	struct frame stack[RENDER_STACK_MAX];
};

static int render_nodes(struct render *r, const struct node *nodes, uint32_t begin, uint32_t end);

/* Mustache lookup: the first segment is searched for from the innermost
 * frame outwards; the rest are followed from wherever it was found. */
static const json_t *
lookup(const struct render *r, const struct path *p)
{
	const json_t *v = NULL;
	int i, k;

	for (i = r->top - 1; i >= 0 && v == NULL; i--)
		if (json_is_object(r->stack[i].v))
			v = json_object_getn(r->stack[i].v, p->seg[0], p->seg_len[0]);
	for (k = 1; k < p->n && v != NULL; k++)
		v = json_is_object(v) ? json_object_getn(v, p->seg[k], p->seg_len[k]) : NULL;
	return v;
}

/* The innermost array element on the stack, which @index and friends
 * describe even from inside an object section within it. */
static const struct frame *
item_frame(const struct render *r)
{
	int i;

	for (i = r->top - 1; i >= 0; i--)
		if (r->stack[i].count > 0)
			return &r->stack[i];
	return NULL;
}

/* Whether a special name (@index...) counts as true for a section. */
static bool
special_is_true(const struct render *r, enum path_kind kind)
{
	const struct frame *f = item_frame(r);

	if (f == NULL)
		return false;
	switch (kind) {
	case PATH_INDEX: return f->index != 0;
	case PATH_NUMBER: return true;
	case PATH_FIRST: return f->index == 0;
	case PATH_LAST: return f->index + 1 == f->count;
	default: return false;
	}
}

static bool
value_is_true(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: return true;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_TRUE: return true;
	default: return false;
	}
}

/* Appends v in decimal without going through printf: integers are the most
 * common value on a results page. */
static void
put_int(struct buf *out, json_int_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_add(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
put_value(struct render *r, const struct path *path, bool escape)
{
	const struct frame *f;
	const json_t *v;
	char real[32];
	int n;

	switch (path->kind) {
	case PATH_NAME: v = lookup(r, path); break;
	case PATH_DOT: v = r->stack[r->top - 1].v; break;
	case PATH_INDEX:
	case PATH_NUMBER:
		if ((f = item_frame(r)) != NULL)
			put_int(r->out, (json_int_t)f->index + (path->kind == PATH_NUMBER));
		return;
	default:
		if (special_is_true(r, path->kind))
			buf_add(r->out, "true", 4);
		return;
	}
	if (v == NULL)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			buf_add_html(
			    r->out, (struct str){ json_string_value(v), json_string_length(v) });
		else
			buf_add(r->out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: put_int(r->out, json_integer_value(v)); break;
	case JSON_REAL:
		n = snprintf(real, sizeof(real), "%g", json_real_value(v));
		if (n > 0 && (size_t)n < sizeof(real))
			buf_add(r->out, real, (size_t)n);
		break;
	case JSON_TRUE: buf_add(r->out, "true", 4); break;
	default: break;
	}
}

/* A message in the reader's language, escaped, its {placeholders}
 * replaced by their values (escaped too). */
static void
put_message(struct render *r, const struct node *nd)
{
	const char *tr = i18n_get(r->lang, nd->msg, NULL);
	struct str text = tr ? str_c(tr) : nd->text;
	const char *p = text.p, *end = text.p + text.n, *open, *close;
	int k;

	while ((open = memchr(p, '{', (size_t)(end - p))) != NULL &&
	    (close = memchr(open, '}', (size_t)(end - open))) != NULL) {
		struct str name = { open + 1, (size_t)(close - open - 1) };

		buf_add_html(r->out, (struct str){ p, (size_t)(open - p) });
		for (k = 0; k < TMPL_MSG_ARGS_MAX && nd->args[k]; k++)
			if (nd->args[k]->len == name.n && memcmp(nd->args[k]->text, name.p, name.n) == 0)
				break;
		if (k < TMPL_MSG_ARGS_MAX && nd->args[k])
			put_value(r, nd->args[k], true);
		else
			buf_add_html(r->out, (struct str){ open, (size_t)(close - open + 1) });
		p = close + 1;
	}
	buf_add_html(r->out, (struct str){ p, (size_t)(end - p) });
}

static int
push_and_render(struct render *r, const struct node *nodes, uint32_t i, struct frame f)
{
	int rc;

	if (r->top == RENDER_STACK_MAX)
		return ERR_INVALID; /* unreachable while the limits above hold */
	r->stack[r->top++] = f;
	rc = render_nodes(r, nodes, i + 1, nodes[i].end);
	r->top--;
	return rc;
}

static int
render_section(struct render *r, const struct node *nodes, uint32_t i)
{
	const struct node *nd = &nodes[i];
	const json_t *v;
	size_t k, n;
	bool show;
	int rc;

	switch (nd->path->kind) {
	case PATH_NAME: v = lookup(r, nd->path); break;
	case PATH_DOT: v = r->stack[r->top - 1].v; break;
	default:
		show = special_is_true(r, nd->path->kind);
		if (show == (nd->kind == NODE_SECTION))
			return render_nodes(r, nodes, i + 1, nd->end);
		return 0;
	}
	if (nd->kind == NODE_INVERTED) {
		if (value_is_true(v))
			return 0;
		return render_nodes(r, nodes, i + 1, nd->end);
	}
	if (json_is_array(v)) {
		n = json_array_size(v);
		for (k = 0; k < n; k++) {
			rc = push_and_render(r, nodes, i,
			    (struct frame){ .v = json_array_get(v, k), .index = k, .count = n });
			if (rc != 0)
				return rc;
			if (!buf_ok(r->out))
				return ERR_NOMEM;
		}
		return 0;
	}
	if (json_is_object(v))
		return push_and_render(r, nodes, i, (struct frame){ .v = v });
	if (value_is_true(v))
		return render_nodes(r, nodes, i + 1, nd->end);
	return 0;
}

static int
render_nodes(struct render *r, const struct node *nodes, uint32_t begin, uint32_t end)
{
	const struct node *nd;
	uint32_t i = begin;
	int rc;

	while (i < end) {
		nd = &nodes[i];
		switch (nd->kind) {
		case NODE_TEXT:
			buf_add(r->out, nd->text.p, nd->text.n);
			i++;
			break;
		case NODE_MSG:
			put_message(r, nd);
			i++;
			break;
		case NODE_VAR:
		case NODE_RAW:
			put_value(r, nd->path, nd->kind == NODE_VAR);
			i++;
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			if ((rc = render_section(r, nodes, i)) != 0)
				return rc;
			i = nd->end;
			break;
		case NODE_PARTIAL:
			if (r->depth == TMPL_DEPTH_MAX)
				return ERR_INVALID;
			r->depth++;
			rc = render_nodes(r, nd->partial->nodes, 0, nd->partial->n);
			r->depth--;
			if (rc != 0)
				return rc;
			i++;
			break;
		}
	}
	return 0;
}

int
tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx, struct buf *out)
{
	return tmpl_render_in(set, name, ctx, i18n_default(), out);
}

int
tmpl_render_in(const struct tmpl_set *set, const char *name, const json_t *ctx,
    const struct i18n_lang *lang, struct buf *out)
{
	const struct tmpl *t;
	struct render r;
	size_t start = out->n;
	int rc;

	t = name != NULL && set != NULL ? set_find(set, name, strlen(name)) : NULL;
	if (t == NULL)
		return ERR_NOTFOUND;
	r.out = out;
	r.lang = lang;
	r.depth = 0;
	r.top = 1;
	r.stack[0] = (struct frame){ .v = ctx };
	rc = render_nodes(&r, t->nodes, 0, t->n);
	if (rc == 0 && !buf_ok(out))
		rc = ERR_NOMEM;
	if (rc != 0 && rc != ERR_NOMEM)
		out->n = start;
	return rc;
}
