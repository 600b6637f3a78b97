package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"feedback/forms"
)

// The deck is read from the back of a hall on a 1280 × 720 projector and
// printed as one landscape page per slide; the report is one A4 page.

const (
	hallWidth  = 1280
	hallHeight = 720
)

// hallTab opens a tab at the projector's size that sends the rapporteur's
// token with every request.
func hallTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	must(t, ctx, chromedp.EmulateViewport(hallWidth, hallHeight))
	tctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(tcancel)
	must(t, tctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Authorization": "Bearer " + testToken},
		})
		return err
	}))
	return tctx
}

// slideProblems shows every slide in turn and reports text under 28 px,
// a slide whose content overflows it, and content that runs into the band
// at its foot (where the links and the slide number are).
const slideProblems = `(() => {
	const out = [];
	const slides = Array.from(document.querySelectorAll('.slide'));
	const was = slides.findIndex(s => s.classList.contains('current'));
	slides.forEach((s, i) => {
		slides.forEach(o => o.classList.toggle('current', o === s));
		const n = i + 1;
		if (s.scrollHeight > s.clientHeight || s.scrollWidth > s.clientWidth) {
			out.push('slide ' + n + ' overflows: ' + s.scrollWidth + '×' + s.scrollHeight + ' in ' + s.clientWidth + '×' + s.clientHeight);
		}
		const box = s.getBoundingClientRect();
		const foot = box.bottom - parseFloat(getComputedStyle(s).paddingBottom);
		s.querySelectorAll('*').forEach(e => {
			if (e.closest('.vh, .slide-n, .report-link, svg') || e.getClientRects().length === 0) return;
			const text = Array.from(e.childNodes).some(c => c.nodeType === 3 && c.textContent.trim() !== '');
			const size = parseFloat(getComputedStyle(e).fontSize);
			if (text && size < 28) out.push('slide ' + n + ': ' + size + ' px text: ' + e.outerHTML.slice(0, 80));
			const r = e.getBoundingClientRect();
			if (r.bottom > foot + 1 || r.right > box.right + 1) out.push('slide ' + n + ': past the slide: ' + e.outerHTML.slice(0, 80));
		});
	});
	slides.forEach((o, i) => o.classList.toggle('current', i === was));
	return out;
})()`

// printDeck prints the tab's deck at the size its stylesheet asks and
// checks that each of its total slides is one 1280 × 720 page.
func printDeck(t *testing.T, ctx context.Context, total int) {
	t.Helper()
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		prefer := true
		res, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &prefer})
		return res.Data, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(pdfPage.FindAll(pdf, -1)); pages != total {
		t.Errorf("the deck prints on %d pages, want %d (one per slide)", pages, total)
	}
	// 1280 × 720 px is 960 × 540 pt: landscape.
	if n := len(regexp.MustCompile(`/MediaBox\s*\[0 0 960 540\]`).FindAll(pdf, -1)); n != total {
		t.Errorf("%d of the pages are 1280 × 720, want %d", n, total)
	}
}

