/*
 * str.c - pointer + length strings and the growable buffer (see str.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <sodium.h>

#include "involve/str.h"

bool
str_starts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

bool
str_case_eq_c(struct str a, const char *b)
{
	size_t n = strlen(b);

	return a.n == n && strncasecmp(a.p, b, n) == 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct str
str_trim(struct str s)
{
	while (s.n > 0 && is_space(s.p[0]))
		s.p++, s.n--;
	while (s.n > 0 && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

/*
 * Hexadecimal, both ways, is libsodium's (sodium_bin2hex, sodium_hex2bin):
 * the one codec in the product, also used for keys and hashes.
 */
int
str_hex_byte(const char *two, unsigned char *out)
{
	size_t n = 0;

	if (sodium_hex2bin(out, 1, two, 2, NULL, &n, NULL) != 0 || n != 1)
		return -1;
	return 0;
}

/* %XX or \u00XX: one byte's two hexadecimal digits, in upper case where
 * RFC 3986 asks URLs to have them. */
static void
add_hex(struct buf *b, unsigned char c, bool upper)
{
	char hex[3];
	int i;

	sodium_bin2hex(hex, sizeof(hex), &c, 1);
	for (i = 0; upper && i < 2; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	buf_add(b, hex, 2);
}

void
buf_free(struct buf *b)
{
	free(b->p);
	*b = BUF_INIT;
}

void
buf_reset(struct buf *b)
{
	b->n = 0;
	b->failed = false;
}

int
buf_reserve(struct buf *b, size_t more)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return -1;
	need = b->n + more + 1; /* room for buf_cstr's NUL */
	if (need < b->n) {
		b->failed = true;
		return -1;
	}
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->failed = true;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0 || buf_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void
buf_add_c(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_add_str(struct buf *b, struct str s)
{
	buf_add(b, s.p, s.n);
}

void
buf_addch(struct buf *b, char c)
{
	if (buf_reserve(b, 1) != 0)
		return;
	b->p[b->n++] = c;
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	if (buf_reserve(b, 64) != 0)
		return;
	va_copy(copy, ap);
	n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= b->cap - b->n) {
		if (buf_reserve(b, (size_t)n) != 0)
			return;
		vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	}
	b->n += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_add_html(struct buf *b, struct str s)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < s.n; i++) {
		switch (s.p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, s.p + start, i - start);
		buf_add_c(b, rep);
		start = i + 1;
	}
	buf_add(b, s.p + start, s.n - start);
}

void
buf_add_url(struct buf *b, struct str s)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < s.n; i++) {
		c = (unsigned char)s.p[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
			buf_addch(b, (char)c);
		} else {
			buf_addch(b, '%');
			add_hex(b, c, true);
		}
	}
}

void
buf_add_json_string(struct buf *b, struct str s)
{
	size_t i;
	unsigned char c;

	buf_addch(b, '"');
	for (i = 0; i < s.n; i++) {
		c = (unsigned char)s.p[i];
		switch (c) {
		case '"': buf_add_c(b, "\\\""); break;
		case '\\': buf_add_c(b, "\\\\"); break;
		case '\n': buf_add_c(b, "\\n"); break;
		case '\r': buf_add_c(b, "\\r"); break;
		case '\t': buf_add_c(b, "\\t"); break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				/* <, > and & escaped too so JSON is safe inside HTML. */
				buf_add_c(b, "\\u00");
				add_hex(b, c, false);
			} else {
				buf_addch(b, (char)c);
			}
		}
	}
	buf_addch(b, '"');
}

const char *
buf_cstr(struct buf *b)
{
	if (buf_reserve(b, 0) != 0)
		return NULL;
	b->p[b->n] = '\0';
	return b->p;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (buf_cstr(b) == NULL) {
		buf_free(b);
		return NULL;
	}
	p = b->p;
	if (len)
		*len = b->n;
	*b = BUF_INIT;
	return p;
}

/* s in double quotes, each '"' doubled; guard puts an apostrophe first
 * when a spreadsheet would run s as a formula (starting with =, +, -, @,
 * tab or carriage return). */
static void
csv_quoted(struct buf *b, struct str s, bool guard)
{
	size_t i;

	buf_addch(b, '"');
	if (guard && s.n > 0 && strchr("=+-@\t\r", s.p[0]))
		buf_addch(b, '\'');
	for (i = 0; i < s.n; i++) {
		if (s.p[i] == '"')
			buf_addch(b, '"');
		buf_addch(b, s.p[i]);
	}
	buf_addch(b, '"');
}

void
buf_add_csv_cell(struct buf *b, struct str s)
{
	csv_quoted(b, s, true);
}

void
buf_add_csv_plain(struct buf *b, struct str s)
{
	csv_quoted(b, s, false);
}
