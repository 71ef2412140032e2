// involve backup, restore and migrate-data on real content: the demo (four organisations, a
// poll with 185 ballots, audit entries) plus an organisation, a staff user, an API token, a
// signed-in session, an edited site page, a poll with votes, the vote rate counts and mail waiting
// in the outbox, all made through the command and the API.  Every table of the schema (listed
// from the database itself, so a new table cannot be forgotten) is compared row by row, value by
// value, after:
//   - a SQLite backup taken while the server answers votes, restored into a new data directory;
//   - SQLite -> PostgreSQL -> SQLite with migrate-data;
//   - a PostgreSQL backup restored into a new database.
// The audit log verifies on each copy, and a restored installation still accepts its API token
// and its session.  Bad input (unknown URL, missing, damaged or wrong-kind file, a target that
// holds data) gets a clear message and a non-zero exit, and the target is left as it was.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ok, refused } from '../lib/commands.mjs';
import { createPoll, orgWithStaff, pollResults } from '../lib/fixtures.mjs';
import { pgDatabase, psql } from '../lib/pg.mjs';
import { makeDataDir, runCli, startServer } from '../lib/server.mjs';
import { secretFromPage, totpCode } from '../lib/totp.mjs';

const PASSWORD = 'a long enough password';
const PAGE_BODY = 'Tabs\there, lines\r\nand more,\nback\\slashes \\N, quotes \' " and Ünïcødé 🏥 中文.';

let server;        // the original installation (SQLite), running
let dataDir;
let origDb;        // its database file
let token;         // an API token of officer@example.org
let cookie;        // a signed-in session of officer@example.org
let pollId;
let work;          // a directory for backup files and new databases

function sqlite(file, sql) {
	return execFileSync('sqlite3', ['-batch', '-noheader', file, sql], { encoding: 'utf8' });
}

// A real number as JavaScript writes it, the shortest form that reads back exactly, so that
// the two engines' ways of writing one (SQLite's 0.0, PostgreSQL's 0) compare.
function sameReals(row) {
	return row.split('|').map((v) => (v.startsWith('r:') ? `r:${String(Number(v.slice(2)))}` : v))
		.join('|');
}

// Every table's columns and rows, each value written with its kind so that 1 and '1' differ:
// i:<integer>, t:<hex of the UTF-8 bytes>, b:<hex of the bytes>, r:<real>, n (NULL).  Rows
// sorted.  One query lists the columns of every table and one reads every table's rows, each
// line led by its table's name: a client started per table took most of these tests' time.
function dumpSqlite(file) {
	const out = {};
	const columns = sqlite(file, "SELECT m.name, p.name FROM sqlite_master m, " +
		"pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' " +
		"ESCAPE '\\' ORDER BY m.name, p.cid").split('\n').filter(Boolean);
	for (const line of columns) {
		const [t, c] = line.split('|');
		(out[t] ??= { columns: [], rows: [] }).columns.push(c);
	}
	const selects = Object.entries(out).map(([t, { columns: cols }]) => {
		const exprs = cols.map((c) => `CASE typeof("${c}") WHEN 'null' THEN 'n' ` +
			`WHEN 'integer' THEN 'i:' || "${c}" WHEN 'text' THEN 't:' || hex("${c}") ` +
			`WHEN 'blob' THEN 'b:' || hex("${c}") ELSE 'r:' || "${c}" END`);
		return `SELECT '${t}', ${exprs.join(" || '|' || ")} FROM "${t}"`;
	});
	addRows(out, sqlite(file, selects.join(' UNION ALL ')));
	return out;
}

function dumpPg(url) {
	const out = {};
	const columns = psql(url, 'SELECT c.table_name, c.column_name, c.data_type FROM ' +
		'information_schema.columns c JOIN information_schema.tables t USING (table_schema, ' +
		"table_name) WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' " +
		'ORDER BY c.table_name, c.ordinal_position').split('\n').filter(Boolean);
	for (const line of columns) {
		const [t, c, type] = line.split('|');
		(out[t] ??= { columns: [], types: [], rows: [] }).columns.push(c);
		out[t].types.push(type);
	}
	const selects = Object.entries(out).map(([t, { columns: cols, types }]) => {
		const exprs = cols.map((c, i) => {
			const type = types[i];
			if (['bigint', 'integer', 'smallint'].includes(type)) return `coalesce('i:' || "${c}"::text, 'n')`;
			if (['text', 'character varying'].includes(type)) {
				return `coalesce('t:' || upper(encode(convert_to("${c}", 'UTF8'), 'hex')), 'n')`;
			}
			if (type === 'bytea') return `coalesce('b:' || upper(encode("${c}", 'hex')), 'n')`;
			// PostgreSQL writes a double in the shortest form that reads back exactly.
			if (type === 'double precision') return `coalesce('r:' || "${c}"::text, 'n')`;
			throw new Error(`${t}.${c}: type ${type} has no comparison here yet`);
		});
		return `SELECT '${t}'::text, ${exprs.join(" || '|' || ")} FROM "${t}"`;
	});
	for (const table of Object.values(out)) delete table.types;
	addRows(out, psql(url, selects.join(' UNION ALL ')));
	return out;
}

