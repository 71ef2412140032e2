// Static files: content-hashed URLs with long cache lifetimes, and nothing
// outside the static table reachable, however the path is written.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { createOrg } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;

before(async () => {
	server = await startServer();
	await createOrg(server);
});

after(async () => {
	await server.stop();
});

// A request with the path exactly as written (fetch would tidy "..").
function rawGet(path) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

test('pages link hashed assets that are cached for a year', async () => {
	const html = await (await fetch(`${server.url}/o/bury/`)).text();
	const css = html.match(/href="(\/static\/[0-9a-f]{12}\/nhsuk\/nhsuk-frontend\.min\.css)"/);
	assert.ok(css, 'the page links the NHS.UK frontend CSS by hash');
	const res = await fetch(server.url + css[1]);
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /^text\/css/);
	assert.match(res.headers.get('cache-control'), /max-age=31536000, immutable/);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
	// Another hash still serves the file (relative URLs inside CSS), but briefly.
	const other = await fetch(server.url + css[1].replace(/[0-9a-f]{12}/, '000000000000'));
	assert.equal(other.status, 200);
	assert.doesNotMatch(other.headers.get('cache-control'), /immutable/);
});

test('path traversal and odd paths find nothing', async () => {
	for (const path of [
		'/static/000000000000/../../../../etc/passwd',
		'/static/000000000000/..%2f..%2f..%2fetc%2fpasswd',
		'/static/000000000000/%2e%2e/%2e%2e/etc/passwd',
		'/static/000000000000//etc/passwd',
		'/static/../meson.build',
		'/static/000000000000/../app.css',
		'/static/000000000000/app.css%00.png',
	]) {
		const res = await rawGet(path);
		assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
		assert.doesNotMatch(res.body, /root:|project\(/, path);
	}
});
