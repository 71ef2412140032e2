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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/input.h"
#include "involve/num.h"
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

/* Whether the request came through the embeddable widget's routes. */
static bool
is_embedded(const struct http_request *req)
{
	return req->route != NULL && (req->route->flags & ROUTE_FRAMEABLE) != 0;
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
	int rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), o);
	size_t i;

	if (rc == 0) {
		/* An embedded page may be framed by the sites the organisation
		 * lists (one a line there, separated by spaces in the policy). */
		if (res->frameable) {
			snprintf(res->frame_ancestors, sizeof(res->frame_ancestors), "%s",
			    o->frame_origins);
			for (i = 0; res->frame_ancestors[i]; i++)
				if (res->frame_ancestors[i] == '\n')
					res->frame_ancestors[i] = ' ';
		}
		return 0;
	}
	reply_error(req, res, rc, NULL);
	return -1;
}

/* The public, and this browser's ballot, as the domain's visibility rules
 * see them: the public site is the public's, even for staff signed in. */
static struct poll_viewer
public_viewer(struct http_request *req, const struct poll *p)
{
	return (struct poll_viewer){ .staff = false, .has_voted = vote_has_voted(req, p) };
}

/*
 * Loads organisation {slug} and its poll {id} into the request's arena.  A
 * poll of another organisation, or one the public may not see (a draft),
 * is "not found".  0, or -1 with res filled.
 */
static int
load_org_poll(struct http_request *req, struct http_response *res, struct org *o,
    struct poll **out)
{
	const struct poll_viewer v = { 0 };
	int rc;

	if (load_org(req, res, o) != 0)
		return -1;
	rc = store_poll_get(req->app->store, &req->arena, http_param_id(req, "id"), out);
	if (rc == 0 && ((*out)->org_id != o->id || !poll_visible(*out, &v, req->now)))
		rc = ERR_NOTFOUND;
	if (rc == 0)
		return 0;
	reply_error(req, res, rc, NULL);
	return -1;
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

	rc = store_org_each(s, org_one, &l);
	if (rc < 0) {
		json_decref(l.items);
		return reply_error(req, res, rc, NULL);
	}
	return page_render(req, res, "home", json_pack("{s:s, s:o}", "title",
	    tr(req, "Have your say"), "orgs", l.items));
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
	struct site_page page = { 0 };
	struct buf md = BUF_INIT, html = BUF_INIT;
	json_t *title;
	json_t *ctx;
	int rc = ERR_NOTFOUND;

	if (!site_default_is_statement(key) || d == NULL)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	if (o != NULL)
		rc = store_page_get(s, &req->arena, o->id, key, &page);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return reply_error(req, res, rc, NULL);
	if (rc == 0) {
		title = pages_string(page.title);
		rc = pages_markdown(page.body.p, page.body.n, &html);
	} else {
		title = json_string(tr(req, d->title));
		rc = site_default_body(d, o ? o->name : NULL, req->lang, &md);
		if (rc == 0)
			rc = pages_markdown(md.p, md.n, &html);
	}
	ctx = rc == 0 && buf_cstr(&html) ? json_pack("{s:o, s:s}", "title", title, "body_html",
	    buf_cstr(&html)) : (json_decref(title), NULL);
	if (ctx != NULL && o != NULL) {
		json_object_set_new(ctx, "site", pages_site(o, NULL));
		if (page.updated_at != 0)
			json_object_set_new(ctx, "updated", pages_date(req, page.updated_at));
	}
	buf_free(&md);
	buf_free(&html);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
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
	const struct http_request *req;
	const struct org *org;
	json_t *items;
};

