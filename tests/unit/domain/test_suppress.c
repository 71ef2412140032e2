/* Tests for suppress.c: primary and secondary suppression, so that no
 * hidden count can be worked out from the totals shown beside it. */
#include <criterion/criterion.h>

#include "involve/suppress.h"

TestSuite(suppress);

/* Whether any line with a shown total has exactly one hidden cell. */
static bool
recoverable(int rows, int cols, const bool *rh, const bool *ch, const bool *hidden)
{
	int r, c, n;

	for (r = 0; rh && r < rows; r++) {
		if (rh[r])
			continue;
		for (c = 0, n = 0; c < cols; c++)
			n += hidden[r * cols + c];
		if (n == 1)
			return true;
	}
	for (c = 0; ch && c < cols; c++) {
		if (ch[c])
			continue;
		for (r = 0, n = 0; r < rows; r++)
			n += hidden[r * cols + c];
		if (n == 1)
			return true;
	}
	return false;
}

Test(suppress, counts_under_the_threshold_are_hidden)
{
	cr_assert(suppress_count(9, 10));
	cr_assert(suppress_count(0, 10));
	cr_assert_not(suppress_count(10, 10));
	cr_assert_not(suppress_count(3, 0), "a threshold of 0 hides nothing");
}

Test(suppress, one_hidden_cell_in_a_row_takes_the_next_smallest_with_it)
{
	/* 40 answered: 25, 12, 3.  Hiding 3 alone would show it as 40-25-12. */
	int64_t cells[] = { 25, 12, 3 }, total[] = { 40 };
	bool hidden[3], total_hidden[1];

	suppress_table(cells, 1, 3, total, NULL, 10, hidden, total_hidden, NULL);
	cr_assert_not(total_hidden[0]);
	cr_assert_not(hidden[0]);
	cr_assert(hidden[1]);
	cr_assert(hidden[2]);
}

Test(suppress, no_total_shown_means_no_secondary_suppression)
{
	int64_t cells[] = { 25, 12, 3 };
	bool hidden[3];

	suppress_table(cells, 1, 3, NULL, NULL, 10, hidden, NULL, NULL);
	cr_assert_not(hidden[0]);
	cr_assert_not(hidden[1]);
	cr_assert(hidden[2]);
}

Test(suppress, a_cross_tab_with_both_totals_shown_keeps_every_hidden_cell_hidden)
{
	/* rows x cols with a small cell at (1, 2): hiding it forces another in
	 * row 1 and in column 2, which forces more, until both hold. */
	int64_t cells[] = {
		30, 20, 15,
		18, 25, 4,
		11, 14, 22,
	};
	int64_t rt[3], ct[3];
	bool hidden[9], rh[3], ch[3];
	int r, c;

	for (r = 0; r < 3; r++) {
		rt[r] = 0;
		for (c = 0; c < 3; c++)
			rt[r] += cells[r * 3 + c];
	}
	for (c = 0; c < 3; c++) {
		ct[c] = 0;
		for (r = 0; r < 3; r++)
			ct[c] += cells[r * 3 + c];
	}
	suppress_table(cells, 3, 3, rt, ct, 10, hidden, rh, ch);
	cr_assert(hidden[5], "the small cell");
	cr_assert_not(recoverable(3, 3, rh, ch, hidden));
	cr_assert_not(hidden[0], "a large cell far from it stays");
}

Test(suppress, many_random_tables_never_leave_a_line_with_one_hidden_cell)
{
	unsigned seed = 12345;
	int t;

	for (t = 0; t < 2000; t++) {
		seed = seed * 1103515245u + 12345u;
		int rows = 1 + (int)(seed % 5), cols = 2 + (int)((seed / 7) % 5), r, c;
		int64_t cells[36], rt[6], ct[6];
		bool hidden[36], rh[6], ch[6];

		for (r = 0; r < rows * cols; r++) {
			seed = seed * 1103515245u + 12345u;
			cells[r] = (seed >> 16) % 40;
		}
		for (r = 0; r < rows; r++)
			for (c = 0, rt[r] = 0; c < cols; c++)
				rt[r] += cells[r * cols + c];
		for (c = 0; c < cols; c++)
			for (r = 0, ct[c] = 0; r < rows; r++)
				ct[c] += cells[r * cols + c];
		suppress_table(cells, rows, cols, rt, ct, 10, hidden, rh, ch);
		for (r = 0; r < rows * cols; r++)
			if (cells[r] < 10)
				cr_assert(hidden[r]);
		cr_assert_not(recoverable(rows, cols, rh, ch, hidden), "table %d", t);
	}
}

Test(suppress, only_analysts_and_administrators_are_exempt)
{
	cr_assert(suppress_exempt(ROLE_ADMIN));
	cr_assert(suppress_exempt(ROLE_ANALYST));
	cr_assert_not(suppress_exempt(ROLE_OFFICER));
	cr_assert_not(suppress_exempt(ROLE_FACILITATOR));
	cr_assert_not(suppress_exempt(ROLE_VIEWER));
}
