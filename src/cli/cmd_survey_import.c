/*
 * cmd_survey_import.c - `involve survey import`: a survey's responses read
 * from a CSV file, each row checked as the API checks a response, and all
 * of them written at once or none.
 *
 * The header row names each column as the export does (survey_cell_find:
 * KEY, KEY.ROW for a grid's rows, KEY.other), besides the export's own
 * response, submitted_at and channel; a column that names nothing is
 * refused before any row is read.  Then the file streams: it is mapped,
 * not read into memory, and the CSV reader (csv.h) decodes one row at a
 * time; its cells become answers (survey_answer_from_cells), checked along
 * the survey's path (survey_answers_check), written in canonical form and
 * counted (survey_answers_write, survey_answers_tally), and handed to
 * store_responses_import, which writes them in its one transaction as they
 * come.  What stays in memory is one row and the survey's counts, however
 * large the file.
 *
 * A row that cannot be taken is reported on standard error with its number
 * (the header is row 1, as a spreadsheet numbers it) and each problem under
 * its question's key; from the first, no more rows are written and, once
 * every row has been checked and reported, the transaction is abandoned,
 * so nothing is imported.  --skip-bad imports the other rows instead.  A
 * file the CSV reader refuses (a quote never closed, a byte Windows-1252
 * has no character for) is refused at the row it names, whole.
 *
 * On a terminal, a progress bar on standard error, redrawn a few times a
 * second at most.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "involve/csv.h"
#include "involve/store_survey.h"
#include "involve/text.h"
#include "cli.h"

/* Rows between two looks at the clock, and the least time between two
 * drawings of the progress bar. */
#define IMPORT_PROGRESS_ROWS 4096
#define IMPORT_PROGRESS_NS (250 * 1000 * 1000LL)
#define IMPORT_BAR_WIDTH 20

static const char import_help[] =
    "Usage: involve survey import --org SLUG --survey ID --file CSV\n"
    "                             [--channel paper|phone|event|online] [--skip-bad]\n\n"
    "Reads responses to a survey from a CSV file and imports them, all at once or\n"
    "none.  The survey must have opened; it may have closed.\n\n"
    "The first row names the columns as an export's does: a question's key (KEY), a\n"
    "grid's rows (KEY.ROW, by the row's value), what \"Other, please say\" said\n"
    "(KEY.other).  An export's own response and submitted_at columns are ignored;\n"
    "a channel column says how each row's response came, where it has a value.  A\n"
    "column that names none of these is refused before any row is read.\n\n"
    "Each cell: an option by its value or its label (in any case), a multiple\n"
    "choice's or a ranking's options separated by \";\", a number, a date as\n"
    "YYYY-MM-DD or DD/MM/YYYY, a postcode with any spacing, text; empty is not\n"
    "answered.  Each row is checked as a response sent to the API is: the answers,\n"
    "the questions its path skips, the required ones.\n\n"
    "The file is UTF-8, with or without a byte-order mark, or Windows-1252 as\n"
    "spreadsheet programs save CSV, which is converted.\n\n"
    "A row that cannot be imported is reported on standard error with its number\n"
    "(the header is row 1) and each problem; then nothing is imported and the\n"
    "command fails.  With --skip-bad the other rows are imported.  The last line\n"
    "says how many responses were imported and how many rows rejected.\n\n"
    "  --channel CHANNEL   paper (the default), phone, event or online\n"
    "  --skip-bad          import the rows that can be, and report the others\n"
    CLI_COMMON_HELP;

enum column_kind {
	COLUMN_CELL,    /* a question's cell */
	COLUMN_CHANNEL, /* how the row's response came */
	COLUMN_IGNORED, /* the export's response and submitted_at */
};

struct column {
	enum column_kind kind;
	int question, cell;
};

struct importer {
	/* What is imported, and how. */
	const struct survey_def *d;
	const char *path;
	struct str data;
	enum survey_channel channel;
	bool skip_bad;

	/* The header: a column per field, a cell per question's cell. */
	int column_n;
	struct column *columns;
	int *first_cell;     /* per question: its first cell in cells */
	int cell_n;
	struct str *cells;   /* the current row's, "" where it has none */

	/* Reading. */
	struct csv_reader *r;
	struct arena row;    /* the current row's answers and items */
	struct buf answers;  /* its canonical text */
	struct survey_tally_item *items;
	int item_n, item_cap;
	bool started;        /* a run has begun: another starts the file again */
	long reported;       /* the last row reported: a run tried again says nothing twice */
	int64_t good, rejected;
	char failure[ERROR_DETAIL_MAX + 64]; /* the file refused whole, or "" */

