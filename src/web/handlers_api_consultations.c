/*
 * handlers_api_consultations.c - the JSON API for what a consultation has
 * beyond its survey (/api/v1/surveys/{id}/...): the fair-consultation
 * checklist, the stage after closing, background documents and their
 * attached files.  The survey itself (made with "kind": "consultation",
 * opened, closed) is handlers_api_surveys.c's, which shows a
 * consultation's lifecycle and checklist through consultation_json_add.
 *
 * What a document or a checklist must be is the domain's
 * (consultation.h); whether the consultation's state allows a change is
 * asked again by the store inside its transaction.  A file arrives as the
 * raw body (ROUTE_FILE) with its name in the query; its bytes decide what
 * it is, and a body over the limit is refused before it is read (413).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/store_consultation.h"
#include "api_json.h"
#include "handlers.h"

/* ---- the declared fields ------------------------------------------------------ */

/* The checklist: each principle an object {"met": true | false | null,
 * "note": "..."}, read by checklist_from_json. */
struct checklist_body {
	struct str items[CHECK_N];
};

#define CHECK_FIELD(name, i) \
	{ name, INPUT_JSON_TEXT, INPUT_NULLABLE, offsetof(struct checklist_body, items[i]), 0, \
	    INPUT_JSON_OBJECT, 0, NULL, "the answer, as {\"met\": true, \"note\": \"...\"}" }
static const struct input_field checklist_fields[CHECK_N] = {
	CHECK_FIELD("formative", CHECK_FORMATIVE),
	CHECK_FIELD("information", CHECK_INFORMATION),
	CHECK_FIELD("time", CHECK_TIME),
	CHECK_FIELD("consideration", CHECK_CONSIDERATION),
};
const struct input_spec api_checklist_input = { INPUT_JSON, CHECK_N, checklist_fields };

struct document_body {
	struct str title;
	struct str body;
	struct str easy_read;
};

#define DOCUMENT_FIELDS(REQ) { \
	{ "title", INPUT_TEXT, REQ, offsetof(struct document_body, title), 0, 0, 0, NULL, \
	    "the title" }, \
	{ "body", INPUT_TEXT, REQ, offsetof(struct document_body, body), 0, 0, 0, NULL, \
	    "the text, in Markdown" }, \
	{ "easy_read", INPUT_TEXT, INPUT_NULLABLE, offsetof(struct document_body, easy_read), \
	    0, 0, 0, NULL, "the easy read version, in Markdown" }, \
}
enum { D_TITLE, D_BODY, D_EASY_READ, DOCUMENT_FIELD_N };
static const struct input_field document_create_fields[] = DOCUMENT_FIELDS(INPUT_REQUIRED);
static const struct input_field document_update_fields[] = DOCUMENT_FIELDS(0);
const struct input_spec api_document_create_input = { INPUT_JSON, DOCUMENT_FIELD_N,
	document_create_fields };
const struct input_spec api_document_update_input = { INPUT_JSON, DOCUMENT_FIELD_N,
	document_update_fields };

struct attachment_query {
	struct str name;
};

static const struct input_field attachment_fields[] = {
	{ "name", INPUT_TEXT, INPUT_QUERY | INPUT_REQUIRED, offsetof(struct attachment_query, name),
	    0, 0, 0, NULL, "the file's name (?name=)" },
};
const struct input_spec api_attachment_input = { INPUT_FORM, 1, attachment_fields };

/* ---- helpers -------------------------------------------------------------------------- */

static bool
is_staff_of(const struct http_request *req, int64_t org_id)
{
	const struct auth *a = req->auth;

	return a != NULL && a->signed_in && a->user.org_id == org_id;
}

/*
 * Loads consultation {id} as the asker may see it: 404 for a survey that
 * is not a consultation, one of another organisation (own: staff
 * routes), or a draft the public may not see.  0, or -1 with res filled.
 */
static int
load_consultation(struct http_request *req, struct http_response *res, bool own,
    struct survey **sv)
{
	int rc;

	rc = store_survey_get(req->app->store, &req->arena, http_param_id(req, "id"), sv);
	if (rc == 0 && (*sv)->kind != SURVEY_KIND_CONSULTATION)
		rc = ERR_NOTFOUND;
	if (rc == 0 && !is_staff_of(req, (*sv)->org_id) &&
	    (own || survey_status(*sv, req->now) == POLL_DRAFT))
		rc = ERR_NOTFOUND;
	if (rc != 0) {
		reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such "
		    "consultation." :
		    "Try again in a moment.");
		return -1;
	}
	return 0;
}

