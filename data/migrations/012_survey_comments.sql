-- 012: free-text answers as the theme classifier read them (comment_worker.h).
--
-- A row per response and free-text question, written by a server's worker
-- once the response is durable, never on the submission's path: the
-- comment's words (a copy, so that results can show examples and the
-- training file can be written without reading every response again), its
-- language ('en', or 'other': not classified), the themes the model found
-- (a JSON array of their names, as the model names them), its sentiment
-- (1 to 5; 0 when not classified) and the kinds of identifying details it
-- holds (pii.h's names, comma-separated; '' for none), which keep it from
-- anything public until someone has reviewed it.  reviewed_by is the staff
-- user who checked or corrected its themes (0: the model's alone); a
-- withdrawn or corrected response's rows go with it.
CREATE TABLE survey_comment (
	survey_id BIGINT NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
	response_id BIGINT NOT NULL,
	question TEXT NOT NULL,
	comment TEXT NOT NULL,
	language TEXT NOT NULL,
	themes TEXT NOT NULL,
	sentiment INTEGER NOT NULL,
	identifying TEXT NOT NULL,
	reviewed_by BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (survey_id, response_id, question)
);
-- The id of the survey's last submitted response the worker has read: it
-- reads on from there.  A correction moves it back (before the response),
-- so the worker reads that response again.
ALTER TABLE survey ADD COLUMN comments_through BIGINT NOT NULL DEFAULT 0;
