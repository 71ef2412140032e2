/*
 * fuzz_template.c - the template engine (src/web/tmpl.c): compiling
 * hostile template text, and rendering hostile values, with the check that
 * a value printed by an escaped tag ({{name}}) never reaches the output as
 * it was.
 *
 * Input: one byte choosing the mode, then:
 *   r  JSON                  every template in web/templates rendered with
 *                            this context; when the rest is not a JSON
 *                            object, every name the templates use is given
 *                            the rest, bytes as they are, as its value
 *   t  A \0 B \0 JSON        templates "a" and "b" compiled from A and B
 *                            (either may include the other), and when they
 *                            compile, both rendered with the JSON context
 * Any other byte picks a mode by its lowest bit.
 *
 * The escaping check: every string in the context is given FUZZ_MARK
 * first, except values a {{{raw}}} tag may print, which become a fixed
 * piece of HTML (raw output is trusted HTML by definition).  The values'
 * own bytes are kept from spelling "fz" (see marked()), so every "fz" of
 * the output must be the middle of the mark escaped in full:
 * "&lt;fz&quot;&#39;&amp;&gt;".  Template text that could spell "fz" by
 * itself is rendered for crashes only.
 *
 * Templates are trusted input in the real server, and sections over long
 * arrays nested deep (or partials that include themselves) take as long
 * as they are told to.  So the target renders only what it can bound:
 * arrays no longer than a budget allows for the templates' nesting, and
 * templates that include themselves only when no array has two elements
 * and there is one partial tag in all.  Compiling is always fuzzed.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "involve/tmpl.h"
#include "fuzz.h"

#define SCAN_NAMES_MAX 512
#define SCAN_PARTIALS_MAX 64
#define TEMPLATES_MAX 128
/* Work allowed for one render: nesting, tags and value length multiplied. */
#define RENDER_BUDGET (32.0 * 1024 * 1024)
#define RAW_VALUE "<b>raw</b>"
#define MARK_ESCAPED "&lt;fz&quot;&#39;&amp;&gt;"

/* What one template's tags say, found as the compiler finds them. */
struct scan {
	int tags;
	int depth; /* sections open at once, at most */
	int partial_n;
	struct {
		struct str name;
		int depth; /* sections open around it */
	} partials[SCAN_PARTIALS_MAX];
	int name_n;
	struct {
		struct str name;
		char sigil; /* 0 for {{name}}, '{' for {{{name}}}, '#' or '^' */
	} names[SCAN_NAMES_MAX];
	bool overflow; /* more names or partials than the arrays hold */
};

struct source {
	char name[TMPL_NAME_MAX + 1];
	char *text;
	size_t len;
	struct scan scan;
	int visiting; /* while expanding: 1 on the current path */
};

static struct source real[TEMPLATES_MAX];
static int real_n;
static struct tmpl_set *real_set;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Finds the tags of src the way compile() in tmpl.c does.  Only templates
 * that compiled are rendered, so for those this is exact. */
static void
scan(const char *src, size_t len, struct scan *sc)
{
	const char *p = src, *end = src + len, *open, *body, *close;
	struct str tag;
	size_t close_n;
	int depth = 0;
	char sigil;

	memset(sc, 0, sizeof(*sc));
	while (p < end) {
		if ((open = memmem(p, (size_t)(end - p), "{{", 2)) == NULL)
			break;
		if (end - open > 2 && open[2] == '{') {
			sigil = '{';
			body = open + 3;
			close_n = 3;
		} else {
			sigil = 0;
			body = open + 2;
			close_n = 2;
		}
		close = memmem(body, (size_t)(end - body), close_n == 3 ? "}}}" : "}}", close_n);
		if (close == NULL)
			break;
		tag = (struct str){ body, (size_t)(close - body) };
		p = close + close_n;
		if (sigil == 0) {
			tag = str_trim(tag);
			if (tag.n > 0 && memchr("#^/>!", tag.p[0], 5) != NULL) {
				sigil = tag.p[0];
				tag.p++, tag.n--;
			}
		}
		if (sigil == '!')
			continue;
		tag = str_trim(tag);
		sc->tags++;
		if (sigil == '/') {
			depth -= depth > 0;
			continue;
		}
		if (sigil == '>') {
			if (sc->partial_n == SCAN_PARTIALS_MAX) {
				sc->overflow = true;
				continue;
			}
			sc->partials[sc->partial_n].name = tag;
			sc->partials[sc->partial_n++].depth = depth;
			continue;
		}
		if (sigil == '#' || sigil == '^') {
			if (++depth > sc->depth)
				sc->depth = depth;
		}
		if (sc->name_n == SCAN_NAMES_MAX) {
			sc->overflow = true;
			continue;
		}
		sc->names[sc->name_n].name = tag;
		sc->names[sc->name_n++].sigil = sigil;
	}
}

