// The LimeSurvey import's report in the reader's language: the staff import page, with the
// involve_lang cookie set to Polish or Urdu, gives every note of the report (what was not
// carried over, what changed) and each question's LimeSurvey type in that language, the file's
// own codes and texts written into the sentences as they are.  The same file through the API
// keeps its report in English whatever Accept-Language and the cookie say.  Which sentences
// the catalogue holds is read from po/, not restated here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { catalogue } from '../lib/catalogue.mjs';
import { createOrg, makeStaff, STAFF_PASSWORD } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { signIn } from '../lib/staff.mjs';

const LANGS = ['pl', 'ur'];

let server;
let token;
let officer;

before(async () => {
	server = await startServer();
	await createOrg(server, 'bury', 'NHS Bury');
	({ token } = await makeStaff(server, { org: 'bury', email: 'officer@bury.example.org',
		role: 'engagement_officer' }));
	officer = await signIn(server.url, 'officer@bury.example.org', STAFF_PASSWORD);
});

after(async () => {
	await server?.stop();
});

// A structure file (DBVersion 495: texts in the *_l10ns tables) of tables {name: [rows]}, each
// row an object of its fields.
function lss(tables) {
	const cdata = (v) => `<![CDATA[${String(v).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
	let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n' +
		' <LimeSurveyDocType>Survey</LimeSurveyDocType>\n <DBVersion>495</DBVersion>\n' +
		' <languages><language>en</language><language>de</language></languages>\n';
	for (const [name, rows] of Object.entries(tables)) {
		const fields = Object.keys(rows[0]);
		xml += ` <${name}>\n  <fields>${fields.map((f) => `<fieldname>${f}</fieldname>`).join('')}` +
			'</fields>\n  <rows>\n';
		for (const row of rows) {
			xml += `   <row>${fields.map((f) => `<${f}>${cdata(row[f] ?? '')}</${f}>`).join('')}</row>\n`;
		}
		xml += `  </rows>\n </${name}>\n`;
	}
	return Buffer.from(`${xml}</document>\n`);
}

const q = (qid, type, title, { gid = 1, order = qid, mandatory = 'N', relevance = '1' } = {}) =>
	({ qid, parent_qid: 0, gid, type, title, other: 'N', mandatory, question_order: order,
		scale_id: 0, relevance });

// A survey that comes over with a note of nearly every kind: on the survey (languages,
// assessments, quotas in the plural, its theme, texts, dates, tokens, its format, a question in
// no group), on its group (a randomisation group, a script taken out of its description) and on
// its questions (soft mandatory, a condition that cannot come over, shown by row, types with no
// counterpart, attributes, too few options, styles and an image taken out of a text).
const FILE = lss({
	surveys: [{ sid: 4711, language: 'en', additional_languages: 'de', assessments: 'Y',
		format: 'A', template: 'fruity', startdate: '2030-01-01 09:00:00', usetokens: 'Y' }],
	surveys_languagesettings: [{ surveyls_language: 'en', surveyls_title: 'Notes in every language',
		surveyls_description: 'About the survey', surveyls_welcometext: 'Welcome',
		surveyls_endtext: 'Thank you' }],
	quota: [{ id: 1, sid: 4711 }, { id: 2, sid: 4711 }],
	groups: [{ gid: 1, group_order: 1, grelevance: '', randomization_group: 'rg1' }],
	group_l10ns: [{ gid: 1, group_name: 'About you', description: '<p>Hello<script>go()</script></p>',
		language: 'en' }],
	questions: [
		q(10, 'L', 'Q1', { mandatory: 'S' }),
		q(11, 'S', 'Q2', { relevance: 'foo(Q1) == 1' }),
		q(12, 'H', 'Q3'),
		q(13, '|', 'UP'),
		q(14, '*', 'EQ'),
		q(15, 'N', 'Q5'),
		q(16, 'M', 'Q6'),
		q(17, 'X', 'Q7'),
		q(18, 'S', 'LOST', { gid: 9 }),
	],
	subquestions: [
		{ ...q(100, 'T', 'R1', { order: 1 }), parent_qid: 12 },
		{ ...q(101, 'T', 'R2', { order: 2 }), parent_qid: 12 },
		{ ...q(102, 'T', 'SQ1', { order: 1 }), parent_qid: 16 },
	],
	question_l10ns: [
		[10, 'Which one?'], [11, 'Why?'], [12, 'Rate each'], [13, 'Upload'], [14, '{Q5 * 2}'],
		[15, 'How many?'], [16, 'Which?'],
		[17, '<p>Read <b style="color: red">this</b> <img src="x.png"></p>'], [18, 'Lost'],
		[100, 'Food'], [101, 'Staff'], [102, 'Only one'],
	].map(([qid, question]) => ({ qid, question, help: '', language: 'en' })),
	answers: [[1, 10, 'A1'], [2, 10, 'A2'], [3, 12, '1'], [4, 12, '2']]
		.map(([aid, qid, code]) => ({ aid, qid, code, sortorder: aid, scale_id: 0,
			assessment_value: 0 })),
	answer_l10ns: [[1, 'One'], [2, 'Two'], [3, 'Good'], [4, 'Bad']]
		.map(([aid, answer]) => ({ aid, answer, language: 'en' })),
	question_attributes: [[15, 'hidden', '1'], [15, 'num_value_int_only', '1'],
		[15, 'min_num_value_n', 'lots']]
		.map(([qid, attribute, value]) => ({ qid, attribute, value, language: '' })),
});

const unescaped = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
	.replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

// The report of the import page for FILE, in lang (undefined: English): its notes' details in
// order, and each question's LimeSurvey type name by its code.
async function report(lang) {
	const form = new FormData();
	form.append('csrf', officer.csrf);
	form.append('file', new Blob([FILE], { type: 'application/octet-stream' }), 'notes.lss');
	const res = await fetch(server.url + '/staff/surveys/import', { method: 'POST', body: form,
		redirect: 'manual',
		headers: { Cookie: officer.cookie + (lang ? `; involve_lang=${lang}` : '') } });
	const html = await res.text();
	assert.equal(res.status, 200, `the file is read in ${lang ?? 'en'}: ${html.slice(0, 500)}`);
	const at = html.indexOf('<h2>');
	assert.ok(at > 0, 'the page shows the report');
	const shown = html.slice(at);
	const notes = [...shown.matchAll(/<strong>[^<]*:<\/strong> ([\s\S]*?)(?=<br>|<\/li>|<\/td>)/g)]
		.map((m) => unescaped(m[1].trim()));
	const types = Object.fromEntries([...shown.matchAll(
		/<\/span>([A-Za-z0-9_]+) \(([^<]*), (.)\)<\/td>/g)].map((m) => [m[1], unescaped(m[2])]));
	return { notes, types };
}

test('the import page\'s report is in English by default, with a note of every kind', async () => {
	const en = await report();
	assert.ok(en.notes.length >= 20, JSON.stringify(en.notes, null, 1));
	for (const note of ['2 quotas have no counterpart in involve',
		'1 question in no group was left out', 'Shown by row (LimeSurvey showed it by column)',
		'From its text: removed styles and images or other media',
		'A choice needs at least two options, and it has 1: left out',
		'LimeSurvey showed it all on one page; here each group is a page']) {
		assert.ok(en.notes.includes(note), `${note} in ${JSON.stringify(en.notes, null, 1)}`);
	}
	assert.equal(en.types.Q3, 'Array by column');
	assert.equal(en.types.UP, 'File upload');
});

for (const lang of LANGS) {
	test(`the import page's report notes and question types are in ${lang}`, async () => {
		const c = catalogue(lang);
		const en = await report();
		const shown = await report(lang);
		assert.equal(shown.notes.length, en.notes.length, `as many notes in ${lang} as in English`);
		const untranslated = [];
		shown.notes.forEach((note, i) => {
			assert.ok(note.length > 0, `note ${i} says something`);
			if (note === en.notes[i]) untranslated.push(en.notes[i]);
			// A note without values in it is the catalogue's sentence itself.
			else if (c.has(en.notes[i])) assert.equal(note, c.text(en.notes[i]), en.notes[i]);
		});
		assert.deepEqual(untranslated, [], `notes still in English on ${lang} pages`);
		// The quotas' count goes into the catalogue's form for 2.
		const one = '%d quota has no counterpart in involve';
		assert.ok(c.has(one), `the catalogue translates "${one}"`);
		assert.ok(shown.notes.includes(c.plural(one, '%d quotas have no counterpart in involve', 2)
			.replace('%d', '2')), JSON.stringify(shown.notes, null, 1));
		// LimeSurvey's type names are the catalogue's; the codes stay as they are.
		assert.deepEqual(Object.keys(shown.types), Object.keys(en.types));
		for (const [code, name] of Object.entries(en.types)) {
			assert.ok(c.has(name), `the catalogue translates the type "${name}"`);
			assert.equal(shown.types[code], c.text(name), code);
		}
	});
}

test('the API\'s report stays in English whatever Accept-Language and the cookie say', async () => {
	const en = await report();
	const api = apiClient(server);
	const res = await api('POST', '/api/v1/surveys/import?format=lss&dry_run=true', { auth: token,
		raw: FILE, headers: { 'Content-Type': 'application/xml', 'Accept-Language': 'pl',
			Cookie: 'involve_lang=ur' } });
	assert.equal(res.status, 200, await res.clone().text());
	const r = (await json(res)).import_report;
	const notes = [...r.groups.flatMap((g) => [...g.notes, ...g.questions.flatMap((x) => x.notes)]),
		...r.notes].map((n) => n.detail);
	assert.deepEqual(notes.sort(), [...en.notes].sort());
	const types = Object.fromEntries(r.groups.flatMap((g) => g.questions)
		.map((x) => [x.code, x.type_name]));
	assert.deepEqual(types, en.types);
});
