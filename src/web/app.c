/*
 * app.c - the request pipeline shared by the server and handler tests:
 * routing, the route's declared checks (body type, sign-in, token, CSRF,
 * Origin), then the handler; and the helpers that turn results into pages
 * and problem details.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/consultation.h"
#include "involve/i18n.h"
#include "involve/content_coding.h"
#include "involve/delay.h"
#include "involve/hasher.h"
#include "involve/json_depth.h"
#include "involve/page_cache.h"
#include "involve/route.h"
#include "involve/static_files.h"
#include "involve/survey_cache.h"
#include "involve/text.h"
#include "involve/tmpl.h"
#include "involve/vote.h"

/* The built-in templates ("staff/poll.html" becomes "staff/poll"). */
static int
load_templates(const struct embedded_file *list, struct tmpl_set **out, struct errors *e)
{
	const char *names[TMPL_SET_MAX], *sources[TMPL_SET_MAX];
	const struct embedded_file *f;
	size_t len;
	int i, n = 0, rc;

	*out = NULL;
	if (list == NULL) {
		errors_add(e, "templates", "no templates: neither a folder nor built-in ones");
		return ERR_INVALID;
	}
	for (f = list; f->name != NULL; f++) {
		len = strlen(f->name);
		if (len <= 5 || strcmp(f->name + len - 5, ".html") != 0)
			continue;
		if (n == TMPL_SET_MAX) {
			errors_add(e, "templates", "more than %d templates", TMPL_SET_MAX);
			rc = ERR_INVALID;
			goto out;
		}
		sources[n] = f->data;
		names[n] = strndup(f->name, len - 5);
		if (names[n] == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
		n++;
	}
	rc = tmpl_set_load_strings(names, sources, n, out, e);
out:
	for (i = 0; i < n; i++)
		free((char *)names[i]);
	return rc;
}

int
app_init(struct app *app, const struct app_config *cfg, struct store *store,
    const struct keys *keys, struct errors *e)
{
	int rc;

	memset(app, 0, sizeof(*app));
	app->cfg = *cfg;
	app->store = store;
	app->keys = *keys;
	app->cfg.secure_cookies = strncmp(cfg->public_url, "https://", 8) == 0;
	if (app->cfg.session_idle <= 0)
		app->cfg.session_idle = AUTH_IDLE_DEFAULT;
	if (app->cfg.hash_slots <= 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		/* One core is always left for everything else. */
		app->cfg.hash_slots = cores > 1 ? (int)cores - 1 : 1;
	}
	if (cfg->templates_dir)
		rc = tmpl_set_load(cfg->templates_dir, &app->templates, e);
	else
		rc = load_templates(cfg->templates, &app->templates, e);
	if (rc != 0)
		return rc;
	if (cfg->static_dir)
		rc = static_files_load(cfg->static_dir, &app->statics, e);
	else
		rc = static_files_load_embedded(cfg->statics, &app->statics, e);
	if (rc != 0)
		goto fail;
	app->pages = page_cache_new();
	app->surveys = survey_cache_new();
	if (app->pages == NULL || app->surveys == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}
	/* A few checks may wait their turn; more are refused (503). */
	if ((rc = hasher_start(app->cfg.hash_slots, 2 * app->cfg.hash_slots, &app->hasher)) != 0)
		goto fail;
	if ((rc = delayer_start(&app->delayer)) != 0)
		goto fail;
	atomic_store(&app->ready, true);
	return 0;
fail:
	app_free(app);
	return rc;
}

void
app_free(struct app *app)
{
	tmpl_set_free(app->templates);
	static_files_free(app->statics);
	page_cache_free(app->pages);
	survey_cache_free(app->surveys);
	delayer_stop(app->delayer);
	hasher_stop(app->hasher);
	app->delayer = NULL;
	app->hasher = NULL;
	app->pages = NULL;
	app->surveys = NULL;
	app->templates = NULL;
	app->statics = NULL;
}

/* The public URL's origin ("https://example.org"), for Origin checks. */
static bool
origin_ok(const struct http_request *req)
{
	struct str origin;
	const char *pub = req->app->cfg.public_url;
	size_t n;

	if (!http_header(req, "Origin", &origin))
		return true; /* not sent: older browsers and non-browsers */
	n = strlen(pub);
	/* The public URL has no path; compare scheme://host[:port]. */
	while (n > 0 && pub[n - 1] == '/')
		n--;
	return origin.n == n && memcmp(origin.p, pub, n) == 0;
}

/* The route's rule (see route.h) for whoever its flags signed in: a route
 * without a rule, or with one its flags sign nobody in for, is refused. */
static bool
rule_allows(const struct http_request *req, const struct route *r)
{
	const struct auth *a = req->auth;
	bool signed_in = a != NULL && a->signed_in;

	return route_rule_allows(r->rule, signed_in, signed_in ? a->user.role : ROLE_VIEWER);
}

/* A GET that sends no cookie and no query: it sees what everyone sees. */
/* Whether every cookie the request sends is the choice of language: the
 * one cookie that does not make a page personal. */
static bool
only_language_cookie(const struct http_request *req)
{
	struct str h, item, name;
	size_t i = 0, start, eq;

	if (!http_header(req, "Cookie", &h))
		return true;
	while (i < h.n) {
		start = i;
		while (i < h.n && h.p[i] != ';')
			i++;
		item = str_trim((struct str){ h.p + start, i - start });
		i++;
		for (eq = 0; eq < item.n && item.p[eq] != '='; eq++)
			;
		name = (struct str){ item.p, eq };
		if (item.n > 0 && !str_eq_c(name, I18N_COOKIE))
			return false;
	}
	return true;
}

/* A GET with no query and no cookie but the language's: it sees what
 * everyone who reads that language sees. */
static bool
is_anonymous_get(const struct http_request *req)
{
	return (req->method == HTTP_GET || req->method == HTTP_HEAD) && req->query_n == 0 &&
	    only_language_cookie(req);
}

/* The language of the answer: the visitor's choice (its cookie), else the
 * best fit for Accept-Language, else English. */
static const struct i18n_lang *
language_of(const struct http_request *req)
{
	const struct i18n_lang *l;
	struct str v;

	if (http_cookie(req, I18N_COOKIE, &v) && (l = i18n_find(v)) != NULL)
		return l;
	if (http_header(req, "Accept-Language", &v))
		return i18n_negotiate(v);
	return i18n_default();
}

/* ---- content coding ------------------------------------------------------ */

/*
 * Whether a response may be compressed: the one place this is decided, for
 * the page cache, the static files and every other response alike.
 *
 * The rule, against BREACH: a body that may carry a secret is never
 * compressed.  Compressed, the length of a page that holds a secret (a
 * CSRF token) beside text a visitor chose (a form field sent back, a
 * search) tells someone who can watch the sizes of encrypted replies, and
 * make the victim's browser ask for pages, whether that text matches the
 * secret: enough to guess it a character at a time.  So nothing is
 * compressed that is
 *  - personal (no_store): every staff page, whose layout holds the CSRF
 *    token, and every API reply, which may hold a token;
 *  - for someone signed in, by session or by token: their pages carry
 *    their CSRF token (the layout's `staff` context);
 *  - from a route that needs a sign-in or a CSRF token, or anywhere in the
 *    staff area (the sign-in page too), even when it refuses.
 * Public pages hold no secret: the voter's cookie travels in a header,
 * never in the body.  A vote form's single-use key (vote.h) is the one
 * exception: a page holding one is sent no-store, and uncompressed.
 */
static bool
may_compress(const struct http_request *req, const struct http_response *res)
{
	const struct auth *a = req->auth;

	/* A stream is a file being made (exports: staff only, personal data). */
	if (res->no_store || res->stream.next != NULL || (a != NULL && a->signed_in))
		return false;
	if (req->route && (req->route->flags & (ROUTE_STAFF | ROUTE_CSRF | ROUTE_TOKEN)))
		return false;
	return !str_starts_with(req->path, "/staff/") && !str_eq_c(req->path, "/staff");
}

void
app_encode_response(const struct http_request *req, struct http_response *res)
{
	struct coding_accept accept;
	struct buf packed = BUF_INIT;
	enum content_coding coding;
	unsigned available;

	/* A vote form's own key, in this copy only (the page cache keeps the
	 * placeholder); such a page is personal from here on. */
	if (vote_key_fill(res))
		res->no_store = true;
	if (!may_compress(req, res) || res->content_encoding != NULL || res->vary_encoding)
		return; /* not to be compressed, or settled already (a cached page) */
	if (res->variants != NULL) {
		available = coding_variants_available(res->variants);
		if (available == CODING_BIT(CODING_IDENTITY))
			return;
		res->vary_encoding = true;
		coding_accept_of(req, &accept);
		coding = coding_choose(&accept, available);
		if (coding != CODING_IDENTITY) {
			res->static_body = res->variants->v[coding].p;
			res->static_len = res->variants->v[coding].n;
			res->content_encoding = coding_name(coding);
		}
		return;
	}
	if (res->static_body != NULL || res->body.n < CODING_MIN_BYTES || !buf_ok(&res->body) ||
	    !coding_type_compressible(res->content_type))
		return;
	res->vary_encoding = true;
	coding_accept_of(req, &accept);
	coding = coding_choose(&accept, CODING_BIT(CODING_GZIP) | CODING_BIT(CODING_BR));
	if (coding == CODING_IDENTITY)
		return;
	if (coding_compress(coding, CODING_FAST, res->body.p, res->body.n, &packed) == 0 &&
	    packed.n < res->body.n) {
		buf_free(&res->body);
		res->body = packed;
		res->content_encoding = coding_name(coding);
		return;
	}
	buf_free(&packed);
}

static int
handle_cached(const struct route *r, struct http_request *req, struct http_response *res)
{
	struct coding_accept accept;
	int rc;

	char key[PAGE_CACHE_PATH_MAX];
	struct str k;

	/* The same page in each language is another page. */
	if (req->path.n + 8 >= sizeof(key))
		return r->handler(req, res);
	k = (struct str){ key, (size_t)snprintf(key, sizeof(key), "%s:%.*s", req->lang->code,
	    (int)req->path.n, req->path.p) };
	coding_accept_of(req, &accept);
	if (page_cache_get(req->app->pages, k, &accept, res))
		return HTTP_DONE;
	rc = r->handler(req, res);
	/* Only a plain page: no cookie set, nothing personal. */
	if (rc == HTTP_DONE && res->status == 200 && res->header_n == 0 && !res->no_store &&
	    res->static_body == NULL && res->stream.next == NULL)
		page_cache_put(req->app->pages, k, res, may_compress(req, res) &&
		    !vote_key_needed(res));
	return rc;
}

/* What sign_in answers when the request may go on. */
#define SIGN_IN_OK (-1)

/*
 * The sign-in the route's flags ask for: a token, a session (signed in
 * fully, unless the route is part of signing in).  SIGN_IN_OK, or
 * HTTP_DONE with the refusal in res.  Needs nothing from the body, so the
 * server runs it before reading one (app_refuse_before_body).
 */
static int
sign_in(struct http_request *req, struct http_response *res, const struct route *r)
{
	enum auth_stage stage;
	int rc;

	if (r->flags & (ROUTE_TOKEN | ROUTE_TOKEN_OPTIONAL)) {
		rc = auth_from_token(req);
		if (rc == ERR_DENIED || (rc != 0 && (r->flags & ROUTE_TOKEN))) {
			http_response_header(res, "WWW-Authenticate", "Bearer");
			return reply_error_text(req, res, ERR_UNSIGNED, rc == ERR_DENIED ?
			    "The bearer token is not valid." :
			    "Send an API token: Authorization: Bearer <token>.");
		}
	}
	if (r->flags & (ROUTE_STAFF | ROUTE_SIGNING_IN)) {
		if (auth_from_session(req) != 0) {
			struct buf to = BUF_INIT;

			if (req->method != HTTP_GET && req->method != HTTP_HEAD)
				return page_error(req, res, 403, "Your session has ended",
				    "Sign in again, then try once more.");
			buf_add_c(&to, "/staff/login?next=");
			buf_add_url(&to, req->path);
			http_response_redirect(res, 303, buf_cstr(&to) ? buf_cstr(&to) : "/staff/login");
			buf_free(&to);
			return HTTP_DONE;
		}
		res->no_store = true;
		stage = auth_stage(req->auth);
		if (!(r->flags & ROUTE_SIGNING_IN) && stage != AUTH_FULL) {
			/* Signed in with the password only: the second factor
			 * comes first, whatever was asked for. */
			http_response_redirect(res, 303, stage == AUTH_NEEDS_CODE ?
			    "/staff/login/code" : "/staff/account/two-step");
			return HTTP_DONE;
		}
	}
	return SIGN_IN_OK;
}

bool
app_refuse_before_body(struct app *app, struct http_request *req, struct http_response *res)
{
	const struct route *r = req->route;

	req->app = app;
	req->lang = language_of(req);
	if (r == NULL || !(r->flags & (ROUTE_STAFF | ROUTE_SIGNING_IN | ROUTE_TOKEN)))
		return false;
	return sign_in(req, res, r) != SIGN_IN_OK;
}

int
app_handle(struct app *app, struct http_request *req, struct http_response *res)
{
	const struct route *routes, *r;
	struct str type;
	unsigned allowed;
	int n, rc;
	bool has_body;

	req->app = app;
	req->lang = language_of(req);
	routes = app_routes(&n);
	/* The adapter may have routed the request already (for its body
	 * limit); handler tests arrive unrouted. */
	r = req->route;
	rc = r ? ROUTE_FOUND : route_find(routes, n, req->method, req->path, req, &r, &allowed);
	if (rc == ROUTE_NOT_FOUND)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	if (rc == ROUTE_BAD_METHOD) {
		char allow[80] = "";
		unsigned m;

		for (m = HTTP_GET; m <= HTTP_OPTIONS; m <<= 1) {
			if (allowed & m) {
				if (allow[0])
					strcat(allow, ", ");
				strcat(allow, http_method_name((enum http_method)m));
			}
		}
		http_response_header(res, "Allow", allow);
		return reply_error(req, res, ERR_METHOD, NULL);
	}
	req->route = r;
	if (r->flags & ROUTE_FRAMEABLE)
		res->frameable = true;

	has_body = req->body.n > 0 || req->method == HTTP_POST || req->method == HTTP_PATCH ||
	    req->method == HTTP_PUT;
	if (has_body && req->body.n > r->body_max)
		return reply_error(req, res, ERR_TOO_LARGE, NULL);
	if (has_body && req->body.n > 0 && (r->flags & ROUTE_JSON) &&
	    !http_content_type_is(req, "application/json"))
		return reply_error_text(req, res, ERR_MEDIA_TYPE, "Send the body as application/json.");
	if (has_body && req->body.n > 0 && (r->flags & ROUTE_XML) &&
	    !http_content_type_is(req, "application/xml") && !http_content_type_is(req, "text/xml"))
		return reply_error_text(req, res, ERR_MEDIA_TYPE, "Send the file as application/xml.");
	/* Before any handler parses it: see json_depth.h. */
	if (has_body && (r->flags & ROUTE_JSON) &&
	    !json_depth_within(req->body.p, req->body.n, JSON_DEPTH_MAX)) {
		char detail[96];

		snprintf(detail, sizeof(detail), "Arrays and objects may be nested at most %d "
		    "levels deep.", JSON_DEPTH_MAX);
		return reply_error_text(req, res, ERR_MALFORMED, detail);
	}
	/* A file says what it is, one of the types accepted; its handler
	 * checks that its bytes say the same. */
	if (has_body && (r->flags & ROUTE_FILE) && (!http_header(req, "Content-Type", &type) ||
	    !attachment_media_type_accepted(type)))
		return reply_error_text(req, res, ERR_MEDIA_TYPE, "Send a PDF (application/pdf), a "
		    "Word document, an OpenDocument text, or a PNG or JPEG image, with its own "
		    "Content-Type.");
	/* The adapter has read a multipart form already (http.h); one too
	 * large was not read, and its handler says so on its page, changing
	 * nothing, so no CSRF token is needed for it. */
	if (req->too_large && (r->flags & ROUTE_MULTIPART)) {
		if ((rc = sign_in(req, res, r)) != SIGN_IN_OK)
			return rc;
		if (!rule_allows(req, r))
			return reply_error(req, res, ERR_DENIED, NULL);
		return r->handler(req, res);
	}
	if (has_body && (r->flags & ROUTE_MULTIPART)) {
		if (!http_content_type_is(req, "multipart/form-data"))
			return reply_error_text(req, res, ERR_MEDIA_TYPE,
			    "Send the form as multipart/form-data.");
		if (req->multipart != HTTP_MULTIPART_READ)
			return reply_error_text(req, res, ERR_MALFORMED,
			    N_("The form could not be read."));
	}
	if (has_body && (r->flags & (ROUTE_FORM | ROUTE_PUBLIC_FORM))) {
		if (!http_content_type_is(req, "application/x-www-form-urlencoded"))
			return reply_error_text(req, res, ERR_MEDIA_TYPE,
			    "Send the form as application/x-www-form-urlencoded.");
		if (http_form_parse(req) != 0)
			return reply_error_text(req, res, ERR_MALFORMED,
			    N_("The form could not be read."));
	}

	if ((rc = sign_in(req, res, r)) != SIGN_IN_OK)
		return rc;
	if ((r->flags & ROUTE_CSRF) && req->method != HTTP_GET && req->method != HTTP_HEAD &&
	    !auth_csrf_ok(req))
		return page_error(req, res, 403, "This form has expired",
		    "Go back, reload the page and try again.");
	if (!rule_allows(req, r))
		return reply_error(req, res, ERR_DENIED, NULL);
	if ((r->flags & (ROUTE_PUBLIC_FORM | ROUTE_SAME_ORIGIN)) && !origin_ok(req))
		return reply_error_text(req, res, ERR_DENIED,
		    "This form can only be sent from this website.");
	if ((r->flags & ROUTE_CACHEABLE) && is_anonymous_get(req))
		return handle_cached(r, req, res);
	rc = r->handler(req, res);
	/* Staff changed something: public pages may show it. */
	if (req->method != HTTP_GET && req->method != HTTP_HEAD &&
	    (r->flags & (ROUTE_STAFF | ROUTE_TOKEN)) && res->status < 400)
		page_cache_invalidate(app->pages);
	return rc;
}

int
app_poll_for_vote(struct app *app, struct arena *a, int64_t id, struct poll **out)
{
	char key[32];
	struct str k;
	int rc;

	snprintf(key, sizeof(key), "poll:%lld", (long long)id);
	k = str_c(key);
	if ((*out = page_cache_get_poll(app->pages, k, a)) != NULL)
		return 0;
	rc = store_poll_get(app->store, a, id, out);
	if (rc == 0)
		page_cache_put_poll(app->pages, k, *out);
	return rc;
}

/* ---- pages -------------------------------------------------------------- */

static void
add_asset(struct app *app, json_t *assets, const char *key, const char *path)
{
	const char *url = static_files_url(app->statics, path);

	if (url)
		json_object_set_new(assets, key, json_string(url));
}

/*
 * The links to read this page in each other language: each sets the
 * visitor's choice (handle_language) and comes back here.  Named in their
 * own language, and marked so (lang), so a screen reader says them right.
 */
static json_t *
language_links(const struct http_request *req)
{
	json_t *links = json_array();
	struct buf href = BUF_INIT;
	const struct i18n_lang *l;
	int i;

	for (i = 0; i < i18n_lang_count(); i++) {
		l = i18n_lang_at(i);
		buf_reset(&href);
		buf_printf(&href, "/language/%s?next=", l->code);
		buf_add_url(&href, req->path);
		json_array_append_new(links, json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", l->code,
		    "name", l->name, "href", buf_cstr(&href) ? buf_cstr(&href) : "/", "dir",
		    l->rtl ? "rtl" : "ltr", "current", l == req->lang));
	}
	buf_free(&href);
	return links;
}

