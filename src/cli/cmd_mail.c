/*
 * cmd_mail.c - the outbox from the command line: `involve mail send`
 * queues one message (to check a set-up), `involve mail list` shows what
 * the outbox holds and what became of it (never an address or a body),
 * and `involve mail retry` queues again a message that failed, or whose
 * outcome is unknown, once staff have decided it should go.
 *
 * Nothing here talks to an SMTP server: a server started with --smtp-url
 * sends what is queued (mail_worker.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "involve/mail.h"
#include "involve/secret.h"
#include "involve/store_outbox.h"
#include "involve/timefmt.h"
#include "cli.h"

/* The kind of a message queued by hand. */
#define MAIL_KIND_CLI "cli"

static const char mail_help[] =
    "Usage: involve mail send --org SLUG --to ADDRESS --subject TEXT --body TEXT\n"
    "       involve mail list [--org SLUG] [--state STATE]\n"
    "       involve mail retry --org SLUG (--id ID | --failed)\n\n"
    "send: queues one message from the organisation, for checking that mail\n"
    "works.  A server started with --smtp-url and --mail-from sends it within\n"
    "seconds; without one, it waits.  The address is kept sealed with\n"
    "keys/mail.key and deleted once the message is sent.\n"
    "list: the messages (every organisation's unless --org), oldest first:\n"
    "id, organisation, kind, state, attempts, when queued, when next tried,\n"
    "when sent, and the last error.  Never an address or a body.\n"
    "retry: queues again a message that failed, or whose outcome is unknown\n"
    "(the mail server may have taken it: it may then arrive twice), or with\n"
    "--failed every failed message of the organisation, while their addresses\n"
    "are kept (a week after the last attempt).\n\n"
    "  --state STATE       queued, claimed, sending, sent, failed or unknown\n" CLI_COMMON_HELP;

/* "2026-12-06T10:00:00Z", or "-" for 0. */
static const char *
when(int64_t t, char out[TIMEFMT_RFC3339_MAX])
{
	if (t == 0 || timefmt_rfc3339(t, out) != 0)
		snprintf(out, TIMEFMT_RFC3339_MAX, "-");
	return out;
}