static struct source *
find_source(struct source *set, int n, struct str name)
{
	int i;

	for (i = 0; i < n; i++)
		if (str_eq_c(name, set[i].name))
			return &set[i];
	return NULL;
}

/*
 * The deepest nesting of sections and partials when rendering t, and how
 * many tags rendering it walks with every partial expanded (each counted
 * once per section pass, which the caller multiplies in).  false when t
 * can reach itself through partials.
 */
static bool
expand(struct source *set, int n, struct source *t, int *depth, double *size)
{
	struct source *sub;
	int i, d;
	double s;

	if (t->visiting)
		return false;
	t->visiting = 1;
	*depth = t->scan.depth;
	*size = t->scan.tags + 1;
	for (i = 0; i < t->scan.partial_n; i++) {
		sub = find_source(set, n, t->scan.partials[i].name);
		if (sub == NULL)
			continue;
		if (!expand(set, n, sub, &d, &s)) {
			t->visiting = 0;
			return false;
		}
		if (t->scan.partials[i].depth + d > *depth)
			*depth = t->scan.partials[i].depth + d;
		*size += s;
	}
	t->visiting = 0;
	return true;
}

/* ---- the real templates ------------------------------------------------ */

static void
load_dir(const char *root, const char *rel)
{
	char path[1024], sub[TMPL_NAME_MAX + 1];
	struct dirent *de;
	struct stat st;
	DIR *d;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	d = opendir(path);
	FUZZ_CHECK(d != NULL, "cannot open %s", path);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
		snprintf(path, sizeof(path), "%s/%s", root, sub);
		FUZZ_CHECK(stat(path, &st) == 0, "cannot stat %s", path);
		if (S_ISDIR(st.st_mode)) {
			load_dir(root, sub);
			continue;
		}
		n = strlen(sub);
		if (n <= 5 || strcmp(sub + n - 5, ".html") != 0)
			continue;
		FUZZ_CHECK(real_n < TEMPLATES_MAX, "more than %d templates", TEMPLATES_MAX);
		sub[n - 5] = '\0';
		snprintf(real[real_n].name, sizeof(real[real_n].name), "%s", sub);
		real[real_n].text = malloc((size_t)st.st_size + 1);
		fp = fopen(path, "rb");
		FUZZ_CHECK(real[real_n].text != NULL && fp != NULL, "cannot read %s", path);
		real[real_n].len = fread(real[real_n].text, 1, (size_t)st.st_size, fp);
		real[real_n].text[real[real_n].len] = '\0';
		fclose(fp);
		scan(real[real_n].text, real[real_n].len, &real[real_n].scan);
		real_n++;
	}
	closedir(d);
}

/* The real templates, read once and kept for the process. */
static void
load_real(void)
{
	const char *names[TEMPLATES_MAX], *texts[TEMPLATES_MAX];
	struct errors e;
	int i, rc;

	if (real_set != NULL)
		return;
	load_dir(SOURCE_ROOT "/web/templates", "");
	for (i = 0; i < real_n; i++) {
		names[i] = real[i].name;
		texts[i] = real[i].text;
	}
	errors_init(&e);
	rc = tmpl_set_load_strings(names, texts, real_n, &real_set, &e);
	FUZZ_CHECK(rc == 0, "web/templates does not load: %s", e.n ? e.list[0].detail : "");
}

/* ---- contexts ----------------------------------------------------------- */

/* Which names a raw tag prints: their last segment, or "." for {{{.}}}. */
struct raw_names {
	struct str list[SCAN_NAMES_MAX];
	int n;
	bool dot;
	bool overflow;
};

static void
add_raw_names(struct raw_names *raw, const struct scan *sc)
{
	const char *dot;
	struct str name;
	int i;

	raw->overflow |= sc->overflow;
	for (i = 0; i < sc->name_n; i++) {
		if (sc->names[i].sigil != '{')
			continue;
		name = sc->names[i].name;
		if (str_eq_c(name, ".")) {
			raw->dot = true;
			continue;
		}
		while ((dot = memchr(name.p, '.', name.n)) != NULL) {
			name.n -= (size_t)(dot + 1 - name.p);
			name.p = dot + 1;
		}
		if (raw->n == SCAN_NAMES_MAX)
			raw->overflow = true;
		else
			raw->list[raw->n++] = name;
	}
}

static bool
is_raw(const struct raw_names *raw, const char *key)
{
	int i;

	for (i = 0; i < raw->n; i++)
		if (str_eq_c(raw->list[i], key))
			return true;
	return false;
}

/* Sizes that bound a render: the longest array and the longest string. */
struct measure {
	size_t longest_array;
	size_t longest_string;
};

