// The production example deploy/nginx/involve.conf, run for real: only its addresses, paths
// and certificate are changed (a self-signed one for involve.example.org), and each change
// is checked to have found its line, so the test follows the file; around it, the settings
// of Debian's nginx.conf.  nginx -t accepts it without a warning; plain HTTP is redirected to
// the one HTTPS name whatever Host says; TLS is 1.2 or 1.3 with strong ciphers only, and
// other names are refused at the handshake; the nodes behind it see https (Secure cookies,
// Strict-Transport-Security); nginx compresses nothing itself, passes on what the app
// compressed (static files and public pages, never a staff page: BREACH) and keeps each
// compressed form of a static file apart; the access log holds no address or query.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';

import { NGINX_BIN, nginxPrefix, spawnNginx, startCluster, stopNginx } from '../lib/cluster.mjs';
import { createOrg, makeStaff } from '../lib/fixtures.mjs';
import { ROOT, freePort } from '../lib/server.mjs';

const NAME = 'involve.example.org';
const READY_TIMEOUT_MS = 15000;

let cluster;
let nginx;
let prefix;
let cert;
let httpPort;
let httpsPort;

// involve.conf with `pattern` replaced by `replacement`, which must match `count` times.
function change(text, pattern, replacement, count) {
	const found = text.match(new RegExp(pattern.source, 'gm')) || [];
	assert.equal(found.length, count, `involve.conf: ${pattern} found ${found.length} times, not ${count}`);
	return text.replace(new RegExp(pattern.source, 'gm'), replacement);
}

// A request over TLS to nginx; resolves {status, headers, body, protocol} or rejects.
function httpsGet(urlPath, { servername = NAME, headers = {}, tls = {}, method = 'GET', body } = {}) {
	return new Promise((resolve, reject) => {
		const req = https.request({
			host: '127.0.0.1', port: httpsPort, path: urlPath, method, servername, ca: cert,
			agent: false, headers: { Host: NAME, ...headers }, ...tls,
		}, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({
				status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
				protocol: res.socket.getProtocol?.() ?? req.socket.getProtocol(),
			}));
		});
		req.on('error', reject);
		req.end(body);
	});
}

function httpGet(urlPath, host) {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: '127.0.0.1', port: httpPort, path: urlPath, agent: false,
			headers: { Host: host } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
		});
		req.on('error', reject);
	});
}

