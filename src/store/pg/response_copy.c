/*
 * response_copy.c - PostgreSQL's form of the response importer's inserts
 * (responses.h): COPY survey_response FROM STDIN, in the text format.
 *
 * Engine-specific on purpose.  The portable form is an INSERT per response,
 * a round trip to the server each; an import of a million responses would
 * spend minutes waiting on them.  COPY sends the rows in pieces without
 * waiting for an answer, and the server inserts them as they arrive
 * (bench/survey_import.sh).  It runs inside the import's transaction, so a
 * failure anywhere leaves nothing written.
 *
 * The importer packs each response's coded fixed answers with its id
 * (coded_packs.h), and COPY tells nothing of the ids it gave: so the ids
 * are drawn from the table's sequence first, a chunk of RESPONSE_COPY_IDS
 * at a time, and each chunk's responses are copied with their ids given.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../responses.h"
#include "pg.h"

/* Responses per chunk: ids drawn at once, rows copied at once. */
#define RESPONSE_COPY_IDS 8192

struct response_copy {
	struct db_conn *conn;
	struct buf out; /* survey_response rows not yet copied */
	int64_t ids[RESPONSE_COPY_IDS];
	int id_n, id_used;
};

/* The next chunk's ids. */
static int
draw_ids(struct response_copy *x)
{
	PGconn *conn = pg_conn_handle(x->conn);
	char count[16];
	const char *params[1] = { count };
	uint64_t v;
	PGresult *r;
	int i, rc;

	snprintf(count, sizeof(count), "%d", RESPONSE_COPY_IDS);
	r = PQexecParams(conn, "SELECT nextval(pg_get_serial_sequence('survey_response', 'id'))"
	    "::bigint FROM generate_series(1, $1::int)", 1, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != RESPONSE_COPY_IDS) {
		rc = pg_conn_check(x->conn, r, "survey_response ids");
		PQclear(r);
		return rc != 0 ? rc : ERR_IO;
	}
	for (i = 0; i < RESPONSE_COPY_IDS; i++) {
		memcpy(&v, PQgetvalue(r, i, 0), 8);
		x->ids[i] = (int64_t)be64toh(v);
	}
	PQclear(r);
	x->id_n = RESPONSE_COPY_IDS;
	x->id_used = 0;
	return 0;
}

/* One COPY of rows to the server, whole. */
static int
copy_rows(struct response_copy *x, const char *sql, struct buf *rows)
{
	PGconn *conn = pg_conn_handle(x->conn);
	PGresult *r;
	int rc = 0;

	if (!buf_ok(rows))
		return ERR_NOMEM;
	if (rows->n == 0)
		return 0;
	r = PQexec(conn, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = pg_conn_check(x->conn, r, sql);
		PQclear(r);
		return rc != 0 ? rc : ERR_IO;
	}
	PQclear(r);
	if (PQputCopyData(conn, rows->p, (int)rows->n) != 1 || PQputCopyEnd(conn, NULL) != 1)
		rc = pg_conn_check(x->conn, NULL, sql);
	while ((r = PQgetResult(conn)) != NULL) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_conn_check(x->conn, r, sql);
		PQclear(r);
	}
	buf_reset(rows);
	return rc != 0 ? rc : 0;
}

/* The chunk's responses. */
static int
flush(struct response_copy *x)
{
	return copy_rows(x, "COPY survey_response (id, survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, submitted_at, entered_by) FROM STDIN",
	    &x->out);
}

int
response_copy_start(struct db_conn *c, struct response_copy **out)
{
	struct response_copy *x;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return ERR_NOMEM;
	x->conn = c;
	*out = x;
	return 0;
}
/* Text in COPY's text format: a backslash, tab, newline or carriage return
 * would end the value or the row, so they are escaped.  (Answers are JSON,
 * whose strings hold none of the last three raw; its escapes have
 * backslashes.) */
static void
add_text(struct buf *b, struct str s)
{
	const char *p = s.p, *end = s.p + s.n, *run = p;

	for (; p < end; p++) {
		const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" :
		    *p == '\r' ? "\\r" : NULL;

		if (esc) {
			buf_add(b, run, (size_t)(p - run));
			buf_add_c(b, esc);
			run = p + 1;
		}
	}
	buf_add(b, run, (size_t)(end - run));
}

int
response_copy_row(struct response_copy *x, const struct imported_response *r, int64_t *out)
{
	int64_t id;
	int rc;

	if (x->id_used == x->id_n && ((rc = flush(x)) != 0 || (rc = draw_ids(x)) != 0))
		return rc;
	*out = id = x->ids[x->id_used++];
	buf_printf(&x->out, "%lld\t%lld\t%s\tsubmitted\t%d\t", (long long)id,
	    (long long)r->survey_id, survey_channel_name(r->channel), r->version);
	add_text(&x->out, r->answers);
	buf_printf(&x->out, "\t\t%lld\t%lld\t%lld\t%lld\n", (long long)r->at, (long long)r->at,
	    (long long)r->at, (long long)r->entered_by);
	return buf_ok(&x->out) ? 0 : ERR_NOMEM;
}

int
response_copy_end(struct response_copy *x, bool abandon)
{
	int rc = abandon ? 0 : flush(x);

	buf_free(&x->out);
	free(x);
	return rc;
}
