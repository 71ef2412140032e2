// A survey's free text read by the theme classifier (`involve serve --themes-model`), with a
// model trained by `involve themes train` on the real labelled feedback (NEAS, beside the
// repository in ../shared/data/feedback/): responses are answered at once and read after, off
// their path; GET /api/v1/surveys/{id}/themes then gives each free-text question's comments,
// themes with counts and examples, sentiments, comments in another language (not classified)
// and comments holding identifying details (never an example).  Small counts are hidden from
// an engagement officer, shown to an analyst.  Without a model nothing is read; a model file
// that is not one stops the server at start.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { runInvolve } from '../lib/commands.mjs';
import { sqlOf } from '../lib/database.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { makeDataDir, ROOT, runCli, startServer } from '../lib/server.mjs';
import { postForm, signIn, staffGet } from '../lib/staff.mjs';

const NEAS = path.resolve(ROOT, '..', 'shared', 'data', 'feedback', 'neas_labelled_feedback.csv');
const TIMEOUT_MS = 300000; // training under the sanitizers, on a shared machine

let dir;
let model;
let server;
let api;
let analyst;
let officer;

const COMMENTS = [
	'The paramedics were kind and caring and explained everything to my mum. Thank you.',
	'Waited over six hours for an ambulance to arrive, far too long for an elderly man.',
	'The call handler was calm and reassuring and the crew arrived quickly.',
	'Bardzo dobra obsługa, miły i pomocny personel, dziękuję bardzo',
	'Please ring me back on 07700 900123 about my complaint.',
];

before(async () => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'involve-themes-'));
	model = path.join(dir, 'model.bin');
	const trained = await runInvolve(['themes', 'train', '--data', NEAS, '--model', model],
		{ timeout: TIMEOUT_MS });
	assert.equal(trained.code, 0, trained.stderr);
	server = await startServer({ args: ['--themes-model', model] });
	api = apiClient(server);
	await createOrg(server, 'neas', 'North East Ambulance Service');
	({ token: analyst } = await makeStaff(server, { org: 'neas', email: 'analyst@example.org',
		role: 'analyst' }));
	({ token: officer } = await makeStaff(server, { org: 'neas', email: 'officer@example.org',
		role: 'engagement_officer' }));
}, { timeout: TIMEOUT_MS });

after(async () => {
	await server?.stop();
});

