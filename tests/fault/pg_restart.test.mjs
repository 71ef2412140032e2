// The database goes away and comes back: a PostgreSQL restart costs no request, and while the
// server is down votes and readiness say so (503) instead of hanging or crashing; once it is
// back everything works again without restarting involve.  Runs its own PostgreSQL cluster,
// since it stops and starts it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { psql } from '../lib/pg.mjs';
import { ROOT, startServer } from '../lib/server.mjs';

const PG_CTL = '/usr/lib/postgresql/15/bin/pg_ctl';

function pgCtl(dir, ...args) {
	const cmd = [PG_CTL, '-D', path.join(dir, 'data'), '-w', '-t', '60', ...args];
	// The cluster belongs to the postgres user when the tests run as root.
	if (process.getuid() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...cmd], { stdio: 'ignore' });
	else execFileSync(cmd[0], cmd.slice(1), { stdio: 'ignore' });
}

async function vote(server) {
	const res = await fetch(`${server.url}/api/v1/polls/1/votes`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ options: ['1'] }),
	});
	await res.arrayBuffer();
	return res.status;
}

test('a PostgreSQL restart costs no request; an outage is 503 and mends itself', async () => {
	const dir = mkdtempSync('/tmp/involve-pg-');
	const out = execFileSync(path.join(ROOT, 'scripts/pg-cluster.sh'), ['start', dir], { encoding: 'utf8' });
	const url = /INVOLVE_TEST_PG_URL=(\S+)/.exec(out)[1];
	try {
		const server = await startServer({ args: ['--database', url, '--demo'] });
		assert.equal(await vote(server), 201);

		pgCtl(dir, '-m', 'fast', 'restart');
		for (let i = 0; i < 5; i++) assert.equal(await vote(server), 201, `vote ${i} after the restart`);
		assert.equal((await fetch(`${server.url}/o/bury/polls/1`)).status, 200);

		pgCtl(dir, '-m', 'fast', 'stop');
		assert.equal(await vote(server), 503);
		assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
		assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process itself is fine');

		pgCtl(dir, '-l', path.join(dir, 'server.log'), 'start');
		assert.equal(await vote(server), 201);
		assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
		const total = psql(url, 'SELECT count(*) FROM ballot WHERE poll_id = 1').trim();
		assert.equal(total, String(185 + 7), 'the demo\'s 185 and the 7 acknowledged here');
		await server.stop();
	} finally {
		execFileSync(path.join(ROOT, 'scripts/pg-cluster.sh'), ['stop', dir]);
	}
});
