/*
 * org.c - organisation and staff rules (see org.h).
 */
#include <string.h>

#include "involve/org.h"
#include "involve/text.h"

static const struct {
	const char *name;
	const char *label;
} roles[ROLE_COUNT] = {
	[ROLE_ADMIN] = { "administrator", "Administrator" },
	[ROLE_OFFICER] = { "engagement_officer", "Engagement officer" },
	[ROLE_ANALYST] = { "analyst", "Analyst" },
	[ROLE_FACILITATOR] = { "facilitator", "Group facilitator" },
	[ROLE_VIEWER] = { "viewer", "Viewer" },
};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].name : "unknown";
}

const char *
role_label(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].label : "Unknown";
}

int
role_parse(struct str s, enum role *out)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (str_eq_c(s, roles[i].name)) {
			*out = (enum role)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

bool
role_allows(enum role r, enum permission p)
{
	switch (p) {
	case PERM_POLL_MANAGE:
		return r == ROLE_ADMIN || r == ROLE_OFFICER;
	case PERM_RESULTS_VIEW:
		return true;
	case PERM_SITE_EDIT:
	case PERM_USER_MANAGE:
		return r == ROLE_ADMIN;
	}
	return false;
}

int
org_check(struct str slug, struct str name, struct org *out, struct errors *e)
{
	struct str text;
	size_t i;
	int before = e->n + e->dropped;
	bool ok = slug.n >= 2 && slug.n <= ORG_SLUG_MAX_CHARS;

	memset(out, 0, sizeof(*out));
	for (i = 0; ok && i < slug.n; i++) {
		char c = slug.p[i];

		if (c == '-')
			ok = i > 0 && i + 1 < slug.n && slug.p[i - 1] != '-';
		else
			ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}
	if (!ok)
		errors_add(e, "slug", "The short name must be 2 to %d lower-case letters, digits "
		    "and single hyphens, like \"bury\" or \"blackburn-with-darwen\"", ORG_SLUG_MAX_CHARS);
	else
		text_copy(out->slug, sizeof(out->slug), slug);
	if (text_check(name, "name", "the organisation's name", ORG_NAME_MAX_CHARS, TEXT_REQUIRED,
	    &text, e) == 0)
		text_copy(out->name, sizeof(out->name), text);
	return e->n + e->dropped > before ? ERR_INVALID : 0;
}

int
user_email_check(struct str email, char out[USER_EMAIL_SIZE], struct errors *e)
{
	size_t i, at = 0, ats = 0;
	bool dot = false;

	email = str_trim(email);
	if (email.n == 0) {
		errors_add(e, "email", "Enter an email address");
		return ERR_INVALID;
	}
	for (i = 0; i < email.n; i++) {
		unsigned char c = (unsigned char)email.p[i];

		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',')
			break;
		if (c == '@') {
			ats++;
			at = i;
		} else if (c == '.' && ats == 1 && i > at + 1 && i + 1 < email.n) {
			dot = true;
		}
	}
	if (i < email.n || ats != 1 || at == 0 || !dot || email.n > USER_EMAIL_MAX ||
	    !text_is_utf8(email)) {
		errors_add(e, "email", "Enter an email address in the correct format, like name@example.org");
		return ERR_INVALID;
	}
	for (i = 0; i < email.n; i++) {
		char c = email.p[i];

		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[email.n] = '\0';
	return 0;
}

void
org_audit_detail(struct buf *b, const struct org *o)
{
	buf_add_c(b, "{\"slug\":");
	buf_add_json_string(b, str_c(o->slug));
	buf_add_c(b, ",\"name\":");
	buf_add_json_string(b, str_c(o->name));
	buf_addch(b, '}');
}

void
user_audit_detail(struct buf *b, const struct user *u)
{
	buf_add_c(b, "{\"email\":");
	buf_add_json_string(b, str_c(u->email));
	buf_printf(b, ",\"role\":\"%s\",\"org\":%lld}", role_name(u->role), (long long)u->org_id);
}
