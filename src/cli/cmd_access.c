/*
 * cmd_access.c - staff accounts and API tokens from the command line:
 * `involve user add|passwd|list|role|disable|enable|reset-mfa|unblock` and
 * `involve token create|list|revoke`.  Every change is audited with the
 * actor "cli" and takes effect on every app server at once (nothing caches
 * an account or a token).  A refusal says why and exits non-zero.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "involve/num.h"
#include "involve/password.h"
#include "involve/secret.h"
#include "involve/signin.h"
#include "involve/timefmt.h"
#include "cli.h"

/* The longest a token may be made to last: ten years. */
#define TOKEN_DAYS_MAX 3650

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

/* The organisation named by --org (when given) and the user named by
 * --email (when given), who must belong to it.  Prints what is wrong. */
static int
find_org_user(struct cli_env *env, const char *what, const char *slug, const char *email_arg,
    struct org *o, struct user *u)
{
	char email[USER_EMAIL_SIZE];
	struct errors e;

	if (slug != NULL && store_org_get_by_slug(env->store, str_c(slug), o) != 0) {
		fprintf(stderr, "involve: %s: there is no organisation '%s'\n", what, slug);
		return CLI_FAIL;
	}
	if (email_arg == NULL)
		return CLI_OK;
	errors_init(&e);
	if (user_email_check(str_c(email_arg), email, &e) != 0) {
		cli_print_errors(what, &e);
		return CLI_USAGE;
	}
	if (store_user_get_by_email(env->store, str_c(email), u) != 0 ||
	    (slug != NULL && u->org_id != o->id)) {
		if (slug != NULL)
			fprintf(stderr, "involve: %s: %s is not a user of '%s'\n", what, email, slug);
		else
			fprintf(stderr, "involve: %s: there is no user %s\n", what, email);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* "2026-12-06T10:00:00Z", or "never" for 0. */
static const char *
when(int64_t t, char out[TIMEFMT_RFC3339_MAX])
{
	if (t == 0 || timefmt_rfc3339(t, out) != 0)
		snprintf(out, TIMEFMT_RFC3339_MAX, "never");
	return out;
}

/* ---- involve user ------------------------------------------------------------------- */

static const char user_help[] =
    "Usage: involve user add --org SLUG --email EMAIL [--role ROLE]\n"
    "       involve user passwd --email EMAIL\n"
    "       involve user list --org SLUG\n"
    "       involve user role --org SLUG --email EMAIL --role ROLE\n"
    "       involve user disable --org SLUG --email EMAIL\n"
    "       involve user enable --org SLUG --email EMAIL\n"
    "       involve user reset-mfa --email EMAIL\n"
    "       involve user unblock --email EMAIL\n\n"
    "add and passwd read the password from standard input when it is not a\n"
    "terminal; otherwise one is made and printed once.  A new password ends\n"
    "the user's sessions and revokes their API tokens.\n"
    "disable: the account can no longer sign in, and its sessions and tokens\n"
    "end at once; it stays for the audit log.  The last administrator of an\n"
    "organisation cannot be disabled or given another role.\n"
    "reset-mfa: removes a lost second factor and its recovery codes; the user\n"
    "sets one up again at their next sign-in.\n"
    "unblock: lifts the throttle on signing in with that email after too many\n"
    "wrong attempts.\n\n"
    "  --role ROLE         administrator, engagement_officer (default for add),\n"
    "                      analyst, facilitator or viewer\n" CLI_COMMON_HELP;

static int
print_user(void *arg, const struct user *u)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\n", u->email, role_name(u->role),
	    u->mfa_on ? "two-step" : "password-only", u->disabled_at ? "disabled" : "active");
	return 0;
}

static int
user_add_or_passwd(struct cli_common *common, bool add, const char *org, const char *email_arg,
    const char *role)
{
	char password[PASSWORD_MAX_BYTES + 2], email[USER_EMAIL_SIZE];
	struct cli_env env;
	struct errors e;
	struct user u, existing;
	struct org o;
	bool generated;
	int rc;

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
	if (cli_env_open(common, &env) != CLI_OK)
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
		if (store_user_get_by_email(env.store, str_c(email), &existing) != 0) {
			fprintf(stderr, "involve: user passwd: there is no user %s\n", email);
			goto out;
		}
		rc = store_user_set_password(env.store, &cli_actor, existing.id, u.password_hash);
	}
	if (rc != 0) {
		fprintf(stderr, "involve: user: %s\n", error_name(rc));
		rc = CLI_FAIL;
		goto out;
	}
	printf(add ? "Added %s as %s.\n" : "Changed the password of %s; their sessions and API "
	    "tokens have ended.\n", email, role);
	if (generated)
		printf("Password (shown once): %s\n", password);
	rc = CLI_OK;
out:
	memset(password, 0, sizeof(password));
	cli_env_close(&env);
	return rc;
}

