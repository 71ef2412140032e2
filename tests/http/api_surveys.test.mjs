// The surveys JSON API against the real server and a real SQLite file: building
// a survey, answering it along its skip logic, the results, cross-tabulations and
// exports, editing one that has responses, and every refusal the issue lists.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { makeStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let api;
let token;
let otherToken;
let viewerToken;
let analystToken;

async function setupOrg(slug, email, role = 'engagement_officer') {
	const r = await server.cli(['org', 'create', '--slug', slug, '--name', `NHS ${slug}`]);
	if (r.code !== 0 && !/already exists/.test(r.stderr)) throw new Error(r.stderr);
	return (await makeStaff(server, { org: slug, email, role })).token;
}

// Blackpool's strategy consultation, cut short: a question that decides the path, a
// condition on a rating, a grid, a multiple choice with "Other, please say".
const strategy = () => ({
	title: 'Our strategy: what matters most to you?',
	pages: [
		{
			key: 'about', title: 'About you',
			questions: [
				{ key: 'q1', type: 'single', text: 'Do you work for the trust?', required: true,
					options: ['Yes', 'No'] },
				{ key: 'q2', type: 'rating', text: 'How well do we listen?' },
				{ key: 'q3', type: 'text', text: 'What do we do well?',
					show_if: { question: 'q2', greater_than: 3 } },
			],
			next: [{ if: { question: 'q1', equals: 'No' }, go_to: 'else' }],
		},
		{
			key: 'staff', title: 'Working here',
			questions: [
				{ key: 'q4', type: 'grid', text: 'How much do you agree?', required: true,
					rows: ['I feel valued', { value: 'grow', label: 'I can grow here' }],
					options: ['Agree', 'Disagree'] },
				{ key: 'q5', type: 'multiple', text: 'Which priorities matter most?', max: 2,
					options: ['Grow our own', 'Investing in our community',
						{ value: 'other', label: 'Something else', other: true }] },
			],
		},
		{
			key: 'else', title: 'Anything else',
			questions: [
				{ key: 'q6', type: 'fft', required: true },
				{ key: 'q7', type: 'postcode', text: 'Your postcode' },
				{ key: 'q8', type: 'date', text: 'When did you last visit?', min: '2020-01-01' },
				{ key: 'q9', type: 'ranking', text: 'Rank these', options: ['a', 'b', 'c'] },
				{ key: 'q10', type: 'number', text: 'How many visits?', min: 0, max: 100 },
				{ key: 'q11', type: 'long_text', text: 'Anything else?' },
				{ key: 'thanks', type: 'info', text: 'Thank you for your time.' },
			],
		},
	],
	closes_at: null,
	who_can_answer: 'anyone',
});

