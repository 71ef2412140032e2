// A survey answered as a member of the public would, in Chromium on a 320 px phone with
// JavaScript off: start, a page with errors, skip logic, leaving and coming back by the
// private link on another device, check your answers, change one, send, withdraw.  axe-core
// checks every page (WCAG 2.2 AA).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { orgWithStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;
let token;
let api;

before(async () => {
	server = await startServer();
	api = apiClient(server);
	({ token } = await orgWithStaff(server, { slug: 'blackpool', name: 'Blackpool Teaching Hospitals',
		email: 'officer@example.org', role: 'administrator' }));
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

const PHONE = { viewport: { width: 320, height: 640 }, javaScriptEnabled: false, isMobile: true };

async function fitsWidth(page) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
}

async function check(page) {
	await checkAxe(page);
	await fitsWidth(page);
}

async function createSurvey() {
	const res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Our strategy: what matters most to you?',
		pages: [
			{ key: 'about', title: 'About you', questions: [
				{ key: 'staff', type: 'single', text: 'Do you work for the trust?', required: true,
					options: ['Yes', 'No'] },
				{ key: 'listen', type: 'rating', text: 'How well do we listen to you?', help: '1 is not at all, 5 is very well' },
			], next: [{ if: { question: 'staff', equals: 'No' }, go_to: 'priorities' }] },
			{ key: 'work', title: 'Working here', questions: [
				{ key: 'valued', type: 'grid', text: 'How much do you agree?', required: true,
					rows: ['I feel valued', 'I can grow here'], options: ['Agree', 'Disagree'] },
			] },
			{ key: 'priorities', title: 'Our priorities', questions: [
				{ key: 'matter', type: 'multiple', text: 'Which of our priorities matter most to you?',
					options: ['Grow our own', 'Investing in our community',
						{ value: 'other', label: 'Something else', other: true }] },
				{ key: 'rank', type: 'ranking', text: 'Rank these', options: ['Safety', 'Kindness', 'Speed'] },
				{ key: 'visit', type: 'date', text: 'When did you last visit us?' },
				{ key: 'postcode', type: 'postcode', text: 'What is your postcode?' },
				{ key: 'fft', type: 'fft', required: true },
				{ key: 'more', type: 'long_text', text: 'Is there anything else you want to tell us?' },
			] },
		],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

test('a member of the public answers a survey on a phone without JavaScript, and withdraws it', async () => {
	const survey = await createSurvey();
	const page = await newPage(browser, PHONE);
	const base = `/o/blackpool/surveys/${survey.id}`;

	await page.goto(server.url + base);
	assert.equal(await page.locator('h1').innerText(), survey.title);
	await check(page);
	await page.getByRole('button', { name: 'Start now' }).click();
	assert.match(new URL(page.url()).pathname, new RegExp(`^${base}/r/[A-Za-z0-9_-]{43}/p/1$`));
	assert.equal(await page.locator('h1').innerText(), 'About you');
	await check(page);

	// Nothing chosen: the error summary leads to the first answer of the question.
	await page.getByRole('button', { name: 'Continue' }).click();
	const summary = page.locator('.nhsuk-error-summary');
	await summary.waitFor();
	assert.match(await summary.innerText(), /Choose an answer/);
	assert.equal(await summary.locator('a').first().getAttribute('href'), '#staff');
	assert.match(await page.title(), /^Error: /);
	await check(page);

	// "No" skips the page for staff.
	await page.getByLabel('No', { exact: true }).check();
	await page.getByLabel('4', { exact: true }).check();
	await page.getByRole('button', { name: 'Continue' }).click();
	assert.match(new URL(page.url()).pathname, /\/p\/3$/);
	assert.equal(await page.locator('h1').innerText(), 'Our priorities');
	await check(page);

	// Bad answers: a made-up date, a postcode that is not one, a repeated rank, "other" empty.
	await page.getByRole('checkbox', { name: 'Something else' }).check();
	await page.getByLabel('Safety').selectOption('1');
	await page.getByLabel('Kindness').selectOption('1');
	await page.getByLabel('Day').fill('31');
	await page.getByLabel('Month').fill('2');
	await page.getByLabel('Year').fill('2026');
	await page.getByLabel('What is your postcode?').fill('FY1 1N');
	await page.getByRole('button', { name: 'Continue' }).click();
	await summary.waitFor();
	const problems = await summary.innerText();
	for (const text of [/Say what 'other' is/, /Give each rank only once/, /Enter a real date/,
		/Enter a real postcode/, /Choose an answer/])
		assert.match(problems, text);
	// What was typed is still there.
	assert.equal(await page.getByLabel('What is your postcode?').inputValue(), 'FY1 1N');
	await check(page);

	// Leave, and come back on another device with the private link.
	const link = await page.locator('#resume-link').getAttribute('href');
	assert.match(link, new RegExp(`${base}/r/[A-Za-z0-9_-]{43}$`));
	await page.context().close();
	const other = await newPage(browser, PHONE);
	await other.goto(link);
	assert.match(new URL(other.url()).pathname, /\/p\/3$/, 'the link leads to where they were');

	await other.getByRole('checkbox', { name: 'Something else' }).check();
	await other.getByLabel('If you chose "Something else", please say').fill('Parking');
	await other.getByLabel('Safety').selectOption('2');
	await other.getByLabel('Kindness').selectOption('1');
	await other.getByLabel('Day').fill('4');
	await other.getByLabel('Month').fill('3');
	await other.getByLabel('Year').fill('2026');
	await other.getByLabel('What is your postcode?').fill('fy11na');
	await other.getByLabel('Very good').check();
	await other.getByRole('button', { name: 'Continue' }).click();

	// Check your answers, then change one.
	assert.match(new URL(other.url()).pathname, /\/check$/);
	await check(other);
	const answers = await other.locator('.nhsuk-summary-list').innerText();
	for (const text of [/No/, /Something else: Parking/, /1\. Kindness; 2\. Safety/, /4 March 2026/,
		/FY1 1NA/, /Very good/])
		assert.match(answers, text);
	await other.getByRole('link', { name: /Change.*How well do we listen/ }).click();
	assert.match(new URL(other.url()).pathname, /\/p\/1$/);
	assert.ok(await other.getByLabel('4', { exact: true }).isChecked(), 'the answer given is kept');
	await other.getByLabel('5', { exact: true }).check();
	await other.getByRole('button', { name: 'Continue' }).click();
	await other.getByRole('button', { name: 'Continue' }).click();
	assert.match(new URL(other.url()).pathname, /\/check$/);
	await other.getByRole('button', { name: 'Send response' }).click();
	assert.match(new URL(other.url()).pathname, /\/done$/);
	assert.match(await other.locator('h1').innerText(), /Your response has been sent/);
	await check(other);

	let got = await json(await api('GET', `/api/v1/surveys/${survey.id}/results`, { auth: token }));
	assert.equal(got.responses, 1);
	const listen = got.questions.find((q) => q.key === 'listen');
	assert.equal(listen.mean, 5);

	// The link now only withdraws.
	await other.getByRole('link', { name: 'Withdraw my response' }).click();
	await check(other);
	await other.getByRole('button', { name: 'Withdraw my response' }).click();
	assert.match(await other.locator('h1').innerText(), /withdrawn/);
	got = await json(await api('GET', `/api/v1/surveys/${survey.id}/results`, { auth: token }));
	assert.equal(got.responses, 0);
	assert.equal(got.questions.find((q) => q.key === 'listen').answered, 0);
	await other.context().close();
});

test('a wrong link, a closed survey and a draft each say so', async () => {
	const survey = await createSurvey();
	const page = await newPage(browser, PHONE);
	const base = `${server.url}/o/blackpool/surveys/${survey.id}`;

	let res = await page.goto(`${base}/r/${'A'.repeat(43)}`);
	assert.equal(res.status(), 404);
	assert.match(await page.locator('h1').innerText(), /This link does not work/);
	await check(page);

	await page.goto(base);
	await page.getByRole('button', { name: 'Start now' }).click();
	const link = page.url();
	await api('POST', `/api/v1/surveys/${survey.id}/close`, { auth: token });
	res = await page.goto(link.replace(/\/p\/1$/, '/p/1'));
	assert.equal(res.status(), 409);
	assert.match(await page.locator('h1').innerText(), /This survey has closed/);
	await page.goto(base);
	assert.match(await page.locator('main').innerText(), /This survey has closed/);
	await check(page);

	const draft = await json(await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Not yet', opens_at: null, pages: [{ key: 'a', questions: [{ key: 'q', type: 'text', text: 'Q' }] }] } }));
	res = await page.goto(`${server.url}/o/blackpool/surveys/${draft.id}`);
	assert.equal(res.status(), 404);
	await page.context().close();
});

test('"Have your say" lists what is open and what has closed; results are published with small counts hidden', async () => {
	const open = await createSurvey();
	const closed = await createSurvey();
	for (let i = 0; i < 12; i++) {
		const res = await api('POST', `/api/v1/surveys/${closed.id}/responses`, { body: { answers: {
			staff: 'No', listen: i < 10 ? 4 : 2, fft: i < 11 ? 'Very good' : 'Poor' } } });
		assert.equal(res.status, 201, await res.clone().text());
	}
	await api('POST', `/api/v1/surveys/${closed.id}/close`, { auth: token });
	const page = await newPage(browser, PHONE);

	await page.goto(`${server.url}/o/blackpool/`);
	await page.getByRole('link', { name: /Have your say/ }).click();
	assert.equal(new URL(page.url()).pathname, '/o/blackpool/have-your-say');
	await check(page);
	const main = page.locator('main');
	assert.equal(await main.locator(`a[href="/o/blackpool/surveys/${open.id}"]`).count(), 1,
		'the open survey is listed');
	assert.equal(await main.locator(`a[href="/o/blackpool/surveys/${closed.id}"]`).count(), 0,
		'the closed one is not offered to answer');
	await main.locator(`a[href="/o/blackpool/surveys/${closed.id}/results"]`).click();
	assert.equal(new URL(page.url()).pathname, `/o/blackpool/surveys/${closed.id}/results`);
	await check(page);
	const text = await main.innerText();
	assert.match(text, /Responses: 12/);
	// 11 Very good and 1 Poor: Poor and the answers no one gave are under 10.
	const fft = page.locator('section', { has: page.getByRole('heading', { name: /Overall, how was your experience/ }) });
	assert.match(await fft.locator('table').innerText(), /Very good\s+11\s+91\.7%/);
	assert.match(await fft.locator('table').innerText(), /Poor\s+fewer than 10/);
	// The chart says its numbers to a screen reader.  All 12 said No: Yes (0) is hidden, and
	// No with it, since 12 of 12 would give Yes away.
	const desc = await page.locator('svg desc').first().textContent();
	assert.equal(desc, 'Yes: fewer than 10; No: fewer than 10.');
	assert.equal(await page.locator('svg title', { hasText: /Overall, how was your experience/ }).count(), 1);
	// What was done about it, linked from the results and listed with the others.
	const made = await json(await api('POST', '/api/v1/outcomes', { auth: token, body: {
		title: 'A clearer strategy', you_said: 'You said our priorities were **hard to follow**.',
		decision: 'We rewrote them in plain language.', what_changed: '', decided_by: 'The board',
		decided_on: '2026-12-01', links: [{ kind: 'survey', id: closed.id }] } }));
	await api('POST', `/api/v1/outcomes/${made.id}/publish`, { auth: token });
	await page.reload();
	await page.getByRole('link', { name: 'A clearer strategy' }).click();
	assert.equal(new URL(page.url()).pathname, `/o/blackpool/you-said-we-did/${made.id}`);
	assert.equal(await page.locator('strong', { hasText: 'hard to follow' }).count(), 1);
	await check(page);
	await page.goto(`${server.url}/o/blackpool/you-said-we-did`);
	await check(page);
	// The open survey's results are not published yet.
	const res = await page.goto(`${server.url}/o/blackpool/surveys/${open.id}/results`);
	assert.equal(res.status(), 403);
	await page.context().close();
});