static int
open_poll_one(void *arg, const struct poll *p)
{
	struct open_polls *l = arg;
	char href[LOCATION_MAX];
	json_t *item;

	if (poll_status(p, l->req->now) != POLL_OPEN)
		return 0;
	poll_path(l->org, p, "", href, sizeof(href));
	item = json_pack("{s:o, s:s}", "question", pages_string(p->question), "href", href);
	if (p->closes_at != 0)
		json_object_set_new(item, "closes", pages_time(l->req, p->closes_at));
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
	struct str title = str_c(tr(req, d->title));
	json_t *ctx = NULL;
	int rc;

	if (load_org(req, res, &o) != 0)
		return HTTP_DONE;
	rc = store_page_get(s, &req->arena, o.id, STR_LIT("home"), &page);
	if (rc == 0) {
		title = page.title;
		rc = pages_markdown(page.body.p, page.body.n, &html);
	} else if (rc == ERR_NOTFOUND) {
		rc = site_default_body(d, o.name, req->lang, &md);
		if (rc == 0)
			rc = pages_markdown(md.p, md.n, &html);
	}
	l.req = req;
	l.org = &o;
	l.items = json_array();
	if (rc == 0)
		rc = store_poll_each(s, &req->arena, o.id, 0, ORG_HOME_POLLS_SCAN, open_poll_one, &l);
	if (rc == 0 && buf_cstr(&html) != NULL) {
		ctx = json_pack("{s:o, s:s, s:o, s:O}", "title", pages_string(title), "intro_html",
		    buf_cstr(&html), "site", pages_site(&o, NULL), "polls", l.items);
		if (ctx != NULL)
			json_object_set_new(ctx, "org_name", json_string(o.name));
	}
	json_decref(l.items);
	buf_free(&md);
	buf_free(&html);
	if (ctx == NULL)
		return reply_error(req, res, rc < 0 ? rc : ERR_NOMEM, NULL);
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
		    num_id(str_trim(req->form[i].value), &v) == 0 && v == id)
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
add_vote_errors(const struct http_request *req, json_t *ctx, const struct errors *e,
    const char *first_input, bool form_shown)
{
	struct errors mapped;
	json_t *err;
	int k;

	errors_init(&mapped);
	for (k = 0; k < e->n; k++) {
		const char *field = e->list[k].field, *to = "";

		if (form_shown && strcmp(field, VOTE_HONEYPOT_FIELD) == 0)
			to = VOTE_HONEYPOT_FIELD;
		else if (form_shown && strcmp(field, "code") == 0)
			to = "code";
		else if (form_shown && strcmp(field, "poll") != 0)
			to = first_input;
		errors_add(&mapped, to, "%s", e->list[k].detail);
	}
	page_add_errors(req, ctx, &mapped);
	err = json_object_get(json_object_get(ctx, "errors"), first_input);
	if (form_shown && err != NULL)
		json_object_set(ctx, "options_error", err);
	err = json_object_get(json_object_get(ctx, "errors"), "code");
	if (form_shown && err != NULL)
		json_object_set(ctx, "code_error", err);
}

/* The code to show in the form: as sent with a refused vote, or from the
 * link printed as a QR code (?code=). */
