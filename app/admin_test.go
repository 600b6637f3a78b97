package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"feedback/forms"
	"feedback/store"
)

// adminSeed stores a few known responses through the real store and returns
// them with their public ids.
func adminSeed(t *testing.T, db *store.DB) []*forms.Response {
	t.Helper()
	texts := []string{
		"Очень полезно: больше практики!",
		"ورشة ممتازة <script>alert(1)</script>",
		"=HYPERLINK(\"https://evil.example\",\"x\")",
		"Plain and simple & useful",
	}
	var out []*forms.Response
	for i := 0; i < 12; i++ {
		slug := "alpha"
		if i%3 == 2 {
			slug = "beta"
		}
		r := &forms.Response{
			SubmissionID: fmt.Sprintf("10000000-0000-4000-8000-%012d", i),
			Workshop:     slug,
			Lang:         []string{"ru", "ar", "en", "fr"}[i%4],
			SubmittedAt:  time.Date(2025, 6, 25, 10, i, 0, 0, time.UTC),
			Answers: forms.Answers{
				"overall":   {Number: 1 + i%5},
				"pace":      {Number: 3 - i%3},
				"recommend": {Number: i % 11},
				"formats":   {Choices: []string{"talks"}},
				"sector":    {Choices: []string{"academia"}},
				"comment":   {Text: texts[i%len(texts)]},
			},
		}
		saved, err := db.SaveResponse(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		r.ID = saved.ID
		out = append(out, r)
	}
	return out
}

func bearerGet(t *testing.T, path string) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+adminTestToken)
	return req
}

// dashboardForms is the small fixture with gamma, which the seed leaves
// without responses, and overall declared as the headline figure.
func dashboardForms(t *testing.T) *forms.Forms {
	t.Helper()
	f := smallWithGamma(t)
	f.Figures.Headline = "overall"
	return f
}

