/*
 * pg_conn.c - PostgreSQL connections: opening with the durability checks,
 * prepared statements cached per connection, parameters and column readers,
 * the pool, and transactions that are tried again after a lost race.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/log.h"
#include "involve/secret.h"
#include "involve/str.h"
#include "involve/text.h"
#include "pg_db.h"

/* ---- parameters and columns -------------------------------------------- */

void
pgq_int(struct pgq *q, int64_t v)
{
	if (q->n >= PGDB_PARAMS_MAX)
		abort(); /* a statement in this file set with too many parameters */
	snprintf(q->ints[q->n], sizeof(q->ints[q->n]), "%lld", (long long)v);
	q->values[q->n] = q->ints[q->n];
	q->lengths[q->n] = 0;
	q->formats[q->n] = 0;
	q->n++;
}

void
pgq_text(struct pgq *q, const char *s)
{
	if (q->n >= PGDB_PARAMS_MAX)
		abort();
	q->values[q->n] = s;
	q->lengths[q->n] = 0;
	q->formats[q->n] = 0;
	q->n++;
}

void
pgq_bytes(struct pgq *q, const void *p, size_t n)
{
	if (q->n >= PGDB_PARAMS_MAX)
		abort();
	q->values[q->n] = p;
	q->lengths[q->n] = (int)n;
	q->formats[q->n] = 1;
	q->n++;
}

int64_t
pg_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void
pg_text(const PGresult *r, int row, int col, char *dst, size_t size)
{
	text_copy(dst, size, (struct str){ PQgetvalue(r, row, col),
	    (size_t)PQgetlength(r, row, col) });
}

bool
pg_bytes(const PGresult *r, int row, int col, unsigned char *dst, size_t n)
{
	const char *v = PQgetvalue(r, row, col);
	size_t len = (size_t)PQgetlength(r, row, col);

	/* Text results show bytea in hex form: \x0a1b... */
	if (len < 2 || v[0] != '\\' || v[1] != 'x')
		return false;
	return secret_unhex(v + 2, len - 2, dst, n) == 0;
}

/* ---- connections -------------------------------------------------------- */

static void
notice_to_log(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs from CREATE ... IF NOT EXISTS and the like */
}

