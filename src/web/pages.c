/*
 * pages.c - helpers shared by the HTML page handlers (see pages.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/static_files.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "involve/tmpl.h"
#include "pages.h"

json_t *
pages_string(struct str s)
{
	if (s.n == 0 || !text_is_utf8(s) || memchr(s.p, '\0', s.n) != NULL)
		return json_string("");
	return json_stringn(s.p, s.n);
}

bool
pages_local_path(struct str s)
{
	size_t i;

	if (s.n == 0 || s.n > PAGES_PATH_MAX || s.p[0] != '/' || (s.n > 1 && s.p[1] == '/'))
		return false;
	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return false;
	}
	return true;
}

/* The months as dates name them (a language may decline the word there). */
static const char *const month_names[12] = { N_("January"), N_("February"), N_("March"),
	N_("April"), N_("May"), N_("June"), N_("July"), N_("August"), N_("September"),
	N_("October"), N_("November"), N_("December") };

/* pattern with {day}, {month}, {year} and {time} filled in from p, into
 * out.  0, or ERR_INVALID when it does not fit. */
static int
fill_date(const struct http_request *req, const char *pattern, const struct timefmt_parts *p,
    char *out, size_t size)
{
	char value[48];
	const char *at = pattern, *open, *close;
	size_t n = 0, len;

	while (*at) {
		open = strchr(at, '{');
		close = open ? strchr(open, '}') : NULL;
		len = open && close ? (size_t)(open - at) : strlen(at);
		if (n + len >= size)
			return ERR_INVALID;
		memcpy(out + n, at, len);
		n += len;
		if (!open || !close)
			break;
		if (strncmp(open, "{day}", 5) == 0)
			snprintf(value, sizeof(value), "%d", p->day);
		else if (strncmp(open, "{month}", 7) == 0)
			snprintf(value, sizeof(value), "%s", tr(req, month_names[p->month - 1]));
		else if (strncmp(open, "{year}", 6) == 0)
			snprintf(value, sizeof(value), "%d", p->year);
		else if (strncmp(open, "{time}", 6) == 0)
			snprintf(value, sizeof(value), "%02d:%02d", p->hour, p->minute);
		else
			value[0] = '\0';
		len = strlen(value);
		if (n + len >= size)
			return ERR_INVALID;
		memcpy(out + n, value, len);
		n += len;
		at = close + 1;
	}
	out[n] = '\0';
	return 0;
}

/*
 * English keeps the NHS.UK style of timefmt ("23 November 2026 at
 * 12:45pm"); another language writes the date in its own order and words,
 * with the 24-hour clock its readers expect.
 */
static int
when(const struct http_request *req, int64_t t, bool with_time, char *out, size_t size)
{
	struct timefmt_parts p;

	if (size > 0)
		out[0] = '\0';
	if (req->lang == NULL || req->lang->text == NULL)
		return with_time ? timefmt_london(t, out, size) : timefmt_london_date(t, out, size);
	if (timefmt_london_parts(t, &p) != 0)
		return ERR_INVALID;
	return fill_date(req, with_time ? tr(req, "{day} {month} {year} at {time}") :
	    tr(req, "{day} {month} {year}"), &p, out, size);
}

int
pages_when(const struct http_request *req, int64_t t, char *out, size_t size)
{
	return when(req, t, true, out, size);
}

json_t *
pages_time(const struct http_request *req, int64_t t)
{
	char text[PAGES_WHEN_MAX];

	if (t == 0 || when(req, t, true, text, sizeof(text)) != 0)
		return json_string("");
	return json_string(text);
}

json_t *
pages_date(const struct http_request *req, int64_t t)
{
	char text[PAGES_WHEN_MAX];

	if (t == 0 || when(req, t, false, text, sizeof(text)) != 0)
		return json_string("");
	return json_string(text);
}

