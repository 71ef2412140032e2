/*
 * handlers_have_your_say.c - an organisation's "Have your say" page: the
 * polls, surveys and consultations open now, and those that have closed
 * with a link to their results, a consultation's stage and the outcomes
 * published of each ("You said, we did"); and a closed survey's published
 * results.
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/store_consultation.h"
#include "involve/store_outcome.h"
#include "involve/store_survey.h"
#include "handlers.h"
#include "pages.h"
#include "survey_charts.h"
#include "survey_report.h"

/* How many of each kind the page looks through, newest first. */
#define HAVE_YOUR_SAY_SCAN 100

struct listing {
	const struct http_request *req;
	const struct org *org;
	json_t *open, *closed;
};

/* An engagement as the page lists it; returns the item (NULL when it is
 * not listed), which the page's arrays own. */
static json_t *
add_item(struct listing *l, enum poll_status st, struct str title, const char *kind,
    const char *href, const char *results_href, int64_t closes_at, int64_t closed_at)
{
	json_t *item;

	if (st != POLL_OPEN && st != POLL_CLOSED)
		return NULL;
	item = json_pack("{s:o, s:s, s:s}", "title", pages_string(title), "kind", kind, "href",
	    href);
	if (st == POLL_OPEN) {
		if (closes_at != 0)
			json_object_set_new(item, "closes", pages_time(l->req, closes_at));
		json_array_append_new(l->open, item);
		return item;
	}
	json_object_set_new(item, "results_href", json_string(results_href));
	json_object_set_new(item, "closed", pages_date(l->req, closed_at));
	json_array_append_new(l->closed, item);
	return item;
}

struct outcome_list {
	const struct org *org;
	json_t *items;
};

static int outcome_one(void *arg, const struct outcome *o);

static int
poll_one(void *arg, const struct poll *p)
{
	struct listing *l = arg;
	char href[160], results[176];

	snprintf(href, sizeof(href), "/o/%s/polls/%lld", l->org->slug, (long long)p->id);
	snprintf(results, sizeof(results), "%s/results", href);
	add_item(l, poll_status(p, l->req->now), p->question, tr(l->req, "Poll"), href, results,
	    p->closes_at, p->closed_at ? p->closed_at : p->closes_at);
	return 0;
}

static int
survey_one(void *arg, const struct survey *sv)
{
	struct listing *l = arg;
	char href[160], results[176];

	snprintf(href, sizeof(href), "/o/%s/surveys/%lld", l->org->slug, (long long)sv->id);
	snprintf(results, sizeof(results), "%s/results", href);
	enum poll_status st = survey_status(sv, l->req->now);
	bool consultation = sv->kind == SURVEY_KIND_CONSULTATION;
	struct outcome_list outcomes = { l->org, NULL };
	struct consultation k;
	json_t *item;
	int rc;

	item = add_item(l, st, sv->title, consultation ? tr(l->req, "Consultation") :
	    tr(l->req, "Survey"), href, results, sv->closes_at,
	    sv->closed_at ? sv->closed_at : sv->closes_at);
	if (item == NULL || st != POLL_CLOSED)
		return 0;
	/* Closed: where a consultation is up to (its page, with its documents
	 * and lifecycle, stays worth reading), and what was decided. */
	if (consultation) {
		json_object_set_new(item, "about_href", json_string(href));
		if ((rc = store_consultation_get(l->req->app->store, &((struct http_request *)
		    l->req)->arena, sv->id, &k)) != 0)
			return rc;
		json_object_set_new(item, "stage", json_string(tr(l->req,
		    consultation_state_label(consultation_state(sv, k.stage, l->req->now)))));
	}
	outcomes.items = json_array();
	json_object_set_new(item, "outcomes", outcomes.items);
	return store_outcomes_of(l->req->app->store, &((struct http_request *)l->req)->arena,
	    OUTCOME_LINK_SURVEY, sv->id, outcome_one, &outcomes);
}

