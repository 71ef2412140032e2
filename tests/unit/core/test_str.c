/* Tests for str.c: the buffer and its escapers. */
#include <criterion/criterion.h>

#include "involve/error.h"
#include "involve/str.h"

Test(buf, grows_and_terminates)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	cr_assert(buf_ok(&b));
	cr_assert_str_eq(buf_cstr(&b) + b.n - 4, "999,");
	buf_free(&b);
}

Test(buf, escapes_html)
{
	struct buf b = BUF_INIT;

	buf_add_html(&b, str_c("<script>alert('x') & \"y\"</script>"));
	cr_assert_str_eq(buf_cstr(&b),
	    "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
	buf_free(&b);
}

Test(buf, escapes_json_for_html)
{
	struct buf b = BUF_INIT;

	buf_add_json_string(&b, str_c("a\"b\\\n</script>\x01"));
	cr_assert_str_eq(buf_cstr(&b), "\"a\\\"b\\\\\\n\\u003c/script\\u003e\\u0001\"");
	buf_free(&b);
}

Test(buf, encodes_url)
{
	struct buf b = BUF_INIT;

	buf_add_url(&b, str_c("a b/é"));
	cr_assert_str_eq(buf_cstr(&b), "a%20b%2F%C3%A9");
	buf_free(&b);
}

Test(errors, caps_and_counts)
{
	struct errors e;
	int i;

	errors_init(&e);
	cr_assert(!errors_any(&e));
	for (i = 0; i < ERRORS_MAX + 3; i++)
		errors_add_at(&e, "options", i, "bad %d", i);
	cr_assert_eq(e.n, ERRORS_MAX);
	cr_assert_eq(e.dropped, 3);
	cr_assert_str_eq(e.list[1].field, "options[1]");
	cr_assert_str_eq(e.list[1].detail, "bad 1");
}

Test(str, hex_values)
{
	unsigned char c;

	cr_assert_eq(str_hex_byte("00", &c), 0);
	cr_assert_eq(c, 0);
	cr_assert_eq(str_hex_byte("aF", &c), 0);
	cr_assert_eq(c, 0xaf);
	cr_assert_eq(str_hex_byte("g0", &c), -1);
	cr_assert_eq(str_hex_byte("0g", &c), -1);
	cr_assert_eq(str_hex_byte("0", &c), -1, "one digit and the end");
}

Test(str, trim_drops_spaces_and_line_ends_at_both_ends)
{
	struct str t = str_trim(str_c(" \t name \r\n"));

	cr_assert(str_eq_c(t, "name"));
	cr_assert_eq(str_trim(str_c(" \n\t ")).n, 0);
	cr_assert(str_eq_c(str_trim(str_c("a b")), "a b"), "spaces inside stay");
}
