/* Tests for tmpl.c: the template engine's output, its context rules, its
 * partials and every template it refuses to load. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "involve/error.h"
#include "involve/i18n.h"
#include "involve/str.h"
#include "involve/tmpl.h"

/* ---- helpers ----------------------------------------------------------- */

static json_t *
parse(const char *json)
{
	json_error_t je;
	json_t *v;

	if (json == NULL)
		return NULL;
	v = json_loads(json, 0, &je);
	cr_assert_not_null(v, "bad JSON in the test: %s", je.text);
	return v;
}

static struct tmpl_set *
load(const char *const *names, const char *const *sources, int n)
{
	struct tmpl_set *set = NULL;
	struct errors e;
	int rc;

	errors_init(&e);
	rc = tmpl_set_load_strings(names, sources, n, &set, &e);
	cr_assert_eq(rc, 0, "load failed (%d): %s", rc, e.n > 0 ? e.list[0].detail : "");
	cr_assert_not_null(set);
	cr_assert_eq(e.n, 0);
	return set;
}

/* Renders `name` from set with ctx given as JSON; returns a heap string. */
static char *
render_set(const struct tmpl_set *set, const char *name, const char *json)
{
	struct buf b = BUF_INIT;
	json_t *ctx = parse(json);
	char *s;
	int rc;

	rc = tmpl_render(set, name, ctx, &b);
	json_decref(ctx);
	cr_assert_eq(rc, 0, "render of %s failed: %d", name, rc);
	s = buf_detach(&b, NULL);
	cr_assert_not_null(s);
	return s;
}

/* One template called "page", rendered once. */
static void
expect(const char *src, const char *json, const char *want)
{
	const char *names[] = { "page" }, *sources[] = { src };
	struct tmpl_set *set = load(names, sources, 1);
	char *got = render_set(set, "page", json);

	cr_expect_str_eq(got, want, "template %s with %s", src, json ? json : "NULL");
	free(got);
	tmpl_set_free(set);
}

/* Loading {"page": src} must fail with ERR_INVALID, and the first error must
 * name the file and line ("page line 3:") and contain `words`. */
static void
expect_refused_in(const char *const *names, const char *const *sources, int n, const char *where,
    const char *words)
{
	struct tmpl_set *set = (struct tmpl_set *)1;
	struct errors e;
	int rc;

	errors_init(&e);
	rc = tmpl_set_load_strings(names, sources, n, &set, &e);
	cr_assert_eq(rc, ERR_INVALID, "loading %s: got %d, want ERR_INVALID", sources[0], rc);
	cr_assert_null(set);
	cr_assert_geq(e.n, 1);
	cr_expect(strncmp(e.list[0].detail, where, strlen(where)) == 0,
	    "detail \"%s\" should start with \"%s\"", e.list[0].detail, where);
	cr_expect_not_null(strstr(e.list[0].detail, words), "detail \"%s\" should say \"%s\"",
	    e.list[0].detail, words);
}

static void
expect_refused(const char *src, const char *where, const char *words)
{
	const char *names[] = { "page" }, *sources[] = { src };

	expect_refused_in(names, sources, 1, where, words);
}

/* ---- values and escaping ------------------------------------------------ */

