// "You said, we did" in Chromium with JavaScript off, every page checked with axe-core (WCAG
// 2.2 AA): an engagement officer writes an outcome from the staff dashboard, is shown every
// problem of an empty form (each leading to its field), writes it properly, linking the
// survey it answers, reads the draft, publishes it after the confirmation; a member of the
// public on a phone then reads it on the organisation's "You said, we did" page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;
let survey;

const OFF = { javaScriptEnabled: false };
const PHONE = { viewport: { width: 320, height: 640 }, javaScriptEnabled: false, isMobile: true };

before(async () => {
	server = await startServer();
	const api = apiClient(server);
	await createOrg(server, 'blackpool', 'Blackpool Teaching Hospitals');
	const { token } = await makeStaff(server, { org: 'blackpool', email: 'officer@example.org',
		role: 'engagement_officer' });
	survey = await json(await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Pharmacy opening hours',
		pages: [{ key: 'p', questions: [{ key: 'q1', type: 'single', text: 'Are the hours right?',
			options: ['Yes', 'No'] }] }],
	} }));
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

const pathOf = (page) => new URL(page.url()).pathname;

async function press(page, name) {
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).first().click()]);
}

test('an officer writes and publishes an outcome, and the public reads it on a phone', async () => {
	const staff = await newPage(browser, OFF);
	await staff.goto(`${server.url}/staff/login`);
	await staff.getByLabel('Email address').fill('officer@example.org');
	await staff.getByLabel('Password').fill(STAFF_PASSWORD);
	await press(staff, 'Sign in');
	await staff.getByRole('link', { name: 'Outcomes', exact: true }).click();
	assert.equal(pathOf(staff), '/staff/outcomes');
	assert.match(await staff.locator('main').innerText(), /There are no outcomes yet/);
	await checkAxe(staff);

	await staff.getByRole('button', { name: 'Write an outcome' }).click();
	await checkAxe(staff);
	await press(staff, 'Save as a draft');
	const summary = staff.locator('.nhsuk-error-summary');
	await summary.waitFor();
	for (const href of await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
		assert.equal(await staff.locator(href).count(), 1, `${href} leads to something on the page`);
	}
	const problems = await summary.innerText();
	for (const text of [/title/, /what people said/, /what was decided/, /who decided/, /date of the decision/]) {
		assert.match(problems, text);
	}
	await checkAxe(staff);

	await staff.getByLabel('Title').fill('Pharmacies open later');
	await staff.getByLabel('You said', { exact: true }).fill('Many of you said **evenings** are hard.');
	await staff.getByLabel('We did', { exact: true }).fill('We asked pharmacies to open until 8pm.');
	await staff.getByLabel('Decided by').fill('The primary care committee');
	await staff.getByLabel('Day').fill('5');
	await staff.getByLabel('Month').fill('11');
	await staff.getByLabel('Year').fill('2026');
	await staff.getByLabel('Survey: Pharmacy opening hours').check();
	await press(staff, 'Save as a draft');
	assert.match(pathOf(staff), /^\/staff\/outcomes\/\d+$/);
	let text = await staff.locator('main').innerText();
	assert.match(text, /The draft has been saved/);
	assert.match(text, /Only staff can see it until it is published/);
	assert.match(text, /Survey: Pharmacy opening hours/);
	await checkAxe(staff);
	const id = pathOf(staff).split('/').pop();

	await staff.getByRole('button', { name: 'Publish' }).click();
	assert.equal(pathOf(staff), `/staff/outcomes/${id}/publish`);
	await checkAxe(staff);
	await press(staff, 'Publish and email');
	text = await staff.locator('main').innerText();
	assert.match(text, /The outcome has been published/);
	await checkAxe(staff);

	const pub = await newPage(browser, PHONE);
	await pub.goto(`${server.url}/o/blackpool/you-said-we-did`);
	await pub.getByRole('link', { name: 'Pharmacies open later' }).click();
	assert.equal(pathOf(pub), `/o/blackpool/you-said-we-did/${id}`);
	text = await pub.locator('main').innerText();
	assert.match(text, /evenings are hard/);
	assert.match(text, /The primary care committee/);
	assert.match(text, new RegExp(survey.title));
	const overflow = await pub.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
	await checkAxe(pub);
	await pub.context().close();
	await staff.context().close();
});
