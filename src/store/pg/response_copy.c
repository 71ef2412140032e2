/*
 * response_copy.c - PostgreSQL's form of the response importer's inserts
 * (responses.h): COPY survey_response FROM STDIN, in the text format.
 *
 * Engine-specific on purpose.  The portable form is an INSERT per response,
 * a round trip to the server each; an import of a million responses would
 * spend minutes waiting on them.  COPY sends the rows in pieces of
 * RESPONSE_COPY_CHUNK bytes without waiting for an answer, and the server
 * inserts them as they arrive (bench/survey_import.sh).  It runs inside the
 * import's transaction, so a failure anywhere leaves nothing written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../responses.h"
#include "pg.h"

/* Rows are handed to libpq in pieces of about this size. */
#define RESPONSE_COPY_CHUNK (256 * 1024)

struct response_copy {
	struct db_conn *conn;
	struct buf out; /* rows not yet handed to libpq */
};

int
response_copy_start(struct db_conn *c, struct response_copy **out)
{
	struct response_copy *x;
	PGresult *r;
	int rc;

	*out = NULL;
	r = PQexec(pg_conn_handle(c), "COPY survey_response (survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, submitted_at, entered_by) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = pg_conn_check(c, r, "COPY survey_response");
		PQclear(r);
		return rc != 0 ? rc : ERR_IO;
	}
	PQclear(r);
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		PQputCopyEnd(pg_conn_handle(c), "out of memory");
		while ((r = PQgetResult(pg_conn_handle(c))) != NULL)
			PQclear(r);
		return ERR_NOMEM;
	}
	x->conn = c;
	*out = x;
	return 0;
}

static int
send_out(struct response_copy *x)
{
	if (!buf_ok(&x->out))
		return ERR_NOMEM;
	if (x->out.n > 0 && PQputCopyData(pg_conn_handle(x->conn), x->out.p, (int)x->out.n) != 1)
		return pg_conn_check(x->conn, NULL, "COPY survey_response");
	buf_reset(&x->out);
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
response_copy_row(struct response_copy *x, const struct imported_response *r)
{
	buf_printf(&x->out, "%lld\t%s\tsubmitted\t%d\t", (long long)r->survey_id,
	    survey_channel_name(r->channel), r->version);
	add_text(&x->out, r->answers);
	buf_printf(&x->out, "\t\t%lld\t%lld\t%lld\t%lld\n", (long long)r->at, (long long)r->at,
	    (long long)r->at, (long long)r->entered_by);
	return x->out.n >= RESPONSE_COPY_CHUNK || !buf_ok(&x->out) ? send_out(x) : 0;
}

int
response_copy_end(struct response_copy *x, bool abandon)
{
	PGconn *conn = pg_conn_handle(x->conn);
	PGresult *r;
	int rc = abandon ? 0 : send_out(x);

	if (PQputCopyEnd(conn, abandon || rc != 0 ? "the import was abandoned" : NULL) != 1 &&
	    rc == 0)
		rc = pg_conn_check(x->conn, NULL, "COPY survey_response");
	while ((r = PQgetResult(conn)) != NULL) {
		if (rc == 0 && !abandon && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_conn_check(x->conn, r, "COPY survey_response");
		PQclear(r);
	}
	buf_free(&x->out);
	free(x);
	return rc;
}