int
handle_have_your_say(struct http_request *req, struct http_response *res)
{
	struct listing l = { req, NULL, NULL, NULL };
	struct org o;
	json_t *ctx;
	int rc;

	if ((rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), &o)) != 0)
		return reply_error(req, res, rc, NULL);
	l.org = &o;
	l.open = json_array();
	l.closed = json_array();
	rc = store_survey_each(req->app->store, &req->arena, o.id, 0, HAVE_YOUR_SAY_SCAN,
	    survey_one, &l);
	if (rc == 0)
		rc = store_poll_each(req->app->store, &req->arena, o.id, 0, HAVE_YOUR_SAY_SCAN,
		    poll_one, &l);
	if (rc != 0) {
		json_decref(l.open);
		json_decref(l.closed);
		return reply_error(req, res, rc, NULL);
	}
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:s}", "title", tr(req, "Have your say"), "site",
	    pages_site(&o, NULL), "open", l.open, "closed", l.closed, "org_name", o.name);
	return page_render(req, res, "have_your_say", ctx);
}

static int
outcome_one(void *arg, const struct outcome *o)
{
	struct outcome_list *l = arg;
	char href[160];

	snprintf(href, sizeof(href), "/o/%s/you-said-we-did/%lld", l->org->slug, (long long)o->id);
	json_array_append_new(l->items, json_pack("{s:o, s:s}", "title", pages_string(o->title),
	    "href", href));
	return 0;
}

/*
 * The organisation and the closed survey whose results are published, or
 * -1 with the refusal in res: 404 for none (or a draft), 403 while it is
 * open.
 */
static int
load_published(struct http_request *req, struct http_response *res, struct org *o,
    struct survey **sv, struct survey_def *d)
{
	struct errors e;
	int rc;

	rc = store_org_get_by_slug(req->app->store, http_param(req, "slug"), o);
	if (rc == 0)
		rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), sv);
	if (rc == 0 && ((*sv)->org_id != o->id || survey_status(*sv, req->now) == POLL_DRAFT))
		rc = ERR_NOTFOUND;
	errors_init_in(&e, req->lang);
	if (rc == 0 && survey_def_parse((*sv)->definition, &req->arena, d, &e) != 0)
		rc = ERR_IO;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	if (survey_status(*sv, req->now) != POLL_CLOSED) {
		page_error(req, res, 403, tr(req, "The results are not published yet"),
		    tr(req, "The results are published here when the survey closes."));
		return -1;
	}
	return 0;
}

/* The published results as open data: the same figures, the same hidden. */
int
handle_survey_results_csv(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct survey_def d;
	struct org o;

	if (load_published(req, res, &o, &sv, &d) != 0)
		return HTTP_DONE;
	return survey_report_open_data(req, res, sv, &d, o.suppress_below);
}

int
handle_survey_results_page(struct http_request *req, struct http_response *res)
{
	struct survey *sv;
	struct survey_def d;
	struct org o;
	char when[PAGES_WHEN_MAX], closed[256], download[128];
	struct outcome_list outcomes;
	json_t *ctx, *report;
	int rc;

	if (load_published(req, res, &o, &sv, &d) != 0)
		return HTTP_DONE;
	/* The public always sees the suppressed figures, whoever they are. */
	if ((report = survey_charts(req, sv, &d, o.suppress_below, &rc)) == NULL)
		return reply_error(req, res, rc ? rc : ERR_NOMEM, NULL);
	if (pages_when(req, sv->closed_at ? sv->closed_at : sv->closes_at, when, sizeof(when)) == 0)
		snprintf(closed, sizeof(closed), tr(req, "This survey closed on %s."), when);
	else
		snprintf(closed, sizeof(closed), "%s", tr(req, "This survey has closed."));
	outcomes.org = &o;
	outcomes.items = json_array();
	if ((rc = store_outcomes_of(req->app->store, &req->arena, OUTCOME_LINK_SURVEY, sv->id,
	    outcome_one, &outcomes)) != 0) {
		json_decref(outcomes.items);
		json_decref(report);
		return reply_error(req, res, rc, NULL);
	}
	snprintf(download, sizeof(download), "/o/%s/surveys/%lld/results.csv", o.slug,
	    (long long)sv->id);
	ctx = json_pack("{s:o, s:o, s:{s:o}, s:s, s:b, s:o, s:o, s:s}", "title",
	    pages_string(sv->title), "site", pages_site(&o, NULL), "survey", "title",
	    pages_string(sv->title), "closed_text", closed, "indicative", sv->who == POLL_WHO_ANYONE,
	    "report", report, "outcomes", outcomes.items, "download_href", download);
	return page_render(req, res, "survey_results", ctx);
}
