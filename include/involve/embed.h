/*
 * embed.h - files built into the binary (migrations), generated at build
 * time by scripts/embed.py.  Lists end with a NULL name.
 */
#ifndef INVOLVE_EMBED_H
#define INVOLVE_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* base name, e.g. "001_init.sql" */
	const char *data; /* NUL-terminated contents */
	size_t size;
};

#endif
