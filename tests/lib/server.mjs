// server.mjs - starts the real `involve serve` for the HTTP and browser tests.
//
// Each server gets a free loopback port and its own temporary data directory, so tests never
// share state.  The binary is INVOLVE_BIN (set by `make check` to the sanitizer build), else
// build-check/src/cli/involve.  It runs from the repository root, so it finds web/.
//
//   const server = await startServer();
//   const res = await fetch(server.url + '/readyz');
//   const { code, stdout } = await server.cli(['org', 'create', '--name', 'Leeds']);
//   await server.stop();            // throws if the server did not exit cleanly (exit 0)
//
// stop() sends SIGTERM and expects exit status 0 within 10 s: a sanitizer report (leak,
// overflow) makes the server exit non-zero, so it fails the test that stopped it, with the
// server's stderr in the message.  kill9() is for crash tests.  A stopped server's data
// directory stays until the test process exits, so a test can start a second server on it:
// startServer({ dataDir: first.dataDir }).  Servers still running when the test process ends
// are killed; temporary directories are removed unless INVOLVE_KEEP_TEST_DATA=1.
//
// With INVOLVE_TEST_CLUSTER=1, startServer() starts a cluster instead (tests/lib/cluster.mjs:
// nodes on one PostgreSQL database behind nginx) with the same interface, and runCli() gives
// the command the data directory's PostgreSQL database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cliDatabaseArgs, clusterMode, startCluster } from './cluster.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const INVOLVE_BIN = process.env.INVOLVE_BIN ||
	path.join(ROOT, 'build-check', 'src', 'cli', 'involve');

const READY_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;
const CLI_TIMEOUT_MS = 30000;
const OUTPUT_MAX = 1 << 20; // bytes of a server's stdout / stderr kept for messages

const running = new Set();
const tempDirs = new Set();

process.on('exit', () => {
	for (const proc of running) {
		try {
			proc.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
	if (process.env.INVOLVE_KEEP_TEST_DATA !== '1') {
		for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
	}
});

// A port the kernel has just handed out and taken back: free unless something races us for
// it, in which case startServer tries again.
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

export function makeDataDir() {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'involve-test-'));
	tempDirs.add(dir);
	return dir;
}

function keepTail(text, chunk) {
	const s = text + chunk;
	return s.length > OUTPUT_MAX ? s.slice(s.length - OUTPUT_MAX) : s;
}

function getStatus(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 1000, agent: false }, (res) => {
			res.resume();
			resolve(res.statusCode);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function waitExit(proc, ms) {
	return new Promise((resolve) => {
		if (proc.exitCode !== null || proc.signalCode !== null) {
			resolve({ code: proc.exitCode, signal: proc.signalCode });
			return;
		}
		const timer = setTimeout(() => resolve(null), ms);
		proc.once('exit', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal });
		});
	});
}

// Runs the binary once with `args`, then `--data dir`; resolves {code, stdout, stderr}.
export function runCli(dataDir, args, options = {}) {
	return new Promise((resolve, reject) => {
		const proc = spawn(INVOLVE_BIN, [...args, '--data', dataDir,
			...cliDatabaseArgs(dataDir, args)], {
			cwd: ROOT,
			env: { ...process.env, ...(options.env || {}) },
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeout || CLI_TIMEOUT_MS);
		proc.stdout.setEncoding('utf8');
		proc.stderr.setEncoding('utf8');
		proc.stdout.on('data', (d) => (stdout = keepTail(stdout, d)));
		proc.stderr.on('data', (d) => (stderr = keepTail(stderr, d)));
		proc.on('error', (err) => {
			clearTimeout(timer);
			reject(new Error(`cannot run ${INVOLVE_BIN}: ${err.message}`));
		});
		proc.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code === null ? -1 : code, signal, stdout, stderr });
		});
		proc.stdin.on('error', () => {}); // the command may exit without reading its input
		proc.stdin.end(options.input === undefined ? '' : options.input);
	});
}

