/*
 * error.h - error codes and field errors shared by every layer.
 *
 * Functions return 0 on success or one of the negative codes below.  When a
 * person can act on the failure (a form field, a JSON member, a CLI
 * argument), the details go into a struct errors: one entry per field, with
 * the field named as a JSON path ("options[1]") and a sentence saying what is
 * wrong.  The web layer turns these into an NHS.UK error summary or RFC 9457
 * problem details; the CLI prints them.
 *
 * A list may be given a language (errors_init_in): a page's visitor reads its
 * messages in theirs.  Each message's format is then looked up in the
 * catalogue before the values go in, so a message with values ("Enter a
 * number from 1 to 10") is translated as a whole; the code that adds it marks
 * it N_() and needs to know nothing of languages.  Without one (the API, the
 * command line, staff pages) messages are in English.
 */
#ifndef INVOLVE_ERROR_H
#define INVOLVE_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

struct i18n_lang;

enum {
	ERR_OK = 0,
	ERR_NOMEM = -1,     /* allocation failed */
	ERR_INVALID = -2,   /* input failed validation; see struct errors */
	ERR_NOTFOUND = -3,  /* no such record (or not visible to the caller) */
	ERR_CONFLICT = -4,  /* the record's state forbids this (poll closed) */
	ERR_DUPLICATE = -5, /* a unique rule was broken (second vote) */
	ERR_IO = -6,        /* the database or a file failed */
	ERR_FULL = -7,      /* the disk or database is full */
	ERR_DENIED = -8,    /* authenticated but not allowed */
	ERR_BUSY = -9,      /* shutting down or overloaded; try again */
	ERR_LIMITED = -10,  /* a rate limit is reached */
	/* Refusals of a request as it arrived, before any rule is asked: */
	ERR_MALFORMED = -11,   /* the body cannot be read (bad JSON, a bad form) */
	ERR_UNSIGNED = -12,    /* no valid credentials (sign in, or a token) */
	ERR_TOO_LARGE = -13,   /* the body is larger than allowed */
	ERR_MEDIA_TYPE = -14,  /* the body is of a type not accepted */
	ERR_METHOD = -15,      /* the address does not take that method */
	ERR_KEY_REUSED = -16,  /* a retry key (Idempotency-Key) came with another request */
	ERR_CODE_SPENT = -17,  /* a single-use code that does not work: unknown, used or withdrawn */
};

/* A short, fixed description of a code, for logs. */
const char *error_name(int code);

#define ERRORS_MAX 16
#define ERROR_FIELD_MAX 64
#define ERROR_DETAIL_MAX 200

struct field_error {
	char field[ERROR_FIELD_MAX];
	char detail[ERROR_DETAIL_MAX];
};

/* A list of field errors; lives on the caller's stack.  Entries past
 * ERRORS_MAX are counted in `dropped` but not stored. */
struct errors {
	int n;
	int dropped;
	const struct i18n_lang *lang; /* the messages' language; NULL: English */
	struct field_error list[ERRORS_MAX];
};

void errors_init(struct errors *e);
/* An empty list whose messages are written in lang (NULL: English). */
void errors_init_in(struct errors *e, const struct i18n_lang *lang);
/* msgid in e's language: for a word that goes into a message, as
 * text_check's label does. */
const char *errors_text(const struct errors *e, const char *msgid);
/* The form for n of a message with a plural, in e's language: one and
 * other are the English. */
const char *errors_trn(const struct errors *e, const char *one, const char *other,
    unsigned long n);
/* Adds an error for `field` (may be "" for the whole input). */
void errors_add(struct errors *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void errors_vadd(struct errors *e, const char *field, const char *fmt, va_list ap);
/* Adds with a field built from a prefix and an index: "options[3]". */
void errors_add_at(struct errors *e, const char *prefix, int index, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int errors_any(const struct errors *e) { return e->n > 0 || e->dropped > 0; }
/* Whether e holds an error for field. */
bool errors_has_field(const struct errors *e, const char *field);

#endif