Test(tmpl, escapes_hostile_values)
{
	expect("<p title=\"{{t}}\">{{t}}</p>",
	    "{\"t\": \"<script>alert('x')</script> & \\\"q\\\"\"}",
	    "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\">"
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
	/* Escaping also applies through dotted names, sections and {{.}}. */
	expect("{{a.b}}|{{#l}}{{.}}{{/l}}", "{\"a\": {\"b\": \"<b>\"}, \"l\": [\"&\", \"'\"]}",
	    "&lt;b&gt;|&amp;&#39;");
}

Test(tmpl, triple_braces_are_raw)
{
	expect("{{{html}}}|{{{ html }}}|{{html}}", "{\"html\": \"<em>a & b</em>\"}",
	    "<em>a & b</em>|<em>a & b</em>|&lt;em&gt;a &amp; b&lt;/em&gt;");
}

Test(tmpl, prints_each_json_type)
{
	expect("[{{s}}][{{i}}][{{neg}}][{{r}}][{{t}}][{{f}}][{{n}}][{{missing}}][{{o}}][{{a}}]",
	    "{\"s\": \"text\", \"i\": 42, \"neg\": -7, \"r\": 2.5, \"t\": true, \"f\": false,"
	    " \"n\": null, \"o\": {\"x\": 1}, \"a\": [1, 2]}",
	    "[text][42][-7][2.5][true][][][][][]");
	expect("{{min}} {{max}} {{zero}} {{tiny}}",
	    "{\"min\": -9223372036854775808, \"max\": 9223372036854775807, \"zero\": 0,"
	    " \"tiny\": 0.000001}",
	    "-9223372036854775808 9223372036854775807 0 1e-06");
}

Test(tmpl, null_context_renders_text_only)
{
	expect("a{{x}}b{{#x}}no{{/x}}{{^x}}yes{{/x}}{{.}}", NULL, "abyes");
}

Test(tmpl, whitespace_inside_tags)
{
	expect("{{ name }}{{# list }}<{{ . }}>{{/ list }}{{^ none }}!{{/none}}{{\tname\t}}",
	    "{\"name\": \"N\", \"list\": [1, 2]}", "N<1><2>!N");
}

Test(tmpl, comments_are_dropped)
{
	expect("a{{! one }}b{{!\nspans\nlines {{ and braces\n}}c", "{}", "abc");
}

Test(tmpl, text_with_lone_braces_is_kept)
{
	expect("{ a } }} {b}", "{}", "{ a } }} {b}");
}

/* ---- lookup ------------------------------------------------------------- */

Test(tmpl, dotted_lookup)
{
	const char *ctx =
	    "{\"poll\": {\"question\": \"How satisfied?\", \"owner\": {\"name\": \"Bury\"},"
	    " \"n\": 3}, \"site\": \"S\"}";

	expect("{{poll.question}}/{{poll.owner.name}}/{{poll.n}}", ctx, "How satisfied?/Bury/3");
	/* Missing parts, and dotting into a non-object, print nothing. */
	expect("[{{poll.nope.name}}][{{poll.question.x}}][{{nope.x}}]", ctx, "[][][]");
	/* Only the first part falls back to outer frames: poll.site is not site. */
	expect("[{{poll.site}}]", ctx, "[]");
}

Test(tmpl, sections_fall_back_to_outer_names)
{
	expect("{{#poll}}{{question}} on {{site}}{{/poll}}",
	    "{\"poll\": {\"question\": \"Q\"}, \"site\": \"involve\"}", "Q on involve");
	/* An inner name hides an outer one of the same name. */
	expect("{{name}}:{{#child}}{{name}}{{/child}}:{{name}}",
	    "{\"name\": \"outer\", \"child\": {\"name\": \"inner\"}}", "outer:inner:outer");
	/* Array elements see the root too. */
	expect("{{#items}}{{label}}-{{unit}} {{/items}}",
	    "{\"unit\": \"kg\", \"items\": [{\"label\": \"a\"}, {\"label\": \"b\", \"unit\": "
	    "\"g\"}]}",
	    "a-kg b-g ");
	/* A dotted name inside a section starts from where its first part is found. */
	expect("{{#a}}{{b.c}}{{/a}}", "{\"a\": {\"x\": 1}, \"b\": {\"c\": \"outer\"}}", "outer");
}

/* ---- sections ----------------------------------------------------------- */

Test(tmpl, arrays_with_position_helpers)
{
	expect("{{#opts}}{{@index}}:{{@number}}:{{.}}{{#@first}}F{{/@first}}{{#@last}}L{{/@last}}"
	       "{{^@last}}, {{/@last}}{{/opts}}",
	    "{\"opts\": [\"a\", \"b\", \"c\"]}", "0:1:aF, 1:2:b, 2:3:cL");
	/* One element is both first and last. */
	expect("{{#o}}{{#@first}}F{{/@first}}{{#@last}}L{{/@last}}{{@first}}{{@last}}{{/o}}",
	    "{\"o\": [1]}", "FLtruetrue");
	/* Outside any array the helpers are empty and false. */
	expect("[{{@index}}{{@number}}{{@first}}{{#@first}}x{{/@first}}{{^@last}}n{{/@last}}]",
	    "{}", "[n]");
}

Test(tmpl, position_helpers_see_the_innermost_array)
{
	/* Through an object section the helpers still describe the element... */
	expect("{{#rows}}{{#cell}}{{@number}}={{v}} {{/cell}}{{/rows}}",
	    "{\"rows\": [{\"cell\": {\"v\": \"a\"}}, {\"cell\": {\"v\": \"b\"}}]}", "1=a 2=b ");
	/* ...and in nested arrays the inner one wins, the outer returning after. */
	expect("{{#outer}}{{#inner}}{{@index}}{{/inner}}|{{@index}};{{/outer}}",
	    "{\"outer\": [{\"inner\": [\"x\", \"y\"]}, {\"inner\": [\"z\"]}]}", "01|0;0|1;");
}

Test(tmpl, arrays_of_objects)
{
	expect("<ul>{{#options}}<li id=\"o{{id}}\">{{label}} ({{votes}})</li>{{/options}}</ul>",
	    "{\"options\": [{\"id\": 1, \"label\": \"Good\", \"votes\": 10},"
	    " {\"id\": 2, \"label\": \"Poor\", \"votes\": 0}]}",
	    "<ul><li id=\"o1\">Good (10)</li><li id=\"o2\">Poor (0)</li></ul>");
}

Test(tmpl, objects_render_once_with_themselves_pushed)
{
	expect("{{#o}}[{{a}}]{{/o}}{{#empty}}(empty object){{/empty}}{{^empty}}no{{/empty}}",
	    "{\"o\": {\"a\": 1}, \"empty\": {}}", "[1](empty object)");
}

Test(tmpl, truthy_scalars_render_once_with_context_unchanged)
{
	const char *ctx = "{\"name\": \"N\", \"t\": true, \"s\": \"x\", \"i\": 5, \"neg\": -1,"
	                  " \"r\": 0.5}";

	expect(
	    "{{#t}}{{name}}{{/t}}{{#s}}{{name}}{{/s}}{{#i}}{{name}}{{/i}}{{#neg}}{{name}}{{/neg}}"
	    "{{#r}}{{name}}{{/r}}",
	    ctx, "NNNNN");
	/* The context is unchanged, so {{.}} is still the root object, printing nothing. */
	expect("[{{#s}}{{.}}{{/s}}]", ctx, "[]");
	expect("{{^t}}x{{/t}}{{^s}}x{{/s}}{{^i}}x{{/i}}{{^r}}x{{/r}}", ctx, "");
}

Test(tmpl, falsy_values_skip_sections_and_show_inverted)
{
	const char *ctx =
	    "{\"f\": false, \"n\": null, \"a\": [], \"s\": \"\", \"z\": 0, \"r\": 0.0}";
	const char *names[] = { "f", "n", "missing", "a", "s", "z", "r" };
	char src[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(src, sizeof(src), "[{{#%s}}shown{{/%s}}][{{^%s}}inverted{{/%s}}]",
		    names[i], names[i], names[i], names[i]);
		expect(src, ctx, "[][inverted]");
	}
}

Test(tmpl, empty_array_with_inverted_fallback)
{
	const char *src =
	    "{{#polls}}<li>{{title}}</li>{{/polls}}{{^polls}}<p>No polls yet.</p>{{/polls}}";

	expect(src, "{\"polls\": []}", "<p>No polls yet.</p>");
	expect(src, "{\"polls\": [{\"title\": \"A\"}]}", "<li>A</li>");
}

Test(tmpl, current_item_and_nested_dot)
{
	expect("{{#l}}({{.}}){{/l}}", "{\"l\": [1, \"two\", 3.5, true, null]}",
	    "(1)(two)(3.5)(true)()");
	expect("{{#m}}{{#.}}<{{.}}>{{/.}};{{/m}}", "{\"m\": [[1, 2], [], [3]]}", "<1><2>;;<3>;");
}

/* ---- partials ------------------------------------------------------------ */

Test(tmpl, partials_use_the_current_context)
{
	const char *names[] = { "page", "partials/item", "header" };
	const char *sources[] = {
		"{{>header}}<ul>{{#items}}{{> partials/item }}{{/items}}</ul>",
		"<li>{{@number}}. {{name}} of {{site}}</li>",
		"<h1>{{site}}</h1>",
	};
	struct tmpl_set *set = load(names, sources, 3);
	char *got;

	cr_assert(tmpl_exists(set, "page"));
	cr_assert(tmpl_exists(set, "partials/item"));
	cr_assert(!tmpl_exists(set, "partials"));
	cr_assert(!tmpl_exists(set, "item"));
	cr_assert(!tmpl_exists(set, NULL));
	got = render_set(
	    set, "page", "{\"site\": \"S\", \"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
	cr_expect_str_eq(got, "<h1>S</h1><ul><li>1. a of S</li><li>2. b of S</li></ul>");
	free(got);
	/* A partial is a template of its own too. */
	got = render_set(set, "header", "{\"site\": \"<S>\"}");
	cr_expect_str_eq(got, "<h1>&lt;S&gt;</h1>");
	free(got);
	tmpl_set_free(set);
}

Test(tmpl, recursive_partial_ending_with_the_data)
{
	const char *names[] = { "tree" };
	const char *sources[] = { "{{name}}{{#kids}}({{>tree}}){{/kids}}" };
	struct tmpl_set *set = load(names, sources, 1);
	char *got;

	/* Each leaf has "kids": [] so the lookup does not fall back to its parent's. */
	got = render_set(set, "tree",
	    "{\"name\": \"r\", \"kids\": [{\"name\": \"a\", \"kids\": []},"
	    " {\"name\": \"b\", \"kids\": [{\"name\": \"c\", \"kids\": []}]}]}");
	cr_expect_str_eq(got, "r(a)(b(c))");
	free(got);
	tmpl_set_free(set);
}

Test(tmpl, endless_partial_recursion_is_an_error)
{
	const char *names[] = { "loop", "a", "b" };
	const char *sources[] = { "x{{>loop}}", "{{>b}}", "{{#t}}{{>a}}{{/t}}" };
	struct tmpl_set *set = load(names, sources, 3);
	struct buf b = BUF_INIT;
	json_t *t = parse("{\"t\": true}");

	buf_add_c(&b, "kept");
	cr_expect_eq(tmpl_render(set, "loop", NULL, &b), ERR_INVALID);
	cr_expect_eq(b.n, 4, "a failed render leaves the buffer as it was");
	cr_expect_eq(tmpl_render(set, "a", t, &b), ERR_INVALID);
	cr_expect_eq(b.n, 4);
	/* Mutual recursion that stops with the data is fine. */
	cr_expect_eq(tmpl_render(set, "a", NULL, &b), 0);
	cr_expect_str_eq(buf_cstr(&b), "kept");
	json_decref(t);
	buf_free(&b);
	tmpl_set_free(set);
}

Test(tmpl, partial_depth_limit_is_exact)
{
	/* p0 includes p1 ... includes pN: N levels of partials below the page. */
	const char *names[TMPL_DEPTH_MAX + 2];
	const char *sources[TMPL_DEPTH_MAX + 2];
	char name_buf[TMPL_DEPTH_MAX + 2][16], src_buf[TMPL_DEPTH_MAX + 2][24];
	struct tmpl_set *set;
	struct buf b = BUF_INIT;
	char want[TMPL_DEPTH_MAX + 2];
	int i;

	for (i = 0; i < TMPL_DEPTH_MAX + 2; i++) {
		snprintf(name_buf[i], sizeof(name_buf[i]), "p%d", i);
		if (i < TMPL_DEPTH_MAX + 1)
			snprintf(src_buf[i], sizeof(src_buf[i]), "x{{>p%d}}", i + 1);
		else
			snprintf(src_buf[i], sizeof(src_buf[i]), "x");
		names[i] = name_buf[i];
		sources[i] = src_buf[i];
	}
	set = load(names, sources, TMPL_DEPTH_MAX + 2);
	/* From p1 the chain is TMPL_DEPTH_MAX partials deep: allowed. */
	cr_assert_eq(tmpl_render(set, "p1", NULL, &b), 0);
	memset(want, 'x', TMPL_DEPTH_MAX + 1);
	want[TMPL_DEPTH_MAX + 1] = '\0';
	cr_expect_str_eq(buf_cstr(&b), want);
	/* From p0 it is one deeper: refused. */
	buf_reset(&b);
	cr_expect_eq(tmpl_render(set, "p0", NULL, &b), ERR_INVALID);
	buf_free(&b);
	tmpl_set_free(set);
}

/* ---- rendering API -------------------------------------------------------- */

Test(tmpl, render_appends_and_reports_unknown_templates)
{
	const char *names[] = { "page" }, *sources[] = { "<{{x}}>" };
	struct tmpl_set *set = load(names, sources, 1);
	struct buf b = BUF_INIT;
	json_t *ctx = parse("{\"x\": 1}");

	buf_add_c(&b, "before");
	cr_expect_eq(tmpl_render(set, "page", ctx, &b), 0);
	cr_expect_eq(tmpl_render(set, "page", ctx, &b), 0);
	cr_expect_str_eq(buf_cstr(&b), "before<1><1>");
	cr_expect_eq(tmpl_render(set, "nope", ctx, &b), ERR_NOTFOUND);
	cr_expect_eq(tmpl_render(set, "Page", ctx, &b), ERR_NOTFOUND);
	cr_expect_eq(tmpl_render(set, "", ctx, &b), ERR_NOTFOUND);
	cr_expect_str_eq(buf_cstr(&b), "before<1><1>");
	json_decref(ctx);
	buf_free(&b);
	tmpl_set_free(set);
}

Test(tmpl, render_reports_a_failed_buffer)
{
	const char *names[] = { "page" }, *sources[] = { "text" };
	struct tmpl_set *set = load(names, sources, 1);
	struct buf b = BUF_INIT;

	b.failed = true;
	cr_expect_eq(tmpl_render(set, "page", NULL, &b), ERR_NOMEM);
	buf_free(&b);
	tmpl_set_free(set);
}

Test(tmpl, empty_template_and_empty_set)
{
	struct tmpl_set *set = NULL;
	struct errors e;

	expect("", "{}", "");
	errors_init(&e);
	cr_assert_eq(tmpl_set_load_strings(NULL, NULL, 0, &set, &e), 0);
	cr_expect(!tmpl_exists(set, "page"));
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

struct shared {
	const struct tmpl_set *set;
	const json_t *ctx;
	int failures;
};

static void *
render_many(void *arg)
{
	struct shared *sh = arg;
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 2000; i++) {
		buf_reset(&b);
		if (tmpl_render(sh->set, "page", sh->ctx, &b) != 0 ||
		    strcmp(buf_cstr(&b), "<b>Q</b>:1a,2b,") != 0)
			__atomic_add_fetch(&sh->failures, 1, __ATOMIC_RELAXED);
	}
	buf_free(&b);
	return NULL;
}

Test(tmpl, one_set_renders_from_many_threads)
{
	const char *names[] = { "page", "q" };
	const char *sources[] = { "{{>q}}:{{#o}}{{@number}}{{.}},{{/o}}", "<b>{{q}}</b>" };
	struct shared sh = { .set = load(names, sources, 2) };
	pthread_t th[4];
	json_t *ctx = parse("{\"q\": \"Q\", \"o\": [\"a\", \"b\"]}");
	int i;

	sh.ctx = ctx;
	for (i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, render_many, &sh), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	cr_expect_eq(sh.failures, 0);
	json_decref(ctx);
	tmpl_set_free((struct tmpl_set *)sh.set);
}

/* ---- refusals ------------------------------------------------------------- */

Test(tmpl, refuses_unclosed_section)
{
	expect_refused(
	    "<p>\n{{#items}}\n<li>{{.}}</li>\n", "page line 2:", "{{#items}} is never closed");
	expect_refused("{{#a}}{{#b}}{{/b}}", "page line 1:", "{{#a}} is never closed");
	expect_refused("\n\n{{^none}}x", "page line 3:", "{{^none}} is never closed");
}

Test(tmpl, refuses_wrong_close_tag)
{
	expect_refused("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}",
	    "page line 3:", "{{/a}} does not match the open section {{#b}} from line 2");
	expect_refused(
	    "ok\n{{/a}}", "page line 2:", "{{/a}} closes a section that was never opened");
	/* Closing with a dotted name must match it exactly. */
	expect_refused("{{#a.b}}{{/a}}", "page line 1:", "does not match");
}

Test(tmpl, refuses_unterminated_tags)
{
	expect_refused("a\nb {{name", "page line 2:", "never closed with }}");
	expect_refused("{{{raw}}", "page line 1:", "never closed with }}}");
	expect_refused("{{name\n}}", "page line 1:", "not closed with }} on the same line");
	expect_refused("{{name}\n{{other}}", "page line 1:", "not closed with }} on the same line");
	expect_refused("{{!never ending comment", "page line 1:", "never closed");
	/* A tag swallowing the next one is named for its bad name. */
	expect_refused("{{a {{b}}", "page line 1:", "may contain only");
}

Test(tmpl, refuses_unknown_partial)
{
	const char *names[] = { "page", "header" };
	const char *sources[] = { "{{>header}}\n{{>footer}}", "h" };

	expect_refused_in(names, sources, 2, "page line 2:", "{{>footer}} names no template");
	expect_refused("{{>../etc/passwd}}", "page line 1:", "partial name");
	expect_refused("{{>a b}}", "page line 1:", "partial name");
}

Test(tmpl, refuses_empty_tag_names)
{
	expect_refused("{{}}", "page line 1:", "no name");
	expect_refused("x\n{{  }}", "page line 2:", "no name");
	expect_refused("{{#}}{{/}}", "page line 1:", "no name");
	expect_refused("{{{ }}}", "page line 1:", "no name");
	expect_refused("{{>}}", "page line 1:", "no name");
	expect_refused("{{/ }}", "page line 1:", "no name");
}

Test(tmpl, refuses_bad_names)
{
	expect_refused("{{a b}}", "page line 1:", "may contain only");
	/* {{&x}} is Mustache's other raw marker: refused, so raw output has one spelling. */
	expect_refused("{{&x}}", "page line 1:", "may contain only");
	expect_refused("{{=<% %>=}}", "page line 1:", "may contain only");
	expect_refused("{{{#x}}}", "page line 1:", "may contain only");
	expect_refused("{{a..b}}", "page line 1:", "empty part");
	expect_refused("{{.a}}", "page line 1:", "empty part");
	expect_refused("{{a.}}", "page line 1:", "empty part");
	expect_refused("{{@foo}}", "page line 1:", "unknown name \"@foo\"");
	expect_refused("{{#@index.x}}{{/@index.x}}", "page line 1:", "unknown name");
	expect_refused("{{a.b.c.d.e.f.g.h.i}}", "page line 1:", "more than 8 dotted parts");
	expect("{{a.b.c.d.e.f.g.h}}",
	    "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":8}}}}}}}}", "8");
}

