-- PostgreSQL twin of migrations/0007_source.sql: the way each response came
-- in ('web', 'api' or 'paper'); every response stored before came from the
-- form. Adding a column with a constant default rewrites no rows.
ALTER TABLE responses ADD COLUMN source text NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'api', 'paper'));
