package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoginWait(t *testing.T) {
	defer func(d time.Duration) { loginFailDelay = d }(loginFailDelay)
	loginFailDelay = 700 * time.Millisecond
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {loginFreeFailures - 1, 0},
		{loginFreeFailures, 1400 * time.Millisecond},
		{loginFreeFailures + 1, 2800 * time.Millisecond},
		{loginFreeFailures + 2, 5600 * time.Millisecond},
		{loginFreeFailures + 40, loginMaxWait},
		{1 << 20, loginMaxWait},
	}
	for _, tt := range tests {
		if got := loginWait(tt.failures); got != tt.want {
			t.Errorf("loginWait(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
	loginFailDelay = 0
	if got := loginWait(100); got != 0 {
		t.Errorf("with no pause configured, loginWait = %v", got)
	}
}

// clientFrom is an HTTP client whose requests come from the loopback address
// ip, so that one test can be several clients.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// TestLoginThrottle tries wrong tokens through the login form and Bearer
// headers from one address: after the free failures each try must wait
// longer, a try that comes early is refused without its token being looked
// at (even the right one), another address and the rapporteur's session are
// not slowed down, every failure is logged, and the right token resets it.
func TestLoginThrottle(t *testing.T) {
	defer func(d time.Duration) { loginFailDelay = d }(loginFailDelay)
	loginFailDelay = 10 * time.Millisecond
	var logs bytes.Buffer
	a := mustAppWith(t, func(*config) {})
	a.srv.log = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, nil))
	var clock atomic.Int64
	clock.Store(time.Date(2025, 6, 26, 16, 0, 0, 0, time.UTC).UnixNano())
	a.srv.now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	base := a.serve(t)
	attacker, rapporteur := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")

	login := func(c *http.Client, token string) (*http.Response, string) {
		t.Helper()
		res, err := c.PostForm(base+"/admin/login", url.Values{"token": {token}, "next": {"/admin/"}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	bearer := func(c *http.Client, token string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/admin/", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	for i := 0; i < loginFreeFailures; i++ {
		if res, _ := login(attacker, "guess-"+strconv.Itoa(i)); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("free failure %d: %d", i, res.StatusCode)
		}
	}
	// Now even the right token is not looked at until the wait is over.
	res, page := login(attacker, testToken)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" ||
		!strings.Contains(page, "Too many wrong tokens") || strings.Contains(res.Header.Get("Set-Cookie"), sessionCookie) {
		t.Fatalf("early try: %d Retry-After %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), page)
	}
	if res := bearer(attacker, testToken); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("early Bearer try: %d", res.StatusCode)
	}
	// Another address is not slowed down.
	res, _ = login(rapporteur, testToken)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rapporteur's login from another address: %d", res.StatusCode)
	}
	session := res.Cookies()[0]
	// Nor is a session, from the throttled address.
	req, _ := http.NewRequest("GET", base+"/admin/", nil)
	req.AddCookie(session)
	if res, err := attacker.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("session from the throttled address: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}

	// After the wait one more try is checked; failing doubles the wait.
	advance(loginWait(loginFreeFailures))
	if res := bearer(attacker, "guess-bearer"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("try after the wait: %d", res.StatusCode)
	}
	advance(loginWait(loginFreeFailures))
	if res := bearer(attacker, "guess-too-soon"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("try before the doubled wait is over: %d", res.StatusCode)
	}
	advance(loginWait(loginFreeFailures + 1))
	res, _ = login(attacker, testToken)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right token after the wait: %d", res.StatusCode)
	}
	// The right token forgave the failures.
	if res, _ := login(attacker, "typo"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("after a success, a typo: %d", res.StatusCode)
	}

	out := logs.String()
	if n := strings.Count(out, "admin token refused"); n != loginFreeFailures+2 {
		t.Errorf("%d failures logged, want %d:\n%s", n, loginFreeFailures+2, out)
	}
	if !strings.Contains(out, "client=127.0.0.2") || !strings.Contains(out, "via=bearer") || !strings.Contains(out, `via="login form"`) {
		t.Errorf("log lacks the client or the way:\n%s", out)
	}
	if strings.Contains(out, testToken) || strings.Contains(out, "guess-") {
		t.Errorf("a token was logged:\n%s", out)
	}
}

// TestAdminStateChangesNeedCSRF walks every route of the app that changes
// state under /admin, as registered now and by whatever is added later, and
// sends it what a cross-site page could make the rapporteur's browser send:
// her session cookie without the CSRF token, or a cross-site login or logout.
// Each is refused with 403 and the database does not change.
func TestAdminStateChangesNeedCSRF(t *testing.T) {
	a := mustApp(t)
	for _, sid := range []string{"7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f", "0b0c7a52-8d1e-4f55-a4b6-8e2f0a3c9d11"} {
		if res, _ := a.do(t, postForm("/w/data-governance", validForm(sid))); res.StatusCode != http.StatusSeeOther {
			t.Fatal("seed response not stored")
		}
	}
	res, _ := a.do(t, postForm("/admin/login", url.Values{"token": {testToken}}))
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	session := res.Cookies()[0]
	r, err := a.db.ResponseBySubmission(context.Background(), "7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f")
	if err != nil {
		t.Fatal(err)
	}
	// Values a state change might need, so that only the missing token
	// stands between the request and the change.
	form := url.Values{"response": {r.ID}, "question": {"takeaway"}, "star": {"1"}, "open": {"0"}, "state": {"closed"}, "action": {"close"}}
	token := adminCSRF(t, a.App, session)
	before := dumpDatabase(t, a.path)
	checked := 0
	for _, route := range a.GetRoutes(true) {
		switch route.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		if !strings.HasPrefix(route.Path, "/admin") || route.Path == adminLoginPath || route.Path == adminLogoutPath {
			continue
		}
		path := strings.NewReplacer(":slug", "data-governance", ":id", r.ID, ":question", "takeaway").Replace(route.Path)
		t.Run(route.Method+route.Path, func(t *testing.T) {
			req := postForm(path, form)
			req.Method = route.Method
			req.AddCookie(session)
			res, body := a.do(t, req)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("without the CSRF token: %d %s", res.StatusCode, body)
			}
			if after := dumpDatabase(t, a.path); after != before {
				t.Errorf("the database changed")
			}
			// The control: with the token, the same request is not refused,
			// so the token alone made the difference.
			req = postForm(path, form, csrfHeader, token)
			req.Method = route.Method
			req.AddCookie(session)
			if res, body := a.do(t, req); res.StatusCode == http.StatusForbidden {
				t.Errorf("with the CSRF token: %d %s", res.StatusCode, body)
			}
			before = dumpDatabase(t, a.path)
		})
		checked++
	}
	if checked == 0 {
		t.Fatal("no admin route that changes state was found")
	}
	for _, path := range []string{adminLoginPath, adminLogoutPath} {
		t.Run("CrossSite"+path, func(t *testing.T) {
			res, _ := a.do(t, postForm(path, url.Values{"token": {testToken}}, "Origin", "https://evil.example", "Cookie", session.Name+"="+session.Value))
			if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
				t.Errorf("cross-site %s: %d, cookies %v", path, res.StatusCode, res.Cookies())
			}
			res, _ = a.do(t, postForm(path, url.Values{"token": {testToken}}, "Sec-Fetch-Site", "cross-site"))
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site (Sec-Fetch-Site) %s: %d", path, res.StatusCode)
			}
		})
	}
}

