// A survey's invitation codes as staff make and manage them, against the real server: on the
// survey's staff page (a page to print, a PDF sheet, a CSV file; the batches with how many were
// used; withdrawing one), through the API (list, withdraw) and with `involve survey codes`; and
// what a respondent sees: the code in the invitation's link filled in, a used code, a withdrawn
// one, one of another survey refused on the start page.  Refusals: bad counts, an unknown batch,
// one withdrawn twice, a survey answered by anyone, another organisation's, a viewer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { signIn, staffGet } from '../lib/staff.mjs';

let server;
let api;
let token;
let viewerToken;
let otherToken;
let officer;

const CODE = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{2}$/;

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
	officer = await signIn(server.url, 'officer@blackpool.example.org', STAFF_PASSWORD);
});

after(async () => {
	await server.stop();
});

async function createSurvey(who = 'code', title = 'Our outpatient services') {
	const res = await api('POST', '/api/v1/surveys', { auth: token, body: {
		title, who_can_answer: who,
		pages: [
			{ key: 'p1', title: 'Your visit', questions: [
				{ key: 'q1', type: 'single', text: 'Was this your first visit?', options: ['Yes', 'No'] }] },
			{ key: 'p2', title: 'Overall', questions: [
				{ key: 'q2', type: 'long_text', text: 'Anything else?' }] },
		],
	} });
	assert.equal(res.status, 201, await res.clone().text());
	return json(res);
}

const publicForm = (fields) => ({
	method: 'POST', redirect: 'manual',
	headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
	body: new URLSearchParams(fields).toString(),
});

function staffPost(path, fields, who = officer) {
	return fetch(server.url + path, { method: 'POST', redirect: 'manual',
		headers: { Cookie: who.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf: who.csrf, ...fields }).toString() });
}

async function batches(id) {
	const res = await api('GET', `/api/v1/surveys/${id}/codes`, { auth: token });
	assert.equal(res.status, 200);
	return (await json(res)).batches;
}

// Sends a response with a code, to the end: the code is then used.
async function answerWith(id, code) {
	const base = `${server.url}/o/blackpool/surveys/${id}`;
	let r = await fetch(base, publicForm({ code }));
	assert.equal(r.status, 303, await r.text());
	const link = r.headers.get('location');
	r = await fetch(`${server.url}${link}/p/1`, publicForm({ q1: 'Yes' }));
	assert.equal(r.status, 303);
	r = await fetch(`${server.url}${link}/p/2`, publicForm({ q2: '' }));
	assert.equal(r.status, 303);
	r = await fetch(`${server.url}${link}/check`, publicForm({}));
	assert.equal(r.status, 303, await r.text());
}