async function makeSurvey() {
	const res = await api('POST', '/api/v1/surveys', { auth: officer, body: {
		title: 'Your ambulance journey',
		pages: [{ key: 'p1', questions: [
			{ key: 'fft', type: 'fft' },
			{ key: 'why', type: 'long_text', text: 'Why did you give that answer?' },
			{ key: 'town', type: 'text', text: 'Your town (optional)' },
		] }],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

async function answer(id, answers) {
	const res = await api('POST', `/api/v1/surveys/${id}/responses`, { body: { answers } });
	assert.equal(res.status, 201, await res.clone().text());
}

// The themes once the worker has read `want` comments of the question (it looks every 2 s).
async function themesOnce(id, auth, key, want) {
	for (let i = 0; i < 100; i++) {
		const res = await api('GET', `/api/v1/surveys/${id}/themes`, { auth });
		assert.equal(res.status, 200);
		const out = await json(res);
		const q = out.questions.find((x) => x.key === key);
		if (q && q.comments === want) return out;
		await new Promise((r) => setTimeout(r, 200));
	}
	assert.fail(`the worker did not read ${want} comments of ${key}`);
}

describe('free text read by the classifier', () => {
	test('comments are read after they are answered: themes, sentiment, language, details', async () => {
		const survey = await makeSurvey();
		for (const [i, why] of COMMENTS.entries())
			await answer(survey.id, { fft: i === 1 ? 'Very poor' : 'Very good', why, town: i ? '' : 'Durham' });
		// No free text at all, and only spaces: nothing to read.
		await answer(survey.id, { fft: 'Good' });
		await answer(survey.id, { fft: 'Good', why: '   ' });

		const out = await themesOnce(survey.id, analyst, 'why', COMMENTS.length);
		assert.equal(out.suppress_below, 0, 'an analyst sees every count');
		const why = out.questions.find((x) => x.key === 'why');
		assert.equal(why.text, 'Why did you give that answer?');
		assert.equal(why.other_language, 1, 'the Polish comment');
		assert.equal(why.identifying, 1, 'the phone number');
		const sentiments = Object.values(why.sentiment).reduce((a, b) => a + b, 0);
		assert.equal(sentiments, COMMENTS.length - 1, 'every English comment has a sentiment');
		assert.ok(why.themes.some((t) => t.examples.length > 0), 'themes found, with examples');
		for (const t of why.themes) {
			assert.equal(typeof t.name, 'string');
			assert.ok(t.count >= 1);
			assert.ok(t.examples.length <= 3);
			for (const e of t.examples) {
				assert.ok(COMMENTS.includes(e), e);
				assert.doesNotMatch(e, /07700/, 'a comment with identifying details is never an example');
				assert.doesNotMatch(e, /Bardzo/, 'another language is not classified');
			}
		}
		// The short text question: one comment, Durham.
		const town = out.questions.find((x) => x.key === 'town');
		assert.equal(town.comments, 1);
	});

	test('an "Other, please say" text is read as a comment on its question', async () => {
		const res = await api('POST', '/api/v1/surveys', { auth: officer, body: {
			title: 'How you found us', pages: [{ key: 'p1', questions: [
				{ key: 'how', type: 'single', text: 'How did you contact us?',
					options: ['999', '111', { value: 'other', label: 'Another way', other: true }] },
				{ key: 'fft', type: 'fft' },
			] }],
		} });
		assert.equal(res.status, 201, await res.clone().text());
		const survey = await json(res);
		const said = 'My neighbour flagged down the crew outside, they were very kind to us';
		let r = await api('POST', `/api/v1/surveys/${survey.id}/responses`,
			{ body: { answers: { how: 'other', fft: 'Very good' }, other: { how: said } } });
		assert.equal(r.status, 201, await r.clone().text());
		await answer(survey.id, { how: '999', fft: 'Good' });
		const out = await themesOnce(survey.id, analyst, 'how', 1);
		const how = out.questions.find((x) => x.key === 'how');
		assert.equal(how.text, 'How did you contact us?');
		assert.ok(how.themes.length > 0, 'classified');
		assert.ok(!out.questions.some((x) => x.key === 'fft'), 'no text, no entry');
		r = await api('GET', `/api/v1/surveys/${survey.id}/comments?question=how`, { auth: analyst });
		assert.equal(r.status, 200);
		const list = await json(r);
		assert.deepEqual(list.items.map((c) => c.comment), [said]);
		await expectProblem(await api('GET', `/api/v1/surveys/${survey.id}/comments?question=fft`,
			{ auth: analyst }), 404, 'question');
		// The staff pages: the results lead to the question's comments, and the page lists it.
		const who = await signIn(server.url, 'analyst@example.org', STAFF_PASSWORD);
		const results = await (await staffGet(server.url, `/staff/surveys/${survey.id}/results`,
			who.cookie)).text();
		assert.match(results, new RegExp(`<a href="/staff/surveys/${survey.id}/comments/how">Comments`));
		assert.doesNotMatch(results, new RegExp(`/staff/surveys/${survey.id}/comments/fft`));
		r = await staffGet(server.url, `/staff/surveys/${survey.id}/comments/how`, who.cookie);
		assert.equal(r.status, 200);
		assert.match(await r.text(), /My neighbour flagged down the crew/);
		r = await staffGet(server.url, `/staff/surveys/${survey.id}/comments/fft`, who.cookie);
		assert.equal(r.status, 404);
	});

	test('a survey with no free-text question is passed over without reading its responses', async () => {
		const res = await api('POST', '/api/v1/surveys', { auth: officer, body: {
			title: 'Just the question', pages: [{ key: 'p1', questions: [{ key: 'fft', type: 'fft' }] }],
		} });
		const survey = await json(res);
		for (let i = 0; i < 3; i++) await answer(survey.id, { fft: 'Good' });
		const q = sqlOf(server);
		const newest = q(`SELECT max(id) FROM survey_response WHERE survey_id = ${survey.id}`).trim();
		for (let i = 0; ; i++) {
			if (q(`SELECT comments_through FROM survey WHERE id = ${survey.id}`).trim() === newest) break;
			assert.ok(i < 100, 'the worker moves past its responses');
			await new Promise((r) => setTimeout(r, 200));
		}
		assert.equal(q(`SELECT count(*) FROM survey_comment WHERE survey_id = ${survey.id}`).trim(), '0');
	});

	test('a response begun before the worker read past it is read once it is submitted', async () => {
		const survey = await makeSurvey();
		const post = (to, fields) => fetch(`${server.url}${to}`, {
			method: 'POST', redirect: 'manual',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
			body: new URLSearchParams(fields).toString(),
		});
		// Begun on the survey's pages and left at "check your answers".
		let r = await post(`/o/neas/surveys/${survey.id}`, {});
		assert.equal(r.status, 303);
		const link = r.headers.get('location');
		r = await post(`${link}/p/1`, { fft: 'Good', why: COMMENTS[0], town: '' });
		assert.equal(r.status, 303, await r.text());
		// Someone else's comment, read while the first is still partial.
		await answer(survey.id, { fft: 'Very good', why: COMMENTS[2] });
		await themesOnce(survey.id, analyst, 'why', 1);
		r = await post(`${link}/check`, {});
		assert.equal(r.status, 303);
		await themesOnce(survey.id, analyst, 'why', 2);
	});

	test('small counts are hidden from an engagement officer', async () => {
		const survey = await makeSurvey();
		await answer(survey.id, { fft: 'Very good', why: COMMENTS[0] });
		await themesOnce(survey.id, analyst, 'why', 1);
		const out = await json(await api('GET', `/api/v1/surveys/${survey.id}/themes`, { auth: officer }));
		assert.equal(out.suppress_below, 10);
		const why = out.questions.find((x) => x.key === 'why');
		assert.equal(why.comments, null);
		assert.equal(why.suppressed, true);
		for (const t of why.themes) {
			assert.equal(t.count, null);
			assert.deepEqual(t.examples, []);
		}
	});

	test('another organisation\'s survey is not found; no token is refused', async () => {
		const survey = await makeSurvey();
		await createOrg(server, 'bury', 'NHS Bury');
		const { token } = await makeStaff(server, { org: 'bury', email: 'x@bury.example.org',
			role: 'analyst' });
		assert.equal((await api('GET', `/api/v1/surveys/${survey.id}/themes`, { auth: token })).status, 404);
		assert.equal((await api('GET', `/api/v1/surveys/${survey.id}/themes`)).status, 401);
	});
});

describe('reviewing comments', () => {
	let survey;
	let list;

	before(async () => {
		survey = await makeSurvey();
		for (const why of COMMENTS) await answer(survey.id, { fft: 'Good', why });
		await themesOnce(survey.id, analyst, 'why', COMMENTS.length);
		const res = await api('GET', `/api/v1/surveys/${survey.id}/comments?question=why`, { auth: analyst });
		assert.equal(res.status, 200);
		list = await json(res);
	});

	test('the API lists a question\'s comments with what was read in each', async () => {
		assert.equal(list.items.length, COMMENTS.length);
		assert.equal(list.next_cursor, null);
		const polish = list.items.find((c) => c.comment.startsWith('Bardzo'));
		assert.equal(polish.language, 'other');
		assert.deepEqual(polish.themes, []);
		assert.equal(polish.sentiment, 0);
		const phone = list.items.find((c) => c.comment.includes('07700'));
		assert.deepEqual(phone.identifying, ['phone']);
		for (const c of list.items) assert.equal(c.reviewed, false);
		// Paged.
		const page = await json(await api('GET', `/api/v1/surveys/${survey.id}/comments?question=why&limit=2`,
			{ auth: analyst }));
		assert.equal(page.items.length, 2);
		const next = await json(await api('GET', `/api/v1/surveys/${survey.id}/comments?question=why&limit=2&after=${page.next_cursor}`,
			{ auth: analyst }));
		assert.equal(next.items[0].response, list.items[2].response);
	});

	test('an analyst corrects a comment\'s themes and sentiment, through the API', async () => {
		const c = list.items[0];
		const themes = (await json(await api('GET', `/api/v1/surveys/${survey.id}/themes`, { auth: analyst })))
			.questions[0].themes.map((t) => t.name);
		const res = await api('PUT', `/api/v1/surveys/${survey.id}/comments/${c.response}/why`,
			{ auth: analyst, body: { themes: [themes[0]], sentiment: 2 } });
		assert.equal(res.status, 200, await res.clone().text());
		const got = await json(res);
		assert.deepEqual(got.themes, [themes[0]]);
		assert.equal(got.sentiment, 2);
		assert.equal(got.reviewed, true);
		// No themes at all is a review too.
		const none = await json(await api('PUT', `/api/v1/surveys/${survey.id}/comments/${c.response}/why`,
			{ auth: analyst, body: { themes: [], sentiment: 3 } }));
		assert.deepEqual(none.themes, []);
	});

	test('the API refuses a theme the model does not have, a sentiment out of range, no comment', async () => {
		const c = list.items[0];
		const path = `/api/v1/surveys/${survey.id}/comments/${c.response}/why`;
		await expectProblem(await api('PUT', path, { auth: analyst, body: { themes: ['Not a theme'], sentiment: 3 } }),
			422, 'themes');
		await expectProblem(await api('PUT', path, { auth: analyst, body: { themes: [], sentiment: 6 } }),
			422, 'sentiment');
		await expectProblem(await api('PUT', path, { auth: analyst, body: { themes: [] } }), 422, 'sentiment');
		await expectProblem(await api('PUT', path, { auth: analyst, body: { themes: 'x', sentiment: 3 } }),
			422, 'themes');
		await expectProblem(await api('PUT', `/api/v1/surveys/${survey.id}/comments/999999/why`,
			{ auth: analyst, body: { themes: [], sentiment: 3 } }), 404);
		await expectProblem(await api('PUT', `/api/v1/surveys/${survey.id}/comments/${c.response}/fft`,
			{ auth: analyst, body: { themes: [], sentiment: 3 } }), 404);
		await expectProblem(await api('GET', `/api/v1/surveys/${survey.id}/comments`, { auth: analyst }),
			422, 'question');
	});

	test('the staff pages list the comments and take a review, refusing bad input', async () => {
		const who = await signIn(server.url, 'analyst@example.org', STAFF_PASSWORD);
		let res = await staffGet(server.url, `/staff/surveys/${survey.id}/results`, who.cookie);
		let html = await res.text();
		assert.match(html, new RegExp(`<a href="/staff/surveys/${survey.id}/comments/why">Comments`));
		res = await staffGet(server.url, `/staff/surveys/${survey.id}/comments/why`, who.cookie);
		assert.equal(res.status, 200);
		html = await res.text();
		assert.match(html, /Bardzo dobra/);
		assert.match(html, /<h2>Themes<\/h2>\s*<table/);
		// An engagement officer sees the same page with small counts hidden.
		const officerSession = await signIn(server.url, 'officer@example.org', STAFF_PASSWORD);
		const hidden = await (await staffGet(server.url, `/staff/surveys/${survey.id}/comments/why`,
			officerSession.cookie)).text();
		assert.match(hidden, /fewer than 10/);
		assert.doesNotMatch(hidden, /&ldquo;/, 'a hidden theme shows no example');
		assert.match(html, /Not read: in another language/);
		assert.match(html, /Identifying details/);
		const c = list.items[1];
		const page = `/staff/surveys/${survey.id}/comments/why/${c.response}`;
		html = await (await staffGet(server.url, page, who.cookie)).text();
		assert.match(html, /<h1>[\s\S]*Review a comment/);
		const names = [...html.matchAll(/name="themes" type="checkbox" value="([^"]+)"/g)].map((m) => m[1]);
		assert.ok(names.length >= 10, 'the model\'s themes to choose from');
		// No sentiment chosen: the summary leads to the first radio.
		res = await postForm(server.url, page, { csrf: who.csrf }, { cookie: who.cookie });
		assert.equal(res.status, 422);
		html = await res.text();
		assert.match(html, /There is a problem/);
		assert.match(html, /<a href="#sentiment">/);
		assert.match(html, /id="sentiment"/);
		res = await fetch(server.url + page, { method: 'POST', redirect: 'manual', headers: {
			Cookie: who.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams([['csrf', who.csrf], ['themes', names[1].replace(/&amp;/g, '&')], ['sentiment', '4']]).toString() });
		assert.equal(res.status, 303, await res.clone().text());
		assert.equal(res.headers.get('location'), `/staff/surveys/${survey.id}/comments/why?done=reviewed#comment-${c.response}`);
		html = await (await staffGet(server.url, res.headers.get('location'), who.cookie)).text();
		assert.match(html, /Your review has been saved/);
		const after = await json(await api('GET', `/api/v1/surveys/${survey.id}/comments?question=why`, { auth: analyst }));
		const got = after.items.find((x) => x.response === c.response);
		assert.equal(got.reviewed, true);
		assert.equal(got.sentiment, 4);
		assert.deepEqual(got.themes, [names[1].replace(/&amp;/g, '&')]);
		// Without the form's token: refused, nothing changed.
		res = await postForm(server.url, page, { csrf: 'wrong', sentiment: '1' }, { cookie: who.cookie });
		assert.equal(res.status, 403);
	});
});

describe('involve themes export', () => {
	test('writes the reviewed comments in the training format, which themes train reads', async () => {
		const survey = await makeSurvey();
		for (const why of COMMENTS) await answer(survey.id, { fft: 'Good', why });
		await themesOnce(survey.id, analyst, 'why', COMMENTS.length);
		const { items } = await json(await api('GET', `/api/v1/surveys/${survey.id}/comments?question=why`,
			{ auth: analyst }));
		const names = (await json(await api('GET', `/api/v1/surveys/${survey.id}/themes`, { auth: analyst })))
			.questions[0].themes.map((t) => t.name);
		const reviewed = items.filter((c) => c.language === 'en').slice(0, 3);
		for (const [i, c] of reviewed.entries()) {
			const res = await api('PUT', `/api/v1/surveys/${survey.id}/comments/${c.response}/why`,
				{ auth: analyst, body: { themes: [names[i % names.length]], sentiment: i + 1 } });
			assert.equal(res.status, 200);
		}
		const file = path.join(dir, 'export.csv');
		const r = await server.cli(['themes', 'export', '--org', 'neas', '--output', file]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^Wrote \d+ comments with \d+ themes to /);
		const lines = readFileSync(file, 'utf8').trim().split('\r\n');
		assert.match(lines[0], /^Comment ID,FFT answer,Comment sentiment,"/);
		// Every comment reviewed in this file's organisation so far, these three among them.
		for (const c of reviewed)
			assert.ok(lines.some((l) => l.startsWith(`"S${survey.id}-R${c.response}-why","${c.comment.replace(/"/g, '""')}",`)), c.comment);
		assert.ok(!lines.some((l) => /Bardzo|07700/.test(l)), 'another language, unreviewed details: left out');

		// --all adds the model's own, still without the comment in Polish or the phone number.
		const all = path.join(dir, 'all.csv');
		assert.equal((await server.cli(['themes', 'export', '--org', 'neas', '--output', all, '--all'])).code, 0);
		const allLines = readFileSync(all, 'utf8').trim().split('\r\n');
		assert.ok(allLines.length > lines.length);
		assert.ok(!allLines.some((l) => /Bardzo|07700/.test(l)));

		// The file is one themes reads: predict with the model, and train from it.
		const out = path.join(dir, 'predicted.csv');
		const p = await runInvolve(['themes', 'predict', '--model', model, '--data', all, '--output', out]);
		assert.equal(p.code, 0, p.stderr);
		const t = await runInvolve(['themes', 'train', '--data', all, '--model', path.join(dir, 'again.bin'),
			'--tune-folds', '0'], { timeout: TIMEOUT_MS });
		assert.equal(t.code, 0, t.stderr);
	});

	test('refuses an unknown organisation and wrong usage', async () => {
		const r = await server.cli(['themes', 'export', '--org', 'nowhere', '--output', path.join(dir, 'x.csv')]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /nowhere/);
		const u = await server.cli(['themes', 'export', '--org', 'neas']);
		assert.equal(u.code, 2);
		assert.match(u.stderr, /--output/);
	});
});

describe('without a model, or with a bad one', () => {
	test('without --themes-model nothing is read', async () => {
		const plain = await startServer();
		try {
			const papi = apiClient(plain);
			await createOrg(plain, 'neas', 'North East Ambulance Service');
			const { token } = await makeStaff(plain, { org: 'neas', email: 'a@example.org',
				role: 'administrator' });
			const created = await json(await papi('POST', '/api/v1/surveys', { auth: token, body: {
				title: 'Plain', pages: [{ key: 'p1', questions: [{ key: 'why', type: 'long_text', text: 'Why?' }] }],
			} }));
			assert.equal((await papi('POST', `/api/v1/surveys/${created.id}/responses`,
				{ body: { answers: { why: COMMENTS[0] } } })).status, 201);
			await new Promise((r) => setTimeout(r, 2500));
			const out = await json(await papi('GET', `/api/v1/surveys/${created.id}/themes`, { auth: token }));
			assert.equal(out.questions[0].comments, 0);
			assert.deepEqual(out.questions[0].themes, []);
		} finally {
			await plain.stop();
		}
	});

	test('a model file that is not one stops the server at start, saying why', async () => {
		const bad = path.join(dir, 'bad.bin');
		writeFileSync(bad, 'not a model');
		const r = await runCli(makeDataDir(), ['serve', '--listen', '127.0.0.1:1', '--themes-model', bad]);
		assert.equal(r.code, 1, r.stderr);
		assert.match(r.stderr, /--themes-model .*bad\.bin: not a theme model file/);
		assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error/);
		const missing = await runCli(makeDataDir(), ['serve', '--listen', '127.0.0.1:1', '--themes-model',
			path.join(dir, 'nowhere.bin')]);
		assert.equal(missing.code, 1, missing.stderr);
		assert.match(missing.stderr, /--themes-model .*nowhere\.bin: cannot read/);
		assert.doesNotMatch(missing.stderr, /AddressSanitizer|runtime error/);
	});
});
