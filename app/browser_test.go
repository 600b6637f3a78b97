package main

import (
	"bytes"
	"context"
	"io"

	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"feedback/forms"
	"feedback/store"
)

// The browser tests drive Debian's Chromium, headless, at a phone's viewport,
// against the real server on a loopback port with a real SQLite file. Run by
// hand without Chromium they skip; in CI (CI set) a missing browser fails.

const (
	phoneWidth  = 360
	phoneHeight = 740
)

// chromiumPath finds the browser, or skips (by hand) or fails (in CI).
func chromiumPath(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("Chromium not found, and CI is set: .ci/run must install it (apt-get install chromium)")
	}
	tb.Skip("Chromium not found (apt-get install chromium); browser tests skipped")
	return ""
}

// browserSite is the real app served on a loopback listener.
type browserSite struct {
	*testApp
	url string
}

// startSite serves the app on 127.0.0.1 with a fresh database. front, if not
// nil, wraps the app's handler: a test can put a failing network in between.
func startSite(tb testing.TB, front func(http.Handler) http.Handler) *browserSite {
	tb.Helper()
	a := mustApp(tb)
	u := a.serve(tb)
	if front == nil {
		return &browserSite{testApp: a, url: u}
	}
	target, _ := url.Parse(u)
	fln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: front(httputil.NewSingleHostReverseProxy(target)), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(fln)
	tb.Cleanup(func() { hs.Close() })
	return &browserSite{testApp: a, url: "http://" + fln.Addr().String()}
}

// newBrowser starts one headless Chromium for a test and its subtests.
func newBrowser(tb testing.TB) context.Context {
	tb.Helper()
	path := chromiumPath(tb)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(phoneWidth, phoneHeight),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start Chromium (%s): %v", path, err)
	}
	return ctx
}

// phone opens a fresh tab in its own browser context (its own cookies and
// storage, like another phone) at 360 × 740 with touch.
func phone(tb testing.TB, browser context.Context) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tb.Cleanup(cancel)
	must(tb, ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	tb.Cleanup(tcancel)
	return tctx
}

// must runs browser steps and stops the test on the first failure.
func must(tb testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.Fatal(err)
	}
}

// eval evaluates JavaScript in the page and returns its value.
func eval[T any](tb testing.TB, ctx context.Context, js string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition from Go. chromedp's own Poll builds a
// function from a string in the page, which our CSP (rightly) forbids.
func waitFor(tb testing.TB, ctx context.Context, what, js string, limit time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText.slice(0, 600) : ''"))
			tb.Fatalf("waited %v for %s (%s); err=%v; at %s:\n%s", limit, what, js, err, loc, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setOffline cuts (or restores) the tab's network and what navigator.onLine
// says, as a phone losing the conference Wi-Fi would.
func setOffline(tb testing.TB, ctx context.Context, offline bool) {
	tb.Helper()
	cond := network.Conditions{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}
	must(tb, ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{&cond},
		}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return err
	}))
}

