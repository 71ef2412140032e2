/*
 * survey_state.c - a survey record's state, a new survey built from what
 * staff send (the API's body and the command's file alike), and the names
 * of its choices (survey.h).  The states are a poll's, by the same rules,
 * except that a survey may be edited until it closes:
 * survey_def_check_change decides which edits a survey with responses may
 * take.
 */
#include <string.h>

#include "involve/i18n.h"
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

int64_t
survey_partials_abandoned_before(const struct survey *s, int64_t now)
{
	/* Closed by hand, or by its time. */
	int64_t closed = s->closed_at != 0 ? s->closed_at : s->closes_at;

	if (survey_status(s, now) == POLL_CLOSED && closed <= now - SURVEY_PARTIAL_CLOSED_KEEP)
		return INT64_MAX;
	return now - SURVEY_PARTIAL_IDLE_MAX;
}

int
survey_check_edit(const struct survey *s, int64_t now, struct errors *e)
{
	if (survey_status(s, now) != POLL_CLOSED)
		return 0;
	errors_add(e, "survey", N_("A survey cannot be changed once it has closed"));
	return ERR_CONFLICT;
}

int
survey_check_open(const struct survey *s, int64_t now, struct errors *e)
{
	enum poll_status st = survey_status(s, now);

	if (st == POLL_DRAFT || st == POLL_SCHEDULED)
		return 0;
	errors_add(e, "survey", st == POLL_OPEN ? N_("The survey is already open") :
	    N_("The survey has closed"));
	return ERR_CONFLICT;
}

int
survey_check_close(const struct survey *s, int64_t now, struct errors *e)
{
	enum poll_status st = survey_status(s, now);

	if (st == POLL_OPEN)
		return 0;
	errors_add(e, "survey", st == POLL_CLOSED ? N_("The survey has closed already") :
	    N_("The survey is not open yet"));
	return ERR_CONFLICT;
}

int
survey_check_entry(const struct survey *s, int64_t now, struct errors *e)
{
	enum poll_status st = survey_status(s, now);

	if (st == POLL_OPEN || st == POLL_CLOSED)
		return 0;
	errors_add(e, "survey", st == POLL_DRAFT ? N_("The survey is a draft: responses can be "
	    "entered once it has opened") : N_("The survey has not opened yet: responses can "
	    "be entered once it has"));
	return ERR_CONFLICT;
}

int
survey_title_check(struct str title, struct errors *e)
{
	struct str out;

	return text_check(title, "title", N_("the title"), SURVEY_TITLE_MAX_CHARS, TEXT_REQUIRED,
	    &out, e);
}

int
survey_times_check(int64_t opens_at, int64_t closes_at, bool opens_now, int64_t now,
    struct errors *e)
{
	int rc = 0;

	if (!opens_now && opens_at != 0 && opens_at < now) {
		errors_add(e, "opens_at", N_("The opening time must be in the future"));
		rc = ERR_INVALID;
	}
	if (closes_at != 0 && closes_at <= (opens_at != 0 ? opens_at : now)) {
		errors_add(e, "closes_at", N_("The closing time must be after the opening time"));
		rc = ERR_INVALID;
	}
	return rc;
}

int
survey_build(const struct survey_input *in, int64_t now, struct arena *a,
    struct survey *out, struct survey_def *d, struct errors *e)
{
	struct buf text = BUF_INIT;
	struct errors de;
	int before = e->n + e->dropped, i, rc;

	memset(out, 0, sizeof(*out));
	memset(d, 0, sizeof(*d));
	out->who = in->who;
	out->next_option_id = 1;
	if (in->title.p != NULL && survey_title_check(in->title, e) == 0)
		out->title = str_trim(in->title);
	if (in->pages.p != NULL) {
		/* The definition's own errors come under their paths as they are. */
		errors_init_in(&de, e->lang);
		rc = survey_def_parse(in->pages, a, d, &de);
		if (rc == ERR_NOMEM)
			return rc;
		for (i = 0; i < de.n; i++)
			errors_add(e, de.list[i].field, "%s", de.list[i].detail);
		e->dropped += de.dropped;
		out->next_option_id = d->next_option_id;
	}
	switch (in->opening) {
	case POLL_OPEN_NOW:
		out->opens_at = now;
		break;
	case POLL_OPEN_LATER:
		out->opens_at = 0;
		break;
	case POLL_OPEN_AT:
		out->opens_at = in->opens_at;
		break;
	}
	out->closes_at = in->closes_at;
	survey_times_check(out->opens_at, out->closes_at, in->opening == POLL_OPEN_NOW, now, e);
	if (e->n + e->dropped > before)
		return ERR_INVALID;
	if (in->title.p == NULL || in->pages.p == NULL)
		return ERR_INVALID; /* the door has said what is missing */
	survey_def_write(d, &text);
	out->definition = buf_ok(&text) ? arena_str(a, (struct str){ text.p, text.n }) :
	    (struct str){ NULL, 0 };
	buf_free(&text);
	return out->definition.p != NULL ? 0 : ERR_NOMEM;
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

bool
survey_response_correctable(enum survey_channel channel, int64_t entered_by)
{
	return entered_by != 0 || channel != SURVEY_ONLINE;
}