Test(tmpl, refuses_long_tags)
{
	char src[TMPL_TAG_MAX + 16];
	char comment[TMPL_TAG_MAX * 2 + 16];

	/* Exactly TMPL_TAG_MAX between the braces is allowed... */
	memset(src, 'a', sizeof(src));
	memcpy(src, "{{", 2);
	memcpy(src + 2 + TMPL_TAG_MAX, "}}", 3);
	expect(src, "{}", "");
	/* ...one more is not. */
	memset(src, 'a', sizeof(src));
	memcpy(src, "{{", 2);
	memcpy(src + 3 + TMPL_TAG_MAX, "}}", 3);
	expect_refused(src, "page line 1:", "longer than 128");
	/* Comments are exempt: they explain, and print nothing. */
	memset(comment, 'c', sizeof(comment));
	memcpy(comment, "{{!", 3);
	memcpy(comment + sizeof(comment) - 3, "}}", 3);
	expect(comment, "{}", "");
}

Test(tmpl, refuses_deep_nesting)
{
	struct buf src = BUF_INIT;
	int i;

	for (i = 0; i < TMPL_NEST_MAX; i++)
		buf_printf(&src, "{{#s%d}}", i);
	for (i = TMPL_NEST_MAX - 1; i >= 0; i--)
		buf_printf(&src, "{{/s%d}}", i);
	expect(buf_cstr(&src), "{}", "");
	buf_reset(&src);
	for (i = 0; i <= TMPL_NEST_MAX; i++)
		buf_printf(&src, "{{#s%d}}\n", i);
	expect_refused(buf_cstr(&src), "page line 17:", "nested more than 16 deep");
	buf_free(&src);
}

