/*
 * pages.c - helpers shared by the HTML page handlers (see pages.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

json_t *
pages_time(int64_t t)
{
	char text[TIMEFMT_LONDON_MAX];

	if (t == 0 || timefmt_london(t, text, sizeof(text)) != 0)
		return json_string("");
	return json_string(text);
}

json_t *
pages_date(int64_t t)
{
	char text[TIMEFMT_DATE_MAX];

	if (t == 0 || timefmt_london_date(t, text, sizeof(text)) != 0)
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
static json_t *
short_label(struct str s, size_t max)
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
pages_results(const struct poll *p)
{
	json_t *rows = json_array(), *v;
	struct buf label = BUF_INIT;
	char pct[16], width[24], total[64];
	int64_t max = 0;
	int i, n = p->option_n;

	for (i = 0; i < n; i++)
		if (p->options[i].votes > max)
			max = p->options[i].votes;
	buf_add_c(&label, "Bar chart of the answers:");
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
		    "short_label", short_label(p->options[i].label, PAGES_CHART_LABEL_CHARS),
		    "count", (json_int_t)p->options[i].votes, "percent", pct, "width", width,
		    "leading", max > 0 && p->options[i].votes == max,
		    "y_label", y + 18, "y_bar", y + 26, "y_value", y + 44));
	}
	if (p->ballots == 0)
		snprintf(total, sizeof(total), "No one has answered yet");
	else if (p->ballots == 1)
		snprintf(total, sizeof(total), "1 person answered");
	else
		snprintf(total, sizeof(total), "%lld people answered", (long long)p->ballots);
	v = json_pack("{s:I, s:s, s:b, s:b, s:{s:i, s:i, s:i, s:s}, s:o}",
	    "total", (json_int_t)p->ballots, "total_text", total, "multiple", p->multiple,
	    "empty", p->ballots == 0,
	    "chart", "width", PAGES_CHART_WIDTH, "bar_width", PAGES_CHART_BAR_WIDTH,
	    "height", n * PAGES_CHART_ROW, "label", buf_cstr(&label) ? buf_cstr(&label) : "Results",
	    "rows", rows);
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

void
pages_copy_error(json_t *obj, const json_t *errors, const char *id, const char *key)
{
	json_t *err = json_object_get(errors, id);

	if (err != NULL)
		json_object_set(obj, key, err);
}

void
pages_status_tag(enum poll_status s, const char **label, const char **cls)
{
	switch (s) {
	case POLL_DRAFT:
		*label = "Draft";
		*cls = "nhsuk-tag--grey";
		break;
	case POLL_SCHEDULED:
		*label = "Scheduled";
		*cls = "nhsuk-tag--blue";
		break;
	case POLL_OPEN:
		*label = "Open";
		*cls = "nhsuk-tag--green";
		break;
	default:
		*label = "Closed";
		*cls = "nhsuk-tag--white";
		break;
	}
}