static json_t *
code_value(struct http_request *req)
{
	struct str v = STR_LIT("");

	if (req->method == HTTP_POST)
		http_form(req, "code", &v);
	else
		http_query(req, "code", &v);
	return pages_string(v.n <= 64 ? str_trim(v) : STR_LIT(""));
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
	struct poll_viewer v = public_viewer(req, p);
	bool has_voted = v.has_voted;
	bool visible = poll_results_visible(p, &v, req->now);
	bool form = status == POLL_OPEN && !has_voted;
	bool thanks = has_voted && query_is(req, "voted", "1");
	char path[LOCATION_MAX], first_input[32] = "", notice[256] = "";
	char when[PAGES_WHEN_MAX];
	json_t *ctx, *options = json_array(), *poll;
	int i;

	for (i = 0; i < p->option_n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "option-%lld", (long long)p->options[i].id);
		if (i == 0)
			snprintf(first_input, sizeof(first_input), "%s", id);
		json_array_append_new(options, json_pack("{s:I, s:o, s:s, s:b}", "id",
		    (json_int_t)p->options[i].id, "label", pages_string(p->options[i].label), "input_id", id,
		    "checked", req->method == HTTP_POST && form_chose(req, p->options[i].id)));
	}
	poll_path(o, p, embedded ? "/embed" : "", path, sizeof(path));
	poll = json_pack("{s:I, s:o, s:b, s:s, s:s}", "id", (json_int_t)p->id, "question",
	    pages_string(p->question), "multiple", p->multiple, "hint", p->multiple ?
	    tr(req, "Select all answers that apply.") : tr(req, "Select one answer."), "action", path);
	poll_path(o, p, "/results", path, sizeof(path));
	json_object_set_new(poll, "results_url", json_string(path));
	poll_path(o, p, "", path, sizeof(path));
	json_object_set_new(poll, "page_url", json_string(path));
	if (p->who == POLL_WHO_CODE) {
		json_object_set_new(poll, "with_code", json_true());
		json_object_set_new(poll, "code_value", code_value(req));
	}
	if (status == POLL_OPEN && p->closes_at != 0)
		json_object_set_new(poll, "closes", pages_time(req, p->closes_at));

	if (status == POLL_CLOSED) {
		if (pages_when(req, p->closed_at ? p->closed_at : p->closes_at, when,
		    sizeof(when)) == 0)
			snprintf(notice, sizeof(notice), tr(req, "This poll closed on %s."), when);
		else
			snprintf(notice, sizeof(notice), "%s", tr(req, "This poll has closed."));
	} else if (status == POLL_SCHEDULED) {
		if (pages_when(req, p->opens_at, when, sizeof(when)) == 0)
			snprintf(notice, sizeof(notice), tr(req, "This poll opens on %s."), when);
		else
			snprintf(notice, sizeof(notice), "%s", tr(req, "This poll is not open yet."));
	}

	ctx = json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:s}",
	    "title", pages_string(p->question), "site", pages_site(o, NULL), "poll", poll,
	    "options", options,
	    "form", form, "thanks", thanks, "voted", has_voted && !thanks && status == POLL_OPEN,
	    "results_visible", visible, "results_later", has_voted && !visible,
	    "notice", notice);
	if (ctx == NULL)
		return NULL;
	json_object_set_new(ctx, "honeypot_id", json_string(VOTE_HONEYPOT_FIELD));
	/* Each copy of the page sent gets its own key (vote_key_fill). */
	json_object_set_new(ctx, "ballot_key", json_string(VOTE_KEY_PLACEHOLDER));
	json_object_set_new(ctx, "ballot_key_field", json_string(VOTE_KEY_FIELD));
	if (!embedded)
		json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href",
		    json_string_value(json_object_get(json_object_get(ctx, "site"), "home"))));
	if (e != NULL && errors_any(e))
		add_vote_errors(req, ctx, e, first_input, form);
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
	char path[LOCATION_MAX], when[PAGES_WHEN_MAX], status[256] = "";

	if (poll_status(p, req->now) == POLL_CLOSED) {
		if (pages_when(req, p->closed_at ? p->closed_at : p->closes_at, when,
		    sizeof(when)) == 0)
			snprintf(status, sizeof(status), tr(req, "This poll closed on %s."), when);
		else
			snprintf(status, sizeof(status), "%s", tr(req, "This poll has closed."));
	} else if (p->closes_at != 0 && pages_when(req, p->closes_at, when, sizeof(when)) == 0) {
		snprintf(status, sizeof(status), tr(req, "This poll is still open. It closes on %s."),
		    when);
	} else {
		snprintf(status, sizeof(status), "%s", tr(req, "This poll is still open."));
	}
	poll_path(o, p, "", path, sizeof(path));
	return json_pack("{s:o, s:o, s:{s:o, s:s, s:s}, s:o}", "title", pages_string(p->question),
	    "site", pages_site(o, NULL), "poll", "question", pages_string(p->question), "page_url",
	    path, "status", status, "results", pages_results(req, p));
}

int
handle_poll_page(struct http_request *req, struct http_response *res)
{
	struct org o;
	struct poll *p;

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	return render_poll(req, res, &o, p, 200, NULL);
}

/* Shows the poll again with one error, for outcomes learnt after the
 * handler returned (the vote's commit): it runs on a connection's thread,
 * never the writer's, so reading the poll again costs the writer nothing. */
