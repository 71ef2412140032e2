/*
 * suppress.h - small-number suppression: what published results may show.
 *
 * A count under the organisation's threshold (10 unless it says
 * otherwise) could point at a person, so wherever results are published
 * it is shown as "fewer than N" (primary suppression).  A hidden count
 * must not be recoverable from the totals shown beside it either: when a
 * row (or column) whose total is shown has exactly one hidden cell, the
 * smallest cell still shown in it is hidden too, and so on until every
 * line with a shown total has none or at least two hidden cells
 * (secondary suppression).  Only the analyst and administrator roles see
 * the figures unsuppressed (suppress_exempt).
 */
#ifndef INVOLVE_SUPPRESS_H
#define INVOLVE_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/org.h"

#define SUPPRESS_BELOW_DEFAULT 10
#define SUPPRESS_BELOW_MIN 0   /* 0: nothing suppressed (an organisation's choice) */
#define SUPPRESS_BELOW_MAX 100

/* Whether a count must be hidden. */
bool suppress_count(int64_t n, int64_t below);

/*
 * Marks in hidden[r * cols + c] each cell of a rows x cols table of
 * counts that must not be shown.  row_totals[r] / col_totals[c] are the
 * totals shown beside the table (NULL: none are); row_hidden[r] /
 * col_hidden[c] (NULL with them) get whether each total must be hidden
 * too: when it is under the threshold, or when its line has one hidden
 * cell and no other to hide with it (a line of one cell).
 */
void suppress_table(const int64_t *cells, int rows, int cols, const int64_t *row_totals,
    const int64_t *col_totals, int64_t below, bool *hidden, bool *row_hidden,
    bool *col_hidden);

/* Whether a role sees results unsuppressed: analysts and administrators. */
bool suppress_exempt(enum role role);

#endif
