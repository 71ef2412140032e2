/*
 * ballots.h - what the ballot writer (ballots.c) shares with the engine's
 * own way of writing a batch of ballots (pg/ballot_batch.c).
 *
 * Ballots are the hot path: many a second, each one a job for the
 * group-commit writer.  ballots.c runs a batch of them with SQL both
 * engines accept; two of its steps have a PostgreSQL form that writes the
 * whole batch in one statement, where the portable form takes one round
 * trip to the server per ballot (see pg/ballot_batch.c for the figures).
 *
 * Not a public header: only src/store includes it.
 */
#ifndef INVOLVE_STORE_BALLOTS_H
#define INVOLVE_STORE_BALLOTS_H

#include "involve/arena.h"
#include "store_priv.h"

/* One ballot on its way to the writer; from the caller's arena, or the
 * heap when it gave none (freed once done has been called). */
/*
 * A ballot's time is kept to the hour only: with the second, the time in a
 * web server's or a proxy's log would link an address to an answer.
 */
#define BALLOT_TIME_GRAIN 3600
#define BALLOT_TIME(now) ((now) - (now) % BALLOT_TIME_GRAIN)

struct ballot_job {
	struct db_job job;
	int64_t poll_id;
	int64_t now;
	struct ballot ballot;
	unsigned char voter[STORE_VOTER_KEY];
	char net[STORE_NET_SIZE];
	int limit, window;  /* limit 0: not limited */
	struct ballot_claim claim;
	bool written;       /* inserted in this batch */
	bool replayed;      /* its retry key was counted before: answered 0, written nothing */
	store_done_fn done;
	void *arg;
	bool on_heap;
};

/* A network's attempts in one window, within one batch. */
struct net_count {
	const char *net;
	int64_t window_start;
	int64_t added; /* attempts in this batch */
	int64_t total; /* the window's count after this batch, every server's included */
};

/*
 * Adds nets[i].added to each network's window and sets nets[i].total.  The
 * rows are taken in key order, so batches on two servers never deadlock.
 */
int ballots_count_nets_pg(struct db_conn *c, struct net_count *nets, int n, struct arena *a);
/*
 * Inserts the ballots of jobs[0..n) whose rc is 0, sets written on those
 * inserted and ERR_DUPLICATE on the others (that voter has voted), and adds
 * what was inserted to the polls' and options' counts.
 */
int ballots_insert_pg(struct db_conn *c, struct ballot_job **jobs, int n, struct arena *a);

#endif
