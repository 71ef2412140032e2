/*
 * handlers_outcomes_public.c - "You said, we did" on the organisation's
 * site: the list of published outcomes, each outcome's page, an Atom feed
 * of them, and a respondent asking to be told when an outcome of their
 * survey is published.
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/mail.h"
#include "involve/respond.h"
#include "involve/secret.h"
#include "involve/store_outbox.h"
#include "involve/store_outcome.h"
#include "involve/store_survey.h"
#include "involve/timefmt.h"
#include "handlers.h"
#include "pages.h"

#define OUTCOMES_LISTED 100

/* An outcome as the pages show it. */
static json_t *
outcome_value(struct http_request *req, const struct org *org, const struct outcome *o,
    bool full)
{
	json_t *links = json_array(), *v;
	char href[160];
	int i;

	for (i = 0; i < o->link_n; i++) {
		const struct outcome_link *l = &o->links[i];

		snprintf(href, sizeof(href), "/o/%s/%s/%lld", org->slug, l->kind == OUTCOME_LINK_POLL ?
		    "polls" : "surveys", (long long)l->id);
		json_array_append_new(links, json_pack("{s:o, s:s}", "title", pages_string(l->title),
		    "href", href));
	}
	snprintf(href, sizeof(href), "/o/%s/you-said-we-did/%lld", org->slug, (long long)o->id);
	v = json_pack("{s:o, s:o, s:s, s:o, s:o}", "title", pages_string(o->title), "decided_by",
	    pages_string(o->decided_by), "href", href, "published", pages_date(req, o->published_at),
	    "links", links);
	json_object_set_new(v, "decided_on", pages_string(o->decided_on));
	if (full) {
		json_object_set_new(v, "you_said_html", pages_markdown_json(o->you_said));
		json_object_set_new(v, "decision_html", pages_markdown_json(o->decision));
		if (o->what_changed.n > 0)
			json_object_set_new(v, "what_changed_html", pages_markdown_json(o->what_changed));
	}
	return v;
}

struct listing {
	struct http_request *req;
	const struct org *org;
	json_t *items;
	bool full;
};

static int
list_one(void *arg, const struct outcome *o)
{
	struct listing *l = arg;

	json_array_append_new(l->items, outcome_value(l->req, l->org, o, l->full));
	return 0;
}

int
handle_outcomes_page(struct http_request *req, struct http_response *res)
{
	struct listing l = { req, NULL, NULL, false };
	struct org o;
	int rc;

	if ((rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), &o)) != 0)
		return reply_error(req, res, rc, NULL);
	l.org = &o;
	l.items = json_array();
	rc = store_outcome_each(req->app->store, &req->arena, o.id, true, OUTCOMES_LISTED, list_one,
	    &l);
	if (rc != 0) {
		json_decref(l.items);
		return reply_error(req, res, rc, NULL);
	}
	return page_render(req, res, "outcomes", json_pack("{s:s, s:o, s:o, s:s}", "title",
	    tr(req, "You said, we did"), "site", pages_site(&o, NULL), "outcomes", l.items,
	    "org_name", o.name));
}

int
handle_outcome_page(struct http_request *req, struct http_response *res)
{
	struct outcome *out;
	struct org o;
	char back[96];
	int rc;

	rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), &o);
	if (rc == 0)
		rc = store_outcome_get(req->app->store, &req->arena, http_param_id(req, "id"), &out);
	if (rc == 0 && (out->org_id != o.id || out->published_at == 0))
		rc = ERR_NOTFOUND;
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	/* The list by its own address: "./" would be the list's with a slash, which is none. */
	snprintf(back, sizeof(back), "/o/%s/you-said-we-did", o.slug);
	return page_render(req, res, "outcome", json_pack("{s:o, s:o, s:o, s:{s:s}}", "title",
	    pages_string(out->title), "site", pages_site(&o, NULL), "outcome",
	    outcome_value(req, &o, out, true), "back_link", "href", back));
}

/* ---- the Atom feed (RFC 4287) -------------------------------------------------------------- */

static void
xml_text(struct buf *b, struct str s)
{
	/* HTML escaping is XML's too (&amp; &lt; &gt; &quot; &#39;). */
	buf_add_html(b, s);
}

