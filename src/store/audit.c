/*
 * audit.c - the audit log's store: appending an entry to the hash chain
 * inside a staff change's own transaction, and reading the chain back (the
 * chain's rules and hashing are the domain's: audit.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "involve/text.h"
#include "store_priv.h"

int
store_audit_append(struct store *s, struct db_conn *c, const struct actor *who,
    const char *action, const struct buf *detail, const char *target_fmt, ...)
{
	struct audit_entry e;
	unsigned char prev[AUDIT_HASH_BYTES] = { 0 };
	struct db_stmt *st;
	struct str hash;
	va_list ap;
	int rc;

	memset(&e, 0, sizeof(e));
	if ((rc = db_lock(c, STORE_AUDIT_LOCK)) != 0)
		return rc;
	st = db_prepare(c, "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
	rc = db_row(st);
	if (rc == 0) {
		e.seq = db_col_int(st, 0) + 1;
		hash = db_col_blob(st, 1);
		if (hash.n == AUDIT_HASH_BYTES)
			memcpy(prev, hash.p, AUDIT_HASH_BYTES);
	} else if (rc == ERR_NOTFOUND) {
		e.seq = 1;
	} else {
		return rc;
	}
	e.at = store_now();
	e.org_id = who ? who->org_id : 0;
	e.user_id = who ? who->user_id : 0;
	snprintf(e.actor, sizeof(e.actor), "%s", who && who->name ? who->name : "system");
	snprintf(e.action, sizeof(e.action), "%s", action);
	va_start(ap, target_fmt);
	vsnprintf(e.target, sizeof(e.target), target_fmt, ap);
	va_end(ap);
	if (detail && detail->n > 0 && buf_ok(detail))
		text_copy(e.detail, sizeof(e.detail), (struct str){ detail->p, detail->n });
	else
		snprintf(e.detail, sizeof(e.detail), "{}");
	audit_entry_seal(s->audit_key, &e, prev);

	st = db_prepare(c, "INSERT INTO audit_entry (seq, at, org_id, user_id, actor, action, "
	    "target, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	db_bind_int(st, 1, e.seq);
	db_bind_int(st, 2, e.at);
	db_bind_int(st, 3, e.org_id);
	db_bind_int(st, 4, e.user_id);
	db_bind_text(st, 5, str_c(e.actor));
	db_bind_text(st, 6, str_c(e.action));
	db_bind_text(st, 7, str_c(e.target));
	db_bind_text(st, 8, str_c(e.detail));
	db_bind_blob(st, 9, e.prev, AUDIT_HASH_BYTES);
	db_bind_blob(st, 10, e.hash, AUDIT_HASH_BYTES);
	rc = db_exec(st);
	/* A taken seq would mean the chain forked: a failure, not a refusal. */
	return rc == ERR_DUPLICATE ? ERR_IO : rc;
}

static void
copy_hash(unsigned char out[AUDIT_HASH_BYTES], struct str v)
{
	if (v.n == AUDIT_HASH_BYTES)
		memcpy(out, v.p, AUDIT_HASH_BYTES);
}

int
store_audit_each(struct store *s, store_audit_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct audit_entry e;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT seq, at, org_id, user_id, actor, action, target, detail, "
	    "prev, hash FROM audit_entry ORDER BY seq");
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&e, 0, sizeof(e));
		e.seq = db_col_int(st, 0);
		e.at = db_col_int(st, 1);
		e.org_id = db_col_int(st, 2);
		e.user_id = db_col_int(st, 3);
		text_copy(e.actor, sizeof(e.actor), db_col_text(st, 4));
		text_copy(e.action, sizeof(e.action), db_col_text(st, 5));
		text_copy(e.target, sizeof(e.target), db_col_text(st, 6));
		text_copy(e.detail, sizeof(e.detail), db_col_text(st, 7));
		copy_hash(e.prev, db_col_blob(st, 8));
		copy_hash(e.hash, db_col_blob(st, 9));
		if ((rc = fn(arg, &e)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}
