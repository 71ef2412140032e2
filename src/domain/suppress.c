/*
 * suppress.c - small-number suppression (suppress.h).
 */
#include <string.h>

#include "involve/suppress.h"

bool
suppress_count(int64_t n, int64_t below)
{
	return n < below;
}

bool
suppress_exempt(enum role role)
{
	return role == ROLE_ADMIN || role == ROLE_ANALYST;
}

/*
 * One line (a row or a column) of the table: `n` cells `step` apart from
 * `first`, whose total is shown unless *total_hidden.  With exactly one
 * of its cells hidden, hides the smallest shown cell too, or, when there
 * is none, the total.  True when it hid something.
 */
static bool
protect_line(const int64_t *cells, bool *hidden, int first, int step, int n, bool *total_hidden)
{
	int i, at, count = 0, smallest = -1;

	if (*total_hidden)
		return false;
	for (i = 0; i < n; i++) {
		at = first + i * step;
		if (hidden[at])
			count++;
		else if (smallest < 0 || cells[at] < cells[smallest])
			smallest = at;
	}
	if (count != 1)
		return false;
	if (smallest < 0)
		*total_hidden = true;
	else
		hidden[smallest] = true;
	return true;
}

void
suppress_table(const int64_t *cells, int rows, int cols, const int64_t *row_totals,
    const int64_t *col_totals, int64_t below, bool *hidden, bool *row_hidden,
    bool *col_hidden)
{
	bool changed = true;
	int r, c;

	for (r = 0; r < rows * cols; r++)
		hidden[r] = suppress_count(cells[r], below);
	for (r = 0; row_totals != NULL && r < rows; r++)
		row_hidden[r] = suppress_count(row_totals[r], below);
	for (c = 0; col_totals != NULL && c < cols; c++)
		col_hidden[c] = suppress_count(col_totals[c], below);
	/* Each pass only hides more, so this ends. */
	while (changed) {
		changed = false;
		for (r = 0; row_totals != NULL && r < rows; r++)
			if (protect_line(cells, hidden, r * cols, 1, cols, &row_hidden[r]))
				changed = true;
		for (c = 0; col_totals != NULL && c < cols; c++)
			if (protect_line(cells, hidden, c, cols, rows, &col_hidden[c]))
				changed = true;
	}
}
