/*
 * ballot_batch.c - PostgreSQL's own form of two steps of the ballot writer
 * (ballots.c): counting the networks' attempts and inserting the ballots
 * with their counts, each in one statement for the whole batch.
 *
 * Engine-specific SQL, on purpose.  The portable form takes a round trip to
 * the server per ballot (and per network); on PostgreSQL each is a network
 * exchange, so a batch of 500 ballots would wait for 500 of them while the
 * poll rows stay locked.  Here the batch travels as arrays (unnest) and
 * comes back as one result: the statements a batch costs do not grow with
 * its size (bench/RESULTS.md, "PostgreSQL: the batch statement").
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../ballots.h"
#include "pg_array.h"

/* ---- networks --------------------------------------------------------------------- */

int
ballots_count_nets_pg(struct db_conn *c, struct net_count *nets, int n, struct arena *a)
{
	struct buf names = BUF_INIT, starts = BUF_INIT, adds = BUF_INIT;
	struct db_stmt *st;
	struct str name;
	int i, k, rc;

	(void)a;
	pg_array_open(&names);
	pg_array_open(&starts);
	pg_array_open(&adds);
	for (i = 0; i < n; i++) {
		pg_array_text(&names, str_c(nets[i].net));
		pg_array_int(&starts, nets[i].window_start);
		pg_array_int(&adds, nets[i].added);
	}
	st = db_prepare(c, "INSERT INTO rate_count AS rc (net, window_start, n) "
	    "SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[]) ORDER BY 1, 2 "
	    "ON CONFLICT (net, window_start) DO UPDATE SET n = rc.n + excluded.n "
	    "RETURNING net, window_start, n");
	db_bind_text(st, 1, pg_array_close(&names));
	db_bind_text(st, 2, pg_array_close(&starts));
	db_bind_text(st, 3, pg_array_close(&adds));
	rc = buf_ok(&names) && buf_ok(&starts) && buf_ok(&adds) ? 0 : ERR_NOMEM;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		name = db_col_text(st, 0);
		for (k = 0; k < n; k++)
			if (str_eq_c(name, nets[k].net) && nets[k].window_start == db_col_int(st, 1))
				nets[k].total = db_col_int(st, 2);
	}
	buf_free(&names);
	buf_free(&starts);
	buf_free(&adds);
	return rc < 0 ? rc : 0;
}

/* ---- ballots ------------------------------------------------------------------------ */

int
ballots_insert_pg(struct db_conn *c, struct ballot_job **jobs, int n, struct arena *a)
{
	struct buf polls = BUF_INIT, voters = BUF_INIT, times = BUF_INIT, choices = BUF_INIT;
	char (*hex)[2 * STORE_VOTER_KEY + 1] = arena_array(a, (size_t)n, sizeof(*hex));
	char list[POLL_OPTIONS_MAX * 21];
	struct db_stmt *st;
	struct str v;
	int64_t poll_id;
	int i, k, m, rc = 0, any = 0;

	if (hex == NULL)
		return ERR_NOMEM;
	pg_array_open(&polls);
	pg_array_open(&voters);
	pg_array_open(&times);
	pg_array_open(&choices);
	for (i = 0; i < n; i++) {
		struct ballot_job *j = jobs[i];

		if (j->job.rc != 0)
			continue;
		sodium_bin2hex(hex[i], sizeof(hex[i]), j->voter, STORE_VOTER_KEY);
		for (k = 0, m = 0; k < j->ballot.choice_n; k++)
			m += snprintf(list + m, sizeof(list) - (size_t)m, "%s%lld", k ? "," : "",
			    (long long)j->ballot.choices[k]);
		pg_array_int(&polls, j->poll_id);
		pg_array_text(&voters, str_c(hex[i]));
		pg_array_int(&times, BALLOT_TIME(j->now));
		pg_array_text(&choices, str_c(list));
		any = 1;
	}
	if (!any)
		goto out;
	/* The counts come from what the insert returns, so a second vote adds
	 * nothing; the poll rows are locked by the batch already. */
	st = db_prepare(c, "WITH ins AS (INSERT INTO ballot (poll_id, voter_hash, cast_at, choices) "
	    "SELECT p, decode(v, 'hex'), t, c FROM unnest(?::bigint[], ?::text[], ?::bigint[], "
	    "?::text[]) AS u(p, v, t, c) ON CONFLICT (poll_id, voter_hash) DO NOTHING "
	    "RETURNING poll_id, voter_hash, choices), "
	    "options AS (UPDATE poll_option o SET votes = o.votes + x.n FROM (SELECT ch::bigint AS id, "
	    "count(*) AS n FROM ins, unnest(string_to_array(ins.choices, ',')) AS ch GROUP BY 1) x "
	    "WHERE o.id = x.id), "
	    "polls AS (UPDATE poll p SET ballots = p.ballots + x.n FROM (SELECT poll_id, count(*) AS n "
	    "FROM ins GROUP BY 1) x WHERE p.id = x.poll_id) "
	    "SELECT poll_id, encode(voter_hash, 'hex') FROM ins");
	db_bind_text(st, 1, pg_array_close(&polls));
	db_bind_text(st, 2, pg_array_close(&voters));
	db_bind_text(st, 3, pg_array_close(&times));
	db_bind_text(st, 4, pg_array_close(&choices));
	if (!buf_ok(&polls) || !buf_ok(&voters) || !buf_ok(&times) || !buf_ok(&choices)) {
		rc = ERR_NOMEM;
		goto out;
	}
	/* Each returned row is the first ballot of the batch with that key;
	 * the rest are second votes. */
	while ((rc = db_step(st)) == DB_ROW) {
		poll_id = db_col_int(st, 0);
		v = db_col_text(st, 1);
		for (i = 0; i < n; i++) {
			struct ballot_job *j = jobs[i];

			if (j->job.rc == 0 && !j->written && j->poll_id == poll_id &&
			    str_eq_c(v, hex[i])) {
				j->written = true;
				break;
			}
		}
	}
	if (rc != DB_DONE)
		goto out;
	for (i = 0; i < n; i++)
		if (jobs[i]->job.rc == 0 && !jobs[i]->written)
			jobs[i]->job.rc = ERR_DUPLICATE;
out:
	buf_free(&polls);
	buf_free(&voters);
	buf_free(&times);
	buf_free(&choices);
	return rc < 0 ? rc : 0;
}
