/*
 * handlers_staff_users.c - an organisation's administrators manage its
 * staff (role, disabling an account, resetting a lost second factor,
 * lifting a sign-in throttle) and its settings (whom it requires a second
 * factor of, the sites that may frame its polls).
 *
 * Every change has a confirmation step where it cannot be undone at once
 * (disabling, resetting), goes through the store with its audit entry,
 * and is refused there when it would leave the organisation without an
 * administrator who can sign in.  Another organisation's user is "not
 * found".
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "involve/app.h"
#include "involve/suppress.h"
#include "involve/auth.h"
#include "involve/input.h"
#include "involve/signin.h"
#include "handlers.h"
#include "pages.h"

/* ---- the declared fields -------------------------------------------------------- */

static const char *const role_choices[] = { "administrator", "engagement_officer", "analyst",
	"facilitator", "viewer", NULL };

struct role_form {
	int role;
};

static const struct input_field role_fields[] = {
	{ "role", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct role_form, role), 0, 0, 0,
	    role_choices, N_("the role") },
};
const struct input_spec staff_user_role_input = { INPUT_FORM, 1, role_fields };

struct action_form {
	bool confirm;
};

static const struct input_field action_fields[] = {
	{ "confirm", INPUT_BOOL, 0, offsetof(struct action_form, confirm), 0, 0, 0, NULL,
	    N_("the confirmation") },
};
const struct input_spec staff_user_action_input = { INPUT_FORM, 1, action_fields };

static const char *const mfa_choices[] = { "none", "administrators", "all", NULL };

struct settings_form {
	int require_mfa;
	struct str frame_origins;
	int64_t suppress_below;
};

static const struct input_field settings_fields[] = {
	{ "require_mfa", INPUT_CHOICE, INPUT_REQUIRED, offsetof(struct settings_form, require_mfa),
	    0, 0, 0, mfa_choices, N_("whom two-step verification is required of") },
	{ "frame_origins", INPUT_TEXT, 0, offsetof(struct settings_form, frame_origins), 0, 0, 0,
	    NULL, N_("the websites") },
	{ "suppress_below", INPUT_NUMBER, 0, offsetof(struct settings_form,
	    suppress_below), 0, SUPPRESS_BELOW_MIN, SUPPRESS_BELOW_MAX, NULL,
	    N_("the smallest count published") },
};
const struct input_spec staff_settings_input = { INPUT_FORM, 3, settings_fields };

/* ---- the list -------------------------------------------------------------------- */

struct user_rows {
	const struct http_request *req;
	json_t *items;
};

static int
user_row(void *arg, const struct user *u)
{
	struct user_rows *r = arg;
	char href[64];

	snprintf(href, sizeof(href), "/staff/users/%lld", (long long)u->id);
	json_array_append_new(r->items, json_pack("{s:s, s:s, s:s, s:b, s:b}", "email", u->email,
	    "href", href, "role", tr(r->req, role_label(u->role)), "two_step", u->mfa_on != 0,
	    "disabled", u->disabled_at != 0));
	return 0;
}

int
handle_staff_users(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct user_rows r = { req, json_array() };
	struct str done;
	json_t *ctx;
	int rc;

	rc = store_user_each(req->app->store, a->user.org_id, user_row, &r);
	if (rc != 0) {
		json_decref(r.items);
		return reply_error(req, res, rc, NULL);
	}
	ctx = json_pack("{s:s, s:o, s:o, s:s, s:s}", "title", tr(req, "Staff"), "site",
	    pages_staff_site(a), "users", r.items, "org_name", a->org.name, "require_mfa",
	    tr(req, mfa_policy_label(a->org.require_mfa)));
	if (ctx && http_query(req, "done", &done) && str_eq_c(done, "settings"))
		json_object_set_new(ctx, "done", json_string(tr(req, "The settings have been "
		    "saved.")));
	return page_render(req, res, "staff/users", ctx);
}

/* ---- one user ---------------------------------------------------------------------- */

/* The user named by the path, of the administrator's organisation. */
static int
path_user(struct http_request *req, struct user *u)
{
	struct auth *a = pages_staff(req);
	int rc = store_user_get(req->app->store, http_param_id(req, "id"), u);

	if (rc == 0 && u->org_id != a->user.org_id)
		rc = ERR_NOTFOUND;
	return rc;
}

/* What the page says after each change that leads back to it. */
static const struct pages_done done_texts[] = {
	{ "role", N_("The role has been changed. They will need to sign in again.") },
	{ "disable", N_("The account has been disabled. It can no longer sign in, and its "
	    "sessions and API tokens have ended.") },
	{ "enable", N_("The account can sign in again.") },
	{ "reset-two-step", N_("Two-step verification has been reset. They will set it up "
	    "again the next time they sign in.") },
	{ "unblock", N_("They can try to sign in again now.") },
};
#define DONE_N (sizeof(done_texts) / sizeof(done_texts[0]))

