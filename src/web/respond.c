/*
 * respond.c - submitting a survey response (see respond.h).
 *
 * The answers were checked against the survey's definition at the version
 * the request read; the writer refuses the response (ERR_CONFLICT) when
 * the survey has another version by the time it commits.  Then, on an
 * HTTP thread, the answers as written are read again against the survey's
 * definition as it now is (recheck): those that still fit go again, with
 * the new version, and the request waits for that commit; answers that no
 * longer fit (a question gone, an option gone, the path changed) refuse
 * it, each under its question's key.  Staff change a survey seldom, so
 * waiting there costs nothing that matters.
 */
#include <string.h>

#include <sodium.h>

#include "involve/app.h"
#include "involve/i18n.h"
#include "involve/respond.h"
#include "involve/secret.h"
#include "involve/survey_cache.h"
#include "involve/vote.h"

/* How often a response refused for a survey changed meanwhile is read
 * again and sent again before the refusal is the answer. */
#define RESPOND_RECHECKS 3

bool
respond_respondent(struct http_request *req, struct http_response *res, int64_t survey_id,
    bool make, unsigned char out[STORE_HASH_SIZE])
{
	struct app *app = req->app;
	unsigned char id[SECRET_COOKIE_ID_BYTES], hash[SECRET_HASH_BYTES];
	char cookie[SECRET_COOKIE_MAX];
	struct str value;

	_Static_assert(STORE_HASH_SIZE <= SECRET_HASH_BYTES, "a hash fills the store's");
	if (!http_cookie(req, VOTE_COOKIE, &value) ||
	    secret_cookie_verify(app->keys.cookie, value.p, value.n, id) != 0) {
		if (!make)
			return false;
		secret_cookie_new(app->keys.cookie, cookie, id);
		http_response_cookie(res, VOTE_COOKIE, cookie, "/", VOTE_COOKIE_SECONDS,
		    app->cfg.secure_cookies, "Lax");
	}
	/* The voter key, in its own kind: a survey's hash is not a poll's. */
	secret_keyed_hash(app->keys.voter, "survey-respondent", survey_id, (const char *)id,
	    sizeof(id), hash);
	memcpy(out, hash, STORE_HASH_SIZE);
	return true;
}

