package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The form of testdata/conditions.yaml in Chromium, as a participant sees it:
// with JavaScript one page whose follow-ups appear as she answers; without
// it the same form in pages. axe-core audits every page, in English and in
// Arabic.

// scripts turns the tab's JavaScript on or off. The test's own evaluations
// need it on, so a page without it is audited by turning it on after the
// page has loaded (form.js, deferred, has then already been skipped).
func scripts(tb testing.TB, ctx context.Context, on bool) {
	tb.Helper()
	must(tb, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	}))
}

func TestConditionsInBrowser(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	shown := func(ctx context.Context, id string) bool {
		return eval[bool](t, ctx, `!document.getElementById('q-`+id+`').hidden`)
	}
	for _, lang := range []string{"en", "ar"} {
		t.Run("JavaScript/"+lang, func(t *testing.T) {
			a := conditionsApp(t)
			site := a.serve(t)
			ctx := phone(t, browser)
			must(t, ctx, chromedp.Navigate(site+"/w/plenary?lang="+lang))
			waitFor(t, ctx, "the form", `document.querySelector('form.feedback') && document.readyState === 'complete'`, 10*time.Second)
			if shown(ctx, "went_wrong") || !shown(ctx, "role") || !shown(ctx, "last") || shown(ctx, "role_other") {
				t.Fatal("one page should show rating, role and last, and no follow-up yet")
			}
			if eval[bool](t, ctx, `!!document.querySelector('button[name=nav]') || !document.querySelector('[data-paged]').hidden`) {
				t.Error("the one page still has Back or 'page 1 of 3'")
			}
			audit(t, ctx, axe, "conditions-js/"+lang)
			must(t, ctx, chromedp.Click(chromedp.ID("f-rating-2")))
			waitFor(t, ctx, "the follow-up after a low rating", `!document.getElementById('q-went_wrong').hidden`, 5*time.Second)
			screenshot(t, ctx, "conditions-js-low-"+lang)
			audit(t, ctx, axe, "conditions-js-low/"+lang)
			must(t, ctx, chromedp.SendKeys(chromedp.ID("f-went_wrong"), "typed, then the rating changed"), chromedp.Click(chromedp.ID("f-rating-5")))
			waitFor(t, ctx, "the follow-up hidden after a high rating", `document.getElementById('q-went_wrong').hidden`, 5*time.Second)
			must(t, ctx, chromedp.Click(chromedp.ID("f-role-other")))
			waitFor(t, ctx, "the other text box", `!document.getElementById('q-role_other').hidden`, 5*time.Second)
			audit(t, ctx, axe, "conditions-js-other/"+lang)
			must(t, ctx, chromedp.SendKeys(chromedp.ID("f-role_other"), "Parliament"), chromedp.Click(chromedp.CSS("button.send")))
			onThanks(t, ctx)
			rs := storedResponses(t, a.db)
			if len(rs) != 1 || rs[0].Answers["rating"].Number != 5 || rs[0].Answers["role_other"].Text != "Parliament" || len(rs[0].Answers) != 3 {
				t.Fatalf("stored %+v", rs)
			}
		})
		t.Run("NoJavaScript/"+lang, func(t *testing.T) {
			a := conditionsApp(t)
			site := a.serve(t)
			ctx := phone(t, browser)
			page := func(name string) {
				t.Helper()
				scripts(t, ctx, true)
				waitFor(t, ctx, "the page", `document.readyState === 'complete'`, 10*time.Second)
				screenshot(t, ctx, "conditions-nojs-"+name+"-"+lang)
				audit(t, ctx, axe, "conditions-nojs-"+name+"/"+lang)
				scripts(t, ctx, false)
			}
			scripts(t, ctx, false)
			must(t, ctx, chromedp.Navigate(site+"/w/plenary?lang="+lang))
			page("1")
			if !shown(ctx, "rating") || shown(ctx, "went_wrong") || shown(ctx, "role") {
				t.Fatal("page 1 should ask the rating only")
			}
			must(t, ctx, chromedp.Click(chromedp.ID("f-rating-1")), chromedp.Click(chromedp.CSS("button.send")))
			waitFor(t, ctx, "page 2", `document.querySelector('input[name=page]') && document.querySelector('input[name=page]').value === '2'`, 10*time.Second)
			page("2")
			if !shown(ctx, "went_wrong") || !shown(ctx, "role") || shown(ctx, "rating") {
				t.Fatal("page 2 after a low rating should ask what went wrong and the role")
			}
			must(t, ctx, chromedp.SendKeys(chromedp.ID("f-went_wrong"), "The room was too hot"), chromedp.Click(chromedp.CSS("button.back")))
			waitFor(t, ctx, "back on page 1", `document.querySelector('input[name=page]').value === '1'`, 10*time.Second)
			if !eval[bool](t, ctx, `document.getElementById('f-rating-1').checked`) {
				t.Fatal("going back lost the rating")
			}
			must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
			waitFor(t, ctx, "page 2 again", `document.querySelector('input[name=page]').value === '2'`, 10*time.Second)
			if got := eval[string](t, ctx, `document.getElementById('f-went_wrong').value`); got != "The room was too hot" {
				t.Fatalf("going back and on lost the answer on page 2: %q", got)
			}
			must(t, ctx, chromedp.Click(chromedp.ID("f-role-other")), chromedp.Click(chromedp.CSS("button.send")))
			waitFor(t, ctx, "page 3", `document.querySelector('input[name=page]').value === '3'`, 10*time.Second)
			page("3")
			if !shown(ctx, "role_other") || !shown(ctx, "last") {
				t.Fatal("page 3 after 'other' should ask what it is")
			}
			must(t, ctx, chromedp.SendKeys(chromedp.ID("f-role_other"), "Parliament"), chromedp.Click(chromedp.CSS("button.send")))
			onThanks(t, ctx)
			rs := storedResponses(t, a.db)
			if len(rs) != 1 || rs[0].Answers["rating"].Number != 1 || rs[0].Answers["went_wrong"].Text != "The room was too hot" ||
				rs[0].Answers["role"].Choices[0] != "other" || rs[0].Answers["role_other"].Text != "Parliament" {
				t.Fatalf("stored %+v", rs)
			}
		})
	}
}

