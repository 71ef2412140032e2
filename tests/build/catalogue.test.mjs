// catalogue.test.mjs - the message catalogues (po/) are whole and true to the sources.
//
// po/involve.pot must be what `make pot` makes from the sources today (a message marked in a
// template or in C but missing from it would show in English in every language); each language
// must pass GNU gettext's own check (msgfmt --check) and scripts/po.py's (placeholders, printf
// conversions, plural forms), translate every message, and say that it awaits review by a
// native speaker.  po.py check must also refuse each kind of broken catalogue.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { ROOT } from '../lib/server.mjs';

const PO = path.join(ROOT, 'po');
const POT = path.join(PO, 'involve.pot');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'involve-po-'));
const languages = readdirSync(PO).filter((f) => f.endsWith('.po')).map((f) => path.join(PO, f));

after(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd, args) {
	const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
	assert.ok(!r.error, `${cmd}: ${r.error}`);
	return r;
}

test('po/involve.pot holds every message the sources mark, and only those', () => {
	const fresh = path.join(tmp, 'involve.pot');
	const r = run('make', ['-s', 'pot', `POT=${fresh}`]);
	assert.equal(r.status, 0, r.stderr);
	assert.equal(readFileSync(POT, 'utf8'), readFileSync(fresh, 'utf8'),
		'po/involve.pot is out of date: run `make pot`, then msgmerge each language');
	assert.ok((readFileSync(POT, 'utf8').match(/^msgid "/gm) ?? []).length > 100);
});

test('the languages are Urdu and Polish, each awaiting review by a native speaker', () => {
	assert.deepEqual(languages.map((f) => path.basename(f)).sort(), ['pl.po', 'ur.po']);
	for (const file of languages) {
		const text = readFileSync(file, 'utf8');
		assert.match(text, /^# AWAITING REVIEW BY A NATIVE SPEAKER/m, file);
		assert.match(text, /"X-Review-Status: awaiting review by a native speaker\\n"/, file);
	}
	assert.match(readFileSync(path.join(PO, 'ur.po'), 'utf8'), /"X-Direction: rtl\\n"/);
	assert.match(readFileSync(path.join(PO, 'pl.po'), 'utf8'), /"Plural-Forms: nplurals=3;/);
});

test('every catalogue passes msgfmt --check and translates every message', () => {
	const template = run('msgfmt', ['--statistics', '-o', '/dev/null', POT]);
	const total = Number(template.stderr.match(/(\d+) untranslated messages/)?.[1]);
	assert.ok(total > 100, template.stderr);
	for (const file of languages) {
		const r = run('msgfmt', ['--check', '--statistics', '-o', '/dev/null', file]);
		assert.equal(r.status, 0, `${file}: ${r.stderr}`);
		assert.equal(r.stderr.trim(), `${total} translated messages.`, `${file}: ${r.stderr}`);
	}
	for (const file of languages) {
		const cmp = run('msgcmp', [file, POT]);
		assert.equal(cmp.status, 0, `${file} and the template differ: ${cmp.stderr}`);
	}
});

test('po.py extract refuses tr() of a choice between literals, which it could not find', () => {
	const file = path.join(tmp, 'choice.c');
	writeFileSync(file, 'static const char *\nf(int id)\n{\n\treturn tr(req, id ? "Change it" :\n' +
		'\t    "Add it");\n}\n');
	const r = run(path.join(ROOT, 'scripts', 'po.py'), ['extract', path.join(tmp, 'c.pot'), file]);
	assert.notEqual(r.status, 0);
	assert.match(r.stderr, /choice\.c:4: tr\(\) of a choice between literals is never extracted/);
});

test('po.py check passes the catalogues', () => {
	const r = run(path.join(ROOT, 'scripts', 'po.py'), ['check', POT, ...languages]);
	assert.equal(r.status, 0, r.stdout + r.stderr);
});

// A catalogue with one entry, `body`, under a header with `header` lines.
function broken(name, body, header = ['Language: xx', 'Plural-Forms: nplurals=2; plural=(n != 1);',
	'X-Direction: ltr', 'X-Language-Name: X']) {
	const file = path.join(tmp, `${name}.po`);
	const lines = ['msgid ""', 'msgstr ""', ...header.map((h) => `"${h}\\n"`), '', body, ''];
	writeFileSync(file, lines.join('\n'));
	return file;
}

test('po.py check refuses each kind of broken catalogue', () => {
	const cases = [
		[broken('placeholder', 'msgid "Closes on {closes}"\nmsgstr "Zamyka się {date}"'), /\{placeholders\} differ/],
		[broken('conversion', 'msgid "Error: %s"\nmsgstr "Błąd: %d"'), /printf conversions differ/],
		[broken('extra', 'msgid "Error: %s"\nmsgstr "Błąd: %s %s"'), /printf conversions differ/],
		[broken('forms', 'msgid "%lld person answered"\nmsgid_plural "%lld people answered"\nmsgstr[0] "%lld a"\nmsgstr[1] "%lld b"\nmsgstr[2] "%lld c"'), /3 plural forms, the header says 2/],
		[broken('unknown', 'msgid "A message nobody wrote"\nmsgstr "x"'), /not in the template/],
		[broken('header', 'msgid "Back"\nmsgstr "Wstecz"', ['Language: xx']), /the header has no Plural-Forms/],
		[broken('direction', 'msgid "Back"\nmsgstr "Wstecz"', ['Language: xx', 'Plural-Forms: nplurals=2; plural=(n != 1);']), /the header has no X-Direction/],
		[broken('expression', 'msgid "Back"\nmsgstr "Wstecz"', ['Language: xx', 'Plural-Forms: nplurals=2; plural=system("x");', 'X-Direction: ltr', 'X-Language-Name: X']), /Plural-Forms has something other than n/],
	];
	for (const [file, why] of cases) {
		const r = run(path.join(ROOT, 'scripts', 'po.py'), ['check', POT, file]);
		assert.equal(r.status, 1, `${path.basename(file)} must be refused`);
		assert.match(r.stdout + r.stderr, why, path.basename(file));
	}
	// The build refuses an expression that is not arithmetic on n, too.
	const bad = broken('build', 'msgid "Back"\nmsgstr "Wstecz"', ['Language: xx',
		'Plural-Forms: nplurals=2; plural=exit(1);', 'X-Direction: ltr', 'X-Language-Name: X']);
	const c = run(path.join(ROOT, 'scripts', 'po.py'), ['c', path.join(tmp, 'out.c'), POT, bad]);
	assert.notEqual(c.status, 0);
	assert.match(c.stderr, /Plural-Forms has something other than n/);
});
