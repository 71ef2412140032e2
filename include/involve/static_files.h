/*
 * static_files.h - CSS, scripts and images served from memory.
 *
 * The files come from the program itself (web_assets.h: built in, with
 * their gzip and brotli forms made when building), or, for working on
 * them, from a folder read once at start-up and served as they are.
 * Every file is given a content hash.  Pages link to
 * /static/{hash}/{path}: when the hash is the file's own, the reply may be
 * cached for a year (a new build gives a new URL).  Relative references
 * inside CSS resolve under the same prefix and are served with a shorter
 * lifetime.
 */
#ifndef INVOLVE_STATIC_FILES_H
#define INVOLVE_STATIC_FILES_H

#include "involve/embed.h"
#include "involve/error.h"
#include "involve/http.h"

#define STATIC_FILES_MAX 512
#define STATIC_FILE_SIZE_MAX (4 * 1024 * 1024)
#define STATIC_DIR_DEPTH_MAX 8 /* folders below the static folder */

struct static_files;

/* Reads every file of a served type under dir.  0, or ERR_IO / ERR_INVALID
 * (too many or too large files) with the reason in e, or ERR_NOMEM.  The
 * caller frees *out with static_files_free. */
int static_files_load(const char *dir, struct static_files **out, struct errors *e);
/* The same from a built-in list (ended by a NULL name), which must outlive
 * the result: its bytes are served where they are, never copied. */
int static_files_load_embedded(const struct embedded_asset *list, struct static_files **out,
    struct errors *e);
void static_files_free(struct static_files *s);
/* "/static/{hash}/{path}" for a file, or NULL when there is no such file.
 * The string lives as long as s. */
const char *static_files_url(const struct static_files *s, const char *path);
/* Answers a request for `rest` (what follows "/static/"): 200 with the
 * bytes, and res->variants pointing at their compressed forms when there
 * are any (app_encode_response picks one), or 404. */
int static_files_serve(const struct static_files *s, struct str rest, struct http_response *res);

#endif
