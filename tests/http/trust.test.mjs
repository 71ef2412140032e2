// Trust, over HTTP against the real server: the sign-in throttle, ending sessions and tokens,
// the command line's refusals, token expiry, session timeouts and ids, authentication checked
// before a body is read, who may read /metrics, polls answered with single-use codes and retry
// keys (on SQLite and on PostgreSQL), and that no client address is written down anywhere.
//
// Rows are read and changed behind the server's back with sqlite3 or psql (database.mjs).  In
// cluster mode (INVOLVE_TEST_CLUSTER=1) the tests that do not name a database run on the
// cluster; those about files and raw connections always run on one SQLite server.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ok, refused } from '../lib/commands.mjs';
import { ENGINES, sqlOf, sqliteFile, startOn } from '../lib/database.mjs';
import {
	createOrg, createPoll, makeStaff, orgWithStaff, pollResults, STAFF_PASSWORD, tokenIdOf, tokenOf,
} from '../lib/fixtures.mjs';
import { makeDataDir, runCli, sleep, startServer } from '../lib/server.mjs';
import {
	attemptSignIn, cookieOf, csrfOf, postForm, sessionSetCookie, signedIn, signIn, signOut,
	staffGet,
} from '../lib/staff.mjs';

const EMAIL = 'o@example.org';
const JSON_TYPE = { 'Content-Type': 'application/json' };

// ---- small helpers -----------------------------------------------------------------------------


// The status of GET /api/v1/polls (a token's own organisation's polls) with a token.
async function tokenStatus(base, token) {
	const res = await fetch(`${base}/api/v1/polls`, { headers: { Authorization: `Bearer ${token}` } });
	await res.arrayBuffer();
	return res.status;
}

function median(list) {
	const s = [...list].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const now = () => Math.floor(Date.now() / 1000);

// A vote through the JSON API as a new browser (no cookie unless given); resolves {res, status,
// text, body}, body parsed.
async function apiVote(base, pollId, body, headers = {}) {
	const res = await fetch(`${base}/api/v1/polls/${pollId}/votes`, {
		method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body),
	});
	const text = await res.text();
	return { res, status: res.status, text, body: text ? JSON.parse(text) : null };
}

// ---- the sign-in throttle ----------------------------------------------------------------------

describe('the sign-in throttle', () => {
	let server;
	let q;
	const wrongTimes = []; // how long the known email's wrong passwords took, ms
	let throttledPage;     // the 429 page of the known email

	before(async () => {
		// Refusals answered at once, so that their time shows whether a password was hashed
		// (the pause serve gives them by default is tried below).
		server = await startServer({ args: ['--refusal-delay', '0'] });
		q = sqlOf(server);
		await orgWithStaff(server, { email: EMAIL });
		await makeStaff(server, { email: 'known@example.org' });
	});
	after(() => server.stop());

	test('five wrong passwords, then even the right one is 429 with when to try again', async () => {
		// The email counts as one however it is typed.
		const typed = [EMAIL, 'O@EXAMPLE.ORG', ` ${EMAIL} `, 'o@Example.Org', EMAIL];
		for (let i = 1; i <= 5; i++) {
			const r = await attemptSignIn(server.url, typed[i - 1], `wrong password ${i}`);
			assert.equal(r.status, 422, `wrong password ${i}`);
			assert.match(r.text, /The email address or password is not correct/);
			assert.equal(r.cookie, '', 'no session');
			wrongTimes.push(r.ms);
		}
		const r = await attemptSignIn(server.url, EMAIL, STAFF_PASSWORD);
		assert.equal(r.status, 429, 'the right password, throttled');
		assert.equal(r.cookie, '', 'no session while throttled');
		const retry = Number(r.headers.get('retry-after'));
		assert.ok(Number.isInteger(retry) && retry > 840 && retry <= 900,
			`Retry-After is the rest of the 15 minutes: ${r.headers.get('retry-after')}`);
		assert.match(r.text, /too many attempts to sign in/);
		assert.match(r.text, /Try again after [^<]*\d[^<]* \(in 1[45] minutes\)/);
		assert.equal(r.headers.get('cache-control'), 'no-store');
		throttledPage = r.text;
	});

	test('a throttled attempt is answered without hashing a password: fast', async () => {
		const throttled = [];
		for (const password of [STAFF_PASSWORD, 'wrong again', STAFF_PASSWORD, 'wrong again', STAFF_PASSWORD]) {
			const r = await attemptSignIn(server.url, EMAIL, password);
			assert.equal(r.status, 429);
			throttled.push(r.ms);
		}
		// Loosely: a password hash costs tens of milliseconds at least; a refusal before it
		// costs a page.
		assert.ok(median(throttled) < median(wrongTimes) / 2,
			`throttled ${throttled.map(Math.round)} ms, wrong passwords ${wrongTimes.map(Math.round)} ms`);
	});

	test('by default a refused attempt is answered after a pause, which holds no thread', async () => {
		const paused = await startServer({ args: ['--refusal-delay', '700'] });
		try {
			await orgWithStaff(paused, { email: EMAIL });
			for (let i = 1; i <= 5; i++) {
				assert.equal((await attemptSignIn(paused.url, EMAIL, `wrong ${i}`)).status, 422);
			}
			// Ten throttled attempts at once: each answered after the pause, together.
			const started = Date.now();
			const all = await Promise.all(Array.from({ length: 10 },
				() => attemptSignIn(paused.url, EMAIL, 'wrong again')));
			const took = Date.now() - started;
			for (const r of all) {
				assert.equal(r.status, 429);
				assert.ok(r.ms >= 650, `answered after the pause: ${Math.round(r.ms)} ms`);
				assert.match(r.text, /too many attempts to sign in/);
			}
			assert.ok(took < 5000, `the ten waited side by side, not in turn: ${took} ms`);
			// Meanwhile the server answers everyone else at once.
			const t = Date.now();
			assert.equal((await fetch(`${paused.url}/healthz`)).status, 200);
			assert.ok(Date.now() - t < 500, 'healthz is not held up');
		} finally {
			await paused.stop();
		}
		for (const bad of ['-1', 'abc', '60001', '']) {
			const r = await runCli(makeDataDir(), ['serve', '--refusal-delay', bad]);
			assert.equal(r.code, 2, `--refusal-delay ${JSON.stringify(bad)}: ${r.stderr}`);
			assert.match(r.stderr, /--refusal-delay must be a whole number of milliseconds/);
		}
	});

	test('an unknown email gets the same answers as a known one', async () => {
		const email = 'nobody@example.org';
		// The same pages as an account's, but for the email shown in them and the time.
		const same = (page, shown) => page.replaceAll(shown, 'EMAIL')
			.replace(/Try again after [^<]*/, 'Try again after WHEN');
		const known = await attemptSignIn(server.url, 'known@example.org', 'wrong password');
		assert.equal(known.status, 422);
		for (let i = 1; i <= 5; i++) {
			const r = await attemptSignIn(server.url, email, `wrong password ${i}`);
			assert.equal(r.status, 422);
			assert.equal(same(r.text, email), same(known.text, 'known@example.org'));
		}
		const r = await attemptSignIn(server.url, email, 'wrong password 6');
		assert.equal(r.status, 429);
		assert.equal(same(r.text, email), same(throttledPage, EMAIL));
		assert.ok(Number(r.headers.get('retry-after')) > 840);
	});

	test('involve user unblock lifts the throttle; its email can sign in and out again', async () => {
		await refused(server.cli(['user', 'unblock']), 2, /unblock needs --email/);
		await refused(server.cli(['user', 'unblock', '--email', 'unknown@example.org']), 1,
			/there is no user unknown@example.org/);
		assert.equal((await attemptSignIn(server.url, EMAIL, STAFF_PASSWORD)).status, 429,
			'still throttled after the refusals');
		const r = await ok(server.cli(['user', 'unblock', '--email', EMAIL]));
		assert.match(r.stdout, /o@example\.org may try to sign in again now \([1-9]\d* throttles? lifted\)/);
		const { cookie, csrf } = await signIn(server.url, EMAIL, STAFF_PASSWORD);
		await signOut(server.url, cookie, csrf);
		assert.equal(await signedIn(server.url, cookie), false, 'signed out');
	});

	test('the audit log has each step, and never the password or the address', () => {
		const actions = Object.fromEntries(q("SELECT action, count(*) FROM audit_entry " +
			"WHERE action LIKE 'signin%' GROUP BY action").split('\n').map((l) => l.split('|')));
		// Five wrong passwords for each of two emails and one for a third: each counted once
		// (a throttled attempt is not); two emails reached the limit.
		assert.deepEqual(actions, { 'signin.fail': '11', 'signin.throttle': '2', 'signin.lift': '1',
			signin: '1', 'signin.signout': '1' });
		// The throttle is recorded against the account, or the email typed when none has it.
		assert.match(q("SELECT actor || ' ' || target FROM audit_entry WHERE action = " +
			"'signin.throttle' ORDER BY seq LIMIT 1"), /^o@example\.org user:\d+$/);
		assert.match(q("SELECT actor || ' ' || target FROM audit_entry WHERE action = " +
			"'signin.fail' AND actor = 'nobody@example.org' LIMIT 1"), /^nobody@example\.org signin$/);
		const all = q('SELECT actor, action, target, detail FROM audit_entry');
		for (const secret of ['wrong password', STAFF_PASSWORD, '127.0.0.1']) {
			assert.ok(!all.includes(secret), `the audit log holds "${secret}"`);
		}
	});
});

