package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

const testEntryToken = "test-entry-token-7d41b0aa"

// mustEntryApp is the real app with an entry token as well as the admin
// token, and wrong tokens throttled from base on (the clock is the test's).
func mustEntryApp(t *testing.T, base time.Duration) (*testApp, func(time.Duration)) {
	t.Helper()
	a := mustAppWith(t, func(c *config) { c.EntryToken, c.LoginWait = testEntryToken, base })
	var clock atomic.Int64
	clock.Store(time.Date(2025, 6, 26, 16, 0, 0, 0, time.UTC).UnixNano())
	a.srv.now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	return a, func(d time.Duration) { clock.Add(int64(d)) }
}

// entryLogin logs in with the entry token and returns its session cookie.
func entryLogin(t *testing.T, a *testApp) *http.Cookie {
	t.Helper()
	res, body := a.do(t, postForm(adminLoginPath, url.Values{"token": {testEntryToken}, "next": {"/admin/entry/alpha"}}))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/entry/alpha" {
		t.Fatalf("entry login: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			t.Fatal("the entry token got the rapporteur's session cookie")
		}
		if c.Name == entryCookie {
			if c.Path != entryPath || !c.HttpOnly {
				t.Errorf("entry cookie path %q, HttpOnly %v", c.Path, c.HttpOnly)
			}
			return c
		}
	}
	t.Fatal("entry login set no entry cookie")
	return nil
}

// entryPage opens a workshop's entry page with the cookie and returns its
// body, CSRF token and submission_id.
func entryPage(t *testing.T, a *testApp, cookie *http.Cookie, slug string) (body, csrf, sid string) {
	t.Helper()
	req := get("/admin/entry/" + slug)
	req.AddCookie(cookie)
	res, body := a.do(t, req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("entry page: %d\n%s", res.StatusCode, body)
	}
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("entry page has no %s field", name)
		}
		return m[1]
	}
	return body, field("csrf"), field("submission_id")
}

// keySheet posts one keyed sheet with the cookie.
func keySheet(t *testing.T, a *testApp, cookie *http.Cookie, slug string, v url.Values) (*http.Response, string) {
	t.Helper()
	req := postForm("/admin/entry/"+slug, v)
	req.AddCookie(cookie)
	return a.do(t, req)
}

