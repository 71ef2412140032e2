// Mail to the public, end to end: `involve mail send` queues a message, `involve serve
// --smtp-url` sends it to a real SMTP server (aiosmtpd, tests/lib/smtp.mjs), and the tests read
// what arrived: the envelope, the headers, a subject and a body in UTF-8.  The address is gone
// from the database once sent, and never in it in plain text.  With the SMTP server down, a
// message is tried again after pauses that double, and arrives once the server is up.  A server
// killed while the SMTP server has the message does not send it again by itself.  And the
// command refuses what would not do.
//
// Each test names its database (database.mjs), so in cluster mode (INVOLVE_TEST_CLUSTER=1) they
// run as they do otherwise; tests/cluster/mail.test.mjs has two servers on one database.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { ok, refused } from '../lib/commands.mjs';
import { ENGINES, sqlOf, sqliteFile, startOn } from '../lib/database.mjs';
import { createOrg } from '../lib/fixtures.mjs';
import { freePort, makeDataDir, runCli, sleep } from '../lib/server.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const FROM = 'noreply@example.org';

// What `serve` needs to send through smtpUrl, looking for mail every second.
function mailArgs(smtpUrl, ...more) {
	return ['--smtp-url', smtpUrl, '--mail-from', FROM, '--mail-interval', '1', ...more];
}

