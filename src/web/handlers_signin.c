/*
 * handlers_signin.c - signing in and out: the password, the second
 * factor's code, and setting a second factor up (see auth.h for the
 * steps and what each refuses).
 *
 * Every answer here is personal (no_store) and none is compressed (the
 * staff area: may_compress in app.c).  A refusal says what to do next,
 * in an NHS.UK error summary: when to try again after too many attempts,
 * to wait a moment when the server is busy.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/delay.h"
#include "involve/input.h"
#include "involve/onetime.h"
#include "involve/password.h"
#include "involve/qr.h"
#include "involve/secret.h"
#include "involve/totp.h"
#include "handlers.h"
#include "pages.h"

#define ISSUER "involve"

/* ---- the declared fields -------------------------------------------------------- */

struct login_form {
	struct str email, password, next;
};

static const struct input_field login_fields[] = {
	{ "email", INPUT_TEXT, 0, offsetof(struct login_form, email), 0, 0, 0, NULL,
	    N_("your email address") },
	{ "password", INPUT_TEXT, 0, offsetof(struct login_form, password), 0, 0, 0, NULL,
	    N_("your password") },
	{ "next", INPUT_TEXT, 0, offsetof(struct login_form, next), 0, 0, 0, NULL,
	    N_("the page to go to") },
};
const struct input_spec staff_login_input = { INPUT_FORM, 3, login_fields };

struct code_form {
	struct str code, next;
};

static const struct input_field code_fields[] = {
	{ "code", INPUT_TEXT, 0, offsetof(struct code_form, code), 0, 0, 0, NULL,
	    N_("the code") },
	{ "next", INPUT_TEXT, 0, offsetof(struct code_form, next), 0, 0, 0, NULL,
	    N_("the page to go to") },
};
const struct input_spec staff_code_input = { INPUT_FORM, 2, code_fields };

/* ---- shared ---------------------------------------------------------------------- */

/* Whether next is a path of the staff pages, safe to redirect to: no
 * other host ("//evil"), no back-slashes, spaces or control bytes. */
static bool
next_is_local(struct str next)
{
	return str_starts_with(next, "/staff/") && pages_local_path(next);
}

static int
go_next(struct http_response *res, struct str next)
{
	char to[PAGES_PATH_MAX + 1];

	if (next_is_local(next) && next.n <= PAGES_PATH_MAX) {
		memcpy(to, next.p, next.n);
		to[next.n] = '\0';
		http_response_redirect(res, 303, to);
	} else {
		http_response_redirect(res, 303, "/staff/");
	}
	return HTTP_DONE;
}

/* The 429 of a throttled attempt: when it lapses, in the error summary
 * (field "main": not any one field's fault) and in Retry-After. */
static void
add_throttled(struct http_request *req, struct http_response *res, int64_t until,
    struct errors *e)
{
	char when[96], seconds[24];
	int64_t wait = until > req->now ? until - req->now : 1;
	int minutes = (int)((wait + 59) / 60);

	snprintf(seconds, sizeof(seconds), "%lld", (long long)wait);
	http_response_header(res, "Retry-After", seconds);
	if (pages_when(req, until, when, sizeof(when)) != 0)
		snprintf(when, sizeof(when), "%s", errors_text(e, N_("a few minutes")));
	errors_add(e, "", errors_trn(e, "There have been too many attempts to sign in to this "
	    "account. Try again after %s (in %d minute)", "There have been too many attempts to "
	    "sign in to this account. Try again after %s (in %d minutes)", (unsigned long)minutes),
	    when, minutes);
	res->status = 429;
}

static void
add_busy(struct http_response *res, struct errors *e)
{
	http_response_header(res, "Retry-After", "2");
	errors_add(e, "", N_("Many people are signing in at the moment. Wait a few seconds, then "
	    "try again"));
	res->status = 503;
}

/* ---- the password ---------------------------------------------------------------- */

static int
login_page(struct http_request *req, struct http_response *res, int status, struct str email,
    struct str next, const struct errors *e)
{
	json_t *ctx = json_pack("{s:s, s:o, s:o}", "title", tr(req, "Sign in"), "email",
	    pages_string(email), "next", pages_string(next_is_local(next) ? next : STR_LIT("")));

	if (ctx != NULL && e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "email", "email_error");
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "password", "password_error");
	}
	if (status != 0)
		res->status = status;
	res->no_store = true;
	return page_render(req, res, "staff/login", ctx);
}