// stored reads back every stored response.
func stored(t *testing.T, db store.Store) []*forms.Response {
	t.Helper()
	var out []*forms.Response
	err := db.EachResponse(context.Background(), store.Filter{}, func(r *forms.Response) error {
		cp := *r
		out = append(out, &cp)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEntryKeying keys a sheet by digits through the entry page: it is
// stored once, marked paper, with the options its digits name; sending it
// again stores nothing more; the next page has a fresh submission_id; a
// sheet with a mistake comes back as typed. The form and the API mark theirs
// web and api.
func TestEntryKeying(t *testing.T) {
	a, _ := mustEntryApp(t, -1)
	cookie := entryLogin(t, a)
	page, csrf, sid := entryPage(t, a, cookie, "alpha")
	if !strings.Contains(page, `id="q-overall"`) || !strings.Contains(page, "autofocus") || !strings.Contains(page, "1 Talks · 2 Exercises") {
		t.Fatalf("entry page lacks its fields or keys:\n%s", page)
	}
	sheet := url.Values{"csrf": {csrf}, "submission_id": {sid}, "lang": {"fr"}, "overall": {"4"}, "pace": {"2"},
		"recommend": {"9"}, "sector": {"2"}, "formats": {"21"}, "comment": {"Écrit à la main"}}
	for i := 0; i < 2; i++ { // the second is Enter pressed twice
		if res, body := keySheet(t, a, cookie, "alpha", sheet); res.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(res.Header.Get("Location"), "/admin/entry/alpha?saved=1") {
			t.Fatalf("post %d: %d to %q\n%s", i+1, res.StatusCode, res.Header.Get("Location"), body)
		}
	}
	rs := stored(t, a.db)
	if len(rs) != 1 {
		t.Fatalf("%d responses stored, want 1", len(rs))
	}
	want := forms.Answers{"overall": {Number: 4}, "pace": {Number: 2}, "recommend": {Number: 9},
		"sector": {Choices: []string{"academia"}}, "formats": {Choices: []string{"talks", "exercises"}}, "comment": {Text: "Écrit à la main"}}
	if r := rs[0]; r.Source != forms.SourcePaper || r.SubmissionID != sid || r.Lang != "fr" || !r.Answers.Equal(want) {
		t.Errorf("stored %+v, want paper, %s, fr, %v", r, sid, want)
	}
	next, _, sid2 := entryPage(t, a, cookie, "alpha")
	if sid2 == sid {
		t.Error("the next sheet has the same submission_id")
	}
	if !strings.Contains(next, "overall: 4") {
		t.Errorf("the keyed sheet is not listed:\n%s", next)
	}

	t.Run("ErrInvalid", func(t *testing.T) {
		bad := url.Values{"csrf": {csrf}, "submission_id": {sid2}, "overall": {"7"}, "sector": {"5"}, "comment": {"kept"}}
		res, body := keySheet(t, a, cookie, "alpha", bad)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="kept"`) || !strings.Contains(body, sid2) {
			t.Errorf("invalid sheet: %d\n%s", res.StatusCode, body)
		}
		if n := a.countResponses(t); n != 1 {
			t.Errorf("%d responses after an invalid sheet, want 1", n)
		}
	})

	t.Run("ClosedWorkshop", func(t *testing.T) {
		// Sheets are keyed after the session, once its form is closed.
		closed := false
		if err := a.db.SetWorkshopOpen(context.Background(), "beta", &closed); err != nil {
			t.Fatal(err)
		}
		a.srv.forgetOverrides()
		v := url.Values{"csrf": {csrf}, "submission_id": {uuid.NewString()}, "overall": {"2"}}
		if res, body := keySheet(t, a, cookie, "beta", v); res.StatusCode != http.StatusSeeOther {
			t.Errorf("keying a closed workshop's sheet: %d\n%s", res.StatusCode, body)
		}
		if res, _ := a.do(t, postForm("/w/beta", url.Values{"submission_id": {uuid.NewString()}, "overall": {"2"}})); res.StatusCode != http.StatusForbidden {
			t.Errorf("the closed form took a response: %d", res.StatusCode)
		}
	})

	t.Run("OtherWaysIn", func(t *testing.T) {
		web := uuid.NewString()
		if res, body := a.do(t, postForm("/w/alpha", url.Values{"submission_id": {web}, "overall": {"3"}})); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("form post: %d\n%s", res.StatusCode, body)
		}
		api := uuid.NewString()
		if res, body := a.do(t, postJSON("/api/v1/workshops/alpha/responses", `{"submission_id":"`+api+`","lang":"en","answers":{"overall":5}}`)); res.StatusCode != http.StatusCreated {
			t.Fatalf("API post: %d\n%s", res.StatusCode, body)
		}
		for sub, src := range map[string]string{web: forms.SourceWeb, api: forms.SourceAPI} {
			r, err := a.db.ResponseBySubmission(context.Background(), sub)
			if err != nil || r.Source != src {
				t.Errorf("response %s: %+v, %v, want source %s", sub, r, err, src)
			}
		}
	})
}

// TestEntryToken checks what each token opens: the entry token the entry
// pages and nothing else, the admin token everything.
func TestEntryToken(t *testing.T) {
	a, _ := mustEntryApp(t, -1)
	cookie := entryLogin(t, a)
	for _, tc := range []struct {
		name, path, token string
		cookie            *http.Cookie
		want              int
	}{
		{"EntryOpensEntry", "/admin/entry/alpha", testEntryToken, nil, http.StatusOK},
		{"EntryOpensIndex", "/admin/entry", testEntryToken, nil, http.StatusOK},
		{"AdminOpensEntry", "/admin/entry/alpha", testToken, nil, http.StatusOK},
		{"CookieOpensEntry", "/admin/entry/beta", "", cookie, http.StatusOK},
		{"ErrEntryOnDashboard", "/admin", testEntryToken, nil, http.StatusForbidden},
		{"ErrEntryOnExport", "/admin/export.xlsx", testEntryToken, nil, http.StatusForbidden},
		{"ErrEntryOnCSV", "/admin/export.csv", testEntryToken, nil, http.StatusForbidden},
		{"ErrEntryOnBackup", "/admin/backup.db", testEntryToken, nil, http.StatusForbidden},
		{"ErrCookieOnDashboard", "/admin", "", cookie, http.StatusForbidden},
		{"ErrCookieOnExport", "/admin/export.xlsx", "", cookie, http.StatusForbidden},
		{"ErrNoToken", "/admin/entry/alpha", "", nil, http.StatusUnauthorized},
		{"ErrUnknownWorkshop", "/admin/entry/nope", testEntryToken, nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := get(tc.path)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.cookie != nil {
				req.AddCookie(tc.cookie)
			}
			if res, body := a.do(t, req); res.StatusCode != tc.want {
				t.Errorf("%s: %d, want %d\n%.300s", tc.path, res.StatusCode, tc.want, body)
			}
		})
	}
	t.Run("BearerPost", func(t *testing.T) {
		req := postForm("/admin/entry/alpha", url.Values{"submission_id": {uuid.NewString()}, "overall": {"5"}},
			"Authorization", "Bearer "+testEntryToken)
		if res, body := a.do(t, req); res.StatusCode != http.StatusSeeOther {
			t.Errorf("Bearer post: %d\n%s", res.StatusCode, body)
		}
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		before := a.countResponses(t)
		res, _ := keySheet(t, a, cookie, "alpha", url.Values{"submission_id": {uuid.NewString()}, "overall": {"5"}})
		if res.StatusCode != http.StatusForbidden || a.countResponses(t) != before {
			t.Errorf("post without CSRF: %d", res.StatusCode)
		}
	})
}

// TestEntryTokenThrottle checks that wrong tokens at the entry pages are
// slowed down as at the rapporteur's, and that both right tokens are let in
// at once while the guesser must wait.
func TestEntryTokenThrottle(t *testing.T) {
	a, advance := mustEntryApp(t, time.Minute)
	try := func(token string) int {
		t.Helper()
		res, _ := a.do(t, get("/admin/entry/alpha", "Authorization", "Bearer "+token))
		return res.StatusCode
	}
	for i := 0; i < loginFreeFailures; i++ {
		if got := try("wrong-entry-token-" + strconv.Itoa(i)); got != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, got)
		}
	}
	if got := try("wrong-entry-token-early"); got != http.StatusTooManyRequests {
		t.Fatalf("a wrong token before the wait is over: %d, want 429", got)
	}
	for _, tok := range []string{testEntryToken, testToken} {
		if got := try(tok); got != http.StatusOK {
			t.Errorf("a right token while the guesser waits: %d, want 200", got)
		}
	}
	res, body := a.do(t, postForm(adminLoginPath, url.Values{"token": {"wrong-entry-token-form"}}))
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a wrong token through the login form while waiting: %d\n%s", res.StatusCode, body)
	}
	advance(time.Minute + time.Second)
	if got := try("wrong-entry-token-late"); got != http.StatusUnauthorized {
		t.Errorf("a wrong token after the wait: %d, want 401", got)
	}
}

// TestEntryRemove keys three sheets and removes the second from the list:
// exactly that response is gone. A response given online cannot be removed
// from the entry page.
func TestEntryRemove(t *testing.T) {
	a, _ := mustEntryApp(t, -1)
	cookie := entryLogin(t, a)
	var sids []string
	for i := 1; i <= 3; i++ {
		_, csrf, sid := entryPage(t, a, cookie, "alpha")
		res, body := keySheet(t, a, cookie, "alpha", url.Values{"csrf": {csrf}, "submission_id": {sid}, "overall": {strconv.Itoa(i)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sheet %d: %d\n%s", i, res.StatusCode, body)
		}
		sids = append(sids, sid)
	}
	web := uuid.NewString()
	if res, _ := a.do(t, postForm("/w/alpha", url.Values{"submission_id": {web}, "overall": {"5"}})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("form post: %d", res.StatusCode)
	}
	page, csrf, _ := entryPage(t, a, cookie, "alpha")
	ids := regexp.MustCompile(`name="id" value="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(ids) != 3 {
		t.Fatalf("%d sheets listed, want the 3 keyed", len(ids))
	}
	second, err := a.db.ResponseBySubmission(context.Background(), sids[1])
	if err != nil {
		t.Fatal(err)
	}
	if ids[1][1] != second.ID { // newest first: the second is in the middle
		t.Fatalf("listed %v, want %s second", ids, second.ID)
	}
	remove := func(id, csrf string) int {
		req := postForm("/admin/entry/alpha/remove", url.Values{"csrf": {csrf}, "id": {id}})
		req.AddCookie(cookie)
		res, _ := a.do(t, req)
		return res.StatusCode
	}
	if got := remove(second.ID, ""); got != http.StatusForbidden {
		t.Errorf("remove without CSRF: %d, want 403", got)
	}
	if got := remove(second.ID, csrf); got != http.StatusSeeOther {
		t.Fatalf("remove: %d, want 303", got)
	}
	left := map[string]bool{}
	for _, r := range stored(t, a.db) {
		left[r.SubmissionID] = true
	}
	if len(left) != 3 || !left[sids[0]] || left[sids[1]] || !left[sids[2]] || !left[web] {
		t.Errorf("left %v, want all but %s", left, sids[1])
	}
	online, err := a.db.ResponseBySubmission(context.Background(), web)
	if err != nil {
		t.Fatal(err)
	}
	if got := remove(online.ID, csrf); got != http.StatusNotFound || a.countResponses(t) != 3 {
		t.Errorf("removing a response given online: %d, %d left", got, a.countResponses(t))
	}
}

// TestEntryTokenConfig checks -entry-token's rules: read from its variable,
// at least 16 characters, not the admin token.
func TestEntryTokenConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	c, err := parseConfig(nil, env(map[string]string{"FEEDBACK_ENTRY_TOKEN": testEntryToken}), io.Discard)
	if err != nil || c.EntryToken != testEntryToken {
		t.Errorf("from FEEDBACK_ENTRY_TOKEN: %q, %v", c.EntryToken, err)
	}
	for name, args := range map[string][]string{
		"ErrShort":     {"-entry-token", "short"},
		"ErrSameToken": {"-admin-token", testToken, "-entry-token", testToken},
	} {
		if _, err := parseConfig(args, env(nil), io.Discard); err == nil {
			t.Errorf("%s: accepted %q", name, args)
		}
	}
}
