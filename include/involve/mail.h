/*
 * mail.h - a message to a member of the public: what a valid one is, its
 * text as it goes over SMTP (RFC 5322 with MIME), and when one that could
 * not be handed over is tried again.
 *
 * Nothing here sends anything: the outbox (store_outbox.h) keeps messages
 * and the worker (mail_worker.h) hands them to an SMTP server.
 *
 * Header injection is impossible by construction: an address is a
 * dot-atom local part, "@", and a domain of letters, digits, hyphens and
 * dots, so it holds no space, quote, angle bracket, comma, CR or LF; a
 * subject or a sender's name with a control character (CR and LF among
 * them) is refused; and mail_message_write checks every part again, so a
 * row changed in the database behind the checks cannot add a header
 * either.  Text that is not plain ASCII goes out as RFC 2047 encoded words
 * (headers) or quoted-printable UTF-8 (the body).
 */
#ifndef INVOLVE_MAIL_H
#define INVOLVE_MAIL_H

#include <stdint.h>

#include "involve/error.h"
#include "involve/str.h"

/* RFC 5321's limits: a path of 256 octets less its angle brackets, a
 * local part of 64. */
#define MAIL_ADDRESS_MAX 254
#define MAIL_LOCAL_MAX 64
#define MAIL_SUBJECT_MAX_CHARS 150
#define MAIL_BODY_MAX_CHARS 20000
/* A sender's display name (an organisation's name). */
#define MAIL_NAME_MAX_CHARS 120
/* A kind of message ("resume-link", "outcome", "cli"): lower-case letters
 * and hyphens. */
#define MAIL_KIND_MAX 40

/* How often a message is tried before it fails for good, and the first
 * pause after an attempt that may be tried again (doubling each time). */
#define MAIL_ATTEMPTS_MAX 6
#define MAIL_RETRY_FIRST 60

/*
 * Checks an address for sending to (or from): ASCII only, a dot-atom local
 * part of at most MAIL_LOCAL_MAX bytes, "@", a domain of at least two
 * labels (letters, digits and inner hyphens, each 1 to 63 bytes), at most
 * MAIL_ADDRESS_MAX bytes in all.  The address is taken as given (not
 * trimmed, not lower-cased: a local part's case may matter).  One error on
 * `field` when it is not.  Quoted local parts and addresses in other
 * scripts (SMTPUTF8) are refused: no message the product sends needs them.
 */
int mail_address_check(struct str addr, const char *field, struct errors *e);
/* A subject: one line of UTF-8 text without control characters, 1 to
 * MAIL_SUBJECT_MAX_CHARS characters (trimmed into *out); error on
 * "subject". */
int mail_subject_check(struct str subject, struct str *out, struct errors *e);
/* A body: UTF-8 text, lines and tabs allowed, no other control
 * characters, 1 to MAIL_BODY_MAX_CHARS characters (trimmed into *out);
 * error on "body". */
int mail_body_check(struct str body, struct str *out, struct errors *e);
/* A kind: 1 to MAIL_KIND_MAX lower-case letters and hyphens; error on
 * "kind". */
int mail_kind_check(struct str kind, struct errors *e);

struct mail_message {
	struct str from;       /* an address (mail_address_check) */
	struct str from_name;  /* shown as the sender; may be empty */
	struct str to;         /* an address */
	struct str subject;
	struct str body;       /* lines end with LF or CRLF */
	struct str message_id; /* "local@domain", without the angle brackets */
	int64_t date;          /* unix seconds */
};

/*
 * Writes the message as it goes over SMTP into out: From, To, Subject,
 * Date (UTC), Message-ID, MIME-Version, Content-Type (text/plain;
 * charset=UTF-8), Content-Transfer-Encoding (quoted-printable) and
 * Auto-Submitted headers, a blank line and the body, every line ending in
 * CRLF and none longer than 78 characters.  A subject or name in plain
 * ASCII goes as it is (a name quoted); otherwise as RFC 2047 encoded words
 * (base64), each holding whole characters.
 *
 * Every part is checked again first: ERR_INVALID, with the part named in
 * e, when an address, the subject, the name, the body or the message id
 * would not pass (a CR or LF anywhere in a header among them); ERR_NOMEM
 * when out could not grow.  out is appended to.
 */
int mail_message_write(const struct mail_message *m, struct buf *out, struct errors *e);

/*
 * When a message whose attempt number `attempts` (1 for the first) failed
 * at `now`, in a way that may be tried again, is tried next: now + first,
 * doubling with each attempt.  0 when that was the last attempt
 * (MAIL_ATTEMPTS_MAX): the message has failed.
 */
int64_t mail_retry_at(int attempts, int64_t now, int64_t first);

#endif