int
handle_login_form(struct http_request *req, struct http_response *res)
{
	struct str next = STR_LIT("");

	http_query(req, "next", &next);
	if (auth_from_session(req) == 0) {
		if (auth_stage(req->auth) == AUTH_NEEDS_CODE) {
			http_response_redirect(res, 303, "/staff/login/code");
			return HTTP_DONE;
		}
		return go_next(res, next);
	}
	return login_page(req, res, 200, STR_LIT(""), next, NULL);
}

/* The answer to a sign-in, once settled: where to go, or the form again. */
static int
login_answer(struct http_request *req, struct http_response *res, int rc, int64_t until,
    struct str email, struct str next)
{
	struct errors e;

	errors_init_in(&e, req->lang);
	switch (rc) {
	case 0:
		if (auth_stage(req->auth) == AUTH_NEEDS_CODE) {
			struct buf to = BUF_INIT;

			buf_add_c(&to, "/staff/login/code");
			if (next_is_local(next)) {
				buf_add_c(&to, "?next=");
				buf_add_url(&to, next);
			}
			http_response_redirect(res, 303, buf_cstr(&to) ? buf_cstr(&to) :
			    "/staff/login/code");
			buf_free(&to);
			return HTTP_DONE;
		}
		return go_next(res, next);
	case ERR_DENIED:
		errors_add(&e, "email", N_("The email address or password is not correct"));
		return login_page(req, res, 422, email, next, &e);
	case ERR_LIMITED:
		add_throttled(req, res, until, &e);
		return login_page(req, res, 0, email, next, &e);
	case ERR_BUSY:
		add_busy(res, &e);
		return login_page(req, res, 0, email, next, &e);
	default:
		return reply_error_text(req, res, rc, tr(req, "You have not been signed in. Try "
		    "again later."));
	}
}

/* The form as sent, read again when the password check is done. */
static void
read_login_form(struct http_request *req, struct login_form *f)
{
	struct errors ignored;

	*f = (struct login_form){ STR_LIT(""), STR_LIT(""), STR_LIT("") };
	errors_init_in(&ignored, req->lang);
	input_read(req, f, NULL, &ignored); /* text only: nothing to refuse */
	f->email = str_trim(f->email);
}

/*
 * A throttled or busy sign-in, answered after serve's refusal delay
 * (delay.h): the client that asks too often waits, and costs a suspended
 * connection meanwhile rather than the machine's time.
 */
struct refusal {
	int rc;
	int64_t until;
	void (*answer)(struct http_request *req, struct http_response *res);
};

/* Queues res to be finished after the delay, its answer given by
 * `answer` then: true, or false when it must be answered now. */
static bool
refuse_later(struct http_request *req, struct http_response *res, int rc, int64_t until,
    void (*answer)(struct http_request *, struct http_response *))
{
	struct refusal *r;

	if (req->app->cfg.refusal_delay_ms <= 0 || req->app->delayer == NULL ||
	    (r = arena_alloc(&req->arena, sizeof(*r))) == NULL)
		return false;
	*r = (struct refusal){ rc, until, answer };
	req->pending = r;
	res->then = answer;
	if (delayer_add(req->app->delayer, res, req->app->cfg.refusal_delay_ms) != 0) {
		req->pending = NULL;
		res->then = NULL;
		return false;
	}
	return true;
}

static void
login_refused(struct http_request *req, struct http_response *res)
{
	struct refusal *r = req->pending;
	struct login_form f;

	read_login_form(req, &f);
	login_answer(req, res, r->rc, r->until, f.email, f.next);
}

/* On a connection's thread once the password has been checked. */
static void
login_settled(struct http_request *req, struct http_response *res)
{
	struct login_form f;
	int64_t until = 0;
	int rc = auth_login_finish(req, res, &until);

	read_login_form(req, &f);
	login_answer(req, res, rc, until, f.email, f.next);
}

