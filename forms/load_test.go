package forms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feedback/forms"
)

func TestDefault(t *testing.T) {
	f := forms.Default()
	wantSlugs := []string{"enabling-environment", "digital-government", "leading-change", "upskilling-genai",
		"foresight-creativity", "motivating-public-servants", "data-governance", "next-generation"}
	if len(f.Workshops) != len(wantSlugs) {
		t.Fatalf("workshops = %d, want %d", len(f.Workshops), len(wantSlugs))
	}
	for i, w := range f.Workshops {
		if w.Slug != wantSlugs[i] {
			t.Errorf("workshop %d = %q, want %q", i, w.Slug, wantSlugs[i])
		}
	}
	if got := f.Workshop("data-governance").Title.Get("en"); got != "Data Governance for Digital Transformation" {
		t.Errorf("title = %q", got)
	}
	type want struct {
		id       string
		typ      forms.Type
		required bool
		min, max int
		options  string
	}
	wants := []want{
		{"satisfaction", forms.Rating, true, 1, 5, ""},
		{"relevance", forms.Rating, true, 1, 5, ""},
		{"knowledge_before", forms.Rating, false, 1, 5, ""},
		{"knowledge_after", forms.Rating, false, 1, 5, ""},
		{"apply", forms.Rating, false, 1, 5, ""},
		{"facilitation", forms.Rating, false, 1, 5, ""},
		{"recommend", forms.NPS, false, 0, 10, ""},
		{"useful_formats", forms.Multi, false, 0, 0, "presentations case_studies group_exercises peer_exchange practical_tools"},
		{"role", forms.Single, false, 0, 0, "national_government local_government international_organization academia civil_society private_sector other"},
		{"region", forms.Single, false, 0, 0, "africa asia_pacific eastern_europe latin_america_caribbean western_europe_others"},
		{"gender", forms.Single, false, 0, 0, "woman man another prefer_not_to_say"},
		{"takeaway", forms.FreeText, false, 0, 0, ""},
		{"improve", forms.FreeText, false, 0, 0, ""},
		{"next_step", forms.FreeText, false, 0, 0, ""},
	}
	for _, w := range f.Workshops {
		if len(w.Questions) != len(wants) {
			t.Fatalf("%s: %d questions, want %d", w.Slug, len(w.Questions), len(wants))
		}
		for i, q := range w.Questions {
			x := wants[i]
			var opts []string
			for _, o := range q.Options {
				opts = append(opts, o.ID)
			}
			if q.ID != x.id || q.Type != x.typ || q.Required != x.required || q.Min != x.min || q.Max != x.max || strings.Join(opts, " ") != x.options {
				t.Errorf("%s question %d = %+v, want %+v", w.Slug, i, q, x)
			}
			if q.Type == forms.FreeText && q.MaxLength != 1000 {
				t.Errorf("%s: max_length %d", q.ID, q.MaxLength)
			}
		}
	}
}

// TestDefaultTranslated checks that every text of the default file exists in
// every language, so no participant meets an English fallback there.
func TestDefaultTranslated(t *testing.T) {
	f := forms.Default()
	check := func(what string, txt forms.Text) {
		for _, l := range forms.Languages {
			if strings.TrimSpace(txt[l]) == "" {
				t.Errorf("%s: no %s text", what, l)
			}
		}
	}
	for _, w := range f.Workshops {
		check(w.Slug+" title", w.Title)
	}
	for _, q := range f.Workshops[0].Questions {
		check(q.ID, q.Label)
		for _, o := range q.Options {
			check(q.ID+"."+o.ID, o.Label)
		}
		if q.IsScore() {
			check(q.ID+" min_label", q.MinLabel)
			check(q.ID+" max_label", q.MaxLabel)
		}
	}
}

func TestTextFallback(t *testing.T) {
	txt := forms.Text{"en": "Hello", "fr": "Bonjour", "ru": ""}
	for lang, want := range map[string]string{"fr": "Bonjour", "ru": "Hello", "zh": "Hello", "en": "Hello"} {
		if got := txt.Get(lang); got != want {
			t.Errorf("Get(%q) = %q, want %q", lang, got, want)
		}
	}
}

