/*
 * store.c - picks the store implementation from the database URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/store.h"
#include "involve/store_pg.h"
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
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return store_pg_open(url, cfg, out, e);
	errors_add(e, "database", "unknown kind of database URL: use sqlite:PATH or "
	    "postgresql://USER@HOST:PORT/DATABASE");
	return ERR_INVALID;
}

void
store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

void
store_url_display(const char *url, char *out, size_t size)
{
	const char *scheme = strstr(url, "://"), *at, *colon;

	if (scheme == NULL) {
		snprintf(out, size, "%s", url);
		return;
	}
	/* The userinfo ends at the last '@' before the path. */
	at = NULL;
	for (const char *p = scheme + 3; *p && *p != '/' && *p != '?'; p++)
		if (*p == '@')
			at = p;
	colon = at ? memchr(scheme + 3, ':', (size_t)(at - (scheme + 3))) : NULL;
	if (colon == NULL) {
		snprintf(out, size, "%s", url);
		return;
	}
	snprintf(out, size, "%.*s:***%s", (int)(colon - url), url, at);
}

void
site_page_free(struct site_page *p)
{
	free(p->body);
	p->body = NULL;
}
