/*
 * fuzz_fixture.c - the app, store and known credentials every request
 * target runs against (see fuzz.h).
 *
 * The fixture lives as long as the process: the store's writer and reader
 * threads keep running between inputs, and everything they hold stays
 * reachable from `fx`, so LeakSanitizer never mistakes it for a leak.  It
 * is closed and its folder removed at exit; a crashed run leaves the
 * folder behind in $TMPDIR (scripts/fuzz.sh gives each run its own).
 *
 * The keys are fixed bytes, not random ones, so a run is repeatable; the
 * session and API tokens are fixed strings stored by their keyed hashes,
 * exactly as a sign-in or `involve token create` would store them.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "involve/auth.h"
#include "involve/log.h"
#include "involve/secret.h"
#include "fuzz.h"

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the repository (tests/fuzz/meson.build defines it)"
#endif

#define FIXTURE_PASSWORD "correct-horse-battery-staple"
#define SESSION_TOKEN "fuzzsession0123456789abcdefghijklmnopqrstuvwxyzAB"
#define CSRF_TOKEN "fuzzcsrf0123456789abcdefghijklmnopqrstuvwxyzABCD"
#define API_TOKEN "inv_fuzz0123456789abcdefghijklmnopqrstuvwxyzABCD"
#define TEN_YEARS (10LL * 365 * 86400)

struct fixture fx;

static const struct actor system_actor = { 0, 0, "fuzz" };

enum role_state {
	DRAFT,
	OPEN,
	CLOSED,
	SCHEDULED
};

static void
die(const char *what, int rc, const struct errors *e)
{
	fprintf(stderr, "fuzz fixture: %s failed (%s)%s%s\n", what, error_name(rc),
	    e && e->n ? ": " : "", e && e->n ? e->list[0].detail : "");
	abort();
}

static void
make_org(const char *slug, const char *name, struct org *o)
{
	struct errors e;
	int rc;

	errors_init(&e);
	if ((rc = org_check(str_c(slug), str_c(name), o, &e)) != 0)
		die("org_check", rc, &e);
	o->require_mfa = MFA_NONE; /* the fuzzed staff pages, not the second factor */
	if ((rc = store_org_create(fx.store, &system_actor, o)) != 0)
		die("org_create", rc, NULL);
}

/* A poll of the first organisation in the given state; returns its id.
 * Its text carries FUZZ_MARK, so every page that shows it checks escaping. */
static int64_t
make_poll(enum role_state state, bool multiple)
{
	struct actor staff = { fx.org.id, fx.staff.id, "fuzz" };
	struct poll_input in;
	struct errors e;
	struct poll poll, *p = &poll;
	struct arena a;
	int64_t now = time(NULL), id;
	int rc;

	arena_init(&a, NULL, 0);
	poll_input_defaults(&in);
	errors_init(&e);
	in.question = str_c("Is " FUZZ_MARK " access to pharmacy services good?");
	in.option_n = 3;
	in.options[0] = str_c("Yes " FUZZ_MARK);
	in.options[1] = str_c("=SUM(A1:A9) no");
	in.options[2] = str_c("Don't know");
	in.multiple = multiple;
	in.show_results = multiple ? POLL_RESULTS_AFTER_CLOSE : POLL_RESULTS_AFTER_VOTE;
	in.opening = state == DRAFT ? POLL_OPEN_LATER : POLL_OPEN_AT;
	in.opens_at = state == SCHEDULED ? now + 86400 : now - 60;
	if ((rc = poll_build(&in, now - 120, &a, p, &e)) != 0)
		die("poll_build", rc, &e);
	p->org_id = fx.org.id;
	if ((rc = store_poll_create(fx.store, &staff, p)) != 0)
		die("poll_create", rc, NULL);
	if (state == CLOSED && (rc = store_poll_close(fx.store, &staff, p->id, now, &e)) != 0)
		die("poll_close", rc, NULL);
	id = p->id;
	arena_free(&a);
	return id;
}

