// Secrets on disk are for the server's own user only: the data directory, the key files, the
// SQLite database with its WAL and shared-memory files, and a backup are created without any
// access for group or others, whatever umask the server was started with (also umask 000), and
// a key file that others can read is refused rather than used.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { createPoll } from '../lib/fixtures.mjs';
import { makeDataDir, runCli, startServer } from '../lib/server.mjs';
import { setupOrg, signIn } from './common.mjs';

const KEY_FILES = ['audit.key', 'cookie.key', 'mail.key', 'mfa.key', 'net.key', 'token.key',
	'voter.key'];
const savedUmask = process.umask();

after(() => process.umask(savedUmask));

// Every file and folder under dir, with its mode.
function walk(dir) {
	const out = [{ path: dir, mode: statSync(dir).mode }];
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...walk(p));
		else out.push({ path: p, mode: statSync(p).mode });
	}
	return out;
}

function octal(mode) {
	return (mode & 0o7777).toString(8).padStart(4, '0');
}

// Runs a server on a data directory it creates itself, uses it enough that every kind of
// file exists (keys, database, WAL, sessions, a ballot), and checks every mode.
async function checkFreshInstallation(label) {
	const dataDir = path.join(makeDataDir(), 'var'); // not there yet: the server makes it
	const server = await startServer({ dataDir });
	try {
		const tokens = await setupOrg(server, 'bury', 'NHS Bury',
			[{ email: 'admin@example.org', role: 'administrator' }]);
		await signIn(server, 'admin@example.org');
		const poll = await createPoll(server.url, tokens['admin@example.org'],
			{ question: 'Is this private?', options: ['Yes', 'No'] });
		const vote = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ options: [poll.options[0].id] }),
		});
		assert.equal(vote.status, 201);

		const files = walk(dataDir);
		const names = files.map((f) => path.relative(dataDir, f.path));
		for (const key of KEY_FILES) assert.ok(names.includes(path.join('keys', key)), `${label}: keys/${key} exists`);
		assert.ok(names.includes('involve.db'), `${label}: the database exists`);
		assert.ok(names.includes('involve.db-wal'), `${label}: the WAL exists while serving`);
		for (const f of files) {
			const rel = path.relative(dataDir, f.path) || '.';
			assert.equal(f.mode & 0o077, 0, `${label}: ${rel} has mode ${octal(f.mode)}; ` +
				'group and others must have no access');
		}
		assert.equal(statSync(dataDir).mode & 0o777, 0o700, `${label}: the data directory is 0700`);
		assert.equal(statSync(path.join(dataDir, 'keys')).mode & 0o777, 0o700, `${label}: keys/ is 0700`);
		for (const key of KEY_FILES) {
			const st = statSync(path.join(dataDir, 'keys', key));
			assert.equal(st.mode & 0o777, 0o600, `${label}: keys/${key} is ${octal(st.mode)}`);
			assert.equal(st.size, 32, `${label}: keys/${key} holds 32 bytes`);
		}
		assert.equal(statSync(path.join(dataDir, 'involve.db')).mode & 0o777, 0o600,
			`${label}: involve.db is 0600`);
	} finally {
		await server.stop();
	}
	return dataDir;
}

test('a fresh installation keeps its keys and database to its own user', async () => {
	process.umask(0o022);
	await checkFreshInstallation('umask 022');
});

test('umask 000 does not open the keys or the database to others', async () => {
	process.umask(0o000);
	try {
		// The umask really is inherited by what the tests start.
		assert.equal(execFileSync('sh', ['-c', 'umask']).toString().trim(), '0000');
		await checkFreshInstallation('umask 000');
		// Commands other than serve create the same files the same way.
		const dataDir = path.join(makeDataDir(), 'cli-var');
		const r = await runCli(dataDir, ['migrate']);
		assert.equal(r.code, 0, r.stderr);
		for (const f of walk(dataDir)) {
			assert.equal(f.mode & 0o077, 0, `involve migrate: ${path.relative(dataDir, f.path) || '.'} ` +
				`has mode ${octal(f.mode)}`);
		}
		// A backup holds what the database holds (password hashes included).
		const backup = path.join(path.dirname(dataDir), 'backup.db');
		const b = await runCli(dataDir, ['backup', '--to', backup]);
		assert.equal(b.code, 0, b.stderr);
		assert.equal(statSync(backup).mode & 0o777, 0o600, `the backup is ${octal(statSync(backup).mode)}`);
	} finally {
		process.umask(savedUmask);
	}
});

test('a key file others can read is refused, not used', async () => {
	const dataDir = path.join(makeDataDir(), 'var');
	let r = await runCli(dataDir, ['migrate']);
	assert.equal(r.code, 0, r.stderr);
	chmodSync(path.join(dataDir, 'keys', 'token.key'), 0o644);
	r = await runCli(dataDir, ['org', 'list']);
	assert.equal(r.code, 1, 'the command fails');
	assert.match(r.stderr, /token\.key has mode 0644/);
	assert.match(r.stderr, /chmod 600/);
	chmodSync(path.join(dataDir, 'keys', 'token.key'), 0o600);
	r = await runCli(dataDir, ['org', 'list']);
	assert.equal(r.code, 0, r.stderr);
});
