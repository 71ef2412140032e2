/* Tests for totp.c: RFC 6238's vectors, the window of accepted steps, codes
 * used once, what a person may type, and the enrolment texts. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "involve/error.h"
#include "involve/secret.h"
#include "involve/totp.h"

/* RFC 6238 Appendix B's SHA1 secret: the ASCII of "1234567890" twice. */
static const unsigned char rfc_secret[] = "12345678901234567890";
#define RFC_N 20

/* A moment in the middle of a step, so that the steps either side are
 * whole ones. */
#define NOW ((int64_t)1111111109)
#define STEP (NOW / TOTP_PERIOD)

static void
setup(void)
{
	cr_assert_eq(secret_init(), 0);
}

TestSuite(totp, .init = setup);

static void
code_at(int64_t t, char out[TOTP_DIGITS + 1])
{
	cr_assert_eq(totp_code(rfc_secret, RFC_N, t, out), 0);
}

static int
check(const char *code, int64_t now, int64_t last, int64_t *step)
{
	return totp_check(rfc_secret, RFC_N, code, code ? strlen(code) : 0, now, last, step);
}

Test(totp, rfc6238_sha1_vectors)
{
	/* The RFC's eight-digit values; six digits are their last six. */
	static const struct {
		int64_t t;
		const char *eight;
	} v[] = {
		{ 59, "94287082" },
		{ 1111111109, "07081804" },
		{ 1111111111, "14050471" },
		{ 1234567890, "89005924" },
		{ 2000000000, "69279037" },
		{ 20000000000, "65353130" },
	};
	char got[TOTP_DIGITS + 1];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		code_at(v[i].t, got);
		cr_expect_str_eq(got, v[i].eight + 2, "T=%lld", (long long)v[i].t);
	}
}

Test(totp, one_code_per_step)
{
	char a[TOTP_DIGITS + 1], b[TOTP_DIGITS + 1];

	code_at(30, a);
	code_at(59, b);
	cr_expect_str_eq(a, b);
	code_at(60, b);
	cr_expect_str_neq(a, b);
	code_at(0, a);
	cr_expect_eq(strlen(a), TOTP_DIGITS);
}

Test(totp, code_refuses_what_it_cannot_compute)
{
	char out[TOTP_DIGITS + 1] = "x";

	cr_expect_eq(totp_code(rfc_secret, 0, NOW, out), ERR_INVALID);
	cr_expect_str_eq(out, "");
	cr_expect_eq(totp_code(NULL, RFC_N, NOW, out), ERR_INVALID);
	cr_expect_eq(totp_code(rfc_secret, RFC_N, -1, out), ERR_INVALID);
	cr_expect_eq(totp_code(rfc_secret, RFC_N, INT64_MAX, out), ERR_INVALID);
	cr_expect_eq(totp_code(rfc_secret, RFC_N, INT64_MAX - TOTP_PERIOD, out), 0);
}

Test(totp, accepts_one_step_either_side)
{
	char code[TOTP_DIGITS + 1];
	int64_t step;
	int d;

	for (d = -1; d <= 1; d++) {
		code_at(NOW + d * TOTP_PERIOD, code);
		step = -7;
		cr_expect_eq(check(code, NOW, TOTP_STEP_NONE, &step), 0, "skew %d", d);
		cr_expect_eq(step, STEP + d, "skew %d", d);
	}
}

Test(totp, refuses_two_steps_away)
{
	char code[TOTP_DIGITS + 1], near[TOTP_DIGITS + 1];
	int64_t step = -7;
	int d, e;

	for (d = -2; d <= 2; d += 4) {
		code_at(NOW + d * TOTP_PERIOD, code);
		/* Only meaningful if the far code is not also a near one. */
		for (e = -1; e <= 1; e++) {
			code_at(NOW + e * TOTP_PERIOD, near);
			cr_assert_str_neq(code, near);
		}
		cr_expect_eq(check(code, NOW, TOTP_STEP_NONE, &step), ERR_DENIED, "skew %d", d);
		cr_expect_eq(step, -7, "step_out untouched");
	}
}

