// Cross-site request forgery.  Every route that changes state comes from the route table
// (`involve routes`), so a new route is tried without anyone editing this file, and each must
// have a defence a forged cross-site request cannot pass:
//   csrf         staff forms: the session's CSRF token in the form body.  Missing, empty, wrong,
//                another session's or another user's token, one sent elsewhere than the body,
//                or a token without the session: 403, and the database is unchanged.
//   token        the API: only a bearer token signs in, never the cookies a browser attaches,
//                so the session cookie with its CSRF token gets 401 and changes nothing.
//   public_form  anonymous forms (votes, sign-in): a request from another site's page (its
//                Origin) gets 403 and changes nothing.
//   json         anonymous JSON (API votes): what another site can send without a CORS
//                preflight (text/plain, a form, multipart) gets 415; no route grants CORS.
// A route with none of these fails the test.  Each refusal is followed by the same request
// done right, which must succeed, so the refusal is the token's doing and not the body's.
// GET routes, which carry no token, must change nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { createPoll } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import {
	assertSameDump, dumpDatabase, fillPattern, isStateChanging, mainMethod, routeTable, setupOrg,
	signIn, sqlValue,
} from './common.mjs';

const EVIL = 'https://evil.example';

let server;
let routes;
let adminToken;
let session;      // the administrator's session: {cookie, csrf}
let sameUser;     // a second session of the same administrator
let otherUser;    // the engagement officer's session

before(async () => {
	server = await startServer();
	routes = await routeTable();
	const tokens = await setupOrg(server, 'bury', 'NHS Bury', [
		{ email: 'admin@example.org', role: 'administrator' },
		{ email: 'officer@example.org', role: 'engagement_officer' },
	]);
	adminToken = tokens['admin@example.org'];
	session = await signIn(server, 'admin@example.org');
	sameUser = await signIn(server, 'admin@example.org');
	otherUser = await signIn(server, 'officer@example.org');
	assert.notEqual(session.csrf, sameUser.csrf, 'each session has its own token');
});

after(async () => {
	if (server) await server.stop();
});

// A fresh poll for a route to act on: a draft staff may still change, or an open one to vote on.
async function freshPoll(open, withCodes = false) {
	return createPoll(server.url, adminToken, {
		question: 'Which day suits you best?',
		options: ['Monday', 'Friday'],
		...(open ? {} : { opens_at: '2099-01-01T09:00:00Z' }),
		...(withCodes ? { who_can_answer: 'code' } : {}),
	});
}

async function request(method, path, { headers = {}, body } = {}) {
	const res = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
	const text = await res.text();
	assert.equal(res.headers.get('access-control-allow-origin'), null,
		`${method} ${path}: no route may allow another origin to read it`);
	return { status: res.status, text, location: res.headers.get('location') };
}

// The staff form fields any of the staff forms needs to succeed.
function urlForm(csrf, batch) {
	const f = new URLSearchParams();
	if (csrf !== undefined) f.set('csrf', csrf);
	f.set('confirm', 'yes');
	f.set('title', 'Privacy notice');
	f.set('body', 'How we look after your information.');
	f.set('question', 'Which evening suits you?');
	f.append('option', 'Tuesday');
	f.append('option', 'Thursday');
	f.set('show_results', 'after_vote');
	f.set('open', 'now');
	f.set('role', 'engagement_officer');
	f.set('require_mfa', 'none');
	f.set('count', '2');
	f.set('format', 'csv');
	if (batch !== undefined) f.set('batch', String(batch));
	return f.toString();
}

// The same, as a form with a file (a PDF), multipart/form-data as a browser sends it.
const BOUNDARY = 'involve-csrf-test';
function fileForm(csrf) {
	const part = (name, value, file) => `--${BOUNDARY}\r\nContent-Disposition: form-data; ` +
		`name="${name}"${file ? `; filename="${file}"\r\nContent-Type: application/pdf` : ''}` +
		`\r\n\r\n${value}\r\n`;
	return (csrf !== undefined ? part('csrf', csrf) : '') +
		part('file', '%PDF-1.4\n%%EOF\n', 'plan.pdf') + `--${BOUNDARY}--\r\n`;
}

// The latest batch of codes in the database (for withdrawing one).
async function latestBatch() {
	return Number(await sqlValue(server.dataDir, 'SELECT max(id) FROM poll_code_batch'));
}

// The id of a staff user, from the database.
async function userId(email) {
	return Number(await sqlValue(server.dataDir, `SELECT id FROM staff_user WHERE email = '${email}'`));
}

