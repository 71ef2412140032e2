// What a test expects of a command (`server.cli(...)`, runCli): one that must succeed, and one
// that must fail with a given exit status and message, and no sanitizer report.
//
//   await ok(cli(['org', 'create', ...]));
//   await refused(cli(['token', 'revoke', ...]), 1, /revoked already/);
import assert from 'node:assert/strict';

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
