/* Tests for lss_html.c: LimeSurvey's HTML texts as inert Markdown: what is
 * kept (paragraphs, breaks, lists, emphasis, http and https links), what
 * is taken out and reported (scripts, styles, frames, event handlers,
 * other links, media, form controls, other tags), expressions in braces
 * taken out, and text that would read as HTML or a link escaped. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/lss_html.h"

#include "arena_fixture.h"

TestSuite(lss_html, .init = arena_setup, .fini = arena_teardown);

/* The Markdown of html, NUL-terminated; what was removed in *info. */
static const char *
md(const char *html, unsigned flags, struct lss_html_info *info)
{
	struct str out;

	memset(info, 0, sizeof(*info));
	cr_assert_eq(lss_html_to_markdown(str_c(html), flags, &arena, &out, info), 0);
	return arena_strdup(&arena, out);
}

static const char *
removed(const struct lss_html_info *info)
{
	struct buf b = BUF_INIT;
	const char *s;

	lss_html_removed_text(info, NULL, &b);
	s = arena_strdup(&arena, (struct str){ b.p ? b.p : "", b.n });
	buf_free(&b);
	return s;
}

Test(lss_html, plain_text_is_kept_with_white_space_folded)
{
	struct lss_html_info info;

	cr_assert_str_eq(md("  How   satisfied\tare you?\n", 0, &info), "How satisfied are you?");
	cr_assert_eq(info.removed, 0);
	cr_assert_str_eq(md("", 0, &info), "");
	cr_assert_str_eq(md("A &amp; B&nbsp;C", 0, &info), "A & B C");
}

Test(lss_html, paragraphs_breaks_and_lists)
{
	struct lss_html_info info;

	cr_assert_str_eq(md("<p>First.</p><p>Second<br>line.</p>", 0, &info),
	    "First.\n\nSecond\nline.");
	cr_assert_str_eq(md("<p>Pick:</p><ul><li>one</li><li>two</li></ul><p>Done</p>", 0, &info),
	    "Pick:\n\n- one\n- two\n\nDone");
	cr_assert_str_eq(md("<ol><li>a<ul><li>b</li></ul></li><li>c</li></ol>", 0, &info),
	    "1. a\n   - b\n2. c");
	cr_assert_str_eq(md("<div>A</div><div>B</div>", 0, &info), "A\n\nB");
	cr_assert_eq(info.removed, 0, "layout is not reported");
	/* On one line, for labels and question texts. */
	cr_assert_str_eq(md("<p>First.</p><ul><li>one</li><li>two</li></ul>", LSS_HTML_ONE_LINE,
	    &info), "First. one two");
}

Test(lss_html, emphasis_and_web_links)
{
	struct lss_html_info info;

	cr_assert_str_eq(md("Very <strong>important</strong>, <em> really </em>!", 0, &info),
	    "Very **important**, *really* !");
	cr_assert_str_eq(md("<b>bold</b><i>it</i>", 0, &info), "**bold***it*");
	cr_assert_str_eq(md("See <a href=\"https://www.nhs.uk/conditions/\">the NHS</a> site.",
	    0, &info), "See [the NHS](https://www.nhs.uk/conditions/) site.");
	cr_assert_str_eq(md("<a href=\" HTTP://example.org/a b(c)[d]\">x</a>", 0, &info),
	    "[x](HTTP://example.org/a%20b%28c%29%5Bd%5D)");
	cr_assert_str_eq(md("<a href=\"https://example.org/caf\xc3\xa9\xc2\x86\">x</a>", 0, &info),
	    "[x](https://example.org/caf%C3%A9%C2%86)");
	cr_assert_eq(info.removed, 0);
	cr_assert_str_eq(md("<a href=\"https://x.org/\">a [b] c</a>", 0, &info),
	    "[a \\[b\\] c](https://x.org/)");
	cr_assert_str_eq(md("<em></em>x", 0, &info), "x");
	/* Words alone, for titles. */
	cr_assert_str_eq(md("Our <b>survey</b> (<a href=\"https://x.org/\">see</a>)",
	    LSS_HTML_ONE_LINE | LSS_HTML_WORDS, &info), "Our survey (see)");
}

Test(lss_html, scripts_styles_frames_and_handlers_go)
{
	struct lss_html_info info;
	const char *s;

	s = md("<p onclick=\"steal()\" style=\"color:red\">Hello</p><script>alert(1)</script>"
	    "<style>p{color:red}</style><iframe src=\"https://evil.example/\">x</iframe>", 0, &info);
	cr_assert_str_eq(s, "Hello");
	cr_assert(info.removed & LSS_HTML_SCRIPT);
	cr_assert(info.removed & LSS_HTML_STYLE);
	cr_assert(info.removed & LSS_HTML_FRAME);
	cr_assert(info.removed & LSS_HTML_EVENT);
	cr_assert_eq(info.expr_n, 0, "a style's braces are not an expression: it went first");
	s = removed(&info);
	cr_assert(strstr(s, "a script") && strstr(s, "event handlers") && strstr(s, "styles") &&
	    strstr(s, "an embedded frame"), "%s", s);
}

