// The polls JSON API against the real server and a real SQLite file:
// the contract later work relies on, and every refusal the issue lists.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { makeStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let api;
let token;
let otherToken;
let viewerToken;

async function setupOrg(slug, email, role = 'engagement_officer') {
	const r = await server.cli(['org', 'create', '--slug', slug, '--name', `NHS ${slug}`]);
	if (r.code !== 0 && !/already exists/.test(r.stderr)) throw new Error(r.stderr);
	return (await makeStaff(server, { org: slug, email, role })).token;
}

const pharmacy = {
	question: 'How satisfied are you with access to pharmacy services in your local area?',
	options: ['Very satisfied', 'Fairly satisfied', 'Neither satisfied nor dissatisfied',
		'Fairly dissatisfied', 'Very dissatisfied', "Don't know"],
	multiple: false,
	closes_at: null,
	show_results: 'after_vote',
};

// A time well in the future, as the API writes times.
const LATER = '2099-01-01T00:00:00Z';

async function createPoll(overrides = {}, auth = token) {
	const res = await api('POST', '/api/v1/polls', { auth, body: { ...pharmacy, ...overrides } });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

async function vote(id, options, cookie) {
	const res = await api('POST', `/api/v1/polls/${id}/votes`, { body: { options }, cookie });
	const setCookie = res.headers.get('set-cookie');
	return { res, cookie: setCookie ? setCookie.split(';')[0] : cookie };
}

before(async () => {
	server = await startServer();
	api = apiClient(server);
	token = await setupOrg('bury', 'officer@example.org');
	otherToken = await setupOrg('bolton', 'officer@bolton.example.org');
	viewerToken = await setupOrg('bury', 'viewer@example.org', 'viewer');
});

after(async () => {
	await server.stop();
});

describe('creating polls', () => {
	test('201 with the poll, ids as strings and an absolute public URL', async () => {
		const p = await createPoll();
		assert.equal(typeof p.id, 'string');
		assert.equal(p.question, pharmacy.question);
		assert.equal(p.options.length, 6);
		for (const o of p.options) assert.equal(typeof o.id, 'string');
		assert.deepEqual(p.options.map((o) => o.label), pharmacy.options);
		assert.equal(p.status, 'open');
		assert.equal(p.multiple, false);
		assert.equal(p.show_results, 'after_vote');
		assert.equal(p.closes_at, null);
		assert.equal(p.url, `${server.url}/o/bury/polls/${p.id}`);
	});

	test('stores HTML as typed and returns it as data', async () => {
		const p = await createPoll({ question: '<script>alert(1)</script> & "quotes"' });
		assert.equal(p.question, '<script>alert(1)</script> & "quotes"');
	});

	test('no token is 401, a bad token is 401', async () => {
		let res = await api('POST', '/api/v1/polls', { body: pharmacy });
		await expectProblem(res, 401);
		assert.match(res.headers.get('www-authenticate'), /Bearer/);
		res = await api('POST', '/api/v1/polls', { body: pharmacy, auth: 'inv_nonsense' });
		await expectProblem(res, 401);
	});

	test('a viewer may not create polls (403)', async () => {
		await expectProblem(await api('POST', '/api/v1/polls', { body: pharmacy, auth: viewerToken }), 403);
	});

	test('malformed JSON is 400, wrong content type 415', async () => {
		await expectProblem(await api('POST', '/api/v1/polls', { auth: token, raw: '{"question": ', headers: { 'Content-Type': 'application/json' } }), 400);
		await expectProblem(await api('POST', '/api/v1/polls', { auth: token, raw: JSON.stringify(pharmacy), headers: { 'Content-Type': 'text/plain' } }), 415);
		await expectProblem(await api('POST', '/api/v1/polls', { auth: token, raw: '[1,2]', headers: { 'Content-Type': 'application/json' } }), 400);
	});

	test('an oversized body is refused with 413 before it is read', async () => {
		const big = JSON.stringify({ ...pharmacy, question: 'x'.repeat(200000) });
		await expectProblem(await api('POST', '/api/v1/polls', { auth: token, raw: big, headers: { 'Content-Type': 'application/json' } }), 413);
	});

	const invalid = [
		['missing question', { question: undefined }, 'question'],
		['question of the wrong type', { question: 5 }, 'question'],
		['empty question', { question: '   ' }, 'question'],
		['over-long question', { question: 'q'.repeat(301) }, 'question'],
		['control characters', { question: 'bell\u0007' }, 'question'],
		['options not an array', { options: 'yes,no' }, 'options'],
		['one option', { options: ['only'] }, 'options'],
		['too many options', { options: Array.from({ length: 21 }, (_, i) => `o${i}`) }, 'options'],
		['empty option', { options: ['a', ''] }, 'options[1]'],
		['over-long option', { options: ['a', 'o'.repeat(121)] }, 'options[1]'],
		['duplicate options', { options: ['Yes', 'No', 'Yes'] }, 'options[2]'],
		['option of the wrong type', { options: ['a', 2] }, 'options[1]'],
		['unknown field', { colour: 'blue' }, 'colour'],
		['multiple not a boolean', { multiple: 'yes' }, 'multiple'],
		['bad show_results', { show_results: 'never' }, 'show_results'],
		['bad opens_at', { opens_at: 'tomorrow' }, 'opens_at'],
		['opens_at in the past', { opens_at: '2020-01-01T00:00:00Z' }, 'opens_at'],
		['closes_at in the past', { closes_at: '2020-01-01T00:00:00Z' }, 'closes_at'],
	];
	for (const [name, change, field] of invalid) {
		test(`refuses ${name} with 422 on ${field}, creating nothing`, async () => {
			const before = await json(await api('GET', '/api/v1/polls?limit=100', { auth: token }));
			const body = { ...pharmacy, ...change };
			for (const k of Object.keys(change)) if (change[k] === undefined) delete body[k];
			await expectProblem(await api('POST', '/api/v1/polls', { auth: token, body }), 422, field);
			const afterList = await json(await api('GET', '/api/v1/polls?limit=100', { auth: token }));
			assert.equal(afterList.items.length, before.items.length);
		});
	}

	test('invalid UTF-8 is refused', async () => {
		const raw = Buffer.concat([Buffer.from('{"question":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from('","options":["a","b"]}')]);
		const res = await api('POST', '/api/v1/polls', { auth: token, raw, headers: { 'Content-Type': 'application/json' } });
		assert.ok(res.status === 400 || res.status === 422, `status ${res.status}`);
	});
});

describe('reading, listing, changing', () => {
	test('GET is public; another organisation sees 404 for changes', async () => {
		const p = await createPoll();
		const got = await json(await api('GET', `/api/v1/polls/${p.id}`));
		assert.equal(got.question, pharmacy.question);
		await expectProblem(await api('PATCH', `/api/v1/polls/${p.id}`, { auth: otherToken, body: { question: 'Mine now' } }), 404);
		await expectProblem(await api('DELETE', `/api/v1/polls/${p.id}`, { auth: otherToken }), 404);
		await expectProblem(await api('POST', `/api/v1/polls/${p.id}/close`, { auth: otherToken }), 404);
		await expectProblem(await api('GET', '/api/v1/polls/999999'), 404);
	});

	test('lists are paginated with a cursor', async () => {
		for (let i = 0; i < 3; i++) await createPoll({ question: `Page test ${i}` });
		const first = await json(await api('GET', '/api/v1/polls?limit=2', { auth: token }));
		assert.equal(first.items.length, 2);
		assert.equal(typeof first.next_cursor, 'string');
		const second = await json(await api('GET', `/api/v1/polls?limit=2&cursor=${first.next_cursor}`, { auth: token }));
		assert.ok(second.items.length >= 1);
		assert.ok(!second.items.some((p) => first.items.some((q) => q.id === p.id)));
		const others = await json(await api('GET', '/api/v1/polls', { auth: otherToken }));
		assert.equal(others.items.length, 0, 'another organisation lists none of them');
		await expectProblem(await api('GET', '/api/v1/polls?limit=0', { auth: token }), 400, 'limit');
		await expectProblem(await api('GET', '/api/v1/polls?cursor=abc', { auth: token }), 400, 'cursor');
	});

	test('PATCH only before the poll opens: 200 while scheduled, 409 once open, answers or not', async () => {
		const p = await createPoll({ opens_at: LATER });
		let res = await api('PATCH', `/api/v1/polls/${p.id}`, { auth: token, body: { question: 'Changed?', options: ['Yes', 'No'] } });
		assert.equal(res.status, 200);
		const changed = await json(res);
		assert.equal(changed.question, 'Changed?');
		assert.equal(changed.options.length, 2);
		assert.equal(changed.status, 'scheduled', 'an omitted opens_at is unchanged');
		assert.equal(changed.opens_at, LATER);
		await expectProblem(await api('PATCH', `/api/v1/polls/${p.id}`, { auth: token, body: { options: ['Same', 'Same'] } }), 422, 'options[1]');
		// Open, with no answers yet: the staff page refuses an edit now, and so does the API.
		res = await api('POST', `/api/v1/polls/${p.id}/open`, { auth: token });
		assert.equal(res.status, 200);
		assert.equal((await json(res)).status, 'open');
		const problem = await expectProblem(await api('PATCH', `/api/v1/polls/${p.id}`, { auth: token, body: { question: 'Too late' } }), 409);
		assert.match(problem.detail, /only before it opens/);
		const open = await createPoll();
		await expectProblem(await api('PATCH', `/api/v1/polls/${open.id}`, { auth: token, body: { question: 'Too late' } }), 409);
		assert.equal((await json(await api('GET', `/api/v1/polls/${open.id}`))).question, pharmacy.question, 'unchanged');
	});

	test('opens_at: omitted is the default, null is not scheduled, a time schedules it', async () => {
		assert.equal((await createPoll()).status, 'open', 'omitted on create: open now');
		const draft = await createPoll({ opens_at: null });
		assert.equal(draft.status, 'draft', 'null on create: not scheduled');
		assert.equal(draft.opens_at, null);
		const later = await createPoll({ opens_at: LATER });
		assert.equal(later.status, 'scheduled');
		let res = await api('PATCH', `/api/v1/polls/${later.id}`, { auth: token, body: { question: 'Still later?' } });
		assert.equal((await json(res)).status, 'scheduled', 'omitted on update: unchanged');
		res = await api('PATCH', `/api/v1/polls/${later.id}`, { auth: token, body: { opens_at: null } });
		assert.equal((await json(res)).status, 'draft', 'null on update: not scheduled');
		res = await api('PATCH', `/api/v1/polls/${draft.id}`, { auth: token, body: { opens_at: LATER } });
		assert.equal((await json(res)).status, 'scheduled');
		await expectProblem(await api('PATCH', `/api/v1/polls/${draft.id}`, { auth: token, body: { opens_at: '2020-01-01T00:00:00Z' } }), 422, 'opens_at');
		res = await api('POST', `/api/v1/polls/${draft.id}/open`, { auth: token });
		const opened = await json(res);
		assert.equal(opened.status, 'open', 'POST .../open opens now');
		await expectProblem(await api('POST', `/api/v1/polls/${draft.id}/open`, { auth: token }), 409);
		await expectProblem(await api('POST', `/api/v1/polls/${later.id}/close`, { auth: token }), 409, undefined);
	});

	test('close, then DELETE', async () => {
		const p = await createPoll();
		let res = await api('POST', `/api/v1/polls/${p.id}/close`, { auth: token });
		assert.equal(res.status, 200);
		assert.equal((await json(res)).status, 'closed');
		await expectProblem(await api('POST', `/api/v1/polls/${p.id}/close`, { auth: token }), 409);
		res = await api('DELETE', `/api/v1/polls/${p.id}`, { auth: token });
		assert.equal(res.status, 204);
		await expectProblem(await api('GET', `/api/v1/polls/${p.id}`), 404);
	});

	test('a body sent where no route takes it is 404, however large', async () => {
		for (const size of [10, 5000, 200000]) {
			const res = await api('POST', '/api/v1/no-such-thing', { raw: 'x'.repeat(size), headers: { 'Content-Type': 'application/json' } });
			assert.equal(res.status, 404, `a body of ${size} bytes`);
		}
		const res = await api('POST', '/no/such/page', { raw: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
		assert.equal(res.status, 404);
		assert.match(await res.text(), /Page not found/);
	});

	test('wrong method is 405 with Allow', async () => {
		const res = await api('PUT', '/api/v1/polls');
		assert.equal(res.status, 405);
		assert.match(res.headers.get('allow'), /POST/);
	});
});

describe('voting', () => {
	test('201 after commit, cookie issued, second vote 409, results counted', async () => {
		const p = await createPoll();
		const { res, cookie } = await vote(p.id, [p.options[1].id]);
		assert.equal(res.status, 201);
		assert.match(res.headers.get('set-cookie'), /involve_voter=.*HttpOnly.*SameSite=Lax/);
		const again = await vote(p.id, [p.options[2].id], cookie);
		await expectProblem(again.res, 409);
		const r = await json(await api('GET', `/api/v1/polls/${p.id}/results`, { cookie }));
		assert.equal(r.total, 1);
		assert.equal(r.options[1].count, 1);
		assert.equal(r.options[1].percent, 100);
		assert.equal(r.options[0].percent, 0);
	});

	test('percentages have one decimal and multiple choice can pass 100', async () => {
		const p = await createPoll({ multiple: true, options: ['A', 'B', 'C'] });
		for (const choice of [[0, 1], [0], [1, 2]]) {
			const { res } = await vote(p.id, choice.map((i) => p.options[i].id));
			assert.equal(res.status, 201);
		}
		const raw = await (await api('GET', `/api/v1/polls/${p.id}/results`, { auth: token })).text();
		for (const m of raw.matchAll(/"percent":([0-9.e+-]+)/g)) {
			assert.match(m[1], /^\d+\.\d$/, `one decimal: ${m[1]}`);
		}
		const r = JSON.parse(raw);
		assert.equal(r.total, 3);
		assert.deepEqual(r.options.map((o) => o.count), [2, 2, 1]);
		assert.deepEqual(r.options.map((o) => o.percent), [66.7, 66.7, 33.3]);
	});

	test('refusals: unknown option, two on single choice, none, wrong types, unknown field', async () => {
		const p = await createPoll();
		await expectProblem((await vote(p.id, ['999999'])).res, 422, 'options[0]');
		await expectProblem((await vote(p.id, [p.options[0].id, p.options[1].id])).res, 422, 'options');
		await expectProblem((await vote(p.id, [])).res, 422, 'options');
		await expectProblem((await vote(p.id, [1])).res, 422, 'options[0]');
		await expectProblem(await api('POST', `/api/v1/polls/${p.id}/votes`, { body: { options: [p.options[0].id], extra: 1 } }), 422, 'extra');
		await expectProblem(await api('POST', `/api/v1/polls/${p.id}/votes`, { raw: 'options=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415);
		const r = await json(await api('GET', `/api/v1/polls/${p.id}/results`, { auth: token }));
		assert.equal(r.total, 0, 'nothing was counted');
	});

	test('voting before opening and after closing is 409', async () => {
		const later = await createPoll({ opens_at: '2099-01-01T00:00:00Z' });
		assert.equal(later.status, 'scheduled');
		await expectProblem((await vote(later.id, [later.options[0].id])).res, 409);
		const p = await createPoll();
		await api('POST', `/api/v1/polls/${p.id}/close`, { auth: token });
		await expectProblem((await vote(p.id, [p.options[0].id])).res, 409);
	});

	test('results after a vote: 403 to a browser that has not voted, 200 to one that has and to staff', async () => {
		const p = await createPoll({ show_results: 'after_vote' });
		const { res, cookie } = await vote(p.id, [p.options[0].id]);
		assert.equal(res.status, 201);
		await expectProblem(await api('GET', `/api/v1/polls/${p.id}/results`), 403);
		await expectProblem(await api('GET', `/api/v1/polls/${p.id}/results`, { auth: otherToken }), 403);
		assert.equal((await json(await api('GET', `/api/v1/polls/${p.id}/results`, { cookie }))).total, 1);
		assert.equal((await json(await api('GET', `/api/v1/polls/${p.id}/results`, { auth: token }))).total, 1);
		assert.equal((await json(await api('GET', `/api/v1/polls/${p.id}/results`, { auth: viewerToken }))).total, 1,
			'any staff of the organisation');
	});

	test('a poll shows its number of ballots only to those who may see the results', async () => {
		const hidden = await createPoll({ show_results: 'after_close' });
		const { cookie } = await vote(hidden.id, [hidden.options[0].id]);
		for (const who of [{}, { cookie }, { auth: otherToken }]) {
			const got = await json(await api('GET', `/api/v1/polls/${hidden.id}`, who));
			assert.equal(got.ballots, undefined, `no count for ${JSON.stringify(Object.keys(who))}`);
		}
		assert.equal((await json(await api('GET', `/api/v1/polls/${hidden.id}`, { auth: token }))).ballots, 1);
		const shown = await createPoll({ show_results: 'after_vote' });
		const mine = await vote(shown.id, [shown.options[0].id]);
		assert.equal((await json(await api('GET', `/api/v1/polls/${shown.id}`))).ballots, undefined);
		assert.equal((await json(await api('GET', `/api/v1/polls/${shown.id}`, { cookie: mine.cookie }))).ballots, 1);
		const list = await json(await api('GET', '/api/v1/polls', { auth: token }));
		assert.ok(list.items.every((item) => typeof item.ballots === 'number'), 'staff lists show counts');
	});

	test('results hidden until close: 403 for the public, 200 for staff', async () => {
		const p = await createPoll({ show_results: 'after_close' });
		const { res } = await vote(p.id, [p.options[0].id]);
		assert.equal(res.status, 201);
		await expectProblem(await api('GET', `/api/v1/polls/${p.id}/results`), 403);
		assert.equal((await api('GET', `/api/v1/polls/${p.id}/results`, { auth: token })).status, 200);
		await expectProblem(await api('GET', `/api/v1/polls/${p.id}/results`, { auth: otherToken }), 403);
		await api('POST', `/api/v1/polls/${p.id}/close`, { auth: token });
		const r = await json(await api('GET', `/api/v1/polls/${p.id}/results`));
		assert.equal(r.total, 1);
	});
});

describe('every reply', () => {
	test('carries the security headers', async () => {
		for (const path of ['/healthz', '/api/v1/polls/1', '/no-such-page']) {
			const res = await api('GET', path);
			assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
			assert.ok(res.headers.get('referrer-policy'));
			const csp = res.headers.get('content-security-policy');
			assert.match(csp, /frame-ancestors 'none'/);
			assert.doesNotMatch(csp, /unsafe-inline/);
		}
	});

	test('health, readiness and metrics', async () => {
		assert.equal((await api('GET', '/healthz')).status, 200);
		assert.equal((await api('GET', '/readyz')).status, 200);
		const m = await (await api('GET', '/metrics')).text();
		assert.match(m, /^involve_http_requests_total \d+$/m);
		assert.match(m, /^involve_votes_total\{outcome="accepted"\} \d+$/m);
	});
});
