/*
 * polls.c - polls (see store.h; ballots are in ballots.c).
 *
 * A poll is read with its options and their counts in one statement, so
 * everything comes from one snapshot: the counts a reader sees add up.
 *
 * Every change locks the poll's row first (SELECT ... FOR UPDATE, the row
 * the ballot writer locks too), then asks the domain whether the change is
 * allowed in the poll's state as it is now (poll_check_edit and the like),
 * then writes.  So a change and a batch of ballots, on any server, happen
 * one after the other: a ballot is never counted after the poll closed, and
 * a poll is never edited once it has opened.
 */
#include <stdio.h>
#include <string.h>

#include "involve/text.h"
#include "store_priv.h"

/* ---- reading ------------------------------------------------------------------ */

#define POLL_COLUMNS "p.id, p.org_id, p.question, p.multiple, p.show_results, p.opens_at, " \
	"p.closes_at, p.closed_at, p.created_at, p.ballots, p.who_can_answer, o.id, o.label, o.votes"
enum { COL_OPTION_ID = 11 };

/* Options are read into a growing array: a poll has as many as it has. */
static int
add_option(struct arena *a, struct poll *p, int *cap, struct db_stmt *st)
{
	struct poll_option *grown;

	if (p->option_n == *cap) {
		*cap = *cap ? 2 * *cap : 4;
		grown = arena_array(a, (size_t)*cap, sizeof(*grown));
		if (grown == NULL)
			return ERR_NOMEM;
		if (p->option_n)
			memcpy(grown, p->options, (size_t)p->option_n * sizeof(*grown));
		p->options = grown;
	}
	p->options[p->option_n].id = db_col_int(st, COL_OPTION_ID);
	p->options[p->option_n].label = arena_str(a, db_col_text(st, COL_OPTION_ID + 1));
	p->options[p->option_n].votes = db_col_int(st, COL_OPTION_ID + 2);
	if (p->options[p->option_n].label.p == NULL)
		return ERR_NOMEM;
	p->option_n++;
	return 0;
}

/* A new poll in a from the poll columns of the current row. */
static struct poll *
poll_from_row(struct arena *a, struct db_stmt *st)
{
	struct poll *p = arena_zalloc(a, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->id = db_col_int(st, 0);
	p->org_id = db_col_int(st, 1);
	p->question = arena_str(a, db_col_text(st, 2));
	p->multiple = db_col_int(st, 3) != 0;
	if (poll_results_parse(db_col_text(st, 4), &p->show_results) != 0)
		p->show_results = POLL_RESULTS_AFTER_CLOSE; /* the stricter one */
	p->opens_at = db_col_int(st, 5);
	p->closes_at = db_col_int(st, 6);
	p->closed_at = db_col_int(st, 7);
	p->created_at = db_col_int(st, 8);
	p->ballots = db_col_int(st, 9);
	if (poll_who_parse(db_col_text(st, 10), &p->who) != 0)
		p->who = POLL_WHO_CODE; /* unknown: the stricter one */
	return p->question.p ? p : NULL;
}

/*
 * Reads the rows of st (polls with their options, a poll's rows together)
 * into a, calling fn for each poll once its options are read.
 */
static int
read_polls(struct arena *a, struct db_stmt *st, store_poll_fn fn, void *arg)
{
	struct poll *p = NULL;
	int rc, cap = 0;

	while ((rc = db_step(st)) == DB_ROW) {
		if (p == NULL || p->id != db_col_int(st, 0)) {
			if (p != NULL && (rc = fn(arg, p)) != 0)
				return rc;
			if ((p = poll_from_row(a, st)) == NULL)
				return ERR_NOMEM;
			cap = 0;
		}
		if (!db_col_null(st, COL_OPTION_ID) && (rc = add_option(a, p, &cap, st)) != 0)
			return rc;
	}
	if (rc != DB_DONE)
		return rc;
	return p != NULL ? fn(arg, p) : 0;
}

static int
keep_poll(void *arg, const struct poll *p)
{
	*(const struct poll **)arg = p;
	return 0;
}

int
store_poll_get(struct store *s, struct arena *a, int64_t id, struct poll **out)
{
	struct db_conn *c = db_get(s->db);
	const struct poll *p = NULL;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " POLL_COLUMNS " FROM poll p "
	    "LEFT JOIN poll_option o ON o.poll_id = p.id WHERE p.id = ? ORDER BY o.position");
	db_bind_int(st, 1, id);
	rc = read_polls(a, st, keep_poll, &p);
	db_put(s->db, c);
	if (rc == 0 && p == NULL)
		rc = ERR_NOTFOUND;
	if (rc == 0)
		*out = (struct poll *)p;
	return rc;
}

