/*
 * store_consultation.h - the store's consultations (their stage,
 * checklist, documents and attached files) and assessments of the duty to
 * involve with the engagements linked to them.  See store.h for what
 * every store function promises: durability, rules checked inside the
 * change's transaction, audit, memory.
 *
 * A consultation is a survey of kind SURVEY_KIND_CONSULTATION
 * (store_survey.h makes, opens and closes it).  Every change here locks
 * the survey's row first (the row opening it locks), so the checklist
 * cannot change between the check that lets it open and its opening, and
 * a change to a consultation of another organisation, or to a survey that
 * is not a consultation, is ERR_NOTFOUND.  The rules are the domain's
 * (consultation.h, assessment.h), asked inside the transaction.
 */
#ifndef INVOLVE_STORE_CONSULTATION_H
#define INVOLVE_STORE_CONSULTATION_H

#include "involve/assessment.h"
#include "involve/consultation.h"
#include "involve/store.h"
#include "involve/store_survey.h"

/* ---- consultations ---------------------------------------------------------------------- */

/* The stage and checklist of consultation survey_id, in a (what has
 * recorded nothing reads as stage NONE and every answer unanswered).
 * Does not look at the survey: the caller has it. */
int store_consultation_get(struct store *s, struct arena *a, int64_t survey_id,
    struct consultation *out);
/* The organisation's consultations, newest first, with id < before_id (0:
 * from the newest), at most limit (at most STORE_LIST_MAX), as
 * store_survey_each gives surveys. */
int store_consultation_each(struct store *s, struct arena *a, int64_t org_id,
    int64_t before_id, int limit, store_survey_fn fn, void *arg);
/*
 * Records the checklist of consultation survey_id (of the actor's
 * organisation) when consultation_check_checklist_change allows it at
 * now; the actor and now become who recorded it and when.  The caller
 * has checked it (consultation_checklist_check).  ERR_NOTFOUND;
 * ERR_CONFLICT with the reason in e.
 */
int store_consultation_set_checklist(struct store *s, const struct actor *who,
    int64_t survey_id, const struct consultation_checklist *c, int64_t now, struct errors *e);
/*
 * Moves consultation survey_id to `stage` when consultation_check_stage
 * allows it at now: analysing once it has closed; outcome published from
 * analysing (the outcome itself is recorded by its own area, which calls
 * this in its turn).  ERR_NOTFOUND; ERR_CONFLICT with the reason in e.
 */
int store_consultation_set_stage(struct store *s, const struct actor *who, int64_t survey_id,
    enum consultation_stage stage, int64_t now, struct errors *e);

/* ---- documents ----------------------------------------------------------------------------- */

typedef int (*store_document_fn)(void *arg, const struct consultation_document *d);

/*
 * Adds document d (checked: consultation_document_check) after the last
 * one of consultation d->survey_id, of the actor's organisation, when
 * consultation_check_documents_edit allows it at now and it has fewer
 * than CONSULTATION_DOCS_MAX.  Sets d->id, d->position, d->created_at and
 * d->updated_at.  ERR_NOTFOUND; ERR_CONFLICT with the reason in e.
 */
int store_document_add(struct store *s, const struct actor *who,
    struct consultation_document *d, int64_t now, struct errors *e);
/* Document id of consultation survey_id, its text too, in a.
 * ERR_NOTFOUND. */
int store_document_get(struct store *s, struct arena *a, int64_t survey_id, int64_t id,
    struct consultation_document **out);
/* The consultation's documents in order, read into a without their text
 * (body and easy_read are empty; has_easy_read says whether there is
 * one). */
int store_document_each(struct store *s, struct arena *a, int64_t survey_id,
    store_document_fn fn, void *arg);
/* Replaces title, body and easy_read of document d->id of consultation
 * d->survey_id, as store_document_add allows.  Sets d->updated_at. */
int store_document_update(struct store *s, const struct actor *who,
    struct consultation_document *d, int64_t now, struct errors *e);
/* Moves document id one place earlier (by -1) or later (by 1); at either
 * end it stays where it is.  ERR_NOTFOUND; ERR_CONFLICT. */
