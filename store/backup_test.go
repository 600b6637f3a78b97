package store_test

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// openCopy writes the backup f to a file of its own and opens it read-only.
func openCopy(t *testing.T, f *os.File) *sql.DB {
	t.Helper()
	defer f.Close()
	path := filepath.Join(t.TempDir(), "copy.db")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, f); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var check, journal string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&journal); err != nil || journal != "delete" {
		t.Errorf("journal_mode = %q, %v: the copy should stand alone, without a -wal", journal, err)
	}
	return db
}

// threeAnswers is a response of exactly three answer rows, so that a copy
// holding a response with fewer would show a torn write.
func threeAnswers(workshop string) *forms.Response {
	return &forms.Response{SubmissionID: uuid.NewString(), Workshop: workshop, Lang: "en",
		Answers: forms.Answers{"overall": {Number: 4}, "pace": {Number: 3}, "comment": {Text: "backup " + uuid.NewString()}}}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db, path := mustOpen(t)
		for i := 0; i < 40; i++ {
			if _, err := db.SaveResponse(ctx, threeAnswers("alpha")); err != nil {
				t.Fatal(err)
			}
		}
		f, err := db.Backup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cp := openCopy(t, f)
		var responses, answers int
		cp.QueryRow(`SELECT count(*) FROM responses`).Scan(&responses)
		cp.QueryRow(`SELECT count(*) FROM answers`).Scan(&answers)
		if responses != 40 || answers != 120 {
			t.Errorf("copy holds %d responses, %d answers; want 40, 120", responses, answers)
		}
		// Nothing is left next to the database.
		entries, _ := os.ReadDir(filepath.Dir(path))
		for _, e := range entries {
			if e.Name() != "feedback.db" && e.Name() != "feedback.db-wal" && e.Name() != "feedback.db-shm" {
				t.Errorf("left behind: %s", e.Name())
			}
		}
	})
	t.Run("ErrTargetExists", func(t *testing.T) {
		db, _ := mustOpen(t)
		target := filepath.Join(t.TempDir(), "exists.db")
		if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := db.BackupTo(ctx, target); err == nil {
			t.Error("overwrote an existing file")
		}
		if b, _ := os.ReadFile(target); string(b) != "keep me" {
			t.Errorf("existing file changed to %q", b)
		}
	})
}

// TestBackupWhileWriting takes copies while responses keep coming in: each
// copy holds every response acknowledged before it began, whole (all three
// answers), and nothing that was never acknowledged.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	var (
		mu    sync.Mutex
		acked = map[string]time.Time{}
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := threeAnswers("gamma")
				if _, err := db.SaveResponse(ctx, r); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[r.SubmissionID] = time.Now()
				mu.Unlock()
			}
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	ackedSoFar := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	for i := 0; i < 5; i++ {
		// Let some more responses in first, however busy the machine.
		deadline := time.Now().Add(10 * time.Second)
		for n := ackedSoFar(); ackedSoFar() < n+5; {
			if time.Now().After(deadline) {
				t.Fatal("no responses acknowledged for 10 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		mu.Lock()
		before := map[string]bool{}
		for sid := range acked {
			before[sid] = true
		}
		mu.Unlock()
		f, err := db.Backup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cp := openCopy(t, f)
		rows, err := cp.Query(`SELECT r.submission_id, count(a.question) FROM responses r LEFT JOIN answers a ON a.response_id = r.id GROUP BY r.id`)
		if err != nil {
			t.Fatal(err)
		}
		inCopy := map[string]bool{}
		for rows.Next() {
			var sid string
			var n int
			if err := rows.Scan(&sid, &n); err != nil {
				t.Fatal(err)
			}
			if n != 3 {
				t.Errorf("copy %d: response %s has %d answers", i, sid, n)
			}
			inCopy[sid] = true
		}
		rows.Close()
		for sid := range before {
			if !inCopy[sid] {
				t.Errorf("copy %d misses %s, acknowledged before it began", i, sid)
			}
		}
		mu.Lock()
		for sid := range inCopy {
			if _, ok := acked[sid]; !ok {
				// Committed but not yet acknowledged is possible for an
				// instant; the writer answers right after its commit.
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
				mu.Lock()
				if _, ok := acked[sid]; !ok {
					t.Errorf("copy %d holds %s, never acknowledged", i, sid)
				}
			}
		}
		mu.Unlock()
		if len(before) == 0 || len(inCopy) < len(before) {
			t.Errorf("copy %d: %d responses, %d acknowledged before", i, len(inCopy), len(before))
		}
	}
}

// TestBackupOfAReplica checks that the copy includes what another process
// (a second store on the same file) committed: it reads the file, not this
// process's memory.
func TestBackupOfAReplica(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpen(t)
	other, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := threeAnswers("beta")
	if _, err := other.SaveResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	f, err := db.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	openCopy(t, f).QueryRow(`SELECT count(*) FROM responses WHERE submission_id = ?`, r.SubmissionID).Scan(&n)
	if n != 1 {
		t.Errorf("copy holds %d of the replica's response", n)
	}
}
