/*
 * main.c - the `involve` command: finds the subcommand and runs it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "serve", cmd_serve, "serve the public site, staff pages and API" },
	{ "migrate", cmd_migrate, "create or update the database schema" },
	{ "org", cmd_org, "create and list organisations" },
	{ "user", cmd_user, "add, list and change staff accounts" },
	{ "token", cmd_token, "create, list and revoke API tokens" },
	{ "poll", cmd_poll, "export a poll's results" },
	{ "survey", cmd_survey, "create, open, close, export surveys; import responses; codes" },
	{ "themes", cmd_themes, "train, run and evaluate free-text theme and sentiment classifiers" },
	{ "outcome", cmd_outcome, "create, list and publish \"You said, we did\" outcomes" },
	{ "mail", cmd_mail, "queue, list and retry mail to the public" },
	{ "audit", cmd_audit, "verify the audit log's hash chain" },
	{ "backup", cmd_backup, "back the database up to a file" },
	{ "restore", cmd_restore, "restore the database from a backup" },
	{ "migrate-data", cmd_migrate_data, "copy all data into another database" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: involve COMMAND [OPTIONS]\n\n"
	    "involve runs polls and other ways of involving people and communities\n"
	    "in health and care.\n\nCommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nEvery command takes --data DIR (default %s) and --database URL\n"
	    "(default sqlite:DIR/%s).  Run 'involve COMMAND --help' for more.\n",
	    CLI_DATA_DEFAULT, CLI_DB_FILE);
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * Builds with AddressSanitizer (make check): fontconfig, which Pango starts
 * for a printed sheet of codes, keeps 288 bytes of its parsed configuration
 * for the life of the process, by design.  Without this the leak checker
 * would fail every command that draws a sheet.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	/* Not in the list --help prints: it describes the program itself. */
	if (strcmp(argv[1], "routes") == 0)
		return cmd_routes(argc - 1, argv + 1);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "involve: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
