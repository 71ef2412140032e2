/*
 * str.h - pointer + length strings and a growable byte buffer.
 *
 * struct str never owns its bytes: it points into a request, a buffer or a
 * literal, and lives no longer than what it points into.  struct buf owns a
 * heap block and grows by doubling; buf_free releases it.  Writes to a buf
 * that has failed to grow are dropped and remembered in `failed`, so a long
 * run of appends needs one check at the end (buf_ok).
 */
#ifndef INVOLVE_STR_H
#define INVOLVE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct str {
	const char *p;
	size_t n;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })
static inline struct str str_c(const char *s) { return (struct str){ s, s ? strlen(s) : 0 }; }
static inline bool
str_eq(struct str a, struct str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}
static inline bool str_eq_c(struct str a, const char *b) { return str_eq(a, str_c(b)); }
bool str_starts_with(struct str s, const char *prefix);
bool str_case_eq_c(struct str a, const char *b);
/* s without the ASCII white space (spaces, tabs, line ends, form feeds) at
 * either end. */
struct str str_trim(struct str s);
/* The byte that two hexadecimal digits (either case) at two[0..1] spell:
 * 0, or -1 when they are not two hex digits. */
int str_hex_byte(const char *two, unsigned char *out);

struct buf {
	char *p;
	size_t n;
	size_t cap;
	bool failed;
};

#define BUF_INIT ((struct buf){ 0 })
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_reserve(struct buf *b, size_t more);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_add_c(struct buf *b, const char *s);
void buf_add_str(struct buf *b, struct str s);
void buf_addch(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* HTML-escapes s (& < > " ') into b. */
void buf_add_html(struct buf *b, struct str s);
/* Percent-encodes s for a URL path segment or query value. */
void buf_add_url(struct buf *b, struct str s);
/* Appends s as one quoted CSV cell; a cell a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or carriage return) gets an
 * apostrophe first. */
void buf_add_csv_cell(struct buf *b, struct str s);
/* The same, exactly as s is: for files read by programs, not spreadsheets
 * (training data), where an apostrophe would change the text. */
void buf_add_csv_plain(struct buf *b, struct str s);
/* Appends s as a JSON string literal, quotes included. */
void buf_add_json_string(struct buf *b, struct str s);
/* NUL-terminates (without counting the NUL) and returns the bytes, or NULL
 * when any write failed.  The buf still owns them. */
const char *buf_cstr(struct buf *b);
static inline bool buf_ok(const struct buf *b) { return !b->failed; }
/* Hands the heap block to the caller (NUL-terminated), leaving b empty;
 * NULL when any write failed (b is then freed). */
char *buf_detach(struct buf *b, size_t *len);

#endif
