/*
 * org.c - organisation and staff rules (see org.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/i18n.h"
#include "involve/org.h"
#include "involve/suppress.h"
#include "involve/text.h"

static const struct {
	const char *name;  /* its code: stored, sent by forms, in the audit log */
	const char *label; /* in English, for the catalogue: a page shows it translated */
} roles[ROLE_COUNT] = {
	[ROLE_ADMIN] = { "administrator", N_("Administrator") },
	[ROLE_OFFICER] = { "engagement_officer", N_("Engagement officer") },
	[ROLE_ANALYST] = { "analyst", N_("Analyst") },
	[ROLE_FACILITATOR] = { "facilitator", N_("Group facilitator") },
	[ROLE_VIEWER] = { "viewer", N_("Viewer") },
};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].name : "unknown";
}

const char *
role_label(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].label : N_("Unknown");
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

static const struct {
	const char *name;
	const char *label; /* as roles' */
} mfa_policies[] = {
	[MFA_NONE] = { "none", N_("Nobody") },
	[MFA_ADMINS] = { "administrators", N_("Administrators") },
	[MFA_ALL] = { "all", N_("Everyone") },
};

const char *
mfa_policy_name(enum mfa_policy p)
{
	return (unsigned)p <= MFA_ALL ? mfa_policies[p].name : "administrators";
}

const char *
mfa_policy_label(enum mfa_policy p)
{
	return (unsigned)p <= MFA_ALL ? mfa_policies[p].label : N_("Administrators");
}

int
mfa_policy_parse(struct str s, enum mfa_policy *out)
{
	int i;

	for (i = MFA_NONE; i <= MFA_ALL; i++) {
		if (str_eq_c(s, mfa_policies[i].name)) {
			*out = (enum mfa_policy)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

bool
mfa_required(enum mfa_policy p, enum role r)
{
	return p == MFA_ALL || (p == MFA_ADMINS && r == ROLE_ADMIN);
}

/* One origin: scheme, host (letters, digits, '-', '.'), an optional port,
 * nothing after.  http only for the machine itself, for trying it out. */
static bool
origin_ok(struct str o)
{
	size_t i, host;
	bool port = false;

	if (str_starts_with(o, "https://"))
		host = 8;
	else if (str_starts_with(o, "http://localhost") || str_starts_with(o, "http://127.0.0.1"))
		host = 7;
	else
		return false;
	if (o.n == host)
		return false;
	for (i = host; i < o.n; i++) {
		char c = o.p[i];

		if (c == ':' && !port && i > host && i + 1 < o.n)
			port = true;
		else if (port ? !(c >= '0' && c <= '9') :
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return o.p[o.n - 1] != '.';
}

int
org_frame_origins_check(struct str text, char out[ORG_FRAME_ORIGINS_SIZE], struct errors *e)
{
	struct buf b = BUF_INIT;
	struct str line;
	char lower[256];
	size_t i = 0, start, k;
	int n = 0, rc = 0;

	while (i < text.n && rc == 0) {
		start = i;
		while (i < text.n && text.p[i] != '\n')
			i++;
		line = str_trim((struct str){ text.p + start, i - start });
		i++;
		while (line.n > 0 && line.p[line.n - 1] == '/')
			line.n--; /* "https://example.org/" is the same origin */
		if (line.n == 0)
			continue;
		if (line.n >= sizeof(lower)) {
			errors_add(e, "frame_origins", N_("Each website's address must be shorter "
			    "than %zu characters"), sizeof(lower));
			rc = ERR_INVALID;
			break;
		}
		for (k = 0; k < line.n; k++)
			lower[k] = line.p[k] >= 'A' && line.p[k] <= 'Z' ? (char)(line.p[k] + 32) :
			    line.p[k];
		if (!origin_ok((struct str){ lower, line.n })) {
			errors_add(e, "frame_origins", N_("Enter each website as its address with "
			    "no path, one a line, like https://www.example.nhs.uk"));
			rc = ERR_INVALID;
			break;
		}
		if (++n > ORG_FRAME_ORIGINS_MAX) {
			errors_add(e, "frame_origins", N_("Enter at most %d websites"),
			    ORG_FRAME_ORIGINS_MAX);
			rc = ERR_INVALID;
			break;
		}
		if (b.n > 0)
			buf_addch(&b, '\n');
		buf_add(&b, lower, line.n);
	}
	if (rc == 0 && (!buf_ok(&b) || b.n >= ORG_FRAME_ORIGINS_SIZE)) {
		errors_add(e, "frame_origins", N_("The list of websites is too long"));
		rc = ERR_INVALID;
	}
	if (rc == 0)
		snprintf(out, ORG_FRAME_ORIGINS_SIZE, "%.*s", (int)b.n, b.p ? b.p : "");
	buf_free(&b);
	return rc;
}

int
org_check(struct str slug, struct str name, struct org *out, struct errors *e)
{
	struct str text;
	size_t i;
	int before = e->n + e->dropped;
	bool ok = slug.n >= 2 && slug.n <= ORG_SLUG_MAX_CHARS;

	memset(out, 0, sizeof(*out));
	out->require_mfa = MFA_ADMINS;
	out->suppress_below = SUPPRESS_BELOW_DEFAULT;
	for (i = 0; ok && i < slug.n; i++) {
		char c = slug.p[i];

		if (c == '-')
			ok = i > 0 && i + 1 < slug.n && slug.p[i - 1] != '-';
		else
			ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}
	if (!ok)
		errors_add(e, "slug", N_("The short name must be 2 to %d lower-case letters, "
		    "digits and single hyphens, like \"bury\" or \"blackburn-with-darwen\""),
		    ORG_SLUG_MAX_CHARS);
	else
		text_copy(out->slug, sizeof(out->slug), slug);
	if (text_check(name, "name", N_("the organisation's name"), ORG_NAME_MAX_CHARS,
	    TEXT_REQUIRED, &text, e) == 0)
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
		errors_add(e, "email", N_("Enter an email address"));
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
		errors_add(e, "email",
		    N_("Enter an email address in the correct format, like name@example.org"));
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
