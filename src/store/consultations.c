/*
 * consultations.c - what a consultation has beyond its survey: its stage,
 * its fair-consultation checklist, its documents and their files
 * (store_consultation.h; the survey itself is surveys.c's).
 *
 * Every change locks the survey's row first (store_survey_lock), as
 * opening and closing it do, then asks the domain (consultation.h)
 * whether the consultation as it is now allows the change.  So a checklist
 * cannot lose an answer between the check that lets a consultation open
 * and its opening, and no document changes after it has closed.
 *
 * The checklist and the stage live in one row per consultation, made by
 * the first of them to be written; until then the consultation reads as
 * having recorded nothing.
 */
#include <stdio.h>
#include <string.h>

#include "involve/store_consultation.h"
#include "involve/text.h"
#include "store_priv.h"

/* What a note may take of an audit entry, whose detail is cut at
 * AUDIT_DETAIL_MAX: four notes, escaped, and the rest fit. */
#define AUDIT_NOTE_BYTES 400

/* ---- the consultation's row ------------------------------------------------------------- */

#define CONSULTATION_COLUMNS "stage, stage_at, formative, formative_note, information, " \
	"information_note, enough_time, enough_time_note, consideration, consideration_note, " \
	"checklist_by, checklist_at"

/* The row of survey_id into out; its text in a, or, with a NULL, none of
 * it (the answers only, for a check).  A consultation without a row has
 * recorded nothing. */
static int
read_consultation(struct db_stmt *st, struct arena *a, int64_t survey_id,
    struct consultation *out)
{
	int i, rc;

	memset(out, 0, sizeof(*out));
	out->survey_id = survey_id;
	db_bind_int(st, 1, survey_id);
	rc = db_row(st);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (consultation_stage_parse(db_col_text(st, 0), &out->stage) != 0)
		out->stage = CONSULTATION_STAGE_NONE;
	out->stage_at = db_col_int(st, 1);
	for (i = 0; i < CHECK_N; i++) {
		struct consultation_check *k = &out->checklist.items[i];

		if (check_answer_parse(db_col_text(st, 2 + 2 * i), &k->answer) != 0)
			k->answer = CHECK_UNANSWERED;
		if (a != NULL && (k->note = arena_str(a, db_col_text(st, 3 + 2 * i))).p == NULL)
			return ERR_NOMEM;
	}
	if (a != NULL && (out->checklist.recorded_by = arena_str(a, db_col_text(st, 10))).p == NULL)
		return ERR_NOMEM;
	out->checklist.recorded_at = db_col_int(st, 11);
	return 0;
}

int
store_consultation_get(struct store *s, struct arena *a, int64_t survey_id,
    struct consultation *out)
{
	struct db_conn *c = db_get(s->db);
	int rc;

	rc = read_consultation(db_prepare(c, "SELECT " CONSULTATION_COLUMNS " FROM consultation "
	    "WHERE survey_id = ?"), a, survey_id, out);
	db_put(s->db, c);
	return rc;
}

/* The same inside a change (c the writer's, the survey locked). */
static int
read_locked(struct db_conn *c, int64_t survey_id, struct consultation *out)
{
	return read_consultation(db_prepare(c, "SELECT " CONSULTATION_COLUMNS " FROM consultation "
	    "WHERE survey_id = ?"), NULL, survey_id, out);
}

int
store_consultation_check_open(struct db_conn *c, int64_t survey_id, struct errors *e)
{
	struct consultation k;
	int rc;

	if ((rc = read_locked(c, survey_id, &k)) != 0)
		return rc;
	return consultation_check_open(&k.checklist, e);
}

int
store_consultation_check_schedule(struct db_conn *c, int64_t survey_id, int64_t opens_at,
    struct errors *e)
{
	struct consultation k;
	int rc;

	memset(&k, 0, sizeof(k));
	if (survey_id != 0 && (rc = read_locked(c, survey_id, &k)) != 0)
		return rc;
	return consultation_check_schedule(&k.checklist, opens_at, e);
}

/* Locks consultation id of org_id for a change and reads the survey's
 * state into *sv: ERR_NOTFOUND for a survey that is not a consultation. */
