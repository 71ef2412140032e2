/*
 * The store's test suite, run unchanged against both implementations:
 * INVOLVE_TEST_STORE=sqlite uses a real database file in a temporary
 * directory; INVOLVE_TEST_STORE=postgresql a new database on the server
 * named by INVOLVE_TEST_PG_URL (make check starts one).  Durability, group
 * commit, ballots and their counts, rate limits, staff records and the
 * audit chain, with one store and with two sharing the database.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "involve/store.h"
#include "fixture.h"

TestSuite(store, .init = store_fixture_setup, .fini = store_fixture_teardown);

static int64_t
make_poll(int64_t org, bool open)
{
	struct poll p;
	struct poll_input in;
	struct errors e;

	errors_init(&e);
	poll_input_defaults(&in);
	in.question = str_c("How satisfied are you?");
	in.option_n = 2;
	in.options[0] = str_c("Satisfied");
	in.options[1] = str_c("Not satisfied");
	in.opening = open ? POLL_OPEN_NOW : POLL_OPEN_LATER;
	cr_assert_eq(poll_build(&in, 1000, &arena, &p, &e), 0);
	p.org_id = org;
	cr_assert_eq(store_poll_create(st, &who, &p), 0);
	return p.id;
}

/* The poll as the store has it now. */
static struct poll *
get_poll(struct store *s, int64_t id)
{
	struct poll *p = NULL;

	cr_assert_eq(store_poll_get(s, &arena, id, &p), 0, "poll %lld", (long long)id);
	return p;
}

Test(store, is_durable_and_migrates_once)
{
	bool durable = false;

	/* SQLite: synchronous=FULL on the writer; PostgreSQL: fsync and
	 * synchronous_commit on. */
	cr_assert_eq(store_is_durable(st, &durable), 0);
	cr_assert(durable, "commits must be on disk when they return");
	cr_assert_eq(store_migrate(st), 0);
	cr_assert_eq(store_ping(st), 0);
}

Test(store, organisations_are_unique)
{
	struct org o, got;
	struct errors e;

	make_org("bury");
	errors_init(&e);
	org_check(str_c("bury"), str_c("Another"), &o, &e);
	cr_assert_eq(store_org_create(st, &who, &o), ERR_DUPLICATE);
	cr_assert_eq(store_org_get_by_slug(st, STR_LIT("bury"), &got), 0);
	cr_assert_str_eq(got.name, "NHS Test");
	cr_assert_eq(store_org_get_by_slug(st, STR_LIT("nobody"), &got), ERR_NOTFOUND);
}

struct wait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pending;
	int ok, duplicate, other, limited;
};

static void
cast_done(void *arg, int rc)
{
	struct wait *w = arg;

	pthread_mutex_lock(&w->lock);
	if (rc == 0)
		w->ok++;
	else if (rc == ERR_DUPLICATE)
		w->duplicate++;
	else if (rc == ERR_LIMITED)
		w->limited++;
	else
		w->other++;
	w->pending--;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void
cast(struct wait *w, int64_t poll, int64_t option, unsigned char voter_byte)
{
	struct ballot b = { 1, { option }, false };
	unsigned char voter[32] = { voter_byte };

	pthread_mutex_lock(&w->lock);
	w->pending++;
	pthread_mutex_unlock(&w->lock);
	cr_assert_eq(store_ballot_cast(st, NULL, poll, &b, voter, 2000, NULL, NULL, cast_done, w), 0);
}

static void
wait_all(struct wait *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->pending > 0)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

Test(store, ballots_count_once_per_voter)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0 };
	struct poll *p, *t;
	unsigned char voter[32] = { 1 };
	struct errors e;
	bool voted;
	int i;

	make_poll(make_org("bury"), true);
	p = get_poll(st, 1);
	/* 200 voters at once, then the first 50 again. */
	for (i = 0; i < 200; i++)
		cast(&w, p->id, p->options[i % 2].id, (unsigned char)i);
	for (i = 0; i < 50; i++)
		cast(&w, p->id, p->options[0].id, (unsigned char)i);
	wait_all(&w);
	cr_assert_eq(w.ok, 200);
	cr_assert_eq(w.duplicate, 50);
	cr_assert_eq(w.other, 0);
	t = get_poll(st, p->id);
	cr_assert_eq(t->ballots, 200);
	cr_assert_eq(t->options[0].votes, 100);
	cr_assert_eq(t->options[1].votes, 100);
	cr_assert_eq(store_ballot_exists(st, p->id, voter, &voted), 0);
	cr_assert(voted);
	/* An open poll can no longer be edited: the domain's rule, applied by
	 * the store in its transaction, with the domain's reason. */
	errors_init(&e);
	cr_assert_eq(store_poll_update(st, &(struct actor){ p->org_id, 0, "t" }, p, 2000, &e),
	    ERR_CONFLICT);
	cr_assert_eq(e.n, 1);
	cr_assert_str_eq(e.list[0].field, "poll");
}