func TestAdminDashboard(t *testing.T) {
	_, app, db := adminTestServerOn(t, adminTestToken, dashboardForms(t))
	rs := adminSeed(t, db)
	res, body := adminDo(t, app, bearerGet(t, "/admin"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	t.Run("Figures", func(t *testing.T) {
		var dg []*forms.Response
		sum := 0
		for _, r := range rs {
			if r.Workshop == "alpha" {
				dg = append(dg, r)
				sum += r.Answers["overall"].Number
			}
		}
		mean := fmt.Sprintf("%.2f", float64(sum)/float64(len(dg)))
		row := overviewRow(t, body, "alpha")
		if !strings.Contains(row, fmt.Sprintf(`<td data-label="Responses">%d</td>`, len(dg))) || !strings.Contains(row, ">"+mean+"</td>") {
			t.Errorf("alpha's row should show %d responses and mean %s:\n%s", len(dg), mean, row)
		}
		section := workshopSection(t, body, "alpha")
		if !strings.Contains(section, fmt.Sprintf("%d responses · mean %s", len(dg), mean)) {
			t.Errorf("alpha's card should show %d responses and mean %s:\n%s", len(dg), mean, section)
		}
		if n := strings.Count(section, `class="dist-bar"`); n != 2 {
			t.Errorf("%d distribution bars for alpha, want one per rating (2)", n)
		}
		// The overall bar's text alternative: every score's count and share.
		counts := map[int]int{}
		for _, r := range dg {
			counts[r.Answers["overall"].Number]++
		}
		overall := section[strings.Index(section, "How was the session?"):]
		for v := 1; v <= 5; v++ {
			cell := fmt.Sprintf("<tr><td>%d</td><td>%d</td><td>%s</td></tr>", v, counts[v], percent(float64(counts[v])/float64(len(dg))))
			if !strings.Contains(overall, cell) {
				t.Errorf("overall's bar should say %q", cell)
			}
		}
		if !strings.Contains(body, "No responses yet.") {
			t.Error("workshops without responses should say so")
		}
	})
	t.Run("NoInlineStyleOrScript", func(t *testing.T) {
		if regexp.MustCompile(`(?i)\sstyle=|<style|<script>`).MatchString(body) {
			t.Error("the dashboard must work under the CSP: no style attribute, style element or script")
		}
		if !regexp.MustCompile(`<script src="/static/dashboard\.[0-9a-f]+\.js" defer></script>`).MatchString(body) ||
			!strings.Contains(body, `id="refresh" class="refresh" data-seconds="30"`) {
			t.Error("the dashboard should refresh itself every 30 s, with a pause button")
		}
	})
	t.Run("CommentsEscaped", func(t *testing.T) {
		if strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Error("a comment must be shown as text, never as HTML")
		}
		if !strings.Contains(body, "Очень полезно: больше практики!") {
			t.Error("Cyrillic comment missing")
		}
	})
	t.Run("Downloads", func(t *testing.T) {
		for _, href := range []string{`href="/admin/export.xlsx"`, `href="/admin/export.csv"`, `href="/admin/export.xlsx?workshop=alpha"`} {
			if !strings.Contains(body, href) {
				t.Errorf("no link %s", href)
			}
		}
	})
}

func TestAdminStar(t *testing.T) {
	_, app, db := adminTestServer(t, adminTestToken)
	rs := adminSeed(t, db)
	cookie := adminLogin(t, app, adminTestToken)
	token := adminCSRF(t, app, cookie)
	target := rs[5] // the Arabic comment that looks like HTML
	star := func(form url.Values, withCookie bool) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/admin/comments/star", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		if withCookie {
			req.AddCookie(cookie)
		}
		res, _ := adminDo(t, app, req)
		return res
	}
	starsNow := func() []store.Star {
		st, err := db.Stars(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	t.Run("ErrNoCSRF", func(t *testing.T) {
		res := star(url.Values{"response": {target.ID}, "question": {"comment"}, "star": {"1"}}, true)
		if res.StatusCode != http.StatusForbidden || len(starsNow()) != 0 {
			t.Fatalf("status %d, %d stars", res.StatusCode, len(starsNow()))
		}
	})
	t.Run("ErrNoSession", func(t *testing.T) {
		res := star(url.Values{"response": {target.ID}, "question": {"comment"}, "star": {"1"}, "csrf": {token}}, false)
		if res.StatusCode != http.StatusUnauthorized || len(starsNow()) != 0 {
			t.Fatalf("status %d, %d stars", res.StatusCode, len(starsNow()))
		}
	})
	t.Run("ErrUnknownComment", func(t *testing.T) {
		res := star(url.Values{"response": {target.ID}, "question": {"beta_idea"}, "star": {"1"}, "csrf": {token}}, true)
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", res.StatusCode)
		}
	})
	t.Run("OK", func(t *testing.T) {
		res := star(url.Values{"response": {target.ID}, "question": {"comment"}, "star": {"1"}, "csrf": {token}}, true)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin") {
			t.Fatalf("status %d location %q", res.StatusCode, res.Header.Get("Location"))
		}
		if st := starsNow(); len(st) != 1 || st[0].ResponseID != target.ID {
			t.Fatalf("stars %+v", st)
		}
		_, body := adminDo(t, app, bearerGet(t, "/admin"))
		quotes := body[strings.Index(body, "<h3>Key quotes</h3>"):strings.Index(body, "<h3>Latest comments</h3>")]
		if !strings.Contains(quotes, "&lt;script&gt;alert(1)") || !strings.Contains(quotes, "Unstar") {
			t.Errorf("the starred comment should come first, under Key quotes:\n%s", quotes)
		}
	})
	t.Run("Unstar", func(t *testing.T) {
		res := star(url.Values{"response": {target.ID}, "question": {"comment"}, "star": {"0"}, "csrf": {token}}, true)
		if res.StatusCode != http.StatusSeeOther || len(starsNow()) != 0 {
			t.Fatalf("status %d, %d stars", res.StatusCode, len(starsNow()))
		}
	})
}