Test(totp, a_code_works_once)
{
	char now_code[TOTP_DIGITS + 1], before[TOTP_DIGITS + 1], after[TOTP_DIGITS + 1];
	int64_t step, last;

	code_at(NOW, now_code);
	code_at(NOW - TOTP_PERIOD, before);
	code_at(NOW + TOTP_PERIOD, after);
	cr_assert_eq(check(now_code, NOW, TOTP_STEP_NONE, &last), 0);
	cr_assert_eq(last, STEP);
	cr_expect_eq(check(now_code, NOW, last, &step), ERR_DENIED, "the same code again");
	cr_expect_eq(check(now_code, NOW + 10, last, &step), ERR_DENIED, "later in its step");
	cr_expect_eq(check(before, NOW, last, &step), ERR_DENIED, "an older code after a newer");
	cr_expect_eq(check(after, NOW, last, &step), 0, "a newer code");
	cr_expect_eq(step, STEP + 1);
	cr_expect_eq(check(after, NOW, step, &step), ERR_DENIED);
	/* A step recorded in the future (a fast clock, then a corrected one)
	 * keeps every code up to it refused. */
	cr_expect_eq(check(now_code, NOW, STEP + 5, &step), ERR_DENIED);
}

Test(totp, a_code_shared_by_two_steps_is_spent_at_the_later)
{
	/* For the RFC secret, steps 37079356 and 37079357 both have 186519
	 * (found by searching).  Recording the earlier step would let the
	 * same code in a second time, at the later one. */
	const int64_t s = 37079356;
	const int64_t now = (s + 1) * TOTP_PERIOD + 15;
	char a[TOTP_DIGITS + 1], b[TOTP_DIGITS + 1];
	int64_t step;

	code_at(s * TOTP_PERIOD, a);
	code_at((s + 1) * TOTP_PERIOD, b);
	cr_assert_str_eq(a, "186519");
	cr_assert_str_eq(b, "186519");
	cr_assert_eq(check("186519", now, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(step, s + 1);
	cr_expect_eq(check("186519", now, step, &step), ERR_DENIED);
	cr_expect_eq(check("186519", now, s - 1, &step), 0);
	cr_expect_eq(step, s + 1);
}

Test(totp, accepts_spaces_as_typed)
{
	int64_t step;

	/* At T=59 the code is 287082. */
	cr_expect_eq(check("287082", 59, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(step, 1);
	cr_expect_eq(check("287 082", 59, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(check(" 287082 ", 59, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(check("2 8 7 0 8 2", 59, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(check("287 083", 59, TOTP_STEP_NONE, &step), ERR_DENIED);
}

Test(totp, refuses_what_is_not_six_digits)
{
	static const char *bad[] = {
		"",
		" ",
		"      ",
		"12345",
		"1234567",
		"12a456",
		"123-456",
		"123\t456",
		"-12345",
		"+12345",
		"１２３４５６",
		"2870820",
		"0x1234",
	};
	int64_t step = -7;
	size_t i;
	char *exact;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(
		    check(bad[i], 59, TOTP_STEP_NONE, &step), ERR_MALFORMED, "'%s'", bad[i]);
	cr_expect_eq(
	    totp_check(rfc_secret, RFC_N, NULL, 0, 59, TOTP_STEP_NONE, &step), ERR_MALFORMED);
	cr_expect_eq(
	    totp_check(rfc_secret, RFC_N, NULL, 6, 59, TOTP_STEP_NONE, &step), ERR_MALFORMED);
	cr_expect_eq(totp_check(rfc_secret, RFC_N, "287082", 5, 59, TOTP_STEP_NONE, &step),
	    ERR_MALFORMED, "the length given is what counts");
	cr_expect_eq(totp_check(rfc_secret, RFC_N, "287\000082", 7, 59, TOTP_STEP_NONE, &step),
	    ERR_MALFORMED, "a NUL inside");
	cr_expect_eq(step, -7);
	/* Only the bytes given are read: the sanitizer would catch more. */
	exact = malloc(TOTP_DIGITS);
	cr_assert(exact);
	memcpy(exact, "287082", TOTP_DIGITS);
	cr_expect_eq(
	    totp_check(rfc_secret, RFC_N, exact, TOTP_DIGITS, 59, TOTP_STEP_NONE, &step), 0);
	free(exact);
	cr_expect_eq(totp_check(rfc_secret, RFC_N, "2870829", 6, 59, TOTP_STEP_NONE, &step), 0);
}

Test(totp, check_refuses_what_it_cannot_compute)
{
	int64_t step;

	cr_expect_eq(totp_check(rfc_secret, 0, "287082", 6, 59, -1, &step), ERR_INVALID);
	cr_expect_eq(totp_check(NULL, RFC_N, "287082", 6, 59, -1, &step), ERR_INVALID);
	cr_expect_eq(totp_check(rfc_secret, RFC_N, "287082", 6, -1, -1, &step), ERR_INVALID);
	cr_expect_eq(totp_check(rfc_secret, RFC_N, "287082", 6, INT64_MAX, -1, &step), ERR_INVALID);
}

Test(totp, step_zero_has_no_step_before)
{
	char code[TOTP_DIGITS + 1];
	int64_t step;

	code_at(0, code);
	cr_expect_eq(check(code, 0, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(step, 0);
	cr_expect_eq(check(code, 0, step, &step), ERR_DENIED);
}

Test(totp, new_secrets_work)
{
	unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];
	static const unsigned char zero[TOTP_SECRET_BYTES];
	char code[TOTP_DIGITS + 1];
	int64_t step;

	totp_secret_new(a);
	totp_secret_new(b);
	cr_expect(memcmp(a, b, sizeof(a)) != 0);
	cr_expect(memcmp(a, zero, sizeof(a)) != 0);
	cr_assert_eq(totp_code(a, sizeof(a), NOW, code), 0);
	cr_expect_eq(totp_check(a, sizeof(a), code, strlen(code), NOW, TOTP_STEP_NONE, &step), 0);
	cr_expect_eq(step, STEP);
}

Test(totp, base32_of_known_bytes)
{
	/* RFC 4648 section 10, without the padding. */
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "f", "MY" },
		{ "fo", "MZXQ" },
		{ "foo", "MZXW6" },
		{ "foob", "MZXW6YQ" },
		{ "fooba", "MZXW6YTB" },
		{ "foobar", "MZXW6YTBOI" },
	};
	char out[TOTP_SECRET_TEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert_eq(totp_secret_text(
		                 (const unsigned char *)v[i].in, strlen(v[i].in), out, sizeof(out)),
		    0);
		cr_expect_str_eq(out, v[i].out);
	}
	cr_assert_eq(totp_secret_text(rfc_secret, RFC_N, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	cr_expect_eq(strlen(out) + 1, TOTP_SECRET_TEXT_MAX);
}

Test(totp, base32_refusals)
{
	char out[TOTP_SECRET_TEXT_MAX];

	cr_expect_eq(
	    totp_secret_text(rfc_secret, RFC_N, out, TOTP_SECRET_TEXT_MAX - 1), ERR_INVALID);
	cr_expect_str_eq(out, "");
	cr_expect_eq(totp_secret_text(rfc_secret, 0, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_secret_text(NULL, RFC_N, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_secret_text(rfc_secret, RFC_N, NULL, 0), ERR_INVALID);
}

Test(totp, display_in_groups_of_four)
{
	char out[TOTP_SECRET_DISPLAY_MAX];

	cr_assert_eq(totp_secret_display(rfc_secret, RFC_N, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
	cr_expect_eq(strlen(out) + 1, TOTP_SECRET_DISPLAY_MAX);
	cr_assert_eq(totp_secret_display((const unsigned char *)"foobar", 6, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "MZXW 6YTB OI");
	cr_assert_eq(totp_secret_display((const unsigned char *)"fo", 2, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "MZXQ", "no space after a last full group");
	cr_assert_eq(totp_secret_display((const unsigned char *)"f", 1, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "MY");
	/* Room for the text but not for the spaces. */
	cr_expect_eq(
	    totp_secret_display(rfc_secret, RFC_N, out, TOTP_SECRET_DISPLAY_MAX - 1), ERR_INVALID);
	cr_expect_str_eq(out, "");
	cr_expect_eq(
	    totp_secret_display(rfc_secret, RFC_N, out, TOTP_SECRET_TEXT_MAX), ERR_INVALID);
}

Test(totp, uri)
{
	char out[TOTP_URI_MAX];

	cr_assert_eq(
	    totp_uri("Involve", "ann@example.org", rfc_secret, RFC_N, out, sizeof(out)), 0);
	cr_expect_str_eq(out,
	    "otpauth://totp/Involve:ann%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=Involve&algorithm=SHA1&digits=6&period=30");
}

Test(totp, uri_encodes_issuer_and_account)
{
	char out[TOTP_URI_MAX];

	cr_assert_eq(totp_uri("Bury: Health & Care", "Ann Smith:admin?x=1&y#z", rfc_secret, RFC_N,
	                 out, sizeof(out)),
	    0);
	cr_expect_str_eq(out,
	    "otpauth://totp/Bury%3A%20Health%20%26%20Care:Ann%20Smith%3Aadmin%3Fx%3D1%26y%23z"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=Bury%3A%20Health%20%26%20Care&algorithm=SHA1&digits=6&period=30");
	/* RFC 3986's unreserved characters stay; UTF-8 is encoded byte by
	 * byte, in upper-case hexadecimal. */
	cr_assert_eq(totp_uri("a-b_c.d~e", "Zoë/+%", rfc_secret, RFC_N, out, sizeof(out)), 0);
	cr_expect_str_eq(out,
	    "otpauth://totp/a-b_c.d~e:Zo%C3%AB%2F%2B%25"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=a-b_c.d~e&algorithm=SHA1&digits=6&period=30");
}

Test(totp, uri_refusals)
{
	char out[TOTP_URI_MAX];
	size_t len;

	cr_assert_eq(totp_uri("Involve", "ann", rfc_secret, RFC_N, out, sizeof(out)), 0);
	len = strlen(out);
	/* Exactly enough, then one byte short. */
	cr_expect_eq(totp_uri("Involve", "ann", rfc_secret, RFC_N, out, len + 1), 0);
	cr_expect_eq(strlen(out), len);
	cr_expect_eq(totp_uri("Involve", "ann", rfc_secret, RFC_N, out, len), ERR_INVALID);
	cr_expect_str_eq(out, "");
	cr_expect_eq(totp_uri("", "ann", rfc_secret, RFC_N, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_uri("Involve", "", rfc_secret, RFC_N, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_uri(NULL, "ann", rfc_secret, RFC_N, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_uri("Involve", NULL, rfc_secret, RFC_N, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_uri("Involve", "ann", rfc_secret, 0, out, sizeof(out)), ERR_INVALID);
	cr_expect_eq(totp_uri("Involve", "ann", NULL, RFC_N, out, sizeof(out)), ERR_INVALID);
}

Test(totp, uri_max_holds_what_the_header_promises)
{
	char out[TOTP_URI_MAX], issuer[34], account[201];

	/* 33 "&" are 99 bytes encoded; 200 "a" are 200. */
	memset(issuer, '&', 33);
	issuer[33] = '\0';
	memset(account, 'a', 200);
	account[200] = '\0';
	cr_expect_eq(totp_uri(issuer, account, rfc_secret, RFC_N, out, sizeof(out)), 0);
	/* 200 spaces are 600 bytes encoded. */
	memset(account, ' ', 200);
	cr_expect_eq(totp_uri(issuer, account, rfc_secret, RFC_N, out, sizeof(out)), ERR_INVALID);
	cr_expect_str_eq(out, "");
}
