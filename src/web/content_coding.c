/*
 * content_coding.c - Accept-Encoding and compression (see
 * content_coding.h).  The compressing is zlib's and libbrotlienc's; only
 * the reading of Accept-Encoding is our own, because it decides what each
 * client can read and is small enough to check by eye:
 *
 *   Accept-Encoding = #( codings [ OWS ";" OWS "q=" qvalue ] )
 *   qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <brotli/encode.h>
#include <zlib.h>

#include "involve/content_coding.h"

/* Per request a middle setting (a 20 KB page in well under a millisecond);
 * for a page kept in the cache, nearly the best: it is made once a second
 * at most and sent many times. */
#define GZIP_LEVEL_FAST 6
#define GZIP_LEVEL_BEST 9
#define BROTLI_QUALITY_FAST 5
#define BROTLI_QUALITY_BEST 9

/* The names an Accept-Encoding element may carry that mean something
 * here; anything else (deflate, zstd, compress) is skipped. */
enum name {
	NAME_IDENTITY = CODING_IDENTITY,
	NAME_GZIP = CODING_GZIP,
	NAME_BR = CODING_BR,
	NAME_STAR,
	NAME_N,
	NAME_OTHER = NAME_N,
};

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar. */
static bool
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static enum name
name_of(struct str s)
{
	if (str_case_eq_c(s, "br"))
		return NAME_BR;
	if (str_case_eq_c(s, "gzip") || str_case_eq_c(s, "x-gzip"))
		return NAME_GZIP;
	if (str_case_eq_c(s, "identity"))
		return NAME_IDENTITY;
	if (str_eq_c(s, "*"))
		return NAME_STAR;
	return NAME_OTHER;
}

/* Reads a qvalue that is the whole of s, in thousandths: true when it
 * follows the grammar. */
static bool
parse_qvalue(struct str s, unsigned *out)
{
	unsigned q, scale = 100;
	size_t i;

	if (s.n == 0 || (s.p[0] != '0' && s.p[0] != '1'))
		return false;
	q = s.p[0] == '1' ? CODING_Q_ONE : 0;
	if (s.n == 1) {
		*out = q;
		return true;
	}
	if (s.p[1] != '.' || s.n > 5)
		return false;
	for (i = 2; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9' || (q == CODING_Q_ONE && s.p[i] != '0'))
			return false;
		q += (unsigned)(s.p[i] - '0') * scale;
		scale /= 10;
	}
	*out = q;
	return true;
}

/* Reads one list element (between commas, not empty after trimming):
 * false when it does not follow the grammar. */
static bool
parse_element(struct str el, enum name *name, unsigned *q)
{
	size_t i = 0, start;
	bool have_q = false;

	while (i < el.n && is_tchar(el.p[i]))
		i++;
	if (i == 0)
		return false;
	*name = name_of((struct str){ el.p, i });
	*q = CODING_Q_ONE;
	for (;;) {
		while (i < el.n && is_ows(el.p[i]))
			i++;
		if (i == el.n)
			return true;
		if (el.p[i++] != ';')
			return false;
		while (i < el.n && is_ows(el.p[i]))
			i++;
		/* Only the weight is defined for Accept-Encoding, and once. */
		if (have_q || el.n - i < 2 || (el.p[i] != 'q' && el.p[i] != 'Q') ||
		    el.p[i + 1] != '=')
			return false;
		i += 2;
		start = i;
		while (i < el.n && !is_ows(el.p[i]) && el.p[i] != ';')
			i++;
		if (!parse_qvalue((struct str){ el.p + start, i - start }, q))
			return false;
		have_q = true;
	}
}

