/*
 * static_files.h - CSS, scripts and images served from memory.
 *
 * Every file under the static directory is read once at start-up and
 * given a content hash.  Pages link to /static/{hash}/{path}: when the hash
 * is the file's own, the reply may be cached for a year (a new build gives
 * a new URL).  Relative references inside CSS resolve under the same
 * prefix and are served with a shorter lifetime.
 */
#ifndef INVOLVE_STATIC_FILES_H
#define INVOLVE_STATIC_FILES_H

#include "involve/error.h"
#include "involve/http.h"

#define STATIC_FILES_MAX 512
#define STATIC_FILE_SIZE_MAX (4 * 1024 * 1024)

struct static_files;

int static_files_load(const char *dir, struct static_files **out, struct errors *e);
void static_files_free(struct static_files *s);
/* "/static/{hash}/{path}" for a file, or NULL when there is no such file.
 * The string lives as long as s. */
const char *static_files_url(const struct static_files *s, const char *path);
/* Answers a request for `rest` (what follows "/static/"): 200 with the
 * bytes, or 404. */
int static_files_serve(const struct static_files *s, struct str rest, struct http_response *res);

#endif
