// The `involve survey import-lss` command on LimeSurvey's own test surveys (beside the
// repository in ../shared/data/limesurvey/): each file imported as a draft, its report printed
// (text and JSON) and the survey shown as `involve survey show` shows any other; a dry run that
// touches nothing, not even the data directory; then bad files, each an exit 1 with a sentence
// saying what is wrong (not XML, not a LimeSurvey survey, too old a version, cut short, a
// billion laughs, an external entity, too large, an unknown organisation, a missing file), and
// wrong usage an exit 2.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ok, refused } from '../lib/commands.mjs';
import { BAD_FILES, became, FILES, SHARED, shared } from '../lib/limesurvey.mjs';
import { makeDataDir, ROOT, runCli } from '../lib/server.mjs';

let dir; // files made by the tests
let data; // the data directory, with the organisation bury

const cli = (args) => runCli(data, args);

function file(name, content) {
	const p = path.join(dir, name);
	writeFileSync(p, content);
	return p;
}


before(async () => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'involve-lss-'));
	data = makeDataDir();
	await ok(cli(['org', 'create', '--slug', 'bury', '--name', 'NHS Bury']));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('involve survey import-lss on LimeSurvey\'s test surveys', () => {
	test('the shared folder holds the ten files', () => {
		const lss = readdirSync(SHARED).filter((f) => f.endsWith('.lss')).sort();
		assert.deepEqual(lss, Object.keys(FILES).sort());
	});

	for (const [name, want] of Object.entries(FILES)) {
		test(`${name} becomes a draft with its questions`, async () => {
			const r = await ok(cli(['survey', 'import-lss', '--org', 'bury', '--file',
				shared(name), '--json']));
			const out = JSON.parse(r.stdout);
			assert.equal(out.survey.status, 'draft');
			assert.equal(out.survey.title, want.title);
			assert.equal(out.survey.version, 1);
			const report = out.import_report;
			assert.equal(report.imported, true);
			assert.equal(report.source.format, 'lss');
			assert.equal(report.questions_made, want.questions);
			const keys = became(report);
			for (const [key, type] of Object.entries(want.keys)) {
				assert.equal(keys[key], type, `${key} in ${JSON.stringify(keys)}`);
			}
			for (const code of want.leftOut || []) {
				const q = report.groups.flatMap((g) => g.questions).find((x) => x.code === code);
				assert.deepEqual(q.became, []);
				assert.ok(q.notes.some((n) => n.kind === 'not_carried_over'), JSON.stringify(q));
			}
			// The survey is there as any other, a draft with its pages.
			const shown = await ok(cli(['survey', 'show', '--org', 'bury', '--survey',
				out.survey.id]));
			assert.match(shown.stdout, /^Status: draft$/m);
			assert.equal((shown.stdout.match(/^Page \d+, /gm) || []).length, want.pages);
		});
	}

	test('the report as text: groups, questions, what each became, what did not come', async () => {
		const r = await ok(cli(['survey', 'import-lss', '--org', 'bury', '--file',
			shared('limesurvey_survey_ArrayNumberCheckbox.lss')]));
		assert.match(r.stdout, /^Created survey \d+, "array\(Numbers\)": a draft, 2 pages, 3 questions\.$/m);
		assert.match(r.stdout, /LimeSurvey survey 132218, "array\(Numbers\)" \(structure version 359\), base language en\./);
		assert.match(r.stdout, /^Group 745 "G1" -> page page1$/m);
		assert.match(r.stdout, /^ {2}question \(:, Array \(Numbers\)\) -> left out$/m);
		assert.match(r.stdout, /^ {6}not carried over: An array of numbers .* has no counterpart/m);
		assert.match(r.stdout, /^ {2}QHiddenJS \(S, Short free text\) -> text QHiddenJS$/m);
		assert.match(r.stdout, /Shown in LimeSurvey only when !is_empty\(question_SY003_SX002\)/);
		assert.match(r.stdout, /theme 'vanilla'/);
	});

	test('a condition carried over is shown in the report', async () => {
		const r = await ok(cli(['survey', 'import-lss', '--org', 'bury', '--dry-run', '--file',
			shared('limesurvey_survey_allinoneCondition.lss')]));
		assert.match(r.stdout, /^ {2}G02Q02 \(T, Long free text\) -> long_text G02Q02\n {6}shown when: \(\(Q481\.NAOK == "F"\)\)$/m);
	});

	test('a dry run reports and touches nothing, not even the data directory', async () => {
		const nowhere = path.join(dir, 'no-data-here');
		const r = await runCli(nowhere, ['survey', 'import-lss', '--dry-run', '--file',
			shared('survey-dual-scale-question-api-test.lss')]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^Dry run: nothing was made\. The survey would be a draft, "Test": 1 page, 2 questions\.$/m);
		assert.match(r.stdout, /Q00 \(1, Array dual scale\) -> grid Q00_1, grid Q00_2/);
		assert.equal(existsSync(nowhere), false);
		const j = await runCli(nowhere, ['survey', 'import-lss', '--dry-run', '--json', '--file',
			shared('survey-dual-scale-question-api-test.lss')]);
		assert.equal(j.code, 0, j.stderr);
		const out = JSON.parse(j.stdout);
		assert.equal(out.survey, null);
		assert.equal(out.import_report.imported, true);
		const before = await ok(cli(['survey', 'list', '--org', 'bury']));
		await ok(cli(['survey', 'import-lss', '--org', 'bury', '--dry-run', '--file',
			shared('limesurvey_survey_489_default.lss')]));
		const after = await ok(cli(['survey', 'list', '--org', 'bury']));
		assert.equal(after.stdout, before.stdout);
	});
});

