/* Tests for code_sheet.c: single-use codes as CSV, and as printable cards in
 * PDF and SVG. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/code_sheet.h"
#include "involve/error.h"

#define BASE "https://involve.example.org/o/bury/polls/12"
#define MM (72.0 / 25.4)

/*
 * For LeakSanitizer: fontconfig 2.14 loses a few hundred bytes reading its
 * configuration (FcInitLoadConfigAndFonts, which Pango runs on a thread of
 * its own the first time a font map needs fonts), inside the library.  The
 * library is built without frame pointers, so the stack LeakSanitizer
 * keeps ends inside it: the suppression names the library, which nothing
 * here calls directly.  Letting fontconfig and cairo go at the end of each
 * test instead (FcFini, cairo_debug_reset_static_data) races with that
 * thread and trips cairo's assertions.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static const char *const nine[] = {
	"abcd-efgh-jk",
	"mnpq-rstu-vw",
	"xyz2-3456-78",
	"9abc-defg-hj",
	"kmnp-qrst-uv",
	"wxyz-2345-67",
	"89ab-cdef-gh",
	"jkmn-pqrs-tu",
	"vwxy-z234-56",
};

static struct code_sheet
sheet(int n)
{
	return (struct code_sheet){
		.org_name = "Bury Integrated Care Board",
		.title = "Should the walk-in centre open on Sundays?",
		.url_base = BASE,
		.codes = nine,
		.n = n,
	};
}

static int
count(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	int c = 0;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			c++;
	return c;
}

/* Page objects, not the page tree ("/Type /Pages"). */
static int
pdf_pages(const struct buf *b)
{
	const char *t = "/Type /Page";
	size_t k = strlen(t), i;
	int c = 0;

	for (i = 0; i + k < b->n; i++)
		if (memcmp(b->p + i, t, k) == 0 && b->p[i + k] != 's')
			c++;
	return c;
}

Test(code_sheet, csv_has_a_header_and_a_row_a_code)
{
	struct code_sheet s = sheet(3);
	struct buf b = BUF_INIT;

	cr_assert_eq(code_sheet_csv(&s, &b), 0);
	cr_expect_str_eq(buf_cstr(&b),
	    "code,link\r\n"
	    "abcd-efgh-jk," BASE "?code=abcdefghjk\r\n"
	    "mnpq-rstu-vw," BASE "?code=mnpqrstuvw\r\n"
	    "xyz2-3456-78," BASE "?code=xyz2345678\r\n");
	buf_free(&b);
}

Test(code_sheet, csv_quotes_only_what_needs_it)
{
	struct code_sheet s = sheet(2);
	struct buf b = BUF_INIT;

	s.url_base = "https://involve.example.org/o/a,b/polls/1";
	cr_assert_eq(code_sheet_csv(&s, &b), 0);
	cr_expect_str_eq(buf_cstr(&b),
	    "code,link\r\n"
	    "abcd-efgh-jk,\"https://involve.example.org/o/a,b/polls/1?code=abcdefghjk\"\r\n"
	    "mnpq-rstu-vw,\"https://involve.example.org/o/a,b/polls/1?code=mnpqrstuvw\"\r\n");
	buf_reset(&b);
	s.url_base = "https://involve.example.org/o/\"q\"/polls/1?lang=cy";
	s.n = 1;
	cr_assert_eq(code_sheet_csv(&s, &b), 0);
	cr_expect_str_eq(buf_cstr(&b),
	    "code,link\r\n"
	    "abcd-efgh-jk,\"https://involve.example.org/o/\"\"q\"\"/polls/"
	    "1?lang=cy&code=abcdefghjk\"\r\n");
	buf_free(&b);
}

