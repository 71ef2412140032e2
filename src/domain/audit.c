/*
 * audit.c - sealing and checking the audit log's hash chain (see audit.h,
 * which also defines the byte encoding the hash covers).
 *
 * Every field is length-prefixed and every integer has a fixed width, so
 * no two different entries encode to the same bytes (moving text from
 * "action" to "target", say, changes the hash).
 */
#include <string.h>

#include <sodium.h>

#include "involve/audit.h"
#include "involve/i18n.h"
#include "involve/str.h"

#define AUDIT_DOMAIN "involve.audit.v1"

static void
add_u64(crypto_generichash_state *st, int64_t x)
{
	unsigned char b[8];
	uint64_t v = (uint64_t)x;
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xFF);
		v >>= 8;
	}
	crypto_generichash_update(st, b, sizeof(b));
}

static void
add_bytes(crypto_generichash_state *st, const void *p, size_t n)
{
	add_u64(st, (int64_t)n);
	crypto_generichash_update(st, p, n);
}

/* A text field of an entry: up to its NUL, or the whole array. */
static void
add_text(crypto_generichash_state *st, const char *s, size_t size)
{
	add_bytes(st, s, strnlen(s, size));
}

static void
entry_hash(const unsigned char key[AUDIT_HASH_BYTES], const struct audit_entry *e,
    unsigned char out[AUDIT_HASH_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, AUDIT_HASH_BYTES, AUDIT_HASH_BYTES);
	add_bytes(&st, AUDIT_DOMAIN, sizeof(AUDIT_DOMAIN) - 1);
	add_u64(&st, e->seq);
	add_u64(&st, e->at);
	add_u64(&st, e->org_id);
	add_u64(&st, e->user_id);
	add_text(&st, e->actor, sizeof(e->actor));
	add_text(&st, e->action, sizeof(e->action));
	add_text(&st, e->target, sizeof(e->target));
	add_text(&st, e->detail, sizeof(e->detail));
	crypto_generichash_update(&st, e->prev, AUDIT_HASH_BYTES);
	crypto_generichash_final(&st, out, AUDIT_HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

void
audit_entry_seal(const unsigned char key[AUDIT_HASH_BYTES], struct audit_entry *e,
    const unsigned char prev[AUDIT_HASH_BYTES])
{
	memmove(e->prev, prev, AUDIT_HASH_BYTES);
	entry_hash(key, e, e->hash);
}

void
audit_verifier_init(struct audit_verifier *v, const unsigned char key[AUDIT_HASH_BYTES])
{
	memset(v, 0, sizeof(*v));
	memcpy(v->key, key, AUDIT_HASH_BYTES);
}

int
audit_verifier_feed(struct audit_verifier *v, const struct audit_entry *e, struct errors *err)
{
	static const unsigned char zero[AUDIT_HASH_BYTES];
	unsigned char want[AUDIT_HASH_BYTES];

	if (v->failed)
		return ERR_INVALID;
	v->failed = 1;
	entry_hash(v->key, e, want);
	/* The entry's own hash first: if its content was edited, its seq and
	 * prev cannot be trusted to say anything about what is missing. */
	if (sodium_memcmp(want, e->hash, AUDIT_HASH_BYTES) != 0) {
		errors_add(err, "audit", N_("Entry %lld has been changed"), (long long)e->seq);
		return ERR_INVALID;
	}
	if (v->count == 0) {
		if (e->seq != 1) {
			errors_add(err, "audit",
			    N_("The first entry is %lld: earlier entries are missing"),
			    (long long)e->seq);
			return ERR_INVALID;
		}
		/* Entry 1 sealed onto another chain's hash was moved here. */
		if (memcmp(e->prev, zero, AUDIT_HASH_BYTES) != 0) {
			errors_add(err, "audit",
			    N_("Entry 1 does not start the log: earlier entries are missing"));
			return ERR_INVALID;
		}
	} else if (e->seq <= v->last_seq) {
		errors_add(err, "audit",
		    N_("Entry %lld comes after entry %lld: entries are out of order or repeated"),
		    (long long)e->seq, (long long)v->last_seq);
		return ERR_INVALID;
	} else if (e->seq != v->last_seq + 1 ||
	    memcmp(e->prev, v->last_hash, AUDIT_HASH_BYTES) != 0) {
		errors_add(err, "audit",
		    N_("Entry %lld does not follow entry %lld: an entry is missing"),
		    (long long)e->seq, (long long)v->last_seq);
		return ERR_INVALID;
	}
	memcpy(v->last_hash, e->hash, AUDIT_HASH_BYTES);
	v->last_seq = e->seq;
	v->count++;
	v->failed = 0;
	return 0;
}

int64_t
audit_verifier_count(const struct audit_verifier *v)
{
	return v->count;
}

void
audit_verifier_wipe(struct audit_verifier *v)
{
	sodium_memzero(v, sizeof(*v));
}

void
audit_detail_text(struct buf *b, const char *key, const char *value)
{
	buf_printf(b, "{\"%s\":", key);
	buf_add_json_string(b, str_c(value));
	buf_addch(b, '}');
}
