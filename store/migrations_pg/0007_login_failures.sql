-- Wrong admin tokens per client, kept in the database so that every replica
-- slows the same guesser down. The client is a keyed hash of its address,
-- never the address itself.
CREATE TABLE login_failures (
    client   TEXT    PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  BIGINT  NOT NULL
);