async function createSurvey(overrides = {}, auth = token) {
	const res = await api('POST', '/api/v1/surveys', { auth, body: { ...strategy(), ...overrides } });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

async function respond(id, body, { cookie, auth } = {}) {
	const res = await api('POST', `/api/v1/surveys/${id}/responses`, { body, cookie, auth });
	const setCookie = res.headers.get('set-cookie');
	return { res, cookie: setCookie ? setCookie.split(';')[0] : cookie };
}

const staffAnswers = {
	answers: { q1: 'Yes', q2: 4, q3: 'Listening', q4: { 'I feel valued': 'Agree', grow: 'Disagree' },
		q5: ['Grow our own', 'other'], q6: 'Very good', q7: 'fy11na', q8: '2026-03-04',
		q9: ['c', 'a'], q10: 3 },
	other: { q5: 'Parking' },
};

before(async () => {
	server = await startServer();
	api = apiClient(server);
	token = await setupOrg('blackpool', 'officer@blackpool.example.org');
	otherToken = await setupOrg('bury', 'officer@bury.example.org');
	viewerToken = await setupOrg('blackpool', 'viewer@blackpool.example.org', 'viewer');
	analystToken = await setupOrg('blackpool', 'analyst@blackpool.example.org', 'analyst');
});

after(async () => {
	await server.stop();
});

describe('creating surveys', () => {
	test('a survey is created open, with string ids, option ids and values, and its url', async () => {
		const s = await createSurvey();
		assert.match(s.id, /^\d+$/);
		assert.equal(s.status, 'open');
		assert.equal(s.version, 1);
		assert.equal(s.responses, 0);
		assert.match(s.url, new RegExp(`/o/blackpool/surveys/${s.id}$`));
		const q1 = s.pages[0].questions[0];
		assert.deepEqual(q1.options.map((o) => o.value), ['Yes', 'No']);
		assert.deepEqual(q1.options.map((o) => o.label), ['Yes', 'No']);
		for (const o of q1.options) assert.match(o.id, /^\d+$/);
		const q6 = s.pages[2].questions[0];
		assert.equal(q6.text, 'Overall, how was your experience of our service?');
		assert.deepEqual(q6.options.map((o) => o.label),
			['Very good', 'Good', 'Neither good nor poor', 'Poor', 'Very poor', "Don't know"]);
		const q4 = s.pages[1].questions[0];
		assert.deepEqual(q4.rows, [{ value: 'I feel valued', label: 'I feel valued' },
			{ value: 'grow', label: 'I can grow here' }]);
		assert.deepEqual(s.pages[0].next, [{ if: { question: 'q1', equals: 'No' }, go_to: 'else' }]);
		const ids = s.pages.flatMap((p) => p.questions.flatMap((q) => (q.options || []).map((o) => o.id)));
		assert.equal(new Set(ids).size, ids.length, 'option ids are unique in the survey');
	});

	test('a draft is not seen by the public; it is listed for staff', async () => {
		const s = await createSurvey({ opens_at: null });
		assert.equal(s.status, 'draft');
		assert.equal((await api('GET', `/api/v1/surveys/${s.id}`)).status, 404);
		const got = await json(await api('GET', `/api/v1/surveys/${s.id}`, { auth: token }));
		assert.equal(got.status, 'draft');
		const list = await json(await api('GET', '/api/v1/surveys?limit=100', { auth: token }));
		assert.ok(list.items.some((i) => i.id === s.id));
		const theirs = await json(await api('GET', '/api/v1/surveys?limit=100', { auth: otherToken }));
		assert.ok(!theirs.items.some((i) => i.id === s.id), "another organisation's list");
		assert.equal((await api('GET', `/api/v1/surveys/${s.id}`, { auth: otherToken })).status, 404);
	});

	test('a viewer cannot create surveys; no token is 401', async () => {
		const res = await api('POST', '/api/v1/surveys', { auth: viewerToken, body: strategy() });
		assert.equal(res.status, 403);
		assert.equal((await api('POST', '/api/v1/surveys', { body: strategy() })).status, 401);
	});

	test('every problem in a definition is named by its path', async () => {
		const bad = strategy();
		bad.title = '';
		bad.pages[0].questions[1].type = 'essay';
		bad.pages[1].questions[1].options.push('Grow our own');
		bad.pages[2].questions.push({ key: 'q1', type: 'text', text: 'Again' });
		const p = await expectProblem(await api('POST', '/api/v1/surveys', { auth: token, body: bad }), 422);
		const fields = p.errors.map((e) => e.field);
		assert.ok(fields.includes('title'), fields);
		assert.ok(fields.includes('pages[0].questions[1].type'), fields);
		assert.ok(fields.includes('pages[1].questions[1].options[3]'), fields);
		assert.ok(fields.includes('pages[2].questions[7].key'), fields);
	});

	test('a skip rule pointing nowhere, or back into a loop, is refused', async () => {
		const nowhere = strategy();
		nowhere.pages[0].next[0].go_to = 'missing';
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token, body: nowhere }), 422,
			'pages[0].next[0].go_to');
		const loop = strategy();
		loop.pages[2].next = [{ go_to: 'about' }];
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token, body: loop }), 422,
			'pages[2].next[0].go_to');
	});

	test('a condition on a later question, or with an option that does not exist, is refused', async () => {
		const later = strategy();
		later.pages[0].questions[1].show_if = { question: 'q3', equals: 'x' };
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token, body: later }), 422,
			'pages[0].questions[1].show_if.question');
		const option = strategy();
		option.pages[0].next[0].if.equals = 'Maybe';
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token, body: option }), 422,
			'pages[0].next[0].if.equals');
	});

	test('a definition over 1 MiB is refused with 413; unknown members with 422', async () => {
		const huge = strategy();
		huge.pages[2].questions[6].text = 'x'.repeat(1100 * 1024);
		const res = await api('POST', '/api/v1/surveys', { auth: token, body: huge });
		assert.equal(res.status, 413);
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token,
			body: { ...strategy(), colour: 'red' } }), 422, 'colour');
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token,
			body: { ...strategy(), pages: {} } }), 422, 'pages');
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token,
			raw: '{"title": "x", "pages": [', headers: { 'Content-Type': 'application/json' } }), 400);
	});
});

