/* Tests for qr.c: the matrix libqrencode makes, and its SVG. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/error.h"
#include "involve/qr.h"

#define LINK "https://involve.example.org/o/bury/polls/12?code=abcdefghjk"

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* The side of the picture the viewBox gives, quiet zone included. */
static int
viewbox_size(const char *svg)
{
	const char *v = strstr(svg, "viewBox=\"0 0 ");
	int a = -1, b = -2;

	cr_assert(v, "%s", svg);
	cr_assert_eq(sscanf(v, "viewBox=\"0 0 %d %d\"", &a, &b), 2);
	cr_assert_eq(a, b);
	return a;
}

/* Marks each module the path of qr_svg_path draws, by following its
 * commands as a viewer would, in a grid of size x size. */
static void
paint_path(const char *svg, int size, unsigned char *grid)
{
	const char *d = strstr(svg, " d=\"");
	double x = 0, y = 0, dx, dy;
	int len, n, i;

	cr_assert(d);
	d += 4;
	while (*d != '"') {
		if (*d == 'M' || *d == 'm') {
			cr_assert_eq(sscanf(d + 1, "%lf %lf%n", &dx, &dy, &n), 2, "%s", d);
			if (*d == 'M')
				x = dx, y = dy;
			else
				x += dx, y += dy;
			d += 1 + n;
		} else if (*d == 'h') {
			cr_assert_eq(sscanf(d + 1, "%d%n", &len, &n), 1, "%s", d);
			cr_assert_gt(len, 0);
			for (i = 0; i < len; i++) {
				int cx = (int)x + i, cy = (int)y;

				cr_assert(cx >= 0 && cx < size && cy >= 0 && cy < size);
				cr_assert_eq(y - cy, 0.5, "a run along the middle of its row");
				grid[cy * size + cx]++;
			}
			x += len;
			d += 1 + n;
		} else {
			cr_assert_fail("unexpected path command at %s", d);
		}
	}
}

Test(qr, svg_is_one_path_over_white)
{
	struct buf b = BUF_INIT;
	const char *svg;

	cr_assert_eq(qr_svg(LINK, "Answer the poll", &b), 0);
	svg = buf_cstr(&b);
	cr_assert(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40) == 0, "%s", svg);
	cr_expect(strstr(svg, "shape-rendering=\"crispEdges\""));
	cr_expect(strstr(svg, "role=\"img\" aria-label=\"Answer the poll\""));
	cr_expect(strstr(svg, "<title>Answer the poll</title>"));
	cr_expect_eq(count(svg, "<path"), 1);
	cr_expect_eq(count(svg, "<rect"), 1);
	cr_expect(strstr(svg, "fill=\"#fff\""));
	cr_expect_eq(count(svg, "<svg"), 1);
	cr_expect(strcmp(svg + b.n - 7, "</svg>\n") == 0);
	/* 60 bytes at level M: version 4, 33 modules. */
	cr_expect_eq(viewbox_size(svg), 33 + 2 * QR_QUIET);
	buf_free(&b);
}

Test(qr, versions_grow_with_the_text)
{
	static const struct {
		size_t bytes;
		int width;
	} cases[] = {
		/* Byte mode capacities at level M (ISO/IEC 18004 table 7). */
		{ 1, 21 },
		{ 14, 21 },
		{ 15, 25 },
		{ 26, 25 },
		{ 27, 29 },
		{ 62, 33 },
		{ 63, 37 },
		{ QR_TEXT_MAX, 177 },
	};
	char text[QR_TEXT_MAX + 1];
	struct buf b = BUF_INIT;
	struct qr *q;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(text, 'a', cases[i].bytes);
		text[cases[i].bytes] = '\0';
		cr_assert_eq(qr_encode(text, &q), 0, "%zu bytes", cases[i].bytes);
		cr_expect_eq(qr_width(q), cases[i].width, "%zu bytes", cases[i].bytes);
		qr_free(q);
		buf_reset(&b);
		cr_assert_eq(qr_svg(text, NULL, &b), 0);
		cr_expect_eq(viewbox_size(buf_cstr(&b)), cases[i].width + 2 * QR_QUIET);
	}
	buf_free(&b);
}

