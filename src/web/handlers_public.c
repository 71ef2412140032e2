/*
 * handlers_public.c - the public site: the installation's index, each
 * organisation's home and statement pages, and the quick poll pages (the
 * vote form, the results and the widget partners embed in an iframe).
 *
 * Everything works without JavaScript.  A vote is a plain form POST
 * answered with 303 (post/redirect/get) once the ballot is on disk, or
 * with the poll page again, carrying an NHS.UK error summary and the
 * status that says why (409, 422, 429).  The vote itself - the cookie,
 * the rate limit, the durable write - belongs to vote.c; this file only
 * turns its outcomes into pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/route.h"
#include "involve/site_defaults.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "involve/vote.h"
#include "handlers.h"
#include "pages.h"

#define ROOT_ORGS_MAX 500      /* organisations listed on the installation's index */
#define ORG_HOME_POLLS_SCAN 100 /* newest polls looked at for the home page's open ones */
#define LOCATION_MAX 256

static const char not_found_title[] = "Page not found";
static const char not_found_text[] = "If you typed the web address, check it is correct.";
static const char problem_title[] = "Sorry, there is a problem with the service";

/* Whether the request came through the embeddable widget's routes. */
static bool
is_embedded(const struct http_request *req)
{
	return req->route != NULL && (req->route->flags & ROUTE_FRAMEABLE) != 0;
}

/* An error page in the layout that suits the request: the site's own, or
 * the bare embed layout inside a partner's iframe. */
static int
show_error(struct http_request *req, struct http_response *res, int status, const char *title,
    const char *message)
{
	if (!is_embedded(req))
		return page_error(req, res, status, title, message);
	res->status = status;
	return pages_embed_render(req, res, "error", json_pack("{s:s, s:s, s:i}", "title", title,
	    "message", message, "status", status));
}

static int
render(struct http_request *req, struct http_response *res, const char *page,
    const char *embed, json_t *ctx)
{
	if (is_embedded(req))
		return pages_embed_render(req, res, embed, ctx);
	return page_render(req, res, page, ctx);
}

/* Loads the organisation named by {slug}.  0, or -1 with res filled. */
static int
load_org(struct http_request *req, struct http_response *res, struct org *o)
{
	struct store *s = req->app->store;
	struct str slug = http_param(req, "slug");
	char name[ORG_SLUG_SIZE];
	int rc;

	if (slug.n == 0 || slug.n >= sizeof(name)) {
		show_error(req, res, 404, not_found_title, not_found_text);
		return -1;
	}
	memcpy(name, slug.p, slug.n);
	name[slug.n] = '\0';
	rc = s->ops->org_get_by_slug(s, name, o);
	if (rc == 0)
		return 0;
	if (rc == ERR_NOTFOUND)
		show_error(req, res, 404, not_found_title, not_found_text);
	else
		show_error(req, res, 503, problem_title, "Try again later.");
	return -1;
}

/*
 * Loads poll {id} of organisation o.  A poll of another organisation and
 * a draft are "not found": neither may be seen through this site.  0, or
 * -1 with res filled.
 */
static int
load_poll(struct http_request *req, struct http_response *res, const struct org *o,
    struct poll *p)
{
	struct store *s = req->app->store;
	int rc;

	rc = s->ops->poll_get(s, http_param_id(req, "id"), p);
	if (rc == 0 && (p->org_id != o->id || poll_status(p, req->now) == POLL_DRAFT))
		rc = ERR_NOTFOUND;
	if (rc == 0)
		return 0;
	if (rc == ERR_NOTFOUND)
		show_error(req, res, 404, not_found_title, not_found_text);
	else
		show_error(req, res, 503, problem_title, "Try again later.");
	return -1;
}

/* Loads both for a poll route; on failure res is filled.  *out is heap
 * memory (a poll is about 11 KB) that the caller frees. */
static int
load_org_poll(struct http_request *req, struct http_response *res, struct org *o,
    struct poll **out)
{
	struct poll *p;

