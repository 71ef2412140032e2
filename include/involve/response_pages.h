/*
 * response_pages.h - a survey's submitted responses read a page at a time,
 * the next page read ahead on a thread of its own while the caller works
 * on the one it has.
 *
 * Making a file of a million responses is two jobs of about equal size:
 * the database reading the rows (on PostgreSQL, another process) and the
 * writer turning each into CSV.  One after the other they took twice as
 * long as either; side by side, on a machine's two cores, about as long as
 * the slower.  Each page is copied out of the database's statement, so a
 * connection is held only while a page is read, never between pages.
 *
 * Not thread-safe itself: one caller at a time (one file being made).
 */
#ifndef INVOLVE_RESPONSE_PAGES_H
#define INVOLVE_RESPONSE_PAGES_H

#include <stdint.h>

#include "involve/store_survey.h"

struct response_pages;

/* Reads survey_id's submitted responses with ids after after_id, `page`
 * at a time, beginning to read the first at once.  0 or ERR_NOMEM. */
int response_pages_open(struct store *s, int64_t survey_id, int64_t after_id, int page,
    struct response_pages **out);

/*
 * The next page into *rows and *n, in id order, and begins to read the
 * page after it.  The rows live until the next call (or the free).
 * 1 with rows (*n > 0), 0 when there are no more, or an error (ERR_IO,
 * ERR_NOMEM) from reading.
 */
int response_pages_next(struct response_pages *p, const struct survey_response **rows,
    int *n);

/* Waits for a page being read, then frees p (NULL: nothing). */
void response_pages_free(struct response_pages *p);

#endif
