/*
 * code_sheet.c - single-use poll codes as printable cards (PDF, SVG) and as
 * CSV (see code_sheet.h).
 *
 * One layout serves both pictures.  Pango lays out each block of text in
 * points, with hinting off, so the lines break the same way whatever draws
 * them.  Only the code differs from card to card: the organisation's name,
 * the question, the caption and the instruction are laid out once a sheet.
 * The PDF draws the layouts with cairo.  The SVG writes the same lines as
 * <text>, where Pango placed them, the shared blocks once in <defs>, placed
 * on each card by <use>.  Every QR code is read from the one matrix qr.h
 * makes.
 *
 * GLib, under Pango, aborts the process rather than return a failed
 * allocation, so only our own buffers and cairo's report ERR_NOMEM.
 */
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "involve/code_sheet.h"
#include "involve/error.h"
#include "involve/qr.h"
#include "involve/text.h"

/* The print layout, in points (cairo's PDF unit, and the SVG's). */
#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define PAGE_MARGIN (10 * MM) /* clear of what printers cannot reach */
#define COLUMNS 2
#define ROWS 4
#define CARD_W ((PAGE_W - 2 * PAGE_MARGIN) / COLUMNS)
#define CARD_H ((PAGE_H - 2 * PAGE_MARGIN) / ROWS)
#define CARD_PAD (4 * MM)
#define CUT_LINE 0.5 /* points wide, in CUT_GREY */
#define CUT_GREY 0.6 /* light, but there: a grey a guillotine can follow */
/* The QR code, quiet zone included.  The smallest symbol a link makes is
 * version 2 (25 modules; "http://a?code=b" is already 15 bytes, more than
 * version 1 holds), 40 * 25 / 33 = 30.3 mm without its quiet zone. */
#define QR_BOX (40 * MM)
/* The quiet zone is margin enough below the code. */
#define QR_LOWEST (CARD_H - 3 * MM - QR_BOX)
#define COLUMN_X (CARD_PAD + QR_BOX + 2 * MM)
#define COLUMN_W (CARD_W - COLUMN_X - CARD_PAD)
#define TOP_W (CARD_W - 2 * CARD_PAD)

_Static_assert(CODE_SHEET_PER_PAGE == COLUMNS * ROWS, "the grid holds a page of cards");

/* Families as Pango and CSS both read them: the first present is used, and
 * fontconfig finds the characters none of them has. */
#define SANS "Liberation Sans,Arial,DejaVu Sans,sans-serif"
#define MONO "Liberation Mono,Courier New,DejaVu Sans Mono,monospace"

enum block {
	B_ORG,
	B_TITLE,
	B_CAPTION,
	B_HOWTO,
	B_CODE, /* the one block that differs from card to card */
	B_N
};

static const struct style {
	const char *family;
	double size; /* points */
	bool bold;
} styles[B_N] = {
	[B_ORG] = { SANS, 10, false },
	[B_TITLE] = { SANS, 12, true },
	[B_CAPTION] = { SANS, 10, false },
	[B_HOWTO] = { SANS, 10, false },
	[B_CODE] = { MONO, 16, true },
};

/* A sheet being drawn: its blocks laid out, and where the pictures go. */
struct sheet {
	const struct code_sheet *s;
	PangoFontMap *fonts;
	PangoContext *pc;
	PangoLayout *block[B_N];
	double x[B_N], y[B_N]; /* each block's top left, in its card */
	double row_y;          /* the QR code's top, in its card */
	cairo_t *cr;           /* the PDF's, or NULL */
	struct buf *svg;       /* the SVG, or NULL */
	struct buf link;       /* one code's link */
};

/* Validation */

static bool
code_ok(const char *c)
{
	size_t i, n = strlen(c);

	if (n == 0 || n > CODE_SHEET_CODE_MAX || c[0] == '-' || c[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z') ||
		        (c[i] >= '0' && c[i] <= '9') || c[i] == '-'))
			return false;
	return true;
}

static bool
url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	if (strlen(u) > CODE_SHEET_URL_MAX)
		return false;
	return text_is_plain(str_c(u)) && strpbrk(u, " #") == NULL;
}

static bool
sheet_ok(const struct code_sheet *s)
{
	int i;

	if (s->n < 1 || s->n > CODE_SHEET_CODES_MAX || s->codes == NULL)
		return false;
	if (s->url_base == NULL || !url_ok(s->url_base))
		return false;
	if (!text_is_plain(str_c(s->org_name)) || !text_is_plain(str_c(s->title)))
		return false;
	for (i = 0; i < s->n; i++)
		if (s->codes[i] == NULL || !code_ok(s->codes[i]))
			return false;
	return true;
}