static json_t *
footer_links(const struct http_request *req, const json_t *ctx)
{
	const char *slug = json_string_value(json_object_get(json_object_get(ctx, "site"), "slug"));
	json_t *links = json_array();
	static const struct {
		const char *key, *text;
	} pages[] = {
		{ "accessibility", N_("Accessibility statement") },
		{ "privacy", N_("Privacy notice") },
		{ "cookies", N_("Cookies") },
	};
	char href[128];
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (slug)
			snprintf(href, sizeof(href), "/o/%s/%s", slug, pages[i].key);
		else
			snprintf(href, sizeof(href), "/%s", pages[i].key);
		json_array_append_new(links, json_pack("{s:s, s:s}", "href", href, "text",
		    i18n_text(req->lang, pages[i].text)));
	}
	return links;
}

int
page_render(struct http_request *req, struct http_response *res, const char *name, json_t *ctx)
{
	return page_render_in(req, res, "layout", name, ctx);
}

int
page_render_in(struct http_request *req, struct http_response *res, const char *layout,
    const char *name, json_t *ctx)
{
	struct app *app = req->app;
	struct auth *a = req->auth;
	struct buf inner = BUF_INIT;
	json_t *assets;
	int rc;

	if (ctx == NULL) {
		/* Out of memory building the page: a plain answer, which needs
		 * nothing more (an error page would need a context too). */
		res->status = 503;
		res->content_type = "text/plain; charset=utf-8";
		buf_reset(&res->body);
		buf_add_c(&res->body, "Sorry, there is a problem with the service. Try again later.\n");
		return HTTP_DONE;
	}
	assets = json_object();
	add_asset(app, assets, "css", "nhsuk/nhsuk-frontend.min.css");
	add_asset(app, assets, "js", "nhsuk/nhsuk-frontend.min.js");
	add_asset(app, assets, "app_css", "app.css");
	add_asset(app, assets, "app_js", "app.js");
	add_asset(app, assets, "favicon", "nhsuk/assets/images/favicon.ico");
	add_asset(app, assets, "favicon_svg", "nhsuk/assets/images/favicon.svg");
	add_asset(app, assets, "apple_touch_icon", "nhsuk/assets/images/nhsuk-icon-180.png");
	json_object_set_new(ctx, "assets", assets);
	json_object_set_new(ctx, "lang", json_string(req->lang->code));
	json_object_set_new(ctx, "dir", json_string(req->lang->rtl ? "rtl" : "ltr"));
	json_object_set_new(ctx, "languages", language_links(req));
	json_object_set_new(ctx, "footer_links", footer_links(req, ctx));
	if (a && a->signed_in && !a->via_token) {
		json_object_set_new(ctx, "staff", json_pack("{s:s, s:s, s:s}", "email", a->user.email,
		    "org_name", a->org.name, "csrf", a->session.csrf));
		res->no_store = true;
	}
	rc = tmpl_render_in(app->templates, name, ctx, req->lang, &inner);
	if (rc == 0) {
		json_object_set_new(ctx, "body", json_stringn(inner.p ? inner.p : "", inner.n));
		rc = tmpl_render_in(app->templates, layout, ctx, req->lang, &res->body);
	}
	res->language = req->lang->code;
	buf_free(&inner);
	json_decref(ctx);
	if (rc != 0) {
		buf_reset(&res->body);
		res->status = 500;
		res->content_type = "text/plain; charset=utf-8";
		buf_add_c(&res->body, "Sorry, there is a problem with the service.\n");
	}
	res->content_type = res->status == 500 && rc != 0 ? res->content_type :
	    "text/html; charset=utf-8";
	return HTTP_DONE;
}

