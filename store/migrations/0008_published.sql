-- The organizer's decision on giving a workshop's results back to the public:
-- public = 1 publishes them (once the workshop is closed), public = 0 keeps
-- them unpublished, no row follows the forms file's results: key.
CREATE TABLE workshop_results (
    slug       TEXT    PRIMARY KEY,
    public     INTEGER NOT NULL CHECK (public IN (0, 1)),
    updated_at INTEGER NOT NULL
);
