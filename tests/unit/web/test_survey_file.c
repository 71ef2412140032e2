/* Tests for a survey's responses as files made a piece at a time
 * (survey_file.c) and sent as a stream (http.h's struct http_stream,
 * survey_report.c): pages of responses across the pieces' boundaries, a
 * survey with none, a stream given up half way (the client gone: ASan
 * finds any leak), and the export through app_handle never compressed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/app.h"
#include "involve/secret.h"
#include "involve/store_survey.h"
#include "involve/survey_file.h"
#include "exchange.h"

#define PASSWORD "correct-horse-battery-staple"

static struct web_fixture fx;
static const struct actor who = { 0, 0, "test" };

static void
setup(void)
{
	web_fixture_open(&fx, "survey-file");
}

static void
teardown(void)
{
	web_fixture_close(&fx);
}

TestSuite(survey_file, .init = setup, .fini = teardown, .timeout = 120);

/* q1 single, q2 rating, q3 text. */
#define DEFINITION "[{\"key\":\"p1\",\"title\":\"About you\",\"questions\":[" \
	"{\"key\":\"q1\",\"type\":\"single\",\"text\":\"Do you work here?\"," \
	"\"options\":[\"Yes\",\"No\"]}," \
	"{\"key\":\"q2\",\"type\":\"rating\",\"text\":\"How well do we listen?\"}," \
	"{\"key\":\"q3\",\"type\":\"text\",\"text\":\"Why?\"}]}]"

static struct survey *
make_survey(struct arena *a)
{
	struct actor ac = { fx.org.id, 0, "test" };
	struct survey sv, *out;

	memset(&sv, 0, sizeof(sv));
	sv.org_id = fx.org.id;
	sv.title = str_c("Your visit");
	sv.who = POLL_WHO_ANYONE;
	sv.definition = str_c(DEFINITION);
	sv.next_option_id = 1;
	sv.opens_at = time(NULL) - 60;
	cr_assert_eq(store_survey_create(fx.store, &ac, &sv), 0);
	cr_assert_eq(store_survey_get(fx.store, a, sv.id, &out), 0);
	return out;
}

struct source {
	int64_t n, at;
	char text[128];
};

static int
next_row(void *arg, bool first, struct response_import_row *row)
{
	struct source *src = arg;

	if (first)
		src->at = 0;
	if (src->at == src->n)
		return 0;
	src->at++;
	/* A formula in the text, which the CSV must defuse. */
	snprintf(src->text, sizeof(src->text), "{\"answers\":{\"q1\":\"%s\",\"q2\":%d,"
	    "\"q3\":\"=1+%lld\"},\"other\":{}}",
	    src->at % 2 ? "Yes" : "No", (int)(src->at % 5) + 1, (long long)src->at);
	memset(row, 0, sizeof(*row));
	row->channel = SURVEY_PAPER;
	row->answers = str_c(src->text);
	return 1;
}

static void
add_responses(const struct survey *sv, int64_t n)
{
	struct source src = { n, 0, "" };
	struct response_import imp = { sv->id, sv->version, next_row, &src, time(NULL) };
	struct actor ac = { fx.org.id, 0, "test" };
	struct errors e;
	int64_t imported = 0;

	errors_init(&e);
	cr_assert_eq(store_responses_import(fx.store, &ac, &imp, &imported, &e), 0);
	cr_assert_eq(imported, n);
}

/* The whole file, and how many pieces it came in. */
static void
read_all(struct survey_file *f, struct buf *all, int *pieces)
{
	struct buf piece = BUF_INIT;
	int rc = 1;

	*pieces = 0;
	while (rc > 0) {
		buf_reset(&piece);
		rc = survey_file_next(f, &piece);
		cr_assert_geq(rc, 0, "a piece failed: %d", rc);
		buf_add(all, piece.p, piece.n);
		(*pieces)++;
	}
	buf_free(&piece);
	cr_assert(buf_ok(all));
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; (s = strstr(s, "\r\n")) != NULL; s += 2)
		n++;
	return n;
}

