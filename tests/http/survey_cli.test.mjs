// The `involve survey` command against a real server and database: a survey created from a
// file (and refused with each error's path), listed, shown, opened and closed; responses
// imported from CSV files in UTF-8 with a byte-order mark and in Windows-1252 (written here as
// bytes), then read back through the API's results; files with bad rows (nothing imported,
// unless --skip-bad), an unknown column, a byte Windows-1252 does not define, an empty file;
// an export imported into a second survey giving the same results; and an import on
// PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { apiClient, json } from '../lib/api.mjs';
import { ok, refused } from '../lib/commands.mjs';
import { startOn } from '../lib/database.mjs';
import { createOrg, makeStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

// A clinic's survey: a first question whose "No" ends it, then one of most kinds, a grid and a
// multiple choice with "Other, please say".
const clinic = (overrides = {}) => ({
	title: 'Your visit to the clinic',
	pages: [
		{
			key: 'first', title: 'Your visit',
			questions: [
				{ key: 'q1', type: 'single', text: 'Would you answer a few questions?',
					required: true, options: ['Yes', 'No'] },
			],
			next: [{ if: { question: 'q1', equals: 'No' }, go_to: 'end' }],
		},
		{
			key: 'more', title: 'About the clinic',
			questions: [
				{ key: 'q2', type: 'rating', text: 'How easy was it to book?' },
				{ key: 'q3', type: 'text', text: 'What went well?' },
				{ key: 'q4', type: 'grid', text: 'How was each part?',
					rows: ['Booking', { value: 'wait', label: 'Waiting' }], options: ['Good', 'Poor'] },
				{ key: 'q5', type: 'multiple', text: 'What could be better?',
					options: ['Parking', 'Staff', { value: 'other', label: 'Something else', other: true }] },
				{ key: 'q6', type: 'fft', required: true },
				{ key: 'q7', type: 'date', text: 'When was it?', min: '2020-01-01' },
				{ key: 'q8', type: 'postcode', text: 'Your postcode' },
				{ key: 'q9', type: 'number', text: 'Minutes waited', min: 0, max: 600 },
			],
		},
	],
	...overrides,
});

const HEADER = 'q1,q2,q3,q4.Booking,q4.wait,q5,q5.other,q6,q7,q8,q9';
// Three good rows, as people type them: labels in any case, dates both ways, postcodes spaced
// any way, "other" said, a "No" that ends the survey.
const GOOD_ROWS = [
	'Yes,4,Friendly staff,good,Poor,"Parking; something else",Signs,Very good,2026-03-04,bb17dj,15',
	'yes,5,,Good,,Staff,,good,4/3/2026,BB1 7DJ,',
	'No,,,,,,,,,,',
];

let dir;
let server;
let api;
let admin; // an administrator's token: results with no count hidden

function file(name, content) {
	const p = path.join(dir, name);
	writeFileSync(p, content);
	return p;
}

const cli = (args, options) => server.cli(args, options);

async function createSurvey(def = clinic()) {
	const r = await ok(cli(['survey', 'create', '--org', 'bury', '--file',
		file(`def-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(def))]));
	const m = /^Created survey (\d+), /m.exec(r.stdout);
	assert.ok(m, r.stdout);
	return m[1];
}

async function results(id) {
	const res = await api('GET', `/api/v1/surveys/${id}/results`, { auth: admin });
	assert.equal(res.status, 200);
	const r = await json(res);
	delete r.survey;
	return r;
}

const question = (r, key) => r.questions.find((q) => q.key === key);
const count = (q, value) => q.options.find((o) => o.value === value).count;

before(async () => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'involve-survey-cli-'));
	server = await startServer();
	api = apiClient(server);
	await createOrg(server);
	admin = (await makeStaff(server, { email: 'admin@example.org', role: 'administrator' })).token;
});

after(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe('creating, listing, showing, opening and closing', () => {
	test('--help, and usage errors', async () => {
		for (const args of [['survey', '--help'], ['survey', 'import', '--help']]) {
			const r = await ok(cli(args));
			assert.match(r.stdout, new RegExp(`^Usage: involve ${args.slice(0, -1).join(' ')} `));
		}
		assert.match((await ok(cli(['--help']))).stdout, /^ {2}survey {7}/m);
		await refused(cli(['survey']), 2, /involve survey/);
		await refused(cli(['survey', 'list']), 2, /list needs --org/);
		await refused(cli(['survey', 'show', '--org', 'bury', '--survey', 'x']), 2, /--survey must be/);
		await refused(cli(['survey', 'export', '--org', 'bury', '--survey', '1', '--format', 'xml']),
			2, /--format must be csv, json or xlsx/);
		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', '1']), 2,
			/needs --org, --survey and --file/);
	});

	test('a survey from a file of the API body, as a draft, opened and closed', async () => {
		const id = await createSurvey(clinic({ opens_at: null }));
		let r = await ok(cli(['survey', 'list', '--org', 'bury']));
		assert.match(r.stdout, /^id\ttitle\tstatus\tversion\tresponses\tcreated$/m);
		assert.match(r.stdout, new RegExp(`^${id}\tYour visit to the clinic\tdraft\t1\t0\t`, 'm'));
		r = await ok(cli(['survey', 'show', '--org', 'bury', '--survey', id]));
		assert.match(r.stdout, /^Survey \d+: Your visit to the clinic$/m);
		assert.match(r.stdout, /^Status: draft$/m);
		assert.match(r.stdout, /^Responses: 0$/m);
		assert.match(r.stdout, /^ {2}q1 \(single, required\): Would you answer a few questions\?$/m);
		assert.match(r.stdout, /^ {2}q4 \(grid\): How was each part\?$/m);
		assert.match(r.stdout, /^ {8}- wait: Waiting$/m);

		// A draft takes no responses, entered or imported.
		const csv = file('draft.csv', `${HEADER}\r\n${GOOD_ROWS[0]}\r\n`);
		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', csv]), 1,
			/survey: The survey is a draft/);
		await refused(cli(['survey', 'close', '--org', 'bury', '--survey', id]), 1, /not open yet/);
		r = await ok(cli(['survey', 'open', '--org', 'bury', '--survey', id]));
		assert.match(r.stdout, /Opened survey/);
		const got = await json(await api('GET', `/api/v1/surveys/${id}`, { auth: admin }));
		assert.equal(got.status, 'open');
		await refused(cli(['survey', 'open', '--org', 'bury', '--survey', id]), 1, /already open/);
		await ok(cli(['survey', 'close', '--org', 'bury', '--survey', id]));
		r = await ok(cli(['survey', 'list', '--org', 'bury']));
		assert.match(r.stdout, new RegExp(`^${id}\t[^\t]+\tclosed\t3\t0\t`, 'm'));
		// Staff still enter responses after it closes.
		r = await ok(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', csv]));
		assert.match(r.stdout, /^1 response imported, 0 rows rejected\.$/m);
	});

	test('a bad definition is refused with the path of each problem', async () => {
		const listed = async () => (await ok(cli(['survey', 'list', '--org', 'bury']))).stdout;
		const before = await listed();
		const bad = clinic();
		bad.pages[1].questions[0].type = 'dial';
		bad.title = ' ';
		let r = await refused(cli(['survey', 'create', '--org', 'bury', '--file',
			file('bad.json', JSON.stringify({ ...bad, opens_at: 'tomorrow', colour: 'red' }))]), 1,
			/pages\[1\]\.questions\[0\]\.type: /);
		assert.match(r.stderr, /involve: survey create: title: /);
		assert.match(r.stderr, /opens_at: Must be a date and time/);
		assert.match(r.stderr, /colour: Unknown field/);
		const loop = clinic();
		loop.pages[0].next[0].go_to = 'nowhere';
		await refused(cli(['survey', 'create', '--org', 'bury', '--file',
			file('nowhere.json', JSON.stringify(loop))]), 1, /pages\[0\]\.next\[0\]\.go_to: /);
		await refused(cli(['survey', 'create', '--org', 'bury', '--file',
			file('notjson.json', '{"title": "x", ')]), 1, /is not valid JSON/);
		await refused(cli(['survey', 'create', '--org', 'bury', '--file',
			file('nopages.json', '{"title": "x"}')]), 1, /pages: Enter the pages/);
		await refused(cli(['survey', 'create', '--org', 'bury', '--file', path.join(dir, 'none')]),
			1, /cannot read/);
		await refused(cli(['survey', 'create', '--org', 'nowhere', '--file', file('ok.json',
			JSON.stringify(clinic()))]), 1, /no organisation 'nowhere'/);
		await refused(cli(['survey', 'create', '--org', 'bury']), 2, /needs --org and --file/);
		await refused(cli(['survey', 'show', '--org', 'bury', '--survey', '999']), 1,
			/'bury' has no survey 999/);
		await refused(cli(['survey', 'frobnicate']), 2, /unknown action/);
		assert.equal(await listed(), before, 'nothing was made');
	});
});

describe('importing responses from CSV', () => {
	test('UTF-8 with a byte-order mark and Windows-1252, counted in the results', async () => {
		const id = await createSurvey();
		const utf8 = file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]),
			Buffer.from(`${HEADER}\r\n${GOOD_ROWS.join('\r\n')}\r\n`, 'utf8')]));
		let r = await ok(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', utf8]));
		assert.match(r.stdout, /^3 responses imported, 0 rows rejected\.$/m);
		assert.doesNotMatch(r.stderr, /Importing/, 'no progress bar off a terminal');

		// "café" as Excel saves it on Windows: e9, one byte.
		const cp1252 = file('cp1252.csv', Buffer.from('q1,q3,q6,channel\r\nYes,caf\xe9,Poor,phone\r\n',
			'latin1'));
		r = await ok(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', cp1252,
			'--channel', 'event']));
		assert.match(r.stderr, /is not UTF-8: it is read as Windows-1252/);
		assert.match(r.stdout, /^1 response imported/m);

		const res = await results(id);
		assert.equal(res.responses, 4);
		assert.equal(count(question(res, 'q1'), 'Yes'), 3);
		assert.equal(count(question(res, 'q1'), 'No'), 1);
		assert.equal(question(res, 'q2').answered, 2);
		assert.equal(question(res, 'q2').mean, 4.5);
		assert.equal(question(res, 'q3').answered, 2);
		assert.equal(count(question(res, 'q5'), 'other'), 1);
		assert.equal(count(question(res, 'q5'), 'Parking'), 1);
		assert.equal(count(question(res, 'q6'), 'Very good'), 1);
		assert.equal(count(question(res, 'q6'), 'Good'), 1);
		assert.equal(count(question(res, 'q6'), 'Poor'), 1);
		const grid = question(res, 'q4');
		assert.equal(grid.rows.find((row) => row.value === 'Booking').answered, 2);
		assert.equal(grid.rows.find((row) => row.value === 'wait').answered, 1);
		assert.equal(question(res, 'q9').mean, 15);

		// What was stored, as the export shows it: dates and postcodes written one way, the
		// Windows-1252 text in UTF-8, each row's channel.
		r = await ok(cli(['survey', 'export', '--org', 'bury', '--survey', id]));
		const lines = r.stdout.trim().split('\r\n');
		assert.equal(lines[0], '"response","submitted_at","channel","q1","q2","q3","q4.Booking",' +
			'"q4.wait","q5","q5.other","q6","q7","q8","q9"');
		assert.equal(lines.length, 5);
		assert.match(lines[1], /,"paper","Yes","4","Friendly staff","Good","Poor","Parking; Something else","Signs","Very good","2026-03-04","BB1 7DJ","15"$/);
		assert.match(lines[2], /,"Yes","5","","Good","","Staff","","Good","2026-03-04","BB1 7DJ",""$/);
		assert.match(lines[4], /,"phone","Yes","","café","","","","","Poor","","",""$/);
		r = await ok(cli(['survey', 'export', '--org', 'bury', '--survey', id, '--format', 'json']));
		const exported = JSON.parse(r.stdout);
		assert.equal(exported.survey, id);
		assert.equal(exported.responses.length, 4);
		assert.deepEqual(exported.responses[0].answers.q4, { Booking: 'Good', wait: 'Poor' });
		assert.deepEqual(exported.responses[0].other, { q5: 'Signs' });
		assert.equal(exported.responses[3].answers.q3, 'café');
	});

	test('a file with bad rows: each named, nothing imported, unless --skip-bad', async () => {
		const id = await createSurvey();
		await ok(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('first.csv', `${HEADER}\r\n${GOOD_ROWS[0]}\r\n`)]));
		const before = await results(id);
		const csv = file('bad-rows.csv', [
			HEADER,
			GOOD_ROWS[0],
			'Maybe,4,,,,,,Good,,,',                 // row 3: not an option
			GOOD_ROWS[1],
			'Yes,9,,,,Parking; Nope,,,31/02/2026,,', // row 5: out of range, no such option,
			//                                        no such date, the FFT question unanswered
			'No,3,,,,,,,,,',                         // row 6: q2 was skipped
			'',                                      // a blank line is no row
			GOOD_ROWS[2],
		].join('\r\n'));
		let r = await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', csv]),
			1, /row 3: q1: 'Maybe' is not one of the options/);
		assert.match(r.stderr, /row 5: q2: Enter a number from 1 to 5/);
		assert.match(r.stderr, /row 5: q5: 'Nope' is not one of the options/);
		assert.match(r.stderr, /row 5: q7: Enter a real date/);
		assert.match(r.stderr, /row 5: q6: Choose an answer/);
		assert.match(r.stderr, /row 6: q2: This question was skipped/);
		assert.doesNotMatch(r.stderr, /row [2478]:/);
		assert.match(r.stderr, /0 responses imported, 3 rows rejected: nothing was imported/);
		assert.deepEqual(await results(id), before, 'nothing of the file was imported');

		r = await ok(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', csv,
			'--skip-bad']));
		assert.match(r.stderr, /row 3: q1: 'Maybe'/);
		assert.match(r.stdout, /^3 responses imported, 3 rows rejected\.$/m);
		const after = await results(id);
		assert.equal(after.responses, before.responses + 3);
		assert.equal(count(question(after, 'q1'), 'No'), 1);

		// Every row bad, even with --skip-bad: nothing to import is a failure.
		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--skip-bad',
			'--file', file('all-bad.csv', 'q1\nMaybe\nPerhaps\n')]), 1, /row 3: q1/);
		assert.equal((await results(id)).responses, after.responses);
	});

	test('an unknown column, a byte Windows-1252 has no character for, an empty file', async () => {
		const id = await createSurvey();
		const before = await results(id);
		let r = await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('unknown.csv', `q1,q10,q4,Q1\r\nYes,1,Good,Yes\r\n`)]), 1,
			/column 2, 'q10', is not a question of survey \d+/);
		assert.match(r.stderr, /column 3, 'q4', is not a question/, 'a grid has a column a row');
		assert.match(r.stderr, /columns 1 and 4 are both 'q1'/);
		assert.doesNotMatch(r.stderr, /row \d/, 'refused before any row is read');

		// 0x81 is one of the five bytes Windows-1252 leaves undefined.
		r = await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('undefined.csv', Buffer.concat([Buffer.from('q1,q6,q3\r\nYes,Good,fine\r\nYes,Good,caf'),
				Buffer.from([0x81]), Buffer.from('\r\n')]))]), 1, /Row 3\b/);
		assert.match(r.stderr, /Nothing was imported/);

		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('empty.csv', '')]), 1, /is empty: its first row must name the questions/);
		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('header.csv', `${HEADER}\r\n`)]), 1, /has no responses, only its first row/);
		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('quote.csv', 'q1,q3\r\nYes,"never closed\r\n')]), 1, /never closed/);
		await refused(cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file',
			file('channel.csv', 'q1,q6\r\nYes,Good\r\n'), '--channel', 'post']), 2, /--channel/);
		assert.deepEqual(await results(id), before);
	});

	test('an export imported into a second survey gives the same results', async () => {
		const first = await createSurvey();
		const rows = [];
		for (let i = 0; i < 40; i++) {
			rows.push(GOOD_ROWS[i % 3]);
			rows.push(`Yes,${1 + (i % 5)},"said ""${i}"", with a comma",Poor,Good,Staff,,Don't know,` +
				`${10 + (i % 18)}/12/2025,SW1A${i % 2 ? '' : ' '}1AA,${i * 2.5}`);
		}
		await ok(cli(['survey', 'import', '--org', 'bury', '--survey', first, '--file',
			file('many.csv', `${HEADER}\n${rows.join('\n')}\n`), '--channel', 'phone']));
		const out = path.join(dir, 'export.csv');
		let r = await ok(cli(['survey', 'export', '--org', 'bury', '--survey', first, '--output', out]));
		assert.match(r.stderr, /Wrote 80 responses/);
		await refused(cli(['survey', 'export', '--org', 'bury', '--survey', first, '--output', out]),
			2, /exists already/);

		const second = await createSurvey();
		r = await ok(cli(['survey', 'import', '--org', 'bury', '--survey', second, '--file', out]));
		assert.match(r.stdout, /^80 responses imported, 0 rows rejected\.$/m);
		const a = await results(first);
		const b = await results(second);
		assert.equal(b.responses, 80);
		assert.deepEqual(b.questions, a.questions);
		// Each row kept its channel from the export's channel column.
		const again = readFileSync(out, 'utf8');
		assert.equal(again.split('\r\n').filter((l) => l.includes('"phone"')).length, 80);
		r = await ok(cli(['survey', 'export', '--org', 'bury', '--survey', second]));
		assert.equal(r.stdout.split('\r\n').filter((l) => l.includes('"phone"')).length, 80);
	});
});