json_t *
pages_site(const struct org *o, const char *home)
{
	char href[ORG_SLUG_SIZE + 8];

	snprintf(href, sizeof(href), "/o/%s/", o->slug);
	return json_pack("{s:s, s:s, s:s}", "name", o->name, "slug", o->slug, "home",
	    home ? home : href);
}

/* The first max characters of s (UTF-8), with "…" when cut. */
json_t *
pages_short_label(struct str s, size_t max)
{
	size_t i, chars = 0;
	struct buf b = BUF_INIT;
	json_t *v;

	for (i = 0; i < s.n; i++) {
		/* Count a character at its first byte, never a continuation byte. */
		if (((unsigned char)s.p[i] & 0xC0) != 0x80 && ++chars > max)
			break;
	}
	if (i == s.n)
		return pages_string(s);
	buf_add(&b, s.p, i);
	buf_add_c(&b, "\xE2\x80\xA6");
	v = buf_cstr(&b) ? json_string(buf_cstr(&b)) : json_string("");
	buf_free(&b);
	return v;
}

json_t *
pages_results(const struct http_request *req, const struct poll *p)
{
	json_t *rows = json_array(), *v;
	struct buf label = BUF_INIT;
	char pct[16], width[24], total[64];
	int64_t max = 0;
	int i, n = p->option_n;

	for (i = 0; i < n; i++)
		if (p->options[i].votes > max)
			max = p->options[i].votes;
	buf_add_c(&label, tr(req, "Bar chart of the answers:"));
	for (i = 0; i < n; i++) {
		int tenths = poll_percent_tenths(p->options[i].votes, p->ballots);
		/* The bar's length in tenths of a unit, rounded half up. */
		long w = ((long)PAGES_CHART_BAR_WIDTH * tenths + 50) / 100;
		int y = i * PAGES_CHART_ROW;

		snprintf(pct, sizeof(pct), "%d.%d", tenths / 10, tenths % 10);
		snprintf(width, sizeof(width), "%ld.%ld", w / 10, w % 10);
		buf_addch(&label, ' ');
		buf_add_str(&label, p->options[i].label);
		buf_printf(&label, " %s%%%s", pct, i + 1 < n ? "," : ".");
		json_array_append_new(rows, json_pack("{s:o, s:o, s:I, s:s, s:s, s:b, s:i, s:i, s:i}",
		    "label", pages_string(p->options[i].label),
		    "short_label", pages_short_label(p->options[i].label, PAGES_CHART_LABEL_CHARS),
		    "count", (json_int_t)p->options[i].votes, "percent", pct, "width", width,
		    "leading", max > 0 && p->options[i].votes == max,
		    "y_label", y + 18, "y_bar", y + 26, "y_value", y + 44));
	}
	if (p->ballots == 0)
		snprintf(total, sizeof(total), "%s", tr(req, "No one has answered yet"));
	else
		snprintf(total, sizeof(total), trn(req, "%lld person answered", "%lld people answered",
		    (unsigned long)p->ballots), (long long)p->ballots);
	v = json_pack("{s:I, s:s, s:b, s:b, s:b, s:{s:i, s:i, s:i, s:s}, s:o}",
	    "total", (json_int_t)p->ballots, "total_text", total, "multiple", p->multiple,
	    "empty", p->ballots == 0, "with_code", p->who == POLL_WHO_CODE,
	    "chart", "width", PAGES_CHART_WIDTH, "bar_width", PAGES_CHART_BAR_WIDTH,
	    "height", n * PAGES_CHART_ROW, "label",
	    buf_cstr(&label) ? buf_cstr(&label) : tr(req, "Results"), "rows", rows);
	buf_free(&label);
	return v;
}

