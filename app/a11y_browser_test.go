package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"feedback/forms"
)

// axeResult is the part of axe-core's report the test prints.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe-core (vendored from the npm registry in testdata/axe, with
// its licence) in the page, with every rule axe runs by default: WCAG 2.0 and
// 2.1 A and AA, and best practices.
func axeRun(t *testing.T, ctx context.Context, axe, page string) []axeViolation {
	t.Helper()
	if !eval[bool](t, ctx, `typeof axe !== 'undefined'`) {
		must(t, ctx, chromedp.Evaluate[chromedp.Void](axe))
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", page, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%s: axe report: %v", page, err)
	}
	return vs
}

// audit fails on any violation axe finds.
func audit(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	for _, v := range axeRun(t, ctx, axe, page) {
		t.Errorf("%s: axe %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

// checkLayout checks what axe does not: no sideways scrolling at 320 px wide
// and at 200 % text, and tap targets of at least 44 × 44 px.
func checkLayout(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	small := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('a:not(.skip), button, .choice, textarea')).filter(e => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && (r.width < 44 || r.height < 44);
	}).map(e => e.outerHTML.slice(0, 80))`)
	for _, s := range small {
		t.Errorf("%s: tap target under 44 px: %s", page, s)
	}
	must(t, ctx, chromedp.EmulateViewport(320, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	defer must(t, ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	for _, size := range []string{"100%", "200%"} {
		must(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.style.fontSize = '`+size+`'`))
		over := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
		if over > 0 {
			wide := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('body *')).filter(e => {
				const r = e.getBoundingClientRect(); return r.right > document.documentElement.clientWidth + 1 || r.left < -1;
			}).slice(0, 5).map(e => e.outerHTML.slice(0, 100))`)
			t.Errorf("%s: at 320 px wide and %s text the page scrolls sideways by %d px:\n  %s", page, size, over, strings.Join(wide, "\n  "))
		}
		if size == "200%" {
			screenshot(t, ctx, strings.ReplaceAll(page, "/", "-")+"-320px-200pc")
		}
		must(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.style.fontSize = ''`))
	}
}

func TestAccessibility(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	site := startSite(t, nil)
	// One workshop closed by the organizer, for the closed page; and a
	// response with a comment, so the dashboard has charts and quotes.
	closedSlug := "beta"
	closed := false
	if err := site.db.SetWorkshopOpen(context.Background(), closedSlug, &closed); err != nil {
		t.Fatal(err)
	}
	site.srv.forgetOverrides()
	if _, err := site.db.SaveResponse(context.Background(), &forms.Response{SubmissionID: uuid.NewString(), Workshop: slug, Lang: "ar",
		Answers: forms.Answers{"overall": {Number: 4}, "pace": {Number: 3}, "comment": {Text: "مفيد جدا"}}}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			ctx := phone(t, browser)
			check := func(page string) {
				t.Helper()
				dir := eval[string](t, ctx, `document.documentElement.dir`)
				if got := eval[string](t, ctx, `document.documentElement.lang`); got != lang || dir != site.srv.text.Dir(lang) {
					t.Errorf("%s: <html lang=%q dir=%q>, want %q %q", page, got, dir, lang, site.srv.text.Dir(lang))
				}
				screenshot(t, ctx, page+"-"+lang)
				audit(t, ctx, axe, page+"/"+lang)
				checkLayout(t, ctx, page+"/"+lang)
			}

			must(t, ctx, chromedp.Navigate(site.url+"/?lang="+lang))
			check("list")

			must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug))
			check("form")
			focusVisible(t, ctx, lang)

			must(t, ctx, chromedp.Click(chromedp.ID("f-pace-2")), chromedp.Click(chromedp.CSS("button.send")))
			waitFor(t, ctx, "the error summary", `document.getElementById('errors')`, 10*time.Second)
			check("form-errors")

			must(t, ctx, chromedp.Click(chromedp.ID("f-overall-4")), chromedp.Click(chromedp.CSS("button.send")))
			onThanks(t, ctx)
			check("thanks")

			must(t, ctx, chromedp.Navigate(site.url+"/w/"+closedSlug))
			check("closed")

			must(t, ctx, chromedp.Navigate(site.url+"/w/no-such-workshop"))
			check("not-found")
		})
	}

	// The rapporteur's pages are in English; audit them as she meets them:
	// the login page, a wrong token, then every page behind the login.
	t.Run("Admin", func(t *testing.T) {
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/admin/"))
		audit(t, ctx, axe, "login")
		must(t, ctx, chromedp.SendKeys("#token", "wrong-token"), chromedp.Submit("#token"))
		waitFor(t, ctx, "the login error", `document.getElementById('errors')`, 10*time.Second)
		audit(t, ctx, axe, "login-error")
		must(t, ctx, chromedp.SetValue("#token", testToken), chromedp.Submit("#token"))
		waitFor(t, ctx, "the dashboard", `document.querySelector('h1') && document.querySelector('h1').textContent === 'Results'`, 10*time.Second)
		// The live updates show, and can be paused (WCAG 2.2.1); the
		// script may run a moment after the heading is there.
		waitFor(t, ctx, "the live updates control", `!document.getElementById('refresh').hidden`, 10*time.Second)
		if got := eval[string](t, ctx, `document.getElementById('refresh').hidden ? 'hidden' : document.querySelector('#refresh button').textContent`); got != "Pause updates" {
			t.Errorf("refresh control = %q", got)
		}
		screenshot(t, ctx, "dashboard")
		audit(t, ctx, axe, "dashboard")
		checkLayout(t, ctx, "dashboard")
		must(t, ctx, chromedp.Click(chromedp.CSS("#refresh button")))
		if got := eval[string](t, ctx, `document.querySelector('#refresh button').textContent + ' / ' + document.querySelector('.refresh-status').textContent`); got != "Resume updates / Updates paused: reload the page to see new responses." {
			t.Errorf("after pausing: %q", got)
		}
		for _, p := range []string{"/admin/workshops", "/admin/posters", "/admin/forms"} {
			must(t, ctx, chromedp.Navigate(site.url+p))
			audit(t, ctx, axe, p)
			if p != "/admin/posters" { // A4 pages to print, not read on a phone
				checkLayout(t, ctx, p)
			}
		}
	})

	// The audit can fail: a field without its label and low-contrast text
	// added to a real page must be reported.
	t.Run("Canary", func(t *testing.T) {
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('label[for=f-comment]').remove();
				const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#bbb'; document.getElementById('main').append(p);`))
		found := map[string]bool{}
		for _, v := range axeRun(t, ctx, axe, "canary") {
			found[v.ID] = true
		}
		if !found["label"] || !found["color-contrast"] {
			t.Errorf("axe missed a broken page: found %v, want label and color-contrast", found)
		}
	})
}

// focusVisible checks that the keyboard focus is drawn on a choice and a text
// field: an outline of at least 2 px.
func focusVisible(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	for _, c := range []struct{ focus, styled string }{
		{"#f-overall-3", "#f-overall-3"},
		{"#f-comment", "#f-comment"},
	} {
		js := fmt.Sprintf(`(() => { document.querySelector(%q).focus();
			const e = document.querySelector(%q).closest('.choice') || document.querySelector(%q);
			const s = getComputedStyle(e); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()`, c.focus, c.styled, c.styled)
		if !eval[bool](t, ctx, js) {
			t.Errorf("form/%s: no visible focus on %s", lang, c.focus)
		}
	}
	must(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
}
