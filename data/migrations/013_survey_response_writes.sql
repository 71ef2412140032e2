-- 013: fewer checks on each response PostgreSQL inserts (bench/survey.sh:
-- with its own batches alone, about 6 µs of CPU of about 34 a response).
--
-- The reference from a response to its survey goes.  Every write of a
-- response (a batch of submissions, a save, a withdrawal, a correction, an
-- import) first locks its survey's row and refuses the response when there
-- is no such survey, and deleting a survey locks that row outright and
-- deletes its responses first (store_survey_delete), so the reference
-- could never fail; but PostgreSQL checked it for each row, through the
-- survey's row that the batches beside each other hold shared.
--
-- The unique link, NULL for most responses (only a respondent's private
-- link sets it), becomes a unique index of the rows that have one, so a
-- browser's response adds no entry to it.
--
-- SQLite keeps both: there a row's checks cost a few index lookups in the
-- server's own process, and dropping a constraint means copying the table.
-- PostgreSQL only
ALTER TABLE survey_response DROP CONSTRAINT survey_response_survey_id_fkey;
-- PostgreSQL only
ALTER TABLE survey_response DROP CONSTRAINT survey_response_link_key;
-- PostgreSQL only
CREATE UNIQUE INDEX survey_response_link_key ON survey_response(link) WHERE link IS NOT NULL;
