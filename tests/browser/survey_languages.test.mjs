// A survey with every type of question, one to a page, answered in Urdu (right to left) and in
// Polish on a 320 px phone: each page, each page's error summary, a bad address for emailing
// the link, check your answers and the page that says it was sent are in the reader's language
// and direction, pass axe (WCAG 2.2 AA), fit the screen and run no script with an error.  The
// questions stay as staff wrote them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage, scriptErrors } from '../lib/browser.mjs';
import { catalogue } from '../lib/catalogue.mjs';
import { orgWithStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const PHONE = { viewport: { width: 320, height: 640 }, isMobile: true };
// Required ones leave their page with an error first.
const QUESTIONS = [
	{ key: 'who', type: 'single', text: 'Who are you?', required: true,
		options: ['A patient', 'A carer', { value: 'other', label: 'Someone else', other: true }] },
	{ key: 'matter', type: 'multiple', text: 'Which of our priorities matter most to you?',
		options: ['Grow our own', 'Health inequalities', 'Investing in our community'] },
	{ key: 'agree', type: 'likert', text: 'The service met my needs.' },
	{ key: 'fft', type: 'fft', required: true },
	{ key: 'listen', type: 'rating', text: 'How well do we listen to you?' },
	{ key: 'visits', type: 'number', text: 'How many times did you visit?', min: 0, max: 100 },
	{ key: 'when', type: 'date', text: 'When did you last visit us?', required: true },
	{ key: 'postcode', type: 'postcode', text: 'What is your postcode?' },
	{ key: 'rank', type: 'ranking', text: 'Rank these from most to least important', required: true,
		options: ['Safety', 'Kindness', 'Speed'] },
	{ key: 'importance', type: 'grid', text: 'How important is each of these?', required: true,
		rows: ['Getting an appointment', 'Being listened to'],
		options: ['Very important', 'Important', 'Not important'] },
	{ key: 'name', type: 'text', text: 'What should we call you?' },
	{ key: 'more', type: 'long_text', text: 'Is there anything else you want to tell us?' },
	{ key: 'thanks', type: 'info', text: 'Thank you. The next page shows your answers.' },
];

let server;
let browser;
let survey;

before(async () => {
	server = await startServer();
	const { token } = await orgWithStaff(server, {
		slug: 'blackpool', name: 'Blackpool Teaching Hospitals',
	});
	const res = await apiClient(server)('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Tell us what matters to you',
		pages: QUESTIONS.map((q) => ({ key: `page_${q.key}`, title: '', questions: [q] })),
	} });
	assert.equal(res.status, 201, await res.clone().text());
	survey = await json(res);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

// Everything a page must be in language lang; what names it in a failure.
async function checkPage(page, c, lang, what) {
	const got = await page.evaluate(() => ({
		lang: document.documentElement.lang, dir: document.documentElement.dir,
		overflow: document.documentElement.scrollWidth - window.innerWidth,
	}));
	const dir = c.header['X-Direction'] ?? 'ltr';
	assert.deepEqual({ lang: got.lang, dir: got.dir }, { lang, dir }, what);
	assert.ok(got.overflow <= 0, `${what}: ${got.overflow}px wider than the screen`);
	await checkAxe(page);
	assert.deepEqual(scriptErrors(page), [], what);
}

// Answers whatever the page asks, the first way it can be: a radio of each group, each list
// of ranks in order, a real date, a number.
async function answerAll(page) {
	await page.evaluate(() => {
		const main = document.querySelector('main');
		const groups = new Set([...main.querySelectorAll('input[type=radio]')].map((r) => r.name));
		for (const name of groups) {
			main.querySelector(`input[type=radio][name="${CSS.escape(name)}"]`).checked = true;
		}
		main.querySelectorAll('select').forEach((s, i) => {
			s.selectedIndex = Math.min(i + 1, s.options.length - 1);
		});
		const set = (suffix, value) => main.querySelectorAll(`input[name$="${suffix}"]`)
			.forEach((input) => { input.value = value; });
		set('-day', '4');
		set('-month', '3');
		set('-year', '2026');
	});
}

for (const lang of ['ur', 'pl']) {
	test(`every type of question, answered on a phone in ${lang}`, async () => {
		const c = catalogue(lang);
		const page = await newPage(browser, { ...PHONE, locale: lang });
		await page.goto(`${server.url}/o/blackpool/surveys/${survey.id}`);
		await checkPage(page, c, lang, 'the start page');
		await Promise.all([page.waitForNavigation(),
			page.getByRole('button', { name: c.text('Start now') }).click()]);

		// An address for the link that will not do: the page again, the form open, the error
		// summarised in the reader's language.
		await page.getByText(c.text('Come back later')).click();
		await page.locator('#resume-email').fill('not an address');
		await Promise.all([page.waitForNavigation(),
			page.getByRole('button', { name: c.text('Email me the link') }).click()]);
		const refused = page.locator('.nhsuk-error-summary');
		assert.ok((await refused.innerText()).includes(
			c.text('Enter an email address in the correct format, like name@example.com')));
		assert.equal(await page.locator('#resume-email').inputValue(), 'not an address');
		await checkPage(page, c, lang, 'the link by email refused');

		const errorsSeen = [];
		const atCheck = () => new URL(page.url()).pathname.endsWith('/check');
		for (let n = 0; n < 3 * QUESTIONS.length && !atCheck(); n++) {
			const at = new URL(page.url()).pathname;
			await checkPage(page, c, lang, at);
			await Promise.all([page.waitForNavigation(),
				page.getByRole('button', { name: c.text('Continue') }).click()]);
			const summary = page.locator('.nhsuk-error-summary');
			if (await summary.count() > 0) {
				assert.ok((await summary.innerText()).includes(c.text('There is a problem')), at);
				await checkPage(page, c, lang, `${at} with its errors`);
				errorsSeen.push(at);
				await answerAll(page);
				await Promise.all([page.waitForNavigation(),
					page.getByRole('button', { name: c.text('Continue') }).click()]);
			}
		}
		assert.match(new URL(page.url()).pathname, /\/check$/, 'every page leads to check your answers');
		assert.equal(errorsSeen.length, QUESTIONS.filter((q) => q.required).length,
			`an error on each required question's page: ${errorsSeen.join(', ')}`);
		await checkPage(page, c, lang, 'check your answers');

		await Promise.all([page.waitForNavigation(),
			page.getByRole('button', { name: c.text('Send response') }).click()]);
		assert.match(new URL(page.url()).pathname, /\/done$/);
		assert.equal((await page.locator('h1').innerText()).trim(),
			c.text('Your response has been sent'));
		await checkPage(page, c, lang, 'sent');
		await page.context().close();
	});
}
