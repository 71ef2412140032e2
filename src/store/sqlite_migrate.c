/*
 * sqlite_migrate.c - applies the numbered migrations built into the binary
 * (data/migrations/sqlite/NNN_name.sql), each in its own transaction and
 * recorded in schema_migration, so running it again changes nothing.
 */
#include <stdlib.h>
#include <time.h>

#include "involve/embed.h"
#include "involve/log.h"
#include "sqlite_db.h"

extern const struct embedded_file sqlite_migrations[];

static int
migrate_job(struct sqlconn *c, void *arg)
{
	const struct embedded_file *f;
	sqlite3_stmt *st;
	int rc, version, *applied = arg;

	rc = sqlconn_exec(c, "CREATE TABLE IF NOT EXISTS schema_migration ("
	    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
	if (rc != 0)
		return ERR_IO;
	for (f = sqlite_migrations; f->name; f++) {
		version = atoi(f->name); /* names start with their number: "001_init.sql" */
		st = sqlconn_stmt(c, "SELECT 1 FROM schema_migration WHERE version = ?");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int(st, 1, version);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			continue;
		if (rc != SQLITE_DONE)
			return sqlconn_error(rc);
		if (sqlconn_exec(c, f->data) != 0) {
			log_error("migrate", "migration %s failed", f->name);
			return ERR_IO;
		}
		st = sqlconn_stmt(c, "INSERT INTO schema_migration (version, name, applied_at) "
		    "VALUES (?, ?, ?)");
		if (st == NULL)
			return ERR_IO;
		sqlite3_bind_int(st, 1, version);
		sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sqlconn_error(rc);
		log_info("migrate", "applied %s", f->name);
		(*applied)++;
	}
	return 0;
}

int
sqlite_migrate(struct sqlwriter *w)
{
	int applied = 0;

	return sqlwriter_run(w, migrate_job, &applied);
}