async function startOnce(dataDir, options) {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir,
		'--public-url', url, '--vote-rate-limit', '0', ...(options.args || [])];
	const proc = spawn(INVOLVE_BIN, args, {
		cwd: ROOT,
		env: { ...process.env, ...(options.env || {}) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = { stdout: '', stderr: '' };
	let spawnError = null;
	proc.stdout.setEncoding('utf8');
	proc.stderr.setEncoding('utf8');
	proc.stdout.on('data', (d) => {
		out.stdout = keepTail(out.stdout, d);
		if (process.env.INVOLVE_TEST_VERBOSE === '1') process.stdout.write(d);
	});
	proc.stderr.on('data', (d) => {
		out.stderr = keepTail(out.stderr, d);
		if (process.env.INVOLVE_TEST_VERBOSE === '1') process.stderr.write(d);
	});
	proc.on('error', (err) => (spawnError = err));
	running.add(proc);
	proc.on('exit', () => running.delete(proc));
	// The server must not keep the test process alive if a test forgets to stop it; the
	// exit handler above kills it then.
	proc.unref();
	proc.stdout.unref();
	proc.stderr.unref();

	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (spawnError) {
			throw new Error(`cannot run ${INVOLVE_BIN}: ${spawnError.message}`);
		}
		if (proc.exitCode !== null || proc.signalCode !== null) {
			return { proc, out, url, port, exited: true };
		}
		if ((await getStatus(`${url}/readyz`)) === 200) break;
		if (Date.now() > deadline) {
			proc.kill('SIGKILL');
			throw new Error(`server not ready on ${url}/readyz within ` +
				`${READY_TIMEOUT_MS / 1000} s\n--- stderr ---\n${out.stderr}`);
		}
		await sleep(50);
	}
	return { proc, out, url, port, exited: false };
}

// options: env (extra environment), args (extra arguments to `serve`), dataDir (use this
// directory instead of a new one; it is not removed).
export function startServer(options = {}) {
	return clusterMode() ? startCluster(options) : startOneServer(options);
}

// One server, whatever INVOLVE_TEST_CLUSTER says; the same options.
export async function startOneServer(options = {}) {
	const dataDir = options.dataDir || makeDataDir();
	let started;
	for (let attempt = 1; ; attempt++) {
		started = await startOnce(dataDir, options);
		if (!started.exited) break;
		const { stderr } = started.out;
		// Only a port lost to a race is worth another try; anything else is the failure.
		if (attempt < 3 && /address already in use|EADDRINUSE/i.test(stderr)) continue;
		throw new Error(`server exited before it was ready (status ${started.proc.exitCode}, ` +
			`signal ${started.proc.signalCode})\n--- stderr ---\n${stderr}`);
	}
	const { proc, out, url, port } = started;

	return {
		url,
		port,
		dataDir,
		proc,
		get stdout() {
			return out.stdout;
		},
		get stderr() {
			return out.stderr;
		},
		// SIGTERM, then expects a clean exit (status 0); resolves {code, signal, stderr}.
		async stop() {
			proc.ref();
			if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
			let res = await waitExit(proc, STOP_TIMEOUT_MS);
			if (res === null) {
				proc.kill('SIGKILL');
				await waitExit(proc, STOP_TIMEOUT_MS);
				throw new Error(`server did not exit within ${STOP_TIMEOUT_MS / 1000} s of ` +
					`SIGTERM\n--- stderr ---\n${out.stderr}`);
			}
			if (res.code !== 0) {
				throw new Error(`server exited with status ${res.code}, signal ${res.signal} ` +
					`after SIGTERM\n--- stderr ---\n${out.stderr}`);
			}
			return { ...res, stderr: out.stderr };
		},
		// SIGKILL, as a crash or power cut would; resolves once the process is gone.
		async kill9() {
			proc.ref();
			if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
			const res = await waitExit(proc, STOP_TIMEOUT_MS);
			return { ...(res || {}), stderr: out.stderr };
		},
		// Runs `involve <args...> --data <dataDir>`; options: input (stdin text), env.
		cli(args, cliOptions = {}) {
			return runCli(dataDir, args, cliOptions);
		},
	};
}
