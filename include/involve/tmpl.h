/*
 * tmpl.h - HTML templates: a small Mustache subset, compiled once at load.
 *
 * Every page is rendered from a set of templates loaded at start-up, from the
 * copies built into the program (tmpl_set_load_strings; see web_assets.h) or
 * from a directory.  Loading parses each file once into a node tree;
 * rendering walks the tree against a jansson value and does no parsing, so a
 * busy public page costs little more than the bytes it writes.
 *
 * Syntax:
 *   {{name}} {{a.b.c}} {{.}}   value, HTML-escaped (& < > " ')
 *   {{{name}}}                 value, NOT escaped: the one marker for raw HTML
 *   {{#name}}...{{/name}}      section: once per array element (element pushed
 *                              on the context stack), once for an object (it is
 *                              pushed), once for true / a non-empty string / a
 *                              non-zero number (context unchanged), never for
 *                              false, null, missing, [], "" or 0
 *   {{^name}}...{{/name}}      inverted: only when the section would not be
 *   {{@index}} {{@number}}     0- and 1-based position in the innermost array
 *   {{#@first}} {{#@last}}     sections true for the first / last element
 *   {{>name}}                  include template `name` with the same context
 *   {{_ Text to read}}         a message: the text in the reader's language (i18n.h),
 *                              HTML-escaped; {name} in it is replaced by the value of
 *                              name (escaped), wherever a translation puts it
 *   {{! comment }}             ignored
 * Names are looked up through the context stack, innermost first, as in
 * Mustache; for a.b.c only the first segment falls back to outer frames.
 * Values print as: strings as they are, integers in decimal, reals with %g,
 * true as "true"; false, null, missing, objects and arrays print nothing.
 */
#ifndef INVOLVE_TMPL_H
#define INVOLVE_TMPL_H

#include <stdbool.h>

#include <jansson.h>

#include "involve/error.h"
#include "involve/str.h"

#define TMPL_FILE_MAX (256 * 1024) /* bytes in one template */
#define TMPL_TAG_MAX 128           /* bytes between a tag's braces (comments excepted) */
#define TMPL_NAME_MAX 128          /* bytes in a template's name ("poll/vote") */
#define TMPL_NEST_MAX 16           /* sections open at once within one template */
#define TMPL_SEGMENTS_MAX 8        /* segments in a dotted name (a.b.c) */
#define TMPL_DEPTH_MAX 16          /* partials included within partials, at render */
#define TMPL_SET_MAX 1024          /* templates in one set */
#define TMPL_DIR_DEPTH_MAX 8       /* folder depth below the template directory */
#define TMPL_MSG_MAX 512           /* bytes of a message's English text */
#define TMPL_MSG_ARGS_MAX 4        /* placeholders in one message */

/* Opaque: every template of a directory, compiled.  Read-only once loaded,
 * so any number of threads may render from one set at once. */
struct tmpl_set;

/*
 * Loads every *.html file under dir, recursively; a template's name is its
 * path relative to dir without ".html" ("layout", "poll/vote").  Hidden files
 * and folders (leading '.') are skipped.  Each file must be valid UTF-8.
 *
 * Returns 0 and sets *out (the caller frees it with tmpl_set_free), or:
 *   ERR_INVALID  a template is refused (syntax, size, encoding, unknown
 *                partial); `e` holds one entry per bad file, the field being
 *                the file and the detail naming the file, line and problem
 *   ERR_IO       dir or a file in it cannot be read (also added to `e`)
 *   ERR_NOMEM
 * On failure *out is NULL.
 */
int tmpl_set_load(const char *dir, struct tmpl_set **out, struct errors *e);

/* As tmpl_set_load, from memory: template names[i] has source sources[i].
 * The sources are copied; the caller keeps ownership of its arrays. */
int tmpl_set_load_strings(const char *const *names, const char *const *sources, int n,
    struct tmpl_set **out, struct errors *e);

/* Frees the set and every template in it; NULL is allowed. */
void tmpl_set_free(struct tmpl_set *set);

bool tmpl_exists(const struct tmpl_set *set, const char *name);

/*
 * Renders template `name` with ctx (may be NULL: everything is missing),
 * appending to out.  ctx is only read, never changed or reference-counted.
 *
 * Returns 0, or:
 *   ERR_NOTFOUND  no template has that name
 *   ERR_INVALID   partials nest deeper than TMPL_DEPTH_MAX (a recursive
 *                 partial with no data-driven end)
 *   ERR_NOMEM     out failed to grow (out->failed is set)
 * On ERR_NOTFOUND and ERR_INVALID out is left as it was.
 */
int tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx, struct buf *out);
/* The same with the messages in lang (NULL: English). */
struct i18n_lang;
int tmpl_render_in(const struct tmpl_set *set, const char *name, const json_t *ctx,
    const struct i18n_lang *lang, struct buf *out);

#endif
