// Many connections and slow clients: 10,000 idle connections and clients that send their
// headers or body a byte at a time must not stop others from being served; the per-address
// limit and the timeouts give the room back.  No timings are asserted: "promptly" means
// within a generous REQUEST_TIMEOUT_MS, and "dropped" means closed by the server within a
// bound several times the configured timeout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { INVOLVE_BIN, ROOT, freePort, makeDataDir, startServer } from '../lib/server.mjs';
import {
	REQUEST_TIMEOUT_MS, ballots, rawConnection, setupPoll, sleep, statusOf, vote, within,
} from './common.mjs';
import { runCli } from '../lib/server.mjs';

// server.cli() for a server started by hand.
const cliFor = (dataDir) => (args, options) => runCli(dataDir, args, options);

const IDLE_CONNECTIONS = 10000;
const SLOW_CLIENTS = 20;      // of each kind: header tricklers and body tricklers
const TRICKLE_MS = 200;       // a byte this often
const HOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'connection_holder.mjs');

// Starts connection_holder.mjs in a shell that first raises its soft open-file limit to the
// hard one (node cannot call setrlimit).  Resolves { first, ask, exit }.
function startHolder(port, count) {
	const proc = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec node "$0" "$@"', HOLDER,
		'127.0.0.1', String(port), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
	const lines = readline.createInterface({ input: proc.stdout });
	const waiting = [];
	lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
	const next = () => new Promise((resolve, reject) => {
		waiting.push(resolve);
		proc.once('exit', (code) => reject(new Error(`connection holder exited (${code})`)));
	});
	return {
		first: next(),
		async ask(line) {
			const answer = next();
			proc.stdin.write(line + '\n');
			return answer;
		},
		exit() {
			proc.stdin.end('exit\n');
			return new Promise((resolve) => {
				if (proc.exitCode !== null) resolve();
				else proc.once('exit', resolve);
			});
		},
	};
}

