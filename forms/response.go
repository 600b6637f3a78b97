package forms

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Response is one participant's feedback on one workshop. It holds no name,
// address or device detail: the SubmissionID is random and made by the form.
type Response struct {
	ID           string
	SubmissionID string
	Workshop     string
	Lang         string
	SubmittedAt  time.Time
	// Source is the way the response came in (SourceWeb, SourceAPI,
	// SourcePaper), so that the rapporteur can tell keyed paper sheets from
	// answers given on a phone; empty is stored as SourceWeb.
	Source  string
	Answers Answers
}

// The ways a response comes in, as stored in Response.Source.
const (
	SourceWeb   = "web"   // the participant's form
	SourceAPI   = "api"   // the JSON API
	SourcePaper = "paper" // a paper sheet keyed by staff
)

// Sources lists the ways in, in the order the workbook counts them.
var Sources = []string{SourceWeb, SourceAPI, SourcePaper}

// Answer is the answer to one question. Which field holds it depends on the
// question's type: Number for a score, Choices (option ids) for a choice, Text
// for free text.
type Answer struct {
	Number  int
	Choices []string
	Text    string
}

// Answers maps a question id to its answer; a question left blank is absent.
type Answers map[string]Answer

// Equal reports whether two sets of answers say the same thing, so that a
// retried submission can be told from a changed one.
func (a Answers) Equal(b Answers) bool {
	if len(a) != len(b) {
		return false
	}
	for id, x := range a {
		y, ok := b[id]
		if !ok || x.Number != y.Number || x.Text != y.Text || len(x.Choices) != len(y.Choices) {
			return false
		}
		for i := range x.Choices {
			if x.Choices[i] != y.Choices[i] {
				return false
			}
		}
	}
	return true
}

// Values renders answers back into form values, one slice per question id,
// to fill a form in again.
func (a Answers) Values(w *Workshop) map[string][]string {
	v := make(map[string][]string, len(a))
	for _, q := range w.Questions {
		ans, ok := a[q.ID]
		if !ok {
			continue
		}
		switch {
		case q.IsScore():
			v[q.ID] = []string{strconv.Itoa(ans.Number)}
		case q.IsChoice():
			v[q.ID] = append([]string(nil), ans.Choices...)
		default:
			v[q.ID] = []string{ans.Text}
		}
	}
	return v
}

// Cell renders one answer as a single string for a table of raw responses:
// a number, the option ids joined with "; ", or the text.
func (a Answer) Cell(q *Question) string {
	switch {
	case q != nil && q.IsScore():
		return strconv.Itoa(a.Number)
	case len(a.Choices) > 0:
		return strings.Join(a.Choices, "; ")
	}
	return a.Text
}

// sortChoices orders a multiple choice by the question's option order, so the
// same choices given in any order are stored and compared alike.
func sortChoices(q *Question, ids []string) {
	pos := make(map[string]int, len(q.Options))
	for i, o := range q.Options {
		pos[o.ID] = i
	}
	sort.SliceStable(ids, func(i, j int) bool { return pos[ids[i]] < pos[ids[j]] })
}
