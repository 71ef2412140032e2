/*
 * Tests for copying data between databases (transfer.h) on a real SQLite
 * file and a real PostgreSQL server (INVOLVE_TEST_PG_URL; make check starts
 * one).  Values that are easy to damage on the way (the largest and
 * smallest 64-bit numbers, text with tabs, newlines, backslashes and
 * emoji, every byte value, empty bytes, a body larger than one COPY
 * piece, thousands of rows) go SQLite -> PostgreSQL -> SQLite and must come
 * back identical, type for type.  And the refusals: a target that is not
 * empty or not migrated, a table or column the copy does not know, a value
 * that cannot move exactly, a failure half-way (nothing is left behind).
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "involve/store.h"
#include "involve/transfer.h"

static char dir[64], pg_admin[400], pg_names[3][32];
static int pg_n;
static const unsigned char key[32] = { 9 };

static void
pg_admin_exec(const char *sql)
{
	PGconn *c = PQconnectdb(pg_admin);
	PGresult *r;

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "cannot reach %s: %s", pg_admin,
	    PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void
setup(void)
{
	const char *base = getenv("INVOLVE_TEST_PG_URL");
	char *slash;

	cr_assert_not_null(base, "INVOLVE_TEST_PG_URL must name a PostgreSQL server");
	cr_assert_lt(strlen(base), sizeof(pg_admin) - 40);
	snprintf(pg_admin, sizeof(pg_admin), "%s", base);
	slash = strrchr(pg_admin, '/');
	cr_assert_not_null(slash);
	snprintf(slash + 1, sizeof(pg_admin) - (size_t)(slash + 1 - pg_admin), "postgres");
	snprintf(dir, sizeof(dir), "/tmp/involve-transfer-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	pg_n = 0;
}

static void
teardown(void)
{
	char cmd[200];
	int i;

	for (i = 0; i < pg_n; i++) {
		snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)", pg_names[i]);
		pg_admin_exec(cmd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(transfer, .init = setup, .fini = teardown, .timeout = 120);

/* Opens url as the store does and creates its schema. */
static void
migrate(const char *url)
{
	struct store_config cfg = { 0 };
	struct store *s = NULL;
	struct errors e;

	cfg.url = url;
	memcpy(cfg.audit_key, key, 32);
	errors_init(&e);
	cr_assert_eq(store_open(&cfg, &s, &e), 0, "store_open: %s", e.n ? e.list[0].detail : "?");
	cr_assert_eq(store_migrate(s), 0);
	store_close(s);
}

/* A new, empty PostgreSQL database; its URL into url. */
static void
new_pg(char *url, size_t size, bool migrated)
{
	const char *base = getenv("INVOLVE_TEST_PG_URL");
	char sql[80];

	cr_assert_lt(pg_n, 3);
	snprintf(pg_names[pg_n], sizeof(pg_names[0]), "x_%d_%d", (int)getpid(), pg_n);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", pg_names[pg_n]);
	pg_admin_exec(sql);
	snprintf(url, size, "%.*s/%s", (int)(strrchr(base, '/') - base), base, pg_names[pg_n]);
	pg_n++;
	if (migrated)
		migrate(url);
}

/* A new SQLite database file in the test's directory; its URL into url. */
static void
new_sqlite(char *url, size_t size, const char *name, bool migrated)
{
	snprintf(url, size, "sqlite:%s/%s", dir, name);
	if (migrated)
		migrate(url);
}

