package main

import (
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// TestBackupDownload downloads the database over HTTP while participants
// keep submitting, and opens the copy as SQLite: it holds every response
// acknowledged before the download began.
func TestBackupDownload(t *testing.T) {
	a := mustApp(t)
	base := a.serve(t)
	before := map[string]bool{}
	for i := 0; i < 20; i++ {
		sid := uuid.NewString()
		res, _ := send(t, newRequest(t, "POST", base+"/w/alpha", "application/x-www-form-urlencoded", validForm(sid).Encode()))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("seed post: %d", res.StatusCode)
		}
		before[sid] = true
	}

	t.Run("ErrNoToken", func(t *testing.T) {
		res, body := send(t, newRequest(t, "GET", base+"/admin/backup.db", "", ""))
		if res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "SQLite format") {
			t.Errorf("without a token: %d", res.StatusCode)
		}
		req := newRequest(t, "GET", base+"/admin/backup.db", "", "")
		req.Header.Set("Authorization", "Bearer wrong-"+testToken)
		if res, _ := send(t, req); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("with a wrong token: %d", res.StatusCode)
		}
	})

	t.Run("OKWhileSubmitting", func(t *testing.T) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					res, err := noRedirect.PostForm(base+"/w/beta", validForm(uuid.NewString()))
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
				}
			}()
		}
		req := newRequest(t, "GET", base+"/admin/backup.db", "", "")
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Accept-Encoding", "gzip")
		res, body := send(t, req)
		close(stop)
		wg.Wait()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/vnd.sqlite3" {
			t.Errorf("Content-Type = %q", ct)
		}
		if !regexp.MustCompile(`^attachment; filename="feedback-\d{4}-\d\d-\d\dT\d{4}Z\.db"$`).MatchString(res.Header.Get("Content-Disposition")) {
			t.Errorf("Content-Disposition = %q", res.Header.Get("Content-Disposition"))
		}
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Cache-Control %q, Content-Encoding %q", res.Header.Get("Cache-Control"), res.Header.Get("Content-Encoding"))
		}
		if !strings.HasPrefix(body, "SQLite format 3\x00") {
			t.Fatalf("not an SQLite file: %q", body[:min(len(body), 32)])
		}
		path := filepath.Join(t.TempDir(), "copy.db")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cp, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer cp.Close()
		var check string
		if err := cp.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity_check = %q, %v", check, err)
		}
		for sid := range before {
			var n int
			cp.QueryRow(`SELECT count(*) FROM responses WHERE submission_id = ?`, sid).Scan(&n)
			if n != 1 {
				t.Errorf("the copy misses %s", sid)
			}
		}
		// Nothing is left beside the database.
		entries, _ := os.ReadDir(filepath.Dir(a.path))
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".backup-") {
				t.Errorf("left behind: %s", e.Name())
			}
		}
	})
}