	/* The progress bar, on a terminal only. */
	bool bar;
	bool bar_drawn;
	long lines;          /* the file's */
	long line;           /* where reading is */
	struct timespec drawn_at;
	int since_clock;
};

/* ---- the file ---------------------------------------------------------------------------- */

/* Maps the file, read-only; an empty file is empty data.  Prints what is
 * wrong. */
static int
map_file(const char *path, struct str *out, size_t *mapped)
{
	struct stat sb;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*mapped = 0;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "involve: survey import: cannot read %s: %s\n", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return CLI_FAIL;
	}
	if (!S_ISREG(sb.st_mode)) {
		fprintf(stderr, "involve: survey import: %s is not a file\n", path);
		close(fd);
		return CLI_FAIL;
	}
	if (sb.st_size == 0) {
		close(fd);
		*out = (struct str){ "", 0 };
		return CLI_OK;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "involve: survey import: cannot read %s: %s\n", path,
		    strerror(errno));
		return CLI_FAIL;
	}
	madvise(p, (size_t)sb.st_size, MADV_SEQUENTIAL);
	*out = (struct str){ p, (size_t)sb.st_size };
	*mapped = (size_t)sb.st_size;
	return CLI_OK;
}

/* The file's lines, for the progress bar: a newline each, and a last one
 * without. */
static long
count_lines(struct str data)
{
	const char *p = data.p, *end = data.p + data.n;
	long n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n + (data.n > 0 && data.p[data.n - 1] != '\n');
}

/* ---- the header ------------------------------------------------------------------------- */

/* A column's name, at most 60 bytes of it, for a message. */
static const char *
shown(struct str name, char out[64])
{
	text_copy(out, 61, str_trim(name));
	return out;
}

/*
 * Reads the header row and what each column is.  Every column that names
 * nothing, or names what another does, is reported.  CLI_OK, or CLI_FAIL
 * after saying why.
 */
static int
read_header(struct importer *im, long long survey_id)
{
	char a[64], b[64];
	struct csv_row header;
	struct str name;
	int i, k, q, cell, rc, bad = 0, questions = 0;

	if ((rc = csv_next(im->r, &header)) == 0) {
		fprintf(stderr, "involve: survey import: %s is empty: its first row must name the "
		    "questions, as an export's does\n", im->path);
		return CLI_FAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "involve: survey import: %s: %s\n", im->path, rc == ERR_NOMEM ?
		    "out of memory" : csv_message(im->r));
		return CLI_FAIL;
	}
	im->column_n = header.n;
	if ((im->columns = calloc((size_t)header.n, sizeof(*im->columns))) == NULL)
		return CLI_FAIL;
	for (i = 0; i < header.n; i++) {
		struct column *c = &im->columns[i];

		name = str_trim(header.fields[i]);
		c->kind = COLUMN_IGNORED;
		if (str_case_eq_c(name, "response") || str_case_eq_c(name, "submitted_at"))
			continue;
		if (str_case_eq_c(name, "channel")) {
			c->kind = COLUMN_CHANNEL;
		} else if (name.n == 0) {
			fprintf(stderr, "involve: survey import: %s: column %d has no name\n", im->path,
			    i + 1);
			bad = 1;
			continue;
		} else if (survey_cell_find(im->d, name, &q, &cell) != 0) {
			fprintf(stderr, "involve: survey import: %s: column %d, '%s', is not a "
			    "question of survey %lld\n", im->path, i + 1, shown(name, a), survey_id);
			bad = 1;
			continue;
		} else {
			c->kind = COLUMN_CELL;
			c->question = q;
			c->cell = cell;
			questions++;
		}
		/* Which of two columns would the answer be read from? */
		for (k = 0; k < i; k++) {
			const struct column *o = &im->columns[k];

			if (o->kind == c->kind && (c->kind == COLUMN_CHANNEL ||
			    (o->question == c->question && o->cell == c->cell))) {
				fprintf(stderr, "involve: survey import: %s: columns %d and %d are both "
				    "'%s'\n", im->path, k + 1, i + 1, shown(header.fields[k], b));
				bad = 1;
				break;
			}
		}
	}
	if (!bad && questions == 0) {
		fprintf(stderr, "involve: survey import: %s: no column names a question of survey "
		    "%lld (the first row names the columns, as an export's does)\n", im->path,
		    survey_id);
		bad = 1;
	}
	return bad ? CLI_FAIL : CLI_OK;
}

