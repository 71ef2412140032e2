/*
 * handlers_survey_public.c - answering a survey on the organisation's
 * site, one page at a time, without JavaScript.
 *
 *   /o/{slug}/surveys/{id}                   the start page; "Start now" begins a response
 *   /o/{slug}/surveys/{id}/r/{link}          the response's private link: where it is up to
 *   /o/{slug}/surveys/{id}/r/{link}/p/{page} a page of questions
 *   /o/{slug}/surveys/{id}/r/{link}/check    check your answers, then submit
 *   /o/{slug}/surveys/{id}/r/{link}/done     submitted: what happens next
 *   /o/{slug}/surveys/{id}/r/{link}/withdraw take it back while the survey is open
 *
 * A response is begun on the server and kept there (store_response_save)
 * under a private link whose secret only the respondent holds (the store
 * keeps a keyed hash), so they can leave and come back from any device.
 * The link works until the response is submitted and, after that, to
 * withdraw it while the survey is open.  Each page is read, checked and
 * saved before the next is shown, and the next is the one the skip logic
 * names (survey_next_page).
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/survey_cache.h"
#include "involve/i18n.h"
#include "involve/onetime.h"
#include "involve/respond.h"
#include "involve/store_survey.h"
#include "involve/vote.h"
#include "handlers.h"
#include "pages.h"
#include "survey_form.h"

#define PATH_MAX_LEN 256

/* What every page of a response needs. */
struct ctx {
	struct org org;
	struct survey *sv;
	struct survey_def def;
	struct survey_response *resp;   /* NULL before one is begun */
	struct survey_answers ans;
	struct str link;
	unsigned char link_hash[STORE_HASH_SIZE];
	char base[128];                 /* /o/{slug}/surveys/{id} */
	char rbase[192];                /* .../r/{link} */
	/* What is wrong with the address given for emailing the link, and the
	 * address; none when the page is not the answer to that form. */
	const struct errors *email_errors;
	struct str email;
};

/* Loads the organisation, the survey (not a draft) and its definition. */
static int
load_survey(struct http_request *req, struct http_response *res, struct ctx *c)
{
	struct errors e;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), &c->org);
	if (rc == 0)
		rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), &c->sv);
	if (rc == 0 && (c->sv->org_id != c->org.id ||
	    survey_status(c->sv, req->now) == POLL_DRAFT))
		rc = ERR_NOTFOUND;
	errors_init_in(&e, req->lang);
	if (rc == 0 && survey_cache_def(req->app->surveys, &req->arena, c->sv, &c->def, &e) != 0)
		rc = ERR_IO;
	if (rc == 0)
		rc = survey_answers_init(&c->def, &req->arena, &c->ans);
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	snprintf(c->base, sizeof(c->base), "/o/%s/surveys/%lld", c->org.slug, (long long)c->sv->id);
	return 0;
}

/* ... and the response its {link} names, with its answers. */
static int
load_response(struct http_request *req, struct http_response *res, struct ctx *c)
{
	struct errors e;
	int rc;

	if (load_survey(req, res, c) != 0)
		return -1;
	c->link = http_param(req, "link");
	rc = respond_link_hash(req, c->sv->id, c->link, c->link_hash) ? 0 : ERR_NOTFOUND;
	if (rc == 0)
		rc = store_response_by_link(req->app->store, &req->arena, c->sv->id, c->link_hash,
		    &c->resp);
	if (rc == ERR_NOTFOUND) {
		page_error(req, res, 404, tr(req, "This link does not work"), tr(req, "The link "
		    "may be mistyped, or the response it led to has been withdrawn. Check the link, "
		    "or start the survey again."));
		return -1;
	}
	errors_init_in(&e, req->lang);
	if (rc == 0 && c->resp->answers.n > 0 &&
	    survey_answers_parse(&c->def, c->resp->answers, &req->arena, &c->ans, &e) == ERR_NOMEM)
		rc = ERR_NOMEM;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	snprintf(c->rbase, sizeof(c->rbase), "%s/r/%.*s", c->base, (int)c->link.n, c->link.p);
	/* The link is a secret: never cached.  Other sites see only this
	 * site's origin as the referrer (every reply's strict-origin-when-
	 * cross-origin), never the link. */
	res->no_store = true;
	return 0;
}

