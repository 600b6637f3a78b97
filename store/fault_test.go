//go:build linux

package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// Each fault test makes a real fault on a real SQLite file, checks that the
// store says EUNAVAILABLE (never a false success), removes the fault, and
// checks that the same open store recovers by itself with every acknowledged
// response kept. Faults need root (chattr, mount); without it a test is
// skipped, except under CI, where a missing mechanism is a failure.

// needFaultMechanism skips or fails a test that cannot make its fault.
func needFaultMechanism(t *testing.T, what string, err error) {
	t.Helper()
	msg := what + " is not available here (" + err.Error() + "); run the tests as root to test this fault"
	if os.Getenv("CI") != "" {
		t.Fatal("CI: " + msg)
	}
	t.Skip(msg)
}

// chattr sets or clears the immutable attribute: unlike chmod, it stops
// writes by root too, and through descriptors already open.
func chattr(t *testing.T, flag string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if out, err := exec.Command("chattr", flag, p).CombinedOutput(); err != nil {
			if flag == "-i" {
				t.Errorf("chattr %s %s: %v %s", flag, p, err, out)
				continue
			}
			needFaultMechanism(t, "chattr +i", errors.New(strings.TrimSpace(string(out))+" "+err.Error()))
		}
	}
}

// captureLog sends the store's log lines to a buffer for the test.
func captureLog(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func faultResponse() *forms.Response {
	return &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
		Answers: forms.Answers{"overall": {Number: 4}, "pace": {Number: 3}, "comment": {Text: strings.Repeat("fault ", 150)}}}
}

// acked records the responses a store acknowledged, to check afterwards
// that every one of them is there, once.
type acked []*forms.Response

func (a *acked) save(t *testing.T, db *DB) error {
	t.Helper()
	r := faultResponse()
	_, err := db.SaveResponse(context.Background(), r)
	if err == nil {
		*a = append(*a, r)
	} else if forms.ErrorCode(err) != forms.EUNAVAILABLE {
		t.Fatalf("a fault must be EUNAVAILABLE, got %v", err)
	}
	return err
}

func (a acked) check(t *testing.T, db *DB) {
	t.Helper()
	seen := map[string]int{}
	err := db.EachResponse(context.Background(), Filter{}, func(r *forms.Response) error {
		seen[r.SubmissionID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a {
		if seen[r.SubmissionID] != 1 {
			t.Errorf("acknowledged %s is stored %d times", r.SubmissionID, seen[r.SubmissionID])
		}
	}
	if len(seen) != len(a) {
		t.Errorf("%d stored, %d acknowledged", len(seen), len(a))
	}
	var check string
	if err := db.read.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
}

func mustSave(t *testing.T, a *acked, db *DB) {
	t.Helper()
	if err := a.save(t, db); err != nil {
		t.Fatalf("save: %v", err)
	}
}

// wantPrivate checks that a file the store made or took over is readable
// by its user only (permissions.go).
func wantPrivate(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s is %#o, want 0600", path, fi.Mode().Perm())
	}
}

func openFault(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(dir, "feedback.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestFaultReadOnly(t *testing.T) {
	ctx := context.Background()
	db := openFault(t, t.TempDir())
	var a acked
	mustSave(t, &a, db)
	files := []string{db.path, db.path + "-wal"}
	chattr(t, "+i", files...)
	t.Cleanup(func() { chattr(t, "-i", files...) })

	if err := a.save(t, db); err == nil {
		t.Fatal("saved into a read-only file")
	}
	if err := db.Ping(ctx); forms.ErrorCode(err) != forms.EUNAVAILABLE {
		t.Errorf("Ping on a read-only file = %v", err)
	}
	if _, err := db.ResponseBySubmission(ctx, a[0].SubmissionID); err != nil {
		t.Errorf("reading while read-only: %v", err)
	}

	chattr(t, "-i", files...)
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping after the fault: %v", err)
	}
	mustSave(t, &a, db)
	a.check(t, db)
}

func TestFaultLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openFault(t, dir)
	var a acked
	mustSave(t, &a, db)
	// Wait 200 ms, not 10 s, for the lock in this test: the writing pool has
	// its one connection, and the pragma is per connection.
	if _, err := db.write.ExecContext(ctx, "PRAGMA busy_timeout = 200"); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, db.path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if err := a.save(t, db); err == nil {
		t.Fatal("saved while another process held the lock")
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	mustSave(t, &a, db)
	a.check(t, db)
}

// TestFaultFileRemoved removes the database file (and in a second case its
// -wal and -shm too) under the open store: the store puts it back from its
// open connection, and nothing acknowledged is lost, before or after.
func TestFaultFileRemoved(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"OnlyTheDatabase", []string{""}},
		{"WithWALAndSHM", []string{"", "-wal", "-shm"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			logged := captureLog(t)
			db := openFault(t, t.TempDir())
			var a acked
			for i := 0; i < 5; i++ {
				mustSave(t, &a, db)
			}
			for _, suffix := range tc.files {
				if err := os.Remove(db.path + suffix); err != nil {
					t.Fatal(err)
				}
			}
			// Every operation notices; none writes into the removed file.
			if err := db.Ping(ctx); err != nil {
				t.Fatalf("Ping after the removal: %v", err)
			}
			if _, err := os.Stat(db.path); err != nil {
				t.Fatalf("the file was not put back: %v", err)
			}
			wantPrivate(t, db.path)
			mustSave(t, &a, db)
			a.check(t, db)
			if !strings.Contains(logged.String(), "database file had vanished; restored") {
				t.Errorf("no log line:\n%s", logged.String())
			}
			// And once closed and opened again, it is all there.
			db.Close()
			again := openFault(t, filepath.Dir(db.path))
			a.check(t, again)
		})
	}
}