static int
feed_one(void *arg, const struct outcome *o)
{
	struct listing *l = arg;
	struct buf *b = (struct buf *)(void *)l->items;
	char when[TIMEFMT_RFC3339_MAX];
	const char *base = l->req->app->cfg.public_url;

	if (timefmt_rfc3339(o->published_at, when) != 0)
		return 0;
	buf_add_c(b, "  <entry>\n    <title>");
	xml_text(b, o->title);
	buf_printf(b, "</title>\n    <id>%s/o/%s/you-said-we-did/%lld</id>\n", base, l->org->slug,
	    (long long)o->id);
	buf_printf(b, "    <link rel=\"alternate\" type=\"text/html\" "
	    "href=\"%s/o/%s/you-said-we-did/%lld\"/>\n", base, l->org->slug, (long long)o->id);
	buf_printf(b, "    <updated>%s</updated>\n    <published>%s</published>\n", when, when);
	buf_add_c(b, "    <summary type=\"text\">");
	xml_text(b, o->decision);
	buf_add_c(b, "</summary>\n  </entry>\n");
	return 0;
}

int
handle_outcomes_feed(struct http_request *req, struct http_response *res)
{
	struct listing l = { req, NULL, NULL, false };
	struct buf *b = &res->body;
	char when[TIMEFMT_RFC3339_MAX];
	struct org o;
	int rc;

	if ((rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), &o)) != 0)
		return reply_error(req, res, rc, NULL);
	l.org = &o;
	if (timefmt_rfc3339(req->now, when) != 0)
		when[0] = '\0';
	buf_add_c(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	xml_text(b, str_c(o.name));
	buf_add_c(b, ": ");
	xml_text(b, str_c(tr(req, "You said, we did")));
	buf_printf(b, "</title>\n  <id>%s/o/%s/you-said-we-did</id>\n", req->app->cfg.public_url,
	    o.slug);
	buf_printf(b, "  <link rel=\"self\" href=\"%s/o/%s/you-said-we-did.atom\"/>\n"
	    "  <link rel=\"alternate\" type=\"text/html\" href=\"%s/o/%s/you-said-we-did\"/>\n"
	    "  <updated>%s</updated>\n  <author><name>", req->app->cfg.public_url, o.slug,
	    req->app->cfg.public_url, o.slug, when);
	xml_text(b, str_c(o.name));
	buf_add_c(b, "</name></author>\n");
	/* The feed's buffer travels in the listing's items pointer. */
	l.items = (json_t *)(void *)b;
	rc = store_outcome_each(req->app->store, &req->arena, o.id, true, OUTCOMES_LISTED, feed_one,
	    &l);
	if (rc != 0) {
		buf_reset(b);
		return reply_error(req, res, rc, NULL);
	}
	buf_add_c(b, "</feed>\n");
	res->status = 200;
	res->content_type = "application/atom+xml; charset=utf-8";
	return HTTP_DONE;
}

/* ---- hearing back ---------------------------------------------------------------------------- */

struct hear_back_form {
	struct str email;
};

static const struct input_field hear_back_fields[] = {
	{ "email", INPUT_TEXT, INPUT_REQUIRED, offsetof(struct hear_back_form, email), 0, 0, 0,
	    NULL, N_("your email address") },
};
const struct input_spec survey_hear_back_input = { INPUT_FORM, 1, hear_back_fields };

int
handle_survey_hear_back(struct http_request *req, struct http_response *res)
{
	struct hear_back_form f = { { "", 0 } };
	unsigned char link[STORE_HASH_SIZE], sealed[MAIL_ADDRESS_MAX + SECRET_SEAL_OVERHEAD];
	struct survey_response *resp;
	struct survey *sv;
	struct str slug = http_param(req, "slug"), id = http_param(req, "id");
	struct str l = http_param(req, "link");
	char location[256];
	struct errors e;
	size_t n;
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), &sv);
	if (rc == 0 && !respond_link_hash(req, sv->id, l, link))
		rc = ERR_NOTFOUND;
	if (rc == 0)
		rc = store_response_by_link(req->app->store, &req->arena, sv->id, link, &resp);
	if (rc == 0 && resp->state != RESPONSE_SUBMITTED)
		rc = ERR_NOTFOUND;
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(location, sizeof(location), "/o/%.*s/surveys/%.*s/r/%.*s/done", (int)slug.n,
	    slug.p, (int)id.n, id.p, (int)l.n, l.p);
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	f.email = str_trim(f.email);
	if (!errors_any(&e))
		mail_address_check(f.email, "email", &e);
	/* Back to the page that asked, with what is wrong. */
	if (errors_any(&e))
		return handle_survey_done_with(req, res, &e, f.email);
	if (secret_seal(req->app->keys.mail, (const unsigned char *)f.email.p, f.email.n, sealed,
	    sizeof(sealed), &n) != 0)
		return reply_error(req, res, ERR_IO, NULL);
	if ((rc = store_hear_back_add(req->app->store, sv->id, sealed, n, req->now)) != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(location + strlen(location), sizeof(location) - strlen(location), "?hear_back=1");
	http_response_redirect(res, 303, location);
	return HTTP_DONE;
}

