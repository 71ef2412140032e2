// One page of every kind that links lead to on the demo, in Chromium with axe (WCAG 2.2 AA):
// the public pages on a 320 px phone (nothing wider than the screen) and the staff pages of an
// administrator on a desktop, each in English, Urdu and Polish, none with a script error.
// Which pages there are comes from following every link (tests/lib/crawl.mjs); pages that
// differ only in their ids (another survey, another question) are one kind, checked once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAxe, launchBrowser, newPage, scriptErrors } from '../lib/browser.mjs';
import { crawl, kindOf } from '../lib/crawl.mjs';
import { makeStaff } from '../lib/fixtures.mjs';
import { makeDataDir, startOneServer } from '../lib/server.mjs';
import { signIn } from '../lib/staff.mjs';

const ORGS = ['bury', 'blackpool', 'blackburn-with-darwen', 'cheshire'];
const PHONE = { viewport: { width: 320, height: 640 }, isMobile: true };

let server;
let browser;

before(async () => {
	server = await startOneServer({ args: ['--demo'], dataDir: makeDataDir() });
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

// The first page of each kind among those a crawl reached.
function oneOfEachKind(seen) {
	const kinds = new Map();
	for (const { path } of seen) if (!kinds.has(kindOf(path))) kinds.set(kindOf(path), path);
	return [...kinds.values()];
}

// Each of paths in page, checked; resolves the problems found, each naming its page.
async function checkEach(page, paths, { phone }) {
	const problems = [];
	for (const path of paths) {
		page.consoleErrors.length = 0;
		const res = await page.goto(server.url + path);
		try {
			assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
			await checkAxe(page);
			if (phone) {
				const overflow = await page.evaluate(() =>
					document.documentElement.scrollWidth - window.innerWidth);
				assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen`);
			}
			assert.deepEqual(scriptErrors(page), [], `${path}: script errors`);
		} catch (e) {
			problems.push(e.message);
		}
	}
	return problems;
}

for (const lang of ['en', 'ur', 'pl']) {
	test(`a public page of each kind, on a phone (${lang})`, async () => {
		const { seen, problems: crawled } = await crawl(server, ['/', ...ORGS.map((o) => `/o/${o}/`)], {
			headers: { 'Accept-Language': lang },
			skip: (p) => /[?&]lang=/.test(p),
			lang,
		});
		assert.deepEqual(crawled, []);
		const paths = oneOfEachKind(seen);
		assert.ok(paths.length >= 10, `${paths.length} kinds of public page`);
		console.log(`${lang}: ${paths.length} kinds of public page, of ${seen.length} pages`);
		const page = await newPage(browser, { ...PHONE, locale: lang === 'en' ? 'en-GB' : lang });
		assert.deepEqual(await checkEach(page, paths, { phone: true }), []);
		await page.context().close();
	});
}

for (const lang of ['en', 'ur', 'pl']) {
	test(`a staff page of each kind, for an administrator (${lang})`, async () => {
		const { email, password } = await makeStaff(server, {
			org: 'blackpool', email: `every.page.${lang}@example.org`, role: 'administrator',
		});
		const { cookie } = await signIn(server.url, email, password);
		const { seen, problems: crawled } = await crawl(server, ['/staff/'], {
			headers: { Cookie: cookie, 'Accept-Language': lang },
			skip: (p) => !p.startsWith('/staff/') || p.startsWith('/staff/logout'),
			lang,
		});
		assert.deepEqual(crawled, []);
		const paths = oneOfEachKind(seen);
		assert.ok(paths.length >= 20, `${paths.length} kinds of staff page`);
		console.log(`${lang}: ${paths.length} kinds of staff page, of ${seen.length} pages`);
		const page = await newPage(browser, { locale: lang === 'en' ? 'en-GB' : lang });
		const [name, value] = cookie.split(/=(.*)/s);
		await page.context().addCookies([{ name, value, url: server.url }]);
		assert.deepEqual(await checkEach(page, paths, { phone: false }), []);
		await page.context().close();
	});
}
