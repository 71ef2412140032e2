/*
 * cli.h - shared parts of the `involve` command: common options, opening
 * the data directory and store, and reporting errors.
 *
 * Exit codes: 0 done, 1 failed, 2 wrong usage.
 */
#ifndef INVOLVE_CLI_H
#define INVOLVE_CLI_H

#include <stdbool.h>

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
};

void cli_common_init(struct cli_common *c);
/* Handles --data/--database for getopt_long option codes 'd' and 'D'. */
bool cli_common_option(struct cli_common *c, int opt, const char *arg);
/* Creates the data directory if needed, loads keys, opens and migrates the
 * store.  Prints what went wrong and returns CLI_FAIL on failure. */
int cli_env_open(struct cli_common *c, struct cli_env *env);
void cli_env_close(struct cli_env *env);
void cli_print_errors(const char *what, const struct errors *e);
/* Prints "involve CMD: message" and a hint to use --help; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a line (a password) from stdin without the newline; false on EOF. */
bool cli_read_line(char *out, size_t size);
/* Parses a decimal id; false when not a positive whole number. */
bool cli_parse_id(const char *s, long long *out);

/* The subcommands, one file each group. */
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_poll(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* demo.c: fills a new database with the demo content; prints the admin
 * password once. */
int demo_load(struct cli_env *env, const char *demo_path);

#endif
