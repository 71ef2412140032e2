/* Tests for features.c: normalising, stemming, the kinds of feature, the
 * hash (frozen: model files depend on it) and the TF-IDF weighing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "involve/error.h"
#include "involve/features.h"

static struct features *fx;
static struct feature_vec a, b;

static void
setup(void)
{
	cr_assert_eq(features_new(FEATURES_BITS_DEFAULT, &fx), 0);
	a = (struct feature_vec){ 0 };
	b = (struct feature_vec){ 0 };
}

static void
teardown(void)
{
	features_vec_free(&a);
	features_vec_free(&b);
	features_free(fx);
}

TestSuite(features, .init = setup, .fini = teardown);

static const char *
words(const char *text)
{
	static struct buf out;

	buf_reset(&out);
	cr_assert_eq(features_words(fx, str_c(text), &out), 0);
	return out.n ? buf_cstr(&out) : "";
}

static bool
same(struct feature_vec *x, struct feature_vec *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].bucket != y->v[i].bucket || x->v[i].value != y->v[i].value)
			return false;
	return true;
}

static bool
same_features(const char *x, const char *y)
{
	cr_assert_eq(features_extract(fx, str_c(x), &a), 0);
	cr_assert_eq(features_extract(fx, str_c(y), &b), 0);
	return same(&a, &b);
}

Test(features, words_are_normalised_and_stemmed)
{
	cr_assert_str_eq(words("The nurses were VERY caring!"), "the nurs were veri care");
	cr_assert_str_eq(words("Don't wait; we’re waiting"), "dont wait were wait");
	cr_assert_str_eq(words("Café, naïve"), "cafe naiv");
	cr_assert_str_eq(words("ＮＵＲＳＥ"), "nurs"); /* full-width letters */
	cr_assert_str_eq(words("  ...!!  "), "");
	cr_assert_str_eq(words(""), "");
	cr_assert_str_eq(words("24/7 care"), "24 7 care");
}

Test(features, forms_that_mean_the_same_meet)
{
	cr_assert(same_features("CAFÉ", "cafe"));
	cr_assert(same_features("don't", "dont"));
	cr_assert(same_features("nurse,  kind", "nurse kind"));
	cr_assert(!same_features("not good", "good not")); /* the pair differs */
	cr_assert(!same_features("nurse", "nurses"));      /* the characters differ */
}

Test(features, counts_each_kind)
{
	/* "abc": its stem, no pair, the character n-grams of " abc " (5
	 * characters): two of 4, one of 5; and its length, one word, counted
	 * FEATURES_LENGTH_WEIGHT times. */
	cr_assert_eq(features_extract(fx, str_c("abc"), &a), 0);
	cr_assert_eq(a.n, 5);
	/* "abc abc": the same stem twice, the pair "abc abc" once, n-grams
	 * twice, the length (two words: the same band as one). */
	cr_assert_eq(features_extract(fx, str_c("abc abc"), &b), 0);
	cr_assert_eq(b.n, 6);
	for (size_t i = 0; i < b.n; i++)
		cr_assert(b.v[i].value == 1 || b.v[i].value == 2 ||
		    b.v[i].value == FEATURES_LENGTH_WEIGHT);
	for (size_t i = 1; i < b.n; i++)
		cr_assert_gt(b.v[i].bucket, b.v[i - 1].bucket, "sorted, each bucket once");
	/* "a": " a " is shorter than the shortest n-gram: the stem and the
	 * length. */
	cr_assert_eq(features_extract(fx, str_c("a"), &a), 0);
	cr_assert_eq(a.n, 2);
	cr_assert_eq(features_extract(fx, str_c(""), &a), 0);
	cr_assert_eq(a.n, 0, "no words, no length either");
}

