/*
 * assessment.c - what an assessment of the duty to involve must say, and
 * the names of its choices (assessment.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/assessment.h"
#include "involve/i18n.h"
#include "involve/text.h"

const char *const involvement_names[] = { "required", "not_required", "undecided", NULL };
static const char *const involvement_labels[INVOLVEMENT_N] = {
	N_("Yes: people must be involved"),
	N_("No: involvement is not required"),
	N_("Not decided yet"),
};

const char *const involve_method_names[] = { "consultation", "engagement", "co_production",
	"insight", "other", NULL };
static const char *const method_labels[METHOD_N] = {
	N_("Formal consultation"),
	N_("Engagement: surveys, polls, events and conversations"),
	N_("Co-production with the people affected"),
	N_("Insight: what people have told us already"),
	N_("Another way"),
};

const char *const involve_duty_names[] = { "nhs_act_s14z45", "nhs_act_s242", "nhs_act_s13q",
	"scrutiny_s244", "equality_act_s149", "other", NULL };
static const char *const duty_labels[DUTY_N] = {
	N_("NHS Act 2006 s.14Z45 (integrated care boards)"),
	N_("NHS Act 2006 s.242 (NHS trusts and foundation trusts)"),
	N_("NHS Act 2006 s.13Q (NHS England)"),
	N_("Health and Social Care Act 2012 / local authority health scrutiny (s.244)"),
	N_("Equality Act 2010 s.149 (public sector equality duty)"),
	N_("Another duty"),
};

const char *const link_kind_names[] = { "survey", "poll", NULL };

_Static_assert(METHOD_N <= 16 && DUTY_N <= 16, "a set of methods or duties fits in unsigned");

static int
parse_name(const char *const *names, int n, struct str s)
{
	int i;

	for (i = 0; i < n; i++)
		if (str_eq_c(s, names[i]))
			return i;
	return -1;
}

const char *
involvement_name(enum involvement v)
{
	return (unsigned)v < INVOLVEMENT_N ? involvement_names[v] : "undecided";
}

const char *
involvement_label(enum involvement v)
{
	return (unsigned)v < INVOLVEMENT_N ? involvement_labels[v] : involvement_labels[2];
}

int
involvement_parse(struct str s, enum involvement *out)
{
	int i = parse_name(involvement_names, INVOLVEMENT_N, s);

	if (i < 0)
		return ERR_INVALID;
	*out = (enum involvement)i;
	return 0;
}

const char *
involve_method_name(enum involve_method m)
{
	return (unsigned)m < METHOD_N ? involve_method_names[m] : "";
}

const char *
involve_method_label(enum involve_method m)
{
	return (unsigned)m < METHOD_N ? method_labels[m] : "";
}

const char *
involve_duty_name(enum involve_duty d)
{
	return (unsigned)d < DUTY_N ? involve_duty_names[d] : "";
}

const char *
involve_duty_label(enum involve_duty d)
{
	return (unsigned)d < DUTY_N ? duty_labels[d] : "";
}

static void
set_write(unsigned bits, const char *const *names, int n, struct buf *b)
{
	bool first = true;
	int i;

	for (i = 0; i < n; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (!first)
			buf_addch(b, ',');
		buf_add_c(b, names[i]);
		first = false;
	}
}

static unsigned
set_parse(struct str s, const char *const *names, int n)
{
	unsigned bits = 0;
	size_t i = 0, start;
	int k;

	while (i < s.n) {
		start = i;
		while (i < s.n && s.p[i] != ',')
			i++;
		k = parse_name(names, n, (struct str){ s.p + start, i - start });
		if (k >= 0)
			bits |= 1u << k;
		i++;
	}
	return bits;
}

unsigned
involve_set_from_list(const struct str *list, int n, const char *const *names,
    const char *field, struct errors *e)
{
	unsigned bits = 0;
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; names[k] != NULL && !str_eq_c(list[i], names[k]); k++)
			;
		if (names[k] == NULL) {
			char all[ERROR_DETAIL_MAX - 20];
			size_t used = 0;

			all[0] = '\0';
			for (k = 0; names[k] != NULL && used < sizeof(all); k++)
				used += (size_t)snprintf(all + used, sizeof(all) - used, "%s%s",
				    k ? ", " : "", names[k]);
			errors_add_at(e, field, i, N_("Must be one of %s"), all);
			continue;
		}
		bits |= 1u << k;
	}
	return bits;
}

void
involve_methods_write(unsigned methods, struct buf *b)
{
	set_write(methods, involve_method_names, METHOD_N, b);
}

unsigned
involve_methods_parse(struct str s)
{
	return set_parse(s, involve_method_names, METHOD_N);
}

void
involve_duties_write(unsigned duties, struct buf *b)
{
	set_write(duties, involve_duty_names, DUTY_N, b);
}

unsigned
involve_duties_parse(struct str s)
{
	return set_parse(s, involve_duty_names, DUTY_N);
}

/* One text field: checked, and trimmed in place on success. */
static int
field(struct str *s, const char *name, const char *label, size_t max, unsigned flags,
    struct errors *e)
{
	struct str out;

