/*
 * input.h - the fields a route accepts, declared, and the one decoder that
 * reads them into a struct: from a JSON body, a form or the query string.
 *
 * A route names its fields in the route table (route.h): for each its name,
 * type, bounds and whether it is required.  A handler fills its target
 * struct with what holds when a field is not sent (a new record's defaults,
 * or a record's current values for a change), then calls input_decode,
 * which overwrites only the fields that were sent.  So "omitted" means the
 * default or "unchanged", and the handler never parses anything itself.
 *
 * The decoder checks form, not meaning: a string is a string, a number is a
 * whole number within its bounds, a list has at most its number of items,
 * a choice is one of its names, a date is a real date.  What the text says
 * is the domain's to check (poll_build), the same for every door.
 */
#ifndef INVOLVE_INPUT_H
#define INVOLVE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/http.h"

enum input_type {
	INPUT_TEXT,   /* struct str: a JSON string; a form or query value */
	INPUT_TEXTS,  /* struct str[], int count: a JSON array of strings; a repeated form field */
	INPUT_BOOL,   /* bool: JSON true or false; a form checkbox sent as "yes" (absent: false) */
	INPUT_CHOICE, /* int: the index in choices of a JSON string or form value */
	INPUT_ID,     /* int64_t: a positive id, as a string in JSON (ids are opaque strings) */
	INPUT_IDS,    /* int64_t[], int count: ids, a JSON array of strings; a repeated form field */
	INPUT_NUMBER, /* int64_t within [min, max]: a JSON number; a decimal form or query value */
	INPUT_TIME,   /* int64_t unix seconds: an RFC 3339 JSON string */
	INPUT_DATE,   /* int64_t unix seconds: five form fields NAME-day, -month, -year, -hour,
	               * -minute, in UK time */
	INPUT_JSON_TEXT, /* struct str: any JSON value of the type named by min (an
	                  * INPUT_JSON_* below), written back as compact JSON text in the
	                  * request's arena, for the domain to read (a survey's pages); JSON only */
	INPUT_JSON_VALUE, /* const json_t *: the same, as jansson read it, kept until the
	                   * request's arena is freed (a response's answers, read by the
	                   * domain without being written and read again); JSON only */
};

/* What an INPUT_JSON_TEXT or INPUT_JSON_VALUE field must be: its min. */
enum { INPUT_JSON_ANY, INPUT_JSON_ARRAY, INPUT_JSON_OBJECT };

enum input_flags {
	INPUT_REQUIRED = 1, /* absent is an error */
	INPUT_NULLABLE = 2, /* JSON null is allowed (state INPUT_NULL; the value is untouched) */
	INPUT_QUERY = 4,    /* read from the query string, not the body */
};

struct input_field {
	const char *name;   /* the JSON member, form field or query parameter */
	enum input_type type;
	unsigned flags;
	size_t offset;      /* of the value in the target */
	size_t count_offset; /* lists: of the int that counts the items */
	int64_t min, max;   /* numbers: the range; lists: the most items */
	const char *const *choices; /* INPUT_CHOICE: the names, NULL-terminated */
	const char *what;   /* how messages name it: "the question", "opening" (dates) */
};

enum input_source {
	INPUT_JSON, /* the body is a JSON object; undeclared members are refused */
	INPUT_FORM, /* the body is a URL-encoded form; undeclared fields are ignored */
};

struct input_spec {
	enum input_source source;
	int n;
	const struct input_field *fields;
};

/* What became of each declared field. */
enum input_state {
	INPUT_ABSENT, /* not sent: the target keeps what it held */
	INPUT_NULL,   /* JSON null (only for INPUT_NULLABLE) */
	INPUT_GIVEN,  /* read into the target */
};

/*
 * Reads the fields of spec from req into target.  states (may be NULL) gets
 * one entry per field.  Text is copied into req's arena.  Every problem is
 * added to e under the field's JSON path ("options[2]") and decoding goes
 * on, so one answer can list them all.  Returns 0; ERR_INVALID when a field
 * was refused; ERR_MALFORMED when the body is not a JSON object (e says
 * why, and nothing was read); ERR_NOMEM.
 */
int input_decode(struct http_request *req, const struct input_spec *spec, void *target,
    enum input_state *states, struct errors *e);

/* input_decode with the fields the request's route declares. */
int input_read(struct http_request *req, void *target, enum input_state *states,
    struct errors *e);

/* The index of field `name` in spec, or -1: for reading states. */
int input_index(const struct input_spec *spec, const char *name);

#endif