Test(survey_file, csv_rows_run_across_pages_in_order)
{
	struct arena a;
	struct survey *sv;
	struct survey_file *f;
	struct buf all = BUF_INIT;
	const char *line, *text;
	long long prev = 0, id;
	int pieces, n = 0;

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	add_responses(sv, 2 * SURVEY_FILE_PAGE + 345);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_CSV, NULL,
	    &f), 0);
	read_all(f, &all, &pieces);
	cr_assert_eq(survey_file_rows(f), 2 * SURVEY_FILE_PAGE + 345);
	cr_assert_geq(pieces, 3, "a page a piece: %d pieces", pieces);
	text = buf_cstr(&all);
	cr_assert(strncmp(text, "\"response\",\"submitted_at\",\"channel\",\"q1\",\"q2\",\"q3\"\r\n",
	    52) == 0, "header: %.80s", text);
	cr_assert_eq(count_lines(text), 1 + 2 * SURVEY_FILE_PAGE + 345);
	/* Every row once, in id order, across the pages' boundaries. */
	for (line = strstr(text, "\r\n") + 2; *line; line = strstr(line, "\r\n") + 2) {
		cr_assert_eq(sscanf(line, "\"%lld\"", &id), 1);
		cr_assert_gt(id, prev);
		prev = id;
		n++;
	}
	cr_assert_eq(n, 2 * SURVEY_FILE_PAGE + 345);
	cr_assert_not_null(strstr(text, ",\"'=1+2345\"\r\n"), "the last row, defused");
	survey_file_free(f);
	buf_free(&all);
	arena_free(&a);
}

/* A page's worth exactly: the page read ahead after the last is empty. */
Test(survey_file, a_whole_number_of_pages_ends_after_the_last)
{
	struct arena a;
	struct survey *sv;
	struct survey_file *f;
	struct buf all = BUF_INIT;
	int pieces;

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	add_responses(sv, SURVEY_FILE_PAGE);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_JSON, NULL,
	    &f), 0);
	read_all(f, &all, &pieces);
	cr_assert_eq(survey_file_rows(f), SURVEY_FILE_PAGE);
	cr_assert_not_null(strstr(buf_cstr(&all), "\n]}\n"), "the document is closed");
	survey_file_free(f);
	buf_free(&all);
	arena_free(&a);
}

/* Freed after its first piece, while the next page is being read ahead:
 * the reading is waited for, and nothing is left (the sanitizers see). */
Test(survey_file, a_file_given_up_half_way_leaves_nothing)
{
	struct arena a;
	struct survey *sv;
	struct survey_file *f;
	struct buf piece = BUF_INIT;

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	add_responses(sv, 2 * SURVEY_FILE_PAGE + 1);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_CSV, NULL,
	    &f), 0);
	cr_assert_eq(survey_file_next(f, &piece), 1);
	cr_assert_eq(survey_file_rows(f), SURVEY_FILE_PAGE);
	survey_file_free(f);
	buf_free(&piece);
	arena_free(&a);
}

Test(survey_file, json_rows_are_one_document)
{
	struct arena a;
	struct survey *sv;
	struct survey_file *f;
	struct buf all = BUF_INIT;
	json_error_t err;
	json_t *doc;
	int pieces;

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	add_responses(sv, SURVEY_FILE_PAGE + 1);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_JSON, NULL,
	    &f), 0);
	read_all(f, &all, &pieces);
	doc = json_loadb(all.p, all.n, 0, &err);
	cr_assert_not_null(doc, "not JSON: %s", err.text);
	cr_assert_eq(json_array_size(json_object_get(doc, "responses")), SURVEY_FILE_PAGE + 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(doc,
	    "responses"), 0), "answers") ? json_object_get(json_object_get(json_array_get(
	    json_object_get(doc, "responses"), 0), "answers"), "q1") : NULL), "Yes");
	json_decref(doc);
	survey_file_free(f);
	buf_free(&all);
	arena_free(&a);
}

Test(survey_file, a_survey_without_responses_is_its_header)
{
	struct arena a;
	struct survey *sv;
	struct survey_file *f;
	struct buf all = BUF_INIT;
	char expect[64];
	int pieces;

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_CSV, NULL,
	    &f), 0);
	read_all(f, &all, &pieces);
	cr_assert_str_eq(buf_cstr(&all), "\"response\",\"submitted_at\",\"channel\",\"q1\",\"q2\","
	    "\"q3\"\r\n");
	survey_file_free(f);
	buf_reset(&all);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_JSON, NULL,
	    &f), 0);
	read_all(f, &all, &pieces);
	snprintf(expect, sizeof(expect), "{\"survey\":\"%lld\",\"responses\":[]}\n",
	    (long long)sv->id);
	cr_assert_str_eq(buf_cstr(&all), expect);
	survey_file_free(f);
	buf_reset(&all);
	/* A workbook with its header row: a zip file. */
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_XLSX,
	    fx.dir, &f), 0);
	read_all(f, &all, &pieces);
	cr_assert_gt(all.n, 1000);
	cr_assert(memcmp(all.p, "PK\x03\x04", 4) == 0);
	survey_file_free(f);
	buf_free(&all);
	arena_free(&a);
}