static int
lock_consultation(struct db_conn *c, int64_t id, int64_t org_id, struct survey *sv)
{
	int rc = store_survey_lock(c, id, org_id, sv);

	if (rc == 0 && sv->kind != SURVEY_KIND_CONSULTATION)
		rc = ERR_NOTFOUND;
	return rc;
}

/* s as a JSON string, cut at a character to at most max bytes. */
static void
add_json_cut(struct buf *b, struct str s, size_t max)
{
	char cut[AUDIT_NOTE_BYTES + 1];

	if (s.n <= max) {
		buf_add_json_string(b, s);
		return;
	}
	text_copy(cut, sizeof(cut) < max + 1 ? sizeof(cut) : max + 1, s);
	buf_add_json_string(b, str_c(cut));
}

struct consultation_change {
	struct store *s;
	const struct actor *who;
	int64_t id;                                   /* the consultation (its survey) */
	int64_t now;
	const struct consultation_checklist *checklist;
	enum consultation_stage stage;
	struct consultation_document *doc;            /* documents */
	int64_t target;                               /* a document or file */
	int by;                                       /* moving a document */
	struct str name, media_type;                  /* a file */
	const void *bytes;
	size_t size;
	int64_t *made;                                /* a new file's id */
	struct errors e;                              /* the reason for a refusal */
};

