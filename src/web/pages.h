/*
 * pages.h - helpers shared by the HTML page handlers (handlers_public.c
 * and handlers_staff.c): path ids, typed text as template values, times
 * for people, a poll's results as the context of the results partial
 * (chart and table), Markdown to safe HTML and the embed layout.
 *
 * Internal to src/web: the JSON API has its own shapes.
 */
#ifndef INVOLVE_WEB_PAGES_H
#define INVOLVE_WEB_PAGES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "involve/http.h"
#include "involve/i18n.h"
#include "involve/org.h"
#include "involve/poll.h"
#include "involve/str.h"

/* The chart's drawing area, in SVG user units.  It scales to its box, so
 * the width is about a small phone's: there the text stays near its CSS
 * size of 16px. */
#define PAGES_CHART_WIDTH 320
#define PAGES_CHART_BAR_WIDTH 250 /* the rest holds the percentage */
#define PAGES_CHART_ROW 60
#define PAGES_CHART_LABEL_CHARS 36 /* longer labels are cut in the chart, not the table */
/* The longest path a redirect may name (?next=, the language's way back). */
#define PAGES_PATH_MAX 512
/* Enough for a date and time in any language: month names run long. */
#define PAGES_WHEN_MAX 96

/* A message in the request's language (i18n.h); the English is the
 * catalogue's key, so it is written where it is used. */
static inline const char *
tr(const struct http_request *req, const char *msgid)
{
	return i18n_text(req->lang, msgid);
}

/* The form of a message for n in the request's language. */
static inline const char *
trn(const struct http_request *req, const char *one, const char *other, unsigned long n)
{
	return i18n_plural(req->lang, one, other, n);
}

/* Whether s is a path of this site that a redirect may go to: "/..." but
 * not "//host", with no back-slash, space or control byte. */
bool pages_local_path(struct str s);

/* A template value for text as typed: s itself when it is valid UTF-8,
 * else "" (the field's own check reports the problem).  New reference. */
json_t *pages_string(struct str s);

/* t in UK time as the request's language writes it ("23 November 2026 at
 * 12:45pm"; in another language its words and order, on the 24-hour
 * clock), or "" for 0. */
json_t *pages_time(const struct http_request *req, int64_t t);
json_t *pages_date(const struct http_request *req, int64_t t);
/* The same into out: 0, or ERR_INVALID (out is then ""). */
int pages_when(const struct http_request *req, int64_t t, char *out, size_t size);

/* {name, slug, home} for the layout's header and footer; home is the
 * organisation's site unless `home` is given (staff pages). */
json_t *pages_site(const struct org *o, const char *home);

/* s cut to at most max characters, with an ellipsis when cut: a chart's
 * label.  New reference. */
json_t *pages_short_label(struct str s, size_t max);
/*
 * The results partial's context for poll p (its own counts):
 *   {total, total_text, multiple, empty, with_code, chart: {height, label},
 *    rows: [{label, short_label, count, percent, width, leading,
 *            y_label, y_bar, y_value}]}
 * Percentages have one decimal ("33.3"); widths are SVG units.  New
 * reference, or NULL when out of memory.
 */
json_t *pages_results(const struct http_request *req, const struct poll *p);

/*
 * Renders Markdown as HTML into out: CommonMark with raw HTML and
 * unsafe link schemes (javascript:) removed, and any level-1 heading
 * made a level-2 one, because the page's own title is its one h1.
 * 0, or ERR_NOMEM.
 */
int pages_markdown(const char *text, size_t len, struct buf *out);
/* The same as a JSON string for a template's {{{raw}}} ("" when it cannot
 * be rendered).  New reference. */
json_t *pages_markdown_json(struct str text);
/*
 * A question's words or help, Markdown, into o: the first paragraph's
 * inside as "text_html" (emphasis, links, code: what may go where a line
 * of text goes, a legend or a label), and what follows it as "more_html"
 * (blocks, shown below, as a hint is).  A text that does not start with a
 * paragraph is, for a label, "text_plain" (and "text_html" ""), escaped as
 * it is; otherwise all "more_html".  Safe as pages_markdown.  0, or
 * ERR_NOMEM.
 */
int pages_markdown_question(struct str text, bool label, json_t *o);

/*
 * Renders template `name` inside embed_layout (no header or footer, CSS
 * only) into res, for pages shown in a partner's iframe.  Takes
 * ownership of ctx, like page_render.
 */
int pages_embed_render(struct http_request *req, struct http_response *res, const char *name,
    json_t *ctx);

/* A date and time as the staff forms take it (INPUT_DATE): five boxes,
 * NAME-day, -month, -year, -hour and -minute, in UK time. */
#define PAGES_DATE_PARTS 5
/* t's UK wall-clock fields as text into out (day, month, year, hour,
 * minute), kept in text (8 bytes each). */
void pages_date_fields(int64_t t, struct str out[PAGES_DATE_PARTS], char text[][8]);
/* The boxes of date `name` as typed in the request's form (to show again);
 * they point into the request. */
void pages_date_typed(const struct http_request *req, const char *name,
    struct str out[PAGES_DATE_PARTS]);
/* The context of partials/date_time_input.html for date `name` with the
 * values v; `errors` is page_add_errors's object (may be NULL).  New
 * reference. */
json_t *pages_date_input(const struct http_request *req, const char *name,
    const struct str v[PAGES_DATE_PARTS], const json_t *errors);
/* Points the error summary's links for field id `from` at id `to` (a
 * group's first input), leaving the group's own message where it is. */
void pages_relink(json_t *ctx, const char *from, const char *to);

/* Shared by the staff pages (handlers_staff.c, handlers_staff_polls.c). */
struct auth;
/* The signed-in user's auth; routes marked ROUTE_STAFF guarantee it. */
static inline struct auth *pages_staff(struct http_request *req) { return req->auth; }
json_t *pages_staff_site(const struct auth *a);
/* Whether the signed-in staff may manage engagements (PERM_POLL_MANAGE):
 * pages show the buttons that change things only then. */
bool pages_staff_can_manage(const struct http_request *req);
/* A staff page's context: title (a message, shown in the reader's
 * language), site, back_link {href} and can_manage.  New reference. */
json_t *pages_staff_ctx(struct http_request *req, const char *title, const char *back);
/* For a staff page about one thing read by id: rc is the store's answer
 * and org_id the thing's organisation.  0 when it is the signed-in staff's
 * organisation's; else -1 with res filled (another organisation's is
 * not found). */
int pages_staff_own(struct http_request *req, struct http_response *res, int rc,
    int64_t org_id);
/* Copies the error for form id `id` (if any) into obj as `key`. */
void pages_copy_error(json_t *obj, const json_t *errors, const char *id, const char *key);
/* The NHS.UK tag (label and class) for a poll's status. */
void pages_status_tag(enum poll_status s, const char **label, const char **cls);

/* What a page says after a change, by the key a redirect put in its `done`
 * query ("?done=saved"): each page lists its own (text marked N_()). */
struct pages_done {
	const char *key, *text;
};
/* The text of the request's `done` key, in its language, or NULL when it
 * has none or one that texts does not list. */
const char *pages_done_text(const struct http_request *req, const struct pages_done *texts,
    size_t n);

#endif