static void
show_again(struct http_request *req, struct http_response *res, int status, const char *field,
    const char *message)
{
	struct org o;
	struct poll *p;
	struct errors e;

	if (load_org_poll(req, res, &o, &p) != 0)
		return;
	errors_init_in(&e, req->lang);
	errors_add(&e, field, "%s", message);
	render_poll(req, res, &o, p, status, &e);
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
		show_again(req, res, 409, "options", N_("You have already answered this poll"));
		break;
	case ERR_CONFLICT:
		show_again(req, res, 409, "poll", N_("This poll has closed"));
		break;
	case ERR_CODE_SPENT:
		show_again(req, res, 422, "code", N_("This code is not valid for this poll, or it "
		    "has been used. Check the code on your letter or card"));
		break;
	case ERR_KEY_REUSED:
		show_again(req, res, 422, "options", N_("This form was sent before with other "
		    "answers. Choose your answer again and send it"));
		break;
	case ERR_NOTFOUND:
		reply_error(req, res, rc, NULL);
		break;
	default:
		reply_error_text(req, res, rc,
		    tr(req, "Your answer has not been saved. Try again in a few minutes."));
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

/* The vote form: the chosen options, the code (polls answered with one),
 * the form's single-use ballot key, and the honeypot people never see. */
struct vote_form {
	struct ballot ballot;
	struct str code, key, trap;
};

static const struct input_field vote_fields[] = {
	{ "options", INPUT_IDS, 0, offsetof(struct vote_form, ballot.choices),
	    offsetof(struct vote_form, ballot.choice_n), 0, POLL_OPTIONS_MAX, NULL,
	    N_("an answer") },
	{ "code", INPUT_TEXT, 0, offsetof(struct vote_form, code), 0, 0, 0, NULL, N_("your code") },
	{ VOTE_KEY_FIELD, INPUT_TEXT, 0, offsetof(struct vote_form, key), 0, 0, 0, NULL,
	    N_("the form's key") },
	{ VOTE_HONEYPOT_FIELD, INPUT_TEXT, 0, offsetof(struct vote_form, trap), 0, 0, 0, NULL,
	    N_("nothing") },
};
const struct input_spec poll_vote_input = { INPUT_FORM, 4, vote_fields };

/* What the retry key of a form vote is sent with: its choices and code, in
 * the order the form gave them. */
static struct str
form_request(struct http_request *req, const struct vote_form *f)
{
	struct buf b = BUF_INIT;
	struct str out;
	int i;

	for (i = 0; i < f->ballot.choice_n; i++)
		buf_printf(&b, "%lld,", (long long)f->ballot.choices[i]);
	buf_add_c(&b, "|");
	buf_add(&b, f->code.p, f->code.n);
	out = buf_ok(&b) ? arena_str(&req->arena, (struct str){ b.p ? b.p : "", b.n }) :
	    (struct str){ "", 0 };
	buf_free(&b);
	return out;
}

static int
vote(struct http_request *req, struct http_response *res)
{
	bool embedded = is_embedded(req);
	const struct poll_viewer voted = { .staff = false, .has_voted = true };
	struct vote_form f = { { 0 }, STR_LIT(""), STR_LIT(""), STR_LIT("") };
	struct vote_extra x = { STR_LIT(""), "ballot-key", STR_LIT(""), STR_LIT("") };
	struct org o;
	struct poll *p;
	struct errors e;
	vote_reply_fn reply;

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0) {
		atomic_fetch_add(&req->app->metrics.votes_refused, 1);
		return render_poll(req, res, &o, p, 422, &e);
	}
	/* People never see the honeypot; a robot filling every field does. */
	if (str_trim(f.trap).n > 0) {
		atomic_fetch_add(&req->app->metrics.votes_refused, 1);
		errors_add(&e, VOTE_HONEYPOT_FIELD, "%s", N_("Your answer was not sent. Leave the "
		    "field called \"Leave this field empty\" empty, then try again"));
		return render_poll(req, res, &o, p, 422, &e);
	}
	/* After this vote the browser has voted: whether it may see the
	 * results then is known now. */
	if (embedded)
		reply = reply_to_embed;
	else if (poll_results_visible(p, &voted, req->now))
		reply = reply_to_results;
	else
		reply = reply_to_poll;
	x.code = str_trim(f.code);
	/* A form from before ballot keys, or a key not of our making: the
	 * vote counts, without the retry's protection. */
	if (vote_key_ok("ballot-key", f.key)) {
		x.key = f.key;
		x.request = form_request(req, &f);
	}
	return vote_cast(req, res, p, &f.ballot, &x, embedded, reply, vote_refused);
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
	struct poll_viewer v;
	struct org o;
	struct poll *p;
	json_t *ctx;
	char path[LOCATION_MAX];

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	v = public_viewer(req, p);
	if (!poll_results_visible(p, &v, req->now)) {
		bool after_vote = p->show_results == POLL_RESULTS_AFTER_VOTE;

		poll_path(&o, p, "", path, sizeof(path));
		res->status = 403;
		ctx = json_pack("{s:s, s:o, s:{s:o, s:s}, s:s, s:{s:s}}", "title",
		    tr(req, "Results are not available yet"), "site", pages_site(&o, NULL), "poll",
		    "question", pages_string(p->question), "page_url", path, "hidden", after_vote ?
		    tr(req, "You can see the results after you answer the poll.") :
		    tr(req, "Results will be shown when the poll closes."), "back_link", "href", path);
		if (ctx != NULL && !after_vote && p->closes_at != 0)
			json_object_set_new(ctx, "closes", pages_time(req, p->closes_at));
		if (ctx != NULL && after_vote && poll_is_open(p, req->now))
			json_object_set_new(ctx, "answer_link", json_true());
		return page_render(req, res, "poll_results", ctx);
	}
	ctx = results_context(req, &o, p);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href",
	    json_string_value(json_object_get(json_object_get(ctx, "poll"), "page_url"))));
	return page_render(req, res, "poll_results", ctx);
}

