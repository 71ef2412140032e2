/*
 * theme_data.c - reads a CSV file of comments, with or without their
 * sentiment and themes, for the classifiers.  See theme_data.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/csv.h"
#include "involve/error.h"
#include "involve/theme_data.h"

/* What people and exports write for "no comment". */
static const char *const no_comment[] = { "did not answer", "nan", "n/a", "-", NULL };

bool
theme_comment_is_usable(struct str text)
{
	text = str_trim(text);
	if (text.n == 0)
		return false;
	for (int i = 0; no_comment[i]; i++)
		if (str_case_eq_c(text, no_comment[i]))
			return false;
	return true;
}

static int
fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return ERR_INVALID;
}

static char *
copy(struct str s)
{
	char *p = malloc(s.n + 1);

	if (p != NULL) {
		if (s.n > 0)
			memcpy(p, s.p, s.n);
		p[s.n] = '\0';
	}
	return p;
}

/* A column the file must have: its index, or an error naming it. */
static int
need_column(const struct csv_row *header, const char *name, int *at, char *msg, size_t size)
{
	int rc = csv_column(header, str_c(name));

	if (rc == ERR_NOTFOUND)
		return fail(msg, size, "the header has no column '%s'", name);
	if (rc == ERR_DUPLICATE)
		return fail(msg, size, "the header has more than one column '%s'", name);
	*at = rc;
	return 0;
}

/* Room for one more row in each array. */
static int
grow(struct theme_data *d, size_t *cap, bool labelled)
{
	size_t n = *cap ? *cap * 2 : 1024;
	void *p;

	if ((p = realloc(d->ids, n * sizeof(*d->ids))) == NULL)
		return ERR_NOMEM;
	d->ids = p;
	if ((p = realloc(d->texts, n * sizeof(*d->texts))) == NULL)
		return ERR_NOMEM;
	d->texts = p;
	if (labelled) {
		if ((p = realloc(d->sentiment, n)) == NULL)
			return ERR_NOMEM;
		d->sentiment = p;
		if ((p = realloc(d->labels, n * (size_t)d->theme_n)) == NULL)
			return ERR_NOMEM;
		d->labels = p;
	}
	*cap = n;
	return 0;
}

/* A theme cell: empty or 0 is 0, 1 is 1 (a spreadsheet may have written
 * 1.0); anything else -1. */
static int
theme_cell(struct str s)
{
	s = str_trim(s);
	if (s.n == 0 || str_eq_c(s, "0") || str_eq_c(s, "0.0"))
		return 0;
	if (str_eq_c(s, "1") || str_eq_c(s, "1.0"))
		return 1;
	return -1;
}

/* A sentiment cell: 1..5, 0 when empty, -1 when anything else. */
static int
sentiment_cell(struct str s)
{
	s = str_trim(s);
	if (s.n == 0 || str_case_eq_c(s, "nan"))
		return 0;
	if (s.n == 3 && s.p[1] == '.' && s.p[2] == '0')
		s.n = 1;
	if (s.n == 1 && s.p[0] >= '1' && s.p[0] <= '0' + THEME_SENTIMENT_MAX)
		return s.p[0] - '0';
	return -1;
}

