/*
 * cmd_admin.c - setting up an installation from the command line:
 * `involve migrate`, `org create|list`, `user add|passwd`, `token create`.
 * Changes are recorded in the audit log with the actor "cli".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "involve/password.h"
#include "involve/secret.h"
#include "cli.h"

static const struct actor cli_actor = { 0, 0, "cli" };


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
    "       involve org list\n\n"
    "  --slug SLUG         short name used in addresses: /o/SLUG/\n"
    "  --name NAME         the organisation's name\n" CLI_COMMON_HELP;

int
cmd_org(int argc, char **argv)
{
	const char *slug = NULL, *name = NULL, *action;
	const struct cli_opt opts[] = {
		{ "slug", true, &slug },
		{ "name", true, &name },
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
	if (strcmp(action, "create") != 0)
		return cli_usage_error("org", "unknown action '%s': use create or list", action);
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

/* Reads a password from stdin when it is not a terminal; otherwise makes
 * one and prints it.  Checks it against the policy. */
static int
get_password(char *out, size_t size, bool *generated)
{
	struct errors e;

	*generated = false;
	if (!isatty(STDIN_FILENO)) {
		if (!cli_read_line(out, size)) {
			fprintf(stderr, "involve: expected a password on standard input\n");
			return CLI_USAGE;
		}
	} else {
		char made[SECRET_GENERATED_MAX];

		secret_password_generate(made);
		snprintf(out, size, "%s", made);
		*generated = true;
	}
	errors_init(&e);
	if (password_check(out, &e) != 0) {
		cli_print_errors("password", &e);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static const char user_help[] =
    "Usage: involve user add --org SLUG --email EMAIL [--role ROLE]\n"
    "       involve user passwd --email EMAIL\n\n"
    "The password is read from standard input when it is not a terminal;\n"
    "otherwise one is made and printed once.\n\n"
    "  --role ROLE         administrator, engagement_officer (default), analyst,\n"
    "                      facilitator or viewer\n" CLI_COMMON_HELP;

int
cmd_user(int argc, char **argv)
{
	const char *org = NULL, *email_arg = NULL, *role = "engagement_officer", *action;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "email", true, &email_arg },
		{ "role", true, &role },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct cli_env env;
	struct errors e;
	struct user u;
	struct org o;
	char password[PASSWORD_MAX_BYTES + 2], email[USER_EMAIL_SIZE];
	bool generated, add;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(user_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	cli_common_init(&common);
	rc = cli_parse("user", user_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	add = strcmp(action, "add") == 0;
	if (!add && strcmp(action, "passwd") != 0)
		return cli_usage_error("user", "unknown action '%s': use add or passwd", action);
	if (email_arg == NULL || (add && org == NULL))
		return cli_usage_error("user", add ? "add needs --org and --email" :
		    "passwd needs --email");
	errors_init(&e);
	memset(&u, 0, sizeof(u));
	if (user_email_check(str_c(email_arg), email, &e) != 0 ||
	    (add && role_parse(str_c(role), &u.role) != 0)) {
		if (!errors_any(&e))
			errors_add(&e, "role", "unknown role '%s'", role);
		cli_print_errors("user", &e);
		return CLI_USAGE;
	}
	if ((rc = get_password(password, sizeof(password), &generated)) != CLI_OK)
		return rc;
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = CLI_FAIL;
	if (secret_password_hash(password, u.password_hash) != 0) {
		fprintf(stderr, "involve: user: hashing the password failed\n");
		goto out;
	}
	if (add) {
		if (store_org_get_by_slug(env.store, str_c(org), &o) != 0) {
			fprintf(stderr, "involve: user add: there is no organisation '%s'\n", org);
			goto out;
		}
		u.org_id = o.id;
		snprintf(u.email, sizeof(u.email), "%s", email);
		rc = store_user_create(env.store, &cli_actor, &u);
		if (rc == ERR_DUPLICATE) {
			fprintf(stderr, "involve: user add: %s already has an account\n", email);
			rc = CLI_FAIL;
			goto out;
		}
	} else {
		struct user existing;

		if (store_user_get_by_email(env.store, str_c(email), &existing) != 0) {
			fprintf(stderr, "involve: user passwd: there is no user %s\n", email);
			goto out;
		}
		rc = store_user_set_password(env.store, &cli_actor, existing.id,
		    u.password_hash);
	}
	if (rc != 0) {
		fprintf(stderr, "involve: user: %s\n", error_name(rc));
		rc = CLI_FAIL;
		goto out;
	}
	printf(add ? "Added %s as %s.\n" : "Changed the password of %s.\n", email, role);
	if (generated)
		printf("Password (shown once): %s\n", password);
	rc = CLI_OK;
out:
	memset(password, 0, sizeof(password));
	cli_env_close(&env);
	return rc;
}

static const char token_help[] =
    "Usage: involve token create --org SLUG --user EMAIL\n\n"
    "Creates an API token for a staff user; the token is printed once,\n"
    "as the last word of the output.\n\n" CLI_COMMON_HELP;

int
cmd_token(int argc, char **argv)
{
	const char *org = NULL, *user = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "user", true, &user },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct cli_env env;
	struct api_token t;
	struct user u;
	struct org o;
	struct errors e;
	char token[SECRET_TOKEN_MAX], email[USER_EMAIL_SIZE];
	unsigned char hash[STORE_HASH_SIZE];
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(token_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "create") != 0)
		return cli_usage_error("token", "unknown action '%s': use create", argv[1]);
	cli_common_init(&common);
	rc = cli_parse("token", token_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	rc = CLI_FAIL;
	if (org == NULL || user == NULL)
		return cli_usage_error("token", "create needs --org and --user");
	errors_init(&e);
	if (user_email_check(str_c(user), email, &e) != 0) {
		cli_print_errors("token", &e);
		return CLI_USAGE;
	}
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	if (store_org_get_by_slug(env.store, str_c(org), &o) != 0) {
		fprintf(stderr, "involve: token create: there is no organisation '%s'\n", org);
		goto out;
	}
	if (store_user_get_by_email(env.store, str_c(email), &u) != 0 || u.org_id != o.id) {
		fprintf(stderr, "involve: token create: %s is not a user of '%s'\n", email, org);
		goto out;
	}
	if (secret_token_new("inv_", token) != 0)
		goto out;
	secret_token_hash(env.keys.token, token, strlen(token), hash);
	memset(&t, 0, sizeof(t));
	t.user_id = u.id;
	t.org_id = o.id;
	if (store_token_create(env.store, &cli_actor, hash, &t) != 0) {
		fprintf(stderr, "involve: token create: the token could not be saved\n");
		goto out;
	}
	printf("API token for %s at %s (shown once): %s\n", email, o.slug, token);
	rc = CLI_OK;
out:
	memset(token, 0, sizeof(token));
	cli_env_close(&env);
	return rc;
}
