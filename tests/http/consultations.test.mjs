// Consultations and the duty to involve against the real server and a real SQLite file: a
// consultation made and refused opening until its fair-consultation checklist is recorded,
// documents whose Markdown holds a script and a javascript: link shown safely, their easy read
// versions, files up and down with their headers and the files refused, the lifecycle the
// public sees at each stage, analysing only once closed; assessments linked to the engagements
// that follow, their evidence trail page; and the refusals: bad input, another organisation's,
// a viewer's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { createOrg, createPoll, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { csrfOf, signIn, staffGet } from '../lib/staff.mjs';

let server;
let api;
let token;
let otherToken;
let viewerToken;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const EXE = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]);

const CHECKLIST = {
	formative: { met: true, note: 'No option has been chosen: the board decides in March.' },
	information: { met: true, note: 'The full strategy and an easy read summary are attached.' },
	time: { met: true, note: 'Twelve weeks, with events in Blackpool, Fylde and Wyre.' },
	consideration: { met: true, note: 'Every response is read and reported to the board.' },
};

before(async () => {
	server = await startServer();
	api = apiClient(server);
	await createOrg(server, 'blackpool', 'Blackpool Teaching Hospitals');
	await createOrg(server, 'bury', 'NHS Bury');
	({ token } = await makeStaff(server, { org: 'blackpool', email: 'officer@blackpool.example.org',
		role: 'engagement_officer' }));
	({ token: viewerToken } = await makeStaff(server, { org: 'blackpool',
		email: 'viewer@blackpool.example.org', role: 'viewer' }));
	({ token: otherToken } = await makeStaff(server, { org: 'bury', email: 'officer@bury.example.org',
		role: 'engagement_officer' }));
});

after(async () => {
	await server.stop();
});

