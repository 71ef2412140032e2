/*
 * comments.c - free-text answers as the theme classifier read them (see
 * store_comments.h).
 */
#include <string.h>

#include "comments.h"

int
store_comments_unread(struct store *s, struct comment_unread *out, int max, int *n)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	*n = 0;
	/* Each survey's newest submitted response, from the index of its
	 * responses by state, against how far the worker has read. */
	st = db_prepare(c, "SELECT s.id, s.comments_through, (SELECT max(r.id) FROM "
	    "survey_response r WHERE r.survey_id = s.id AND r.state = 'submitted') AS newest "
	    "FROM survey s WHERE EXISTS (SELECT 1 FROM survey_response r WHERE r.survey_id = s.id "
	    "AND r.state = 'submitted' AND r.id > s.comments_through) ORDER BY s.id LIMIT ?");
	db_bind_int(st, 1, max);
	while ((rc = db_step(st)) == DB_ROW && *n < max) {
		out[*n].survey_id = db_col_int(st, 0);
		out[*n].through = db_col_int(st, 1);
		out[*n].newest = db_col_int(st, 2);
		(*n)++;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

struct settled_job {
	int64_t survey_id;
	int64_t newest;
};

static int
settled_fn(struct db_conn *c, void *arg)
{
	struct settled_job *j = arg;
	struct db_stmt *st;
	int rc;

	/* Waits for the batches of responses that hold the row shared (and
	 * an import, which holds it outright); SQLite's one writer runs this
	 * between them. */
	st = db_prepare(c, "SELECT id FROM survey WHERE id = ? FOR UPDATE");
	db_bind_int(st, 1, j->survey_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	if (rc != 0)
		return rc;
	st = db_prepare(c, "SELECT COALESCE(max(id), 0) FROM survey_response "
	    "WHERE survey_id = ? AND state = 'submitted'");
	db_bind_int(st, 1, j->survey_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->newest = db_col_int(st, 0);
	return 0;
}

int
store_comments_settled(struct store *s, int64_t survey_id, int64_t *newest)
{
	struct settled_job j = { survey_id, 0 };
	int rc = db_write(s->db, settled_fn, &j);

	*newest = rc == 0 ? j.newest : 0;
	return rc;
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
	if (db_conn_engine(c) == DB_POSTGRESQL)
		return comments_insert_pg(c, j->survey_id, j->list, j->n);
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

#define COMMENT_COLUMNS "response_id, question, comment, language, themes, sentiment, " \
    "identifying, reviewed_by"

static void
comment_from_row(struct db_stmt *st, int first, struct survey_comment *m)
{
	m->response_id = db_col_int(st, first);
	m->question = db_col_text(st, first + 1);
	m->comment = db_col_text(st, first + 2);
	m->language = db_col_text(st, first + 3);
	m->themes = db_col_text(st, first + 4);
	m->sentiment = (int)db_col_int(st, first + 5);
	m->identifying = db_col_text(st, first + 6);
	m->reviewed_by = db_col_int(st, first + 7);
}

/* Streams st's rows (the comment's columns from `first`) to fn. */
static int
walk(struct store *s, struct db_conn *c, struct db_stmt *st, store_comment_fn fn, void *arg)
{
	struct survey_comment m;
	int rc, stop = 0;

	while ((rc = db_step(st)) == DB_ROW) {
		comment_from_row(st, 0, &m);
		if ((stop = fn(arg, &m)) != 0)
			break;
	}
	db_put(s->db, c);
	return stop != 0 ? stop : rc < 0 ? rc : 0;
}

int
store_comments_each(struct store *s, int64_t survey_id, store_comment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;

	st = db_prepare(c, "SELECT " COMMENT_COLUMNS " FROM survey_comment WHERE survey_id = ? "
	    "ORDER BY question, response_id");
	db_bind_int(st, 1, survey_id);
	return walk(s, c, st, fn, arg);
}

int
store_comments_list(struct store *s, int64_t survey_id, struct str question, int64_t after_id,
    int limit, store_comment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;

	if (limit <= 0 || limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	st = db_prepare(c, "SELECT " COMMENT_COLUMNS " FROM survey_comment WHERE survey_id = ? "
	    "AND question = ? AND response_id > ? ORDER BY response_id LIMIT ?");
	db_bind_int(st, 1, survey_id);
	db_bind_text(st, 2, question);
	db_bind_int(st, 3, after_id);
	db_bind_int(st, 4, limit);
	return walk(s, c, st, fn, arg);
}

int
store_comments_each_of_org(struct store *s, int64_t org_id, bool reviewed_only,
    store_org_comment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct survey_comment m;
	struct db_stmt *st;
	int rc, stop = 0;

	st = db_prepare(c, "SELECT k.survey_id, k.response_id, k.question, k.comment, k.language, "
	    "k.themes, k.sentiment, k.identifying, k.reviewed_by FROM survey_comment k JOIN survey "
	    "s ON s.id = k.survey_id WHERE s.org_id = ? AND (? = 0 OR k.reviewed_by <> 0) "
	    "ORDER BY k.survey_id, k.question, k.response_id");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, reviewed_only ? 1 : 0);
	while ((rc = db_step(st)) == DB_ROW) {
		comment_from_row(st, 1, &m);
		if ((stop = fn(arg, db_col_int(st, 0), &m)) != 0)
			break;
	}
	db_put(s->db, c);
	return stop != 0 ? stop : rc < 0 ? rc : 0;
}

int
store_comment_get(struct store *s, struct arena *a, int64_t survey_id, int64_t response_id,
    struct str question, struct survey_comment *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " COMMENT_COLUMNS " FROM survey_comment WHERE survey_id = ? "
	    "AND response_id = ? AND question = ?");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, response_id);
	db_bind_text(st, 3, question);
	if ((rc = db_row(st)) == 0) {
		comment_from_row(st, 0, out);
		out->question = arena_str(a, out->question);
		out->comment = arena_str(a, out->comment);
		out->language = arena_str(a, out->language);
		out->themes = arena_str(a, out->themes);
		out->identifying = arena_str(a, out->identifying);
		if (!out->question.p || !out->comment.p || !out->language.p || !out->themes.p ||
		    !out->identifying.p)
			rc = ERR_NOMEM;
	}
	db_put(s->db, c);
	return rc;
}

struct review_job {
	struct store *s;
	const struct actor *who;
	int64_t survey_id, response_id;
	struct str question, themes;
	int sentiment;
};

static int
review_fn(struct db_conn *c, void *arg)
{
	struct review_job *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	/* The comment, in a survey of the reviewer's organisation. */
	st = db_prepare(c, "SELECT k.themes, k.sentiment FROM survey_comment k JOIN survey s ON "
	    "s.id = k.survey_id WHERE k.survey_id = ? AND k.response_id = ? AND k.question = ? "
	    "AND s.org_id = ?");
	db_bind_int(st, 1, j->survey_id);
	db_bind_int(st, 2, j->response_id);
	db_bind_text(st, 3, j->question);
	db_bind_int(st, 4, j->who->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	buf_add_c(&detail, "{\"old\":{\"themes\":");
	buf_add_str(&detail, db_col_text(st, 0));
	buf_printf(&detail, ",\"sentiment\":%lld},\"new\":{\"themes\":",
	    (long long)db_col_int(st, 1));
	buf_add_str(&detail, j->themes);
	buf_printf(&detail, ",\"sentiment\":%d}}", j->sentiment);
	while ((rc = db_step(st)) == DB_ROW)
		;
	if (rc != 0)
		goto out;
	st = db_prepare(c, "UPDATE survey_comment SET themes = ?, sentiment = ?, reviewed_by = ? "
	    "WHERE survey_id = ? AND response_id = ? AND question = ?");
	db_bind_text(st, 1, j->themes);
	db_bind_int(st, 2, j->sentiment);
	db_bind_int(st, 3, j->who->user_id);
	db_bind_int(st, 4, j->survey_id);
	db_bind_int(st, 5, j->response_id);
	db_bind_text(st, 6, j->question);
	if ((rc = db_exec(st)) != 0)
		goto out;
	rc = buf_ok(&detail) ? store_audit_append(j->s, c, j->who, "comment.review", &detail,
	    "response:%lld", (long long)j->response_id) : ERR_NOMEM;
out:
	buf_free(&detail);
	return rc;
}

int
store_comment_review(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t response_id, struct str question, struct str themes, int sentiment)
{
	struct review_job j = { s, who, survey_id, response_id, question, themes, sentiment };

	/* A review is a person's: reviewed_by 0 is the model's alone. */
	if (who->user_id == 0 || sentiment < 1 || sentiment > 5)
		return ERR_INVALID;
	return db_write(s->db, review_fn, &j);
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
