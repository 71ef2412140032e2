// Every page a person can reach by following links, on the demo as `make run` serves it: the
// public pages of each organisation (in English, Urdu and Polish) and the staff pages as each
// role sees them, visited link by link from their front pages.  Each link must lead somewhere
// (a 200, or a redirect to a page that answers 200), never to a missing page or a server error,
// and each page must be a whole NHS.UK page: its language, a title, one main heading, one
// <main>.  Only GET is used, and following every link must change nothing stored: each table's
// rows are counted before and after.
// On each database, one server (as `make run` starts), whatever INVOLVE_TEST_CLUSTER says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ENGINES, sqlOf, startOn } from '../lib/database.mjs';
import { makeStaff } from '../lib/fixtures.mjs';
import { signIn } from '../lib/staff.mjs';

const ORGS = ['bury', 'blackpool', 'blackburn-with-darwen', 'cheshire'];
const ROLES = ['administrator', 'engagement_officer', 'analyst', 'facilitator', 'viewer'];
// A bound that a crawl going round in circles (a link with a new query string each time) hits.
const PAGES_MAX = 3000;

const servers = {};

before(async () => {
	for (const engine of ENGINES) servers[engine] = await startOn(engine, { args: ['--demo'] });
});

after(async () => {
	for (const server of Object.values(servers)) await server.stop();
});

// The same-origin links of a page: href and src attributes, resolved against the page, without
// their fragments.  Links out (mailto:, other hosts) are not followed.
function linksOf(html, pageUrl, origin) {
	const out = [];
	for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
		const raw = m[1].replaceAll('&amp;', '&');
		if (raw === '' || raw.startsWith('#') || /^[a-z]+:/i.test(raw) && !raw.startsWith(origin)) {
			continue;
		}
		const u = new URL(raw, pageUrl);
		if (u.origin !== origin) continue;
		u.hash = '';
		out.push(u.pathname + u.search);
	}
	return out;
}

function checkWholePage(html, path, lang) {
	const htmlTag = /<html[^>]*\slang="([^"]+)"/.exec(html);
	assert.ok(htmlTag, `${path}: <html> says its language`);
	if (lang) assert.equal(htmlTag[1], lang, `${path}: in the language asked for`);
	assert.match(html, /<title>[^<\s][^<]*<\/title>/, `${path}: a title`);
	assert.equal((html.match(/<h1[\s>]/g) || []).length, 1, `${path}: one main heading`);
	assert.equal((html.match(/<main[\s>]/g) || []).length, 1, `${path}: one <main>`);
}

// Follows every link from `starts`, breadth first, with `headers`; `skip(path)` leaves out a
// link.  Resolves the pages seen and the problems found (each a string).
async function crawl(server, starts, { headers = {}, skip = () => false, lang } = {}) {
	const origin = new URL(server.url).origin;
	const seen = new Set(starts);
	const queue = starts.map((path) => ({ path, from: '(start)' }));
	const problems = [];
	let pages = 0;

	while (queue.length > 0 && seen.size <= PAGES_MAX) {
		const { path, from } = queue.shift();
		let res = await fetch(server.url + path, { headers, redirect: 'manual' });
		let at = path;
		for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 5; hops++) {
			const to = new URL(res.headers.get('location'), server.url + at);
			await res.arrayBuffer();
			if (to.origin !== origin) break;
			at = to.pathname + to.search;
			res = await fetch(server.url + at, { headers, redirect: 'manual' });
		}
		const type = res.headers.get('content-type') || '';
		const body = type.startsWith('text/html') ? await res.text() : (await res.arrayBuffer(), '');
		if (res.status !== 200 && !(res.status >= 300 && res.status < 400)) {
			problems.push(`${path} (linked from ${from}) answered ${res.status}`);
			continue;
		}
		if (!type.startsWith('text/html')) continue;
		pages++;
		try {
			checkWholePage(body, at, lang);
		} catch (e) {
			problems.push(e.message);
		}
		for (const link of linksOf(body, server.url + at, origin)) {
			if (seen.has(link) || skip(link)) continue;
			seen.add(link);
			queue.push({ path: link, from: at });
		}
	}
	assert.ok(seen.size <= PAGES_MAX, `more than ${PAGES_MAX} links: a crawl going round in circles`);
	return { pages, links: seen.size, problems };
}

// Each table's number of rows, but those that reading does write to by design: the counts
// that limit how fast one address may ask (rate_count).
function rowCounts(server) {
	const q = sqlOf(server);
	const tables = q(server.databaseUrl ?
		"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() " +
		"AND table_type = 'BASE TABLE' AND table_name <> 'rate_count' ORDER BY 1" :
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
		"AND name <> 'rate_count' ORDER BY 1").split('\n');
	return Object.fromEntries(tables.map((t) => [t, Number(q(`SELECT count(*) FROM "${t}"`))]));
}

for (const engine of ENGINES) {
	for (const lang of ['en', 'ur', 'pl']) {
		test(`every public page linked from the home pages leads somewhere (${engine}, ${lang})`, async () => {
			const server = servers[engine];
			const before = rowCounts(server);
			const starts = ['/', ...ORGS.map((o) => `/o/${o}/`)];
			const { pages, links, problems } = await crawl(server, starts, {
				headers: { 'Accept-Language': lang },
				// The language chooser's links set a cookie, and lead to the same pages again.
				skip: (p) => /[?&]lang=/.test(p),
				lang,
			});
			console.log(`${engine}, ${lang}: ${pages} pages, ${links} links`);
			assert.deepEqual(problems, []);
			assert.ok(pages >= 30, `${pages} pages reached: the demo's polls, surveys and outcomes`);
			assert.deepEqual(rowCounts(server), before, 'reading the pages stored nothing');
		});
	}

	// Each role is shown only links it may follow: a 403 behind a link is a problem too.
	for (const role of ROLES) {
		test(`every staff page linked from the dashboard leads somewhere (${engine}, ${role})`, async () => {
			const server = servers[engine];
			const { email, password } = await makeStaff(server, {
				org: 'blackpool', email: `crawler.${role}@example.org`, role,
			});
			const { cookie } = await signIn(server.url, email, password);
			const before = rowCounts(server);
			const { pages, links, problems } = await crawl(server, ['/staff/'], {
				headers: { Cookie: cookie },
				// Public pages are crawled above; signing out would end the crawl's session.
				skip: (p) => !p.startsWith('/staff/') && !p.startsWith('/static/') ||
					p.startsWith('/staff/logout'),
			});
			console.log(`${engine}, staff, ${role}: ${pages} pages, ${links} links`);
			assert.deepEqual(problems, []);
			assert.ok(pages >= 5, `${pages} staff pages reached`);
			assert.deepEqual(rowCounts(server), before, 'reading the pages stored nothing');
		});
	}
}
