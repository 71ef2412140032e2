/* Tests for theme_data.c (reading comments and refusing bad files),
 * theme_model.c (training and classifying a tiny model) and model_file.c
 * (the round trip, and every way a file can be wrong). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "involve/error.h"
#include "involve/theme_data.h"
#include "involve/theme_model.h"

/* Twelve comments, two themes that follow words, and a third never set. */
static const char tiny_csv[] =
    "Comment ID,Trust,FFT answer,Comment sentiment,Staff,Waiting,Parking\r\n"
    "a1,X,The staff were kind and caring,1,1,0,\r\n"
    "a2,X,Kind staff who cared,1,1,,\r\n"
    "a3,X,\"Lovely staff, very kind\",1,1,0,0\r\n"
    "a4,X,The paramedics were kind,2,1,0,0\r\n"
    "a5,X,We waited hours for the ambulance,5,0,1,0\r\n"
    "a6,X,Waiting far too long,4,0,1,0\r\n"
    "a7,X,A long wait and no news,4,0,1,0\r\n"
    "a8,X,The wait was long,4,,1,\r\n"
    "a9,X,Kind staff but a long wait,3,1,1,0\r\n"
    "a10,X,Did not answer,,0,0,0\r\n"
    "a11,X,,,0,0,0\r\n"
    "a12,X,Kind crew,,1,0,0\r\n";

static struct theme_data d;
static char msg[512];

static int
read_csv(const char *csv, enum theme_data_need need)
{
	theme_data_free(&d);
	return theme_data_read(str_c(csv), need, &d, msg, sizeof(msg));
}

static void
cleanup(void)
{
	theme_data_free(&d);
}

TestSuite(theme_data, .fini = cleanup);
TestSuite(theme_model, .fini = cleanup);

Test(theme_data, reads_comments_labels_and_skips)
{
	cr_assert_eq(read_csv(tiny_csv, THEME_DATA_LABELLED), 0, "%s", msg);
	cr_assert_eq(d.theme_n, 3);
	cr_assert_str_eq(d.theme_names[2], "Parking");
	cr_assert_eq(d.row_n, 10);
	cr_assert_eq(d.skipped, 2);
	cr_assert_str_eq(d.ids[2], "a3");
	cr_assert_str_eq(d.texts[2], "Lovely staff, very kind");
	cr_assert_eq(d.sentiment[0], 1);
	cr_assert_eq(d.sentiment[9], 0);
	cr_assert_eq(d.labels[1 * 3 + 0], 1);
	cr_assert_eq(d.labels[1 * 3 + 1], 0);
	cr_assert_eq(d.labels[8 * 3 + 1], 1);
}

Test(theme_data, text_only_needs_id_and_comment)
{
	cr_assert_eq(read_csv("FFT answer,Comment ID\nGood,x\nnan,y\n", THEME_DATA_TEXT), 0,
	    "%s", msg);
	cr_assert_eq(d.row_n, 1);
	cr_assert_eq(d.skipped, 1);
	cr_assert_null(d.labels);
}

