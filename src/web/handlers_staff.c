/*
 * handlers_staff.c - the signed-in staff pages: the dashboard of an
 * organisation's polls and editing the site's pages (a poll's own pages
 * are in handlers_staff_polls.c, signing in in handlers_signin.c, the
 * organisation's staff and settings in handlers_staff_users.c).
 *
 * Routes marked ROUTE_STAFF reach these handlers only with a session
 * (req->auth is filled), and their POSTs only with the session's CSRF
 * token: app.c checks both first.  What a role may do is checked here,
 * before any change, and a poll of another organisation is "not found",
 * so its existence is not revealed.  Forms shown again after an error
 * keep what was typed and carry an NHS.UK error summary whose links
 * reach each field by its id.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "involve/password.h"
#include "involve/secret.h"
#include "involve/site_defaults.h"
#include "involve/text.h"
#include "handlers.h"
#include "pages.h"

#define STAFF_POLLS_PAGE 50       /* polls on one page of the dashboard */
#define PAGE_BODY_MAX_CHARS 60000
#define PATH_MAX_LEN 256

/* ---- the declared fields -------------------------------------------------------- */

struct page_fields {
	struct str title, body;
};

static const struct input_field page_fields[] = {
	{ "title", INPUT_TEXT, 0, offsetof(struct page_fields, title), 0, 0, 0, NULL,
	    N_("the title") },
	{ "body", INPUT_TEXT, 0, offsetof(struct page_fields, body), 0, 0, 0, NULL,
	    N_("the page's text") },
};
const struct input_spec staff_page_input = { INPUT_FORM, 2, page_fields };

struct dashboard_query {
	int64_t before;
};

static const struct input_field dashboard_fields[] = {
	{ "before", INPUT_ID, INPUT_QUERY, offsetof(struct dashboard_query, before), 0, 0, 0, NULL,
	    N_("the poll to list from") },
};
const struct input_spec staff_dashboard_input = { INPUT_FORM, 1, dashboard_fields };

/* ---- dashboard ---------------------------------------------------------- */

struct poll_rows {
	const struct http_request *req;
	json_t *items;
	int n;
	int64_t last_id;
};

static int
dashboard_row(void *arg, const struct poll *p)
{
	struct poll_rows *r = arg;
	const char *label, *cls;
	char href[PATH_MAX_LEN];

	pages_status_tag(poll_status(p, r->req->now), &label, &cls);
	snprintf(href, sizeof(href), "/staff/polls/%lld", (long long)p->id);
	json_array_append_new(r->items, json_pack("{s:o, s:s, s:s, s:s, s:I, s:o}", "question",
	    pages_string(p->question), "href", href, "status", tr(r->req, label), "tag_class", cls,
	    "ballots", (json_int_t)p->ballots, "created", pages_date(r->req, p->created_at)));
	r->n++;
	r->last_id = p->id;
	return 0;
}

static json_t *
site_page_links(const struct http_request *req)
{
	static const struct {
		const char *key, *text;
	} pages[] = {
		{ "home", N_("Home page introduction") },
		{ "accessibility", N_("Accessibility statement") },
		{ "privacy", N_("Privacy notice") },
		{ "cookies", N_("Cookies") },
	};
	json_t *links = json_array();
	char href[64];
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(href, sizeof(href), "/staff/pages/%s", pages[i].key);
		json_array_append_new(links, json_pack("{s:s, s:s}", "href", href, "text",
		    tr(req, pages[i].text)));
	}
	return links;
}