// ---- the command line's refusals ---------------------------------------------------------------

describe('tokens and accounts from the command line: refusals change nothing', () => {
	let server;
	let q;
	let officer; // {email, token}
	let boltonTokenId;

	// What the refusals must leave alone.
	const state = () => q('SELECT id, user_id, org_id, expires_at, revoked_at FROM api_token ORDER BY id') +
		'\n' + q('SELECT id, email, role, disabled_at, mfa_on FROM staff_user ORDER BY id') +
		'\n' + q('SELECT slug, require_mfa FROM org ORDER BY id') +
		'\n' + q('SELECT count(*) FROM audit_entry');

	before(async () => {
		server = await startServer();
		q = sqlOf(server);
		await createOrg(server);
		await makeStaff(server, { email: 'admin@example.org', role: 'administrator' });
		officer = await makeStaff(server, { email: EMAIL });
		await createOrg(server, 'bolton', 'NHS Bolton');
		await makeStaff(server, { org: 'bolton', email: 'b@bolton.example.org' });
		boltonTokenId = q("SELECT t.id FROM api_token t JOIN org o ON o.id = t.org_id WHERE o.slug = 'bolton'");
	});
	after(() => server.stop());

	test('token revoke: once; twice is refused; another organisation\'s token is not found', async () => {
		const made = await ok(server.cli(['token', 'create', '--org', 'bury', '--user', EMAIL]));
		const id = tokenIdOf(made.stdout);
		const token = tokenOf(made.stdout);
		assert.equal(await tokenStatus(server.url, token), 200);
		assert.match((await ok(server.cli(['token', 'revoke', '--org', 'bury', '--id', id]))).stdout,
			new RegExp(`Revoked token ${id}`));
		assert.equal(await tokenStatus(server.url, token), 401);
		const was = state();
		await refused(server.cli(['token', 'revoke', '--org', 'bury', '--id', id]), 1,
			new RegExp(`token ${id} is revoked already`));
		await refused(server.cli(['token', 'revoke', '--org', 'bury', '--id', boltonTokenId]), 1,
			new RegExp(`'bury' has no token ${boltonTokenId}`));
		await refused(server.cli(['token', 'revoke', '--org', 'bury', '--id', '999999']), 1,
			/'bury' has no token 999999/);
		await refused(server.cli(['token', 'revoke', '--org', 'nowhere', '--id', id]), 1,
			/no organisation 'nowhere'/);
		await refused(server.cli(['token', 'revoke', '--org', 'bury', '--id', 'abc']), 2, /revoke needs --id/);
		await refused(server.cli(['token', 'revoke', '--org', 'bury']), 2, /revoke needs --id/);
		assert.equal(state(), was);
		assert.equal(q(`SELECT revoked_at FROM api_token WHERE id = ${boltonTokenId}`), '0',
			'the other organisation\'s token still works');
	});

	test('token create --expires must be 1 to 3650 days', async () => {
		const was = state();
		for (const days of ['0', 'abc', '-1', '3651', '1.5', '']) {
			await refused(server.cli(['token', 'create', '--org', 'bury', '--user', EMAIL, '--expires', days]),
				2, /--expires must be a whole number of days from 1 to 3650/);
		}
		await refused(server.cli(['token', 'create', '--org', 'bury', '--user', 'nobody@example.org']), 1,
			/nobody@example\.org is not a user of 'bury'/);
		await refused(server.cli(['token', 'create', '--org', 'bury', '--user', 'b@bolton.example.org']), 1,
			/is not a user of 'bury'/);
		assert.equal(state(), was);
	});

	test('token list shows ids, users, dates and states, never a token', async () => {
		const made = await ok(server.cli(['token', 'create', '--org', 'bury', '--user', EMAIL, '--expires', '30']));
		const token = tokenOf(made.stdout);
		const r = await ok(server.cli(['token', 'list', '--org', 'bury']));
		assert.match(r.stdout, /^id\tuser\tcreated\tlast used\texpires\tstate$/m);
		const id = tokenIdOf(made.stdout);
		// id, user, created, last used (never), expires (a time), state
		assert.match(r.stdout, new RegExp(`^${id}\\to@example\\.org\\t\\S+Z\\tnever\\t\\S+Z\\tactive$`, 'm'));
		assert.match(r.stdout, /\trevoked$/m, 'the revoked token is listed as revoked');
		assert.ok(!r.stdout.includes(token) && !r.stdout.includes(officer.token), 'no token printed');
		assert.doesNotMatch(r.stdout + r.stderr, /inv_/);
		const own = await ok(server.cli(['token', 'list', '--org', 'bury', '--user', EMAIL]));
		assert.doesNotMatch(own.stdout, /admin@example\.org/);
	});

	test('user role and disable never leave an organisation without an administrator', async () => {
		const was = state();
		await refused(server.cli(['user', 'role', '--org', 'bury', '--email', 'admin@example.org',
			'--role', 'viewer']), 1, /only administrator/);
		await refused(server.cli(['user', 'disable', '--org', 'bury', '--email', 'admin@example.org']), 1,
			/only administrator/);
		await refused(server.cli(['user', 'role', '--org', 'bury', '--email', EMAIL, '--role', 'king']), 2,
			/role needs --role/);
		assert.equal(state(), was);
		// Another administrator who cannot sign in does not count.
		await makeStaff(server, { email: 'admin2@example.org', role: 'administrator' });
		await ok(server.cli(['user', 'disable', '--org', 'bury', '--email', 'admin2@example.org']));
		const then = state();
		await refused(server.cli(['user', 'role', '--org', 'bury', '--email', 'admin@example.org',
			'--role', 'viewer']), 1, /only administrator/);
		assert.equal(state(), then);
		await ok(server.cli(['user', 'enable', '--org', 'bury', '--email', 'admin2@example.org']));
		await ok(server.cli(['user', 'role', '--org', 'bury', '--email', 'admin2@example.org', '--role', 'viewer']));
	});

	test('user disable twice, enable twice, reset-mfa of none: refused', async () => {
		await ok(server.cli(['user', 'disable', '--org', 'bury', '--email', EMAIL]));
		assert.equal(await tokenStatus(server.url, officer.token), 401, 'a disabled user\'s token');
		let was = state();
		await refused(server.cli(['user', 'disable', '--org', 'bury', '--email', EMAIL]), 1, /already disabled/);
		assert.equal(state(), was);
		await ok(server.cli(['user', 'enable', '--org', 'bury', '--email', EMAIL]));
		assert.equal(await tokenStatus(server.url, officer.token), 401,
			'enabled again, the old token stays ended');
		was = state();
		await refused(server.cli(['user', 'enable', '--org', 'bury', '--email', EMAIL]), 1, /can already sign in/);
		await refused(server.cli(['user', 'reset-mfa', '--email', EMAIL]), 1,
			/has no two-step verification to reset/);
		assert.equal(state(), was);
	});

	test('unknown emails, other organisations\' users and bad values are refused', async () => {
		const was = state();
		const nobody = 'nobody@example.org';
		await refused(server.cli(['user', 'passwd', '--email', nobody], { input: 'a new long password\n' }), 1,
			/there is no user nobody@example\.org/);
		await refused(server.cli(['user', 'reset-mfa', '--email', nobody]), 1, /there is no user/);
		await refused(server.cli(['user', 'unblock', '--email', nobody]), 1, /there is no user/);
		for (const action of ['disable', 'enable']) {
			await refused(server.cli(['user', action, '--org', 'bury', '--email', nobody]), 1,
				/nobody@example\.org is not a user of 'bury'/);
		}
		await refused(server.cli(['user', 'role', '--org', 'bury', '--email', nobody, '--role', 'viewer']), 1,
			/is not a user of 'bury'/);
		await refused(server.cli(['user', 'disable', '--org', 'bury', '--email', 'b@bolton.example.org']), 1,
			/b@bolton\.example\.org is not a user of 'bury'/);
		await refused(server.cli(['user', 'disable', '--org', 'bury', '--email', 'not an email']), 2, /email/);
		await refused(server.cli(['user', 'passwd', '--email', EMAIL], { input: 'short\n' }), 2, /password/);
		await refused(server.cli(['user', 'frobnicate', '--email', EMAIL]), 2, /unknown action 'frobnicate'/);
		await refused(server.cli(['org', 'update', '--slug', 'bury', '--require-mfa', 'maybe']), 2,
			/--require-mfa must be none, administrators or all, not 'maybe'/);
		assert.equal(state(), was);
		assert.equal(q("SELECT require_mfa FROM org WHERE slug = 'bury'"), 'none');
	});
});

