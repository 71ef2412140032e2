// smtp.mjs - a real SMTP server for the mail tests: Debian's aiosmtpd, run by smtp_server.py
// beside this file, on a loopback port, writing each message it takes to a folder.
//
//   const smtp = await startSmtp();                 // a free port; or startSmtp({ port })
//   server = await startOn('sqlite', { args: ['--smtp-url', smtp.url, '--mail-from', ...] });
//   const [m] = await smtp.waitFor(1);              // the messages taken, in order
//   m.rcpt_tos, m.headers.subject, m.body           // the envelope; decoded headers and body
//   await smtp.stop();
//
// Options: port (default: a free one), delay (milliseconds before taking each message), hang
// (seconds to wait before replying to a message whose subject holds "[hang]", which is taken
// before the wait).  Each message is what
// smtp_server.py writes: mail_from, rcpt_tos, raw, headers (lower-case names, decoded),
// content_type, charset, transfer_encoding, body (decoded, line ends as sent), defects.
// authAttempts() lists the sign-ins a client tried (the server offers AUTH without TLS and
// refuses them all).
// Python is INVOLVE_TEST_PYTHON, else /usr/bin/python3 (Debian's, which has aiosmtpd).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, killAtExit, makeDataDir, sleep, stopProcess } from './server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.INVOLVE_TEST_PYTHON ||
	(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const READY_TIMEOUT_MS = 15000;
const WAIT_MS = 30000;

export async function startSmtp(options = {}) {
	const port = options.port || await freePort();
	const dir = path.join(makeDataDir(), 'mail');
	const args = [path.join(HERE, 'smtp_server.py'), '--port', String(port), '--dir', dir];
	if (options.delay) args.push('--delay', String(options.delay));
	if (options.hang) args.push('--hang', String(options.hang));
	const proc = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	killAtExit(proc, 'SIGTERM');
	let stdout = '';
	let stderr = '';
	proc.stdout.setEncoding('utf8');
	proc.stderr.setEncoding('utf8');
	proc.stderr.on('data', (d) => (stderr += d));
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the SMTP server did not start\n${stderr}`)),
			READY_TIMEOUT_MS);
		proc.on('error', (err) => {
			clearTimeout(timer);
			reject(new Error(`cannot run ${PYTHON}: ${err.message}`));
		});
		proc.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the SMTP server exited (status ${code})\n${stderr}`));
		});
		proc.stdout.on('data', (d) => {
			stdout += d;
			if (stdout.includes('ready')) {
				clearTimeout(timer);
				resolve();
			}
		});
	});
	proc.removeAllListeners('exit');
	proc.stdout.unref();
	proc.stderr.unref();

	const messages = () => {
		if (!existsSync(dir)) return [];
		return readdirSync(dir).filter((f) => /^\d+\.json$/.test(f)).sort()
			.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
	};
	return {
		port,
		url: `smtp://127.0.0.1:${port}`,
		dir,
		messages,
		// The sign-ins tried, one line each ("PLAIN user"): the server offers AUTH without TLS
		// and refuses every one.
		authAttempts() {
			const file = path.join(path.dirname(dir), 'auth.log');
			return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
		},
		// Resolves the messages once at least n have arrived; throws after ms.
		async waitFor(n, ms = WAIT_MS) {
			const deadline = Date.now() + ms;
			for (;;) {
				const got = messages();
				if (got.length >= n) return got;
				if (Date.now() > deadline) {
					throw new Error(`${got.length} of ${n} messages arrived within ${ms / 1000} s`);
				}
				await sleep(100);
			}
		},
		async stop() {
			await stopProcess(proc, {
				what: 'the SMTP server',
				signal: 'SIGTERM',
				force: 'SIGKILL',
				log: () => stderr,
			});
		},
	};
}
