/*
 * store_survey.h - the store's surveys and their responses (see store.h
 * for what every store function promises: durability, rules checked
 * inside the change's transaction, audit, memory).
 *
 * The store keeps a survey's definition as the canonical JSON text the
 * domain wrote (survey.h) and never reads it: whether a change keeps the
 * answers already given meaningful is the caller's question to the domain
 * (survey_def_check_change), and the store only makes sure that the
 * survey it asked about is the one it changes (the version) and that a
 * change the domain called breaking finds no responses.
 *
 * Results are kept as counts (table survey_tally), added to by each
 * submission in its own transaction and taken away by a withdrawal, so
 * reading the results never scans the responses.  What a response counts
 * is the domain's (survey_answers_tally); the store adds what it is given.
 */
#ifndef INVOLVE_STORE_SURVEY_H
#define INVOLVE_STORE_SURVEY_H

#include "involve/store.h"
#include "involve/survey.h"
#include "involve/survey_answers.h"

/* ---- surveys --------------------------------------------------------------------------- */

typedef int (*store_survey_fn)(void *arg, const struct survey *sv);

/* Keeps a new survey (title, kind, who, times, definition, next_option_id
 * of sv) as version 1, with its first entry in the version history; sets
 * sv->id, sv->created_at, sv->updated_at and sv->version.  A consultation
 * is made a draft: with an opening time it is ERR_CONFLICT, as it has no
 * checklist yet (consultation_check_schedule). */
int store_survey_create(struct store *s, const struct actor *who, struct survey *sv);
/* The survey in a, with its count of responses.  ERR_NOTFOUND. */
int store_survey_get(struct store *s, struct arena *a, int64_t id, struct survey **out);
/* Surveys of an organisation, newest first, with id < before_id (0: from
 * the newest), at most limit (at most STORE_LIST_MAX), read into a. */
int store_survey_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id,
    int limit, store_survey_fn fn, void *arg);
/*
 * Replaces title, who, times, definition and next_option_id of survey
 * sv->id (of organisation sv->org_id) when it is still at version
 * `expected_version`, survey_check_edit allows it at now, for a
 * consultation with an opening time consultation_check_schedule does, and,
 * for a `breaking` change, it has no responses (partial ones included).  The
 * version goes up by one and the new one joins the history.  Sets
 * sv->version and sv->updated_at.  ERR_NOTFOUND; ERR_CONFLICT with the
 * reason in e (field "survey"; "version" when someone else changed it
 * meanwhile).
 */
int store_survey_update(struct store *s, const struct actor *who, struct survey *sv,
    int expected_version, bool breaking, int64_t now, struct errors *e);
/* Opens (survey_check_open; a consultation also consultation_check_open)
 * or closes (survey_check_close) a survey of the actor's organisation.
 * ERR_NOTFOUND, ERR_CONFLICT. */
int store_survey_open(struct store *s, const struct actor *who, int64_t survey_id, int64_t now,
    struct errors *e);
int store_survey_close(struct store *s, const struct actor *who, int64_t survey_id, int64_t now,
    struct errors *e);
/* Deletes a survey of the actor's organisation with its responses,
 * counts and history. */
int store_survey_delete(struct store *s, const struct actor *who, int64_t survey_id);

struct survey_version {
	int version;
	struct str title;
	struct str definition;
	int64_t changed_at;
	struct str changed_by; /* the actor's name */
};
typedef int (*store_survey_version_fn)(void *arg, const struct survey_version *v);
/* The survey's versions, newest first, read into a. */
int store_survey_versions(struct store *s, struct arena *a, int64_t survey_id,
    store_survey_version_fn fn, void *arg);

/* ---- responses --------------------------------------------------------------------------- */

enum response_state {
	RESPONSE_PARTIAL,   /* begun, kept for resuming */
	RESPONSE_SUBMITTED,
	RESPONSE_WITHDRAWN, /* by the respondent; its answers are gone */
};
const char *response_state_name(enum response_state st); /* "partial", ... */

struct survey_response {
	int64_t id;
	int64_t survey_id;
	enum survey_channel channel;
	enum response_state state;
	int version;          /* of the definition it answered */
	struct str answers;   /* survey_answers_write's text; "" once withdrawn */
	struct str page;      /* partial: the key of the page to go on from */
	int64_t created_at;
	int64_t updated_at;
	int64_t submitted_at; /* 0 while partial */
	int64_t entered_by;   /* the staff user who keyed it in; 0: the respondent */
};

/* A response's private link (to resume, and to withdraw) is a random
 * token the respondent holds; the store keeps only its keyed hash. */
