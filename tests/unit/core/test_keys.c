/* Tests for keys.c: key files made once, read back, and refused when wrong.
 * Each test works in its own directory under /tmp. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "involve/error.h"
#include "involve/keys.h"

static const char *const names[] = { "cookie.key", "voter.key", "token.key", "audit.key", "net.key",
	"mfa.key", "mail.key" };
#define KEY_N ((int)(sizeof(names) / sizeof(names[0])))

static char data_dir[64];
static char keys_dir[96];

static void
setup(void)
{
	snprintf(data_dir, sizeof(data_dir), "/tmp/involve-keys-XXXXXX");
	cr_assert(mkdtemp(data_dir));
	snprintf(keys_dir, sizeof(keys_dir), "%s/keys", data_dir);
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
teardown(void)
{
	nftw(data_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(keys, .init = setup, .fini = teardown);

static void
key_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", keys_dir, name);
}

static void
load_ok(struct keys *k)
{
	struct errors e;
	int rc;

	errors_init(&e);
	rc = keys_load(data_dir, k, &e);
	cr_assert_eq(
	    rc, 0, "keys_load: %s %s", e.n ? e.list[0].field : "", e.n ? e.list[0].detail : "");
	cr_assert_eq(e.n, 0);
}

/* Loads, expecting a refusal that names `name`; the keys come back zeroed. */
static void
load_refused(int want_rc, const char *name, const char *detail_part)
{
	static const struct keys zero;
	struct errors e;
	struct keys k;
	char field[64];

	memset(&k, 0xAA, sizeof(k));
	errors_init(&e);
	cr_assert_eq(keys_load(data_dir, &k, &e), want_rc);
	cr_assert_eq(e.n, 1);
	snprintf(field, sizeof(field), "keys/%s", name);
	cr_expect_str_eq(e.list[0].field, field);
	cr_expect(strstr(e.list[0].detail, name) != NULL, "%s", e.list[0].detail);
	cr_expect(strstr(e.list[0].detail, detail_part) != NULL, "%s", e.list[0].detail);
	cr_expect(memcmp(&k, &zero, sizeof(k)) == 0, "keys wiped");
}