static int
redirect(struct http_response *res, const char *base, const char *suffix)
{
	char location[PATH_MAX_LEN];

	/* base is at most a response's path (rbase), suffix a few bytes. */
	if (snprintf(location, sizeof(location), "%s%s", base, suffix) >= (int)sizeof(location))
		location[0] = '/', location[1] = '\0';
	http_response_redirect(res, 303, location);
	return HTTP_DONE;
}

/* The survey's name and state for every page of it. */
static json_t *
survey_value(struct http_request *req, const struct ctx *c)
{
	enum poll_status st = survey_status(c->sv, req->now);
	json_t *o = json_pack("{s:o, s:s, s:b, s:b}", "title", pages_string(c->sv->title), "url",
	    c->base, "open", st == POLL_OPEN, "closed", st == POLL_CLOSED);

	if (c->sv->closes_at != 0)
		json_object_set_new(o, "closes", pages_time(req, c->sv->closes_at));
	if (st == POLL_SCHEDULED)
		json_object_set_new(o, "opens", pages_time(req, c->sv->opens_at));
	json_object_set_new(o, "pages", json_integer(c->def.page_n));
	{
		char said[128];

		snprintf(said, sizeof(said), trn(req, "This survey has %d page of questions.",
		    "This survey has %d pages of questions.", (unsigned long)c->def.page_n),
		    c->def.page_n);
		json_object_set_new(o, "pages_text", json_string(said));
	}
	return o;
}

/* The form that emails the link (partials/survey_resume.html) opened, with
 * its error in the page's error summary, when c->email_errors says one. */
static void
email_refused(struct http_request *req, const struct ctx *c, json_t *ctx)
{
	if (c->email_errors == NULL || !errors_any(c->email_errors))
		return;
	page_add_errors(req, ctx, c->email_errors);
	json_object_set_new(ctx, "email_value", pages_string(c->email));
	json_object_set_new(ctx, "email_open", json_true());
	pages_copy_error(ctx, json_object_get(ctx, "errors"), "resume-email", "email_error");
}

static json_t *
page_ctx(struct http_request *req, const struct ctx *c, const char *title)
{
	json_t *ctx = json_pack("{s:s, s:o, s:o}", "title", title, "site", pages_site(&c->org, NULL),
	    "survey", survey_value(req, c));

	if (c->rbase[0] != '\0') {
		char url[PATH_MAX_LEN + 256];
		struct str v;

		snprintf(url, sizeof(url), "%s%s", req->app->cfg.public_url, c->rbase);
		json_object_set_new(ctx, "resume_url", json_string(url));
		json_object_set_new(ctx, "rbase", json_string(c->rbase));
		json_object_set_new(ctx, "emailed", json_boolean(http_query(req, "emailed", &v) &&
		    str_eq_c(v, "1")));
	}
	return ctx;
}

/* ---- the start page ------------------------------------------------------------------------ */

int
handle_survey_start_page(struct http_request *req, struct http_response *res)
{
	char title[SURVEY_TITLE_MAX_CHARS * 4 + 1];
	struct str given;
	struct ctx c;
	json_t *ctx;
	int rc;

	if (load_survey(req, res, &c) != 0)
		return HTTP_DONE;
	snprintf(title, sizeof(title), "%.*s", (int)c.sv->title.n, c.sv->title.p);
	ctx = page_ctx(req, &c, title);
	json_object_set_new(ctx, "with_code", json_boolean(c.sv->who == POLL_WHO_CODE));
	/* An invitation's link (its QR code) fills the code in. */
	if (c.sv->who == POLL_WHO_CODE && http_query(req, "code", &given) && given.n <= 64)
		json_object_set_new(ctx, "code_value", pages_string(given));
	json_object_set_new(ctx, "honeypot_id", json_string(VOTE_HONEYPOT_FIELD));
	/* A consultation shows its lifecycle and documents too. */
	if (c.sv->kind == SURVEY_KIND_CONSULTATION &&
	    (rc = consultation_start_context(req, &c.org, c.sv, ctx)) != 0) {
		json_decref(ctx);
		return reply_error(req, res, rc, NULL);
	}
	return page_render(req, res, "survey_start", ctx);
}

