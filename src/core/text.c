/*
 * text.c - UTF-8 validation and the checks applied to typed text.
 *
 * Characters are decoded by utf8proc (utf8proc_iterate), the one decoder in
 * the product: it refuses overlong forms, UTF-16 surrogates, code points
 * past U+10FFFF and sequences cut short.  The rules on top (which control
 * characters are refused, how length is counted) are ours.
 */
#include <string.h>

#include <utf8proc.h>

#include "involve/i18n.h"
#include "involve/text.h"

/* The character at s[0..n) into *cp; its length, or 0 when the bytes are
 * not a valid, shortest-form UTF-8 sequence. */
static size_t
utf8_next(const char *s, size_t n, unsigned *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t len;

	len = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	if (len <= 0)
		return 0;
	*cp = (unsigned)c;
	return (size_t)len;
}

size_t
text_utf8_prefix(struct str s)
{
	size_t i = 0, len;
	unsigned cp;

	while (i < s.n && (len = utf8_next(s.p + i, s.n - i, &cp)) > 0)
		i += len;
	return i;
}

size_t
text_utf8_cut(struct str s, size_t max)
{
	return text_utf8_prefix((struct str){ s.p, s.n < max ? s.n : max });
}

const char *
text_readable(struct str s, char *out, size_t size)
{
	size_t n = 0, ok;

	while (s.n > 0) {
		ok = text_utf8_prefix(s); /* the good bytes before a bad one, or all */
		if (n + ok + 1 > size) {  /* what fits, cut where a character begins */
			ok = size - n - 1;
			while (ok > 0 && ((unsigned char)s.p[ok] & 0xc0) == 0x80)
				ok--;
			memcpy(out + n, s.p, ok);
			n += ok;
			break;
		}
		memcpy(out + n, s.p, ok);
		n += ok;
		if (ok == s.n || n + 3 + 1 > size)
			break;
		memcpy(out + n, "\xEF\xBF\xBD", 3); /* U+FFFD for the bad byte */
		n += 3;
		s.p += ok + 1;
		s.n -= ok + 1;
	}
	out[n] = '\0';
	return out;
}

size_t
text_decode(struct str s, size_t at, unsigned *cp)
{
	return at < s.n ? utf8_next(s.p + at, s.n - at, cp) : 0;
}

bool
text_is_utf8(struct str s)
{
	return text_utf8_prefix(s) == s.n;
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

/* Control characters: C0 (but tab and newlines where allowed), DEL, C1, and
 * the line and paragraph separators that break JSON in some readers. */
bool
text_is_control(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

static bool
is_refused_control(unsigned cp, bool multiline)
{
	if (multiline && (cp == '\n' || cp == '\r' || cp == '\t'))
		return false;
	return text_is_control(cp) || cp == 0x2028 || cp == 0x2029;
}

bool
text_is_plain(struct str s)
{
	size_t i = 0, len;
	unsigned cp;

	while (i < s.n) {
		len = utf8_next(s.p + i, s.n - i, &cp);
		if (len == 0 || is_refused_control(cp, false))
			return false;
		i += len;
	}
	return true;
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
	size_t i = 0, len, chars = 0;
	unsigned cp;

	/* The label goes into the message in the message's language; only
	 * ASCII's first letter is made upper-case (upper), which leaves a
	 * label in another script whole. */
	label = errors_text(e, label);
	s = str_trim(s);
	while (i < s.n) {
		len = utf8_next(s.p + i, s.n - i, &cp);
		if (len == 0) {
			errors_add(e, field,
			    N_("%c%s contains characters that cannot be read (invalid UTF-8)"),
			    upper(label[0]), label + 1);
			return ERR_INVALID;
		}
		if (is_refused_control(cp, flags & TEXT_MULTILINE)) {
			errors_add(e, field, N_("%c%s must not contain control characters"),
			    upper(label[0]), label + 1);
			return ERR_INVALID;
		}
		i += len;
		chars++;
	}
	if (chars == 0 && (flags & TEXT_REQUIRED)) {
		errors_add(e, field, N_("Enter %s"), label);
		return ERR_INVALID;
	}
	if (chars > max_chars) {
		errors_add(e, field, N_("%c%s must be %zu characters or fewer"), upper(label[0]),
		    label + 1, max_chars);
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
