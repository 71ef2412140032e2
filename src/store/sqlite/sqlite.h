/*
 * sqlite.h - what the files of the SQLite driver share.
 *
 * Not a public header: only src/store/sqlite/ includes it.
 */
#ifndef INVOLVE_STORE_SQLITE_H
#define INVOLVE_STORE_SQLITE_H

/* How long a connection waits for a lock before failing. */
#define SQLITE_BUSY_TIMEOUT_MS 10000
/*
 * Log pages after which the writer copies the log back into the database
 * (SQLite's default is 1000).  The checkpoint runs on the writer, between
 * batches, so it always catches up and the log starts again from the
 * beginning; fewer, larger checkpoints copy a page changed by many ballots
 * once instead of many times.  Much larger makes the ballots that wait for
 * a checkpoint wait too long (bench/RESULTS.md).
 */
#define SQLITE_CHECKPOINT_PAGES 2000

/* The VFS that gathers the writer's log writes (walbuf.c). */
#define SQLITE_WALBUF_VFS "involve-walbuf"
int sqlite_walbuf_register(void);

#endif
