/*
 * outcomes.c - "You said, we did" outcomes and who asked to hear back
 * (store_outcome.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/audit.h"
#include "involve/consultation.h"
#include "involve/store_outbox.h"
#include "involve/store_outcome.h"
#include "store_priv.h"

#define OUTCOME_COLUMNS "id, org_id, title, you_said, decision, what_changed, decided_by, " \
	"decided_on, published_at, created_at, updated_at"

static int
outcome_from_row(struct db_stmt *st, struct arena *a, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int(st, 0);
	o->org_id = db_col_int(st, 1);
	o->title = arena_str(a, db_col_text(st, 2));
	o->you_said = arena_str(a, db_col_text(st, 3));
	o->decision = arena_str(a, db_col_text(st, 4));
	o->what_changed = arena_str(a, db_col_text(st, 5));
	o->decided_by = arena_str(a, db_col_text(st, 6));
	o->decided_on = arena_str(a, db_col_text(st, 7));
	o->published_at = db_col_int(st, 8);
	o->created_at = db_col_int(st, 9);
	o->updated_at = db_col_int(st, 10);
	if (o->title.p == NULL || o->you_said.p == NULL || o->decision.p == NULL ||
	    o->what_changed.p == NULL || o->decided_by.p == NULL || o->decided_on.p == NULL)
		return ERR_NOMEM;
	return 0;
}

/* Reads o's links, each with its engagement's title. */
static int
read_links(struct db_conn *c, struct arena *a, struct outcome *o)
{
	struct db_stmt *st;
	int rc, n = 0;

	o->links = arena_array(a, OUTCOME_LINKS_MAX, sizeof(*o->links));
	if (o->links == NULL)
		return ERR_NOMEM;
	st = db_prepare(c, "SELECT l.kind, l.ref_id, l.question, "
	    "COALESCE(s.title, p.question, '') FROM outcome_link l "
	    "LEFT JOIN survey s ON l.kind = 'survey' AND s.id = l.ref_id "
	    "LEFT JOIN poll p ON l.kind = 'poll' AND p.id = l.ref_id "
	    "WHERE l.outcome_id = ? ORDER BY l.kind, l.ref_id, l.question");
	db_bind_int(st, 1, o->id);
	while ((rc = db_step(st)) == DB_ROW && n < OUTCOME_LINKS_MAX) {
		struct outcome_link *l = &o->links[n++];

		if (outcome_link_kind_parse(db_col_text(st, 0), &l->kind) != 0)
			l->kind = OUTCOME_LINK_SURVEY;
		l->id = db_col_int(st, 1);
		l->question = arena_str(a, db_col_text(st, 2));
		l->title = arena_str(a, db_col_text(st, 3));
		if (l->question.p == NULL || l->title.p == NULL)
			return ERR_NOMEM;
	}
	o->link_n = n;
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

int
store_outcome_get(struct store *s, struct arena *a, int64_t id, struct outcome **out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	if ((*out = arena_zalloc(a, sizeof(**out))) == NULL) {
		db_put(s->db, c);
		return ERR_NOMEM;
	}
	st = db_prepare(c, "SELECT " OUTCOME_COLUMNS " FROM outcome WHERE id = ?");
	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) == 0)
		rc = outcome_from_row(st, a, *out);
	if (rc == 0)
		rc = read_links(c, a, *out);
	db_put(s->db, c);
	return rc;
}

/* Reads the outcomes a statement selects (OUTCOME_COLUMNS), then their
 * links: two passes, since reading links prepares another statement. */
static int
each_selected(struct db_conn *c, struct db_stmt *st, struct arena *a, int limit,
    store_outcome_fn fn, void *arg)
{
	struct outcome *list = arena_array(a, limit + 1, sizeof(*list));
	int rc, n = 0, i;

	if (list == NULL)
		return ERR_NOMEM;
	while (n < limit && (rc = db_step(st)) == DB_ROW)
		if ((rc = outcome_from_row(st, a, &list[n++])) != 0)
			return rc;
	if (n < limit && rc != DB_DONE)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = read_links(c, a, &list[i])) != 0 || (rc = fn(arg, &list[i])) != 0)
			return rc;
	return 0;
}