// ---- token expiry ------------------------------------------------------------------------------

describe('token expiry', () => {
	let server;
	let q;

	before(async () => {
		server = await startServer();
		q = sqlOf(server);
		await orgWithStaff(server);
	});
	after(() => server.stop());

	test('a token made to last a day works until then, and is 401 once past it', async () => {
		const made = await ok(server.cli(['token', 'create', '--org', 'bury', '--user', EMAIL, '--expires', '1']));
		const id = tokenIdOf(made.stdout);
		const token = tokenOf(made.stdout);
		const expires = Number(q(`SELECT expires_at FROM api_token WHERE id = ${id}`));
		assert.ok(Math.abs(expires - (now() + 86400)) < 120, `expires in a day: ${expires}`);
		assert.match(made.stdout, /expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
		assert.equal(await tokenStatus(server.url, token), 200);
		q(`UPDATE api_token SET expires_at = ${now() - 5} WHERE id = ${id}`);
		const res = await fetch(`${server.url}/api/v1/polls`, { headers: { Authorization: `Bearer ${token}` } });
		assert.equal(res.status, 401);
		assert.match(res.headers.get('www-authenticate'), /Bearer/);
		assert.match((await res.json()).detail, /not valid/);
		const list = await ok(server.cli(['token', 'list', '--org', 'bury']));
		assert.match(list.stdout, new RegExp(`^${id}\\t.*\\texpired$`, 'm'));
	});
});

// ---- sessions ----------------------------------------------------------------------------------

describe('sessions', () => {
	test('an idle session ends: --session-idle 1 and a minute unused', async () => {
		const server = await startServer({ args: ['--session-idle', '1'] });
		const q = sqlOf(server);
		try {
			await orgWithStaff(server);
			const { cookie } = await signIn(server.url, EMAIL, STAFF_PASSWORD);
			q(`UPDATE session SET last_seen_at = ${now() - 30}`);
			assert.equal(await signedIn(server.url, cookie), true, 'half a minute unused');
			// In use, it goes on: used 55 s after it was last recorded, then (the clock moved
			// on by shifting what was recorded) 7 s later.
			q(`UPDATE session SET last_seen_at = ${now() - 55}`);
			assert.equal(await signedIn(server.url, cookie), true, 'used after 55 s');
			q('UPDATE session SET last_seen_at = last_seen_at - 7');
			assert.equal(await signedIn(server.url, cookie), true, 'used again 7 s later');
			q(`UPDATE session SET last_seen_at = ${now() - 120}`);
			const res = await staffGet(server.url, '/staff/polls/new', cookie);
			assert.equal(res.status, 303);
			assert.match(res.headers.get('location'), /^\/staff\/login\?next=%2Fstaff%2Fpolls%2Fnew$/);
			assert.equal(await signedIn(server.url, cookie), false, 'it stays ended');
		} finally {
			await server.stop();
		}
	});

	test('signing in gives a new session id; the one before stops working', async () => {
		const server = await startServer();
		try {
			await orgWithStaff(server);
			const first = await signIn(server.url, EMAIL, STAFF_PASSWORD);
			const again = await attemptSignIn(server.url, EMAIL, STAFF_PASSWORD, { cookie: first.cookie });
			assert.equal(again.status, 303);
			assert.ok(again.cookie && again.cookie !== first.cookie, 'a new id');
			assert.equal(await signedIn(server.url, first.cookie), false, 'the old id is gone');
			assert.equal(await signedIn(server.url, again.cookie), true);
			// An id planted in the browser before the sign-in is not the one it gets.
			const planted = 'involve_session=planted-by-someone-else';
			const fresh = await attemptSignIn(server.url, EMAIL, STAFF_PASSWORD, { cookie: planted });
			assert.equal(fresh.status, 303);
			assert.notEqual(fresh.cookie, planted);
			assert.equal(await signedIn(server.url, planted), false);
		} finally {
			await server.stop();
		}
	});

	test('behind an https address the cookie is __Host-involve_session, Secure, for the whole site', async () => {
		const server = await startServer({ args: ['--public-url', 'https://involve.example.org'] });
		try {
			await orgWithStaff(server);
			const r = await attemptSignIn(server.url, EMAIL, STAFF_PASSWORD);
			assert.equal(r.status, 303);
			const set = sessionSetCookie(r.res);
			assert.match(set, /^__Host-involve_session=[^;]+;/);
			const attrs = set.split(';').slice(1).map((a) => a.trim());
			assert.ok(attrs.includes('Secure'), set);
			assert.ok(attrs.includes('Path=/'), set);
			assert.ok(attrs.includes('HttpOnly'), set);
			assert.ok(!attrs.some((a) => /^Domain=/i.test(a)), `no Domain: ${set}`);
			assert.equal(await signedIn(server.url, r.cookie), true);
			// The plain name is not read behind https.
			const plain = r.cookie.replace(/^__Host-/, '');
			assert.equal(await signedIn(server.url, plain), false);
		} finally {
			await server.stop();
		}
	});

	test('--session-idle must be 1 to 480 minutes', async () => {
		const dir = makeDataDir();
		for (const value of ['0', 'abc', '481', '-5', '']) {
			await refused(runCli(dir, ['serve', '--listen', '127.0.0.1:1', '--session-idle', value],
				{ timeout: 15000 }), 2, /--session-idle must be a whole number of minutes from 1 to 480/);
		}
	});
});

// ---- authentication before the body ------------------------------------------------------------

// POSTs a body of `body` (a Buffer) to base+path in chunks of `chunk` bytes every `interval` ms,
// stopping as soon as an answer begins; with chunked, in HTTP's chunked encoding rather than
// declared by Content-Length.  Resolves {status, headers, text, sent, total}: sent is how many
// bytes had gone when the answer came.
function slowUpload(base, path, headers, body, { chunk = 2048, interval = 40, chunked = false } = {}) {
	const { hostname, port } = new URL(base);
	return new Promise((resolve, reject) => {
		let sent = 0;
		let answered = false;
		let timer = null;
		const req = http.request({
			host: hostname, port, path, method: 'POST', agent: false,
			// Without a Content-Length, node sends the body chunked.
			headers: chunked ? headers : { ...headers, 'Content-Length': body.length },
		});
		req.on('response', (res) => {
			answered = true;
			clearTimeout(timer);
			const at = sent;
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString(),
					sent: at, total: body.length });
				req.destroy();
			});
		});
		// Once answered, the server may close while the rest of the body is refused.
		req.on('error', (err) => answered || reject(err));
		const pump = () => {
			if (answered) return;
			if (sent >= body.length) {
				req.end();
				return;
			}
			const piece = body.subarray(sent, sent + chunk);
			sent += piece.length;
			req.write(piece);
			timer = setTimeout(pump, interval);
		};
		req.flushHeaders();
		pump();
	});
}