/* Appends code's link to b. */
static void
add_link(struct buf *b, const struct code_sheet *s, const char *code)
{
	buf_add_c(b, s->url_base);
	buf_add_c(b, strchr(s->url_base, '?') ? "&code=" : "?code=");
	for (; *code; code++)
		if (*code != '-')
			buf_addch(b, *code);
}

/* CSV */

static void
csv_cell(struct buf *b, struct str s)
{
	size_t i;

	if (memchr(s.p, ',', s.n) == NULL && memchr(s.p, '"', s.n) == NULL) {
		buf_add_str(b, s); /* url_ok allows no line ends */
		return;
	}
	buf_addch(b, '"');
	for (i = 0; i < s.n; i++) {
		if (s.p[i] == '"')
			buf_addch(b, '"');
		buf_addch(b, s.p[i]);
	}
	buf_addch(b, '"');
}

int
code_sheet_csv(const struct code_sheet *s, struct buf *out)
{
	struct buf link = BUF_INIT;
	size_t start = out->n;
	int i;

	if (!sheet_ok(s))
		return ERR_INVALID;
	buf_add_c(out, "code,link\r\n");
	for (i = 0; i < s->n; i++) {
		buf_reset(&link);
		add_link(&link, s, s->codes[i]);
		buf_add_c(out, s->codes[i]);
		buf_addch(out, ',');
		csv_cell(out, (struct str){ link.p, link.n });
		buf_add_c(out, "\r\n");
	}
	if (!buf_ok(&link))
		out->failed = true;
	buf_free(&link);
	if (!buf_ok(out)) {
		out->n = start;
		return ERR_NOMEM;
	}
	return 0;
}

/* Layout */

/* A block of text `width` points wide, of at most `lines` lines (0: any
 * number) or, when height > 0, as many as fit in that many points; what
 * does not fit ends in an ellipsis. */
static PangoLayout *
block_new(PangoContext *pc, enum block b, const char *text, double width, int lines, double height)
{
	PangoFontDescription *font;
	PangoLayout *l;

	l = pango_layout_new(pc);
	font = pango_font_description_new();
	pango_font_description_set_family_static(font, styles[b].family);
	pango_font_description_set_absolute_size(font, styles[b].size * PANGO_SCALE);
	pango_font_description_set_weight(
	    font, styles[b].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, font);
	pango_font_description_free(font);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (lines > 0 || height > 0) {
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(l, lines > 0 ? -lines : (int)(height * PANGO_SCALE));
	}
	pango_layout_set_text(l, text, -1);
	return l;
}

static double
block_height(PangoLayout *l)
{
	int h;

	pango_layout_get_size(l, NULL, &h);
	return (double)h / PANGO_SCALE;
}

/* The instruction, in the sheet's language, naming url_base.  Without
 * "https://", which browsers assume: it is less to type, and fewer lines on
 * the card. */
static void
add_howto(struct buf *b, const struct code_sheet *s)
{
	const char *scan = i18n_text(s->lang,
	    N_("Scan the QR code with your phone's camera, or go to {url} and type the code."));
	const char *at = strstr(scan, "{url}");
	const char *url = s->url_base;

	if (strncmp(url, "https://", 8) == 0)
		url += 8;
	if (at == NULL) {
		buf_add_c(b, scan);
	} else {
		buf_add(b, scan, (size_t)(at - scan));
		buf_add_c(b, url);
		buf_add_c(b, at + strlen("{url}"));
	}
	buf_addch(b, ' ');
	buf_add_c(b, i18n_text(s->lang, N_("Each code works once.")));
}

/* The longest code: monospaced, it takes the most lines, and the column
 * keeps that many for the code on every card. */
static const char *
longest_code(const struct code_sheet *s)
{
	const char *longest = s->codes[0];
	int i;

	for (i = 1; i < s->n; i++)
		if (strlen(s->codes[i]) > strlen(longest))
			longest = s->codes[i];
	return longest;
}

