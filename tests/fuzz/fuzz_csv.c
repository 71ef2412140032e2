/*
 * fuzz_csv.c - the results files (src/domain/poll_export.c) with hostile
 * questions and labels.
 *
 * Input (text):
 *   OPTIONS TALLIED BALLOTS COUNT...\n   numbers: options in the poll (0 to
 *                                        POLL_OPTIONS_MAX), a number kept for
 *                                        the committed inputs (once the tally's
 *                                        options; now unused), ballots, then
 *                                        each option's count
 *   question\n
 *   url\n
 *   label\n ...                          one per option; "\n" written as
 *                                        backslash-n is a line break
 * Counts are kept between 0 and the ballots, as a real tally's are.
 *
 * What must hold:
 * - the CSV reads back as RFC 4180 (quotes balanced, four cells a row, the
 *   header, one row per option, the total), each label cell holding the
 *   label, with an apostrophe first exactly when the label starts with
 *   = + - @ tab or carriage return, so no cell starts a formula;
 * - ids, counts and percentages read back as the numbers they are;
 * - the JSON file parses whenever the text is valid UTF-8, and gives back
 *   every label and count.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "involve/poll_export.h"
#include "involve/text.h"
#include "fuzz.h"

#define BALLOTS_MAX (INT64_C(1) << 40) /* far beyond any real poll */
#define FORMULA_STARTS "=+-@\t\r"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The next line of s (without its '\n'), advancing s. */
static struct str
next_line(struct str *s)
{
	const char *end = memchr(s->p, '\n', s->n);
	struct str line = { s->p, end ? (size_t)(end - s->p) : s->n };

	s->p += line.n + (end != NULL);
	s->n -= line.n + (end != NULL);
	return line;
}

/* Copies line into out (size bytes) as a C string: cut at a NUL or at the
 * size, with backslash-n read as a line break. */
static void
copy_text(char *out, size_t size, struct str line)
{
	size_t i, o = 0;

	for (i = 0; i < line.n && o + 1 < size && line.p[i] != '\0'; i++) {
		if (line.p[i] == '\\' && i + 1 < line.n && line.p[i + 1] == 'n') {
			out[o++] = '\n';
			i++;
		} else {
			out[o++] = line.p[i];
		}
	}
	out[o] = '\0';
}

static int64_t
number(const char **p, const char *end)
{
	int64_t v = 0;

	while (*p < end && (**p < '0' || **p > '9'))
		(*p)++;
	while (*p < end && **p >= '0' && **p <= '9') {
		if (v < BALLOTS_MAX)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v < BALLOTS_MAX ? v : BALLOTS_MAX;
}

/* One CSV record per RFC 4180 from *p, cells into cells (at most max),
 * each decoded into its own buf.  Returns the number of cells, or -1 when
 * the text is not CSV. */
static int
csv_record(const char **p, const char *end, struct buf *cells, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		buf_reset(&cells[n]);
		if (*p < end && **p == '"') {
			(*p)++;
			for (;;) {
				if (*p == end)
					return -1; /* a quote never closed */
				if (**p == '"') {
					if (*p + 1 < end && (*p)[1] == '"') {
						buf_addch(&cells[n], '"');
						*p += 2;
						continue;
					}
					(*p)++;
					break;
				}
				buf_addch(&cells[n], **p);
				(*p)++;
			}
		} else {
			while (*p < end && **p != ',' && **p != '\r') {
				if (**p == '"' || **p == '\n')
					return -1;
				buf_addch(&cells[n], **p);
				(*p)++;
			}
		}
		n++;
		if (*p < end && **p == ',') {
			(*p)++;
			continue;
		}
		if (end - *p >= 2 && (*p)[0] == '\r' && (*p)[1] == '\n') {
			*p += 2;
			return n;
		}
		return -1; /* every record ends with CRLF */
	}
}

static bool
cell_is(struct buf *cell, const char *text)
{
	const char *c = buf_cstr(cell);

	return c != NULL && strcmp(c, text) == 0;
}

/* Labels and the question as the fuzzer wrote them, NUL-terminated. */
#define TEXT_SIZE (POLL_OPTION_MAX_CHARS * 4 + 1)

