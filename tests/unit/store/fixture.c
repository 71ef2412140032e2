/*
 * fixture.c - the store suites' setup: a new store on a real database for
 * each test (see fixture.h).
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fixture.h"

static char dir[64], pg_admin[400], pg_name[32];
char url[512], path[96];
bool pg;
struct store *st;
struct arena arena;
const unsigned char key[32] = { 7 };
const struct actor who = { 0, 0, "test" };

/* Runs SQL on the server's own database (to create and drop ours). */
static void
pg_admin_exec(const char *sql)
{
	PGconn *c = PQconnectdb(pg_admin);
	PGresult *r;

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "cannot reach %s: %s", pg_admin, PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* Runs SQL behind the store's back, as someone with the database would. */
void
raw_exec(const char *sql)
{
	if (pg) {
		PGconn *c = PQconnectdb(url);
		PGresult *r = PQexec(c, sql);

		cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db;

		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sql);
		sqlite3_close(db);
	}
}

int64_t
raw_count(const char *sql)
{
	int64_t n;

	if (pg) {
		PGconn *c = PQconnectdb(url);
		PGresult *r = PQexec(c, sql);

		cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
		cr_assert_gt(PQntuples(r), 0, "%s: no row", sql);
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db;
		sqlite3_stmt *q;

		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		sqlite3_busy_timeout(db, 10000);
		cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s", sql);
		cr_assert_eq(sqlite3_step(q), SQLITE_ROW, "%s: no row", sql);
		n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		sqlite3_close(db);
	}
	return n;
}

struct store *
open_store(void)
{
	struct store_config cfg = { 0 };
	struct store *s = NULL;
	struct errors e;
	int rc;

	cfg.url = url;
	memcpy(cfg.audit_key, key, 32);
	errors_init(&e);
	rc = store_open(&cfg, &s, &e);
	cr_assert_eq(rc, 0, "store_open(%s): %s", url, e.n ? e.list[0].detail : "?");
	cr_assert_eq(store_migrate(s), 0);
	return s;
}

void
store_fixture_setup(void)
{
	const char *kind = getenv("INVOLVE_TEST_STORE"), *base;
	unsigned char rnd[6];
	char *slash;

	cr_assert_not_null(kind, "INVOLVE_TEST_STORE must be sqlite or postgresql");
	pg = strcmp(kind, "postgresql") == 0;
	if (pg) {
		base = getenv("INVOLVE_TEST_PG_URL");
		cr_assert_not_null(base, "INVOLVE_TEST_PG_URL must name a PostgreSQL server");
		cr_assert_lt(strlen(base), sizeof(pg_admin) - 40);
		/* The same server, database "postgres" for creating ours. */
		snprintf(pg_admin, sizeof(pg_admin), "%s", base);
		slash = strrchr(pg_admin, '/');
		cr_assert_not_null(slash);
		snprintf(slash + 1, sizeof(pg_admin) - (size_t)(slash + 1 - pg_admin), "postgres");
		randombytes_buf(rnd, sizeof(rnd));
		snprintf(pg_name, sizeof(pg_name), "s_%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
		    rnd[3], rnd[4], rnd[5]);
		snprintf(url, sizeof(url), "%.*s/%s", (int)(strrchr(base, '/') - base), base, pg_name);
		{
			char sql[64];

			snprintf(sql, sizeof(sql), "CREATE DATABASE %s", pg_name);
			pg_admin_exec(sql);
		}
	} else {
		cr_assert_str_eq(kind, "sqlite");
		snprintf(dir, sizeof(dir), "/tmp/involve-store-XXXXXX");
		cr_assert_not_null(mkdtemp(dir));
		snprintf(path, sizeof(path), "%s/involve.db", dir);
		snprintf(url, sizeof(url), "sqlite:%s", path);
	}
	st = open_store();
	arena_init(&arena, NULL, 0);
}

void
store_fixture_teardown(void)
{
	char cmd[400];

	store_close(st);
	arena_free(&arena);
	if (pg) {
		snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)", pg_name);
		pg_admin_exec(cmd);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		cr_assert_eq(system(cmd), 0);
	}
}

int64_t
make_org(const char *slug)
{
	struct org o;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(org_check(str_c(slug), str_c("NHS Test"), &o, &e), 0);
	cr_assert_eq(store_org_create(st, &who, &o), 0);
	return o.id;
}

long long
raw_int(const char *sql)
{
	return (long long)raw_count(sql);
}
