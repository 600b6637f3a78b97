//go:build unix

package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"feedback/store"
)

// withUmask sets the process's umask for the rest of the test. The umask is
// the whole process's: a test that calls this must not be t.Parallel.
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s is %#o, want %#o", path, got, want)
	}
}

// TestPermissions runs with a umask of 0, under which anything made with a
// wide mode comes out readable by every local user: the store's files must
// be 0600 and its folders 0700 all the same.
func TestPermissions(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		withUmask(t, 0)
		operators := filepath.Join(t.TempDir(), "srv")
		if err := os.Mkdir(operators, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(operators, "data", "sub", "feedback.db")
		var log bytes.Buffer
		db, err := store.Open(ctx, path, store.Options{Log: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveResponse(ctx, threeAnswers("alpha")); err != nil {
			t.Fatal(err)
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			wantMode(t, path+suffix, 0o600)
		}
		wantMode(t, filepath.Join(operators, "data"), 0o700)
		wantMode(t, filepath.Join(operators, "data", "sub"), 0o700)
		wantMode(t, operators, 0o755) // there before: the operator's, not ours
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(log.String(), "tightened") {
			t.Errorf("a new database was tightened, so it was made too wide:\n%s", log.String())
		}
	})
	// The store's chmod of -wal and -shm after opening is a second line:
	// SQLite itself gives them the database file's mode, not its default.
	t.Run("SQLiteGivesWALTheDatabaseMode", func(t *testing.T) {
		withUmask(t, 0)
		path := filepath.Join(t.TempDir(), "raw.db")
		if err := os.WriteFile(path, nil, 0o640); err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`CREATE TABLE t (x); INSERT INTO t VALUES (1)`); err != nil {
			t.Fatal(err)
		}
		wantMode(t, path+"-wal", 0o640)
		wantMode(t, path+"-shm", 0o640)
	})
	t.Run("Backup", func(t *testing.T) {
		withUmask(t, 0)
		db, _ := mustOpen(t)
		if _, err := db.SaveResponse(ctx, threeAnswers("alpha")); err != nil {
			t.Fatal(err)
		}
		f, err := db.Backup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("the backup's file is %#o, want 0600", got)
		}
		openCopy(t, f) // and it is a whole database
		target := filepath.Join(t.TempDir(), "copy.db")
		if err := db.BackupTo(ctx, target); err != nil {
			t.Fatal(err)
		}
		wantMode(t, target, 0o600)
	})
	t.Run("ErrBackupTargetIsSymlink", func(t *testing.T) {
		db, _ := mustOpen(t)
		dir := t.TempDir()
		elsewhere := filepath.Join(dir, "elsewhere.db")
		target := filepath.Join(dir, "copy.db")
		if err := os.Symlink(elsewhere, target); err != nil {
			t.Fatal(err)
		}
		if err := db.BackupTo(ctx, target); err == nil {
			t.Error("wrote a backup through a symbolic link")
		}
		if _, err := os.Lstat(elsewhere); err == nil {
			t.Error("the link's target was created")
		}
	})
	t.Run("ExistingDatabaseTightened", func(t *testing.T) {
		withUmask(t, 0)
		db, path := mustOpen(t)
		if _, err := db.SaveResponse(ctx, threeAnswers("alpha")); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		// As an older version, or a cp by an operator, would have left it.
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.WriteFile(path+suffix, nil, 0o664); err != nil {
				t.Fatal(err)
			}
		}
		var log bytes.Buffer
		again, err := store.Open(ctx, path, store.Options{Log: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		n, err := again.CountResponses(ctx)
		if err != nil || n["alpha"] != 1 {
			t.Errorf("after tightening: %v, %v; want the one response", n, err)
		}
		if err := again.Close(); err != nil {
			t.Fatal(err)
		}
		wantMode(t, path, 0o600)
		for _, want := range []string{
			"file=" + path + " from=0644 to=0600",
			"file=" + path + "-wal from=0664 to=0600",
			"file=" + path + "-shm from=0664 to=0600",
		} {
			if !strings.Contains(log.String(), want) {
				t.Errorf("no log line with %q:\n%s", want, log.String())
			}
		}
	})
	t.Run("ReadOnlyStaysReadOnly", func(t *testing.T) {
		db, path := mustOpen(t)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		// As root the store still opens it; as anyone else it fails. The
		// mode is what matters: only taken from, never added to.
		if again, err := store.Open(ctx, path, store.Options{Log: slog.New(slog.DiscardHandler)}); err == nil {
			again.Close()
		}
		wantMode(t, path, 0o400)
	})
}
