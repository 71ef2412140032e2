/*
 * consultation.h - consultations: surveys of kind "consultation", with
 * background documents, a lifecycle the public sees, and the
 * fair-consultation checklist recorded before they open.
 *
 * A consultation is a survey (survey.h) of kind SURVEY_KIND_CONSULTATION
 * and answers as one; what it has besides is here.  Its public lifecycle is draft, open, closed,
 * analysing, outcome published: the first three are the survey's own
 * state (a scheduled consultation is still a draft to the public), the
 * last two its stage, set by staff once it has closed.
 *
 * The checklist follows the four principles a fair consultation is held
 * to (the Gunning principles, as the courts have stated them): proposals
 * still at a formative stage, enough information for an intelligent
 * response, enough time to respond, and responses conscientiously taken
 * into account.  Staff record each as met or not, with a note; a
 * consultation opens, by hand or at a scheduled time, only once all four
 * are recorded.  The store asks consultation_check_open inside the
 * transaction that opens it, so no door skips it.
 *
 * Documents are Markdown (shown through the web layer's safe renderer,
 * which drops raw HTML and unsafe links), each with an optional easy-read
 * version, and files attached to them: PDF, Word (DOCX), OpenDocument
 * text, PNG or JPEG, recognised by their bytes, never by what the sender
 * says they are.
 *
 * No SQL and no HTTP here: the store and the handlers both call these.
 */
#ifndef INVOLVE_CONSULTATION_H
#define INVOLVE_CONSULTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/str.h"
#include "involve/survey.h"

/* ---- the lifecycle ------------------------------------------------------------------- */

/* Where a consultation is after closing, as staff set it. */
enum consultation_stage {
	CONSULTATION_STAGE_NONE,      /* not past closing: "" */
	CONSULTATION_ANALYSING,       /* "analysing" */
	CONSULTATION_OUTCOME,         /* "outcome_published" */
	CONSULTATION_STAGE_N
};
const char *consultation_stage_name(enum consultation_stage s);
int consultation_stage_parse(struct str s, enum consultation_stage *out);

/* The lifecycle the public is shown, in order. */
enum consultation_state {
	CONSULTATION_DRAFT,
	CONSULTATION_OPEN,
	CONSULTATION_CLOSED,
	CONSULTATION_ANALYSING_STATE,
	CONSULTATION_OUTCOME_PUBLISHED,
	CONSULTATION_STATE_N
};
/* "draft", "open", "closed", "analysing", "outcome_published". */
const char *consultation_state_name(enum consultation_state s);
/* Its name for people, to be translated (N_): "Draft", "Open", ... */
const char *consultation_state_label(enum consultation_state s);

/* The lifecycle state of survey sv at now with this stage. */
enum consultation_state consultation_state(const struct survey *sv,
    enum consultation_stage stage, int64_t now);

/*
 * Whether a consultation at stage `from` may move to stage `to` at now:
 * analysing only once it has closed (and not before or past it), an
 * outcome published only from analysing.  0, or ERR_CONFLICT with the
 * reason on "stage".
 */
int consultation_check_stage(const struct survey *sv, enum consultation_stage from,
    enum consultation_stage to, int64_t now, struct errors *e);

/* ---- the fair-consultation checklist ----------------------------------------------------- */

enum consultation_principle {
	CHECK_FORMATIVE,     /* "formative": the proposals are still at a formative stage */
	CHECK_INFORMATION,   /* "information": enough information for an intelligent response */
	CHECK_TIME,          /* "time": enough time to consider and respond */
	CHECK_CONSIDERATION, /* "consideration": responses will be conscientiously considered */
	CHECK_N
};
/* The principle's name in the API and its form ("formative", ...). */
const char *consultation_principle_name(enum consultation_principle p);
/* The question staff answer, in English (the staff pages are). */
const char *consultation_principle_question(enum consultation_principle p);

enum check_answer {
	CHECK_UNANSWERED, /* "" */
	CHECK_YES,        /* "yes" */
	CHECK_NO,         /* "no" */
};
const char *check_answer_name(enum check_answer a);
int check_answer_parse(struct str s, enum check_answer *out);

#define CONSULTATION_NOTE_MAX_CHARS 2000

struct consultation_check {
	enum check_answer answer;
	struct str note;
};

struct consultation_checklist {
	struct consultation_check items[CHECK_N];
	struct str recorded_by;  /* the actor's name; "" when nothing is recorded */
	int64_t recorded_at;     /* 0 when nothing is recorded */
};

/*
 * What a consultation has beyond its survey: its stage and checklist.
 * A consultation that has recorded nothing has stage NONE and every
 * answer unanswered.
 */
struct consultation {
	int64_t survey_id;
	enum consultation_stage stage;
	int64_t stage_at;
	struct consultation_checklist checklist;
};