/* The SVG draws exactly the matrix's dark modules, each once, inside the
 * quiet zone; the finder pattern's corner is where it must be. */
Test(qr, svg_draws_the_matrix)
{
	struct buf b = BUF_INIT;
	unsigned char *grid;
	struct qr *q;
	int w, size, x, y;

	cr_assert_eq(qr_encode(LINK, &q), 0);
	w = qr_width(q);
	cr_assert_eq(qr_svg(LINK, "x", &b), 0);
	size = viewbox_size(buf_cstr(&b));
	cr_assert_eq(size, w + 2 * QR_QUIET);
	grid = calloc((size_t)size * size, 1);
	cr_assert(grid);
	paint_path(b.p, size, grid);
	for (y = 0; y < size; y++)
		for (x = 0; x < size; x++)
			cr_assert_eq(grid[y * size + x],
			    qr_dark(q, x - QR_QUIET, y - QR_QUIET) ? 1 : 0, "module %d,%d", x, y);
	/* Finder patterns: dark corners, and the quiet zone outside. */
	cr_expect(qr_dark(q, 0, 0) && qr_dark(q, w - 1, 0) && qr_dark(q, 0, w - 1));
	cr_expect(
	    !qr_dark(q, -1, 0) && !qr_dark(q, 0, -1) && !qr_dark(q, w, 0) && !qr_dark(q, 0, w));
	free(grid);
	qr_free(q);
	buf_free(&b);
}

Test(qr, label_is_escaped)
{
	struct buf b = BUF_INIT;
	const char *svg;

	cr_assert_eq(qr_svg("https://a.example/?x=1&y=2", "Tom & Jerry's <\"poll\">", &b), 0);
	svg = buf_cstr(&b);
	cr_expect(strstr(svg, "aria-label=\"Tom &amp; Jerry&#39;s &lt;&quot;poll&quot;&gt;\""),
	    "%s", svg);
	cr_expect(strstr(svg, "<title>Tom &amp; Jerry&#39;s &lt;&quot;poll&quot;&gt;</title>"));
	cr_expect(!strstr(svg, "Tom & "));
	cr_expect(!strstr(svg, "<\"poll"));
	/* No label: the text names it, escaped the same way. */
	buf_reset(&b);
	cr_assert_eq(qr_svg("https://a.example/?x=1&y=2", NULL, &b), 0);
	cr_expect(strstr(buf_cstr(&b), "<title>https://a.example/?x=1&amp;y=2</title>"));
	buf_free(&b);
}

Test(qr, refuses_what_it_cannot_draw)
{
	struct buf b = BUF_INIT;
	char *text;
	struct qr *q = (struct qr *)&b;

	text = malloc(8001);
	cr_assert(text);
	memset(text, 'x', 8000);
	text[8000] = '\0';
	buf_add_c(&b, "kept");
	cr_expect_eq(qr_svg(text, "too long", &b), ERR_INVALID);
	cr_expect_eq(qr_encode(text, &q), ERR_INVALID);
	cr_expect_null(q);
	/* One byte past what version 40 holds. */
	text[QR_TEXT_MAX + 1] = '\0';
	cr_expect_eq(qr_svg(text, "too long", &b), ERR_INVALID);
	text[QR_TEXT_MAX] = '\0';
	cr_expect_eq(qr_encode(text, &q), 0);
	qr_free(q);
	cr_expect_eq(qr_svg("", "empty", &b), ERR_INVALID);
	/* A label XML cannot carry. */
	cr_expect_eq(qr_svg("x", "bell\a", &b), ERR_INVALID);
	cr_expect_eq(qr_svg("x", "cut \xe2\x80", &b), ERR_INVALID);
	cr_expect_eq(qr_svg("line\nbreak", NULL, &b), ERR_INVALID);
	cr_expect_eq(qr_encode("line\nbreak", &q), 0, "any bytes encode");
	qr_free(q);
	cr_expect_eq(b.n, 4, "refusals leave out as it was");
	cr_expect_str_eq(buf_cstr(&b), "kept");
	qr_free(NULL);
	free(text);
	buf_free(&b);
}
