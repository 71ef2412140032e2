/*
 * httpd.c - the libmicrohttpd adapter (see httpd.h).
 *
 * Two things measured on this hardware shape the code (the brief's "Shape
 * of the code"):
 *  - A response is queued on the second call of the access handler, never
 *    the first: queued on the first, libmicrohttpd 0.9.75 answers
 *    "Connection: close" and GET throughput falls about sixfold.  The one
 *    exception is 413 (see refuse_declared and drop_body).
 *  - A handler that waits for a commit returns HTTP_PENDING; the
 *    connection is suspended and resumed when the writer calls
 *    http_response_finish, so pool threads never block on the disk.
 *
 * Slow and idle clients cost a connection slot, never a thread (the pool
 * threads wait on epoll): the limits in httpd.h bound the slots, the idle
 * timeout and the body deadline take them back, and a body larger than its
 * route allows is refused as soon as that is known, at most a bounded
 * amount of it read.
 *
 * A streamed body (struct http_stream: a survey's responses) is handed to
 * the library as a reader it calls whenever the socket can take more; the
 * pieces are made on the pool thread that serves the connection, one at a
 * time, so a slow reader costs a piece's memory and no more.  The stream
 * belongs to the library's response from then on, and is freed with it,
 * when the body has been sent or the client has gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "involve/httpd.h"
#include "involve/log.h"
#include "involve/num.h"
#include "involve/proxy.h"
#include "involve/reply.h"
#include "involve/route.h"

struct httpd {
	struct MHD_Daemon *daemon;
	struct app *app;
	bool access_log;
	unsigned body_seconds; /* see HTTPD_BODY_TIMEOUTS */
	unsigned worker_connections; /* a worker thread's share of the connection limit */
	struct proxy_list proxies;
};

enum conn_state {
	CONN_READING,   /* headers seen, body arriving */
	CONN_RUNNING,   /* the handler is running */
	CONN_SUSPENDED, /* waiting for http_response_finish */
	CONN_FINISHED,  /* the response is ready to send */
};

/* How a body that will not be read is being refused: one over its
 * route's limit (413), or one sent where no route takes it (404, 405). */
enum refusal {
	REFUSAL_NONE,
	REFUSAL_QUEUED,     /* the answer is queued with the library */
	REFUSAL_DISCARDING, /* reading it to the end, then a queued answer */
	REFUSAL_ANSWERED,   /* the answer has been written; lingering, then closing */
};

/* The first block of a request's arena lives in its connection's own
 * memory, so most requests allocate nothing more (arena.h). */
#define CONN_ARENA_BYTES (4 * 1024)

/* Per-request state, owned by the connection until the request completes. */
struct conn {
	struct httpd *server;
	struct MHD_Connection *mhd;
	struct http_request req;
	struct http_response res;
	struct buf body;
	size_t body_max;
	enum refusal refusal;
	bool refusal_made;          /* c->res holds the refusal already (no sign-in) */
	unsigned long long dropped; /* body bytes read and dropped since refusing */
	pthread_mutex_t lock;
	enum conn_state state;
	struct timespec started;
	_Alignas(max_align_t) char arena_block[CONN_ARENA_BYTES];
};

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_request *req = cls;

	(void)kind;
	if (req->header_n == HTTP_HEADERS_MAX)
		return MHD_NO;
	req->headers[req->header_n].name = str_c(key);
	req->headers[req->header_n].value = str_c(value ? value : "");
	req->header_n++;
	return MHD_YES;
}

static enum MHD_Result
collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_request *req = cls;

	(void)kind;
	if (req->query_n == HTTP_QUERY_MAX)
		return MHD_NO;
	req->query[req->query_n].name = str_c(key);
	req->query[req->query_n].value = str_c(value ? value : "");
	req->query_n++;
	return MHD_YES;
}