	*out = NULL;
	if (load_org(req, res, o) != 0)
		return -1;
	p = malloc(sizeof(*p));
	if (p == NULL) {
		show_error(req, res, 503, problem_title, "Try again later.");
		return -1;
	}
	if (load_poll(req, res, o, p) != 0) {
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

static void
poll_path(const struct org *o, const struct poll *p, const char *suffix, char *out, size_t size)
{
	snprintf(out, size, "/o/%s/polls/%lld%s", o->slug, (long long)p->id, suffix);
}

static bool
query_is(const struct http_request *req, const char *name, const char *value)
{
	struct str v;

	return http_query(req, name, &v) && str_eq_c(v, value);
}

/* ---- site pages --------------------------------------------------------- */

struct org_list {
	json_t *items;
	int n;
};

static int
org_one(void *arg, const struct org *o)
{
	struct org_list *l = arg;
	char href[ORG_SLUG_SIZE + 8];

	if (l->n == ROOT_ORGS_MAX)
		return 1; /* enough: stop the walk */
	snprintf(href, sizeof(href), "/o/%s/", o->slug);
	json_array_append_new(l->items, json_pack("{s:s, s:s}", "name", o->name, "href", href));
	l->n++;
	return 0;
}

int
handle_root(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct org_list l = { json_array(), 0 };
	int rc;

	rc = s->ops->org_each(s, org_one, &l);
	if (rc < 0) {
		json_decref(l.items);
		return page_error(req, res, 503, problem_title, "Try again later.");
	}
	return page_render(req, res, "home", json_pack("{s:s, s:o}", "title",
	    "Have your say", "orgs", l.items));
}

/*
 * Renders statement page `key` of organisation o (NULL: the
 * installation's own): the organisation's text when staff have written
 * one, else the built-in default.
 */
static int
statement(struct http_request *req, struct http_response *res, const struct org *o,
    struct str key)
{
	struct store *s = req->app->store;
	const struct site_default *d = site_default_find(key);
	struct site_page page;
	struct buf md = BUF_INIT, html = BUF_INIT;
	char name[SITE_PAGE_KEY_SIZE];
	const char *title;
	json_t *ctx;
	int rc = ERR_NOTFOUND;

	if (!site_default_is_statement(key) || d == NULL || key.n >= sizeof(name))
		return page_error(req, res, 404, not_found_title, not_found_text);
	memcpy(name, key.p, key.n);
	name[key.n] = '\0';
	memset(&page, 0, sizeof(page));
	if (o != NULL)
		rc = s->ops->page_get(s, o->id, name, &page);
	if (rc != 0 && rc != ERR_NOTFOUND) {
		site_page_free(&page);
		return page_error(req, res, 503, problem_title, "Try again later.");
	}
	if (rc == 0) {
		title = page.title;
		rc = pages_markdown(page.body, strlen(page.body), &html);
	} else {
		title = d->title;
		rc = site_default_body(d, o ? o->name : NULL, &md);
		if (rc == 0)
			rc = pages_markdown(md.p, md.n, &html);
	}
	ctx = rc == 0 && buf_cstr(&html) ? json_pack("{s:s, s:s}", "title", title, "body_html",
	    buf_cstr(&html)) : NULL;
	if (ctx != NULL && o != NULL) {
		json_object_set_new(ctx, "site", pages_site(o, NULL));
		if (page.updated_at != 0)
			json_object_set_new(ctx, "updated", pages_date(page.updated_at));
	}
	buf_free(&md);
	buf_free(&html);
	site_page_free(&page);
	if (ctx == NULL)
		return page_error(req, res, 503, problem_title, "Try again later.");
	return page_render(req, res, "statement", ctx);
}

int
handle_install_page(struct http_request *req, struct http_response *res)
{
	return statement(req, res, NULL, http_param(req, "key"));
}

int
handle_org_page(struct http_request *req, struct http_response *res)
{
	struct org o;

	if (load_org(req, res, &o) != 0)
		return HTTP_DONE;
	return statement(req, res, &o, http_param(req, "key"));
}

struct open_polls {
	const struct org *org;
	int64_t now;
	json_t *items;
};

static int
open_poll_one(void *arg, const struct poll *p)
{
	struct open_polls *l = arg;
	char href[LOCATION_MAX];
	json_t *item;

	if (poll_status(p, l->now) != POLL_OPEN)
		return 0;
	poll_path(l->org, p, "", href, sizeof(href));
	item = json_pack("{s:s, s:s}", "question", p->question, "href", href);
	if (p->closes_at != 0)
		json_object_set_new(item, "closes", pages_time(p->closes_at));
	json_array_append_new(l->items, item);
	return 0;
}

int
handle_org_home(struct http_request *req, struct http_response *res)
{
	struct store *s = req->app->store;
	struct org o;
	struct open_polls l;
	struct site_page page;
	struct buf md = BUF_INIT, html = BUF_INIT;
	const struct site_default *d = site_default_find(STR_LIT("home"));
	const char *title = d->title;
	json_t *ctx = NULL;
	int rc;

	if (load_org(req, res, &o) != 0)
		return HTTP_DONE;
	memset(&page, 0, sizeof(page));
	rc = s->ops->page_get(s, o.id, "home", &page);
	if (rc == 0) {
		title = page.title;
		rc = pages_markdown(page.body, strlen(page.body), &html);
	} else if (rc == ERR_NOTFOUND) {
		title = d->title;
		rc = site_default_body(d, o.name, &md);
		if (rc == 0)
			rc = pages_markdown(md.p, md.n, &html);
	}
	l.org = &o;
	l.now = req->now;
	l.items = json_array();
	if (rc == 0)
		rc = s->ops->poll_each(s, o.id, 0, ORG_HOME_POLLS_SCAN, open_poll_one, &l);
	if (rc == 0 && buf_cstr(&html) != NULL) {
		ctx = json_pack("{s:s, s:s, s:o, s:O}", "title", title, "intro_html",
		    buf_cstr(&html), "site", pages_site(&o, NULL), "polls", l.items);
		if (ctx != NULL)
			json_object_set_new(ctx, "org_name", json_string(o.name));
	}
	json_decref(l.items);
	buf_free(&md);
	buf_free(&html);
	site_page_free(&page);
	if (ctx == NULL)
		return page_error(req, res, 503, problem_title, "Try again later.");
	return page_render(req, res, "org_home", ctx);
}

/* ---- polls -------------------------------------------------------------- */

/* Whether the submitted form chose option id (to keep a choice checked
 * when the form is shown again). */
static bool
form_chose(const struct http_request *req, int64_t id)
{
	int64_t v;
	int i;

	for (i = 0; i < req->form_n; i++)
		if (str_eq_c(req->form[i].name, "options") &&
		    pages_parse_id(text_trim(req->form[i].value), &v) == 0 && v == id)
			return true;
	return false;
}

/*
 * Adds the error summary.  While the form is shown every error about the
 * answers (and the rate limit) points at the first option's input, the
 * honeypot's at the honeypot; an error with nothing on the page to point
 * at (the poll has closed, this browser has answered) is plain text.
 */
static void
add_vote_errors(json_t *ctx, const struct errors *e, const char *first_input, bool form_shown)
{
	struct errors mapped;
	json_t *summary, *item, *err;
	size_t i;
	int k;

	errors_init(&mapped);
	for (k = 0; k < e->n; k++) {
		const char *field = e->list[k].field, *to = "";

		if (form_shown && strcmp(field, VOTE_HONEYPOT_FIELD) == 0)
			to = VOTE_HONEYPOT_FIELD;
		else if (form_shown && strcmp(field, "poll") != 0)
			to = first_input;
		errors_add(&mapped, to, "%s", e->list[k].detail);
	}
	page_add_errors(ctx, &mapped);
	summary = json_object_get(ctx, "error_summary");
	json_array_foreach(summary, i, item) {
		const char *id = json_string_value(json_object_get(item, "field_id"));

		if (id != NULL && strcmp(id, "main") == 0)
			json_object_del(item, "field_id");
	}
	err = json_object_get(json_object_get(ctx, "errors"), first_input);
	if (form_shown && err != NULL)
		json_object_set(ctx, "options_error", err);
}

/*
 * The poll page's context: the form while the poll is open and this
 * browser has not answered, otherwise a notice saying why not; a thank
 * you after a counted vote; a link to the results when they may be seen.
 * e (may be NULL) holds errors from a refused vote.
 */
static json_t *
poll_context(struct http_request *req, const struct org *o, const struct poll *p,
    const struct errors *e)
{
	bool embedded = is_embedded(req);
	enum poll_status status = poll_status(p, req->now);
	bool has_voted = vote_has_voted(req, p);
	bool visible = poll_results_visible(p, has_voted, req->now);
	bool form = status == POLL_OPEN && !has_voted;
	bool thanks = has_voted && query_is(req, "voted", "1");
	char path[LOCATION_MAX], first_input[32] = "", notice[160] = "";
	char when[TIMEFMT_LONDON_MAX];
	json_t *ctx, *options = json_array(), *poll;
	int i;

	for (i = 0; i < p->option_n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "option-%lld", (long long)p->options[i].id);
		if (i == 0)
			snprintf(first_input, sizeof(first_input), "%s", id);
		json_array_append_new(options, json_pack("{s:I, s:s, s:s, s:b}", "id",
		    (json_int_t)p->options[i].id, "label", p->options[i].label, "input_id", id,
		    "checked", req->method == HTTP_POST && form_chose(req, p->options[i].id)));
	}
	poll_path(o, p, embedded ? "/embed" : "", path, sizeof(path));
	poll = json_pack("{s:I, s:s, s:b, s:s, s:s}", "id", (json_int_t)p->id, "question",
	    p->question, "multiple", p->multiple, "hint", p->multiple ?
	    "Select all answers that apply." : "Select one answer.", "action", path);
	poll_path(o, p, "/results", path, sizeof(path));
	json_object_set_new(poll, "results_url", json_string(path));
	poll_path(o, p, "", path, sizeof(path));
	json_object_set_new(poll, "page_url", json_string(path));
	if (status == POLL_OPEN && p->closes_at != 0)
		json_object_set_new(poll, "closes", pages_time(p->closes_at));

	if (status == POLL_CLOSED) {
		if (timefmt_london(p->closed_at ? p->closed_at : p->closes_at, when,
		    sizeof(when)) == 0)
			snprintf(notice, sizeof(notice), "This poll closed on %s.", when);
		else
			snprintf(notice, sizeof(notice), "This poll has closed.");
	} else if (status == POLL_SCHEDULED) {
		if (timefmt_london(p->opens_at, when, sizeof(when)) == 0)
			snprintf(notice, sizeof(notice), "This poll opens on %s.", when);
		else
			snprintf(notice, sizeof(notice), "This poll is not open yet.");
	}

	ctx = json_pack("{s:s, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:s}",
	    "title", p->question, "site", pages_site(o, NULL), "poll", poll, "options", options,
	    "form", form, "thanks", thanks, "voted", has_voted && !thanks && status == POLL_OPEN,
	    "results_visible", visible, "results_later", has_voted && !visible,
	    "notice", notice);
	if (ctx == NULL)
		return NULL;
	json_object_set_new(ctx, "honeypot_id", json_string(VOTE_HONEYPOT_FIELD));
	if (!embedded)
		json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href",
		    json_string_value(json_object_get(json_object_get(ctx, "site"), "home"))));
	if (e != NULL && errors_any(e))
		add_vote_errors(ctx, e, first_input, form);
	return ctx;
}