Test(theme_data, refusals_say_what_is_wrong)
{
	static const struct {
		const char *csv;
		enum theme_data_need need;
		const char *says;
	} bad[] = {
		{ "", THEME_DATA_TEXT, "empty" },
		{ "Comment ID,Text\nx,y\n", THEME_DATA_TEXT, "no column 'FFT answer'" },
		{ "Comment ID,FFT answer,Comment sentiment\nx,y,1\n", THEME_DATA_LABELLED,
		    "no theme columns" },
		{ "Comment ID,FFT answer,Theme\nx,y,1\n", THEME_DATA_LABELLED,
		    "no column 'Comment sentiment'" },
		{ "Comment ID,FFT answer,Comment sentiment,A\nx,y,1\n", THEME_DATA_LABELLED,
		    "row 2 (line 2) has 3 fields, the header 4" },
		{ "Comment ID,FFT answer,Comment sentiment,A\nx,y,1,1,1\n", THEME_DATA_LABELLED,
		    "has 5 fields" },
		{ "Comment ID,FFT answer,Comment sentiment,A\nx,y,1,yes\n", THEME_DATA_LABELLED,
		    "theme 'A' must be 1, 0 or empty" },
		{ "Comment ID,FFT answer,Comment sentiment,A\nx,y,7,1\n", THEME_DATA_LABELLED,
		    "must be 1 to 5" },
		{ "Comment ID,FFT answer,Comment sentiment,A,A\nx,y,1,1,1\n", THEME_DATA_LABELLED,
		    "more than one theme column 'A'" },
		{ "Comment ID,FFT answer,Comment sentiment,\nx,y,1,1\n", THEME_DATA_LABELLED,
		    "has no name" },
		{ "\xef\xbb\xbf" "Comment ID,FFT answer\nx,caf\xe9\n", THEME_DATA_TEXT, "UTF-8" },
		{ "Comment ID,FFT answer\nx,\"open\n", THEME_DATA_TEXT, "never closed" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(read_csv(bad[i].csv, bad[i].need), ERR_INVALID, "case %zu", i);
		cr_assert(strstr(msg, bad[i].says) != NULL, "case %zu: '%s'", i, msg);
	}
}

/* ---- the model ---------------------------------------------------------------------- */

static struct theme_model *
train_tiny(int tune_folds)
{
	struct theme_train_options opt = { .tune_folds = tune_folds, .seed = 1, .min_df = 1,
		.bits = 16, .c = 1 };
	struct theme_train_stats st;
	struct theme_model *m;

	cr_assert_eq(read_csv(tiny_csv, THEME_DATA_LABELLED), 0, "%s", msg);
	cr_assert_eq(theme_model_train(&d, NULL, 0, &opt, &m, &st), 0);
	cr_assert_gt(st.feature_n, 0);
	return m;
}

static void
classify(const struct theme_model *m, const char *text, uint8_t *themes, int *sentiment,
    float *scores)
{
	struct theme_classifier *c;

	cr_assert_eq(theme_classifier_new(m, &c), 0);
	cr_assert_eq(theme_classify(c, str_c(text), themes, sentiment, scores), 0);
	theme_classifier_free(c);
}

Test(theme_model, learns_the_tiny_themes)
{
	struct theme_model *m = train_tiny(0);
	uint8_t themes[3];
	int sentiment;

	cr_assert_eq(theme_model_theme_n(m), 3);
	classify(m, "such kind staff", themes, &sentiment, NULL);
	cr_assert_eq(themes[0], 1);
	cr_assert_eq(themes[1], 0);
	cr_assert_eq(themes[2], 0, "a theme never seen is never predicted");
	cr_assert_leq(sentiment, 2);
	classify(m, "a very long wait", themes, &sentiment, NULL);
	cr_assert_eq(themes[1], 1);
	cr_assert_geq(sentiment, 4);
	theme_model_free(m);
}

static char *
temp_path(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/involve-theme-model-%ld.bin", (long)getpid());
	return path;
}

static unsigned char *
file_bytes(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	p = malloc(*n + 64);
	cr_assert_eq(fread(p, 1, *n, f), *n);
	fclose(f);
	return p;
}

Test(theme_model, round_trip)
{
	struct theme_model *m = train_tiny(2), *back;
	static const char *const texts[] = { "kind staff", "long wait", "parking", "", "nurse" };
	uint8_t t1[3], t2[3];
	float s1[3], s2[3];
	int sent1, sent2;

	cr_assert_eq(theme_model_save(m, temp_path(), msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_eq(theme_model_load(temp_path(), &back, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_eq(theme_model_theme_n(back), 3);
	cr_assert_str_eq(theme_model_theme_name(back, 1), "Waiting");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		classify(m, texts[i], t1, &sent1, s1);
		classify(back, texts[i], t2, &sent2, s2);
		cr_assert_eq(memcmp(t1, t2, 3), 0);
		cr_assert_eq(memcmp(s1, s2, sizeof(s1)), 0, "the same scores, bit for bit");
		cr_assert_eq(sent1, sent2);
	}
	theme_model_free(m);
	theme_model_free(back);
	unlink(temp_path());
}

/* The file's bytes with a new checksum after a change, so that what is
 * tested is the check after the checksum's. */
static void
reseal(unsigned char *p, size_t n)
{
	crypto_generichash(p + n - 32, 32, p, n - 32, NULL, 0);
}

Test(theme_model, bad_files_are_refused)
{
	struct theme_model *m = train_tiny(0), *back;
	unsigned char *p, *q;
	size_t n;

	cr_assert_eq(theme_model_save(m, temp_path(), msg, sizeof(msg)), 0, "%s", msg);
	theme_model_free(m);
	p = file_bytes(temp_path(), &n);
	q = malloc(n + 64);

	/* every truncation */
	for (size_t k = 0; k < n; k++) {
		cr_assert_eq(theme_model_parse(p, k, &back, msg, sizeof(msg)), ERR_INVALID,
		    "cut at %zu", k);
		cr_assert_null(back);
	}
	cr_assert_eq(theme_model_parse(p, n - 1, &back, msg, sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "truncated or damaged") != NULL, "%s", msg);
	/* another version */
	memcpy(q, p, n);
	q[8] = THEME_MODEL_VERSION + 1;
	cr_assert_eq(theme_model_parse(q, n, &back, msg, sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "format version 3") != NULL, "%s", msg);
	q[8] = THEME_MODEL_VERSION - 1; /* the one before the length feature */
	cr_assert_eq(theme_model_parse(q, n, &back, msg, sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "format version 1; this program reads version 2") != NULL, "%s", msg);
	/* not a model */
	cr_assert_eq(theme_model_parse((const unsigned char *)"hello", 5, &back, msg,
	    sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "not a theme model") != NULL, "%s", msg);
	/* a byte changed: the checksum */
	memcpy(q, p, n);
	q[n / 2] ^= 0x40;
	cr_assert_eq(theme_model_parse(q, n, &back, msg, sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "checksum") != NULL, "%s", msg);
	q[n / 2] ^= 0x40;
	q[n - 1] ^= 1;
	cr_assert_eq(theme_model_parse(q, n, &back, msg, sizeof(msg)), ERR_INVALID);
	/* sealed again, but too long, a count too large, a weight not a number */
	memcpy(q, p, n - 32);
	memset(q + n - 32, 0, 4);
	reseal(q, n + 4);
	cr_assert_eq(theme_model_parse(q, n + 4, &back, msg, sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "damaged") != NULL, "%s", msg);
	memcpy(q, p, n);
	q[20] = 0xff; /* theme_n's low byte: 255 themes */
	reseal(q, n);
	cr_assert_eq(theme_model_parse(q, n, &back, msg, sizeof(msg)), ERR_INVALID);
	memcpy(q, p, n);
	memset(q + n - 32 - 4, 0xff, 4); /* the last weight: a NaN */
	reseal(q, n);
	cr_assert_eq(theme_model_parse(q, n, &back, msg, sizeof(msg)), ERR_INVALID);
	cr_assert(strstr(msg, "not a finite number") != NULL, "%s", msg);
	/* and the file as it was is still good */
	cr_assert_eq(theme_model_parse(p, n, &back, msg, sizeof(msg)), 0, "%s", msg);
	theme_model_free(back);
	/* a file that is not there */
	cr_assert_eq(theme_model_load("/nonexistent/model.bin", &back, msg, sizeof(msg)), ERR_IO);
	free(p);
	free(q);
	unlink(temp_path());
}
