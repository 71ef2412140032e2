// A consultation document's files and a survey's invitation codes in Chromium with JavaScript
// off, every page checked with axe-core (WCAG 2.2 AA): an officer attaches a PDF with the
// file input, is refused a program and no file with the error summary leading to the input,
// removes the file; makes a batch of invitation codes as a page to print, sees it used, and
// withdraws it; a member of the public on a phone follows an invitation's link, the code
// filled in, and is refused a withdrawn code.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;
let api;
let token;
let dir;

const OFF = { javaScriptEnabled: false };
const PHONE = { viewport: { width: 320, height: 640 }, javaScriptEnabled: false, isMobile: true };

before(async () => {
	server = await startServer();
	api = apiClient(server);
	await createOrg(server, 'blackpool', 'Blackpool Teaching Hospitals');
	({ token } = await makeStaff(server, { org: 'blackpool', email: 'officer@example.org',
		role: 'engagement_officer' }));
	browser = await launchBrowser();
	dir = mkdtempSync(join(tmpdir(), 'involve-files-'));
	writeFileSync(join(dir, 'Strategy summary.pdf'), '%PDF-1.4\n%%EOF\n');
	writeFileSync(join(dir, 'setup.exe'), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]));
	writeFileSync(join(dir, 'tool.pdf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]));
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

const pathOf = (page) => new URL(page.url()).pathname;

async function press(page, name) {
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).first().click()]);
}

async function summaryOf(page) {
	const summary = page.locator('.nhsuk-error-summary');
	await summary.waitFor();
	for (const href of await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
		assert.equal(await page.locator(href).count(), 1, `${href} leads to something on the page`);
	}
	return summary.innerText();
}

async function signIn(page) {
	await page.goto(`${server.url}/staff/login`);
	await page.getByLabel('Email address').fill('officer@example.org');
	await page.getByLabel('Password').fill(STAFF_PASSWORD);
	await press(page, 'Sign in');
	assert.equal(pathOf(page), '/staff/');
}

test('an officer attaches a file to a document, and is refused a program', async () => {
	let res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		kind: 'consultation', title: 'Our strategy 2022 to 2027',
		pages: [{ key: 'views', title: 'Your views', questions: [
			{ key: 'priorities', type: 'long_text', text: 'What should our priorities be?' }] }],
	} });
	const c = await json(res);
	res = await api('POST', `/api/v1/surveys/${c.id}/documents`, { auth: token,
		body: { title: 'Our draft strategy', body: 'The draft.' } });
	const doc = await json(res);

	const staff = await newPage(browser, OFF);
	await signIn(staff);
	await staff.goto(`${server.url}/staff/consultations/${c.id}`);
	await staff.getByRole('link', { name: 'Change Our draft strategy' }).click();
	assert.equal(pathOf(staff), `/staff/consultations/${c.id}/documents/${doc.id}`);
	await checkAxe(staff);

	// No file chosen.
	await press(staff, 'Attach file');
	assert.match(await summaryOf(staff), /Choose a file to attach/);
	await checkAxe(staff);

	// A program, by its name and by its bytes under a PDF's name.
	await staff.getByLabel('Attach a file').setInputFiles(join(dir, 'setup.exe'));
	await press(staff, 'Attach file');
	assert.match(await summaryOf(staff), /The file name must end in \.pdf/);
	await staff.getByLabel('Attach a file').setInputFiles(join(dir, 'tool.pdf'));
	await press(staff, 'Attach file');
	assert.match(await summaryOf(staff), /The file must be a PDF, a Word or OpenDocument text file, or a PNG or JPEG image/);
	await checkAxe(staff);

	// A PDF: attached and listed.
	await staff.getByLabel('Attach a file').setInputFiles(join(dir, 'Strategy summary.pdf'));
	await press(staff, 'Attach file');
	assert.match(await staff.locator('.nhsuk-panel, .app-done, [role="status"], main').first().innerText(),
		/The file has been attached/);
	assert.equal(await staff.getByRole('link', { name: 'Strategy summary.pdf' }).count(), 1);
	await checkAxe(staff);

	// Removed from the document's page: back on it, the file gone.
	const documentPath = pathOf(staff);
	assert.match(documentPath, new RegExp(`^/staff/consultations/${c.id}/documents/\\d+$`));
	await press(staff, 'Remove the file Strategy summary.pdf');
	assert.equal(pathOf(staff), documentPath);
	assert.match(await staff.locator('main').innerText(), /The file has been removed/);
	assert.equal(await staff.getByRole('link', { name: 'Strategy summary.pdf' }).count(), 0);
	await checkAxe(staff);
	await staff.close();
});

test('an officer makes invitation codes to print and withdraws them; the public uses one on a phone', async () => {
	const res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Our outpatient services', who_can_answer: 'code',
		pages: [{ key: 'p1', title: 'Your visit', questions: [
			{ key: 'q1', type: 'single', text: 'Was this your first visit?', options: ['Yes', 'No'] }] }],
	} });
	const s = await json(res);

	const staff = await newPage(browser, OFF);
	await signIn(staff);
	await staff.goto(`${server.url}/staff/surveys/${s.id}`);
	await checkAxe(staff);

	await staff.getByLabel('How many codes?').fill('none');
	await press(staff, 'Make codes');
	assert.match(await summaryOf(staff), /Must be a whole number from 1 to 10000/);
	await checkAxe(staff);

	await staff.getByLabel('How many codes?').fill('3');
	await staff.getByLabel(/A page to print/).check();
	await press(staff, 'Make codes');
	await checkAxe(staff);
	const codes = await staff.locator('td code').allInnerTexts();
	assert.equal(codes.length, 3);
	const link = (await staff.locator('tbody tr').first().locator('td').nth(1).innerText()).trim();
	assert.ok(link.endsWith(`/o/blackpool/surveys/${s.id}?code=${codes[0]}`), link);

	// The public follows the first invitation's link on a phone: the code is filled in.
	const phone = await newPage(browser, PHONE);
	await phone.goto(link);
	assert.equal(await phone.getByLabel('Your code').inputValue(), codes[0]);
	await checkAxe(phone);
	await press(phone, 'Start now');
	assert.match(pathOf(phone), new RegExp(`/o/blackpool/surveys/${s.id}/r/`));

	// Withdrawn, the batch's other codes stop working.
	await staff.goto(`${server.url}/staff/surveys/${s.id}`);
	await press(staff, /^Withdraw/);
	assert.match(await staff.locator('main').innerText(), /The batch has been withdrawn/);
	await checkAxe(staff);
	await phone.goto(`${server.url}/o/blackpool/surveys/${s.id}?code=${codes[1]}`);
	await press(phone, 'Start now');
	assert.match(await summaryOf(phone), /This code does not work/);
	await checkAxe(phone);
	await phone.close();
	await staff.close();
});
