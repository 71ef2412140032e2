/* Tests for input.c: the one decoder of declared fields, from JSON, forms and
 * the query, with what it refuses. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

#include "involve/input.h"
#include "involve/timefmt.h"
#include "exchange.h"

struct target {
	struct str name;
	int tag_n;
	struct str tags[3];
	bool flag;
	int colour;
	int64_t id;
	int id_n;
	int64_t ids[3];
	int64_t count;
	int64_t when;
};

static const char *const colours[] = { "red", "green", "blue", NULL };

static const struct input_field fields[] = {
	{ "name", INPUT_TEXT, INPUT_REQUIRED, offsetof(struct target, name), 0, 0, 0, NULL,
	    "a name" },
	{ "tags", INPUT_TEXTS, 0, offsetof(struct target, tags), offsetof(struct target, tag_n), 0,
	    3, NULL, "tags" },
	{ "flag", INPUT_BOOL, 0, offsetof(struct target, flag), 0, 0, 0, NULL, "the flag" },
	{ "colour", INPUT_CHOICE, 0, offsetof(struct target, colour), 0, 0, 0, colours,
	    "a colour" },
	{ "id", INPUT_ID, 0, offsetof(struct target, id), 0, 0, 0, NULL, "an id" },
	{ "ids", INPUT_IDS, 0, offsetof(struct target, ids), offsetof(struct target, id_n), 0, 3,
	    NULL, "an id" },
	{ "count", INPUT_NUMBER, 0, offsetof(struct target, count), 0, 1, 100, NULL, "a count" },
	{ "when", INPUT_TIME, INPUT_NULLABLE, offsetof(struct target, when), 0, 0, 0, NULL,
	    "a time" },
};
static const struct input_spec json_spec = { INPUT_JSON, 8, fields };

static const struct input_field form_fields[] = {
	{ "name", INPUT_TEXT, INPUT_REQUIRED, offsetof(struct target, name), 0, 0, 0, NULL,
	    "a name" },
	{ "tags", INPUT_TEXTS, 0, offsetof(struct target, tags), offsetof(struct target, tag_n), 0,
	    3, NULL, "tags" },
	{ "flag", INPUT_BOOL, 0, offsetof(struct target, flag), 0, 0, 0, NULL, "the flag" },
	{ "colour", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct target, colour), 0, 0, 0,
	    colours, "a colour" },
	{ "ids", INPUT_IDS, 0, offsetof(struct target, ids), offsetof(struct target, id_n), 0, 3,
	    NULL, "an answer" },
	{ "when", INPUT_DATE, 0, offsetof(struct target, when), 0, 0, 0, NULL, "opening" },
	{ "count", INPUT_NUMBER, INPUT_QUERY, offsetof(struct target, count), 0, 1, 100, NULL,
	    "a count" },
};
static const struct input_spec form_spec = { INPUT_FORM, 7, form_fields };

static struct exchange *
json_request(const char *body)
{
	struct exchange *x = exchange_new(HTTP_POST, "/x");

	exchange_body(x, "application/json", "%s", body);
	return x;
}

static struct exchange *
form_request(const char *target, const char *body)
{
	struct exchange *x = exchange_new(HTTP_POST, target);

	exchange_body(x, "application/x-www-form-urlencoded", "%s", body);
	cr_assert_eq(http_form_parse(&x->req), 0);
	return x;
}

/* Whether e has an error on field whose detail holds part. */
static bool
has(const struct errors *e, const char *field, const char *part)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->list[i].field, field) == 0 && strstr(e->list[i].detail, part))
			return true;
	return false;
}

Test(input, json_reads_every_type)
{
	struct exchange *x = json_request("{\"name\":\"Bury\",\"tags\":[\"a\",\"b\"],\"flag\":true,"
	    "\"colour\":\"blue\",\"id\":\"12\",\"ids\":[\"3\",\"4\"],\"count\":7,"
	    "\"when\":\"2026-12-01T09:00:00Z\"}");
	struct target t = { .colour = -1, .count = 20 };
	enum input_state states[8];
	struct errors e;
	int64_t when;

	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &json_spec, &t, states, &e), 0, "%s",
	    e.n ? e.list[0].detail : "");
	cr_assert(str_eq_c(t.name, "Bury"));
	cr_assert_eq(t.tag_n, 2);
	cr_assert(str_eq_c(t.tags[1], "b"));
	cr_assert(t.flag);
	cr_assert_eq(t.colour, 2);
	cr_assert_eq(t.id, 12);
	cr_assert_eq(t.id_n, 2);
	cr_assert_eq(t.ids[1], 4);
	cr_assert_eq(t.count, 7);
	cr_assert_eq(timefmt_parse_rfc3339("2026-12-01T09:00:00Z", 20, &when), 0);
	cr_assert_eq(t.when, when);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(states[i], INPUT_GIVEN);
	exchange_free(x);
}

