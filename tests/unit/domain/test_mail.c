/*
 * Tests for mail.c: the checks of addresses, subjects and bodies (and what
 * they refuse), the message as written (headers, encoded words,
 * quoted-printable, line lengths), header injection refused however it is
 * tried, and the pauses between attempts.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "involve/mail.h"
#include "involve/text.h"

#define T0 1800000000LL /* Fri, 15 Jan 2027 08:00:00 +0000 */

static bool
address_ok(const char *a)
{
	struct errors e;

	errors_init(&e);
	return mail_address_check(str_c(a), "to", &e) == 0;
}

Test(mail, addresses_that_pass)
{
	static const char *const good[] = { "a@example.org", "first.last@example.nhs.uk",
		"Someone+tag@Example.ORG", "o'brien@example.org", "x_y-z@sub-domain.example.co.uk",
		"a@b.cd", "!#$%&'*+-/=?^_`{|}~@example.org" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect(address_ok(good[i]), "%s", good[i]);
}

Test(mail, addresses_refused)
{
	static const char *const bad[] = { "", "plain", "@example.org", "a@", "a@example",
		"a@@example.org", "a@b@example.org", ".a@example.org", "a.@example.org",
		"a..b@example.org", "a b@example.org", "<a@example.org>", "a@example.org>",
		"\"a\"@example.org", "a,b@example.org", "a@-example.org", "a@example-.org",
		"a@example..org", "a@.example.org", "a@example.org.", "a@exa_mple.org",
		"a@exämple.org", "ä@example.org", " a@example.org", "a@example.org ",
		"a@example.org\r\nBcc: b@example.org", "a@example.org\n", "a\r@example.org",
		"a@example.org,b@example.org" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not(address_ok(bad[i]), "%s", bad[i]);
}

Test(mail, address_limits_and_messages)
{
	char a[300];
	struct errors e;

	memset(a, 'x', 64);
	snprintf(a + 64, sizeof(a) - 64, "@example.org");
	cr_assert(address_ok(a), "a local part of 64");
	memset(a, 'x', 65);
	snprintf(a + 65, sizeof(a) - 65, "@example.org");
	cr_assert_not(address_ok(a), "of 65");
	snprintf(a, sizeof(a), "a@%s.org",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	cr_assert_not(address_ok(a), "a label of 64");

	errors_init(&e);
	cr_assert_eq(mail_address_check(STR_LIT("a@example.org\r\nBcc: x@example.org"), "to", &e),
	    ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "to");
	cr_assert(strstr(e.list[0].detail, "line break") != NULL, "%s", e.list[0].detail);
	errors_init(&e);
	mail_address_check(STR_LIT(""), "mail-from", &e);
	cr_assert_str_eq(e.list[0].field, "mail-from");
	cr_assert_str_eq(e.list[0].detail, "Enter an email address");
	errors_init(&e);
	mail_address_check(STR_LIT("not an address"), "to", &e);
	cr_assert(strstr(e.list[0].detail, "like name@example.org") != NULL);
}

Test(mail, subjects)
{
	struct errors e;
	struct str out;
	char longest[MAIL_SUBJECT_MAX_CHARS * 2 + 3];
	size_t i;

	errors_init(&e);
	cr_assert_eq(mail_subject_check(STR_LIT("  Your link  "), &out, &e), 0);
	cr_assert(str_eq_c(out, "Your link"), "trimmed");
	cr_assert_eq(mail_subject_check(STR_LIT("Résumé ✓ اردو"), &out, &e), 0);
	cr_assert_eq(e.n, 0);

	cr_assert_eq(mail_subject_check(STR_LIT("Hello\r\nBcc: x@example.org"), &out, &e),
	    ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "subject");
	cr_assert(strstr(e.list[0].detail, "line break") != NULL, "%s", e.list[0].detail);
	errors_init(&e);
	cr_assert_eq(mail_subject_check(STR_LIT("Hello\n"), &out, &e), ERR_INVALID,
	    "a line break at the end is still one");
	errors_init(&e);
	cr_assert_eq(mail_subject_check(STR_LIT("   "), &out, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].detail, "Enter the subject");
	errors_init(&e);
	cr_assert_eq(mail_subject_check(STR_LIT("tab\there"), &out, &e), ERR_INVALID);
	errors_init(&e);
	cr_assert_eq(mail_subject_check(STR_LIT("bad \xff byte"), &out, &e), ERR_INVALID);
	/* 150 characters of two bytes each pass; 151 do not. */
	for (i = 0; i < MAIL_SUBJECT_MAX_CHARS; i++)
		memcpy(longest + 2 * i, "\xc3\xa9", 2);
	errors_init(&e);
	cr_assert_eq(mail_subject_check((struct str){ longest, 2 * i }, &out, &e), 0);
	memcpy(longest + 2 * i, "\xc3\xa9", 2);
	cr_assert_eq(mail_subject_check((struct str){ longest, 2 * i + 2 }, &out, &e),
	    ERR_INVALID);
}

Test(mail, bodies_and_kinds)
{
	struct errors e;
	struct str out;

	errors_init(&e);
	cr_assert_eq(mail_body_check(STR_LIT("Line one\r\nLine two\n\tindented"), &out, &e), 0);
	cr_assert_eq(mail_body_check(STR_LIT("\n\n"), &out, &e), ERR_INVALID);
	cr_assert_str_eq(e.list[0].field, "body");
	errors_init(&e);
	cr_assert_eq(mail_body_check(STR_LIT("bell\a"), &out, &e), ERR_INVALID);
	errors_init(&e);
	cr_assert_eq(mail_kind_check(STR_LIT("resume-link"), &e), 0);
	cr_assert_eq(mail_kind_check(STR_LIT(""), &e), ERR_INVALID);
	cr_assert_eq(mail_kind_check(STR_LIT("Resume"), &e), ERR_INVALID);
	cr_assert_eq(mail_kind_check(STR_LIT("a b"), &e), ERR_INVALID);
}

/* ---- the message as written --------------------------------------------------------- */

static struct mail_message
message(const char *subject, const char *body)
{
	return (struct mail_message){ .from = STR_LIT("noreply@example.org"),
		.from_name = STR_LIT("NHS Bury"), .to = STR_LIT("someone@example.org"),
		.subject = str_c(subject), .body = str_c(body),
		.message_id = STR_LIT("0a1b2c.12@example.org"), .date = T0 };
}

/* Writes m; asserts it is written, every line ends CRLF, and none is
 * longer than 78 characters (76 in the body).  The text is the caller's
 * to free. */
static char *
written(const struct mail_message *m)
{
	struct buf b = BUF_INIT;
	struct errors e;
	const char *p, *nl, *body;
	size_t len;
	char *text;

	errors_init(&e);
	cr_assert_eq(mail_message_write(m, &b, &e), 0, "%s: %s", e.n ? e.list[0].field : "",
	    e.n ? e.list[0].detail : "");
	text = buf_detach(&b, &len);
	cr_assert_not_null(text);
	cr_assert_eq(strlen(text), len, "no NUL inside");
	body = strstr(text, "\r\n\r\n");
	cr_assert_not_null(body);
	for (p = text; *p; p = nl + 2) {
		nl = strstr(p, "\r\n");
		cr_assert_not_null(nl, "every line ends with CRLF: %s", p);
		cr_assert(memchr(p, '\n', (size_t)(nl - p)) == NULL, "no bare LF");
		cr_assert(memchr(p, '\r', (size_t)(nl - p)) == NULL, "no bare CR");
		cr_assert_leq(nl - p, p > body ? 76 : 78, "line too long: %.*s", (int)(nl - p), p);
	}
	return text;
}

/* The value of header `name` in text, unfolded, into out. */
static void
header(const char *text, const char *name, char *out, size_t size)
{
	char want[64];
	const char *p, *end;
	size_t n = 0;

	snprintf(want, sizeof(want), "%s: ", name);
	p = strncmp(text, want, strlen(want)) == 0 ? text : NULL;
	if (p == NULL) {
		snprintf(want, sizeof(want), "\r\n%s: ", name);
		p = strstr(text, want);
		cr_assert_not_null(p, "no %s header", name);
		p += 2;
	}
	p += strlen(name) + 2;
	end = strstr(text, "\r\n\r\n");
	while (p < end) {
		if (p[0] == '\r' && p[1] == '\n') {
			if (p[2] != ' ' && p[2] != '\t')
				break;
			p += 2; /* a fold: CRLF goes, the white space stays */
			continue;
		}
		cr_assert_lt(n + 1, size);
		out[n++] = *p++;
	}
	out[n] = '\0';
}

/* Decodes RFC 2047 encoded words (UTF-8, B) and the white space between
 * them; asserts each word holds whole characters. */
static void
decode_words(const char *in, char *out, size_t size)
{
	unsigned char bin[256];
	const char *p = in, *end;
	size_t n = 0, got;

	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		cr_assert(strncmp(p, "=?UTF-8?B?", 10) == 0, "not an encoded word: %s", p);
		p += 10;
		end = strstr(p, "?=");
		cr_assert_not_null(end);
		cr_assert_leq(end + 2 - (p - 10), 75, "an encoded word is at most 75 characters");
		cr_assert_eq(sodium_base642bin(bin, sizeof(bin), p, (size_t)(end - p), NULL, &got, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		cr_assert(text_is_utf8((struct str){ (const char *)bin, got }),
		    "each word holds whole characters");
		cr_assert_lt(n + got, size);
		memcpy(out + n, bin, got);
		n += got;
		p = end + 2;
	}
	out[n] = '\0';
}

static int
hex_of(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes a quoted-printable body (CRLF lines) into text with LF lines;
 * asserts the encoding is as strict as written: upper-case hex, no bare
 * "=", no white space before a line's end. */
static void
decode_qp(const char *in, char *out, size_t size)
{
	size_t n = 0;
	const char *p = in;

	while (*p) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
			continue;
		}
		if (p[0] == '\r' && p[1] == '\n') {
			cr_assert(p == in || (p[-1] != ' ' && p[-1] != '\t'),
			    "white space at a line's end is encoded");
			cr_assert_lt(n + 1, size);
			out[n++] = '\n';
			p += 2;
			continue;
		}
		cr_assert_lt(n + 1, size);
		if (p[0] == '=') {
			cr_assert(hex_of(p[1]) >= 0 && hex_of(p[2]) >= 0, "bad escape: %.3s", p);
			out[n++] = (char)(hex_of(p[1]) * 16 + hex_of(p[2]));
			p += 3;
		} else {
			cr_assert(((unsigned char)*p >= 32 && (unsigned char)*p < 127) || *p == '\t',
			    "a raw byte %02x", (unsigned char)*p);
			out[n++] = *p++;
		}
	}
	/* The body's last line break is the message's own. */
	if (n > 0 && out[n - 1] == '\n')
		n--;
	out[n] = '\0';
}

Test(mail, headers_of_a_plain_message)
{
	char *text = written(&(struct mail_message){ .from = STR_LIT("noreply@example.org"),
		.from_name = STR_LIT("NHS \"Bury\" \\ CCG"), .to = STR_LIT("someone@example.org"),
		.subject = STR_LIT("Your link to carry on"), .body = STR_LIT("Hello"),
		.message_id = STR_LIT("0a1b2c.12@example.org"), .date = T0 });

	cr_assert_str_eq(text,
	    "From: \"NHS \\\"Bury\\\" \\\\ CCG\" <noreply@example.org>\r\n"
	    "To: someone@example.org\r\n"
	    "Subject: Your link to carry on\r\n"
	    "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"
	    "Message-ID: <0a1b2c.12@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "Hello\r\n");
	free(text);
}

Test(mail, a_sender_without_a_name)
{
	struct mail_message m = message("Hi", "Hello");
	char *text;

	m.from_name = STR_LIT("");
	text = written(&m);
	cr_assert(strncmp(text, "From: noreply@example.org\r\nTo: ", 31) == 0, "%s", text);
	free(text);
}

Test(mail, subjects_and_names_not_in_ascii_are_encoded_words)
{
	static const char *const subjects[] = { "Résumé", "Wyniki ankiety są już dostępne ✓",
		"نتائج الاستبيان متاحة الآن — شكراً لمشاركتكم في الاستطلاع حول خدمات الصيدلية في منطقتكم",
		"=?UTF-8?B?abc?= looks encoded", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
		"A subject in plain ASCII that is far too long to stay on one line of seventy-eight" };
	char value[2048], decoded[2048];
	struct mail_message m;
	size_t i;
	char *text;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		m = message(subjects[i], "Hello");
		m.from_name = STR_LIT("Cyngor Bwrdeistref Sirol Rhondda Cynon Taf – Gwasanaethau");
		text = written(&m);
		header(text, "Subject", value, sizeof(value));
		decode_words(value, decoded, sizeof(decoded));
		cr_assert_str_eq(decoded, subjects[i]);
		header(text, "From", value, sizeof(value));
		cr_assert(strstr(value, " <noreply@example.org>") != NULL, "%s", value);
		*strstr(value, " <noreply@example.org>") = '\0';
		decode_words(value, decoded, sizeof(decoded));
		cr_assert_str_eq(decoded, "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf – Gwasanaethau");
		free(text);
	}
}

Test(mail, the_body_is_quoted_printable_utf8_that_decodes_to_itself)
{
	static const char *const bodies[] = {
		"Hello,\n\nYour link: https://involve.example.org/o/bury/r/abc?x=1&y=2\n\nThank you.",
		"Wyniki są już dostępne: zażółć gęślą jaźń.\r\nDziękujemy!",
		"نتائج الاستبيان متاحة الآن",
		"trailing space \nand tab\t\nend",
		".starts with a dot\n.\nFrom the start\nFrom here",
		"= signs = everywhere ==",
		"a very long line without any break at all that goes on and on past seventy-six "
		"characters and then on again past a hundred and fifty characters, with ünïcödé in "
		"the middle of it and an equals = sign near the end of it",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx é",
		"lone\rcarriage return",
	};
	char decoded[2048], want[2048], *text, *body;
	size_t i, j, n;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		text = written(&(struct mail_message){ .from = STR_LIT("noreply@example.org"),
			.to = STR_LIT("someone@example.org"), .subject = STR_LIT("Hi"),
			.body = str_c(bodies[i]), .message_id = STR_LIT("1.2@example.org"), .date = T0 });
		body = strstr(text, "\r\n\r\n") + 4;
		cr_assert(strstr(body, "\r\n.") == NULL && strncmp(body, ".", 1) != 0,
		    "no line starts with a dot");
		cr_assert(strstr(body, "\r\nFrom ") == NULL, "no line starts with From");
		decode_qp(body, decoded, sizeof(decoded));
		/* What is sent is the body with its line breaks as LF. */
		for (j = n = 0; bodies[i][j]; j++) {
			if (bodies[i][j] == '\r' && bodies[i][j + 1] == '\n')
				continue;
			want[n++] = bodies[i][j] == '\r' ? '\n' : bodies[i][j];
		}
		want[n] = '\0';
		cr_assert_str_eq(decoded, want, "body %zu", i);
		free(text);
	}
}

Test(mail, header_injection_is_refused_wherever_it_is_tried)
{
	struct mail_message m;
	struct buf b = BUF_INIT;
	struct errors e;
	const char *field;
	int i;

	for (i = 0; i < 7; i++) {
		m = message("Hello", "Body");
		switch (i) {
		case 0:
			m.subject = STR_LIT("Hello\r\nBcc: victim@example.org");
			field = "subject";
			break;
		case 1:
			m.subject = STR_LIT("Hello\nBcc: victim@example.org");
			field = "subject";
			break;
		case 2:
			m.to = STR_LIT("someone@example.org\r\nBcc: victim@example.org");
			field = "to";
			break;
		case 3:
			m.from = STR_LIT("noreply@example.org\r\nBcc: victim@example.org");
			field = "from";
			break;
		case 4:
			m.from_name = STR_LIT("NHS\r\nBcc: victim@example.org");
			field = "from_name";
			break;
		case 5:
			m.message_id = STR_LIT("a@example.org>\r\nBcc: <victim@example.org");
			field = "message_id";
			break;
		default:
			m.to = STR_LIT("someone@example.org>, <victim@example.org");
			field = "to";
			break;
		}
		errors_init(&e);
		cr_assert_eq(mail_message_write(&m, &b, &e), ERR_INVALID, "case %d", i);
		cr_assert(errors_has_field(&e, field), "case %d names %s", i, field);
		cr_assert_eq(b.n, 0, "case %d: nothing written", i);
	}
	buf_free(&b);
}

Test(mail, pauses_double_up_to_the_last_attempt)
{
	cr_assert_eq(mail_retry_at(1, 1000, 60), 1060);
	cr_assert_eq(mail_retry_at(2, 1000, 60), 1120);
	cr_assert_eq(mail_retry_at(3, 1000, 60), 1240);
	cr_assert_eq(mail_retry_at(4, 1000, 60), 1480);
	cr_assert_eq(mail_retry_at(5, 1000, 60), 1960);
	cr_assert_eq(mail_retry_at(MAIL_ATTEMPTS_MAX, 1000, 60), 0, "the sixth was the last");
	cr_assert_eq(mail_retry_at(7, 1000, 60), 0);
	cr_assert_eq(mail_retry_at(1, 1000, 2), 1002);
}
