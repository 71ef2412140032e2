// The nodes keep nothing another node would need: a staff session made on one node works on
// the other (CSRF token included), a browser that voted on one node cannot vote again on
// the other, and the vote limit per network counts every node's votes.  Behind nginx, the
// limit is per client address (X-Forwarded-For from the trusted proxy), and a client cannot
// escape it by sending an X-Forwarded-For of its own, through nginx or straight to a node.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { startCluster } from '../lib/cluster.mjs';
import { createPoll, orgWithStaff } from '../lib/fixtures.mjs';

const PASSWORD = 'a long enough password';
const LIMIT = 3;

let cluster;
let poll;
let a;
let b;

before(async () => {
	cluster = await startCluster({ nodes: 2, args: ['--vote-rate-limit', String(LIMIT)] });
	[a, b] = cluster.nodes;
	const { token } = await orgWithStaff(cluster, { password: PASSWORD });
	poll = await createPoll(a.url, token, { question: 'Shared?', options: ['Yes', 'No'] });
});

after(async () => {
	await cluster.stop();
});

// A vote sent from a given loopback address (the whole of 127.0.0.0/8 is this machine), to
// nginx or to a node; resolves {status, cookie}.
function voteFrom(localAddress, port, { cookie, forwardedFor } = {}) {
	const body = JSON.stringify({ options: [poll.options[0].id] });
	const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
	if (cookie) headers.Cookie = cookie;
	if (forwardedFor) headers['X-Forwarded-For'] = forwardedFor;
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: '127.0.0.1', port, localAddress, method: 'POST', agent: false, headers,
			path: `/api/v1/polls/${poll.id}/votes`,
		}, (res) => {
			res.resume();
			res.on('end', () => resolve({
				status: res.statusCode,
				cookie: (res.headers['set-cookie'] || [''])[0].split(';')[0],
			}));
		});
		req.on('error', reject);
		req.end(body);
	});
}

test('a staff session made on one node works on the other, and ends on both', async () => {
	const login = await fetch(`${a.url}/staff/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'o@example.org', password: PASSWORD }).toString(),
		redirect: 'manual',
	});
	assert.equal(login.status, 303);
	const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
	assert.match(cookie, /^involve_session=./);
	const dashboard = await fetch(`${b.url}/staff/`, { headers: { Cookie: cookie }, redirect: 'manual' });
	assert.equal(dashboard.status, 200, 'the other node knows the session');
	const csrf = (await dashboard.text()).match(/name="csrf" value="([^"]+)"/);
	assert.ok(csrf, 'the dashboard carries a CSRF token');
	const logout = await fetch(`${a.url}/staff/logout`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
		body: new URLSearchParams({ csrf: csrf[1] }).toString(),
		redirect: 'manual',
	});
	assert.equal(logout.status, 303, 'the first node takes the token the other node showed');
	for (const node of [a, b]) {
		const res = await fetch(`${node.url}/staff/`, { headers: { Cookie: cookie }, redirect: 'manual' });
		assert.equal(res.status, 303, `signed out on ${node.url}`);
		assert.match(res.headers.get('location'), /^\/staff\/login/);
	}
});

test('a browser that voted on one node cannot vote again on the other', async () => {
	const first = await voteFrom('127.0.0.11', a.port);
	assert.equal(first.status, 201);
	assert.match(first.cookie, /^involve_voter=./);
	const again = await voteFrom('127.0.0.11', b.port, { cookie: first.cookie });
	assert.equal(again.status, 409);
	const page = await (await fetch(`${b.url}/o/bury/polls/${poll.id}`, { headers: { Cookie: first.cookie } })).text();
	assert.match(page, /already answered/);
});

test('the vote limit counts every node, per client address behind nginx', async () => {
	// Straight to the nodes, alternating: the count is shared.
	for (let i = 0; i < LIMIT; i++) {
		assert.equal((await voteFrom('127.0.0.21', cluster.nodes[i % 2].port)).status, 201);
	}
	assert.equal((await voteFrom('127.0.0.21', a.port)).status, 429);
	assert.equal((await voteFrom('127.0.0.21', b.port)).status, 429);

	// Through nginx, which spreads the votes over both nodes: each client its own count.
	for (let i = 0; i < LIMIT; i++) {
		assert.equal((await voteFrom('127.0.0.22', cluster.port)).status, 201, `client 22 vote ${i + 1}`);
	}
	assert.equal((await voteFrom('127.0.0.22', cluster.port)).status, 429);
	assert.equal((await voteFrom('127.0.0.23', cluster.port)).status, 201,
		'another client behind the same proxy has a count of its own');
});

test('an X-Forwarded-For from the client itself is not believed', async () => {
	// Through nginx: nginx appends the real address, and that is what the node counts.
	for (let i = 0; i < LIMIT; i++) {
		const r = await voteFrom('127.0.0.31', cluster.port, { forwardedFor: `192.0.2.${i + 1}` });
		assert.equal(r.status, 201);
	}
	assert.equal((await voteFrom('127.0.0.31', cluster.port, { forwardedFor: '192.0.2.99' })).status, 429);
	// Straight to a node from an address that is not a trusted proxy: the header is ignored.
	for (let i = 0; i < LIMIT; i++) {
		const r = await voteFrom('127.0.0.32', a.port, { forwardedFor: `198.51.100.${i + 1}` });
		assert.equal(r.status, 201);
	}
	assert.equal((await voteFrom('127.0.0.32', b.port, { forwardedFor: '198.51.100.99' })).status, 429);
});
