/*
 * survey_export.h - responses as files: one row per response, for the
 * export API, the staff pages and the command line.
 *
 * CSV columns: response, submitted_at (RFC 3339, UTC), channel, then one
 * per question in order, named by its key: a grid has one per row
 * ("KEY.ROW VALUE"), a question with an "Other, please say" option one
 * more ("KEY.other").  Cells hold what people read: option labels (a
 * multiple choice's joined by "; ", a ranking's in order), numbers,
 * dates as YYYY-MM-DD, text as given; every cell formula-safe
 * (buf_add_csv_cell).  JSON rows hold the answers as the API takes them.
 */
#ifndef INVOLVE_SURVEY_EXPORT_H
#define INVOLVE_SURVEY_EXPORT_H

#include <stdint.h>

#include <jansson.h>

#include "involve/survey.h"
#include "involve/survey_answers.h"

/* What a row says of its response besides the answers. */
struct survey_export_meta {
	int64_t id;
	int64_t submitted_at;
	enum survey_channel channel;
};

/* The header line, CRLF-terminated. */
void survey_export_csv_header(const struct survey_def *d, struct buf *b);
/* One response's line, CRLF-terminated. */
void survey_export_csv_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans, struct buf *b);
/* {"id", "submitted_at", "channel", "answers": {...}, "other": {...}} */
json_t *survey_export_json_row(const struct survey_def *d, const struct survey_export_meta *m,
    const struct survey_answers *ans);

#endif
