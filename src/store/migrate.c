/*
 * migrate.c - applies the numbered migrations built into the binary
 * (data/migrations/NNN_name.sql, in each engine's words: scripts/schema.py),
 * those not yet recorded in schema_migration, in one transaction, so
 * running it again changes nothing and a failed migration leaves nothing
 * half done.  Servers starting together on one PostgreSQL database migrate
 * one after the other (STORE_MIGRATE_LOCK), so only the first applies
 * anything.
 */
#include <stdlib.h>

#include "involve/embed.h"
#include "involve/log.h"
#include "store_priv.h"

extern const struct embedded_file db_migrations_sqlite[];
extern const struct embedded_file db_migrations_pg[];

/* The version a migration's name starts with: "001_init.sql" is 1. */
static int
version_of(const char *name)
{
	int v = 0;

	while (*name >= '0' && *name <= '9')
		v = v * 10 + (*name++ - '0');
	return v;
}

static int
migrate_fn(struct db_conn *c, void *arg)
{
	const struct embedded_file *f = arg;
	struct db_stmt *st;
	int rc, version;

	if ((rc = db_lock(c, STORE_MIGRATE_LOCK)) != 0)
		return rc;
	rc = db_script(c, "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, "
	    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
	if (rc != 0)
		return rc;
	for (; f->name; f++) {
		version = version_of(f->name);
		st = db_prepare(c, "SELECT 1 FROM schema_migration WHERE version = ?");
		db_bind_int(st, 1, version);
		rc = db_row(st);
		if (rc == 0)
			continue;
		if (rc != ERR_NOTFOUND)
			return rc;
		if (db_script(c, f->data) != 0) {
			log_error("migrate", "migration %s failed", f->name);
			return ERR_IO;
		}
		st = db_prepare(c, "INSERT INTO schema_migration (version, name, applied_at) "
		    "VALUES (?, ?, ?)");
		db_bind_int(st, 1, version);
		db_bind_text(st, 2, str_c(f->name));
		db_bind_int(st, 3, store_now());
		if ((rc = db_exec(st)) != 0)
			return rc;
		log_info("migrate", "applied %s", f->name);
	}
	return 0;
}

int
store_migrations_apply(struct store *s)
{
	return db_write(s->db, migrate_fn, (void *)(db_engine(s->db) == DB_SQLITE ?
	    db_migrations_sqlite : db_migrations_pg));
}
