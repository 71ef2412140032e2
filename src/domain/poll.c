/*
 * poll.c - the rules of quick polls (see poll.h): building one from what staff
 * typed, its state machine, who may see what, and ballots.
 */
#include <stdio.h>
#include <string.h>

#include "involve/i18n.h"
#include "involve/poll.h"
#include "involve/text.h"

enum poll_status
poll_status(const struct poll *p, int64_t now)
{
	if (p->closed_at != 0 || (p->closes_at != 0 && now >= p->closes_at))
		return POLL_CLOSED;
	if (p->opens_at == 0)
		return POLL_DRAFT;
	if (now < p->opens_at)
		return POLL_SCHEDULED;
	return POLL_OPEN;
}

const char *
poll_status_name(enum poll_status s)
{
	switch (s) {
	case POLL_DRAFT: return "draft";
	case POLL_SCHEDULED: return "scheduled";
	case POLL_OPEN: return "open";
	case POLL_CLOSED: return "closed";
	}
	return "unknown";
}

bool
poll_is_open(const struct poll *p, int64_t now)
{
	return poll_status(p, now) == POLL_OPEN;
}

const char *
poll_results_name(enum poll_results r)
{
	return r == POLL_RESULTS_AFTER_CLOSE ? "after_close" : "after_vote";
}

int
poll_results_parse(struct str s, enum poll_results *out)
{
	if (str_eq_c(s, "after_vote"))
		*out = POLL_RESULTS_AFTER_VOTE;
	else if (str_eq_c(s, "after_close"))
		*out = POLL_RESULTS_AFTER_CLOSE;
	else
		return ERR_INVALID;
	return 0;
}

const char *
poll_who_name(enum poll_who w)
{
	return w == POLL_WHO_CODE ? "code" : "anyone";
}

int
poll_who_parse(struct str s, enum poll_who *out)
{
	if (str_eq_c(s, "anyone"))
		*out = POLL_WHO_ANYONE;
	else if (str_eq_c(s, "code"))
		*out = POLL_WHO_CODE;
	else
		return ERR_INVALID;
	return 0;
}

void
poll_input_defaults(struct poll_input *in)
{
	memset(in, 0, sizeof(*in));
	in->multiple = false;
	in->show_results = POLL_RESULTS_AFTER_VOTE;
	in->opening = POLL_OPEN_NOW;
	in->closes_at = 0;
}

void
poll_input_from(struct poll_input *in, const struct poll *p, int64_t now)
{
	int i;

	poll_input_defaults(in);
	in->question = p->question;
	in->option_n = p->option_n;
	for (i = 0; i < p->option_n && i <= POLL_OPTIONS_MAX; i++)
		in->options[i] = p->options[i].label;
	in->multiple = p->multiple;
	in->show_results = p->show_results;
	in->who = p->who;
	if (poll_status(p, now) == POLL_DRAFT) {
		in->opening = POLL_OPEN_LATER;
	} else {
		in->opening = POLL_OPEN_AT;
		in->opens_at = p->opens_at;
	}
	in->closes_at = p->closes_at;
}

/* Whether label is among the first n options already built. */
static bool
option_taken(const struct poll *p, struct str label)
{
	int i;

	for (i = 0; i < p->option_n; i++)
		if (str_eq(p->options[i].label, label))
			return true;
	return false;
}

int
poll_build(const struct poll_input *in, int64_t now, struct arena *a, struct poll *out,
    struct errors *e)
{
	struct str text;
	int i, before = e->n + e->dropped;

	memset(out, 0, sizeof(*out));
	out->options = arena_array(a, POLL_OPTIONS_MAX, sizeof(*out->options));
	if (out->options == NULL)
		return ERR_NOMEM;
	if (text_check(in->question, "question", N_("the question"), POLL_QUESTION_MAX_CHARS,
	    TEXT_REQUIRED, &text, e) == 0)
		out->question = text;

	if (in->option_n < POLL_OPTIONS_MIN)
		errors_add(e, "options", N_("Enter at least %d options"), POLL_OPTIONS_MIN);
	else if (in->option_n > POLL_OPTIONS_MAX)
		errors_add(e, "options", N_("A poll can have at most %d options"),
		    POLL_OPTIONS_MAX);
	for (i = 0; i < in->option_n && i < POLL_OPTIONS_MAX; i++) {
		char field[24];

		snprintf(field, sizeof(field), "options[%d]", i);
		if (text_check(in->options[i], field, N_("the option"), POLL_OPTION_MAX_CHARS,
		    TEXT_REQUIRED, &text, e) != 0)
			continue;
		if (option_taken(out, text)) {
			char shown[61];

			/* At most 60 bytes, cut between characters: the message
			 * must stay UTF-8 to be shown at all. */
			text_copy(shown, sizeof(shown), text);
			errors_add(e, field,
			    N_("Each option must be different: \"%s\" is given twice"), shown);
			continue;
		}
		out->options[out->option_n++] = (struct poll_option){ 0, text, 0 };
	}

	out->multiple = in->multiple;
	out->show_results = in->show_results;
	out->who = in->who;
	switch (in->opening) {
	case POLL_OPEN_NOW:
		out->opens_at = now;
		break;
	case POLL_OPEN_LATER:
		out->opens_at = 0;
		break;
	case POLL_OPEN_AT:
		out->opens_at = in->opens_at;
		if (in->opens_at <= now)
			errors_add(e, "opens_at", N_("The opening time must be in the future"));
		break;
	}
	out->closes_at = in->closes_at;
	if (in->closes_at != 0 && in->closes_at <= now)
		errors_add(e, "closes_at", N_("The closing time must be in the future"));
	else if (in->closes_at != 0 && out->opens_at != 0 && in->closes_at <= out->opens_at)
		errors_add(e, "closes_at", N_("The closing time must be after the opening time"));