struct response_submit {
	int64_t survey_id;
	int version;                 /* the survey's version the answers were checked against */
	enum survey_channel channel;
	struct str answers;          /* survey_answers_write's text */
	int tally_n;
	const struct survey_tally_item *tally; /* survey_answers_tally's items */
	int64_t entered_by;          /* staff keying it in; 0: the respondent, who
	                              * may answer only while the survey is open */
	bool has_respondent;         /* one response per browser */
	unsigned char respondent[STORE_HASH_SIZE];
	bool has_link;               /* the private link: a partial response with
	                              * this link becomes the submitted one */
	unsigned char link[STORE_HASH_SIZE];
	int64_t now;
};

/*
 * Submits a response.  Returns at once; done is called on the writer's
 * thread once its transaction has committed (0, with *id set), or with
 * ERR_DUPLICATE (this respondent has a submitted response, or the link's
 * response is submitted already), ERR_CONFLICT (the survey is not open at
 * commit time; staff may key responses into an open or closed survey; or
 * it is no longer at r->version, the version the answers were checked
 * against), ERR_NOTFOUND, ERR_FULL or ERR_IO.  The tally items are added
 * in the same transaction, summed with the rest of its batch's.  r and
 * what it points to are copied into a, which must outlive the call to
 * done.  Returns non-zero (never calling done) only when it could not be
 * queued (ERR_BUSY, ERR_NOMEM).
 */
int store_response_submit(struct store *s, struct arena *a, const struct response_submit *r,
    int64_t *id, store_done_fn done, void *arg);
/* store_response_submit, waiting for the commit: for the command line and
 * for tests. */
int store_response_submit_wait(struct store *s, const struct response_submit *r, int64_t *id);

/*
 * Keeps a partial response under its link: creates it, or replaces the
 * answers and page of the partial response that has the link.  ERR_CONFLICT
 * when the link's response is no longer partial or the survey is not open;
 * ERR_DUPLICATE when the respondent has submitted a response already.
 */
int store_response_save(struct store *s, int64_t survey_id, int version,
    const unsigned char link[STORE_HASH_SIZE], const unsigned char *respondent,
    struct str answers, struct str page, int64_t now, int64_t *id);
/* The response that has this link, in a.  ERR_NOTFOUND. */
int store_response_by_link(struct store *s, struct arena *a, int64_t survey_id,
    const unsigned char link[STORE_HASH_SIZE], struct survey_response **out);
/* A response by id, in a.  ERR_NOTFOUND. */
int store_response_get(struct store *s, struct arena *a, int64_t survey_id, int64_t id,
    struct survey_response **out);
/*
 * The respondent withdraws the submitted response that has the link,
 * while the survey is open: its answers are deleted and its tally items
 * (the caller's survey_answers_tally of them) taken away.  ERR_NOTFOUND;
 * ERR_CONFLICT when it is not submitted or the survey has closed.
 */
int store_response_withdraw(struct store *s, int64_t survey_id,
    const unsigned char link[STORE_HASH_SIZE], const struct survey_tally_item *tally,
    int tally_n, int64_t now);
/*
 * Staff correct a response someone other than the respondent wrote down
 * (survey_response_correctable: keyed in, or imported from paper, phone or
 * an event): the answers are replaced, the old items taken away and the
 * new ones added, and the change is audited with both versions.
 * ERR_NOTFOUND; ERR_CONFLICT when it is not submitted; ERR_DENIED for a
 * response the respondent gave online.
 */
int store_response_correct(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t id, struct str answers, const struct survey_tally_item *old_tally, int old_n,
    const struct survey_tally_item *new_tally, int new_n, int64_t now);

/* ---- importing responses ---------------------------------------------------------------- */

/* One response of an import, as its source hands it over. */
struct response_import_row {
	enum survey_channel channel;
	struct str answers;                    /* survey_answers_write's text */
	int tally_n;
	const struct survey_tally_item *tally; /* survey_answers_tally's items */
	int64_t skipped; /* set with the last call (0): the source's rows it refused and
	                  * left out, for the audit entry */
};

/*
 * The source of an import: puts the next response in *row, its text and
 * items living until the next call, and returns 1; returns 0 after the
 * last, or an error, which abandons the import (nothing of it is written,
 * and store_responses_import returns that error).  `first` is true on the
 * first call of each run: the source starts from its first response again
 * (a transaction that lost a race to another server runs again).
 */
typedef int (*store_import_fn)(void *arg, bool first, struct response_import_row *row);

struct response_import {
	int64_t survey_id;
	int version;          /* of the definition the answers were checked against */
	store_import_fn next;
	void *arg;
	int64_t now;
};

/*
 * Imports responses keyed in by `who` (entered_by is who's user id: 0 from
 * the command line), all or none, in one transaction: every response
 * submitted, their tally items summed in memory and each distinct item
 * added once, the survey's count of responses, and one audit entry,
 * "response.import", with the counts.  The survey must be who's
 * organisation's (ERR_NOTFOUND), still at `version` and open or closed, as
 * for any response staff key in (ERR_CONFLICT, the reason in e, under
 * "version" or "survey").  *imported gets the number written; a source with
 * no responses writes nothing.
 *
 * The source is called on the store's writer, inside the transaction, row
 * after row: it reads and checks its rows as it goes, and responses to the
 * survey from elsewhere wait meanwhile (its row is locked).  Made for the
 * command line, whose store has no other writes to make: memory stays that
 * of one row and the counts, however many rows there are.
 */
