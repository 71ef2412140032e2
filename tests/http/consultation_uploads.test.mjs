// A consultation's files attached on the staff pages, as a browser sends them (a
// multipart/form-data form, no script): a PDF attached and listed, shown to the public once the
// consultation opens, removed; and the refusals, each on the document's page with the NHS.UK
// error summary: a program (a Windows .exe, a Linux ELF), a PDF's name on other bytes, no file,
// a file over 10 MB, a form without its CSRF token, a viewer, another organisation's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { csrfOf, signIn, staffGet } from '../lib/staff.mjs';

let server;
let api;
let token;
let officer;
let c;
let doc;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const EXE = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]);
const CHECKLIST = {
	formative: { met: true, note: 'The board decides in March.' },
	information: { met: true, note: 'The plan and an easy read summary.' },
	time: { met: true, note: 'Twelve weeks.' },
	consideration: { met: true, note: 'Every response is read.' },
};

before(async () => {
	server = await startServer();
	api = apiClient(server);
	await createOrg(server, 'blackpool', 'Blackpool Teaching Hospitals');
	await createOrg(server, 'bury', 'NHS Bury');
	({ token } = await makeStaff(server, { org: 'blackpool', email: 'officer@blackpool.example.org',
		role: 'engagement_officer' }));
	await makeStaff(server, { org: 'blackpool', email: 'viewer@blackpool.example.org', role: 'viewer' });
	await makeStaff(server, { org: 'bury', email: 'officer@bury.example.org', role: 'engagement_officer' });
	let res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		kind: 'consultation', title: 'Our strategy',
		pages: [{ key: 'views', title: 'Your views', questions: [
			{ key: 'priorities', type: 'long_text', text: 'What should our priorities be?' }] }],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	c = await json(res);
	res = await api('POST', `/api/v1/surveys/${c.id}/documents`, { auth: token,
		body: { title: 'The plan', body: 'Read the plan.' } });
	assert.equal(res.status, 201);
	doc = await json(res);
	officer = await signIn(server.url, 'officer@blackpool.example.org', STAFF_PASSWORD);
});

after(async () => {
	await server.stop();
});

const docPath = () => `/staff/consultations/${c.id}/documents/${doc.id}`;

// Sends the document page's upload form as a browser does.
async function attach(file, { who = officer, csrf, path = `${docPath()}/files` } = {}) {
	const form = new FormData();
	form.append('csrf', csrf ?? who.csrf);
	if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
	else form.append('file', new Blob([], { type: 'application/octet-stream' }), '');
	return fetch(server.url + path, { method: 'POST', body: form, redirect: 'manual',
		headers: { Cookie: who.cookie } });
}

// Asserts a refusal shown on the document's page: status, the error summary linking to the
// file input, and the message.
async function expectFileError(res, status, message) {
	assert.equal(res.status, status);
	assert.match(res.headers.get('content-type'), /^text\/html/);
	const html = await res.text();
	assert.match(html, /There is a problem/);
	assert.match(html, /<a href="#file">/);
	assert.match(html, /id="file-error"/);
	assert.match(html, message);
	assert.match(html, /enctype="multipart\/form-data"/, 'the form is there to try again');
	return html;
}

async function files() {
	const got = await json(await api('GET', `/api/v1/surveys/${c.id}/documents/${doc.id}`, { auth: token }));
	return got.attachments;
}

