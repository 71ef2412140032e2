// common.mjs - what the security tests share: setting up organisations and staff through the
// `involve` command, signing in, the route table (`involve routes`), filling a route's
// pattern, and a dump of the SQLite database to prove that refused requests changed nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { createOrg, makeStaff } from '../lib/fixtures.mjs';
import { INVOLVE_BIN, ROOT } from '../lib/server.mjs';

const run = promisify(execFile);

export const PASSWORD = 'a long enough password for tests';

// Creates organisation `slug` (named `name`) and, for each {email, role}, a user with
// PASSWORD and an API token.  Resolves {emailAddress: token}.
export async function setupOrg(server, slug, name, users = []) {
	await createOrg(server, slug, name);
	const tokens = {};
	for (const { email, role } of users) {
		tokens[email] = (await makeStaff(server, { org: slug, email, role, password: PASSWORD })).token;
	}
	return tokens;
}

// Signs in over HTTP; resolves {cookie: "involve_session=...", csrf}.
export async function signIn(server, email, password = PASSWORD) {
	const res = await fetch(`${server.url}/staff/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password }).toString(),
		redirect: 'manual',
	});
	assert.equal(res.status, 303, `sign in as ${email}: ${res.status}`);
	const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
	assert.match(cookie, /^involve_session=./);
	const page = await (await fetch(`${server.url}/staff/`, { headers: { Cookie: cookie } })).text();
	const m = page.match(/name="csrf" value="([^"]+)"/);
	assert.ok(m, 'the dashboard carries a CSRF token');
	return { cookie, csrf: m[1] };
}

// The route table, from the program itself.
export async function routeTable() {
	const { stdout } = await run(INVOLVE_BIN, ['routes'], { cwd: ROOT });
	const routes = JSON.parse(stdout);
	assert.ok(Array.isArray(routes) && routes.length > 0, 'involve routes lists routes');
	return routes;
}

// The route's pattern with its parameters replaced: values maps a parameter's name ("id",
// "slug", "key", "file") to its text, put in the path URL-encoded unless raw is set.
// Parameters a caller does not give lead nowhere: a second id (a document, a file, a linked
// engagement, a response, a batch of codes), a survey's first page, a question key and a private link that
// belong to nothing.
const NOWHERE = { doc: '1', att: '1', target: '1', response: '1', batch: '1', page: '1',
	question: 'q1', link: 'A'.repeat(43) };

export function fillPattern(pattern, given, { raw = false } = {}) {
	const values = { ...NOWHERE, ...given };
	return pattern.replace(/\{([a-z]+)\*?\}/g, (_, name) => {
		assert.ok(name in values, `no value for {${name}} in ${pattern}`);
		const v = String(values[name]);
		return raw ? v : encodeURIComponent(v);
	});
}

export function isStateChanging(route) {
	return route.methods.some((m) => m !== 'GET' && m !== 'HEAD');
}

export function mainMethod(route) {
	return route.methods.find((m) => m !== 'HEAD');
}

// One value a query of the installation's database gives (as text).
export async function sqlValue(dataDir, sql) {
	const { stdout } = await run('sqlite3', [path.join(dataDir, 'involve.db'), sql]);
	return stdout.trim();
}

// `sqlite3 FILE .dump` of the installation's database: every table's rows and the schema.
export async function dumpDatabase(dataDir) {
	const { stdout } = await run('sqlite3', [path.join(dataDir, 'involve.db'), '.dump'],
		{ maxBuffer: 64 << 20 });
	assert.match(stdout, /CREATE TABLE poll\b/, 'the dump has the schema');
	return stdout;
}

// Fails with the first lines that differ, rather than two whole dumps.  `mayAdd` lists
// patterns of lines that may be new: what is recorded of a refused attempt on purpose (a
// failed sign-in is audited and counted), as against a change the attempt made.
export function assertSameDump(after, before, what, { mayAdd = [] } = {}) {
	if (after === before) return;
	const a = after.split('\n');
	const b = before.split('\n');
	const gone = b.filter((line) => !a.includes(line)).slice(0, 10);
	const added = a.filter((line) => !b.includes(line) && !mayAdd.some((re) => re.test(line)))
		.slice(0, 10);
	if (gone.length === 0 && added.length === 0) return;
	assert.fail(`${what} changed the database:\n--- removed\n${gone.join('\n')}\n` +
		`--- added\n${added.join('\n')}`);
}

// What a refused sign-in leaves on purpose: its audit entries and its counts.
export const SIGN_IN_RECORDS = [
	/^INSERT INTO audit_entry VALUES\(\d+,\d+,\d+,\d+,.*,'signin\.(fail|throttle)',/,
	/^INSERT INTO throttle VALUES\(/,
];
