-- The organizer's override of a workshop's schedule: open = 1 opens it now,
-- open = 0 closes it now, no row follows the forms file's opens_at/closes_at.
CREATE TABLE workshop_state (
    slug       TEXT    PRIMARY KEY,
    open       INTEGER NOT NULL CHECK (open IN (0, 1)),
    updated_at INTEGER NOT NULL
);

-- Comments the rapporteur starred as key quotes.
CREATE TABLE starred (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    starred_at  INTEGER NOT NULL,
    PRIMARY KEY (response_id, question)
);
