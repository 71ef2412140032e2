/*
 * cmd_survey.c - `involve survey`: a survey created from a file of the
 * API's JSON body, listed, shown, opened, closed and exported;
 * `involve survey import` (cmd_survey_import.c) reads responses from CSV,
 * `involve survey import-lss` (cmd_survey_lss.c) a survey from LimeSurvey.
 *
 * Each goes through the layers below as the API does: the domain builds
 * and checks (survey_build), the store keeps (store_survey_create and the
 * rest), the export writes the API's rows (survey_export.h).  Changes are
 * audited as the command line's, within the organisation --org names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "involve/store_survey.h"
#include "involve/survey_export.h"
#include "involve/survey_file.h"
#include "involve/text.h"
#include "involve/timefmt.h"
#include "cli.h"

/* A definition file is at most what the API takes as a body (its
 * ROUTE_BODY_SURVEY): the pages' 1 MiB and the rest. */
#define SURVEY_FILE_MAX (SURVEY_DEF_MAX_BYTES + 4096)

static const char survey_help[] =
    "Usage: involve survey create --org SLUG --file DEF.json\n"
    "       involve survey list --org SLUG\n"
    "       involve survey show --org SLUG --survey ID\n"
    "       involve survey open --org SLUG --survey ID\n"
    "       involve survey close --org SLUG --survey ID\n"
    "       involve survey export --org SLUG --survey ID [--format csv|json|xlsx]\n"
    "                             [--output FILE]\n"
    "       involve survey results --org SLUG --survey ID [--output FILE]\n"
    "       involve survey import --org SLUG --survey ID --file CSV [--channel CHANNEL]\n"
    "                             [--skip-bad]\n"
    "       involve survey codes --org SLUG --survey ID --count N|--list|--withdraw BATCH\n"
    "       involve survey import-lss --org SLUG --file FILE.lss [--dry-run] [--json]\n\n"
    "create reads a survey from a JSON file, the body the API's POST /api/v1/surveys\n"
    "takes (title, pages, opens_at, closes_at, who_can_answer), checks it as the API\n"
    "does and prints its id; opens_at left out opens it at once, null keeps it a draft.\n"
    "list shows each survey: id, title, status, version, responses, created.\n"
    "show prints a survey's state and its pages and questions.\n"
    "open and close open a draft or scheduled survey now, and close an open one.\n"
    "export writes every response, one row each, as the API's export does: CSV (the\n"
    "default), JSON or XLSX (Excel), to standard output unless --output names a new file.\n"
    "results writes the results as open data, safe to publish: per question and option\n"
    "the count and percent, counts under the organisation's threshold hidden as \"[c]\"\n"
    "as on the published results page (docs/api.md, \"Open data\").\n"
    "import reads responses from a CSV file whose first row names the questions as\n"
    "an export does (KEY, KEY.ROW for a grid's rows, KEY.other), into a survey that\n"
    "has opened (it may have closed).  Every row is checked as a response sent to the\n"
    "API is; a row that cannot be taken is reported with its number and each problem,\n"
    "and then nothing is imported, unless --skip-bad imports the other rows.\n"
    "(involve survey import --help says more.)\n"
    "codes makes, lists and withdraws invitation codes for a survey answered with a\n"
    "code (involve survey codes --help says more).\n"
    "import-lss makes a draft survey from a LimeSurvey survey structure file and\n"
    "reports what came over and what did not (involve survey import-lss --help).\n\n"
    "  --channel CHANNEL   how the imported responses came: paper (the default), phone,\n"
    "                      event or online; a \"channel\" column, where it has a value,\n"
    "                      says it for its row\n"
    CLI_COMMON_HELP;

/* ---- what every action shares ------------------------------------------------------- */

/* The organisation --org names and, with --survey, its survey and that
 * survey's definition (in a).  Prints what is wrong. */
int
survey_cli_load(struct cli_env *env, const char *what, const char *slug, long long id,
    struct arena *a, struct org *o, struct survey **sv, struct survey_def *d)
{
	struct errors e;