// Resolves once check() is true; throws after ms with what() in the message.
async function waitUntil(check, what, ms = 30000) {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what()}`);
		await sleep(100);
	}
}

function send(server, { to = 'resident@example.org', subject = 'Carry on with your survey',
	body = 'Your link: https://involve.example.org/o/bury/r/abc' } = {}) {
	return server.cli(['mail', 'send', '--org', 'bury', '--to', to, '--subject', subject,
		'--body', body]);
}

function queuedId(stdout) {
	const m = /Queued message (\d+)/.exec(stdout);
	assert.ok(m, stdout);
	return m[1];
}

for (const engine of ENGINES) {
	test(`a message queued with the command arrives once, as written, and its address is then gone (${engine})`, async () => {
		const smtp = await startSmtp();
		const server = await startOn(engine, { args: mailArgs(smtp.url) });
		const to = 'Resident.One@example.org';
		const subject = 'Ihre Umfrage: weiter geht’s ✓ — ankieta trwa';
		const body = 'Dzień dobry,\n\nYour link: https://involve.example.org/o/bury/r/abc?x=1&y=2\n' +
			'.\nFrom the team at NHS Bury, with thanks — dziękujemy.\n' +
			'A long line that goes on and on, well past the seventy-six characters a ' +
			'quoted-printable line may hold, and on again.';
		try {
			await createOrg(server, 'bury', 'NHS Bury – Ysbyty');
			await ok(send(server, { to, subject, body }));
			const [m] = await smtp.waitFor(1);
			assert.equal(m.mail_from, FROM);
			assert.deepEqual(m.rcpt_tos, [to]);
			assert.equal(m.headers.subject, subject);
			assert.match(m.headers.from, /NHS Bury – Ysbyty/);
			assert.match(m.headers.from, /<noreply@example\.org>$/);
			assert.equal(m.headers.to, to);
			assert.match(m.headers['message-id'], /^<[0-9a-f]{24}\.\d+@example\.org>$/);
			assert.ok(Math.abs(Date.parse(m.headers.date) - Date.now()) < 5 * 60000, m.headers.date);
			assert.equal(m.headers['mime-version'], '1.0');
			assert.equal(m.headers['auto-submitted'], 'auto-generated');
			assert.equal(m.content_type, 'text/plain');
			assert.equal(m.charset, 'utf-8');
			assert.equal(m.transfer_encoding, 'quoted-printable');
			assert.equal(m.body.replace(/\r\n/g, '\n').replace(/\n$/, ''), body);
			assert.deepEqual(m.defects, []);
			assert.match(m.raw, /^[\t\r\n\x20-\x7e]*$/, 'the message is ASCII on the wire');
			for (const line of m.raw.split('\r\n')) assert.ok(line.length <= 78, line);

			const q = sqlOf(server);
			await waitUntil(() => q('SELECT state FROM outbox') === 'sent',
				() => q('SELECT state, last_error FROM outbox'));
			assert.equal(q('SELECT attempts FROM outbox'), '1');
			assert.equal(q('SELECT length(recipient) FROM outbox'), '0', 'the address is gone');
			assert.equal(q("SELECT count(*) FROM outbox WHERE body = ''"), '1',
				'and the body, which may carry a private link');
			assert.equal(q('SELECT subject FROM outbox'), subject);

			const metrics = await (await fetch(`${server.url}/metrics`)).text();
			assert.match(metrics, /^involve_mail_messages\{state="sent"\} 1$/m);
			assert.match(metrics, /^involve_mail_messages\{state="unknown"\} 0$/m);
			const list = await ok(server.cli(['mail', 'list', '--org', 'bury']));
			assert.match(list.stdout, /^\d+\tbury\tcli\tsent\t1\t\S+\t-\t\S+\t$/m);
			assert.doesNotMatch(list.stdout, /Resident/i, 'the list never shows an address');
			assert.doesNotMatch(server.stderr, /Resident/i, 'nor does the log');
			if (engine === 'sqlite') {
				for (const file of [sqliteFile(server), `${sqliteFile(server)}-wal`]) {
					if (!existsSync(file)) continue;
					assert.ok(!readFileSync(file).includes(Buffer.from(to)),
						`${path.basename(file)} never held the address in plain text`);
				}
			}
			await sleep(2500);
			assert.equal(smtp.messages().length, 1, 'sent once');
		} finally {
			await server.stop();
			await smtp.stop();
		}
	});
}

test('the command refuses a bad address, a line break and an empty subject, and queues nothing', async () => {
	const dataDir = makeDataDir();
	const cli = (args) => runCli(dataDir, args);
	await createOrg({ cli });
	const bad = (over) => send({ cli }, over);

	await refused(bad({ to: 'not-an-address' }), 2,
		/mail send: to: Enter an email address in the correct format/);
	await refused(bad({ to: '<resident@example.org>' }), 2, /to: Enter an email address/);
	await refused(bad({ to: 'a@example.org, b@example.org' }), 2, /to: Enter an email address/);
	await refused(bad({ to: 'a@example.org\r\nBcc: b@example.org' }), 2,
		/to: An email address cannot contain a line break/);
	await refused(bad({ subject: 'Hello\r\nBcc: b@example.org' }), 2,
		/subject: The subject must be one line: it cannot contain a line break/);
	await refused(bad({ subject: 'Hello\n' }), 2, /subject: The subject must be one line/);
	await refused(bad({ subject: '   ' }), 2, /subject: Enter the subject/);
	await refused(bad({ subject: '' }), 2, /subject: Enter the subject/);
	await refused(bad({ body: '\n' }), 2, /body: Enter the body/);
	await refused(cli(['mail', 'send', '--org', 'bury', '--to', 'a@example.org']), 2,
		/send needs --org, --to, --subject and --body/);
	await refused(cli(['mail', 'send', '--org', 'nowhere', '--to', 'a@example.org', '--subject',
		'Hi', '--body', 'Hello']), 1, /there is no organisation 'nowhere'/);
	await refused(cli(['mail', 'list', '--state', 'lost']), 2, /--state must be/);
	await refused(cli(['mail', 'retry', '--org', 'bury']), 2, /retry needs --org, and --id or --failed/);
	await refused(cli(['mail', 'retry', '--org', 'bury', '--id', '99']), 1, /bury has no message 99/);
	await refused(cli(['mail', 'frobnicate']), 2, /unknown action 'frobnicate'/);
	const list = await ok(cli(['mail', 'list']));
	assert.equal(list.stdout.trim().split('\n').length, 1, `nothing queued:\n${list.stdout}`);

	await refused(cli(['serve', '--smtp-url', 'smtp://127.0.0.1:25']), 2,
		/--smtp-url and --mail-from go together/);
	await refused(cli(['serve', '--smtp-url', 'http://127.0.0.1:25', '--mail-from', FROM]), 2,
		/smtp-url: use smtp:\/\/HOST:PORT/);
	await refused(cli(['serve', '--smtp-url', 'smtp://user:hunter2@mail.example.org:587',
		'--mail-from', 'noreply']), 2, /mail-from: Enter an email address/);
	await refused(cli(['serve', '--mail-backoff', '0']), 2, /--mail-backoff must be/);
	const r = await refused(cli(['serve', '--smtp-url', 'ftp://user:hunter2@example.org',
		'--mail-from', FROM]), 2, /smtp-url/);
	assert.doesNotMatch(r.stderr, /hunter2/, 'a password in the URL is never echoed');
	const passwordFile = path.join(dataDir, 'smtp-password');
	writeFileSync(passwordFile, 'hunter2\n', { mode: 0o644 });
	await refused(cli(['serve', '--smtp-url', 'smtp://127.0.0.1:25', '--mail-from', FROM,
		'--smtp-password-file', passwordFile]), 2, /needs a user name in --smtp-url/);
	await refused(cli(['serve', '--smtp-url', 'smtp://mailer@127.0.0.1:25', '--mail-from', FROM,
		'--smtp-password-file', passwordFile]), 1, /only its owner may read \(chmod 600\)/);
	await refused(cli(['serve', '--smtp-url', 'smtp://mailer@127.0.0.1:25', '--mail-from', FROM,
		'--smtp-password-file', `${passwordFile}.missing`]), 1, /cannot read/);
});

test('a password for the SMTP server never goes over a connection without TLS', async () => {
	// aiosmtpd here offers no STARTTLS: with a password, nothing is sent.
	const smtp = await startSmtp();
	const dataDir = makeDataDir();
	const passwordFile = path.join(dataDir, 'smtp-password');
	writeFileSync(passwordFile, 'hunter2\n', { mode: 0o600 });
	const server = await startOn('sqlite', {
		dataDir,
		args: ['--smtp-url', `smtp://mailer@127.0.0.1:${smtp.port}`, '--smtp-password-file',
			passwordFile, '--mail-from', FROM, '--mail-interval', '1'],
	});
	try {
		await createOrg(server);
		await ok(send(server));
		const q = sqlOf(server);
		await waitUntil(() => q('SELECT attempts FROM outbox') === '1' &&
			q('SELECT state FROM outbox') === 'queued', () => q('SELECT state, attempts FROM outbox'));
		assert.match(q('SELECT last_error FROM outbox'), /could not hand the message/);
		assert.equal(smtp.messages().length, 0);
		assert.deepEqual(smtp.authAttempts(), [], 'no sign-in was tried without TLS');
		assert.doesNotMatch(server.stderr, /hunter2/);
	} finally {
		await server.stop();
		await smtp.stop();
	}
});

