/*
 * surveys.c - surveys and their versions (store_survey.h; responses are in
 * responses.c).
 *
 * Every change locks the survey's row first (store_survey_lock: the row the
 * response writer locks too, shared between its batches), asks the domain
 * whether the change is allowed in the survey's state as it is now
 * (survey_check_edit and the like), then writes it, the version it makes
 * and its audit entry in one transaction.
 * So a change and a batch of responses, on any server, happen one after the
 * other: a breaking change never misses a response that came meanwhile, and
 * no response is taken after the survey closed.
 *
 * Each change (an edit, opening, closing) makes a new version, and the
 * survey as it then is joins the history: a form read before someone else
 * opened the survey cannot be saved over it, and every version a response
 * names has its definition in survey_version.
 */
#include <stdio.h>
#include <string.h>

#include "involve/store_consultation.h"
#include "involve/text.h"
#include "store_priv.h"

/* ---- reading ------------------------------------------------------------------ */

#define SURVEY_COLUMNS "id, org_id, title, who, opens_at, closes_at, closed_at, created_at, " \
	"updated_at, version, definition, next_option_id, responses, kind"

/* A new survey in a from the SURVEY_COLUMNS of the current row. */
static struct survey *
survey_from_row(struct arena *a, struct db_stmt *st)
{
	struct survey *sv = arena_zalloc(a, sizeof(*sv));

	if (sv == NULL)
		return NULL;
	sv->id = db_col_int(st, 0);
	sv->org_id = db_col_int(st, 1);
	sv->title = arena_str(a, db_col_text(st, 2));
	if (poll_who_parse(db_col_text(st, 3), &sv->who) != 0)
		sv->who = POLL_WHO_CODE; /* unknown: the stricter one */
	sv->opens_at = db_col_int(st, 4);
	sv->closes_at = db_col_int(st, 5);
	sv->closed_at = db_col_int(st, 6);
	sv->created_at = db_col_int(st, 7);
	sv->updated_at = db_col_int(st, 8);
	sv->version = (int)db_col_int(st, 9);
	sv->definition = arena_str(a, db_col_text(st, 10));
	sv->next_option_id = db_col_int(st, 11);
	sv->responses = db_col_int(st, 12);
	if (survey_kind_parse(db_col_text(st, 13), &sv->kind) != 0)
		sv->kind = SURVEY_KIND_SURVEY;
	return sv->title.p && sv->definition.p ? sv : NULL;
}

int
store_survey_get(struct store *s, struct arena *a, int64_t id, struct survey **out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " SURVEY_COLUMNS " FROM survey WHERE id = ?");
	db_bind_int(st, 1, id);
	rc = db_row(st);
	if (rc == 0 && (*out = survey_from_row(a, st)) == NULL)
		rc = ERR_NOMEM;
	db_put(s->db, c);
	return rc;
}

/* Calls fn for each survey st reads (SURVEY_COLUMNS; its parameters
 * org_id, before_id and limit, in that order). */
static int
each_survey(struct db_stmt *st, struct arena *a, int64_t org_id, int64_t before_id, int limit,
    store_survey_fn fn, void *arg)
{
	struct survey *sv;
	int rc;

	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, 3, limit < 0 ? 0 : limit < STORE_LIST_MAX ? limit : STORE_LIST_MAX);
	while ((rc = db_step(st)) == DB_ROW) {
		if ((sv = survey_from_row(a, st)) == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		if ((rc = fn(arg, sv)) != 0)
			break;
	}
	return rc < 0 ? rc : 0;
}

int
store_survey_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id,
    int limit, store_survey_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	int rc;

	rc = each_survey(db_prepare(c, "SELECT " SURVEY_COLUMNS " FROM survey WHERE org_id = ? "
	    "AND id < ? ORDER BY id DESC LIMIT ?"), a, org_id, before_id, limit, fn, arg);
	db_put(s->db, c);
	return rc;
}

/* Consultations are surveys (store_consultation.h): listed beside them. */
int
store_consultation_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id,
    int limit, store_survey_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	int rc;

	rc = each_survey(db_prepare(c, "SELECT " SURVEY_COLUMNS " FROM survey WHERE org_id = ? "
	    "AND id < ? AND kind = 'consultation' ORDER BY id DESC LIMIT ?"), a, org_id,
	    before_id, limit, fn, arg);
	db_put(s->db, c);
	return rc;
}

