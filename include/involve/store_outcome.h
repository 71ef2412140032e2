/*
 * store_outcome.h - the store's "You said, we did" outcomes, and the
 * addresses of respondents who asked to hear back (see store.h for what
 * every store function promises).
 *
 * Publishing an outcome queues, in the same transaction, one message to
 * each address kept for a survey it answers, and deletes the addresses:
 * the mail goes if and only if the outcome is published, and an address
 * is used once.
 */
#ifndef INVOLVE_STORE_OUTCOME_H
#define INVOLVE_STORE_OUTCOME_H

#include "involve/outcome.h"
#include "involve/store.h"

/* Keeps a new draft (its text and links; each link must be an engagement
 * of o->org_id, else ERR_INVALID with an error on "links[i]"); sets id and
 * times. */
int store_outcome_create(struct store *s, const struct actor *who, struct outcome *o,
    struct errors *e);
/* Replaces the text and links of outcome o->id of o->org_id.  ERR_NOTFOUND,
 * ERR_INVALID as above. */
int store_outcome_update(struct store *s, const struct actor *who, struct outcome *o,
    struct errors *e);
/* The outcome with its links (and their engagements' titles), in a. */
int store_outcome_get(struct store *s, struct arena *a, int64_t id, struct outcome **out);
typedef int (*store_outcome_fn)(void *arg, const struct outcome *o);
/* An organisation's outcomes, newest first (by id), published ones only
 * when `published`, at most limit, read into a with their links. */
int store_outcome_each(struct store *s, struct arena *a, int64_t org_id, bool published,
    int limit, store_outcome_fn fn, void *arg);
/* The published outcomes linked to an engagement, newest first, in a. */
int store_outcomes_of(struct store *s, struct arena *a, enum outcome_link_kind kind,
    int64_t ref_id, store_outcome_fn fn, void *arg);

/* The message each respondent who asked to hear back is sent. */
struct outcome_mail {
	struct str subject;
	struct str body;
};
/* Publishes a draft of org_id at now and queues the mail (*queued: how
 * many); each consultation it answers that is being analysed moves on to
 * "outcome published" in the same transaction.  ERR_NOTFOUND; ERR_CONFLICT
 * when it is published already. */
int store_outcome_publish(struct store *s, const struct actor *who, int64_t org_id, int64_t id,
    int64_t now, const struct outcome_mail *mail, int *queued);
/* Deletes a draft of org_id.  ERR_CONFLICT once published. */
int store_outcome_delete(struct store *s, const struct actor *who, int64_t org_id, int64_t id);

/* Keeps a respondent's address, sealed with keys.mail, to tell them when
 * an outcome of the survey is published. */
int store_hear_back_add(struct store *s, int64_t survey_id, const unsigned char *sealed,
    size_t n, int64_t now);

#endif
