/*
 * handlers_staff_survey_responses.c - a survey's responses and results in
 * the staff pages: keying in a response that came on paper, by phone or at
 * an event; the list of those staff keyed in or imported from a file, each
 * of which they may correct (survey_response_correctable: a respondent's
 * own answers online they may not); the results as
 * tables; and the downloads the API gives too.
 *
 * Keying in shows the whole survey on one page (survey_form.h): a paper
 * questionnaire showed every question.  The skip logic applies when it is
 * sent, as for the API: an answer to a question the path passed over is
 * refused, with why.  The response is submitted as any other is
 * (respond_submit), with its channel and the member of staff who keyed it
 * in, and no limit of one per browser.  A correction replaces the answers
 * and the counts they added (store_response_correct), and the store
 * audits it with both versions.
 *
 * The results are read from the counts the store keeps and laid out as
 * the API lays them out (survey_report.h); this page only writes them as
 * tables, one per question, so that a chart can be put beside each later.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/survey_cache.h"
#include "involve/suppress.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "involve/respond.h"
#include "handlers.h"
#include "pages.h"
#include "survey_edit.h"
#include "survey_form.h"
#include "survey_charts.h"
#include "survey_report.h"

#define PATH_MAX_LEN 256
#define STAFF_RESPONSES_PAGE 50   /* keyed-in responses on one page of the list */

/* The channels staff key responses in from, in the form's order. */
static const char *const channel_names[] = { "paper", "phone", "event", NULL };
static const enum survey_channel channels[] = { SURVEY_PAPER, SURVEY_PHONE, SURVEY_EVENT };
static const char *const channel_labels[] = { N_("On paper"), N_("By phone"),
	N_("At an event") };
#define CHANNEL_N 3

static const char *
channel_label(const struct http_request *req, enum survey_channel c)
{
	int i;

	for (i = 0; i < CHANNEL_N; i++)
		if (channels[i] == c)
			return tr(req, channel_labels[i]);
	return tr(req, "Online");
}

/* Survey {id} of the signed-in user's organisation with its definition;
 * 0, or -1 with res filled. */
static int
load_survey(struct http_request *req, struct http_response *res, struct survey **sv,
    struct survey_def *d)
{
	struct errors e;
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), sv);
	if (rc == 0 && (*sv)->org_id != pages_staff(req)->user.org_id)
		rc = ERR_NOTFOUND;
	errors_init_in(&e, req->lang);
	if (rc == 0 && (rc = survey_cache_def(req->app->surveys, &req->arena, *sv, d, &e)) != 0)
		rc = rc == ERR_NOMEM ? rc : ERR_IO;
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

static void
survey_href(char *out, size_t size, const struct survey *sv, const char *suffix)
{
	snprintf(out, size, "/staff/surveys/%lld%s", (long long)sv->id, suffix);
}

/* ---- the response form: keying in and correcting -------------------------------------------- */

struct entry_form {
	int channel; /* an index of channel_names */
};

/* The channel's field, named so that no question's can be: a key starts
 * with a letter (survey.h), and the answers' fields are named by keys. */
#define CHANNEL_FIELD "_channel"

static const struct input_field entry_fields[] = {
	{ CHANNEL_FIELD, INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct entry_form, channel), 0, 0,
	    0, channel_names, N_("how the response came") },
};
const struct input_spec staff_survey_response_input = { INPUT_FORM, 1, entry_fields };

/*
 * The form: the whole survey with ans's answers (from the form sent when
 * from_form), and for a new response (resp NULL) the channel radios.
 */
static int
response_page(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const struct survey_def *d, const struct survey_response *resp,
    const struct survey_answers *ans, int channel, const struct errors *e, bool from_form)
{
	struct auth *a = pages_staff(req);
	char action[PATH_MAX_LEN], back[PATH_MAX_LEN], heading[96];
	json_t *ctx, *errors = NULL, *list;
	int i;

	survey_href(back, sizeof(back), sv, "/responses");
	if (resp != NULL) {
		snprintf(heading, sizeof(heading), tr(req, "Correct response %lld"),
		    (long long)resp->id);
		snprintf(action, sizeof(action), "/staff/surveys/%lld/responses/%lld",
		    (long long)sv->id, (long long)resp->id);
	} else {
		snprintf(heading, sizeof(heading), "%s", tr(req, "Key in a response"));
		survey_href(action, sizeof(action), sv, "/responses");
	}
	ctx = json_pack("{s:s, s:o, s:o, s:s, s:s, s:b, s:{s:s}}", "title", heading, "site",
	    pages_staff_site(a), "survey_title", pages_string(sv->title), "heading", heading,
	    "action", action, "correcting", resp != NULL, "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		errors = json_object_get(ctx, "errors");
		pages_copy_error(ctx, errors, CHANNEL_FIELD, "channel_error");
	}
	if (resp != NULL) {
		json_object_set_new(ctx, "channel", json_string(channel_label(req, resp->channel)));
		json_object_set_new(ctx, "submitted", pages_time(req, resp->submitted_at));
	} else {
		list = json_array();
		for (i = 0; i < CHANNEL_N; i++) {
			char id[32];

			snprintf(id, sizeof(id), i == 0 ? CHANNEL_FIELD : CHANNEL_FIELD "-%d", i + 1);
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "id", id, "value",
			    channel_names[i], "label", tr(req, channel_labels[i]), "checked",
			    i == channel));
		}
		json_object_set_new(ctx, "channels", list);
	}
	json_object_set_new(ctx, "pages", survey_form_pages(req, d, -1, ans, errors, from_form));
	res->status = status;
	return page_render(req, res, "staff/survey_response", ctx);
}

