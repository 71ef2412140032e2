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

int
cmd_poll_codes(int argc, char **argv)
{
	const char *org = NULL, *poll = NULL, *count = NULL, *format = "csv", *output = NULL,
	    *public_url = NULL, *list = NULL, *withdraw = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "poll", true, &poll },
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
	struct poll *p = NULL;
	struct org o;
	struct actor who;
	const char **codes = NULL;
	char url[CODE_SHEET_URL_MAX];
	long long id, batch_arg = 0;
	int64_t n = 0, batch = 0, now = (int64_t)time(NULL);
	int rc;

	cli_common_init(&common);
	rc = cli_parse("poll codes", poll_codes_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL || poll == NULL)
		return cli_usage_error("poll", "codes needs --org and --poll");
	if (!cli_parse_id(poll, &id))
		return cli_usage_error("poll", "--poll must be a poll id (a whole number)");
	if (list == NULL && withdraw == NULL && count == NULL)
		return cli_usage_error("poll", "codes needs --count N, --list or --withdraw BATCH");
	if (count && num_parse_c(count, 1, POLL_CODES_BATCH_MAX, &n) != NUM_OK)
		return cli_usage_error("poll", "--count must be a whole number from 1 to %d",
		    POLL_CODES_BATCH_MAX);
	if (withdraw && !cli_parse_id(withdraw, &batch_arg))
		return cli_usage_error("poll", "--withdraw must be a batch id, as --list shows it");
	if (poll_codes_format_parse(format, &fmt) != 0)
		return cli_usage_error("poll", "--format must be csv, pdf or svg");
	if (public_url == NULL)
		public_url = getenv("INVOLVE_PUBLIC_URL");
	if (public_url == NULL || public_url[0] == '\0')
		public_url = CODES_URL_DEFAULT;
	if (strncmp(public_url, "https://", 8) != 0 && strncmp(public_url, "http://", 7) != 0)
		return cli_usage_error("poll", "--public-url must start with https:// or http://");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = CLI_FAIL;
	arena_init(&arena, NULL, 0);
	errors_init(&e);
	if (store_org_get_by_slug(env.store, str_c(org), &o) != 0) {
		fprintf(stderr, "involve: poll codes: there is no organisation '%s'\n", org);
		goto out;
	}
	if (store_poll_get(env.store, &arena, id, &p) != 0 || p->org_id != o.id) {
		fprintf(stderr, "involve: poll codes: '%s' has no poll %lld\n", org, id);
		goto out;
	}
	who = (struct actor){ o.id, 0, "cli" };
	if (list != NULL) {
		printf("batch\tmade\tcodes\tused\twithdrawn\n");
		rc = store_poll_code_batches(env.store, p->id, print_batch, NULL) == 0 ? CLI_OK :
		    CLI_FAIL;
		goto out;
	}
	if (withdraw != NULL) {
		int w = store_poll_codes_withdraw(env.store, &who, p->id, batch_arg, now);

		if (w == ERR_NOTFOUND)
			fprintf(stderr, "involve: poll codes: poll %lld has no batch %lld\n", id,
			    batch_arg);
		else if (w == ERR_CONFLICT)
			fprintf(stderr, "involve: poll codes: batch %lld is withdrawn already\n",
			    batch_arg);
		else if (w != 0)
			fprintf(stderr, "involve: poll codes: %s\n", error_name(w));
		else
			printf("Withdrew batch %lld: its unused codes no longer work.\n", batch_arg);
		rc = w == 0 ? CLI_OK : CLI_FAIL;
		goto out;
	}
	if (output != NULL && access(output, F_OK) == 0) {
		fprintf(stderr, "involve: poll codes: %s exists already: name a new file\n", output);
		goto out;
	}
	rc = poll_codes_issue(env.store, &env.keys, &who, p, (int)n, now, &arena, &codes, &batch, &e);
	if (rc != 0) {
		if (errors_any(&e))
			cli_print_errors("poll codes", &e);
		else
			fprintf(stderr, "involve: poll codes: %s\n", error_name(rc));
		rc = CLI_FAIL;
		goto out;
	}
	snprintf(url, sizeof(url), "%.*s/o/%s/polls/%lld", (int)strcspn(public_url, "#?"),
	    public_url, o.slug, id);
	while (strstr(url, "//o/") != NULL) /* a public URL given with a trailing "/" */
		memmove(strstr(url, "//o/"), strstr(url, "//o/") + 1, strlen(strstr(url, "//o/")));
	if (poll_codes_draw(fmt, o.name, p, url, codes, (int)n, &out) != 0 || !buf_ok(&out)) {
		fprintf(stderr, "involve: poll codes: batch %lld was made but could not be drawn; "
		    "withdraw it and make another\n", (long long)batch);
		rc = CLI_FAIL;
		goto out;
	}
	rc = write_out("poll codes", output, &out);
	if (rc == CLI_OK)
		fprintf(stderr, "Made batch %lld: %lld codes for poll %lld%s%s.\n", (long long)batch,
		    (long long)n, id, output ? ", written to " : "", output ? output : "");
out:
	buf_free(&out);
	arena_free(&arena);
	cli_env_close(&env);
	return rc;
}

