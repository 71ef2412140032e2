/*
 * driver.c - the PostgreSQL driver of the database interface (see
 * driver.h), with libpq.
 *
 * Statements are written for both engines with SQLite's "?" placeholders;
 * here they become "$1", "$2"... once, when first prepared on a connection.
 * A statement is prepared on the server at its first run, with the types
 * of the values bound to it (int8, text, bytea), and parameters and results
 * travel in binary form: no number is printed or parsed on the way.
 *
 * A connection the server dropped (a restart, a failover) is opened again
 * before its next use.  A statement that failed because of it outside a
 * transaction is run once more on the new connection: nothing was lost
 * with the old one, and a request should not fail for what is mended.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "involve/log.h"
#include "pg.h"

/* Seconds to wait for the server when connecting (unless the URL sets
 * connect_timeout): a server that cannot be reached is an error, not a
 * request that hangs. */
#define PG_CONNECT_TIMEOUT "10"
/* Bytes of a statement's text once its placeholders are rewritten: "?"
 * becomes "$16" at most. */
#define PG_SQL_GROWTH 3

/* Type OIDs (pg_type.h, fixed since PostgreSQL 7). */
#define PG_BOOL 16
#define PG_BYTEA 17
#define PG_INT8 20
#define PG_INT2 21
#define PG_INT4 23
#define PG_TEXT 25
#define PG_FLOAT4 700
#define PG_FLOAT8 701

struct pg_stmt {
	struct db_stmt base;
	struct pg_conn *conn;
	char *text;       /* with $n placeholders */
	int param_n;      /* the largest placeholder number */
	char name[16];
	bool prepared;    /* on the server, with prepared_types */
	Oid prepared_types[DB_PARAMS_MAX];
	Oid types[DB_PARAMS_MAX];
	const char *values[DB_PARAMS_MAX];
	int lengths[DB_PARAMS_MAX];
	int formats[DB_PARAMS_MAX];
	uint64_t ints[DB_PARAMS_MAX]; /* int8 and float8 values, big-endian */
	PGresult *res;
	int row, row_n;
};

struct pg_conn {
	struct db_conn base;
	PGconn *conn;
	unsigned named;        /* statements named on the server so far */
	char sqlstate[6];      /* of the last failure, "" when none */
};

#define PC(c) ((struct pg_conn *)(c))
#define PS(s) ((struct pg_stmt *)(s))

/* ---- results and errors ----------------------------------------------------- */

static bool
is_retryable(const char *state)
{
	return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0;
}

static int
map_sqlstate(const char *state)
{
	if (strcmp(state, "23505") == 0)
		return ERR_DUPLICATE;
	if (strcmp(state, "23503") == 0)
		return ERR_NOTFOUND;
	if (strcmp(state, "53100") == 0 || strcmp(state, "54000") == 0)
		return ERR_FULL;
	if (strncmp(state, "57P0", 4) == 0 || strncmp(state, "08", 2) == 0)
		return ERR_BUSY; /* shutting down or connection lost: try again */
	return ERR_IO;
}

/* Maps a result to 0 or ERR_*, remembering the SQLSTATE. */
static int
check_result(struct pg_conn *c, const PGresult *r, const char *sql)
{
	ExecStatusType status = PQresultStatus(r);
	const char *state;
	int rc;

	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		c->sqlstate[0] = '\0';
		return 0;
	}
	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "08000");
	rc = map_sqlstate(c->sqlstate);
	/* Expected outcomes (a second vote, a missing parent, a lost race
	 * that is tried again) are not logged. */
	if (rc != ERR_DUPLICATE && rc != ERR_NOTFOUND && !is_retryable(c->sqlstate))
		log_error("store", "PostgreSQL %s: %s (%.60s)", c->sqlstate,
		    r ? PQresultErrorMessage(r) : PQerrorMessage(c->conn), sql);
	return rc;
}

static int
exec_text(struct pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->conn, sql);
	int rc = check_result(c, r, sql);

	PQclear(r);
	return rc;
}

/* Drops what every statement knows of the server (after a reconnect). */
static void
forget_prepared(struct pg_conn *c)
{
	int i;

	for (i = 0; i < c->base.stmt_n; i++) {
		struct pg_stmt *s = PS(c->base.stmts[i]);

		s->prepared = false;
		PQclear(s->res);
		s->res = NULL;
	}
}

/* A connection the server dropped is opened again before use. */
static void
ensure_connected(struct pg_conn *c)
{
	if (PQstatus(c->conn) == CONNECTION_OK)
		return;
	PQreset(c->conn);
	forget_prepared(c);
	if (PQstatus(c->conn) == CONNECTION_OK) {
		PQsetClientEncoding(c->conn, "UTF8");
		log_info("store", "reconnected to PostgreSQL");
	} else {
		log_error("store", "cannot reconnect to PostgreSQL: %s", PQerrorMessage(c->conn));
	}
}