// Lines "table|row" into each table's rows, sorted.
function addRows(out, text) {
	for (const line of text.split('\n').filter(Boolean)) {
		const bar = line.indexOf('|');
		out[line.slice(0, bar)].rows.push(sameReals(line.slice(bar + 1)));
	}
	for (const table of Object.values(out)) table.rows.sort();
}

// schema_migration records how each database's schema was made (its migrations are numbered
// per kind, with their own times), so it is compared apart: the rest must match exactly.
function data(dump) {
	const { schema_migration: migrations, ...rest } = dump;
	assert.ok(migrations, 'every involve database has schema_migration');
	return rest;
}

// Versions and names of the migrations, without the time each was applied.
function migrations(dump) {
	const m = dump.schema_migration;
	const keep = ['version', 'name'].map((c) => m.columns.indexOf(c));
	return m.rows.map((r) => keep.map((i) => r.split('|')[i]).join('|')).sort();
}

function assertContent(dump) {
	const d = data(dump);
	assert.equal(Object.keys(d).length, 33, `tables: ${Object.keys(d)}`);
	for (const [table, min] of Object.entries({ org: 5, staff_user: 2, session: 1, api_token: 1,
		audit_entry: 12, site_page: 5, poll: 2, poll_option: 8, ballot: 190, rate_count: 1,
		throttle: 1, recovery_code: 10, poll_code_batch: 1, poll_code: 3, idempotency: 1,
		outbox: 1 })) {
		assert.ok(d[table].rows.length >= min, `${table}: ${d[table].rows.length} rows, expected ${min}+`);
	}
}


const cli = (args, options) => runCli(dataDir, args, options);
const mode = (file) => statSync(file).mode & 0o777;

async function vote(poll, n) {
	const res = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ options: [poll.options[n % poll.options.length].id] }),
	});
	await res.arrayBuffer();
	return res.status;
}

before(async () => {
	work = makeDataDir();
	// A vote rate limit, so that votes leave rate counts behind.
	server = await startServer({ args: ['--demo', '--vote-rate-limit', '100000'] });
	dataDir = server.dataDir;
	origDb = path.join(dataDir, 'involve.db');
	({ token } = await orgWithStaff(server, {
		slug: 'leeds',
		name: 'NHS Leeds – Ünïcødé ✓',
		email: 'officer@example.org',
		role: 'administrator',
		password: PASSWORD,
	}));

	let res = await fetch(`${server.url}/staff/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'officer@example.org', password: PASSWORD }),
	});
	assert.equal(res.status, 303);
	cookie = res.headers.get('set-cookie').split(';')[0];
	res = await fetch(`${server.url}/staff/pages/privacy`, { headers: { Cookie: cookie } });
	assert.equal(res.status, 200);
	const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())[1];
	res = await fetch(`${server.url}/staff/pages/privacy`, {
		method: 'POST',
		redirect: 'manual',
		headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf, title: 'Privacy – Ünïcødé', body: PAGE_BODY }),
	});
	assert.ok(res.status < 400, `saving the page: ${res.status}`);

	const poll = await createPoll(server.url, token,
		{ question: 'Which days suit you? ✓', options: ['Monday', 'Tuesday'] });
	pollId = poll.id;
	for (let i = 0; i < 5; i++) assert.equal(await vote(poll, i), 201);

	// Every other table gets rows too: a vote sent with a retry key, a poll answered with codes
	// and a batch of them, a failed sign-in's counts, a second factor's recovery codes.
	res = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'backup-key-1' },
		body: JSON.stringify({ options: [poll.options[0].id] }),
	});
	assert.equal(res.status, 201);
	const coded = await createPoll(server.url, token,
		{ question: 'With a code?', options: ['Yes', 'No'], who_can_answer: 'code' });
	await ok(cli(['poll', 'codes', '--org', 'leeds', '--poll', coded.id, '--count', '4']));
	// Mail waiting in the outbox (the server sends none): its address sealed, its text in UTF-8.
	await ok(cli(['mail', 'send', '--org', 'leeds', '--to', 'resident@example.org', '--subject',
		'Wyniki są już dostępne ✓', '--body', 'Line one\nLine two']));
	res = await fetch(`${server.url}/staff/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'nobody@example.org', password: 'not the password' }),
	});
	assert.equal(res.status, 422);
	res = await fetch(`${server.url}/staff/account/two-step`, { headers: { Cookie: cookie } });
	const setup = await res.text();
	const offer = /name="setup" value="([^"]+)"/.exec(setup)[1];
	const csrf2 = /name="csrf" value="([^"]+)"/.exec(setup)[1];
	res = await fetch(`${server.url}/staff/account/two-step`, {
		method: 'POST',
		redirect: 'manual',
		headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf: csrf2, setup: offer, code: totpCode(secretFromPage(setup)) }),
	});
	assert.equal(res.status, 200, 'two-step verification turned on');
	cookie = res.headers.get('set-cookie').split(';')[0];
});

