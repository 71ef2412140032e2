// Huge and hostile bodies: a 1 GB body is refused with 413 before it is sent (declared with
// Content-Length, or chunked and growing past the route's limit), and JSON that nests deeply,
// has many keys or very long strings is refused with problem details (400, 413 or 422),
// never a crash or a 500.  After all of it the server is healthy and exits cleanly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startServer } from '../lib/server.mjs';
import {
	REQUEST_TIMEOUT_MS, ballots, bodyOf, rawConnection, setupPoll, statusOf, within,
} from './common.mjs';

const GIGABYTE = 1073741824;
const VOTE_BODY_MAX = 4 * 1024;   // ROUTE_BODY_VOTE
const JSON_BODY_MAX = 64 * 1024;  // ROUTE_BODY_JSON
const JSON_DEPTH_MAX = 32;        // json_depth.h
// The most a client may have sent before the 413 reaches it, for a limit of a few KB: the
// limit, plus what sits in socket buffers on the way.  Far below a gigabyte either way.
const SENT_BOUND = 1024 * 1024;

let server;
let token;
let poll;

before(async () => {
	server = await startServer();
	({ token, poll } = await setupPoll(server));
});

after(async () => {
	await server.stop();
});

// Sends the head, then (unless `declaredOnly`) body bytes in 1 KB pieces, chunked or not,
// until the server answers or closes, or `max` bytes have gone.  Resolves { status, body,
// sent, answered }.
async function upload(head, { chunked = false, declaredOnly = false, max = 32 * 1024 * 1024 } = {}) {
	const conn = rawConnection(server.port);
	await conn.connected;
	conn.socket.write(head);
	let sent = 0;
	const piece = Buffer.alloc(1024, ' ');
	const answered = () => conn.data.includes('\r\n\r\n') || conn.isClosed;
	if (!declaredOnly) {
		while (!answered() && sent < max) {
			const ok = conn.socket.write(chunked ? Buffer.concat([Buffer.from('400\r\n'), piece,
				Buffer.from('\r\n')]) : piece);
			sent += piece.length;
			// Let the answer in, and do not outrun the socket.
			await new Promise((r) => {
				if (ok) {
					setImmediate(r);
				} else {
					conn.socket.once('drain', r);
					conn.closed.then(r);
				}
			});
			if (conn.isClosed) break;
		}
	}
	const closedInTime = await within(conn.closed, REQUEST_TIMEOUT_MS);
	conn.socket.destroy();
	assert.ok(closedInTime || answered(), 'the server answered or closed promptly');
	return { status: statusOf(conn.data), text: conn.data, sent };
}

function head(path, extra) {
	return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
		`Authorization: Bearer ${token}\r\n${extra}\r\n`;
}

describe('a 1 GB body is refused unread', () => {
	test('declared with Content-Length: 413 before a byte is sent', async () => {
		for (const path of [`/api/v1/polls/${poll.id}/votes`, '/api/v1/polls', '/o/bury/polls/1']) {
			const r = await upload(head(path, `Content-Length: ${GIGABYTE}\r\n`), { declaredOnly: true });
			assert.equal(r.status, 413, `${path}: ${r.text.slice(0, 80)}`);
			assert.equal(bodyOf(r.text).status, 413);
			assert.match(r.text, /application\/problem\+json/);
		}
	});

	test('declared, with Expect: 100-continue: 413 and the body is never sent', async () => {
		const r = await upload(head(`/api/v1/polls/${poll.id}/votes`,
			`Content-Length: ${GIGABYTE}\r\nExpect: 100-continue\r\n`), { declaredOnly: true });
		assert.equal(r.status, 413);
		assert.doesNotMatch(r.text, /100 Continue/);
	});

	test('a body a little too large: 413, and the connection stays usable', async () => {
		const conn = rawConnection(server.port);
		await conn.connected;
		const body = JSON.stringify({ options: [poll.options[0].id], padding: 'x'.repeat(VOTE_BODY_MAX) });
		conn.socket.write(head(`/api/v1/polls/${poll.id}/votes`, `Content-Length: ${body.length}\r\n`) + body);
		conn.socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
		for (let i = 0; i < 100 && (conn.data.match(/HTTP\/1\.1 /g) || []).length < 2; i++) {
			await new Promise((r) => setTimeout(r, 50));
		}
		conn.socket.destroy();
		const statuses = [...conn.data.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
		assert.deepEqual(statuses, [413, 200], conn.data.slice(0, 300));
	});

	test('declared, with the body already streaming: 413 after a little', async () => {
		const r = await upload(head(`/api/v1/polls/${poll.id}/votes`, `Content-Length: ${GIGABYTE}\r\n`));
		assert.equal(r.status, 413);
		assert.ok(r.sent < SENT_BOUND, `sent ${r.sent} bytes before the answer`);
	});

	test('chunked: 413 once the body passes the route limit, the rest unread', async () => {
		for (const [path, limit] of [[`/api/v1/polls/${poll.id}/votes`, VOTE_BODY_MAX],
			['/api/v1/polls', JSON_BODY_MAX]]) {
			const r = await upload(head(path, 'Transfer-Encoding: chunked\r\n'), { chunked: true });
			assert.equal(r.status, 413, `${path}: ${r.text.slice(0, 80)}`);
			assert.deepEqual(bodyOf(r.text).status, 413);
			assert.match(r.text, /application\/problem\+json/);
			assert.ok(r.sent > limit, 'the limit was passed');
			assert.ok(r.sent < SENT_BOUND, `sent ${r.sent} bytes before the answer`);
		}
	});

	test('chunked within the limit is accepted', async () => {
		const before = await ballots(server, poll, token);
		const json = JSON.stringify({ options: [poll.options[1].id] });
		const conn = rawConnection(server.port);
		await conn.connected;
		conn.socket.write(head(`/api/v1/polls/${poll.id}/votes`, 'Transfer-Encoding: chunked\r\n') +
			`${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`);
		const answered = () => /\r\n\r\n[\s\S]*\}/.test(conn.data);
		for (let i = 0; i < 100 && !answered(); i++) await new Promise((r) => setTimeout(r, 50));
		conn.socket.destroy();
		assert.equal(statusOf(conn.data), 201, conn.data.slice(0, 200));
		assert.equal(await ballots(server, poll, token), before + 1);
	});
});

