/*
 * text.h - checks for text that people type: valid UTF-8, no control
 * characters, a length in characters, surrounding white space trimmed.
 *
 * Every text field from outside (a question, an option, a name) passes
 * through text_check once, at the edge, and inner code trusts it.
 */
#ifndef INVOLVE_TEXT_H
#define INVOLVE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "involve/error.h"
#include "involve/str.h"

/* Returns true when s is valid UTF-8 (no overlongs, surrogates or code
 * points past U+10FFFF). */
bool text_is_utf8(struct str s);
/* The length of s's longest valid UTF-8 beginning: s.n when all of it is. */
size_t text_utf8_prefix(struct str s);
/* The length of s's first max bytes at most, ending where a character
 * does: for quoting the start of a text without breaking a character. */
size_t text_utf8_cut(struct str s, size_t max);
/* s as UTF-8 that can be shown, into out (size bytes, at least 1): each byte
 * that does not read as UTF-8 becomes U+FFFD; what does not fit is left
 * out, never part of a character.  Returns out, ended by a NUL.  For text
 * that quotes what was sent (an error's message) on a page, which holds
 * only UTF-8. */
const char *text_readable(struct str s, char *out, size_t size);
/* Decodes the character at byte `at` of s into *cp; its length in bytes,
 * or 0 at the end of s or where the bytes are not valid UTF-8. */
size_t text_decode(struct str s, size_t at, unsigned *cp);
/* Number of characters (code points) in valid UTF-8. */
size_t text_chars(struct str s);
/* Whether cp is one of Unicode's control characters (Cc): C0, DEL, C1. */
bool text_is_control(unsigned cp);
/* Whether s is valid UTF-8 with no control characters, nor the line and
 * paragraph separators: what text_check lets through without
 * TEXT_MULTILINE, and text that XML can carry as it stands. */
bool text_is_plain(struct str s);

enum text_flags {
	TEXT_REQUIRED = 1,  /* empty (after trimming) is an error */
	TEXT_MULTILINE = 2, /* newlines and tabs allowed */
};

/*
 * Checks s (trimmed first) against the rules above and max_chars.  On
 * failure adds one error for `field`, naming the field with `label`, a
 * lower-case noun phrase ("the question", "an option"; marked N_() where a
 * visitor may read it, and then shown in e's language), and returns
 * ERR_INVALID.  On success stores the trimmed text in *out (pointing into s)
 * and returns 0.
 */
int text_check(struct str s, const char *field, const char *label, size_t max_chars,
    unsigned flags, struct str *out, struct errors *e);

/* Copies a checked str into a fixed buffer of `size` bytes; the caller's
 * limits guarantee it fits (it is cut at a character boundary if not). */
void text_copy(char *dst, size_t size, struct str s);

#endif
