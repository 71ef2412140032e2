/*
 * fuzz_cookie.c - the Cookie header and what is read from it: cookie
 * look-up (http_cookie in src/web/http.c), the signed voter cookie
 * (secret_cookie_verify in src/core/secret.c, read by src/web/vote.c) and
 * the staff session (auth_from_session in src/web/auth.c), then the poll
 * page and the staff dashboard as they are served with that header.
 *
 * Input: the Cookie header's value ("$" words of fuzz.h replaced, so $V is
 * a validly signed voter cookie and $S the fixture's session).
 *
 * What must hold:
 * - a cookie found lies inside the header, after "name=", and holds no ';';
 * - a voter cookie verifies only when it is, byte for byte, the one the
 *   fixture signed: no other spelling of it (base64 padding bits, case,
 *   length) passes, and no other bytes at all;
 * - a session is found only for the fixture's exact token;
 * - the pages pass freq_check.
 */
#include <string.h>

#include "involve/auth.h"
#include "involve/vote.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixture_init();
	return 0;
}

static void
check_lookup(const struct fuzz_request *f, const char *name, struct str header)
{
	struct str v;
	size_t n = strlen(name), at;

	if (!http_cookie(&f->req, name, &v))
		return;
	FUZZ_CHECK(v.p >= header.p + n + 1 && v.p + v.n <= header.p + header.n,
	    "cookie %s lies outside the header", name);
	at = (size_t)(v.p - header.p);
	FUZZ_CHECK(v.p[-1] == '=' && memcmp(v.p - n - 1, name, n) == 0,
	    "cookie %s is not after its name", name);
	FUZZ_CHECK(at == n + 1 || v.p[-(long)n - 2] == ' ' || v.p[-(long)n - 2] == ';',
	    "cookie %s matched inside another name", name);
	FUZZ_CHECK(memchr(v.p, ';', v.n) == NULL, "cookie %s runs past a ';'", name);
}

static void
check_voter(const char *value, size_t n)
{
	unsigned char id[SECRET_COOKIE_ID_BYTES];

	if (secret_cookie_verify(fx.keys.cookie, value, n, id) != 0)
		return;
	FUZZ_CHECK(n == strlen(fx.voter) && memcmp(value, fx.voter, n) == 0,
	    "a voter cookie other than the one signed verifies: %.*s", (int)n, value);
}

/* A page as served with this Cookie header. */
static void
get_page(const char *target, struct str cookie)
{
	struct fuzz_request f;

	freq_init(&f, HTTP_GET);
	freq_target(&f, target, strlen(target));
	freq_header(&f, "Cookie", cookie.p, cookie.n);
	freq_run(&f);
	freq_check(&f);
	freq_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_request f;
	struct buf in = BUF_INIT;
	struct str header, v;
	struct auth *a;
	struct poll *p;
	char target[64];

	/* Any bytes at all, before the header cuts them at a NUL. */
	check_voter((const char *)data, size);

	fuzz_expand(&in, data, size);
	FUZZ_CHECK(buf_ok(&in), "out of memory");
	freq_init(&f, HTTP_GET);
	f.req.app = &fx.app;
	freq_header(&f, "Cookie", in.p ? in.p : "", in.n);
	FUZZ_CHECK(http_header(&f.req, "Cookie", &header), "no Cookie header");

	check_lookup(&f, AUTH_SESSION_COOKIE, header);
	check_lookup(&f, VOTE_COOKIE, header);
	check_lookup(&f, "a", header);
	if (http_cookie(&f.req, VOTE_COOKIE, &v))
		check_voter(v.p, v.n);

	if (auth_from_session(&f.req) == 0) {
		a = f.req.auth;
		FUZZ_CHECK(http_cookie(&f.req, AUTH_SESSION_COOKIE, &v) && str_eq_c(v, fx.session),
		    "signed in with another session token");
		FUZZ_CHECK(a->signed_in && a->user.id == fx.staff.id, "signed in as someone else");
	}
	if (store_poll_get(fx.store, &f.req.arena, fx.poll_open, &p) == 0)
		(void)vote_has_voted(&f.req, p);
	freq_free(&f);

	/* The header as the adapter would pass it: a C string. */
	header = (struct str){ in.p ? in.p : "", in.p ? strnlen(in.p, in.n) : 0 };
	snprintf(target, sizeof(target), "/o/bury/polls/%lld", (long long)fx.poll_open);
	get_page(target, header);
	get_page("/staff/", header);

	buf_free(&in);
	fixture_repair();
	return 0;
}
