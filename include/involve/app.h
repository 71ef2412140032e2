/*
 * app.h - what every handler can reach: the store, templates, keys,
 * settings, static assets and counters of one running server.
 *
 * One struct app is made by `involve serve` (or a test) and outlives every
 * request.  Everything in it is read-only after app_init, except the
 * counters and the rate limiter, which are thread-safe.
 */
#ifndef INVOLVE_APP_H
#define INVOLVE_APP_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "involve/embed.h"
#include "involve/http.h"
#include "involve/keys.h"
#include "involve/proxy.h"
#include "involve/reply.h"
#include "involve/store.h"

struct tmpl_set;
struct static_files;
struct page_cache;
struct survey_cache;
struct hasher;
struct delayer;

struct app_config {
	const char *public_url;      /* "http://127.0.0.1:8080", no trailing slash */
	/* Pages and static files: read from these folders when set (serve
	 * --templates and --static, for working on them), else taken from the
	 * built-in lists (web_assets.h), which must outlive the app. */
	const char *templates_dir;
	const char *static_dir;
	const struct embedded_file *templates;
	const struct embedded_asset *statics;
	int vote_rate_limit;         /* votes per minute per network; 0 = off */
	bool secure_cookies;         /* public URL is https */
	int session_idle;            /* seconds a staff session may sit unused */
	int hash_slots;              /* passwords checked at once (hasher.h); 0 = one per core but one */
	/* Who may read /metrics without an administrator's token: clients in
	 * these networks (NULL: the machine itself, 127.0.0.0/8 and ::1). */
	const struct proxy_list *metrics_allow;
	/* Milliseconds before a throttled or busy sign-in is answered (delay.h);
	 * 0 = at once. */
	int refusal_delay_ms;
	/* Where large files are made before they are sent (an XLSX export);
	 * NULL: $TMPDIR, else /tmp.  `involve serve` gives the data directory's
	 * tmp, on the disk that holds the data rather than in memory. */
	const char *tmp_dir;
};

struct app_metrics {
	atomic_ullong requests;
	atomic_ullong responses_2xx, responses_3xx, responses_4xx, responses_5xx;
	atomic_ullong votes_accepted, votes_refused;
	atomic_ullong pending_writes;
};

struct app {
	struct app_config cfg;
	struct store *store;
	struct tmpl_set *templates;
	struct static_files *statics;
	struct page_cache *pages;
	struct survey_cache *surveys; /* surveys' definitions kept read (survey_cache.h) */
	struct keys keys;
	struct app_metrics metrics;
	struct hasher *hasher;       /* password checks (hasher.h) */
	struct delayer *delayer;     /* refusals answered after a pause (delay.h) */
	/* The theme classifier's themes when serve reads free text with one
	 * (--themes-model; NULL and 0 without): what staff choose from when
	 * they review a comment.  The caller's, outliving the app. */
	const char *const *theme_names;
	int theme_n;
	atomic_bool ready;
};

/* Loads templates and static files and sets up the rate limiter; the
 * store and keys are the caller's and must outlive the app. */
int app_init(struct app *app, const struct app_config *cfg, struct store *store,
    const struct keys *keys, struct errors *e);
void app_free(struct app *app);

/* The route table, in src/web/routes.c. */
const struct route *app_routes(int *n);
/* Runs the request through routing, limits and the handler.  The adapter
 * and handler tests both call this. */
int app_handle(struct app *app, struct http_request *req, struct http_response *res);

/*
 * Before a request's body is read: when its route (req->route, found by
 * the adapter) needs a sign-in the request does not have, fills res with
 * the refusal and returns true, so no body is read for nobody.
 * app_handle checks the same again (and the CSRF token, which is in the
 * body).
 */
bool app_refuse_before_body(struct app *app, struct http_request *req, struct http_response *res);

/*
 * Settles how a response's body is sent, just before it is (the HTTP
 * adapter calls this for every response): in the coding the request's
 * Accept-Encoding prefers, from the static file's forms made when
 * building, or compressed now when the body is large enough to pay, with
 * res->content_encoding and res->vary_encoding set to match.  A response
 * that may carry a secret is never compressed (see may_compress in app.c).
 * A body that cannot be compressed (out of memory) is sent as it is.
 */
void app_encode_response(const struct http_request *req, struct http_response *res);

/* Reads a poll for casting a ballot into a, from a copy at most a moment
 * old (the writer checks again at commit).  0 or the store's error. */
int app_poll_for_vote(struct app *app, struct arena *a, int64_t id, struct poll **out);

/*
 * Renders template `name` inside the layout into res (status 200 unless
 * set).  `ctx` is the page's context object; this function adds what the
 * layout needs (assets, footer links) and takes ownership of ctx.
 */
int page_render(struct http_request *req, struct http_response *res, const char *name,
    json_t *ctx);
/* The same inside another layout ("embed_layout" for the iframe widget). */
int page_render_in(struct http_request *req, struct http_response *res, const char *layout,
    const char *name, json_t *ctx);
/* An error page (404, 403, ...) with the NHS.UK layout. */
int page_error(struct http_request *req, struct http_response *res, int status,
    const char *title, const char *message);
/* Adds "error_summary" and per-field "errors" to ctx from e, and prefixes
 * the title with "Error: ".  An error's field is the id of the form field
 * its summary entry links to ("options[2]" becomes "options-2"); one with
 * field "" is about no one field, and its entry is plain text. */
void page_add_errors(const struct http_request *req, json_t *ctx, const struct errors *e);

#endif
