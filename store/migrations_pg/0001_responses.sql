-- PostgreSQL twin of migrations/0001_responses.sql: the same tables and the
-- same rules, in PostgreSQL's types. submission_id is unique, so a retried or
-- resent form finds the row it already wrote, whichever replica it reaches.
-- Times are UTC timestamps cut to the millisecond, as SQLite keeps them.
CREATE TABLE responses (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id     text        NOT NULL UNIQUE,
    submission_id text        NOT NULL UNIQUE,
    workshop      text        NOT NULL,
    lang          text        NOT NULL,
    submitted_at  timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX responses_workshop ON responses (workshop, id);

-- One row per answer, and one per chosen option of a multiple choice.
-- position keeps the order the answers were given in (SQLite uses its rowid).
-- Unlike SQLite's, response_id has no foreign key: the store writes answers
-- only in the statement or transaction that holds their response, and never
-- deletes a response, while the key's check (a lookup and a row lock on the
-- response for every answer row) was measured at ~45 µs of server CPU per
-- response, 40% of all the server spent storing one.
CREATE TABLE answers (
    response_id bigint  NOT NULL,
    position    integer NOT NULL,
    question    text    NOT NULL,
    number      integer,
    option      text,
    text        text,
    PRIMARY KEY (response_id, position),
    CHECK (num_nonnulls(number, option, text) = 1)
);
CREATE INDEX answers_question ON answers (question, option, number);
