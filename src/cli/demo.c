/*
 * demo.c - fills a new database with the demo content (data/demo/demo.json)
 * for `involve serve --demo`: the four organisations of the seed pages,
 * their home page wording, Bury's pharmacy poll with some answers,
 * Blackpool's strategy consultation and Friends and Family Test (demo_surveys.c),
 * and a demo administrator whose password is printed once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "involve/secret.h"
#include "cli.h"

static const struct actor demo_actor = { 0, 0, "demo" };

/* Waits for the demo's ballots, which are cast asynchronously. */
struct ballot_wait {
	pthread_mutex_t lock;
	pthread_cond_t done;
	int pending;
	int failed;
};

static void
ballot_done(void *arg, int rc)
{
	struct ballot_wait *w = arg;

	pthread_mutex_lock(&w->lock);
	if (rc != 0)
		w->failed++;
	w->pending--;
	pthread_cond_signal(&w->done);
	pthread_mutex_unlock(&w->lock);
}

static int
load_poll(struct cli_env *env, const struct org *o, json_t *jp, struct ballot_wait *w)
{
	struct poll_input in;
	struct poll poll, *p = &poll;
	struct arena a;
	struct errors e;
	json_t *opts = json_object_get(jp, "options"), *votes = json_object_get(jp, "votes"), *v;
	unsigned char voter[STORE_HASH_SIZE];
	/* The demo's poll opened a fortnight ago, as if it had been running. */
	int64_t opened = (int64_t)time(NULL) - 14 * 24 * 3600;
	struct ballot b;
	size_t i;
	int rc = ERR_INVALID;
	json_int_t k;

	arena_init(&a, NULL, 0);
	poll_input_defaults(&in);
	errors_init(&e);
	in.question = str_c(json_string_value(json_object_get(jp, "question")));
	json_array_foreach(opts, i, v) {
		if (i < POLL_OPTIONS_MAX)
			in.options[i] = str_c(json_string_value(v));
	}
	in.option_n = (int)json_array_size(opts);
	in.multiple = json_is_true(json_object_get(jp, "multiple"));
	poll_results_parse(str_c(json_string_value(json_object_get(jp, "show_results"))),
	    &in.show_results);
	in.opening = POLL_OPEN_NOW;
	if (poll_build(&in, opened, &a, p, &e) != 0) {
		cli_print_errors("demo poll", &e);
		goto out;
	}
	p->org_id = o->id;
	if ((rc = store_poll_create(env->store, &demo_actor, p)) != 0)
		goto out;
	json_array_foreach(votes, i, v) {
		if ((int)i >= p->option_n)
			break;
		for (k = 0; k < json_integer_value(v); k++) {
			memset(&b, 0, sizeof(b));
			b.choice_n = 1;
			b.choices[0] = p->options[i].id;
			randombytes_buf(voter, sizeof(voter)); /* a made-up browser each */
			pthread_mutex_lock(&w->lock);
			w->pending++;
			pthread_mutex_unlock(&w->lock);
			if (store_ballot_cast(env->store, NULL, p->id, &b, voter, (int64_t)time(NULL),
			    NULL, NULL, ballot_done, w) != 0)
				ballot_done(w, ERR_IO);
		}
	}
out:
	arena_free(&a);
	return rc;
}

int
demo_load(struct cli_env *env, const char *demo_path)
{
	struct ballot_wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	json_error_t jerr;
	json_t *root, *jo, *page, *jp;
	const char *key;
	struct errors e;
	struct org o;
	struct user admin;
	struct site_page sp;
	char password[SECRET_GENERATED_MAX];
	size_t i, j;
	int rc = ERR_INVALID;

	if (demo_path)
		root = json_load_file(demo_path, JSON_REJECT_DUPLICATES, &jerr);
	else
		root = json_loadb(demo_content[0].data, demo_content[0].size,
		    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		demo_path = demo_path ? demo_path : "the built-in demo content";
		fprintf(stderr, "involve: demo: cannot read %s: %s (line %d)\n", demo_path, jerr.text,
		    jerr.line);
		return ERR_IO;
	}
	json_array_foreach(json_object_get(root, "organisations"), i, jo) {
		errors_init(&e);
		if (org_check(str_c(json_string_value(json_object_get(jo, "slug"))),
		    str_c(json_string_value(json_object_get(jo, "name"))), &o, &e) != 0) {
			cli_print_errors("demo", &e);
			goto out;
		}
		/* The demo's organisations may say whom they require a second
		 * factor of; otherwise the default (administrators). */
		if (json_is_string(json_object_get(jo, "require_mfa")) &&
		    mfa_policy_parse(str_c(json_string_value(json_object_get(jo, "require_mfa"))),
		    &o.require_mfa) != 0) {
			fprintf(stderr, "involve: demo: require_mfa must be none, administrators or "
			    "all\n");
			goto out;
		}
		if ((rc = store_org_create(env->store, &demo_actor, &o)) != 0)
			goto fail;
		json_object_foreach(json_object_get(jo, "pages"), key, page) {
			memset(&sp, 0, sizeof(sp));
			sp.org_id = o.id;
			sp.key = str_c(key);
			sp.title = str_c(json_string_value(json_object_get(page, "title")));
			sp.body = str_c(json_string_value(json_object_get(page, "body")));
			if ((rc = store_page_put(env->store, &demo_actor, &sp)) != 0)
				goto fail;
		}
		json_array_foreach(json_object_get(jo, "polls"), j, jp) {
			if ((rc = load_poll(env, &o, jp, &w)) != 0)
				goto fail;
		}
		if ((rc = demo_load_surveys(env, &o, json_object_get(jo, "surveys"))) != 0)
			goto fail;
	}
	pthread_mutex_lock(&w.lock);
	while (w.pending > 0)
		pthread_cond_wait(&w.done, &w.lock);
	pthread_mutex_unlock(&w.lock);
	if (w.failed) {
		rc = ERR_IO;
		goto fail;
	}

	memset(&admin, 0, sizeof(admin));
	jo = json_object_get(root, "admin");
	if ((rc = store_org_get_by_slug(env->store,
	    str_c(json_string_value(json_object_get(jo, "org"))), &o)) != 0)
		goto fail;
	admin.org_id = o.id;
	admin.role = ROLE_ADMIN;
	snprintf(admin.email, sizeof(admin.email), "%s",
	    json_string_value(json_object_get(jo, "email")));
	secret_password_generate(password);
	if ((rc = secret_password_hash(password, admin.password_hash)) != 0 ||
	    (rc = store_user_create(env->store, &demo_actor, &admin)) != 0)
		goto fail;
	printf("Demo content loaded.\n"
	    "Sign in at /staff/login as %s with the password (shown once): %s\n",
	    admin.email, password);
	sodium_memzero(password, sizeof(password));
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "involve: demo: loading the demo content failed: %s\n", error_name(rc));
out:
	json_decref(root);
	return rc;
}
