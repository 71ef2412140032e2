/*
 * poll_codes.h - issuing the single-use codes of a poll answered with a
 * code, and drawing them for print or a mail merge; shared by the staff
 * pages and `involve poll codes`.
 *
 * A code is made once (onetime.h), handed out once and kept only as a
 * keyed hash with the token key: whoever has the database cannot answer
 * with it, and once used it is deleted (store.h).
 */
#ifndef INVOLVE_POLL_CODES_H
#define INVOLVE_POLL_CODES_H

#include "involve/arena.h"
#include "involve/keys.h"
#include "involve/onetime.h"
#include "involve/store.h"
#include "involve/store_survey.h"

/* The most codes one batch holds: a sheet's worth. */
#define POLL_CODES_BATCH_MAX 10000

enum poll_codes_format { POLL_CODES_CSV, POLL_CODES_PDF, POLL_CODES_SVG };

/* "csv", "pdf", "svg" to a format: 0 or ERR_INVALID. */
int poll_codes_format_parse(const char *name, enum poll_codes_format *out);
/* The media type of a format's file ("text/csv; charset=utf-8", ...). */
const char *poll_codes_media_type(enum poll_codes_format f);

/* n new single-use codes (onetime.h, ONETIME_POLL_CODE_CHARS each) into
 * list, as people read them, and their keyed hashes of kind and scope
 * into hashes; the codes in a.  Shared by a poll's codes and a survey's
 * invitations.  0, ERR_NOMEM or ERR_IO. */
int codes_make(const unsigned char *key, const char *kind, int64_t scope, int n, struct arena *a,
    const char **list, unsigned char (*hashes)[SECRET_HASH_BYTES]);

/*
 * Makes n codes for poll p (of the actor's organisation) and keeps their
 * hashes as one batch: *codes (n display forms, in a) and *batch_id.
 * ERR_INVALID (in e) for n outside 1..POLL_CODES_BATCH_MAX; the store's
 * errors otherwise (ERR_CONFLICT with the reason in e).
 */
int poll_codes_issue(struct store *s, const struct keys *k, const struct actor *who,
    const struct poll *p, int n, int64_t now, struct arena *a, const char ***codes,
    int64_t *batch_id, struct errors *e);

/* Draws the codes as a file in format f: each with its link, the poll's
 * public address and "?code=", as a QR code on the printed forms. */
int poll_codes_draw(enum poll_codes_format f, const char *org_name, const struct poll *p,
    const char *poll_url, const char *const *codes, int n, struct buf *out);

/*
 * The same for survey sv (of the actor's organisation, answered with a
 * code): n invitation codes, hashed of kind "survey-code" and the survey,
 * kept as one batch (store_survey_codes_add).  ERR_INVALID (in e) for n
 * outside 1..POLL_CODES_BATCH_MAX; ERR_CONFLICT (reason in e) for a
 * survey answered by anyone or closed.
 */
int survey_codes_issue(struct store *s, const struct keys *k, const struct actor *who,
    const struct survey *sv, int n, int64_t now, struct arena *a, const char ***codes,
    int64_t *batch_id, struct errors *e);
/* Draws a survey's codes as poll_codes_draw does a poll's, with its title
 * and the address of its start page, which takes "?code=". */
int survey_codes_draw(enum poll_codes_format f, const char *org_name, const struct survey *sv,
    const char *survey_url, const char *const *codes, int n, struct buf *out);

#endif