static int
count_entries(const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	cr_assert(dp);
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

Test(keys, first_start_creates_private_files)
{
	static const struct keys zero;
	char path[256];
	struct stat st;
	struct keys k;
	size_t i;

	umask(0); /* the modes must not depend on the caller's umask */
	load_ok(&k);
	cr_assert_eq(stat(keys_dir, &st), 0);
	cr_expect(S_ISDIR(st.st_mode));
	cr_expect_eq(st.st_mode & 07777, 0700, "dir mode %o", st.st_mode & 07777);
	for (i = 0; i < (size_t)KEY_N; i++) {
		key_path(path, sizeof(path), names[i]);
		cr_assert_eq(stat(path, &st), 0, "%s", path);
		cr_expect(S_ISREG(st.st_mode));
		cr_expect_eq(st.st_mode & 07777, 0600, "%s mode %o", names[i], st.st_mode & 07777);
		cr_expect_eq(st.st_size, 32);
	}
	cr_expect_eq(count_entries(keys_dir), KEY_N, "no temporary files left behind");
	cr_expect(memcmp(k.cookie, zero.cookie, 32) != 0);
	cr_expect(memcmp(k.cookie, k.voter, 32) != 0);
	cr_expect(memcmp(k.voter, k.token, 32) != 0);
	cr_expect(memcmp(k.token, k.audit, 32) != 0);
	cr_expect(memcmp(k.audit, k.net, 32) != 0);
	cr_expect(memcmp(k.net, k.mfa, 32) != 0);
	keys_wipe(&k);
	cr_expect(memcmp(&k, &zero, sizeof(k)) == 0);
}

/* A umask that takes the owner's write bit must not leave a key directory
 * or key files the service cannot use. */
Test(keys, modes_do_not_depend_on_a_strict_umask)
{
	char path[256];
	struct stat st;
	struct keys a, b;
	size_t i;

	umask(0277);
	load_ok(&a);
	cr_assert_eq(stat(keys_dir, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0700, "dir mode %o", st.st_mode & 07777);
	for (i = 0; i < (size_t)KEY_N; i++) {
		key_path(path, sizeof(path), names[i]);
		cr_assert_eq(stat(path, &st), 0, "%s", path);
		cr_expect_eq(st.st_mode & 07777, 0600, "%s mode %o", names[i], st.st_mode & 07777);
	}
	load_ok(&b);
	cr_expect(memcmp(&a, &b, sizeof(a)) == 0);
}

Test(keys, second_start_reads_the_same_keys)
{
	unsigned char file[32];
	struct keys a, b;
	char path[256];
	FILE *f;

	load_ok(&a);
	load_ok(&b);
	cr_expect(memcmp(&a, &b, sizeof(a)) == 0);
	/* And the bytes are the file's, in the right member. */
	key_path(path, sizeof(path), "token.key");
	f = fopen(path, "rb");
	cr_assert(f);
	cr_assert_eq(fread(file, 1, 32, f), 32);
	fclose(f);
	cr_expect(memcmp(file, b.token, 32) == 0);
}

/* Processes starting together on an empty directory must all end up with
 * the same keys: a key one of them already holds is never replaced. */
Test(keys, processes_starting_together_agree)
{
	enum {
		PROCS = 8
	};
	struct keys mine, theirs;
	int fds[PROCS][2];
	int i, status;
	pid_t pid;

	for (i = 0; i < PROCS; i++) {
		cr_assert_eq(pipe(fds[i]), 0);
		pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			struct errors e;
			struct keys k;

			errors_init(&e);
			if (keys_load(data_dir, &k, &e) != 0)
				_exit(1);
			if (write(fds[i][1], &k, sizeof(k)) != (ssize_t)sizeof(k))
				_exit(2);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (i = 0; i < PROCS; i++) {
		cr_assert_eq(read(fds[i][0], &theirs, sizeof(theirs)), (ssize_t)sizeof(theirs));
		close(fds[i][0]);
		cr_assert(wait(&status) > 0);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		if (i == 0)
			mine = theirs;
		cr_assert(
		    memcmp(&mine, &theirs, sizeof(mine)) == 0, "process %d has other keys", i);
	}
	load_ok(&theirs);
	cr_expect(memcmp(&mine, &theirs, sizeof(mine)) == 0);
	cr_expect_eq(count_entries(keys_dir), KEY_N);
}

Test(keys, a_missing_key_is_made_and_the_others_kept)
{
	struct keys a, b;
	char path[256];

	load_ok(&a);
	key_path(path, sizeof(path), "voter.key");
	cr_assert_eq(unlink(path), 0);
	load_ok(&b);
	cr_expect(memcmp(a.cookie, b.cookie, 32) == 0);
	cr_expect(memcmp(a.token, b.token, 32) == 0);
	cr_expect(memcmp(a.audit, b.audit, 32) == 0);
	cr_expect(memcmp(a.voter, b.voter, 32) != 0);
}

Test(keys, a_stale_temporary_file_does_not_block)
{
	char path[256];
	struct keys k;
	FILE *f;

	cr_assert_eq(mkdir(keys_dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/audit.key.%ld.tmp", keys_dir, (long)getpid());
	f = fopen(path, "w");
	cr_assert(f);
	fputs("short", f);
	fclose(f);
	load_ok(&k);
	cr_expect_eq(count_entries(keys_dir), KEY_N);
}

Test(keys, truncated_key_is_refused)
{
	char path[256];
	struct keys k;

	load_ok(&k);
	key_path(path, sizeof(path), "cookie.key");
	cr_assert_eq(truncate(path, 17), 0);
	load_refused(ERR_INVALID, "cookie.key", "17 bytes");
}

Test(keys, empty_and_long_keys_are_refused)
{
	char path[256];
	struct keys k;

	load_ok(&k);
	key_path(path, sizeof(path), "audit.key");
	cr_assert_eq(truncate(path, 0), 0);
	load_refused(ERR_INVALID, "audit.key", "0 bytes");
	cr_assert_eq(truncate(path, 33), 0);
	load_refused(ERR_INVALID, "audit.key", "33 bytes");
}

Test(keys, key_others_can_read_is_refused)
{
	char path[256];
	struct keys k;

	load_ok(&k);
	key_path(path, sizeof(path), "voter.key");
	cr_assert_eq(chmod(path, 0644), 0);
	load_refused(ERR_INVALID, "voter.key", "0644");
	cr_assert_eq(chmod(path, 0640), 0);
	load_refused(ERR_INVALID, "voter.key", "0640");
	cr_assert_eq(chmod(path, 0602), 0);
	load_refused(ERR_INVALID, "voter.key", "0602");
	cr_assert_eq(chmod(path, 0400), 0);
	load_ok(&k);
}

Test(keys, a_directory_is_not_a_key)
{
	char path[256];

	cr_assert_eq(mkdir(keys_dir, 0700), 0);
	key_path(path, sizeof(path), "cookie.key");
	cr_assert_eq(mkdir(path, 0700), 0);
	load_refused(ERR_INVALID, "cookie.key", "not a regular file");
}

Test(keys, missing_data_dir_is_an_io_error)
{
	char missing[128];
	struct errors e;
	struct keys k;

	snprintf(missing, sizeof(missing), "%s/nope", data_dir);
	errors_init(&e);
	cr_expect_eq(keys_load(missing, &k, &e), ERR_IO);
	cr_assert_eq(e.n, 1);
	cr_expect(strstr(e.list[0].detail, "nope/keys") != NULL, "%s", e.list[0].detail);
}

Test(keys, keys_path_that_is_a_file_is_refused)
{
	struct errors e;
	struct keys k;
	FILE *f;

	f = fopen(keys_dir, "w");
	cr_assert(f);
	fclose(f);
	errors_init(&e);
	cr_expect_eq(keys_load(data_dir, &k, &e), ERR_INVALID);
	cr_assert_eq(e.n, 1);
	cr_expect(strstr(e.list[0].detail, "not a directory") != NULL, "%s", e.list[0].detail);
}
