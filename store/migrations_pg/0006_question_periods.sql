-- PostgreSQL twin of migrations/0006_question_periods.sql: which questions
-- each workshop's form asked, and when, so that the summaries say of how many
-- responses each question was asked after the forms file changed mid-forum.
-- from_at NULL means from before the first record, until_at NULL still asked.
-- Replicas starting together take a lock before they read and write it.
CREATE TABLE question_periods (
    workshop text        NOT NULL,
    question text        NOT NULL,
    from_at  timestamptz,
    until_at timestamptz,
    CHECK (until_at IS NULL OR from_at IS NULL OR from_at <= until_at)
);
-- At most one open period per question of a workshop.
CREATE UNIQUE INDEX question_periods_open ON question_periods (workshop, question) WHERE until_at IS NULL;