Test(store, a_large_batch_commits)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0 };
	struct ballot b;
	struct poll *p;
	unsigned char voter[32];
	int i;

	/* Thousands of ballots queued at once commit in batches whose log
	 * writes are far larger than one write call of the file layer. */
	make_poll(make_org("bury"), true);
	p = get_poll(st, 1);
	for (i = 0; i < 5000; i++) {
		memset(voter, 0, sizeof(voter));
		memcpy(voter, &i, sizeof(i));
		voter[31] = (unsigned char)(i * 7);
		b = (struct ballot){ 1, { p->options[i % 2].id }, false };
		pthread_mutex_lock(&w.lock);
		w.pending++;
		pthread_mutex_unlock(&w.lock);
		/* From an arena, as a request's ballot is. */
		cr_assert_eq(store_ballot_cast(st, &arena, p->id, &b, voter, 2000, NULL, NULL, cast_done,
		    &w), 0);
	}
	wait_all(&w);
	cr_assert_eq(w.other, 0);
	cr_assert_eq(w.ok, 5000);
	cr_assert_eq(get_poll(st, p->id)->ballots, 5000);
}

Test(store, ballots_for_many_polls_in_one_batch)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0 };
	int64_t org = make_org("bury"), polls[12];
	struct poll *p;
	int i, k;

	/* Ballots for many polls in one batch: every count must add up. */
	for (i = 0; i < 12; i++)
		polls[i] = make_poll(org, true);
	for (k = 0; k < 5; k++) {
		for (i = 0; i < 12; i++) {
			p = get_poll(st, polls[i]);
			cast(&w, polls[i], p->options[k % 2].id, (unsigned char)(k * 12 + i));
		}
	}
	cast(&w, polls[0], 999999, 200); /* not an option of this poll */
	wait_all(&w);
	cr_assert_eq(w.ok, 60);
	cr_assert_eq(w.other, 1);
	for (i = 0; i < 12; i++) {
		p = get_poll(st, polls[i]);
		cr_assert_eq(p->ballots, 5);
		cr_assert_eq(p->options[0].votes, 3);
		cr_assert_eq(p->options[1].votes, 2);
	}
}

Test(store, ballots_refused_when_not_open)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0 };
	int64_t org = make_org("bury"), draft = make_poll(org, false), open = make_poll(org, true);
	struct actor staff = { org, 0, "staff" };
	struct errors e;
	struct poll *p;

	p = get_poll(st, draft);
	cast(&w, draft, p->options[0].id, 1);
	wait_all(&w);
	cr_assert_eq(w.other, 1, "a draft takes no ballots");
	errors_init(&e);
	cr_assert_eq(store_poll_close(st, &staff, draft, 1500, &e), ERR_CONFLICT,
	    "a draft cannot be closed: it is not open");
	cr_assert_eq(store_poll_close(st, &staff, open, 1500, &e), 0);
	cr_assert_eq(store_poll_close(st, &staff, open, 1500, &e), ERR_CONFLICT);
	cr_assert_eq(store_poll_open(st, &staff, open, 1500, &e), ERR_CONFLICT, "closed for good");
	p = get_poll(st, open);
	cast(&w, open, p->options[0].id, 2);
	wait_all(&w);
	cr_assert_eq(w.other, 2, "a closed poll takes no ballots");
	/* Another organisation cannot act on it. */
	cr_assert_eq(store_poll_open(st, &(struct actor){ org + 1, 0, "x" }, draft, 1500, &e),
	    ERR_NOTFOUND);
	cr_assert_eq(store_poll_delete(st, &staff, draft), 0);
	cr_assert_eq(store_poll_get(st, &arena, draft, &p), ERR_NOTFOUND);
}

struct chain {
	struct audit_verifier v;
	struct errors e;
	int bad;
};

static int
feed(void *arg, const struct audit_entry *entry)
{
	struct chain *c = arg;

	if (audit_verifier_feed(&c->v, entry, &c->e) != 0)
		c->bad++;
	return 0;
}