int
page_error(struct http_request *req, struct http_response *res, int status, const char *title,
    const char *message)
{
	json_t *ctx = json_pack("{s:s, s:s, s:i}", "title", title, "message", message, "status",
	    status);

	res->status = status;
	return page_render(req, res, "error", ctx);
}

void
page_add_errors(const struct http_request *req, json_t *ctx, const struct errors *e)
{
	json_t *summary = json_array(), *by_field = json_object();
	const char *title, *detail;
	char id[ERROR_FIELD_MAX], shown[3 * ERROR_DETAIL_MAX];
	int i;

	for (i = 0; i < e->n; i++) {
		size_t j;

		/* A message the catalogue has is shown in the reader's language.
		 * One built with values in it was written in that language when
		 * it was added, if its list was given one (errors_init_in); here
		 * it is found in no catalogue and shown as it is. */
		detail = i18n_text(req->lang, e->list[i].detail);
		/* A message may quote what was sent, and a page (JSON, to the
		 * templates) holds only UTF-8: one that did not would be lost. */
		if (!text_is_utf8(str_c(detail)))
			detail = text_readable(str_c(detail), shown, sizeof(shown));
		/* An error about no one field (too many attempts, a rule the
		 * whole change breaks) is plain text in the summary: a link
		 * needs a field on the page to lead to. */
		if (e->list[i].field[0] == '\0') {
			json_array_append_new(summary, json_pack("{s:s}", "text", detail));
			continue;
		}
		/* Form ids cannot hold [ ]: "options[2]" becomes "options-2". */
		snprintf(id, sizeof(id), "%s", e->list[i].field);
		for (j = 0; id[j]; j++)
			if (id[j] == '[' || id[j] == ']' || id[j] == '.')
				id[j] = id[j] == ']' ? '\0' : '-';
		json_array_append_new(summary, json_pack("{s:s, s:s}", "field_id", id, "text",
		    detail));
		if (json_object_get(by_field, id) == NULL)
			json_object_set_new(by_field, id, json_pack("{s:s, s:s}", "id", id, "text",
			    detail));
	}
	json_object_set_new(ctx, "error_summary", summary);
	json_object_set_new(ctx, "errors", by_field);
	title = json_string_value(json_object_get(ctx, "title"));
	if (title) {
		char *t = NULL;

		if (asprintf(&t, i18n_text(req->lang, N_("Error: %s")), title) >= 0) {
			json_object_set_new(ctx, "title", json_string(t));
			free(t);
		}
	}
}