func TestPresentBrowser(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	fx := newDeckFixture(t)
	site := fx.serve(t)
	_, body := fx.admin(t, "/admin/present")
	total := len(slides(t, body))

	t.Run("Slide", func(t *testing.T) {
		ctx := hallTab(t, browser)
		must(t, ctx, chromedp.Navigate(site+"/admin/present?slide=2"))
		screenshot(t, ctx, "present-workshop")
		audit(t, ctx, string(axeJS), "present?slide=2")
		must(t, ctx, chromedp.Navigate(site+"/admin/present?slide="+strconv.Itoa(total-1)))
		screenshot(t, ctx, "present-theme")
		audit(t, ctx, string(axeJS), "present (a theme)")
		for _, n := range []int{1, total - 2} {
			must(t, ctx, chromedp.Navigate(site+"/admin/present?slide="+strconv.Itoa(n)))
			screenshot(t, ctx, "present-"+strconv.Itoa(n))
		}
		for _, p := range eval[[]string](t, ctx, slideProblems) {
			t.Error(p)
		}
	})

	t.Run("LongQuotes", func(t *testing.T) {
		la, _ := longQuotesApp(t)
		long := la.serve(t)
		ctx := hallTab(t, browser)
		must(t, ctx, chromedp.Navigate(long+"/admin/present?slide=4"))
		screenshot(t, ctx, "present-long")
		for _, p := range eval[[]string](t, ctx, slideProblems) {
			t.Error(p)
		}
		must(t, ctx, chromedp.Navigate(long+"/admin/present?slide="+strconv.Itoa(len(forms.Default().Workshops)+2)))
		screenshot(t, ctx, "present-long-compare")
		printDeck(t, ctx, len(slides(t, eval[string](t, ctx, `document.documentElement.outerHTML`))))
		must(t, ctx, chromedp.Navigate(long+"/admin/report/"+forms.Default().Workshops[2].Slug))
		screenshot(t, ctx, "report-long")
		if n := printA4(t, ctx); n != 1 {
			t.Errorf("the report with long quotes prints on %d A4 pages, want 1", n)
		}
	})

	t.Run("Keys", func(t *testing.T) {
		ctx := hallTab(t, browser)
		must(t, ctx, chromedp.Navigate(site+"/admin/present"))
		shown := func() string {
			return eval[string](t, ctx, `document.querySelector('.slide.current').dataset.n + ' ' + location.search + ' ' + document.getElementById('where').textContent`)
		}
		for _, c := range []struct {
			key, want string
		}{
			{kb.ArrowRight, "2 ?slide=2 2 / " + strconv.Itoa(total)},
			{kb.PageDown, "3 ?slide=3 3 / " + strconv.Itoa(total)},
			{kb.ArrowLeft, "2 ?slide=2 2 / " + strconv.Itoa(total)},
			{kb.End, fmt.Sprintf("%d ?slide=%d %d / %d", total, total, total, total)},
			{kb.ArrowRight, fmt.Sprintf("%d ?slide=%d %d / %d", total, total, total, total)},
			{kb.Home, "1 ?slide=1 1 / " + strconv.Itoa(total)},
		} {
			must(t, ctx, chromedp.KeyEvent(c.key))
			if got := shown(); got != c.want {
				t.Errorf("after %q: slide %q, want %q", c.key, got, c.want)
			}
		}
		if eval[bool](t, ctx, `document.getElementById('fullscreen').hidden`) {
			t.Error("with script, the full screen button should show")
		}
		if got := eval[string](t, ctx, `document.getElementById('next').getAttribute('href')`); got != "/admin/present?slide=2" {
			t.Errorf("the Next link follows the keys: %q", got)
		}
	})

	t.Run("NoScript", func(t *testing.T) {
		ctx := hallTab(t, browser)
		must(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
		must(t, ctx, chromedp.Navigate(site+"/admin/present?slide=2"))
		must(t, ctx, chromedp.Click(chromedp.ID("next")))
		waitFor(t, ctx, "slide 3", `location.search === '?slide=3' && document.readyState === 'complete'`, 10*time.Second)
		shown := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.slide')).filter(s => s.getClientRects().length > 0).map(s => s.id)`)
		if len(shown) != 1 || shown[0] != "slide-3" {
			t.Errorf("without script, Next shows %v, want [slide-3]", shown)
		}
		if !eval[bool](t, ctx, `document.getElementById('fullscreen').hidden`) {
			t.Error("without script there is no full screen, and no button for it")
		}
	})

	t.Run("Print", func(t *testing.T) {
		ctx := hallTab(t, browser)
		must(t, ctx, chromedp.Navigate(site+"/admin/present?slide=3"))
		printDeck(t, ctx, total)
	})

	t.Run("Report", func(t *testing.T) {
		ctx := hallTab(t, browser)
		must(t, ctx, chromedp.Navigate(site+"/admin/report/alpha"))
		screenshot(t, ctx, "report")
		audit(t, ctx, string(axeJS), "report")
		if n := printA4(t, ctx); n != 1 {
			t.Errorf("the report prints on %d A4 pages, want 1", n)
		}
	})
}
