/*
 * survey_file.h - a survey as a file to download, made a piece at a time:
 * its responses (CSV, JSON, XLSX) and its results as open data; shared by
 * the API, the staff pages, the public results page and `involve survey
 * export` / `involve survey results`.
 *
 * Responses are read in pages of SURVEY_FILE_PAGE by id (response_pages.h:
 * the next page read ahead on a thread while one is written), each page a
 * short read of its own, so no database connection or transaction is held
 * between pieces however slowly the file is taken, and memory is two
 * pages' worth however many responses there are.  A response submitted while the file is being made
 * is in it if its id comes after the last page read.
 *
 * An XLSX workbook is made whole before its first byte is given (the
 * format is a zip file with its directory at the end): written in
 * libxlsxwriter's constant-memory mode to a temporary file in tmp_dir
 * (NULL: $TMPDIR, else /tmp), which is deleted at once and read from its
 * open descriptor; so it goes when the file is freed, however that comes.
 */
#ifndef INVOLVE_SURVEY_FILE_H
#define INVOLVE_SURVEY_FILE_H

#include <stdint.h>

#include "involve/arena.h"
#include "involve/store_survey.h"
#include "involve/survey.h"

/* Responses read from the database at a time. */
#define SURVEY_FILE_PAGE 5000

enum survey_file_format { SURVEY_FILE_CSV, SURVEY_FILE_JSON, SURVEY_FILE_XLSX };
/* "csv", "json", "xlsx": the names the format= and --format options take,
 * NULL-terminated, in the enum's order. */
extern const char *const survey_file_format_names[];
/* The file's media type ("text/csv; charset=utf-8", ...). */
const char *survey_file_media_type(enum survey_file_format f);

struct survey_file;

/*
 * Begins the responses of survey survey_id, whose definition is the
 * text the store keeps, as a file in format f.  For XLSX the workbook is
 * made here.  0 with *out the caller's to free with survey_file_free;
 * ERR_NOMEM, ERR_IO (the database or the temporary file failed), or
 * ERR_TOO_LARGE (more responses or columns than a sheet holds).
 */
int survey_file_open(struct store *s, int64_t survey_id, struct str definition,
    enum survey_file_format f, const char *tmp_dir, struct survey_file **out);
/* Appends the next piece of the file to out: 1 when more follows, 0 at
 * the end, or a negative error code (http_stream's contract). */
int survey_file_next(struct survey_file *f, struct buf *out);
/* Responses written so far. */
int64_t survey_file_rows(const struct survey_file *f);
void survey_file_free(struct survey_file *f);

/*
 * The survey's results as open data (survey_export_open_data), with
 * counts under `below` hidden and secondary suppression applied, whoever
 * asks: appended to out.  Reads only the counts the store keeps; a's for
 * the working.  0, or ERR_NOMEM / ERR_IO.
 */
int survey_file_open_data(struct store *s, struct arena *a, int64_t survey_id,
    const struct survey_def *d, int64_t below, struct buf *out);

#endif
