-- PostgreSQL twin of migrations/0005_drop_answers_question.sql: no query reads
-- answers by question (summaries are tallied while responses stream by id),
-- so the index only made every insert dearer.
DROP INDEX IF EXISTS answers_question;
