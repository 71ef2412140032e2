/*
 * survey_coded.h - a response's fixed answers coded small, so that a
 * cross-tabulation (survey_results.h) reads a few bytes per response
 * instead of parsing its answers.
 *
 * The store keeps one entry per submitted response (table survey_coded),
 * written from the same tally items that count it in the results
 * (survey_answers_tally), so it needs no definition: each option chosen and
 * each rating given (an item with a value and no grid row) becomes the
 * 32-bit code of its question's key and its value.  Keys and option values
 * outlive every change a survey with responses may make
 * (survey_def_check_change), so a code means the same under every version.
 * A cross-tab looks the codes of its two axes up from the current
 * definition; two items of the definition with one code (about one survey
 * in a million) make the codes unusable, and the caller counts from the
 * answers instead.
 *
 * An entry, frozen once written (databases keep them):
 *   varint   the length of what follows
 *   u8       the channel (enum survey_channel)
 *   u16 LE   the ISO week of submission, counted from the week of
 *            1970-01-05 (a Monday)
 *   u32 LE   per item, its code (never 0)
 * Entries are self-delimiting, so a run of them may be read in one piece.
 */
#ifndef INVOLVE_SURVEY_CODED_H
#define INVOLVE_SURVEY_CODED_H

#include <stddef.h>
#include <stdint.h>

#include "involve/arena.h"
#include "involve/str.h"
#include "involve/survey.h"
#include "involve/survey_answers.h"
#include "involve/survey_results.h"

/* The code of a question's value (an option's value, a rating as "%d"). */
uint32_t survey_coded_item(struct str question, struct str value);

/* The entry of a response with these tally items, submitted at `at` on
 * channel ch, appended to b (check buf_ok). */
void survey_coded_write(const struct survey_tally_item *items, int n, enum survey_channel ch,
    int64_t at, struct buf *b);

/* The size of the entry at p, of n bytes, its length's varint included;
 * 0 when the bytes start no whole entry. */
size_t survey_coded_entry_size(const unsigned char *p, size_t n);

/* Where a crosstab's axes find their values among codes; in an arena. */
struct crosstab_codes;

/*
 * The look-up for x's axes under d, in a: 0; ERR_CONFLICT when two items
 * of d have one code, or both axes are one question (count from the
 * answers: crosstab_add); ERR_NOMEM.
 */
int crosstab_codes_init(const struct survey_def *d, const struct crosstab *x, struct arena *a,
    struct crosstab_codes **out);
/* Counts each response of a run of entries (whole ones) into x's cells.
 * ERR_INVALID for bytes that are no entries (nothing of them counted
 * past the first bad one). */
int crosstab_add_coded(const struct crosstab_codes *m, struct crosstab *x,
    const unsigned char *p, size_t n);

#endif