test('with the SMTP server down a message is tried again after pauses that double, and arrives once it is up', async () => {
	const port = await freePort();
	const server = await startOn('sqlite', {
		args: mailArgs(`smtp://127.0.0.1:${port}`, '--mail-backoff', '2'),
	});
	let smtp = null;
	try {
		await createOrg(server);
		await ok(send(server));
		const q = sqlOf(server);
		const row = () => q('SELECT state, attempts, next_attempt_at - last_attempt_at FROM outbox');
		// Each attempt that found nobody: queued again, 2 s after it failed, then 4 s, as the
		// server says.  The row keeps the second the attempt began, and on a busy machine the
		// clock can tick over while it runs, so there the gap is the pause or a second more.
		const seen = new Set();
		const queued = (attempt, pause) => [pause, pause + 1].some((gap) =>
			seen.has(`queued|${attempt}|${gap}`));
		await waitUntil(() => {
			seen.add(row());
			return queued(2, 4);
		}, () => [...seen].join(', '), 20000);
		assert.ok(queued(1, 2), [...seen].join(', '));
		// The log line follows the row's commit, and reaches the test through a pipe: waited for.
		for (const [attempt, pause] of [[1, 2], [2, 4]]) {
			const said = new RegExp(`"message \\d+, attempt ${attempt}: could not ` +
				`hand the message to the mail server [^"]*; trying again in ${pause} s"`);
			await waitUntil(() => said.test(server.stderr), () => server.stderr, 5000);
		}
		const list = await ok(server.cli(['mail', 'list']));
		assert.match(list.stdout, /\tqueued\t2\t.*could not hand the message to the mail server/);
		assert.equal(q('SELECT length(recipient) > 0 FROM outbox'), '1', 'kept while waiting');

		smtp = await startSmtp({ port });
		const [m] = await smtp.waitFor(1);
		assert.equal(m.headers.subject, 'Carry on with your survey');
		await waitUntil(() => q('SELECT state FROM outbox') === 'sent', row);
		assert.equal(q('SELECT attempts FROM outbox'), '3');
		assert.equal(q("SELECT last_error FROM outbox"), '');
		await sleep(2500);
		assert.equal(smtp.messages().length, 1, 'it arrives once');
	} finally {
		await server.stop();
		if (smtp) await smtp.stop();
	}
});

