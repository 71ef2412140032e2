/*
 * handlers_consultation_public.c - a consultation on the organisation's
 * site, beyond the survey's own pages:
 *
 *   /o/{slug}/surveys/{id}                            the start page shows its lifecycle
 *                                                     and documents (consultation_start_context)
 *   /o/{slug}/surveys/{id}/documents/{doc}            a background document
 *   /o/{slug}/surveys/{id}/documents/{doc}/easy-read  its easy read version
 *   /o/{slug}/surveys/{id}/attachments/{att}          a file, to download
 *
 * The public sees a consultation once it is no longer a draft, as it sees
 * a survey.  Documents are Markdown, shown through pages_markdown, which
 * drops raw HTML and unsafe links (javascript:), so what staff type can
 * never run in a reader's browser.  A file is sent as an attachment, with
 * the type its bytes were found to be when it was kept.
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/store_consultation.h"
#include "involve/store_outcome.h"
#include "handlers.h"
#include "pages.h"

/* The status shown beside each stage of the lifecycle. */
static const char *const stage_done = N_("Completed");
static const char *const stage_now = N_("Current stage");
static const char *const stage_later = N_("Not reached yet");

/* n bytes as people read a file's size: "12 bytes", "340 KB", "1.2 MB". */
static void
size_text(const struct http_request *req, int64_t n, char *out, size_t size)
{
	if (n < 1024)
		snprintf(out, size, trn(req, "%lld byte", "%lld bytes", (unsigned long)n),
		    (long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, size, "%lld KB", (long long)((n + 1023) / 1024));
	else
		snprintf(out, size, "%.1f MB", (double)n / (1024.0 * 1024.0));
}

/* Loads the organisation and consultation {id} (not a draft), and the
 * consultation's stage.  0, or -1 with res filled (404). */
static int
load(struct http_request *req, struct http_response *res, struct org *o, struct survey **sv,
    struct consultation *k)
{
	int rc;

	rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), o);
	if (rc == 0)
		rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), sv);
	if (rc == 0 && ((*sv)->org_id != o->id || (*sv)->kind != SURVEY_KIND_CONSULTATION ||
	    survey_status(*sv, req->now) == POLL_DRAFT))
		rc = ERR_NOTFOUND;
	if (rc == 0 && k != NULL)
		rc = store_consultation_get(req->app->store, &req->arena, (*sv)->id, k);
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

/* The lifecycle as the task list shows it: each stage with its status,
 * the current one marked, and a hint of its dates. */
static json_t *
lifecycle_json(struct http_request *req, const struct survey *sv, enum consultation_state now)
{
	json_t *list = json_array(), *item;
	char hint[PAGES_WHEN_MAX + 64], when[PAGES_WHEN_MAX];
	int i;

	for (i = 0; i < CONSULTATION_STATE_N; i++) {
		hint[0] = '\0';
		if (i == CONSULTATION_DRAFT && sv->opens_at > req->now &&
		    pages_when(req, sv->opens_at, when, sizeof(when)) == 0)
			snprintf(hint, sizeof(hint), tr(req, "Opens on %s"), when);
		if (i == CONSULTATION_OPEN && (int)now <= CONSULTATION_OPEN && sv->closes_at != 0 &&
		    pages_when(req, sv->closes_at, when, sizeof(when)) == 0)
			snprintf(hint, sizeof(hint), tr(req, "Closes on %s"), when);
		item = json_pack("{s:s, s:s, s:i, s:b, s:b, s:s}", "label",
		    tr(req, consultation_state_label((enum consultation_state)i)), "name",
		    consultation_state_name((enum consultation_state)i), "number", i + 1, "current",
		    i == (int)now, "later", i > (int)now, "status",
		    tr(req, i < (int)now ? stage_done : i == (int)now ? stage_now : stage_later));
		if (item != NULL && hint[0] != '\0')
			json_object_set_new(item, "hint", json_string(hint));
		json_array_append_new(list, item);
	}
	return list;
}

struct docs_ctx {
	struct http_request *req;
	const char *base;     /* /o/{slug}/surveys/{id} */
	json_t *docs;         /* [{id, title, href, easy_read_href, files}] */
	json_t *by_id;        /* document id (text) -> its object in docs */
};