Test(store, audit_chain_records_and_detects_tampering)
{
	struct chain *c = calloc(1, sizeof(*c));

	make_poll(make_org("bury"), true);
	make_org("bolton");
	audit_verifier_init(&c->v, key);
	errors_init(&c->e);
	cr_assert_eq(store_audit_each(st, feed, c), 0);
	cr_assert_eq(c->bad, 0);
	cr_assert_eq(audit_verifier_count(&c->v), 3);

	raw_exec("UPDATE audit_entry SET actor = 'someone' WHERE seq = 2");
	audit_verifier_init(&c->v, key);
	errors_init(&c->e);
	cr_assert_eq(store_audit_each(st, feed, c), 0);
	cr_assert_gt(c->bad, 0);
	cr_assert(strstr(c->e.list[0].detail, "2") != NULL);
	free(c);
}

#define WAIT_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0 }

static void
cast_from(struct store *s, struct wait *w, int64_t poll, int64_t option, int voter_n,
    const char *net, int limit, int64_t now)
{
	struct ballot b = { 1, { option }, false };
	struct vote_limit lim = { .limit = limit, .window = 60 };
	unsigned char voter[32] = { 0 };

	memcpy(voter, &voter_n, sizeof(voter_n));
	voter[31] = 0x5a;
	snprintf(lim.net, sizeof(lim.net), "%s", net);
	pthread_mutex_lock(&w->lock);
	w->pending++;
	pthread_mutex_unlock(&w->lock);
	cr_assert_eq(store_ballot_cast(s, NULL, poll, &b, voter, now, &lim, NULL, cast_done, w), 0);
}

Test(store, votes_per_network_are_limited)
{
	struct wait w = WAIT_INIT;
	struct poll *p;
	int i;

	make_poll(make_org("bury"), true);
	p = get_poll(st, 1);
	/* Five from one network in one batch, limit 2: two counted; three from
	 * another, in the same batch, two counted too (each network's count
	 * read back, not only the first's). */
	for (i = 0; i < 5; i++)
		cast_from(st, &w, p->id, p->options[0].id, i, "192.0.2.1", 2, 2000);
	for (i = 0; i < 3; i++)
		cast_from(st, &w, p->id, p->options[0].id, 20 + i, "192.0.2.2", 2, 2001);
	wait_all(&w);
	cr_assert_eq(w.ok, 4);
	cr_assert_eq(w.limited, 4);
	/* Still limited later in the same window, in another batch... */
	cast_from(st, &w, p->id, p->options[1].id, 11, "192.0.2.1", 2, 2039);
	wait_all(&w);
	cr_assert_eq(w.limited, 5);
	/* ...and not in the next window (2040 starts a new one of 60 s). */
	cast_from(st, &w, p->id, p->options[1].id, 12, "192.0.2.1", 2, 2040);
	/* No limit: not counted at all. */
	cast_from(st, &w, p->id, p->options[1].id, 13, "192.0.2.1", 0, 2041);
	wait_all(&w);
	cr_assert_eq(w.ok, 6);
	cr_assert_eq(w.other + w.duplicate, 0);
	p = get_poll(st, 1);
	cr_assert_eq(p->ballots, 6, "refused ballots are not counted");
	cr_assert_eq(p->options[0].votes, 4);
	cr_assert_eq(p->options[1].votes, 2);
}

