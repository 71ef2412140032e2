/*
 * comments.c - free-text answers as the theme classifier read them (see
 * store_comments.h).
 */
#include <string.h>

#include "involve/store_comments.h"
#include "store_priv.h"

int
store_comments_todo(struct store *s, struct comment_todo *out, int max, int *n)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	*n = 0;
	/* Each survey's newest submitted response, from the index of its
	 * responses by state, against how far the worker has read. */
	st = db_prepare(c, "SELECT s.id, s.comments_through FROM survey s WHERE EXISTS (SELECT 1 "
	    "FROM survey_response r WHERE r.survey_id = s.id AND r.state = 'submitted' AND "
	    "r.id > s.comments_through) ORDER BY s.id LIMIT ?");
	db_bind_int(st, 1, max);
	while ((rc = db_step(st)) == DB_ROW && *n < max) {
		out[*n].survey_id = db_col_int(st, 0);
		out[*n].through = db_col_int(st, 1);
		(*n)++;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

struct write_job {
	int64_t survey_id, from, through;
	const struct survey_comment *list;
	int n;
};

static int
write_fn(struct db_conn *c, void *arg)
{
	struct write_job *j = arg;
	struct db_stmt *st;
	int i, rc;

	/* The survey's row is the lock: the writer of responses takes it too,
	 * and a second worker waits here and then finds it moved on. */
	st = db_prepare(c, "UPDATE survey SET comments_through = ? WHERE id = ? AND "
	    "comments_through = ? RETURNING id");
	db_bind_int(st, 1, j->through);
	db_bind_int(st, 2, j->survey_id);
	db_bind_int(st, 3, j->from);
	if ((rc = db_row(st)) != 0)
		return rc == ERR_NOTFOUND ? ERR_CONFLICT : rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	if (rc != 0)
		return rc;
	for (i = 0; i < j->n; i++) {
		const struct survey_comment *m = &j->list[i];

		st = db_prepare(c, "INSERT INTO survey_comment (survey_id, response_id, question, "
		    "comment, language, themes, sentiment, identifying) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
		    "ON CONFLICT DO NOTHING");
		db_bind_int(st, 1, j->survey_id);
		db_bind_int(st, 2, m->response_id);
		db_bind_text(st, 3, m->question);
		db_bind_text(st, 4, m->comment);
		db_bind_text(st, 5, m->language);
		db_bind_text(st, 6, m->themes);
		db_bind_int(st, 7, m->sentiment);
		db_bind_text(st, 8, m->identifying);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	return 0;
}

int
store_comments_write(struct store *s, int64_t survey_id, int64_t from, int64_t through,
    const struct survey_comment *list, int n)
{
	struct write_job j = { survey_id, from, through, list, n };

	return db_write(s->db, write_fn, &j);
}

int
store_comments_each(struct store *s, int64_t survey_id, store_comment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct survey_comment m;
	struct db_stmt *st;
	int rc, stop = 0;

	st = db_prepare(c, "SELECT response_id, question, comment, language, themes, sentiment, "
	    "identifying, reviewed_by FROM survey_comment WHERE survey_id = ? "
	    "ORDER BY question, response_id");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		m.response_id = db_col_int(st, 0);
		m.question = db_col_text(st, 1);
		m.comment = db_col_text(st, 2);
		m.language = db_col_text(st, 3);
		m.themes = db_col_text(st, 4);
		m.sentiment = (int)db_col_int(st, 5);
		m.identifying = db_col_text(st, 6);
		m.reviewed_by = db_col_int(st, 7);
		if ((stop = fn(arg, &m)) != 0)
			break;
	}
	db_put(s->db, c);
	return stop != 0 ? stop : rc < 0 ? rc : 0;
}

/* A response's comments go (withdrawn, or corrected: then read again). */
int
store_comments_forget(struct db_conn *c, int64_t survey_id, int64_t response_id, bool again)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "DELETE FROM survey_comment WHERE survey_id = ? AND response_id = ?");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, response_id);
	if ((rc = db_exec(st)) != 0 || !again)
		return rc;
	st = db_prepare(c, "UPDATE survey SET comments_through = ? WHERE id = ? AND "
	    "comments_through >= ?");
	db_bind_int(st, 1, response_id - 1);
	db_bind_int(st, 2, survey_id);
	db_bind_int(st, 3, response_id);
	return db_exec(st);
}
