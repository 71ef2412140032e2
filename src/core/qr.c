/*
 * qr.c - QR codes through libqrencode, and their SVG (see qr.h).
 *
 * libqrencode is the one encoder in the product: everything that draws a
 * code reads the matrix made here, so a sheet's PDF and its SVG cannot
 * disagree about a module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "involve/error.h"
#include "involve/qr.h"
#include "involve/text.h"

struct qr {
	QRcode *code;
};

int
qr_encode(const char *text, struct qr **out)
{
	size_t n = strlen(text);
	struct qr *q;

	*out = NULL;
	if (n == 0 || n > QR_TEXT_MAX)
		return ERR_INVALID;
	q = malloc(sizeof(*q));
	if (q == NULL)
		return ERR_NOMEM;
	/* Byte mode, whatever the text: a link is mostly lower case, which
	 * the alphanumeric mode cannot hold anyway.  Version 0: the smallest
	 * that fits. */
	errno = 0;
	q->code = QRcode_encodeData((int)n, (const unsigned char *)text, 0, QR_ECLEVEL_M);
	if (q->code == NULL) {
		free(q);
		return errno == ENOMEM ? ERR_NOMEM : ERR_INVALID;
	}
	*out = q;
	return 0;
}

void
qr_free(struct qr *q)
{
	if (q == NULL)
		return;
	QRcode_free(q->code);
	free(q);
}

int
qr_width(const struct qr *q)
{
	return q->code->width;
}

/* libqrencode keeps one byte per module; its lowest bit is the colour, the
 * others say what the module is part of (finder, timing, data). */
bool
qr_dark(const struct qr *q, int x, int y)
{
	int w = q->code->width;

	if (x < 0 || y < 0 || x >= w || y >= w)
		return false;
	return q->code->data[y * w + x] & 1;
}

/*
 * Each run is a line one module thick along the middle of its row: "M4
 * 4.5h7" draws the seven modules from (4,4) to (11,5).  After the first,
 * runs are placed relative to where the last one ended ("m2 0h1", "m-20
 * 1h3"), so most take six or seven bytes.
 */
void
qr_svg_path(const struct qr *q, struct buf *out)
{
	int w = qr_width(q), x, y, run, px = 0, py = 0;
	bool first = true;

	buf_add_c(out, "<path stroke=\"#000\" d=\"");
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x += run) {
			for (run = 0; x + run < w && qr_dark(q, x + run, y); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			if (first)
				buf_printf(out, "M%d %d.5h%d", x + QR_QUIET, y + QR_QUIET, run);
			else
				buf_printf(out, "m%d %dh%d", x - px, y - py, run);
			first = false;
			px = x + run;
			py = y;
		}
	}
	buf_add_c(out, "\"/>");
}

int
qr_svg(const char *text, const char *label, struct buf *out)
{
	struct qr *q;
	struct str name = str_c(label ? label : text);
	int rc, size;

	if (!text_is_plain(name))
		return ERR_INVALID;
	rc = qr_encode(text, &q);
	if (rc != 0)
		return rc;
	size = qr_width(q) + 2 * QR_QUIET;
	buf_printf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
	    size, size);
	buf_add_html(out, name);
	buf_add_c(out, "\"><title>");
	buf_add_html(out, name);
	buf_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", size, size);
	qr_svg_path(q, out);
	buf_add_c(out, "</svg>\n");
	qr_free(q);
	return buf_ok(out) ? 0 : ERR_NOMEM;
}