/* A string's replacement: RAW_VALUE, or FUZZ_MARK then its bytes.  So
 * that "fz" in the output can only come from the mark, the bytes lose any
 * "fz" of their own, and a last "f" that a template's "z" could follow. */
static json_t *
marked(const json_t *v, bool raw)
{
	const char *p = json_string_value(v);
	size_t i, n = json_string_length(v);
	struct buf b = BUF_INIT;
	json_t *out;

	if (raw)
		return json_string(RAW_VALUE);
	buf_add_c(&b, FUZZ_MARK);
	for (i = 0; i < n; i++) {
		if (p[i] == 'z' && i > 0 && p[i - 1] == 'f')
			buf_addch(&b, 'Z');
		else if (p[i] == 'f' && i + 1 == n)
			buf_addch(&b, 'F');
		else
			buf_addch(&b, p[i]);
	}
	FUZZ_CHECK(buf_ok(&b), "out of memory");
	out = json_stringn_nocheck(b.p, b.n);
	buf_free(&b);
	return out;
}

/* Gives every string FUZZ_MARK first (raw ones RAW_VALUE instead) and
 * measures v.  Returns v's replacement when v itself is a string. */
static json_t *
mark(json_t *v, const struct raw_names *raw, bool as_raw, struct measure *m)
{
	const char *key;
	json_t *item, *repl;
	void *tmp;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		repl = marked(v, as_raw);
		if (json_string_length(repl) > m->longest_string)
			m->longest_string = json_string_length(repl);
		return repl;
	case JSON_ARRAY:
		if (json_array_size(v) > m->longest_array)
			m->longest_array = json_array_size(v);
		json_array_foreach(v, i, item) {
			repl = mark(item, raw, raw->dot, m);
			if (repl != NULL)
				json_array_set_new(v, i, repl);
		}
		return NULL;
	case JSON_OBJECT:
		json_object_foreach_safe(v, tmp, key, item) {
			repl = mark(item, raw, is_raw(raw, key), m);
			if (repl != NULL)
				json_object_set_new_nocheck(v, key, repl);
		}
		return NULL;
	default: return NULL;
	}
}

/* A context giving every name the real templates use the value v. */
static json_t *
context_of_names(struct str v)
{
	json_t *root = json_object(), *o, *next;
	char key[TMPL_TAG_MAX + 1];
	struct str name;
	const char *dot;
	int i, k;

	for (i = 0; i < real_n; i++) {
		for (k = 0; k < real[i].scan.name_n; k++) {
			name = real[i].scan.names[k].name;
			if (name.n == 0 || name.n > TMPL_TAG_MAX || name.p[0] == '@' ||
			    str_eq_c(name, "."))
				continue;
			o = root;
			while (o != NULL && (dot = memchr(name.p, '.', name.n)) != NULL) {
				snprintf(key, sizeof(key), "%.*s", (int)(dot - name.p), name.p);
				next = json_object_get(o, key);
				if (next == NULL) {
					next = json_object();
					json_object_set_new(o, key, next);
				}
				o = json_is_object(next) ? next : NULL;
				name.n -= (size_t)(dot + 1 - name.p);
				name.p = dot + 1;
			}
			snprintf(key, sizeof(key), "%.*s", (int)name.n, name.p);
			if (o != NULL && json_object_get(o, key) == NULL)
				json_object_set_new(o, key, json_stringn_nocheck(v.p, v.n));
		}
	}
	return root;
}

/* ---- rendering ---------------------------------------------------------- */

/* Whether template text could put "fz" in the output by itself. */
static bool
makes_fz(const char *text, size_t len)
{
	return fuzz_contains(text, len, "fz") || fuzz_contains(text, len, "f{{") ||
	    fuzz_contains(text, len, "}}z");
}

/* Every "fz" of the output is the middle of the escaped mark. */
static void
check_escaped(const struct buf *out, const char *what)
{
	const char *at, *end;
	size_t tail = strlen(MARK_ESCAPED) - 4;

	if (out->n == 0)
		return;
	end = out->p + out->n;
	FUZZ_CHECK(!fuzz_contains(out->p, out->n, FUZZ_MARK_RAW),
	    "%s prints a value unescaped: %.*s", what, (int)(out->n > 2000 ? 2000 : out->n),
	    out->p);
	for (at = memmem(out->p, out->n, "fz", 2); at != NULL;
	     at = memmem(at + 1, (size_t)(end - at - 1), "fz", 2))
		FUZZ_CHECK(at - out->p >= 4 && memcmp(at - 4, MARK_ESCAPED, 4) == 0 &&
		        (size_t)(end - at) >= tail && memcmp(at, &MARK_ESCAPED[4], tail) == 0,
		    "%s escapes a value only in part: %.40s", what,
		    at - (at - out->p >= 4 ? 4 : 0));
}