/*
 * e as the page can show it, in shown: the store names the account's
 * "email" in its refusals (the last administrator, already disabled), but
 * these pages have no such field to link to.  An error of any field but
 * keep (NULL: the page has none) is about the change as a whole, plain
 * text in the error summary rather than a link that leads nowhere.
 */
static void
errors_for_page(const struct errors *e, const char *keep, struct errors *shown)
{
	int i;

	*shown = *e;
	for (i = 0; i < shown->n; i++)
		if (keep == NULL || strcmp(shown->list[i].field, keep) != 0)
			shown->list[i].field[0] = '\0';
}

static int
user_page(struct http_request *req, struct http_response *res, int status, const struct user *u,
    const struct errors *e)
{
	struct auth *a = pages_staff(req);
	json_t *ctx, *roles = json_array();
	char base[64];
	const char *text;
	int i;

	for (i = 0; role_choices[i] != NULL; i++)
		json_array_append_new(roles, json_pack("{s:s, s:s, s:b}", "value", role_choices[i],
		    "label", tr(req, role_label((enum role)i)), "selected", (int)u->role == i));
	snprintf(base, sizeof(base), "/staff/users/%lld", (long long)u->id);
	ctx = json_pack("{s:s, s:o, s:s, s:s, s:o, s:s, s:b, s:b, s:b, s:{s:s}}", "title", u->email,
	    "site", pages_staff_site(a), "email", u->email, "role", tr(req, role_label(u->role)),
	    "roles", roles, "base", base, "two_step", u->mfa_on != 0, "disabled",
	    u->disabled_at != 0, "self", u->id == a->user.id, "back_link", "href", "/staff/users");
	if (ctx == NULL)
		return reply_error(req, res, ERR_NOMEM, NULL);
	json_object_set_new(ctx, "created", pages_date(req, u->created_at));
	if ((text = pages_done_text(req, done_texts, DONE_N)) != NULL)
		json_object_set_new(ctx, "done", json_string(text));
	if (e != NULL && errors_any(e)) {
		struct errors shown;

		errors_for_page(e, "role", &shown);
		page_add_errors(req, ctx, &shown);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "role", "role_error");
	}
	res->status = status;
	return page_render(req, res, "staff/user", ctx);
}

int
handle_staff_user(struct http_request *req, struct http_response *res)
{
	struct user u;
	int rc = path_user(req, &u);

	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	return user_page(req, res, 200, &u, NULL);
}

static int
done_redirect(struct http_response *res, const struct user *u, const char *what)
{
	char to[96];

	snprintf(to, sizeof(to), "/staff/users/%lld?done=%s", (long long)u->id, what);
	http_response_redirect(res, 303, to);
	return HTTP_DONE;
}

int
handle_staff_user_role(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct role_form f = { 0 };
	struct errors e;
	struct user u;
	int rc = path_user(req, &u);

	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	errors_init_in(&e, req->lang);
	if (input_read(req, &f, NULL, &e) != 0)
		return user_page(req, res, 422, &u, &e);
	rc = store_user_set_role(req->app->store, &a->actor, a->user.org_id, u.id, (enum role)f.role,
	    &e);
	if (rc == ERR_CONFLICT)
		return user_page(req, res, 409, &u, &e);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	return done_redirect(res, &u, "role");
}

/* The actions on one user, each a POST to /staff/users/{id}/{key}; those
 * with `confirm` are asked about on a page first (GET of the same path). */
enum user_action { ACT_DISABLE, ACT_ENABLE, ACT_RESET_TWO_STEP, ACT_UNBLOCK };

static const struct {
	const char *key;
	bool confirm;
	const char *question, *explain, *button;
} actions[] = {
	[ACT_DISABLE] = { "disable", true, N_("Disable this account?"),
	    N_("They will no longer be able to sign in. Their sessions and API tokens end at once. "
	    "The account stays, so the audit log still shows what they did, and you can let them "
	    "sign in again later."), N_("Disable account") },
	[ACT_ENABLE] = { "enable", false, NULL, NULL, NULL },
	[ACT_RESET_TWO_STEP] = { "reset-two-step", true, N_("Reset two-step verification?"),
	    N_("Do this only when they have lost both their phone and their recovery codes, and "
	    "you are sure it is them asking. Their authenticator app and recovery codes stop "
	    "working, and they will set two-step verification up again the next time they sign "
	    "in."), N_("Reset two-step verification") },
	[ACT_UNBLOCK] = { "unblock", false, NULL, NULL, NULL },
};

static int
action_of(const struct http_request *req)
{
	struct str key = http_param(req, "key");
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (str_eq_c(key, actions[i].key))
			return (int)i;
	return -1;
}

