package forms_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/forms/formstest"
)

func TestParseResults(t *testing.T) {
	f, err := forms.Parse("f.yaml", []byte("questions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A, results: public}\n  - {slug: b, title: B}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Workshop("a").ResultsPublic || f.Workshop("b").ResultsPublic {
		t.Errorf("results public: a %v, b %v", f.Workshop("a").ResultsPublic, f.Workshop("b").ResultsPublic)
	}
}

// resultsOf tallies responses to alpha of the small fixture, with sector as
// the declared profile, and returns its published figures.
func resultsOf(t *testing.T, answers []forms.Answers) *forms.Results {
	t.Helper()
	f, err := forms.Parse("small.yaml", append(formstest.Bytes(), "figures:\n  profile: [sector]\n"...))
	if err != nil {
		t.Fatal(err)
	}
	tally := forms.NewTally(f)
	for _, a := range answers {
		tally.Add(&forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en", Answers: a})
	}
	w := f.Workshop("alpha")
	return forms.NewResults(w, tally.Workshops[w.Slug], f.Figures.Profile)
}

// sectors answers the sector question: n people for each option, in order.
func sectors(counts map[string]int) []forms.Answers {
	var out []forms.Answers
	for _, id := range []string{"government", "academia", "other"} {
		for range counts[id] {
			out = append(out, forms.Answers{"overall": {Number: 4}, "sector": {Choices: []string{id}}})
		}
	}
	return out
}

func groupsJSON(t *testing.T, gs []forms.Group) string {
	t.Helper()
	m := map[string]forms.Figure{}
	for _, g := range gs {
		m[g.ID] = g.People
	}
	return marshal(t, m)
}

// marshal writes v as JSON without escaping "<", as the app serves it.
func marshal(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestNewResults(t *testing.T) {
	t.Run("OKOneSmallGroupHidesTwo", func(t *testing.T) {
		r := resultsOf(t, sectors(map[string]int{"government": 10, "academia": 7, "other": 3}))
		want := `{"academia":"<5","government":10,"other":"<5"}`
		for _, q := range r.Questions {
			if q.Question.ID == "sector" {
				if got := groupsJSON(t, q.Groups); got != want || q.N != (forms.Figure{Value: 20}) {
					t.Errorf("sector counts = %s, n %+v; want %s, 20", got, q.N, want)
				}
			}
		}
		if len(r.Profiles) != 1 || groupsJSON(t, r.Profiles[0].Groups) != want {
			t.Fatalf("profiles = %+v, want sector %s", r.Profiles, want)
		}
	})
	t.Run("OKTwoSmallGroupsHideNoMore", func(t *testing.T) {
		r := resultsOf(t, sectors(map[string]int{"government": 10, "academia": 3, "other": 2}))
		if got, want := groupsJSON(t, r.Profiles[0].Groups), `{"academia":"<5","government":10,"other":"<5"}`; got != want {
			t.Errorf("profile = %s, want %s", got, want)
		}
	})
	t.Run("OKScores", func(t *testing.T) {
		var answers []forms.Answers
		for i, score := range []int{5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 1} {
			answers = append(answers, forms.Answers{"overall": {Number: score}, "pace": {Number: 1 + i%3}})
		}
		r := resultsOf(t, answers)
		overall := r.Questions[0]
		if overall.Question.ID != "overall" || overall.N.Value != 13 || overall.Mean.Hidden || overall.Mean.Value != 53.0/13 {
			t.Fatalf("overall = %+v, mean %+v", overall, overall.Mean)
		}
		// 3 and 1 are small; 2 (nobody) too: three hidden, none more.
		if got, want := groupsJSON(t, overall.Groups), `{"1":"<5","2":"<5","3":"<5","4":6,"5":5}`; got != want {
			t.Errorf("overall counts = %s, want %s", got, want)
		}
		for _, q := range r.Questions {
			if q.Question.ID == "recommend" && (!q.N.Hidden || !q.Mean.Hidden) {
				t.Errorf("recommend, answered by nobody: %+v", q)
			}
			if q.Question.ID == "comment" {
				t.Error("a text question has published figures")
			}
		}
	})
	t.Run("OKFewResponsesHideEverything", func(t *testing.T) {
		r := resultsOf(t, sectors(map[string]int{"government": 4}))
		if got := marshal(t, r.Responses); got != strconv.Quote(forms.Hidden) {
			t.Errorf("responses = %s", got)
		}
		if got := groupsJSON(t, r.Profiles[0].Groups); got != `{"academia":"<5","government":"<5","other":"<5"}` {
			t.Errorf("profile = %s", got)
		}
	})
}
