package forms

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
)

// The figures given back to participants once a workshop is closed and its
// results are published (Workshop.ResultsPublic, or the organizer's
// decision): the same tallies as the workbook, with every figure about fewer
// than MinGroupSize people hidden, and a second group of a breakdown hidden
// whenever only one would be, so that no hidden figure is the total minus
// the figures shown.

// ResultsPublic is the one value of a workshop's results: key, which
// publishes its figures once it is closed.
const ResultsPublic = "public"

// Figure is a count or a mean given back to the public: Hidden when it is
// about fewer than MinGroupSize people (shown as "<5").
type Figure struct {
	Value  float64
	Hidden bool
}

// Hidden is how a hidden figure is written.
const Hidden = "<5"

// count is the figure of a count of people: hidden below MinGroupSize.
func count(n int) Figure {
	if n < MinGroupSize {
		return Figure{Hidden: true}
	}
	return Figure{Value: float64(n)}
}

// MarshalJSON writes a hidden figure as "<5", any other as a number.
func (f Figure) MarshalJSON() ([]byte, error) {
	if f.Hidden {
		return []byte(`"` + Hidden + `"`), nil
	}
	return json.Marshal(f.Value)
}

// Group is one group of a breakdown: a score or an option, and its people.
type Group struct {
	ID     string
	People Figure
}

// QuestionResult is the published figures of one rating, NPS or choice
// question: n, the mean (scores only) and a group per score or option.
type QuestionResult struct {
	Question *Question
	N        Figure
	// Mean is nil for a choice question.
	Mean   *Figure
	Groups []Group
}

// ProfileResult is the breakdown of the responses by one declared profile
// question: the people per option, as the workbook's "Who answered".
type ProfileResult struct {
	Question *Question
	Groups   []Group
}

// Results is what a published workshop gives back.
type Results struct {
	Responses Figure
	Questions []QuestionResult
	Profiles  []ProfileResult
}

// NewResults takes the published figures of w from its summary s (a Tally's
// Workshops[w.Slug]); profile are the declared profile questions
// (Figures.Profile).
func NewResults(w *Workshop, s *Summary, profile []string) *Results {
	res := &Results{Responses: count(s.Responses)}
	for _, q := range w.Questions {
		switch {
		case q.IsScore():
			res.Questions = append(res.Questions, scoreResult(q, s.Scores[q.ID]))
		case q.IsChoice():
			res.Questions = append(res.Questions, choiceResult(q, s.Choices[q.ID]))
		}
	}
	for _, q := range w.Questions {
		groups, ok := s.Profiles[q.ID]
		if !ok || !slices.Contains(profile, q.ID) {
			continue
		}
		people := map[string]int{}
		for id, g := range groups {
			if id != NoAnswer {
				people[id] = g.Responses
			}
		}
		res.Profiles = append(res.Profiles, ProfileResult{Question: q, Groups: breakdown(optionIDs(q, people), people)})
	}
	return res
}

func scoreResult(q *Question, t *ScoreTally) QuestionResult {
	r := QuestionResult{Question: q, N: count(t.N), Mean: &Figure{Hidden: t.N < MinGroupSize}}
	if m, ok := t.Mean(); ok && !r.Mean.Hidden {
		r.Mean.Value = m
	}
	ids := make([]string, 0, q.Max-q.Min+1)
	counts := map[string]int{}
	for score := t.Min; score <= t.Max; score++ {
		id := strconv.Itoa(score)
		ids = append(ids, id)
		counts[id] = t.Count(score)
	}
	r.Groups = breakdown(ids, counts)
	return r
}

func choiceResult(q *Question, t *ChoiceTally) QuestionResult {
	return QuestionResult{Question: q, N: count(t.N), Groups: breakdown(optionIDs(q, t.Counts), t.Counts)}
}

// breakdown gives the groups ids their people, hiding every group under
// MinGroupSize and, when that hides exactly one, the smallest other group
// too (the first of them in ids on a tie).
func breakdown(ids []string, people map[string]int) []Group {
	out := make([]Group, len(ids))
	hidden := 0
	for i, id := range ids {
		out[i] = Group{ID: id, People: count(people[id])}
		if out[i].People.Hidden {
			hidden++
		}
	}
	if hidden != 1 {
		return out
	}
	smallest := -1
	for i, g := range out {
		if !g.People.Hidden && (smallest < 0 || g.People.Value < out[smallest].People.Value) {
			smallest = i
		}
	}
	if smallest >= 0 {
		out[smallest].People = Figure{Hidden: true}
	}
	return out
}

// optionIDs lists a choice's options in form order, then any others the
// counts have (options since removed from the forms file), sorted.
func optionIDs(q *Question, counts map[string]int) []string {
	ids := make([]string, 0, len(q.Options))
	for _, o := range q.Options {
		ids = append(ids, o.ID)
	}
	var extra []string
	for id := range counts {
		if !slices.Contains(ids, id) {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	return append(ids, extra...)
}