/* role, disable, enable, reset-mfa, unblock: changes to one account. */
static int
user_change(struct cli_common *common, const char *action, const char *org,
    const char *email_arg, const char *role_arg)
{
	bool needs_org = strcmp(action, "reset-mfa") != 0 && strcmp(action, "unblock") != 0;
	unsigned char subject[SECRET_HASH_BYTES];
	char what[32], target[32];
	struct cli_env env;
	struct errors e;
	struct user u;
	struct org o;
	enum role role = ROLE_VIEWER;
	int rc, lifted = 0;

	snprintf(what, sizeof(what), "user %s", action ? action : "");
	if (email_arg == NULL || (needs_org && org == NULL)) {
		if (needs_org)
			return cli_usage_error("user", "%s needs --org and --email", action);
		return cli_usage_error("user", "%s needs --email", action);
	}
	if (strcmp(action, "role") == 0 && (role_arg == NULL || role_parse(str_c(role_arg),
	    &role) != 0))
		return cli_usage_error("user", "role needs --role: administrator, "
		    "engagement_officer, analyst, facilitator or viewer");
	if (cli_env_open(common, &env) != CLI_OK)
		return CLI_FAIL;
	if ((rc = find_org_user(&env, what, needs_org ? org : NULL, email_arg, &o, &u)) != CLI_OK)
		goto out;
	errors_init(&e);
	if (strcmp(action, "role") == 0) {
		rc = store_user_set_role(env.store, &cli_actor, u.org_id, u.id, role, &e);
	} else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
		rc = store_user_disable(env.store, &cli_actor, u.org_id, u.id,
		    strcmp(action, "disable") == 0, &e);
	} else if (strcmp(action, "reset-mfa") == 0) {
		rc = u.mfa_on == 0 && u.mfa_secret_n == 0 ? ERR_CONFLICT :
		    store_mfa_reset(env.store, &cli_actor, 0, u.id);
		if (rc == ERR_CONFLICT)
			errors_add(&e, "email", "%s has no two-step verification to reset", u.email);
	} else {
		signin_email_subject(env.keys.net, str_c(u.email), subject);
		snprintf(target, sizeof(target), "user:%lld", (long long)u.id);
		rc = store_throttle_lift(env.store, &cli_actor, target, subject, &lifted);
	}
	if (rc == ERR_CONFLICT) {
		cli_print_errors(what, &e);
		rc = CLI_FAIL;
		goto out;
	}
	if (rc != 0) {
		fprintf(stderr, "involve: %s: %s\n", what, error_name(rc));
		rc = CLI_FAIL;
		goto out;
	}
	if (strcmp(action, "role") == 0)
		printf("%s is now %s; their sessions have ended.\n", u.email, role_name(role));
	else if (strcmp(action, "disable") == 0)
		printf("Disabled %s: they cannot sign in, and their sessions and API tokens have "
		    "ended.\n", u.email);
	else if (strcmp(action, "enable") == 0)
		printf("%s can sign in again.\n", u.email);
	else if (strcmp(action, "reset-mfa") == 0)
		printf("Removed the two-step verification of %s; they set it up again at their "
		    "next sign-in.\n", u.email);
	else
		printf("%s may try to sign in again now (%d throttle%s lifted).\n", u.email, lifted,
		    lifted == 1 ? "" : "s");
	rc = CLI_OK;
out:
	cli_env_close(&env);
	return rc;
}

int
cmd_user(int argc, char **argv)
{
	const char *org = NULL, *email = NULL, *role = NULL, *action;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "email", true, &email },
		{ "role", true, &role },
		{ NULL, false, NULL },
	};
	static const char *const changes[] = { "role", "disable", "enable", "reset-mfa", "unblock",
		NULL };
	struct cli_common common;
	struct cli_env env;
	struct user u;
	struct org o;
	int i, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(user_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	cli_common_init(&common);
	rc = cli_parse("user", user_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (strcmp(action, "add") == 0 || strcmp(action, "passwd") == 0)
		return user_add_or_passwd(&common, strcmp(action, "add") == 0, org, email,
		    role ? role : "engagement_officer");
	for (i = 0; changes[i] != NULL; i++)
		if (strcmp(action, changes[i]) == 0)
			return user_change(&common, action, org, email, role);
	if (strcmp(action, "list") != 0)
		return cli_usage_error("user", "unknown action '%s': use add, passwd, list, role, "
		    "disable, enable, reset-mfa or unblock", action);
	if (org == NULL)
		return cli_usage_error("user", "list needs --org");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = find_org_user(&env, "user list", org, NULL, &o, &u);
	if (rc == CLI_OK) {
		printf("email\trole\tsign-in\tstatus\n");
		rc = store_user_each(env.store, o.id, print_user, NULL) == 0 ? CLI_OK : CLI_FAIL;
	}
	cli_env_close(&env);
	return rc;
}

/* ---- involve token ------------------------------------------------------------------ */

static const char token_help[] =
    "Usage: involve token create --org SLUG --user EMAIL [--expires DAYS]\n"
    "       involve token list --org SLUG [--user EMAIL]\n"
    "       involve token revoke --org SLUG --id ID\n\n"
    "create makes an API token for a staff user; it is printed once, as the last\n"
    "word of the output, and works until it expires (--expires: after DAYS days,\n"
    "1 to 3650; by default never), is revoked, its user's password changes or\n"
    "the account is disabled.  list shows each token's id, user, dates and\n"
    "state, never the token itself.\n\n" CLI_COMMON_HELP;

static int
print_token(void *arg, const struct api_token *t)
{
	char created[TIMEFMT_RFC3339_MAX], used[TIMEFMT_RFC3339_MAX], expires[TIMEFMT_RFC3339_MAX];
	const int64_t *now = arg;
	const char *state = t->revoked_at ? "revoked" :
	    t->expires_at && t->expires_at <= *now ? "expired" : "active";

	printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)t->id, t->email, when(t->created_at,
	    created), when(t->last_used_at, used), when(t->expires_at, expires), state);
	return 0;
}

