// The per-network vote limit, and the access log's privacy: it records
// method, route, status and time, and nothing that identifies a person.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createPoll, orgWithStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let poll;
let token;

before(async () => {
	server = await startServer({ args: ['--vote-rate-limit', '3'] });
	({ token } = await orgWithStaff(server));
	poll = await createPoll(server.url, token, { question: 'Limited?', options: ['Yes', 'No'] });
});

after(async () => {
	await server.stop();
});

const vote = () => fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
	method: 'POST',
	headers: { 'Content-Type': 'application/json', 'User-Agent': 'limits-test-agent' },
	body: JSON.stringify({ options: [poll.options[0].id] }),
});

test('the fourth vote in a minute from one network is 429 with Retry-After', async () => {
	for (let i = 0; i < 3; i++) assert.equal((await vote()).status, 201);
	const res = await vote();
	assert.equal(res.status, 429);
	assert.match(res.headers.get('content-type'), /problem\+json/);
	const retry = Number(res.headers.get('retry-after'));
	assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
	const results = await (await fetch(`${server.url}/api/v1/polls/${poll.id}/results`,
		{ headers: { Authorization: `Bearer ${token}` } })).json();
	assert.equal(results.total, 3, 'the refused vote is not counted');
});

test('the access log holds no address, cookie, query or agent', async () => {
	await fetch(`${server.url}/o/bury/?q=secret-query`, { headers: { Cookie: 'involve_voter=secret-cookie' } });
	const lines = server.stderr.split('\n').filter((l) => l.includes('"type":"access"'));
	assert.ok(lines.length > 0, 'there is an access log');
	for (const line of lines) {
		const entry = JSON.parse(line);
		assert.deepEqual(Object.keys(entry).sort(), ['completed', 'method', 'micros', 'route', 'status', 'time', 'type']);
	}
	const all = lines.join('\n');
	assert.doesNotMatch(all, /127\.0\.0\.1|secret-cookie|secret-query|limits-test-agent/);
	// In cluster mode (INVOLVE_TEST_CLUSTER=1) nginx keeps an access log too, written once
	// the answer has gone: the same holds for it.
	if (server.accessLog) {
		let proxyLog = server.accessLog();
		for (let i = 0; i < 50 && !proxyLog.includes('"/o/bury/"'); i++) {
			await new Promise((r) => setTimeout(r, 100));
			proxyLog = server.accessLog();
		}
		assert.match(proxyLog, /"path":"\/o\/bury\/"/, 'nginx logged the request');
		const nodes = new Set(server.nodes.map((n) => `127.0.0.1:${n.port}`));
		for (const line of proxyLog.split('\n').filter(Boolean)) {
			const entry = JSON.parse(line);
			assert.deepEqual(Object.keys(entry).sort(), ['bytes', 'method', 'path', 'seconds', 'status', 'time', 'upstream', 'upstream_status']);
			// The only address is the node's that answered.
			for (const upstream of entry.upstream.split(/[,:] /)) assert.ok(nodes.has(upstream), line);
		}
		assert.doesNotMatch(proxyLog, /secret-cookie|secret-query|limits-test-agent/);
	}
});
