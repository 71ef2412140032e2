/*
 * mail.c - messages to the public: the checks, the text as it goes over
 * SMTP, and the pause before another attempt (see mail.h).
 *
 * Lines: RFC 5322 allows 998 characters and asks for 78; every line
 * written here keeps to 78 except To and From with a very long address
 * (an address cannot be folded), which stay far below 998.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "involve/i18n.h"
#include "involve/mail.h"
#include "involve/text.h"
#include "involve/timefmt.h"

/* RFC 2047: an encoded word is at most 75 characters, a line holding
 * encoded words at most 76. */
#define WORD_LINE_MAX 76
/* RFC 2045: a quoted-printable line is at most 76 characters. */
#define QP_LINE_MAX 76
/* The line length RFC 5322 asks for. */
#define HEADER_LINE_MAX 78
#define MESSAGE_ID_MAX 200
#define DOMAIN_LABEL_MAX 63

static const char *const bad_address =
    N_("Enter an email address in the correct format, like name@example.org");

static bool
is_alpha_digit(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 5322's atext: what a dot-atom is made of besides its dots. */
static bool
is_atext(unsigned char c)
{
	return is_alpha_digit(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool
has_line_break(struct str s)
{
	return memchr(s.p, '\r', s.n) != NULL || memchr(s.p, '\n', s.n) != NULL;
}

/* Letters, digits and inner hyphens, 1 to 63 of them. */
static bool
domain_label_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > DOMAIN_LABEL_MAX || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!is_alpha_digit((unsigned char)p[i]) && p[i] != '-')
			return false;
	return true;
}

static bool
address_ok(struct str a)
{
	const char *at = a.n ? memchr(a.p, '@', a.n) : NULL;
	size_t local, i, start, labels = 0;

	if (at == NULL || a.n > MAIL_ADDRESS_MAX)
		return false;
	local = (size_t)(at - a.p);
	if (local == 0 || local > MAIL_LOCAL_MAX || a.p[0] == '.' || a.p[local - 1] == '.')
		return false;
	for (i = 0; i < local; i++) {
		if (a.p[i] == '.' ? a.p[i + 1] == '.' : !is_atext((unsigned char)a.p[i]))
			return false;
	}
	for (start = i = local + 1; i <= a.n; i++) {
		if (i == a.n || a.p[i] == '.') {
			if (!domain_label_ok(a.p + start, i - start))
				return false;
			labels++;
			start = i + 1;
		}
	}
	return labels >= 2;
}

int
mail_address_check(struct str addr, const char *field, struct errors *e)
{
	if (addr.n == 0) {
		errors_add(e, field, "%s", N_("Enter an email address"));
		return ERR_INVALID;
	}
	if (has_line_break(addr)) {
		errors_add(e, field, "%s", N_("An email address cannot contain a line break"));
		return ERR_INVALID;
	}
	if (addr.n > MAIL_ADDRESS_MAX) {
		errors_add(e, field, N_("An email address must be %d characters or fewer"),
		    MAIL_ADDRESS_MAX);
		return ERR_INVALID;
	}
	if (!address_ok(addr)) {
		errors_add(e, field, "%s", bad_address);
		return ERR_INVALID;
	}
	return 0;
}

int
mail_subject_check(struct str subject, struct str *out, struct errors *e)
{
	/* Said in so many words: a line break is how a header is forged. */
	if (has_line_break(subject)) {
		errors_add(e, "subject", N_("The subject must be one line: it cannot contain a "
		    "line break"));
		return ERR_INVALID;
	}
	return text_check(subject, "subject", N_("the subject"), MAIL_SUBJECT_MAX_CHARS,
	    TEXT_REQUIRED, out, e);
}

int
mail_body_check(struct str body, struct str *out, struct errors *e)
{
	return text_check(body, "body", N_("the body"), MAIL_BODY_MAX_CHARS,
	    TEXT_REQUIRED | TEXT_MULTILINE, out, e);
}

int
mail_kind_check(struct str kind, struct errors *e)
{
	size_t i;

	for (i = 0; i < kind.n; i++)
		if (!(kind.p[i] >= 'a' && kind.p[i] <= 'z') && kind.p[i] != '-')
			break;
	if (kind.n == 0 || kind.n > MAIL_KIND_MAX || i < kind.n) {
		errors_add(e, "kind", "A kind of message is 1 to %d lower-case letters and hyphens",
		    MAIL_KIND_MAX);
		return ERR_INVALID;
	}
	return 0;
}

/* "local@domain" of a Message-ID: letters, digits, dots, hyphens and
 * underscores, one "@". */
static bool
message_id_ok(struct str id)
{
	size_t i, ats = 0;

	if (id.n == 0 || id.n > MESSAGE_ID_MAX)
		return false;
	for (i = 0; i < id.n; i++) {
		unsigned char c = (unsigned char)id.p[i];

		if (c == '@')
			ats++;
		else if (!is_alpha_digit(c) && c != '.' && c != '-' && c != '_')
			return false;
	}
	return ats == 1 && id.p[0] != '@' && id.p[id.n - 1] != '@';
}

/* Whether s can go into a header as it is: printable ASCII that cannot be
 * mistaken for an encoded word. */
static bool
is_plain_ascii(struct str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || (unsigned char)s.p[i] > 0x7e)
			return false;
	return s.n == 0 || memmem(s.p, s.n, "=?", 2) == NULL;
}

