/*
 * serve_process.h - what `involve serve` does to its own process before
 * and after it starts listening: raise the open-file limit to fit the
 * connections it will accept, and give up root for an unprivileged user.
 */
#ifndef INVOLVE_SERVE_PROCESS_H
#define INVOLVE_SERVE_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

/* Directory levels below the data directory handed to --user: it holds
 * keys/ and perhaps a backup folder, never deep trees, and the walk must
 * stay bounded. */
#define SERVE_CHOWN_DEPTH_MAX 8

/*
 * Raises the soft open-file limit to the hard limit (as root, the hard
 * one too when it is below what `connections` need) and logs what it is.
 * Returns how many connections fit: `connections`, or fewer when the
 * limit is too low, which it logs as a warning.
 */
unsigned serve_raise_open_files(unsigned connections);

/* The user to become (`serve --user`). */
struct serve_user {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/*
 * Checks that the process may switch to `name` (it runs as root; the user
 * exists and is not root) and fills u.  Prints what is wrong and returns
 * false otherwise.
 */
bool serve_user_lookup(const char *name, struct serve_user *u);
/*
 * Gives the data directory, and every directory and file in it, to the
 * user, so that files the server creates after the switch (the
 * database's WAL and shared-memory files, new keys) can be written.
 * Symbolic links and hard-linked files are left alone and reported: a
 * hard link or a link swapped in by the unprivileged user must not turn
 * into root changing the owner of a file elsewhere.  False on failure.
 */
bool serve_user_own_data(const struct serve_user *u, const char *data_dir);
/*
 * Becomes the user for good: supplementary groups, group, then user, and
 * checks that root cannot be taken back.  False (and a message) when any
 * step fails; the caller must then stop.
 */
bool serve_user_switch(const struct serve_user *u);

#endif