// TestLoginThrottleShared checks that the count lives in the store, not in a
// process: failures through one server slow the same client down on another
// server over the same database, as on two replicas.
func TestLoginThrottleShared(t *testing.T) {
	defer func(d time.Duration) { loginFailDelay = d }(loginFailDelay)
	loginFailDelay = 10 * time.Millisecond
	a := mustApp(t)
	other, err := newServer(a.srv.cfg, a.srv.forms, a.db, a.srv.log)
	if err != nil {
		t.Fatal(err)
	}
	replica := other.app()
	bearer := func(app interface {
		Test(*http.Request, ...int) (*http.Response, error)
	}, token string) int {
		req := get("/admin/export.csv", "Authorization", "Bearer "+token)
		res, err := app.Test(req, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 0; i < loginFreeFailures; i++ {
		if code := bearer(a, "guess-"+strconv.Itoa(i)); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	if code := bearer(replica, testToken); code != http.StatusTooManyRequests {
		t.Fatalf("the other replica let the guesser try at once: %d", code)
	}
	// What is stored names the client by a keyed hash, not its address.
	raw, err := sql.Open("sqlite", "file:"+a.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var client string
	var failures int
	if err := raw.QueryRow(`SELECT client, failures FROM login_failures`).Scan(&client, &failures); err != nil {
		t.Fatal(err)
	}
	if failures != loginFreeFailures || len(client) != 32 || strings.ContainsAny(client, ".:") {
		t.Errorf("stored client %q with %d failures", client, failures)
	}
}