// Clients that never finish: headers a byte at a time, or a declared body a byte at a time.
function startTricklers(port, poll) {
	const conns = [];
	const timers = [];
	for (let i = 0; i < SLOW_CLIENTS; i++) {
		const h = rawConnection(port);
		h.socket.write('GET /o/bury/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
		timers.push(setInterval(() => h.socket.write('a'), TRICKLE_MS));
		const b = rawConnection(port);
		b.socket.write(`POST /api/v1/polls/${poll.id}/votes HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
			'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"options": [');
		timers.push(setInterval(() => b.socket.write(' '), TRICKLE_MS));
		conns.push(h, b);
	}
	return {
		conns,
		stop() {
			for (const t of timers) clearInterval(t);
			for (const c of conns) c.socket.destroy();
		},
	};
}

function getFrom(port, localAddress, pathname) {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: '127.0.0.1', port, path: pathname, localAddress, agent: false,
			timeout: REQUEST_TIMEOUT_MS }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode, body }));
		});
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', reject);
	});
}

test('10,000 idle connections and slow clients do not stop others being served', async () => {
	// Behind a trusted proxy every connection comes from the proxy, so the per-address limit
	// is off: all 10,000 come from 127.0.0.1 and must all be let in.
	const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1', '--no-access-log'] });
	const holder = startHolder(server.port, IDLE_CONNECTIONS);
	let slow;
	try {
		assert.match(server.stderr, /open-file limit \d+/, 'the server logs its open-file limit');
		const { poll, token } = await setupPoll(server);
		const opened = await holder.first;
		assert.deepEqual(opened, { open: IDLE_CONNECTIONS, failed: 0 });
		slow = startTricklers(server.port, poll);
		await sleep(1000);

		const page = await fetch(`${server.url}/o/bury/`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
		assert.equal(page.status, 200);
		assert.match(await page.text(), /NHS Bury/);
		const before = await ballots(server, poll, token);
		const res = await vote(server, poll);
		assert.equal(res.status, 201, await res.text());
		assert.equal(await ballots(server, poll, token), before + 1, 'the vote is counted');
		// A few more, one after another, each as prompt.
		for (let i = 0; i < 5; i++) assert.equal((await vote(server, poll)).status, 201);
		assert.equal(await ballots(server, poll, token), before + 6);

		// The idle connections were held, not dropped to make room; the slow ones got nothing.
		assert.deepEqual(await holder.ask('count'), { open: IDLE_CONNECTIONS });
		for (const c of slow.conns) assert.equal(c.data, '', 'a slow client got no answer yet');
	} finally {
		slow?.stop();
		await holder.exit();
	}
	await server.stop();
});

test('the per-address connection limit refuses one address, not the others', async () => {
	const LIMIT = 20;
	const server = await startServer({ args: ['--max-connections-per-ip', String(LIMIT)] });
	const conns = [];
	try {
		for (let i = 0; i < LIMIT + 10; i++) conns.push(rawConnection(server.port));
		await Promise.all(conns.map((c) => c.connected));
		// The ones over the limit are closed at once; give the server a moment to do so.
		for (let i = 0; i < 50 && conns.filter((c) => c.isClosed).length < 10; i++) await sleep(100);
		assert.equal(conns.filter((c) => !c.isClosed).length, LIMIT);
		// Another address is served...
		const other = await getFrom(server.port, '127.0.0.2', '/readyz');
		assert.equal(other.status, 200);
		// ... and this one again once its connections close.
		for (const c of conns) c.socket.destroy();
		await sleep(300);
		const again = await getFrom(server.port, '127.0.0.1', '/readyz');
		assert.equal(again.status, 200);
	} finally {
		for (const c of conns) c.socket.destroy();
	}
	await server.stop();
});

test('silent connections and trickled bodies are dropped after the timeouts', async () => {
	const TIMEOUT_S = 2; // so the body deadline is 4 s
	const server = await startServer({ args: ['--connection-timeout', String(TIMEOUT_S)] });
	const { poll, token } = await setupPoll(server);
	const bound = 5 * TIMEOUT_S * 1000;
	const idle = rawConnection(server.port);
	const halfHeaders = rawConnection(server.port);
	const body = rawConnection(server.port);
	await Promise.all([idle.connected, halfHeaders.connected, body.connected]);
	halfHeaders.socket.write('GET /o/bury/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ');
	body.socket.write(`POST /api/v1/polls/${poll.id}/votes HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
		'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"options": [');
	// A byte every half timeout: never silent for long enough, but never done either.
	const trickle = setInterval(() => body.socket.write(' '), TIMEOUT_S * 500);
	try {
		assert.ok(await within(idle.closed, bound), 'an idle connection is closed');
		assert.ok(await within(halfHeaders.closed, bound), 'a client that stops mid-headers is dropped');
		assert.ok(await within(body.closed, bound), 'a body trickled past the deadline is dropped');
		assert.ok(statusOf(body.data) === 0 || statusOf(body.data) >= 400,
			`a trickled vote is not accepted: ${body.data.slice(0, 40)}`);
	} finally {
		clearInterval(trickle);
		for (const c of [idle, halfHeaders, body]) c.socket.destroy();
	}
	// Meanwhile and afterwards, everyone else is served.
	assert.equal((await vote(server, poll)).status, 201);
	await server.stop();
});

// Starts `involve serve` under a shell that lowers the open-file limits first (and without the
// privilege to raise a hard limit, which root may have).  Resolves when it serves.
async function serveWithLimits(soft, hard, dataDir) {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const proc = spawn('setpriv', ['--bounding-set=-sys_resource', 'bash', '-c',
		`ulimit -S -n ${soft} && ulimit -H -n ${hard} && exec "$0" "$@"`, INVOLVE_BIN, 'serve',
		'--listen', `127.0.0.1:${port}`, '--public-url', url, '--data', dataDir,
		'--vote-rate-limit', '0', '--no-access-log', '--max-connections-per-ip', '0'],
	{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	const out = { stdout: '', stderr: '' };
	proc.stdout.on('data', (d) => (out.stdout += d));
	proc.stderr.on('data', (d) => (out.stderr += d));
	for (let i = 0; i < 300 && !/is serving/.test(out.stdout); i++) {
		if (proc.exitCode !== null) break;
		await sleep(50);
	}
	assert.match(out.stdout, /is serving/, out.stderr);
	return {
		url,
		port,
		out,
		async stop() {
			proc.kill('SIGTERM');
			const code = await new Promise((resolve) => (proc.exitCode !== null ?
				resolve(proc.exitCode) : proc.once('exit', resolve)));
			assert.equal(code, 0, out.stderr);
		},
	};
}

test('a low open-file limit is raised, what cannot be is logged, and exhaustion is survived', async () => {
	const dataDir = makeDataDir();
	const server = await serveWithLimits(256, 2048, dataDir);
	let holder;
	try {
		assert.match(server.out.stderr, /open-file limit 2048 \(was 256; hard limit 2048\)/);
		assert.match(server.out.stderr, /is below the \d+ that 16384 connections need; accepting at most 1792/);
		const { poll } = await setupPoll({ url: server.url, cli: cliFor(dataDir) });
		// More connections than it has descriptors for: it refuses connections, not its
		// database, and serves again once they go.
		holder = startHolder(server.port, 2500);
		await holder.first;
		await holder.exit();
		holder = null;
		await sleep(500);
		const res = await vote({ url: server.url }, poll);
		assert.equal(res.status, 201, await res.text());
	} finally {
		await holder?.exit();
		await server.stop();
	}
});
