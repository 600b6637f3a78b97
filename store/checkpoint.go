package store

import (
	"context"
	"database/sql"
	"time"
)

// checkpointEvery is the shortest time between two checkpoints: long enough
// that a hot page rewritten by many commits is copied into the database file
// once, short enough that the WAL stays a few megabytes.
const checkpointEvery = 100 * time.Millisecond

// writerAutoCheckpoint is the writer's own automatic checkpoint, in WAL
// pages: a backstop that only fires if the checkpointer falls far behind.
const writerAutoCheckpoint = 16384

// checkpointer copies committed pages from the WAL into the database file on
// its own connection, so that the writer's commits pay only for their own
// WAL frames and fsync. SQLite's automatic checkpoint would run inside the
// commit that crosses the threshold: a few megabytes written and an fsync of
// the database file, in the middle of a participant's request. A PASSIVE
// checkpoint runs beside the writer without blocking it.
func (db *DB) checkpointer() {
	defer db.wg.Done()
	ctx := context.Background()
	failing := "" // the error last logged: a run of the same one is logged once
	for {
		select {
		case <-db.ckptKick:
		case <-db.stop:
			return
		}
		// An error is not fatal (a disk hiccup, a file being rescued): the
		// next kick tries again, and the writer's own automatic checkpoint
		// is the backstop. But the WAL grows meanwhile, which the operator
		// should hear about.
		if _, err := db.ckpt.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			if err.Error() != failing {
				failing = err.Error()
				db.log.Warn("store: WAL checkpoint failed; the WAL grows until one succeeds", "db", db.path, "err", err)
			}
		} else if failing != "" {
			failing = ""
			db.log.Info("store: WAL checkpoint succeeds again", "db", db.path)
		}
		select {
		case <-time.After(checkpointEvery):
		case <-db.stop:
			return
		}
	}
}

// kickCheckpoint tells the checkpointer that the WAL grew; it never waits.
func (db *DB) kickCheckpoint() {
	select {
	case db.ckptKick <- struct{}{}:
	default:
	}
}

// openCheckpointer opens the checkpointer's connection.
func openCheckpointer(g *guard, path string) (*sql.DB, error) {
	c, err := g.open(dsn(path, modeCheckpoint))
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	c.SetMaxIdleConns(1)
	c.SetConnMaxLifetime(0)
	c.SetConnMaxIdleTime(0)
	return c, nil
}
