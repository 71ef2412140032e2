/*
 * survey.h - surveys: multi-page questionnaires, their questions, skip
 * logic and state.
 *
 * A survey is a record (title, times, who may answer, its state) and a
 * definition: pages of questions with conditions, written by staff as JSON
 * (the API's "pages") and kept as JSON text.  This module reads that text
 * into a struct survey_def, checks everything that makes it a valid
 * survey (types, keys, options, ranges, conditions that name earlier
 * questions, skip rules that only go forward so none can loop) and writes
 * it back in one canonical form, each option with its id.  It knows
 * nothing of HTTP or SQL; the store keeps the text as it is given.
 *
 * Editing a survey that has responses: survey_def_check_change says
 * whether a new definition keeps every answer already given meaningful
 * (wording fixes and new optional questions) or not (a question removed,
 * an option's value changed or removed, a type changed).
 *
 * Answers are survey_answers.h.  A survey's state follows a poll's
 * (draft, scheduled, open, closed), with the same rules for opening and
 * closing.
 */
#ifndef INVOLVE_SURVEY_H
#define INVOLVE_SURVEY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/poll.h"
#include "involve/str.h"

#define SURVEY_TITLE_MAX_CHARS 200
#define SURVEY_DEF_MAX_BYTES (1024 * 1024)
#define SURVEY_PAGES_MAX 100
#define SURVEY_QUESTIONS_MAX 500     /* in the whole survey */
#define SURVEY_OPTIONS_MAX 100       /* per question */
#define SURVEY_ROWS_MAX 50           /* per grid */
#define SURVEY_RULES_MAX 20          /* "next" rules per page */
#define SURVEY_COND_DEPTH_MAX 4      /* nesting of all/any */
#define SURVEY_COND_TERMS_MAX 20     /* conditions in one all/any */
#define SURVEY_KEY_MAX 40            /* page, question, row keys: [a-z0-9_], a letter first */
#define SURVEY_TEXT_MAX_CHARS 1000   /* question text */
#define SURVEY_HELP_MAX_CHARS 2000
#define SURVEY_INFO_MAX_CHARS 10000  /* an information text */
#define SURVEY_LABEL_MAX_CHARS 200   /* option and row labels */
#define SURVEY_VALUE_MAX_CHARS 100   /* option values */

enum survey_qtype {
	SQ_SINGLE,    /* one option */
	SQ_MULTIPLE,  /* options; min/max bound how many */
	SQ_LIKERT,    /* one option of an agreement scale (five by default) */
	SQ_FFT,       /* the Friends and Family Test question: its six answers, fixed */
	SQ_RATING,    /* a whole number min..max (1..5 by default) */
	SQ_NUMBER,    /* a number, optionally within min..max */
	SQ_DATE,      /* YYYY-MM-DD, optionally within min..max (dates) */
	SQ_POSTCODE,  /* a UK postcode, kept normalised ("BB1 7DJ") */
	SQ_RANKING,   /* options in order of preference, each at most once */
	SQ_GRID,      /* rows x options (a scale): one option per row */
	SQ_TEXT,      /* one line of text */
	SQ_LONG_TEXT, /* paragraphs */
	SQ_INFO,      /* information text: no answer */
	SQ_TYPE_N
};

/* "single", "multiple", ..., "info". */
const char *survey_qtype_name(enum survey_qtype t);
int survey_qtype_parse(struct str s, enum survey_qtype *out);
/* Whether answers of t are options (single, multiple, likert, fft,
 * ranking, grid): their results are counts per option. */
bool survey_qtype_has_options(enum survey_qtype t);
/* Whether answers of t are free text (text, long_text). */
bool survey_qtype_is_free_text(enum survey_qtype t);

struct survey_option {
	int64_t id;        /* unique within the survey, kept across versions */
	struct str value;  /* what answers and exports use */
	struct str label;  /* what people read */
	bool other;        /* "Other, please say": a chosen other comes with text */
};

struct survey_row {     /* a grid's row */
	struct str value;
	struct str label;
};

enum survey_cond_op {
	SC_EQUALS,
	SC_NOT_EQUALS,   /* holds too when the question was not answered */
	SC_INCLUDES,     /* multiple, ranking: the value is among those chosen */
	SC_LESS_THAN,    /* number, rating, date */
	SC_GREATER_THAN,
	SC_ALL,
	SC_ANY,
};

