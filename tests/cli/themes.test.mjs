// The `involve themes` command on the real labelled feedback (NEAS, beside the repository in
// ../shared/data/feedback/): a model trained and written, the file's comments classified and
// written back with the input's theme headers, the model scored on its own comments, on a
// held-out fifth and over five folds; then bad input, each an exit 1 with a sentence saying
// what is wrong (missing and extra columns, no theme columns, an empty file, bytes that are
// not UTF-8 (a file saved as Windows-1252 among them), model files truncated, of another
// version, damaged or not models at all), and
// wrong usage an exit 2.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { runInvolve } from '../lib/commands.mjs';
import { ROOT } from '../lib/server.mjs';

const NEAS = path.resolve(ROOT, '..', 'shared', 'data', 'feedback', 'neas_labelled_feedback.csv');
const NEAS_USABLE = 3890; // rows with a comment
const NEAS_SKIPPED = 1206; // "Did not answer", empty, "nan"
const NEAS_THEMES = 50;
const NEAS_THEMES_SEEN = 38; // themes with a positive anywhere in the file
const TIMEOUT_MS = 300000; // training under the sanitizers, on a shared machine

// Runs `involve themes ...args`; resolves {code, stdout, stderr}.
const themes = (...args) => runInvolve(['themes', ...args], { timeout: TIMEOUT_MS });

async function ok(...args) {
	const r = await themes(...args);
	assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
	assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error/);
	return r;
}

async function refused(code, message, ...args) {
	const r = await themes(...args);
	assert.equal(r.code, code, `expected exit ${code}, got ${r.code}\n${r.stdout}\n${r.stderr}`);
	assert.match(r.stderr, message);
	assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error/);
	return r;
}

// The cells of a simple CSV line (quoted cells without line breaks, as predict writes them).
function cells(line) {
	const out = [];
	const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
	let m;
	while ((m = re.exec(line)) !== null) {
		out.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]);
		if (m[3] === '') break;
	}
	return out;
}