void
coding_accept_parse(struct coding_accept *out, const struct str *values, int n)
{
	unsigned q[NAME_N] = { 0 }, weight;
	bool seen[NAME_N] = { false };
	struct str el;
	enum name name;
	size_t i, start;
	int k;

	memset(out, 0, sizeof(*out));
	if (n == 0) {
		out->q[CODING_IDENTITY] = CODING_Q_ONE;
		return;
	}
	for (k = 0; k < n; k++) {
		for (start = 0, i = 0; i <= values[k].n; i++) {
			if (i < values[k].n && values[k].p[i] != ',')
				continue;
			el = str_trim((struct str){ values[k].p + start, i - start });
			start = i + 1;
			if (el.n == 0 || !parse_element(el, &name, &weight) || name == NAME_OTHER)
				continue;
			/* Named twice: the lower weight, so a q=0 anywhere holds. */
			if (!seen[name] || weight < q[name])
				q[name] = weight;
			seen[name] = true;
		}
	}
	out->q[CODING_GZIP] = seen[NAME_GZIP] ? q[NAME_GZIP] : seen[NAME_STAR] ? q[NAME_STAR] : 0;
	out->q[CODING_BR] = seen[NAME_BR] ? q[NAME_BR] : seen[NAME_STAR] ? q[NAME_STAR] : 0;
	/* Acceptable by default, but below anything the client named. */
	if (seen[NAME_IDENTITY])
		out->q[CODING_IDENTITY] = q[NAME_IDENTITY];
	else if (seen[NAME_STAR])
		out->q[CODING_IDENTITY] = q[NAME_STAR];
	else
		out->q[CODING_IDENTITY] = 1;
}

void
coding_accept_of(const struct http_request *req, struct coding_accept *out)
{
	struct str values[HTTP_HEADERS_MAX];
	int i, n = 0;

	for (i = 0; i < req->header_n; i++)
		if (str_case_eq_c(req->headers[i].name, "Accept-Encoding"))
			values[n++] = req->headers[i].value;
	coding_accept_parse(out, values, n);
}

enum content_coding
coding_choose(const struct coding_accept *a, unsigned available)
{
	/* In order of preference when weights are equal. */
	static const enum content_coding order[] = { CODING_BR, CODING_GZIP, CODING_IDENTITY };
	enum content_coding best = CODING_IDENTITY;
	unsigned best_q = 0;
	size_t i;

	available |= CODING_BIT(CODING_IDENTITY);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((available & CODING_BIT(order[i])) && a->q[order[i]] > best_q) {
			best = order[i];
			best_q = a->q[order[i]];
		}
	}
	return best;
}

const char *
coding_name(enum content_coding c)
{
	switch (c) {
	case CODING_GZIP: return "gzip";
	case CODING_BR: return "br";
	default: return NULL;
	}
}

unsigned
coding_variants_available(const struct coding_variants *v)
{
	unsigned bits = CODING_BIT(CODING_IDENTITY);
	int c;

	for (c = CODING_IDENTITY + 1; c < CODING_N; c++)
		if (v->v[c].p != NULL)
			bits |= CODING_BIT(c);
	return bits;
}

bool
coding_type_compressible(const char *type)
{
	static const char *const prefixes[] = {
		"text/",
		"application/json",
		"application/problem+json",
		"application/manifest+json",
		"image/svg+xml",
		"image/x-icon",
	};
	size_t i;

	for (i = 0; type != NULL && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncasecmp(type, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static int
gzip_into(int level, const void *in, size_t n, struct buf *out)
{
	z_stream z;
	uLong bound;
	int rc;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: the largest window, in a gzip wrapper (no name, no time). */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ERR_NOMEM;
	bound = deflateBound(&z, (uLong)n);
	if (buf_reserve(out, bound) != 0) {
		deflateEnd(&z);
		return ERR_NOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->p + out->n;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	if (rc == Z_STREAM_END)
		out->n += z.total_out;
	deflateEnd(&z);
	/* With deflateBound's room, one call always finishes. */
	return rc == Z_STREAM_END ? 0 : ERR_NOMEM;
}

static int
brotli_into(int quality, const void *in, size_t n, struct buf *out)
{
	size_t room = BrotliEncoderMaxCompressedSize(n);

	if (room == 0 || buf_reserve(out, room) != 0)
		return ERR_NOMEM;
	if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, n,
	        (const uint8_t *)in, &room, (uint8_t *)out->p + out->n))
		return ERR_NOMEM;
	out->n += room;
	return 0;
}

int
coding_compress(
    enum content_coding c, enum coding_effort effort, const void *in, size_t n, struct buf *out)
{
	bool best = effort == CODING_BEST;

	if (n > CODING_BODY_MAX)
		return ERR_INVALID;
	switch (c) {
	case CODING_GZIP: return gzip_into(best ? GZIP_LEVEL_BEST : GZIP_LEVEL_FAST, in, n, out);
	case CODING_BR:
		return brotli_into(best ? BROTLI_QUALITY_BEST : BROTLI_QUALITY_FAST, in, n, out);
	default: return ERR_INVALID;
	}
}
