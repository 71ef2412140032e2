/*
 * backup_pg.c - PostgreSQL backups with pg_dump and pg_restore.
 *
 * pg_dump writes its custom format (compressed, restorable table by
 * table) from one snapshot, so a backup is consistent while the servers
 * run.  pg_restore replaces the database's tables in a single transaction
 * and stops at the first error, so a damaged backup leaves the database as
 * it was.
 *
 * The tools are started directly (posix_spawn), never through a shell.
 * libpq splits the database URL into its parts, and each part reaches the
 * tool in the environment variable libpq reads for it (PGHOST, PGPORT,
 * PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE...): a password then never
 * appears in a command line, which every user of the machine can read.
 * The tools' own messages go to standard error as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "../backup_db.h"
#include "../transfer_db.h"

extern char **environ;

/* Debian keeps each PostgreSQL version's programs here. */
#define PG_LIB_DIR "/usr/lib/postgresql/"
#define PG_TOOL_PATH_MAX 256

/*
 * The newest installed `name` under /usr/lib/postgresql/N/bin (a newer
 * pg_dump reads older servers, not the other way round), else just the
 * name, for posix_spawnp to find on PATH.
 */
static void
tool_path(const char *name, char *out, size_t size)
{
	char pattern[PG_TOOL_PATH_MAX];
	long best = -1, version;
	glob_t g;
	size_t i;

	snprintf(out, size, "%s", name);
	snprintf(pattern, sizeof(pattern), PG_LIB_DIR "*/bin/%s", name);
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		version = strtol(g.gl_pathv[i] + strlen(PG_LIB_DIR), NULL, 10);
		if (version > best && access(g.gl_pathv[i], X_OK) == 0) {
			best = version;
			snprintf(out, size, "%s", g.gl_pathv[i]);
		}
	}
	globfree(&g);
}

static void
env_free(char **env)
{
	size_t i;

	for (i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* Whether the entry "NAME=value" sets one of the variables in `set`. */
static bool
env_overridden(const char *entry, char *const *set, size_t set_n)
{
	size_t i, n;

	for (i = 0; i < set_n; i++) {
		n = strcspn(set[i], "=");
		if (strncmp(entry, set[i], n + 1) == 0)
			return true;
	}
	return false;
}

/* Our environment with the URL's parts in libpq's variables; NULL with a
 * message when the URL cannot be passed on.  Free with env_free. */
static char **
tool_env(const char *url, struct errors *e)
{
	PQconninfoOption *opts, *o;
	char *err = NULL, **env = NULL;
	size_t n = 0, set = 0, i;

	opts = PQconninfoParse(url, &err);
	if (opts == NULL) {
		errors_add(e, "", "the database URL cannot be read: %.*s",
		    err ? (int)strcspn(err, "\n") : 13, err ? err : "out of memory");
		PQfreemem(err);
		return NULL;
	}
	while (environ[n])
		n++;
	for (o = opts; o->keyword; o++)
		set++;
	env = calloc(n + set + 1, sizeof(*env));
	if (env == NULL)
		goto fail;
	set = 0;
	for (o = opts; o->keyword; o++) {
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (o->envvar == NULL) {
			errors_add(e, "", "the URL's option %s cannot be passed to pg_dump "
			    "and pg_restore; leave it out", o->keyword);
			goto fail;
		}
		if (asprintf(&env[set], "%s=%s", o->envvar, o->val) < 0) {
			env[set] = NULL;
			goto fail;
		}
		set++;
	}
	for (i = 0; i < n; i++) {
		if (env_overridden(environ[i], env, set))
			continue;
		if ((env[set++] = strdup(environ[i])) == NULL)
			goto fail;
	}
	PQconninfoFree(opts);
	return env;
fail:
	if (!errors_any(e))
		errors_add(e, "", "out of memory");
	PQconninfoFree(opts);
	env_free(env);
	return NULL;
}

/* Runs argv (argv[0] found by tool_path) with env and waits for it;
 * stdin is /dev/null, and so is stdout when quiet. */
static int
run_tool(char *const argv[], char *const env[], bool quiet, struct errors *e)
{
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errors_add(e, "", "cannot run %s: %s", argv[0], strerror(rc));
		return ERR_IO;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			errors_add(e, "", "waiting for %s: %s", argv[0], strerror(errno));
			return ERR_IO;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		errors_add(e, "", "%s failed with exit status %d", argv[0], WEXITSTATUS(status));
	else
		errors_add(e, "", "%s was stopped by signal %d", argv[0], WTERMSIG(status));
	return ERR_IO;
}

int
backup_pg_write(const char *url, const char *file, struct errors *e)
{
	char tool[PG_TOOL_PATH_MAX], **env = NULL;
	struct xfer_db *db = NULL;
	int rc;

	/* Our own look first: a clear message for a wrong URL or database. */
	if ((rc = xfer_pg_open(url, "source", e, &db)) != 0)
		return rc;
	rc = xfer_check_involve(db);
	db->ops->close(db);
	if (rc != 0)
		return rc;
	if ((env = tool_env(url, e)) == NULL)
		return ERR_INVALID;
	tool_path("pg_dump", tool, sizeof(tool));
	rc = run_tool((char *const[]){ tool, "--format=custom", "--no-password", "--file",
	    (char *)file, NULL }, env, false, e);
	env_free(env);
	return rc;
}

int
backup_pg_restore(const char *url, const char *file, bool force, struct errors *e)
{
	char tool[PG_TOOL_PATH_MAX], table[64], **env = NULL;
	struct xfer_db *db = NULL;
	int64_t rows;
	int rc;

	if ((env = tool_env(url, e)) == NULL)
		return ERR_INVALID;
	tool_path("pg_restore", tool, sizeof(tool));
	/* Reads the archive's table of contents: a file pg_restore cannot
	 * read is refused before the database is touched. */
	rc = run_tool((char *const[]){ tool, "--list", (char *)file, NULL }, env, true, e);
	if (rc != 0) {
		errors_add(e, "", "%s is not a backup pg_restore can read", file);
		goto out;
	}
	if ((rc = xfer_pg_open(url, "target", e, &db)) != 0)
		goto out;
	if (!force && (rc = xfer_any_rows(db, table, sizeof(table), &rows)) == 0 && table[0]) {
		xfer_error(db, "it is not empty (table %s has %lld rows); restoring replaces all "
		    "of it: add --force to do that", table, (long long)rows);
		rc = ERR_CONFLICT;
	}
	db->ops->close(db);
	if (rc != 0)
		goto out;
	/* The database comes from PGDATABASE: an empty --dbname only says
	 * "restore into a database" rather than print SQL. */
	rc = run_tool((char *const[]){ tool, "--dbname=", "--clean", "--if-exists", "--no-owner",
	    "--no-acl", "--single-transaction", "--exit-on-error", "--no-password", (char *)file,
	    NULL }, env, false, e);
out:
	env_free(env);
	return rc;
}
