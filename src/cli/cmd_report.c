/*
 * cmd_report.c - reading out of an installation: `involve poll export`
 * and `involve audit verify`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/audit.h"
#include "involve/poll_export.h"
#include "cli.h"

static const char poll_help[] =
    "Usage: involve poll export --org SLUG --poll ID [--format csv|json]\n"
    "       involve poll codes --org SLUG --poll ID ... (involve poll codes --help)\n\n"
    "export writes a poll's results to standard output; codes makes, lists and\n"
    "withdraws the single-use codes of a poll answered with a code.\n\n" CLI_COMMON_HELP;

int
cmd_poll(int argc, char **argv)
{
	const char *org = NULL, *poll = NULL, *format = "csv";
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "poll", true, &poll },
		{ "format", true, &format },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct cli_env env;
	struct poll *p = NULL;
	struct arena arena;
	struct org o;
	struct buf out = BUF_INIT;
	long long id;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(poll_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "codes") == 0)
		return cmd_poll_codes(argc, argv);
	if (strcmp(argv[1], "export") != 0)
		return cli_usage_error("poll", "unknown action '%s': use export or codes", argv[1]);
	cli_common_init(&common);
	rc = cli_parse("poll", poll_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	rc = CLI_FAIL;
	if (org == NULL || poll == NULL)
		return cli_usage_error("poll", "export needs --org and --poll");
	if (!cli_parse_id(poll, &id))
		return cli_usage_error("poll", "--poll must be a poll id (a whole number)");
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error("poll", "--format must be csv or json");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	arena_init(&arena, NULL, 0);
	if (store_org_get_by_slug(env.store, str_c(org), &o) != 0) {
		fprintf(stderr, "involve: poll export: there is no organisation '%s'\n", org);
		goto out;
	}
	if (store_poll_get(env.store, &arena, id, &p) != 0 || p->org_id != o.id) {
		fprintf(stderr, "involve: poll export: '%s' has no poll %lld\n", org, id);
		goto out;
	}
	if (strcmp(format, "csv") == 0)
		poll_export_csv(p, &out);
	else
		poll_export_json(p, NULL, &out);
	if (!buf_ok(&out) || fwrite(out.p, 1, out.n, stdout) != out.n || fflush(stdout) != 0) {
		fprintf(stderr, "involve: poll export: writing the output failed\n");
		goto out;
	}
	rc = CLI_OK;
out:
	buf_free(&out);
	arena_free(&arena);
	cli_env_close(&env);
	return rc;
}

struct verify_ctx {
	struct audit_verifier v;
	struct errors e;
	bool failed;
};

static int
verify_one(void *arg, const struct audit_entry *entry)
{
	struct verify_ctx *c = arg;

	if (audit_verifier_feed(&c->v, entry, &c->e) != 0) {
		c->failed = true;
		return 1; /* stop at the first break */
	}
	return 0;
}

static const char audit_help[] =
    "Usage: involve audit verify [--data DIR] [--database URL]\n\n"
    "Checks that no audit log entry has been changed, removed or reordered.\n\n"
    CLI_COMMON_HELP;

int
cmd_audit(int argc, char **argv)
{
	struct cli_common common;
	struct cli_env env;
	struct verify_ctx *c;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(audit_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "verify") != 0)
		return cli_usage_error("audit", "unknown action '%s': use verify", argv[1]);
	cli_common_init(&common);
	rc = cli_parse("audit", audit_help, argc, argv, 2, NULL, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		cli_env_close(&env);
		return CLI_FAIL;
	}
	errors_init(&c->e);
	audit_verifier_init(&c->v, env.keys.audit);
	rc = store_audit_each(env.store, verify_one, c);
	if (c->failed) {
		cli_print_errors("audit verify", &c->e);
		rc = CLI_FAIL;
	} else if (rc != 0) {
		fprintf(stderr, "involve: audit verify: reading the log failed: %s\n", error_name(rc));
		rc = CLI_FAIL;
	} else {
		printf("The audit log is intact: %lld entries, each linked to the one before.\n",
		    (long long)audit_verifier_count(&c->v));
		rc = CLI_OK;
	}
	audit_verifier_wipe(&c->v);
	free(c);
	cli_env_close(&env);
	return rc;
}
