/*
 * cli.h - shared parts of the `involve` command: common options, opening
 * the data directory and store, and reporting errors.
 *
 * Exit codes: 0 done, 1 failed, 2 wrong usage.
 */
#ifndef INVOLVE_CLI_H
#define INVOLVE_CLI_H

#include <stdbool.h>

#include "involve/embed.h"
#include "involve/error.h"
#include "involve/keys.h"
#include "involve/store.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

#define CLI_DATA_DEFAULT "./var"
#define CLI_DB_FILE "involve.db"

struct cli_common {
	const char *data_dir;   /* --data */
	const char *database;   /* --database, or sqlite:<data>/involve.db */
	char database_buf[4096];
};

/* An open data directory: its keys and its store (migrated). */
struct cli_env {
	struct keys keys;
	struct store *store;
	/* <data>/tmp: where large files are made before they are sent (an XLSX
	 * export), on the disk that holds the data; "" when it cannot be made. */
	char tmp_dir[4096];
};

void cli_common_init(struct cli_common *c);

/* One option of a command besides --data, --database and --help. */
struct cli_opt {
	const char *name;   /* "slug" for --slug */
	bool has_arg;
	const char **value; /* set to the argument, or to "yes" for a flag */
};

/* What every command's help says of the options all of them take. */
#define CLI_COMMON_HELP \
    "  --data DIR          data directory: keys/, and the SQLite database (default ./var)\n" \
    "  --database URL      sqlite:PATH (default sqlite:DIR/involve.db) or\n" \
    "                      postgresql://USER@HOST:PORT/NAME (a password is best kept in\n" \
    "                      ~/.pgpass or the file PGPASSFILE names, not in the URL)\n"

/* The most options one command declares (cli_parse refuses to run with more,
 * rather than leave one out). */
#define CLI_OPTS_MAX 32
#define CLI_HELP (-1)

/* Whether an argument asks for help. */
bool cli_is_help(const char *arg);
/*
 * Parses argv[first..argc) for command `cmd`: --data and --database into
 * common, the options in `opts` (ended by a NULL name) into their values.
 * --help prints `usage` and returns CLI_HELP; an unknown option, a missing
 * argument or a stray word prints what is wrong and returns CLI_USAGE.
 */
int cli_parse(const char *cmd, const char *usage, int argc, char **argv, int first,
    const struct cli_opt *opts, struct cli_common *common);
/* Creates the data directory if needed, loads keys, opens and migrates the
 * store.  Prints what went wrong and returns CLI_FAIL on failure. */
int cli_env_open(struct cli_common *c, struct cli_env *env);
void cli_env_close(struct cli_env *env);
void cli_print_errors(const char *what, const struct errors *e);
/* Prints "involve CMD: message" and a hint to use --help; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a line (a password) from stdin without the newline; false on EOF. */
bool cli_read_line(char *out, size_t size);
/* Reads the whole of the file at path, at most max bytes, into b.  Prints
 * what is wrong ("involve: WHAT: ...") and returns CLI_FAIL. */
struct buf;
int cli_read_file(const char *what, const char *path, size_t max, struct buf *b);
/* Writes out to the file at path through a temporary file beside it,
 * renamed when whole and on disk.  Prints what is wrong ("involve: WHAT:
 * cannot write ...") and returns CLI_FAIL. */
int cli_write_file(const char *what, const char *path, const struct buf *out);
/* The JSON object in the file at path (at most max bytes), a new reference
 * in *out.  Prints what is wrong (unreadable, not JSON and where, not an
 * object) and returns CLI_FAIL. */
struct json_t;
int cli_read_json_object(const char *what, const char *path, size_t max, struct json_t **out);
/* The organisation slug names.  Prints what is wrong and returns CLI_FAIL. */
int cli_find_org(struct cli_env *env, const char *what, const char *slug, struct org *o);
/* Parses a decimal id; false when not a positive whole number. */
bool cli_parse_id(const char *s, long long *out);

/* Who changes made from the command line are by, in the audit log. */
extern const struct actor cli_actor;

/* The subcommands, one file each group. */
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_poll(int argc, char **argv);
int cmd_poll_codes(int argc, char **argv); /* cmd_codes.c */
int cmd_survey_codes(int argc, char **argv); /* cmd_codes.c */
int cmd_mail(int argc, char **argv);
int cmd_outcome(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_migrate_data(int argc, char **argv);
int cmd_survey(int argc, char **argv);
int cmd_survey_import(int argc, char **argv); /* cmd_survey_import.c */
int cmd_survey_lss(int argc, char **argv); /* cmd_survey_lss.c */
int cmd_themes(int argc, char **argv);
/* `involve themes export` (cmd_themes_export.c), from cmd_themes. */
int themes_export(int argc, char **argv);
int cmd_routes(int argc, char **argv); /* not listed in --help */

/* cmd_survey.c: the organisation `slug` names and, when sv is not NULL,
 * its survey `id` with its definition read into a.  Prints what is wrong
 * ("involve: WHAT: ...") and returns CLI_FAIL. */
struct survey;
struct survey_def;
int survey_cli_load(struct cli_env *env, const char *what, const char *slug, long long id,
    struct arena *a, struct org *o, struct survey **sv, struct survey_def *d);

/* demo.c: fills a new database with the demo content from demo_path, or
 * with the built-in copy when it is NULL; prints the admin password once. */
int demo_load(struct cli_env *env, const char *demo_path);
/* The demo's surveys of one organisation, their responses and outcomes
 * (demo_surveys.c). */
struct json_t;
int demo_load_surveys(struct cli_env *env, const struct org *o, const struct json_t *surveys);
/* data/demo/demo.json as built in (scripts/embed.py); NULL-name ended. */
extern const struct embedded_file demo_content[];

#endif
