// Public pages are kept for a moment for visitors without a cookie; a staff
// change through this server shows at once, and nobody with a cookie is
// served a page made for someone else.  In cluster mode (INVOLVE_TEST_CLUSTER=1)
// each node has its own cache: a change shows at once on the node that made
// it, on the others within the cache's lifetime, and no node takes a vote
// that the change forbids.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createPoll, orgWithStaff, pollResults } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const CACHE_LIFETIME_MS = 1000; // PAGE_CACHE_TTL_MS

let server;
let token;
let nodes; // every server behind server.url: the server itself, or each node of a cluster

before(async () => {
	server = await startServer();
	nodes = server.nodes ?? [server];
	({ token } = await orgWithStaff(server));
});

after(async () => {
	await server.stop();
});

// A page as fetched, with its vote form's single-use key taken out: each copy sent has its own
// (the cache keeps the rest of the page), so copies are compared without it.
const BALLOT_KEY = /name="ballot_key" value="([^"]*)"/;
const page = async (path, headers = {}, base = server.url) =>
	(await fetch(base + path, { headers })).text().then((t) => t.replace(BALLOT_KEY, 'name="ballot_key" value=""'));

// The page at base + path once it passes check; a node that did not make a change may serve
// its cached copy for the cache's lifetime, so it is given ten of them.
async function settled(base, path, check) {
	const deadline = Date.now() + 10 * CACHE_LIFETIME_MS;
	for (;;) {
		const html = await page(path, {}, base);
		if (check(html) || Date.now() > deadline) return html;
		await new Promise((r) => setTimeout(r, 100));
	}
}

test('a staff change shows on the cached page at once', async () => {
	const [home, ...others] = nodes;
	const poll = await createPoll(home.url, token, { question: 'Cached question?', options: ['Yes', 'No'] });
	const path = `/o/bury/polls/${poll.id}`;
	const first = await page(path, {}, home.url);
	assert.match(first, /type="radio"/);
	assert.equal(await page(path, {}, home.url), first, 'the same page for the next visitor');
	const keys = await Promise.all([1, 2].map(async () =>
		BALLOT_KEY.exec(await (await fetch(home.url + path)).text())[1]));
	assert.match(keys[0], /^[A-Za-z0-9_-]{43}$/, 'each copy has a ballot key');
	assert.notEqual(keys[0], keys[1], 'each copy its own');
	assert.match(await page('/o/bury/', {}, home.url), /Cached question\?/);
	for (const node of others) {
		assert.equal(await page(path, {}, node.url), first, `node ${node.url} has the page too`);
		assert.match(await page('/o/bury/', {}, node.url), /Cached question\?/);
	}

	const closed = await fetch(`${home.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
	assert.equal(closed.status, 200);
	assert.doesNotMatch(await page(path, {}, home.url), /type="radio"/, 'the closed poll shows no form');
	assert.doesNotMatch(await page('/o/bury/', {}, home.url), /Cached question\?/, 'no longer listed as open');
	for (const node of nodes) {
		const vote = await fetch(`${node.url}/api/v1/polls/${poll.id}/votes`, {
			method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ options: [poll.options[0].id] }),
		});
		assert.equal(vote.status, 409, `node ${node.url} refuses a vote on the closed poll`);
	}
	for (const node of others) {
		const noForm = (html) => !/type="radio"/.test(html);
		assert.doesNotMatch(await settled(node.url, path, noForm), /type="radio"/,
			`node ${node.url} shows the poll closed within the cache's lifetime`);
		const unlisted = (html) => !/Cached question\?/.test(html);
		assert.doesNotMatch(await settled(node.url, '/o/bury/', unlisted), /Cached question\?/,
			`node ${node.url} no longer lists it within the cache's lifetime`);
	}
	const results = await pollResults(server.url, token, poll.id);
	assert.equal(results.total, 0, 'no vote was taken after the close');
});

test('a browser that has voted is not served the cached form', async () => {
	const poll = await createPoll(server.url, token, { question: 'Voted yet?', options: ['Yes', 'No'] });
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
	for (const node of nodes) {
		const theirs = await page(path, { Cookie: cookie }, node.url);
		assert.match(theirs, /already answered/, `node ${node.url} knows the browser has voted`);
		assert.doesNotMatch(theirs, /type="radio"/);
	}
});