int
handle_dashboard(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	struct poll_rows r = { req, json_array(), 0, 0 };
	struct dashboard_query q = { 0 };
	struct errors e;
	struct str done;
	json_t *ctx;
	char older[PATH_MAX_LEN];
	int rc;

	errors_init_in(&e, req->lang);
	if (input_read(req, &q, NULL, &e) != 0)
		q.before = 0; /* a spoilt link: the newest polls */
	rc = store_poll_each(s, &req->arena, a->user.org_id, q.before, STAFF_POLLS_PAGE,
	    dashboard_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	ctx = json_pack("{s:s, s:o, s:o, s:b, s:b, s:b, s:s}", "title", tr(req, "Polls"), "site",
	    pages_staff_site(a), "polls", r.items, "can_manage",
	    role_allows(a->user.role, PERM_POLL_MANAGE), "can_edit_site",
	    role_allows(a->user.role, PERM_SITE_EDIT), "can_manage_users",
	    role_allows(a->user.role, PERM_USER_MANAGE), "org_name", a->org.name);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (role_allows(a->user.role, PERM_SITE_EDIT))
		json_object_set_new(ctx, "site_pages", site_page_links(req));
	if (r.n == STAFF_POLLS_PAGE && r.last_id > 1) {
		snprintf(older, sizeof(older), "/staff/?before=%lld", (long long)r.last_id);
		json_object_set_new(ctx, "older_href", json_string(older));
	}
	if (http_query(req, "done", &done) && str_eq_c(done, "deleted"))
		json_object_set_new(ctx, "done", json_string(tr(req, "The poll and its answers "
		    "have been deleted.")));
	return page_render(req, res, "staff/dashboard", ctx);
}

/* ---- site pages --------------------------------------------------------- */

/* The default for a page staff may edit, or NULL for any other key. */
static const struct site_default *
editable_page(const struct http_request *req)
{
	return site_default_find(http_param(req, "key"));
}

static int
page_form(struct http_request *req, struct http_response *res, int status,
    const struct site_default *d, struct str title, struct str body, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	char action[64], view[ORG_SLUG_SIZE + 64];
	const char *heading = strcmp(d->key, "home") == 0 ? tr(req, "Home page introduction") :
	    tr(req, d->title);
	json_t *ctx, *errors;
	struct str done;

	snprintf(action, sizeof(action), "/staff/pages/%s", d->key);
	if (strcmp(d->key, "home") == 0)
		snprintf(view, sizeof(view), "/o/%s/", a->org.slug);
	else
		snprintf(view, sizeof(view), "/o/%s/%s", a->org.slug, d->key);
	ctx = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:i, s:{s:s}}", "title", heading,
	    "heading", heading, "site", pages_staff_site(a), "action", action, "view_url", view,
	    "page_title", pages_string(title), "body", pages_string(body), "body_max",
	    PAGE_BODY_MAX_CHARS, "back_link", "href", "/staff/");
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (http_query(req, "done", &done) && str_eq_c(done, "saved"))
		json_object_set_new(ctx, "done", json_string(tr(req, "The page has been saved.")));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
		pages_copy_error(ctx, errors, "title", "title_error");
		pages_copy_error(ctx, errors, "body", "body_error");
	}
	res->status = status;
	return page_render(req, res, "staff/page_form", ctx);
}

int
handle_staff_page_edit(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	const struct site_default *d = editable_page(req);
	struct site_page page;
	struct buf body = BUF_INIT;
	int rc;

	if (d == NULL)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	rc = store_page_get(s, &req->arena, a->user.org_id, str_c(d->key), &page);
	if (rc == 0) {
		rc = page_form(req, res, 200, d, page.title, page.body, NULL);
	} else if (rc == ERR_NOTFOUND) {
		/* Staff start from the text the site shows until they save. */
		if (site_default_body(d, a->org.name, NULL, &body) != 0 || buf_cstr(&body) == NULL)
			rc = reply_error(req, res, ERR_NOMEM, NULL);
		else
			rc = page_form(req, res, 200, d, str_c(d->title), str_c(buf_cstr(&body)), NULL);
	} else {
		rc = reply_error(req, res, rc, NULL);
	}
	buf_free(&body);
	return rc;
}

int
handle_staff_page_save(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct auth *a = pages_staff(req);
	const struct site_default *d = editable_page(req);
	struct page_fields f = { STR_LIT(""), STR_LIT("") };
	struct site_page page;
	struct str title, body;
	struct errors e;
	char to[64];
	int rc;

	if (d == NULL)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e); /* text only: nothing to refuse */
	text_check(f.title, "title", N_("the title"), SITE_PAGE_TITLE_MAX_CHARS, TEXT_REQUIRED,
	    &title, &e);
	if (text_check(f.body, "body", N_("the page's text"), PAGE_BODY_MAX_CHARS,
	    TEXT_REQUIRED | TEXT_MULTILINE, &body, &e) == 0 && body.n >= SITE_PAGE_BODY_MAX)
		errors_add(&e, "body", N_("The page's text must be shorter than %d bytes"),
		    SITE_PAGE_BODY_MAX);
	if (errors_any(&e))
		return page_form(req, res, 422, d, f.title, f.body, &e);

	page = (struct site_page){ a->user.org_id, str_c(d->key), title, body, req->now };
	if ((rc = store_page_put(s, &a->actor, &page)) != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(to, sizeof(to), "/staff/pages/%s?done=saved", d->key);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}
