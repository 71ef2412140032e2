/*
 * assessments.c - assessments of the duty to involve and the engagements
 * linked to them (store_consultation.h; the rules are assessment.h's).
 *
 * An assessment is evidence: each change to it and each link made or
 * removed is audited in its own transaction, and nothing here deletes
 * one.  A link names a survey or a poll by a reference of its own kind,
 * so one that is deleted takes its links with it, and reading the links
 * reads what the evidence trail shows of each engagement (its title,
 * dates, state and count of answers) in the same statement.
 */
#include <stdio.h>
#include <string.h>

#include "involve/store_consultation.h"
#include "involve/text.h"
#include "store_priv.h"

#define ASSESSMENT_COLUMNS "id, org_id, title, proposal, affected, involvement, reason, " \
	"methods, approach, duties, duty_other, decision, decided_at, created_by, created_at, " \
	"updated_at"

static struct assessment *
assessment_from_row(struct arena *a, struct db_stmt *st)
{
	struct assessment *as = arena_zalloc(a, sizeof(*as));

	if (as == NULL)
		return NULL;
	as->id = db_col_int(st, 0);
	as->org_id = db_col_int(st, 1);
	as->title = arena_str(a, db_col_text(st, 2));
	as->proposal = arena_str(a, db_col_text(st, 3));
	as->affected = arena_str(a, db_col_text(st, 4));
	if (involvement_parse(db_col_text(st, 5), &as->involvement) != 0)
		as->involvement = INVOLVEMENT_UNDECIDED;
	as->reason = arena_str(a, db_col_text(st, 6));
	as->methods = involve_methods_parse(db_col_text(st, 7));
	as->approach = arena_str(a, db_col_text(st, 8));
	as->duties = involve_duties_parse(db_col_text(st, 9));
	as->duty_other = arena_str(a, db_col_text(st, 10));
	as->decision = arena_str(a, db_col_text(st, 11));
	as->decided_at = db_col_int(st, 12);
	as->created_by = arena_str(a, db_col_text(st, 13));
	as->created_at = db_col_int(st, 14);
	as->updated_at = db_col_int(st, 15);
	if (!as->title.p || !as->proposal.p || !as->affected.p || !as->reason.p ||
	    !as->approach.p || !as->duty_other.p || !as->decision.p || !as->created_by.p)
		return NULL;
	return as;
}

int
store_assessment_get(struct store *s, struct arena *a, int64_t id, struct assessment **out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " ASSESSMENT_COLUMNS " FROM involvement_assessment "
	    "WHERE id = ?");
	db_bind_int(st, 1, id);
	rc = db_row(st);
	if (rc == 0 && (*out = assessment_from_row(a, st)) == NULL)
		rc = ERR_NOMEM;
	db_put(s->db, c);
	return rc;
}

static int
each_assessment(struct db_stmt *st, struct arena *a, store_assessment_fn fn, void *arg)
{
	struct assessment *as;
	int rc;

	while ((rc = db_step(st)) == DB_ROW) {
		if ((as = assessment_from_row(a, st)) == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		if ((rc = fn(arg, as)) != 0)
			break;
	}
	return rc < 0 ? rc : 0;
}

int
store_assessment_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id,
    int limit, store_assessment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " ASSESSMENT_COLUMNS " FROM involvement_assessment "
	    "WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, 3, limit < 0 ? 0 : limit < STORE_LIST_MAX ? limit : STORE_LIST_MAX);
	rc = each_assessment(st, a, fn, arg);
	db_put(s->db, c);
	return rc;
}

int
store_assessment_each_linked(struct store *s, struct arena *a, enum link_kind kind,
    int64_t target, store_assessment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	if (kind == LINK_POLL)
		st = db_prepare(c, "SELECT " ASSESSMENT_COLUMNS " FROM involvement_assessment "
		    "WHERE id IN (SELECT assessment_id FROM involvement_link WHERE poll_id = ?) "
		    "ORDER BY id DESC");
	else
		st = db_prepare(c, "SELECT " ASSESSMENT_COLUMNS " FROM involvement_assessment "
		    "WHERE id IN (SELECT assessment_id FROM involvement_link WHERE survey_id = ?) "
		    "ORDER BY id DESC");
	db_bind_int(st, 1, target);
	rc = each_assessment(st, a, fn, arg);
	db_put(s->db, c);
	return rc;
}