function mutate(token) {
	const last = token.slice(-1);
	return token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

// Runs the refused attempts, each checked for its status, then checks the database.
async function refusedAll(route, attempts) {
	const before = await dumpDatabase(server.dataDir);
	for (const a of attempts) {
		const r = await request(a.method, a.path, a);
		assert.equal(r.status, a.status, `${route.name} ${a.what}: expected ${a.status}, got ` +
			`${r.status} ${r.text.slice(0, 200)}`);
	}
	assertSameDump(await dumpDatabase(server.dataDir), before, `${route.name}: a forged request`);
}

test('the route table has state-changing routes of every kind', () => {
	const changing = routes.filter(isStateChanging);
	assert.ok(changing.length >= 10, `${changing.length} state-changing routes`);
	for (const kind of ['csrf', 'token', 'public_form', 'json']) {
		assert.ok(changing.some((r) => r.flags.includes(kind)), `a route with ${kind}`);
	}
	for (const r of changing) {
		if (r.flags.includes('staff')) {
			assert.ok(r.flags.includes('csrf'), `${r.name}: a staff form without a CSRF check`);
		}
	}
});

// The routes of polls, sign-in and staff accounts, which this test gives what they need to
// succeed; the others are checked to get past the defence (see below).
function isPollEra(route) {
	return /poll|^staff\.(login|logout|two_step|user|settings|page)|^api\.polls?\b/.test(route.name) &&
		!/survey|outcome|consultation|assessment/.test(route.name);
}

// A status that says the request got past the defences (sign-in, CSRF, Origin, media type) to
// the route's own checks.
function pastDefence(status) {
	return status < 500 && ![401, 403, 415].includes(status);
}

test('every state-changing route refuses a forged cross-site request', async () => {
	let tried = 0;
	for (const route of routes.filter(isStateChanging)) {
		const method = mainMethod(route);
		const flags = route.flags;
		// Votes and closing need an open poll; changes and opening a draft.
		const needsOpen = /vote|close/.test(route.name);
		const onUser = route.pattern.startsWith('/staff/users/');
		const withCodes = /codes/.test(route.name);
		const poll = route.pattern.includes('{id}') && !onUser ?
			await freshPoll(needsOpen, withCodes) : null;
		const slug = 'bury';
		const id = onUser ? await userId('officer@example.org') : poll?.id ?? '1';
		const path = fillPattern(route.pattern, { id, slug, key: onUser ? 'unblock' : 'privacy', file: 'app.css',
			doc: '1', att: '1', target: '1', page: '1', link: 'A'.repeat(43) });
		// Routes of surveys, outcomes, consultations and assessments get a poll's id and body,
		// which they refuse as not theirs: what matters is that a forged request is refused
		// by the defence, and one with the right credentials gets past it (whatever its own
		// checks then say).
		const strict = isPollEra(route);
		// Withdrawing needs a batch to withdraw: one is made with the right token first.
		let batch;
		if (route.name === 'staff.poll.codes.withdraw') {
			const made = await request('POST', `/staff/polls/${poll.id}/codes`, {
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: session.cookie },
				body: urlForm(session.csrf),
			});
			assert.equal(made.status, 200, `codes for ${route.name}: ${made.text.slice(0, 200)}`);
			batch = await latestBatch();
		}
		tried++;

		if (flags.includes('csrf')) {
			// A form with a file is sent as a browser sends it, multipart.
			const multipart = flags.includes('multipart');
			const form = { 'Content-Type': multipart ? `multipart/form-data; boundary=${BOUNDARY}` :
				'application/x-www-form-urlencoded' };
			const staffForm = multipart ? fileForm : urlForm;
			const cookie = { ...form, Cookie: session.cookie };
			const wrong = randomBytes(Math.ceil(session.csrf.length * 3 / 4)).toString('base64url')
				.slice(0, session.csrf.length);
			await refusedAll(route, [
				{ what: 'without a token', headers: cookie, body: staffForm() },
				{ what: 'with an empty token', headers: cookie, body: staffForm('') },
				{ what: 'with a made-up token', headers: cookie, body: staffForm(wrong) },
				{ what: 'with a token one character off', headers: cookie, body: staffForm(mutate(session.csrf)) },
				{ what: 'with the token and more', headers: cookie, body: staffForm(session.csrf + 'A') },
				{ what: 'with a token cut short', headers: cookie, body: staffForm(session.csrf.slice(0, -1)) },
				{ what: "with another session's token (same user)", headers: cookie, body: staffForm(sameUser.csrf) },
				{ what: "with another user's token", headers: cookie, body: staffForm(otherUser.csrf) },
				{ what: 'with the token in the query, not the form', path: `${path}?csrf=${encodeURIComponent(session.csrf)}`, headers: cookie, body: staffForm() },
				{ what: 'with the token in a header, not the form', headers: { ...cookie, 'X-CSRF-Token': session.csrf }, body: staffForm() },
				{ what: 'with the token but no session', headers: form, body: staffForm(session.csrf) },
				{ what: 'from another site', headers: { ...cookie, Origin: EVIL }, body: staffForm(otherUser.csrf) },
			].map((a) => ({ method, path, status: 403, body: staffForm(undefined, batch), ...a })));
			const ok = await request(method, path, { headers: cookie, body: staffForm(session.csrf, batch) });
			// Through the check, each route answers as it does: a download of codes (200), a
			// second factor's code that is not right (422), a redirect (303) for the rest.
			const expected = route.name === 'staff.poll.codes' ? 200 :
				route.name === 'staff.two_step' ? 422 : 303;
			if (strict) assert.equal(ok.status, expected, `${route.name} with the right token: ${ok.status} ${ok.text.slice(0, 300)}`);
			else assert.ok(pastDefence(ok.status), `${route.name} with the right token: ${ok.status} ${ok.text.slice(0, 300)}`);
			if (route.name === 'staff.logout') session = await signIn(server, 'admin@example.org');
		} else if (flags.includes('token')) {
			const json = route.flags.includes('json');
			const file = route.flags.includes('file');
			const body = json ? JSON.stringify({ question: 'Which day?', options: ['Monday', 'Friday'] }) :
				file ? '%PDF-1.4\n%%EOF\n' : undefined;
			const type = json ? { 'Content-Type': 'application/json' } :
				file ? { 'Content-Type': 'application/pdf' } : {};
			await refusedAll(route, [
				{ what: 'with the session cookie', headers: { ...type, Cookie: session.cookie }, body },
				{ what: 'with the session cookie and its CSRF token', headers: { ...type, Cookie: session.cookie, 'X-CSRF-Token': session.csrf }, body },
				{ what: 'from another site with the cookie', headers: { ...type, Cookie: session.cookie, Origin: EVIL }, body },
			].map((a) => ({ method, path, status: 401, ...a })));
			const ok = await request(method, path, { headers: { ...type, Authorization: `Bearer ${adminToken}` }, body });
			assert.ok(strict ? ok.status >= 200 && ok.status < 300 : pastDefence(ok.status),
				`${route.name} with the token: ${ok.status} ${ok.text.slice(0, 300)}`);
		} else if (flags.includes('public_form')) {
			const body = route.name === 'staff.login' ?
				new URLSearchParams({ email: 'admin@example.org', password: 'a long enough password for tests' }).toString() :
				new URLSearchParams({ options: poll.options[0].id }).toString();
			const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
			await refusedAll(route, [
				{ what: 'from another site', headers: { ...form, Origin: EVIL }, body },
				{ what: 'from an opaque origin', headers: { ...form, Origin: 'null' }, body },
				{ what: 'from another port of this host', headers: { ...form, Origin: server.url.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`) }, body },
				{ what: 'from a look-alike host', headers: { ...form, Origin: `${server.url}.evil.example` }, body },
			].map((a) => ({ method, path, status: 403, ...a })));
			const ok = await request(method, path, { headers: { ...form, Origin: server.url }, body });
			if (strict) assert.equal(ok.status, 303, `${route.name} from this site: ${ok.status} ${ok.text.slice(0, 300)}`);
			else assert.ok(pastDefence(ok.status), `${route.name} from this site: ${ok.status} ${ok.text.slice(0, 300)}`);
		} else if (flags.includes('json')) {
			const body = JSON.stringify({ options: [poll.options[0].id] });
			await refusedAll(route, [
				{ what: 'as text/plain', headers: { 'Content-Type': 'text/plain', Origin: EVIL }, body },
				{ what: 'as a form', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: EVIL }, body },
				{ what: 'as multipart', headers: { 'Content-Type': 'multipart/form-data; boundary=x', Origin: EVIL }, body: `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${body}\r\n--x--\r\n` },
			].map((a) => ({ method, path, status: 415, ...a })));
			// The preflight a cross-site JSON request needs is not granted.
			const pre = await request('OPTIONS', path, { headers: { Origin: EVIL, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type' } });
			assert.notEqual(pre.status, 204, `${route.name}: no preflight is granted`);
			const ok = await request(method, path, { headers: { 'Content-Type': 'application/json' }, body });
			assert.ok(strict ? ok.status >= 200 && ok.status < 300 : pastDefence(ok.status),
				`${route.name} as JSON: ${ok.status} ${ok.text.slice(0, 300)}`);
		} else {
			assert.fail(`${route.name} (${method} ${route.pattern}) changes state with no defence ` +
				`against forged requests: flags ${JSON.stringify(flags)}`);
		}
	}
	assert.ok(tried >= 10);
});

test('no GET route changes anything, even for a signed-in administrator', async () => {
	const poll = await freshPoll(true);
	const before = await dumpDatabase(server.dataDir);
	for (const route of routes.filter((r) => r.methods.includes('GET'))) {
		// A second id (a document, a file, a linked engagement), a survey's page and a private
		// link that lead nowhere: a GET of them must change nothing either.
		const path = fillPattern(route.pattern, { id: poll.id, slug: 'bury', key: 'privacy',
			file: 'app.css', doc: '1', att: '1', target: '1', page: '1', link: 'A'.repeat(43) });
		for (const query of ['', '?format=csv&done=deleted&voted=1&before=1']) {
			const r = await request('GET', path + query, {
				headers: { Cookie: session.cookie, Authorization: `Bearer ${adminToken}` },
			});
			assert.ok(r.status < 500, `GET ${path}${query}: ${r.status}`);
		}
	}
	assertSameDump(await dumpDatabase(server.dataDir), before, 'a GET');
});