describe('attaching a file on the document page', () => {
	test('the page has a file input in a multipart form', async () => {
		const html = await (await staffGet(server.url, docPath(), officer.cookie)).text();
		assert.match(html, /<form action="[^"]+\/files" method="post" enctype="multipart\/form-data"/);
		assert.match(html, /<input class="nhsuk-file-upload" id="file" name="file" type="file"/);
		assert.match(html, /No files are attached to this document/);
	});

	test('a PDF is attached, listed, shown to the public once open, and removed', async () => {
		let res = await attach({ bytes: PDF, type: 'application/pdf', name: 'Strategy summary.pdf' });
		assert.equal(res.status, 303, await res.clone().text());
		assert.equal(res.headers.get('location'), `${docPath()}?done=attached#files`);
		let html = await (await staffGet(server.url, res.headers.get('location'), officer.cookie)).text();
		assert.match(html, /The file has been attached/);
		assert.match(html, /Strategy summary\.pdf<\/a> \(PDF, \d+ bytes\)/);
		const [f] = await files();
		assert.equal(f.name, 'Strategy summary.pdf');
		assert.equal(f.size, PDF.length);

		// A browser that does not know the type says application/octet-stream: the bytes decide.
		res = await attach({ bytes: PDF, type: 'application/octet-stream', name: 'copy.pdf' });
		assert.equal(res.status, 303);
		assert.equal((await files()).length, 2);

		assert.equal((await api('PUT', `/api/v1/surveys/${c.id}/checklist`, { auth: token, body: CHECKLIST })).status, 200);
		assert.equal((await api('POST', `/api/v1/surveys/${c.id}/open`, { auth: token })).status, 200);
		const down = await fetch(f.url);
		assert.equal(down.status, 200);
		assert.deepEqual(Buffer.from(await down.arrayBuffer()), PDF);

		html = await (await staffGet(server.url, docPath(), officer.cookie)).text();
		res = await fetch(`${server.url}/staff/consultations/${c.id}/attachments/${f.id}/delete`, {
			method: 'POST', redirect: 'manual', headers: { Cookie: officer.cookie,
				'Content-Type': 'application/x-www-form-urlencoded' },
			body: `csrf=${encodeURIComponent(csrfOf(html))}` });
		assert.equal(res.status, 303);
		assert.equal((await fetch(f.url)).status, 404);
		assert.equal((await files()).length, 1);
	});
});

describe('files refused, with the error summary', () => {
	test('a program, a PDF name on other bytes, no file', async () => {
		await expectFileError(await attach({ bytes: EXE, type: 'application/x-msdownload', name: 'setup.exe' }),
			422, /The file name must end in \.pdf, \.docx, \.odt, \.png, \.jpg or \.jpeg/);
		await expectFileError(await attach({ bytes: ELF, type: 'application/octet-stream', name: 'plan.pdf' }),
			422, /The file must be a PDF/);
		await expectFileError(await attach({ bytes: EXE, type: 'application/pdf', name: 'plan.pdf' }),
			422, /The file must be a PDF/);
		await expectFileError(await attach({ bytes: PDF, type: 'application/pdf', name: 'plan.png' }),
			422, /its name must end in \.pdf/);
		await expectFileError(await attach(null), 422, /Choose a file to attach/);
		assert.equal((await files()).length, 1, 'nothing refused was kept');
	});

	test('a file over 10 MB is refused on the page, read or not', async () => {
		// A little over: the form is read, and the file refused.
		let big = Buffer.alloc(10 * 1024 * 1024 + 1024);
		PDF.copy(big);
		await expectFileError(await attach({ bytes: big, type: 'application/pdf', name: 'big.pdf' }),
			422, /The file must be 10 MB or smaller/);
		// More than the form may carry: not read, and said so on the page, 413.
		big = Buffer.alloc(10 * 1024 * 1024 + 40 * 1024);
		PDF.copy(big);
		const html = await expectFileError(await attach({ bytes: big, type: 'application/pdf', name: 'big.pdf' }),
			413, /The file must be 10 MB or smaller/);
		assert.match(html, /The plan/);
		assert.equal((await files()).length, 1);
	});

	test('a form without its CSRF token, a viewer, another organisation, no such document', async () => {
		const pdf = { bytes: PDF, type: 'application/pdf', name: 'plan.pdf' };
		let res = await attach(pdf, { csrf: 'not-the-token' });
		assert.equal(res.status, 403);
		const viewer = await signIn(server.url, 'viewer@blackpool.example.org', STAFF_PASSWORD);
		res = await attach(pdf, { who: viewer });
		assert.equal(res.status, 403);
		const bury = await signIn(server.url, 'officer@bury.example.org', STAFF_PASSWORD);
		res = await attach(pdf, { who: bury });
		assert.equal(res.status, 404);
		res = await attach(pdf, { path: `/staff/consultations/${c.id}/documents/999999/files` });
		assert.equal(res.status, 404);
		// Not a multipart form at all.
		res = await fetch(`${server.url}${docPath()}/files`, { method: 'POST', redirect: 'manual',
			headers: { Cookie: officer.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: `csrf=${encodeURIComponent(officer.csrf)}` });
		assert.equal(res.status, 415);
		// A multipart body cut short.
		res = await fetch(`${server.url}${docPath()}/files`, { method: 'POST', redirect: 'manual',
			headers: { Cookie: officer.cookie, 'Content-Type': 'multipart/form-data; boundary=xyz' },
			body: '--xyz\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nabc' });
		assert.equal(res.status, 400);
		assert.equal((await files()).length, 1);
	});
});