int
theme_data_read(struct str data, enum theme_data_need need, struct theme_data *d,
    char *msg, size_t msg_size)
{
	bool labelled = need == THEME_DATA_LABELLED;
	struct csv_reader *r = NULL;
	struct csv_row row;
	int id_at = -1, text_at = -1, sent_at = -1, columns, rc;
	size_t cap = 0;

	*d = (struct theme_data){ 0 };
	msg[0] = '\0';
	if ((rc = csv_open(data, NULL, &r)) != 0)
		return rc;
	if ((rc = csv_next(r, &row)) <= 0) {
		if (rc == 0)
			rc = fail(msg, msg_size, "the file is empty: its first row must name the "
			    "columns ('%s', '%s'%s)", THEME_COL_ID, THEME_COL_TEXT,
			    labelled ? ", '" THEME_COL_SENTIMENT "' and the themes after it" : "");
		else if (rc == ERR_INVALID)
			fail(msg, msg_size, "%s", csv_message(r));
		goto out;
	}
	columns = row.n;
	if ((rc = need_column(&row, THEME_COL_ID, &id_at, msg, msg_size)) != 0 ||
	    (rc = need_column(&row, THEME_COL_TEXT, &text_at, msg, msg_size)) != 0)
		goto out;
	if (labelled) {
		if ((rc = need_column(&row, THEME_COL_SENTIMENT, &sent_at, msg, msg_size)) != 0)
			goto out;
		d->theme_n = columns - sent_at - 1;
		if (d->theme_n == 0) {
			rc = fail(msg, msg_size, "the header has no theme columns: every column "
			    "after '%s' is a theme, and it is the last", THEME_COL_SENTIMENT);
			goto out;
		}
		if (id_at > sent_at || text_at > sent_at) {
			rc = fail(msg, msg_size, "'%s' and '%s' must come before '%s': every column "
			    "after it is a theme", THEME_COL_ID, THEME_COL_TEXT, THEME_COL_SENTIMENT);
			goto out;
		}
		if ((d->theme_names = calloc((size_t)d->theme_n, sizeof(char *))) == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
		for (int t = 0; t < d->theme_n; t++) {
			struct str name = str_trim(row.fields[sent_at + 1 + t]);

			if (name.n == 0) {
				rc = fail(msg, msg_size, "theme column %d (after '%s') has no name",
				    t + 1, THEME_COL_SENTIMENT);
				goto out;
			}
			for (int u = 0; u < t; u++)
				if (str_eq_c(name, d->theme_names[u])) {
					rc = fail(msg, msg_size, "the header has more than one theme "
					    "column '%s'", d->theme_names[u]);
					goto out;
				}
			if ((d->theme_names[t] = copy(name)) == NULL) {
				rc = ERR_NOMEM;
				goto out;
			}
		}
	}
	while ((rc = csv_next(r, &row)) == 1) {
		size_t i = d->row_n;

		if (csv_row_is_blank(&row))
			continue;
		if (row.n != columns) {
			rc = fail(msg, msg_size, "row %ld (line %ld) has %d fields, the header %d",
			    row.row, row.line, row.n, columns);
			goto out;
		}
		if (!theme_comment_is_usable(row.fields[text_at])) {
			d->skipped++;
			continue;
		}
		if (d->row_n >= THEME_DATA_ROWS_MAX) {
			rc = fail(msg, msg_size, "the file has more than %d comments, the most one "
			    "file may have", THEME_DATA_ROWS_MAX);
			goto out;
		}
		if (i == cap && (rc = grow(d, &cap, labelled)) != 0)
			goto out;
		if (labelled) {
			int s = sentiment_cell(row.fields[sent_at]);

			if (s < 0) {
				rc = fail(msg, msg_size, "row %ld (line %ld): '%s' must be 1 to %d "
				    "or empty", row.row, row.line, THEME_COL_SENTIMENT,
				    THEME_SENTIMENT_MAX);
				goto out;
			}
			d->sentiment[i] = (uint8_t)s;
			for (int t = 0; t < d->theme_n; t++) {
				int v = theme_cell(row.fields[sent_at + 1 + t]);

				if (v < 0) {
					rc = fail(msg, msg_size, "row %ld (line %ld): theme '%s' must "
					    "be 1, 0 or empty", row.row, row.line, d->theme_names[t]);
					goto out;
				}
				d->labels[i * (size_t)d->theme_n + (size_t)t] = (uint8_t)v;
			}
		}
		d->ids[i] = copy(str_trim(row.fields[id_at]));
		d->texts[i] = copy(row.fields[text_at]);
		d->row_n++;
		if (d->ids[i] == NULL || d->texts[i] == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
	}
	if (rc == ERR_INVALID)
		fail(msg, msg_size, "%s", csv_message(r));
out:
	csv_close(r);
	return rc < 0 ? rc : 0;
}

void
theme_data_free(struct theme_data *d)
{
	for (int t = 0; d->theme_names && t < d->theme_n; t++)
		free(d->theme_names[t]);
	for (size_t i = 0; i < d->row_n; i++) {
		free(d->ids[i]);
		free(d->texts[i]);
	}
	free(d->theme_names);
	free(d->ids);
	free(d->texts);
	free(d->sentiment);
	free(d->labels);
	*d = (struct theme_data){ 0 };
}