int
handle_poll_embed(struct http_request *req, struct http_response *res)
{
	struct poll_viewer v;
	struct org o;
	struct poll *p;
	bool closed;
	json_t *ctx;

	if (load_org_poll(req, res, &o, &p) != 0)
		return HTTP_DONE;
	v = public_viewer(req, p);
	closed = poll_status(p, req->now) == POLL_CLOSED;
	if (!((v.has_voted || closed) && poll_results_visible(p, &v, req->now)))
		return render_poll(req, res, &o, p, 200, NULL);
	ctx = results_context(req, &o, p);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	json_object_set_new(ctx, "thanks", json_boolean(v.has_voted && query_is(req, "voted", "1")));
	return pages_embed_render(req, res, "embed_results", ctx);
}

/* ---- the visitor's language --------------------------------------------- */

struct language_query {
	struct str next;
};

static const struct input_field language_fields[] = {
	{ "next", INPUT_TEXT, INPUT_QUERY, offsetof(struct language_query, next), 0, 0, 0,
	    NULL, N_("the page to go back to") },
};
const struct input_spec language_input = { INPUT_FORM, 1, language_fields };

/*
 * GET /language/{key}?next=/o/bury/polls/1: the link on every page that
 * chooses a language.  The choice is kept in a cookie set here and only
 * here (the cookies page lists it), then the visitor goes back to the page
 * they were on.  A plain link, not a form, so it works from a cached page
 * and without JavaScript; choosing a language changes nothing but the
 * visitor's own cookie, so it needs no CSRF token.
 */
int
handle_language(struct http_request *req, struct http_response *res)
{
	const struct i18n_lang *l = i18n_find(http_param(req, "key"));
	struct language_query q = { STR_LIT("") };
	struct errors e;
	char *to;

	if (l == NULL)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	errors_init(&e);
	input_read(req, &q, NULL, &e); /* text only: a bad `next` goes home */
	to = pages_local_path(q.next) ? arena_strdup(&req->arena, q.next) : NULL;
	http_response_cookie(res, I18N_COOKIE, l->code, "/", I18N_COOKIE_SECONDS,
	    req->app->cfg.secure_cookies, "Lax");
	res->no_store = true;
	http_response_redirect(res, 303, to ? to : "/");
	return HTTP_DONE;
}
