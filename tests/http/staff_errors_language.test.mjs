// The staff pages' errors in the reader's language: each staff form, sent empty or with bad
// values, is refused with the NHS.UK error summary, and with the involve_lang cookie set to
// Polish or Urdu every message in it is the catalogue's, the form's own figures and names
// written into it ("Wpisz co najmniej 2 opcje"), not the English.  The same refusals through
// the API stay in English whatever Accept-Language says.  Which sentences the catalogue holds
// is read from po/, not restated here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { catalogue } from '../lib/catalogue.mjs';
import { orgWithStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { postForm, signIn, staffGet } from '../lib/staff.mjs';

const LANGS = ['pl', 'ur'];

let server;
let token;
let session;
let survey;
let consultation;

before(async () => {
	server = await startServer();
	({ token } = await orgWithStaff(server, { slug: 'blackpool', name: 'Blackpool',
		role: 'administrator' }));
	session = await signIn(server.url, 'o@example.org', STAFF_PASSWORD);
	const api = apiClient(server);
	let res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Our strategy', opens_at: '2030-01-01T09:00:00Z',
		pages: [{ key: 'p1', title: 'About you', questions: [
			{ key: 'who', type: 'single', text: 'Who are you?', options: ['Patient', 'Carer'] },
		] }],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	survey = await json(res);
	res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Grow our own', kind: 'consultation', pages: [{ key: 'p1', questions: [
			{ key: 'view', type: 'long_text', text: 'What do you think?' },
		] }],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	consultation = await json(res);
});

after(async () => {
	await server?.stop();
});

const unescaped = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
	.replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// The error summary's messages, in order.
function summaryOf(html) {
	const m = /<ul class="nhsuk-list nhsuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html);
	if (!m) return [];
	return [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)]
		.map((li) => unescaped(li[1].replace(/<[^>]*>/g, '').trim()));
}

// A form's fields as the page gives them (hidden ones with their values, the others empty),
// from the first form that posts to `action`.
function fieldsOf(html, action) {
	const forms = [...html.matchAll(/<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
	const form = forms.find((f) => unescaped(f[1]).split('?')[0] === action);
	assert.ok(form, `a form posts to ${action}`);
	const fields = {};
	for (const input of form[2].matchAll(/<input\b[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(input[0])?.[1];
		const type = /type="([^"]*)"/.exec(input[0])?.[1] ?? 'text';
		if (!name || type === 'radio' || type === 'checkbox' || type === 'file') continue;
		fields[name] = type === 'hidden' ? unescaped(/value="([^"]*)"/.exec(input[0])?.[1] ?? '') : '';
	}
	for (const area of form[2].matchAll(/<textarea\b[^>]*name="([^"]*)"/g)) fields[area[1]] = '';
	return fields;
}

// Sends the form at `page` (its action `action`) with `values` over what it holds, in lang
// (undefined: English); resolves the summary's messages.
async function refusal(page, action, values, lang) {
	const cookie = session.cookie + (lang ? `; involve_lang=${lang}` : '');
	const form = await staffGet(server.url, page, cookie);
	assert.equal(form.status, 200, `${page}: ${form.status}`);
	const fields = { ...fieldsOf(await form.text(), action), csrf: session.csrf, ...values };
	const res = await postForm(server.url, action, fields, { cookie });
	const html = await res.text();
	assert.equal(res.status, 422, `${action} in ${lang ?? 'en'}: ${res.status}`);
	return summaryOf(html);
}

// Each case: the form's page, where it posts, the values sent.
const CASES = () => [
	['a poll with nothing filled in', '/staff/polls/new', '/staff/polls', {}],
	['a poll with one option and no 31 February', '/staff/polls/new', '/staff/polls',
		{ question: 'Are you happy with your pharmacy?', option: 'Yes', 'opens_at-day': '31',
			'opens_at-month': '2', 'opens_at-year': '2030', 'opens_at-hour': '9',
			'opens_at-minute': '0' }],
	['a survey without a title', '/staff/surveys/new', '/staff/surveys', {}],
	['a question whose range is upside down',
		`/staff/surveys/${survey.id}/pages/1/questions/new?type=number`,
		`/staff/surveys/${survey.id}/pages/1/questions`,
		{ type: 'number', key: 'visits', text: 'How many visits?', min: '10', max: '1' }],
	['a question with a key that is not one',
		`/staff/surveys/${survey.id}/pages/1/questions/new?type=single`,
		`/staff/surveys/${survey.id}/pages/1/questions`,
		{ type: 'single', key: '1 bad key', text: 'Which?', options: 'A\nA' }],
	['a consultation without a title', '/staff/consultations', '/staff/consultations', {}],
	['a consultation document without a title',
		`/staff/consultations/${consultation.id}/documents/new`,
		`/staff/consultations/${consultation.id}/documents`, {}],
	['an outcome with nothing filled in', '/staff/outcomes/new', '/staff/outcomes', {}],
	['an assessment with nothing filled in', '/staff/assessments/new', '/staff/assessments', {}],
	['settings out of range', '/staff/settings', '/staff/settings',
		{ suppress_below: '0' }],
];

test('each staff form refused with bad input shows its errors in English by default', async () => {
	for (const [what, page, action, values] of CASES()) {
		const en = await refusal(page, action, values);
		assert.ok(en.length > 0, `${what}: the summary lists the errors`);
	}
});

for (const lang of LANGS) {
	test(`every message of those refusals is the catalogue's ${lang} sentence`, async () => {
		const c = catalogue(lang);
		const untranslated = [];
		for (const [what, page, action, values] of CASES()) {
			const en = await refusal(page, action, values);
			const shown = await refusal(page, action, values, lang);
			assert.equal(shown.length, en.length, `${what}: as many errors in ${lang} as in English`);
			shown.forEach((message, i) => {
				assert.ok(message.length > 0, `${what}: message ${i} says something`);
				if (message === en[i]) untranslated.push(`${what}: ${en[i]}`);
				// A message without values in it is the catalogue's sentence itself.
				else if (c.has(en[i])) assert.equal(message, c.text(en[i]), `${what}: ${en[i]}`);
			});
		}
		assert.deepEqual(untranslated, [], `messages still in English on ${lang} pages`);
	});
}

test('a poll\'s figures go into the Polish sentence', async () => {
	const pl = catalogue('pl');
	const shown = await refusal('/staff/polls/new', '/staff/polls', {
		question: 'Are you happy with your pharmacy?', option: 'Yes',
	}, 'pl');
	assert.ok(pl.has('Enter at least %d options'), 'the catalogue translates the message');
	const sentence = pl.text('Enter at least %d options').replace('%d', '2');
	assert.ok(shown.includes(sentence), `${JSON.stringify(shown)} holds "${sentence}"`);
});

test('the API answers the same mistakes in English, whatever Accept-Language says', async () => {
	const api = apiClient(server);
	const res = await api('POST', '/api/v1/polls', { auth: token,
		headers: { 'Accept-Language': 'pl', Cookie: 'involve_lang=pl' },
		body: { question: 'Are you happy with your pharmacy?', options: ['Yes'] } });
	assert.equal(res.status, 422);
	const problem = await json(res);
	assert.ok(problem.errors.some((e) => e.detail === 'Enter at least 2 options'),
		JSON.stringify(problem.errors));
});