Test(survey_file, an_xlsx_file_leaves_nothing_behind)
{
	char cmd[160];
	struct arena a;
	struct survey *sv;
	struct survey_file *f;
	struct buf piece = BUF_INIT;

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	add_responses(sv, 50);
	cr_assert_eq(survey_file_open(fx.store, sv->id, sv->definition, SURVEY_FILE_XLSX,
	    fx.dir, &f), 0);
	/* Deleted as soon as it is made: read from its descriptor alone. */
	snprintf(cmd, sizeof(cmd), "ls %s | grep -q involve-export", fx.dir);
	cr_assert_neq(system(cmd), 0, "the temporary workbook is still there");
	cr_assert_eq(survey_file_next(f, &piece), 1);
	cr_assert(memcmp(piece.p, "PK", 2) == 0);
	survey_file_free(f); /* half read */
	buf_free(&piece);
	arena_free(&a);
}

/* ---- through app_handle ------------------------------------------------------------- */

static void
make_user(enum role role, const char *email)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.org_id = fx.org.id;
	u.role = role;
	snprintf(u.email, sizeof(u.email), "%s", email);
	cr_assert_eq(secret_password_hash(PASSWORD, u.password_hash), 0);
	cr_assert_eq(store_user_create(fx.store, &who, &u), 0);
}

static void
sign_in(const char *email, char *cookie, size_t size)
{
	struct exchange *x = exchange_new(HTTP_POST, "/staff/login");
	const char *h;
	size_t n;

	exchange_body(x, "application/x-www-form-urlencoded", "email=%s&password=" PASSWORD,
	    email);
	exchange_run(x, &fx.app);
	cr_assert_eq(x->res.status, 303, "sign-in failed: %s", x->html);
	h = exchange_response_header(x, "Set-Cookie", "involve_session=");
	cr_assert_not_null(h);
	n = strcspn(h, ";");
	cr_assert_lt(n, size);
	memcpy(cookie, h, n);
	cookie[n] = '\0';
	exchange_free(x);
}

Test(survey_file, the_staff_download_is_a_stream_never_compressed)
{
	struct arena a;
	struct survey *sv;
	struct exchange *x;
	struct buf piece = BUF_INIT;
	char cookie[256], path[96];

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	add_responses(sv, 3 * SURVEY_FILE_PAGE);
	make_user(ROLE_ANALYST, "analyst@example.org");
	sign_in("analyst@example.org", cookie, sizeof(cookie));
	snprintf(path, sizeof(path), "/staff/surveys/%lld/export?format=csv", (long long)sv->id);

	/* Read to the end: every row. */
	x = exchange_new(HTTP_GET, path);
	exchange_cookie(x, cookie);
	exchange_add_header(x, "Accept-Encoding", "gzip, br");
	exchange_run(x, &fx.app);
	cr_assert_eq(x->res.status, 200, "%s", x->html);
	cr_assert_null(x->res.content_encoding);
	cr_assert_eq(count_lines(x->html), 1 + 3 * SURVEY_FILE_PAGE);
	cr_assert_not_null(exchange_response_header(x, "Content-Disposition", "attachment;"));
	exchange_free(x);

	/* Given up after the first piece, as when the client goes: freed with the response. */
	x = exchange_new(HTTP_GET, path);
	x->keep_stream = true;
	exchange_cookie(x, cookie);
	exchange_add_header(x, "Accept-Encoding", "gzip, br");
	exchange_run(x, &fx.app);
	cr_assert_not_null(x->res.stream.next);
	app_encode_response(&x->req, &x->res);
	cr_assert_null(x->res.content_encoding, "a stream is never compressed");
	cr_assert_eq(x->res.stream.next(x->res.stream.ctx, &piece), 1);
	cr_assert_gt(piece.n, 0);
	exchange_free(x);
	buf_free(&piece);
	arena_free(&a);
}

Test(survey_file, bad_formats_and_unknown_surveys_are_refused)
{
	struct arena a;
	struct survey *sv;
	struct exchange *x;
	char cookie[256], path[96];

	arena_init(&a, NULL, 0);
	sv = make_survey(&a);
	make_user(ROLE_ANALYST, "analyst2@example.org");
	sign_in("analyst2@example.org", cookie, sizeof(cookie));
	snprintf(path, sizeof(path), "/staff/surveys/%lld/export?format=pdf", (long long)sv->id);
	x = exchange_new(HTTP_GET, path);
	exchange_cookie(x, cookie);
	exchange_run(x, &fx.app);
	cr_assert_eq(x->res.status, 400);
	cr_assert_null(x->res.stream.next);
	exchange_free(x);
	x = exchange_new(HTTP_GET, "/staff/surveys/999999/export?format=xlsx");
	exchange_cookie(x, cookie);
	exchange_run(x, &fx.app);
	cr_assert_eq(x->res.status, 404);
	exchange_free(x);
	arena_free(&a);
}