Test(store, staff_sessions_tokens_and_pages)
{
	struct user u = { 0 }, got;
	struct session sess = { 0 }, out;
	struct api_token tok = { 0 }, tout;
	struct site_page page = { 0 }, pout = { 0 };
	unsigned char h1[STORE_HASH_SIZE] = { 1 }, h2[STORE_HASH_SIZE] = { 2 };
	int64_t org = make_org("bury");
	char body[] = "# Accessibility\n\nWe aim for WCAG 2.2 AA. \xe2\x80\x94 \xf0\x9f\x98\x80";

	u.org_id = org;
	u.role = ROLE_ADMIN;
	snprintf(u.email, sizeof(u.email), "officer@example.org");
	snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$fake");
	cr_assert_eq(store_user_create(st, &who, &u), 0);
	cr_assert_gt(u.id, 0);
	cr_assert_eq(store_user_create(st, &who, &u), ERR_DUPLICATE);
	cr_assert_eq(store_user_get_by_email(st, STR_LIT("officer@example.org"), &got), 0);
	cr_assert_eq(got.id, u.id);
	cr_assert_eq(got.role, ROLE_ADMIN);
	cr_assert_eq(store_user_get(st, u.id + 100, &got), ERR_NOTFOUND);

	sess.user_id = u.id;
	sess.expires_at = 5000;
	snprintf(sess.csrf, sizeof(sess.csrf), "csrf-token");
	cr_assert_eq(store_session_create(st, NULL, h1, NULL, &sess, 3000), 0);
	cr_assert_eq(store_session_get(st, h1, 4000, 3600, &out), 0);
	cr_assert_str_eq(out.csrf, "csrf-token");
	cr_assert_eq(out.last_seen_at, 3000);
	cr_assert_eq(store_session_get(st, h1, 4000, 600, &out), ERR_NOTFOUND, "idle too long");
	cr_assert_eq(store_session_get(st, h1, 6000, 100000, &out), ERR_NOTFOUND, "expired");
	cr_assert_eq(store_session_get(st, h2, 4000, 3600, &out), ERR_NOTFOUND);
	/* Used again: the idle time starts again. */
	cr_assert_eq(store_session_touch(st, h1, &out, 3900, 600), 0);
	cr_assert_eq(store_session_get(st, h1, 4400, 600, &out), 0);
	cr_assert_eq(out.last_seen_at, 3900);
	/* Written at most once a minute ... */
	cr_assert_eq(store_session_touch(st, h1, &out, 3950, 600), 0);
	cr_assert_eq(store_session_get(st, h1, 3960, 600, &out), 0);
	cr_assert_eq(out.last_seen_at, 3900);
	/* ... but within a quarter of a short idle timeout: in use, a session
	 * with a one-minute timeout does not end a minute after its last write. */
	cr_assert_eq(store_session_touch(st, h1, &out, 3920, 60), 0);
	cr_assert_eq(store_session_get(st, h1, 3970, 60, &out), 0);
	cr_assert_eq(out.last_seen_at, 3920);
	/* A new password ends the user's sessions. */
	cr_assert_eq(store_user_set_password(st, &who, u.id, "$argon2id$new"), 0);
	cr_assert_eq(store_session_get(st, h1, 4000, 3600, &out), ERR_NOTFOUND);
	cr_assert_eq(store_user_set_password(st, &who, u.id + 100, "x"), ERR_NOTFOUND);
	sess.expires_at = (int64_t)time(NULL) + 3600;
	cr_assert_eq(store_session_create(st, NULL, h2, NULL, &sess, 3000), 0);
	cr_assert_eq(store_session_delete(st, &who, h2), 0);
	cr_assert_eq(store_session_get(st, h2, 4000, 3600, &out), ERR_NOTFOUND);

	tok.user_id = u.id;
	tok.org_id = org;
	cr_assert_eq(store_token_create(st, &who, h1, &tok), 0);
	cr_assert_eq(store_token_get(st, h1, 4000, &tout), 0);
	cr_assert_eq(tout.id, tok.id);
	cr_assert_eq(tout.org_id, org);
	cr_assert_eq(store_token_get(st, h2, 4000, &tout), ERR_NOTFOUND);

	page.org_id = org;
	page.key = STR_LIT("accessibility");
	page.title = STR_LIT("Accessibility statement");
	page.body = str_c(body);
	cr_assert_eq(store_page_get(st, &arena, org, STR_LIT("accessibility"), &pout), ERR_NOTFOUND);
	cr_assert_eq(store_page_put(st, &who, &page), 0);
	cr_assert_eq(store_page_put(st, &who, &page), 0, "saving again replaces it");
	cr_assert_eq(store_page_get(st, &arena, org, STR_LIT("accessibility"), &pout), 0);
	cr_assert_str_eq(pout.body.p, body, "text comes back byte for byte");
	cr_assert_eq(pout.body.n, strlen(body));
	cr_assert_str_eq(pout.title.p, "Accessibility statement");
}

static int
count_poll(void *arg, const struct poll *p)
{
	(*(int *)arg)++;
	cr_assert_eq(p->option_n, 2);
	return 0;
}