int
pages_markdown(const char *text, size_t len, struct buf *out)
{
	cmark_node *doc, *node;
	cmark_iter *it;
	cmark_event_type ev;
	char *html;

	/* CMARK_OPT_DEFAULT is safe in cmark 0.30: raw HTML becomes a
	 * comment and javascript:, vbscript:, file: and most data: links
	 * are emptied. */
	doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
	if (doc == NULL)
		return ERR_NOMEM;
	it = cmark_iter_new(doc);
	if (it == NULL) {
		cmark_node_free(doc);
		return ERR_NOMEM;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(node) < 2)
			cmark_node_set_heading_level(node, 2);
	}
	cmark_iter_free(it);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	cmark_node_free(doc);
	if (html == NULL)
		return ERR_NOMEM;
	buf_add_c(out, html);
	free(html);
	return buf_ok(out) ? 0 : ERR_NOMEM;
}

json_t *
pages_markdown_json(struct str text)
{
	struct buf html = BUF_INIT;
	json_t *v;

	if (pages_markdown(text.p ? text.p : "", text.n, &html) != 0 || buf_cstr(&html) == NULL) {
		buf_free(&html);
		return json_string("");
	}
	v = json_string(buf_cstr(&html));
	buf_free(&html);
	return v;
}

int
pages_markdown_question(struct str text, bool label, json_t *o)
{
	cmark_node *doc, *first;
	char *head, *rest = NULL;
	size_t n;

	/* As pages_markdown: CMARK_OPT_DEFAULT keeps raw HTML and unsafe links
	 * out. */
	doc = cmark_parse_document(text.p ? text.p : "", text.n, CMARK_OPT_DEFAULT);
	if (doc == NULL)
		return ERR_NOMEM;
	first = cmark_node_first_child(doc);
	if (first == NULL || cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH) {
		/* A text that starts with a list or a heading: a label's words as
		 * they are, where only a line of text may go; a hint's as blocks. */
		rest = label || first == NULL ? NULL : cmark_render_html(doc, CMARK_OPT_DEFAULT);
		cmark_node_free(doc);
		json_object_set_new(o, "text_html", json_string(""));
		if (rest == NULL)
			json_object_set_new(o, "text_plain", pages_string(text));
		else
			json_object_set_new(o, "more_html", json_string(rest));
		free(rest);
		return 0;
	}
	cmark_node_unlink(first);
	head = cmark_render_html(first, CMARK_OPT_DEFAULT);
	if (cmark_node_first_child(doc) != NULL)
		rest = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	cmark_node_free(first);
	cmark_node_free(doc);
	if (head == NULL) {
		free(rest);
		return ERR_NOMEM;
	}
	/* "<p>...</p>\n": the paragraph's inside, for a legend or a label. */
	n = strlen(head);
	if (n >= 8 && strncmp(head, "<p>", 3) == 0 && strncmp(head + n - 5, "</p>\n", 5) == 0)
		json_object_set_new(o, "text_html", json_stringn(head + 3, n - 8));
	else
		json_object_set_new(o, "text_html", json_string(head));
	if (rest != NULL)
		json_object_set_new(o, "more_html", json_string(rest));
	free(head);
	free(rest);
	return 0;
}

int
pages_embed_render(struct http_request *req, struct http_response *res, const char *name,
    json_t *ctx)
{
	return page_render_in(req, res, "embed_layout", name, ctx);
}

json_t *
pages_staff_site(const struct auth *a)
{
	return pages_site(&a->org, "/staff/");
}

bool
pages_staff_can_manage(const struct http_request *req)
{
	return role_allows(((const struct auth *)req->auth)->user.role, PERM_POLL_MANAGE);
}

json_t *
pages_staff_ctx(struct http_request *req, const char *title, const char *back)
{
	return json_pack("{s:s, s:o, s:{s:s}, s:b}", "title", tr(req, title), "site",
	    pages_staff_site(pages_staff(req)), "back_link", "href", back, "can_manage",
	    pages_staff_can_manage(req));
}

