/*
 * handlers_ops.c - what operators and load balancers ask of a server:
 * liveness, readiness, Prometheus metrics, and the static files.
 */
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/static_files.h"
#include "involve/store_outbox.h"
#include "handlers.h"

int
handle_healthz(struct http_request *req, struct http_response *res)
{
	(void)req;
	res->content_type = "text/plain; charset=utf-8";
	buf_add_c(&res->body, "ok\n");
	return HTTP_DONE;
}

int
handle_readyz(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;

	res->content_type = "text/plain; charset=utf-8";
	if (!atomic_load(&app->ready) || store_ping(app->store) != 0) {
		res->status = 503;
		buf_add_c(&res->body, "not ready\n");
	} else {
		buf_add_c(&res->body, "ready\n");
	}
	return HTTP_DONE;
}

/* The machine itself, when serve is given no --metrics-allow. */
static bool
is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strncmp(addr, "::ffff:127.", 11) == 0;
}

/* /metrics says how busy the service is and how many votes it takes: for
 * the networks serve names (--metrics-allow) or an administrator's token. */
static bool
metrics_allowed(struct http_request *req)
{
	const struct proxy_list *allow = req->app->cfg.metrics_allow;
	const struct auth *a = req->auth;

	if (a != NULL && a->signed_in && a->via_token && a->user.role == ROLE_ADMIN)
		return true;
	return allow != NULL ? proxy_list_contains(allow, req->client_addr) :
	    is_loopback(req->client_addr);
}

int
handle_metrics(struct http_request *req, struct http_response *res)
{
	struct app_metrics *m = &req->app->metrics;
	int64_t counts[OUTBOX_STATE_N];
	struct buf *b = &res->body;
	int i;

	if (!metrics_allowed(req))
		return reply_error_text(req, res, ERR_DENIED, "Metrics are served to the networks "
		    "the server allows (serve --metrics-allow) or with an administrator's API token.");

	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	buf_add_c(b, "# HELP involve_http_requests_total Requests completed.\n"
	    "# TYPE involve_http_requests_total counter\n");
	buf_printf(b, "involve_http_requests_total %llu\n", atomic_load(&m->requests));
	buf_add_c(b, "# HELP involve_http_responses_total Responses by status class.\n"
	    "# TYPE involve_http_responses_total counter\n");
	buf_printf(b, "involve_http_responses_total{class=\"2xx\"} %llu\n",
	    atomic_load(&m->responses_2xx));
	buf_printf(b, "involve_http_responses_total{class=\"3xx\"} %llu\n",
	    atomic_load(&m->responses_3xx));
	buf_printf(b, "involve_http_responses_total{class=\"4xx\"} %llu\n",
	    atomic_load(&m->responses_4xx));
	buf_printf(b, "involve_http_responses_total{class=\"5xx\"} %llu\n",
	    atomic_load(&m->responses_5xx));
	buf_add_c(b, "# HELP involve_votes_total Ballots by outcome.\n"
	    "# TYPE involve_votes_total counter\n");
	buf_printf(b, "involve_votes_total{outcome=\"accepted\"} %llu\n", atomic_load(&m->votes_accepted));
	buf_printf(b, "involve_votes_total{outcome=\"refused\"} %llu\n", atomic_load(&m->votes_refused));
	buf_add_c(b, "# HELP involve_pending_writes Ballots waiting for their commit.\n"
	    "# TYPE involve_pending_writes gauge\n");
	buf_printf(b, "involve_pending_writes %llu\n", atomic_load(&m->pending_writes));
	/* From the database, so every app server says the same: failed and
	 * unknown messages are for staff to look at (involve mail list). */
	if (store_outbox_count(req->app->store, 0, counts) == 0) {
		buf_add_c(b, "# HELP involve_mail_messages Mail in the outbox by state.\n"
		    "# TYPE involve_mail_messages gauge\n");
		for (i = 0; i < OUTBOX_STATE_N; i++)
			buf_printf(b, "involve_mail_messages{state=\"%s\"} %lld\n",
			    outbox_state_name((enum outbox_state)i), (long long)counts[i]);
	}
	return HTTP_DONE;
}

int
handle_static(struct http_request *req, struct http_response *res)
{
	static_files_serve(req->app->statics, http_param(req, "file"), res);
	return HTTP_DONE;
}
