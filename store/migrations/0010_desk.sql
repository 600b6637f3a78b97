-- The rapporteur's desk (issue 14).
--
-- tallies keeps the counts the dashboard and summary.json are made of, so that
-- they are read from a few hundred rows instead of a scan of every response:
-- the writer adds each batch's counts in the transaction that stores it, and
-- takes a changed or removed response's old answers off. kind 'r' counts
-- responses (question ''), 'n' the answers of each number (value), 't' the
-- non-empty text answers. Existing responses are counted here, once.
CREATE TABLE tallies (
    workshop TEXT    NOT NULL,
    question TEXT    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('r', 'n', 't')),
    value    INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (workshop, question, kind, value)
) WITHOUT ROWID;
INSERT INTO tallies (workshop, question, kind, value, n)
    SELECT workshop, '', 'r', 0, count(*) FROM responses GROUP BY workshop;
INSERT INTO tallies (workshop, question, kind, value, n)
    SELECT r.workshop, a.question, 'n', a.number, count(*)
    FROM answers a JOIN responses r ON r.id = a.response_id
    WHERE a.number IS NOT NULL GROUP BY r.workshop, a.question, a.number;
INSERT INTO tallies (workshop, question, kind, value, n)
    SELECT r.workshop, a.question, 't', 0, count(*)
    FROM answers a JOIN responses r ON r.id = a.response_id
    WHERE a.text IS NOT NULL AND a.text <> '' GROUP BY r.workshop, a.question;

-- One row per comment (non-empty text answer), with its text folded (lower
-- case, no accents: forms.Fold) for searching, and its workshop and language
-- for filtering. Ids are never reused (AUTOINCREMENT): comment_fts indexes
-- the folded texts by trigrams, so that a search in any script finds a word
-- inside a sentence, and it is filled by the writer when it is idle, not by
-- the transaction that stores a response (an FTS5 insert costs more than the
-- rest of a response). desk_state 'fts' is the last id it indexed; searches
-- look for the newer ones in the folded text itself. The store fills
-- comment_search for existing comments at start (desk_state 'search').
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
CREATE VIRTUAL TABLE comment_fts USING fts5 (folded, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TABLE desk_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO desk_state (key, value) VALUES ('fts', '0');
INSERT INTO desk_state (key, value)
    SELECT 'search', 'pending' WHERE EXISTS (SELECT 1 FROM answers WHERE text IS NOT NULL);

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
