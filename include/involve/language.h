/*
 * language.h - whether a comment is written in English, so that the theme
 * classifier (trained on English comments) reads only those, and the rest
 * are marked as another language for a person to read.
 *
 * No library in Debian 12 tells a language from a short text in C, so this
 * is the product's own rule, kept simple and on the side of English: a
 * comment is English unless most of its letters are outside ASCII (Urdu,
 * Arabic, Bengali, Chinese script...), or it has at least four words and
 * hardly any is a common English word or a word English feedback uses
 * ("the", "and", "staff", "excellent": LANGUAGE_WORDS in language.c).
 * So "Bardzo dobra obsługa, miły personel" and "Gwasanaeth da iawn, diolch
 * yn fawr" are not English, and "Prompt, efficient, courteous service" is.
 */
#ifndef INVOLVE_LANGUAGE_H
#define INVOLVE_LANGUAGE_H

#include <stdbool.h>

#include "involve/str.h"

/* Whether text (UTF-8) reads as English by the rule above; an empty text
 * is. */
bool language_is_english(struct str text);

#endif