/* The start page again, with what is wrong with the code given. */
static int
start_refused(struct http_request *req, struct http_response *res, struct ctx *c,
    const char *message, struct str typed)
{
	char title[SURVEY_TITLE_MAX_CHARS * 4 + 1];
	struct errors e;
	json_t *ctx;

	errors_init_in(&e, req->lang);
	errors_add(&e, "code", "%s", message);
	snprintf(title, sizeof(title), "%.*s", (int)c->sv->title.n, c->sv->title.p);
	ctx = page_ctx(req, c, title);
	json_object_set_new(ctx, "with_code", json_true());
	json_object_set_new(ctx, "code_value", pages_string(typed.n <= 64 ? typed :
	    (struct str){ "", 0 }));
	json_object_set_new(ctx, "honeypot_id", json_string(VOTE_HONEYPOT_FIELD));
	page_add_errors(req, ctx, &e);
	pages_copy_error(ctx, json_object_get(ctx, "errors"), "code", "code_error");
	res->status = 422;
	return page_render(req, res, "survey_start", ctx);
}

/*
 * A survey answered with a code: the code begins the respondent's response
 * under a new private link, or leads back to the one it began while it is
 * unfinished (store_survey_code_start).
 */
static int
start_with_code(struct http_request *req, struct http_response *res, struct ctx *c)
{
	char link[RESPOND_LINK_LEN + 1], suffix[RESPOND_LINK_LEN + 8], norm[ONETIME_CODE_MAX];
	unsigned char code[ONETIME_HASH_BYTES];
	struct str typed = { "", 0 };
	int64_t id;
	size_t n;
	int rc;

	http_form(req, "code", &typed);
	typed = str_trim(typed);
	if (onetime_code_normalise(typed.p ? typed.p : "", typed.n, norm, sizeof(norm), &n) != 0 ||
	    n != ONETIME_POLL_CODE_CHARS)
		return start_refused(req, res, c, N_("Enter the code as it is printed on your "
		    "invitation, like abcd-efgh-jk"), typed);
	onetime_code_hash(req->app->keys.token, "survey-code", c->sv->id, norm, n, code);
	respond_link_new(link);
	if (!respond_link_hash(req, c->sv->id, str_c(link), c->link_hash))
		return reply_error(req, res, ERR_IO, NULL);
	rc = store_survey_code_start(req->app->store, c->sv->id, code, c->link_hash, req->now, &id);
	if (rc == ERR_CODE_SPENT)
		return start_refused(req, res, c, N_("This code does not work. Check it against your "
		    "invitation: a code that has been used to send a response cannot be used again"),
		    typed);
	if (rc == ERR_CONFLICT)
		return redirect(res, c->base, "");
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(suffix, sizeof(suffix), "/r/%s", link);
	return redirect(res, c->base, suffix);
}

int
handle_survey_start(struct http_request *req, struct http_response *res)
{
	unsigned char respondent[STORE_HASH_SIZE];
	char link[RESPOND_LINK_LEN + 1], suffix[RESPOND_LINK_LEN + 8];
	struct str trap;
	struct ctx c;
	int64_t id;
	int rc;

	if (load_survey(req, res, &c) != 0)
		return HTTP_DONE;
	if (http_form(req, VOTE_HONEYPOT_FIELD, &trap) && trap.n > 0)
		return reply_error(req, res, ERR_INVALID, NULL);
	if (!survey_is_open(c.sv, req->now))
		return redirect(res, c.base, "");
	if (c.sv->who == POLL_WHO_CODE)
		return start_with_code(req, res, &c);
	respond_link_new(link);
	if (!respond_link_hash(req, c.sv->id, str_c(link), c.link_hash))
		return reply_error(req, res, ERR_IO, NULL);
	respond_respondent(req, res, c.sv->id, true, respondent);
	rc = store_response_save(req->app->store, c.sv->id, c.sv->version, c.link_hash, respondent,
	    STR_LIT(""), c.def.pages[0].key, req->now, &id);
	if (rc == ERR_DUPLICATE)
		return page_error(req, res, 409, tr(req, "You have already answered this survey"),
		    tr(req, "Thank you: a response from this browser has been submitted."));
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(suffix, sizeof(suffix), "/r/%s", link);
	return redirect(res, c.base, suffix);
}

/* ---- where a response is up to --------------------------------------------------------------- */

int
handle_survey_resume(struct http_request *req, struct http_response *res)
{
	struct str flag;
	char suffix[48];
	struct ctx c;
	int page;

	if (load_response(req, res, &c) != 0)
		return HTTP_DONE;
	if (c.resp->state != RESPONSE_PARTIAL)
		return redirect(res, c.rbase, "/done");
	if (str_eq_c(c.resp->page, "check"))
		return redirect(res, c.rbase, "/check");
	page = survey_page_index(&c.def, c.resp->page);
	/* Back from emailing the link: the page says it was sent. */
	snprintf(suffix, sizeof(suffix), "/p/%d%s", page < 0 ? 1 : page + 1,
	    http_query(req, "emailed", &flag) && str_eq_c(flag, "1") ? "?emailed=1" : "");
	return redirect(res, c.rbase, suffix);
}

