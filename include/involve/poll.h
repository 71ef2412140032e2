/*
 * poll.h - quick polls: one question, single or multiple choice.
 *
 * The rules of a poll live here and know nothing of HTTP or SQL: what makes
 * a valid poll and what every input defaults to, its state machine (draft,
 * scheduled, open, closed: when it may be edited, opened or closed), who may
 * see it and its results, whether a ballot is acceptable, and how counts
 * become percentages.  The store calls the state rules inside the
 * transaction that makes the change; handlers call the same functions to
 * decide what to offer, and never restate them.
 *
 * A poll is a value whose text and options live elsewhere: in the request
 * it was built from, or in the arena it was read into (arena.h).  It has as
 * many options as it has, not a worst-case number.
 */
#ifndef INVOLVE_POLL_H
#define INVOLVE_POLL_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/str.h"

#define POLL_QUESTION_MAX_CHARS 300
#define POLL_OPTION_MAX_CHARS 120
#define POLL_OPTIONS_MIN 2
#define POLL_OPTIONS_MAX 20

/* When the public may see the results. */
enum poll_results {
	POLL_RESULTS_AFTER_VOTE,  /* once they have voted, and after close */
	POLL_RESULTS_AFTER_CLOSE, /* only once the poll has closed */
};

/*
 * Who may answer.  Anyone: one answer from each browser, with a limit on
 * answers from one network, so the results are indicative.  With a code:
 * staff hand out single-use codes (on paper, by letter, at an event); each
 * works once, and the ballot keeps nothing that links it to its code.
 */
enum poll_who {
	POLL_WHO_ANYONE,
	POLL_WHO_CODE,
};

enum poll_status {
	POLL_DRAFT,     /* no opening time yet: staff will open it */
	POLL_SCHEDULED, /* opens at opens_at */
	POLL_OPEN,
	POLL_CLOSED,
};

struct poll_option {
	int64_t id;
	struct str label;
	int64_t votes; /* ballots that chose it, filled by the store on read */
};

struct poll {
	int64_t id;
	int64_t org_id;
	struct str question;
	bool multiple;
	enum poll_results show_results;
	enum poll_who who;
	int64_t opens_at;  /* unix seconds; 0 = not set (draft) */
	int64_t closes_at; /* unix seconds; 0 = open until closed */
	int64_t closed_at; /* when staff closed it; 0 = not closed by hand */
	int64_t created_at;
	int64_t ballots;   /* ballots cast, filled by the store on read */
	int option_n;
	struct poll_option *options;
};

enum poll_status poll_status(const struct poll *p, int64_t now);
const char *poll_status_name(enum poll_status s);
bool poll_is_open(const struct poll *p, int64_t now);
const char *poll_results_name(enum poll_results r);
int poll_results_parse(struct str s, enum poll_results *out);
const char *poll_who_name(enum poll_who w); /* "anyone", "code" */
int poll_who_parse(struct str s, enum poll_who *out);
/* The JSON object the audit log records for a poll's creation or edit. */
void poll_audit_detail(struct buf *b, const struct poll *p);
/* A copy of p whose text and options are in a; NULL when out of memory. */
struct poll *poll_copy(struct arena *a, const struct poll *p);

/* ---- building a poll from what staff typed ---------------------------------- */

/* When a poll opens. */
enum poll_opening {
	POLL_OPEN_NOW,   /* as soon as it is saved */
	POLL_OPEN_LATER, /* a draft: staff open it when they choose */
	POLL_OPEN_AT,    /* at opens_at, which must be in the future */
};

/* The fields of a poll as typed: the web and CLI layers fill this from a
 * form or JSON (starting from poll_input_defaults for a new poll, or
 * poll_input_from for a change) and poll_build checks it. */
struct poll_input {
	struct str question;
	int option_n;               /* as given, may exceed POLL_OPTIONS_MAX */
	struct str options[POLL_OPTIONS_MAX + 1];
	bool multiple;
	enum poll_results show_results;
	enum poll_who who;
	enum poll_opening opening;
	int64_t opens_at;           /* for POLL_OPEN_AT */
	int64_t closes_at;          /* 0 = until closed */
};

/* What a new poll is when nothing is said: no question or options, one
 * answer each, results after voting, open as soon as it is saved, open
 * until closed. */
void poll_input_defaults(struct poll_input *in);
/* The input that would build p again as it stands at now: a change starts
 * from it and replaces what it names. */
void poll_input_from(struct poll_input *in, const struct poll *p, int64_t now);

/*
 * Checks `in` and fills `out` (question, options, flags, times), its
 * options array from a.  Adds an error per problem to `e` with JSON-path
 * field names ("question", "options[2]", "opens_at", "closes_at") and
 * returns ERR_INVALID if there was any (ERR_NOMEM when a is full).  `now`
 * decides what is in the past.  out's text points into in's.
 */
int poll_build(const struct poll_input *in, int64_t now, struct arena *a, struct poll *out,
    struct errors *e);

/* ---- the state machine: what staff may do, at now ----------------------------- */

/* A poll may be changed only before it opens: a draft or a scheduled poll. */
bool poll_can_edit(const struct poll *p, int64_t now);
/* A draft or a scheduled poll may be opened now. */
bool poll_can_open(const struct poll *p, int64_t now);
/* An open poll may be closed now. */
bool poll_can_close(const struct poll *p, int64_t now);

/* The same as checks: 0, or ERR_CONFLICT with an error (field "poll") that
 * says why not. */
int poll_check_edit(const struct poll *p, int64_t now, struct errors *e);
int poll_check_open(const struct poll *p, int64_t now, struct errors *e);
int poll_check_close(const struct poll *p, int64_t now, struct errors *e);

/* ---- who may see what ------------------------------------------------------------ */

struct poll_viewer {
	bool staff;     /* signed-in staff of the poll's organisation */
	bool has_voted; /* this browser has a ballot in the poll */
};

/* Whether the poll may be seen at all: staff always; the public once it is
 * not a draft. */
bool poll_visible(const struct poll *p, const struct poll_viewer *v, int64_t now);
/* Whether the results (counts, percentages, the number of ballots) may be
 * seen: staff always; the public once the poll has closed, or after voting
 * when the poll shows results after a vote. */
bool poll_results_visible(const struct poll *p, const struct poll_viewer *v, int64_t now);

/* ---- ballots --------------------------------------------------------------------- */

/* A ballot: the option ids chosen, and whether a code came with it (the
 * store checks the code itself, and uses it up). */
struct ballot {
	int choice_n;
	int64_t choices[POLL_OPTIONS_MAX];
	bool has_code;
};

/*
 * Checks that `b` may be cast on `p` at `now`.  Returns ERR_CONFLICT (with
 * an error on "poll") when the poll is not open, ERR_INVALID when the
 * choices are empty, unknown, repeated or too many for a single-choice
 * poll, or when a poll answered with a code has none (error on "code"), 0
 * when the ballot is good.  The store checks again at commit.
 */
int poll_check_ballot(const struct poll *p, const struct ballot *b, int64_t now, struct errors *e);

/* Index of option `id` in p->options, or -1. */
int poll_option_index(const struct poll *p, int64_t id);

/* Percentage of ballots for one count, in tenths of a percent, rounded
 * half up: 1 of 3 ballots is 333 (33.3%).  0 ballots gives 0. */
int poll_percent_tenths(int64_t count, int64_t ballots);

#endif
