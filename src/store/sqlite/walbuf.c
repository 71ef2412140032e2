/*
 * sqlite_walbuf.c - a thin SQLite VFS that gathers the writer's log writes.
 *
 * SQLite writes each frame of the write-ahead log with two pwrite calls
 * (its header and its page), so a commit of a batch of ballots costs a
 * few hundred system calls before its one fdatasync.  This VFS wraps the
 * default one and, for log files only, keeps consecutive writes in memory
 * and hands them to the kernel in one pwrite just before they must be
 * there: before a sync (so "committed" still means "on disk"), a read, a
 * truncate, a size query, a non-consecutive write or a full buffer, and
 * on close, in pieces of at most WALBUF_WRITE_MAX.  Every other file,
 * and every other operation, goes straight through.  SQLite offers no
 * option for this; the VFS is its documented way to change how files are
 * written.
 *
 * Only the writer's connection opens the database through this VFS.
 * Readers use the default one: they read a frame only after the commit
 * that wrote it has synced, and the sync flushes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <stdbool.h>

#include "involve/error.h"
#include "sqlite.h"

#define WALBUF_SIZE (1024 * 1024)
/* The default VFS writes at most 128 KiB - 1 bytes per call (it masks the
 * length to 17 bits), so a flush hands it pieces no larger than this. */
#define WALBUF_WRITE_MAX (64 * 1024)

struct walbuf_file {
	sqlite3_file base;      /* our methods */
	sqlite3_file *real;     /* the default VFS's file, just after this struct */
	bool is_log;
	char *buf;              /* pending bytes, for log files */
	size_t n;
	sqlite3_int64 offset;   /* file offset of buf[0] */
};

static sqlite3_vfs walbuf_vfs;
static sqlite3_vfs *real_vfs;

static int
flush(struct walbuf_file *f)
{
	size_t done, piece;
	int rc = SQLITE_OK;

	for (done = 0; done < f->n && rc == SQLITE_OK; done += piece) {
		piece = f->n - done < WALBUF_WRITE_MAX ? f->n - done : WALBUF_WRITE_MAX;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)piece,
		    f->offset + (sqlite3_int64)done);
	}
	f->n = 0;
	return rc;
}

static int
wb_close(sqlite3_file *file)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f), rc2;

	rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
wb_read(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, amount, offset);
}

static int
wb_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc;

	if (!f->is_log || f->buf == NULL || amount > WALBUF_WRITE_MAX)
		return f->real->pMethods->xWrite(f->real, data, amount, offset);
	if (f->n > 0 && (offset != f->offset + (sqlite3_int64)f->n ||
	    f->n + (size_t)amount > WALBUF_SIZE)) {
		if ((rc = flush(f)) != SQLITE_OK)
			return rc;
	}
	if (f->n == 0)
		f->offset = offset;
	memcpy(f->buf + f->n, data, (size_t)amount);
	f->n += (size_t)amount;
	return SQLITE_OK;
}

static int
wb_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int
wb_sync(sqlite3_file *file, int flags)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int
wb_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

/* The rest pass straight through (after a flush where order could show). */
static int
wb_lock(sqlite3_file *file, int level)
{
	return ((struct walbuf_file *)file)->real->pMethods->xLock(
	    ((struct walbuf_file *)file)->real, level);
}

static int
wb_unlock(sqlite3_file *file, int level)
{
	return ((struct walbuf_file *)file)->real->pMethods->xUnlock(
	    ((struct walbuf_file *)file)->real, level);
}

static int
wb_check_reserved_lock(sqlite3_file *file, int *out)
{
	return ((struct walbuf_file *)file)->real->pMethods->xCheckReservedLock(
	    ((struct walbuf_file *)file)->real, out);
}

static int
wb_file_control(sqlite3_file *file, int op, void *arg)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
wb_sector_size(sqlite3_file *file)
{
	return ((struct walbuf_file *)file)->real->pMethods->xSectorSize(
	    ((struct walbuf_file *)file)->real);
}

static int
wb_device_characteristics(sqlite3_file *file)
{
	return ((struct walbuf_file *)file)->real->pMethods->xDeviceCharacteristics(
	    ((struct walbuf_file *)file)->real);
}

static int
wb_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
	return ((struct walbuf_file *)file)->real->pMethods->xShmMap(
	    ((struct walbuf_file *)file)->real, page, size, extend, out);
}

static int
wb_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	return ((struct walbuf_file *)file)->real->pMethods->xShmLock(
	    ((struct walbuf_file *)file)->real, offset, n, flags);
}

static void
wb_shm_barrier(sqlite3_file *file)
{
	((struct walbuf_file *)file)->real->pMethods->xShmBarrier(((struct walbuf_file *)file)->real);
}

static int
wb_shm_unmap(sqlite3_file *file, int delete_flag)
{
	return ((struct walbuf_file *)file)->real->pMethods->xShmUnmap(
	    ((struct walbuf_file *)file)->real, delete_flag);
}

static int
wb_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc = flush(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFetch(f->real, offset, amount, out);
}

static int
wb_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *p)
{
	return ((struct walbuf_file *)file)->real->pMethods->xUnfetch(
	    ((struct walbuf_file *)file)->real, offset, p);
}

static const sqlite3_io_methods walbuf_methods = {
	3, wb_close, wb_read, wb_write, wb_truncate, wb_sync, wb_file_size, wb_lock, wb_unlock,
	wb_check_reserved_lock, wb_file_control, wb_sector_size, wb_device_characteristics,
	wb_shm_map, wb_shm_lock, wb_shm_barrier, wb_shm_unmap, wb_fetch, wb_unfetch,
};

static int
wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	struct walbuf_file *f = (struct walbuf_file *)file;
	int rc;

	(void)vfs;
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		f->base.pMethods = NULL; /* SQLite then does not call xClose */
		return rc;
	}
	if (f->real->pMethods->iVersion < 3) {
		f->real->pMethods->xClose(f->real);
		f->base.pMethods = NULL;
		return SQLITE_CANTOPEN;
	}
	f->is_log = (flags & SQLITE_OPEN_WAL) != 0;
	if (f->is_log && (f->buf = malloc(WALBUF_SIZE)) == NULL)
		f->is_log = false; /* no memory: write through, still correct */
	f->base.pMethods = &walbuf_methods;
	return SQLITE_OK;
}

static void
register_vfs(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	walbuf_vfs = *real_vfs;
	walbuf_vfs.zName = SQLITE_WALBUF_VFS;
	walbuf_vfs.szOsFile = (int)sizeof(struct walbuf_file) + real_vfs->szOsFile;
	walbuf_vfs.xOpen = wb_open;
	walbuf_vfs.pNext = NULL;
	sqlite3_vfs_register(&walbuf_vfs, 0);
}

int
sqlite_walbuf_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, register_vfs);
	return sqlite3_vfs_find(SQLITE_WALBUF_VFS) ? 0 : ERR_IO;
}