/*
 * Writes s as RFC 2047 encoded words (UTF-8, base64), starting at column
 * col of the current line, folding between words so that no line passes
 * WORD_LINE_MAX; each word holds whole characters.  Returns the column
 * after the last word.  s is valid UTF-8.
 */
static size_t
encoded_words(struct buf *b, size_t col, struct str s)
{
	static const char open[] = "=?UTF-8?B?", close[] = "?=";
	const size_t over = sizeof(open) - 1 + sizeof(close) - 1;
	char b64[sodium_base64_ENCODED_LEN(WORD_LINE_MAX, sodium_base64_VARIANT_ORIGINAL)];
	size_t at = 0, n, len, room;
	unsigned cp;

	while (at < s.n) {
		/* The most bytes whose base64 fits what is left of the line. */
		room = col + over < WORD_LINE_MAX ? (WORD_LINE_MAX - col - over) / 4 * 3 : 0;
		n = 0;
		while (at + n < s.n) {
			len = text_decode(s, at + n, &cp);
			if (len == 0 || n + len > room)
				break;
			n += len;
		}
		if (n == 0) {
			/* Not one character fits here: go on at the next line. */
			buf_add_c(b, "\r\n ");
			col = 1;
			continue;
		}
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s.p + at, n,
		    sodium_base64_VARIANT_ORIGINAL);
		buf_add_c(b, open);
		buf_add_c(b, b64);
		buf_add_c(b, close);
		col += over + strlen(b64);
		at += n;
		if (at < s.n) {
			buf_add_c(b, "\r\n ");
			col = 1;
		}
	}
	return col;
}

/* "Subject: ...": as it is when it fits one line, else encoded words. */
static void
header_text(struct buf *b, const char *name, struct str s)
{
	size_t col = strlen(name) + 2;

	buf_printf(b, "%s: ", name);
	if (is_plain_ascii(s) && col + s.n <= HEADER_LINE_MAX)
		buf_add_str(b, s);
	else
		encoded_words(b, col, s);
	buf_add_c(b, "\r\n");
}

/* "From: name <address>": the name quoted when it is plain ASCII, encoded
 * words otherwise; the address on a line of its own when the line would
 * be too long. */
static void
header_from(struct buf *b, struct str name, struct str addr)
{
	size_t col = 6, i;

	buf_add_c(b, "From: ");
	if (name.n == 0) {
		buf_add_str(b, addr);
		buf_add_c(b, "\r\n");
		return;
	}
	if (is_plain_ascii(name) && col + name.n + 2 <= HEADER_LINE_MAX) {
		buf_addch(b, '"');
		for (i = 0; i < name.n; i++) {
			if (name.p[i] == '"' || name.p[i] == '\\')
				buf_addch(b, '\\');
			buf_addch(b, name.p[i]);
		}
		buf_addch(b, '"');
		col += name.n + 2;
	} else {
		col = encoded_words(b, col, name);
	}
	if (col + addr.n + 3 > HEADER_LINE_MAX)
		buf_add_c(b, "\r\n");
	buf_add_c(b, " <");
	buf_add_str(b, addr);
	buf_add_c(b, ">\r\n");
}

