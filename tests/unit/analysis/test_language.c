/*
 * test_language.c - whether a comment reads as English (language.h): written
 * cases in English, short and long, and in Polish, Welsh, Urdu, French,
 * Spanish and German; random bytes; and every comment of the NEAS file,
 * which is English, nearly all read as such.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "involve/language.h"
#include "involve/theme_data.h"

static bool
english(const char *s)
{
	return language_is_english(str_c(s));
}

Test(language, english_comments_short_and_long)
{
	static const char *const yes[] = {
		"", "Excellent", "Very good", "Staff brilliant", "N/A",
		"Prompt, efficient, courteous service",
		"The paramedics were kind and explained everything to my mum.",
		"Waited 6 hours for an ambulance, far too long for an 89 year old.",
		"Couldn't fault them. Thank you NEAS!",
		"Café staff lovely and the nurse was very reassuring",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_assert(english(yes[i]), "%s", yes[i]);
}

Test(language, other_languages)
{
	static const char *const no[] = {
		"Bardzo dobra obsługa, miły i pomocny personel, dziękuję",
		"Gwasanaeth da iawn, diolch yn fawr i bawb",
		"\xd8\xb9\xd9\x85\xd9\x84\xdb\x81 \xd8\xa8\xdb\x81\xd8\xaa \xd8\xa7\xda\x86\xda\xbe\xd8\xa7 "
		"\xd8\xaa\xda\xbe\xd8\xa7", /* Urdu: the staff were very good */
		"Le personnel était très gentil et serviable, merci beaucoup",
		"El personal fue muy amable y atento con mi madre",
		"Das Personal war sehr freundlich und hilfsbereit, danke schön",
	};
	size_t i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_assert_not(english(no[i]), "%s", no[i]);
}

Test(language, random_bytes_do_not_crash)
{
	unsigned char buf[256];
	int i, k;

	srand(7);
	for (i = 0; i < 2000; i++) {
		size_t n = (size_t)(rand() % (int)sizeof(buf));
		char *copy;

		for (k = 0; k < (int)n; k++)
			buf[k] = (unsigned char)rand();
		copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		(void)language_is_english((struct str){ copy, n });
		free(copy);
	}
}

/* The NEAS comments are English: hardly any may be taken for another
 * language (each one would go unclassified). */
Test(language, neas_comments_read_as_english)
{
	struct theme_data d;
	char msg[200], *csv;
	size_t n, i, other = 0;
	FILE *f = fopen(SOURCE_ROOT "/../shared/data/feedback/neas_labelled_feedback.csv", "rb");
	long len;

	cr_assert_not_null(f, "the shared data beside the repository");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	csv = malloc((size_t)len + 1);
	cr_assert_eq(fread(csv, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	n = (size_t)len;
	cr_assert_eq(theme_data_read((struct str){ csv, n }, THEME_DATA_TEXT, &d, msg,
	    sizeof(msg)), 0, "%s", msg);
	for (i = 0; i < d.row_n; i++)
		if (!language_is_english(str_c(d.texts[i]))) {
			other++;
			cr_log_info("not English: %s", d.texts[i]);
		}
	cr_assert_lt(other * 200, d.row_n, "%zu of %zu taken for another language", other,
	    d.row_n);
	theme_data_free(&d);
	free(csv);
}