/* Lays out the blocks every card shares.  ERR_NOMEM. */
static int
sheet_open(struct sheet *d, const struct code_sheet *s)
{
	cairo_font_options_t *options;
	struct buf howto = BUF_INIT;
	double y;
	int rc = ERR_NOMEM;

	memset(d, 0, sizeof(*d));
	d->s = s;
	d->link = BUF_INIT;
	/* A font map of its own: nothing cached past the sheet, and no
	 * thread's default map shared. */
	d->fonts = pango_cairo_font_map_new();
	d->pc = pango_font_map_create_context(d->fonts);
	pango_cairo_context_set_resolution(d->pc, 72); /* sizes in points */
	pango_context_set_round_glyph_positions(d->pc, FALSE);
	pango_context_set_language(
	    d->pc, pango_language_from_string(s->lang ? s->lang->code : "en"));
	options = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d->pc, options);
	cairo_font_options_destroy(options);

	add_howto(&howto, s);
	if (!buf_ok(&howto))
		goto out;
	d->block[B_ORG] = block_new(d->pc, B_ORG, s->org_name ? s->org_name : "", TOP_W, 1, 0);
	d->x[B_ORG] = CARD_PAD;
	d->y[B_ORG] = CARD_PAD;
	/* The question has the lines the QR code leaves it (three, in Latin
	 * script), and the code comes up under a shorter one. */
	y = CARD_PAD + block_height(d->block[B_ORG]) + 0.5 * MM;
	d->block[B_TITLE] =
	    block_new(d->pc, B_TITLE, s->title ? s->title : "", TOP_W, 0, QR_LOWEST - 1.5 * MM - y);
	d->x[B_TITLE] = CARD_PAD;
	d->y[B_TITLE] = y;
	y += block_height(d->block[B_TITLE]) + 2 * MM;
	d->row_y = y < QR_LOWEST ? y : QR_LOWEST;
	d->block[B_CAPTION] =
	    block_new(d->pc, B_CAPTION, i18n_text(s->lang, N_("Your code")), COLUMN_W, 1, 0);
	d->x[B_CAPTION] = COLUMN_X;
	d->y[B_CAPTION] = d->row_y;
	/* Never cut: a code that is too long for one line takes two. */
	d->block[B_CODE] = block_new(d->pc, B_CODE, longest_code(s), COLUMN_W, 0, 0);
	d->x[B_CODE] = COLUMN_X;
	d->y[B_CODE] = y = d->row_y + block_height(d->block[B_CAPTION]);
	y += block_height(d->block[B_CODE]) + 2 * MM;
	d->block[B_HOWTO] =
	    block_new(d->pc, B_HOWTO, buf_cstr(&howto), COLUMN_W, 0, CARD_H - CARD_PAD - y);
	d->x[B_HOWTO] = COLUMN_X;
	d->y[B_HOWTO] = y;
	rc = 0;
out:
	buf_free(&howto);
	return rc;
}

static void
sheet_close(struct sheet *d)
{
	int b;

	for (b = 0; b < B_N; b++)
		if (d->block[b])
			g_object_unref(d->block[b]);
	if (d->pc)
		g_object_unref(d->pc);
	if (d->fonts)
		g_object_unref(d->fonts);
	buf_free(&d->link);
}

/* Card i's top left on its page. */
static void
card_origin(int i, double *x, double *y)
{
	int k = i % CODE_SHEET_PER_PAGE;

	*x = PAGE_MARGIN + (k % COLUMNS) * CARD_W;
	*y = PAGE_MARGIN + (k / COLUMNS) * CARD_H;
}

static int
page_count(const struct code_sheet *s)
{
	return (s->n + CODE_SHEET_PER_PAGE - 1) / CODE_SHEET_PER_PAGE;
}

/* SVG */

/* One <text> of the block's lines, each a <tspan> at the place Pango gave
 * it.  A line's characters are written in their logical order and the
 * viewer orders them for display, as it would any text; a right-to-left
 * paragraph is anchored at its right. */
