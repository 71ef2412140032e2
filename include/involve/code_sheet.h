/*
 * code_sheet.h - a poll's single-use codes on paper, and for a mail merge.
 *
 * A poll may be answered only with a code: staff make some number of codes
 * and print them as cards (for events, or to go out with letters) or take
 * them as CSV to merge into letters themselves.  The codes are made and kept
 * elsewhere; this module only draws them.
 *
 * Each code's link is url_base, then "?code=" ("&code=" when url_base
 * already has a query), then the code without its hyphens:
 * https://involve.example.org/o/bury/polls/12?code=abcdefghjk.
 *
 * The printed card
 *   A4 portrait, CODE_SHEET_PER_PAGE cards a page, two columns of four,
 *   each 95 x 69.25 mm inside a 10 mm margin (clear of what printers cannot
 *   reach), edged by light grey cut lines.  On each card, black on white:
 *   the organisation's name (10 pt, one line), the question (12 pt bold, as
 *   many lines as fit above the QR code, three in Latin script, then an
 *   ellipsis), the QR code 40 mm square with its quiet zone (the symbol
 *   itself is at least 30 mm for any link a sheet makes, which phones read
 *   from paper at arm's length), and beside it "Your code", the code in
 *   16 pt monospace bold, and the instruction at 10 pt: "Scan the QR code
 *   with your phone's camera, or go to <url_base> and type the code.  Each
 *   code works once." (url_base without its "https://").  The code is never
 *   cut; the instruction is, with an ellipsis, only if url_base is too long
 *   for the card.
 *
 *   Text is laid out by Pango, so names and questions in any script and
 *   either direction are shaped and broken into lines properly (with the
 *   fonts fontconfig finds: Liberation Sans and Mono first).  The sheet's
 *   own words are in `lang` (i18n.h); the organisation's name and the
 *   question stay as staff wrote them.
 *
 * The PDF is the file to print.  The SVG draws the same cards in one
 * document of A4 pages stacked top to bottom (210 mm wide, 297 mm a page),
 * for previews and editing: its text is text, in the viewer's fonts, broken
 * where Pango broke it for the PDF; each QR code is named by its link.
 */
#ifndef INVOLVE_CODE_SHEET_H
#define INVOLVE_CODE_SHEET_H

#include "involve/i18n.h"
#include "involve/str.h"

/* The most codes one sheet draws (1250 pages). */
#define CODE_SHEET_CODES_MAX 10000
/* The longest code, in bytes of its display form ("abcd-efgh-jk" is 12). */
#define CODE_SHEET_CODE_MAX 24
/* The longest url_base, in bytes: room for any poll's address, and a QR
 * code small enough to read from a card. */
#define CODE_SHEET_URL_MAX 256
#define CODE_SHEET_PER_PAGE 8

struct code_sheet {
	const char *org_name;     /* "Bury Integrated Care Board"; NULL: none */
	const char *title;        /* the poll's question; NULL: none */
	const char *url_base;     /* "https://involve.example.org/o/bury/polls/12" */
	const char *const *codes; /* display form, "abcd-efgh-jk" */
	int n;
	const struct i18n_lang *lang; /* the sheet's own words; NULL: English */
};

/*
 * Each function appends its file to out and returns 0, or returns
 * ERR_INVALID, leaving out as it was, when the sheet is not one it can
 * draw:
 *   - n is less than 1 or more than CODE_SHEET_CODES_MAX;
 *   - url_base does not start with http:// or https://, is longer than
 *     CODE_SHEET_URL_MAX, or holds a space, a control character or a '#'
 *     (a fragment would swallow the code);
 *   - a code is empty, longer than CODE_SHEET_CODE_MAX, starts or ends
 *     with a hyphen, or holds anything but ASCII letters, digits and
 *     hyphens;
 *   - org_name or title is not plain text (text_is_plain, text.h).
 * ERR_NOMEM when memory runs out; out then holds what it held before, but
 * has failed (str.h).
 */

/* CSV (RFC 4180, CRLF line ends): a header row "code,link", then one row
 * per code: its display form and its link, quoted only where the link
 * needs it (a comma or quote in url_base).  A code never needs quoting, and
 * a link starts with "http", so no cell reads as a spreadsheet formula. */
int code_sheet_csv(const struct code_sheet *s, struct buf *out);
/* The cards as one SVG document (see above). */
int code_sheet_svg(const struct code_sheet *s, struct buf *out);
/* The cards as a PDF of A4 pages, ceil(n / CODE_SHEET_PER_PAGE) of them;
 * each QR code is also a link in it, for a sheet sent by email. */
int code_sheet_pdf(const struct code_sheet *s, struct buf *out);

#endif