int
store_poll_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id, int limit,
    store_poll_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " POLL_COLUMNS " FROM poll p "
	    "LEFT JOIN poll_option o ON o.poll_id = p.id WHERE p.id IN "
	    "(SELECT id FROM poll WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?) "
	    "ORDER BY p.id DESC, o.position");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, 3, limit < STORE_LIST_MAX ? limit : STORE_LIST_MAX);
	rc = read_polls(a, st, fn, arg);
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/* ---- changing ------------------------------------------------------------------- */

struct transition;

struct poll_change {
	struct store *s;
	const struct actor *who;
	struct poll *poll;         /* create: ids are set on it */
	const struct poll *edited; /* update */
	const struct transition *transition; /* open, close */
	int64_t id;
	int64_t now;
	struct errors e;           /* the domain's reason for a refusal */
};

static int
insert_options(struct db_conn *c, int64_t poll_id, const struct poll *p, struct poll *ids)
{
	struct db_stmt *st;
	int i, rc;

	for (i = 0; i < p->option_n; i++) {
		st = db_prepare(c, "INSERT INTO poll_option (poll_id, position, label) "
		    "VALUES (?, ?, ?) RETURNING id");
		db_bind_int(st, 1, poll_id);
		db_bind_int(st, 2, i);
		db_bind_text(st, 3, p->options[i].label);
		if ((rc = db_row(st)) != 0)
			return rc;
		if (ids)
			ids->options[i].id = db_col_int(st, 0);
	}
	return 0;
}

static int
poll_create_fn(struct db_conn *c, void *arg)
{
	struct poll_change *j = arg;
	struct poll *p = j->poll;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	p->created_at = store_now();
	st = db_prepare(c, "INSERT INTO poll (org_id, question, multiple, show_results, opens_at, "
	    "closes_at, closed_at, created_at, who_can_answer) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) "
	    "RETURNING id");
	db_bind_int(st, 1, p->org_id);
	db_bind_text(st, 2, p->question);
	db_bind_int(st, 3, p->multiple);
	db_bind_text(st, 4, str_c(poll_results_name(p->show_results)));
	db_bind_int(st, 5, p->opens_at);
	db_bind_int(st, 6, p->closes_at);
	db_bind_int(st, 7, p->created_at);
	db_bind_text(st, 8, str_c(poll_who_name(p->who)));
	if ((rc = db_row(st)) != 0)
		return rc;
	p->id = db_col_int(st, 0);
	if ((rc = insert_options(c, p->id, p, p)) != 0)
		return rc;
	poll_audit_detail(&detail, p);
	rc = store_audit_append(j->s, c, j->who, "poll.create", &detail, "poll:%lld",
	    (long long)p->id);
	buf_free(&detail);
	return rc;
}

int
store_poll_create(struct store *s, const struct actor *who, struct poll *p)
{
	struct poll_change j = { .s = s, .who = who, .poll = p };

	return db_write(s->db, poll_create_fn, &j);
}

/*
 * Locks poll id of organisation org_id for a change and reads what the
 * domain's state rules look at into *out (no text, no options).
 * ERR_NOTFOUND when missing or another organisation's.
 */
static int
lock_poll(struct db_conn *c, int64_t id, int64_t org_id, struct poll *out)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT opens_at, closes_at, closed_at, show_results, multiple, "
	    "who_can_answer FROM poll WHERE id = ? AND org_id = ? FOR UPDATE");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->org_id = org_id;
	out->opens_at = db_col_int(st, 0);
	out->closes_at = db_col_int(st, 1);
	out->closed_at = db_col_int(st, 2);
	if (poll_results_parse(db_col_text(st, 3), &out->show_results) != 0)
		out->show_results = POLL_RESULTS_AFTER_CLOSE;
	out->multiple = db_col_int(st, 4) != 0;
	if (poll_who_parse(db_col_text(st, 5), &out->who) != 0)
		out->who = POLL_WHO_CODE;
	return 0;
}