static int
render_poll(struct http_request *req, struct http_response *res, const struct org *o,
    const struct poll *p, int status, const struct errors *e)
{
	res->status = status;
	return render(req, res, "poll", "embed_poll", poll_context(req, o, p, e));
}

/* The results' context, or NULL when the tally cannot be read. */
static json_t *
results_context(struct http_request *req, const struct org *o, const struct poll *p)
{
	struct store *s = req->app->store;
	struct tally t;
	char path[LOCATION_MAX], when[TIMEFMT_LONDON_MAX], status[160] = "";
	json_t *ctx;

	if (s->ops->poll_tally(s, p->id, &t) != 0)
		return NULL;
	if (poll_status(p, req->now) == POLL_CLOSED) {
		if (timefmt_london(p->closed_at ? p->closed_at : p->closes_at, when,
		    sizeof(when)) == 0)
			snprintf(status, sizeof(status), "This poll closed on %s.", when);
		else
			snprintf(status, sizeof(status), "This poll has closed.");
	} else if (p->closes_at != 0 && timefmt_london(p->closes_at, when, sizeof(when)) == 0) {
		snprintf(status, sizeof(status), "This poll is still open. It closes on %s.", when);
	} else {
		snprintf(status, sizeof(status), "This poll is still open.");
	}
	poll_path(o, p, "", path, sizeof(path));
	ctx = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:o}", "title", p->question, "site",
	    pages_site(o, NULL), "poll", "question", p->question, "page_url", path, "status",
	    status, "results", pages_results(p, &t));
	return ctx;
}

