/*
 * backup.c - backup files (see backup.h): picks the kind of backup from
 * the database URL, and looks after the file itself.
 *
 * A backup is written under a temporary name beside its final one
 * (mkstemp: mode 0600 whatever the umask), fsynced, and only then linked
 * to its name.  link() fails when the name exists, so an existing file is
 * never replaced, even one that appears while the backup runs; and a
 * backup that fails half-way leaves nothing that looks like a backup.
 *
 * A restore first reads the file's first bytes: a SQLite database and a
 * pg_dump archive each start with their own signature, so a backup of the
 * other kind is refused with a message that says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "involve/backup.h"
#include "backup_db.h"
#include "transfer_db.h"

#define SQLITE_SIGNATURE "SQLite format 3"   /* and a NUL: 16 bytes */
#define PGDUMP_SIGNATURE "PGDMP"

static int
fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Makes the name `path` for the complete file `tmp`, refusing to replace
 * anything, and makes the new name durable. */
static int
publish(const char *tmp, const char *path, struct errors *e)
{
	char dir[PATH_MAX];

	if (fsync_path(tmp, O_RDONLY) != 0) {
		errors_add(e, "", "cannot write %s to disk: %s", path, strerror(errno));
		return ERR_IO;
	}
	if (link(tmp, path) != 0) {
		int err = errno;

		if (err == EEXIST) {
			errors_add(e, "", "%s already exists; a backup never replaces a file",
			    path);
			return ERR_CONFLICT;
		}
		errors_add(e, "", "cannot create %s: %s", path, strerror(err));
		return ERR_IO;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if (fsync_path(dirname(dir), O_RDONLY | O_DIRECTORY) != 0) {
		errors_add(e, "", "cannot write the directory of %s to disk: %s", path,
		    strerror(errno));
		return ERR_IO;
	}
	return 0;
}

int
backup_write(const char *url, const char *path, struct errors *e)
{
	char tmp[PATH_MAX];
	const char *db_path;
	enum db_engine kind;
	struct stat sb;
	int fd, rc;

	if (db_url_parse(url, "database", &kind, &db_path, e) != 0)
		return ERR_INVALID;
	/* Checked here to fail before the work; publish() checks again. */
	if (lstat(path, &sb) == 0) {
		errors_add(e, "", "%s already exists; a backup never replaces a file", path);
		return ERR_CONFLICT;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		errors_add(e, "", "the file name is too long");
		return ERR_INVALID;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		errors_add(e, "", "cannot create %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	close(fd);
	if (kind == DB_SQLITE)
		rc = backup_sqlite_write(db_path, tmp, e);
	else
		rc = backup_pg_write(url, tmp, e);
	if (rc == 0)
		rc = publish(tmp, path, e);
	/* The backup keeps only its real name (or, on failure, nothing). */
	unlink(tmp);
	return rc;
}

/* The kind of backup in path, from its first bytes; ERR_INVALID with a
 * message when it cannot be read or is neither kind. */
static int
file_kind(const char *path, enum db_engine *out, struct errors *e)
{
	char head[16];
	ssize_t n;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		errors_add(e, "", "cannot read %s: %s", path, strerror(errno));
		return ERR_INVALID;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		errors_add(e, "", "%s is not a file", path);
		close(fd);
		return ERR_INVALID;
	}
	n = read(fd, head, sizeof(head));
	if (n < 0) {
		errors_add(e, "", "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return ERR_INVALID;
	}
	close(fd);
	if (n == (ssize_t)sizeof(head) && memcmp(head, SQLITE_SIGNATURE, 16) == 0) {
		*out = DB_SQLITE;
		return 0;
	}
	if (n >= 5 && memcmp(head, PGDUMP_SIGNATURE, 5) == 0) {
		*out = DB_POSTGRESQL;
		return 0;
	}
	errors_add(e, "", "%s is not an involve backup: it is neither a SQLite database "
	    "nor a pg_dump archive", path);
	return ERR_INVALID;
}

int
backup_restore(const char *url, const char *path, bool force, struct errors *e)
{
	const char *db_path;
	enum db_engine kind, file;

	if (db_url_parse(url, "database", &kind, &db_path, e) != 0)
		return ERR_INVALID;
	if (file_kind(path, &file, e) != 0)
		return ERR_INVALID;
	if (file != kind) {
		errors_add(e, "", "%s is a %s backup: restore it into a %s database (and "
		    "copy between kinds with involve migrate-data)", path,
		    file == DB_SQLITE ? "SQLite" : "PostgreSQL",
		    file == DB_SQLITE ? "SQLite" : "PostgreSQL");
		return ERR_INVALID;
	}
	if (kind == DB_SQLITE)
		return backup_sqlite_restore(db_path, path, force, e);
	return backup_pg_restore(url, path, force, e);
}
