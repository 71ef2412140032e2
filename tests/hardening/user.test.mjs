// `serve --user`: started as root, the server opens its data and socket and then runs as the
// named unprivileged user, for good; files it writes later still work.  It refuses a user that
// does not exist, and refuses --user when it is not started as root.  Needs root (the suite runs
// as root); creates the system user involve-test when it is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';

import { createPoll, makeStaff } from '../lib/fixtures.mjs';
import { INVOLVE_BIN, ROOT, makeDataDir, runCli, startServer } from '../lib/server.mjs';
import { ballots, setupPoll, vote } from './common.mjs';

const USER = 'involve-test';
let uid;
let gid;

function idOf(flag) {
	return Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
}

before(() => {
	assert.equal(process.getuid(), 0, 'these tests start the server as root');
	if (spawnSync('id', [USER]).status !== 0) {
		execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
	}
	uid = idOf('-u');
	gid = idOf('-g');
});

// The Uid:/Gid:/Groups: lines of /proc/PID/status as arrays of numbers.
function credentials(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (name) => (new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)[1].trim())
		.split(/\s+/).filter(Boolean).map(Number);
	return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

// Every directory and file under dir, with its owner.
function owners(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const p = path.join(dir, name);
		const st = statSync(p);
		out.push({ path: p, uid: st.uid, gid: st.gid });
		if (st.isDirectory()) out.push(...owners(p));
	}
	return out;
}

test('started as root with --user, it runs as that user and can still write', async () => {
	const dataDir = makeDataDir();
	// Created by root beforehand, as an operator would: the server must take them over.
	let r = await runCli(dataDir, ['org', 'create', '--slug', 'bury', '--name', 'NHS Bury']);
	assert.equal(r.code, 0, r.stderr);
	const server = await startServer({ dataDir, args: ['--user', USER] });
	try {
		assert.deepEqual(credentials(server.proc.pid),
			{ uid: [uid, uid, uid, uid], gid: [gid, gid, gid, gid], groups: [gid] });
		assert.match(server.stderr, new RegExp(`running as ${USER}`));
		// Root cannot come back: the kernel agrees the saved ids are gone too (checked above),
		// and the data directory is the user's.
		assert.equal(statSync(dataDir).uid, uid);
		for (const o of owners(dataDir)) assert.equal(o.uid, uid, `${o.path} belongs to ${USER}`);

		const page = await fetch(`${server.url}/o/bury/`);
		assert.equal(page.status, 200);
		assert.match(await page.text(), /NHS Bury/);
		// Writes: a staff user and token (through the CLI, as root, on the shared database),
		// then a poll and votes through the server running as the user.
		const { token } = await makeStaff(server);
		const poll = await createPoll(server.url, token,
			{ question: 'Written by the unprivileged server?', options: ['Yes', 'No'] });
		for (let i = 0; i < 3; i++) {
			const res = await vote(server, poll);
			assert.equal(res.status, 201, await res.text());
		}
		assert.equal(await ballots(server, poll, token), 3);
	} finally {
		await server.stop();
	}
});

test('a user that does not exist is refused before anything starts', async () => {
	const dataDir = makeDataDir();
	const r = await runCli(dataDir, ['serve', '--listen', '127.0.0.1:1', '--user', 'no-such-user-here']);
	assert.equal(r.code, 1, r.stderr);
	assert.match(r.stderr, /no user "no-such-user-here"/);
	assert.doesNotMatch(r.stdout, /is serving/);
	assert.deepEqual(readdirSync(dataDir), [], 'nothing was opened or created');
});

test('root itself is refused as --user', async () => {
	const r = await runCli(makeDataDir(), ['serve', '--listen', '127.0.0.1:1', '--user', 'root']);
	assert.equal(r.code, 1, r.stderr);
	assert.match(r.stderr, /unprivileged/);
});

test('--user is refused when not started as root', async () => {
	const dataDir = makeDataDir();
	chmodSync(dataDir, 0o777);
	const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', INVOLVE_BIN,
		'serve', '--listen', '127.0.0.1:1', '--user', USER, '--data', dataDir],
	{ cwd: ROOT, encoding: 'utf8', timeout: 30000 });
	assert.equal(r.status, 1, r.stderr);
	assert.match(r.stderr, /--user needs the server to start as root/);
});