/* Where each question's cells are in im->cells. */
static int
lay_out_cells(struct importer *im)
{
	int q;

	im->first_cell = calloc((size_t)im->d->question_n + 1, sizeof(*im->first_cell));
	if (im->first_cell == NULL)
		return ERR_NOMEM;
	for (q = 0; q < im->d->question_n; q++) {
		im->first_cell[q] = im->cell_n;
		im->cell_n += survey_cell_count(&im->d->questions[q]);
	}
	im->cells = calloc((size_t)im->cell_n + 1, sizeof(*im->cells));
	return im->cells != NULL ? 0 : ERR_NOMEM;
}

/* ---- progress ------------------------------------------------------------------------------ */

/* n with a comma between each three digits. */
static const char *
grouped(int64_t n, char out[32])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%lld", (long long)n), i, k = 0;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return out;
}

static void
draw_bar(struct importer *im, bool done)
{
	char bar[IMPORT_BAR_WIDTH + 1], rows[32];
	long percent = done ? 100 : im->lines > 0 ? im->line * 100 / im->lines : 0;
	int i;

	if (percent > 100)
		percent = 100;
	for (i = 0; i < IMPORT_BAR_WIDTH; i++)
		bar[i] = i < percent * IMPORT_BAR_WIDTH / 100 ? '#' : ' ';
	bar[IMPORT_BAR_WIDTH] = '\0';
	fprintf(stderr, "\rImporting %3ld%% [%s] %s rows%s", percent, bar,
	    grouped(im->good + im->rejected, rows), done ? "\n" : "");
	im->bar_drawn = !done;
}

/* Called for each row read: redraws the bar when it is time. */
static void
progress(struct importer *im, long line)
{
	struct timespec now;

	im->line = line;
	if (!im->bar || ++im->since_clock < IMPORT_PROGRESS_ROWS)
		return;
	im->since_clock = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - im->drawn_at.tv_sec) * 1000000000LL + (now.tv_nsec -
	    im->drawn_at.tv_nsec) < IMPORT_PROGRESS_NS)
		return;
	im->drawn_at = now;
	draw_bar(im, false);
}

/* ---- rows ---------------------------------------------------------------------------------- */

/* Says what is wrong with row n, a line per problem. */
static void
report(struct importer *im, long n, const struct errors *e)
{
	int i;

	if (n <= im->reported)
		return; /* said on an earlier run */
	im->reported = n;
	if (im->bar_drawn) {
		fputs("\r\033[K", stderr);
		im->bar_drawn = false;
	}
	for (i = 0; i < e->n; i++) {
		if (e->list[i].field[0])
			fprintf(stderr, "involve: survey import: row %ld: %s: %s\n", n,
			    e->list[i].field, e->list[i].detail);
		else
			fprintf(stderr, "involve: survey import: row %ld: %s\n", n, e->list[i].detail);
	}
	if (e->dropped > 0)
		fprintf(stderr, "involve: survey import: row %ld: and %d more problem%s\n", n,
		    e->dropped, e->dropped == 1 ? "" : "s");
}

/* A channel cell: empty is the command's; any case. */
static void
channel_of(struct str cell, enum survey_channel *out, struct errors *e)
{
	char lower[16];
	size_t i;

	cell = str_trim(cell);
	if (cell.n == 0)
		return;
	for (i = 0; i < cell.n && i < sizeof(lower) - 1; i++)
		lower[i] = (char)(cell.p[i] >= 'A' && cell.p[i] <= 'Z' ? cell.p[i] - 'A' + 'a' :
		    cell.p[i]);
	lower[i] = '\0';
	if (cell.n >= sizeof(lower) || survey_channel_parse(str_c(lower), out) != 0)
		errors_add(e, "channel", "Must be online, paper, phone or event");
}

/* The row's tally items, gathered (their text copied: it lives only during
 * the call). */
static int
gather(void *arg, const struct survey_tally_item *it)
{
	struct importer *im = arg;
	struct survey_tally_item *items;

	if (im->item_n == im->item_cap) {
		im->item_cap = im->item_cap ? im->item_cap * 2 : 64;
		items = realloc(im->items, (size_t)im->item_cap * sizeof(*items));
		if (items == NULL)
			return ERR_NOMEM;
		im->items = items;
	}
	items = &im->items[im->item_n];
	*items = *it;
	items->question = arena_str(&im->row, it->question);
	items->row = arena_str(&im->row, it->row);
	items->value = arena_str(&im->row, it->value);
	if (!items->question.p || !items->row.p || !items->value.p)
		return ERR_NOMEM;
	im->item_n++;
	return 0;
}

/*
 * Reads a row into *out: 0; ERR_INVALID when it cannot be imported (said
 * on standard error); ERR_NOMEM.  With `check_only`, the row is checked and
 * no more (no more rows will be written).
 */