describe('authentication is checked before a body is read', () => {
	let server; // always one server, reached directly: a proxy would take the body first
	let token;

	before(async () => {
		server = await startOn('sqlite');
		({ token } = await orgWithStaff(server));
	});
	after(() => server.stop());

	// JSON of exactly n bytes: a poll whose question is padding.
	const jsonOf = (n) => {
		const shell = JSON.stringify({ question: '', options: ['Yes', 'No'] });
		return Buffer.from(JSON.stringify({ question: 'x'.repeat(n - shell.length), options: ['Yes', 'No'] }));
	};

	test('a staff form posted without a session: 403 while 120 KiB are still to come', async () => {
		const body = Buffer.from(`title=Privacy&body=${'a'.repeat(120 * 1024 - 19)}`);
		assert.equal(body.length, 120 * 1024);
		const r = await slowUpload(server.url, '/staff/pages/privacy',
			{ 'Content-Type': 'application/x-www-form-urlencoded' }, body);
		assert.equal(r.status, 403);
		assert.match(r.text, /Your session has ended/);
		assert.ok(r.sent < r.total / 2, `answered after ${r.sent} of ${r.total} bytes`);
		// And with a session cookie that opens nothing.
		const stale = await slowUpload(server.url, '/staff/pages/privacy', {
			'Content-Type': 'application/x-www-form-urlencoded', Cookie: 'involve_session=ended-long-ago',
		}, body);
		assert.equal(stale.status, 403);
		assert.ok(stale.sent < stale.total / 2, `answered after ${stale.sent} of ${stale.total} bytes`);
		// And sent chunked, its length unknown.
		const chunked = await slowUpload(server.url, '/staff/pages/privacy',
			{ 'Content-Type': 'application/x-www-form-urlencoded' }, body, { chunked: true });
		assert.equal(chunked.status, 403);
		assert.ok(chunked.sent < chunked.total / 2, `answered after ${chunked.sent} of ${chunked.total} bytes`);
	});

	test('an API call with a bad token: 401 while 60 KiB of JSON are still to come', async () => {
		const body = jsonOf(60 * 1024);
		assert.ok(body.length < 64 * 1024, 'under the route\'s limit');
		const r = await slowUpload(server.url, '/api/v1/polls',
			{ ...JSON_TYPE, Authorization: 'Bearer inv_not-a-real-token' }, body);
		assert.equal(r.status, 401);
		assert.equal(JSON.parse(r.text).status, 401);
		assert.ok(r.sent < r.total / 2, `answered after ${r.sent} of ${r.total} bytes`);
		const none = await slowUpload(server.url, '/api/v1/polls', JSON_TYPE, body);
		assert.equal(none.status, 401, 'no token at all');
		assert.ok(none.sent < none.total / 2, `answered after ${none.sent} of ${none.total} bytes`);
		// The same upload with a good token is read to its end before it is answered.
		const good = await slowUpload(server.url, '/api/v1/polls',
			{ ...JSON_TYPE, Authorization: `Bearer ${token}` }, body, { chunk: 8192, interval: 20 });
		assert.equal(good.status, 422, 'read, then refused: the question is far too long');
		assert.equal(good.sent, good.total);
	});

	test('the server goes on answering after refusing', async () => {
		assert.equal(await tokenStatus(server.url, token), 200);
	});
});