/* ---- changes ---------------------------------------------------------------------------- */

struct assessment_change {
	struct store *s;
	const struct actor *who;
	struct assessment *as;
	int64_t id;             /* links */
	enum link_kind kind;
	int64_t target;
	int64_t now;
	struct errors e;
};

/* The sets as the store keeps them, into m and d. */
static int
write_sets(const struct assessment *as, struct buf *m, struct buf *d)
{
	involve_methods_write(as->methods, m);
	involve_duties_write(as->duties, d);
	return buf_cstr(m) && buf_cstr(d) ? 0 : ERR_NOMEM;
}

static int
audit_assessment(struct assessment_change *j, struct db_conn *c, const char *action,
    const char *duties)
{
	const struct assessment *as = j->as;
	struct buf detail = BUF_INIT;
	int rc;

	buf_add_c(&detail, "{\"title\":");
	buf_add_json_string(&detail, as->title);
	buf_printf(&detail, ",\"involvement\":\"%s\",\"duties\":\"%s\",\"decided_at\":%lld}",
	    involvement_name(as->involvement), duties, (long long)as->decided_at);
	rc = store_audit_append(j->s, c, j->who, action, &detail, "assessment:%lld",
	    (long long)as->id);
	buf_free(&detail);
	return rc;
}

static int
assessment_create_fn(struct db_conn *c, void *arg)
{
	struct assessment_change *j = arg;
	struct assessment *as = j->as;
	struct buf methods = BUF_INIT, duties = BUF_INIT;
	struct db_stmt *st;
	int rc;

	if ((rc = write_sets(as, &methods, &duties)) != 0)
		goto out;
	as->created_at = as->updated_at = store_now();
	as->created_by = str_c(j->who && j->who->name ? j->who->name : "system");
	st = db_prepare(c, "INSERT INTO involvement_assessment (org_id, title, proposal, affected, "
	    "involvement, reason, methods, approach, duties, duty_other, decision, decided_at, "
	    "created_by, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, as->org_id);
	db_bind_text(st, 2, as->title);
	db_bind_text(st, 3, as->proposal);
	db_bind_text(st, 4, as->affected);
	db_bind_text(st, 5, str_c(involvement_name(as->involvement)));
	db_bind_text(st, 6, as->reason);
	db_bind_text(st, 7, str_c(methods.p));
	db_bind_text(st, 8, as->approach);
	db_bind_text(st, 9, str_c(duties.p));
	db_bind_text(st, 10, as->duty_other);
	db_bind_text(st, 11, as->decision);
	db_bind_int(st, 12, as->decided_at);
	db_bind_text(st, 13, as->created_by);
	db_bind_int(st, 14, as->created_at);
	db_bind_int(st, 15, as->updated_at);
	if ((rc = db_row(st)) != 0)
		goto out;
	as->id = db_col_int(st, 0);
	rc = audit_assessment(j, c, "assessment.create", duties.p);
out:
	buf_free(&methods);
	buf_free(&duties);
	return rc;
}

int
store_assessment_create(struct store *s, const struct actor *who, struct assessment *as)
{
	struct assessment_change j = { .s = s, .who = who, .as = as };

	return db_write(s->db, assessment_create_fn, &j);
}

static int
assessment_update_fn(struct db_conn *c, void *arg)
{
	struct assessment_change *j = arg;
	struct assessment *as = j->as;
	struct buf methods = BUF_INIT, duties = BUF_INIT;
	struct db_stmt *st;
	int rc;

	if ((rc = write_sets(as, &methods, &duties)) != 0)
		goto out;
	as->updated_at = store_now();
	st = db_prepare(c, "UPDATE involvement_assessment SET title = ?, proposal = ?, "
	    "affected = ?, involvement = ?, reason = ?, methods = ?, approach = ?, duties = ?, "
	    "duty_other = ?, decision = ?, decided_at = ?, updated_at = ? "
	    "WHERE id = ? AND org_id = ?");
	db_bind_text(st, 1, as->title);
	db_bind_text(st, 2, as->proposal);
	db_bind_text(st, 3, as->affected);
	db_bind_text(st, 4, str_c(involvement_name(as->involvement)));
	db_bind_text(st, 5, as->reason);
	db_bind_text(st, 6, str_c(methods.p));
	db_bind_text(st, 7, as->approach);
	db_bind_text(st, 8, str_c(duties.p));
	db_bind_text(st, 9, as->duty_other);
	db_bind_text(st, 10, as->decision);
	db_bind_int(st, 11, as->decided_at);
	db_bind_int(st, 12, as->updated_at);
	db_bind_int(st, 13, as->id);
	db_bind_int(st, 14, j->who->org_id);
	if ((rc = db_exec(st)) != 0)
		goto out;
	if (db_changes(st) == 0) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	rc = audit_assessment(j, c, "assessment.update", duties.p);
out:
	buf_free(&methods);
	buf_free(&duties);
	return rc;
}

int
store_assessment_update(struct store *s, const struct actor *who, struct assessment *as)
{
	struct assessment_change j = { .s = s, .who = who, .as = as };

	return db_write(s->db, assessment_update_fn, &j);
}

/* ---- links ------------------------------------------------------------------------------- */

/* Locks assessment j->id of the actor's organisation for a change of its
 * links. */
static int
lock_assessment(struct db_conn *c, struct assessment_change *j)
{
	struct db_stmt *st;

	st = db_prepare(c, "SELECT 1 FROM involvement_assessment WHERE id = ? AND org_id = ? "
	    "FOR UPDATE");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, j->who->org_id);
	return db_row(st);
}