int store_document_move(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t id, int by, int64_t now, struct errors *e);
/* Deletes document id with its files.  ERR_NOTFOUND; ERR_CONFLICT. */
int store_document_delete(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t id, int64_t now, struct errors *e);

/* ---- attached files -------------------------------------------------------------------------- */

typedef int (*store_attachment_fn)(void *arg, const struct consultation_attachment *f);

/*
 * Attaches a file to document document_id of consultation survey_id (of
 * the actor's organisation): name and media_type as
 * consultation_attachment_check gave them, size bytes, copied.  As
 * store_document_add allows, and while the document has fewer than
 * CONSULTATION_FILES_MAX.  Sets *id.  ERR_NOTFOUND; ERR_CONFLICT.
 */
int store_attachment_add(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t document_id, struct str name, struct str media_type, const void *bytes,
    size_t size, int64_t now, int64_t *id, struct errors *e);
/* Every file of the consultation's documents, by document and then as
 * attached, without their bytes, read into a. */
int store_attachment_each(struct store *s, struct arena *a, int64_t survey_id,
    store_attachment_fn fn, void *arg);
/* File id of consultation survey_id: its record in a, its bytes appended
 * to content (which may be NULL: the record only).  ERR_NOTFOUND. */
int store_attachment_get(struct store *s, struct arena *a, int64_t survey_id, int64_t id,
    struct consultation_attachment *out, struct buf *content);
/* Deletes file id, as store_document_add allows.  ERR_NOTFOUND;
 * ERR_CONFLICT. */
int store_attachment_delete(struct store *s, const struct actor *who, int64_t survey_id,
    int64_t id, int64_t now, struct errors *e);

/* ---- assessments of the duty to involve ------------------------------------------------------ */

typedef int (*store_assessment_fn)(void *arg, const struct assessment *as);
typedef int (*store_link_fn)(void *arg, const struct assessment_link *l);

/* Keeps a new assessment (checked: assessment_check) of a->org_id; sets
 * a->id, a->created_at, a->updated_at and a->created_by (the actor's
 * name, pointing into who). */
int store_assessment_create(struct store *s, const struct actor *who, struct assessment *a);
/* Assessment id in a.  ERR_NOTFOUND. */
int store_assessment_get(struct store *s, struct arena *a, int64_t id, struct assessment **out);
/* The organisation's assessments, newest first, with id < before_id (0:
 * from the newest), at most limit (at most STORE_LIST_MAX), read into a. */
int store_assessment_each(struct store *s, struct arena *a, int64_t org_id, int64_t before_id,
    int limit, store_assessment_fn fn, void *arg);
/* Replaces everything of assessment a->id (of the actor's organisation)
 * that staff write (not who made it, nor when); sets a->updated_at.
 * ERR_NOTFOUND. */
int store_assessment_update(struct store *s, const struct actor *who, struct assessment *a);
/*
 * Links engagement `target` (a survey, consultations included, or a poll)
 * to assessment id, both of the actor's organisation.  ERR_NOTFOUND (either
 * is missing or another organisation's); ERR_DUPLICATE (linked already);
 * ERR_CONFLICT with the reason in e (ASSESSMENT_LINKS_MAX reached).
 */
int store_assessment_link(struct store *s, const struct actor *who, int64_t id,
    enum link_kind kind, int64_t target, int64_t now, struct errors *e);
/* Removes that link.  ERR_NOTFOUND. */
int store_assessment_unlink(struct store *s, const struct actor *who, int64_t id,
    enum link_kind kind, int64_t target);
/* The engagements linked to assessment id, in the order they were linked,
 * each with what the evidence trail shows of it, read into a. */
int store_assessment_links(struct store *s, struct arena *a, int64_t id, store_link_fn fn,
    void *arg);
/* The assessments engagement `target` serves, newest first, read into a. */
int store_assessment_each_linked(struct store *s, struct arena *a, enum link_kind kind,
    int64_t target, store_assessment_fn fn, void *arg);

#endif