/* A survey takes responses keyed in once it has opened, and after it has
 * closed too (the store says the same at commit). */
static bool
takes_entries(const struct survey *sv, int64_t now)
{
	enum poll_status st = survey_status(sv, now);

	return st == POLL_OPEN || st == POLL_CLOSED;
}

static int
not_taking(struct http_request *req, struct http_response *res)
{
	return page_error(req, res, 409, tr(req, "This survey has not opened"),
	    tr(req, "Responses can be keyed in once the survey has opened. Open it from its "
	    "page first."));
}

int
handle_staff_survey_response_new(struct http_request *req, struct http_response *res)
{
	struct survey_answers ans;
	struct survey_def d;
	struct survey *sv;

	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	if (!takes_entries(sv, req->now))
		return not_taking(req, res);
	if (survey_answers_init(&d, &req->arena, &ans) != 0)
		return reply_error(req, res, ERR_NOMEM, NULL);
	return response_page(req, res, 200, sv, &d, NULL, &ans, -1, NULL, false);
}

/* After the commit of a keyed-in response, on an HTTP thread. */
static void
entered(struct http_request *req, struct http_response *res, int rc, int64_t id,
    const struct errors *e)
{
	struct str sid = http_param(req, "id");
	char to[PATH_MAX_LEN];

	(void)id;
	if (e != NULL) { /* the survey changed under the answers: each named */
		reply_error(req, res, rc, e);
		return;
	}
	switch (rc) {
	case 0:
		snprintf(to, sizeof(to), "/staff/surveys/%.*s/responses?done=entered", (int)sid.n,
		    sid.p);
		http_response_redirect(res, 303, to);
		break;
	case ERR_CONFLICT:
		not_taking(req, res);
		break;
	default:
		reply_error(req, res, rc, NULL);
	}
}

int
handle_staff_survey_response_create(struct http_request *req, struct http_response *res)
{
	struct entry_form f = { -1 };
	struct respond_args args = { 0 };
	struct survey_answers ans;
	struct survey_def d;
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	if (!takes_entries(sv, req->now))
		return not_taking(req, res);
	errors_init_in(&e, req->lang);
	if ((rc = input_read(req, &f, NULL, &e)) == ERR_NOMEM ||
	    (rc = survey_answers_init(&d, &req->arena, &ans)) != 0)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (errors_has_field(&e, CHANNEL_FIELD)) {
		/* One message for the radios: which one to choose. */
		errors_init_in(&e, req->lang);
		errors_add(&e, CHANNEL_FIELD, "%s", N_("Select how the response came"));
	}
	if ((rc = survey_form_read_all(req, &d, &ans, &e)) == ERR_NOMEM)
		return reply_error(req, res, rc, NULL);
	if (errors_any(&e))
		return response_page(req, res, 422, sv, &d, NULL, &ans, f.channel, &e, true);
	args.sv = sv;
	args.def = &d;
	args.ans = &ans;
	args.channel = channels[f.channel];
	args.entered_by = pages_staff(req)->user.id;
	args.one_per_browser = false;
	return respond_submit(req, res, &args, entered);
}

/* Response {response} of the survey, one that staff keyed in and that
 * stands (submitted); 0, or -1 with res filled. */
