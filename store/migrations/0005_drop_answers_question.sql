-- The index on answers (question, option, number) doubled the cost of storing
-- a response: every answer row went into a second, string-keyed B-tree whose
-- seventy-odd insertion points dirtied as many pages (and their copies in the
-- statement journal and the WAL) on every commit. No query reads through it:
-- summaries are tallied in Go while responses stream by id, and the rest looks
-- answers up by response_id. Measured with `make bench -profile`: ~150 µs of
-- writer CPU per response with it, ~80 µs without.
DROP INDEX IF EXISTS answers_question;
