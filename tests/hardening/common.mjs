// common.mjs - what the hardening tests share: an organisation with an open poll, votes,
// and raw TCP clients for requests that fetch() will not send (slow, huge, malformed).
import assert from 'node:assert/strict';
import net from 'node:net';

import { createPoll, orgWithStaff, pollResults } from '../lib/fixtures.mjs';

export { sleep } from '../lib/server.mjs';

export const REQUEST_TIMEOUT_MS = 10000; // "promptly": generous, not a timing assertion

// An organisation "bury" with a staff token and an open poll with two options.
export async function setupPoll(server) {
	const { token } = await orgWithStaff(server);
	const poll = await createPoll(server.url, token,
		{ question: 'Is this server still answering?', options: ['Yes', 'No'] },
		{ timeout: REQUEST_TIMEOUT_MS });
	return { token, poll };
}

// One vote through the JSON API, as a new browser (no cookie).
export function vote(server, poll, headers = {}) {
	return fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify({ options: [poll.options[0].id] }),
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
	});
}

// The poll's number of ballots, read as staff (token: of its organisation).
export async function ballots(server, poll, token) {
	return (await pollResults(server.url, token, poll.id, { timeout: REQUEST_TIMEOUT_MS })).total;
}

// A raw connection: everything received is kept in `data`; `closed` resolves when the server
// (or the network) ends it.  options: localAddress.
export function rawConnection(port, options = {}) {
	const s = net.connect({ host: '127.0.0.1', port, ...options });
	const conn = { socket: s, data: '', error: null, isClosed: false };
	conn.connected = new Promise((resolve, reject) => {
		s.once('connect', resolve);
		s.once('error', reject);
	});
	conn.connected.catch(() => {}); // reported to whoever awaits it
	conn.closed = new Promise((resolve) => s.once('close', () => {
		conn.isClosed = true;
		resolve();
	}));
	s.on('data', (d) => (conn.data += d.toString('latin1')));
	s.on('error', (e) => (conn.error = e));
	return conn;
}

// Resolves true when p settles within ms, false otherwise.
export function within(p, ms) {
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		p.then(() => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

// The status code of a raw HTTP response ("HTTP/1.1 413 ..."), or 0.
export function statusOf(text) {
	const m = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
	return m ? Number(m[1]) : 0;
}

// The JSON body of a raw HTTP response.
export function bodyOf(text) {
	return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
}