static int
mail_send(struct cli_common *common, const char *org, const char *to, const char *subject_arg,
    const char *body_arg)
{
	unsigned char sealed[OUTBOX_SEALED_MAX];
	struct outbox_new m;
	struct cli_env env;
	struct errors e;
	struct str subject, body;
	size_t sealed_n;
	int64_t id;
	struct org o;
	int rc;

	if (org == NULL || to == NULL || subject_arg == NULL || body_arg == NULL)
		return cli_usage_error("mail", "send needs --org, --to, --subject and --body");
	errors_init(&e);
	mail_address_check(str_c(to), "to", &e);
	mail_subject_check(str_c(subject_arg), &subject, &e);
	mail_body_check(str_c(body_arg), &body, &e);
	if (errors_any(&e)) {
		cli_print_errors("mail send", &e);
		return CLI_USAGE;
	}
	if (cli_env_open(common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = cli_find_org(&env, "mail send", org, &o);
	if (rc != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	if (secret_seal(env.keys.mail, (const unsigned char *)to, strlen(to), sealed,
	    sizeof(sealed), &sealed_n) != 0) {
		fprintf(stderr, "involve: mail send: the address could not be sealed\n");
		goto out;
	}
	m = (struct outbox_new){ .org_id = o.id, .kind = STR_LIT(MAIL_KIND_CLI),
		.recipient = sealed, .recipient_n = sealed_n, .subject = subject, .body = body,
		.now = (int64_t)time(NULL) };
	if (store_outbox_add(env.store, &cli_actor, &m, &id) != 0) {
		fprintf(stderr, "involve: mail send: the message could not be queued\n");
		goto out;
	}
	printf("Queued message %lld from %s.  A server started with --smtp-url sends it.\n",
	    (long long)id, o.slug);
	rc = CLI_OK;
out:
	sodium_memzero(sealed, sizeof(sealed));
	cli_env_close(&env);
	return rc;
}

struct list_ctx {
	struct cli_env *env;
	int64_t org_id; /* of slug below */
	char slug[ORG_SLUG_SIZE];
};

static int
print_entry(void *arg, const struct outbox_entry *m)
{
	char created[TIMEFMT_RFC3339_MAX], next[TIMEFMT_RFC3339_MAX], sent[TIMEFMT_RFC3339_MAX];
	struct list_ctx *l = arg;
	struct org o;

	if (m->org_id != l->org_id) {
		if (store_org_get(l->env->store, m->org_id, &o) == 0)
			snprintf(l->slug, sizeof(l->slug), "%s", o.slug);
		else
			snprintf(l->slug, sizeof(l->slug), "%lld", (long long)m->org_id);
		l->org_id = m->org_id;
	}
	printf("%lld\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", (long long)m->id, l->slug, m->kind,
	    outbox_state_name(m->state), m->attempts, when(m->created_at, created),
	    when(m->state == OUTBOX_QUEUED ? m->next_attempt_at : 0, next), when(m->sent_at, sent),
	    m->last_error);
	return 0;
}

static int
mail_list(struct cli_env *env, const char *org, const enum outbox_state *state)
{
	struct list_ctx l = { .env = env, .org_id = -1 };
	struct org o = { 0 };
	int rc;

	if (org && (rc = cli_find_org(env, "mail list", org, &o)) != CLI_OK)
		return rc;
	printf("id\torg\tkind\tstate\tattempts\tqueued\tnext attempt\tsent\tlast error\n");
	rc = store_outbox_each(env->store, o.id, state, 0, 0, print_entry, &l);
	if (rc != 0) {
		fprintf(stderr, "involve: mail list: %s\n", error_name(rc));
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int
mail_retry(struct cli_env *env, const char *org, long long id)
{
	struct org o;
	int rc, n = 0;

	if ((rc = cli_find_org(env, "mail retry", org, &o)) != CLI_OK)
		return rc;
	rc = store_outbox_requeue(env->store, &cli_actor, o.id, id, (int64_t)time(NULL), &n);
	if (rc == ERR_NOTFOUND) {
		fprintf(stderr, "involve: mail retry: %s has no message %lld\n", org, id);
	} else if (rc == ERR_CONFLICT) {
		fprintf(stderr, "involve: mail retry: message %lld cannot go again: only a message "
		    "that failed or whose outcome is unknown can, while its address is kept\n", id);
	} else if (rc != 0) {
		fprintf(stderr, "involve: mail retry: %s\n", error_name(rc));
	} else if (id != 0) {
		printf("Queued message %lld again.\n", id);
	} else {
		printf("Queued %d failed message%s of %s again.\n", n, n == 1 ? "" : "s", o.slug);
	}
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

int
cmd_mail(int argc, char **argv)
{
	const char *org = NULL, *to = NULL, *subject = NULL, *body = NULL, *state = NULL,
	    *id_arg = NULL, *failed = NULL, *action;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "to", true, &to },
		{ "subject", true, &subject },
		{ "body", true, &body },
		{ "state", true, &state },
		{ "id", true, &id_arg },
		{ "failed", false, &failed },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct cli_env env;
	enum outbox_state st;
	long long id = 0;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(mail_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	if (strcmp(action, "send") != 0 && strcmp(action, "list") != 0 &&
	    strcmp(action, "retry") != 0)
		return cli_usage_error("mail", "unknown action '%s': use send, list or retry", action);
	cli_common_init(&common);
	rc = cli_parse("mail", mail_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (strcmp(action, "send") == 0)
		return mail_send(&common, org, to, subject, body);
	if (state && outbox_state_parse(str_c(state), &st) != 0)
		return cli_usage_error("mail", "--state must be queued, claimed, sending, sent, "
		    "failed or unknown");
	if (strcmp(action, "retry") == 0) {
		if (org == NULL || (id_arg == NULL) == (failed == NULL))
			return cli_usage_error("mail", "retry needs --org, and --id or --failed");
		if (id_arg && !cli_parse_id(id_arg, &id))
			return cli_usage_error("mail", "--id must be a message's id as mail list shows "
			    "it");
	}
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	if (strcmp(action, "list") == 0)
		rc = mail_list(&env, org, state ? &st : NULL);
	else
		rc = mail_retry(&env, org, id);
	cli_env_close(&env);
	return rc;
}
