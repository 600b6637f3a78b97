-- PostgreSQL twin of migrations/0010_desk.sql: kept counts, the comments'
-- search rows, themes and translations, shared by every replica. Searching
-- uses strpos on the folded text (no trigram index: pg_trgm is an extension
-- a server may not have). As with answers, comment_search has no foreign
-- key; deleting a response deletes its rows. As in SQLite, a response is
-- stored as before and taken into these tables after, in sets.
CREATE TABLE tallies (
    workshop text    NOT NULL,
    question text    NOT NULL,
    kind     text    NOT NULL CHECK (kind IN ('r', 'n', 'o', 't')),
    value    integer NOT NULL,
    n        bigint  NOT NULL,
    PRIMARY KEY (workshop, question, kind, value)
);
-- Which responses the desk's tables have taken in (postgres_take_in.go):
-- every existing response is taken in after the migration, as new ones are.
ALTER TABLE responses ADD COLUMN desk boolean NOT NULL DEFAULT false;
CREATE INDEX responses_desk_pending ON responses (id) WHERE NOT desk;

-- What each transaction adds to tallies: writers append here (no row is
-- shared, so replicas never wait on one another), and whichever replica
-- holds the compaction lock folds the rows into tallies every few seconds.
-- Reads add both.
CREATE TABLE tally_deltas (
    workshop text    NOT NULL,
    question text    NOT NULL,
    kind     text    NOT NULL,
    value    integer NOT NULL,
    n        bigint  NOT NULL
);

CREATE TABLE comment_search (
    response_id bigint NOT NULL,
    question    text   NOT NULL,
    workshop    text   NOT NULL,
    lang        text   NOT NULL,
    folded      text   NOT NULL,
    PRIMARY KEY (response_id, question)
);
CREATE INDEX comment_search_workshop ON comment_search (workshop, response_id);
CREATE INDEX comment_search_lang ON comment_search (lang, workshop, response_id);

CREATE TABLE themes (
    id          text        PRIMARY KEY,
    label       text        NOT NULL,
    label_key   text        NOT NULL,
    created_at  timestamptz NOT NULL,
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    merged_into text        REFERENCES themes (id)
);
CREATE UNIQUE INDEX themes_label ON themes (label_key) WHERE merged_into IS NULL;

CREATE TABLE comment_themes (
    response_id bigint      NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    text        NOT NULL,
    theme       text        NOT NULL REFERENCES themes (id),
    tagged_at   timestamptz NOT NULL,
    PRIMARY KEY (response_id, question, theme)
);
CREATE INDEX comment_themes_theme ON comment_themes (theme, response_id);

CREATE TABLE translations (
    response_id bigint      NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    text        NOT NULL,
    text        text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (response_id, question)
);
