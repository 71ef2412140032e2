/*
 * input.c - the one decoder of declared fields (see input.h): JSON bodies
 * with jansson, forms and query strings from the request's own parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "involve/i18n.h"
#include "involve/input.h"
#include "involve/route.h"
#include "involve/num.h"
#include "involve/text.h"
#include "involve/timefmt.h"

#define DATE_PARTS 5

static const char *const date_part_names[DATE_PARTS] = { "day", "month", "year", "hour",
	"minute" };
/* A box of a date that does not hold a number in its range, one message a
 * box: the field's `what` ("opening") goes in, in the list's language. */
static const char *const date_part_errors[DATE_PARTS] = {
	N_("The %s day must be a number from %d to %d"),
	N_("The %s month must be a number from %d to %d"),
	N_("The %s year must be a number from %d to %d"),
	N_("The %s hour must be a number from %d to %d"),
	N_("The %s minute must be a number from %d to %d"),
};

/* The field's place in the target. */
#define AT(target, f, type) ((type *)((char *)(target) + (f)->offset))
#define COUNT(target, f) ((int *)((char *)(target) + (f)->count_offset))

/* Adds "Must be ..." and friends under field (a JSON path). */
static void
refuse(struct errors *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
refuse(struct errors *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_vadd(e, field, fmt, ap);
	va_end(ap);
}

/* "Must be "a", "b" or "c"" for a choice field: the names as they are
 * sent, "or" in the list's language. */
static void
refuse_choice(struct errors *e, const struct input_field *f, const char *field)
{
	const char *or_word = errors_text(e, N_("or"));
	char list[ERROR_DETAIL_MAX];
	size_t n = 0;
	int i;

	list[0] = '\0';
	for (i = 0; f->choices[i] && n < sizeof(list); i++) {
		bool last = i > 0 && f->choices[i + 1] == NULL;

		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s%s\"%s\"",
		    i == 0 ? "" : last ? " " : ", ", last ? or_word : "", last ? " " : "",
		    f->choices[i]);
	}
	refuse(e, field, N_("Must be %s"), list);
}

static int
choice_index(const struct input_field *f, struct str s)
{
	int i;

	for (i = 0; f->choices[i]; i++)
		if (str_eq_c(s, f->choices[i]))
			return i;
	return -1;
}

/* A number's problem in words, for the field's range. */
static void
refuse_number(struct errors *e, const struct input_field *f, const char *field)
{
	refuse(e, field, N_("Must be a whole number from %lld to %lld"), (long long)f->min,
	    (long long)f->max);
}

/* ---- JSON ------------------------------------------------------------------------- */

/* A JSON string's text, copied into the arena. */
static bool
json_text(struct arena *a, const json_t *v, struct str *out)
{
	*out = arena_str(a, (struct str){ json_string_value(v), json_string_length(v) });
	return out->p != NULL;
}

static int
json_id(const json_t *v, int64_t *out)
{
	if (!json_is_string(v))
		return ERR_INVALID;
	return num_id((struct str){ json_string_value(v), json_string_length(v) }, out);
}

static int
json_list(struct arena *a, const struct input_field *f, const json_t *v, void *target,
    struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	const json_t *item;
	size_t i;
	int *count = COUNT(target, f), rc = 0;

	if (!json_is_array(v)) {
		refuse(e, f->name, f->type == INPUT_TEXTS ? N_("Must be an array of strings") :
		    N_("Must be an array of ids (strings)"));
		return ERR_INVALID;
	}
	if ((int64_t)json_array_size(v) > f->max) {
		refuse(e, f->name, N_("No more than %lld can be given"), (long long)f->max);
		return ERR_INVALID;
	}
	*count = 0;
	json_array_foreach(v, i, item) {
		snprintf(field, sizeof(field), "%s[%zu]", f->name, i);
		if (f->type == INPUT_TEXTS) {
			if (!json_is_string(item)) {
				refuse(e, field, N_("Must be a string"));
				rc = ERR_INVALID;
			} else if (!json_text(a, item, &AT(target, f, struct str)[*count])) {
				return ERR_NOMEM;
			}
		} else if (json_id(item, &AT(target, f, int64_t)[*count]) != 0) {
			refuse(e, field, N_("Must be an id (a string of digits)"));
			rc = ERR_INVALID;
		}
		(*count)++;
	}
	return rc;
}

/* Whether v is of the kind an INPUT_JSON_TEXT or INPUT_JSON_VALUE field
 * asks for; refused in e when not. */
