/*
 * outcome.h - "You said, we did": what an organisation heard, what it
 * decided, who decided and when, and what changed, linked to the
 * engagements and questions it answers.
 *
 * An outcome is a draft until it is published; then it is on the
 * organisation's "You said, we did" page and feed, on the pages of what it
 * answers, and the respondents of a linked survey who asked to hear back
 * are emailed.  No SQL or HTTP here: what a valid outcome is.
 */
#ifndef INVOLVE_OUTCOME_H
#define INVOLVE_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/str.h"

#define OUTCOME_TITLE_MAX_CHARS 200
#define OUTCOME_TEXT_MAX_CHARS 20000  /* each of the Markdown texts */
#define OUTCOME_DECIDED_BY_MAX_CHARS 200
#define OUTCOME_LINKS_MAX 20

enum outcome_link_kind { OUTCOME_LINK_SURVEY, OUTCOME_LINK_POLL };
const char *outcome_link_kind_name(enum outcome_link_kind k); /* "survey", "poll" */
int outcome_link_kind_parse(struct str s, enum outcome_link_kind *out);

struct outcome_link {
	enum outcome_link_kind kind;
	int64_t id;
	struct str question; /* a survey question's key; empty: the whole engagement */
	struct str title;    /* filled by the store on read: the engagement's title */
};

struct outcome {
	int64_t id;
	int64_t org_id;
	struct str title;
	struct str you_said;      /* Markdown */
	struct str decision;      /* Markdown */
	struct str what_changed;  /* Markdown */
	struct str decided_by;
	struct str decided_on;    /* YYYY-MM-DD */
	int64_t published_at;     /* 0: a draft */
	int64_t created_at;
	int64_t updated_at;
	int link_n;
	struct outcome_link *links;
};

/*
 * Reads the API's "links" ([{"kind": "survey" | "poll", "id": "12",
 * "question": KEY}]) into o->links, in a; each bad one is an error under
 * "links[i]".  ERR_INVALID, ERR_NOMEM.
 */
int outcome_links_read(const json_t *list, struct arena *a, struct outcome *o,
    struct errors *e);

/*
 * Checks and trims the outcome's text (errors under "title", "you_said",
 * "decision", "what_changed", "decided_by", "decided_on", "links[i]"):
 * a title; what people said and what was decided (what changed may be
 * empty while nothing has yet); who decided; a real date not in the
 * future (today given as YYYY-MM-DD).  ERR_INVALID.
 */
int outcome_check(struct outcome *o, const char *today, struct errors *e);

/*
 * The message a respondent who asked to hear back is sent when o is
 * published: its subject and plain-text body, with what was decided and
 * the outcome's address on org's site under public_url.
 */
struct org;
void outcome_mail_write(const char *public_url, const struct org *org, const struct outcome *o,
    struct buf *subject, struct buf *body);

#endif
