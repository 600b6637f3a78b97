-- One row per response. submission_id is made by the participant's form, so a
-- retried or resent form finds the row it already wrote instead of adding one.
-- Times are Unix milliseconds in UTC. Nothing here identifies a person.
CREATE TABLE responses (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    submission_id TEXT    NOT NULL UNIQUE,
    workshop      TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    submitted_at  INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX responses_workshop ON responses (workshop, id);

-- One row per answer, and one per chosen option of a multiple choice, so that
-- summaries count scores and options in SQL without parsing text.
CREATE TABLE answers (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    number      INTEGER,
    option      TEXT,
    text        TEXT,
    CHECK ((number IS NOT NULL) + (option IS NOT NULL) + (text IS NOT NULL) = 1)
);
CREATE INDEX answers_response ON answers (response_id);
CREATE INDEX answers_question ON answers (question, option, number);