Test(input, json_leaves_what_is_omitted_and_tells_null)
{
	struct exchange *x = json_request("{\"name\":\"Bury\",\"when\":null}");
	struct target t = { .colour = 1, .count = 20, .when = 555 };
	enum input_state states[8];
	struct errors e;

	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &json_spec, &t, states, &e), 0);
	cr_assert_eq(t.colour, 1, "omitted: unchanged");
	cr_assert_eq(t.count, 20);
	cr_assert_eq(states[3], INPUT_ABSENT);
	cr_assert_eq(states[7], INPUT_NULL);
	cr_assert_eq(t.when, 555, "null leaves the value to the caller");
	exchange_free(x);
}

Test(input, json_refuses_with_every_field_named)
{
	struct exchange *x = json_request("{\"tags\":[\"a\",2],\"flag\":\"yes\",\"colour\":\"pink\","
	    "\"id\":12,\"ids\":[\"0\"],\"count\":101,\"when\":\"tomorrow\",\"colour2\":1}");
	struct target t = { 0 };
	struct errors e;

	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &json_spec, &t, NULL, &e), ERR_INVALID);
	cr_assert(has(&e, "name", "Enter a name"), "required");
	cr_assert(has(&e, "tags[1]", "Must be a string"));
	cr_assert(has(&e, "flag", "true or false"));
	cr_assert(has(&e, "colour", "\"red\", \"green\" or \"blue\""));
	cr_assert(has(&e, "id", "an id"), "an id is a string, not a number");
	cr_assert(has(&e, "ids[0]", "an id"));
	cr_assert(has(&e, "count", "from 1 to 100"));
	cr_assert(has(&e, "when", "2026-12-01T09:00:00Z"));
	cr_assert(has(&e, "colour2", "Unknown field"));
	exchange_free(x);

	x = json_request("{\"name\":\"a\",\"tags\":[\"1\",\"2\",\"3\",\"4\"],\"when\":5}");
	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &json_spec, &t, NULL, &e), ERR_INVALID);
	cr_assert(has(&e, "tags", "No more than 3"));
	cr_assert(has(&e, "when", "or null"));
	exchange_free(x);
}

Test(input, json_that_is_not_an_object_is_malformed)
{
	static const char *const bodies[] = { "", "{\"name\":", "[1,2]", "\"text\"",
		"{\"name\":\"a\",\"name\":\"b\"}", NULL };
	struct target t = { 0 };
	struct errors e;
	int i;

	for (i = 0; bodies[i]; i++) {
		struct exchange *x = json_request(bodies[i]);

		errors_init(&e);
		cr_expect_eq(input_decode(&x->req, &json_spec, &t, NULL, &e), ERR_MALFORMED, "%s",
		    bodies[i]);
		cr_expect_gt(e.n, 0, "says why");
		exchange_free(x);
	}
}

Test(input, forms_read_values_checkboxes_lists_and_dates)
{
	struct exchange *x = form_request("/x?count=9", "name=Bury&tags=a&tags=b&flag=yes&"
	    "colour=green&ids=3&ids=+4+&when-day=1&when-month=12&when-year=2026&when-hour=9&"
	    "when-minute=00&csrf=ignored");
	struct target t = { .colour = -1, .flag = true };
	enum input_state states[7];
	struct errors e;
	int64_t when;

	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &form_spec, &t, states, &e), 0, "%s",
	    e.n ? e.list[0].detail : "");
	cr_assert(str_eq_c(t.name, "Bury"));
	cr_assert_eq(t.tag_n, 2);
	cr_assert(t.flag);
	cr_assert_eq(t.colour, 1);
	cr_assert_eq(t.id_n, 2);
	cr_assert_eq(t.ids[1], 4, "spaces around an id are forgiven");
	cr_assert_eq(timefmt_from_london_fields(1, 12, 2026, 9, 0, &when), 0);
	cr_assert_eq(t.when, when);
	cr_assert_eq(t.count, 9, "from the query");
	exchange_free(x);

	x = form_request("/x", "name=Bury&colour=red");
	t.flag = true;
	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &form_spec, &t, states, &e), 0);
	cr_assert(!t.flag, "an unticked box is not sent: false");
	cr_assert_eq(states[5], INPUT_ABSENT, "every date box empty: no date");
	exchange_free(x);
}

