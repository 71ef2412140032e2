/*
 * response_batch.c - PostgreSQL's own form of two steps of the survey
 * response writer (responses.c): inserting the batch's new responses, and
 * writing what they add (their coded answers' pack and the counts), each
 * in one statement.
 *
 * Engine-specific SQL, on purpose, as ballot_batch.c's: the portable form
 * takes a round trip to the server for each response, each coded row and
 * each count, and on PostgreSQL each is a network exchange while the
 * survey's row stays locked (bench/RESULTS.md, "survey responses
 * (PostgreSQL)").  Here the batch travels as arrays and the statements it
 * costs do not grow with its size.
 */
#include <string.h>

#include <sodium.h>

#include "../coded_packs.h"
#include "../responses.h"
#include "pg_array.h"

int
responses_insert_pg(struct db_conn *c, struct arena *a, struct response_new *list, int n)
{
	struct buf surveys = BUF_INIT, channels = BUF_INIT, versions = BUF_INIT,
	    answers = BUF_INIT, times = BUF_INIT, respondents = BUF_INIT;
	char (*keys)[2 * STORE_HASH_SIZE + 1];
	struct db_stmt *st;
	struct str who;
	int64_t survey_id;
	int i, rc;

	if (n == 0)
		return 0;
	if ((keys = arena_array(a, (size_t)n, sizeof(*keys))) == NULL)
		return ERR_NOMEM;
	pg_array_open(&surveys);
	pg_array_open(&channels);
	pg_array_open(&versions);
	pg_array_open(&answers);
	pg_array_open(&times);
	pg_array_open(&respondents);
	for (i = 0; i < n; i++) {
		const struct response_submit *r = list[i].r;

		list[i].id = 0;
		sodium_bin2hex(keys[i], sizeof(keys[i]), r->respondent, STORE_HASH_SIZE);
		pg_array_int(&surveys, r->survey_id);
		pg_array_text(&channels, str_c(survey_channel_name(r->channel)));
		pg_array_int(&versions, r->version);
		pg_array_text(&answers, r->answers);
		pg_array_int(&times, RESPONSE_TIME(r->now));
		pg_array_text(&respondents, str_c(keys[i]));
	}
	/* A browser's second response inserts nothing and comes back as no
	 * row: the caller sees why, one response at a time.  The caller sends
	 * each (survey, browser) once, so each row returned is one response's. */
	st = db_prepare(c, "INSERT INTO survey_response (survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, submitted_at, entered_by, respondent) "
	    "SELECT s, ch, 'submitted', v, a, '', t, t, t, 0, decode(r, 'hex') FROM "
	    "unnest(?::bigint[], ?::text[], ?::integer[], ?::text[], ?::bigint[], ?::text[]) "
	    "WITH ORDINALITY AS u(s, ch, v, a, t, r, k) ORDER BY k ON CONFLICT DO NOTHING "
	    "RETURNING survey_id, encode(respondent, 'hex'), id");
	db_bind_text(st, 1, pg_array_close(&surveys));
	db_bind_text(st, 2, pg_array_close(&channels));
	db_bind_text(st, 3, pg_array_close(&versions));
	db_bind_text(st, 4, pg_array_close(&answers));
	db_bind_text(st, 5, pg_array_close(&times));
	db_bind_text(st, 6, pg_array_close(&respondents));
	rc = buf_ok(&surveys) && buf_ok(&channels) && buf_ok(&versions) && buf_ok(&answers) &&
	    buf_ok(&times) && buf_ok(&respondents) ? 0 : ERR_NOMEM;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		survey_id = db_col_int(st, 0);
		who = db_col_text(st, 1);
		for (i = 0; i < n; i++) {
			if (list[i].id == 0 && list[i].r->survey_id == survey_id &&
			    str_eq_c(who, keys[i])) {
				list[i].id = db_col_int(st, 2);
				break;
			}
		}
	}
	buf_free(&surveys);
	buf_free(&channels);
	buf_free(&versions);
	buf_free(&answers);
	buf_free(&times);
	buf_free(&respondents);
	return rc < 0 ? rc : 0;
}

