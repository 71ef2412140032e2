/*
 * survey_state.c - a survey record's state and the names of its choices
 * (survey.h).  The states are a poll's, by the same rules, except that a
 * survey may be edited until it closes: survey_def_check_change decides
 * which edits a survey with responses may take.
 */
#include <string.h>

#include "involve/survey.h"
#include "involve/text.h"

static const char *const channel_names[SURVEY_CHANNEL_N] = {
	"online", "paper", "phone", "event",
};
static const char *const kind_names[SURVEY_KIND_N] = { "survey", "consultation" };

enum poll_status
survey_status(const struct survey *s, int64_t now)
{
	if (s->closed_at != 0 || (s->closes_at != 0 && now >= s->closes_at))
		return POLL_CLOSED;
	if (s->opens_at == 0)
		return POLL_DRAFT;
	if (now < s->opens_at)
		return POLL_SCHEDULED;
	return POLL_OPEN;
}

bool
survey_is_open(const struct survey *s, int64_t now)
{
	return survey_status(s, now) == POLL_OPEN;
}

int
survey_check_edit(const struct survey *s, int64_t now, struct errors *e)
{
	if (survey_status(s, now) != POLL_CLOSED)
		return 0;
	errors_add(e, "survey", "A survey cannot be changed once it has closed");
	return ERR_CONFLICT;
}

int
survey_check_open(const struct survey *s, int64_t now, struct errors *e)
{
	enum poll_status st = survey_status(s, now);

	if (st == POLL_DRAFT || st == POLL_SCHEDULED)
		return 0;
	errors_add(e, "survey", st == POLL_OPEN ? "The survey is already open" :
	    "The survey has closed");
	return ERR_CONFLICT;
}

int
survey_check_close(const struct survey *s, int64_t now, struct errors *e)
{
	enum poll_status st = survey_status(s, now);

	if (st == POLL_OPEN)
		return 0;
	errors_add(e, "survey", st == POLL_CLOSED ? "The survey has closed already" :
	    "The survey is not open yet");
	return ERR_CONFLICT;
}

int
survey_title_check(struct str title, struct errors *e)
{
	struct str out;

	return text_check(title, "title", "the title", SURVEY_TITLE_MAX_CHARS, TEXT_REQUIRED, &out,
	    e);
}

int
survey_times_check(int64_t opens_at, int64_t closes_at, bool opens_now, int64_t now,
    struct errors *e)
{
	int rc = 0;

	if (!opens_now && opens_at != 0 && opens_at < now) {
		errors_add(e, "opens_at", "The opening time must be in the future");
		rc = ERR_INVALID;
	}
	if (closes_at != 0 && closes_at <= (opens_at != 0 ? opens_at : now)) {
		errors_add(e, "closes_at", "The closing time must be after the opening time");
		rc = ERR_INVALID;
	}
	return rc;
}

const char *
survey_channel_name(enum survey_channel c)
{
	return (unsigned)c < SURVEY_CHANNEL_N ? channel_names[c] : "online";
}

int
survey_channel_parse(struct str s, enum survey_channel *out)
{
	int i;

	for (i = 0; i < SURVEY_CHANNEL_N; i++)
		if (str_eq_c(s, channel_names[i])) {
			*out = (enum survey_channel)i;
			return 0;
		}
	return ERR_INVALID;
}

const char *
survey_kind_name(enum survey_kind k)
{
	return (unsigned)k < SURVEY_KIND_N ? kind_names[k] : "survey";
}

int
survey_kind_parse(struct str s, enum survey_kind *out)
{
	int i;

	for (i = 0; i < SURVEY_KIND_N; i++)
		if (str_eq_c(s, kind_names[i])) {
			*out = (enum survey_kind)i;
			return 0;
		}
	return ERR_INVALID;
}