static int
read_row(struct importer *im, const struct csv_row *row, bool check_only,
    struct response_import_row *out)
{
	enum survey_channel channel = im->channel;
	struct survey_answers ans;
	struct errors e, path;
	int i, q, rc;

	errors_init(&e);
	arena_reset(&im->row);
	for (i = 0; i < im->cell_n; i++)
		im->cells[i] = (struct str){ "", 0 };
	for (i = 0; i < row->n && i < im->column_n; i++) {
		const struct column *c = &im->columns[i];

		if (c->kind == COLUMN_CELL)
			im->cells[im->first_cell[c->question] + c->cell] = row->fields[i];
		else if (c->kind == COLUMN_CHANNEL)
			channel_of(row->fields[i], &channel, &e);
	}
	/* The ",,," a spreadsheet may leave after the last column is nothing. */
	for (; i < row->n; i++)
		if (str_trim(row->fields[i]).n > 0) {
			errors_add(&e, "", "It has a value in column %d, and the first row names only %d "
			    "columns", i + 1, im->column_n);
			break;
		}
	if ((rc = survey_answers_init(im->d, &im->row, &ans)) != 0)
		return rc;
	for (q = 0; q < im->d->question_n; q++) {
		int n = survey_cell_count(&im->d->questions[q]);

		if (n > 0 && survey_answer_from_cells(im->d, q, &im->cells[im->first_cell[q]], n,
		    &im->row, &ans, &e) == ERR_NOMEM)
			return ERR_NOMEM;
	}
	/* The path is judged on what could be read, as the API judges it; a
	 * question whose answer could not be read is not reported twice. */
	errors_init(&path);
	survey_answers_check(im->d, &ans, -1, &path);
	for (i = 0; i < path.n; i++)
		if (!errors_has_field(&e, path.list[i].field))
			errors_add(&e, path.list[i].field, "%s", path.list[i].detail);
	if (errors_any(&e)) {
		report(im, row->row, &e);
		im->rejected++;
		return ERR_INVALID;
	}
	if (check_only)
		return 0;
	buf_reset(&im->answers);
	survey_answers_write(im->d, &ans, &im->answers);
	im->item_n = 0;
	if (!buf_ok(&im->answers) || survey_answers_tally(im->d, &ans, gather, im) != 0)
		return ERR_NOMEM;
	out->channel = channel;
	out->answers = (struct str){ im->answers.p, im->answers.n };
	out->tally = im->items;
	out->tally_n = im->item_n;
	return 0;
}

/* From the start of the file again: its rows after the header. */
static int
restart(struct importer *im)
{
	struct csv_row header;

	csv_close(im->r);
	im->r = NULL;
	if (csv_open(im->data, NULL, &im->r) != 0 || csv_next(im->r, &header) != 1)
		return ERR_NOMEM; /* read before, with the same limits */
	im->good = im->rejected = 0;
	im->failure[0] = '\0';
	return 0;
}

/* store_responses_import's source: the file's rows, one good response at
 * a time. */
static int
next_response(void *arg, bool first, struct response_import_row *out)
{
	struct importer *im = arg;
	struct csv_row row;
	int rc;

	/* The first run goes on from the header read_header read; a run
	 * tried again starts from the top. */
	if (first && im->started && (rc = restart(im)) != 0)
		return rc;
	im->started = true;
	for (;;) {
		rc = csv_next(im->r, &row);
		if (rc == 0) {
			out->skipped = im->rejected;
			/* Every row has been checked and reported: a bad one
			 * abandons the import unless it may be left out. */
			return im->rejected > 0 && !im->skip_bad ? ERR_INVALID : 0;
		}
		if (rc < 0) {
			snprintf(im->failure, sizeof(im->failure), "%s", rc == ERR_NOMEM ?
			    "out of memory" : csv_message(im->r));
			return rc == ERR_NOMEM ? rc : ERR_INVALID;
		}
		progress(im, row.line);
		if (csv_row_is_blank(&row))
			continue;
		rc = read_row(im, &row, im->rejected > 0 && !im->skip_bad, out);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc != 0 || (im->rejected > 0 && !im->skip_bad))
			continue;
		im->good++;
		return 1;
	}
}

/* ---- the command ----------------------------------------------------------------------------- */

static int
import_file(struct cli_env *env, const char *slug, long long id, const char *path,
    enum survey_channel channel, bool skip_bad)
{
	struct importer im = { .path = path, .channel = channel, .skip_bad = skip_bad };
	struct response_import imp = { 0 };
	char n1[32], n2[32];
	struct survey *sv;
	struct survey_def d;
	struct arena arena;
	struct errors e;
	struct actor who;
	struct org o;
	size_t mapped = 0;
	int64_t imported = 0, now = (int64_t)time(NULL);
	int rc;