/* Asks the server for a setting's value. */
static int
show(PGconn *conn, const char *name, char *out, size_t size)
{
	const char *params[1] = { name };
	PGresult *r = PQexecParams(conn, "SELECT current_setting($1)", 1, NULL, params, NULL, NULL, 0);
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
check_durability(struct pgconn *c, struct errors *e)
{
	char value[64];

	if (show(c->conn, "synchronous_commit", value, sizeof(value)) != 0) {
		errors_add(e, "database", "cannot read the server's settings: %s",
		    PQerrorMessage(c->conn));
		return ERR_IO;
	}
	if (strcmp(value, "off") == 0 && pgconn_exec(c, "SET synchronous_commit TO on") != 0) {
		errors_add(e, "database", "cannot turn synchronous_commit on");
		return ERR_IO;
	}
	if (show(c->conn, "fsync", value, sizeof(value)) == 0 && strcmp(value, "off") == 0)
		log_error("store", "the PostgreSQL server runs with fsync off: a crash can lose "
		    "committed data");
	return 0;
}

int
pgconn_open(struct pgconn *c, const char *url, struct errors *e)
{
	char *msg;
	size_t n;

	/* Defaults first: what the URL says wins over them. */
	static const char *const keys[] = { "connect_timeout", "application_name", "dbname", NULL };
	const char *values[] = { PGDB_CONNECT_TIMEOUT, "involve", url, NULL };

	memset(c, 0, sizeof(*c));
	c->conn = PQconnectdbParams(keys, values, 1);
	if (c->conn == NULL) {
		errors_add(e, "database", "out of memory connecting to PostgreSQL");
		return ERR_NOMEM;
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		/* libpq's message ends with a newline; the password is never in it. */
		msg = PQerrorMessage(c->conn);
		n = strcspn(msg, "\n");
		errors_add(e, "database", "cannot connect to PostgreSQL: %.*s", (int)n, msg);
		pgconn_close(c);
		return ERR_IO;
	}
	PQsetNoticeProcessor(c->conn, notice_to_log, NULL);
	if (PQsetClientEncoding(c->conn, "UTF8") != 0) {
		errors_add(e, "database", "PostgreSQL refused the UTF8 client encoding");
		pgconn_close(c);
		return ERR_IO;
	}
	if (check_durability(c, e) != 0) {
		pgconn_close(c);
		return ERR_IO;
	}
	return 0;
}

void
pgconn_close(struct pgconn *c)
{
	if (c->conn)
		PQfinish(c->conn);
	c->conn = NULL;
	c->stmt_n = 0;
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
check_result(struct pgconn *c, PGresult *r, const char *sql)
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
	/* Expected outcomes (a second vote, a missing parent) are not logged. */
	if (rc != ERR_DUPLICATE && rc != ERR_NOTFOUND && !pgconn_retryable(c))
		log_error("store", "PostgreSQL %s: %s (%.60s)", c->sqlstate,
		    r ? PQresultErrorMessage(r) : PQerrorMessage(c->conn), sql);
	return rc;
}

bool
pgconn_retryable(const struct pgconn *c)
{
	return strcmp(c->sqlstate, "40001") == 0 || strcmp(c->sqlstate, "40P01") == 0;
}

/* A connection the server dropped (restart, failover) is opened again
 * before use; its prepared statements are gone with it. */
static void
ensure_connected(struct pgconn *c)
{
	if (PQstatus(c->conn) == CONNECTION_OK)
		return;
	PQreset(c->conn);
	c->stmt_n = 0;
	if (PQstatus(c->conn) == CONNECTION_OK) {
		PQsetClientEncoding(c->conn, "UTF8");
		log_info("store", "reconnected to PostgreSQL");
	} else {
		log_error("store", "cannot reconnect to PostgreSQL: %s", PQerrorMessage(c->conn));
	}
}

int
pgconn_exec(struct pgconn *c, const char *sql)
{
	PGresult *r;
	int rc;

	ensure_connected(c);
	r = PQexec(c->conn, sql);
	rc = check_result(c, r, sql);
	PQclear(r);
	return rc;
}

/* The cached statement's name for sql, preparing it on first use; NULL
 * when it could not be prepared (the SQLSTATE is remembered). */
static const char *
statement(struct pgconn *c, const char *sql, const struct pgq *q, char name[16], int *rc)
{
	PGresult *r;
	int i;

	for (i = 0; i < c->stmt_n; i++)
		if (c->sql[i] == sql) {
			snprintf(name, 16, "s%d", i);
			return name;
		}
	if (c->stmt_n == PGDB_STMT_CACHE) {
		/* More statements than the cache holds: forget them all. */
		r = PQexec(c->conn, "DEALLOCATE ALL");
		PQclear(r);
		c->stmt_n = 0;
	}
	i = c->stmt_n;
	snprintf(name, 16, "s%d", i);
	r = PQprepare(c->conn, name, sql, q ? q->n : 0, NULL);
	*rc = check_result(c, r, sql);
	PQclear(r);
	if (*rc != 0)
		return NULL;
	c->sql[i] = sql;
	c->stmt_n++;
	return name;
}

static int
run_once(struct pgconn *c, const char *sql, const struct pgq *q, PGresult **out)
{
	char buf[16];
	const char *name;
	PGresult *r;
	int rc = 0;

	name = statement(c, sql, q, buf, &rc);
	if (name == NULL)
		return rc;
	r = PQexecPrepared(c->conn, name, q ? q->n : 0, q ? q->values : NULL, q ? q->lengths : NULL,
	    q ? q->formats : NULL, 0);
	rc = check_result(c, r, sql);
	if (rc == 0 && out)
		*out = r;
	else
		PQclear(r);
	return rc;
}

int
pgconn_run(struct pgconn *c, const char *sql, const struct pgq *q, PGresult **out)
{
	bool idle;
	int rc;

	if (out)
		*out = NULL;
	ensure_connected(c);
	idle = PQtransactionStatus(c->conn) == PQTRANS_IDLE;
	rc = run_once(c, sql, q, out);
	/* The server went away (a restart, a failover) since the connection
	 * was last used.  Outside a transaction nothing was lost with it, so
	 * the statement runs once more on a new connection rather than
	 * failing a request for what is already mended. */
	if (rc != 0 && idle && PQstatus(c->conn) == CONNECTION_BAD) {
		ensure_connected(c);
		if (PQstatus(c->conn) == CONNECTION_OK)
			rc = run_once(c, sql, q, out);
	}
	return rc;
}

int
pgconn_insert(struct pgconn *c, const char *sql, const struct pgq *q, int64_t *id)
{
	PGresult *r;
	int rc = pgconn_run(c, sql, q, &r);

	if (rc != 0)
		return rc;
	*id = PQntuples(r) == 1 ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return *id > 0 ? 0 : ERR_IO;
}

/* ---- pool --------------------------------------------------------------- */

int
pgpool_open(struct pgpool *p, const char *url, int n, struct errors *e)
{
	int i, rc;

	memset(p, 0, sizeof(*p));
	p->all = calloc((size_t)n, sizeof(*p->all));
	if (p->all == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		rc = pgconn_open(&p->all[i], url, e);
		if (rc != 0) {
			while (i-- > 0)
				pgconn_close(&p->all[i]);
			free(p->all);
			p->all = NULL;
			return rc;
		}
		p->all[i].next_free = p->free;
		p->free = &p->all[i];
	}
	p->n = n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	return 0;
}

void
pgpool_close(struct pgpool *p)
{
	int i;

	if (p->all == NULL)
		return;
	for (i = 0; i < p->n; i++)
		pgconn_close(&p->all[i]);
	free(p->all);
	p->all = NULL;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

struct pgconn *
pgpool_get(struct pgpool *p)
{
	struct pgconn *c;

	pthread_mutex_lock(&p->lock);
	while (p->free == NULL)
		pthread_cond_wait(&p->freed, &p->lock);
	c = p->free;
	p->free = c->next_free;
	pthread_mutex_unlock(&p->lock);
	return c;
}

void
pgpool_put(struct pgpool *p, struct pgconn *c)
{
	pthread_mutex_lock(&p->lock);
	c->next_free = p->free;
	p->free = c;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

int
pgpool_query(struct pgpool *p, const char *sql, const struct pgq *q, PGresult **out)
{
	struct pgconn *c = pgpool_get(p);
	int rc = pgconn_run(c, sql, q, out);

	pgpool_put(p, c);
	return rc;
}

int
pgpool_row(struct pgpool *p, const char *sql, const struct pgq *q, PGresult **out)
{
	int rc = pgpool_query(p, sql, q, out);

	if (rc == 0 && PQntuples(*out) == 0) {
		PQclear(*out);
		*out = NULL;
		rc = ERR_NOTFOUND;
	}
	return rc;
}

int
pgpool_tx(struct pgpool *p, int (*fn)(struct pgconn *c, void *arg), void *arg)
{
	struct pgconn *c = pgpool_get(p);
	int rc = ERR_IO, try;
	bool again;

	for (try = 0; try < PGDB_TX_TRIES; try++) {
		rc = pgconn_run(c, "BEGIN", NULL, NULL);
		if (rc == 0)
			rc = fn(c, arg);
		if (rc == 0)
			rc = pgconn_run(c, "COMMIT", NULL, NULL);
		if (rc == 0)
			break;
		again = pgconn_retryable(c);
		pgconn_exec(c, "ROLLBACK");
		if (!again)
			break;
	}
	pgpool_put(p, c);
	return rc;
}
