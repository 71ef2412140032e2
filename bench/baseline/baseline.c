/*
 * baseline.c - the least a machine must do to take a vote, measured beside
 * involve so that every figure in bench/RESULTS.md is a ratio against this
 * machine at this moment, not an absolute number from a noisy shared host.
 *
 *   bench-baseline PORT DATABASE
 *
 * It listens on 127.0.0.1:PORT with libmicrohttpd set up the fastest way the
 * library allows (epoll, a thread pool of one thread per core, turbo) and:
 *  - GET (any path) answers a tiny fixed page;
 *  - POST (any path) stores its body as one row in DATABASE and answers 201
 *    only once the row is on disk.  One writer thread takes every insert that
 *    is waiting, runs them in one transaction (WAL, synchronous=FULL) and
 *    commits, then resumes each suspended connection: group commit, so many
 *    votes share one fsync, and no pool thread ever waits for the disk.
 *
 * Responses are queued on the second call of the access handler: queued on
 * the first, libmicrohttpd 0.9.75 answers "Connection: close" and throughput
 * collapses.  SIGINT or SIGTERM ends it at once; every answered POST is
 * already committed, so there is nothing to flush.
 *
 * Not part of involve and not built by meson: bench/run.sh compiles it with
 *   cc -O2 -o build-release/bench-baseline bench/baseline/baseline.c \
 *      -lmicrohttpd -lsqlite3 -lpthread
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BASELINE_BODY_MAX 1024 /* a vote is a few dozen bytes */

static const char page[] = "<!doctype html><title>ok</title><p>ok</p>\n";
static const char created[] = "{\"ok\":true}\n";

enum req_state {
	REQ_READING,   /* headers seen, body arriving */
	REQ_WAITING,   /* suspended until the writer commits */
	REQ_COMMITTED, /* on disk: answer 201 */
	REQ_FAILED,    /* the insert or the commit failed: answer 500 */
};

/* One request; owned by its connection, freed when the request completes. */
struct req {
	struct MHD_Connection *conn;
	enum req_state state;
	bool is_post;
	bool too_large;
	size_t body_len;
	char body[BASELINE_BODY_MAX];
	struct req *next; /* in the writer's queue */
};

static struct MHD_Response *page_response;
static struct MHD_Response *created_response;
static struct MHD_Response *error_response;

/* The writer's queue: requests whose row is still to be written. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static struct req *queue_head;
static struct req **queue_tail = &queue_head;

static sqlite3 *db;
static sqlite3_stmt *stmt_begin, *stmt_insert, *stmt_commit, *stmt_rollback;

static int
step_reset(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes every queued row in one transaction, then wakes their connections. */
static void *
writer_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct req *batch, *r, *next;
		bool ok;

		pthread_mutex_lock(&queue_lock);
		while (!queue_head)
			pthread_cond_wait(&queue_cond, &queue_lock);
		batch = queue_head;
		queue_head = NULL;
		queue_tail = &queue_head;
		pthread_mutex_unlock(&queue_lock);

		ok = step_reset(stmt_begin) == 0;
		for (r = batch; ok && r; r = r->next) {
			sqlite3_bind_text(stmt_insert, 1, r->body, (int)r->body_len, SQLITE_STATIC);
			ok = step_reset(stmt_insert) == 0;
			sqlite3_clear_bindings(stmt_insert);
		}
		if (ok)
			ok = step_reset(stmt_commit) == 0;
		if (!ok) {
			fprintf(stderr, "bench-baseline: %s\n", sqlite3_errmsg(db));
			step_reset(stmt_rollback);
		}
		for (r = batch; r; r = next) {
			next = r->next;
			r->state = ok ? REQ_COMMITTED : REQ_FAILED;
			MHD_resume_connection(r->conn);
		}
	}
	return NULL;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)url;
	(void)version;
	if (!r) {
		/* First call: headers only.  Answering now would close the connection. */
		r = malloc(sizeof(*r));
		if (!r)
			return MHD_NO;
		r->conn = conn;
		r->state = REQ_READING;
		r->is_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
		r->too_large = false;
		r->body_len = 0;
		r->next = NULL;
		*con_cls = r;
		return MHD_YES;
	}
	if (!r->is_post)
		return MHD_queue_response(conn, MHD_HTTP_OK, page_response);

	switch (r->state) {
	case REQ_READING:
		if (*upload_size) {
			if (r->body_len + *upload_size > sizeof(r->body))
				r->too_large = true;
			else {
				memcpy(r->body + r->body_len, upload, *upload_size);
				r->body_len += *upload_size;
			}
			*upload_size = 0;
			return MHD_YES;
		}
		if (r->too_large)
			return MHD_queue_response(conn, MHD_HTTP_CONTENT_TOO_LARGE, error_response);
		/* Suspend before the writer can see it, so its resume is never early. */
		r->state = REQ_WAITING;
		MHD_suspend_connection(conn);
		pthread_mutex_lock(&queue_lock);
		*queue_tail = r;
		queue_tail = &r->next;
		pthread_cond_signal(&queue_cond);
		pthread_mutex_unlock(&queue_lock);
		return MHD_YES;
	case REQ_WAITING:
		return MHD_YES;
	case REQ_COMMITTED:
		return MHD_queue_response(conn, MHD_HTTP_CREATED, created_response);
	case REQ_FAILED:
		return MHD_queue_response(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, error_response);
	}
	return MHD_NO;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static struct MHD_Response *