/* Whether byte c at column col, the last of its line or not, must be
 * written =XX.  A dot or "From " starting a line is encoded too, so that
 * no relay's dot-stuffing or mailbox format can change the line. */
static bool
qp_encode(const char *p, size_t left, size_t col, bool last)
{
	unsigned char c = (unsigned char)p[0];

	if (c == ' ' || c == '\t')
		return last;
	if (c < 33 || c > 126 || c == '=')
		return true;
	if (col == 0 && c == '.')
		return true;
	return col == 0 && left >= 5 && memcmp(p, "From ", 5) == 0;
}

/* One line of the body (no line break in it), quoted-printable, with soft
 * breaks so that no line passes QP_LINE_MAX, then CRLF. */
static void
qp_line(struct buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0, w, limit;
	bool enc, last;

	for (i = 0; i < n; i++) {
		last = i + 1 == n;
		for (;;) {
			enc = qp_encode(p + i, n - i, col, last);
			w = enc ? 3 : 1;
			/* A line that goes on needs room for its "=". */
			limit = last ? QP_LINE_MAX : QP_LINE_MAX - 1;
			if (col + w <= limit)
				break;
			buf_add_c(b, "=\r\n");
			col = 0;
		}
		if (enc) {
			buf_addch(b, '=');
			buf_addch(b, hex[(unsigned char)p[i] >> 4]);
			buf_addch(b, hex[(unsigned char)p[i] & 15]);
		} else {
			buf_addch(b, p[i]);
		}
		col += w;
	}
	buf_add_c(b, "\r\n");
}

/* The body, its lines ending in CRLF, LF or CR, quoted-printable. */
static void
qp_body(struct buf *b, struct str body)
{
	size_t start = 0, i;

	for (i = 0; i <= body.n; i++) {
		if (i < body.n && body.p[i] != '\n' && body.p[i] != '\r')
			continue;
		qp_line(b, body.p + start, i - start);
		if (i + 1 < body.n && body.p[i] == '\r' && body.p[i + 1] == '\n')
			i++;
		start = i + 1;
	}
}

int
mail_message_write(const struct mail_message *m, struct buf *out, struct errors *e)
{
	char date[TIMEFMT_RFC5322_MAX];
	struct str subject, body, name;
	size_t was = out->n;

	mail_address_check(m->from, "from", e);
	mail_address_check(m->to, "to", e);
	if (mail_subject_check(m->subject, &subject, e) == 0 && subject.n != m->subject.n)
		errors_add(e, "subject", "The subject must not start or end with white space");
	/* text_check refuses every control character, CR and LF among them. */
	name = STR_LIT("");
	if (m->from_name.n > 0)
		text_check(m->from_name, "from_name", "the sender's name", MAIL_NAME_MAX_CHARS, 0,
		    &name, e);
	mail_body_check(m->body, &body, e);
	if (!message_id_ok(m->message_id))
		errors_add(e, "message_id", "A message id is local@domain in letters, digits, dots, "
		    "hyphens and underscores");
	if (timefmt_rfc5322(m->date, date) != 0)
		errors_add(e, "date", "The date is out of range");
	if (errors_any(e))
		return ERR_INVALID;

	header_from(out, name, m->from);
	buf_add_c(out, "To: ");
	buf_add_str(out, m->to);
	buf_add_c(out, "\r\n");
	header_text(out, "Subject", m->subject);
	buf_printf(out, "Date: %s\r\n", date);
	buf_add_c(out, "Message-ID: <");
	buf_add_str(out, m->message_id);
	buf_add_c(out, ">\r\n");
	buf_add_c(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n");
	qp_body(out, body);
	if (!buf_ok(out)) {
		out->n = was;
		return ERR_NOMEM;
	}
	return 0;
}

int64_t
mail_retry_at(int attempts, int64_t now, int64_t first)
{
	if (attempts >= MAIL_ATTEMPTS_MAX)
		return 0;
	if (attempts < 1)
		attempts = 1;
	return now + (first << (attempts - 1));
}
