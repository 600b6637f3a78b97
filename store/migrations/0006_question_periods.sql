-- Which questions each workshop's form asked, and when: the forms file may
-- change mid-forum (a question added, removed or renamed between two starts),
-- and the summaries say of how many responses each question was asked. At
-- each start the service opens a period for every question its forms file
-- asks that has none open, and closes the open periods of questions it no
-- longer asks. Times are Unix milliseconds in UTC; from_ms NULL means from
-- before the first record (responses collected before it count as asked),
-- until_ms NULL means still asked.
CREATE TABLE question_periods (
    workshop TEXT    NOT NULL,
    question TEXT    NOT NULL,
    from_ms  INTEGER,
    until_ms INTEGER,
    CHECK (until_ms IS NULL OR from_ms IS NULL OR from_ms <= until_ms)
);
-- At most one open period per question of a workshop.
CREATE UNIQUE INDEX question_periods_open ON question_periods (workshop, question) WHERE until_ms IS NULL;
