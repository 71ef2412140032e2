/*
 * cmd_admin.c - setting up an installation from the command line:
 * `involve migrate`, `org create|list|update` (staff and their tokens are in
 * cmd_access.c).  Changes are recorded in the audit log with the actor
 * "cli".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "involve/num.h"
#include "involve/suppress.h"
#include "cli.h"



static const char migrate_help[] =
    "Usage: involve migrate [--data DIR] [--database URL]\n\n"
    "Creates the database, or brings its schema up to date.\n\n" CLI_COMMON_HELP;

int
cmd_migrate(int argc, char **argv)
{
	struct cli_common common;
	struct cli_env env;
	int rc;

	cli_common_init(&common);
	rc = cli_parse("migrate", migrate_help, argc, argv, 1, NULL, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	printf("The database is up to date.\n");
	cli_env_close(&env);
	return CLI_OK;
}

static int
print_org(void *arg, const struct org *o)
{
	(void)arg;
	printf("%s\t%s\n", o->slug, o->name);
	return 0;
}

static const char org_help[] =
    "Usage: involve org create --slug SLUG --name NAME\n"
    "       involve org list\n"
    "       involve org update --slug SLUG [--require-mfa WHO] [--suppress-below N]\n\n"
    "  --slug SLUG         short name used in addresses: /o/SLUG/\n"
    "  --name NAME         the organisation's name\n"
    "  --require-mfa WHO   whose sign-in needs two-step verification: none,\n"
    "                      administrators (the default for a new organisation) or all\n"
    "  --suppress-below N  published results show counts under N as \"fewer than N\"\n"
    "                      (10 for a new organisation; 0 publishes every count)\n"
    CLI_COMMON_HELP;

/* involve org update: the organisation's settings the command line sets. */
static int
org_update(struct cli_common *common, const char *slug, const char *who, const char *below)
{
	struct cli_env env;
	struct org o;
	enum mfa_policy p = MFA_ADMINS;
	int64_t n = 0;
	int rc;

	if (slug == NULL || (who == NULL && below == NULL))
		return cli_usage_error("org", "update needs --slug and --require-mfa or "
		    "--suppress-below");
	if (who != NULL && mfa_policy_parse(str_c(who), &p) != 0)
		return cli_usage_error("org", "--require-mfa must be none, administrators or all, "
		    "not '%s'", who);
	if (below != NULL && num_parse(str_c(below), SUPPRESS_BELOW_MIN, SUPPRESS_BELOW_MAX,
	    &n) != NUM_OK)
		return cli_usage_error("org", "--suppress-below must be a whole number from %d to "
		    "%d, not '%s'", SUPPRESS_BELOW_MIN, SUPPRESS_BELOW_MAX, below);
	if (cli_env_open(common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = store_org_get_by_slug(env.store, str_c(slug), &o);
	if (rc == 0) {
		if (who != NULL)
			o.require_mfa = p;
		if (below != NULL)
			o.suppress_below = (int)n;
		rc = store_org_update_settings(env.store, &cli_actor, &o);
	}
	cli_env_close(&env);
	if (rc == ERR_NOTFOUND) {
		fprintf(stderr, "involve: org update: there is no organisation '%s'\n", slug);
		return CLI_FAIL;
	}
	if (rc != 0) {
		fprintf(stderr, "involve: org update: %s\n", error_name(rc));
		return CLI_FAIL;
	}
	if (who != NULL)
		printf("Two-step verification is now required of %s at %s.\n",
		    p == MFA_NONE ? "nobody" : p == MFA_ALL ? "all staff" : "administrators", slug);
	if (below != NULL)
		printf("Published results at %s now hide counts under %lld.\n", slug, (long long)n);
	return CLI_OK;
}

int
cmd_org(int argc, char **argv)
{
	const char *slug = NULL, *name = NULL, *require_mfa = NULL, *suppress = NULL, *action;
	const struct cli_opt opts[] = {
		{ "slug", true, &slug },
		{ "name", true, &name },
		{ "require-mfa", true, &require_mfa },
		{ "suppress-below", true, &suppress },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct cli_env env;
	struct errors e;
	struct org o;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(org_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	cli_common_init(&common);
	rc = cli_parse("org", org_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (strcmp(action, "list") == 0) {
		if (cli_env_open(&common, &env) != CLI_OK)
			return CLI_FAIL;
		rc = store_org_each(env.store, print_org, NULL);
		cli_env_close(&env);
		return rc == 0 ? CLI_OK : CLI_FAIL;
	}
	if (strcmp(action, "update") == 0)
		return org_update(&common, slug, require_mfa, suppress);
	if (strcmp(action, "create") != 0)
		return cli_usage_error("org", "unknown action '%s': use create, list or update",
		    action);
	if (slug == NULL || name == NULL)
		return cli_usage_error("org", "create needs --slug and --name");
	errors_init(&e);
	if (org_check(str_c(slug), str_c(name), &o, &e) != 0) {
		cli_print_errors("org create", &e);
		return CLI_USAGE;
	}
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = store_org_create(env.store, &cli_actor, &o);
	cli_env_close(&env);
	if (rc == ERR_DUPLICATE) {
		fprintf(stderr, "involve: org create: an organisation with the short name '%s' "
		    "already exists\n", slug);
		return CLI_FAIL;
	}
	if (rc != 0) {
		fprintf(stderr, "involve: org create: %s\n", error_name(rc));
		return CLI_FAIL;
	}
	printf("Created organisation %s (%s): /o/%s/\n", o.slug, o.name, o.slug);
	return CLI_OK;
}
