/*
 * coded_packs.h - responses' coded fixed answers (survey_coded.h) kept
 * many to a row, so that a cross-tabulation of a million responses reads a
 * few hundred rows instead of a million: on PostgreSQL, taking in a row
 * costs libpq and the server more than the 26 bytes in it.
 *
 * A response's entry lives in exactly one place:
 *   - loose, a row of its own in survey_coded, as a correction writes it
 *     (and a submission, while the survey's older responses are still to
 *     be coded), or
 *   - in a pack, a row of survey_coded_pack holding up to CODED_PACK_SIZE
 *     responses: their ids (increasing, as varints: the first, then each
 *     one's distance from the one before) and their entries, concatenated
 *     in the same order, so a reader takes the entries in one piece.
 * An import writes full packs directly; a batch of submissions writes one
 * small pack of its responses.  Submissions count their entries outside
 * full packs in survey.coded_loose; when a batch takes it to
 * CODED_PACK_SIZE the batch packs them (coded_pack_loose), about once every
 * few thousand responses.  Packs of batches written side by side may span
 * each other's ids until then.  A withdrawal or a correction takes its
 * response's entry out of wherever it is (coded_forget), rewriting its
 * pack.
 *
 * Not a public header: only src/store includes it.  Every call runs inside
 * the caller's write transaction on c, which holds the survey's row (a
 * batch of submissions shares it: store_survey_lock_shared).
 */
#ifndef INVOLVE_STORE_CODED_PACKS_H
#define INVOLVE_STORE_CODED_PACKS_H

#include <stddef.h>
#include <stdint.h>

#include "involve/str.h"
#include "db.h"

#define CODED_PACK_SIZE 4096
/* A pack this small is a batch's (DB_BATCH_MAX at most), the last of a
 * packing, or one withdrawals have half emptied: the next packing takes
 * its entries in again. */
#define CODED_PACK_SMALL DB_BATCH_MAX
_Static_assert(CODED_PACK_SMALL < CODED_PACK_SIZE, "a full pack is never small");

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
 * Moves the survey's loose entries, and the entries of its small packs
 * (CODED_PACK_SMALL or fewer), into full packs in the order of their ids,
 * and sets its coded_loose to 0.  Does nothing while the survey has
 * responses still to code (survey.uncoded: store_survey_coded_fill finds
 * those by the loose rows they lack, and packs after it).
 */
int coded_pack_loose(struct db_conn *c, int64_t survey_id);

/* Forgets response id's entry, loose or packed; 0 when it had none. */
int coded_forget(struct db_conn *c, int64_t survey_id, int64_t id);

#endif