fixed_response(const char *body, size_t len, const char *type)
{
	struct MHD_Response *res;

	res = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!res || MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES) {
		fprintf(stderr, "bench-baseline: cannot create a response\n");
		exit(1);
	}
	return res;
}

static int
open_database(const char *path)
{
	if (sqlite3_open(path, &db) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db,
		"PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=FULL;"
		"CREATE TABLE IF NOT EXISTS ballot(id INTEGER PRIMARY KEY, body TEXT NOT NULL,"
		" created INTEGER NOT NULL DEFAULT (unixepoch()));",
		NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "BEGIN", -1, &stmt_begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ballot(body) VALUES (?1)", -1, &stmt_insert,
		NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &stmt_commit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "ROLLBACK", -1, &stmt_rollback, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "bench-baseline: %s: %s\n", path, db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in addr;
	struct MHD_Daemon *daemon;
	pthread_t writer;
	sigset_t stop;
	long cores;
	char *end;
	long port;
	int sig;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-baseline PORT DATABASE\n");
		return 2;
	}
	errno = 0;
	port = strtol(argv[1], &end, 10);
	if (errno || *end || port < 1 || port > 65535) {
		fprintf(stderr, "bench-baseline: bad port %s\n", argv[1]);
		return 2;
	}
	if (open_database(argv[2]) != 0)
		return 1;

	/* Signals are taken by sigwait below; every thread inherits the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	page_response = fixed_response(page, sizeof(page) - 1, "text/html; charset=utf-8");
	created_response = fixed_response(created, sizeof(created) - 1, "application/json");
	error_response = fixed_response("error\n", 6, "text/plain");

	if (pthread_create(&writer, NULL, writer_main, NULL) != 0) {
		fprintf(stderr, "bench-baseline: cannot start the writer\n");
		return 1;
	}

	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_TURBO | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cores,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, 4096u,
	    MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, "bench-baseline: cannot listen on 127.0.0.1:%ld\n", port);
		return 1;
	}
	printf("bench-baseline: listening on 127.0.0.1:%ld with %ld threads\n", port, cores);
	fflush(stdout);

	sigwait(&stop, &sig);
	/*
	 * Stopping the daemon while the writer may still suspend or resume
	 * connections is undefined behaviour in libmicrohttpd; every answered
	 * vote is already committed, so leaving at once loses nothing.
	 */
	_exit(0);
}