/* Renders template t of set if its cost is bounded; checks the output. */
static void
render_one(const struct tmpl_set *set, struct source *sources, int n, struct source *t,
    const json_t *ctx, const struct measure *m, bool may_recurse, bool check)
{
	struct buf out = BUF_INIT;
	double size, arrays = m->longest_array > 1 ? (double)m->longest_array : 1.0;
	int depth, rc;

	if (!expand(sources, n, t, &depth, &size)) {
		/* Only a single partial tag recursing, with no array to fan out:
		 * it ends at TMPL_DEPTH_MAX after that many passes. */
		if (!may_recurse || m->longest_array > 1)
			return;
		depth = TMPL_NEST_MAX;
		size = (TMPL_DEPTH_MAX + 1) * (t->scan.tags + 1.0);
		arrays = 1.0;
	}
	if (pow(arrays, depth) * size * (double)(m->longest_string + 16) > RENDER_BUDGET)
		return;
	rc = tmpl_render(set, t->name, ctx, &out);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID, "rendering %s: %s", t->name, error_name(rc));
	FUZZ_CHECK(rc != 0 || buf_ok(&out), "rendering %s: the output failed to grow", t->name);
	if (rc == 0 && check)
		check_escaped(&out, t->name);
	buf_free(&out);
}

static void
fuzz_real(const uint8_t *data, size_t size)
{
	struct raw_names *raw = calloc(1, sizeof(*raw));
	struct measure m = { 0, 0 };
	json_t *ctx;
	bool check;
	int i;

	FUZZ_CHECK(raw != NULL, "out of memory");
	load_real();
	ctx = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!json_is_object(ctx)) {
		json_decref(ctx);
		ctx = context_of_names((struct str){ (const char *)data, size });
	}
	for (i = 0; i < real_n; i++)
		add_raw_names(raw, &real[i].scan);
	mark(ctx, raw, false, &m);
	check = !raw->overflow;
	for (i = 0; i < real_n; i++)
		check = check && !makes_fz(real[i].text, real[i].len);
	for (i = 0; i < real_n; i++)
		render_one(real_set, real, real_n, &real[i], ctx, &m, false, check);
	json_decref(ctx);
	free(raw);
}

static void
fuzz_text(const uint8_t *data, size_t size)
{
	struct source src[2] = { { .name = "a" }, { .name = "b" } };
	struct raw_names *raw = calloc(1, sizeof(*raw));
	struct measure m = { 0, 0 };
	const char *names[2] = { "a", "b" }, *texts[2], *end = (const char *)data + size;
	const char *p = (const char *)data, *nul;
	struct tmpl_set *set = NULL;
	json_t *ctx = NULL, *repl;
	bool check;
	int i, rc;

	FUZZ_CHECK(raw != NULL, "out of memory");
	for (i = 0; i < 2; i++) {
		nul = memchr(p, '\0', (size_t)(end - p));
		src[i].len = nul ? (size_t)(nul - p) : (size_t)(end - p);
		src[i].text = strndup(p, src[i].len);
		FUZZ_CHECK(src[i].text != NULL, "out of memory");
		texts[i] = src[i].text;
		p += src[i].len + (nul != NULL);
	}
	rc = tmpl_set_load_strings(names, texts, 2, &set, NULL);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID, "loading: %s", error_name(rc));
	FUZZ_CHECK((rc == 0) == (set != NULL), "a set on failure, or none on success");
	if (rc != 0)
		goto out;
	FUZZ_CHECK(tmpl_exists(set, "a") && tmpl_exists(set, "b") && !tmpl_exists(set, "c"),
	    "the set does not hold what was loaded");

	ctx = json_loadb(p, (size_t)(end - p), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	for (i = 0; i < 2; i++) {
		scan(src[i].text, src[i].len, &src[i].scan);
		add_raw_names(raw, &src[i].scan);
	}
	if (ctx != NULL && (repl = mark(ctx, raw, raw->dot, &m)) != NULL) {
		json_decref(ctx);
		ctx = repl;
	}
	/* Template text that could print "fz" itself is only run for crashes. */
	check = !raw->overflow;
	for (i = 0; i < 2; i++)
		check = check && !makes_fz(src[i].text, src[i].len);
	for (i = 0; i < 2; i++)
		render_one(set, src, 2, &src[i], ctx, &m,
		    src[0].scan.partial_n + src[1].scan.partial_n <= 1, check);
out:
	json_decref(ctx);
	tmpl_set_free(set);
	for (i = 0; i < 2; i++)
		free(src[i].text);
	free(raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] == 'r' || (data[0] != 't' && (data[0] & 1) == 0))
		fuzz_real(data + 1, size - 1);
	else
		fuzz_text(data + 1, size - 1);
	return 0;
}