/* The TCP peer's address, as text. */
static void
peer_address(struct MHD_Connection *mhd, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info;
	const struct sockaddr *sa;

	snprintf(out, size, "unknown");
	info = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (info == NULL || info->client_addr == NULL)
		return;
	sa = info->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

/* The client's address: the peer's, or behind a trusted proxy the one it
 * forwarded (see proxy.h). */
static void
client_address(struct httpd *h, struct MHD_Connection *mhd, const struct http_request *req,
    char *out, size_t size)
{
	char peer[HTTP_CLIENT_ADDR_MAX];
	struct str forwarded[HTTP_HEADERS_MAX];
	int i, n = 0;

	peer_address(mhd, peer, sizeof(peer));
	/* Headers past HTTP_HEADERS_MAX were not collected: the list might
	 * lack the entry our proxy added, so none of it is believed. */
	if (h->proxies.n == 0 || MHD_get_connection_values(mhd, MHD_HEADER_KIND, NULL, NULL) >
	    req->header_n) {
		snprintf(out, size, "%s", peer);
		return;
	}
	for (i = 0; i < req->header_n; i++) {
		if (str_case_eq_c(req->headers[i].name, "X-Forwarded-For"))
			forwarded[n++] = req->headers[i].value;
	}
	proxy_client_address(&h->proxies, peer, forwarded, n, out, size);
}

/* A stream being sent: its pieces, one at a time. */
struct feed {
	struct http_stream stream;
	struct buf piece;
	size_t sent;       /* of piece */
	bool ended;
	char route[64];    /* for the log */
};

static ssize_t
feed_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct feed *f = cls;
	size_t n;
	int rc;

	(void)pos;
	while (f->sent == f->piece.n && !f->ended) {
		buf_reset(&f->piece);
		f->sent = 0;
		rc = f->stream.next(f->stream.ctx, &f->piece);
		if (rc >= 0 && !buf_ok(&f->piece))
			rc = ERR_NOMEM;
		if (rc < 0) {
			/* The status went long ago: the body ends here, unfinished. */
			log_warn("httpd", "%s: the body stopped part way (error %d)", f->route, rc);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		f->ended = rc == 0;
	}
	if (f->sent == f->piece.n)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = f->piece.n - f->sent < max ? f->piece.n - f->sent : max;
	memcpy(out, f->piece.p + f->sent, n);
	f->sent += n;
	return (ssize_t)n;
}

static void
feed_free(void *cls)
{
	struct feed *f = cls;

	if (f->stream.free != NULL)
		f->stream.free(f->stream.ctx);
	buf_free(&f->piece);
	free(f);
}

/* The library's response for a streamed body; the stream is taken from res. */
static struct MHD_Response *
stream_response(struct conn *c)
{
	struct http_response *res = &c->res;
	struct MHD_Response *r;
	struct feed *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->stream = res->stream;
	res->stream = (struct http_stream){ NULL, NULL, NULL };
	snprintf(f->route, sizeof(f->route), "%s", c->req.route ? c->req.route->name : "-");
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTPD_STREAM_BLOCK, feed_read, f,
	    feed_free);
	if (r == NULL)
		feed_free(f);
	return r;
}