struct survey_cond {
	enum survey_cond_op op;
	int question;          /* comparisons: index in def->questions */
	struct str value;      /* comparisons: as given (an option value, a date, text) */
	double number;         /* comparisons on number and rating questions */
	int term_n;            /* all, any */
	struct survey_cond *terms;
};

struct survey_question {
	struct str key;
	enum survey_qtype type;
	struct str text;
	struct str help;
	bool required;
	int page;              /* index of its page */
	int option_n;
	struct survey_option *options;
	int row_n;
	struct survey_row *rows;
	bool has_min, has_max;
	double min, max;       /* number, rating; multiple: how many options */
	struct str min_date, max_date; /* date: YYYY-MM-DD */
	struct survey_cond *show_if;   /* NULL: always shown */
};

struct survey_rule {
	struct survey_cond *when; /* NULL: always (a last, unconditional rule) */
	int go_to;                /* page index, or SURVEY_END */
};
#define SURVEY_END (-1)

struct survey_page {
	struct str key;
	struct str title;
	int first, question_n;    /* its questions: def->questions[first .. first+question_n) */
	int rule_n;
	struct survey_rule *rules;
};

/* A survey's definition: its pages and questions, read into an arena. */
struct survey_def {
	int page_n;
	struct survey_page *pages;
	int question_n;
	struct survey_question *questions; /* in order, page by page */
	int64_t next_option_id;            /* the id the next new option gets */
};

/*
 * Reads and checks a definition: `pages` is the JSON array of the API's
 * "pages" member.  Options without an "id" get the next ids from
 * *next_option_id (1 for a new survey), which is advanced; options with
 * one keep it (a definition read back from the store).  Every problem is
 * added to e under its JSON path ("pages[1].questions[0].options[2]",
 * "pages[0].next[1].go_to") and the function returns ERR_INVALID; 0 when
 * valid; ERR_NOMEM.  Text in `out` lives in a (copied out of the JSON).
 */
int survey_def_from_json(const json_t *pages, int64_t *next_option_id, struct arena *a,
    struct survey_def *out, struct errors *e);
/* survey_def_from_json of JSON text (as the store keeps it). */
int survey_def_parse(struct str text, struct arena *a, struct survey_def *out, struct errors *e);
/* The definition as the API's "pages" array, in canonical form: every
 * member written, options as objects with their ids (as strings). */
json_t *survey_def_to_json(const struct survey_def *d);
/* The canonical text of survey_def_to_json, into b (compact). */
void survey_def_write(const struct survey_def *d, struct buf *b);

/* Index of the question or page with this key, or -1. */
/* Whether answers to q may hold words a respondent wrote: a free-text
 * question's, or the "Other, please say" text of a choice that has one.
 * These are the comments the theme classifier reads. */
bool survey_question_has_text(const struct survey_question *q);
int survey_question_index(const struct survey_def *d, struct str key);
int survey_page_index(const struct survey_def *d, struct str key);
/* Index of the option of q with this value, or -1. */
int survey_option_index(const struct survey_question *q, struct str value);
int survey_row_index(const struct survey_question *q, struct str value);

/*
 * Whether `next` may replace `old` on a survey that has responses: every
 * question of old is still there with its key and type, every option and
 * row value of old is still there (labels may change), and every new
 * question is optional.  Wording (titles, texts, help, labels), new
 * options, new pages and changed conditions are allowed.  Returns 0, or
 * ERR_CONFLICT with an error per refused change (field: the question's key).
 */
int survey_def_check_change(const struct survey_def *old, const struct survey_def *next,
    struct errors *e);

/* After a change read without option ids (JSON that gave options as
 * text), gives each option of `next` that `old` has too (same question
 * key, same value) its old id, so ids stay as they were. */
void survey_def_adopt_ids(struct survey_def *next, const struct survey_def *old);

/* Whether s is a real date written YYYY-MM-DD. */
bool survey_date_valid(struct str s);

/* ---- the survey record and its state ----------------------------------------------- */

/* What a survey is, set when it is made: a consultation has documents, a
 * lifecycle and a checklist besides (consultation.h). */
enum survey_kind {
	SURVEY_KIND_SURVEY,
	SURVEY_KIND_CONSULTATION,
	SURVEY_KIND_N
};
const char *survey_kind_name(enum survey_kind k); /* "survey", "consultation" */
int survey_kind_parse(struct str s, enum survey_kind *out);