int
handle_login(struct http_request *req, struct http_response *res)
{
	struct login_form f;
	struct errors e;
	int64_t until = 0;
	int rc;

	errors_init_in(&e, req->lang);
	read_login_form(req, &f);
	if (f.email.n == 0)
		errors_add(&e, "email", N_("Enter your email address"));
	if (f.password.n == 0)
		errors_add(&e, "password", N_("Enter your password"));
	if (errors_any(&e))
		return login_page(req, res, 422, f.email, f.next, &e);
	/* A password longer than any allowed cannot be anyone's: it is checked
	 * (and counted) as a wrong one, cut to what is hashed. */
	rc = auth_login_start(req, res, f.email, f.password, &until);
	if (rc == HTTP_PENDING) {
		res->then = login_settled;
		return HTTP_PENDING;
	}
	if ((rc == ERR_LIMITED || rc == ERR_BUSY) && refuse_later(req, res, rc, until, login_refused))
		return HTTP_PENDING;
	return login_answer(req, res, rc, until, f.email, f.next);
}

int
handle_logout(struct http_request *req, struct http_response *res)
{
	auth_logout(req, res);
	http_response_redirect(res, 303, "/staff/login");
	return HTTP_DONE;
}

/* ---- the second factor's code ---------------------------------------------------- */

static int
code_page(struct http_request *req, struct http_response *res, int status, struct str next,
    const struct errors *e)
{
	json_t *ctx = json_pack("{s:s, s:o, s:s}", "title", tr(req, "Enter your security code"),
	    "next", pages_string(next_is_local(next) ? next : STR_LIT("")), "email",
	    pages_staff(req)->user.email);

	if (ctx != NULL && e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "code", "code_error");
	}
	if (status != 0)
		res->status = status;
	return page_render(req, res, "staff/login_code", ctx);
}

int
handle_login_code_form(struct http_request *req, struct http_response *res)
{
	struct str next = STR_LIT("");

	http_query(req, "next", &next);
	if (auth_stage(req->auth) != AUTH_NEEDS_CODE)
		return go_next(res, next);
	return code_page(req, res, 200, next, NULL);
}

int
handle_login_code(struct http_request *req, struct http_response *res)
{
	struct code_form f = { STR_LIT(""), STR_LIT("") };
	struct errors e;
	int64_t until = 0;
	int rc;

	if (auth_stage(req->auth) != AUTH_NEEDS_CODE)
		return go_next(res, STR_LIT(""));
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	f.code = str_trim(f.code);
	if (f.code.n == 0) {
		errors_add(&e, "code", N_("Enter the 6-digit code from your authenticator app, or "
		    "one of your recovery codes"));
		return code_page(req, res, 422, f.next, &e);
	}
	rc = auth_second_factor(req, res, f.code, &until);
	switch (rc) {
	case 0:
		return go_next(res, f.next);
	case ERR_MALFORMED:
		errors_add(&e, "code", N_("Enter the 6-digit code from your authenticator app, or "
		    "a recovery code like abcd-efgh-jkmn"));
		return code_page(req, res, 422, f.next, &e);
	case ERR_DENIED:
		errors_add(&e, "code", N_("The code is not correct, or it has been used. Wait for "
		    "your app to show a new code and enter that"));
		return code_page(req, res, 422, f.next, &e);
	case ERR_LIMITED:
		add_throttled(req, res, until, &e);
		return code_page(req, res, 0, f.next, &e);
	default:
		return reply_error_text(req, res, rc, tr(req, "You have not been signed in. Try "
		    "again later."));
	}
}

/* ---- setting a second factor up -------------------------------------------------- */

/*
 * The secret being set up travels with the form, sealed with the mfa key
 * together with its user and when the offer ends: the page that shows it
 * (a GET) writes nothing, and nothing is kept until a code confirms it.
 */
#define SETUP_SECONDS (30 * 60)
#define SETUP_PLAIN (8 + 8 + TOTP_SECRET_BYTES)
#define SETUP_SEALED (SETUP_PLAIN + SECRET_SEAL_OVERHEAD)
#define SETUP_TEXT_MAX (SETUP_SEALED * 4 / 3 + 4)

struct setup_form {
	struct str code, setup;
};

static const struct input_field setup_fields[] = {
	{ "code", INPUT_TEXT, 0, offsetof(struct setup_form, code), 0, 0, 0, NULL,
	    N_("the code") },
	{ "setup", INPUT_TEXT, 0, offsetof(struct setup_form, setup), 0, 0, 0, NULL,
	    N_("the secret being set up") },
};
const struct input_spec staff_setup_input = { INPUT_FORM, 2, setup_fields };

