/*
 * consultation.c - a consultation's lifecycle, its fair-consultation
 * checklist, and what its documents and attached files must be
 * (consultation.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "involve/consultation.h"
#include "involve/i18n.h"
#include "involve/text.h"

/* ---- the lifecycle ------------------------------------------------------------------- */

static const char *const stage_names[CONSULTATION_STAGE_N] = {
	"", "analysing", "outcome_published",
};

static const char *const state_names[CONSULTATION_STATE_N] = {
	"draft", "open", "closed", "analysing", "outcome_published",
};

static const char *const state_labels[CONSULTATION_STATE_N] = {
	N_("Draft"), N_("Open"), N_("Closed"), N_("Analysing responses"), N_("Outcome published"),
};

const char *
consultation_stage_name(enum consultation_stage s)
{
	return (unsigned)s < CONSULTATION_STAGE_N ? stage_names[s] : "";
}

int
consultation_stage_parse(struct str s, enum consultation_stage *out)
{
	int i;

	for (i = 0; i < CONSULTATION_STAGE_N; i++)
		if (str_eq_c(s, stage_names[i])) {
			*out = (enum consultation_stage)i;
			return 0;
		}
	return ERR_INVALID;
}

const char *
consultation_state_name(enum consultation_state s)
{
	return (unsigned)s < CONSULTATION_STATE_N ? state_names[s] : "draft";
}

const char *
consultation_state_label(enum consultation_state s)
{
	return (unsigned)s < CONSULTATION_STATE_N ? state_labels[s] : state_labels[0];
}

enum consultation_state
consultation_state(const struct survey *sv, enum consultation_stage stage, int64_t now)
{
	switch (survey_status(sv, now)) {
	case POLL_DRAFT:
	case POLL_SCHEDULED:
		/* Not open yet: to the public, still being prepared. */
		return CONSULTATION_DRAFT;
	case POLL_OPEN:
		return CONSULTATION_OPEN;
	case POLL_CLOSED:
		break;
	}
	if (stage == CONSULTATION_OUTCOME)
		return CONSULTATION_OUTCOME_PUBLISHED;
	if (stage == CONSULTATION_ANALYSING)
		return CONSULTATION_ANALYSING_STATE;
	return CONSULTATION_CLOSED;
}

int
consultation_check_stage(const struct survey *sv, enum consultation_stage from,
    enum consultation_stage to, int64_t now, struct errors *e)
{
	if (to == CONSULTATION_ANALYSING) {
		if (survey_status(sv, now) != POLL_CLOSED) {
			errors_add(e, "stage", N_("Responses can be analysed only once the "
			    "consultation has closed"));
			return ERR_CONFLICT;
		}
		if (from != CONSULTATION_STAGE_NONE) {
			errors_add(e, "stage", from == CONSULTATION_ANALYSING ?
			    N_("The responses are being analysed already") :
			    N_("The outcome has been published already"));
			return ERR_CONFLICT;
		}
		return 0;
	}
	if (to == CONSULTATION_OUTCOME) {
		if (from != CONSULTATION_ANALYSING) {
			errors_add(e, "stage", from == CONSULTATION_OUTCOME ?
			    N_("The outcome has been published already") :
			    N_("An outcome can be published only after the responses have been "
			    "analysed"));
			return ERR_CONFLICT;
		}
		return 0;
	}
	errors_add(e, "stage", N_("A consultation cannot go back to an earlier stage"));
	return ERR_CONFLICT;
}

/* ---- the checklist ------------------------------------------------------------------- */

static const char *const principle_names[CHECK_N] = {
	"formative", "information", "time", "consideration",
};

static const char *const principle_questions[CHECK_N] = {
	N_("Are the proposals still at a formative stage, so that what people say can change them?"),
	N_("Do people have enough information to give an intelligent response?"),
	N_("Do people have enough time to consider the proposals and respond?"),
	N_("Will the responses be conscientiously taken into account before the decision?"),
};

/* What a missing answer keeps from happening, per principle. */
static const char *const principle_missing[CHECK_N] = {
	N_("Record whether the proposals are still at a formative stage"),
	N_("Record whether people have enough information to respond"),
	N_("Record whether people have enough time to respond"),
	N_("Record whether the responses will be conscientiously considered"),
};

