package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

const adminTestToken = "test-admin-token-4f9c2e"

// adminTestServer starts the real app on a real SQLite file with a known
// admin token, over the small fixture forms file.
func adminTestServer(t *testing.T, token string) (*server, *fiber.App, *store.DB) {
	t.Helper()
	return adminTestServerOn(t, token, formstest.Small(t))
}

// adminTestServerOn is adminTestServer over the forms file f.
func adminTestServerOn(t *testing.T, token string, f *forms.Forms) (*server, *fiber.App, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := newServer(config{AdminToken: token, PublicURL: "http://localhost:8080", LoginWait: -1}, f, db, log)
	if err != nil {
		t.Fatal(err)
	}
	return s, s.app(), db
}

// adminDo sends req to app and returns the response and its body.
func adminDo(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := app.Test(req, 30_000)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func sessionCookieOf(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

// adminLogin logs in through the login form and returns the session cookie.
func adminLogin(t *testing.T, app *fiber.App, token string) *http.Cookie {
	t.Helper()
	form := url.Values{"token": {token}, "next": {"/admin"}}
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, body := adminDo(t, app, req)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d, want 303: %s", res.StatusCode, body)
	}
	c := sessionCookieOf(res)
	if c == nil {
		t.Fatal("login set no session cookie")
	}
	return c
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// adminCSRF reads the CSRF token the dashboard renders for a session.
func adminCSRF(t *testing.T, app *fiber.App, cookie *http.Cookie) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/admin", nil)
	req.Header.Set("Accept", "text/html")
	req.AddCookie(cookie)
	res, body := adminDo(t, app, req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: status %d", res.StatusCode)
	}
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("dashboard has no csrf field")
	}
	return m[1]
}