test('an import on PostgreSQL', async () => {
	const pg = await startOn('postgresql');
	try {
		const pcli = (args) => pg.cli(args);
		await createOrg(pg, 'leeds', 'NHS Leeds');
		const token = (await makeStaff(pg, { org: 'leeds', email: 'a@example.org',
			role: 'administrator' })).token;
		let r = await ok(pcli(['survey', 'create', '--org', 'leeds', '--file',
			file('pg.json', JSON.stringify(clinic()))]));
		const id = /^Created survey (\d+), /m.exec(r.stdout)[1];
		const rows = [];
		for (let i = 0; i < 500; i++) rows.push(GOOD_ROWS[i % 3]);
		r = await ok(pcli(['survey', 'import', '--org', 'leeds', '--survey', id, '--file',
			file('pg.csv', `${HEADER}\r\n${rows.join('\r\n')}\r\n`)]));
		assert.match(r.stdout, /^500 responses imported, 0 rows rejected\.$/m);
		await refused(pcli(['survey', 'import', '--org', 'leeds', '--survey', id, '--file',
			file('pg-bad.csv', `${HEADER}\r\n${rows.join('\r\n')}\r\nMaybe\r\n`)]), 1, /row 502: q1/);
		const res = await json(await apiClient(pg)('GET', `/api/v1/surveys/${id}/results`,
			{ auth: token }));
		assert.equal(res.responses, 500);
		assert.equal(count(question(res, 'q1'), 'Yes'), 334);
		assert.equal(count(question(res, 'q1'), 'No'), 166);
		assert.equal(question(res, 'q3').answered, 167);
		r = await ok(pcli(['survey', 'export', '--org', 'leeds', '--survey', id]));
		assert.equal(r.stdout.trim().split('\r\n').length, 501);
	} finally {
		await pg.stop();
	}
});
