package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"time"

	"feedback/forms"
)

// texts are what participants might write: several scripts, line breaks, and
// answers that a spreadsheet could take for a formula, so the load exercises
// the same paths real answers do.
var texts = []string{
	"Practical tools we can use on Monday.",
	"Les études de cas étaient excellentes.",
	"Más tiempo para el intercambio entre pares, por favor.",
	"Очень полезный семинар, спасибо организаторам.",
	"希望有更多的小组练习。",
	"ورشة عمل مفيدة جدا",
	"Amaliy mashg'ulotlar juda foydali bo'ldi.",
	"=1+1 is not a formula here",
	"-- more time for questions\nand a shorter lunch",
	"@everyone: share the slides",
	"Start a foresight unit in our ministry and train ten people in the first year.",
}

// answerSet is one participant's answers to one workshop, pre-encoded for
// both paths: the load generator only splices a fresh submission_id in, so
// that it spends its share of the two cores on sending, not on encoding.
type answerSet struct {
	slug string
	lang string
	// jsonAnswers is the "answers" object of the API body.
	jsonAnswers []byte
	// formFields is the urlencoded form without submission_id.
	formFields []byte
}

// drawAnswers draws one participant's valid answers to w: required questions
// always answered, optional ones most of the time.
func drawAnswers(rng *rand.Rand, w *forms.Workshop) forms.Answers {
	answers := forms.Answers{}
	for _, q := range w.Questions {
		if !q.Required && rng.IntN(10) < 3 {
			continue
		}
		switch q.Type {
		case forms.Rating, forms.NPS:
			answers[q.ID] = forms.Answer{Number: q.Min + rng.IntN(q.Max-q.Min+1)}
		case forms.Single:
			answers[q.ID] = forms.Answer{Choices: []string{q.Options[rng.IntN(len(q.Options))].ID}}
		case forms.Multi:
			var chosen []string
			for _, o := range q.Options {
				if rng.IntN(2) == 0 {
					chosen = append(chosen, o.ID)
				}
			}
			if len(chosen) > 0 {
				answers[q.ID] = forms.Answer{Choices: chosen}
			}
		default:
			answers[q.ID] = forms.Answer{Text: texts[rng.IntN(len(texts))]}
		}
	}
	return answers
}

// makeAnswerSets draws n varied, valid answer sets over every workshop of f.
func makeAnswerSets(f *forms.Forms, n int, seed uint64) []answerSet {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sets := make([]answerSet, 0, n)
	for i := 0; i < n; i++ {
		w := f.Workshops[i%len(f.Workshops)]
		lang := f.Languages[rng.IntN(len(f.Languages))]
		answers := drawAnswers(rng, w)
		js := map[string]any{}
		form := url.Values{}
		form.Set("lang", lang)
		for _, q := range w.Questions {
			a, ok := answers[q.ID]
			if !ok {
				continue
			}
			switch {
			case q.IsScore():
				js[q.ID] = a.Number
				form.Set(q.ID, strconv.Itoa(a.Number))
			case q.Type == forms.Multi:
				js[q.ID] = a.Choices
				form[q.ID] = a.Choices
			case q.IsChoice():
				js[q.ID] = a.Choices[0]
				form.Set(q.ID, a.Choices[0])
			default:
				js[q.ID] = a.Text
				form.Set(q.ID, a.Text)
			}
		}
		b, err := json.Marshal(js)
		if err != nil {
			panic(fmt.Sprintf("loadgen: encode answers: %v", err)) // maps of ints, strings and lists always encode
		}
		sets = append(sets, answerSet{slug: w.Slug, lang: lang, jsonAnswers: b, formFields: []byte(form.Encode())})
	}
	return sets
}

// exportStart is when the export's responses were "submitted", one a second.
var exportStart = time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)

// eachExportResponse calls fn with n responses over every workshop of f,
// the same n every time: the database the export reads and the ceiling's
// cells are the same data.
func eachExportResponse(f *forms.Forms, n int, fn func(r *forms.Response) error) error {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < n; i++ {
		w := f.Workshops[rng.IntN(len(f.Workshops))]
		r := &forms.Response{
			SubmissionID: newSubmissionID(rng),
			Workshop:     w.Slug,
			Lang:         f.Languages[rng.IntN(len(f.Languages))],
			SubmittedAt:  exportStart.Add(time.Duration(i) * time.Second),
			Answers:      drawAnswers(rng, w),
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// newSubmissionID makes a random version-4 UUID from the worker's own
// generator: no lock and no system call per request.
func newSubmissionID(rng *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// apiBody is the JSON body of POST /api/v1/workshops/{slug}/responses.
func apiBody(buf []byte, id string, a *answerSet) []byte {
	buf = append(buf[:0], `{"submission_id":"`...)
	buf = append(buf, id...)
	buf = append(buf, `","lang":"`...)
	buf = append(buf, a.lang...)
	buf = append(buf, `","answers":`...)
	buf = append(buf, a.jsonAnswers...)
	return append(buf, '}')
}

// formBody is the urlencoded body of POST /w/{slug}, as a browser sends it.
func formBody(buf []byte, id string, a *answerSet) []byte {
	buf = append(buf[:0], "submission_id="...)
	buf = append(buf, id...)
	buf = append(buf, '&')
	return append(buf, a.formFields...)
}

// apiPath and formPath are the two submit paths for a workshop.
func apiPath(slug string) string  { return "/api/v1/workshops/" + slug + "/responses" }
func formPath(slug string) string { return "/w/" + slug }
