// An engagement officer builds and runs a survey in the staff pages, in Chromium with JavaScript
// off: creates it, adds pages and questions of several types (single choice with "Other", a
// rating, a grid, a date, a number), a skip rule and a question shown only on a condition,
// previews it, opens it; a member of the public answers it; the officer keys in a paper
// response, corrects it and reads the results.  Every form refuses bad input with the NHS.UK
// error summary whose links lead to the field: an empty question, options that repeat, a
// lowest above the highest, a rule to a page that does not exist (posted by hand: the form
// cannot offer one), a change made from a page someone else's change has overtaken, and
// removing a question once the survey has responses.  axe (WCAG 2.2 AA) checks every page.
//
// The tests run in order and share one survey.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { sqlOf } from '../lib/database.mjs';
import { STAFF_PASSWORD, orgWithStaff } from '../lib/fixtures.mjs';
import { shared } from '../lib/limesurvey.mjs';
import { startServer } from '../lib/server.mjs';

const OFFICER = 'officer@example.org';
const TITLE = 'Your say on our services';

let server;
let browser;
let token;
let api;
let staff;         // the officer's page, signed in
let surveyId;
let builder;       // the survey's staff page

before(async () => {
	server = await startServer();
	api = apiClient(server);
	({ token } = await orgWithStaff(server, { slug: 'blackpool', name: 'Blackpool Teaching Hospitals',
		email: OFFICER, role: 'administrator' }));
	// An administrator sees every count and may download the responses (small counts hidden
	// from other roles, and their downloads refused, are tests/http/api_surveys.test.mjs's).
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

// ---- helpers ----------------------------------------------------------------------------

const openPage = (options = {}) => newPage(browser, { javaScriptEnabled: false, ...options });

const pathOf = (page) => new URL(page.url()).pathname;

// Clicks what `target` finds and resolves the response the navigation it starts ends with.
async function press(page, target) {
	const [res] = await Promise.all([page.waitForNavigation(), target.click()]);
	return res;
}

const pressButton = (page, name) => press(page, page.getByRole('button', { name, exact: true }));
const pressLink = (page, name) => press(page, page.getByRole('link', { name, exact: true }));

async function visit(page, path) {
	const res = await page.goto(server.url + path);
	await checkAxe(page);
	return res;
}

// The error summary's text, after checking what comes with one: the title starts "Error: "
// and each link leads to something on the page.
async function errorSummary(page) {
	const summary = page.locator('.nhsuk-error-summary');
	assert.equal(await summary.count(), 1, `an error summary on ${page.url()}`);
	assert.match(await page.title(), /^Error: /);
	const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
	for (const href of links) {
		assert.match(href, /^#./, 'the summary links within the page');
		assert.equal(await page.locator(href).count(), 1, `${href} leads to a field on ${page.url()}`);
	}
	await checkAxe(page);
	return summary.innerText();
}

// The summary's link that says `text` leads to field `id`.
async function linksTo(page, text, id) {
	const link = page.locator('.nhsuk-error-summary a', { hasText: text });
	assert.equal(await link.count() > 0, true, `a link saying ${text}`);
	assert.equal(await link.first().getAttribute('href'), `#${id}`);
}

async function noError(page) {
	assert.equal(await page.locator('.nhsuk-error-summary').count(), 0,
		await page.locator('main').innerText());
}

// Chooses the type on the type's page and goes on to the question's form.
async function chooseType(page, label) {
	await checkAxe(page);
	await page.getByLabel(label, { exact: true }).check();
	await pressButton(page, 'Continue');
	await checkAxe(page);
}

async function saveQuestion(page) {
	const res = await pressButton(page, 'Save question');
	return res;
}

async function toBuilder(page) {
	const res = await page.goto(`${server.url}/staff/surveys/${surveyId}`);
	assert.equal(res.status(), 200);
	await checkAxe(page);
}

// The builder's link in the block of page `n` saying `text`.
function pageLink(page, text) {
	return page.getByRole('link', { name: text, exact: true });
}

async function results() {
	return json(await api('GET', `/api/v1/surveys/${surveyId}/results`, { auth: token }));
}

// ---- the tests ----------------------------------------------------------------------------

test('an officer signs in and creates a survey, with errors first', async () => {
	staff = await openPage();
	await visit(staff, '/staff/login');
	await staff.getByLabel('Email address').fill(OFFICER);
	await staff.getByLabel('Password').fill(STAFF_PASSWORD);
	await pressButton(staff, 'Sign in');
	assert.equal(pathOf(staff), '/staff/');
	await checkAxe(staff);

	await pressLink(staff, "Your organisation's surveys");
	assert.equal(pathOf(staff), '/staff/surveys');
	assert.match(await staff.locator('main').innerText(), /There are no surveys yet/);
	await checkAxe(staff);
	// A link that looks like a button, as the poll's is.
	await press(staff, staff.getByRole('button', { name: 'Create a survey' }));
	await checkAxe(staff);

	// Nothing filled in: the title and the introduction are asked for.
	let res = await pressButton(staff, 'Create survey');
	assert.equal(res.status(), 422);
	let said = await errorSummary(staff);
	assert.match(said, /Enter the title/);
	await linksTo(staff, 'Enter the title', 'title');
	await linksTo(staff, 'Enter the information', 'intro');

	await staff.getByLabel('Title').fill(TITLE);
	await staff.getByLabel('Introduction').fill('Tell us what you think of our services.\n\nIt takes about 3 minutes.');
	res = await pressButton(staff, 'Create survey');
	assert.equal(res.status(), 200);
	assert.match(pathOf(staff), /^\/staff\/surveys\/\d+$/);
	surveyId = pathOf(staff).split('/').pop();
	const main = await staff.locator('main').innerText();
	assert.match(main, /created as a draft/);
	assert.match(main, /Draft/);
	assert.match(main, /It takes about 3 minutes/);
	await checkAxe(staff);
	builder = staff.url().replace(/\?.*$/, '');
});

test('the officer adds questions of several types, refused until they are right', async () => {
	await toBuilder(staff);
	// A single choice with "Other", required.
	await pressLink(staff, 'Add a question to page 1');
	await chooseType(staff, 'Single choice');
	await staff.getByLabel('Options').fill('Yes\nNo\nYes');
	let res = await saveQuestion(staff);
	assert.equal(res.status(), 422);
	let said = await errorSummary(staff);
	assert.match(said, /Enter the question/);
	assert.match(said, /Two options have the value 'Yes'/);
	await linksTo(staff, 'Enter the question', 'text');
	await linksTo(staff, 'Two options', 'options');
	// What was typed is still there.
	assert.equal(await staff.getByLabel('Options').inputValue(), 'Yes\nNo\nYes');

	await staff.getByLabel('Question', { exact: true }).fill('Do you use our pharmacy?');
	await staff.getByLabel('Options').fill('Yes\nNo');
	await staff.getByLabel('Add "Other, please say", with a box to say what').check();
	await staff.getByLabel('An answer is required').check();
	await staff.getByLabel('Key').fill('pharmacy');
	res = await saveQuestion(staff);
	assert.equal(res.status(), 200);
	assert.equal(pathOf(staff), `/staff/surveys/${surveyId}`);
	await noError(staff);
	assert.match(await staff.locator('#question-pharmacy').innerText(), /Single choice, an answer is required/);
	await checkAxe(staff);

	// A rating.
	await pressLink(staff, 'Add a question to page 1');
	await chooseType(staff, 'Rating');
	await staff.getByLabel('Question', { exact: true }).fill('How well do we listen to you?');
	await staff.getByLabel('Help text (optional)').fill('1 is not at all, 5 is very well');
	await staff.getByLabel('Key').fill('listen');
	await saveQuestion(staff);
	await noError(staff);

	// A number whose lowest is above its highest.
	await pressLink(staff, 'Add a question to page 1');
	await chooseType(staff, 'Number');
	await staff.getByLabel('Question', { exact: true }).fill('How many times did you visit this year?');
	await staff.getByLabel('Lowest').fill('10');
	await staff.getByLabel('Highest').fill('0');
	res = await saveQuestion(staff);
	assert.equal(res.status(), 422);
	said = await errorSummary(staff);
	assert.match(said, /The maximum must not be less than the minimum/);
	await linksTo(staff, 'The maximum', 'max');
	await staff.getByLabel('Lowest').fill('0');
	await staff.getByLabel('Highest').fill('100');
	await staff.getByLabel('Key').fill('visits');
	await saveQuestion(staff);
	await noError(staff);

	// A new page with a grid, shown only to those who rate us above 2.
	await pressLink(staff, 'Add a page after page 1');
	await chooseType(staff, 'Grid');
	await staff.getByLabel('Title of the new page (optional)').fill('Our staff');
	await staff.getByLabel('Question', { exact: true }).fill('How much do you agree?');
	await staff.getByLabel('The answers on the scale').fill('Agree\nDisagree');
	await staff.getByLabel('Rows').fill('Staff were kind\nStaff explained things');
	await staff.getByLabel('Key').fill('staff');
	await staff.locator('#if_question').selectOption('listen');
	await staff.locator('#if_op').selectOption('greater_than');
	await staff.locator('#if_value').fill('2');
	res = await saveQuestion(staff);
	assert.equal(res.status(), 200);
	await noError(staff);
	assert.match(await staff.locator('#question-staff').innerText(), /Shown only if listen is more than 2/);

	// A last page with a date.
	await pressLink(staff, 'Add a page after page 2');
	await chooseType(staff, 'Date');
	await staff.getByLabel('Title of the new page (optional)').fill('Anything else');
	await staff.getByLabel('Question', { exact: true }).fill('When did you last visit us?');
	await staff.getByLabel('Key').fill('visit');
	await saveQuestion(staff);
	await noError(staff);
	await checkAxe(staff);
});

test('a skip rule: those who do not use the pharmacy go to the last page', async () => {
	await toBuilder(staff);
	await pressLink(staff, 'Change page 1: its title and skip rules');
	await checkAxe(staff);
	await staff.getByLabel('Title (optional)').fill('About you');
	await staff.locator('#rule-0-question').selectOption('pharmacy');
	await staff.locator('#rule-0-op').selectOption('equals');
	await staff.locator('#rule-0-value').fill('No');
	// A rule may only go forward: the form offers only later pages.
	const offered = await staff.locator('#rule-0-go_to option').evaluateAll((os) => os.map((o) => o.value));
	assert.deepEqual(offered, ['', 'p2', 'p3', 'end']);
	await staff.locator('#rule-0-go_to').selectOption('p3');
	// Another row, without saving, keeps what was chosen.
	await pressButton(staff, 'Add another rule');
	assert.equal(await staff.locator('#rule-0-value').inputValue(), 'No');
	assert.equal(await staff.locator('#rule-1-go_to').count(), 1);
	await checkAxe(staff);
	let res = await pressButton(staff, 'Save page');
	assert.equal(res.status(), 200);
	await noError(staff);
	assert.match(await staff.locator('main').innerText(), /If pharmacy is No, go to page 3 \(Anything else\)/);

	// A rule to a page that does not exist cannot be chosen; sent anyway, it is refused on
	// its row.
	await pressLink(staff, 'Change page 1: its title and skip rules');
	const form = await staff.locator('form[action$="/pages/1"]');
	const fields = new URLSearchParams();
	fields.append('csrf', await form.locator('input[name=csrf]').inputValue());
	fields.append('version', await form.locator('input[name=version]').inputValue());
	fields.append('title', 'About you');
	for (const [name, value] of [['rule_question', 'pharmacy'], ['rule_op', 'equals'],
		['rule_value', 'No'], ['rule_go_to', 'nowhere']]) fields.append(name, value);
	const cookie = (await staff.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
	const posted = await fetch(`${server.url}/staff/surveys/${surveyId}/pages/1`, {
		method: 'POST', redirect: 'manual', body: fields.toString(),
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
	});
	assert.equal(posted.status, 422);
	const html = await posted.text();
	assert.match(html, /nhsuk-error-summary/);
	assert.match(html, /<a href="#rule-0-go_to">There is no page &#39;nowhere&#39; to go to<\/a>/);
	assert.match(html, /id="rule-0-go_to-error"/);
	await checkAxe(staff);
});

test('a change made from a page someone else has overtaken is not saved over theirs', async () => {
	await toBuilder(staff);
	const other = await staff.context().newPage();
	await Promise.all([staff.waitForNavigation(),
		staff.locator('#question-pharmacy').getByRole('link', { name: /Change/ }).click()]);
	await checkAxe(staff);

	// Meanwhile, in another tab, the page's title changes.
	await other.goto(`${server.url}/staff/surveys/${surveyId}/pages/1`);
	await other.getByLabel('Title (optional)').fill('About you and us');
	await pressButton(other, 'Save page');
	await other.close();

	await staff.getByLabel('Help text (optional)').fill('Any pharmacy of ours');
	let res = await saveQuestion(staff);
	assert.equal(res.status(), 409);
	const said = await errorSummary(staff);
	assert.match(said, /Someone else changed this survey while you had this page open/);
	// Nothing was saved over the other change, and what was typed is kept.
	let survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.equal(survey.pages[0].title, 'About you and us');
	assert.equal(survey.pages[0].questions[1].help, '');
	assert.equal(await staff.getByLabel('Help text (optional)').inputValue(), 'Any pharmacy of ours');
	// Saving again, now knowing, makes the change.
	res = await saveQuestion(staff);
	assert.equal(res.status(), 200);
	await noError(staff);
	survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.equal(survey.pages[0].questions[1].help, 'Any pharmacy of ours');
	assert.equal(survey.pages[0].title, 'About you and us');
});

test('the officer previews the draft, moves a question and opens the survey', async () => {
	// The public does not see a draft.
	const outside = await openPage();
	let res = await outside.goto(`${server.url}/o/blackpool/surveys/${surveyId}`);
	assert.equal(res.status(), 404);

	await toBuilder(staff);
	await pressLink(staff, 'Preview the survey');
	await checkAxe(staff);
	let main = await staff.locator('main').innerText();
	assert.match(main, /This is a preview of page 1 of 3/);
	assert.match(main, /Do you use our pharmacy\?/);
	assert.match(main, /If you chose "Other", please say/);
	assert.match(main, /If pharmacy is No, go to page 3/);
	await press(staff, staff.locator('.nhsuk-pagination__link--next'));
	await checkAxe(staff);
	main = await staff.locator('main').innerText();
	assert.match(main, /Shown only if listen is more than 2/);
	assert.match(main, /Staff were kind/);

	// The number of visits goes down to its own place at the foot of page 1... and back.
	await toBuilder(staff);
	await press(staff, staff.getByRole('button', { name: 'Move up visits' }));
	await noError(staff);
	let survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.deepEqual(survey.pages[0].questions.map((q) => q.key), ['intro', 'pharmacy', 'visits', 'listen']);
	// The rating cannot go below the grid whose condition names it.
	await press(staff, staff.getByRole('button', { name: 'Move down listen' }));
	res = await press(staff, staff.getByRole('button', { name: 'Move down listen' }));
	assert.equal(res.status(), 422);
	const said = await errorSummary(staff);
	assert.match(said, /A condition can only be about a question that comes before it/);
	survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.deepEqual(survey.pages[0].questions.map((q) => q.key), ['intro', 'pharmacy', 'visits']);
	assert.deepEqual(survey.pages[1].questions.map((q) => q.key), ['listen', 'staff']);
	await press(staff, staff.getByRole('button', { name: 'Move up listen' }));
	survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.deepEqual(survey.pages[0].questions.map((q) => q.key), ['intro', 'pharmacy', 'visits', 'listen']);

	res = await pressButton(staff, 'Open now');
	assert.equal(res.status(), 200);
	assert.match(await staff.locator('main').innerText(), /The survey is open/);
	await checkAxe(staff);
	res = await outside.goto(`${server.url}/o/blackpool/surveys/${surveyId}`);
	assert.equal(res.status(), 200);
	await outside.context().close();
});

test('a member of the public answers it, following the skip rule and the condition', async () => {
	const page = await openPage({ viewport: { width: 320, height: 640 }, isMobile: true });
	await page.goto(`${server.url}/o/blackpool/surveys/${surveyId}`);
	await checkAxe(page);
	await pressButton(page, 'Start now');
	await checkAxe(page);
	await page.getByLabel('Yes', { exact: true }).check();
	await page.getByLabel('4', { exact: true }).check();
	await page.getByLabel('How many times did you visit this year? (optional)').fill('3');
	await pressButton(page, 'Continue');
	// Rated above 2: the grid's page.
	assert.match(pathOf(page), /\/p\/2$/);
	await checkAxe(page);
	await page.getByRole('group', { name: 'Staff were kind' }).getByLabel('Agree', { exact: true }).check();
	await page.getByRole('group', { name: 'Staff explained things' }).getByLabel('Disagree', { exact: true }).check();
	await pressButton(page, 'Continue');
	assert.match(pathOf(page), /\/p\/3$/);
	await page.getByLabel('Day', { exact: true }).fill('4');
	await page.getByLabel('Month', { exact: true }).fill('3');
	await page.getByLabel('Year', { exact: true }).fill('2026');
	await pressButton(page, 'Continue');
	assert.match(pathOf(page), /\/check$/);
	await checkAxe(page);
	await pressButton(page, 'Send response');
	assert.match(await page.locator('h1').innerText(), /Your response has been sent/);
	await page.context().close();
	const got = await results();
	assert.equal(got.responses, 1);
});

test('the officer keys in a paper response, refused where the skip rule passes over, then corrects it', async () => {
	await toBuilder(staff);
	await pressLink(staff, 'Key in a response from paper, a phone call or an event');
	await checkAxe(staff);
	// Everything on one page, under its page's heading.
	for (const heading of ['Page 1: About you and us', 'Page 2: Our staff', 'Page 3: Anything else'])
		assert.equal(await staff.getByRole('heading', { name: heading }).count(), 1, heading);

	// No channel, and the grid answered though "No" skips its page.
	await staff.getByLabel('No', { exact: true }).check();
	await staff.getByRole('group', { name: 'Staff were kind' }).getByLabel('Agree', { exact: true }).check();
	let res = await pressButton(staff, 'Save response');
	assert.equal(res.status(), 422);
	let said = await errorSummary(staff);
	assert.match(said, /Select how the response came/);
	assert.match(said, /skipped/);
	await linksTo(staff, 'Select how the response came', '_channel');
	await linksTo(staff, 'skipped', 'staff');
	// What was ticked is still ticked.
	assert.ok(await staff.getByLabel('No', { exact: true }).isChecked());

	// A radio cannot be unticked without script: the response is keyed in afresh.
	await staff.goto(`${server.url}/staff/surveys/${surveyId}/responses/new`);
	await staff.getByLabel('On paper').check();
	await staff.getByLabel('No', { exact: true }).check();
	await staff.getByLabel('2', { exact: true }).check();
	await staff.getByLabel('Day', { exact: true }).fill('1');
	await staff.getByLabel('Month', { exact: true }).fill('2');
	await staff.getByLabel('Year', { exact: true }).fill('2026');
	res = await pressButton(staff, 'Save response');
	assert.equal(res.status(), 200);
	assert.match(pathOf(staff), /\/responses$/);
	let main = await staff.locator('main').innerText();
	assert.match(main, /The response has been saved/);
	assert.match(main, /On paper/);
	await checkAxe(staff);
	let got = await results();
	assert.equal(got.responses, 2);
	assert.deepEqual(got.questions.find((q) => q.key === 'pharmacy').options.map((o) => o.count), [1, 1, 0]);

	// Correcting it: the rating was 3, not 2.
	await press(staff, staff.getByRole('link', { name: /^Correct/ }).first());
	await checkAxe(staff);
	assert.ok(await staff.getByLabel('2', { exact: true }).isChecked(), 'the form shows the answers given');
	await staff.getByLabel('3', { exact: true }).check();
	res = await pressButton(staff, 'Save correction');
	assert.equal(res.status(), 200);
	assert.match(await staff.locator('main').innerText(), /recorded in the audit log/);
	got = await results();
	assert.equal(got.responses, 2);
	const listen = got.questions.find((q) => q.key === 'listen');
	assert.deepEqual(listen.options.map((o) => o.count), [0, 0, 1, 1, 0]);
	// Audited as the officer's, with what it was and what it is.
	const entry = sqlOf(server)("SELECT actor, detail FROM audit_entry WHERE action = 'response.correct'");
	assert.match(entry, new RegExp(`^${OFFICER}\\|`));
	assert.match(entry, /"old":.*\\"listen\\":2.*"new":.*\\"listen\\":3/);

	// The public's own response cannot be corrected.
	const first = await json(await api('GET', `/api/v1/surveys/${surveyId}/export?format=json`, { auth: token }));
	const online = first.responses.find((r) => r.channel === 'online');
	res = await staff.goto(`${server.url}/staff/surveys/${surveyId}/responses/${online.id}`);
	assert.equal(res.status(), 403);
	await checkAxe(staff);
});

test('the results show the counts, and removing an answered question is refused', async () => {
	await toBuilder(staff);
	await pressLink(staff, 'Results');
	await checkAxe(staff);
	const main = await staff.locator('main').innerText();
	assert.match(main, /Responses: 2/);
	const pharmacy = staff.locator('#result-pharmacy');
	assert.match(await pharmacy.innerText(), /Yes\s+1\s+50\.0%/);
	assert.match(await pharmacy.innerText(), /No\s+1\s+50\.0%/);
	const staffGrid = await staff.locator('#result-staff').innerText();
	// Each row of the grid: a chart and its table (one said Agree, of one who answered).
	assert.match(staffGrid, /Staff were kind[\s\S]*Agree\s+1\s+100\.0%/);
	assert.match(await staff.locator('#result-listen').innerText(), /Average: 3\.5/);
	assert.match(await staff.locator('#result-visits').innerText(), /Average: 3\.0/);
	// The downloads are the API's.
	const href = await staff.getByRole('link', { name: 'CSV file' }).getAttribute('href');
	const cookie = (await staff.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
	const csv = await (await fetch(server.url + href, { headers: { Cookie: cookie } })).text();
	const api_csv = await (await api('GET', `/api/v1/surveys/${surveyId}/export?format=csv`, { auth: token })).text();
	assert.equal(csv, api_csv);
	assert.match(csv.split('\r\n')[0], /"pharmacy","pharmacy.other","visits","listen","staff.Staff were kind"/);

	// With responses, the number of visits cannot go.
	await toBuilder(staff);
	await press(staff, staff.locator('#question-visits').getByRole('link', { name: /Delete/ }));
	await checkAxe(staff);
	let res = await pressButton(staff, 'Delete question');
	assert.equal(res.status(), 409);
	let said = await errorSummary(staff);
	assert.match(said, /The survey has responses, so the question 'visits' cannot be removed/);
	let survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.deepEqual(survey.pages[0].questions.map((q) => q.key), ['intro', 'pharmacy', 'visits', 'listen']);
	// Nor the last page's only question, with it its page, which a rule goes to: the rule
	// would go nowhere, and the domain says where.
	await toBuilder(staff);
	await press(staff, staff.locator('#question-visit').getByRole('link', { name: /Delete/ }));
	assert.match(await staff.locator('main').innerText(), /the page is deleted too/);
	res = await pressButton(staff, 'Delete question');
	assert.equal(res.status(), 422);
	said = await errorSummary(staff);
	assert.match(said, /Page 1, rule 1: There is no page 'p3' to go to/);
	survey = await json(await api('GET', `/api/v1/surveys/${surveyId}`, { auth: token }));
	assert.equal(survey.pages.length, 3);

	// The pages not yet seen pass axe too: the settings, the confirmation before deleting a
	// page or the survey, and the type's page sent without a type.
	for (const path of ['/details', '/pages/2/delete', '/delete'])
		assert.equal((await visit(staff, `/staff/surveys/${surveyId}${path}`)).status(), 200, path);
	assert.match(await staff.locator('main').innerText(), /its 2 responses and its results/);
	await visit(staff, `/staff/surveys/${surveyId}/pages/2/questions/new`);
	res = await pressButton(staff, 'Continue');
	assert.equal(res.status(), 422);
	await linksTo(staff, 'Select the type of question', 'type');
	await errorSummary(staff);

	// Its version history has every change.
	await toBuilder(staff);
	await pressLink(staff, 'version history');
	await checkAxe(staff);
	assert.match(await staff.locator('tbody').innerText(), new RegExp(OFFICER));
	assert.deepEqual(staff.consoleErrors, []);
	await staff.context().close();
});

test('an officer brings a survey across from LimeSurvey: the file, its report, the draft', async () => {
	const page = await openPage();
	await visit(page, '/staff/login');
	await page.getByLabel('Email address').fill(OFFICER);
	await page.getByLabel('Password').fill(STAFF_PASSWORD);
	await pressButton(page, 'Sign in');
	await visit(page, '/staff/surveys');
	await press(page, page.getByRole('button', { name: 'Import from LimeSurvey' }));
	assert.equal(pathOf(page), '/staff/surveys/import');
	await checkAxe(page);

	// No file chosen: the summary leads to the file input.
	let res = await pressButton(page, 'Check the file');
	assert.equal(res.status(), 422);
	await linksTo(page, 'Choose a LimeSurvey survey structure file', 'file');
	await errorSummary(page);

	const file = shared('limesurvey_survey_allinoneCondition.lss');
	await page.getByLabel('LimeSurvey file').setInputFiles(file);
	res = await pressButton(page, 'Check the file');
	assert.equal(res.status(), 200);
	await noError(page);
	await checkAxe(page);
	const main = await page.locator('main').innerText();
	assert.match(main, /Nothing has been made yet/);
	assert.match(main, /Shown when: /);

	res = await pressButton(page, 'Create the draft survey');
	assert.equal(res.status(), 200);
	assert.match(pathOf(page), /^\/staff\/surveys\/\d+$/);
	await checkAxe(page);
	assert.match(await page.locator('main').innerText(),
		/The survey has been imported from LimeSurvey as a draft/);
	assert.deepEqual(page.consoleErrors, []);
	await page.context().close();
});
