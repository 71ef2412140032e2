// Trusted proxies over HTTP: the per-network vote limit counts the address a trusted proxy
// forwards in X-Forwarded-For, and ignores the header when the connection does not come from a
// trusted proxy.  The limit is 2 votes a minute; addresses are in different /8 networks, so
// they are different networks however the limit groups addresses.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runCli, makeDataDir, startServer } from '../lib/server.mjs';
import { rawConnection, setupPoll, sleep, statusOf, vote } from './common.mjs';

const LIMIT = 2;

// Casts votes with the given X-Forwarded-For (undefined: none) and returns their statuses.
async function votes(server, poll, forwarded, n) {
	const statuses = [];
	for (let i = 0; i < n; i++) {
		const res = await vote(server, poll, forwarded === undefined ? {} : { 'X-Forwarded-For': forwarded });
		await res.arrayBuffer();
		statuses.push(res.status);
	}
	return statuses;
}

// One vote with one X-Forwarded-For header per entry of `headers`; resolves the status.
async function rawVote(server, poll, headers) {
	const conn = rawConnection(server.port);
	await conn.connected;
	const body = JSON.stringify({ options: [poll.options[0].id] });
	conn.socket.write(`POST /api/v1/polls/${poll.id}/votes HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
		headers.map((h) => `X-Forwarded-For: ${h}\r\n`).join('') +
		`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
		`Connection: close\r\n\r\n${body}`);
	for (let i = 0; i < 200 && !conn.isClosed; i++) await sleep(50);
	conn.socket.destroy();
	return statusOf(conn.data);
}

const allowance = [...Array(LIMIT).fill(201), 429];

test('behind a trusted proxy, each forwarded address has its own allowance', async () => {
	// Repeated and comma-separated forms both count.
	const server = await startServer({ args: ['--vote-rate-limit', String(LIMIT),
		'--trusted-proxy', '10.0.0.0/8, 2001:db8::/32', '--trusted-proxy', '127.0.0.1'] });
	const { poll } = await setupPoll(server);
	assert.deepEqual(await votes(server, poll, '198.51.100.1', LIMIT + 1), allowance);
	assert.deepEqual(await votes(server, poll, '203.0.113.7', LIMIT + 1), allowance,
		'another forwarded address is another allowance');
	// The same client through a second trusted hop, or with forged entries on the left,
	// is still 198.51.100.1: over its limit.
	assert.deepEqual(await votes(server, poll, '198.51.100.1, 10.1.2.3', 1), [429]);
	assert.deepEqual(await votes(server, poll, '192.0.2.99, 198.51.100.1', 1), [429]);
	assert.deepEqual(await votes(server, poll, '192.0.2.99,198.51.100.1', 1), [429]);
	// Several headers are one list: the last one's last entry is nearest.
	assert.equal(await rawVote(server, poll, ['192.0.2.99, 198.51.100.1', '10.1.2.3']), 429);
	assert.equal(await rawVote(server, poll, ['198.51.100.1', '192.0.2.77']), 201);
	// IPv6 clients.
	assert.deepEqual(await votes(server, poll, '2a00:1450::1', LIMIT + 1), allowance);
	// Malformed: ignored, the proxy's own address counts (a fresh allowance here).
	assert.deepEqual(await votes(server, poll, 'not an address', 1), [201]);
	assert.deepEqual(await votes(server, poll, '198.51.100.1:4711', 1), [201]);
	assert.deepEqual(await votes(server, poll, undefined, 1), [429], 'the proxy itself: used up');
	await server.stop();
});

test('from an untrusted peer, X-Forwarded-For is ignored', async () => {
	// No proxy, a proxy that is not the peer, and an empty setting (no proxy).
	for (const args of [[], ['--trusted-proxy', '10.0.0.1,::1'], ['--trusted-proxy', '']]) {
		const server = await startServer({ args: ['--vote-rate-limit', String(LIMIT), ...args] });
		const { poll } = await setupPoll(server);
		assert.deepEqual(await votes(server, poll, '198.51.100.1', LIMIT), Array(LIMIT).fill(201));
		// Another claimed address shares the peer's allowance, used up.
		assert.deepEqual(await votes(server, poll, '203.0.113.7', 1), [429], `args ${args}`);
		assert.deepEqual(await votes(server, poll, undefined, 1), [429]);
		await server.stop();
	}
});

test('a malformed --trusted-proxy is a usage error', async () => {
	const dir = makeDataDir();
	for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.1,', '::1/129', ',']) {
		const r = await runCli(dir, ['serve', '--listen', '127.0.0.1:1', '--trusted-proxy', bad]);
		assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
		assert.match(r.stderr, /trusted-proxy/);
	}
});
