/*
 * coded_packs.c - responses' coded fixed answers, many to a row
 * (coded_packs.h).
 */
#include <string.h>

#include "involve/error.h"
#include "involve/survey_coded.h"
#include "coded_packs.h"

void
coded_pack_init(struct coded_pack *p, int64_t survey_id)
{
	memset(p, 0, sizeof(*p));
	p->survey_id = survey_id;
	p->ids = (struct buf)BUF_INIT;
	p->coded = (struct buf)BUF_INIT;
}

void
coded_pack_free(struct coded_pack *p)
{
	buf_free(&p->ids);
	buf_free(&p->coded);
}

static void
add_varint(struct buf *b, uint64_t v)
{
	unsigned char out[10];
	size_t k = 0;

	do {
		out[k++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v > 0);
	buf_add(b, out, k);
}

/* The varint at *p before end into *v, moving *p past it; false for bytes
 * that hold none. */
static bool
read_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; *p < end && shift < 64; shift += 7) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return true;
	}
	return false;
}

int
coded_pack_flush(struct db_conn *c, struct coded_pack *p)
{
	struct db_stmt *st;
	int rc;

	if (p->n == 0)
		return 0;
	if (!buf_ok(&p->ids) || !buf_ok(&p->coded))
		return ERR_NOMEM;
	st = db_prepare(c, "INSERT INTO survey_coded_pack (survey_id, first_id, last_id, n, ids, "
	    "coded) VALUES (?, ?, ?, ?, ?, ?)");
	db_bind_int(st, 1, p->survey_id);
	db_bind_int(st, 2, p->first_id);
	db_bind_int(st, 3, p->last_id);
	db_bind_int(st, 4, p->n);
	db_bind_blob(st, 5, p->ids.p, p->ids.n);
	db_bind_blob(st, 6, p->coded.p, p->coded.n);
	rc = db_exec(st);
	buf_reset(&p->ids);
	buf_reset(&p->coded);
	p->n = 0;
	return rc;
}

int
coded_pack_add(struct db_conn *c, struct coded_pack *p, int64_t id, const unsigned char *entry,
    size_t n)
{
	if (p->n == 0) {
		p->first_id = id;
		add_varint(&p->ids, (uint64_t)id);
	} else {
		add_varint(&p->ids, (uint64_t)(id - p->last_id));
	}
	p->last_id = id;
	buf_add(&p->coded, entry, n);
	if (++p->n == CODED_PACK_SIZE)
		return coded_pack_flush(c, p);
	return buf_ok(&p->ids) && buf_ok(&p->coded) ? 0 : ERR_NOMEM;
}

/* An entry to pack again: its response, and where its bytes are in the
 * merge's buffer. */
struct merge_entry {
	int64_t id;
	size_t at, n;
};

/* What a merge has read: every entry's bytes, the entries, and the first
 * ids of the packs they came from. */
struct merge {
	struct buf bytes;
	struct buf entries; /* struct merge_entry */
	struct buf packs;   /* int64_t */
};

static int
merge_add(struct merge *m, int64_t id, const unsigned char *p, size_t n)
{
	struct merge_entry e = { id, m->bytes.n, n };

	buf_add(&m->bytes, p, n);
	buf_add(&m->entries, &e, sizeof(e));
	return buf_ok(&m->bytes) && buf_ok(&m->entries) ? 0 : ERR_NOMEM;
}

/* A pack's entries into m; ERR_INVALID when its bytes do not read as a
 * pack. */