static int
doc_one(void *arg, const struct consultation_document *d)
{
	struct docs_ctx *c = arg;
	char href[256], easy[280], key[24];
	json_t *o;

	snprintf(href, sizeof(href), "%s/documents/%lld", c->base, (long long)d->id);
	snprintf(easy, sizeof(easy), "%s/easy-read", href);
	snprintf(key, sizeof(key), "%lld", (long long)d->id);
	o = json_pack("{s:o, s:s, s:o}", "title", pages_string(d->title), "href", href, "files",
	    json_array());
	if (o == NULL)
		return ERR_NOMEM;
	if (d->has_easy_read)
		json_object_set_new(o, "easy_read_href", json_string(easy));
	json_array_append_new(c->docs, o);
	json_object_set(c->by_id, key, o);
	return 0;
}

/* A file as the pages show it: {name, href, type, size}. */
static json_t *
file_value(struct http_request *req, const char *base, const struct consultation_attachment *f)
{
	enum attachment_type t = ATTACHMENT_PDF;
	char href[256], size[32];

	snprintf(href, sizeof(href), "%s/attachments/%lld", base, (long long)f->id);
	size_text(req, f->size, size, sizeof(size));
	attachment_type_parse(f->media_type, &t);
	return json_pack("{s:o, s:s, s:s, s:s}", "name", pages_string(f->name), "href", href,
	    "type", tr(req, attachment_type_label(t)), "size", size);
}

static int
file_one(void *arg, const struct consultation_attachment *f)
{
	struct docs_ctx *c = arg;
	char key[24];
	json_t *doc;

	snprintf(key, sizeof(key), "%lld", (long long)f->document_id);
	if ((doc = json_object_get(c->by_id, key)) != NULL)
		json_array_append_new(json_object_get(doc, "files"),
		    file_value(c->req, c->base, f));
	return 0;
}

/* The consultation's documents, each with its files, as the start page
 * lists them; NULL on failure. */
static json_t *
documents_value(struct http_request *req, const struct survey *sv, const char *base)
{
	struct docs_ctx c = { req, base, json_array(), json_object() };
	int rc;

	rc = store_document_each(req->app->store, &req->arena, sv->id, doc_one, &c);
	if (rc == 0)
		rc = store_attachment_each(req->app->store, &req->arena, sv->id, file_one, &c);
	json_decref(c.by_id);
	if (rc != 0) {
		json_decref(c.docs);
		return NULL;
	}
	return c.docs;
}

struct outcome_links {
	const struct org *org;
	json_t *items;
};

static int
outcome_link(void *arg, const struct outcome *oc)
{
	struct outcome_links *l = arg;
	char href[160];

	snprintf(href, sizeof(href), "/o/%s/you-said-we-did/%lld", l->org->slug, (long long)oc->id);
	json_array_append_new(l->items, json_pack("{s:o, s:s}", "title", pages_string(oc->title),
	    "href", href));
	return 0;
}

int
consultation_start_context(struct http_request *req, const struct org *o,
    const struct survey *sv, json_t *ctx)
{
	struct outcome_links outcomes = { o, NULL };
	enum consultation_state now;
	struct consultation k;
	char base[128];
	json_t *docs;
	int rc;

	if ((rc = store_consultation_get(req->app->store, &req->arena, sv->id, &k)) != 0)
		return rc;
	snprintf(base, sizeof(base), "/o/%s/surveys/%lld", o->slug, (long long)sv->id);
	if ((docs = documents_value(req, sv, base)) == NULL)
		return ERR_IO;
	now = consultation_state(sv, k.stage, req->now);
	/* What was decided, once published ("You said, we did"). */
	outcomes.items = json_array();
	if ((rc = store_outcomes_of(req->app->store, &req->arena, OUTCOME_LINK_SURVEY, sv->id,
	    outcome_link, &outcomes)) != 0) {
		json_decref(outcomes.items);
		json_decref(docs);
		return rc;
	}
	json_object_set_new(ctx, "consultation", json_pack("{s:o, s:s, s:o, s:b, s:o}",
	    "lifecycle", lifecycle_json(req, sv, now), "state",
	    tr(req, consultation_state_label(now)), "documents", docs, "outcome",
	    now == CONSULTATION_OUTCOME_PUBLISHED, "outcomes", outcomes.items));
	return 0;
}

/* ---- a document --------------------------------------------------------------------------- */

struct one_doc_files {
	struct http_request *req;
	const char *base;
	int64_t doc;
	json_t *files;
};

static int
own_file(void *arg, const struct consultation_attachment *f)
{
	struct one_doc_files *c = arg;

	if (f->document_id == c->doc)
		json_array_append_new(c->files, file_value(c->req, c->base, f));
	return 0;
}

