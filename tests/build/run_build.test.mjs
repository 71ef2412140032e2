// run_build.test.mjs - the run build configures with only what `make run` installs.
//
// A fresh machine has the libraries `scripts/install-deps.sh run` installs and nothing else;
// the test-only ones (Criterion, ...) arrive with `make check`.  This machine has both, so the
// test hides every pkg-config file that a package installed only for the tests provides, then
// configures a throwaway build with the Makefile's own run options, as `make run` would.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { ROOT } from '../lib/server.mjs';

// The Debian packages `make check` installs beyond `make run`'s.
function testOnlyPackages() {
	const out = execFileSync(path.join(ROOT, 'scripts', 'install-deps.sh'), ['list', 'check'],
		{ encoding: 'utf8' });
	return out.split('\n').filter(Boolean);
}

// The .pc files an installed package provides (none when it is not installed).
function pcFilesOf(pkg) {
	const r = spawnSync('dpkg', ['-L', pkg], { encoding: 'utf8' });
	if (r.status !== 0) return [];
	return r.stdout.split('\n').filter((f) => f.endsWith('.pc')).map((f) => path.basename(f));
}

// A folder of links to every .pc file pkg-config would find, except the hidden ones.
function pcDirWithout(hidden, dir) {
	const searchPath = execFileSync('pkg-config', ['--variable', 'pc_path', 'pkg-config'],
		{ encoding: 'utf8' }).trim().split(':');
	mkdirSync(dir);
	for (const d of searchPath) {
		if (!existsSync(d)) continue;
		for (const f of readdirSync(d)) {
			if (!f.endsWith('.pc') || hidden.has(f) || existsSync(path.join(dir, f))) continue;
			symlinkSync(path.join(d, f), path.join(dir, f));
		}
	}
}

// The options `make run` configures with: BUILD_OPTS in the Makefile.
function runOptions() {
	const m = readFileSync(path.join(ROOT, 'Makefile'), 'utf8').match(/^BUILD_OPTS := (.*)$/m);
	assert.ok(m, 'the Makefile defines BUILD_OPTS');
	return m[1].trim().split(/\s+/);
}

function configure(dir, pcDir, options) {
	return spawnSync('meson', ['setup', dir, ...options], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, PKG_CONFIG_LIBDIR: pcDir, CMAKE_PREFIX_PATH: '/nonexistent' },
	});
}

test('the run build configures without the test-only libraries', () => {
	const hidden = new Set(testOnlyPackages().flatMap(pcFilesOf));
	assert.ok(hidden.has('criterion.pc'), 'Criterion is installed for the tests and hidden here');
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'involve-run-build-'));
	try {
		pcDirWithout(hidden, path.join(tmp, 'pc'));
		const run = configure(path.join(tmp, 'run'), path.join(tmp, 'pc'), runOptions());
		assert.equal(run.status, 0, `meson setup failed:\n${run.stdout}\n${run.stderr}`);
		// The hiding works: the test build, which needs Criterion, is refused the same way.
		const check = configure(path.join(tmp, 'check'), path.join(tmp, 'pc'), ['-Dtests=enabled']);
		assert.notEqual(check.status, 0, 'the test build configured without Criterion');
		assert.match(check.stdout + check.stderr, /criterion/i);
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
});