static int
merge_pack(struct merge *m, struct str ids, struct str coded)
{
	const unsigned char *ip = (const unsigned char *)ids.p, *iend = ip + ids.n;
	const unsigned char *cp = (const unsigned char *)coded.p, *cend = cp + coded.n;
	uint64_t step;
	int64_t id = 0;
	size_t size;
	bool first = true;
	int rc;

	while (ip < iend) {
		if (!read_varint(&ip, iend, &step))
			return ERR_INVALID;
		id = first ? (int64_t)step : id + (int64_t)step;
		first = false;
		if ((size = survey_coded_entry_size(cp, (size_t)(cend - cp))) == 0)
			return ERR_INVALID;
		if ((rc = merge_add(m, id, cp, size)) != 0)
			return rc;
		cp += size;
	}
	return cp == cend ? 0 : ERR_INVALID;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct merge_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Reads the survey's small packs and loose entries into m. */
static int
merge_read(struct db_conn *c, int64_t survey_id, struct merge *m)
{
	struct db_stmt *st;
	struct str entry;
	int64_t first;
	int rc;

	st = db_prepare(c, "SELECT first_id, ids, coded FROM survey_coded_pack "
	    "WHERE survey_id = ? AND n <= ? ORDER BY first_id");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, CODED_PACK_SMALL);
	while ((rc = db_step(st)) == DB_ROW) {
		first = db_col_int(st, 0);
		buf_add(&m->packs, &first, sizeof(first));
		if ((rc = merge_pack(m, db_col_blob(st, 1), db_col_blob(st, 2))) != 0)
			return rc;
	}
	if (rc != DB_DONE)
		return rc;
	st = db_prepare(c, "SELECT response_id, coded FROM survey_coded WHERE survey_id = ?");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		entry = db_col_blob(st, 1);
		if (survey_coded_entry_size((const unsigned char *)entry.p, entry.n) != entry.n)
			return ERR_INVALID; /* a pack is read in one piece: keep it whole */
		if ((rc = merge_add(m, db_col_int(st, 0), (const unsigned char *)entry.p,
		    entry.n)) != 0)
			return rc;
	}
	return rc == DB_DONE && buf_ok(&m->packs) ? 0 : rc < 0 ? rc : ERR_NOMEM;
}

/*
 * What merge_read read goes: every pack by its first id, then the loose
 * rows.  Only this transaction and ones that wait for it write either: a
 * batch's pack and its count are added in one transaction, and the count
 * (the survey's row, which this one has updated) waits for this one.
 */