describe('involve themes on the NEAS comments', () => {
	let dir, model;

	before(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'involve-themes-'));
		model = path.join(dir, 'neas.model');
		const r = await ok('train', '--data', NEAS, '--model', model);
		assert.match(r.stdout, new RegExp(`Trained on ${NEAS_USABLE} comments \\(${NEAS_SKIPPED} ` +
			'rows skipped: no usable comment\\), 50 themes \\(38 with a positive\\)'));
		assert.match(r.stdout, /Training took [0-9.]+ s \(CPU [0-9.]+ s\); tuning the thresholds \(5 folds\)/);
	});
	after(() => rmSync(dir, { recursive: true, force: true }));

	test('the model file is versioned and checksummed', () => {
		const bytes = readFileSync(model);
		assert.equal(bytes.subarray(0, 8).toString('latin1'), 'INVTHEME');
		assert.equal(bytes.readUInt32LE(8), 2);
	});

	test('predict writes each usable comment with its sentiment and the input\'s themes', async () => {
		const out = path.join(dir, 'predicted.csv');
		const r = await ok('predict', '--model', model, '--data', NEAS, '--output', out);
		assert.match(r.stderr, new RegExp(`${NEAS_USABLE} comments classified`));
		const lines = readFileSync(out, 'utf8').split('\r\n').filter((l) => l !== '');
		const header = cells(lines[0]);
		const input = cells(readFileSync(NEAS, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0]);
		assert.deepEqual(header, ['Comment ID', 'Comment sentiment',
			...input.slice(input.indexOf('Comment sentiment') + 1)]);
		assert.equal(header.length, 2 + NEAS_THEMES);
		assert.equal(lines.length, 1 + NEAS_USABLE);
		let themed = 0;
		for (const line of lines.slice(1)) {
			const c = cells(line);
			assert.equal(c.length, header.length, line);
			assert.match(c[1], /^[1-5]$/);
			for (const v of c.slice(2)) assert.match(v, /^[01]$/);
			if (c.slice(2).includes('1')) themed++;
		}
		assert.ok(themed > NEAS_USABLE * 0.9, `${themed} comments given a theme`);
	});

	test('a file of comments alone is classified too', async () => {
		const csv = path.join(dir, 'new.csv');
		const out = path.join(dir, 'new-predicted.csv');
		writeFileSync(csv, 'Comment ID,FFT answer\r\nn1,"The crew were kind, caring and quick"\r\n' +
			'n2,Did not answer\r\nn3,Waited four hours for an ambulance in the cold\r\n');
		const r = await ok('predict', '--model', model, '--data', csv, '--output', out);
		assert.match(r.stderr, /2 comments classified .*1 rows skipped/);
		const lines = readFileSync(out, 'utf8').split('\r\n').filter((l) => l !== '');
		assert.equal(lines.length, 3);
		const header = cells(lines[0]);
		const n1 = cells(lines[1]), n3 = cells(lines[2]);
		assert.equal(n1[0], 'n1');
		assert.equal(n3[0], 'n3');
		assert.ok(Number(n1[1]) <= 2, `kind crew: sentiment ${n1[1]}`);
		assert.ok(Number(n3[1]) >= 3, `four hours' wait: sentiment ${n3[1]}`);
		assert.equal(n3[header.indexOf('Timeliness of care')], '1');
	});

	test('evaluate scores the model on labelled comments, as text and JSON', async () => {
		const text = await ok('evaluate', '--model', model, '--data', NEAS);
		assert.match(text.stdout, /Micro average: +precision [0-9.]+ +recall [0-9.]+ +F1 [0-9.]+/);
		assert.match(text.stdout, /over the 38 of 50 themes with a positive/);
		assert.match(text.stdout, /Staff manner & personal attributes +[0-9]+ +[0-9.]+/);
		const r = await ok('evaluate', '--model', model, '--data', NEAS, '--json');
		const j = JSON.parse(r.stdout);
		assert.equal(j.evaluation, 'model');
		assert.equal(j.comments, NEAS_USABLE);
		assert.equal(j.skipped, NEAS_SKIPPED);
		assert.equal(j.themes.length, NEAS_THEMES);
		assert.equal(j.macro.themes, NEAS_THEMES_SEEN);
		assert.ok(j.micro.f1 > 0.85, `micro F1 on its own training comments ${j.micro.f1}`);
		assert.ok(j.sentiment.accuracy > 0.8, `sentiment ${j.sentiment.accuracy}`);
		const staff = j.themes.find((t) => t.name === 'Staff manner & personal attributes');
		assert.ok(staff.support > 500);
		for (const t of j.themes) {
			for (const k of ['precision', 'recall', 'f1']) assert.ok(t[k] >= 0 && t[k] <= 1);
		}
	});

	test('a held-out fifth, with a fixed seed, scores near the goals', async () => {
		const r = await ok('evaluate', '--data', NEAS, '--split', '0.8', '--seed', '2026', '--json');
		const j = JSON.parse(r.stdout);
		assert.equal(j.evaluation, 'split');
		assert.equal(j.seed, 2026);
		assert.equal(j.comments, NEAS_USABLE - Math.floor(0.8 * NEAS_USABLE));
		assert.ok(j.micro.f1 > 0.70, `held-out micro F1 ${j.micro.f1}`);
		assert.ok(j.macro.f1 > 0.36, `held-out macro F1 ${j.macro.f1}`);
		assert.ok(j.macro.themes > 25 && j.macro.themes <= NEAS_THEMES_SEEN);
		assert.ok(j.sentiment.mae < 0.6, `sentiment MAE ${j.sentiment.mae}`);
		const again = JSON.parse((await ok('evaluate', '--data', NEAS, '--split', '0.8', '--seed',
			'2026', '--json')).stdout);
		assert.deepEqual(again.micro, j.micro, 'the same seed, the same split and scores');
	});

	test('five folds score every comment once', async () => {
		const r = await ok('evaluate', '--data', NEAS, '--folds', '5', '--tune-folds', '0', '--json');
		const j = JSON.parse(r.stdout);
		assert.equal(j.evaluation, 'folds');
		assert.equal(j.folds, 5);
		assert.equal(j.comments, NEAS_USABLE);
		assert.equal(j.macro.themes, NEAS_THEMES_SEEN);
		assert.ok(j.micro.f1 > 0.65, `cross-validated micro F1 ${j.micro.f1}`);
	});

	test('flag lists the identifying details of each comment', async () => {
		const out = path.join(dir, 'flags.csv');
		const r = await ok('flag', '--data', NEAS, '--output', out);
		assert.match(r.stderr, new RegExp(`of ${NEAS_USABLE} comments hold identifying details ` +
			`\\(${NEAS_SKIPPED} rows skipped`));
		const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
		assert.deepEqual(cells(lines[0]), ['Comment ID', 'Identifying details']);
		assert.equal(lines.length, 1 + NEAS_USABLE);
		const flags = new Map(lines.slice(1).map((l) => {
			const c = l.split(',');
			return [c[0].replace(/^"|"$/g, ''), c[1] ?? ''];
		}));
		// Staff named by a given name, and a date of birth.
		assert.equal(flags.get('NEAS S&C 5353 - Q1'), 'name');
		assert.equal(flags.get('NEAS 111 1432 - Q3'), 'name');
		assert.equal(flags.get('NEAS PTS 1934 - Q2'), 'birth_date');
		// Few comments of a published file hold any.
		const flagged = [...flags.values()].filter((v) => v !== '').length;
		assert.ok(flagged >= 3 && flagged < NEAS_USABLE / 100, `${flagged} flagged`);
	});

	test('a written comment of each kind is flagged with each kind', async () => {
		const data = path.join(dir, 'kinds.csv');
		const out = path.join(dir, 'kinds-flags.csv');
		writeFileSync(data, 'Comment ID,FFT answer\n' +
			'a,"Dr Patel rang me on 07700 900123 about NHS number 943 476 5919"\n' +
			'b,"Write to jo@example.org or BB1 2AB; born 12/03/1948"\n' +
			'c,"The crew were kind and quick."\n');
		await ok('flag', '--data', data, '--output', out);
		assert.deepEqual(readFileSync(out, 'utf8').trimEnd().split('\r\n').slice(1), [
			'"a",name;phone;nhs_number', '"b",email;postcode;birth_date', '"c",']);
	});

	test('a model meets a file whose themes are not its own', async () => {
		const csv = path.join(dir, 'other-themes.csv');
		writeFileSync(csv, 'Comment ID,FFT answer,Comment sentiment,Parking,Noise\nx,Good,1,0,1\n');
		await refused(1, /has no column for the model's theme 'Not assigned'/, 'evaluate', '--model',
			model, '--data', csv);
	});
});