static void
sqlite_exec(const char *url, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	cr_assert_eq(sqlite3_open(url + 7, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql,
	    msg ? msg : "?");
	sqlite3_close(db);
}

static char *
pg_value(const char *url, const char *sql)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQexec(c, sql);
	char *v;

	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
	cr_assert_eq(PQntuples(r), 1, "%s", sql);
	v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

static void
assert_pg_value(const char *url, const char *sql, const char *want)
{
	char *v = pg_value(url, sql);

	cr_assert_str_eq(v, want, "%s", sql);
	free(v);
}

static int64_t
sqlite_count(const char *url, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n;

	cr_assert_eq(sqlite3_open(url + 7, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
	    sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static const char *const tables[] = { "org", "staff_user", "session", "api_token",
	"audit_entry", "site_page", "poll", "poll_option", "ballot", "rate_count", "throttle",
	"recovery_code", "poll_code_batch", "poll_code", "idempotency", "survey", "survey_version",
	"survey_response", "survey_tally", "outbox", "consultation", "consultation_document",
	"consultation_attachment", "involvement_assessment", "involvement_link", "outcome",
	"outcome_link", "hear_back", "survey_code_batch", "survey_code", "survey_coded",
	"survey_coded_pack", "survey_comment" };
#define TABLE_N (sizeof(tables) / sizeof(tables[0]))

static int64_t
sqlite_count_db(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
	    sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every row of every table of a is in b and the other way round, with the
 * same values of the same storage classes (EXCEPT tells 1 from '1'). */
static void
assert_same_sqlite(const char *a, const char *b)
{
	sqlite3 *db;
	char sql[600];
	size_t i;

	cr_assert_eq(sqlite3_open(a + 7, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS other", b + 7);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < TABLE_N; i++) {
		snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM main.%s) - "
		    "(SELECT count(*) FROM other.%s)", tables[i], tables[i]);
		cr_assert_eq(sqlite_count_db(db, sql), 0, "%s", sql);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT * FROM main.%s "
		    "EXCEPT SELECT * FROM other.%s)", tables[i], tables[i]);
		cr_assert_eq(sqlite_count_db(db, sql), 0, "%s", sql);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT * FROM other.%s "
		    "EXCEPT SELECT * FROM main.%s)", tables[i], tables[i]);
		cr_assert_eq(sqlite_count_db(db, sql), 0, "%s", sql);
	}
	sqlite3_close(db);
}

/* The first value of the first row of sql on a SQLite database, as text;
 * the caller frees it. */
static char *
sqlite_text(const char *url, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v;

	cr_assert_eq(sqlite3_open(url + 7, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The same value in PostgreSQL as in SQLite. */
static void
assert_same_value(const char *pg, const char *pg_sql, const char *sq, const char *sq_sql)
{
	char *want = sqlite_text(sq, sq_sql);

	assert_pg_value(pg, pg_sql, want);
	free(want);
}

/* Rows whose values are easy to damage on the way. */
static void
fill_hard_values(const char *url)
{
	static const char pattern[] = "ab\\c\td\ne\rf\xc3\xa9";
	static char body[200 * 1024 + 1];
	char hex[513], *sql, *p;
	size_t i;

	sqlite_exec(url,
	    "INSERT INTO org (id, slug, name, created_at) VALUES "
	    "(1, 'bury', 'NHS Bury', 1700000000), "
	    "(7, '', 'Tab\there, new\nline, cr\r, back\\slash \\N \\. ''quoted'' \"dq\" "
	    "Ünïcødé 🏥 中文', -1), "
	    "(9223372036854775806, 'big', 'The largest id but one', 9223372036854775807);"
	    "INSERT INTO staff_user (id, org_id, email, role, password_hash, created_at) VALUES "
	    "(3, 1, 'a@example.org', 'administrator', '$argon2id$v=19$m=65536,t=2,p=1$x$y', "
	    "-9223372036854775808);"
	    "INSERT INTO session (hash, user_id, csrf, expires_at) VALUES "
	    "(X'00FF00FF', 3, 'c\tsrf', 2), (X'', 3, '', 3);"
	    "INSERT INTO api_token (id, hash, user_id, org_id, created_at) VALUES "
	    "(5, X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F', 3, 1, 4);"
	    "INSERT INTO audit_entry (seq, at, org_id, user_id, actor, action, target, detail, "
	    "prev, hash) VALUES (1, 5, 0, 0, 'cli', 'org.create', 'org:1', "
	    "'{\"name\":\"NHS \\\\ Bury\\n\"}', zeroblob(32), randomblob(32));"
	    "INSERT INTO poll (id, org_id, question, multiple, show_results, opens_at, "
	    "closes_at, closed_at, created_at, ballots) VALUES (2, 1, 'Which?', 1, 'after_vote', "
	    "9223372036854775807, -9223372036854775808, 0, 0, 3000);"
	    "INSERT INTO poll_option (id, poll_id, position, label, votes) VALUES "
	    "(10, 2, 2147483647, 'Yes ✓', 3000), (11, 2, -2147483648, 'No', 0);"
	    "WITH RECURSIVE b(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM b WHERE n < 3000) "
	    "INSERT INTO ballot (id, poll_id, voter_hash, cast_at, choices) "
	    "SELECT n * 3, 2, randomblob(16), n, '10' FROM b;"
	    "INSERT INTO rate_count (net, window_start, n) VALUES "
	    "('192.0.2.0/24', 9223372036854775807, -9223372036854775808), ('2001:db8::/48', 0, 1);"
	    "INSERT INTO survey (id, org_id, title, who, created_at, updated_at, version, "
	    "definition, next_option_id, responses) VALUES (4, 1, 'Your visit', 'anyone', 1, 2, 3, "
	    "'[{\"key\":\"p1\",\"questions\":[]}]', 9, 2);"
	    "INSERT INTO survey_version (survey_id, version, title, definition, changed_at, "
	    "changed_by) VALUES (4, 1, 'Your visit', '[]', 1, 'a@example.org');"
	    "INSERT INTO survey_response (id, survey_id, channel, state, version, answers, "
	    "created_at, updated_at, submitted_at, entered_by, respondent, link) VALUES "
	    "(1, 4, 'online', 'submitted', 1, '{\"answers\":{}}', 3600, 3600, 3600, 0, "
	    "randomblob(32), randomblob(32)), "
	    "(2, 4, 'paper', 'submitted', 1, '{}', 7200, 7200, 7200, 3, NULL, NULL);"
	    /* Real numbers that a decimal form easily rounds: each must come back
	     * bit for bit, a whole one (kept by SQLite as an integer on disk) too. */
	    "INSERT INTO survey_tally (survey_id, question, row_key, value, n, total) VALUES "
	    "(4, '', '', '', 2, 0.1), (4, 'score', '', '', 2, 3.0), (4, 'big', '', '', 1, 1e308), "
	    "(4, 'tiny', '', '', 1, 4.9406564584124654e-324), (4, 'third', '', '', 3, 1.0 / 3), "
	    "(4, 'minus', 'r', 'v', -1, -2.5);"
	    "INSERT INTO outbox (id, org_id, kind, recipient, subject, body, state, created_at, "
	    "attempts, next_attempt_at, last_attempt_at, lease_owner, lease_until, sent_at, "
	    "last_error) VALUES (4, 1, 'resume-link', X'00FF0A0D5C', 'Wyniki są ✓', "
	    "'Line\r\n.\nback\\slash \\N', 'unknown', 1, 2147483647, 3, 4, 'host/1/ab', "
	    "9223372036854775807, 0, 'no answer\tto the end');"
	    /* A consultation's file is bytes of every value; a link names a survey
	     * or a poll, the other NULL. */
	    "UPDATE survey SET kind = 'consultation' WHERE id = 4;"
	    "INSERT INTO consultation (survey_id, stage, stage_at, formative, formative_note, "
	    "checklist_by, checklist_at) VALUES (4, 'analysing', 9, 'yes', 'Still open ✓', "
	    "'a@example.org', 8);"
	    "INSERT INTO consultation_document (id, survey_id, position, title, body, easy_read, "
	    "created_at, updated_at) VALUES (5, 4, 1, 'Plan', '# Plan', '', 1, 2);"
	    "INSERT INTO consultation_attachment (id, document_id, name, media_type, size, "
	    "content, created_at) VALUES (6, 5, 'plan.pdf', 'application/pdf', 300000, "
	    "randomblob(300000), 3);"
	    "INSERT INTO involvement_assessment (id, org_id, title, proposal, affected, "
	    "involvement, duties, created_by, created_at, updated_at) VALUES (7, 1, 'Strategy', "
	    "'What', 'Who', 'required', 'nhs_act_s242', 'a@example.org', 1, 1);"
	    "INSERT INTO involvement_link (id, assessment_id, survey_id, poll_id, linked_by, "
	    "linked_at) VALUES (8, 7, 4, NULL, 'a@example.org', 1), "
	    "(9, 7, NULL, 2, 'a@example.org', 1);");
	/* Every byte value in one hash, and a body of several COPY pieces with
	 * escapes throughout. */
	p = hex;
	for (i = 0; i < 256; i++)
		p += sprintf(p, "%02X", (unsigned)i);
	cr_assert_geq(asprintf(&sql, "UPDATE session SET hash = X'%s' WHERE expires_at = 2", hex),
	    0);
	sqlite_exec(url, sql);
	free(sql);
	for (i = 0; i < sizeof(body) - 1; i++)
		body[i] = pattern[i % (sizeof(pattern) - 1)];
	body[sizeof(body) - 1] = '\0';
	/* Keep the body valid UTF-8: end on a whole character. */
	while (i > 0 && ((unsigned char)body[i - 1] & 0xc0) == 0x80)
		body[--i] = '\0';
	if (i > 0 && (unsigned char)body[i - 1] >= 0xc0)
		body[--i] = '\0';
	cr_assert_geq(asprintf(&sql, "INSERT INTO site_page (org_id, key, title, body, updated_at) "
	    "VALUES (1, 'home', 'Home', '%s', 6), (7, 'privacy', '', '', 7)", body), 0);
	sqlite_exec(url, sql);
	free(sql);
}

static const char *
first_error(const struct errors *e)
{
	return e->n ? e->list[0].detail : "";
}

Test(transfer, empty_databases_of_both_kinds_fit_the_table_list)
{
	char sq[300], pg[500];
	struct transfer_report r;
	struct errors e;
	int i;

	new_sqlite(sq, sizeof(sq), "a.db", true);
	new_pg(pg, sizeof(pg), true);
	errors_init(&e);
	cr_assert_eq(transfer_copy(sq, pg, &r, &e), 0, "%s", first_error(&e));
	cr_assert_eq(r.n, (int)TABLE_N);
	for (i = 0; i < r.n; i++) {
		cr_assert_str_eq(r.tables[i].table, tables[i]);
		cr_assert_eq(r.tables[i].rows, 0);
	}
}

Test(transfer, values_survive_sqlite_to_postgresql_and_back_exactly)
{
	char src[300], pg[500], back[300];
	struct transfer_report r;
	struct errors e;

	new_sqlite(src, sizeof(src), "src.db", true);
	fill_hard_values(src);
	new_pg(pg, sizeof(pg), true);
	new_sqlite(back, sizeof(back), "back.db", true);
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, pg, &r, &e), 0, "%s", first_error(&e));
	cr_assert_eq(r.tables[8].rows, 3000); /* ballot */
	/* In PostgreSQL itself, the values are the values, not escapes. */
	assert_same_value(pg, "SELECT upper(encode(convert_to(name, 'UTF8'), 'hex')) || "
	    "length(name) FROM org WHERE id = 7", src,
	    "SELECT hex(name) || length(name) FROM org WHERE id = 7");
	assert_same_value(pg, "SELECT upper(encode(convert_to(body, 'UTF8'), 'hex')) || "
	    "length(body) FROM site_page WHERE key = 'home'", src,
	    "SELECT hex(body) || length(body) FROM site_page WHERE key = 'home'");
	assert_same_value(pg, "SELECT upper(encode(hash, 'hex')) FROM session "
	    "WHERE expires_at = 2", src, "SELECT hex(hash) FROM session WHERE expires_at = 2");
	assert_pg_value(pg, "SELECT created_at FROM org WHERE id = 9223372036854775806",
	    "9223372036854775807");
	assert_pg_value(pg, "SELECT n FROM rate_count WHERE net = '192.0.2.0/24'",
	    "-9223372036854775808");
	assert_pg_value(pg, "SELECT length(hash) FROM session WHERE expires_at = 2", "256");
	assert_pg_value(pg, "SELECT length(hash) FROM session WHERE expires_at = 3", "0");
	assert_pg_value(pg, "SELECT position FROM poll_option WHERE id = 11", "-2147483648");
	assert_pg_value(pg, "SELECT total FROM survey_tally WHERE question = ''", "0.1");
	assert_pg_value(pg, "SELECT total FROM survey_tally WHERE question = 'big'", "1e+308");
	assert_pg_value(pg, "SELECT total FROM survey_tally WHERE question = 'tiny'", "5e-324");
	assert_pg_value(pg, "SELECT total = 1::float8 / 3 FROM survey_tally WHERE question = 'third'",
	    "t");
	assert_pg_value(pg, "SELECT count(*) FROM survey_response WHERE respondent IS NULL", "1");
	cr_assert_eq(transfer_copy(pg, back, &r, &e), 0, "%s", first_error(&e));
	assert_same_sqlite(src, back);
	assert_same_sqlite(back, src);
	cr_assert_gt(sqlite_count(src, "SELECT length(CAST(body AS BLOB)) FROM site_page "
	    "WHERE key = 'home'"), 3 * 65536);
	cr_assert_eq(sqlite_count(back, "SELECT count(*) FROM survey_tally "
	    "WHERE typeof(total) = 'real'"), 6);
}

Test(transfer, postgresql_ids_continue_after_the_copied_ones)
{
	char src[300], pg[500];
	struct store_config cfg = { 0 };
	struct store *s = NULL;
	struct errors e;
	struct org o;

	new_sqlite(src, sizeof(src), "src.db", true);
	sqlite_exec(src, "INSERT INTO org (id, slug, name, created_at) VALUES "
	    "(41, 'leeds', 'NHS Leeds', 1)");
	new_pg(pg, sizeof(pg), true);
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, pg, NULL, &e), 0, "%s", first_error(&e));
	cfg.url = pg;
	memcpy(cfg.audit_key, key, 32);
	cr_assert_eq(store_open(&cfg, &s, &e), 0, "%s", first_error(&e));
	cr_assert_eq(org_check(str_c("york"), str_c("NHS York"), &o, &e), 0);
	cr_assert_eq(store_org_create(s, &(struct actor){ 0, 0, "test" }, &o), 0);
	cr_assert_eq(o.id, 42);
	store_close(s);
}

Test(transfer, refuses_a_target_that_is_not_empty_or_not_migrated)
{
	char src[300], full[300], bare[500];
	struct errors e;

	new_sqlite(src, sizeof(src), "src.db", true);
	fill_hard_values(src);
	new_sqlite(full, sizeof(full), "full.db", true);
	sqlite_exec(full, "INSERT INTO rate_count (net, window_start, n) VALUES ('x', 1, 1)");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, full, NULL, &e), ERR_CONFLICT);
	cr_assert(strstr(first_error(&e), "not empty") != NULL, "%s", first_error(&e));
	cr_assert_eq(sqlite_count(full, "SELECT count(*) FROM org"), 0);
	cr_assert_eq(sqlite_count(full, "SELECT count(*) FROM rate_count"), 1);

	new_pg(bare, sizeof(bare), false);
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, bare, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "involve migrate") != NULL, "%s", first_error(&e));

	errors_init(&e);
	cr_assert_eq(transfer_copy("mysql://x", full, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "unknown kind of database URL") != NULL);
	errors_init(&e);
	cr_assert_neq(transfer_copy("sqlite:/nonexistent/dir/x.db", full, NULL, &e), 0);
	cr_assert(strstr(first_error(&e), "/nonexistent/dir/x.db") != NULL, "%s", first_error(&e));
}

