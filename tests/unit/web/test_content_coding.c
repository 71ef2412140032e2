/* Tests for content_coding.c: reading Accept-Encoding, choosing a coding,
 * and compressing into forms that decompress to the same bytes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <zlib.h>

#include "involve/content_coding.h"

#define ALL (CODING_BIT(CODING_GZIP) | CODING_BIT(CODING_BR))

/* The coding chosen for one Accept-Encoding value, with everything
 * available. */
static enum content_coding
choose(const char *value)
{
	struct coding_accept a;
	struct str v = str_c(value);

	coding_accept_parse(&a, &v, 1);
	return coding_choose(&a, ALL);
}

Test(content_coding, no_field_or_an_empty_one_gets_identity)
{
	struct coding_accept a;

	coding_accept_parse(&a, NULL, 0);
	cr_assert_eq(coding_choose(&a, ALL), CODING_IDENTITY);
	cr_assert_eq(a.q[CODING_GZIP], 0);
	cr_assert_eq(a.q[CODING_BR], 0);
	cr_assert_eq(choose(""), CODING_IDENTITY);
	cr_assert_eq(choose("  ,  , "), CODING_IDENTITY);
}

Test(content_coding, brotli_then_gzip_when_weights_are_equal)
{
	cr_assert_eq(choose("gzip, deflate, br, zstd"), CODING_BR);
	cr_assert_eq(choose("gzip, deflate"), CODING_GZIP);
	cr_assert_eq(choose("br"), CODING_BR);
	cr_assert_eq(choose("deflate, zstd, compress"), CODING_IDENTITY);
	cr_assert_eq(choose("*"), CODING_BR);
	/* identity named at the same weight still comes after both. */
	cr_assert_eq(choose("identity, gzip"), CODING_GZIP);
}

Test(content_coding, weights_are_honoured)
{
	cr_assert_eq(choose("br;q=0.5, gzip"), CODING_GZIP);
	cr_assert_eq(choose("br;q=0.5, gzip;q=0.4"), CODING_BR);
	cr_assert_eq(choose("gzip;q=0.001"), CODING_GZIP, "named beats identity left unnamed");
	cr_assert_eq(choose("identity;q=1, br;q=0.9"), CODING_IDENTITY);
	cr_assert_eq(choose("gzip;q=0"), CODING_IDENTITY);
	cr_assert_eq(choose("br;q=0, gzip;q=0"), CODING_IDENTITY);
	cr_assert_eq(choose("gzip;q=0, *"), CODING_BR, "* covers what is not named");
	cr_assert_eq(choose("br;q=0, *;q=0.3"), CODING_GZIP);
	cr_assert_eq(choose("*;q=0"), CODING_IDENTITY, "nothing acceptable: identity");
	cr_assert_eq(choose("identity;q=0"), CODING_IDENTITY);
	cr_assert_eq(choose("identity;q=0, gzip;q=0.1"), CODING_GZIP);
}