static void
make_session(void)
{
	struct session sess;
	int rc;

	memset(&sess, 0, sizeof(sess));
	sess.user_id = fx.staff.id;
	sess.expires_at = (int64_t)time(NULL) + TEN_YEARS;
	snprintf(sess.csrf, sizeof(sess.csrf), "%s", fx.csrf);
	if ((rc = store_session_create(fx.store, NULL, fx.session_hash, NULL, &sess, time(NULL))) != 0)
		die("session_create", rc, NULL);
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
fixture_exit(void)
{
	if (fx.store == NULL)
		return;
	app_free(&fx.app);
	store_close(fx.store);
	fx.store = NULL;
	keys_wipe(&fx.keys);
	nftw(fx.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
fixture_init(void)
{
	struct store_config cfg = { 0 };
	struct app_config ac = { 0 };
	struct api_token t;
	struct errors e;
	const char *tmp = getenv("TMPDIR");
	unsigned char id[SECRET_COOKIE_ID_BYTES], hash[STORE_HASH_SIZE];
	char url[300];
	int rc;

	if (fx.store != NULL)
		return;
	log_set_level(LOG_WARN);
	if (secret_init() != 0)
		die("secret_init", ERR_IO, NULL);
	secret_set_cost(SECRET_COST_TEST);
	snprintf(fx.dir, sizeof(fx.dir), "%s/involve-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx.dir) == NULL)
		die("mkdtemp", ERR_IO, NULL);
	memset(fx.keys.cookie, 0x11, sizeof(fx.keys.cookie));
	memset(fx.keys.voter, 0x22, sizeof(fx.keys.voter));
	memset(fx.keys.token, 0x33, sizeof(fx.keys.token));
	memset(fx.keys.audit, 0x44, sizeof(fx.keys.audit));

	errors_init(&e);
	snprintf(url, sizeof(url), "sqlite:%s/involve.db", fx.dir);
	cfg.url = url;
	memcpy(cfg.audit_key, fx.keys.audit, sizeof(cfg.audit_key));
	if ((rc = store_open(&cfg, &fx.store, &e)) != 0)
		die("store_open", rc, &e);
	if ((rc = store_migrate(fx.store)) != 0)
		die("migrate", rc, NULL);
	ac.public_url = "http://127.0.0.1:8080";
	ac.templates_dir = SOURCE_ROOT "/web/templates";
	ac.static_dir = SOURCE_ROOT "/web/static";
	ac.vote_rate_limit = 0; /* inputs come thousands a second from one address */
	if ((rc = app_init(&fx.app, &ac, fx.store, &fx.keys, &e)) != 0)
		die("app_init", rc, &e);
	atexit(fixture_exit);

	make_org("bury", "NHS " FUZZ_MARK " Bury", &fx.org);
	make_org("blackpool", "NHS Blackpool", &fx.other);

	memset(&fx.staff, 0, sizeof(fx.staff));
	fx.staff.org_id = fx.org.id;
	fx.staff.role = ROLE_ADMIN;
	snprintf(fx.staff.email, sizeof(fx.staff.email), "admin@example.org");
	if ((rc = secret_password_hash(FIXTURE_PASSWORD, fx.staff.password_hash)) != 0)
		die("secret_password_hash", rc, NULL);
	if ((rc = store_user_create(fx.store, &system_actor, &fx.staff)) != 0)
		die("user_create", rc, NULL);

	snprintf(fx.session, sizeof(fx.session), "%s", SESSION_TOKEN);
	snprintf(fx.csrf, sizeof(fx.csrf), "%s", CSRF_TOKEN);
	secret_token_hash(fx.keys.token, fx.session, strlen(fx.session), fx.session_hash);
	make_session();

	snprintf(fx.token, sizeof(fx.token), "%s", API_TOKEN);
	secret_token_hash(fx.keys.token, fx.token, strlen(fx.token), hash);
	memset(&t, 0, sizeof(t));
	t.user_id = fx.staff.id;
	t.org_id = fx.org.id;
	if ((rc = store_token_create(fx.store, &system_actor, hash, &t)) != 0)
		die("token_create", rc, NULL);

	secret_cookie_new(fx.keys.cookie, fx.voter, id);
	fixture_repair();
}

/* Whether poll `id` still exists in `state`; reads it into a (*p) when it
 * does. */
static bool
poll_in_state(int64_t id, enum role_state state, struct arena *a, struct poll **p)
{
	static const enum poll_status want[] = { POLL_DRAFT, POLL_OPEN, POLL_CLOSED,
		POLL_SCHEDULED };

	return id != 0 && store_poll_get(fx.store, a, id, p) == 0 &&
	    poll_status(*p, time(NULL)) == want[state] && (*p)->org_id == fx.org.id &&
	    (*p)->option_n >= 2;
}

void
fixture_repair(void)
{
	struct session sess;
	struct poll *p = NULL;
	struct arena a;

	arena_init(&a, NULL, 0);
	if (store_session_get(fx.store, fx.session_hash, time(NULL), AUTH_IDLE_DEFAULT, &sess) != 0)
		make_session();
	if (!poll_in_state(fx.poll_draft, DRAFT, &a, &p))
		fx.poll_draft = make_poll(DRAFT, false);
	if (!poll_in_state(fx.poll_closed, CLOSED, &a, &p))
		fx.poll_closed = make_poll(CLOSED, false);
	if (!poll_in_state(fx.poll_scheduled, SCHEDULED, &a, &p))
		fx.poll_scheduled = make_poll(SCHEDULED, false);
	if (!poll_in_state(fx.poll_multi, OPEN, &a, &p) || !p->multiple)
		fx.poll_multi = make_poll(OPEN, true);
	if (!poll_in_state(fx.poll_open, OPEN, &a, &p)) {
		fx.poll_open = make_poll(OPEN, false);
		if (!poll_in_state(fx.poll_open, OPEN, &a, &p))
			die("the open poll", ERR_CONFLICT, NULL);
	}
	fx.option_a = p->options[0].id;
	fx.option_b = p->options[1].id;
	arena_free(&a);
}