Test(features, the_length_is_in_bands)
{
	/* 1-2, 3-5, 6-10, 11-20, 21-40 and more words: a comment's length band
	 * is the one bucket counted FEATURES_LENGTH_WEIGHT times. */
	static const int words[] = { 1, 2, 3, 5, 6, 10, 11, 20, 21, 40, 41, 300 };
	static const int band[] = { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 };
	uint32_t bucket_of[6] = { 0 };
	char text[2048];

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		uint32_t bucket = 0;
		size_t n = 0;

		/* distinct words, none said FEATURES_LENGTH_WEIGHT times */
		for (int w = 0; w < words[i]; w++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "w%d ", w);
		cr_assert_eq(features_extract(fx, str_c(text), &a), 0);
		for (size_t k = 0; k < a.n; k++)
			if (a.v[k].value == FEATURES_LENGTH_WEIGHT)
				bucket = a.v[k].bucket;
		cr_assert_neq(bucket, 0, "%d words: a length", words[i]);
		if (bucket_of[band[i]] == 0)
			bucket_of[band[i]] = bucket;
		cr_assert_eq(bucket, bucket_of[band[i]], "%d words: band %d", words[i], band[i]);
	}
	for (int x = 0; x < 6; x++)
		for (int y = x + 1; y < 6; y++)
			cr_assert_neq(bucket_of[x], bucket_of[y], "bands %d and %d", x, y);
}

Test(features, the_hash_is_frozen)
{
	/* A model file holds buckets: if these move, THEME_MODEL_VERSION must
	 * change with them. */
	static const uint32_t want[] = { 37883, 72253, 232956, 840097, 874933 };

	cr_assert_eq(features_extract(fx, str_c("abc"), &a), 0);
	cr_assert_eq(a.n, 5);
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(a.v[i].bucket, want[i], "bucket %zu is %u", i, a.v[i].bucket);
}

Test(features, invalid_utf8_and_long_text_are_safe)
{
	static char big[FEATURES_TEXT_MAX + 100];

	cr_assert_eq(features_extract(fx, (struct str){ "ok \xff\xfe bad \xc3", 12 }, &a), 0);
	cr_assert_gt(a.n, 0);
	memset(big, 'x', sizeof(big));
	cr_assert_eq(features_extract(fx, (struct str){ big, sizeof(big) }, &a), 0);
	cr_assert_gt(a.n, 0); /* one word, cut at FEATURES_WORD_MAX */
}

Test(features, weighing_keeps_known_buckets_at_unit_length)
{
	int32_t *index = malloc(((size_t)1 << FEATURES_BITS_DEFAULT) * sizeof(*index));
	float idf[2] = { 1.0f, 3.0f };
	double norm = 0;

	cr_assert_eq(features_extract(fx, str_c("abc abc"), &a), 0);
	memset(index, 0xff, ((size_t)1 << FEATURES_BITS_DEFAULT) * sizeof(*index));
	/* keep two buckets: one counted twice, one once */
	for (size_t i = 0, k = 0; i < a.n && k < 2; i++)
		if ((k == 0 && a.v[i].value == 2) || (k == 1 && a.v[i].value == 1))
			index[a.v[i].bucket] = (int32_t)k++;
	features_weigh(&a, index, idf);
	cr_assert_eq(a.n, 2);
	for (size_t i = 0; i < a.n; i++)
		norm += (double)a.v[i].value * a.v[i].value;
	cr_assert_float_eq(norm, 1.0, 1e-6);
	/* (1 + ln 2) * 1 against (1 + ln 1) * 3, before scaling */
	{
		float x = a.v[0].bucket == 0 ? a.v[0].value : a.v[1].value;
		float y = a.v[0].bucket == 1 ? a.v[0].value : a.v[1].value;

		cr_assert_float_eq(x / y, (1 + logf(2)) / 3, 1e-5);
	}
	free(index);
}

Test(features, bits_out_of_range_are_refused)
{
	struct features *f;

	cr_assert_eq(features_new(FEATURES_BITS_MIN - 1, &f), ERR_INVALID);
	cr_assert_null(f);
	cr_assert_eq(features_new(FEATURES_BITS_MAX + 1, &f), ERR_INVALID);
}