static enum MHD_Result
send_response(struct conn *c)
{
	struct http_response *res = &c->res;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char csp[HTTP_FRAME_ANCESTORS_MAX + 256];
	char *body;
	size_t len;
	bool streamed;
	int i;

	app_encode_response(&c->req, res);
	streamed = res->stream.next != NULL;
	if (streamed) {
		r = stream_response(c);
	} else if (res->static_body) {
		r = MHD_create_response_from_buffer(res->static_len, (void *)res->static_body,
		    MHD_RESPMEM_PERSISTENT);
	} else {
		body = buf_detach(&res->body, &len);
		if (body == NULL) {
			body = strdup("");
			len = 0;
			res->status = 500;
		}
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(body);
	}
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", res->content_type);
	if (res->content_encoding)
		MHD_add_response_header(r, "Content-Encoding", res->content_encoding);
	/* A page in the visitor's language varies with what chose it. */
	if (res->language)
		MHD_add_response_header(r, "Content-Language", res->language);
	if (res->vary_encoding || res->language)
		MHD_add_response_header(r, "Vary", res->vary_encoding && res->language ?
		    "Accept-Encoding, Accept-Language, Cookie" : res->language ?
		    "Accept-Language, Cookie" : "Accept-Encoding");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "strict-origin-when-cross-origin");
	/* A frameable page (the embedded poll) may be framed only by the
	 * sites its organisation lists; by none when it lists none. */
	snprintf(csp, sizeof(csp), "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
	    "base-uri 'none'; form-action 'self'; frame-ancestors %s",
	    res->frameable && res->frame_ancestors[0] ? res->frame_ancestors : "'none'");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	if (!res->frameable || !res->frame_ancestors[0])
		MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (c->server->app->cfg.secure_cookies)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	if (res->cache_control)
		MHD_add_response_header(r, "Cache-Control", res->cache_control);
	else
		MHD_add_response_header(r, "Cache-Control", res->no_store ? "no-store" : "no-cache");
	for (i = 0; i < res->header_n; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	/* A stream is a file of personal data made as the client takes it: a
	 * proxy in front (deploy/nginx) passes it on as it comes rather than
	 * keeping it in a temporary file of its own. */
	if (streamed)
		MHD_add_response_header(r, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(c->mhd, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Called by the handler's completion (any thread). */
static void
conn_finish(void *ctx)
{
	struct conn *c = ctx;
	struct MHD_Connection *mhd = c->mhd;
	bool suspended;

	pthread_mutex_lock(&c->lock);
	/* Not suspended yet: the adapter is still in on_request and will
	 * send at once when it sees CONN_FINISHED. */
	suspended = c->state == CONN_SUSPENDED;
	c->state = CONN_FINISHED;
	pthread_mutex_unlock(&c->lock);
	/* Resumed only after unlocking, and without touching c again: once
	 * resumed, a pool thread may send the reply and free c at any time. */
	if (suspended)
		MHD_resume_connection(mhd);
}

static struct conn *
conn_new(struct httpd *h, struct MHD_Connection *mhd, const char *url, const char *method)
{
	struct conn *c = calloc(1, sizeof(*c));
	enum http_method m;

	if (c == NULL)
		return NULL;
	c->server = h;
	c->mhd = mhd;
	pthread_mutex_init(&c->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	http_response_init(&c->res);
	arena_init(&c->req.arena, c->arena_block, sizeof(c->arena_block));
	c->req.app = h->app;
	c->req.now = (int64_t)time(NULL);
	c->req.path = str_c(url);
	c->req.method = http_method_parse(method, &m) == 0 ? m : 0;
	MHD_get_connection_values(mhd, MHD_HEADER_KIND, collect_header, &c->req);
	MHD_get_connection_values(mhd, MHD_GET_ARGUMENT_KIND, collect_query, &c->req);
	client_address(h, mhd, &c->req, c->req.client_addr, sizeof(c->req.client_addr));
	return c;
}

/* Routes the request once, for its body limit: a path with no route (or
 * a method it does not take) accepts no body at all, which is dropped and
 * answered with the 404 or 405 it is owed; app_handle uses the route
 * found. */
static size_t
body_limit(struct conn *c)
{
	const struct route *routes, *r;
	unsigned allowed;
	int n;

	routes = app_routes(&n);
	if (route_find(routes, n, c->req.method, c->req.path, &c->req, &r, &allowed) == ROUTE_FOUND) {
		c->req.route = r;
		return r->body_max;
	}
	return 0;
}

/* The answer to a body that will not be read, into c->res: 413 for one
 * over its route's limit (problem details, whatever the route: the body was
 * not a form a person filled in); for one sent where no route takes it,
 * what the app answers the request without it (404 or 405). */
static void
refusal_answer(struct conn *c)
{
	if (c->refusal_made)
		return;
	http_response_free(&c->res);
	http_response_init(&c->res);
	/* A file chosen on a page: its handler says it is too large on the
	 * page, as it says what else is wrong with it. */
	if (c->req.route != NULL && (c->req.route->flags & ROUTE_MULTIPART)) {
		c->req.body = (struct str){ "", 0 };
		c->req.too_large = true;
		if (app_handle(c->server->app, &c->req, &c->res) == HTTP_DONE)
			return;
		http_response_free(&c->res);
		http_response_init(&c->res);
	}
	if (c->req.route != NULL) {
		api_problem(&c->res, 413, "Content too large", "The request body is larger than this "
		    "address accepts.", NULL);
		return;
	}
	c->req.body = (struct str){ "", 0 };
	app_handle(c->server->app, &c->req, &c->res);
}

/* The refusal, queued while the library still takes a response: before
 * the body is read, or once all of it has been. */
static enum MHD_Result
reply_refused(struct conn *c)
{
	c->refusal = REFUSAL_QUEUED;
	c->state = CONN_FINISHED;
	refusal_answer(c);
	return send_response(c);
}

/*
 * A 413 for a body far past its limit, while the body still arrives.
 * libmicrohttpd 0.9.75 takes a response only before the body is read or
 * after all of it has been, and a gigabyte is not to be read.  So the 413
 * is written straight to the socket, which carries nothing else at this
 * moment (any earlier response on it has been sent, this request's has
 * not begun, and there is no TLS here: that is the proxy's), and the
 * sending side is shut.  Reading goes on, dropped, for a little while
 * (drop_body): closing a socket with unread data resets it, and the
 * client would lose the answer.
 */
static enum MHD_Result
answer_early(struct conn *c)
{
	const union MHD_ConnectionInfo *info;
	struct buf wire = BUF_INIT;
	int i;

	c->refusal = REFUSAL_ANSWERED;
	c->dropped = 0;
	c->state = CONN_FINISHED;
	refusal_answer(c);
	info = MHD_get_connection_info(c->mhd, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (info == NULL || !buf_ok(&c->res.body))
		return MHD_NO;
	buf_printf(&wire, "HTTP/1.1 %d %s\r\nConnection: close\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n", c->res.status,
	    http_status_text(c->res.status), c->res.content_type, c->res.body.n);
	for (i = 0; i < c->res.header_n; i++)
		buf_printf(&wire, "%s: %s\r\n", c->res.headers[i].name, c->res.headers[i].value);
	buf_add_c(&wire, "\r\n");
	buf_add(&wire, c->res.body.p, c->res.body.n);
	/* The send buffer of a connection that has only been reading is
	 * empty, so the answer fits at once. */
	if (!buf_ok(&wire) || send(info->connect_fd, wire.p, wire.n, MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)wire.n) {
		buf_free(&wire);
		return MHD_NO;
	}
	buf_free(&wire);
	shutdown(info->connect_fd, SHUT_WR);
	return MHD_YES;
}

/* Whether the body has been arriving for longer than it may. */
static bool
body_overdue(const struct conn *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - c->started.tv_sec > (time_t)c->server->body_seconds;
}

/*
 * The body of a refused request: read and dropped.  A little past the
 * limit, to the end, then a proper 413 on a connection that stays open; a
 * lot past it, an early 413 and, after a bounded linger, the close.
 */
static enum MHD_Result
drop_body(struct conn *c, size_t *upload_data_size)
{
	if (*upload_data_size == 0) /* the whole body has arrived */
		return c->refusal == REFUSAL_DISCARDING ? reply_refused(c) : MHD_NO;
	if (body_overdue(c))
		return MHD_NO;
	c->dropped += *upload_data_size;
	*upload_data_size = 0;
	if (c->refusal == REFUSAL_DISCARDING && c->dropped > c->body_max + HTTPD_DISCARD_MAX)
		return answer_early(c);
	if (c->refusal == REFUSAL_ANSWERED && c->dropped > HTTPD_LINGER_MAX)
		return MHD_NO;
	return MHD_YES;
}

/* Refuses a body declared (Content-Length) larger than the route allows. */
static enum MHD_Result
refuse_declared(struct conn *c, unsigned long long declared)
{
	const char *expect;

	/* The client waits for "100 Continue" before sending: it has sent
	 * nothing, and a queued answer is all it needs. */
	expect = MHD_lookup_connection_value(c->mhd, MHD_HEADER_KIND, "Expect");
	if (expect && strcasecmp(expect, "100-continue") == 0)
		return reply_refused(c);
	if (declared - c->body_max <= HTTPD_DISCARD_MAX) {
		c->refusal = REFUSAL_DISCARDING;
		return MHD_YES;
	}
	return answer_early(c);
}

/*
 * A request with a body for a route that needs a sign-in it does not
 * have: refused before a byte of the body is kept (app_refuse_before_body
 * made the answer), as early as a body too large.
 */
static enum MHD_Result
refuse_unsigned(struct conn *c)
{
	const char *expect;

	c->refusal_made = true;
	expect = MHD_lookup_connection_value(c->mhd, MHD_HEADER_KIND, "Expect");
	if (expect && strcasecmp(expect, "100-continue") == 0)
		return reply_refused(c);
	return answer_early(c);
}

/* ---- multipart/form-data ---------------------------------------------------------------- */

/* Where the parts of a multipart body are copied: one block of the
 * request's arena as large as the body, which holds them all. */
struct multipart_fill {
	struct http_request *req;
	char *out;
	size_t used, cap;
	struct str *current; /* the value or data the next bytes extend */
	struct str *current_name;
};

static struct str
arena_copy_c(struct arena *a, const char *s)
{
	return s ? arena_str(a, str_c(s)) : (struct str){ "", 0 };
}

static enum MHD_Result
on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct multipart_fill *m = cls;
	struct http_request *req = m->req;

	(void)kind;
	(void)transfer_encoding;
	if (key == NULL)
		return MHD_NO;
	/* A new part begins at offset 0; a part whose first call brought no
	 * bytes is still that part when its bytes come, at offset 0 again. */
	if (m->current == NULL || (off == 0 && !(m->current->n == 0 &&
	    str_eq_c(*m->current_name, key)))) {
		if (filename != NULL) {
			struct http_file *f;

			if (req->file_n == HTTP_FILES_MAX)
				return MHD_NO;
			f = &req->files[req->file_n++];
			f->field = arena_copy_c(&req->arena, key);
			f->filename = arena_copy_c(&req->arena, filename);
			f->content_type = arena_copy_c(&req->arena, content_type);
			f->data = (struct str){ m->out + m->used, 0 };
			m->current = &f->data;
			m->current_name = &f->field;
		} else {
			struct http_pair *p;

			if (req->form_n == HTTP_FORM_FIELDS_MAX)
				return MHD_NO;
			p = &req->form[req->form_n++];
			p->name = arena_copy_c(&req->arena, key);
			p->value = (struct str){ m->out + m->used, 0 };
			m->current = &p->value;
			m->current_name = &p->name;
		}
	}
	if (size > m->cap - m->used)
		return MHD_NO;
	memcpy(m->out + m->used, data, size);
	m->used += size;
	m->current->n += size;
	return MHD_YES;
}

/*
 * Reads a multipart/form-data body, all of which has arrived, into the
 * request's form and files (http.h) with the library's post processor,
 * which takes its boundary from the connection's Content-Type.
 */
static void
read_multipart(struct conn *c)
{
	struct http_request *req = &c->req;
	struct multipart_fill m = { req, NULL, 0, 0, NULL, NULL };
	struct MHD_PostProcessor *pp;
	bool ok;

	req->form_n = 0;
	req->file_n = 0;
	req->multipart = HTTP_MULTIPART_BAD;
	if (!http_content_type_is(req, "multipart/form-data") || req->body.n == 0)
		return;
	m.cap = req->body.n;
	if ((m.out = arena_alloc(&req->arena, m.cap)) == NULL)
		return;
	if ((pp = MHD_create_post_processor(c->mhd, HTTPD_POST_BUFFER, on_part, &m)) == NULL)
		return;
	ok = MHD_post_process(pp, req->body.p, req->body.n) == MHD_YES;
	/* Destroying it says whether the body ended where a form ends. */
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		ok = false;
	if (ok)
		req->multipart = HTTP_MULTIPART_READ;
	else
		req->form_n = req->file_n = 0;
}

/* Whether a body follows the headers. */
static bool
body_coming(struct MHD_Connection *mhd, const char *length, int64_t declared)
{
	if (length != NULL)
		return declared > 0;
	return MHD_lookup_connection_value(mhd, MHD_HEADER_KIND, "Transfer-Encoding") != NULL;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *mhd, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct httpd *h = cls;
	struct conn *c = *con_cls;
	const char *length;
	int64_t declared = 0;
	int rc;

	(void)version;
	if (c == NULL) {
		c = conn_new(h, mhd, url, method);
		if (c == NULL)
			return MHD_NO;
		*con_cls = c;
		c->state = CONN_READING;
		c->body_max = body_limit(c);
		length = MHD_lookup_connection_value(mhd, MHD_HEADER_KIND, "Content-Length");
		/* The library has checked the header's form; a value past int64
		 * is simply far too large. */
		if (length && num_parse_c(length, 0, INT64_MAX, &declared) == NUM_TOO_LARGE)
			declared = INT64_MAX;
		if (length && (uint64_t)declared > c->body_max)
			return refuse_declared(c, (unsigned long long)declared);
		if (body_coming(mhd, length, length ? declared : 0) &&
		    app_refuse_before_body(h->app, &c->req, &c->res))
			return refuse_unsigned(c);
		return MHD_YES;
	}
	if (c->refusal != REFUSAL_NONE)
		return drop_body(c, upload_data_size);
	if (c->state == CONN_FINISHED) {
		/* Resumed: the work the handler waited for is done, and the
		 * answer is made here, on this pool thread. */
		http_response_complete(&c->req, &c->res);
		return send_response(c);
	}
	if (*upload_data_size > 0) {
		if (body_overdue(c)) {
			log_warn("httpd", "closed a connection whose body took over %u s",
			    c->server->body_seconds);
			return MHD_NO;
		}
		if (c->body.n + *upload_data_size > c->body_max) {
			/* Chunked, and over the limit. */
			c->refusal = REFUSAL_DISCARDING;
			c->dropped = c->body.n;
			buf_free(&c->body);
			return drop_body(c, upload_data_size);
		}
		buf_add(&c->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!buf_ok(&c->body))
		return MHD_NO;
	c->req.body = (struct str){ c->body.p ? c->body.p : "", c->body.n };
	if (c->req.route != NULL && (c->req.route->flags & ROUTE_MULTIPART))
		read_multipart(c);
	c->state = CONN_RUNNING;
	c->res.finish = conn_finish;
	c->res.finish_ctx = c;
	rc = app_handle(h->app, &c->req, &c->res);
	if (rc == HTTP_PENDING) {
		pthread_mutex_lock(&c->lock);
		if (c->state == CONN_FINISHED) {
			pthread_mutex_unlock(&c->lock);
			http_response_complete(&c->req, &c->res);
			return send_response(c);
		}
		c->state = CONN_SUSPENDED;
		MHD_suspend_connection(mhd);
		pthread_mutex_unlock(&c->lock);
		return MHD_YES;
	}
	c->state = CONN_FINISHED;
	return send_response(c);
}

static void
access_log(struct conn *c, enum MHD_RequestTerminationCode toe)
{
	struct timespec now;
	struct buf b = BUF_INIT;
	long long micros;

	clock_gettime(CLOCK_MONOTONIC, &now);
	micros = (now.tv_sec - c->started.tv_sec) * 1000000LL +
	    (now.tv_nsec - c->started.tv_nsec) / 1000;
	/* Method, route, status and time only: no address, no query, no
	 * cookie, nothing that identifies a person (see the privacy notice). */
	buf_printf(&b, "{\"type\":\"access\",\"time\":%lld,\"method\":\"%s\",\"route\":\"%s\","
	    "\"status\":%d,\"micros\":%lld,\"completed\":%s}", (long long)c->req.now,
	    http_method_name(c->req.method), c->req.route ? c->req.route->name : "-",
	    c->res.status, micros, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "true" : "false");
	if (buf_ok(&b))
		log_json_line(b.p, b.n);
	buf_free(&b);
}

static void
on_completed(void *cls, struct MHD_Connection *mhd, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	struct conn *c = *con_cls;
	struct app_metrics *m = &h->app->metrics;

	(void)mhd;
	if (c == NULL)
		return;
	atomic_fetch_add(&m->requests, 1);
	if (c->res.status < 300)
		atomic_fetch_add(&m->responses_2xx, 1);
	else if (c->res.status < 400)
		atomic_fetch_add(&m->responses_3xx, 1);
	else if (c->res.status < 500)
		atomic_fetch_add(&m->responses_4xx, 1);
	else
		atomic_fetch_add(&m->responses_5xx, 1);
	if (h->access_log)
		access_log(c, toe);
	http_request_free(&c->req);
	http_response_free(&c->res);
	buf_free(&c->body);
	pthread_mutex_destroy(&c->lock);
	free(c);
	*con_cls = NULL;
}

/*
 * Decodes %HH in the path and query in place, like the library's own
 * decoder, except that %00 is left as it is: a NUL would cut the C string
 * the handlers see, so "/static/x/app.css%00.png" would name app.css.
 */
static size_t
unescape(void *cls, struct MHD_Connection *mhd, char *s)
{
	char *in = s, *out = s;
	unsigned char c;

	(void)cls;
	(void)mhd;
	while (*in) {
		/* in[1] is never read past the NUL: str_hex_byte stops at it. */
		if (in[0] == '%' && in[1] != '\0' && str_hex_byte(in + 1, &c) == 0 && c != 0) {
			*out++ = (char)c;
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warn("httpd", "%s", msg);
}

/* Splits "host:port" / "[v6]:port" into a socket address. */
static int
parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, struct errors *e)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(listen, ':');
	int64_t port;
	size_t hn;

	if (colon == NULL || colon == listen)
		goto bad;
	if (num_parse_c(colon + 1, 1, 65535, &port) != NUM_OK)
		goto bad;
	hn = (size_t)(colon - listen);
	if (listen[0] == '[') {
		if (hn < 3 || listen[hn - 1] != ']' || hn - 2 >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, hn - 2);
		host[hn - 2] = '\0';
	} else {
		if (hn >= sizeof(host))
			goto bad;
		memcpy(host, listen, hn);
		host[hn] = '\0';
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
bad:
	errors_add(e, "listen", "--listen must be ADDRESS:PORT with a numeric address, like "
	    "127.0.0.1:8080 or [::1]:8080 (got \"%s\")", listen);
	return ERR_INVALID;
}

int
httpd_parse_listen(const char *listen, struct errors *e)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return parse_listen(listen, &ss, &len, e);
}

int
httpd_start(struct app *app, const struct httpd_config *cfg, struct httpd **out, struct errors *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct httpd *h;
	unsigned flags, max_connections, timeout;
	long cpus;
	int threads;

	if (parse_listen(cfg->listen, &ss, &len, e) != 0)
		return ERR_INVALID;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return ERR_NOMEM;
	h->app = app;
	h->access_log = cfg->access_log;
	if (cfg->trusted_proxies)
		h->proxies = *cfg->trusted_proxies;
	max_connections = cfg->max_connections ? cfg->max_connections : HTTPD_CONNECTIONS_DEFAULT;
	timeout = cfg->timeout_seconds ? cfg->timeout_seconds : HTTPD_TIMEOUT_SECONDS;
	h->body_seconds = HTTPD_BODY_TIMEOUTS * timeout;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	threads = cfg->threads > 0 ? cfg->threads : (cpus > 0 ? (int)cpus : 2);
	flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
	    MHD_USE_TURBO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	    MHD_OPTION_CONNECTION_LIMIT, max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_max,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_HEADER_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	(void)len;
	h->worker_connections = max_connections / (unsigned)threads > 0 ?
	    max_connections / (unsigned)threads : 1;
	if (h->daemon == NULL) {
		errors_add(e, "listen", "cannot listen on %s: %s", cfg->listen,
		    errno ? strerror(errno) : "the address is in use or not available");
		free(h);
		return ERR_IO;
	}
	*out = h;
	return 0;
}

/* Connections open now, over all the workers. */
static unsigned
connections(struct httpd *h)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info ? info->num_connections : 0;
}

void
httpd_stop(struct httpd *h)
{
	int waited;

	if (h == NULL)
		return;
	/*
	 * libmicrohttpd 0.9.75 takes a worker's listening socket out of its
	 * epoll set while the worker is at its share of the connection limit,
	 * without a lock; quiescing in that moment takes it out a second time
	 * and aborts.  So first, for a while, wait until no worker can be
	 * there (connections close as their clients finish, or time out).
	 */
	for (waited = 0; waited < HTTPD_DRAIN_MS && connections(h) >= h->worker_connections;
	    waited += 10)
		usleep(10 * 1000);
	/* Stop accepting, then let requests waiting for a commit finish:
	 * the daemon must not stop while connections are suspended. */
	MHD_quiesce_daemon(h->daemon);
	for (waited = 0; waited < HTTPD_DRAIN_MS &&
	    atomic_load(&h->app->metrics.pending_writes) > 0; waited += 10)
		usleep(10 * 1000);
	MHD_stop_daemon(h->daemon);
	free(h);
}
