/*
 * cmd_outcome.c - `involve outcome`: "You said, we did" outcomes from the
 * command line, as the API's /api/v1/outcomes makes them: a draft created
 * from a file of the API's JSON body, listed, shown, published once (which
 * emails the respondents who asked to hear back and moves the
 * consultations it answers on) and, while a draft, deleted.
 *
 * Each goes through the same layers as the API: the domain checks
 * (outcome_check, outcome_links_read), the store keeps and publishes
 * (store_outcome.h) and audits as the command line's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "involve/store_outcome.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "cli.h"

/* The most an outcome's file holds: its three Markdown texts of at most
 * OUTCOME_TEXT_MAX_CHARS characters (four bytes each, at worst, and JSON
 * escapes) and the rest. */
#define OUTCOME_FILE_MAX (3 * 6 * OUTCOME_TEXT_MAX_CHARS + 65536)

static const char outcome_help[] =
    "Usage: involve outcome create --org SLUG --file OUTCOME.json\n"
    "       involve outcome list --org SLUG\n"
    "       involve outcome show --org SLUG --outcome ID\n"
    "       involve outcome publish --org SLUG --outcome ID --public-url URL\n"
    "       involve outcome delete --org SLUG --outcome ID\n\n"
    "create reads a draft from a JSON file, the body the API's POST /api/v1/outcomes\n"
    "takes: title, you_said, decision, what_changed (Markdown), decided_by,\n"
    "decided_on (YYYY-MM-DD, not in the future) and links, what it answers, as\n"
    "[{\"kind\": \"survey\" or \"poll\", \"id\": \"12\", \"question\": KEY (optional)}].\n"
    "It checks it as the API does and prints its id.\n"
    "list shows each outcome, newest first: id, status, decided on, links, title.\n"
    "show prints one outcome whole.\n"
    "publish puts a draft on the organisation's \"You said, we did\" page and feed,\n"
    "queues one email to each respondent of a linked survey who asked to hear back\n"
    "(a server started with --smtp-url sends them), and moves each linked\n"
    "consultation whose responses are being analysed on to \"outcome published\".\n"
    "It cannot be undone.  --public-url is the address people reach the site at (as\n"
    "serve's --public-url), for the link in the email.\n"
    "delete deletes a draft; a published outcome stays.\n\n"
    "  --outcome ID        the outcome, as list shows it\n"
    "  --public-url URL    e.g. https://involve.example.org\n" CLI_COMMON_HELP;

