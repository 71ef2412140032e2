/*
 * assessment.h - assessments of the legal duty to involve.
 *
 * Before a change to services, NHS bodies must decide whether the people
 * it affects are to be involved, and how: integrated care boards under
 * the NHS Act 2006 s.14Z45, trusts under s.242, NHS England under s.13Q,
 * with the local authority's scrutiny of substantial changes (s.244
 * regulations) and the public sector equality duty (Equality Act 2010
 * s.149) beside them.  An assessment records that decision: the proposed
 * change, what changes and whom it affects, whether people must be
 * involved (and why not, when not), how, under which duties, and, once
 * made, the decision on the change and its date.  The engagements that
 * follow it (surveys, consultations, polls) are linked to it, and an
 * engagement may serve several assessments, so its page shows the
 * evidence trail from proposal to decision.
 *
 * No SQL and no HTTP here: the store and the handlers both call these.
 */
#ifndef INVOLVE_ASSESSMENT_H
#define INVOLVE_ASSESSMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/consultation.h"
#include "involve/error.h"
#include "involve/poll.h"
#include "involve/str.h"

#define ASSESSMENT_TITLE_MAX_CHARS 200
#define ASSESSMENT_TEXT_MAX_CHARS 10000   /* what changes, who is affected, the decision */
#define ASSESSMENT_REASON_MAX_CHARS 5000  /* why not, and how */
#define ASSESSMENT_DUTY_OTHER_MAX_CHARS 200
#define ASSESSMENT_LINKS_MAX 100          /* engagements linked to one assessment */

/* Whether the people affected must be involved. */
enum involvement {
	INVOLVEMENT_REQUIRED,
	INVOLVEMENT_NOT_REQUIRED, /* with the reason */
	INVOLVEMENT_UNDECIDED,
	INVOLVEMENT_N
};
const char *involvement_name(enum involvement v); /* "required", "not_required", "undecided" */
const char *involvement_label(enum involvement v);
int involvement_parse(struct str s, enum involvement *out);

/* How people are to be involved: any of these (bits 1 << method). */
enum involve_method {
	METHOD_CONSULTATION,  /* "consultation": a formal consultation */
	METHOD_ENGAGEMENT,    /* "engagement": surveys, events, conversations */
	METHOD_CO_PRODUCTION, /* "co_production": designing it with the people affected */
	METHOD_INSIGHT,       /* "insight": what people have told us already */
	METHOD_OTHER,         /* "other": said in the approach */
	METHOD_N
};

/* Under which duties: any of these (bits 1 << duty). */
enum involve_duty {
	DUTY_ICB,        /* "nhs_act_s14z45" */
	DUTY_TRUST,      /* "nhs_act_s242" */
	DUTY_NHSE,       /* "nhs_act_s13q" */
	DUTY_SCRUTINY,   /* "scrutiny_s244" */
	DUTY_EQUALITY,   /* "equality_act_s149" */
	DUTY_OTHER,      /* "other": named in duty_other */
	DUTY_N
};

/* Names (the API's and the forms') and labels (the statute, for people). */
const char *involve_method_name(enum involve_method m);
const char *involve_method_label(enum involve_method m);
const char *involve_duty_name(enum involve_duty d);
const char *involve_duty_label(enum involve_duty d);
/* NULL-terminated lists of the names, in order, for declaring inputs. */
extern const char *const involvement_names[];
extern const char *const involve_method_names[];
extern const char *const involve_duty_names[];

/* A set of methods or duties as the store keeps it, the names joined
 * with ',' ("consultation,engagement"), into b; and read back (unknown
 * names are left out). */
/* A set from a list of names as given (the API's array, a form's
 * checkboxes), names being one of the lists above: an unknown name is an
 * error on "FIELD[i]" and left out. */
unsigned involve_set_from_list(const struct str *list, int n, const char *const *names,
    const char *field, struct errors *e);
void involve_methods_write(unsigned methods, struct buf *b);
unsigned involve_methods_parse(struct str s);
void involve_duties_write(unsigned duties, struct buf *b);
unsigned involve_duties_parse(struct str s);

struct assessment {
	int64_t id;
	int64_t org_id;
	struct str title;        /* the proposed change */
	struct str proposal;     /* what changes */
	struct str affected;     /* who is affected, and how */
	enum involvement involvement;
	struct str reason;       /* not required: why not */
	unsigned methods;        /* how: bits of enum involve_method */
	struct str approach;     /* how, in words */
	unsigned duties;         /* bits of enum involve_duty */
	struct str duty_other;   /* the duty, when DUTY_OTHER is one */
	struct str decision;     /* the decision on the change, once made */
	int64_t decided_at;      /* 0 until then */
	struct str created_by;   /* the actor's name */
	int64_t created_at;
	int64_t updated_at;
};

/*
 * Checks an assessment as given, at now, and puts it in its one form: text
 * trimmed; the reason kept only when people are not to be involved, and
 * methods and approach only when they are or it is undecided; duty_other
 * only with DUTY_OTHER.  The rules: title 1..ASSESSMENT_TITLE_MAX_CHARS of
 * one line; proposal and affected 1..ASSESSMENT_TEXT_MAX_CHARS; a reason
 * when not required; at least one method when required (and an approach
 * in words for "other"); at least one duty, and duty_other named with
 * DUTY_OTHER; a decision and its date together, the date not after now.
 * Errors on "title", "proposal", "affected", "reason", "methods",
 * "approach", "duties", "duty_other", "decision", "decided_at".  0 or
 * ERR_INVALID.
 */
int assessment_check(struct assessment *a, int64_t now, struct errors *e);

/* ---- the engagements that follow ------------------------------------------------------ */

enum link_kind {
	LINK_SURVEY, /* "survey": a survey or a consultation */
	LINK_POLL,   /* "poll" */
	LINK_KIND_N
};
const char *link_kind_name(enum link_kind k);
int link_kind_parse(struct str s, enum link_kind *out);
extern const char *const link_kind_names[];

/* A linked engagement as the evidence trail shows it. */
struct assessment_link {
	enum link_kind kind;
	int64_t id;                    /* the survey's or the poll's */
	struct str title;              /* its title, or a poll's question */
	enum survey_kind survey_kind;  /* surveys */
	enum consultation_stage stage; /* consultations */
	int64_t opens_at, closes_at, closed_at;
	int64_t responses;             /* a survey's responses, a poll's answers */
	int64_t created_at;
	struct str linked_by;
	int64_t linked_at;
};

/* The engagement's state at now: a poll's or survey's status name
 * ("draft", "scheduled", "open", "closed"), or a consultation's
 * lifecycle state name ("analysing", ...). */
const char *assessment_link_state(const struct assessment_link *l, int64_t now);
/* What kind of engagement it is, for people: "Poll", "Survey", "Consultation". */
const char *assessment_link_label(const struct assessment_link *l);

#endif