static const char *const answer_names[] = { "", "yes", "no" };

const char *
consultation_principle_name(enum consultation_principle p)
{
	return (unsigned)p < CHECK_N ? principle_names[p] : "";
}

const char *
consultation_principle_question(enum consultation_principle p)
{
	return (unsigned)p < CHECK_N ? principle_questions[p] : "";
}

const char *
check_answer_name(enum check_answer a)
{
	return (unsigned)a <= CHECK_NO ? answer_names[a] : "";
}

int
check_answer_parse(struct str s, enum check_answer *out)
{
	int i;

	for (i = 0; i <= CHECK_NO; i++)
		if (str_eq_c(s, answer_names[i])) {
			*out = (enum check_answer)i;
			return 0;
		}
	return ERR_INVALID;
}

int
consultation_checklist_check(const struct consultation_checklist *c, struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	struct str note;
	int i, rc = 0;

	for (i = 0; i < CHECK_N; i++) {
		const struct consultation_check *k = &c->items[i];

		snprintf(field, sizeof(field), "%s.note", principle_names[i]);
		if (text_check(k->note, field, N_("the note"), CONSULTATION_NOTE_MAX_CHARS,
		    TEXT_MULTILINE, &note, e) != 0) {
			rc = ERR_INVALID;
			continue;
		}
		if (k->answer == CHECK_NO && note.n == 0) {
			errors_add(e, field,
			    N_("Say why this is not met, and what is done about it"));
			rc = ERR_INVALID;
		}
	}
	return rc;
}

bool
consultation_checklist_complete(const struct consultation_checklist *c)
{
	int i;

	for (i = 0; i < CHECK_N; i++)
		if (c->items[i].answer == CHECK_UNANSWERED)
			return false;
	return true;
}

int
consultation_check_open(const struct consultation_checklist *c, struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	int i, rc = 0;

	for (i = 0; i < CHECK_N; i++) {
		if (c->items[i].answer != CHECK_UNANSWERED)
			continue;
		if (rc == 0)
			errors_add(e, "checklist", N_("A consultation opens only once the "
			    "fair-consultation checklist is recorded"));
		snprintf(field, sizeof(field), "checklist.%s", principle_names[i]);
		errors_add(e, field, "%s", principle_missing[i]);
		rc = ERR_CONFLICT;
	}
	return rc;
}

int
consultation_check_schedule(const struct consultation_checklist *c, int64_t opens_at,
    struct errors *e)
{
	if (opens_at == 0 || consultation_checklist_complete(c))
		return 0;
	errors_add(e, "opens_at", N_("A consultation can be given an opening time only once the "
	    "fair-consultation checklist is recorded"));
	return ERR_CONFLICT;
}

int
consultation_check_checklist_change(const struct survey *sv,
    const struct consultation_checklist *next, int64_t now, struct errors *e)
{
	switch (survey_status(sv, now)) {
	case POLL_DRAFT:
		return 0;
	case POLL_SCHEDULED:
		if (consultation_checklist_complete(next))
			return 0;
		errors_add(e, "checklist", N_("The consultation is due to open, so every item of "
		    "the checklist must stay recorded: remove its opening time first"));
		return ERR_CONFLICT;
	case POLL_OPEN:
	case POLL_CLOSED:
		break;
	}
	errors_add(e, "checklist", N_("The checklist was the record of the decision to open the "
	    "consultation: it cannot change once the consultation has opened"));
	return ERR_CONFLICT;
}

/* ---- documents ----------------------------------------------------------------------- */

/* Markdown text of at most CONSULTATION_DOC_BODY_MAX_BYTES; `label` is a
 * lower-case noun phrase, as text_check's, and `too_big` the whole message
 * for text over the limit, its %d the limit in KB (both marked N_()). */
static int
markdown_check(struct str s, const char *field, const char *label, const char *too_big,
    unsigned flags, struct errors *e)
{
	struct str out;

	if (s.n > CONSULTATION_DOC_BODY_MAX_BYTES) {
		errors_add(e, field, too_big, CONSULTATION_DOC_BODY_MAX_BYTES / 1024);
		return ERR_INVALID;
	}
	/* Characters are never more than bytes: the limit is the bytes'. */
	return text_check(s, field, label, CONSULTATION_DOC_BODY_MAX_BYTES, flags | TEXT_MULTILINE,
	    &out, e);
}

