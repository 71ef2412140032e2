// A respondent's errors in their own language, values and all: an answer out of range, a date
// too early, too many options chosen, text too long, each refused on the page in Urdu and in
// Polish with the catalogue's sentence and the survey's own figures in it ("Wpisz liczbę od 0
// do 10"), as the page's other words are; in English without a choice; and the API's problem
// details in English whatever Accept-Language says.  What the sentences say is read from the
// committed catalogues (po/), not restated here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { catalogue } from '../lib/catalogue.mjs';
import { orgWithStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const LONG_TEXT_MAX = 10000; // SURVEY_ANSWER_LONG_TEXT_MAX_CHARS
const OTHER_MAX = 500;       // SURVEY_OTHER_MAX_CHARS

const QUESTIONS = [
	{ key: 'count', type: 'number', text: 'How many times did you visit?', min: 0, max: 10 },
	{ key: 'least', type: 'number', text: 'How many nights did you stay?', min: 5 },
	{ key: 'many', type: 'multiple', text: 'Which two matter most?', max: 2,
		options: ['Grow our own', 'Health inequalities', 'Investing in our community'] },
	{ key: 'when', type: 'date', text: 'When did you last visit us?', min: '2026-01-01' },
	{ key: 'more', type: 'long_text', text: 'Is there anything else you want to tell us?' },
	{ key: 'who', type: 'single', text: 'Who are you?',
		options: ['A patient', { value: 'other', label: 'Someone else', other: true }] },
];

let server;
let survey;
let token;

before(async () => {
	server = await startServer();
	({ token } = await orgWithStaff(server, { slug: 'blackpool', name: 'Blackpool' }));
	const res = await apiClient(server)('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Tell us about your visit', pages: [{ key: 'p1', title: '', questions: QUESTIONS }],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	survey = await json(res);
});

after(async () => {
	await server?.stop();
});

// printf's conversions as the messages use them, each taking the next value.
function format(fmt, ...values) {
	let i = 0;
	return fmt.replace(/%(\.\*s|zu|[cdgs%])/g, (conv) => {
		if (conv === '%%') return '%';
		if (conv === '%.*s') {
			const [n, s] = [values[i++], values[i++]];
			return s.slice(0, n);
		}
		return String(values[i++]);
	});
}

// A message's label goes in with its first letter upper-case, when it is ASCII.
const capital = (s) => (/^[a-z]/.test(s) ? s[0].toUpperCase() + s.slice(1) : s);

const escaped = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
	.replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// What each question's refusal says in the catalogue c.
function expected(c) {
	const answer = c.text('your answer');
	const other = c.text("what 'other' is");
	return {
		count: format(c.text('Enter a number from %g to %g'), 0, 10),
		least: format(c.text('Enter a number of %g or more'), 5),
		many: format(c.plural('Choose at most %d option', 'Choose at most %d options', 2), 2),
		when: format(c.text('The date must be on or after %.*s'), 10, '2026-01-01'),
		more: format(c.text('%c%s must be %zu characters or fewer'), capital(answer)[0],
			capital(answer).slice(1), LONG_TEXT_MAX),
		who: format(c.text('%c%s must be %zu characters or fewer'), capital(other)[0],
			capital(other).slice(1), OTHER_MAX),
	};
}

const BAD_ANSWERS = new URLSearchParams([
	['count', '11'], ['least', '1'],
	['many', 'Grow our own'], ['many', 'Health inequalities'], ['many', 'Investing in our community'],
	['when-day', '31'], ['when-month', '12'], ['when-year', '2025'],
	['more', 'x'.repeat(LONG_TEXT_MAX + 1)],
	['who', 'other'], ['who.other', 'y'.repeat(OTHER_MAX + 1)],
]).toString();

// Starts a response in lang (none: no choice made) and sends its page the bad answers.
async function refusedPage(lang) {
	const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
	if (lang) headers.Cookie = `involve_lang=${lang}`;
	const base = `/o/blackpool/surveys/${survey.id}`;
	const started = await fetch(server.url + base, {
		method: 'POST', body: '', redirect: 'manual', headers,
	});
	assert.equal(started.status, 303, 'Start now');
	const cookie = [headers.Cookie, ...started.headers.getSetCookie().map((c) => c.split(';')[0])]
		.filter(Boolean).join('; ');
	// The response's private link, which leads on to its first page.
	const link = new URL(started.headers.get('location'), server.url).pathname;
	const resumed = await fetch(server.url + link, {
		redirect: 'manual', headers: { Cookie: cookie },
	});
	assert.equal(resumed.status, 303, 'the link leads to the first page');
	const first = new URL(resumed.headers.get('location'), server.url).pathname;
	const res = await fetch(server.url + first, {
		method: 'POST', body: BAD_ANSWERS, redirect: 'manual', headers: { ...headers, Cookie: cookie },
	});
	return { status: res.status, html: await res.text() };
}

for (const lang of ['ur', 'pl']) {
	test(`a respondent's errors with their values, in ${lang}`, async () => {
		const c = catalogue(lang);
		const want = expected(c);
		for (const msgid of ['Enter a number from %g to %g', 'The date must be on or after %.*s',
			'%c%s must be %zu characters or fewer', 'your answer']) {
			assert.ok(c.has(msgid) && c.text(msgid) !== msgid, `${lang} translates ${msgid}`);
		}
		const { status, html } = await refusedPage(lang);
		assert.equal(status, 422);
		assert.match(html, new RegExp(`<html lang="${lang}"`));
		for (const [key, text] of Object.entries(want)) {
			// In the summary and beside the question both.
			const n = html.split(escaped(text)).length - 1;
			assert.ok(n >= 2, `${key}: ${JSON.stringify(text)} shown ${n} times`);
		}
		// Nothing of the English sentences is left.
		for (const english of Object.values(expected(catalogue('en')))) {
			assert.ok(!html.includes(escaped(english)), `no English: ${english}`);
		}
	});
}

test('without a choice of language the same errors are in English', async () => {
	const { status, html } = await refusedPage(null);
	assert.equal(status, 422);
	const want = expected(catalogue('en'));
	assert.equal(want.count, 'Enter a number from 0 to 10');
	assert.equal(want.many, 'Choose at most 2 options');
	assert.equal(want.more, 'Your answer must be 10000 characters or fewer');
	for (const [key, text] of Object.entries(want)) {
		assert.ok(html.includes(escaped(text)), `${key}: ${text}`);
	}
});

test("the API's problem details stay in English whatever Accept-Language says", async () => {
	const res = await fetch(`${server.url}/api/v1/surveys/${survey.id}/responses`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'Accept-Language': 'pl' },
		body: JSON.stringify({ answers: { count: 11, more: 'x'.repeat(LONG_TEXT_MAX + 1) } }),
	});
	assert.equal(res.status, 422);
	const problem = await res.json();
	const detail = (field) => problem.errors.find((e) => e.field === field)?.detail;
	assert.equal(detail('count'), 'Enter a number from 0 to 10');
	assert.equal(detail('more'), 'Your answer must be 10000 characters or fewer');
});