/* Whether engagement j->target is the actor's organisation's: 0, or
 * ERR_NOTFOUND. */
static int
engagement_is_own(struct db_conn *c, struct assessment_change *j)
{
	struct db_stmt *st;

	if (j->kind == LINK_POLL)
		st = db_prepare(c, "SELECT 1 FROM poll WHERE id = ? AND org_id = ?");
	else
		st = db_prepare(c, "SELECT 1 FROM survey WHERE id = ? AND org_id = ?");
	db_bind_int(st, 1, j->target);
	db_bind_int(st, 2, j->who->org_id);
	return db_row(st);
}

static int
audit_link(struct assessment_change *j, struct db_conn *c, const char *action)
{
	struct buf detail = BUF_INIT;
	int rc;

	buf_printf(&detail, "{\"kind\":\"%s\",\"id\":%lld}", link_kind_name(j->kind),
	    (long long)j->target);
	rc = store_audit_append(j->s, c, j->who, action, &detail, "assessment:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

static int
link_fn(struct db_conn *c, void *arg)
{
	struct assessment_change *j = arg;
	struct db_stmt *st;
	int rc;

	errors_init(&j->e);
	if ((rc = lock_assessment(c, j)) != 0 || (rc = engagement_is_own(c, j)) != 0)
		return rc;
	st = db_prepare(c, "SELECT count(*) FROM involvement_link WHERE assessment_id = ?");
	db_bind_int(st, 1, j->id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (db_col_int(st, 0) >= ASSESSMENT_LINKS_MAX) {
		errors_add(&j->e, "id", "An assessment can have at most %d engagements linked to "
		    "it",
		    ASSESSMENT_LINKS_MAX);
		return ERR_CONFLICT;
	}
	st = db_prepare(c, "INSERT INTO involvement_link (assessment_id, survey_id, poll_id, "
	    "linked_by, linked_at) VALUES (?, ?, ?, ?, ?)");
	db_bind_int(st, 1, j->id);
	if (j->kind == LINK_POLL) {
		db_bind_null(st, 2);
		db_bind_int(st, 3, j->target);
	} else {
		db_bind_int(st, 2, j->target);
		db_bind_null(st, 3);
	}
	db_bind_text(st, 4, str_c(j->who->name ? j->who->name : "system"));
	db_bind_int(st, 5, j->now);
	if ((rc = db_exec(st)) != 0)
		return rc; /* linked already: ERR_DUPLICATE */
	return audit_link(j, c, "assessment.link");
}

int
store_assessment_link(struct store *s, const struct actor *who, int64_t id,
    enum link_kind kind, int64_t target, int64_t now, struct errors *e)
{
	struct assessment_change j = { .s = s, .who = who, .id = id, .kind = kind,
		.target = target, .now = now };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, link_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

static int
unlink_fn(struct db_conn *c, void *arg)
{
	struct assessment_change *j = arg;
	struct db_stmt *st;
	int rc;

	if ((rc = lock_assessment(c, j)) != 0)
		return rc;
	if (j->kind == LINK_POLL)
		st = db_prepare(c, "DELETE FROM involvement_link WHERE assessment_id = ? AND "
		    "poll_id = ?");
	else
		st = db_prepare(c, "DELETE FROM involvement_link WHERE assessment_id = ? "
		    "AND survey_id = ?");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, j->target);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return ERR_NOTFOUND;
	return audit_link(j, c, "assessment.unlink");
}

int
store_assessment_unlink(struct store *s, const struct actor *who, int64_t id,
    enum link_kind kind, int64_t target)
{
	struct assessment_change j = { .s = s, .who = who, .id = id, .kind = kind,
		.target = target };

	return db_write(s->db, unlink_fn, &j);
}

int
store_assessment_links(struct store *s, struct arena *a, int64_t id, store_link_fn fn,
    void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct assessment_link l;
	struct db_stmt *st;
	int rc;

	/* One of the two joins finds the engagement; the other reads NULLs. */
	st = db_prepare(c, "SELECT l.survey_id, l.poll_id, l.linked_by, l.linked_at, "
	    "s.title, s.kind, s.opens_at, s.closes_at, s.closed_at, s.responses, s.created_at, "
	    "k.stage, p.question, p.opens_at, p.closes_at, p.closed_at, p.ballots, p.created_at "
	    "FROM involvement_link l LEFT JOIN survey s ON s.id = l.survey_id "
	    "LEFT JOIN consultation k ON k.survey_id = l.survey_id "
	    "LEFT JOIN poll p ON p.id = l.poll_id WHERE l.assessment_id = ? ORDER BY l.id");
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&l, 0, sizeof(l));
		l.linked_by = arena_str(a, db_col_text(st, 2));
		l.linked_at = db_col_int(st, 3);
		if (!db_col_null(st, 0)) {
			l.kind = LINK_SURVEY;
			l.id = db_col_int(st, 0);
			l.title = arena_str(a, db_col_text(st, 4));
			if (survey_kind_parse(db_col_text(st, 5), &l.survey_kind) != 0)
				l.survey_kind = SURVEY_KIND_SURVEY;
			l.opens_at = db_col_int(st, 6);
			l.closes_at = db_col_int(st, 7);
			l.closed_at = db_col_int(st, 8);
			l.responses = db_col_int(st, 9);
			l.created_at = db_col_int(st, 10);
			if (consultation_stage_parse(db_col_text(st, 11), &l.stage) != 0)
				l.stage = CONSULTATION_STAGE_NONE;
		} else {
			l.kind = LINK_POLL;
			l.id = db_col_int(st, 1);
			l.title = arena_str(a, db_col_text(st, 12));
			l.opens_at = db_col_int(st, 13);
			l.closes_at = db_col_int(st, 14);
			l.closed_at = db_col_int(st, 15);
			l.responses = db_col_int(st, 16);
			l.created_at = db_col_int(st, 17);
		}
		if (l.linked_by.p == NULL || l.title.p == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		if ((rc = fn(arg, &l)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}