static bool
json_kind_ok(const struct input_field *f, const json_t *v, struct errors *e)
{
	if ((f->min == INPUT_JSON_ARRAY && !json_is_array(v)) ||
	    (f->min == INPUT_JSON_OBJECT && !json_is_object(v))) {
		refuse(e, f->name, f->min == INPUT_JSON_ARRAY ? N_("Must be an array") :
		    N_("Must be an object"));
		return false;
	}
	return true;
}

static void
json_release(void *v)
{
	json_decref(v);
}

/* INPUT_JSON_VALUE: the value itself, a reference to it held until the
 * arena is freed. */
static int
json_value_keep(struct arena *a, const struct input_field *f, json_t *v, const json_t **out,
    struct errors *e)
{
	if (!json_kind_ok(f, v, e))
		return ERR_INVALID;
	if (arena_on_free(a, json_release, json_incref(v)) != 0) {
		json_decref(v);
		return ERR_NOMEM;
	}
	*out = v;
	return 0;
}

/* INPUT_JSON_TEXT: the value as compact text, kept in the arena. */
static int
json_value_text(struct arena *a, const struct input_field *f, const json_t *v, struct str *out,
    struct errors *e)
{
	char *text;

	if (!json_kind_ok(f, v, e))
		return ERR_INVALID;
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	if (text == NULL)
		return ERR_NOMEM;
	*out = arena_str(a, str_c(text));
	free(text);
	return out->p != NULL ? 0 : ERR_NOMEM;
}

static int
json_field(struct arena *a, const struct input_field *f, const json_t *v, void *target,
    struct errors *e)
{
	struct str s;
	int k;

	switch (f->type) {
	case INPUT_TEXT:
		if (!json_is_string(v))
			break;
		return json_text(a, v, AT(target, f, struct str)) ? 0 : ERR_NOMEM;
	case INPUT_TEXTS:
	case INPUT_IDS:
		return json_list(a, f, v, target, e);
	case INPUT_BOOL:
		if (!json_is_boolean(v))
			break;
		*AT(target, f, bool) = json_is_true(v);
		return 0;
	case INPUT_CHOICE:
		s = json_is_string(v) ? (struct str){ json_string_value(v), json_string_length(v) } :
		    (struct str){ NULL, 0 };
		if (s.p == NULL || (k = choice_index(f, s)) < 0) {
			refuse_choice(e, f, f->name);
			return ERR_INVALID;
		}
		*AT(target, f, int) = k;
		return 0;
	case INPUT_ID:
		if (json_id(v, AT(target, f, int64_t)) == 0)
			return 0;
		refuse(e, f->name, N_("Must be an id (a string of digits)"));
		return ERR_INVALID;
	case INPUT_NUMBER:
		if (!json_is_integer(v) || json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max) {
			refuse_number(e, f, f->name);
			return ERR_INVALID;
		}
		*AT(target, f, int64_t) = json_integer_value(v);
		return 0;
	case INPUT_TIME:
		if (json_is_string(v) && timefmt_parse_rfc3339(json_string_value(v),
		    json_string_length(v), AT(target, f, int64_t)) == 0)
			return 0;
		refuse(e, f->name, f->flags & INPUT_NULLABLE ?
		    N_("Must be a date and time like 2026-12-01T09:00:00Z, or null") :
		    N_("Must be a date and time like 2026-12-01T09:00:00Z"));
		return ERR_INVALID;
	case INPUT_DATE:
		break; /* a form's; never declared for JSON */
	case INPUT_JSON_TEXT:
		return json_value_text(a, f, v, AT(target, f, struct str), e);
	case INPUT_JSON_VALUE:
		/* jansson counts references in the value itself. */
		return json_value_keep(a, f, (json_t *)v, AT(target, f, const json_t *), e);
	}
	refuse(e, f->name, f->type == INPUT_BOOL ? N_("Must be true or false") :
	    N_("Must be a string"));
	return ERR_INVALID;
}

static int
decode_json(struct http_request *req, const struct input_spec *spec, void *target,
    enum input_state *states, struct errors *e)
{
	json_error_t err;
	json_t *body, *v;
	const char *key;
	int i, rc = 0, r;

