// "You said, we did" against the real server and a real SMTP server (aiosmtpd): an outcome
// drafted, published and shown on the public pages and the Atom feed, and the respondents who
// asked to hear back emailed once, their addresses then gone; the same through the `involve
// outcome` command and the staff pages.  Bad input each way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { ok, refused } from '../lib/commands.mjs';
import { sqlOf } from '../lib/database.mjs';
import { makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { csrfOf, postForm, signIn, staffGet } from '../lib/staff.mjs';

let server;
let smtp;
let api;
let token;
let viewerToken;
let otherToken;

async function setupOrg(slug, email, role = 'engagement_officer') {
	const r = await server.cli(['org', 'create', '--slug', slug, '--name', `NHS ${slug}`]);
	if (r.code !== 0 && !/already exists/.test(r.stderr)) throw new Error(r.stderr);
	return (await makeStaff(server, { org: slug, email, role })).token;
}

const form = (fields) => ({
	method: 'POST', redirect: 'manual',
	headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
	body: new URLSearchParams(fields).toString(),
});

// Answers survey id on its pages and returns the response's private link path.
async function answer(id) {
	let r = await fetch(`${server.url}/o/blackpool/surveys/${id}`, form({}));
	assert.equal(r.status, 303);
	const link = r.headers.get('location');
	r = await fetch(`${server.url}${link}/p/1`, form({ q1: 'Yes' }));
	assert.equal(r.status, 303, await r.text());
	r = await fetch(`${server.url}${link}/check`, form({}));
	assert.equal(r.status, 303);
	return link;
}

const outcome = (surveyId) => ({
	title: 'More evening appointments',
	you_said: 'Many of you said **evening** appointments would help. <script>alert(1)</script>',
	decision: 'We will open the clinic until 8pm. [More](javascript:alert(1))',
	what_changed: 'Evening clinics start in January.',
	decided_by: 'The trust board',
	decided_on: '2026-11-30',
	links: [{ kind: 'survey', id: surveyId }],
});

let survey;

before(async () => {
	smtp = await startSmtp();
	server = await startServer({ args: ['--smtp-url', smtp.url, '--mail-from', 'noreply@example.org',
		'--mail-interval', '1'] });
	api = apiClient(server);
	token = await setupOrg('blackpool', 'officer@blackpool.example.org');
	viewerToken = await setupOrg('blackpool', 'viewer@blackpool.example.org', 'viewer');
	otherToken = await setupOrg('bury', 'officer@bury.example.org');
	const res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		title: 'Opening hours', pages: [{ key: 'p', questions: [
			{ key: 'q1', type: 'single', text: 'Would evening appointments help?', options: ['Yes', 'No'] }] }] } });
	survey = await json(res);
});

after(async () => {
	await server?.stop();
	await smtp?.stop();
});

describe('hearing back', () => {
	test('a respondent leaves an address once their response is sent; a bad one is refused', async () => {
		const link = await answer(survey.id);
		let r = await fetch(`${server.url}${link}/done`);
		const page = await r.text();
		assert.match(page, /Hear what happens next/);
		r = await fetch(`${server.url}${link}/hear-back`, form({ email: 'not an address' }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /nhsuk-error-summary/);
		r = await fetch(`${server.url}${link}/hear-back`, form({ email: 'resident@example.org' }));
		assert.equal(r.status, 303);
		assert.match(r.headers.get('location'), /\/done\?hear_back=1$/);
		const link2 = await answer(survey.id);
		r = await fetch(`${server.url}${link2}/hear-back`, form({ email: 'second@example.org' }));
		assert.equal(r.status, 303);
		// Kept sealed: the address is not in the database as text.
		const sql = sqlOf(server);
		assert.equal(Number(await sql("SELECT count(*) FROM hear_back")), 2);
		assert.equal(Number(await sql("SELECT count(*) FROM hear_back WHERE CAST(recipient AS TEXT) LIKE '%example.org%'")), 0);
	});
});

describe('the private link by email', () => {
	test('a respondent who will come back later gets their link by email; a bad address is refused', async () => {
		let r = await fetch(`${server.url}/o/blackpool/surveys/${survey.id}`, form({}));
		const link = r.headers.get('location');
		r = await fetch(`${server.url}${link}/email`, form({ email: 'nope' }));
		assert.equal(r.status, 422);
		// The page they were on, its form open, the address kept and its error summarised.
		const refused = await r.text();
		assert.match(refused, /<title>Error: /);
		assert.match(refused, /<a href="#resume-email">Enter an email address in the correct format/);
		assert.match(refused, /<details class="nhsuk-details" open>/);
		assert.match(refused, /id="resume-email-error"/);
		assert.match(refused, /id="resume-email" name="email"[^>]* value="nope"/);
		assert.match(refused, /<form action="[^"]*\/p\/1" method="post"/, 'the questions are there too');
		r = await fetch(`${server.url}${link}/email`, form({ email: 'later@example.org' }));
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `${link}?emailed=1`);
		r = await fetch(`${server.url}${link}?emailed=1`, { redirect: 'manual' });
		assert.match(r.headers.get('location'), /\/p\/1\?emailed=1$/);
		r = await fetch(`${server.url}${r.headers.get('location')}`);
		assert.match(await r.text(), /We have emailed you the link/);
		const got = await smtp.waitFor(1);
		const m = got.find((x) => x.rcpt_tos[0] === 'later@example.org');
		assert.ok(m, 'the link arrived');
		assert.match(m.headers.subject, /^Your link to carry on with: Opening hours/);
		assert.ok(m.body.includes(`${server.url}${link}`), m.body);
		// Only a response still being answered has its link sent.
		await fetch(`${server.url}${link}/p/1`, form({ q1: 'No' }));
		await fetch(`${server.url}${link}/check`, form({}));
		r = await fetch(`${server.url}${link}/email`, form({ email: 'later@example.org' }));
		assert.equal(r.status, 404);
	});
});