// TestFaultDirectoryRemoved removes the database's whole directory: nothing
// can be rescued until it is back, the store says so, and when the directory
// is made again the open store writes its data back and carries on.
func TestFaultDirectoryRemoved(t *testing.T) {
	ctx := context.Background()
	logged := captureLog(t)
	dir := filepath.Join(t.TempDir(), "data")
	db := openFault(t, dir)
	var a acked
	for i := 0; i < 5; i++ {
		mustSave(t, &a, db)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := a.save(t, db); err == nil {
			t.Fatal("saved with the directory gone")
		}
	}
	if err := db.Ping(ctx); forms.ErrorCode(err) != forms.EUNAVAILABLE {
		t.Errorf("Ping with the directory gone = %v", err)
	}
	if _, err := db.CountResponses(ctx); forms.ErrorCode(err) != forms.EUNAVAILABLE {
		t.Errorf("reading with the directory gone = %v", err)
	}
	if !strings.Contains(logged.String(), "cannot be rescued yet") {
		t.Errorf("no log line:\n%s", logged.String())
	}

	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping once the directory is back: %v", err)
	}
	mustSave(t, &a, db)
	a.check(t, db)
}

// TestFaultFileReplaced moves another database over the path, as an operator
// restoring a backup with mv would: the store moves to it, and keeps the data
// of the file it was using beside it.
func TestFaultFileReplaced(t *testing.T) {
	ctx := context.Background()
	captureLog(t)
	dir := t.TempDir()
	db := openFault(t, dir)
	var old acked
	for i := 0; i < 3; i++ {
		mustSave(t, &old, db)
	}
	restored := filepath.Join(t.TempDir(), "restored.db")
	other, err := Open(ctx, restored, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fresh acked
	mustSave(t, &fresh, other)
	other.Close()
	if err := os.Chmod(restored, 0o644); err != nil { // as a cp would leave it
		t.Fatal(err)
	}
	if err := os.Rename(restored, db.path); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping after the replacement: %v", err)
	}
	wantPrivate(t, db.path)
	mustSave(t, &fresh, db)
	fresh.check(t, db)
	kept, _ := filepath.Glob(db.path + ".vanished-*")
	if len(kept) != 1 {
		t.Fatalf("old data kept in %v", kept)
	}
	wantPrivate(t, kept[0])
	oldDB, err := Open(ctx, kept[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer oldDB.Close()
	old.check(t, oldDB)
}

// TestFaultCheckpointFails breaks the checkpointer's connection: the failure
// is logged once with the database's path, not dropped, and not once per
// commit, and responses are still stored (the writer's own checkpoint is the
// backstop).
func TestFaultCheckpointFails(t *testing.T) {
	logged := &syncBuffer{}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "feedback.db"), Options{Log: slog.New(slog.NewTextHandler(logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ckpt.Close(); err != nil {
		t.Fatal(err)
	}
	var a acked
	for i := 0; i < 5; i++ {
		mustSave(t, &a, db)
		time.Sleep(2 * checkpointEvery)
	}
	a.check(t, db)
	want := "msg=\"store: WAL checkpoint failed; the WAL grows until one succeeds\" db=" + db.path
	if n := strings.Count(logged.String(), want); n != 1 {
		t.Errorf("logged the failure %d times, want once:\n%s", n, logged.String())
	}
}

// TestFaultDiskFull runs the store on a small filesystem and fills it: the
// health check fails first, saves fail without a false success, and once
// space is freed the same store carries on.
func TestFaultDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=8m"); err != nil {
		needFaultMechanism(t, "mounting a small tmpfs", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	db, err := Open(ctx, filepath.Join(dir, "feedback.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close() // before the unmount: cleanups run after deferred calls
	var a acked
	mustSave(t, &a, db)

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	if err := db.Ping(ctx); forms.ErrorCode(err) != forms.EUNAVAILABLE {
		t.Errorf("Ping on a full disk = %v", err)
	}
	failed := 0
	for i := 0; i < 400 && failed == 0; i++ {
		if a.save(t, db) != nil {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("400 saves on a full disk and none failed")
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping after freeing space: %v", err)
	}
	mustSave(t, &a, db)
	a.check(t, db)
}

// fill writes to path until the disk is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := bytes.Repeat([]byte{0xA5}, 64*1024)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatal(err)
		}
	}
	// Whatever is left is smaller than a block; take it too.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(block[:n]); err != nil {
				break
			}
		}
	}
}
