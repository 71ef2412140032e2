/*
 * org.h - organisations, their staff and what each role may do.
 *
 * An installation holds several organisations, each with its own public
 * site at /o/{slug}/.  Staff belong to one organisation with one role.
 */
#ifndef INVOLVE_ORG_H
#define INVOLVE_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/error.h"
#include "involve/str.h"

#define ORG_SLUG_MAX_CHARS 40
#define ORG_NAME_MAX_CHARS 120
#define ORG_SLUG_SIZE (ORG_SLUG_MAX_CHARS + 1)
#define ORG_NAME_SIZE (ORG_NAME_MAX_CHARS * 4 + 1)
#define USER_EMAIL_MAX 254
#define USER_EMAIL_SIZE (USER_EMAIL_MAX + 1)
#define USER_PWHASH_SIZE 128

/* Whom an organisation requires a second factor of; others may set one up. */
enum mfa_policy {
	MFA_NONE,
	MFA_ADMINS, /* the default */
	MFA_ALL,
};

/* The sites that may frame an organisation's polls: origins such as
 * "https://www.example.nhs.uk", one a line, at most ORG_FRAME_ORIGINS_MAX. */
#define ORG_FRAME_ORIGINS_MAX 10
#define ORG_FRAME_ORIGINS_SIZE 1024

struct org {
	int64_t id;
	char slug[ORG_SLUG_SIZE];
	char name[ORG_NAME_SIZE];
	int64_t created_at;
	enum mfa_policy require_mfa;
	char frame_origins[ORG_FRAME_ORIGINS_SIZE];
	int suppress_below;   /* published counts under this are hidden (suppress.h) */
};

enum role {
	ROLE_ADMIN,
	ROLE_OFFICER,     /* engagement officer */
	ROLE_ANALYST,
	ROLE_FACILITATOR,
	ROLE_VIEWER,
};
#define ROLE_COUNT 5

/* What a role may do; checked by handlers before any change. */
enum permission {
	PERM_POLL_MANAGE,  /* create, edit, open, close, delete polls */
	PERM_RESULTS_VIEW, /* see results before they are public; export */
	PERM_SITE_EDIT,    /* edit the site's statement pages */
	PERM_USER_MANAGE,
};

/* A second factor's secret as stored: sealed with the mfa key (keys.h). */
#define USER_MFA_SEALED_MAX 64

struct user {
	int64_t id;
	int64_t org_id;
	char email[USER_EMAIL_SIZE];
	enum role role;
	char password_hash[USER_PWHASH_SIZE];
	int64_t created_at;
	int64_t disabled_at;  /* 0 = may sign in */
	int64_t mfa_on;       /* when the second factor was confirmed; 0 = none */
	int64_t mfa_step;     /* the last time step accepted (a code works once) */
	unsigned char mfa_secret[USER_MFA_SEALED_MAX]; /* sealed; set up or pending */
	size_t mfa_secret_n;
};

const char *role_name(enum role r);       /* "administrator", "engagement_officer", ... */
const char *role_label(enum role r);      /* "Administrator", "Engagement officer", ... */
int role_parse(struct str s, enum role *out);
bool role_allows(enum role r, enum permission p);

const char *mfa_policy_name(enum mfa_policy p); /* "none", "administrators", "all" */
const char *mfa_policy_label(enum mfa_policy p);
int mfa_policy_parse(struct str s, enum mfa_policy *out);
/* Whether the organisation's policy requires a second factor of role r. */
bool mfa_required(enum mfa_policy p, enum role r);

/*
 * Checks the list of sites allowed to frame polls (one origin a line,
 * blank lines ignored): each "https://host[:port]" (or http:// for
 * localhost), no path, at most ORG_FRAME_ORIGINS_MAX.  Writes them to out
 * one a line, lower-cased; error on "frame_origins".
 */
int org_frame_origins_check(struct str text, char out[ORG_FRAME_ORIGINS_SIZE], struct errors *e);

/* Checks a slug (lower-case letters, digits and single hyphens, 2 to 40
 * characters) and a name; errors on "slug" and "name". */
int org_check(struct str slug, struct str name, struct org *out, struct errors *e);
/* Checks an email address (one @, a dot in the domain, no spaces, at most
 * 254 bytes) and lower-cases it into out; error on "email". */
int user_email_check(struct str email, char out[USER_EMAIL_SIZE], struct errors *e);

/* The JSON objects the audit log records for a new organisation and a new
 * staff user (whichever database keeps them). */
void org_audit_detail(struct buf *b, const struct org *o);
void user_audit_detail(struct buf *b, const struct user *u);

#endif