/* ---- a survey's invitation codes ------------------------------------------------------------ */

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

int
cmd_survey_codes(int argc, char **argv)
{
	const char *org = NULL, *survey = NULL, *count = NULL, *format = "csv", *output = NULL,
	    *public_url = NULL, *list = NULL, *withdraw = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "survey", true, &survey },
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
	struct survey *sv = NULL;
	struct org o;
	struct actor who;
	const char **codes = NULL;
	char url[CODE_SHEET_URL_MAX];
	long long id, batch_arg = 0;
	int64_t n = 0, batch = 0, now = (int64_t)time(NULL);
	int rc;

	cli_common_init(&common);
	rc = cli_parse("survey codes", survey_codes_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL || survey == NULL)
		return cli_usage_error("survey", "codes needs --org and --survey");
	if (!cli_parse_id(survey, &id))
		return cli_usage_error("survey", "--survey must be a survey id (a whole number)");
	if (list == NULL && withdraw == NULL && count == NULL)
		return cli_usage_error("survey", "codes needs --count N, --list or --withdraw BATCH");
	if (count && num_parse_c(count, 1, POLL_CODES_BATCH_MAX, &n) != NUM_OK)
		return cli_usage_error("survey", "--count must be a whole number from 1 to %d",
		    POLL_CODES_BATCH_MAX);
	if (withdraw && !cli_parse_id(withdraw, &batch_arg))
		return cli_usage_error("survey", "--withdraw must be a batch id, as --list shows it");
	if (poll_codes_format_parse(format, &fmt) != 0)
		return cli_usage_error("survey", "--format must be csv, pdf or svg");
	if (public_url == NULL)
		public_url = getenv("INVOLVE_PUBLIC_URL");
	if (public_url == NULL || public_url[0] == '\0')
		public_url = CODES_URL_DEFAULT;
	if (strncmp(public_url, "https://", 8) != 0 && strncmp(public_url, "http://", 7) != 0)
		return cli_usage_error("survey", "--public-url must start with https:// or http://");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = CLI_FAIL;
	arena_init(&arena, NULL, 0);
	errors_init(&e);
	if (store_org_get_by_slug(env.store, str_c(org), &o) != 0) {
		fprintf(stderr, "involve: survey codes: there is no organisation '%s'\n", org);
		goto out;
	}
	if (store_survey_get(env.store, &arena, id, &sv) != 0 || sv->org_id != o.id) {
		fprintf(stderr, "involve: survey codes: '%s' has no survey %lld\n", org, id);
		goto out;
	}
	who = (struct actor){ o.id, 0, "cli" };
	if (list != NULL) {
		printf("batch\tmade\tcodes\tused\twithdrawn\n");
		rc = store_survey_code_batches(env.store, sv->id, print_batch, NULL) == 0 ? CLI_OK :
		    CLI_FAIL;
		goto out;
	}
	if (withdraw != NULL) {
		int w = store_survey_codes_withdraw(env.store, &who, sv->id, batch_arg, now);

		if (w == ERR_NOTFOUND)
			fprintf(stderr, "involve: survey codes: survey %lld has no batch %lld\n", id,
			    batch_arg);
		else if (w == ERR_CONFLICT)
			fprintf(stderr, "involve: survey codes: batch %lld is withdrawn already\n",
			    batch_arg);
		else if (w != 0)
			fprintf(stderr, "involve: survey codes: %s\n", error_name(w));
		else
			printf("Withdrew batch %lld: its unused codes no longer work.\n", batch_arg);
		rc = w == 0 ? CLI_OK : CLI_FAIL;
		goto out;
	}
	if (output != NULL && access(output, F_OK) == 0) {
		fprintf(stderr, "involve: survey codes: %s exists already: name a new file\n", output);
		goto out;
	}
	rc = survey_codes_issue(env.store, &env.keys, &who, sv, (int)n, now, &arena, &codes, &batch,
	    &e);
	if (rc != 0) {
		if (errors_any(&e))
			cli_print_errors("survey codes", &e);
		else
			fprintf(stderr, "involve: survey codes: %s\n", error_name(rc));
		rc = CLI_FAIL;
		goto out;
	}
	snprintf(url, sizeof(url), "%.*s/o/%s/surveys/%lld", (int)strcspn(public_url, "#?"),
	    public_url, o.slug, id);
	while (strstr(url, "//o/") != NULL) /* a public URL given with a trailing "/" */
		memmove(strstr(url, "//o/"), strstr(url, "//o/") + 1, strlen(strstr(url, "//o/")));
	if (survey_codes_draw(fmt, o.name, sv, url, codes, (int)n, &out) != 0 || !buf_ok(&out)) {
		fprintf(stderr, "involve: survey codes: batch %lld was made but could not be drawn; "
		    "withdraw it and make another\n", (long long)batch);
		rc = CLI_FAIL;
		goto out;
	}
	rc = write_out("survey codes", output, &out);
	if (rc == CLI_OK)
		fprintf(stderr, "Made batch %lld: %lld codes for survey %lld%s%s.\n",
		    (long long)batch, (long long)n, id, output ? ", written to " : "",
		    output ? output : "");
out:
	buf_free(&out);
	arena_free(&arena);
	cli_env_close(&env);
	return rc;
}