int
handle_poll_page(struct http_request *req, struct http_response *res)
{
	struct org o;
	struct poll *p;

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	render_poll(req, res, &o, p, 200, NULL);
	free(p);
	return HTTP_DONE;
}

/* Shows the poll again with one error, for outcomes learnt after the
 * handler returned (the vote's commit), when only req is left. */
static void
show_again(struct http_request *req, struct http_response *res, int status, const char *field,
    const char *message)
{
	struct org o;
	struct poll *p;
	struct errors e;

	if (load_org_poll(req, res, &o, &p) != 0)
		return;
	errors_init(&e);
	errors_add(&e, field, "%s", message);
	render_poll(req, res, &o, p, status, &e);
	free(p);
}

static void
vote_refused(struct http_request *req, struct http_response *res, int status,
    const struct errors *e)
{
	struct org o;
	struct poll *p;

	if (load_org_poll(req, res, &o, &p) != 0)
		return;
	render_poll(req, res, &o, p, status, e);
	free(p);
}

/* After the ballot's commit: 303 to where the voter goes next (suffix of
 * the poll's path), or the poll again with what went wrong. */
static void
vote_replied(struct http_request *req, struct http_response *res, int rc, const char *suffix)
{
	struct str slug = http_param(req, "slug"), id = http_param(req, "id");
	char location[LOCATION_MAX];

	switch (rc) {
	case 0:
		snprintf(location, sizeof(location), "/o/%.*s/polls/%.*s%s", (int)slug.n, slug.p,
		    (int)id.n, id.p, suffix);
		http_response_redirect(res, 303, location);
		break;
	case ERR_DUPLICATE:
		show_again(req, res, 409, "options", "You have already answered this poll");
		break;
	case ERR_CONFLICT:
		show_again(req, res, 409, "poll", "This poll has closed");
		break;
	case ERR_NOTFOUND:
		show_error(req, res, 404, not_found_title, not_found_text);
		break;
	default:
		http_response_header(res, "Retry-After", "5");
		show_error(req, res, 503, problem_title,
		    "Your answer has not been saved. Try again in a few minutes.");
	}
}

