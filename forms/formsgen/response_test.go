package formsgen

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"feedback/forms"
	"feedback/forms/formstest"
)

func TestSubmissionID(t *testing.T) {
	seen := map[string]bool{}
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 10000; i++ {
		id := SubmissionID(rng)
		if !forms.ValidSubmissionID(id) {
			t.Fatalf("%q is not a valid submission_id", id)
		}
		if seen[id] {
			t.Fatalf("%q twice", id)
		}
		seen[id] = true
	}
}

// A bench that stores responses and then rebuilds them from the same seeds
// compares like with like only if the generator repeats itself.
func TestResponseRepeats(t *testing.T) {
	f := formstest.Small(t)
	c := Crowd{Answered: 0.5, Written: 0.5, Ticked: 0.5, Texts: texts}
	at := time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)
	draw := func() []*forms.Response {
		rng := rand.New(rand.NewPCG(5, 6))
		var out []*forms.Response
		for i := 0; i < 100; i++ {
			out = append(out, Response(f, rng, c, at))
		}
		return out
	}
	a, b := draw(), draw()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two draws from the same seed differ")
	}
	workshops, langs := map[string]bool{}, map[string]bool{}
	for _, r := range a {
		w := f.Workshop(r.Workshop)
		if w == nil || !forms.ValidSubmissionID(r.SubmissionID) || !r.SubmittedAt.Equal(at) {
			t.Fatalf("bad response %+v", r)
		}
		workshops[r.Workshop], langs[r.Lang] = true, true
		checkAnswers(t, w, r.Answers)
	}
	if len(workshops) != len(f.Workshops) || len(langs) != len(f.Languages) {
		t.Errorf("responses cover %d of %d workshops and %d of %d languages", len(workshops), len(f.Workshops), len(langs), len(f.Languages))
	}
}
