// A LimeSurvey survey brought across through the API (`POST /api/v1/surveys/import?format=lss`,
// the file as an application/xml body) and on the staff pages (choose the file, read the
// report, create the draft), on LimeSurvey's own test surveys: every file becomes a draft with
// the questions the command makes of it, a dry run makes nothing, and the report says what
// came over.  Then the refusals: files that are not LimeSurvey surveys (each a 422 with the
// report as far as it went, or the page's error summary), a body over 8 MiB (413), the wrong
// media type (415), a missing or unknown format, no token, a viewer, a form without its CSRF
// token, and a definition changed on its way back from the report page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { BAD_FILES, became, FILES, shared } from '../lib/limesurvey.mjs';
import { startServer } from '../lib/server.mjs';
import { csrfOf, postForm, signIn, staffGet } from '../lib/staff.mjs';

let server;
let api;
let token;
let viewerToken;
let officer;
let viewer;

const IMPORT = '/api/v1/surveys/import?format=lss';

before(async () => {
	server = await startServer();
	api = apiClient(server);
	await createOrg(server, 'bury', 'NHS Bury');
	({ token } = await makeStaff(server, { org: 'bury', email: 'officer@bury.example.org',
		role: 'engagement_officer' }));
	({ token: viewerToken } = await makeStaff(server, { org: 'bury',
		email: 'viewer@bury.example.org', role: 'viewer' }));
	officer = await signIn(server.url, 'officer@bury.example.org', STAFF_PASSWORD);
	viewer = await signIn(server.url, 'viewer@bury.example.org', STAFF_PASSWORD);
});

after(async () => {
	await server?.stop();
});

const sendFile = (bytes, { path = IMPORT, auth = token, type = 'application/xml' } = {}) =>
	api('POST', path, { auth, raw: bytes, headers: type ? { 'Content-Type': type } : {} });

async function surveyCount() {
	const list = await json(await api('GET', '/api/v1/surveys?limit=100', { auth: token }));
	return list.items.length;
}

// Every question of a survey as the API shows it, as {key: type}.
const questionTypes = (survey) => Object.fromEntries(survey.pages.flatMap((p) => p.questions)
	.map((q) => [q.key, q.type]));

// Sends the import page's form with a file, as a browser does.
function upload(bytes, name, { who = officer, csrf } = {}) {
	const form = new FormData();
	form.append('csrf', csrf ?? who.csrf);
	form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
	return fetch(server.url + '/staff/surveys/import', { method: 'POST', body: form,
		redirect: 'manual', headers: { Cookie: who.cookie } });
}

// The hidden fields of the report page's form that makes the draft.
function confirmFields(html) {
	const form = /<form action="\/staff\/surveys\/import\/confirm"[\s\S]*?<\/form>/.exec(html);
	assert.ok(form, 'the report page offers to create the draft');
	const field = (name) => {
		const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(form[0]);
		assert.ok(m, `the form carries ${name}`);
		return m[1].replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>').replace(/&amp;/g, '&');
	};
	return { csrf: field('csrf'), title: field('title'), pages: field('pages') };
}

// A page refused with the NHS.UK error summary linking to the file input.
async function expectFileError(res, status, message) {
	assert.equal(res.status, status);
	const html = await res.text();
	assert.match(html, /There is a problem/);
	assert.match(html, /<a href="#file">/);
	assert.match(html, /id="file-error"/);
	assert.match(html, message);
	assert.match(html, /enctype="multipart\/form-data"/, 'the form is there to try again');
	return html;
}

