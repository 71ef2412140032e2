/*
 * features.c - the feature pipeline of the free-text classifiers: normalise
 * (utf8proc), cut into words, stem (libstemmer), hash words, word pairs and
 * character n-grams into buckets, and weigh them (TF-IDF, L2).  See
 * features.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "involve/error.h"
#include "involve/features.h"
#include "involve/text.h"

/* The kinds of feature, part of each hash so that the word "car" and the
 * character trigram "car" are different features. */
enum { KIND_WORD = 'w', KIND_PAIR = 'b', KIND_CHARS = 'c', KIND_LENGTH = 'n' };

/* The upper bound of each length band but the last, in words. */
static const size_t length_bands[] = { 2, 5, 10, 20, 40 };

struct features {
	unsigned bits;
	struct sb_stemmer *stemmer;
	uint32_t *buckets; /* this comment's buckets, one per occurrence */
	size_t bucket_n, bucket_cap;
	char prev[FEATURES_WORD_MAX * 4 + 1]; /* the previous word's stem */
	size_t prev_n;
	size_t word_n; /* words so far */
};

int
features_new(unsigned bits, struct features **out)
{
	struct features *f;

	*out = NULL;
	if (bits < FEATURES_BITS_MIN || bits > FEATURES_BITS_MAX)
		return ERR_INVALID;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return ERR_NOMEM;
	f->bits = bits;
	/* NULL only when out of memory: "english" in UTF-8 is always built in. */
	if ((f->stemmer = sb_stemmer_new("english", "UTF_8")) == NULL) {
		free(f);
		return ERR_NOMEM;
	}
	*out = f;
	return 0;
}

void
features_free(struct features *f)
{
	if (f == NULL)
		return;
	sb_stemmer_delete(f->stemmer);
	free(f->buckets);
	free(f);
}

void
features_vec_free(struct feature_vec *v)
{
	free(v->v);
	*v = (struct feature_vec){ 0 };
}

/* FNV-1a over the kind and the bytes, then a finaliser (MurmurHash3's) so
 * that the top bits, which choose the bucket, depend on every byte. */
static uint64_t
hash_begin(int kind)
{
	return (14695981039346656037ULL ^ (uint64_t)kind) * 1099511628211ULL;
}

static uint64_t
hash_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

static uint32_t
hash_bucket(const struct features *f, uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)(h >> (64 - f->bits));
}

static int
push(struct features *f, uint64_t h)
{
	if (f->bucket_n == f->bucket_cap) {
		size_t cap = f->bucket_cap ? f->bucket_cap * 2 : 1024;
		uint32_t *p = realloc(f->buckets, cap * sizeof(*p));

		if (p == NULL)
			return ERR_NOMEM;
		f->buckets = p;
		f->bucket_cap = cap;
	}
	f->buckets[f->bucket_n++] = hash_bucket(f, h);
	return 0;
}

