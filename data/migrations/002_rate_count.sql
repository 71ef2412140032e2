-- 002: votes per network per fixed window, counted in the store with the
-- ballots themselves, so the limit holds however many servers share it.
-- (IF NOT EXISTS: PostgreSQL databases made before the two databases shared
-- one schema have this table from their 001.)
CREATE TABLE IF NOT EXISTS rate_count (
	net TEXT NOT NULL,
	window_start BIGINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (net, window_start)
);
