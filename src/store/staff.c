/*
 * staff.c - organisations, staff users, sessions and API tokens (see
 * store.h).  Reads take a connection from the pool; changes run through
 * db_write, each with its audit entry in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "involve/text.h"
#include "store_priv.h"

/* ---- organisations ----------------------------------------------------------- */

struct org_change {
	struct store *s;
	const struct actor *who;
	struct org *org;
};

static int
org_create_fn(struct db_conn *c, void *arg)
{
	struct org_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->org->created_at = store_now();
	st = db_prepare(c, "INSERT INTO org (slug, name, created_at, require_mfa, frame_origins, "
	    "suppress_below) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_text(st, 1, str_c(j->org->slug));
	db_bind_text(st, 2, str_c(j->org->name));
	db_bind_int(st, 3, j->org->created_at);
	db_bind_text(st, 4, str_c(mfa_policy_name(j->org->require_mfa)));
	db_bind_text(st, 5, str_c(j->org->frame_origins));
	db_bind_int(st, 6, j->org->suppress_below);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->org->id = db_col_int(st, 0);
	org_audit_detail(&detail, j->org);
	rc = store_audit_append(j->s, c, j->who, "org.create", &detail, "org:%lld",
	    (long long)j->org->id);
	buf_free(&detail);
	return rc;
}

int
store_org_create(struct store *s, const struct actor *who, struct org *o)
{
	struct org_change j = { s, who, o };

	return db_write(s->db, org_create_fn, &j);
}

static void
org_from_row(struct db_stmt *st, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int(st, 0);
	text_copy(o->slug, sizeof(o->slug), db_col_text(st, 1));
	text_copy(o->name, sizeof(o->name), db_col_text(st, 2));
	o->created_at = db_col_int(st, 3);
	if (mfa_policy_parse(db_col_text(st, 4), &o->require_mfa) != 0)
		o->require_mfa = MFA_ALL; /* unknown: the strictest */
	text_copy(o->frame_origins, sizeof(o->frame_origins), db_col_text(st, 5));
	o->suppress_below = (int)db_col_int(st, 6);
}

#define ORG_COLUMNS "id, slug, name, created_at, require_mfa, frame_origins, suppress_below"

int
store_org_get(struct store *s, int64_t id, struct org *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " ORG_COLUMNS " FROM org WHERE id = ?");
	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) == 0)
		org_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

