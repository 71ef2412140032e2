// An analyst reads a survey's comments as the theme classifier read them and reviews one, in
// Chromium with JavaScript off: from the results page to the comments, to one comment's review
// (saved without a sentiment first: the NHS.UK error summary leads to the first radio), and back
// with the review saved.  axe (WCAG 2.2 AA) checks every page.  The model is trained by
// `involve themes train` on the real labelled feedback beside the repository.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { runInvolve } from '../lib/commands.mjs';
import { STAFF_PASSWORD, orgWithStaff } from '../lib/fixtures.mjs';
import { ROOT, startServer } from '../lib/server.mjs';

const NEAS = path.resolve(ROOT, '..', 'shared', 'data', 'feedback', 'neas_labelled_feedback.csv');
const ANALYST = 'analyst@example.org';

let server;
let browser;

before(async () => {
	const model = path.join(mkdtempSync(path.join(os.tmpdir(), 'involve-comments-')), 'model.bin');
	const trained = await runInvolve(['themes', 'train', '--data', NEAS, '--model', model]);
	assert.equal(trained.code, 0, trained.stderr);
	server = await startServer({ args: ['--themes-model', model] });
	browser = await launchBrowser();
}, { timeout: 300000 });

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function press(page, target) {
	const [res] = await Promise.all([page.waitForNavigation(), target.click()]);
	return res;
}

test('an analyst reads the comments and reviews one', async () => {
	const { token } = await orgWithStaff(server, { slug: 'neas', name: 'North East Ambulance Service',
		email: ANALYST, role: 'administrator' });
	const api = apiClient(server);
	const survey = await json(await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Your ambulance journey', pages: [{ key: 'p1', questions: [
			{ key: 'why', type: 'long_text', text: 'Why did you give that answer?' }] }],
	} }));
	for (const why of ['The crew were kind and explained everything.',
		'Waited five hours for the ambulance to arrive.',
		'Bardzo dobra obsługa, miły personel, dziękuję bardzo']) {
		assert.equal((await api('POST', `/api/v1/surveys/${survey.id}/responses`,
			{ body: { answers: { why } } })).status, 201);
	}
	for (let i = 0; ; i++) {
		const got = await json(await api('GET', `/api/v1/surveys/${survey.id}/themes`, { auth: token }));
		if (got.questions[0].comments === 3) break;
		assert.ok(i < 100, 'the worker reads the comments');
		await new Promise((r) => setTimeout(r, 200));
	}

	const page = await newPage(browser, { javaScriptEnabled: false });
	await page.goto(`${server.url}/staff/login`);
	await page.getByLabel('Email address').fill(ANALYST);
	await page.getByLabel('Password').fill(STAFF_PASSWORD);
	await press(page, page.getByRole('button', { name: 'Sign in' }));
	await page.goto(`${server.url}/staff/surveys/${survey.id}/results`);
	await checkAxe(page);
	await press(page, page.getByRole('link', { name: /^Comments/ }));
	assert.equal(new URL(page.url()).pathname, `/staff/surveys/${survey.id}/comments/why`);
	await checkAxe(page);
	const main = await page.locator('main').innerText();
	assert.match(main, /Not read: in another language/);
	// The themes, counted: an administrator sees every count.
	assert.ok(await page.locator('table tbody tr').count() >= 1, main);
	assert.doesNotMatch(await page.locator('table').innerText(), /fewer than/);

	// The comment in Polish: not read, so it has no sentiment yet.
	await press(page, page.locator('li', { hasText: 'Bardzo' }).getByRole('link', { name: /^Review/ }));
	await checkAxe(page);
	assert.match(await page.locator('main').innerText(), /in a language other than English/);
	let res = await press(page, page.getByRole('button', { name: 'Save review' }));
	assert.equal(res.status(), 422);
	assert.equal(await page.locator('.nhsuk-error-summary a[href="#sentiment"]').count(), 1);
	assert.match(await page.title(), /^Error: /);
	await checkAxe(page);
	await page.getByLabel('2: Positive').check();
	res = await press(page, page.getByRole('button', { name: 'Save review' }));
	assert.equal(res.status(), 200);
	assert.match(await page.locator('main').innerText(), /Your review has been saved/);
	assert.match(await page.locator('main').innerText(), /Reviewed/);
	await checkAxe(page);
	assert.deepEqual(page.consoleErrors, []);
	await page.context().close();
});