before(async () => {
	cluster = await startCluster({ nodes: 2, args: ['--public-url', `https://${NAME}`] });
	await createOrg(cluster);

	prefix = nginxPrefix();
	const tls = path.join(prefix, 'tls');
	mkdirSync(tls);
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
		'-nodes', '-days', '2', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`,
		'-keyout', path.join(tls, 'privkey.pem'), '-out', path.join(tls, 'fullchain.pem')],
	{ stdio: 'pipe' });
	cert = readFileSync(path.join(tls, 'fullchain.pem'));

	httpPort = await freePort();
	httpsPort = await freePort();
	let conf = readFileSync(path.join(ROOT, 'deploy', 'nginx', 'involve.conf'), 'utf8');
	conf = change(conf, /^\tlisten \[::\]:.*\n/, '', 3);
	conf = change(conf, /^\tlisten 80;/, `\tlisten 127.0.0.1:${httpPort};`, 1);
	conf = change(conf, /^\tlisten 443 /, `\tlisten 127.0.0.1:${httpsPort} `, 2);
	conf = change(conf, /\/etc\/letsencrypt\/live\/involve\.example\.org\//, `${tls}/`, 2);
	conf = change(conf, /\/var\/cache\/nginx\/involve/, path.join(prefix, 'cache'), 1);
	conf = change(conf, /\/var\/log\/nginx\//, `${prefix}/`, 2);
	conf = change(conf, /\/var\/www\/letsencrypt/, path.join(prefix, 'acme'), 1);
	conf = change(conf, /^\tserver 127\.0\.0\.1:808\d .*\n/, '', 2);
	conf = conf.replace(/^(\tzone involve_nodes 64k;)$/m, (line) => `${line}\n` +
		cluster.nodes.map((n) => `\tserver 127.0.0.1:${n.port} max_fails=3 fail_timeout=10s;`).join('\n'));
	writeFileSync(path.join(prefix, 'involve.conf'), conf);
	// Around it, what Debian's /etc/nginx/nginx.conf sets in its http block (TLS 1.0 on, gzip
	// on, a plain access log), and temporary paths in the prefix.
	const main = `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
	default_type application/octet-stream;
	ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
	ssl_prefer_server_ciphers on;
	access_log ${prefix}/access.log;
	gzip on;
	client_body_temp_path ${prefix}/tmp/body;
	proxy_temp_path ${prefix}/tmp/proxy;
	fastcgi_temp_path ${prefix}/tmp/fastcgi;
	uwsgi_temp_path ${prefix}/tmp/uwsgi;
	scgi_temp_path ${prefix}/tmp/scgi;
	include ${prefix}/involve.conf;
}
`;
	writeFileSync(path.join(prefix, 'nginx.conf'), main);
});

after(async () => {
	if (nginx) await stopNginx(nginx, prefix);
	await cluster.stop();
});

test('nginx -t accepts involve.conf without a warning', () => {
	const r = spawnSync(NGINX_BIN, ['-t', '-p', `${prefix}/`, '-c', path.join(prefix, 'nginx.conf'),
		'-e', path.join(prefix, 'test.log')], { encoding: 'utf8' });
	const out = r.stdout + r.stderr;
	assert.equal(r.status, 0, out);
	assert.match(out, /test is successful/);
	assert.doesNotMatch(out, /\[(warn|emerg|alert|crit)\]/, out);
});

test('it serves the nodes over TLS', async () => {
	nginx = spawnNginx(prefix, path.join(prefix, 'nginx.conf'));
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		assert.ok(nginx.exitCode === null, `nginx exited: ${readFileSync(path.join(prefix, 'error.log'), 'utf8')}`);
		const r = await httpsGet('/readyz').catch(() => null);
		if (r && r.status === 200) break;
		assert.ok(Date.now() < deadline, 'nginx with involve.conf did not answer /readyz');
		await new Promise((res) => setTimeout(res, 50));
	}
	const page = await httpsGet('/o/bury/', { headers: { 'Accept-Encoding': 'gzip' } });
	assert.equal(page.status, 200);
	// A public page carries no secret: the app compresses it, and nginx passes that on.
	assert.equal(page.headers['content-encoding'], 'gzip', 'the public page comes compressed');
	assert.match(zlib.gunzipSync(page.body).toString(), /NHS Bury/);
	// The sign-in page is the staff area's: never compressed (BREACH), by nginx neither.
	const login = await httpsGet('/staff/login', { headers: { 'Accept-Encoding': 'gzip' } });
	assert.equal(login.status, 200);
	assert.equal(login.headers['content-encoding'], undefined, 'staff pages are not compressed');
	assert.equal(page.protocol, 'TLSv1.3');
	assert.equal(page.headers.server, 'nginx', 'no version number');
	assert.match(page.headers['strict-transport-security'], /max-age=\d+/, 'the app knows it is served over https');
	assert.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
});

test('plain HTTP is redirected to the one HTTPS name, whatever the Host', async () => {
	for (const host of [NAME, 'elsewhere.example.net']) {
		const r = await httpGet('/o/bury/?from=poster', host);
		assert.equal(r.status, 301);
		assert.equal(r.headers.location, `https://${NAME}/o/bury/?from=poster`);
	}
});

