/*
 * fuzz_form.c - application/x-www-form-urlencoded bodies: the form parser
 * (http_form_parse in src/web/http.c), checked against a plain reading of
 * the format, then the forms that read it: the staff poll form (its
 * question, answer boxes and date fields), the vote forms, sign-in and the
 * statement editor, through app_handle and the real store.
 *
 * Input: one byte choosing the form, then the body ("$" words of fuzz.h
 * replaced):
 *   p  POST /staff/polls                create a poll (session + CSRF)
 *   e  POST /staff/polls/$d/edit        change the draft poll
 *   v  POST /o/bury/polls/$o            vote on the open poll
 *   E  POST /o/bury/polls/$m/embed      vote in the embedded multiple-choice poll
 *   l  POST /staff/login                sign in
 *   g  POST /staff/pages/privacy        save a statement (Markdown)
 * Any other byte picks one of these by its value.  Staff forms get the
 * session cookie and, first in the body, the CSRF field; public forms get
 * this site's Origin.
 */
#include <string.h>

#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixture_init();
	return 0;
}

/* The format as the HTML standard describes it, written for clarity, not
 * speed: '&'-separated fields, empty ones skipped, the name up to the first
 * '=', '+' a space, %HH a byte.  A bad escape refuses the whole body (the
 * parser's choice, stricter than browsers, which never send one).  Returns
 * the number of fields, or -1. */
static int
reference_parse(const char *p, size_t n, struct buf *names, struct buf *values, size_t *name_at,
    size_t *value_at, int max)
{
	size_t i = 0, start, end;
	int count = 0;

	while (i <= n) {
		start = i;
		while (i < n && p[i] != '&')
			i++;
		end = i++;
		if (end == start)
			continue;
		if (count == max)
			return -1;
		name_at[count] = names->n;
		value_at[count] = values->n;
		{
			struct buf *to = names;
			size_t k;

			for (k = start; k < end; k++) {
				if (p[k] == '=' && to == names) {
					to = values;
					continue;
				}
				if (p[k] == '+') {
					buf_addch(to, ' ');
				} else if (p[k] == '%') {
					if (k + 2 >= end || fuzz_hexval(p[k + 1]) < 0 ||
					    fuzz_hexval(p[k + 2]) < 0)
						return -1;
					buf_addch(to,
					    (char)(fuzz_hexval(p[k + 1]) * 16 +
					        fuzz_hexval(p[k + 2])));
					k += 2;
				} else {
					buf_addch(to, p[k]);
				}
			}
		}
		count++;
		name_at[count] = names->n;
		value_at[count] = values->n;
	}
	return count;
}

/* http_form_parse agrees with the reading above, and the look-ups agree
 * with what it parsed. */
static void
check_parser(const uint8_t *data, size_t size)
{
	struct http_request req;
	struct buf names = BUF_INIT, values = BUF_INIT;
	size_t name_at[HTTP_FORM_FIELDS_MAX + 2], value_at[HTTP_FORM_FIELDS_MAX + 2];
	struct str first, all[HTTP_FORM_FIELDS_MAX];
	int rc, want, i, n;

	memset(&req, 0, sizeof(req));
	req.body = (struct str){ (const char *)data, size };
	rc = http_form_parse(&req);
	want = reference_parse(
	    (const char *)data, size, &names, &values, name_at, value_at, HTTP_FORM_FIELDS_MAX);
	FUZZ_CHECK(buf_ok(&names) && buf_ok(&values), "out of memory");
	if (want < 0) {
		FUZZ_CHECK(rc == ERR_INVALID, "a body the reference refuses was read (%d)", rc);
		goto out;
	}
	FUZZ_CHECK(rc == 0, "a body the reference reads was refused (%d)", rc);
	FUZZ_CHECK(req.form_n == want, "%d fields, the reference has %d", req.form_n, want);
	for (i = 0; i < req.form_n; i++) {
		struct str rn = { names.p ? names.p + name_at[i] : "",
			name_at[i + 1] - name_at[i] };
		struct str rv = { values.p ? values.p + value_at[i] : "",
			value_at[i + 1] - value_at[i] };

		FUZZ_CHECK(str_eq(req.form[i].name, rn), "field %d's name differs", i);
		FUZZ_CHECK(str_eq(req.form[i].value, rv), "field %d's value differs", i);
	}
	/* The first field of a name is what http_form finds; the fields of
	 * that name, in order, are what http_form_all lists. */
	for (i = 0; i < req.form_n; i++) {
		char name[64];
		int k, j = 0;

		if (req.form[i].name.n >= sizeof(name) ||
		    memchr(req.form[i].name.p, '\0', req.form[i].name.n) != NULL)
			continue;
		memcpy(name, req.form[i].name.p, req.form[i].name.n);
		name[req.form[i].name.n] = '\0';
		FUZZ_CHECK(http_form(&req, name, &first), "http_form misses \"%s\"", name);
		n = http_form_all(&req, name, all, HTTP_FORM_FIELDS_MAX);
		FUZZ_CHECK(
		    n >= 1 && str_eq(all[0], first), "http_form_all disagrees on \"%s\"", name);
		for (k = 0; k < req.form_n; k++)
			if (str_eq(req.form[k].name, req.form[i].name))
				FUZZ_CHECK(j < n && str_eq(all[j++], req.form[k].value),
				    "http_form_all lists \"%s\" out of order", name);
		FUZZ_CHECK(j == n, "http_form_all counts %d of %d", n, j);
	}
out:
	http_request_free(&req);
	buf_free(&names);
	buf_free(&values);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char kinds[] = "pevElg";
	struct fuzz_request f;
	struct buf body = BUF_INIT;
	char target[96], kind;
	bool staff;

	if (size == 0)
		return 0;
	check_parser(data + 1, size - 1);

	kind = data[0] != 0 && strchr(kinds, data[0]) ? (char)data[0] : kinds[data[0] % 6];
	staff = kind == 'p' || kind == 'e' || kind == 'g';
	switch (kind) {
	case 'p': snprintf(target, sizeof(target), "/staff/polls"); break;
	case 'e':
		snprintf(
		    target, sizeof(target), "/staff/polls/%lld/edit", (long long)fx.poll_draft);
		break;
	case 'v':
		snprintf(target, sizeof(target), "/o/bury/polls/%lld", (long long)fx.poll_open);
		break;
	case 'E':
		snprintf(
		    target, sizeof(target), "/o/bury/polls/%lld/embed", (long long)fx.poll_multi);
		break;
	case 'l': snprintf(target, sizeof(target), "/staff/login"); break;
	default: snprintf(target, sizeof(target), "/staff/pages/privacy"); break;
	}
	if (staff) {
		buf_printf(&body, "csrf=%s", fx.csrf);
		if (size > 1)
			buf_addch(&body, '&');
	}
	fuzz_expand(&body, data + 1, size - 1);
	FUZZ_CHECK(buf_ok(&body), "out of memory");

	freq_init(&f, HTTP_POST);
	freq_target(&f, target, strlen(target));
	freq_header(&f, "Content-Type", "application/x-www-form-urlencoded", 33);
	if (staff)
		freq_cookie(&f, "involve_session", fx.session);
	else
		freq_header(&f, "Origin", "http://127.0.0.1:8080", 21);
	freq_body(&f, body.p, body.n);
	freq_run(&f);
	freq_check(&f);
	freq_free(&f);
	buf_free(&body);
	fixture_repair();
	return 0;
}
