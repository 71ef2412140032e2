// server.mjs - starts the real `involve serve` for the HTTP and browser tests.
//
// Each server gets a free loopback port and its own temporary data directory, so tests never
// share state.  The binary is INVOLVE_BIN (set by `make check` to the sanitizer build), else
// build-check/src/cli/involve.  It runs from the repository root unless options.cwd says
// otherwise; its pages and static files are built into it.
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
//
// The process handling underneath (waitReady, stopProcess, killProcess, killAtExit) is exported
// for cluster.mjs, which runs nginx the same way.
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

const running = new Map(); // process -> the signal that ends it when the test process exits
const tempDirs = new Set();

process.on('exit', () => {
	for (const [proc, signal] of running) {
		try {
			proc.kill(signal);
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

// A process still running when the test process exits gets `signal` then; meanwhile it does
// not keep the test process alive.
export function killAtExit(proc, signal = 'SIGKILL') {
	running.set(proc, signal);
	proc.on('exit', () => running.delete(proc));
	proc.unref();
}

function keepTail(text, chunk) {
	const s = text + chunk;
	return s.length > OUTPUT_MAX ? s.slice(s.length - OUTPUT_MAX) : s;
}

// The last OUTPUT_MAX bytes of proc's stdout and stderr, kept in the object returned as they
// arrive; with echo, copied to the test process's own too.
function captureOutput(proc, echo = false) {
	const out = { stdout: '', stderr: '' };
	for (const name of ['stdout', 'stderr']) {
		proc[name].setEncoding('utf8');
		proc[name].on('data', (d) => {
			out[name] = keepTail(out[name], d);
			if (echo) process[name].write(d);
		});
	}
	return out;
}

// The status code of a GET, or 0 when nothing answers.
export function getStatus(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 1000, agent: false }, (res) => {
			res.resume();
			resolve(res.statusCode);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function exited(proc) {
	return proc.exitCode !== null || proc.signalCode !== null;
}

// Resolves {code, signal} once proc has exited, or null after ms.
export function waitExit(proc, ms) {
	return new Promise((resolve) => {
		if (exited(proc)) {
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

// Waits for a process just spawned from bin to answer 200 at url: resolves true then, or false
// when it exits first.  Past READY_TIMEOUT_MS it gets killSignal and the error names `what`,
// followed by log().  Call it at once after spawning, so that a failure to run is caught.
export async function waitReady(proc, url, { bin, what, killSignal, log }) {
	let spawnError = null;
	proc.on('error', (err) => (spawnError = err));
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (spawnError) throw new Error(`cannot run ${bin}: ${spawnError.message}`);
		if (exited(proc)) return false;
		if ((await getStatus(url)) === 200) return true;
		if (Date.now() > deadline) {
			proc.kill(killSignal);
			throw new Error(`${what} not ready on ${url} within ${READY_TIMEOUT_MS / 1000} s\n` +
				log());
		}
		await sleep(50);
	}
}

// Sends `signal` and expects exit status 0 within STOP_TIMEOUT_MS; past that, sends `force`
// and throws.  Errors name `what`, followed by log().  Resolves {code, signal}.
export async function stopProcess(proc, { what, signal, force, log }) {
	proc.ref();
	if (!exited(proc)) proc.kill(signal);
	const res = await waitExit(proc, STOP_TIMEOUT_MS);
	if (res === null) {
		proc.kill(force);
		await waitExit(proc, STOP_TIMEOUT_MS);
		throw new Error(`${what} did not exit within ${STOP_TIMEOUT_MS / 1000} s of ` +
			`${signal}\n${log()}`);
	}
	if (res.code !== 0) {
		throw new Error(`${what} exited with status ${res.code}, signal ${res.signal} ` +
			`after ${signal}\n${log()}`);
	}
	return res;
}

// Sends `signal` (SIGKILL, as a crash or power cut would) and resolves {code, signal} once the
// process is gone, or null if it is still there after STOP_TIMEOUT_MS.
export function killProcess(proc, signal = 'SIGKILL') {
	proc.ref();
	if (!exited(proc)) proc.kill(signal);
	return waitExit(proc, STOP_TIMEOUT_MS);
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
		const out = captureOutput(proc);
		const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeout || CLI_TIMEOUT_MS);
		proc.on('error', (err) => {
			clearTimeout(timer);
			reject(new Error(`cannot run ${INVOLVE_BIN}: ${err.message}`));
		});
		proc.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code === null ? -1 : code, signal, ...out });
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
		cwd: options.cwd || ROOT,
		env: { ...process.env, ...(options.env || {}) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = captureOutput(proc, process.env.INVOLVE_TEST_VERBOSE === '1');
	// The server must not keep the test process alive if a test forgets to stop it; it is
	// killed when the test process exits.
	killAtExit(proc);
	proc.stdout.unref();
	proc.stderr.unref();
	const ready = await waitReady(proc, `${url}/readyz`, {
		bin: INVOLVE_BIN,
		what: 'server',
		killSignal: 'SIGKILL',
		log: () => `--- stderr ---\n${out.stderr}`,
	});
	return { proc, out, url, port, exited: !ready };
}

// options: env (extra environment), args (extra arguments to `serve`), dataDir (use this
// directory instead of a new one; it is not removed), cwd (the working directory to start
// in; the repository root by default).
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
			const res = await stopProcess(proc, {
				what: 'server',
				signal: 'SIGTERM',
				force: 'SIGKILL',
				log: () => `--- stderr ---\n${out.stderr}`,
			});
			return { ...res, stderr: out.stderr };
		},
		// SIGKILL, as a crash or power cut would; resolves once the process is gone.
		async kill9() {
			const res = await killProcess(proc);
			return { ...(res || {}), stderr: out.stderr };
		},
		// Runs `involve <args...> --data <dataDir>`; options: input (stdin text), env.
		cli(args, cliOptions = {}) {
			return runCli(dataDir, args, cliOptions);
		},
	};
}
