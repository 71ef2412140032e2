// Content coding: static files and public pages go out compressed (brotli, else gzip) to
// clients that ask for it, in the form Accept-Encoding prefers, each form decoding to exactly
// the bytes sent to a client that asks for none; Vary says the body depends on
// Accept-Encoding; and nothing that may carry a secret (a signed-in staff page with its CSRF
// token, an API reply) is ever compressed (BREACH).  Requests go through node:http, which,
// unlike fetch, sends only the headers given and leaves bodies as they came.
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';

import { createPoll, orgWithStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const YEAR = /max-age=31536000, immutable/;

let server;
let poll;
let closedPoll; // no vote form: a public page with nothing personal in it
let assets; // the hashed static URLs the poll page links

before(async () => {
	server = await startServer();
	const { token } = await orgWithStaff(server);
	poll = await createPoll(server.url, token, {
		question: 'How satisfied are you with access to pharmacy services in your local area?',
		options: ['Very satisfied', 'Fairly satisfied', 'Neither satisfied nor dissatisfied',
			'Fairly dissatisfied', 'Very dissatisfied', "Don't know"],
	});
	closedPoll = await createPoll(server.url, token, { question: 'Closed?', options: ['Yes', 'No'] });
	const closed = await fetch(`${server.url}/api/v1/polls/${closedPoll.id}/close`,
		{ method: 'POST', headers: { Authorization: `Bearer ${token}` } });
	assert.equal(closed.status, 200);
	const html = (await request(`/o/bury/polls/${poll.id}`)).body.toString();
	assets = [...html.matchAll(/(?:href|src)="(\/static\/[0-9a-f]{12}\/[^"]+)"/g)].map((m) => m[1]);
	assert.ok(assets.some((a) => a.endsWith('/nhsuk-frontend.min.css')), 'the page links the CSS');
});

after(async () => {
	await server.stop();
});

// One request with exactly these headers (a header given as an array is sent as that many
// fields); resolves {status, headers, body} with the body as it came, a Buffer.
function request(path, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(server.url + path, { method, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

const withCoding = (path, value, options = {}) =>
	request(path, { ...options, headers: { ...(options.headers || {}), ...(value === undefined ? {} : { 'Accept-Encoding': value }) } });

// The body decoded as its Content-Encoding says.
function decode(res) {
	const coding = res.headers['content-encoding'];
	if (coding === undefined) return res.body;
	if (coding === 'br') return zlib.brotliDecompressSync(res.body);
	if (coding === 'gzip') return zlib.gunzipSync(res.body);
	throw new Error(`unexpected Content-Encoding ${coding}`);
}

const varies = (res) => /(^|,)\s*accept-encoding\s*(,|$)/i.test(res.headers.vary || '');

// Accept-Encoding as clients send it, odd ones included, and the coding each must get.
const CASES = [
	[undefined, undefined],
	['', undefined],
	['br', 'br'],
	['gzip', 'gzip'],
	['gzip, deflate, br, zstd', 'br'],
	['gzip, deflate', 'gzip'],
	['deflate, zstd', undefined],
	['identity', undefined],
	['gzip;q=0', undefined],
	['br;q=0', undefined],
	['gzip;q=0, br', 'br'],
	['br;q=0, gzip', 'gzip'],
	['br;q=0.5, gzip;q=0.8', 'gzip'],
	['br;q=0.5, gzip;q=0.4', 'br'],
	['identity;q=1, br;q=0.5', undefined],
	['*', 'br'],
	['*;q=0', undefined],
	['br;q=0, *', 'gzip'],
	['x-gzip', 'gzip'],
	['GZIP', 'gzip'],
	['BR ; Q=1.000', 'br'],
	['br;q=2', undefined],
	['br;q=1.5, gzip;q=0.1', 'gzip'],
	['br;q=-1', undefined],
	['br;q=0.0001', undefined],
	['br;q=abc', undefined],
	['br;level=11', undefined],
	['br;q=0.5;q=1', undefined],
	['br;;', undefined],
	[';q=1', undefined],
	[',,, ;;; ===', undefined],
	['"br"', undefined],
	['gz ip, b r', undefined],
	['a,'.repeat(2000) + 'gzip', 'gzip'],
];

// Checks one reply for url against the plain one.
function checkStatic(url, value, res, plain) {
	const what = `${url} with Accept-Encoding ${JSON.stringify(value)}`;
	assert.equal(res.status, 200, what);
	assert.match(res.headers['cache-control'], YEAR, what);
	assert.equal(res.headers['content-type'], plain.headers['content-type'], what);
	assert.equal(Number(res.headers['content-length']), res.body.length, what);
	assert.ok(decode(res).equals(plain.body), `${what}: decodes to the plain bytes`);
	if (res.headers['content-encoding']) {
		assert.ok(res.body.length < plain.body.length, `${what}: kept only when smaller`);
	}
	return what;
}

test('the stylesheet comes in the coding asked for and decodes to the same bytes', async () => {
	const css = assets.find((a) => a.endsWith('/nhsuk-frontend.min.css'));
	const plain = await request(css);
	assert.equal(plain.headers['content-encoding'], undefined);
	for (const [value, coding] of CASES) {
		const res = await withCoding(css, value);
		const what = checkStatic(css, value, res, plain);
		assert.equal(res.headers['content-encoding'], coding, what);
		assert.ok(varies(res), `${what}: Vary: Accept-Encoding`);
	}
});

test('every file a page links comes compressed where that is smaller, and only then', async () => {
	let compressed = 0;
	for (const url of assets) {
		const plain = await request(url);
		assert.equal(plain.status, 200, url);
		assert.equal(plain.headers['content-encoding'], undefined, url);
		for (const value of ['br', 'gzip']) {
			const res = await withCoding(url, value);
			const what = checkStatic(url, value, res, plain);
			const coding = res.headers['content-encoding'];
			assert.ok(coding === undefined || coding === value, `${what}: got ${coding}`);
			// Vary whenever a compressed form exists, even when this client gets none.
			if (coding) assert.ok(varies(plain) && varies(res), `${what}: Vary`);
			if (coding) compressed++;
		}
	}
	assert.ok(compressed >= 2 * 4, 'CSS, JS and icons at least come in both codings');
});

test('the stylesheet goes from 277 KB to under 30 KB', async () => {
	const css = assets.find((a) => a.endsWith('/nhsuk-frontend.min.css'));
	const plain = await request(css);
	const br = await withCoding(css, 'br');
	const gzip = await withCoding(css, 'gzip');
	assert.ok(plain.body.length > 200000, `plain: ${plain.body.length} bytes`);
	assert.ok(br.body.length < 30000, `brotli: ${br.body.length} bytes`);
	assert.ok(gzip.body.length < 35000, `gzip: ${gzip.body.length} bytes`);
	assert.ok(br.body.length < gzip.body.length, 'brotli is the smaller');
});

test('two Accept-Encoding fields are read as one list', async () => {
	const css = assets.find((a) => a.endsWith('/nhsuk-frontend.min.css'));
	assert.equal((await withCoding(css, ['gzip', 'br;q=0'])).headers['content-encoding'], 'gzip');
	assert.equal((await withCoding(css, ['br;q=0', 'gzip;q=0'])).headers['content-encoding'], undefined);
	assert.equal((await withCoding(css, ['deflate', 'br'])).headers['content-encoding'], 'br');
});

test('every form of a hashed file is cached for a year; another hash only briefly', async () => {
	const css = assets.find((a) => a.endsWith('/nhsuk-frontend.min.css'));
	const other = css.replace(/[0-9a-f]{12}/, '000000000000');
	for (const value of [undefined, 'br', 'gzip']) {
		const res = await withCoding(css, value);
		assert.match(res.headers['cache-control'], YEAR, `${value}`);
		const brief = await withCoding(other, value);
		assert.equal(brief.status, 200);
		assert.equal(brief.headers['content-encoding'], value, `${value}`);
		assert.ok(varies(brief));
		assert.equal(brief.headers['cache-control'], 'public, max-age=86400');
	}
});

test('HEAD gives the headers GET would, without the body', async () => {
	const css = assets.find((a) => a.endsWith('/nhsuk-frontend.min.css'));
	for (const path of [css, `/o/bury/polls/${poll.id}`, `/o/bury/polls/${poll.id}?from=head`]) {
		for (const value of [undefined, 'br', 'gzip', 'gzip;q=0']) {
			const get = await withCoding(path, value);
			const head = await withCoding(path, value, { method: 'HEAD' });
			const what = `HEAD ${path} with ${value}`;
			assert.equal(head.status, 200, what);
			assert.equal(head.body.length, 0, what);
			assert.equal(head.headers['content-encoding'], get.headers['content-encoding'], what);
			assert.equal(head.headers.vary, get.headers.vary, what);
			assert.equal(head.headers['content-type'], get.headers['content-type'], what);
			assert.equal(Number(head.headers['content-length']), get.body.length, what);
		}
	}
});

test('public pages, cached or made per request, come compressed and decode to the page', async () => {
	// A closed poll's page and the home pages are kept in the cache; with a query a page is made
	// for each request; the 404 is an error page.  (An open poll's page carries its vote form's
	// own key, and is never compressed: below.)
	for (const [path, status] of [[`/o/bury/polls/${closedPoll.id}`, 200], ['/o/bury/', 200],
		['/', 200], [`/o/bury/polls/${closedPoll.id}?from=link`, 200], ['/o/bury/polls/999999', 404]]) {
		// Asked twice in a row, so one answer likely comes from the cache and one was made.
		const first = await withCoding(path, 'br, gzip');
		const second = await withCoding(path, 'gzip, deflate, br');
		const plain = await request(path);
		for (const res of [first, second, plain]) assert.equal(res.status, status, path);
		assert.equal(plain.headers['content-encoding'], undefined);
		for (const [value, coding] of CASES.slice(0, 15).concat([[undefined, undefined]])) {
			const res = await withCoding(path, value);
			const what = `${path} with Accept-Encoding ${JSON.stringify(value)}`;
			assert.equal(res.headers['content-encoding'], coding, what);
			assert.ok(varies(res), `${what}: Vary: Accept-Encoding`);
			assert.equal(decode(res).toString(), plain.body.toString(), `${what}: the same page`);
		}
		for (const res of [first, second]) {
			assert.equal(res.headers['content-encoding'], 'br', path);
			assert.equal(decode(res).toString(), plain.body.toString(), path);
			assert.ok(res.body.length < plain.body.length / 2, `${path}: ${res.body.length} of ${plain.body.length}`);
		}
	}
});

// Signs in through the form; resolves the session cookie ("name=value").
async function signIn() {
	const res = await request('/staff/login', {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: `email=o%40example.org&password=${encodeURIComponent(STAFF_PASSWORD)}`,
	});
	assert.equal(res.status, 303, res.body.toString());
	const cookie = [].concat(res.headers['set-cookie'] || [])[0];
	assert.ok(cookie, 'a session cookie is set');
	return cookie.split(';')[0];
}

test('nothing that may carry a secret is compressed: staff pages, the sign-in, the API', async () => {
	const cookie = await signIn();
	const asked = 'br, gzip, *';
	let csrf;
	for (const path of ['/staff/', '/staff/polls/new', `/staff/polls/${poll.id}`]) {
		const res = await withCoding(path, asked, { headers: { Cookie: cookie } });
		assert.equal(res.status, 200, path);
		assert.equal(res.headers['content-encoding'], undefined, `${path} is not compressed`);
		assert.ok(!varies(res), `${path}: no Vary, nothing depends on it`);
		assert.ok(res.body.length >= 1024, `${path} is large enough that it would pay`);
		const token = res.body.toString().match(/name="csrf" value="([^"]+)"/);
		assert.ok(token, `${path} carries the CSRF token`);
		csrf = token[1];
	}
	// A secret never travels compressed, whatever page carries it.
	for (const path of ['/', '/o/bury/', `/o/bury/polls/${poll.id}`, `/o/bury/polls/${poll.id}?a=b`,
		'/staff/login', '/o/bury/polls/999999', '/staff/nothing-here']) {
		const res = await withCoding(path, asked, { headers: { Cookie: cookie } });
		if (decode(res).toString().includes(csrf)) {
			assert.equal(res.headers['content-encoding'], undefined, `${path} carries the token`);
		}
	}
	// An open poll's page: each copy's vote form has its own single-use key, so it is sent
	// no-store and never compressed, cached or not.
	for (const path of [`/o/bury/polls/${poll.id}`, `/o/bury/polls/${poll.id}?from=link`]) {
		const res = await withCoding(path, asked);
		assert.equal(res.status, 200, path);
		assert.match(res.body.toString(), /name="ballot_key" value="[A-Za-z0-9_-]{43}"/, path);
		assert.equal(res.headers['content-encoding'], undefined, `${path} is not compressed`);
		assert.equal(res.headers['cache-control'], 'no-store', path);
	}
	// The sign-in page and an API reply, with or without a session.
	for (const headers of [{}, { Cookie: cookie }]) {
		const login = await withCoding('/staff/login', asked, { headers });
		assert.equal(login.headers['content-encoding'], undefined, 'the sign-in page');
		const api = await withCoding(`/api/v1/polls/${poll.id}`, asked, { headers });
		assert.equal(api.status, 200);
		assert.equal(api.headers['content-encoding'], undefined, 'an API reply');
	}
});