	if (store_org_get_by_slug(env->store, str_c(slug), o) != 0) {
		fprintf(stderr, "involve: %s: there is no organisation '%s'\n", what, slug);
		return CLI_FAIL;
	}
	if (sv == NULL)
		return CLI_OK;
	if (store_survey_get(env->store, a, id, sv) != 0 || (*sv)->org_id != o->id) {
		fprintf(stderr, "involve: %s: '%s' has no survey %lld\n", what, slug, id);
		return CLI_FAIL;
	}
	errors_init(&e);
	if (survey_def_parse((*sv)->definition, a, d, &e) != 0) {
		fprintf(stderr, "involve: %s: survey %lld's definition cannot be read\n", what, id);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* "2026-12-06T10:00:00Z", or `none` for 0. */
static const char *
when(int64_t t, const char *none, char out[TIMEFMT_RFC3339_MAX])
{
	if (t == 0 || timefmt_rfc3339(t, out) != 0)
		snprintf(out, TIMEFMT_RFC3339_MAX, "%s", none);
	return out;
}

/* ---- create -------------------------------------------------------------------------- */

/* A time member: an RFC 3339 string, or null for none. */
static void
time_member(const json_t *v, const char *name, int64_t *out, bool *is_null, struct errors *e)
{
	*is_null = json_is_null(v);
	if (*is_null)
		return;
	if (!json_is_string(v) || timefmt_parse_rfc3339(json_string_value(v),
	    json_string_length(v), out) != 0)
		errors_add(e, name, "Must be a date and time like 2026-12-01T09:00:00Z, or null");
}

/*
 * The file's JSON object as the API reads its body: the same members, the
 * same types, an unknown member refused.  What is missing or of the wrong
 * type is reported here and left NULL in `in` for survey_build.
 */
static int
input_of(json_t *body, struct arena *a, struct survey_input *in, struct errors *e)
{
	static const char *const members[] = { "title", "pages", "opens_at", "closes_at",
		"who_can_answer", NULL };
	const char *key;
	json_t *v;
	char *text;
	bool is_null;
	int i;

	json_object_foreach(body, key, v) {
		for (i = 0; members[i] && strcmp(members[i], key) != 0; i++)
			;
		if (members[i] == NULL) {
			char field[61];

			text_copy(field, sizeof(field), str_c(key));
			errors_add(e, field, "Unknown field");
		}
	}
	if ((v = json_object_get(body, "title")) == NULL)
		errors_add(e, "title", "Enter the title");
	else if (!json_is_string(v))
		errors_add(e, "title", "Must be a string");
	else
		in->title = arena_str(a, (struct str){ json_string_value(v), json_string_length(v) });
	if ((v = json_object_get(body, "pages")) == NULL) {
		errors_add(e, "pages", "Enter the pages");
	} else if (!json_is_array(v)) {
		errors_add(e, "pages", "Must be an array");
	} else {
		if ((text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
			return ERR_NOMEM;
		in->pages = arena_str(a, str_c(text));
		free(text);
	}
	in->opening = POLL_OPEN_NOW;
	if ((v = json_object_get(body, "opens_at")) != NULL) {
		time_member(v, "opens_at", &in->opens_at, &is_null, e);
		in->opening = is_null ? POLL_OPEN_LATER : POLL_OPEN_AT;
	}
	if ((v = json_object_get(body, "closes_at")) != NULL)
		time_member(v, "closes_at", &in->closes_at, &is_null, e);
	in->who = POLL_WHO_ANYONE;
	if ((v = json_object_get(body, "who_can_answer")) != NULL &&
	    (!json_is_string(v) || poll_who_parse(str_c(json_string_value(v)), &in->who) != 0))
		errors_add(e, "who_can_answer", "Must be one of: anyone, code");
	return 0;
}

static int
survey_create(struct cli_env *env, const char *slug, const char *file)
{
	struct survey_input in = { 0 };
	struct survey sv;
	struct survey_def d;
	struct arena arena;
	struct errors e;
	struct actor who;
	struct org o;
	json_t *body = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = CLI_FAIL;

	arena_init(&arena, NULL, 0);
	errors_init(&e);
	if (survey_cli_load(env, "survey create", slug, 0, &arena, &o, NULL, NULL) != CLI_OK ||
	    cli_read_json_object("survey create", file, SURVEY_FILE_MAX, &body) != CLI_OK)
		goto out;
	if (input_of(body, &arena, &in, &e) != 0)
		goto out;
	/* Every problem at once: the file's and the survey's. */
	if (survey_build(&in, now, &arena, &sv, &d, &e) != 0 || errors_any(&e)) {
		cli_print_errors("survey create", &e);
		goto out;
	}
	sv.org_id = o.id;
	who = (struct actor){ o.id, 0, "cli" };
	if (store_survey_create(env->store, &who, &sv) != 0) {
		fprintf(stderr, "involve: survey create: the survey could not be saved\n");
		goto out;
	}
	printf("Created survey %lld, \"%s\": %s, %d page%s, %d question%s.\n", (long long)sv.id,
	    arena_strdup(&arena, sv.title), poll_status_name(survey_status(&sv, now)), d.page_n,
	    d.page_n == 1 ? "" : "s", d.question_n, d.question_n == 1 ? "" : "s");
	rc = CLI_OK;
out:
	json_decref(body);
	arena_free(&arena);
	return rc;
}

/* ---- list and show --------------------------------------------------------------------- */

struct list_ctx {
	int64_t now;
	int64_t last_id;
	int n;
};

static int
print_survey(void *arg, const struct survey *sv)
{
	struct list_ctx *c = arg;
	char created[TIMEFMT_RFC3339_MAX];

	printf("%lld\t%.*s\t%s\t%d\t%lld\t%s\n", (long long)sv->id, (int)sv->title.n, sv->title.p,
	    poll_status_name(survey_status(sv, c->now)), sv->version, (long long)sv->responses,
	    when(sv->created_at, "-", created));
	c->last_id = sv->id;
	c->n++;
	return 0;
}

static int
survey_list(struct cli_env *env, const char *slug)
{
	struct list_ctx c = { (int64_t)time(NULL), 0, 0 };
	struct arena arena;
	struct org o;
	int rc;

	arena_init(&arena, NULL, 0);
	if ((rc = survey_cli_load(env, "survey list", slug, 0, &arena, &o, NULL, NULL)) != CLI_OK)
		goto out;
	printf("id\ttitle\tstatus\tversion\tresponses\tcreated\n");
	/* Newest first, a page at a time. */
	do {
		c.n = 0;
		arena_reset(&arena);
		if (store_survey_each(env->store, &arena, o.id, c.last_id, STORE_LIST_MAX,
		    print_survey, &c) != 0) {
			fprintf(stderr, "involve: survey list: reading the surveys failed\n");
			rc = CLI_FAIL;
			goto out;
		}
	} while (c.n == STORE_LIST_MAX);
out:
	arena_free(&arena);
	return rc;
}

/* "Yes", or "yes: Yes" when the value is not the label. */
static void
print_choice(const char *indent, struct str value, struct str label)
{
	if (str_eq(value, label))
		printf("%s- %.*s\n", indent, (int)label.n, label.p);
	else
		printf("%s- %.*s: %.*s\n", indent, (int)value.n, value.p, (int)label.n, label.p);
}

static void
print_question(const struct survey_question *q)
{
	int i;

	printf("  %.*s (%s%s", (int)q->key.n, q->key.p, survey_qtype_name(q->type),
	    q->required ? ", required" : "");
	if (q->type == SQ_RATING || (q->type == SQ_NUMBER && (q->has_min || q->has_max))) {
		if (q->has_min)
			printf(", from %g", q->min);
		if (q->has_max)
			printf(", to %g", q->max);
	} else if (q->type == SQ_MULTIPLE && (q->has_min || q->has_max)) {
		if (q->has_min)
			printf(", at least %g", q->min);
		if (q->has_max)
			printf(", at most %g", q->max);
	} else if (q->type == SQ_DATE && q->has_min) {
		printf(", from %.*s", (int)q->min_date.n, q->min_date.p);
	}
	if (q->type == SQ_DATE && q->has_max)
		printf(", to %.*s", (int)q->max_date.n, q->max_date.p);
	printf("%s): %.*s\n", q->show_if ? ", shown if a condition holds" : "", (int)q->text.n,
	    q->text.p);
	if (q->type == SQ_GRID) {
		printf("      rows:\n");
		for (i = 0; i < q->row_n; i++)
			print_choice("        ", q->rows[i].value, q->rows[i].label);
		printf("      options:\n");
	}
	for (i = 0; i < q->option_n; i++)
		print_choice(q->type == SQ_GRID ? "        " : "      ", q->options[i].value,
		    q->options[i].label);
}

static int
survey_show(struct cli_env *env, const char *slug, long long id)
{
	char opens[TIMEFMT_RFC3339_MAX], closes[TIMEFMT_RFC3339_MAX];
	struct survey *sv;
	struct survey_def d;
	struct arena arena;
	struct org o;
	int64_t now = (int64_t)time(NULL);
	int i, k, rc;

	arena_init(&arena, NULL, 0);
	rc = survey_cli_load(env, "survey show", slug, id, &arena, &o, &sv, &d);
	if (rc != CLI_OK)
		goto out;
	printf("Survey %lld: %.*s\n", (long long)sv->id, (int)sv->title.n, sv->title.p);
	printf("Status: %s\n", poll_status_name(survey_status(sv, now)));
	printf("Opens: %s\n", when(sv->opens_at, "not set (a draft)", opens));
	printf("Closes: %s\n", when(sv->closed_at ? sv->closed_at : sv->closes_at,
	    "when it is closed", closes));
	printf("Who can answer: %s\n", poll_who_name(sv->who));
	printf("Version: %d\n", sv->version);
	printf("Responses: %lld\n", (long long)sv->responses);
	for (i = 0; i < d.page_n; i++) {
		const struct survey_page *p = &d.pages[i];

		printf("\nPage %d, %.*s: %.*s\n", i + 1, (int)p->key.n, p->key.p, (int)p->title.n,
		    p->title.p);
		for (k = p->first; k < p->first + p->question_n; k++)
			print_question(&d.questions[k]);
		if (p->rule_n > 0)
			printf("  then: %d rule%s for the page that follows\n", p->rule_n,
			    p->rule_n == 1 ? "" : "s");
	}
out:
	arena_free(&arena);
	return rc;
}

/* ---- open and close ---------------------------------------------------------------------- */

static int
survey_open_close(struct cli_env *env, const char *action, const char *slug, long long id)
{
	char what[32];
	struct survey *sv;
	struct survey_def d;
	struct arena arena;
	struct errors e;
	struct actor who;
	struct org o;
	bool open = strcmp(action, "open") == 0;
	int64_t now = (int64_t)time(NULL);
	int rc;

	snprintf(what, sizeof(what), "survey %s", action);
	arena_init(&arena, NULL, 0);
	if ((rc = survey_cli_load(env, what, slug, id, &arena, &o, &sv, &d)) != CLI_OK)
		goto out;
	who = (struct actor){ o.id, 0, "cli" };
	errors_init(&e);
	rc = open ? store_survey_open(env->store, &who, sv->id, now, &e) :
	    store_survey_close(env->store, &who, sv->id, now, &e);
	if (rc == ERR_CONFLICT) {
		cli_print_errors(what, &e);
	} else if (rc != 0) {
		fprintf(stderr, "involve: %s: %s\n", what, error_name(rc));
	} else {
		printf(open ? "Opened survey %lld: it takes responses now.\n" :
		    "Closed survey %lld: it takes no more responses (staff may still enter them).\n",
		    id);
	}
	rc = rc == 0 ? CLI_OK : CLI_FAIL;
out:
	arena_free(&arena);
	return rc;
}

/* ---- export ----------------------------------------------------------------------------- */

/*
 * Where a file goes: standard output, or a new file made only for it
 * (never one that exists), deleted again if writing it fails.
 */
struct cli_output {
	const char *path; /* NULL: standard output */
	FILE *f;
};

static int
output_open(struct cli_output *o, const char *what, const char *path)
{
	int fd;

	o->path = path;
	o->f = stdout;
	if (path == NULL)
		return CLI_OK;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "involve: %s: cannot create %s (it must not exist yet)\n", what, path);
		if (fd >= 0)
			close(fd);
		o->f = NULL;
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Flushes (and syncs a file): CLI_OK, or CLI_FAIL with the file deleted. */
static int
output_close(struct cli_output *o, const char *what, bool ok)
{
	if (ok && (fflush(o->f) != 0 || ferror(o->f) || (o->path != NULL && fsync(fileno(o->f)) !=
	    0)))
		ok = false;
	if (!ok)
		fprintf(stderr, "involve: %s: writing %s failed\n", what, o->path ? o->path :
		    "the output");
	if (o->path != NULL) {
		fclose(o->f);
		if (!ok)
			unlink(o->path); /* never half a file */
	}
	o->f = NULL;
	return ok ? CLI_OK : CLI_FAIL;
}

/* Every response, written a page at a time as the API streams it (survey_file.h). */
static int
survey_export(struct cli_env *env, const char *slug, long long id, enum survey_file_format format,
    const char *output)
{
	struct survey_file *f = NULL;
	struct cli_output out = { 0 };
	struct buf piece = BUF_INIT;
	struct survey *sv;
	struct survey_def d;
	struct arena arena;
	struct org o;
	int rc, more = 1;

	arena_init(&arena, NULL, 0);
	if ((rc = survey_cli_load(env, "survey export", slug, id, &arena, &o, &sv, &d)) != CLI_OK)
		goto out;
	rc = survey_file_open(env->store, sv->id, sv->definition, format, env->tmp_dir[0] ?
	    env->tmp_dir : NULL, &f);
	if (rc != 0) {
		fprintf(stderr, "involve: survey export: %s\n", rc == ERR_TOO_LARGE ? "the survey "
		    "has more responses or columns than a spreadsheet holds: export it as CSV" :
		    "the file could not be made (the database, or the disk holding the data "
		    "directory's tmp, failed)");
		rc = CLI_FAIL;
		goto out;
	}
	if ((rc = output_open(&out, "survey export", output)) != CLI_OK)
		goto out;
	while (more > 0) {
		buf_reset(&piece);
		more = survey_file_next(f, &piece);
		if (more >= 0 && piece.n > 0 && fwrite(piece.p, 1, piece.n, out.f) != piece.n)
			more = ERR_IO;
	}
	rc = output_close(&out, "survey export", more == 0);
	if (rc == CLI_OK && output != NULL)
		fprintf(stderr, "Wrote %lld response%s of survey %lld to %s.\n",
		    (long long)survey_file_rows(f), survey_file_rows(f) == 1 ? "" : "s", id, output);
out:
	buf_free(&piece);
	survey_file_free(f);
	arena_free(&arena);
	return rc;
}

/* The results as open data, small counts hidden as they are when published. */
static int
survey_results(struct cli_env *env, const char *slug, long long id, const char *output)
{
	struct cli_output out = { 0 };
	struct buf b = BUF_INIT;
	struct survey *sv;
	struct survey_def d;
	struct arena arena;
	struct org o;
	int rc;

	arena_init(&arena, NULL, 0);
	if ((rc = survey_cli_load(env, "survey results", slug, id, &arena, &o, &sv, &d)) != CLI_OK)
		goto out;
	if (survey_file_open_data(env->store, &arena, sv->id, &d, o.suppress_below, &b) != 0) {
		fprintf(stderr, "involve: survey results: the results could not be read\n");
		rc = CLI_FAIL;
		goto out;
	}
	if ((rc = output_open(&out, "survey results", output)) != CLI_OK)
		goto out;
	rc = output_close(&out, "survey results", fwrite(b.p, 1, b.n, out.f) == b.n);
out:
	buf_free(&b);
	arena_free(&arena);
	return rc;
}

/* ---- involve survey ------------------------------------------------------------------------ */

int
cmd_survey(int argc, char **argv)
{
	const char *org = NULL, *survey = NULL, *file = NULL, *format = "csv", *output = NULL,
	    *action;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "survey", true, &survey },
		{ "file", true, &file },
		{ "format", true, &format },
		{ "output", true, &output },
		{ NULL, false, NULL },
	};
	static const char *const actions[] = { "create", "list", "show", "open", "close",
		"export", "results", NULL };
	struct cli_common common;
	struct cli_env env;
	long long id = 0;
	bool needs_survey;
	int i, fmt, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(survey_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	action = argv[1];
	if (strcmp(action, "import") == 0)
		return cmd_survey_import(argc, argv);
	if (strcmp(action, "codes") == 0)
		return cmd_survey_codes(argc, argv);
	if (strcmp(action, "import-lss") == 0)
		return cmd_survey_lss(argc, argv);
	for (i = 0; actions[i] && strcmp(actions[i], action) != 0; i++)
		;
	if (actions[i] == NULL)
		return cli_usage_error("survey", "unknown action '%s': use create, list, show, "
		    "open, close, export, results, import, import-lss or codes", action);
	cli_common_init(&common);
	rc = cli_parse("survey", survey_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	needs_survey = strcmp(action, "create") != 0 && strcmp(action, "list") != 0;
	if (org == NULL)
		return cli_usage_error("survey", "%s needs --org", action);
	if (needs_survey && survey == NULL)
		return cli_usage_error("survey", "%s needs --org and --survey", action);
	if (survey != NULL && !cli_parse_id(survey, &id))
		return cli_usage_error("survey", "--survey must be a survey id (a whole number)");
	if (strcmp(action, "create") == 0 && file == NULL)
		return cli_usage_error("survey", "create needs --org and --file");
	for (fmt = 0; survey_file_format_names[fmt] &&
	    strcmp(survey_file_format_names[fmt], format) != 0; fmt++)
		;
	if (survey_file_format_names[fmt] == NULL)
		return cli_usage_error("survey", "--format must be csv, json or xlsx");
	if (output != NULL && access(output, F_OK) == 0)
		return cli_usage_error("survey", "%s exists already: name a new file", output);
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	if (strcmp(action, "create") == 0)
		rc = survey_create(&env, org, file);
	else if (strcmp(action, "list") == 0)
		rc = survey_list(&env, org);
	else if (strcmp(action, "show") == 0)
		rc = survey_show(&env, org, id);
	else if (strcmp(action, "export") == 0)
		rc = survey_export(&env, org, id, (enum survey_file_format)fmt, output);
	else if (strcmp(action, "results") == 0)
		rc = survey_results(&env, org, id, output);
	else
		rc = survey_open_close(&env, action, org, id);
	cli_env_close(&env);
	return rc;
}