static int
confirm_page(struct http_request *req, struct http_response *res, int status,
    const struct user *u, int act, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	char action[96], back[64];
	json_t *ctx;

	snprintf(action, sizeof(action), "/staff/users/%lld/%s", (long long)u->id, actions[act].key);
	snprintf(back, sizeof(back), "/staff/users/%lld", (long long)u->id);
	ctx = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "title",
	    tr(req, actions[act].question), "site", pages_staff_site(a), "email", u->email,
	    "explain", tr(req, actions[act].explain), "action", action, "button",
	    tr(req, actions[act].button), "cancel", back, "back_link", "href", back);
	if (ctx != NULL && e != NULL && errors_any(e)) {
		struct errors shown;

		errors_for_page(e, NULL, &shown);
		page_add_errors(req, ctx, &shown);
	}
	res->status = status;
	return page_render(req, res, "staff/user_confirm", ctx);
}

int
handle_staff_user_confirm(struct http_request *req, struct http_response *res)
{
	struct user u;
	int act = action_of(req), rc;

	if (act < 0 || !actions[act].confirm)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	if ((rc = path_user(req, &u)) != 0)
		return reply_error(req, res, rc, NULL);
	return confirm_page(req, res, 200, &u, act, NULL);
}

int
handle_staff_user_action(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = pages_staff(req);
	struct action_form f = { false };
	unsigned char subject[SECRET_HASH_BYTES];
	char target[32];
	struct errors e;
	struct user u;
	int act = action_of(req), rc;

	if (act < 0)
		return reply_error(req, res, ERR_NOTFOUND, NULL);
	if ((rc = path_user(req, &u)) != 0)
		return reply_error(req, res, rc, NULL);
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	if (actions[act].confirm && !f.confirm) {
		errors_add(&e, "", N_("Confirm by pressing the button on this page"));
		return confirm_page(req, res, 422, &u, act, &e);
	}
	switch (act) {
	case ACT_DISABLE:
	case ACT_ENABLE:
		rc = store_user_disable(app->store, &a->actor, a->user.org_id, u.id,
		    act == ACT_DISABLE, &e);
		break;
	case ACT_RESET_TWO_STEP:
		if (u.id == a->user.id) {
			errors_add(&e, "", N_("Ask another administrator to reset your own "
			    "two-step verification"));
			return confirm_page(req, res, 409, &u, act, &e);
		}
		rc = store_mfa_reset(app->store, &a->actor, a->user.org_id, u.id);
		break;
	case ACT_UNBLOCK:
		signin_email_subject(app->keys.net, str_c(u.email), subject);
		snprintf(target, sizeof(target), "user:%lld", (long long)u.id);
		rc = store_throttle_lift(app->store, &a->actor, target, subject, NULL);
		break;
	}
	if (rc == ERR_CONFLICT)
		return actions[act].confirm ? confirm_page(req, res, 409, &u, act, &e) :
		    user_page(req, res, 409, &u, &e);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	return done_redirect(res, &u, actions[act].key);
}

/* ---- the organisation's settings ----------------------------------------------------- */

static int
settings_page(struct http_request *req, struct http_response *res, int status, int require_mfa,
    struct str origins, int64_t suppress_below, const struct errors *e)
{
	struct auth *a = pages_staff(req);
	json_t *ctx, *choices = json_array();
	int i;

	for (i = 0; mfa_choices[i] != NULL; i++)
		json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", mfa_choices[i],
		    "label", tr(req, mfa_policy_label((enum mfa_policy)i)), "checked",
		    require_mfa == i));
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:{s:s}}", "title", tr(req, "Settings"), "site",
	    pages_staff_site(a), "mfa_choices", choices, "frame_origins", pages_string(origins),
	    "back_link", "href", "/staff/users");
	json_object_set_new(ctx, "suppress_below", json_integer(suppress_below));
	if (ctx != NULL && e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "suppress_below",
		    "suppress_error");
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "require_mfa", "mfa_error");
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "frame_origins",
		    "origins_error");
	}
	res->status = status;
	return page_render(req, res, "staff/settings", ctx);
}

int
handle_staff_settings_form(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);

	return settings_page(req, res, 200, (int)a->org.require_mfa, str_c(a->org.frame_origins),
	    a->org.suppress_below, NULL);
}

int
handle_staff_settings(struct http_request *req, struct http_response *res)
{
	struct auth *a = pages_staff(req);
	struct settings_form f = { (int)a->org.require_mfa, STR_LIT(""), a->org.suppress_below };
	struct org o = a->org;
	struct errors e;
	int rc;

	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	org_frame_origins_check(f.frame_origins, o.frame_origins, &e);
	if (errors_any(&e))
		return settings_page(req, res, 422, f.require_mfa, f.frame_origins, f.suppress_below,
		    &e);
	o.require_mfa = (enum mfa_policy)f.require_mfa;
	o.suppress_below = (int)f.suppress_below;
	if ((rc = store_org_update_settings(req->app->store, &a->actor, &o)) != 0)
		return reply_error(req, res, rc, NULL);
	http_response_redirect(res, 303, "/staff/users?done=settings");
	return HTTP_DONE;
}
