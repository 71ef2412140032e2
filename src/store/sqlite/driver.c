/*
 * driver.c - the SQLite driver of the database interface (see driver.h):
 * connections opened with the durability pragmas, statements prepared once
 * per connection and kept, results read in place.
 *
 * WAL lets the pool's readers read while the one writer writes;
 * synchronous=FULL syncs the log at every commit, so a committed vote
 * survives power loss.  The writer's connection writes its log through the
 * walbuf VFS (walbuf.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "involve/log.h"
#include "../driver.h"
#include "sqlite.h"

struct sq_stmt {
	struct db_stmt base;
	struct sq_conn *conn;
	sqlite3_stmt *st;
};

struct sq_conn {
	struct db_conn base;
	sqlite3 *db;
};

#define SC(c) ((struct sq_conn *)(c))
#define SS(s) ((struct sq_stmt *)(s))

/* SQLite ignores these endings of a statement: see db.h. */
static const char for_update[] = " FOR UPDATE";
static const char for_key_share[] = " FOR KEY SHARE";

static int
map_error(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return ERR_NOTFOUND;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return ERR_DUPLICATE;
	}
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return ERR_FULL;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ERR_BUSY;
	}
	return ERR_IO;
}

static int
sq_exec_text(struct sq_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_error("sqlite", "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return map_error(rc);
	}
	return 0;
}

static void
sq_close(struct db_conn *conn)
{
	struct sq_conn *c = SC(conn);

	if (c == NULL)
		return;
	sqlite3_close(c->db);
	free(c);
}

static int
sq_open(const char *path, bool writer, struct db_conn **out, struct errors *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct sq_conn *c;
	int rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ERR_NOMEM;
	db_conn_init(&c->base, &db_sqlite_driver);
	if (writer) {
		flags |= SQLITE_OPEN_CREATE;
		if (sqlite_walbuf_register() != 0) {
			errors_add(e, "database", "cannot set up the database's file layer");
			free(c);
			return ERR_IO;
		}
	}
	rc = sqlite3_open_v2(path, &c->db, flags, writer ? SQLITE_WALBUF_VFS : NULL);
	if (rc != SQLITE_OK) {
		errors_add(e, "database", "cannot open the database %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sq_close(&c->base);
		return ERR_IO;
	}
	sqlite3_busy_timeout(c->db, SQLITE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if (sq_exec_text(c, "PRAGMA journal_mode=WAL") != 0 ||
	    sq_exec_text(c, "PRAGMA synchronous=FULL") != 0 ||
	    sq_exec_text(c, "PRAGMA foreign_keys=ON") != 0) {
		errors_add(e, "database", "cannot set up the database %s: %s", path,
		    sqlite3_errmsg(c->db));
		sq_close(&c->base);
		return ERR_IO;
	}
	if (writer)
		sqlite3_wal_autocheckpoint(c->db, SQLITE_CHECKPOINT_PAGES);
	*out = &c->base;
	return 0;
}

static struct db_stmt *
sq_stmt_new(struct db_conn *conn, const char *sql)
{
	struct sq_conn *c = SC(conn);
	struct sq_stmt *s = calloc(1, sizeof(*s));
	size_t len = strlen(sql);

	if (s == NULL)
		return NULL;
	if (len > sizeof(for_update) - 1 &&
	    strcmp(sql + len - (sizeof(for_update) - 1), for_update) == 0)
		len -= sizeof(for_update) - 1;
	else if (len > sizeof(for_key_share) - 1 &&
	    strcmp(sql + len - (sizeof(for_key_share) - 1), for_key_share) == 0)
		len -= sizeof(for_key_share) - 1;
	if (sqlite3_prepare_v3(c->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &s->st,
	    NULL) != SQLITE_OK) {
		log_error("sqlite", "prepare failed: %s: %s", sqlite3_errmsg(c->db), sql);
		free(s);
		return NULL;
	}
	s->conn = c;
	return &s->base;
}

static void
sq_stmt_reset(struct db_stmt *st)
{
	sqlite3_reset(SS(st)->st);
	sqlite3_clear_bindings(SS(st)->st);
}

static void
sq_stmt_free(struct db_stmt *st)
{
	sqlite3_finalize(SS(st)->st);
	free(SS(st));
}

static void
sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(SS(st)->st, i, v);
}

static void
sq_bind_double(struct db_stmt *st, int i, double v)
{
	sqlite3_bind_double(SS(st)->st, i, v);
}

static void
sq_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(SS(st)->st, i);
}

