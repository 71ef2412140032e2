// Static files: content-hashed URLs with long cache lifetimes, and nothing
// outside the static table reachable, however the path is written.  Pages,
// static files and the demo content are built into the program, so it serves
// them from any working directory; --templates and --static read folders
// instead.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createOrg } from '../lib/fixtures.mjs';
import { makeDataDir, ROOT, startOneServer, startServer } from '../lib/server.mjs';

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

// The stylesheet a page at base + path links, by its hashed URL.
async function linkedCss(base, path) {
	const html = await (await fetch(base + path)).text();
	const css = html.match(/href="(\/static\/[0-9a-f]{12}\/nhsuk\/nhsuk-frontend\.min\.css)"/);
	assert.ok(css, `${path} links the NHS.UK frontend CSS by hash`);
	return { html, css: css[1] };
}

test('the program serves its built-in pages, files and demo from any working directory', async () => {
	// Neither the working directory nor the data directory holds web/ or data/.
	const elsewhere = await startOneServer({ cwd: makeDataDir(), args: ['--demo'] });
	try {
		const home = await fetch(`${elsewhere.url}/`);
		assert.equal(home.status, 200);
		const { html, css } = await linkedCss(elsewhere.url, '/');
		assert.match(html, /Have your say/);
		assert.match(await (await fetch(`${elsewhere.url}/o/bury/`)).text(), /pharmacy services/,
			'the demo content is built in too');
		const res = await fetch(elsewhere.url + css);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^text\/css/);
		const built = readFileSync(path.join(ROOT, 'web/static/nhsuk/nhsuk-frontend.min.css'));
		assert.equal(await res.text(), built.toString(), 'the stylesheet as built');
		const js = html.match(/href="(\/static\/[0-9a-f]{12}\/nhsuk\/nhsuk-frontend\.min\.js)"/);
		assert.ok(js, 'the page links the NHS.UK frontend script');
		assert.equal((await fetch(elsewhere.url + js[1])).status, 200);
	} finally {
		await elsewhere.stop();
	}
});

test('--templates and --static read folders, as they are', async () => {
	const templates = path.join(makeDataDir(), 'templates');
	cpSync(path.join(ROOT, 'web/templates'), templates, { recursive: true });
	const home = path.join(templates, 'home.html');
	writeFileSync(home, readFileSync(home, 'utf8').replace('Have your say', 'Have your say (edited)'));
	const dev = await startOneServer({
		cwd: makeDataDir(),
		args: ['--templates', templates, '--static', path.join(ROOT, 'web/static')],
	});
	try {
		const { html, css } = await linkedCss(dev.url, '/');
		assert.match(html, /Have your say \(edited\)/, 'the edited template is used');
		// Served as they are: compressed forms are made only when building.
		const res = await new Promise((resolve, reject) => {
			http.get(dev.url + css, { headers: { 'Accept-Encoding': 'br, gzip' } }, (r) => {
				r.resume();
				r.on('end', () => resolve(r));
			}).on('error', reject);
		});
		assert.equal(res.statusCode, 200);
		assert.equal(res.headers['content-encoding'], undefined);
	} finally {
		await dev.stop();
	}
});
