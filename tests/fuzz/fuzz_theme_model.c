/*
 * fuzz_theme_model.c - the theme model's loader (src/analysis/model_file.c)
 * on hostile files, and the classifier on what it accepts.
 *
 * Input: one byte, then the file.  When the byte's lowest bit is set the
 * target appends the file's BLAKE2b checksum itself, so that the fuzzer's
 * changes reach the checks after the checksum's (counts, names, buckets,
 * weights) instead of stopping at it; otherwise the file is read as it is.
 *
 * What must hold:
 * - a refusal is ERR_INVALID (or ERR_NOMEM), leaves no model, and says why
 *   in a sentence;
 * - without a checksum appended, only a file this program wrote (or one
 *   whose checksum the fuzzer found) is accepted: in practice, the seeds;
 * - a model accepted has 1..THEME_MODEL_THEMES_MAX themes with plain names,
 *   and classifies comments (an empty one, a long one, bytes that are not
 *   UTF-8) into 0/1 themes, one at least, and a sentiment of 0..5.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/error.h"
#include "involve/text.h"
#include "involve/theme_model.h"
#include "fuzz.h"

static void
classify_some(const struct theme_model *m)
{
	static const char *const texts[] = { "", "The staff were kind but we waited hours",
		"\xff\xfe not UTF-8 \xc3", "!!!", "a a a a a a a a a a a a a a a a a a a" };
	struct theme_classifier *c;
	int n = theme_model_theme_n(m), sentiment, any;
	uint8_t *themes = malloc((size_t)n);

	FUZZ_CHECK(themes != NULL, "out of memory");
	FUZZ_CHECK(theme_classifier_new(m, &c) == 0, "out of memory");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		FUZZ_CHECK(theme_classify(c, str_c(texts[i]), themes, &sentiment, NULL) == 0, "text %zu", i);
		any = 0;
		for (int t = 0; t < n; t++) {
			FUZZ_CHECK(themes[t] <= 1, "text %zu", i);
			any |= themes[t];
		}
		FUZZ_CHECK(any, "text %zu", i);
		FUZZ_CHECK(sentiment >= 0 && sentiment <= 5, "text %zu", i);
	}
	theme_classifier_free(c);
	free(themes);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme_model *m = (struct theme_model *)1;
	unsigned char *file;
	char msg[512] = "";
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	n = size - 1;
	if ((file = malloc(n + crypto_generichash_BYTES + 1)) == NULL)
		return 0;
	memcpy(file, data + 1, n);
	if (data[0] & 1) {
		crypto_generichash(file + n, crypto_generichash_BYTES, file, n, NULL, 0);
		n += crypto_generichash_BYTES;
	}
	rc = theme_model_parse(file, n, &m, msg, sizeof(msg));
	if (rc != 0) {
		FUZZ_CHECK(rc == ERR_INVALID || rc == ERR_NOMEM, "%s", msg);
		FUZZ_CHECK(m == NULL, "%s", msg);
		FUZZ_CHECK(msg[0] != '\0', "%s", msg);
	} else {
		FUZZ_CHECK(m != NULL, "%s", msg);
		FUZZ_CHECK(theme_model_theme_n(m) >= 1 &&
		    theme_model_theme_n(m) <= THEME_MODEL_THEMES_MAX, "%s", msg);
		for (int t = 0; t < theme_model_theme_n(m); t++)
			FUZZ_CHECK(text_is_plain(str_c(theme_model_theme_name(m, t))), "%s", msg);
		classify_some(m);
		theme_model_free(m);
	}
	free(file);
	return 0;
}