// Posts a raw JSON text; resolves { status, problem } and checks it is problem details.
async function postJson(path, text) {
	const res = await fetch(server.url + path, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: text,
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
	});
	const body = await res.text();
	assert.ok([400, 413, 422].includes(res.status), `${res.status}: ${body.slice(0, 200)}`);
	assert.match(res.headers.get('content-type'), /application\/problem\+json/);
	const problem = JSON.parse(body);
	assert.equal(problem.status, res.status);
	return { status: res.status, problem };
}

const arrays = (depth, inner = '') => '['.repeat(depth) + inner + ']'.repeat(depth);
const objects = (depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('deep or huge JSON is refused with problem details', () => {
	test('30,000 nested arrays within the size limit: 400', async () => {
		const text = arrays(30000);
		assert.ok(text.length < JSON_BODY_MAX);
		const r = await postJson('/api/v1/polls', text);
		assert.equal(r.status, 400);
		assert.match(r.problem.detail, new RegExp(`at most ${JSON_DEPTH_MAX} levels`));
	});

	test('30,000 unclosed arrays: 400', async () => {
		const r = await postJson('/api/v1/polls', '['.repeat(30000));
		assert.equal(r.status, 400);
	});

	test('10,000 nested objects within the size limit: 400', async () => {
		const text = objects(10000);
		assert.ok(text.length < JSON_BODY_MAX);
		assert.equal((await postJson('/api/v1/polls', text)).status, 400);
	});

	test('deep nesting in a vote: 400', async () => {
		const r = await postJson(`/api/v1/polls/${poll.id}/votes`, `{"options": ${arrays(1500)}}`);
		assert.equal(r.status, 400);
	});

	test('100,000 nested arrays, over the size limit: 413', async () => {
		assert.equal((await postJson('/api/v1/polls', arrays(100000))).status, 413);
	});

	test('nesting up to the limit is parsed; one more level is not', async () => {
		// {"question": [[...]]}: the object is level 1.
		const at = `{"question": ${arrays(JSON_DEPTH_MAX - 1)}, "options": ["A", "B"]}`;
		const over = `{"question": ${arrays(JSON_DEPTH_MAX)}, "options": ["A", "B"]}`;
		const r = await postJson('/api/v1/polls', at);
		assert.equal(r.status, 422, 'parsed, then refused as a question that is not text');
		assert.ok(r.problem.errors.some((e) => e.field === 'question'));
		assert.equal((await postJson('/api/v1/polls', over)).status, 400);
	});

	test('brackets inside strings are text, not nesting', async () => {
		const res = await fetch(`${server.url}/api/v1/polls`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ question: `Which ${'[{'.repeat(100)}?`, options: ['A', 'B'] }),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
		assert.equal(res.status, 201, await res.clone().text());
	});

	test('many keys: 422 with a bounded list of errors', async () => {
		const keys = [];
		for (let i = 0; keys.join(',').length < JSON_BODY_MAX - 2000; i++) keys.push(`"k${i}":${i}`);
		const r = await postJson('/api/v1/polls', `{${keys.join(',')}}`);
		assert.equal(r.status, 422);
		assert.ok(Array.isArray(r.problem.errors) && r.problem.errors.length <= 16,
			`${r.problem.errors?.length} errors listed`);
	});

	test('many keys in a vote: 4xx', async () => {
		const keys = [];
		for (let i = 0; keys.join(',').length < VOTE_BODY_MAX - 200; i++) keys.push(`"k${i}":${i}`);
		const r = await postJson(`/api/v1/polls/${poll.id}/votes`, `{${keys.join(',')}}`);
		assert.equal(r.status, 422);
	});

	test('a very long string: 422 within the limit, 413 over it', async () => {
		const long = 'x'.repeat(JSON_BODY_MAX - 100);
		const r = await postJson('/api/v1/polls', JSON.stringify({ question: long, options: ['A', 'B'] }));
		assert.equal(r.status, 422);
		assert.ok(r.problem.errors.some((e) => e.field === 'question'));
		const over = JSON.stringify({ question: 'x'.repeat(JSON_BODY_MAX + 1), options: ['A', 'B'] });
		assert.equal((await postJson('/api/v1/polls', over)).status, 413);
	});

	test('a long string of escapes and a huge number: 4xx', async () => {
		const escapes = JSON.stringify({ question: '\u0000\n"\\'.repeat(4000), options: ['A', 'B'] });
		assert.ok(escapes.length < JSON_BODY_MAX);
		assert.ok([400, 422].includes((await postJson('/api/v1/polls', escapes)).status));
		const number = `{"options": [${'9'.repeat(3000)}]}`;
		assert.ok([400, 422].includes((await postJson(`/api/v1/polls/${poll.id}/votes`, number)).status));
	});
});

test('after all of that the server is healthy', async () => {
	const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
	assert.equal(res.status, 200);
	const metrics = await (await fetch(`${server.url}/metrics`)).text();
	const m = /^involve_http_responses_total\{class="5xx"\} (\d+)$/m.exec(metrics);
	assert.ok(m, 'the server counts its 5xx responses');
	assert.equal(Number(m[1]), 0, 'no 5xx was sent');
});