describe('involve survey import-lss refuses', () => {
	for (const [what, name, content, message] of BAD_FILES) {
		test(what, async () => {
			const r = await refused(cli(['survey', 'import-lss', '--org', 'bury', '--file',
				file(name, content)]), 1, message);
			assert.doesNotMatch(r.stdout, /Created survey/);
		});
	}

	test('a file cut short', async () => {
		const whole = readFileSync(shared('limesurvey_survey_navigation.lss'));
		await refused(cli(['survey', 'import-lss', '--org', 'bury', '--file',
			file('cut.lss', whole.subarray(0, Math.floor(whole.length / 2)))]), 1,
		/not well-formed XML \(line \d+: .*\): it may have been cut short/);
	});

	test('a file over 8 MiB', async () => {
		await refused(cli(['survey', 'import-lss', '--org', 'bury', '--file',
			file('big.lss', '<document>' + ' '.repeat(8 * 1024 * 1024))]), 1,
		/larger than 8388608 bytes/);
	});

	test('a survey nothing of which can come across, with its report', async () => {
		const r = await refused(cli(['survey', 'import-lss', '--org', 'bury', '--json', '--file',
			file('upload.lss', readFileSync(shared('limesurvey_survey_489_default.lss'), 'utf8')
				.replace('<type><![CDATA[T]]></type>', '<type><![CDATA[|]]></type>'))]), 1,
		/Nothing in the survey could be carried over/);
		const report = JSON.parse(r.stdout).import_report;
		assert.equal(report.imported, false);
		assert.match(report.groups[0].questions[0].notes[0].detail, /file upload has no counterpart/);
	});

	test('an organisation that does not exist, after reading the file', async () => {
		await refused(cli(['survey', 'import-lss', '--org', 'nowhere', '--file',
			shared('limesurvey_survey_489_default.lss')]), 1, /no organisation 'nowhere'/);
	});

	test('a file that is not there', async () => {
		await refused(cli(['survey', 'import-lss', '--org', 'bury', '--file',
			path.join(dir, 'missing.lss')]), 1, /cannot read/);
	});

	test('wrong usage', async () => {
		await refused(cli(['survey', 'import-lss', '--org', 'bury']), 2, /--file/);
		await refused(cli(['survey', 'import-lss', '--file', shared('limesurvey_survey_489_default.lss')]),
			2, /--org/);
		await refused(cli(['survey', 'import-lss', '--org', 'bury', '--file', 'x', '--open']), 2,
			/--open/);
		const help = await ok(cli(['survey', 'import-lss', '--help']));
		assert.match(help.stdout, /Usage: involve survey import-lss --org SLUG --file FILE.lss/);
	});
});
