-- 010: each submitted response's fixed answers, coded small, so a
-- cross-tabulation of two questions reads a few bytes per response instead
-- of parsing its answers (survey_coded.h).
--
-- coded holds the response's channel, the week it was submitted in and a
-- code per option chosen or rating given (survey_coded_write); it is written
-- in the transaction that submits, imports or corrects the response and
-- deleted with its withdrawal, so the rows are exactly the survey's
-- submitted responses.  No reference to survey_response: a cascade from it
-- would search this table by response for every partial response deleted.
-- Clustered by survey on SQLite (scripts/schema.py), so one survey's rows
-- are read in one sweep.
CREATE TABLE survey_coded (
	survey_id BIGINT NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
	response_id BIGINT NOT NULL,
	coded BYTEA NOT NULL,
	PRIMARY KEY (survey_id, response_id)
) -- WITHOUT ROWID
;
-- 1 while some of a survey's submitted responses have no row above: a
-- database upgraded from before this migration.  The survey's first
-- cross-tabulation codes them (store_survey_coded_fill) and sets it to 0.
ALTER TABLE survey ADD COLUMN uncoded INTEGER NOT NULL DEFAULT 0;
UPDATE survey SET uncoded = 1 WHERE responses > 0;
