-- One row per change a participant made to an already stored response, so that
-- one submission_id cannot rewrite its answers without end (a script replaying
-- a form). It lives in the database, not in a process, so that every replica
-- and every restart count the same changes. Rows older than the longest limit
-- are deleted as new ones come, so a response keeps only a handful.
CREATE TABLE response_changes (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    changed_at  INTEGER NOT NULL
);
CREATE INDEX response_changes_response ON response_changes (response_id, changed_at);
