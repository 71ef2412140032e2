/*
 * keys.c - loads, or on first start creates, the key files (see keys.h).
 *
 * The care here is about crashes and races at first start.  A key is
 * written under a temporary name, fsynced, and then given its real name
 * with link(), not rename(): link fails when the name already exists, so if
 * another process (a second `involve` command started at the same moment)
 * made the key first, this one reads that key instead of replacing it with
 * a different one that the other process already holds in memory.  The
 * directory is fsynced afterwards so the new name itself survives a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "involve/keys.h"
#include "involve/secret.h"

/* An internal signal from create_key: another process made the key first. */
#define KEY_EXISTS 1

static const struct {
	const char *name;
	size_t offset;
} key_files[] = {
	{ "cookie.key", offsetof(struct keys, cookie) },
	{ "voter.key", offsetof(struct keys, voter) },
	{ "token.key", offsetof(struct keys, token) },
	{ "audit.key", offsetof(struct keys, audit) },
	{ "net.key", offsetof(struct keys, net) },
	{ "mfa.key", offsetof(struct keys, mfa) },
	{ "mail.key", offsetof(struct keys, mail) },
};

/* Adds an error on field "keys/<name>". */
static void __attribute__((format(printf, 3, 4)))
key_error(struct errors *e, const char *name, const char *fmt, ...)
{
	char field[ERROR_FIELD_MAX];
	va_list ap;

	snprintf(field, sizeof(field), "%s/%s", KEYS_DIR, name);
	va_start(ap, fmt);
	errors_vadd(e, field, fmt, ap);
	va_end(ap);
}

static int
fsync_dir(const char *dir)
{
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* Reads exactly n bytes; -1 on error or a short file. */
static int
read_all(int fd, unsigned char *p, size_t n)
{
	ssize_t got;

	while (n > 0) {
		got = read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t put;

	while (n > 0) {
		put = write(fd, p, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

/* Checks and reads an open key file; closes fd. */
static int
read_key(
    int fd, const char *path, const char *name, unsigned char key[KEYS_BYTES], struct errors *e)
{
	unsigned char extra;
	struct stat st;
	int rc = ERR_INVALID;

	if (fstat(fd, &st) != 0) {
		key_error(e, name, "Cannot read key file %s: %s", path, strerror(errno));
		rc = ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		key_error(e, name, "Key file %s is not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		key_error(e, name,
		    "Key file %s has mode %04o: only its owner may have access (chmod 600)", path,
		    (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size != KEYS_BYTES) {
		key_error(e, name, "Key file %s is %lld bytes, not %d: restore it from a backup",
		    path, (long long)st.st_size, KEYS_BYTES);
		goto out;
	}
	/* The size can change between fstat and read; read what is there. */
	if (read_all(fd, key, KEYS_BYTES) != 0 || read(fd, &extra, 1) != 0) {
		key_error(e, name, "Key file %s changed while it was read", path);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	if (rc != 0)
		sodium_memzero(key, KEYS_BYTES);
	return rc;
}

/*
 * Makes a new key at path through a temporary file in dir.  0 with the key
 * in `key`; KEY_EXISTS when path appeared meanwhile (the caller reads it);
 * ERR_IO otherwise.  The temporary name carries the process id, so a file
 * left by a crashed earlier start is found only by a process with that
 * same id, which may remove it: no live process can be using it.
 */
static int
create_key(const char *dir, const char *path, const char *name, unsigned char key[KEYS_BYTES],
    struct errors *e)
{
	char tmp[PATH_MAX];
	int fd = -1, rc = ERR_IO, n;

	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		key_error(e, name, "Cannot create key file %s: %s", path, "path too long");
		return ERR_IO;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		key_error(e, name, "Cannot create key file %s: %s", tmp, strerror(errno));
		return ERR_IO;
	}
	randombytes_buf(key, KEYS_BYTES);
	/* fchmod because the umask may have taken bits off 0600. */
	if (fchmod(fd, 0600) != 0 || write_all(fd, key, KEYS_BYTES) != 0 || fsync(fd) != 0) {
		key_error(e, name, "Cannot write key file %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		key_error(e, name, "Cannot write key file %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			rc = KEY_EXISTS;
		else
			key_error(e, name, "Cannot create key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (unlink(tmp) != 0 || fsync_dir(dir) != 0) {
		key_error(e, name, "Cannot save key file %s: %s", path, strerror(errno));
		goto out;
	}
	return 0;
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	sodium_memzero(key, KEYS_BYTES);
	return rc;
}

/* Reads the key called name in dir, creating it if it does not exist. */
static int
load_key(const char *dir, const char *name, unsigned char key[KEYS_BYTES], struct errors *e)
{
	char path[PATH_MAX];
	int attempt, fd, rc, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		key_error(e, name, "Key file path %s is too long", dir);
		return ERR_INVALID;
	}
	/* Twice at most: the second time, after losing a race to create it,
	 * the file is there. */
	for (attempt = 0; attempt < 2; attempt++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return read_key(fd, path, name, key, e);
		if (errno != ENOENT) {
			key_error(e, name, "Cannot open key file %s: %s", path, strerror(errno));
			return ERR_IO;
		}
		rc = create_key(dir, path, name, key, e);
		if (rc != KEY_EXISTS)
			return rc;
	}
	key_error(e, name, "Key file %s keeps disappearing", path);
	return ERR_IO;
}

/* Makes <data_dir>/keys if missing; the path goes into dir. */
static int
make_keys_dir(const char *data_dir, char *dir, size_t size, struct errors *e)
{
	struct stat st;
	int n;

	n = snprintf(dir, size, "%s/%s", data_dir, KEYS_DIR);
	if (n < 0 || (size_t)n >= size) {
		errors_add(e, KEYS_DIR, "Data directory path %s is too long", data_dir);
		return ERR_INVALID;
	}
	if (mkdir(dir, 0700) == 0) {
		/* chmod because the umask may have taken bits off 0700. */
		if (chmod(dir, 0700) != 0 || fsync_dir(data_dir) != 0) {
			errors_add(e, KEYS_DIR, "Cannot create %s: %s", dir, strerror(errno));
			return ERR_IO;
		}
		return 0;
	}
	if (errno != EEXIST) {
		errors_add(e, KEYS_DIR, "Cannot create %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		errors_add(e, KEYS_DIR, "%s is not a directory", dir);
		return ERR_INVALID;
	}
	return 0;
}

int
keys_load(const char *data_dir, struct keys *out, struct errors *e)
{
	char dir[PATH_MAX];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (secret_init() != 0) {
		errors_add(e, "", "The cryptography library could not start");
		return ERR_IO;
	}
	rc = make_keys_dir(data_dir, dir, sizeof(dir), e);
	if (rc != 0)
		goto out;
	for (i = 0; i < sizeof(key_files) / sizeof(key_files[0]); i++) {
		unsigned char *key = (unsigned char *)out + key_files[i].offset;

		rc = load_key(dir, key_files[i].name, key, e);
		if (rc != 0)
			goto out;
	}
out:
	if (rc != 0)
		keys_wipe(out);
	return rc;
}

void
keys_wipe(struct keys *k)
{
	sodium_memzero(k, sizeof(*k));
}
