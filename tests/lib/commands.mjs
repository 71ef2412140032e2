// What a test expects of a command (`server.cli(...)`, runCli): one that must succeed, and one
// that must fail with a given exit status and message, and no sanitizer report.
//
//   await ok(cli(['org', 'create', ...]));
//   await refused(cli(['token', 'revoke', ...]), 1, /revoked already/);
//
// runInvolve runs `involve ARGS` as it is: runCli adds --data DIR, which for `involve themes`
// names the CSV file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

import { INVOLVE_BIN, ROOT } from './server.mjs';

// Runs `involve ...args`, killed after timeout ms; resolves {code, stdout, stderr}.
export function runInvolve(args, { timeout = 300000 } = {}) {
	return new Promise((resolve, reject) => {
		const proc = spawn(INVOLVE_BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		proc.stdout.on('data', (d) => { stdout += d; });
		proc.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => proc.kill('SIGKILL'), timeout);
		proc.on('error', reject);
		proc.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

export async function ok(promise) {
	const r = await promise;
	assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
	return r;
}

export async function refused(promise, code, message) {
	const r = await promise;
	assert.equal(r.code, code, `expected exit ${code}, got ${r.code}\n${r.stdout}\n${r.stderr}`);
	assert.match(r.stderr, message);
	assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error/);
	return r;
}
