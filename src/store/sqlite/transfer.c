/*
 * transfer_sqlite.c - reads and writes whole tables of a SQLite database
 * for transfer.c (the interface is in transfer_db.h).
 *
 * The connection is SQLite's own, not the store's: a copy needs one long
 * read snapshot or one long write transaction, not the store's reader pool
 * and group-committing writer.  A reader's snapshot (WAL) does not hold up
 * a server writing to the same file meanwhile.
 *
 * Values keep their SQLite storage class: a value of another class than
 * its column's (text in a whole-number column, say) cannot move exactly
 * into PostgreSQL's typed columns, so the copy stops and names it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "../transfer_db.h"

#define SQLITE_XFER_BUSY_MS 10000

struct sqlite_xfer {
	struct xfer_db base;
	sqlite3 *db;
	bool in_txn;
	/* The table being written and its prepared INSERT. */
	const struct xfer_table *table;
	sqlite3_stmt *insert;
	int64_t row;
};

#define SX(d) ((struct sqlite_xfer *)(d))

static int
fail(struct sqlite_xfer *x, const char *doing)
{
	xfer_error(&x->base, "%s: %s", doing, sqlite3_errmsg(x->db));
	return ERR_IO;
}

static int
exec(struct sqlite_xfer *x, const char *sql)
{
	return sqlite3_exec(x->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(x, sql);
}

static int
prepare(struct sqlite_xfer *x, struct buf *sql, sqlite3_stmt **st)
{
	const char *text = buf_cstr(sql);

	if (text == NULL)
		return ERR_NOMEM;
	if (sqlite3_prepare_v2(x->db, text, -1, st, NULL) != SQLITE_OK)
		return fail(x, text);
	return 0;
}

static int
each_name(struct sqlite_xfer *x, sqlite3_stmt *st, xfer_name_fn fn, void *arg)
{
	int step, rc = 0;

	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0));
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(x, "reading the schema");
	sqlite3_finalize(st);
	return rc;
}

