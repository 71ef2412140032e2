/* Tests for the SQLite store on a real database file in a temporary
 * directory: durability settings, group commit, ballots, audit chain. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/store.h"
#include "involve/store_sqlite.h"

static char dir[64], url[128], path[96];
static struct store *st;
static const unsigned char key[32] = { 7 };
static const struct actor who = { 0, 0, "test" };

static void
setup(void)
{
	struct store_config cfg = { 0 };
	struct errors e;

	snprintf(dir, sizeof(dir), "/tmp/involve-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/involve.db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	cfg.url = url;
	memcpy(cfg.audit_key, key, 32);
	errors_init(&e);
	cr_assert_eq(store_open(&cfg, &st, &e), 0);
	cr_assert_eq(st->ops->migrate(st), 0);
}

static void
teardown(void)
{
	char cmd[400];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(sqlite_store, .init = setup, .fini = teardown);

static int64_t
make_org(const char *slug)
{
	struct org o;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(org_check(str_c(slug), str_c("NHS Test"), &o, &e), 0);
	cr_assert_eq(st->ops->org_create(st, &who, &o), 0);
	return o.id;
}

static int64_t
make_poll(int64_t org, bool open)
{
	struct poll p;
	struct poll_input in = { 0 };
	struct errors e;

	errors_init(&e);
	in.question = str_c("How satisfied are you?");
	in.option_n = 2;
	in.options[0] = str_c("Satisfied");
	in.options[1] = str_c("Not satisfied");
	in.opens_at = open ? 1000 : 0;
	cr_assert_eq(poll_build(&in, 1000, &p, &e), 0);
	p.org_id = org;
	cr_assert_eq(st->ops->poll_create(st, &who, &p), 0);
	return p.id;
}

Test(sqlite_store, is_durable_and_migrates_once)
{
	cr_assert_eq(store_sqlite_synchronous(st), 2, "synchronous must be FULL");
	cr_assert_eq(st->ops->migrate(st), 0);
	cr_assert_eq(st->ops->ping(st), 0);
}

Test(sqlite_store, organisations_are_unique)
{
	struct org o, got;
	struct errors e;

	make_org("bury");
	errors_init(&e);
	org_check(str_c("bury"), str_c("Another"), &o, &e);
	cr_assert_eq(st->ops->org_create(st, &who, &o), ERR_DUPLICATE);
	cr_assert_eq(st->ops->org_get_by_slug(st, "bury", &got), 0);
	cr_assert_str_eq(got.name, "NHS Test");
	cr_assert_eq(st->ops->org_get_by_slug(st, "nobody", &got), ERR_NOTFOUND);
}

struct wait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pending;
	int ok, duplicate, other;
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
	else
		w->other++;
	w->pending--;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void
cast(struct wait *w, int64_t poll, int64_t option, unsigned char voter_byte)
{
	struct ballot b = { 1, { option } };
	unsigned char voter[32] = { voter_byte };

	pthread_mutex_lock(&w->lock);
	w->pending++;
	pthread_mutex_unlock(&w->lock);
	cr_assert_eq(st->ops->ballot_cast(st, poll, &b, voter, 2000, cast_done, w), 0);
}

static void
wait_all(struct wait *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->pending > 0)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

Test(sqlite_store, ballots_count_once_per_voter)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };
	struct poll p;
	struct tally t;
	unsigned char voter[32] = { 1 };
	bool voted;
	int i;

	make_poll(make_org("bury"), true);
	cr_assert_eq(st->ops->poll_get(st, 1, &p), 0);
	/* 200 voters at once, then the first 50 again. */
	for (i = 0; i < 200; i++)
		cast(&w, p.id, p.options[i % 2].id, (unsigned char)i);
	for (i = 0; i < 50; i++)
		cast(&w, p.id, p.options[0].id, (unsigned char)i);
	wait_all(&w);
	cr_assert_eq(w.ok, 200);
	cr_assert_eq(w.duplicate, 50);
	cr_assert_eq(w.other, 0);
	cr_assert_eq(st->ops->poll_tally(st, p.id, &t), 0);
	cr_assert_eq(t.ballots, 200);
	cr_assert_eq(t.counts[0], 100);
	cr_assert_eq(t.counts[1], 100);
	cr_assert_eq(st->ops->ballot_exists(st, p.id, voter, &voted), 0);
	cr_assert(voted);
	/* A poll with ballots can no longer be edited. */
	cr_assert_eq(st->ops->poll_update(st, &(struct actor){ p.org_id, 0, "t" }, &p), ERR_CONFLICT);
}

