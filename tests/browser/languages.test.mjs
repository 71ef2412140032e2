// The public poll journey in English, Urdu (right to left) and Polish, in Chromium on a 320 px
// phone, with axe (WCAG 2.2 AA) on every page: the home page, a poll, its error summary, the
// results, the statement pages and a missing page.  Then a visitor changes language with the
// link at the top of the page, and the choice stays.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAxe, launchBrowser, newPage, scriptErrors } from '../lib/browser.mjs';
import { catalogue } from '../lib/catalogue.mjs';
import { createPoll, orgWithStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const PHONE = { viewport: { width: 320, height: 640 }, isMobile: true };
let server;
let browser;
let token;

before(async () => {
	server = await startServer();
	({ token } = await orgWithStaff(server));
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function fitsWidth(page) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
}

async function pageLanguage(page) {
	return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}

// Everything a page must be, in language `lang`.
async function checkPage(page, lang, what) {
	const c = catalogue(lang);
	assert.deepEqual(await pageLanguage(page), { lang, dir: c.header['X-Direction'] ?? 'ltr' }, what);
	await checkAxe(page);
	await fitsWidth(page);
}

const assertHas = (text, part) => assert.ok(text.includes(part), `${JSON.stringify(part)} in ${JSON.stringify(text)}`);

for (const lang of ['en', 'ur', 'pl']) {
	test(`the poll journey in ${lang}`, async () => {
		const c = catalogue(lang);
		const poll = await createPoll(server.url, token, {
			question: `Which pharmacy opening times would help you most (${lang})?`,
			options: ['Early mornings', 'Evenings', 'Weekends'],
		});
		const page = await newPage(browser, { ...PHONE, locale: lang === 'en' ? 'en-GB' : lang });

		await page.goto(`${server.url}/o/bury/`);
		await checkPage(page, lang, 'home');
		assert.equal(await page.getByRole('heading', { name: c.text('Polls you can answer now') }).count(), 1);
		await page.getByRole('link', { name: poll.question }).click();
		assert.equal(new URL(page.url()).pathname, `/o/bury/polls/${poll.id}`);
		await checkPage(page, lang, 'poll');

		// In Urdu the page reads from the right: each answer's button is right of its label.
		const radio = await page.locator('.nhsuk-radios__input').first().boundingBox();
		const label = await page.locator('.nhsuk-radios__label').first().boundingBox();
		if (c.header['X-Direction'] === 'rtl') assert.ok(radio.x > label.x, 'the radio button is on the right');
		else assert.ok(radio.x < label.x, 'the radio button is on the left');
		const circle = await page.evaluate(() => {
			const l = document.querySelector('.nhsuk-radios__label');
			const s = getComputedStyle(l, '::before');
			return { left: s.left, right: s.right };
		});
		if (c.header['X-Direction'] === 'rtl') assert.notEqual(circle.right, 'auto', 'the drawn circle follows the button');

		// Nothing chosen: the error summary, in the page's language.
		await page.getByRole('button', { name: c.text('Submit answer') }).click();
		const summary = page.locator('.nhsuk-error-summary');
		await summary.waitFor();
		assertHas(await summary.innerText(), c.text('There is a problem'));
		assertHas(await summary.innerText(), c.text('Select an answer'));
		assert.ok((await page.title()).startsWith(c.text('Error: %s').replace('%s', '')), await page.title());
		await checkPage(page, lang, 'error summary');

		await page.getByLabel('Evenings').check();
		// Waits for the results page itself: the page before it is loaded too.
		await Promise.all([page.waitForNavigation(),
			page.getByRole('button', { name: c.text('Submit answer') }).click()]);
		const main = await page.locator('main').innerText();
		assertHas(main, c.text('This poll is still open.'));
		assert.ok(main.includes(c.plural('%lld person answered', '%lld people answered', 1).replace('%lld', '1')), main);
		assert.match(main, /Evenings/, 'the answers stay as staff wrote them');
		await checkPage(page, lang, 'results');

		for (const [path, title] of [['/o/bury/accessibility', 'Accessibility statement'],
			['/o/bury/privacy', 'Privacy notice'], ['/o/bury/cookies', 'Cookies']]) {
			await page.goto(server.url + path);
			assert.equal(await page.locator('h1').innerText(), c.text(title), path);
			await checkPage(page, lang, path);
		}
		const missing = await page.goto(`${server.url}/o/bury/polls/999999`);
		assert.equal(missing.status(), 404);
		assert.equal(await page.locator('h1').innerText(), c.text('Page not found'));
		await checkPage(page, lang, 'missing page');

		assert.deepEqual(scriptErrors(page), []);
		await page.context().close();
	});
}

test('a visitor chooses a language with the link at the top, and it stays', async () => {
	const page = await newPage(browser, { ...PHONE, locale: 'en-GB' });
	await page.goto(`${server.url}/o/bury/privacy`);
	assert.equal((await pageLanguage(page)).lang, 'en');
	const before = await page.context().cookies();
	assert.equal(before.find((k) => k.name === 'involve_lang'), undefined, 'no cookie until a choice');

	const chooser = page.getByRole('navigation', { name: 'Choose a language' });
	await Promise.all([page.waitForNavigation(), chooser.getByRole('link', { name: 'Polski' }).click()]);
	assert.equal(new URL(page.url()).pathname, '/o/bury/privacy', 'back on the same page');
	await checkPage(page, 'pl', 'after choosing Polish');
	const cookie = (await page.context().cookies()).find((k) => k.name === 'involve_lang');
	assert.equal(cookie?.value, 'pl');
	assert.equal(cookie.httpOnly, true);

	await page.goto(`${server.url}/o/bury/`);
	assert.equal((await pageLanguage(page)).lang, 'pl', 'the choice is kept');
	const pl = catalogue('pl');
	await Promise.all([page.waitForNavigation(),
		page.getByRole('navigation', { name: pl.text('Choose a language') })
			.getByRole('link', { name: 'اردو' }).click()]);
	await checkPage(page, 'ur', 'after choosing Urdu');
	assert.deepEqual(scriptErrors(page), []);
	await page.context().close();
});