int
counts_add_pg(struct db_conn *c, const struct coded_pack *pack,
    const struct survey_tally_item *items, int item_n, int n, int64_t *loose)
{
	struct buf questions = BUF_INIT, rows = BUF_INIT, values = BUF_INIT, counts = BUF_INIT,
	    totals = BUF_INIT;
	struct db_stmt *st;
	int i, rc;

	pg_array_open(&questions);
	pg_array_open(&rows);
	pg_array_open(&values);
	pg_array_open(&counts);
	pg_array_open(&totals);
	for (i = 0; i < item_n; i++) {
		pg_array_text(&questions, items[i].question);
		pg_array_text(&rows, items[i].row);
		pg_array_text(&values, items[i].value);
		pg_array_int(&counts, items[i].n);
		pg_array_double(&totals, items[i].total);
	}
	/*
	 * The items are distinct (tally_sum_list), so no row is updated twice
	 * by the one statement; in key order, as every writer takes them.  The
	 * UPDATE reads what the other two wrote, so they run before it locks
	 * the survey's row: the counts, then the row, in the order every batch
	 * takes them (a change of the survey has locked the row outright
	 * before any batch could begin).
	 */
	st = db_prepare(c, "WITH tally AS (INSERT INTO survey_tally AS t (survey_id, question, "
	    "row_key, value, n, total) SELECT ?1, q, r, v, n, x FROM unnest(?2::text[], "
	    "?3::text[], ?4::text[], ?5::bigint[], ?6::double precision[]) AS u(q, r, v, n, x) "
	    "ORDER BY q, r, v ON CONFLICT (survey_id, question, row_key, value) DO UPDATE SET "
	    "n = t.n + excluded.n, total = t.total + excluded.total RETURNING 1), "
	    "pack AS (INSERT INTO survey_coded_pack (survey_id, first_id, last_id, n, ids, coded) "
	    "SELECT ?1, ?7::bigint, ?8::bigint, ?9::integer, ?10::bytea, ?11::bytea "
	    "WHERE ?9::integer > 0 RETURNING 1) "
	    "UPDATE survey SET responses = responses + ?12, coded_loose = coded_loose + ?12 "
	    "WHERE id = ?1 AND (SELECT count(*) FROM tally) >= 0 AND "
	    "(SELECT count(*) FROM pack) >= 0 RETURNING coded_loose");
	db_bind_int(st, 1, pack->survey_id);
	db_bind_text(st, 2, pg_array_close(&questions));
	db_bind_text(st, 3, pg_array_close(&rows));
	db_bind_text(st, 4, pg_array_close(&values));
	db_bind_text(st, 5, pg_array_close(&counts));
	db_bind_text(st, 6, pg_array_close(&totals));
	db_bind_int(st, 7, pack->first_id);
	db_bind_int(st, 8, pack->last_id);
	db_bind_int(st, 9, pack->n);
	db_bind_blob(st, 10, pack->ids.p, pack->ids.n);
	db_bind_blob(st, 11, pack->coded.p, pack->coded.n);
	db_bind_int(st, 12, n);
	rc = buf_ok(&questions) && buf_ok(&rows) && buf_ok(&values) && buf_ok(&counts) &&
	    buf_ok(&totals) && buf_ok(&pack->ids) && buf_ok(&pack->coded) ? db_row(st) :
	    ERR_NOMEM;
	if (rc == 0) {
		*loose = db_col_int(st, 0);
		while ((rc = db_step(st)) == DB_ROW)
			;
	}
	buf_free(&questions);
	buf_free(&rows);
	buf_free(&values);
	buf_free(&counts);
	buf_free(&totals);
	return rc;
}
