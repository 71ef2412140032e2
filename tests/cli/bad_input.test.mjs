// Bad input to every form of every command, as each command's --help shows them ("Usage:
// involve ..."), on a copy of the demo's database: each with its values filled in, then with
// each value in turn replaced by one that cannot be right (empty, not UTF-8, negative, past 64
// bits, a path that does not exist), with an option it does not know, and with an option's
// value missing.  A command may succeed; when it does not, it says what is wrong on standard
// error and exits non-zero.  Never a crash, a hang or a sanitizer report.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { spawn } from 'node:child_process';

import { runInvolve } from '../lib/commands.mjs';
import { INVOLVE_BIN, makeDataDir, ROOT, startOneServer } from '../lib/server.mjs';

const COMMANDS = ['org', 'user', 'token', 'poll', 'survey', 'themes', 'outcome', 'mail', 'audit',
	'backup', 'restore', 'migrate-data', 'migrate'];
// Bytes that are not UTF-8 cannot be given to a process as a JavaScript string, which is sent
// as UTF-8: the shell makes them (see run).
const NOT_UTF8 = Symbol('bytes that are not UTF-8');
const BAD = ['', NOT_UTF8, '-1', '99999999999999999999', '/nonexistent/dir/file'];
const TIMEOUT_MS = 60000;

let demoDir;
let scratch;

before(async () => {
	demoDir = makeDataDir();
	const server = await startOneServer({ args: ['--demo'], dataDir: demoDir });
	await server.stop();
	scratch = mkdtempSync(path.join(os.tmpdir(), 'involve-cli-bad-'));
	writeFileSync(path.join(scratch, 'garbage'), '{"not": "what any command reads",\n\xff\n');
});

after(() => {
	rmSync(scratch, { recursive: true, force: true });
});

let fresh = 0;

// What stands for each placeholder when it is filled in well; option is the one it follows.
// A file to write to is a new one each time; a file to read holds what no command can read.
function goodValue(name, option) {
	if (['--output', '--to', '--model'].includes(option)) {
		return path.join(scratch, `new-${fresh++}`);
	}
	const values = {
		SLUG: 'blackpool', EMAIL: 'nobody@example.org', ROLE: 'analyst', ID: '1', DAYS: '30',
		N: '3', K: '3', FRACTION: '0.8', ADDRESS: 'someone@example.org', TEXT: 'Hello',
		STATE: 'queued', BATCH: '1', CHANNEL: 'paper', WHO: 'none', URL: 'sqlite:/nonexistent/x.db',
	};
	return values[name] ?? path.join(scratch, 'garbage');
}

// The forms a command's help shows: each a list of words, options and placeholders, the
// optional ones' brackets and alternatives taken as their first choice.
async function formsOf(command) {
	const { stdout, stderr } = await runInvolve([command, '--help'], { timeout: TIMEOUT_MS });
	const lines = `${stdout}\n${stderr}`.split('\n');
	const forms = [];
	for (let i = 0; i < lines.length; i++) {
		const m = /^(?:Usage: )?\s*involve (.*)$/.exec(lines[i]);
		if (!m) continue;
		let text = m[1];
		while (i + 1 < lines.length && /^\s{20,}\[/.test(lines[i + 1])) text += ` ${lines[++i].trim()}`;
		if (text.includes('...')) continue; // a form its own --help says more of
		const words = text.replace(/\[--(data|database) [A-Z]+\]/g, '')
			.replace(/[[\]()]/g, ' ').replace(/\|--?[\w-]+( [A-Z]+)?/g, '').split(/\s+/).filter(Boolean);
		forms.push(words.map((w) => (/^[A-Z][A-Z0-9_]*(\.[a-z]+)?$/.test(w) ? { placeholder: w } : w))
			.map((w) => (typeof w === 'string' && w.includes('|') ? w.split('|')[0] : w)));
	}
	return forms;
}

// A fresh copy of the demo's data directory: a command that changes it changes only this one.
function freshData() {
	const dir = mkdtempSync(path.join(scratch, 'data-'));
	copyFileSync(path.join(demoDir, 'involve.db'), path.join(dir, 'involve.db'));
	return dir;
}

function argsOf(form, replace) {
	return form.map((w, i) => (typeof w === 'string' ? w : (replace?.index === i ? replace.value :
		goodValue(w.placeholder, form[i - 1]))));
}

// `involve args` through the shell, NOT_UTF8 made by printf; resolves {code, stderr}, code
// null when it was killed.
function runShell(args) {
	const quote = (a) => (a === NOT_UTF8 ? "\"$(printf '\\377\\376A')\"" :
		`'${a.replaceAll("'", "'\\''")}'`);
	return new Promise((resolve, reject) => {
		// From the scratch directory, where a bad value taken as a file's name makes the file.
		const bin = path.resolve(ROOT, INVOLVE_BIN);
		const proc = spawn('/bin/sh', ['-c', `exec ${quote(bin)} ${args.map(quote).join(' ')}`],
			{ cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		proc.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT_MS);
		proc.on('error', reject);
		proc.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stderr });
		});
	});
}

async function run(args, what, problems) {
	const withData = args[0] === 'themes' || args[0] === 'migrate-data' ? args :
		[...args, '--data', freshData()];
	const r = await runShell(withData);
	if (r.code === null) {
		problems.push(`${what}: killed (a crash, or no answer within ${TIMEOUT_MS / 1000} s)`);
	} else if (/AddressSanitizer|LeakSanitizer|runtime error:/.test(r.stderr)) {
		problems.push(`${what}: a sanitizer report\n${r.stderr.slice(0, 2000)}`);
	} else if (r.code !== 0 && r.stderr.trim() === '') {
		problems.push(`${what}: exit ${r.code} and nothing said on standard error`);
	} else if (r.code > 2) {
		problems.push(`${what}: exit ${r.code}\n${r.stderr.slice(0, 500)}`);
	}
}

for (const command of COMMANDS) {
	test(`involve ${command}, every form with bad values`, async () => {
		const forms = await formsOf(command);
		assert.ok(forms.length >= 1, `involve ${command} --help shows how it is used`);
		const problems = [];
		let runs = 0;
		for (const form of forms) {
			const name = form.filter((w) => typeof w === 'string').join(' ');
			await run(argsOf(form), name, problems);
			await run([...argsOf(form), '--nope'], `${name} --nope`, problems);
			const last = form.findLastIndex((w) => typeof w !== 'string');
			if (last > 0) {
				await run(argsOf(form).slice(0, last), `${name} with its last value missing`, problems);
			}
			runs += 3;
			for (let i = 0; i < form.length; i++) {
				if (typeof form[i] === 'string') continue;
				for (const value of BAD) {
					const shown = value === NOT_UTF8 ? 'bytes not UTF-8' : JSON.stringify(value);
					await run(argsOf(form, { index: i, value }), `${name}: ${form[i].placeholder} = ${shown}`,
						problems);
					runs++;
				}
			}
		}
		console.log(`involve ${command}: ${forms.length} forms, ${runs} runs`);
		assert.deepEqual(problems, []);
	});
}
