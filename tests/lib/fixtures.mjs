// fixtures.mjs - what many tests set up the same way: an organisation and staff users with API
// tokens through the `involve` command, and polls through the JSON API.
//
//   const { token } = await orgWithStaff(server);    // "bury", o@example.org and a token
//   const poll = await createPoll(server.url, token, { question: 'Q?', options: ['Yes', 'No'] });
//
// `server` is anything with startServer()'s cli(args, options): a server, a cluster, or
// { cli } for a test that adds arguments of its own to every command.  Each step asserts that
// it worked, so a test fails at the step that went wrong.
import assert from 'node:assert/strict';

export const STAFF_PASSWORD = 'a long enough password';

// Organisation `slug`, named `name`.  Whom it requires two-step verification of is
// `requireMfa`: 'none' unless a test is about second factors (a new organisation's own default
// is 'administrators').
export async function createOrg(server, slug = 'bury', name = 'NHS Bury', requireMfa = 'none') {
	const r = await server.cli(['org', 'create', '--slug', slug, '--name', name]);
	assert.equal(r.code, 0, `org create ${slug}: ${r.stderr}`);
	const u = await server.cli(['org', 'update', '--slug', slug, '--require-mfa', requireMfa]);
	assert.equal(u.code, 0, `org update ${slug}: ${u.stderr}`);
}

// The last word `involve token create` prints: the token itself.
export function tokenOf(stdout) {
	return stdout.trim().split(/\s+/).pop();
}

// The id `involve token create` prints ("API token 7 for ..."), as `token revoke --id` takes it.
export function tokenIdOf(stdout) {
	const m = /API token (\d+) for/.exec(stdout);
	assert.ok(m, `token create printed its id: ${stdout}`);
	return m[1];
}

// An API token for a staff user that exists already.
export async function createToken(server, { org = 'bury', email = 'o@example.org' } = {}) {
	const r = await server.cli(['token', 'create', '--org', org, '--user', email]);
	assert.equal(r.code, 0, `token create ${email}: ${r.stderr}`);
	return tokenOf(r.stdout);
}

// A staff user of organisation `org` (the command's default role unless `role` is given) with
// `password`, and an API token for them; resolves {email, password, token}.
export async function makeStaff(server, {
	org = 'bury', email = 'o@example.org', role, password = STAFF_PASSWORD,
} = {}) {
	const r = await server.cli(['user', 'add', '--org', org, '--email', email,
		...(role === undefined ? [] : ['--role', role])], { input: `${password}\n` });
	assert.equal(r.code, 0, `user add ${email}: ${r.stderr}`);
	return { email, password, token: await createToken(server, { org, email }) };
}

// A new organisation (`slug`, `name`) and one staff user of it, as makeStaff makes them.
export async function orgWithStaff(server, { slug = 'bury', name = 'NHS Bury', ...staff } = {}) {
	await createOrg(server, slug, name);
	return makeStaff(server, { org: slug, ...staff });
}

// Makes a poll through the API at base (a server's or a node's url) and asserts 201; resolves
// the poll as the API returns it.  options: timeout (ms) for the request.
export async function createPoll(base, token, body, { timeout } = {}) {
	const res = await fetch(`${base}/api/v1/polls`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
		signal: timeout === undefined ? undefined : AbortSignal.timeout(timeout),
	});
	const text = await res.text();
	assert.equal(res.status, 201, `create poll: ${text}`);
	return JSON.parse(text);
}

// A poll's results through the API as staff of its organisation see them (the public may not
// see them before voting or before the poll closes); asserts 200.  options: timeout (ms).
export async function pollResults(base, token, id, { timeout } = {}) {
	const res = await fetch(`${base}/api/v1/polls/${id}/results`, {
		headers: { Authorization: `Bearer ${token}` },
		signal: timeout === undefined ? undefined : AbortSignal.timeout(timeout),
	});
	const text = await res.text();
	assert.equal(res.status, 200, `results: ${text}`);
	return JSON.parse(text);
}