async function createConsultation(title = 'Our strategy 2022 to 2027', auth = token) {
	const res = await api('POST', '/api/v1/surveys', { auth, body: {
		kind: 'consultation', title,
		pages: [{ key: 'views', title: 'Your views', questions: [
			{ key: 'priorities', type: 'long_text', text: 'What should our priorities be?' },
		] }],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

async function putChecklist(id, body, auth = token) {
	return api('PUT', `/api/v1/surveys/${id}/checklist`, { auth, body });
}

async function openConsultation(id) {
	assert.equal((await putChecklist(id, CHECKLIST)).status, 200);
	const res = await api('POST', `/api/v1/surveys/${id}/open`, { auth: token });
	assert.equal(res.status, 200, await res.clone().text());
	return json(res);
}

async function addDocument(id, body, auth = token) {
	return api('POST', `/api/v1/surveys/${id}/documents`, { auth, body });
}

function upload(id, doc, name, type, bytes, auth = token) {
	const headers = { Authorization: `Bearer ${auth}` };
	if (type) headers['Content-Type'] = type;
	return fetch(`${server.url}/api/v1/surveys/${id}/documents/${doc}/attachments?name=` +
		encodeURIComponent(name), { method: 'POST', headers, body: bytes });
}

async function page(path) {
	const res = await fetch(server.url + path);
	return { status: res.status, text: await res.text(), headers: res.headers };
}

// The stage the public page marks as current, and every stage's status.
async function publicStages(id) {
	const p = await page(`/o/blackpool/surveys/${id}`);
	assert.equal(p.status, 200, `the public page: ${p.status}`);
	const items = [...p.text.matchAll(/<li class="nhsuk-task-list__item"( aria-current="step")?>([\s\S]*?)<\/li>/g)];
	assert.equal(items.length, 5, 'five stages');
	const stages = items.map((m) => ({
		current: Boolean(m[1]),
		name: m[2].match(/<div>(?:<strong>)?([^<]+)/)[1],
		status: m[2].match(/task-list__status[^>]*>\s*(?:<strong[^>]*>)?([^<]+?)\s*</)[1],
	}));
	return { current: stages.filter((s) => s.current).map((s) => s.name), stages, text: p.text };
}

describe('a consultation and its checklist', () => {
	test('a consultation is made a draft, with its kind and lifecycle', async () => {
		const c = await createConsultation();
		assert.equal(c.kind, 'consultation');
		assert.equal(c.status, 'draft');
		assert.equal(c.lifecycle, 'draft');
		assert.equal(c.opens_at, null);
		assert.equal(c.checklist.complete, false);
		for (const k of ['formative', 'information', 'time', 'consideration']) {
			assert.deepEqual(c.checklist[k], { met: null, note: '' });
		}
		const plain = await api('POST', '/api/v1/surveys', { auth: token, body: {
			title: 'A plain survey', pages: [{ key: 'p', questions: [{ key: 'q', type: 'text',
				text: 'Anything else?' }] }],
		} });
		assert.equal(plain.status, 201, await plain.clone().text());
		const s = await json(plain);
		assert.equal(s.kind, 'survey');
		assert.equal(s.status, 'open', 'a survey still opens at once');
		assert.equal(s.lifecycle, undefined);
		// The public never sees the checklist.
		const open = await openConsultation(c.id);
		const seen = await json(await api('GET', `/api/v1/surveys/${c.id}`));
		assert.equal(seen.lifecycle, 'open');
		assert.equal(seen.checklist, undefined);
		assert.equal(open.checklist.complete, true);
	});

	test('a consultation with an opening time, or of no known kind, is refused when made', async () => {
		let res = await api('POST', '/api/v1/surveys', { auth: token, body: {
			kind: 'consultation', title: 'Scheduled', opens_at: '2030-01-01T09:00:00Z',
			pages: [{ key: 'p', questions: [{ key: 'q', type: 'text', text: 'Why?' }] }],
		} });
		await expectProblem(res, 422, 'opens_at');
		res = await api('POST', '/api/v1/surveys', { auth: token, body: {
			kind: 'petition', title: 'No',
			pages: [{ key: 'p', questions: [{ key: 'q', type: 'text', text: 'Why?' }] }],
		} });
		await expectProblem(res, 422, 'kind');
		const c = await createConsultation();
		res = await api('PATCH', `/api/v1/surveys/${c.id}`, { auth: token, body: { kind: 'survey' } });
		await expectProblem(res, 422, 'kind');
	});

	test('opening is refused until all four items are recorded, then allowed', async () => {
		const c = await createConsultation();
		let res = await api('POST', `/api/v1/surveys/${c.id}/open`, { auth: token });
		const p = await expectProblem(res, 409, 'checklist.formative');
		assert.match(p.detail, /checklist/);
		for (const k of ['information', 'time', 'consideration']) {
			assert.ok(p.errors.some((e) => e.field === `checklist.${k}`), k);
		}
		// An opening time would open it with nobody asking again.
		res = await api('PATCH', `/api/v1/surveys/${c.id}`, { auth: token,
			body: { opens_at: '2030-01-01T09:00:00Z' } });
		await expectProblem(res, 409, 'opens_at');

		res = await putChecklist(c.id, { formative: CHECKLIST.formative,
			time: { met: false, note: 'Eight weeks over the summer: we add evening events.' } });
		assert.equal(res.status, 200);
		const partial = await json(res);
		assert.equal(partial.complete, false);
		assert.equal(partial.time.met, false);
		assert.equal(partial.recorded_by, 'officer@blackpool.example.org');
		res = await api('POST', `/api/v1/surveys/${c.id}/open`, { auth: token });
		const again = await expectProblem(res, 409, 'checklist.information');
		assert.ok(!again.errors.some((e) => e.field === 'checklist.formative'), 'recorded');
		assert.ok(!again.errors.some((e) => e.field === 'checklist.time'), 'recorded as not met');

		const full = await json(await putChecklist(c.id, CHECKLIST));
		assert.equal(full.complete, true);
		res = await api('GET', `/api/v1/surveys/${c.id}/checklist`, { auth: token });
		assert.deepEqual(await json(res), full);
		res = await api('POST', `/api/v1/surveys/${c.id}/open`, { auth: token });
		assert.equal(res.status, 200);
		assert.equal((await json(res)).lifecycle, 'open');
		// The record of the decision to open stays as it was.
		res = await putChecklist(c.id, CHECKLIST);
		await expectProblem(res, 409, 'checklist');
	});

	test('an opening time can be set once the checklist is recorded', async () => {
		const c = await createConsultation();
		await putChecklist(c.id, CHECKLIST);
		const opens = new Date(Date.now() + 7 * 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		let res = await api('PATCH', `/api/v1/surveys/${c.id}`, { auth: token, body: { opens_at: opens } });
		assert.equal(res.status, 200, await res.clone().text());
		assert.equal((await json(res)).status, 'scheduled');
		// Due to open: every item stays recorded.
		res = await putChecklist(c.id, { ...CHECKLIST, consideration: null });
		await expectProblem(res, 409, 'checklist');
	});

	test('a bad checklist is refused with its fields', async () => {
		const c = await createConsultation();
		let res = await putChecklist(c.id, { formative: { met: 'yes' }, time: { met: false },
			information: { met: true, note: 'x'.repeat(2001) }, consideration: { met: true, why: 'no' } });
		const p = await expectProblem(res, 422, 'formative.met');
		assert.ok(p.errors.some((e) => e.field === 'consideration.why'), JSON.stringify(p.errors));
		res = await putChecklist(c.id, { time: { met: false, note: '  ' },
			information: { met: true, note: 'x'.repeat(2001) } });
		const q = await expectProblem(res, 422, 'time.note');
		assert.ok(q.errors.some((e) => e.field === 'information.note'));
		res = await putChecklist(c.id, { formative: 'yes' });
		await expectProblem(res, 422, 'formative');
		res = await putChecklist(c.id, { formative: { met: true, note: 'a\u0007bell' } });
		await expectProblem(res, 422, 'formative.note');
		// Invalid UTF-8 is not JSON at all.
		res = await fetch(`${server.url}/api/v1/surveys/${c.id}/checklist`, { method: 'PUT',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: Buffer.concat([Buffer.from('{"formative":{"met":true,"note":"'),
				Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]) });
		await expectProblem(res, 400);
		assert.equal((await json(await api('GET', `/api/v1/surveys/${c.id}/checklist`,
			{ auth: token }))).recorded_at, null, 'nothing was recorded');
	});

	test('a survey that is not a consultation has no checklist', async () => {
		const res = await api('POST', '/api/v1/surveys', { auth: token, body: {
			title: 'A plain survey', opens_at: null,
			pages: [{ key: 'p', questions: [{ key: 'q', type: 'text', text: 'Anything else?' }] }],
		} });
		assert.equal(res.status, 201, await res.clone().text());
		const s = await json(res);
		await expectProblem(await putChecklist(s.id, CHECKLIST), 404);
		await expectProblem(await api('GET', `/api/v1/surveys/${s.id}/documents`), 404);
	});
});

describe('documents', () => {
	let c;
	let doc;

	before(async () => {
		c = await createConsultation('Moving the walk-in centre');
		const res = await addDocument(c.id, {
			title: 'The proposals',
			body: '# Why we propose this\n\nThe centre moves to the hospital site.\n\n' +
				'<script>alert("in the body")</script>\n\n<p onclick="alert(2)">raw</p>\n\n' +
				'[Click me](javascript:alert(document.cookie)) or read ' +
				'[the NHS website](https://www.nhs.uk).',
			easy_read: '## What is changing\n\nThe centre is **moving**.\n\n<img src=x onerror=alert(3)>',
		});
		assert.equal(res.status, 201, await res.clone().text());
		doc = await json(res);
	});

	test('a document is kept as written and listed in order', async () => {
		assert.match(doc.id, /^\d+$/);
		assert.equal(doc.position, 1);
		assert.match(doc.body, /<script>/, 'kept as typed; shown safely');
		assert.match(doc.url, new RegExp(`/o/blackpool/surveys/${c.id}/documents/${doc.id}$`));
		assert.match(doc.easy_read_url, /\/easy-read$/);
		const second = await json(await addDocument(c.id, { title: 'Travel', body: 'Buses.' }));
		assert.equal(second.easy_read, null);
		assert.equal(second.easy_read_url, null);
		const list = await json(await api('GET', `/api/v1/surveys/${c.id}/documents`, { auth: token }));
		assert.deepEqual(list.items.map((d) => d.title), ['The proposals', 'Travel']);
		assert.equal(list.items[0].body, undefined, 'the list leaves the text out');
		let res = await api('PATCH', `/api/v1/surveys/${c.id}/documents/${second.id}`, { auth: token,
			body: { title: 'Getting there', easy_read: 'Take the bus.' } });
		assert.equal(res.status, 200);
		const changed = await json(res);
		assert.equal(changed.title, 'Getting there');
		assert.equal(changed.body, 'Buses.', 'unchanged');
		assert.equal(changed.easy_read, 'Take the bus.');
		res = await api('PATCH', `/api/v1/surveys/${c.id}/documents/${second.id}`, { auth: token,
			body: { easy_read: null } });
		assert.equal((await json(res)).easy_read, null);
		res = await api('DELETE', `/api/v1/surveys/${c.id}/documents/${second.id}`, { auth: token });
		assert.equal(res.status, 204);
		res = await api('GET', `/api/v1/surveys/${c.id}/documents/${second.id}`, { auth: token });
		await expectProblem(res, 404);
	});

	test('the public sees documents only once the consultation is not a draft', async () => {
		assert.equal((await page(`/o/blackpool/surveys/${c.id}/documents/${doc.id}`)).status, 404);
		await expectProblem(await api('GET', `/api/v1/surveys/${c.id}/documents`), 404);
		await openConsultation(c.id);
		assert.equal((await page(`/o/blackpool/surveys/${c.id}/documents/${doc.id}`)).status, 200);
		assert.equal((await api('GET', `/api/v1/surveys/${c.id}/documents/${doc.id}`)).status, 200);
	});

	test('raw HTML and javascript: links are not shown on the public page', async () => {
		const p = await page(`/o/blackpool/surveys/${c.id}/documents/${doc.id}`);
		assert.equal(p.status, 200);
		assert.ok(!/<script>alert/.test(p.text), 'no script from the text');
		assert.ok(!/onclick=/i.test(p.text), 'no event handler from the text');
		assert.ok(!/javascript:/i.test(p.text), 'no javascript: link');
		assert.match(p.text, /<h2>Why we propose this<\/h2>/, 'a level-1 heading becomes h2');
		assert.match(p.text, /<a href="https:\/\/www\.nhs\.uk">the NHS website<\/a>/);
		assert.match(p.text, />Click me<\/a>/, 'the unsafe link keeps its words, not its target');
		assert.match(p.text, /Read the easy read version of this document/);
		assert.match(p.text, new RegExp(`href="/o/blackpool/surveys/${c.id}/documents/${doc.id}/easy-read"`));
		assert.match(p.headers.get('content-security-policy'), /script-src 'self'/);

		const easy = await page(`/o/blackpool/surveys/${c.id}/documents/${doc.id}/easy-read`);
		assert.equal(easy.status, 200);
		assert.match(easy.text, /The proposals \(easy read\)/);
		assert.match(easy.text, /<strong>moving<\/strong>/);
		assert.ok(!/onerror/i.test(easy.text) && !/<img/.test(easy.text), 'no raw image');
		assert.match(easy.text, /Read the full document/);

		const start = await page(`/o/blackpool/surveys/${c.id}`);
		assert.match(start.text, /Read about the proposals/);
		assert.match(start.text, new RegExp(`<a href="/o/blackpool/surveys/${c.id}/documents/${doc.id}">The proposals</a>`));
		assert.match(start.text, /Easy read version of The proposals/);
	});

	test('a document without an easy read version has no such page', async () => {
		const d = await json(await addDocument(c.id, { title: 'Costs', body: 'The costs.' }));
		assert.equal((await page(`/o/blackpool/surveys/${c.id}/documents/${d.id}/easy-read`)).status, 404);
		assert.equal((await page(`/o/blackpool/surveys/${c.id}/documents/${d.id}`)).status, 200);
		assert.equal((await page(`/o/bury/surveys/${c.id}/documents/${d.id}`)).status, 404,
			'under another organisation');
	});

	test('bad documents are refused with their fields', async () => {
		let res = await addDocument(c.id, { title: '', body: '' });
		let p = await expectProblem(res, 422, 'title');
		assert.ok(p.errors.some((e) => e.field === 'body'));
		res = await addDocument(c.id, { title: 'x'.repeat(201), body: 'ok', easy_read: 'a'.repeat(200 * 1024 + 1) });
		p = await expectProblem(res, 422, 'title');
		assert.ok(p.errors.some((e) => e.field === 'easy_read'));
		res = await addDocument(c.id, { title: 'Two\nlines', body: 'b'.repeat(200 * 1024 + 1) });
		p = await expectProblem(res, 422, 'body');
		assert.ok(p.errors.some((e) => e.field === 'title'));
		res = await addDocument(c.id, { title: 'Bell', body: 'a \u0007 bell' });
		await expectProblem(res, 422, 'body');
		res = await addDocument(c.id, { title: 'Extra', body: 'x', position: 3 });
		await expectProblem(res, 422, 'position');
		res = await fetch(`${server.url}/api/v1/surveys/${c.id}/documents`, { method: 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28]),
				Buffer.from('","body":"x"}')]) });
		await expectProblem(res, 400);
	});
});

describe('files', () => {
	let c;
	let doc;

	before(async () => {
		c = await createConsultation('Files');
		doc = await json(await addDocument(c.id, { title: 'The plan', body: 'See the file.' }));
	});

	test('a PDF goes up and comes down as an attachment, byte for byte', async () => {
		let res = await upload(c.id, doc.id, 'Our plan (draft).pdf', 'application/pdf', PDF);
		assert.equal(res.status, 201, await res.clone().text());
		const f = await json(res);
		assert.equal(f.name, 'Our plan (draft).pdf');
		assert.equal(f.media_type, 'application/pdf');
		assert.equal(f.size, PDF.length);
		const got = await json(await api('GET', `/api/v1/surveys/${c.id}/documents/${doc.id}`, { auth: token }));
		assert.deepEqual(got.attachments.map((a) => a.id), [f.id]);

		// A draft's files are not the public's yet.
		res = await fetch(`${server.url}/o/blackpool/surveys/${c.id}/attachments/${f.id}`);
		assert.equal(res.status, 404);
		await openConsultation(c.id);
		res = await fetch(f.url);
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/pdf');
		assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
		assert.equal(res.headers.get('content-disposition'),
			'attachment; filename="Our plan (draft).pdf"; filename*=UTF-8\'\'Our%20plan%20%28draft%29.pdf');
		assert.deepEqual(Buffer.from(await res.arrayBuffer()), PDF);
		const start = await page(`/o/blackpool/surveys/${c.id}`);
		assert.match(start.text, /Our plan \(draft\)\.pdf<\/a> \(PDF, \d+ bytes\)/);

		res = await api('DELETE', `/api/v1/surveys/${c.id}/attachments/${f.id}`, { auth: token });
		assert.equal(res.status, 204);
		assert.equal((await fetch(f.url)).status, 404);
	});

	test('a name past ASCII is sent in both forms', async () => {
		const res = await upload(c.id, doc.id, 'Plan för 2027.pdf', 'application/pdf', PDF);
		const f = await json(res);
		const down = await fetch(f.url);
		assert.equal(down.headers.get('content-disposition'),
			'attachment; filename="Plan f_r 2027.pdf"; filename*=UTF-8\'\'Plan%20f%C3%B6r%202027.pdf');
	});

	test('programs, other types and oversized files are refused', async () => {
		let res = await upload(c.id, doc.id, 'setup.exe', 'application/x-msdownload', EXE);
		await expectProblem(res, 415);
		res = await upload(c.id, doc.id, 'page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
		await expectProblem(res, 415);
		res = await upload(c.id, doc.id, 'plan.pdf', null, PDF);
		assert.equal(res.status, 415, 'no type at all');
		res = await upload(c.id, doc.id, 'plan.pdf', 'application/pdf', EXE);
		await expectProblem(res, 422, 'file');
		res = await upload(c.id, doc.id, 'plan.exe', 'application/pdf', PDF);
		await expectProblem(res, 422, 'name');
		res = await upload(c.id, doc.id, '../plan.pdf', 'application/pdf', PDF);
		await expectProblem(res, 422, 'name');
		res = await upload(c.id, doc.id, 'plan.png', 'image/png', PDF);
		await expectProblem(res, 422, 'file');
		res = await upload(c.id, doc.id, 'empty.pdf', 'application/pdf', Buffer.alloc(0));
		await expectProblem(res, 422, 'file');
		const big = Buffer.alloc(10 * 1024 * 1024 + 1);
		PDF.copy(big);
		res = await upload(c.id, doc.id, 'big.pdf', 'application/pdf', big);
		await expectProblem(res, 413);
		res = await fetch(`${server.url}/api/v1/surveys/${c.id}/documents/${doc.id}/attachments`, {
			method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/pdf' },
			body: PDF });
		await expectProblem(res, 422, 'name');
		res = await upload(c.id, 999999, 'plan.pdf', 'application/pdf', PDF);
		await expectProblem(res, 404);
		const got = await json(await api('GET', `/api/v1/surveys/${c.id}/documents/${doc.id}`, { auth: token }));
		assert.ok(got.attachments.every((a) => a.media_type === 'application/pdf'));
	});
});

describe('the lifecycle the public sees', () => {
	test('draft, open, closed, analysing, each marked at its stage; analysing only once closed', async () => {
		const c = await createConsultation('A lifecycle');
		assert.equal((await page(`/o/blackpool/surveys/${c.id}`)).status, 404, 'a draft is not public');
		await putChecklist(c.id, CHECKLIST);
		const opens = new Date(Date.now() + 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		await api('PATCH', `/api/v1/surveys/${c.id}`, { auth: token, body: { opens_at: opens } });
		let s = await publicStages(c.id);
		assert.deepEqual(s.current, ['Draft'], 'scheduled: still being prepared');
		assert.match(s.text, /Opens on /);
		assert.deepEqual(s.stages.map((x) => x.name), ['Draft', 'Open', 'Closed',
			'Analysing responses', 'Outcome published']);

		let res = await api('POST', `/api/v1/surveys/${c.id}/analysing`, { auth: token });
		await expectProblem(res, 409, 'stage');
		res = await api('POST', `/api/v1/surveys/${c.id}/open`, { auth: token });
		assert.equal(res.status, 200);
		s = await publicStages(c.id);
		assert.deepEqual(s.current, ['Open']);
		assert.equal(s.stages[0].status, 'Completed');
		assert.equal(s.stages[2].status, 'Not reached yet');
		res = await api('POST', `/api/v1/surveys/${c.id}/analysing`, { auth: token });
		const p = await expectProblem(res, 409, 'stage');
		assert.match(p.detail, /closed/);

		res = await api('POST', `/api/v1/surveys/${c.id}/close`, { auth: token });
		assert.equal((await json(res)).lifecycle, 'closed');
		s = await publicStages(c.id);
		assert.deepEqual(s.current, ['Closed']);

		res = await api('POST', `/api/v1/surveys/${c.id}/analysing`, { auth: token });
		assert.equal(res.status, 200);
		assert.equal((await json(res)).lifecycle, 'analysing');
		s = await publicStages(c.id);
		assert.deepEqual(s.current, ['Analysing responses']);
		assert.equal(s.stages[2].status, 'Completed');
		assert.equal(s.stages[4].status, 'Not reached yet');
		res = await api('POST', `/api/v1/surveys/${c.id}/analysing`, { auth: token });
		await expectProblem(res, 409, 'stage');
		assert.equal((await json(await api('GET', `/api/v1/surveys/${c.id}`))).lifecycle, 'analysing');

		// Closed: documents and files stay as they were.
		res = await addDocument(c.id, { title: 'Too late', body: 'x' });
		await expectProblem(res, 409, 'survey');

		// Publishing an outcome that answers it moves it on, in the same step; an open
		// consultation the same outcome answers keeps its stage.
		const still = await createConsultation('Still open');
		await openConsultation(still.id);
		res = await api('POST', '/api/v1/outcomes', { auth: token, body: {
			title: 'What we heard', you_said: 'Keep it near.', decision: 'We will.',
			decided_by: 'The board', decided_on: '2026-01-05',
			links: [{ kind: 'survey', id: c.id }, { kind: 'survey', id: still.id }],
		} });
		assert.equal(res.status, 201);
		const made = await json(res);
		assert.equal((await json(await api('GET', `/api/v1/surveys/${c.id}`))).lifecycle, 'analysing',
			'a draft outcome moves nothing');
		res = await api('POST', `/api/v1/outcomes/${made.id}/publish`, { auth: token });
		assert.equal(res.status, 200);
		assert.equal((await json(await api('GET', `/api/v1/surveys/${c.id}`))).lifecycle,
			'outcome_published');
		s = await publicStages(c.id);
		assert.deepEqual(s.current, ['Outcome published']);
		assert.equal((await json(await api('GET', `/api/v1/surveys/${still.id}`))).lifecycle, 'open');
	});
});

describe('assessments of the duty to involve', () => {
	const assessment = {
		title: 'Moving the walk-in centre to the hospital site',
		proposal: 'The walk-in centre in the town centre closes and its service moves to the hospital.',
		affected: 'People in the town centre, especially those without a car; people with disabilities.',
		involvement: 'required',
		methods: ['consultation', 'engagement'],
		duties: ['nhs_act_s242', 'equality_act_s149'],
	};

	test('an assessment links the engagements that follow and shows the evidence trail', async () => {
		let res = await api('POST', '/api/v1/assessments', { auth: token, body: assessment });
		assert.equal(res.status, 201, await res.clone().text());
		const a = await json(res);
		assert.match(a.id, /^\d+$/);
		assert.deepEqual(a.duties, ['nhs_act_s242', 'equality_act_s149']);
		assert.deepEqual(a.links, []);
		assert.equal(a.created_by, 'officer@blackpool.example.org');

		const c = await createConsultation('The walk-in centre');
		await openConsultation(c.id);
		await api('POST', `/api/v1/surveys/${c.id}/responses`, { body: {
			answers: { priorities: 'Keep a bus to the hospital.' } } });
		const poll = await createPoll(server.url, token, { question: 'Should the centre move?',
			options: ['Yes', 'No'] });
		res = await api('POST', `/api/v1/assessments/${a.id}/links`, { auth: token,
			body: { kind: 'survey', id: c.id } });
		assert.equal(res.status, 201);
		res = await api('POST', `/api/v1/assessments/${a.id}/links`, { auth: token,
			body: { kind: 'poll', id: poll.id } });
		const linked = await json(res);
		assert.deepEqual(linked.links.map((l) => [l.kind, l.id, l.engagement]),
			[['survey', c.id, 'consultation'], ['poll', poll.id, 'poll']]);
		assert.equal(linked.links[0].state, 'open');
		assert.equal(linked.links[0].responses, 1);
		assert.equal(linked.links[0].title, 'The walk-in centre');
		assert.ok(linked.links[0].opens_at);
		res = await api('POST', `/api/v1/assessments/${a.id}/links`, { auth: token,
			body: { kind: 'poll', id: poll.id } });
		await expectProblem(res, 409);

		res = await api('PATCH', `/api/v1/assessments/${a.id}`, { auth: token, body: {
			decision: 'The centre moves in April, with a bus every 20 minutes.',
			decided_at: '2026-01-15T10:00:00Z' } });
		assert.equal(res.status, 200);
		const decided = await json(res);
		assert.equal(decided.decided_at, '2026-01-15T10:00:00Z');
		assert.equal(decided.links.length, 2);

		const { cookie } = await signIn(server.url, 'officer@blackpool.example.org', STAFF_PASSWORD);
		const trail = await staffGet(server.url, `/staff/assessments/${a.id}`, cookie);
		assert.equal(trail.status, 200);
		const html = await trail.text();
		for (const text of ['1. The proposal', 'What changes', '2. The assessment',
			'NHS Act 2006 s.242 (NHS trusts and foundation trusts)',
			'Equality Act 2010 s.149 (public sector equality duty)', 'Formal consultation',
			'3. The engagements that followed', 'Consultation: <a href="/staff/consultations/',
			'The walk-in centre', 'Poll: <a href="/staff/polls/', 'Should the centre move?',
			'4. The decision', 'The centre moves in April, with a bus every 20 minutes.']) {
			assert.ok(html.includes(text), `the trail shows ${text}`);
		}
		assert.ok(html.indexOf('1. The proposal') < html.indexOf('3. The engagements') &&
			html.indexOf('3. The engagements') < html.indexOf('4. The decision'), 'in order');

		res = await api('DELETE', `/api/v1/assessments/${a.id}/links/poll/${poll.id}`, { auth: token });
		assert.equal(res.status, 204);
		res = await api('DELETE', `/api/v1/assessments/${a.id}/links/poll/${poll.id}`, { auth: token });
		await expectProblem(res, 404);
		const list = await json(await api('GET', '/api/v1/assessments', { auth: viewerToken }));
		assert.ok(list.items.some((x) => x.id === a.id), 'staff of every role may read them');
	});

	test('bad assessments are refused with their fields', async () => {
		let res = await api('POST', '/api/v1/assessments', { auth: token, body: {
			title: '', proposal: 'x', affected: 'y', involvement: 'not_required',
			duties: ['nhs_act_s999'], decided_at: '2026-01-01T00:00:00Z' } });
		const p = await expectProblem(res, 422, 'title');
		for (const f of ['reason', 'duties[0]', 'decision']) {
			assert.ok(p.errors.some((e) => e.field === f), `${f}: ${JSON.stringify(p.errors)}`);
		}
		res = await api('POST', '/api/v1/assessments', { auth: token, body: {
			...assessment, methods: [], duties: ['other'], decision: 'Yes' } });
		const q = await expectProblem(res, 422, 'methods');
		for (const f of ['duty_other', 'decided_at']) assert.ok(q.errors.some((e) => e.field === f), f);
		res = await api('POST', '/api/v1/assessments', { auth: token, body: { ...assessment,
			decision: 'Later', decided_at: '2099-01-01T00:00:00Z' } });
		await expectProblem(res, 422, 'decided_at');
		res = await api('POST', '/api/v1/assessments', { auth: token, body: { ...assessment,
			involvement: 'maybe' } });
		await expectProblem(res, 422, 'involvement');
		res = await api('POST', '/api/v1/assessments', { auth: token, body: { ...assessment,
			affected: 'a'.repeat(10001) } });
		await expectProblem(res, 422, 'affected');
		const a = await json(await api('POST', '/api/v1/assessments', { auth: token, body: assessment }));
		res = await api('POST', `/api/v1/assessments/${a.id}/links`, { auth: token,
			body: { kind: 'meeting', id: '1' } });
		await expectProblem(res, 422, 'kind');
		res = await api('POST', `/api/v1/assessments/${a.id}/links`, { auth: token,
			body: { kind: 'survey', id: '999999' } });
		await expectProblem(res, 422, 'id');
	});
});

describe('another organisation and other roles', () => {
	test("another organisation's consultation, documents, files and assessments are not found", async () => {
		const c = await createConsultation('Ours');
		const d = await json(await addDocument(c.id, { title: 'Ours', body: 'Ours.' }));
		const f = await json(await upload(c.id, d.id, 'ours.pdf', 'application/pdf', PDF));
		const a = await json(await api('POST', '/api/v1/assessments', { auth: token, body: {
			title: 'Ours', proposal: 'x', affected: 'y', involvement: 'undecided', duties: ['nhs_act_s242'] } }));
		const theirs = await createPoll(server.url, otherToken, { question: 'Theirs?', options: ['A', 'B'] });
		const other = { auth: otherToken };
		await expectProblem(await api('GET', `/api/v1/surveys/${c.id}/checklist`, other), 404);
		await expectProblem(await putChecklist(c.id, CHECKLIST, otherToken), 404);
		await expectProblem(await api('POST', `/api/v1/surveys/${c.id}/analysing`, other), 404);
		await expectProblem(await addDocument(c.id, { title: 'T', body: 'B' }, otherToken), 404);
		await expectProblem(await api('GET', `/api/v1/surveys/${c.id}/documents/${d.id}`, other), 404);
		await expectProblem(await api('PATCH', `/api/v1/surveys/${c.id}/documents/${d.id}`,
			{ ...other, body: { title: 'Mine' } }), 404);
		await expectProblem(await api('DELETE', `/api/v1/surveys/${c.id}/documents/${d.id}`, other), 404);
		await expectProblem(await upload(c.id, d.id, 'x.pdf', 'application/pdf', PDF, otherToken), 404);
		await expectProblem(await api('DELETE', `/api/v1/surveys/${c.id}/attachments/${f.id}`, other), 404);
		await expectProblem(await api('GET', `/api/v1/assessments/${a.id}`, other), 404);
		await expectProblem(await api('PATCH', `/api/v1/assessments/${a.id}`,
			{ ...other, body: { title: 'Mine' } }), 404);
		await expectProblem(await api('POST', `/api/v1/assessments/${a.id}/links`,
			{ ...other, body: { kind: 'poll', id: theirs.id } }), 404);
		// Nor may ours link their poll.
		await expectProblem(await api('POST', `/api/v1/assessments/${a.id}/links`,
			{ auth: token, body: { kind: 'poll', id: theirs.id } }), 422, 'id');
		const list = await json(await api('GET', '/api/v1/assessments', other));
		assert.ok(!list.items.some((x) => x.id === a.id));

		await makeStaff(server, { org: 'bury', email: 'admin@bury.example.org', role: 'administrator' });
		const { cookie } = await signIn(server.url, 'admin@bury.example.org', STAFF_PASSWORD);
		for (const path of [`/staff/consultations/${c.id}`, `/staff/consultations/${c.id}/checklist`,
			`/staff/consultations/${c.id}/documents/${d.id}`, `/staff/consultations/${c.id}/attachments/${f.id}`,
			`/staff/assessments/${a.id}`]) {
			const res = await staffGet(server.url, path, cookie);
			assert.equal(res.status, 404, path);
		}
	});

	test('a viewer reads but cannot create or change', async () => {
		const c = await createConsultation('For viewers');
		const d = await json(await addDocument(c.id, { title: 'Doc', body: 'Body.' }));
		const a = await json(await api('POST', '/api/v1/assessments', { auth: token, body: {
			title: 'A change', proposal: 'x', affected: 'y', involvement: 'undecided', duties: ['nhs_act_s242'] } }));
		const viewer = { auth: viewerToken };
		await expectProblem(await api('POST', '/api/v1/surveys', { ...viewer, body: {
			kind: 'consultation', title: 'No',
			pages: [{ key: 'p', questions: [{ key: 'q', type: 'text', text: 'Why?' }] }] } }), 403);
		await expectProblem(await putChecklist(c.id, CHECKLIST, viewerToken), 403);
		await expectProblem(await addDocument(c.id, { title: 'T', body: 'B' }, viewerToken), 403);
		await expectProblem(await upload(c.id, d.id, 'x.pdf', 'application/pdf', PDF, viewerToken), 403);
		await expectProblem(await api('POST', '/api/v1/assessments', { ...viewer, body: {
			title: 'No', proposal: 'x', affected: 'y', involvement: 'undecided', duties: ['nhs_act_s242'] } }), 403);
		await expectProblem(await api('PATCH', `/api/v1/assessments/${a.id}`,
			{ ...viewer, body: { title: 'No' } }), 403);
		assert.equal((await api('GET', `/api/v1/assessments/${a.id}`, viewer)).status, 200);
		assert.equal((await api('GET', `/api/v1/surveys/${c.id}/checklist`, viewer)).status, 200);

		const { cookie } = await signIn(server.url, 'viewer@blackpool.example.org', STAFF_PASSWORD);
		assert.equal((await staffGet(server.url, `/staff/consultations/${c.id}`, cookie)).status, 200);
		assert.equal((await staffGet(server.url, `/staff/assessments/${a.id}`, cookie)).status, 200);
		for (const path of ['/staff/assessments/new', `/staff/consultations/${c.id}/checklist`,
			`/staff/consultations/${c.id}/documents/new`, `/staff/assessments/${a.id}/edit`]) {
			assert.equal((await staffGet(server.url, path, cookie)).status, 403, path);
		}
		const view = await (await staffGet(server.url, `/staff/consultations/${c.id}`, cookie)).text();
		assert.ok(!view.includes('Open now'), 'no buttons a viewer cannot use');
		const csrf = csrfOf(view);
		const res = await fetch(`${server.url}/staff/consultations/${c.id}/open`, { method: 'POST',
			headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: `csrf=${csrf}`, redirect: 'manual' });
		assert.equal(res.status, 403);
	});
});

describe('the staff pages', () => {
	test('a form with invalid UTF-8 or no answer is shown again with its errors', async () => {
		const c = await createConsultation('Forms');
		const { cookie } = await signIn(server.url, 'officer@blackpool.example.org', STAFF_PASSWORD);
		const form = await (await staffGet(server.url, `/staff/consultations/${c.id}/documents/new`, cookie)).text();
		const csrf = csrfOf(form);
		const post = (path, body) => fetch(server.url + path, { method: 'POST', redirect: 'manual',
			headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: `csrf=${encodeURIComponent(csrf)}&${body}` });
		let res = await post(`/staff/consultations/${c.id}/documents`, 'title=%FF%FE&body=');
		assert.equal(res.status, 422);
		let html = await res.text();
		assert.match(html, /There is a problem/);
		assert.match(html, /href="#title"/);
		assert.match(html, /href="#body"/);
		res = await post(`/staff/consultations/${c.id}/checklist`,
			'formative=yes&information=no&information.note=&time=maybe');
		assert.equal(res.status, 422);
		html = await res.text();
		assert.match(html, /href="#information-note"/);
		assert.match(html, /href="#time"/);
		res = await post(`/staff/consultations/${c.id}/open`, '');
		assert.equal(res.status, 409);
		html = await res.text();
		assert.match(html, /A consultation opens only once the fair-consultation checklist is recorded/);
		assert.match(html, /href="#checklist-formative"/);
		res = await post('/staff/assessments', 'title=&involvement=&decided_at-day=1');
		assert.equal(res.status, 422);
		html = await res.text();
		for (const id of ['title', 'proposal', 'affected', 'involvement', 'duties', 'decided_at-day']) {
			assert.match(html, new RegExp(`href="#${id}"`), id);
		}
	});
});
