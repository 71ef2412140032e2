/*
 * language.c - whether a comment is written in English (see language.h).
 */
#include <stdlib.h>
#include <string.h>

#include "involve/language.h"

/* Common English words, and words English feedback on care uses, lower
 * case and sorted (bsearch): a comment with a share of these is English. */
static const char *const LANGUAGE_WORDS[] = {
	"a", "about", "after", "again", "all", "also", "always", "am", "amazing", "ambulance",
	"ambulances", "an", "and", "any", "appointment", "are", "arrival", "arrived", "as",
	"at", "attitude", "back", "bad", "be", "because", "been", "before", "being", "best",
	"better", "between", "brilliant", "but", "by", "call", "called", "calls", "calm", "can",
	"care", "careful", "caring", "clean", "clear", "comfortable", "communication", "could",
	"couldn't", "courteous", "crew", "day", "days", "did", "didn't", "do", "doctor",
	"doctors", "don't", "driver", "drivers", "due", "efficient", "else", "emergency",
	"even", "ever", "everyone", "everything", "excellent", "except", "experience",
	"explained", "fantastic", "felt", "first", "for", "friendly", "from", "get", "give",
	"given", "good", "got", "great", "had", "has", "have", "he", "help", "helpful", "her",
	"him", "his", "home", "hospital", "hour", "hours", "how", "i", "i'm", "if", "in",
	"informed", "into", "is", "it", "it's", "just", "keep", "kind", "know", "late", "less",
	"like", "long", "lovely", "made", "make", "many", "me", "minute", "minutes", "more",
	"most", "mostly", "much", "my", "need", "needed", "never", "no", "not", "nothing",
	"now", "nurse", "nurses", "of", "off", "on", "one", "only", "onto", "or", "other",
	"our", "out", "over", "own", "paramedic", "paramedics", "passing", "patient", "people",
	"performance", "phone", "pleasant", "polite", "professional", "prompt", "question",
	"questions", "quick", "quickly", "really", "reassuring", "received", "relevant",
	"respect", "ride", "said", "same", "see", "seen", "service", "should", "so", "some",
	"someone", "staff", "still", "stop", "such", "take", "taken", "team", "than", "thank",
	"thanks", "that", "the", "their", "them", "then", "there", "they", "this", "time", "to",
	"too", "transport", "treated", "treatment", "under", "unless", "until", "up", "very",
	"wait", "waiting", "was", "wasn't", "way", "we", "well", "went", "were", "what", "when",
	"which", "while", "who", "will", "with", "within", "would", "you", "your",
};

#define LANGUAGE_WORD_MAX 24

static int
cmp_word(const void *key, const void *item)
{
	return strcmp(key, *(const char *const *)item);
}

static bool
is_common(const char *w)
{
	return bsearch(w, LANGUAGE_WORDS, sizeof(LANGUAGE_WORDS) / sizeof(LANGUAGE_WORDS[0]),
	    sizeof(LANGUAGE_WORDS[0]), cmp_word) != NULL;
}

bool
language_is_english(struct str text)
{
	char word[LANGUAGE_WORD_MAX + 1];
	size_t i = 0, ascii_letters = 0, other_letters = 0;
	int words = 0, common = 0, n;

	while (i < text.n) {
		unsigned char ch = (unsigned char)text.p[i];

		if (ch >= 0x80) {
			/* A letter of another script, or an accented one, counted by
			 * its lead byte: U+00C0 to U+1FFF and U+4000 to U+DFFF hold
			 * the world's scripts; symbols, punctuation and emoji (U+0080
			 * to U+00BF, U+2000 to U+3FFF, from U+E000) are not counted. */
			if ((ch >= 0xc3 && ch <= 0xe1) || (ch >= 0xe4 && ch <= 0xed))
				other_letters++;
			i++;
			continue;
		}
		if (!((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')) {
			i++;
			continue;
		}
		/* A word of ASCII letters and apostrophes, lower-cased; one that
		 * runs into a letter outside ASCII ("obsługa") is not English. */
		n = 0;
		while (i < text.n) {
			ch = (unsigned char)text.p[i];
			if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') {
				ascii_letters++;
				if (n < LANGUAGE_WORD_MAX)
					word[n++] = (char)(ch | 0x20);
			} else if (ch != '\'') {
				break;
			} else if (n < LANGUAGE_WORD_MAX) {
				word[n++] = '\'';
			}
			i++;
		}
		word[n] = '\0';
		words++;
		if (i < text.n && (unsigned char)text.p[i] >= 0xc0)
			continue;
		if (is_common(word))
			common++;
	}
	if (other_letters > ascii_letters)
		return false;
	/* Four words or more of which not one in five is a common one. */
	return words < 4 || common * 5 >= words;
}
