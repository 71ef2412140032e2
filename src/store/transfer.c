/*
 * transfer.c - copies every table from one database to another (see
 * transfer.h).  The list of tables and their columns is derived from the
 * migrations at build time (scripts/schema.py); sqlite/transfer.c and
 * pg/transfer.c read and write them.
 *
 * Before copying, both databases must have exactly the tables and columns
 * of the list: a table or column this version does not know would be left
 * behind, so the copy refuses instead.  A test (tests/unit/store) checks
 * the list against a freshly migrated database of each kind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/transfer.h"
#include "transfer_db.h"

void
xfer_error(struct xfer_db *db, const char *fmt, ...)
{
	char msg[ERROR_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errors_add(db->e, "", "the %s database: %s", db->role, msg);
}

void
xfer_sql_ident(struct buf *b, const char *name)
{
	const char *q;

	buf_addch(b, '"');
	while ((q = strchr(name, '"')) != NULL) {
		buf_add(b, name, (size_t)(q - name) + 1);
		buf_addch(b, '"');
		name = q + 1;
	}
	buf_add_c(b, name);
	buf_addch(b, '"');
}

void
xfer_sql_columns(struct buf *b, const struct xfer_table *t, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add_c(b, ", ");
		xfer_sql_ident(b, t->columns[i].name);
	}
}

void
xfer_sql_select(struct buf *b, const struct xfer_table *t)
{
	buf_add_c(b, "SELECT ");
	xfer_sql_columns(b, t, t->column_n);
	buf_add_c(b, " FROM ");
	xfer_sql_ident(b, t->name);
	buf_add_c(b, " ORDER BY ");
	xfer_sql_columns(b, t, t->key_n);
}

const char *
xfer_type_name(enum xfer_type type)
{
	switch (type) {
	case XFER_INT:
		return "a whole number";
	case XFER_TEXT:
		return "text";
	case XFER_BLOB:
		return "bytes";
	case XFER_REAL:
		return "a real number";
	}
	return "?";
}

int
xfer_open(const char *url, const char *role, enum xfer_open_mode mode, struct errors *e,
    struct xfer_db **out)
{
	const char *path;

	enum db_engine engine;

	if (db_url_parse(url, role, &engine, &path, e) != 0)
		return ERR_INVALID;
	if (engine == DB_SQLITE)
		return xfer_sqlite_open(path, role, mode, e, out);
	return xfer_pg_open(url, role, e, out);
}

/* ---- schema check ------------------------------------------------------- */

/* The tables a database has: the schema's, its table of migrations, and
 * room to name a few it should not have. */
struct name_list {
	int n;
	bool overflow;
	char names[TRANSFER_TABLES_MAX + 8][64];
};

static int
add_name(void *arg, const char *name)
{
	struct name_list *l = arg;

	if (l->n == (int)(sizeof(l->names) / sizeof(l->names[0])) || strlen(name) >= 64) {
		l->overflow = true;
		return 0;
	}
	snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", name);
	return 0;
}

static bool
has_name(const struct name_list *l, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return true;
	return false;
}

static const struct xfer_table *
known_table(const char *name)
{
	int i;

	for (i = 0; i < xfer_table_n; i++)
		if (strcmp(xfer_tables[i].name, name) == 0)
			return &xfer_tables[i];
	return NULL;
}

