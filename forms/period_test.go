package forms

import (
	"testing"
	"time"
)

func TestPeriodContains(t *testing.T) {
	t0 := time.Date(2025, 6, 24, 10, 0, 0, 0, time.UTC)
	t1 := t0.Add(3 * time.Hour)
	for _, tc := range []struct {
		name string
		p    Period
		at   time.Time
		want bool
	}{
		{"OKAlways", Period{}, t0, true},
		{"OKFromIncluded", Period{From: t0}, t0, true},
		{"ErrBeforeFrom", Period{From: t0}, t0.Add(-time.Millisecond), false},
		{"OKBeforeUntil", Period{Until: t1}, t1.Add(-time.Millisecond), true},
		{"ErrUntilExcluded", Period{Until: t1}, t1, false},
		{"OKInside", Period{From: t0, Until: t1}, t0.Add(time.Hour), true},
		{"ErrAfter", Period{From: t0, Until: t1}, t1.Add(time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Contains(tc.at); got != tc.want {
				t.Errorf("%+v contains %v = %v, want %v", tc.p, tc.at, got, tc.want)
			}
		})
	}
}

func TestQuestionPeriodsAsked(t *testing.T) {
	f, err := Parse("f.yaml", []byte("questions:\n  - {id: overall, type: rating, label: Overall}\n  - {id: pace, type: rating, label: Pace}\nworkshops:\n  - {slug: alpha, title: Alpha}\n"))
	if err != nil {
		t.Fatal(err)
	}
	w := f.Workshop("alpha")
	restart := time.Date(2025, 6, 24, 10, 0, 0, 0, time.UTC)
	qp := QuestionPeriods{"alpha": {
		"overall":   {{}},
		"pilot":     {{Until: restart}},
		"follow_up": {{From: restart}},
	}}
	before := &Response{Workshop: w.Slug, SubmittedAt: restart.Add(-time.Minute), Answers: Answers{}}
	after := &Response{Workshop: w.Slug, SubmittedAt: restart, Answers: Answers{"pilot": {Number: 3}}}
	for _, tc := range []struct {
		name string
		qp   QuestionPeriods
		r    *Response
		id   string
		want bool
	}{
		{"OKAlways", qp, before, "overall", true},
		{"OKRemovedLater", qp, before, "pilot", true},
		{"ErrAddedLater", qp, before, "follow_up", false},
		{"OKAdded", qp, after, "follow_up", true},
		{"OKAnsweredAfterRemoval", qp, after, "pilot", true},
		{"ErrNotInRecord", qp, before, "pace", false},
		{"OKNoRecordCurrentForm", nil, before, "pace", true},
		{"ErrNoRecordNotInForm", nil, before, "pilot", false},
		{"OKNoRecordAnswered", nil, after, "pilot", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.qp.Asked(w, tc.r, tc.id); got != tc.want {
				t.Errorf("Asked(%s) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
	if qp.Changed(w.Slug, "overall") || !qp.Changed(w.Slug, "pilot") || !qp.Changed(w.Slug, "follow_up") || QuestionPeriods(nil).Changed(w.Slug, "pilot") {
		t.Error("Changed: only pilot and follow_up changed, and nothing without a record")
	}
	if got := qp.Questions(w.Slug); len(got) != 3 || got[0] != "follow_up" || got[1] != "overall" || got[2] != "pilot" {
		t.Errorf("Questions = %v", got)
	}
}

// TestTallyAsked counts Asked through a tally with and without a record: a
// question added to one workshop is asked of that workshop's later responses
// only, and in All of no response of another workshop.
func TestTallyAsked(t *testing.T) {
	f, err := Parse("f.yaml", []byte("questions:\n  - {id: overall, type: rating, label: Overall}\n  - {id: comment, type: text, label: Comment}\nworkshops:\n  - {slug: alpha, title: Alpha}\n  - {slug: beta, title: Beta}\n"))
	if err != nil {
		t.Fatal(err)
	}
	w, other := f.Workshops[0], f.Workshops[1]
	restart := time.Date(2025, 6, 24, 10, 0, 0, 0, time.UTC)
	qp := QuestionPeriods{w.Slug: {}}
	for _, q := range w.Questions {
		qp[w.Slug][q.ID] = []Period{{}}
	}
	qp[w.Slug]["comment"] = []Period{{From: restart}} // added at the restart
	responses := []*Response{
		{Workshop: w.Slug, SubmittedAt: restart.Add(-time.Hour), Answers: Answers{"overall": {Number: 4}}},
		{Workshop: w.Slug, SubmittedAt: restart.Add(-time.Minute), Answers: Answers{}},
		{Workshop: w.Slug, SubmittedAt: restart, Answers: Answers{"comment": {Text: "more"}}},
		{Workshop: w.Slug, SubmittedAt: restart.Add(time.Hour), Answers: Answers{}},
		{Workshop: other.Slug, SubmittedAt: restart.Add(time.Hour), Answers: Answers{}},
	}
	t.Run("OKRecorded", func(t *testing.T) {
		tally := NewTally(f)
		tally.Periods = qp
		for _, r := range responses {
			tally.Add(r)
		}
		s := tally.Workshops[w.Slug]
		if s.Asked("comment") != 2 || s.Asked("overall") != 4 || s.Answered("comment") != 1 || s.Answered("overall") != 1 {
			t.Errorf("asked comment %d, overall %d; answered %d, %d", s.Asked("comment"), s.Asked("overall"), s.Answered("comment"), s.Answered("overall"))
		}
		// other has no record: its current form was asked of its response.
		if tally.All.Asked("comment") != 3 || tally.Workshops[other.Slug].Asked("comment") != 1 {
			t.Errorf("All asked comment %d, other %d", tally.All.Asked("comment"), tally.Workshops[other.Slug].Asked("comment"))
		}
	})
	t.Run("OKNoRecord", func(t *testing.T) {
		tally := NewTally(f)
		for _, r := range responses {
			tally.Add(r)
		}
		if tally.Workshops[w.Slug].Asked("comment") != 4 || tally.All.Asked("comment") != 5 {
			t.Errorf("without a record every response is asked its form: %d, %d", tally.Workshops[w.Slug].Asked("comment"), tally.All.Asked("comment"))
		}
	})
}
