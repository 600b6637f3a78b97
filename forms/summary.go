package forms

import "slices"

// The figures the rapporteur reads, computed the same way for the dashboard
// and the workbook. A Tally takes responses one at a time, so a summary of a
// hundred thousand responses costs the memory of a few hundred counters.

// MinGroupSize is the fewest people a breakdown figure may describe; smaller
// groups are shown as "<5". The declared profile questions (Figures.Profile)
// say who answered: their counts are shown only as such breakdowns, so that
// nobody in a small group can be recognised.
const MinGroupSize = 5

// NoAnswer is the group of the people who left a profile question blank.
const NoAnswer = ""

// ScoreTally counts the answers to a Rating or NPS question.
type ScoreTally struct {
	Min, Max int
	// Counts holds the number of answers of each score, Counts[0] for Min.
	Counts []int
	// N is the number of people who answered; Out counts answers outside
	// Min..Max (a scale changed after people answered), left out of every
	// figure.
	N, Out int
	Sum    int64
}

func newScoreTally(q *Question) *ScoreTally {
	return &ScoreTally{Min: q.Min, Max: q.Max, Counts: make([]int, q.Max-q.Min+1)}
}

// Add counts one answer.
func (t *ScoreTally) Add(score int) { t.AddN(score, 1) }

// AddN counts n answers of score.
func (t *ScoreTally) AddN(score, n int) {
	if score < t.Min || score > t.Max {
		t.Out += n
		return
	}
	t.Counts[score-t.Min] += n
	t.N += n
	t.Sum += int64(score) * int64(n)
}

// Count returns how many people gave score.
func (t *ScoreTally) Count(score int) int {
	if t == nil || score < t.Min || score > t.Max {
		return 0
	}
	return t.Counts[score-t.Min]
}

// Share returns the fraction (0–1) of the people who answered that gave score.
func (t *ScoreTally) Share(score int) float64 {
	if t == nil || t.N == 0 {
		return 0
	}
	return float64(t.Count(score)) / float64(t.N)
}

// Mean returns the mean score; ok is false when nobody answered.
func (t *ScoreTally) Mean() (mean float64, ok bool) {
	if t == nil || t.N == 0 {
		return 0, false
	}
	return float64(t.Sum) / float64(t.N), true
}

// NetPromoter is the Net Promoter Score of a 0–10 question: promoters answer 9 or 10,
// passives 7 or 8, detractors 0 to 6; Score is the percentage of promoters
// minus the percentage of detractors, from -100 to 100.
type NetPromoter struct {
	N, Promoters, Passives, Detractors int
	Score                              float64
}

// NPS returns the tally's Net Promoter Score; ok is false when nobody
// answered.
func (t *ScoreTally) NPS() (n NetPromoter, ok bool) {
	if t == nil || t.N == 0 {
		return NetPromoter{}, false
	}
	for s := t.Min; s <= t.Max; s++ {
		switch c := t.Count(s); {
		case s >= 9:
			n.Promoters += c
		case s >= 7:
			n.Passives += c
		default:
			n.Detractors += c
		}
	}
	n.N = t.N
	n.Score = 100 * float64(n.Promoters-n.Detractors) / float64(n.N)
	return n, true
}

// ChoiceTally counts the answers to a Single or Multi question by option id,
// whatever language they were given in.
type ChoiceTally struct {
	// N is the number of people who answered; a Multi answer counts once
	// here and once for each option chosen.
	N      int
	Counts map[string]int
}

// Share returns the fraction (0–1) of the people who answered that chose the
// option; for a Multi question the shares add up to more than 1.
func (t *ChoiceTally) Share(option string) float64 {
	if t == nil || t.N == 0 {
		return 0
	}
	return float64(t.Counts[option]) / float64(t.N)
}

// Summary holds the figures of a set of responses: one workshop, one profile
// group, or the whole forum.
type Summary struct {
	Responses int
	Scores    map[string]*ScoreTally
	Choices   map[string]*ChoiceTally
	// Texts counts the non-empty answers to each text question.
	Texts map[string]int
	// Profiles breaks the responses down by the answer to each profile
	// question: question id → option id (NoAnswer for blank) → the group's
	// summary. Groups have no Profiles of their own.
	Profiles map[string]map[string]*Summary

	questions []*Question
	asked     []int // by position in questions; nil in profile groups
}

// NewSummary starts an empty summary of the answers to questions, broken
// down by those of the profile questions (Figures.Profile) it has.
func NewSummary(questions []*Question, profile []string) *Summary {
	s := newSummary(questions)
	s.asked = make([]int, len(questions))
	s.Profiles = map[string]map[string]*Summary{}
	for _, q := range questions {
		if slices.Contains(profile, q.ID) && q.IsChoice() {
			s.Profiles[q.ID] = map[string]*Summary{}
		}
	}
	return s
}

func newSummary(questions []*Question) *Summary {
	s := &Summary{
		Scores:    map[string]*ScoreTally{},
		Choices:   map[string]*ChoiceTally{},
		Texts:     map[string]int{},
		questions: questions,
	}
	for _, q := range questions {
		switch {
		case q.IsScore():
			s.Scores[q.ID] = newScoreTally(q)
		case q.IsChoice():
			s.Choices[q.ID] = &ChoiceTally{Counts: map[string]int{}}
		}
	}
	return s
}

// Questions returns the questions the summary counts, in form order.
func (s *Summary) Questions() []*Question { return s.questions }

// Add counts one response, as asked every question the summary counts whose
// condition its answers meet. Answers to questions the summary does not know
// are left out.
func (s *Summary) Add(r *Response) { s.add(r, nil) }