/* One reply function per destination: the vote module gives the reply
 * nothing but the request, and the destination is known before casting. */
static void
reply_to_results(struct http_request *req, struct http_response *res, int rc)
{
	vote_replied(req, res, rc, "/results");
}

static void
reply_to_poll(struct http_request *req, struct http_response *res, int rc)
{
	vote_replied(req, res, rc, "?voted=1");
}

static void
reply_to_embed(struct http_request *req, struct http_response *res, int rc)
{
	vote_replied(req, res, rc, "/embed?voted=1");
}

/* Reads the chosen option ids.  0, or ERR_INVALID with an error. */
static int
read_ballot(const struct http_request *req, struct ballot *b, struct errors *e)
{
	int64_t id;
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < req->form_n; i++) {
		if (!str_eq_c(req->form[i].name, "options"))
			continue;
		if (b->choice_n == POLL_OPTIONS_MAX) {
			errors_add(e, "options", "Select no more than %d answers", POLL_OPTIONS_MAX);
			return ERR_INVALID;
		}
		if (pages_parse_id(text_trim(req->form[i].value), &id) != 0) {
			errors_add(e, "options", "Select an answer");
			return ERR_INVALID;
		}
		b->choices[b->choice_n++] = id;
	}
	return 0;
}

static int
vote(struct http_request *req, struct http_response *res)
{
	bool embedded = is_embedded(req);
	struct org o;
	struct poll *p;
	struct ballot b;
	struct errors e;
	struct str trap;
	vote_reply_fn reply;
	int rc = HTTP_DONE;

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	errors_init(&e);
	/* People never see the honeypot; a robot filling every field does. */
	if (http_form(req, VOTE_HONEYPOT_FIELD, &trap) && text_trim(trap).n > 0) {
		atomic_fetch_add(&req->app->metrics.votes_refused, 1);
		errors_add(&e, VOTE_HONEYPOT_FIELD,
		    "Your answer was not sent. Leave the field called \"Leave this field empty\" "
		    "empty, then try again");
		render_poll(req, res, &o, p, 422, &e);
		goto out;
	}
	if (read_ballot(req, &b, &e) != 0) {
		atomic_fetch_add(&req->app->metrics.votes_refused, 1);
		render_poll(req, res, &o, p, 422, &e);
		goto out;
	}
	/* After this vote the browser has voted: whether it may see the
	 * results then is known now. */
	if (embedded)
		reply = reply_to_embed;
	else if (poll_results_visible(p, true, req->now))
		reply = reply_to_results;
	else
		reply = reply_to_poll;
	rc = vote_cast(req, res, p, &b, embedded, reply, vote_refused);
out:
	free(p);
	return rc;
}