static void
check_csv(const struct poll *p, int rows)
{
	struct buf out = BUF_INIT, cells[5] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	char want[TEXT_SIZE + 2], num[32];
	const char *at, *end, *label;
	int i, n, k;

	FUZZ_CHECK(poll_export_csv(p, &out) == 0, "the CSV export failed");
	at = out.p;
	end = out.p + out.n;
	n = csv_record(&at, end, cells, 5);
	FUZZ_CHECK(n == 4 && cell_is(&cells[0], "option_id") && cell_is(&cells[3], "percent"),
	    "the header row is wrong");
	for (i = 0; i < rows; i++) {
		n = csv_record(&at, end, cells, 5);
		FUZZ_CHECK(n == 4, "row %d does not read back as four cells: %.*s", i,
		    (int)(end - at), at);
		label = p->options[i].label.p;
		snprintf(want, sizeof(want), "%s%s",
		    label[0] != '\0' && strchr(FORMULA_STARTS, label[0]) ? "'" : "", label);
		FUZZ_CHECK(cell_is(&cells[1], want), "row %d's label reads back as \"%s\"", i,
		    buf_cstr(&cells[1]));
		for (k = 0; k < 4; k++)
			FUZZ_CHECK(cells[k].n == 0 ||
			        strchr(FORMULA_STARTS, cells[k].p[0]) == NULL ||
			        cells[k].p[0] == '\0',
			    "row %d cell %d starts a formula", i, k);
		snprintf(num, sizeof(num), "%" PRId64, p->options[i].id);
		FUZZ_CHECK(cell_is(&cells[0], num), "row %d's id", i);
		snprintf(num, sizeof(num), "%" PRId64, p->options[i].votes);
		FUZZ_CHECK(cell_is(&cells[2], num), "row %d's count", i);
		k = poll_percent_tenths(p->options[i].votes, p->ballots);
		FUZZ_CHECK(k >= 0 && k <= 1000, "a percentage of %d tenths", k);
		snprintf(num, sizeof(num), "%d.%d", k / 10, k % 10);
		FUZZ_CHECK(cell_is(&cells[3], num), "row %d's percentage", i);
	}
	n = csv_record(&at, end, cells, 5);
	snprintf(num, sizeof(num), "%" PRId64, p->ballots);
	FUZZ_CHECK(n == 4 && cell_is(&cells[1], "Total answers") && cell_is(&cells[2], num),
	    "the total row is wrong");
	FUZZ_CHECK(at == end, "bytes after the total row");
	for (k = 0; k < 5; k++)
		buf_free(&cells[k]);
	buf_free(&out);
}

static void
check_json(const struct poll *p, const char *url, int rows)
{
	struct buf out = BUF_INIT;
	json_error_t err;
	json_t *v, *options, *item;
	bool utf8 = text_is_utf8(p->question) && text_is_utf8(str_c(url));
	const char *question;
	size_t k;
	int i;

	for (i = 0; i < rows; i++)
		utf8 = utf8 && text_is_utf8(p->options[i].label);
	FUZZ_CHECK(poll_export_json(p, url, &out) == 0, "the JSON export failed");
	v = json_loadb(out.p, out.n, 0, &err);
	if (!utf8) {
		json_decref(v);
		buf_free(&out);
		return;
	}
	FUZZ_CHECK(v != NULL, "the JSON export does not parse: %s", err.text);
	FUZZ_CHECK(json_integer_value(json_object_get(v, "total")) == p->ballots, "total");
	question = json_string_value(json_object_get(json_object_get(v, "poll"), "question"));
	FUZZ_CHECK(question != NULL && strcmp(question, p->question.p) == 0,
	    "the question does not read back");
	options = json_object_get(v, "options");
	FUZZ_CHECK(json_array_size(options) == (size_t)rows, "%zu options for %d rows",
	    json_array_size(options), rows);
	json_array_foreach(options, k, item) {
		const char *label = json_string_value(json_object_get(item, "label"));

		FUZZ_CHECK(label != NULL && strcmp(label, p->options[k].label.p) == 0,
		    "label %zu does not read back", k);
		FUZZ_CHECK(json_integer_value(json_object_get(item, "count")) == p->options[k].votes,
		    "count %zu", k);
	}
	json_decref(v);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char question[TEXT_SIZE], labels[POLL_OPTIONS_MAX][TEXT_SIZE];
	struct poll_option options[POLL_OPTIONS_MAX];
	struct str s = { (const char *)data, size }, line;
	struct poll p;
	char url[512];
	const char *at;
	int i;

	memset(&p, 0, sizeof(p));
	memset(options, 0, sizeof(options));
	p.options = options;
	line = next_line(&s);
	at = line.p;
	p.option_n = (int)(number(&at, line.p + line.n) % (POLL_OPTIONS_MAX + 1));
	(void)number(&at, line.p + line.n);
	p.ballots = number(&at, line.p + line.n);
	for (i = 0; i < POLL_OPTIONS_MAX; i++)
		options[i].votes = number(&at, line.p + line.n) % (p.ballots + 1);
	p.id = 42;
	copy_text(question, sizeof(question), next_line(&s));
	p.question = str_c(question);
	copy_text(url, sizeof(url), next_line(&s));
	for (i = 0; i < p.option_n; i++) {
		options[i].id = 1000 + i;
		copy_text(labels[i], sizeof(labels[i]), next_line(&s));
		options[i].label = str_c(labels[i]);
	}
	check_csv(&p, p.option_n);
	check_json(&p, url, p.option_n);
	return 0;
}
