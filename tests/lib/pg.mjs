// pg.mjs - PostgreSQL for tests: a fresh, empty database on a real server.
//
// `make check` starts one throwaway cluster (scripts/pg-cluster.sh) and passes its URL in
// INVOLVE_TEST_PG_URL; a test file run on its own starts a cluster of its own the first time it
// asks, and removes it when the process exits.  Each call to pgDatabase() creates a new
// database, so tests never see each other's rows.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const root = process.env.INVOLVE_ROOT || new URL('../..', import.meta.url).pathname;
let baseUrl = process.env.INVOLVE_TEST_PG_URL || null;
let ownCluster = null;

function startCluster() {
  const dir = mkdtempSync('/tmp/involve-pg-');
  const out = execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', dir], { encoding: 'utf8' });
  const m = /INVOLVE_TEST_PG_URL=(\S+)/.exec(out);
  if (!m) throw new Error(`pg-cluster.sh printed no URL: ${out}`);
  ownCluster = dir;
  process.on('exit', () => {
    try {
      execFileSync(join(root, 'scripts/pg-cluster.sh'), ['stop', dir], { stdio: 'ignore' });
    } catch { /* the directory is in /tmp either way */ }
  });
  return m[1];
}

// Debian's /usr/bin/psql is a Perl wrapper that looks for a cluster to pick a version each time
// it starts, which takes longer than the queries here do; the newest version's own psql is run
// instead (as the server finds pg_dump), else the one on PATH.
function psqlPath() {
  const lib = '/usr/lib/postgresql';
  const versions = existsSync(lib) ? readdirSync(lib).filter((v) => /^\d+$/.test(v) &&
    existsSync(join(lib, v, 'bin', 'psql'))).sort((a, b) => b - a) : [];
  return versions.length ? join(lib, versions[0], 'bin', 'psql') : 'psql';
}
const PSQL = psqlPath();

// psql against the base database; returns its output.
export function psql(url, sql) {
  return execFileSync(PSQL, ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', url, '-c', sql],
    { encoding: 'utf8' });
}

// The URL of a new, empty database.
export function pgDatabase() {
  if (!baseUrl) baseUrl = startCluster();
  const name = 't_' + randomBytes(6).toString('hex');
  psql(baseUrl, `CREATE DATABASE ${name}`);
  return baseUrl.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`);
}

export function pgBaseUrl() {
  if (!baseUrl) baseUrl = startCluster();
  return baseUrl;
}

export function pgOwnsCluster() {
  return ownCluster !== null;
}
