// Bad input to every route of the JSON API, as `involve routes` lists them, on the demo: each
// route with ids that name something and ids that cannot (0, -1, letters, past 64 bits); each
// body-taking method with bodies that are not JSON, JSON of the wrong shape, the fields a
// caller might send with values of the wrong type or out of any range (each value in every
// field at once, and each field alone), text that is not UTF-8 and nesting past any limit; and
// each read with query parameters that make no sense.  The answer is never a server error: a
// success, or an RFC 9457 problem (application/problem+json with its status, title and
// detail).  Routes that delete go last, so the others find what they read.  Then the server
// still answers and stops cleanly (no sanitizer report).
// On each database, one server (as `make run` starts), whatever INVOLVE_TEST_CLUSTER says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ENGINES, startOn } from '../lib/database.mjs';
import { makeStaff } from '../lib/fixtures.mjs';

const servers = {};

before(async () => {
	for (const engine of ENGINES) servers[engine] = await startOn(engine, { args: ['--demo'] });
});

after(async () => {
	for (const server of Object.values(servers)) await server.stop();
});

const BAD_IDS = ['0', '-1', 'abc', '99999999999999999999', '1.5', '%00'];
const HUGE = 'x'.repeat(200000);
// Values of every type, and of the right type but out of any range.
const WRONG = [null, true, -1, 1e308, 'not a date', '', HUGE, [], [1, 'a', null], {},
	{ a: { b: 1 } }, '2023-02-31T25:61:00Z', '<script>alert(1)</script>'];
// The fields the API's bodies have (docs/api.md), each sent with each wrong value.
const FIELDS = ['title', 'question', 'options', 'pages', 'opens_at', 'closes_at',
	'who_can_answer', 'answers', 'channel', 'option_id', 'code', 'count', 'label', 'text',
	'markdown', 'easy_read', 'you_said', 'decision', 'what_changed', 'decided_by', 'decided_at',
	'links', 'themes', 'sentiment', 'reviewed', 'formative', 'enough_information',
	'enough_time', 'conscientious', 'proposal', 'affected', 'duty', 'involvement', 'kind',
	'target', 'key', 'version', 'status', 'position', 'name', 'email'];

function bodies() {
	const out = [
		{ raw: '', type: 'application/json' },
		{ raw: '{', type: 'application/json' },
		{ raw: 'null', type: 'application/json' },
		{ raw: '[]', type: 'application/json' },
		{ raw: '"text"', type: 'application/json' },
		{ raw: '{"title": "\xff\xfe"}', type: 'application/json', bytes: true },
		{ raw: '{"title": "a\\u0000b"}', type: 'application/json' },
		{ raw: '['.repeat(10000) + ']'.repeat(10000), type: 'application/json' },
		{ raw: 'title=x', type: 'application/x-www-form-urlencoded' },
		{ raw: '{}', type: 'application/json' },
	];
	// Each wrong value in every field at once (but the very long text, which would make a body
	// so large that the server answers 413 and closes the connection before it is all sent),
	// then each field alone with one of them.
	for (const v of WRONG.filter((w) => w !== HUGE)) {
		const all = Object.fromEntries(FIELDS.map((f) => [f, v]));
		out.push({ raw: JSON.stringify(all), type: 'application/json' });
	}
	FIELDS.forEach((field, i) => {
		out.push({ raw: JSON.stringify({ [field]: WRONG[i % WRONG.length] }), type: 'application/json' });
	});
	return out;
}

const QUERIES = ['?row=nope&col=nope', '?row=&col=', '?format=nope', '?limit=-1', '?limit=abc',
	'?cursor=%FF%FE', '?page=99999999999999999999', '?question=nope', '?theme=%00', '?status=x'];

// Each route of the API with its path's parameters filled: real ids where the demo has them,
// then each bad id in each place.
function pathsOf(pattern, real) {
	const params = [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
	const fill = (p, value) => p.replace(/\{\w+\}/, value);
	const good = params.reduce((p, name) => fill(p, real[name] ?? '1'), pattern);
	const out = [good];
	for (let i = 0; i < params.length; i++) {
		for (const bad of BAD_IDS) {
			let p = pattern;
			params.forEach((name, k) => { p = fill(p, k === i ? bad : (real[name] ?? '1')); });
			out.push(p);
		}
	}
	return out;
}

let statuses = {}; // status -> how many answered it, for the log

async function problemOrSuccess(res, what) {
	const text = await res.text();
	statuses[res.status] = (statuses[res.status] ?? 0) + 1;
	if (res.status >= 500) return `${what} answered ${res.status}: ${text.slice(0, 200)}`;
	if (res.status < 400) return null;
	if (!/^application\/problem\+json/.test(res.headers.get('content-type') || '')) {
		return `${what} answered ${res.status} as ${res.headers.get('content-type')}, not a problem`;
	}
	try {
		const p = JSON.parse(text);
		if (p.status !== res.status || !p.title || !p.detail) {
			return `${what}: an incomplete problem ${text.slice(0, 200)}`;
		}
	} catch {
		return `${what}: a problem that is not JSON`;
	}
	return null;
}

for (const engine of ENGINES) {
	test(`every API route, with bad ids, bodies and queries (${engine})`, async () => {
		const server = servers[engine];
		statuses = {};
		const { token } = await makeStaff(server, {
			org: 'blackpool', email: 'api.bad@example.org', role: 'administrator',
		});
		const auth = { Authorization: `Bearer ${token}` };
		const routes = JSON.parse((await server.cli(['routes'])).stdout)
			.filter((r) => r.pattern.startsWith('/api/'));
		assert.ok(routes.length >= 40, `${routes.length} API routes`);
		const surveys = await (await fetch(`${server.url}/api/v1/surveys`, { headers: auth })).json();
		const survey = surveys.items.find((s) => s.title.includes('strategy')) ?? surveys.items[0];
		const real = { id: survey.id, response: '1', question: 'q1', batch: '1', doc: '1', att: '1' };

		const ends = (method) => method === 'DELETE';
		const calls = [];
		for (const r of routes) {
			for (const method of r.methods.filter((m) => m !== 'HEAD')) calls.push({ r, method });
		}
		calls.sort((a, b) => ends(a.method) - ends(b.method));
		const problems = [];
		let sent = 0;
		for (const { r, method } of calls) {
			for (const path of pathsOf(r.pattern, r.pattern.startsWith('/api/v1/surveys') ? real : {})) {
				if (method === 'GET') {
					for (const q of ['', ...QUERIES]) {
						const res = await fetch(server.url + path + q, { headers: auth });
						sent++;
						const p = await problemOrSuccess(res, `GET ${path}${q}`);
						if (p) problems.push(p);
					}
					continue;
				}
				// Every body for the route with real ids; the first few with each bad id.
				const list = path === pathsOf(r.pattern, real)[0] ? bodies() : bodies().slice(0, 3);
				for (const b of list) {
					const res = await fetch(server.url + path, {
						method,
						headers: { ...auth, 'Content-Type': b.type },
						body: b.bytes ? Buffer.from(b.raw, 'latin1') : b.raw,
					});
					sent++;
					const p = await problemOrSuccess(res, `${method} ${path} ${b.raw.slice(0, 60)}`);
					if (p) problems.push(p);
				}
			}
		}
		console.log(`${engine}: ${calls.length} methods of ${routes.length} routes, ${sent} requests, ` +
			`answered ${JSON.stringify(statuses)}`);
		assert.deepEqual(problems, []);
		assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the server still answers');
	});
}
