package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

func TestParseConfig(t *testing.T) {
	env := map[string]string{"FEEDBACK_ADDR": ":9000", "FEEDBACK_DB": "/tmp/x.db", "FEEDBACK_PUBLIC_URL": "https://f.example.org/"}
	getenv := func(k string) string { return env[k] }
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		want := config{Addr: ":8080", DB: "data/feedback.db", PublicURL: "http://localhost:8080"}
		if !reflect.DeepEqual(c, want) {
			t.Errorf("config = %+v, want %+v", c, want)
		}
	})
	t.Run("OKEnvironment", func(t *testing.T) {
		c, err := parseConfig(nil, getenv, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != ":9000" || c.DB != "/tmp/x.db" || c.PublicURL != "https://f.example.org" {
			t.Errorf("config = %+v", c)
		}
	})
	t.Run("OKFlagWins", func(t *testing.T) {
		c, err := parseConfig([]string{"-addr", "127.0.0.1:7000", "-admin-token", "s3cret-but-long-enough", "-forms", "f.yaml"}, getenv, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != "127.0.0.1:7000" || c.AdminToken != "s3cret-but-long-enough" || c.Forms != "f.yaml" || c.DB != "/tmp/x.db" {
			t.Errorf("config = %+v", c)
		}
	})
	t.Run("OKTrustedProxies", func(t *testing.T) {
		env := map[string]string{"FEEDBACK_TRUSTED_PROXIES": " 10.0.0.5, 192.168.1.0/24,fd00::/8 "}
		c, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range c.TrustedProxies {
			got = append(got, p.String())
		}
		if want := []string{"10.0.0.5/32", "192.168.1.0/24", "fd00::/8"}; !reflect.DeepEqual(got, want) {
			t.Errorf("trusted proxies = %v, want %v", got, want)
		}
	})
	t.Run("ErrTrustedProxies", func(t *testing.T) {
		_, err := parseConfig([]string{"-trusted-proxies", "10.0.0.5,balancer.local"}, getenv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), `"balancer.local" is neither an address`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrWeakToken", func(t *testing.T) {
		for _, args := range [][]string{{"-admin-token", "s3cret"}, {"-admin-token", "  fifteen-chars  "[:17]}} {
			_, err := parseConfig(args, getenv, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "must be at least 16") || !strings.Contains(err.Error(), "openssl rand -hex 24") {
				t.Errorf("%q: err = %v", args[1], err)
			}
		}
		weak := map[string]string{"FEEDBACK_ADMIN_TOKEN": "password"}
		if _, err := parseConfig(nil, func(k string) string { return weak[k] }, io.Discard); err == nil {
			t.Error("a weak FEEDBACK_ADMIN_TOKEN was accepted")
		}
		if c, err := parseConfig([]string{"-admin-token", "sixteen-chars-ok"}, getenv, io.Discard); err != nil || c.AdminToken != "sixteen-chars-ok" {
			t.Errorf("a 16-character token: %v", err)
		}
	})
	t.Run("ErrUnknownFlag", func(t *testing.T) {
		if _, err := parseConfig([]string{"-colour", "red"}, getenv, io.Discard); err == nil {
			t.Error("no error")
		}
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRunRestart runs the service as main does, sends responses, stops it as
// SIGTERM would, and checks that every acknowledged response is in the file
// when it is opened again.
func TestRunRestart(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "data", "feedback.db")
	formsPath := smallFormsFile(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", addr, "-db", dbPath, "-forms", formsPath}, func(string) string { return "" }, &stderr,
			slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := client.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("service did not start: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), "admin token (shown once): ") {
		t.Errorf("no admin token printed: %q", stderr.String())
	}
	acked := map[string]bool{}
	for i := 0; i < 30; i++ {
		sid := uuid.NewString()
		var res *http.Response
		var err error
		if i%2 == 0 {
			res, err = client.Post(base+"/api/v1/workshops/alpha/responses", "application/json",
				strings.NewReader(`{"submission_id":"`+sid+`","answers":{"overall":3,"pace":2}}`))
		} else {
			res, err = client.PostForm(base+"/w/beta", validForm(sid))
		}
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == 201 || res.StatusCode == 303 {
			acked[sid] = true
		}
	}
	if len(acked) != 30 {
		t.Fatalf("acknowledged %d of 30", len(acked))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("service did not stop")
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seen := map[string]int{}
	err = db.EachResponse(context.Background(), store.Filter{}, func(r *forms.Response) error {
		seen[r.SubmissionID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for sid := range acked {
		if seen[sid] != 1 {
			t.Errorf("%s stored %d times", sid, seen[sid])
		}
	}
	if len(seen) != len(acked) {
		t.Errorf("stored %d, acknowledged %d", len(seen), len(acked))
	}
}

func TestRunRefusesBrokenForms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forms.yaml")
	if err := os.WriteFile(path, []byte("workshops:\n  - slug: a\n    title: A\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-forms", path, "-db", filepath.Join(t.TempDir(), "f.db"), "-addr", "127.0.0.1:0"},
		func(string) string { return "" }, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || err.Error() != path+`:2: workshop "a" has no questions` {
		t.Errorf("err = %v", err)
	}
}
