// Package formsgen draws random, valid answers to any forms file. It exists so
// that the programs that need thousands of participants' answers (the load
// generator, the export bench) draw them in one way, from the forms file's
// own question types, options, scales and lengths: it names no question, so a
// reworded or different questionnaire needs no change here.
package formsgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"feedback/forms"
)

// Crowd is how a crowd of participants answers. Callers measure different
// things: a load that should carry most of the form in every request, or an
// export whose Comments sheet should be as long as a forum's, so how often
// questions are left blank is theirs to say.
type Crowd struct {
	// Answered is the chance that an optional score or choice question is
	// answered.
	Answered float64
	// Written is the chance that an optional free-text question is answered.
	Written float64
	// Ticked is the chance that each option of a multiple choice is ticked;
	// a required one with none ticked gets one at random.
	Ticked float64
	// Texts are what participants write, cut to a question's MaxLength; a
	// crowd with none leaves free text blank (and cannot answer a required
	// text question).
	Texts []string
}

// Answers draws one participant's answers to w, which w.Validate accepts as
// they are: every required question answered, the optional ones as often as
// c says.
func Answers(w *forms.Workshop, rng *rand.Rand, c Crowd) forms.Answers {
	answers := forms.Answers{}
	for _, q := range w.Questions {
		chance := c.Answered
		if q.Type == forms.FreeText {
			chance = c.Written
		}
		if !q.Required && rng.Float64() >= chance {
			continue
		}
		if a, ok := answer(q, rng, c); ok {
			answers[q.ID] = a
		}
	}
	return answers
}

// answer draws an answer to q, or none where c gives nothing to answer with.
func answer(q *forms.Question, rng *rand.Rand, c Crowd) (forms.Answer, bool) {
	switch q.Type {
	case forms.Rating, forms.NPS:
		return forms.Answer{Number: q.Min + rng.IntN(q.Max-q.Min+1)}, true
	case forms.Single:
		return forms.Answer{Choices: []string{q.Options[rng.IntN(len(q.Options))].ID}}, true
	case forms.Multi:
		var chosen []string
		for _, o := range q.Options {
			if rng.Float64() < c.Ticked {
				chosen = append(chosen, o.ID)
			}
		}
		if len(chosen) == 0 && q.Required {
			chosen = []string{q.Options[rng.IntN(len(q.Options))].ID}
		}
		return forms.Answer{Choices: chosen}, len(chosen) > 0
	case forms.FreeText:
		if len(c.Texts) == 0 {
			return forms.Answer{}, false
		}
		text := c.Texts[rng.IntN(len(c.Texts))]
		if r := []rune(text); len(r) > q.MaxLength {
			text = strings.TrimSpace(string(r[:q.MaxLength]))
		}
		return forms.Answer{Text: text}, text != ""
	}
	return forms.Answer{}, false
}

// JSON renders answers to w as the "answers" object of an API body, the
// counterpart of Workshop.InputFromJSON as Answers.Values is of a form post:
// a number per score, an option id per single choice, a list per multiple
// choice, a string per text.
func JSON(w *forms.Workshop, answers forms.Answers) json.RawMessage {
	js := make(map[string]any, len(answers))
	for _, q := range w.Questions {
		a, ok := answers[q.ID]
		if !ok {
			continue
		}
		switch {
		case q.IsScore():
			js[q.ID] = a.Number
		case q.Type == forms.Multi:
			js[q.ID] = a.Choices
		case q.IsChoice():
			js[q.ID] = a.Choices[0]
		default:
			js[q.ID] = a.Text
		}
	}
	b, err := json.Marshal(js)
	if err != nil {
		panic(fmt.Sprintf("formsgen: encode answers: %v", err)) // maps of ints, strings and lists always encode
	}
	return b
}
