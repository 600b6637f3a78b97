package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// answeredForm is a valid answer to the small fixture's questionnaire.
func answeredForm(lang string) url.Values {
	return url.Values{
		"submission_id": {uuid.NewString()},
		"lang":          {lang},
		"overall":       {"4"},
		"pace":          {"3"},
		"comment":       {"Stewards for open data"},
	}
}

// organizerLogin logs in through the login page and returns the session
// cookie and the CSRF token the workshops page renders for it.
func organizerLogin(t *testing.T, a *testApp) (*http.Cookie, string) {
	t.Helper()
	res, body := a.do(t, postForm("/admin/login", url.Values{"token": {testToken}, "next": {"/admin/workshops"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d: %s", res.StatusCode, body)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("login set no session cookie")
	}
	req := get("/admin/workshops", "Accept", "text/html")
	req.AddCookie(cookie)
	res, body = a.do(t, req)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("workshops page: %d, csrf field found: %v", res.StatusCode, m != nil)
	}
	return cookie, m[1]
}

// setWorkshop presses one of the organizer's buttons with the admin token.
func setWorkshop(t *testing.T, a *testApp, slug, action string) {
	t.Helper()
	res, body := a.do(t, postForm("/admin/workshops/"+slug, url.Values{"action": {action}}, "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s %s: %d: %s", action, slug, res.StatusCode, body)
	}
}

func TestOrganizerClosesWorkshop(t *testing.T) {
	a := mustApp(t)
	const slug = "beta"
	setWorkshop(t, a, slug, "close")

	t.Run("FormSaysClosed", func(t *testing.T) {
		for _, lang := range a.srv.forms.Languages {
			res, body := a.do(t, get("/w/"+slug+"?lang="+lang))
			title := a.srv.forms.Workshop(slug).Title.Get(lang)
			want := a.srv.text.Tf(lang, "closed_body", "title", title)
			if res.StatusCode != 200 || !strings.Contains(body, htmlText(want)) || strings.Contains(body, `name="submission_id"`) {
				t.Errorf("%s: %d; want the closed notice %q and no form", lang, res.StatusCode, want)
			}
			if strings.Contains(body, htmlText(a.srv.text.Tf(lang, "closed_opens", "time", ""))) {
				t.Errorf("%s: a form closed by the organizer promises an opening time", lang)
			}
		}
		_, body := a.do(t, get("/?lang=en"))
		if strings.Contains(body, `href="/w/`+slug+`"`) {
			t.Error("the list still links to a closed workshop")
		}
	})

	t.Run("ErrPostRefused", func(t *testing.T) {
		for _, lang := range []string{"en", "ar", "fr"} {
			res, body := a.do(t, postForm("/w/"+slug, answeredForm(lang)))
			want := mustCatalog(t).T(lang, forms.MsgClosed)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, htmlText(want)) {
				t.Errorf("%s: POST after closing: %d, want 403 with %q", lang, res.StatusCode, want)
			}
		}
		res, body := a.do(t, postJSON("/api/v1/workshops/"+slug+"/responses",
			`{"submission_id":"`+uuid.NewString()+`","lang":"fr","answers":{"overall":4,"pace":3}}`))
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, mustCatalog(t).T("fr", forms.MsgClosed)) {
			t.Errorf("API after closing: %d %s", res.StatusCode, body)
		}
		if n := a.countResponses(t); n != 0 {
			t.Errorf("%d responses stored for a closed workshop", n)
		}
	})

	t.Run("OtherWorkshopsOpen", func(t *testing.T) {
		if res, _ := a.do(t, postForm("/w/alpha", answeredForm("en"))); res.StatusCode != http.StatusSeeOther {
			t.Errorf("another workshop: %d, want 303", res.StatusCode)
		}
	})

	t.Run("Reopen", func(t *testing.T) {
		setWorkshop(t, a, slug, "open")
		before := a.countResponses(t)
		if res, _ := a.do(t, postForm("/w/"+slug, answeredForm("en"))); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after reopening: %d, want 303", res.StatusCode)
		}
		if n := a.countResponses(t); n != before+1 {
			t.Errorf("%d responses after reopening, want %d", n, before+1)
		}
	})
}