/* Whether page index `page` is on the path of the answers so far. */
static bool
on_path(const struct ctx *c, int page)
{
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n, i;

	survey_path(&c->def, &c->ans, on, pages, &n);
	for (i = 0; i < n; i++)
		if (pages[i] == page)
			return true;
	return false;
}

/* The page before `page` on the path, as a link; "" for the first. */
static void
back_href(const struct ctx *c, int page, char *out, size_t size)
{
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n, i;

	survey_path(&c->def, &c->ans, on, pages, &n);
	out[0] = '\0';
	for (i = 1; i < n; i++)
		if (pages[i] == page) {
			snprintf(out, size, "%s/p/%d", c->rbase, pages[i - 1] + 1);
			return;
		}
	if (page == 0)
		snprintf(out, size, "%s", c->base);
}

static int
render_page(struct http_request *req, struct http_response *res, struct ctx *c, int page,
    const struct errors *e, int status)
{
	const struct survey_page *p = &c->def.pages[page];
	char title[512], back[PATH_MAX_LEN + 16], action[PATH_MAX_LEN + 16];
	json_t *ctx, *errors = NULL;

	if (p->title.n > 0)
		snprintf(title, sizeof(title), "%.*s", (int)p->title.n, p->title.p);
	else
		snprintf(title, sizeof(title), "%.*s", (int)c->sv->title.n, c->sv->title.p);
	ctx = page_ctx(req, c, title);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
	}
	json_object_set_new(ctx, "page_title", pages_string(p->title));
	json_object_set_new(ctx, "page_number", json_integer(page + 1));
	json_object_set_new(ctx, "questions", survey_form_questions(req, &c->def, page, &c->ans,
	    errors, e != NULL));
	snprintf(action, sizeof(action), "%s/p/%d", c->rbase, page + 1);
	json_object_set_new(ctx, "action", json_string(action));
	back_href(c, page, back, sizeof(back));
	if (back[0] != '\0')
		json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href", back));
	json_object_set_new(ctx, "honeypot_id", json_string(VOTE_HONEYPOT_FIELD));
	email_refused(req, c, ctx);
	res->status = status;
	return page_render(req, res, "survey_page", ctx);
}

/* The response its {link} names (load_response), one still being answered:
 * 0, or -1 with res filled.  A response that can no longer be changed goes
 * to its last page. */
static int
load_partial(struct http_request *req, struct http_response *res, struct ctx *c)
{
	if (load_response(req, res, c) != 0)
		return -1;
	if (c->resp->state != RESPONSE_PARTIAL) {
		redirect(res, c->rbase, "/done");
		return -1;
	}
	if (!survey_is_open(c->sv, req->now)) {
		page_error(req, res, 409, tr(req, "This survey has closed"),
		    tr(req, "Answers can no longer be given or changed. Thank you for your interest."));
		return -1;
	}
	return 0;
}

int
handle_survey_page(struct http_request *req, struct http_response *res)
{
	struct ctx c;
	int page;

	if (load_partial(req, res, &c) != 0)
		return HTTP_DONE;
	page = (int)http_param_id(req, "page") - 1;
	if (page < 0 || page >= c.def.page_n || !on_path(&c, page))
		return handle_survey_resume(req, res);
	return render_page(req, res, &c, page, NULL, 200);
}