test('a server killed while the mail server has the message does not send it again; staff may', async () => {
	// The SMTP server takes "[hang]" messages at once and replies only 4 s later: the sender is
	// killed meanwhile, after the message's end went out, and the message has arrived.
	const smtp = await startSmtp({ hang: 4 });
	const dataDir = makeDataDir();
	let server = await startOn('sqlite', { dataDir, args: mailArgs(smtp.url) });
	let killed = false;
	try {
		await createOrg(server);
		const id = queuedId((await ok(send(server, { subject: 'Your link [hang]' }))).stdout);
		const q = sqlOf(server);
		const [first] = await smtp.waitFor(1);
		assert.equal(q('SELECT state FROM outbox'), 'sending');
		await server.kill9();
		killed = true;
		assert.equal(q('SELECT state FROM outbox'), 'sending', 'the attempt was recorded, its outcome never');
		// As if the attempt's lease had run out (it lasts minutes), then a server starts again.
		q("UPDATE outbox SET lease_until = 1 WHERE state = 'sending'");
		server = await startOn('sqlite', { dataDir, args: mailArgs(smtp.url) });
		killed = false;
		await waitUntil(() => q('SELECT state FROM outbox') === 'unknown', () => q('SELECT state FROM outbox'));
		assert.match(q('SELECT last_error FROM outbox'), /may have been delivered/);
		await sleep(2500);
		assert.equal(smtp.messages().length, 1, 'never sent again by itself');
		const list = await ok(server.cli(['mail', 'list', '--state', 'unknown']));
		assert.match(list.stdout, new RegExp(`^${id}\\tbury\\tcli\\tunknown\\t1\\t`, 'm'));

		// Staff decide it should go all the same.
		const r = await ok(server.cli(['mail', 'retry', '--org', 'bury', '--id', id]));
		assert.match(r.stdout, new RegExp(`Queued message ${id} again`));
		const [, second] = await smtp.waitFor(2);
		await waitUntil(() => q('SELECT state FROM outbox') === 'sent', () => q('SELECT state FROM outbox'));
		assert.equal(second.headers['message-id'], first.headers['message-id'],
			'the same Message-ID, so a mail program can tell it is the same message');
		await refused(server.cli(['mail', 'retry', '--org', 'bury', '--id', id]), 1,
			/cannot go again/);
	} finally {
		if (!killed) await server.stop();
		await smtp.stop();
	}
});
