/*
 * serve_process.c - the open-file limit and the switch to an unprivileged
 * user for `involve serve` (see serve_process.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "involve/httpd.h"
#include "involve/log.h"
#include "serve_process.h"

unsigned
serve_raise_open_files(unsigned connections)
{
	struct rlimit rl, want;
	rlim_t need = (rlim_t)connections + HTTPD_FDS_RESERVED, was, fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		log_warn("serve", "cannot read the open-file limit: %s", strerror(errno));
		return connections;
	}
	was = rl.rlim_cur;
	want = rl;
	/* The hard limit can be raised only with privilege (root); try, and
	 * keep the old one if refused. */
	if (want.rlim_max != RLIM_INFINITY && want.rlim_max < need) {
		want.rlim_max = need;
		want.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
		else
			want = rl;
	}
	/* An unlimited hard limit is not a valid soft limit for open files. */
	want.rlim_cur = want.rlim_max == RLIM_INFINITY ? need : want.rlim_max;
	if (want.rlim_cur > rl.rlim_cur) {
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl.rlim_cur = want.rlim_cur;
		else
			log_warn("serve", "cannot raise the open-file limit from %llu to %llu: %s",
			    (unsigned long long)rl.rlim_cur, (unsigned long long)want.rlim_cur,
			    strerror(errno));
	}
	log_info("serve", "open-file limit %llu (was %llu; hard limit %llu)",
	    (unsigned long long)rl.rlim_cur, (unsigned long long)was,
	    (unsigned long long)rl.rlim_max);
	if (rl.rlim_cur >= need)
		return connections;
	fit = rl.rlim_cur > 2 * HTTPD_FDS_RESERVED ? rl.rlim_cur - HTTPD_FDS_RESERVED
	                                           : rl.rlim_cur / 2;
	log_warn("serve",
	    "the open-file limit %llu is below the %llu that %u connections need; "
	    "accepting at most %llu connections.  Raise the hard limit (LimitNOFILE= in a "
	    "systemd unit, or ulimit -Hn as root) or lower --max-connections",
	    (unsigned long long)rl.rlim_cur, (unsigned long long)need, connections,
	    (unsigned long long)fit);
	return (unsigned)fit;
}

bool
serve_user_lookup(const char *name, struct serve_user *u)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		fprintf(stderr,
		    "involve serve: --user needs the server to start as root (it runs as "
		    "uid %lu); start it as root, or leave out --user\n",
		    (unsigned long)geteuid());
		return false;
	}
	if (strlen(name) >= sizeof(u->name)) {
		fprintf(stderr, "involve serve: --user: the name is too long\n");
		return false;
	}
	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL) {
		fprintf(stderr, "involve serve: --user: there is no user \"%s\"%s%s\n", name,
		    errno ? ": " : "", errno ? strerror(errno) : "");
		return false;
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr,
		    "involve serve: --user: \"%s\" is root; name an unprivileged user\n", name);
		return false;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return true;
}

/* Gives the open file or directory fd to the user. */
static bool
own_fd(int fd, const struct serve_user *u, const char *what)
{
	if (fchown(fd, u->uid, u->gid) == 0)
		return true;
	fprintf(
	    stderr, "involve serve: cannot give %s to %s: %s\n", what, u->name, strerror(errno));
	return false;
}

/*
 * Walks the directory open at dirfd.  Every entry is opened relative to
 * its directory with O_NOFOLLOW and changed through its descriptor, so a
 * name swapped for a link between the look and the change is never
 * followed.
 */
static bool
own_tree(int dirfd, const struct serve_user *u, const char *path, int depth)
{
	char child[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, copy;
	bool ok = true;

	copy = dup(dirfd);
	if (copy < 0 || (d = fdopendir(copy)) == NULL) {
		if (copy >= 0)
			close(copy);
		fprintf(stderr, "involve serve: cannot read %s: %s\n", path, strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		fd = openat(dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ELOOP)
				log_warn(
				    "serve", "left %s to its owner: it is a symbolic link", child);
			else
				log_warn(
				    "serve", "left %s to its owner: %s", child, strerror(errno));
			continue;
		}
		if (fstat(fd, &st) != 0) {
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth >= SERVE_CHOWN_DEPTH_MAX) {
				fprintf(stderr,
				    "involve serve: %s is nested more than %d levels deep\n", child,
				    SERVE_CHOWN_DEPTH_MAX);
				ok = false;
			} else if (!own_fd(fd, u, child) || !own_tree(fd, u, child, depth + 1)) {
				ok = false;
			}
		} else if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
			ok = own_fd(fd, u, child) && ok;
		} else {
			log_warn(
			    "serve", "left %s to its owner: not a plain file with one link", child);
		}
		close(fd);
	}
	closedir(d);
	return ok;
}

bool
serve_user_own_data(const struct serve_user *u, const char *data_dir)
{
	int fd;
	bool ok;

	if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "involve serve: cannot create the data directory %s: %s\n",
		    data_dir, strerror(errno));
		return false;
	}
	fd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "involve serve: cannot open the data directory %s: %s\n", data_dir,
		    strerror(errno));
		return false;
	}
	ok = own_fd(fd, u, data_dir) && own_tree(fd, u, data_dir, 1);
	close(fd);
	return ok;
}

bool
serve_user_switch(const struct serve_user *u)
{
	/* Groups first: once the user id has changed they can no longer be
	 * changed.  Only the user's own group: no supplementary ones. */
	if (setgroups(1, &u->gid) != 0 || setgid(u->gid) != 0 || setuid(u->uid) != 0) {
		fprintf(stderr, "involve serve: cannot become %s: %s\n", u->name, strerror(errno));
		return false;
	}
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 || getuid() != u->uid ||
	    geteuid() != u->uid || getgid() != u->gid || getegid() != u->gid) {
		fprintf(stderr,
		    "involve serve: became %s, but root could be taken back; stopping\n", u->name);
		return false;
	}
	log_info("serve", "running as %s (uid %lu, gid %lu)", u->name, (unsigned long)u->uid,
	    (unsigned long)u->gid);
	return true;
}
