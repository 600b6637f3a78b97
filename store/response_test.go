package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
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

// lockWrites holds the database's write lock from a connection of its own,
// as another process would, until unlock (or the end of the test).
func lockWrites(t *testing.T, path string) (unlock func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				t.Error(err)
			}
			conn.Close()
			other.Close()
		})
	}
	t.Cleanup(unlock)
	return unlock
}

// TestSaveResponseHonoursContext saves while another connection holds the
// write lock: the call returns when its context ends, not when the writer
// gets the lock; the writer stores the response once the lock goes, and
// sending it again is a retry.
func TestSaveResponseHonoursContext(t *testing.T) {
	db, path := mustOpen(t)
	unlock := lockWrites(t, path)
	r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
		Answers: forms.Answers{"overall": {Number: 4}, "comment": {Text: "sent once, told never"}}}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := db.SaveResponse(ctx, r)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("SaveResponse returned after %v, past its 200 ms deadline", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}

	unlock()
	query := `SELECT count(*) FROM responses WHERE submission_id = '` + r.SubmissionID + `'`
	for deadline := time.Now().Add(5 * time.Second); rawCount(t, path, query) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the queued response was not stored once the lock went")
		}
	}
	again, err := db.SaveResponse(context.Background(), &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: r.Lang, Answers: r.Answers})
	if err != nil || again.Created || again.Changed || again.ID == "" {
		t.Errorf("sent again = %+v, %v; want a retry", again, err)
	}
	if n := rawCount(t, path, query); n != 1 {
		t.Errorf("stored %d times, want once", n)
	}
}
