package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
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

// mustApp builds the real Fiber app on a fresh database; every test that
// talks HTTP starts here.
func mustApp(tb testing.TB) *testApp {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "feedback.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	cfg := config{Addr: "127.0.0.1:0", DB: path, AdminToken: testToken, PublicURL: "https://feedback.example.org"}
	srv, err := newServer(cfg, forms.Default(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return &testApp{App: srv.app(), srv: srv, db: db, path: path}
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
