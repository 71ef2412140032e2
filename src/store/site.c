/*
 * site.c - the editable pages of each organisation's site (see store.h).
 */
#include "store_priv.h"

int
store_page_get(struct store *s, struct arena *a, int64_t org_id, struct str key,
    struct site_page *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT title, body, updated_at FROM site_page "
	    "WHERE org_id = ? AND key = ?");
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, key);
	if ((rc = db_row(st)) == 0) {
		out->org_id = org_id;
		out->key = arena_str(a, key);
		out->title = arena_str(a, db_col_text(st, 0));
		out->body = arena_str(a, db_col_text(st, 1));
		out->updated_at = db_col_int(st, 2);
		if (out->key.p == NULL || out->title.p == NULL || out->body.p == NULL)
			rc = ERR_NOMEM;
	}
	db_put(s->db, c);
	return rc;
}

struct page_change {
	struct store *s;
	const struct actor *who;
	const struct site_page *page;
};

static int
page_put_fn(struct db_conn *c, void *arg)
{
	struct page_change *j = arg;
	const struct site_page *p = j->page;
	struct buf detail = BUF_INIT, title = BUF_INIT;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "INSERT INTO site_page (org_id, key, title, body, updated_at) "
	    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, key) DO UPDATE SET "
	    "title = excluded.title, body = excluded.body, updated_at = excluded.updated_at");
	db_bind_int(st, 1, p->org_id);
	db_bind_text(st, 2, p->key);
	db_bind_text(st, 3, p->title);
	db_bind_text(st, 4, p->body);
	db_bind_int(st, 5, store_now());
	if ((rc = db_exec(st)) != 0)
		return rc;
	buf_add_str(&title, p->title);
	audit_detail_text(&detail, "title", buf_cstr(&title) ? buf_cstr(&title) : "");
	rc = store_audit_append(j->s, c, j->who, "page.update", &detail, "page:%lld:%.*s",
	    (long long)p->org_id, (int)p->key.n, p->key.p);
	buf_free(&title);
	buf_free(&detail);
	return rc;
}

int
store_page_put(struct store *s, const struct actor *who, const struct site_page *p)
{
	struct page_change j = { s, who, p };

	return db_write(s->db, page_put_fn, &j);
}