static int
load_entry(struct http_request *req, struct http_response *res, const struct survey *sv,
    const struct survey_def *d, struct survey_response **resp, struct survey_answers *ans)
{
	struct errors e;
	int rc;

	rc = store_response_get(req->app->store, &req->arena, sv->id,
	    http_param_id(req, "response"), resp);
	if (rc != 0) {
		reply_error(req, res, rc, NULL);
		return -1;
	}
	if (!survey_response_correctable((*resp)->channel, (*resp)->entered_by)) {
		page_error(req, res, 403, tr(req, "You cannot change this response"),
		    tr(req, "It was given by the respondent online, and what they said is theirs: "
		    "only responses from paper, the phone or an event, keyed in or imported, can "
		    "be corrected."));
		return -1;
	}
	if ((*resp)->state != RESPONSE_SUBMITTED) {
		reply_error(req, res, ERR_NOTFOUND, NULL);
		return -1;
	}
	errors_init_in(&e, req->lang);
	/* Read what still fits the survey as it is now. */
	if (survey_answers_parse(d, (*resp)->answers, &req->arena, ans, &e) == ERR_NOMEM) {
		reply_error(req, res, ERR_NOMEM, NULL);
		return -1;
	}
	return 0;
}

int
handle_staff_survey_response_edit(struct http_request *req, struct http_response *res)
{
	struct survey_response *resp;
	struct survey_answers ans;
	struct survey_def d;
	struct survey *sv;

	if (load_survey(req, res, &sv, &d) != 0 || load_entry(req, res, sv, &d, &resp, &ans) != 0)
		return HTTP_DONE;
	return response_page(req, res, 200, sv, &d, resp, &ans, -1, NULL, false);
}

int
handle_staff_survey_response_correct(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct survey_tally_item *old_items, *new_items;
	struct survey_response *resp;
	struct survey_answers old, ans;
	struct buf text = BUF_INIT;
	struct survey_def d;
	struct survey *sv;
	struct errors e;
	char to[PATH_MAX_LEN];
	int old_n, new_n, rc;

	if (load_survey(req, res, &sv, &d) != 0 || load_entry(req, res, sv, &d, &resp, &old) != 0)
		return HTTP_DONE;
	errors_init_in(&e, req->lang);
	if ((rc = survey_answers_init(&d, &req->arena, &ans)) != 0 ||
	    (rc = survey_form_read_all(req, &d, &ans, &e)) == ERR_NOMEM)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (errors_any(&e))
		return response_page(req, res, 422, sv, &d, resp, &ans, -1, &e, true);
	/* The counts the response added go, and the corrected answers' come. */
	if ((rc = respond_tally(&req->arena, &d, &old, &old_items, &old_n)) != 0 ||
	    (rc = respond_tally(&req->arena, &d, &ans, &new_items, &new_n)) != 0)
		return reply_error(req, res, rc, NULL);
	survey_answers_write(&d, &ans, &text);
	if (!buf_ok(&text)) {
		buf_free(&text);
		return reply_error(req, res, ERR_NOMEM, NULL);
	}
	rc = store_response_correct(req->app->store, &a->actor, sv->id, resp->id,
	    (struct str){ text.p, text.n }, old_items, old_n, new_items, new_n, req->now);
	buf_free(&text);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	snprintf(to, sizeof(to), "/staff/surveys/%lld/responses?done=corrected#response-%lld",
	    (long long)sv->id, (long long)resp->id);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}

/* ---- the list of keyed-in responses ------------------------------------------------------- */

struct list_query {
	int64_t before;
};

static const struct input_field list_fields[] = {
	{ "before", INPUT_ID, INPUT_QUERY, offsetof(struct list_query, before), 0, 0, 0, NULL,
	    N_("the response to list from") },
};
const struct input_spec staff_survey_responses_input = { INPUT_FORM, 1, list_fields };

struct entry_rows {
	struct http_request *req;
	const struct survey *sv;
	json_t *items;
	int n;
	int64_t last_id;
};

static int
entry_row(void *arg, const struct survey_response *r)
{
	struct entry_rows *rows = arg;
	char href[PATH_MAX_LEN];

	snprintf(href, sizeof(href), "/staff/surveys/%lld/responses/%lld",
	    (long long)rows->sv->id, (long long)r->id);
	json_array_append_new(rows->items, json_pack("{s:I, s:s, s:s, s:o}", "id",
	    (json_int_t)r->id, "href", href, "channel", channel_label(rows->req, r->channel),
	    "when", pages_time(rows->req, r->submitted_at)));
	rows->n++;
	rows->last_id = r->id;
	return 0;
}

