// Consultations and the duty to involve in Chromium with JavaScript off, every page checked
// with axe-core (WCAG 2.2 AA): an engagement officer starts a consultation, is refused opening
// it until the fair-consultation checklist is recorded (the error summary leads to each missing
// item), records it, adds, reorders, changes and deletes documents, opens it; a member of the
// public on a phone reads where it is up to, its documents and their easy read versions; the
// officer closes it and starts analysing; then records an assessment of the duty to involve,
// links the consultation and reads the evidence trail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;
let api;
let token;

const OFF = { javaScriptEnabled: false };
const PHONE = { viewport: { width: 320, height: 640 }, javaScriptEnabled: false, isMobile: true };
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

before(async () => {
	server = await startServer();
	api = apiClient(server);
	await createOrg(server, 'blackpool', 'Blackpool Teaching Hospitals');
	({ token } = await makeStaff(server, { org: 'blackpool', email: 'officer@example.org',
		role: 'engagement_officer' }));
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

const pathOf = (page) => new URL(page.url()).pathname;

async function fitsWidth(page) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
}

// Presses a button and waits for the page it leads to.
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

test('an officer runs a consultation, and the public follows it on a phone', async () => {
	const staff = await newPage(browser, OFF);
	await signIn(staff);
	await staff.getByRole('link', { name: 'Consultations', exact: true }).click();
	assert.equal(pathOf(staff), '/staff/consultations');
	await checkAxe(staff);

	// Starting one: a title is needed.
	await press(staff, 'Start consultation');
	assert.match(await summaryOf(staff), /Enter the title/);
	await checkAxe(staff);
	await staff.getByLabel('Title of the consultation').fill('Our strategy 2022 to 2027');
	await press(staff, 'Start consultation');
	const base = pathOf(staff);
	assert.match(base, /^\/staff\/consultations\/\d+$/);
	const id = base.split('/').pop();
	assert.match(await staff.locator('main').innerText(), /started as a draft/);
	await checkAxe(staff);

	// Opening before the checklist: refused, each missing item in the summary.
	await press(staff, 'Open now');
	const refusal = await summaryOf(staff);
	for (const text of [/opens only once the fair-consultation checklist is recorded/,
		/formative stage/, /enough information/, /enough time/, /conscientiously considered/]) {
		assert.match(refusal, text);
	}
	await checkAxe(staff);

	// The checklist: a "no" needs a note.
	await staff.getByRole('link', { name: 'Record the checklist' }).click();
	await checkAxe(staff);
	await staff.locator('#formative').check();
	await staff.locator('#formative-note').fill('No option has been chosen yet.');
	await staff.locator('#information').check();
	await staff.locator('#time-2').check();
	await staff.locator('#consideration').check();
	await press(staff, 'Save checklist');
	assert.match(await summaryOf(staff), /Say why this is not met/);
	await checkAxe(staff);
	await staff.locator('#time-note').fill('Eight weeks over the summer: evening events added.');
	await press(staff, 'Save checklist');
	assert.equal(pathOf(staff), base);
	assert.match(await staff.locator('main').innerText(), /The checklist has been recorded/);

	// Documents: a bad one first, then three, reordered, changed, one deleted.
	await press(staff, 'Add a document');
	await checkAxe(staff);
	await press(staff, 'Add document');
	assert.match(await summaryOf(staff), /Enter the title[\s\S]*Enter the text/);
	await checkAxe(staff);
	const add = async (title, body, easy = '') => {
		await staff.goto(`${server.url}${base}/documents/new`);
		await staff.getByLabel('Title').fill(title);
		await staff.getByLabel('Text').fill(body);
		await staff.getByLabel('Easy read version (optional)').fill(easy);
		await press(staff, 'Add document');
		assert.equal(pathOf(staff), base);
	};
	await add('Costs', 'What it costs.');
	await add('Our strategy', '# Five years\n\n<script>alert(1)</script>\n\n' +
		'[Read more](javascript:alert(2)) on [NHS.UK](https://www.nhs.uk).',
	'## In short\n\nWe want to **grow our own** staff.');
	await add('Travel', 'Getting there.');
	await checkAxe(staff);
	await press(staff, 'Move up Our strategy');
	await press(staff, 'Move down Costs');
	const order = await staff.locator('#documents + p + ol > li > strong').allInnerTexts();
	assert.deepEqual(order, ['Our strategy', 'Travel', 'Costs']);
	await staff.getByRole('link', { name: 'Change Travel' }).click();
	await checkAxe(staff);
	await staff.getByLabel('Title').fill('Getting to the hospital');
	await press(staff, 'Save changes');
	await staff.getByRole('link', { name: 'Delete Costs' }).click();
	await checkAxe(staff);
	await press(staff, 'Delete document');
	assert.match(await summaryOf(staff), /Yes, delete this document/);
	await checkAxe(staff);
	await staff.getByLabel('Yes, delete this document and its files').check();
	await press(staff, 'Delete document');
	assert.match(await staff.locator('main').innerText(), /The document has been deleted/);
	assert.deepEqual(await staff.locator('#documents + p + ol > li > strong').allInnerTexts(),
		['Our strategy', 'Getting to the hospital']);

	// A file, through the API, shows on the page.
	const docs = await json(await api('GET', `/api/v1/surveys/${id}/documents`, { auth: token }));
	const strategy = docs.items[0];
	const up = await fetch(`${server.url}/api/v1/surveys/${id}/documents/${strategy.id}/attachments` +
		'?name=strategy.pdf', { method: 'POST', headers: { Authorization: `Bearer ${token}`,
		'Content-Type': 'application/pdf' }, body: PDF });
	assert.equal(up.status, 201);
	await press(staff, 'Open now');
	assert.match(await staff.locator('main').innerText(), /The consultation is open/);
	assert.match(await staff.locator('main').innerText(), /strategy\.pdf/);
	await checkAxe(staff);

	// The public, on a phone.
	const pub = await newPage(browser, PHONE);
	const publicBase = `/o/blackpool/surveys/${id}`;
	await pub.goto(server.url + publicBase);
	assert.equal(await pub.locator('h1').innerText(), 'Our strategy 2022 to 2027');
	const current = pub.locator('li[aria-current="step"]');
	assert.match(await current.innerText(), /Open[\s\S]*Current stage/);
	assert.match(await pub.locator('main').innerText(), /Read about the proposals/);
	await checkAxe(pub);
	await fitsWidth(pub);
	await pub.getByRole('link', { name: 'Our strategy', exact: true }).click();
	assert.equal(await pub.locator('h1').innerText(), 'Our strategy');
	assert.equal(await pub.locator('main script').count(), 0);
	assert.equal(await pub.locator('a[href^="javascript"]').count(), 0);
	assert.equal(await pub.getByRole('heading', { name: 'Five years' }).count(), 1);
	assert.match(await pub.locator('main').innerText(), /strategy\.pdf \(PDF, \d+ bytes\)/);
	await checkAxe(pub);
	await fitsWidth(pub);
	await pub.getByRole('link', { name: 'Read the easy read version of this document' }).click();
	assert.equal(await pub.locator('h1').innerText(), 'Our strategy (easy read)');
	assert.match(await pub.locator('main').innerText(), /We want to grow our own staff/);
	await checkAxe(pub);
	await fitsWidth(pub);

	// Closed, then analysing: the public sees each stage.
	await press(staff, 'Close now');
	await pub.goto(server.url + publicBase);
	assert.match(await current.innerText(), /Closed/);
	await press(staff, 'Start analysing');
	assert.match(await staff.locator('main').innerText(), /being analysed/);
	await checkAxe(staff);
	await pub.goto(server.url + publicBase);
	assert.match(await current.innerText(), /Analysing responses/);
	await checkAxe(pub);
	await pub.context().close();
	await staff.context().close();
});

test('an officer assesses the duty to involve and reads the evidence trail', async () => {
	const consultation = await json(await api('POST', '/api/v1/surveys', { auth: token, body: {
		kind: 'consultation', title: 'The walk-in centre',
		pages: [{ key: 'p', questions: [{ key: 'q', type: 'long_text', text: 'What do you think?' }] }],
	} }));
	const page = await newPage(browser, OFF);
	await signIn(page);
	await page.getByRole('link', { name: 'Duty to involve', exact: true }).click();
	assert.equal(pathOf(page), '/staff/assessments');
	await checkAxe(page);
	await press(page, 'Assess a proposed change');
	await checkAxe(page);

	// An empty form: every problem at once, each leading to its field.
	await page.getByLabel('Day').fill('40');
	await press(page, 'Save assessment');
	const problems = await summaryOf(page);
	for (const text of [/proposed change/, /what changes/, /who is affected/,
		/whether people must be involved/, /duty/]) {
		assert.match(problems, text);
	}
	await checkAxe(page);

	await page.getByLabel('Proposed change').fill('Moving the walk-in centre to the hospital site');
	await page.getByLabel('What changes').fill('The town centre walk-in centre moves to the hospital.');
	await page.getByLabel('Who is affected, and how').fill('People without a car; older people.');
	await page.getByLabel('Yes: people must be involved').check();
	await page.getByLabel('Formal consultation').check();
	await page.getByLabel('NHS Act 2006 s.14Z45 (integrated care boards)').check();
	await page.getByLabel('Equality Act 2010 s.149 (public sector equality duty)').check();
	await page.getByLabel('Day').fill('');
	await press(page, 'Save assessment');
	assert.match(pathOf(page), /^\/staff\/assessments\/\d+$/);
	assert.match(await page.locator('main').innerText(), /The assessment has been recorded/);
	await checkAxe(page);

	await page.getByLabel('Link a survey or consultation').selectOption(consultation.id);
	await press(page, 'Link survey');
	const trail = await page.locator('main').innerText();
	for (const text of [/1\. The proposal/, /2\. The assessment/, /3\. The engagements that followed/,
		/Consultation: The walk-in centre/, /\tDraft\t/, /4\. The decision/, /No decision has been recorded yet/]) {
		assert.match(trail, text);
	}
	await checkAxe(page);

	await page.getByRole('link', { name: 'Change the assessment or record the decision' }).click();
	await checkAxe(page);
	await page.getByLabel('Decision (optional until it is made)').fill('The centre moves, with a new bus route.');
	await page.getByLabel('Day').fill('15');
	await page.getByLabel('Month').fill('1');
	await page.getByLabel('Year').fill('2026');
	await page.getByLabel('Hour').fill('10');
	await page.getByLabel('Minute').fill('00');
	await press(page, 'Save changes');
	const decided = await page.locator('main').innerText();
	assert.match(decided, /The centre moves, with a new bus route\./);
	assert.match(decided, /15 January 2026/);
	await checkAxe(page);
	await press(page, 'Unlink The walk-in centre');
	assert.match(await page.locator('main').innerText(), /No engagement has been linked yet/);
	await page.context().close();
});