static void
put_int64(unsigned char *p, int64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static int64_t
get_int64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* A new offer for user_id: its secret in secret, its sealed text in text. */
static int
setup_offer(const struct http_request *req, int64_t user_id,
    unsigned char secret[TOTP_SECRET_BYTES], char text[SETUP_TEXT_MAX])
{
	unsigned char plain[SETUP_PLAIN], sealed[SETUP_SEALED];
	size_t n;
	int rc;

	totp_secret_new(secret);
	put_int64(plain, user_id);
	put_int64(plain + 8, req->now + SETUP_SECONDS);
	memcpy(plain + 16, secret, TOTP_SECRET_BYTES);
	rc = secret_seal(req->app->keys.mfa, plain, sizeof(plain), sealed, sizeof(sealed), &n);
	sodium_memzero(plain, sizeof(plain));
	if (rc != 0)
		return rc;
	sodium_bin2base64(text, SETUP_TEXT_MAX, sealed, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

/* The secret of an offer sent back: 0, or ERR_INVALID when it is not one
 * of ours, not this user's, or has ended. */
static int
setup_open(const struct http_request *req, int64_t user_id, struct str text,
    unsigned char secret[TOTP_SECRET_BYTES])
{
	unsigned char sealed[SETUP_SEALED], plain[SETUP_PLAIN];
	size_t n = 0, m = 0;
	int rc = ERR_INVALID;

	if (text.n >= SETUP_TEXT_MAX || sodium_base642bin(sealed, sizeof(sealed), text.p, text.n,
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return ERR_INVALID;
	if (secret_open(req->app->keys.mfa, sealed, n, plain, sizeof(plain), &m) == 0 &&
	    m == SETUP_PLAIN && get_int64(plain) == user_id && get_int64(plain + 8) > req->now) {
		memcpy(secret, plain + 16, TOTP_SECRET_BYTES);
		rc = 0;
	}
	sodium_memzero(plain, sizeof(plain));
	return rc;
}

static int
setup_page(struct http_request *req, struct http_response *res, int status,
    const unsigned char secret[TOTP_SECRET_BYTES], const char *offer, const struct errors *e)
{
	struct auth *a = req->auth;
	char uri[TOTP_URI_MAX], text[TOTP_SECRET_DISPLAY_MAX];
	struct buf svg = BUF_INIT;
	json_t *ctx;

	if (totp_uri(ISSUER, a->user.email, secret, TOTP_SECRET_BYTES, uri, sizeof(uri)) != 0 ||
	    totp_secret_display(secret, TOTP_SECRET_BYTES, text, sizeof(text)) != 0 ||
	    qr_svg(uri, tr(req, "QR code to scan with your authenticator app"), &svg) != 0) {
		buf_free(&svg);
		return reply_error(req, res, ERR_IO, NULL);
	}
	sodium_memzero(uri, sizeof(uri));
	ctx = json_pack("{s:s, s:b, s:s%, s:s, s:s, s:b}", "title",
	    tr(req, "Set up two-step verification"), "on", 0, "qr_svg", svg.p ? svg.p : "", svg.n,
	    "secret_text", text, "setup", offer, "required", auth_stage(a) == AUTH_NEEDS_SETUP);
	sodium_memzero(text, sizeof(text));
	buf_free(&svg);
	if (ctx != NULL && e != NULL && errors_any(e)) {
		page_add_errors(req, ctx, e);
		pages_copy_error(ctx, json_object_get(ctx, "errors"), "code", "code_error");
	}
	if (status != 0)
		res->status = status;
	return page_render(req, res, "staff/two_step", ctx);
}

/* Two-step verification is on: since when, how many recovery codes are left. */
static int
on_page(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	char codes[160];
	json_t *ctx;
	int left = 0;

	store_mfa_recovery_left(req->app->store, a->user.id, &left);
	/* A count's sentence in C: the catalogue gives it each language's
	 * plural forms (Polish has three), which a template's message cannot. */
	snprintf(codes, sizeof(codes), trn(req, "You have %d unused recovery code.",
	    "You have %d unused recovery codes.", (unsigned long)left), left);
	ctx = json_pack("{s:s, s:b, s:s}", "title", tr(req, "Two-step verification"), "on", 1,
	    "codes_left", codes);
	if (ctx)
		json_object_set_new(ctx, "on_since", pages_date(req, a->user.mfa_on));
	return page_render(req, res, "staff/two_step", ctx);
}

int
handle_two_step_form(struct http_request *req, struct http_response *res)
{
	struct auth *a = req->auth;
	unsigned char secret[TOTP_SECRET_BYTES];
	char offer[SETUP_TEXT_MAX];
	int rc;

	if (a->user.mfa_on != 0)
		return on_page(req, res);
	if (setup_offer(req, a->user.id, secret, offer) != 0)
		return reply_error(req, res, ERR_IO, NULL);
	rc = setup_page(req, res, 200, secret, offer, NULL);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

int
handle_two_step(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct auth *a = req->auth;
	struct setup_form f = { STR_LIT(""), STR_LIT("") };
	unsigned char secret[TOTP_SECRET_BYTES], sealed[USER_MFA_SEALED_MAX];
	unsigned char hashes[ONETIME_RECOVERY_COUNT][SECRET_HASH_BYTES];
	char codes[ONETIME_RECOVERY_COUNT][ONETIME_CODE_MAX], norm[ONETIME_CODE_MAX];
	char offer[SETUP_TEXT_MAX];
	size_t sealed_n, norm_n;
	struct errors e;
	int64_t step;
	json_t *list;
	int i, rc;

	if (a->user.mfa_on != 0)
		return on_page(req, res);
	errors_init_in(&e, req->lang);
	input_read(req, &f, NULL, &e);
	f.code = str_trim(f.code);
	if (setup_open(req, a->user.id, f.setup, secret) != 0) {
		/* Ended, or not ours: a new offer, and say so. */
		if (setup_offer(req, a->user.id, secret, offer) != 0)
			return reply_error(req, res, ERR_IO, NULL);
		errors_add(&e, "code", N_("The time to set this up has ended. Scan the new QR "
		    "code, then enter the code your app shows"));
		rc = setup_page(req, res, 422, secret, offer, &e);
		sodium_memzero(secret, sizeof(secret));
		return rc;
	}
	rc = totp_check(secret, TOTP_SECRET_BYTES, f.code.p, f.code.n, req->now, TOTP_STEP_NONE,
	    &step);
	if (rc != 0) {
		snprintf(offer, sizeof(offer), "%.*s", (int)f.setup.n, f.setup.p);
		errors_add(&e, "code", f.code.n == 0 ?
		    N_("Enter the 6-digit code your authenticator app shows") :
		    rc == ERR_MALFORMED ? N_("Enter the code as 6 digits, like 123456") :
		    N_("The code is not correct. Check the time on your phone is right, then "
		    "enter the code your app shows now"));
		rc = setup_page(req, res, 422, secret, offer, &e);
		sodium_memzero(secret, sizeof(secret));
		return rc;
	}
	rc = secret_seal(app->keys.mfa, secret, sizeof(secret), sealed, sizeof(sealed), &sealed_n);
	sodium_memzero(secret, sizeof(secret));
	if (rc != 0)
		return reply_error(req, res, ERR_IO, NULL);
	for (i = 0; i < ONETIME_RECOVERY_COUNT; i++) {
		if (onetime_code_new(ONETIME_RECOVERY_CHARS, codes[i], sizeof(codes[i])) != 0 ||
		    onetime_code_normalise(codes[i], strlen(codes[i]), norm, sizeof(norm),
		    &norm_n) != 0)
			return reply_error(req, res, ERR_IO, NULL);
		onetime_code_hash(app->keys.token, "recovery", a->user.id, norm, norm_n, hashes[i]);
	}
	rc = store_mfa_enable(app->store, &a->actor, a->user.id, sealed, sealed_n, step,
	    (const unsigned char (*)[SECRET_HASH_BYTES])hashes, ONETIME_RECOVERY_COUNT, req->now);
	if (rc == 0)
		/* More privilege than before: a new session id. */
		rc = auth_renew(req, res, SESSION_SIGNED_IN);
	if (rc != 0)
		return reply_error(req, res, rc, NULL);
	list = json_array();
	for (i = 0; i < ONETIME_RECOVERY_COUNT; i++)
		json_array_append_new(list, json_string(codes[i]));
	sodium_memzero(codes, sizeof(codes));
	return page_render(req, res, "staff/recovery_codes", json_pack("{s:s, s:o}", "title",
	    tr(req, "Save your recovery codes"), "codes", list));
}