Test(tmpl, refuses_invalid_utf8)
{
	expect("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", "{}",
	    "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80");
	expect_refused("ok\nLatin-1 caf\xe9\n", "page line 2:", "not valid UTF-8");
	expect_refused("\xc0\xaf", "page line 1:", "not valid UTF-8");     /* overlong '/' */
	expect_refused("\xed\xa0\x80", "page line 1:", "not valid UTF-8"); /* surrogate */
	expect_refused("x\xe2\x80", "page line 1:", "not valid UTF-8");    /* cut short */
}

Test(tmpl, refuses_oversized_templates)
{
	char *src = malloc(TMPL_FILE_MAX + 2);

	cr_assert_not_null(src);
	memset(src, 'a', TMPL_FILE_MAX);
	src[TMPL_FILE_MAX] = '\0';
	expect(src, NULL, src);
	src[TMPL_FILE_MAX] = 'a';
	src[TMPL_FILE_MAX + 1] = '\0';
	expect_refused(src, "page:", "larger than 262144 bytes");
	free(src);
}

Test(tmpl, refuses_bad_and_duplicate_template_names)
{
	const char *dup_names[] = { "a", "b", "a" }, *dup_sources[] = { "1", "2", "3" };
	const char *bad[] = { "", "a b", "../up", "/abs", "a//b", "a/./b", "x&y" };
	const char *sources[] = { "x" };
	size_t i;

	expect_refused_in(dup_names, dup_sources, 3, "a:", "two templates are named \"a\"");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused_in(&bad[i], sources, 1, bad[i], "needs a name");
}

