-- PostgreSQL twin of migrations/0002_workshop_state.sql. The organizer's
-- override of a workshop's schedule lives here, not in a process, so every
-- replica agrees on whether a workshop is open.
CREATE TABLE workshop_state (
    slug       text        PRIMARY KEY,
    open       boolean     NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Comments the rapporteur starred as key quotes. seq orders stars made in the
-- same millisecond, as SQLite's rowid does.
CREATE TABLE starred (
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    response_id bigint      NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    text        NOT NULL,
    starred_at  timestamptz NOT NULL,
    PRIMARY KEY (response_id, question)
);
