/*
 * fuzz_request.c - the whole request pipeline, without a socket: routing,
 * body limits and media types, sign-in by cookie and by token, CSRF and
 * Origin checks, every handler, templates and the store.
 *
 * Input (text, so seeds read like requests):
 *   METHOD FLAGS TARGET\n      "POST sc /staff/polls", "GET - /o/bury/?x=1"
 *   Name: value\n              any number of headers
 *   \n
 *   body                       the rest, any bytes
 * FLAGS is "-" or letters adding what a real client would have:
 *   s  the staff session cookie      t  the API bearer token
 *   c  the CSRF field, first in the body
 *   v  a signed voter cookie
 *   o  Origin of this site           x  Origin of another site
 *   j  Content-Type: application/json
 *   f  Content-Type: application/x-www-form-urlencoded
 * "$" words (fuzz.h) are replaced everywhere first.  Every response is
 * checked by freq_check.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixture_init();
	return 0;
}

/* The next piece of s up to (not including) stop, advancing s. */
static struct str
next_until(struct str *s, char stop)
{
	const char *end = memchr(s->p, stop, s->n);
	struct str piece = { s->p, end ? (size_t)(end - s->p) : s->n };

	s->p += piece.n;
	s->n -= piece.n;
	if (end != NULL) {
		s->p++;
		s->n--;
	}
	return piece;
}

static enum http_method
method_of(struct str word)
{
	char name[16];
	enum http_method m;

	if (word.n == 0 || word.n >= sizeof(name))
		return 0;
	memcpy(name, word.p, word.n);
	name[word.n] = '\0';
	/* An unknown method reaches the router as 0, as from the adapter. */
	return http_method_parse(name, &m) == 0 ? m : 0;
}

static bool
has_flag(struct str flags, char c)
{
	return memchr(flags.p, c, flags.n) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_request f;
	struct buf in = BUF_INIT, body = BUF_INIT;
	struct str s, line, method, flags, name, value;

	fuzz_expand(&in, data, size);
	FUZZ_CHECK(buf_ok(&in), "out of memory");
	s = (struct str){ in.p ? in.p : "", in.n };

	line = next_until(&s, '\n');
	method = next_until(&line, ' ');
	flags = next_until(&line, ' ');
	freq_init(&f, method_of(method));
	freq_target(&f, line.p, line.n);

	if (has_flag(flags, 's'))
		freq_cookie(&f, "involve_session", fx.session);
	if (has_flag(flags, 'v'))
		freq_cookie(&f, "involve_voter", fx.voter);
	if (has_flag(flags, 't')) {
		char auth[SECRET_TOKEN_MAX + 16];

		snprintf(auth, sizeof(auth), "Bearer %s", fx.token);
		freq_header(&f, "Authorization", auth, strlen(auth));
	}
	if (has_flag(flags, 'o'))
		freq_header(&f, "Origin", "http://127.0.0.1:8080", 21);
	if (has_flag(flags, 'x'))
		freq_header(&f, "Origin", "https://evil.example", 20);
	if (has_flag(flags, 'j'))
		freq_header(&f, "Content-Type", "application/json", 16);
	if (has_flag(flags, 'f'))
		freq_header(&f, "Content-Type", "application/x-www-form-urlencoded", 33);
	freq_header(&f, "Host", "127.0.0.1:8080", 14);

	/* Headers until an empty line; a Cookie header joins the flags'. */
	while (s.n > 0 && s.p[0] != '\n') {
		line = next_until(&s, '\n');
		name = next_until(&line, ':');
		value = line;
		while (value.n > 0 && value.p[0] == ' ')
			value.p++, value.n--;
		if (name.n == 6 && strncasecmp(name.p, "cookie", 6) == 0) {
			if (f.cookie.n > 0)
				buf_add_c(&f.cookie, "; ");
			buf_add(&f.cookie, value.p, value.n);
		} else {
			freq_header(&f, freq_keep(&f, name.p, name.n), value.p, value.n);
		}
	}
	if (s.n > 0)
		next_until(&s, '\n');

	if (has_flag(flags, 'c')) {
		buf_printf(&body, "csrf=%s", fx.csrf);
		if (s.n > 0)
			buf_addch(&body, '&');
	}
	buf_add(&body, s.p, s.n);
	FUZZ_CHECK(buf_ok(&body), "out of memory");
	freq_body(&f, body.p, body.n);

	freq_run(&f);
	freq_check(&f);
	freq_free(&f);
	buf_free(&body);
	buf_free(&in);
	fixture_repair();
	return 0;
}