describe('on the survey staff page', () => {
	test('make a batch as a page to print, as a PDF and as CSV; see it used; withdraw it', async () => {
		const s = await createSurvey();
		let html = await (await staffGet(server.url, `/staff/surveys/${s.id}`, officer.cookie)).text();
		assert.match(html, /<h2 id="codes">Invitation codes<\/h2>/);
		assert.match(html, /<form action="\/staff\/surveys\/\d+\/codes" method="post"/);

		// The page to print: every code, the survey's address, each code's link.
		let res = await staffPost(`/staff/surveys/${s.id}/codes`, { count: '3', format: 'page' });
		assert.equal(res.status, 200, await res.clone().text());
		assert.equal(res.headers.get('cache-control'), 'no-store');
		html = await res.text();
		const codes = [...html.matchAll(/<td class="nhsuk-table__cell"><code>([^<]+)<\/code>/g)].map((m) => m[1]);
		assert.equal(codes.length, 3);
		for (const c of codes) assert.match(c, CODE);
		const url = `${server.url}/o/blackpool/surveys/${s.id}`;
		assert.ok(html.includes(`go to ${url} and enter your code`), 'the address is on the page');
		assert.ok(html.includes(`${url}?code=${codes[0]}`), 'each code has its link');
		assert.match(html, /shown only this once/);

		// The link fills the code in on the start page.
		const start = await (await fetch(`${url}?code=${codes[0]}`)).text();
		assert.match(start, new RegExp(`id="code" name="code" type="text" value="${codes[0]}"`));

		res = await staffPost(`/staff/surveys/${s.id}/codes`, { count: '2', format: 'pdf' });
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/pdf');
		assert.match(res.headers.get('content-disposition'), /^attachment; filename="survey-\d+-codes-\d+\.pdf"$/);
		assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');

		res = await staffPost(`/staff/surveys/${s.id}/codes`, { count: '2', format: 'csv' });
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^text\/csv/);
		const rows = (await res.text()).trim().split('\r\n');
		assert.equal(rows[0], 'code,link');
		assert.equal(rows.length, 3);
		const [csvCode, csvLink] = rows[1].split(',');
		assert.match(csvCode, CODE);
		assert.equal(csvLink, `${url}?code=${csvCode.replace(/-/g, '')}`);

		// One code used: the first batch says so, and the code works no more.
		await answerWith(s.id, codes[0]);
		let used = await fetch(url, publicForm({ code: codes[0] }));
		assert.equal(used.status, 422);
		assert.match(await used.text(), /a code that has been used to send a response cannot be used again/);
		let list = await batches(s.id);
		assert.deepEqual(list.map((b) => [b.issued, b.used, b.withdrawn_at]), [[3, 1, null], [2, 0, null], [2, 0, null]]);
		html = await (await staffGet(server.url, `/staff/surveys/${s.id}`, officer.cookie)).text();
		assert.match(html, /Batches of codes/);

		// Withdrawn: its unused codes stop working; the others still do.
		res = await staffPost(`/staff/surveys/${s.id}/codes/withdraw`, { batch: list[0].id });
		assert.equal(res.status, 303);
		assert.equal(res.headers.get('location'), `/staff/surveys/${s.id}?done=codes_withdrawn#codes`);
		html = await (await staffGet(server.url, res.headers.get('location'), officer.cookie)).text();
		assert.match(html, /The batch has been withdrawn: its unused codes no longer work/);
		assert.match(html, /<td class="nhsuk-table__cell">Withdrawn<\/td>/);
		let r = await fetch(url, publicForm({ code: codes[1] }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /This code does not work/);
		r = await fetch(url, publicForm({ code: csvCode }));
		assert.equal(r.status, 303);
		list = await batches(s.id);
		assert.ok(list[0].withdrawn_at);

		// Withdrawn twice, an unknown batch, a bad count: the page again with the error summary.
		res = await staffPost(`/staff/surveys/${s.id}/codes/withdraw`, { batch: list[0].id });
		assert.equal(res.status, 409);
		assert.match(await res.text(), /There is a problem[\s\S]*This batch has been withdrawn already/);
		res = await staffPost(`/staff/surveys/${s.id}/codes/withdraw`, { batch: '999999' });
		assert.equal(res.status, 404);
		assert.match(await res.text(), /There is a problem[\s\S]*The survey has no such batch of codes/);
		for (const count of ['0', '10001', 'ten', '']) {
			res = await staffPost(`/staff/surveys/${s.id}/codes`, { count, format: 'page' });
			assert.equal(res.status, 422, count);
			html = await res.text();
			assert.match(html, /There is a problem/);
			assert.match(html, /<a href="#count">/);
			assert.match(html, /id="count-error"/);
		}
	});

	test('a survey answered by anyone has no codes; a viewer and another organisation cannot make them', async () => {
		const open = await createSurvey('anyone', 'Open to all');
		let html = await (await staffGet(server.url, `/staff/surveys/${open.id}`, officer.cookie)).text();
		assert.doesNotMatch(html, /Invitation codes/);
		let res = await staffPost(`/staff/surveys/${open.id}/codes`, { count: '2', format: 'page' });
		assert.equal(res.status, 409);
		assert.match(await res.text(), /This survey is answered by anyone: it has no codes/);

		const s = await createSurvey();
		const viewer = await signIn(server.url, 'viewer@blackpool.example.org', STAFF_PASSWORD);
		html = await (await staffGet(server.url, `/staff/surveys/${s.id}`, viewer.cookie)).text();
		assert.doesNotMatch(html, /Make codes/);
		res = await staffPost(`/staff/surveys/${s.id}/codes`, { count: '2', format: 'page' }, viewer);
		assert.equal(res.status, 403);
		const bury = await signIn(server.url, 'officer@bury.example.org', STAFF_PASSWORD);
		res = await staffPost(`/staff/surveys/${s.id}/codes`, { count: '2', format: 'page' }, bury);
		assert.equal(res.status, 404);
		res = await staffPost(`/staff/surveys/${s.id}/codes/withdraw`, { batch: '1' }, bury);
		assert.equal(res.status, 404);
	});
});