/* ---- the private link by email ------------------------------------------------------------- */

/*
 * A respondent who will come back later has their private link emailed to
 * them: the address goes sealed into the outbox and nowhere else, and the
 * message, link and all, is emptied once sent.
 */
int
handle_survey_email_link(struct http_request *req, struct http_response *res)
{
	struct hear_back_form f = { { "", 0 } };
	unsigned char link[STORE_HASH_SIZE], sealed[MAIL_ADDRESS_MAX + SECRET_SEAL_OVERHEAD];
	struct survey_response *resp;
	struct survey *sv;
	struct org o;
	struct str slug = http_param(req, "slug"), id = http_param(req, "id");
	struct str l = http_param(req, "link");
	struct buf subject = BUF_INIT, body = BUF_INIT;
	struct outbox_new m;
	char location[256];
	struct errors e;
	int64_t mid;
	size_t n;
	int rc;

	rc = store_org_get_by_slug(req->app->store, slug, &o);
	if (rc == 0)
		rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), &sv);
	if (rc == 0 && (sv->org_id != o.id || !respond_link_hash(req, sv->id, l, link)))
		rc = ERR_NOTFOUND;
	if (rc == 0)
		rc = store_response_by_link(req->app->store, &req->arena, sv->id, link, &resp);
	if (rc == 0 && resp->state != RESPONSE_PARTIAL)
		rc = ERR_NOTFOUND;
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(location, sizeof(location), "/o/%.*s/surveys/%.*s/r/%.*s", (int)slug.n, slug.p,
	    (int)id.n, id.p, (int)l.n, l.p);
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	f.email = str_trim(f.email);
	if (!errors_any(&e))
		mail_address_check(f.email, "email", &e);
	if (errors_any(&e)) {
		/* The page they were on, its form open with the address and what
		 * is wrong with it, as any form's error is shown. */
		errors_init_in(&e, req->lang);
		errors_add(&e, "resume-email", "%s", N_("Enter an email address in the correct "
		    "format, like name@example.com"));
		return handle_survey_email_refused(req, res, &e, f.email);
	}
	if (secret_seal(req->app->keys.mail, (const unsigned char *)f.email.p, f.email.n, sealed,
	    sizeof(sealed), &n) != 0)
		return reply_error(req, res, ERR_IO, NULL);
	buf_add_c(&subject, "Your link to carry on with: ");
	buf_add_str(&subject, (struct str){ sv->title.p, sv->title.n > 100 ? 100 : sv->title.n });
	buf_printf(&body, "Hello,\n\nYou asked us to email you the private link to your answers to "
	    "\"%.*s\". Use it to carry on, on any device:\n\n%s%s\n\nAnyone with this link can "
	    "see and change your answers, so do not share it. If you did not ask for this email, "
	    "you can ignore it.\n\n%s\n", (int)sv->title.n, sv->title.p, req->app->cfg.public_url,
	    location, o.name);
	m = (struct outbox_new){ o.id, STR_LIT("resume-link"), sealed, n,
	    { subject.p, subject.n }, { body.p, body.n }, req->now };
	rc = buf_ok(&subject) && buf_ok(&body) ? store_outbox_add(req->app->store, NULL, &m, &mid) :
	    ERR_NOMEM;
	buf_free(&subject);
	buf_free(&body);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(location + strlen(location), sizeof(location) - strlen(location),
	    "?emailed=1");
	http_response_redirect(res, 303, location);
	return HTTP_DONE;
}
