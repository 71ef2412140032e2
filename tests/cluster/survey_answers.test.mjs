// Answers taken on one node while the survey changes on the other.  A node checks answers
// against the survey as it read it a moment ago, without asking the database each time; the
// database has the last word: whatever the other node changed (a new question, closing,
// opening, deleting) is what the answer meets, at once, never a second later.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { startCluster } from '../lib/cluster.mjs';
import { orgWithStaff } from '../lib/fixtures.mjs';

let cluster;
let onA; // requests straight to each node
let onB;
let token;

const pages = () => [{
	key: 'p1', title: 'Pharmacy',
	questions: [
		{ key: 'access', type: 'single', required: true,
			text: 'How satisfied are you with access to pharmacy services in your local area?',
			options: ['Satisfied', 'Neither', 'Dissatisfied'] },
	],
}];

before(async () => {
	cluster = await startCluster({ nodes: 2 });
	onA = apiClient(cluster.nodes[0]);
	onB = apiClient(cluster.nodes[1]);
	// An analyst sees counts under the suppression threshold as they are.
	({ token } = await orgWithStaff(cluster, { role: 'administrator' }));
});

after(async () => {
	await cluster.stop();
});

async function create(api, body) {
	const res = await api('POST', '/api/v1/surveys', { auth: token, body });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

// One answer from a new browser (no cookie: each is a new respondent).
function answer(api, id, answers) {
	return api('POST', `/api/v1/surveys/${id}/responses`, { body: { answers } });
}

async function responses(id) {
	const res = await onA('GET', `/api/v1/surveys/${id}/results`, { auth: token });
	assert.equal(res.status, 200);
	return (await json(res)).responses;
}

test('a question added on one node is answered on the other straight away', async () => {
	const s = await create(onB, { title: 'Pharmacy access', pages: pages() });
	assert.equal((await answer(onA, s.id, { access: 'Satisfied' })).status, 201);
	const changed = structuredClone(s.pages);
	changed[0].questions.push({ key: 'why', type: 'text', text: 'Why do you say that?' });
	const res = await onB('PATCH', `/api/v1/surveys/${s.id}`, { auth: token, body: { pages: changed } });
	assert.equal(res.status, 200, await res.clone().text());
	const r = await answer(onA, s.id, { access: 'Dissatisfied', why: 'The nearest one closed' });
	assert.equal(r.status, 201, await r.clone().text());
	const got = await json(await onA('GET', `/api/v1/surveys/${s.id}/results`, { auth: token }));
	assert.equal(got.responses, 2);
	assert.equal(got.questions.find((q) => q.key === 'why').answered, 1);
	// An answer that fits no version is still refused, naming the question.
	await expectProblem(await answer(onA, s.id, { access: 'Maybe' }), 422, 'access');
	assert.equal(await responses(s.id), 2, 'nothing written');
});

test('a survey closed on one node takes no answer on the other', async () => {
	const s = await create(onB, { title: 'Pharmacy access', pages: pages() });
	assert.equal((await answer(onA, s.id, { access: 'Neither' })).status, 201);
	assert.equal((await onB('POST', `/api/v1/surveys/${s.id}/close`, { auth: token })).status, 200);
	const p = await expectProblem(await answer(onA, s.id, { access: 'Neither' }), 409);
	assert.match(p.detail, /not open|closed/);
	assert.equal(await responses(s.id), 1, 'nothing written after closing');
});

test('a survey opened on one node is answered on the other straight away', async () => {
	const s = await create(onB, { title: 'Pharmacy access', pages: pages(), opens_at: null });
	// Node A reads the draft (its staff may), and the public may not answer it yet.
	assert.equal((await onA('GET', `/api/v1/surveys/${s.id}`, { auth: token })).status, 200);
	await expectProblem(await answer(onA, s.id, { access: 'Satisfied' }), 404);
	assert.equal((await onB('POST', `/api/v1/surveys/${s.id}/open`, { auth: token })).status, 200);
	const r = await answer(onA, s.id, { access: 'Satisfied' });
	assert.equal(r.status, 201, await r.clone().text());
	assert.equal(await responses(s.id), 1);
});

test('a survey deleted on one node is not found on the other', async () => {
	const s = await create(onB, { title: 'Pharmacy access', pages: pages() });
	assert.equal((await answer(onA, s.id, { access: 'Satisfied' })).status, 201);
	assert.equal((await onB('DELETE', `/api/v1/surveys/${s.id}`, { auth: token })).status, 204);
	await expectProblem(await answer(onA, s.id, { access: 'Satisfied' }), 404);
});
