/*
 * qr.h - QR codes: one encoder (libqrencode, byte mode, error correction
 * level M) and the two ways its symbols are drawn.
 *
 * qr_svg writes a standalone SVG of one code, for a page or a download.
 * Whoever draws elsewhere (the printable code sheets, code_sheet.h, in PDF
 * and SVG) encodes once with qr_encode and reads the same modules through
 * qr_dark, or has qr_svg_path write them, so every picture of a code comes
 * from one matrix.
 *
 * Sizes are in modules.  A symbol is qr_width(q) modules square (21 for
 * version 1, 4 more for each version after, up to 177), and needs a light
 * quiet zone of QR_QUIET modules on every side to be read.
 */
#ifndef INVOLVE_QR_H
#define INVOLVE_QR_H

#include <stdbool.h>

#include "involve/str.h"

/* The quiet zone's width, in modules (ISO/IEC 18004 asks for 4). */
#define QR_QUIET 4
/* The most bytes a symbol holds in byte mode at level M (version 40). */
#define QR_TEXT_MAX 2331

struct qr;

/*
 * Encodes text's bytes (up to the NUL) into *out, in the smallest version
 * that holds them.  The caller owns *out and releases it with qr_free.
 * ERR_INVALID when text is empty or longer than QR_TEXT_MAX bytes,
 * ERR_NOMEM; *out is then NULL.
 */
int qr_encode(const char *text, struct qr **out);
void qr_free(struct qr *q);
/* Modules per side, without the quiet zone. */
int qr_width(const struct qr *q);
/* Whether the module in column x, row y (from 0 at the top left, quiet
 * zone not counted) is dark; false outside the symbol. */
bool qr_dark(const struct qr *q, int x, int y);

/*
 * Appends one SVG <path> element drawing q's dark modules in black, in a
 * coordinate space of one unit per module where the symbol starts at
 * (QR_QUIET, QR_QUIET): the whole picture, quiet zone included, is
 * qr_width(q) + 2 * QR_QUIET units square.  Each horizontal run of dark
 * modules is one stroked `h` segment, which keeps the path short.
 */
void qr_svg_path(const struct qr *q, struct buf *out);

/*
 * Appends a standalone SVG document of text's QR code: a white square (the
 * quiet zone included) under one black path, its viewBox in modules, with
 * no width or height of its own (the page that shows it sizes it), and
 * shape-rendering="crispEdges" so modules stay sharp when scaled.  label is
 * its accessible name (role="img", aria-label and <title>), XML-escaped;
 * NULL names it by text.  ERR_INVALID when text cannot be encoded (see
 * qr_encode) or label is not valid UTF-8 or holds control characters
 * (XML cannot carry them), and out is then as it was; ERR_NOMEM.
 */
int qr_svg(const char *text, const char *label, struct buf *out);

#endif