Test(content_coding, the_q_grammar_is_followed)
{
	struct coding_accept a;
	struct str v;
	static const struct {
		const char *value;
		unsigned q;
	} ok[] = {
		{ "gzip", 1000 },
		{ "gzip;q=1", 1000 },
		{ "gzip;q=1.", 1000 },
		{ "gzip;q=1.000", 1000 },
		{ "gzip;q=0.5", 500 },
		{ "gzip;q=0.05", 50 },
		{ "gzip;q=0.001", 1 },
		{ "gzip;q=0", 0 },
		{ "gzip;q=0.", 0 },
		{ "gzip ; q=0.25", 250 },
		{ "gzip\t;\tQ=0.75", 750 },
		{ "GZIP;q=0.2", 200 },
		{ "x-gzip;q=0.3", 300 },
	};
	/* Each is ignored as a whole, so gzip stays unacceptable. */
	static const char *const bad[] = {
		"gzip;q=2",
		"gzip;q=1.5",
		"gzip;q=1.001",
		"gzip;q=0.1234",
		"gzip;q=.5",
		"gzip;q=-0",
		"gzip;q=",
		"gzip;q",
		"gzip;",
		"gzip;;",
		"gzip;q=0.5;q=0.6",
		"gzip;level=9",
		"gzip;q = 0.5",
		"gzip;q=0.5x",
		"gz ip",
		"gzip/1",
		";q=1",
		"\"gzip\"",
		"gzip;q=0x1",
		"gzip;q=1e0",
		"gzip;q=0.5 0.6",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = str_c(ok[i].value);
		coding_accept_parse(&a, &v, 1);
		cr_expect_eq(a.q[CODING_GZIP], ok[i].q, "\"%s\": q %u, not %u", ok[i].value,
		    a.q[CODING_GZIP], ok[i].q);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = str_c(bad[i]);
		coding_accept_parse(&a, &v, 1);
		cr_expect_eq(
		    a.q[CODING_GZIP], 0, "\"%s\" was taken as q %u", bad[i], a.q[CODING_GZIP]);
		cr_expect_eq(coding_choose(&a, ALL), CODING_IDENTITY, "\"%s\"", bad[i]);
	}
	/* A bad element does not spoil the good ones beside it. */
	cr_assert_eq(choose("gzip;q=7, br;q=0.9"), CODING_BR);
	cr_assert_eq(choose("br;q=oops,gzip"), CODING_GZIP);
}

Test(content_coding, a_coding_named_twice_or_in_two_fields_gets_the_lower_weight)
{
	struct coding_accept a;
	struct str two[2] = { STR_LIT("gzip"), STR_LIT("br;q=0") };

	cr_assert_eq(choose("br, br;q=0"), CODING_IDENTITY);
	cr_assert_eq(choose("br;q=0, br"), CODING_IDENTITY);
	cr_assert_eq(choose("gzip;q=0.2, gzip;q=0.9"), CODING_GZIP);
	coding_accept_parse(&a, two, 2);
	cr_assert_eq(coding_choose(&a, ALL), CODING_GZIP);
}

Test(content_coding, only_available_forms_are_chosen)
{
	struct coding_accept a;
	struct str v = STR_LIT("br, gzip;q=0.5");

	coding_accept_parse(&a, &v, 1);
	cr_assert_eq(coding_choose(&a, CODING_BIT(CODING_GZIP)), CODING_GZIP);
	cr_assert_eq(coding_choose(&a, 0), CODING_IDENTITY);
	cr_assert_str_eq(coding_name(CODING_BR), "br");
	cr_assert_str_eq(coding_name(CODING_GZIP), "gzip");
	cr_assert_null(coding_name(CODING_IDENTITY));
}

Test(content_coding, long_and_hostile_values_are_read_without_harm)
{
	size_t n = 100000, i;
	char *s = malloc(n + 1);

	cr_assert_not_null(s);
	for (i = 0; i < n; i++)
		s[i] = ",;=q\t\"*"[i % 7];
	s[n] = '\0';
	cr_assert_eq(choose(s), CODING_IDENTITY, "no element in it follows the grammar");
	for (i = 0; i + 12 <= n; i += 12)
		memcpy(s + i, "gzip;q=0.5, ", 12);
	s[i] = '\0';
	cr_assert_eq(choose(s), CODING_GZIP);
	memset(s, ',', n);
	cr_assert_eq(choose(s), CODING_IDENTITY);
	memset(s, 'a', n);
	cr_assert_eq(choose(s), CODING_IDENTITY);
	free(s);
}

Test(content_coding, a_nul_byte_spoils_only_its_element)
{
	struct coding_accept a;
	static const char value[] = "br\0gzip, gzip;q=0.5";
	struct str v = { value, sizeof(value) - 1 };

	coding_accept_parse(&a, &v, 1);
	cr_assert_eq(a.q[CODING_BR], 0);
	cr_assert_eq(coding_choose(&a, ALL), CODING_GZIP);
}