Test(code_sheet, csv_takes_the_most_codes)
{
	const char **codes = malloc(CODE_SHEET_CODES_MAX * sizeof(*codes));
	struct code_sheet s = sheet(1);
	struct buf b = BUF_INIT;
	int i;

	cr_assert(codes);
	for (i = 0; i < CODE_SHEET_CODES_MAX; i++)
		codes[i] = nine[i % 9];
	s.codes = codes;
	s.n = CODE_SHEET_CODES_MAX;
	cr_assert_eq(code_sheet_csv(&s, &b), 0);
	cr_expect_eq(count(b.p, b.n, "\r\n"), CODE_SHEET_CODES_MAX + 1);
	s.n = CODE_SHEET_CODES_MAX + 1;
	cr_expect_eq(code_sheet_pdf(&s, &b), ERR_INVALID);
	free(codes);
	buf_free(&b);
}

Test(code_sheet, refuses_sheets_it_cannot_draw)
{
	static const char *const bad_codes[] = { "", "-abc", "abc-", "ab c", "ab,c", "ab\"c",
		"abcd\xc3\xa9", "abcd-efgh-jkmn-pqrs-tuvwx", NULL };
	static const char *const bad_urls[] = { "", "involve.example.org/o/x/polls/1",
		"ftp://involve.example.org/", "javascript:alert(1)", "https://a.example/x y",
		"https://a.example/#top", "https://a.example/\n", "=HYPERLINK(\"x\")" };
	static const char *const bad_text[] = { "tab\there", "line\nend", "cut \xe2\x80" };
	int (*const draw[])(const struct code_sheet *, struct buf *) = {
		code_sheet_csv,
		code_sheet_svg,
		code_sheet_pdf,
	};
	char long_url[CODE_SHEET_URL_MAX + 2];
	struct code_sheet s;
	struct buf b = BUF_INIT;
	const char *code[1];
	size_t f, i;

	memcpy(long_url, "https://", 8);
	memset(long_url + 8, 'a', sizeof(long_url) - 9);
	long_url[sizeof(long_url) - 1] = '\0';
	buf_add_c(&b, "kept");
	for (f = 0; f < 3; f++) {
		s = sheet(0);
		cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "n = 0");
		s.n = -1;
		cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "n = -1");
		s.n = CODE_SHEET_CODES_MAX + 1;
		cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "n = 10001");
		s = sheet(1);
		s.codes = code;
		for (i = 0; i < sizeof(bad_codes) / sizeof(bad_codes[0]); i++) {
			code[0] = bad_codes[i];
			cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "code %zu", i);
		}
		s = sheet(1);
		for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
			s.url_base = bad_urls[i];
			cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "%s", bad_urls[i]);
		}
		s.url_base = NULL;
		cr_expect_eq(draw[f](&s, &b), ERR_INVALID);
		s.url_base = long_url;
		cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "%zu bytes", strlen(long_url));
		long_url[CODE_SHEET_URL_MAX] = '\0';
		cr_expect_eq(draw[f](&s, &b), 0, "%zu bytes", strlen(long_url));
		long_url[CODE_SHEET_URL_MAX] = 'a';
		b.n = 4;
		s = sheet(1);
		for (i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
			s.org_name = bad_text[i];
			cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "org %zu", i);
			s.org_name = NULL;
			s.title = bad_text[i];
			cr_expect_eq(draw[f](&s, &b), ERR_INVALID, "title %zu", i);
			s.title = NULL;
		}
		/* The longest code, and no name or question, are fine. */
		code[0] = "abcd-efgh-jkmn-pqrs-tuvw";
		s.codes = code;
		cr_assert_eq(draw[f](&s, &b), 0, "drawing %zu", f);
		b.n = 4;
	}
	cr_expect_str_eq(buf_cstr(&b), "kept");
	buf_free(&b);
}