	return e->n + e->dropped > before ? ERR_INVALID : 0;
}

struct poll *
poll_copy(struct arena *a, const struct poll *p)
{
	struct poll *c = arena_alloc(a, sizeof(*c));
	int i;

	if (c == NULL)
		return NULL;
	*c = *p;
	c->question = arena_str(a, p->question);
	c->options = arena_array(a, (size_t)(p->option_n > 0 ? p->option_n : 1), sizeof(*c->options));
	if (c->question.p == NULL || c->options == NULL)
		return NULL;
	for (i = 0; i < p->option_n; i++) {
		c->options[i] = p->options[i];
		c->options[i].label = arena_str(a, p->options[i].label);
		if (c->options[i].label.p == NULL)
			return NULL;
	}
	return c;
}

/* ---- the state machine ------------------------------------------------------- */

bool
poll_can_edit(const struct poll *p, int64_t now)
{
	enum poll_status s = poll_status(p, now);

	return s == POLL_DRAFT || s == POLL_SCHEDULED;
}

bool
poll_can_open(const struct poll *p, int64_t now)
{
	enum poll_status s = poll_status(p, now);

	return s == POLL_DRAFT || s == POLL_SCHEDULED;
}

bool
poll_can_close(const struct poll *p, int64_t now)
{
	return poll_status(p, now) == POLL_OPEN;
}

int
poll_check_edit(const struct poll *p, int64_t now, struct errors *e)
{
	if (poll_can_edit(p, now))
		return 0;
	errors_add(e, "poll", N_("A poll can be changed only before it opens. Create a new poll "
	    "instead"));
	return ERR_CONFLICT;
}

int
poll_check_open(const struct poll *p, int64_t now, struct errors *e)
{
	if (poll_can_open(p, now))
		return 0;
	errors_add(e, "poll", poll_status(p, now) == POLL_OPEN ? N_("The poll is already open") :
	    N_("The poll has closed"));
	return ERR_CONFLICT;
}

int
poll_check_close(const struct poll *p, int64_t now, struct errors *e)
{
	if (poll_can_close(p, now))
		return 0;
	errors_add(e, "poll", poll_status(p, now) == POLL_CLOSED ?
	    N_("The poll has closed already") : N_("The poll is not open yet"));
	return ERR_CONFLICT;
}

/* ---- who may see what ----------------------------------------------------------- */

bool
poll_visible(const struct poll *p, const struct poll_viewer *v, int64_t now)
{
	return v->staff || poll_status(p, now) != POLL_DRAFT;
}

bool
poll_results_visible(const struct poll *p, const struct poll_viewer *v, int64_t now)
{
	if (v->staff || poll_status(p, now) == POLL_CLOSED)
		return true;
	return p->show_results == POLL_RESULTS_AFTER_VOTE && v->has_voted;
}

/* ---- ballots -------------------------------------------------------------------- */

int
poll_option_index(const struct poll *p, int64_t id)
{
	int i;

	for (i = 0; i < p->option_n; i++)
		if (p->options[i].id == id)
			return i;
	return -1;
}

int
poll_check_ballot(const struct poll *p, const struct ballot *b, int64_t now, struct errors *e)
{
	int i, j;

	switch (poll_status(p, now)) {
	case POLL_OPEN:
		break;
	case POLL_CLOSED:
		errors_add(e, "poll", "%s", N_("This poll has closed"));
		return ERR_CONFLICT;
	default:
		errors_add(e, "poll", "%s", N_("This poll is not open yet"));
		return ERR_CONFLICT;
	}
	if (p->who == POLL_WHO_CODE && !b->has_code) {
		errors_add(e, "code", "%s", N_("Enter the code from your letter or card"));
		return ERR_INVALID;
	}
	if (b->choice_n == 0) {
		errors_add(e, "options", "%s", p->multiple ? N_("Select at least one answer") :
		    N_("Select an answer"));
		return ERR_INVALID;
	}
	if (!p->multiple && b->choice_n > 1) {
		errors_add(e, "options", "%s", N_("Select only one answer"));
		return ERR_INVALID;
	}
	for (i = 0; i < b->choice_n; i++) {
		if (poll_option_index(p, b->choices[i]) < 0) {
			errors_add_at(e, "options", i, "%s", N_("This is not one of the poll's answers"));
			return ERR_INVALID;
		}
		for (j = 0; j < i; j++) {
			if (b->choices[j] == b->choices[i]) {
				errors_add_at(e, "options", i, "%s", N_("Each answer can be chosen only once"));
				return ERR_INVALID;
			}
		}
	}
	return 0;
}

int
poll_percent_tenths(int64_t count, int64_t ballots)
{
	if (ballots <= 0 || count <= 0)
		return 0;
	return (int)((count * 2000 + ballots) / (2 * ballots));
}

void
poll_audit_detail(struct buf *b, const struct poll *p)
{
	int i;

	buf_add_c(b, "{\"question\":");
	buf_add_json_string(b, p->question);
	buf_add_c(b, ",\"options\":[");
	for (i = 0; i < p->option_n; i++) {
		if (i)
			buf_addch(b, ',');
		buf_add_json_string(b, p->options[i].label);
	}
	buf_printf(b, "],\"multiple\":%s,\"show_results\":\"%s\",\"who_can_answer\":\"%s\","
	    "\"opens_at\":%lld,\"closes_at\":%lld}", p->multiple ? "true" : "false",
	    poll_results_name(p->show_results), poll_who_name(p->who), (long long)p->opens_at,
	    (long long)p->closes_at);
}
