/*
 * httpd.h - the HTTP server adapter: the only module that knows the HTTP
 * library (libmicrohttpd).  It reads requests into struct http_request,
 * passes them to app_handle and writes struct http_response back.
 */
#ifndef INVOLVE_HTTPD_H
#define INVOLVE_HTTPD_H

#include <stdbool.h>

#include "involve/app.h"

/* Named limits of the server. */
#define HTTPD_CONNECTIONS_MAX 4096       /* open connections at once */
#define HTTPD_TIMEOUT_SECONDS 30         /* idle time before a connection is closed */
#define HTTPD_HEADER_MEMORY (32 * 1024)  /* request line and headers, per connection */
#define HTTPD_BODY_DEFAULT_MAX 1024      /* body read for a path with no route, before 404 */
#define HTTPD_DRAIN_MS 10000             /* at shutdown, the longest wait for pending commits */

struct httpd;

struct httpd_config {
	const char *listen;  /* "127.0.0.1:8080" or "[::1]:8080" */
	int threads;         /* 0 = one per processor */
	bool access_log;     /* a JSON line per request on stderr */
};

/* Parses "ADDR:PORT"; error on "listen" in e. */
int httpd_parse_listen(const char *listen, struct errors *e);
int httpd_start(struct app *app, const struct httpd_config *cfg, struct httpd **out,
    struct errors *e);
/* Stops accepting, finishes what is in flight and frees the server. */
void httpd_stop(struct httpd *h);

#endif
