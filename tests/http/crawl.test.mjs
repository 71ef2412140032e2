// Every page a person can reach by following links, on the demo as `make run` serves it: the
// public pages of each organisation (in English, Urdu and Polish) and the staff pages as each
// role sees them (an administrator's in all three), visited link by link from their front
// pages.  Each link must lead somewhere (a 200, or a redirect to a page that answers 200),
// never to a missing page or a server error, and each page must be a whole NHS.UK page: its
// language, a title, one main heading, one <main>.  Only GET is used, and following every
// link must change nothing stored: each table's rows are counted before and after.  No public
// page sets a cookie; every staff page is sent with Cache-Control: no-store.
// On each database, one server (as `make run` starts), whatever INVOLVE_TEST_CLUSTER says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { crawl } from '../lib/crawl.mjs';
import { ENGINES, sqlOf, startOn } from '../lib/database.mjs';
import { makeStaff } from '../lib/fixtures.mjs';
import { signIn } from '../lib/staff.mjs';

const ORGS = ['bury', 'blackpool', 'blackburn-with-darwen', 'cheshire'];
const ROLES = ['administrator', 'engagement_officer', 'analyst', 'facilitator', 'viewer'];

const servers = {};

before(async () => {
	for (const engine of ENGINES) servers[engine] = await startOn(engine, { args: ['--demo'] });
});

after(async () => {
	for (const server of Object.values(servers)) await server.stop();
});

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
		test(`every public page the home pages lead to (${engine}, ${lang})`, async () => {
			const server = servers[engine];
			const before = rowCounts(server);
			const starts = ['/', ...ORGS.map((o) => `/o/${o}/`)];
			const { pages, links, problems } = await crawl(server, starts, {
				headers: { 'Accept-Language': lang },
				// The language chooser's links set a cookie, and lead to the same pages again.
				skip: (p) => /[?&]lang=/.test(p),
				lang,
				// Reading sets no cookie: the cookies page says one comes only with a choice.
				check: (res, path) => assert.deepEqual(res.headers.getSetCookie(), [],
					`${path}: Set-Cookie`),
			});
			console.log(`${engine}, ${lang}: ${pages} pages, ${links} links`);
			assert.deepEqual(problems, []);
			assert.ok(pages >= 30, `${pages} pages reached: the demo's polls, surveys and outcomes`);
			assert.deepEqual(rowCounts(server), before, 'reading the pages stored nothing');
		});
	}

	// Each role is shown only links it may follow: a 403 behind a link is a problem too.  The
	// administrator, who sees every staff page, also reads them in Urdu and in Polish.
	const runs = [...ROLES.map((role) => [role, 'en']), ['administrator', 'ur'],
		['administrator', 'pl']];
	for (const [role, lang] of runs) {
		test(`every staff page the dashboard leads to (${engine}, ${role}, ${lang})`, async () => {
			const server = servers[engine];
			const { email, password } = await makeStaff(server, {
				org: 'blackpool', email: `crawler.${role}.${lang}@example.org`, role,
			});
			const { cookie } = await signIn(server.url, email, password);
			const before = rowCounts(server);
			const { pages, links, problems } = await crawl(server, ['/staff/'], {
				headers: { Cookie: cookie, 'Accept-Language': lang },
				lang,
				// What a staff page shows is for the person signed in: no cache keeps it.
				check: (res, path) => assert.match(res.headers.get('cache-control') || '', /no-store/,
					`${path}: Cache-Control`),
				// Public pages are crawled above; signing out would end the crawl's session.
				skip: (p) => !p.startsWith('/staff/') && !p.startsWith('/static/') ||
					p.startsWith('/staff/logout'),
			});
			console.log(`${engine}, staff, ${role}, ${lang}: ${pages} pages, ${links} links`);
			assert.deepEqual(problems, []);
			assert.ok(pages >= 5, `${pages} staff pages reached`);
			assert.deepEqual(rowCounts(server), before, 'reading the pages stored nothing');
		});
	}
}