func TestScheduledWorkshop(t *testing.T) {
	a := mustApp(t)
	now := time.Date(2025, 6, 25, 8, 0, 0, 0, time.UTC)
	a.srv.now = func() time.Time { return now }
	w := a.srv.forms.Workshop("beta")
	w.OpensAt = now.Add(90 * time.Minute)
	w.ClosesAt = now.Add(5 * time.Hour)

	t.Run("ClosedUntilItOpens", func(t *testing.T) {
		for _, lang := range a.srv.forms.Languages {
			res, body := a.do(t, get("/w/"+w.Slug+"?lang="+lang))
			want := a.srv.text.Tf(lang, "closed_opens", "time", "2025-06-25 09:30 UTC")
			if res.StatusCode != 200 || !strings.Contains(body, htmlText(want)) {
				t.Errorf("%s: want %q on the closed page", lang, want)
			}
		}
		res, body := a.do(t, postForm("/w/"+w.Slug, answeredForm("ar")))
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, htmlText(mustCatalog(t).T("ar", forms.MsgClosed))) ||
			!strings.Contains(body, "2025-06-25 09:30 UTC") {
			t.Errorf("POST before opening: %d", res.StatusCode)
		}
		_, body = a.do(t, get("/?lang=en"))
		if !strings.Contains(body, htmlText(a.srv.text.Tf("en", "workshop_opens_at", "time", "2025-06-25 09:30 UTC"))) {
			t.Error("the list does not say when the workshop opens")
		}
	})

	t.Run("OrganizerOpensEarly", func(t *testing.T) {
		setWorkshop(t, a, w.Slug, "open")
		if res, _ := a.do(t, postForm("/w/"+w.Slug, answeredForm("en"))); res.StatusCode != http.StatusSeeOther {
			t.Errorf("opened by the organizer: %d, want 303", res.StatusCode)
		}
		setWorkshop(t, a, w.Slug, "schedule")
		if res, _ := a.do(t, postForm("/w/"+w.Slug, answeredForm("en"))); res.StatusCode != http.StatusForbidden {
			t.Errorf("back on schedule: %d, want 403", res.StatusCode)
		}
	})

	t.Run("ClosesOnTime", func(t *testing.T) {
		now = w.ClosesAt
		a.srv.forgetOverrides()
		before := a.countResponses(t)
		res, body := a.do(t, postForm("/w/"+w.Slug, answeredForm("fr")))
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, htmlText(mustCatalog(t).T("fr", forms.MsgClosed))) {
			t.Errorf("POST at closing time: %d", res.StatusCode)
		}
		if n := a.countResponses(t); n != before {
			t.Errorf("a response was stored after closing (%d → %d)", before, n)
		}
	})
}

func TestOrganizerPageAccess(t *testing.T) {
	a := mustApp(t)
	const slug = "alpha"
	closed := func() bool {
		o, err := a.db.WorkshopOverrides(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		open, ok := o[slug]
		return ok && !open
	}

	t.Run("ErrNoToken", func(t *testing.T) {
		res, _ := a.do(t, postForm("/admin/workshops/"+slug, url.Values{"action": {"close"}}))
		if res.StatusCode != http.StatusUnauthorized || closed() {
			t.Errorf("without the token: %d, closed=%v", res.StatusCode, closed())
		}
		if res, _ := a.do(t, get("/admin/workshops")); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("page without the token: %d", res.StatusCode)
		}
	})

	cookie, csrf := organizerLogin(t, a)

	t.Run("ErrNoCSRF", func(t *testing.T) {
		req := postForm("/admin/workshops/"+slug, url.Values{"action": {"close"}})
		req.AddCookie(cookie)
		if res, _ := a.do(t, req); res.StatusCode != http.StatusForbidden || closed() {
			t.Errorf("without the CSRF token: %d, closed=%v", res.StatusCode, closed())
		}
	})

	t.Run("ErrBadAction", func(t *testing.T) {
		req := postForm("/admin/workshops/"+slug, url.Values{"action": {"explode"}, "csrf": {csrf}})
		req.AddCookie(cookie)
		if res, _ := a.do(t, req); res.StatusCode != http.StatusBadRequest || closed() {
			t.Errorf("unknown action: %d", res.StatusCode)
		}
		req = postForm("/admin/workshops/no-such-workshop", url.Values{"action": {"close"}, "csrf": {csrf}})
		req.AddCookie(cookie)
		if res, _ := a.do(t, req); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown workshop: %d", res.StatusCode)
		}
	})

	t.Run("OK", func(t *testing.T) {
		req := postForm("/admin/workshops/"+slug, url.Values{"action": {"close"}, "csrf": {csrf}})
		req.AddCookie(cookie)
		res, _ := a.do(t, req)
		if res.StatusCode != http.StatusSeeOther || !closed() {
			t.Fatalf("close with session and CSRF: %d, closed=%v", res.StatusCode, closed())
		}
		req = get("/admin/workshops", "Accept", "text/html")
		req.AddCookie(cookie)
		_, body := a.do(t, req)
		row := body[strings.Index(body, `id="w-`+slug+`"`):]
		row = row[:strings.Index(row, "</li>")]
		if !strings.Contains(row, "Closed") || !strings.Contains(row, `value="open"`) || !strings.Contains(row, `value="schedule"`) {
			t.Errorf("the page does not show the decision:\n%s", row)
		}
	})
}

// htmlText is s as html/template escapes it in a page.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