test('TLS 1.2 with strong ciphers only, and no other names', async () => {
	const twelve = await httpsGet('/healthz', { tls: { maxVersion: 'TLSv1.2' } });
	assert.equal(twelve.status, 200);
	assert.equal(twelve.protocol, 'TLSv1.2');
	const chacha = await httpsGet('/healthz', { tls: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' } });
	assert.equal(chacha.status, 200);
	// CBC, even with forward secrecy: refused.
	await assert.rejects(httpsGet('/healthz', { tls: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384' } }),
		/alert handshake failure/);
	// TLS 1.1 and older: the server refuses the version.
	await assert.rejects(httpsGet('/healthz', { tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } }),
		/alert protocol version/);
	// A name this server does not serve: the handshake is refused.
	await assert.rejects(httpsGet('/healthz', { servername: 'other.example.org', headers: { Host: 'other.example.org' } }),
		/unrecognized name/);
});

test('votes get Secure cookies, and the access log keeps no address or query', async () => {
	const { token } = await makeStaff(cluster);
	const made = await httpsGet('/api/v1/polls', {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ question: 'Over TLS?', options: ['Yes', 'No'] }),
	});
	assert.equal(made.status, 201, made.body.toString());
	const poll = JSON.parse(made.body);
	assert.equal(poll.url, `https://${NAME}/o/bury/polls/${poll.id}`);
	const vote = await httpsGet(`/api/v1/polls/${poll.id}/votes?secret-query=1`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'User-Agent': 'deploy-test-agent' },
		body: JSON.stringify({ options: [poll.options[0].id] }),
	});
	assert.equal(vote.status, 201, vote.body.toString());
	assert.match(vote.headers['set-cookie'][0], /involve_voter=.*; Secure/);

	const logPath = path.join(prefix, 'involve.access.log');
	let log = '';
	for (let i = 0; i < 50 && !log.includes('/votes'); i++) {
		await new Promise((r) => setTimeout(r, 100));
		log = readFileSync(logPath, 'utf8');
	}
	assert.match(log, /"method":"POST","path":"\/api\/v1\/polls\/\d+\/votes"/);
	const nodes = new Set(cluster.nodes.map((n) => `127.0.0.1:${n.port}`));
	for (const line of log.split('\n').filter(Boolean)) {
		const entry = JSON.parse(line);
		for (const upstream of entry.upstream.split(/[,:] /).filter(Boolean)) assert.ok(nodes.has(upstream), line);
		delete entry.upstream;
		assert.doesNotMatch(JSON.stringify(entry), /127\.0\.0\.1|secret-query|deploy-test-agent|involve_voter/, line);
	}
});

test('static files are compressed and kept for a year', async () => {
	const html = (await httpsGet('/o/bury/')).body.toString();
	const css = html.match(/href="(\/static\/[0-9a-f]{12}\/nhsuk\/nhsuk-frontend\.min\.css)"/);
	assert.ok(css, 'the page links the stylesheet by hash');
	// Each form as a browser, an older client and a plain one ask for it.
	const forms = [['br', 'gzip, deflate, br'], ['gzip', 'gzip'], [undefined, undefined]];
	for (const [coding, asked] of forms) {
		for (let i = 0; i < 2; i++) {
			const res = await httpsGet(css[1], { headers: asked ? { 'Accept-Encoding': asked } : {} });
			assert.equal(res.status, 200);
			assert.equal(res.headers['content-encoding'], coding, `${asked}`);
			assert.match(res.headers.vary, /Accept-Encoding/);
			assert.match(res.headers['cache-control'], /max-age=31536000, immutable/);
		}
	}
	// Cached by nginx, each form apart: served while every node is down.
	for (const node of cluster.nodes) await node.kill9();
	for (const [coding, asked] of forms) {
		const res = await httpsGet(css[1], { headers: asked ? { 'Accept-Encoding': asked } : {} });
		assert.equal(res.status, 200, `the stylesheet (${coding}) comes from nginx's cache`);
		assert.equal(res.headers['content-encoding'], coding);
		assert.match(res.headers['content-type'], /^text\/css/);
	}
});
