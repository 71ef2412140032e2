// Crash test: under concurrent voting, kill -9 the server, start it again on
// the same data, and check that every vote that got a 201 is counted, that no
// more are counted than were sent, that none is counted twice, and that the
// database is intact (SQLite's integrity_check; PostgreSQL's pg_amcheck).
// Repeated for CRASH_CYCLES cycles (20 by default) on each database.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { createPoll, orgWithStaff, pollResults } from '../lib/fixtures.mjs';
import { pgDatabase, psql } from '../lib/pg.mjs';
import { startServer } from '../lib/server.mjs';

const CYCLES = Number(process.env.CRASH_CYCLES || 20);
const VOTERS = 32;          // concurrent clients
const LOAD_MS = 400;        // voting time before the kill
const PG_BIN = '/usr/lib/postgresql/15/bin';

function sqlite(dbPath, sql) {
	return execFileSync('sqlite3', [dbPath, sql], { encoding: 'utf8' }).trim();
}

// The two databases, behind one small interface.
function sqliteDb() {
	let dbPath;
	return {
		args: [],
		attach(dataDir) { dbPath = path.join(dataDir, 'involve.db'); },
		query: (sql) => sqlite(dbPath, sql),
		checkIntact() { assert.equal(sqlite(dbPath, 'PRAGMA integrity_check'), 'ok'); },
	};
}

function postgresDb() {
	const url = pgDatabase();
	return {
		args: ['--database', url],
		attach() {},
		query: (sql) => psql(url, sql).trim(),
		checkIntact() {
			// Every table and index checked page by page; exit status 0 when nothing is wrong.
			execFileSync(path.join(PG_BIN, 'pg_amcheck'), ['--install-missing', '--heapallindexed',
				url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		},
	};
}

async function crashCycles(db) {
	let server = await startServer({ args: db.args });
	const dataDir = server.dataDir;
	db.attach(dataDir);
	const cli = (args, opts) => server.cli([...args, ...db.args], opts);
	const { token } = await orgWithStaff({ cli });
	const poll = await createPoll(server.url, token, { question: 'Crash test?', options: ['Yes', 'No'] });

	let acked = 0;
	let sent = 0;
	for (let cycle = 1; cycle <= CYCLES; cycle++) {
		let running = true;
		const url = `${server.url}/api/v1/polls/${poll.id}/votes`;
		const voter = async (n) => {
			while (running) {
				sent++;
				try {
					const v = await fetch(url, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify({ options: [poll.options[n % 2].id] }),
					});
					await v.arrayBuffer();
					if (v.status === 201) acked++;
					else if (v.status !== 503) assert.fail(`unexpected status ${v.status}`);
				} catch {
					// the connection died with the server: not acknowledged
				}
			}
		};
		const voters = Array.from({ length: VOTERS }, (_, i) => voter(i));
		await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
		await server.kill9();
		running = false;
		await Promise.all(voters);

		db.checkIntact();
		server = await startServer({ dataDir, args: db.args });
		const results = await pollResults(server.url, token, poll.id);
		assert.ok(results.total >= acked, `cycle ${cycle}: ${results.total} counted < ${acked} acknowledged`);
		assert.ok(results.total <= sent, `cycle ${cycle}: ${results.total} counted > ${sent} sent`);
		const sum = results.options.reduce((s, o) => s + o.count, 0);
		assert.equal(sum, results.total, 'single choice: one choice per ballot');
		// Each ballot once: rows, counters and choices agree, and no voter twice.
		assert.equal(db.query(`SELECT count(*) FROM ballot WHERE poll_id = ${poll.id}`), String(results.total));
		assert.equal(db.query(`SELECT sum(votes) FROM poll_option WHERE poll_id = ${poll.id}`), String(results.total));
		assert.equal(db.query(`SELECT ballots FROM poll WHERE id = ${poll.id}`), String(results.total));
		assert.equal(db.query(`SELECT count(DISTINCT voter_hash) FROM ballot WHERE poll_id = ${poll.id}`), String(results.total));
		assert.ok(acked > 0, 'some votes were acknowledged');
	}
	const r = await cli(['audit', 'verify']);
	assert.equal(r.code, 0, r.stdout + r.stderr);
	await server.stop();
	return { acked, sent };
}

test(`SQLite: acknowledged votes survive kill -9 (${CYCLES} cycles)`, async () => {
	await crashCycles(sqliteDb());
});

test(`PostgreSQL: acknowledged votes survive kill -9 of the app server (${CYCLES} cycles)`, async () => {
	await crashCycles(postgresDb());
});
