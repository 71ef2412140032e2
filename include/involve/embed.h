/*
 * embed.h - files built into the binary, generated at build time: the
 * migrations by scripts/embed.py, the page templates and static files by
 * scripts/embed_dir.py (see web_assets.h).  Lists end with a NULL name.
 */
#ifndef INVOLVE_EMBED_H
#define INVOLVE_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* "001_init.sql" (migrations: the base name), or the path below
	                   * the folder embedded: "staff/poll.html" */
	const char *data; /* NUL-terminated contents */
	size_t size;
};

/* A static file with the compressed forms made when building.  A form is
 * NULL (and its size 0) when it would not be smaller than data. */
struct embedded_asset {
	const char *name; /* path below the folder: "nhsuk/nhsuk-frontend.min.css" */
	const char *data;
	size_t size;
	const char *gzip;
	size_t gzip_size;
	const char *br; /* brotli */
	size_t br_size;
};

#endif
