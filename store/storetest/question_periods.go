package storetest

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"feedback/forms"
	"feedback/store"
)

// formsOf builds a forms file from workshop slug → question ids (ratings):
// RecordForms needs nothing else.
func formsOf(workshops ...map[string][]string) *forms.Forms {
	f := &forms.Forms{}
	for _, ws := range workshops {
		for slug, ids := range ws {
			w := &forms.Workshop{Slug: slug}
			for _, id := range ids {
				w.Questions = append(w.Questions, &forms.Question{ID: id, Type: forms.Rating, Min: 1, Max: 5})
			}
			f.Workshops = append(f.Workshops, w)
		}
	}
	return f
}

func mustRecord(t *testing.T, s store.Store, f *forms.Forms, at time.Time) store.FormsChange {
	t.Helper()
	change, err := s.RecordForms(context.Background(), f, at)
	if err != nil {
		t.Fatal(err)
	}
	return change
}

func mustPeriods(t *testing.T, s store.Store) forms.QuestionPeriods {
	t.Helper()
	qp, err := s.QuestionPeriods(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return qp
}

// periodsFixture is what the parts of testQuestionPeriods share: three
// start times and the two forms files started with.
type periodsFixture struct {
	t0, t1, t2     time.Time
	formsA, formsB *forms.Forms
}

func newPeriodsFixture() periodsFixture {
	t0 := time.Date(2025, 6, 23, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(26*time.Hour + 123*time.Millisecond)
	return periodsFixture{
		t0: t0, t1: t1, t2: t1.Add(5 * time.Hour),
		formsA: formsOf(map[string][]string{"alpha": {"overall", "pilot", "recommend"}}, map[string][]string{"gamma": {"overall"}}),
		formsB: formsOf(map[string][]string{"alpha": {"overall", "recommend", "follow_up"}}, map[string][]string{"beta": {"overall"}}),
	}
}

// periodsA is the history after the first start, with forms A.
func (f periodsFixture) periodsA() forms.QuestionPeriods {
	always := []forms.Period{{}}
	return forms.QuestionPeriods{
		"alpha": {"overall": always, "pilot": always, "recommend": always},
		"gamma": {"overall": always},
	}
}

// periodsB is the history after the restart with forms B at t1.
func (f periodsFixture) periodsB() forms.QuestionPeriods {
	at1, always := f.t1.Truncate(time.Millisecond), []forms.Period{{}}
	return forms.QuestionPeriods{
		"alpha": {"overall": always, "pilot": {{Until: at1}}, "recommend": always, "follow_up": {{From: at1}}},
		"gamma": {"overall": {{Until: at1}}},
		"beta":  {"overall": always},
	}
}

// periodsA2 is the history after the restart with forms A again at t2.
func (f periodsFixture) periodsA2() forms.QuestionPeriods {
	at1, always := f.t1.Truncate(time.Millisecond), []forms.Period{{}}
	return forms.QuestionPeriods{
		"alpha": {"overall": always, "pilot": {{Until: at1}, {From: f.t2}}, "recommend": always, "follow_up": {{From: at1, Until: f.t2}}},
		"gamma": {"overall": {{Until: at1}, {From: f.t2}}},
		"beta":  {"overall": {{Until: f.t2}}},
	}
}

// testQuestionPeriods starts with one forms file, restarts with another
// (a question removed, one added, a workshop gone, a workshop new), then with
// the first again, and checks the recorded history after each start, across
// reopens, and that two stores starting at once on one place record every
// question once. Then the responses stored between the starts are counted as
// asked by the tally, against counts the test makes itself.
func testQuestionPeriods(t *testing.T, b Backend) {
	f := newPeriodsFixture()
	s := recordThreeStarts(t, b, f)
	t.Run("OKTallyCountsAsked", func(t *testing.T) { testTallyCountsAsked(t, s, f) })
	t.Run("OKStartingTogether", func(t *testing.T) { testStartingTogether(t, b, f) })
}

// saveAt stores a response to workshop with the given time and answers.
func saveAt(t *testing.T, s store.Store, workshop string, at time.Time, a forms.Answers) {
	t.Helper()
	r := newResponse(workshop, a)
	r.SubmittedAt = at
	if _, err := s.SaveResponse(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// recordThreeStarts starts a store with forms A, B, then A again, checking
// the history after each, with responses stored between the starts; it
// returns the store, open.
func recordThreeStarts(t *testing.T, b Backend, f periodsFixture) store.Store {
	place := b.New(t)
	s := mustOpenAt(t, b, place)
	if got := mustPeriods(t, s); len(got) != 0 {
		t.Fatalf("a new store has periods: %v", got)
	}
	if change := mustRecord(t, s, f.formsA, f.t0); len(change.Added)+len(change.Removed) != 0 {
		t.Errorf("first start: change %+v, want none (every question counts as asked all along)", change)
	}
	// The same forms again, as at every restart that changed nothing.
	if change := mustRecord(t, s, f.formsA, f.t0.Add(time.Hour)); len(change.Added)+len(change.Removed) != 0 {
		t.Errorf("same forms: change %+v", change)
	}
	if got, want := mustPeriods(t, s), f.periodsA(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after forms A: %v, want %v", got, want)
	}
	// Responses under forms A, one of them just before the restart.
	saveAt(t, s, "alpha", f.t0.Add(time.Minute), forms.Answers{"overall": {Number: 4}, "pilot": {Number: 2}})
	saveAt(t, s, "alpha", f.t1.Add(-time.Millisecond), forms.Answers{"overall": {Number: 5}})
	saveAt(t, s, "gamma", f.t0.Add(time.Minute), forms.Answers{"overall": {Number: 3}})
	s.Close()

	// The restart with forms B.
	s = mustOpenAt(t, b, place)
	change := mustRecord(t, s, f.formsB, f.t1)
	if want := (store.FormsChange{Added: []string{"alpha/follow_up"}, Removed: []string{"alpha/pilot", "gamma/overall"}}); !reflect.DeepEqual(change, want) {
		t.Errorf("forms B: change %+v, want %+v (beta is new: nothing to report)", change, want)
	}
	if got, want := mustPeriods(t, s), f.periodsB(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after forms B: %v, want %v", got, want)
	}
	saveAt(t, s, "alpha", f.t1, forms.Answers{"overall": {Number: 3}})
	saveAt(t, s, "alpha", f.t1.Add(time.Hour), forms.Answers{"follow_up": {Number: 5}})
	// Under forms B only a replica not yet restarted can store an answer to
	// pilot: the tally still counts it as asked.
	saveAt(t, s, "alpha", f.t1.Add(time.Minute), forms.Answers{"pilot": {Number: 1}})

	// Back to forms A: pilot asked again, follow_up gone, beta
	// gone, gamma back.
	if change := mustRecord(t, s, f.formsA, f.t2); !reflect.DeepEqual(change, store.FormsChange{
		Added:   []string{"alpha/pilot", "gamma/overall"},
		Removed: []string{"alpha/follow_up", "beta/overall"},
	}) {
		t.Errorf("forms A again: change %+v", change)
	}
	for i, s := range []store.Store{s, mustOpenAt(t, b, place)} {
		got := mustPeriods(t, s)
		if want := f.periodsA2(); !reflect.DeepEqual(got, want) {
			t.Fatalf("store %d, after forms A again: %v, want %v", i, got, want)
		}
		wantUTC(t, got)
	}
	saveAt(t, s, "alpha", f.t2.Add(time.Minute), forms.Answers{"overall": {Number: 1}})
	return s
}

// wantUTC checks that every time of the history is in UTC.
func wantUTC(t *testing.T, qp forms.QuestionPeriods) {
	t.Helper()
	for _, byQuestion := range qp {
		for _, ps := range byQuestion {
			for _, p := range ps {
				for _, at := range []time.Time{p.From, p.Until} {
					if !at.IsZero() && at.Location() != time.UTC {
						t.Errorf("time %v is not in UTC", at)
					}
				}
			}
		}
	}
}

// testTallyCountsAsked counts the responses recordThreeStarts stored with
// the tally, against the test's own count of who was asked pilot.
func testTallyCountsAsked(t *testing.T, s store.Store, f periodsFixture) {
	qp := mustPeriods(t, s)
	tally := forms.NewTally(f.formsA)
	tally.Periods = qp
	var responses []*forms.Response
	for _, r := range all(t, s, store.Filter{Workshop: "alpha"}) {
		tally.Add(r)
		responses = append(responses, r)
	}
	// The test's own count: pilot was in the form before t1 and from t2;
	// a response that answers it was asked it whenever it came.
	asked := 0
	for _, r := range responses {
		_, answered := r.Answers["pilot"]
		if answered || r.SubmittedAt.Before(f.t1) || !r.SubmittedAt.Before(f.t2) {
			asked++
		}
	}
	sum := tally.Workshops["alpha"]
	if len(responses) != 6 || asked != 4 {
		t.Fatalf("the test stored %d responses, %d asked pilot; it means 6 and 4", len(responses), asked)
	}
	if sum.Asked("pilot") != asked || sum.Asked("overall") != len(responses) || sum.Answered("pilot") != 2 {
		t.Errorf("asked pilot %d, overall %d, answered pilot %d; want %d, %d, 2",
			sum.Asked("pilot"), sum.Asked("overall"), sum.Answered("pilot"), asked, len(responses))
	}
}

// testStartingTogether starts three stores on one place with forms B at
// once, after forms A: every question is recorded once.
func testStartingTogether(t *testing.T, b Backend, f periodsFixture) {
	place := b.New(t)
	stores := []store.Store{mustOpenAt(t, b, place), mustOpenAt(t, b, place), mustOpenAt(t, b, place)}
	mustRecord(t, stores[0], f.formsA, f.t0)
	var wg sync.WaitGroup
	errs := make([]error, len(stores))
	for i, s := range stores {
		wg.Add(1)
		go func(i int, s store.Store) {
			defer wg.Done()
			_, errs[i] = s.RecordForms(context.Background(), f.formsB, f.t1)
		}(i, s)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
	if got, want := mustPeriods(t, stores[1]), f.periodsB(); !reflect.DeepEqual(got, want) {
		t.Errorf("three starts at once: %v, want %v", got, want)
	}
	if n := b.Count(t, place, `SELECT count(*) FROM question_periods`); n != 6 {
		t.Errorf("%d rows, want 6 (one per question and change)", n)
	}
}