// TestConditionsRestored: with JavaScript, a follow-up typed on the phone is
// kept in its storage; after a reload the rating comes back, its follow-up
// shows again with the text typed, and the response sent is the whole one.
func TestConditionsRestored(t *testing.T) {
	browser := newBrowser(t)
	a := conditionsApp(t)
	site := a.serve(t)
	ctx := phone(t, browser)
	must(t, ctx, chromedp.Navigate(site+"/w/plenary"))
	waitFor(t, ctx, "the form", `document.querySelector('form.feedback') && document.readyState === 'complete'`, 10*time.Second)
	must(t, ctx, chromedp.Click(chromedp.ID("f-rating-1")))
	waitFor(t, ctx, "the follow-up", `!document.getElementById('q-went_wrong').hidden`, 5*time.Second)
	must(t, ctx, chromedp.SendKeys(chromedp.ID("f-went_wrong"), "Too hot"))
	must(t, ctx, chromedp.Reload())
	waitFor(t, ctx, "the form again", `document.querySelector('form.feedback') && document.readyState === 'complete'`, 10*time.Second)
	waitFor(t, ctx, "the restored follow-up", `!document.getElementById('q-went_wrong').hidden && document.getElementById('f-went_wrong').value === 'Too hot' && document.getElementById('f-rating-1').checked`, 5*time.Second)
	must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
	onThanks(t, ctx)
	rs := storedResponses(t, a.db)
	if len(rs) != 1 || rs[0].Answers["rating"].Number != 1 || rs[0].Answers["went_wrong"].Text != "Too hot" {
		t.Fatalf("stored %+v", rs)
	}
}
