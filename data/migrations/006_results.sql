-- Published results hide counts under an organisation's threshold
-- (small-number suppression, src/domain/suppress.c); 10 unless it says
-- otherwise, 0 to show every count.
ALTER TABLE org ADD COLUMN suppress_below INTEGER NOT NULL DEFAULT 10;