static int
token_create(struct cli_env *env, const char *org, const char *user, const char *days)
{
	char token[SECRET_TOKEN_MAX], expires[TIMEFMT_RFC3339_MAX];
	unsigned char hash[STORE_HASH_SIZE];
	struct api_token t;
	struct user u;
	struct org o;
	int64_t n = 0;
	int rc;

	if (days && num_parse_c(days, 1, TOKEN_DAYS_MAX, &n) != NUM_OK)
		return cli_usage_error("token", "--expires must be a whole number of days from 1 "
		    "to %d", TOKEN_DAYS_MAX);
	if ((rc = find_org_user(env, "token create", org, user, &o, &u)) != CLI_OK)
		return rc;
	if (secret_token_new("inv_", token) != 0)
		return CLI_FAIL;
	secret_token_hash(env->keys.token, token, strlen(token), hash);
	memset(&t, 0, sizeof(t));
	t.user_id = u.id;
	t.org_id = o.id;
	t.expires_at = n > 0 ? (int64_t)time(NULL) + n * 86400 : 0;
	if (store_token_create(env->store, &cli_actor, hash, &t) != 0) {
		fprintf(stderr, "involve: token create: the token could not be saved\n");
		memset(token, 0, sizeof(token));
		return CLI_FAIL;
	}
	printf("API token %lld for %s at %s, expires %s (shown once): %s\n", (long long)t.id,
	    u.email, o.slug, when(t.expires_at, expires), token);
	memset(token, 0, sizeof(token));
	return CLI_OK;
}

int
cmd_token(int argc, char **argv)
{
	const char *org = NULL, *user = NULL, *days = NULL, *id_arg = NULL, *action;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "user", true, &user },
		{ "expires", true, &days },
		{ "id", true, &id_arg },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct cli_env env;
	struct user u;
	struct org o;
	long long id = 0;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(token_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	if (strcmp(action, "create") != 0 && strcmp(action, "list") != 0 &&
	    strcmp(action, "revoke") != 0)
		return cli_usage_error("token", "unknown action '%s': use create, list or revoke",
		    action);
	cli_common_init(&common);
	rc = cli_parse("token", token_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL)
		return cli_usage_error("token", "%s needs --org", action);
	if (strcmp(action, "create") == 0 && user == NULL)
		return cli_usage_error("token", "create needs --org and --user");
	if (strcmp(action, "revoke") == 0 && (id_arg == NULL || !cli_parse_id(id_arg, &id)))
		return cli_usage_error("token", "revoke needs --id, a token's id as token list "
		    "shows it");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	if (strcmp(action, "create") == 0) {
		rc = token_create(&env, org, user, days);
	} else if (strcmp(action, "list") == 0) {
		rc = find_org_user(&env, "token list", org, user, &o, &u);
		if (rc == CLI_OK) {
			printf("id\tuser\tcreated\tlast used\texpires\tstate\n");
			rc = store_token_each(env.store, o.id, user ? u.id : 0, print_token, &now) == 0 ?
			    CLI_OK : CLI_FAIL;
		}
	} else if ((rc = find_org_user(&env, "token revoke", org, NULL, &o, &u)) == CLI_OK) {
		rc = store_token_revoke(env.store, &cli_actor, o.id, id, now);
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "involve: token revoke: '%s' has no token %lld\n", org, id);
		else if (rc == ERR_CONFLICT)
			fprintf(stderr, "involve: token revoke: token %lld is revoked already\n", id);
		else if (rc != 0)
			fprintf(stderr, "involve: token revoke: %s\n", error_name(rc));
		else
			printf("Revoked token %lld: it no longer works.\n", id);
		rc = rc == 0 ? CLI_OK : CLI_FAIL;
	}
	cli_env_close(&env);
	return rc;
}
