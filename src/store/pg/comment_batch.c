/*
 * comment_batch.c - PostgreSQL's own form of writing a stretch of comments
 * (comments.c): one INSERT of arrays (unnest) for the whole stretch, not a
 * round trip to the server for each comment (bench/comments.sh measures
 * both engines).
 */
#include "../comments.h"
#include "pg_array.h"

int
comments_insert_pg(struct db_conn *c, int64_t survey_id, const struct survey_comment *list,
    int n)
{
	struct buf ids = BUF_INIT, questions = BUF_INIT, texts = BUF_INIT, languages = BUF_INIT,
	    themes = BUF_INIT, sentiments = BUF_INIT, identifying = BUF_INIT;
	struct db_stmt *st;
	int i, rc;

	if (n == 0)
		return 0;
	pg_array_open(&ids);
	pg_array_open(&questions);
	pg_array_open(&texts);
	pg_array_open(&languages);
	pg_array_open(&themes);
	pg_array_open(&sentiments);
	pg_array_open(&identifying);
	for (i = 0; i < n; i++) {
		pg_array_int(&ids, list[i].response_id);
		pg_array_text(&questions, list[i].question);
		pg_array_text(&texts, list[i].comment);
		pg_array_text(&languages, list[i].language);
		pg_array_text(&themes, list[i].themes);
		pg_array_int(&sentiments, list[i].sentiment);
		pg_array_text(&identifying, list[i].identifying);
	}
	st = db_prepare(c, "INSERT INTO survey_comment (survey_id, response_id, question, comment, "
	    "language, themes, sentiment, identifying) SELECT ?, r, q, t, l, th, s, i FROM "
	    "unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[], "
	    "?::text[]) AS u(r, q, t, l, th, s, i) ON CONFLICT DO NOTHING");
	db_bind_int(st, 1, survey_id);
	db_bind_text(st, 2, pg_array_close(&ids));
	db_bind_text(st, 3, pg_array_close(&questions));
	db_bind_text(st, 4, pg_array_close(&texts));
	db_bind_text(st, 5, pg_array_close(&languages));
	db_bind_text(st, 6, pg_array_close(&themes));
	db_bind_text(st, 7, pg_array_close(&sentiments));
	db_bind_text(st, 8, pg_array_close(&identifying));
	rc = buf_ok(&ids) && buf_ok(&questions) && buf_ok(&texts) && buf_ok(&languages) &&
	    buf_ok(&themes) && buf_ok(&sentiments) && buf_ok(&identifying) ? db_exec(st) :
	    ERR_NOMEM;
	buf_free(&ids);
	buf_free(&questions);
	buf_free(&texts);
	buf_free(&languages);
	buf_free(&themes);
	buf_free(&sentiments);
	buf_free(&identifying);
	return rc;
}
