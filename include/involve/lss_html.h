/*
 * lss_html.h - the HTML that LimeSurvey keeps in question texts, help,
 * answer labels and group descriptions, turned into Markdown that nothing
 * can run.
 *
 * What a person would want is kept: paragraphs, line breaks, lists,
 * emphasis (<em>, <i>, <strong>, <b>) and links whose address is http or
 * https.  Headings, tables and layout (<div>, <span>) keep their words as
 * paragraphs and lines.  Everything else goes: <script>, <style>,
 * <iframe>, images and form controls with their content, event handler
 * and style attributes, links to any other kind of address (javascript:,
 * data:, relative ones), and every other tag, whose words stay.  Text that
 * would read as HTML or as a link in Markdown is escaped, so the result is
 * inert whether it is shown as text or rendered.
 *
 * LimeSurvey also writes ExpressionScript in braces in text ("{Q1}",
 * "{if(Q2 == 'Y', 'yes', 'no')}"), which involve cannot evaluate: each is
 * taken out and handed back, so the importer can say so.
 *
 * The HTML is read by libxml2's HTML parser, offline (HTML_PARSE_NONET),
 * never fetching or resolving anything.
 */
#ifndef INVOLVE_LSS_HTML_H
#define INVOLVE_LSS_HTML_H

#include <stdbool.h>

#include "involve/arena.h"
#include "involve/str.h"

struct i18n_lang;

/* Elements nested deeper than this are left out (LSS_HTML_DEEP): the walk
 * is recursive, and no text a person wrote is nested so deep. */
#define LSS_HTML_DEPTH_MAX 48
/* A link's address longer than this is not kept (LSS_HTML_LINK). */
#define LSS_HTML_URL_MAX 2000
/* How many expressions in braces are handed back (all are taken out). */
#define LSS_HTML_EXPRS_MAX 4
/* How many other tags' names are remembered for the report. */
#define LSS_HTML_TAGS_MAX 4
#define LSS_HTML_TAG_NAME_MAX 16

/* What was taken out of a text. */
enum lss_html_removed {
	LSS_HTML_SCRIPT = 1 << 0, /* <script> or <noscript>, and what it held */
	LSS_HTML_STYLE = 1 << 1,  /* <style> elements and style attributes */
	LSS_HTML_EVENT = 1 << 2,  /* event handler attributes (onclick, onload...) */
	LSS_HTML_FRAME = 1 << 3,  /* <iframe>, <frame>, <object>, <embed>, <applet> */
	LSS_HTML_LINK = 1 << 4,   /* a link to an address that is not http or https */
	LSS_HTML_MEDIA = 1 << 5,  /* images, <svg>, video, audio, <canvas> */
	LSS_HTML_FORM = 1 << 6,   /* form controls (<input>, <select>, <button>...) */
	LSS_HTML_OTHER = 1 << 7,  /* other tags (their words are kept) */
	LSS_HTML_DEEP = 1 << 8,   /* content nested past LSS_HTML_DEPTH_MAX */
	LSS_HTML_FORMAT = 1 << 9, /* headings or tables, kept as plain paragraphs */
};

struct lss_html_info {
	unsigned removed;                  /* enum lss_html_removed */
	int tag_n;                         /* other tags' names, the first few */
	char tags[LSS_HTML_TAGS_MAX][LSS_HTML_TAG_NAME_MAX];
	int expr_n;                        /* expressions in braces taken out */
	struct str exprs[LSS_HTML_EXPRS_MAX]; /* the first few, in the arena */
};

enum lss_html_flags {
	LSS_HTML_ONE_LINE = 1, /* paragraphs, breaks and list items joined by spaces */
	LSS_HTML_WORDS = 2,    /* no emphasis or links either: the words alone */
};

/*
 * Converts html (valid UTF-8) to Markdown in *out (in a), trimmed, blocks
 * parted by a blank line (or, with LSS_HTML_ONE_LINE, all on one line);
 * what was taken out is added to *info (zeroed by the caller, and added to
 * by several calls for one question).  The text has no control
 * characters but line feeds (none with LSS_HTML_ONE_LINE); white space
 * runs are one space.  0, or ERR_NOMEM.
 */
int lss_html_to_markdown(struct str html, unsigned flags, struct arena *a, struct str *out,
    struct lss_html_info *info);

/* Sets libxml2's globals up, once for the process, whichever thread asks
 * first (lss_html_to_markdown and the importer's reader call it). */
void lss_xml_init(void);

/* A phrase for the report naming what info says was taken out ("a
 * script, event handlers and other tags (<font>, <u>; their words
 * kept)"), in lang (NULL: English), into b; nothing when nothing was. */
void lss_html_removed_text(const struct lss_html_info *info, const struct i18n_lang *lang,
    struct buf *b);

#endif
