/*
 * audit.h - the hash chain that makes the staff audit log tamper-evident.
 *
 * Every change made by staff (or by the CLI) is one audit entry.  Entries
 * are numbered 1, 2, 3... (seq) in one chain for the whole installation,
 * and each carries the hash of the entry before it (prev; 32 zero bytes for
 * entry 1) and its own hash, a keyed BLAKE2b-256 (the audit key, keys.h)
 * over all its fields and prev.  Editing, deleting, inserting or reordering
 * entries then shows when the chain is checked, and without the key nobody
 * can compute the hashes that would hide it.
 *
 * What the chain cannot show on its own: entries cut off the end.  Whoever
 * keeps the log should also record the latest seq and hash somewhere else
 * (the service log, a backup) and compare.
 *
 * The hash covers this encoding, so it must never change for existing
 * entries (a new encoding would need a new domain string):
 *   str("involve.audit.v1") u64(seq) u64(at) u64(org_id) u64(user_id)
 *   str(actor) str(action) str(target) str(detail) bytes32(prev)
 * where u64(x) is x as 8 bytes big-endian (two's complement), str(s) is
 * u64(length in bytes) followed by the bytes (no NUL), and bytes32 is the 32
 * bytes as they are.
 *
 * Writing entries (the store does this): read the last entry's seq and
 * hash, fill a struct audit_entry with seq = last + 1, seal it with the
 * last hash as prev, insert it; all in one transaction with the change it
 * records, so no two writers can seal on the same prev.
 */
#ifndef INVOLVE_AUDIT_H
#define INVOLVE_AUDIT_H

#include <stdint.h>

#include "involve/error.h"

#define AUDIT_HASH_BYTES 32
/* Text fields are NUL-terminated in these arrays.  An email address is at
 * most 254 bytes. */
#define AUDIT_ACTOR_MAX 256
#define AUDIT_ACTION_MAX 64
#define AUDIT_TARGET_MAX 128
#define AUDIT_DETAIL_MAX 4096

struct audit_entry {
	int64_t seq;                   /* 1, 2, 3... */
	int64_t at;                    /* unix seconds */
	int64_t org_id;                /* 0 = the installation */
	int64_t user_id;               /* 0 = the system or the CLI */
	char actor[AUDIT_ACTOR_MAX];   /* who, readable: an email, "cli" */
	char action[AUDIT_ACTION_MAX]; /* "poll.create" */
	char target[AUDIT_TARGET_MAX]; /* "poll:12" */
	char detail[AUDIT_DETAIL_MAX]; /* JSON text */
	unsigned char prev[AUDIT_HASH_BYTES];
	unsigned char hash[AUDIT_HASH_BYTES];
};

/* Copies prev into e and sets e->hash from e's fields (see the encoding
 * above).  A text field that fills its array without a NUL is hashed up to
 * the array's end. */
/* A detail of one text member, {"key":"value"} (a poll's question, a page's
 * title).  Appends to b. */
struct buf;
void audit_detail_text(struct buf *b, const char *key, const char *value);

void audit_entry_seal(const unsigned char key[AUDIT_HASH_BYTES], struct audit_entry *e,
    const unsigned char prev[AUDIT_HASH_BYTES]);

/* Checks a chain entry by entry.  Lives on the caller's stack; holds a copy
 * of the key, which audit_verifier_wipe clears. */
struct audit_verifier {
	unsigned char key[AUDIT_HASH_BYTES];
	unsigned char last_hash[AUDIT_HASH_BYTES];
	int64_t last_seq;
	int64_t count;
	int failed;
};

void audit_verifier_init(struct audit_verifier *v, const unsigned char key[AUDIT_HASH_BYTES]);
/*
 * Feeds the next entry, in seq order, from entry 1.  0 when it is sound;
 * ERR_INVALID with one error (field "audit") at the first problem:
 *   "Entry 7 has been changed"  (its hash does not match its content, or the
 *                                key is not the one that sealed it)
 *   "Entry 7 does not follow entry 5: an entry is missing"  (a gap in seq,
 *                                or prev is not the previous entry's hash)
 *   "Entry 4 comes after entry 5: entries are out of order or repeated"
 *   "The first entry is 3: earlier entries are missing"
 * After a failure every later feed fails too, without a new message.
 */
int audit_verifier_feed(struct audit_verifier *v, const struct audit_entry *e, struct errors *err);
/* How many entries have been fed and found sound. */
int64_t audit_verifier_count(const struct audit_verifier *v);
void audit_verifier_wipe(struct audit_verifier *v);

#endif