Test(tmpl, reports_every_bad_file)
{
	const char *names[] = { "one", "two", "fine" };
	const char *sources[] = { "{{#a}}", "\n{{b", "{{c}}" };
	struct tmpl_set *set = NULL;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(tmpl_set_load_strings(names, sources, 3, &set, &e), ERR_INVALID);
	cr_assert_null(set);
	cr_assert_eq(e.n, 2);
	cr_expect_str_eq(e.list[0].field, "one");
	cr_expect_str_eq(e.list[0].detail, "one line 1: section {{#a}} is never closed");
	cr_expect_str_eq(e.list[1].field, "two");
	cr_expect_str_eq(
	    e.list[1].detail, "two line 2: a tag opened with {{ is never closed with }}");
}

Test(tmpl, line_numbers_count_comments)
{
	expect_refused("{{! a\ncomment\n}}\n{{#x}}", "page line 4:", "never closed");
}

/* ---- loading a directory ---------------------------------------------------- */

static void
write_file(const char *dir, const char *rel, const char *text, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "cannot write %s", path);
	cr_assert_eq(fwrite(text, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
}

static void
make_dir(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	cr_assert_eq(mkdir(path, 0700), 0, "cannot make %s", path);
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
remove_tree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

#define WRITE(dir, rel, text) write_file((dir), (rel), (text), strlen(text))

Test(tmpl, loads_a_directory_with_subfolders)
{
	char dir[] = "/tmp/involve-tmpl-XXXXXX";
	struct tmpl_set *set = NULL;
	struct errors e;
	char *got;

	cr_assert_not_null(mkdtemp(dir));
	make_dir(dir, "poll");
	make_dir(dir, "partials");
	make_dir(dir, ".git");
	WRITE(dir, "layout.html", "<main>{{>poll/vote}}</main>");
	WRITE(dir, "poll/vote.html", "{{>partials/error_summary}}<h1>{{poll.question}}</h1>");
	WRITE(dir, "partials/error_summary.html", "{{#errors}}<li>{{.}}</li>{{/errors}}");
	WRITE(dir, "notes.txt", "{{#broken");
	WRITE(dir, ".hidden.html", "{{#broken");
	WRITE(dir, ".git/x.html", "{{#broken");
	WRITE(dir, "poll/vote.html~", "{{#broken");

	errors_init(&e);
	cr_assert_eq(tmpl_set_load(dir, &set, &e), 0, "%s", e.n ? e.list[0].detail : "");
	cr_expect(tmpl_exists(set, "layout"));
	cr_expect(tmpl_exists(set, "poll/vote"));
	cr_expect(tmpl_exists(set, "partials/error_summary"));
	cr_expect(!tmpl_exists(set, "layout.html"));
	cr_expect(!tmpl_exists(set, "notes"));
	cr_expect(!tmpl_exists(set, ".hidden"));
	cr_expect(!tmpl_exists(set, ".git/x"));
	got = render_set(set, "layout",
	    "{\"poll\": {\"question\": \"Pharmacy <access>?\"}, \"errors\": [\"Choose one\"]}");
	cr_expect_str_eq(got, "<main><li>Choose one</li><h1>Pharmacy &lt;access&gt;?</h1></main>");
	free(got);
	tmpl_set_free(set);
	remove_tree(dir);
}

Test(tmpl, directory_errors_name_the_file_and_line)
{
	char dir[] = "/tmp/involve-tmpl-XXXXXX";
	struct tmpl_set *set = (struct tmpl_set *)1;
	struct errors e;
	char path[512];
	char *big;

	cr_assert_not_null(mkdtemp(dir));
	make_dir(dir, "poll");
	WRITE(dir, "layout.html", "{{>poll/vote}}");
	WRITE(dir, "poll/vote.html", "<h1>\n{{#poll}}{{/pol}}\n</h1>");

	errors_init(&e);
	cr_assert_eq(tmpl_set_load(dir, &set, &e), ERR_INVALID);
	cr_assert_null(set);
	cr_assert_eq(e.n, 1);
	cr_expect_str_eq(e.list[0].field, "poll/vote.html");
	cr_expect(
	    strncmp(e.list[0].detail, "poll/vote.html line 2: {{/pol}} does not match", 46) == 0,
	    "%s", e.list[0].detail);

	/* A file over the limit is refused before it is read whole. */
	WRITE(dir, "poll/vote.html", "ok");
	big = malloc(TMPL_FILE_MAX + 1);
	cr_assert_not_null(big);
	memset(big, 'a', TMPL_FILE_MAX + 1);
	write_file(dir, "big.html", big, TMPL_FILE_MAX + 1);
	free(big);
	errors_init(&e);
	cr_assert_eq(tmpl_set_load(dir, &set, &e), ERR_INVALID);
	cr_assert_eq(e.n, 1);
	cr_expect_str_eq(e.list[0].detail, "big.html: the template is larger than 262144 bytes");

	/* A name that could not be written in a partial tag. */
	snprintf(path, sizeof(path), "%s/big.html", dir);
	cr_assert_eq(unlink(path), 0);
	WRITE(dir, "my page.html", "x");
	errors_init(&e);
	cr_assert_eq(tmpl_set_load(dir, &set, &e), ERR_INVALID);
	cr_expect_not_null(strstr(e.list[0].detail, "my page.html"));

	remove_tree(dir);
}

Test(tmpl, missing_directory_is_an_io_error)
{
	struct tmpl_set *set = (struct tmpl_set *)1;
	struct errors e;

	errors_init(&e);
	cr_expect_eq(tmpl_set_load("/nonexistent/involve-templates", &set, &e), ERR_IO);
	cr_expect_null(set);
	cr_assert_eq(e.n, 1);
	cr_expect_not_null(strstr(e.list[0].detail, "/nonexistent/involve-templates"));
}

Test(tmpl, folder_depth_is_limited)
{
	char dir[] = "/tmp/involve-tmpl-XXXXXX";
	char rel[256] = "";
	struct tmpl_set *set = NULL;
	struct errors e;
	int i;

	cr_assert_not_null(mkdtemp(dir));
	for (i = 0; i < TMPL_DIR_DEPTH_MAX; i++) {
		strcat(rel, "d/");
		rel[strlen(rel) - 1] = '\0';
		make_dir(dir, rel);
		strcat(rel, "/");
	}
	strcat(rel, "deep.html");
	WRITE(dir, rel, "deep");
	errors_init(&e);
	cr_assert_eq(tmpl_set_load(dir, &set, &e), 0, "%s", e.n ? e.list[0].detail : "");
	cr_expect(tmpl_exists(set, "d/d/d/d/d/d/d/d/deep"));
	tmpl_set_free(set);

	rel[strlen(rel) - strlen("deep.html")] = '\0';
	strcat(rel, "d");
	make_dir(dir, rel);
	errors_init(&e);
	cr_assert_eq(tmpl_set_load(dir, &set, &e), ERR_INVALID);
	cr_expect_not_null(
	    strstr(e.list[0].detail, "folders nest more than 8 deep"), "%s", e.list[0].detail);
	remove_tree(dir);
}

/* ---- messages in the reader's language ------------------------------------ */

/* `src` as template "page" rendered in language `code` with ctx json. */
static char *
render_in(const char *src, const char *code, const char *json)
{
	const char *names[] = { "page" }, *sources[] = { src };
	struct tmpl_set *set = load(names, sources, 1);
	struct buf b = BUF_INIT;
	json_t *ctx = parse(json);
	char *s;

	cr_assert_eq(tmpl_render_in(set, "page", ctx, i18n_find(str_c(code)), &b), 0);
	json_decref(ctx);
	tmpl_set_free(set);
	s = buf_detach(&b, NULL);
	cr_assert_not_null(s);
	return s;
}

Test(tmpl, messages_show_in_english_with_values_escaped)
{
	expect("<b>{{_ Submit answer}}</b>", NULL, "<b>Submit answer</b>");
	expect("{{_   Submit answer   }}", NULL, "Submit answer");
	expect("<p>{{_ Closes on {closes}}}</p>", "{\"closes\":\"<1 May>\"}",
	    "<p>Closes on &lt;1 May&gt;</p>");
	expect("{{_ This poll closes on {poll.closes}.}}", "{\"poll\":{\"closes\":\"today\"}}",
	    "This poll closes on today.");
	expect("{{_ Closes on {closes}}}", "{}", "Closes on ");
	/* A message no catalogue has shows as written. */
	expect("{{_ Tom & Jerry}}", NULL, "Tom &amp; Jerry");
}

Test(tmpl, messages_show_in_the_chosen_language)
{
	char *en = render_in("{{_ Submit answer}}", "en", NULL);
	char *pl = render_in("{{_ Submit answer}}", "pl", NULL);
	char *ur = render_in("<p>{{_ Last updated: {updated}}}</p>", "ur",
	    "{\"updated\":\"<x>\"}");

	cr_assert_str_eq(en, "Submit answer");
	cr_assert_str_eq(pl, i18n_text(i18n_find(STR_LIT("pl")), "Submit answer"));
	cr_assert_str_neq(pl, "Submit answer");
	cr_assert_not_null(strstr(ur, "&lt;x&gt;"), "the value is in the translation: %s", ur);
	cr_assert_null(strstr(ur, "Last updated"), "%s", ur);
	cr_assert_null(strstr(ur, "{updated}"), "%s", ur);
	free(en);
	free(pl);
	free(ur);
}

Test(tmpl, refuses_bad_messages)
{
	char longer[TMPL_MSG_MAX + 32];

	expect_refused("x\n{{_ Closes on {closes\n}}", "page line 2:", "on one line");
	expect_refused("{{_ Closes on {a b}}}", "page line 1:", "placeholder {a b}");
	expect_refused("{{_ {a}{b}{c}{d}{e}}}", "page line 1:", "more than 4 placeholders");
	memset(longer, 'a', sizeof(longer) - 1);
	memcpy(longer, "{{_ ", 4);
	memcpy(longer + sizeof(longer) - 3, "}}", 3);
	expect_refused(longer, "page line 1:", "at most");
}
