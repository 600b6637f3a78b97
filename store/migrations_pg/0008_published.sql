-- PostgreSQL twin of migrations/0008_published.sql. The organizer's decision
-- on publishing a workshop's results lives here, so every replica agrees on
-- whether /results/{slug} answers.
CREATE TABLE workshop_results (
    slug       text        PRIMARY KEY,
    public     boolean     NOT NULL,
    updated_at timestamptz NOT NULL
);