Test(content_coding, compressible_types)
{
	cr_assert(coding_type_compressible("text/html; charset=utf-8"));
	cr_assert(coding_type_compressible("text/css; charset=utf-8"));
	cr_assert(coding_type_compressible("application/json"));
	cr_assert(coding_type_compressible("application/problem+json"));
	cr_assert(coding_type_compressible("image/svg+xml"));
	cr_assert_not(coding_type_compressible("image/png"));
	cr_assert_not(coding_type_compressible("font/woff2"));
	cr_assert_not(coding_type_compressible(NULL));
}

/* A page-like body: repetitive enough to compress, varied enough not to be
 * trivial. */
static void
sample(struct buf *b, size_t n)
{
	size_t i = 0;

	for (; b->n < n; i++)
		buf_printf(b, "<li class=\"nhsuk-list\">Option %zu of the poll: %s</li>\n", i,
		    i % 3 ? "satisfied" : "dissatisfied");
	b->n = n;
	cr_assert(buf_ok(b));
}

Test(content_coding, gzip_and_brotli_give_back_the_same_bytes)
{
	struct buf in = BUF_INIT, gz = BUF_INIT, br = BUF_INIT;
	enum coding_effort effort;
	unsigned char *back;
	uLongf back_n;
	size_t br_n;
	z_stream z;

	sample(&in, 50000);
	back = malloc(in.n + 16);
	cr_assert_not_null(back);
	for (effort = CODING_FAST; effort <= CODING_BEST; effort++) {
		gz.n = br.n = 0;
		cr_assert_eq(coding_compress(CODING_GZIP, effort, in.p, in.n, &gz), 0);
		cr_assert_eq(coding_compress(CODING_BR, effort, in.p, in.n, &br), 0);
		cr_assert_lt(gz.n, in.n / 4);
		cr_assert_lt(br.n, in.n / 4);
		/* gzip: the magic bytes, then an inflate with the gzip wrapper. */
		cr_assert_eq((unsigned char)gz.p[0], 0x1f);
		cr_assert_eq((unsigned char)gz.p[1], 0x8b);
		memset(&z, 0, sizeof(z));
		cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
		z.next_in = (Bytef *)gz.p;
		z.avail_in = (uInt)gz.n;
		z.next_out = back;
		z.avail_out = (uInt)(in.n + 16);
		cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
		back_n = z.total_out;
		inflateEnd(&z);
		cr_assert_eq(back_n, in.n);
		cr_assert_eq(memcmp(back, in.p, in.n), 0);
		br_n = in.n + 16;
		cr_assert_eq(BrotliDecoderDecompress(br.n, (const uint8_t *)br.p, &br_n, back),
		    BROTLI_DECODER_RESULT_SUCCESS);
		cr_assert_eq(br_n, in.n);
		cr_assert_eq(memcmp(back, in.p, in.n), 0);
	}
	free(back);
	buf_free(&in);
	buf_free(&gz);
	buf_free(&br);
}

Test(content_coding, compress_appends_and_refuses_what_it_cannot_do)
{
	struct buf out = BUF_INIT;

	buf_add_c(&out, "kept");
	cr_assert_eq(coding_compress(CODING_GZIP, CODING_FAST, "", 0, &out), 0);
	cr_assert_eq(memcmp(out.p, "kept", 4), 0);
	cr_assert_gt(out.n, 4, "an empty body still has a gzip header");
	cr_assert_eq(coding_compress(CODING_IDENTITY, CODING_FAST, "x", 1, &out), ERR_INVALID);
	cr_assert_eq(
	    coding_compress(CODING_BR, CODING_FAST, "x", CODING_BODY_MAX + 1, &out), ERR_INVALID);
	buf_free(&out);
}