	if (text_check(*s, name, label, max, flags, &out, e) != 0)
		return ERR_INVALID;
	*s = out;
	return 0;
}

int
assessment_check(struct assessment *a, int64_t now, struct errors *e)
{
	const unsigned long_text = TEXT_MULTILINE;
	int rc = 0;

	if ((unsigned)a->involvement >= INVOLVEMENT_N)
		a->involvement = INVOLVEMENT_UNDECIDED;
	a->methods &= (1u << METHOD_N) - 1;
	a->duties &= (1u << DUTY_N) - 1;
	if (a->involvement == INVOLVEMENT_NOT_REQUIRED) {
		a->methods = 0;
		a->approach = (struct str){ "", 0 };
	} else {
		a->reason = (struct str){ "", 0 };
	}
	if (!(a->duties & (1u << DUTY_OTHER)))
		a->duty_other = (struct str){ "", 0 };

	rc |= field(&a->title, "title", N_("the proposed change"), ASSESSMENT_TITLE_MAX_CHARS,
	    TEXT_REQUIRED, e);
	rc |= field(&a->proposal, "proposal", N_("what changes"), ASSESSMENT_TEXT_MAX_CHARS,
	    TEXT_REQUIRED | long_text, e);
	rc |= field(&a->affected, "affected", N_("who is affected"), ASSESSMENT_TEXT_MAX_CHARS,
	    TEXT_REQUIRED | long_text, e);
	rc |= field(&a->reason, "reason", N_("why people need not be involved"),
	    ASSESSMENT_REASON_MAX_CHARS, long_text |
	    (a->involvement == INVOLVEMENT_NOT_REQUIRED ? TEXT_REQUIRED : 0), e);
	rc |= field(&a->approach, "approach", N_("how people will be involved"),
	    ASSESSMENT_REASON_MAX_CHARS, long_text, e);
	if (a->involvement == INVOLVEMENT_REQUIRED && a->methods == 0) {
		errors_add(e, "methods", N_("Select how people will be involved"));
		rc = ERR_INVALID;
	}
	if ((a->methods & (1u << METHOD_OTHER)) && a->approach.n == 0 &&
	    !errors_has_field(e, "approach")) {
		errors_add(e, "approach", N_("Say how people will be involved"));
		rc = ERR_INVALID;
	}
	if (a->duties == 0) {
		errors_add(e, "duties",
		    N_("Select the duty, or duties, the change is assessed under"));
		rc = ERR_INVALID;
	}
	rc |= field(&a->duty_other, "duty_other", N_("the other duty"),
	    ASSESSMENT_DUTY_OTHER_MAX_CHARS, (a->duties & (1u << DUTY_OTHER)) ? TEXT_REQUIRED : 0,
	    e);
	rc |= field(&a->decision, "decision", N_("the decision"), ASSESSMENT_TEXT_MAX_CHARS,
	    long_text, e);
	if (a->decided_at != 0 && a->decision.n == 0 && !errors_has_field(e, "decision")) {
		errors_add(e, "decision", N_("Enter the decision, or leave its date empty"));
		rc = ERR_INVALID;
	}
	if (a->decided_at == 0 && a->decision.n > 0) {
		errors_add(e, "decided_at", N_("Enter the date of the decision"));
		rc = ERR_INVALID;
	}
	if (a->decided_at > now) {
		errors_add(e, "decided_at",
		    N_("The date of the decision must not be in the future"));
		rc = ERR_INVALID;
	}
	return rc != 0 ? ERR_INVALID : 0;
}

/* ---- links --------------------------------------------------------------------------- */

const char *
link_kind_name(enum link_kind k)
{
	return (unsigned)k < LINK_KIND_N ? link_kind_names[k] : "survey";
}

int
link_kind_parse(struct str s, enum link_kind *out)
{
	int i = parse_name(link_kind_names, LINK_KIND_N, s);

	if (i < 0)
		return ERR_INVALID;
	*out = (enum link_kind)i;
	return 0;
}

const char *
assessment_link_state(const struct assessment_link *l, int64_t now)
{
	struct survey sv;
	struct poll p;

	if (l->kind == LINK_POLL) {
		memset(&p, 0, sizeof(p));
		p.opens_at = l->opens_at;
		p.closes_at = l->closes_at;
		p.closed_at = l->closed_at;
		return poll_status_name(poll_status(&p, now));
	}
	memset(&sv, 0, sizeof(sv));
	sv.opens_at = l->opens_at;
	sv.closes_at = l->closes_at;
	sv.closed_at = l->closed_at;
	if (l->survey_kind == SURVEY_KIND_CONSULTATION &&
	    survey_status(&sv, now) == POLL_CLOSED)
		return consultation_state_name(consultation_state(&sv, l->stage, now));
	return poll_status_name(survey_status(&sv, now));
}

const char *
assessment_link_label(const struct assessment_link *l)
{
	if (l->kind == LINK_POLL)
		return N_("Poll");
	return l->survey_kind == SURVEY_KIND_CONSULTATION ? N_("Consultation") : N_("Survey");
}
