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
	base := 1400 * time.Millisecond
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {loginFreeFailures - 1, 0},
		{loginFreeFailures, base},
		{loginFreeFailures + 1, 2 * base},
		{loginFreeFailures + 2, 4 * base},
		{loginFreeFailures + 40, loginMaxWait},
		{1 << 20, loginMaxWait},
	}
	for _, tt := range tests {
		if got := loginWait(base, tt.failures); got != tt.want {
			t.Errorf("loginWait(%v, %d) = %v, want %v", base, tt.failures, got, tt.want)
		}
	}
	if got := loginWait(0, 100); got != 0 {
		t.Errorf("with no wait configured, loginWait = %v", got)
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
// headers from one address: after the free failures each wrong try must wait
// longer, and one that comes early is refused (429) without being counted;
// the right token is accepted at once all along, however much was guessed
// before, from the guesser's address too (a thousand participants share the
// rapporteur's NAT address); another address and the rapporteur's session
// are not slowed down, and every counted failure is logged.
func TestLoginThrottle(t *testing.T) {
	var logs bytes.Buffer
	const base = 10 * time.Millisecond
	a := mustAppWith(t, func(c *config) { c.LoginWait = base })
	a.srv.log = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, nil))
	var clock atomic.Int64
	clock.Store(time.Date(2025, 6, 26, 16, 0, 0, 0, time.UTC).UnixNano())
	a.srv.now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	baseURL := a.serve(t)
	attacker, rapporteur := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")
	login := func(c *http.Client, token string) (*http.Response, string) {
		t.Helper()
		return loginFrom(t, c, baseURL, token)
	}
	bearer := func(c *http.Client, token string) *http.Response {
		t.Helper()
		return bearerFrom(t, c, baseURL, token)
	}
	rightTokenWorks := func(when string) {
		t.Helper()
		if res, page := login(attacker, testToken); res.StatusCode != http.StatusSeeOther || sessionCookieOf(res) == nil {
			t.Fatalf("%s: the right token through the login form: %d\n%s", when, res.StatusCode, page)
		}
		if res := bearer(attacker, testToken); res.StatusCode != http.StatusOK {
			t.Fatalf("%s: the right Bearer token: %d", when, res.StatusCode)
		}
	}

	for i := 0; i < loginFreeFailures; i++ {
		if res, _ := login(attacker, "guess-"+strconv.Itoa(i)); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("free failure %d: %d", i, res.StatusCode)
		}
	}
	// A wrong token that comes before the wait is over is refused.
	res, page := login(attacker, "guess-early")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" ||
		!strings.Contains(page, "Too many wrong tokens") || sessionCookieOf(res) != nil {
		t.Fatalf("early wrong try: %d Retry-After %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), page)
	}
	if res := bearer(attacker, "guess-early-bearer"); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("early wrong Bearer try: %d", res.StatusCode)
	}
	// The right one is not.
	rightTokenWorks("while the guesser waits")
	// Another address is not slowed down.
	res, _ = login(rapporteur, testToken)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rapporteur's login from another address: %d", res.StatusCode)
	}
	session := sessionCookieOf(res)
	// Nor is a session, from the throttled address.
	req, _ := http.NewRequest("GET", baseURL+"/admin/", nil)
	req.AddCookie(session)
	if res, err := attacker.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("session from the throttled address: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}

	// After the wait one more wrong try is counted; failing doubles the wait.
	advance(loginWait(base, loginFreeFailures))
	if res := bearer(attacker, "guess-bearer"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("try after the wait: %d", res.StatusCode)
	}
	advance(loginWait(base, loginFreeFailures))
	if res := bearer(attacker, "guess-too-soon"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("try before the doubled wait is over: %d", res.StatusCode)
	}
	advance(loginWait(base, loginFreeFailures+1))
	if res, _ := login(attacker, "guess-after-doubled-wait"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong try after the doubled wait: %d", res.StatusCode)
	}
	rightTokenWorks("after the doubled wait")

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

// TestRightTokenNeverRefused is the finding of the security review: forty
// wrong tokens from one address, as fast as they come, and then the right one
// from the same address, through a Bearer header and through the login form,
// is let in at once, with the real throttle's waits.
func TestRightTokenNeverRefused(t *testing.T) {
	a := mustAppWith(t, func(c *config) { c.LoginWait = defaultLoginWait })
	baseURL := a.serve(t)
	venue := clientFrom("127.0.0.4")
	refused := 0
	for i := 0; i < 40; i++ {
		var code int
		if i%2 == 0 {
			code = bearerFrom(t, venue, baseURL, "wrong-"+strconv.Itoa(i)).StatusCode
		} else {
			res, _ := loginFrom(t, venue, baseURL, "wrong-"+strconv.Itoa(i))
			code = res.StatusCode
		}
		switch code {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("wrong token %d: %d", i, code)
		}
	}
	if refused < 40-loginFreeFailures-1 {
		t.Errorf("only %d of 40 wrong tokens were refused by the throttle", refused)
	}
	start := time.Now()
	if res := bearerFrom(t, venue, baseURL, testToken); res.StatusCode != http.StatusOK {
		t.Fatalf("the right Bearer token after 40 wrong ones: %d", res.StatusCode)
	}
	res, page := loginFrom(t, venue, baseURL, testToken)
	if res.StatusCode != http.StatusSeeOther || sessionCookieOf(res) == nil {
		t.Fatalf("the right token in the login form after 40 wrong ones: %d\n%s", res.StatusCode, page)
	}
	// "At once": no wait of the throttle's was served to the right token.
	if d := time.Since(start); d >= defaultLoginWait {
		t.Errorf("the right token took %v, as long as a throttle wait", d)
	}
}

// loginFrom posts the login form from client c.
func loginFrom(t *testing.T, c *http.Client, baseURL, token string) (*http.Response, string) {
	t.Helper()
	res, err := c.PostForm(baseURL+"/admin/login", url.Values{"token": {token}, "next": {"/admin/"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// bearerFrom asks for the dashboard with a Bearer token from client c.
func bearerFrom(t *testing.T, c *http.Client, baseURL, token string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", baseURL+"/admin/", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// TestAdminStateChangesNeedCSRF walks every route of the app that changes
// state under /admin, as registered now and by whatever is added later, and
// sends it what a cross-site page could make the rapporteur's browser send:
// her session cookie without the CSRF token, or a cross-site login or logout.
// Each is refused with 403 and the database does not change.
func TestAdminStateChangesNeedCSRF(t *testing.T) {
	a := mustApp(t)
	for _, sid := range []string{"7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f", "0b0c7a52-8d1e-4f55-a4b6-8e2f0a3c9d11"} {
		if res, _ := a.do(t, postForm("/w/alpha", validForm(sid))); res.StatusCode != http.StatusSeeOther {
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
	form := url.Values{"response": {r.ID}, "question": {"comment"}, "star": {"1"}, "open": {"0"}, "state": {"closed"}, "action": {"close"}}
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
		path := strings.NewReplacer(":slug", "alpha", ":id", r.ID, ":question", "comment").Replace(route.Path)
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
	a := mustAppWith(t, func(c *config) { c.LoginWait = time.Second })
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
	if code := bearer(replica, "guess-on-the-replica"); code != http.StatusTooManyRequests {
		t.Fatalf("the other replica let the guesser try at once: %d", code)
	}
	if code := bearer(replica, testToken); code != http.StatusOK {
		t.Fatalf("the other replica refused the right token: %d", code)
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

// TestTrustedProxies puts the app behind a load balancer at 127.0.0.1 that
// forwards two clients: with -trusted-proxies naming it, the guesser is
// throttled and the other forwarded client is not, and a guesser who writes
// an X-Forwarded-For of its own cannot pass for that other client; without the
// flag the header is ignored, and both share the balancer's count.
func TestTrustedProxies(t *testing.T) {
	const guesser, neighbour = "203.0.113.7", "203.0.113.8"
	tries := func(t *testing.T, proxies string) (guesserCode, neighbourCode, spoofCode int, logs string) {
		var buf bytes.Buffer
		a := mustAppWith(t, func(c *config) {
			c.LoginWait = time.Minute
			c.TrustedProxies, _ = parseProxies(proxies)
		})
		a.srv.log = slog.New(slog.NewTextHandler(&lockedWriter{w: &buf}, nil))
		baseURL := a.serve(t)
		balancer := clientFrom("127.0.0.1")
		for i := 0; i <= loginFreeFailures; i++ {
			guesserCode = bearerFrom(t, balancer, baseURL, "guess-"+strconv.Itoa(i), "X-Forwarded-For", guesser).StatusCode
		}
		// What a balancer sends for a guesser who wrote the header itself.
		spoofCode = bearerFrom(t, balancer, baseURL, "guess-spoofed", "X-Forwarded-For", neighbour+", "+guesser).StatusCode
		neighbourCode = bearerFrom(t, balancer, baseURL, "typo", "X-Forwarded-For", neighbour).StatusCode
		if res := bearerFrom(t, balancer, baseURL, testToken, "X-Forwarded-For", guesser); res.StatusCode != http.StatusOK {
			t.Errorf("the right token from the throttled client: %d", res.StatusCode)
		}
		return guesserCode, neighbourCode, spoofCode, buf.String()
	}
	t.Run("OKTrusted", func(t *testing.T) {
		g, n, spoof, logs := tries(t, "127.0.0.1")
		if g != http.StatusTooManyRequests || spoof != http.StatusTooManyRequests {
			t.Errorf("the guesser behind the balancer: %d, with a header of its own: %d; want 429", g, spoof)
		}
		if n != http.StatusUnauthorized {
			t.Errorf("the other forwarded client was slowed by the guesser: %d", n)
		}
		if !strings.Contains(logs, "client="+guesser) || strings.Contains(logs, "client=127.0.0.1") {
			t.Errorf("the log does not name the forwarded client:\n%s", logs)
		}
	})
	t.Run("OKIgnoredWithoutFlag", func(t *testing.T) {
		g, n, _, logs := tries(t, "")
		if g != http.StatusTooManyRequests || n != http.StatusTooManyRequests {
			t.Errorf("without -trusted-proxies the header was believed: guesser %d, other %d", g, n)
		}
		if strings.Contains(logs, guesser) || !strings.Contains(logs, "client=127.0.0.1") {
			t.Errorf("without -trusted-proxies the log names a forwarded address:\n%s", logs)
		}
	})
	t.Run("OKOtherProxyNotTrusted", func(t *testing.T) {
		g, n, _, _ := tries(t, "10.0.0.0/8")
		if g != http.StatusTooManyRequests || n != http.StatusTooManyRequests {
			t.Errorf("a header from an address outside -trusted-proxies was believed: guesser %d, other %d", g, n)
		}
	})
}
