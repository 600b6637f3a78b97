-- PostgreSQL twin of migrations/0004_response_changes.sql: one row per change
-- a participant made to a stored response, counted by every replica alike so
-- that one submission_id cannot rewrite its answers without end.
CREATE TABLE response_changes (
    response_id bigint      NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX response_changes_response ON response_changes (response_id, changed_at);