describe('the API', () => {
	test('batches listed and withdrawn; a code of another survey does not work', async () => {
		const s = await createSurvey();
		const other = await createSurvey('code', 'Another survey');
		let res = await api('POST', `/api/v1/surveys/${s.id}/codes`, { auth: token, body: { count: 2 } });
		const { batch, codes } = await json(res);
		res = await api('POST', `/api/v1/surveys/${other.id}/codes`, { auth: token, body: { count: 1 } });
		const { codes: otherCodes } = await json(res);

		// A code of another survey is not this one's.
		let r = await fetch(`${server.url}/o/blackpool/surveys/${s.id}`, publicForm({ code: otherCodes[0] }));
		assert.equal(r.status, 422);
		assert.match(await r.text(), /This code does not work/);

		let list = await batches(s.id);
		assert.equal(list.length, 1);
		assert.equal(list[0].id, batch);
		assert.equal(list[0].issued, 2);
		assert.equal(list[0].used, 0);
		assert.match(list[0].created_at, /^\d{4}-\d\d-\d\dT/);

		res = await api('POST', `/api/v1/surveys/${s.id}/codes/${batch}/withdraw`, { auth: token });
		assert.equal(res.status, 200, await res.clone().text());
		const b = await json(res);
		assert.equal(b.id, batch);
		assert.match(b.withdrawn_at, /^\d{4}-/);
		r = await fetch(`${server.url}/o/blackpool/surveys/${s.id}`, publicForm({ code: codes[0] }));
		assert.equal(r.status, 422);

		await expectProblem(await api('POST', `/api/v1/surveys/${s.id}/codes/${batch}/withdraw`,
			{ auth: token }), 409);
		await expectProblem(await api('POST', `/api/v1/surveys/${s.id}/codes/999999/withdraw`,
			{ auth: token }), 404);
		// A batch of another survey is not this survey's.
		const otherBatch = (await batches(other.id))[0].id;
		await expectProblem(await api('POST', `/api/v1/surveys/${s.id}/codes/${otherBatch}/withdraw`,
			{ auth: token }), 404);
		assert.equal((await batches(other.id))[0].withdrawn_at, null);
		assert.equal((await api('GET', `/api/v1/surveys/${s.id}/codes`, { auth: viewerToken })).status, 403);
		assert.equal((await api('GET', `/api/v1/surveys/${s.id}/codes`, { auth: otherToken })).status, 404);
		assert.equal((await api('POST', `/api/v1/surveys/${s.id}/codes/${batch}/withdraw`,
			{ auth: otherToken })).status, 404);
		list = await batches(s.id);
		assert.equal(list.length, 1);
	});
});

describe('involve survey codes', () => {
	const cli = (args) => server.cli(['survey', 'codes', '--org', 'blackpool', ...args]);

	test('codes made and printed, listed, withdrawn', async () => {
		const s = await createSurvey();
		let r = await cli(['--survey', String(s.id), '--count', '3']);
		assert.equal(r.code, 0, r.stderr);
		const rows = r.stdout.trim().split('\r\n');
		assert.equal(rows[0], 'code,link');
		assert.equal(rows.length, 4);
		const [code, link] = rows[1].split(',');
		assert.match(code, CODE);
		assert.match(link, new RegExp(`/o/blackpool/surveys/${s.id}\\?code=${code.replace(/-/g, '')}$`));
		const batch = /Made batch (\d+): 3 codes for survey/.exec(r.stderr)[1];

		await answerWith(s.id, code);
		r = await cli(['--survey', String(s.id), '--list']);
		assert.equal(r.code, 0, r.stderr);
		const [head, row] = r.stdout.trim().split('\n');
		assert.equal(head, 'batch\tmade\tcodes\tused\twithdrawn');
		assert.deepEqual(row.split('\t').filter((_, i) => i !== 1), [batch, '3', '1', 'no']);

		r = await cli(['--survey', String(s.id), '--withdraw', batch]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /Withdrew batch \d+: its unused codes no longer work/);
		const second = rows[2].split(',')[0];
		const res = await fetch(`${server.url}/o/blackpool/surveys/${s.id}`, publicForm({ code: second }));
		assert.equal(res.status, 422);

		r = await cli(['--survey', String(s.id), '--withdraw', batch]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /batch \d+ is withdrawn already/);
	});

	test('bad arguments and refusals exit non-zero with a clear message', async () => {
		const s = await createSurvey();
		const open = await createSurvey('anyone', 'Open to all');
		const cases = [
			[['--survey', String(s.id)], 2, /codes needs --count N, --list or --withdraw BATCH/],
			[['--survey', String(s.id), '--count', '0'], 2, /--count must be a whole number from 1 to 10000/],
			[['--survey', String(s.id), '--count', '10001'], 2, /--count must be a whole number from 1 to 10000/],
			[['--survey', 'x', '--count', '2'], 2, /--survey must be a survey id/],
			[['--survey', String(s.id), '--count', '2', '--format', 'doc'], 2, /--format must be csv, pdf or svg/],
			[['--survey', String(s.id), '--withdraw', 'abc'], 2, /--withdraw must be a batch id/],
			[['--survey', String(s.id), '--withdraw', '999999'], 1, /survey \d+ has no batch 999999/],
			[['--survey', '999999', '--count', '2'], 1, /'blackpool' has no survey 999999/],
			[['--survey', String(open.id), '--count', '2'], 1, /answered by anyone: it has no codes/],
		];
		for (const [args, code, message] of cases) {
			const r = await cli(args);
			assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
			assert.match(r.stderr, message, args.join(' '));
		}
		const r = await server.cli(['survey', 'codes', '--org', 'nowhere', '--survey', String(s.id), '--list']);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /there is no organisation 'nowhere'/);
	});
});
