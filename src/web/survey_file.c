/*
 * survey_file.c - a survey as a file to download, a piece at a time (see
 * survey_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "involve/log.h"
#include "involve/response_pages.h"
#include "involve/survey_export.h"
#include "involve/survey_file.h"
#include "involve/survey_results.h"

const char *const survey_file_format_names[] = { "csv", "json", "xlsx", NULL };
_Static_assert(SURVEY_FILE_CSV == 0 && SURVEY_FILE_JSON == 1 && SURVEY_FILE_XLSX == 2,
    "survey_file_format_names follows the enum");

/* The most bytes of an XLSX file read into one piece. */
#define XLSX_PIECE (64 * 1024)

const char *
survey_file_media_type(enum survey_file_format f)
{
	switch (f) {
	case SURVEY_FILE_JSON:
		return "application/json";
	case SURVEY_FILE_XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	default:
		return "text/csv; charset=utf-8";
	}
}

enum file_stage { STAGE_START, STAGE_ROWS, STAGE_DONE };

struct survey_file {
	struct store *store;
	int64_t survey_id;
	enum survey_file_format format;
	enum file_stage stage;
	struct arena arena;   /* the definition */
	struct arena scratch; /* one response's answers, reset after each */
	struct survey_def d;
	struct response_pages *pages;
	int64_t rows;
	struct buf *out;      /* the piece being made */
	struct buf text;      /* a cell's text, reused from row to row */
	struct survey_xlsx *xlsx;
	int fd;               /* XLSX: the finished workbook, already deleted */
};

/* jansson's writer, straight into the piece. */
static int
dump_to_buf(const char *p, size_t n, void *arg)
{
	struct buf *b = arg;

	buf_add(b, p, n);
	return buf_ok(b) ? 0 : -1;
}

/* One response into the piece (or the workbook). */
static int
file_row(void *arg, const struct survey_response *r)
{
	struct survey_file *f = arg;
	struct survey_export_meta m = { r->id, r->submitted_at, r->channel };
	struct survey_answers ans;
	struct errors e;
	json_t *row;
	int rc = 0;

	arena_reset(&f->scratch);
	errors_init(&e);
	/* Answers kept under an earlier version may name what a later one
	 * renamed: what still fits is written rather than lose the response. */
	if (survey_answers_parse(&f->d, r->answers, &f->scratch, &ans, &e) == ERR_NOMEM)
		return ERR_NOMEM;
	switch (f->format) {
	case SURVEY_FILE_CSV:
		survey_export_csv_row(&f->d, &m, &ans, f->out, &f->text);
		break;
	case SURVEY_FILE_JSON:
		buf_add_c(f->out, f->rows > 0 ? ",\n" : "\n");
		if ((row = survey_export_json_row(&f->d, &m, &ans)) == NULL)
			return ERR_NOMEM;
		rc = json_dump_callback(row, dump_to_buf, f->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(row);
		if (rc != 0)
			return ERR_NOMEM;
		break;
	case SURVEY_FILE_XLSX:
		if ((rc = survey_xlsx_row(f->xlsx, &m, &ans)) != 0)
			return rc;
		break;
	}
	f->rows++;
	return buf_ok(f->out) ? 0 : ERR_NOMEM;
}

/* The next page of responses: 1 when there may be more, 0 when there were
 * no more. */
static int
next_page(struct survey_file *f)
{
	const struct survey_response *rows;
	int i, n, rc;

	if ((rc = response_pages_next(f->pages, &rows, &n)) <= 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = file_row(f, &rows[i])) != 0)
			return rc;
	return 1;
}

/* The workbook, made whole into a temporary file that is deleted at once. */
static int
make_xlsx(struct survey_file *f, const char *tmp_dir)
{
	struct buf path = BUF_INIT, none = BUF_INIT;
	int fd, rc;

	if (tmp_dir == NULL && (tmp_dir = getenv("TMPDIR")) == NULL)
		tmp_dir = "/tmp";
	buf_printf(&path, "%s/involve-export-XXXXXX", tmp_dir);
	if (buf_cstr(&path) == NULL) {
		buf_free(&path);
		return ERR_NOMEM;
	}
	if ((fd = mkostemp(path.p, O_CLOEXEC)) < 0) {
		log_warn("export", "cannot make a file in %s: %s", tmp_dir, strerror(errno));
		buf_free(&path);
		return ERR_IO;
	}
	close(fd);
	f->out = &none;
	if ((rc = survey_xlsx_open(&f->d, path.p, tmp_dir, &f->xlsx)) == 0) {
		while ((rc = next_page(f)) == 1)
			;
		if (rc == 0) {
			rc = survey_xlsx_close(f->xlsx);
		} else {
			survey_xlsx_discard(f->xlsx);
		}
		f->xlsx = NULL;
	}
	f->out = NULL;
	/* Opened again after the library wrote it, whichever way it did. */
	if (rc == 0 && (f->fd = open(path.p, O_RDONLY | O_CLOEXEC)) < 0)
		rc = ERR_IO;
	unlink(path.p);
	buf_free(&path);
	buf_free(&none);
	return rc;
}