int store_responses_import(struct store *s, const struct actor *who,
    const struct response_import *imp, int64_t *imported, struct errors *e);

typedef int (*store_response_fn)(void *arg, const struct survey_response *r);
/* Submitted responses of a survey in id order, with id > after_id, at
 * most limit (0: all), streamed: each row lives only during its call.
 * A return of non-zero from fn stops the walk and is returned. */
int store_response_each(struct store *s, int64_t survey_id, int64_t after_id, int64_t limit,
    store_response_fn fn, void *arg);

/* Submitted responses of a survey that staff may correct (keyed in, or
 * imported: survey_response_correctable), newest first, with id <
 * before_id (0: from the newest), at most limit (at most STORE_LIST_MAX),
 * streamed as store_response_each's are. */
int store_response_each_entered(struct store *s, int64_t survey_id, int64_t before_id,
    int limit, store_response_fn fn, void *arg);

/* The survey's counts (survey_answers_tally's items as summed), each row
 * living only during its call. */
typedef int (*store_tally_fn)(void *arg, const struct survey_tally_item *item);
int store_survey_tally(struct store *s, int64_t survey_id, store_tally_fn fn, void *arg);

/* ---- coded fixed answers, for cross-tabulations ------------------------------------------ */

/*
 * Each submitted response's fixed answers coded (survey_coded.h), kept by
 * the transaction that submits, imports, corrects or withdraws it, loose
 * or packed many to a row (src/store/coded_packs.h).  fn gets runs of
 * whole entries (a pack's, or one response's), in no order, each run
 * living only during its call, all read from one snapshot.  A return of
 * non-zero from fn stops the walk and is returned.  Counts nothing of
 * responses that store_survey_coded_fill has still to code.
 */
typedef int (*store_coded_fn)(void *arg, const unsigned char *p, size_t n);
int store_survey_coded(struct store *s, int64_t survey_id, store_coded_fn fn, void *arg);

/* A response's tally items (survey_answers_tally's) into *items and *n,
 * living until the next call; non-zero stops the fill. */
typedef int (*store_items_fn)(void *arg, const struct survey_response *r,
    const struct survey_tally_item **items, int *n);
/*
 * Codes the submitted responses a database upgraded from before coding
 * (migration 010) has kept without: once per survey, in one transaction
 * that holds the survey's row, with fn's items for each response.  Returns
 * 0 at once when there are none.
 */
int store_survey_coded_fill(struct store *s, int64_t survey_id, store_items_fn fn, void *arg);

/* ---- invitation codes ------------------------------------------------------------------- */

/* Keeps n new codes (their keyed hashes, onetime_code_hash of kind
 * "survey-code" and the survey) of a survey of the actor's organisation
 * answered with a code, as one batch; sets *batch_id.  ERR_NOTFOUND;
 * ERR_CONFLICT (reason in e) when it is answered by anyone or has closed;
 * ERR_DUPLICATE when a code is one already kept (make the batch again). */
int store_survey_codes_add(struct store *s, const struct actor *who, int64_t survey_id,
    const unsigned char (*hashes)[SECRET_HASH_BYTES], int n, int64_t now, int64_t *batch_id,
    struct errors *e);
/*
 * A respondent comes with a code: the first time, a partial response is
 * begun under link; later, while it is unfinished, the code leads back to
 * it, which moves to the new link.  Sets *response_id.  ERR_CODE_SPENT for
 * a code that is not the survey's, is withdrawn or has been used;
 * ERR_CONFLICT when the survey is not open.
 */
int store_survey_code_start(struct store *s, int64_t survey_id,
    const unsigned char code[STORE_HASH_SIZE], const unsigned char link[STORE_HASH_SIZE],
    int64_t now, int64_t *response_id);
/* The survey's batches of codes, oldest first (struct code_batch of
 * store.h, its poll_id 0): how many were made, how many used to send a
 * response, when withdrawn. */
int store_survey_code_batches(struct store *s, int64_t survey_id, store_batch_fn fn, void *arg);
/* Batch batch_id of the survey, as the list has it: ERR_NOTFOUND. */
int store_survey_code_batch_get(struct store *s, int64_t survey_id, int64_t batch_id,
    struct code_batch *out);
/* Withdraws a batch of a survey of the actor's organisation: its unused
 * codes are deleted, and a code whose response is unfinished no longer
 * leads back to it (the private link still does).  ERR_NOTFOUND for no
 * such batch of the survey; ERR_CONFLICT when withdrawn already. */
int store_survey_codes_withdraw(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t batch_id, int64_t now);

#endif