Test(lss_html, links_to_other_addresses_keep_their_words_only)
{
	struct lss_html_info info;

	cr_assert_str_eq(md("<a href=\"javascript:alert(1)\">click</a>", 0, &info), "click");
	cr_assert(info.removed & LSS_HTML_LINK);
	cr_assert_str_eq(md("<a href=\"data:text/html,x\">d</a> <a href=\"/relative\">r</a>", 0,
	    &info), "d r");
	cr_assert(info.removed & LSS_HTML_LINK);
	cr_assert_str_eq(md("<a name=\"here\">anchor</a>", 0, &info), "anchor");
	cr_assert_eq(info.removed, 0);
}

Test(lss_html, media_forms_and_other_tags)
{
	struct lss_html_info info;
	const char *s;

	cr_assert_str_eq(md("<img src=x onerror=alert(1)>Look<svg><script>x</script></svg>", 0,
	    &info), "Look");
	cr_assert(info.removed & LSS_HTML_MEDIA);
	cr_assert_str_eq(md("<label>Name</label><input value=x><button>Go</button>", 0, &info),
	    "Name");
	cr_assert(info.removed & LSS_HTML_FORM);
	cr_assert_str_eq(md("<u>under</u> <font color=red>red</font> <code>c</code>", 0, &info),
	    "under red c");
	cr_assert(info.removed & LSS_HTML_OTHER);
	s = removed(&info);
	cr_assert(strstr(s, "<u>") && strstr(s, "<font>") && strstr(s, "<code>"), "%s", s);
	cr_assert_str_eq(md("<h1>Title</h1><table><tr><td>a</td><td>b</td></tr></table>", 0,
	    &info), "Title\n\na b");
	cr_assert(info.removed & LSS_HTML_FORMAT);
}

Test(lss_html, text_that_would_be_html_or_a_link_is_escaped)
{
	struct lss_html_info info;

	/* Entities decoded to a tag stay text, whatever renders the Markdown. */
	cr_assert_str_eq(md("&lt;script&gt;alert(1)&lt;/script&gt;", 0, &info),
	    "\\<script>alert(1)\\</script>");
	cr_assert_str_eq(md("\\&lt;b&gt;x", 0, &info), "\\\\\\<b>x");
	cr_assert_str_eq(md("\\<b>x</b>", 0, &info), "\\\\**x**");
	/* A backslash in the text cannot undo an escape. */
	cr_assert_str_eq(md("[a\\](javascript:x)", 0, &info), "[a\\\\\\](javascript:x)");
	cr_assert_str_eq(md("[x]: javascript:alert(1)", 0, &info), "[x\\]: javascript:alert(1)");
	cr_assert_str_eq(md("a < b and 3<4", 0, &info), "a < b and 3<4");
	cr_assert_str_eq(md("[click](javascript:alert(1))", 0, &info),
	    "[click\\](javascript:alert(1))");
	cr_assert_str_eq(md("[x]<span>(y)</span>", 0, &info), "[x\\](y)");
	/* Whatever went between them, or whichever node they came in. */
	cr_assert_str_eq(md("&lt;\x7fscript>", 0, &info), "\\<script>");
	cr_assert_str_eq(md("&lt;<span>b</span>", 0, &info), "\\<b");
}

Test(lss_html, expressions_in_braces_are_taken_out)
{
	struct lss_html_info info;

	cr_assert_str_eq(md("Hello {TOKEN:FIRSTNAME}, you said {Q1.shown}.", 0, &info),
	    "Hello , you said .");
	cr_assert_eq(info.expr_n, 2);
	cr_assert_eq(info.exprs[0].n, strlen("{TOKEN:FIRSTNAME}"));
	cr_assert(memcmp(info.exprs[0].p, "{TOKEN:FIRSTNAME}", info.exprs[0].n) == 0);
	cr_assert_str_eq(md("{if(Q2 == 'Y', '}', \"{\")} end", 0, &info), "end");
	cr_assert_eq(info.expr_n, 1);
	/* Not expressions, as LimeSurvey reads them: white space inside the braces. */
	cr_assert_str_eq(md("a { b } c {d", 0, &info), "a { b } c {d");
	cr_assert_eq(info.expr_n, 0);
}

Test(lss_html, deep_nesting_is_bounded)
{
	struct lss_html_info info;
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 500; i++)
		buf_add_c(&b, "<span>");
	buf_add_c(&b, "deep");
	buf_add_c(&b, "<p>x</p>");
	md(buf_cstr(&b), 0, &info);
	cr_assert(info.removed & LSS_HTML_DEEP);
	buf_free(&b);
}

Test(lss_html, control_characters_go)
{
	struct lss_html_info info;

	cr_assert_str_eq(md("a\x01" "b\x7f" "c\xc2\x85" "d", 0, &info), "abcd");
	cr_assert_str_eq(md("line\xe2\x80\xa8" "two", LSS_HTML_ONE_LINE, &info), "line two");
}
