/*
 * poll_codes.c - issuing and drawing a poll's single-use codes (see
 * poll_codes.h).
 */
#include <stdlib.h>
#include <string.h>

#include "involve/code_sheet.h"
#include "involve/i18n.h"
#include "involve/poll_codes.h"
#include "involve/secret.h"

int
poll_codes_format_parse(const char *name, enum poll_codes_format *out)
{
	if (strcmp(name, "csv") == 0)
		*out = POLL_CODES_CSV;
	else if (strcmp(name, "pdf") == 0)
		*out = POLL_CODES_PDF;
	else if (strcmp(name, "svg") == 0)
		*out = POLL_CODES_SVG;
	else
		return ERR_INVALID;
	return 0;
}

const char *
poll_codes_media_type(enum poll_codes_format f)
{
	switch (f) {
	case POLL_CODES_PDF:
		return "application/pdf";
	case POLL_CODES_SVG:
		return "image/svg+xml";
	case POLL_CODES_CSV:
		break;
	}
	return "text/csv; charset=utf-8";
}

/* Two codes of one batch alike: 31^10 choices make it about n^2 / 2^50, but
 * the database's key refuses it, and the batch is made again. */
#define ISSUE_TRIES 3

int
codes_make(const unsigned char *key, const char *kind, int64_t scope, int n, struct arena *a,
    const char **list, unsigned char (*hashes)[SECRET_HASH_BYTES])
{
	char norm[ONETIME_CODE_MAX], *code;
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		if ((code = arena_alloc(a, ONETIME_CODE_MAX)) == NULL)
			return ERR_NOMEM;
		if (onetime_code_new(ONETIME_POLL_CODE_CHARS, code, ONETIME_CODE_MAX) != 0 ||
		    onetime_code_normalise(code, strlen(code), norm, sizeof(norm), &len) != 0)
			return ERR_IO;
		onetime_code_hash(key, kind, scope, norm, len, hashes[i]);
		list[i] = code;
	}
	return 0;
}

/* Keeps a batch of hashed codes for owner id: store_poll_codes_add or
 * store_survey_codes_add. */
typedef int (*codes_add_fn)(struct store *s, const struct actor *who, int64_t id,
    const unsigned char (*hashes)[SECRET_HASH_BYTES], int n, int64_t now, int64_t *batch_id,
    struct errors *e);

/* Makes n codes of kind ("poll-code", "survey-code") for owner id and keeps
 * their hashes with add, making them again on the rare clash of a hash. */
static int
codes_issue(struct store *s, const struct keys *k, const struct actor *who, const char *kind,
    int64_t id, codes_add_fn add, int n, int64_t now, struct arena *a, const char ***codes,
    int64_t *batch_id, struct errors *e)
{
	unsigned char (*hashes)[SECRET_HASH_BYTES];
	const char **list;
	int tries, rc = ERR_IO;

	if (n < 1 || n > POLL_CODES_BATCH_MAX) {
		errors_add(e, "count", N_("Enter a number of codes from 1 to %d"),
		    POLL_CODES_BATCH_MAX);
		return ERR_INVALID;
	}
	list = arena_array(a, (size_t)n, sizeof(*list));
	hashes = arena_array(a, (size_t)n, sizeof(*hashes));
	if (list == NULL || hashes == NULL)
		return ERR_NOMEM;
	for (tries = 0; tries < ISSUE_TRIES; tries++) {
		if ((rc = codes_make(k->token, kind, id, n, a, list, hashes)) != 0)
			return rc;
		rc = add(s, who, id, (const unsigned char (*)[SECRET_HASH_BYTES])hashes, n, now,
		    batch_id, e);
		if (rc != ERR_DUPLICATE)
			break;
	}
	if (rc == 0)
		*codes = list;
	return rc;
}

int
poll_codes_issue(struct store *s, const struct keys *k, const struct actor *who,
    const struct poll *p, int n, int64_t now, struct arena *a, const char ***codes,
    int64_t *batch_id, struct errors *e)
{
	return codes_issue(s, k, who, "poll-code", p->id, store_poll_codes_add, n, now, a, codes,
	    batch_id, e);
}

int
survey_codes_issue(struct store *s, const struct keys *k, const struct actor *who,
    const struct survey *sv, int n, int64_t now, struct arena *a, const char ***codes,
    int64_t *batch_id, struct errors *e)
{
	return codes_issue(s, k, who, "survey-code", sv->id, store_survey_codes_add, n, now, a,
	    codes, batch_id, e);
}

static int
draw(enum poll_codes_format f, struct code_sheet *sheet, struct buf *out)
{
	switch (f) {
	case POLL_CODES_PDF:
		return code_sheet_pdf(sheet, out);
	case POLL_CODES_SVG:
		return code_sheet_svg(sheet, out);
	default:
		return code_sheet_csv(sheet, out);
	}
}

int
survey_codes_draw(enum poll_codes_format f, const char *org_name, const struct survey *sv,
    const char *survey_url, const char *const *codes, int n, struct buf *out)
{
	char *title = strndup(sv->title.p, sv->title.n);
	struct code_sheet sheet = { org_name, title, survey_url, codes, n, NULL };
	int rc;

	if (title == NULL)
		return ERR_NOMEM;
	rc = draw(f, &sheet, out);
	free(title);
	return rc;
}

int
poll_codes_draw(enum poll_codes_format f, const char *org_name, const struct poll *p,
    const char *poll_url, const char *const *codes, int n, struct buf *out)
{
	char *title = strndup(p->question.p, p->question.n);
	struct code_sheet sheet = { org_name, title, poll_url, codes, n, NULL };
	int rc;

	if (title == NULL)
		return ERR_NOMEM;
	rc = draw(f, &sheet, out);
	free(title);
	return rc;
}
