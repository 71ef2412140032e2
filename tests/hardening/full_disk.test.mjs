// A full disk: the data directory is a small tmpfs; with it filled up, every vote is refused
// with 503 (problem details from the API, an error page from the form) and none is stored;
// once space returns, votes are accepted and counted again, and the database is intact.
// Needs root, for mount.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { makeDataDir, runCli, startServer } from '../lib/server.mjs';
import { REQUEST_TIMEOUT_MS, ballots, setupPoll, vote } from './common.mjs';

const TMPFS_SIZE = '8m';      // room for the database and its WAL, small enough to fill fast
const REFUSED_VOTES = 5;

const mounts = [];
after(() => {
	for (const dir of mounts) {
		try {
			execFileSync('umount', ['-l', dir]);
		} catch {
			// already unmounted
		}
	}
});

function sqlite(dbPath, sql) {
	return execFileSync('sqlite3', [dbPath, sql], { encoding: 'utf8' }).trim();
}

// Writes zeros to `file` until the file system refuses with ENOSPC; returns the bytes written.
function fill(file) {
	const fd = openSync(file, 'w');
	let written = 0;
	try {
		for (const size of [1 << 20, 4096, 1]) {
			const block = Buffer.alloc(size);
			for (;;) {
				try {
					const n = writeSync(fd, block);
					written += n;
					if (n < size) break;
				} catch (err) {
					if (err.code !== 'ENOSPC') throw err;
					break;
				}
			}
		}
	} finally {
		closeSync(fd);
	}
	return written;
}

function formVote(server, poll) {
	return fetch(`${server.url}/o/bury/polls/${poll.id}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: `options=${poll.options[1].id}`,
		redirect: 'manual',
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
	});
}

test('votes on a full disk get 503 and are not stored; the server recovers', async () => {
	assert.equal(process.getuid(), 0, 'mounting the small file system needs root');
	const dataDir = makeDataDir();
	execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', dataDir]);
	mounts.push(dataDir);
	const dbPath = path.join(dataDir, 'involve.db');
	const filler = path.join(dataDir, 'filler');

	const server = await startServer({ dataDir });
	try {
		const { poll, token } = await setupPoll(server);
		assert.equal((await vote(server, poll)).status, 201, 'a vote with room is accepted');

		assert.ok(fill(filler) > 0, 'the filler took the free space');
		for (let i = 0; i < REFUSED_VOTES; i++) {
			const res = await vote(server, poll);
			const text = await res.text();
			assert.equal(res.status, 503, text);
			assert.match(res.headers.get('content-type'), /application\/problem\+json/);
			assert.equal(JSON.parse(text).status, 503);
		}
		const form = await formVote(server, poll);
		assert.equal(form.status, 503, 'the form says so too');
		assert.match(await form.text(), /not been saved/);
		// Reading still works, and shows only what was acknowledged.
		assert.equal(await ballots(server, poll, token), 1, 'no refused vote is counted');

		unlinkSync(filler);
		for (let i = 0; i < 3; i++) {
			const res = await vote(server, poll);
			assert.equal(res.status, 201, await res.text());
		}
		assert.equal((await formVote(server, poll)).status, 303, 'the form works again');
		assert.equal(await ballots(server, poll, token), 5);
	} finally {
		rmSync(filler, { force: true });
		await server.stop();
	}
	assert.equal(sqlite(dbPath, 'PRAGMA integrity_check'), 'ok');
	assert.equal(sqlite(dbPath, 'SELECT count(*) FROM ballot'), '5', 'exactly the acknowledged votes');
	// And the CLI agrees, on the same data.
	const r = await runCli(dataDir, ['audit', 'verify']);
	assert.equal(r.code, 0, r.stderr);
	execFileSync('umount', [dataDir]);
	mounts.splice(mounts.indexOf(dataDir), 1);
});
