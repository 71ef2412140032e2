/*
 * fuzz.h - what the libFuzzer targets share.
 *
 * A fixture: one running app (templates, static files, page cache) on a
 * real SQLite store in a temporary folder, with two organisations, a staff
 * administrator with a session, a CSRF token and an API token, and polls
 * in every state, all made once per process in LLVMFuzzerInitialize.
 *
 * A request built from fuzz input and run through app_handle as the HTTP
 * adapter would, waiting for responses that finish on the store's writer
 * thread, then checked against what must hold for any input.
 *
 * Fuzz inputs may name the fixture's ids and secrets with "$" words, so a
 * committed seed still works when a poll had to be made again:
 *   $o $d $c $s $m  the open, draft, closed, scheduled and multiple-choice
 *                   polls' ids
 *   $a $b           the open poll's first and second options' ids
 *   $S $C $T $V     the session token, its CSRF token, the API token and a
 *                   signed voter cookie
 */
#ifndef INVOLVE_FUZZ_H
#define INVOLVE_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/app.h"
#include "involve/keys.h"
#include "involve/org.h"
#include "involve/secret.h"
#include "involve/store.h"
#include "pending.h" /* tests/unit/web: shared with the handler tests */

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input.  A failure aborts, which
 * libFuzzer records as a crash with the input that caused it. */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(                                                                   \
			    stderr, "fuzz: %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Text the fixture and the seeds put in values that pages show.  It must
 * never reach an HTML page as it is: escaped it reads "&lt;fz&quot;...". */
#define FUZZ_MARK "<fz\"'&>"
#define FUZZ_MARK_RAW "<fz"

struct fixture {
	struct app app;
	struct store *store;
	struct keys keys;
	struct org org, other;
	struct user staff;
	int64_t poll_open, poll_draft, poll_closed, poll_scheduled, poll_multi;
	int64_t option_a, option_b;
	char session[SECRET_TOKEN_MAX];
	unsigned char session_hash[STORE_HASH_SIZE];
	char csrf[SESSION_CSRF_SIZE];
	char token[SECRET_TOKEN_MAX];
	char voter[SECRET_COOKIE_MAX];
	char dir[256];
};

extern struct fixture fx;

/* Makes the fixture; stops the process when it cannot. */
void fixture_init(void);
/* Puts back what an input may have changed (a deleted session, a poll
 * closed, opened, deleted or edited), so every input starts alike. */
void fixture_repair(void);

/* Appends the n bytes at p to out with the "$" words above replaced. */
void fuzz_expand(struct buf *out, const uint8_t *p, size_t n);

/* One hexadecimal digit's value, or -1: the oracles' own, apart from the
 * product's decoder, so a bug there cannot hide itself. */
int fuzz_hexval(char c);

/* One request and its response, with the storage its strings point into. */
struct fuzz_request {
	struct http_request req;
	struct http_response res;
	char **kept;
	int kept_n, kept_cap;
	struct buf cookie; /* the Cookie header being built */
	struct pending_response pending;
	int rc;
};

void freq_init(struct fuzz_request *f, enum http_method method);
/* A NUL-terminated copy of p[0..n) owned by f, cut at the first NUL as a
 * C string from the HTTP library would be. */
const char *freq_keep(struct fuzz_request *f, const void *p, size_t n);
/* Sets the path and the query from a request target as sent ("/a%20b?x=1"),
 * decoded as the adapter decodes them. */
void freq_target(struct fuzz_request *f, const void *p, size_t n);
void freq_header(struct fuzz_request *f, const char *name, const void *value, size_t n);
/* Adds name=value to the Cookie header (sent once freq_run is called). */
void freq_cookie(struct fuzz_request *f, const char *name, const char *value);
/* The body, kept byte for byte (it may hold NULs). */
void freq_body(struct fuzz_request *f, const void *p, size_t n);
/* Runs the request through app_handle and waits for the response. */
void freq_run(struct fuzz_request *f);
/* Checks what must hold for any response (see fuzz_util.c). */
void freq_check(const struct fuzz_request *f);
void freq_free(struct fuzz_request *f);

/* Whether the n bytes at p hold needle. */
static inline bool
fuzz_contains(const void *p, size_t n, const char *needle)
{
	return p != NULL && memmem(p, n, needle, strlen(needle)) != NULL;
}

#endif
