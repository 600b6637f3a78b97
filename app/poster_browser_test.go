package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestPostersPrint prints /admin/posters in Chromium, as the organizer would,
// and counts the A4 pages: one per workshop, nothing spilling over.
func TestPostersPrint(t *testing.T) {
	browser := newBrowser(t)
	site := startSite(t, nil)
	ctx := phone(t, browser)
	must(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Authorization": "Bearer " + testToken},
		})
		return err
	}))
	must(t, ctx, chromedp.Navigate(site.url+"/admin/posters"))
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		prefer := true
		res, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &prefer})
		return res.Data, err
	})
	if err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type\s*/Page\b[^s]`).FindAll(pdf, -1)
	if want := len(site.srv.forms.Workshops); len(pages) != want {
		t.Errorf("the posters print on %d pages, want %d (one per workshop)", len(pages), want)
	}
	a4 := regexp.MustCompile(`/MediaBox\s*\[0 0 59[45]\.?\d* 84[12]\.?\d*\]`)
	if n := len(a4.FindAll(pdf, -1)); n != len(pages) || bytes.Contains(pdf, []byte("/MediaBox [0 0 612 792]")) {
		t.Errorf("%d of %d pages are A4", n, len(pages))
	}
}