func TestAdminAccess(t *testing.T) {
	_, app, _ := adminTestServer(t, adminTestToken)
	protected := []string{"/admin", "/admin/", "/admin/export.xlsx", "/admin/export.csv", "/ADMIN/export.csv", "/admin/no-such-page"}
	scenarios := []struct {
		name   string
		auth   string
		accept string
		want   int
	}{
		{"NoToken", "", "application/json", http.StatusUnauthorized},
		{"WrongToken", "Bearer not-the-token", "", http.StatusUnauthorized},
		{"TokenPrefix", "Bearer " + adminTestToken[:10], "", http.StatusUnauthorized},
		{"WrongScheme", "Basic " + adminTestToken, "", http.StatusUnauthorized},
		{"EmptyBearer", "Bearer ", "", http.StatusUnauthorized},
	}
	for _, sc := range scenarios {
		for _, path := range protected {
			t.Run(sc.name+path, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				if sc.auth != "" {
					req.Header.Set("Authorization", sc.auth)
				}
				if sc.accept != "" {
					req.Header.Set("Accept", sc.accept)
				}
				res, body := adminDo(t, app, req)
				if res.StatusCode != sc.want {
					t.Fatalf("status %d, want %d", res.StatusCode, sc.want)
				}
				if !strings.Contains(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"error"`) {
					t.Errorf("401 for a script should be JSON, got %q %q", res.Header.Get("Content-Type"), body)
				}
				if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate = %q", res.Header.Get("WWW-Authenticate"))
				}
			})
		}
	}
	t.Run("BrowserGetsLoginPage", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/admin/export.xlsx?workshop=alpha", nil)
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		res, body := adminDo(t, app, req)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", res.StatusCode)
		}
		if !strings.Contains(body, `action="/admin/login"`) || !strings.Contains(body, `name="token"`) {
			t.Fatalf("401 for a browser should be the login page:\n%s", body)
		}
		if !strings.Contains(body, `value="/admin/export.xlsx?workshop=alpha"`) {
			t.Errorf("login page should come back to the page asked for:\n%s", body)
		}
	})
	t.Run("BearerOK", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/admin", nil)
		req.Header.Set("Authorization", "Bearer "+adminTestToken)
		if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", res.StatusCode)
		}
	})
	t.Run("BearerUnknownPage", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/admin/no-such-page", nil)
		req.Header.Set("Authorization", "Bearer "+adminTestToken)
		if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", res.StatusCode)
		}
	})
}

func TestAdminNoTokenConfigured(t *testing.T) {
	_, app, _ := adminTestServer(t, "")
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		req := httptest.NewRequest(http.MethodGet, "/admin", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("auth %q: status %d, want 401", auth, res.StatusCode)
		}
	}
	form := url.Values{"token": {""}}
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("empty token login: status %d, want 401", res.StatusCode)
	}
}

func TestAdminLogin(t *testing.T) {
	s, app, _ := adminTestServer(t, adminTestToken)

	t.Run("OK", func(t *testing.T) {
		form := url.Values{"token": {adminTestToken}, "next": {"/admin/export.csv"}}
		req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://example.com")
		res, _ := adminDo(t, app, req)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/export.csv" {
			t.Fatalf("status %d location %q", res.StatusCode, res.Header.Get("Location"))
		}
		c := sessionCookieOf(res)
		if c == nil {
			t.Fatal("no session cookie")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.Secure {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/admin, not Secure over http", c)
		}
		if c.MaxAge <= 0 || c.MaxAge > int(sessionTTL/time.Second) {
			t.Errorf("cookie MaxAge %d", c.MaxAge)
		}
		req = httptest.NewRequest(http.MethodGet, "/admin", nil)
		req.AddCookie(c)
		if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusOK {
			t.Fatalf("with cookie: status %d", res.StatusCode)
		}
	})
	t.Run("SecureOverHTTPS", func(t *testing.T) {
		// X-Forwarded-Proto is believed from a trusted proxy only (app.Test's
		// requests come from 0.0.0.0).
		login := func(app *fiber.App) *http.Cookie {
			form := url.Values{"token": {adminTestToken}}
			req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-Proto", "https")
			res, _ := adminDo(t, app, req)
			return sessionCookieOf(res)
		}
		if c := login(app); c == nil || c.Secure {
			t.Errorf("X-Forwarded-Proto from a client that is no trusted proxy made the cookie Secure: %+v", c)
		}
		old := s.cfg.TrustedProxies
		t.Cleanup(func() { s.cfg.TrustedProxies = old })
		s.cfg.TrustedProxies, _ = parseProxies("0.0.0.0")
		if c := login(s.app()); c == nil || !c.Secure {
			t.Fatalf("cookie over https should be Secure: %+v", c)
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		form := url.Values{"token": {"guess"}, "next": {"/admin"}}
		req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, body := adminDo(t, app, req)
		if res.StatusCode != http.StatusUnauthorized || sessionCookieOf(res) != nil {
			t.Fatalf("status %d, cookie %v", res.StatusCode, sessionCookieOf(res))
		}
		if !strings.Contains(body, "not right") || !strings.Contains(body, `name="token"`) {
			t.Errorf("wrong token should show the form with a message:\n%s", body)
		}
	})
	t.Run("ErrCrossSite", func(t *testing.T) {
		form := url.Values{"token": {adminTestToken}}
		req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		res, _ := adminDo(t, app, req)
		if res.StatusCode != http.StatusForbidden || sessionCookieOf(res) != nil {
			t.Fatalf("cross-site login: status %d", res.StatusCode)
		}
	})
	t.Run("ErrTamperedCookie", func(t *testing.T) {
		c := adminLogin(t, app, adminTestToken)
		parts := strings.Split(c.Value, ".")
		parts[1] = "9999999999" // a later expiry under the old signature
		for _, v := range []string{strings.Join(parts, "."), "v1.1.2.3", "", "garbage"} {
			req := httptest.NewRequest(http.MethodGet, "/admin", nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: v})
			if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("cookie %q: status %d, want 401", v, res.StatusCode)
			}
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		c := adminLogin(t, app, adminTestToken)
		real := s.now
		s.now = func() time.Time { return real().Add(sessionTTL + time.Minute) }
		defer func() { s.now = real }()
		req := httptest.NewRequest(http.MethodGet, "/admin", nil)
		req.AddCookie(c)
		if res, _ := adminDo(t, app, req); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("expired cookie: status %d, want 401", res.StatusCode)
		}
	})
	t.Run("Replicas", func(t *testing.T) {
		c := adminLogin(t, app, adminTestToken)
		_, same, _ := adminTestServer(t, adminTestToken)
		req := httptest.NewRequest(http.MethodGet, "/admin", nil)
		req.AddCookie(c)
		if res, _ := adminDo(t, same, req); res.StatusCode != http.StatusOK {
			t.Fatalf("replica with the same token: status %d, want 200", res.StatusCode)
		}
		_, other, _ := adminTestServer(t, "another-token")
		req = httptest.NewRequest(http.MethodGet, "/admin", nil)
		req.AddCookie(c)
		if res, _ := adminDo(t, other, req); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("server with another token: status %d, want 401", res.StatusCode)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/admin/logout", nil)
		req.AddCookie(adminLogin(t, app, adminTestToken))
		res, _ := adminDo(t, app, req)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/login" {
			t.Fatalf("logout: status %d location %q", res.StatusCode, res.Header.Get("Location"))
		}
		c := sessionCookieOf(res)
		if c == nil || c.Value != "" || (c.MaxAge >= 0 && !c.Expires.Before(time.Now())) {
			t.Fatalf("logout should clear the cookie: %+v", c)
		}
	})
	t.Run("LoginPageWhenLoggedIn", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/admin/login?next=/admin/export.csv", nil)
		req.AddCookie(adminLogin(t, app, adminTestToken))
		res, _ := adminDo(t, app, req)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/export.csv" {
			t.Fatalf("status %d location %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestAdminCSRF(t *testing.T) {
	_, app, _ := adminTestServer(t, adminTestToken)
	hits := 0
	// Any route added under /admin is behind the group's check.
	app.Post("/admin/csrf-probe", func(c *fiber.Ctx) error {
		hits++
		return c.SendString("changed")
	})
	cookie := adminLogin(t, app, adminTestToken)
	token := adminCSRF(t, app, cookie)
	other := adminCSRF(t, app, adminLogin(t, app, adminTestToken))
	if other == token {
		t.Fatal("two sessions share a CSRF token")
	}
	post := func(form url.Values, header, auth string, c *http.Cookie) int {
		req := httptest.NewRequest(http.MethodPost, "/admin/csrf-probe", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if header != "" {
			req.Header.Set(csrfHeader, header)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if c != nil {
			req.AddCookie(c)
		}
		res, _ := adminDo(t, app, req)
		return res.StatusCode
	}
	scenarios := []struct {
		name   string
		form   url.Values
		header string
		auth   string
		cookie *http.Cookie
		want   int
	}{
		{"ErrNoToken", url.Values{}, "", "", cookie, http.StatusForbidden},
		{"ErrWrongToken", url.Values{"csrf": {"forged"}}, "", "", cookie, http.StatusForbidden},
		{"ErrOtherSessionsToken", url.Values{"csrf": {other}}, "", "", cookie, http.StatusForbidden},
		{"ErrNoSession", url.Values{"csrf": {token}}, "", "", nil, http.StatusUnauthorized},
		{"OKField", url.Values{"csrf": {token}}, "", "", cookie, http.StatusOK},
		{"OKHeader", url.Values{}, token, "", cookie, http.StatusOK},
		{"OKBearer", url.Values{}, "", "Bearer " + adminTestToken, nil, http.StatusOK},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			before := hits
			got := post(sc.form, sc.header, sc.auth, sc.cookie)
			if got != sc.want {
				t.Fatalf("status %d, want %d", got, sc.want)
			}
			if changed := hits > before; changed != (sc.want == http.StatusOK) {
				t.Fatalf("handler ran: %v, status %d", changed, got)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "/admin",
		"/admin":                          "/admin",
		"/admin/export.xlsx?workshop=a-b": "/admin/export.xlsx?workshop=a-b",
		"//evil.example/admin":            "/admin",
		"https://evil.example/admin":      "/admin",
		"/\\evil.example":                 "/admin",
		"/w/alpha":                        "/admin",
		"/admin/login":                    "/admin",
		"javascript:alert(1)":             "/admin",
		"/admin/../w/x":                   "/admin",
		"/administrator":                  "/admin",
		"/admin/./export.csv":             "/admin/export.csv",
	} {
		got := safeNext(in)
		if got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
