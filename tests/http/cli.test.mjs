// The involve command: exit codes (0 done, 1 failed, 2 wrong usage), clear
// messages for bad input, exports, and the audit chain's tamper check.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { clusterDatabase, clusterMode } from '../lib/cluster.mjs';
import { createPoll, createToken, tokenOf } from '../lib/fixtures.mjs';
import { psql } from '../lib/pg.mjs';
import { INVOLVE_BIN, makeDataDir, runCli, startServer } from '../lib/server.mjs';

let dir;
const cli = (args, options) => runCli(dir, args, options);

before(() => {
	dir = makeDataDir();
});

test('--help everywhere, unknown commands are usage errors', async () => {
	for (const args of [['--help'], ['serve', '--help'], ['org', '--help'], ['user', '--help'],
		['token', '--help'], ['poll', '--help'], ['audit', '--help'], ['migrate', '--help']]) {
		const r = await runCli(dir, args);
		assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
		assert.match(r.stdout, /Usage: involve/);
	}
	let r = await cli(['frobnicate']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /unknown command/);
	r = await cli(['org', 'create', '--slug', 'x']);
	assert.equal(r.code, 2);
	r = await cli(['serve', '--vote-rate-limit', 'lots']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /--vote-rate-limit/);
	r = await cli(['serve', '--listen', 'nowhere']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /ADDRESS:PORT/);
});

test('org, user and token: good and bad input', async () => {
	let r = await cli(['org', 'create', '--slug', 'bury', '--name', 'NHS Bury']);
	assert.equal(r.code, 0, r.stderr);
	r = await cli(['org', 'create', '--slug', 'bury', '--name', 'Again']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /already exists/);
	r = await cli(['org', 'create', '--slug', 'Not Valid', '--name', 'X']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /short name/);
	r = await cli(['org', 'list']);
	assert.match(r.stdout, /^bury\tNHS Bury$/m);

	r = await cli(['user', 'add', '--org', 'bury', '--email', 'a@example.org'], { input: 'short\n' });
	assert.equal(r.code, 2);
	assert.match(r.stderr, /password/);
	r = await cli(['user', 'add', '--org', 'bury', '--email', 'not-an-email'], { input: 'a long enough password\n' });
	assert.equal(r.code, 2);
	assert.match(r.stderr, /email/);
	r = await cli(['user', 'add', '--org', 'bury', '--email', 'a@example.org', '--role', 'king'], { input: 'a long enough password\n' });
	assert.equal(r.code, 2);
	assert.match(r.stderr, /role/);
	r = await cli(['user', 'add', '--org', 'nowhere', '--email', 'a@example.org'], { input: 'a long enough password\n' });
	assert.equal(r.code, 1);
	r = await cli(['user', 'add', '--org', 'bury', '--email', 'A@Example.org', '--role', 'administrator'], { input: 'a long enough password\n' });
	assert.equal(r.code, 0, r.stderr);
	r = await cli(['user', 'add', '--org', 'bury', '--email', 'a@example.org'], { input: 'a long enough password\n' });
	assert.equal(r.code, 1);
	assert.match(r.stderr, /already has an account/);
	r = await cli(['user', 'passwd', '--email', 'a@example.org'], { input: 'another long password\n' });
	assert.equal(r.code, 0, r.stderr);

	r = await cli(['token', 'create', '--org', 'bury', '--user', 'nobody@example.org']);
	assert.equal(r.code, 1);
	r = await cli(['token', 'create', '--org', 'bury', '--user', 'a@example.org']);
	assert.equal(r.code, 0);
	assert.match(tokenOf(r.stdout), /^inv_[A-Za-z0-9_-]{43}$/);
});

test('poll export as CSV and JSON, and its refusals', async () => {
	const server = await startServer({ dataDir: dir });
	try {
		const t = await createToken(server, { email: 'a@example.org' });
		const p = await createPoll(server.url, t,
			{ question: 'Export?', options: ['=1+1', 'Plain, with comma'] });
		const v = await fetch(`${server.url}/api/v1/polls/${p.id}/votes`, {
			method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ options: [p.options[1].id] }),
		});
		assert.equal(v.status, 201);
		let r = await cli(['poll', 'export', '--org', 'bury', '--poll', p.id, '--format', 'csv']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^option_id,option,count,percent\r\n/);
		assert.match(r.stdout, /"'=1\+1",0,0\.0/);
		assert.match(r.stdout, /"Plain, with comma",1,100\.0/);
		r = await cli(['poll', 'export', '--org', 'bury', '--poll', p.id, '--format', 'json']);
		const j = JSON.parse(r.stdout);
		assert.equal(j.total, 1);
		assert.equal(j.options[1].count, 1);
		r = await cli(['poll', 'export', '--org', 'bury', '--poll', p.id, '--format', 'xml']);
		assert.equal(r.code, 2);
		r = await cli(['poll', 'export', '--org', 'bury', '--poll', 'abc']);
		assert.equal(r.code, 2);
		r = await cli(['poll', 'export', '--org', 'bury', '--poll', '999']);
		assert.equal(r.code, 1);
	} finally {
		await server.stop();
	}
});

// Changes the audit log behind the command's back: entry 2's actor, then entry 2 put back and
// entry 3 deleted.  In the SQLite file, or in cluster mode (INVOLVE_TEST_CLUSTER=1) in the
// PostgreSQL database that `dir` goes with.
function auditTamperer() {
	if (clusterMode()) {
		const url = clusterDatabase(dir);
		const actor = psql(url, 'SELECT actor FROM audit_entry WHERE seq = 2').replace(/\n$/, '');
		return {
			edit: () => psql(url, "UPDATE audit_entry SET actor = 'someone else' WHERE seq = 2"),
			restoreAndDelete: () => psql(url, `UPDATE audit_entry SET actor = '${actor.replaceAll("'", "''")}' WHERE seq = 2; DELETE FROM audit_entry WHERE seq = 3;`),
		};
	}
	const db = path.join(dir, 'involve.db');
	const copy = path.join(makeDataDir(), 'copy.db');
	execFileSync('sqlite3', [db, `VACUUM INTO '${copy}'`]);
	return {
		edit: () => execFileSync('sqlite3', [db, "UPDATE audit_entry SET actor = 'someone else' WHERE seq = 2"]),
		restoreAndDelete: () => execFileSync('sqlite3', [db, `ATTACH '${copy}' AS good; UPDATE audit_entry SET actor = (SELECT actor FROM good.audit_entry WHERE seq = 2) WHERE seq = 2; DELETE FROM audit_entry WHERE seq = 3;`]),
	};
}

test('audit verify passes, then finds an edited and a deleted entry', async () => {
	let r = await cli(['audit', 'verify']);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /intact: \d+ entries/);
	const tamper = auditTamperer();
	tamper.edit();
	r = await cli(['audit', 'verify']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /[Ee]ntry 2 has been changed/);
	tamper.restoreAndDelete();
	r = await cli(['audit', 'verify']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /missing/);
});

test('a database that is neither SQLite nor PostgreSQL is a clear error', async () => {
	const r = await runCli(makeDataDir(), ['migrate', '--database', 'mysql://x']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /unknown kind of database URL: use sqlite:PATH or postgresql:/);
	assert.ok(INVOLVE_BIN);
});

test('a PostgreSQL server that cannot be reached is a clear error, and its password is not shown', async () => {
	// Port 1 on loopback: nothing listens there, so the connection is refused at once.
	const r = await runCli(makeDataDir(), ['migrate', '--database',
		'postgresql://involve:hunter2@127.0.0.1:1/involve?connect_timeout=2']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /cannot connect to PostgreSQL/);
	assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
});