/* The consultation's public address, without a trailing slash. */
static void
public_base(struct http_request *req, const struct survey *sv, char *out, size_t size)
{
	struct org org;

	if (store_org_get(req->app->store, sv->org_id, &org) != 0)
		snprintf(org.slug, sizeof(org.slug), "-");
	snprintf(out, size, "%s/o/%s/surveys/%lld", req->app->cfg.public_url, org.slug,
	    (long long)sv->id);
}

static json_t *
check_json(const struct consultation_check *k)
{
	return json_pack("{s:o, s:o}", "met", k->answer == CHECK_UNANSWERED ? json_null() :
	    json_boolean(k->answer == CHECK_YES), "note", api_json_text(k->note));
}

static json_t *
checklist_json(const struct consultation_checklist *c)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < CHECK_N; i++)
		json_object_set_new(o, consultation_principle_name((enum consultation_principle)i),
		    check_json(&c->items[i]));
	json_object_set_new(o, "complete", json_boolean(consultation_checklist_complete(c)));
	json_object_set_new(o, "recorded_by", c->recorded_by.n ? api_json_text(c->recorded_by) :
	    json_null());
	json_object_set_new(o, "recorded_at", api_json_time(c->recorded_at));
	return o;
}

void
consultation_json_add(struct http_request *req, const struct survey *sv, json_t *o)
{
	struct consultation k;

	if (store_consultation_get(req->app->store, &req->arena, sv->id, &k) != 0)
		return; /* the survey is shown without */
	json_object_set_new(o, "lifecycle", json_string(consultation_state_name(
	    consultation_state(sv, k.stage, req->now))));
	if (is_staff_of(req, sv->org_id))
		json_object_set_new(o, "checklist", checklist_json(&k.checklist));
}

/* ---- the checklist and the stage ---------------------------------------------------------- */

int
handle_api_survey_checklist_get(struct http_request *req, struct http_response *res)
{
	struct consultation k;
	struct survey *sv;
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	if ((rc = store_consultation_get(req->app->store, &req->arena, sv->id, &k)) != 0)
		return reply_error(req, res, rc, NULL);
	return api_json(res, 200, checklist_json(&k.checklist));
}

/*
 * One principle's answer from its JSON text (an object, as input_decode
 * wrote it): "met" true, false or null (not recorded), "note" text.
 * Problems on "NAME.met", "NAME.note" or "NAME".
 */
static void
check_from_json(struct http_request *req, const char *name, struct str text,
    struct consultation_check *out, struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	json_error_t jerr;
	json_t *o, *v;
	const char *key;

	memset(out, 0, sizeof(*out));
	if (text.n == 0)
		return; /* absent or null: not recorded */
	o = json_loadb(text.p, text.n, 0, &jerr);
	if (o == NULL) {
		errors_add(e, name, "Give the answer as {\"met\": true, \"note\": \"...\"}");
		return;
	}
	json_object_foreach(o, key, v) {
		if (strcmp(key, "met") == 0) {
			snprintf(field, sizeof(field), "%s.met", name);
			if (json_is_boolean(v))
				out->answer = json_is_true(v) ? CHECK_YES : CHECK_NO;
			else if (!json_is_null(v))
				errors_add(e, field, "Must be true, false or null (not recorded)");
		} else if (strcmp(key, "note") == 0) {
			snprintf(field, sizeof(field), "%s.note", name);
			if (json_is_string(v))
				out->note = arena_str(&req->arena, (struct str){
				    json_string_value(v), json_string_length(v) });
			else if (!json_is_null(v))
				errors_add(e, field, "Must be a string");
		} else {
			snprintf(field, sizeof(field), "%s.%.40s", name, key);
			errors_add(e, field, "Unknown field");
		}
	}
	json_decref(o);
}

int
handle_api_survey_checklist_put(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct checklist_body b;
	struct consultation_checklist list;
	struct consultation k;
	struct survey *sv;
	struct errors e;
	int i, rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	memset(&b, 0, sizeof(b));
	memset(&list, 0, sizeof(list));
	errors_init(&e);
	rc = input_read(req, &b, NULL, &e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return reply_error(req, res, rc, &e);
	for (i = 0; i < CHECK_N; i++)
		check_from_json(req, consultation_principle_name((enum consultation_principle)i),
		    b.items[i], &list.items[i], &e);
	if (!errors_any(&e))
		consultation_checklist_check(&list, &e);
	if (errors_any(&e))
		return reply_error(req, res, ERR_INVALID, &e);
	rc = store_consultation_set_checklist(req->app->store, &a->actor, sv->id, &list, req->now,
	    &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_consultation_get(req->app->store, &req->arena, sv->id, &k)) != 0)
		return reply_error(req, res, rc, NULL);
	return api_json(res, 200, checklist_json(&k.checklist));
}