static int
merge_delete(struct db_conn *c, int64_t survey_id, const struct merge *m)
{
	const int64_t *first = (const int64_t *)m->packs.p;
	size_t i, n = m->packs.n / sizeof(*first);
	struct db_stmt *st;
	int rc;

	for (i = 0; i < n; i++) {
		st = db_prepare(c, "DELETE FROM survey_coded_pack WHERE survey_id = ? AND "
		    "first_id = ?");
		db_bind_int(st, 1, survey_id);
		db_bind_int(st, 2, first[i]);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	st = db_prepare(c, "DELETE FROM survey_coded WHERE survey_id = ?");
	db_bind_int(st, 1, survey_id);
	return db_exec(st);
}

int
coded_pack_loose(struct db_conn *c, int64_t survey_id)
{
	struct merge m = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct merge_entry *e;
	struct coded_pack pack;
	struct db_stmt *st;
	size_t i, n;
	int rc;

	st = db_prepare(c, "SELECT uncoded FROM survey WHERE id = ?");
	db_bind_int(st, 1, survey_id);
	if ((rc = db_row(st)) != 0 || db_col_int(st, 0) != 0)
		return rc;
	coded_pack_init(&pack, survey_id);
	if ((rc = merge_read(c, survey_id, &m)) == 0)
		rc = merge_delete(c, survey_id, &m);
	e = (struct merge_entry *)m.entries.p;
	n = m.entries.n / sizeof(*e);
	if (rc == 0 && n > 0)
		qsort(e, n, sizeof(*e), cmp_entry);
	for (i = 0; i < n && rc == 0; i++)
		rc = coded_pack_add(c, &pack, e[i].id,
		    (const unsigned char *)m.bytes.p + e[i].at, e[i].n);
	if (rc == 0)
		rc = coded_pack_flush(c, &pack);
	coded_pack_free(&pack);
	buf_free(&m.bytes);
	buf_free(&m.entries);
	buf_free(&m.packs);
	if (rc != 0)
		return rc;
	st = db_prepare(c, "UPDATE survey SET coded_loose = 0 WHERE id = ?");
	db_bind_int(st, 1, survey_id);
	return db_exec(st);
}

/* A pack that may hold a response, copied out of its row. */
struct held_pack {
	int64_t first_id;
	struct buf ids, coded;
};

/*
 * Writes pack `from` again without response id's entry (into `to`, then
 * in place of the old row), or deletes it when that was its only one.
 * 1 when the pack does not hold id; ERR_INVALID when its bytes do not
 * read as a pack.
 */
static int
rewrite_without(struct db_conn *c, int64_t survey_id, const struct held_pack *from, int64_t id,
    struct coded_pack *to)
{
	const unsigned char *ip = (const unsigned char *)from->ids.p, *iend = ip + from->ids.n;
	const unsigned char *cp = (const unsigned char *)from->coded.p;
	const unsigned char *cend = cp + from->coded.n;
	struct db_stmt *st;
	uint64_t step;
	int64_t at = 0;
	bool found = false, first = true;
	size_t size;
	int rc;

	coded_pack_init(to, survey_id);
	while (ip < iend) {
		if (!read_varint(&ip, iend, &step) ||
		    (size = survey_coded_entry_size(cp, (size_t)(cend - cp))) == 0)
			return ERR_INVALID;
		at = first ? (int64_t)step : at + (int64_t)step;
		first = false;
		if (at == id) {
			found = true;
		} else {
			add_varint(&to->ids, to->n == 0 ? (uint64_t)at : (uint64_t)(at - to->last_id));
			if (to->n++ == 0)
				to->first_id = at;
			to->last_id = at;
			buf_add(&to->coded, cp, size);
		}
		cp += size;
	}
	if (!found)
		return 1;
	if (!buf_ok(&to->ids) || !buf_ok(&to->coded))
		return ERR_NOMEM;
	st = db_prepare(c, "DELETE FROM survey_coded_pack WHERE survey_id = ? AND first_id = ?");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, from->first_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return coded_pack_flush(c, to);
}

int
coded_forget(struct db_conn *c, int64_t survey_id, int64_t id)
{
	struct held_pack held[4];
	struct coded_pack rest;
	struct db_stmt *st;
	struct str v;
	int i, n = 0, rc;

	st = db_prepare(c, "DELETE FROM survey_coded WHERE survey_id = ? AND response_id = ?");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, id);
	if ((rc = db_exec(st)) != 0 || db_changes(st) > 0)
		return rc;
	/*
	 * Packs made of loose entries may span each other (a corrected
	 * response is loose again with its old id), so more than one may
	 * cover id; a few at most, and only one holds it.  Copied out before
	 * any is written: the statement is still being read.
	 */
	for (;;) {
		st = db_prepare(c, "SELECT first_id, ids, coded FROM survey_coded_pack "
		    "WHERE survey_id = ? AND first_id <= ? AND last_id >= ? AND first_id > ? "
		    "ORDER BY first_id LIMIT 4");
		db_bind_int(st, 1, survey_id);
		db_bind_int(st, 2, id);
		db_bind_int(st, 3, id);
		db_bind_int(st, 4, n > 0 ? held[n - 1].first_id : INT64_MIN);
		for (i = 0; i < n; i++) {
			buf_free(&held[i].ids);
			buf_free(&held[i].coded);
		}
		n = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			held[n].first_id = db_col_int(st, 0);
			held[n].ids = (struct buf)BUF_INIT;
			held[n].coded = (struct buf)BUF_INIT;
			v = db_col_blob(st, 1);
			buf_add(&held[n].ids, v.p, v.n);
			v = db_col_blob(st, 2);
			buf_add(&held[n].coded, v.p, v.n);
			n++;
		}
		if (rc != DB_DONE)
			break;
		for (i = 0, rc = 1; i < n && rc == 1; i++) {
			rc = rewrite_without(c, survey_id, &held[i], id, &rest);
			coded_pack_free(&rest);
		}
		if (rc != 1 || n < 4)
			break;
	}
	for (i = 0; i < n; i++) {
		buf_free(&held[i].ids);
		buf_free(&held[i].coded);
	}
	return rc == 1 || rc == DB_DONE ? 0 : rc;
}
