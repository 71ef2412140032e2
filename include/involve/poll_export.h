/*
 * poll_export.h - a poll's results as CSV and JSON files, for the staff
 * export links and `involve poll export`.
 *
 * CSV cells that a spreadsheet would run as a formula (starting with =, +,
 * -, @, tab or carriage return) are prefixed with an apostrophe.
 */
#ifndef INVOLVE_POLL_EXPORT_H
#define INVOLVE_POLL_EXPORT_H

#include "involve/poll.h"
#include "involve/str.h"

/* The counts are the poll's own (options[i].votes, ballots), as the store
 * reads them. */
/* Columns: option_id, option, count, percent; then a total row. */
int poll_export_csv(const struct poll *p, struct buf *out);
/* {"poll": {...}, "total": n, "options": [{"id","label","count","percent"}]} */
int poll_export_json(const struct poll *p, const char *url, struct buf *out);

#endif
