// Failover: two nodes behind nginx on one PostgreSQL database, 32 browsers voting through
// nginx, and one node killed with SIGKILL in the middle.  The other node goes on serving
// through nginx (votes and pages), every vote that was answered 201 is in the database, no
// more are there than were sent, the counters agree with the ballot rows, the audit chain
// verifies, and a node started afterwards serves the same counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startCluster } from '../lib/cluster.mjs';
import { createPoll, orgWithStaff, pollResults } from '../lib/fixtures.mjs';
import { psql } from '../lib/pg.mjs';
import { sleep } from '../lib/server.mjs';

const VOTERS = 32;            // concurrent browsers
const LOAD_BEFORE_MS = 1000;  // voting before the kill
const LOAD_AFTER_MS = 1500;   // and after it
const REQUEST_TIMEOUT_MS = 15000;

function histogram(list) {
	const h = {};
	for (const s of list) h[s] = (h[s] || 0) + 1;
	return JSON.stringify(h);
}

test('kill -9 of one node under a voting load loses no acknowledged vote', async (t) => {
	const cluster = await startCluster({ nodes: 2 });
	const db = cluster.databaseUrl;
	try {
		const { token } = await orgWithStaff(cluster);
		const poll = await createPoll(cluster.url, token,
			{ question: 'Failover?', options: ['Yes', 'No', 'Maybe'] });

		// Each request is a new browser (no cookie), so each 201 is a new ballot.  What
		// matters is when a request started and ended relative to the kill.
		let killed = false;
		let running = true;
		let sent = 0;
		let acked = 0;
		const done = []; // ended before the kill
		const across = []; // started before it, ended after
		const after = []; // started after it
		const voter = async (n) => {
			while (running) {
				const startedAfter = killed;
				let status;
				sent++;
				try {
					const v = await fetch(`${cluster.url}/api/v1/polls/${poll.id}/votes`, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify({ options: [poll.options[n % 3].id] }),
						signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
					});
					await v.arrayBuffer();
					status = v.status;
				} catch (err) {
					status = `error ${err.cause?.code || err.name}`;
				}
				if (status === 201) acked++;
				(startedAfter ? after : killed ? across : done).push(status);
			}
		};
		const voters = Array.from({ length: VOTERS }, (_, i) => voter(i));
		await sleep(LOAD_BEFORE_MS);
		killed = true; // before the signal: a request that fails from now on may be its victim
		await cluster.nodes[0].kill9();
		await sleep(LOAD_AFTER_MS);
		// Pages load through nginx while the votes go on.
		for (let i = 0; i < 4; i++) {
			const p = await fetch(`${cluster.url}/o/bury/polls/${poll.id}`);
			assert.equal(p.status, 200, `poll page after the kill: ${p.status}`);
			assert.match(await p.text(), /Failover\?/);
		}
		running = false;
		await Promise.all(voters);

		t.diagnostic(`answers: before the kill ${histogram(done)}; across it ${histogram(across)}; ` +
			`after it ${histogram(after)}`);
		const summary = `before ${histogram(done)}; across the kill ${histogram(across)}; ` +
			`after ${histogram(after)}\n--- nginx error.log ---\n${cluster.errorLog().slice(-4000)}`;
		assert.ok(done.length > 0 && done.every((s) => s === 201),
			`every vote answered before the kill is 201: ${summary}`);
		// Only the requests that the killed node had taken may fail: nginx sends a vote
		// to the other node only when it never reached the first (no vote twice).
		assert.ok(across.every((s) => s === 201 || s === 502), `across the kill: ${summary}`);
		assert.ok(after.length >= VOTERS, `votes were sent after the kill: ${summary}`);
		assert.ok(after.every((s) => s === 201 || s === 502), `after the kill: ${summary}`);
		const afterAcked = after.filter((s) => s === 201).length;
		assert.ok(afterAcked >= after.length * 0.9, `most votes after the kill are 201: ${summary}`);

		// Every acknowledged ballot is stored, once, and the counters agree with the rows.
		const q = (sql) => psql(db, sql).trim();
		const ballots = Number(q(`SELECT count(*) FROM ballot WHERE poll_id = ${poll.id}`));
		assert.ok(ballots >= acked, `${ballots} ballots stored < ${acked} acknowledged (${summary})`);
		assert.ok(ballots <= sent, `${ballots} ballots stored > ${sent} sent`);
		assert.equal(Number(q(`SELECT ballots FROM poll WHERE id = ${poll.id}`)), ballots);
		assert.equal(Number(q(`SELECT sum(votes) FROM poll_option WHERE poll_id = ${poll.id}`)), ballots);
		assert.equal(Number(q(`SELECT count(DISTINCT voter_hash) FROM ballot WHERE poll_id = ${poll.id}`)), ballots);
		const perOption = q(`SELECT string_agg(o.votes || '=' || (SELECT count(*) FROM ballot b ` +
			`WHERE b.poll_id = o.poll_id AND b.choices = o.id::text), ',' ORDER BY o.position) ` +
			`FROM poll_option o WHERE o.poll_id = ${poll.id}`);
		for (const pair of perOption.split(',')) {
			const [votes, rows] = pair.split('=');
			assert.equal(votes, rows, `an option's counter agrees with its ballots: ${perOption}`);
		}
		const results = await pollResults(cluster.url, token, poll.id);
		assert.equal(results.total, ballots, 'the surviving node counts every ballot');

		const r = await cluster.cli(['audit', 'verify']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /intact: \d+ entries/);

		// A node started again after the crash, on the same database and keys.
		const again = await cluster.startNode();
		const fresh = await pollResults(again.url, token, poll.id);
		assert.equal(fresh.total, ballots);
	} finally {
		await cluster.stop();
	}
});
