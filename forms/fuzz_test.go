package forms_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"feedback/forms"
	"feedback/forms/formstest"
)

// The fuzz targets below run their seeds (f.Add and testdata/fuzz/<name>/) on
// every `go test`; `go test -run=^$ -fuzz=FuzzName ./forms` explores further.
// Each checks properties, not just "no panic": whatever is accepted obeys
// every rule of its question, and whatever is refused says why per field.

// FuzzParse loads arbitrary forms files: an organizer's typo must give an
// error, never a panic, and a file that loads must be one the service can
// serve (scales a phone can show, options to choose from, unique ids).
func FuzzParse(f *testing.F) {
	f.Add(formstest.Bytes())
	f.Add([]byte("workshops:\n  - slug: a\n    title: A\n    questions:\n      - id: q\n        type: rating\n        label: Q\n"))
	f.Add([]byte("workshops:\n  - slug: a\n    title: A\n    questions:\n      - {id: q, type: nps, label: Q, min: -9223372036854775808, max: 9223372036854775807}\n"))
	f.Add([]byte("questions:\n  - {id: c, type: single, label: C, options: [{id: x, label: X}, {id: x, label: Y}]}\nworkshops: [{slug: a, title: A}]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("workshops:\n  - slug: a\n    title: {en: A, xx: B}\n    opens_at: 2025-06-25T09:00:00Z\n    closes_at: 2025-06-25T08:00:00Z\n"))
	f.Add([]byte(""))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64*1024 {
			return
		}
		fs, err := forms.Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		checkForms(t, fs)
	})
}

func checkForms(t *testing.T, fs *forms.Forms) {
	t.Helper()
	if len(fs.Workshops) == 0 {
		t.Fatal("loaded with no workshops")
	}
	slugs := map[string]bool{}
	types := map[string]forms.Type{}
	for _, w := range fs.Workshops {
		if w.Slug == "" || slugs[w.Slug] || fs.Workshop(w.Slug) != w {
			t.Fatalf("slug %q empty, duplicate or not found", w.Slug)
		}
		slugs[w.Slug] = true
		if w.Title.Get("en") == "" || len(w.Questions) == 0 {
			t.Fatalf("workshop %q: no title or no questions", w.Slug)
		}
		ids := map[string]bool{}
		for _, q := range w.Questions {
			if q.ID == "" || ids[q.ID] || w.Question(q.ID) != q {
				t.Fatalf("workshop %q: question id %q empty, duplicate or not found", w.Slug, q.ID)
			}
			ids[q.ID] = true
			if prev, ok := types[q.ID]; ok && prev != q.Type {
				t.Fatalf("question %q has two types", q.ID)
			}
			types[q.ID] = q.Type
			if q.Label.Get("en") == "" {
				t.Fatalf("question %q has no English label", q.ID)
			}
			switch q.Type {
			case forms.Rating, forms.NPS:
				if q.Min >= q.Max || q.Max-q.Min > 100 || q.Max-q.Min < 0 {
					t.Fatalf("question %q: scale %d..%d", q.ID, q.Min, q.Max)
				}
				if n := len(q.Scores()); n != q.Max-q.Min+1 {
					t.Fatalf("question %q: %d scores for %d..%d", q.ID, n, q.Min, q.Max)
				}
			case forms.Single, forms.Multi:
				if len(q.Options) == 0 {
					t.Fatalf("choice %q without options", q.ID)
				}
				seen := map[string]bool{}
				for _, o := range q.Options {
					if o.ID == "" || seen[o.ID] || o.Label.Get("en") == "" {
						t.Fatalf("choice %q: option %q empty, duplicate or unlabelled", q.ID, o.ID)
					}
					seen[o.ID] = true
				}
			case forms.FreeText:
				if q.MaxLength <= 0 {
					t.Fatalf("text %q: max length %d", q.ID, q.MaxLength)
				}
			default:
				t.Fatalf("question %q: unknown type %q", q.ID, q.Type)
			}
		}
		// An empty response is judged, not crashed on.
		if _, err := w.Validate(forms.Input{}, "en"); err != nil && forms.ErrorCode(err) != forms.EINVALID {
			t.Fatalf("empty response: %v", err)
		}
	}
}

// FuzzValidateForm checks a form-encoded body as the browser form sends it
// against a workshop of the small fixture (beta, with a question of its own).
func FuzzValidateForm(f *testing.F) {
	f.Add("overall=5&pace=3&formats=talks&formats=exercises&sector=academia&comment=Useful", "en")
	f.Add("overall=5&pace=2&recommend=10&comment=caf%E9", "fr")
	f.Add("overall=6&pace=0&recommend=-1", "ru")
	f.Add("overall=4.5&pace=2", "ru")
	f.Add("overall=5&overall=4&pace=%20&sector=a&sector=b", "zh")
	f.Add("overall=%2B5&pace=+3+&formats=talks&formats=talks", "ar")
	f.Add("overall=5&pace=3&comment=a%00b&beta_idea=%E2%80%AEevil&colour=red", "uz")
	f.Add("overall=5&pace=3&beta_idea="+strings.Repeat("%D0%B6", 101), "es")
	f.Add("", "xx")
	w := formstest.Small(f).Workshop("beta")
	f.Fuzz(func(t *testing.T, body, lang string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in := forms.Input(values)
		answers, err := w.Validate(in, lang)
		checkValidation(t, w, in, answers, err)
	})
}