// appliedTo is whether a response was asked q by its answers: q's condition
// holds, or it was answered all the same (an answer proves it was asked).
func appliedTo(q *Question, r *Response) bool {
	if _, answered := r.Answers[q.ID]; answered {
		return true
	}
	return q.Applies(r.Answers)
}

// add counts one response; asked says which questions its form asked (nil:
// those that applied to its answers).
func (s *Summary) add(r *Response, asked func(q *Question) bool) {
	s.Responses++
	for i, q := range s.questions {
		if s.asked != nil && ((asked == nil && appliedTo(q, r)) || (asked != nil && asked(q))) {
			s.asked[i]++
		}
		a, ok := r.Answers[q.ID]
		if !ok {
			continue
		}
		switch {
		case q.IsScore():
			s.Scores[q.ID].Add(a.Number)
		case q.IsChoice():
			if len(a.Choices) == 0 {
				continue
			}
			t := s.Choices[q.ID]
			t.N++
			for _, c := range a.Choices {
				t.Counts[c]++
			}
		case a.Text != "":
			s.Texts[q.ID]++
		}
	}
	for id, groups := range s.Profiles {
		key := NoAnswer
		if a, ok := r.Answers[id]; ok && len(a.Choices) > 0 {
			key = a.Choices[0]
		}
		g := groups[key]
		if g == nil {
			g = newSummary(s.questions)
			groups[key] = g
		}
		g.add(r, nil)
	}
}

// Asked returns how many of the responses were asked the question with id:
// those whose form had it (all of them unless the forms file changed
// mid-forum, see QuestionPeriods) and to which it applied (a question with a
// show_if is asked only when its condition holds).
// It is the denominator a rapporteur needs beside n, the people who
// answered. Profile groups do not count it.
func (s *Summary) Asked(id string) int {
	for i, q := range s.questions {
		if q.ID == id && s.asked != nil {
			return s.asked[i]
		}
	}
	return 0
}

// Answered returns n for the question with id: the people who answered it
// (for a score, within its scale), as the tables show it.
func (s *Summary) Answered(id string) int {
	switch {
	case s.Scores[id] != nil:
		return s.Scores[id].N
	case s.Choices[id] != nil:
		return s.Choices[id].N
	}
	return s.Texts[id]
}

// Mean returns the mean score of the question with id; ok is false when
// nobody answered it or it is not a score.
func (s *Summary) Mean(id string) (float64, bool) { return s.Scores[id].Mean() }

// Gain returns the declared gain (Figures.Gain): the mean of the after
// rating minus the mean of the before one; ok is false unless both were
// answered.
func (s *Summary) Gain(f Figures) (float64, bool) {
	b, a, ok := f.GainPair()
	if !ok {
		return 0, false
	}
	before, ok1 := s.Mean(b)
	after, ok2 := s.Mean(a)
	if !ok1 || !ok2 {
		return 0, false
	}
	return after - before, true
}

// NPSQuestion returns the question the summary's NPS comes from: the first
// question of type NPS, or nil.
func (s *Summary) NPSQuestion() *Question {
	for _, q := range s.questions {
		if q.Type == NPS {
			return q
		}
	}
	return nil
}

// NPS returns the Net Promoter Score of NPSQuestion.
func (s *Summary) NPS() (NetPromoter, bool) {
	q := s.NPSQuestion()
	if q == nil {
		return NetPromoter{}, false
	}
	return s.Scores[q.ID].NPS()
}

// Tally summarises responses to the workshops of a forms file, one workshop
// at a time and all together, in one pass.
type Tally struct {
	forms *Forms
	// Workshops holds each workshop's summary by slug.
	Workshops map[string]*Summary
	// All is the summary of every response to a workshop of the file.
	All *Summary
	// Unknown counts responses to workshops that are no longer in the
	// forms file; they are in no summary.
	Unknown int
	// Periods, set before the first Add, says which questions each
	// workshop's form asked when; it decides the summaries' Asked. Nil
	// takes every workshop's current form to have been asked all along.
	Periods QuestionPeriods

	// own holds each workshop's questions by id: All's question of an id
	// may be another workshop's, with another condition.
	own map[string]map[string]*Question
}

// NewTally starts an empty tally of the workshops of f.
func NewTally(f *Forms) *Tally {
	t := &Tally{forms: f, Workshops: map[string]*Summary{}, All: NewSummary(f.Questions(), f.Figures.Profile),
		own: map[string]map[string]*Question{}}
	for _, w := range f.Workshops {
		t.Workshops[w.Slug] = NewSummary(w.Questions, f.Figures.Profile)
		byID := make(map[string]*Question, len(w.Questions))
		for _, q := range w.Questions {
			byID[q.ID] = q
		}
		t.own[w.Slug] = byID
	}
	return t
}

// Add counts one response in its workshop's summary and in All. A question
// counts as asked of it if its form had the question then (Periods) and the
// question's condition, as its workshop words it, held.
func (t *Tally) Add(r *Response) {
	s, ok := t.Workshops[r.Workshop]
	if !ok {
		t.Unknown++
		return
	}
	had := t.Periods.AskedOf(t.forms.Workshop(r.Workshop), r)
	own := t.own[r.Workshop]
	asked := func(q *Question) bool {
		if wq := own[q.ID]; wq != nil {
			q = wq
		}
		return had(q.ID) && appliedTo(q, r)
	}
	// Without a record, the workshop's own summary, whose questions are its
	// form's, was asked all of them that applied.
	if t.Periods.Recorded(r.Workshop) {
		s.add(r, asked)
	} else {
		s.add(r, nil)
	}
	t.All.add(r, asked)
}