// ---- /metrics ----------------------------------------------------------------------------------

describe('/metrics', () => {
	const metrics = async (base, token) => {
		const res = await fetch(`${base}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
		return { status: res.status, text: await res.text() };
	};

	test('--metrics-allow 10.0.0.0/8: not to this machine, but to an administrator\'s token', async () => {
		const server = await startServer({ args: ['--metrics-allow', '10.0.0.0/8'] });
		try {
			await createOrg(server);
			const admin = await makeStaff(server, { email: 'admin@example.org', role: 'administrator' });
			const officer = await makeStaff(server, { email: EMAIL, role: 'engagement_officer' });
			let r = await metrics(server.url);
			assert.equal(r.status, 403, 'loopback is not in 10.0.0.0/8');
			assert.match(r.text, /--metrics-allow/);
			assert.doesNotMatch(r.text, /involve_http_requests_total/);
			r = await metrics(server.url, admin.token);
			assert.equal(r.status, 200);
			assert.match(r.text, /^involve_http_requests_total \d+$/m);
			r = await metrics(server.url, officer.token);
			assert.equal(r.status, 403, 'an officer\'s token');
			assert.doesNotMatch(r.text, /involve_http_requests_total/);
			assert.equal((await metrics(server.url, 'inv_nonsense')).status, 401, 'a bad token');
		} finally {
			await server.stop();
		}
	});

	test('by default, this machine may read them', async () => {
		const server = await startServer();
		try {
			const r = await metrics(server.url);
			assert.equal(r.status, 200);
			assert.match(r.text, /^involve_votes_total\{outcome="accepted"\} \d+$/m);
		} finally {
			await server.stop();
		}
	});

	test('--metrics-allow nonsense: serve refuses to start, saying why', async () => {
		const r = await refused(runCli(makeDataDir(), ['serve', '--listen', '127.0.0.1:1',
			'--metrics-allow', 'nonsense'], { timeout: 15000 }), 2, /--metrics-allow/);
		assert.match(r.stderr, /"nonsense" is not an IPv4 or IPv6 address/);
		assert.doesNotMatch(r.stderr, /trusted-proxy/, 'it names the option that was given');
		await refused(runCli(makeDataDir(), ['serve', '--listen', '127.0.0.1:1',
			'--metrics-allow', '10.0.0.0/33'], { timeout: 15000 }), 2, /--metrics-allow/);
	});
});

// ---- polls answered with a code, and retry keys: on each database ------------------------------

// Rows of `involve poll codes` CSV (RFC 4180: lines end with CRLF): [{code, link}].
function csvCodes(text) {
	assert.ok(text.endsWith('\r\n'), 'the CSV ends with CRLF');
	const [head, ...rows] = text.slice(0, -2).split('\r\n');
	assert.equal(head, 'code,link');
	return rows.map((line) => {
		const [code, link] = line.split(',');
		return { code, link };
	});
}

// `involve poll codes --list`: [{batch, codes, used, withdrawn}].
function batchList(stdout) {
	const [head, ...rows] = stdout.trim().split('\n');
	assert.equal(head, 'batch\tmade\tcodes\tused\twithdrawn');
	return rows.map((line) => {
		const [batch, made, codes, used, withdrawn] = line.split('\t');
		assert.match(made, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		return { batch, codes: Number(codes), used: Number(used), withdrawn: withdrawn !== 'no' };
	});
}

// The batch number `involve poll codes` reported on stderr.
function batchOf(stderr) {
	const m = /Made batch (\d+): (\d+) codes/.exec(stderr);
	assert.ok(m, `poll codes reported its batch: ${stderr}`);
	return m[1];
}

const CODE = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{2}$/;

for (const engine of ENGINES) {
	describe(`polls answered with a code (${engine})`, () => {
		let server;
		let q;
		let token;
		let poll;
		let other; // another poll answered with a code
		const codes = (args) => server.cli(['poll', 'codes', '--org', 'bury', ...args]);

		before(async () => {
			server = await startOn(engine);
			q = sqlOf(server);
			({ token } = await orgWithStaff(server));
			poll = await createPoll(server.url, token,
				{ question: 'With a code?', options: ['Yes', 'No'], who_can_answer: 'code' });
			other = await createPoll(server.url, token,
				{ question: 'Another with a code?', options: ['Yes', 'No'], who_can_answer: 'code' });
		});
		after(() => server.stop());

		test('the API says who can answer', () => {
			assert.equal(poll.who_can_answer, 'code');
		});

		test('codes as CSV, PDF and SVG; a code answers once, and nothing links it to its ballot', async () => {
			const r = await ok(codes(['--poll', poll.id, '--count', '5', '--public-url', server.url]));
			const batch = batchOf(r.stderr);
			const rows = csvCodes(r.stdout);
			assert.equal(rows.length, 5);
			for (const { code, link } of rows) {
				assert.match(code, CODE);
				assert.equal(link, `${server.url}/o/bury/polls/${poll.id}?code=${code.replaceAll('-', '')}`);
			}
			assert.equal(new Set(rows.map((x) => x.code)).size, 5, 'all different');
			assert.equal(q(`SELECT count(*) FROM poll_code WHERE poll_id = ${poll.id}`), '5');

			const pdf = path.join(makeDataDir(), 'codes.pdf');
			const p = await ok(codes(['--poll', poll.id, '--count', '3', '--format', 'pdf', '--output', pdf]));
			assert.match(p.stderr, /written to .*codes\.pdf/);
			const bytes = readFileSync(pdf);
			assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
			assert.ok((bytes.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) || []).length >= 1, 'pages');
			assert.match(bytes.subarray(-16).toString('latin1'), /%%EOF/);
			await refused(codes(['--poll', poll.id, '--count', '3', '--format', 'pdf', '--output', pdf]), 1,
				/exists already/);
			const svg = await ok(codes(['--poll', poll.id, '--count', '2', '--format', 'svg']));
			assert.match(svg.stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
			assert.match(svg.stdout, /<\/svg>\s*$/);

			const [first, second] = rows;
			let v = await apiVote(server.url, poll.id, { options: [poll.options[0].id], code: first.code });
			assert.equal(v.status, 201, v.text);
			assert.equal(q(`SELECT count(*) FROM poll_code WHERE poll_id = ${poll.id} AND batch_id = ${batch}`), '4',
				'the used code\'s row is gone');
			v = await apiVote(server.url, poll.id, { options: [poll.options[0].id], code: first.code });
			assert.equal(v.status, 422, 'the same code again');
			assert.equal(v.body.title, 'Code not valid');
			// Typed as people do: upper case, without the dashes, with spaces around.
			v = await apiVote(server.url, poll.id,
				{ options: [poll.options[1].id], code: ` ${second.code.replaceAll('-', '').toUpperCase()} ` });
			assert.equal(v.status, 201, `a code typed loosely: ${v.text}`);

			// The ballot holds nothing of the code, and its time only to the hour.
			const columns = engine === 'sqlite'
				? q("SELECT group_concat(name, ',') FROM pragma_table_info('ballot')")
				: q("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM " +
					"information_schema.columns WHERE table_name = 'ballot' AND table_schema = current_schema()");
			assert.deepEqual(columns.split(',').sort(), ['cast_at', 'choices', 'id', 'poll_id', 'voter_hash']);
			assert.equal(q(`SELECT count(*) FROM ballot WHERE poll_id = ${poll.id} AND cast_at % 3600 <> 0`), '0');
			assert.equal((await pollResults(server.url, token, poll.id)).total, 2);
		});

		test('refused codes: malformed, missing, another poll\'s, withdrawn', async () => {
			const mine = csvCodes((await ok(codes(['--poll', poll.id, '--count', '2']))).stdout);
			const r = await ok(codes(['--poll', other.id, '--count', '1']));
			const theirs = csvCodes(r.stdout)[0].code;
			const counted = (await pollResults(server.url, token, poll.id)).total;
			const option = [poll.options[0].id];

			for (const code of ['not a code!', 'abcd', 'abcd-efgh-jk-lm', '']) {
				const v = await apiVote(server.url, poll.id, { options: option, code });
				assert.equal(v.status, 422, `code ${JSON.stringify(code)}: ${v.text}`);
				assert.ok(v.body.errors.some((e) => e.field === 'code'), v.text);
			}
			let v = await apiVote(server.url, poll.id, { options: option });
			assert.equal(v.status, 422, 'no code');
			assert.ok(v.body.errors.some((e) => e.field === 'code'), v.text);
			v = await apiVote(server.url, poll.id, { options: option, code: theirs });
			assert.equal(v.status, 422, 'another poll\'s code');
			assert.equal(v.body.title, 'Code not valid');
			// ... which still works on its own poll.
			v = await apiVote(server.url, other.id, { options: [other.options[0].id], code: theirs });
			assert.equal(v.status, 201, v.text);

			// Withdrawn: the batch's unused codes stop working.
			const withdrawnBatch = batchOf((await ok(codes(['--poll', poll.id, '--count', '2']))).stderr);
			const list = batchList((await ok(codes(['--poll', poll.id, '--list']))).stdout);
			const last = list.find((b) => b.batch === withdrawnBatch);
			assert.deepEqual(last, { batch: withdrawnBatch, codes: 2, used: 0, withdrawn: false });
			const lastCodes = q(`SELECT count(*) FROM poll_code WHERE batch_id = ${withdrawnBatch}`);
			assert.equal(lastCodes, '2');
			const withdrawn = (await ok(codes(['--poll', poll.id, '--withdraw', withdrawnBatch]))).stdout;
			assert.match(withdrawn, new RegExp(`Withdrew batch ${withdrawnBatch}`));
			assert.equal(q(`SELECT count(*) FROM poll_code WHERE batch_id = ${withdrawnBatch}`), '0');
			await refused(codes(['--poll', poll.id, '--withdraw', withdrawnBatch]), 1, /withdrawn already/);
			await refused(codes(['--poll', other.id, '--withdraw', withdrawnBatch]), 1,
				new RegExp(`poll ${other.id} has no batch ${withdrawnBatch}`));
			await refused(codes(['--poll', poll.id, '--withdraw', 'abc']), 2, /--withdraw must be a batch id/);
			// The codes printed for that batch (not kept anywhere but the file): try a fresh one.
			const gone = csvCodes((await ok(codes(['--poll', poll.id, '--count', '1']))).stdout)[0].code;
			const goneBatch = q(`SELECT max(id) FROM poll_code_batch WHERE poll_id = ${poll.id}`);
			await ok(codes(['--poll', poll.id, '--withdraw', goneBatch]));
			v = await apiVote(server.url, poll.id, { options: option, code: gone });
			assert.equal(v.status, 422, 'a withdrawn batch\'s code');
			assert.equal(v.body.title, 'Code not valid');

			// One of the first batch's codes still works; --list counts it.
			v = await apiVote(server.url, poll.id, { options: option, code: mine[0].code });
			assert.equal(v.status, 201, v.text);
			assert.equal((await pollResults(server.url, token, poll.id)).total, counted + 1);
			const batches = batchList((await ok(codes(['--poll', poll.id, '--list']))).stdout);
			assert.deepEqual(batches.map((b) => [b.codes, b.used, b.withdrawn]),
				[[5, 2, false], [3, 0, false], [2, 0, false], [2, 1, false], [2, 0, true], [1, 0, true]]);
		});

		test('bad arguments to poll codes', async () => {
			await refused(codes(['--poll', poll.id, '--count', '0']), 2,
				/--count must be a whole number from 1 to 10000/);
			await refused(codes(['--poll', poll.id, '--count', '10001']), 2, /--count must be/);
			await refused(codes(['--poll', poll.id, '--count', '2', '--format', 'docx']), 2,
				/--format must be csv, pdf or svg/);
			await refused(codes(['--poll', poll.id]), 2, /codes needs --count N, --list or --withdraw/);
			await refused(codes(['--poll', '999999', '--count', '2']), 1, /'bury' has no poll 999999/);
			const anyone = await createPoll(server.url, token, { question: 'Anyone?', options: ['Yes', 'No'] });
			await refused(codes(['--poll', anyone.id, '--count', '2']), 1, /can be answered by anyone/);
		});

		test('the staff page makes a batch and downloads it', async () => {
			await makeStaff(server, { email: 'staff@example.org', password: STAFF_PASSWORD });
			const { cookie } = await signIn(server.url, 'staff@example.org', STAFF_PASSWORD);
			const page = await staffGet(server.url, `/staff/polls/${poll.id}`, cookie);
			assert.equal(page.status, 200);
			const csrf = csrfOf(await page.text());
			const url = `/staff/polls/${poll.id}/codes`;

			let res = await postForm(server.url, url, { csrf, count: '3', format: 'csv' }, { cookie });
			assert.equal(res.status, 200);
			assert.match(res.headers.get('content-type'), /^text\/csv/);
			assert.match(res.headers.get('content-disposition'),
				new RegExp(`^attachment; filename="poll-${poll.id}-codes-\\d+\\.csv"$`));
			assert.equal(res.headers.get('cache-control'), 'no-store');
			const made = csvCodes(await res.text());
			assert.equal(made.length, 3);
			const v = await apiVote(server.url, poll.id, { options: [poll.options[0].id], code: made[0].code });
			assert.equal(v.status, 201, v.text);

			res = await postForm(server.url, url, { csrf, count: '2', format: 'pdf' }, { cookie });
			assert.equal(res.status, 200);
			assert.match(res.headers.get('content-type'), /^application\/pdf/);
			assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');

			const batches = q(`SELECT count(*) FROM poll_code_batch WHERE poll_id = ${poll.id}`);
			res = await postForm(server.url, url, { count: '2', format: 'csv' }, { cookie });
			assert.equal(res.status, 403, 'without the CSRF token');
			res = await postForm(server.url, url, { csrf, count: '0', format: 'csv' }, { cookie });
			assert.equal(res.status, 422, 'no codes');
			res = await postForm(server.url, url, { csrf, count: '2', format: 'docx' }, { cookie });
			assert.equal(res.status, 422, 'an unknown kind of file');
			res = await postForm(server.url, url, { csrf, count: '2', format: 'csv' });
			assert.equal(res.status, 403, 'not signed in');
			assert.equal(q(`SELECT count(*) FROM poll_code_batch WHERE poll_id = ${poll.id}`), batches,
				'the refusals made no batch');
		});
	});

	describe(`retry keys (${engine})`, () => {
		let server;
		let token;
		let poll;
		const total = async () => (await pollResults(server.url, token, poll.id)).total;

		before(async () => {
			server = await startOn(engine);
			({ token } = await orgWithStaff(server));
			poll = await createPoll(server.url, token, { question: 'Again?', options: ['Yes', 'No'] });
		});
		after(() => server.stop());

		test('an API vote sent twice with its Idempotency-Key counts once', async () => {
			const key = `retry-${engine}-1`;
			const body = { options: [poll.options[0].id] };
			const first = await apiVote(server.url, poll.id, body, { 'Idempotency-Key': key });
			const again = await apiVote(server.url, poll.id, body, { 'Idempotency-Key': key });
			assert.equal(first.status, 201, first.text);
			assert.equal(again.status, 201, again.text);
			assert.deepEqual(again.body, first.body);
			assert.ok(cookieOf(first.res, /^involve_voter$/), 'the first answer sets the voter cookie');
			assert.equal(cookieOf(again.res, /^involve_voter$/), cookieOf(first.res, /^involve_voter$/),
				'the retry ends with the same cookie');
			assert.equal(await total(), 1);

			const other = await apiVote(server.url, poll.id, { options: [poll.options[1].id] },
				{ 'Idempotency-Key': key });
			assert.equal(other.status, 422, 'the same key with another body');
			assert.equal(other.body.title, 'Idempotency key reused');
			assert.equal(await total(), 1);
		});

		test('an Idempotency-Key is 1 to 128 visible characters', async () => {
			const body = { options: [poll.options[0].id] };
			for (const key of ['k'.repeat(129), 'two words', 'caf\u00e9']) {
				const v = await apiVote(server.url, poll.id, body, { 'Idempotency-Key': key });
				assert.equal(v.status, 400, `key ${key.slice(0, 20)}: ${v.text}`);
				assert.match(v.body.detail, /1 to 128 visible characters/);
			}
			assert.equal(await total(), 1, 'nothing counted');
			const longest = await apiVote(server.url, poll.id, body, { 'Idempotency-Key': 'k'.repeat(128) });
			assert.equal(longest.status, 201, longest.text);
			assert.equal(await total(), 2);
		});

		test('the vote form\'s ballot key: sent twice without a cookie, counted once', async () => {
			const pagePath = `/o/bury/polls/${poll.id}`;
			const keyOf = async () => {
				const res = await fetch(server.url + pagePath);
				assert.equal(res.status, 200);
				assert.equal(res.headers.get('cache-control'), 'no-store', 'each copy has its own key');
				const m = /name="ballot_key" value="([A-Za-z0-9_-]{43})"/.exec(await res.text());
				assert.ok(m, 'the form has a ballot key');
				return m[1];
			};
			const key = await keyOf();
			assert.notEqual(await keyOf(), key, 'two copies of the page, two keys');
			const counted = await total();
			const send = (fields) => postForm(server.url, pagePath, fields);
			const fields = { options: poll.options[1].id, ballot_key: key };
			const first = await send(fields);
			const again = await send(fields);
			assert.equal(first.status, 303);
			assert.equal(again.status, 303);
			assert.equal(again.headers.get('location'), first.headers.get('location'));
			const cookie = cookieOf(first, /^involve_voter$/);
			assert.ok(cookie, 'the first answer sets the voter cookie');
			assert.equal(cookieOf(again, /^involve_voter$/), cookie, 'and the retry the same one');
			assert.equal(await total(), counted + 1);
			// That cookie is the browser that answered: it cannot answer again without the key.
			const res = await postForm(server.url, pagePath, { options: poll.options[0].id }, { cookie });
			assert.equal(res.status, 409);
			const changed = await send({ options: poll.options[0].id, ballot_key: key });
			assert.equal(changed.status, 422, 'the same key with another answer');
			assert.equal(await total(), counted + 1);
		});
	});
}

// ---- no client address is written down ---------------------------------------------------------

describe('privacy: no client address in the database, its WAL or a backup', () => {
	const V4 = ['203.0.113.77', '198.51.100.23'];
	const V6 = ['2001:db8:77::1', '2001:db8:77::2', '2001:db8:abcd:12::99'];
	let server;
	let q;
	let token;
	let poll;

	// The 16 bytes of an IPv6 address.
	function v6Bytes(text) {
		const [head, tail = ''] = text.split('::');
		const h = head ? head.split(':') : [];
		const t = tail ? tail.split(':') : [];
		const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
		return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
	}
	const v4Bytes = (text) => Buffer.from(text.split('.').map(Number));

	const from = (address) => ({ 'X-Forwarded-For': address });

	before(async () => {
		// Believing the loopback proxy, so each request comes "from" its X-Forwarded-For; with
		// the vote limit on, so that each network's votes are counted.
		server = await startOn('sqlite', { args: ['--trusted-proxy', '127.0.0.1', '--vote-rate-limit', '2'] });
		q = sqlOf(server);
		({ token } = await orgWithStaff(server));
		poll = await createPoll(server.url, token, { question: 'Private?', options: ['Yes', 'No'] });
	});
	after(() => server.stop());

	test('votes and failed sign-ins from known addresses, counted by network', async () => {
		const body = { options: [poll.options[0].id] };
		// The limit counts in whole minutes: start well inside one, so all of this is in it.
		const second = (Date.now() / 1000) % 60;
		if (second > 50) await sleep((61 - second) * 1000);
		for (const address of V4) {
			assert.equal((await apiVote(server.url, poll.id, body, from(address))).status, 201);
			assert.equal((await apiVote(server.url, poll.id, body, from(address))).status, 201);
			assert.equal((await apiVote(server.url, poll.id, body, from(address))).status, 429,
				`the third vote from ${address} in a minute`);
		}
		// One IPv6 network (a /64): its two addresses share the limit; another has its own.
		assert.equal((await apiVote(server.url, poll.id, body, from(V6[0]))).status, 201);
		assert.equal((await apiVote(server.url, poll.id, body, from(V6[1]))).status, 201);
		assert.equal((await apiVote(server.url, poll.id, body, from(V6[1]))).status, 429);
		assert.equal((await apiVote(server.url, poll.id, body, from(V6[2]))).status, 201);
		// Through the vote form too.
		const form = await postForm(server.url, `/o/bury/polls/${poll.id}`, { options: poll.options[1].id },
			{ headers: from(V6[2]) });
		assert.equal(form.status, 303);
		for (const address of [...V4, ...V6]) {
			const r = await attemptSignIn(server.url, EMAIL, 'not the password', { headers: from(address) });
			assert.equal(r.status, 422);
		}
		assert.equal((await pollResults(server.url, token, poll.id)).total, 8);
	});

	test('the stored times are hours, and the vote counts name no address', () => {
		assert.equal(q('SELECT count(*) FROM ballot WHERE cast_at % 3600 <> 0'), '0');
		assert.ok(Number(q('SELECT count(*) FROM ballot')) >= 8);
		const nets = q('SELECT net FROM rate_count').split('\n').filter(Boolean);
		assert.ok(nets.length >= 4, `one count per poll and network: ${nets.length}`);
		for (const net of nets) {
			assert.match(net, /^[0-9a-f]{32}$/, 'a keyed hash');
			assert.doesNotMatch(net, /\d+\.\d+\.\d+\.\d+|[0-9a-f]*:[0-9a-f]*:/i);
		}
	});

	test('no address, as text or as bytes, in the database file, its WAL, a backup or the log', async () => {
		const db = sqliteFile(server);
		const backup = path.join(makeDataDir(), 'backup.db');
		await ok(server.cli(['backup', '--to', backup]));
		const files = [db, `${db}-wal`, backup].filter((f) => existsSync(f));
		assert.ok(files.includes(db) && files.includes(backup), `files: ${files}`);
		const needles = [
			...V4.flatMap((a) => [[a, Buffer.from(a)], [`${a} (4 bytes)`, v4Bytes(a)]]),
			...V6.flatMap((a) => [[a, Buffer.from(a)], [`${a} (16 bytes)`, v6Bytes(a)]]),
			['2001:db8:77::/64', Buffer.from('2001:db8:77::')],
		];
		for (const file of files) {
			const bytes = readFileSync(file);
			assert.ok(bytes.length > 0, `${file} is empty`);
			for (const [what, needle] of needles) {
				assert.equal(bytes.indexOf(needle), -1, `${path.basename(file)} holds ${what}`);
			}
		}
		for (const address of [...V4, ...V6]) {
			assert.ok(!server.stderr.includes(address), `the log holds ${address}`);
		}
	});
});