int
consultation_document_check(struct consultation_document *d, struct errors *e)
{
	struct str title;
	int rc = 0;

	if (text_check(d->title, "title", N_("the title"), CONSULTATION_DOC_TITLE_MAX_CHARS,
	    TEXT_REQUIRED, &title, e) != 0)
		rc = ERR_INVALID;
	else
		d->title = title;
	if (markdown_check(d->body, "body", N_("the text"), N_("The text must be %d KB or less"),
	    TEXT_REQUIRED, e) != 0)
		rc = ERR_INVALID;
	if (markdown_check(d->easy_read, "easy_read", N_("the easy read version"),
	    N_("The easy read version must be %d KB or less"), 0, e) != 0)
		rc = ERR_INVALID;
	return rc;
}

int
consultation_check_documents_edit(const struct survey *sv, int64_t now, struct errors *e)
{
	if (survey_status(sv, now) != POLL_CLOSED)
		return 0;
	errors_add(e, "survey",
	    N_("The consultation has closed: its documents can no longer change"));
	return ERR_CONFLICT;
}

/* ---- attachments --------------------------------------------------------------------- */

static const struct {
	const char *media_type;
	const char *label;
	const char *extensions[2];
} types[ATTACHMENT_TYPE_N] = {
	[ATTACHMENT_PDF] = { "application/pdf", N_("PDF"), { "pdf", NULL } },
	[ATTACHMENT_DOCX] = { "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", N_("Word document"), { "docx", NULL } },
	[ATTACHMENT_ODT] = { "application/vnd.oasis.opendocument.text", N_("OpenDocument text"),
	    { "odt", NULL } },
	[ATTACHMENT_PNG] = { "image/png", N_("PNG image"), { "png", NULL } },
	[ATTACHMENT_JPEG] = { "image/jpeg", N_("JPEG image"), { "jpg", "jpeg" } },
};

const char *
attachment_media_type(enum attachment_type t)
{
	return (unsigned)t < ATTACHMENT_TYPE_N ? types[t].media_type : "application/octet-stream";
}

const char *
attachment_type_label(enum attachment_type t)
{
	return (unsigned)t < ATTACHMENT_TYPE_N ? types[t].label : N_("file");
}

/* The media type without its parameters and spaces. */
static struct str
bare_type(struct str s)
{
	const char *semi = memchr(s.p ? s.p : "", ';', s.n);

	if (semi != NULL)
		s.n = (size_t)(semi - s.p);
	return str_trim(s);
}

static int
type_of_media(struct str media_type)
{
	struct str t = bare_type(media_type);
	int i;

	for (i = 0; i < ATTACHMENT_TYPE_N; i++)
		if (t.n == strlen(types[i].media_type) &&
		    strncasecmp(t.p, types[i].media_type, t.n) == 0)
			return i;
	return -1;
}

bool
attachment_media_type_accepted(struct str media_type)
{
	return type_of_media(media_type) >= 0;
}

int
attachment_type_parse(struct str media_type, enum attachment_type *out)
{
	int t = type_of_media(media_type);

	if (t < 0)
		return ERR_INVALID;
	*out = (enum attachment_type)t;
	return 0;
}

static bool
starts(const unsigned char *b, size_t n, const void *sig, size_t sig_n)
{
	return n >= sig_n && memcmp(b, sig, sig_n) == 0;
}

static bool
contains(const unsigned char *b, size_t n, const char *what)
{
	return memmem(b, n, what, strlen(what)) != NULL;
}

#define ODT_MIMETYPE "application/vnd.oasis.opendocument.text"

/*
 * What the bytes are, by their signature, or -1.  The two kinds of ZIP
 * file are told apart by their entries: OpenDocument requires its first
 * entry to be "mimetype", stored uncompressed and holding the type, so the
 * type's text stands at byte 38; a Word file's entries are named in clear
 * in the ZIP's headers ("[Content_Types].xml", "word/document.xml").
 */