after(async () => {
	if (server && server.proc.exitCode === null) await server.stop();
});

test('help texts say what each command does and when to stop the server', async () => {
	for (const cmd of ['backup', 'restore', 'migrate-data']) {
		const r = await ok(cli([cmd, '--help']));
		assert.match(r.stdout, new RegExp(`Usage: involve ${cmd}`));
	}
	assert.match((await cli(['restore', '--help'])).stdout, /Stop the server first/);
	assert.match((await cli(['--help'])).stdout, /migrate-data/);
});

test('SQLite: a backup taken while votes arrive is consistent and restores exactly', async () => {
	const poll = await pollResults(server.url, token, pollId);
	assert.ok(poll.options.length === 2);
	// Votes keep arriving while the backup is taken.
	let running = true;
	let cast = 0;
	const voters = Array.from({ length: 4 }, async (_, i) => {
		const p = { id: pollId, options: poll.options };
		while (running) {
			if ((await vote(p, i + cast)) === 201) cast++;
		}
	});
	const live = path.join(work, 'live.db');
	try {
		while (cast < 20) await new Promise((r) => setTimeout(r, 20));
		await ok(cli(['backup', '--to', live]));
	} finally {
		running = false;
		await Promise.all(voters);
	}
	assert.equal(mode(live), 0o600);
	// One moment's view: each poll's counters match its ballots.
	for (const row of sqlite(live, 'SELECT p.ballots, (SELECT count(*) FROM ballot b WHERE ' +
		'b.poll_id = p.id), (SELECT coalesce(sum(votes), 0) FROM poll_option o WHERE ' +
		'o.poll_id = p.id), p.multiple FROM poll p').split('\n').filter(Boolean)) {
		const [counter, rows, votes, multiple] = row.split('|').map(Number);
		assert.equal(counter, rows, `poll counter ${counter} but ${rows} ballots`);
		if (!multiple) assert.equal(votes, rows);
	}
	assert.equal(sqlite(live, 'PRAGMA integrity_check').trim(), 'ok');

	// A quiet moment: the backup holds exactly what the database holds.
	await server.stop();
	const quiet = path.join(work, 'quiet.db');
	await ok(cli(['backup', '--to', quiet]));
	const original = dumpSqlite(origDb);
	assertContent(original);
	assert.deepEqual(dumpSqlite(quiet), original);

	const restoredDir = makeDataDir();
	const r = await ok(runCli(restoredDir, ['restore', '--from', quiet]));
	assert.match(r.stdout, /keys/, 'reminds that the keys are not in the backup');
	assert.deepEqual(dumpSqlite(path.join(restoredDir, 'involve.db')), original);
	assert.equal(mode(path.join(restoredDir, 'involve.db')) & 0o077, 0);
	cpSync(path.join(dataDir, 'keys'), path.join(restoredDir, 'keys'), { recursive: true });
	assert.match((await ok(runCli(restoredDir, ['audit', 'verify']))).stdout, /intact/);

	// The restored installation works: its token and its session are still good.
	const copy = await startServer({ dataDir: restoredDir });
	try {
		assert.equal((await pollResults(copy.url, token, pollId)).total,
			sqlite(quiet, `SELECT ballots FROM poll WHERE id = ${pollId}`).trim() * 1);
		let res;
		await createPoll(copy.url, token, { question: 'After the restore?', options: ['Yes', 'No'] });
		res = await fetch(`${copy.url}/staff/pages/privacy`, { headers: { Cookie: cookie }, redirect: 'manual' });
		assert.equal(res.status, 200);
		assert.match(await res.text(), /Privacy – Ünïcødé/);
	} finally {
		await copy.stop();
	}

	// The backup of the live database restores exactly too.
	const liveDir = makeDataDir();
	await ok(runCli(liveDir, ['restore', '--from', live]));
	assert.deepEqual(dumpSqlite(path.join(liveDir, 'involve.db')), dumpSqlite(live));
});

