/*
 * keys.h - the installation's secret keys, kept in files beside the data.
 *
 * Keys live in <data dir>/keys/, one 32-byte file each, readable by the
 * service's user only (the directory 0700, the files 0600), and never in the
 * database: a copy of the database (a backup, a replica, an export) is then
 * useless for forging cookies, signing in with stolen token hashes or
 * rewriting the audit log.  Back the keys directory up separately.
 *
 *   cookie.key  signs the public vote cookie (secret_cookie_new/verify)
 *   voter.key   keys the hash that refuses a second vote (secret_voter_hash)
 *   token.key   keys the hashes of session and API tokens (secret_token_hash)
 *   audit.key   keys the audit log's hash chain (audit_entry_seal)
 *   net.key     keys the hashes that count attempts per client address and
 *               network (secret_net_hash): no address is ever stored
 *   mfa.key     seals staff's second-factor secrets (secret_seal), so a copy
 *               of the database cannot make their codes
 *   mail.key    seals the addresses of mail waiting in the outbox
 *               (secret_seal), so a copy of the database holds none, and
 *               names each message's Message-ID
 *
 * Losing or replacing a key is not harmless: a new cookie or voter key lets
 * everyone vote again in open polls, a new token key signs everyone out and
 * voids every API token, a new audit key makes the existing log fail
 * verification, a new net key restarts the counts of attempts (harmless), a
 * new mfa key voids every second factor set up (staff then need a reset), a
 * new mail key makes the mail waiting in the outbox undeliverable (it
 * fails).  So a key of the wrong size or that other users can read is
 * refused with a message naming the file, never silently replaced.  Every
 * app server behind one PostgreSQL database needs the same keys.
 */
#ifndef INVOLVE_KEYS_H
#define INVOLVE_KEYS_H

#include "involve/error.h"

#define KEYS_BYTES 32
#define KEYS_DIR "keys"

struct keys {
	unsigned char cookie[KEYS_BYTES];
	unsigned char voter[KEYS_BYTES];
	unsigned char token[KEYS_BYTES];
	unsigned char audit[KEYS_BYTES];
	unsigned char net[KEYS_BYTES];
	unsigned char mfa[KEYS_BYTES];
	unsigned char mail[KEYS_BYTES];
};

/*
 * Reads the keys from <data_dir>/keys into out.  On first start it
 * creates the directory (0700) and any missing key from random bytes; a new
 * key reaches its name only when it is complete and on disk (written to a
 * temporary file, fsynced, then linked into place), so a crash never leaves
 * a short key, and two processes starting at once end up with the same key.
 * Calls secret_init.  data_dir must exist.
 *
 * 0 on success.  ERR_INVALID when a key file has the wrong size, is not a
 * regular file, or has any group or other permission bit; ERR_IO when a
 * file or directory cannot be read, created or synced.  Either way one
 * error names the file (field "keys/<name>") and out is wiped.  The caller
 * owns out and should keys_wipe it at exit.
 */
int keys_load(const char *data_dir, struct keys *out, struct errors *e);

/* Overwrites k with zeros in a way the compiler cannot skip. */
void keys_wipe(struct keys *k);

#endif