static int
sx_tables(struct xfer_db *d, xfer_name_fn fn, void *arg)
{
	struct sqlite_xfer *x = SX(d);
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(x->db, "SELECT name FROM sqlite_master WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &st, NULL) != SQLITE_OK)
		return fail(x, "reading the schema");
	return each_name(x, st, fn, arg);
}

static int
sx_columns(struct xfer_db *d, const char *table, xfer_name_fn fn, void *arg)
{
	struct sqlite_xfer *x = SX(d);
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(x->db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1,
	    &st, NULL) != SQLITE_OK)
		return fail(x, "reading the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	return each_name(x, st, fn, arg);
}

static int
sx_count(struct xfer_db *d, const char *table, int64_t *out)
{
	struct sqlite_xfer *x = SX(d);
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	buf_add_c(&sql, "SELECT count(*) FROM ");
	xfer_sql_ident(&sql, table);
	if ((rc = prepare(x, &sql, &st)) != 0)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = fail(x, "counting rows");
out:
	sqlite3_finalize(st);
	buf_free(&sql);
	return rc;
}

static int
sx_begin(struct xfer_db *d, bool write)
{
	struct sqlite_xfer *x = SX(d);
	int64_t n;
	int rc;

	if (write) {
		/* IMMEDIATE takes the write lock now: no other writer until COMMIT. */
		if ((rc = exec(x, "BEGIN IMMEDIATE")) != 0)
			return rc;
		x->in_txn = true;
		return 0;
	}
	if ((rc = exec(x, "BEGIN")) != 0)
		return rc;
	x->in_txn = true;
	/* A read transaction takes its snapshot at its first read: now. */
	return sx_count(d, XFER_MIGRATIONS_TABLE, &n);
}

/* Reads column i of the current row into v; ERR_INVALID when its storage
 * class is not the column's. */
static int
get_value(struct sqlite_xfer *x, sqlite3_stmt *st, const struct xfer_table *t, int i,
    int64_t row, struct xfer_value *v)
{
	enum xfer_type want = t->columns[i].type;
	int type = sqlite3_column_type(st, i);
	const char *found;

	memset(v, 0, sizeof(*v));
	if (type == SQLITE_NULL) {
		v->null = true;
		return 0;
	}
	if (want == XFER_INT && type == SQLITE_INTEGER) {
		v->i = sqlite3_column_int64(st, i);
		return 0;
	}
	if (want == XFER_TEXT && type == SQLITE_TEXT) {
		v->p = sqlite3_column_text(st, i);
		v->n = (size_t)sqlite3_column_bytes(st, i);
		return v->p || v->n == 0 ? 0 : ERR_NOMEM;
	}
	if (want == XFER_REAL && type == SQLITE_FLOAT) {
		v->d = sqlite3_column_double(st, i);
		return 0;
	}
	if (want == XFER_BLOB && type == SQLITE_BLOB) {
		v->p = sqlite3_column_blob(st, i);
		v->n = (size_t)sqlite3_column_bytes(st, i);
		return v->p || v->n == 0 ? 0 : ERR_NOMEM;
	}
	found = type == SQLITE_INTEGER ? "a whole number" : type == SQLITE_FLOAT ?
	    "a real number" : type == SQLITE_TEXT ? "text" : "bytes";
	xfer_error(&x->base, "table %s, row %lld: column %s holds %s where %s belongs, so it "
	    "cannot be copied exactly", t->name, (long long)row, t->columns[i].name, found,
	    xfer_type_name(want));
	return ERR_INVALID;
}

static int
sx_read(struct xfer_db *d, const struct xfer_table *t, xfer_row_fn fn, void *arg)
{
	struct sqlite_xfer *x = SX(d);
	struct xfer_value row[XFER_COLUMNS_MAX];
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int i, rc, step = SQLITE_DONE;

	xfer_sql_select(&sql, t);
	if ((rc = prepare(x, &sql, &st)) != 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		for (i = 0; i < t->column_n; i++)
			if ((rc = get_value(x, st, t, i, n, &row[i])) != 0)
				goto out;
		if ((rc = fn(arg, row)) != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = fail(x, "reading the data");
out:
	sqlite3_finalize(st);
	buf_free(&sql);
	return rc;
}

static int
sx_write_start(struct xfer_db *d, const struct xfer_table *t)
{
	struct sqlite_xfer *x = SX(d);
	struct buf sql = BUF_INIT;
	int i, rc;

	buf_add_c(&sql, "INSERT INTO ");
	xfer_sql_ident(&sql, t->name);
	buf_add_c(&sql, " (");
	xfer_sql_columns(&sql, t, t->column_n);
	buf_add_c(&sql, ") VALUES (");
	for (i = 0; i < t->column_n; i++)
		buf_add_c(&sql, i ? ", ?" : "?");
	buf_addch(&sql, ')');
	rc = prepare(x, &sql, &x->insert);
	buf_free(&sql);
	x->table = t;
	x->row = 0;
	return rc;
}

static int
sx_write_row(struct xfer_db *d, const struct xfer_value *row)
{
	struct sqlite_xfer *x = SX(d);
	const struct xfer_table *t = x->table;
	sqlite3_stmt *st = x->insert;
	int i, rc = SQLITE_OK;

	x->row++;
	for (i = 0; i < t->column_n && rc == SQLITE_OK; i++) {
		const struct xfer_value *v = &row[i];

		if (v->null)
			rc = sqlite3_bind_null(st, i + 1);
		else if (t->columns[i].type == XFER_INT)
			rc = sqlite3_bind_int64(st, i + 1, v->i);
		else if (t->columns[i].type == XFER_REAL)
			rc = sqlite3_bind_double(st, i + 1, v->d);
		else if (t->columns[i].type == XFER_TEXT)
			rc = sqlite3_bind_text64(st, i + 1, v->n ? (const char *)v->p : "", v->n,
			    SQLITE_TRANSIENT, SQLITE_UTF8);
		else if (v->n == 0)
			/* A NULL pointer would bind NULL: keep it a blob, of no bytes. */
			rc = sqlite3_bind_zeroblob(st, i + 1, 0);
		else
			rc = sqlite3_bind_blob64(st, i + 1, v->p, v->n, SQLITE_TRANSIENT);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		xfer_error(d, "table %s, row %lld: %s", t->name, (long long)x->row,
		    sqlite3_errmsg(x->db));
		return (rc & 0xff) == SQLITE_FULL ? ERR_FULL : ERR_IO;
	}
	return 0;
}

static int
sx_write_end(struct xfer_db *d)
{
	struct sqlite_xfer *x = SX(d);

	sqlite3_finalize(x->insert);
	x->insert = NULL;
	x->table = NULL;
	return 0;
}

static int
sx_commit(struct xfer_db *d)
{
	struct sqlite_xfer *x = SX(d);
	int rc;

	/* Ids need no care: a new row's id is one more than the largest. */
	if ((rc = exec(x, "COMMIT")) != 0)
		return rc;
	x->in_txn = false;
	return 0;
}

static void
sx_close(struct xfer_db *d)
{
	struct sqlite_xfer *x = SX(d);

	sqlite3_finalize(x->insert);
	if (x->in_txn)
		sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(x->db);
	free(x);
}

static const struct xfer_db_ops sqlite_xfer_ops = {
	.tables = sx_tables,
	.columns = sx_columns,
	.count = sx_count,
	.begin = sx_begin,
	.read = sx_read,
	.write_start = sx_write_start,
	.write_row = sx_write_row,
	.write_end = sx_write_end,
	.commit = sx_commit,
	.close = sx_close,
};

struct sqlite3 *
xfer_sqlite_handle(struct xfer_db *d)
{
	return SX(d)->db;
}

int
xfer_sqlite_open(const char *path, const char *role, enum xfer_open_mode mode,
    struct errors *e, struct xfer_db **out)
{
	int flags = mode == XFER_OPEN_READONLY ? SQLITE_OPEN_READONLY : mode == XFER_OPEN_CREATE ?
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
	struct sqlite_xfer *x;
	struct stat sb;

	if (mode != XFER_OPEN_CREATE && stat(path, &sb) != 0) {
		errors_add(e, "", "the %s database: cannot open %s: %s", role, path,
		    strerror(errno));
		return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return ERR_NOMEM;
	x->base.ops = &sqlite_xfer_ops;
	x->base.role = role;
	x->base.e = e;
	if (sqlite3_open_v2(path, &x->db, flags, NULL) != SQLITE_OK) {
		errors_add(e, "", "the %s database: cannot open %s: %s", role, path,
		    x->db ? sqlite3_errmsg(x->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(x->db, SQLITE_XFER_BUSY_MS);
	sqlite3_extended_result_codes(x->db, 1);
	/* The first read of the file tells whether it is a database at all. */
	if (sqlite3_exec(x->db, mode == XFER_OPEN_READONLY ? "SELECT count(*) FROM sqlite_master" :
	    "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; SELECT count(*) FROM sqlite_master",
	    NULL, NULL, NULL) != SQLITE_OK) {
		errors_add(e, "", "the %s database: %s: %s", role, path, sqlite3_errmsg(x->db));
		goto fail;
	}
	*out = &x->base;
	return 0;
fail:
	sqlite3_close(x->db);
	free(x);
	return ERR_IO;
}