let pgCopy; // the PostgreSQL database migrate-data filled

test('SQLite -> PostgreSQL -> SQLite with migrate-data keeps every table exactly', async () => {
	if (server.proc.exitCode === null) await server.stop();
	const original = dumpSqlite(origDb);
	assertContent(original);
	pgCopy = pgDatabase();
	let r = await ok(cli(['migrate-data', '--from', `sqlite:${origDb}`, '--to', pgCopy]));
	assert.match(r.stdout, /ballot\s+\d+/);
	const inPg = dumpPg(pgCopy);
	assert.deepEqual(data(inPg), data(original));
	assert.match((await ok(cli(['audit', 'verify', '--database', pgCopy]))).stdout, /intact/);

	const back = path.join(work, 'back.db');
	r = await ok(cli(['migrate-data', '--from', pgCopy, '--to', `sqlite:${back}`]));
	const backDump = dumpSqlite(back);
	assert.deepEqual(data(backDump), data(original));
	assert.deepEqual(migrations(backDump), migrations(original));
	assert.match((await ok(cli(['audit', 'verify', '--database', `sqlite:${back}`]))).stdout, /intact/);

	// New rows in PostgreSQL take ids after the copied ones.
	const maxOrg = Number(psql(pgCopy, 'SELECT max(id) FROM org').trim());
	await ok(cli(['org', 'create', '--slug', 'york', '--name', 'NHS York', '--database', pgCopy]));
	assert.equal(psql(pgCopy, "SELECT id FROM org WHERE slug = 'york'").trim(), String(maxOrg + 1));
	await ok(cli(['user', 'add', '--org', 'york', '--email', 'y@example.org', '--database', pgCopy],
		{ input: `${PASSWORD}\n` }));
	await ok(cli(['token', 'create', '--org', 'york', '--user', 'y@example.org', '--database', pgCopy]));
	assert.match((await ok(cli(['audit', 'verify', '--database', pgCopy]))).stdout, /intact/);

	// A target that holds data is refused and left alone.
	const before = dumpSqlite(back);
	await refused(cli(['migrate-data', '--from', `sqlite:${origDb}`, '--to', `sqlite:${back}`]), 1,
		/not empty/);
	assert.deepEqual(dumpSqlite(back), before);
	const pgBefore = dumpPg(pgCopy);
	await refused(cli(['migrate-data', '--from', `sqlite:${origDb}`, '--to', pgCopy]), 1, /not empty/);
	assert.deepEqual(dumpPg(pgCopy), pgBefore);
});

test('PostgreSQL: backup and restore give back every table', async () => {
	assert.ok(pgCopy, 'the migrate-data test filled a PostgreSQL database');
	const file = path.join(work, 'pg.dump');
	await ok(cli(['backup', '--database', pgCopy, '--to', file]));
	assert.equal(mode(file), 0o600);
	assert.equal(readFileSync(file).subarray(0, 5).toString(), 'PGDMP');
	const original = dumpPg(pgCopy);

	const target = pgDatabase();
	await ok(cli(['restore', '--database', target, '--from', file]));
	assert.deepEqual(dumpPg(target), original);
	assert.match((await ok(cli(['audit', 'verify', '--database', target]))).stdout, /intact/);
	// Sequences came along: a new organisation takes the next id.
	const maxOrg = Number(psql(target, 'SELECT max(id) FROM org').trim());
	await ok(cli(['org', 'create', '--slug', 'hull', '--name', 'NHS Hull', '--database', target]));
	assert.equal(psql(target, "SELECT id FROM org WHERE slug = 'hull'").trim(), String(maxOrg + 1));

	// Holding data, the target is refused without --force and unchanged.
	const changed = dumpPg(target);
	await refused(cli(['restore', '--database', target, '--from', file]), 1, /not empty.*--force/);
	assert.deepEqual(dumpPg(target), changed);
	// A damaged backup (its data cut short) fails, even with --force, and changes nothing.
	const cut = path.join(work, 'cut.dump');
	const bytes = readFileSync(file);
	writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
	await refused(cli(['restore', '--database', target, '--from', cut, '--force']), 1, /pg_restore/);
	assert.deepEqual(dumpPg(target), changed);
	// With --force the good backup replaces it all.
	await ok(cli(['restore', '--database', target, '--from', file, '--force']));
	assert.deepEqual(dumpPg(target), original);
});