int
handle_api_survey_analysing(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct survey *sv;
	struct errors e;
	json_t *o;
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	errors_init(&e);
	rc = store_consultation_set_stage(req->app->store, &a->actor, sv->id,
	    CONSULTATION_ANALYSING, req->now, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	o = json_pack("{s:o, s:s}", "id", api_json_id(sv->id), "kind", "consultation");
	consultation_json_add(req, sv, o);
	return api_json(res, 200, o);
}

/* ---- documents ---------------------------------------------------------------------------- */

struct files_ctx {
	const char *base; /* the consultation's public address */
	json_t *by_doc;   /* document id (text) -> [files] */
};

static json_t *
file_json(const char *base, const struct consultation_attachment *f)
{
	char url[512];

	snprintf(url, sizeof(url), "%s/attachments/%lld", base, (long long)f->id);
	return json_pack("{s:o, s:o, s:o, s:I, s:s, s:o}", "id", api_json_id(f->id), "name",
	    api_json_text(f->name), "media_type", api_json_text(f->media_type), "size",
	    (json_int_t)f->size, "url", url, "created_at", api_json_time(f->created_at));
}

static int
file_one(void *arg, const struct consultation_attachment *f)
{
	struct files_ctx *c = arg;
	char key[24];
	json_t *list;

	snprintf(key, sizeof(key), "%lld", (long long)f->document_id);
	if ((list = json_object_get(c->by_doc, key)) == NULL) {
		list = json_array();
		json_object_set_new(c->by_doc, key, list);
	}
	json_array_append_new(list, file_json(c->base, f));
	return 0;
}

/* The files of every document of sv, by document id; NULL on failure. */
static json_t *
files_by_document(struct http_request *req, const struct survey *sv, const char *base)
{
	struct files_ctx c = { base, json_object() };

	if (store_attachment_each(req->app->store, &req->arena, sv->id, file_one, &c) != 0) {
		json_decref(c.by_doc);
		return NULL;
	}
	return c.by_doc;
}

/* A document as the API shows it; with_text adds body and easy_read. */
static json_t *
document_json(const char *base, const struct consultation_document *d, bool with_text,
    const json_t *files)
{
	char url[512], easy[560], key[24];
	json_t *o, *list;

	snprintf(url, sizeof(url), "%s/documents/%lld", base, (long long)d->id);
	snprintf(easy, sizeof(easy), "%s/easy-read", url);
	snprintf(key, sizeof(key), "%lld", (long long)d->id);
	list = json_object_get(files, key);
	list = list ? json_incref(list) : json_array();
	o = json_pack("{s:o, s:i, s:o, s:s, s:o, s:o, s:o, s:o}", "id", api_json_id(d->id),
	    "position", d->position, "title", api_json_text(d->title), "url", url,
	    "easy_read_url", d->has_easy_read ? json_string(easy) : json_null(), "attachments",
	    list, "created_at", api_json_time(d->created_at), "updated_at",
	    api_json_time(d->updated_at));
	if (o != NULL && with_text) {
		json_object_set_new(o, "body", api_json_text(d->body));
		json_object_set_new(o, "easy_read", d->has_easy_read ? api_json_text(d->easy_read) :
		    json_null());
	}
	return o;
}

struct documents_ctx {
	const char *base;
	const json_t *files;
	json_t *items;
};

static int
document_one(void *arg, const struct consultation_document *d)
{
	struct documents_ctx *c = arg;

	json_array_append_new(c->items, document_json(c->base, d, false, c->files));
	return 0;
}

int
handle_api_documents_list(struct http_request *req, struct http_response *res)
{
	struct documents_ctx c;
	struct survey *sv;
	char base[400];
	json_t *files;
	int rc;

	if (load_consultation(req, res, false, &sv) != 0)
		return HTTP_DONE;
	public_base(req, sv, base, sizeof(base));
	if ((files = files_by_document(req, sv, base)) == NULL)
		return reply_error(req, res, ERR_IO, NULL);
	c = (struct documents_ctx){ base, files, json_array() };
	rc = store_document_each(req->app->store, &req->arena, sv->id, document_one, &c);
	json_decref(files);
	if (rc != 0) {
		json_decref(c.items);
		return reply_error(req, res, rc, NULL);
	}
	return api_json(res, 200, json_pack("{s:o}", "items", c.items));
}

/* Document {doc} of sv with its text, as a reply of `status`. */
static int
reply_document(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, int64_t id)
{
	struct consultation_document *d;
	char base[400];
	json_t *files, *o;
	int rc;

	rc = store_document_get(req->app->store, &req->arena, sv->id, id, &d);
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such "
		    "document." : "Try again in a moment.");
	public_base(req, sv, base, sizeof(base));
	if ((files = files_by_document(req, sv, base)) == NULL)
		return reply_error(req, res, ERR_IO, NULL);
	o = document_json(base, d, true, files);
	json_decref(files);
	if (o == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	return api_json(res, status, o);
}

int
handle_api_document_get(struct http_request *req, struct http_response *res)
{
	struct survey *sv;

	if (load_consultation(req, res, false, &sv) != 0)
		return HTTP_DONE;
	return reply_document(req, res, 200, sv, http_param_id(req, "doc"));
}

/* Reads a document body into d (which holds what is not sent) and checks
 * it.  0, or an error code with e filled. */
static int
read_document(struct http_request *req, struct consultation_document *d, struct errors *e)
{
	enum input_state st[DOCUMENT_FIELD_N];
	struct document_body b = { d->title, d->body, d->easy_read };
	int rc;

	rc = input_read(req, &b, st, e);
	if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
		return rc;
	d->title = b.title;
	d->body = b.body;
	d->easy_read = st[D_EASY_READ] == INPUT_NULL ? (struct str){ "", 0 } : b.easy_read;
	if (consultation_document_check(d, e) != 0 || errors_any(e))
		return ERR_INVALID;
	return 0;
}

int
handle_api_documents_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct consultation_document d;
	struct survey *sv;
	struct errors e;
	char location[96];
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	memset(&d, 0, sizeof(d));
	d.survey_id = sv->id;
	errors_init(&e);
	if ((rc = read_document(req, &d, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_document_add(req->app->store, &a->actor, &d, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	snprintf(location, sizeof(location), "/api/v1/surveys/%lld/documents/%lld",
	    (long long)sv->id, (long long)d.id);
	http_response_header(res, "Location", location);
	return reply_document(req, res, 201, sv, d.id);
}

int
handle_api_document_update(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct consultation_document *d;
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	rc = store_document_get(req->app->store, &req->arena, sv->id, http_param_id(req, "doc"),
	    &d);
	if (rc != 0)
		return reply_error_text(req, res, rc, rc == ERR_NOTFOUND ? "There is no such "
		    "document." : "Try again in a moment.");
	errors_init(&e);
	if ((rc = read_document(req, d, &e)) != 0)
		return reply_error(req, res, rc, &e);
	if ((rc = store_document_update(req->app->store, &a->actor, d, req->now, &e)) != 0)
		return reply_error(req, res, rc, &e);
	return reply_document(req, res, 200, sv, d->id);
}

int
handle_api_document_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	errors_init(&e);
	rc = store_document_delete(req->app->store, &a->actor, sv->id, http_param_id(req, "doc"),
	    req->now, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	res->status = 204;
	return HTTP_DONE;
}

/* ---- attached files ------------------------------------------------------------------------ */

int
handle_api_attachment_create(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct attachment_query q = { { NULL, 0 } };
	struct consultation_attachment f;
	enum attachment_type type;
	struct survey *sv;
	struct str sent;
	struct errors e;
	char base[400];
	int64_t id;
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	errors_init(&e);
	if (input_read(req, &q, NULL, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	/* The route (ROUTE_FILE) has checked the type sent is one accepted. */
	if (!http_header(req, "Content-Type", &sent))
		sent = (struct str){ "", 0 };
	if (consultation_attachment_check(q.name, sent, req->body.p, req->body.n, &type, &e) != 0)
		return reply_error(req, res, ERR_INVALID, &e);
	rc = store_attachment_add(req->app->store, &a->actor, sv->id, http_param_id(req, "doc"),
	    q.name, str_c(attachment_media_type(type)), req->body.p, req->body.n, req->now, &id,
	    &e);
	if (rc != 0)
		return rc == ERR_NOTFOUND ? reply_error_text(req, res, rc, "There is no such "
		    "document.") :
		    reply_error(req, res, rc, &e);
	if ((rc = store_attachment_get(req->app->store, &req->arena, sv->id, id, &f, NULL)) != 0)
		return reply_error(req, res, rc, NULL);
	public_base(req, sv, base, sizeof(base));
	return api_json(res, 201, file_json(base, &f));
}

int
handle_api_attachment_delete(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	struct survey *sv;
	struct errors e;
	int rc;

	if (load_consultation(req, res, true, &sv) != 0)
		return HTTP_DONE;
	errors_init(&e);
	rc = store_attachment_delete(req->app->store, &a->actor, sv->id, http_param_id(req, "att"),
	    req->now, &e);
	if (rc != 0)
		return reply_error(req, res, rc, &e);
	res->status = 204;
	return HTTP_DONE;
}