/* ---- connections -------------------------------------------------------------- */

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs from CREATE ... IF NOT EXISTS and the like */
}

/* A server setting as this connection sees it. */
static int
show(struct pg_conn *c, const char *name, char *out, size_t size)
{
	const char *params[1] = { name };
	PGresult *r = PQexecParams(c->conn, "SELECT current_setting($1)", 1, NULL, params, NULL,
	    NULL, 0);
	int rc = ERR_IO;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
		rc = 0;
	}
	PQclear(r);
	return rc;
}

/* A commit is acknowledged only once it is on disk: synchronous_commit
 * off would lose acknowledged votes in a crash, so it is turned back on for
 * this connection; fsync off cannot be fixed from here and is logged. */
static int
check_durability(struct pg_conn *c, struct errors *e)
{
	char value[64];

	if (show(c, "synchronous_commit", value, sizeof(value)) != 0) {
		errors_add(e, "database", "cannot read the server's settings: %s",
		    PQerrorMessage(c->conn));
		return ERR_IO;
	}
	if (strcmp(value, "off") == 0 && exec_text(c, "SET synchronous_commit TO on") != 0) {
		errors_add(e, "database", "cannot turn synchronous_commit on");
		return ERR_IO;
	}
	if (show(c, "fsync", value, sizeof(value)) == 0 && strcmp(value, "off") == 0)
		log_error("store", "the PostgreSQL server runs with fsync off: a crash can lose "
		    "committed data");
	return 0;
}

static void
pg_close(struct db_conn *conn)
{
	struct pg_conn *c = PC(conn);

	if (c == NULL)
		return;
	if (c->conn)
		PQfinish(c->conn);
	free(c);
}

static int
pg_open(const char *url, bool writer, struct db_conn **out, struct errors *e)
{
	/* Defaults first: what the URL says wins over them. */
	static const char *const keys[] = { "connect_timeout", "application_name", "dbname", NULL };
	const char *values[] = { PG_CONNECT_TIMEOUT, "involve", url, NULL };
	struct pg_conn *c;
	const char *msg;

	(void)writer;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ERR_NOMEM;
	db_conn_init(&c->base, &db_pg_driver);
	c->conn = PQconnectdbParams(keys, values, 1);
	if (c->conn == NULL) {
		errors_add(e, "database", "out of memory connecting to PostgreSQL");
		free(c);
		return ERR_NOMEM;
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		/* libpq's message ends with a newline; the password is never in it. */
		msg = PQerrorMessage(c->conn);
		errors_add(e, "database", "cannot connect to PostgreSQL: %.*s",
		    (int)strcspn(msg, "\n"), msg);
		pg_close(&c->base);
		return ERR_IO;
	}
	PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
	if (PQsetClientEncoding(c->conn, "UTF8") != 0) {
		errors_add(e, "database", "PostgreSQL refused the UTF8 client encoding");
		pg_close(&c->base);
		return ERR_IO;
	}
	if (check_durability(c, e) != 0) {
		pg_close(&c->base);
		return ERR_IO;
	}
	*out = &c->base;
	return 0;
}

/* ---- statements ------------------------------------------------------------------ */

/*
 * sql with SQLite's placeholders rewritten for PostgreSQL: "?NNN" becomes
 * "$NNN" and a bare "?" the number after the largest so far (SQLite's own
 * rule), outside quoted strings and names.  NULL when out of memory or when
 * a placeholder is numbered past DB_PARAMS_MAX (logged).
 */
static char *
rewrite(const char *sql, int *param_n)
{
	size_t n = strlen(sql), o = 0;
	char *out = malloc(n * PG_SQL_GROWTH + 1), quote = 0;
	const char *p;
	int max = 0, k;

	if (out == NULL)
		return NULL;
	for (p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			out[o++] = *p;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			out[o++] = *p;
			continue;
		}
		if (*p != '?') {
			out[o++] = *p;
			continue;
		}
		if (p[1] >= '0' && p[1] <= '9') {
			for (k = 0; p[1] >= '0' && p[1] <= '9'; p++)
				k = k * 10 + (p[1] - '0');
		} else {
			k = max + 1;
		}
		if (k < 1 || k > DB_PARAMS_MAX) {
			log_error("store", "placeholder ?%d out of range: %.60s", k, sql);
			free(out);
			return NULL;
		}
		if (k > max)
			max = k;
		o += (size_t)snprintf(out + o, 5, "$%d", k);
	}
	out[o] = '\0';
	*param_n = max;
	return out;
}

static void
clear_params(struct pg_stmt *s)
{
	int i;

	for (i = 0; i < s->param_n; i++) {
		s->types[i] = 0;
		s->values[i] = NULL;
		s->lengths[i] = 0;
		s->formats[i] = 1;
	}
}

