/*
 * cmd_survey_lss.c - `involve survey import-lss`: a survey brought across
 * from LimeSurvey, from its survey structure file (.lss), as a draft.
 *
 * The domain reads the file and says what came over (lss_import.h); the
 * survey is then built and checked as any new survey is (survey_build)
 * and kept by the store as a draft, never open.  The report, as text or
 * with --json as the API will give it, goes to standard output whether
 * the survey was made or not; what stopped it goes to standard error.
 * --dry-run reads and reports and touches nothing: not the store, not
 * even the data directory.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "involve/lss_import.h"
#include "involve/store_survey.h"
#include "cli.h"

static const char lss_help[] =
    "Usage: involve survey import-lss --org SLUG --file FILE.lss [--dry-run] [--json]\n\n"
    "Makes a draft survey from a LimeSurvey survey structure file (.lss, exported from\n"
    "LimeSurvey 3 or later: structure version 350 on) and reports what came over:\n"
    "each group as a page, each question with its LimeSurvey code and type and what\n"
    "it became, and every part that could not be carried over, with the reason.\n"
    "The survey's base language is imported; its other languages are named.\n"
    "The survey is a draft: check it, then open it (involve survey open).\n\n"
    "  --org SLUG   the organisation the survey is for (not needed with --dry-run)\n"
    "  --file FILE  the .lss file, at most 8 MiB\n"
    "  --dry-run    read the file and print the report; make nothing\n"
    "  --json       print the survey made and the report as JSON, as the API does\n"
    CLI_COMMON_HELP;

#define WHAT "survey import-lss"

/* The report (and the survey made, or null) on standard output. */
static void
print_result(const struct lss_import *im, const struct survey *sv, int64_t now, bool as_json)
{
	struct buf b = BUF_INIT;

	if (as_json) {
		json_t *o = json_object(), *survey = json_null();
		char *text;

		if (sv != NULL) {
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)sv->id);
			survey = json_pack("{s:s, s:s#, s:s, s:i}", "id", id, "title", sv->title.p,
			    (int)sv->title.n, "status", poll_status_name(survey_status(sv, now)),
			    "version", sv->version);
		}
		json_object_set_new(o, "survey", survey);
		json_object_set_new(o, "import_report", lss_report_json(&im->report));
		text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text != NULL)
			printf("%s\n", text);
		free(text);
		json_decref(o);
		return;
	}
	lss_report_write_text(&im->report, &b);
	if (buf_cstr(&b) != NULL)
		fputs(b.p, stdout);
	buf_free(&b);
}

static int
import_lss(const char *org, const char *file, bool dry_run, bool as_json,
    struct cli_common *common)
{
	struct buf bytes = BUF_INIT;
	struct lss_import im;
	struct survey_input in;
	struct survey sv;
	struct survey_def d;
	struct cli_env env;
	struct arena arena;
	struct errors e;
	struct actor who;
	struct org o;
	int64_t now = (int64_t)time(NULL);
	bool env_open = false;
	int rc = CLI_FAIL, irc;

	arena_init(&arena, NULL, 0);
	errors_init(&e);
	if (cli_read_file(WHAT, file, LSS_FILE_MAX_BYTES, &bytes) != CLI_OK)
		goto out;
	irc = lss_import((struct str){ bytes.p, bytes.n }, &arena, &im, &e);
	if (irc == ERR_NOMEM) {
		fprintf(stderr, "involve: %s: out of memory\n", WHAT);
		goto out;
	}
	if (irc != 0) {
		if (im.report.page_n > 0 || as_json)
			print_result(&im, NULL, now, as_json);
		cli_print_errors(WHAT, &e);
		goto out;
	}
	/* Built and checked as any new survey is, and kept as a draft. */
	lss_import_input(&im, &in);
	if (survey_build(&in, now, &arena, &sv, &d, &e) != 0) {
		print_result(&im, NULL, now, as_json);
		cli_print_errors(WHAT, &e);
		goto out;
	}
	if (dry_run) {
		if (!as_json)
			printf("Dry run: nothing was made. The survey would be a draft, \"%.*s\": "
			    "%d page%s, %d question%s.\n\n", (int)sv.title.n, sv.title.p, d.page_n,
			    d.page_n == 1 ? "" : "s", d.question_n, d.question_n == 1 ? "" : "s");
		print_result(&im, NULL, now, as_json);
		rc = CLI_OK;
		goto out;
	}
	if (cli_env_open(common, &env) != CLI_OK)
		goto out;
	env_open = true;
	if (cli_find_org(&env, WHAT, org, &o) != CLI_OK)
		goto out;
	sv.org_id = o.id;
	who = (struct actor){ o.id, 0, "cli" };
	if (store_survey_create(env.store, &who, &sv) != 0) {
		fprintf(stderr, "involve: %s: the survey could not be saved\n", WHAT);
		goto out;
	}
	if (!as_json)
		printf("Created survey %lld, \"%.*s\": a draft, %d page%s, %d question%s.\n\n",
		    (long long)sv.id, (int)sv.title.n, sv.title.p, d.page_n,
		    d.page_n == 1 ? "" : "s", d.question_n, d.question_n == 1 ? "" : "s");
	print_result(&im, &sv, now, as_json);
	rc = CLI_OK;
out:
	if (env_open)
		cli_env_close(&env);
	buf_free(&bytes);
	arena_free(&arena);
	return rc;
}

int
cmd_survey_lss(int argc, char **argv)
{
	const char *org = NULL, *file = NULL, *dry_run = NULL, *as_json = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "file", true, &file },
		{ "dry-run", false, &dry_run },
		{ "json", false, &as_json },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	int rc;

	cli_common_init(&common);
	rc = cli_parse(WHAT, lss_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (file == NULL)
		return cli_usage_error(WHAT, "give the LimeSurvey file with --file");
	if (org == NULL && dry_run == NULL)
		return cli_usage_error(WHAT, "give the organisation with --org (or use --dry-run)");
	return import_lss(org, file, dry_run != NULL, as_json != NULL, &common);
}