static bool
known_column(const struct xfer_table *t, const char *name)
{
	int i;

	for (i = 0; i < t->column_n; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return true;
	return false;
}

static int
check_columns(struct xfer_db *db, const struct xfer_table *t)
{
	struct name_list *cols = calloc(1, sizeof(*cols));
	int i, rc;

	if (cols == NULL)
		return ERR_NOMEM;
	rc = db->ops->columns(db, t->name, add_name, cols);
	if (rc != 0)
		goto out;
	rc = ERR_INVALID;
	if (cols->overflow) {
		xfer_error(db, "table %s has more columns than this version of involve knows",
		    t->name);
		goto out;
	}
	for (i = 0; i < cols->n; i++) {
		if (!known_column(t, cols->names[i])) {
			xfer_error(db, "table %s has a column %s that this version of involve "
			    "does not know; it would not be copied", t->name, cols->names[i]);
			goto out;
		}
	}
	for (i = 0; i < t->column_n; i++) {
		if (!has_name(cols, t->columns[i].name)) {
			xfer_error(db, "table %s has no column %s: bring its schema up to date "
			    "with involve migrate", t->name, t->columns[i].name);
			goto out;
		}
	}
	rc = 0;
out:
	free(cols);
	return rc;
}

int
xfer_check_schema(struct xfer_db *db)
{
	struct name_list *tables = calloc(1, sizeof(*tables));
	int i, rc;

	if (tables == NULL)
		return ERR_NOMEM;
	rc = db->ops->tables(db, add_name, tables);
	if (rc != 0)
		goto out;
	rc = ERR_INVALID;
	if (!has_name(tables, XFER_MIGRATIONS_TABLE)) {
		xfer_error(db, "it has no involve schema (no table %s): create it with "
		    "involve migrate", XFER_MIGRATIONS_TABLE);
		goto out;
	}
	if (tables->overflow) {
		xfer_error(db, "it has more tables than this version of involve knows");
		goto out;
	}
	for (i = 0; i < tables->n; i++) {
		if (strcmp(tables->names[i], XFER_MIGRATIONS_TABLE) != 0 &&
		    known_table(tables->names[i]) == NULL) {
			xfer_error(db, "it has a table %s that this version of involve does not "
			    "know; it would not be copied", tables->names[i]);
			goto out;
		}
	}
	for (i = 0; i < xfer_table_n; i++) {
		if (!has_name(tables, xfer_tables[i].name)) {
			xfer_error(db, "it has no table %s: bring its schema up to date with "
			    "involve migrate", xfer_tables[i].name);
			rc = ERR_INVALID;
			goto out;
		}
		if ((rc = check_columns(db, &xfer_tables[i])) != 0)
			goto out;
	}
	rc = 0;
out:
	free(tables);
	return rc;
}

int
xfer_check_involve(struct xfer_db *db)
{
	struct name_list *tables = calloc(1, sizeof(*tables));
	int rc;

	if (tables == NULL)
		return ERR_NOMEM;
	rc = db->ops->tables(db, add_name, tables);
	if (rc == 0 && !has_name(tables, XFER_MIGRATIONS_TABLE)) {
		xfer_error(db, "it is not an involve database (it has no table %s)",
		    XFER_MIGRATIONS_TABLE);
		rc = ERR_INVALID;
	}
	free(tables);
	return rc;
}

int
xfer_any_rows(struct xfer_db *db, char *table, size_t size, int64_t *rows)
{
	struct name_list *tables = calloc(1, sizeof(*tables));
	int i, rc;

	table[0] = '\0';
	*rows = 0;
	if (tables == NULL)
		return ERR_NOMEM;
	rc = db->ops->tables(db, add_name, tables);
	if (rc == 0 && tables->overflow) {
		xfer_error(db, "it has more tables, or longer names, than this check reads");
		rc = ERR_INVALID;
	}
	for (i = 0; rc == 0 && i < tables->n; i++) {
		if (strcmp(tables->names[i], XFER_MIGRATIONS_TABLE) == 0)
			continue;
		rc = db->ops->count(db, tables->names[i], rows);
		if (rc == 0 && *rows > 0) {
			snprintf(table, size, "%s", tables->names[i]);
			break;
		}
	}
	free(tables);
	return rc;
}

/* ---- the copy ----------------------------------------------------------- */

struct copy_ctx {
	struct xfer_db *to;
	int64_t rows;
};

static int
copy_row(void *arg, const struct xfer_value *row)
{
	struct copy_ctx *c = arg;

	c->rows++;
	return c->to->ops->write_row(c->to, row);
}

static int
copy_tables(struct xfer_db *from, struct xfer_db *to, struct transfer_report *report)
{
	char table[64];
	struct copy_ctx c;
	int64_t n;
	int i, rc;

	if ((rc = to->ops->count(to, XFER_MIGRATIONS_TABLE, &n)) != 0)
		return rc;
	if (n == 0) {
		xfer_error(to, "its schema has not been created: run involve migrate first");
		return ERR_INVALID;
	}
	if ((rc = from->ops->begin(from, false)) != 0 || (rc = to->ops->begin(to, true)) != 0)
		return rc;
	/* Checked inside the target's transaction, which keeps writers out. */
	if ((rc = xfer_any_rows(to, table, sizeof(table), &n)) != 0)
		return rc;
	if (table[0]) {
		xfer_error(to, "it is not empty (table %s has %lld rows); data is copied only "
		    "into a new, empty database", table, (long long)n);
		return ERR_CONFLICT;
	}
	for (i = 0; i < xfer_table_n; i++) {
		c = (struct copy_ctx){ to, 0 };
		if ((rc = to->ops->write_start(to, &xfer_tables[i])) != 0)
			return rc;
		/* On failure the target's close abandons the half-written table. */
		if ((rc = from->ops->read(from, &xfer_tables[i], copy_row, &c)) != 0 ||
		    (rc = to->ops->write_end(to)) != 0)
			return rc;
		if (report && report->n < TRANSFER_TABLES_MAX)
			report->tables[report->n++] = (struct transfer_count){ xfer_tables[i].name,
				c.rows };
	}
	return to->ops->commit(to);
}

int
transfer_check_source(const char *url, struct errors *e)
{
	struct xfer_db *db = NULL;
	enum db_engine engine;
	int rc;

	if (db_url_parse(url, "from", &engine, NULL, e) != 0)
		return ERR_INVALID;
	if ((rc = xfer_open(url, "source", XFER_OPEN_EXISTING, e, &db)) != 0)
		return rc;
	rc = xfer_check_schema(db);
	db->ops->close(db);
	return rc;
}

int
transfer_copy(const char *from_url, const char *to_url, struct transfer_report *report,
    struct errors *e)
{
	struct xfer_db *from = NULL, *to = NULL;
	enum db_engine engine;
	int rc;

	if (report)
		memset(report, 0, sizeof(*report));
	if (db_url_parse(from_url, "from", &engine, NULL, e) != 0 ||
	    db_url_parse(to_url, "to", &engine, NULL, e) != 0)
		return ERR_INVALID;
	if ((rc = xfer_open(from_url, "source", XFER_OPEN_EXISTING, e, &from)) != 0)
		goto out;
	if ((rc = xfer_open(to_url, "target", XFER_OPEN_EXISTING, e, &to)) != 0)
		goto out;
	if ((rc = xfer_check_schema(from)) != 0 || (rc = xfer_check_schema(to)) != 0)
		goto out;
	rc = copy_tables(from, to, report);
	if (rc != 0 && report)
		report->n = 0;
out:
	if (to)
		to->ops->close(to);
	if (from)
		from->ops->close(from);
	return rc;
}