static void
svg_block(struct buf *b, PangoLayout *l, const struct style *st, double x, double y)
{
	const char *text = pango_layout_get_text(l);
	PangoLayoutIter *it;
	PangoLayoutLine *line;
	PangoRectangle box;
	GSList *r;
	bool rtl;
	int start, end, cut_from, cut_to;

	if (text[0] == '\0')
		return;
	rtl = pango_layout_get_line_readonly(l, 0)->resolved_dir == PANGO_DIRECTION_RTL;
	buf_printf(b, "<text font-family=\"%s\" font-size=\"%g\"%s%s>", st->family, st->size,
	    st->bold ? " font-weight=\"bold\"" : "", rtl ? " direction=\"rtl\"" : "");
	it = pango_layout_get_iter(l);
	do {
		line = pango_layout_iter_get_line_readonly(it);
		pango_layout_iter_get_line_extents(it, NULL, &box);
		start = line->start_index;
		end = start + line->length;
		/* An ellipsized line keeps all its text; the run that shows
		 * "…" says which part it stands for. */
		cut_from = cut_to = end;
		for (r = line->runs; r; r = r->next) {
			PangoGlyphItem *run = r->data;

			if (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS) {
				cut_from = run->item->offset;
				cut_to = run->item->offset + run->item->length;
			}
		}
		if (line->length == 0)
			continue;
		buf_printf(b, "<tspan x=\"%.2f\" y=\"%.2f\">",
		    x + (double)(rtl ? box.x + box.width : box.x) / PANGO_SCALE,
		    y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
		buf_add_html(b, (struct str){ text + start, (size_t)(cut_from - start) });
		if (cut_from < end) {
			buf_add_c(b, "\xe2\x80\xa6"); /* … */
			buf_add_html(b, (struct str){ text + cut_to, (size_t)(end - cut_to) });
		}
		buf_add_c(b, "</tspan>");
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	buf_add_c(b, "</text>");
}

/* What every card shows, once, as <g id="card">. */
static void
svg_card_defs(struct sheet *d)
{
	struct buf *b = d->svg;
	enum block k;

	buf_printf(b,
	    "<defs><g id=\"card\"><rect width=\"%.2f\" height=\"%.2f\" fill=\"none\" "
	    "stroke=\"#%02x%02x%02x\" stroke-width=\"%g\"/>",
	    CARD_W, CARD_H, (int)(CUT_GREY * 255), (int)(CUT_GREY * 255), (int)(CUT_GREY * 255),
	    CUT_LINE);
	for (k = 0; k < B_CODE; k++)
		svg_block(b, d->block[k], &styles[k], d->x[k], d->y[k]);
	buf_add_c(b, "</g></defs>\n");
}

static int
svg_card(struct sheet *d, int i, double page_y)
{
	struct buf *b = d->svg;
	struct qr *q;
	double x, y;
	int rc, size;

	buf_reset(&d->link);
	add_link(&d->link, d->s, d->s->codes[i]);
	if (buf_cstr(&d->link) == NULL)
		return ERR_NOMEM;
	rc = qr_encode(d->link.p, &q);
	if (rc != 0)
		return rc;
	card_origin(i, &x, &y);
	buf_printf(
	    b, "<g transform=\"translate(%.2f %.2f)\"><use xlink:href=\"#card\"/>", x, page_y + y);
	pango_layout_set_text(d->block[B_CODE], d->s->codes[i], -1);
	svg_block(b, d->block[B_CODE], &styles[B_CODE], d->x[B_CODE], d->y[B_CODE]);
	size = qr_width(q) + 2 * QR_QUIET;
	buf_printf(b,
	    "<svg x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
	    CARD_PAD, d->row_y, QR_BOX, QR_BOX, size, size);
	buf_add_html(b, (struct str){ d->link.p, d->link.n });
	buf_add_c(b, "\"><title>");
	buf_add_html(b, (struct str){ d->link.p, d->link.n });
	buf_add_c(b, "</title>");
	qr_svg_path(q, b);
	buf_add_c(b, "</svg></g>\n");
	qr_free(q);
	return 0;
}

int
code_sheet_svg(const struct code_sheet *s, struct buf *out)
{
	struct sheet d;
	size_t start = out->n;
	int i, pages, rc;

	if (!sheet_ok(s))
		return ERR_INVALID;
	rc = sheet_open(&d, s);
	if (rc != 0)
		goto out;
	d.svg = out;
	pages = page_count(s);
	buf_printf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"210mm\" height=\"%dmm\" "
	    "viewBox=\"0 0 %.2f %.2f\" xml:lang=\"%s\">",
	    297 * pages, PAGE_W, PAGE_H * pages, s->lang ? s->lang->code : "en");
	if (s->title && s->title[0]) {
		buf_add_c(out, "<title>");
		buf_add_html(out, str_c(s->title));
		buf_add_c(out, "</title>");
	}
	buf_add_c(out, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
	svg_card_defs(&d);
	for (i = 0; i < s->n && rc == 0; i++)
		rc = svg_card(&d, i, (i / CODE_SHEET_PER_PAGE) * PAGE_H);
	buf_add_c(out, "</svg>\n");
	if (rc == 0 && !buf_ok(out))
		rc = ERR_NOMEM;
out:
	sheet_close(&d);
	if (rc != 0)
		out->n = start;
	return rc;
}

/* PDF */

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int n)
{
	struct buf *b = closure;

	buf_add(b, data, n);
	return buf_ok(b) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void
pdf_block(struct sheet *d, enum block k, double x, double y)
{
	cairo_move_to(d->cr, x + d->x[k], y + d->y[k]);
	pango_cairo_show_layout(d->cr, d->block[k]);
}

/* The link as a cairo tag attribute: uri='...', with ' and \ escaped. */
static void
add_link_attribute(struct buf *b, struct str link)
{
	size_t i;

	buf_add_c(b, "uri='");
	for (i = 0; i < link.n; i++) {
		if (link.p[i] == '\'' || link.p[i] == '\\')
			buf_addch(b, '\\');
		buf_addch(b, link.p[i]);
	}
	buf_addch(b, '\'');
}

/* The modules as one filled path, a rectangle per horizontal run, so no
 * seam shows between them. */
static void
pdf_qr(cairo_t *cr, const struct qr *q, double x, double y)
{
	int w = qr_width(q), mx, my, run;
	double m = QR_BOX / (w + 2 * QR_QUIET);

	for (my = 0; my < w; my++) {
		for (mx = 0; mx < w; mx += run) {
			for (run = 0; mx + run < w && qr_dark(q, mx + run, my); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			cairo_rectangle(
			    cr, x + (QR_QUIET + mx) * m, y + (QR_QUIET + my) * m, run * m, m);
		}
	}
	cairo_fill(cr);
}

static int
pdf_card(struct sheet *d, int i)
{
	cairo_t *cr = d->cr;
	struct buf attr = BUF_INIT;
	struct qr *q;
	double x, y;
	enum block k;
	int rc;

	buf_reset(&d->link);
	add_link(&d->link, d->s, d->s->codes[i]);
	add_link_attribute(&attr, (struct str){ d->link.p, d->link.n });
	if (buf_cstr(&d->link) == NULL || buf_cstr(&attr) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = qr_encode(d->link.p, &q);
	if (rc != 0)
		goto out;
	card_origin(i, &x, &y);
	cairo_set_source_rgb(cr, CUT_GREY, CUT_GREY, CUT_GREY);
	cairo_set_line_width(cr, CUT_LINE);
	cairo_rectangle(cr, x, y, CARD_W, CARD_H);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	pango_layout_set_text(d->block[B_CODE], d->s->codes[i], -1);
	for (k = 0; k < B_N; k++)
		pdf_block(d, k, x, y);
	cairo_tag_begin(cr, CAIRO_TAG_LINK, attr.p);
	pdf_qr(cr, q, x + CARD_PAD, y + d->row_y);
	cairo_tag_end(cr, CAIRO_TAG_LINK);
	qr_free(q);
out:
	buf_free(&attr);
	return rc;
}

static int
status_error(cairo_status_t status)
{
	if (status == CAIRO_STATUS_SUCCESS)
		return 0;
	/* A write error is our buffer failing to grow. */
	if (status == CAIRO_STATUS_NO_MEMORY || status == CAIRO_STATUS_WRITE_ERROR)
		return ERR_NOMEM;
	return ERR_INVALID;
}

int
code_sheet_pdf(const struct code_sheet *s, struct buf *out)
{
	cairo_surface_t *surface = NULL;
	struct sheet d;
	size_t start = out->n;
	int i, rc;

	if (!sheet_ok(s))
		return ERR_INVALID;
	rc = sheet_open(&d, s);
	if (rc != 0)
		goto out;
	surface = cairo_pdf_surface_create_for_stream(pdf_write, out, PAGE_W, PAGE_H);
	/* PDF 1.4 is all the sheet needs, and every printer's software reads
	 * it; it also keeps each object readable in the file, where later
	 * cairos pack them into compressed object streams from 1.5. */
	cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_4);
	if (s->title && s->title[0])
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, s->title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "involve");
	d.cr = cairo_create(surface);
	for (i = 0; i < s->n && rc == 0; i++) {
		if (i > 0 && i % CODE_SHEET_PER_PAGE == 0)
			cairo_show_page(d.cr);
		rc = pdf_card(&d, i);
	}
	if (rc == 0)
		rc = status_error(cairo_status(d.cr));
	cairo_destroy(d.cr);
	cairo_surface_finish(surface);
	if (rc == 0)
		rc = status_error(cairo_surface_status(surface));
	if (rc == 0 && !buf_ok(out))
		rc = ERR_NOMEM;
out:
	if (surface)
		cairo_surface_destroy(surface);
	sheet_close(&d);
	if (rc != 0)
		out->n = start;
	return rc;
}
