// Public pages are kept for a moment for visitors without a cookie; a staff
// change through this server shows at once, and nobody with a cookie is
// served a page made for someone else.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startServer } from '../lib/server.mjs';

let server;
let token;

before(async () => {
	server = await startServer();
	await server.cli(['org', 'create', '--slug', 'bury', '--name', 'NHS Bury']);
	await server.cli(['user', 'add', '--org', 'bury', '--email', 'o@example.org'], { input: 'a long enough password\n' });
	token = (await server.cli(['token', 'create', '--org', 'bury', '--user', 'o@example.org'])).stdout.trim().split(/\s+/).pop();
});

after(async () => {
	await server.stop();
});

const page = async (path, headers = {}) => (await fetch(server.url + path, { headers })).text();

test('a staff change shows on the cached page at once', async () => {
	const res = await fetch(`${server.url}/api/v1/polls`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ question: 'Cached question?', options: ['Yes', 'No'] }),
	});
	const poll = await res.json();
	const path = `/o/bury/polls/${poll.id}`;
	const first = await page(path);
	assert.match(first, /type="radio"/);
	assert.equal(await page(path), first, 'the same page for the next visitor');
	assert.match(await page('/o/bury/'), /Cached question\?/);

	const closed = await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
	assert.equal(closed.status, 200);
	assert.doesNotMatch(await page(path), /type="radio"/, 'the closed poll shows no form');
	assert.doesNotMatch(await page('/o/bury/'), /Cached question\?/, 'no longer listed as open');
});

test('a browser that has voted is not served the cached form', async () => {
	const res = await fetch(`${server.url}/api/v1/polls`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ question: 'Voted yet?', options: ['Yes', 'No'] }),
	});
	const poll = await res.json();
	const path = `/o/bury/polls/${poll.id}`;
	assert.match(await page(path), /type="radio"/);
	const vote = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ options: [poll.options[0].id] }),
	});
	assert.equal(vote.status, 201);
	const cookie = vote.headers.get('set-cookie').split(';')[0];
	const mine = await page(path, { Cookie: cookie });
	assert.match(mine, /already answered/);
	assert.doesNotMatch(mine, /type="radio"/);
});