static int
type_of_bytes(const unsigned char *b, size_t n)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff };
	static const unsigned char zip[] = { 'P', 'K', 3, 4 };

	if (b == NULL)
		return -1;
	if (starts(b, n, "%PDF-", 5))
		return ATTACHMENT_PDF;
	if (starts(b, n, png, sizeof(png)))
		return ATTACHMENT_PNG;
	if (starts(b, n, jpeg, sizeof(jpeg)))
		return ATTACHMENT_JPEG;
	if (!starts(b, n, zip, sizeof(zip)))
		return -1;
	if (n > 38 + strlen(ODT_MIMETYPE) + 2 && memcmp(b + 30, "mimetype", 8) == 0 &&
	    memcmp(b + 38, ODT_MIMETYPE, strlen(ODT_MIMETYPE)) == 0 &&
	    starts(b + 38 + strlen(ODT_MIMETYPE), 2, "PK", 2))
		return ATTACHMENT_ODT;
	if (contains(b, n, "[Content_Types].xml") && contains(b, n, "word/document.xml"))
		return ATTACHMENT_DOCX;
	return -1;
}

/* The type a file name's extension names, or -1. */
static int
type_of_name(struct str name)
{
	const char *dot = NULL;
	size_t i, ext_n;
	int t, k;

	for (i = 0; i < name.n; i++)
		if (name.p[i] == '.')
			dot = name.p + i;
	if (dot == NULL)
		return -1;
	ext_n = name.n - (size_t)(dot + 1 - name.p);
	for (t = 0; t < ATTACHMENT_TYPE_N; t++)
		for (k = 0; k < 2 && types[t].extensions[k]; k++)
			if (ext_n == strlen(types[t].extensions[k]) &&
			    strncasecmp(dot + 1, types[t].extensions[k], ext_n) == 0)
				return t;
	return -1;
}

static int
name_check(struct str name, struct errors *e)
{
	struct str out;

	if (text_check(name, "name", N_("the file name"), CONSULTATION_FILE_NAME_MAX_CHARS,
	    TEXT_REQUIRED, &out, e) != 0)
		return ERR_INVALID;
	if (out.n != name.n || name.p[0] == '.' || memchr(name.p, '/', name.n) ||
	    memchr(name.p, '\\', name.n) || memchr(name.p, '"', name.n)) {
		errors_add(e, "name", N_("The file name must not start with a dot, begin or end "
		    "with spaces, or contain / \\ or \""));
		return ERR_INVALID;
	}
	if (type_of_name(name) < 0) {
		errors_add(e, "name", N_("The file name must end in .pdf, .docx, .odt, .png, .jpg "
		    "or .jpeg"));
		return ERR_INVALID;
	}
	return 0;
}

int
attachment_type_of_bytes(const void *bytes, size_t size, enum attachment_type *out)
{
	int t = size > 0 ? type_of_bytes(bytes, size) : -1;

	if (t < 0)
		return ERR_INVALID;
	*out = (enum attachment_type)t;
	return 0;
}

int
consultation_attachment_check(struct str name, struct str media_type, const void *bytes,
    size_t size, enum attachment_type *type, struct errors *e)
{
	int rc = 0, by_bytes, by_media;

	if (name_check(name, e) != 0)
		rc = ERR_INVALID;
	if (size == 0) {
		errors_add(e, "file", N_("The file is empty"));
		return ERR_INVALID;
	}
	if (size > CONSULTATION_FILE_MAX_BYTES) {
		errors_add(e, "file", N_("The file must be %d MB or smaller"),
		    CONSULTATION_FILE_MAX_BYTES / (1024 * 1024));
		return ERR_INVALID;
	}
	by_bytes = type_of_bytes(bytes, size);
	by_media = type_of_media(media_type);
	if (by_bytes < 0) {
		errors_add(e, "file", N_("The file must be a PDF, a Word or OpenDocument text "
		    "file, or a PNG or JPEG image"));
		return ERR_INVALID;
	}
	if (by_media != by_bytes) {
		errors_add(e, "file", N_("The file is a %s, but was sent as another type"),
		    errors_text(e, types[by_bytes].label));
		rc = ERR_INVALID;
	}
	if (rc == 0 && type_of_name(name) != by_bytes) {
		errors_add(e, "name", N_("The file is a %s: its name must end in .%s"),
		    errors_text(e, types[by_bytes].label), types[by_bytes].extensions[0]);
		rc = ERR_INVALID;
	}
	*type = (enum attachment_type)by_bytes;
	return rc;
}
