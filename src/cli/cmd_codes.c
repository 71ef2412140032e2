/*
 * cmd_codes.c - `involve poll codes` and `involve survey codes`: the
 * single-use codes of a poll, or the invitation codes of a survey,
 * answered with a code, made in a batch and written once (CSV for a mail
 * merge, or a PDF or SVG sheet of QR codes to print); the batches listed;
 * a batch withdrawn.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "involve/num.h"
#include "involve/code_sheet.h"
#include "involve/poll_codes.h"
#include "involve/store_survey.h"
#include "involve/timefmt.h"
#include "cli.h"

#define CODES_URL_DEFAULT "http://127.0.0.1:8080"

static const char poll_codes_help[] =
    "Usage: involve poll codes --org SLUG --poll ID --count N [--format csv|pdf|svg]\n"
    "                          [--output FILE] [--public-url URL]\n"
    "       involve poll codes --org SLUG --poll ID --list\n"
    "       involve poll codes --org SLUG --poll ID --withdraw BATCH\n\n"
    "Makes N single-use codes (1 to 10000) for a poll answered with a code and writes\n"
    "them once: CSV (code and link, for a mail merge; the default), or a PDF or SVG\n"
    "sheet of cards with a QR code each, to print.  Only the codes' keyed hashes are\n"
    "kept, so keep the file safe; a lost file means a new batch.  Output goes to\n"
    "standard output unless --output names a new file.\n"
    "--list shows each batch: id, made, codes, used, withdrawn.\n"
    "--withdraw stops the unused codes of a batch from working.\n\n"
    "  --public-url URL    the address people use (default $INVOLVE_PUBLIC_URL, else\n"
    "                      " CODES_URL_DEFAULT "): the links and QR codes lead there\n"
    CLI_COMMON_HELP;

static int
print_batch(void *arg, const struct code_batch *b)
{
	char made[TIMEFMT_RFC3339_MAX], gone[TIMEFMT_RFC3339_MAX] = "no";

	(void)arg;
	timefmt_rfc3339(b->created_at, made);
	if (b->withdrawn_at)
		timefmt_rfc3339(b->withdrawn_at, gone);
	printf("%lld\t%s\t%lld\t%lld\t%s\n", (long long)b->id, made, (long long)b->issued,
	    (long long)b->used, gone);
	return 0;
}

/* Writes the file: to a new file (never over one), or standard output. */
static int
write_out(const char *cmd, const char *path, const struct buf *b)
{
	FILE *f = stdout;
	int fd = -1;

	if (path != NULL) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
			fprintf(stderr, "involve: %s: cannot create %s (it must not exist yet)\n", cmd,
			    path);
			if (fd >= 0)
				close(fd);
			return CLI_FAIL;
		}
	}
	if (fwrite(b->p, 1, b->n, f) != b->n || fflush(f) != 0 ||
	    (path != NULL && fsync(fileno(f)) != 0)) {
		fprintf(stderr, "involve: %s: writing %s failed\n", cmd, path ? path : "the output");
		if (path != NULL)
			fclose(f);
		return CLI_FAIL;
	}
	if (path != NULL && fclose(f) != 0)
		return CLI_FAIL;
	return CLI_OK;
}

static const char survey_codes_help[] =
    "Usage: involve survey codes --org SLUG --survey ID --count N [--format csv|pdf|svg]\n"
    "                            [--output FILE] [--public-url URL]\n"
    "       involve survey codes --org SLUG --survey ID --list\n"
    "       involve survey codes --org SLUG --survey ID --withdraw BATCH\n\n"
    "Makes N invitation codes (1 to 10000) for a survey answered with a code and\n"
    "writes them once: CSV (code and link, for a mail merge; the default), or a PDF or\n"
    "SVG sheet of cards with a QR code each, to print.  A code lets one person answer\n"
    "once; until they send their answers it takes them back to them.  Only the codes'\n"
    "keyed hashes are kept, so keep the file safe; a lost file means a new batch.\n"
    "Output goes to standard output unless --output names a new file.\n"
    "--list shows each batch: id, made, codes, used, withdrawn.\n"
    "--withdraw stops the unused codes of a batch from working.\n\n"
    "  --public-url URL    the address people use (default $INVOLVE_PUBLIC_URL, else\n"
    "                      " CODES_URL_DEFAULT "): the links and QR codes lead there\n"
    CLI_COMMON_HELP;

/*
 * What `poll codes` and `survey codes` differ in; the rest is one command.
 * `thing` is the struct poll or struct survey load() read.
 */
