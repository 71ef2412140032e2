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

int
coded_pack_loose(struct db_conn *c, int64_t survey_id)
{
	struct coded_pack pack;
	struct db_stmt *st;
	struct str entry;
	int rc;

	st = db_prepare(c, "SELECT uncoded FROM survey WHERE id = ?");
	db_bind_int(st, 1, survey_id);
	if ((rc = db_row(st)) != 0 || db_col_int(st, 0) != 0)
		return rc;
	coded_pack_init(&pack, survey_id);
	st = db_prepare(c, "SELECT response_id, coded FROM survey_coded WHERE survey_id = ? "
	    "ORDER BY response_id");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		entry = db_col_blob(st, 1);
		if (survey_coded_entry_size((const unsigned char *)entry.p, entry.n) != entry.n) {
			rc = ERR_INVALID; /* a pack is read in one piece: keep it whole */
			break;
		}
		rc = coded_pack_add(c, &pack, db_col_int(st, 0), (const unsigned char *)entry.p,
		    entry.n);
		if (rc != 0)
			break;
	}
	if (rc == DB_DONE)
		rc = coded_pack_flush(c, &pack);
	coded_pack_free(&pack);
	if (rc != 0)
		return rc;
	st = db_prepare(c, "DELETE FROM survey_coded WHERE survey_id = ?");
	db_bind_int(st, 1, survey_id);
	if ((rc = db_exec(st)) != 0)
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