// FuzzValidateJSON checks a JSON body as the API receives it: decoded, its
// answers turned into input by type, then validated.
func FuzzValidateJSON(f *testing.F) {
	f.Add([]byte(`{"submission_id":"7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f","lang":"en","answers":{"overall":5,"pace":3,"formats":["talks"],"comment":"Useful"}}`))
	f.Add([]byte(`{"answers":{"overall":5.0,"pace":"3","recommend":1e300,"sector":["a","b"],"comment":42}}`))
	f.Add([]byte(`{"answers":{"overall":-0,"pace":3,"formats":[""],"comment":"a\u0000b","sector":null}}`))
	f.Add([]byte(`{"answers":{"overall":5,"pace":3,"comment":"caf` + "\xe9" + `","x":{}}}`))
	f.Add([]byte(`{"answers":{"overall":1e9,"pace":-1e9,"recommend":9007199254740993}}`))
	f.Add([]byte(`[]`))
	w := formstest.Small(f).Workshop("alpha")
	f.Fuzz(func(t *testing.T, data []byte) {
		var body struct {
			Lang    string                     `json:"lang"`
			Answers map[string]json.RawMessage `json:"answers"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&body); err != nil || dec.Decode(new(json.RawMessage)) != io.EOF {
			return
		}
		in, typeErrs := w.InputFromJSON(body.Answers, body.Lang)
		for id, p := range typeErrs {
			if p.Key == "" {
				t.Fatalf("type error for %q has no message", id)
			}
			if _, ok := body.Answers[id]; !ok {
				t.Fatalf("type error for %q, which was not sent", id)
			}
			if _, ok := in[id]; ok {
				t.Fatalf("%q is both refused and taken", id)
			}
		}
		answers, err := w.Validate(in, body.Lang)
		checkValidation(t, w, in, answers, err)
	})
}

// checkValidation holds whatever Validate decided to the rules: accepted
// answers obey their question; refusals are EINVALID with a message for
// fields that were sent or required.
func checkValidation(t *testing.T, w *forms.Workshop, in forms.Input, answers forms.Answers, err error) {
	t.Helper()
	if err != nil {
		var fe *forms.Error
		if !errors.As(err, &fe) || fe.Code != forms.EINVALID || len(fe.Fields) == 0 || answers != nil {
			t.Fatalf("refusal is not a per-field EINVALID: %v (answers %v)", err, answers)
		}
		for id, p := range fe.Fields {
			if p.Key == "" {
				t.Fatalf("no message for %q", id)
			}
			q := w.Question(id)
			if _, sent := in[id]; !sent && (q == nil || !q.Required) {
				t.Fatalf("message for %q, neither sent nor required", id)
			}
		}
		return
	}
	for _, q := range w.Questions {
		a, ok := answers[q.ID]
		if q.Required && !ok {
			t.Fatalf("required %q accepted without an answer", q.ID)
		}
		if !ok {
			continue
		}
		switch q.Type {
		case forms.Rating, forms.NPS:
			if a.Number < q.Min || a.Number > q.Max {
				t.Fatalf("%q accepted %d outside %d..%d", q.ID, a.Number, q.Min, q.Max)
			}
		case forms.Single, forms.Multi:
			if len(a.Choices) == 0 || (q.Type == forms.Single && len(a.Choices) != 1) {
				t.Fatalf("%q accepted choices %q", q.ID, a.Choices)
			}
			seen := map[string]bool{}
			for _, c := range a.Choices {
				if _, ok := q.Option(c); !ok || seen[c] {
					t.Fatalf("%q accepted option %q", q.ID, c)
				}
				seen[c] = true
			}
		case forms.FreeText:
			if a.Text == "" || !utf8.ValidString(a.Text) || utf8.RuneCountInString(a.Text) > q.MaxLength {
				t.Fatalf("%q accepted text %q", q.ID, a.Text)
			}
			for _, r := range a.Text {
				if (unicode.IsControl(r) && r != '\n' && r != '\t') || r == utf8.RuneError {
					t.Fatalf("%q accepted control or broken character %U", q.ID, r)
				}
			}
		}
	}
	for id := range answers {
		if w.Question(id) == nil {
			t.Fatalf("answer to unknown question %q", id)
		}
	}
	for id := range in {
		if w.Question(id) == nil {
			t.Fatalf("unknown question %q sent but the response was accepted", id)
		}
	}
}
