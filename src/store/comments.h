/*
 * comments.h - what comments.c shares with PostgreSQL's own way of
 * writing a stretch of comments (pg/comment_batch.c).
 *
 * Not a public header: only src/store includes it.
 */
#ifndef INVOLVE_STORE_COMMENTS_PRIV_H
#define INVOLVE_STORE_COMMENTS_PRIV_H

#include "involve/store_comments.h"
#include "store_priv.h"

/* list[0..n) of survey_id, in one statement on c, inside the caller's
 * transaction; a row there already is left as it is. */
int comments_insert_pg(struct db_conn *c, int64_t survey_id, const struct survey_comment *list,
    int n);

#endif
