// SQL injection.  Strings that break badly built SQL (quotes, comments, UNION, stacked
// statements, DROP TABLE, NUL, look-alike quotes) go into every parameter the server reads:
// path ids, slugs and keys of every route in the route table, query strings (cursor, limit,
// before, format, next), form fields, JSON fields and keys, cookies, the bearer token and the
// sign-in email.  None may make the server fail (no 5xx: a broken statement shows as 503),
// each answer must be one the route documents, and `sqlite3 .dump` of the whole database must
// be the same before and after.  Then the same strings are stored on purpose (questions,
// options, page text, organisation names) and must come back exactly as typed, with the
// schema, the staff, sessions, tokens and ballots untouched and the audit chain intact.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { createPoll } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import {
	assertSameDump, dumpDatabase, fillPattern, mainMethod, routeTable, setupOrg, signIn, SIGN_IN_RECORDS,
} from './common.mjs';

const run = promisify(execFile);

const SQLI = [
	"'",
	"''",
	'"',
	'`',
	'\\',
	"' OR '1'='1",
	"' OR 1=1--",
	"' OR 1=1 /*",
	'" OR ""="',
	'1 OR 1=1',
	"1' OR '1'='1' --",
	"admin'--",
	"'; DROP TABLE poll;--",
	'1; DROP TABLE poll',
	'1); DELETE FROM ballot; --',
	"'; UPDATE staff_user SET role='administrator';--",
	"'; INSERT INTO org (slug, name, created_at) VALUES ('pwn', 'pwn', 0);--",
	"' UNION SELECT email, password_hash FROM staff_user--",
	'1 UNION SELECT 1,2,3--',
	'1/**/UNION/**/SELECT/**/NULL,NULL--',
	"' AND 1=0 UNION ALL SELECT name, sql FROM sqlite_master--",
	"'||(SELECT hex(password_hash) FROM staff_user LIMIT 1)||'",
	"1' AND (SELECT COUNT(*) FROM sqlite_master) > 0 --",
	"'; ATTACH DATABASE '/tmp/involve-pwn.db' AS pwn; CREATE TABLE pwn.x(y);--",
	"'; PRAGMA writable_schema = 1; --",
	'1 AND randomblob(1000) --',
	'%27%20OR%201%3D1--',
	'%00',
	"1\u0000' OR '1'='1",
	"\u0000'; DROP TABLE poll;--",
	'\u2019 OR \u20181\u2019=\u20181',
	'\uff07 OR \uff11=\uff11--',
	'\u02bc OR 1=1--',
	'\u0027\u0022\u0060\u00b4\u2018\u201c',
	'9223372036854775808',
	'-1',
	'0',
	'1e3',
	'0x1',
	'$1',
	'?',
	':id',
	'@id',
];

// What a browser or client may be told, by kind of route (docs/api.md for the API).
const API_STATUSES = [200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422];
const PAGE_STATUSES = [200, 303, 400, 403, 404, 405, 409, 413, 415, 422];

let server;
let routes;
let token;
let staff;
let openPoll;
let draftPoll;
let closedPoll;

before(async () => {
	server = await startServer();
	routes = await routeTable();
	token = (await setupOrg(server, 'bury', 'NHS Bury',
		[{ email: 'admin@example.org', role: 'administrator' }]))['admin@example.org'];
	await setupOrg(server, 'blackpool', 'Blackpool Teaching Hospitals');
	staff = await signIn(server, 'admin@example.org');
	openPoll = await createPoll(server.url, token, { question: 'Open?', options: ['Yes', 'No'] });
	draftPoll = await createPoll(server.url, token,
		{ question: 'Draft?', options: ['Yes', 'No'], opens_at: '2099-01-01T09:00:00Z' });
	closedPoll = await createPoll(server.url, token, { question: 'Closed?', options: ['Yes', 'No'] });
	// A ballot, so the ballots table has a row a DELETE could take.
	const v = await fetch(`${server.url}/api/v1/polls/${closedPoll.id}/votes`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ options: [closedPoll.options[0].id] }),
	});
	assert.equal(v.status, 201);
	const c = await fetch(`${server.url}/api/v1/polls/${closedPoll.id}/close`, {
		method: 'POST', headers: { Authorization: `Bearer ${token}` },
	});
	assert.equal(c.status, 200);
});

after(async () => {
	if (server) await server.stop();
});

