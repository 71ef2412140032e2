// cluster.mjs - several `involve serve` nodes on one PostgreSQL database behind nginx, as
// deploy/nginx/cluster.conf.in runs them, for the cluster tests and for the HTTP suite in
// cluster mode (INVOLVE_TEST_CLUSTER=1, see server.mjs).
//
//   const c = await startCluster({ nodes: 2 });
//   await fetch(c.url + '/readyz');          // through nginx
//   await fetch(c.nodes[1].url + '/readyz'); // one node directly
//   await c.nodes[0].kill9();                // a node crashes; nginx sends its work elsewhere
//   await c.cli(['audit', 'verify']);        // --data and --database added
//   await c.stop();                          // nginx, then every node not killed; throws if
//                                            // any of them did not exit cleanly
//
// The object has startServer()'s interface (url and port are nginx's; stdout and stderr hold
// every node's output, node after node), plus nodes[] (each a startOneServer() object),
// databaseUrl, accessLog() (nginx's access log), errorLog() and startNode() (one more node on
// the same database and keys, not behind nginx).  The nodes share one data directory, which
// then holds only keys/: every node must sign cookies and hash voters with the same keys.
// Each is started with --trusted-proxy 127.0.0.1 so it believes nginx's X-Forwarded-For.
//
// options: nodes (default 2), args and env (for every node), dataDir (as for startServer: a
// directory used before gets the same database again).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { pgDatabase } from './pg.mjs';
// server.mjs imports this module too: what comes from it is used only inside functions, as
// at this module's first run server.mjs may not have run yet.
import {
	freePort, killAtExit, killProcess, makeDataDir, runCli, startOneServer, stopProcess, waitReady,
} from './server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NGINX_BIN = process.env.INVOLVE_TEST_NGINX || '/usr/sbin/nginx';
export const NGINX_TEMPLATE = path.join(ROOT, 'deploy', 'nginx', 'cluster.conf.in');

const NODES_DEFAULT = 2;
const ATTEMPTS = 3; // a port taken by someone else between choosing it and binding it

const databases = new Map(); // data directory -> the PostgreSQL database it goes with

export function clusterMode() {
	return process.env.INVOLVE_TEST_CLUSTER === '1';
}

// The database that goes with a data directory: the same one each time it is asked, a fresh
// one the first time.
export function clusterDatabase(dataDir) {
	let url = databases.get(dataDir);
	if (!url) {
		url = pgDatabase();
		databases.set(dataDir, url);
	}
	return url;
}

// What runCli adds to a command: --database URL when the data directory belongs to a cluster
// (in cluster mode every data directory does), unless the command names a database itself.
export function cliDatabaseArgs(dataDir, args) {
	if (args.some((a) => a === '--database' || a.startsWith('--database='))) return [];
	if (!databases.has(dataDir) && !clusterMode()) return [];
	return ['--database', clusterDatabase(dataDir)];
}

function readText(file) {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

// Runs nginx with the configuration at confPath (its pid, logs and temporary files under
// prefix), stopped with SIGTERM when the test process exits if nobody stopped it before.
export function spawnNginx(prefix, confPath) {
	const proc = spawn(NGINX_BIN, ['-p', `${prefix}/`, '-c', confPath,
		'-e', path.join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'ignore'] });
	// At exit, a plain SIGTERM: nginx's master then stops its workers, which SIGKILL would
	// orphan.
	killAtExit(proc, 'SIGTERM');
	return proc;
}

// A new prefix directory for nginx, with tmp/ for its temporary files.
export function nginxPrefix() {
	const prefix = makeDataDir();
	// Started as root, nginx's worker runs as nobody and must reach the temporary and cache
	// directories that the master creates (and gives it) inside the prefix.
	chmodSync(prefix, 0o755);
	mkdirSync(path.join(prefix, 'tmp'));
	return prefix;
}

// nginx from the template in a new prefix directory; resolves {proc, prefix} once it answers
// /readyz through a node, or {exited: true, log} when it stopped first (a port lost to a race).
async function startNginx(listen, upstreams) {
	const prefix = nginxPrefix();
	const conf = readFileSync(NGINX_TEMPLATE, 'utf8')
		.replaceAll('@PREFIX@', prefix)
		.replaceAll('@LISTEN@', listen)
		.replaceAll('@UPSTREAMS@', upstreams.map((u) =>
			`server ${u} max_fails=1 fail_timeout=5s;`).join('\n\t\t'));
	const confPath = path.join(prefix, 'nginx.conf');
	writeFileSync(confPath, conf);
	const errorLog = path.join(prefix, 'error.log');
	const proc = spawnNginx(prefix, confPath);
	const ready = await waitReady(proc, `http://${listen}/readyz`, {
		bin: NGINX_BIN,
		what: 'nginx',
		killSignal: 'SIGTERM',
		log: () => `--- error.log ---\n${readText(errorLog)}`,
	});
	if (!ready) return { exited: true, log: readText(errorLog) };
	return { proc, prefix, exited: false };
}