struct survey {
	int64_t id;
	int64_t org_id;
	struct str title;
	enum survey_kind kind;
	enum poll_who who;
	int64_t opens_at;   /* unix seconds; 0 = not set (draft) */
	int64_t closes_at;  /* 0 = open until closed */
	int64_t closed_at;  /* when staff closed it; 0 = not closed by hand */
	int64_t created_at;
	int64_t updated_at;
	int version;        /* 1 when created; each change adds one */
	struct str definition; /* the pages, canonical JSON text */
	int64_t next_option_id;
	int64_t responses;  /* submitted and not withdrawn, filled by the store */
};

/* The same states as a poll's, by the same rules. */
enum poll_status survey_status(const struct survey *s, int64_t now);
bool survey_is_open(const struct survey *s, int64_t now);
int survey_check_edit(const struct survey *s, int64_t now, struct errors *e);
int survey_check_open(const struct survey *s, int64_t now, struct errors *e);
int survey_check_close(const struct survey *s, int64_t now, struct errors *e);
/* Whether staff may enter responses into s at now (keyed in from paper, a
 * phone call or an event, or imported from a file): once it has opened,
 * and after it has closed too.  ERR_CONFLICT, the reason on "survey". */
int survey_check_entry(const struct survey *s, int64_t now, struct errors *e);
/*
 * Unfinished responses (begun under a private link, never sent) are
 * abandoned, and deleted, once nobody has saved them for
 * SURVEY_PARTIAL_IDLE_MAX, and all of a survey's once it has been closed
 * for SURVEY_PARTIAL_CLOSED_KEEP (none can be sent then; the grace lets a
 * respondent's link still say that the survey closed).  Returns the time
 * before which an unfinished response of s last saved is abandoned at now
 * (INT64_MAX: every one).
 */
#define SURVEY_PARTIAL_IDLE_MAX (90 * 24 * 3600)
#define SURVEY_PARTIAL_CLOSED_KEEP (30 * 24 * 3600)
int64_t survey_partials_abandoned_before(const struct survey *s, int64_t now);
/* Title: 1..SURVEY_TITLE_MAX_CHARS characters of valid UTF-8, trimmed. */
int survey_title_check(struct str title, struct errors *e);
/* The times as given: opens_at in the past (other than "now"), closes_at
 * before opens_at, are errors on "opens_at" / "closes_at". */
int survey_times_check(int64_t opens_at, int64_t closes_at, bool opens_now, int64_t now,
    struct errors *e);

/* ---- building a survey from what staff send ------------------------------------------ */

/* A new survey as staff give it: the API's POST body or the command's
 * file (the same JSON), each door reading its own form into this and
 * survey_build checking it.  A member the door found missing or of the
 * wrong type, and reported itself, is left with p NULL. */
struct survey_input {
	struct str title;
	struct str pages;          /* the JSON text of the "pages" array */
	enum poll_who who;
	enum poll_opening opening; /* POLL_OPEN_NOW when opens_at is left out */
	int64_t opens_at;          /* for POLL_OPEN_AT */
	int64_t closes_at;         /* 0: open until closed */
};

/*
 * Checks in at now and fills *out (title trimmed, who, times, the
 * definition's canonical text and next_option_id) and *d (the definition
 * read), their text in a.  The store's fields (id, org_id, version) are
 * the caller's.  Every problem is added to e under its JSON path ("title",
 * "pages[1].questions[0].type", "opens_at") and checking goes on, so one
 * answer lists them all; ERR_INVALID then, or ERR_NOMEM.
 */
int survey_build(const struct survey_input *in, int64_t now, struct arena *a,
    struct survey *out, struct survey_def *d, struct errors *e);

/* How a response arrived. */
enum survey_channel {
	SURVEY_ONLINE,
	SURVEY_PAPER,
	SURVEY_PHONE,
	SURVEY_EVENT,
	SURVEY_CHANNEL_N
};
const char *survey_channel_name(enum survey_channel c); /* "online", "paper", ... */
int survey_channel_parse(struct str s, enum survey_channel *out);
/*
 * Whether staff may correct a submitted response that came by `channel`,
 * keyed in by the member of staff entered_by (0: nobody named).  A
 * respondent's own answers online are theirs and are never changed; a
 * response staff keyed in, and one that came on paper, by phone or at an
 * event (typed into a file and imported, which names no member of staff),
 * was written down by someone else and may be, each correction audited.
 */
bool survey_response_correctable(enum survey_channel channel, int64_t entered_by);

#endif