static int
document_page(struct http_request *req, struct http_response *res, bool easy_read)
{
	struct consultation_document *d;
	struct one_doc_files files;
	struct buf html = BUF_INIT;
	struct survey *sv;
	struct str text;
	struct org o;
	char base[128], href[256], title[CONSULTATION_DOC_TITLE_MAX_CHARS * 4 + 64];
	json_t *ctx;
	int rc;

	if (load(req, res, &o, &sv, NULL) != 0)
		return HTTP_DONE;
	rc = store_document_get(req->app->store, &req->arena, sv->id, http_param_id(req, "doc"),
	    &d);
	if (rc == 0 && easy_read && !d->has_easy_read)
		rc = ERR_NOTFOUND;
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(base, sizeof(base), "/o/%s/surveys/%lld", o.slug, (long long)sv->id);
	snprintf(href, sizeof(href), "%s/documents/%lld", base, (long long)d->id);
	text = easy_read ? d->easy_read : d->body;
	if ((rc = pages_markdown(text.p, text.n, &html)) != 0 || buf_cstr(&html) == NULL) {
		buf_free(&html);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	files = (struct one_doc_files){ req, base, d->id, json_array() };
	rc = store_attachment_each(req->app->store, &req->arena, sv->id, own_file, &files);
	if (easy_read)
		snprintf(title, sizeof(title), tr(req, "%.*s (easy read)"), (int)d->title.n,
		    d->title.p);
	else
		snprintf(title, sizeof(title), "%.*s", (int)d->title.n, d->title.p);
	ctx = json_pack("{s:s, s:o, s:s, s:o, s:s, s:o, s:s, s:b}", "title", title,
	    "document_title", pages_string(d->title), "body_html", buf_cstr(&html), "consultation",
	    pages_string(sv->title), "consultation_href", base, "site", pages_site(&o, NULL),
	    "href", href, "easy_read", easy_read);
	buf_free(&html);
	if (rc != 0 || ctx == NULL) {
		json_decref(files.files);
		json_decref(ctx);
		return reply_error(req, res, rc ? rc : ERR_NOMEM, NULL);
	}
	json_object_set_new(ctx, "files", files.files);
	if (!easy_read && d->has_easy_read) {
		char easy[280];

		snprintf(easy, sizeof(easy), "%s/easy-read", href);
		json_object_set_new(ctx, "easy_read_href", json_string(easy));
	}
	json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href", base));
	json_object_set_new(ctx, "updated", pages_date(req, d->updated_at));
	return page_render(req, res, "consultation_document", ctx);
}

int
handle_consultation_document_page(struct http_request *req, struct http_response *res)
{
	return document_page(req, res, false);
}

int
handle_consultation_easy_read_page(struct http_request *req, struct http_response *res)
{
	return document_page(req, res, true);
}

/* ---- a file --------------------------------------------------------------------------------- */

int
consultation_send_file(struct http_request *req, struct http_response *res, int64_t survey_id,
    int64_t id)
{
	struct consultation_attachment f;
	enum attachment_type t;
	struct buf disposition = BUF_INIT;
	size_t i;
	int rc;

	rc = store_attachment_get(req->app->store, &req->arena, survey_id, id, &f, &res->body);
	if (rc == 0 && attachment_type_parse(f.media_type, &t) != 0)
		rc = ERR_IO; /* the store holds only what the domain recognised */
	if (rc != 0) {
		buf_reset(&res->body);
		return reply_error(req, res, rc, NULL);
	}
	res->status = 200;
	/* The literal the domain names, never text from the database. */
	res->content_type = attachment_media_type(t);
	/* Downloaded, never shown in the site's own origin.  The name has no
	 * quote, slash or control character (consultation_attachment_check);
	 * the plain form has "_" for each character past ASCII, the RFC 8187
	 * form the name itself. */
	buf_add_c(&disposition, "attachment; filename=\"");
	for (i = 0; i < f.name.n; i++) {
		unsigned char c = (unsigned char)f.name.p[i];

		if (c < 0x80 || c >= 0xc0) /* not a character's continuation byte */
			buf_addch(&disposition, c < 0x80 ? (char)c : '_');
	}
	buf_add_c(&disposition, "\"; filename*=UTF-8''");
	buf_add_url(&disposition, f.name);
	if (buf_cstr(&disposition) == NULL) {
		buf_reset(&res->body);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	http_response_header(res, "Content-Disposition", buf_cstr(&disposition));
	buf_free(&disposition);
	return HTTP_DONE;
}

int
handle_consultation_attachment(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct org o;

	if (load(req, res, &o, &sv, NULL) != 0)
		return HTTP_DONE;
	return consultation_send_file(req, res, sv->id, http_param_id(req, "att"));
}