/* Outcome id of organisation o, into a.  Prints what is wrong. */
static int
find_outcome(struct cli_env *env, const char *what, const struct org *o, long long id,
    struct arena *a, struct outcome **out)
{
	if (store_outcome_get(env->store, a, id, out) != 0 || (*out)->org_id != o->id) {
		fprintf(stderr, "involve: %s: '%s' has no outcome %lld\n", what, o->slug, id);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* ---- create ------------------------------------------------------------------------- */

/* A text member: a string, or an error; left empty when missing and not
 * required (outcome_check says what a missing required one means). */
static void
text_member(const json_t *body, const char *name, struct arena *a, struct str *out,
    struct errors *e)
{
	const json_t *v = json_object_get(body, name);

	*out = (struct str){ "", 0 };
	if (v == NULL)
		return;
	if (!json_is_string(v))
		errors_add(e, name, "Must be a string");
	else
		*out = arena_str(a, (struct str){ json_string_value(v), json_string_length(v) });
}

/* The file's object as the API reads its body: the same members, an
 * unknown one refused. */
static int
outcome_of(const json_t *body, struct arena *a, struct outcome *o, struct errors *e)
{
	static const char *const members[] = { "title", "you_said", "decision", "what_changed",
		"decided_by", "decided_on", "links", NULL };
	const char *key;
	json_t *v;
	int i;

	json_object_foreach((json_t *)body, key, v) {
		for (i = 0; members[i] && strcmp(members[i], key) != 0; i++)
			;
		if (members[i] == NULL) {
			char field[61];

			text_copy(field, sizeof(field), str_c(key));
			errors_add(e, field, "Unknown field");
		}
	}
	text_member(body, "title", a, &o->title, e);
	text_member(body, "you_said", a, &o->you_said, e);
	text_member(body, "decision", a, &o->decision, e);
	text_member(body, "what_changed", a, &o->what_changed, e);
	text_member(body, "decided_by", a, &o->decided_by, e);
	text_member(body, "decided_on", a, &o->decided_on, e);
	if ((v = json_object_get(body, "links")) != NULL &&
	    outcome_links_read(v, a, o, e) == ERR_NOMEM)
		return ERR_NOMEM;
	return 0;
}

static int
outcome_create(struct cli_env *env, const char *slug, const char *file)
{
	struct outcome out = { 0 };
	struct arena arena;
	struct errors e;
	struct actor who;
	struct org o;
	json_t *body = NULL;
	char day[TIMEFMT_DAY_MAX];
	int rc = CLI_FAIL;

	arena_init(&arena, NULL, 0);
	errors_init(&e);
	if (cli_find_org(env, "outcome create", slug, &o) != CLI_OK ||
	    cli_read_json_object("outcome create", file, OUTCOME_FILE_MAX, &body) != CLI_OK)
		goto done;
	if (outcome_of(body, &arena, &out, &e) != 0) {
		fprintf(stderr, "involve: outcome create: out of memory\n");
		goto done;
	}
	if (timefmt_london_day((int64_t)time(NULL), day) != 0)
		day[0] = '\0';
	/* Every problem at once: the file's and the outcome's. */
	if (outcome_check(&out, day[0] ? day : NULL, &e) != 0 || errors_any(&e)) {
		cli_print_errors("outcome create", &e);
		goto done;
	}
	out.org_id = o.id;
	who = (struct actor){ o.id, 0, "cli" };
	errors_init(&e);
	if (store_outcome_create(env->store, &who, &out, &e) != 0) {
		if (errors_any(&e))
			cli_print_errors("outcome create", &e);
		else
			fprintf(stderr, "involve: outcome create: the outcome could not be saved\n");
		goto done;
	}
	printf("Created outcome %lld, \"%s\", a draft answering %d engagement%s.\n",
	    (long long)out.id, arena_strdup(&arena, out.title), out.link_n,
	    out.link_n == 1 ? "" : "s");
	rc = CLI_OK;
done:
	json_decref(body);
	arena_free(&arena);
	return rc;
}

/* ---- list and show ------------------------------------------------------------------- */

static int
print_outcome_line(void *arg, const struct outcome *o)
{
	(void)arg;
	printf("%lld\t%s\t%.*s\t%d\t%.*s\n", (long long)o->id,
	    o->published_at ? "published" : "draft", (int)o->decided_on.n, o->decided_on.p,
	    o->link_n, (int)o->title.n, o->title.p);
	return 0;
}

static int
outcome_list(struct cli_env *env, const char *slug)
{
	struct arena arena;
	struct org o;
	int rc;

	if (cli_find_org(env, "outcome list", slug, &o) != CLI_OK)
		return CLI_FAIL;
	arena_init(&arena, NULL, 0);
	printf("id\tstatus\tdecided_on\tlinks\ttitle\n");
	rc = store_outcome_each(env->store, &arena, o.id, false, 0, print_outcome_line, NULL);
	arena_free(&arena);
	if (rc != 0) {
		fprintf(stderr, "involve: outcome list: reading the outcomes failed\n");
		return CLI_FAIL;
	}
	return CLI_OK;
}

static void
print_text(const char *name, struct str s)
{
	printf("%s:\n", name);
	if (s.n == 0)
		printf("  (none yet)\n");
	else
		printf("  %.*s\n", (int)s.n, s.p);
}

static int
outcome_show(struct cli_env *env, const char *slug, long long id)
{
	char published[TIMEFMT_RFC3339_MAX];
	struct outcome *out;
	struct arena arena;
	struct org o;
	int rc = CLI_FAIL, i;

	arena_init(&arena, NULL, 0);
	if (cli_find_org(env, "outcome show", slug, &o) != CLI_OK ||
	    find_outcome(env, "outcome show", &o, id, &arena, &out) != CLI_OK)
		goto done;
	printf("Outcome %lld: %.*s\n", (long long)out->id, (int)out->title.n, out->title.p);
	if (out->published_at != 0 && timefmt_rfc3339(out->published_at, published) == 0)
		printf("Published %s\n", published);
	else
		printf("A draft\n");
	printf("Decided by %.*s on %.*s\n", (int)out->decided_by.n, out->decided_by.p,
	    (int)out->decided_on.n, out->decided_on.p);
	print_text("You said", out->you_said);
	print_text("We decided", out->decision);
	print_text("What changed", out->what_changed);
	printf("Answers:\n");
	if (out->link_n == 0)
		printf("  (nothing linked)\n");
	for (i = 0; i < out->link_n; i++) {
		const struct outcome_link *l = &out->links[i];

		printf("  %s %lld, %.*s", outcome_link_kind_name(l->kind), (long long)l->id,
		    (int)l->title.n, l->title.p);
		if (l->question.n > 0)
			printf(", question %.*s", (int)l->question.n, l->question.p);
		printf("\n");
	}
	rc = CLI_OK;
done:
	arena_free(&arena);
	return rc;
}

/* ---- publish and delete -------------------------------------------------------------- */

static int
outcome_publish(struct cli_env *env, const char *slug, long long id, const char *public_url)
{
	struct buf subject = BUF_INIT, body = BUF_INIT;
	struct outcome_mail mail;
	struct outcome *out;
	struct arena arena;
	struct actor who;
	struct org o;
	int rc = CLI_FAIL, queued = 0;

	arena_init(&arena, NULL, 0);
	if (cli_find_org(env, "outcome publish", slug, &o) != CLI_OK ||
	    find_outcome(env, "outcome publish", &o, id, &arena, &out) != CLI_OK)
		goto done;
	if (out->published_at != 0) {
		fprintf(stderr, "involve: outcome publish: outcome %lld is published already\n", id);
		goto done;
	}
	outcome_mail_write(public_url, &o, out, &subject, &body);
	if (!buf_ok(&subject) || !buf_ok(&body)) {
		fprintf(stderr, "involve: outcome publish: out of memory\n");
		goto done;
	}
	mail = (struct outcome_mail){ { subject.p, subject.n }, { body.p, body.n } };
	who = (struct actor){ o.id, 0, "cli" };
	switch (store_outcome_publish(env->store, &who, o.id, out->id, (int64_t)time(NULL), &mail,
	    &queued)) {
	case 0:
		printf("Published outcome %lld; %d email%s queued to people who asked to hear "
		    "back.\n", id, queued, queued == 1 ? "" : "s");
		rc = CLI_OK;
		break;
	case ERR_CONFLICT:
		fprintf(stderr, "involve: outcome publish: outcome %lld is published already\n", id);
		break;
	default:
		fprintf(stderr, "involve: outcome publish: the outcome could not be published\n");
		break;
	}
done:
	buf_free(&subject);
	buf_free(&body);
	arena_free(&arena);
	return rc;
}

static int
outcome_delete(struct cli_env *env, const char *slug, long long id)
{
	struct actor who;
	struct org o;

	if (cli_find_org(env, "outcome delete", slug, &o) != CLI_OK)
		return CLI_FAIL;
	who = (struct actor){ o.id, 0, "cli" };
	switch (store_outcome_delete(env->store, &who, o.id, id)) {
	case 0:
		printf("Deleted draft outcome %lld.\n", id);
		return CLI_OK;
	case ERR_NOTFOUND:
		fprintf(stderr, "involve: outcome delete: '%s' has no outcome %lld\n", slug, id);
		return CLI_FAIL;
	case ERR_CONFLICT:
		fprintf(stderr, "involve: outcome delete: outcome %lld is published, and stays\n",
		    id);
		return CLI_FAIL;
	default:
		fprintf(stderr, "involve: outcome delete: the outcome could not be deleted\n");
		return CLI_FAIL;
	}
}

/* A public address: http or https, a host, no trailing slash needed. */
static bool
public_url_ok(const char *url)
{
	return (strncmp(url, "https://", 8) == 0 && url[8] != '\0' && url[8] != '/') ||
	    (strncmp(url, "http://", 7) == 0 && url[7] != '\0' && url[7] != '/');
}

int
cmd_outcome(int argc, char **argv)
{
	const char *org = NULL, *outcome = NULL, *file = NULL, *public_url = NULL, *action;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "outcome", true, &outcome },
		{ "file", true, &file },
		{ "public-url", true, &public_url },
		{ NULL, false, NULL },
	};
	static const char *const actions[] = { "create", "list", "show", "publish", "delete",
		NULL };
	char url[512];
	struct cli_common common;
	struct cli_env env;
	long long id = 0;
	int i, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(outcome_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	for (i = 0; actions[i] && strcmp(actions[i], action) != 0; i++)
		;
	if (actions[i] == NULL)
		return cli_usage_error("outcome", "unknown action '%s': use create, list, show, "
		    "publish or delete", action);
	cli_common_init(&common);
	rc = cli_parse("outcome", outcome_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL)
		return cli_usage_error("outcome", "%s needs --org", action);
	if (strcmp(action, "create") == 0 && file == NULL)
		return cli_usage_error("outcome", "create needs --org and --file");
	if (strcmp(action, "create") != 0 && strcmp(action, "list") != 0 && outcome == NULL)
		return cli_usage_error("outcome", "%s needs --org and --outcome", action);
	if (outcome != NULL && !cli_parse_id(outcome, &id))
		return cli_usage_error("outcome", "--outcome must be an outcome id (a whole "
		    "number)");
	if (strcmp(action, "publish") == 0) {
		if (public_url == NULL)
			return cli_usage_error("outcome", "publish needs --public-url, the address "
			    "people reach the site at, for the link in the email");
		if (!public_url_ok(public_url) || strlen(public_url) >= sizeof(url))
			return cli_usage_error("outcome", "--public-url must be an address like "
			    "https://involve.example.org");
		/* The mail adds the path: a trailing slash would double it. */
		snprintf(url, sizeof(url), "%s", public_url);
		while (strlen(url) > 8 && url[strlen(url) - 1] == '/')
			url[strlen(url) - 1] = '\0';
	}
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	if (strcmp(action, "create") == 0)
		rc = outcome_create(&env, org, file);
	else if (strcmp(action, "list") == 0)
		rc = outcome_list(&env, org);
	else if (strcmp(action, "show") == 0)
		rc = outcome_show(&env, org, id);
	else if (strcmp(action, "publish") == 0)
		rc = outcome_publish(&env, org, id, url);
	else
		rc = outcome_delete(&env, org, id);
	cli_env_close(&env);
	return rc;
}
