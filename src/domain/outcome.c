/*
 * outcome.c - what a valid "You said, we did" outcome is (outcome.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "involve/i18n.h"
#include "involve/org.h"
#include "involve/outcome.h"
#include "involve/survey.h"
#include "involve/text.h"

static const char *const kind_names[] = { "survey", "poll" };

const char *
outcome_link_kind_name(enum outcome_link_kind k)
{
	return k == OUTCOME_LINK_POLL ? kind_names[1] : kind_names[0];
}

int
outcome_link_kind_parse(struct str s, enum outcome_link_kind *out)
{
	if (str_eq_c(s, "survey"))
		*out = OUTCOME_LINK_SURVEY;
	else if (str_eq_c(s, "poll"))
		*out = OUTCOME_LINK_POLL;
	else
		return ERR_INVALID;
	return 0;
}

int
outcome_links_read(const json_t *list, struct arena *a, struct outcome *o, struct errors *e)
{
	char field[ERROR_FIELD_MAX];
	json_t *item;
	size_t i;
	int bad = 0;

	o->link_n = 0;
	if (!json_is_array(list)) {
		errors_add(e, "links", N_("Must be an array"));
		return ERR_INVALID;
	}
	o->links = arena_array(a, json_array_size(list) + 1, sizeof(*o->links));
	if (o->links == NULL)
		return ERR_NOMEM;
	json_array_foreach(list, i, item) {
		struct outcome_link *l = &o->links[o->link_n];
		json_t *kind = json_object_get(item, "kind"), *id = json_object_get(item, "id");
		json_t *question = json_object_get(item, "question");
		char *end = NULL;

		snprintf(field, sizeof(field), "links[%zu]", i);
		memset(l, 0, sizeof(*l));
		if (!json_is_object(item) || !json_is_string(kind) ||
		    outcome_link_kind_parse(str_c(json_string_value(kind)), &l->kind) != 0 ||
		    !json_is_string(id) || (l->id = strtoll(json_string_value(id), &end, 10)) <= 0 ||
		    *end != '\0' || (question != NULL && !json_is_string(question))) {
			errors_add(e, field, N_("A link is {\"kind\": \"survey\" or \"poll\", "
			    "\"id\": \"...\", \"question\": KEY (optional)}"));
			bad = 1;
			continue;
		}
		if (question != NULL && (l->question = arena_str(a,
		    str_c(json_string_value(question)))).p == NULL)
			return ERR_NOMEM;
		o->link_n++;
	}
	return bad ? ERR_INVALID : 0;
}

int
outcome_check(struct outcome *o, const char *today, struct errors *e)
{
	int rc = 0, i, j;

	rc |= text_check(o->title, "title", N_("the title"), OUTCOME_TITLE_MAX_CHARS,
	    TEXT_REQUIRED, &o->title, e);
	rc |= text_check(o->you_said, "you_said", N_("what people said"), OUTCOME_TEXT_MAX_CHARS,
	    TEXT_REQUIRED | TEXT_MULTILINE, &o->you_said, e);
	rc |= text_check(o->decision, "decision", N_("what was decided"), OUTCOME_TEXT_MAX_CHARS,
	    TEXT_REQUIRED | TEXT_MULTILINE, &o->decision, e);
	rc |= text_check(o->what_changed, "what_changed", N_("what changed"),
	    OUTCOME_TEXT_MAX_CHARS, TEXT_MULTILINE, &o->what_changed, e);
	rc |= text_check(o->decided_by, "decided_by", N_("who decided"),
	    OUTCOME_DECIDED_BY_MAX_CHARS, TEXT_REQUIRED, &o->decided_by, e);
	o->decided_on = str_trim(o->decided_on);
	if (!survey_date_valid(o->decided_on)) {
		errors_add(e, "decided_on", N_("Enter the date of the decision as a real date, "
		    "like 2026-12-07"));
		rc = ERR_INVALID;
	} else if (today != NULL && memcmp(o->decided_on.p, today, 10) > 0) {
		errors_add(e, "decided_on",
		    N_("The date of the decision must not be in the future"));
		rc = ERR_INVALID;
	}
	if (o->link_n > OUTCOME_LINKS_MAX) {
		errors_add(e, "links", N_("Link at most %d engagements"), OUTCOME_LINKS_MAX);
		rc = ERR_INVALID;
	}
	for (i = 0; i < o->link_n && i < OUTCOME_LINKS_MAX; i++)
		for (j = 0; j < i; j++)
			if (o->links[i].kind == o->links[j].kind && o->links[i].id == o->links[j].id &&
			    str_eq(o->links[i].question, o->links[j].question)) {
				errors_add_at(e, "links", i,
				    N_("This engagement is linked already"));
				rc = ERR_INVALID;
			}
	return rc ? ERR_INVALID : 0;
}

/* A mail's subject and body have limits (mail.h); the page has it all. */
#define OUTCOME_MAIL_TITLE_CHARS 120
#define OUTCOME_MAIL_DECISION_CHARS 4000

/* s cut to at most max characters, at a character's start. */
static struct str
cut(struct str s, size_t max)
{
	size_t i, chars = 0;

	for (i = 0; i < s.n; i++)
		if (((unsigned char)s.p[i] & 0xC0) != 0x80 && ++chars > max)
			return (struct str){ s.p, i };
	return s;
}

void
outcome_mail_write(const char *public_url, const struct org *org, const struct outcome *o,
    struct buf *subject, struct buf *body)
{
	buf_add_c(subject, "What we did: ");
	buf_add_str(subject, cut(o->title, OUTCOME_MAIL_TITLE_CHARS));
	buf_printf(body, "Hello,\n\nYou asked %s to tell you what happened after you gave your "
	    "views. We have published what we heard and what we did:\n\n", org->name);
	buf_add_str(body, o->title);
	buf_add_c(body, "\n\nWhat was decided:\n");
	buf_add_str(body, cut(o->decision, OUTCOME_MAIL_DECISION_CHARS));
	if (text_chars(o->decision) > OUTCOME_MAIL_DECISION_CHARS)
		buf_add_c(body, " [...]");
	buf_printf(body, "\n\nRead it all: %s/o/%s/you-said-we-did/%lld\n\n", public_url,
	    org->slug, (long long)o->id);
	buf_printf(body, "Thank you for taking part. We have now deleted your email address: we "
	    "kept it only to send you this.\n\n%s\n", org->name);
}