describe('involve themes refuses bad input', () => {
	let dir, model;
	const file = (name, content) => {
		const p = path.join(dir, name);
		writeFileSync(p, content);
		return p;
	};

	before(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'involve-themes-bad-'));
		model = path.join(dir, 'small.model');
		const csv = file('small.csv', 'Comment ID,FFT answer,Comment sentiment,Staff,Waiting\n' +
			'a,Kind staff,1,1,0\nb,Long wait,5,0,1\nc,Lovely staff,1,1,0\nd,Waited hours,4,0,1\n');
		await ok('train', '--data', csv, '--model', model, '--tune-folds', '0');
	});
	after(() => rmSync(dir, { recursive: true, force: true }));

	const H = 'Comment ID,FFT answer,Comment sentiment,Staff,Waiting\n';
	const badData = [
		['an empty file', '', /is empty/],
		['a missing column', 'Comment ID,Comment sentiment,Staff\nx,1,1\n',
			/no column 'FFT answer'/],
		['no theme columns', 'Comment ID,FFT answer,Comment sentiment\nx,Good,1\n',
			/no theme columns/],
		['a row with an extra field', `${H}a,Good,1,1,0,1\n`, /row 2 \(line 2\) has 6 fields, the header 5/],
		['a row with a field missing', `${H}a,Good,1,1\n`, /row 2 \(line 2\) has 4 fields/],
		['a theme cell that is not 0 or 1', `${H}a,Good,1,yes,0\n`, /theme 'Staff' must be 1, 0 or empty/],
		['a sentiment out of range', `${H}a,Good,9,1,0\n`, /'Comment sentiment' must be 1 to 5/],
		['no usable comment', `${H}a,Did not answer,,0,0\nb,,,0,0\n`, /no usable comment \(2 rows/],
		['bytes that are not UTF-8 after a byte-order mark',
			Buffer.concat([Buffer.from('\uFEFF' + H + 'a,caf'), Buffer.from([0xe9]), Buffer.from(',1,1,0\n')]),
			/UTF-8/],
		['a byte that is no character at all',
			Buffer.concat([Buffer.from(H + 'a,caf'), Buffer.from([0x81]), Buffer.from(',1,1,0\n')]),
			/line 2: byte 0x81 is not UTF-8/],
		['a quote never closed', `${H}a,"Good,1,1,0\n`, /never closed/],
	];
	for (const [what, content, message] of badData) {
		test(`train: ${what}`, async () => {
			const csv = file('bad.csv', content);
			await refused(1, message, 'train', '--data', csv, '--model', path.join(dir, 'x.model'));
		});
	}
	test('a file saved as Windows-1252 is refused, saying how to save it', async () => {
		const csv = file('cp1252.csv', Buffer.concat([Buffer.from(H + 'a,Caf'), Buffer.from([0xe9]),
			Buffer.from(' staff were kind,1,1,0\nb,Long wait,5,0,1\n')]));
		for (const action of [['train', '--model', path.join(dir, 'cp.model')],
			['flag', '--output', path.join(dir, 'cp.csv')]]) {
			await refused(1, /cp1252\.csv: line 2: byte 0xe9 is not UTF-8: save the file as "CSV UTF-8"/,
				action[0], '--data', csv, ...action.slice(1));
		}
	});

	test('evaluate and predict read the file the same way', async () => {
		await refused(1, /no theme columns/, 'evaluate', '--model', model, '--data',
			file('e.csv', 'Comment ID,FFT answer,Comment sentiment\nx,Good,1\n'));
		await refused(1, /no column 'Comment ID'/, 'predict', '--model', model, '--data',
			file('p.csv', 'FFT answer\nGood\n'), '--output', path.join(dir, 'out.csv'));
	});

	test('model files that are wrong', async () => {
		const good = readFileSync(model);
		const data = file('d.csv', 'Comment ID,FFT answer\nx,Good\n');
		const out = path.join(dir, 'out.csv');
		const cases = [
			['truncated', good.subarray(0, good.length - 100), /truncated or damaged/],
			['cut in its header', good.subarray(0, 20), /truncated or damaged/],
			['empty', Buffer.alloc(0), /not a theme model file/],
			['not a model', Buffer.from('Comment ID,FFT answer\n'), /not a theme model file/],
			['another version', (() => { const b = Buffer.from(good); b.writeUInt32LE(7, 8); return b; })(),
				/format version 7; this program reads version 2/],
			['damaged', (() => { const b = Buffer.from(good); b[b.length >> 1] ^= 0x10; return b; })(),
				/checksum does not match/],
		];
		for (const [what, bytes, message] of cases) {
			const p = file(`${what}.model`, bytes);
			await refused(1, message, 'predict', '--model', p, '--data', data, '--output', out);
			await refused(1, message, 'evaluate', '--model', p, '--data', NEAS);
		}
		await refused(1, /cannot read/, 'predict', '--model', path.join(dir, 'none.model'), '--data',
			data, '--output', out);
	});

	test('wrong usage', async () => {
		await refused(2, /unknown action 'learn'/, 'learn');
		await refused(2, /train needs --data CSV and --model FILE/, 'train', '--data', NEAS);
		await refused(2, /predict needs --model FILE, --data CSV and --output CSV/, 'predict',
			'--model', model, '--data', NEAS);
		await refused(2, /evaluate needs one of --model FILE, --split FRACTION or --folds K/,
			'evaluate', '--data', NEAS);
		await refused(2, /--split must be a fraction between 0 and 1/, 'evaluate', '--data', NEAS,
			'--split', '1.5');
		await refused(2, /--folds must be 2 to 20/, 'evaluate', '--data', NEAS, '--folds', '1');
		await refused(2, /--seed must be a whole number/, 'evaluate', '--data', NEAS, '--split',
			'0.8', '--seed', 'x');
		await refused(2, /unknown option '--frobnicate'/, 'train', '--frobnicate');
		await refused(2, /flag needs --data CSV and --output CSV/, 'flag', '--data', NEAS);
		await refused(2, /flag takes --data and --output/, 'flag', '--data', NEAS, '--output',
			path.join(dir, 'x.csv'), '--model', model);
		writeFileSync(path.join(dir, 'unanswered.csv'), 'Comment ID,FFT answer\nx,nan\n');
		await refused(1, /no usable comment/, 'flag', '--data', path.join(dir, 'unanswered.csv'),
			'--output', path.join(dir, 'x.csv'));
	});
});
