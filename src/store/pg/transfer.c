/*
 * transfer_pg.c - reads and writes whole tables of a PostgreSQL database
 * for transfer.c (the interface is in transfer_db.h), with libpq.
 *
 * Reading asks for binary results one row at a time (single-row mode), so
 * a table of millions of ballots never sits in memory whole and numbers
 * and bytes arrive exactly as stored.  Writing uses COPY ... FROM STDIN in
 * the text format, which loads rows far faster than one INSERT each: each
 * value is written as its exact decimal, escaped text or hex bytes.  The
 * whole copy is one transaction whose tables are locked against other
 * writers; at the end the identity sequences are moved past the copied
 * ids, so the next row the store adds does not collide with them.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../transfer_db.h"

/* Type OIDs (pg_type.h, fixed since PostgreSQL 7). */
#define PG_BYTEA 17
#define PG_INT8 20
#define PG_INT2 21
#define PG_INT4 23
#define PG_TEXT 25
#define PG_FLOAT8 701
#define PG_VARCHAR 1043

/* COPY data is handed to libpq in pieces of about this size. */
#define PG_COPY_CHUNK (64 * 1024)

struct pg_xfer {
	struct xfer_db base;
	PGconn *conn;
	bool in_txn;
	bool in_copy;
	const struct xfer_table *table;
	int64_t row;
	struct buf out; /* COPY data not yet handed to libpq */
};

#define PX(d) ((struct pg_xfer *)(d))

/* The first line of a libpq message, without its "ERROR:  " prefix. */
static void
first_line(const char *msg, char *out, size_t size)
{
	size_t n;

	if (strncmp(msg, "ERROR:  ", 8) == 0)
		msg += 8;
	n = strcspn(msg, "\n");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), msg);
}

static int
pg_fail(struct pg_xfer *x, const char *doing, const PGresult *r)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *context = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : NULL;
	char line[ERROR_DETAIL_MAX];

	if (primary == NULL) {
		first_line(PQerrorMessage(x->conn), line, sizeof(line));
		primary = line;
	}
	if (context)
		xfer_error(&x->base, "%s: %s (%s)", doing, primary, context);
	else
		xfer_error(&x->base, "%s: %s", doing, primary);
	return ERR_IO;
}

static int
pg_exec(struct pg_xfer *x, const char *sql, ExecStatusType want, const char *doing)
{
	PGresult *r = PQexec(x->conn, sql);
	int rc = PQresultStatus(r) == want ? 0 : pg_fail(x, doing, r);

	PQclear(r);
	return rc;
}

/* Runs sql (one text parameter or none) and calls fn with the first column
 * of each row. */