describe('outcomes', () => {
	let draft;

	test('a draft is made by staff and seen by no one else', async () => {
		const res = await api('POST', '/api/v1/outcomes', { auth: token, body: outcome(survey.id) });
		assert.equal(res.status, 201, await res.clone().text());
		draft = await json(res);
		assert.equal(draft.status, 'draft');
		assert.equal(draft.links[0].title, 'Opening hours');
		assert.equal((await fetch(`${server.url}/o/blackpool/you-said-we-did/${draft.id}`)).status, 404);
		assert.equal((await api('GET', `/api/v1/outcomes/${draft.id}`, { auth: otherToken })).status, 404);
		assert.equal((await api('POST', '/api/v1/outcomes', { auth: viewerToken, body: outcome(survey.id) })).status, 403);
	});

	test('bad input is refused field by field', async () => {
		const bad = { ...outcome(survey.id), title: '', decided_on: '2026-02-30', decided_by: '',
			links: [{ kind: 'meeting', id: '1' }] };
		const p = await expectProblem(await api('POST', '/api/v1/outcomes', { auth: token, body: bad }), 422);
		const fields = p.errors.map((e) => e.field);
		for (const f of ['title', 'decided_on', 'decided_by', 'links[0]']) assert.ok(fields.includes(f), JSON.stringify(p.errors));
		await expectProblem(await api('POST', '/api/v1/outcomes', { auth: token,
			body: { ...outcome(survey.id), decided_on: '2099-01-01' } }), 422, 'decided_on');
		await expectProblem(await api('POST', '/api/v1/outcomes', { auth: token,
			body: { ...outcome(survey.id), links: [{ kind: 'survey', id: '999999' }] } }), 422, 'links[0]');
	});

	test('publishing shows it on the site and in the feed, and emails each address once', async () => {
		const res = await api('POST', `/api/v1/outcomes/${draft.id}/publish`, { auth: token });
		assert.equal(res.status, 200, await res.clone().text());
		assert.equal((await json(res)).status, 'published');
		await expectProblem(await api('POST', `/api/v1/outcomes/${draft.id}/publish`, { auth: token }), 409);
		await expectProblem(await api('DELETE', `/api/v1/outcomes/${draft.id}`, { auth: token }), 409);

		const messages = (await smtp.waitFor(3)).filter((m) => /^What we did/.test(m.headers.subject));
		const to = messages.map((m) => m.rcpt_tos[0]).sort();
		assert.deepEqual(to, ['resident@example.org', 'second@example.org']);
		assert.equal(messages[0].headers.subject, 'What we did: More evening appointments');
		assert.match(messages[0].body, new RegExp(`/o/blackpool/you-said-we-did/${draft.id}`));
		const sql = sqlOf(server);
		assert.equal(Number(await sql('SELECT count(*) FROM hear_back')), 0, 'the addresses are gone');

		let r = await fetch(`${server.url}/o/blackpool/you-said-we-did`);
		assert.match(await r.text(), /More evening appointments/);
		r = await fetch(`${server.url}/o/blackpool/you-said-we-did/${draft.id}`);
		const page = await r.text();
		assert.match(page, /<strong>evening<\/strong>/);
		assert.doesNotMatch(page, /<script>alert/);
		assert.doesNotMatch(page, /javascript:/);
		assert.match(page, /The trust board/);
		assert.match(page, new RegExp(`href="/o/blackpool/surveys/${survey.id}"`));

		r = await fetch(`${server.url}/o/blackpool/you-said-we-did.atom`);
		assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
		const feed = await r.text();
		assert.match(feed, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
		assert.match(feed, /<entry>\s*<title>More evening appointments<\/title>/);
		assert.match(feed, new RegExp(`<id>${server.url}/o/blackpool/you-said-we-did/${draft.id}</id>`));
		assert.match(feed, /&lt;script&gt;|We will open the clinic/);

		// No one asks twice: a later outcome finds no addresses.
		const again = await json(await api('POST', '/api/v1/outcomes', { auth: token, body: outcome(survey.id) }));
		await api('POST', `/api/v1/outcomes/${again.id}/publish`, { auth: token });
		await new Promise((res2) => setTimeout(res2, 2500));
		assert.equal((await smtp.waitFor(3)).length, 3);
	});

	test('a draft can be changed and deleted', async () => {
		const d = await json(await api('POST', '/api/v1/outcomes', { auth: token, body: outcome(survey.id) }));
		let res = await api('PATCH', `/api/v1/outcomes/${d.id}`, { auth: token, body: { title: 'Changed', links: [] } });
		assert.equal(res.status, 200);
		const got = await json(res);
		assert.equal(got.title, 'Changed');
		assert.deepEqual(got.links, []);
		res = await api('DELETE', `/api/v1/outcomes/${d.id}`, { auth: token });
		assert.equal(res.status, 204);
		const list = await json(await api('GET', '/api/v1/outcomes', { auth: token }));
		assert.ok(!list.items.some((i) => i.id === d.id));
	});
});

describe('the involve outcome command', () => {
	const cli = (args) => server.cli(args);
	let dir;

	before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'involve-outcome-cli-')); });
	after(() => rmSync(dir, { recursive: true, force: true }));

	function file(name, content) {
		const p = path.join(dir, name);
		writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
		return p;
	}

	test('--help and usage errors', async () => {
		assert.match((await ok(cli(['outcome', '--help']))).stdout, /^Usage: involve outcome create /);
		assert.match((await ok(cli(['--help']))).stdout, /^ {2}outcome {6}/m);
		await refused(cli(['outcome']), 2, /involve outcome/);
		await refused(cli(['outcome', 'archive', '--org', 'blackpool']), 2, /unknown action 'archive'/);
		await refused(cli(['outcome', 'list']), 2, /list needs --org/);
		await refused(cli(['outcome', 'create', '--org', 'blackpool']), 2, /needs --org and --file/);
		await refused(cli(['outcome', 'show', '--org', 'blackpool', '--outcome', 'x']), 2,
			/--outcome must be/);
		await refused(cli(['outcome', 'publish', '--org', 'blackpool', '--outcome', '1']), 2,
			/publish needs --public-url/);
		await refused(cli(['outcome', 'publish', '--org', 'blackpool', '--outcome', '1',
			'--public-url', 'ftp://x']), 2, /--public-url must be/);
	});

	test('a draft from a file, listed, shown, published with its mail, then kept', async () => {
		// One more respondent who asks to hear back.
		const link = await answer(survey.id);
		let r = await fetch(`${server.url}${link}/hear-back`, form({ email: 'cli@example.org' }));
		assert.equal(r.status, 303);

		const made = await ok(cli(['outcome', 'create', '--org', 'blackpool', '--file',
			file('o.json', { ...outcome(survey.id), title: 'Pharmacy open late' })]));
		const id = /^Created outcome (\d+), "Pharmacy open late", a draft answering 1 engagement\.$/m
			.exec(made.stdout)?.[1];
		assert.ok(id, made.stdout);
		let got = await ok(cli(['outcome', 'list', '--org', 'blackpool']));
		assert.match(got.stdout, /^id\tstatus\tdecided_on\tlinks\ttitle$/m);
		assert.match(got.stdout, new RegExp(`^${id}\tdraft\t2026-11-30\t1\tPharmacy open late$`, 'm'));
		got = await ok(cli(['outcome', 'show', '--org', 'blackpool', '--outcome', id]));
		assert.match(got.stdout, /^A draft$/m);
		assert.match(got.stdout, new RegExp(`^ {2}survey ${survey.id}, Opening hours$`, 'm'));
		// The API sees what the command made; another organisation does not.
		assert.equal((await json(await api('GET', `/api/v1/outcomes/${id}`, { auth: token }))).title,
			'Pharmacy open late');
		await refused(cli(['outcome', 'show', '--org', 'bury', '--outcome', id]), 1,
			/'bury' has no outcome/);

		got = await ok(cli(['outcome', 'publish', '--org', 'blackpool', '--outcome', id,
			'--public-url', 'https://involve.example.org/']));
		assert.match(got.stdout, /^Published outcome \d+; 1 email queued/m);
		const m = (await smtp.waitFor(4)).find((x) => x.rcpt_tos[0] === 'cli@example.org');
		assert.ok(m, 'the mail arrived');
		assert.equal(m.headers.subject, 'What we did: Pharmacy open late');
		assert.ok(m.body.includes(`https://involve.example.org/o/blackpool/you-said-we-did/${id}`), m.body);
		r = await fetch(`${server.url}/o/blackpool/you-said-we-did/${id}`);
		assert.equal(r.status, 200);

		await refused(cli(['outcome', 'publish', '--org', 'blackpool', '--outcome', id,
			'--public-url', 'https://involve.example.org']), 1, /published already/);
		await refused(cli(['outcome', 'delete', '--org', 'blackpool', '--outcome', id]), 1,
			/is published, and stays/);
	});

	test('a bad file is refused with every problem, and nothing is made', async () => {
		const before = (await json(await api('GET', '/api/v1/outcomes', { auth: token }))).items.length;
		let r = await refused(cli(['outcome', 'create', '--org', 'blackpool', '--file',
			file('bad.json', { title: '', decided_on: '2099-01-01', decided_by: 'x', you_said: 'y',
				decision: 'z', links: [{ kind: 'meeting', id: '1' }], colour: 'red' })]), 1, /title: Enter the title/);
		assert.match(r.stderr, /colour: Unknown field/);
		assert.match(r.stderr, /decided_on: The date of the decision must not be in the future/);
		assert.match(r.stderr, /links\[0\]: A link is/);
		r = await refused(cli(['outcome', 'create', '--org', 'blackpool', '--file',
			file('other.json', { ...outcome(survey.id), links: [{ kind: 'survey', id: '999999' }] })]), 1,
			/links\[0\]/);
		await refused(cli(['outcome', 'create', '--org', 'blackpool', '--file', file('x.json', '{nope')]),
			1, /is not valid JSON/);
		await refused(cli(['outcome', 'create', '--org', 'blackpool', '--file', path.join(dir, 'missing.json')]),
			1, /cannot read/);
		await refused(cli(['outcome', 'create', '--org', 'nowhere', '--file', file('y.json', outcome(survey.id))]),
			1, /no organisation 'nowhere'/);
		assert.equal((await json(await api('GET', '/api/v1/outcomes', { auth: token }))).items.length, before);

		// A draft made here can be deleted here.
		const made = await ok(cli(['outcome', 'create', '--org', 'blackpool', '--file', file('d.json', outcome(survey.id))]));
		const id = /^Created outcome (\d+)/m.exec(made.stdout)[1];
		assert.match((await ok(cli(['outcome', 'delete', '--org', 'blackpool', '--outcome', id]))).stdout,
			/^Deleted draft outcome \d+\.$/m);
		await refused(cli(['outcome', 'delete', '--org', 'blackpool', '--outcome', id]), 1, /has no outcome/);
	});
});

