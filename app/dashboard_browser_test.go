package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"feedback/forms"
)

// dashboardSeed stores n responses as participants would leave them: alpha
// answers everything, beta only the headline, and some comments in Arabic
// and Russian; it codes some comments with themes and stars one.
func dashboardSeed(t *testing.T, a *testApp, n int) {
	t.Helper()
	ctx := context.Background()
	texts := []string{"More time for the exercises, please.", "مفيد جدا، شكرا", "Очень полезно: больше практики!", "The case studies were the best part."}
	var ids []string
	for i := 0; i < n; i++ {
		answers := forms.Answers{"overall": {Number: 2 + i/3%4}, "comment": {Text: fmt.Sprintf("%s (%d)", texts[i%len(texts)], i)}}
		slug := "beta"
		if i%3 != 0 {
			answers["overall"] = forms.Answer{Number: 1 + (i*7+i/3)%5}
			slug = "alpha"
			answers["later"] = forms.Answer{Number: 2 + i%4}
			answers["pace"] = forms.Answer{Number: 1 + i%3}
			answers["recommend"] = forms.Answer{Number: (i * 3) % 11}
		}
		saved, err := a.db.SaveResponse(ctx, &forms.Response{SubmissionID: fmt.Sprintf("50000000-0000-4000-8000-%012d", i), Workshop: slug,
			Lang: []string{"en", "ar", "ru", "en"}[i%4], SubmittedAt: time.Date(2026, 6, 25, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
			Answers: answers})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, saved.ID)
	}
	for i, id := range ids[:40] {
		if err := a.db.TagComment(ctx, id, "comment", []string{"skills", "digital", "skills"}[i%3], true); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.db.StarComment(ctx, ids[n-2], "comment", true); err != nil {
		t.Fatal(err)
	}
}

// adminTab opens a tab of its own at width × height and logs in.
func adminTab(t *testing.T, browser context.Context, site string, width, height int64, mobile bool) context.Context {
	t.Helper()
	ctx := phone(t, browser)
	if !mobile {
		must(t, ctx, chromedp.EmulateViewport(width, height))
	}
	must(t, ctx, chromedp.Navigate(site+"/admin/"), chromedp.SetValue("#token", testToken), chromedp.Submit("#token"))
	waitFor(t, ctx, "the dashboard", `document.querySelector('h1') && document.querySelector('h1').textContent.endsWith('Results')`, 10*time.Second)
	return ctx
}

// TestDashboardInBrowser looks at the dashboard of over a thousand
// responses on a laptop and on a phone: the workshops side by side at
// 1,280 px, one column at 360 and 320 px, axe-core clean on both, and every
// figure there without JavaScript.
func TestDashboardInBrowser(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	a := mustAppOn(t, summaryForms(t), func(*config) {})
	dashboardSeed(t, a, 1234)
	site := a.serve(t)

	t.Run("Laptop", func(t *testing.T) {
		ctx := adminTab(t, browser, site, 1280, 800, false)
		screenshot(t, ctx, "dashboard-1280")
		audit(t, ctx, string(axeJS), "dashboard/1280")
		if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('.side-by-side thead')).display`); got != "table-header-group" {
			t.Errorf("at 1,280 px the workshops should be a table side by side; its head is display: %s", got)
		}
		if n := eval[int](t, ctx, `new Set(Array.from(document.querySelectorAll('.card')).map(c => Math.round(c.getBoundingClientRect().left))).size`); n < 2 {
			t.Errorf("at 1,280 px the workshop cards should stand in columns, found %d", n)
		}
		// The comparison chart's names stand beside their bars.
		if !eval[bool](t, ctx, `(() => { const li = document.querySelector('.compare-rows li');
			return li.querySelector('.compare-name').getBoundingClientRect().right <= li.querySelector('.compare-bar').getBoundingClientRect().left; })()`) {
			t.Error("at 1,280 px the comparison chart's names should be beside the bars")
		}
		if over := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
			t.Errorf("at 1,280 px the page scrolls sideways by %d px", over)
		}
	})

	t.Run("Phone", func(t *testing.T) {
		ctx := adminTab(t, browser, site, phoneWidth, phoneHeight, true)
		screenshot(t, ctx, "dashboard-360")
		audit(t, ctx, string(axeJS), "dashboard/360")
		checkLayout(t, ctx, "dashboard")
	})

	t.Run("NoJavaScript", func(t *testing.T) {
		ctx := adminTab(t, browser, site, 1280, 800, false)
		scripts(t, ctx, false)
		must(t, ctx, chromedp.Reload())
		scripts(t, ctx, true) // for the test's own evaluations; dashboard.js did not run
		if !eval[bool](t, ctx, `document.getElementById('refresh').hidden`) {
			t.Error("the refresh control is the script's; without it the page should not offer it")
		}
		res, body := a.do(t, get("/admin/summary.json", "Authorization", "Bearer "+testToken))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("summary.json: %d", res.StatusCode)
		}
		var doc summaryDoc
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		for _, ws := range doc.Workshops {
			row := eval[string](t, ctx, `(Array.from(document.querySelectorAll('.side-by-side tbody tr')).find(r => r.querySelector('a[href="#w-`+ws.Slug+`"]')) || {}).innerText || ''`)
			want := []string{ws.Title, thousands(ws.Responses)}
			if m := ws.Means["overall"]; m != nil {
				want = append(want, fmt.Sprintf("%.2f", *m))
			}
			if ws.Gain != nil {
				want = append(want, fmt.Sprintf("%+.2f", *ws.Gain))
			}
			if ws.NPS != nil {
				want = append(want, strconv.FormatFloat(*ws.NPS, 'f', 0, 64))
			}
			for _, w := range want {
				if !strings.Contains(row, w) {
					t.Errorf("%s: without JavaScript the row %q lacks %q", ws.Slug, row, w)
				}
			}
		}
		// A bar for every rating answered, "No answers yet" for the others.
		shown := eval[int](t, ctx, `Array.from(document.querySelectorAll('.dist')).filter(e => e.querySelector('.dist-bar, .hint') && e.getBoundingClientRect().height > 0).length`)
		bars := eval[int](t, ctx, `Array.from(document.querySelectorAll('.dist-bar')).filter(e => e.getBoundingClientRect().width > 0).length`)
		ratings, answered := 0, 0
		for _, w := range doc.Workshops {
			for id, mean := range w.Means {
				if a.srv.forms.Workshop(w.Slug).Question(id) != nil {
					ratings++
				}
				if mean != nil {
					answered++
				}
			}
		}
		if shown != ratings || bars != answered {
			t.Errorf("without JavaScript %d ratings shown and %d bars drawn, want %d and %d", shown, bars, ratings, answered)
		}
		if n := eval[int](t, ctx, `Array.from(document.querySelectorAll('.compare-bar')).filter(e => e.getBoundingClientRect().width > 0).length`); n != len(doc.Workshops) {
			t.Errorf("%d comparison bars shown without JavaScript, want %d", n, len(doc.Workshops))
		}
	})
}
