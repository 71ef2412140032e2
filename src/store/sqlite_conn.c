/*
 * sqlite_conn.c - SQLite connections: opening with the durability pragmas,
 * the statement cache and the pool of reader connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/log.h"
#include "sqlite_db.h"

int
sqlconn_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_FULL:
		return ERR_FULL;
	case SQLITE_CONSTRAINT:
		return ERR_DUPLICATE;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ERR_BUSY;
	}
	return ERR_IO;
}

int
sqlconn_open(struct sqlconn *c, const char *path, bool writer, struct errors *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	memset(c, 0, sizeof(*c));
	if (writer) {
		flags |= SQLITE_OPEN_CREATE;
		if (sqlwalbuf_register() != 0) {
			errors_add(e, "database", "cannot set up the database's file layer");
			return ERR_IO;
		}
	}
	rc = sqlite3_open_v2(path, &c->db, flags, writer ? SQLDB_WALBUF_VFS : NULL);
	if (rc != SQLITE_OK) {
		errors_add(e, "database", "cannot open the database %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		c->db = NULL;
		return ERR_IO;
	}
	sqlite3_busy_timeout(c->db, SQLDB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	/*
	 * WAL lets readers run beside the one writer; synchronous=FULL syncs
	 * the WAL at every commit, so a committed vote survives power loss.
	 */
	if (sqlconn_exec(c, "PRAGMA journal_mode=WAL") != 0 ||
	    sqlconn_exec(c, "PRAGMA synchronous=FULL") != 0 ||
	    sqlconn_exec(c, "PRAGMA foreign_keys=ON") != 0) {
		errors_add(e, "database", "cannot set up the database %s: %s", path,
		    sqlite3_errmsg(c->db));
		sqlconn_close(c);
		return ERR_IO;
	}
	return 0;
}

void
sqlconn_close(struct sqlconn *c)
{
	int i;

	for (i = 0; i < c->stmt_n; i++)
		sqlite3_finalize(c->stmt[i]);
	c->stmt_n = 0;
	if (c->db)
		sqlite3_close(c->db);
	c->db = NULL;
}

sqlite3_stmt *
sqlconn_stmt(struct sqlconn *c, const char *sql)
{
	sqlite3_stmt *st;
	int i;

	for (i = 0; i < c->stmt_n; i++) {
		if (c->sql[i] == sql) {
			sqlite3_reset(c->stmt[i]);
			sqlite3_clear_bindings(c->stmt[i]);
			return c->stmt[i];
		}
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("sqlite", "prepare failed: %s: %s", sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	if (c->stmt_n == SQLDB_STMT_CACHE) {
		/* Cache full: a programming error (more distinct statements than
		 * the limit); keep working by replacing the last slot. */
		log_error("sqlite", "statement cache full");
		sqlite3_finalize(c->stmt[--c->stmt_n]);
	}
	c->sql[c->stmt_n] = sql;
	c->stmt[c->stmt_n++] = st;
	return st;
}

int
sqlconn_exec(struct sqlconn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_error("sqlite", "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return sqlconn_error(rc);
	}
	return 0;
}

int
sqlpool_open(struct sqlpool *p, const char *path, int n, struct errors *e)
{
	struct sqlconn *c;
	int i;

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->all = calloc((size_t)n, sizeof(*p->all));
	if (p->all == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		c = &p->all[i];
		if (sqlconn_open(c, path, false, e) != 0) {
			p->n = i;
			sqlpool_close(p);
			return ERR_IO;
		}
		c->next_free = p->free;
		p->free = c;
	}
	p->n = n;
	return 0;
}

void
sqlpool_close(struct sqlpool *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		sqlconn_close(&p->all[i]);
	free(p->all);
	p->all = NULL;
	p->n = 0;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

struct sqlconn *
sqlpool_get(struct sqlpool *p)
{
	struct sqlconn *c;

	pthread_mutex_lock(&p->lock);
	while (p->free == NULL)
		pthread_cond_wait(&p->freed, &p->lock);
	c = p->free;
	p->free = c->next_free;
	pthread_mutex_unlock(&p->lock);
	return c;
}

void
sqlpool_put(struct sqlpool *p, struct sqlconn *c)
{
	pthread_mutex_lock(&p->lock);
	c->next_free = p->free;
	p->free = c;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}
