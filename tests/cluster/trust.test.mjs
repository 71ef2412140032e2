// Trust across app servers: two nodes on one PostgreSQL database (sharing one keys directory),
// each asked directly.  Failed sign-ins on either count against one limit; a revoked token, a
// disabled account and a changed password end sessions and tokens on the other node at once,
// since neither node keeps a session, a token or an account between requests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startCluster } from '../lib/cluster.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD, tokenIdOf, tokenOf } from '../lib/fixtures.mjs';
import { psql } from '../lib/pg.mjs';
import { attemptSignIn, postForm, signedIn, signIn, staffGet } from '../lib/staff.mjs';

let cluster;
let a;
let b;

before(async () => {
	cluster = await startCluster({ nodes: 2 });
	[a, b] = cluster.nodes;
	await createOrg(cluster);
	await makeStaff(cluster, { email: 'admin@example.org', role: 'administrator' });
});

after(async () => {
	await cluster.stop();
});

// The status of GET /api/v1/polls on a node with a token.
async function tokenStatus(node, token) {
	const res = await fetch(`${node.url}/api/v1/polls`, { headers: { Authorization: `Bearer ${token}` } });
	await res.arrayBuffer();
	return res.status;
}

const q = (sql) => psql(cluster.databaseUrl, sql).trim();

test('failed sign-ins on both nodes add up to one limit', async () => {
	const email = 'throttled@example.org';
	await makeStaff(cluster, { email });
	for (const [node, n] of [[a, 3], [b, 2]]) {
		for (let i = 0; i < n; i++) {
			const r = await attemptSignIn(node.url, email, `wrong password ${i}`);
			assert.equal(r.status, 422, `wrong password on ${node.url}`);
		}
	}
	for (const node of [a, b]) {
		const r = await attemptSignIn(node.url, email, STAFF_PASSWORD);
		assert.equal(r.status, 429, `the right password on ${node.url}, after 3 + 2 failures`);
		assert.ok(Number(r.headers.get('retry-after')) > 0);
		assert.match(r.text, /too many attempts to sign in/);
	}
	// Lifted once, for both.
	const r = await cluster.cli(['user', 'unblock', '--email', email]);
	assert.equal(r.code, 0, r.stderr);
	await signIn(b.url, email, STAFF_PASSWORD);
	await signIn(a.url, email, STAFF_PASSWORD);
});

test('a token revoked is refused by the other node at once', async () => {
	await makeStaff(cluster, { email: 'revoked@example.org' });
	const made = await cluster.cli(['token', 'create', '--org', 'bury', '--user', 'revoked@example.org']);
	assert.equal(made.code, 0, made.stderr);
	const token = tokenOf(made.stdout);
	const id = tokenIdOf(made.stdout);
	assert.equal(await tokenStatus(b, token), 200, 'used on B');
	const r = await cluster.cli(['token', 'revoke', '--org', 'bury', '--id', id]);
	assert.equal(r.code, 0, r.stderr);
	assert.equal(await tokenStatus(b, token), 401, 'refused by B at once');
	assert.equal(await tokenStatus(a, token), 401, 'and by A');
});

test('a user disabled with the command: their session and token end on the other node', async () => {
	const { token } = await makeStaff(cluster, { email: 'gone@example.org' });
	const { cookie } = await signIn(a.url, 'gone@example.org', STAFF_PASSWORD);
	assert.equal(await signedIn(b.url, cookie), true, 'the session made on A works on B');
	assert.equal(await tokenStatus(b, token), 200);
	const r = await cluster.cli(['user', 'disable', '--org', 'bury', '--email', 'gone@example.org']);
	assert.equal(r.code, 0, r.stderr);
	assert.equal(await signedIn(b.url, cookie), false, 'the session has ended on B');
	assert.equal(await tokenStatus(b, token), 401, 'the token is refused by B');
	const again = await attemptSignIn(b.url, 'gone@example.org', STAFF_PASSWORD);
	assert.equal(again.status, 422, 'a disabled account signs in nowhere');
	assert.equal(again.cookie, '');
});

test('a user disabled on A\'s staff page: their session and token end on B', async () => {
	const { token } = await makeStaff(cluster, { email: 'left@example.org' });
	const id = q("SELECT id FROM staff_user WHERE email = 'left@example.org'");
	const theirs = await signIn(b.url, 'left@example.org', STAFF_PASSWORD);
	assert.equal(await tokenStatus(b, token), 200);

	const admin = await signIn(a.url, 'admin@example.org', STAFF_PASSWORD);
	const confirm = await staffGet(a.url, `/staff/users/${id}/disable`, admin.cookie);
	assert.equal(confirm.status, 200);
	assert.match(await confirm.text(), /Disable this account\?/);
	// Not without pressing the confirming button, nor without the form's CSRF token.
	let res = await postForm(a.url, `/staff/users/${id}/disable`, { csrf: admin.csrf }, { cookie: admin.cookie });
	assert.equal(res.status, 422);
	res = await postForm(a.url, `/staff/users/${id}/disable`, { confirm: 'yes' }, { cookie: admin.cookie });
	assert.equal(res.status, 403);
	assert.equal(await signedIn(b.url, theirs.cookie), true, 'the refusals changed nothing');
	res = await postForm(a.url, `/staff/users/${id}/disable`, { csrf: admin.csrf, confirm: 'yes' },
		{ cookie: admin.cookie });
	assert.equal(res.status, 303);
	assert.match(res.headers.get('location'), new RegExp(`^/staff/users/${id}\\b`));

	assert.equal(await signedIn(b.url, theirs.cookie), false, 'their session on B has ended');
	assert.equal(await tokenStatus(b, token), 401, 'their token is refused by B');
	assert.match(q(`SELECT action || ' ' || actor FROM audit_entry WHERE target = 'user:${id}' ` +
		'ORDER BY seq DESC LIMIT 1'), /^user\.disable admin@example\.org$/);
});

test('a new password (involve user passwd) ends the sessions and tokens on the other node', async () => {
	const { token } = await makeStaff(cluster, { email: 'moved@example.org' });
	const { cookie } = await signIn(a.url, 'moved@example.org', STAFF_PASSWORD);
	assert.equal(await tokenStatus(b, token), 200);
	const r = await cluster.cli(['user', 'passwd', '--email', 'moved@example.org'],
		{ input: 'a brand new long password\n' });
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /sessions and API tokens have ended/);
	assert.equal(await tokenStatus(b, token), 401, 'the token is refused by B');
	assert.equal(await signedIn(b.url, cookie), false, 'the session has ended');
	assert.equal((await attemptSignIn(b.url, 'moved@example.org', STAFF_PASSWORD)).status, 422,
		'the old password');
	await signIn(b.url, 'moved@example.org', 'a brand new long password');
});