describe('the staff pages', () => {
	let cookie;
	let csrf;

	before(async () => {
		({ cookie } = await signIn(server.url, 'officer@blackpool.example.org', STAFF_PASSWORD));
		csrf = csrfOf(await (await staffGet(server.url, '/staff/outcomes/new', cookie)).text());
	});

	const post = (path, fields) => postForm(server.url, path, { csrf, ...fields }, { cookie });
	const good = (extra = {}) => ({
		title: 'Later pharmacy hours', you_said: 'You said **evenings** matter. <script>alert(1)</script>',
		decision: 'We asked pharmacies to open until 8pm.', what_changed: '',
		decided_by: 'The primary care committee', 'decided_on-day': '5', 'decided_on-month': '11',
		'decided_on-year': '2026', links: `survey:${survey.id}`, ...extra,
	});

	test('an outcome is written, checked, changed, published and then kept', async () => {
		let r = await staffGet(server.url, '/staff/outcomes', cookie);
		assert.equal(r.status, 200);
		let page = await r.text();
		assert.match(page, /Write an outcome/);
		assert.match(page, /More evening appointments/, 'outcomes made through the API are listed');
		page = await (await staffGet(server.url, '/staff/outcomes/new', cookie)).text();
		assert.match(page, new RegExp(`value="survey:${survey.id}"`));
		assert.match(page, /Survey: <bdi>Opening hours<\/bdi>/);

		// Every problem at once, each leading to its field; nothing is kept.
		const before = (await json(await api('GET', '/api/v1/outcomes', { auth: token }))).items.length;
		r = await post('/staff/outcomes', good({ title: '', decided_by: '', 'decided_on-day': '31',
			'decided_on-month': '2', links: 'survey:nonsense' }));
		assert.equal(r.status, 422);
		page = await r.text();
		assert.match(page, /nhsuk-error-summary/);
		for (const id of ['title', 'decided_by', 'decided_on-day', 'links']) {
			assert.match(page, new RegExp(`href="#${id}"`), id);
		}
		assert.match(page, /The primary care committee|You said \*\*evenings\*\*/, 'what was typed is kept');
		r = await post('/staff/outcomes', good({ 'decided_on-year': '26' }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /Enter the date of the decision, for example 27 3 2026/);
		r = await post('/staff/outcomes', good({ 'decided_on-year': '2099' }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /must not be in the future/);
		r = await post('/staff/outcomes', good({ links: 'survey:999999' }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /href="#links"/);
		assert.equal((await json(await api('GET', '/api/v1/outcomes', { auth: token }))).items.length, before);

		r = await post('/staff/outcomes', good());
		assert.equal(r.status, 303, await r.clone().text());
		const where = r.headers.get('location');
		const id = /^\/staff\/outcomes\/(\d+)\?done=created$/.exec(where)?.[1];
		assert.ok(id, where);
		page = await (await staffGet(server.url, where, cookie)).text();
		assert.match(page, /The draft has been saved/);
		assert.match(page, /Draft/);
		assert.match(page, /<strong>evenings<\/strong>/);
		assert.doesNotMatch(page, /<script>alert/);
		assert.match(page, /2026-11-05/);
		assert.equal((await fetch(`${server.url}/o/blackpool/you-said-we-did/${id}`)).status, 404);

		page = await (await staffGet(server.url, `/staff/outcomes/${id}/edit`, cookie)).text();
		assert.match(page, new RegExp(`value="survey:${survey.id}" checked`));
		assert.match(page, /id="decided_on-day" name="decided_on-day" type="text" inputmode="numeric" value="5"/);
		r = await post(`/staff/outcomes/${id}/edit`, good({ title: 'Pharmacies open later' }));
		assert.equal(r.status, 303);
		assert.equal((await json(await api('GET', `/api/v1/outcomes/${id}`, { auth: token }))).title,
			'Pharmacies open later');

		page = await (await staffGet(server.url, `/staff/outcomes/${id}/publish`, cookie)).text();
		assert.match(page, /cannot be changed or taken back/);
		r = await post(`/staff/outcomes/${id}/publish`, {});
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `/staff/outcomes/${id}?done=published`);
		page = await (await staffGet(server.url, `/staff/outcomes/${id}?done=published`, cookie)).text();
		assert.match(page, /The outcome has been published/);
		assert.match(page, new RegExp(`href="/o/blackpool/you-said-we-did/${id}"`));
		assert.doesNotMatch(page, /Change the draft/);
		assert.equal((await fetch(`${server.url}/o/blackpool/you-said-we-did/${id}`)).status, 200);
		// Published: kept as it is.
		assert.equal((await staffGet(server.url, `/staff/outcomes/${id}/edit`, cookie)).status, 409);
		assert.equal((await post(`/staff/outcomes/${id}/edit`, good())).status, 409);
		assert.equal((await post(`/staff/outcomes/${id}/publish`, {})).status, 409);
		assert.equal((await post(`/staff/outcomes/${id}/delete`, {})).status, 409);
	});

	test('a link to a question made through the API survives a change in the browser', async () => {
		const made = await json(await api('POST', '/api/v1/outcomes', { auth: token, body: {
			...outcome(survey.id), links: [{ kind: 'survey', id: survey.id, question: 'q1' }] } }));
		const page = await (await staffGet(server.url, `/staff/outcomes/${made.id}/edit`, cookie)).text();
		assert.match(page, new RegExp(`value="survey:${survey.id}:q1" checked`));
		const r = await post(`/staff/outcomes/${made.id}/edit`, good({
			links: [`survey:${survey.id}:q1`] }));
		assert.equal(r.status, 303, await r.clone().text());
		const got = await json(await api('GET', `/api/v1/outcomes/${made.id}`, { auth: token }));
		assert.deepEqual(got.links.map((l) => [l.id, l.question]), [[survey.id, 'q1']]);
	});

	test('a draft is deleted after a confirmation', async () => {
		let r = await post('/staff/outcomes', good({ title: 'To delete' }));
		const id = /(\d+)\?/.exec(r.headers.get('location'))[1];
		assert.match(await (await staffGet(server.url, `/staff/outcomes/${id}/delete`, cookie)).text(),
			/The draft is deleted/);
		r = await post(`/staff/outcomes/${id}/delete`, {});
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/staff/outcomes?done=deleted');
		assert.equal((await staffGet(server.url, `/staff/outcomes/${id}`, cookie)).status, 404);
	});

	test("an assessment's evidence trail ends with the published outcomes of what followed", async () => {
		const a = await json(await api('POST', '/api/v1/assessments', { auth: token, body: {
			title: 'Evening opening', proposal: 'Open later.', affected: 'Working people.',
			involvement: 'undecided', duties: ['nhs_act_s242'] } }));
		let res = await api('POST', `/api/v1/assessments/${a.id}/links`, { auth: token,
			body: { kind: 'survey', id: survey.id } });
		assert.equal(res.status, 201, await res.clone().text());
		const page = await (await staffGet(server.url, `/staff/assessments/${a.id}`, cookie)).text();
		assert.match(page, /5\. What people said, and what changed/);
		const listed = [...page.matchAll(/<li><a href="\/staff\/outcomes\/(\d+)">/g)].map((m) => m[1]);
		const published = (await json(await api('GET', '/api/v1/outcomes', { auth: token }))).items
			.filter((o) => o.status === 'published' && o.links.some((l) => l.id === survey.id))
			.map((o) => o.id);
		assert.deepEqual(listed.sort(), published.sort(), 'each published outcome once, no draft');
		assert.ok(published.length >= 2);
	});

	test('a viewer reads but cannot write; another organisation sees nothing', async () => {
		const mine = await json(await api('POST', '/api/v1/outcomes', { auth: token, body: outcome(survey.id) }));
		const viewer = await signIn(server.url, 'viewer@blackpool.example.org', STAFF_PASSWORD);
		assert.equal((await staffGet(server.url, '/staff/outcomes', viewer.cookie)).status, 200);
		const view = await (await staffGet(server.url, `/staff/outcomes/${mine.id}`, viewer.cookie)).text();
		assert.doesNotMatch(view, /Change the draft/);
		for (const path of ['/staff/outcomes/new', `/staff/outcomes/${mine.id}/edit`,
			`/staff/outcomes/${mine.id}/publish`, `/staff/outcomes/${mine.id}/delete`]) {
			assert.equal((await staffGet(server.url, path, viewer.cookie)).status, 403, path);
		}
		const vcsrf = csrfOf(view);
		const r = await postForm(server.url, `/staff/outcomes/${mine.id}/publish`, { csrf: vcsrf },
			{ cookie: viewer.cookie });
		assert.equal(r.status, 403);

		const other = await signIn(server.url, 'officer@bury.example.org', STAFF_PASSWORD);
		for (const path of [`/staff/outcomes/${mine.id}`, `/staff/outcomes/${mine.id}/edit`]) {
			assert.equal((await staffGet(server.url, path, other.cookie)).status, 404, path);
		}
		assert.doesNotMatch(await (await staffGet(server.url, '/staff/outcomes', other.cookie)).text(),
			/More evening appointments/);
	});
});
