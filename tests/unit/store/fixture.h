/*
 * fixture.h - what the store's suites share: each test gets a new store on
 * a real database, run unchanged against both implementations:
 * INVOLVE_TEST_STORE=sqlite uses a database file in a temporary directory;
 * INVOLVE_TEST_STORE=postgresql a new database on the server named by
 * INVOLVE_TEST_PG_URL (make check starts one).
 */
#ifndef INVOLVE_TEST_STORE_FIXTURE_H
#define INVOLVE_TEST_STORE_FIXTURE_H

#include <stdbool.h>

#include "involve/store.h"

extern char url[512], path[96]; /* the database's URL; SQLite: its file */
extern bool pg;                 /* PostgreSQL rather than SQLite */
extern struct store *st;        /* the test's store */
extern struct arena arena;      /* each test's reads */
extern const unsigned char key[32];
extern const struct actor who;  /* "test" */

void store_fixture_setup(void);
void store_fixture_teardown(void);
/* Runs SQL behind the store's back, as someone with the database would. */
void raw_exec(const char *sql);
/* The whole number sql's one row holds, read behind the store's back. */
int64_t raw_count(const char *sql);
/* The first column of the first row of a query run behind the store's
 * back, as a whole number. */
long long raw_int(const char *sql);
/* Another store on the same database (a second app server). */
struct store *open_store(void);
/* A new organisation with this slug; its id. */
int64_t make_org(const char *slug);

#endif
