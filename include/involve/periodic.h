/*
 * periodic.h - a thread of `involve serve` that does one pass of work
 * every few seconds: again at once when a pass says more is waiting, early
 * when woken (new work queued), and never again once stopped, the pass in
 * hand finishing first.  The outbox's mail and the comments' reading are
 * such threads (mail_worker.h, comment_worker.h).
 */
#ifndef INVOLVE_PERIODIC_H
#define INVOLVE_PERIODIC_H

#include <stdatomic.h>
#include <stdbool.h>

/* One pass; stopping becomes true when the thread is asked to stop, for a
 * long pass to look at.  Returns true when more is waiting. */
typedef bool (*periodic_fn)(void *arg, const atomic_bool *stopping);

struct periodic;

/* Starts the thread, named name (at most 15 bytes), its first pass at once
 * and then every interval seconds.  0, or -1 when no thread could start. */
int periodic_start(const char *name, int interval, periodic_fn fn, void *arg,
    struct periodic **out);
/* The next pass now, not at the end of the interval. */
void periodic_wake(struct periodic *p);
/* Lets the pass in hand finish, ends the thread and frees p; NULL is
 * allowed. */
void periodic_stop(struct periodic *p);

#endif
