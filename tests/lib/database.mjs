// database.mjs - a server on the database a test asks for, and SQL on whatever database a server
// uses, for tests that check what was stored (or was not) and change a row behind the server's
// back.
//
//   const server = await startOn('postgresql');   // or 'sqlite'; one server either way
//   const q = sqlOf(server);                       // works for startServer()'s servers too
//   q('SELECT count(*) FROM ballot');              // '3': the first column of each row, '|'
//                                                  // between columns, rows one a line
//
// On PostgreSQL the server gets a new database of its own (pg.mjs); its cli() uses the server's
// database either way, in cluster mode (INVOLVE_TEST_CLUSTER=1) too.
// Each query runs in the sqlite3 or psql client, which must be installed: a missing one fails
// the test.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { clusterDatabase } from './cluster.mjs';
import { psql } from './pg.mjs';
import { makeDataDir, startOneServer } from './server.mjs';

export const ENGINES = ['sqlite', 'postgresql'];

// One `involve serve` on `engine`, with startOneServer's options; the object startOneServer
// gives, with databaseUrl set on PostgreSQL.
export async function startOn(engine, options = {}) {
	if (engine === 'sqlite') {
		const server = await startOneServer(options);
		// Its commands name its file: in cluster mode runCli would give them PostgreSQL.
		const { cli } = server;
		server.cli = (args, cliOptions) => cli([...args, '--database', `sqlite:${sqliteFile(server)}`],
			cliOptions);
		return server;
	}
	if (engine !== 'postgresql') throw new Error(`no such database engine: ${engine}`);
	const dataDir = options.dataDir || makeDataDir();
	// Registered with cluster.mjs, so that runCli gives every command this database too.
	const databaseUrl = clusterDatabase(dataDir);
	const server = await startOneServer({
		...options, dataDir, args: ['--database', databaseUrl, ...(options.args || [])],
	});
	server.databaseUrl = databaseUrl;
	return server;
}

// The SQLite file of a server on SQLite (null on PostgreSQL).
export function sqliteFile(server) {
	return server.databaseUrl ? null : path.join(server.dataDir, 'involve.db');
}

// A function running one SQL statement on the server's database; it returns the output as
// text, trimmed.  While the server writes, SQLite waits up to 10 s for its lock.
export function sqlOf(server) {
	if (server.databaseUrl) return (sql) => psql(server.databaseUrl, sql).trim();
	const file = sqliteFile(server);
	return (sql) => execFileSync('sqlite3', ['-batch', '-noheader', '-cmd', '.timeout 10000',
		file, sql], { encoding: 'utf8' }).trim();
}