int
store_org_get_by_slug(struct store *s, struct str slug, struct org *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " ORG_COLUMNS " FROM org WHERE slug = ?");
	db_bind_text(st, 1, slug);
	if ((rc = db_row(st)) == 0)
		org_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

int
store_org_each(struct store *s, store_org_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	struct org o;
	int rc;

	st = db_prepare(c, "SELECT " ORG_COLUMNS " FROM org ORDER BY name");
	while ((rc = db_step(st)) == DB_ROW) {
		org_from_row(st, &o);
		if ((rc = fn(arg, &o)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/* ---- staff users ------------------------------------------------------------------ */

struct user_change {
	struct store *s;
	const struct actor *who;
	struct user *user;
	int64_t user_id;
	const char *hash;
};

static int
user_create_fn(struct db_conn *c, void *arg)
{
	struct user_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	j->user->created_at = store_now();
	st = db_prepare(c, "INSERT INTO staff_user (org_id, email, role, password_hash, created_at) "
	    "VALUES (?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, j->user->org_id);
	db_bind_text(st, 2, str_c(j->user->email));
	db_bind_text(st, 3, str_c(role_name(j->user->role)));
	db_bind_text(st, 4, str_c(j->user->password_hash));
	db_bind_int(st, 5, j->user->created_at);
	if ((rc = db_row(st)) != 0)
		return rc;
	j->user->id = db_col_int(st, 0);
	user_audit_detail(&detail, j->user);
	rc = store_audit_append(j->s, c, j->who, "user.create", &detail, "user:%lld",
	    (long long)j->user->id);
	buf_free(&detail);
	return rc;
}

int
store_user_create(struct store *s, const struct actor *who, struct user *u)
{
	struct user_change j = { .s = s, .who = who, .user = u };

	return db_write(s->db, user_create_fn, &j);
}

static void
user_from_row(struct db_stmt *st, struct user *u)
{
	struct str v;

	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	u->org_id = db_col_int(st, 1);
	text_copy(u->email, sizeof(u->email), db_col_text(st, 2));
	if (role_parse(db_col_text(st, 3), &u->role) != 0)
		u->role = ROLE_VIEWER; /* unknown role: least privilege */
	text_copy(u->password_hash, sizeof(u->password_hash), db_col_text(st, 4));
	u->created_at = db_col_int(st, 5);
	u->disabled_at = db_col_int(st, 6);
	u->mfa_on = db_col_int(st, 7);
	u->mfa_step = db_col_int(st, 8);
	v = db_col_blob(st, 9);
	if (v.n <= sizeof(u->mfa_secret)) {
		memcpy(u->mfa_secret, v.p, v.n);
		u->mfa_secret_n = v.n;
	}
}

#define USER_COLUMNS "id, org_id, email, role, password_hash, created_at, disabled_at, mfa_on, " \
	"mfa_step, mfa_secret"

int
store_user_get(struct store *s, int64_t id, struct user *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " USER_COLUMNS " FROM staff_user WHERE id = ?");
	db_bind_int(st, 1, id);
	if ((rc = db_row(st)) == 0)
		user_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

int
store_user_get_by_email(struct store *s, struct str email, struct user *out)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "SELECT " USER_COLUMNS " FROM staff_user WHERE email = ?");
	db_bind_text(st, 1, email);
	if ((rc = db_row(st)) == 0)
		user_from_row(st, out);
	db_put(s->db, c);
	return rc;
}

static int
user_password_fn(struct db_conn *c, void *arg)
{
	struct user_change *j = arg;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE staff_user SET password_hash = ? WHERE id = ?");
	db_bind_text(st, 1, str_c(j->hash));
	db_bind_int(st, 2, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return ERR_NOTFOUND;
	/* A new password ends every session and token of that user. */
	if ((rc = store_user_end_access(c, j->user_id, store_now())) != 0)
		return rc;
	return store_audit_append(j->s, c, j->who, "user.password", NULL, "user:%lld",
	    (long long)j->user_id);
}

int
store_user_set_password(struct store *s, const struct actor *who, int64_t user_id,
    const char *hash)
{
	struct user_change j = { .s = s, .who = who, .user_id = user_id, .hash = hash };

	return db_write(s->db, user_password_fn, &j);
}

int
store_user_end_access(struct db_conn *c, int64_t user_id, int64_t now)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "DELETE FROM session WHERE user_id = ?");
	db_bind_int(st, 1, user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0");
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, user_id);
	return db_exec(st);
}

int
store_user_each(struct store *s, int64_t org_id, store_user_fn fn, void *arg)
{
	struct db_conn *c = db_get(s->db);
	struct db_stmt *st;
	struct user u;
	int rc;

	st = db_prepare(c, "SELECT " USER_COLUMNS " FROM staff_user WHERE org_id = ? ORDER BY email");
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == DB_ROW) {
		user_from_row(st, &u);
		if ((rc = fn(arg, &u)) != 0)
			break;
	}
	db_put(s->db, c);
	return rc < 0 ? rc : 0;
}

/*
 * The user (of org_id) a change is about, read inside the change, and
 * whether it is the organisation's last administrator who can sign in:
 * the rule that an organisation is never left without one holds against
 * two administrators disabling each other at once, because both changes
 * lock the organisation's row first.
 */
static int
user_for_change(struct db_conn *c, int64_t org_id, int64_t user_id, struct user *u,
    bool *last_admin)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE org SET created_at = created_at WHERE id = ?");
	db_bind_int(st, 1, org_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	st = db_prepare(c, "SELECT " USER_COLUMNS " FROM staff_user WHERE id = ? AND org_id = ?");
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, org_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	user_from_row(st, u);
	st = db_prepare(c, "SELECT count(*) FROM staff_user WHERE org_id = ? AND role = ? "
	    "AND disabled_at = 0 AND id <> ?");
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, str_c(role_name(ROLE_ADMIN)));
	db_bind_int(st, 3, user_id);
	if ((rc = db_row(st)) != 0)
		return rc;
	*last_admin = u->role == ROLE_ADMIN && u->disabled_at == 0 && db_col_int(st, 0) == 0;
	return 0;
}

struct user_access {
	struct store *s;
	const struct actor *who;
	int64_t org_id, user_id;
	enum role role;
	bool disable;
	struct errors *e;
};

static int
user_role_fn(struct db_conn *c, void *arg)
{
	struct user_access *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	struct user u;
	bool last_admin;
	int rc;

	if ((rc = user_for_change(c, j->org_id, j->user_id, &u, &last_admin)) != 0)
		return rc;
	if (u.role == j->role)
		return 0;
	if (last_admin) {
		errors_add(j->e, "role", "%s is the organisation's only administrator: make someone "
		    "else an administrator first", u.email);
		return ERR_CONFLICT;
	}
	st = db_prepare(c, "UPDATE staff_user SET role = ? WHERE id = ?");
	db_bind_text(st, 1, str_c(role_name(j->role)));
	db_bind_int(st, 2, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	/* A change of privilege starts the user's sessions anew (they sign in
	 * again); their API tokens carry the new role from now on. */
	st = db_prepare(c, "DELETE FROM session WHERE user_id = ?");
	db_bind_int(st, 1, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	buf_add_c(&detail, "{\"email\":");
	buf_add_json_string(&detail, str_c(u.email));
	buf_printf(&detail, ",\"from\":\"%s\",\"to\":\"%s\"}", role_name(u.role),
	    role_name(j->role));
	rc = store_audit_append(j->s, c, j->who, "user.role", &detail, "user:%lld",
	    (long long)j->user_id);
	buf_free(&detail);
	return rc;
}

int
store_user_set_role(struct store *s, const struct actor *who, int64_t org_id, int64_t user_id,
    enum role role, struct errors *e)
{
	struct user_access j = { .s = s, .who = who, .org_id = org_id, .user_id = user_id,
		.role = role, .e = e };

	return db_write(s->db, user_role_fn, &j);
}

static int
user_disable_fn(struct db_conn *c, void *arg)
{
	struct user_access *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	struct user u;
	bool last_admin;
	int64_t now = store_now();
	int rc;

	if ((rc = user_for_change(c, j->org_id, j->user_id, &u, &last_admin)) != 0)
		return rc;
	if (j->disable && u.disabled_at != 0) {
		errors_add(j->e, "email", "%s is already disabled", u.email);
		return ERR_CONFLICT;
	}
	if (!j->disable && u.disabled_at == 0) {
		errors_add(j->e, "email", "%s can already sign in", u.email);
		return ERR_CONFLICT;
	}
	if (j->disable && last_admin) {
		errors_add(j->e, "email", "%s is the organisation's only administrator: make someone "
		    "else an administrator first", u.email);
		return ERR_CONFLICT;
	}
	st = db_prepare(c, "UPDATE staff_user SET disabled_at = ? WHERE id = ?");
	db_bind_int(st, 1, j->disable ? now : 0);
	db_bind_int(st, 2, j->user_id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (j->disable && (rc = store_user_end_access(c, j->user_id, now)) != 0)
		return rc;
	buf_add_c(&detail, "{\"email\":");
	buf_add_json_string(&detail, str_c(u.email));
	buf_addch(&detail, '}');
	rc = store_audit_append(j->s, c, j->who, j->disable ? "user.disable" : "user.enable",
	    &detail, "user:%lld", (long long)j->user_id);
	buf_free(&detail);
	return rc;
}

int
store_user_disable(struct store *s, const struct actor *who, int64_t org_id, int64_t user_id,
    bool disable, struct errors *e)
{
	struct user_access j = { .s = s, .who = who, .org_id = org_id, .user_id = user_id,
		.disable = disable, .e = e };

	return db_write(s->db, user_disable_fn, &j);
}

struct org_settings_change {
	struct store *s;
	const struct actor *who;
	const struct org *org;
};

static int
org_settings_fn(struct db_conn *c, void *arg)
{
	struct org_settings_change *j = arg;
	struct buf detail = BUF_INIT;
	struct db_stmt *st;
	int rc;

	st = db_prepare(c, "UPDATE org SET require_mfa = ?, frame_origins = ?, suppress_below = ? "
	    "WHERE id = ?");
	db_bind_text(st, 1, str_c(mfa_policy_name(j->org->require_mfa)));
	db_bind_text(st, 2, str_c(j->org->frame_origins));
	db_bind_int(st, 3, j->org->suppress_below);
	db_bind_int(st, 4, j->org->id);
	if ((rc = db_exec(st)) != 0)
		return rc;
	if (db_changes(st) == 0)
		return ERR_NOTFOUND;
	buf_printf(&detail, "{\"require_mfa\":\"%s\",\"frame_origins\":",
	    mfa_policy_name(j->org->require_mfa));
	buf_add_json_string(&detail, str_c(j->org->frame_origins));
	buf_printf(&detail, ",\"suppress_below\":%d}", j->org->suppress_below);
	rc = store_audit_append(j->s, c, j->who, "org.settings", &detail, "org:%lld",
	    (long long)j->org->id);
	buf_free(&detail);
	return rc;
}

int
store_org_update_settings(struct store *s, const struct actor *who, const struct org *o)
{
	struct org_settings_change j = { s, who, o };

	return db_write(s->db, org_settings_fn, &j);
}
