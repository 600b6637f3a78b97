-- PostgreSQL twin of migrations/0004_response_changes.sql: one row per change
-- made to a stored response, counted by every replica alike to bound how often
-- one submission_id may rewrite its answers.
CREATE TABLE response_changes (
    response_id bigint      NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX response_changes_response ON response_changes (response_id, changed_at);
