/*
 * sqlite_site.c - the editable pages of each organisation's site on SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_store.h"

/* ---- site pages --------------------------------------------------------- */

int
sq_page_get(struct store *s, int64_t org_id, const char *key, struct site_page *out)
{
	struct sqlconn *c = sqlpool_get(&SS(s)->readers);
	sqlite3_stmt *st = sqlconn_stmt(c, "SELECT title, body, updated_at FROM site_page "
	    "WHERE org_id = ? AND key = ?");
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->org_id = org_id;
		snprintf(out->key, sizeof(out->key), "%s", key);
		sqlstore_col_text(st, 0, out->title, sizeof(out->title));
		out->body = strdup((const char *)sqlite3_column_text(st, 1));
		out->updated_at = sqlite3_column_int64(st, 2);
		rc = out->body ? 0 : ERR_NOMEM;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sqlconn_error(rc);
	}
	sqlite3_reset(st);
out:
	sqlpool_put(&SS(s)->readers, c);
	return rc;
}

struct page_job {
	struct sqlite_store *ss;
	const struct actor *who;
	const struct site_page *page;
};

static int
page_put_job(struct sqlconn *c, void *arg)
{
	struct page_job *j = arg;
	struct buf detail = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	st = sqlconn_stmt(c, "INSERT INTO site_page (org_id, key, title, body, updated_at) "
	    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, key) DO UPDATE SET "
	    "title = excluded.title, body = excluded.body, updated_at = excluded.updated_at");
	if (st == NULL)
		return ERR_IO;
	sqlite3_bind_int64(st, 1, j->page->org_id);
	sqlite3_bind_text(st, 2, j->page->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, j->page->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, j->page->body ? j->page->body : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, sqlstore_now());
	if ((rc = sqlstore_step_done(st)) != 0)
		return rc;
	audit_detail_text(&detail, "title", j->page->title);
	rc = sqlstore_audit(j->ss, c, j->who, "page.update", &detail, "page:%lld:%s",
	    (long long)j->page->org_id, j->page->key);
	buf_free(&detail);
	return rc;
}

int
sq_page_put(struct store *s, const struct actor *who, const struct site_page *p)
{
	struct page_job j = { SS(s), who, p };

	return sqlwriter_run(&SS(s)->writer, page_put_job, &j);
}

