package formsgen

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"feedback/forms"
	"feedback/forms/formstest"
)

// strict asks only required questions, among them a multiple choice and a
// text shorter than most of the crowd's: what a crowd that skips everything
// it may must still answer.
const strict = `
languages: [en, fr]
questions:
  - id: score
    type: rating
    required: true
    min: -2
    max: 2
    label: {en: "Score?"}
  - id: picks
    type: multi
    required: true
    label: {en: "Picks?"}
    options:
      - {id: one, label: {en: "One"}}
      - {id: two, label: {en: "Two"}}
  - id: word
    type: text
    required: true
    max_length: 5
    label: {en: "One word?"}
workshops:
  - slug: only
    title: {en: "Only"}
`

var texts = []string{"Short.", "Plus de temps\npour les questions", "Очень полезный семинар", "=1+1"}

// Generated answers mean something only if the service takes them as they
// are, by the form post and by the API alike.
func TestAnswers(t *testing.T) {
	strictForms, err := forms.Parse("strict.yaml", []byte(strict))
	if err != nil {
		t.Fatal(err)
	}
	crowds := map[string]Crowd{
		"Everything": {Answered: 1, Written: 1, Ticked: 1, Texts: texts},
		"Nothing":    {Texts: texts},
		"Some":       {Answered: 0.7, Written: 0.3, Ticked: 0.5, Texts: texts},
	}
	for name, f := range map[string]*forms.Forms{"Small": formstest.Small(t), "Strict": strictForms} {
		for crowdName, c := range crowds {
			t.Run(name+"/"+crowdName, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, 2))
				for _, w := range f.Workshops {
					for i := 0; i < 200; i++ {
						checkAnswers(t, w, Answers(w, rng, c))
					}
				}
			})
		}
	}
}

func checkAnswers(t *testing.T, w *forms.Workshop, a forms.Answers) {
	t.Helper()
	fromForm, err := w.Validate(forms.Input(a.Values(w)), "en")
	if err != nil {
		t.Fatalf("%v: %v", a, err)
	}
	if !fromForm.Equal(a) {
		t.Fatalf("validated as %v, drawn as %v", fromForm, a)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(JSON(w, a), &raw); err != nil {
		t.Fatal(err)
	}
	in, typeErrs := w.InputFromJSON(raw, "en")
	if len(typeErrs) > 0 {
		t.Fatalf("%s: %v", JSON(w, a), typeErrs)
	}
	fromJSON, err := w.Validate(in, "en")
	if err != nil {
		t.Fatalf("%s: %v", JSON(w, a), err)
	}
	if !fromJSON.Equal(a) {
		t.Fatalf("the API reads %v, drawn as %v", fromJSON, a)
	}
}

// The crowd's chances are what callers tune a bench by.
func TestAnswersFollowCrowd(t *testing.T) {
	f := formstest.Small(t)
	w := f.Workshop("alpha")
	c := Crowd{Answered: 0.7, Written: 0.3, Ticked: 0.5, Texts: texts}
	rng := rand.New(rand.NewPCG(3, 4))
	counts := map[forms.Type]int{}
	asked := map[forms.Type]int{}
	const n = 4000
	for i := 0; i < n; i++ {
		a := Answers(w, rng, c)
		for _, q := range w.Questions {
			if q.Required || q.Type == forms.Multi { // a multiple choice with nothing ticked is blank too
				continue
			}
			asked[q.Type]++
			if _, ok := a[q.ID]; ok {
				counts[q.Type]++
			}
		}
	}
	for typ, want := range map[forms.Type]float64{forms.Rating: 0.7, forms.NPS: 0.7, forms.Single: 0.7, forms.FreeText: 0.3} {
		got := float64(counts[typ]) / float64(asked[typ])
		if got < want-0.05 || got > want+0.05 {
			t.Errorf("%s answered %.2f of the time, want about %.2f", typ, got, want)
		}
	}
}