int
survey_file_open(struct store *s, int64_t survey_id, struct str definition,
    enum survey_file_format format, const char *tmp_dir, struct survey_file **out)
{
	struct survey_file *f = calloc(1, sizeof(*f));
	struct errors e;
	int rc;

	if (f == NULL)
		return ERR_NOMEM;
	f->store = s;
	f->survey_id = survey_id;
	f->format = format;
	f->fd = -1;
	arena_init(&f->arena, NULL, 0);
	arena_init(&f->scratch, NULL, 0);
	errors_init(&e);
	/* A copy of its own: the file may outlive the request that began it. */
	rc = survey_def_parse(definition, &f->arena, &f->d, &e);
	if (rc != 0)
		rc = rc == ERR_NOMEM ? ERR_NOMEM : ERR_IO; /* the store holds what the domain wrote */
	if (rc == 0)
		rc = response_pages_open(s, survey_id, 0, SURVEY_FILE_PAGE, &f->pages);
	if (rc == 0 && format == SURVEY_FILE_XLSX)
		rc = make_xlsx(f, tmp_dir);
	if (rc != 0) {
		survey_file_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

static int
next_xlsx(struct survey_file *f, struct buf *out)
{
	ssize_t n;

	if (buf_reserve(out, XLSX_PIECE) != 0 || !buf_ok(out))
		return ERR_NOMEM;
	do
		n = read(f->fd, out->p + out->n, XLSX_PIECE);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ERR_IO;
	out->n += (size_t)n;
	return n > 0;
}

int
survey_file_next(struct survey_file *f, struct buf *out)
{
	char id[24];
	int rc;

	if (f->format == SURVEY_FILE_XLSX)
		return next_xlsx(f, out);
	if (f->stage == STAGE_DONE)
		return 0;
	f->out = out;
	if (f->stage == STAGE_START) {
		if (f->format == SURVEY_FILE_CSV) {
			survey_export_csv_header(&f->d, out);
		} else {
			snprintf(id, sizeof(id), "%lld", (long long)f->survey_id);
			buf_printf(out, "{\"survey\":\"%s\",\"responses\":[", id);
		}
		f->stage = STAGE_ROWS;
	}
	rc = next_page(f);
	f->out = NULL;
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (f->format == SURVEY_FILE_JSON)
			buf_add_c(out, f->rows > 0 ? "\n]}\n" : "]}\n");
		f->stage = STAGE_DONE;
	}
	return buf_ok(out) ? rc : ERR_NOMEM;
}

int64_t
survey_file_rows(const struct survey_file *f)
{
	return f->rows;
}

void
survey_file_free(struct survey_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	response_pages_free(f->pages);
	buf_free(&f->text);
	arena_free(&f->scratch);
	arena_free(&f->arena);
	free(f);
}

/* ---- results as open data ------------------------------------------------------------- */

struct tally_ctx {
	const struct survey_def *d;
	struct survey_results *r;
};

static int
tally_add(void *arg, const struct survey_tally_item *it)
{
	struct tally_ctx *c = arg;

	survey_results_add(c->d, c->r, it);
	return 0;
}

int
survey_file_open_data(struct store *s, struct arena *a, int64_t survey_id,
    const struct survey_def *d, int64_t below, struct buf *out)
{
	struct survey_results r;
	struct survey_hidden hidden;
	struct tally_ctx c = { d, &r };
	int rc;

	if ((rc = survey_results_init(d, a, &r)) != 0 ||
	    (rc = store_survey_tally(s, survey_id, tally_add, &c)) != 0 ||
	    (rc = survey_results_suppress(d, &r, below, a, &hidden)) != 0)
		return rc;
	survey_export_open_data(d, &r, &hidden, below, out);
	return buf_ok(out) ? 0 : ERR_NOMEM;
}