struct codes_face {
	const char *noun;  /* "poll", "survey": the option, the messages */
	const char *cmd;   /* "poll codes" */
	const char *help;
	const char *path;  /* "polls": the public address's segment */
	int (*load)(struct cli_env *env, struct arena *a, int64_t id, int64_t org_id,
	    const void **thing);
	int (*batches)(struct store *s, int64_t id, store_batch_fn fn, void *arg);
	int (*withdraw)(struct store *s, const struct actor *who, int64_t id, int64_t batch,
	    int64_t now);
	int (*issue)(struct store *s, const struct keys *k, const struct actor *who,
	    const void *thing, int n, int64_t now, struct arena *a, const char ***codes,
	    int64_t *batch_id, struct errors *e);
	int (*draw)(enum poll_codes_format f, const char *org_name, const void *thing,
	    const char *url, const char *const *codes, int n, struct buf *out);
};

static int
codes_command(const struct codes_face *k, int argc, char **argv)
{
	const char *org = NULL, *thing_arg = NULL, *count = NULL, *format = "csv", *output = NULL,
	    *public_url = NULL, *list = NULL, *withdraw = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ k->noun, true, &thing_arg },
		{ "count", true, &count },
		{ "format", true, &format },
		{ "output", true, &output },
		{ "public-url", true, &public_url },
		{ "list", false, &list },
		{ "withdraw", true, &withdraw },
		{ NULL, false, NULL },
	};
	enum poll_codes_format fmt;
	struct cli_common common;
	struct cli_env env;
	struct buf out = BUF_INIT;
	struct arena arena;
	struct errors e;
	const void *thing = NULL;
	struct org o;
	struct actor who;
	const char **codes = NULL;
	char url[CODE_SHEET_URL_MAX];
	long long id, batch_arg = 0;
	int64_t n = 0, batch = 0, now = (int64_t)time(NULL);
	int rc;

	cli_common_init(&common);
	rc = cli_parse(k->cmd, k->help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL || thing_arg == NULL)
		return cli_usage_error(k->noun, "codes needs --org and --%s", k->noun);
	if (!cli_parse_id(thing_arg, &id))
		return cli_usage_error(k->noun, "--%s must be a %s id (a whole number)", k->noun,
		    k->noun);
	if (list == NULL && withdraw == NULL && count == NULL)
		return cli_usage_error(k->noun, "codes needs --count N, --list or --withdraw BATCH");
	if (count && num_parse_c(count, 1, POLL_CODES_BATCH_MAX, &n) != NUM_OK)
		return cli_usage_error(k->noun, "--count must be a whole number from 1 to %d",
		    POLL_CODES_BATCH_MAX);
	if (withdraw && !cli_parse_id(withdraw, &batch_arg))
		return cli_usage_error(k->noun, "--withdraw must be a batch id, as --list shows it");
	if (poll_codes_format_parse(format, &fmt) != 0)
		return cli_usage_error(k->noun, "--format must be csv, pdf or svg");
	if (public_url == NULL)
		public_url = getenv("INVOLVE_PUBLIC_URL");
	if (public_url == NULL || public_url[0] == '\0')
		public_url = CODES_URL_DEFAULT;
	if (strncmp(public_url, "https://", 8) != 0 && strncmp(public_url, "http://", 7) != 0)
		return cli_usage_error(k->noun, "--public-url must start with https:// or http://");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = CLI_FAIL;
	arena_init(&arena, NULL, 0);
	errors_init(&e);
	if (cli_find_org(&env, k->cmd, org, &o) != CLI_OK)
		goto out;
	if (k->load(&env, &arena, id, o.id, &thing) != 0) {
		fprintf(stderr, "involve: %s: '%s' has no %s %lld\n", k->cmd, org, k->noun, id);
		goto out;
	}
	who = (struct actor){ o.id, 0, "cli" };
	if (list != NULL) {
		printf("batch\tmade\tcodes\tused\twithdrawn\n");
		rc = k->batches(env.store, id, print_batch, NULL) == 0 ? CLI_OK : CLI_FAIL;
		goto out;
	}
	if (withdraw != NULL) {
		int w = k->withdraw(env.store, &who, id, batch_arg, now);

		if (w == ERR_NOTFOUND)
			fprintf(stderr, "involve: %s: %s %lld has no batch %lld\n", k->cmd, k->noun, id,
			    batch_arg);
		else if (w == ERR_CONFLICT)
			fprintf(stderr, "involve: %s: batch %lld is withdrawn already\n", k->cmd,
			    batch_arg);
		else if (w != 0)
			fprintf(stderr, "involve: %s: %s\n", k->cmd, error_name(w));
		else
			printf("Withdrew batch %lld: its unused codes no longer work.\n", batch_arg);
		rc = w == 0 ? CLI_OK : CLI_FAIL;
		goto out;
	}
	if (output != NULL && access(output, F_OK) == 0) {
		fprintf(stderr, "involve: %s: %s exists already: name a new file\n", k->cmd, output);
		goto out;
	}
	rc = k->issue(env.store, &env.keys, &who, thing, (int)n, now, &arena, &codes, &batch, &e);
	if (rc != 0) {
		if (errors_any(&e))
			cli_print_errors(k->cmd, &e);
		else
			fprintf(stderr, "involve: %s: %s\n", k->cmd, error_name(rc));
		rc = CLI_FAIL;
		goto out;
	}
	snprintf(url, sizeof(url), "%.*s/o/%s/%s/%lld", (int)strcspn(public_url, "#?"),
	    public_url, o.slug, k->path, id);
	while (strstr(url, "//o/") != NULL) /* a public URL given with a trailing "/" */
		memmove(strstr(url, "//o/"), strstr(url, "//o/") + 1, strlen(strstr(url, "//o/")));
	if (k->draw(fmt, o.name, thing, url, codes, (int)n, &out) != 0 || !buf_ok(&out)) {
		fprintf(stderr, "involve: %s: batch %lld was made but could not be drawn; "
		    "withdraw it and make another\n", k->cmd, (long long)batch);
		rc = CLI_FAIL;
		goto out;
	}
	rc = write_out(k->cmd, output, &out);
	if (rc == CLI_OK)
		fprintf(stderr, "Made batch %lld: %lld codes for %s %lld%s%s.\n", (long long)batch,
		    (long long)n, k->noun, id, output ? ", written to " : "", output ? output : "");
