/*
 * cmd_data.c - moving an installation's data as a whole: `involve backup`,
 * `involve restore` and `involve migrate-data`.  The work is the store
 * layer's (backup.h, transfer.h); this file checks the arguments, says
 * what is about to happen and reports how it went.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "involve/backup.h"
#include "involve/transfer.h"
#include "cli.h"

/* The database a command works on: --database, else the data
 * directory's SQLite file. */
static const char *
database_url(struct cli_common *c)
{
	if (c->database == NULL) {
		snprintf(c->database_buf, sizeof(c->database_buf), "sqlite:%s/%s", c->data_dir,
		    CLI_DB_FILE);
		c->database = c->database_buf;
	}
	return c->database;
}

static bool
is_database_url(const char *url)
{
	return (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0') ||
	    strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static int
bad_url(const char *cmd, const char *option)
{
	return cli_usage_error(cmd, "%s must be a database URL: sqlite:PATH or "
	    "postgresql://USER@HOST:PORT/DATABASE", option);
}

/* --data and --database, for the commands that take PostgreSQL too. */
#define DATA_HELP \
    "  --data DIR          data directory (default ./var)\n" \
    "  --database URL      sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE\n" \
    "                      (default sqlite:DIR/involve.db)\n"

static const char backup_help[] =
    "Usage: involve backup --to FILE [--data DIR] [--database URL]\n\n"
    "Writes a backup of the database to FILE, a new file readable by its owner\n"
    "only; an existing file is never replaced.  The backup is taken from one\n"
    "moment's consistent view of the database, so the server may keep running.\n"
    "SQLite: a copy of the database file.  PostgreSQL: a pg_dump archive\n"
    "(custom format).\n\n"
    "The keys in DIR/keys are not in the backup, on purpose: keep a copy of\n"
    "that directory somewhere safe, apart from the backups.  Without the same\n"
    "keys a restored audit log does not verify and API tokens stop working.\n\n"
    "  --to FILE           the backup file to create\n" DATA_HELP;

int
cmd_backup(int argc, char **argv)
{
	const char *to = NULL;
	const struct cli_opt opts[] = {
		{ "to", true, &to },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct errors e;
	int rc;

	cli_common_init(&common);
	rc = cli_parse("backup", backup_help, argc, argv, 1, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (to == NULL || to[0] == '\0')
		return cli_usage_error("backup", "--to FILE is needed: where to write the backup");
	if (!is_database_url(database_url(&common)))
		return bad_url("backup", "--database");
	errors_init(&e);
	if (backup_write(common.database, to, &e) != 0) {
		cli_print_errors("backup", &e);
		return CLI_FAIL;
	}
	printf("Backed the database up to %s.\n", to);
	return CLI_OK;
}

static const char restore_help[] =
    "Usage: involve restore --from FILE [--force] [--data DIR] [--database URL]\n\n"
    "Replaces the database with the backup in FILE (made by involve backup),\n"
    "checking the file before the database is touched.  A database that holds\n"
    "any data is left alone unless --force is given.\n\n"
    "Stop the server first: nothing may use the database while it is restored.\n"
    "Put the keys the backup was made with in DIR/keys (see involve backup\n"
    "--help).  A backup restores into the kind of database it came from; to\n"
    "move between SQLite and PostgreSQL, use involve migrate-data.\n\n"
    "  --from FILE         the backup file\n"
    "  --force             replace a database that holds data\n" DATA_HELP;

int
cmd_restore(int argc, char **argv)
{
	const char *from = NULL, *force = NULL;
	const struct cli_opt opts[] = {
		{ "from", true, &from },
		{ "force", false, &force },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct errors e;
	struct stat sb;
	char keys[PATH_MAX];
	int rc;

	cli_common_init(&common);
	rc = cli_parse("restore", restore_help, argc, argv, 1, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (from == NULL || from[0] == '\0')
		return cli_usage_error("restore", "--from FILE is needed: the backup to restore");
	if (!is_database_url(database_url(&common)))
		return bad_url("restore", "--database");
	/* A new database file is for the service's user only, like the rest
	 * of the data directory. */
	umask(umask(0) | 077);
	if (strncmp(common.database, "sqlite:", 7) == 0 && common.database == common.database_buf)
		mkdir(common.data_dir, 0700); /* a missing directory is reported by the restore */
	errors_init(&e);
	if (backup_restore(common.database, from, force != NULL, &e) != 0) {
		cli_print_errors("restore", &e);
		return CLI_FAIL;
	}
	printf("Restored the database from %s.\n", from);
	snprintf(keys, sizeof(keys), "%s/%s", common.data_dir, KEYS_DIR);
	if (stat(keys, &sb) != 0)
		printf("%s does not exist yet: copy in the keys of the installation the backup "
		    "came from before starting the server.\n", keys);
	return CLI_OK;
}

static const char migrate_data_help[] =
    "Usage: involve migrate-data --from URL --to URL\n\n"
    "Copies every table of one database into another, SQLite or PostgreSQL\n"
    "either way, keeping every id and value exactly.  The target's schema is\n"
    "created first; the target must be empty, and the copy is one transaction:\n"
    "it holds all of the data or, after a failure, none.  The source is only\n"
    "read (from one consistent view), but stop the server before switching it\n"
    "to the new database, or what changes meanwhile stays behind.  The audit log\n"
    "still verifies with the same keys (involve audit verify --database URL).\n\n"
    "  --from URL          the database to copy: sqlite:PATH or\n"
    "                      postgresql://USER@HOST:PORT/DATABASE\n"
    "  --to URL            the new, empty database to copy into\n";

/* Creates or updates the target's schema, as involve migrate does. */
static int
migrate_target(const char *url)
{
	struct store_config cfg;
	struct store *s = NULL;
	struct errors e;
	int rc;

	memset(&cfg, 0, sizeof(cfg)); /* no audit key: migrating writes no audit entry */
	cfg.url = url;
	errors_init(&e);
	if (store_open(&cfg, &s, &e) != 0) {
		cli_print_errors("migrate-data: the target database", &e);
		return CLI_FAIL;
	}
	rc = store_migrate(s);
	store_close(s);
	if (rc != 0) {
		fprintf(stderr, "involve: migrate-data: creating the target's schema failed: %s\n",
		    error_name(rc));
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cmd_migrate_data(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	const struct cli_opt opts[] = {
		{ "from", true, &from },
		{ "to", true, &to },
		{ NULL, false, NULL },
	};
	struct transfer_report report;
	struct cli_common common;
	struct errors e;
	int64_t total = 0;
	int i, rc;

	cli_common_init(&common);
	rc = cli_parse("migrate-data", migrate_data_help, argc, argv, 1, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (common.database != NULL)
		return cli_usage_error("migrate-data", "name the databases with --from and --to");
	if (from == NULL || to == NULL)
		return cli_usage_error("migrate-data", "--from URL and --to URL are both needed");
	if (!is_database_url(from))
		return bad_url("migrate-data", "--from");
	if (!is_database_url(to))
		return bad_url("migrate-data", "--to");
	umask(umask(0) | 077);
	errors_init(&e);
	/* The source first: a wrong one must not leave a new, empty target. */
	if (transfer_check_source(from, &e) != 0) {
		cli_print_errors("migrate-data", &e);
		return CLI_FAIL;
	}
	if (migrate_target(to) != CLI_OK)
		return CLI_FAIL;
	if (transfer_copy(from, to, &report, &e) != 0) {
		cli_print_errors("migrate-data", &e);
		fprintf(stderr, "involve: migrate-data: nothing was copied\n");
		return CLI_FAIL;
	}
	for (i = 0; i < report.n; i++)
		total += report.tables[i].rows;
	printf("Copied %lld rows:\n", (long long)total);
	for (i = 0; i < report.n; i++)
		printf("  %-16s %lld\n", report.tables[i].table, (long long)report.tables[i].rows);
	return CLI_OK;
}
