/*
 * httpd.h - the HTTP server adapter: the only module that knows the HTTP
 * library (libmicrohttpd).  It reads requests into struct http_request,
 * passes them to app_handle and writes struct http_response back.
 */
#ifndef INVOLVE_HTTPD_H
#define INVOLVE_HTTPD_H

#include <stdbool.h>

#include "involve/app.h"

/*
 * Named limits of the server.  A connection costs a file descriptor and a
 * little memory but no thread (the pool threads wait on epoll), so slow
 * or idle clients take room, not service: the limits below bound the room
 * and take it back.
 */
/* Open connections at once, by default: 10,000 idle or slow clients must
 * not lock out the rest, and at most about 40 KB of memory each (the
 * header buffer and kernel socket buffers; an idle one measured 14 KB),
 * 16,384 cost under 1 GB. */
#define HTTPD_CONNECTIONS_DEFAULT 16384
/* Open connections from one address, by default: a sixteenth of the
 * table, so one source alone cannot fill it, while a large NAT (a
 * hospital's or a mobile network's) with a few hundred browsers fits.
 * Off behind a trusted proxy, where every client has the proxy's address. */
#define HTTPD_PER_IP_DEFAULT 1024
/* Seconds a connection may be silent before it is closed: long enough for
 * a phone on a poor signal, short enough that idle keep-alive connections
 * and clients that stall give their room back. */
#define HTTPD_TIMEOUT_SECONDS 30
/* The time from the end of the headers to the end of the body, in idle
 * timeouts (60 s by default): a client that trickles a body, a few bytes
 * at a time, each inside the idle timeout, is dropped.  Our largest body
 * (128 KB) takes under a second on a slow mobile link. */
#define HTTPD_BODY_TIMEOUTS 2
/* Request line and headers, per connection: bounds what a client that
 * trickles headers can make the server hold; a browser's headers, cookies
 * included, take a few KB. */
#define HTTPD_HEADER_MEMORY (32 * 1024)
/* Body bytes past a route's limit read and dropped, so that a body a
 * little too large gets a proper 413 on a connection that stays open;
 * past this the 413 is sent at once and the connection closed.  As much
 * as a whole JSON body: reading it costs nothing worth saving. */
#define HTTPD_DISCARD_MAX (64 * 1024)
/* Body bytes read and dropped after a 413 sent early, so the client can
 * read the answer: closing a socket with unread data resets it, and a
 * reset can destroy the answer before the client reads it.  About what a
 * client has in flight (its socket buffers and the network's) when the
 * answer reaches it. */
#define HTTPD_LINGER_MAX (1024 * 1024)
/* The post processor's buffer for a multipart form: a part's headers
 * must fit in it (a file's name, up to 200 characters, among them); its
 * bytes pass through in pieces of about this size. */
#define HTTPD_POST_BUFFER (16 * 1024)
/* At shutdown, the longest wait for pending commits. */
#define HTTPD_DRAIN_MS 10000
/* The most bytes of a streamed body (http_stream) handed to the library
 * at a time. */
#define HTTPD_STREAM_BLOCK (64 * 1024)
/* File descriptors kept for things other than connections: the database
 * (writer and readers, each with its WAL and shared-memory files), the
 * listening socket, and each pool thread's epoll and wake-up descriptors.
 * A server that ran out would fail to open a database file, not just
 * refuse a connection. */
#define HTTPD_FDS_RESERVED 256

struct httpd;
struct proxy_list;

struct httpd_config {
	const char *listen;       /* "127.0.0.1:8080" or "[::1]:8080" */
	int threads;              /* 0 = one per processor */
	bool access_log;          /* a JSON line per request on stderr */
	unsigned max_connections; /* 0 = HTTPD_CONNECTIONS_DEFAULT */
	unsigned per_ip_max;      /* connections from one address; 0 = no limit */
	unsigned timeout_seconds; /* 0 = HTTPD_TIMEOUT_SECONDS */
	/* Peers whose X-Forwarded-For is believed (copied); NULL = none. */
	const struct proxy_list *trusted_proxies;
};

/* Parses "ADDR:PORT"; error on "listen" in e. */
int httpd_parse_listen(const char *listen, struct errors *e);
int httpd_start(struct app *app, const struct httpd_config *cfg, struct httpd **out,
    struct errors *e);
/* Stops accepting, finishes what is in flight and frees the server. */
void httpd_stop(struct httpd *h);

#endif