int
handle_poll_vote_form(struct http_request *req, struct http_response *res)
{
	return vote(req, res);
}

int
handle_poll_embed_vote(struct http_request *req, struct http_response *res)
{
	return vote(req, res);
}

int
handle_poll_results_page(struct http_request *req, struct http_response *res)
{
	struct org o;
	struct poll *p;
	json_t *ctx;
	char path[LOCATION_MAX];

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	if (!poll_results_visible(p, vote_has_voted(req, p), req->now)) {
		bool after_vote = p->show_results == POLL_RESULTS_AFTER_VOTE;

		poll_path(&o, p, "", path, sizeof(path));
		res->status = 403;
		ctx = json_pack("{s:s, s:o, s:{s:s, s:s}, s:s, s:{s:s}}", "title",
		    "Results are not available yet", "site", pages_site(&o, NULL), "poll",
		    "question", p->question, "page_url", path, "hidden", after_vote ?
		    "You can see the results after you answer the poll." :
		    "Results will be shown when the poll closes.", "back_link", "href", path);
		if (ctx != NULL && !after_vote && p->closes_at != 0)
			json_object_set_new(ctx, "closes", pages_time(p->closes_at));
		if (ctx != NULL && after_vote && poll_is_open(p, req->now))
			json_object_set_new(ctx, "answer_link", json_true());
		page_render(req, res, "poll_results", ctx);
		goto out;
	}
	ctx = results_context(req, &o, p);
	if (ctx == NULL) {
		page_error(req, res, 503, problem_title, "Try again later.");
		goto out;
	}
	json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href",
	    json_string_value(json_object_get(json_object_get(ctx, "poll"), "page_url"))));
	page_render(req, res, "poll_results", ctx);
out:
	free(p);
	return HTTP_DONE;
}

int
handle_poll_embed(struct http_request *req, struct http_response *res)
{
	struct org o;
	struct poll *p;
	bool has_voted, closed;
	json_t *ctx;

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	has_voted = vote_has_voted(req, p);
	closed = poll_status(p, req->now) == POLL_CLOSED;
	if ((has_voted || closed) && poll_results_visible(p, has_voted, req->now)) {
		ctx = results_context(req, &o, p);
		if (ctx == NULL) {
			show_error(req, res, 503, problem_title, "Try again later.");
		} else {
			json_object_set_new(ctx, "thanks", json_boolean(has_voted &&
			    query_is(req, "voted", "1")));
			pages_embed_render(req, res, "embed_results", ctx);
		}
	} else {
		render_poll(req, res, &o, p, 200, NULL);
	}
	free(p);
	return HTTP_DONE;
}