int
handle_survey_page_save(struct http_request *req, struct http_response *res)
{
	struct buf text = BUF_INIT;
	struct errors e;
	char suffix[32];
	struct ctx c;
	int page, next, rc;
	int64_t id;
	struct str trap;

	if (load_partial(req, res, &c) != 0)
		return HTTP_DONE;
	if (http_form(req, VOTE_HONEYPOT_FIELD, &trap) && trap.n > 0)
		return reply_error(req, res, ERR_INVALID, NULL);
	page = (int)http_param_id(req, "page") - 1;
	if (page < 0 || page >= c.def.page_n || !on_path(&c, page))
		return handle_survey_resume(req, res);
	errors_init_in(&e, req->lang);
	rc = survey_form_read(req, &c.def, page, &c.ans, &e);
	if (rc == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (rc != 0)
		return render_page(req, res, &c, page, &e, 422);
	/* An answer that changed the path may leave answers off it. */
	survey_answers_prune(&c.def, &c.ans);
	next = survey_next_page(&c.def, page, &c.ans);
	survey_answers_write(&c.def, &c.ans, &text);
	if (!buf_ok(&text)) {
		buf_free(&text);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	rc = store_response_save(req->app->store, c.sv->id, c.sv->version, c.link_hash, NULL,
	    (struct str){ text.p, text.n }, next == SURVEY_END ? STR_LIT("check") :
	    c.def.pages[next].key, req->now, &id);
	buf_free(&text);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	if (next == SURVEY_END)
		return redirect(res, c.rbase, "/check");
	snprintf(suffix, sizeof(suffix), "/p/%d", next + 1);
	return redirect(res, c.rbase, suffix);
}

/* ---- check your answers, and submit ---------------------------------------------------------- */

static int
render_check(struct http_request *req, struct http_response *res, struct ctx *c,
    const struct errors *e, int status)
{
	char base[PATH_MAX_LEN + 8], back[PATH_MAX_LEN + 16];
	bool on[SURVEY_QUESTIONS_MAX];
	int pages[SURVEY_PAGES_MAX], n;
	json_t *ctx = page_ctx(req, c, tr(req, "Check your answers before sending them"));

	/* An error names a question: its row on this page has its key as
	 * id, and the row's "Change" link leads to the question. */
	if (e != NULL && errors_any(e))
		page_add_errors(req, ctx, e);
	snprintf(base, sizeof(base), "%s/p/", c->rbase);
	json_object_set_new(ctx, "rows", survey_form_summary(req, &c->def, &c->ans, base));
	snprintf(base, sizeof(base), "%s/check", c->rbase);
	json_object_set_new(ctx, "action", json_string(base));
	survey_path(&c->def, &c->ans, on, pages, &n);
	snprintf(back, sizeof(back), "%s/p/%d", c->rbase, n > 0 ? pages[n - 1] + 1 : 1);
	json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href", back));
	json_object_set_new(ctx, "honeypot_id", json_string(VOTE_HONEYPOT_FIELD));
	email_refused(req, c, ctx);
	res->status = status;
	return page_render(req, res, "survey_check", ctx);
}

int
handle_survey_email_refused(struct http_request *req, struct http_response *res,
    const struct errors *e, struct str email)
{
	struct ctx c;
	int page;

	if (load_partial(req, res, &c) != 0)
		return HTTP_DONE;
	c.email_errors = e;
	c.email = email;
	if (str_eq_c(c.resp->page, "check"))
		return render_check(req, res, &c, NULL, 422);
	page = survey_page_index(&c.def, c.resp->page);
	return render_page(req, res, &c, page < 0 ? 0 : page, NULL, 422);
}

int
handle_survey_check(struct http_request *req, struct http_response *res)
{
	struct ctx c;

	if (load_partial(req, res, &c) != 0)
		return HTTP_DONE;
	return render_check(req, res, &c, NULL, 200);
}

static void
submitted(struct http_request *req, struct http_response *res, int rc, int64_t id,
    const struct errors *e)
{
	struct str slug = http_param(req, "slug"), sid = http_param(req, "id");
	struct str link = http_param(req, "link");
	char location[PATH_MAX_LEN + 64];

	(void)id;
	if (e != NULL) {
		/* The survey changed as the answers were sent: checking them
		 * again shows what the new version asks. */
		snprintf(location, sizeof(location), "/o/%.*s/surveys/%.*s/r/%.*s/check", (int)slug.n,
		    slug.p, (int)sid.n, sid.p, (int)link.n, link.p);
		http_response_redirect(res, 303, location);
		return;
	}
	switch (rc) {
	case 0:
		snprintf(location, sizeof(location), "/o/%.*s/surveys/%.*s/r/%.*s/done", (int)slug.n,
		    slug.p, (int)sid.n, sid.p, (int)link.n, link.p);
		http_response_redirect(res, 303, location);
		break;
	case ERR_DUPLICATE:
		page_error(req, res, 409, tr(req, "You have already answered this survey"),
		    tr(req, "Thank you: a response from this browser has been submitted."));
		break;
	case ERR_CONFLICT:
		page_error(req, res, 409, tr(req, "This survey has closed"),
		    tr(req, "Answers can no longer be given or changed. Thank you for your "
		    "interest."));
		break;
	default:
		reply_error(req, res, rc, NULL);
	}
}

int
handle_survey_submit(struct http_request *req, struct http_response *res)
{
	struct respond_args args = { 0 };
	struct errors e;
	struct ctx c;

	if (load_partial(req, res, &c) != 0)
		return HTTP_DONE;
	/* Answers saved under an earlier version may be to questions the
	 * survey's path, as it now is, passes over: the check page showed
	 * them as not asked, and they are not sent.  What still fits goes;
	 * a question the new path asks and nobody answered is refused below,
	 * with a link to it. */
	survey_answers_prune(&c.def, &c.ans);
	errors_init_in(&e, req->lang);
	if (survey_answers_check(&c.def, &c.ans, -1, &e) != 0)
		return render_check(req, res, &c, &e, 422);
	args.sv = c.sv;
	args.def = &c.def;
	args.ans = &c.ans;
	args.channel = SURVEY_ONLINE;
	args.link = c.link_hash;
	/* With a code, the code is the limit: one response each. */
	args.one_per_browser = c.sv->who != POLL_WHO_CODE;
	/* load_response set these for the pages; the redirect needs none. */
	return respond_submit(req, res, &args, submitted);
}

/* ---- after submitting ---------------------------------------------------------------------- */

int
handle_survey_done_with(struct http_request *req, struct http_response *res,
    const struct errors *e, struct str email)
{
	struct ctx c;
	json_t *ctx;
	struct str v;

	if (load_response(req, res, &c) != 0)
		return HTTP_DONE;
	if (c.resp->state == RESPONSE_PARTIAL)
		return handle_survey_resume(req, res);
	ctx = page_ctx(req, &c, c.resp->state == RESPONSE_WITHDRAWN ?
	    tr(req, "Your response has been withdrawn") : tr(req, "Your response has been sent"));
	json_object_set_new(ctx, "withdrawn", json_boolean(c.resp->state == RESPONSE_WITHDRAWN));
	json_object_set_new(ctx, "may_withdraw", json_boolean(c.resp->state == RESPONSE_SUBMITTED &&
	    survey_is_open(c.sv, req->now)));
	json_object_set_new(ctx, "hear_back", json_boolean(c.resp->state == RESPONSE_SUBMITTED));
	json_object_set_new(ctx, "hear_back_done", json_boolean(http_query(req, "hear_back", &v) &&
	    str_eq_c(v, "1")));
	json_object_set_new(ctx, "email", pages_string(email));
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "email", "email_error");
		res->status = 422;
	}
	return page_render(req, res, "survey_done", ctx);
}