Test(input, forms_refuse_with_the_forms_words)
{
	static const struct {
		const char *body, *field, *part;
	} cases[] = {
		{ "colour=red", "name", "Enter a name" },
		{ "name=a", "colour", "Select a colour" },
		{ "name=a&colour=", "colour", "Select a colour" },
		{ "name=a&colour=pink", "colour", "Must be" },
		{ "name=a&colour=red&ids=abc", "ids", "Select an answer" },
		{ "name=a&colour=red&ids=1&ids=2&ids=3&ids=4", "ids", "No more than 3" },
		{ "name=a&colour=red&when-day=1", "when", "in full" },
		{ "name=a&colour=red&when-day=32&when-month=1&when-year=2026&when-hour=1&"
		  "when-minute=1", "when", "day must be a number from 1 to 31" },
		{ "name=a&colour=red&when-day=31&when-month=2&when-year=2026&when-hour=1&"
		  "when-minute=1", "when", "real date" },
		{ "name=a&colour=red&when-day=1&when-month=1&when-year=2026&when-hour=x&"
		  "when-minute=1", "when", "hour must be a number" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct exchange *x = form_request("/x", cases[i].body);
		struct target t = { .colour = -1 };
		struct errors e;

		errors_init(&e);
		cr_expect_eq(input_decode(&x->req, &form_spec, &t, NULL, &e), ERR_INVALID, "%s",
		    cases[i].body);
		cr_expect(has(&e, cases[i].field, cases[i].part), "%s: wanted %s on %s, got %s",
		    cases[i].body, cases[i].part, cases[i].field, e.n ? e.list[0].detail : "none");
		exchange_free(x);
	}
}

Test(input, query_numbers_are_bounded)
{
	static const char *const bad[] = { "/x?count=0", "/x?count=101", "/x?count=5a",
		"/x?count=", "/x?count=-1", NULL };
	struct target t;
	struct errors e;
	int i;

	for (i = 0; bad[i]; i++) {
		struct exchange *x = form_request(bad[i], "name=a&colour=red");

		errors_init(&e);
		cr_expect_eq(input_decode(&x->req, &form_spec, &t, NULL, &e), ERR_INVALID, "%s",
		    bad[i]);
		cr_expect(has(&e, "count", "from 1 to 100"), "%s", bad[i]);
		exchange_free(x);
	}
}

struct json_target {
	const json_t *answers;
	const json_t *pages;
};

static const struct input_field json_value_fields[] = {
	{ "answers", INPUT_JSON_VALUE, INPUT_REQUIRED, offsetof(struct json_target, answers), 0,
	    INPUT_JSON_OBJECT, 0, NULL, "the answers" },
	{ "pages", INPUT_JSON_VALUE, INPUT_NULLABLE, offsetof(struct json_target, pages), 0,
	    INPUT_JSON_ARRAY, 0, NULL, "the pages" },
};
static const struct input_spec json_value_spec = { INPUT_JSON, 2, json_value_fields };

Test(input, json_values_are_kept_as_read_until_the_request_ends)
{
	struct exchange *x = json_request("{\"answers\":{\"q1\":\"Yes\",\"q2\":[1,2]},"
	    "\"pages\":null}");
	struct json_target t = { NULL, NULL };
	struct errors e;

	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &json_value_spec, &t, NULL, &e), 0);
	/* The body is gone; the value the request holds is not. */
	cr_assert(json_is_object(t.answers));
	cr_assert_str_eq(json_string_value(json_object_get(t.answers, "q1")), "Yes");
	cr_assert_eq(json_array_size(json_object_get(t.answers, "q2")), 2);
	cr_assert_null(t.pages, "null leaves it unset");
	exchange_free(x);

	/* Of the wrong kind: refused under its name, nothing kept. */
	x = json_request("{\"answers\":[\"Yes\"],\"pages\":{}}");
	t = (struct json_target){ NULL, NULL };
	errors_init(&e);
	cr_assert_eq(input_decode(&x->req, &json_value_spec, &t, NULL, &e), ERR_INVALID);
	cr_assert(has(&e, "answers", "Must be an object"));
	cr_assert(has(&e, "pages", "Must be an array"));
	cr_assert_null(t.answers);
	exchange_free(x);
}
