/*
 * cmd_themes_export.c - `involve themes export`: an organisation's survey
 * comments as staff reviewed them, in the training format `involve themes
 * train` reads, so that the model can learn again from the corrections.
 *
 * The file is NHS England's labelled feedback's layout: 'Comment ID' (the
 * survey, the response and the question: "S12-R345-why"), 'FFT answer'
 * (the comment), 'Comment sentiment' (1 very positive .. 5 very negative)
 * and a 0/1 column per theme, every theme named in the comments written,
 * in order of name.  Reviewed comments only, unless --all adds the
 * model's own; comments in another language are left out (the model reads
 * English), and so are comments with identifying details nobody has
 * reviewed.  Cells are quoted as CSV asks, never changed: the file is for
 * training, not for a spreadsheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "involve/store_comments.h"
#include "involve/theme_data.h"
#include "cli.h"

static const char export_help[] =
    "Usage: involve themes export --org SLUG --output CSV [--all]\n\n"
    "Writes the organisation's survey comments as staff reviewed them, in the\n"
    "format involve themes train reads: 'Comment ID', 'FFT answer', 'Comment\n"
    "sentiment' (1 very positive .. 5 very negative) and a 0/1 column per theme.\n"
    "Only reviewed comments, unless --all adds those only the model has read.\n"
    "Comments in another language, and comments with identifying details nobody\n"
    "has reviewed, are left out.\n\n"
    "  --org SLUG     the organisation\n"
    "  --output CSV   where to write\n"
    "  --all          the model's comments too, not only reviewed ones\n"
    CLI_COMMON_HELP;

#define WHAT "themes export"

/* One comment kept, and the themes named. */
struct rows {
	json_t *comments; /* [{id, text, sentiment, themes: [...]}] */
	json_t *names;    /* {name: true} */
	bool all;
	int left_out;
};

static int
keep(void *arg, int64_t survey_id, const struct survey_comment *c)
{
	struct rows *r = arg;
	json_t *themes, *name;
	char id[96];
	size_t i;

	if (!str_eq_c(c->language, "en") || (c->reviewed_by == 0 &&
	    (!r->all || c->identifying.n > 0))) {
		r->left_out++;
		return 0;
	}
	themes = json_loadb(c->themes.p, c->themes.n, 0, NULL);
	if (!json_is_array(themes)) {
		json_decref(themes);
		themes = json_array();
	}
	json_array_foreach(themes, i, name)
		if (json_is_string(name))
			json_object_set_new(r->names, json_string_value(name), json_true());
	snprintf(id, sizeof(id), "S%lld-R%lld-%.*s", (long long)survey_id,
	    (long long)c->response_id, (int)c->question.n, c->question.p);
	json_array_append_new(r->comments, json_pack("{s:s, s:s%, s:i, s:o}", "id", id, "text",
	    c->comment.p, c->comment.n, "sentiment", c->sentiment, "themes", themes));
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The comments as CSV into out. */
static int
write_rows(const struct rows *r, struct buf *out)
{
	size_t n = json_object_size(r->names), i, k;
	const char **names = calloc(n ? n : 1, sizeof(*names));
	const char *name;
	json_t *v, *c, *themes;

	if (names == NULL)
		return ERR_NOMEM;
	i = 0;
	json_object_foreach(r->names, name, v)
		names[i++] = name;
	qsort(names, n, sizeof(*names), cmp_name);
	buf_add_c(out, THEME_COL_ID "," THEME_COL_TEXT "," THEME_COL_SENTIMENT);
	for (i = 0; i < n; i++) {
		buf_addch(out, ',');
		buf_add_csv_plain(out, str_c(names[i]));
	}
	buf_add_c(out, "\r\n");
	json_array_foreach(r->comments, k, c) {
		int sentiment = (int)json_integer_value(json_object_get(c, "sentiment"));

		buf_add_csv_plain(out, str_c(json_string_value(json_object_get(c, "id"))));
		buf_addch(out, ',');
		v = json_object_get(c, "text");
		buf_add_csv_plain(out, (struct str){ json_string_value(v), json_string_length(v) });
		if (sentiment >= 1 && sentiment <= 5)
			buf_printf(out, ",%d", sentiment);
		else
			buf_addch(out, ',');
		themes = json_object_get(c, "themes");
		for (i = 0; i < n; i++) {
			bool on = false;
			size_t t;

			json_array_foreach(themes, t, v)
				on = on || (json_is_string(v) && strcmp(json_string_value(v), names[i]) == 0);
			buf_add_c(out, on ? ",1" : ",0");
		}
		buf_add_c(out, "\r\n");
	}
	free(names);
	return buf_ok(out) ? 0 : ERR_NOMEM;
}

int
themes_export(int argc, char **argv)
{
	const char *org = NULL, *output = NULL, *all = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org },
		{ "output", true, &output },
		{ "all", false, &all },
		{ NULL, false, NULL },
	};
	struct rows r = { NULL, NULL, false, 0 };
	struct buf out = BUF_INIT;
	struct cli_common common;
	struct cli_env env;
	struct org o;
	int rc;

	cli_common_init(&common);
	rc = cli_parse(WHAT, export_help, argc, argv, 2, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (org == NULL || output == NULL)
		return cli_usage_error(WHAT, "give the organisation with --org and the file with "
		    "--output");
	if (cli_env_open(&common, &env) != CLI_OK)
		return CLI_FAIL;
	rc = CLI_FAIL;
	if (cli_find_org(&env, WHAT, org, &o) != CLI_OK)
		goto out;
	r.comments = json_array();
	r.names = json_object();
	r.all = all != NULL;
	if (store_comments_each_of_org(env.store, o.id, !r.all, keep, &r) != 0) {
		fprintf(stderr, "involve: %s: the comments could not be read\n", WHAT);
		goto out;
	}
	if (write_rows(&r, &out) != 0) {
		fprintf(stderr, "involve: %s: out of memory\n", WHAT);
		goto out;
	}
	if ((rc = cli_write_file(WHAT, output, &out)) != CLI_OK)
		goto out;
	printf("Wrote %zu comments with %zu themes to %s", json_array_size(r.comments),
	    json_object_size(r.names), output);
	if (r.left_out > 0)
		printf(" (%d left out: in another language, or with identifying details nobody "
		    "has reviewed)", r.left_out);
	printf(".\n");
out:
	json_decref(r.comments);
	json_decref(r.names);
	buf_free(&out);
	cli_env_close(&env);
	return rc;
}