// Stops nginx gracefully (SIGQUIT: requests in flight finish) and expects exit status 0.
export async function stopNginx(proc, prefix) {
	await stopProcess(proc, {
		what: 'nginx',
		signal: 'SIGQUIT',
		force: 'SIGTERM',
		log: () => `--- error.log ---\n${readText(path.join(prefix, 'error.log'))}`,
	});
}

async function startOnce(dataDir, databaseUrl, count, options) {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const nodeOptions = {
		dataDir,
		env: options.env,
		args: ['--database', databaseUrl, '--public-url', url, '--trusted-proxy', '127.0.0.1',
			...(options.args || [])],
	};
	// Together, as servers restarted by a deployment would: the schema migration at start
	// runs under an advisory lock, so only one of them applies it.
	const settled = await Promise.allSettled(
		Array.from({ length: count }, () => startOneServer(nodeOptions)));
	const nodes = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
	const failed = settled.find((s) => s.status === 'rejected');
	if (failed) {
		await Promise.allSettled(nodes.map((n) => n.kill9()));
		throw failed.reason;
	}
	const nginx = await startNginx(`127.0.0.1:${port}`, nodes.map((n) => `127.0.0.1:${n.port}`));
	if (nginx.exited) {
		await Promise.allSettled(nodes.map((n) => n.stop()));
		if (/Address already in use/.test(nginx.log)) return null;
		throw new Error(`nginx exited before it was ready\n--- error.log ---\n${nginx.log}`);
	}
	return { url, port, nodes, nginx, nodeOptions };
}

export async function startCluster(options = {}) {
	const dataDir = options.dataDir || makeDataDir();
	const databaseUrl = clusterDatabase(dataDir);
	const count = options.nodes || NODES_DEFAULT;
	let started = null;
	for (let attempt = 1; started === null; attempt++) {
		started = await startOnce(dataDir, databaseUrl, count, options);
		if (started === null && attempt >= ATTEMPTS) {
			throw new Error(`nginx found its port taken ${ATTEMPTS} times`);
		}
	}
	const { url, port, nodes, nginx, nodeOptions } = started;
	const { prefix } = nginx;
	const killed = new Set();
	const watch = (node) => {
		const kill9 = node.kill9;
		node.kill9 = () => {
			killed.add(node);
			return kill9();
		};
		return node;
	};
	nodes.forEach(watch);
	const all = [...nodes]; // with the nodes startNode() added

	const cluster = {
		url,
		port,
		dataDir,
		databaseUrl,
		nodes,
		proc: nginx.proc,
		get stdout() {
			return all.map((n) => n.stdout).join('\n');
		},
		get stderr() {
			return all.map((n) => n.stderr).join('\n');
		},
		accessLog() {
			return readText(path.join(prefix, 'access.log'));
		},
		errorLog() {
			return readText(path.join(prefix, 'error.log'));
		},
		// One more node on the same database and keys, reached directly at its own url.
		async startNode() {
			const node = watch(await startOneServer(nodeOptions));
			all.push(node);
			return node;
		},
		// nginx, then every node that was not killed; each must exit cleanly.  Every one is
		// stopped even when an earlier one failed; the first failure is thrown.
		async stop() {
			const results = [await stopNginx(nginx.proc, prefix).then(() => null, (e) => e)];
			for (const n of all) {
				if (!killed.has(n)) results.push(await n.stop().then(() => null, (e) => e));
			}
			const failure = results.find((e) => e !== null);
			if (failure) throw failure;
			return { code: 0, signal: null, stderr: cluster.stderr };
		},
		// Every node with SIGKILL, as a crash would; nginx is stopped at once (SIGTERM), as
		// SIGKILL would leave its worker running.
		async kill9() {
			for (const n of all) await n.kill9();
			await killProcess(nginx.proc, 'SIGTERM');
			return { stderr: cluster.stderr };
		},
		// Runs `involve <args...> --data <dataDir> --database <databaseUrl>`.
		cli(args, cliOptions = {}) {
			return runCli(dataDir, args, cliOptions);
		},
	};
	return cluster;
}
