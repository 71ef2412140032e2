/*
 * pg_site.c - the editable pages of each organisation's site on PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_store.h"

int
pg_page_get(struct store *s, int64_t org_id, const char *key, struct site_page *out)
{
	struct pgq q = { 0 };
	PGresult *r;
	int rc;

	memset(out, 0, sizeof(*out));
	pgq_int(&q, org_id);
	pgq_text(&q, key);
	rc = pgpool_row(&PS(s)->pool, "SELECT title, body, updated_at FROM site_page "
	    "WHERE org_id = $1 AND key = $2", &q, &r);
	if (rc != 0)
		return rc;
	out->org_id = org_id;
	snprintf(out->key, sizeof(out->key), "%s", key);
	pg_text(r, 0, 0, out->title, sizeof(out->title));
	out->body = strdup(PQgetvalue(r, 0, 1));
	out->updated_at = pg_int(r, 0, 2);
	PQclear(r);
	return out->body ? 0 : ERR_NOMEM;
}

struct page_tx {
	struct pg_store *ps;
	const struct actor *who;
	const struct site_page *page;
};

static int
page_put_tx(struct pgconn *c, void *arg)
{
	struct page_tx *j = arg;
	struct buf detail = BUF_INIT;
	struct pgq q = { 0 };
	int rc;

	pgq_int(&q, j->page->org_id);
	pgq_text(&q, j->page->key);
	pgq_text(&q, j->page->title);
	pgq_text(&q, j->page->body ? j->page->body : "");
	pgq_int(&q, pgstore_now());
	rc = pgconn_run(c, "INSERT INTO site_page (org_id, key, title, body, updated_at) "
	    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, key) DO UPDATE SET "
	    "title = excluded.title, body = excluded.body, updated_at = excluded.updated_at", &q, NULL);
	if (rc != 0)
		return rc;
	audit_detail_text(&detail, "title", j->page->title);
	rc = pgstore_audit(j->ps, c, j->who, "page.update", &detail, "page:%lld:%s",
	    (long long)j->page->org_id, j->page->key);
	buf_free(&detail);
	return rc;
}

int
pg_page_put(struct store *s, const struct actor *who, const struct site_page *p)
{
	struct page_tx j = { PS(s), who, p };

	return pgpool_tx(&PS(s)->pool, page_put_tx, &j);
}