describe('answering', () => {
	test('a full response is 201 once durable, and a second from the same browser is 409', async () => {
		const s = await createSurvey();
		const first = await respond(s.id, staffAnswers);
		assert.equal(first.res.status, 201, await first.res.clone().text());
		const body = await json(first.res);
		assert.equal(body.status, 'submitted');
		assert.match(body.id, /^\d+$/);
		assert.ok(first.cookie, 'the browser gets its cookie');
		const again = await respond(s.id, staffAnswers, { cookie: first.cookie });
		await expectProblem(again.res, 409);
		const other = await respond(s.id, { answers: { q1: 'No', q6: 'Good' } });
		assert.equal(other.res.status, 201);
	});

	test('every invalid answer is named by its question key', async () => {
		const s = await createSurvey();
		const { res } = await respond(s.id, { answers: {
			q1: 'Maybe', q2: 9, q4: { 'I feel valued': 'Agree', pay: 'Agree' }, q5: ['a'],
			q6: 'Great', q7: 'BB1 7D', q8: '2026-02-30', q9: ['a', 'a'], q10: 101, zz: 1,
			thanks: 'hello' } });
		const p = await expectProblem(res, 422);
		const fields = new Set(p.errors.map((e) => e.field));
		for (const k of ['q1', 'q2', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10', 'zz', 'thanks'])
			assert.ok(fields.has(k), `an error on ${k}: ${JSON.stringify(p.errors)}`);
	});

	test('a long unknown key in another script is named in part, never half a letter', async () => {
		const s = await createSurvey();
		// 51 bytes: the message quotes 40, which would end inside the 20th "ą".
		const key = `x${'ą'.repeat(25)}`;
		for (const body of [{ answers: { [key]: 'a', q1: 'No', q6: 'Good' } },
			{ answers: { q1: 'No', q4: { [key]: 'Agree' }, q6: 'Good' } },
			{ answers: { q1: 'No', q6: 'Good' }, other: { [key]: 'a' } }]) {
			const { res } = await respond(s.id, body);
			const p = await expectProblem(res, 422);
			const shown = `x${'ą'.repeat(19)}`;
			assert.ok(p.errors.some((e) => e.detail.includes(`'${shown}'`) ||
				e.detail.includes(`'${key}'`)), JSON.stringify(p.errors));
			assert.ok(p.errors.every((e) => !e.detail.includes('\ufffd')),
				`cut where a letter ends: ${JSON.stringify(p.errors)}`);
		}
	});

	test('answers to skipped questions and missing required answers are refused', async () => {
		const s = await createSurvey();
		// q1 No skips the staff page: its grid must not be answered.
		let r = await respond(s.id, { answers: { q1: 'No', q4: { grow: 'Agree' }, q6: 'Good' } });
		await expectProblem(r.res, 422, 'q4');
		// q3 is shown only when q2 > 3.
		r = await respond(s.id, { answers: { q1: 'No', q2: 2, q3: 'x', q6: 'Good' } });
		await expectProblem(r.res, 422, 'q3');
		// q1 Yes: every row of the required grid.
		r = await respond(s.id, { answers: { q1: 'Yes', q4: { grow: 'Agree' }, q6: 'Good' } });
		await expectProblem(r.res, 422, 'q4');
		r = await respond(s.id, { answers: { q2: 3 } });
		const p = await expectProblem(r.res, 422, 'q1');
		assert.ok(p.errors.some((e) => e.field === 'q6'));
		// "Other" chosen without saying what.
		r = await respond(s.id, { answers: { q1: 'Yes', q4: { 'I feel valued': 'Agree', grow: 'Agree' },
			q5: ['other'], q6: 'Good' } });
		await expectProblem(r.res, 422, 'q5');
	});

	test('a closed survey, a draft and a wrong channel are refused', async () => {
		const s = await createSurvey();
		assert.equal((await api('POST', `/api/v1/surveys/${s.id}/close`, { auth: token })).status, 200);
		let r = await respond(s.id, { answers: { q1: 'No', q6: 'Good' } });
		await expectProblem(r.res, 409);
		const draft = await createSurvey({ opens_at: null });
		r = await respond(draft.id, { answers: { q1: 'No', q6: 'Good' } });
		assert.equal(r.res.status, 404);
		const open = await createSurvey();
		r = await respond(open.id, { answers: { q1: 'No', q6: 'Good' }, channel: 'paper' });
		await expectProblem(r.res, 422, 'channel');
		r = await respond(open.id, { answers: { q1: 'No', q6: 'Good' }, channel: 'fax' });
		await expectProblem(r.res, 422, 'channel');
		r = await respond(open.id, { answers: 'q1' });
		await expectProblem(r.res, 422, 'answers');
	});

	test('staff key in paper responses, also into a closed survey, as many as they have', async () => {
		const s = await createSurvey();
		for (let i = 0; i < 2; i++) {
			const r = await respond(s.id, { ...staffAnswers, channel: 'paper' }, { auth: token });
			assert.equal(r.res.status, 201, await r.res.clone().text());
		}
		await api('POST', `/api/v1/surveys/${s.id}/close`, { auth: token });
		const r = await respond(s.id, { answers: { q1: 'No', q6: 'Poor' }, channel: 'phone' }, { auth: token });
		assert.equal(r.res.status, 201);
		const got = await json(await api('GET', `/api/v1/surveys/${s.id}`, { auth: token }));
		assert.equal(got.responses, 3);
	});
});

describe('results, cross-tabulation and export', () => {
	let s;

	before(async () => {
		s = await createSurvey();
		await respond(s.id, staffAnswers);
		await respond(s.id, { answers: { q1: 'Yes', q2: 2, q4: { 'I feel valued': 'Disagree', grow: 'Disagree' },
			q5: ['Investing in our community'], q6: 'Good', q10: 5 } });
		await respond(s.id, { answers: { q1: 'No', q6: 'Good', q9: ['a'] } });
		await respond(s.id, { answers: { q1: 'No', q6: 'Very poor', q11: '=HYPERLINK("http://evil")' },
			channel: 'event' }, { auth: token });
	});

	test('results count responses, options with percentages, grid rows, means and ranks', async () => {
		const r = await json(await api('GET', `/api/v1/surveys/${s.id}/results`, { auth: analystToken }));
		assert.equal(r.responses, 4);
		const q = Object.fromEntries(r.questions.map((x) => [x.key, x]));
		assert.equal(q.q1.answered, 4);
		assert.deepEqual(q.q1.options.map((o) => [o.value, o.count, o.percent]), [['Yes', 2, 50], ['No', 2, 50]]);
		assert.equal(q.q2.answered, 2);
		assert.equal(q.q2.mean, 3);
		assert.deepEqual(q.q2.options.map((o) => o.count), [0, 1, 0, 1, 0]);
		assert.equal(q.q10.mean, 4);
		assert.equal(q.q6.options.find((o) => o.value === 'Good').count, 2);
		assert.equal(q.q4.rows[0].answered, 2);
		assert.deepEqual(q.q4.rows[0].options.map((o) => o.count), [1, 1]);
		assert.deepEqual(q.q4.rows[1].options.map((o) => o.count), [0, 2]);
		assert.equal(q.q9.options.find((o) => o.value === 'a').count, 2);
		assert.equal(q.q9.options.find((o) => o.value === 'a').mean_rank, 1.5);
		assert.equal(q.q11.answered, 1);
		assert.ok(!('thanks' in q), 'information text has no results');
	});

	test('results are for staff, and for everyone once closed; small counts are hidden but from analysts', async () => {
		// The public: not while the survey is open.
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/results`), 403);
		assert.equal((await api('GET', `/api/v1/surveys/${s.id}/results`, { auth: otherToken })).status, 403);
		// An engagement officer sees 4 responses as "fewer than 10", and every count with them.
		const r = await json(await api('GET', `/api/v1/surveys/${s.id}/results`, { auth: token }));
		assert.equal(r.suppress_below, 10);
		assert.equal(r.responses, null);
		assert.equal(r.suppressed, true);
		const q1 = r.questions.find((x) => x.key === 'q1');
		assert.equal(q1.answered, null);
		assert.ok(q1.options.every((o) => o.count === null && o.percent === null && o.suppressed));
		assert.equal(r.questions.find((x) => x.key === 'q2').mean, null);
		const x = await json(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1&col=q6`, { auth: token }));
		assert.ok(x.cells.flat().every((n) => n === null));
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/export?format=csv`, { auth: token }), 403);
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/export?format=csv`, { auth: viewerToken }), 403);
	});

	test('with enough responses only the small counts are hidden, and one more so none can be worked out', async () => {
		const big = await createSurvey();
		const answers = [...Array(12).fill('Very good'), ...Array(11).fill('Good'), ...Array(3).fill('Poor')];
		for (const [i, a] of answers.entries()) {
			// Three say they work here: q1 has 23 No and 3 Yes.
			const body = i < 3 ? { q1: 'Yes', q4: { 'I feel valued': 'Agree', grow: 'Agree' }, q6: a } :
				{ q1: 'No', q6: a };
			const r = await respond(big.id, { answers: body });
			assert.equal(r.res.status, 201);
		}
		await api('POST', `/api/v1/surveys/${big.id}/close`, { auth: token });
		const pub = await json(await api('GET', `/api/v1/surveys/${big.id}/results`));
		assert.equal(pub.responses, 26);
		const q6 = Object.fromEntries(pub.questions.find((q) => q.key === 'q6').options.map((o) => [o.value, o.count]));
		assert.equal(q6['Very good'], 12);
		assert.equal(q6.Good, 11);
		assert.equal(q6.Poor, null);
		// 26 answered q1: Yes (3) is hidden, and No with it, else 26 - 23 would give it away.
		const q1 = pub.questions.find((q) => q.key === 'q1');
		assert.equal(q1.answered, 26);
		assert.deepEqual(q1.options.map((o) => o.count), [null, null]);
		// The grid had 3 answers: all of it hidden.
		const q4 = pub.questions.find((q) => q.key === 'q4');
		assert.equal(q4.answered, null);
		const exact = await json(await api('GET', `/api/v1/surveys/${big.id}/results`, { auth: analystToken }));
		assert.equal(exact.questions.find((q) => q.key === 'q6').options.find((o) => o.value === 'Poor').count, 3);
	});

	test('a cross-tab of two questions, and by channel and week', async () => {
		let x = await json(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1&col=q6`, { auth: analystToken }));
		assert.deepEqual(x.rows, ['Yes', 'No']);
		assert.equal(x.cols.length, 6);
		const good = x.cols.indexOf('Good');
		assert.equal(x.cells[0][good], 1);
		assert.equal(x.cells[1][good], 1);
		assert.equal(x.cells[1][x.cols.indexOf('Very poor')], 1);
		x = await json(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=channel&col=q1`, { auth: analystToken }));
		assert.deepEqual(x.rows, ['online', 'paper', 'phone', 'event']);
		assert.deepEqual(x.cells[0], [2, 1]);
		assert.deepEqual(x.cells[3], [0, 1]);
		x = await json(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1&col=week`, { auth: analystToken }));
		assert.equal(x.cols.length, 1);
		assert.match(x.cols[0], /^\d{4}-W\d{2}$/);
		assert.deepEqual(x.cells, [[2], [2]]);
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q11&col=q1`, { auth: token }), 422, 'row');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1&col=nope`, { auth: token }), 422, 'col');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1`, { auth: token }), 422, 'col');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?col=q1`, { auth: token }), 422, 'row');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q3&col=q1`, { auth: token }), 422, 'row');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1&col=q4`, { auth: token }), 422, 'col');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=q1&col=q1`, { auth: token }), 422, 'col');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=channel&col=channel`, { auth: token }), 422, 'col');
	});

	test('every cross-tab counts what the exported responses hold', async () => {
		const body = await json(await api('GET', `/api/v1/surveys/${s.id}/export?format=json`, { auth: analystToken }));
		const valuesOf = (resp, key) => {
			if (key === 'channel') return [resp.channel];
			const a = resp.answers[key];
			return a === undefined ? [] : Array.isArray(a) ? a : [String(a)];
		};
		const keys = ['q1', 'q2', 'q5', 'q6', 'channel'];
		for (const row of keys) {
			for (const col of keys) {
				if (row === col) continue;
				const x = await json(await api('GET', `/api/v1/surveys/${s.id}/crosstab?row=${row}&col=${col}`, { auth: analystToken }));
				const want = x.rows.map(() => x.cols.map(() => 0));
				for (const resp of body.responses) {
					for (const r of valuesOf(resp, row)) {
						for (const c of valuesOf(resp, col)) {
							if (x.rows.includes(r) && x.cols.includes(c)) want[x.rows.indexOf(r)][x.cols.indexOf(c)]++;
						}
					}
				}
				assert.deepEqual(x.cells, want, `${row} by ${col}`);
			}
		}
	});

	test('CSV export: one row per response, labelled, formula-safe', async () => {
		const res = await api('GET', `/api/v1/surveys/${s.id}/export?format=csv`, { auth: analystToken });
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^text\/csv/);
		assert.match(res.headers.get('content-disposition'), /attachment; filename="survey-\d+\.csv"/);
		const lines = (await res.text()).trim().split('\r\n');
		assert.equal(lines.length, 5);
		assert.equal(lines[0], '"response","submitted_at","channel","q1","q2","q3","q4.I feel valued",' +
			'"q4.grow","q5","q5.other","q6","q7","q8","q9","q10","q11"');
		assert.match(lines[1], /"online","Yes","4","Listening","Agree","Disagree","Grow our own; Something else","Parking","Very good","FY1 1NA","2026-03-04","c; a","3",""$/);
		assert.match(lines[4], /"event","No",.*"'=HYPERLINK\(""http:\/\/evil""\)"$/);
	});

	test('JSON export holds the answers as the API takes them', async () => {
		const res = await api('GET', `/api/v1/surveys/${s.id}/export?format=json`, { auth: analystToken });
		assert.equal(res.status, 200);
		const body = await json(res);
		assert.equal(body.responses.length, 4);
		assert.deepEqual(body.responses[0].answers.q4, { 'I feel valued': 'Agree', grow: 'Disagree' });
		assert.equal(body.responses[0].answers.q7, 'FY1 1NA');
		assert.deepEqual(body.responses[0].other, { q5: 'Parking' });
		assert.equal(body.responses[3].channel, 'event');
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/export?format=pdf`, { auth: analystToken }), 422, 'format');
	});
});

