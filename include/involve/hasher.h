/*
 * hasher.h - password checks on threads of their own.
 *
 * An argon2id check takes 64 MiB and a good part of a second's CPU.  Done
 * on the HTTP server's threads, a handful of people signing in at once (or
 * an attacker posting passwords) would hold every thread and starve every
 * other request.  So checks run here: a few workers (one per core but one)
 * and a short queue; a check that finds the queue full is refused at once
 * (the caller answers 503 with Retry-After), and the HTTP thread that
 * asked goes on serving others while it waits.
 */
#ifndef INVOLVE_HASHER_H
#define INVOLVE_HASHER_H

#include <stdbool.h>

#include "involve/error.h"
#include "involve/secret.h"

struct hasher;

/* The longest password checked (longer ones are cut to this by the caller). */
#define HASHER_PASSWORD_MAX 1024

struct hash_job {
	/* What to check the password against, an argon2 string; "" to hash
	 * the password anyway and answer false (an unknown account takes the
	 * time a known one does). */
	char stored[SECRET_PWHASH_MAX];
	char password[HASHER_PASSWORD_MAX + 1]; /* wiped once checked */
	bool ok;                                /* the answer */
	/* Called on the worker's thread once checked: hand the answer on, do
	 * no more (another check waits). */
	void (*done)(struct hash_job *j);
	void *arg;
	struct hash_job *next; /* the queue's */
};

/* Starts `workers` threads with room for `queue` checks waiting.  0, or
 * ERR_NOMEM / ERR_IO. */
int hasher_start(int workers, int queue, struct hasher **out);
/* Finishes the checks queued, then stops the workers.  NULL is allowed. */
void hasher_stop(struct hasher *h);
/* Whether a check submitted now would be refused: a moment's answer, so
 * that a flood of attempts is turned away before anything costly is done. */
bool hasher_full(struct hasher *h);
/* Queues j (which must live until its done has run): 0, or ERR_BUSY when
 * the queue is full or the hasher is stopping (j->done is then not called). */
int hasher_submit(struct hasher *h, struct hash_job *j);

#endif
