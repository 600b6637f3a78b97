package main

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestResultsAccessibility audits the results page, with its tables, quote
// and profile, in English and Arabic, and checks that it has no script: it is
// drawn on the server and works without JavaScript.
func TestResultsAccessibility(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	a := mustAppOn(t, resultsForms(t), func(*config) {})
	storedResults(t, a)
	closed, public := false, true
	if err := a.db.SetWorkshopOpen(context.Background(), "alpha", &closed); err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetWorkshopPublished(context.Background(), "alpha", &public); err != nil {
		t.Fatal(err)
	}
	a.srv.forgetOverrides()
	site := a.serve(t)

	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			ctx := phone(t, browser)
			must(t, ctx, chromedp.Navigate(site+"/w/alpha?lang="+lang))
			if href := eval[string](t, ctx, `(document.querySelector('a[href="/results/alpha"]') || {}).href || ''`); href == "" {
				t.Fatal("the closed form does not link to the results")
			}
			must(t, ctx, chromedp.Navigate(site+"/results/alpha?lang="+lang))
			if got := eval[string](t, ctx, `document.documentElement.lang + ' ' + document.documentElement.dir`); got != lang+" "+a.srv.text.Dir(lang) {
				t.Errorf("<html> lang and dir = %q", got)
			}
			if n := eval[int](t, ctx, `document.scripts.length`); n != 0 {
				t.Errorf("the results page has %d scripts, want none", n)
			}
			if n := eval[int](t, ctx, `document.querySelectorAll('main table').length`); n != 6 {
				t.Errorf("%d tables, want 6 (5 questions and the profile)", n)
			}
			screenshot(t, ctx, "results-"+lang)
			audit(t, ctx, string(axeJS), "results/"+lang)
			checkLayout(t, ctx, "results/"+lang)
		})
	}
}