int
store_outcome_each(struct store *s, struct arena *a, int64_t org_id, bool published, int limit,
    store_outcome_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	if (limit <= 0 || limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	st = db_prepare(c, "SELECT " OUTCOME_COLUMNS " FROM outcome WHERE org_id = ? AND "
	    "(published_at > 0 OR ? = 0) ORDER BY id DESC LIMIT ?");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, published ? 1 : 0);
	db_bind_int(st, 3, limit);
	rc = each_selected(c, st, a, limit, fn, arg);
	db_put(s->db, c);
	return rc;
}

int
store_outcomes_of(struct store *s, struct arena *a, enum outcome_link_kind kind, int64_t ref_id,
    store_outcome_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT DISTINCT o.id, o.org_id, o.title, o.you_said, o.decision, "
	    "o.what_changed, o.decided_by, o.decided_on, o.published_at, o.created_at, "
	    "o.updated_at FROM outcome o JOIN outcome_link l ON l.outcome_id = o.id "
	    "WHERE l.kind = ? AND l.ref_id = ? AND o.published_at > 0 ORDER BY o.id DESC LIMIT ?");
	db_bind_text(st, 1, str_c(outcome_link_kind_name(kind)));
	db_bind_int(st, 2, ref_id);
	db_bind_int(st, 3, STORE_LIST_MAX);
	rc = each_selected(c, st, a, STORE_LIST_MAX, fn, arg);
	db_put(s->db, c);
	return rc;
}

/* ---- changes ------------------------------------------------------------------------- */

struct outcome_change {
	struct store *s;
	const struct actor *who;
	struct outcome *o;
	struct errors *e;
	int64_t now;
	const struct outcome_mail *mail;
	int queued;
};

/* Replaces the links, each checked to be an engagement of the outcome's
 * organisation. */
