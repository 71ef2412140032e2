-- 002: votes per network per fixed window, counted in the store with the
-- ballots themselves, so the limit holds however many servers share it.
CREATE TABLE rate_count (
	net TEXT NOT NULL,
	window_start INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (net, window_start)
) WITHOUT ROWID;