static int
each_name(struct pg_xfer *x, const char *sql, const char *param, xfer_name_fn fn, void *arg)
{
	PGresult *r = PQexecParams(x->conn, sql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
	int i, rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pg_fail(x, "reading the schema", r);
	for (i = 0; rc == 0 && i < PQntuples(r); i++)
		rc = fn(arg, PQgetvalue(r, i, 0));
	PQclear(r);
	return rc;
}

static int
px_tables(struct xfer_db *d, xfer_name_fn fn, void *arg)
{
	/* The catalogue, not information_schema: that shows only the tables
	 * this user has rights on, and a table left out would not be copied. */
	return each_name(PX(d), "SELECT c.relname FROM pg_class c "
	    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
	    "ORDER BY 1", NULL, fn, arg);
}

static int
px_columns(struct xfer_db *d, const char *table, xfer_name_fn fn, void *arg)
{
	return each_name(PX(d), "SELECT attname FROM pg_attribute "
	    "WHERE attrelid = format('%I.%I', current_schema(), $1::text)::regclass "
	    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", table, fn, arg);
}

static int
px_count(struct xfer_db *d, const char *table, int64_t *out)
{
	struct pg_xfer *x = PX(d);
	struct buf sql = BUF_INIT;
	PGresult *r;
	int rc = 0;

	buf_add_c(&sql, "SELECT count(*) FROM ");
	xfer_sql_ident(&sql, table);
	if (buf_cstr(&sql) == NULL)
		return ERR_NOMEM;
	r = PQexec(x->conn, buf_cstr(&sql));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		rc = pg_fail(x, "counting rows", r);
	PQclear(r);
	buf_free(&sql);
	return rc;
}

static int
px_begin(struct xfer_db *d, bool write)
{
	struct pg_xfer *x = PX(d);
	struct buf sql = BUF_INIT;
	int i, rc;

	if (!write) {
		/* Every table from one snapshot, however long the copy takes. */
		rc = pg_exec(x, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		    PGRES_COMMAND_OK, "starting to read");
		x->in_txn = rc == 0;
		return rc;
	}
	if ((rc = pg_exec(x, "BEGIN", PGRES_COMMAND_OK, "starting to write")) != 0)
		return rc;
	x->in_txn = true;
	/* Readers may still read; no one else writes until the copy commits. */
	buf_add_c(&sql, "LOCK TABLE ");
	for (i = 0; i < xfer_table_n; i++) {
		if (i > 0)
			buf_add_c(&sql, ", ");
		xfer_sql_ident(&sql, xfer_tables[i].name);
	}
	buf_add_c(&sql, " IN EXCLUSIVE MODE");
	rc = buf_cstr(&sql) ? pg_exec(x, buf_cstr(&sql), PGRES_COMMAND_OK, "locking the tables") :
	    ERR_NOMEM;
	buf_free(&sql);
	return rc;
}

static bool
type_fits(enum xfer_type want, Oid type)
{
	switch (want) {
	case XFER_INT:
		return type == PG_INT8 || type == PG_INT4 || type == PG_INT2;
	case XFER_TEXT:
		return type == PG_TEXT || type == PG_VARCHAR;
	case XFER_BLOB:
		return type == PG_BYTEA;
	case XFER_REAL:
		return type == PG_FLOAT8;
	}
	return false;
}

/* A whole number in binary form: 2, 4 or 8 bytes, most significant first. */
static bool
get_int(const char *p, int len, int64_t *out)
{
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;

	switch (len) {
	case 8:
		memcpy(&u64, p, 8);
		*out = (int64_t)be64toh(u64);
		return true;
	case 4:
		memcpy(&u32, p, 4);
		*out = (int32_t)be32toh(u32);
		return true;
	case 2:
		memcpy(&u16, p, 2);
		*out = (int16_t)be16toh(u16);
		return true;
	}
	return false;
}

/* A float8 in binary form: its IEEE 754 bits, most significant first. */
static bool
get_double(const char *p, int len, double *out)
{
	uint64_t u64;

	if (len != 8)
		return false;
	memcpy(&u64, p, 8);
	u64 = be64toh(u64);
	memcpy(out, &u64, 8);
	return true;
}

static int
read_row(struct pg_xfer *x, const struct xfer_table *t, const PGresult *r, int64_t n,
    xfer_row_fn fn, void *arg)
{
	struct xfer_value row[XFER_COLUMNS_MAX];
	int i;

	memset(row, 0, sizeof(row));
	for (i = 0; i < t->column_n; i++) {
		if (PQgetisnull(r, 0, i)) {
			row[i].null = true;
		} else if (t->columns[i].type == XFER_INT) {
			if (!get_int(PQgetvalue(r, 0, i), PQgetlength(r, 0, i), &row[i].i)) {
				xfer_error(&x->base, "table %s, row %lld: column %s is not a whole "
				    "number", t->name, (long long)n, t->columns[i].name);
				return ERR_INVALID;
			}
		} else if (t->columns[i].type == XFER_REAL) {
			if (!get_double(PQgetvalue(r, 0, i), PQgetlength(r, 0, i), &row[i].d)) {
				xfer_error(&x->base, "table %s, row %lld: column %s is not a real "
				    "number", t->name, (long long)n, t->columns[i].name);
				return ERR_INVALID;
			}
		} else {
			row[i].p = (const unsigned char *)PQgetvalue(r, 0, i);
			row[i].n = (size_t)PQgetlength(r, 0, i);
		}
	}
	return fn(arg, row);
}

static int
px_read(struct xfer_db *d, const struct xfer_table *t, xfer_row_fn fn, void *arg)
{
	struct pg_xfer *x = PX(d);
	struct buf sql = BUF_INIT;
	PGresult *r;
	int64_t n = 0;
	int i, rc = 0;
	bool checked = false;

	xfer_sql_select(&sql, t);
	if (buf_cstr(&sql) == NULL)
		return ERR_NOMEM;
	if (!PQsendQueryParams(x->conn, buf_cstr(&sql), 0, NULL, NULL, NULL, NULL, 1) ||
	    !PQsetSingleRowMode(x->conn)) {
		buf_free(&sql);
		return pg_fail(x, "reading the data", NULL);
	}
	buf_free(&sql);
	while ((r = PQgetResult(x->conn)) != NULL) {
		ExecStatusType status = PQresultStatus(r);

		if (rc != 0) {
			/* After a failure: the rest of the results are dropped. */
		} else if (status == PGRES_SINGLE_TUPLE) {
			for (i = 0; !checked && i < t->column_n; i++) {
				if (!type_fits(t->columns[i].type, PQftype(r, i))) {
					xfer_error(d, "table %s: column %s is not of the type that holds "
					    "%s", t->name, t->columns[i].name,
					    xfer_type_name(t->columns[i].type));
					rc = ERR_INVALID;
				}
			}
			checked = true;
			if (rc == 0)
				rc = read_row(x, t, r, ++n, fn, arg);
			if (rc != 0) {
				/* Stop the server sending the rest of the table. */
				PGcancel *cancel = PQgetCancel(x->conn);
				char ignored[256];

				if (cancel) {
					PQcancel(cancel, ignored, sizeof(ignored));
					PQfreeCancel(cancel);
				}
			}
		} else if (status != PGRES_TUPLES_OK) {
			rc = pg_fail(x, "reading the data", r);
		}
		PQclear(r);
	}
	return rc;
}

static int
px_write_start(struct xfer_db *d, const struct xfer_table *t)
{
	struct pg_xfer *x = PX(d);
	struct buf sql = BUF_INIT;
	int rc;

	buf_add_c(&sql, "COPY ");
	xfer_sql_ident(&sql, t->name);
	buf_add_c(&sql, " (");
	xfer_sql_columns(&sql, t, t->column_n);
	buf_add_c(&sql, ") FROM STDIN");
	rc = buf_cstr(&sql) ? pg_exec(x, buf_cstr(&sql), PGRES_COPY_IN, "starting to write") :
	    ERR_NOMEM;
	buf_free(&sql);
	x->in_copy = rc == 0;
	x->table = t;
	x->row = 0;
	buf_reset(&x->out);
	return rc;
}

static int
send_out(struct pg_xfer *x)
{
	if (!buf_ok(&x->out))
		return ERR_NOMEM;
	if (x->out.n > 0 && PQputCopyData(x->conn, x->out.p, (int)x->out.n) != 1)
		return pg_fail(x, "writing the data", NULL);
	buf_reset(&x->out);
	return 0;
}

/* Text in COPY's text format: a backslash, tab, newline or carriage
 * return would end the value or the row, so they are escaped. */
static int
add_text(struct pg_xfer *x, const struct xfer_value *v, const char *column)
{
	const char *p = (const char *)v->p, *end = p + v->n, *run = p;

	for (; p < end; p++) {
		const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" :
		    *p == '\r' ? "\\r" : NULL;

		if (*p == '\0') {
			xfer_error(&x->base, "table %s, row %lld: column %s holds a NUL character, "
			    "which PostgreSQL text cannot", x->table->name, (long long)x->row, column);
			return ERR_INVALID;
		}
		if (esc) {
			buf_add(&x->out, run, (size_t)(p - run));
			buf_add_c(&x->out, esc);
			run = p + 1;
		}
	}
	buf_add(&x->out, run, (size_t)(end - run));
	return 0;
}

static void
add_bytes(struct buf *b, const struct xfer_value *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	/* bytea's hex input, \x..., with its backslash escaped for COPY. */
	buf_add_c(b, "\\\\x");
	if (buf_reserve(b, v->n * 2) != 0)
		return;
	for (i = 0; i < v->n; i++) {
		b->p[b->n++] = hex[v->p[i] >> 4];
		b->p[b->n++] = hex[v->p[i] & 15];
	}
}

static int
px_write_row(struct xfer_db *d, const struct xfer_value *row)
{
	struct pg_xfer *x = PX(d);
	const struct xfer_table *t = x->table;
	int i, rc;

	x->row++;
	for (i = 0; i < t->column_n; i++) {
		if (i > 0)
			buf_addch(&x->out, '\t');
		if (row[i].null)
			buf_add_c(&x->out, "\\N");
		else if (t->columns[i].type == XFER_INT)
			buf_printf(&x->out, "%lld", (long long)row[i].i);
		else if (t->columns[i].type == XFER_REAL)
			/* 17 significant digits read back as the same double. */
			buf_printf(&x->out, "%.17g", row[i].d);
		else if (t->columns[i].type == XFER_BLOB)
			add_bytes(&x->out, &row[i]);
		else if ((rc = add_text(x, &row[i], t->columns[i].name)) != 0)
			return rc;
	}
	buf_addch(&x->out, '\n');
	return x->out.n >= PG_COPY_CHUNK || !buf_ok(&x->out) ? send_out(x) : 0;
}

/* Ends the COPY; with a reason, abandons it (the server discards it). */
static int
end_copy(struct pg_xfer *x, const char *abandon)
{
	PGresult *r;
	int rc = 0;

	x->in_copy = false;
	if (PQputCopyEnd(x->conn, abandon) != 1)
		rc = pg_fail(x, "writing the data", NULL);
	while ((r = PQgetResult(x->conn)) != NULL) {
		if (rc == 0 && abandon == NULL && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(x, "writing the data", r);
		PQclear(r);
	}
	return rc;
}

static int
px_write_end(struct xfer_db *d)
{
	struct pg_xfer *x = PX(d);
	int rc = send_out(x);

	if (rc != 0) {
		end_copy(x, "the copy failed");
		return rc;
	}
	return end_copy(x, NULL);
}

static int
px_commit(struct xfer_db *d)
{
	struct pg_xfer *x = PX(d);
	struct buf sql = BUF_INIT;
	const struct xfer_table *t;
	PGresult *r;
	int i, rc = 0;

	for (i = 0; rc == 0 && i < xfer_table_n; i++) {
		t = &xfer_tables[i];
		if (t->identity == NULL)
			continue;
		buf_reset(&sql);
		/* The next id is the largest plus one (is_called true), or 1 in
		 * a table without positive ids; max + 1 itself could overflow. */
		buf_add_c(&sql, "SELECT setval(pg_get_serial_sequence($1, $2), "
		    "greatest(max(m), 1), coalesce(max(m) >= 1, false)) FROM (SELECT max(");
		xfer_sql_ident(&sql, t->identity);
		buf_add_c(&sql, ") AS m FROM ");
		xfer_sql_ident(&sql, t->name);
		buf_add_c(&sql, ") AS largest");
		if (buf_cstr(&sql) == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		r = PQexecParams(x->conn, buf_cstr(&sql), 2, NULL,
		    (const char *[]){ t->name, t->identity }, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			rc = pg_fail(x, "moving the id sequences on", r);
		PQclear(r);
	}
	buf_free(&sql);
	if (rc != 0)
		return rc;
	r = PQexec(x->conn, "COMMIT");
	/* A transaction that failed earlier answers COMMIT with ROLLBACK. */
	if (PQresultStatus(r) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(r), "COMMIT") != 0)
		rc = pg_fail(x, "committing", r);
	else
		x->in_txn = false;
	PQclear(r);
	return rc;
}

static void
px_close(struct xfer_db *d)
{
	struct pg_xfer *x = PX(d);
	PGresult *r;

	if (x->in_copy)
		end_copy(x, "the copy failed");
	if (x->in_txn) {
		r = PQexec(x->conn, "ROLLBACK");
		PQclear(r);
	}
	PQfinish(x->conn);
	buf_free(&x->out);
	free(x);
}

static const struct xfer_db_ops pg_xfer_ops = {
	.tables = px_tables,
	.columns = px_columns,
	.count = px_count,
	.begin = px_begin,
	.read = px_read,
	.write_start = px_write_start,
	.write_row = px_write_row,
	.write_end = px_write_end,
	.commit = px_commit,
	.close = px_close,
};

int
xfer_pg_open(const char *url, const char *role, struct errors *e, struct xfer_db **out)
{
	struct pg_xfer *x = calloc(1, sizeof(*x));
	char line[ERROR_DETAIL_MAX];

	if (x == NULL)
		return ERR_NOMEM;
	x->base.ops = &pg_xfer_ops;
	x->base.role = role;
	x->base.e = e;
	x->conn = PQconnectdb(url);
	if (x->conn == NULL || PQstatus(x->conn) != CONNECTION_OK) {
		first_line(x->conn ? PQerrorMessage(x->conn) : "out of memory", line, sizeof(line));
		xfer_error(&x->base, "cannot connect: %s", line);
		goto fail;
	}
	/* Text crosses as UTF-8 whatever the server's or client's locale. */
	if (PQsetClientEncoding(x->conn, "UTF8") != 0) {
		pg_fail(x, "setting the client encoding", NULL);
		goto fail;
	}
	*out = &x->base;
	return 0;
fail:
	PQfinish(x->conn);
	free(x);
	return ERR_IO;
}