const goodFile = `
questions:
  - id: satisfaction
    type: rating
    required: true
    label: How satisfied are you?
workshops:
  - slug: one
    title: One
`

func TestParse(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f, err := forms.Parse("f.yaml", []byte(goodFile))
		if err != nil {
			t.Fatal(err)
		}
		q := f.Workshop("one").Question("satisfaction")
		if q == nil || q.Min != 1 || q.Max != 5 || q.Label.Get("ar") != "How satisfied are you?" {
			t.Fatalf("question = %+v", q)
		}
		if len(f.Languages) != 7 {
			t.Errorf("languages = %v", f.Languages)
		}
	})
	t.Run("OKWorkshopQuestionsAndSchedule", func(t *testing.T) {
		f, err := forms.Parse("f.yaml", []byte(`
workshops:
  - slug: one
    title: {en: One, fr: Un}
    opens_at: 2025-06-24T09:00:00+05:00
    closes_at: 2025-06-24T18:00:00Z
    questions:
      - id: pace
        type: single
        label: Pace
        options:
          - id: too_slow
            label: Too slow
          - id: right
            label: {en: About right, fr: Bien}
`))
		if err != nil {
			t.Fatal(err)
		}
		w := f.Workshop("one")
		if w.OpensAt.Hour() != 4 || w.ClosesAt.Hour() != 18 {
			t.Errorf("schedule = %v – %v", w.OpensAt, w.ClosesAt)
		}
		if w.OpenAt(w.OpensAt.Add(-1)) || !w.OpenAt(w.OpensAt) || w.OpenAt(w.ClosesAt) {
			t.Error("OpenAt does not follow the schedule")
		}
		if o, ok := w.Question("pace").Option("right"); !ok || o.Label.Get("fr") != "Bien" {
			t.Errorf("option = %+v", o)
		}
	})
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"ErrEmpty", ``, `f.yaml: the file is empty`},
		{"ErrSyntax", "workshops: 1\n  slug: 2\n", `f.yaml:2: mapping values are not allowed in this context`},
		{"ErrSyntaxTab", "workshops:\n\t- slug: a\n", `f.yaml:2: found character that cannot start any token`},
		{"ErrUnknownField", "workshops:\n  - slug: a\n    title: A\n    colour: red\n", `f.yaml:4: unknown field "colour"`},
		{"ErrNoWorkshops", "questions: []\n", `f.yaml:1: no workshops: the file needs a workshops: list`},
		{"ErrNoQuestions", "workshops:\n  - slug: a\n    title: A\n", `f.yaml:2: workshop "a" has no questions`},
		{"ErrUnknownType", "workshops:\n  - slug: a\n    title: A\n    questions:\n      - id: q\n        type: stars\n        label: Q\n",
			`f.yaml:6: question "q" has unknown type "stars" (rating, nps, single, multi or text)`},
		{"ErrNoType", "workshops:\n  - slug: a\n    title: A\n    questions:\n      - id: q\n        label: Q\n",
			`f.yaml:5: question "q" has no type (rating, nps, single, multi or text)`},
		{"ErrDuplicateQuestion", "questions:\n  - {id: q, type: text, label: Q}\n  - {id: q, type: text, label: Q2}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:3: duplicate question id "q"`},
		{"ErrDuplicateQuestionInWorkshop", "questions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - slug: a\n    title: A\n    questions:\n      - {id: q, type: text, label: Again}\n",
			`f.yaml:7: duplicate question id "q" in workshop "a"`},
		{"ErrDuplicateSlug", "questions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n  - {slug: a, title: B}\n",
			`f.yaml:5: duplicate workshop slug "a"`},
		{"ErrBadSlug", "questions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: A B, title: A}\n",
			`f.yaml:4: workshop slug "A B" must be lower-case letters, digits and dashes`},
		{"ErrOptionWithoutID", "questions:\n  - id: q\n    type: single\n    label: Q\n    options:\n      - label: Yes\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:6: question "q": option without id`},
		{"ErrDuplicateOption", "questions:\n  - id: q\n    type: multi\n    label: Q\n    options:\n      - {id: x, label: X}\n      - {id: x, label: Y}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:7: question "q": duplicate option id "x"`},
		{"ErrNoOptions", "questions:\n  - {id: q, type: single, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: question "q" is a single choice but has no options`},
		{"ErrMinNotBelowMax", "questions:\n  - id: q\n    type: rating\n    label: Q\n    min: 5\n    max: 1\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:6: question "q": min (5) must be less than max (1)`},
		{"ErrMinMaxOnText", "questions:\n  - {id: q, type: text, label: Q, max: 3}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: question "q": min and max are only for rating and nps questions`},
		{"ErrOptionsOnRating", "questions:\n  - id: q\n    type: rating\n    label: Q\n    options: [{id: a, label: A}]\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:5: question "q": options are only for single and multi questions`},
		{"ErrMaxLength", "questions:\n  - {id: q, type: text, label: Q, max_length: 0}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: question "q": max_length must be between 1 and 10000`},
		{"ErrNoEnglishLabel", "questions:\n  - id: q\n    type: text\n    label: {fr: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:4: question "q" label needs an English (en) text`},
		{"ErrUnknownLanguage", "questions:\n  - id: q\n    type: text\n    label: {en: Q, xx: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:4: question "q" label has a text in unknown language "xx" (the file's languages: en, fr, es, ru, zh, ar, uz)`},
		{"ErrBadQuestionID", "questions:\n  - {id: Bad-Id, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: question id "Bad-Id" must start with a letter and use only a-z, 0-9 and _ (and not be submission_id, lang, csrf, page or nav)`},
		{"ErrReservedID", "questions:\n  - {id: submission_id, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: question id "submission_id" must start with a letter and use only a-z, 0-9 and _ (and not be submission_id, lang, csrf, page or nav)`},
		{"ErrNotANumber", "questions:\n  - {id: q, type: rating, label: Q, max: ten}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: cannot read "ten" as a whole number`},
		{"ErrResults", "questions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - slug: a\n    title: A\n    results: yes\n",
			`f.yaml:6: workshop "a": results must be public (or left out), not "yes"`},
		{"ErrCloseBeforeOpen", "questions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - slug: a\n    title: A\n    opens_at: 2025-06-24T10:00:00Z\n    closes_at: 2025-06-24T09:00:00Z\n",
			`f.yaml:7: workshop "a" closes_at must be after opens_at`},
		{"ErrTypeClash", "workshops:\n  - slug: a\n    title: A\n    questions: [{id: q, type: text, label: Q}]\n  - slug: b\n    title: B\n    questions: [{id: q, type: rating, label: Q}]\n",
			`f.yaml:5: question "q" is a rating here but a text in another workshop`},
		{"ErrUnknownLanguageList", "languages: [en, German]\nquestions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:1: unknown language "German": write an ISO 639 code of two or three lower-case letters (en, ka, fil), optionally with a region (pt-BR)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forms.Parse("f.yaml", []byte(tt.file))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "forms.yaml")
		if err := os.WriteFile(path, forms.DefaultYAML(), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := forms.LoadFile(path)
		if err != nil || len(f.Workshops) != 8 {
			t.Fatalf("LoadFile = %v, %v", f, err)
		}
	})
	t.Run("ErrNamesTheFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "broken.yaml")
		if err := os.WriteFile(path, []byte("workshops:\n  - slug: a\n    title: A\n    extra: 1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := forms.LoadFile(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+":4: ") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		_, err := forms.LoadFile(filepath.Join(t.TempDir(), "none.yaml"))
		if err == nil || !strings.Contains(err.Error(), "none.yaml") {
			t.Fatalf("err = %v", err)
		}
	})
}
