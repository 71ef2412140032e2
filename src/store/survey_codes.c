/*
 * survey_codes.c - invitation codes of a survey answered with a code
 * (store_survey.h): batches of keyed hashes; a code begins one response
 * and leads back to it until it is submitted, when the code goes
 * (survey_code_used, called in the submission's transaction).
 */
#include <string.h>

#include "involve/store_survey.h"
#include "store_priv.h"

struct survey_codes_job {
	struct store *s;
	const struct actor *who;
	int64_t survey_id;
	const unsigned char (*hashes)[SECRET_HASH_BYTES];
	int n;
	int64_t now;
	int64_t batch_id;
	struct errors *e;
};

static int
codes_add_fn(struct db_conn *c, void *arg)
{
	struct survey_codes_job *j = arg;
	struct survey sv;
	struct db_stmt *st;
	struct buf detail = BUF_INIT;
	enum poll_who who;
	int i, rc;

	if ((rc = store_survey_lock(c, j->survey_id, j->who->org_id, &sv)) != 0)
		return rc;
	/* The lock reads the state; who may answer is read here. */
	st = db_prepare(c, "SELECT who FROM survey WHERE id = ?");
	db_bind_int(st, 1, j->survey_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	if (poll_who_parse(db_col_text(st, 0), &who) != 0 || who != POLL_WHO_CODE) {
		errors_add(j->e, "survey", "This survey is answered by anyone: it has no codes");
		return ERR_CONFLICT;
	}
	if (survey_status(&sv, j->now) == POLL_CLOSED) {
		errors_add(j->e, "survey", "The survey has closed");
		return ERR_CONFLICT;
	}
	st = db_prepare(c, "INSERT INTO survey_code_batch (survey_id, created_at, issued) "
	    "VALUES (?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->survey_id);
	db_bind_int(st, 2, j->now);
	db_bind_int(st, 3, j->n);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->batch_id = db_col_int(st, 0);
	for (i = 0; i < j->n; i++) {
		st = db_prepare(c, "INSERT INTO survey_code (hash, survey_id, batch_id) "
		    "VALUES (?, ?, ?)");
		db_bind_blob(st, 1, j->hashes[i], SECRET_HASH_BYTES);
		db_bind_int(st, 2, j->survey_id);
		db_bind_int(st, 3, j->batch_id);
		if ((rc = db_exec(st)) != 0)
			return rc;
	}
	buf_printf(&detail, "{\"batch\":%lld,\"issued\":%d}", (long long)j->batch_id, j->n);
	rc = store_audit_append(j->s, c, j->who, "survey.codes", &detail, "survey:%lld",
	    (long long)j->survey_id);
	buf_free(&detail);
	return rc;
}

int
store_survey_codes_add(struct store *s, const struct actor *who, int64_t survey_id,
    const unsigned char (*hashes)[SECRET_HASH_BYTES], int n, int64_t now, int64_t *batch_id,
    struct errors *e)
{
	struct survey_codes_job j = { s, who, survey_id, hashes, n, now, 0, e };
	int rc = db_write(s->db, codes_add_fn, &j);

	*batch_id = rc == 0 ? j.batch_id : 0;
	return rc;
}

struct code_start {
	int64_t survey_id;
	const unsigned char *code;
	const unsigned char *link;
	int64_t now;
	int64_t response_id;
};

static int
code_start_fn(struct db_conn *c, void *arg)
{
	struct code_start *j = arg;
	struct survey sv;
	struct db_stmt *st;
	int64_t response;
	int rc;

	if ((rc = store_survey_lock(c, j->survey_id, STORE_ANY_ORG, &sv)) != 0)
		return rc;
	if (!survey_is_open(&sv, j->now))
		return ERR_CONFLICT;
	st = db_prepare(c, "SELECT c.response_id FROM survey_code c JOIN survey_code_batch b "
	    "ON b.id = c.batch_id WHERE c.hash = ? AND c.survey_id = ? AND b.withdrawn_at = 0");
	db_bind_blob(st, 1, j->code, STORE_HASH_SIZE);
	db_bind_int(st, 2, j->survey_id);
	if ((rc = db_row(st)) == ERR_NOTFOUND)
		return ERR_CODE_SPENT;
	if (rc != 0)
		return rc;
	response = db_col_int(st, 0);
	if (response != 0) {
		/* Back to the response the code began: under the new link, the
		 * old one no longer works. */
		st = db_prepare(c, "UPDATE survey_response SET link = ? WHERE id = ? AND "
		    "state = 'partial'");
		db_bind_blob(st, 1, j->link, STORE_HASH_SIZE);
		db_bind_int(st, 2, response);
		if ((rc = db_exec(st)) != 0)
			return rc;
		if (db_changes(st) == 0)
			return ERR_CODE_SPENT;
		j->response_id = response;
		return 0;
	}
	st = db_prepare(c, "INSERT INTO survey_response (survey_id, channel, state, version, "
	    "answers, page, created_at, updated_at, link) VALUES (?, 'online', 'partial', ?, '', '', "
	    "?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->survey_id);
	db_bind_int(st, 2, sv.version);
	/* The hour only, as every response keeps. */
	db_bind_int(st, 3, j->now - j->now % 3600);
	db_bind_int(st, 4, j->now - j->now % 3600);
	db_bind_blob(st, 5, j->link, STORE_HASH_SIZE);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->response_id = db_col_int(st, 0);
	st = db_prepare(c, "UPDATE survey_code SET response_id = ? WHERE hash = ?");
	db_bind_int(st, 1, j->response_id);
	db_bind_blob(st, 2, j->code, STORE_HASH_SIZE);
	return db_exec(st);
}

int
store_survey_code_start(struct store *s, int64_t survey_id,
    const unsigned char code[STORE_HASH_SIZE], const unsigned char link[STORE_HASH_SIZE],
    int64_t now, int64_t *response_id)
{
	struct code_start j = { survey_id, code, link, now, 0 };
	int rc = db_write(s->db, code_start_fn, &j);

	*response_id = rc == 0 ? j.response_id : 0;
	return rc;
}

int
survey_code_used(struct db_conn *c, int64_t response_id)
{
	struct db_stmt *st;
	int64_t batch;
	int rc;

	st = db_prepare(c, "DELETE FROM survey_code WHERE response_id = ? RETURNING batch_id");
	db_bind_int(st, 1, response_id);
	if ((rc = db_row(st)) == ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	batch = db_col_int(st, 0);
	/* Stepped to its end, so the statement is done before the next. */
	while ((rc = db_step(st)) == DB_ROW)
		;
	if (rc != DB_DONE)
		return rc;
	st = db_prepare(c, "UPDATE survey_code_batch SET used = used + 1 WHERE id = ?");
	db_bind_int(st, 1, batch);
	return db_exec(st);
}

/* ---- batches ------------------------------------------------------------------------------ */

static int
batches_read(struct store *s, int64_t survey_id, int64_t batch_id, store_batch_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct code_batch b;
	struct db_stmt *st;
	int rc, n = 0;

	st = db_prepare(c, "SELECT id, created_at, issued, used, withdrawn_at FROM "
	    "survey_code_batch WHERE survey_id = ? AND (? = 0 OR id = ?) ORDER BY id");
	db_bind_int(st, 1, survey_id);
	db_bind_int(st, 2, batch_id);
	db_bind_int(st, 3, batch_id);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&b, 0, sizeof(b));
		b.id = db_col_int(st, 0);
		b.created_at = db_col_int(st, 1);
		b.issued = db_col_int(st, 2);
		b.used = db_col_int(st, 3);
		b.withdrawn_at = db_col_int(st, 4);
		n++;
		if ((rc = fn(arg, &b)) != 0)
			break;
	}
	db_put(s->db, c);
	if (rc < 0 && rc != DB_DONE)
		return rc;
	return batch_id != 0 && n == 0 ? ERR_NOTFOUND : 0;
}

int
store_survey_code_batches(struct store *s, int64_t survey_id, store_batch_fn fn, void *arg)
{
	return batches_read(s, survey_id, 0, fn, arg);
}

static int
batch_copy(void *arg, const struct code_batch *b)
{
	*(struct code_batch *)arg = *b;
	return 0;
}

int
store_survey_code_batch_get(struct store *s, int64_t survey_id, int64_t batch_id,
    struct code_batch *out)
{
	if (batch_id <= 0)
		return ERR_NOTFOUND;
	return batches_read(s, survey_id, batch_id, batch_copy, out);
}

struct withdraw_job {
	struct store *s;
	const struct actor *who;
	int64_t survey_id, batch_id, now;
};

static int
withdraw_fn(struct db_conn *c, void *arg)
{
	struct withdraw_job *j = arg;
	struct survey sv;
	struct db_stmt *st;
	int rc;

	static const struct code_batch_sql q = {
		"UPDATE survey_code_batch SET withdrawn_at = ? "
		"WHERE id = ? AND survey_id = ? AND withdrawn_at = 0",
		"SELECT 1 FROM survey_code_batch WHERE id = ? AND survey_id = ?",
	};

	if ((rc = store_survey_lock(c, j->survey_id, j->who->org_id, &sv)) != 0)
		return rc;
	if ((rc = store_code_batch_withdraw(c, &q, j->survey_id, j->batch_id, j->now)) != 0)
		return rc;
	/* A code whose response is under way stays, so that sending it
	 * still counts as a use; the batch being withdrawn, it leads
	 * nowhere (store_survey_code_start). */
	st = db_prepare(c, "DELETE FROM survey_code WHERE batch_id = ? AND response_id = 0");
	db_bind_int(st, 1, j->batch_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "survey.codes_withdraw", NULL, "batch:%lld",
	    (long long)j->batch_id);
}

int
store_survey_codes_withdraw(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t batch_id, int64_t now)
{
	struct withdraw_job j = { s, who, survey_id, batch_id, now };

	return db_write(s->db, withdraw_fn, &j);
}
