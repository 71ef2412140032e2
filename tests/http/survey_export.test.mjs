// Survey exports against the real server: every response streamed as CSV, JSON and XLSX
// across many pages of the database, a survey without responses, clients that leave half
// way (the server stops cleanly afterwards, so ASan found no leak), who may download what,
// and the results as open data with small counts hidden, also through secondary
// suppression, for the public once the survey has closed.  XLSX files are opened with
// openpyxl, as a spreadsheet program would open them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { apiClient, expectProblem, json } from '../lib/api.mjs';
import { ok } from '../lib/commands.mjs';
import { createOrg, makeStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { signIn, staffGet } from '../lib/staff.mjs';

const MANY = 4321; // more than four of the server's pages of 1000
// Python is INVOLVE_TEST_PYTHON, else /usr/bin/python3 (Debian's, which has openpyxl).
const PYTHON = process.env.INVOLVE_TEST_PYTHON ||
	(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let dir;
let server;
let api;
let officer;
let analyst;
let viewer;
let other;

const visit = () => ({
	title: 'Your visit',
	pages: [{
		key: 'p1', title: 'Your visit',
		questions: [
			{ key: 'q1', type: 'single', text: 'Do you work here?', options: ['Yes', 'No'] },
			{ key: 'q2', type: 'rating', text: 'How well do we listen?' },
			{ key: 'q3', type: 'date', text: 'When did you visit?', min: '2020-01-01' },
			{ key: 'q4', type: 'number', text: 'Minutes waited', min: 0, max: 600 },
			{ key: 'q5', type: 'text', text: 'Anything else?' },
			{ key: 'q6', type: 'fft' },
			{ key: 'q7', type: 'grid', text: 'How was each part?', rows: ['Booking', 'Waiting'],
				options: ['Good', 'Poor'] },
		],
	}],
});

async function createSurvey() {
	const res = await api('POST', '/api/v1/surveys', { auth: officer.token, body: visit() });
	assert.equal(res.status, 201);
	return (await json(res)).id;
}

// Imports rows (arrays of q1..q7 cells, the grid as two) through `involve survey import`.
async function importRows(id, rows) {
	const lines = ['q1,q2,q3,q4,q5,q6,q7.Booking,q7.Waiting',
		...rows.map((r) => r.map((c) => `"${String(c).replaceAll('"', '""')}"`).join(','))];
	const file = path.join(dir, `import-${id}.csv`);
	writeFileSync(file, lines.join('\r\n') + '\r\n');
	await ok(server.cli(['survey', 'import', '--org', 'bury', '--survey', id, '--file', file]));
}

const fetchAs = (token, p, headers = {}) => api('GET', p, { auth: token, headers });

// Reads an XLSX file with openpyxl: the header and whether it is bold, the frozen pane, the
// number of rows and the first data row's values with their types.
function readXlsx(bytes) {
	const file = path.join(dir, `read-${Math.random().toString(36).slice(2)}.xlsx`);
	writeFileSync(file, bytes);
	const script = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = list(ws.iter_rows())
def v(c):
    x = c.value
    if isinstance(x, (datetime.datetime, datetime.date)):
        return {'type': 'date', 'value': x.isoformat(), 'format': c.number_format}
    return {'type': type(x).__name__, 'value': x, 'data_type': c.data_type}
print(json.dumps({'title': ws.title, 'freeze': ws.freeze_panes,
  'header': [c.value for c in rows[0]], 'bold': all(c.font.b for c in rows[0]),
  'rows': len(rows), 'first': [v(c) for c in rows[1]] if len(rows) > 1 else None,
  'last': [v(c) for c in rows[-1]]}))
`;
	const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return JSON.parse(r.stdout);
}

before(async () => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'involve-survey-export-'));
	server = await startServer();
	api = apiClient(server);
	await createOrg(server);
	await createOrg(server, 'blackpool', 'NHS Blackpool');
	officer = await makeStaff(server, { email: 'officer@example.org', role: 'engagement_officer' });
	analyst = await makeStaff(server, { email: 'analyst@example.org', role: 'analyst' });
	viewer = await makeStaff(server, { email: 'viewer@example.org', role: 'viewer' });
	other = await makeStaff(server, { org: 'blackpool', email: 'a@blackpool.example', role: 'administrator' });
});

after(async () => {
	// A clean exit: the sanitizers found nothing, the streams given up half way included.
	const stopped = await server?.stop();
	if (stopped) assert.equal(stopped.code, 0, stopped.stderr);
	rmSync(dir, { recursive: true, force: true });
});

describe('every response, streamed', () => {
	let id;

	before(async () => {
		id = await createSurvey();
		const rows = [];
		for (let i = 1; i <= MANY; i++) {
			rows.push([i % 2 ? 'Yes' : 'No', (i % 5) + 1, '2026-03-04', i % 60,
				i === MANY ? '=HYPERLINK("http://evil")' : `visit ${i}`, 'Good', 'Good', i % 3 ? 'Poor' : '']);
		}
		await importRows(id, rows);
	});

	test('CSV: every row once, in order, uncompressed, as it is made', async () => {
		const res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=csv`,
			{ 'Accept-Encoding': 'gzip, br' });
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^text\/csv/);
		assert.match(res.headers.get('content-disposition'), /attachment; filename="survey-\d+\.csv"/);
		assert.equal(res.headers.get('content-encoding'), null, 'exports carry personal data: never compressed');
		assert.equal(res.headers.get('content-length'), null, 'sent as it is made');
		assert.equal(res.headers.get('cache-control'), 'no-store');
		const lines = (await res.text()).split('\r\n');
		assert.equal(lines.pop(), '');
		assert.equal(lines[0], '"response","submitted_at","channel","q1","q2","q3","q4","q5","q6",' +
			'"q7.Booking","q7.Waiting"');
		assert.equal(lines.length, MANY + 1);
		const ids = lines.slice(1).map((l) => Number(/^"(\d+)"/.exec(l)[1]));
		assert.ok(ids.every((n, i) => i === 0 || n > ids[i - 1]), 'in id order, no repeats');
		assert.match(lines[1], /"paper","Yes","2","2026-03-04","1","visit 1","Good","Good","Poor"$/);
		assert.match(lines[MANY], /"'=HYPERLINK\(""http:\/\/evil""\)"/);
	});

	test('JSON: one document, written row by row', async () => {
		const res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=json`);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^application\/json/);
		const body = await json(res);
		assert.equal(body.survey, id);
		assert.equal(body.responses.length, MANY);
		assert.deepEqual(body.responses[0].answers, { q1: 'Yes', q2: 2, q3: '2026-03-04', q4: 1, q5: 'visit 1',
			q6: 'Good', q7: { Booking: 'Good', Waiting: 'Poor' } });
	});

	test('XLSX: the same columns, numbers as numbers, dates as dates, the header bold and frozen', async () => {
		const res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=xlsx`);
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), XLSX_TYPE);
		assert.match(res.headers.get('content-disposition'), /filename="survey-\d+\.xlsx"/);
		const x = readXlsx(Buffer.from(await res.arrayBuffer()));
		assert.equal(x.title, 'Responses');
		assert.deepEqual(x.header, ['response', 'submitted_at', 'channel', 'q1', 'q2', 'q3', 'q4', 'q5',
			'q6', 'q7.Booking', 'q7.Waiting']);
		assert.ok(x.bold, 'the header row is bold');
		assert.equal(x.freeze, 'A2', 'the header row is frozen');
		assert.equal(x.rows, MANY + 1);
		const [rid, when, channel, q1, q2, q3, q4, q5] = x.first;
		assert.equal(rid.type, 'int');
		assert.equal(when.type, 'date');
		assert.equal(channel.value, 'paper');
		assert.equal(q1.value, 'Yes');
		assert.deepEqual([q2.type, q2.value], ['int', 2]);
		assert.deepEqual([q3.type, q3.value, q3.format], ['date', '2026-03-04T00:00:00', 'yyyy-mm-dd']);
		assert.deepEqual([q4.type, q4.value], ['int', 1]);
		assert.deepEqual([q5.type, q5.value], ['str', 'visit 1']);
		// The formula-like text is text (data type "s"), never a formula ("f").
		assert.deepEqual(x.last[7], { type: 'str', value: '=HYPERLINK("http://evil")', data_type: 's' });
	});

	test('a client that leaves half way costs nothing: the server goes on', async () => {
		const url = new URL(server.url);
		for (let i = 0; i < 3; i++) {
			await new Promise((resolve, reject) => {
				const sock = net.connect(Number(url.port), url.hostname, () => {
					sock.write(`GET /api/v1/surveys/${id}/export?format=${i === 2 ? 'xlsx' : 'csv'} HTTP/1.1\r\n` +
						`Host: ${url.host}\r\nAuthorization: Bearer ${analyst.token}\r\n\r\n`);
				});
				sock.once('data', (chunk) => {
					assert.match(chunk.toString('latin1'), /^HTTP\/1\.1 200/);
					sock.destroy();
					resolve();
				});
				sock.on('error', reject);
			});
		}
		// Gone mid-stream through fetch too.
		const res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=json`);
		const reader = res.body.getReader();
		await reader.read();
		await reader.cancel();
		const again = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=csv`);
		assert.equal((await again.text()).split('\r\n').length, MANY + 2);
	});

	test('the staff pages download the same files, XLSX too', async () => {
		const { cookie } = await signIn(server.url, analyst.email, analyst.password);
		const page = await staffGet(server.url, `/staff/surveys/${id}/results`, cookie);
		const html = await page.text();
		assert.match(html, new RegExp(`href="/staff/surveys/${id}/export\\?format=xlsx"`));
		assert.match(html, new RegExp(`href="/staff/surveys/${id}/results.csv"`));
		const res = await staffGet(server.url, `/staff/surveys/${id}/export?format=xlsx`, cookie);
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), XLSX_TYPE);
		assert.equal(readXlsx(Buffer.from(await res.arrayBuffer())).rows, MANY + 1);
		const csv = await staffGet(server.url, `/staff/surveys/${id}/export?format=csv`, cookie);
		assert.equal((await csv.text()).split('\r\n').length, MANY + 2);
	});

	test('the command writes XLSX straight to its file', async () => {
		const out = path.join(dir, 'export.xlsx');
		const r = await ok(server.cli(['survey', 'export', '--org', 'bury', '--survey', id, '--format', 'xlsx',
			'--output', out]));
		assert.match(r.stderr, new RegExp(`Wrote ${MANY} responses`));
		const x = spawnSync(PYTHON, ['-c', 'import sys, openpyxl; print(openpyxl.load_workbook(sys.argv[1]).active.max_row)', out],
			{ encoding: 'utf8' });
		assert.equal(x.stdout.trim(), String(MANY + 1), x.stderr);
	});
});

