/*
 * text.c - UTF-8 validation and the checks applied to typed text.
 *
 * Hand-written because the rules are ours (which control characters are
 * refused, how length is counted) and the decoder is a dozen lines; no
 * Debian library offers exactly "strict UTF-8 plus our field rules".
 */
#include <string.h>

#include "involve/text.h"

/* Length of the UTF-8 sequence starting at p (at most n bytes), or 0 when
 * it is not a valid, shortest-form sequence. */
static size_t
utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		if (n < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x1f) << 6) | (p[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x0f) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3f);
		if (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x07) << 18) | ((p[1] & 0x3fu) << 12) | ((p[2] & 0x3fu) << 6) |
		    (p[3] & 0x3f);
		if (*cp < 0x10000 || *cp > 0x10ffff)
			return 0;
		return 4;
	}
	return 0;
}

bool
text_is_utf8(struct str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, len;
	unsigned cp;

	while (i < s.n) {
		len = utf8_seq(p + i, s.n - i, &cp);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

size_t
text_chars(struct str s)
{
	size_t i, n = 0;

	for (i = 0; i < s.n; i++)
		if (((unsigned char)s.p[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct str
text_trim(struct str s)
{
	while (s.n > 0 && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Control characters: C0 (but tab and newlines where allowed), DEL, C1, and
 * the line and paragraph separators that break JSON in some readers. */
static bool
is_refused_control(unsigned cp, bool multiline)
{
	if (multiline && (cp == '\n' || cp == '\r' || cp == '\t'))
		return false;
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	    cp == 0x2029;
}

static char
upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int
text_check(struct str s, const char *field, const char *label, size_t max_chars,
    unsigned flags, struct str *out, struct errors *e)
{
	const unsigned char *p;
	size_t i = 0, len, chars = 0;
	unsigned cp;

	s = text_trim(s);
	p = (const unsigned char *)s.p;
	while (i < s.n) {
		len = utf8_seq(p + i, s.n - i, &cp);
		if (len == 0) {
			errors_add(e, field, "%c%s contains characters that cannot be read (invalid UTF-8)",
			    upper(label[0]), label + 1);
			return ERR_INVALID;
		}
		if (is_refused_control(cp, flags & TEXT_MULTILINE)) {
			errors_add(e, field, "%c%s must not contain control characters", upper(label[0]),
			    label + 1);
			return ERR_INVALID;
		}
		i += len;
		chars++;
	}
	if (chars == 0 && (flags & TEXT_REQUIRED)) {
		errors_add(e, field, "Enter %s", label);
		return ERR_INVALID;
	}
	if (chars > max_chars) {
		errors_add(e, field, "%c%s must be %zu characters or fewer", upper(label[0]), label + 1,
		    max_chars);
		return ERR_INVALID;
	}
	*out = s;
	return 0;
}

void
text_copy(char *dst, size_t size, struct str s)
{
	size_t n = s.n;

	if (size == 0)
		return;
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s.p, n);
	dst[n] = '\0';
}