void
respond_link_new(char text[RESPOND_LINK_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, RESPOND_LINK_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
respond_link_hash(const struct http_request *req, int64_t survey_id, struct str link,
    unsigned char out[STORE_HASH_SIZE])
{
	unsigned char hash[SECRET_HASH_BYTES];
	size_t i;

	if (link.n != RESPOND_LINK_LEN)
		return false;
	for (i = 0; i < link.n; i++) {
		char c = link.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return false;
	}
	secret_keyed_hash(req->app->keys.token, "response-link", survey_id, link.p, link.n, hash);
	memcpy(out, hash, STORE_HASH_SIZE);
	return true;
}

/* ---- the submission ------------------------------------------------------------------ */

struct pending_response {
	struct app *app;
	struct http_response *res;
	respond_reply_fn reply;
	int rc;
	int64_t id;
	struct response_submit r; /* as submitted, for sending again (recheck) */
};

/* The tally items, gathered into an arena. */
struct items {
	struct arena *a;
	struct survey_tally_item *list;
	int n, cap;
};

static int
gather(void *arg, const struct survey_tally_item *it)
{
	struct items *g = arg;

	if (g->n == g->cap) {
		int cap = g->cap ? g->cap * 2 : 32;
		struct survey_tally_item *list = arena_array(g->a, cap, sizeof(*list));

		if (list == NULL)
			return ERR_NOMEM;
		if (g->n > 0)
			memcpy(list, g->list, g->n * sizeof(*list));
		g->list = list;
		g->cap = cap;
	}
	/* An item's text lives only during the call: keep copies. */
	g->list[g->n] = *it;
	g->list[g->n].question = arena_str(g->a, it->question);
	g->list[g->n].row = arena_str(g->a, it->row);
	g->list[g->n].value = arena_str(g->a, it->value);
	if (g->list[g->n].question.p == NULL || g->list[g->n].row.p == NULL ||
	    g->list[g->n].value.p == NULL)
		return ERR_NOMEM;
	g->n++;
	return 0;
}

int
respond_tally(struct arena *a, const struct survey_def *d, const struct survey_answers *ans,
    struct survey_tally_item **items, int *n)
{
	struct items g = { a, NULL, 0, 0 };
	int rc = survey_answers_tally(d, ans, gather, &g);

	*items = g.list;
	*n = g.n;
	return rc;
}

/* On the writer's thread: hand the result on and nothing else. */
static void
response_committed(void *arg, int rc)
{
	struct pending_response *pr = arg;

	pr->rc = rc;
	atomic_fetch_sub(&pr->app->metrics.pending_writes, 1);
	http_response_finish(pr->res);
}

/*
 * The response pr refused with ERR_CONFLICT read against its survey as it
 * now is and, when its answers still fit, submitted again (waiting for the
 * commit).  ERR_CONFLICT when the refusal was not about the version (the
 * survey closed), or, with e filled, when the answers no longer fit; the
 * submission's result otherwise.
 */
static int
recheck(struct http_request *req, struct pending_response *pr, struct errors *e)
{
	struct response_submit *r = &pr->r;
	struct survey_tally_item *items;
	struct survey_answers ans;
	struct buf text = BUF_INIT;
	struct survey_def d;
	struct survey *sv;
	struct errors ignored;
	int rc;

	if ((rc = store_survey_get(pr->app->store, &req->arena, r->survey_id, &sv)) != 0)
		return rc;
	if (sv->version == r->version)
		return ERR_CONFLICT;
	errors_init(&ignored);
	if ((rc = survey_cache_def(pr->app->surveys, &req->arena, sv, &d, &ignored)) != 0)
		return rc == ERR_NOMEM ? rc : ERR_IO; /* the store holds only what the domain wrote */
	rc = survey_answers_parse(&d, r->answers, &req->arena, &ans, e);
	if (rc == ERR_NOMEM)
		return rc;
	if (survey_answers_check(&d, &ans, -1, e) != 0 || rc != 0) {
		errors_add(e, "version", N_("The survey was changed while these answers were on "
		    "their way, and they no longer fit it: read it again"));
		return ERR_CONFLICT;
	}
	if ((rc = respond_tally(&req->arena, &d, &ans, &items, &r->tally_n)) != 0)
		return rc;
	r->tally = items;
	survey_answers_write(&d, &ans, &text);
	r->answers = buf_ok(&text) ? arena_str(&req->arena, (struct str){ text.p, text.n }) :
	    (struct str){ NULL, 0 };
	buf_free(&text);
	if (r->answers.p == NULL)
		return ERR_NOMEM;
	r->version = sv->version;
	return store_response_submit_wait(pr->app->store, r, &pr->id);
}

static void
response_settled(struct http_request *req, struct http_response *res)
{
	struct pending_response *pr = req->pending;
	struct errors e;
	int i;

	errors_init(&e);
	for (i = 0; i < RESPOND_RECHECKS && pr->rc == ERR_CONFLICT && !errors_any(&e); i++)
		pr->rc = recheck(req, pr, &e);
	pr->reply(req, res, pr->rc, pr->rc == 0 ? pr->id : 0, errors_any(&e) ? &e : NULL);
}

int
respond_submit(struct http_request *req, struct http_response *res,
    const struct respond_args *args, respond_reply_fn reply)
{
	struct app *app = req->app;
	struct response_submit r;
	struct survey_tally_item *items;
	struct pending_response *pr;
	struct buf text = BUF_INIT;
	int rc;

	memset(&r, 0, sizeof(r));
	r.survey_id = args->sv->id;
	r.version = args->sv->version;
	r.channel = args->channel;
	r.entered_by = args->entered_by;
	r.now = req->now;
	if ((rc = respond_tally(&req->arena, args->def, args->ans, &items, &r.tally_n)) != 0) {
		reply(req, res, rc, 0, NULL);
		return HTTP_DONE;
	}
	r.tally = items;
	survey_answers_write(args->def, args->ans, &text);
	if (!buf_ok(&text)) {
		buf_free(&text);
		reply(req, res, ERR_NOMEM, 0, NULL);
		return HTTP_DONE;
	}
	r.answers = arena_str(&req->arena, (struct str){ text.p, text.n });
	buf_free(&text);
	if (args->link != NULL) {
		r.has_link = true;
		memcpy(r.link, args->link, STORE_HASH_SIZE);
	}
	if (args->one_per_browser)
		r.has_respondent = respond_respondent(req, res, args->sv->id, true, r.respondent);
	if ((pr = arena_zalloc(&req->arena, sizeof(*pr))) == NULL || r.answers.p == NULL) {
		reply(req, res, ERR_NOMEM, 0, NULL);
		return HTTP_DONE;
	}
	*pr = (struct pending_response){ app, res, reply, 0, 0, r };
	atomic_fetch_add(&app->metrics.pending_writes, 1);
	req->pending = pr;
	res->then = response_settled;
	rc = store_response_submit(app->store, &req->arena, &r, &pr->id, response_committed, pr);
	if (rc != 0) {
		atomic_fetch_sub(&app->metrics.pending_writes, 1);
		req->pending = NULL;
		res->then = NULL;
		reply(req, res, rc, 0, NULL);
		return HTTP_DONE;
	}
	return HTTP_PENDING;
}
