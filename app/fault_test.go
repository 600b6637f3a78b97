//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// The participant's side of the store's faults (store/fault_test.go makes
// the same faults on the store alone): during the fault the form answers 503
// with Retry-After, says "not saved, please try again" in the participant's
// language and keeps every answer; the API answers the same in JSON;
// /healthz is 503; the log says what happened. Once the fault is gone the
// same running app takes responses again, and every response it
// acknowledged is stored, once.

// faultNeeds skips or, under CI, fails a test whose fault cannot be made.
func faultNeeds(t *testing.T, what string, err error) {
	t.Helper()
	msg := what + " is not available here (" + err.Error() + "); run the tests as root to test this fault"
	if os.Getenv("CI") != "" {
		t.Fatal("CI: " + msg)
	}
	t.Skip(msg)
}

// faultApp is the real app on a database at path, logging into a buffer.
func faultApp(t *testing.T, path string) (*testApp, *lockedWriter) {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logs := &lockedWriter{w: &bytes.Buffer{}}
	cfg := config{Addr: "127.0.0.1:0", DB: path, AdminToken: testToken, PublicURL: "https://feedback.example.org"}
	srv, err := newServer(cfg, formstest.Small(t), db, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &testApp{App: srv.app(), srv: srv, db: db, path: path}, logs
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.(*bytes.Buffer).String()
}

// participants sends responses and remembers which were acknowledged.
type participants struct {
	a     *testApp
	acked map[string]bool
}

func (p *participants) form(t *testing.T, lang string) (*http.Response, string, string) {
	t.Helper()
	sid := uuid.NewString()
	res, page := p.a.do(t, postForm("/w/alpha", set(validForm(sid), "lang", lang)))
	if res.StatusCode == http.StatusSeeOther {
		p.acked[sid] = true
	}
	return res, page, sid
}

func (p *participants) api(t *testing.T, lang string) (*http.Response, string) {
	t.Helper()
	sid := uuid.NewString()
	res, body := p.a.do(t, postJSON("/api/v1/workshops/alpha/responses",
		`{"submission_id":"`+sid+`","lang":"`+lang+`","answers":{"overall":3,"pace":2}}`))
	if res.StatusCode == http.StatusCreated {
		p.acked[sid] = true
	}
	return res, body
}

// check reads the database file itself, through a store of its own.
func (p *participants) check(t *testing.T) {
	t.Helper()
	seen := map[string]int{}
	err := p.a.db.EachResponse(context.Background(), store.Filter{}, func(r *forms.Response) error {
		seen[r.SubmissionID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for sid := range p.acked {
		if seen[sid] != 1 {
			t.Errorf("acknowledged %s stored %d times", sid, seen[sid])
		}
	}
	if len(seen) != len(p.acked) {
		t.Errorf("%d stored, %d acknowledged", len(seen), len(p.acked))
	}
}

// runFault is the scenario every fault goes through.
func runFault(t *testing.T, path string, inject, heal func(t *testing.T)) {
	a, logs := faultApp(t, path)
	p := &participants{a: a, acked: map[string]bool{}}
	for i := 0; i < 3; i++ {
		if res, _, _ := p.form(t, "en"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("before the fault: %d", res.StatusCode)
		}
	}

	inject(t)

	if res, _ := a.do(t, get("/healthz")); res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("/healthz during the fault: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Some writes may still fit (a full disk fills up), so keep sending
	// until one is refused; none may be refused wrongly or acknowledged
	// falsely.
	var (
		res  *http.Response
		page string
		sid  string
	)
	for i := 0; i < 200; i++ {
		res, page, sid = p.form(t, "fr")
		if res.StatusCode != http.StatusSeeOther {
			break
		}
	}
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("form during the fault: %d\n%s", res.StatusCode, page)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("form during the fault: no Retry-After")
	}
	for _, want := range []string{template.HTMLEscapeString(mustCatalog(t).T("fr", forms.MsgUnavailable)), `value="` + sid + `"`,
		`name="pace" value="2" checked`, `value="exercises" checked`, ">Co-design with citizens</textarea>"} {
		if !strings.Contains(page, want) {
			t.Errorf("form during the fault lacks %q", want)
		}
	}
	if res, body := p.api(t, "ar"); res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, mustCatalog(t).T("ar", forms.MsgUnavailable)) {
		t.Errorf("API during the fault: %d %s", res.StatusCode, body)
	}
	for _, line := range []string{"response not saved", "health check failed"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("no %q in the log:\n%s", line, logs.String())
		}
	}

	heal(t)

	if res, body := a.do(t, get("/healthz")); res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz after the fault: %d %s", res.StatusCode, body)
	}
	// The participant sends the same form again, as the page asks.
	res, _ = a.do(t, postForm("/w/alpha", set(validForm(sid), "lang", "fr")))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("form after the fault: %d", res.StatusCode)
	}
	p.acked[sid] = true
	if res, body := p.api(t, "ar"); res.StatusCode != http.StatusCreated {
		t.Fatalf("API after the fault: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "health check ok again") {
		t.Errorf("the recovery is not in the log")
	}
	p.check(t)
}

func chattrApp(t *testing.T, flag string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if out, err := exec.Command("chattr", flag, p).CombinedOutput(); err != nil {
			if flag == "+i" {
				faultNeeds(t, "chattr +i", errors.New(strings.TrimSpace(string(out))))
			}
			t.Errorf("chattr %s %s: %v %s", flag, p, err, out)
		}
	}
}

func TestFaultReadOnlyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	files := []string{path, path + "-wal"}
	runFault(t, path,
		func(t *testing.T) {
			chattrApp(t, "+i", files...)
			t.Cleanup(func() { exec.Command("chattr", "-i", files[0], files[1]).Run() })
		},
		func(t *testing.T) { chattrApp(t, "-i", files...) })
}

func TestFaultDatabaseDirectoryRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runFault(t, filepath.Join(dir, "feedback.db"),
		func(t *testing.T) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		},
		func(t *testing.T) {
			if err := os.Mkdir(dir, 0o750); err != nil {
				t.Fatal(err)
			}
		})
}

func TestFaultDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=8m"); err != nil {
		faultNeeds(t, "mounting a small tmpfs", err)
	}
	// Registered first, so it runs last: after the app's store is closed.
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	filler := filepath.Join(dir, "filler")
	runFault(t, filepath.Join(dir, "feedback.db"),
		func(t *testing.T) {
			f, err := os.Create(filler)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			block := bytes.Repeat([]byte{1}, 4096)
			for n := 4096; n > 0; n /= 8 {
				for {
					if _, err := f.Write(block[:n]); err != nil {
						break
					}
				}
			}
		},
		func(t *testing.T) {
			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
		})
}

// TestFaultDatabaseFileRemoved removes the file alone: the store puts it back
// from its open connection before anyone notices, so participants never see
// an error and nothing is lost, even across a restart.
func TestFaultDatabaseFileRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	a, _ := faultApp(t, path)
	p := &participants{a: a, acked: map[string]bool{}}
	for i := 0; i < 3; i++ {
		p.form(t, "en")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.do(t, get("/healthz")); res.StatusCode != http.StatusOK {
		t.Errorf("/healthz after the removal: %d", res.StatusCode)
	}
	for i := 0; i < 3; i++ {
		if res, _, _ := p.form(t, "fr"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("form after the removal: %d", res.StatusCode)
		}
	}
	p.check(t)
	a.db.Close()
	again, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	p.a.db = again
	p.check(t)
}
