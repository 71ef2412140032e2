/*
 * responses.h - what the importer of responses (responses.c) shares with
 * PostgreSQL's own way of writing many rows (pg/response_copy.c).
 *
 * An import writes up to millions of responses in one transaction.  The
 * portable form is one INSERT each: in SQLite's own process that costs
 * microseconds, but on PostgreSQL each is a round trip to the server, so a
 * million would take minutes.  There the rows travel through COPY, in
 * pieces, and the server inserts them as they come (bench/survey_import.sh
 * measures both).
 *
 * Not a public header: only src/store includes it.
 */
#ifndef INVOLVE_STORE_RESPONSES_H
#define INVOLVE_STORE_RESPONSES_H

#include "involve/store_survey.h"
#include "store_priv.h"

/* A response's times are kept to the hour only, as a ballot's are: to the
 * second, the time in a web server's or a proxy's log would link an
 * address to the answers. */
#define RESPONSE_TIME_GRAIN 3600
#define RESPONSE_TIME(now) ((now) - (now) % RESPONSE_TIME_GRAIN)

/* One imported response as it is written: submitted, with no browser and
 * no link, at `at` (to the hour). */
struct imported_response {
	int64_t survey_id;
	enum survey_channel channel;
	int version;
	struct str answers;
	int64_t at;
	int64_t entered_by;
};

/* Imported responses through COPY on c, the writer's PostgreSQL
 * connection, inside its transaction: start, a row at a time (each
 * response's id into *id), then end, which says whether the server took
 * them all (abandon: discard what was sent, after a failure of the
 * caller's).  start makes *out and end frees it.  Between rows the
 * connection takes other statements. */
struct response_copy;
int response_copy_start(struct db_conn *c, struct response_copy **out);
int response_copy_row(struct response_copy *x, const struct imported_response *r,
    int64_t *id);
int response_copy_end(struct response_copy *x, bool abandon);

/*
 * PostgreSQL's form of two steps of the writer of submitted responses
 * (pg/response_batch.c), each one statement for the whole batch.
 *
 * responses_insert_pg inserts list[0..n), browsers' first responses (each
 * with a respondent, no link, not keyed in by staff, and each (survey,
 * respondent) once in the list), inside the writer's transaction (a holds
 * what it needs meanwhile); a response whose browser has one already is not
 * inserted and keeps id 0.  0, or the failure (the run fails whole).
 */
struct response_new {
	const struct response_submit *r;
	int64_t id;        /* out: the response written, or 0 */
};
int responses_insert_pg(struct db_conn *c, struct arena *a, struct response_new *list, int n);
/*
 * What a batch's n responses to a survey add, in one statement: pack (its
 * coded answers, written unless empty), the distinct items' counts (as the
 * portable add_tally adds them with sign +1), and n to the survey's counts
 * of responses and of entries outside full packs, whose new value goes to
 * *loose.  The counts first, then the survey's row, as every batch takes
 * them.
 */
struct coded_pack;
int counts_add_pg(struct db_conn *c, const struct coded_pack *pack,
    const struct survey_tally_item *items, int item_n, int n, int64_t *loose);

#endif