static void
sq_bind_text(struct db_stmt *st, int i, struct str s)
{
	sqlite3_bind_text(SS(st)->st, i, s.p ? s.p : "", (int)s.n, SQLITE_STATIC);
}

static void
sq_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(SS(st)->st, i, p, (int)n, SQLITE_STATIC);
}

static int
sq_step(struct db_stmt *st)
{
	struct sq_stmt *s = SS(st);
	int rc = sqlite3_step(s->st), err;

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	err = map_error(rc);
	/* Expected outcomes (a second vote, a parent gone) are not logged. */
	if (err != ERR_DUPLICATE && err != ERR_NOTFOUND)
		log_error("sqlite", "%s: %.80s", sqlite3_errmsg(s->conn->db), s->base.sql);
	sqlite3_reset(s->st);
	return err;
}

static int64_t
sq_changes(struct db_stmt *st)
{
	return sqlite3_changes64(SS(st)->conn->db);
}

static int64_t
sq_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(SS(st)->st, col);
}

static double
sq_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(SS(st)->st, col);
}

static struct str
sq_col_text(struct db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(SS(st)->st, col);
	int n = sqlite3_column_bytes(SS(st)->st, col);

	return t ? (struct str){ (const char *)t, (size_t)n } : (struct str){ "", 0 };
}

static struct str
sq_col_blob(struct db_stmt *st, int col)
{
	const void *p = sqlite3_column_blob(SS(st)->st, col);
	int n = sqlite3_column_bytes(SS(st)->st, col);

	return p ? (struct str){ p, (size_t)n } : (struct str){ "", 0 };
}

static bool
sq_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(SS(st)->st, col) == SQLITE_NULL;
}

static int
sq_script(struct db_conn *conn, const char *sql)
{
	return sq_exec_text(SC(conn), sql);
}

static int
sq_lock(struct db_conn *conn, int64_t key)
{
	(void)conn;
	(void)key;
	return 0; /* the one writer holds the database's write lock */
}

static void
sq_release(struct db_conn *conn)
{
	int i;

	for (i = 0; i < conn->stmt_n; i++)
		if (sqlite3_stmt_busy(SS(conn->stmts[i])->st))
			sqlite3_reset(SS(conn->stmts[i])->st);
}

static bool
sq_in_transaction(const struct db_conn *conn)
{
	return !sqlite3_get_autocommit(SC(conn)->db);
}

static bool
sq_retryable(const struct db_conn *conn)
{
	(void)conn;
	return false; /* one writer: no races to lose */
}

static int
sq_durable(struct db_conn *conn, bool *out)
{
	struct db_stmt *st = db_prepare(conn, "PRAGMA synchronous");
	int rc = db_row(st);

	*out = rc == 0 && db_col_int(st, 0) == 2; /* FULL */
	return rc;
}

const struct db_driver db_sqlite_driver = {
	.engine = DB_SQLITE,
	.name = "sqlite",
	/* IMMEDIATE: take the write lock at once, not at the first write. */
	.begin_sql = "BEGIN IMMEDIATE",
	.writers = 1,
	.open = sq_open,
	.close = sq_close,
	.stmt_new = sq_stmt_new,
	.stmt_reset = sq_stmt_reset,
	.stmt_free = sq_stmt_free,
	.bind_int = sq_bind_int,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.changes = sq_changes,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_null = sq_col_null,
	.script = sq_script,
	.lock = sq_lock,
	.release = sq_release,
	.in_transaction = sq_in_transaction,
	.retryable = sq_retryable,
	.durable = sq_durable,
};
