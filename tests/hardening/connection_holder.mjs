// connection_holder.mjs - opens many idle TCP connections to a server and holds them, in a
// process of its own so that its open files do not count against the test's.  Started by
// connections.test.mjs through `bash -c 'ulimit -n <hard limit>; exec node ...'`.
//
//   node connection_holder.mjs HOST PORT COUNT
//
// Prints one JSON line when every connection has been tried: {"open": N, "failed": N}.  Then
// answers each line on stdin: "count" prints {"open": N} (connections the server has not
// closed), "exit" closes them all and exits.  It exits by itself when stdin closes or after
// HOLD_MAX_MS, so it never outlives its test.
import net from 'node:net';
import readline from 'node:readline';

const [host, portText, countText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const IN_FLIGHT = 256;        // connects at once: the listen backlog is finite
const CONNECT_TIMEOUT_MS = 20000;
const HOLD_MAX_MS = 180000;

const sockets = new Set();
let failed = 0;

function connectOne() {
	return new Promise((resolve) => {
		const s = net.connect({ host, port });
		const timer = setTimeout(() => {
			s.destroy();
			failed++;
			resolve();
		}, CONNECT_TIMEOUT_MS);
		s.once('connect', () => {
			clearTimeout(timer);
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			resolve();
		});
		s.on('error', () => {
			clearTimeout(timer);
			if (!sockets.has(s)) {
				failed++;
				resolve();
			}
		});
	});
}

async function openAll() {
	let next = 0;
	const worker = async () => {
		while (next < count) {
			next++;
			await connectOne();
		}
	};
	await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

function closeAll() {
	for (const s of sockets) s.destroy();
	process.exit(0);
}

setTimeout(closeAll, HOLD_MAX_MS).unref();
await openAll();
process.stdout.write(JSON.stringify({ open: sockets.size, failed }) + '\n');
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
	if (line.trim() === 'count') process.stdout.write(JSON.stringify({ open: sockets.size }) + '\n');
	else if (line.trim() === 'exit') closeAll();
});
lines.on('close', closeAll);