Test(code_sheet, pdf_has_a_page_per_eight_codes)
{
	static const struct {
		int codes, pages;
	} cases[] = { { 1, 1 }, { 8, 1 }, { 9, 2 } };
	struct code_sheet s;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = sheet(cases[i].codes);
		buf_reset(&b);
		cr_assert_eq(code_sheet_pdf(&s, &b), 0);
		cr_assert_gt(b.n, 1000);
		cr_expect(memcmp(b.p, "%PDF-1.4", 8) == 0);
		cr_expect(count(b.p + b.n - 7, 7, "%%EOF") == 1);
		cr_expect_eq(pdf_pages(&b), cases[i].pages, "%d codes", cases[i].codes);
		cr_expect_eq(count(b.p, b.n, "/Count "), 1);
		/* Each QR code links to its code's address. */
		cr_expect_eq(count(b.p, b.n, "/URI"), 2 * cases[i].codes);
	}
	cr_expect_eq(count(b.p, b.n, "(" BASE "?code=vwxyz23456)"), 1);
	cr_expect_eq(count(b.p, b.n, "(" BASE "?code=abcdefghjk)"), 1);
	buf_free(&b);
}

/* The characters of the SVG's <defs> (the words every card shares), its
 * elements left out. */
static const char *
text_of(const char *svg, char *out, size_t size)
{
	const char *p = strstr(svg, "<defs>"), *end = strstr(svg, "</defs>");
	size_t n = 0;
	bool tag = false;

	cr_assert(p && end);
	for (; p < end && n + 1 < size; p++) {
		if (*p == '<' || *p == '>')
			tag = *p == '<';
		else if (!tag)
			out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

/* Every font-size in the SVG, at least the smallest legible on paper. */
static void
expect_legible(const char *svg)
{
	const char *p;
	double size;
	int n = 0;

	for (p = strstr(svg, "font-size=\""); p; p = strstr(p + 1, "font-size=\"")) {
		cr_assert_eq(sscanf(p, "font-size=\"%lf\"", &size), 1);
		cr_expect_geq(size, 10, "%g pt", size);
		n++;
	}
	cr_expect_gt(n, 0);
}

Test(code_sheet, svg_holds_every_code_and_link)
{
	struct code_sheet s = sheet(9);
	struct buf b = BUF_INIT, link = BUF_INIT;
	const char *svg;
	static char words[4096];
	double w, h;
	int i, modules;

	cr_assert_eq(code_sheet_svg(&s, &b), 0);
	svg = buf_cstr(&b);
	cr_assert(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	cr_expect(strcmp(svg + b.n - 7, "</svg>\n") == 0);
	/* Two A4 pages, one above the other. */
	cr_expect(strstr(svg, " width=\"210mm\" height=\"594mm\" viewBox=\"0 0 595.28 1683.78\""));
	for (i = 0; i < 9; i++) {
		cr_expect_eq(count(b.p, b.n, nine[i]), 1, "%s", nine[i]);
		buf_reset(&link);
		buf_printf(&link, "aria-label=\"%s?code=", BASE);
		buf_add(&link, nine[i], 4);
		buf_add(&link, nine[i] + 5, 4);
		buf_add(&link, nine[i] + 10, 2);
		buf_add_c(&link, "\"><title>");
		cr_expect_eq(count(b.p, b.n, buf_cstr(&link)), 1, "%s", link.p);
	}
	/* The shared text once, each card placing it. */
	cr_expect_eq(count(b.p, b.n, "Bury Integrated Care Board"), 1);
	cr_expect_eq(count(b.p, b.n, "<use "), 9);
	cr_expect_eq(count(b.p, b.n, "<path "), 9);
	/* The instruction, whatever its lines. */
	cr_expect(strstr(text_of(svg, words, sizeof(words)),
	              "Your codeScan the QR code with your phone&#39;s camera, or go to "
	              "involve.example.org/o/bury/polls/12 and type the code. Each code works "
	              "once."),
	    "%s", words);
	expect_legible(svg);
	/* The QR symbol, without its quiet zone, at least 30 mm across. */
	svg = strstr(svg, "<svg x=");
	cr_assert(svg);
	cr_assert_eq(sscanf(svg,
	                 "<svg x=\"%*f\" y=\"%*f\" width=\"%lf\" height=\"%lf\" "
	                 "viewBox=\"0 0 %d",
	                 &w, &h, &modules),
	    3);
	cr_expect_eq(w, h);
	cr_expect_geq(
	    w / modules * (modules - 8) / MM, 30, "%g mm", w / modules * (modules - 8) / MM);
	buf_free(&link);
	buf_free(&b);
}

Test(code_sheet, svg_escapes_what_staff_wrote)
{
	struct code_sheet s = sheet(1);
	struct buf b = BUF_INIT;
	const char *svg;

	s.org_name = "Tom & Jerry <Health> \"Trust\"";
	s.title = "Is 1 < 2 & 3 > 2?";
	cr_assert_eq(code_sheet_svg(&s, &b), 0);
	svg = buf_cstr(&b);
	cr_expect(strstr(svg, "Tom &amp; Jerry &lt;Health&gt; &quot;Trust&quot;"), "%s", svg);
	cr_expect(strstr(svg, "<title>Is 1 &lt; 2 &amp; 3 &gt; 2?</title>"));
	cr_expect(!strstr(svg, "<Health>"));
	cr_expect(!strstr(svg, "& "));
	buf_free(&b);
}

Test(code_sheet, long_questions_end_in_an_ellipsis)
{
	struct code_sheet s = sheet(1);
	struct buf b = BUF_INIT, q = BUF_INIT;
	const char *svg;
	int i;

	for (i = 0; i < 30; i++)
		buf_printf(&q, "word%d ", i);
	buf_add_c(&q, "lastword");
	s.title = buf_cstr(&q);
	cr_assert_eq(code_sheet_svg(&s, &b), 0);
	svg = buf_cstr(&b);
	cr_expect(strstr(svg, "word0 "));
	cr_expect(strstr(svg, "\xe2\x80\xa6</tspan>"), "%s", svg);
	/* In the document's title whole, on the card cut. */
	cr_expect_eq(count(b.p, b.n, "lastword"), 1);
	cr_expect(strstr(svg, "lastword</title>"));
	buf_free(&q);
	buf_free(&b);
}

Test(code_sheet, right_to_left_text_is_anchored_on_the_right)
{
	struct code_sheet s = sheet(1);
	struct buf b = BUF_INIT;

	/* "Bury" and a question, in Urdu. */
	s.org_name = "\xd8\xa8\xd8\xb1\xdb\x8c";
	s.title =
	    "\xda\xa9\xdb\x8c\xd8\xa7 \xd8\xa7\xd8\xaa\xd9\x88\xd8\xa7\xd8\xb1 \xda\xa9\xd9\x88 "
	    "\xda\xa9\xda\xbe\xd9\x84\xd8\xa7 \xdb\x81\xd9\x88\xd9\x86\xd8\xa7 \xda\x86\xd8\xa7"
	    "\xdb\x81\xdb\x8c\xdb\x92\xd8\x9f";
	cr_assert_eq(code_sheet_svg(&s, &b), 0);
	cr_expect_eq(count(b.p, b.n, " direction=\"rtl\""), 2, "%s", buf_cstr(&b));
	cr_expect(strstr(buf_cstr(&b), ">Your code<"));
	/* The sheet's own words in Urdu too: the caption and the instruction,
	 * which keeps the address as it is. */
	s.lang = i18n_find(str_c("ur"));
	cr_assert(s.lang);
	buf_reset(&b);
	cr_assert_eq(code_sheet_svg(&s, &b), 0);
	cr_expect_eq(count(b.p, b.n, " direction=\"rtl\""), 4, "%s", buf_cstr(&b));
	cr_expect(strstr(buf_cstr(&b), " xml:lang=\"ur\""));
	cr_expect(
	    strstr(buf_cstr(&b), ">\xd8\xa2\xd9\xbe \xda\xa9\xd8\xa7 \xda\xa9\xd9\x88\xda\x88<"),
	    "%s", buf_cstr(&b));
	cr_expect(!strstr(buf_cstr(&b), "Your code"));
	cr_expect(strstr(buf_cstr(&b), "involve.example.org/"));
	buf_reset(&b);
	cr_assert_eq(code_sheet_pdf(&s, &b), 0);
	cr_expect_eq(pdf_pages(&b), 1);
	buf_free(&b);
}
