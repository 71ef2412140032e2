// Crash test: under concurrent voting, kill -9 the server, start it again on
// the same data, and check that every vote that got a 201 is counted, that no
// more are counted than were sent, that none is counted twice, and that the
// database is intact.  Repeated for several cycles.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { startServer } from '../lib/server.mjs';

const CYCLES = Number(process.env.CRASH_CYCLES || 5);
const VOTERS = 32;          // concurrent clients
const LOAD_MS = 400;        // voting time before the kill

function sqlite(dbPath, sql) {
	return execFileSync('sqlite3', [dbPath, sql], { encoding: 'utf8' }).trim();
}

test(`acknowledged votes survive kill -9 (${CYCLES} cycles)`, async () => {
	let server = await startServer();
	const dataDir = server.dataDir;
	const dbPath = path.join(dataDir, 'involve.db');
	let r = await server.cli(['org', 'create', '--slug', 'bury', '--name', 'NHS Bury']);
	assert.equal(r.code, 0, r.stderr);
	r = await server.cli(['user', 'add', '--org', 'bury', '--email', 'o@example.org'], { input: 'a long enough password\n' });
	assert.equal(r.code, 0, r.stderr);
	r = await server.cli(['token', 'create', '--org', 'bury', '--user', 'o@example.org']);
	const token = r.stdout.trim().split(/\s+/).pop();
	let res = await fetch(`${server.url}/api/v1/polls`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ question: 'Crash test?', options: ['Yes', 'No'] }),
	});
	assert.equal(res.status, 201);
	const poll = await res.json();

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

		assert.equal(sqlite(dbPath, 'PRAGMA integrity_check'), 'ok');
		server = await startServer({ dataDir });
		res = await fetch(`${server.url}/api/v1/polls/${poll.id}/results`);
		const results = await res.json();
		assert.ok(results.total >= acked, `cycle ${cycle}: ${results.total} counted < ${acked} acknowledged`);
		assert.ok(results.total <= sent, `cycle ${cycle}: ${results.total} counted > ${sent} sent`);
		const sum = results.options.reduce((s, o) => s + o.count, 0);
		assert.equal(sum, results.total, 'single choice: one choice per ballot');
		// Each ballot once: rows, counters and choices agree, and no voter twice.
		assert.equal(sqlite(dbPath, `SELECT count(*) FROM ballot WHERE poll_id = ${poll.id}`), String(results.total));
		assert.equal(sqlite(dbPath, `SELECT sum(votes) FROM poll_option WHERE poll_id = ${poll.id}`), String(results.total));
		assert.equal(sqlite(dbPath, `SELECT ballots FROM poll WHERE id = ${poll.id}`), String(results.total));
		assert.equal(sqlite(dbPath, `SELECT count(DISTINCT voter_hash) FROM ballot WHERE poll_id = ${poll.id}`), String(results.total));
		assert.ok(acked > 0, 'some votes were acknowledged');
	}
	await server.stop();
});
