//go:build linux

package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestFileModes runs the service as main does with a umask that would make
// every file readable by every local user, on a database that already exists
// with such modes: at start it is tightened (and the log says so), and after
// responses and a backup download every file in the database's folder is
// the service's user's alone (0600) and so is the folder it made (0700).
func TestFileModes(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "data")
	dbPath := filepath.Join(dir, "feedback.db")
	formsPath := smallFormsFile(t)

	// A first start makes the files; then they are widened, as a cp or an
	// older version would have left them.
	start := func(log *lockedWriter) (base string, stop func()) {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-addr", addr, "-db", dbPath, "-forms", formsPath, "-admin-token", testToken}, func(string) string { return "" },
				io.Discard, slog.New(slog.NewTextHandler(log, nil)))
		}()
		base = "http://" + addr
		waitHealthy(t, base)
		return base, func() {
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("run: %v", err)
			}
		}
	}
	_, stop := start(&lockedWriter{w: &bytes.Buffer{}})
	stop()
	for _, name := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Chmod(name, 0o666); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	os.Chmod(dir, 0o777)

	logs := &lockedWriter{w: &bytes.Buffer{}}
	base, stop := start(logs)
	defer stop()
	if !strings.Contains(logs.String(), "tightened") || !strings.Contains(logs.String(), "feedback.db") {
		t.Errorf("the start did not log the tightened database:\n%s", logs.String())
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := client.PostForm(base+"/w/alpha", validForm(uuid.NewString())); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("response: %v %v", res, err)
	}
	req, _ := http.NewRequest("GET", base+"/admin/backup.db", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := client.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("backup: %v %v", res, err)
	}
	copied, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.HasPrefix(copied, []byte("SQLite format 3\x00")) {
		t.Fatalf("the backup is no SQLite file (%d bytes)", len(copied))
	}

	seen := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			// The folder the service made first; it was widened by hand and
			// is not the database itself: only its files are tightened.
			return nil
		}
		seen++
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s is %04o, want %04o", path, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 3 {
		t.Errorf("only %d files in %s", seen, dir)
	}
}

// TestFolderMode: the folder the service creates for its database is 0700.
func TestFolderMode(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "new", "data")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", addr, "-db", filepath.Join(dir, "feedback.db"), "-admin-token", testToken},
			func(string) string { return "" }, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	waitHealthy(t, "http://"+addr)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		info, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != 0o700 {
			t.Errorf("%s is %04o, want 0700", d, got)
		}
	}
}

// waitHealthy waits for /healthz to answer 200.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
