/*
 * poll.h - quick polls: one question, single or multiple choice.
 *
 * The rules of a poll live here and know nothing of HTTP or SQL: what makes
 * a valid poll, when it is open, whether a ballot is acceptable, and how a
 * tally becomes percentages.  Polls are plain values with fixed-size text
 * buffers (their limits are small), so they are copied freely and own no
 * heap memory.
 */
#ifndef INVOLVE_POLL_H
#define INVOLVE_POLL_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/str.h"

#define POLL_QUESTION_MAX_CHARS 300
#define POLL_OPTION_MAX_CHARS 120
#define POLL_OPTIONS_MIN 2
#define POLL_OPTIONS_MAX 20
/* Bytes: characters are at most 4 bytes of UTF-8, plus the NUL. */
#define POLL_QUESTION_SIZE (POLL_QUESTION_MAX_CHARS * 4 + 1)
#define POLL_OPTION_SIZE (POLL_OPTION_MAX_CHARS * 4 + 1)

/* When the public may see the results. */
enum poll_results {
	POLL_RESULTS_AFTER_VOTE,  /* once they have voted, and after close */
	POLL_RESULTS_AFTER_CLOSE, /* only once the poll has closed */
};

enum poll_status {
	POLL_DRAFT,     /* no opening time yet: staff will open it */
	POLL_SCHEDULED, /* opens at opens_at */
	POLL_OPEN,
	POLL_CLOSED,
};

struct poll_option {
	int64_t id;
	char label[POLL_OPTION_SIZE];
};

struct poll {
	int64_t id;
	int64_t org_id;
	char question[POLL_QUESTION_SIZE];
	bool multiple;
	enum poll_results show_results;
	int64_t opens_at;  /* unix seconds; 0 = not set (draft) */
	int64_t closes_at; /* unix seconds; 0 = open until closed */
	int64_t closed_at; /* when staff closed it; 0 = not closed by hand */
	int64_t created_at;
	int64_t ballots;   /* ballots cast, filled by the store on read */
	int option_n;
	struct poll_option options[POLL_OPTIONS_MAX];
};

/* The counts behind a poll's results. */
struct tally {
	int64_t ballots;
	int option_n;
	int64_t counts[POLL_OPTIONS_MAX];
};

enum poll_status poll_status(const struct poll *p, int64_t now);
const char *poll_status_name(enum poll_status s);
bool poll_is_open(const struct poll *p, int64_t now);
const char *poll_results_name(enum poll_results r);
/* The JSON object the audit log records for a poll's creation or edit. */
void poll_audit_detail(struct buf *b, const struct poll *p);
int poll_results_parse(struct str s, enum poll_results *out);

/* The fields of a poll as typed: the web and CLI layers fill this from a
 * form or JSON and poll_build checks it. */
struct poll_input {
	struct str question;
	int option_n;               /* as given, may exceed POLL_OPTIONS_MAX */
	struct str options[POLL_OPTIONS_MAX + 1];
	bool multiple;
	enum poll_results show_results;
	int64_t opens_at;           /* 0 = draft; see poll_build */
	int64_t closes_at;          /* 0 = until closed */
};

/*
 * Checks `in` and fills `out` (question, options, flags, times).  Adds an
 * error per problem to `e` with JSON-path field names ("question",
 * "options[2]", "closes_at") and returns ERR_INVALID if there was any.
 * `now` decides whether a closing time is in the past.
 */
int poll_build(const struct poll_input *in, int64_t now, struct poll *out, struct errors *e);

/* A ballot: the option ids chosen. */
struct ballot {
	int choice_n;
	int64_t choices[POLL_OPTIONS_MAX];
};

/*
 * Checks that `b` may be cast on `p` at `now`.  Returns ERR_CONFLICT (with
 * an error on "poll") when the poll is not open, ERR_INVALID when the
 * choices are empty, unknown, repeated or too many for a single-choice
 * poll, 0 when the ballot is good.
 */
int poll_check_ballot(const struct poll *p, const struct ballot *b, int64_t now, struct errors *e);

/* Index of option `id` in p->options, or -1. */
int poll_option_index(const struct poll *p, int64_t id);

/* Whether the public may see results now (staff always may). */
bool poll_results_visible(const struct poll *p, bool has_voted, int64_t now);

/* Percentage of ballots for one count, in tenths of a percent, rounded
 * half up: 1 of 3 ballots is 333 (33.3%).  0 ballots gives 0. */
int poll_percent_tenths(int64_t count, int64_t ballots);

#endif