describe('changing a survey', () => {
	test('without responses anything may change; with responses wording and new optional questions only', async () => {
		const s = await createSurvey();
		const fresh = strategy();
		fresh.pages[0].questions[0].options = ['Yes', 'No', 'Not sure'];
		let res = await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { pages: fresh.pages } });
		assert.equal(res.status, 200, await res.clone().text());
		let got = await json(res);
		assert.equal(got.version, 2);
		const ids = s.pages[0].questions[0].options.map((o) => o.id);
		assert.deepEqual(got.pages[0].questions[0].options.slice(0, 2).map((o) => o.id), ids,
			'an option keeps its id when its value stays');
		assert.equal((await respond(s.id, { answers: { q1: 'No', q6: 'Good' } })).res.status, 201);

		const wording = structuredClone(got.pages);
		wording[0].questions[0].text = 'Are you one of our staff?';
		wording[0].questions[0].options[0].label = 'Yes, I am';
		wording[2].questions.push({ key: 'q12', type: 'text', text: 'A new question' });
		res = await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { pages: wording, title: 'Our strategy' } });
		assert.equal(res.status, 200, await res.clone().text());
		got = await json(res);
		assert.equal(got.version, 3);
		assert.equal(got.title, 'Our strategy');

		const removed = structuredClone(got.pages);
		removed[0].questions.splice(1, 1);
		removed[0].questions[1].show_if = undefined;
		delete removed[0].questions[1].show_if;
		removed[0].questions[0].options[1].value = 'Nope';
		removed[0].next = [];
		removed[2].questions.push({ key: 'q13', type: 'text', text: 'Required', required: true });
		res = await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { pages: removed } });
		const p = await expectProblem(res, 409);
		const fields = p.errors.map((e) => e.field);
		for (const k of ['q1', 'q2', 'q13']) assert.ok(fields.includes(k), JSON.stringify(p.errors));
		got = await json(await api('GET', `/api/v1/surveys/${s.id}`, { auth: token }));
		assert.equal(got.version, 3, 'nothing changed');
	});

	test('a response begun under one version is sent under the next with the answers that still fit', async () => {
		const form = (fields) => ({
			method: 'POST', redirect: 'manual',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
			body: new URLSearchParams(fields).toString(),
		});
		const s = await createSurvey();
		const base = `${server.url}/o/blackpool/surveys/${s.id}`;
		let r = await fetch(base, form({}));
		assert.equal(r.status, 303, await r.text());
		const link = `${server.url}${r.headers.get('location')}`;
		// Version 1: q2 is 5, so q3 is shown and answered; q1 "No" goes on to the last page.
		r = await fetch(`${link}/p/1`, form({ q1: 'No', q2: '5', q3: 'The nurses' }));
		assert.equal(r.status, 303, await r.text());
		r = await fetch(`${link}/p/3`, form({ q6: 'Good' }));
		assert.equal(r.status, 303, await r.text());

		// Staff publish version 2 meanwhile: q3 is now asked only of those who gave more than 5.
		const got = await json(await api('GET', `/api/v1/surveys/${s.id}`, { auth: token }));
		const pages = structuredClone(got.pages);
		pages[0].questions[2].show_if = { question: 'q2', greater_than: 5 };
		let res = await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { pages } });
		assert.equal(res.status, 200, await res.clone().text());
		assert.equal((await json(res)).version, 2);

		// Check your answers shows what will go; sending it goes, without the answer the
		// new version no longer asks for.
		r = await fetch(`${link}/check`);
		const page = await r.text();
		assert.equal(r.status, 200, page);
		assert.doesNotMatch(page, /The nurses/);
		r = await fetch(`${link}/check`, form({}));
		assert.equal(r.status, 303, await r.text());
		res = await api('GET', `/api/v1/surveys/${s.id}/export?format=json`, { auth: analystToken });
		assert.equal(res.status, 200, await res.clone().text());
		const rows = (await json(res)).responses;
		assert.equal(rows.length, 1);
		assert.equal(rows[0].answers.q1, 'No');
		assert.equal(rows[0].answers.q2, 5);
		assert.equal(rows[0].answers.q6, 'Good');
		assert.equal(rows[0].answers.q3, undefined, JSON.stringify(rows[0]));

		// A version whose path now asks a required question nobody answered refuses the
		// response on the check page, with a link to the question.
		r = await fetch(base, form({}));
		const second = `${server.url}${r.headers.get('location')}`;
		r = await fetch(`${second}/p/1`, form({ q1: 'No' }));
		r = await fetch(`${second}/p/3`, form({ q6: 'Good' }));
		assert.equal(r.status, 303);
		const now = await json(await api('GET', `/api/v1/surveys/${s.id}`, { auth: token }));
		const ask = structuredClone(now.pages);
		ask[0].next = [];
		res = await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { pages: ask } });
		assert.equal(res.status, 200, await res.clone().text());
		r = await fetch(`${second}/check`, form({}));
		const refused = await r.text();
		assert.equal(r.status, 422, refused);
		assert.match(refused, /href="#q4/);
	});

	test('open and close follow the poll rules; a survey can be deleted', async () => {
		const s = await createSurvey({ opens_at: null });
		let res = await api('POST', `/api/v1/surveys/${s.id}/close`, { auth: token });
		await expectProblem(res, 409, 'survey');
		res = await api('POST', `/api/v1/surveys/${s.id}/open`, { auth: token });
		assert.equal((await json(res)).status, 'open');
		await expectProblem(await api('POST', `/api/v1/surveys/${s.id}/open`, { auth: token }), 409, 'survey');
		res = await api('POST', `/api/v1/surveys/${s.id}/close`, { auth: token });
		assert.equal((await json(res)).status, 'closed');
		await expectProblem(await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { title: 'x' } }), 409);
		assert.equal((await api('DELETE', `/api/v1/surveys/${s.id}`, { auth: otherToken })).status, 404);
		assert.equal((await api('DELETE', `/api/v1/surveys/${s.id}`, { auth: token })).status, 204);
		assert.equal((await api('GET', `/api/v1/surveys/${s.id}`, { auth: token })).status, 404);
	});

	test('times: a closing time before the opening is refused; opens_at cannot move once open', async () => {
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token,
			body: { ...strategy(), opens_at: '2099-01-02T00:00:00Z', closes_at: '2099-01-01T00:00:00Z' } }), 422, 'closes_at');
		await expectProblem(await api('POST', '/api/v1/surveys', { auth: token,
			body: { ...strategy(), opens_at: '2001-01-01T00:00:00Z' } }), 422, 'opens_at');
		const s = await createSurvey();
		await expectProblem(await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token,
			body: { opens_at: '2099-01-01T00:00:00Z' } }), 422, 'opens_at');
		const res = await api('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { closes_at: '2099-01-01T00:00:00Z' } });
		assert.equal(res.status, 200);
		assert.equal((await json(res)).closes_at, '2099-01-01T00:00:00Z');
	});
});