/* Whether cp belongs inside a word: a letter, a digit or a combining mark. */
static bool
is_word_char(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

static bool
is_apostrophe(utf8proc_int32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

/* The character n-grams of one word, padded with a space each side. */
static int
add_char_grams(struct features *f, const char *word, size_t n)
{
	char padded[FEATURES_WORD_MAX + 2];
	size_t at[FEATURES_WORD_MAX + 3]; /* byte offset of each character, and the end */
	size_t chars = 0, i = 0;

	padded[0] = ' ';
	memcpy(padded + 1, word, n);
	padded[n + 1] = ' ';
	n += 2;
	while (i < n) {
		unsigned char c = (unsigned char)padded[i];

		at[chars++] = i;
		i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	}
	at[chars] = n;
	for (size_t len = FEATURES_CHAR_MIN; len <= FEATURES_CHAR_MAX; len++)
		for (size_t s = 0; s + len <= chars; s++) {
			uint64_t h = hash_add(hash_begin(KIND_CHARS), padded + at[s],
			    at[s + len] - at[s]);

			if (push(f, h) != 0)
				return ERR_NOMEM;
		}
	return 0;
}

/* One word (normalised): its stem, the pair with the word before, its
 * character n-grams; or, when words is not NULL, only its stem into it. */
static int
add_word(struct features *f, const char *word, size_t n, struct buf *words)
{
	const sb_symbol *stem = sb_stemmer_stem(f->stemmer, (const sb_symbol *)word, (int)n);
	size_t stem_n;

	if (stem == NULL)
		return ERR_NOMEM;
	stem_n = (size_t)sb_stemmer_length(f->stemmer);
	if (stem_n > sizeof(f->prev) - 1)
		stem_n = sizeof(f->prev) - 1;
	if (words != NULL) {
		if (words->n > 0)
			buf_addch(words, ' ');
		buf_add(words, stem, stem_n);
		return buf_ok(words) ? 0 : ERR_NOMEM;
	}
	f->word_n++;
	if (push(f, hash_add(hash_begin(KIND_WORD), stem, stem_n)) != 0)
		return ERR_NOMEM;
	if (f->prev_n > 0) {
		uint64_t h = hash_add(hash_begin(KIND_PAIR), f->prev, f->prev_n);

		h = hash_add(h, " ", 1);
		if (push(f, hash_add(h, stem, stem_n)) != 0)
			return ERR_NOMEM;
	}
	memcpy(f->prev, stem, stem_n);
	f->prev_n = stem_n;
	return add_char_grams(f, word, n);
}

/* The comment's length band, FEATURES_LENGTH_WEIGHT times; nothing for a
 * comment of no words. */
static int
add_length(struct features *f)
{
	unsigned char band = 0;

	if (f->word_n == 0)
		return 0;
	while (band < sizeof(length_bands) / sizeof(length_bands[0]) &&
	    f->word_n > length_bands[band])
		band++;
	for (int i = 0; i < FEATURES_LENGTH_WEIGHT; i++)
		if (push(f, hash_add(hash_begin(KIND_LENGTH), &band, 1)) != 0)
			return ERR_NOMEM;
	return 0;
}

/* Normalises text and hands each word to add_word. */
static int
walk_words(struct features *f, struct str text, struct buf *words)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t norm_n;
	char word[FEATURES_WORD_MAX];
	size_t word_n = 0;
	int rc = 0;

	f->bucket_n = 0;
	f->prev_n = 0;
	f->word_n = 0;
	if (text.n > FEATURES_TEXT_MAX)
		text.n = text_utf8_prefix((struct str){ text.p, FEATURES_TEXT_MAX });
	if (!text_is_utf8(text))
		text.n = text_utf8_prefix(text);
	norm_n = utf8proc_map((const utf8proc_uint8_t *)(text.n ? text.p : ""),
	    (utf8proc_ssize_t)text.n, &norm,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
		UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (norm_n < 0)
		return norm_n == UTF8PROC_ERROR_NOMEM ? ERR_NOMEM : 0;
	for (utf8proc_ssize_t i = 0; i <= norm_n && rc == 0;) {
		utf8proc_int32_t cp = -1;
		utf8proc_ssize_t len = 1;

		if (i < norm_n)
			len = utf8proc_iterate(norm + i, norm_n - i, &cp);
		if (len <= 0) /* utf8proc_map wrote valid UTF-8: not reached */
			break;
		if (cp >= 0 && is_word_char(cp)) {
			if (word_n + (size_t)len <= sizeof(word)) {
				memcpy(word + word_n, norm + i, (size_t)len);
				word_n += (size_t)len;
			}
		} else if (cp >= 0 && is_apostrophe(cp) && word_n > 0) {
			; /* "don't" is "dont" */
		} else if (word_n > 0) {
			rc = add_word(f, word, word_n, words);
			word_n = 0;
		}
		i += len;
	}
	free(norm);
	return rc == 0 && words == NULL ? add_length(f) : rc;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int
features_extract(struct features *f, struct str text, struct feature_vec *out)
{
	size_t distinct = 0;
	int rc;

	out->n = 0;
	if ((rc = walk_words(f, text, NULL)) != 0)
		return rc;
	/* No words at all leaves buckets NULL, which qsort must not be given. */
	if (f->bucket_n > 1)
		qsort(f->buckets, f->bucket_n, sizeof(*f->buckets), cmp_u32);
	for (size_t i = 0; i < f->bucket_n; i++)
		distinct += i == 0 || f->buckets[i] != f->buckets[i - 1];
	if (distinct > out->cap) {
		struct feature *p = realloc(out->v, distinct * sizeof(*p));

		if (p == NULL)
			return ERR_NOMEM;
		out->v = p;
		out->cap = distinct;
	}
	for (size_t i = 0; i < f->bucket_n; i++) {
		if (i > 0 && f->buckets[i] == f->buckets[i - 1])
			out->v[out->n - 1].value += 1;
		else
			out->v[out->n++] = (struct feature){ f->buckets[i], 1 };
	}
	return 0;
}

void
features_weigh(struct feature_vec *v, const int32_t *index, const float *idf)
{
	double norm = 0;
	size_t n = 0;

	for (size_t i = 0; i < v->n; i++) {
		int32_t k = index[v->v[i].bucket];
		float w;

		if (k < 0)
			continue;
		w = (1.0f + logf(v->v[i].value)) * idf[k];
		v->v[n++] = (struct feature){ (uint32_t)k, w };
		norm += (double)w * w;
	}
	v->n = n;
	if (norm > 0) {
		float scale = (float)(1.0 / sqrt(norm));

		for (size_t i = 0; i < n; i++)
			v->v[i].value *= scale;
	}
}

int
features_words(struct features *f, struct str text, struct buf *b)
{
	return walk_words(f, text, b);
}
