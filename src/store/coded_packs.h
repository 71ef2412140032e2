/*
 * coded_packs.h - responses' coded fixed answers (survey_coded.h) kept
 * many to a row, so that a cross-tabulation of a million responses reads a
 * few hundred rows instead of a million: on PostgreSQL, taking in a row
 * costs libpq and the server more than the 26 bytes in it.
 *
 * A response's entry lives in exactly one place:
 *   - loose, a row of its own in survey_coded, as a submission or a
 *     correction writes it (one more row in the batch's transaction), or
 *   - in a pack, a row of survey_coded_pack holding up to CODED_PACK_SIZE
 *     responses: their ids (increasing, as varints: the first, then each
 *     one's distance from the one before) and their entries, concatenated
 *     in the same order, so a reader takes the entries in one piece.
 * An import writes packs directly.  Submissions count their loose entries
 * in survey.coded_loose; when a batch takes it to CODED_PACK_SIZE the
 * batch packs them (coded_pack_loose), about once every few thousand
 * responses.  A withdrawal or a correction takes its response's entry out
 * of wherever it is (coded_forget), rewriting its pack.
 *
 * Not a public header: only src/store includes it.  Every call runs inside
 * the caller's write transaction on c, which holds the survey's row.
 */
#ifndef INVOLVE_STORE_CODED_PACKS_H
#define INVOLVE_STORE_CODED_PACKS_H

#include <stddef.h>
#include <stdint.h>

#include "involve/str.h"
#include "db.h"

#define CODED_PACK_SIZE 4096

/* A pack being filled, in memory, until it is written. */
struct coded_pack {
	int64_t survey_id;
	int64_t first_id, last_id;
	int n;
	struct buf ids;
	struct buf coded;
};

void coded_pack_init(struct coded_pack *p, int64_t survey_id);
void coded_pack_free(struct coded_pack *p);
/* Adds response id's entry; ids must come in increasing order.  Writes
 * the pack on c, and starts another, once it holds CODED_PACK_SIZE. */
int coded_pack_add(struct db_conn *c, struct coded_pack *p, int64_t id,
    const unsigned char *entry, size_t n);
/* Writes what the pack holds, if anything, and empties it. */
int coded_pack_flush(struct db_conn *c, struct coded_pack *p);

/*
 * Moves the survey's loose entries into packs and sets its coded_loose to
 * 0.  Does nothing while the survey has responses still to code
 * (survey.uncoded: store_survey_coded_fill finds those by the loose rows
 * they lack, and packs after it).
 */
int coded_pack_loose(struct db_conn *c, int64_t survey_id);

/* Forgets response id's entry, loose or packed; 0 when it had none. */
int coded_forget(struct db_conn *c, int64_t survey_id, int64_t id);

#endif
