-- The rapporteur's desk (issue 14).
--
-- tallies keeps the counts the dashboard and summary.json are made of, so that
-- they are read from a few hundred rows instead of a scan of every response.
-- kind 'r' counts responses (question ''), 'n' the answers of each number
-- (value), 'o' the chosen options, 't' the non-empty text answers. comment_search has one row per
-- comment (non-empty text answer), its text folded (lower case, no accents:
-- forms.Fold) and its workshop and language, for filtering and searching;
-- comment_fts indexes the folded texts by trigrams, so that a search in any
-- script finds a word inside a sentence.
--
-- All three are brought up to date by the store's writer, not by the
-- transaction that stores a response (that would cost it more than a third):
-- desk_state 'desk' is the last response id they take in, 'fts' the last
-- comment_search id indexed (indexing waits for idle moments and searches). The writer adds
-- newer responses in sets, between batches and when it is idle, and every
-- read of them first asks it to finish; a change or removal of a response
-- they took in is applied to them in its own transaction. Responses stored
-- before this migration are taken in the same way, at the next start.
CREATE TABLE tallies (
    workshop TEXT    NOT NULL,
    question TEXT    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('r', 'n', 'o', 't')),
    value    INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (workshop, question, kind, value)
) WITHOUT ROWID;

-- Ids are never used again (AUTOINCREMENT): a new row's id is above the
-- search index's mark (desk_state 'fts'), so the index takes it in.
CREATE TABLE comment_search (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    workshop    TEXT    NOT NULL,
    lang        TEXT    NOT NULL,
    folded      TEXT    NOT NULL,
    UNIQUE (response_id, question)
);
CREATE INDEX comment_search_workshop ON comment_search (workshop, response_id);
CREATE INDEX comment_search_lang ON comment_search (lang, workshop, response_id);
CREATE VIRTUAL TABLE comment_fts USING fts5 (folded, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TABLE desk_state (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO desk_state (key, value) VALUES ('desk', 0), ('fts', 0);

-- The rapporteur's themes. A merged theme stays, pointing at the one it was
-- merged into, so that a declared theme does not come back at the next start
-- and a stale page's tag lands on the theme that took it over. label_key is
-- the folded label: two live themes may not share one.
CREATE TABLE themes (
    id          TEXT    PRIMARY KEY,
    label       TEXT    NOT NULL,
    label_key   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    merged_into TEXT    REFERENCES themes (id)
);
CREATE UNIQUE INDEX themes_label ON themes (label_key) WHERE merged_into IS NULL;

-- Which comment has which themes: a comment may have several.
CREATE TABLE comment_themes (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    theme       TEXT    NOT NULL REFERENCES themes (id),
    tagged_at   INTEGER NOT NULL,
    PRIMARY KEY (response_id, question, theme)
) WITHOUT ROWID;
CREATE INDEX comment_themes_theme ON comment_themes (theme, response_id);

-- A colleague's rendering of a comment (in English), shown beside it.
CREATE TABLE translations (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (response_id, question)
) WITHOUT ROWID;
