/*
 * error.c - error names and the field-error list (see error.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/error.h"
#include "involve/i18n.h"
#include "involve/text.h"

const char *
error_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_NOMEM: return "out of memory";
	case ERR_INVALID: return "invalid input";
	case ERR_NOTFOUND: return "not found";
	case ERR_CONFLICT: return "conflict";
	case ERR_DUPLICATE: return "duplicate";
	case ERR_IO: return "input/output error";
	case ERR_FULL: return "storage full";
	case ERR_DENIED: return "not allowed";
	case ERR_BUSY: return "busy";
	case ERR_LIMITED: return "limited";
	case ERR_MALFORMED: return "malformed";
	case ERR_UNSIGNED: return "not signed in";
	case ERR_TOO_LARGE: return "too large";
	case ERR_MEDIA_TYPE: return "unsupported media type";
	case ERR_METHOD: return "method not allowed";
	case ERR_KEY_REUSED: return "key reused";
	case ERR_CODE_SPENT: return "code not valid";
	}
	return "unknown error";
}

void
errors_init(struct errors *e)
{
	errors_init_in(e, NULL);
}

void
errors_init_in(struct errors *e, const struct i18n_lang *lang)
{
	e->n = 0;
	e->dropped = 0;
	e->lang = lang;
}

const char *
errors_text(const struct errors *e, const char *msgid)
{
	return e->lang ? i18n_text(e->lang, msgid) : msgid;
}

const char *
errors_trn(const struct errors *e, const char *one, const char *other, unsigned long n)
{
	return i18n_plural(e->lang, one, other, n);
}

/* s (a NUL-ended buffer of size bytes) as UTF-8, where a message quoted
 * what was sent and cut it to fit, or the buffer's end cut a character:
 * every reply (JSON, a page) holds only UTF-8, and one that did not would
 * be lost whole.  A broken character shows as U+FFFD. */
static void
make_readable(char *s, size_t size)
{
	char copy[ERROR_DETAIL_MAX > ERROR_FIELD_MAX ? ERROR_DETAIL_MAX : ERROR_FIELD_MAX];
	size_t n = strlen(s);

	if (text_is_utf8((struct str){ s, n }) || n >= sizeof(copy))
		return;
	memcpy(copy, s, n);
	text_readable((struct str){ copy, n }, s, size);
}

void
errors_vadd(struct errors *e, const char *field, const char *fmt, va_list ap)
{
	struct field_error *fe;

	if (e->n >= ERRORS_MAX) {
		e->dropped++;
		return;
	}
	fe = &e->list[e->n++];
	snprintf(fe->field, sizeof(fe->field), "%s", field ? field : "");
	/* The catalogue's check (scripts/po.py) holds a translation to the
	 * English's printf conversions, so the values fit either format. */
	vsnprintf(fe->detail, sizeof(fe->detail), errors_text(e, fmt), ap);
	make_readable(fe->field, sizeof(fe->field));
	make_readable(fe->detail, sizeof(fe->detail));
}

void
errors_add(struct errors *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_vadd(e, field, fmt, ap);
	va_end(ap);
}

void
errors_add_at(struct errors *e, const char *prefix, int index, const char *fmt, ...)
{
	char field[ERROR_FIELD_MAX];
	va_list ap;

	snprintf(field, sizeof(field), "%s[%d]", prefix, index);
	va_start(ap, fmt);
	errors_vadd(e, field, fmt, ap);
	va_end(ap);
}

bool
errors_has_field(const struct errors *e, const char *field)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->list[i].field, field) == 0)
			return true;
	return false;
}
