package store

import (
	"context"
	"fmt"
	"time"
)

// PostgreSQL's kept counts: every transaction that stores, changes or
// removes a response appends what it adds to tally_deltas, a table without
// keys, so that writers on every replica never wait on one another for a
// shared row (upserting tallies from each batch halved the submit rate
// with two replicas). Reads add tally_deltas to tallies (pgTallies); every
// compactEvery each replica tries to fold the deltas into tallies, and the
// one that holds the lock does.

// pgTallies is tallies and tally_deltas added up, in the shape of tallies.
const pgTallies = `(SELECT workshop, question, kind, value, sum(n) AS n FROM (
    SELECT workshop, question, kind, value, n FROM tallies
    UNION ALL
    SELECT workshop, question, kind, value, n FROM tally_deltas) u
  GROUP BY workshop, question, kind, value)`

// compactEvery is how often a replica folds the deltas into tallies.
const compactEvery = 2 * time.Second

// compactor folds the deltas until Close.
func (p *Postgres) compactor() {
	defer p.wg.Done()
	for {
		select {
		case <-p.stop:
			return
		case <-time.After(compactEvery):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = p.idleTakeIn(ctx) // postgres_take_in.go; the next round tries again
		_ = p.compactTallies(ctx)
		cancel()
	}
}

// compactTallies moves every committed delta into tallies, in one
// transaction, if no other replica is doing it.
func (p *Postgres) compactTallies(ctx context.Context) error {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return translatePG(fmt.Errorf("store: compact counts: %w", err))
	}
	defer tx.Rollback(ctx)
	var mine bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtext('feedback tallies ' || current_schema()))`).Scan(&mine); err != nil {
		return translatePG(fmt.Errorf("store: compact counts: %w", err))
	}
	if !mine {
		return nil // another replica is at it
	}
	if _, err := tx.Exec(ctx, `WITH moved AS (DELETE FROM tally_deltas RETURNING workshop, question, kind, value, n)
		INSERT INTO tallies (workshop, question, kind, value, n)
		SELECT workshop, question, kind, value, sum(n) FROM moved GROUP BY workshop, question, kind, value
		ORDER BY workshop, question, kind, value
		ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = tallies.n + excluded.n`); err != nil {
		return translatePG(fmt.Errorf("store: compact counts: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return translatePG(fmt.Errorf("store: compact counts: %w", err))
	}
	return nil
}
