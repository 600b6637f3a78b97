package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"

	"feedback/forms"
)

// How the SQLite store keeps the desk's tables (tallies, comment_search,
// comment_fts) up to date: see migrations/0010_desk.sql. A new response is
// stored as before: the desk's work is done when the writer would otherwise
// wait. The writer takes stored responses in, in sets, when it has been idle
// for deskIdle (a small set at a time, so that a response arriving meanwhile
// waits little), whenever a read of the desk asks it to (upToDate), and,
// when it has not been idle for deskMaxLag (an overload that lasts), after
// every batch until it has caught up. A change or removal of a response
// already taken in is applied to the tables at once, in the transaction
// that makes it.

const (
	// deskChunk bounds the responses one transaction takes in, deskIdleChunk
	// those it takes in when idle, and deskReadChunks how many chunks a
	// read has it take in before it answers.
	deskChunk      = 5000
	deskIdleChunk  = 1000
	deskReadChunks = 4
	// deskIdle is how long the writer waits for a response before it takes
	// the stored ones in.
	deskIdle = 20 * time.Millisecond
	// deskMaxLag is how far behind the desk may fall under a lasting
	// overload before the writer takes responses in between batches.
	deskMaxLag = 30 * time.Second
)

// deskWait is the longest a read waits for the writer to take responses in:
// a writer held up (a full disk, a burst bigger than the desk can follow)
// must not take the rapporteur's pages down with it. The read then shows
// the tables as they are, a little behind.
const deskWait = 5 * time.Second

// upToDate asks the writer to take every stored response in and waits for
// it, or for deskWait, or for ctx.
func (db *DB) upToDate(ctx context.Context) error {
	wait, cancel := context.WithTimeout(ctx, deskWait)
	defer cancel()
	req := make(chan error, 1)
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return &forms.Error{Code: forms.EUNAVAILABLE, Message: "store closed"}
	}
	select {
	case db.deskReq <- req:
		db.mu.RUnlock()
	case <-wait.Done():
		db.mu.RUnlock()
		return db.behind(ctx)
	}
	select {
	case err := <-req:
		return err
	case <-wait.Done():
		return db.behind(ctx)
	}
}

// behind is what a read that waited deskWait does: it goes on (ctx still
// running) with the tables as they are, and says so in the log.
func (db *DB) behind(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: bring the desk up to date: %w", err)
	}
	db.log.Warn("store: the writer is busy; the rapporteur's figures may be a few seconds behind")
	return nil
}

// catchUp takes stored responses in, up to chunks sets of size (0: every
// one); and if fts,
// indexes a chunk of the comments taken in for search (the costliest part,
// left to idle moments: a search reads the comments not yet indexed in
// their folded text). It runs on the writer goroutine (or before it
// starts).
func (db *DB) catchUp(chunks, size int, fts bool) error {
	for i := 1; ; i++ {
		n, err := db.takeIn(size)
		if err != nil {
			db.log.Warn("store: bringing the desk up to date failed; the next try picks up where this one stopped", "err", err)
			return err
		}
		if n < size {
			db.deskBehind = false
			break
		}
		if i == chunks {
			break
		}
	}
	if !fts || db.deskBehind {
		return nil
	}
	n, err := db.indexFTS()
	if err != nil {
		db.log.Warn("store: indexing comments for search failed; the next try picks up where this one stopped", "err", err)
		return err
	}
	db.ftsBehind = n == ftsChunk
	return nil
}

// ftsChunk bounds the comments one transaction adds to the search index.
const ftsChunk = 2000