describe('invitation codes', () => {
	const form = (fields) => ({
		method: 'POST', redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
		body: new URLSearchParams(fields).toString(),
	});

	test('a code begins one response, leads back to it until it is sent, then works no more', async () => {
		const s = await createSurvey({ who_can_answer: 'code' });
		let res = await api('POST', `/api/v1/surveys/${s.id}/codes`, { auth: token, body: { count: 3 } });
		assert.equal(res.status, 201, await res.clone().text());
		const { codes, batch } = await json(res);
		assert.equal(codes.length, 3);
		assert.match(batch, /^\d+$/);
		for (const c of codes) assert.match(c, /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{2}$/);
		const base = `${server.url}/o/blackpool/surveys/${s.id}`;

		// Without a code, or with one that is not the survey's: the start page again, 422.
		let r = await fetch(base, form({}));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /Enter the code as it is printed/);
		r = await fetch(base, form({ code: 'aaaa-bbbb-cc' }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /This code does not work/);

		// The code, typed in capitals with spaces, begins a response.
		r = await fetch(base, form({ code: ` ${codes[0].toUpperCase().replace(/-/g, ' ')} ` }));
		assert.equal(r.status, 303, await r.text());
		const first = r.headers.get('location');
		r = await fetch(`${server.url}${first}/p/1`, form({ q1: 'No' }));
		assert.equal(r.status, 303);
		// Back with the same code: the same response, under a new link; the old one goes.
		r = await fetch(base, form({ code: codes[0] }));
		const again = r.headers.get('location');
		assert.notEqual(again, first);
		assert.equal((await fetch(`${server.url}${first}`, { redirect: 'manual' })).status, 404);
		r = await fetch(`${server.url}${again}`, { redirect: 'manual' });
		assert.match(r.headers.get('location'), /\/p\/3$/, 'on from where the answers reached');
		r = await fetch(`${server.url}${again}/p/3`, form({ q6: 'Good' }));
		assert.equal(r.status, 303);
		r = await fetch(`${server.url}${again}/check`, form({}));
		assert.equal(r.status, 303, await r.text());
		// Sent: the code is spent, and the batch counts it.
		r = await fetch(base, form({ code: codes[0] }));
		assert.equal(r.status, 422);
		const got = await json(await api('GET', `/api/v1/surveys/${s.id}`, { auth: token }));
		assert.equal(got.responses, 1);
		// Another code, from the same browser, answers too: the code is the limit.
		r = await fetch(base, form({ code: codes[1] }));
		assert.equal(r.status, 303);
	});

	test('codes only for a survey answered with codes, by staff who manage it', async () => {
		const open = await createSurvey();
		await expectProblem(await api('POST', `/api/v1/surveys/${open.id}/codes`, { auth: token,
			body: { count: 2 } }), 409, 'survey');
		const s = await createSurvey({ who_can_answer: 'code' });
		await expectProblem(await api('POST', `/api/v1/surveys/${s.id}/codes`, { auth: token,
			body: { count: 0 } }), 422, 'count');
		assert.equal((await api('POST', `/api/v1/surveys/${s.id}/codes`, { auth: viewerToken,
			body: { count: 2 } })).status, 403);
		assert.equal((await api('POST', `/api/v1/surveys/${s.id}/codes`, { auth: otherToken,
			body: { count: 2 } })).status, 404);
		// The API takes no response to a survey answered with codes from the public.
		const r = await respond(s.id, { answers: { q1: 'No', q6: 'Good' } });
		await expectProblem(r.res, 422, 'code');
	});
});
