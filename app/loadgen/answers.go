package main

import (
	"math/rand/v2"
	"net/url"
	"time"

	"feedback/forms"
	"feedback/forms/formsgen"
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

// crowd fills in most of the form, texts too, so that every request carries
// nearly all of it for the server to check and store.
var crowd = formsgen.Crowd{Answered: 0.7, Written: 0.7, Ticked: 0.5, Texts: texts}

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

// makeAnswerSets draws n varied, valid answer sets over every workshop of f.
func makeAnswerSets(f *forms.Forms, n int, seed uint64) []answerSet {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sets := make([]answerSet, 0, n)
	for i := 0; i < n; i++ {
		w := f.Workshops[i%len(f.Workshops)]
		lang := f.Languages[rng.IntN(len(f.Languages))]
		answers := formsgen.Answers(w, rng, crowd)
		form := url.Values(answers.Values(w))
		form.Set("lang", lang)
		sets = append(sets, answerSet{slug: w.Slug, lang: lang, jsonAnswers: formsgen.JSON(w, answers), formFields: []byte(form.Encode())})
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
		if err := fn(formsgen.Response(f, rng, crowd, exportStart.Add(time.Duration(i)*time.Second))); err != nil {
			return err
		}
	}
	return nil
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