Test(sqlite_store, a_large_batch_commits)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };
	struct ballot b;
	struct poll p;
	struct tally t;
	unsigned char voter[32];
	int i;

	/* Thousands of ballots queued at once commit in batches whose log
	 * writes are far larger than one write call of the file layer. */
	make_poll(make_org("bury"), true);
	cr_assert_eq(st->ops->poll_get(st, 1, &p), 0);
	for (i = 0; i < 5000; i++) {
		memset(voter, 0, sizeof(voter));
		memcpy(voter, &i, sizeof(i));
		voter[31] = (unsigned char)(i * 7);
		b = (struct ballot){ 1, { p.options[i % 2].id } };
		pthread_mutex_lock(&w.lock);
		w.pending++;
		pthread_mutex_unlock(&w.lock);
		cr_assert_eq(st->ops->ballot_cast(st, p.id, &b, voter, 2000, cast_done, &w), 0);
	}
	wait_all(&w);
	cr_assert_eq(w.other, 0);
	cr_assert_eq(w.ok, 5000);
	cr_assert_eq(st->ops->poll_tally(st, p.id, &t), 0);
	cr_assert_eq(t.ballots, 5000);
}

Test(sqlite_store, ballots_for_many_polls_in_one_batch)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };
	int64_t org = make_org("bury"), polls[12];
	struct poll p;
	struct tally t;
	int i, k;

	/* More polls than the writer keeps counts for in a batch: the rest
	 * are counted ballot by ballot, and every count must still add up. */
	for (i = 0; i < 12; i++)
		polls[i] = make_poll(org, true);
	for (k = 0; k < 5; k++) {
		for (i = 0; i < 12; i++) {
			cr_assert_eq(st->ops->poll_get(st, polls[i], &p), 0);
			cast(&w, polls[i], p.options[k % 2].id, (unsigned char)(k * 12 + i));
		}
	}
	cast(&w, polls[0], 999999, 200); /* not an option of this poll */
	wait_all(&w);
	cr_assert_eq(w.ok, 60);
	cr_assert_eq(w.other, 1);
	for (i = 0; i < 12; i++) {
		cr_assert_eq(st->ops->poll_tally(st, polls[i], &t), 0);
		cr_assert_eq(t.ballots, 5);
		cr_assert_eq(t.counts[0], 3);
		cr_assert_eq(t.counts[1], 2);
	}
}

Test(sqlite_store, ballots_refused_when_not_open)
{
	struct wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };
	int64_t org = make_org("bury"), draft = make_poll(org, false), open = make_poll(org, true);
	struct actor staff = { org, 0, "staff" };
	struct poll p;

	cr_assert_eq(st->ops->poll_get(st, draft, &p), 0);
	cast(&w, draft, p.options[0].id, 1);
	wait_all(&w);
	cr_assert_eq(w.other, 1, "a draft takes no ballots");
	cr_assert_eq(st->ops->poll_act(st, &staff, open, POLL_ACTION_CLOSE, 1500), 0);
	cr_assert_eq(st->ops->poll_act(st, &staff, open, POLL_ACTION_CLOSE, 1500), ERR_CONFLICT);
	cr_assert_eq(st->ops->poll_get(st, open, &p), 0);
	cast(&w, open, p.options[0].id, 2);
	wait_all(&w);
	cr_assert_eq(w.other, 2, "a closed poll takes no ballots");
	/* Another organisation cannot act on it. */
	cr_assert_eq(st->ops->poll_act(st, &(struct actor){ org + 1, 0, "x" }, draft,
	    POLL_ACTION_OPEN, 1500), ERR_NOTFOUND);
	cr_assert_eq(st->ops->poll_delete(st, &staff, draft), 0);
	cr_assert_eq(st->ops->poll_get(st, draft, &p), ERR_NOTFOUND);
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

Test(sqlite_store, audit_chain_records_and_detects_tampering)
{
	struct chain *c = calloc(1, sizeof(*c));
	sqlite3 *db;

	make_poll(make_org("bury"), true);
	make_org("bolton");
	audit_verifier_init(&c->v, key);
	errors_init(&c->e);
	cr_assert_eq(st->ops->audit_each(st, feed, c), 0);
	cr_assert_eq(c->bad, 0);
	cr_assert_eq(audit_verifier_count(&c->v), 3);

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE audit_entry SET actor = 'someone' WHERE seq = 2",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	audit_verifier_init(&c->v, key);
	errors_init(&c->e);
	cr_assert_eq(st->ops->audit_each(st, feed, c), 0);
	cr_assert_gt(c->bad, 0);
	cr_assert(strstr(c->e.list[0].detail, "2") != NULL);
	free(c);
}
