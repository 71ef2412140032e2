/*
 * backup_sqlite.c - SQLite backups with SQLite's online backup API
 * (sqlite3_backup_*), which copies the database page by page.
 *
 * Backing up copies every page in one step, so from one read snapshot: the
 * server's writer carries on meanwhile (WAL readers do not hold it up), and
 * the copy is the database as it was at one commit.  Copying in several
 * steps would start again after each of the server's writes, and under a
 * steady flow of votes might never finish.  The backup file is then put in
 * rollback-journal mode, so it is one self-contained file that opens
 * read-only anywhere, with no -wal or -shm beside it.
 *
 * Restoring checks the backup first (SQLite's quick_check and the mark of
 * an involve database), then copies it over the database in one write
 * transaction of the target: a failure leaves the database as it was.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "../backup_db.h"
#include "../transfer_db.h"

/* How often, and how long apart, a busy or locked source is tried again. */
#define BACKUP_BUSY_TRIES 100
#define BACKUP_BUSY_WAIT_MS 100

static int
copy_pages(struct xfer_db *to, struct xfer_db *from, const char *doing)
{
	sqlite3 *dst = xfer_sqlite_handle(to), *src = xfer_sqlite_handle(from);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc, tries = 0;

	if (b == NULL) {
		xfer_error(to, "%s: %s", doing, sqlite3_errmsg(dst));
		return ERR_IO;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries == BACKUP_BUSY_TRIES)
			break;
		sqlite3_sleep(BACKUP_BUSY_WAIT_MS);
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
			xfer_error(to, "%s: the database stayed locked by another program", doing);
			return ERR_BUSY;
		}
		xfer_error(to, "%s: %s", doing, sqlite3_errmsg(dst));
		return (rc & 0xff) == SQLITE_FULL ? ERR_FULL : ERR_IO;
	}
	return 0;
}

int
backup_sqlite_write(const char *db_path, const char *file, struct errors *e)
{
	struct xfer_db *src = NULL, *dst = NULL;
	int rc;

	if ((rc = xfer_sqlite_open(db_path, "source", XFER_OPEN_EXISTING, e, &src)) != 0 ||
	    (rc = xfer_check_involve(src)) != 0)
		goto out;
	if ((rc = xfer_sqlite_open(file, "backup", XFER_OPEN_EXISTING, e, &dst)) != 0 ||
	    (rc = copy_pages(dst, src, "backing up")) != 0)
		goto out;
	if (sqlite3_exec(xfer_sqlite_handle(dst), "PRAGMA journal_mode=DELETE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		xfer_error(dst, "finishing the backup: %s",
		    sqlite3_errmsg(xfer_sqlite_handle(dst)));
		rc = ERR_IO;
	}
out:
	if (dst)
		dst->ops->close(dst);
	if (src)
		src->ops->close(src);
	return rc;
}

/* SQLite's quick check of the file's structure: every page readable, every
 * record well-formed. */
static int
check_file(struct xfer_db *db, const char *file)
{
	sqlite3 *h = xfer_sqlite_handle(db);
	sqlite3_stmt *st;
	const char *first;
	int rc;

	if (sqlite3_prepare_v2(h, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK) {
		xfer_error(db, "%s cannot be read: %s", file, sqlite3_errmsg(h));
		return ERR_INVALID;
	}
	rc = sqlite3_step(st);
	first = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (first == NULL || strcmp(first, "ok") != 0) {
		xfer_error(db, "%s is damaged: %s", file, first ? first : sqlite3_errmsg(h));
		rc = ERR_INVALID;
	} else {
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
backup_sqlite_restore(const char *db_path, const char *file, bool force, struct errors *e)
{
	struct xfer_db *src = NULL, *dst = NULL;
	char table[64];
	int64_t rows;
	int rc;

	if ((rc = xfer_sqlite_open(file, "backup", XFER_OPEN_READONLY, e, &src)) != 0 ||
	    (rc = check_file(src, file)) != 0 || (rc = xfer_check_involve(src)) != 0)
		goto out;
	if ((rc = xfer_sqlite_open(db_path, "target", XFER_OPEN_CREATE, e, &dst)) != 0)
		goto out;
	if (!force) {
		if ((rc = xfer_any_rows(dst, table, sizeof(table), &rows)) != 0)
			goto out;
		if (table[0]) {
			xfer_error(dst, "it is not empty (table %s has %lld rows); restoring "
			    "replaces all of it: add --force to do that", table, (long long)rows);
			rc = ERR_CONFLICT;
			goto out;
		}
	}
	rc = copy_pages(dst, src, "restoring");
out:
	if (dst)
		dst->ops->close(dst);
	if (src)
		src->ops->close(src);
	return rc;
}
