package main

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestServerTiming: every response says how long the server spent on it.
func TestServerTiming(t *testing.T) {
	a := mustApp(t)
	for _, path := range []string{"/", "/healthz", "/w/alpha", "/nowhere"} {
		res, err := a.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		h := res.Header.Get("Server-Timing")
		ms, err := strconv.ParseFloat(strings.TrimPrefix(h, "app;dur="), 64)
		if !strings.HasPrefix(h, "app;dur=") || err != nil || ms < 0 || ms > 10_000 {
			t.Errorf("%s: Server-Timing %q", path, h)
		}
	}
}
