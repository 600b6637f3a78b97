package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

const testToken = "test-admin-token-0123456789"

// testApp is the real app over a real SQLite file in a temporary directory.
type testApp struct {
	*fiber.App
	srv  *server
	db   *store.DB
	path string
}

// mustApp builds the real Fiber app on a fresh database, over the small
// fixture forms file (forms/formstest/small.yaml); every test that talks HTTP
// starts here.
func mustApp(tb testing.TB) *testApp {
	tb.Helper()
	return mustAppOn(tb, formstest.Small(tb), func(*config) {})
}

// mustAppOn is mustApp over the forms file f and a changed configuration.
func mustAppOn(tb testing.TB, f *forms.Forms, change func(*config)) *testApp {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "feedback.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	cfg := config{Addr: "127.0.0.1:0", DB: path, AdminToken: testToken, PublicURL: "https://feedback.example.org"}
	change(&cfg)
	srv, err := newServer(cfg, f, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return &testApp{App: srv.app(), srv: srv, db: db, path: path}
}

// smallWithGamma is the small fixture with a third workshop, gamma, asking
// the shared questions: for tests that need one workshop more than alpha and
// beta (one to close, one left without responses).
func smallWithGamma(tb testing.TB) *forms.Forms {
	tb.Helper()
	// The fixture's workshops are its last list: gamma joins them.
	f, err := forms.Parse("gamma.yaml", append(formstest.Bytes(), "  - slug: gamma\n    title: Gamma session\n"...))
	if err != nil {
		tb.Fatal(err)
	}
	if len(f.Workshops) != 3 || f.Workshop("gamma") == nil {
		tb.Fatalf("workshops %+v: the fixture's workshops are no longer its last list", f.Workshops)
	}
	return f
}

// smallFormsFile writes the small fixture to a file, for tests that start the
// service as it is run (run, the built binary), which reads its forms file
// from -forms.
func smallFormsFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "forms.yaml")
	if err := os.WriteFile(path, formstest.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// do sends one request through the app and returns the response and its body.
func (a *testApp) do(tb testing.TB, req *http.Request) (*http.Response, string) {
	tb.Helper()
	res, err := a.Test(req, 10_000)
	if err != nil {
		tb.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return res, string(body)
}

func get(path string, headers ...string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

func postForm(path string, values url.Values, headers ...string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

func postJSON(path, body string, headers ...string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// countResponses counts what is stored, read back through the store.
func (a *testApp) countResponses(tb testing.TB) int {
	tb.Helper()
	counts, err := a.db.CountResponses(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}