// storedResponses reads every stored response back through the store.
func storedResponses(tb testing.TB, db *store.DB) []forms.Response {
	tb.Helper()
	var out []forms.Response
	err := db.EachResponse(context.Background(), store.Filter{}, func(r *forms.Response) error {
		c := *r
		c.Answers = forms.Answers{}
		for k, v := range r.Answers {
			v.Choices = append([]string(nil), v.Choices...)
			c.Answers[k] = v
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// screenshot saves the tab's viewport when FEEDBACK_SCREENSHOTS names a
// folder, for a person to look at the pages.
func screenshot(tb testing.TB, ctx context.Context, name string) {
	tb.Helper()
	dir := os.Getenv("FEEDBACK_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// slug is the small fixture's workshop the browser tests fill in.
const slug = "alpha"

// fillAnswers answers the required rating with overall, and a few others; it
// leaves the talks option unchosen.
func fillAnswers(tb testing.TB, ctx context.Context, overall string) {
	tb.Helper()
	must(tb, ctx,
		chromedp.Click(chromedp.ID("f-overall-"+overall)),
		chromedp.Click(chromedp.ID("f-pace-3")),
		chromedp.Click(chromedp.ID("f-formats-exercises")),
		chromedp.SendKeys(chromedp.ID("f-comment"), "Open data needs stewards"),
	)
}

func onThanks(tb testing.TB, ctx context.Context) {
	tb.Helper()
	waitFor(tb, ctx, "the thank-you page", `location.pathname.endsWith('/thanks') && document.readyState === 'complete'`, 20*time.Second)
}

func storedCopy(tb testing.TB, ctx context.Context) string {
	tb.Helper()
	return eval[string](tb, ctx, `localStorage.getItem('feedback:`+slug+`') || ''`)
}

func TestBrowser(t *testing.T) {
	browser := newBrowser(t)

	t.Run("FillAndSend", func(t *testing.T) {
		site := startSite(t, nil)
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=fr"))
		fillAnswers(t, ctx, "4")
		if storedCopy(t, ctx) == "" {
			t.Error("answers are not kept on the phone while typing")
		}
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		onThanks(t, ctx)
		if c := storedCopy(t, ctx); c != "" {
			t.Errorf("the copy on the phone was not removed after sending: %s", c)
		}
		got := storedResponses(t, site.db)
		if len(got) != 1 {
			t.Fatalf("%d responses stored, want 1", len(got))
		}
		r := got[0]
		if r.Lang != "fr" || r.Answers["overall"].Number != 4 || r.Answers["comment"].Text != "Open data needs stewards" ||
			strings.Join(r.Answers["formats"].Choices, ",") != "exercises" {
			t.Errorf("stored %+v", r)
		}
	})

	t.Run("WithoutJavaScript", func(t *testing.T) {
		site := startSite(t, nil)
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug), chromedp.Click(chromedp.ID("f-overall-3")), chromedp.Click(chromedp.ID("f-pace-3")))
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		onThanks(t, ctx)
		if n := len(storedResponses(t, site.db)); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		site := startSite(t, nil)
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=en"),
			chromedp.Click(chromedp.ID("f-pace-2")),
			chromedp.SendKeys(chromedp.ID("f-comment"), "More time for questions"))
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		waitFor(t, ctx, "the error summary", `document.getElementById('errors')`, 10*time.Second)
		screenshot(t, ctx, "form-errors-en")
		summary := eval[string](t, ctx, `document.getElementById('errors').innerText`)
		fieldErr := eval[string](t, ctx, `document.getElementById('e-overall').innerText`)
		if want := mustCatalog(t).T("en", forms.MsgRequired); !strings.Contains(summary, want) || fieldErr != want {
			t.Errorf("summary %q, field error %q: want %q in both", summary, fieldErr, want)
		}
		if v := eval[string](t, ctx, `document.getElementById('f-comment').value`); v != "More time for questions" {
			t.Errorf("the typed answer was lost: %q", v)
		}
		if !eval[bool](t, ctx, `document.getElementById('f-pace-2').checked`) {
			t.Error("the chosen rating was lost")
		}
		if id := eval[string](t, ctx, `document.activeElement && document.activeElement.id`); id != "errors" {
			t.Errorf("focus is on %q, want the error summary (announced as an alert)", id)
		}
		if n := len(storedResponses(t, site.db)); n != 0 {
			t.Errorf("%d responses stored for an invalid form", n)
		}
		// Fixing the answer sends it from the replaced page.
		must(t, ctx, chromedp.Click(chromedp.ID("f-overall-5")), chromedp.Click(chromedp.CSS("button.send")))
		onThanks(t, ctx)
		if n := len(storedResponses(t, site.db)); n != 1 {
			t.Errorf("%d responses stored after fixing, want 1", n)
		}
	})

	t.Run("Offline", func(t *testing.T) {
		site := startSite(t, nil)
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=en"))
		fillAnswers(t, ctx, "5")
		setOffline(t, ctx, true)
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		kept := site.srv.text.T("en", "saved_offline")
		waitFor(t, ctx, "the kept-on-your-phone message", `document.getElementById('status').textContent === `+jsString(kept), 10*time.Second)
		screenshot(t, ctx, "form-offline-en")
		if n := len(storedResponses(t, site.db)); n != 0 {
			t.Fatalf("%d responses stored while offline", n)
		}
		if storedCopy(t, ctx) == "" {
			t.Fatal("nothing kept on the phone while offline")
		}
		setOffline(t, ctx, false)
		onThanks(t, ctx)
		if n := len(storedResponses(t, site.db)); n != 1 {
			t.Errorf("%d responses stored after the network returned, want exactly 1", n)
		}
	})

	t.Run("LostAnswer", func(t *testing.T) {
		// The first two POSTs reach the server and are stored, but their
		// answers never reach the phone (the Wi-Fi drops). Chromium may retry
		// one on its own; form.js must retry the rest, with backoff, carrying
		// the same submission_id, and the server must keep one response.
		var (
			mu    sync.Mutex
			posts []string // the submission_id of every POST that arrived
		)
		site := startSite(t, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost {
					next.ServeHTTP(w, r)
					return
				}
				body, _ := io.ReadAll(r.Body)
				v, _ := url.ParseQuery(string(body))
				r.Body = io.NopCloser(bytes.NewReader(body))
				mu.Lock()
				posts = append(posts, v.Get("submission_id"))
				n := len(posts)
				mu.Unlock()
				if n <= 2 {
					next.ServeHTTP(discard{}, r)
					panic(http.ErrAbortHandler) // close the connection, no answer
				}
				next.ServeHTTP(w, r)
			})
		})
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=en"))
		fillAnswers(t, ctx, "2")
		id := eval[string](t, ctx, `document.querySelector('[name=submission_id]').value`)
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		onThanks(t, ctx)
		got := storedResponses(t, site.db)
		mu.Lock()
		defer mu.Unlock()
		t.Logf("%d POSTs arrived", len(posts))
		if len(posts) < 3 {
			t.Errorf("%d POSTs arrived, want at least 3 (two lost answers, then a retry)", len(posts))
		}
		for i, p := range posts {
			if p != id {
				t.Errorf("POST %d carried submission_id %q, want the form's %q", i+1, p, id)
			}
		}
		if len(got) != 1 || got[0].SubmissionID != id || got[0].Answers["overall"].Number != 2 {
			t.Errorf("stored %d responses (%+v), want exactly 1", len(got), got)
		}
	})

	t.Run("BusyServer", func(t *testing.T) {
		// A 503 with Retry-After: the script waits what the server asked,
		// says so in the participant's language, and sends again.
		var mu sync.Mutex
		busy := 1
		site := startSite(t, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				refuse := r.Method == http.MethodPost && busy > 0
				if refuse {
					busy--
				}
				mu.Unlock()
				if refuse {
					w.Header().Set("Retry-After", "1")
					http.Error(w, "busy", http.StatusServiceUnavailable)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=ar"))
		fillAnswers(t, ctx, "4")
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		retry := strings.ReplaceAll(site.srv.text.T("ar", "send_retry"), "{n}", "1")
		waitFor(t, ctx, "the retry message", `document.getElementById('status').textContent === `+jsString(retry), 5*time.Second)
		onThanks(t, ctx)
		if n := len(storedResponses(t, site.db)); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
	})

	t.Run("ReloadRestores", func(t *testing.T) {
		site := startSite(t, nil)
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=en"))
		fillAnswers(t, ctx, "3")
		must(t, ctx, chromedp.Click(chromedp.ID("f-sector-academia")))
		id := eval[string](t, ctx, `document.querySelector('[name=submission_id]').value`)
		must(t, ctx, chromedp.Reload())
		waitFor(t, ctx, "the restored notice", `!document.getElementById('restored').hidden && document.getElementById('restored').textContent === `+jsString(site.srv.text.T("en", "restored")), 5*time.Second)
		screenshot(t, ctx, "form-restored-en")
		checks := map[string]string{
			`document.getElementById('f-overall-3').checked`:         "true",
			`document.getElementById('f-formats-exercises').checked`: "true",
			`document.getElementById('f-formats-talks').checked`:     "false",
			`document.getElementById('f-sector-academia').checked`:   "true",
			`document.getElementById('f-comment').value`:             "Open data needs stewards",
			`document.querySelector('[name=submission_id]').value`:   id,
		}
		for js, want := range checks {
			if got := eval[string](t, ctx, "String("+js+")"); got != want {
				t.Errorf("after reload %s = %q, want %q", js, got, want)
			}
		}
		if n := len(storedResponses(t, site.db)); n != 0 {
			t.Errorf("a reload sent %d responses", n)
		}
	})

	t.Run("ChangeAfterSending", func(t *testing.T) {
		site := startSite(t, nil)
		ctx := phone(t, browser)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug+"?lang=en"))
		fillAnswers(t, ctx, "4")
		must(t, ctx, chromedp.Click(chromedp.CSS("button.send")))
		onThanks(t, ctx)
		first := storedResponses(t, site.db)
		must(t, ctx, chromedp.Navigate(site.url+"/w/"+slug))
		notice := eval[string](t, ctx, `(document.querySelector('.notice') || {}).textContent || ''`)
		if notice != site.srv.text.T("en", "already_answered") {
			t.Errorf("returning phone told %q", notice)
		}
		if !eval[bool](t, ctx, `document.getElementById('f-overall-4').checked`) {
			t.Error("the earlier answers are not shown")
		}
		must(t, ctx, chromedp.Click(chromedp.ID("f-overall-1")), chromedp.Click(chromedp.CSS("button.send")))
		onThanks(t, ctx)
		got := storedResponses(t, site.db)
		if len(first) != 1 || len(got) != 1 || got[0].SubmissionID != first[0].SubmissionID || got[0].Answers["overall"].Number != 1 {
			t.Errorf("after changing: %d responses (%+v), want the one response with overall 1", len(got), got)
		}
	})
}

// discard is a ResponseWriter that forgets the answer, for the lost-answer test.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}