Test(transfer, refuses_tables_and_columns_it_does_not_know)
{
	char src[300], dst[300];
	struct errors e;

	new_sqlite(src, sizeof(src), "src.db", true);
	new_sqlite(dst, sizeof(dst), "dst.db", true);
	sqlite_exec(src, "CREATE TABLE meeting (id INTEGER PRIMARY KEY)");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, dst, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "table meeting") != NULL, "%s", first_error(&e));
	sqlite_exec(src, "DROP TABLE meeting; ALTER TABLE poll ADD COLUMN colour TEXT");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, dst, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "column colour") != NULL, "%s", first_error(&e));
	sqlite_exec(src, "ALTER TABLE poll DROP COLUMN colour; DROP TABLE rate_count");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, dst, NULL, &e), ERR_INVALID, "%s", first_error(&e));
	cr_assert(strstr(first_error(&e), "no table rate_count") != NULL, "%s", first_error(&e));
}

Test(transfer, a_value_that_cannot_move_exactly_stops_the_copy)
{
	char src[300], pg[500];
	struct errors e;

	new_sqlite(src, sizeof(src), "src.db", true);
	new_pg(pg, sizeof(pg), true);
	/* SQLite keeps text in a whole-number column; PostgreSQL cannot. */
	sqlite_exec(src, "INSERT INTO org (id, slug, name, created_at) VALUES "
	    "(1, 'bury', 'NHS Bury', 'yesterday')");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, pg, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "table org, row 1: column created_at holds text") !=
	    NULL, "%s", first_error(&e));
	assert_pg_value(pg, "SELECT count(*) FROM org", "0");
	/* Nor text in a real number's column. */
	sqlite_exec(src, "UPDATE org SET created_at = 1; "
	    "INSERT INTO survey (id, org_id, title, who, created_at, updated_at, version, "
	    "definition, next_option_id) VALUES (4, 1, 'Your visit', 'anyone', 1, 1, 1, '[]', 1); "
	    "INSERT INTO survey_tally (survey_id, question, row_key, value, n, total) "
	    "VALUES (4, '', '', '', 1, 'many')");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, pg, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "column total holds text where a real number belongs") !=
	    NULL, "%s", first_error(&e));
	assert_pg_value(pg, "SELECT count(*) FROM survey", "0");
}

