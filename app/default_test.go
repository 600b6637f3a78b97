package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"feedback/forms"
)

// This is the one app test file on the shipped questionnaire
// (forms.Default(), forms/default.yaml): that it is translated, and what its
// form weighs on a phone. Every other app test builds on the small fixture
// (forms/formstest), so that rewording the shipped file breaks only these.

// TestDefaultFormsTranslated checks that the default questionnaire and the
// workshop titles carry every language, option by option.
func TestDefaultFormsTranslated(t *testing.T) {
	f := forms.Default()
	if strings.Join(f.Languages, ",") != strings.Join(forms.Languages, ",") {
		t.Errorf("the default forms file offers %v, want %v", f.Languages, forms.Languages)
	}
	check := func(what string, text forms.Text) {
		if len(text) == 0 {
			return
		}
		for _, lang := range forms.Languages {
			if strings.TrimSpace(text[lang]) == "" {
				t.Errorf("%s has no %s text", what, lang)
			}
		}
	}
	n := 0
	for _, w := range f.Workshops {
		check("workshop "+w.Slug, w.Title)
		for _, q := range w.Questions {
			n++
			check(w.Slug+"/"+q.ID, q.Label)
			check(w.Slug+"/"+q.ID+" min_label", q.MinLabel)
			check(w.Slug+"/"+q.ID+" max_label", q.MaxLabel)
			for _, o := range q.Options {
				check(w.Slug+"/"+q.ID+"/"+o.ID, o.Label)
			}
		}
	}
	if n < 8*14 {
		t.Errorf("only %d questions checked", n)
	}
}

// formPageBudget is the bar: a form page with all its assets under
// 30 KB compressed, on a first visit with nothing cached.
const formPageBudget = 30 * 1024

// TestFormPageWeight measures what a phone downloads to show a form on a
// first visit: the page and every asset it links, gzip-compressed as served,
// in every language (Arabic and Chinese text is longer in UTF-8). It weighs
// the shipped questionnaire's longest form, the one participants get.
func TestFormPageWeight(t *testing.T) {
	a := mustAppOn(t, forms.Default(), func(*config) {})
	// The workshop that asks the most questions has the heaviest form.
	var w *forms.Workshop
	for _, c := range a.srv.forms.Workshops {
		if w == nil || len(c.Questions) > len(w.Questions) {
			w = c
		}
	}
	ref := regexp.MustCompile(`(?:src|href)="([^"]*)"`)
	for _, lang := range forms.Languages {
		res, page := a.do(t, get("/w/"+w.Slug+"?lang="+lang, "Accept-Encoding", "gzip"))
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: form page %d, Content-Encoding %q: HTML must be compressed", lang, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		total, parts := len(page), []string{fmt.Sprintf("page %d", len(page))}
		html := gunzip(t, page)
		assets := 0
		for _, m := range ref.FindAllStringSubmatch(html, -1) {
			u := m[1]
			if strings.Contains(u, "//") {
				t.Errorf("%s: the page loads %s from another host", lang, u)
			}
			if !strings.HasPrefix(u, "/static/") {
				continue
			}
			assets++
			res, body := a.do(t, get(u, "Accept-Encoding", "gzip"))
			if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" ||
				!strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("%s: %s: %d, encoding %q, cache %q", lang, u, res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Cache-Control"))
			}
			total += len(body)
			parts = append(parts, fmt.Sprintf("%s %d", u, len(body)))
		}
		if assets != 2 {
			t.Errorf("%s: %d assets linked, want the stylesheet and form.js", lang, assets)
		}
		t.Logf("%s: %d bytes compressed (%s)", lang, total, strings.Join(parts, ", "))
		if total > formPageBudget {
			t.Errorf("%s: the form page weighs %d bytes compressed, over %d", lang, total, formPageBudget)
		}
	}
}

func gunzip(tb testing.TB, s string) string {
	tb.Helper()
	zr, err := gzip.NewReader(strings.NewReader(s))
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