Test(store, polls_are_listed_edited_and_deleted)
{
	int64_t org = make_org("bury"), ids[5];
	struct actor staff = { org, 0, "staff" };
	struct errors e;
	struct poll *p;
	int i, n = 0;

	for (i = 0; i < 5; i++)
		ids[i] = make_poll(org, false);
	cr_assert_eq(store_poll_each(st, &arena, org, 0, 3, count_poll, &n), 0);
	cr_assert_eq(n, 3);
	n = 0;
	cr_assert_eq(store_poll_each(st, &arena, org, ids[2], 10, count_poll, &n), 0);
	cr_assert_eq(n, 2, "older than the cursor");
	p = get_poll(st, ids[0]);
	p->question = STR_LIT("How easy is it to see a pharmacist?");
	p->options[1].label = STR_LIT("Not easy");
	errors_init(&e);
	cr_assert_eq(store_poll_update(st, &staff, p, 1500, &e), 0);
	p = get_poll(st, ids[0]);
	cr_assert_str_eq(p->question.p, "How easy is it to see a pharmacist?");
	cr_assert_str_eq(p->options[1].label.p, "Not easy");
	p->org_id = org + 1;
	cr_assert_eq(store_poll_update(st, &staff, p, 1500, &e), ERR_NOTFOUND,
	    "another organisation's");
	cr_assert_eq(store_poll_open(st, &staff, ids[0], 1500, &e), 0);
	p = get_poll(st, ids[0]);
	cr_assert_eq(p->opens_at, 1500);
	cr_assert_eq(store_poll_update(st, &staff, p, 1600, &e), ERR_CONFLICT, "open: no edits");
	cr_assert_eq(store_poll_delete(st, &staff, ids[1]), 0);
	cr_assert_eq(store_poll_delete(st, &staff, ids[1]), ERR_NOTFOUND);
}

/* Two stores on one database, as two app servers have. */
struct server {
	struct store *s;
	int64_t poll, option;
	int first;
	struct wait *w;
};

static void *
server_work(void *arg)
{
	struct server *sv = arg;
	struct org o;
	struct errors e;
	char slug[32];
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(slug, sizeof(slug), "org-%d", sv->first + i);
		errors_init(&e);
		cr_assert_eq(org_check(str_c(slug), str_c("NHS Test"), &o, &e), 0);
		cr_assert_eq(store_org_create(sv->s, &who, &o), 0);
		cast_from(sv->s, sv->w, sv->poll, sv->option, sv->first + i, "198.51.100.1", 0, 2000);
	}
	return NULL;
}

Test(store, two_servers_share_one_chain_and_one_count)
{
	struct wait w = WAIT_INIT;
	struct server a = { 0 }, b = { 0 };
	struct chain *c = calloc(1, sizeof(*c));
	struct store *st2 = open_store();
	pthread_t ta, tb;
	struct poll *p;

	make_poll(make_org("bury"), true);
	p = get_poll(st, 1);
	a = (struct server){ st, p->id, p->options[0].id, 0, &w };
	b = (struct server){ st2, p->id, p->options[1].id, 1000, &w };
	cr_assert_eq(pthread_create(&ta, NULL, server_work, &a), 0);
	cr_assert_eq(pthread_create(&tb, NULL, server_work, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	wait_all(&w);
	cr_assert_eq(w.ok, 40);
	/* The same browser through the other server is still one vote. */
	cast_from(st2, &w, p->id, p->options[0].id, 0, "198.51.100.1", 0, 2000);
	wait_all(&w);
	cr_assert_eq(w.duplicate, 1);
	p = get_poll(st2, p->id);
	cr_assert_eq(p->ballots, 40);
	cr_assert_eq(p->options[0].votes, 20);
	cr_assert_eq(p->options[1].votes, 20);
	/* 1 org + 1 poll + 40 orgs, one unbroken chain. */
	audit_verifier_init(&c->v, key);
	errors_init(&c->e);
	cr_assert_eq(store_audit_each(st2, feed, c), 0);
	cr_assert_eq(c->bad, 0, "%s", c->e.n ? c->e.list[0].detail : "");
	cr_assert_eq(audit_verifier_count(&c->v), 42);
	store_close(st2);
	free(c);
}

Test(store, urls_are_shown_without_passwords)
{
	char out[128];

	store_url_display("postgresql://involve:s3cr@t@db.example:5432/involve?sslmode=require", out,
	    sizeof(out));
	cr_assert_str_eq(out, "postgresql://involve:***@db.example:5432/involve?sslmode=require");
	store_url_display("postgresql://involve@db/involve", out, sizeof(out));
	cr_assert_str_eq(out, "postgresql://involve@db/involve");
	store_url_display("sqlite:/var/lib/involve/involve.db", out, sizeof(out));
	cr_assert_str_eq(out, "sqlite:/var/lib/involve/involve.db");
}