describe('the API', () => {
	for (const [name, want] of Object.entries(FILES)) {
		test(`${name} becomes a draft with its questions and the report`, async () => {
			const res = await sendFile(readFileSync(shared(name)));
			assert.equal(res.status, 201, await res.clone().text());
			const out = await json(res);
			assert.equal(res.headers.get('location'), `/api/v1/surveys/${out.id}`);
			assert.equal(out.title, want.title);
			assert.equal(out.status, 'draft', 'never open');
			assert.equal(out.pages.length, want.pages);
			const types = questionTypes(out);
			assert.equal(Object.keys(types).length, want.questions);
			const report = out.import_report;
			assert.equal(report.imported, true);
			assert.equal(report.source.format, 'lss');
			assert.ok(report.source.db_version >= 350);
			assert.equal(report.questions_made, want.questions);
			// What each question became (a group's description also becomes an information
			// text, named in its group's notes).
			for (const [key, type] of Object.entries(became(report))) assert.equal(types[key], type, key);
			for (const [key, type] of Object.entries(want.keys)) assert.equal(types[key], type, key);

			const got = await json(await api('GET', `/api/v1/surveys/${out.id}`, { auth: token }));
			assert.deepEqual(got.pages, out.pages, 'kept as it was answered');
			assert.equal(got.import_report, undefined, 'the report comes with the import only');
		});
	}

	test('a dry run answers 200 with the report alone and makes nothing', async () => {
		const before = await surveyCount();
		const res = await sendFile(readFileSync(shared('limesurvey_survey_allinoneCondition.lss')),
			{ path: `${IMPORT}&dry_run=true` });
		assert.equal(res.status, 200);
		const out = await json(res);
		assert.deepEqual(Object.keys(out), ['import_report']);
		assert.equal(out.import_report.title, 'Test 18035');
		assert.equal(await surveyCount(), before);
		// dry_run=false is an import.
		const made = await sendFile(readFileSync(shared('limesurvey_survey_489_default.lss')),
			{ path: `${IMPORT}&dry_run=false` });
		assert.equal(made.status, 201);
		assert.equal(await surveyCount(), before + 1);
	});

	test('the public cannot answer an imported survey until it is opened', async () => {
		const out = await json(await sendFile(readFileSync(shared('limesurvey_survey_navigation.lss'))));
		assert.equal((await fetch(out.url)).status, 404);
		assert.equal((await api('POST', `/api/v1/surveys/${out.id}/open`, { auth: token })).status, 200);
		const page = await fetch(out.url);
		assert.equal(page.status, 200);
		assert.match(await page.text(), /Test survey navigation/);
	});

	test('text/xml is taken too', async () => {
		const res = await sendFile(readFileSync(shared('limesurvey_survey_489_default.lss')),
			{ type: 'text/xml; charset=utf-8' });
		assert.equal(res.status, 201);
	});
});

describe('the API refuses', () => {
	for (const [what, , content, message] of BAD_FILES) {
		test(`${what}: 422 with the report as far as it went`, async () => {
			const before = await surveyCount();
			const p = await expectProblem(await sendFile(Buffer.from(content)), 422, 'file');
			assert.match(p.detail, message);
			assert.equal(typeof p.import_report, 'object');
			assert.equal(p.import_report.imported, false);
			assert.equal(await surveyCount(), before, 'nothing made');
		});
	}

	test('an old structure version names it in the report', async () => {
		const p = await expectProblem(await sendFile(Buffer.from(BAD_FILES.find((b) => b[1] ===
			'old.lss')[2])), 422, 'file');
		assert.equal(p.import_report.source.db_version, 349);
	});

	test('a file cut short', async () => {
		const whole = readFileSync(shared('limesurvey_survey_navigation.lss'));
		const p = await expectProblem(await sendFile(whole.subarray(0, whole.length >> 1)), 422, 'file');
		assert.match(p.detail, /cut short/);
	});

	test('a survey nothing of which can come across', async () => {
		const file = readFileSync(shared('limesurvey_survey_489_default.lss'), 'utf8')
			.replace('<type><![CDATA[T]]></type>', '<type><![CDATA[|]]></type>');
		const p = await expectProblem(await sendFile(Buffer.from(file)), 422, 'file');
		assert.match(p.detail, /Nothing in the survey could be carried over/);
		assert.match(p.import_report.groups[0].questions[0].notes[0].detail,
			/file upload has no counterpart/);
	});

	test('a body over 8 MiB: 413', async () => {
		await expectProblem(await sendFile(Buffer.alloc(8 * 1024 * 1024 + 1, 0x20)), 413);
	});

	test('another media type: 415', async () => {
		const bytes = readFileSync(shared('limesurvey_survey_489_default.lss'));
		await expectProblem(await sendFile(bytes, { type: 'application/json' }), 415);
		await expectProblem(await sendFile(bytes, { type: 'application/octet-stream' }), 415);
	});

	test('a missing or unknown format, a dry_run that is not true or false', async () => {
		const bytes = readFileSync(shared('limesurvey_survey_489_default.lss'));
		await expectProblem(await sendFile(bytes, { path: '/api/v1/surveys/import' }), 422, 'format');
		await expectProblem(await sendFile(bytes, { path: '/api/v1/surveys/import?format=csv' }), 422,
			'format');
		await expectProblem(await sendFile(bytes, { path: `${IMPORT}&dry_run=yes` }), 422, 'dry_run');
	});

	test('no token, and a viewer', async () => {
		const bytes = readFileSync(shared('limesurvey_survey_489_default.lss'));
		await expectProblem(await sendFile(bytes, { auth: null }), 401);
		await expectProblem(await sendFile(bytes, { auth: viewerToken }), 403);
	});
});

