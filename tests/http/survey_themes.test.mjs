// A survey's free text read by the theme classifier (`involve serve --themes-model`), with a
// model trained by `involve themes train` on the real labelled feedback (NEAS, beside the
// repository in ../shared/data/feedback/): responses are answered at once and read after, off
// their path; GET /api/v1/surveys/{id}/themes then gives each free-text question's comments,
// themes with counts and examples, sentiments, comments in another language (not classified)
// and comments holding identifying details (never an example).  Small counts are hidden from
// an engagement officer, shown to an analyst.  Without a model nothing is read; a model file
// that is not one stops the server at start.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { runInvolve } from '../lib/commands.mjs';
import { createOrg, makeStaff } from '../lib/fixtures.mjs';
import { makeDataDir, ROOT, runCli, startServer } from '../lib/server.mjs';

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
		assert.equal(r.code, 1);
		assert.match(r.stderr, /--themes-model .*bad\.bin: /);
		const missing = await runCli(makeDataDir(), ['serve', '--listen', '127.0.0.1:1', '--themes-model',
			path.join(dir, 'nowhere.bin')]);
		assert.equal(missing.code, 1);
		assert.match(missing.stderr, /--themes-model /);
	});
});