static struct db_stmt *
pg_stmt_new(struct db_conn *conn, const char *sql)
{
	struct pg_conn *c = PC(conn);
	struct pg_stmt *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->text = rewrite(sql, &s->param_n);
	if (s->text == NULL) {
		free(s);
		return NULL;
	}
	s->conn = c;
	/* A name never used before on this connection, even when a full cache
	 * dropped a statement the server still holds. */
	snprintf(s->name, sizeof(s->name), "s%u", c->named++);
	clear_params(s);
	return &s->base;
}

static void
pg_stmt_reset(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);

	PQclear(s->res);
	s->res = NULL;
	clear_params(s);
}

static void
pg_stmt_free(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);

	PQclear(s->res);
	free(s->text);
	free(s);
}

/* A parameter number the statement has; out-of-range ones are a
 * programming error, logged and ignored. */
static bool
param_ok(struct pg_stmt *s, int i)
{
	if (i >= 1 && i <= s->param_n)
		return true;
	log_error("store", "no parameter %d in: %.60s", i, s->base.sql);
	return false;
}

static void
pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	struct pg_stmt *s = PS(st);

	if (!param_ok(s, i--))
		return;
	s->ints[i] = htobe64((uint64_t)v);
	s->types[i] = PG_INT8;
	s->values[i] = (const char *)&s->ints[i];
	s->lengths[i] = 8;
}

static void
pg_bind_double(struct db_stmt *st, int i, double v)
{
	struct pg_stmt *s = PS(st);
	uint64_t bits;

	if (!param_ok(s, i--))
		return;
	/* float8's binary form: the IEEE 754 bits, most significant first. */
	memcpy(&bits, &v, 8);
	s->ints[i] = htobe64(bits);
	s->types[i] = PG_FLOAT8;
	s->values[i] = (const char *)&s->ints[i];
	s->lengths[i] = 8;
}

/* A NULL leaves the type to the server (0): see prepare_on_server. */
static void
pg_bind_null(struct db_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	if (!param_ok(s, i--))
		return;
	s->types[i] = 0;
	s->values[i] = NULL;
	s->lengths[i] = 0;
}

static void
pg_bind_text(struct db_stmt *st, int i, struct str v)
{
	struct pg_stmt *s = PS(st);

	/* Binary text is the bytes themselves: no NUL is needed. */
	if (!param_ok(s, i--))
		return;
	s->types[i] = PG_TEXT;
	s->values[i] = v.p ? v.p : "";
	s->lengths[i] = (int)v.n;
}

static void
pg_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	struct pg_stmt *s = PS(st);

	if (!param_ok(s, i--))
		return;
	s->types[i] = PG_BYTEA;
	s->values[i] = p ? p : "";
	s->lengths[i] = (int)n;
}

/* Prepares s on the server with its parameters' current types. */
static int
prepare_on_server(struct pg_stmt *s)
{
	struct pg_conn *c = s->conn;
	char sql[32];
	PGresult *r;
	int rc, i;

	/* A NULL fits whatever type the statement was prepared with, so a
	 * parameter that is sometimes NULL does not prepare it again. */
	for (i = 0; s->prepared && i < s->param_n; i++)
		if (s->types[i] == 0 && s->values[i] == NULL)
			s->types[i] = s->prepared_types[i];
	if (s->prepared && memcmp(s->prepared_types, s->types,
	    (size_t)s->param_n * sizeof(Oid)) == 0)
		return 0;
	if (s->prepared) {
		/* Bound with other types than before: prepared again. */
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(c->conn, sql));
		s->prepared = false;
	}
	r = PQprepare(c->conn, s->name, s->text, s->param_n, s->types);
	rc = check_result(c, r, s->base.sql);
	PQclear(r);
	if (rc != 0)
		return rc;
	memcpy(s->prepared_types, s->types, (size_t)s->param_n * sizeof(Oid));
	s->prepared = true;
	return 0;
}

static int
run_once(struct pg_stmt *s)
{
	int rc;

	if ((rc = prepare_on_server(s)) != 0)
		return rc;
	s->res = PQexecPrepared(s->conn->conn, s->name, s->param_n, s->values, s->lengths,
	    s->formats, 1);
	rc = check_result(s->conn, s->res, s->base.sql);
	if (rc != 0) {
		PQclear(s->res);
		s->res = NULL;
	}
	return rc;
}

static int
pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	struct pg_conn *c = s->conn;
	bool idle;
	int rc;

	if (s->res != NULL)
		return ++s->row < s->row_n ? DB_ROW : DB_DONE;
	ensure_connected(c);
	idle = PQtransactionStatus(c->conn) == PQTRANS_IDLE;
	rc = run_once(s);
	if (rc != 0 && idle && PQstatus(c->conn) == CONNECTION_BAD) {
		ensure_connected(c);
		if (PQstatus(c->conn) == CONNECTION_OK)
			rc = run_once(s);
	}
	if (rc != 0)
		return rc;
	s->row = 0;
	s->row_n = PQntuples(s->res);
	return s->row_n > 0 ? DB_ROW : DB_DONE;
}

