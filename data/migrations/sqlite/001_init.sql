-- 001: organisations, staff, sessions, tokens, audit log, site pages, quick polls.
-- Times are unix seconds (UTC).  Hashes are 32-byte keyed BLAKE2b values.

CREATE TABLE org (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE staff_user (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	email TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE session (
	hash BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES staff_user(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX session_expiry ON session(expires_at);

CREATE TABLE api_token (
	id INTEGER PRIMARY KEY,
	hash BLOB NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES staff_user(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES org(id),
	created_at INTEGER NOT NULL
);

CREATE TABLE audit_entry (
	seq INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	org_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev BLOB NOT NULL,
	hash BLOB NOT NULL
);

CREATE TABLE site_page (
	org_id INTEGER NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, key)
);

CREATE TABLE poll (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	question TEXT NOT NULL,
	multiple INTEGER NOT NULL,
	show_results TEXT NOT NULL,
	opens_at INTEGER NOT NULL DEFAULT 0,
	closes_at INTEGER NOT NULL DEFAULT 0,
	closed_at INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	ballots INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX poll_by_org ON poll(org_id, id);

CREATE TABLE poll_option (
	id INTEGER PRIMARY KEY,
	poll_id INTEGER NOT NULL REFERENCES poll(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	label TEXT NOT NULL,
	votes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX poll_option_by_poll ON poll_option(poll_id, position);

-- One row per ballot.  voter_hash is a keyed hash of the poll and the
-- browser's random cookie id: unique per poll, linked to no person.
-- choices lists the chosen option ids ("12,15"); the counts people see are
-- kept in poll.ballots and poll_option.votes by the same transaction.
CREATE TABLE ballot (
	id INTEGER PRIMARY KEY,
	poll_id INTEGER NOT NULL REFERENCES poll(id) ON DELETE CASCADE,
	voter_hash BLOB NOT NULL,
	cast_at INTEGER NOT NULL,
	choices TEXT NOT NULL,
	UNIQUE (poll_id, voter_hash)
);
