// Mail from two app servers on one PostgreSQL database: both run the mail worker and claim from
// one outbox, and every message arrives once.  The messages are queued before the servers
// start, and the SMTP server takes each after a short pause, so that both servers are sending
// at once and each takes a share.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clusterDatabase, startCluster } from '../lib/cluster.mjs';
import { ok } from '../lib/commands.mjs';
import { createOrg } from '../lib/fixtures.mjs';
import { psql } from '../lib/pg.mjs';
import { makeDataDir, runCli, sleep } from '../lib/server.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const MESSAGES = 24;

test('two servers sharing one database send each message once', async () => {
	const smtp = await startSmtp({ delay: 150 });
	const dataDir = makeDataDir();
	const databaseUrl = clusterDatabase(dataDir);
	const cli = (args) => runCli(dataDir, args);
	await createOrg({ cli });
	for (let i = 0; i < MESSAGES; i++) {
		await ok(cli(['mail', 'send', '--org', 'bury', '--to', `resident${i}@example.org`,
			'--subject', `Message ${i}`, '--body', `This is message ${i}.`]));
	}
	const cluster = await startCluster({
		dataDir,
		nodes: 2,
		args: ['--smtp-url', smtp.url, '--mail-from', 'noreply@example.org', '--mail-interval', '1'],
	});
	try {
		const got = await smtp.waitFor(MESSAGES, 60000);
		await sleep(2500); // time for a message sent twice to arrive twice
		const all = smtp.messages();
		assert.equal(all.length, MESSAGES, 'each message arrives once');
		const subjects = all.map((m) => m.headers.subject).sort();
		const want = Array.from({ length: MESSAGES }, (_, i) => `Message ${i}`).sort();
		assert.deepEqual(subjects, want);
		for (const m of got) {
			const i = /Message (\d+)/.exec(m.headers.subject)[1];
			assert.deepEqual(m.rcpt_tos, [`resident${i}@example.org`], 'to its own recipient');
		}
		const q = (sql) => psql(databaseUrl, sql).trim();
		for (let tries = 0; q("SELECT count(*) FROM outbox WHERE state = 'sent'") !== String(MESSAGES);
			tries++) {
			assert.ok(tries < 100, q('SELECT state, count(*) FROM outbox GROUP BY state'));
			await sleep(100);
		}
		assert.equal(q('SELECT sum(attempts) FROM outbox'), String(MESSAGES), 'one attempt each');
		assert.equal(q('SELECT count(*) FROM outbox WHERE length(recipient) > 0'), '0');
		// Both servers took part: each logs the messages it sent.
		const sentBy = cluster.nodes.map((n) => (n.stderr.match(/"message \d+ \(cli\) sent/g) || []).length);
		assert.equal(sentBy[0] + sentBy[1], MESSAGES, `sent by each: ${sentBy}`);
		assert.ok(sentBy[0] > 0 && sentBy[1] > 0, `both servers sent some: ${sentBy}`);
	} finally {
		await cluster.stop();
		await smtp.stop();
	}
});
