// One audit chain for the whole installation: staff changes made at the same moment on two
// nodes (each node asked directly, several requests at once on each) all succeed, and their
// entries form one unbroken chain, numbered 1..N with no gap or fork, that
// `involve audit verify` accepts; an entry changed behind its back is then found.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startCluster } from '../lib/cluster.mjs';
import { orgWithStaff } from '../lib/fixtures.mjs';
import { psql } from '../lib/pg.mjs';

const WORKERS_PER_NODE = 4;
const POLLS_PER_WORKER = 6;

test('concurrent staff writes on both nodes keep one unbroken audit chain', async () => {
	const cluster = await startCluster({ nodes: 2 });
	const q = (sql) => psql(cluster.databaseUrl, sql).trim();
	try {
		const { token } = await orgWithStaff(cluster);
		const entriesBefore = Number(q('SELECT count(*) FROM audit_entry'));

		const call = async (base, method, path, body) => {
			const res = await fetch(base + path, {
				method,
				headers: {
					Authorization: `Bearer ${token}`,
					...(body ? { 'Content-Type': 'application/json' } : {}),
				},
				body: body ? JSON.stringify(body) : undefined,
			});
			const text = await res.text();
			return { status: res.status, text };
		};

		// Each worker creates polls on its node, changes every other one (scheduled, so it may
		// still change) and closes the rest (open): three kinds of audited change, all racing
		// for the chain's tail.
		const worker = async (node, w) => {
			const made = [];
			for (let i = 0; i < POLLS_PER_WORKER; i++) {
				const created = await call(node.url, 'POST', '/api/v1/polls',
					{ question: `Node ${node.port} worker ${w} poll ${i}?`, options: ['Yes', 'No'],
						...(i % 2 === 0 ? { opens_at: '2099-01-01T00:00:00Z' } : {}) });
				assert.equal(created.status, 201, created.text);
				const poll = JSON.parse(created.text);
				made.push(poll.id);
				const change = i % 2 === 0
					? await call(node.url, 'PATCH', `/api/v1/polls/${poll.id}`, { question: `Changed ${poll.id}?` })
					: await call(node.url, 'POST', `/api/v1/polls/${poll.id}/close`);
				assert.equal(change.status, 200, change.text);
			}
			return made;
		};
		const jobs = [];
		for (const node of cluster.nodes) {
			for (let w = 0; w < WORKERS_PER_NODE; w++) jobs.push(worker(node, w));
		}
		const polls = (await Promise.all(jobs)).flat();
		const expected = cluster.nodes.length * WORKERS_PER_NODE * POLLS_PER_WORKER;
		assert.equal(new Set(polls).size, expected, 'every poll has its own id');

		// One entry per change, numbered without a gap, each linked to the one before.
		const total = Number(q('SELECT count(*) FROM audit_entry'));
		assert.equal(total, entriesBefore + 2 * expected);
		assert.equal(q('SELECT min(seq) || \',\' || max(seq) FROM audit_entry'), `1,${total}`);
		assert.equal(q('SELECT count(*) FROM audit_entry a JOIN audit_entry b ON b.seq = a.seq + 1 ' +
			'WHERE b.prev <> a.hash'), '0', 'each entry names the hash of the one before');
		assert.equal(q("SELECT count(*) FROM audit_entry WHERE action = 'poll.create'"), String(expected));
		assert.equal(q("SELECT count(*) FROM audit_entry WHERE action = 'poll.update'"), String(expected / 2));
		assert.equal(q("SELECT count(*) FROM audit_entry WHERE action = 'poll.close'"), String(expected / 2));

		let r = await cluster.cli(['audit', 'verify']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, new RegExp(`intact: ${total} entries`));

		// The check is real: an entry changed in the database is found.
		q(`UPDATE audit_entry SET actor = actor || ' (edited)' WHERE seq = ${total - 3}`);
		r = await cluster.cli(['audit', 'verify']);
		assert.equal(r.code, 1);
		assert.match(r.stderr, new RegExp(`[Ee]ntry ${total - 3} has been changed`));
	} finally {
		await cluster.stop();
	}
});