int
handle_survey_done(struct http_request *req, struct http_response *res)
{
	return handle_survey_done_with(req, res, NULL, STR_LIT(""));
}

int
handle_survey_withdraw_form(struct http_request *req, struct http_response *res)
{
	struct ctx c;
	json_t *ctx;

	if (load_response(req, res, &c) != 0)
		return HTTP_DONE;
	if (c.resp->state != RESPONSE_SUBMITTED || !survey_is_open(c.sv, req->now))
		return redirect(res, c.rbase, "/done");
	ctx = page_ctx(req, &c, tr(req, "Are you sure you want to withdraw your response?"));
	json_object_set_new(ctx, "back_link", json_pack("{s:s}", "href", c.rbase));
	return page_render(req, res, "survey_withdraw", ctx);
}

int
handle_survey_withdraw(struct http_request *req, struct http_response *res)
{
	struct survey_tally_item *items;
	struct ctx c;
	int n, rc;

	if (load_response(req, res, &c) != 0)
		return HTTP_DONE;
	if (c.resp->state != RESPONSE_SUBMITTED)
		return redirect(res, c.rbase, "/done");
	/* The counts it added are taken away with it. */
	if ((rc = respond_tally(&req->arena, &c.def, &c.ans, &items, &n)) != 0)
		return reply_error(req, res, rc, NULL);
	rc = store_response_withdraw(req->app->store, c.sv->id, c.link_hash, items, n, req->now);
	if (rc == ERR_CONFLICT)
		return page_error(req, res, 409, tr(req, "This survey has closed"),
		    tr(req, "A response can be withdrawn only while the survey is open."));
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	return redirect(res, c.rbase, "/done");
}
