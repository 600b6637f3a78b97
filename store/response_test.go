package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"feedback/store"
)

// The behaviour every store shares (one response per submission_id, changes,
// concurrency, reopening, migrations, overrides) is checked by the shared
// suite in storetest, run for SQLite by TestSQLiteSuite. What is left here is
// what only SQLite has.

// mustOpen opens a real SQLite file in a temporary directory and closes it
// when the test ends.
func mustOpen(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "feedback.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

// rawCount counts rows with a separate connection, as an outside observer.
func rawCount(t *testing.T, path, query string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestJournalMode checks the file is in WAL mode, which lets readers (the
// export) run while the writer commits.
func TestJournalMode(t *testing.T) {
	_, path := mustOpen(t)
	var mode string
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
}
