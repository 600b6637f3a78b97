package main

import (
	"context"
	"html/template"
	"regexp"
	"strings"
	"testing"

	"feedback/forms"
)

// paperQR is the QR code's SVG on the paper page.
var paperQR = regexp.MustCompile(`<svg [^>]*viewBox="0 0 \d+ \d+".*?</svg>`)

// checkPaper checks the paper page of w in lang: the page's language and
// direction, every question's label and every option in that language, boxes
// and lines, a QR code that reads as the form's address, and nothing that runs
// or comes from another host.
func checkPaper(t *testing.T, a *testApp, w *forms.Workshop, lang string) string {
	t.Helper()
	res, body := a.do(t, get("/w/"+w.Slug+"/paper?lang="+lang))
	if res.StatusCode != 200 {
		t.Fatalf("GET /w/%s/paper?lang=%s: %d", w.Slug, lang, res.StatusCode)
	}
	if want := `<html lang="` + lang + `" dir="` + a.srv.text.Dir(lang) + `">`; !strings.Contains(body, want) {
		t.Errorf("%s: no %s", lang, want)
	}
	has := func(what, s string) {
		t.Helper()
		if s != "" && !strings.Contains(body, template.HTMLEscapeString(s)) {
			t.Errorf("%s: %s %q not on the page", lang, what, s)
		}
	}
	has("workshop title", w.Title.Get(lang))
	has("forum", a.srv.site(lang))
	for _, q := range w.Questions {
		if q.OtherOf != "" {
			continue
		}
		has("label", q.Label.Get(lang))
		for _, o := range q.Options {
			if q.Other && o.ID == forms.OtherOption {
				has("option", a.srv.text.T(lang, "other_option"))
				continue
			}
			has("option", o.Label.Get(lang))
		}
	}
	has("form code", w.Slug+" · "+lang)
	for _, bad := range []string{"<script", "<form", `src="http`, `href="http`, "<input"} {
		if strings.Contains(body, bad) {
			t.Errorf("%s: the paper page has %s", lang, bad)
		}
	}
	svg := paperQR.FindString(body)
	if svg == "" {
		t.Fatalf("%s: no QR code SVG on the paper page", lang)
	}
	if got, want := decodeQR(t, rasterSVG(t, svg)), "https://feedback.example.org/w/"+w.Slug; got != want {
		t.Errorf("%s: the QR code reads %q, want %q", lang, got, want)
	}
	return body
}

// TestPaper checks the paper form of a form with sections, a condition and an
// "other" in each of its languages: the condition is an instruction naming the
// question by its number, and the "other" text is a line after its option, not
// a question of its own.
func TestPaper(t *testing.T) {
	a := conditionsApp(t)
	w := a.srv.forms.Workshop("plenary")
	instructions := map[string]string{
		"en": "If you answered 1 or 2 to question 1:",
		"ar": "إذا أجبت بـ 1 أو 2 على السؤال 1:",
	}
	for _, lang := range a.srv.forms.Languages {
		t.Run(lang, func(t *testing.T) {
			body := checkPaper(t, a, w, lang)
			if want := instructions[lang]; !strings.Contains(body, `<p class="paper-if">`+want+`</p>`) {
				t.Errorf("the section's condition is not printed as %q", want)
			}
			for _, sec := range []string{"What could be better", "About you"} {
				var title string
				for _, q := range w.Questions {
					if q.Section != nil && q.Section.Title.Get(forms.DefaultLanguage) == sec {
						title = q.Section.Title.Get(lang)
					}
				}
				if !strings.Contains(body, "<h2>"+template.HTMLEscapeString(title)+"</h2>") {
					t.Errorf("no heading %q", title)
				}
			}
			if n := strings.Count(body, `class="paper-n"`); n != 4 {
				t.Errorf("%d numbered questions, want 4 (role_other is a line after its option)", n)
			}
			if !regexp.MustCompile(`<li class="paper-other">.*` + regexp.QuoteMeta(a.srv.text.T(lang, "other_option")) + `.*class="paper-line"`).MatchString(body) {
				t.Error(`"other" has no line to write on after it`)
			}
			if got := strings.Count(body, `class="paper-box"`); got != 5+3 {
				t.Errorf("%d boxes, want 8 (five scores, three options)", got)
			}
		})
	}

	t.Run("Closed", func(t *testing.T) {
		closed := false
		if err := a.db.SetWorkshopOpen(context.Background(), w.Slug, &closed); err != nil {
			t.Fatal(err)
		}
		a.srv.forgetOverrides()
		checkPaper(t, a, w, "en")
	})

	t.Run("ErrUnknownWorkshop", func(t *testing.T) {
		if res, _ := a.do(t, get("/w/no-such-workshop/paper?lang=en")); res.StatusCode != 404 {
			t.Errorf("status %d, want 404", res.StatusCode)
		}
	})
}

// TestPaperDefault checks the shipped form's paper page in every language of
// the file, for every workshop.
func TestPaperDefault(t *testing.T) {
	f := forms.Default()
	a := mustAppOn(t, f, func(*config) {})
	for _, w := range f.Workshops {
		for _, lang := range f.Languages {
			t.Run(w.Slug+"/"+lang, func(t *testing.T) {
				body := checkPaper(t, a, w, lang)
				if n := strings.Count(body, `class="paper-n"`); n != len(w.Questions) {
					t.Errorf("%d numbered questions, want %d", n, len(w.Questions))
				}
				if !strings.Contains(body, template.HTMLEscapeString(a.srv.text.T(lang, "choose_any"))) {
					t.Errorf("no %q", a.srv.text.T(lang, "choose_any"))
				}
			})
		}
	}
}

// TestPaperConditionWords checks the wording of conditions of every kind:
// scores, a multiple choice's options by their labels, answered, and any/all
// nested in brackets.
func TestPaperConditionWords(t *testing.T) {
	f, err := forms.Parse("paper.yaml", []byte(`
languages: [en, fr]
questions:
  - {id: score, type: rating, label: Score}
  - id: formats
    type: multi
    label: Formats
    options: [{id: talks, label: {en: Talks, fr: Exposés}}, {id: games, label: Games}, {id: walks, label: Walks}]
  - {id: note, type: text, label: Note}
  - id: follow
    type: text
    label: Follow-up
    show_if:
      any:
        - all: [{question: score, in: [1, 2, 3]}, {question: formats, in: [talks, walks]}]
        - {question: note, answered: true}
workshops:
  - {slug: w, title: W}
`))
	if err != nil {
		t.Fatal(err)
	}
	a := mustAppOn(t, f, func(*config) {})
	for lang, want := range map[string]string{
		"en": "If (you answered 1, 2 or 3 to question 1 and you ticked Talks or Walks in question 2) or you answered question 3:",
		"fr": "Si (vous avez répondu 1, 2 ou 3 à la question 1 et vous avez coché Exposés ou Walks à la question 2) ou vous avez répondu à la question 3 :",
	} {
		_, body := a.do(t, get("/w/w/paper?lang="+lang))
		if !strings.Contains(body, template.HTMLEscapeString(want)) {
			t.Errorf("%s: no %q", lang, want)
		}
	}
}