// Sends one request and checks its status against the allowed ones.
async function attempt(what, method, path, { headers = {}, body, allowed }) {
	let res;
	try {
		res = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
	} catch (err) {
		assert.fail(`${what}: ${method} ${path}: the request failed: ${err.message}`);
	}
	const text = await res.text();
	assert.ok(res.status < 500, `${what}: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
	assert.ok(allowed.includes(res.status), `${what}: ${method} ${path} answered ${res.status}, ` +
		`not one of ${allowed.join(', ')}: ${text.slice(0, 300)}`);
	return { status: res.status, text };
}

// A header value fetch can send (Latin-1, no control characters): the payload, or its
// URL-encoding when it has other characters.
function headerSafe(s) {
	return /^[\x20-\x7e]*$/.test(s) ? s : encodeURIComponent(s);
}

const form = (fields) => {
	const f = new URLSearchParams();
	for (const [k, v] of fields) f.append(k, v);
	return f.toString();
};

test('injection strings in every parameter are refused or ignored, and change nothing', async () => {
	const dumpBefore = await dumpDatabase(server.dataDir);
	const auth = { Cookie: staff.cookie, Authorization: `Bearer ${token}` };
	const formType = { 'Content-Type': 'application/x-www-form-urlencoded' };
	const jsonType = { 'Content-Type': 'application/json' };
	let sent = 0;

	for (const p of SQLI) {
		const enc = encodeURIComponent(p);
		// Path parameters of every route: ids, slugs, keys, files.
		for (const route of routes) {
			const method = mainMethod(route);
			const api = route.pattern.startsWith('/api/');
			const allowed = api ? API_STATUSES : PAGE_STATUSES;
			const names = [...route.pattern.matchAll(/\{([a-z]+)\*?\}/g)].map((m) => m[1]);
			for (const name of names) {
				const values = { id: openPoll.id, slug: 'bury', key: 'privacy', file: 'app.css', doc: '1',
					att: '1', target: '1', page: '1', link: 'A'.repeat(43), [name]: p };
				const target = fillPattern(route.pattern, values);
				const body = route.flags.includes('json') ? JSON.stringify({ options: [openPoll.options[0].id] }) :
					form([['csrf', staff.csrf], ['options', openPoll.options[0].id], ['confirm', 'no']]);
				const headers = { ...auth, ...(route.flags.includes('json') ? jsonType : formType) };
				await attempt(`${route.name} {${name}}`, method, target,
					{ headers, body: method === 'GET' || method === 'DELETE' ? undefined : body, allowed });
				sent++;
			}
		}

		// Query strings.
		await attempt('list limit', 'GET', `/api/v1/polls?limit=${enc}`, { headers: auth, allowed: [200, 400] });
		await attempt('list cursor', 'GET', `/api/v1/polls?cursor=${enc}&limit=${enc}`, { headers: auth, allowed: [200, 400] });
		await attempt('dashboard before', 'GET', `/staff/?before=${enc}&done=${enc}`, { headers: auth, allowed: [200] });
		await attempt('export format', 'GET', `/staff/polls/${openPoll.id}/export?format=${enc}`, { headers: auth, allowed: [400] });
		await attempt('sign-in next', 'GET', `/staff/login?next=${enc}`, { allowed: [200] });
		await attempt('poll voted', 'GET', `/o/bury/polls/${openPoll.id}?voted=${enc}&${enc}=${enc}`, { allowed: [200] });
		await attempt('staff view done', 'GET', `/staff/polls/${openPoll.id}?done=${enc}`, { headers: auth, allowed: [200] });

		// Form fields.
		await attempt('sign-in email', 'POST', '/staff/login',
			{ headers: formType, body: form([['email', p], ['password', p], ['next', p]]), allowed: [422] });
		await attempt('vote option', 'POST', `/o/bury/polls/${openPoll.id}`,
			{ headers: formType, body: form([['options', p], ['website', '']]), allowed: [422] });
		await attempt('embed vote option', 'POST', `/o/bury/polls/${openPoll.id}/embed`,
			{ headers: formType, body: form([['options', p]]), allowed: [422] });
		// A new poll's every field, refused for its opening date, so nothing is saved.
		await attempt('new poll form', 'POST', '/staff/polls', {
			headers: { ...auth, ...formType },
			body: form([['csrf', staff.csrf], ['question', p], ['option', p], ['option', `${p} 2`],
				['multiple', p], ['show_results', p], ['open', 'at'], ['opens_at-day', p],
				['opens_at-month', p], ['opens_at-year', p], ['opens_at-hour', p], ['opens_at-minute', p],
				['closes_at-day', p]]),
			allowed: [422],
		});
		await attempt('edit poll form', 'POST', `/staff/polls/${draftPoll.id}/edit`, {
			headers: { ...auth, ...formType },
			body: form([['csrf', staff.csrf], ['question', p], ['option', p], ['open', p]]),
			allowed: [422],
		});
		await attempt('delete confirmation', 'POST', `/staff/polls/${draftPoll.id}/delete`,
			{ headers: { ...auth, ...formType }, body: form([['csrf', staff.csrf], ['confirm', p]]), allowed: [422] });
		await attempt('page form without a body', 'POST', '/staff/pages/privacy',
			{ headers: { ...auth, ...formType }, body: form([['csrf', staff.csrf], ['title', p], ['body', '']]), allowed: [422] });
		await attempt('the CSRF field itself', 'POST', `/staff/polls/${draftPoll.id}/open`,
			{ headers: { ...auth, ...formType }, body: form([['csrf', p]]), allowed: [403] });

		// JSON fields and keys (a NUL is malformed JSON to the server: 400).
		const json = (v) => ({ headers: { ...auth, ...jsonType }, body: JSON.stringify(v) });
		await attempt('new poll JSON', 'POST', '/api/v1/polls',
			{ ...json({ question: p, options: [p, `${p} 2`], show_results: p }), allowed: [400, 422] });
		await attempt('new poll JSON times', 'POST', '/api/v1/polls',
			{ ...json({ question: p, options: [p, `${p} 2`], opens_at: p, closes_at: p }), allowed: [400, 422] });
		await attempt('new poll JSON key', 'POST', '/api/v1/polls',
			{ ...json({ question: 'Q?', options: ['A', 'B'], [p]: p }), allowed: [400, 422] });
		await attempt('change poll JSON', 'PATCH', `/api/v1/polls/${draftPoll.id}`,
			{ ...json({ question: p, multiple: p, opens_at: p }), allowed: [400, 422] });
		await attempt('vote JSON', 'POST', `/api/v1/polls/${openPoll.id}/votes`,
			{ ...json({ options: [p] }), allowed: [400, 422] });
		await attempt('vote JSON key', 'POST', `/api/v1/polls/${openPoll.id}/votes`,
			{ ...json({ options: [openPoll.options[0].id], [p]: 1 }), allowed: [400, 422] });
		await attempt('JSON as text', 'POST', `/api/v1/polls/${openPoll.id}/votes`,
			{ headers: jsonType, body: p, allowed: [400] });

		// Cookies, the bearer token and other headers.  A cookie with an unpaired '"' is a
		// malformed header, which the HTTP library refuses (431) before the application sees it.
		const h = headerSafe(p);
		const bad = h.includes('"') ? [431] : [];
		await attempt('session cookie', 'GET', '/staff/', { headers: { Cookie: `involve_session=${h}` }, allowed: [303, ...bad] });
		await attempt('session cookie on a form', 'POST', '/staff/polls', {
			headers: { ...formType, Cookie: `involve_session=${h}` }, body: form([['csrf', h]]), allowed: [403, ...bad],
		});
		await attempt('voter cookie', 'GET', `/o/bury/polls/${openPoll.id}/results`,
			{ headers: { Cookie: `involve_voter=${h}; involve_session=${h}` }, allowed: [403, ...bad] });
		await attempt('voter cookie on a closed poll', 'POST', `/api/v1/polls/${closedPoll.id}/votes`, {
			headers: { ...jsonType, Cookie: `involve_voter=${h}` },
			body: JSON.stringify({ options: [closedPoll.options[0].id] }), allowed: [409, ...bad],
		});
		await attempt('bearer token', 'GET', '/api/v1/polls', { headers: { Authorization: `Bearer ${h}` }, allowed: [401] });
		await attempt('bearer token on a change', 'DELETE', `/api/v1/polls/${draftPoll.id}`,
			{ headers: { Authorization: `Bearer ${h}` }, allowed: [401] });
		await attempt('origin', 'POST', `/o/bury/polls/${openPoll.id}`,
			{ headers: { ...formType, Origin: h }, body: form([['options', openPoll.options[0].id]]), allowed: [403] });
		sent += 31;
	}

	// Addresses that pass the email check yet carry SQL: looked up, not found, one message.
	for (const email of ["admin@example.org'--", "admin'or'1'='1@example.org", "x@example.org';DROP/**/TABLE/**/session;--",
		'admin@example.org%00', "'union/**/select/**/1@example.org"]) {
		const r = await attempt('sign-in address', 'POST', '/staff/login',
			{ headers: formType, body: form([['email', email], ['password', "' OR '1'='1"]]), allowed: [422] });
		assert.match(r.text, /The email address or password is not correct/);
	}

	assert.ok(sent > 1000, `${sent} requests sent`);
	const ready = await fetch(`${server.url}/readyz`);
	assert.equal(ready.status, 200, 'the database still answers');
	assertSameDump(await dumpDatabase(server.dataDir), dumpBefore, 'an injection attempt',
		{ mayAdd: SIGN_IN_RECORDS });
});

// Rows of one table in a dump.
function rows(dump, table) {
	return dump.split('\n').filter((line) => line.startsWith(`INSERT INTO ${table} VALUES(`));
}

async function query(sql) {
	const { stdout } = await run('sqlite3', ['-json', path.join(server.dataDir, 'involve.db'), sql]);
	return stdout.trim() ? JSON.parse(stdout) : [];
}

test('the same strings are stored exactly as typed and break nothing', async () => {
	const dumpBefore = await dumpDatabase(server.dataDir);
	const { stdout: schemaBefore } = await run('sqlite3', [path.join(server.dataDir, 'involve.db'), '.schema']);
	// Text a person may type: no control characters (those are refused, tried above).
	const texts = SQLI.filter((p) => !/[\u0000-\u001f]/.test(p) && p.trim() !== '');

	// Questions and options through the API, twenty options a poll.
	const made = [];
	for (let i = 0; i < texts.length; i++) {
		const options = [texts[i], `${texts[i]} (2)`];
		made.push({ question: texts[i], options, poll: await createPoll(server.url, token, { question: texts[i], options }) });
	}
	for (const m of made) {
		const res = await fetch(`${server.url}/api/v1/polls/${m.poll.id}`, { headers: { Authorization: `Bearer ${token}` } });
		const got = await res.json();
		assert.equal(got.question, m.question.trim());
		assert.deepEqual(got.options.map((o) => o.label), m.options.map((o) => o.trim()));
	}
	// Through the staff form, and a page of the site with every string.
	for (const t of texts.slice(0, 8)) {
		const r = await fetch(`${server.url}/staff/polls`, {
			method: 'POST', redirect: 'manual',
			headers: { Cookie: staff.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form([['csrf', staff.csrf], ['question', t], ['option', t], ['option', `${t} (2)`],
				['show_results', 'after_vote'], ['open', 'now']]),
		});
		assert.equal(r.status, 303, `staff form with ${t}: ${r.status} ${(await r.text()).slice(0, 200)}`);
	}
	const body = texts.join('\n\n');
	const saved = await fetch(`${server.url}/staff/pages/privacy`, {
		method: 'POST', redirect: 'manual',
		headers: { Cookie: staff.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: form([['csrf', staff.csrf], ['title', "Privacy'; DROP TABLE site_page;--"], ['body', body]]),
	});
	assert.equal(saved.status, 303);
	const [page] = await query("SELECT title, body FROM site_page WHERE key = 'privacy'");
	assert.equal(page.title, "Privacy'; DROP TABLE site_page;--");
	assert.equal(page.body, body);
	const questions = (await query('SELECT question FROM poll')).map((r) => r.question);
	for (const t of texts) assert.ok(questions.includes(t.trim()), `stored: ${t}`);

	// Organisation names through the command line.
	for (const [i, t] of texts.slice(0, 6).entries()) {
		const r = await server.cli(['org', 'create', '--slug', `sqli-${i}`, '--name', t]);
		assert.equal(r.code, 0, r.stderr);
	}
	const list = await server.cli(['org', 'list']);
	for (const [i, t] of texts.slice(0, 6).entries()) assert.ok(list.stdout.includes(`sqli-${i}\t${t.trim()}\n`), `org ${t}`);

	// Nothing else moved: the schema, staff, sessions, tokens, ballots.
	const dumpAfter = await dumpDatabase(server.dataDir);
	const { stdout: schemaAfter } = await run('sqlite3', [path.join(server.dataDir, 'involve.db'), '.schema']);
	assert.equal(schemaAfter, schemaBefore, 'the schema is unchanged');
	for (const table of ['staff_user', 'session', 'api_token', 'ballot', 'schema_migration']) {
		assert.deepEqual(rows(dumpAfter, table), rows(dumpBefore, table), `${table} is unchanged`);
	}
	assert.deepEqual(await query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
	const audit = await server.cli(['audit', 'verify']);
	assert.equal(audit.code, 0, `the audit chain holds: ${audit.stdout}${audit.stderr}`);
});