static int
poll_update_fn(struct db_conn *c, void *arg)
{
	struct poll_change *j = arg;
	const struct poll *p = j->edited;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	struct poll now;
	int rc;

	errors_init(&j->e);
	if ((rc = lock_poll(c, p->id, p->org_id, &now)) != 0)
		return rc;
	if ((rc = poll_check_edit(&now, j->now, &j->e)) != 0)
		return rc;
	st = db_prepare(c, "UPDATE poll SET question = ?, multiple = ?, show_results = ?, "
	    "opens_at = ?, closes_at = ?, who_can_answer = ? WHERE id = ?");
	db_bind_text(st, 1, p->question);
	db_bind_int(st, 2, p->multiple);
	db_bind_text(st, 3, str_c(poll_results_name(p->show_results)));
	db_bind_int(st, 4, p->opens_at);
	db_bind_int(st, 5, p->closes_at);
	db_bind_text(st, 6, str_c(poll_who_name(p->who)));
	db_bind_int(st, 7, p->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	/* The options are replaced: a poll that has not opened has no ballots
	 * that could point at them. */
	st = db_prepare(c, "DELETE FROM poll_option WHERE poll_id = ?");
	db_bind_int(st, 1, p->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if ((rc = insert_options(c, p->id, p, NULL)) != 0)
		return rc;
	poll_audit_detail(&detail, p);
	rc = store_audit_append(j->s, c, j->who, "poll.update", &detail, "poll:%lld",
	    (long long)p->id);
	buf_free(&detail);
	return rc;
}

int
store_poll_update(struct store *s, const struct actor *who, const struct poll *p, int64_t now,
    struct errors *e)
{
	struct poll_change j = { .s = s, .who = who, .edited = p, .now = now };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, poll_update_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

/* A change of state: the domain's check, the column it sets to now, and
 * what the audit log calls it. */
struct transition {
	int (*check)(const struct poll *p, int64_t now, struct errors *e);
	const char *sql; /* "UPDATE poll SET <column> = ? WHERE id = ?" */
	const char *action;
};

static const struct transition opening = { poll_check_open,
	"UPDATE poll SET opens_at = ? WHERE id = ?", "poll.open" };
static const struct transition closing = { poll_check_close,
	"UPDATE poll SET closed_at = ? WHERE id = ?", "poll.close" };

static int
poll_transition_fn(struct db_conn *c, void *arg)
{
	struct poll_change *j = arg;
	struct db_stmt *st;
	struct poll now;
	int rc;

	errors_init(&j->e);
	if ((rc = lock_poll(c, j->id, j->who->org_id, &now)) != 0)
		return rc;
	if ((rc = j->transition->check(&now, j->now, &j->e)) != 0)
		return rc;
	st = db_prepare(c, j->transition->sql);
	db_bind_int(st, 1, j->now);
	db_bind_int(st, 2, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, j->transition->action, NULL, "poll:%lld",
	    (long long)j->id);
}

static int
poll_transition(struct store *s, const struct actor *who, int64_t poll_id, int64_t now,
    const struct transition *t, struct errors *e)
{
	struct poll_change j = { .s = s, .who = who, .id = poll_id, .now = now, .transition = t };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, poll_transition_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

int
store_poll_open(struct store *s, const struct actor *who, int64_t poll_id, int64_t now,
    struct errors *e)
{
	return poll_transition(s, who, poll_id, now, &opening, e);
}

int
store_poll_close(struct store *s, const struct actor *who, int64_t poll_id, int64_t now,
    struct errors *e)
{
	return poll_transition(s, who, poll_id, now, &closing, e);
}

static int
poll_delete_fn(struct db_conn *c, void *arg)
{
	struct poll_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	char question[POLL_QUESTION_MAX_CHARS * 4 + 1];
	int rc;

	st = db_prepare(c, "SELECT question FROM poll WHERE id = ? AND org_id = ? FOR UPDATE");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, j->who->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	text_copy(question, sizeof(question), db_col_text(st, 0));
	/* Foreign keys cascade to options and ballots. */
	st = db_prepare(c, "DELETE FROM poll WHERE id = ?");
	db_bind_int(st, 1, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	audit_detail_text(&detail, "question", question);
	rc = store_audit_append(j->s, c, j->who, "poll.delete", &detail, "poll:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
store_poll_delete(struct store *s, const struct actor *who, int64_t poll_id)
{
	struct poll_change j = { .s = s, .who = who, .id = poll_id };

	return db_write(s->db, poll_delete_fn, &j);
}