describe('the staff pages', () => {
	test('the surveys page leads to the import page, which asks for the file', async () => {
		const list = await (await staffGet(server.url, '/staff/surveys', officer.cookie)).text();
		assert.match(list, /href="\/staff\/surveys\/import"[^>]*>Import from LimeSurvey</);
		const res = await staffGet(server.url, '/staff/surveys/import', officer.cookie);
		assert.equal(res.status, 200);
		const html = await res.text();
		assert.match(html, /<h1>Import a survey from LimeSurvey<\/h1>/);
		assert.match(html, /<form action="\/staff\/surveys\/import" method="post" enctype="multipart\/form-data"/);
		assert.match(html, /<input class="nhsuk-file-upload" id="file" name="file" type="file"/);
	});

	test('a file is read, its report shown, and the draft made once confirmed', async () => {
		const name = 'limesurvey_survey_allinoneCondition.lss';
		const before = await surveyCount();
		const res = await upload(readFileSync(shared(name)), name);
		assert.equal(res.status, 200);
		const html = await res.text();
		assert.match(html, /Nothing has been made yet\. The survey would be a draft called &quot;Test 18035&quot;, with 2 page\(s\) and 3 question\(s\)/);
		assert.match(html, /<h2>What came over<\/h2>/);
		assert.match(html, /LimeSurvey structure version<\/dt>\s*<dd[^>]*>\d+</);
		assert.match(html, /Q00 \(Gender, G\)<\/td>\s*<td[^>]*><span[^>]*>Became <\/span>Q00 \(single\)/);
		assert.match(html, /Shown when: /, 'a condition carried over');
		assert.equal(await surveyCount(), before, 'reading makes nothing');

		const fields = confirmFields(html);
		const made = await postForm(server.url, '/staff/surveys/import/confirm', fields,
			{ cookie: officer.cookie });
		assert.equal(made.status, 303);
		const m = /^\/staff\/surveys\/(\d+)\?done=imported$/.exec(made.headers.get('location'));
		assert.ok(m, made.headers.get('location'));
		const page = await (await staffGet(server.url, made.headers.get('location'), officer.cookie)).text();
		assert.match(page, /The survey has been imported from LimeSurvey as a draft/);

		const survey = await json(await api('GET', `/api/v1/surveys/${m[1]}`, { auth: token }));
		assert.equal(survey.title, 'Test 18035');
		assert.equal(survey.status, 'draft');
		const dry = await json(await sendFile(readFileSync(shared(name)), { path: `${IMPORT}&dry_run=true` }));
		assert.deepEqual(questionTypes(survey), questionTypes(await json(await sendFile(
			readFileSync(shared(name))))), 'the same as the API makes');
		assert.equal(dry.import_report.title, 'Test 18035');
	});

	test('what did not come over is listed', async () => {
		const name = 'limesurvey_survey_ArrayNumberCheckbox.lss';
		const html = await (await upload(readFileSync(shared(name)), name)).text();
		assert.match(html, /Not carried over:/);
		assert.match(html, /Left out/);
	});

	test('the survey\'s pages show what came over as Markdown: emphasis, links, lists; nothing that runs', async () => {
		const lss = readFileSync(shared('limesurvey_survey_navigation.lss'), 'utf8')
			.replace('<question><![CDATA[First question]]></question>',
				'<question><![CDATA[<p>How was <strong>our</strong> <a href="https://example.org/care">care</a>?' +
				'<script>alert(1)</script></p><ul><li>Think of your last visit</li></ul>' +
				'<p><a href="javascript:alert(2)">more</a> <img src=x onerror="alert(3)"></p>]]></question>');
		const out = await json(await sendFile(Buffer.from(lss)));
		const res = await staffGet(server.url, `/staff/surveys/${out.id}/preview/1`, officer.cookie);
		assert.equal(res.status, 200);
		const html = await res.text();
		const label = /<label class="nhsuk-label nhsuk-label--m" for="Q00"><bdi>(.*?)<\/bdi>/.exec(html);
		assert.ok(label, 'the question\'s label');
		assert.equal(label[1], 'How was <strong>our</strong> <a href="https://example.org/care">care</a>?');
		// What followed the first paragraph came over as the help: a list, then a paragraph.
		assert.match(html, /<div class="nhsuk-hint" id="Q00-hint"><bdi><\/bdi><div dir="auto"><ul>\s*<li>Think of your last visit<\/li>\s*<\/ul>\s*<p>more<\/p>/);
		assert.match(html, /aria-describedby="Q00-hint"/);
		assert.doesNotMatch(html, /<script>alert|javascript:|onerror|<img/);
	});

	for (const [what, name, content, message] of BAD_FILES.filter((b) => b[2] !== '')) {
		test(`refused: ${what}`, async () => {
			// A page escapes the apostrophes the API's JSON keeps.
			const html = await expectFileError(await upload(Buffer.from(content), name), 422,
				new RegExp(message.source.replace(/'/g, '&#39;')));
			assert.doesNotMatch(html, /Create the draft survey/);
		});
	}

	test('refused: no file chosen', async () => {
		await expectFileError(await upload(Buffer.alloc(0), ''), 422,
			/Choose a LimeSurvey survey structure file/);
	});

	test('refused: a file over 8 MB', async () => {
		await expectFileError(await upload(Buffer.alloc(8 * 1024 * 1024 + 1, 0x20), 'big.lss'), 413,
			/The file must be 8 MB or smaller/);
	});

	test('refused: a definition changed on its way back, and nothing is made', async () => {
		const name = 'limesurvey_survey_489_default.lss';
		const fields = confirmFields(await (await upload(readFileSync(shared(name)), name)).text());
		const before = await surveyCount();
		for (const pages of ['not json', '[]', JSON.stringify([{ key: 'p', questions: [
			{ key: 'q', type: 'single', text: 'One option', options: ['Only'] }] }])]) {
			const res = await postForm(server.url, '/staff/surveys/import/confirm',
				{ ...fields, pages }, { cookie: officer.cookie });
			await expectFileError(res, 422, /could not be made\. Choose the file again/);
		}
		const res = await postForm(server.url, '/staff/surveys/import/confirm',
			{ ...fields, title: '' }, { cookie: officer.cookie });
		assert.equal(res.status, 422);
		assert.equal(await surveyCount(), before);
	});

	test('refused: a form without its CSRF token, and a viewer', async () => {
		const bytes = readFileSync(shared('limesurvey_survey_489_default.lss'));
		assert.equal((await upload(bytes, 'a.lss', { csrf: 'wrong' })).status, 403);
		assert.equal((await staffGet(server.url, '/staff/surveys/import', viewer.cookie)).status, 403);
		assert.equal((await upload(bytes, 'a.lss', { who: viewer })).status, 403);
		const fields = confirmFields(await (await upload(bytes, 'a.lss')).text());
		const res = await postForm(server.url, '/staff/surveys/import/confirm',
			{ ...fields, csrf: 'wrong' }, { cookie: officer.cookie });
		assert.equal(res.status, 403);
		csrfOf(await (await staffGet(server.url, '/staff/surveys/import', officer.cookie)).text());
	});
});
