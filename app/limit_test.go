package main

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// mustAppWith is mustApp with a changed configuration.
func mustAppWith(tb testing.TB, change func(*config)) *testApp {
	tb.Helper()
	return mustAppOn(tb, formstest.Small(tb), change)
}

// serve runs the app on a loopback listener, as in production, and returns
// its base URL; the listener stops with the test.
func (a *testApp) serve(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); a.Listener(ln) }()
	tb.Cleanup(func() { a.ShutdownWithTimeout(5 * time.Second); <-done })
	return "http://" + ln.Addr().String()
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func send(tb testing.TB, req *http.Request) (*http.Response, string) {
	tb.Helper()
	res, err := noRedirect.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res, string(body)
}

func newRequest(tb testing.TB, method, url, contentType, body string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// lockDatabase takes the database's write lock from another connection, as
// a second process or a long backup tool might, until the returned function
// is called.
func lockDatabase(tb testing.TB, path string) (unlock func()) {
	tb.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	conn, err := other.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		tb.Fatal(err)
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			other.Close()
		})
	}
	tb.Cleanup(unlock)
	return unlock
}

// TestInFlightLimit fills every slot with submissions stuck behind a locked
// database, then checks that the next request is refused with 503 and
// Retry-After (a form post getting its answers back), that nothing looks at
// the client's address, and that all is well once the lock goes.
func TestInFlightLimit(t *testing.T) {
	a := mustAppWith(t, func(c *config) { c.MaxInFlight = 2 })
	base := a.serve(t)
	unlock := lockDatabase(t, a.path)

	stuck := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			res, err := noRedirect.PostForm(base+"/w/alpha", validForm(uuid.NewString()))
			if err != nil {
				stuck <- 0
				return
			}
			res.Body.Close()
			stuck <- res.StatusCode
		}()
	}
	// Wait until both hold their slot: then even a page that needs no
	// writing is refused.
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, _ := send(t, newRequest(t, "GET", base+"/", "", ""))
		if res.StatusCode == http.StatusServiceUnavailable {
			if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 10 {
				t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("requests were never refused")
		}
		time.Sleep(20 * time.Millisecond)
	}
	sid := uuid.NewString()
	res, page := send(t, newRequest(t, "POST", base+"/w/alpha", "application/x-www-form-urlencoded",
		set(validForm(sid), "lang", "fr").Encode()))
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("refused post: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	for _, want := range []string{mustCatalog(t).T("fr", forms.MsgUnavailable), `value="` + sid + `"`, `value="2" checked`,
		`value="exercises" checked`, ">Co-design with citizens</textarea>"} {
		if !strings.Contains(page, want) {
			t.Errorf("refused form lacks %q", want)
		}
	}
	res, body := send(t, newRequest(t, "POST", base+"/api/v1/workshops/alpha/responses", "application/json",
		`{"submission_id":"`+uuid.NewString()+`","lang":"ar","answers":{"overall":5,"pace":3}}`))
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, mustCatalog(t).T("ar", forms.MsgUnavailable)) {
		t.Errorf("refused API post: %d %s", res.StatusCode, body)
	}
	// The health check and the stylesheet are never refused for load.
	if res, _ := send(t, newRequest(t, "GET", base+a.srv.assets.url("style.css"), "", "")); res.StatusCode != http.StatusOK {
		t.Errorf("stylesheet under load: %d", res.StatusCode)
	}

	unlock()
	for i := 0; i < 2; i++ {
		if code := <-stuck; code != http.StatusSeeOther {
			t.Errorf("stuck submission finished with %d", code)
		}
	}
	if res, _ := send(t, newRequest(t, "GET", base+"/", "", "")); res.StatusCode != http.StatusOK {
		t.Errorf("after the burst: %d", res.StatusCode)
	}
	if n := a.countResponses(t); n != 2 {
		t.Errorf("stored %d, want the 2 that were accepted", n)
	}
}

// TestChangeLimitOverHTTP changes one submission more often than allowed,
// through the form and the API: the refusal is a 429 with Retry-After and a
// message in the participant's language, the form keeps the answers, and
// the stored answers are the last accepted ones.
func TestChangeLimitOverHTTP(t *testing.T) {
	a := mustApp(t)
	max := store.ChangeLimits[0].Max
	t.Run("Form", func(t *testing.T) {
		sid := uuid.NewString()
		comment := func(i int) url.Values {
			return set(set(validForm(sid), "lang", "ar"), "comment", "version "+strconv.Itoa(i))
		}
		for i := 0; i <= max; i++ { // the first stores, then max changes
			if res, page := a.do(t, postForm("/w/beta", comment(i))); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("post %d: %d\n%s", i, res.StatusCode, page)
			}
		}
		res, page := a.do(t, postForm("/w/beta", comment(max+1)))
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("change over the limit: %d", res.StatusCode)
		}
		if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
			t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
		}
		for _, want := range []string{mustCatalog(t).T("ar", forms.MsgTooManyChanges), ">version " + strconv.Itoa(max+1) + "</textarea>", `value="` + sid + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		r, err := a.db.ResponseBySubmission(context.Background(), sid)
		if err != nil || r.Answers["comment"].Text != "version "+strconv.Itoa(max) {
			t.Errorf("stored = %+v, %v", r, err)
		}
	})
	t.Run("API", func(t *testing.T) {
		sid := uuid.NewString()
		body := func(i int) string {
			return `{"submission_id":"` + sid + `","lang":"fr","answers":{"overall":` + strconv.Itoa(1+i%5) + `}}`
		}
		for i := 0; i <= max; i++ {
			if res, out := a.do(t, postJSON("/api/v1/workshops/beta/responses", body(i))); res.StatusCode/100 != 2 {
				t.Fatalf("post %d: %d %s", i, res.StatusCode, out)
			}
		}
		res, out := a.do(t, postJSON("/api/v1/workshops/beta/responses", body(max+1)))
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(out, mustCatalog(t).T("fr", forms.MsgTooManyChanges)) {
			t.Fatalf("change over the limit: %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), out)
		}
		// Sending the stored answers again is a retry, not a change.
		if res, out := a.do(t, postJSON("/api/v1/workshops/beta/responses", body(max))); res.StatusCode != http.StatusOK {
			t.Errorf("retry of the stored answers: %d %s", res.StatusCode, out)
		}
	})
}