int
pages_staff_own(struct http_request *req, struct http_response *res, int rc, int64_t org_id)
{
	if (rc == 0 && org_id != pages_staff(req)->user.org_id)
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

void
pages_copy_error(json_t *obj, const json_t *errors, const char *id, const char *key)
{
	json_t *err = json_object_get(errors, id);

	if (err != NULL)
		json_object_set(obj, key, err);
}

const char *
pages_done_text(const struct http_request *req, const struct pages_done *texts, size_t n)
{
	struct str done;
	size_t i;

	if (!http_query(req, "done", &done))
		return NULL;
	for (i = 0; i < n; i++)
		if (str_eq_c(done, texts[i].key))
			return tr(req, texts[i].text);
	return NULL;
}

void
pages_status_tag(enum poll_status s, const char **label, const char **cls)
{
	switch (s) {
	case POLL_DRAFT:
		*label = N_("Draft");
		*cls = "nhsuk-tag--grey";
		break;
	case POLL_SCHEDULED:
		*label = N_("Scheduled");
		*cls = "nhsuk-tag--blue";
		break;
	case POLL_OPEN:
		*label = N_("Open");
		*cls = "nhsuk-tag--green";
		break;
	default:
		*label = N_("Closed");
		*cls = "nhsuk-tag--white";
		break;
	}
}


/* ---- dates and times on staff forms ---------------------------------------------------------- */

static const char *const date_part_names[PAGES_DATE_PARTS] = { "day", "month", "year", "hour",
	"minute" };

void
pages_date_fields(int64_t t, struct str out[PAGES_DATE_PARTS], char text[][8])
{
	time_t wall = (time_t)(t + (timefmt_london_is_bst(t) ? 3600 : 0));
	struct tm tm;
	int v[PAGES_DATE_PARTS], i;

	/* gmtime_r of the shifted time: the process time zone is never read
	 * (see timefmt.h). */
	if (gmtime_r(&wall, &tm) == NULL)
		return;
	v[0] = tm.tm_mday;
	v[1] = tm.tm_mon + 1;
	v[2] = tm.tm_year + 1900;
	v[3] = tm.tm_hour;
	v[4] = tm.tm_min;
	for (i = 0; i < PAGES_DATE_PARTS; i++) {
		snprintf(text[i], 8, i == 4 ? "%02d" : "%d", v[i]);
		out[i] = str_c(text[i]);
	}
}

void
pages_date_typed(const struct http_request *req, const char *name,
    struct str out[PAGES_DATE_PARTS])
{
	char field[64];
	int i;

	for (i = 0; i < PAGES_DATE_PARTS; i++) {
		snprintf(field, sizeof(field), "%s-%s", name, date_part_names[i]);
		if (!http_form(req, field, &out[i]))
			out[i] = (struct str){ "", 0 };
	}
}

json_t *
pages_date_input(const struct http_request *req, const char *name,
    const struct str v[PAGES_DATE_PARTS], const json_t *errors)
{
	static const char *const labels[PAGES_DATE_PARTS] = { N_("Day"), N_("Month"), N_("Year"),
		N_("Hour"), N_("Minute") };
	json_t *parts = json_array(), *o;
	int i;

	for (i = 0; i < PAGES_DATE_PARTS; i++)
		json_array_append_new(parts, json_pack("{s:s, s:s, s:i, s:o}", "name",
		    date_part_names[i], "label", tr(req, labels[i]), "width", i == 2 ? 4 : 2, "value",
		    pages_string(v[i])));
	o = json_pack("{s:s, s:o}", "id", name, "parts", parts);
	pages_copy_error(o, errors, name, "error");
	return o;
}

void
pages_relink(json_t *ctx, const char *from, const char *to)
{
	json_t *item;
	size_t i;

	json_array_foreach(json_object_get(ctx, "error_summary"), i, item) {
		const char *id = json_string_value(json_object_get(item, "field_id"));

		if (id != NULL && strcmp(id, from) == 0)
			json_object_set_new(item, "field_id", json_string(to));
	}
}