int
store_survey_versions(struct store *s, struct arena *a, int64_t survey_id,
    store_survey_version_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct survey_version v;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT version, title, definition, changed_at, changed_by "
	    "FROM survey_version WHERE survey_id = ? ORDER BY version DESC");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		v.version = (int)db_col_int(st, 0);
		v.title = arena_str(a, db_col_text(st, 1));
		v.definition = arena_str(a, db_col_text(st, 2));
		v.changed_at = db_col_int(st, 3);
		v.changed_by = arena_str(a, db_col_text(st, 4));
		if (v.title.p == NULL || v.definition.p == NULL || v.changed_by.p == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		if ((rc = fn(arg, &v)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/* ---- changing ------------------------------------------------------------------- */

/* The locked row st reads, as store_survey_lock says. */
static int
read_locked(struct db_stmt *st, int64_t id, int64_t org_id, struct survey *out)
{
	int rc;

	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) != 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->org_id = db_col_int(st, 0);
	out->opens_at = db_col_int(st, 1);
	out->closes_at = db_col_int(st, 2);
	out->closed_at = db_col_int(st, 3);
	out->version = (int)db_col_int(st, 4);
	out->responses = db_col_int(st, 5);
	if (survey_kind_parse(db_col_text(st, 6), &out->kind) != 0)
		out->kind = SURVEY_KIND_SURVEY;
	return org_id != STORE_ANY_ORG && out->org_id != org_id ? ERR_NOTFOUND : 0;
}

int
store_survey_lock(struct db_conn *c, int64_t id, int64_t org_id, struct survey *out)
{
	return read_locked(db_prepare(c, "SELECT org_id, opens_at, closes_at, closed_at, "
	    "version, responses, kind FROM survey WHERE id = ? FOR UPDATE"), id, org_id, out);
}

int
store_survey_lock_shared(struct db_conn *c, int64_t id, int64_t org_id, struct survey *out,
    bool *uncoded)
{
	struct db_stmt *st = db_prepare(c, "SELECT org_id, opens_at, closes_at, closed_at, "
	    "version, responses, kind, uncoded FROM survey WHERE id = ? FOR KEY SHARE");
	int rc = read_locked(st, id, org_id, out);

	*uncoded = rc == 0 && db_col_int(st, 7) != 0;
	return rc;
}

struct transition;

struct survey_change {
	struct store *s;
	const struct actor *who;
	struct survey *sv;                   /* create, update: times and version set on it */
	const struct transition *transition; /* open, close */
	int64_t id;
	int64_t now;
	int expected_version;                /* update */
	bool breaking;                       /* update */
	struct errors e;                     /* the reason for a refusal */
};

/* The survey as it now is joins the history, as changed by who. */
static int
keep_version(struct db_conn *c, int64_t id, const struct actor *who)
{
	struct db_stmt *st;

	st = db_prepare(c, "INSERT INTO survey_version (survey_id, version, title, definition, "
	    "changed_at, changed_by) SELECT id, version, title, definition, updated_at, ? "
	    "FROM survey WHERE id = ?");
	db_bind_text(st, 1, str_c(who && who->name ? who->name : "system"));
	db_bind_int(st, 2, id);
	return db_exec(st);
}

/* What the audit log keeps of a survey: not its definition, which the
 * history keeps by version. */
static void
audit_detail(struct buf *b, const struct survey *sv)
{
	buf_add_c(b, "{\"title\":");
	buf_add_json_string(b, sv->title);
	buf_printf(b, ",\"kind\":\"%s\",\"who\":\"%s\",\"opens_at\":%lld,\"closes_at\":%lld,"
	    "\"version\":%d}", survey_kind_name(sv->kind), poll_who_name(sv->who),
	    (long long)sv->opens_at, (long long)sv->closes_at, sv->version);
}

static int
audit_survey(struct survey_change *j, struct db_conn *c, const char *action)
{
	struct buf detail = BUF_INIT;
	int rc;

	audit_detail(&detail, j->sv);
	rc = store_audit_append(j->s, c, j->who, action, &detail, "survey:%lld",
	    (long long)j->sv->id);
	buf_free(&detail);
	return rc;
}

static int
survey_create_fn(struct db_conn *c, void *arg)
{
	struct survey_change *j = arg;
	struct survey *sv = j->sv;
	struct db_stmt *st;
	int rc;

	sv->created_at = sv->updated_at = store_now();
	sv->version = 1;
	errors_init(&j->e);
	if (sv->kind == SURVEY_KIND_CONSULTATION &&
	    (rc = store_consultation_check_schedule(c, 0, sv->opens_at, &j->e)) != 0)
		return rc;
	st = db_prepare(c, "INSERT INTO survey (org_id, title, who, opens_at, closes_at, "
	    "closed_at, created_at, updated_at, version, definition, next_option_id, kind) "
	    "VALUES (?, ?, ?, ?, ?, 0, ?, ?, 1, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, sv->org_id);
	db_bind_text(st, 2, sv->title);
	db_bind_text(st, 3, str_c(poll_who_name(sv->who)));
	db_bind_int(st, 4, sv->opens_at);
	db_bind_int(st, 5, sv->closes_at);
	db_bind_int(st, 6, sv->created_at);
	db_bind_int(st, 7, sv->updated_at);
	db_bind_text(st, 8, sv->definition);
	db_bind_int(st, 9, sv->next_option_id);
	db_bind_text(st, 10, str_c(survey_kind_name(sv->kind)));
	if ((rc = db_row(st)) != 0)
		return rc;
	sv->id = db_col_int(st, 0);
	if ((rc = keep_version(c, sv->id, j->who)) != 0)
		return rc;
	return audit_survey(j, c, "survey.create");
}

int
store_survey_create(struct store *s, const struct actor *who, struct survey *sv)
{
	struct survey_change j = { .s = s, .who = who, .sv = sv };

	sv->closed_at = 0;
	sv->responses = 0;
	return db_write(s->db, survey_create_fn, &j);
}

/* Whether the survey has responses that a breaking change would leave
 * meaningless: submitted or partial (a withdrawn one has no answers). */
static int
has_responses(struct db_conn *c, int64_t id, bool *out)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT 1 FROM survey_response WHERE survey_id = ? "
	    "AND state <> 'withdrawn' LIMIT 1");
	db_bind_int(st, 1, id);
	rc = db_row(st);
	*out = rc == 0;
	return rc == ERR_NOTFOUND ? 0 : rc;
}

/* Whether the edit j may be made to the survey as locked (now). */
static int
check_update(struct db_conn *c, struct survey_change *j, const struct survey *now)
{
	bool answered;
	int rc;

	if (now->version != j->expected_version) {
		errors_add(&j->e, "version", "Someone else has changed the survey since it was "
		    "read: read it again before changing it");
		return ERR_CONFLICT;
	}
	if ((rc = survey_check_edit(now, j->now, &j->e)) != 0 || !j->breaking)
		return rc;
	if ((rc = has_responses(c, now->id, &answered)) != 0)
		return rc;
	if (!answered)
		return 0;
	errors_add(&j->e, "survey", "The survey has responses, so its questions and options "
	    "cannot be removed or changed in a way that changes what the answers mean");
	return ERR_CONFLICT;
}

static int
survey_update_fn(struct db_conn *c, void *arg)
{
	struct survey_change *j = arg;
	struct survey *sv = j->sv;
	struct db_stmt *st;
	struct survey now;
	int rc;

	errors_init(&j->e);
	if ((rc = store_survey_lock(c, sv->id, sv->org_id, &now)) != 0)
		return rc;
	if ((rc = check_update(c, j, &now)) != 0)
		return rc;
	/* A consultation opens at a set time only with its checklist
	 * recorded: the time would open it with nobody asking again. */
	sv->kind = now.kind;
	if (now.kind == SURVEY_KIND_CONSULTATION &&
	    (rc = store_consultation_check_schedule(c, sv->id, sv->opens_at, &j->e)) != 0)
		return rc;
	sv->updated_at = store_now();
	sv->version = now.version + 1;
	st = db_prepare(c, "UPDATE survey SET title = ?, who = ?, opens_at = ?, closes_at = ?, "
	    "definition = ?, next_option_id = ?, version = ?, updated_at = ? WHERE id = ?");
	db_bind_text(st, 1, sv->title);
	db_bind_text(st, 2, str_c(poll_who_name(sv->who)));
	db_bind_int(st, 3, sv->opens_at);
	db_bind_int(st, 4, sv->closes_at);
	db_bind_text(st, 5, sv->definition);
	db_bind_int(st, 6, sv->next_option_id);
	db_bind_int(st, 7, sv->version);
	db_bind_int(st, 8, sv->updated_at);
	db_bind_int(st, 9, sv->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if ((rc = keep_version(c, sv->id, j->who)) != 0)
		return rc;
	return audit_survey(j, c, "survey.update");
}

int
store_survey_update(struct store *s, const struct actor *who, struct survey *sv,
    int expected_version, bool breaking, int64_t now, struct errors *e)
{
	struct survey_change j = { .s = s, .who = who, .sv = sv, .now = now,
		.expected_version = expected_version, .breaking = breaking };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, survey_update_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

/* A change of state: the domain's check, the column it sets to now, and
 * what the audit log calls it. */
struct transition {
	int (*check)(const struct survey *sv, int64_t now, struct errors *e);
	const char *sql; /* "UPDATE survey SET <column> = ?, version = ..." */
	const char *action;
};

static const struct transition opening = { survey_check_open,
	"UPDATE survey SET opens_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
	"survey.open" };
static const struct transition closing = { survey_check_close,
	"UPDATE survey SET closed_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
	"survey.close" };

static int
survey_transition_fn(struct db_conn *c, void *arg)
{
	struct survey_change *j = arg;
	struct db_stmt *st;
	struct survey now;
	int rc;

	errors_init(&j->e);
	if ((rc = store_survey_lock(c, j->id, j->who->org_id, &now)) != 0)
		return rc;
	if ((rc = j->transition->check(&now, j->now, &j->e)) != 0)
		return rc;
	if (j->transition == &opening && now.kind == SURVEY_KIND_CONSULTATION &&
	    (rc = store_consultation_check_open(c, j->id, &j->e)) != 0)
		return rc;
	st = db_prepare(c, j->transition->sql);
	db_bind_int(st, 1, j->now);
	db_bind_int(st, 2, store_now());
	db_bind_int(st, 3, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if ((rc = keep_version(c, j->id, j->who)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, j->transition->action, NULL, "survey:%lld",
	    (long long)j->id);
}

static int
survey_transition(struct store *s, const struct actor *who, int64_t survey_id, int64_t now,
    const struct transition *t, struct errors *e)
{
	struct survey_change j = { .s = s, .who = who, .id = survey_id, .now = now,
		.transition = t };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, survey_transition_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

int
store_survey_open(struct store *s, const struct actor *who, int64_t survey_id, int64_t now,
    struct errors *e)
{
	return survey_transition(s, who, survey_id, now, &opening, e);
}

int
store_survey_close(struct store *s, const struct actor *who, int64_t survey_id, int64_t now,
    struct errors *e)
{
	return survey_transition(s, who, survey_id, now, &closing, e);
}

static int
survey_delete_fn(struct db_conn *c, void *arg)
{
	struct survey_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	char title[SURVEY_TITLE_MAX_CHARS * 4 + 1];
	int rc;

	st = db_prepare(c, "SELECT title FROM survey WHERE id = ? AND org_id = ? FOR UPDATE");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, j->who->org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	text_copy(title, sizeof(title), db_col_text(st, 0));
	/* Its responses first: on PostgreSQL nothing refers them to it
	 * (migration 013).  Foreign keys cascade to versions and counts. */
	st = db_prepare(c, "DELETE FROM survey_response WHERE survey_id = ?");
	db_bind_int(st, 1, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "DELETE FROM survey WHERE id = ?");
	db_bind_int(st, 1, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	audit_detail_text(&detail, "title", title);
	rc = store_audit_append(j->s, c, j->who, "survey.delete", &detail, "survey:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
store_survey_delete(struct store *s, const struct actor *who, int64_t survey_id)
{
	struct survey_change j = { .s = s, .who = who, .id = survey_id };

	return db_write(s->db, survey_delete_fn, &j);
}