// indexFTS adds up to ftsChunk comments taken in since the last time to
// the search index, and returns how many.
func (db *DB) indexFTS() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := 0
	err := db.inWriteTx(ctx, "index comments", func(tx *sql.Tx) error {
		var from, to int64
		if err := tx.QueryRowContext(ctx, `SELECT value FROM desk_state WHERE key = 'fts'`).Scan(&from); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), ?1), count(*) FROM (SELECT id FROM comment_search WHERE id > ?1 ORDER BY id LIMIT ?2)`,
			from, ftsChunk).Scan(&to, &n); err != nil || n == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_fts (rowid, folded) SELECT id, folded FROM comment_search WHERE id > ? AND id <= ?`, from, to); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE desk_state SET value = ? WHERE key = 'fts'`, to)
		return err
	})
	return n, err
}

// takeIn takes in up to size responses after the desk's mark, in one
// transaction, and returns how many.
func (db *DB) takeIn(size int) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := 0
	err := db.inWriteTx(ctx, "bring the desk up to date", func(tx *sql.Tx) error {
		var from, to int64
		if err := tx.QueryRowContext(ctx, `SELECT value FROM desk_state WHERE key = 'desk'`).Scan(&from); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), ?1), count(*) FROM (SELECT id FROM responses WHERE id > ?1 ORDER BY id LIMIT ?2)`,
			from, size).Scan(&to, &n); err != nil || n == 0 {
			return err
		}
		for _, q := range takeInSQL {
			if _, err := tx.ExecContext(ctx, q, from, to); err != nil {
				return err
			}
		}
		if err := indexRange(ctx, tx, from, to); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE desk_state SET value = ? WHERE key = 'desk'`, to)
		return err
	})
	return n, err
}

// takeInSQL counts the responses with ids in (?1, ?2] and their answers.
var takeInSQL = []string{
	`INSERT INTO tallies (workshop, question, kind, value, n)
	 SELECT workshop, '', 'r', 0, count(*) FROM responses WHERE id > ?1 AND id <= ?2 GROUP BY workshop
	 ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = n + excluded.n`,
	`INSERT INTO tallies (workshop, question, kind, value, n)
	 SELECT r.workshop, a.question, 'n', a.number, count(*) FROM responses r JOIN answers a ON a.response_id = r.id
	 WHERE r.id > ?1 AND r.id <= ?2 AND a.number IS NOT NULL GROUP BY r.workshop, a.question, a.number
	 ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = n + excluded.n`,
	`INSERT INTO tallies (workshop, question, kind, value, n)
	 SELECT r.workshop, a.question, 'o', 0, count(*) FROM responses r JOIN answers a ON a.response_id = r.id
	 WHERE r.id > ?1 AND r.id <= ?2 AND a.option IS NOT NULL GROUP BY r.workshop, a.question
	 ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = n + excluded.n`,
	`INSERT INTO tallies (workshop, question, kind, value, n)
	 SELECT r.workshop, a.question, 't', 0, count(*) FROM responses r JOIN answers a ON a.response_id = r.id
	 WHERE r.id > ?1 AND r.id <= ?2 AND a.text IS NOT NULL AND a.text <> '' GROUP BY r.workshop, a.question
	 ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = n + excluded.n`,
}

// indexRange writes the search rows of the comments of the responses with
// ids in (from, to] in one statement, the folding done by fold_text. New
// rows get ids above any row ever had (AUTOINCREMENT), so above the search
// index's mark (desk_state 'fts'), and indexFTS finds them.
func indexRange(ctx context.Context, tx *sql.Tx, from, to int64) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO comment_search (response_id, question, workshop, lang, folded)
		SELECT r.id, a.question, r.workshop, r.lang, fold_text(a.text) FROM responses r JOIN answers a ON a.response_id = r.id
		WHERE r.id > ? AND r.id <= ? AND a.text IS NOT NULL AND a.text <> ''`, from, to)
	return err
}

// foldFunction is fold_text(text) in SQL: forms.Fold, for the store's own
// statements only (no table, index or trigger names it, so the file stays
// readable by any SQLite).
func init() {
	err := sqlite.RegisterDeterministicScalarFunction("fold_text", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return forms.Fold(v), nil
		case []byte:
			return forms.Fold(string(v)), nil
		}
		return args[0], nil
	})
	if err != nil {
		panic(fmt.Sprintf("store: register fold_text: %v", err))
	}
}

// takenIn reports whether the response with row id rowID is in the desk's
// tables, inside the caller's transaction.
func takenIn(ctx context.Context, tx *sql.Tx, rowID int64) (bool, error) {
	var mark int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM desk_state WHERE key = 'desk'`).Scan(&mark); err != nil {
		return false, fmt.Errorf("read the desk's mark: %w", err)
	}
	return rowID <= mark, nil
}

// reindex replaces a taken-in response's search rows with those of its
// answers now.
func reindex(ctx context.Context, tx *sql.Tx, rowID int64) error {
	if err := deleteSearch(ctx, tx, rowID); err != nil {
		return err
	}
	if err := indexRange(ctx, tx, rowID-1, rowID); err != nil {
		return fmt.Errorf("index comments: %w", err)
	}
	return nil // indexFTS adds the new rows to the search index
}

// deleteSearch removes a response's search rows and their index entries.
func deleteSearch(ctx context.Context, tx *sql.Tx, rowID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM comment_fts WHERE rowid IN (SELECT id FROM comment_search WHERE response_id = ?)`, rowID); err != nil {
		return fmt.Errorf("unindex comments: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM comment_search WHERE response_id = ?`, rowID); err != nil {
		return fmt.Errorf("unindex comments: %w", err)
	}
	return nil
}

// applyTallies adds a delta to the kept counts: a change or removal of a
// response they took in.
func applyTallies(ctx context.Context, tx *sql.Tx, d tallyDelta) error {
	keys := d.sorted()
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 5*len(keys))
	for _, k := range keys {
		args = append(args, k.workshop, k.question, k.kind, k.value, d[k])
	}
	q := `INSERT INTO tallies (workshop, question, kind, value, n) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(keys)), ", ") +
		` ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = n + excluded.n`
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("update counts: %w", err)
	}
	return nil
}