	body = json_loadb(req->body.p, req->body.n, JSON_REJECT_DUPLICATES, &err);
	if (body == NULL) {
		/* jansson quotes the bytes near the error, which may stop inside a
		 * character or not be UTF-8 at all; a message must be text. */
		if (text_is_utf8(str_c(err.text)))
			errors_add(e, "",
			    N_("The body is not valid JSON: %s (line %d, column %d)."), err.text,
			    err.line, err.column);
		else
			errors_add(e, "", N_("The body is not valid JSON (line %d, column %d)."),
			    err.line, err.column);
		return ERR_MALFORMED;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		errors_add(e, "", N_("The body must be a JSON object."));
		return ERR_MALFORMED;
	}
	json_object_foreach(body, key, v) {
		for (i = 0; i < spec->n; i++)
			if (!(spec->fields[i].flags & INPUT_QUERY) && strcmp(key, spec->fields[i].name) == 0)
				break;
		if (i == spec->n) {
			char field[ERROR_FIELD_MAX];

			/* At most 60 bytes, cut between characters. */
			text_copy(field, 61, str_c(key));
			errors_add(e, field, N_("Unknown field"));
			rc = ERR_INVALID;
		}
	}
	for (i = 0; i < spec->n; i++) {
		const struct input_field *f = &spec->fields[i];

		if (f->flags & INPUT_QUERY)
			continue;
		v = json_object_get(body, f->name);
		if (v == NULL) {
			if (f->flags & INPUT_REQUIRED) {
				errors_add(e, f->name, N_("Enter %s"), errors_text(e, f->what));
				rc = ERR_INVALID;
			}
			continue;
		}
		if (json_is_null(v) && (f->flags & INPUT_NULLABLE)) {
			if (states)
				states[i] = INPUT_NULL;
			continue;
		}
		r = json_field(&req->arena, f, v, target, e);
		if (r == ERR_NOMEM) {
			rc = r;
			break;
		}
		if (r != 0)
			rc = ERR_INVALID;
		else if (states)
			states[i] = INPUT_GIVEN;
	}
	json_decref(body);
	return rc;
}

/* ---- forms and the query --------------------------------------------------------------- */

/* The value of `name` in the form or the query; false when absent. */
static bool
value_of(const struct http_request *req, const struct input_field *f, const char *name,
    struct str *out)
{
	if (f->flags & INPUT_QUERY)
		return http_query(req, name, out);
	return http_form(req, name, out);
}

/* A whole number of at most 4 digits typed in a date's box (spaces around
 * it are forgiven), within [min, max]. */
static bool
date_part(struct str s, int min, int max, int *out)
{
	int64_t v;

	if (num_parse(str_trim(s), min, max, &v) != NUM_OK)
		return false;
	*out = (int)v;
	return true;
}

/* INPUT_DATE: 0 with the time, ERR_NOTFOUND when every box is empty, or
 * ERR_INVALID with one error. */
static int
form_date(const struct http_request *req, const struct input_field *f, int64_t *out,
    struct errors *e)
{
	static const int min[DATE_PARTS] = { 1, 1, TIMEFMT_YEAR_MIN, 0, 0 };
	static const int max[DATE_PARTS] = { 31, 12, TIMEFMT_YEAR_MAX, 23, 59 };
	struct str v[DATE_PARTS];
	char name[64];
	int n[DATE_PARTS], i, filled = 0;

	for (i = 0; i < DATE_PARTS; i++) {
		snprintf(name, sizeof(name), "%s-%s", f->name, date_part_names[i]);
		if (!http_form(req, name, &v[i]))
			v[i] = (struct str){ "", 0 };
		if (str_trim(v[i]).n > 0)
			filled++;
	}
	if (filled == 0)
		return ERR_NOTFOUND;
	if (filled < DATE_PARTS) {
		errors_add(e, f->name, N_("Enter the %s date and time in full: day, month, year, "
		    "hour and minute"), errors_text(e, f->what));
		return ERR_INVALID;
	}
	for (i = 0; i < DATE_PARTS; i++) {
		if (!date_part(v[i], min[i], max[i], &n[i])) {
			errors_add(e, f->name, date_part_errors[i], errors_text(e, f->what), min[i],
			    max[i]);
			return ERR_INVALID;
		}
	}
	if (timefmt_from_london_fields(n[0], n[1], n[2], n[3], n[4], out) != 0) {
		errors_add(e, f->name, N_("The %s date must be a real date"),
		    errors_text(e, f->what));
		return ERR_INVALID;
	}
	return 0;
}

/* Every value of a repeated form field, in order, into the target's list. */
static int
form_list(const struct http_request *req, const struct input_field *f, void *target,
    struct errors *e)
{
	int *count = COUNT(target, f), i, rc = 0;

