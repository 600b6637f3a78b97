package main

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// TestCommentsInBrowser opens the comments page as the rapporteur does, on a
// laptop: logged in through the login page, audited by axe-core, laid out
// without sideways scrolling down to 320 px; then, with JavaScript off, she
// tags a comment with the keyboard alone and sees it tagged where she was.
func TestCommentsInBrowser(t *testing.T) {
	browser := newBrowser(t)
	axeJS, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	site := startSite(t, nil)
	ctx := context.Background()
	ids := map[string]string{}
	for i, c := range []struct{ workshop, lang, text string }{
		{"alpha", "ru", "Обучение ИИ было полезным"},
		{"beta", "ar", "التَّدْرِيب مفيد، ونحتاج إلى المزيد من التمارين العملية"},
		{"alpha", "zh", "人工智能培训很好"},
		{"beta", "fr", "École numérique : une très bonne séance, avec des exemples concrets et beaucoup d’échanges."},
	} {
		saved, err := site.db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: c.workshop, Lang: c.lang,
			SubmittedAt: time.Date(2025, 6, 25, 15, i, 0, 0, time.UTC), Answers: forms.Answers{"overall": {Number: 4}, "comment": {Text: c.text}}})
		if err != nil {
			t.Fatal(err)
		}
		ids[c.lang] = saved.ID
	}
	if err := site.db.SetTranslation(ctx, ids["ar"], "comment", "The training was useful, and we need more practical exercises"); err != nil {
		t.Fatal(err)
	}
	if err := site.db.TagComment(ctx, ids["ar"], "comment", "skills", true); err != nil {
		t.Fatal(err)
	}
	if err := site.db.StarComment(ctx, ids["fr"], "comment", true); err != nil {
		t.Fatal(err)
	}

	tab := phone(t, browser)
	must(t, tab, chromedp.EmulateViewport(1280, 900))
	must(t, tab, chromedp.Navigate(site.url+"/admin/comments"))
	waitFor(t, tab, "the login page", `document.getElementById('token')`, 10*time.Second)
	must(t, tab, chromedp.SetValue("#token", testToken), chromedp.Submit("#token"))
	waitFor(t, tab, "the comments page", `location.pathname === '/admin/comments' && document.querySelector('h1') && document.querySelector('h1').textContent === 'Comments'`, 10*time.Second)
	if n := eval[int](t, tab, `document.querySelectorAll('article.comment').length`); n != len(ids) {
		t.Fatalf("the page shows %d comments, want %d:\n%s", n, len(ids), eval[string](t, tab, `document.getElementById('results').innerText`))
	}
	if got := eval[string](t, tab, `document.querySelector('#c-`+ids["ar"]+`-comment blockquote.original').dir`); got != "rtl" {
		t.Errorf("the Arabic comment reads %q, want rtl", got)
	}
	if eval[int](t, tab, `document.querySelector('.desk-themes').getBoundingClientRect().left`) < 640 {
		t.Error("at 1280 px the themes should stand beside the comments")
	}
	screenshot(t, tab, "comments-1280")
	audit(t, tab, axe, "/admin/comments")
	// The Arabic comment and its translation side by side, each its own way.
	arabic := `document.getElementById('c-` + ids["ar"] + `-comment')`
	if got := eval[string](t, tab, `(() => { const a = `+arabic+`; a.scrollIntoView();
		const o = a.querySelector('blockquote.original').getBoundingClientRect(), tr = a.querySelector('.translation blockquote');
		return tr.lang + ' ' + tr.dir + ' ' + (tr.getBoundingClientRect().left >= o.right ? 'beside' : 'below'); })()`); got != "en ltr beside" {
		t.Errorf("the translation at 1280 px: %q, want en ltr beside the original", got)
	}
	screenshot(t, tab, "comments-1280-arabic")
	must(t, tab, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details').forEach(d => d.open = true)`))
	screenshot(t, tab, "comments-1280-open")
	audit(t, tab, axe, "/admin/comments (editors open)")
	checkLayout(t, tab, "/admin/comments")

	// Without JavaScript, with the keyboard: focus the Russian comment's
	// "Skills and training" button and press Enter.
	scripts(t, tab, false)
	must(t, tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.url+"/admin/comments?lang=ru"))
	button := `#c-` + ids["ru"] + `-comment form:has(input[name=theme][value=skills]) button`
	must(t, tab, chromedp.Focus(chromedp.CSS(button)), chromedp.KeyEvent("\r"))
	deadline := time.Now().Add(10 * time.Second)
	for !tagged(t, site.db, ids["ru"], "skills") {
		if time.Now().After(deadline) {
			t.Fatal("Enter on the focused theme button did not tag the comment")
		}
		time.Sleep(50 * time.Millisecond)
	}
	scripts(t, tab, true)
	waitFor(t, tab, "the page again, at the comment, with it tagged",
		`location.search === '?lang=ru' && location.hash === '#c-`+ids["ru"]+`-comment' && document.readyState === 'complete' &&
		document.querySelector('`+button+`').getAttribute('aria-pressed') === 'true'`, 10*time.Second)
	if eval[int](t, tab, `document.querySelectorAll('script').length`) != 0 {
		t.Error("the comments page should need no script")
	}
	screenshot(t, tab, "comments-tagged-without-js")
}

// tagged reports whether the store has the comment coded with theme.
func tagged(t *testing.T, db *store.DB, responseID, theme string) bool {
	t.Helper()
	codings, err := db.Codings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(codings[store.CommentKey{ResponseID: responseID, Question: "comment"}].Themes, theme)
}
