/*
 * delay.h - answering a refusal after a pause, without holding a thread.
 *
 * A client refused for trying too often (a throttled sign-in, one turned
 * away because the password checks are all busy) would otherwise be
 * answered in microseconds and ask again at once: six such clients make
 * tens of thousands of requests a second, and the machine's time goes to
 * refusing them.  Answered after a pause instead, each costs a suspended
 * connection and nothing else while it waits.  One thread keeps the
 * waiting responses in order of when they are due and finishes each
 * (http_response_finish) when its time comes.
 */
#ifndef INVOLVE_DELAY_H
#define INVOLVE_DELAY_H

#include "involve/error.h"
#include "involve/http.h"

/* At most this many answers wait at once; more are answered at once. */
#define DELAY_WAITING_MAX 4096

struct delayer;

int delayer_start(struct delayer **out);
/* Finishes every answer still waiting, then stops.  NULL is allowed. */
void delayer_stop(struct delayer *d);
/* Finishes res after ms milliseconds (res->then gives the answer): 0, or
 * ERR_BUSY when too many wait (the caller answers at once). */
int delayer_add(struct delayer *d, struct http_response *res, int ms);

#endif
