/* Tests for password.c: the staff password policy, with its refusals. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/password.h"

static void
policy_refuses(const char *password, const char *detail_part)
{
	struct errors e;

	errors_init(&e);
	cr_expect_eq(password_check(password, &e), ERR_INVALID, "accepted \"%s\"",
	    password ? password : "(null)");
	cr_assert_eq(e.n, 1);
	cr_expect_str_eq(e.list[0].field, "password");
	cr_expect(strstr(e.list[0].detail, detail_part) != NULL, "detail \"%s\" lacks \"%s\"",
	    e.list[0].detail, detail_part);
}

static void
policy_accepts(const char *password)
{
	struct errors e;

	errors_init(&e);
	cr_expect_eq(password_check(password, &e), 0, "refused \"%s\"", password);
	cr_expect_eq(e.n, 0);
}

Test(password, policy_accepts_good_passwords)
{
	char max[PASSWORD_MAX_BYTES + 1];

	policy_accepts("twelve chars");
	policy_accepts("correct horse battery staple");
	/* 12 characters of two bytes each. */
	policy_accepts("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	               "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	/* Emoji (four bytes) and CJK (three bytes) are characters like any other. */
	policy_accepts("\xf0\x9f\x94\x91 \xe5\xaf\x86\xe7\xa0\x81 passw0rd");
	memset(max, 'x', PASSWORD_MAX_BYTES);
	max[PASSWORD_MAX_BYTES] = '\0';
	policy_accepts(max);
}

Test(password, policy_refuses_bad_passwords)
{
	char big[PASSWORD_MAX_BYTES + 2];

	policy_refuses(NULL, "Enter a password");
	policy_refuses("", "Enter a password");
	policy_refuses("eleven char", "12 characters or more");
	/* 11 characters, 22 bytes: characters are counted, not bytes. */
	policy_refuses("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	               "\xc3\xa9\xc3\xa9\xc3\xa9",
	    "12 characters or more");
	memset(big, 'x', PASSWORD_MAX_BYTES + 1);
	big[PASSWORD_MAX_BYTES + 1] = '\0';
	policy_refuses(big, "256 bytes or fewer");
	policy_refuses("long enough\tpassword", "control");
	policy_refuses("long enough password\n", "control");
	policy_refuses("long enough\x7fpassword", "control");
	policy_refuses("long enough\xc2\x85password", "control"); /* U+0085, C1 */
	policy_refuses("long enough \xff password", "not text");
	policy_refuses("long enough \xc0\xaf password", "not text");         /* overlong "/" */
	policy_refuses("long enough \xe0\x80\xaf password", "not text");     /* overlong */
	policy_refuses("long enough \xed\xa0\x80 password", "not text");     /* surrogate */
	policy_refuses("long enough \xf4\x90\x80\x80 password", "not text"); /* > U+10FFFF */
	policy_refuses("long enough \xf8\x88\x80\x80\x80 pw", "not text");
	policy_refuses("long enough password \xe2\x82", "not text"); /* cut short */
	policy_refuses("long enough \x80 password", "not text");
}