/*
 * The checklist as given: each note valid UTF-8, without control
 * characters other than line ends and tabs, at most
 * CONSULTATION_NOTE_MAX_CHARS; an item answered "no" needs a note saying
 * why and what is done about it.  Errors on "formative.note" and the
 * like.  0 or ERR_INVALID.
 */
int consultation_checklist_check(const struct consultation_checklist *c, struct errors *e);
/* Whether every item is answered (yes or no). */
bool consultation_checklist_complete(const struct consultation_checklist *c);

/*
 * Whether consultation sv may open now: all four items recorded (an
 * error on "checklist.NAME" for each that is not).  survey_check_open
 * says whether its state allows it.  0 or ERR_CONFLICT.
 */
int consultation_check_open(const struct consultation_checklist *c, struct errors *e);
/*
 * Whether a consultation may be given an opening time (opens_at not 0,
 * scheduled or now): only once its checklist is complete, so a scheduled
 * time never opens one that is not.  0, or ERR_CONFLICT on "opens_at".
 */
int consultation_check_schedule(const struct consultation_checklist *c, int64_t opens_at,
    struct errors *e);
/*
 * Whether the checklist of consultation sv may become `next` at now: it
 * is the record of the decision to open, so it is fixed once the
 * consultation has opened; while scheduled to open it must stay
 * complete.  0, or ERR_CONFLICT with the reason on "checklist".
 */
int consultation_check_checklist_change(const struct survey *sv,
    const struct consultation_checklist *next, int64_t now, struct errors *e);

/* ---- documents --------------------------------------------------------------------------- */

#define CONSULTATION_DOC_TITLE_MAX_CHARS 200
#define CONSULTATION_DOC_BODY_MAX_BYTES (200 * 1024) /* the body, and the easy-read version */
#define CONSULTATION_DOCS_MAX 50                      /* documents of one consultation */

struct consultation_document {
	int64_t id;
	int64_t survey_id;
	int position;          /* order on the page, from 1 */
	struct str title;
	struct str body;       /* Markdown */
	struct str easy_read;  /* Markdown; empty when there is none */
	bool has_easy_read;    /* filled by the store, also where the text is not read */
	int64_t created_at;
	int64_t updated_at;
};

/*
 * A document as given: title 1..CONSULTATION_DOC_TITLE_MAX_CHARS
 * characters of one line; body 1..CONSULTATION_DOC_BODY_MAX_BYTES bytes and
 * easy_read up to as many, each valid UTF-8 without control characters
 * other than line ends and tabs.  The title is trimmed in place.  Errors
 * on "title", "body", "easy_read".  0 or ERR_INVALID.
 */
int consultation_document_check(struct consultation_document *d, struct errors *e);
/* Whether documents of consultation sv may be added, changed, moved or
 * deleted at now: until it closes.  0, or ERR_CONFLICT on "survey". */
int consultation_check_documents_edit(const struct survey *sv, int64_t now, struct errors *e);

/* ---- attachments ------------------------------------------------------------------------- */

#define CONSULTATION_FILE_MAX_BYTES (10 * 1024 * 1024)
#define CONSULTATION_FILE_NAME_MAX_CHARS 200
#define CONSULTATION_FILES_MAX 20                     /* files of one document */

enum attachment_type {
	ATTACHMENT_PDF,
	ATTACHMENT_DOCX,
	ATTACHMENT_ODT,
	ATTACHMENT_PNG,
	ATTACHMENT_JPEG,
	ATTACHMENT_TYPE_N
};
/* "application/pdf", ... */
const char *attachment_media_type(enum attachment_type t);
/* Whether a media type (parameters ignored, any case) is one accepted;
 * and which. */
bool attachment_media_type_accepted(struct str media_type);
int attachment_type_parse(struct str media_type, enum attachment_type *out);
/* What people call it, to be translated (N_): "PDF", "Word document", ... */
const char *attachment_type_label(enum attachment_type t);

/* What a file's bytes say it is (its signature, as below): 0, or
 * ERR_INVALID for none of the types accepted. */
int attachment_type_of_bytes(const void *bytes, size_t size, enum attachment_type *out);

/*
 * A file to attach, as it arrived: its name, the media type it was sent
 * as, and its bytes.  The bytes must be one of the accepted types (by
 * their signature: "%PDF-", PNG's and JPEG's, and for the two that are ZIP
 * files the entries that make them a Word or OpenDocument text file), the
 * media type sent and the name's extension that same type; the name
 * 1..CONSULTATION_FILE_NAME_MAX_CHARS characters of one line, not hidden
 * (no leading '.'), with no '/', '\\' or quote; size
 * 1..CONSULTATION_FILE_MAX_BYTES.  Errors on "name" and "file";
 * *type is what the bytes are.  0 or ERR_INVALID.
 */
int consultation_attachment_check(struct str name, struct str media_type, const void *bytes,
    size_t size, enum attachment_type *type, struct errors *e);

struct consultation_attachment {
	int64_t id;
	int64_t document_id;
	struct str name;
	struct str media_type;
	int64_t size;
	int64_t created_at;
};

#endif
