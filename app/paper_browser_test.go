package main

import (
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"feedback/forms"
)

// pdfPage is a page object of a PDF: /Type /Page, not /Pages.
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// serveForms serves the real app over the forms file f on a loopback port,
// as startSite does over the small fixture.
func serveForms(t *testing.T, f *forms.Forms) string {
	t.Helper()
	return mustAppOn(t, f, func(*config) {}).serve(t)
}

// printA4 prints the tab's page as Chromium would on A4 paper and returns the
// number of pages.
func printA4(t *testing.T, ctx context.Context) int {
	t.Helper()
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		res, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
		return res.Data, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(pdfPage.FindAll(pdf, -1))
}

// longestTitle is the workshop whose title in lang is the longest: the one
// most likely to spill onto a third page.
func longestTitle(f *forms.Forms, lang string) *forms.Workshop {
	w := f.Workshops[0]
	for _, o := range f.Workshops {
		if len([]rune(o.Title.Get(lang))) > len([]rune(w.Title.Get(lang))) {
			w = o
		}
	}
	return w
}

// TestPaperPrint prints the shipped form's paper page in every language on A4
// (for the workshop with the longest title): at most two pages, without the
// site's header and language switcher.
func TestPaperPrint(t *testing.T) {
	browser := newBrowser(t)
	f := forms.Default()
	site := serveForms(t, f)
	ctx := phone(t, browser)
	for _, lang := range f.Languages {
		w := longestTitle(f, lang)
		must(t, ctx, chromedp.Navigate(site+"/w/"+w.Slug+"/paper?lang="+lang))
		n := printA4(t, ctx)
		t.Logf("%s/%s: %d A4 pages", w.Slug, lang, n)
		if n < 1 || n > 2 {
			t.Errorf("%s/%s: the paper form prints on %d A4 pages, want one or two", w.Slug, lang, n)
		}
	}
	must(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	shown := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('header.top, .langs, .skip')).filter(e => e.getClientRects().length > 0).map(e => e.className)`)
	if len(shown) > 0 {
		t.Errorf("printed, the paper form still shows %v", shown)
	}
}

// TestPaperAccessibility runs axe-core on the paper page on screen, in English
// and Arabic, for the shipped form and for a form with sections, a condition
// and an "other".
func TestPaperAccessibility(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	conditions, err := forms.LoadFile("testdata/conditions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*forms.Forms{"default": forms.Default(), "conditions": conditions} {
		site := serveForms(t, f)
		w := f.Workshops[0]
		for _, lang := range []string{"en", "ar"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				ctx := phone(t, browser)
				must(t, ctx, chromedp.Navigate(site+"/w/"+w.Slug+"/paper?lang="+lang))
				want := map[string]string{"en": "ltr", "ar": "rtl"}[lang]
				if got := eval[string](t, ctx, `document.documentElement.lang + ' ' + document.documentElement.dir`); got != lang+" "+want {
					t.Errorf("<html> lang and dir %q, want %q", got, lang+" "+want)
				}
				screenshot(t, ctx, "paper-"+name+"-"+lang)
				audit(t, ctx, string(axeJS), "paper/"+name+"/"+lang)
			})
		}
	}
}
