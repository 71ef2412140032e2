/*
 * store.c - opening and closing the store (see store.h): the database
 * behind it and the keys it holds.  The operations live by area in
 * staff.c, polls.c, ballots.c, surveys.c, responses.c, site.c and audit.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "involve/ratelimit.h"
#include "store_priv.h"

int64_t
store_now(void)
{
	return (int64_t)time(NULL);
}

void
store_errors_pass(const struct errors *from, struct errors *to)
{
	int i;

	for (i = 0; to && i < from->n; i++)
		errors_add(to, from->list[i].field, "%s", from->list[i].detail);
}

static int
housekeep_fn(struct db_conn *c, void *arg)
{
	static const char *const sweeps[] = {
		"DELETE FROM throttle WHERE until_at <= ?",
		"DELETE FROM rate_count WHERE window_start <= ?",
		"DELETE FROM session WHERE expires_at <= ?",
		"DELETE FROM idempotency WHERE expires_at <= ?",
	};
	const int64_t *now = arg;
	struct db_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(sweeps) / sizeof(sweeps[0]); i++) {
		st = db_prepare(c, sweeps[i]);
		/* A vote window ends RATELIMIT_WINDOW after it starts. */
		db_bind_int(st, 1, i == 1 ? *now - RATELIMIT_WINDOW : *now);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	/* Unfinished survey responses nobody will finish. */
	if ((rc = store_responses_sweep(c, *now, NULL)) != 0)
		return rc;
	/* Mail: leases that ran out, addresses no longer needed. */
	return store_outbox_sweep(c, *now, NULL);
}

int
store_housekeep(struct store *s, int64_t now)
{
	return db_write(s->db, housekeep_fn, &now);
}

int
store_open(const struct store_config *cfg, struct store **out, struct errors *e)
{
	struct store *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL)
		return ERR_NOMEM;
	memcpy(s->audit_key, cfg->audit_key, sizeof(s->audit_key));
	rc = db_open(cfg->url, cfg->read_connections, &s->db, e);
	if (rc != 0) {
		sodium_memzero(s->audit_key, sizeof(s->audit_key));
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	db_close(s->db);
	sodium_memzero(s->audit_key, sizeof(s->audit_key));
	free(s);
}

int
store_migrate(struct store *s)
{
	return store_migrations_apply(s);
}

int
store_ping(struct store *s)
{
	struct db_conn *c = db_get(s->db);
	int rc = db_row(db_prepare(c, "SELECT count(*) FROM schema_migration"));

	db_put(s->db, c);
	return rc == 0 ? 0 : ERR_IO;
}

int
store_is_durable(struct store *s, bool *out)
{
	return db_is_durable(s->db, out);
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