	*count = 0;
	for (i = 0; i < req->form_n; i++) {
		if (!str_eq_c(req->form[i].name, f->name))
			continue;
		if (*count == f->max) {
			refuse(e, f->name, N_("No more than %lld can be given"), (long long)f->max);
			return ERR_INVALID;
		}
		if (f->type == INPUT_TEXTS) {
			AT(target, f, struct str)[*count] = req->form[i].value;
		} else if (num_id(str_trim(req->form[i].value), &AT(target, f, int64_t)[*count]) != 0) {
			refuse(e, f->name, N_("Select %s"), errors_text(e, f->what));
			rc = ERR_INVALID;
			continue;
		}
		(*count)++;
	}
	return rc;
}

static int
form_field(const struct http_request *req, const struct input_field *f, void *target,
    enum input_state *state, struct errors *e)
{
	struct str s;
	int64_t n;
	int k, rc;

	switch (f->type) {
	case INPUT_TEXTS:
	case INPUT_IDS:
		rc = form_list(req, f, target, e);
		*state = *COUNT(target, f) > 0 ? INPUT_GIVEN : INPUT_ABSENT;
		return rc;
	case INPUT_BOOL:
		/* A checkbox that is not ticked is not sent at all. */
		*AT(target, f, bool) = value_of(req, f, f->name, &s) && str_eq_c(s, "yes");
		*state = INPUT_GIVEN;
		return 0;
	case INPUT_DATE:
		rc = form_date(req, f, AT(target, f, int64_t), e);
		*state = rc == 0 ? INPUT_GIVEN : INPUT_ABSENT;
		return rc == ERR_NOTFOUND ? 0 : rc;
	default:
		break;
	}
	if (!value_of(req, f, f->name, &s))
		return 0;
	*state = INPUT_GIVEN;
	switch (f->type) {
	case INPUT_TEXT:
		*AT(target, f, struct str) = s;
		return 0;
	case INPUT_CHOICE:
		if ((k = choice_index(f, s)) < 0) {
			*state = INPUT_ABSENT;
			if (s.n == 0)
				return 0; /* an unanswered choice: required or not, below */
			refuse_choice(e, f, f->name);
			return ERR_INVALID;
		}
		*AT(target, f, int) = k;
		return 0;
	case INPUT_ID:
		if (num_id(str_trim(s), AT(target, f, int64_t)) == 0)
			return 0;
		refuse(e, f->name, N_("Must be an id"));
		return ERR_INVALID;
	case INPUT_NUMBER:
		if (num_parse(s, f->min, f->max, &n) != NUM_OK) {
			refuse_number(e, f, f->name);
			return ERR_INVALID;
		}
		*AT(target, f, int64_t) = n;
		return 0;
	default:
		*state = INPUT_ABSENT;
		refuse(e, f->name, N_("Cannot be sent in a form"));
		return ERR_INVALID;
	}
}

/* A missing required field's message, in the form's words. */
static void
refuse_missing(struct errors *e, const struct input_field *f)
{
	switch (f->type) {
	case INPUT_CHOICE:
	case INPUT_IDS:
	case INPUT_ID:
		errors_add(e, f->name, N_("Select %s"), errors_text(e, f->what));
		break;
	case INPUT_DATE:
		errors_add(e, f->name, N_("Enter the %s date and time"), errors_text(e, f->what));
		break;
	default:
		errors_add(e, f->name, N_("Enter %s"), errors_text(e, f->what));
	}
}

int
input_decode(struct http_request *req, const struct input_spec *spec, void *target,
    enum input_state *states, struct errors *e)
{
	enum input_state state;
	int i, rc = 0, r;

	for (i = 0; states && i < spec->n; i++)
		states[i] = INPUT_ABSENT;
	if (spec->source == INPUT_JSON && (req->body.n > 0 || req->method != HTTP_GET)) {
		rc = decode_json(req, spec, target, states, e);
		if (rc == ERR_MALFORMED || rc == ERR_NOMEM)
			return rc;
	}
	for (i = 0; i < spec->n; i++) {
		const struct input_field *f = &spec->fields[i];

		if (spec->source == INPUT_JSON && !(f->flags & INPUT_QUERY))
			continue;
		state = INPUT_ABSENT;
		r = form_field(req, f, target, &state, e);
		if (r != 0)
			rc = ERR_INVALID;
		else if (state == INPUT_ABSENT && (f->flags & INPUT_REQUIRED)) {
			refuse_missing(e, f);
			rc = ERR_INVALID;
		}
		if (states)
			states[i] = state;
	}
	return rc;
}

int
input_index(const struct input_spec *spec, const char *name)
{
	int i;

	for (i = 0; i < spec->n; i++)
		if (strcmp(spec->fields[i].name, name) == 0)
			return i;
	return -1;
}

int
input_read(struct http_request *req, void *target, enum input_state *states, struct errors *e)
{
	return input_decode(req, req->route->input, target, states, e);
}
