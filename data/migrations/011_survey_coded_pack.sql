-- 011: responses' coded fixed answers kept many to a row (coded_packs.h),
-- so a cross-tabulation of a million responses reads a few hundred rows.
--
-- A response's entry is either loose (a row of survey_coded, as a
-- submission or a correction writes it) or in one pack: ids holds the
-- pack's response ids in increasing order (varints: the first, then each
-- one's distance from the one before), coded their entries in the same
-- order, one after another.  first_id and last_id bound the ids, so a
-- withdrawal finds the pack to rewrite.  Packs are made disjoint, so no two
-- of a survey start at one id.  Rows of about 100 KB: not WITHOUT ROWID.
CREATE TABLE survey_coded_pack (
	survey_id BIGINT NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
	first_id BIGINT NOT NULL,
	last_id BIGINT NOT NULL,
	n INTEGER NOT NULL,
	ids BYTEA NOT NULL,
	coded BYTEA NOT NULL,
	PRIMARY KEY (survey_id, first_id)
);
-- The survey's loose entries, as submissions count them: a batch that
-- takes it to a pack's size packs them.
ALTER TABLE survey ADD COLUMN coded_loose BIGINT NOT NULL DEFAULT 0;
UPDATE survey SET coded_loose =
	(SELECT count(*) FROM survey_coded k WHERE k.survey_id = survey.id);