test('bad input: a clear message, a non-zero exit and nothing changed', async () => {
	if (server.proc.exitCode === null) await server.stop();
	const original = dumpSqlite(origDb);
	const good = path.join(work, 'good.db');
	await ok(cli(['backup', '--to', good]));
	const out = path.join(work, 'never.db');

	// Unknown kinds of URL: usage errors; a password in one is not echoed.
	let r = await refused(cli(['backup', '--database', 'mysql://u:hunter2@h/db', '--to', out]), 2,
		/database URL/);
	assert.doesNotMatch(r.stderr, /hunter2/);
	await refused(cli(['restore', '--database', 'oracle:x', '--from', good]), 2, /database URL/);
	await refused(cli(['migrate-data', '--from', 'mysql://h/db', '--to', `sqlite:${out}`]), 2,
		/--from must be a database URL/);
	await refused(cli(['migrate-data', '--from', `sqlite:${origDb}`, '--to', 'sqlite:']), 2,
		/--to must be a database URL/);
	await refused(cli(['backup']), 2, /--to FILE is needed/);
	await refused(cli(['restore']), 2, /--from FILE is needed/);
	assert.equal(existsSync(out), false);

	// Missing files.
	await refused(runCli(path.join(work, 'no-such-dir'), ['backup', '--to', out]), 1,
		/cannot open .*No such file/);
	assert.equal(existsSync(out), false);
	const emptyDir = makeDataDir();
	await refused(runCli(emptyDir, ['restore', '--from', path.join(work, 'missing.db')]), 1,
		/cannot read .*missing\.db: No such file/);
	await refused(cli(['migrate-data', '--from', `sqlite:${path.join(work, 'missing.db')}`, '--to',
		`sqlite:${out}`]), 1, /source database: cannot open/);
	assert.equal(existsSync(path.join(emptyDir, 'involve.db')), false);

	// A backup never replaces a file.
	writeFileSync(out, 'keep me');
	await refused(cli(['backup', '--to', out]), 1, /already exists/);
	assert.equal(readFileSync(out, 'utf8'), 'keep me');

	// Files that are not good backups; the target is not even created.
	const garbage = path.join(work, 'garbage.db');
	writeFileSync(garbage, 'this is not a database at all, just some text\n'.repeat(100));
	await refused(runCli(emptyDir, ['restore', '--from', garbage]), 1, /not an involve backup/);
	const cut = path.join(work, 'cut.db');
	writeFileSync(cut, readFileSync(good).subarray(0, 5000));
	await refused(runCli(emptyDir, ['restore', '--from', cut]), 1, /malformed|damaged/);
	const other = path.join(work, 'other.db');
	sqlite(other, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
	await refused(runCli(emptyDir, ['restore', '--from', other]), 1, /not an involve database/);
	await refused(runCli(emptyDir, ['restore', '--from', path.join(work, 'pg.dump')]), 1,
		/PostgreSQL backup/);
	assert.equal(existsSync(path.join(emptyDir, 'involve.db')), false);
	const pgTarget = pgDatabase();
	await refused(cli(['restore', '--database', pgTarget, '--from', good]), 1, /SQLite backup/);

	// A database that holds data is not replaced without --force.
	await refused(cli(['restore', '--from', good]), 1, /not empty.*--force/);
	assert.deepEqual(dumpSqlite(origDb), original);
	sqlite(origDb, "UPDATE org SET name = 'Changed after the backup' WHERE slug = 'leeds'");
	await ok(cli(['restore', '--from', good, '--force']));
	assert.deepEqual(dumpSqlite(origDb), original);
	assert.match((await ok(cli(['audit', 'verify']))).stdout, /intact/);
});