Test(transfer, a_failure_half_way_leaves_the_target_empty)
{
	char src[300], pg[500];
	struct errors e;
	size_t i;

	new_sqlite(src, sizeof(src), "src.db", true);
	fill_hard_values(src);
	new_pg(pg, sizeof(pg), true);
	/* The last table holds bytes that are not UTF-8: PostgreSQL refuses
	 * them after every other table has been written. */
	sqlite_exec(src, "INSERT INTO survey_tally (survey_id, question, row_key, value, n, total) "
	    "VALUES (4, CAST(X'C328' AS TEXT), '', '', 5, 5)");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, pg, NULL, &e), ERR_IO);
	cr_assert(strstr(first_error(&e), "UTF8") != NULL, "%s", first_error(&e));
	for (i = 0; i < TABLE_N; i++) {
		char sql[80];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		assert_pg_value(pg, sql, "0");
	}
	/* A NUL inside text, which PostgreSQL text cannot hold, is named. */
	sqlite_exec(src, "DELETE FROM survey_tally WHERE n = 5; "
	    "UPDATE org SET name = CAST(X'4100420043' AS TEXT) WHERE id = 1");
	errors_init(&e);
	cr_assert_eq(transfer_copy(src, pg, NULL, &e), ERR_INVALID);
	cr_assert(strstr(first_error(&e), "NUL") != NULL, "%s", first_error(&e));
	assert_pg_value(pg, "SELECT count(*) FROM org", "0");
}
