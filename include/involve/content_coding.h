/*
 * content_coding.h - HTTP content codings (RFC 9110 sections 8.4 and
 * 12.5.3): which of brotli and gzip a request accepts, and compressing a
 * body into them.
 *
 * Only the codings that pay are offered: brotli (the smallest; every
 * current browser) and gzip (everything else).  A client that sends no
 * Accept-Encoding gets the body as it is.  Whether a response may be
 * compressed at all is not decided here but in app_encode_response
 * (app.h), which knows what the body holds.
 */
#ifndef INVOLVE_CONTENT_CODING_H
#define INVOLVE_CONTENT_CODING_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/http.h"
#include "involve/str.h"

enum content_coding {
	CODING_IDENTITY, /* the body as it is */
	CODING_GZIP,
	CODING_BR,
	CODING_N,
};

#define CODING_BIT(c) (1u << (c))
#define CODING_Q_ONE 1000 /* a weight (qvalue) of 1, in thousandths */
/* Bodies smaller than this are sent as they are: they fit in one packet
 * either way, and compressing them costs more than it saves. */
#define CODING_MIN_BYTES 1024
/* Bodies larger than this are not compressed per request (the static
 * files, compressed when building, are not bound by it). */
#define CODING_BODY_MAX (4 * 1024 * 1024)

/* How hard to compress: per request, or once for many (cached pages). */
enum coding_effort {
	CODING_FAST,
	CODING_BEST,
};

/* What a request accepts: each coding's weight in thousandths, 0 when it
 * is not acceptable. */
struct coding_accept {
	uint16_t q[CODING_N];
};

/* The body of one response in each coding: v[CODING_IDENTITY] is the body
 * itself; another entry has p == NULL when that form is not kept. */
struct coding_variants {
	struct str v[CODING_N];
};

/*
 * Reads the weights from the values of every Accept-Encoding field of a
 * request (n of them; 0 when it sent none).  Elements that do not follow
 * the grammar (a bad or repeated q, another parameter, a name that is not
 * a token) are ignored as if absent; a coding named twice gets the lower
 * weight; "x-gzip" is gzip; "*" stands for every coding not named.
 * identity is acceptable unless "identity;q=0", or "*;q=0" without it,
 * says otherwise; unnamed, it ranks below every coding that is named.  No
 * field at all, or an empty one, accepts identity only.
 */
void coding_accept_parse(struct coding_accept *out, const struct str *values, int n);
/* The same from a request's headers. */
void coding_accept_of(const struct http_request *req, struct coding_accept *out);

/*
 * The coding to send, of those in `available` (CODING_BIT()s; identity is
 * always available): the highest weight, a tie going to brotli, then gzip,
 * then identity.  When nothing available is acceptable, identity: a body
 * the client said it would rather not have serves it better than an error.
 */
enum content_coding coding_choose(const struct coding_accept *a, unsigned available);

/* "br", "gzip", or NULL for identity (no Content-Encoding is sent). */
const char *coding_name(enum content_coding c);

/* The CODING_BIT()s of the forms v holds, identity included. */
unsigned coding_variants_available(const struct coding_variants *v);

/* Whether a body of this media type shrinks when compressed: text, JSON,
 * SVG, icons; not images or fonts that are compressed already. */
bool coding_type_compressible(const char *content_type);

/*
 * Appends in[0..n) compressed with coding c (gzip or brotli) to out.
 * Returns 0, ERR_NOMEM, or ERR_INVALID for identity or a body over
 * CODING_BODY_MAX.  On failure out is as it was.
 */
int coding_compress(
    enum content_coding c, enum coding_effort effort, const void *in, size_t n, struct buf *out);

#endif