describe('a survey without responses', () => {
	test('is its header: CSV, JSON and XLSX', async () => {
		const id = await createSurvey();
		let res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=csv`);
		assert.equal(res.status, 200);
		assert.equal(await res.text(), '"response","submitted_at","channel","q1","q2","q3","q4","q5","q6",' +
			'"q7.Booking","q7.Waiting"\r\n');
		res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=json`);
		assert.deepEqual(await json(res), { survey: id, responses: [] });
		res = await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=xlsx`);
		const x = readXlsx(Buffer.from(await res.arrayBuffer()));
		assert.equal(x.rows, 1);
		assert.ok(x.bold);
	});
});

describe('who may download what', () => {
	let id;

	before(async () => {
		id = await createSurvey();
	});

	test('the responses: analysts and administrators only; bad input refused', async () => {
		for (const who of [officer, viewer]) {
			await expectProblem(await fetchAs(who.token, `/api/v1/surveys/${id}/export?format=xlsx`), 403);
		}
		await expectProblem(await api('GET', `/api/v1/surveys/${id}/export?format=csv`), 401);
		await expectProblem(await fetchAs(other.token, `/api/v1/surveys/${id}/export?format=csv`), 404);
		await expectProblem(await fetchAs(analyst.token, '/api/v1/surveys/987654/export?format=csv'), 404);
		await expectProblem(await fetchAs(analyst.token, `/api/v1/surveys/${id}/export?format=pdf`), 422, 'format');
		await expectProblem(await fetchAs(analyst.token, '/api/v1/surveys/987654/results.csv'), 404);
		await expectProblem(await fetchAs(other.token, `/api/v1/surveys/${id}/results.csv`), 403);
	});
});

describe('the results as open data', () => {
	let id;
	const hiddenRe = /^\[c\]$/;

	// One line per (question, row, option): {count, percent, answered, note}.
	function parse(text) {
		const lines = text.trim().split('\r\n');
		assert.equal(lines[0], 'question,question_text,row,option,count,percent,answered,note');
		const cells = (l) => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, 8)
			.map((m) => m[1].replace(/^"|"$/g, '').replaceAll('""', '"'));
		return lines.slice(1).map((l) => {
			const [question, text, row, option, count, percent, answered, note] = cells(l);
			return { question, text, row, option, count, percent, answered, note };
		});
	}

	before(async () => {
		id = await createSurvey();
		// 26 responses: q1 3 Yes and 23 No; q6 12 Very good, 11 Good, 3 Poor; the grid
		// answered by 3 only; free text from everyone.
		const rows = [];
		const fft = [...Array(12).fill('Very good'), ...Array(11).fill('Good'), ...Array(3).fill('Poor')];
		for (let i = 0; i < 26; i++) {
			rows.push([i < 3 ? 'Yes' : 'No', '', '', '', `secret ${i}`, fft[i], i < 3 ? 'Good' : '', i < 3 ? 'Poor' : '']);
		}
		await importRows(id, rows);
	});

	test('is not public while the survey is open, but staff have it at any time, always suppressed', async () => {
		let res = await fetch(`${server.url}/o/bury/surveys/${id}/results.csv`);
		assert.equal(res.status, 403);
		await expectProblem(await api('GET', `/api/v1/surveys/${id}/results.csv`), 403);
		for (const who of [officer, analyst]) {
			res = await fetchAs(who.token, `/api/v1/surveys/${id}/results.csv`);
			assert.equal(res.status, 200);
			const lines = parse(await res.text());
			// Analysts see 3 in the results; never in the open-data file.
			assert.equal(lines.find((l) => l.question === 'q6' && l.option === 'Poor').count, '[c]');
		}
		const { cookie } = await signIn(server.url, viewer.email, viewer.password);
		res = await staffGet(server.url, `/staff/surveys/${id}/results.csv`, cookie);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-disposition'), /filename="survey-results-\d+\.csv"/);
	});

	test('once closed, everyone has it: no count under the threshold, secondary suppression too', async () => {
		await api('POST', `/api/v1/surveys/${id}/close`, { auth: officer.token });
		const page = await (await fetch(`${server.url}/o/bury/surveys/${id}/results`)).text();
		assert.match(page, new RegExp(`href="/o/bury/surveys/${id}/results.csv"[^>]*>Download the results \\(CSV\\)`));
		const res = await fetch(`${server.url}/o/bury/surveys/${id}/results.csv`);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^text\/csv/);
		const text = await res.text();
		const lines = parse(text);
		const line = (q, option, row = '') => lines.find((l) => l.question === q && l.option === option && l.row === row);
		assert.deepEqual([line('q6', 'Very good').count, line('q6', 'Very good').percent, line('q6', 'Very good').answered],
			['12', '46.2', '26']);
		assert.equal(line('q6', 'Good').count, '11');
		assert.equal(line('q6', 'Poor').count, '[c]');
		assert.equal(line('q6', 'Poor').percent, '[c]');
		assert.match(line('q6', 'Poor').note, /^\[c\]: fewer than 10/);
		// 3 Yes is hidden, and 23 No with it: 26 - 23 would give it away.
		assert.equal(line('q1', 'Yes').count, '[c]');
		assert.equal(line('q1', 'No').count, '[c]');
		assert.equal(line('q1', 'No').answered, '26');
		// The grid had 3 answers: none of it shown, its total neither.
		assert.ok(lines.filter((l) => l.question === 'q7').every((l) => hiddenRe.test(l.count) && hiddenRe.test(l.answered)));
		// No count under 10 anywhere; free text, numbers and dates left out.
		for (const l of lines) {
			assert.ok(hiddenRe.test(l.count) || Number(l.count) >= 10, `${l.question} ${l.option}: ${l.count}`);
			assert.ok(hiddenRe.test(l.answered) || Number(l.answered) >= 10);
		}
		assert.deepEqual([...new Set(lines.map((l) => l.question))], ['q1', 'q2', 'q6', 'q7']);
		assert.doesNotMatch(text, /secret/);
		// The command writes the same file.
		const r = await ok(server.cli(['survey', 'results', '--org', 'bury', '--survey', id]));
		assert.equal(r.stdout, text);
	});

	test('a draft\'s results are not found', async () => {
		const res = await api('POST', '/api/v1/surveys', { auth: officer.token, body: { ...visit(), opens_at: null } });
		const draft = (await json(res)).id;
		assert.equal((await fetch(`${server.url}/o/bury/surveys/${draft}/results.csv`)).status, 404);
	});
});
