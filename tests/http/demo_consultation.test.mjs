// The demo's Blackpool strategy consultation and FFT survey, as `involve serve --demo` loads them
// on a fresh data directory from the content built into the program: the consultation on "Have
// your say" with its stage and published outcome, its lifecycle at "outcome published", its
// background documents with their easy read versions, a few hundred responses across channels;
// the FFT survey open; and a second start with --demo on the same directory loads nothing again.
// One server (as `make run` starts), whatever INVOLVE_TEST_CLUSTER says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { json } from '../lib/api.mjs';
import { makeDataDir, startOneServer } from '../lib/server.mjs';

let server;
let dataDir;

before(async () => {
	dataDir = makeDataDir();
	server = await startOneServer({ args: ['--demo'], dataDir });
});

after(async () => {
	await server.stop();
});

async function page(path) {
	const res = await fetch(server.url + path);
	assert.equal(res.status, 200, path);
	return res.text();
}

test('the strategy consultation is closed, its outcome published, and listed so', async () => {
	const html = await page('/o/blackpool/have-your-say');
	assert.match(html, /Consultation, closed on/);
	assert.match(html, /Stage now: Outcome published/);
	assert.match(html, /What we decided: <bdi>Our strategy, shaped by what you told us<\/bdi>/);
	assert.match(html, /<h2>Open now<\/h2>[\s\S]*Survey[\s\S]*Tell us about your visit[\s\S]*<h2>Closed<\/h2>/);
});

test('its start page: the lifecycle at its last stage, the documents, the outcome', async () => {
	const html = await page('/o/blackpool/have-your-say');
	const id = /href="\/o\/blackpool\/surveys\/(\d+)">Read about it/.exec(html)[1];
	const start = await page(`/o/blackpool/surveys/${id}`);
	assert.match(start, /Stage now: Outcome published/);
	const stages = [...start.matchAll(/<li class="nhsuk-task-list__item"( aria-current="step")?>/g)];
	assert.equal(stages.length, 5);
	assert.deepEqual(stages.map((m) => Boolean(m[1])), [false, false, false, false, true]);
	assert.match(start, /This consultation has closed/);
	assert.match(start, /<h2>What we decided<\/h2>/);
	const docs = [...start.matchAll(/href="(\/o\/blackpool\/surveys\/\d+\/documents\/\d+)">([^<]+)<\/a>/g)];
	assert.deepEqual(docs.map((m) => m[2]), ['Our draft strategy for 2022 to 2027', 'How we will use what you tell us']);
	const draft = await page(docs[0][1]);
	for (const priority of ['Grow our own', 'Happy and healthy workforce', 'Learning culture',
		'Health inequalities', 'Integrated care', 'Prevention and health promotion',
		'Get the basics right', 'New ways of working', 'Investing in our community']) {
		assert.ok(draft.includes(priority), priority);
	}
	const easy = await page(`${docs[0][1]}/easy-read`);
	assert.match(easy, /We want to know <strong>what matters most to you<\/strong>/);

	// A few hundred responses, the results published with the nine priorities.
	const results = await json(await fetch(`${server.url}/api/v1/surveys/${id}/results`));
	assert.ok(results.responses >= 200, `responses: ${results.responses}`);
	const top = results.questions.find((q) => q.key === 'top');
	assert.equal(top.options.length, 9);
});

test('the FFT survey is open, its start page saying how many pages it has', async () => {
	const html = await page('/o/blackpool/have-your-say');
	const id = /href="\/o\/blackpool\/surveys\/(\d+)"><bdi>Tell us about your visit/.exec(html)[1];
	const start = await page(`/o/blackpool/surveys/${id}`);
	assert.match(start, /This survey has 1 page of questions\./);
	assert.match(start, /Start now/);
});

test('a second start with --demo on the same directory loads nothing again', async () => {
	await server.stop();
	server = await startOneServer({ args: ['--demo'], dataDir });
	const html = await page('/o/blackpool/have-your-say');
	assert.equal([...html.matchAll(/Consultation, closed on/g)].length, 1);
	assert.equal([...html.matchAll(/Tell us about your visit/g)].length, 1);
});