static int
checklist_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	const struct consultation_checklist *k = j->checklist;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	struct survey sv;
	int i, rc;

	errors_init(&j->e);
	if ((rc = lock_consultation(c, j->id, j->who->org_id, &sv)) != 0)
		return rc;
	if ((rc = consultation_check_checklist_change(&sv, k, j->now, &j->e)) != 0)
		return rc;
	st = db_prepare(c, "INSERT INTO consultation (survey_id, formative, formative_note, "
	    "information, information_note, enough_time, enough_time_note, consideration, "
	    "consideration_note, checklist_by, checklist_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (survey_id) DO UPDATE SET formative = excluded.formative, "
	    "formative_note = excluded.formative_note, information = excluded.information, "
	    "information_note = excluded.information_note, enough_time = excluded.enough_time, "
	    "enough_time_note = excluded.enough_time_note, consideration = excluded.consideration, "
	    "consideration_note = excluded.consideration_note, "
	    "checklist_by = excluded.checklist_by, checklist_at = excluded.checklist_at");
	db_bind_int(st, 1, j->id);
	for (i = 0; i < CHECK_N; i++) {
		db_bind_text(st, 2 + 2 * i, str_c(check_answer_name(k->items[i].answer)));
		db_bind_text(st, 3 + 2 * i, str_trim(k->items[i].note));
	}
	db_bind_text(st, 10, str_c(j->who->name ? j->who->name : "system"));
	db_bind_int(st, 11, j->now);
	if ((rc = db_exec(st)) != 0)
		return rc;
	buf_addch(&detail, '{');
	for (i = 0; i < CHECK_N; i++) {
		buf_printf(&detail, "%s\"%s\":{\"met\":\"%s\",\"note\":", i ? "," : "",
		    consultation_principle_name((enum consultation_principle)i),
		    check_answer_name(k->items[i].answer));
		add_json_cut(&detail, str_trim(k->items[i].note), AUDIT_NOTE_BYTES);
		buf_addch(&detail, '}');
	}
	buf_addch(&detail, '}');
	rc = store_audit_append(j->s, c, j->who, "consultation.checklist", &detail, "survey:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
store_consultation_set_checklist(struct store *s, const struct actor *who,
    int64_t survey_id, const struct consultation_checklist *k, int64_t now, struct errors *e)
{
	struct consultation_change j = { .s = s, .who = who, .id = survey_id, .now = now,
		.checklist = k };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, checklist_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

static int
stage_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	struct consultation k;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	struct survey sv;
	int rc;

	errors_init(&j->e);
	if ((rc = lock_consultation(c, j->id, j->who->org_id, &sv)) != 0)
		return rc;
	if ((rc = read_locked(c, j->id, &k)) != 0)
		return rc;
	if ((rc = consultation_check_stage(&sv, k.stage, j->stage, j->now, &j->e)) != 0)
		return rc;
	st = db_prepare(c, "INSERT INTO consultation (survey_id, stage, stage_at) VALUES (?, ?, ?) "
	    "ON CONFLICT (survey_id) DO UPDATE SET stage = excluded.stage, "
	    "stage_at = excluded.stage_at");
	db_bind_int(st, 1, j->id);
	db_bind_text(st, 2, str_c(consultation_stage_name(j->stage)));
	db_bind_int(st, 3, j->now);
	if ((rc = db_exec(st)) != 0)
		return rc;
	audit_detail_text(&detail, "stage", consultation_stage_name(j->stage));
	rc = store_audit_append(j->s, c, j->who, "consultation.stage", &detail, "survey:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

int
store_consultation_set_stage(struct store *s, const struct actor *who, int64_t survey_id,
    enum consultation_stage stage, int64_t now, struct errors *e)
{
	struct consultation_change j = { .s = s, .who = who, .id = survey_id, .now = now,
		.stage = stage };
	int rc;

	errors_init(&j.e);
	rc = db_write(s->db, stage_fn, &j);
	store_errors_pass(&j.e, e);
	return rc;
}

/* ---- documents -------------------------------------------------------------------------- */

#define DOCUMENT_COLUMNS "id, survey_id, position, title, created_at, updated_at, " \
	"length(easy_read) > 0"

static struct consultation_document *
document_from_row(struct arena *a, struct db_stmt *st)
{
	struct consultation_document *d = arena_zalloc(a, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->id = db_col_int(st, 0);
	d->survey_id = db_col_int(st, 1);
	d->position = (int)db_col_int(st, 2);
	d->title = arena_str(a, db_col_text(st, 3));
	d->created_at = db_col_int(st, 4);
	d->updated_at = db_col_int(st, 5);
	d->has_easy_read = db_col_int(st, 6) != 0;
	d->body = d->easy_read = (struct str){ "", 0 };
	return d->title.p ? d : NULL;
}

int
store_document_get(struct store *s, struct arena *a, int64_t survey_id, int64_t id,
    struct consultation_document **out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " DOCUMENT_COLUMNS ", body, easy_read "
	    "FROM consultation_document WHERE id = ? AND survey_id = ?");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, survey_id);
	rc = db_row(st);
	if (rc == 0 && (*out = document_from_row(a, st)) == NULL)
		rc = ERR_NOMEM;
	if (rc == 0) {
		(*out)->body = arena_str(a, db_col_text(st, 7));
		(*out)->easy_read = arena_str(a, db_col_text(st, 8));
		if ((*out)->body.p == NULL || (*out)->easy_read.p == NULL)
			rc = ERR_NOMEM;
	}
	db_put(s->db, c);
	return rc;
}

int
store_document_each(struct store *s, struct arena *a, int64_t survey_id,
    store_document_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct consultation_document *d;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " DOCUMENT_COLUMNS " FROM consultation_document "
	    "WHERE survey_id = ? ORDER BY position, id");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		if ((d = document_from_row(a, st)) == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		if ((rc = fn(arg, d)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/* Locks consultation j->id for a change to its documents: 0 when its
 * state allows one. */
static int
lock_for_documents(struct db_conn *c, struct consultation_change *j)
{
	struct survey sv;
	int rc;

	errors_init(&j->e);
	if ((rc = lock_consultation(c, j->id, j->who->org_id, &sv)) != 0)
		return rc;
	return consultation_check_documents_edit(&sv, j->now, &j->e);
}

static int
audit_document(struct consultation_change *j, struct db_conn *c, const char *action,
    int64_t doc, struct str title)
{
	struct buf detail = BUF_INIT;
	int rc;

	buf_printf(&detail, "{\"document\":%lld,\"title\":", (long long)doc);
	buf_add_json_string(&detail, title);
	buf_addch(&detail, '}');
	rc = store_audit_append(j->s, c, j->who, action, &detail, "survey:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

static int
document_add_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	struct consultation_document *d = j->doc;
	struct db_stmt *st;
	int rc;

	if ((rc = lock_for_documents(c, j)) != 0)
		return rc;
	st = db_prepare(c, "SELECT count(*), coalesce(max(position), 0) FROM consultation_document "
	    "WHERE survey_id = ?");
	db_bind_int(st, 1, j->id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (db_col_int(st, 0) >= CONSULTATION_DOCS_MAX) {
		errors_add(&j->e, "survey", "A consultation can have at most %d documents",
		    CONSULTATION_DOCS_MAX);
		return ERR_CONFLICT;
	}
	d->position = (int)db_col_int(st, 1) + 1;
	d->created_at = d->updated_at = j->now;
	st = db_prepare(c, "INSERT INTO consultation_document (survey_id, position, title, body, "
	    "easy_read, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, d->position);
	db_bind_text(st, 3, d->title);
	db_bind_text(st, 4, d->body);
	db_bind_text(st, 5, d->easy_read);
	db_bind_int(st, 6, d->created_at);
	db_bind_int(st, 7, d->updated_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	d->id = db_col_int(st, 0);
	d->has_easy_read = d->easy_read.n > 0;
	return audit_document(j, c, "consultation.document.add", d->id, d->title);
}

static int
document_change(struct store *s, const struct actor *who, int64_t survey_id, int64_t now,
    db_fn fn, struct consultation_change *j, struct errors *e)
{
	int rc;

	j->s = s;
	j->who = who;
	j->id = survey_id;
	j->now = now;
	errors_init(&j->e);
	rc = db_write(s->db, fn, j);
	store_errors_pass(&j->e, e);
	return rc;
}

int
store_document_add(struct store *s, const struct actor *who, struct consultation_document *d,
    int64_t now, struct errors *e)
{
	struct consultation_change j = { .doc = d };

	return document_change(s, who, d->survey_id, now, document_add_fn, &j, e);
}

static int
document_update_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	struct consultation_document *d = j->doc;
	struct db_stmt *st;
	int rc;

	if ((rc = lock_for_documents(c, j)) != 0)
		return rc;
	d->updated_at = j->now;
	st = db_prepare(c, "UPDATE consultation_document SET title = ?, body = ?, easy_read = ?, "
	    "updated_at = ? WHERE id = ? AND survey_id = ?");
	db_bind_text(st, 1, d->title);
	db_bind_text(st, 2, d->body);
	db_bind_text(st, 3, d->easy_read);
	db_bind_int(st, 4, d->updated_at);
	db_bind_int(st, 5, d->id);
	db_bind_int(st, 6, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return ERR_NOTFOUND;
	d->has_easy_read = d->easy_read.n > 0;
	return audit_document(j, c, "consultation.document.update", d->id, d->title);
}

int
store_document_update(struct store *s, const struct actor *who, struct consultation_document *d,
    int64_t now, struct errors *e)
{
	struct consultation_change j = { .doc = d };

	return document_change(s, who, d->survey_id, now, document_update_fn, &j, e);
}

/* Document j->target's position and title, its survey locked. */
static int
read_document(struct db_conn *c, struct consultation_change *j, int *position, char *title,
    size_t size)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT position, title FROM consultation_document "
	    "WHERE id = ? AND survey_id = ?");
	db_bind_int(st, 1, j->target);
	db_bind_int(st, 2, j->id);
	if ((rc = db_row(st)) != 0)
		return rc;
	*position = (int)db_col_int(st, 0);
	text_copy(title, size, db_col_text(st, 1));
	return 0;
}

static int
document_move_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	char title[CONSULTATION_DOC_TITLE_MAX_CHARS * 4 + 1];
	struct db_stmt *st;
	int64_t other;
	int rc, position, other_position;

	if ((rc = lock_for_documents(c, j)) != 0)
		return rc;
	if ((rc = read_document(c, j, &position, title, sizeof(title))) != 0)
		return rc;
	/* The neighbour in the order documents are read in: position, then id. */
	if (j->by < 0)
		st = db_prepare(c, "SELECT id, position FROM consultation_document "
		    "WHERE survey_id = ? AND (position < ?2 OR (position = ?2 AND id < ?3)) "
		    "ORDER BY position DESC, id DESC LIMIT 1");
	else
		st = db_prepare(c, "SELECT id, position FROM consultation_document "
		    "WHERE survey_id = ? AND (position > ?2 OR (position = ?2 AND id > ?3)) "
		    "ORDER BY position, id LIMIT 1");
	db_bind_int(st, 1, j->id);
	db_bind_int(st, 2, position);
	db_bind_int(st, 3, j->target);
	rc = db_row(st);
	if (rc == ERR_NOTFOUND)
		return 0; /* first or last already */
	if (rc != 0)
		return rc;
	other = db_col_int(st, 0);
	other_position = (int)db_col_int(st, 1);
	if (other_position == position)
		other_position += j->by < 0 ? -1 : 1; /* equal places: make them differ */
	st = db_prepare(c, "UPDATE consultation_document SET position = ? WHERE id = ?");
	db_bind_int(st, 1, other_position);
	db_bind_int(st, 2, j->target);
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "UPDATE consultation_document SET position = ? WHERE id = ?");
	db_bind_int(st, 1, position);
	db_bind_int(st, 2, other);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return audit_document(j, c, j->by < 0 ? "consultation.document.up" :
	    "consultation.document.down", j->target, str_c(title));
}

int
store_document_move(struct store *s, const struct actor *who, int64_t survey_id, int64_t id,
    int by, int64_t now, struct errors *e)
{
	struct consultation_change j = { .target = id, .by = by < 0 ? -1 : 1 };

	return document_change(s, who, survey_id, now, document_move_fn, &j, e);
}

static int
document_delete_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	char title[CONSULTATION_DOC_TITLE_MAX_CHARS * 4 + 1];
	struct db_stmt *st;
	int rc, position;

	if ((rc = lock_for_documents(c, j)) != 0)
		return rc;
	if ((rc = read_document(c, j, &position, title, sizeof(title))) != 0)
		return rc;
	/* Its files go with it (ON DELETE CASCADE). */
	st = db_prepare(c, "DELETE FROM consultation_document WHERE id = ? AND survey_id = ?");
	db_bind_int(st, 1, j->target);
	db_bind_int(st, 2, j->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return audit_document(j, c, "consultation.document.delete", j->target, str_c(title));
}

int
store_document_delete(struct store *s, const struct actor *who, int64_t survey_id, int64_t id,
    int64_t now, struct errors *e)
{
	struct consultation_change j = { .target = id };

	return document_change(s, who, survey_id, now, document_delete_fn, &j, e);
}

/* ---- attached files ---------------------------------------------------------------------- */

static int
audit_file(struct consultation_change *j, struct db_conn *c, const char *action, int64_t doc,
    int64_t id, struct str name, struct str media_type, int64_t size)
{
	struct buf detail = BUF_INIT;
	int rc;

	buf_printf(&detail, "{\"document\":%lld,\"file\":%lld,\"name\":", (long long)doc,
	    (long long)id);
	buf_add_json_string(&detail, name);
	buf_add_c(&detail, ",\"media_type\":");
	buf_add_json_string(&detail, media_type);
	buf_printf(&detail, ",\"size\":%lld}", (long long)size);
	rc = store_audit_append(j->s, c, j->who, action, &detail, "survey:%lld",
	    (long long)j->id);
	buf_free(&detail);
	return rc;
}

static int
attachment_add_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	struct db_stmt *st;
	int rc;

	if ((rc = lock_for_documents(c, j)) != 0)
		return rc;
	st = db_prepare(c, "SELECT count(a.id) FROM consultation_document d "
	    "LEFT JOIN consultation_attachment a ON a.document_id = d.id "
	    "WHERE d.id = ? AND d.survey_id = ? GROUP BY d.id");
	db_bind_int(st, 1, j->target);
	db_bind_int(st, 2, j->id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (db_col_int(st, 0) >= CONSULTATION_FILES_MAX) {
		errors_add(&j->e, "document", "A document can have at most %d files",
		    CONSULTATION_FILES_MAX);
		return ERR_CONFLICT;
	}
	st = db_prepare(c, "INSERT INTO consultation_attachment (document_id, name, media_type, "
	    "size, content, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->target);
	db_bind_text(st, 2, j->name);
	db_bind_text(st, 3, j->media_type);
	db_bind_int(st, 4, (int64_t)j->size);
	db_bind_blob(st, 5, j->bytes, j->size);
	db_bind_int(st, 6, j->now);
	if ((rc = db_row(st)) != 0)
		return rc;
	*j->made = db_col_int(st, 0);
	return audit_file(j, c, "consultation.file.add", j->target, *j->made, j->name,
	    j->media_type, (int64_t)j->size);
}

int
store_attachment_add(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t document_id, struct str name, struct str media_type, const void *bytes,
    size_t size, int64_t now, int64_t *id, struct errors *e)
{
	struct consultation_change j = { .target = document_id, .name = name,
		.media_type = media_type, .bytes = bytes, .size = size, .made = id };

	return document_change(s, who, survey_id, now, attachment_add_fn, &j, e);
}

#define ATTACHMENT_COLUMNS "a.id, a.document_id, a.name, a.media_type, a.size, a.created_at"

static int
attachment_from_row(struct arena *a, struct db_stmt *st, struct consultation_attachment *f)
{
	f->id = db_col_int(st, 0);
	f->document_id = db_col_int(st, 1);
	f->name = arena_str(a, db_col_text(st, 2));
	f->media_type = arena_str(a, db_col_text(st, 3));
	f->size = db_col_int(st, 4);
	f->created_at = db_col_int(st, 5);
	return f->name.p && f->media_type.p ? 0 : ERR_NOMEM;
}

int
store_attachment_each(struct store *s, struct arena *a, int64_t survey_id,
    store_attachment_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct consultation_attachment f;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " ATTACHMENT_COLUMNS " FROM consultation_attachment a "
	    "JOIN consultation_document d ON d.id = a.document_id WHERE d.survey_id = ? "
	    "ORDER BY d.position, d.id, a.id");
	db_bind_int(st, 1, survey_id);
	while ((rc = db_step(st)) == DB_ROW) {
		if ((rc = attachment_from_row(a, st, &f)) != 0)
			break;
		if ((rc = fn(arg, &f)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

int
store_attachment_get(struct store *s, struct arena *a, int64_t survey_id, int64_t id,
    struct consultation_attachment *out, struct buf *content)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	struct str bytes;
	int rc;

	st = db_prepare(c, "SELECT " ATTACHMENT_COLUMNS ", a.content "
	    "FROM consultation_attachment a JOIN consultation_document d "
	    "ON d.id = a.document_id WHERE a.id = ? AND d.survey_id = ?");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, survey_id);
	rc = db_row(st);
	if (rc == 0)
		rc = attachment_from_row(a, st, out);
	if (rc == 0 && content != NULL) {
		bytes = db_col_blob(st, 6);
		buf_add(content, bytes.p, bytes.n);
		if (!buf_ok(content))
			rc = ERR_NOMEM;
	}
	db_put(s->db, c);
	return rc;
}

static int
attachment_delete_fn(struct db_conn *c, void *arg)
{
	struct consultation_change *j = arg;
	char name[CONSULTATION_FILE_NAME_MAX_CHARS * 4 + 1], type[128];
	struct db_stmt *st;
	int64_t doc, size;
	int rc;

	if ((rc = lock_for_documents(c, j)) != 0)
		return rc;
	st = db_prepare(c, "SELECT a.document_id, a.name, a.media_type, a.size "
	    "FROM consultation_attachment a JOIN consultation_document d ON d.id = a.document_id "
	    "WHERE a.id = ? AND d.survey_id = ?");
	db_bind_int(st, 1, j->target);
	db_bind_int(st, 2, j->id);
	if ((rc = db_row(st)) != 0)
		return rc;
	doc = db_col_int(st, 0);
	text_copy(name, sizeof(name), db_col_text(st, 1));
	text_copy(type, sizeof(type), db_col_text(st, 2));
	size = db_col_int(st, 3);
	st = db_prepare(c, "DELETE FROM consultation_attachment WHERE id = ?");
	db_bind_int(st, 1, j->target);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return audit_file(j, c, "consultation.file.delete", doc, j->target, str_c(name),
	    str_c(type), size);
}

int
store_attachment_delete(struct store *s, const struct actor *who, int64_t survey_id, int64_t id,
    int64_t now, struct errors *e)
{
	struct consultation_change j = { .target = id };

	return document_change(s, who, survey_id, now, attachment_delete_fn, &j, e);
}
