// Pages in Chromium, as people use them: a member of the public answers a
// poll on a 320 px phone with JavaScript off; a staff member signs in and
// creates a poll.  axe-core checks every page on the way (WCAG 2.2 AA).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAxe, launchBrowser, newPage, scriptErrors } from '../lib/browser.mjs';
import { createPoll, orgWithStaff, pollResults } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'a long enough password';
let server;
let browser;
let token;

before(async () => {
	server = await startServer();
	({ token } = await orgWithStaff(server,
		{ email: 'officer@example.org', role: 'administrator', password: PASSWORD }));
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

test('a member of the public answers a poll on a phone without JavaScript', async () => {
	const poll = await createPoll(server.url, token, {
		question: 'How satisfied are you with access to pharmacy services in your local area?',
		options: ['Very satisfied', 'Fairly satisfied', 'Neither satisfied nor dissatisfied',
			'Fairly dissatisfied', 'Very dissatisfied', "Don't know"],
	});
	const page = await newPage(browser, { viewport: { width: 320, height: 640 }, blockScripts: true, isMobile: true });

	await page.goto(`${server.url}/o/bury/`);
	await checkAxe(page);
	await fitsWidth(page);
	await page.getByRole('link', { name: poll.question }).click();
	assert.equal(new URL(page.url()).pathname, `/o/bury/polls/${poll.id}`);
	assert.equal(await page.locator('h1').innerText(), poll.question);
	await checkAxe(page);
	await fitsWidth(page);

	// Sending nothing gives the NHS.UK error summary, linked to the first answer.
	await page.getByRole('button', { name: /submit|vote/i }).click();
	const summary = page.locator('.nhsuk-error-summary');
	await summary.waitFor();
	assert.match(await summary.innerText(), /Select an answer/);
	assert.match(await page.title(), /^Error: /);
	await checkAxe(page);

	await page.getByLabel('Fairly satisfied').check();
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /submit|vote/i }).click()]);
	const text = await page.locator('main').innerText();
	assert.match(text, /Fairly satisfied/);
	assert.match(text, /100(\.0)?%/);
	assert.equal(await page.locator('main svg').count() > 0, true, 'a chart is drawn');
	assert.equal(await page.locator('main table').count() > 0, true, 'the numbers are in a table');
	await checkAxe(page);
	await fitsWidth(page);

	// Back to the poll: this browser has answered.
	await page.goto(`${server.url}/o/bury/polls/${poll.id}`);
	assert.match(await page.locator('main').innerText(), /already answered/i);
	assert.equal(await page.locator('input[type=radio]').count(), 0);
	await checkAxe(page);

	const results = await pollResults(server.url, token, poll.id);
	assert.equal(results.total, 1);
	assert.deepEqual(scriptErrors(page), []);
	await page.context().close();
});

test('the statement pages, the embed widget and a missing page pass axe', async () => {
	const poll = await createPoll(server.url, token, { question: 'Embedded question?', options: ['Yes', 'No'] });
	const page = await newPage(browser, { viewport: { width: 320, height: 640 } });
	for (const path of ['/', '/o/bury/accessibility', '/o/bury/privacy', '/o/bury/cookies',
		'/accessibility', `/o/bury/polls/${poll.id}/embed`]) {
		const res = await page.goto(server.url + path);
		assert.equal(res.status(), 200, path);
		await checkAxe(page);
		await fitsWidth(page);
	}
	const res = await page.goto(`${server.url}/o/bury/polls/999999`);
	assert.equal(res.status(), 404);
	await checkAxe(page);
	// The embed answers inside an iframe on the sites the organisation lists, and no others:
	// none until it lists one.
	let embed = await fetch(`${server.url}/o/bury/polls/${poll.id}/embed`);
	assert.match(embed.headers.get('content-security-policy'), /frame-ancestors 'none'/);
	assert.equal(embed.headers.get('x-frame-options'), 'DENY');
	const u = await server.cli(['org', 'update', '--slug', 'bury', '--require-mfa', 'none']);
	assert.equal(u.code, 0, u.stderr);
	await page.goto(`${server.url}/staff/login`);
	await page.fill('#email', 'officer@example.org');
	await page.fill('#password', PASSWORD);
	await page.click('form[action="/staff/login"] button');
	await page.goto(`${server.url}/staff/settings`);
	await checkAxe(page);
	await page.fill('#frame_origins', 'https://www.example.nhs.uk/\nhttps://partner.example.org');
	await page.click('form[action="/staff/settings"] button');
	assert.equal(new URL(page.url()).pathname, '/staff/users');
	embed = await fetch(`${server.url}/o/bury/polls/${poll.id}/embed`);
	assert.match(embed.headers.get('content-security-policy'),
		/frame-ancestors https:\/\/www\.example\.nhs\.uk https:\/\/partner\.example\.org;?$/);
	assert.equal(embed.headers.get('x-frame-options'), null);
	// The poll page itself is never framed.
	const own = await fetch(`${server.url}/o/bury/polls/${poll.id}`);
	assert.match(own.headers.get('content-security-policy'), /frame-ancestors 'none'/);
	assert.deepEqual(scriptErrors(page), []);
	await page.context().close();
});

test('a staff member signs in and creates a poll', async () => {
	const page = await newPage(browser);
	await page.goto(`${server.url}/staff/`);
	assert.equal(new URL(page.url()).pathname, '/staff/login');
	await checkAxe(page);

	await page.getByLabel('Email address').fill('officer@example.org');
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.locator('.nhsuk-error-summary').waitFor();
	await checkAxe(page);

	await page.getByLabel('Email address').fill('officer@example.org');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${server.url}/staff/`);
	await checkAxe(page);

	await page.locator('a[href="/staff/polls/new"]').first().click();
	await checkAxe(page);
	// An empty form: every problem in the summary, nothing created.
	await page.getByRole('button', { name: /create|save/i }).click();
	await page.locator('.nhsuk-error-summary').waitFor();
	assert.match(await page.locator('.nhsuk-error-summary').innerText(), /question/i);
	await checkAxe(page);

	await page.locator('#question').fill('Which pharmacy opening times would help you most?');
	const options = page.locator('input[name=option]');
	await options.nth(0).fill('Early mornings');
	await options.nth(1).fill('Evenings');
	await options.nth(2).fill('Weekends');
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /create|save/i }).click()]);
	assert.match(await page.locator('main').innerText(), /Which pharmacy opening times would help you most\?/);
	await checkAxe(page);

	const list = await (await fetch(`${server.url}/api/v1/polls`, { headers: { Authorization: `Bearer ${token}` } })).json();
	const created = list.items.find((p) => p.question === 'Which pharmacy opening times would help you most?');
	assert.ok(created, 'the poll exists');
	assert.deepEqual(created.options.map((o) => o.label), ['Early mornings', 'Evenings', 'Weekends']);

	await page.goto(`${server.url}/staff/`);
	assert.match(await page.locator('main').innerText(), /Which pharmacy opening times/);
	assert.deepEqual(scriptErrors(page), []);
	await page.context().close();
});