out:
	buf_free(&out);
	arena_free(&arena);
	cli_env_close(&env);
	return rc;
}

/* ---- a poll's single-use codes ------------------------------------------------------------ */

static int
poll_load(struct cli_env *env, struct arena *a, int64_t id, int64_t org_id, const void **thing)
{
	struct poll *p;

	if (store_poll_get(env->store, a, id, &p) != 0 || p->org_id != org_id)
		return ERR_NOTFOUND;
	*thing = p;
	return 0;
}

static int
poll_issue(struct store *s, const struct keys *k, const struct actor *who, const void *thing,
    int n, int64_t now, struct arena *a, const char ***codes, int64_t *batch_id,
    struct errors *e)
{
	return poll_codes_issue(s, k, who, thing, n, now, a, codes, batch_id, e);
}

static int
poll_draw(enum poll_codes_format f, const char *org_name, const void *thing, const char *url,
    const char *const *codes, int n, struct buf *out)
{
	return poll_codes_draw(f, org_name, thing, url, codes, n, out);
}

int
cmd_poll_codes(int argc, char **argv)
{
	static const struct codes_face poll_face = { "poll", "poll codes", poll_codes_help,
		"polls", poll_load, store_poll_code_batches, store_poll_codes_withdraw,
		poll_issue, poll_draw };

	return codes_command(&poll_face, argc, argv);
}

/* ---- a survey's invitation codes -------------------------------------------------------- */

static int
survey_load(struct cli_env *env, struct arena *a, int64_t id, int64_t org_id,
    const void **thing)
{
	struct survey *sv;

	if (store_survey_get(env->store, a, id, &sv) != 0 || sv->org_id != org_id)
		return ERR_NOTFOUND;
	*thing = sv;
	return 0;
}

static int
survey_issue(struct store *s, const struct keys *k, const struct actor *who, const void *thing,
    int n, int64_t now, struct arena *a, const char ***codes, int64_t *batch_id,
    struct errors *e)
{
	return survey_codes_issue(s, k, who, thing, n, now, a, codes, batch_id, e);
}

static int
survey_draw(enum poll_codes_format f, const char *org_name, const void *thing,
    const char *url, const char *const *codes, int n, struct buf *out)
{
	return survey_codes_draw(f, org_name, thing, url, codes, n, out);
}

int
cmd_survey_codes(int argc, char **argv)
{
	static const struct codes_face survey_face = { "survey", "survey codes",
		survey_codes_help, "surveys", survey_load, store_survey_code_batches,
		store_survey_codes_withdraw, survey_issue, survey_draw };

	return codes_command(&survey_face, argc, argv);
}
