/* Tests for page_cache.c: a page is kept with its compressed forms, and a
 * hit hands out the one the request accepts. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <zlib.h>

#include "involve/content_coding.h"
#include "involve/page_cache.h"

static struct page_cache *cache;

static void
setup(void)
{
	cache = page_cache_new();
	cr_assert_not_null(cache);
}

static void
teardown(void)
{
	page_cache_free(cache);
}

TestSuite(page_cache, .init = setup, .fini = teardown);

/* A rendered page of about n bytes. */
static void
page(struct http_response *res, size_t n)
{
	size_t i;

	http_response_init(res);
	buf_add_c(&res->body, "<!DOCTYPE html><html lang=\"en\"><body><ul>");
	for (i = 0; res->body.n < n; i++)
		buf_printf(&res->body, "<li><a href=\"/o/bury/polls/%zu\">Poll %zu</a></li>", i, i);
	buf_add_c(&res->body, "</ul></body></html>");
	cr_assert(buf_ok(&res->body));
}

static struct coding_accept
accepting(const char *value)
{
	struct coding_accept a;
	struct str v = str_c(value);

	coding_accept_parse(&a, &v, 1);
	return a;
}

/* The body of res decoded as its content_encoding says. */
static void
decoded(const struct http_response *res, struct buf *out)
{
	size_t n = 1 << 20;
	uLongf zn = n;
	z_stream z;

	buf_reset(out);
	cr_assert_eq(buf_reserve(out, n), 0);
	if (res->content_encoding == NULL) {
		buf_add(out, res->body.p, res->body.n);
	} else if (strcmp(res->content_encoding, "br") == 0) {
		cr_assert_eq(BrotliDecoderDecompress(
		                 res->body.n, (const uint8_t *)res->body.p, &n, (uint8_t *)out->p),
		    BROTLI_DECODER_RESULT_SUCCESS);
		out->n = n;
	} else {
		cr_assert_str_eq(res->content_encoding, "gzip");
		memset(&z, 0, sizeof(z));
		cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
		z.next_in = (Bytef *)res->body.p;
		z.avail_in = (uInt)res->body.n;
		z.next_out = (Bytef *)out->p;
		z.avail_out = (uInt)zn;
		cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
		out->n = z.total_out;
		inflateEnd(&z);
	}
}

Test(page_cache, a_hit_comes_in_the_coding_asked_for)
{
	static const struct {
		const char *accept;
		const char *coding;
	} cases[] = {
		{ "br, gzip", "br" },
		{ "gzip", "gzip" },
		{ "br;q=0.1, gzip;q=0.9", "gzip" },
		{ "gzip;q=0, br;q=0", NULL },
		{ "", NULL },
	};
	struct http_response put, got;
	struct coding_accept a;
	struct buf plain = BUF_INIT;
	size_t i;

	page(&put, 20000);
	page_cache_put(cache, STR_LIT("/o/bury/"), &put, true);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = accepting(cases[i].accept);
		http_response_init(&got);
		cr_assert(
		    page_cache_get(cache, STR_LIT("/o/bury/"), &a, &got), "%s", cases[i].accept);
		cr_assert_eq(got.status, 200);
		cr_assert(got.vary_encoding, "%s: the page has compressed forms", cases[i].accept);
		if (cases[i].coding == NULL) {
			cr_assert_null(got.content_encoding, "%s", cases[i].accept);
		} else {
			cr_assert_str_eq(
			    got.content_encoding, cases[i].coding, "%s", cases[i].accept);
			cr_assert_lt(got.body.n, put.body.n / 4);
		}
		decoded(&got, &plain);
		cr_assert_eq(plain.n, put.body.n);
		cr_assert_eq(memcmp(plain.p, put.body.p, plain.n), 0, "%s", cases[i].accept);
		http_response_free(&got);
	}
	/* No accept given: the page as it is. */
	http_response_init(&got);
	cr_assert(page_cache_get(cache, STR_LIT("/o/bury/"), NULL, &got));
	cr_assert_null(got.content_encoding);
	http_response_free(&got);
	buf_free(&plain);
	http_response_free(&put);
}

Test(page_cache, what_may_not_or_need_not_be_compressed_is_kept_as_it_is)
{
	struct coding_accept a = accepting("br, gzip");
	struct http_response put, got;

	/* The caller said no (see may_compress in app.c). */
	page(&put, 20000);
	page_cache_put(cache, STR_LIT("/o/bury/polls/1"), &put, false);
	http_response_init(&got);
	cr_assert(page_cache_get(cache, STR_LIT("/o/bury/polls/1"), &a, &got));
	cr_assert_null(got.content_encoding);
	cr_assert_not(got.vary_encoding);
	cr_assert_eq(got.body.n, put.body.n);
	http_response_free(&got);
	http_response_free(&put);

	/* Too small to pay. */
	page(&put, 100);
	cr_assert_lt(put.body.n, CODING_MIN_BYTES);
	page_cache_put(cache, STR_LIT("/small"), &put, true);
	http_response_init(&got);
	cr_assert(page_cache_get(cache, STR_LIT("/small"), &a, &got));
	cr_assert_null(got.content_encoding);
	cr_assert_not(got.vary_encoding);
	http_response_free(&got);
	http_response_free(&put);

	/* Not a kind of body that shrinks. */
	page(&put, 20000);
	put.content_type = "image/png";
	page_cache_put(cache, STR_LIT("/image"), &put, true);
	http_response_init(&got);
	cr_assert(page_cache_get(cache, STR_LIT("/image"), &a, &got));
	cr_assert_null(got.content_encoding);
	http_response_free(&got);
	http_response_free(&put);
}

Test(page_cache, invalidation_drops_every_form)
{
	struct coding_accept a = accepting("br");
	struct http_response put, got;

	page(&put, 20000);
	page_cache_put(cache, STR_LIT("/o/bury/"), &put, true);
	page_cache_invalidate(cache);
	http_response_init(&got);
	cr_assert_not(page_cache_get(cache, STR_LIT("/o/bury/"), &a, &got));
	cr_assert_eq(got.body.n, 0);
	cr_assert_null(got.content_encoding);
	cr_assert_not(got.vary_encoding);
	http_response_free(&got);
	http_response_free(&put);
}
