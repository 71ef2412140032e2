/*
 * store.c - picks the store implementation from the database URL.
 */
#include <stdlib.h>
#include <string.h>

#include "involve/store.h"
#include "involve/store_sqlite.h"

int
store_open(const struct store_config *cfg, struct store **out, struct errors *e)
{
	const char *url = cfg->url;

	if (strncmp(url, "sqlite:", 7) == 0) {
		if (url[7] == '\0') {
			errors_add(e, "database", "the database URL sqlite: needs a file path");
			return ERR_INVALID;
		}
		return store_sqlite_open(url + 7, cfg, out, e);
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		errors_add(e, "database", "PostgreSQL is not supported by this build yet; use sqlite:PATH");
		return ERR_INVALID;
	}
	errors_add(e, "database", "unknown database URL \"%s\": use sqlite:PATH", url);
	return ERR_INVALID;
}

void
store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

void
site_page_free(struct site_page *p)
{
	free(p->body);
	p->body = NULL;
}