static int
write_links(struct db_conn *c, struct outcome_change *j)
{
	struct db_stmt *st;
	int i, rc;

	st = db_prepare(c, "DELETE FROM outcome_link WHERE outcome_id = ?");
	db_bind_int(st, 1, j->o->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	for (i = 0; i < j->o->link_n; i++) {
		const struct outcome_link *l = &j->o->links[i];

		st = db_prepare(c, l->kind == OUTCOME_LINK_POLL ?
		    "SELECT 1 FROM poll WHERE id = ? AND org_id = ?" :
		    "SELECT 1 FROM survey WHERE id = ? AND org_id = ?");
		db_bind_int(st, 1, l->id);
		db_bind_int(st, 2, j->o->org_id);
		if ((rc = db_row(st)) == ERR_NOTFOUND) {
			errors_add_at(j->e, "links", i, "There is no such %s",
			    outcome_link_kind_name(l->kind));
			return ERR_INVALID;
		}
		if (rc != 0)
			return rc;
		st = db_prepare(c, "INSERT INTO outcome_link (outcome_id, kind, ref_id, question) "
		    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
		db_bind_int(st, 1, j->o->id);
		db_bind_text(st, 2, str_c(outcome_link_kind_name(l->kind)));
		db_bind_int(st, 3, l->id);
		db_bind_text(st, 4, l->question);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	return 0;
}

static void
bind_text_fields(struct db_stmt *st, const struct outcome *o, int from)
{
	db_bind_text(st, from, o->title);
	db_bind_text(st, from + 1, o->you_said);
	db_bind_text(st, from + 2, o->decision);
	db_bind_text(st, from + 3, o->what_changed);
	db_bind_text(st, from + 4, o->decided_by);
	db_bind_text(st, from + 5, o->decided_on);
}

static int
audit(struct outcome_change *j, struct db_conn *c, const char *action)
{
	struct buf detail = BUF_INIT, title = BUF_INIT;
	int rc;

	buf_add_str(&title, j->o->title);
	audit_detail_text(&detail, "title", buf_cstr(&title) ? buf_cstr(&title) : "");
	rc = store_audit_append(j->s, c, j->who, action, &detail, "outcome:%lld",
	    (long long)j->o->id);
	buf_free(&title);
	buf_free(&detail);
	return rc;
}

static int
create_fn(struct db_conn *c, void *arg)
{
	struct outcome_change *j = arg;
	struct db_stmt *st;
	int rc;

	j->o->created_at = j->o->updated_at = store_now();
	st = db_prepare(c, "INSERT INTO outcome (org_id, title, you_said, decision, what_changed, "
	    "decided_by, decided_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id");
	db_bind_int(st, 1, j->o->org_id);
	bind_text_fields(st, j->o, 2);
	db_bind_int(st, 8, j->o->created_at);
	db_bind_int(st, 9, j->o->updated_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->o->id = db_col_int(st, 0);
	if ((rc = write_links(c, j)) != 0)
		return rc;
	return audit(j, c, "outcome.create");
}

int
store_outcome_create(struct store *s, const struct actor *who, struct outcome *o,
    struct errors *e)
{
	struct outcome_change j = { s, who, o, e, 0, NULL, 0 };

	return db_write(s->db, create_fn, &j);
}

static int
update_fn(struct db_conn *c, void *arg)
{
	struct outcome_change *j = arg;
	struct db_stmt *st;
	int rc;

	j->o->updated_at = store_now();
	st = db_prepare(c, "UPDATE outcome SET title = ?, you_said = ?, decision = ?, "
	    "what_changed = ?, decided_by = ?, decided_on = ?, updated_at = ? "
	    "WHERE id = ? AND org_id = ?");
	bind_text_fields(st, j->o, 1);
	db_bind_int(st, 7, j->o->updated_at);
	db_bind_int(st, 8, j->o->id);
	db_bind_int(st, 9, j->o->org_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return ERR_NOTFOUND;
	if ((rc = write_links(c, j)) != 0)
		return rc;
	return audit(j, c, "outcome.update");
}

int
store_outcome_update(struct store *s, const struct actor *who, struct outcome *o,
    struct errors *e)
{
	struct outcome_change j = { s, who, o, e, 0, NULL, 0 };

	return db_write(s->db, update_fn, &j);
}

/* Queues the mail for every address kept for the outcome's surveys, and
 * deletes the addresses.  Collected first: queueing prepares statements. */
static int
queue_hear_back(struct db_conn *c, struct outcome_change *j)
{
	struct db_stmt *st;
	struct arena a;
	struct str *sealed = NULL;
	int n = 0, cap = 0, rc, i;

	arena_init(&a, NULL, 0);
	st = db_prepare(c, "SELECT h.recipient FROM hear_back h JOIN outcome_link l ON "
	    "l.kind = 'survey' AND l.ref_id = h.survey_id WHERE l.outcome_id = ? "
	    "GROUP BY h.id, h.recipient");
	db_bind_int(st, 1, j->o->id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			struct str *more = arena_array(&a, cap ? cap * 2 : 64, sizeof(*more));

			if (more == NULL) {
				rc = ERR_NOMEM;
				break;
			}
			if (n > 0)
				memcpy(more, sealed, n * sizeof(*more));
			sealed = more;
			cap = cap ? cap * 2 : 64;
		}
		sealed[n] = arena_str(&a, db_col_blob(st, 0));
		if (sealed[n++].p == NULL) {
			rc = ERR_NOMEM;
			break;
		}
	}
	if (rc != DB_DONE) {
		arena_free(&a);
		return rc == DB_ROW ? ERR_IO : rc;
	}
	for (i = 0, rc = 0; i < n && rc == 0; i++) {
		struct outbox_new m = { j->o->org_id, STR_LIT("outcome"),
		    (const unsigned char *)sealed[i].p, sealed[i].n, j->mail->subject,
		    j->mail->body, j->now };
		int64_t id;

		rc = store_outbox_add_tx(c, &m, &id);
	}
	arena_free(&a);
	if (rc != 0)
		return rc;
	j->queued = n;
	st = db_prepare(c, "DELETE FROM hear_back WHERE survey_id IN (SELECT ref_id FROM "
	    "outcome_link WHERE outcome_id = ? AND kind = 'survey')");
	db_bind_int(st, 1, j->o->id);
	return db_exec(st);
}

/*
 * Each consultation the outcome answers that staff are analysing moves on
 * to "outcome published", in the publishing transaction, whoever publishes
 * (the API, the staff pages, the command line).  One not yet analysing
 * (still open) or published already keeps its stage: the outcome is
 * published all the same.
 */
static int
consultations_published(struct db_conn *c, struct outcome_change *j)
{
	int64_t ids[OUTCOME_LINKS_MAX];
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int n = 0, rc, i;

	st = db_prepare(c, "SELECT k.survey_id FROM consultation k JOIN outcome_link l ON "
	    "l.kind = 'survey' AND l.ref_id = k.survey_id WHERE l.outcome_id = ? AND "
	    "k.stage = 'analysing' GROUP BY k.survey_id");
	db_bind_int(st, 1, j->o->id);
	while ((rc = db_step(st)) == DB_ROW && n < OUTCOME_LINKS_MAX)
		ids[n++] = db_col_int(st, 0);
	if (rc == DB_ROW) /* more than links are kept: cannot be */
		return ERR_IO;
	if (rc != DB_DONE)
		return rc;
	audit_detail_text(&detail, "stage", consultation_stage_name(CONSULTATION_OUTCOME));
	for (i = 0, rc = 0; i < n && rc == 0; i++) {
		st = db_prepare(c, "UPDATE consultation SET stage = ?, stage_at = ? "
		    "WHERE survey_id = ?");
		db_bind_text(st, 1, str_c(consultation_stage_name(CONSULTATION_OUTCOME)));
		db_bind_int(st, 2, j->now);
		db_bind_int(st, 3, ids[i]);
		if ((rc = db_exec(st)) == 0)
			rc = store_audit_append(j->s, c, j->who, "consultation.stage", &detail,
			    "survey:%lld", (long long)ids[i]);
	}
	buf_free(&detail);
	return rc;
}

static int
publish_fn(struct db_conn *c, void *arg)
{
	struct outcome_change *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT published_at FROM outcome WHERE id = ? AND org_id = ?");
	db_bind_int(st, 1, j->o->id);
	db_bind_int(st, 2, j->o->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (db_col_int(st, 0) != 0)
		return ERR_CONFLICT;
	st = db_prepare(c, "UPDATE outcome SET published_at = ?, updated_at = ? WHERE id = ?");
	db_bind_int(st, 1, j->now);
	db_bind_int(st, 2, j->now);
	db_bind_int(st, 3, j->o->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if ((rc = queue_hear_back(c, j)) != 0 || (rc = consultations_published(c, j)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "outcome.publish", NULL, "outcome:%lld",
	    (long long)j->o->id);
}

int
store_outcome_publish(struct store *s, const struct actor *who, int64_t org_id, int64_t id,
    int64_t now, const struct outcome_mail *mail, int *queued)
{
	struct outcome o = { .id = id, .org_id = org_id };
	struct outcome_change j = { s, who, &o, NULL, now, mail, 0 };
	int rc = db_write(s->db, publish_fn, &j);

	if (queued != NULL)
		*queued = j.queued;
	return rc;
}

static int
delete_fn(struct db_conn *c, void *arg)
{
	struct outcome_change *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT published_at FROM outcome WHERE id = ? AND org_id = ?");
	db_bind_int(st, 1, j->o->id);
	db_bind_int(st, 2, j->o->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (db_col_int(st, 0) != 0)
		return ERR_CONFLICT;
	st = db_prepare(c, "DELETE FROM outcome WHERE id = ?");
	db_bind_int(st, 1, j->o->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "outcome.delete", NULL, "outcome:%lld",
	    (long long)j->o->id);
}

int
store_outcome_delete(struct store *s, const struct actor *who, int64_t org_id, int64_t id)
{
	struct outcome o = { .id = id, .org_id = org_id };
	struct outcome_change j = { s, who, &o, NULL, 0, NULL, 0 };

	return db_write(s->db, delete_fn, &j);
}

struct hear_back_add {
	int64_t survey_id;
	const unsigned char *sealed;
	size_t n;
	int64_t now;
};

static int
hear_back_fn(struct db_conn *c, void *arg)
{
	struct hear_back_add *h = arg;
	struct db_stmt *st;

	st = db_prepare(c, "INSERT INTO hear_back (survey_id, recipient, created_at) "
	    "VALUES (?, ?, ?)");
	db_bind_int(st, 1, h->survey_id);
	db_bind_blob(st, 2, h->sealed, h->n);
	/* The hour only, as a response keeps: nothing to match the two by. */
	db_bind_int(st, 3, h->now - h->now % 3600);
	return db_exec(st);
}

int
store_hear_back_add(struct store *s, int64_t survey_id, const unsigned char *sealed, size_t n,
    int64_t now)
{
	struct hear_back_add h = { survey_id, sealed, n, now };

	return db_write(s->db, hear_back_fn, &h);
}