int
handle_staff_survey_responses(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct list_query q = { 0 };
	struct survey_def d;
	struct survey *sv;
	struct errors e;
	struct str done;
	char back[PATH_MAX_LEN], older[PATH_MAX_LEN];
	struct entry_rows rows = { .req = req };
	enum poll_status st;
	json_t *ctx;
	int rc;

	errors_init_in(&e, req->lang);
	if (input_read(req, &q, NULL, &e) != 0)
		q.before = 0;
	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	rows.sv = sv;
	rows.items = json_array();
	rc = store_response_each_entered(req->app->store, sv->id, q.before, STAFF_RESPONSES_PAGE,
	    entry_row, &rows);
	if (rc != 0) {
		json_decref(rows.items);
		return reply_error(req, res, rc, NULL);
	}
	st = survey_status(sv, req->now);
	survey_href(back, sizeof(back), sv, "");
	ctx = json_pack("{s:s, s:o, s:o, s:I, s:o, s:b, s:b, s:{s:s}}", "title",
	    tr(req, "Responses keyed in"), "site", pages_staff_site(a), "survey_title",
	    pages_string(sv->title), "survey_id", (json_int_t)sv->id, "responses", rows.items,
	    "can_manage", role_allows(a->user.role, PERM_POLL_MANAGE), "can_key_in",
	    st == POLL_OPEN || st == POLL_CLOSED, "back_link", "href", back);
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	if (rows.n == STAFF_RESPONSES_PAGE && rows.last_id > 1) {
		snprintf(older, sizeof(older), "/staff/surveys/%lld/responses?before=%lld",
		    (long long)sv->id, (long long)rows.last_id);
		json_object_set_new(ctx, "older_href", json_string(older));
	}
	if (http_query(req, "done", &done)) {
		if (str_eq_c(done, "entered"))
			json_object_set_new(ctx, "done", json_string(tr(req, "The response has been "
			    "saved.")));
		else if (str_eq_c(done, "corrected"))
			json_object_set_new(ctx, "done", json_string(tr(req, "The correction has been "
			    "saved and recorded in the audit log.")));
	}
	return page_render(req, res, "staff/survey_responses", ctx);
}

/* ---- results -------------------------------------------------------------------------------- */

/* The free-text questions, each with its comments' page. */
static json_t *
free_text(const struct survey *sv, const struct survey_def *d)
{
	json_t *list = json_array();
	char href[PATH_MAX_LEN];
	int i;

	for (i = 0; i < d->question_n; i++) {
		const struct survey_question *q = &d->questions[i];

		if (!survey_question_has_text(q))
			continue;
		snprintf(href, sizeof(href), "/staff/surveys/%lld/comments/%.*s", (long long)sv->id,
		    (int)q->key.n, q->key.p);
		json_array_append_new(list, json_pack("{s:o, s:s}", "text", pages_string(q->text),
		    "href", href));
	}
	return list;
}

int
handle_staff_survey_results(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct survey_def d;
	struct survey *sv;
	char back[PATH_MAX_LEN];
	bool exempt = suppress_exempt(a->user.role);
	json_t *report;
	int rc = 0;

	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	/* Small counts are hidden here too, but from analysts and administrators. */
	if ((report = survey_charts(req, sv, &d, exempt ? 0 : a->org.suppress_below, &rc)) == NULL)
		return reply_error(req, res, rc ? rc : ERR_NOMEM, NULL);
	survey_href(back, sizeof(back), sv, "");
	return page_render(req, res, "staff/survey_results", json_pack("{s:s, s:o, s:o, s:I, "
	    "s:o, s:b, s:{s:s}, s:o}", "title", tr(req, "Results"), "site", pages_staff_site(a),
	    "survey_title", pages_string(sv->title), "survey_id", (json_int_t)sv->id, "report",
	    report, "may_download", exempt, "back_link", "href", back, "free_text",
	    free_text(sv, &d)));
}

struct export_query {
	int format; /* enum survey_file_format */
};

static const struct input_field export_fields[] = {
	{ "format", INPUT_CHOICE, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct export_query,
	    format), 0, 0, 0, survey_file_format_names, N_("a file format") },
};
const struct input_spec staff_survey_export_input = { INPUT_FORM, 1, export_fields };

int
handle_staff_survey_export(struct http_request *req, struct http_response *res)
{
	struct export_query q = { -1 };
	struct survey_def d;
	struct survey *sv;
	struct errors e;

	errors_init_in(&e, req->lang);
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error_text(req, res, ERR_MALFORMED, tr(req, "Responses can be "
		    "downloaded as CSV (format=csv), Excel (format=xlsx) or JSON (format=json)."));
	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	/* Each response as given is the least suppressed figure of all. */
	if (!suppress_exempt(pages_staff(req)->user.role))
		return page_error(req, res, 403, tr(req, "You cannot download the responses"),
		    tr(req, "Only analysts and administrators can download the responses themselves."));
	return survey_report_export(req, res, sv, (enum survey_file_format)q.format);
}

/* The results as open data, small counts hidden whoever asks. */
int
handle_staff_survey_results_csv(struct http_request *req, struct http_response *res)
{
	struct survey_def d;
	struct survey *sv;

	if (load_survey(req, res, &sv, &d) != 0)
		return HTTP_DONE;
	return survey_report_open_data(req, res, sv, &d, pages_staff(req)->org.suppress_below);
}