static int64_t
pg_changes(struct db_stmt *st)
{
	const char *n = PS(st)->res ? PQcmdTuples(PS(st)->res) : "";

	return *n ? strtoll(n, NULL, 10) : 0;
}

static bool
pg_col_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);

	return s->res == NULL || s->row >= s->row_n || PQgetisnull(s->res, s->row, col);
}

static int64_t
pg_col_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	const char *p;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;

	if (pg_col_null(st, col))
		return 0;
	p = PQgetvalue(s->res, s->row, col);
	switch (PQftype(s->res, col)) {
	case PG_INT8:
		memcpy(&u64, p, 8);
		return (int64_t)be64toh(u64);
	case PG_INT4:
		memcpy(&u32, p, 4);
		return (int32_t)be32toh(u32);
	case PG_INT2:
		memcpy(&u16, p, 2);
		return (int16_t)be16toh(u16);
	case PG_BOOL:
		return p[0] != 0;
	}
	log_error("store", "column %d is not a whole number: %.60s", col, s->base.sql);
	return 0;
}

static double
pg_col_double(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	const char *p;
	uint64_t u64;
	uint32_t u32;
	double d;
	float f;

	if (pg_col_null(st, col))
		return 0;
	p = PQgetvalue(s->res, s->row, col);
	switch (PQftype(s->res, col)) {
	case PG_FLOAT8:
		memcpy(&u64, p, 8);
		u64 = be64toh(u64);
		memcpy(&d, &u64, 8);
		return d;
	case PG_FLOAT4:
		memcpy(&u32, p, 4);
		u32 = be32toh(u32);
		memcpy(&f, &u32, 4);
		return f;
	}
	return (double)pg_col_int(st, col);
}

static struct str
pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);

	if (pg_col_null(st, col))
		return (struct str){ "", 0 };
	/* libpq ends every value with a NUL, binary ones too. */
	return (struct str){ PQgetvalue(s->res, s->row, col),
		(size_t)PQgetlength(s->res, s->row, col) };
}

static struct str
pg_col_blob(struct db_stmt *st, int col)
{
	return pg_col_text(st, col);
}

static int
pg_script(struct db_conn *conn, const char *sql)
{
	struct pg_conn *c = PC(conn);

	ensure_connected(c);
	return exec_text(c, sql);
}

static int
pg_lock(struct db_conn *conn, int64_t key)
{
	struct db_stmt *st = db_prepare(conn, "SELECT pg_advisory_xact_lock(?)");

	db_bind_int(st, 1, key);
	return db_exec(st);
}

static void
pg_release(struct db_conn *conn)
{
	int i;

	for (i = 0; i < conn->stmt_n; i++) {
		PQclear(PS(conn->stmts[i])->res);
		PS(conn->stmts[i])->res = NULL;
	}
}

static bool
pg_in_transaction(const struct db_conn *conn)
{
	return PQtransactionStatus(PC(conn)->conn) != PQTRANS_IDLE;
}

static bool
pg_retryable(const struct db_conn *conn)
{
	return is_retryable(PC(conn)->sqlstate);
}

static int
pg_durable(struct db_conn *conn, bool *out)
{
	char fsync[16], commit[16];

	*out = false;
	if (show(PC(conn), "fsync", fsync, sizeof(fsync)) != 0 ||
	    show(PC(conn), "synchronous_commit", commit, sizeof(commit)) != 0)
		return ERR_IO;
	*out = strcmp(fsync, "on") == 0 && strcmp(commit, "off") != 0;
	return 0;
}

/* ---- for the driver's other files (pg.h) --------------------------------------------- */

PGconn *
pg_conn_handle(struct db_conn *conn)
{
	return PC(conn)->conn;
}

int
pg_conn_check(struct db_conn *conn, const PGresult *r, const char *what)
{
	return check_result(PC(conn), r, what);
}

const struct db_driver db_pg_driver = {
	.engine = DB_POSTGRESQL,
	.name = "postgresql",
	.begin_sql = "BEGIN",
	.writers = 2,
	.open = pg_open,
	.close = pg_close,
	.stmt_new = pg_stmt_new,
	.stmt_reset = pg_stmt_reset,
	.stmt_free = pg_stmt_free,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.changes = pg_changes,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_null = pg_col_null,
	.script = pg_script,
	.lock = pg_lock,
	.release = pg_release,
	.in_transaction = pg_in_transaction,
	.retryable = pg_retryable,
	.durable = pg_durable,
};
