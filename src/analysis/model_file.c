/*
 * model_file.c - a theme model's file: written little-endian whatever the
 * machine, versioned, and checksummed (BLAKE2b through libsodium); read
 * back with every count and value checked before it is used, so that a
 * file that is truncated, damaged or not a model is a sentence, never a
 * crash.  The layout is in theme_model.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "involve/error.h"
#include "involve/features.h"
#include "involve/text.h"
#include "involve/theme_model.h"
#include "theme_model_priv.h"

#define MAGIC_N 8
#define CHECKSUM_N crypto_generichash_BYTES /* 32 */
#define HEADER_N (MAGIC_N + 5 * 4)

static int
fail(char *msg, size_t size, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

static void
put_u32(struct buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)v, (unsigned char)(v >> 8),
		(unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	buf_add(b, p, 4);
}

static void
put_f32(struct buf *b, float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	put_u32(b, v);
}

/* The file's bytes, checksum included, into b. */
static int
model_encode(const struct theme_model *m, struct buf *b)
{
	unsigned char sum[CHECKSUM_N];
	size_t cols = (size_t)m->theme_n + (size_t)m->class_n;

	if (buf_reserve(b, HEADER_N + ((size_t)m->feature_n + 1) * (cols + 2) * 4 + 4096) != 0)
		return ERR_NOMEM;
	buf_add(b, THEME_MODEL_MAGIC, MAGIC_N);
	put_u32(b, THEME_MODEL_VERSION);
	put_u32(b, m->bits);
	put_u32(b, m->feature_n);
	put_u32(b, (uint32_t)m->theme_n);
	put_u32(b, (uint32_t)m->class_n);
	for (int t = 0; t < m->theme_n; t++) {
		size_t n = strlen(m->names[t]);

		put_u32(b, (uint32_t)n);
		buf_add(b, m->names[t], n);
		put_f32(b, m->thresholds[t]);
	}
	for (int k = 0; k < m->class_n; k++)
		put_u32(b, m->labels[k]);
	for (uint32_t f = 0; f < m->feature_n; f++)
		put_u32(b, m->buckets[f]);
	for (uint32_t f = 0; f < m->feature_n; f++)
		put_f32(b, m->idf[f]);
	for (size_t k = 0; k < cols; k++)
		for (size_t f = 0; f <= m->feature_n; f++)
			put_f32(b, m->w[f * m->stride + k]);
	if (!buf_ok(b))
		return ERR_NOMEM;
	crypto_generichash(sum, sizeof(sum), (const unsigned char *)b->p, b->n, NULL, 0);
	buf_add(b, sum, sizeof(sum));
	return buf_ok(b) ? 0 : ERR_NOMEM;
}

int
theme_model_save(const struct theme_model *m, const char *path, char *msg, size_t msg_size)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	int fd = -1, rc;
	size_t done = 0;

	if ((rc = model_encode(m, &b)) != 0) {
		fail(msg, msg_size, rc, "out of memory");
		goto out;
	}
	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (!buf_ok(&tmp)) {
		rc = fail(msg, msg_size, ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		rc = fail(msg, msg_size, ERR_IO, "cannot write %s: %s", tmp.p, strerror(errno));
		goto out;
	}
	while (done < b.n) {
		ssize_t w = write(fd, b.p + done, b.n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = fail(msg, msg_size, ERR_IO, "cannot write %s: %s", tmp.p,
			    w < 0 ? strerror(errno) : "nothing written");
			goto out;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc = fail(msg, msg_size, ERR_IO, "cannot write %s: %s", tmp.p, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.p, path) != 0) {
		rc = fail(msg, msg_size, ERR_IO, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp.p)
		unlink(tmp.p);
	buf_free(&b);
	buf_free(&tmp);
	return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

struct reader {
	const unsigned char *p;
	size_t n, at;
};

static bool
get_u32(struct reader *r, uint32_t *v)
{
	if (r->n - r->at < 4)
		return false;
	*v = (uint32_t)r->p[r->at] | (uint32_t)r->p[r->at + 1] << 8 |
	    (uint32_t)r->p[r->at + 2] << 16 | (uint32_t)r->p[r->at + 3] << 24;
	r->at += 4;
	return true;
}

static bool
get_f32(struct reader *r, float *f)
{
	uint32_t v;

	if (!get_u32(r, &v))
		return false;
	memcpy(f, &v, 4);
	return isfinite(*f);
}

#define TRUNCATED "the model file is truncated or damaged: it ends before its %s"

int
theme_model_parse(const unsigned char *p, size_t n, struct theme_model **out, char *msg,
    size_t msg_size)
{
	unsigned char sum[CHECKSUM_N];
	struct theme_model *m = NULL;
	struct reader r = { p, 0, MAGIC_N };
	uint32_t version, bits, feature_n, theme_n, class_n, v;
	size_t cols, need;
	int rc = ERR_INVALID;

	*out = NULL;
	if (n < MAGIC_N || memcmp(p, THEME_MODEL_MAGIC, MAGIC_N) != 0)
		return fail(msg, msg_size, ERR_INVALID, "not a theme model file (it does not "
		    "begin with %s)", THEME_MODEL_MAGIC);
	r.n = n;
	if (!get_u32(&r, &version))
		return fail(msg, msg_size, ERR_INVALID, TRUNCATED, "version");
	if (version != THEME_MODEL_VERSION)
		return fail(msg, msg_size, ERR_INVALID, "the model file is of format version %u; "
		    "this program reads version %d: train the model again", version,
		    THEME_MODEL_VERSION);
	if (n < HEADER_N + CHECKSUM_N)
		return fail(msg, msg_size, ERR_INVALID, TRUNCATED, "header");
	crypto_generichash(sum, sizeof(sum), p, n - CHECKSUM_N, NULL, 0);
	if (sodium_memcmp(sum, p + n - CHECKSUM_N, CHECKSUM_N) != 0)
		return fail(msg, msg_size, ERR_INVALID, "the model file is truncated or damaged: "
		    "its checksum does not match its contents");
	r.n = n - CHECKSUM_N;
	get_u32(&r, &bits);
	get_u32(&r, &feature_n);
	get_u32(&r, &theme_n);
	get_u32(&r, &class_n);
	if (bits < FEATURES_BITS_MIN || bits > FEATURES_BITS_MAX || feature_n > (1u << bits) ||
	    theme_n == 0 || theme_n > THEME_MODEL_THEMES_MAX || class_n > THEME_SENTIMENT_MAX)
		return fail(msg, msg_size, ERR_INVALID, "the model file's counts are out of range "
		    "(hash bits %u, features %u, themes %u, sentiment classes %u)", bits,
		    feature_n, theme_n, class_n);
	cols = (size_t)theme_n + class_n;
	/* The weights alone need this much: refuse a count the file cannot hold
	 * before allocating for it. */
	need = ((size_t)feature_n + 1) * cols * 4 + (size_t)feature_n * 8;
	if (need > r.n - r.at)
		return fail(msg, msg_size, ERR_INVALID, TRUNCATED, "weights");
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return fail(msg, msg_size, ERR_NOMEM, "out of memory");
	m->bits = bits;
	m->feature_n = feature_n;
	m->theme_n = (int)theme_n;
	m->class_n = (int)class_n;
	if (theme_model_alloc(m) != 0) {
		rc = fail(msg, msg_size, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (uint32_t t = 0; t < theme_n; t++) {
		if (!get_u32(&r, &v) || v > r.n - r.at) {
			rc = fail(msg, msg_size, ERR_INVALID, TRUNCATED, "theme names");
			goto out;
		}
		if (v == 0 || v > THEME_MODEL_NAME_MAX ||
		    !text_is_plain((struct str){ (const char *)p + r.at, v }) ||
		    memchr(p + r.at, 0, v) != NULL) {
			rc = fail(msg, msg_size, ERR_INVALID, "the model file's theme %u has a name "
			    "that is empty, too long or not plain UTF-8", t + 1);
			goto out;
		}
		if ((m->names[t] = strndup((const char *)p + r.at, v)) == NULL) {
			rc = fail(msg, msg_size, ERR_NOMEM, "out of memory");
			goto out;
		}
		r.at += v;
		if (!get_f32(&r, &m->thresholds[t])) {
			rc = fail(msg, msg_size, ERR_INVALID, TRUNCATED, "thresholds");
			goto out;
		}
	}
	for (uint32_t k = 0; k < class_n; k++)
		if (!get_u32(&r, &m->labels[k]) || m->labels[k] < 1 ||
		    m->labels[k] > THEME_SENTIMENT_MAX) {
			rc = fail(msg, msg_size, ERR_INVALID, "the model file's sentiment classes "
			    "are missing or not 1 to %d", THEME_SENTIMENT_MAX);
			goto out;
		}
	/* From here the sizes are exact: what is left must be the features and
	 * the weights, no more, no less. */
	if (r.n - r.at != need) {
		rc = fail(msg, msg_size, ERR_INVALID, "the model file is damaged: %zu bytes of "
		    "features and weights where its counts say %zu", r.n - r.at, need);
		goto out;
	}
	for (uint32_t f = 0; f < feature_n; f++) {
		get_u32(&r, &m->buckets[f]);
		if (m->buckets[f] >= (1u << bits) || (f > 0 && m->buckets[f] <= m->buckets[f - 1])) {
			rc = fail(msg, msg_size, ERR_INVALID, "the model file is damaged: its "
			    "feature buckets are not increasing below 2^%u", bits);
			goto out;
		}
	}
	for (uint32_t f = 0; f < feature_n; f++)
		if (!get_f32(&r, &m->idf[f]) || m->idf[f] < 0) {
			rc = fail(msg, msg_size, ERR_INVALID, "the model file is damaged: a "
			    "feature's weight is not a finite number");
			goto out;
		}
	for (size_t k = 0; k < cols; k++)
		for (size_t f = 0; f <= feature_n; f++)
			if (!get_f32(&r, &m->w[f * m->stride + k])) {
				rc = fail(msg, msg_size, ERR_INVALID, "the model file is damaged: "
				    "a weight is not a finite number");
				goto out;
			}
	theme_model_index(m);
	*out = m;
	m = NULL;
	rc = 0;
out:
	theme_model_free(m);
	return rc;
}

int
theme_model_load(const char *path, struct theme_model **out, char *msg, size_t msg_size)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	int rc;

	*out = NULL;
	if (f == NULL)
		return fail(msg, msg_size, ERR_IO, "cannot read %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.n <= THEME_MODEL_FILE_MAX)
		buf_add(&b, chunk, n);
	if (ferror(f) || !buf_ok(&b))
		rc = fail(msg, msg_size, ERR_IO, "cannot read %s", path);
	else if (b.n > THEME_MODEL_FILE_MAX)
		rc = fail(msg, msg_size, ERR_INVALID, "%s is larger than any model file may be",
		    path);
	else
		rc = theme_model_parse((const unsigned char *)(b.p ? b.p : ""), b.n, out, msg,
		    msg_size);
	fclose(f);
	buf_free(&b);
	return rc;
}