	arena_init(&arena, NULL, 0);
	arena_init(&im.row, NULL, 0);
	errors_init(&e);
	if ((rc = survey_cli_load(env, "survey import", slug, id, &arena, &o, &sv, &d)) != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	if (survey_check_entry(sv, now, &e) != 0) {
		cli_print_errors("survey import", &e);
		goto out;
	}
	im.d = &d;
	if (map_file(path, &im.data, &mapped) != CLI_OK)
		goto out;
	if (csv_open(im.data, NULL, &im.r) != 0 || lay_out_cells(&im) != 0) {
		fprintf(stderr, "involve: survey import: out of memory\n");
		goto out;
	}
	if (read_header(&im, id) != CLI_OK)
		goto out;
	if (csv_encoding(im.r) == CSV_WINDOWS_1252)
		fprintf(stderr, "involve: survey import: %s is not UTF-8: it is read as "
		    "Windows-1252, as spreadsheet programs save CSV\n", path);
	im.bar = isatty(STDERR_FILENO);
	if (im.bar) {
		im.lines = count_lines(im.data);
		clock_gettime(CLOCK_MONOTONIC, &im.drawn_at);
	}

	who = (struct actor){ o.id, 0, "cli" };
	imp.survey_id = sv->id;
	imp.version = sv->version;
	imp.next = next_response;
	imp.arg = &im;
	imp.now = now;
	errors_init(&e);
	rc = store_responses_import(env->store, &who, &imp, &imported, &e);
	if (im.bar)
		draw_bar(&im, true);
	if (im.failure[0]) {
		fprintf(stderr, "involve: survey import: %s: %s\n", path, im.failure);
		fprintf(stderr, "Nothing was imported.\n");
	} else if (rc == ERR_INVALID && im.rejected > 0) {
		fprintf(stderr, "0 responses imported, %s row%s rejected: nothing was imported, as "
		    "%s cannot be (fix %s, or import the others with --skip-bad).\n",
		    grouped(im.rejected, n1), im.rejected == 1 ? "" : "s",
		    im.rejected == 1 ? "a row" : "some rows", im.rejected == 1 ? "it" : "them");
	} else if (rc == ERR_CONFLICT) {
		cli_print_errors("survey import", &e);
	} else if (rc == ERR_NOTFOUND) {
		fprintf(stderr, "involve: survey import: '%s' has no survey %lld\n", slug, id);
	} else if (rc != 0) {
		fprintf(stderr, "involve: survey import: the responses could not be saved: %s\n",
		    error_name(rc));
	} else if (imported == 0 && im.rejected == 0) {
		fprintf(stderr, "involve: survey import: %s has no responses, only its first "
		    "row\n", path);
	} else {
		printf("%s response%s imported, %s row%s rejected.\n", grouped(imported, n1),
		    imported == 1 ? "" : "s", grouped(im.rejected, n2),
		    im.rejected == 1 ? "" : "s");
		rc = imported > 0 ? CLI_OK : CLI_FAIL;
		goto out;
	}
	rc = CLI_FAIL;
out:
	csv_close(im.r);
	if (mapped > 0)
		munmap((void *)im.data.p, mapped);
	free(im.columns);
	free(im.first_cell);
	free(im.cells);
	free(im.items);
	buf_free(&im.answers);
	arena_free(&im.row);
	arena_free(&arena);
	return rc;
}

int
cmd_survey_import(int argc, char **argv)
{
	const char *org = NULL, *survey = NULL, *file = NULL, *channel_arg = "paper",
	    *skip_bad = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "survey", true, &survey },
		{ "file", true, &file },
		{ "channel", true, &channel_arg },
		{ "skip-bad", false, &skip_bad },
		{ NULL, false, NULL },
	};
	enum survey_channel channel;
	struct cli_common common;
	struct cli_env env;
	long long id;
	int rc;

	cli_common_init(&common);
	rc = cli_parse("survey import", import_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL || survey == NULL || file == NULL)
		return cli_usage_error("survey import", "needs --org, --survey and --file");
	if (!cli_parse_id(survey, &id))
		return cli_usage_error("survey import", "--survey must be a survey id (a whole "
		    "number)");
	if (survey_channel_parse(str_c(channel_arg), &channel) != 0)
		return cli_usage_error("survey import", "--channel must be paper, phone, event or "
		    "online");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = import_file(&env, org, id, file, channel, skip_bad != NULL);
	cli_env_close(&env);
	return rc;
}
